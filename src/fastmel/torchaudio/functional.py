"""``torchaudio.functional``'s feature functions, computed by fastmel.

Same names, arguments and defaults as torchaudio 2.11. ``amplitude_to_DB``,
``compute_deltas`` and ``spectrogram`` take a tensor (CPU, no grad) and
return one, or take a NumPy array and return one without importing torch;
``melscale_fbanks``, ``linear_fbanks`` and ``create_dct`` take no array and
return a tensor, as torchaudio's, so they need torch.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from .. import _filters
from .._frames import Deltas
from .._options import as_int, choice
from .._stft import StftFrontEnd, create_dct_matrix
from ._bridge import from_input, is_tensor, require_torch

__all__ = [
    "amplitude_to_DB",
    "compute_deltas",
    "create_dct",
    "linear_fbanks",
    "melscale_fbanks",
    "spectrogram",
]

# torch.nn.functional.pad's modes -> fastmel.Deltas' edge rules.
_DELTA_EDGES = {"replicate": "replicate", "reflect": "reflect", "constant": "constant",
                "circular": "wrap"}  # fmt: skip


def melscale_fbanks(
    n_freqs: int,
    f_min: float,
    f_max: float,
    n_mels: int,
    sample_rate: int,
    norm: str | None = None,
    mel_scale: str = "htk",
) -> Any:
    """torchaudio's mel filter bank, as ``torchaudio.functional.melscale_fbanks``.

    In torch's float32 arithmetic (see ``fastmel._filters.melscale_fbanks``
    for the measured agreement); warns when a filter is all zero. Needs torch
    (it returns a tensor); ``fastmel._filters.melscale_fbanks`` gives the
    NumPy array.

    Parameters
    ----------
    n_freqs : int
        Bins (``n_fft // 2 + 1``).
    f_min, f_max : float
        The bank's edges, Hz.
    n_mels : int
        Filters.
    sample_rate : int
        Hz (its ``// 2`` is the top bin's frequency, as torchaudio).
    norm : {None, "slaney"}, default None
    mel_scale : {"htk", "slaney"}, default "htk"

    Returns
    -------
    torch.Tensor [shape=(n_freqs, n_mels), dtype=float32]
    """
    torch = require_torch("melscale_fbanks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bank = _filters.melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm, mel_scale)
    warn_empty_filters(bank, stacklevel=3)
    return torch.from_numpy(bank)


def warn_empty_filters(bank: np.ndarray, stacklevel: int) -> None:
    """torchaudio's warning for a mel bank ``(n_freqs, n_mels)`` with an all-zero filter."""
    if bank.size and (bank.max(axis=0) == 0.0).any():
        warnings.warn(
            "At least one mel filterbank has all zero values. The value for `n_mels` "
            f"({bank.shape[1]}) may be set too high. Or, the value for `n_freqs` "
            f"({bank.shape[0]}) may be set too low.",
            stacklevel=stacklevel,
        )


def linear_fbanks(n_freqs: int, f_min: float, f_max: float, n_filter: int, sample_rate: int) -> Any:
    """torchaudio's linear triangular filter bank, as ``torchaudio.functional.linear_fbanks``.

    Parameters
    ----------
    n_freqs : int
        Bins.
    f_min, f_max : float
        The bank's edges, Hz.
    n_filter : int
        Filters.
    sample_rate : int
        Hz.

    Returns
    -------
    torch.Tensor [shape=(n_freqs, n_filter), dtype=float32]
        Needs torch.
    """
    torch = require_torch("linear_fbanks")
    return torch.from_numpy(_filters.linear_fbanks(n_freqs, f_min, f_max, n_filter, sample_rate))


def create_dct(n_mfcc: int, n_mels: int, norm: str | None) -> Any:
    """torchaudio's DCT-II matrix, as ``torchaudio.functional.create_dct``.

    Parameters
    ----------
    n_mfcc : int
        Coefficients.
    n_mels : int
        Bands.
    norm : {"ortho", None}

    Returns
    -------
    torch.Tensor [shape=(n_mels, n_mfcc), dtype=float32]
        To be right-multiplied to rows of ``n_mels`` (needs torch).
    """
    torch = require_torch("create_dct")
    return torch.from_numpy(create_dct_matrix(n_mfcc, n_mels, norm))


def amplitude_to_DB(
    x: Any, multiplier: float, amin: float, db_multiplier: float, top_db: float | None = None
) -> Any:
    """``multiplier * log10(max(x, amin)) - multiplier * db_multiplier``, floored at
    ``top_db`` below the maximum of each item, as ``torchaudio.functional.amplitude_to_DB``.

    The maximum is over the whole input when it has 2 or 3 dimensions, and
    over each ``(channel, freq, time)`` block of a 4-D or larger input.
    Computed in ``x``'s float dtype (float32 for other input).

    Parameters
    ----------
    x : Tensor or np.ndarray [shape=(..., freq, time)]
    multiplier : float
        10 for power, 20 for amplitude.
    amin : float
        The floor inside the log.
    db_multiplier : float
        ``log10(max(ref, amin))``.
    top_db : float, optional
        The floor's distance below the maximum, in dB.

    Returns
    -------
    Tensor or np.ndarray
        ``x``'s shape; a tensor for a tensor.
    """
    values, back = from_input(x, "x")
    a = _floats(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        db = np.asarray(np.log10(np.maximum(a, a.dtype.type(amin))))
    db *= a.dtype.type(multiplier)
    db -= a.dtype.type(multiplier * db_multiplier)
    if top_db is not None:
        top = float(top_db)
        if db.ndim > 2:
            blocks = db.reshape((-1,) + db.shape[-3:])
            peak = blocks.max(axis=(1, 2, 3), keepdims=True) if blocks.size else blocks
            np.maximum(blocks, peak - db.dtype.type(top), out=blocks)
        elif db.size:
            np.maximum(db, db.max() - db.dtype.type(top), out=db)
    return back(db)


def compute_deltas(specgram: Any, win_length: int = 5, mode: str = "replicate") -> Any:
    """Delta coefficients along the last axis, as ``torchaudio.functional.compute_deltas``.

    ``d_t = sum_{n=1}^{N} n (c_{t+n} - c_{t-n}) / (2 sum n^2)`` with ``N =
    (win_length - 1) // 2``, reading past the ends as ``mode`` pads
    (``"replicate"``, ``"reflect"``, ``"constant"`` zeros, ``"circular"``),
    computed by :class:`fastmel.Deltas` without the GIL.

    Parameters
    ----------
    specgram : Tensor or np.ndarray [shape=(..., freq, time)]
    win_length : int, default 5
        At least 3.
    mode : str, default "replicate"

    Returns
    -------
    Tensor or np.ndarray
        ``specgram``'s shape and float dtype.
    """
    values, back = from_input(specgram, "specgram")
    win = as_int("win_length", win_length, minimum=-(2**63))
    if win < 3:
        raise ValueError(
            f"Window length should be greater than or equal to 3. Found win_length {win}"
        )
    if mode not in _DELTA_EDGES:
        raise ValueError(f"`mode` must be one of {sorted(_DELTA_EDGES)}, got {mode!r}")
    a = _floats(values)
    if a.size == 0:
        return back(a.copy())
    shape = a.shape
    two = a.reshape(1, -1, shape[-1]) if a.ndim < 2 else a
    width = 2 * ((win - 1) // 2) + 1
    if width > 4095:
        raise ValueError(
            f"fastmel computes `win_length` up to 4096 (a {width}-tap filter), got {win}"
        )
    out = _deltas(width, _DELTA_EDGES[mode])(two)
    return back(np.ascontiguousarray(out).reshape(shape))


@functools.lru_cache(maxsize=16)
def _deltas(width: int, edge: str) -> Deltas:
    return Deltas.from_preset("torchaudio", width=width, edge=edge)


def spectrogram(
    waveform: Any,
    pad: int,
    window: Any,
    n_fft: int,
    hop_length: int,
    win_length: int,
    power: float | None,
    normalized: bool | str,
    center: bool = True,
    pad_mode: str = "reflect",
    onesided: bool = True,
    return_complex: bool | None = None,
) -> Any:
    """A real spectrogram, as ``torchaudio.functional.spectrogram``.

    Parameters
    ----------
    waveform : torch.Tensor or np.ndarray [shape=(..., time)]
    pad : int
        Zeros at both ends first.
    window : torch.Tensor or np.ndarray [shape=(win_length,)]
    n_fft, hop_length, win_length : int
    power : float
        A number (``None``, the complex STFT, is refused).
    normalized : bool or {"window", "frame_length"}
    center : bool, default True
    pad_mode : {"reflect", "constant", "replicate", "circular"}, default "reflect"
    onesided : bool, default True
        False: all ``n_fft`` bins.
    return_complex : None
        Ignored as torchaudio ignores it (with its warning).

    Returns
    -------
    Tensor or np.ndarray [shape=(..., n_fft // 2 + 1 or n_fft, frames)]
        In ``waveform``'s float dtype; a tensor for a tensor.
    """
    values, back = from_input(waveform, "waveform")
    if return_complex is not None:
        warnings.warn(
            "`return_complex` argument is now deprecated and is not effective."
            "`torchaudio.functional.spectrogram(power=None)` always returns a tensor with "
            "complex dtype. Please remove the argument in the function call.",
            stacklevel=2,
        )
    choice("pad_mode", pad_mode, ("reflect", "constant", "replicate", "circular"))
    if window is None:  # (torch.stft's rectangle)
        window = np.ones(win_length)
    w = window.detach().cpu().numpy() if is_tensor(window) else np.asarray(window)
    front = _front(
        n_fft=n_fft, win_length=win_length, hop_length=hop_length, pad=pad,
        window=tuple(np.asarray(w, dtype=np.float64).reshape(-1).tolist()), power=power,
        normalized=normalized, center=center, pad_mode=pad_mode, onesided=bool(onesided),
    )  # fmt: skip
    return back(front(values))


@functools.lru_cache(maxsize=16)
def _front(**options: Any) -> StftFrontEnd:
    return StftFrontEnd(**options)


def _floats(values: Any) -> np.ndarray:
    """The values as a float32 or float64 array (other real input as float32),
    without a copy where they already are one: the functions only read it."""
    a = np.asarray(values)
    if a.dtype.kind == "c":
        raise TypeError(f"complex input is not supported (got {a.dtype})")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"input must be real numbers, got dtype {a.dtype}")
    dt = a.dtype if a.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    return np.asarray(a, dtype=dt.newbyteorder("="))
