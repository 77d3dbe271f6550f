"""Regenerate transformers_golden.npz from ten real transformers feature extractors:
SpeechT5FeatureExtractor, Speech2TextFeatureExtractor, VoxtralRealtimeFeatureExtractor,
Qwen3ASRFeatureExtractor, MossTranscribeDiarizeFeatureExtractor,
Dots3NoteFeatureExtractor, Gemma4AudioFeatureExtractor, Gemma3nAudioFeatureExtractor,
Phi4MultimodalFeatureExtractor and GraniteSpeechFeatureExtractor.

    cd tests/data && /work/refvenv/bin/python make_transformers_golden.py

(any working directory will do: the script imports golden_signals from its own
folder and writes transformers_golden.npz next to itself). Made with transformers
5.23.0, Python 3.11, numpy 2.4, torch 2.13.0+cpu, torchaudio 2.11.0 (importable, so
transformers' ``is_speech_available()`` and ``is_torchaudio_available()`` are True),
librosa 0.11; meta "versions" records the exact ones. torch runs with one thread
(``torch.set_num_threads(1)``). It takes about 10 s and writes ~2.8 MB. The tests
only read the .npz. It asserts every statement it stores in meta "notes".

Extractor names (``ext``), their case-name prefixes and their computing ``path``:

  ==================  ========  ===============================================
  ext                 prefix    path
  ==================  ========  ===============================================
  speecht5            t5_       "numpy" (audio_utils.spectrogram; ``audio=`` is
                                raw waveform padding / normalisation)
  speech2text         s2t_      "torchaudio" (kaldi.fbank, transformers' default
                                when torchaudio imports) or "numpy" (forced: the
                                module's ``is_speech_available`` returns False for
                                the ``__init__``, which then builds mel_filters and
                                window, and for the ``__call__``)
  voxtral_realtime    vox_      "torch" (torch.stft)
  qwen3_asr           qwen_     "torch"
  moss                moss_     "torch" (default when torch imports) or "numpy"
                                (forced: the module's ``is_torch_available``
                                returns False for the ``__call__``, which then
                                runs ``_np_extract_fbank_features``)
  dots3_note          dots_     "torch"
  gemma4              g4_       "numpy"
  gemma3n             g3n_      "numpy"
  phi4                phi_      "torch"
  granite_speech      gran_     "torchaudio" (transforms.MelSpectrogram)
  ==================  ========  ===============================================

Inputs: float32 clips stored once under ``inputs/<name>`` (meta "inputs" gives
their shapes; all are 16 kHz). Test signals come from golden_signals.signals with
this script's own seeded generator: ``mixed(n, k)`` is an exactly 160-periodic
background with speech-like sound over its first k = 2000-3600 samples (periodic =>
identical frames => small compressed outputs). Names: c_0_3s (5123 samples, under Qwen3ASR's
8000-sample min_length), c_0_5s (7777), c_0_7s (11301), c_1s (16161), c_1_3s (20807),
c_2_5s (40057), c_450 (speech-like, one 400-sample frame), c_300 / c_100
(speech-like, shorter than a 400-sample frame),
silence (8001 zeros), quiet (8001, speech-like with peak 1e-6), tone_7950 (8001, a
7950 Hz sine of amplitude 0.5, 50 Hz below Nyquist), c_30s_plus1 (480001 samples =
30 s + 1 sample), batch2d (2, 9601) two equal-length clips as one 2-D array.

Each case (meta "cases"; an error case in meta "errors") stores:
  * ``ext`` and ``path`` (above);
  * ``init``: the ``__init__`` keyword arguments (JSON);
  * ``call``: the ``__call__`` keyword arguments except the audio, as passed
    (JSON). ``return_tensors`` is "np" wherever the class accepts it (it is then in
    ``call``); GraniteSpeech's ``__call__`` takes neither ``return_tensors`` nor
    ``sampling_rate``, so its calls have neither. ``sampling_rate`` is 16000 for the
    classes that take it; the Gemma classes take none (their ``**kwargs`` swallows
    one silently, see g4_sampling_rate_ignored), so it is not passed there;
  * ``x``: the input: one name or a list of names of inputs/ clips; for SpeechT5's
    ``input_arg`` "both" a dict {"audio": names, "audio_target": names};
  * ``form``: how ``x`` was given: "array" the 1-D float32 array, "array_f64" it
    widened to float64, "list" a Python list of floats, "arrays" a list of 1-D
    arrays, "lists" a list of lists of floats, "array2d" the stored 2-D array,
    "tensor" / "tensors" torch.from_numpy of the clip / each clip, "array_i16"
    ``(x * 32767).astype(np.int16)``;
  * ``input_arg`` (SpeechT5 only): the keyword the audio is passed as: "audio",
    "audio_target", "both" (``audio=`` and ``audio_target=`` together) or "none"
    (no audio at all; ``x`` is null); every other class gets the audio as its
    first positional argument;
  * every output key's value under ``<case>/<key>`` as a numpy array in the dtype
    the reference returns with return_tensors="np" (GraniteSpeech, which has no
    return_tensors: its torch tensors converted with ``.numpy()`` and its
    ``audio_embed_sizes`` list with ``np.asarray`` -> int64). A value that is
    ragged (a list of per-clip arrays, or numpy's object array of them: unpadded
    SpeechT5 / Speech2Text) is stored item by item as ``<case>/<key>/<i>``;
  * meta "cases"[name]["outputs"][key]: ``container`` (the type the reference
    returned for that key: "numpy.ndarray", "torch.Tensor", "list" (of arrays),
    "list[int]", "object-ndarray" (numpy object array of per-clip arrays)),
    and either ``shape``/``dtype`` or ``ragged``: [{shape, dtype} per item].

Error cases (``error=True`` in the code) must raise; meta "errors" maps the name
to the same description plus ``error`` (exception class name) and ``message``
(str(e)). No arrays are stored for them.

Other meta keys:
  * "to_dict": for a "default" and a "custom" (non-default) instance of each
    class: ``init``, ``to_dict`` (json.dumps(fe.to_dict()), the reference's key
    order), ``to_json_string`` (fe.to_json_string()), and
    ``attributes_not_in_to_dict``;
  * "signatures": inspect.signature of each class's ``__init__`` and
    ``__call__``: ``text`` and ``parameters`` [{name, kind, default (JSON) or
    default_repr, or required; annotation}];
  * "return_types": per class, for return_tensors None, "np", "pt" and
    "default" (the keyword omitted), on the 2-clip batch [c_0_7s, c_0_5s] (the
    class's default call otherwise; SpeechT5: ``audio_target=`` with padding=True,
    plus "None_padding_false"; Speech2Text also "None_padding_true" and
    "pt_padding_true"): {"class": type of the result, "keys": {key: type, dtype,
    shape (or for lists: len and per item)}} or {"error", "message"} (GraniteSpeech
    rejects the keyword; Speech2Text's unpadded "pt" cannot stack);
  * "model_input_names": per class;
  * "notes": statements about the reference that this run checked (each one is
    asserted in the code below), chiefly where ../shared/TRANSFORMERS.md is wrong
    or silent.

Arrays besides the cases:
  * ``inputs/<name>``: the float32 clips;
  * ``mel_filters/<ext>`` and ``mel_filters/<ext>_custom``: the filter bank the
    default / custom to_dict instance holds, as stored on it (SpeechT5, Voxtral,
    Qwen3, Moss, Dots3, Gemma4, Phi4: audio_utils.mel_filter_bank float64
    (n_fft//2+1, n_mels); Gemma3n: its create_fb_matrix float64 (513, 128);
    Speech2Text: only the numpy path builds one (``speech2text_numpy``, float64
    (257, 80)); GraniteSpeech: ``mel_filters`` is a torchaudio MelSpectrogram
    module, stored is its ``mel_scale.fb`` float32 (n_fft//2+1, n_mels));
  * ``windows/<ext>``: the ``window`` attribute where the default instance holds
    one (speecht5: float64 periodic hann 1024; speech2text_numpy: the numpy path's
    float64 povey 400; gemma4: float32(periodic hann 320); gemma3n: periodic hann
    512 computed in float32).

Dither is random everywhere it exists (Speech2Text, Qwen3, Moss, Dots3, Gemma):
every case runs with dither 0.
"""

import contextlib
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
    Dots3NoteFeatureExtractor,
    Gemma3nAudioFeatureExtractor,
    Gemma4AudioFeatureExtractor,
    GraniteSpeechFeatureExtractor,
    MossTranscribeDiarizeFeatureExtractor,
    Phi4MultimodalFeatureExtractor,
    Qwen3ASRFeatureExtractor,
    Speech2TextFeatureExtractor,
    SpeechT5FeatureExtractor,
    VoxtralRealtimeFeatureExtractor,
)
from transformers.models.moss_transcribe_diarize import (
    feature_extraction_moss_transcribe_diarize as moss_mod,
)
from transformers.models.speech_to_text import feature_extraction_speech_to_text as s2t_mod

warnings.simplefilter("ignore")
transformers.logging.set_verbosity_error()  # missing-sampling_rate and collated-batch warnings
torch.set_num_threads(1)
HERE = pathlib.Path(__file__).parent
SR = 16000
rng = np.random.default_rng(20261219)
speechy, periodic, mixed = signals(rng, SR)

CLASSES = {
    "speecht5": SpeechT5FeatureExtractor,
    "speech2text": Speech2TextFeatureExtractor,
    "voxtral_realtime": VoxtralRealtimeFeatureExtractor,
    "qwen3_asr": Qwen3ASRFeatureExtractor,
    "moss": MossTranscribeDiarizeFeatureExtractor,
    "dots3_note": Dots3NoteFeatureExtractor,
    "gemma4": Gemma4AudioFeatureExtractor,
    "gemma3n": Gemma3nAudioFeatureExtractor,
    "phi4": Phi4MultimodalFeatureExtractor,
    "granite_speech": GraniteSpeechFeatureExtractor,
}
DEFAULT_PATH = {
    "speecht5": "numpy",
    "speech2text": "torchaudio",
    "voxtral_realtime": "torch",
    "qwen3_asr": "torch",
    "moss": "torch",
    "dots3_note": "torch",
    "gemma4": "numpy",
    "gemma3n": "numpy",
    "phi4": "torch",
    "granite_speech": "torchaudio",
}
NO_RETURN_TENSORS = {"granite_speech"}
NO_SAMPLING_RATE = {"granite_speech", "gemma4", "gemma3n"}


def quiet(n):
    """Speech-like with peak amplitude 1e-6."""
    x = speechy(n, amp=1.0).astype(np.float64)
    return (1e-6 * x / np.abs(x).max()).astype(np.float32)


def tone(n, f, amp=0.5):
    return (amp * np.sin(2 * np.pi * f * np.arange(n) / SR)).astype(np.float32)


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

B2 = ["c_0_7s", "c_0_5s"]  # the standard 2-clip batch: 11301 and 7777 samples
B2B = ["c_1_3s", "c_0_3s"]  # another one: 20807 and 5123
B3 = ["c_1_3s", "c_0_7s", "c_0_5s"]
EDGE = ["silence", "quiet", "tone_7950"]

cases = {}
errors = {}


# ================================ running one case =====================================
def given(x, form):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: given(v, form) for k, v in x.items()}
    if form == "array":
        return inputs[x]
    if form == "array_f64":
        return inputs[x].astype(np.float64)
    if form == "array_i16":
        return (inputs[x] * 32767).astype(np.int16)
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
    if form == "tensor":
        return torch.from_numpy(inputs[x])
    if form == "tensors":
        return [torch.from_numpy(inputs[k]) for k in x]
    raise ValueError(form)


@contextlib.contextmanager
def forced_path(ext, path):
    """Make the reference module take its fallback branch (numpy) for the block."""
    patch = None
    if ext == "speech2text" and path == "numpy":
        patch = (s2t_mod, "is_speech_available")
    elif ext == "moss" and path == "numpy":
        patch = (moss_mod, "is_torch_available")
    elif path != DEFAULT_PATH[ext]:
        raise ValueError((ext, path))
    if patch is None:
        yield
        return
    saved = getattr(*patch)
    setattr(*patch, lambda: False)
    try:
        yield
    finally:
        setattr(*patch, saved)


def make(ext, init, path=None):
    with forced_path(ext, path or DEFAULT_PATH[ext]):
        return CLASSES[ext](**init)


def call_fe(fe, ext, audio, call, input_arg=None, path=None):
    with forced_path(ext, path or DEFAULT_PATH[ext]):
        if input_arg is None:
            return fe(audio, **call)
        if input_arg == "none":
            return fe(**call)
        if input_arg == "both":
            return fe(audio=audio["audio"], audio_target=audio["audio_target"], **call)
        return fe(**{input_arg: audio}, **call)


def container(v):
    if isinstance(v, torch.Tensor):
        return "torch.Tensor"
    if isinstance(v, np.ndarray):
        return "object-ndarray" if v.dtype == object else "numpy.ndarray"
    if isinstance(v, list):
        return "list[int]" if all(isinstance(i, int) for i in v) else "list"
    return type(v).__name__


def as_numpy(v):
    """One output value as a numpy array, or a list of them if it is ragged."""
    if isinstance(v, torch.Tensor):
        return v.numpy()
    if isinstance(v, np.ndarray) and v.dtype != object:
        return v
    if isinstance(v, list) and all(isinstance(i, int) for i in v):
        return np.asarray(v)
    items = [as_numpy(i) for i in v]  # object array or list of per-clip arrays
    assert all(isinstance(i, np.ndarray) for i in items), type(v)
    return items


def add(name, ext, x, init=None, call=None, form=None, path=None, input_arg=None, error=False):
    """Run one case; ``error=True``: it must raise (recorded in meta "errors")."""
    assert name not in cases and name not in errors, name
    init = dict(init or {})
    base = {}
    if ext not in NO_SAMPLING_RATE:
        base["sampling_rate"] = SR
    if ext not in NO_RETURN_TENSORS:
        base["return_tensors"] = "np"
    call = {**base, **(call or {})}
    call = {k: v for k, v in call.items() if v != "<omit>"}
    if form is None:
        first = next(iter(x.values())) if isinstance(x, dict) else x
        form = "arrays" if isinstance(first, list) else "array"
    path = path or DEFAULT_PATH[ext]
    desc = dict(ext=ext, path=path, init=init, call=call, x=x, form=form)
    if input_arg is not None:
        desc["input_arg"] = input_arg
    try:
        fe = make(ext, init, path)
        out = call_fe(fe, ext, given(x, form), call, input_arg, path)
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


# ================================ SpeechT5 =============================================
E = "speecht5"
T5_CUSTOM = {"num_mel_bins": 40, "fmin": 0, "fmax": 8000, "hop_length": 10, "win_length": 50}
TG = "audio_target"
add("t5_target_default", E, B2, input_arg=TG)  # padding=False: ragged
add("t5_target_single", E, "c_0_7s", input_arg=TG)
add("t5_target_padding_true", E, B2, input_arg=TG, call={"padding": True})
add("t5_target_longest", E, B3, input_arg=TG, call={"padding": "longest"})
add(
    "t5_target_max_length_truncation",  # max_length counts feature frames on this path
    E,
    B2,
    input_arg=TG,
    call={"padding": "max_length", "max_length": 40, "truncation": True},
)
add(
    "t5_target_max_length_pad",
    E,
    B2,
    input_arg=TG,
    call={"padding": "max_length", "max_length": 64},
)
add("t5_target_truncation_no_pad", E, B2, input_arg=TG, call={"max_length": 40, "truncation": True})
add("t5_target_multiple", E, B2, input_arg=TG, call={"padding": True, "pad_to_multiple_of": 8})
add(
    "t5_target_mask_true",
    E,
    B2,
    input_arg=TG,
    call={"padding": True, "return_attention_mask": True},
)
add(
    "t5_target_mask_false",
    E,
    B2,
    input_arg=TG,
    call={"padding": True, "return_attention_mask": False},
)
add("t5_target_mask_false_no_pad", E, B2, input_arg=TG, call={"return_attention_mask": False})
add(
    "t5_target_init_mask_false",
    E,
    B2,
    init={"return_attention_mask": False},
    input_arg=TG,
    call={"padding": True},
)
add(
    "t5_target_padding_value",
    E,
    B2,
    init={"padding_value": -3.5},
    input_arg=TG,
    call={"padding": True},
)
add(
    "t5_target_do_normalize",
    E,
    B2,
    init={"do_normalize": True},
    input_arg=TG,
    call={"padding": True},
)
add("t5_target_custom", E, B2, init=T5_CUSTOM, input_arg=TG, call={"padding": True})
add("t5_target_custom_single", E, "c_1_3s", init=T5_CUSTOM, input_arg=TG)
for e in EDGE:
    add(f"t5_target_{e}", E, e, input_arg=TG)
add("t5_target_300", E, "c_300", input_arg=TG)  # shorter than the 1024 window: reflect padding
add("t5_target_list", E, "c_0_5s", form="list", input_arg=TG)
add("t5_target_float64", E, "c_0_5s", form="array_f64", input_arg=TG)
# audio= path: raw waveform, optional zero-mean unit-variance normalisation
AU = "audio"
add("t5_audio_default", E, B2, input_arg=AU)
add("t5_audio_single", E, "c_0_5s", input_arg=AU)
add("t5_audio_padding_true", E, B2, input_arg=AU, call={"padding": True})
add("t5_audio_normalize", E, B2, init={"do_normalize": True}, input_arg=AU)  # whole clip
add(
    "t5_audio_normalize_padded",  # statistics over the valid samples, padding_value after
    E,
    B2,
    init={"do_normalize": True, "padding_value": 0.25},
    input_arg=AU,
    call={"padding": True},
)
add(
    "t5_audio_normalize_padded_no_mask",  # the mask is still used for the statistics
    E,
    B2,
    init={"do_normalize": True},
    input_arg=AU,
    call={"padding": True, "return_attention_mask": False},
)
add("t5_audio_normalize_silence", E, "silence", init={"do_normalize": True}, input_arg=AU)
add(
    "t5_audio_max_length",
    E,
    B2,
    input_arg=AU,
    call={"padding": "max_length", "max_length": 9000, "truncation": True},
)
BOTH = {"audio": ["c_0_5s", "c_0_3s"], "audio_target": B2}
add("t5_both", E, BOTH, input_arg="both", call={"padding": True})
add(
    "t5_both_no_mask",
    E,
    BOTH,
    input_arg="both",
    call={"padding": True, "return_attention_mask": False},
)
add("t5_both_no_pad", E, BOTH, input_arg="both")
add("t5_none", E, None, input_arg="none", error=True)  # neither audio nor audio_target
add("t5_sr_mismatch", E, "c_0_5s", input_arg=TG, call={"sampling_rate": 8000}, error=True)
add("t5_target_100", E, "c_100", input_arg=TG)

# ================================ Speech2Text ==========================================
E = "speech2text"
for path, p in (("torchaudio", "s2t"), ("numpy", "s2t_numpy")):
    add(f"{p}_default", E, B2, path=path)  # padding=False: ragged lists
    add(f"{p}_single", E, "c_0_7s", path=path)
    add(f"{p}_padded_mask", E, B2, path=path, call={"padding": True, "return_attention_mask": True})
    add(f"{p}_padded", E, B3, path=path, call={"padding": "longest"})
    add(f"{p}_no_vars", E, B2, init={"normalize_vars": False}, path=path, call={"padding": True})
    add(f"{p}_no_means", E, B2, init={"normalize_means": False}, path=path, call={"padding": True})
    add(
        f"{p}_no_cmvn",
        E,
        B2,
        init={"do_ceptral_normalize": False},
        path=path,
        call={"padding": True},
    )
    add(f"{p}_mel40", E, B2, init={"num_mel_bins": 40, "feature_size": 40}, path=path)
    for e in EDGE:
        add(f"{p}_{e}", E, e, path=path)
add("s2t_no_cmvn_no_pad", E, B2, init={"do_ceptral_normalize": False})
add("s2t_padding_value", E, B2, init={"padding_value": 1.5}, call={"padding": True})
add(
    "s2t_no_cmvn_padding_value",
    E,
    B2,
    init={"do_ceptral_normalize": False, "padding_value": 1.5},
    call={"padding": True},
)
add(
    "s2t_max_length_truncation",  # frames
    E,
    B2,
    call={"padding": "max_length", "max_length": 40, "truncation": True},
)
add("s2t_multiple", E, B2, call={"padding": True, "pad_to_multiple_of": 16})
add("s2t_mask_false_no_pad", E, B2, call={"return_attention_mask": False})
add("s2t_450", E, "c_450")  # 1 frame: CMVN over one frame -> NaN
add("s2t_300", E, "c_300", error=True)  # shorter than one 400-sample frame: torchaudio asserts
# padding with return_attention_mask=False: CMVN does np.array(None, dtype=np.int32)
add(
    "s2t_padded_mask_false",
    E,
    B2,
    call={"padding": True, "return_attention_mask": False},
    error=True,
)
add("s2t_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)
add("s2t_100", E, "c_100", error=True)  # shorter than one frame

# ================================ VoxtralRealtime ======================================
E = "voxtral_realtime"
add("vox_default", E, B2)
add("vox_single", E, "c_0_7s")
add("vox_center_false", E, B2, call={"center": False})
add("vox_batch_max", E, B2, init={"global_log_mel_max": None})
add("vox_batch_max_single", E, "c_0_7s", init={"global_log_mel_max": None})
add("vox_batch_max_quiet", E, ["c_0_7s", "quiet"], init={"global_log_mel_max": None})
add("vox_batch_max_center_false", E, B2, init={"global_log_mel_max": None}, call={"center": False})
add("vox_global_max_3", E, B2, init={"global_log_mel_max": 3.0})
add("vox_mask", E, B2, call={"return_attention_mask": True})
add("vox_mask_single", E, "c_0_7s", call={"return_attention_mask": True})
add("vox_mask_center_false", E, B2, call={"return_attention_mask": True, "center": False})
add(
    "vox_max_length",
    E,
    B2,
    call={"padding": "max_length", "max_length": 16000, "return_attention_mask": True},
)
add(
    "vox_max_length_truncation",
    E,
    B2,
    call={
        "padding": "max_length",
        "max_length": 8000,
        "truncation": True,
        "return_attention_mask": True,
    },
)
add("vox_multiple", E, B2, call={"pad_to_multiple_of": 1280, "return_attention_mask": True})
add("vox_mask_false", E, B2, call={"return_attention_mask": False})
add("vox_mel80", E, B2, init={"feature_size": 80})
add("vox_array2d", E, "batch2d", form="array2d", call={"return_attention_mask": True})
add("vox_list", E, "c_0_5s", form="list")
for e in EDGE:
    add(f"vox_{e}", E, e)
add("vox_300", E, "c_300", call={"return_attention_mask": True})
add("vox_100", E, "c_100", error=True)  # torch.stft reflect padding needs > n_fft // 2
add("vox_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ Qwen3ASR =============================================
E = "qwen3_asr"
add("qwen_default", E, B2)  # pads to 480000 samples; the mask is dropped
add("qwen_single", E, "c_0_7s")
add("qwen_short", E, "c_0_3s", call={"return_attention_mask": True})  # < min_length 8000
add("qwen_mask", E, B2B, call={"return_attention_mask": True})
add("qwen_mask_none", E, B2B, call={"return_attention_mask": None})
# False (not None) reaches pad(), which then returns no mask: KeyError 'attention_mask'
add("qwen_mask_false", E, B2B, call={"return_attention_mask": False}, error=True)
add("qwen_n_window_7", E, B2B, call={"n_window": 7, "return_attention_mask": True})
add("qwen_n_window_0", E, "c_0_5s", call={"n_window": 0, "return_attention_mask": True})
add(
    "qwen_init_n_window_13",
    E,
    "c_0_5s",
    init={"n_window": 13},
    call={"return_attention_mask": True},
)
add("qwen_longest", E, B2B, call={"padding": "longest", "return_attention_mask": True})
add(
    "qwen_longest_multiple",
    E,
    B2B,
    call={"padding": "longest", "pad_to_multiple_of": 480, "return_attention_mask": True},
)
add(
    "qwen_min_length_0",
    E,
    ["c_0_3s", "c_300"],
    init={"min_length": 0},
    call={"padding": "longest", "return_attention_mask": True},
)
add(
    "qwen_max_length",
    E,
    B2,
    call={"max_length": 16000, "return_attention_mask": True},
)
for e in EDGE:
    add(f"qwen_{e}", E, e)
add(
    "qwen_long", E, "c_30s_plus1", call={"return_attention_mask": True}
)  # not truncated: 3000 frames
add(
    "qwen_long_batch_truncation",
    E,
    ["c_30s_plus1", "c_0_5s"],
    call={"truncation": True, "return_attention_mask": True},
)
add("qwen_long_batch", E, ["c_30s_plus1", "c_0_5s"], error=True)  # > 30 s with < 30 s: ragged
add("qwen_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ MossTranscribeDiarize ================================
E = "moss"
add("moss_single", E, "c_0_7s")
add("moss_batch", E, B2)
add("moss_long", E, "c_30s_plus1")  # 2 chunks: 480000 and 1 sample
add("moss_chunk_length_1", E, ["c_2_5s", "c_0_5s"], init={"chunk_length": 1})  # 3 + 1 chunks
add("moss_multiple", E, "c_0_7s", call={"pad_to_multiple_of": 7})  # 480000 -> 480004 samples
add("moss_truncation_false", E, "c_0_7s", call={"truncation": False})
add("moss_mel128", E, B2, init={"feature_size": 128})
add("moss_init_mask_true", E, "c_0_5s", init={"return_attention_mask": True})
for e in EDGE:
    add(f"moss_{e}", E, e)
add("moss_numpy_single", E, "c_0_7s", path="numpy")
add("moss_numpy_batch", E, B2, path="numpy")
add("moss_numpy_silence", E, "silence", path="numpy")
add("moss_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ Dots3Note ============================================
E = "dots3_note"
add("dots_single", E, "c_0_7s")
add("dots_batch", E, B2)
add("dots_batch3", E, B3)
add("dots_chunk_seconds_1", E, ["c_2_5s", "c_0_5s"], init={"chunk_seconds": 1})  # 3 + 1 chunks
add("dots_chunk_length_2", E, "c_2_5s", init={"chunk_length": 2})  # 32000 + 8057
add("dots_chunk_seconds_over_length", E, "c_2_5s", init={"chunk_length": 2, "chunk_seconds": 1})
for e in EDGE:
    add(f"dots_{e}", E, e)
add("dots_300", E, "c_300")
add("dots_tensor", E, "c_0_5s", form="tensor")
add("dots_array2d", E, "batch2d", form="array2d", error=True)  # one (2, N) audio, not a batch
add("dots_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)


# ================================ Gemma4 / Gemma3n =====================================
def per_bin(n=128):
    mean = [round(-6.0 + 4.0 * k / (n - 1), 4) for k in range(n)]
    std = [round(1.5 + 0.5 * math.sin(0.1 * k), 4) for k in range(n)]
    return mean, std


MEAN, STD = per_bin()
for E, p in (("gemma4", "g4"), ("gemma3n", "g3n")):
    add(f"{p}_single", E, ["c_0_7s"])
    add(f"{p}_batch", E, B2)
    add(f"{p}_batch3", E, B3)
    add(f"{p}_per_bin", E, B2, init={"per_bin_mean": MEAN, "per_bin_stddev": STD})
    add(f"{p}_per_bin_mean_only", E, ["c_0_5s"], init={"per_bin_mean": MEAN})
    add(f"{p}_max_length", E, B2, call={"padding": "max_length", "max_length": 16000})
    add(f"{p}_no_multiple", E, B2, call={"pad_to_multiple_of": None})
    add(f"{p}_truncation", E, B2, call={"max_length": 8000})  # truncation=True by default
    add(f"{p}_no_truncation", E, B2, call={"max_length": 8000, "truncation": False})
    add(f"{p}_padding_value", E, B2, init={"padding_value": 0.01})
    add(f"{p}_input_scale", E, B2, init={"input_scale_factor": 2.0})
    add(
        f"{p}_preemph_htk_false", E, B2, init={"preemphasis": 0.97, "preemphasis_htk_flavor": False}
    )
    add(f"{p}_array2d", E, "batch2d", form="array2d")
    add(f"{p}_float64", E, ["c_0_5s"], form="arrays_f64")  # computed in float64
    for e in EDGE:
        add(f"{p}_{e}", E, [e])
    add(f"{p}_sampling_rate_ignored", E, ["c_0_5s"], call={"sampling_rate": 8000})
    add(f"{p}_mask_false", E, B2, call={"return_attention_mask": False}, error=True)
add("g4_preemph", "gemma4", B2, init={"preemphasis": 0.97})
add("g4_fft_overdrive", "gemma4", B2, init={"fft_overdrive": True})
add("g4_mel_floor", "gemma4", ["quiet"], init={"mel_floor": 1e-5})
add("g4_1d", "gemma4", "c_0_7s", error=True)  # (1, L) is padded as 1 frame of L features
add("g4_list", "gemma4", "c_0_5s", form="list", error=True)
add("g4_tensors", "gemma4", B2, form="tensors", error=True)
add("g3n_fft_overdrive_false", "gemma3n", B2, init={"fft_overdrive": False})
add("g3n_preemph_0", "gemma3n", B2, init={"preemphasis": 0.0})
add("g3n_mel_floor", "gemma3n", ["quiet"], init={"mel_floor": 1e-8})
add("g3n_1d", "gemma3n", "c_0_7s")  # unlike Gemma4 a bare 1-D array works
add("g3n_list", "gemma3n", "c_0_5s", form="list")
add("g3n_short", "gemma3n", ["c_300"])  # 384 padded samples < 513: no frame

# ================================ Phi4Multimodal =======================================
E = "phi4"
add("phi_single", E, "c_0_7s")
add("phi_batch", E, B2)  # frame-zeroing quirk on the shorter clip
add("phi_batch_b", E, B2B)
add("phi_batch3", E, B3)
add("phi_batch_equal", E, "batch2d", form="array2d")
add("phi_mask_false", E, B2, call={"return_attention_mask": False})
add("phi_max_length", E, B2, call={"padding": "max_length", "max_length": 24000})
add(
    "phi_max_length_truncation",
    E,
    B2,
    call={"padding": "max_length", "max_length": 9000, "truncation": True},
)
add("phi_multiple", E, B2, call={"pad_to_multiple_of": 1000})
add(
    "phi_rates",
    E,
    B3,
    init={"audio_compression_rate": 3, "audio_downsample_rate": 2, "audio_feat_stride": 2},
)
add("phi_mel64_8k", E, B2, init={"feature_size": 64, "mel_max_frequency": 8000})
add("phi_preemph_0", E, "c_0_5s", init={"preemphasis": 0.0})
add("phi_tensors", E, B2, form="tensors")
add("phi_float64", E, "c_0_5s", form="array_f64")
for e in EDGE:
    add(f"phi_{e}", E, e)
add("phi_batch_with_silence", E, ["c_0_7s", "silence"])
add("phi_450", E, "c_450")  # one frame
add("phi_300", E, "c_300", error=True)  # unfold: fewer samples than one window
add("phi_sr_mismatch", E, "c_0_5s", call={"sampling_rate": 8000}, error=True)

# ================================ GraniteSpeech ========================================
E = "granite_speech"
GRAN_CUSTOM = {
    "n_mels": 64,
    "hop_length": 128,
    "win_length": 320,
    "projector_window_size": 10,
    "projector_downsample_rate": 2,
}
add("gran_single", E, "c_0_7s")  # 71 frames (odd): the last is dropped
add("gran_single_even", E, "c_1s")  # 102 frames
add("gran_batch", E, B2)
add("gran_batch3", E, B3)
add("gran_array2d", E, "batch2d", form="array2d")
add("gran_tensors", E, B2, form="tensors")
add("gran_float64", E, "c_0_5s", form="array_f64")
add("gran_custom", E, B2, init=GRAN_CUSTOM)
add("gran_padding_value", E, B2, init={"padding_value": 1.0})  # unused: pad_sequence pads 0.0
for e in EDGE:
    add(f"gran_{e}", E, e)
add("gran_batch_with_silence", E, ["c_0_7s", "silence"])
add("gran_sampling_rate", E, "c_0_5s", call={"sampling_rate": SR}, error=True)
add("gran_return_tensors", E, "c_0_5s", call={"return_tensors": "np"}, error=True)
add("gran_int16", E, "c_0_5s", form="array_i16", error=True)
add("gran_lists", E, B2, form="lists", error=True)


# ==================== to_dict, signatures, return types, filters =======================
CUSTOM = {
    "speecht5": T5_CUSTOM,
    "speech2text": {"num_mel_bins": 40, "feature_size": 40, "normalize_vars": False},
    "voxtral_realtime": {"global_log_mel_max": None, "feature_size": 80},
    "qwen3_asr": {"n_window": 13, "min_length": 0},
    "moss": {"chunk_length": 1, "feature_size": 128},
    "dots3_note": {"chunk_seconds": 1},
    "gemma4": {"per_bin_mean": MEAN, "per_bin_stddev": STD, "preemphasis": 0.97},
    "gemma3n": {"per_bin_mean": MEAN, "per_bin_stddev": STD, "fft_overdrive": False},
    "phi4": {"audio_compression_rate": 3, "audio_downsample_rate": 2, "audio_feat_stride": 2},
    "granite_speech": GRAN_CUSTOM,
}
to_dict = {}
filters = {}
windows = {}


def bank(fe):
    mf = getattr(fe, "mel_filters", None)
    if mf is None:
        return None
    if isinstance(mf, torch.nn.Module):  # Granite: torchaudio MelSpectrogram
        return mf.mel_scale.fb.numpy()
    return np.asarray(mf)


for ext in CLASSES:
    for cname, init in (("default", {}), ("custom", CUSTOM[ext])):
        fe = make(ext, init)
        to_dict[f"{ext}_{cname}"] = {
            "ext": ext,
            "init": init,
            "to_dict": json.dumps(fe.to_dict(), default=repr),
            "to_json_string": fe.to_json_string(),
            "attributes_not_in_to_dict": sorted(set(vars(fe)) - set(fe.to_dict())),
        }
        b = bank(fe)
        if b is not None:
            filters[ext if cname == "default" else f"{ext}_custom"] = b
        if cname == "default" and getattr(fe, "window", None) is not None:
            windows[ext] = np.asarray(fe.window)
fe = make("speech2text", {}, "numpy")
filters["speech2text_numpy"] = fe.mel_filters
windows["speech2text_numpy"] = fe.window
to_dict["speech2text_numpy_default"] = {
    "ext": "speech2text",
    "path": "numpy",
    "init": {},
    "to_dict": json.dumps(fe.to_dict(), default=repr),
    "to_json_string": fe.to_json_string(),
    "attributes_not_in_to_dict": sorted(set(vars(fe)) - set(fe.to_dict())),
}


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


signatures = {}
for ext, cls in CLASSES.items():
    signatures[ext] = {}
    for m in ("__init__", "__call__"):
        sig = inspect.signature(getattr(cls, m))
        signatures[ext][m] = {
            "text": str(sig),
            "parameters": [describe(p) for p in sig.parameters.values()],
        }


def typeinfo(v):
    if isinstance(v, list):
        return {"type": "list", "len": len(v), "items": [typeinfo(i) for i in v]}
    if isinstance(v, (int, float)):
        return {"type": type(v).__name__, "value": v}
    info = {"type": f"{type(v).__module__}.{type(v).__name__}", "dtype": str(v.dtype)}
    info["shape"] = list(v.shape)
    if isinstance(v, np.ndarray) and v.dtype == object:
        info["items"] = [typeinfo(i) for i in v]
    return info


return_types = {}
for ext, cls in CLASSES.items():
    return_types[ext] = {}
    fe = cls()
    for rt in (None, "np", "pt", "default"):
        kw = {} if ext in NO_SAMPLING_RATE else {"sampling_rate": SR}
        if rt != "default":
            kw["return_tensors"] = rt
        audio = [inputs["c_0_7s"], inputs["c_0_5s"]]
        try:
            if ext == "speecht5":
                out = fe(audio_target=audio, padding=True, **kw)
            else:
                out = fe(audio, **kw)
        except Exception as e:  # noqa: BLE001
            return_types[ext][str(rt)] = {"error": type(e).__name__, "message": str(e)}
            continue
        return_types[ext][str(rt)] = {
            "class": type(out).__name__,
            "keys": {k: typeinfo(v) for k, v in out.items()},
        }
    if ext == "speecht5":  # unpadded (the default padding=False)
        out = fe(audio_target=[inputs["c_0_7s"], inputs["c_0_5s"]], sampling_rate=SR)
        return_types[ext]["None_padding_false"] = {
            "class": type(out).__name__,
            "keys": {k: typeinfo(v) for k, v in out.items()},
        }
    if ext == "speech2text":
        for rt in (None, "pt"):
            out = fe(
                [inputs["c_0_7s"], inputs["c_0_5s"]],
                sampling_rate=SR,
                padding=True,
                return_tensors=rt,
            )
            return_types[ext][f"{rt}_padding_true"] = {
                "class": type(out).__name__,
                "keys": {k: typeinfo(v) for k, v in out.items()},
            }


# ================================ checks -> notes ======================================
def valid(name, key):
    return cases[name]["out"][key]


notes = []


def note(text, ok):
    assert ok, text
    notes.append(text)


L = {k: v.shape[-1] for k, v in inputs.items()}
# SpeechT5 unpadded container
c = cases["t5_target_default"]
t5_rt = return_types["speecht5"]["None_padding_false"]["keys"]
note(
    "SpeechT5 audio_target with padding=False (the default) and return_tensors=None returns "
    "input_values as a numpy OBJECT array of per-clip (T_i, 80) float32 arrays (pad() converts "
    "to numpy), not a list; attention_mask is a Python list of int32 arrays. With "
    "return_tensors='np' both are object arrays (TRANSFORMERS.md 4.24 says 'a list').",
    t5_rt["input_values"]["type"] == "numpy.ndarray"
    and t5_rt["input_values"]["dtype"] == "object"
    and t5_rt["attention_mask"]["type"] == "list"
    and c["containers"] == {"input_values": "object-ndarray", "attention_mask": "object-ndarray"},
)
note(
    "SpeechT5 audio_target frame count is 1 + N // 256 (center=True, reflect); with "
    "padding/max_length the lengths count feature frames, and truncation without padding "
    "cuts each clip to max_length frames.",
    [a.shape[0] for a in valid("t5_target_default", "input_values")]
    == [1 + L[k] // 256 for k in B2]
    and [a.shape[0] for a in valid("t5_target_truncation_no_pad", "input_values")]
    == [min(40, 1 + L[k] // 256) for k in B2],
)
note(
    "SpeechT5 do_normalize is ignored on the audio_target path (outputs equal the default).",
    np.array_equal(
        valid("t5_target_do_normalize", "input_values"),
        valid("t5_target_padding_true", "input_values"),
    ),
)
pv = valid("t5_target_padding_value", "input_values")
note(
    "SpeechT5 audio_target padding frames are filled with padding_value (log-mel units), "
    "not the floor log10(1e-10) = -10.",
    np.all(pv[1, 1 + L["c_0_5s"] // 256 :] == -3.5),
)
note(
    "SpeechT5 audio= with do_normalize and padding normalises over the valid samples even "
    "with return_attention_mask=False (the mask is computed for the statistics, then not "
    "returned); padded samples are set to padding_value.",
    "attention_mask" not in cases["t5_audio_normalize_padded_no_mask"]["out"]
    and np.all(valid("t5_audio_normalize_padded", "input_values")[1, L["c_0_5s"] :] == 0.25),
)
note(
    "SpeechT5 with both audio and audio_target returns input_values/attention_mask (waveform) "
    "plus labels/decoder_attention_mask (log-mel); with return_attention_mask=False neither "
    "mask is returned.",
    list(valid("t5_both", "labels").shape) == [2, 1 + L["c_0_7s"] // 256, 80]
    and set(cases["t5_both_no_mask"]["out"]) == {"input_values", "labels"},
)
# Speech2Text
note(
    "Speech2Text: padding=True with return_attention_mask=False raises TypeError "
    "(CMVN calls np.array(None, dtype=np.int32)); TRANSFORMERS.md does not mention it.",
    errors["s2t_padded_mask_false"]["error"] == "TypeError",
)
d = np.abs(
    valid("s2t_padded_mask", "input_features") - valid("s2t_numpy_padded_mask", "input_features")
)
note(
    "Speech2Text torchaudio vs numpy path after CMVN (s2t_padded_mask): max |diff| = "
    f"{d.max():.2g} (TRANSFORMERS.md 4.23 says they agree to 8.7e-5).",
    d.max() < 1e-3,
)
d0 = np.abs(valid("s2t_no_cmvn", "input_features") - valid("s2t_numpy_no_cmvn", "input_features"))
lo = valid("s2t_no_cmvn", "input_features")[np.unravel_index(d0.argmax(), d0.shape)]
note(
    f"Speech2Text torchaudio vs numpy path before CMVN (s2t_no_cmvn): max |diff| = {d0.max():.2g} "
    f"(at a log-energy of {lo:.1f}: near-empty high bins of the periodic background, where "
    "torchaudio's float32 rounding dominates); TRANSFORMERS.md 4.23's 8.7e-5 does not hold for "
    "signals with near-empty bins. CMVN divides it by those bins' std (above).",
    1e-3 < d0.max() < 0.2 and lo < -5,
)
note(
    "Speech2Text CMVN has no epsilon: digital silence (constant log(eps) frames) and a 1-frame "
    "clip (c_450) give only non-finite values (x - mean is a rounding residue or 0, std 0), and "
    "the 7950 Hz tone gives non-finite values in bins that are constant over time.",
    not np.isfinite(valid("s2t_silence", "input_features")).any()
    and not np.isfinite(valid("s2t_450", "input_features")).any()
    and not np.isfinite(valid("s2t_tone_7950", "input_features")).all(),
)
note(
    "Speech2Text padded frames hold padding_value after CMVN (1.5 in s2t_padding_value) and "
    "also without CMVN (s2t_no_cmvn_padding_value).",
    np.all(valid("s2t_padding_value", "input_features")[1, 47:] == 1.5)
    and np.all(valid("s2t_no_cmvn_padding_value", "input_features")[1, 47:] == 1.5),
)
# Voxtral
vm = valid("vox_mask", "attention_mask")
vf = valid("vox_mask", "input_features")
note(
    "VoxtralRealtime: attention_mask (bool) is the sample mask [:, 399::160], length "
    f"ceil((N-399)/160) = {vm.shape[1]} for N = {L['c_0_7s']}, while T = N // 160 = "
    f"{vf.shape[2]} (TRANSFORMERS.md 4.26: confirmed).",
    vm.shape[1] == math.ceil((L["c_0_7s"] - 399) / 160) and vf.shape[2] == L["c_0_7s"] // 160,
)
note(
    "VoxtralRealtime with center=False: T = (N - 400) // 160 (the last frame is still dropped).",
    valid("vox_center_false", "input_features").shape[2] == (L["c_0_7s"] - 400) // 160 + 1 - 1,
)
# Qwen3
q = cases["qwen_short"]["out"]
note(
    "Qwen3ASR: a clip shorter than min_length=8000 is zero-padded to 8000 before pad(), so "
    "the mask counts 8000 // 160 = 50 valid frames (TRANSFORMERS.md 4.21: confirmed).",
    int(q["attention_mask"].sum()) == 50,
)
qn = cases["qwen_n_window_7"]["out"]
note(
    "Qwen3ASR: return_attention_mask=False raises KeyError('attention_mask') (False is passed "
    "to pad(), which then builds no mask, and __call__ rescales it unconditionally); only "
    "None (the default) drops the mask. TRANSFORMERS.md 4.21 does not say this.",
    errors["qwen_mask_false"]["error"] == "KeyError",
)
note(
    "Qwen3ASR: n_window=7 pads the mel axis 3000 -> 3010 with 0.0 (not the floor) and the "
    "mask with 0 (TRANSFORMERS.md 4.21: confirmed).",
    qn["input_features"].shape[2] == 3010
    and np.all(qn["input_features"][:, :, 3000:] == 0.0)
    and np.all(qn["attention_mask"][:, 3000:] == 0),
)
note(
    "Qwen3ASR: return_tensors=None gives numpy arrays (the default 'pt' gives torch); the "
    "mask is returned only when return_attention_mask is truthy, as int32.",
    return_types["qwen3_asr"]["None"]["keys"]["input_features"]["type"] == "numpy.ndarray"
    and return_types["qwen3_asr"]["default"]["keys"]["input_features"]["type"] == "torch.Tensor"
    and set(cases["qwen_mask_none"]["out"]) == {"input_features"}
    and q["attention_mask"].dtype == np.int32,
)
ql, qt = (
    valid("qwen_long", "input_features")[0],
    valid("qwen_long_batch_truncation", "input_features")[0],
)
note(
    "Qwen3ASR: a single clip longer than 30 s is not truncated (480001 samples -> 3000 "
    "frames, the last one of which reads sample 480000, so it differs from the truncated "
    "clip's; the others are equal); a batch mixing it with a shorter clip raises ValueError; "
    "truncation=True makes that batch work.",
    valid("qwen_long", "input_features").shape == (1, 128, 3000)
    and np.array_equal(ql[:, :2990], qt[:, :2990])
    and not np.array_equal(ql[:, -1], qt[:, -1])
    and errors["qwen_long_batch"]["error"] == "ValueError"
    and valid("qwen_long_batch_truncation", "input_features").shape == (2, 128, 3000),
)
# Moss
ml = cases["moss_long"]["out"]
note(
    "Moss: a 480001-sample clip becomes 2 chunks (480000 and 1 sample); input_features "
    "(2, 80, 3000) float32, input_features_mask int32 (2, 3000) (second row: 1 valid frame), "
    "padding_mask int64 (1, 480001). return_tensors=None gives numpy.",
    ml["input_features"].shape == (2, 80, 3000)
    and ml["input_features_mask"].dtype == np.int32
    and ml["input_features_mask"][1].sum() == 1
    and ml["padding_mask"].shape == (1, 480001)
    and ml["padding_mask"].dtype == np.int64
    and return_types["moss"]["None"]["keys"]["input_features"]["type"] == "numpy.ndarray",
)
mc = cases["moss_chunk_length_1"]["out"]
note(
    "Moss chunk_length is honoured: chunk_length=1 splits [40057, 7777] into 3 + 1 chunks of "
    "100 frames; the floor (max - 8) is per chunk row on the torch path.",
    mc["input_features"].shape == (4, 80, 100) and mc["padding_mask"].shape == (2, 40057),
)
dmn = np.abs(valid("moss_batch", "input_features") - valid("moss_numpy_batch", "input_features"))
note(f"Moss torch vs numpy path on moss_batch: max |diff| = {dmn.max():.2g}.", dmn.max() < 1e-3)
# Dots3
dc = cases["dots_chunk_seconds_1"]["out"]
note(
    "Dots3Note: chunk_seconds overrides chunk_length (chunk_seconds is not stored: to_dict has "
    "chunk_length = chunk_seconds). The crop is max over CHUNKS of ceil(chunk_len/1280)*8 "
    "frames; it can exceed the frames that exist (1 s chunks: 13*8 = 104 > 100 frames), so the "
    "slice is a no-op then.",
    dc["input_features"].shape == (4, 128, 100)
    and list(dc["chunk_sample_lengths"]) == [16000, 16000, 8057, 7777]
    and list(dc["num_audio_tokens"]) == [13 + 13 + 7, 7]
    and "chunk_seconds" not in json.loads(to_dict["dots3_note_custom"]["to_dict"]),
)
db = valid("dots_batch", "input_features")
first_pad = math.ceil((L["c_0_5s"] + 200) / 160)  # first frame reading only padding
note(
    "Dots3Note: the crop uses the longest chunk in the batch; a shorter chunk's frames that "
    "read only padding hold its row's floor value (row max - 2).",
    db.shape == (2, 128, math.ceil(L["c_0_7s"] / 1280) * 8)
    and np.all(db[1, :, first_pad:] == db[1].min())
    and np.isclose(db[1].min(), db[1].max() - 2.0, atol=1e-6),
)
# Gemma
for p, nm in (("g4", "Gemma4"), ("g3n", "Gemma3n")):
    m = valid(f"{p}_batch", "input_features_mask")
    f = valid(f"{p}_batch", "input_features")
    counts = [int(r.sum()) for r in m]
    if p == "g4":
        want = [math.ceil(L[k] / 160) - 1 for k in B2]
        filled = all(np.all(f[i, counts[i] :] == 0) for i in range(2))
        note(
            f"{nm}: mask valid count = ceil(L/160) - 1 = {want} and features past it are 0.0 "
            "(TRANSFORMERS.md 4.9: confirmed).",
            counts == want and filled,
        )
    else:
        want = [min(math.ceil(L[k] / 160), f.shape[1]) for k in B2]
        unfilled = not np.all(f[1, counts[1] :] == 0)
        note(
            f"{nm}: mask valid count = min(ceil(L/160), T) = {want}; features past it are not "
            "zeroed (TRANSFORMERS.md 4.8: confirmed).",
            counts == want and unfilled,
        )
note(
    "Gemma4 on a bare 1-D array or a 1-D list of floats raises ValueError ('cannot select an "
    "axis to squeeze out ...'), and on a list of torch tensors too; Gemma3n accepts a bare 1-D "
    "array and a list of floats (TRANSFORMERS.md 4.9: confirmed for Gemma4; Gemma3n works).",
    errors["g4_1d"]["error"] == "ValueError"
    and errors["g4_list"]["error"] == "ValueError"
    and np.array_equal(valid("g3n_1d", "input_features"), valid("g3n_single", "input_features")),
)
note(
    "Gemma4 and Gemma3n: return_attention_mask=False raises AttributeError (they read "
    "batched_speech.attention_mask unconditionally); not in TRANSFORMERS.md.",
    errors["g4_mask_false"]["error"] == "AttributeError"
    and errors["g3n_mask_false"]["error"] == "AttributeError",
)
note(
    "Gemma4/Gemma3n ignore a sampling_rate keyword (swallowed by **kwargs, even 8000).",
    "g4_sampling_rate_ignored" in cases and "g3n_sampling_rate_ignored" in cases,
)
note(
    "Gemma3n with a clip padded to fewer than 513 samples (c_300 -> 384) returns 0 frames.",
    valid("g3n_short", "input_features").shape == (1, 0, 128),
)
# Phi4
pb = cases["phi_batch_b"]["out"]
Ls = L["c_0_3s"]
down, up = (Ls - 400) // 160 + 1, Ls // 160 - 1
rows = pb["audio_input_features"][1]
note(
    f"Phi4 batch quirk: for the shorter clip (L={Ls}) frames [{down}, {up}) are 0.0 "
    "(TRANSFORMERS.md 4.19: confirmed). The range holds at most one frame, and none when "
    "L % 160 >= 80 (phi_batch: L = 7777). Mask (bool) only for batches > 1; embed sizes int64.",
    up - down == 1
    and np.all(rows[down:up] == 0.0)
    and not np.all(rows[up] == 0.0)
    and (L["c_0_5s"] % 160 >= 80)
    and "audio_attention_mask" not in cases["phi_single"]["out"]
    and pb["audio_embed_sizes"].dtype == np.int64,
)
pt = cases["phi_max_length_truncation"]["out"]
note(
    "Phi4 with truncation: audio_lengths are not truncated, so audio_embed_sizes and the mask "
    "count frames of the untruncated clip (mask width "
    f"{pt['audio_attention_mask'].shape[1]} > {pt['audio_input_features'].shape[1]} frames).",
    pt["audio_attention_mask"].shape[1] > pt["audio_input_features"].shape[1],
)
note(
    "Phi4 audio_attention_mask has width max(feature_lengths) * audio_feat_stride from the "
    "unpadded lengths, not the frame count: padding='max_length' (phi_max_length: 69 vs 148 "
    "frames) and pad_to_multiple_of (phi_multiple: 69 vs 73) make it narrower than the "
    "features, audio_feat_stride=2 (phi_rates) twice as wide.",
    valid("phi_max_length", "audio_attention_mask").shape[1] == 69
    and valid("phi_max_length", "audio_input_features").shape[1] == 148
    and valid("phi_multiple", "audio_input_features").shape[1] == 73
    and valid("phi_rates", "audio_attention_mask").shape[1]
    == 2 * valid("phi_rates", "audio_input_features").shape[1],
)
# floors
vq = valid("vox_batch_max_quiet", "input_features")
note(
    "VoxtralRealtime global_log_mel_max=None floors at the batch-global max - 8 (the quiet row "
    "sits at the loud row's floor); the default constant 1.5 floors at (1.5-8+4)/4 = -0.625 "
    "(vox_silence is all -0.625).",
    np.isclose(vq[1].min(), vq.max() - 2.0, atol=1e-6)
    and np.all(valid("vox_silence", "input_features") == -0.625),
)
for name in ("qwen_mask", "moss_batch", "dots_batch", "gran_batch"):
    key = "input_features"
    f = valid(name, key)
    assert all(np.isclose(r.min(), r.max() - 2.0, atol=1e-6) for r in f), name
note(
    "Qwen3ASR, Moss, Dots3Note (torch paths) and GraniteSpeech floor each batch row at its own "
    "max - 8 (checked: each row's min = its max - 2 after (x+4)/4 or x/4+1).",
    True,
)
note(
    "Mask dtypes not listed in TRANSFORMERS.md section 5: Qwen3ASR attention_mask and SpeechT5 "
    "attention_mask / decoder_attention_mask are int32 (from pad()).",
    valid("qwen_mask", "attention_mask").dtype == np.int32
    and valid("t5_both", "decoder_attention_mask").dtype == np.int32,
)
note(
    "Qwen3ASR's mixed > 30 s / < 30 s batch fails with ValueError(\"axes don't match array\") "
    "(the transpose of pad()'s ragged object array).",
    errors["qwen_long_batch"]["message"] == "axes don't match array",
)
# Granite
gb = cases["gran_batch"]["out"]
note(
    "GraniteSpeech: __call__(audios, device) only; no return_tensors or sampling_rate "
    "(TypeError); returns torch float32 input_features, a Python list[int] audio_embed_sizes "
    "and a bool input_features_mask.",
    errors["gran_return_tensors"]["error"] == "TypeError"
    and cases["gran_batch"]["containers"]["audio_embed_sizes"] == "list[int]"
    and gb["input_features_mask"].dtype == np.bool_,
)
for name, init in (("gran_batch", {}), ("gran_custom", GRAN_CUSTOM)):
    hop = init.get("hop_length", 160)
    win = init.get("projector_window_size", 15)
    eff = win // init.get("projector_downsample_rate", 5)
    want = [math.ceil((L[k] // hop + 1) // 2 / win) * eff for k in B2]
    assert list(valid(name, "audio_embed_sizes")) == want, name
note(
    "GraniteSpeech audio_embed_sizes = ceil(((L // hop + 1) // 2) / window) * (window // "
    "downsample) (TRANSFORMERS.md 4.10: confirmed, also with non-default hop/window/rate).",
    True,
)
note(
    "Speech2Text with return_tensors=None returns Python lists of per-clip arrays even when "
    "padded (CMVN returns a list): input_features a list of (T, 80) float32 and attention_mask "
    "a list of int32 (TRANSFORMERS.md section 5 says lists only when unpadded). With the "
    "default padding=False, return_tensors='pt' raises ValueError (ragged).",
    return_types["speech2text"]["None_padding_true"]["keys"]["input_features"]["type"] == "list"
    and return_types["speech2text"]["pt"].get("error") == "ValueError",
)
note(
    "GraniteSpeech ignores padding_value (pad_sequence pads with 0.0).",
    np.array_equal(valid("gran_padding_value", "input_features"), gb["input_features"]),
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


FIELDS = ("ext", "path", "init", "call", "x", "form", "input_arg")
meta = {
    "versions": {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    },
    "is_speech_available": transformers.utils.is_speech_available(),
    "sampling_rate": SR,
    "inputs": {k: list(v.shape) for k, v in inputs.items()},
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
out = HERE / "transformers_golden.npz"
np.savez_compressed(out, meta=json.dumps(meta, indent=1, default=repr), **arrays)

# ================================ summary ==============================================
print(f"{'case':36} {'ext':17} {'path':10} outputs / error")
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
    print(f"{name:36} {c['ext']:17} {c['path']:10} {'; '.join(parts)}{'  (non-finite)' * bad}")
for name, e in errors.items():
    print(f"{name:36} {e['ext']:17} {e['path']:10} {e['error']}: {e['message'][:60]!r}")
print("\nnotes:")
for n in notes:
    print(" -", n)
size = out.stat().st_size / 1e6
print(f"wrote {len(cases)} cases + {len(errors)} error cases to {out} ({size:.2f} MB)")
