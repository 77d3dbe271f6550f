"""Regenerate transformers_golden_2.npz from twelve more real transformers feature extractors:
ClapFeatureExtractor, ClvpFeatureExtractor, CohereAsrFeatureExtractor,
FunAsrNanoFeatureExtractor, GraniteSpeech5FeatureExtractor, InklingFeatureExtractor,
LasrFeatureExtractor, MusicgenMelodyFeatureExtractor, NemotronAsrStreamingFeatureExtractor,
NeuCodecFeatureExtractor, UnivNetFeatureExtractor and Xcodec2FeatureExtractor.

    cd tests/data && /work/refvenv/bin/python make_transformers_golden_2.py

(any working directory will do: the script imports golden_signals from its own
folder and writes transformers_golden_2.npz next to itself). Made with transformers
5.23.0, Python 3.11, numpy 2.4, torch 2.13.0+cpu, torchaudio 2.11.0 (importable, so
transformers' ``is_speech_available()`` and ``is_torchaudio_available()`` are True),
librosa 0.11; meta "versions" records the exact ones. torch runs with one thread
(``torch.set_num_threads(1)``). It takes about 8 s and writes ~4.0 MB. The tests
only read the .npz. It asserts every statement it stores in meta "notes". The layout is
that of transformers_golden.npz (make_transformers_golden.py), so the same test code
reads both; the additions are listed under "New in this file".

Extractor names (``ext``), their case-name prefixes, rates and computing ``path`` (every
class has one path; none is forced):

  ======================  ========  =====  ==========================================
  ext                     prefix    rate   path
  ======================  ========  =====  ==========================================
  clap                    clap_     48000  "numpy" (audio_utils.spectrogram; torch only
                                           for the bilinear shrink of fusion mode)
  clvp                    clvp_     22050  "numpy"
  cohere_asr              cohere_   16000  "torch"
  fun_asr_nano            funasr_   16000  "torchaudio" (compliance.kaldi.fbank)
  granite_speech5         gran5_    16000  "torchaudio" (transforms.MelSpectrogram)
  inkling                 ink_      16000  "torch"
  lasr                    lasr_     16000  "torch" (float64)
  musicgen_melody         mm_       32000  "torchaudio" (transforms.Spectrogram)
  nemotron_asr_streaming  nemo_     16000  "torch"
  neucodec                neu_      16000  "torchaudio" (compliance.kaldi.fbank)
  univnet                 univ_     24000  "numpy"
  xcodec2                 xc2_      16000  "torchaudio" (compliance.kaldi.fbank)
  ======================  ========  =====  ==========================================

Inputs: float32 clips stored once under ``inputs/<name>`` (meta "inputs" gives their
shapes, meta "input_sampling_rates" the rate each was made for). The 16 kHz clips are
made exactly as in make_transformers_golden.py (same seed and order, so they equal that
file's inputs of the same names): c_0_3s (5123 samples), c_0_5s (7777), c_0_7s (11301),
c_1s (16161), c_1_3s (20807), c_2_5s (40057), c_450 / c_300 / c_100 (speech-like),
silence (8001 zeros), quiet (8001, speech-like with peak 1e-6), tone_7950 (8001, 0.5 *
sine 50 Hz below Nyquist), c_30s_plus1 (480001), batch2d (2, 9601). ``mixed(n, k)`` of
golden_signals is an exactly 160-periodic background with speech-like sound over its
first k samples. Then, from the same generator, for each other rate (tag _48k, _22k,
_32k, _24k): c_0_3s / c_0_5s / c_0_7s with the 16 kHz durations (odd lengths, e.g.
c_0_7s_48k 33903 samples; the speech-like part keeps its 16 kHz sample count), c_300 and
a 0.25 s tone 50 Hz below that rate's Nyquist (tone_23950_48k, tone_10975_22k,
tone_15950_32k, tone_11950_24k); "silence" and "quiet" serve every rate. Long clips:
c_10s_plus_48k (484801 = CLAP's 10 s + 4801: 1011 frames), c_10s_plus1_24k (240001,
UnivNet's 10 s + 1), c_30s_plus1_32k (960001, MusicgenMelody's 30 s + 1); stereo_0_5s_32k
(2, 15555); demucs_44k (1, 4, 2, 4401): a Demucs-style (batch, stems, channels, samples)
array at 44 kHz.

Standard batches: B2 = [c_0_7s, c_0_5s], B3 = [c_0_7s, c_0_5s, c_0_3s] (at each class's
rate), B2S = [c_0_5s, c_0_3s] (most option cases, to keep the file small), B2T = [c_0_3s,
c_450] (input forms and options that should have no effect, and NeuCodec/Xcodec2 options).

Each case (meta "cases"; an error case in meta "errors") stores:
  * ``ext`` and ``path`` (above);
  * ``init``: the ``__init__`` keyword arguments (JSON);
  * ``call``: the ``__call__`` keyword arguments except the audio, as passed (JSON).
    ``return_tensors`` is "np" and ``sampling_rate`` the class's rate in every call unless
    the case overrides them (mm_demucs omits sampling_rate). Keys starting with "_" are not
    passed; they are the seeds of the case's randomness, applied just before the call:
    "_np_seed": ``np.random.seed(v)`` (every CLAP case: fusion crops, rand_trunc offsets
    and the random is_longer flag use numpy's global RNG); "_torch_seed":
    ``torch.manual_seed(v)`` (every CohereAsr case; its dither does not depend on it, see
    the notes); "_generator_seed": UnivNet's ``generator=np.random.default_rng(v)`` (the
    noise_sequence);
  * ``x``: the input: one name or a list of names of inputs/ clips; every class gets the
    audio as its first positional argument;
  * ``form``: how ``x`` was given: "array" the 1-D float32 array, "array_f64" it widened to
    float64, "list" a Python list of floats, "arrays" a list of arrays, "lists" a list of
    lists of floats, "array2d" the stored 2-D array, "arrays_T" a list of the stored 2-D
    arrays transposed to (samples, channels), "tensor" / "tensors" torch.from_numpy of the
    clip / each clip (any rank: mm_demucs passes the 4-D array);
  * every output key's value under ``<case>/<key>`` as a numpy array in the dtype the
    reference returns with return_tensors="np". A value that is ragged (numpy's object
    array of per-clip arrays: unpadded FunAsrNano and UnivNet) is stored item by item as
    ``<case>/<key>/<i>``. CohereAsr's ``audio_chunk_index`` (a Python list of (sample,
    chunk or None) tuples, whatever return_tensors) is stored as int64 (n, 2) with None
    -> -1;
  * meta "cases"[name]["outputs"][key]: ``container`` (the type the reference returned for
    that key: "numpy.ndarray", "torch.Tensor", "list" (of arrays), "list[int]",
    "list[tuple]" (audio_chunk_index), "object-ndarray" (numpy object array of per-clip
    arrays)), and either ``shape``/``dtype`` or ``ragged``: [{shape, dtype} per item].

Error cases (``error=True`` in the code) must raise; meta "errors" maps the name to the
same description plus ``error`` (exception class name) and ``message`` (str(e)). No
arrays are stored for them.

Other meta keys:
  * "to_dict": for a "default" and a "custom" (non-default) instance of each class:
    ``ext``, ``init``, ``to_dict`` (json.dumps(fe.to_dict()), the reference's key order),
    ``to_json_string`` (fe.to_json_string()), and ``attributes_not_in_to_dict``;
  * "signatures": inspect.signature of each class's ``__init__`` and ``__call__``:
    ``text`` and ``parameters`` [{name, kind, default (JSON) or default_repr, or required;
    annotation}];
  * "return_types": per class, for return_tensors None, "np", "pt" and "default" (the
    keyword omitted), on the class's B2 at its rate (numpy's global RNG seeded 0 before
    each call; UnivNet without a generator): {"class": type of the result, "keys": {key:
    type, dtype, shape (or for lists and tuples: len and per item; for Python scalars and
    None: value)}} or {"error", "message"}; CLVP, FunAsrNano and UnivNet also
    "None_padding_false", "np_padding_false" and "pt_padding_false" (padding=False);
  * "model_input_names": per class;
  * "notes": statements about the reference that this run checked (each one is asserted in
    the code below), chiefly where ../shared/TRANSFORMERS.md is wrong or silent.

New in this file (not in transformers_golden.npz): meta "sampling_rates" (class rates),
"input_sampling_rates", "is_torchaudio_available"; the call seed keys; the forms
"arrays_T"; the container "list[tuple]"; the extra return_types entries; no ``input_arg``
field (no class here has SpeechT5's audio / audio_target split).

Arrays besides the cases:
  * ``inputs/<name>``: the float32 clips;
  * ``mel_filters/<ext>`` and ``mel_filters/<ext>_custom``: the bank the default / custom
    to_dict instance holds, as stored on it: CLAP ``mel_filters`` (htk, used in fusion mode)
    and ``mel_filters/clap_slaney[_custom]`` (``mel_filters_slaney``), CLVP, LASR, UnivNet:
    float64 (n_fft//2+1, n_mels); CohereAsr, Inkling, NemotronAsrStreaming: torch float32
    (n_mels, n_fft//2+1) (Nemotron's custom instance has mel_filters_dtype="bfloat16"; the
    stored bank is still float32, rounded only in __call__); GraniteSpeech5: its torchaudio
    MelSpectrogram's ``mel_scale.fb`` float32 (257, 80); MusicgenMelody:
    ``chroma_filters`` float32 (12, n_fft//2+1). FunAsrNano, NeuCodec and Xcodec2 hold none
    (kaldi.fbank builds its bank per call);
  * ``windows/<ext>``: the window the default instance holds: inkling (``window``, torch
    periodic hann 1600 float32), univnet (``window``, float64 periodic hann 1024),
    granite_speech5 (``mel_filters.spectrogram.window``, float32 periodic hann 400),
    musicgen_melody (``spectrogram.window``, float32 periodic hann 16384). The others make
    their window inside __call__ (Cohere, LASR, Nemotron) or in kaldi.fbank.

Size: CohereAsr cases other than the dither ones run with dither=0.0 (the dither makes every
frame distinct, hence incompressible), UnivNet option cases with return_noise=False, CLAP
cases mostly with max_length=30000 (63 frames) instead of the 10 s default.
"""

import inspect
import json
import math
import pathlib
import platform
import warnings

import numpy as np
import torch
import torchaudio
import transformers
from golden_signals import signals  # tests/data is the script's folder
from transformers import (
    ClapFeatureExtractor,
    ClvpFeatureExtractor,
    CohereAsrFeatureExtractor,
    FunAsrNanoFeatureExtractor,
    GraniteSpeech5FeatureExtractor,
    InklingFeatureExtractor,
    LasrFeatureExtractor,
    MusicgenMelodyFeatureExtractor,
    NemotronAsrStreamingFeatureExtractor,
    NeuCodecFeatureExtractor,
    UnivNetFeatureExtractor,
    Xcodec2FeatureExtractor,
)

warnings.simplefilter("ignore")
transformers.logging.set_verbosity_error()  # missing-sampling_rate / mono-conversion warnings
torch.set_num_threads(1)
HERE = pathlib.Path(__file__).parent
SR = 16000

CLASSES = {
    "clap": ClapFeatureExtractor,
    "clvp": ClvpFeatureExtractor,
    "cohere_asr": CohereAsrFeatureExtractor,
    "fun_asr_nano": FunAsrNanoFeatureExtractor,
    "granite_speech5": GraniteSpeech5FeatureExtractor,
    "inkling": InklingFeatureExtractor,
    "lasr": LasrFeatureExtractor,
    "musicgen_melody": MusicgenMelodyFeatureExtractor,
    "nemotron_asr_streaming": NemotronAsrStreamingFeatureExtractor,
    "neucodec": NeuCodecFeatureExtractor,
    "univnet": UnivNetFeatureExtractor,
    "xcodec2": Xcodec2FeatureExtractor,
}
PATH = {
    "clap": "numpy",
    "clvp": "numpy",
    "cohere_asr": "torch",
    "fun_asr_nano": "torchaudio",
    "granite_speech5": "torchaudio",
    "inkling": "torch",
    "lasr": "torch",
    "musicgen_melody": "torchaudio",
    "nemotron_asr_streaming": "torch",
    "neucodec": "torchaudio",
    "univnet": "numpy",
    "xcodec2": "torchaudio",
}
RATE = {ext: cls().sampling_rate for ext, cls in CLASSES.items()}
TAG = {16000: "", 48000: "_48k", 22050: "_22k", 32000: "_32k", 24000: "_24k"}

# ================================ inputs ===============================================
# The 16 kHz block is generated exactly as in make_transformers_golden.py (same seed, same
# order), so these clips equal that file's inputs of the same names.
rng = np.random.default_rng(20261219)
speechy, periodic, mixed = signals(rng, SR)


def quiet(n, sr=SR):
    """Speech-like with peak amplitude 1e-6."""
    x = speechy(n, amp=1.0, sr=sr).astype(np.float64)
    return (1e-6 * x / np.abs(x).max()).astype(np.float32)


def tone(n, f, sr=SR, amp=0.5):
    return (amp * np.sin(2 * np.pi * f * np.arange(n) / sr)).astype(np.float32)


inputs = {
    "c_0_3s": mixed(5123, 2000),
    "c_0_5s": mixed(7777, 2400),
    "c_0_7s": mixed(11301, 2800),
    "c_1s": mixed(16161, 3000),
    "c_1_3s": mixed(20807, 3200),
    "c_2_5s": mixed(40057, 3600),
    "c_450": speechy(450),
    "c_300": speechy(300),
    "c_100": speechy(100),
    "silence": np.zeros(8001, np.float32),
    "quiet": quiet(8001),
    "tone_7950": tone(8001, 7950.0),
    "c_30s_plus1": mixed(480001, 8000),
}
inputs["batch2d"] = np.stack([mixed(9601, 2600), mixed(9601, 2000, amp=0.05)])
rates = {k: SR for k in inputs}


def odd(n):
    return int(n) | 1


# the same durations at the other classes' rates (odd lengths; the speech-like part keeps
# its 16 kHz sample count, so more of each clip is the periodic background) and a 0.25 s
# tone 50 Hz below each rate's Nyquist; "silence" and "quiet" serve every rate
for sr in (48000, 22050, 32000, 24000):
    t = TAG[sr]
    sp, _, mx = signals(rng, sr)
    for base, n16, k16 in (("c_0_3s", 5123, 2000), ("c_0_5s", 7777, 2400), ("c_0_7s", 11301, 2800)):
        inputs[base + t] = mx(odd(n16 * sr / SR), odd(k16))
    inputs["c_300" + t] = sp(300)
    f = sr / 2 - 50
    inputs[f"tone_{f:g}" + t] = tone(odd(0.25 * sr), f, sr)
    for k in [k for k in inputs if k.endswith(t)]:
        rates[k] = sr
# long clips: CLAP's 10 s at 48 kHz (+4801 samples: 10 extra frames), UnivNet's 10 s at
# 24 kHz (+1 sample), MusicgenMelody's 30 s at 32 kHz (+1 sample); mostly periodic background
_, _, mx48 = signals(rng, 48000)
inputs["c_10s_plus_48k"] = mx48(484801, 4001)
_, _, mx24 = signals(rng, 24000)
inputs["c_10s_plus1_24k"] = mx24(240001, 3001)
_, _, mx32 = signals(rng, 32000)
inputs["c_30s_plus1_32k"] = mx32(960001, 3001)
inputs["stereo_0_5s_32k"] = np.stack([mx32(15555, 2401), mx32(15555, 1601, amp=0.1)])
# a Demucs-style output: (batch 1, 4 stems, 2 channels, samples) at 44 kHz
_, _, mx44 = signals(rng, 44000)
demucs = mx44(4401, 1201)
inputs["demucs_44k"] = np.stack(
    [np.stack([demucs * 2.0**-s, np.roll(demucs, 37 * s + 11) * 2.0 ** -(s + 1)]) for s in range(4)]
)[None]
for k, sr in (
    ("c_10s_plus_48k", 48000),
    ("c_10s_plus1_24k", 24000),
    ("c_30s_plus1_32k", 32000),
    ("stereo_0_5s_32k", 32000),
    ("demucs_44k", 44000),
):
    rates[k] = sr


def clipset(ext):
    """A class's standard clips at its rate: B2, B3, EDGE and the shorter B2S."""
    t = TAG[RATE[ext]]
    tone_name = next(
        k for k in inputs if k.startswith("tone_") and k.endswith(t) and rates[k] == RATE[ext]
    )
    return (
        ["c_0_7s" + t, "c_0_5s" + t],
        ["c_0_7s" + t, "c_0_5s" + t, "c_0_3s" + t],
        ["silence", "quiet", tone_name],
        ["c_0_5s" + t, "c_0_3s" + t],
    )


# the 16 kHz batches
B2 = ["c_0_7s", "c_0_5s"]  # 11301 and 7777 samples
B3 = ["c_0_7s", "c_0_5s", "c_0_3s"]
B2S = ["c_0_5s", "c_0_3s"]  # a shorter 2-clip batch (7777 and 5123) for option cases
B2T = ["c_0_3s", "c_450"]  # a cheap 2-clip batch for input forms and options without effect
EDGE = ["silence", "quiet", "tone_7950"]

cases = {}
errors = {}


# ================================ running one case =====================================
def given(x, form):
    if form == "array":
        return inputs[x]
    if form == "array_f64":
        return inputs[x].astype(np.float64)
    if form == "list":
        return [float(v) for v in inputs[x]]
    if form == "arrays":
        return [inputs[k] for k in x]
    if form == "arrays_f64":
        return [inputs[k].astype(np.float64) for k in x]
    if form == "lists":
        return [[float(v) for v in inputs[k]] for k in x]
    if form == "array2d":
        return inputs[x]
    if form == "arrays_T":  # each stored 2-D array transposed: (samples, channels)
        return [inputs[k].T for k in x]
    if form == "tensor":
        return torch.from_numpy(inputs[x])
    if form == "tensors":
        return [torch.from_numpy(inputs[k]) for k in x]
    raise ValueError(form)


SEED_KEYS = ("_np_seed", "_torch_seed", "_generator_seed")


def call_fe(fe, audio, call):
    """Call with ``call`` minus the seed keys; seed keys act just before the call."""
    kw = {k: v for k, v in call.items() if k not in SEED_KEYS}
    if "_np_seed" in call:
        np.random.seed(call["_np_seed"])  # noqa: NPY002 - CLAP draws from the global RNG
    if "_torch_seed" in call:
        torch.manual_seed(call["_torch_seed"])
    if "_generator_seed" in call:
        kw["generator"] = np.random.default_rng(call["_generator_seed"])
    return fe(audio, **kw)


def container(v):
    if isinstance(v, torch.Tensor):
        return "torch.Tensor"
    if isinstance(v, np.ndarray):
        return "object-ndarray" if v.dtype == object else "numpy.ndarray"
    if isinstance(v, list):
        if all(isinstance(i, tuple) for i in v):
            return "list[tuple]"
        return "list[int]" if all(isinstance(i, int) for i in v) else "list"
    return type(v).__name__


def as_numpy(v):
    """One output value as a numpy array, or a list of them if it is ragged."""
    if isinstance(v, torch.Tensor):
        return v.numpy()
    if isinstance(v, np.ndarray) and v.dtype != object:
        return v
    if isinstance(v, list) and all(isinstance(i, tuple) for i in v):
        # Cohere's audio_chunk_index: (sample_idx, chunk_idx or None) -> int64 (n, 2), None -> -1
        return np.array([[a, -1 if b is None else b] for a, b in v], dtype=np.int64).reshape(-1, 2)
    if isinstance(v, list) and all(isinstance(i, int) for i in v):
        return np.asarray(v)
    items = [as_numpy(i) for i in v]
    assert all(isinstance(i, np.ndarray) for i in items), type(v)
    return items


def add(name, ext, x, init=None, call=None, form=None, error=False):
    """Run one case; ``error=True``: it must raise (recorded in meta "errors")."""
    assert name not in cases and name not in errors, name
    init = dict(init or {})
    call = {"sampling_rate": RATE[ext], "return_tensors": "np", **(call or {})}
    call = {k: v for k, v in call.items() if v != "<omit>"}
    if form is None:
        form = "arrays" if isinstance(x, list) else "array"
    desc = dict(ext=ext, path=PATH[ext], init=init, call=call, x=x, form=form)
    try:
        fe = CLASSES[ext](**init)
        out = call_fe(fe, given(x, form), call)
    except Exception as e:  # noqa: BLE001 - the reference's own errors are the data
        if not error:
            raise
        errors[name] = dict(desc, error=type(e).__name__, message=str(e))
        return None
    if error:
        raise AssertionError(f"{name}: expected an error, got {list(out)}")
    cases[name] = dict(
        desc,
        containers={k: container(v) for k, v in out.items()},
        out={k: as_numpy(v) for k, v in out.items()},
    )
    return cases[name]["out"]


# ================================ CLAP (48 kHz) ========================================
# Every CLAP call seeds numpy's global RNG first (call "_np_seed"): fusion crops, rand_trunc
# offsets and the random is_longer flag all draw from it. Most cases pass a small
# max_length (M samples, 63 frames) so that outputs stay small; a few run at the default
# 10 s (1001 frames).
E = "clap"
CB2, CB3, CEDGE, CB2S = clipset(E)
M = 30000  # < c_0_7s_48k (33903) and > c_0_5s_48k (23331)
add("clap_default", E, ["c_10s_plus_48k", "c_0_7s_48k"], call={"_np_seed": 0})  # crops + repeatpad
add("clap_single", E, "c_0_7s_48k", call={"max_length": M, "_np_seed": 1})
add("clap_long_fusion", E, "c_10s_plus_48k", call={"_np_seed": 2})  # 1011 frames: crops + shrink
add("clap_long_fusion_seed3", E, "c_10s_plus_48k", call={"_np_seed": 3})
add("clap_long_rand_trunc", E, "c_10s_plus_48k", call={"truncation": "rand_trunc", "_np_seed": 2})
add("clap_batch3", E, CB3, call={"max_length": M, "_np_seed": 5})
# c_0_7s_48k has 71 frames: 3 crops of 63 and the shrink
add("clap_fusion_crops", E, CB2, call={"max_length": M, "_np_seed": 6})
add("clap_fusion_equal_frames", E, "c_0_7s_48k", call={"max_length": 33902, "_np_seed": 7})
add(
    "clap_fusion_equal_batch",
    E,
    ["c_0_7s_48k", "c_0_5s_48k", "c_0_3s_48k"],
    call={"max_length": 33902, "_np_seed": 8},
)
add("clap_rand_trunc", E, CB2, call={"max_length": M, "truncation": "rand_trunc", "_np_seed": 9})
add(
    "clap_rand_trunc_seed10",
    E,
    CB2,
    call={"max_length": M, "truncation": "rand_trunc", "_np_seed": 10},
)
for pad in ("repeatpad", "repeat", "pad"):
    add(
        f"clap_{pad}_rand_trunc",
        E,
        CB3,
        call={"max_length": M, "truncation": "rand_trunc", "padding": pad, "_np_seed": 11},
    )
    add(f"clap_{pad}_fusion", E, CB2S, call={"max_length": M, "padding": pad, "_np_seed": 12})
add(
    "clap_padding_true",
    E,
    CB2S,
    init={"padding": "pad"},
    call={"max_length": M, "padding": True, "_np_seed": 12},
)
add("clap_padding_false", E, CB2S, call={"max_length": M, "padding": False, "_np_seed": 12})
add("clap_padding_unknown", E, CB2S, call={"max_length": M, "padding": "zeros", "_np_seed": 12})
add(
    "clap_init_rand_trunc_repeat",
    E,
    CB2,
    init={"truncation": "rand_trunc", "padding": "repeat"},
    call={"max_length": M, "_np_seed": 13},
)
add(
    "clap_truncation_unknown_short",
    E,
    CB2S,
    call={"max_length": M, "truncation": "crop", "_np_seed": 14},
)
add(
    "clap_truncation_unknown_long",
    E,
    CB2,
    call={"max_length": M, "truncation": "crop", "_np_seed": 14},
    error=True,
)
add("clap_max_length_s_1", E, CB2, init={"max_length_s": 1}, call={"_np_seed": 15})
add("clap_top_db", E, CB2S, init={"top_db": 20}, call={"max_length": M, "_np_seed": 12})
add(
    "clap_init_mask_true",
    E,
    CB2S,
    init={"return_attention_mask": True},
    call={"max_length": M, "_np_seed": 12},
)
CLAP_CUSTOM = {
    "feature_size": 64,
    "hop_length": 320,
    "fft_window_size": 512,
    "frequency_min": 50,
    "frequency_max": 20000,
}
add("clap_custom", E, CB2, init=CLAP_CUSTOM, call={"max_length": M, "_np_seed": 16})
add(
    "clap_custom_rand_trunc",
    E,
    CB2,
    init=CLAP_CUSTOM,
    call={"max_length": M, "truncation": "rand_trunc", "_np_seed": 16},
)
add("clap_mel32_short", E, CB2S, init={"feature_size": 32}, call={"max_length": M, "_np_seed": 17})
add(
    "clap_mel32_long",
    E,
    CB2,
    init={"feature_size": 32},
    call={"max_length": M, "_np_seed": 17},
    error=True,
)
for e in CEDGE:
    add(f"clap_{e.rsplit('_', 1)[0]}", E, e, call={"max_length": M, "_np_seed": 18})
add("clap_300", E, "c_300_48k", call={"max_length": M, "_np_seed": 19})  # tiled 100 times
add("clap_list", E, "c_0_3s_48k", form="list", call={"max_length": M, "_np_seed": 20})
add("clap_float64", E, "c_0_3s_48k", form="array_f64", call={"max_length": M, "_np_seed": 20})
add("clap_lists", E, CB2S, form="lists", call={"max_length": M, "_np_seed": 20})
add("clap_tensor", E, "c_0_3s_48k", form="tensor", call={"max_length": M, "_np_seed": 20})
add("clap_array2d", E, "batch2d", form="array2d", call={"max_length": M, "_np_seed": 21})
add("clap_sr_mismatch", E, "c_0_5s_48k", call={"sampling_rate": 16000}, error=True)

# ================================ CLVP (22.05 kHz) =====================================
E = "clvp"
VB2, VB3, VEDGE, VB2S = clipset(E)
add("clvp_default", E, VB2)  # padded / truncated to 6 s: 517 frames
add("clvp_single", E, "c_0_7s_22k")
add("clvp_batch3", E, VB3)
add("clvp_longest", E, VB2S, call={"padding": "longest"})
add("clvp_padding_true", E, VB2S, call={"padding": True})
add("clvp_padding_false_single", E, "c_0_7s_22k", call={"padding": False})
add("clvp_padding_false", E, VB2S, call={"padding": False}, error=True)
add("clvp_max_length", E, VB2S, call={"max_length": 8000})  # truncation=True by default
add(
    "clvp_max_length_no_truncation",
    E,
    VB2S,
    call={"max_length": 8000, "truncation": False},
    error=True,
)
add("clvp_longest_truncation", E, VB2S, call={"padding": "longest", "max_length": 8000})
add("clvp_multiple", E, VB2S, call={"pad_to_multiple_of": 1000})
add("clvp_multiple_max_length", E, VB2S, call={"max_length": 8000, "pad_to_multiple_of": 1024})
add("clvp_mask_false", E, VB2S, call={"return_attention_mask": False})
add("clvp_mask_none", E, ["c_0_3s_22k", "c_300_22k"], call={"return_attention_mask": None})
add(
    "clvp_init_mask_true_none",
    E,
    ["c_0_3s_22k", "c_300_22k"],
    init={"return_attention_mask": True},
    call={"return_attention_mask": None},
)
MEL_NORMS = [round(1.5 + 0.5 * math.cos(0.07 * k), 4) for k in range(80)]
add("clvp_mel_norms", E, VB2S, init={"mel_norms": MEL_NORMS})
add("clvp_audio_length_2", E, VB2S, init={"default_audio_length": 2})
add("clvp_padding_value", E, VB2S, init={"padding_value": 0.1})
add("clvp_padding_left", E, ["c_0_3s_22k", "c_300_22k"], init={"padding_side": "left"})
CLVP_CUSTOM = {"feature_size": 64, "hop_length": 200, "n_fft": 512, "default_audio_length": 1}
add("clvp_custom", E, VB2S, init=CLVP_CUSTOM)
# chunk_length is stored but unused
add("clvp_chunk_length", E, ["c_0_3s_22k", "c_300_22k"], init={"chunk_length": 1})
for e in VEDGE:
    add(f"clvp_{e.rsplit('_', 1)[0]}", E, e)
add("clvp_300", E, "c_300_22k", call={"padding": "longest"})
add("clvp_list", E, "c_0_3s_22k", form="list")
add("clvp_float64", E, "c_0_3s_22k", form="array_f64")
add("clvp_lists", E, ["c_0_3s_22k", "c_300_22k"], form="lists")
add("clvp_tensors", E, VB2S, form="tensors", error=True)
add("clvp_array2d", E, "batch2d", form="array2d")
add("clvp_sr_mismatch", E, "c_0_5s_22k", call={"sampling_rate": 16000}, error=True)

# ================================ CohereAsr ============================================
# The dither (default 1e-5) draws from a torch.Generator seeded with each row's valid
# length; every call also seeds torch's global RNG (call "_torch_seed"), which the output
# does not depend on (see the notes). Cases about other options than the dither run with
# dither=0.0 (init), which keeps their outputs small (the dither makes every frame distinct).
E = "cohere_asr"
T0 = {"_torch_seed": 0}
D0 = {"dither": 0.0}
add("cohere_default", E, B2, call=T0)
add("cohere_single", E, "c_0_7s", call=T0)
add("cohere_batch3", E, B3, init=D0, call=T0)
add("cohere_dither_0", E, B2, init={"dither": 0.0}, call=T0)
add("cohere_dither_1e-3", E, "c_0_3s", init={"dither": 1e-3}, call=T0)
add("cohere_preemph_none", E, B2S, init={**D0, "preemphasis": None}, call=T0)
add("cohere_max_length", E, B2S, init=D0, call={"padding": "max_length", "max_length": 16000, **T0})
add("cohere_truncation", E, B2S, init=D0, call={"truncation": True, "max_length": 6000, **T0})
add("cohere_multiple", E, B2S, init=D0, call={"pad_to_multiple_of": 1600, **T0})
add("cohere_mask_false", E, B2T, init=D0, call={"return_attention_mask": False, **T0})
add("cohere_do_normalize_false", E, B2S, init=D0, call={"do_normalize": False, **T0})
add("cohere_padding_false_single", E, "c_0_7s", init=D0, call={"padding": False, **T0})
add("cohere_padding_false", E, B2S, init=D0, call={"padding": False, **T0}, error=True)
add("cohere_padding_left", E, B2T, init={**D0, "padding_side": "left"}, call=T0)
add("cohere_padding_value", E, B2S, init={**D0, "padding_value": 0.5}, call=T0)
CH = {"max_audio_clip_s": 1.0, "overlap_chunk_second": 0.25}
# energy split of the 2.5 s clip
add("cohere_chunks", E, ["c_2_5s", "c_0_5s"], init={**D0, **CH}, call=T0)
add(
    "cohere_chunks_midpoint",
    E,
    ["c_2_5s"],
    init={**D0, "max_audio_clip_s": 1.0, "overlap_chunk_second": 0.1},
    call=T0,
)
add(
    "cohere_chunks_window_800",
    E,
    ["c_2_5s"],
    init={**D0, **CH, "min_energy_window_samples": 800},
    call=T0,
)
add("cohere_long", E, "c_30s_plus1", init={"dither": 0.0}, call=T0)  # > 30 s: one chunk, index 0
add(
    "cohere_custom",
    E,
    B2S,
    init={**D0, "feature_size": 80, "n_fft": 400, "win_length": 320, "hop_length": 128},
    call=T0,
)
for e in EDGE:
    add(f"cohere_{e}", E, e, call=T0)
add("cohere_silence_dither_0", E, "silence", init={"dither": 0.0}, call=T0)
add("cohere_450", E, "c_450", call=T0)  # 2 valid frames
add("cohere_300", E, "c_300", call=T0)  # 1 valid frame: variance / 0
add("cohere_100", E, "c_100", call=T0)  # 0 valid frames
add("cohere_tensor", E, "c_0_3s", form="tensor", init=D0, call=T0)
add("cohere_tensors", E, B2T, form="tensors", init=D0, call=T0)
add("cohere_float64", E, "c_0_3s", form="array_f64", init=D0, call=T0)
add("cohere_array2d", E, "batch2d", form="array2d", init=D0, call=T0)
# a (samples, channels) clip in a list: the per-clip mean(-1) is not kept
add("cohere_stereo", E, ["batch2d"], form="arrays_T", call=T0, error=True)
add("cohere_list", E, "c_0_3s", form="list", call=T0, error=True)
add("cohere_lists", E, B2S, form="lists", call=T0, error=True)
add("cohere_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000, **T0}, error=True)

# ================================ FunAsrNano ===========================================
E = "fun_asr_nano"
add("funasr_default", E, B2)
add("funasr_single", E, "c_0_7s")
add("funasr_batch3", E, B3)
add("funasr_max_length", E, B2S, call={"padding": "max_length", "max_length": 30})  # LFR frames
add("funasr_truncation", E, B2S, call={"truncation": True, "max_length": 7})
add("funasr_multiple", E, B2S, call={"pad_to_multiple_of": 8})
add("funasr_padding_false_single", E, "c_0_7s", call={"padding": False})
add("funasr_padding_false", E, B2S, call={"padding": False})  # ragged: object arrays
add("funasr_mask_false", E, B2S, call={"return_attention_mask": False})
add("funasr_init_mask_false", E, B2T, init={"return_attention_mask": False})
add("funasr_padding_value", E, B2S, init={"padding_value": -1.0})
add("funasr_padding_left", E, B2T, init={"padding_side": "left"})
add("funasr_lfr_1_1", E, B2S, init={"num_frames_lfr": 1, "stride_lfr": 1})
add("funasr_lfr_4_3", E, B2S, init={"num_frames_lfr": 4, "stride_lfr": 3})
add("funasr_lfr_7_6_short", E, "c_450")  # 1 fbank frame -> 1 LFR frame of 7 copies
add(
    "funasr_window_hanning",
    E,
    B2S,
    init={"window": "hanning", "frame_length": 32, "frame_shift": 16},
)
add("funasr_mel40", E, B2S, init={"feature_size": 40})
for e in EDGE:
    add(f"funasr_{e}", E, e)
add("funasr_300", E, "c_300", error=True)  # shorter than one 400-sample frame
add("funasr_list", E, "c_0_3s", form="list")
add("funasr_tensors", E, B2T, form="tensors")
add("funasr_float64", E, "c_0_3s", form="array_f64")
add("funasr_array2d", E, "batch2d", form="array2d", error=True)
add("funasr_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ GraniteSpeech5 =======================================
E = "granite_speech5"
add("gran5_default", E, B2)
add("gran5_single", E, "c_0_7s")  # 70 mel frames (even)
add("gran5_single_odd", E, "c_1s")  # 101 mel frames -> 102 kept, needs 16161 samples: no extra
add("gran5_batch3", E, B3)
# P = 16160: P // 160 = 101 is odd, so one zero sample is appended
add("gran5_max_length_16160", E, B2T, call={"padding": "max_length", "max_length": 16160})
add("gran5_max_length_16000", E, "c_0_3s", call={"padding": "max_length", "max_length": 16000})
add(
    "gran5_max_length_too_short",
    E,
    B2S,
    call={"padding": "max_length", "max_length": 6000},
    error=True,
)
add(
    "gran5_truncation",
    E,
    B2T,
    call={"padding": "max_length", "max_length": 3000, "truncation": True},
)
add("gran5_truncation_longest", E, B2T, call={"truncation": True, "max_length": 3000})
add("gran5_multiple", E, B2T, call={"pad_to_multiple_of": 1000})
add("gran5_padding_false", E, B2S, call={"padding": False}, error=True)
add("gran5_padding_false_equal", E, "batch2d", form="array2d", call={"padding": False})
add("gran5_padding_false_single", E, "c_0_7s", call={"padding": False})
add("gran5_mask_false", E, B2T, call={"return_attention_mask": False})
add("gran5_padding_value", E, B2T, init={"padding_value": 0.5})
GRAN5_CUSTOM = {
    "num_mel_bins": 64,
    "delta_win_length": 5,
    "logmel_floor_db": 5.0,
    "hop_length": 128,
    "win_length": 320,
}
add("gran5_custom", E, B2T, init=GRAN5_CUSTOM)
for e in EDGE:
    add(f"gran5_{e}", E, e)
add("gran5_batch_with_silence", E, ["c_0_7s", "silence"])
add("gran5_300", E, "c_300")
add("gran5_100", E, "c_100", error=True)  # reflect padding of 256 needs more samples
add("gran5_tensors", E, B2T, form="tensors")
add("gran5_tensor", E, "c_0_3s", form="tensor")
add("gran5_float64", E, "c_0_3s", form="array_f64")
add("gran5_lists", E, B2T, form="lists")
add("gran5_list", E, "c_0_3s", form="list", error=True)
add("gran5_stereo", E, ["batch2d"], form="arrays_T")  # (N, 2) clip: mean over the last axis
add("gran5_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ Inkling ==============================================
E = "inkling"
add("ink_default", E, B2)
add("ink_single", E, "c_0_7s")
add("ink_batch3", E, B3)
add("ink_max_length", E, B2S, call={"padding": "max_length", "max_length": 16000})
add("ink_truncation", E, B2S, call={"truncation": True, "max_length": 6000})
add("ink_multiple", E, B2S, call={"pad_to_multiple_of": 1000})
add("ink_padding_false", E, B2S, call={"padding": False}, error=True)
add("ink_padding_false_single", E, "c_0_7s", call={"padding": False})
add("ink_mask_false", E, B2S, call={"return_attention_mask": False})
add("ink_padding_value", E, B2S, init={"padding_value": 0.5})
INK_CUSTOM = {"audio_token_duration_s": 0.02, "window_size_multiplier": 2.5, "n_fft": 1024}
add("ink_custom", E, B2S, init=INK_CUSTOM)
add("ink_nfft_small", E, B2S, init={"n_fft": 1024}, error=True)  # window 1600 > n_fft
add("ink_inexact_hop", E, B2S, init={"audio_token_duration_s": 0.0333}, error=True)
add("ink_mel128", E, B2S, init={"feature_size": 128})
for e in EDGE:
    add(f"ink_{e}", E, e)
add("ink_300", E, "c_300")
add("ink_100", E, "c_100")
add("ink_list", E, "c_0_3s", form="list")
add("ink_tensors", E, B2S, form="tensors")
add("ink_float64", E, "c_0_3s", form="array_f64")
add("ink_stereo", E, ["batch2d"], form="arrays_T")  # (N, 2): mean over channels
add("ink_array2d", E, "batch2d", form="array2d")  # (2, N) as ONE clip: mean over the time axis
add("ink_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ LASR =================================================
E = "lasr"
add("lasr_default", E, B2)  # no mask unless asked
add("lasr_single", E, "c_0_7s")
add("lasr_batch3", E, B3)
add("lasr_mask", E, B2S, call={"return_attention_mask": True})
add("lasr_mask_false", E, B2T, call={"return_attention_mask": False})
add(
    "lasr_max_length",
    E,
    B2S,
    call={"padding": "max_length", "max_length": 16000, "return_attention_mask": True},
)
add(
    "lasr_truncation",
    E,
    B2S,
    call={"truncation": True, "max_length": 6000, "return_attention_mask": True},
)
add("lasr_multiple", E, B2S, call={"pad_to_multiple_of": 1000, "return_attention_mask": True})
add("lasr_padding_false", E, B2S, call={"padding": False}, error=True)
add(
    "lasr_padding_false_single", E, "c_0_7s", call={"padding": False, "return_attention_mask": True}
)
add("lasr_padding_value", E, B2S, init={"padding_value": 0.5}, call={"return_attention_mask": True})
add(
    "lasr_padding_left", E, B2T, init={"padding_side": "left"}, call={"return_attention_mask": True}
)
add(
    "lasr_custom",
    E,
    B2S,
    init={"feature_size": 80, "n_fft": 1024, "win_length": 800, "hop_length": 320},
)
for e in EDGE:
    add(f"lasr_{e}", E, e)
add("lasr_450", E, "c_450")  # one frame
add("lasr_300", E, "c_300", error=True)  # unfold needs 400 samples
add("lasr_list", E, "c_0_3s", form="list")
add("lasr_tensors", E, B2S, form="tensors", error=True)
add("lasr_float64", E, "c_0_3s", form="array_f64")
add("lasr_array2d", E, "batch2d", form="array2d")
add("lasr_stereo", E, ["batch2d"], form="arrays_T", error=True)
add("lasr_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ MusicgenMelody (32 kHz) ==============================
E = "musicgen_melody"
MB2, MB3, MEDGE, MB2S = clipset(E)
add("mm_default", E, MB2)
add("mm_single", E, "c_0_7s_32k")
add("mm_batch3", E, MB3)
add("mm_mask", E, MB2, call={"return_attention_mask": True})
add("mm_mask_multiple", E, MB2, call={"return_attention_mask": True, "pad_to_multiple_of": 4096})
add("mm_init_mask_true", E, MB2, init={"return_attention_mask": True})
add(
    "mm_max_length",
    E,
    MB2,
    call={"padding": "max_length", "max_length": 40960, "return_attention_mask": True},
)
add("mm_truncation", E, MB3, call={"max_length": 20000, "return_attention_mask": True})
add("mm_no_truncation", E, MB3, call={"max_length": 20000, "truncation": False})
add(
    "mm_max_length_no_truncation",
    E,
    MB3,
    call={"padding": "max_length", "max_length": 20000, "truncation": False},
    error=True,
)
add("mm_multiple", E, MB2, call={"pad_to_multiple_of": 4096})
add("mm_padding_false", E, MB2, call={"padding": False}, error=True)
add("mm_padding_false_single", E, "c_0_7s_32k", call={"padding": False})
add("mm_long", E, "c_30s_plus1_32k")  # truncated to 30 s: 235 frames
add("mm_long_no_truncation", E, "c_30s_plus1_32k", call={"truncation": False})
add("mm_chunk_length_1", E, "c_30s_plus1_32k", init={"chunk_length": 1})  # truncates at 32000
add("mm_chunk_length_half", E, MB2, init={"chunk_length": 0.5}, error=True)  # 16000.0 samples
MM_CUSTOM = {"n_fft": 1024, "hop_length": 256}
add("mm_custom", E, MB2, init=MM_CUSTOM)
add("mm_chroma_24", E, MB2, init={"num_chroma": 24, "feature_size": 24})
for e in MEDGE:
    add(f"mm_{e.rsplit('_', 1)[0]}", E, e)
add("mm_300", E, "c_300_32k")  # < n_fft: centred zero padding to 16384
add("mm_padding_value", E, ["c_0_7s_32k", "c_300_32k"], init={"padding_value": 0.25})
add("mm_list", E, "c_0_3s_32k", form="list")
add("mm_float64", E, "c_0_3s_32k", form="array_f64")
add("mm_tensor", E, "c_0_3s_32k", form="tensor")
add("mm_tensors", E, MB2S, form="tensors")
add("mm_lists", E, MB2S, form="lists")
add("mm_array2d", E, "stereo_0_5s_32k", form="array2d")  # (2, N) array: a batch of 2 clips
add("mm_stereo", E, ["stereo_0_5s_32k", "stereo_0_5s_32k"], form="arrays")  # each (2, N): mean
add("mm_resample_16k", E, "c_0_7s", form="tensor", call={"sampling_rate": 16000})
add("mm_resample_16k_batch", E, "batch2d", form="tensor", call={"sampling_rate": 16000})
add("mm_resample_16k_numpy", E, "c_0_7s", call={"sampling_rate": 16000}, error=True)
add("mm_demucs", E, "demucs_44k", form="tensor", call={"sampling_rate": "<omit>"})  # 44000 assumed
add("mm_demucs_32k", E, "demucs_44k", form="tensor", call={"sampling_rate": 32000})
add(
    "mm_demucs_stems_01",
    E,
    "demucs_44k",
    form="tensor",
    init={"stem_indices": [0, 1]},
    call={"sampling_rate": 32000},
)

# ================================ NemotronAsrStreaming =================================
E = "nemotron_asr_streaming"
add("nemo_default", E, B2)
add("nemo_single", E, "c_0_7s")
add("nemo_batch3", E, B3)
add("nemo_center_false", E, B2S, call={"center": False})
add("nemo_last_chunk", E, B2S, call={"center": False, "is_last_audio_chunk": True})
add("nemo_last_chunk_center", E, B2S, call={"is_last_audio_chunk": True})  # no effect with center
add("nemo_bf16", E, B2S, init={"mel_filters_dtype": "bfloat16"})
add("nemo_float16", E, B2S, init={"mel_filters_dtype": "float16"})
add("nemo_preemph_none", E, B2S, init={"preemphasis": None})
add("nemo_max_length", E, B2S, call={"padding": "max_length", "max_length": 16000})
add("nemo_truncation", E, B2S, call={"truncation": True, "max_length": 6000})
add("nemo_multiple", E, B2S, call={"pad_to_multiple_of": 1600})
add("nemo_mask_false", E, B2T, call={"return_attention_mask": False})
add("nemo_padding_false", E, B2S, call={"padding": False}, error=True)
add("nemo_padding_false_single", E, "c_0_7s", call={"padding": False})
add("nemo_padding_left", E, B2T, init={"padding_side": "left"})
add("nemo_padding_value", E, B2S, init={"padding_value": 0.5})
add("nemo_mel128", E, B2S, init={"feature_size": 128})
for e in EDGE:
    add(f"nemo_{e}", E, e)
add("nemo_300", E, "c_300")
add("nemo_100", E, "c_100")
add("nemo_300_center_false", E, "c_300", call={"center": False}, error=True)
add(
    "nemo_300_last_chunk",
    E,
    "c_300",
    call={"center": False, "is_last_audio_chunk": True},
    error=True,
)
add("nemo_tensors", E, B2T, form="tensors")
add("nemo_float64", E, "c_0_3s", form="array_f64")
add("nemo_array2d", E, "batch2d", form="array2d")
add("nemo_list", E, "c_0_3s", form="list", error=True)
add("nemo_stereo", E, ["batch2d"], form="arrays_T", error=True)
add("nemo_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ NeuCodec / Xcodec2 ===================================
for E, p in (("neucodec", "neu"), ("xcodec2", "xc2")):
    add(f"{p}_default", E, B2)
    add(f"{p}_single", E, "c_0_7s")
    add(f"{p}_batch3", E, B3)
    # option cases: the cheap B2T (5123 and 450 samples)
    add(f"{p}_max_length", E, B2T, call={"padding": "max_length", "max_length": 6400})
    add(
        f"{p}_max_length_truncation",
        E,
        B2T,
        call={"padding": "max_length", "max_length": 3200, "truncation": True},
    )
    add(f"{p}_truncation", E, B2T, call={"truncation": True, "max_length": 3000})
    add(f"{p}_padding_false", E, B2T, call={"padding": False}, error=True)
    add(f"{p}_padding_false_single", E, "c_0_3s", call={"padding": False}, error=True)
    add(f"{p}_padding_value", E, B2T, init={"padding_value": 0.0})
    add(f"{p}_hop_160", E, B2T, init={"hop_length": 160})
    # feature_size is ignored: 80 mels are hard-coded
    add(f"{p}_feature_size_40", E, "c_0_3s", init={"feature_size": 40})
    add(f"{p}_padding_left", E, B2T, init={"padding_side": "left"})
    for e in EDGE:
        add(f"{p}_{e}", E, e)
    add(f"{p}_450", E, "c_450")
    # 301 -> 320 samples: no 400-sample frame for NeuCodec; Xcodec2 adds 160 + 160 zeros
    add(f"{p}_300", E, "c_300", error=p == "neu")
    add(f"{p}_100", E, "c_100", error=p == "neu")
    add(f"{p}_list", E, "c_0_3s", form="list", error=True)
    add(f"{p}_tensors", E, B2T, form="tensors")
    add(f"{p}_float64", E, "c_0_3s", form="array_f64")
    add(f"{p}_array2d", E, "batch2d", form="array2d", error=True)  # one (2, N) clip
    add(f"{p}_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ UnivNet (24 kHz) =====================================
# noise_sequence comes from ``generator``; every case passes
# generator=np.random.default_rng(call "_generator_seed") (not JSON: the seed stands for it).
E = "univnet"
UB2, UB3, UEDGE, UB2S = clipset(E)
G = {"_generator_seed": 0}
NN = {"return_noise": False}  # option cases: no noise (incompressible) unless it is the point
add("univ_default", E, UB2, call=G)
add("univ_single", E, "c_0_7s_24k", call={"_generator_seed": 1})
add("univ_batch3", E, UB3, call=NN)
add("univ_no_noise", E, UB2S, call={"return_noise": False})
add("univ_do_normalize", E, UB2S, call={"do_normalize": True, **NN})
add("univ_init_do_normalize", E, UB2S, init={"do_normalize": True}, call=NN)
add(
    "univ_init_do_normalize_call_false",
    E,
    UB2S,
    init={"do_normalize": True},
    call={"do_normalize": False, **NN},
)
add("univ_pad_end", E, UB2S, call={"pad_end": True, **NN})
add("univ_pad_end_3", E, UB2S, call={"pad_end": True, "pad_length": 3, **NN})
add("univ_max_length", E, UB2S, call={"padding": "max_length", "max_length": 24000, **NN})
add("univ_truncation", E, UB2S, call={"max_length": 8000, **NN})  # truncation=True by default
add("univ_no_truncation", E, UB2S, call={"max_length": 8000, "truncation": False, **NN})
add("univ_multiple", E, UB2S, call={"pad_to_multiple_of": 256, **NN})
add("univ_padding_false", E, UB2S, call={"padding": False, **NN})  # ragged: object arrays
add("univ_padding_false_single", E, "c_0_3s_24k", call={"padding": False, **NN})
add("univ_mask_false", E, UB2S, call={"return_attention_mask": False, **NN})
add("univ_init_mask_false", E, UB2S, init={"return_attention_mask": False}, call=NN)
add("univ_padding_value", E, UB2S, init={"padding_value": 0.1}, call=NN)
add("univ_long", E, "c_10s_plus1_24k", call={"return_noise": False})  # truncated to 10 s
UNIV_CUSTOM = {
    "num_mel_bins": 80,
    "hop_length": 200,
    "win_length": 512,
    "filter_length": 512,
    "fmin": 50.0,
    "fmax": 8000.0,
    "mel_floor": 1e-5,
    "compression_factor": 2.0,
    "compression_clip_val": 1e-4,
    "model_in_channels": 32,
}
add("univ_custom", E, UB2S, init=UNIV_CUSTOM, call=G)
add("univ_center", E, UB2S, init={"center": True}, call=NN)
add(
    "univ_filter_length_none",
    E,
    UB2S,
    init={"win_length": 800, "filter_length": None},
    call=G,
    error=True,
)
for e in UEDGE:
    add(f"univ_{e.rsplit('_', 1)[0]}", E, e, call=G)
add("univ_300", E, "c_300_24k", call=G)  # shorter than the 384-sample reflect padding
add("univ_list", E, "c_0_3s_24k", form="list", call=NN)
add("univ_float64", E, "c_0_3s_24k", form="array_f64", call=NN)
add("univ_lists", E, UB2S, form="lists", call=NN)
add("univ_tensor", E, "c_0_3s_24k", form="tensor", call=NN)
add("univ_sr_mismatch", E, "c_0_5s_24k", call={"sampling_rate": 16000, **G}, error=True)

# ==================== to_dict, signatures, return types, filters =======================
CUSTOM = {
    "clap": {**CLAP_CUSTOM, "truncation": "rand_trunc", "padding": "repeat", "top_db": 20},
    "clvp": {**CLVP_CUSTOM, "mel_norms": MEL_NORMS},
    "cohere_asr": {
        "feature_size": 80,
        "n_fft": 400,
        "win_length": 320,
        "hop_length": 128,
        "dither": 0.0,
        **CH,
    },
    "fun_asr_nano": {
        "window": "hanning",
        "frame_length": 32,
        "frame_shift": 16,
        "num_frames_lfr": 4,
        "stride_lfr": 3,
    },
    "granite_speech5": GRAN5_CUSTOM,
    "inkling": INK_CUSTOM,
    "lasr": {"feature_size": 80, "n_fft": 1024, "win_length": 800, "hop_length": 320},
    "musicgen_melody": {**MM_CUSTOM, "stem_indices": [0, 1]},
    "nemotron_asr_streaming": {
        "feature_size": 128,
        "mel_filters_dtype": "bfloat16",
        "preemphasis": None,
    },
    "neucodec": {"hop_length": 160, "padding_value": 0.0, "feature_size": 40},
    "univnet": {**UNIV_CUSTOM, "center": True},
    "xcodec2": {"hop_length": 160, "padding_value": 0.0, "feature_size": 40},
}
to_dict = {}
filters = {}
windows = {}


def to_np(v):
    return v.detach().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)


def held_arrays(ext, fe):
    """(banks, windows) the instance holds, as {suffix: array}."""
    banks, wins = {}, {}
    if ext == "musicgen_melody":
        banks[""] = to_np(fe.chroma_filters)
        wins[""] = to_np(fe.spectrogram.window)
    elif ext == "granite_speech5":
        banks[""] = to_np(fe.mel_filters.mel_scale.fb)
        wins[""] = to_np(fe.mel_filters.spectrogram.window)
    elif getattr(fe, "mel_filters", None) is not None:
        banks[""] = to_np(fe.mel_filters)
    if ext == "clap":
        banks["_slaney"] = to_np(fe.mel_filters_slaney)
    if isinstance(getattr(fe, "window", None), (np.ndarray, torch.Tensor)):
        wins[""] = to_np(fe.window)
    return banks, wins


for ext, cls in CLASSES.items():
    for cname, init in (("default", {}), ("custom", CUSTOM[ext])):
        fe = cls(**init)
        to_dict[f"{ext}_{cname}"] = {
            "ext": ext,
            "init": init,
            "to_dict": json.dumps(fe.to_dict(), default=repr),
            "to_json_string": fe.to_json_string(),
            "attributes_not_in_to_dict": sorted(set(vars(fe)) - set(fe.to_dict())),
        }
        banks, wins = held_arrays(ext, fe)
        suffix = "" if cname == "default" else "_custom"
        for k, v in banks.items():
            filters[ext + k + suffix] = v
        if cname == "default":
            for k, v in wins.items():
                windows[ext + k] = v


def describe(p):
    d = {"name": p.name, "kind": p.kind.name}
    if p.default is not inspect.Parameter.empty:
        try:
            json.dumps(p.default)
            d["default"] = p.default
        except TypeError:
            d["default_repr"] = repr(p.default)
    else:
        d["required"] = p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    if p.annotation is not inspect.Parameter.empty:
        a = p.annotation
        d["annotation"] = a if isinstance(a, str) else inspect.formatannotation(a)
    return d


signatures = {
    ext: {
        m: {
            "text": str(inspect.signature(getattr(cls, m))),
            "parameters": [
                describe(p) for p in inspect.signature(getattr(cls, m)).parameters.values()
            ],
        }
        for m in ("__init__", "__call__")
    }
    for ext, cls in CLASSES.items()
}


def typeinfo(v):
    if isinstance(v, (list, tuple)):
        return {"type": type(v).__name__, "len": len(v), "items": [typeinfo(i) for i in v]}
    if v is None or isinstance(v, (bool, int, float)):
        return {"type": type(v).__name__, "value": v}
    info = {"type": f"{type(v).__module__}.{type(v).__name__}", "dtype": str(v.dtype)}
    info["shape"] = list(v.shape)
    if isinstance(v, np.ndarray) and v.dtype == object:
        info["items"] = [typeinfo(i) for i in v]
    return info


def result_types(fe, audio, kw):
    try:
        np.random.seed(0)  # noqa: NPY002 - CLAP
        out = fe(audio, **kw)
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__, "message": str(e)}
    return {"class": type(out).__name__, "keys": {k: typeinfo(v) for k, v in out.items()}}


return_types = {}
for ext, cls in CLASSES.items():
    return_types[ext] = {}
    fe = cls()
    audio = [inputs[k] for k in clipset(ext)[0]]
    for rt in (None, "np", "pt", "default"):
        kw = {"sampling_rate": RATE[ext]}
        if rt != "default":
            kw["return_tensors"] = rt
        return_types[ext][str(rt)] = result_types(fe, audio, kw)
    if ext in ("clvp", "fun_asr_nano", "univnet"):  # unpadded (ragged) batches
        for rt in (None, "np", "pt"):
            kw = {"sampling_rate": RATE[ext], "return_tensors": rt, "padding": False}
            return_types[ext][f"{rt}_padding_false"] = result_types(fe, audio, kw)


# ================================ checks -> notes ======================================
def valid(name, key):
    return cases[name]["out"][key]


notes = []


def note(text, ok):
    assert ok, text
    notes.append(text)


def rtype(ext, rt, key):
    return return_types[ext][rt]["keys"][key]["type"]


L = {k: v.shape[-1] for k, v in inputs.items()}
# ---- CLAP
cd = cases["clap_default"]["out"]
note(
    "CLAP (TRANSFORMERS.md 4.3 confirmed): return_tensors=None gives a list of (4, 1001, 64) "
    "float32 arrays and a list of [bool]; fusion stacks [shrink, front, mid, back] for a clip "
    "longer than max_length (c_10s_plus_48k: 1011 frames; crops differ between seeds, the "
    "bilinear shrink does not) and 4 identical copies of the htk mel for a shorter one.",
    rtype("clap", "None", "input_features") == "list"
    and return_types["clap"]["None"]["keys"]["input_features"]["items"][0]["shape"] == [4, 1001, 64]
    and rtype("clap", "None", "is_longer") == "list"
    and all(
        np.array_equal(cd["input_features"][1, 0], cd["input_features"][1, i]) for i in (1, 2, 3)
    )
    and not np.array_equal(
        valid("clap_long_fusion", "input_features"),
        valid("clap_long_fusion_seed3", "input_features"),
    )
    and np.array_equal(
        valid("clap_long_fusion", "input_features")[0, 0],
        valid("clap_long_fusion_seed3", "input_features")[0, 0],
    ),
)
np.random.seed(8)  # noqa: NPY002 - replays clap_fusion_equal_batch's is_longer draw
pick = np.random.randint(0, 3)  # noqa: NPY002
note(
    "CLAP: a clip whose mel has exactly max_length // hop + 1 frames (33903 samples with "
    "max_length=33902) takes the long branch but returns 4 copies and is_longer False; when no "
    "clip of a fusion batch is longer, is_longer[np.random.randint(0, B)] is set True (after "
    "any crop draws), so a single such clip ends up is_longer True.",
    valid("clap_fusion_equal_frames", "is_longer").tolist() == [[True]]
    and valid("clap_fusion_equal_batch", "is_longer")[:, 0].tolist()
    == [i == pick for i in range(3)]
    and valid("clap_fusion_equal_frames", "input_features").shape == (1, 4, 71, 64),
)
note(
    "CLAP top_db and return_attention_mask are ignored (no dB clipping, no mask key) "
    "(TRANSFORMERS.md 4.3 confirmed for top_db).",
    np.array_equal(
        valid("clap_top_db", "input_features"), valid("clap_repeatpad_fusion", "input_features")
    )
    and set(cases["clap_init_mask_true"]["out"]) == {"input_features", "is_longer"},
)
note(
    'CLAP padding: True/None mean the init\'s padding; False and any unknown string ("zeros") '
    'zero-pad like "pad". An unknown truncation string ("crop") works for short clips (one '
    "slaney mel, like rand_trunc) and raises NotImplementedError only for a longer clip. "
    "TRANSFORMERS.md is silent on all of these.",
    np.array_equal(
        valid("clap_padding_false", "input_features"), valid("clap_pad_fusion", "input_features")
    )
    and np.array_equal(
        valid("clap_padding_unknown", "input_features"), valid("clap_pad_fusion", "input_features")
    )
    and np.array_equal(
        valid("clap_padding_true", "input_features"), valid("clap_pad_fusion", "input_features")
    )
    and np.array_equal(
        valid("clap_truncation_unknown_short", "input_features"),
        valid("clap_repeatpad_rand_trunc", "input_features")[1:],
    )
    and errors["clap_truncation_unknown_long"]["error"] == "NotImplementedError",
)
note(
    "CLAP feature_size != 64 fails for a clip longer than max_length in fusion mode: the shrink "
    "is interpolated to a hard-coded 64 bands and np.stack raises ValueError (TRANSFORMERS.md "
    "4.3 says 64 is hard-coded, not that it crashes); shorter clips work.",
    errors["clap_mel32_long"]["error"] == "ValueError"
    and valid("clap_mel32_short", "input_features").shape == (2, 4, 63, 32),
)
note(
    "CLAP digital silence is 10*log10(1e-10) = -100 dB everywhere.",
    np.all(valid("clap_silence", "input_features") == -100.0),
)
# ---- CLVP
cv = cases["clvp_default"]["out"]
note(
    "CLVP (TRANSFORMERS.md 4.4 confirmed): 6 s at 22050 Hz -> 517 frames; return_tensors=None "
    "gives a list of (80, 517) float32 arrays and an int32 (B, 132300) sample-level mask "
    "counting each clip's samples; padded frames are ln(1e-5).",
    cv["input_features"].shape == (2, 80, 517)
    and rtype("clvp", "None", "input_features") == "list"
    and cv["attention_mask"].dtype == np.int32
    and cv["attention_mask"].sum(1).tolist() == [L[k] for k in VB2]
    and np.isclose(cv["input_features"].min(), np.log(1e-5)),
)
note(
    "CLVP return_attention_mask=None falls back to the init's return_attention_mask (False by "
    "default), so no mask, although the __call__ default True returns one; TRANSFORMERS.md is "
    "silent.",
    "attention_mask" not in cases["clvp_mask_none"]["out"]
    and "attention_mask" in cases["clvp_init_mask_true_none"]["out"],
)
note(
    'CLVP batches that stay ragged raise ValueError("axes don\'t match array"): padding=False '
    "with unequal clips, and truncation=False with a clip longer than max_length; a list of "
    "torch tensors raises ValueError too. chunk_length is stored but unused.",
    errors["clvp_padding_false"]["message"] == "axes don't match array"
    and errors["clvp_max_length_no_truncation"]["message"] == "axes don't match array"
    and errors["clvp_tensors"]["error"] == "ValueError"
    and np.array_equal(
        valid("clvp_chunk_length", "input_features"), valid("clvp_mask_none", "input_features")
    ),
)
# ---- CohereAsr
co, c0 = cases["cohere_default"]["out"], cases["cohere_dither_0"]["out"]
dd = float(np.abs(co["input_features"] - c0["input_features"]).max())
fe = CohereAsrFeatureExtractor()
torch.manual_seed(12345)
o1 = fe([inputs[k] for k in B2], sampling_rate=SR, return_tensors="np")["input_features"]
o2 = fe([inputs[k] for k in B2[::-1]], sampling_rate=SR, return_tensors="np")["input_features"]
note(
    "CohereAsr dither (TRANSFORMERS.md 4.5 confirmed): it depends only on each row's length "
    "(a fresh generator seeded with n_i), not on torch's global RNG (_torch_seed 0 and 12345 "
    "give identical output) nor on the batch (cohere_single equals row 0 of cohere_default; "
    f"reversing the batch swaps the rows exactly). Dither on vs off: max |diff| = {dd:.2g} "
    "here (TRANSFORMERS.md: up to 0.046).",
    np.array_equal(o1, co["input_features"])
    and np.array_equal(valid("cohere_single", "input_features")[0], co["input_features"][0])
    and np.array_equal(o2[1], o1[0])
    and np.array_equal(o2[0], o1[1])
    and 1e-3 < dd < 0.1,
)
note(
    "CohereAsr returns torch tensors for return_tensors=None (input_features float32, "
    "attention_mask bool) and always a Python list audio_chunk_index of (sample, chunk or "
    "None) tuples (stored as int64 (n, 2), None -> -1); valid frames = L // 160 "
    "(TRANSFORMERS.md 4.5 confirmed).",
    rtype("cohere_asr", "None", "input_features") == "torch.Tensor"
    and cases["cohere_default"]["containers"]["audio_chunk_index"] == "list[tuple]"
    and co["attention_mask"].sum(1).tolist() == [L[k] // 160 for k in B2]
    and co["audio_chunk_index"].tolist() == [[0, -1], [1, -1]],
)
note(
    "CohereAsr chunking: a clip longer than max_audio_clip_s - overlap_chunk_second goes "
    "through the energy split even when it yields one chunk, so c_30s_plus1 gets index (0, 0), "
    "not (0, None); with max_audio_clip_s=1, overlap 0.25 the 2.5 s clip becomes 4 rows "
    "(valid frames 75, 75, 75, 25), with overlap 0.1 (search window <= 1600 samples: midpoint) "
    "3 rows.",
    valid("cohere_long", "audio_chunk_index").tolist() == [[0, 0]]
    and valid("cohere_chunks", "audio_chunk_index").tolist()
    == [[0, 0], [0, 1], [0, 2], [0, 3], [1, -1]]
    and valid("cohere_chunks", "attention_mask").sum(1).tolist() == [75, 75, 75, 25, 48]
    and valid("cohere_chunks_midpoint", "input_features").shape[0] == 3,
)
ct = cases["cohere_truncation"]["out"]
note(
    "CohereAsr/NemotronAsrStreaming with truncation: pad() truncates the audio but not "
    "audio_lengths, so the frame count and mask come from the untruncated length (row 0: "
    "all 38 frames valid, mean divided by 48 frames); return_attention_mask is ignored (the "
    "mask is always returned); padding_value has no effect (the padded tail is zeroed after "
    "pre-emphasis). TRANSFORMERS.md is silent.",
    ct["attention_mask"].shape == (2, 38)
    and ct["attention_mask"][0].all()
    and abs(ct["input_features"][0].mean(0)).max() > 0.05
    and valid("nemo_truncation", "attention_mask")[0].all()
    and "attention_mask" in cases["cohere_mask_false"]["out"]
    and "attention_mask" in cases["nemo_mask_false"]["out"]
    and np.array_equal(
        valid("cohere_padding_value", "input_features"),
        valid("cohere_multiple", "input_features")[:, :49],
    )
    and np.array_equal(
        valid("nemo_padding_value", "input_features"),
        valid("nemo_last_chunk_center", "input_features"),
    ),
)
note(
    "CohereAsr/NemotronAsrStreaming with padding_side='left': the mask and the post-pre-emphasis "
    "zeroing still assume right padding (row 1's mask starts True on the padding).",
    valid("cohere_padding_left", "attention_mask")[1, 0]
    and not valid("cohere_padding_left", "attention_mask")[1, -1]
    and valid("nemo_padding_left", "attention_mask")[1, 0],
)
note(
    "CohereAsr CMVN with fewer than 2 valid frames is non-finite (c_300: 1 valid frame, "
    "variance / 0; c_100: 0 valid frames, 0 / 0) and c_450 (2 valid frames) is finite; "
    "digital silence with dither 0 gives -0.16 (rounding residue of the mean divided by "
    "~0 + 1e-5), not 0.",
    not np.isfinite(valid("cohere_300", "input_features")).all()
    and not np.isfinite(valid("cohere_100", "input_features")).all()
    and np.isfinite(valid("cohere_450", "input_features")).all()
    and np.isclose(valid("cohere_silence_dither_0", "input_features")[0, 0, 0], -0.16, atol=0.01),
)
note(
    "CohereAsr/NemotronAsrStreaming/LASR: a list whose clip is 2-D (samples, channels) is not "
    "averaged (the per-clip mean is computed and discarded) and crashes (RuntimeError); "
    "a 1-D list of floats raises AttributeError (Cohere, Nemotron). GraniteSpeech5 and Inkling "
    "do average it.",
    errors["cohere_stereo"]["error"] == "RuntimeError"
    and errors["nemo_stereo"]["error"] == "RuntimeError"
    and errors["lasr_stereo"]["error"] == "RuntimeError"
    and errors["cohere_list"]["error"] == "AttributeError"
    and errors["nemo_list"]["error"] == "AttributeError"
    and "gran5_stereo" in cases
    and "ink_stereo" in cases,
)
# ---- FunAsrNano
fa = cases["funasr_default"]["out"]
note(
    "FunAsrNano (TRANSFORMERS.md 4.7 confirmed): (B, ceil(T/6), 560) float32 with an int32 "
    "input_features_mask; padding/max_length count LFR frames; num_frames_lfr=1, stride_lfr=1 "
    "gives the plain (B, T, 80) fbank; a 1-frame clip gives one LFR frame of 7 copies.",
    fa["input_features_mask"].sum(1).tolist()
    == [math.ceil(((L[k] - 400) // 160 + 1) / 6) for k in B2]
    and fa["input_features_mask"].dtype == np.int32
    and valid("funasr_max_length", "input_features").shape == (2, 30, 560)
    and valid("funasr_lfr_1_1", "input_features").shape == (2, (L["c_0_5s"] - 400) // 160 + 1, 80)
    and all(
        np.array_equal(
            *valid("funasr_lfr_7_6_short", "input_features")[0, 0].reshape(7, 80)[[0, i]]
        )
        for i in range(1, 7)
    ),
)
note(
    "FunAsrNano with return_tensors=None returns torch tensors (pad() infers 'pt' from the "
    "torch LFR features), like its default 'pt'; padding=False gives object arrays with 'np' "
    "and ValueError with None/'pt'. Its window init argument is dropped by to_dict (the base "
    "to_dict deletes any 'window' key), so a custom window is not saved. TRANSFORMERS.md is "
    "silent.",
    rtype("fun_asr_nano", "None", "input_features") == "torch.Tensor"
    and cases["funasr_padding_false"]["containers"]["input_features"] == "object-ndarray"
    and return_types["fun_asr_nano"]["None_padding_false"]["error"] == "ValueError"
    and "window" not in json.loads(to_dict["fun_asr_nano_custom"]["to_dict"]),
)
# ---- GraniteSpeech5
g5 = cases["gran5_default"]["out"]
gs = valid("gran5_batch_with_silence", "input_features")
note(
    "GraniteSpeech5 (TRANSFORMERS.md 4.11 confirmed): (B, nf/2, 320) float32, int64 mask "
    "ceil((L // 160) / 2); P = 16160 (P // 160 odd) keeps 51 pairs; the floor is per row "
    "(a silent row in a batch is -1.5 on its log-mel half and 0 on its delta half).",
    g5["attention_mask"].dtype == np.int64
    and g5["attention_mask"].sum(1).tolist() == [math.ceil((L[k] // 160) / 2) for k in B2]
    and valid("gran5_max_length_16160", "input_features").shape == (2, 51, 320)
    and valid("gran5_max_length_16000", "input_features").shape == (1, 50, 320)
    and np.all(gs[1].reshape(-1, 2, 160)[:, :, :80] == -1.5)
    and np.all(gs[1].reshape(-1, 2, 160)[:, :, 80:] == 0.0),
)
note(
    "GraniteSpeech5 pads with padding_value (unlike GraniteSpeech, whose pad_sequence uses 0.0); "
    "padding=False with unequal clips and padding='max_length' shorter than a clip without "
    "truncation raise ValueError; a 1-D list of floats raises IndexError while a list of lists "
    "works. TRANSFORMERS.md is silent.",
    not np.array_equal(
        valid("gran5_padding_value", "input_features"), valid("gran5_tensors", "input_features")
    )
    and errors["gran5_padding_false"]["error"] == "ValueError"
    and errors["gran5_max_length_too_short"]["error"] == "ValueError"
    and errors["gran5_list"]["error"] == "IndexError"
    and "gran5_lists" in cases,
)
# ---- Inkling
ik = cases["ink_default"]["out"]
sil = valid("ink_silence", "input_features")
note(
    "Inkling (TRANSFORMERS.md 4.12 confirmed): mask bool ceil(L / 800), features past it 0.0; "
    f"digital silence gives log10 values in [{sil.min():.4f}, {sil.max():.4f}] (about -6.0: the "
    "spectral floor), not -10.",
    ik["input_features_mask"].sum(1).tolist() == [math.ceil(L[k] / 800) for k in B2]
    and np.all(ik["input_features"][1, 10:] == 0)
    and abs(sil + 6.0).max() < 0.01,
)
note(
    "Inkling: padding_value reaches the last valid frame (it straddles the clip end; 0.5 "
    "changes it by > 0.5); a 2-D (2, N) array is taken as ONE clip laid out (samples, "
    "channels) and averaged over the time axis, leaving 2 samples (1 frame); n_fft smaller "
    "than the window raises RuntimeError. TRANSFORMERS.md is silent.",
    np.abs(
        valid("ink_padding_value", "input_features") - valid("ink_mask_false", "input_features")
    )[:, :10].max()
    > 0.5
    and valid("ink_array2d", "input_features").shape == (1, 1, 80)
    and errors["ink_nfft_small"]["error"] == "RuntimeError",
)
# ---- LASR
lm = cases["lasr_mask"]["out"]
note(
    "LASR (TRANSFORMERS.md 4.13 confirmed): (N - 400) // 160 + 1 frames, float32; the mask "
    "only for return_attention_mask=True (bool, frames wholly inside the clip). Silent: frames "
    "past the mask are not filled (frames of zero padding only are ln(1e-5); padding_value 0.5 "
    "changes the frames past the mask, not the valid ones); clips shorter than 400 samples "
    "raise RuntimeError; a list of torch tensors raises ValueError.",
    valid("lasr_default", "input_features").shape == (2, (L["c_0_7s"] - 400) // 160 + 1, 128)
    and "attention_mask" not in cases["lasr_default"]["out"]
    and lm["attention_mask"].sum(1).tolist() == [(L[k] - 400) // 160 + 1 for k in B2S]
    and np.all(lm["input_features"][1, math.ceil(L["c_0_3s"] / 160) :] == np.float32(np.log(1e-5)))
    and np.array_equal(
        valid("lasr_padding_value", "input_features")[1, :30], lm["input_features"][1, :30]
    )
    and not np.array_equal(
        valid("lasr_padding_value", "input_features")[1, 30:], lm["input_features"][1, 30:]
    )
    and errors["lasr_300"]["error"] == "RuntimeError"
    and errors["lasr_tensors"]["error"] == "ValueError",
)
# ---- MusicgenMelody
mm = cases["mm_max_length"]["out"]
note(
    "MusicgenMelody (TRANSFORMERS.md 4.15 confirmed): one-hot float32 (B, 1 + N // 4096, 12), "
    "torch for return_tensors=None (section 5 does not list it); the mask [:, ::4096] has "
    "ceil(N / 4096) columns, one fewer than the frames when N % 4096 == 0 (max_length 40960: "
    "11 frames, 10 columns); digital silence is one-hot at chroma 0; 30 s truncation (235 "
    "frames).",
    mm["input_features"].shape == (2, 11, 12)
    and mm["attention_mask"].shape == (2, 10)
    and rtype("musicgen_melody", "None", "input_features") == "torch.Tensor"
    and np.all(valid("mm_default", "input_features").sum(-1) == 1)
    and np.all(valid("mm_silence", "input_features")[0, :, 0] == 1)
    and valid("mm_long", "input_features").shape == (1, 235, 12),
)
note(
    "MusicgenMelody: with return_attention_mask=True in __init__ and None in the call, the mask "
    "is returned at SAMPLE level (B, N) int32 (the [:, ::hop] slice only runs for a truthy call "
    "argument); a sampling_rate other than 32000 resamples torch input but raises TypeError for "
    "a numpy array; Demucs (4-D) input without sampling_rate is taken as 44 kHz; a non-integer "
    "chunk_length * sampling_rate raises TypeError. TRANSFORMERS.md is silent.",
    valid("mm_init_mask_true", "attention_mask").shape == (2, L["c_0_7s_32k"])
    and errors["mm_resample_16k_numpy"]["error"] == "TypeError"
    and "mm_resample_16k" in cases
    and valid("mm_demucs", "input_features").shape == (1, 5, 12)
    and errors["mm_chunk_length_half"]["error"] == "TypeError",
)
# ---- Nemotron
nd = cases["nemo_default"]["out"]
note(
    "NemotronAsrStreaming (TRANSFORMERS.md 4.16 confirmed): valid frames L // 160 (the last "
    "own frame is zeroed), (L - 512) // 160 + 1 with center=False, +96 samples with "
    "is_last_audio_chunk (no effect with center=True); silence is ln(2^-24) = -16.6355. Its "
    "__call__ has no do_normalize (4.16 says 'Parakeet's' arguments).",
    nd["attention_mask"].sum(1).tolist() == [L[k] // 160 for k in B2]
    and np.all(nd["input_features"][0, L["c_0_7s"] // 160] == 0)
    and valid("nemo_center_false", "attention_mask").sum(1).tolist()
    == [(L[k] - 512) // 160 + 1 for k in B2S]
    and valid("nemo_last_chunk", "attention_mask").sum(1).tolist()
    == [(L[k] + 96 - 512) // 160 + 1 for k in B2S]
    and np.isclose(valid("nemo_silence", "input_features")[0, 0, 0], np.log(2.0**-24))
    and "do_normalize"
    not in inspect.signature(NemotronAsrStreamingFeatureExtractor.__call__).parameters,
)
bf = float(
    np.abs(
        valid("nemo_bf16", "input_features") - valid("nemo_last_chunk_center", "input_features")
    ).max()
)
note(
    f"NemotronAsrStreaming mel_filters_dtype='bfloat16' changes the output by up to {bf:.2g} "
    "(float16 is accepted too); a clip shorter than 512 samples with center=False raises "
    "RuntimeError even with is_last_audio_chunk (300 + 96 < 512).",
    0.01 < bf < 1
    and "nemo_float16" in cases
    and errors["nemo_300_last_chunk"]["error"] == "RuntimeError",
)
# ---- NeuCodec / Xcodec2
nt, xt = cases["neu_truncation"]["out"], cases["xc2_truncation"]["out"]
note(
    "NeuCodec/Xcodec2 (TRANSFORMERS.md 4.17/4.27 confirmed): padding_mask int32 counts L + 1 "
    "samples, mel frames padded with 1.0 and stacked in pairs, int32 pair mask. Silent: "
    "padding=False never works (batch: ValueError; single clip: KeyError 'attention_mask'); "
    "max_length counts samples for input_values but FRAMES for the mel (max_length 6400 -> "
    "3200 pairs); feature_size is ignored (80 mels hard-coded).",
    valid("neu_default", "padding_mask").sum(1).tolist() == [L[k] + 1 for k in B2]
    and np.all(valid("neu_default", "input_features")[1, 24:] == 1.0)
    and errors["neu_padding_false_single"]["error"] == "KeyError"
    and errors["xc2_padding_false"]["error"] == "ValueError"
    and valid("neu_max_length", "input_features").shape == (2, 3200, 160)
    and valid("xc2_max_length", "input_features").shape == (2, 3200, 160)
    and valid("neu_feature_size_40", "input_features").shape[-1] == 160,
)
note(
    "NeuCodec with truncation cuts input_values but computes the mel from the untruncated clip "
    "(16 pairs from 5124 samples); Xcodec2 computes it from the truncated, padded row (10 pairs). "
    "A clip padded to a single 400-sample frame gives NaN (ddof-1 variance of one frame: "
    "neu_hop_160, c_450); NeuCodec needs >= 400 samples after padding to 320 (AssertionError), "
    "Xcodec2's 160 + 160 zeros make even c_100 work. Digital silence gives -0.003 (rounding "
    "residue / sqrt(1e-7)).",
    nt["input_values"].shape == (2, 1, 3200)
    and nt["input_features"].shape == (2, 16, 160)
    and xt["input_features"].shape == (2, 10, 160)
    and not np.isfinite(valid("neu_hop_160", "input_features")[1, 0, :80]).any()
    and errors["neu_300"]["error"] == "AssertionError"
    and "xc2_100" in cases
    and np.isclose(valid("neu_silence", "input_features")[0, 0, 0], -0.003, atol=5e-4),
)
# ---- UnivNet
ud = cases["univ_default"]["out"]
g = np.random.default_rng(0)
note(
    "UnivNet (TRANSFORMERS.md 4.25 confirmed): lists for return_tensors=None; T = N // 256 of "
    "the padded length; padding_mask int32 per sample; truncation to 10 s (937 frames); "
    "noise_sequence = generator.standard_normal((T, 64), float32) per clip in order (here "
    "np.random.default_rng(_generator_seed)).",
    rtype("univnet", "None", "input_features") == "list"
    and ud["input_features"].shape == (2, L["c_0_7s_24k"] // 256, 100)
    and ud["padding_mask"].sum(1).tolist() == [L[k] for k in UB2]
    and valid("univ_long", "input_features").shape == (1, 937, 100)
    and all(
        np.array_equal(ud["noise_sequence"][i], g.standard_normal((66, 64), dtype=np.float32))
        for i in (0, 1)
    ),
)
fe = UnivNetFeatureExtractor()
n1 = fe([inputs[k] for k in UB2], sampling_rate=24000)["noise_sequence"][0]
n2 = fe([inputs[k] for k in UB2], sampling_rate=24000)["noise_sequence"][0]
note(
    "UnivNet without a generator: noise_sequence differs between two calls.",
    not np.array_equal(n1, n2),
)
note(
    "UnivNet: filter_length=None picks optimal_fft_length(win_length), which fails unless "
    "win_length is a power of two (ValueError: window 800 vs frame 1024); do_normalize in the "
    "call overrides the init; padding=False gives object arrays with 'np'; "
    "return_attention_mask=False drops padding_mask; center=True reflect-pads again "
    "(49 instead of 45 frames). TRANSFORMERS.md is silent.",
    errors["univ_filter_length_none"]["error"] == "ValueError"
    and np.array_equal(
        valid("univ_init_do_normalize_call_false", "input_features"),
        valid("univ_no_noise", "input_features"),
    )
    and np.array_equal(
        valid("univ_do_normalize", "input_features"),
        valid("univ_init_do_normalize", "input_features"),
    )
    and cases["univ_padding_false"]["containers"]["input_features"] == "object-ndarray"
    and "padding_mask" not in cases["univ_mask_false"]["out"]
    and valid("univ_center", "input_features").shape[1] == 49,
)
# ---- section 5
note(
    "TRANSFORMERS.md section 5 container list: MusicgenMelody and FunAsrNano also return torch "
    "for return_tensors=None; CLVP returns a list of features but a numpy int32 mask; all 12 "
    "classes give numpy for 'np'.",
    all(
        return_types[e]["np"]["keys"][k]["type"] == "numpy.ndarray"
        for e in CLASSES
        for k in return_types[e]["np"]["keys"]
        if k != "audio_chunk_index"
    )
    and rtype("clvp", "None", "attention_mask") == "numpy.ndarray",
)


# ================================ write ================================================
def outinfo(c):
    info = {}
    for key, v in c["out"].items():
        d = {"container": c["containers"][key]}
        if isinstance(v, list):
            d["ragged"] = [{"shape": list(i.shape), "dtype": str(i.dtype)} for i in v]
        else:
            d.update(shape=list(v.shape), dtype=str(v.dtype))
        info[key] = d
    return info


FIELDS = ("ext", "path", "init", "call", "x", "form")
meta = {
    "versions": {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    },
    "is_speech_available": transformers.utils.is_speech_available(),
    "is_torchaudio_available": transformers.utils.is_torchaudio_available(),
    "sampling_rate": SR,
    "sampling_rates": RATE,
    "inputs": {k: list(v.shape) for k, v in inputs.items()},
    "input_sampling_rates": rates,
    "cases": {
        k: {**{f: c[f] for f in FIELDS if f in c}, "outputs": outinfo(c)} for k, c in cases.items()
    },
    "errors": errors,
    "to_dict": to_dict,
    "signatures": signatures,
    "return_types": return_types,
    "model_input_names": {k: list(c.model_input_names) for k, c in CLASSES.items()},
    "notes": notes,
}
arrays = {f"inputs/{k}": v for k, v in inputs.items()}
arrays.update({f"mel_filters/{k}": v for k, v in filters.items()})
arrays.update({f"windows/{k}": v for k, v in windows.items()})
for name, c in cases.items():
    for key, v in c["out"].items():
        if isinstance(v, list):
            for i, item in enumerate(v):
                arrays[f"{name}/{key}/{i}"] = item
        else:
            arrays[f"{name}/{key}"] = v
assert all(a.dtype != object for a in arrays.values())
out = HERE / "transformers_golden_2.npz"
np.savez_compressed(out, meta=json.dumps(meta, indent=1, default=repr), **arrays)

# ================================ summary ==============================================
print(f"{'case':36} {'ext':22} outputs / error")
for name, c in cases.items():
    parts = []
    for k, v in c["out"].items():
        if isinstance(v, list):
            parts.append(f"{k} [{', '.join(f'{i.dtype}{list(i.shape)}' for i in v)}]")
        else:
            parts.append(f"{k} {v.dtype}{list(v.shape)}")
    bad = any(
        not np.isfinite(a).all()
        for v in c["out"].values()
        for a in (v if isinstance(v, list) else [v])
        if a.dtype.kind == "f"
    )
    print(f"{name:36} {c['ext']:22} {'; '.join(parts)}{'  (non-finite)' * bad}")
for name, e in errors.items():
    print(f"{name:36} {e['ext']:22} {e['error']}: {e['message'][:70]!r}")
print("\nnotes:")
for n in notes:
    print(" -", n)
size = out.stat().st_size / 1e6
print(f"wrote {len(cases)} cases + {len(errors)} error cases to {out} ({size:.2f} MB)")
