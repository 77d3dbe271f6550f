"""Streams of the stages along frames (fastmel.FramesStream) and of chains
(fastmel.Chain, fastmel.ChainStream): the pieces equal the whole call bit for
bit, for every cutting; the protocol (pickle, copy, config) of chains."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastmel
import fastmel.kaldi

STAGES = {
    "deltas_kaldi": lambda: fastmel.Deltas.from_preset("kaldi"),
    "deltas_librosa_interp": lambda: fastmel.Deltas.from_preset("librosa"),
    "deltas_librosa_order2": lambda: fastmel.Deltas.from_preset("librosa", order=2),
    "deltas_torchaudio_order3": lambda: fastmel.Deltas.from_preset("torchaudio", order=3),
    "deltas_reflect_frames_major": lambda: fastmel.Deltas(width=9, edge="reflect", axis=-2),
    "deltas_symmetric_last": lambda: fastmel.Deltas(order=3, edge="symmetric", keep="last"),
    "deltas_constant_interp_regression": lambda: fastmel.Deltas(order=2, edge="interp"),
    "deltas_constant": lambda: fastmel.Deltas(order=1, width=3, edge="constant", axis=-2),
    "stack_funasr": lambda: fastmel.StackFrames(),
    "stack_pairs": lambda: fastmel.StackFrames(2, 2, 0, axis=-1),
    "stack_left_past_step": lambda: fastmel.StackFrames(3, 2, 7),
    "stack_one": lambda: fastmel.StackFrames(1, 1),
    "cmvn_kaldi_small": lambda: fastmel.SlidingCMVN(cmn_window=30, min_cmn_window=10),
    "cmvn_center_vars_bands_major": lambda: fastmel.SlidingCMVN(
        cmn_window=21, center=True, norm_vars=True, axis=-1
    ),
    "cmvn_min_past_window": lambda: fastmel.SlidingCMVN(cmn_window=3, min_cmn_window=50),
    "pcen_default": lambda: fastmel.PCEN(),
    "pcen_log_frames_major": lambda: fastmel.PCEN(power=0.0, axis=-2),
}


def _frames(stage, rng, n, dtype=np.float32):
    """Two signals of n frames of 13 features at levels 1e-3 to 1e3, in the stage's layout."""
    x = np.abs(rng.standard_normal((2, n, 13))) * 10.0 ** rng.uniform(-3, 3, 13)
    if stage.axis == -1:
        x = np.swapaxes(x, -1, -2)
    return np.ascontiguousarray(x, dtype=dtype)


def _streamed(stream, x, axis, cuts, out_axis=None):
    n = x.shape[axis]
    edges = [0, *sorted(cuts), n]
    parts = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        piece = np.take(x, np.arange(a, b), axis=axis)
        parts.append(stream.push(piece))
    parts.append(stream.flush())
    return np.concatenate(parts, axis=axis if out_axis is None else out_axis), parts


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(STAGES))
def test_stage_streams_equal_the_whole_call(name, dtype):
    """Any cutting, down to frame by frame, for signals of 1 to 120 frames."""
    stage = STAGES[name]()
    rng = np.random.default_rng(sum(map(ord, name)))
    for n in (1, 2, 3, 7, 9, 10, 17, 40, 120):
        if getattr(stage, "edge", None) == "interp" and n < 2 * stage._reach() + 1:
            continue
        x = _frames(stage, rng, n, dtype)
        want = stage(x)
        for cuts in ([], [0, 0], [n // 2], list(range(1, n)), rng.integers(0, n + 1, 4).tolist()):
            got, parts = _streamed(stage.stream(), x, stage.axis, cuts)
            assert got.dtype == want.dtype
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def test_outputs_arrive_as_soon_as_their_frames_have():
    x = np.random.default_rng(0).standard_normal((50, 13))
    deltas = fastmel.Deltas.from_preset("kaldi").stream()  # reach 4
    assert deltas.push(x[:4]).shape == (0, 39)
    assert deltas.push(x[4:5]).shape == (1, 39)
    assert deltas.push(x[5:20]).shape == (15, 39)
    assert deltas.flush().shape == (4, 39)
    stack = fastmel.StackFrames(7, 6).stream()  # left 3: output i stacks frames 6i-3 .. 6i+3
    assert stack.push(x[:3]).shape == (0, 91)
    assert stack.push(x[3:4]).shape == (1, 91)
    assert stack.push(x[4:10]).shape == (1, 91)
    pcen = fastmel.PCEN(axis=-2).stream()
    assert pcen.push(np.abs(x[:1])).shape == (1, 13)


def test_stream_state_is_bounded_and_the_protocol_holds():
    rng = np.random.default_rng(1)
    stage = fastmel.Deltas.from_preset("kaldi")
    x = rng.standard_normal((300, 13)).astype(np.float32)
    stream = stage.stream()
    first = stream.push(x[:100])
    assert stream._st.buf.shape[0] <= 2 * stage._reach() + 1  # only what later frames read
    twin = copy.copy(stream)
    again = pickle.loads(pickle.dumps(stream))
    rest = [stream.push(x[100:]), stream.flush()]
    for other in (twin, again):
        np.testing.assert_array_equal(
            np.concatenate([first, other.push(x[100:]), other.flush()]), stage(x)
        )
    np.testing.assert_array_equal(np.concatenate([first, *rest]), stage(x))
    with pytest.raises(RuntimeError, match="after flush"):
        stream.push(x)
    with pytest.raises(RuntimeError, match="twice"):
        stream.flush()
    stream.reset()
    np.testing.assert_array_equal(
        np.concatenate([stream.push(x.astype(np.int16)), stream.flush()]), stage(x.astype(np.int16))
    )
    fresh = stage.stream()
    head = fresh.push(x[:10])
    for bad in (x[:10, :12], x[None, :10], np.array(["a"])):
        with pytest.raises((ValueError, TypeError)):
            fresh.push(bad)  # refused, and the stream is as it was
    empty = fresh.push(np.empty((0, 13), np.float32))
    np.testing.assert_array_equal(
        np.concatenate([head, empty, fresh.push(x[10:]), fresh.flush()]), stage(x)
    )
    assert fastmel.PCEN().stream().flush().shape == (0, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "stage",
    [
        fastmel.SlidingCMVN(),
        fastmel.SlidingCMVN(cmn_window=300, center=True, norm_vars=True),
        fastmel.SlidingCMVN(cmn_window=40, min_cmn_window=5, axis=-1),
    ],
    ids=repr,
)
def test_sliding_cmvn_streams_across_its_blocks(stage, dtype):
    """The window sums start again every CMVN_BLOCK frames of the signal: a
    stream, whatever its pieces, computes each frame from the same start."""
    rng = np.random.default_rng(11)
    for n in (255, 256, 257, 700, 1300):
        x = _frames(stage, rng, n, dtype) + 100.0  # far from 0, a small spread
        want = stage(x)
        cuts = [1, 255, 256, 600, *rng.integers(0, n + 1, 8).tolist()]
        for c in ([], [n - 1], [c for c in cuts if c <= n], list(range(200, n, 37))):
            got, _ = _streamed(stage.stream(), x, stage.axis, c)
            np.testing.assert_array_equal(got, want)
    small = fastmel.SlidingCMVN(cmn_window=20, min_cmn_window=3)
    x = _frames(small, rng, 600, dtype)
    got, parts = _streamed(small.stream(), x, -2, list(range(1, 600)))
    np.testing.assert_array_equal(got, small(x))
    assert [p.shape[-2] for p in parts[:4]] == [0, 0, 3, 1]  # from min_cmn_window frames on


def test_streams_that_cannot_be():
    with pytest.raises(TypeError, match='edge="wrap"'):
        fastmel.Deltas(edge="wrap").stream()


CHAINS = {
    "kaldi_deltas": lambda: fastmel.Chain(
        fastmel.kaldi.Fbank(num_mel_bins=23), [fastmel.Deltas.from_preset("kaldi")]
    ),
    "kaldi_cmvn_deltas": lambda: fastmel.Chain(
        fastmel.kaldi.Fbank(num_mel_bins=23),
        [fastmel.SlidingCMVN(cmn_window=100, center=True), fastmel.Deltas.from_preset("kaldi")],
    ),
    "funasr_lfr": lambda: fastmel.Chain(
        fastmel.kaldi.Fbank(num_mel_bins=80, window_type="hamming"), [fastmel.StackFrames()]
    ),
    "pcen_deltas_stack": lambda: fastmel.Chain(
        fastmel.MelSpectrogram(
            fft_length=256, sequence_stride=100, num_mel_bins=20, power_to_db=False
        ),
        [
            fastmel.PCEN(sampling_rate=16000, hop_length=100),
            fastmel.Deltas(),
            fastmel.StackFrames(2, 2, 0),
        ],
    ),
    "mfcc_librosa_deltas": lambda: fastmel.Chain(
        fastmel.MFCC(n_mfcc=13, fft_length=256, sequence_stride=100, num_mel_bins=20, top_db=None),
        [fastmel.Deltas.from_preset("librosa")],
    ),
}


@pytest.mark.parametrize("name", list(CHAINS))
def test_chain_call_stream_lengths_and_protocol(name):
    chain = CHAINS[name]()
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 7001)) * 3000
    want = chain(x)
    front = chain.front_end(x)
    for stage in chain.stages:
        front = stage(front)
    np.testing.assert_array_equal(want, front)
    assert want.shape[chain.stages[0].axis] == chain.num_frames(7001)
    for cuts in ([], [1, 400, 401, 5000], rng.integers(0, 7002, 6).tolist()):
        got, _ = _streamed(chain.stream(), x, -1, cuts, out_axis=chain.stages[0].axis)
        np.testing.assert_array_equal(got, want)
    # A padded batch: each row as alone.
    got, counts = chain(x, lengths=[7001, 3000])
    alone = chain(x[1, :3000])
    assert counts.tolist() == [chain.num_frames(7001), chain.num_frames(3000)]
    axis = chain.stages[0].axis
    np.testing.assert_array_equal(np.take(got[1], np.arange(counts[1]), axis=axis), alone)
    # The configured-object protocol.
    for other in (
        pickle.loads(pickle.dumps(chain)),
        copy.deepcopy(chain),
        fastmel.Chain.from_config(chain.get_config()),
    ):
        assert other == chain and hash(other) == hash(chain)
        np.testing.assert_array_equal(other(x), want)
    with pytest.raises(AttributeError, match="immutable"):
        chain.stages = ()
    assert chain.replace(stages=[]) != chain


def test_chain_errors_and_axis():
    fbank = fastmel.kaldi.Fbank()
    chain = fastmel.Chain(fbank, [fastmel.Deltas()])  # Deltas' default axis is -1
    assert chain.stages[0].axis == -2
    with pytest.raises(TypeError, match="cannot hold"):
        fastmel.Chain(object(), [])
    with pytest.raises(TypeError, match="not a stage"):
        fastmel.Chain(fbank, [fastmel.MelSpectrogram()])
    with pytest.raises(TypeError, match="sequence"):
        fastmel.Chain(fbank, fastmel.Deltas())
    with pytest.raises(ValueError, match="class_name"):
        fastmel.Chain({"class_name": "os.system", "config": {}}, [])
    with pytest.raises(TypeError, match='edge="wrap"'):
        fastmel.Chain(fbank, [fastmel.Deltas(edge="wrap")]).stream()


# -- a property over random stages, inputs and cuttings ------------------------------------


@st.composite
def _stage(draw):
    axis = draw(st.sampled_from([-1, -2]))
    kind = draw(st.sampled_from(["deltas", "pcen", "cmvn", "stack"]))
    if kind == "deltas":
        method = draw(st.sampled_from(["regression", "recursive", "savgol"]))
        edges = ["replicate", "reflect", "symmetric", "constant"]
        if method != "recursive":
            edges.append("interp")
        return fastmel.Deltas(
            order=draw(st.integers(1, 3)),
            width=draw(st.sampled_from([3, 5, 7, 9])),
            method=method,
            edge=draw(st.sampled_from(edges)),
            keep=draw(st.sampled_from(["all", "last"])),
            axis=axis,
        )
    if kind == "pcen":
        return fastmel.PCEN(
            power=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
            bias=draw(st.sampled_from([0.0, 2.0])),
            time_constant=draw(st.sampled_from([0.01, 0.4])),
            axis=axis,
        )
    if kind == "cmvn":
        return fastmel.SlidingCMVN(
            cmn_window=draw(st.integers(1, 300)),
            min_cmn_window=draw(st.integers(0, 320)),
            center=draw(st.booleans()),
            norm_vars=draw(st.booleans()),
            axis=axis,
        )
    return fastmel.StackFrames(
        size=draw(st.integers(1, 9)),
        step=draw(st.integers(1, 8)),
        left=draw(st.none() | st.integers(0, 12)),
        axis=axis,
    )


@settings(deadline=None, max_examples=150)
@given(stage=_stage(), data=st.data())
def test_every_stage_streams_as_its_whole_call(stage, data):
    n = data.draw(st.integers(1, 700))
    k = data.draw(st.integers(1, 20))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = np.abs(rng.standard_normal((n, k))) * 10.0 ** rng.uniform(-2, 2, k) + 1.0
    if stage.axis == -1:
        x = x.T
    x = np.ascontiguousarray(x, dtype=dtype)
    try:
        want = stage(x)
    except ValueError:  # interp deltas on fewer frames than their span: the stream refuses too
        with pytest.raises(ValueError):
            _streamed(stage.stream(), x, stage.axis, [])
        return
    cuts = data.draw(st.lists(st.integers(0, n), max_size=8))
    got, parts = _streamed(stage.stream(), x, stage.axis, cuts)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_stage_and_chain_streams_count_what_they_took_and_gave():
    """frames_pushed / samples_pushed, frames_emitted and last_output, as
    MelStream's: committed with the state, so that a caller whose push an
    exception interrupted can tell whether it was taken (and get its output)."""
    x = np.random.default_rng(3).standard_normal((60, 13))
    s = fastmel.Deltas.from_preset("kaldi").stream()
    assert (s.frames_pushed, s.frames_emitted, s.last_output) == (0, 0, None)
    out = s.push(x[:25])
    assert (s.frames_pushed, s.frames_emitted) == (25, 21) and s.last_output is out
    again = pickle.loads(pickle.dumps(s))
    assert (again.frames_pushed, again.frames_emitted) == (25, 21)
    np.testing.assert_array_equal(again.last_output, out)
    with pytest.raises(ValueError):
        s.push(x[:5, :12])  # refused: nothing changes
    assert (s.frames_pushed, s.frames_emitted) == (25, 21) and s.last_output is out
    chain = fastmel.Chain(fastmel.kaldi.Fbank(), [fastmel.Deltas.from_preset("kaldi")])
    cs = chain.stream()
    audio = np.random.default_rng(4).standard_normal(8000) * 1000
    first = cs.push(audio[:5000])
    assert cs.samples_pushed == 5000 and cs.frames_emitted == first.shape[0]
    assert cs.last_output is first
    rest = cs.flush()
    assert cs.last_output is rest and cs.frames_emitted == chain.num_frames(5000)
    cs.reset()
    assert (cs.samples_pushed, cs.frames_emitted, cs.last_output) == (0, 0, None)
