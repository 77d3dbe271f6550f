"""torch's window functions as NumPy: the default ``window_fn`` of
``fastmel.torchaudio.transforms``, so that a transform needs no torch.

Each takes torch's arguments and computes torch's float32 values in torch's
order of operations (``torch.hamming_window``: ``alpha - beta cos(2 pi n /
(N - 1))`` over ``N = window_length + 1`` points when periodic, the last
dropped). Any callable returning a tensor or an array (``torch.hann_window``
itself) can be passed as ``window_fn`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._options import as_int, as_real

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]


_TORCH_OPTIONS = frozenset(("layout", "device", "pin_memory", "requires_grad"))


def _window(
    window_length: Any,
    periodic: Any,
    dtype: Any,
    options: dict[str, Any],
    points: Callable[[int, np.dtype], np.ndarray],
) -> np.ndarray:
    """A window of ``window_length`` values in ``dtype``: ``points(m, dt)`` gives
    the ``m`` points of the symmetric window (``window_length + 1`` when
    periodic, the last then dropped); 0 or 1 values are ones, as torch's."""
    unknown = set(options) - _TORCH_OPTIONS
    if unknown:
        raise TypeError(f"unexpected keyword arguments for a window: {sorted(unknown)}")
    n = as_int("window_length", window_length, minimum=0)
    dt = _dtype(dtype)
    if n <= 1:
        return np.ones(n, dtype=dt)
    m = n + 1 if periodic else n
    return np.ascontiguousarray(points(m, dt)[:n].astype(dt, copy=False))


def _dtype(dtype: Any) -> np.dtype:
    if dtype is None:
        return np.dtype(np.float32)
    name = str(dtype).replace("torch.", "")
    if name not in ("float32", "float64", "float", "double"):
        raise TypeError(f"window dtype must be float32 or float64, got {dtype}")
    return np.dtype(np.float64 if name in ("float64", "double") else np.float32)


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: Any = None,
    **torch_options: Any,
) -> np.ndarray:
    """``torch.hamming_window``'s values as a NumPy array: ``alpha - beta cos(2 pi n / (N - 1))``.

    Parameters
    ----------
    window_length : int
    periodic : bool, default True
        The first ``window_length`` of ``window_length + 1`` points.
    alpha, beta : float, default 0.54, 0.46
    dtype : torch or NumPy float dtype, optional
        float32 by default, as torch.
    **torch_options
        torch's ``layout``, ``device``, ``pin_memory`` and ``requires_grad``,
        accepted (the values are NumPy's); any other is a TypeError.

    Returns
    -------
    np.ndarray [shape=(window_length,)]
    """
    a, b = as_real("alpha", alpha), as_real("beta", beta)

    def points(m: int, dt: np.dtype) -> np.ndarray:
        w = np.cos(np.arange(m, dtype=dt) * dt.type(2.0 * math.pi / (m - 1)))
        return w * dt.type(-b) + dt.type(a)

    return _window(window_length, periodic, dtype, torch_options, points)


def hann_window(
    window_length: int, periodic: bool = True, *, dtype: Any = None, **torch_options: Any
) -> np.ndarray:
    """``torch.hann_window``'s values as a NumPy array: ``0.5 - 0.5 cos(2 pi n / (N - 1))``.

    Parameters
    ----------
    window_length : int
    periodic : bool, default True
        The first ``window_length`` of ``window_length + 1`` points.
    dtype : torch or NumPy float dtype, optional
        float32 by default, as torch.
    **torch_options
        torch's ``layout``, ``device``, ``pin_memory`` and ``requires_grad``,
        accepted (the values are NumPy's); any other is a TypeError.

    Returns
    -------
    np.ndarray [shape=(window_length,)]
    """
    return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype, **torch_options)


def blackman_window(
    window_length: int, periodic: bool = True, *, dtype: Any = None, **torch_options: Any
) -> np.ndarray:
    """``torch.blackman_window``'s values as a NumPy array: ``0.42 - 0.5 cos(2 pi n / (N - 1)) +
    0.08 cos(4 pi n / (N - 1))``.

    Parameters
    ----------
    window_length : int
    periodic : bool, default True
        The first ``window_length`` of ``window_length + 1`` points.
    dtype : torch or NumPy float dtype, optional
        float32 by default, as torch.
    **torch_options
        torch's ``layout``, ``device``, ``pin_memory`` and ``requires_grad``,
        accepted (the values are NumPy's); any other is a TypeError.

    Returns
    -------
    np.ndarray [shape=(window_length,)]
    """

    def points(m: int, dt: np.dtype) -> np.ndarray:
        k = np.arange(m, dtype=dt) * dt.type(math.pi / (m - 1))
        w = dt.type(0.08) * np.cos(k * dt.type(4)) - dt.type(0.5) * np.cos(k * dt.type(2))
        return w + dt.type(0.42)

    return _window(window_length, periodic, dtype, torch_options, points)


def bartlett_window(
    window_length: int, periodic: bool = True, *, dtype: Any = None, **torch_options: Any
) -> np.ndarray:
    """``torch.bartlett_window``'s values as a NumPy array: ``1 - |2 n / (N - 1) - 1|``.

    Parameters
    ----------
    window_length : int
    periodic : bool, default True
        The first ``window_length`` of ``window_length + 1`` points.
    dtype : torch or NumPy float dtype, optional
        float32 by default, as torch.
    **torch_options
        torch's ``layout``, ``device``, ``pin_memory`` and ``requires_grad``,
        accepted (the values are NumPy's); any other is a TypeError.

    Returns
    -------
    np.ndarray [shape=(window_length,)]
    """

    def points(m: int, dt: np.dtype) -> np.ndarray:
        k = np.arange(m, dtype=dt) * dt.type(2.0 / (m - 1))
        return np.where(k <= 1, k, dt.type(2) - k)

    return _window(window_length, periodic, dtype, torch_options, points)


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype: Any = None,
    **torch_options: Any,
) -> np.ndarray:
    """``torch.kaiser_window``'s values as a NumPy array (``numpy.kaiser`` of
    ``N`` points, rounded to the dtype).

    Parameters
    ----------
    window_length : int
    periodic : bool, default True
        The first ``window_length`` of ``window_length + 1`` points.
    beta : float, default 12.0
    dtype : torch or NumPy float dtype, optional
        float32 by default, as torch.
    **torch_options
        torch's ``layout``, ``device``, ``pin_memory`` and ``requires_grad``,
        accepted (the values are NumPy's); any other is a TypeError.

    Returns
    -------
    np.ndarray [shape=(window_length,)]
    """
    shape = as_real("beta", beta)
    return _window(window_length, periodic, dtype, torch_options, lambda m, dt: np.kaiser(m, shape))


def window_values(window_fn: Any, win_length: int, wkwargs: dict[str, Any] | None) -> np.ndarray:
    """``window_fn(win_length, **wkwargs)`` as a NumPy array of its own float
    dtype (float32 unless the function gave float64; a tensor is read as it is)."""
    if not callable(window_fn):
        raise TypeError(f"`window_fn` must be callable, got {window_fn!r}")
    w = window_fn(win_length) if wkwargs is None else window_fn(win_length, **wkwargs)
    if hasattr(w, "detach"):
        w = w.detach().cpu().numpy()
    a = np.asarray(w)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"`window_fn` returned {a.dtype} values; real ones are needed")
    return a.astype(np.float64 if a.dtype == np.float64 else np.float32).reshape(-1)
