"""The public layer: ``fastmel.MelSpectrogram``."""
from __future__ import annotations

import numbers
import os

import numpy as np

from . import _core
from ._filters import (
    _int, _real, _validate_filter_args, linear_to_mel_weight_matrix, mel_bands,
    window_array,
)

__all__ = ["MelSpectrogram"]

# Keys a Keras layer's get_config() adds to a layer's own arguments.
_KERAS_BASE_KEYS = frozenset(
    {"name", "trainable", "dtype", "autocast", "input_shape", "batch_input_shape",
     "batch_size", "input_dim"})


def _resolve_threads(num_threads):
    """scipy.fft ``workers`` semantics: None -> 1, -1 -> all cores, -k -> all but k-1."""
    if num_threads is None:
        return 1
    if isinstance(num_threads, (bool, np.bool_)) or not isinstance(num_threads, numbers.Integral):
        raise TypeError(f"`num_threads` must be an integer or None, got {num_threads!r}")
    n = int(num_threads)
    if n == 0:
        raise ValueError("`num_threads` must not be 0 (use None for 1, -1 for all cores)")
    if n > 0:
        return n
    cores = _available_cores()
    if n < -cores:
        raise ValueError(f"`num_threads`={n} asks for fewer than 1 of the {cores} cores")
    return cores + 1 + n


def _available_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _compute_dtype(dtype):
    """The ``dtype`` argument: None, float32 or float64."""
    if dtype is None:
        return None
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"`dtype` must be None, 'float32' or 'float64', got {dtype!r}") from None
    if dt not in (np.float32, np.float64):
        raise TypeError(f"`dtype` must be None, 'float32' or 'float64', got {dtype!r}")
    return dt


def _policy_dtype(dtype):
    """Compute dtype from a config's dtype entry.

    A plain "float32"/"float64" (fastmel's own config) is taken as is; a Keras
    dtype policy (dict or object) means float64 compute if it is float64 and
    "follow the input" (None) otherwise, as do other names such as
    "mixed_float16" (Keras computes those in float32).
    """
    if dtype is None:
        return None
    name = dtype
    if isinstance(dtype, dict):
        name = dtype.get("config", {}).get("name", dtype.get("name"))
        return np.dtype(np.float64) if name == "float64" else None
    if not isinstance(dtype, (str, np.dtype, type)):
        name = getattr(dtype, "name", None)
        return np.dtype(np.float64) if name == "float64" else None
    try:
        dt = np.dtype(name)
    except TypeError:
        return None
    return dt if dt in (np.float32, np.float64) else None


def _as_signal(x, dtype):
    """``x`` as a native, aligned float32/float64 array with >= 1 dim and >= 1 sample."""
    if isinstance(x, np.ndarray):
        a = x
        # float64 in any byte order stays float64.
        default = np.float64 if (a.dtype.kind == "f" and a.dtype.itemsize == 8) else np.float32
    else:
        a = np.asarray(x)
        default = np.float32  # Python sequences and scalars
    kind = a.dtype.kind
    if kind == "c":
        raise TypeError(
            f"complex input is not supported (got {a.dtype}): pass a real signal, "
            "e.g. x.real or np.abs(x)")
    if kind not in "biuf":
        raise TypeError(f"input must be real numbers, got an array of dtype {a.dtype}")
    if a.ndim == 0:
        raise ValueError("input must have shape (..., samples); got a 0-d array")
    if a.shape[-1] == 0:
        raise ValueError(f"input has 0 samples (shape {a.shape}); at least 1 is needed")
    target = np.dtype(dtype) if dtype is not None else np.dtype(default)
    if a.dtype != target:
        # Also the byte-swapped case: a.dtype differs from native target.
        a = a.astype(target)
    if not a.flags.aligned:
        a = a.copy()
    return a


class MelSpectrogram:
    """Mel spectrogram of audio, identical to ``keras.layers.MelSpectrogram``.

    Frames are cut with centre reflect padding, windowed, transformed by a
    real FFT, raised to ``|X| ** mag_exp``, mapped to HTK mel bands and
    optionally converted to decibels with a ``top_db`` floor, all in one fused
    pass of compiled code that releases the GIL. The window, FFT plan and
    sparse filter bank are built once, here, and shared read-only by every
    call and thread.

    Parameters
    ----------
    fft_length : int, default 2048
        FFT size ``n``; ``n // 2 + 1`` linear bins before the mel step.
    sequence_stride : int, default 512
        Hop between frames, in samples (>= 1).
    sequence_length : int or None, default None
        Window length ``L <= fft_length``; None means ``fft_length``.
    window : {"hann", "hamming"}, np.ndarray [shape=(L,)] or None, default "hann"
        Periodic Hann or Hamming window of length ``L``, an explicit window,
        or None for a rectangle over all ``fft_length`` samples. The window is
        zero-padded to ``fft_length``, centred.
    sampling_rate : float, default 16000
        Sampling rate of the input, Hz.
    num_mel_bins : int, default 128
        Number of mel bands.
    min_freq : float, default 20.0
        Lower edge of the lowest band, Hz.
    max_freq : float or None, default None
        Upper edge of the highest band, Hz; None (or 0) means
        ``int(sampling_rate / 2)``, as in Keras.
    power_to_db : bool, default True
        Return ``10 log10(max(M, min_power)) - 10 log10(max(|ref_power|, min_power))``.
    top_db : float or None, default 80.0
        In dB mode, floor the output at its maximum minus ``top_db``; the
        maximum is taken over the whole input, batch included (Keras). None
        disables the floor.
    mag_exp : float, default 2.0
        Exponent on the magnitude: 1 for magnitude, 2 for power (> 0).
    min_power : float, default 1e-10
        Floor on the power and on ``|ref_power|`` inside the log (> 0).
    ref_power : float, default 1.0
        Reference power for the dB conversion.
    dtype : None, "float32", "float64" or a Keras dtype policy, default None
        Compute dtype. None follows the input (float32 or float64; anything
        else becomes float32).
    num_threads : int or None, default None
        Worker threads per call, as scipy.fft's ``workers``: None is 1, ``-1``
        all cores, ``-k`` all but ``k - 1``; 0 is an error. Results are
        bit-identical for every value.

    Notes
    -----
    Input is ``np.ndarray [shape=(..., samples)]`` (or anything
    ``np.asarray`` accepts) with at least one sample. float32 and float64
    are computed in their own precision; other real dtypes (integers, bool,
    float16) and Python sequences become float32; complex, object, string and
    date/time input is a TypeError. Strided, negative-stride, Fortran-ordered
    and read-only arrays are read in place; byte-swapped or misaligned arrays
    are first copied to a native, aligned array.

    The output is ``np.ndarray [shape=(..., num_mel_bins, n_frames)]`` with
    ``n_frames = 1 + (samples + 2 * (fft_length // 2) - fft_length) //
    sequence_stride``. Signals shorter than the padding are reflected
    repeatedly, as ``np.pad(mode="reflect")`` does.

    Non-finite samples: NaN or Inf in the input makes the frames whose
    window covers it (its non-zero part) NaN or +inf; every other frame is
    computed as usual. In dB mode the maximum for the ``top_db`` floor is
    taken over finite values only, so one bad sample cannot floor a whole
    batch to NaN or +inf (Keras's floor would).

    See Also
    --------
    linear_to_mel_weight_matrix : the filter bank, as a dense matrix.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160,
    ...                                sequence_length=400, num_mel_bins=80)
    >>> audio = np.random.default_rng(0).standard_normal((2, 16000)).astype(np.float32)
    >>> layer(audio).shape
    (2, 80, 101)
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, *, dtype=None, num_threads=None):
        self.fft_length = _int("fft_length", fft_length)
        self.sequence_stride = _int("sequence_stride", sequence_stride)
        self.sequence_length = (self.fft_length if sequence_length is None
                                else _int("sequence_length", sequence_length))
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, "
                f"`fft_length`={self.fft_length}.")
        self._window = window_array(window, self.sequence_length, self.fft_length)
        self.window = window if (window is None or isinstance(window, str)) else np.array(window)
        self.sampling_rate = sampling_rate
        _real("sampling_rate", sampling_rate, minimum=0, strict=True)
        self.num_mel_bins = _int("num_mel_bins", num_mel_bins)
        _real("min_freq", min_freq, minimum=0)
        self.min_freq = min_freq
        if max_freq is not None:
            _real("max_freq", max_freq)
        # Keras: `max_freq or int(sampling_rate / 2)` (so 0 also means Nyquist).
        self.max_freq = max_freq or int(sampling_rate / 2)
        if not float(self.max_freq) > float(self.min_freq):
            raise ValueError(
                f"`max_freq` ({self.max_freq!r}) must be greater than `min_freq` "
                f"({min_freq!r})")
        if not isinstance(power_to_db, (bool, np.bool_, numbers.Integral)):
            raise TypeError(f"`power_to_db` must be a bool, got {power_to_db!r}")
        self.power_to_db = bool(power_to_db)
        if top_db is not None:
            _real("top_db", top_db, minimum=0)
        self.top_db = top_db
        self.mag_exp = mag_exp
        _real("mag_exp", mag_exp, minimum=0, strict=True)
        self.min_power = min_power
        self.ref_power = ref_power
        if self.power_to_db:
            _real("min_power", min_power, minimum=0, strict=True)
        else:
            _real("min_power", min_power)
        _real("ref_power", ref_power)
        self.dtype = _compute_dtype(dtype)
        self.num_threads = num_threads
        self._threads = _resolve_threads(num_threads)
        self._plans = {dt: self._make_plan(dt) for dt in (np.dtype(np.float32), np.dtype(np.float64))}

    def _make_plan(self, dt, fft_only=False):
        first, length, weights = mel_bands(
            *_validate_filter_args(self.num_mel_bins, self.fft_length // 2 + 1,
                                   self.sampling_rate, self.min_freq, self.max_freq), dt)
        return _core.Plan(
            fft_length=self.fft_length, hop=self.sequence_stride,
            num_mel_bins=self.num_mel_bins, mag_exp=float(self.mag_exp),
            power_to_db=self.power_to_db, min_power=float(self.min_power),
            ref_power=float(self.ref_power),
            top_db=0.0 if self.top_db is None else float(self.top_db),
            floor_mode=_core.FLOOR_NONE if self.top_db is None else _core.FLOOR_GLOBAL,
            dtype=dt, window=self._window, band_first=first, band_len=length,
            weights=weights, kernel=os.environ.get("FASTMEL_KERNEL", "auto"),
            fft_only=fft_only)

    # -- computing ------------------------------------------------------------

    def __call__(self, x, *, num_threads=None):
        """Mel spectrogram of ``x``.

        Parameters
        ----------
        x : np.ndarray [shape=(..., samples)]
            Audio; see the class Notes for the accepted dtypes and layouts.
        num_threads : int or None
            Overrides the layer's ``num_threads`` for this call.

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, n_frames)]
            float64 for float64 input (or ``dtype="float64"``), else float32.
        """
        threads = self._threads if num_threads is None else _resolve_threads(num_threads)
        a = _as_signal(x, self.dtype)
        lead, n = a.shape[:-1], a.shape[-1]
        plan = self._plans[a.dtype]
        rows = int(np.prod(lead, dtype=np.int64)) if lead else 1
        frames = plan.num_frames(n)
        out = np.empty((rows, self.num_mel_bins, frames), dtype=a.dtype)
        if rows:
            x2 = a.reshape(rows, n)
            if x2.strides[0] % a.itemsize or x2.strides[1] % a.itemsize:
                x2 = np.ascontiguousarray(x2)
            plan.compute(x2, out, threads)
        return out.reshape(lead + (self.num_mel_bins, frames))

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` ``(..., samples)``: ``(..., num_mel_bins, n_frames)``.

        Unlike Keras (whose formula is one frame too many when
        ``(samples + 1) % sequence_stride == 0``) this is the true shape.
        ``None`` dimensions stay ``None``.
        """
        shape = tuple(input_shape)
        if len(shape) == 0:
            raise ValueError("`input_shape` must have at least one dimension (samples)")
        n = shape[-1]
        if n is None:
            frames = None
        else:
            n = _int("input_shape[-1]", n)
            frames = 1 + (n + 2 * (self.fft_length // 2) - self.fft_length) // self.sequence_stride
        return shape[:-1] + (self.num_mel_bins, frames)

    def linear_to_mel_weight_matrix(self, num_mel_bins=20, num_spectrogram_bins=129,
                                    sampling_rate=8000, lower_edge_hertz=125.0,
                                    upper_edge_hertz=3800.0, dtype="float32"):
        """The HTK filter bank matrix, as Keras's method of the same name.

        See :func:`fastmel.linear_to_mel_weight_matrix`; the layer's own bank is
        ``layer.linear_to_mel_weight_matrix(layer.num_mel_bins,
        layer.fft_length // 2 + 1, layer.sampling_rate, layer.min_freq,
        layer.max_freq)``.
        """
        return linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate,
                                           lower_edge_hertz, upper_edge_hertz, dtype)

    # -- configuration --------------------------------------------------------

    def get_config(self):
        """The layer's arguments, with sequence_length and max_freq resolved.

        The first 13 keys are Keras's; ``dtype`` and ``num_threads`` are
        fastmel's. ``MelSpectrogram.from_config(layer.get_config())`` rebuilds
        an equal layer.
        """
        window = self.window
        if isinstance(window, np.ndarray):
            window = window.tolist()
        return {
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
            "dtype": None if self.dtype is None else self.dtype.name,
            "num_threads": self.num_threads,
        }

    @classmethod
    def from_config(cls, config):
        """Build a layer from ``get_config()`` output, fastmel's or the Keras layer's.

        Keras's base-layer keys (``name``, ``trainable``, ...) are accepted and
        ignored, except ``dtype``: a float64 policy means float64 compute.
        Any other unknown key is a TypeError.
        """
        config = dict(config)
        unknown = set(config) - set(_DEFAULTS) - _KERAS_BASE_KEYS
        if unknown:
            raise TypeError(f"unknown MelSpectrogram config keys: {sorted(unknown)}")
        kwargs = {k: v for k, v in config.items() if k in _DEFAULTS}
        kwargs["dtype"] = _policy_dtype(config.get("dtype"))
        return cls(**kwargs)

    def __reduce__(self):
        # Pickle as the config: small, and the plans are rebuilt on load.
        return (_from_config, (self.get_config(),))

    def __repr__(self):
        cfg = self.get_config()
        resolved = {"sequence_length": self.fft_length, "max_freq": int(self.sampling_rate / 2)}
        parts = [f"{k}={v!r}" for k, v in cfg.items()
                 if k != "window" and v != resolved.get(k, _DEFAULTS[k])]
        if not isinstance(self.window, str) or self.window != "hann":
            parts.insert(0, "window=array" if isinstance(self.window, np.ndarray)
                         else f"window={self.window!r}")
        return f"MelSpectrogram({', '.join(parts)})"


_DEFAULTS = {
    "fft_length": 2048, "sequence_stride": 512, "sequence_length": None,
    "window": "hann", "sampling_rate": 16000, "num_mel_bins": 128, "min_freq": 20.0,
    "max_freq": None, "power_to_db": True, "top_db": 80.0, "mag_exp": 2.0,
    "min_power": 1e-10, "ref_power": 1.0, "dtype": None, "num_threads": None,
}


def _from_config(config):
    return MelSpectrogram.from_config(config)
