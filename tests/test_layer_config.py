"""MelSpectrogram as a value: configuration, Keras configs, shapes, repr, immutability, kernels."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import fastmel

KERAS_KEYS = [
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
]


def test_default_config_resolves_like_keras():
    config = fastmel.MelSpectrogram().get_config()
    assert list(config)[:13] == KERAS_KEYS
    assert config["sequence_length"] == 2048
    assert config["max_freq"] == 8000
    assert config["window"] == "hann"
    assert config["top_db"] == 80.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        dict(
            fft_length=512,
            sequence_length=400,
            sequence_stride=160,
            num_mel_bins=80,
            window="hamming",
            sampling_rate=22050,
            min_freq=0.0,
            max_freq=11025.0,
            power_to_db=False,
            top_db=None,
            mag_exp=1.0,
            min_power=1e-6,
            ref_power=2.0,
            dtype="float64",
            num_threads=2,
        ),
        dict(fft_length=8, window=np.hanning(8)),
        dict(window=None, fft_length=64, sequence_length=32),
        dict(dtype="float32"),
        dict(
            mel_scale="slaney",
            norm="slaney",
            center=False,
            pad_mode="constant",
            log_mode="natural",
            log_offset=1e-6,
            top_db_scope="example",
            drop_last_frame=True,
            min_freq=0.0,
        ),
        dict(mel_scale="htk", log_mode="whisper", sampling_rate=22051),
    ],
)
def test_config_round_trip(kwargs):
    layer = fastmel.MelSpectrogram(**kwargs)
    config = layer.get_config()
    again = fastmel.MelSpectrogram.from_config(config)
    assert again.get_config() == config
    x = np.random.default_rng(0).standard_normal((2, 3000))
    np.testing.assert_array_equal(again(x), layer(x))
    unpickled = pickle.loads(pickle.dumps(layer))
    assert unpickled.get_config() == config
    np.testing.assert_array_equal(unpickled(x), layer(x))


def test_max_freq_zero_means_nyquist_truncated():
    assert fastmel.MelSpectrogram(max_freq=0, sampling_rate=22051).max_freq == 11025


def test_keras_float64_policy_means_float64():
    config = dict(
        fastmel.MelSpectrogram().get_config(),
        name="m",
        trainable=True,
        dtype={
            "module": "keras",
            "class_name": "DTypePolicy",
            "config": {"name": "float64"},
            "registered_name": None,
        },
    )
    layer = fastmel.MelSpectrogram.from_config(config)
    assert layer(np.zeros(4000, np.float32)).dtype == np.float64
    config["dtype"] = "mixed_float16"
    assert (
        fastmel.MelSpectrogram.from_config(config)(np.zeros(4000, np.float64)).dtype == np.float64
    )


@pytest.mark.parametrize(
    "n, stride", [(16000, 512), (511, 512), (1023, 512), (1, 160), (159, 160), (16001, 160)]
)
def test_compute_output_shape_is_true_shape(n, stride):
    layer = fastmel.MelSpectrogram(fft_length=1024, sequence_stride=stride, num_mel_bins=16)
    assert layer.compute_output_shape((3, n)) == layer(np.ones((3, n), np.float32)).shape
    assert layer.compute_output_shape((3, n)) == (3, 16, 1 + n // stride)
    assert layer.compute_output_shape((None, 2, None)) == (None, 2, 16, None)


def test_keras_docstring_shape_is_126():
    # Keras's docstring says (2, 80, 125); the real frame count is 126.
    layer = fastmel.MelSpectrogram(
        num_mel_bins=80, sampling_rate=8000, sequence_stride=128, fft_length=2048
    )
    assert layer.compute_output_shape((2, 16000)) == (2, 80, 126)


def test_repr_shows_non_defaults():
    assert repr(fastmel.MelSpectrogram()) == "MelSpectrogram()"
    text = repr(fastmel.MelSpectrogram(fft_length=512, num_mel_bins=80, window=None))
    assert text == "MelSpectrogram(fft_length=512, window=None, num_mel_bins=80)"
    assert repr(fastmel.MelSpectrogram(fft_length=4, window=np.ones(4))) == (
        "MelSpectrogram(fft_length=4, window=array)"
    )


def test_show_config(capsys):
    info = fastmel.show_config()
    assert info["lanes_float32"] >= 1 and info["lanes_float64"] >= 1
    assert info["kernel"] in capsys.readouterr().out


def test_unknown_kernel_name():
    with pytest.raises(ValueError, match="`kernel` must be one of"):
        fastmel.MelSpectrogram(kernel="sse9")
    # The environment variable is read once, at import: a value that names no
    # kernel is one line of warning (no traceback), and "auto" runs.
    code = "import fastmel; print(fastmel._engine.DEFAULT_KERNEL)"
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, FASTMEL_KERNEL="sse9"),
    )
    assert r.returncode == 0 and r.stdout.strip() == "auto", r.stderr
    assert "FASTMEL_KERNEL='sse9' names no kernel (one of auto, baseline, avx2)" in r.stderr
    assert "Traceback" not in r.stderr


def test_layers_are_immutable_and_replace_builds_a_new_one():
    layer = fastmel.MelSpectrogram(
        fft_length=512, sequence_stride=160, num_mel_bins=40, window=np.hanning(512)
    )
    for name, value in [("top_db", 10.0), ("num_mel_bins", 3), ("fresh", 1), ("_plans", {})]:
        with pytest.raises(AttributeError, match="immutable"):
            setattr(layer, name, value)
    with pytest.raises(AttributeError, match="immutable"):
        del layer.top_db
    with pytest.raises(ValueError, match="read-only"):
        layer.window[0] = 5.0
    x = np.random.default_rng(0).standard_normal(4000).astype(np.float32)
    changed = layer.replace(top_db=10.0)
    assert changed.top_db == 10.0 and layer.top_db == 80.0
    # Config, pickle, plans and streams agree for the new layer.
    again = pickle.loads(pickle.dumps(changed))
    np.testing.assert_array_equal(again(x), changed(x))
    stream = changed.stream()
    streamed = np.concatenate([stream.push(x), stream.flush()], axis=-1)
    np.testing.assert_array_equal(np.maximum(streamed, changed(x).max() - 10.0), changed(x))
    assert not np.array_equal(changed(x), layer(x))
    # replace re-derives what the constructor derived, unless given.
    assert fastmel.MelSpectrogram().replace(fft_length=1024).sequence_length == 1024
    assert fastmel.MelSpectrogram().replace(sampling_rate=22050).max_freq == 11025
    assert fastmel.MelSpectrogram(max_freq=5000).replace(sampling_rate=22050).max_freq == 5000
    with pytest.raises(TypeError, match="unknown MelSpectrogram arguments"):
        layer.replace(n_mels=3)


def test_kernel_argument_and_available_kernels(capsys):
    kernels = fastmel.available_kernels()
    assert "baseline" in kernels
    for kernel in kernels:
        layer = fastmel.MelSpectrogram(
            fft_length=64, sequence_stride=16, num_mel_bins=4, kernel=kernel
        )
        assert layer.get_config()["kernel"] == kernel
        assert pickle.loads(pickle.dumps(layer)).kernel == kernel
    info = fastmel.show_config()
    assert info["available"] == ", ".join(kernels)


def test_config_of_numpy_scalars_is_json():
    import json

    layer = fastmel.MelSpectrogram(
        fft_length=np.int64(512),
        sampling_rate=np.float32(16000),
        min_freq=np.float64(30),
        max_freq=np.int32(7000),
        top_db=np.float32(60),
        mag_exp=np.float64(1),
    )
    config = json.loads(json.dumps(layer.get_config()))
    assert config["sampling_rate"] == 16000.0 and config["fft_length"] == 512
    np.testing.assert_array_equal(
        fastmel.MelSpectrogram.from_config(config)(np.ones(3000)), layer(np.ones(3000))
    )


@pytest.mark.parametrize(
    "policy, dtype",
    [
        ({"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float64"}}, "f8"),
        ({"config": "float64"}, "f8"),
        ({"name": "float64"}, "f8"),
        ({"config": {"name": "mixed_float16"}}, "f4"),
    ],
)
def test_from_config_reads_keras_dtype_policy_dicts(policy, dtype):
    layer = fastmel.MelSpectrogram.from_config({"fft_length": 256, "dtype": policy})
    assert layer(np.ones(1000, np.float32)).dtype == np.dtype(dtype)


def test_from_config_rejects_a_policy_dict_without_a_name():
    with pytest.raises(TypeError, match="policy"):
        fastmel.MelSpectrogram.from_config({"dtype": {"config": 3}})


@pytest.mark.parametrize("name", ["sequence_stride", "fft_length", "num_mel_bins"])
def test_huge_sizes_are_value_errors(name):
    with pytest.raises(ValueError, match=name):
        fastmel.MelSpectrogram(**{name: 2**64})
    with pytest.raises(ValueError, match=name):
        fastmel.MelSpectrogram(**{name: 2**23 if name == "fft_length" else 2**60})
