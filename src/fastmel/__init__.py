"""fastmel: mel spectrograms on the CPU at the speed of the FFT.

``fastmel.MelSpectrogram`` computes exactly what ``keras.layers.MelSpectrogram``
computes, from a fused compiled core that runs without the GIL; its keyword
options and ``MelSpectrogram.from_preset`` reach librosa's, torchaudio's and
whisper's conventions, ``MelSpectrogram.stream`` gives a :class:`MelStream`.

``PRESETS`` maps each preset name (``"keras"``, ``"librosa"``,
``"torchaudio"``, ``"whisper"``, ``"whisper-128"``) to its read-only
argument dict. ``fastmel.dask`` (the ``dask`` extra) runs files through a
layer on a Dask cluster; the ``fastmel`` command does it on one machine.
"""
import numpy as _np

from ._filters import linear_to_mel_weight_matrix
from ._layer import MelSpectrogram
from ._presets import PRESETS
from ._stream import MelStream

__version__ = "0.1.0"

__all__ = ["MelSpectrogram", "MelStream", "PRESETS", "linear_to_mel_weight_matrix",
           "show_config", "__version__"]


def show_config():
    """Print the kernel this machine runs and its SIMD lanes; return them as a dict.

    Returns
    -------
    dict
        ``version``, ``kernel`` (instruction set of the compiled kernel the
        plans use), ``lanes_float32`` and ``lanes_float64`` (frames per FFT).

    Examples
    --------
    >>> import fastmel
    >>> info = fastmel.show_config()  # doctest: +SKIP
    version: 0.1.0
    kernel: baseline (SSE2)
    lanes_float32: 4
    lanes_float64: 2
    """
    plans = MelSpectrogram(fft_length=16, sequence_stride=4, num_mel_bins=2)._plans
    f32, f64 = plans[_np.dtype(_np.float32)], plans[_np.dtype(_np.float64)]
    info = {"version": __version__, "kernel": f32.isa,
            "lanes_float32": f32.lanes, "lanes_float64": f64.lanes}
    for key, value in info.items():
        print(f"{key}: {value}")
    return info
