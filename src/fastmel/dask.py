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

from .cli._audio import AudioError, process, require

if TYPE_CHECKING:
    from ._layer import MelSpectrogram

__all__ = ["compute_files", "output_paths"]


def _process_one(
    path: str,
    out_path: str,
    layer: MelSpectrogram,
    resample: bool,
    channels: str,
    overwrite: bool,
) -> dict[str, Any]:
    """Runs on a worker: one file, errors returned rather than raised."""
    try:
        seconds, shape = process(
            path, out_path, layer, resample=resample, channels=channels, overwrite=overwrite
        )
    except (AudioError, OSError, ValueError, MemoryError) as e:
        return {
            "path": str(path),
            "output": str(out_path),
            "seconds": 0.0,
            "shape": None,
            "error": f"{type(e).__name__}: {e}",
        }
    return {
        "path": str(path),
        "output": str(out_path),
        "seconds": seconds,
        "shape": tuple(shape),
        "error": None,
    }


def output_paths(paths: Sequence[str], out_dir: str | os.PathLike) -> list[str]:
    """The default output of each input: ``out_dir/<stem>.npy``.

    Parameters
    ----------
    paths : sequence of str or os.PathLike
    out_dir : str or os.PathLike

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If two paths share a stem (they would write the same file).
    """
    out_dir = pathlib.Path(out_dir)
    outs = []
    seen: dict[pathlib.Path, str] = {}
    for p in paths:
        out = out_dir / (pathlib.Path(p).stem + ".npy")
        if out in seen:
            raise ValueError(f"{p} and {seen[out]} would both write {out}")
        seen[out] = p
        outs.append(str(out))
    return outs


def compute_files(
    client: Any,
    paths: Sequence[str | os.PathLike],
    out_dir: str | os.PathLike,
    layer: MelSpectrogram,
    *,
    out_paths: Sequence[str | os.PathLike] | None = None,
    resample: bool = False,
    channels: str = "mix",
    overwrite: bool = False,
) -> list[dict[str, Any]]:
    """Compute and write the features of many audio files on a Dask cluster.

    Parameters
    ----------
    client : dask.distributed.Client
        The cluster to run on.
    paths : sequence of str or os.PathLike
        Audio files, readable by the workers at these paths.
    out_dir : str or os.PathLike
        Where the ``.npy`` files go (``<stem>.npy`` per input), as seen by
        the workers. Ignored when ``out_paths`` is given.
    layer : MelSpectrogram
        Sent to every worker once (``client.scatter(..., broadcast=True)``):
        it pickles as its configuration and each worker rebuilds its plans a
        single time, then uses that one object for all its files.
    out_paths : sequence of str, optional
        One output path per input, instead of ``out_dir/<stem>.npy``.
    resample : bool, default False
        Resample (soxr) files whose rate differs from ``layer.sampling_rate``
        instead of reporting them.
    channels : {"mix", "keep"}, default "mix"
        Mean of the channels, or one spectrogram per channel.
    overwrite : bool, default False
        Replace existing outputs; otherwise an existing output is reported as
        an error for that file.

    Returns
    -------
    list of dict
        One per input, in input order: ``path``, ``output``, ``seconds`` (of
        audio), ``shape`` (of the features) and ``error`` (None, or the
        message for a file that failed: unreadable, wrong rate, output
        exists). A failure never stops the other files.
    """
    require("dask.distributed", "dask")
    if channels not in ("mix", "keep"):
        raise ValueError(f"`channels` must be 'mix' or 'keep', got {channels!r}")
    names = [str(p) for p in paths]
    if out_paths is None:
        out_paths = output_paths(names, out_dir)
    elif len(out_paths) != len(names):
        raise ValueError("`out_paths` must have one entry per path")
    if not names:
        return []
    shared = client.scatter(layer, broadcast=True)
    futures = client.map(
        _process_one,
        names,
        [str(o) for o in out_paths],
        layer=shared,
        resample=resample,
        channels=channels,
        overwrite=overwrite,
        pure=False,
    )
    return client.gather(futures)
