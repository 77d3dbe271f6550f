"""atheris harness for the Python API: MelSpectrogram(**params)(x), its streams,
replace() and immutability.

    pip install atheris && python tests/fuzz/fuzz_layer.py -max_total_time=600 \
        -max_len=4096 -artifact_prefix=build/fuzz/ build/fuzz/layer-corpus

Parameters come from the fuzz input: a plausible value of each keyword, or a
value of any type (ints, floats incl. NaN/Inf, bools, strings, None, arrays,
numpy scalars); every keyword is drawn, kernel, pad_mode "symmetric" and
num_threads included. Inputs come with any dtype, shape, strides,
byte order and alignment. A call may raise ValueError, TypeError or MemoryError
with a message; anything else (another exception, a crash, a sanitizer report)
is a finding. Accepted calls must:
  - return the shape compute_output_shape() and num_frames() give, num_frames()
    following its documented formula, and the documented dtype;
  - give the same values with any num_threads, into an `out` array of any
    layout, and from layer.replace() with no changes;
  - streamed in two chunks (an empty one sometimes between them), give the
    same frames bit for bit without a floor and, with a floor, values that
    np.maximum(streamed, maximum - range) lifts to the whole-signal result;
  - refuse attribute assignment and deletion with AttributeError, and leave the
    layer unchanged when replace() builds another.
"""

import gc
import sys
import types

import atheris
import numpy as np
from atheris.instrument_bytecode import patch_code

import fastmel
from fastmel._options import floor_group, floor_range


def instrument_fastmel():
    """Coverage of fastmel's Python code only, function by function.

    Not atheris.instrument_imports(): fastmel installed in editable mode comes
    through scikit-build-core's custom loader, whose modules atheris names as
    instrumented but never reports coverage for ("no interesting inputs").
    Control flow only, and not numpy: atheris 3.0.0's comparison tracing leaks
    the result of every traced comparison that returns an array (a few hundred
    bytes per `a > 0`; fastmel's filter code has such comparisons), which grows
    the process past libFuzzer's -rss_limit_mb within minutes.
    """
    count = 0
    for obj in gc.get_objects():
        if (
            isinstance(obj, types.FunctionType)
            and str(getattr(obj, "__module__", "")).split(".")[0] == "fastmel"
        ):
            obj.__code__ = patch_code(obj.__code__, trace_dataflow=False)
            count += 1
    return count


KEYS = [
    "fft_length",
    "sequence_stride",
    "sequence_length",
    "window",
    "sampling_rate",
    "num_mel_bins",
    "min_freq",
    "max_freq",
    "power_to_db",
    "top_db",
    "mag_exp",
    "min_power",
    "ref_power",
    "mel_scale",
    "norm",
    "center",
    "pad_mode",
    "log_mode",
    "log_offset",
    "top_db_scope",
    "drop_last_frame",
    "dtype",
    "num_threads",
    "kernel",
]
DTYPES = [
    np.float32,
    np.float64,
    np.int16,
    np.uint8,
    np.float16,
    np.bool_,
    np.complex64,
    np.int64,
    ">f4",
    ">f8",
    "U3",
    object,
    "datetime64[s]",
]
STRINGS = [
    "hann",
    "hamming",
    "float32",
    "float64",
    "x",
    "",
    "keras",
    "htk",
    "slaney",
    "reflect",
    "constant",
    "symmetric",
    "db",
    "natural",
    "whisper",
    "batch",
    "example",
    "auto",
    "baseline",
    "avx2",
    "AVX2",
    "none",
]
ACCEPTED = (ValueError, TypeError, MemoryError)
MAX_OUTPUT = 1 << 23


# Plausible values per keyword, so that most layers build and the calls run.
PLAUSIBLE = {
    "fft_length": [16, 32, 64, 100, 128, 255, 256, 400, 512, 1024, 2048],
    "sequence_stride": [1, 2, 7, 64, 100, 160, 256, 512],
    "sequence_length": [None, 1, 16, 25, 64, 100, 200, 400],
    "window": ["hann", "hamming", None],
    "sampling_rate": [8000, 16000, 22050, 44100, 100.0, 16000.5],
    "num_mel_bins": [1, 2, 10, 40, 64, 80, 128],
    "min_freq": [0, 0.0, 20.0, 125.5, 1000],
    "max_freq": [None, 0, 4000, 7600.0, 8000],
    "power_to_db": [True, False],
    "top_db": [None, 80.0, 0.0, 8.5, 120],
    "mag_exp": [1.0, 2.0, 0.5, 3],
    "min_power": [1e-10, 1e-5, 1.0, 1e-45],
    "ref_power": [1.0, 0.0, -2.0, 1e3],
    "mel_scale": ["keras", "htk", "slaney", "kaldi"],
    "norm": [None, "slaney"],
    "center": [True, False],
    "pad_mode": ["reflect", "constant", "symmetric"],
    "log_mode": ["db", "natural", "whisper"],
    "log_offset": [0.0, 1e-6, 1.0],
    "top_db_scope": ["batch", "example", "channels"],
    "drop_last_frame": [False, True],
    "dtype": [None, "float32", "float64", np.float64],
    "num_threads": [None, 1, 2, 3, -1],
    "kernel": [None, "auto", "baseline", "avx2"],
}


def param(fdp, key):
    if fdp.ConsumeIntInRange(0, 3):
        return fdp.PickValueInList(PLAUSIBLE[key])
    return value(fdp)


def value(fdp):
    kind = fdp.ConsumeIntInRange(0, 11)
    if kind == 0:
        return fdp.ConsumeIntInRange(-5, 5000)
    if kind == 1:
        return fdp.ConsumeRegularFloat()
    if kind == 2:
        return fdp.ConsumeFloat()  # NaN, Inf, anything
    if kind == 3:
        return fdp.ConsumeBool()
    if kind == 4:
        return None
    if kind == 5:
        return fdp.PickValueInList(STRINGS)
    if kind == 6:
        return np.asarray([fdp.ConsumeRegularFloat() for _ in range(fdp.ConsumeIntInRange(0, 8))])
    if kind == 7:
        return fdp.ConsumeIntInRange(1, 1 << 16)
    if kind == 8:  # numpy scalars
        return fdp.PickValueInList([np.int64, np.int32, np.float32, np.float64, np.bool_])(
            fdp.ConsumeIntInRange(-2, 4096)
        )
    if kind == 9:
        return fdp.ConsumeIntInRange(-4, 4)  # thread counts, small sizes
    return fdp.ConsumeIntInRange(1, 600)


def signal(fdp):
    ndim = fdp.ConsumeIntInRange(0, 3)
    shape = tuple(fdp.ConsumeIntInRange(0, 4) for _ in range(max(0, ndim - 1)))
    if ndim:
        shape = shape + (fdp.ConsumeIntInRange(0, 3000),)
    dtype = fdp.PickValueInList(DTYPES)
    size = int(np.prod(shape)) if shape else 1
    raw = np.frombuffer(fdp.ConsumeBytes(4 * size).ljust(4 * size, b"\0"), dtype=np.float32)
    x = raw.reshape(shape) if shape else raw[:1].reshape(())
    try:
        x = x.astype(dtype)
    except (TypeError, ValueError):
        x = x.astype(np.float32)
    layout = fdp.ConsumeIntInRange(0, 4)
    if layout == 1 and x.ndim:
        x = x[..., ::-1]
    elif layout == 2 and x.ndim >= 2:
        x = np.asfortranarray(x)
    elif layout == 3 and x.ndim and x.dtype.kind in "biuf":
        buf = np.zeros(x.nbytes + 1, np.uint8)
        mis = buf[1:].view(x.dtype).reshape(x.shape)
        mis[...] = x
        x = mis
    elif layout == 4 and x.ndim:
        x = np.repeat(x, 2, axis=-1)[..., ::2]  # strided, read in place
        x.flags.writeable = False
    return x


def expected_dtype(layer, x):
    if layer.dtype is not None:
        return np.dtype(layer.dtype)
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.dtype.itemsize == 8:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


def documented_frames(layer, n):
    """MelSpectrogram.num_frames's docstring formula."""
    if n == 0:
        return 0
    pad = layer.fft_length // 2 if layer.center else 0
    frames = 1 + (n + 2 * pad - layer.fft_length) // layer.sequence_stride
    frames -= 1 if layer.drop_last_frame else 0
    return max(frames, 0)


def check_immutable(fdp, layer, params):
    name = fdp.PickValueInList(KEYS + ["window", "_plans", "new_attribute"])
    before = layer.get_config()
    try:
        setattr(layer, name, value(fdp))
    except AttributeError:
        pass
    else:
        raise AssertionError(f"setting `{name}` did not raise AttributeError for {params}")
    try:
        delattr(layer, name)
    except AttributeError:
        pass
    else:
        raise AssertionError(f"deleting `{name}` did not raise AttributeError for {params}")
    if isinstance(layer.window, np.ndarray) and layer.window.flags.writeable:
        raise AssertionError("the layer's window array is writeable")
    if not configs_equal(layer.get_config(), before):
        raise AssertionError(f"a refused assignment changed the layer for {params}")


def configs_equal(a, b):
    if a.keys() != b.keys():
        return False
    for k in a:
        both_nan = (
            isinstance(a[k], float) and isinstance(b[k], float) and np.isnan([a[k], b[k]]).all()
        )
        if both_nan:
            continue
        if a[k] != b[k]:
            return False
    return True


def check_replace(fdp, layer, params):
    before = layer.get_config()
    changes = {k: param(fdp, k) for k in KEYS if fdp.ConsumeIntInRange(0, 7) == 0}
    try:
        other = layer.replace(**changes)
    except ACCEPTED:
        other = None
    if not configs_equal(layer.get_config(), before):
        raise AssertionError(f"replace({changes}) changed the original layer {params}")
    if other is not None and other is layer:
        raise AssertionError("replace() returned the same object")


def check_stream(fdp, layer, x, y, params):
    """Two chunks (an empty one between them sometimes), then flush."""
    stream = layer.stream()
    cut = fdp.ConsumeIntInRange(0, x.shape[-1])
    empty = fdp.ConsumeBool()
    try:
        parts = [stream.push(x[..., :cut])]
        if empty:
            parts.append(stream.push(x[..., :0]))
        parts += [stream.push(x[..., cut:]), stream.flush()]
    except ACCEPTED:
        return
    for part in parts:
        if part.dtype != y.dtype or part.shape[:-1] != y.shape[:-1]:
            raise AssertionError(f"stream piece {part.shape} {part.dtype} vs {y.shape} {y.dtype}")
    y3 = np.concatenate(parts, axis=-1)
    if y3.shape != y.shape:
        raise AssertionError(f"streamed shape {y3.shape} != {y.shape} (cut {cut}) for {params}")
    rng = floor_range(layer.top_db, layer.power_to_db, layer.log_mode)
    if rng is None:
        if not np.array_equal(y, y3, equal_nan=True):
            raise AssertionError(f"streaming (cut {cut}) changed the result for {params}")
        return
    if y.size == 0:
        return
    # With a floor (MelStream's docstring): np.maximum(streamed, whole max - range)
    # is the whole-signal result, the maximum over finite values, per example or
    # over the batch, the threshold in the output's precision.
    rows = y.reshape(-1, y.shape[-2] * y.shape[-1]) if y.ndim >= 2 else y.reshape(1, -1)
    finite = np.where(np.isfinite(rows), rows, -np.inf)
    mx = finite.max(axis=1)
    group = floor_group(layer.top_db_scope, y.shape[:-2])
    if group > 1:
        mx = np.repeat(mx.reshape(-1, group).max(axis=1), group)
    dt = y.dtype.type
    thr = mx.astype(y.dtype) - dt(rng)
    lifted = np.maximum(y3.reshape(rows.shape), thr[:, None])
    if not np.array_equal(lifted, rows, equal_nan=True):
        raise AssertionError(
            f"streaming with a floor (cut {cut}) is not the whole "
            f"result lifted to its floor for {params}"
        )


def check_out(fdp, layer, x, y, params):
    kind = fdp.ConsumeIntInRange(0, 3)
    if kind == 0:
        out = np.full(y.shape, np.nan, y.dtype)
    elif kind == 1:
        out = np.asfortranarray(np.full(y.shape, 7, y.dtype))
    elif kind == 2:
        out = np.zeros(y.shape[:-1] + (2 * y.shape[-1],), y.dtype)[..., ::2]
    else:
        out = np.zeros(y.shape, np.float64 if y.dtype == np.float32 else np.float32)
    try:
        got = layer(x, out=out)
    except ACCEPTED:
        if kind == 3:
            return
        raise
    if kind == 3:
        raise AssertionError(f"out of dtype {out.dtype} accepted for a {y.dtype} result")
    if got is not out or not np.array_equal(out, y, equal_nan=True):
        raise AssertionError(f"out= (kind {kind}) changed the result for {params}")


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    params = {k: param(fdp, k) for k in KEYS if fdp.ConsumeBool()}
    threads = fdp.PickValueInList([None, 1, 2, 3, -1])
    try:
        layer = fastmel.MelSpectrogram(**params)
    except ACCEPTED:
        return
    x = signal(fdp)
    try:
        expected = layer.compute_output_shape(x.shape)
    except ACCEPTED:
        expected = None  # a 0-d input: the call must refuse it too
    y = None
    # Bounded memory and time per input: no call whose output (of which a few
    # copies are made below) exceeds MAX_OUTPUT elements.
    if expected is None or np.prod(expected, dtype=np.float64) <= MAX_OUTPUT:
        try:
            y = layer(x)
        except ACCEPTED:
            pass
    if y is not None:
        n = x.shape[-1]
        frames = layer.num_frames(n)
        if y.shape != expected or y.shape != x.shape[:-1] + (layer.num_mel_bins, frames):
            raise AssertionError(f"shape {y.shape} != {expected} for {params}, {x.shape}")
        if frames != documented_frames(layer, n):
            raise AssertionError(
                f"num_frames({n}) = {frames}, the docstring says "
                f"{documented_frames(layer, n)} for {params}"
            )
        if y.dtype != expected_dtype(layer, x):
            raise AssertionError(f"dtype {y.dtype} for input {x.dtype}, layer {layer.dtype}")
        y2 = layer(x, num_threads=threads)
        if not np.array_equal(y, y2, equal_nan=True):
            raise AssertionError(f"threads={threads} changed the result for {params}")
        if fdp.ConsumeIntInRange(0, 3) == 0:
            check_out(fdp, layer, x, y, params)
        if fdp.ConsumeIntInRange(0, 3) == 0:
            y4 = layer.replace()(x)
            if not np.array_equal(y, y4, equal_nan=True):
                raise AssertionError(f"replace() with no changes changed the result for {params}")
        if x.ndim and x.shape[-1]:
            check_stream(fdp, layer, x, y, params)
    if fdp.ConsumeIntInRange(0, 3) == 0:
        check_immutable(fdp, layer, params)
    if fdp.ConsumeIntInRange(0, 3) == 0:
        check_replace(fdp, layer, params)


if __name__ == "__main__":
    np.seterr(all="ignore")
    print(f"INFO: instrumented {instrument_fastmel()} fastmel functions", file=sys.stderr)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
