"""atheris harness for the Python API: MelSpectrogram(**params)(x).

    pip install atheris && python tests/fuzz/fuzz_layer.py -max_total_time=600 \
        -max_len=4096 -artifact_prefix=build/fuzz/ build/fuzz/layer-corpus

Parameters come from the fuzz input with any type (ints, floats incl. NaN/Inf,
bools, strings, None, arrays); inputs with any dtype, shape, strides, byte
order and alignment. A call may raise ValueError, TypeError or MemoryError with
a message; anything else (another exception, a crash, a sanitizer report) is a
finding. Accepted calls must return the promised shape and dtype, the same values with
2 threads as with 1 and, without a dB floor, the same values streamed in two
chunks.
"""
import sys

import atheris

with atheris.instrument_imports():
    import numpy as np

    import fastmel

KEYS = ["fft_length", "sequence_stride", "sequence_length", "window", "sampling_rate",
        "num_mel_bins", "min_freq", "max_freq", "power_to_db", "top_db", "mag_exp",
        "min_power", "ref_power", "mel_scale", "norm", "center", "pad_mode", "log_mode",
        "log_offset", "top_db_scope", "drop_last_frame", "dtype"]
DTYPES = [np.float32, np.float64, np.int16, np.uint8, np.float16, np.bool_, np.complex64,
          np.int64, ">f4", ">f8", "U3", object, "datetime64[s]"]


def value(fdp):
    kind = fdp.ConsumeIntInRange(0, 9)
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
        return fdp.PickValueInList(["hann", "hamming", "float32", "float64", "x", "",
                                    "keras", "htk", "slaney", "reflect", "constant", "db",
                                    "natural", "whisper", "batch", "example"])
    if kind == 6:
        return np.asarray([fdp.ConsumeRegularFloat() for _ in range(fdp.ConsumeIntInRange(0, 8))])
    if kind == 7:
        return fdp.ConsumeIntInRange(1, 1 << 16)
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
    layout = fdp.ConsumeIntInRange(0, 3)
    if layout == 1 and x.ndim:
        x = x[..., ::-1]
    elif layout == 2 and x.ndim >= 2:
        x = np.asfortranarray(x)
    elif layout == 3 and x.ndim and x.dtype.kind in "biuf":
        buf = np.zeros(x.nbytes + 1, np.uint8)
        mis = buf[1:].view(x.dtype).reshape(x.shape)
        mis[...] = x
        x = mis
    return x


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    params = {k: value(fdp) for k in KEYS if fdp.ConsumeBool()}
    threads = fdp.PickValueInList([None, 1, 2, -1])
    try:
        layer = fastmel.MelSpectrogram(**params)
    except (ValueError, TypeError, MemoryError):
        return
    x = signal(fdp)
    try:
        y = layer(x)
    except (ValueError, TypeError, MemoryError):
        return
    expected = layer.compute_output_shape(x.shape)
    if y.shape != expected:
        raise AssertionError(f"shape {y.shape} != {expected} for {params}, {x.shape}")
    if y.dtype not in (np.float32, np.float64):
        raise AssertionError(f"dtype {y.dtype}")
    y2 = layer(x, num_threads=threads)
    if not np.array_equal(y, y2, equal_nan=True):
        raise AssertionError(f"threads={threads} changed the result for {params}")
    if x.ndim and x.shape[-1] and (not layer.power_to_db or layer.top_db is None):
        # Streaming in two chunks must give the same frames bit for bit.
        stream = layer.stream()
        cut = fdp.ConsumeIntInRange(0, x.shape[-1])
        try:
            parts = [stream.push(x[..., :cut]), stream.push(x[..., cut:]), stream.flush()]
        except (ValueError, TypeError, MemoryError):
            return
        y3 = np.concatenate(parts, axis=-1)
        if not np.array_equal(y, y3, equal_nan=True):
            raise AssertionError(f"streaming (cut {cut}) changed the result for {params}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
