"""The beyond-Keras options and presets against the NumPy reference."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import (
    check_against_reference,
    hz_mel_matrix,
)

import fastmel

BASE = dict(fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=40, min_freq=0.0)


OPTIONS = {
    "htk": dict(mel_scale="htk"),
    "slaney": dict(mel_scale="slaney"),
    "slaney_norm": dict(mel_scale="slaney", norm="slaney"),
    "htk_norm": dict(mel_scale="htk", norm="slaney", min_freq=100.0, max_freq=7000.0),
    "constant_pad": dict(pad_mode="constant"),
    "symmetric_pad": dict(pad_mode="symmetric"),
    "no_center": dict(center=False),
    "no_center_constant": dict(center=False, pad_mode="constant"),
    "natural": dict(log_mode="natural", log_offset=1e-6),
    "natural_floor": dict(log_mode="natural", top_db=60.0),
    "whisper": dict(log_mode="whisper", mel_scale="slaney", norm="slaney"),
    "whisper_ref": dict(log_mode="whisper", ref_power=4.0, top_db=None),
    "db_offset": dict(log_offset=1e-3, top_db=None),
    "per_example": dict(top_db_scope="example", top_db=40.0),
    "drop_last": dict(drop_last_frame=True),
    "power_slaney": dict(power_to_db=False, mel_scale="slaney", norm="slaney"),
    "magnitude_htk": dict(power_to_db=False, mag_exp=1.0, mel_scale="htk"),
}


def _check(layer_kwargs, x, dtype):
    layer = fastmel.MelSpectrogram(**layer_kwargs)
    got = layer(x)
    assert got.dtype == dtype and got.shape == layer.compute_output_shape(x.shape)
    check_against_reference(got, x, **layer_kwargs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_option_against_reference(name, dtype):
    rng = np.random.default_rng(len(name))
    # Examples 40 dB apart: the per-example floor differs from the batch one.
    x = rng.standard_normal((3, 4000)) * np.array([[1.0], [0.01], [0.1]])
    _check(dict(BASE, **OPTIONS[name]), x.astype(dtype), dtype)


@pytest.mark.parametrize("name", sorted(OPTIONS))
@pytest.mark.parametrize("n", [1, 2, 199, 200, 201, 399, 400, 401, 511, 512, 513, 672])
def test_option_edge_lengths(name, n):
    x = np.random.default_rng(n).standard_normal((2, n)).astype(np.float32)
    _check(dict(BASE, **OPTIONS[name]), x, np.float32)


@given(
    n=st.integers(1, 3000),
    fft=st.sampled_from([16, 64, 255, 256, 400, 512]),
    hop=st.integers(1, 600),
    mels=st.integers(1, 48),
    scale=st.sampled_from(["keras", "htk", "slaney"]),
    norm=st.sampled_from([None, "slaney"]),
    center=st.booleans(),
    pad_mode=st.sampled_from(["reflect", "constant"]),
    log=st.sampled_from([None, "db", "natural", "whisper"]),
    top_db=st.sampled_from([None, 80.0, 20.0]),
    scope=st.sampled_from(["batch", "example"]),
    drop=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_options_property(
    n, fft, hop, mels, scale, norm, center, pad_mode, log, top_db, scope, drop, dtype, seed
):
    if scale == "keras":
        norm = None
    kwargs = dict(
        fft_length=fft,
        sequence_stride=hop,
        num_mel_bins=mels,
        sampling_rate=16000,
        min_freq=0.0,
        mel_scale=scale,
        norm=norm,
        center=center,
        pad_mode=pad_mode,
        power_to_db=log is not None,
        log_mode=log or "db",
        top_db=top_db,
        top_db_scope=scope,
        drop_last_frame=drop,
    )
    x = np.random.default_rng(seed).standard_normal((2, n)).astype(dtype)
    _check(kwargs, x, dtype)


def test_per_example_floor_does_not_depend_on_the_batch():
    rng = np.random.default_rng(3)
    quiet = rng.standard_normal(8000).astype(np.float32) * 1e-3
    loud = rng.standard_normal((2, 8000)).astype(np.float32)
    layer = fastmel.MelSpectrogram(**BASE, top_db=40.0, top_db_scope="example")
    alone = layer(quiet)
    # The quiet clip first, then last behind two loud ones.
    for batch, i in ((np.stack([quiet, loud[0]]), 0), (np.stack([loud[1], loud[0], quiet]), 2)):
        np.testing.assert_array_equal(layer(batch)[i], alone)
    # The Keras default does depend on it: that is what the option is for.
    keras_like = fastmel.MelSpectrogram(**BASE, top_db=40.0)
    assert not np.array_equal(keras_like(np.stack([quiet, loud[0]]))[0], keras_like(quiet))


def test_per_example_floor_over_leading_dims():
    x = np.random.default_rng(4).standard_normal((2, 3, 3000)).astype(np.float32)
    x *= np.logspace(0, -4, 6).reshape(2, 3, 1)
    layer = fastmel.MelSpectrogram(**BASE, top_db=30.0, top_db_scope="example")
    got = layer(x)
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(got[i, j], layer(x[i, j]))


@pytest.mark.parametrize("shape", [(4000,), (3, 4000), (2, 3, 4000), (2, 2, 3, 4000)])
@pytest.mark.parametrize("num_threads", [1, 3])
def test_channels_floor_is_torchaudios(shape, num_threads):
    """torchaudio's AmplitudeToDB: one maximum per batch item over its channels
    (the last leading axis), the whole input for < 2 leading axes."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape).astype(np.float32)
    # A quiet channel next to loud ones, and batch items at different levels.
    x *= np.logspace(0, -5, int(np.prod(shape[:-1]))).reshape(shape[:-1] + (1,))
    layer = fastmel.MelSpectrogram(**BASE, top_db=30.0, top_db_scope="channels")
    got = layer(x, num_threads=num_threads)
    raw = layer.replace(top_db=None)(x)
    axes = (-3, -2, -1) if len(shape) >= 3 else None
    thr = raw.max(axis=axes, keepdims=axes is not None) - np.float32(30.0)
    np.testing.assert_array_equal(got, np.maximum(raw, thr))
    if len(shape) >= 3:  # not the batch scope, not the example scope
        assert not np.array_equal(got, layer.replace(top_db_scope="batch")(x))
        assert not np.array_equal(got, layer.replace(top_db_scope="example")(x))


def test_whisper_log_is_the_whisper_recipe():
    # log10(max(M, 1e-10)), max - 8 over the whole array, (x + 4) / 4, computed here
    # from fastmel's own power output.
    x = np.random.default_rng(5).standard_normal((2, 5000))
    power = fastmel.MelSpectrogram.from_preset("whisper", power_to_db=False, dtype="float64")(x)
    log_spec = np.log10(np.maximum(power, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    want = (log_spec + 4.0) / 4.0
    got = fastmel.MelSpectrogram.from_preset("whisper", dtype="float64")(x)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_band_frequencies_and_filter_bank():
    layer = fastmel.MelSpectrogram(**dict(BASE, mel_scale="slaney", norm="slaney"))
    bank = layer.filter_bank("float64")
    want = hz_mel_matrix(40, 512, 16000, 0.0, 8000.0, "slaney", "slaney")
    np.testing.assert_allclose(bank, want, rtol=1e-12, atol=1e-15)
    centres = layer.band_frequencies
    assert centres.shape == (40,) and np.all(np.diff(centres) > 0)
    assert 0 < centres[0] < centres[-1] < 8000
    keras = fastmel.MelSpectrogram(**BASE)
    np.testing.assert_array_equal(
        keras.filter_bank(), fastmel.linear_to_mel_weight_matrix(40, 257, 16000, 0.0, 8000)
    )


def test_no_center_short_signal_has_no_frames():
    layer = fastmel.MelSpectrogram(**BASE, center=False)
    assert layer(np.ones(511, np.float32)).shape == (40, 0)
    assert layer(np.ones((2, 512), np.float32)).shape == (2, 40, 1)
    assert layer.compute_output_shape((3, 511)) == (3, 40, 0)
    one = fastmel.MelSpectrogram(**BASE, center=False, drop_last_frame=True)
    assert one(np.ones(600, np.float32)).shape == (40, 0)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (dict(mel_scale="mel"), ValueError, "mel_scale"),
        (dict(norm="area"), ValueError, "norm"),
        (dict(norm="slaney"), ValueError, "mel_scale"),  # with the Keras bank
        (dict(pad_mode="edge"), ValueError, "pad_mode"),
        (dict(log_mode="log2"), ValueError, "log_mode"),
        (dict(log_mode=None), ValueError, "log_mode"),
        (dict(log_offset=-1.0), ValueError, "log_offset"),
        (dict(log_offset=float("nan")), ValueError, "log_offset"),
        (dict(top_db_scope="row"), ValueError, "top_db_scope"),
        (dict(center="yes"), TypeError, "center"),
        (dict(drop_last_frame=None), TypeError, "drop_last_frame"),
    ],
)
def test_bad_options(bad, error, match):
    with pytest.raises(error, match=match):
        fastmel.MelSpectrogram(**bad)


def test_presets():
    assert set(fastmel.PRESETS) == {"keras", "librosa", "torchaudio", "whisper", "whisper-128"}
    assert (
        fastmel.MelSpectrogram.from_preset("keras").get_config()
        == fastmel.MelSpectrogram().get_config()
    )
    layer = fastmel.MelSpectrogram.from_preset("librosa", sampling_rate=16000)
    assert layer.sampling_rate == 16000 and layer.max_freq == 8000.0
    with pytest.raises(ValueError, match="unknown preset"):
        fastmel.MelSpectrogram.from_preset("kaldi")
    with pytest.raises(TypeError):
        fastmel.PRESETS["librosa"]["fft_length"] = 1  # read-only
