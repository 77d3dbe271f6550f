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
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _windows
from ._options import as_int, as_real

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
    lower = as_real("lower_edge_hertz", lower_edge_hertz, minimum=0)
    upper = as_real("upper_edge_hertz", upper_edge_hertz)
    if upper <= lower:
        raise ValueError(
            f"`upper_edge_hertz` ({upper_edge_hertz!r}) must be greater than "
            f"`lower_edge_hertz` ({lower_edge_hertz!r})"
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


def transformers_slaney_bank(
    n_fft: int, n_mels: int, rate: float, fmax: float, dtype: type = np.float32
) -> np.ndarray:
    """transformers' Slaney mel bank (``mel_filter_bank`` with Slaney scale and
    norm) as Whisper and Parakeet build it: bins at ``linspace(0, rate // 2,
    n_fft // 2 + 1)`` (for an odd ``n_fft`` too, as there), edges equally
    spaced in Slaney mel from 0 to ``fmax``, triangles in Hz in float64, cast
    to ``dtype``, then the area normalisation. ``(n_fft // 2 + 1, n_mels)``."""
    bins = np.linspace(0, rate // 2, n_fft // 2 + 1)
    edges = mel_to_hz(
        np.linspace(hz_to_mel(0.0, "slaney"), hz_to_mel(fmax, "slaney"), n_mels + 2), "slaney"
    )
    lo, mid, hi = edges[:-2], edges[1:-1], edges[2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        up = (bins[:, None] - lo) / (mid - lo)
        down = (hi - bins[:, None]) / (hi - mid)
    tri = np.maximum(0.0, np.minimum(up, down)).astype(dtype)
    tri *= 2.0 / (hi - lo)  # in place: in dtype, as the reference scales its cast bank
    return tri
