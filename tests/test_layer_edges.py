"""Hard inputs against the reference: non-finite samples, tiny and huge FFTs, empty bands."""

import numpy as np
import pytest
from reference import check_against_reference

import fastmel

CFG = dict(fft_length=256, sequence_stride=64, num_mel_bins=20)


def _touched_frames(j, n_frames, fft_length=256, hop=64):
    """Frames whose periodic-Hann window (non-zero part) covers sample j (no reflection)."""
    pad = fft_length // 2
    return [t for t in range(n_frames) if t * hop + 1 <= j + pad < t * hop + fft_length]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_finite_sample_spoils_only_its_frames(bad, dtype):
    rng = np.random.default_rng(0)
    clean = rng.standard_normal((2, 4000)).astype(dtype)
    x = clean.copy()
    x[1, 2000] = bad
    power = fastmel.MelSpectrogram(**CFG, power_to_db=False)
    got, ref = power(x), power(clean)
    touched = _touched_frames(2000, got.shape[-1])
    assert touched
    assert not np.isfinite(got[1][:, touched]).all(axis=0).any()  # every touched frame is bad
    untouched = [t for t in range(got.shape[-1]) if t not in touched]
    np.testing.assert_array_equal(got[1][:, untouched], ref[1][:, untouched])
    np.testing.assert_array_equal(got[0], ref[0])  # the other example is untouched


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_db_floor_ignores_non_finite_values(bad):
    x = np.random.default_rng(1).standard_normal((2, 4000)).astype(np.float32)
    x[0, :1000] *= 1e-6  # quiet: must be floored
    x[1, 2000] = bad
    got = fastmel.MelSpectrogram(**CFG, top_db=40.0)(x)
    finite = got[np.isfinite(got)]
    assert finite.size > 0.9 * got.size
    assert finite.min() == np.float32(finite.max()) - np.float32(40.0)


@pytest.mark.parametrize("fft_length", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiny_fft_lengths(fft_length, dtype):
    cfg = dict(fft_length=fft_length, sequence_stride=1, num_mel_bins=3, min_freq=0.0, window=None)
    x = np.random.default_rng(2).standard_normal((2, 50)).astype(dtype)
    got = fastmel.MelSpectrogram(**cfg)(x)
    check_against_reference(got, x, **cfg)


def test_very_long_fft():
    # A 2**22-point FFT (scratch far beyond the per-thread block kept between
    # calls) on a 3000-sample signal reflected hundreds of times. 8 bands keep
    # the reference's dense (2**21 + 1) x bands bank cheap (64 took 5.6 s).
    cfg = dict(fft_length=2**22, sequence_stride=2**21, num_mel_bins=8)
    layer = fastmel.MelSpectrogram(**cfg)
    x = np.random.default_rng(3).standard_normal(3000).astype(np.float32)
    got = layer(x)
    assert got.shape == (8, 1)
    check_against_reference(got, x, **cfg)


def test_more_bands_than_bins_gives_defined_output():
    layer = fastmel.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=200)
    y = layer(np.random.default_rng(4).standard_normal(1000))
    assert np.isfinite(y).all()
    empty = ~fastmel.linear_to_mel_weight_matrix(200, 33, 16000, 20.0, 8000).any(axis=0)
    assert empty.any()
    floor = 10 * np.log10(1e-10)
    assert np.all(y[empty] == np.maximum(floor, y.max() - 80.0))
