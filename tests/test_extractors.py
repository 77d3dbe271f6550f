"""fastmel.transformers' AST, SeamlessM4T and Parakeet extractors against
transformers 5.23 (golden arrays from tests/data/make_extractor_golden.py; live
when transformers is installed)."""

import inspect
import json
import logging
import pathlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastmel.transformers as ft
from fastmel._engine import available_kernels
from fastmel.transformers._parakeet import _normalise_quirk

DATA = pathlib.Path(__file__).parent / "data"
with np.load(DATA / "extractor_golden.npz") as _d:
    GOLDEN = {k: _d[k] for k in _d.files}
META = json.loads(str(GOLDEN.pop("meta")))
CLASSES = {
    "ast": ft.ASTFeatureExtractor,
    "seamless": ft.SeamlessM4TFeatureExtractor,
    "parakeet": ft.ParakeetFeatureExtractor,
}
# FRONTENDS.md: log-fbank-based and Parakeet's normalised features within 1e-3.
TOL = 1e-3
# The cases fastmel computes as the reference's default path: AST's torchaudio
# path (its NumPy path, taken only without torchaudio, frames 8 kHz audio
# differently), and every SeamlessM4T and Parakeet case.
CASES = sorted(n for n, c in META["cases"].items() if c["path"] != "numpy" or c["ext"] != "ast")


def _input(case):
    form, x = case["form"], case["x"]

    def clip(name):
        return GOLDEN[f"inputs/{name}"]

    forms = {
        "array": lambda: clip(x),
        "array_f64": lambda: clip(x).astype(np.float64),
        "array_f16": lambda: clip(x).astype(np.float16),
        "array_i16": lambda: (clip(x) * 32767).astype(np.int16),
        "list": lambda: clip(x).tolist(),
        "arrays": lambda: [clip(n) for n in x],
        "lists": lambda: [clip(n).tolist() for n in x],
        "array2d": lambda: clip(x),
        "array3d": lambda: clip(x),
        "arrays2d": lambda: list(clip(x)),
        "array4d": lambda: clip(x)[None],
        "tensor": lambda: clip(x),  # torch.from_numpy there: fastmel takes the array
        "tensors": lambda: [clip(n) for n in x],
        "empty_array": lambda: np.zeros(0, np.float32),
        "empty_list": lambda: [],
    }
    return forms[form]()


def _features_key(case):
    return "input_values" if case["ext"] == "ast" else "input_features"


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    case = META["cases"][name]
    fe = CLASSES[case["ext"]](**case["init"])
    out = fe(_input(case), return_tensors="np", **case["call"])
    assert sorted(out) == sorted(case["outputs"])
    for key in case["outputs"]:
        got, want = out[key], GOLDEN[f"{name}/{key}"]
        assert got.shape == want.shape and got.dtype == want.dtype, key
        if key == "attention_mask":
            np.testing.assert_array_equal(got, want)
            continue
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        if name not in ILL_CONDITIONED:
            np.testing.assert_allclose(got, want, atol=TOL, rtol=0, equal_nan=True)


def _own_error(name):
    """The reference's float32 result against its own code run in float64."""
    return (META["ref64"].get(name) or {}).get("max_abs_f32_error") or 0.0


# Single clips whose normalisation divides bands nearly constant in time by a
# tiny deviation, so that the reference's own float32 rounding exceeds the
# tolerance (silence, a 1e-6 clip, the bands far from a pure tone).
ILL_CONDITIONED = sorted(n for n in CASES if _own_error(n) > TOL)


@pytest.mark.parametrize("name", ILL_CONDITIONED)
def test_ill_conditioned_cases(name):
    """Each band within TOL plus its condition number times float32 rounding
    of the reference and of the reference run in float64: exact where the
    problem is, and no noisier than float32 allows where it is not."""
    case = META["cases"][name]
    assert case["form"] == "array"
    x = _input(case)
    fe = CLASSES[case["ext"]](**case["init"])
    got = fe(x, return_tensors="np", **case["call"]).input_features[0]
    want = GOLDEN[f"{name}/input_features"][0]
    ref64 = GOLDEN[f"ref64/{name}/input_features"][0].astype(np.float64)
    if case["ext"] == "seamless":
        plain = ft.SeamlessM4TFeatureExtractor(stride=1, num_mel_bins=fe.num_mel_bins)
        raw = plain(x, sampling_rate=16000, do_normalize_per_mel_bins=False).input_features[0]
        frames = got.shape[0] * fe.stride
        got, want, ref64 = (a.reshape(frames, -1) for a in (got, want, ref64))
        raw = raw[:frames].astype(np.float64)
        denominator = np.sqrt(raw.var(axis=0, ddof=1) + 1e-7)
    else:
        frames = (x.size + 2 * (fe.n_fft // 2) - fe.n_fft) // fe.hop_length
        raw = fe._run(fe._plain_plan, x[None].astype(np.float32), None, 1)[0].astype(np.float64)
        got, want, ref64, raw = got[:frames], want[:frames], ref64[:frames], raw[:frames]
        denominator = raw.std(axis=0, ddof=1) + 1e-5
    eps = float(np.finfo(np.float32).eps)
    # Per band: the normalisation's condition number times float32 rounding,
    # or the reference's own distance from its float64 run on this clip,
    # whichever is larger (a float32 FFT of a pure tone also leaves its far
    # bands with little precision, before any normalisation).
    conditioning = TOL + 16 * eps * np.abs(raw).max(axis=0) / denominator
    own = np.abs(want - ref64).max(axis=0)
    assert (np.abs(got - ref64).max(axis=0) <= np.maximum(conditioning, own.max())).all()
    # Bands where the problem is well-conditioned and the reference precise:
    # within TOL of the exact result.
    sound = (conditioning < 2 * TOL) & (own <= TOL / 4)
    assert (np.abs(got - ref64)[:, sound] <= TOL).all()


ERRORS_MATCHED = {
    # case: the exception fastmel raises and a part of its message
    "ast_sr_mismatch": (ValueError, "was trained using a sampling rate of 16000"),
    "ast_sr8000_init_only": (ValueError, "was trained using a sampling rate of 8000"),
    "ast_array3d": (ValueError, "Only mono-channel audio"),
    "ast_300": (ValueError, "clip 0 has 300 samples, fewer than one frame"),
    "ast_1": (ValueError, "fewer than one frame"),
    "ast_empty_array": (ValueError, "fewer than one frame"),
    "ast_empty_list": (ValueError, "empty"),
    "sm_sr_mismatch": (ValueError, "sampling rate of 16000"),
    "sm_max_length_missing": (ValueError, "make sure that max_length is defined"),
    "sm_truncation_no_max_length": (ValueError, "make sure that ``max_length`` is defined"),
    "sm_ragged_no_pad": (ValueError, "different lengths after padding"),
    "sm_padding_bad": (ValueError, "is not a valid PaddingStrategy"),
    "sm_array4d": (ValueError, "Only mono-channel or stereo-channel"),
    "sm_empty_list": (ValueError, "empty"),
    "pk_sr_mismatch": (ValueError, "ParakeetFeatureExtractor was trained"),
    "pk_max_length_missing": (ValueError, "max_length is defined"),
    "pk_truncation_no_max_length": (ValueError, "``max_length`` is defined"),
    "pk_max_length_shorter_no_trunc": (ValueError, "different lengths after padding"),
    "pk_empty_list": (ValueError, "empty"),
}


@pytest.mark.parametrize("name", sorted(ERRORS_MATCHED))
def test_errors(name):
    case = META["errors"][name]
    exc, text = ERRORS_MATCHED[name]
    fe = CLASSES[case["ext"]](**case["init"])
    with pytest.raises(exc, match=text.replace("(", r"\(")) as info:
        fe(_input(case), **case["call"])
    if "sampling rate" in text or "trained" in text:
        assert str(info.value) == case["message"]  # the reference's message exactly


# Where the reference fails by accident and fastmel computes (documented).
ACCEPTED = {
    "ast_int16": ("input_values", (1, 1024, 128)),
    "ast_float16": ("input_values", (1, 1024, 128)),
    "ast_tensors": ("input_values", (2, 1024, 128)),
    "sm_int16": ("input_features", None),
    "sm_100": ("input_features", (1, 0, 160)),
    "sm_1": ("input_features", (1, 0, 160)),
    "sm_empty_array": ("input_features", (1, 0, 160)),
    "pk_list_form": ("input_features", None),
    "pk_lists_form": ("input_features", None),
    "pk_stereo_arrays2d": ("input_features", None),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_inputs_the_reference_fails_on(name):
    case = META["errors"][name]
    key, shape = ACCEPTED[name]
    fe = CLASSES[case["ext"]](**case["init"])
    got = np.asarray(fe(_input(case), **case["call"])[key])  # (AST: a list of arrays)
    if shape is not None:
        assert got.shape == shape
    assert got.dtype == np.float32 and np.isfinite(got).all()


def test_every_error_case_is_tested():
    assert set(META["errors"]) - set(ERRORS_MATCHED) - set(ACCEPTED) <= {
        "ast_100",  # as ast_300
        "ast_numpy_100",  # the reference's NumPy path (see CASES)
        "ast_numpy_1",
        "sm_sr8000_init_only",  # as sm_sr_mismatch
        "pk_sr8000_init_only",
    }


def test_int16_and_lists_mean_what_they_say():
    clip = GOLDEN["inputs/c_0_3s"]
    pk = ft.ParakeetFeatureExtractor()
    as_list = pk(clip.tolist(), sampling_rate=16000).input_features
    np.testing.assert_array_equal(as_list, pk(clip, sampling_rate=16000).input_features)
    stereo = np.stack([clip, clip], axis=-1)
    np.testing.assert_allclose(
        pk([stereo], sampling_rate=16000).input_features,
        pk(clip, sampling_rate=16000).input_features,
        atol=1e-5,
    )
    sm = ft.SeamlessM4TFeatureExtractor()
    i16 = (clip * 32767).astype(np.int16)
    np.testing.assert_array_equal(
        sm(i16, sampling_rate=16000).input_features,
        sm(i16.astype(np.float32), sampling_rate=16000).input_features,
    )


@pytest.mark.parametrize("ext", sorted(CLASSES))
def test_signatures_match_the_reference(ext):
    cls = CLASSES[ext]
    for method in ("__init__", "__call__"):
        want = [
            (p["name"], p.get("default", "<required>"))
            for p in META["signatures"][ext][method]["parameters"]
        ]
        got = [
            (p.name, "<required>" if p.default is p.empty else p.default)
            for p in inspect.signature(getattr(cls, method)).parameters.values()
        ]
        # **kwargs has no default on either side
        want = [(n, d if n != "kwargs" else "<required>") for n, d in want]
        assert got == want, method


@pytest.mark.parametrize("name", sorted(n for n in META["to_dict"] if "numpy" not in n))
def test_config_round_trip(name, tmp_path):
    entry = META["to_dict"][name]
    want = json.loads(entry["to_dict"])
    fe = CLASSES[entry["ext"]](**entry["init"])
    assert fe.to_dict() == want
    assert list(fe.to_dict()) == list(want)  # the reference's key order
    assert repr(fe) == f"{type(fe).__name__} {entry['to_json_string']}"
    again = type(fe).from_dict(dict(want, some_extra_key=7, processor_class="P"))
    assert again.some_extra_key == 7 and again.to_dict() == dict(want, some_extra_key=7)
    (tmp_path / "preprocessor_config.json").write_text(json.dumps(want))
    assert type(fe).from_pretrained(tmp_path).to_dict() == want


@pytest.mark.parametrize(
    "name, ext",
    [
        ("seamless_default", "seamless"),
        ("seamless_custom", "seamless"),
        ("seamless_sr8000", "seamless"),
        ("parakeet_default", "parakeet"),
        ("parakeet_custom", "parakeet"),
    ],
)
def test_mel_filters(name, ext):
    init = META["to_dict"].get(name, {}).get("init")
    if init is None:  # the filters of a golden case's extractor
        init = META["cases"][name.replace("seamless", "sm")]["init"]
    fe = CLASSES[ext](**init)
    want = GOLDEN[f"mel_filters/{name}"]
    assert fe.mel_filters.shape == want.shape
    np.testing.assert_allclose(fe.mel_filters, want, atol=1e-6 if ext == "parakeet" else 1e-9)


def test_sampling_rate_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="fastmel.transformers"):
        ft.ParakeetFeatureExtractor()(np.zeros(1000, np.float32))
    assert "sampling_rate" in caplog.text


def _clips(draw_lengths, seed):
    rng = np.random.default_rng(seed)
    out = []
    for i, n in enumerate(draw_lengths):
        gain = [1.0, 1e-3, 30.0][i % 3]
        out.append((gain * rng.standard_normal(n)).astype(np.float32))
    return out


@settings(max_examples=25, deadline=None)
@given(
    lengths=st.lists(st.integers(400, 9000), min_size=1, max_size=5),
    seed=st.integers(0, 2**32 - 1),
    threads=st.sampled_from([1, 2, 3]),
)
def test_variable_length_batches_equal_each_clip_alone(lengths, seed, threads):
    """Every clip's features equal those of that clip alone, whatever it is
    batched with (its own frames, floors and statistics), on any thread count."""
    clips = _clips(lengths, seed)
    ast = ft.ASTFeatureExtractor(max_length=64, num_threads=threads)
    sm = ft.SeamlessM4TFeatureExtractor(num_threads=threads)
    pk = ft.ParakeetFeatureExtractor(num_threads=threads)
    a_batch = ast(clips, sampling_rate=16000).input_values
    s_batch = sm(clips, sampling_rate=16000)
    p_batch = pk(clips, sampling_rate=16000)
    for i, clip in enumerate(clips):
        np.testing.assert_array_equal(a_batch[i], ast(clip, sampling_rate=16000).input_values[0])
        s_one = sm(clip, sampling_rate=16000)
        rows = s_one.input_features.shape[1]
        np.testing.assert_array_equal(s_batch.input_features[i, :rows], s_one.input_features[0])
        assert s_batch.attention_mask[i, :rows].sum() == s_one.attention_mask[0].sum()
        assert (s_batch.input_features[i, rows:] == 0).all()
        p_one = pk(clip, sampling_rate=16000)
        frames = p_one.input_features.shape[1]
        np.testing.assert_array_equal(p_batch.input_features[i, :frames], p_one.input_features[0])
        np.testing.assert_array_equal(p_batch.attention_mask[i, :frames], p_one.attention_mask[0])
        assert (p_batch.input_features[i, frames:] == 0).all()
        assert not p_batch.attention_mask[i, frames:].any()


def test_parakeet_engine_path_equals_the_reference_formula():
    """The engine's per-row normalisation (right padding) equals the
    reference's masked formula, which fastmel runs for the other layouts."""
    clips = _clips([5000, 16000, 777], 3)
    pk = ft.ParakeetFeatureExtractor()
    fast = pk(clips, sampling_rate=16000).input_features
    slow = ft.ParakeetFeatureExtractor(padding_value=1e-30, preemphasis=None)
    # no pre-emphasis and a (negligible) non-zero padding value: the quirk path
    pre = []
    for c in clips:
        y = c.copy()
        y[1:] -= np.float32(0.97) * c[:-1]
        pre.append(y)
    np.testing.assert_allclose(slow(pre, sampling_rate=16000).input_features, fast, atol=2e-4)


def test_returns_the_references_containers():
    """return_tensors=None: AST a list of arrays, SeamlessM4T arrays, Parakeet
    torch tensors when torch is importable (NumPy arrays otherwise), as the
    golden data records the references'; "np" arrays everywhere."""
    import importlib.util

    clips = [np.zeros(4000, np.float32), np.ones(6000, np.float32)]
    has_torch = importlib.util.find_spec("torch") is not None
    for ext, cls in CLASSES.items():
        want = META["return_types"][ext]["None"]["keys"]
        out = cls()(clips, sampling_rate=16000)
        assert sorted(out) == sorted(want)
        for key, spec in want.items():
            kind = spec["type"]
            if kind == "torch.Tensor" and not has_torch:
                kind = "numpy.ndarray"
            assert (
                f"{type(out[key]).__module__}.{type(out[key]).__name__}".replace("builtins.", "")
                == kind
            ), (ext, key)
        out = cls()(clips, sampling_rate=16000, return_tensors="np")
        assert all(isinstance(v, np.ndarray) for v in out.values())
    torch = pytest.importorskip("torch")
    out = ft.ParakeetFeatureExtractor()(clips[0], sampling_rate=16000, return_tensors="pt")
    assert out.attention_mask.dtype == torch.bool


def test_live_against_transformers():
    transformers = pytest.importorskip("transformers")
    clips = _clips([12345, 16000, 4000], 5)
    for name, cls in [
        ("ASTFeatureExtractor", ft.ASTFeatureExtractor),
        ("SeamlessM4TFeatureExtractor", ft.SeamlessM4TFeatureExtractor),
        ("ParakeetFeatureExtractor", ft.ParakeetFeatureExtractor),
    ]:
        ref = getattr(transformers, name)()
        fe = cls.from_feature_extractor(ref)
        want = ref(clips, sampling_rate=16000, return_tensors="np")
        got = fe(clips, sampling_rate=16000, return_tensors="np")
        for key in want:
            np.testing.assert_allclose(got[key], want[key], atol=TOL, rtol=0)


def test_parakeet_left_padding_filters_the_padded_row():
    """With left padding and a padding value, the reference pre-emphasises the
    whole padded row (the padding enters the clip's first sample) and then
    zeroes from each clip's length on; fastmel's formula path does the same."""
    clips = _clips([4000, 16000], 0)
    fe = ft.ParakeetFeatureExtractor(padding_side="left", padding_value=0.25)
    got = fe(clips, sampling_rate=16000)
    batch = np.full((2, 16000), np.float32(0.25))
    batch[0, -4000:] = clips[0]
    batch[1] = clips[1]
    y = batch.copy()
    y[:, 1:] -= np.float32(0.97) * batch[:, :-1]
    y[0, 4000:] = 0.0  # the reference's mask, from the (left-aligned) length on
    plain = ft.ParakeetFeatureExtractor(preemphasis=None)
    want = plain([y[0], y[1]], sampling_rate=16000)
    # the same rows, normalised over the same frame counts
    np.testing.assert_allclose(got.input_features[1], want.input_features[1], atol=2e-4)
    feats = plain._run(plain._plain_plan, y.astype(np.float32), None, 1)
    valid = np.array([4000, 16000]) // 160
    np.testing.assert_allclose(got.input_features[0], _normalise_quirk(feats, valid)[0], atol=1e-5)


@pytest.mark.parametrize("cls", [ft.ASTFeatureExtractor, ft.SeamlessM4TFeatureExtractor])
def test_complex_audio_as_the_reference_takes_it(cls):
    """transformers 5.23 refuses one complex 1-D array, and computes the real
    part's features of complex clips in a list or a 2-D array (checked with
    the real extractors)."""
    with pytest.raises(ValueError, match="Complex-valued"):
        cls()(np.ones(16000, np.complex64), sampling_rate=16000)
    x = np.random.default_rng(3).standard_normal((2, 16000))
    fe = cls()
    key = fe.model_input_names[0]
    want = fe([x[0], x[1, :8000]], sampling_rate=16000)[key]
    with pytest.warns(np.exceptions.ComplexWarning):
        got = fe([x[0] + 2j, x[1, :8000] - 1j], sampling_rate=16000)[key]
    np.testing.assert_array_equal(got, want)
    with pytest.warns(np.exceptions.ComplexWarning):
        got = fe(x + 1j, sampling_rate=16000)[key]
    np.testing.assert_array_equal(got, fe(x, sampling_rate=16000)[key])


@pytest.mark.parametrize(
    "cls", [ft.ASTFeatureExtractor, ft.WhisperFeatureExtractor], ids=lambda c: c.__name__
)
@pytest.mark.parametrize("shape", [(2, 16000), (16000, 2), (1, 16000)])
def test_a_clip_of_channels_in_a_list_is_refused(cls, shape):
    """transformers fails on them; fastmel flattened them (the concatenation or
    the interleaving of the channels) and now says why it refuses."""
    with pytest.raises(ValueError, match=r"clip 1 has shape .*only mono-channel"):
        cls()([np.zeros(16000), np.zeros(shape)], sampling_rate=16000)


@pytest.mark.parametrize(("bins", "rate"), [(128, 16000), (80, 44100), (80, 48000)])
@pytest.mark.parametrize("n", [1280, 1600, 2240, 2880, 4160, 4480])
def test_seamless_normalises_as_the_reference_sums(bins, rate, n):
    """transformers normalises each band of the transposed features (bins,
    frames).T, whose float32 mean and variance NumPy sums pairwise along each
    band's contiguous frames; on a band empty at this rate (constant over the
    frames) any other order of summation is an ulp off, and the division by
    sqrt(0 + 1e-7) made that +-3.0e-3 or 6.0e-3 where the reference gives 0
    (8, 16, 24, 26-32 frames; checked against transformers 5.23 on these
    inputs: within 8e-6 now)."""
    fe = ft.SeamlessM4TFeatureExtractor(num_mel_bins=bins, sampling_rate=rate)
    x = (0.1 * np.random.default_rng(n).standard_normal(n)).astype(np.float32)
    raw = fe(x, sampling_rate=rate, do_normalize_per_mel_bins=False)["input_features"][0]
    normed = fe(x, sampling_rate=rate)["input_features"][0].reshape(-1, bins)
    bands = np.ascontiguousarray(raw.reshape(-1, bins).T).T  # the reference's layout
    want = (bands - bands.mean(0)[None]) / np.sqrt(bands.var(0, ddof=1)[None] + 1e-7)
    constant = np.all(bands == bands[:1], axis=0)
    assert constant.any()  # the empty bands
    np.testing.assert_array_equal(normed[:, constant], want[:, constant])
    np.testing.assert_allclose(normed, want, rtol=0, atol=1e-5)


@pytest.mark.parametrize("side", ["right", "left"])
def test_parakeet_truncated_to_no_sample_is_the_references_one_frame(side):
    """truncation=True, max_length=0: transformers' STFT of the empty batch is
    one frame of centring zeros (log(2**-24) in every band), normalised over
    the clips' uncut lengths: -9.9498 and -7.0 for 1 s and 0.5 s (measured
    with transformers 5.23). fastmel gave NaN (left) or raised (right)."""
    x = np.random.default_rng(0).standard_normal((2, 16000)).astype(np.float32)
    fe = ft.ParakeetFeatureExtractor(padding_side=side)
    out = fe(
        [x[0], x[1, :8000]],
        sampling_rate=16000,
        truncation=True,
        max_length=0,
        padding="max_length",
    )
    feats = out["input_features"]
    assert feats.shape == (2, 1, 80) and out["attention_mask"].tolist() == [[True], [True]]
    silent = float(np.log(np.float32(2.0**-24)))
    for row, n in zip(feats, (100, 50), strict=True):
        mean = silent / n
        want = (silent - mean) / (np.sqrt((silent - mean) ** 2 / (n - 1)) + 1e-5)
        np.testing.assert_allclose(row, want, rtol=1e-6)
    np.testing.assert_allclose(feats[:, 0, 0], [-9.9497995, -7.0], atol=5e-5)


def test_seamless_input_without_channels_is_refused():
    """(batch, 0 channels, samples) took channel 0 of nothing: an IndexError
    (found by tests/fuzz/fuzz_frontends.py); now a ValueError saying so."""
    fe = ft.SeamlessM4TFeatureExtractor()
    with pytest.raises(ValueError, match="no channel"):
        fe(np.zeros((2, 0, 16000), np.float32), sampling_rate=16000)
    with pytest.raises(ValueError, match="clip 1 of shape .* no channel"):
        fe([np.zeros(16000), np.zeros((0, 16000))], sampling_rate=16000)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(hop_length=0.0), TypeError, "`hop_length` must be an integer"),
        (dict(hop_length=0), ValueError, "`hop_length` must be >= 1"),
        (dict(chunk_length=0), ValueError, "`chunk_length` must be >= 1"),
        (dict(sampling_rate=0), ValueError, "`sampling_rate` must be >= 1"),
        (dict(n_fft=2**23), ValueError, "`n_fft` must be <= "),
        (dict(feature_size=-1), ValueError, "`feature_size` must be >= 1"),
    ],
)
def test_whisper_sizes_are_checked_first(kwargs, error, match):
    """hop_length=0.0 divided the clip's samples before any check: a
    ZeroDivisionError (found by tests/fuzz/fuzz_frontends.py)."""
    with pytest.raises(error, match=match):
        ft.WhisperFeatureExtractor(**kwargs)


@pytest.mark.parametrize(
    "cls",
    [
        ft.WhisperFeatureExtractor,
        ft.ASTFeatureExtractor,
        ft.SeamlessM4TFeatureExtractor,
        ft.ParakeetFeatureExtractor,
    ],
    ids=lambda c: c.__name__,
)
def test_a_batch_of_no_clip_is_refused(cls):
    """An array of shape (0, samples) reached the padding with no clip: a
    KeyError from an empty set in Whisper (found by tests/fuzz/fuzz_frontends.py)."""
    for empty in (np.zeros((0, 3143), np.float32), np.zeros((0, 1, 16000), np.float32), []):
        with pytest.raises(ValueError, match="empty|mono-channel"):  # (3-D: not Whisper's, AST's)
            cls()(empty, sampling_rate=16000)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(max_length=1e300), TypeError, "`max_length` must be an integer"),
        (dict(max_length=2**60), ValueError, "`max_length` must be <="),
        (dict(pad_to_multiple_of=0), ValueError, "`pad_to_multiple_of` must be >= 1"),
        (dict(pad_to_multiple_of=2.5), TypeError, "`pad_to_multiple_of` must be an integer"),
    ],
)
def test_padding_sizes_are_checked(kwargs, error, match):
    """A float or astronomically large max_length reached the engine's size
    arithmetic: an OverflowError (found by tests/fuzz/fuzz_frontends.py)."""
    x = np.zeros(16000, np.float32)
    with pytest.raises(error, match=match):
        ft.WhisperFeatureExtractor()(x, sampling_rate=16000, **kwargs)


def _box_muller_16(u: np.ndarray) -> np.ndarray:
    """torch's normal_fill_16 on rows of 16 uniforms, in double (theta as
    torch rounds it to float): each row's cosines then sines."""
    radius = np.sqrt(-2.0 * np.log(1.0 - u[:, :8]))
    theta = (np.float32(2.0 * np.pi) * u[:, 8:].astype(np.float32)).astype(np.float64)
    return np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1)


@pytest.mark.parametrize("kernel", available_kernels())
@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 31, 32, 1000, 1007, 624 * 16 + 5, 20000])
@pytest.mark.parametrize("seed", [0, 1, 5123, 2**32 - 1])
def test_torch_randn_is_box_muller_on_mt19937(seed, n, kernel):
    """The compiled generator behind CohereAsr's dither: MT19937 seeded as
    NumPy's legacy RandomState(seed) (and torch's manual_seed), the outputs'
    low 24 bits times 2**-24 as uniforms, Box-Muller on blocks of 16, the
    last 16 values from 16 fresh draws when n % 16 is not 0 (the first n of
    them below 16): the exact values to within float32 rounding, on each
    kernel (a wrong draw or block is off by about 1)."""
    from fastmel import _core

    got = _core.torch_randn(seed, n, kernel)
    extra = 16 if n % 16 else 0
    raw = np.random.RandomState(seed)._bit_generator.random_raw(n + extra)
    u = (raw & 0xFFFFFF).astype(np.float64) * 2.0**-24
    want = _box_muller_16(u[: n - n % 16].reshape(-1, 16)).reshape(-1)
    if extra:
        tail = _box_muller_16(u[n:].reshape(1, 16)).reshape(-1)
        want = np.concatenate([want[: n - 16], tail]) if n >= 16 else tail[:n]
    assert got.dtype == np.float32 and got.shape == (n,)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="n must be >= 0"):
        _core.torch_randn(seed, -1, kernel)


@pytest.mark.parametrize("kernel", available_kernels())
@pytest.mark.parametrize("bands", [2, 3, 7, 8, 15, 16, 17, 24, 80, 257])
def test_utterance_cmvn_has_numpys_float32_bits(bands, kernel):
    """Speech2Text's per-clip normalisation runs in the core; its bits are
    NumPy's float32 ``x - x[:n].mean(0)`` and ``/ x[:n].std(0)`` (the reference's),
    on quiet, loud, constant (std 0) and NaN columns and every split n, on
    each kernel (in blocks of 16 columns, one vector's, and single columns)."""
    from fastmel import _core

    rng = np.random.default_rng(bands)
    for frames in (1, 2, 9, 1001):
        x = rng.standard_normal((frames, bands)) * rng.uniform(1e-4, 1e3, bands) + 7.0
        x = x.astype(np.float32)
        x[:, 0] = 3.25  # constant: divides by 0
        if frames > 2:
            x[frames // 2, 1] = np.nan
        for n in sorted({1, max(frames // 3, 1), frames}):
            for means, variances in ((True, True), (True, False), (False, True)):
                want = x.copy()
                with np.errstate(invalid="ignore", divide="ignore"):
                    if means:
                        want = np.subtract(want, want[:n].mean(axis=0))
                    if variances:
                        want = np.divide(want, want[:n].std(axis=0))
                got = x.copy()
                _core.utterance_cmvn_f32(got, n, means, variances, kernel)
                np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="2 bands or more"):
        _core.utterance_cmvn_f32(np.ones((4, 1), np.float32), 4, True, True)
    with pytest.raises(ValueError, match="n must be in"):
        _core.utterance_cmvn_f32(np.ones((4, 2), np.float32), 5, True, True)
    with pytest.raises(ValueError, match="C-contiguous float32"):
        _core.utterance_cmvn_f32(np.ones((4, 2)), 4, True, True)


@pytest.mark.parametrize("bins", [1, 3, 80, 160])
def test_bin_normalise_has_numpys_float32_bits(bins):
    """SeamlessM4T's per-bin normalisation runs in the binding; its bits,
    NaN's sign included, are NumPy's float32 ``(x - mean) / sqrt(var + 1e-7)``
    (sample variance) on the transposed view the reference reduces (pairwise
    sums: every branch of NumPy's, below 8 frames, up to 128, and halved
    above), on quiet, loud, constant, floored and NaN bins, cut short or not."""
    from fastmel import _core

    rng = np.random.default_rng(bins)
    for frames in (1, 2, 7, 8, 9, 127, 128, 129, 136, 1001, 8193):
        src = rng.standard_normal((frames + 3, bins)) * rng.uniform(1e-4, 1e3, bins) - 7.0
        src[:, 0] = np.log(np.finfo(np.float32).eps)  # floored: var 0
        if bins > 2 and frames > 2:
            src[frames // 2, 2] = np.nan
        for n in sorted({1, max(frames // 3, 1), frames}):
            x = np.asfortranarray(src[:n], dtype=np.float32)
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # n == 1: no degree of freedom
                want = (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + np.float32(1e-7))
            for cut in sorted({n, n // 2}):
                got = np.full((cut, bins), 5.0, np.float32)
                _core.bin_normalise_f32(src, n, got, True)
                assert got.tobytes() == np.ascontiguousarray(want[:cut]).tobytes(), (n, cut)
                _core.bin_normalise_f32(src, n, got, False)
                assert np.array_equal(got, src[:cut].astype(np.float32), equal_nan=True)
    ok, dst = np.ones((4, 2)), np.empty((4, 2), np.float32)
    with pytest.raises(ValueError, match="need len"):
        _core.bin_normalise_f32(ok, 5, dst, True)
    with pytest.raises(ValueError, match="need len"):
        _core.bin_normalise_f32(ok, 3, dst, True)
    with pytest.raises(ValueError, match="same bins"):
        _core.bin_normalise_f32(ok, 4, np.empty((4, 3), np.float32), True)
    with pytest.raises(ValueError, match="C-contiguous float64"):
        _core.bin_normalise_f32(ok.astype(np.float32), 4, dst, True)
    with pytest.raises(ValueError, match="writeable C-contiguous float32"):
        _core.bin_normalise_f32(ok, 4, np.empty((4, 4), np.float32)[:, ::2], True)
