"""fastmel: mel spectrograms on the CPU at the speed of the FFT.

``fastmel.MelSpectrogram`` computes exactly what ``keras.layers.MelSpectrogram``
computes, from a fused compiled core that runs without the GIL; its keyword
options and ``MelSpectrogram.from_preset`` reach librosa's, torchaudio's and
whisper's conventions, ``MelSpectrogram.stream`` gives a :class:`MelStream`. Every front end
(these, ``fastmel.kaldi``'s and ``fastmel.transformers``') is a
:class:`FrontEnd`: an immutable value that pickles as its configuration,
and runs on the threads its call, its constructor or the context
(:func:`set_num_threads`) names.

``PRESETS`` maps each preset name (``"keras"``, ``"librosa"``,
``"torchaudio"``, ``"whisper"``, ``"whisper-128"``) to its read-only
argument dict. ``fastmel.dask`` (the ``dask`` extra) runs files through a
layer on a Dask cluster; the ``fastmel`` command does it on one machine.
"""

from importlib.metadata import PackageNotFoundError as _NotFound
from importlib.metadata import version as _version
from typing import Any

from . import _engine
from ._chain import Chain, ChainStream
from ._filters import linear_to_mel_weight_matrix
from ._frames import PCEN, Deltas, SlidingCMVN, StackFrames
from ._frames_stream import FramesStream
from ._frontend import Configured, FrontEnd, get_num_threads, set_num_threads
from ._layer import MelSpectrogram
from ._mfcc import MFCC
from ._options import MAX_THREADS
from ._presets import PRESETS
from ._stream import MelStream

try:
    __version__ = _version("fastmel")
except _NotFound:  # pragma: no cover - imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Chain",
    "ChainStream",
    "Configured",
    "Deltas",
    "FramesStream",
    "FrontEnd",
    "MAX_THREADS",
    "MFCC",
    "MelSpectrogram",
    "MelStream",
    "PCEN",
    "PRESETS",
    "SlidingCMVN",
    "StackFrames",
    "available_kernels",
    "get_num_threads",
    "linear_to_mel_weight_matrix",
    "set_num_threads",
    "show_config",
    "__version__",
]


def available_kernels() -> tuple[str, ...]:
    """The compiled kernels that run on this machine.

    Returns
    -------
    tuple of str
        Always ``"baseline"``; also ``"avx2"`` on x86-64 CPUs with AVX2 and
        FMA when that kernel was built. Any of them, or ``"auto"``, can be
        passed as ``MelSpectrogram(kernel=...)`` or set as the environment
        variable ``FASTMEL_KERNEL`` before fastmel is imported.

    Examples
    --------
    >>> import fastmel
    >>> "baseline" in fastmel.available_kernels()
    True
    """
    return _engine.available_kernels()


def show_config() -> dict[str, Any]:
    """Print the kernel this machine runs and its SIMD lanes; return them as a dict.

    Returns
    -------
    dict
        ``version``, ``kernel`` (instruction set of the compiled kernel that
        plans use by default), ``lanes_float32`` and ``lanes_float64`` (frames
        per FFT), ``requested`` (``FASTMEL_KERNEL`` as read at import, or
        "auto") and ``available`` (:func:`available_kernels`).

    Examples
    --------
    >>> import fastmel
    >>> info = fastmel.show_config()  # doctest: +SKIP
    version: 0.1.0
    kernel: baseline (SSE2)
    lanes_float32: 4
    lanes_float64: 2
    requested: auto
    available: baseline
    """
    info = {
        "version": __version__,
        **_engine.kernel_info(),
        "requested": _engine.DEFAULT_KERNEL,
        "available": ", ".join(available_kernels()),
    }
    for key, value in info.items():
        print(f"{key}: {value}")
    return info
