"""What fastmel.librosa's functions share: librosa's error type, its window
specifications, its audio checks and a cache of compiled front ends."""

from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np

from .. import _windows
from .._stft import StftFrontEnd

__all__ = ["ParameterError", "front_end", "valid_audio", "window_key"]


class ParameterError(ValueError):
    """An argument librosa refuses: librosa's ``ParameterError``, here also a ValueError.

    Parameters
    ----------
    *args
        The message.

    Examples
    --------
    >>> import numpy as np, fastmel.librosa as librosa
    >>> try:
    ...     librosa.feature.delta(np.zeros((2, 20)), width=4)
    ... except librosa.ParameterError as e:
    ...     print(e)
    width must be an odd integer >= 3
    """


# scipy.signal.get_window's names of the windows fastmel builds itself
# (periodic: librosa asks for fftbins=True).
_NAMES = {"hann": "hann", "hanning": "hann", "hamming": "hamming", "blackman": "blackman",
          "boxcar": "rectangular", "box": "rectangular", "ones": "rectangular",
          "rect": "rectangular", "rectangular": "rectangular", "kaiser": "kaiser"}  # fmt: skip


def window_key(window: Any) -> Any:
    """A hashable stand-in for librosa's ``window`` argument (a name, a tuple,
    a callable, or the values as a tuple)."""
    if isinstance(window, (str, tuple)) or callable(window):
        return window
    if isinstance(window, numbers.Real):
        return ("kaiser", float(window))  # scipy: a number is a Kaiser beta
    a = np.asarray(window)
    if a.ndim != 1 or a.dtype.kind not in "biuf":
        raise ParameterError(
            f"`window` must be a name, a tuple, a callable or a 1-D array: {window!r}"
        )
    return ("values",) + tuple(a.astype(np.float64).tolist())


def window_values(key: Any, win_length: int) -> np.ndarray:
    """librosa's ``filters.get_window(window, win_length, fftbins=True)``."""
    if isinstance(key, tuple) and key and key[0] == "values":
        values = np.array(key[1:], dtype=np.float64)
        if values.size != win_length:
            raise ParameterError(f"Window size mismatch: {values.size} != {win_length}")
        return values
    if callable(key):
        return np.asarray(key(win_length), dtype=np.float64).reshape(-1)
    name, args = (key[0], key[1:]) if isinstance(key, tuple) else (key, ())
    if isinstance(name, str) and name.lower() in _NAMES and len(args) <= 1:
        own = _NAMES[name.lower()]
        if own == "kaiser":
            if len(args) != 1:
                raise ParameterError("the kaiser window needs its beta: ('kaiser', beta)")
            return _windows.window("kaiser", win_length, periodic=True, beta=float(args[0]))
        if not args:
            return _windows.window(own, win_length, periodic=True)
    try:
        from scipy.signal import get_window  # type: ignore[import-untyped]
    except ImportError:
        raise ParameterError(
            f"window {key!r}: without scipy fastmel builds {sorted(set(_NAMES))} by name; pass "
            "the window's values as an array"
        ) from None
    return np.asarray(get_window(key, win_length, fftbins=True), dtype=np.float64)


def valid_audio(y: Any) -> np.ndarray:
    """``y`` as librosa's ``util.valid_audio`` accepts it: a floating-point
    array of finite values."""
    if not isinstance(y, np.ndarray):
        raise ParameterError("Audio data must be of type numpy.ndarray")
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError("Audio data must be floating-point")
    if y.ndim == 0:
        raise ParameterError(
            f"Audio data must be at least one-dimensional, given y.shape={y.shape}"
        )
    if not np.isfinite(y).all():
        raise ParameterError("Audio buffer is not finite everywhere")
    return y


@functools.lru_cache(maxsize=64)
def front_end(window: Any, win_length: int, **options: Any) -> StftFrontEnd:
    """The compiled front end of one set of arguments (kept for the next call)."""
    return StftFrontEnd(window=window_values(window, win_length), win_length=win_length, **options)
