"""Regenerate keras_golden.npz from the real keras.layers.MelSpectrogram.

    pip install keras jax scipy numpy
    KERAS_BACKEND=numpy python tests/data/make_keras_golden.py

The tests only read the .npz; they do not need Keras. Each case stores its
layer arguments (JSON), the input signal and Keras's output. Signals are kept
short so that the file stays small.
"""

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "numpy")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261125)


def signal(shape, dtype="float32"):
    """Noise plus a swept tone, so that the spectrum has a clear peak."""
    n = shape[-1]
    t = np.arange(n) / 16000.0
    tone = 0.5 * np.sin(2 * np.pi * (300.0 + 2000.0 * t) * t)
    return (0.1 * rng.standard_normal(shape) + tone).astype(dtype)


CASES = [
    ("defaults", {}, (3000,), "float32"),
    ("defaults_batch", {}, (2, 4100), "float32"),
    ("defaults_3d", {}, (2, 2, 1500), "float32"),
    ("float64", {"dtype": "float64"}, (2, 2600), "float64"),
    (
        "hamming",
        {"window": "hamming", "fft_length": 512, "sequence_stride": 160, "num_mel_bins": 64},
        (2, 3000),
        "float32",
    ),
    (
        "window_none",
        {
            "window": None,
            "fft_length": 400,
            "sequence_length": 300,
            "sequence_stride": 128,
            "num_mel_bins": 40,
        },
        (2, 2000),
        "float32",
    ),
    (
        "window_array",
        {
            "window": "ARRAY",
            "fft_length": 512,
            "sequence_length": 400,
            "sequence_stride": 160,
            "num_mel_bins": 80,
        },
        (2, 2000),
        "float32",
    ),
    (
        "speech_25ms",
        {"fft_length": 512, "sequence_length": 400, "sequence_stride": 160, "num_mel_bins": 80},
        (2, 3200),
        "float32",
    ),
    (
        "whisper_like",
        {"fft_length": 400, "sequence_stride": 160, "num_mel_bins": 80, "max_freq": 8000},
        (2, 3200),
        "float32",
    ),
    (
        "odd_fft",
        {"fft_length": 511, "sequence_length": 401, "sequence_stride": 100, "num_mel_bins": 50},
        (2, 2000),
        "float32",
    ),
    (
        "prime_fft",
        {"fft_length": 257, "sequence_stride": 64, "num_mel_bins": 32},
        (1, 1500),
        "float32",
    ),
    (
        "non_pow2_fft",
        {
            "fft_length": 600,
            "sequence_length": 480,
            "sequence_stride": 240,
            "num_mel_bins": 60,
            "sampling_rate": 24000,
        },
        (2, 4000),
        "float32",
    ),
    (
        "stride_1",
        {"fft_length": 64, "sequence_stride": 1, "num_mel_bins": 16, "sampling_rate": 8000},
        (1, 300),
        "float32",
    ),
    (
        "stride_gt_fft",
        {"fft_length": 128, "sequence_stride": 300, "num_mel_bins": 20},
        (2, 3000),
        "float32",
    ),
    ("short_1", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10}, (1,), "float32"),
    ("short_2", {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 10}, (2, 2), "float32"),
    (
        "short_lt_pad",
        {"fft_length": 256, "sequence_stride": 64, "num_mel_bins": 20},
        (2, 50),
        "float32",
    ),
    (
        "exact_fft",
        {"fft_length": 256, "sequence_stride": 64, "num_mel_bins": 20},
        (2, 256),
        "float32",
    ),
    (
        "mag_exp_1",
        {"mag_exp": 1.0, "fft_length": 512, "sequence_stride": 256, "num_mel_bins": 40},
        (2, 3000),
        "float32",
    ),
    (
        "mag_exp_1_5",
        {"mag_exp": 1.5, "fft_length": 512, "sequence_stride": 256, "num_mel_bins": 40},
        (2, 3000),
        "float32",
    ),
    (
        "power",
        {"power_to_db": False, "fft_length": 512, "sequence_stride": 160, "num_mel_bins": 64},
        (2, 3000),
        "float32",
    ),
    (
        "power_float64",
        {
            "power_to_db": False,
            "fft_length": 512,
            "sequence_stride": 160,
            "num_mel_bins": 64,
            "dtype": "float64",
        },
        (2, 3000),
        "float64",
    ),
    (
        "ref_min_top",
        {
            "ref_power": 0.01,
            "min_power": 1e-6,
            "top_db": 30.0,
            "fft_length": 512,
            "sequence_stride": 200,
            "num_mel_bins": 48,
        },
        (2, 3000),
        "float32",
    ),
    (
        "negative_ref",
        {
            "ref_power": -2.0,
            "top_db": 120.0,
            "fft_length": 256,
            "sequence_stride": 100,
            "num_mel_bins": 30,
        },
        (1, 2000),
        "float32",
    ),
    (
        "freq_range",
        {
            "min_freq": 125.0,
            "max_freq": 3800.0,
            "sampling_rate": 8000,
            "fft_length": 256,
            "sequence_stride": 80,
            "num_mel_bins": 20,
        },
        (2, 1600),
        "float32",
    ),
    (
        "fractional_rate",
        {"sampling_rate": 22050, "fft_length": 1024, "sequence_stride": 256, "num_mel_bins": 96},
        (1, 5000),
        "float32",
    ),
]

MATRICES = [
    {},
    {
        "num_mel_bins": 128,
        "num_spectrogram_bins": 1025,
        "sampling_rate": 16000,
        "lower_edge_hertz": 20.0,
        "upper_edge_hertz": 8000,
    },
    {
        "num_mel_bins": 80,
        "num_spectrogram_bins": 257,
        "sampling_rate": 16000,
        "lower_edge_hertz": 0.0,
        "upper_edge_hertz": 8000.0,
    },
    {
        "num_mel_bins": 40,
        "num_spectrogram_bins": 201,
        "sampling_rate": 22050,
        "lower_edge_hertz": 30.0,
        "upper_edge_hertz": 11025.0,
    },
    {
        "num_mel_bins": 300,
        "num_spectrogram_bins": 129,
        "sampling_rate": 8000,
        "lower_edge_hertz": 125.0,
        "upper_edge_hertz": 3800.0,
    },
    {
        "num_mel_bins": 20,
        "num_spectrogram_bins": 129,
        "sampling_rate": 8000,
        "lower_edge_hertz": 125.0,
        "upper_edge_hertz": 3800.0,
        "dtype": "float64",
    },
]


def main():
    arrays, meta = (
        {},
        {
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "numpy": np.__version__,
            "cases": [],
            "matrices": [],
        },
    )
    for name, params, shape, dtype in CASES:
        params = dict(params)
        if params.get("window") == "ARRAY":
            length = params.get("sequence_length", params.get("fft_length", 2048))
            win = np.kaiser(length, 8.0)
            params["window"] = win.tolist()
        x = signal(shape, dtype)
        layer = keras.layers.MelSpectrogram(**params)
        if x.ndim <= 2:
            y = np.asarray(layer(x))
        else:  # Keras takes 1-D and 2-D input: run each 2-D slice.
            y = np.stack([np.asarray(layer(x2)) for x2 in x])
        arrays[f"{name}__x"] = x
        arrays[f"{name}__y"] = y
        config = {
            k: v for k, v in layer.get_config().items() if k not in ("name", "trainable", "dtype")
        }
        meta["cases"].append({"name": name, "params": params, "keras_config": config})
    probe = keras.layers.MelSpectrogram()
    for i, kwargs in enumerate(MATRICES):
        arrays[f"matrix{i}"] = np.asarray(probe.linear_to_mel_weight_matrix(**kwargs))
        meta["matrices"].append(kwargs)
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez_compressed(HERE / "keras_golden.npz", **arrays)
    print(f"wrote {len(CASES)} cases and {len(MATRICES)} matrices, Keras {keras.__version__}")


if __name__ == "__main__":
    main()
