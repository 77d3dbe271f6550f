"""MelSpectrogram against the NumPy reference: parametrised edges, hypothesis, every kernel."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import assert_mel_close, check_against_reference, mel_spectrogram

import fastmel


@pytest.mark.parametrize("kernel", fastmel.available_kernels())
def test_each_compiled_kernel_matches_reference(kernel):

    cfg = dict(fft_length=400, sequence_stride=160, num_mel_bins=80)
    layer = fastmel.MelSpectrogram(**cfg, kernel=kernel)
    assert layer._plans[np.dtype(np.float32)].isa.startswith(
        {"baseline": "baseline", "avx2": "avx2"}[kernel]
    )
    for dtype in (np.float32, np.float64):
        x = np.random.default_rng(5).standard_normal((3, 5000)).astype(dtype)
        check_against_reference(layer(x), x, **cfg)


CONFIGS = {
    "keras_default": dict(),
    "speech": dict(fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=80),
    "whisper": dict(fft_length=400, sequence_stride=160, num_mel_bins=80),
    "odd": dict(
        fft_length=255, sequence_length=200, sequence_stride=77, num_mel_bins=24, window="hamming"
    ),
    "tiny": dict(fft_length=8, sequence_stride=3, num_mel_bins=2, sampling_rate=8000, min_freq=0.0),
    "stride_big": dict(fft_length=64, sequence_stride=100, num_mel_bins=8, window=None),
}


def _edge_lengths(cfg):
    n = cfg.get("fft_length", 2048)
    hop = cfg.get("sequence_stride", 512)
    lengths = {
        1,
        2,
        3,
        max(1, n // 2 - 1),
        n // 2,
        n // 2 + 1,
        n - 1,
        n,
        n + 1,
        hop - 1,
        hop,
        hop + 1,
        2 * hop + 1,
        3 * n + 7,
    }
    return sorted(v for v in lengths if v >= 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_edge_lengths(name, dtype):
    cfg = CONFIGS[name]
    layer = fastmel.MelSpectrogram(**cfg)
    rng = np.random.default_rng(len(name))
    for n in _edge_lengths(cfg):
        x = rng.standard_normal((2, n)).astype(dtype)
        got = layer(x)
        assert got.dtype == dtype
        assert got.shape == layer.compute_output_shape(x.shape)
        check_against_reference(got, x, **cfg)


@pytest.mark.parametrize("power_to_db", [True, False])
@pytest.mark.parametrize("mag_exp", [1.0, 2.0, 0.5, 3.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_magnitude_exponents(mag_exp, power_to_db, dtype):
    cfg = dict(
        fft_length=256,
        sequence_stride=100,
        num_mel_bins=30,
        mag_exp=mag_exp,
        power_to_db=power_to_db,
    )
    x = np.random.default_rng(1).standard_normal((3, 2000)).astype(dtype)
    got = fastmel.MelSpectrogram(**cfg)(x)
    check_against_reference(got, x, **cfg)


def test_float64_is_computed_in_float64():
    """Errors of a float32 pipeline would be ~1e-7; float64 must be ~1e-15."""
    cfg = dict(fft_length=512, sequence_stride=128, num_mel_bins=64, power_to_db=False)
    x = np.random.default_rng(2).standard_normal(5000)
    got = fastmel.MelSpectrogram(**cfg)(x)
    ref = mel_spectrogram(x, **cfg)
    assert np.abs(got - ref).max() <= 1e-12 * np.abs(ref).max()


def test_top_db_none_and_floor():
    x = np.random.default_rng(3).standard_normal(4000).astype(np.float32)
    x[:2000] *= 1e-6  # a quiet half: far below the 80 dB floor
    floored = fastmel.MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=20)(x)
    free = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=128, num_mel_bins=20, top_db=None
    )(x)
    assert floored.min() == pytest.approx(floored.max() - 80.0, abs=1e-4)
    assert free.min() < floored.min() - 20
    check_against_reference(
        free, x, fft_length=256, sequence_stride=128, num_mel_bins=20, top_db=None
    )


def test_top_db_is_over_the_whole_batch():
    """Keras parity: one loud example sets the floor for the whole batch."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3000)).astype(np.float32)
    x[1] *= 1e-3  # 60 dB quieter
    layer = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=128, num_mel_bins=20, top_db=30.0
    )
    batch = layer(x)
    alone = layer(x[1])
    assert batch[1].min() == pytest.approx(batch.max() - 30.0, abs=1e-4)
    assert not np.array_equal(batch[1], alone)


signal_lengths = st.integers(min_value=1, max_value=3000)


@st.composite
def configs(draw):
    fft_length = draw(st.integers(min_value=1, max_value=600))
    sequence_length = draw(st.integers(min_value=1, max_value=fft_length))
    rate = draw(st.sampled_from([8000, 16000, 22050, 44100]))
    min_freq = draw(st.floats(min_value=0.0, max_value=rate / 4))
    max_freq = draw(st.floats(min_value=min_freq + 50.0, max_value=rate / 2))
    window = draw(st.sampled_from(["hann", "hamming", None]))
    if window is not None and sequence_length < 2 and fft_length > 1:
        window = None  # a 1-sample periodic Hann window is all zeros
    return dict(
        fft_length=fft_length,
        sequence_length=sequence_length,
        sequence_stride=draw(st.integers(min_value=1, max_value=700)),
        window=window,
        sampling_rate=rate,
        num_mel_bins=draw(st.integers(min_value=1, max_value=64)),
        min_freq=min_freq,
        max_freq=max_freq,
        power_to_db=draw(st.booleans()),
        top_db=draw(st.one_of(st.none(), st.floats(min_value=0.0, max_value=120.0))),
        mag_exp=draw(st.sampled_from([1.0, 2.0, 1.5])),
        ref_power=draw(st.floats(min_value=1e-3, max_value=1e3)),
    )


@given(
    cfg=configs(),
    n=signal_lengths,
    rows=st.integers(1, 3),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_property_matches_reference(cfg, n, rows, dtype, seed, scale):
    x = (scale * np.random.default_rng(seed).standard_normal((rows, n))).astype(dtype)
    got = fastmel.MelSpectrogram(**cfg)(x)
    check_against_reference(got, x, **cfg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_db_is_ten_log10_of_power(dtype):
    """The core's vectorised log: dB output == 10 log10(power output) over 180 dB."""
    rng = np.random.default_rng(6)
    x = (rng.standard_normal((4, 50_000)) * np.logspace(-4, 4, 50_000)).astype(dtype)
    kw = dict(fft_length=512, sequence_stride=97, num_mel_bins=80, top_db=None, min_power=1e-30)
    power = fastmel.MelSpectrogram(**kw, power_to_db=False)(x).astype(np.float64)
    db = fastmel.MelSpectrogram(**kw)(x).astype(np.float64)
    expected = 10 * np.log10(np.maximum(power, 1e-30))
    assert expected.max() - expected.min() > 180
    tol = 2e-5 if dtype == np.float32 else 1e-12
    assert np.abs(db - expected).max() < tol


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_floor_reaches_every_quiet_stretch(dtype):
    """Silent stretches at arbitrary offsets (partial SIMD groups, row edges) are floored."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 20_000))
    for row, (a, b) in enumerate([(0, 700), (5_123, 9_001), (18_500, 20_000)]):
        x[row, a:b] *= 1e-7
    x = x.astype(dtype)
    cfg = dict(fft_length=256, sequence_stride=37, num_mel_bins=24, top_db=60.0)
    got = fastmel.MelSpectrogram(**cfg)(x)
    expected, scale = mel_spectrogram(x, **cfg, with_scale=True)
    assert (expected == expected.min()).sum() > 100  # the floor is really hit
    assert_mel_close(got, expected, scale, dtype=dtype, power_to_db=True)
    floor = got.max() - dtype(60.0)
    assert got.min() == floor
