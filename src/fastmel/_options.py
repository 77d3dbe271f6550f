"""One vocabulary: every option's allowed values, its normaliser, and the
few formulas that turn options into framing numbers.

The layer, the stream, the engine, the command line's choices and the docs
read the tuples and functions here; nothing else spells them out.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

import numpy as np

# -- allowed values ---------------------------------------------------------------

WindowName = Literal["hann", "hamming"]
MelScale = Literal["keras", "htk", "slaney", "kaldi"]
Norm = Literal["slaney"]
PadMode = Literal["reflect", "constant", "symmetric"]
LogMode = Literal["db", "natural", "whisper"]
TopDbScope = Literal["batch", "example", "channels"]
KernelName = Literal["auto", "baseline", "avx2"]
Energy = Literal["none", "raw", "windowed"]
FloorMode = Literal["none", "batch", "row"]
Layout = Literal["bands_frames", "frames_bands"]
NormMode = Literal["none", "mean", "mean_std"]
# What a filter along frames reads past the ends (fm_edge).
Edge = Literal["replicate", "reflect", "symmetric", "constant", "wrap", "interp"]
EDGES: tuple[Edge, ...] = ("replicate", "reflect", "symmetric", "constant", "wrap", "interp")

WINDOWS: tuple[WindowName, ...] = ("hann", "hamming")
MEL_SCALES: tuple[MelScale, ...] = ("keras", "htk", "slaney", "kaldi")
NORMS: tuple[Norm | None, ...] = (None, "slaney")
PAD_MODES: tuple[PadMode, ...] = ("reflect", "constant", "symmetric")
TOP_DB_SCOPES: tuple[TopDbScope, ...] = ("batch", "example", "channels")
DTYPES = ("float32", "float64")

# log_mode -> (multiplier of log10, offset added after the log). Output units
# are log_scale / 10 per dB, so a dB value is (out - offset) * 10 / log_scale.
LOG_MODES: dict[LogMode, tuple[float, float]] = {
    "db": (10.0, 0.0),
    "natural": (float(np.log(10.0)), 0.0),
    "whisper": (0.25, 1.0),
}

T = TypeVar("T")


# -- normalisers ----------------------------------------------------------------------


def choice(name: str, value: Any, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options``, else a ValueError naming ``name``."""
    if isinstance(value, (str, type(None))) and value in options:
        return value  # type: ignore[return-value]
    shown = ", ".join(repr(o) for o in options)
    raise ValueError(f"`{name}` must be one of {shown}; got {value!r}")


def as_real(name: str, value: Any, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, or a TypeError/ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"`{name}` must be finite, got {value!r}")
    if minimum is not None and (v <= minimum if strict else v < minimum):
        op = ">" if strict else ">="
        raise ValueError(f"`{name}` must be {op} {minimum}, got {value!r}")
    return v


# The largest FFT (a layer's plans take about 110 bytes per point) and mel count.
MAX_FFT_LENGTH = 2**22
MAX_MEL_BINS = 2**16

# The largest size any other integer option takes (a stride, a count of samples):
# beyond it a ValueError, never an overflow inside the core.
MAX_SIZE = 2**53


def as_int(name: str, value: Any, *, minimum: int = 1, maximum: int = MAX_SIZE) -> int:
    """``value`` as an int in [minimum, maximum], or a TypeError/ValueError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    v = int(value)
    if v < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {v}")
    if v > maximum:
        raise ValueError(f"`{name}` must be <= {maximum}, got {v}")
    return v


def as_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_, numbers.Integral)):
        raise TypeError(f"`{name}` must be a bool, got {value!r}")
    return bool(value)


def compute_dtype(dtype: Any) -> np.dtype | None:
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


def policy_dtype(dtype: Any) -> np.dtype | None:
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
        # {"class_name": "DTypePolicy", "config": {"name": "float64"}} (Keras 3),
        # {"config": "float64"}, or {"name": "float64"}.
        inner = dtype.get("config", dtype)
        name = inner.get("name") if isinstance(inner, dict) else inner
        if not isinstance(name, str):
            raise TypeError(f"`dtype`: a dtype policy dict without a name: {dtype!r}")
        return np.dtype(np.float64) if name == "float64" else None
    if not isinstance(dtype, (str, np.dtype, type)):
        name = getattr(dtype, "name", None)
        return np.dtype(np.float64) if name == "float64" else None
    try:
        dt = np.dtype(name)
    except TypeError:
        return None
    return dt if dt in (np.float32, np.float64) else None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# The most threads one call runs (the core's FM_MAX_THREADS): a larger
# num_threads is an error, and "all cores" on a bigger machine means this many.
MAX_THREADS = 256


def resolve_threads(num_threads: Any, name: str = "num_threads") -> int:
    """scipy.fft ``workers`` semantics: None -> 1, -1 -> all cores, -k -> all but k-1;
    at most MAX_THREADS."""
    if num_threads is None:
        return 1
    if isinstance(num_threads, (bool, np.bool_)) or not isinstance(num_threads, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer or None, got {num_threads!r}")
    n = int(num_threads)
    if n == 0:
        raise ValueError(f"`{name}` must not be 0 (use None for 1, -1 for all cores)")
    if n > MAX_THREADS:
        raise ValueError(f"`{name}` must be at most {MAX_THREADS}, got {n}")
    if n > 0:
        return n
    cores = available_cores()
    if n < -cores:
        raise ValueError(f"`{name}`={n} asks for fewer than 1 of the {cores} cores")
    return min(cores + 1 + n, MAX_THREADS)


# -- formulas ----------------------------------------------------------------------------


def centre_pad(fft_length: int, center: bool) -> int:
    """Samples of padding before (and after) the signal: ``fft_length // 2`` when
    frames are centred on ``t * hop``, else 0."""
    return fft_length // 2 if center else 0


def floor_range(top_db: float | None, power_to_db: bool, log_mode: LogMode) -> float | None:
    """The ``top_db`` floor in output units (None without a floor)."""
    if not power_to_db or top_db is None:
        return None
    return float(top_db) * LOG_MODES[log_mode][0] / 10.0


def floor_group(scope: TopDbScope, lead: tuple[int, ...]) -> int:
    """Consecutive signals (rows of the input's leading dimensions ``lead``) that
    share one ``top_db`` maximum: all of them ("batch"), each alone ("example"),
    or each item's channels, the last leading dimension ("channels", as
    torchaudio's AmplitudeToDB: the whole input when it has < 2 leading dims)."""
    rows = int(np.prod(lead, dtype=np.int64)) if lead else 1
    if scope == "example":
        return 1
    if scope == "channels" and len(lead) >= 2:
        return lead[-1]
    return rows


def to_db(values: np.ndarray, power_to_db: bool, log_mode: LogMode) -> np.ndarray:
    """Output values in dB whatever the log mode (power or magnitude: 10 log10)."""
    v = np.asarray(values, dtype=np.float64)
    if not power_to_db:
        return 10.0 * np.log10(np.maximum(v, 1e-10))
    scale, offset = LOG_MODES[log_mode]
    return (v - offset) * 10.0 / scale


# -- signals -------------------------------------------------------------------------------


def as_lengths(lengths: Any, lead: tuple[int, ...], n_samples: int) -> np.ndarray:
    """``lengths``, one valid length per signal of a ``lead + (n_samples,)`` input,
    as a flat uintp array (one per row), or a ValueError."""
    lens = np.asarray(lengths)
    if lens.dtype.kind not in "iu" or lens.shape != lead:
        raise ValueError(
            f"`lengths` must be integers of shape {lead} (the leading dims), got "
            f"{lens.dtype} of shape {lens.shape}"
        )
    if lens.size and (lens.min() < 0 or lens.max() > n_samples):
        raise ValueError(f"`lengths` must be in [0, {n_samples}]")
    return lens.reshape(-1).astype(np.uintp)


def as_signal(x: Any, dtype: np.dtype | None) -> np.ndarray:
    """``x`` as a native, aligned float32/float64 array with >= 1 dim and >= 1 sample."""
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    # float64 in any byte order stays float64, from an array or anything else that
    # carries a dtype (a torch tensor, array.array("d"), a memoryview); Python
    # lists and numbers become float32, as in Keras.
    wide = a.dtype.kind == "f" and a.dtype.itemsize == 8
    plain = isinstance(x, (list, tuple, numbers.Number))
    default = np.float64 if wide and not plain else np.float32
    kind = a.dtype.kind
    if kind == "c":
        raise TypeError(
            f"complex input is not supported (got {a.dtype}): pass a real signal, "
            "e.g. x.real or np.abs(x)"
        )
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
