"""librosa's ``power_to_db``, ``amplitude_to_db``, ``db_to_power`` and ``pcen``."""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from .._frames import PCEN
from ._util import ParameterError

__all__ = ["amplitude_to_db", "db_to_power", "pcen", "power_to_db"]


def power_to_db(S: Any, *, ref: Any = 1.0, amin: float = 1e-10, top_db: float | None = 80.0) -> Any:
    """``10 log10(max(S, amin) / max(ref, amin))`` floored ``top_db`` below its
    maximum over the whole input, as ``librosa.power_to_db``.

    Parameters
    ----------
    S : array_like
        Power; complex input is taken as its magnitude (with librosa's warning).
    ref : float or callable, default 1.0
        The reference, or a function of the magnitudes giving it (``np.max``).
    amin : float, default 1e-10
        > 0.
    top_db : float or None, default 80.0
        >= 0.

    Returns
    -------
    np.ndarray or NumPy scalar
        In ``S``'s float precision (NumPy's rules, as librosa).
    """
    s = np.asarray(S)
    if amin <= 0:
        raise ParameterError("amin must be strictly positive")
    if np.issubdtype(s.dtype, np.complexfloating):
        warnings.warn(
            "power_to_db was called on complex input so phase information will be discarded. "
            "To suppress this warning, call power_to_db(np.abs(D)**2) instead.",
            stacklevel=2,
        )
        s = np.abs(s)
    reference = ref(s) if callable(ref) else np.abs(ref)
    db: Any = 10.0 * np.log10(np.maximum(amin, s))
    db -= 10.0 * np.log10(np.maximum(amin, reference))
    if top_db is not None:
        if top_db < 0:
            raise ParameterError("top_db must be non-negative")
        db = np.maximum(db, db.max() - top_db)
    return db


def amplitude_to_db(
    S: Any, *, ref: Any = 1.0, amin: float = 1e-5, top_db: float | None = 80.0
) -> Any:
    """``20 log10(max(|S|, amin) / max(ref, amin))`` floored ``top_db`` below its
    maximum, as ``librosa.amplitude_to_db`` (``power_to_db`` of ``|S| ** 2``
    with ``ref ** 2`` and ``amin ** 2``).

    Parameters
    ----------
    S : array_like
        Amplitude (complex: its magnitude).
    ref : float or callable, default 1.0
    amin : float, default 1e-5
    top_db : float or None, default 80.0

    Returns
    -------
    np.ndarray
    """
    s = np.asarray(S)
    if np.issubdtype(s.dtype, np.complexfloating):
        warnings.warn(
            "amplitude_to_db was called on complex input so phase information will be "
            "discarded. To suppress this warning, call amplitude_to_db(np.abs(S)) instead.",
            stacklevel=2,
        )
    magnitude = np.abs(s)
    reference = ref(magnitude) if callable(ref) else np.abs(ref)
    power = np.square(magnitude)
    return power_to_db(power, ref=reference**2, amin=amin**2, top_db=top_db)


def db_to_power(S_db: Any, *, ref: float = 1.0) -> Any:
    """``ref * 10 ** (S_db / 10)``, as ``librosa.db_to_power``.

    Parameters
    ----------
    S_db : array_like
        Decibels.
    ref : float, default 1.0

    Returns
    -------
    np.ndarray or NumPy scalar
    """
    return ref * np.power(10.0, 0.1 * np.asarray(S_db))


def pcen(
    S: np.ndarray,
    *,
    sr: float = 22050,
    hop_length: int = 512,
    gain: float = 0.98,
    bias: float = 2,
    power: float = 0.5,
    time_constant: float = 0.4,
    eps: float = 1e-6,
    b: float | None = None,
    max_size: int = 1,
    ref: np.ndarray | None = None,
    axis: int = -1,
    max_axis: int | None = None,
    zi: np.ndarray | None = None,
    return_zf: bool = False,
    num_threads: int | None = None,
) -> Any:
    """Per-channel energy normalisation, as ``librosa.pcen`` (float64 out).

    The smoother ``M[t] = b R[t] + (1 - b) M[t - 1]`` runs over ``R = S``
    (or ``ref``, or ``S`` max-filtered over ``max_size`` bins along
    ``max_axis``) from ``zi`` (default ``1 - b``), then ``(S / (eps + M) **
    gain + bias) ** power - bias ** power`` (``log1p`` when ``power == 0``).
    With ``R = S`` this is :class:`fastmel.PCEN` in compiled code without the
    GIL: float64 input in float64 with the C library's functions (as
    librosa's NumPy), float32 input in float32 vectors with the smoother in
    float64 (within about 3e-6 of librosa's, value by value),
    the result float64 either way; with another ``R`` a NumPy loop over the
    frames, in float64.

    Parameters
    ----------
    S : np.ndarray
        Non-negative (complex: its magnitude, with librosa's warning).
    sr, hop_length, gain, bias, power, time_constant, eps, b
        librosa's, with its checks.
    max_size : int, default 1
        Bins of the maximum filter (scipy's ``maximum_filter1d``, reflecting
        at the edges) applied to ``S`` for the smoother.
    ref : np.ndarray, optional
        What the smoother runs over instead.
    axis : int, default -1
        The frames axis.
    max_axis : int, optional
        The maximum filter's axis (needed beyond 2-D input).
    zi : np.ndarray, optional
        The smoother's initial state (broadcastable, frames axis of length 1).
    return_zf : bool, default False
        Also return the final state.
    num_threads : int, optional, keyword-only

    Returns
    -------
    np.ndarray (float64), or ``(S_out, zf)`` with ``return_zf``
    """
    if power < 0:
        raise ParameterError(f"power={power} must be nonnegative")
    if gain < 0:
        raise ParameterError(f"gain={gain} must be non-negative")
    if bias < 0:
        raise ParameterError(f"bias={bias} must be non-negative")
    if eps <= 0:
        raise ParameterError(f"eps={eps} must be strictly positive")
    if time_constant <= 0:
        raise ParameterError(f"time_constant={time_constant} must be strictly positive")
    if (
        isinstance(max_size, (bool, np.bool_))
        or not isinstance(max_size, (int, np.integer))
        or max_size < 1
    ):
        raise ParameterError(f"max_size={max_size} must be a positive integer")
    if b is None:
        frames = time_constant * sr / float(hop_length)
        b = (np.sqrt(1 + 4 * frames**2) - 1) / (2 * frames**2)
    if not 0 <= b <= 1:
        raise ParameterError(f"b={b} must be between 0 and 1")
    s = np.asarray(S)
    if np.issubdtype(s.dtype, np.complexfloating):
        warnings.warn(
            "pcen was called on complex input so phase information will be discarded. "
            "To suppress this warning, call pcen(np.abs(D)) instead.",
            stacklevel=2,
        )
        s = np.abs(s)
    # float32 input is computed in float32 (the smoother in float64), the
    # result widened: within float32's rounding of librosa's float64 result.
    narrow = s.dtype.kind == "f" and s.dtype.itemsize <= 4
    wide = not narrow or ref is not None or max_size > 1 or not b > 0
    s = s.astype(np.float64 if wide else np.float32)
    ax = int(axis) % s.ndim
    if s.size == 0:  # nothing to normalise (librosa returns the empty array)
        empty = np.zeros(s.shape, dtype=np.float64)
        return (empty, np.zeros(s.shape[:ax] + (1,) + s.shape[ax + 1 :])) if return_zf else empty
    if ref is None and max_size > 1:
        if s.ndim == 1:
            raise ParameterError("Max-filtering cannot be applied to 1-dimensional input")
        if max_axis is None:
            if s.ndim != 2:
                raise ParameterError(
                    f"Max-filtering a {s.ndim:d}-dimensional spectrogram requires you to "
                    "specify max_axis"
                )
            max_axis = (1 - ax) % 2
        ref = _maximum_filter(s, int(max_size), int(max_axis))
    if ref is None and b > 0:
        moved = np.moveaxis(s, ax, -1)
        two = moved.reshape((1,) + moved.shape) if moved.ndim == 1 else moved
        state = None
        if zi is not None:
            z = np.moveaxis(np.broadcast_to(np.asarray(zi, np.float64), s.shape[:ax] + (1,)
                            + s.shape[ax + 1 :]), ax, -1)  # fmt: skip
            state = z.reshape(two.shape[:-1] + (1,))
        front = _pcen(float(b), float(gain), float(bias), float(power), float(eps))
        out, zf = front(two, zi=state, return_zf=True, num_threads=num_threads)
        result = np.moveaxis(out.reshape(moved.shape), -1, ax).astype(np.float64, copy=False)
        if not return_zf:
            return result
        return result, np.moveaxis(zf.reshape(moved.shape[:-1] + (1,)), -1, ax)
    r = s if ref is None else np.broadcast_to(np.asarray(ref, dtype=np.float64), s.shape)
    smoothed, zf = _smooth(r, float(b), ax, zi)
    result = _normalised(s, smoothed, float(gain), float(bias), float(power), float(eps))
    return (result, zf) if return_zf else result


@functools.lru_cache(maxsize=16)
def _pcen(b: float, gain: float, bias: float, power: float, eps: float) -> PCEN:
    return PCEN(gain=gain, bias=bias, power=power, eps=eps, b=b)


def _maximum_filter(x: np.ndarray, size: int, axis: int) -> np.ndarray:
    """scipy.ndimage's ``maximum_filter1d(x, size, axis)`` (mode "reflect":
    the edge value repeated, as np.pad's "symmetric"; the window from ``-(size
    // 2)`` to ``size - size // 2 - 1``)."""
    moved = np.moveaxis(x, axis, -1)
    left = size // 2
    padded = np.pad(moved, [(0, 0)] * (moved.ndim - 1) + [(left, size - 1 - left)],
                    mode="symmetric")  # fmt: skip
    windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=-1)
    return np.moveaxis(windows.max(axis=-1), -1, axis)


def _smooth(r: np.ndarray, b: float, axis: int, zi: Any) -> tuple[np.ndarray, np.ndarray]:
    """scipy's ``lfilter([b], [1, b - 1], r, zi=zi, axis=axis)`` in float64:
    ``M[t] = b r[t] + z``, ``z = (1 - b) M[t]``."""
    moved = np.moveaxis(r, axis, -1)
    shape = moved.shape[:-1] + (1,)
    if zi is None:
        z = np.full(shape[:-1], 1.0 - b)
    else:
        state_shape = r.shape[:axis] + (1,) + r.shape[axis + 1 :]
        full = np.broadcast_to(np.asarray(zi, np.float64), state_shape)
        z = np.moveaxis(full, axis, -1)[..., 0].copy()
    out = np.empty_like(moved)
    a = 1.0 - b
    for t in range(moved.shape[-1]):
        out[..., t] = b * moved[..., t] + z
        z = a * out[..., t]
    return np.moveaxis(out, -1, axis), np.moveaxis(z[..., None], -1, axis)


def _normalised(
    s: np.ndarray, smoothed: np.ndarray, gain: float, bias: float, power: float, eps: float
) -> np.ndarray:
    """librosa's output formulas on the smoothed energy."""
    with np.errstate(divide="ignore", invalid="ignore"):
        smooth = np.exp(-gain * (np.log(eps) + np.log1p(smoothed / eps)))
        if power == 0:
            return np.log1p(s * smooth)
        if bias == 0:
            return np.exp(power * (np.log(s) + np.log(smooth)))
        return (bias**power) * np.expm1(power * np.log1p(s * smooth / bias))
