"""fastmel.Deltas against the references' formulas: torchaudio's
compute_deltas and Kaldi's add-deltas written out here, and
scipy.signal.savgol_filter, which librosa.feature.delta calls (golden data of
the real packages: test_frames_golden.py)."""

import numpy as np
import pytest

import fastmel

signal = pytest.importorskip("scipy.signal")


def features(shape=(13, 200), seed=0, dtype=np.float32, frames_axis=-1):
    """Smooth features with a constant one (feature 2)."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.standard_normal(shape), axis=frames_axis) + rng.standard_normal(shape)
    np.moveaxis(x, frames_axis, -1)[..., 2, :] = -3.0
    return x.astype(dtype)


def torchaudio_deltas(x, win_length=5):
    """compute_deltas: replicate padding, sum k (x[t+k] - x[t-k]) / (2 sum k^2)."""
    n = (win_length - 1) // 2
    denom = n * (n + 1) * (2 * n + 1) / 3
    p = np.pad(x.astype(np.float64), [(0, 0)] * (x.ndim - 1) + [(n, n)], mode="edge")
    T = x.shape[-1]
    return (
        sum(k * (p[..., n + k : n + k + T] - p[..., n - k : n - k + T]) for k in range(1, n + 1))
        / denom
    )


def kaldi_deltas(x, order=2, window=2):
    """add-deltas on (frames, features): Kaldi's scales, built by convolving,
    applied with the frame index clamped to the signal."""
    scales = [np.ones(1)]
    for _ in range(order):
        prev = scales[-1]
        cur = np.zeros(prev.size + 2 * window)
        for j in range(-window, window + 1):
            for k in range(prev.size):
                cur[j + k + window] += j * prev[k]
        scales.append(cur / sum(j * j for j in range(-window, window + 1)))
    T = x.shape[0]
    out = [x.astype(np.float64)]
    for s in scales[1:]:
        half = (s.size - 1) // 2
        d = np.zeros(x.shape)
        for t in range(T):
            for j in range(-half, half + 1):
                d[t] += s[j + half] * x[min(max(t + j, 0), T - 1)]
        out.append(d)
    return np.concatenate(out, axis=1)


def close(got, want, dtype=np.float32):
    tol = 1e-12 if np.dtype(dtype) == np.float64 else 3e-6
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("win_length", [3, 5, 9])
def test_torchaudio_compute_deltas(win_length):
    x = features((2, 40, 77))
    d = fastmel.Deltas.from_preset("torchaudio", width=win_length)
    close(d(x), torchaudio_deltas(x, win_length))
    # compute_deltas twice is order 2, recursive
    d2 = fastmel.Deltas.from_preset("torchaudio", width=win_length, order=2)
    close(d2(x), torchaudio_deltas(torchaudio_deltas(x, win_length), win_length))


@pytest.mark.parametrize("frames", [1, 2, 3, 4, 9, 100])
@pytest.mark.parametrize("order, window", [(1, 2), (2, 2), (2, 1), (3, 3)])
def test_kaldi_add_deltas(order, window, frames):
    x = features((frames, 23), seed=frames, dtype=np.float64, frames_axis=0)
    d = fastmel.Deltas.from_preset("kaldi", order=order, width=2 * window + 1)
    close(d(x), kaldi_deltas(x, order, window), np.float64)


@pytest.mark.parametrize(
    "mode, edge",
    [
        ("interp", "interp"),
        ("nearest", "replicate"),
        ("mirror", "reflect"),
        ("constant", "constant"),
        ("wrap", "wrap"),
    ],
)
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("width", [3, 9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_librosa_delta_is_scipy_savgol(width, order, mode, edge, dtype):
    """librosa.feature.delta(x, width, order, mode) is savgol_filter(x, width,
    deriv=order, polyorder=order, mode=mode) along the frames."""
    x = features((13, 50), seed=width + order, dtype=dtype)
    want = signal.savgol_filter(x.astype(np.float64), width, order, deriv=order, mode=mode, axis=-1)
    got = fastmel.Deltas.from_preset("librosa", width=width, order=order, edge=edge)(x)
    assert got.dtype == dtype and got.shape == x.shape
    close(got, want, dtype)


def test_keep_all_layouts_lengths_and_threads():
    x = features((3, 40, 300), seed=5)
    d = fastmel.Deltas(order=2, width=9)
    full = d(x)
    assert full.shape == (3, 120, 300)
    np.testing.assert_array_equal(full[:, :40], x)
    # frames-major input gives the same numbers, transposed
    t = fastmel.Deltas(order=2, width=9, axis=-2)(np.swapaxes(x, 1, 2))
    close(np.swapaxes(t, 1, 2), full.astype(np.float64))
    for threads in (2, 3):
        np.testing.assert_array_equal(d(x, num_threads=threads), full)
    got = d(x, lengths=[300, 17, 0])
    np.testing.assert_array_equal(got[1, :, :17], d(x[1, :, :17]))
    assert np.all(got[1, :, 17:] == 0) and np.all(got[2] == 0)


def test_inputs_and_errors():
    d = fastmel.Deltas.from_preset("librosa")
    assert d(np.ones((4, 20), np.int16)).dtype == np.float32
    assert d(np.zeros((0, 5, 20), np.float32)).shape == (0, 5, 20)
    with pytest.raises(ValueError, match="at least 9 frames"):
        d(np.zeros((4, 8), np.float32))
    with pytest.raises(ValueError, match="at least 9 frames per signal.*got 3"):
        d(np.zeros((2, 4, 20), np.float32), lengths=[20, 3])
    with pytest.raises(TypeError, match="real numbers"):
        d(np.zeros((4, 20), complex))
    with pytest.raises(ValueError, match="a features and a frames axis"):
        d(np.zeros(20))
    for bad, err in [
        (dict(width=4), ValueError),
        (dict(width=1), ValueError),
        (dict(order=0), ValueError),
        (dict(order=9), ValueError),
        (dict(axis=0), ValueError),
        (dict(axis=True), ValueError),
        (dict(method="recursive", edge="interp"), ValueError),
        (dict(edge="nearest"), ValueError),
        (dict(order=2.0), TypeError),
    ]:
        with pytest.raises(err):
            fastmel.Deltas(**bad)
    with pytest.raises(ValueError, match="unknown preset"):
        fastmel.Deltas.from_preset("htk")


def test_pcen_api():
    rng = np.random.default_rng(3)
    S = np.exp(rng.uniform(-5, 12, (2, 3, 40, 120))).astype(np.float32)
    pcen = fastmel.PCEN(sampling_rate=16000, hop_length=160)
    whole, zf = pcen(S, return_zf=True)
    assert whole.shape == S.shape and zf.shape == (2, 3, 40, 1) and zf.dtype == np.float64
    # frames-major input: the same numbers, transposed
    fm = fastmel.PCEN(sampling_rate=16000, hop_length=160, axis=-2)
    np.testing.assert_array_equal(np.swapaxes(fm(np.swapaxes(S, -1, -2)), -1, -2), whole)
    # a scalar zi is every feature's; the default is 1 - b
    np.testing.assert_array_equal(pcen(S, zi=1 - pcen.smoothing), whole)
    # lengths: each signal alone, 0 after it
    got = pcen(S, lengths=[[120, 7, 0], [1, 120, 60]])
    np.testing.assert_array_equal(got[0, 1, :, :7], pcen(S[0, 1, :, :7]))
    assert np.all(got[0, 1, :, 7:] == 0) and np.all(got[0, 2] == 0)
    # 0.4 s at 100 frames a second is T = 40 frames: b = (sqrt(1 + 4 T^2) - 1) / (2 T^2)
    assert abs(pcen.smoothing - 0.02468945) < 1e-8
    assert fastmel.PCEN(b=0.5).smoothing == 0.5
    with pytest.raises(ValueError, match="does not broadcast"):
        pcen(S, zi=np.zeros((2, 3, 41, 1)))
    for bad in (
        dict(b=0.0),
        dict(b=1.5),
        dict(eps=0.0),
        dict(gain=-1),
        dict(axis=0),
        dict(hop_length=0),
        dict(time_constant=0),
    ):
        with pytest.raises(ValueError):
            fastmel.PCEN(**bad)


def test_sliding_cmvn_api():
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.standard_normal((3, 200, 40)), axis=1).astype(np.float32)
    cmvn = fastmel.SlidingCMVN(cmn_window=50, min_cmn_window=10)
    got = cmvn(x)
    assert got.shape == x.shape and got.dtype == np.float32
    # bands-major input: the same numbers, transposed
    t = fastmel.SlidingCMVN(cmn_window=50, min_cmn_window=10, axis=-1)(np.swapaxes(x, 1, 2))
    np.testing.assert_array_equal(np.swapaxes(t, 1, 2), got)
    # a long window: each frame against the mean of everything up to it (and min_window ahead)
    whole = fastmel.SlidingCMVN(cmn_window=10_000, min_cmn_window=0)(x[0].astype(np.float64))
    np.testing.assert_allclose(whole[-1], x[0, -1] - x[0].mean(axis=0), atol=1e-5)
    lens = cmvn(x, lengths=[200, 30, 0])
    np.testing.assert_array_equal(lens[1, :30], cmvn(x[1, :30]))
    assert np.all(lens[1, 30:] == 0) and np.all(lens[2] == 0)
    for bad, err in [
        (dict(cmn_window=0), ValueError),
        (dict(min_cmn_window=-1), ValueError),
        (dict(center="yes"), TypeError),
        (dict(axis=1), ValueError),
    ]:
        with pytest.raises(err):
            fastmel.SlidingCMVN(**bad)


def funasr_lfr(feats, m=7, n=6):
    """FunASR's apply_lfr, written out: (m - 1) // 2 copies of frame 0 before
    the frames, windows of m frames every n, the last frame repeated to fill
    the last window; ceil(T / n) windows, each flattened frame after frame."""
    T = feats.shape[0]
    out_frames = -(-T // n)
    left = (m - 1) // 2
    padded = np.concatenate([np.repeat(feats[:1], left, axis=0), feats])
    need = (out_frames - 1) * n + m
    if padded.shape[0] < need:
        padded = np.concatenate([padded, np.repeat(feats[-1:], need - padded.shape[0], axis=0)])
    return np.stack([padded[i * n : i * n + m].reshape(-1) for i in range(out_frames)])


@pytest.mark.parametrize("frames", [1, 5, 6, 7, 12, 13, 98, 1000])
def test_stack_frames_is_funasr_lfr(frames):
    feats = features((frames, 80), seed=frames, frames_axis=0)
    got = fastmel.StackFrames()(feats)
    np.testing.assert_array_equal(got, funasr_lfr(feats))
    batch = np.stack([feats, feats * 2])
    out, counts = fastmel.StackFrames()(batch, lengths=[frames, max(1, frames // 2)])
    np.testing.assert_array_equal(out[0], funasr_lfr(feats))
    half = max(1, frames // 2)
    np.testing.assert_array_equal(out[1, : counts[1]], funasr_lfr(feats[:half] * 2))
    assert counts.tolist() == [-(-frames // 6), -(-half // 6)] and np.all(out[1, counts[1] :] == 0)
    # bands-major: the same numbers, transposed
    t = fastmel.StackFrames(axis=-1)(np.ascontiguousarray(feats.T))
    np.testing.assert_array_equal(t.T, got)
    with pytest.raises(ValueError):
        fastmel.StackFrames(step=0)


def test_pcen_time_constants_past_the_floats():
    """librosa's smoothing formula squares the time constant in frames: past
    1e154 that overflowed (an OverflowError from the constructor, found by
    tests/fuzz/fuzz_stages.py); the same value comes without the square, and a
    constant whose coefficient is 0 (infinite frames) is a ValueError."""
    pcen = fastmel.PCEN(time_constant=1e160, sampling_rate=1e100, hop_length=1)
    assert pcen.smoothing == pytest.approx(1e-260, rel=1e-12)
    assert pcen(np.ones((3, 5))).shape == (3, 5)
    assert fastmel.PCEN(time_constant=1e3).smoothing == pytest.approx(
        (np.sqrt(1 + 4 * (1e3 * 22050 / 512) ** 2) - 1) / (2 * (1e3 * 22050 / 512) ** 2), rel=1e-15
    )
    with pytest.raises(ValueError, match="`time_constant`.*too long"):
        fastmel.PCEN(time_constant=1e300, sampling_rate=1e10)
