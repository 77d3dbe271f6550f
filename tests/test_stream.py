"""Streaming: pushed chunks give the whole signal's frames."""

import gc
import signal

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
    scope=st.sampled_from(["batch", "example", "channels"]),
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
    # (batch, channels, samples), each channel at its own level.
    gains = np.array([1.0, 1e-3, 0.1])[:, None]
    x = (rng.standard_normal((2, 3, n)) * gains * np.logspace(-3, 0, n)).astype(np.float32)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
    got = _streamed(layer, x, cuts)
    whole = layer(x)
    unfloored = fastmel.MelSpectrogram.from_config(dict(layer.get_config(), top_db=None))(x)
    axes = {"batch": None, "example": (-2, -1), "channels": (-3, -2, -1)}[scope]
    peak = unfloored.max(axis=axes, keepdims=scope != "batch")
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
    assert stream._st.buf.shape[1] <= 4 * 512 + 4096


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


# -- faults --------------------------------------------------------------------------


class Injected(Exception):
    pass


def _inject_at_line(k):
    """A tracer that raises Injected at the k-th line executed in Python code.

    Except at a ``with`` statement's line: when a block ends, CPython reports
    that line again before it calls ``__exit__``, outside the block's
    exception handler, so an exception raised by a tracer there skips
    ``__exit__`` (any context manager, a ``threading.Lock`` too). Signals
    are not handled at line events but at calls and backward jumps, where
    ``__exit__`` always runs."""
    import linecache

    seen = [0]

    def local(frame, event, arg):
        code = frame.f_code
        line = linecache.getline(code.co_filename, frame.f_lineno).strip()
        if event == "line" and not line.startswith("with "):
            seen[0] += 1
            if seen[0] == k:
                raise Injected
        return local

    def tracer(frame, event, arg):
        return local

    return tracer, seen


@pytest.mark.parametrize("top_db", [None, 30.0])
def test_push_is_all_or_nothing_wherever_an_exception_lands(top_db):
    """An exception at any line inside push/flush (as a signal handler's would
    be) leaves the stream as before: pushing the chunk again gives the frames
    of an uninterrupted stream, nothing lost or doubled."""
    import sys

    layer = fastmel.MelSpectrogram(
        fft_length=64, sequence_stride=24, num_mel_bins=6, top_db=top_db, pad_mode="constant"
    )
    x = np.random.default_rng(7).standard_normal((2, 400)).astype(np.float32)
    chunks = np.split(x, [5, 50, 51, 200], axis=-1)
    steps = [("push", c) for c in chunks] + [("flush", None)]

    def run(stream, step):
        name, c = step
        return stream.push(c) if name == "push" else stream.flush()

    clean = layer.stream()
    want = [run(clean, step) for step in steps]
    interrupted = 0
    for i, step in enumerate(steps):
        for k in range(1, 400):
            stream = layer.stream()
            for earlier in steps[:i]:
                run(stream, earlier)
            tracer, seen = _inject_at_line(k)
            sys.settrace(tracer)
            try:
                got = run(stream, step)
            except Injected:
                interrupted += 1
                got = run(stream, step)  # not taken: again
            finally:
                sys.settrace(None)
            np.testing.assert_array_equal(got, want[i])
            rest = [run(stream, later) for later in steps[i + 1 :]]
            for a, b in zip(rest, want[i + 1 :], strict=True):
                np.testing.assert_array_equal(a, b)
            if seen[0] < k:  # the call ran fewer lines than k: next step
                break
    assert interrupted > 100


def test_stream_used_by_two_callers_at_once_raises_and_recovers():
    import dataclasses

    layer = fastmel.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=4)
    stream = layer.stream()
    x = np.random.default_rng(8).standard_normal(500).astype(np.float32)
    inner = {}
    real_plan = stream._spec.plan

    def plan(dt, left):
        # Re-entered from inside a push, as a signal handler or a second thread would.
        if "error" not in inner:
            with pytest.raises(RuntimeError, match="two callers") as e:
                stream.push(x[:10])
            inner["error"] = e
        return real_plan(dt, left)

    stream._spec = dataclasses.replace(stream._spec, plan=plan)
    got = np.concatenate([stream.push(x), stream.flush()], axis=-1)
    assert "error" in inner
    np.testing.assert_array_equal(got, layer(x))  # the outer call was not disturbed
    stream.reset()  # and the stream is free again


def test_stream_copy_and_pickle_are_independent():
    import copy
    import pickle

    layer = fastmel.MelSpectrogram(fft_length=128, sequence_stride=40, num_mel_bins=8, top_db=20.0)
    x = np.random.default_rng(9).standard_normal((2, 3000)).astype(np.float32)
    a = layer.stream()
    head = a.push(x[:, :1000])
    clones = [copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))]
    # The original goes on with other samples: the clones do not see them.
    a.push(np.zeros((2, 2000), np.float32))
    want = layer.stream()
    want.push(x[:, :1000])
    tail_want = np.concatenate([want.push(x[:, 1000:]), want.flush()], axis=-1)
    for clone in clones:
        tail = np.concatenate([clone.push(x[:, 1000:]), clone.flush()], axis=-1)
        np.testing.assert_array_equal(tail, tail_want)
    assert head.shape[-1] > 0


@pytest.mark.parametrize("scope", ["batch", "example", "channels"])
def test_stream_with_zero_rows(scope):
    layer = fastmel.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=4, top_db_scope=scope
    )
    stream = layer.stream()
    parts = [stream.push(np.zeros((0, 3, 100), np.float32)), stream.flush()]
    assert np.concatenate(parts, axis=-1).shape == layer(np.zeros((0, 3, 100), np.float32)).shape


class _Interrupt(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
def test_pushes_interrupted_anywhere_lose_nothing_with_the_counts():
    """A signal handler that raises can interrupt a push anywhere, even after it
    took its chunk and before it returned. samples_pushed and frames_emitted,
    committed together, say which: unchanged, push the chunk again; advanced,
    its frames are last_output. Following that rule, every stream equals the
    whole call, under timer signals at random points (it lost or doubled
    frames in 6-11 of 150 streams before the counts).

    The collector is off while the timer runs: a signal handler that raises
    inside a gc callback (hypothesis installs one) has its exception swallowed
    as unraisable instead of reaching the push, which is not the case tested."""
    layer = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=64, num_mel_bins=16, power_to_db=False
    )
    rng = np.random.default_rng(21)
    armed = [False]
    hits = [0]

    def handler(signum, frame):
        if armed[0]:  # at most once per push
            armed[0] = False
            hits[0] += 1
            raise _Interrupt

    previous = signal.signal(signal.SIGALRM, handler)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(60):
            x = rng.standard_normal(int(rng.integers(2000, 9000))).astype(np.float32)
            cuts = np.sort(rng.integers(0, x.size, 12))
            chunks = [x[a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, x.size], strict=True)]
            stream, parts, i = layer.stream(), [], 0
            while i <= len(chunks):
                before = (stream.samples_pushed, stream.frames_emitted)
                signal.setitimer(signal.ITIMER_REAL, float(rng.uniform(1e-6, 2e-4)))
                try:
                    armed[0] = True
                    out = stream.push(chunks[i]) if i < len(chunks) else stream.flush()
                    armed[0] = False
                except _Interrupt:
                    if (stream.samples_pushed, stream.frames_emitted) == before:
                        continue  # not taken: again
                    out = stream.last_output  # taken: its frames
                finally:
                    armed[0] = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
                assert out.shape[-1] == stream.frames_emitted - before[1]
                parts.append(out)
                i += 1
            np.testing.assert_array_equal(np.concatenate(parts, axis=-1), layer(x))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if collecting:
            gc.enable()
    assert hits[0] > 0  # the timer did interrupt pushes
