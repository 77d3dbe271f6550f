"""atheris harness for the stages along frames and chains: Deltas, PCEN,
SlidingCMVN and StackFrames on any features, their streams, and Chain.

    pip install atheris && python tests/fuzz/fuzz_stages.py -max_total_time=600 \
        -max_len=4096 -artifact_prefix=build/fuzz/ build/fuzz/stages-corpus

A stage is built from plausible or arbitrary values of its keywords (as
fuzz_layer.py draws them), then called on features of any dtype, shape,
layout and values (NaN, infinities, denormals, huge). A call may raise
ValueError or TypeError with a message; anything else is a finding. Accepted
calls must:
  - keep the input's leading shape and give the documented frame and feature
    counts and dtype;
  - give the same values bit for bit with any num_threads, after a pickle,
    and row by row with ``lengths=`` (each row as alone);
  - streamed in random pieces (empty ones included), give the whole call's
    values bit for bit (a stage that cannot stream refuses with TypeError).
A Chain of a small Kaldi or mel front end and one or two stages must equal
the front end's output passed through its stages, and stream as its call.
"""

import pickle
import sys

import atheris
import numpy as np
from fuzz_layer import instrument_fastmel, value

import fastmel
import fastmel.kaldi

ACCEPTED = (ValueError, TypeError)
MAX_ELEMENTS = 200_000

PLAUSIBLE = {
    "Deltas": {
        "order": [1, 2, 3, 8],
        "width": [3, 5, 7, 9, 2, 1, 4095],
        "method": ["regression", "recursive", "savgol"],
        "edge": ["replicate", "reflect", "symmetric", "constant", "wrap", "interp"],
        "keep": ["all", "last"],
        "axis": [-1, -2],
    },
    "PCEN": {
        "sampling_rate": [16000, 22050.0],
        "hop_length": [160, 512, 1],
        "gain": [0.98, 0.0, 1.0],
        "bias": [2.0, 0.0, 10.0],
        "power": [0.5, 0.0, 1.0, 0.25],
        "time_constant": [0.4, 0.01, 1e-6],
        "eps": [1e-6, 1e-3],
        "b": [None, 0.06, 1.0],
        "axis": [-1, -2],
    },
    "SlidingCMVN": {
        "cmn_window": [600, 1, 2, 10, 300],
        "min_cmn_window": [100, 0, 3, 1000],
        "center": [False, True],
        "norm_vars": [False, True],
        "axis": [-1, -2],
    },
    "StackFrames": {
        "size": [7, 1, 2, 3],
        "step": [6, 1, 2, 5],
        "left": [None, 0, 3, 9],
        "axis": [-1, -2],
    },
}
CLASSES = {
    "Deltas": fastmel.Deltas,
    "PCEN": fastmel.PCEN,
    "SlidingCMVN": fastmel.SlidingCMVN,
    "StackFrames": fastmel.StackFrames,
}
DTYPES = [np.float32, np.float64, np.int16, np.float16, np.int64, np.uint8, np.complex64, bool]


def stage_from(fdp):
    name = fdp.PickValueInList(sorted(CLASSES))
    params = {}
    for key, plausible in PLAUSIBLE[name].items():
        if fdp.ConsumeBool():
            params[key] = (
                fdp.PickValueInList(plausible) if fdp.ConsumeIntInRange(0, 3) else value(fdp)
            )
    return CLASSES[name], params


def features(fdp, axis):
    lead = tuple(fdp.ConsumeIntInRange(0, 3) for _ in range(fdp.ConsumeIntInRange(0, 2)))
    frames, k = fdp.ConsumeIntInRange(0, 300), fdp.ConsumeIntInRange(0, 24)
    shape = lead + ((k, frames) if axis == -1 else (frames, k))
    size = int(np.prod(shape))
    raw = np.frombuffer(fdp.ConsumeBytes(4 * size).ljust(4 * size, b"\0"), dtype=np.float32)
    x = raw.reshape(shape)
    dtype = fdp.PickValueInList(DTYPES)
    with np.errstate(all="ignore"):
        x = x.astype(dtype)
    layout = fdp.ConsumeIntInRange(0, 3)
    if layout == 1 and x.ndim >= 2:
        x = np.asfortranarray(x)
    elif layout == 2:
        x = x.astype(x.dtype.newbyteorder(">"))
    elif layout == 3 and x.ndim and x.shape[-1]:
        x = np.repeat(x, 2, axis=-1)[..., ::2]
    return x


def pieces(fdp, x, axis):
    n = x.shape[axis]
    cuts = sorted(fdp.ConsumeIntInRange(0, n) for _ in range(fdp.ConsumeIntInRange(0, 6)))
    edges = [0, *cuts, n]
    return [
        np.take(x, np.arange(a, b), axis=axis) for a, b in zip(edges[:-1], edges[1:], strict=True)
    ]


def streamed(stream, parts, axis):
    out = [stream.push(p) for p in parts]
    out.append(stream.flush())
    return np.concatenate(out, axis=axis)


def check_stage(fdp, stage, x):
    try:
        y = stage(x)
    except ACCEPTED:
        return
    if isinstance(y, tuple):
        raise AssertionError(f"{stage!r} returned a tuple without lengths")
    axis = stage.axis
    k_axis = -2 if axis == -1 else -1
    if y.shape[:-2] != x.shape[:-2]:
        raise AssertionError(f"{stage!r}: leading shape {y.shape} for {x.shape}")
    want_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    if y.dtype != want_dtype.newbyteorder("="):
        raise AssertionError(f"{stage!r}: dtype {y.dtype} for {x.dtype}")
    n, k = x.shape[axis], x.shape[k_axis]
    frames = -(-n // stage.step) if isinstance(stage, fastmel.StackFrames) else n
    if y.shape[axis] != frames or y.shape[k_axis] != stage._stream_out_features(k):
        raise AssertionError(f"{stage!r}: shape {y.shape} for {x.shape}")
    threads = fdp.PickValueInList([2, 3, -1])
    if not np.array_equal(stage(x, num_threads=threads), y, equal_nan=True):
        raise AssertionError(f"{stage!r}: num_threads={threads} changed the values")
    again = pickle.loads(pickle.dumps(stage))
    if again != stage or not np.array_equal(again(x), y, equal_nan=True):
        raise AssertionError(f"{stage!r}: a pickle computes otherwise")
    if x.ndim == 3 and x.shape[0] and fdp.ConsumeBool():
        lengths = [fdp.ConsumeIntInRange(0, n) for _ in range(x.shape[0])]
        try:
            got = stage(x, lengths=lengths)
        except ACCEPTED:
            got = None
        if isinstance(got, tuple):
            got = got[0]
        if got is not None:
            for r, m in enumerate(lengths):
                alone = stage(np.take(x[r : r + 1], np.arange(m), axis=axis))
                own = alone.shape[axis]
                mine = np.take(got[r : r + 1], np.arange(own), axis=axis)
                if not np.array_equal(mine, alone, equal_nan=True):
                    raise AssertionError(f"{stage!r}: row {r} of lengths {lengths} != alone")
    try:
        stream = stage.stream()
    except TypeError:
        return
    got = streamed(stream, pieces(fdp, x, axis), axis)
    if got.shape != y.shape or not np.array_equal(got, y, equal_nan=True):
        raise AssertionError(f"{stage!r}: a stream of {x.shape} differs from the call")


def check_chain(fdp, x_bytes):
    if fdp.ConsumeBool():
        front = fastmel.kaldi.Fbank(
            num_mel_bins=fdp.ConsumeIntInRange(4, 30), snip_edges=fdp.ConsumeBool()
        )
    else:
        front = fastmel.MelSpectrogram(
            fft_length=128,
            sequence_stride=fdp.ConsumeIntInRange(16, 80),
            num_mel_bins=fdp.ConsumeIntInRange(4, 24),
            power_to_db=fdp.ConsumeBool(),
            top_db=None,
        )
    stages = []
    for _ in range(fdp.ConsumeIntInRange(1, 2)):
        cls, params = stage_from(fdp)
        try:
            stages.append(cls(**params))
        except ACCEPTED:
            return
    try:
        chain = fastmel.Chain(front, stages)
    except ACCEPTED:
        return
    n = fdp.ConsumeIntInRange(0, 3000)
    x = np.frombuffer(x_bytes.ljust(4 * n, b"\0")[: 4 * n], dtype=np.float32).copy()
    x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0).clip(-1e4, 1e4)
    try:
        y = chain(x)
    except ACCEPTED:
        return
    z = front(x)
    for s in chain.stages:
        z = s(z)
    if not np.array_equal(y, z, equal_nan=True):
        raise AssertionError(f"{chain!r}: the chain differs from its parts")
    try:
        stream = chain.stream()
    except TypeError:
        return
    got = streamed(stream, pieces(fdp, x, -1), chain.stages[0].axis)
    if got.shape != y.shape or not np.array_equal(got, y, equal_nan=True):
        raise AssertionError(f"{chain!r}: its stream differs from its call")


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeIntInRange(0, 4) == 0:
        check_chain(fdp, fdp.ConsumeBytes(12000))
        return
    cls, params = stage_from(fdp)
    try:
        stage = cls(**params)
    except ACCEPTED:
        return
    x = features(fdp, stage.axis)
    if x.size * 9 > MAX_ELEMENTS:  # (deltas of order 8: nine times the input)
        return
    check_stage(fdp, stage, x)


if __name__ == "__main__":
    np.seterr(all="ignore")
    print(f"INFO: instrumented {instrument_fastmel()} fastmel functions", file=sys.stderr)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
