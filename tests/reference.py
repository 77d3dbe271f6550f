"""An obvious NumPy mel spectrogram, written for the tests from SPEC.md.

Everything is spelled out with whole arrays (pad, frame, window, rfft, dense
matrix, dB) in the requested dtype's precision, float64 by default. It shares
no code with fastmel.
"""

import numpy as np


def hann_or_hamming(name, length):
    a = {"hann": 0.5, "hamming": 0.54}[name]
    if length == 1:  # tf.signal's (and scipy's, torch's) one-sample window
        return np.ones(1)
    k = np.arange(length)
    return a - (1 - a) * np.cos(2 * np.pi * k / length)


def padded_window(window, sequence_length, fft_length):
    if window is None:
        return np.ones(fft_length)
    w = (
        hann_or_hamming(window, sequence_length)
        if isinstance(window, str)
        else np.asarray(window, float)
    )
    left = (fft_length - sequence_length) // 2
    return np.pad(w, (left, fft_length - sequence_length - left))


def mel_matrix(num_mel_bins, num_bins, sampling_rate, fmin, fmax, dtype=np.float64):
    """Dense HTK triangles computed in ``dtype``: rows are linear bins, columns bands.

    SPEC.md: Keras builds the float32 bank in float32 arithmetic, and narrow
    bands then differ from exact triangles by far more than float32 rounding of
    the weights, so the reference follows the same arithmetic per dtype.
    """
    dt = np.dtype(dtype)

    def hz_to_mel(f):
        return dt.type(1127.0) * np.log(dt.type(1.0) + np.asarray(f, dt) / dt.type(700.0))

    zero, nyquist = dt.type(0.0), dt.type(sampling_rate) / dt.type(2.0)
    bins = hz_to_mel(np.linspace(zero, nyquist, num_bins, dtype=dt))
    edges = np.linspace(
        hz_to_mel(dt.type(fmin)), hz_to_mel(dt.type(fmax)), num_mel_bins + 2, dtype=dt
    )
    lo, centre, hi = edges[:-2], edges[1:-1], edges[2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        up = (bins[:, None] - lo) / (centre - lo)
        down = (hi - bins[:, None]) / (hi - centre)
        w = np.nan_to_num(np.maximum(zero, np.minimum(up, down)), nan=0.0)
    w[0, :] = 0.0  # no DC
    return w.astype(np.float64)


def hz_mel_matrix(num_mel_bins, fft_length, sampling_rate, fmin, fmax, scale, norm):
    """Dense triangles linear in Hz between mel-spaced edges (librosa's
    construction), float64: rows are linear bins at k * sr / n, columns bands."""
    if scale == "htk":
        to_mel = lambda f: 2595.0 * np.log10(1.0 + np.asarray(f, float) / 700.0)  # noqa: E731
        to_hz = lambda m: 700.0 * (10.0 ** (np.asarray(m, float) / 2595.0) - 1.0)  # noqa: E731
    else:  # Slaney: 3 bands per 200 Hz up to 1 kHz, then 27 per factor 6.4
        step = np.log(6.4) / 27.0

        def to_mel(f):
            f = np.asarray(f, float)
            return np.where(
                f < 1000.0, 3.0 * f / 200.0, 15.0 + np.log(np.maximum(f, 1.0) / 1000.0) / step
            )

        def to_hz(m):
            m = np.asarray(m, float)
            return np.where(m < 15.0, 200.0 * m / 3.0, 1000.0 * np.exp(step * (m - 15.0)))

    edges = to_hz(np.linspace(to_mel(fmin), to_mel(fmax), num_mel_bins + 2))
    f = np.arange(fft_length // 2 + 1) * sampling_rate / fft_length
    lo, centre, hi = edges[:-2], edges[1:-1], edges[2:]
    w = np.maximum(
        0.0, np.minimum((f[:, None] - lo) / (centre - lo), (hi - f[:, None]) / (hi - centre))
    )
    if norm == "slaney":
        w = w * (2.0 / (hi - lo))
    return w


def mel_spectrogram(
    x,
    fft_length=2048,
    sequence_stride=512,
    sequence_length=None,
    window="hann",
    sampling_rate=16000,
    num_mel_bins=128,
    min_freq=20.0,
    max_freq=None,
    power_to_db=True,
    top_db=80.0,
    mag_exp=2.0,
    min_power=1e-10,
    ref_power=1.0,
    per_example=False,
    with_scale=False,
    filter_dtype=None,
    mel_scale="keras",
    norm=None,
    center=True,
    pad_mode="reflect",
    log_mode="db",
    log_offset=0.0,
    drop_last_frame=False,
):
    """(..., samples) -> (..., num_mel_bins, frames), computed in float64.

    The Keras filter bank is built in ``filter_dtype`` (default: the input's
    dtype if float32, else float64), as the layer under test builds it; the
    Hz-domain banks in float64.

    With ``with_scale``, also return the largest total spectral power of a
    frame, sum_k |X_k| ** mag_exp, in the output's units: no mel value exceeds
    it, and rounding noise in any implementation is relative to it, not to the
    mel output's own peak.
    """
    x = np.asarray(x)
    if filter_dtype is None:
        filter_dtype = np.float32 if x.dtype == np.float32 else np.float64
    x = x.astype(np.float64)
    n = fft_length
    sequence_length = sequence_length or n
    if mel_scale == "keras":
        max_freq = max_freq or int(sampling_rate / 2)
        bank = mel_matrix(num_mel_bins, n // 2 + 1, sampling_rate, min_freq, max_freq, filter_dtype)
    else:
        max_freq = max_freq or sampling_rate / 2
        bank = hz_mel_matrix(num_mel_bins, n, sampling_rate, min_freq, max_freq, mel_scale, norm)
    if center:
        pad = [(0, 0)] * (x.ndim - 1) + [(n // 2, n // 2)]
        x = np.pad(x, pad, mode=pad_mode)
    if x.shape[-1] >= n:
        frames = np.lib.stride_tricks.sliding_window_view(x, n, axis=-1)[..., ::sequence_stride, :]
    else:
        frames = np.zeros(x.shape[:-1] + (0, n))
    if drop_last_frame:
        frames = frames[..., :-1, :]
    spec = np.fft.rfft(frames * padded_window(window, sequence_length, n), axis=-1)
    s = np.abs(spec) ** mag_exp
    m = s @ bank
    scale = s.sum(axis=-1).max() if s.size else 0.0
    if power_to_db:
        log = {
            "db": lambda v: 10 * np.log10(v),
            "natural": np.log,
            "whisper": lambda v: np.log10(v) / 4,
        }[log_mode]
        after = 1.0 if log_mode == "whisper" else 0.0
        ref = log(max(abs(ref_power), min_power))
        m = log(np.maximum(m + log_offset, min_power)) - ref + after
        scale = log(max(scale + log_offset, min_power)) - ref + after
        if top_db is not None and m.size:
            floor = top_db * {"db": 1.0, "natural": np.log(10) / 10, "whisper": 1 / 40}[log_mode]
            if per_example:
                peak = m.max(axis=(-2, -1), keepdims=True)
            else:
                peak = m.max()
            m = np.maximum(m, peak - floor)
    m = np.swapaxes(m, -1, -2)
    return (m, scale) if with_scale else m


def to_db(y, log_mode):
    """A log_mode's output (or scale) converted to dB, for assert_mel_close."""
    if log_mode == "natural":
        return y * 10 / np.log(10)
    if log_mode == "whisper":
        return (np.asarray(y) - 1.0) * 40
    return y


def assert_mel_close(actual, expected, scale, *, dtype, power_to_db):
    """Compare with a tolerance scaled to the signal's spectral peak (SPEC.md).

    ``scale`` is the reference's largest frame power (``with_scale=True``), in
    the output's units. Power: |a - b| <= rtol * scale. dB: the same rule on
    10 ** (dB / 10); values within 40 dB of the scale also within 0.01 dB
    (float32) or 1e-8 dB (float64). NaN must match NaN.
    """
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    keep = ~np.isnan(b)
    a, b = a[keep], b[keep]
    single = np.dtype(dtype) == np.float32
    rtol = 1e-5 if single else 1e-11
    if power_to_db:
        pa, pb = 10 ** ((a - scale) / 10), 10 ** ((b - scale) / 10)
        np.testing.assert_array_less(np.abs(pa - pb), rtol)
        near = b > scale - 40
        np.testing.assert_array_less(np.abs(a - b)[near], 0.01 if single else 1e-8)
    else:
        np.testing.assert_array_less(np.abs(a - b), rtol * max(scale, 1e-300))


def check_against_reference(got, x, **layer_kwargs):
    """``got``, a layer's output for ``x``, against this reference computed with the
    same layer arguments: shape, dtype, and values by :func:`assert_mel_close`
    (log modes compared in dB). ``top_db_scope`` maps to ``per_example``."""
    kwargs = dict(layer_kwargs)
    kwargs["per_example"] = kwargs.pop("top_db_scope", "batch") == "example"
    x = np.asarray(x)
    want, scale = mel_spectrogram(x, with_scale=True, **kwargs)
    assert got.dtype == (np.float64 if x.dtype == np.float64 else np.float32)
    assert got.shape == want.shape
    power_to_db = kwargs.get("power_to_db", True)
    if power_to_db:
        mode = kwargs.get("log_mode", "db")
        got, want, scale = to_db(got, mode), to_db(want, mode), to_db(scale, mode)
    assert_mel_close(got, want, scale, dtype=x.dtype, power_to_db=power_to_db)
