"""Input dtypes and memory layouts: every path gives the contiguous result."""

import numpy as np
import pytest

import fastmel

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
