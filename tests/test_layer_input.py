"""What the layer accepts and writes: dtypes, layouts, leading dimensions, out=, bad input."""

import numpy as np
import pytest

import fastmel

CFG = dict(fft_length=256, sequence_stride=64, num_mel_bins=20)


@pytest.mark.parametrize("shape", [(2**22, 2**22), (2**40,)])
def test_huge_request_fails_cleanly(shape):
    # Zero-stride views cost no memory; their output could never be allocated.
    x = np.broadcast_to(np.float32(0.5), shape)
    with pytest.raises((MemoryError, ValueError), match="(?i)allocate|too big|memory"):
        fastmel.MelSpectrogram(fft_length=64, sequence_stride=1, num_mel_bins=512)(x)


def test_zero_stride_input_is_read_correctly():
    x = np.broadcast_to(np.float32(0.25), (3, 2000))
    layer = fastmel.MelSpectrogram(**CFG)
    np.testing.assert_array_equal(layer(x), layer(np.full((3, 2000), 0.25, np.float32)))


BASE = dict(fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=40, min_freq=0.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_out_contiguous_is_written_in_place(dtype):
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.random.default_rng(6).standard_normal((2, 3, 4000)).astype(dtype)
    want = layer(x)
    out = np.full(want.shape, np.nan, dtype)
    assert layer(x, out=out) is out
    np.testing.assert_array_equal(out, want)


def test_out_other_layouts():
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.random.default_rng(7).standard_normal((3, 4000)).astype(np.float32)
    want = layer(x)
    fortran = np.asfortranarray(np.zeros(want.shape, np.float32))
    assert layer(x, out=fortran) is fortran
    np.testing.assert_array_equal(fortran, want)
    big = np.zeros(want.shape[:-1] + (2 * want.shape[-1],), np.float32)
    strided = big[..., ::2]
    assert layer(x, out=strided) is strided
    np.testing.assert_array_equal(strided, want)
    assert not big[..., 1::2].any()


def test_out_overlapping_the_input():
    layer = fastmel.MelSpectrogram(**dict(BASE, num_mel_bins=2, sequence_stride=400))
    x = np.random.default_rng(8).standard_normal(4000).astype(np.float32)
    want = layer(x)
    buf = np.concatenate([x, np.zeros(want.size, np.float32)])
    signal = buf[:4000]
    out = buf[3990 : 3990 + want.size].reshape(want.shape)  # overlaps the signal's end
    assert layer(signal, out=out) is out
    np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda s: np.zeros(s, np.float64), TypeError, "dtype"),
        (lambda s: np.zeros(s[:-1] + (s[-1] + 1,), np.float32), ValueError, "shape"),
        (lambda s: np.zeros((1,) + s, np.float32), ValueError, "shape"),
        (lambda s: np.zeros(s, np.float32).tolist(), TypeError, "numpy array"),
        (lambda s: np.zeros(s, ">f8"), TypeError, "dtype"),
    ],
)
def test_out_errors(make, error, match):
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.zeros((2, 1000), np.float32)
    with pytest.raises(error, match=match):
        layer(x, out=make(layer.compute_output_shape(x.shape)))


@pytest.mark.parametrize(
    "make",
    [
        lambda s: np.zeros(s, ">f4"),  # byte-swapped: filled from a temporary, as documented
        lambda s: np.asmatrix(np.zeros(s, np.float32)),  # an ndarray subclass
        lambda s: np.zeros(s[::-1], np.float32).T,  # Fortran order
    ],
)
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix
def test_out_any_layout_or_byte_order(make):
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.random.default_rng(9).standard_normal(3000).astype(np.float32)
    out = make(layer.compute_output_shape(x.shape))
    assert layer(x, out=out) is out
    np.testing.assert_array_equal(np.asarray(out, np.float32), layer(x))


def test_input_precision_follows_any_array_like():
    import array

    layer = fastmel.MelSpectrogram(**BASE)
    x = np.random.default_rng(10).standard_normal(3000)
    want = layer(x)  # float64
    assert want.dtype == np.float64
    for like in (array.array("d", x), memoryview(x)):
        got = layer(like)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
    assert layer(x.tolist()).dtype == np.float32  # Python lists: float32, as Keras
    assert layer(array.array("f", x)).dtype == np.float32


def test_out_read_only():
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.zeros(1000, np.float32)
    out = np.zeros(layer.compute_output_shape(x.shape), np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        layer(x, out=out)


OK = np.zeros(1000, np.float32)


@pytest.mark.parametrize(
    "x, exc, match",
    [
        (np.float32(1.0), ValueError, "got a 0-d array"),
        (np.array(3.0), ValueError, "got a 0-d array"),
        (np.zeros(0, np.float32), ValueError, "input has 0 samples"),
        (np.zeros((3, 0), np.float64), ValueError, "input has 0 samples"),
        (np.zeros(100, np.complex64), TypeError, "complex input is not supported"),
        (np.zeros(100, np.complex128), TypeError, "complex input is not supported"),
        (np.array([1.0, None, 2.0], dtype=object), TypeError, "dtype object"),
        (np.array(["a", "b"]), TypeError, "input must be real numbers, got an array of dtype <U1"),
        (["a", "b"], TypeError, "input must be real numbers"),
        (np.zeros(10, "datetime64[s]"), TypeError, "dtype datetime64"),
        (np.zeros(10, "timedelta64[s]"), TypeError, "dtype timedelta64"),
    ],
)
def test_bad_input(x, exc, match):
    with pytest.raises(exc, match=match):
        fastmel.MelSpectrogram()(x)


LAYER = fastmel.MelSpectrogram(fft_length=256, sequence_stride=100, num_mel_bins=32)


def _signal(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_dtype_follows_float_input(dtype):
    assert LAYER(_signal(1000, dtype)).dtype == dtype


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.float16, np.bool_]
)
def test_other_real_dtypes_become_float32(dtype):
    x = (np.random.default_rng(1).integers(0, 2, 1000) * 3).astype(dtype)
    got = LAYER(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, LAYER(x.astype(np.float32)))


def test_python_lists_become_float32():
    x = _signal((2, 500), np.float64)
    got = LAYER(x.tolist())
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, LAYER(x.astype(np.float32)))


@pytest.mark.parametrize("forced", ["float32", "float64"])
def test_dtype_argument_forces_compute_dtype(forced):
    layer = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=100, num_mel_bins=32, dtype=forced
    )
    for dtype in (np.float32, np.float64, np.int16):
        x = _signal(1000, np.float64).astype(dtype)
        got = layer(x)
        assert got.dtype == np.dtype(forced)
        np.testing.assert_array_equal(got, layer(x.astype(forced)))


def _layouts(dtype):
    base = _signal((3, 4, 1500), dtype)
    big = _signal((6, 8, 3000), dtype, seed=1)
    yield "c_contiguous", np.ascontiguousarray(base)
    yield "fortran", np.asfortranarray(base)
    strided = big.copy()
    strided[:3, :4, ::2] = base
    yield "sample_stride_2", strided[:3, :4, ::2]
    strided = big.copy()
    strided[:3, :4, ::-2] = base
    yield "sample_stride_minus_2", strided[:3, :4, ::-2]
    big[::2, ::2, :1500] = base
    yield "negative_stride", np.ascontiguousarray(base[..., ::-1])[..., ::-1]
    yield "negative_rows", np.ascontiguousarray(base[::-1])[::-1]
    yield "row_slices", big[::2, ::2, :1500]
    yield "transposed_leading", np.ascontiguousarray(base.transpose(1, 0, 2)).transpose(1, 0, 2)
    ro = base.copy()
    ro.flags.writeable = False
    yield "read_only", ro
    yield "byte_swapped", base.astype(base.dtype.newbyteorder(">"))
    raw = np.zeros(base.nbytes + 1, dtype=np.uint8)
    mis = raw[1:].view(dtype).reshape(base.shape)
    mis[...] = base
    yield "misaligned", mis


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layouts_give_identical_results(dtype):
    expected = LAYER(np.ascontiguousarray(_signal((3, 4, 1500), dtype)))
    for name, x in _layouts(dtype):
        np.testing.assert_array_equal(np.ascontiguousarray(_signal((3, 4, 1500), dtype)), x)
        got = LAYER(x)
        assert got.dtype == dtype, name
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_input_is_not_modified():
    x = _signal((2, 3000))
    before = x.copy()
    LAYER(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("shape", [(1000,), (1, 1000), (3, 1000), (2, 3, 1000), (2, 1, 2, 1, 1000)])
def test_leading_dimensions(shape):
    x = _signal(shape)
    got = LAYER(x)
    assert got.shape == shape[:-1] + (32, LAYER.compute_output_shape(shape)[-1])
    flat = LAYER(x.reshape(-1, shape[-1]))
    np.testing.assert_array_equal(got.reshape(flat.shape), flat)


def test_batched_equals_one_at_a_time_in_power_mode():
    layer = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=100, num_mel_bins=32, power_to_db=False
    )
    x = _signal((5, 2000))
    batch = layer(x)
    for i in range(5):
        np.testing.assert_array_equal(batch[i], layer(x[i]))


def test_empty_leading_dimension():
    got = LAYER(np.zeros((0, 3, 1000), np.float32))
    assert got.shape == (0, 3, 32, LAYER.compute_output_shape((1000,))[-1])


@pytest.mark.parametrize("preset", ["keras", "librosa", "whisper"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lengths_give_each_row_what_it_gives_alone(preset, dtype):
    layer = fastmel.MelSpectrogram.from_preset(preset, top_db_scope="example", num_threads=3)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 9000)).astype(dtype)
    x[1, 2] *= 1e-3  # a quiet clip: its own floor, not its neighbours'
    lengths = np.array([[9000, 4000, 1], [0, 2345, 8999]])
    got, frames = layer(x, lengths=lengths)
    assert got.shape == layer.compute_output_shape(x.shape)
    assert frames.shape == (2, 3) and frames.dtype == np.int64
    for i in range(2):
        for j in range(3):
            n, f = lengths[i, j], frames[i, j]
            assert f == layer.num_frames(n)
            if n:
                np.testing.assert_array_equal(got[i, j, :, :f], layer(x[i, j, :n]))
            assert not got[i, j, :, f:].any()
    # out= and the MFCC front end take lengths too.
    out = np.empty_like(got)
    again, _ = layer(x, lengths=lengths, out=out)
    assert again is out
    np.testing.assert_array_equal(out, got)
    mfcc = fastmel.MFCC.from_preset(preset, top_db_scope="example")
    coeffs, _ = mfcc(x, lengths=lengths)
    np.testing.assert_array_equal(coeffs[1, 1, :, : frames[1, 1]], mfcc(x[1, 1, :2345]))


def test_lengths_errors():
    layer = fastmel.MelSpectrogram(**BASE)
    x = np.zeros((2, 1000), np.float32)
    with pytest.raises(ValueError, match="lengths"):
        layer(x, lengths=[1000])
    with pytest.raises(ValueError, match="lengths"):
        layer(x, lengths=[1000, 1001])
    with pytest.raises(ValueError, match="lengths"):
        layer(x, lengths=[1.5, 2.0])
