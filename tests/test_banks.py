"""The references' filter-bank builders in fastmel._filters against golden banks made by
the real transformers 5.23.0, torchaudio 2.11 and librosa 0.11
(tests/data/make_banks_golden.py), and against the references themselves when they
import: bit for bit (the sign of zeros included), except torchaudio's Slaney-scale
mel banks, whose edges above 1 kHz go through MKL's float32 exp."""

import json
import pathlib
import warnings
from fractions import Fraction

import numpy as np
import pytest

import fastmel.transformers as ft
from fastmel._filters import (
    _fma32,
    _sleef_pow10f,
    _torch_linspace,
    band_edges_hz,
    chroma_bank,
    chroma_filter_bank,
    linear_fbanks,
    mel_filter_bank,
    melscale_fbanks,
)

with np.load(pathlib.Path(__file__).parent / "data" / "banks_golden.npz") as _golden:
    GOLDEN = {k: _golden[k] for k in _golden.files}
META = json.loads(str(GOLDEN.pop("meta")))
REFUSALS = json.loads(str(GOLDEN.pop("errors")))
BUILDERS = {
    "tf_mel": mel_filter_bank,
    "ta_mel": melscale_fbanks,
    "ta_linear": linear_fbanks,
    "tf_chroma": chroma_filter_bank,
    "lr_chroma": chroma_bank,
}
# torchaudio's Slaney mel banks: an edge above 1 kHz is one ulp off where MKL's float32
# exp is not correctly rounded, which moves a weight by up to about ulp(edge) / (the
# band's width): measured at most 0.93 x peak x ulp(f_max) / narrowest width over 6000
# random configurations (1.9e-5 of the peak at worst), allowed twice that.
TORCH_SLANEY_ULPS = 2.0


def build(kind, params):
    """fastmel's bank for a case's parameters, and whether it warned of empty filters."""
    p = dict(params)
    if p.get("weighting_parameters") is not None:
        p["weighting_parameters"] = tuple(p["weighting_parameters"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = BUILDERS[kind](**p)
    warned = any("mel bands are empty" in str(w.message) for w in caught)
    return got, warned


def assert_same_bits(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))  # -0.0 where it is


def assert_torch_slaney_close(got, want, params):
    """Within TORCH_SLANEY_ULPS x peak x ulp(f_max) / the narrowest band's width."""
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    edges = band_edges_hz(params["n_mels"], params["f_min"], params["f_max"], "slaney")
    ulp = float(np.spacing(np.float32(params["f_max"])))
    tol = TORCH_SLANEY_ULPS * float(np.abs(want).max()) * ulp / float(np.diff(edges).min())
    assert tol < 1e-3  # a tolerance, not a pass
    np.testing.assert_allclose(got, want, rtol=0, atol=tol)


@pytest.mark.parametrize("case", sorted(META))
def test_golden_banks(case):
    meta = META[case]
    want = GOLDEN[f"{case}/y"]
    got, warned = build(meta["kind"], meta["params"])
    assert warned == meta["warns"], "warns of empty filters exactly when the reference does"
    assert want.any()
    p = meta["params"]
    if meta["kind"] == "ta_mel" and p["mel_scale"] == "slaney" and p["f_max"] > 1000.0:
        assert_torch_slaney_close(got, want, p)
    else:
        assert_same_bits(got, want)


def test_golden_cover_the_option_grid():
    tf = [m["params"] for m in META.values() if m["kind"] == "tf_mel"]
    grid = {
        (p["mel_scale"], p["norm"], p["triangularize_in_mel_space"], p.get("dtype", "float64"))
        for p in tf
    }
    assert len(grid) == 3 * 2 * 2 * 2
    assert {p["num_mel_filters"] for p in tf} >= {1, 40, 80, 128}
    assert {p["sampling_rate"] for p in tf} >= {8000, 16000, 22050, 44100}
    assert any((p["num_frequency_bins"] - 1) * 2 + 1 == 1023 for p in tf)
    ta = [m["params"] for m in META.values() if m["kind"] == "ta_mel"]
    assert {(p["mel_scale"], p["norm"]) for p in ta} == {
        (s, n) for s in ("htk", "slaney") for n in (None, "slaney")
    }
    assert {(p["n_mels"] + 2) % 16 == 0 for p in ta} == {True, False}
    below_1k = {p["norm"] for p in ta if p["mel_scale"] == "slaney" and p["f_max"] <= 1000.0}
    assert below_1k == {None, "slaney"}  # bit for bit: no exp
    lr = [m["params"] for m in META.values() if m["kind"] == "lr_chroma"]
    assert {p["norm"] for p in lr} >= {None, 1.0, 2.0, np.inf}
    assert {p["tuning"] for p in lr} == {-0.5, 0.0, 0.3} and {p["base_c"] for p in lr} == {
        True,
        False,
    }
    assert sum(m["warns"] for m in META.values()) >= 3


REFUSED_ARGUMENT = {
    "tf_mel_bad_norm": "norm",
    "tf_mel_bad_scale": "mel_scale",
    "tf_mel_one_bin": "num_frequency_bins",
    "tf_mel_min_above_max": "max_frequency",
    "ta_mel_bad_scale": "mel_scale",
    "ta_mel_bad_norm": "norm",
    "lr_chroma_bad_norm": "norm",
    "lr_chroma_bad_n_fft": "n_fft",
}


@pytest.mark.parametrize("refusal", REFUSALS, ids=[r["name"] for r in REFUSALS])
def test_what_the_references_refuse_is_refused(refusal):
    with pytest.raises(ValueError, match=f"`{REFUSED_ARGUMENT[refusal['name']]}`"):
        BUILDERS[refusal["kind"]](**refusal["params"])


TF_MEL = dict(
    num_frequency_bins=201,
    num_mel_filters=40,
    min_frequency=0.0,
    max_frequency=8000.0,
    sampling_rate=16000,
)
TA_MEL = dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_mels=40, sample_rate=16000)
TA_LIN = dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_filter=40, sample_rate=16000)
TF_CHROMA = dict(num_frequency_bins=2048, num_chroma=12, sampling_rate=22050)
LR_CHROMA = dict(sr=22050, n_fft=2048)
INF, NAN = float("inf"), float("nan")


TF, TA, LIN = (mel_filter_bank, TF_MEL), (melscale_fbanks, TA_MEL), (linear_fbanks, TA_LIN)
TFC, LRC = (chroma_filter_bank, TF_CHROMA), (chroma_bank, LR_CHROMA)
VALUE_ERRORS = [  # ((builder, good arguments), bad arguments, the message)
    (TF, dict(num_mel_filters=0), "`num_mel_filters` must be >= 1"),
    (TF, dict(num_mel_filters=-3), "`num_mel_filters` must be >= 1"),
    (TF, dict(num_frequency_bins=0), "`num_frequency_bins` must be >= 2"),
    (TF, dict(min_frequency=-1.0), "`min_frequency` must be >= 0"),
    # equal edges: transformers accepts them and returns NaN
    (TF, dict(min_frequency=8000.0), "`max_frequency` .* greater than `min_frequency`"),
    (TF, dict(max_frequency=INF), "`max_frequency` must be finite"),
    (TF, dict(min_frequency=NAN), "`min_frequency` must be finite"),
    (TF, dict(sampling_rate=0), "`sampling_rate` must be > 0"),
    (TF, dict(sampling_rate=INF), "`sampling_rate` must be finite"),
    (TF, dict(norm="Slaney"), "`norm` must be one of"),
    (TF, dict(mel_scale="mel"), "`mel_scale` must be one of"),
    (TA, dict(n_freqs=0), "`n_freqs` must be >= 1"),
    (TA, dict(n_mels=0), "`n_mels` must be >= 1"),
    (TA, dict(f_min=-20.0), "`f_min` must be >= 0"),
    (TA, dict(f_max=0.0), "`f_max` .* greater than `f_min`"),
    (TA, dict(sample_rate=-16000), "`sample_rate` must be > 0"),
    (TA, dict(sample_rate=NAN), "`sample_rate` must be finite"),
    (TA, dict(mel_scale="kaldi"), "`mel_scale` must be one of"),
    (TA, dict(norm="area"), "`norm` must be one of"),
    (LIN, dict(n_filter=0), "`n_filter` must be >= 1"),
    (LIN, dict(n_freqs=-1), "`n_freqs` must be >= 1"),
    (LIN, dict(f_max=-5.0), "`f_max` .* greater than `f_min`"),
    (LIN, dict(f_min=INF), "`f_min` must be finite"),
    (LIN, dict(sample_rate=0.0), "`sample_rate` must be > 0"),
    (TFC, dict(num_frequency_bins=1), "`num_frequency_bins` must be >= 2"),
    (TFC, dict(num_chroma=0), "`num_chroma` must be >= 1"),
    (TFC, dict(sampling_rate=0), "`sampling_rate` must be > 0"),
    (TFC, dict(tuning=NAN), "`tuning` must be finite"),
    (TFC, dict(power=0.0), "`power` must be None, a finite number > 0"),
    (TFC, dict(power=INF), "`power` must be None, a finite number > 0"),
    (TFC, dict(weighting_parameters=(5.0, 0.0)), r"`weighting_parameters\[1\]` must be > 0"),
    (TFC, dict(weighting_parameters=(NAN, 2.0)), r"`weighting_parameters\[0\]` must be finite"),
    (TFC, dict(weighting_parameters=(5.0,)), "`weighting_parameters` must be None or"),
    (LRC, dict(n_fft=0), "`n_fft` must be >= 2"),
    (LRC, dict(n_chroma=-12), "`n_chroma` must be >= 1"),
    (LRC, dict(sr=-1.0), "`sr` must be > 0"),
    (LRC, dict(tuning=INF), "`tuning` must be finite"),
    (LRC, dict(ctroct=NAN), "`ctroct` must be finite"),
    (LRC, dict(octwidth=0), "`octwidth` must be > 0"),
    (LRC, dict(norm=-1), "`norm` must be None, a finite number > 0, 0, inf or -inf"),
    (LRC, dict(norm=NAN), "`norm` must be None, a finite number > 0, 0, inf or -inf"),
]
TYPE_ERRORS = [
    (TF, dict(num_mel_filters=2.5), "`num_mel_filters` must be an integer"),
    (TF, dict(triangularize_in_mel_space="yes"), "`triangularize_in_mel_space` must be a bool"),
    (TF, dict(dtype="int32"), "`dtype` must be a floating dtype"),
    (TFC, dict(power="l2"), "`power` must be None or a real number"),
    (TFC, dict(start_at_c_chroma=None), "`start_at_c_chroma` must be a bool"),
    (LRC, dict(norm="l2"), "`norm` must be None or a real number"),
    (LRC, dict(dtype=np.int16), "`dtype` must be a floating dtype"),
]


@pytest.mark.parametrize(
    "exc, builder, bad, match",
    [(ValueError, *case) for case in VALUE_ERRORS] + [(TypeError, *case) for case in TYPE_ERRORS],
)
def test_bad_arguments_raise_naming_the_argument(exc, builder, bad, match):
    fn, good = builder
    fn(**good)  # the good arguments alone are accepted
    with pytest.raises(exc, match=match):
        fn(**dict(good, **bad))


def test_empty_filters_warn_and_the_bank_still_comes():
    empty = [0, 3, 6, 13]  # HTK's lowest bands between two bins
    with pytest.warns(
        UserWarning, match=r"4 of 128 mel bands are empty \(all-zero filters 0, 3, 6, 13\)"
    ):
        w = mel_filter_bank(201, 128, 0.0, 8000.0, 16000)
    assert w.shape == (201, 128) and not w[:, empty].any()
    assert np.delete(w, empty, axis=1).any(axis=0).all()
    with pytest.warns(
        UserWarning, match=r"9 of 40 mel bands are empty \(all-zero filters 31, .*, 38, ...\)"
    ):
        fb = melscale_fbanks(257, 0.0, 8000.0, 40, 8000)  # up to twice Nyquist
    assert not fb[:, 31:].any() and fb[:, :31].any(axis=0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mel_filter_bank(201, 80, 0.0, 8000.0, 16000, "slaney", "slaney")
        assert not linear_fbanks(257, 0.0, 8000.0, 40, 8000)[:, 39].any()  # and no warning


def test_the_extractors_banks_are_transformers_own():
    """Whisper's and Parakeet's banks are built by mel_filter_bank, as there."""
    whisper = ft.WhisperFeatureExtractor(feature_size=128).mel_filters
    assert_same_bits(whisper, GOLDEN["tf_mel_whisper128/y"])
    whisper80 = ft.WhisperFeatureExtractor().mel_filters
    assert_same_bits(whisper80, GOLDEN["tf_mel_slaney_slaney_hz_float64_400_80_16000/y"])
    parakeet = ft.ParakeetFeatureExtractor().mel_filters
    assert_same_bits(parakeet, GOLDEN["tf_mel_parakeet/y"].T)


def test_float32_is_cast_before_the_slaney_norm():
    """The float32 bank is the float64 triangles rounded to float32, then scaled in
    float64 and rounded again: not the float64 bank rounded once."""
    args = (513, 80, 0.0, 8000.0, 16000, "slaney", "slaney")
    w32 = mel_filter_bank(*args, dtype=np.float32)
    w64 = mel_filter_bank(*args)
    assert w32.dtype == np.float32 and w64.dtype == np.float64
    assert not np.array_equal(w32, w64.astype(np.float32))
    np.testing.assert_allclose(w32, w64, rtol=2e-7, atol=0)


def test_hz_triangles_sum_to_at_most_one_and_mel_space_differs():
    w = mel_filter_bank(1025, 10, 0.0, 8000.0, 16000, mel_scale="kaldi")
    assert w.max() <= 1.0 and (w.sum(axis=1) <= 1.0 + 1e-12).all()  # partition of unity
    wm = mel_filter_bank(
        1025, 10, 0.0, 8000.0, 16000, mel_scale="kaldi", triangularize_in_mel_space=True
    )
    assert not np.array_equal(w, wm) and np.abs(w - wm).max() < 0.1


def test_chroma_wrappers_share_one_bank():
    lr = chroma_bank(22050, 1023, n_chroma=24, tuning=0.3, norm=2, dtype=np.float64)
    tf = chroma_filter_bank(1023, 24, 22050, tuning=0.3)
    assert lr.shape == tf.shape == (24, 512) and lr.flags.c_contiguous
    np.testing.assert_array_equal(lr, tf)
    np.testing.assert_allclose(
        np.sqrt((chroma_bank(8000, 512, octwidth=None) ** 2).sum(0)), 1.0, rtol=1e-6
    )
    flat = chroma_bank(8000, 512, norm=np.inf, octwidth=None, dtype=np.float64)
    np.testing.assert_array_equal(flat.max(axis=0), 1.0)


# -- the float32 emulation of torch's kernels ------------------------------------------


def test_fma32_rounds_once():
    rng = np.random.default_rng(3)
    a, b, c = (
        (rng.standard_normal(2000) * 10.0 ** rng.integers(-8, 8, 2000)).astype(np.float32)
        for _ in range(3)
    )
    got = _fma32(a, b, c)
    assert got.dtype == np.float32 and got.shape == (2000,)
    for x, y, z, r in zip(a[:300], b[:300], c[:300], got[:300], strict=True):
        exact = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
        err = abs(Fraction(float(r)) - exact)
        for neighbour in (
            np.nextafter(r, np.float32(-np.inf)),
            np.nextafter(r, np.float32(np.inf)),
        ):
            assert err <= abs(Fraction(float(neighbour)) - exact)  # r is a nearest float32
    assert (got != a * b + c).any()  # rounding the product first differs somewhere
    # Just below a float32 midpoint by less than float64 resolves: rounding the float64
    # sum again would give the midpoint's even neighbour, 1 + 2**-22.
    one_ulp = np.float32(1 + 2.0**-23)
    tiny = np.float32(2.0**-24 * (1 - 2.0**-23))
    assert _fma32(one_ulp, tiny, one_ulp) == one_ulp
    assert np.float32(float(one_ulp) * float(tiny) + float(one_ulp)) != one_ulp


def test_torch_linspace_hits_its_ends():
    for start, end, n in [(0.0, 8000.0, 201), (13.7, 2840.02, 42), (0.0, 1.0, 2), (5.0, 9.0, 3)]:
        x = _torch_linspace(start, end, n)
        assert x.dtype == np.float32 and x.shape == (n,)
        assert x[0] == np.float32(start) and x[-1] == np.float32(end)
        assert (np.diff(x) > 0).all()
    assert _torch_linspace(3.0, 5.0, 1).tolist() == [3.0]


def test_sleef_pow10_is_within_one_ulp():
    y = np.linspace(-1.0, 3.5, 20001, dtype=np.float32)
    got = _sleef_pow10f(y)
    exact = np.power(10.0, y.astype(np.float64))
    ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
    assert got.dtype == np.float32 and (np.abs(got - exact) <= ulp).all()
    assert _sleef_pow10f(np.float32([0, 1, 2, 3])).tolist() == [1.0, 10.0, 100.0, 1000.0]


# -- against the references themselves, when they import -------------------------------


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _mel_configs(seed, n, names):
    """``n`` random mel-bank configurations: the rng and the arguments (bins, filters,
    lowest Hz, highest Hz, rate, norm) under the reference's ``names``."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        rate = _pick(rng, [8000, 16000, 22050, 44100, 48000])
        bins = _pick(rng, [256, 400, 401, 512, 1023, 1024]) // 2 + 1
        fmin = _pick(rng, [0.0, 20.0, float(rng.uniform(0.0, 400.0))])
        fmax = _pick(rng, [rate / 2, float(rng.uniform(fmin + 300.0, rate / 2))])
        n_mels = int(rng.integers(1, 140))
        values = (bins, n_mels, fmin, fmax, rate, _pick(rng, [None, "slaney"]))
        yield rng, dict(zip(names, values, strict=True))


def _reference(fn, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = fn(**params)
    return np.asarray(y), any("all zero values" in str(w.message) for w in caught)


TF_NAMES = ("num_frequency_bins", "num_mel_filters", "min_frequency", "max_frequency")
TA_NAMES = ("n_freqs", "n_mels", "f_min", "f_max", "sample_rate", "norm")


def test_live_transformers():
    audio_utils = pytest.importorskip("transformers.audio_utils")
    for rng, params in _mel_configs(11, 60, (*TF_NAMES, "sampling_rate", "norm")):
        params.update(
            mel_scale=_pick(rng, ["htk", "slaney", "kaldi"]),
            triangularize_in_mel_space=_pick(rng, [False, True]),
            dtype=_pick(rng, [np.float32, np.float64]),
        )
        want, warns = _reference(audio_utils.mel_filter_bank, **params)
        got, warned = build("tf_mel", params)
        assert_same_bits(got, want)
        assert warned == warns
        chroma = dict(
            num_frequency_bins=(params["num_frequency_bins"] - 1) * 2,
            num_chroma=_pick(rng, [12, 24, 5]),
            sampling_rate=params["sampling_rate"],
            tuning=float(rng.uniform(-0.5, 0.5)),
            power=_pick(rng, [None, 1.0, 2.0, 3.0]),
            weighting_parameters=_pick(rng, [None, (5.0, 2.0), (3.5, 1.0)]),
            start_at_c_chroma=_pick(rng, [False, True]),
        )
        assert_same_bits(chroma_filter_bank(**chroma), audio_utils.chroma_filter_bank(**chroma))


def test_live_torchaudio():
    pytest.importorskip("torch")
    functional = pytest.importorskip("torchaudio.functional")
    for rng, params in _mel_configs(12, 120, TA_NAMES):
        params["mel_scale"] = _pick(rng, ["htk", "slaney"])
        want, warns = _reference(functional.melscale_fbanks, **params)
        got, warned = build("ta_mel", params)
        assert warned == warns
        if params["mel_scale"] == "htk":
            assert_same_bits(got, want)
        else:
            assert_torch_slaney_close(got, want, params)
        linear = {k: params[k] for k in ("n_freqs", "f_min", "f_max", "sample_rate")}
        linear["n_filter"] = params["n_mels"]
        assert_same_bits(linear_fbanks(**linear), functional.linear_fbanks(**linear).numpy())


def test_live_librosa():
    librosa = pytest.importorskip("librosa")
    rng = np.random.default_rng(13)
    for _ in range(40):
        params = dict(
            sr=_pick(rng, [8000, 16000, 22050, 44100]),
            n_fft=_pick(rng, [256, 400, 511, 1023, 2048]),
            n_chroma=_pick(rng, [12, 24, 7]),
            tuning=float(rng.uniform(-0.5, 0.5)),
            ctroct=float(rng.uniform(3.0, 6.0)),
            octwidth=_pick(rng, [None, 2, 1.5]),
            norm=_pick(rng, [None, 1, 2, np.inf, -np.inf, 0, 2.5]),
            base_c=_pick(rng, [False, True]),
            dtype=_pick(rng, [np.float32, np.float64]),
        )
        assert_same_bits(chroma_bank(**params), librosa.filters.chroma(**params))
