"""fastmel.librosa against librosa 0.11: golden arrays, refusals, live comparisons.

Golden arrays made by the real librosa (tests/data/make_dropin_golden.py) are
always checked; when librosa imports, the functions also run live on fresh
signals (silences, a quiet channel, odd lengths, float32 and float64).
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from dropin_golden import ARRAYS, ERRORS, META, case_input, decode

import fastmel.librosa as fl

try:
    import librosa
except Exception:  # noqa: BLE001 - absent here
    librosa = None

live = pytest.mark.skipif(librosa is None, reason="librosa is not importable")

LR_CASES = sorted(k for k, v in META.items() if v["ref"] == "librosa")


def _numpy_function(module, name):
    assert module == "numpy", (module, name)
    return getattr(np, name)


def _random(shape):
    return np.random.default_rng(0).standard_normal(shape)


def _function(dotted):
    obj = fl
    for part in dotted.removeprefix("librosa.").split("."):
        obj = getattr(obj, part)
    return obj


def run_case(case, name):
    fn = _function(case["fn"])
    params = decode(case["params"], _numpy_function)
    x = case_input(case, name, _random)
    if x is None:
        return fn(**params)
    if case.get("input_arg", "y") in ("y", "S") and case["fn"].startswith("librosa.feature.m"):
        return fn(**{case.get("input_arg", "y"): x}, **params)
    return fn(x, **params)


def assert_close(got, want, peak=None):
    """Within float32 rounding of the array's largest value (SPEC: the error of
    a float32 implementation is relative to the peak, not to each value)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (
        got.shape, got.dtype, want.shape, want.dtype,
    )  # fmt: skip
    scale = np.abs(want).max() if peak is None else peak
    tol = (1e-5 if want.dtype == np.float32 else 1e-9) * scale
    np.testing.assert_array_less(np.abs(got.astype(np.float64) - want), tol + 1e-30)


@pytest.mark.parametrize("name", LR_CASES)
def test_librosa_golden(name):
    case = META[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the references' own warnings, checked below
        got = run_case(case, name)
    want = ARRAYS[f"{name}/y"]
    if isinstance(got, tuple):
        got, zf = got
        assert_close(zf, ARRAYS[f"{name}/zf"])
    # deltas: a derivative's rounding is relative to the data it differentiates
    peak = None
    if case["fn"] == "librosa.feature.delta":
        peak = np.abs(ARRAYS[case["input"]["shared"]]).max() * 0.1
    if (
        want.dtype == np.float64
        and case["input"]
        and case["input"]["dtype"] in ("float32", "complex64")
    ):
        peak = np.abs(want).max() * 1e4  # float32 input: float32's rounding, float64's dtype
    assert_close(got, want, peak)


# Where librosa raises and fastmel computes: none. Each refusal gives an error.
@pytest.mark.parametrize("error", [e for e in ERRORS if e["ref"] == "librosa"],
                         ids=lambda e: e["name"])  # fmt: skip
def test_librosa_refusals(error):
    if error["name"] == "lr_melspec_nan":
        error = dict(error, input={"stored": "nan", "dtype": "float32", "shape": [100]})
        ARRAYS.setdefault("nan", np.full(100, np.nan, np.float32))
    with pytest.raises((ValueError, TypeError)) as caught:
        run_case(error, error["name"])
    kind = error["error"].partition(":")[0]
    if kind == "ParameterError":
        assert isinstance(caught.value, fl.ParameterError), caught.value


def test_warnings_as_librosa():
    with pytest.warns(UserWarning, match="Empty filters detected"):
        fl.filters.mel(sr=16000, n_fft=512, n_mels=256, htk=True)
    with pytest.warns(UserWarning, match="too large for input signal"):
        fl.feature.melspectrogram(y=np.zeros(1000, np.float32), n_mels=40)
    with pytest.warns(UserWarning, match="complex input"):
        fl.power_to_db(np.ones(4, np.complex64))


def test_numpy_only():
    code = (
        "import sys, numpy as np\n"
        "import fastmel.librosa as lr\n"
        "y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)\n"
        "m = lr.feature.melspectrogram(y=y)\n"
        "lr.pcen(m * 2**31); lr.feature.delta(lr.feature.mfcc(y=y))\n"
        "assert 'torch' not in sys.modules and 'librosa' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- live ---------------------------------------------------------------------------------


def _audio(shape, dtype=np.float32, seed=3):
    rng = np.random.default_rng(seed)
    n = shape[-1]
    t = np.arange(n) / 22050.0
    x = 0.3 * np.sin(2 * np.pi * 11000.0 * t) + 0.05 * rng.standard_normal(shape)  # near Nyquist
    x[..., : n // 5] = 0.0  # silence
    if x.ndim > 1:
        x[(0,) * (x.ndim - 1)] *= 1e-3  # a quiet channel
    return x.astype(dtype)


MEL_OPTIONS = [
    {},
    dict(n_fft=512, hop_length=160, win_length=400, n_mels=40, fmin=20.0, fmax=7600.0),
    dict(window="hamming", center=False, power=1.0, htk=True, norm=None, n_mels=64),
    dict(pad_mode="reflect", norm=2.0, n_mels=32, dtype=np.float64),
]


@live
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(22051,), (2, 13001)])
@pytest.mark.parametrize("kw", MEL_OPTIONS)
def test_melspectrogram_and_mfcc_live(kw, shape, dtype):
    y = _audio(shape, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = librosa.feature.melspectrogram(y=y, **kw)
        got = fl.feature.melspectrogram(y=y, **kw)
        assert_close(got, want, np.abs(want).max() * (1 if want.dtype == dtype else 1e4))
        for extra in ({}, dict(n_mfcc=13, lifter=22, dct_type=3, norm=None)):
            mkw = {k: v for k, v in kw.items() if k != "norm"}
            w = librosa.feature.mfcc(y=y, **mkw, **extra)
            g = fl.feature.mfcc(y=y, **mkw, **extra)
            assert g.shape == w.shape and g.dtype == w.dtype
            scale = np.abs(w).max(axis=-2, keepdims=True)
            np.testing.assert_array_less(
                np.abs(g - w), np.broadcast_to(2e-5 * scale + 1e-3, g.shape)
            )


@live
@pytest.mark.parametrize("mode", ["interp", "nearest", "mirror", "constant", "wrap"])
@pytest.mark.parametrize("order", [1, 2])
def test_delta_live(mode, order):
    data = _audio((2, 13, 40), np.float64)
    got = fl.feature.delta(data, width=7, order=order, mode=mode, axis=1 if mode != "wrap" else -1)
    want = librosa.feature.delta(data, width=7, order=order, mode=mode,
                                 axis=1 if mode != "wrap" else -1)  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


@live
@pytest.mark.parametrize("kw", [{}, dict(gain=0.8, bias=10.0, power=0.25), dict(power=0.0),
                                dict(bias=0.0), dict(max_size=3), dict(b=0.3, axis=0)])  # fmt: skip
def test_pcen_live(kw):
    S = np.abs(_audio((40, 200), np.float64, seed=5)) * 2**31
    S[3] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, wzf = librosa.pcen(S, return_zf=True, **kw)
        got, gzf = fl.pcen(S, return_zf=True, **kw)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gzf, wzf, rtol=1e-12, atol=1e-12)
    # a signal in two pieces, the state carried, is the whole
    a, z = fl.pcen(S[:, :120], return_zf=True, **{k: v for k, v in kw.items() if k != "axis"})
    if "axis" not in kw:
        b = fl.pcen(S[:, 120:], zi=z, **kw)
        np.testing.assert_allclose(np.concatenate([a, b], axis=-1), got, rtol=1e-12, atol=1e-12)


def test_hostile_inputs_get_the_reference_answer_or_a_clear_error():
    """Found by a hostile probe of the drop-in."""
    rng = np.random.default_rng(7)
    # quiet float32 input keeps its precision (no cancellation in the formulas)
    S = np.full((1, 50), 1e-6, np.float32)
    np.testing.assert_allclose(fl.pcen(S), fl.pcen(S.astype(np.float64)), rtol=2e-6)
    # non-native float64 is computed in float64
    S = rng.random((4, 30)) * 1e-4
    np.testing.assert_array_equal(fl.pcen(S.astype(">f8")), fl.pcen(S))
    # a ref that broadcasts, an empty axis
    assert fl.pcen(S, ref=np.ones(30)).shape == (4, 30)
    assert fl.pcen(S[:, :0], axis=0).shape == (4, 0)
    # scalars
    assert np.isclose(fl.amplitude_to_db(0.5), -6.020599913279624)
    # hop_length=None: librosa.stft's win_length // 4
    y = rng.standard_normal(4000).astype(np.float32)
    np.testing.assert_array_equal(
        fl.feature.melspectrogram(y=y, hop_length=None, n_fft=512, n_mels=20),
        fl.feature.melspectrogram(y=y, hop_length=128, n_fft=512, n_mels=20),
    )
    with pytest.raises(ValueError, match="delta"):
        fl.feature.delta(rng.random((3, 20)), delta=0.0)
    with pytest.raises(ValueError, match="n_mels"):
        fl.feature.melspectrogram(y=y, n_mels=0)
    with pytest.raises(TypeError, match="n_fft"):
        fl.feature.melspectrogram(y=y, n_fft=2048.5)
    with pytest.raises(TypeError, match="complex"):
        fl.feature.mfcc(S=np.ones((40, 5), np.complex64))
    assert fl.feature.mfcc(S=np.ones((40, 5), np.float16)).dtype == np.float32
    with pytest.raises(fl.ParameterError, match="fmin"):
        fl.filters.mel(sr=16000, n_fft=512, fmin=4000.0, fmax=4000.0)
    assert fl.filters.mel(sr=16000, n_fft=512, n_mels=40.0).shape == (40, 257)


def test_cosine_window_is_scipys():
    """scipy's periodic cosine window, sin(pi (n + 1/2) / (N + 1)): built by
    scipy (fastmel does not build it by name)."""
    pytest.importorskip("scipy")
    from fastmel.librosa._util import window_values

    n = np.arange(4)
    np.testing.assert_allclose(window_values("cosine", 4), np.sin(np.pi * (n + 0.5) / 5))
    with pytest.raises(ValueError):
        window_values("sine", 4)
