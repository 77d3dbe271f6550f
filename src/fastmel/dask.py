"""Corpus-scale feature extraction on a Dask cluster (the ``dask`` extra).

The files are processed where the workers run: each worker reads its files
(soundfile), computes the features with one layer object that it keeps for
the whole run, and writes one ``.npy`` per file, exactly as
``fastmel compute`` does. Paths must therefore be valid on the workers (a
shared or network file system, or object storage mounted at the same path).

Examples
--------
>>> from dask.distributed import Client                 # doctest: +SKIP
>>> import fastmel, fastmel.dask                        # doctest: +SKIP
>>> client = Client("tcp://scheduler:8786")  # or Client(LocalCluster())  # doctest: +SKIP
>>> layer = fastmel.MelSpectrogram.from_preset("whisper")  # doctest: +SKIP
>>> results = fastmel.dask.compute_files(client, paths, "/data/features", layer)  # doctest: +SKIP
>>> failed = [r for r in results if r["error"]]       # doctest: +SKIP
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .cli._audio import AudioError, Job, claim_outputs, output_names, process, require
from .cli._output import display, sweep_temporaries

if TYPE_CHECKING:
    from ._layer import MelSpectrogram

__all__ = ["compute_files", "output_paths"]


def _process_one(
    path: str,
    out_path: str | None,
    error: str | None,
    layer: MelSpectrogram,
    resample: bool,
    channels: str,
    overwrite: bool,
    skip_existing: bool,
) -> dict[str, Any]:
    """Runs on a worker: one file, errors returned rather than raised. Run
    twice (a retry after a worker died), it finds its own output and reports
    success."""
    result: dict[str, Any] = {
        "path": path,
        "output": out_path,
        "status": "failed",
        "seconds": 0.0,
        "shape": None,
        "error": error,
    }
    if error is not None or out_path is None:
        return result
    if skip_existing and os.path.lexists(out_path):
        result["status"] = "skipped"
        return result
    try:
        outcome, seconds, shape = process(
            path,
            out_path,
            layer,
            resample=resample,
            channels=channels,
            overwrite=overwrite,
            resample_hint="resample=True",
        )
    except (AudioError, OSError, ValueError, MemoryError) as e:
        result["error"] = f"{type(e).__name__}: {e}"
        return result
    result.update(status=outcome, seconds=seconds, shape=tuple(shape))
    return result


def _sweep(folders: list[str]) -> int:
    """Runs on every worker: temporaries that killed workers of its host left."""
    return sum(sweep_temporaries(f) for f in folders)


def output_paths(
    paths: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
) -> list[str]:
    """The default output of each input: its path under ``root`` mirrored under
    ``out_dir``, with ``.npy`` for its suffix, or after it for inputs whose names
    differ only in their suffix (``a.flac.npy`` and ``a.mp3.npy``), as ``fastmel
    compute`` names a folder's files.

    Parameters
    ----------
    paths : sequence of str or os.PathLike
    out_dir : str or os.PathLike
    root : str or os.PathLike, optional
        The folder whose layout is mirrored; by default the deepest folder that
        holds every input (so inputs of one folder give ``out_dir/<stem>.npy``).
        Paths are taken as text: nothing here needs to see the files.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If a path is not under ``root``.
    """
    names = [os.path.abspath(os.fspath(p)) for p in paths]
    if not names:
        return []
    base = (
        os.path.abspath(os.fspath(root))
        if root is not None
        else os.path.commonpath([os.path.dirname(n) for n in names])
    )
    relatives = []
    for p, name in zip(paths, names, strict=True):
        relative = os.path.relpath(name, base)
        if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
            raise ValueError(f"{display(p)} is not under the root {display(base)}")
        relatives.append(pathlib.PurePath(relative))
    return [str(pathlib.Path(out_dir) / n) for n in output_names(relatives)]


def compute_files(
    client: Any,
    paths: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    layer: MelSpectrogram,
    *,
    out_paths: Sequence[str | os.PathLike] | None = None,
    root: str | os.PathLike | None = None,
    resample: bool = False,
    channels: str = "mix",
    overwrite: bool = False,
    skip_existing: bool = False,
) -> list[dict[str, Any]]:
    """Compute and write the features of many audio files on a Dask cluster.

    Outputs are written as ``fastmel compute`` writes them (one module does
    both): whole or not at all, never through a symbolic link, with the mode
    the umask gives. A task that Dask runs again (its worker died) finds its
    own finished output and reports success; temporaries of killed workers
    are removed at the end. Calls are independent of each other, also
    back to back on one client.

    Parameters
    ----------
    client : dask.distributed.Client
        The cluster to run on.
    paths : sequence of str or os.PathLike
        Audio files, readable by the workers at these paths.
    out_dir : str or os.PathLike
        Where the ``.npy`` files go, as seen by the workers: each input's path
        under ``root`` mirrored there (:func:`output_paths`). Ignored when
        ``out_paths`` is given.
    layer : MelSpectrogram
        Sent to every worker once per call (``client.scatter(...,
        broadcast=True)`` under a key of its own): it pickles as its
        configuration and each worker rebuilds its plans a single time, then
        uses that one object for all its files.
    out_paths : sequence of str, optional
        One output path per input, instead of the mirrored layout.
    root : str or os.PathLike, optional
        The folder whose layout is mirrored under ``out_dir``; by default the
        deepest folder that holds every input.
    resample : bool, default False
        Resample (soxr) files whose rate differs from ``layer.sampling_rate``
        instead of reporting them.
    channels : {"mix", "keep"}, default "mix"
        Mean of the channels, or one spectrogram per channel.
    overwrite : bool, default False
        Replace existing outputs that differ; otherwise such an output is an
        error for that file (one that holds the same features is "unchanged").
    skip_existing : bool, default False
        Leave files whose output exists without reading them.

    Returns
    -------
    list of dict
        One per input, in input order: ``path``, ``output``, ``status``
        ("written", "unchanged": the output held these features already,
        "skipped", or "failed"), ``seconds`` (of audio), ``shape`` (of the
        features) and ``error`` (None, or why the file failed: unreadable,
        wrong rate, output exists with other content, two inputs with one
        output). A failure never stops the other files.
    """
    require("dask.distributed", "dask")
    if channels not in ("mix", "keep"):
        raise ValueError(f"`channels` must be 'mix' or 'keep', got {channels!r}")
    if overwrite and skip_existing:
        raise ValueError("`overwrite` and `skip_existing` exclude each other")
    names = [str(p) for p in paths]
    if out_paths is None:
        out_paths = output_paths(names, out_dir, root=root)
    elif len(out_paths) != len(names):
        raise ValueError("`out_paths` must have one entry per path")
    if not names:
        return []
    # Two inputs with one output: the later ones fail, each on its own. (The
    # check for regular files is left to the workers, which see the files.)
    jobs = claim_outputs(
        [Job(pathlib.Path(n), pathlib.Path(o)) for n, o in zip(names, out_paths, strict=True)],
        check_files=False,
    )
    # A key of this call's own: a previous call releasing its layer cannot
    # cancel this one's.
    shared = client.scatter(layer, broadcast=True, hash=False)
    futures = client.map(
        _process_one,
        names,
        [str(job.out) for job in jobs],
        [job.error for job in jobs],
        layer=shared,
        resample=resample,
        channels=channels,
        overwrite=overwrite,
        skip_existing=skip_existing,
        pure=False,
    )
    try:
        return client.gather(futures)
    finally:
        folders = sorted({str(job.out.parent) for job in jobs if job.out is not None})
        try:
            client.run(_sweep, folders)
        except Exception:  # noqa: BLE001 - cleaning up is best effort
            pass
