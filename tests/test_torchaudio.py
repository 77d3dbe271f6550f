"""fastmel.torchaudio against torchaudio 2.11: values, signatures, tensors, modules.

Golden arrays made by the real torchaudio (tests/data/make_dropin_golden.py)
are always checked on NumPy input; when torch and torchaudio import, the same
transforms also run live on tensors, and the tensor rules (dtype kept, CPU
only, no autograd, ``nn.Module``) are checked.
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from dropin_golden import ARRAYS, ERRORS, META, case_input
from dropin_golden import decode as decode_tagged

import fastmel.torchaudio as fta
from fastmel.torchaudio import functional as FF
from fastmel.torchaudio import transforms as FT

try:  # the reference, when its venv is on the path
    import torch
    import torchaudio
except Exception:  # noqa: BLE001 - absent, or torchaudio's compiled part missing
    torch = None
    torchaudio = None

live = pytest.mark.skipif(torchaudio is None, reason="torchaudio is not importable")

# Kinds of output and how close: "power" (a spectrogram, any exponent) within
# POWER_RTOL of the array's peak; "db"/"ln" (logs) within LOG_ATOL near the
# peak and, converted back to power, within POWER_RTOL of the peak power;
# "cepstra" within CEPS_RTOL of each frame's largest coefficient plus CEPS_ATOL.
POWER_RTOL = 2e-6
LOG_ATOL = 1e-3
CEPS_RTOL, CEPS_ATOL = 2e-5, 1e-4


def assert_close(kind, got, want):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    if kind == "power":
        peak = np.abs(want).max() if want.size else 0.0
        np.testing.assert_array_less(np.abs(got - want), POWER_RTOL * peak + 1e-30)
    elif kind in ("db", "ln"):
        to_power = (lambda y: 10.0 ** (y / 10.0)) if kind == "db" else np.exp
        pg, pw = to_power(got), to_power(want)
        peak = pw.max()
        np.testing.assert_array_less(np.abs(pg - pw), POWER_RTOL * peak + 1e-30)
        near = pw > peak * 1e-4
        np.testing.assert_array_less(np.abs(got - want)[near], LOG_ATOL)
    elif kind == "cepstra":
        scale = np.abs(want).max(axis=-2, keepdims=True)
        np.testing.assert_array_less(
            np.abs(got - want), np.broadcast_to(CEPS_RTOL * scale + CEPS_ATOL, got.shape)
        )
    else:
        np.testing.assert_array_equal(got, want)


def _signal(shape, seed=0):
    rng = np.random.default_rng(seed)
    n = shape[-1]
    t = np.arange(n) / 16000.0
    tone = np.sin(2 * np.pi * 440.0 * t) * 0.3 + 0.05 * rng.standard_normal(shape)
    x = (tone * np.linspace(0.0, 1.0, n)).astype(np.float32)  # a fade in: quiet frames
    if x.ndim > 1:
        x[(0,) * (x.ndim - 1)] *= 1e-3  # one quiet channel
    return x


# -- live: transforms on tensors ----------------------------------------------------------

TRANSFORM_CASES = [
    ("Spectrogram", {}, "power"),
    ("Spectrogram", dict(n_fft=512, win_length=400, hop_length=160), "power"),
    ("Spectrogram", dict(power=1.0, normalized=True), "power"),
    ("Spectrogram", dict(normalized="frame_length", power=3.0), "power"),
    ("Spectrogram", dict(center=False, n_fft=256), "power"),
    ("Spectrogram", dict(pad=7), "power"),
    ("Spectrogram", dict(pad_mode="constant"), "power"),
    ("Spectrogram", dict(pad_mode="replicate"), "power"),
    ("Spectrogram", dict(pad_mode="circular", pad=3), "power"),
    ("Spectrogram", dict(window_fn="hamming_window"), "power"),
    ("Spectrogram", dict(onesided=False, n_fft=401), "power"),
    ("Spectrogram", dict(onesided=False, n_fft=256, power=1.0), "power"),
    ("Spectrogram", dict(window_fn="hann_window", wkwargs=dict(periodic=False)), "power"),
    ("Spectrogram", dict(window_fn="blackman_window", n_fft=300), "power"),
    (
        "Spectrogram",
        dict(window_fn="kaiser_window", wkwargs=dict(periodic=True, beta=8.0)),
        "power",
    ),
    ("MelSpectrogram", {}, "power"),
    (
        "MelSpectrogram",
        dict(
            sample_rate=22050,
            n_fft=1024,
            n_mels=64,
            f_max=8000.0,
            norm="slaney",
            mel_scale="slaney",
        ),
        "power",
    ),  # fmt: skip
    (
        "MelSpectrogram",
        dict(
            n_fft=512,
            win_length=400,
            hop_length=160,
            n_mels=80,
            f_min=20.0,
            power=1.0,
            normalized=True,
        ),
        "power",
    ),  # fmt: skip
    ("MFCC", {}, "cepstra"),
    (
        "MFCC",
        dict(log_mels=True, n_mfcc=13, norm=None, melkwargs=dict(n_fft=512, n_mels=40)),
        "cepstra",
    ),  # fmt: skip
    ("LFCC", {}, "cepstra"),
    (
        "LFCC",
        dict(
            log_lf=True,
            n_filter=64,
            n_lfcc=20,
            f_min=50.0,
            speckwargs=dict(n_fft=512, hop_length=128),
        ),
        "cepstra",
    ),  # fmt: skip
]


def _both(name, kw):
    kt, kf = dict(kw), dict(kw)
    if "window_fn" in kw:
        kt["window_fn"] = getattr(torch, kw["window_fn"])
        kf["window_fn"] = getattr(fta, kw["window_fn"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty mel bands, as torchaudio warns too
        return getattr(FT, name)(**kf), getattr(torchaudio.transforms, name)(**kt)


@live
@pytest.mark.parametrize("shape", [(7001,), (3, 7001), (2, 3, 4000)])
@pytest.mark.parametrize("name,kw,kind", TRANSFORM_CASES)
def test_transform_live(name, kw, kind, shape):
    ours, ref = _both(name, kw)
    t = torch.from_numpy(_signal(shape))
    got = ours(t)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    with torch.no_grad():
        want = ref(t)
    assert_close(kind, got.numpy(), want.numpy())
    # and NumPy in, NumPy out, the same numbers
    np.testing.assert_array_equal(ours(t.numpy()), got.numpy())


@live
@pytest.mark.parametrize("name,kw,kind", TRANSFORM_CASES[:1] + TRANSFORM_CASES[13:14])
def test_float64_tensors_as_a_double_module(name, kw, kind):
    """float64 in: computed in float64 with torchaudio's float32 window and bank
    values (what ``module.double()`` gives in torchaudio)."""
    ours, ref = _both(name, kw)
    t = torch.from_numpy(_signal((2, 5000)).astype(np.float64))
    got = ours(t)
    assert got.dtype == torch.float64
    want = ref.double()(t).numpy()
    np.testing.assert_allclose(got.numpy(), want, rtol=0, atol=1e-7 * np.abs(want).max())


@live
@pytest.mark.parametrize("stype", ["power", "magnitude"])
@pytest.mark.parametrize("top_db", [None, 80.0, 20.0])
@pytest.mark.parametrize("shape", [(201, 30), (3, 201, 30), (2, 3, 201, 30)])
def test_amplitude_to_db_live(stype, top_db, shape):
    spec = np.abs(_signal(shape[:-2] + (201 * 30,)).reshape(shape)) ** 2
    spec[..., :5] = 0.0  # silence: the amin clamp
    t = torch.from_numpy(spec)
    got = FT.AmplitudeToDB(stype, top_db)(t)
    want = torchaudio.transforms.AmplitudeToDB(stype, top_db)(t)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-6, atol=2e-5)


@live
@pytest.mark.parametrize("win_length", [3, 4, 5, 9])
@pytest.mark.parametrize("mode", ["replicate", "reflect", "constant", "circular"])
def test_compute_deltas_live(win_length, mode):
    spec = torch.from_numpy(_signal((2, 40 * 50)).reshape(2, 40, 50))
    got = FT.ComputeDeltas(win_length, mode)(spec)
    want = torchaudio.transforms.ComputeDeltas(win_length, mode)(spec)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        FF.compute_deltas(spec[0, 0], win_length, mode).numpy(),
        torchaudio.functional.compute_deltas(spec[0, 0], win_length, mode).numpy(),
        rtol=0,
        atol=1e-6,
    )


@live
def test_mel_scale_and_banks_live():
    spec = torch.from_numpy(np.abs(_signal((2, 201 * 40)).reshape(2, 201, 40)))
    got = FT.MelScale(n_mels=64, f_min=30.0, norm="slaney")(spec)
    want = torchaudio.transforms.MelScale(n_mels=64, f_min=30.0, norm="slaney")(spec)
    assert_close("power", got.numpy(), want.numpy())
    args = (201, 0.0, 8000.0, 80, 16000)
    assert torch.equal(FF.melscale_fbanks(*args), torchaudio.functional.melscale_fbanks(*args))
    assert torch.equal(FF.linear_fbanks(*args), torchaudio.functional.linear_fbanks(*args))
    for norm in ("ortho", None):
        np.testing.assert_allclose(
            FF.create_dct(13, 40, norm).numpy(),
            torchaudio.functional.create_dct(13, 40, norm).numpy(),
            rtol=0,
            atol=3e-7,
        )


@live
def test_functional_spectrogram_and_kaldi_live():
    x = torch.from_numpy(_signal((2, 6000)))
    window = torch.hann_window(400)
    got = FF.spectrogram(x, 0, window, 512, 160, 400, 2.0, False)
    want = torchaudio.functional.spectrogram(x, 0, window, 512, 160, 400, 2.0, False)
    assert_close("power", got.numpy(), want.numpy())
    for fn in ("fbank", "mfcc", "spectrogram"):
        got = getattr(fta.compliance.kaldi, fn)(x * 32768)
        want = getattr(torchaudio.compliance.kaldi, fn)(x * 32768)
        assert isinstance(got, torch.Tensor) and got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=0, atol=2e-3)


# -- live: the tensor rules ---------------------------------------------------------------


@live
def test_tensor_rules():
    mel = FT.MelSpectrogram(n_fft=256, n_mels=32)
    x = torch.from_numpy(_signal((2, 4000)))
    with pytest.raises(ValueError, match="requires grad.*detach"):
        mel(x.clone().requires_grad_(True))
    with pytest.raises(ValueError, match="on the CPU"):
        mel(torch.empty(4000, device="meta"))
    assert mel(x.double()).dtype == torch.float64
    # torch.stft's rule: half precision in, float32 out; elementwise transforms keep it
    assert mel(x.half()).dtype == torch.float32
    assert FT.AmplitudeToDB()(x.abs().half()).dtype == torch.float16
    assert FT.ComputeDeltas()(x.half()).dtype == torch.float16
    # 0-d tensors stay 0-d
    assert FT.AmplitudeToDB()(torch.tensor(2.0)).shape == torch.Size([])
    assert mel(x[:, ::2]).shape == mel(x[:, ::2].contiguous()).shape  # strided views read as is
    np.testing.assert_array_equal(mel(x[:, ::2]).numpy(), mel(x[:, ::2].contiguous()).numpy())


@live
def test_transforms_are_modules_when_torch_is_loaded():
    mel, db = FT.MelSpectrogram(n_mels=40), FT.AmplitudeToDB(top_db=80)
    assert isinstance(mel, torch.nn.Module) and isinstance(mel, FT.MelSpectrogram)
    seq = torch.nn.Sequential(mel, db).eval()
    x = torch.from_numpy(_signal((3, 8000)))
    want = torchaudio.transforms.AmplitudeToDB(top_db=80)(torchaudio.transforms.MelSpectrogram(
        n_mels=40)(x))  # fmt: skip
    assert_close("db", seq(x).numpy(), want.numpy())
    copy = pickle.loads(pickle.dumps(seq))
    assert torch.equal(copy(x), seq(x))
    assert not copy.training and not copy[0].training  # .eval() survives
    # torchaudio's parts and buffers, under its names: a checkpoint's state_dict loads
    ref = torchaudio.transforms.MFCC(n_mfcc=13, melkwargs=dict(n_mels=40))
    ours = FT.MFCC(n_mfcc=13, melkwargs=dict(n_mels=40))
    assert sorted(ours.state_dict()) == sorted(ref.state_dict())
    ours.load_state_dict(ref.state_dict(), strict=True)
    np.testing.assert_allclose(
        ours.MelSpectrogram.mel_scale.fb.numpy(), ref.MelSpectrogram.mel_scale.fb.numpy(), atol=2e-6
    )
    assert ours.MelSpectrogram.spectrogram.window.dtype == torch.float32
    assert "MelSpectrogram(n_mels=40)" in repr(seq)


# -- without torch: values, signatures, errors ------------------------------------------


def test_numpy_use_never_imports_torch():
    code = (
        "import sys, numpy as np\n"
        "import fastmel.torchaudio as ta\n"
        "x = np.zeros((2, 4000), np.float32)\n"
        "for t in (ta.transforms.Spectrogram(), ta.transforms.MelSpectrogram(),\n"
        "          ta.transforms.MFCC(), ta.transforms.LFCC()):\n"
        "    y = t(x); assert isinstance(y, np.ndarray), type(y)\n"
        "ta.transforms.AmplitudeToDB()(np.ones((3, 4)))\n"
        "ta.functional.compute_deltas(np.ones((3, 4)))\n"
        "ta.compliance.kaldi.fbank(np.zeros(4000, np.float32))\n"
        "assert 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code], check=True)


def test_refused_arguments_name_themselves():
    with pytest.raises(ValueError, match="power=None"):
        FT.Spectrogram(power=None)
    with pytest.raises(ValueError, match="DCT type not supported"):
        FT.MFCC(dct_type=3)
    with pytest.raises(ValueError, match="Invalid normalized"):
        FT.Spectrogram(normalized="peak")
    with pytest.raises(ValueError, match="pad_mode"):
        FT.Spectrogram(pad_mode="edge")
    with pytest.raises(ValueError, match="more MFCC coefficients"):
        FT.MFCC(n_mfcc=41, melkwargs=dict(n_mels=40))
    with pytest.raises(ValueError, match="win_length"):
        FT.Spectrogram(n_fft=256, win_length=400)
    with pytest.raises(ValueError, match="Window length"):
        FF.compute_deltas(np.ones((2, 5)), win_length=2)
    with pytest.raises(ValueError, match="top_db must be positive"):
        FT.AmplitudeToDB(top_db=-1)
    with pytest.raises(ValueError, match="f_min"):
        FT.MelSpectrogram(f_min=9000.0)


def test_short_signals_are_computed_where_torch_raises():
    """torch.stft refuses reflect padding longer than the signal and
    uncentred signals shorter than n_fft; fastmel reflects repeatedly (as
    np.pad) and gives 0 frames."""
    x = _signal((2, 150)).astype(np.float64)
    spec = FT.Spectrogram(power=1.0)
    padded = np.pad(x, [(0, 0), (200, 200)], mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, 400, axis=-1)[:, ::200]
    want = np.abs(np.fft.rfft(frames * fta.hann_window(400).astype(np.float64), axis=-1))
    np.testing.assert_allclose(spec(x), np.swapaxes(want, -1, -2), rtol=0, atol=1e-12)
    assert FT.Spectrogram(center=False)(x).shape == (2, 201, 0)
    assert FT.Spectrogram(pad_mode="replicate", pad=3)(x).shape == (2, 201, 1)


def test_options_are_fixed_and_transforms_pickle():
    mfcc = FT.MFCC(n_mfcc=13, melkwargs=dict(n_fft=512, n_mels=40))
    with pytest.raises(AttributeError, match="fixed at construction"):
        mfcc.n_mfcc = 20
    copy = pickle.loads(pickle.dumps(mfcc))
    x = _signal((2, 5000))
    np.testing.assert_array_equal(copy(x), mfcc(x))
    assert repr(copy) == "MFCC(n_mfcc=13, melkwargs={'n_fft': 512, 'n_mels': 40})"


def test_windows_match_their_definitions():
    n = np.arange(400)
    np.testing.assert_allclose(fta.hann_window(400), 0.5 - 0.5 * np.cos(2 * np.pi * n / 400),
                               atol=5e-7)  # fmt: skip
    np.testing.assert_allclose(fta.hamming_window(400, periodic=False), np.hamming(400), atol=5e-7)
    np.testing.assert_allclose(fta.blackman_window(64, False), np.blackman(64), atol=1e-7)
    np.testing.assert_allclose(fta.bartlett_window(65, False), np.bartlett(65), atol=1e-7)
    np.testing.assert_allclose(fta.kaiser_window(64, False, 8.0), np.kaiser(64, 8.0), atol=1e-7)
    assert fta.hann_window(1).tolist() == [1.0] and fta.hann_window(0).size == 0


# -- golden: torchaudio's outputs on NumPy input (no torch needed) ------------------------


TA_CASES = sorted(k for k, v in META.items() if v["ref"] == "torchaudio")


def _torch_window(module, name):
    assert module == "torch", (module, name)
    return getattr(fta, name)  # torch's windows: fastmel's NumPy twins


def decode(value):
    return decode_tagged(value, _torch_window)


def golden_input(case, name):
    return case_input(case, name, _signal)


# What each torchaudio callable returns, for the tolerance.
TA_KIND = {
    "Spectrogram": "power", "MelSpectrogram": "power", "MelScale": "power",
    "MFCC": "cepstra", "LFCC": "cepstra", "AmplitudeToDB": "db", "amplitude_to_DB": "db",
    "ComputeDeltas": "deltas", "compute_deltas": "deltas", "create_dct": "dct",
    "melscale_fbanks": "bank", "linear_fbanks": "bank", "spectrogram": "power",
}  # fmt: skip
# Banks and DCT matrices come as NumPy from fastmel's builders when torch is absent.
_NUMPY_MAKERS = {"melscale_fbanks": "melscale_fbanks", "linear_fbanks": "linear_fbanks"}


def run_torchaudio_case(case, x):
    kind, _, name = case["fn"].rpartition(".")
    if kind.endswith("transforms"):
        transform = getattr(FT, name)(**decode(case["ctor"]))
        return transform(x)
    params = decode(case["params"])
    if name in _NUMPY_MAKERS:
        from fastmel import _filters

        return getattr(_filters, _NUMPY_MAKERS[name])(**params)
    if name == "create_dct":
        from fastmel._stft import create_dct_matrix

        return create_dct_matrix(**params)
    return getattr(FF, name)(x, **params)


@pytest.mark.parametrize("name", TA_CASES)
def test_torchaudio_golden(name):
    case = META[name]
    x = golden_input(case, name)
    want = ARRAYS[f"{name}/y"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = np.asarray(run_torchaudio_case(case, x))
    # torchaudio's warning about empty mel filters, word for word
    ours = {str(w.message) for w in caught if "filterbank" in str(w.message)}
    if case["fn"].endswith(("MelSpectrogram", "MelScale", "MFCC")):
        assert ours == {m for m in case["warns"] if "filterbank" in m}, (ours, case["warns"])
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.dtype)
    kind = TA_KIND[case["fn"].rpartition(".")[2]]
    if kind == "deltas":
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6 * np.abs(x).max())
    elif kind in ("dct", "bank"):
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-6 * max(np.abs(want).max(), 1e-30))
    else:
        assert_close(kind, got, want)


# Where torchaudio raises and fastmel computes (each documented on its class).
COMPUTED_WHERE_TORCHAUDIO_RAISES = {
    # torch's hamming_window needs `periodic` before `alpha`; fastmel's takes it by name
    "ta_melspec_hamming_alpha_only",
    # float64 without .double(): fastmel computes in float64 (the .double() result)
    "ta_melspec_float64_no_double",
    "ta_mfcc_float64_no_double",
    "ta_melscale_float64_no_double",
    # short signals: reflected repeatedly / 0 frames
    "ta_melspec_too_short_reflect",
    "ta_melspec_center_false_too_short",
    # a 1-D input to AmplitudeToDB with top_db: one maximum over it (torch: IndexError)
    "ta_a2db_power_top80_1d",
}


@pytest.mark.parametrize("error", [e for e in ERRORS if e["ref"] == "torchaudio"],
                         ids=lambda e: e["name"])  # fmt: skip
def test_torchaudio_refusals(error):
    x = golden_input(error, error["name"])
    if error["name"] in COMPUTED_WHERE_TORCHAUDIO_RAISES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = np.asarray(run_torchaudio_case(error, x))
        assert np.all(np.isfinite(got)) or error["name"].endswith("1d")
        return
    with pytest.raises((ValueError, TypeError)):
        run_torchaudio_case(error, x)


def test_hostile_inputs_get_clear_answers():
    """Found by a hostile probe of the drop-ins: each gives the reference's
    answer or an error naming the argument."""
    with pytest.raises(TypeError, match="periodc"):
        FT.Spectrogram(n_fft=64, wkwargs={"periodc": False})
    with pytest.raises(ValueError, match="win_length"):
        FF.compute_deltas(np.ones((2, 50)), 5001)
    with pytest.raises(ValueError, match="all zeros"):
        FT.Spectrogram(n_fft=64, window_fn=lambda n: np.zeros(n), normalized=True)
    with pytest.raises(ValueError, match="n_mels"):
        FT.MelSpectrogram(n_mels=0)
    x = _signal((2, 3000))
    # window=None is torch.stft's rectangle
    got = FF.spectrogram(x, 0, None, 64, 16, 64, 2.0, False)
    want = FF.spectrogram(x, 0, np.ones(64), 64, 16, 64, 2.0, False)
    np.testing.assert_array_equal(got, want)
    # 0-d input stays 0-d
    assert np.shape(FT.AmplitudeToDB()(np.float32(2.0))) == ()
    # the parts torchaudio has, under its names
    mel = FT.MelSpectrogram(n_mels=40, mel_scale="slaney", norm="slaney")
    assert mel.mel_scale.mel_scale == "slaney" and mel.mel_scale.fb.shape == (201, 40)
    assert mel.spectrogram.window.shape == (400,)
    lfcc = FT.LFCC(n_filter=64)
    assert lfcc.filter_mat.shape == (201, 64) and lfcc.dct_mat.shape == (64, 40)
    with pytest.warns(UserWarning, match="filterbank has all zero"):  # (as torchaudio's)
        assert FT.MFCC().amplitude_to_DB.top_db == 80.0


def test_float64_normalized_uses_a_float64_norm():
    """A .double() module's window buffer is float64: its norm is taken in float64."""
    x = _signal((1, 4000)).astype(np.float64)
    w = fta.hann_window(400).astype(np.float64)
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(x[0], 200, mode="reflect"), 400)
    want = np.abs(np.fft.rfft(frames[::200] * w, axis=-1)).T ** 2 / np.sum(w * w)
    got = FT.Spectrogram(normalized=True)(x)[0]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * want.max())
