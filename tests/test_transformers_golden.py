"""fastmel.transformers' SpeechT5, Speech2Text, VoxtralRealtime, Qwen3ASR,
MossTranscribeDiarize, Dots3Note, Gemma3nAudio and Gemma4Audio extractors
against transformers 5.23.0 (golden arrays from
tests/data/make_transformers_golden.py)."""

import decimal
import fractions
import inspect
import json
import pathlib

import numpy as np
import pytest

import fastmel.transformers as ft
from fastmel.transformers._base import _padded_lengths

DATA = pathlib.Path(__file__).parent / "data"
GOLDEN: dict = {}
META: dict = {}
# Two files of one layout (make_transformers_golden.py and _2.py): cases and
# errors by name (their prefixes differ), the 16 kHz inputs byte-identical.
for _file in ("transformers_golden.npz", "transformers_golden_2.npz"):
    with np.load(DATA / _file) as _d:
        _arrays = {k: _d[k] for k in _d.files}
    _meta = json.loads(str(_arrays.pop("meta")))
    for _key, _value in _arrays.items():
        assert _key not in GOLDEN or np.array_equal(GOLDEN[_key], _value), _key
    GOLDEN.update(_arrays)
    for _part, _value in _meta.items():
        if isinstance(_value, dict):
            META.setdefault(_part, {}).update(_value)
CLASSES = {
    "speecht5": ft.SpeechT5FeatureExtractor,
    "speech2text": ft.Speech2TextFeatureExtractor,
    "voxtral_realtime": ft.VoxtralRealtimeFeatureExtractor,
    "qwen3_asr": ft.Qwen3ASRFeatureExtractor,
    "moss": ft.MossTranscribeDiarizeFeatureExtractor,
    "dots3_note": ft.Dots3NoteFeatureExtractor,
    "gemma4": ft.Gemma4AudioFeatureExtractor,
    "gemma3n": ft.Gemma3nAudioFeatureExtractor,
    "phi4": ft.Phi4MultimodalFeatureExtractor,
    "granite_speech": ft.GraniteSpeechFeatureExtractor,
    "nemotron_asr_streaming": ft.NemotronAsrStreamingFeatureExtractor,
    "granite_speech5": ft.GraniteSpeech5FeatureExtractor,
    "neucodec": ft.NeuCodecFeatureExtractor,
    "xcodec2": ft.Xcodec2FeatureExtractor,
    "lasr": ft.LasrFeatureExtractor,
    "inkling": ft.InklingFeatureExtractor,
    "univnet": ft.UnivNetFeatureExtractor,
    "fun_asr_nano": ft.FunAsrNanoFeatureExtractor,
    "clvp": ft.ClvpFeatureExtractor,
    "cohere_asr": ft.CohereAsrFeatureExtractor,
    "musicgen_melody": ft.MusicgenMelodyFeatureExtractor,
    "clap": ft.ClapFeatureExtractor,
}
# The path fastmel computes: the reference's default (torchaudio's fbank for
# Speech2Text, whose NumPy path differs by up to 0.08 before its normalisation);
# Moss's NumPy path agrees with its torch path to 1e-5 and is held to it too.
CASES = sorted(
    n
    for n, c in META["cases"].items()
    if c["ext"] in CLASSES and not (c["ext"] == "speech2text" and c["path"] == "numpy")
)
ERRORS = sorted(n for n, c in META["errors"].items() if c["ext"] in CLASSES)
# Whisper-type log mels (x + 4) / 4 and SpeechT5's log10 mel: 1e-4 (the float32
# FFT's rounding, 4 times smaller in the scaled log); Speech2Text's and Phi-4's
# natural-log filter banks: 1e-3 (FRONTENDS.md; Phi-4's largest, 1.05e-4, is a
# band 29 dB below a 7.95 kHz tone).
TOL = {
    "speech2text": 1e-3,
    "phi4": 1e-3,
    "nemotron_asr_streaming": 1e-3,
    "neucodec": 1e-3,
    "xcodec2": 1e-3,
    "fun_asr_nano": 1e-3,
    "cohere_asr": 1e-3,
}
DEFAULT_TOL = 1e-4


def _input(case, x=None, form=None):
    x = case["x"] if x is None else x
    form = case["form"] if form is None else form

    def clip(name):
        return GOLDEN[f"inputs/{name}"]

    return {
        "array": lambda: clip(x),
        "array_f64": lambda: clip(x).astype(np.float64),
        "list": lambda: clip(x).tolist(),
        "arrays": lambda: [clip(n) for n in x],
        "arrays_f64": lambda: [clip(n).astype(np.float64) for n in x],
        "lists": lambda: [clip(n).tolist() for n in x],
        "array2d": lambda: clip(x),
        "tensor": lambda: clip(x),  # torch.from_numpy there: fastmel takes the array
        "tensors": lambda: [clip(n) for n in x],
        "arrays_T": lambda: [clip(n).T for n in x],
        "tensor_4d": lambda: clip(x),
    }[form]()


def _run(case, cls=None):
    fe = (cls or CLASSES[case["ext"]])(**case["init"])
    # (keys from "_": the seeds the golden script set before the call)
    call = {k: v for k, v in case["call"].items() if not k.startswith("_")}
    if "_np_seed" in case["call"]:
        np.random.seed(case["call"]["_np_seed"])  # noqa: NPY002 (the reference's draws)
    if "_generator_seed" in case["call"]:
        call["generator"] = np.random.default_rng(case["call"]["_generator_seed"])
    arg = case.get("input_arg")
    if arg == "both":
        x = case["x"]
        return fe(
            audio=_input(case, x["audio"], "arrays"),
            audio_target=_input(case, x["audio_target"], "arrays"),
            **call,
        )
    if arg == "none":
        return fe(**call)
    if arg in ("audio", "audio_target"):
        return fe(**{arg: _input(case)}, **call)
    return fe(_input(case), **call)


def _items(value):
    """A ragged value (list or object array) as its arrays; else [value]."""
    if isinstance(value, list) or (isinstance(value, np.ndarray) and value.dtype == object):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def _close(got, want, tol):
    """Equal non-finite entries; finite ones within tol of the reference (a
    number, or an array of bounds per entry). Entries whose bound exceeds 1
    (bands constant in time that a normalisation divides by a deviation of
    rounding noise: NaN or anything, in the reference as here) are not
    compared."""
    assert got.shape == want.shape and got.dtype == want.dtype
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
        return
    bound = np.broadcast_to(np.asarray(tol, dtype=np.float64), want.shape)
    known = bound <= 1.0
    np.testing.assert_array_equal(np.isnan(got)[known], np.isnan(want)[known])
    np.testing.assert_array_equal(np.isinf(got)[known], np.isinf(want)[known])
    finite = known & np.isfinite(want)
    with np.errstate(invalid="ignore"):
        excess = np.abs(got.astype(np.float64) - want)[finite] - bound[finite]
    assert excess.size == 0 or excess.max() <= 0, f"{excess.max()} over the bound"


def _s2t_bounds(case):
    """Speech2Text: each clip's bound per entry. A float32 FFT leaves a band
    of power P in a frame whose strongest band has Pmax with a relative error
    of about eps sqrt(Pmax / P) times a small factor (bands tens of dB down
    are noise in every implementation; SPEC.md): its log within TOL plus 4
    sqrt(n_fft) eps sqrt(Pmax / P) (measured on s2t_no_cmvn: at most 51 eps
    sqrt(Pmax / P), against 90 here); the normalisation divides a band by
    its deviation over the clip, the error too. From fastmel's own filter
    banks of the same call."""
    init = dict(case["init"], do_ceptral_normalize=False)
    raw_case = dict(case, init=init, call=dict(case["call"], return_tensors=None))
    raw = list(_run(raw_case)["input_features"])  # (per clip, stacked or not)
    eps, tol = float(np.finfo(np.float32).eps), TOL["speech2text"]
    bounds = []
    for f, n in zip(raw, _frames(case, raw), strict=True):
        f = f.astype(np.float64)
        own = f[:n]
        drop = np.minimum(own.max(axis=1, keepdims=True) - own, 80.0)  # ln(Pmax / P)
        err = 4 * np.sqrt(512) * eps * np.exp(drop / 2)
        if case["init"].get("do_ceptral_normalize", True):
            worst = err.max(axis=0)
            if case["init"].get("normalize_vars", True):
                with np.errstate(divide="ignore", invalid="ignore"):
                    centred = (
                        own - own.mean(axis=0) if case["init"].get("normalize_means", True) else own
                    )
                    worst = worst / centred.std(axis=0)
            err = np.broadcast_to(worst, own.shape)
        bound = np.full(f.shape, tol)
        bound[:n] += np.nan_to_num(err, nan=np.inf, posinf=np.inf)
        bounds.append(bound)
    return bounds


def _gemma_bounds(case, tol=DEFAULT_TOL):
    """Gemma 3n / 4: each entry's bound. Their features are ln(mel + floor)
    (or of max(mel, floor)) of the magnitude through an HTK bank: a float32
    FFT leaves each bin an error of the order of eps |X|max (|X|max the
    frame's largest bin), a band at most that times the sum of its weights,
    its log that over e^f; so TOL plus 16 times that (measured on the golden
    cases: at most 5.4 times, with a constant DC padding), divided by
    per_bin_stddev. From the clips' own frames (NumPy's FFT of each windowed
    frame, for |X|max) and fastmel's features without the per-bin
    normalisation."""
    fe = CLASSES[case["ext"]](**case["init"])
    init = {k: v for k, v in case["init"].items() if not k.startswith("per_bin")}
    call = dict(case["call"], return_tensors="np")
    raw = np.asarray(_run(dict(case, init=init, call=call))["input_features"], np.float64)
    x = _input(case)
    clips = [
        np.asarray(c, np.float64).ravel()
        for c in (x if isinstance(x, list) and np.ndim(x[0]) else [x])
    ]
    if isinstance(x, np.ndarray) and x.ndim == 2:
        clips = list(x.astype(np.float64))
    if case["form"] == "list":
        clips = [np.asarray(x, np.float64)]
    opts = {
        "padding": "longest",
        "max_length": 480000,
        "truncation": True,
        "pad_to_multiple_of": 128,
    }
    opts.update({k: v for k, v in call.items() if k in opts})
    cut, target = _padded_lengths(
        [c.size for c in clips],
        opts["padding"],
        opts["max_length"],
        opts["truncation"],
        opts["pad_to_multiple_of"],
    )
    total = max(cut) if target is None else max(target, max(cut))
    left = fe.frame_length // 2 if case["ext"] == "gemma4" else 0
    w, hop, n_fft = fe.frame_length, fe.hop_length, fe.fft_length
    width = fe.mel_filters.sum(axis=0)
    eps = float(np.finfo(np.float32).eps)
    bounds = np.empty_like(raw)
    for i, (clip, n) in enumerate(zip(clips, cut, strict=True)):
        row = np.concatenate([np.zeros(left), clip[:n], np.zeros(total - n)])
        row *= case["init"].get("input_scale_factor", 1.0)
        frames = [row[t * hop : t * hop + w] for t in range(raw.shape[1])]
        peak = np.array(
            [
                np.abs(np.fft.rfft(f * fe.window, n_fft)).max() if f.size == w else 0.0
                for f in frames
            ]
        )
        err = 16 * eps * peak[:, None] * width[None, :] / np.exp(raw[i])
        bounds[i] = tol + err
    std = case["init"].get("per_bin_stddev")
    return bounds if std is None else bounds / np.abs(np.asarray(std))


def _log_power_bounds(want, tol, n_fft):
    """Natural logs of a power spectrum's bands (frames on the last axis but
    one): TOL plus the float32 FFT's error at bands far below their frame's
    peak, 4 sqrt(n_fft) eps sqrt(Pmax / P) (as for Speech2Text), from the
    reference's own values."""
    w = np.asarray(want, np.float64)
    drop = np.minimum(w.max(axis=-1, keepdims=True) - w, 80.0)
    return tol + 4 * np.sqrt(n_fft) * float(np.finfo(np.float32).eps) * np.exp(drop / 2)


def _cohere_bounds(case, tol):
    """CohereAsr (Parakeet's normalisation, (x - mean) / (std + 1e-5) per band
    over the valid frames): the log mel's float32 rounding and the float32
    FFT's error far below each frame's peak (as for NeuCodec), divided by the
    band's deviation + 1e-5. Bands of silence and of a dither alone are
    constant to a few ulps, so that the reference's output there is its
    float32 rounding amplified (steps of 0.12 on silence), which this bound
    admits. From fastmel's log mel of the same call without the
    normalisation."""
    cls = CLASSES[case["ext"]]
    raw_cls = type("Raw", (cls,), {"_NORMALISE": False})
    out = _run(case, cls=raw_cls)
    raw = np.asarray(out["input_features"], np.float64)
    mask = np.asarray(out["attention_mask"])
    eps = float(np.finfo(np.float32).eps)
    bounds = []
    for f, m in zip(raw, mask, strict=True):
        own = f[m.astype(bool)]
        if len(own) < 2:
            bounds.append(np.full(f.shape, tol))
            continue
        drop = np.minimum(own.max(axis=1, keepdims=True) - own, 80.0)
        err = 16 * eps * np.abs(own) + 4 * np.sqrt(512) * eps * np.exp(drop / 2)
        band = tol + err.max(axis=0) / (own.std(axis=0, ddof=1) + 1e-5)
        bounds.append(np.broadcast_to(band, f.shape))
    return bounds


def _codec_bounds(case, tol):
    """NeuCodec / XCodec2: each band's bound. Their filter banks (ln energy)
    carry float32 rounding (16 eps |x|) and the float32 FFT's error at bands
    far below their frame's peak (as for Speech2Text); the normalisation
    divides both by the band's deviation over the clip, sqrt(var + 1e-7):
    TOL plus the band's largest such error over that. From fastmel's filter
    banks of the same call without the normalisation."""
    cls = CLASSES[case["ext"]]
    raw_cls = type("Raw", (cls,), {"_NORMALISE": False})
    raw = _run(dict(case, ext=None), cls=raw_cls)["input_features"]
    raw = np.asarray(raw, np.float64).reshape(raw.shape[0], -1, 80)
    mask = np.repeat(np.asarray(_run(case)["input_features_mask"]), 2, axis=1)
    eps = float(np.finfo(np.float32).eps)
    bounds = []
    for f, m in zip(raw, mask, strict=True):
        own = f[m.astype(bool)]
        if own.size == 0:
            bounds.append(np.full((f.shape[0] // 2, 160), tol))
            continue
        drop = np.minimum(own.max(axis=1, keepdims=True) - own, 80.0)
        err = 16 * eps * np.abs(own) + 4 * np.sqrt(512) * eps * np.exp(drop / 2)
        deviation = np.sqrt(own.var(axis=0, ddof=1) + 1e-7) if len(own) > 1 else np.sqrt(1e-7)
        band = tol + err.max(axis=0) / deviation
        bounds.append(np.broadcast_to(band, f.shape).reshape(-1, 160))
    return bounds


def _frames(case, raw):
    """Each clip's own frames in a Speech2Text case's outputs."""
    lengths = [
        GOLDEN[f"inputs/{n}"].size
        for n in ([case["x"]] if isinstance(case["x"], str) else case["x"])
    ]
    fe = CLASSES["speech2text"]()
    return [min(fe.num_frames(n), r.shape[0]) for n, r in zip(lengths, raw, strict=True)]


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    case = META["cases"][name]
    out = _run(case)
    assert sorted(out) == sorted(case["outputs"])
    tol = TOL.get(case["ext"], DEFAULT_TOL)
    for key, spec in case["outputs"].items():
        got = out[key]
        bounds = None
        if case["ext"] == "speech2text" and key == "input_features":
            bounds = _s2t_bounds(case)
        if case["ext"] in ("gemma3n", "gemma4") and key == "input_features":
            bounds = list(_gemma_bounds(case))
        if case["ext"] == "cohere_asr" and key == "input_features":
            bounds = list(_cohere_bounds(case, tol))
        if case["ext"] in ("neucodec", "xcodec2") and key == "input_features":
            bounds = list(_codec_bounds(case, tol))
        if case["ext"] == "inkling" and key == "input_features":
            want = np.asarray(GOLDEN[f"{name}/{key}"], np.float64)
            drop = np.minimum(want.max(axis=-1, keepdims=True) - want, 30.0)
            # log10 of magnitudes: the float32 FFT's error, of the order of eps
            # |X|max, over the band (16 times: the largest measured, a 7.95 kHz
            # tone, is 3.8 times)
            eps = float(np.finfo(np.float32).eps)
            bounds = list(tol + 16 * eps * 10.0**drop / np.log(10.0))
        if case["ext"] == "nemotron_asr_streaming" and key == "input_features":
            bounds = list(_log_power_bounds(GOLDEN[f"{name}/{key}"], tol, 512))
        if "ragged" in spec:
            # a list, or NumPy's object array of the items, as the reference's
            container = spec["container"]
            assert isinstance(got, np.ndarray if container == "object-ndarray" else list), key
            items = _items(got)
            assert len(items) == len(spec["ragged"])
            for i, item in enumerate(items):
                _close(item, GOLDEN[f"{name}/{key}/{i}"], tol if bounds is None else bounds[i])
        else:
            want = GOLDEN[f"{name}/{key}"]
            if spec["container"] == "list[tuple]":  # (None stored as -1)
                assert isinstance(got, list), key
                got = np.array([[-1 if v is None else v for v in t] for t in got], np.int64)
            if spec["container"] == "list":
                assert isinstance(got, list), key
                got = np.stack(got)
            _close(np.asarray(got), want, tol if bounds is None else np.stack(bounds))


def _error_expected(case):
    """The reference's failures fastmel repeats (the same exception class):
    bad rates and calls without audio. The others are inputs it computes
    (see test_inputs_the_reference_fails_on)."""
    return case["error"] == "ValueError" and (
        "sampling rate" in case["message"] or "provide either" in case["message"]
    )


@pytest.mark.parametrize("name", ERRORS)
def test_errors(name):
    case = META["errors"][name]
    if not _error_expected(case):
        pytest.skip("the reference fails here; fastmel computes (tested below)")
    with pytest.raises(ValueError) as info:
        _run(case)
    if "sampling rate" in case["message"]:
        assert str(case["init"].get("sampling_rate", 16000)) in str(info.value)
    else:
        assert str(info.value) == case["message"]


def test_inputs_the_reference_fails_on():
    """Where the reference fails, fastmel computes what its other inputs say."""
    failing = {n for n, c in META["errors"].items() if c["ext"] in CLASSES}
    assert {"s2t_300", "s2t_padded_mask_false", "qwen_mask_false", "qwen_long_batch"} <= failing
    clips = [GOLDEN["inputs/c_0_7s"], GOLDEN["inputs/c_0_5s"]]
    # Speech2Text: clips shorter than a frame have no frame
    s2t = ft.Speech2TextFeatureExtractor()
    out = s2t(GOLDEN["inputs/c_300"], sampling_rate=16000)
    assert out.input_features[0].shape == (0, 80) and out.attention_mask[0].shape == (0,)
    # ... and with padding but no mask, each clip normalised over its own frames
    padded = s2t(clips, padding=True, sampling_rate=16000)
    unmasked = s2t(clips, padding=True, return_attention_mask=False, sampling_rate=16000)
    assert "attention_mask" not in unmasked
    for a, b in zip(padded.input_features, unmasked.input_features, strict=True):
        np.testing.assert_array_equal(a, b)
    # Qwen3ASR: no mask asked for, none returned
    qwen = ft.Qwen3ASRFeatureExtractor()
    out = qwen(clips, return_attention_mask=False, sampling_rate=16000, return_tensors="np")
    assert sorted(out) == ["input_features"]
    # ... and clips over and under 30 s padded to the longest, each computed as alone
    long = GOLDEN["inputs/c_30s_plus1"]
    out = qwen([long, clips[0]], sampling_rate=16000, return_tensors="np", padding="max_length")
    alone = qwen([long], sampling_rate=16000, return_tensors="np").input_features
    assert out.input_features.shape == alone.shape[:1] * 0 + (2, *alone.shape[1:])
    np.testing.assert_array_equal(out.input_features[:1], alone)


@pytest.mark.parametrize("ext", sorted(CLASSES))
def test_signatures_match_the_reference(ext):
    """The same keywords in the same order with the same defaults, but where
    fastmel documents otherwise (return_tensors None where the reference's
    default is "pt": torch tensors when torch is importable, NumPy without)."""
    for method in ("__init__", "__call__"):
        want = META["signatures"][ext][method]["parameters"]
        got = dict(inspect.signature(getattr(CLASSES[ext], method)).parameters)
        if ext in ("granite_speech", "univnet") and method == "__call__":  # (for num_threads)
            assert got.pop("kwargs").kind is inspect.Parameter.VAR_KEYWORD
        assert list(got) == [p["name"] for p in want], method
        for p in want:
            if "default" not in p:
                assert got[p["name"]].default is inspect.Parameter.empty, (method, p["name"])
                continue
            default, expected = got[p["name"]].default, p["default"]
            if p["name"] == "return_tensors" and expected == "pt":
                expected = None
            assert default == expected, (method, p["name"])


# Keys fastmel's configuration keeps where the reference's loses them (when
# they are not the defaults): FunAsrNano's window.
KEPT = {"fun_asr_nano": {"window"}}


@pytest.mark.parametrize("ext", sorted(CLASSES))
def test_config_round_trip(ext, tmp_path):
    """to_dict in the reference's key order (arrays stored by their repr),
    to_json_string as the reference's, of a default and a custom instance
    (but for the keys fastmel keeps); from_dict, from_pretrained and
    save_pretrained back to an equal extractor."""
    for which in ("default", "custom"):
        entry = META["to_dict"][f"{ext}_{which}"]
        want = json.loads(entry["to_dict"])
        fe = CLASSES[ext](**entry["init"])
        got = {k: v for k, v in fe.to_dict().items() if k not in KEPT.get(ext, ())}
        assert list(got) == list(want), which
        assert {k: repr(v) if isinstance(v, np.ndarray) else v for k, v in got.items()} == want
        text = json.loads(fe.to_json_string())
        assert {k: v for k, v in text.items() if k not in KEPT.get(ext, ())} == json.loads(
            entry["to_json_string"]
        )
        if not KEPT.get(ext, set()) & set(fe.to_dict()):
            assert fe.to_json_string() == entry["to_json_string"]
        assert CLASSES[ext].from_dict(fe.to_dict()) == fe
        saved = fe.save_pretrained(tmp_path / which)
        assert CLASSES[ext].from_pretrained(tmp_path / which) == fe
        assert pathlib.Path(saved[0]).read_text() == fe.to_json_string()
        if not KEPT.get(ext, set()) & set(fe.to_dict()):
            (tmp_path / "preprocessor_config.json").write_text(entry["to_json_string"])
            assert CLASSES[ext].from_pretrained(tmp_path) == fe


@pytest.mark.parametrize("ext", sorted(CLASSES))
def test_mel_filters(ext):
    key = f"mel_filters/{ext}"
    if key not in GOLDEN:
        pytest.skip("the reference's default path holds no bank")
    want = GOLDEN[key]
    fe = CLASSES[ext]()
    got = fe.chroma_filters if ext == "musicgen_melody" else fe.mel_filters
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", ["s2t_silence", "s2t_450"])
def test_speech2text_constant_bands_as_the_reference_rounds_them(name):
    """Silence and a clip of one frame: every band constant, its deviation 0
    and no epsilon. One frame gives 0 / 0, NaN; silence -inf, because the
    float32 mean of 48 equal values is an ulp off them (NumPy's sums, which
    fastmel's normalisation uses as the reference does)."""
    case = META["cases"][name]
    want = GOLDEN[f"{name}/input_features"]
    assert not np.isfinite(want).any()
    np.testing.assert_array_equal(np.asarray(_run(case)["input_features"]), want)


@pytest.mark.parametrize("cls", [ft.Gemma3nAudioFeatureExtractor, ft.Gemma4AudioFeatureExtractor])
def test_gemma_sizes_survive_configurations(cls, tmp_path):
    """The configuration holds the frame sizes in samples (as the
    reference's); fastmel reads them back (the reference computes them again
    from the default milliseconds), and replace keeps the milliseconds."""
    import pickle

    fe = cls(frame_length_ms=25.0, hop_length_ms=12.5)
    assert (fe.frame_length, fe.hop_length) == (400, 200)
    fe.save_pretrained(tmp_path)
    for clone in (
        pickle.loads(pickle.dumps(fe)),
        cls.from_dict(fe.to_dict()),
        cls.from_pretrained(tmp_path),
        fe.replace(dither=0.0),
    ):
        assert clone == fe and (clone.frame_length, clone.hop_length) == (400, 200)
    assert fe.replace(sampling_rate=8000).frame_length == 200
    assert fe.replace(frame_length_ms=20.0).frame_length == 320


@pytest.mark.parametrize("ext", ["gemma3n", "gemma4"])
def test_gemma_inputs_the_reference_fails_on(ext):
    """Gemma 4 fails on a bare 1-D array, a list of floats and a list of
    tensors, both on return_attention_mask=False: fastmel computes, the same
    features as for the clip in a list, and no mask when none is asked for."""
    failing = {n for n, c in META["errors"].items() if c["ext"] == ext}
    assert f"{'g4' if ext == 'gemma4' else 'g3n'}_mask_false" in failing
    fe = CLASSES[ext]()
    clip = GOLDEN["inputs/c_0_7s"]
    want = fe([clip], return_tensors="np")
    for x in (clip, clip.tolist()):
        got = fe(x, return_tensors="np")
        for key in want:
            np.testing.assert_array_equal(got[key], want[key])
    out = fe([clip], return_attention_mask=False, return_tensors="np")
    assert sorted(out) == ["input_features"]
    np.testing.assert_array_equal(out["input_features"], want["input_features"])


def test_phi4_clip_shorter_than_a_frame():
    """The reference fails on a clip shorter than its 400-sample frame;
    fastmel gives it no frame, and embedding size 0."""
    assert "phi_300" in META["errors"]
    fe = ft.Phi4MultimodalFeatureExtractor()
    out = fe(GOLDEN["inputs/c_300"], sampling_rate=16000, return_tensors="np")
    assert out.audio_input_features.shape == (1, 0, 80)
    assert out.audio_embed_sizes.tolist() == [0]


def test_phi4_mel_range_is_kept_in_the_configuration(tmp_path):
    """The reference's configuration loses a custom mel range; fastmel's keeps it."""
    fe = ft.Phi4MultimodalFeatureExtractor(mel_min_frequency=100.0, mel_max_frequency=7000.0)
    assert fe.to_dict()["mel_max_frequency"] == 7000.0
    fe.save_pretrained(tmp_path)
    back = ft.Phi4MultimodalFeatureExtractor.from_pretrained(tmp_path)
    assert back == fe
    np.testing.assert_array_equal(back.mel_filters, fe.mel_filters)
    assert "mel_max_frequency" not in ft.Phi4MultimodalFeatureExtractor().to_dict()


def test_granite_call_keywords_and_inputs(tmp_path):
    """Granite's call takes the audio and device only (TypeError otherwise,
    as there), refuses integer samples with the reference's message, takes a
    list of floats as one clip (the reference fails), and its configuration's
    melspec_kwargs are honoured (the reference computes them again)."""
    fe = ft.GraniteSpeechFeatureExtractor()
    clip = GOLDEN["inputs/c_0_7s"]
    for name in ("gran_sampling_rate", "gran_return_tensors"):
        case = META["errors"][name]
        with pytest.raises(TypeError) as info:
            _run(case)
        assert str(info.value) == case["message"]
    with pytest.raises(ValueError) as info:
        fe((clip * 32767).astype(np.int16))
    assert str(info.value) == META["errors"]["gran_int16"]["message"]
    np.testing.assert_array_equal(
        np.asarray(fe(clip.tolist())["input_features"]), np.asarray(fe(clip)["input_features"])
    )
    custom = ft.GraniteSpeechFeatureExtractor(n_mels=64, hop_length=128)
    custom.save_pretrained(tmp_path)
    back = ft.GraniteSpeechFeatureExtractor.from_pretrained(tmp_path)
    assert back == custom and back.melspec_kwargs["n_mels"] == 64
    assert custom.replace(n_mels=40).melspec_kwargs["n_mels"] == 40


@pytest.mark.parametrize("ext", ["gemma3n", "phi4"])
def test_zero_padding_skipped_exactly(ext):
    """Frames that read only the zero padding skip their FFTs in the engine
    (declared zeros): bit-identical to computing every frame of the padded
    batch."""
    from fastmel import _engine

    fe = CLASSES[ext]()
    clips = [GOLDEN["inputs/c_2_5s"], GOLDEN["inputs/c_0_3s"], GOLDEN["inputs/c_0_7s"]]
    kw = {} if ext == "gemma3n" else {"sampling_rate": 16000}
    got = fe(clips, return_tensors="np", **kw)
    features = got["input_features" if ext == "gemma3n" else "audio_input_features"]
    total = max(c.size for c in clips)
    if ext == "gemma3n":
        total = -(-total // 128) * 128  # (its default pad_to_multiple_of)
    batch = np.zeros((len(clips), total), np.float32)
    for row, c in zip(batch, clips, strict=True):
        row[: c.size] = c
    plan = fe._plans[np.dtype(np.float32)]
    full = np.empty(plan.out_shape(len(clips), total), np.float32)
    _engine.run(plan, batch, full, 1)
    if ext == "phi4":  # the reference's zeroed frames in the shorter rows
        lengths = np.array([c.size for c in clips])
        short = lengths < lengths.max()
        down, up = (lengths[short] - 400) // 160 + 1, lengths[short] // 160 - 1
        for i, d, u in zip(np.flatnonzero(short), down, up, strict=True):
            full[i, max(d, down.min()) : min(u, up.max())] = 0.0
    np.testing.assert_array_equal(features, full)


@pytest.mark.parametrize("name", ["gran5_max_length_too_short", "gran5_padding_false"])
def test_granite5_refuses_batches_as_the_reference(name):
    case = META["errors"][name]
    with pytest.raises(ValueError) as info:
        _run(case)
    assert str(info.value) == case["message"]


def test_granite5_inputs_the_reference_fails_on():
    """A list of floats is one clip; a batch shorter than one hop has no frame."""
    assert {"gran5_list", "gran5_100"} <= set(META["errors"])
    fe = ft.GraniteSpeech5FeatureExtractor()
    clip = GOLDEN["inputs/c_0_3s"]
    np.testing.assert_array_equal(
        fe(clip.tolist(), return_tensors="np")["input_features"],
        fe(clip, return_tensors="np")["input_features"],
    )
    out = fe(GOLDEN["inputs/c_100"], return_tensors="np")
    assert out["input_features"].shape == (1, 0, 320)
    assert out["attention_mask"].shape == (1, 0)


@pytest.mark.parametrize("cls", [ft.NeuCodecFeatureExtractor, ft.Xcodec2FeatureExtractor])
def test_codec_inputs_the_reference_fails_on(cls):
    """padding=False (the reference never manages it) on clips of one padded
    length, a list of floats (one clip), NeuCodec's clip shorter than a frame
    (no frame); clips of different lengths without padding are refused."""
    fe = cls()
    clip = GOLDEN["inputs/c_0_3s"]
    want = fe([clip], sampling_rate=16000, return_tensors="np")
    for got in (
        fe([clip], padding=False, sampling_rate=16000, return_tensors="np"),
        fe(clip.tolist(), sampling_rate=16000, return_tensors="np"),
    ):
        for key in want:
            np.testing.assert_array_equal(got[key], want[key])
    with pytest.raises(ValueError, match="one length"):
        fe([clip, clip[:1000]], padding=False, sampling_rate=16000)
    if cls is ft.NeuCodecFeatureExtractor:
        out = fe(GOLDEN["inputs/c_300"], sampling_rate=16000, return_tensors="np")
        assert out["input_features"].shape == (1, 0, 160)


@pytest.mark.parametrize("hop", [160, 320, 400, 480])
def test_xcodec2_with_no_sample_left_has_no_frame(hop):
    """Truncated to no sample, the waveforms and features are empty, as the
    reference gives them where it computes (hop 400; it fails on the others:
    the window must fit the hop); hops 400 and 480, whose padded frames still
    reach a frame of zeros, failed inside the engine before."""
    fe = ft.Xcodec2FeatureExtractor(hop_length=hop)
    out = fe([np.zeros(10, np.float32)], sampling_rate=16000, max_length=0, truncation=True,
             return_tensors="np")  # fmt: skip
    assert {k: v.shape for k, v in out.items()} == {
        "input_values": (1, 1, 0),
        "padding_mask": (1, 0),
        "input_features": (1, 0, 160),
        "input_features_mask": (1, 0),
    }


def test_lasr_inputs_the_reference_fails_on():
    """A clip shorter than a frame has no frame; a (samples, channels) clip
    in a list is averaged over its channels; a list of tensors (arrays) is
    a batch."""
    assert {"lasr_300", "lasr_stereo"} <= set(META["errors"])
    fe = ft.LasrFeatureExtractor()
    out = fe(GOLDEN["inputs/c_300"], sampling_rate=16000, return_tensors="np")
    assert out["input_features"].shape == (1, 0, 128)
    stereo = GOLDEN["inputs/batch2d"].T
    got = fe([stereo], sampling_rate=16000, return_tensors="np")["input_features"]
    want = fe([stereo.mean(-1)], sampling_rate=16000, return_tensors="np")["input_features"]
    np.testing.assert_array_equal(got, want)


def test_inkling_checks_its_sizes():
    """A hop that is not a whole number of samples is refused with the
    reference's message; an FFT shorter than the window is refused up front
    (the reference fails inside torch.stft)."""
    case = META["errors"]["ink_inexact_hop"]
    with pytest.raises(ValueError) as info:
        ft.InklingFeatureExtractor(**case["init"])
    assert str(info.value) == case["message"]
    assert "ink_nfft_small" in META["errors"]
    with pytest.raises(ValueError, match="at least the window"):
        ft.InklingFeatureExtractor(n_fft=1024)


def test_univnet_window_must_fill_the_frame():
    """A window shorter than the FFT is refused with the reference's message
    (there at the call, here at construction)."""
    case = META["errors"]["univ_filter_length_none"]
    with pytest.raises(ValueError) as info:
        ft.UnivNetFeatureExtractor(**case["init"])
    assert str(info.value) == case["message"]


@pytest.mark.parametrize("padding", [True, False])
def test_univnet_noise_is_the_generators(padding):
    """The noise is drawn clip after clip from the generator given, as there
    (one draw for a padded batch is the same draws in a row): the same
    values, and the generator left in the same state."""
    fe = ft.UnivNetFeatureExtractor()
    clips = [GOLDEN["inputs/c_0_5s_24k"], GOLDEN["inputs/c_0_3s_24k"]]
    if not padding:
        clips = [clips[0], clips[0][: clips[1].size]]
    got, mine = np.random.default_rng(5), np.random.default_rng(5)
    out = fe(clips, sampling_rate=24000, padding=padding, generator=got)
    for x in out.noise_sequence:
        np.testing.assert_array_equal(x, mine.standard_normal(x.shape, dtype=np.float32))
    assert got.bit_generator.state == mine.bit_generator.state


@pytest.mark.parametrize(
    "options", [{}, {"padding_side": "left"}, {"center": True}, {"padding_value": 0.5}]
)
def test_univnet_with_no_sample_has_no_frame(options):
    """Empty clips, or clips truncated to no sample, give features and noise
    of no frame (the reference fails: NumPy cannot reflect an empty row),
    whichever way the batch is computed."""
    fe = ft.UnivNetFeatureExtractor(**options)
    for clips, kw in (
        ([np.zeros(100, np.float32)], {"max_length": 0, "truncation": True}),
        (np.zeros(0, np.float32), {}),
    ):
        out = fe(clips, sampling_rate=24000, return_tensors="np", **kw)
        assert out["input_features"].shape == (1, 0, 100)
        assert out["noise_sequence"].shape == (1, 0, 64)


@pytest.mark.parametrize("zero", [0, decimal.Decimal(0), fractions.Fraction(0)])
def test_univnet_padding_values_equal_to_zero_are_zero_padding(zero):
    """A padding value that is +0 of another type pads as 0.0 does (the
    check for it failed on values np.signbit refuses)."""
    clips = [GOLDEN["inputs/c_0_5s_24k"], GOLDEN["inputs/c_0_3s_24k"]]
    want = ft.UnivNetFeatureExtractor()(clips, sampling_rate=24000, return_tensors="np")
    fe = ft.UnivNetFeatureExtractor(padding_value=zero)
    got = fe(clips, sampling_rate=24000, return_tensors="np", return_noise=False)
    np.testing.assert_array_equal(got["input_features"], want["input_features"])


def test_funasr_inputs_the_reference_fails_on():
    """A clip shorter than a frame has no stacked frame; a 2-D array is a
    batch of its rows (the reference fails on both)."""
    assert {"funasr_300", "funasr_array2d"} <= set(META["errors"])
    fe = ft.FunAsrNanoFeatureExtractor()
    out = fe(GOLDEN["inputs/c_300"], return_tensors="np")
    assert out["input_features"].shape == (1, 0, 560)
    rows = GOLDEN["inputs/batch2d"]
    np.testing.assert_array_equal(
        fe(rows, return_tensors="np")["input_features"],
        fe(list(rows), return_tensors="np")["input_features"],
    )


def test_clvp_inputs_the_reference_fails_on():
    """A list of arrays is a batch (the reference fails on tensors); clips of
    different lengths neither padded nor cut are refused with a message;
    mel_norms of the wrong size fail at the call, as there, saying why."""
    assert {"clvp_tensors", "clvp_padding_false"} <= set(META["errors"])
    fe = ft.ClvpFeatureExtractor()
    clips = [GOLDEN["inputs/c_0_5s_22k"], GOLDEN["inputs/c_0_3s_22k"]]
    out = fe(clips, sampling_rate=22050, return_tensors="np")
    assert out.input_features.shape == (2, 80, 517)
    with pytest.raises(ValueError, match="different lengths"):
        fe(clips, sampling_rate=22050, padding=False)
    odd = ft.ClvpFeatureExtractor(feature_size=64, mel_norms=[1.0] * 80)
    with pytest.raises(ValueError, match="80 values for 64 mel bands"):
        odd(clips, sampling_rate=22050)


def test_cohere_inputs_the_reference_fails_on():
    """A (samples, channels) clip in a list is averaged, a list of floats is
    one clip (the reference fails on both)."""
    assert {"cohere_stereo", "cohere_list"} <= set(META["errors"])
    fe = ft.CohereAsrFeatureExtractor(dither=0.0)
    stereo = GOLDEN["inputs/batch2d"].T
    got = fe([stereo], sampling_rate=16000, return_tensors="np")["input_features"]
    want = fe([stereo.mean(-1)], sampling_rate=16000, return_tensors="np")["input_features"]
    np.testing.assert_array_equal(got, want)
    clip = GOLDEN["inputs/c_0_3s"]
    np.testing.assert_array_equal(
        fe(clip.tolist(), sampling_rate=16000, return_tensors="np")["input_features"],
        fe(clip, sampling_rate=16000, return_tensors="np")["input_features"],
    )


def test_torch_randn_replay_live():
    """With torch installed: the replay equals torch.randn (n >= 16)."""
    torch = pytest.importorskip("torch")
    from fastmel.transformers._parakeet import torch_randn

    for n in [16, 17, 31, 100, 5123, 16000]:
        want = torch.randn(n, generator=torch.Generator().manual_seed(n)).numpy()
        np.testing.assert_allclose(torch_randn(n, n), want, atol=2e-6)


def test_musicgen_resamples_numpy_input_too():
    """NumPy audio at another rate is resampled as torch input is (the
    reference fails on it); the resampler is torchaudio's (golden cases
    mm_resample_16k and mm_demucs)."""
    assert "mm_resample_16k_numpy" in META["errors"]
    fe = ft.MusicgenMelodyFeatureExtractor()
    clip = GOLDEN["inputs/c_0_7s"]
    got = fe(clip, sampling_rate=16000, return_tensors="np")["input_features"]
    np.testing.assert_array_equal(got, GOLDEN["mm_resample_16k/input_features"])


def test_clap_truncation_and_band_counts():
    """An unknown truncation fails on a long clip with the reference's
    exception and message; with other than 64 bands a long clip's fused mel
    is shrunk to that many (the reference's hard-coded 64 fails)."""
    case = META["errors"]["clap_truncation_unknown_long"]
    with pytest.raises(NotImplementedError) as info:
        _run(case)
    assert str(info.value) == case["message"]
    case = META["errors"]["clap_mel32_long"]
    out = _run(dict(case, call=dict(case["call"], return_tensors="np")))
    assert out["input_features"].shape[1:] == (4, 30000 // 480 + 1, 32)


def test_clap_shrink_is_torchs_bilinear():
    """The fused mel's shrink against torch's interpolate (when installed)."""
    torch = pytest.importorskip("torch")
    from fastmel.transformers._clap import _shrink

    for frames in (1002, 1500, 2345, 3001, 4801):
        mel = np.random.default_rng(frames).standard_normal((frames, 64)).astype(np.float32)
        want = torch.nn.functional.interpolate(
            torch.from_numpy(mel)[None, None],
            size=[1001, 64],
            mode="bilinear",
            align_corners=False,
        )[0, 0].numpy()
        np.testing.assert_array_equal(_shrink(mel, 1001), want, err_msg=str(frames))
