"""Presets and options against librosa, torchaudio and whisper.

Golden arrays made by the real packages (tests/data/make_peer_golden.py) are
always checked; when a package is importable, the same comparisons also run
live on fresh signals.
"""

import json
import warnings

import numpy as np
import pytest
from conftest import DATA

import fastmel

# How a kind of output maps back to power, for a tolerance relative to the
# peak (SPEC.md: far below the peak, every implementation is rounding noise).
TO_POWER = {
    "power": lambda y: y,
    "db": lambda y: 10.0 ** (y / 10.0),
    "natural": np.exp,
    "whisper": lambda y: 10.0 ** (4.0 * (y - 1.0)),
}
# Largest output difference allowed near the peak (within 40 dB), per kind:
# 0.001 dB and its equivalents.
NEAR_PEAK = {"db": 1e-3, "natural": 1e-3 * np.log(10) / 10, "whisper": 1e-3 / 40}
# Power differences relative to the peak. torchaudio builds its filters in
# float32 arithmetic (its weights differ from librosa's float64 ones by up to
# ~5e-6 of the largest weight); fastmel's and librosa's agree bit for bit.
POWER_RTOL = 2e-5
FILTER_ATOL = 1e-5


def assert_peer_close(kind, got, want):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.all(np.isfinite(got)) and np.all(np.isfinite(want))
    if kind == "filters":
        np.testing.assert_allclose(got, want, rtol=0, atol=FILTER_ATOL * want.max())
        return
    to_power = TO_POWER[kind]
    pg, pw = to_power(got), to_power(want)
    peak = pw.max()
    np.testing.assert_array_less(np.abs(pg - pw), POWER_RTOL * peak + 1e-30)
    if kind in NEAR_PEAK:
        near = pw > peak * 1e-4
        np.testing.assert_array_less(np.abs(got - want)[near], NEAR_PEAK[kind])


def _golden():
    with np.load(DATA / "peer_golden.npz") as d:
        arrays = {k: d[k] for k in d.files}
    meta = json.loads(str(arrays.pop("meta")))
    return meta, arrays


META, ARRAYS = _golden()


def _layer(case):
    return fastmel.MelSpectrogram.from_preset(case["preset"], **case["overrides"])


@pytest.mark.parametrize("name", sorted(META["cases"]))
def test_golden(name):
    case = META["cases"][name]
    layer = _layer(case)
    want = ARRAYS[f"{name}/y"]
    if case["kind"] == "filters":
        got = layer.filter_bank()
    else:
        got = layer(ARRAYS[f"{name}/x"])
    assert_peer_close(case["kind"], got, want)


def test_librosa_filters_bit_identical():
    # fastmel rounds exactly as librosa does, so its float32 bank is librosa's.
    for name, case in META["cases"].items():
        if name.startswith("librosa_filters"):
            np.testing.assert_array_equal(_layer(case).filter_bank(), ARRAYS[f"{name}/y"])


def test_every_preset_has_golden_cases():
    presets = {case["preset"] for case in META["cases"].values() if case["kind"] != "filters"}
    assert presets == set(fastmel.PRESETS) - {"keras"}  # Keras: test_keras_golden.py


def test_every_option_value_has_golden_cases():
    seen = {}
    for case in META["cases"].values():
        args = dict(fastmel.PRESETS[case["preset"]], **case["overrides"])
        for key in (
            "mel_scale",
            "norm",
            "center",
            "pad_mode",
            "log_mode",
            "top_db_scope",
            "drop_last_frame",
        ):
            seen.setdefault(key, set()).add(
                args.get(key, fastmel.MelSpectrogram().get_config()[key])
            )
    assert seen["mel_scale"] >= {"htk", "slaney"}
    assert seen["norm"] == {None, "slaney"}
    assert seen["center"] == {True, False}
    assert seen["pad_mode"] == {"reflect", "constant"}
    assert seen["log_mode"] == {"db", "natural", "whisper"}
    assert seen["top_db_scope"] == {"batch", "example", "channels"}
    assert seen["drop_last_frame"] == {True, False}


# -- live comparisons -------------------------------------------------------------


def _signal(shape, rate, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(shape[-1]) / rate
    return (
        0.1 * rng.standard_normal(shape) + 0.3 * np.sin(2 * np.pi * (150 + 0.15 * rate * t) * t)
    ).astype(np.float32)


@pytest.mark.parametrize("sr, n", [(22050, 7001), (16000, 5000), (44100, 12345)])
def test_live_librosa(sr, n):
    librosa = pytest.importorskip("librosa")
    x = _signal((2, n), sr, n)
    want = librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=sr))
    got = fastmel.MelSpectrogram.from_preset("librosa", sampling_rate=sr)(x)
    assert_peer_close("db", got, want)
    bank = fastmel.MelSpectrogram.from_preset("librosa", sampling_rate=sr).filter_bank()
    np.testing.assert_array_equal(bank, librosa.filters.mel(sr=sr, n_fft=2048).T)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        dict(n_fft=1024, hop_length=256, n_mels=64, mel_scale="slaney", norm="slaney"),
        dict(center=False, f_min=100.0, f_max=6000.0),
        dict(pad_mode="constant", power=1.0),
    ],
)
def test_live_torchaudio(kwargs):
    pytest.importorskip("torchaudio")
    import torch
    import torchaudio

    x = _signal((2, 9000), 16000, 7)
    with warnings.catch_warnings():
        # "At least one mel filterbank has all zero values": so has fastmel's.
        warnings.simplefilter("ignore", UserWarning)
        want = torchaudio.transforms.MelSpectrogram(**kwargs)(torch.from_numpy(x)).numpy()
    names = dict(
        n_fft="fft_length",
        hop_length="sequence_stride",
        n_mels="num_mel_bins",
        f_min="min_freq",
        f_max="max_freq",
        power="mag_exp",
    )
    args = {names.get(k, k): v for k, v in kwargs.items()}
    if "fft_length" in args and "sequence_stride" not in args:
        args["sequence_stride"] = args["fft_length"] // 2
    got = fastmel.MelSpectrogram.from_preset("torchaudio", **args)(x)
    assert_peer_close("power", got, want)


# (torch's reflect padding needs more than fft_length // 2 samples; fastmel
# does not, see test_reference.py.)
@pytest.mark.parametrize("n_mels, samples", [(80, 16000), (128, 4321), (80, 201)])
def test_live_whisper(n_mels, samples):
    whisper = pytest.importorskip("whisper")
    import torch

    x = _signal((samples,), 16000, samples)
    want = whisper.log_mel_spectrogram(torch.from_numpy(x), n_mels=n_mels).numpy()
    preset = "whisper" if n_mels == 80 else "whisper-128"
    assert_peer_close("whisper", fastmel.MelSpectrogram.from_preset(preset)(x), want)
