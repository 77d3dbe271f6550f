"""Audio files to features: reading, checking the rate, writing, one file at a time.

Shared by ``fastmel compute`` and :mod:`fastmel.dask`. Needs the ``cli`` extra
(soundfile; soxr to resample).
"""

from __future__ import annotations

import os
import pathlib
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._output import Outcome, display, npy_bytes, write_file

if TYPE_CHECKING:
    from .._layer import MelSpectrogram

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif")


def require(module: str, extra: str) -> Any:
    """Import ``module`` or raise an ImportError that names the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"this needs the `{module}` package: pip install 'fastmel[{extra}]' "
            f"(from a checkout of the source: pip install '.[{extra}]')"
        ) from e


class AudioError(Exception):
    """A file could not be turned into features (unreadable, wrong rate, ...)."""


@dataclass
class Job:
    """One input file and where its features go; ``error`` when it cannot be
    processed (not a regular file, a folder that cannot be listed, an output
    name that an earlier input already takes)."""

    path: pathlib.Path
    out: pathlib.Path | None
    error: str | None = None


def output_name(relative: pathlib.PurePath) -> pathlib.PurePath:
    """The ``.npy`` name of an input named ``relative``: its suffix replaced
    (``a/b.wav`` -> ``a/b.npy``, ``..wav`` -> ``..npy``, ``x`` -> ``x.npy``)."""
    name = relative.name
    stem = name[: -len(relative.suffix)] if relative.suffix else name
    return relative.parent / (stem + ".npy")


def output_names(relatives: list[pathlib.PurePath]) -> list[pathlib.PurePath]:
    """The ``.npy`` names of a run's inputs: :func:`output_name`'s, except for
    inputs that would share one (``a.flac`` and ``a.mp3``), which keep their
    suffix (``a.flac.npy``, ``a.mp3.npy``), so that neither takes the other's
    place whichever of them fails. (Inputs of one name in two places given
    apart still share it; the later one is refused.)"""
    plain = [output_name(r) for r in relatives]
    taken: dict[pathlib.PurePath, int] = {}
    for p in plain:
        taken[p] = taken.get(p, 0) + 1
    return [
        r.parent / (r.name + ".npy") if taken[p] > 1 and r.suffix else p
        for r, p in zip(relatives, plain, strict=True)
    ]


def _walk(folder: pathlib.Path) -> tuple[list[pathlib.Path], list[tuple[pathlib.Path, str]]]:
    """Files under ``folder`` with an audio suffix (sorted), and the folders
    that could not be listed with the reason."""
    found: list[pathlib.Path] = []
    problems: list[tuple[pathlib.Path, str]] = []

    def failed(e: OSError) -> None:
        problems.append((pathlib.Path(e.filename), f"cannot list folder: {e.strerror}"))

    for top, dirs, files in os.walk(folder, onerror=failed):
        dirs.sort()
        found.extend(
            pathlib.Path(top, f) for f in files if pathlib.Path(f).suffix.lower() in AUDIO_SUFFIXES
        )
    return sorted(found), problems


def _not_regular(path: pathlib.Path) -> str | None:
    """Why ``path`` cannot be read as an audio file, or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return f"cannot read: {e.strerror}"
    if stat.S_ISREG(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) else "special"
    return f"not a regular file ({kind}): not read"


def find_audio(inputs: Iterable[str | os.PathLike], outdir: str | os.PathLike) -> list[Job]:
    """A :class:`Job` for every audio file in ``inputs``, output under ``outdir``.

    A folder contributes its files with an audio suffix (recursively,
    sorted), named by their path inside it; a file is named by its own name.
    Raises FileNotFoundError for an input that does not exist.
    """
    outdir = pathlib.Path(outdir)
    jobs: list[Job] = []
    named: list[tuple[Job, pathlib.PurePath]] = []  # each readable input, by its name
    for item in inputs:
        p = pathlib.Path(item)
        if not os.path.lexists(p):
            raise FileNotFoundError(f"no such file or folder: {display(p)}")
        if p.is_dir():
            files, problems = _walk(p)
            for f in files:
                named.append((Job(f, None), f.relative_to(p)))
                jobs.append(named[-1][0])
            jobs.extend(Job(f, None, why) for f, why in problems)
        else:
            named.append((Job(p, None), pathlib.PurePath(p.name)))
            jobs.append(named[-1][0])
    for (job, _), name in zip(named, output_names([r for _, r in named]), strict=True):
        job.out = outdir / name
    return claim_outputs(jobs)


def claim_outputs(jobs: list[Job], *, check_files: bool = True) -> list[Job]:
    """Mark every job whose output an earlier job already writes, and (with
    ``check_files``) every input that is not a regular file, as failed."""
    owner: dict[pathlib.Path, pathlib.Path] = {}
    for job in jobs:
        if job.error is not None or job.out is None:
            continue
        if check_files:
            job.error = _not_regular(job.path)
        if job.error is not None:
            continue
        first = owner.setdefault(job.out, job.path)
        if first != job.path:
            job.error = f"its output {display(job.out)} is already that of {display(first)}"
    return jobs


def duration(path: str | os.PathLike) -> float | None:
    """Seconds of audio in ``path`` from its header, or None if unreadable."""
    sf = require("soundfile", "cli")
    if _not_regular(pathlib.Path(path)) is not None:
        return None
    try:
        with open(path, "rb") as f:
            info = sf.info(f)
    except Exception:  # noqa: BLE001 - any unreadable file is reported later
        return None
    return info.frames / info.samplerate if info.samplerate else None


def file_rate(path: str | os.PathLike) -> float:
    """The sampling rate in ``path``'s header, Hz; AudioError if unreadable."""
    sf = require("soundfile", "cli")
    why = _not_regular(pathlib.Path(path))
    if why is not None:
        raise AudioError(why)
    try:
        with open(path, "rb") as f:
            return float(sf.info(f).samplerate)
    except Exception as e:  # noqa: BLE001 - soundfile raises several types
        raise AudioError(f"cannot read audio: {_reason(e)}") from None


def _reason(e: Exception) -> str:
    """libsndfile's own words, without soundfile's "Error opening <file object>"."""
    return str(getattr(e, "error_string", None) or e)


def read(
    path: str | os.PathLike,
    sampling_rate: float,
    *,
    resample: bool = False,
    channels: str = "mix",
    resample_hint: str = "--resample",
) -> np.ndarray:
    """Audio as float32 ``(samples,)`` (``channels="mix"``: mean of channels) or
    ``(channels, samples)`` (``"keep"``) at ``sampling_rate``.

    Raises AudioError for an unreadable or empty file, or for a rate that
    differs from ``sampling_rate`` unless ``resample`` (then soxr, "HQ");
    ``resample_hint`` is how the message names the option that converts.
    """
    sf = require("soundfile", "cli")
    why = _not_regular(pathlib.Path(path))
    if why is not None:
        raise AudioError(why)
    try:
        # Opened here, so that any file name works (soundfile needs UTF-8 names).
        with open(path, "rb") as f:
            data, rate = sf.read(f, dtype="float32", always_2d=True)
    except OSError as e:
        raise AudioError(f"cannot read: {e.strerror or e}") from None
    except Exception as e:  # noqa: BLE001 - soundfile raises several types
        raise AudioError(f"cannot read audio: {_reason(e)}") from None
    if data.shape[0] == 0:
        raise AudioError("the file holds no samples")
    if rate != sampling_rate:
        if not resample:
            raise AudioError(
                f"sample rate is {rate} Hz, expected {sampling_rate:g} Hz "
                f"({resample_hint} converts it)"
            )
        soxr = require("soxr", "cli")
        data = soxr.resample(data, rate, sampling_rate, quality="HQ").astype(np.float32)
    if channels == "mix":
        return data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0].copy()
    return np.ascontiguousarray(data.T)


def process(
    path: str | os.PathLike,
    out_path: str | os.PathLike,
    layer: MelSpectrogram,
    *,
    resample: bool = False,
    channels: str = "mix",
    overwrite: bool = False,
    resample_hint: str = "--resample",
    scale: float = 1.0,
) -> tuple[Outcome, float, tuple[int, ...]]:
    """Features of one file written to ``out_path``; returns ``(outcome, seconds,
    shape)``, outcome "written" or "unchanged" (the output held these features
    already).

    Raises AudioError, FileExistsError (an output with other content) or
    OutputError (the caller reports and goes on). The samples are multiplied
    by ``scale`` first (Kaldi features: their int16 size).
    """
    audio = read(
        path, layer.sampling_rate, resample=resample, channels=channels, resample_hint=resample_hint
    )
    if scale != 1.0:
        audio = audio * np.float32(scale)  # (exact for a power of two)
    features = layer(audio)
    outcome = write_file(out_path, npy_bytes(features), overwrite=overwrite)
    return outcome, audio.shape[-1] / layer.sampling_rate, features.shape
