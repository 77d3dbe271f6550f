"""``librosa.filters.mel``, computed by fastmel (NumPy only)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .._filters import band_edges_hz, librosa_mel_bank
from ._util import ParameterError

__all__ = ["mel"]


def mel(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: Any = "slaney",
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """librosa's mel filter bank, ``(n_mels, 1 + n_fft // 2)``, bit for bit.

    Parameters
    ----------
    sr : float
        Sampling rate, Hz.
    n_fft : int
        FFT size.
    n_mels : int, default 128
    fmin : float, default 0.0
    fmax : float, optional
        Default ``sr / 2``.
    htk : bool, default False
        HTK's mel formula instead of Slaney's.
    norm : {"slaney", None} or number, default "slaney"
        Slaney's area normalisation, none, or each filter divided by its
        ``norm``-norm (``librosa.util.normalize``: also 0, ``np.inf``,
        ``-np.inf``).
    dtype : float dtype, default np.float32

    Returns
    -------
    np.ndarray [shape=(n_mels, 1 + n_fft // 2)]

    Warns
    -----
    UserWarning
        When a filter above 0 Hz is empty, with librosa's message.
    """
    if isinstance(norm, str) and norm != "slaney":
        raise ParameterError(f"Unsupported norm={norm}")
    if isinstance(n_mels, float) and float(n_mels).is_integer():
        n_mels = int(n_mels)  # (librosa takes int(n_mels))
    high = float(sr) / 2 if fmax is None else float(fmax)
    if not (np.isfinite(fmin) and np.isfinite(high) and 0 <= fmin < high):
        raise ParameterError(
            f"fmin={fmin} and fmax={high} must be finite with 0 <= fmin < fmax (librosa's "
            "filters for other ranges are NaN or negative)"
        )
    try:
        bank = librosa_mel_bank(sr, n_fft, n_mels, fmin, fmax, htk, norm, dtype)
    except ValueError as e:
        raise ParameterError(str(e)) from None
    edges = band_edges_hz(int(n_mels), float(fmin), high, "htk" if htk else "slaney")
    if not np.all((edges[:-2] == 0) | (bank.max(axis=1, initial=0) > 0)):
        warnings.warn(
            "Empty filters detected in mel frequency basis. Some channels will produce empty "
            "responses. Try increasing your sampling rate (and fmax) or reducing n_mels.",
            stacklevel=2,
        )
    return bank
