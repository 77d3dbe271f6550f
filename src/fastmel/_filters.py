"""Windows and mel filter banks, built with NumPy once per layer.

Three kinds of filter bank, all triangles with ``num_mel_bins + 2`` edges
equally spaced on a mel scale:

- ``"keras"``: the HTK formula ``mel(f) = 1127 ln(1 + f / 700)`` with
  triangles linear in mel and a zero DC bin, computed with the same float
  operations, in the same order and dtype, as
  ``keras.layers.MelSpectrogram.linear_to_mel_weight_matrix`` (NumPy backend),
  so the float32 weights agree bit for bit.
- ``"htk"`` and ``"slaney"``: librosa's ``filters.mel`` construction
  (torchaudio's ``melscale_fbanks`` is the same up to float32 rounding):
  edges on the HTK or the Slaney (linear below 1 kHz, logarithmic above)
  scale, triangles linear in Hz over the bin frequencies ``k * sr / n``,
  optionally scaled to unit area (``norm="slaney"``), computed in float64
  and rounded as librosa rounds them.

Banks are built band by band in sparse form; the dense matrix is only ever
made on request.

The references' own dense builders are here too, each evaluating the same float
operations in the same order and dtype as its reference: transformers'
``mel_filter_bank`` and ``chroma_filter_bank``, torchaudio's ``melscale_fbanks``
and ``linear_fbanks`` (torch's float32 arithmetic, FMAs and Sleef's ``powf``
included) and librosa's ``filters.chroma`` (``chroma_bank``).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _windows
from ._options import MAX_FFT_LENGTH, MAX_MEL_BINS, as_flag, as_int, as_real, choice

__all__ = ["linear_to_mel_weight_matrix"]

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(f: Any) -> Any:
    return _MEL_HIGH_FREQUENCY_Q * np.log(1.0 + (f / _MEL_BREAK_FREQUENCY_HERTZ))


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"`dtype` must be a floating dtype, got {dt}")
    return dt


def _triangles(grid, edges, zero):
    """Triangle weights of every band at the grid points strictly inside it.

    Band ``m`` rises from ``edges[m]`` to 1 at ``edges[m + 1]`` and falls to
    ``edges[m + 2]``: ``max(0, min((g - lo) / (centre - lo), (hi - g) / (hi - centre)))``
    in the grid's dtype, element by element (the same operations a per-band
    loop would do). Returns ``(band, pos, w)``: band index, grid index and
    weight of each point, band after band in grid order.
    """
    lo, centre, hi = edges[:-2], edges[1:-1], edges[2:]
    a = np.searchsorted(grid, lo, side="right")
    b = np.maximum(np.searchsorted(grid, hi, side="left"), a)
    counts = b - a
    band = np.repeat(np.arange(len(lo)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum())) - np.repeat(starts - a, counts)
    g = grid[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = (g - lo[band]) / (centre[band] - lo[band])
        upper = (hi[band] - g) / (hi[band] - centre[band])
        w = np.maximum(zero, np.minimum(lower, upper))
    # Bands narrower than the float spacing of their edges: 0/0.
    w[np.isnan(w)] = 0
    return band, pos, w


def _trim(band, pos, w, num_mel_bins, dt):
    """Sparse ``(first, length, weights)`` keeping each band's span from its first
    to its last non-zero weight (an all-zero band gets length 0)."""
    first = np.zeros(num_mel_bins, dtype=np.uintp)
    length = np.zeros(num_mel_bins, dtype=np.uintp)
    nz = np.flatnonzero(w)
    if nz.size == 0:
        return first, length, np.zeros(0, dtype=dt)
    nz_band = band[nz]
    bands, first_nz = np.unique(nz_band, return_index=True)
    last_nz = len(nz) - 1 - np.unique(nz_band[::-1], return_index=True)[1]
    lo_idx, hi_idx = nz[first_nz], nz[last_nz]  # indices into w, per band with weights
    first[bands] = pos[lo_idx]
    length[bands] = hi_idx - lo_idx + 1
    keep = np.zeros(len(w) + 1, dtype=np.int64)
    np.add.at(keep, lo_idx, 1)
    np.add.at(keep, hi_idx + 1, -1)
    weights = w[np.cumsum(keep[:-1]) > 0].astype(dt, copy=False)
    return first, length, weights


def mel_bands(
    num_mel_bins: int,
    num_spectrogram_bins: int,
    sampling_rate: float,
    lower_edge_hertz: float,
    upper_edge_hertz: float,
    dtype: DTypeLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse HTK mel filter bank.

    Returns ``(first, length, weights)``: band ``m`` has weights
    ``weights[offset_m : offset_m + length[m]]`` on bins ``first[m] ...``, where
    ``offset_m = length[:m].sum()``. Arguments are assumed validated.
    """
    dt = np.dtype(dtype)
    rate = np.asarray(sampling_rate).astype(dt)
    lower_hz = np.asarray(lower_edge_hertz, dtype=dt)
    upper_hz = np.asarray(upper_edge_hertz, dtype=dt)
    zero = np.asarray(0.0, dtype=dt)
    nyquist = rate / 2.0
    # Bin 0 (DC) is excluded, as in HTK; bin k's mel value is bins_mel[k - 1].
    bins_mel = _hertz_to_mel(np.linspace(zero, nyquist, num_spectrogram_bins, dtype=dt)[1:])
    edges = np.linspace(
        _hertz_to_mel(lower_hz), _hertz_to_mel(upper_hz), num_mel_bins + 2, dtype=dt
    )
    # Bin k's mel value is bins_mel[k - 1]: grid index + 1 is the bin.
    band, pos, w = _triangles(bins_mel, edges, zero)
    return _trim(band, pos + 1, w, num_mel_bins, dt)


# Slaney's auditory-toolbox scale (librosa's htk=False): linear below 1 kHz,
# logarithmic above, 27 steps per factor 6.4.
_SLANEY_F_SP = 200.0 / 3
_SLANEY_MIN_LOG_HZ = 1000.0
_SLANEY_MIN_LOG_MEL = _SLANEY_MIN_LOG_HZ / _SLANEY_F_SP
_SLANEY_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(f: ArrayLike, scale: str) -> np.ndarray:
    """Hz to mel on the ``"htk"`` (also ``"keras"``) or ``"slaney"`` scale, float64."""
    f = np.asarray(f, dtype=np.float64)
    if scale != "slaney":
        return 2595.0 * np.log10(1.0 + f / 700.0)
    linear = f / _SLANEY_F_SP
    with np.errstate(divide="ignore"):
        log = (
            _SLANEY_MIN_LOG_MEL
            + np.log(np.maximum(f, 1e-300) / _SLANEY_MIN_LOG_HZ) / _SLANEY_LOGSTEP
        )
    return np.where(f >= _SLANEY_MIN_LOG_HZ, log, linear)


def mel_to_hz(m: ArrayLike, scale: str) -> np.ndarray:
    """Inverse of :func:`hz_to_mel`, float64."""
    m = np.asarray(m, dtype=np.float64)
    if scale != "slaney":
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    linear = _SLANEY_F_SP * m
    log = _SLANEY_MIN_LOG_HZ * np.exp(_SLANEY_LOGSTEP * (m - _SLANEY_MIN_LOG_MEL))
    return np.where(m >= _SLANEY_MIN_LOG_MEL, log, linear)


def band_edges_hz(num_mel_bins: int, lower_hz: float, upper_hz: float, scale: str) -> np.ndarray:
    """The ``num_mel_bins + 2`` band edges in Hz (float64): band m has lower
    edge, centre and upper edge ``edges[m], edges[m + 1], edges[m + 2]``."""
    mels = np.linspace(hz_to_mel(lower_hz, scale), hz_to_mel(upper_hz, scale), num_mel_bins + 2)
    return mel_to_hz(mels, scale)


def hz_bands(
    num_mel_bins: int,
    fft_length: int,
    sampling_rate: float,
    lower_hz: float,
    upper_hz: float,
    scale: str,
    norm: str | None,
    dtype: DTypeLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse filter bank with triangles linear in Hz (librosa's construction).

    Same return convention as :func:`mel_bands`. Weights are computed in
    float64 and rounded to ``dtype``; with ``norm="slaney"`` the rounded
    triangle is scaled by ``2 / (upper - lower)`` and rounded again, as
    librosa's in-place product does.
    """
    dt = np.dtype(dtype)
    edges = band_edges_hz(num_mel_bins, lower_hz, upper_hz, scale)
    freqs = np.fft.rfftfreq(fft_length, 1.0 / float(sampling_rate))  # librosa's bins
    band, pos, w = _triangles(freqs, edges, 0.0)
    w = w.astype(dt)
    if norm == "slaney":
        enorm = 2.0 / (edges[2:] - edges[:-2])  # float64, as librosa's in-place product
        w = (w.astype(np.float64) * enorm[band]).astype(dt)
    return _trim(band, pos, w, num_mel_bins, dt)


def kaldi_mel(f: ArrayLike) -> np.ndarray:
    """Kaldi's mel scale, ``1127 ln(1 + f / 700)`` (float64)."""
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(f, dtype=np.float64) / 700.0)


def kaldi_mel_to_hz(m: ArrayLike) -> np.ndarray:
    return 700.0 * np.expm1(np.asarray(m, dtype=np.float64) / _MEL_HIGH_FREQUENCY_Q)


def vtln_warp_hz(
    freq: np.ndarray,
    low_freq: float,
    high_freq: float,
    vtln_low: float,
    vtln_high: float,
    warp: float,
) -> np.ndarray:
    """Kaldi's piecewise-linear VTLN warping of frequencies (Hz): scaled by
    ``1 / warp`` between the inflection points ``vtln_low * max(1, warp)`` and
    ``vtln_high * min(1, warp)``, linear to ``low_freq`` and ``high_freq``
    outside them, unchanged outside ``[low_freq, high_freq]``."""
    lo = vtln_low * max(1.0, warp)
    hi = vtln_high * min(1.0, warp)
    scale = 1.0 / warp
    scale_left = (scale * lo - low_freq) / (lo - low_freq)
    scale_right = (high_freq - scale * hi) / (high_freq - hi)
    out = np.where(
        freq < lo,
        low_freq + scale_left * (freq - low_freq),
        np.where(freq < hi, scale * freq, high_freq + scale_right * (freq - high_freq)),
    )
    return np.where((freq < low_freq) | (freq > high_freq), freq, out)


def kaldi_bands(
    num_bins: int,
    fft_length: int,
    sampling_rate: float,
    low_freq: float,
    high_freq: float,
    vtln_low: float,
    vtln_high: float,
    vtln_warp: float,
    dtype: DTypeLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaldi's mel filter bank (``MelBanks``; torchaudio's ``get_mel_banks``),
    sparse: ``num_bins + 2`` edges equally spaced on Kaldi's mel scale from
    ``low_freq`` to ``high_freq`` (VTLN-warped when ``vtln_warp != 1``),
    triangles linear in mel over the FFT bins strictly below Nyquist (the
    Nyquist bin weighs 0), computed in float64. Arguments are assumed
    validated and resolved (``high_freq``, ``vtln_high`` > 0).
    """
    dt = np.dtype(dtype)
    mel_low, mel_high = kaldi_mel(low_freq), kaldi_mel(high_freq)
    delta = (mel_high - mel_low) / (num_bins + 1)
    edges = mel_low + np.arange(num_bins + 2) * delta
    if vtln_warp != 1.0:
        hz = vtln_warp_hz(
            kaldi_mel_to_hz(edges), low_freq, high_freq, vtln_low, vtln_high, vtln_warp
        )
        edges = kaldi_mel(hz)
    below_nyquist = (fft_length + 1) // 2  # bins k with k * sr / n < sr / 2
    grid = kaldi_mel(np.arange(below_nyquist) * (float(sampling_rate) / fft_length))
    band, pos, w = _triangles(grid, edges, 0.0)
    return _trim(band, pos, w.astype(dt), num_bins, dt)


def dense(first: np.ndarray, length: np.ndarray, weights: np.ndarray, n_bins: int) -> np.ndarray:
    """The sparse bank as a dense ``(n_bins, n_mels)`` matrix."""
    out = np.zeros((n_bins, len(first)), dtype=weights.dtype)
    offset = 0
    for m in range(len(first)):
        k, n = int(first[m]), int(length[m])
        out[k : k + n, m] = weights[offset : offset + n]
        offset += n
    return out


def sparse_bands(matrix: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A dense bank ``(n_bins, n_bands)`` as sparse ``(first, length, weights)``
    in its dtype (each band from its first to its last non-zero weight): the
    inverse of :func:`dense`."""
    m = np.asarray(matrix)
    if m.ndim != 2 or m.dtype.kind != "f":
        raise ValueError(f"a filter bank must be a 2-D float array, got {m.dtype} {m.shape}")
    n_bins, n_bands = m.shape
    band = np.repeat(np.arange(n_bands), n_bins)
    pos = np.tile(np.arange(n_bins), n_bands)
    return _trim(band, pos, m.T.ravel(), n_bands, m.dtype)


def _frequency_range(low_name: str, low: Any, high_name: str, high: Any) -> tuple[float, float]:
    lo = as_real(low_name, low, minimum=0)
    hi = as_real(high_name, high)
    if hi <= lo:
        raise ValueError(f"`{high_name}` ({high!r}) must be greater than `{low_name}` ({low!r})")
    return lo, hi


def _validate_filter_args(
    num_mel_bins: Any,
    num_spectrogram_bins: Any,
    sampling_rate: Any,
    lower_edge_hertz: Any,
    upper_edge_hertz: Any,
) -> tuple[int, int, float, float, float]:
    num_mel_bins = as_int("num_mel_bins", num_mel_bins)
    num_spectrogram_bins = as_int("num_spectrogram_bins", num_spectrogram_bins)
    sampling_rate = as_real("sampling_rate", sampling_rate, minimum=0, strict=True)
    lower, upper = _frequency_range(
        "lower_edge_hertz", lower_edge_hertz, "upper_edge_hertz", upper_edge_hertz
    )
    return num_mel_bins, num_spectrogram_bins, sampling_rate, lower, upper


def linear_to_mel_weight_matrix(
    num_mel_bins: int = 20,
    num_spectrogram_bins: int = 129,
    sampling_rate: float = 8000,
    lower_edge_hertz: float = 125.0,
    upper_edge_hertz: float = 3800.0,
    dtype: DTypeLike = "float32",
) -> np.ndarray:
    """Matrix that maps linear-frequency spectrogram bins to HTK mel bands.

    The same matrix as ``keras.layers.MelSpectrogram.linear_to_mel_weight_matrix``:
    triangles linear in mel (``mel(f) = 1127 ln(1 + f / 700)``) with peak 1 and
    no area normalisation, ``num_mel_bins + 2`` edges equally spaced in mel
    from ``lower_edge_hertz`` to ``upper_edge_hertz``, and a zero DC row.

    Parameters
    ----------
    num_mel_bins : int
        Number of mel bands (columns).
    num_spectrogram_bins : int
        Number of linear bins (rows), normally ``fft_length // 2 + 1``; bin
        ``k`` is at ``k * sampling_rate / (2 * (num_spectrogram_bins - 1))`` Hz.
    sampling_rate : float
        Sampling rate of the signal, Hz.
    lower_edge_hertz, upper_edge_hertz : float
        Lower edge of the lowest band and upper edge of the highest, Hz.
    dtype : str or np.dtype
        Floating dtype in which the matrix is computed and returned.

    Returns
    -------
    np.ndarray [shape=(num_spectrogram_bins, num_mel_bins)]

    Examples
    --------
    >>> import fastmel
    >>> w = fastmel.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 8000.0)
    >>> w.shape, w.dtype, float(w.max()) <= 1.0
    ((257, 40), dtype('float32'), True)
    """
    dt = _float_dtype(dtype)
    args = _validate_filter_args(
        num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz
    )
    return dense(*mel_bands(*args, dt), args[1])


def window_values(window: Any, sequence_length: int) -> np.ndarray | None:
    """The analysis window as ``sequence_length`` float64 values, or None (a rectangle).

    ``"hann"`` and ``"hamming"`` are periodic (scipy's ``get_window`` default);
    an array is used as given.
    """
    if window is None:
        return None
    if isinstance(window, str):
        if window in ("hann", "hamming"):
            return _windows.window(window, sequence_length, periodic=True)
        raise ValueError(f'`window` must be "hann", "hamming", a 1-D array or None, got {window!r}')
    w = np.asarray(window)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"`window` array must be real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    if w.ndim != 1 or w.shape[0] != sequence_length:
        raise ValueError(
            "The shape of `window` must be equal to [sequence_length]: expected "
            f"({sequence_length},), got {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("`window` contains NaN or infinite values")
    return w


def knf_librosa_bands(
    num_bins: int,
    fft_length: int,
    sampling_rate: float,
    low_freq: float,
    high_freq: float,
    scale: str,
    norm: str | None,
    floor_to_int_bin: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """kaldi-native-fbank's librosa-style bank (``mel_opts.is_librosa``), sparse,
    float64: librosa's construction (edges equally spaced on the Slaney or HTK
    mel scale, triangles linear in Hz, Slaney area normalisation or none) over
    the bins ``k * sr / n``, the Nyquist bin weighing 0; with
    ``floor_to_int_bin``, edges at the integer bins ``int((n + 1) * hz / sr)``
    and triangles (and the normalisation) over bin indices."""
    if not floor_to_int_bin:
        first, length, weights = hz_bands(
            num_bins, fft_length, sampling_rate, low_freq, high_freq, scale, norm, np.float64
        )
    else:
        hz = band_edges_hz(num_bins, low_freq, high_freq, scale)
        edges = np.floor((fft_length + 1) * hz / sampling_rate)
        grid = np.arange(fft_length // 2 + 1, dtype=np.float64)
        band, pos, w = _triangles(grid, edges, 0.0)
        if norm == "slaney":
            with np.errstate(divide="ignore"):
                w = w * (2.0 / (edges[2:] - edges[:-2]))[band]
        first, length, weights = _trim(band, pos, w, num_bins, np.dtype(np.float64))
    if fft_length % 2 == 0:  # knf leaves the Nyquist bin out of every band
        weights = weights.copy()
        offsets = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
        nyq = fft_length // 2
        for m in np.flatnonzero((length > 0) & (first + length - 1 >= nyq)):
            weights[offsets[m] + nyq - int(first[m])] = 0.0
    return first, length, weights


# -- The references' own builders, operation for operation ----------------------------
# transformers.audio_utils (float64, any output dtype), torchaudio.functional (torch
# float32 on the CPU) and librosa.filters.chroma: each builder below evaluates the same
# float operations in the same order and dtype as its reference, so that the banks are
# the same bits (where they cannot be, the docstring says by how much they differ).


def _warn_empty_filters(bank: np.ndarray) -> None:
    """Warn, as transformers and torchaudio do, when columns of a dense bank are all
    zero (a column holding a NaN is not empty, as there)."""
    empty = np.flatnonzero(np.max(bank, axis=0) == 0.0)
    if empty.size:
        shown = ", ".join(str(m) for m in empty[:8]) + (", ..." if empty.size > 8 else "")
        warnings.warn(
            f"{empty.size} of {bank.shape[1]} mel bands are empty (all-zero filters "
            f"{shown}): use fewer filters, more frequency bins or a lower maximum frequency",
            UserWarning,
            stacklevel=3,
        )


def _slopes_min(grid: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``min(rising, falling)`` of every triangle at every grid point, as transformers'
    and torchaudio's ``_create_triangular_filter_bank`` evaluate it in the arrays'
    dtype: triangle ``m`` has feet ``edges[m]``, ``edges[m + 2]`` and its peak at
    ``edges[m + 1]``; rising ``-(edges[m] - g) / (edges[m + 1] - edges[m])``, falling
    ``(edges[m + 2] - g) / (edges[m + 2] - edges[m + 1])``. ``(len(grid), len(edges) - 2)``;
    the caller clamps it at 0 as its reference does."""
    widths = edges[1:] - edges[:-1]
    slopes = edges[None, :] - grid[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(-slopes[:, :-2] / widths[:-1], slopes[:, 2:] / widths[1:])


# transformers' Slaney scale: 3 f / 200 below 1 kHz, 15 + ln(f / 1000) 27 / ln 6.4 above.
_TF_MELS_PER_NEPER = 27.0 / np.log(6.4)
_TF_NEPERS_PER_MEL = np.log(6.4) / 27.0


def _tf_hz_to_mel(freq: Any, scale: str) -> Any:
    """``transformers.audio_utils.hertz_to_mel``'s float64 operations (a scalar or an array)."""
    if scale == "htk":
        return 2595.0 * np.log10(1.0 + (freq / 700.0))
    if scale == "kaldi":
        return 1127.0 * np.log(1.0 + (freq / 700.0))
    mels = 3.0 * freq / 200.0
    if np.ndim(freq) == 0:
        return 15.0 + np.log(freq / 1000.0) * _TF_MELS_PER_NEPER if freq >= 1000.0 else mels
    log = freq >= 1000.0  # the log part is evaluated on the selected elements only, as there
    mels[log] = 15.0 + np.log(freq[log] / 1000.0) * _TF_MELS_PER_NEPER
    return mels


def _tf_mel_to_hz(mels: np.ndarray, scale: str) -> np.ndarray:
    """``transformers.audio_utils.mel_to_hertz``'s float64 operations on an array."""
    if scale == "htk":
        return 700.0 * (np.power(10, mels / 2595.0) - 1.0)
    if scale == "kaldi":
        return 700.0 * (np.exp(mels / 1127.0) - 1.0)
    freq = 200.0 * mels / 3.0
    log = mels >= 15.0
    freq[log] = 1000.0 * np.exp(_TF_NEPERS_PER_MEL * (mels[log] - 15.0))
    return freq


def mel_filter_bank(
    num_frequency_bins: int,
    num_mel_filters: int,
    min_frequency: float,
    max_frequency: float,
    sampling_rate: float,
    norm: str | None = None,
    mel_scale: str = "htk",
    triangularize_in_mel_space: bool = False,
    dtype: DTypeLike = np.float64,
) -> np.ndarray:
    """transformers' mel filter bank, ``transformers.audio_utils.mel_filter_bank``.

    ``num_mel_filters + 2`` edges equally spaced on the mel scale from
    ``min_frequency`` to ``max_frequency``; triangle ``m`` rises from edge ``m`` to 1
    at edge ``m + 1`` and falls to edge ``m + 2``. The triangles are evaluated in
    float64 over the bin frequencies ``linspace(0, sampling_rate // 2,
    num_frequency_bins)`` (a floor division: for an odd FFT length or an odd rate
    these are not the FFT's frequencies), or, with ``triangularize_in_mel_space``, in mel
    over the mel values of ``k * sampling_rate / (2 (num_frequency_bins - 1))``; the
    bank is then cast to ``dtype`` and, with ``norm="slaney"``, scaled in ``dtype``
    by ``2 / (edge[m + 2] - edge[m])`` (in Hz, or in mel in mel space), in this
    order, as transformers does.

    Equals transformers 5.23.0 bit for bit (the signs of zeros included), float64
    and float32, for every mel scale, norm and ``triangularize_in_mel_space``:
    measured on ``tests/test_banks.py``'s 29 golden banks and on 500 random
    configurations. Python numbers (and float64 scalars) are used as they are; a
    NumPy float32 scalar argument is widened to float64 first, where transformers
    would do part of its arithmetic in float32. Unlike transformers, equal
    ``min_frequency`` and ``max_frequency`` (a bank of NaN there) and a negative
    ``min_frequency`` are refused.

    Parameters
    ----------
    num_frequency_bins : int
        Number of frequency bins (rows), ``n_fft // 2 + 1``; at least 2.
    num_mel_filters : int
        Number of mel filters (columns), at least 1.
    min_frequency, max_frequency : float
        Lower edge of the lowest filter and upper edge of the highest, Hz;
        ``0 <= min_frequency < max_frequency``. ``max_frequency`` may exceed
        Nyquist, as there.
    sampling_rate : float
        Sampling rate of the signal, Hz, > 0.
    norm : None or "slaney"
        ``"slaney"`` scales each filter to unit area (``2 / width``).
    mel_scale : "htk", "slaney" or "kaldi"
        ``2595 log10(1 + f / 700)``; Slaney's (linear below 1 kHz, logarithmic
        above); ``1127 ln(1 + f / 700)``.
    triangularize_in_mel_space : bool
        Triangles linear in mel (torchaudio-like) instead of in Hz.
    dtype : np.dtype
        Floating dtype of the result (the triangles are computed in float64).

    Returns
    -------
    np.ndarray [shape=(num_frequency_bins, num_mel_filters), dtype=dtype]

    Warns
    -----
    UserWarning
        If a filter is all zero (more filters than the bins can resolve), as
        transformers warns.

    Examples
    --------
    >>> from fastmel._filters import mel_filter_bank
    >>> w = mel_filter_bank(201, 80, 0.0, 8000.0, 16000, "slaney", "slaney")
    >>> w.shape, w.dtype
    ((201, 80), dtype('float64'))
    """
    n_bins = as_int("num_frequency_bins", num_frequency_bins, minimum=2)
    n_mels = as_int("num_mel_filters", num_mel_filters, maximum=MAX_MEL_BINS)
    fmin, fmax = _frequency_range("min_frequency", min_frequency, "max_frequency", max_frequency)
    rate = as_real("sampling_rate", sampling_rate, minimum=0, strict=True)
    choice("norm", norm, (None, "slaney"))
    choice("mel_scale", mel_scale, ("htk", "slaney", "kaldi"))
    in_mel = as_flag("triangularize_in_mel_space", triangularize_in_mel_space)
    dt = _float_dtype(dtype)

    mel_edges = np.linspace(
        _tf_hz_to_mel(fmin, mel_scale), _tf_hz_to_mel(fmax, mel_scale), n_mels + 2
    )
    if in_mel:
        grid = _tf_hz_to_mel(rate / ((n_bins - 1) * 2) * np.arange(n_bins), mel_scale)
        edges = mel_edges
    else:
        grid = np.linspace(0, rate // 2, n_bins)
        edges = _tf_mel_to_hz(mel_edges, mel_scale)
    bank = np.maximum(np.zeros(1), _slopes_min(grid, edges)).astype(dt, copy=False)
    if norm == "slaney":
        bank *= (2.0 / (edges[2:] - edges[:-2]))[None, :]  # in dtype, after the cast
    _warn_empty_filters(bank)
    return bank


# -- torchaudio.functional in torch's float32 arithmetic -------------------------------


def _fma32(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> np.ndarray:
    """float32 ``a * b + c`` rounded once, as an FMA instruction computes it.

    The product of two float32 is exact in float64; the sum is rounded to float64
    "to odd" (an inexact sum gets an odd last bit, found with TwoSum), which
    rounds correctly to the 24 bits of float32 afterwards.
    """
    p = np.multiply(np.asarray(a, np.float32), np.asarray(b, np.float32), dtype=np.float64)
    c64 = np.asarray(c, np.float32).astype(np.float64)
    s = p + c64
    back = s - p
    err = (p - (s - back)) + (c64 - back)  # s + err == p + c exactly
    even = (np.asarray(s).view(np.int64) & 1) == 0
    with np.errstate(invalid="ignore"):
        toward = np.nextafter(s, np.copysign(np.inf, err))
        s = np.where((err != 0) & even & np.isfinite(err), toward, s)
    return s.astype(np.float32)


def _torch_linspace(start: float, end: float, steps: int) -> np.ndarray:
    """``torch.linspace(start, end, steps)`` (float32) as torch's CPU kernel computes it:
    ``step = (end - start) / (steps - 1)`` in float32, the first ``steps // 2`` points
    ``start + step * i`` and the others ``end - step * (steps - 1 - i)``, each
    contracted by the compiler to one FMA (as torch 2.13's x86-64 build does: measured
    bit for bit on 5000 random ranges)."""
    lo, hi = np.float32(start), np.float32(end)
    if steps == 1:
        return np.array([lo])
    step = (hi - lo) / np.float32(steps - 1)
    i = np.arange(steps)
    first = i < steps // 2
    k = np.where(first, i, steps - 1 - i).astype(np.float32)
    return np.where(first, _fma32(step, k, lo), _fma32(-step, k, hi))


# The part of an elementwise torch kernel done by its vector loop: whole blocks of two
# AVX2 registers (2 x 8 float32); the rest is done by the scalar code.
_TORCH_VECTOR_BLOCK = 16

# Sleef's double-float logarithm of 10 (its logkf(10)), the high and low float32.
_SLEEF_LN10_HI, _SLEEF_LN10_LO = np.array([0x40135D8E, 0xB3095410], np.uint32).view(np.float32)
_SLEEF_EXPK_POLY = np.array(
    [
        0.00136324646882712841033936,
        0.00836596917361021041870117,
        0.0416710823774337768554688,
        0.166665524244308471679688,
        0.499999850988388061523438,
    ],
    np.float32,
)
_LOG2E_F32 = np.float32(1.442695040888963407359924681001892137426645954152985934135449406931)
_LN2_HI_F32 = np.float32(0.693145751953125)
_LN2_LO_F32 = np.float32(1.428606765330187045e-06)


def _sleef_pow10f(y: np.ndarray) -> np.ndarray:
    """``Sleef_powf8_u10(10, y)``: torch's vectorised float32 ``10 ** y`` (AVX2).

    ``exp(ln 10 * y)`` in Sleef's double-float arithmetic (with FMA): the product
    of its double-float ``ln 10`` and ``y``, reduced by ``q ln 2``, a degree-5
    polynomial, scaled by ``2**q``. Valid where the result is a normal float32.
    """
    f32 = np.float32
    y = np.asarray(y, f32)
    # d = ln10 * y, double-float
    dx = _SLEEF_LN10_HI * y
    dy = _fma32(_SLEEF_LN10_LO, y, _fma32(_SLEEF_LN10_HI, y, -dx))
    q = np.rint((dx + dy) * _LOG2E_F32)
    for ln2_part in (_LN2_HI_F32, _LN2_LO_F32):  # s = d - q ln2, double-float
        r = q * -ln2_part
        sx = dx + r
        v = sx - dx
        dy = ((dx - (sx - v)) + (r - v)) + dy
        dx = sx
    sx = dx + dy  # normalised
    sy = (dx - sx) + dy
    u = np.full_like(sx, _SLEEF_EXPK_POLY[0])
    for c in _SLEEF_EXPK_POLY[1:]:
        u = _fma32(u, sx, c)
    # t = s + s^2 u, then 1 + t, all double-float
    sqx = sx * sx
    sqy = _fma32(sx + sx, sy, _fma32(sx, sx, -sqx))
    px = sqx * u
    py = _fma32(sqy, u, _fma32(sqx, u, -px))
    tx = sx + px
    ty = (((sx - tx) + px) + sy) + py
    one = f32(1.0)
    ox = one + tx
    oy = ((one - ox) + tx) + ty
    return np.ldexp(ox + oy, q.astype(np.int32)).astype(f32)


def _torch_pow10(y: np.ndarray) -> np.ndarray:
    """torch's ``10.0 ** y`` for a float32 vector ``y``: Sleef's powf on the vector
    blocks, the C library's ``powf`` (NumPy's float32 power) on the rest."""
    n = len(y) // _TORCH_VECTOR_BLOCK * _TORCH_VECTOR_BLOCK
    return np.concatenate([_sleef_pow10f(y[:n]), np.power(np.float32(10.0), y[n:])])


def _torch_hz_to_mel(freq: float, scale: str) -> float:
    """torchaudio's ``_hz_to_mel`` on a Python float (its math-module arithmetic)."""
    if scale == "htk":
        return 2595.0 * math.log10(1.0 + (freq / 700.0))
    f_sp = 200.0 / 3
    if freq >= 1000.0:
        return (1000.0 - 0.0) / f_sp + math.log(freq / 1000.0) / (math.log(6.4) / 27.0)
    return (freq - 0.0) / f_sp


def _torch_mel_to_hz(mels: np.ndarray, scale: str) -> np.ndarray:
    """torchaudio's ``_mel_to_hz`` on a float32 vector, in float32.

    Exact but for the Slaney scale's ``torch.exp`` (MKL's vsExp in torch's x86-64
    builds), whose float32 result is not always the correctly rounded one that
    this takes: the edges above 1 kHz can differ from torchaudio's by one ulp.
    """
    f32 = np.float32
    if scale == "htk":
        return f32(700.0) * (_torch_pow10(mels / f32(2595.0)) - f32(1.0))
    f_sp = 200.0 / 3
    min_log_mel = f32((1000.0 - 0.0) / f_sp)
    freqs = f32(0.0) + f32(f_sp) * mels
    log = mels >= min_log_mel
    arg = f32(math.log(6.4) / 27.0) * (mels[log] - min_log_mel)
    freqs[log] = f32(1000.0) * np.exp(arg.astype(np.float64)).astype(f32)
    return freqs


def _torch_triangles(grid: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """torchaudio's ``_create_triangular_filterbank`` in float32, signed zeros
    included: ``torch.max(zero, x)`` keeps the zero of ``x`` in its vector loop
    (``_mm256_max_ps``) and gives +0 in its scalar tail (``std::max``)."""
    mins = _slopes_min(grid, edges)
    bank = np.where(np.isnan(mins) | (mins > 0), mins, np.float32(0.0))
    vector = np.arange(bank.size).reshape(bank.shape) < (
        bank.size // _TORCH_VECTOR_BLOCK * _TORCH_VECTOR_BLOCK
    )
    return np.where(vector & (mins == 0), mins, bank)


def melscale_fbanks(
    n_freqs: int,
    f_min: float,
    f_max: float,
    n_mels: int,
    sample_rate: float,
    norm: str | None = None,
    mel_scale: str = "htk",
) -> np.ndarray:
    """torchaudio's mel filter bank, ``torchaudio.functional.melscale_fbanks``, in float32.

    ``n_mels + 2`` edges equally spaced on the HTK or Slaney mel scale from
    ``f_min`` to ``f_max`` (``torch.linspace`` in float32), converted to Hz in
    float32; triangles linear in Hz over ``torch.linspace(0, sample_rate // 2,
    n_freqs)``; with ``norm="slaney"`` each filter is multiplied by
    ``2 / (edge[m + 2] - edge[m])``. Every operation is torch's float32 one on the
    CPU, in its order, down to the FMAs of ``torch.linspace``, Sleef's ``powf``
    (and the C library's ``powf`` for the last ``len % 16`` edges) for
    ``10 ** x``, and the sign of the zeros.

    Agreement with torchaudio 2.11 (torch 2.13, x86-64 with AVX2), measured on
    ``tests/test_banks.py``'s golden data and on thousands of random
    configurations: ``mel_scale="htk"`` bit for bit, and ``"slaney"`` too as long
    as ``f_max <= 1000`` Hz. Above 1 kHz torch takes MKL's float32 ``exp``, which
    is not correctly rounded about once in a hundred: those edges are one ulp
    away from the correctly rounded ones this computes, and the weights next to
    them differ by up to ``ulp(f_max) / (narrowest band width in Hz)`` of the
    bank's peak (measured at most 0.93 of that; 3.6e-6 of the peak on the golden
    data, 1.9e-5 at worst in 6000 random configurations with up to 400 bands).
    Torch itself gives other bits on other CPUs (its vector blocks and its
    ``exp`` are the CPU's).

    Parameters
    ----------
    n_freqs : int
        Number of frequency bins (rows), ``n_fft // 2 + 1``; at least 1.
    f_min, f_max : float
        Lower edge of the lowest filter and upper edge of the highest, Hz;
        ``0 <= f_min < f_max``.
    n_mels : int
        Number of mel filters (columns), at least 1.
    sample_rate : float
        Sampling rate of the signal, Hz, > 0.
    norm : None or "slaney"
        ``"slaney"`` scales each filter to unit area.
    mel_scale : "htk" or "slaney"
        The mel scale of the edges.

    Returns
    -------
    np.ndarray [shape=(n_freqs, n_mels), dtype=float32]

    Warns
    -----
    UserWarning
        If a filter is all zero, as torchaudio warns.

    Examples
    --------
    >>> from fastmel._filters import melscale_fbanks
    >>> fb = melscale_fbanks(201, 0.0, 8000.0, 40, 16000)
    >>> fb.shape, fb.dtype
    ((201, 40), dtype('float32'))
    """
    n_freqs = as_int("n_freqs", n_freqs)
    n_mels = as_int("n_mels", n_mels, maximum=MAX_MEL_BINS)
    f_min, f_max = _frequency_range("f_min", f_min, "f_max", f_max)
    rate = as_real("sample_rate", sample_rate, minimum=0, strict=True)
    choice("norm", norm, (None, "slaney"))
    choice("mel_scale", mel_scale, ("htk", "slaney"))

    grid = _torch_linspace(0.0, rate // 2, n_freqs)
    mels = _torch_linspace(
        _torch_hz_to_mel(f_min, mel_scale), _torch_hz_to_mel(f_max, mel_scale), n_mels + 2
    )
    edges = _torch_mel_to_hz(mels, mel_scale)
    bank = _torch_triangles(grid, edges)
    if norm == "slaney":  # torch's 2.0 / t is t.reciprocal() * 2.0
        bank *= (np.float32(1.0) / (edges[2:] - edges[:-2])) * np.float32(2.0)
    _warn_empty_filters(bank)
    return bank


def linear_fbanks(
    n_freqs: int, f_min: float, f_max: float, n_filter: int, sample_rate: float
) -> np.ndarray:
    """torchaudio's linear triangular filter bank, ``torchaudio.functional.linear_fbanks``.

    ``n_filter + 2`` edges ``torch.linspace(f_min, f_max, n_filter + 2)`` and
    triangles over ``torch.linspace(0, sample_rate // 2, n_freqs)``, in torch's
    float32 arithmetic (see :func:`melscale_fbanks`). Equals torchaudio 2.11
    (torch 2.13, x86-64 with AVX2) bit for bit, the signs of zeros included:
    measured on ``tests/test_banks.py``'s 4 golden banks and 300 random
    configurations. Like torchaudio it does not warn about all-zero filters.

    Parameters
    ----------
    n_freqs : int
        Number of frequency bins (rows), at least 1.
    f_min, f_max : float
        Lower edge of the lowest filter and upper edge of the highest, Hz;
        ``0 <= f_min < f_max``.
    n_filter : int
        Number of filters (columns), at least 1.
    sample_rate : float
        Sampling rate of the signal, Hz, > 0.

    Returns
    -------
    np.ndarray [shape=(n_freqs, n_filter), dtype=float32]

    Examples
    --------
    >>> from fastmel._filters import linear_fbanks
    >>> linear_fbanks(257, 0.0, 8000.0, 20, 16000).shape
    (257, 20)
    """
    n_freqs = as_int("n_freqs", n_freqs)
    n_filter = as_int("n_filter", n_filter, maximum=MAX_MEL_BINS)
    f_min, f_max = _frequency_range("f_min", f_min, "f_max", f_max)
    rate = as_real("sample_rate", sample_rate, minimum=0, strict=True)
    grid = _torch_linspace(0.0, rate // 2, n_freqs)
    return _torch_triangles(grid, _torch_linspace(f_min, f_max, n_filter + 2))


# -- chroma: transformers.audio_utils.chroma_filter_bank and librosa.filters.chroma ---


def _check_norm(name: str, norm: Any, *, librosa_norms: bool) -> float | None:
    """None or a finite power > 0; for librosa also 0, inf and -inf."""
    if norm is None:
        return None
    if isinstance(norm, (bool, np.bool_)) or not isinstance(norm, numbers.Real):
        raise TypeError(f"`{name}` must be None or a real number, got {norm!r}")
    p = float(norm)
    if librosa_norms and (p == 0 or np.isinf(p)):
        return p
    if not (np.isfinite(p) and p > 0):
        extra = ", 0, inf or -inf" if librosa_norms else ""
        raise ValueError(f"`{name}` must be None, a finite number > 0{extra}, got {norm!r}")
    return p


def _normalize_columns(wts: np.ndarray, norm: float | None) -> np.ndarray:
    """``librosa.util.normalize(wts, norm=norm, axis=0)`` for positive weights (the
    default threshold, the smallest normal float64, below which a column is left as
    it is); for a power ``p > 0`` this is also transformers' ``wts / sum(wts**p) ** (1 /
    p)``, as the chroma columns' norms are far above the threshold."""
    if norm is None:
        return wts
    if norm == np.inf:
        length = np.max(wts, axis=0, keepdims=True)
    elif norm == -np.inf:
        length = np.min(wts, axis=0, keepdims=True)
    elif norm == 0:
        length = np.sum(wts > 0, axis=0, keepdims=True, dtype=wts.dtype)
    else:
        length = np.sum(wts**norm, axis=0, keepdims=True) ** (1.0 / norm)
    length[length < np.finfo(wts.dtype).tiny] = 1.0
    return wts / length


def _chroma(
    n_fft: int,
    sr: float,
    n_chroma: int,
    tuning: float,
    norm: float | None,
    weighting: tuple[float, float] | None,
    base_c: bool,
) -> np.ndarray:
    """The chroma bank ``(n_chroma, 1 + n_fft // 2)`` in float64, with the float
    operations of librosa's ``filters.chroma`` (transformers' ``chroma_filter_bank``
    is a copy of it) in their order and memory layouts (the column sums depend on
    them): the FFT bins' pitch in chroma bins (``A4 = 440 * 2 ** (tuning /
    n_chroma)``), a Gaussian bump of half-width one bin spacing (at least a chroma
    bin) around each chroma, the columns normalised, weighted by a Gaussian in
    octaves ``(centre, half_width)``, rotated to start at C."""
    freqs = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    a4 = 440.0 * 2.0 ** (tuning / n_chroma)
    bins = n_chroma * np.log2(freqs / (float(a4) / 16))
    bins = np.concatenate(([bins[0] - 1.5 * n_chroma], bins))  # DC: 1.5 octaves below bin 1
    widths = np.concatenate((np.maximum(bins[1:] - bins[:-1], 1.0), [1]))
    dist = np.subtract.outer(bins, np.arange(0, n_chroma, dtype="d")).T
    half = np.round(float(n_chroma) / 2)
    dist = np.remainder(dist + half + 10 * n_chroma, n_chroma) - half  # in [-half, half)
    wts = np.exp(-0.5 * (2 * dist / np.tile(widths, (n_chroma, 1))) ** 2)
    wts = _normalize_columns(wts, norm)
    if weighting is not None:
        centre, half_width = weighting
        wts *= np.tile(
            np.exp(-0.5 * (((bins / n_chroma - centre) / half_width) ** 2)), (n_chroma, 1)
        )
    if base_c:
        wts = np.roll(wts, -3 * (n_chroma // 12), axis=0)
    return wts[:, : int(1 + n_fft / 2)]


def _chroma_args(
    names: tuple[str, str, str], n_fft: Any, n_chroma: Any, sr: Any, tuning: Any
) -> tuple[int, int, float, float]:
    """The FFT length, chroma count, rate and tuning, validated (the first three
    under the caller's ``names``)."""
    return (
        as_int(names[0], n_fft, minimum=2, maximum=MAX_FFT_LENGTH),
        as_int(names[1], n_chroma, maximum=MAX_MEL_BINS),
        as_real(names[2], sr, minimum=0, strict=True),
        as_real("tuning", tuning),
    )


def chroma_filter_bank(
    num_frequency_bins: int,
    num_chroma: int,
    sampling_rate: float,
    tuning: float = 0.0,
    power: float | None = 2.0,
    weighting_parameters: tuple[float, float] | None = (5.0, 2.0),
    start_at_c_chroma: bool = True,
) -> np.ndarray:
    """transformers' chroma filter bank, ``transformers.audio_utils.chroma_filter_bank``.

    Projects FFT bins onto ``num_chroma`` pitch classes: a Gaussian bump around
    each chroma (its width the bin spacing in chroma bins, at least 1), columns
    scaled to unit ``power``-norm, times a Gaussian weighting in octaves, rows
    rotated to start at C. The same float64 operations, in the same order, as
    transformers (and librosa's ``filters.chroma``, see :func:`chroma_bank`).

    Equals transformers 5.23.0 bit for bit: measured on ``tests/test_banks.py``'s
    6 golden banks and 150 random configurations.

    Parameters
    ----------
    num_frequency_bins : int
        The FFT length ``n_fft`` (transformers' name; bins ``k * sampling_rate /
        num_frequency_bins``), at least 2.
    num_chroma : int
        Number of chroma bins (rows), at least 1.
    sampling_rate : float
        Sampling rate of the signal, Hz, > 0.
    tuning : float
        Deviation of A4 from 440 Hz, in fractions of a chroma bin.
    power : float > 0 or None
        Each column is divided by ``sum(column**power) ** (1 / power)``; None: no
        normalisation.
    weighting_parameters : (float, float) or None
        ``(centre, half_width)``, in octaves above A0 = 27.5 Hz (5: 880 Hz), of a
        Gaussian weighting of the bins; None: flat.
    start_at_c_chroma : bool
        Rows start at C; otherwise at A.

    Returns
    -------
    np.ndarray [shape=(num_chroma, 1 + num_frequency_bins // 2), dtype=float64]
        Note the orientation: chroma along the rows, as transformers returns it.

    Examples
    --------
    >>> from fastmel._filters import chroma_filter_bank
    >>> chroma_filter_bank(2048, 12, 22050).shape
    (12, 1025)
    """
    n_fft, n_chroma, sr, tuning = _chroma_args(
        ("num_frequency_bins", "num_chroma", "sampling_rate"),
        num_frequency_bins,
        num_chroma,
        sampling_rate,
        tuning,
    )
    p = _check_norm("power", power, librosa_norms=False)
    weighting = None
    if weighting_parameters is not None:
        try:
            centre, half_width = weighting_parameters
        except (TypeError, ValueError):
            raise ValueError(
                "`weighting_parameters` must be None or (centre, half_width), got "
                f"{weighting_parameters!r}"
            ) from None
        weighting = (
            as_real("weighting_parameters[0]", centre),
            as_real("weighting_parameters[1]", half_width, minimum=0, strict=True),
        )
    base_c = as_flag("start_at_c_chroma", start_at_c_chroma)
    return np.ascontiguousarray(_chroma(n_fft, sr, n_chroma, tuning, p, weighting, base_c))


def chroma_bank(
    sr: float,
    n_fft: int,
    n_chroma: int = 12,
    tuning: float = 0.0,
    ctroct: float = 5.0,
    octwidth: float | None = 2,
    norm: float | None = 2,
    base_c: bool = True,
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """librosa's chroma filter bank, ``librosa.filters.chroma``.

    The bank of :func:`chroma_filter_bank` with librosa's arguments and
    normalisation (``librosa.util.normalize``: any ``norm``, columns whose norm is
    below the smallest normal float64 left as they are), computed in float64 and
    cast to ``dtype`` at the end, as librosa does. Equals librosa 0.11.0 bit for
    bit, float32 and float64: measured on ``tests/test_banks.py``'s 9 golden banks
    and 150 random configurations.

    Parameters
    ----------
    sr : float
        Sampling rate of the signal, Hz, > 0.
    n_fft : int
        FFT length, at least 2.
    n_chroma : int
        Number of chroma bins (rows), at least 1.
    tuning : float
        Deviation of A4 from 440 Hz, in fractions of a chroma bin.
    ctroct, octwidth : float
        Centre and half-width, in octaves above A0 = 27.5 Hz, of a Gaussian
        weighting of the bins; ``octwidth=None``: flat.
    norm : float or None
        Column normalisation: a power ``> 0`` (2: unit Euclidean norm), ``np.inf``
        (peak 1), ``-np.inf`` (minimum 1), 0 (divide by the number of non-zero
        weights) or None.
    base_c : bool
        Rows start at C; otherwise at A.
    dtype : np.dtype
        Floating dtype of the result.

    Returns
    -------
    np.ndarray [shape=(n_chroma, 1 + n_fft // 2), dtype=dtype]

    Examples
    --------
    >>> from fastmel._filters import chroma_bank
    >>> w = chroma_bank(22050, 4096)
    >>> w.shape, w.dtype
    ((12, 2049), dtype('float32'))
    """
    names = ("n_fft", "n_chroma", "sr")
    n_fft, n_chroma, sr, tuning = _chroma_args(names, n_fft, n_chroma, sr, tuning)
    weighting = None
    if octwidth is not None:
        weighting = (
            as_real("ctroct", ctroct),
            as_real("octwidth", octwidth, minimum=0, strict=True),
        )
    p = _check_norm("norm", norm, librosa_norms=True)
    base = as_flag("base_c", base_c)
    dt = _float_dtype(dtype)
    return np.ascontiguousarray(_chroma(n_fft, sr, n_chroma, tuning, p, weighting, base), dtype=dt)


def gemma3n_mel_bank(
    n_freqs: int,
    f_min: float,
    f_max: float,
    n_mels: int,
    sample_rate: float,
    fft_length: int,
    norm: str | None = None,
) -> np.ndarray:
    """Gemma 3n's mel filter bank (its ``create_fb_matrix``), float64.

    HTK mel edges: ``n_mels + 2`` of them equally spaced (float64) from
    ``f_min`` to ``f_max``, triangles linear in Hz over the bin frequencies
    ``k * (sample_rate / fft_length)`` computed in float32 (as there: the
    only float32 step), with ``norm="slaney"`` each filter scaled by ``2 /
    (edge[m + 2] - edge[m])``. Equal to transformers 5.23.0's bit for bit on
    the golden banks of ``tests/data/transformers_golden.npz``.

    Parameters
    ----------
    n_freqs : int
        Frequency bins (rows), ``fft_length // 2 + 1``.
    f_min, f_max : float
        The lowest and highest edges, Hz.
    n_mels : int
        Filters (columns).
    sample_rate : float
        Hz.
    fft_length : int
        The FFT size the bins belong to.
    norm : None or "slaney"
        Area normalisation.

    Returns
    -------
    np.ndarray [shape=(n_freqs, n_mels), dtype=float64]
    """
    if norm not in (None, "slaney"):
        raise ValueError("norm must be one of None or 'slaney'")
    n_freqs = as_int("n_freqs", n_freqs)
    n_mels = as_int("n_mels", n_mels)
    fft_length = as_int("fft_length", fft_length)
    f_min, f_max = as_real("f_min", f_min), as_real("f_max", f_max)
    freqs = np.arange(n_freqs, dtype=np.float32) * np.float32(sample_rate / fft_length)
    m_min = 2595.0 * math.log10(1.0 + f_min / 700.0)
    m_max = 2595.0 * math.log10(1.0 + f_max / 700.0)
    edges = 700.0 * (10 ** (np.linspace(m_min, m_max, n_mels + 2) / 2595.0) - 1.0)
    widths = np.diff(edges)
    slopes = edges[None, :] - freqs[:, None].astype(np.float64)
    rising = -slopes[:, :-2] / widths[:-1]
    falling = slopes[:, 2:] / widths[1:]
    bank = np.maximum(0.0, np.minimum(rising, falling))
    if norm == "slaney":
        bank *= 2.0 / (edges[2:] - edges[:-2])
    return bank


def librosa_mel_bank(
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: Any = "slaney",
    dtype: DTypeLike = np.float32,
) -> np.ndarray:
    """``librosa.filters.mel``'s ``(n_mels, 1 + n_fft // 2)`` bank, bit for bit.

    Triangles linear in Hz between edges equally spaced on the Slaney (or
    HTK) mel scale, over the bins ``rfftfreq(n_fft, 1 / sr)``, computed in
    float64 and rounded to ``dtype`` row by row; then ``norm="slaney"``
    multiplies each row by ``2 / (upper - lower)`` (in float64, rounded
    again), and a number ``p`` divides each row by its ``p``-norm
    (``librosa.util.normalize``: 0 counts the non-zero weights, ``inf`` and
    ``-inf`` take the largest and smallest; a row whose norm is below the
    smallest normal number of ``dtype`` is left as it is). Warns nothing
    (:func:`fastmel.librosa.filters.mel` warns as librosa does).
    """
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"`dtype` must be a float dtype, got {dt}")
    high = float(sr) / 2 if fmax is None else float(fmax)
    scale = "htk" if htk else "slaney"
    if isinstance(norm, str) and norm != "slaney":
        raise ValueError(f"Unsupported norm={norm}")
    p = None if isinstance(norm, str) else _check_norm("norm", norm, librosa_norms=True)
    first, length, weights = hz_bands(
        n_mels, n_fft, sr, float(fmin), high, scale, "slaney" if norm == "slaney" else None, dt
    )
    bank = dense(first, length, weights, 1 + n_fft // 2).T
    if p is None:
        return np.ascontiguousarray(bank)
    mag = np.abs(bank).astype(np.float64)
    if p == np.inf:
        size = mag.max(axis=1, keepdims=True)
    elif p == -np.inf:
        size = mag.min(axis=1, keepdims=True)
    elif p == 0:
        size = np.sum(mag > 0, axis=1, keepdims=True, dtype=np.float64)
    else:
        size = np.sum(mag**p, axis=1, keepdims=True) ** (1.0 / p)
    size[size < np.finfo(dt).tiny] = 1.0
    return np.ascontiguousarray((bank / size).astype(dt))
