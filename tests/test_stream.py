"""Streaming: pushed chunks give the whole signal's frames."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fastmel

# Output units per 10 dB of each log mode (SPEC: top_db in dB).
LOG_SCALE = {"db": 10.0, "natural": float(np.log(10.0)), "whisper": 0.25}


def _streamed(layer, x, cuts):
    stream = layer.stream()
    parts = [stream.push(c) for c in np.split(x, cuts, axis=-1)]
    parts.append(stream.flush())
    for p in parts:
        assert p.shape[:-1] == x.shape[:-1] + (layer.num_mel_bins,)
    return np.concatenate(parts, axis=-1)


@given(
    n=st.integers(1, 2500),
    fft=st.sampled_from([1, 2, 15, 64, 255, 400, 512]),
    hop=st.integers(1, 700),
    center=st.booleans(),
    pad_mode=st.sampled_from(["reflect", "constant", "symmetric"]),
    drop=st.booleans(),
    mode=st.sampled_from(["power", "db", "natural", "whisper"]),
    scale=st.sampled_from(["keras", "slaney"]),
    lead=st.sampled_from([(), (1,), (3,), (2, 2)]),
    dtype=st.sampled_from([np.float32, np.float64]),
    short_window=st.booleans(),
    data=st.data(),
)
def test_stream_equals_whole_without_floor(
    n, fft, hop, center, pad_mode, drop, mode, scale, lead, dtype, short_window, data
):
    """Bit-identical for any chunking (power, and log modes without a floor)."""
    layer = fastmel.MelSpectrogram(
        fft_length=fft,
        sequence_length=max(1, 2 * fft // 3) if short_window else None,
        sequence_stride=hop,
        num_mel_bins=6,
        sampling_rate=8000,
        min_freq=0.0,
        center=center,
        pad_mode=pad_mode,
        drop_last_frame=drop,
        mel_scale=scale,
        power_to_db=mode != "power",
        log_mode="db" if mode == "power" else mode,
        top_db=None,
    )
    seed = data.draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).standard_normal(lead + (n,)).astype(dtype)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=8)))
    got = _streamed(layer, x, cuts)
    whole = layer(x)
    assert got.dtype == whole.dtype == dtype
    assert got.shape == whole.shape
    np.testing.assert_array_equal(got, whole)


@given(
    n=st.integers(1, 6000),
    scope=st.sampled_from(["batch", "example"]),
    mode=st.sampled_from(["db", "natural", "whisper"]),
    top_db=st.sampled_from([0.0, 20.0, 80.0]),
    data=st.data(),
)
def test_stream_floor_is_a_running_maximum(n, scope, mode, top_db, data):
    """Streamed frames are floored against the maximum so far: raising them to
    the whole signal's final floor gives the whole signal's result exactly."""
    layer = fastmel.MelSpectrogram(
        fft_length=256,
        sequence_stride=100,
        num_mel_bins=12,
        min_freq=0.0,
        log_mode=mode,
        top_db=top_db,
        top_db_scope=scope,
    )
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    # A crescendo, so that later frames raise the maximum.
    x = (rng.standard_normal((2, n)) * np.logspace(-3, 0, n)).astype(np.float32)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
    got = _streamed(layer, x, cuts)
    whole = layer(x)
    unfloored = fastmel.MelSpectrogram.from_config(dict(layer.get_config(), top_db=None))(x)
    axes = (-2, -1) if scope == "example" else None
    peak = unfloored.max(axis=axes, keepdims=scope == "example")
    thr = peak.astype(np.float32) - np.float32(top_db * LOG_SCALE[mode] / 10)
    np.testing.assert_array_equal(np.maximum(got, thr), whole)
    assert np.all(got <= whole)


def test_stream_sample_by_sample():
    layer = fastmel.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=8, power_to_db=False
    )
    x = np.random.default_rng(1).standard_normal(300).astype(np.float32)
    np.testing.assert_array_equal(_streamed(layer, x, list(range(1, 300))), layer(x))


def test_stream_presets():
    rng = np.random.default_rng(2)
    for name in ("librosa", "torchaudio", "whisper"):
        layer = fastmel.MelSpectrogram.from_preset(name, top_db=None)
        x = rng.standard_normal(10000).astype(np.float32)
        np.testing.assert_array_equal(_streamed(layer, x, [1, 333, 4000, 4001, 9999]), layer(x))


def test_stream_first_frames_arrive_early():
    layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160, num_mel_bins=40)
    stream = layer.stream()
    # Frame t covers signal samples 160 t - 256 .. 160 t + 255; frame 0 also
    # needs sample 256, the first one its left reflection mirrors.
    assert stream.push(np.zeros(256, np.float32)).shape == (40, 0)
    assert stream.push(np.zeros(1, np.float32)).shape == (40, 1)
    assert stream.push(np.zeros(158, np.float32)).shape == (40, 0)
    assert stream.push(np.zeros(1, np.float32)).shape == (40, 1)  # 416 samples: frame 1
    constant = fastmel.MelSpectrogram(
        fft_length=512, sequence_stride=160, num_mel_bins=40, pad_mode="constant"
    ).stream()
    assert constant.push(np.zeros(256, np.float32)).shape == (40, 1)


def test_stream_state_is_bounded():
    layer = fastmel.MelSpectrogram(
        fft_length=512, sequence_stride=160, num_mel_bins=40, power_to_db=False
    )
    stream = layer.stream()
    rng = np.random.default_rng(3)
    for _ in range(2000):
        stream.push(rng.standard_normal(int(rng.integers(0, 400))).astype(np.float32))
    # Buffer capacity: a few fft_lengths plus the largest chunk, never the history.
    assert stream._buf.shape[1] <= 4 * 512 + 4096


def test_stream_float64_and_nan():
    layer = fastmel.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=4)
    x = np.random.default_rng(4).standard_normal(1000)
    x[500] = np.nan
    got = _streamed(layer, x, [100, 700])
    assert got.dtype == np.float64
    whole = layer(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(whole))
    finite_floor = (
        np.nanmax(fastmel.MelSpectrogram.from_config(dict(layer.get_config(), top_db=None))(x))
        - 80.0
    )
    np.testing.assert_array_equal(np.maximum(got, finite_floor), whole)


def test_stream_errors_and_reset():
    layer = fastmel.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=4)
    stream = layer.stream()
    assert stream.flush().shape == (4, 0)  # nothing pushed
    with pytest.raises(RuntimeError, match="reset"):
        stream.push(np.zeros(10))
    with pytest.raises(RuntimeError, match="reset"):
        stream.flush()
    stream.reset()
    stream.push(np.zeros((2, 10), np.float32))
    with pytest.raises(ValueError, match="leading shape"):
        stream.push(np.zeros((3, 10), np.float32))
    with pytest.raises(TypeError):
        stream.push(np.zeros((2, 10), complex))
    with pytest.raises(TypeError):
        stream.push(np.zeros((2, 0), complex))  # also when empty
    with pytest.raises(ValueError, match="shape"):
        layer.stream().push(np.float32(1.0))
    stream.reset()
    x = np.ones(100, np.float32)
    np.testing.assert_array_equal(np.concatenate([stream.push(x), stream.flush()], -1), layer(x))


def test_streams_share_a_layer_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    layer = fastmel.MelSpectrogram(fft_length=256, sequence_stride=64, num_mel_bins=16, top_db=None)
    signals = np.random.default_rng(5).standard_normal((8, 5000)).astype(np.float32)

    def run(i):
        return _streamed(layer, signals[i], list(range(0, 5000, 97 + i)))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(8)))
    for i, got in enumerate(results):
        np.testing.assert_array_equal(got, layer(signals[i]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, ">f8", ">f4", np.int16])
def test_stream_dtype_follows_the_call_even_from_an_empty_first_chunk(dtype):
    layer = fastmel.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=4, power_to_db=False
    )
    x = (np.random.default_rng(6).standard_normal(300) * 100).astype(dtype)
    got = _streamed(layer, x, [0, 0, 150])
    whole = layer(x)
    assert got.dtype == whole.dtype
    np.testing.assert_array_equal(got, whole)
