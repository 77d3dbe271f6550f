"""Audio files to features: reading, checking the rate, writing, one file at a time.

Shared by ``fastmel compute`` and :mod:`fastmel.dask`. Needs the ``cli`` extra
(soundfile; soxr to resample).
"""

from __future__ import annotations

import os
import pathlib
import tempfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

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
            f"this needs the `{module}` package: pip install 'fastmel[{extra}]'"
        ) from e


class AudioError(Exception):
    """A file could not be turned into features (unreadable, wrong rate, ...)."""


def find_audio(inputs: Iterable[str | os.PathLike]) -> list[tuple[pathlib.Path, pathlib.Path]]:
    """``(path, relative output stem)`` for every audio file in ``inputs``.

    A directory contributes its audio files (by suffix, recursively, sorted),
    named relative to it; a file is named by its own stem. Raises
    FileNotFoundError for an input that does not exist.
    """
    found = []
    for item in inputs:
        p = pathlib.Path(item)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in AUDIO_SUFFIXES:
                    found.append((f, f.relative_to(p).with_suffix("")))
        elif p.exists():
            found.append((p, pathlib.Path(p.stem)))
        else:
            raise FileNotFoundError(f"no such file or directory: {item}")
    return found


def duration(path: str | os.PathLike) -> float | None:
    """Seconds of audio in ``path`` from its header, or None if unreadable."""
    sf = require("soundfile", "cli")
    try:
        info = sf.info(str(path))
    except Exception:  # noqa: BLE001 - any unreadable file is reported later
        return None
    return info.frames / info.samplerate if info.samplerate else None


def read(
    path: str | os.PathLike,
    sampling_rate: float,
    *,
    resample: bool = False,
    channels: str = "mix",
) -> np.ndarray:
    """Audio as float32 ``(samples,)`` (``channels="mix"``: mean of channels) or
    ``(channels, samples)`` (``"keep"``) at ``sampling_rate``.

    Raises AudioError for an unreadable or empty file, or for a rate that
    differs from ``sampling_rate`` unless ``resample`` (then soxr, "HQ").
    """
    sf = require("soundfile", "cli")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as e:  # noqa: BLE001 - soundfile raises several types
        raise AudioError(f"cannot read audio: {e}") from None
    if data.shape[0] == 0:
        raise AudioError("the file holds no samples")
    if rate != sampling_rate:
        if not resample:
            raise AudioError(
                f"sample rate is {rate} Hz, expected {sampling_rate:g} Hz "
                "(pass --resample to convert)"
            )
        soxr = require("soxr", "cli")
        data = soxr.resample(data, rate, sampling_rate, quality="HQ").astype(np.float32)
    if channels == "mix":
        return data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0].copy()
    return np.ascontiguousarray(data.T)


def save_npy(path: str | os.PathLike, array: np.ndarray, *, overwrite: bool = False) -> None:
    """Write ``array`` to ``path`` atomically; FileExistsError unless ``overwrite``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
        if overwrite:
            os.replace(tmp, path)
        else:
            # Fails if another writer created the file meanwhile.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsError(f"{path} exists (pass --overwrite to replace it)") from None
            except OSError:  # no hard links here: check, then rename
                if path.exists():
                    raise FileExistsError(
                        f"{path} exists (pass --overwrite to replace it)"
                    ) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def process(
    path: str | os.PathLike,
    out_path: str | os.PathLike,
    layer: MelSpectrogram,
    *,
    resample: bool = False,
    channels: str = "mix",
    overwrite: bool = False,
) -> tuple[float, tuple[int, ...]]:
    """Features of one file written to ``out_path``; returns ``(seconds, shape)``.

    Raises AudioError or FileExistsError (the caller reports and goes on).
    """
    out_path = pathlib.Path(out_path)
    if out_path.exists() and not overwrite:
        raise FileExistsError(f"{out_path} exists (pass --overwrite to replace it)")
    audio = read(path, layer.sampling_rate, resample=resample, channels=channels)
    features = layer(audio)
    save_npy(out_path, features, overwrite=overwrite)
    return audio.shape[-1] / layer.sampling_rate, features.shape
