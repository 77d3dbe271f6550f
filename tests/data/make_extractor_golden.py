"""Regenerate extractor_golden.npz from the real transformers ASTFeatureExtractor,
SeamlessM4TFeatureExtractor and ParakeetFeatureExtractor.

    /work/venv-ref/bin/python tests/data/make_extractor_golden.py

Made with transformers 5.23.0 in the venv of make_kaldi_golden.py (Python 3.11,
numpy 2.4, torch 2.13.0+cpu, torchaudio 2.11.0 whose compiled lib/*.so files were
deleted: torchaudio imports, so transformers' ``is_speech_available()`` is True, and
``torchaudio.compliance.kaldi`` is pure Python over torch.fft). The tests only
read the .npz.

Each case stores the extractor (``ext``: "ast", "seamless" or "parakeet"), its
``__init__`` keyword arguments (JSON), the ``__call__`` keyword arguments except
the input (JSON; return_tensors is always "np"; ``sampling_rate`` is the clip's
rate unless the case omits it), the input (``x``: one name or a list of names of
float32 clips stored once under inputs/, and ``form``: how it was given: "array"
a 1-D array, "array_f64" the 1-D array widened to float64, "list" a Python list
of floats, "arrays" a list of 1-D arrays, "lists" a list of lists of floats,
"array2d" one stored 2-D array (batch, time), "array3d" one stored 3-D array,
"arrays2d" a list of the 2-D rows of a stored 3-D array, "array4d" a stored
3-D array with a leading axis of 1 added, "array_f16" the 1-D array cast to
float16, "array_i16" ``(x * 32767).astype(np.int16)`` of the 1-D array,
"tensor" / "tensors" torch.from_numpy of the clip / of each clip, "empty_list"
``[]`` and "empty_array" ``np.zeros(0, np.float32)`` (x is then null)), the
code ``path`` and every output key's array under ``<case>/<key>``, in the dtype
the reference returns with return_tensors="np".

``path``:
  * "torchaudio" (AST): transformers' default whenever torchaudio imports:
    ``torchaudio.compliance.kaldi.fbank(window_type="hanning")`` in float32.
  * "numpy" (AST): forces AST's numpy branch (audio_utils.spectrogram with a
    symmetric hann window, 400/160/512 fixed, kaldi-scale mel filters) by making
    the module's ``is_speech_available`` return False for the ``__init__`` (which
    then builds ``mel_filters``/``window``) and the ``__call__``.
  * "numpy" (SeamlessM4T): its only path: audio_utils.spectrogram, float64 FFT
    with complex64 storage, float64 mel/log, cast to float32, float32 per-bin
    normalisation.
  * "torch" (Parakeet): its only path (torch.stft, float32).

A case that raises stores no arrays; meta "errors" maps its name to the same
description plus the exception class name and message (str(e)). Outputs may hold
NaN/inf where the reference produces them (e.g. one-frame normalisation).

Also stored (meta): "to_dict" (``json.dumps(fe.to_dict())`` in the reference's key
order and ``fe.to_json_string()`` of a default and a non-default instance of each
extractor), "from_dict" (what from_dict does with an extra key and with
``return_unused_kwargs=True``), "signatures"
(inspect.signature of each ``__init__`` and ``__call__``: name, kind, default as
JSON or repr, annotation), "attributes" (base-class attributes of a default
instance), "return_types" (type, dtype and shape of every output key for
return_tensors None, "np" and "pt"), and ``mel_filters/<name>`` (AST numpy path
(257, num_mel_bins) float64, SeamlessM4T (257, num_mel_bins) float64, Parakeet
(feature_size, n_fft // 2 + 1) float32 as stored on the instance).
None of the three extractors has a ``dither`` option (their features are
deterministic), so no case uses one.

``ref64/<case>/input_features`` (``input_values`` for AST): for every SeamlessM4T
and Parakeet case with outputs and every AST torchaudio-path case, the same
extractor's result computed in float64 by the reference's own code, stored as
float32 (float64 would add 3.3 MB; float32 rounding is ~1e-7 relative). Per-bin
normalisation divides by a tiny std on nearly constant bins (silence, 1e-6 clips,
bins far from a pure tone), where the reference's float32 rounding reaches 0.2
(pk_quiet); this is the value without it. It is the reference's ``__call__`` run
with its float32 casts widened, by patching module attributes for the run only
(``float64_reference``): ``np`` in feature_extraction_sequence_utils (pad's float64
-> float32 cast), audio_utils (spectrogram's complex64 FFT storage), the SM and AST
modules (their input casts) is a stand-in whose ``float32``/``complex64`` are the
64-bit types; SM's ``spectrogram`` gets ``dtype=np.float64`` (its float32 result,
so the normalisation runs in float64); Parakeet's ``torch`` is a stand-in whose
``float32`` is ``torch.float64`` (its ``.to(torch.float32)`` of the input) and its
float32 ``mel_filters`` are widened to float64; the torch default dtype is float64
(torch.hann_window in Parakeet and torchaudio, torchaudio's mel banks). float32
input clips are widened to float64 (exact); float16 / int16 inputs are given as
is. Masks and shapes equal the float32 run's (checked). Meta "ref64" maps each
such case to its key, ``max_abs_f32_error`` (max |float32 reference - float64
run| over entries finite in both, null if none) and ``same_nonfinite``.
"""

import contextlib
import functools
import inspect
import json
import pathlib
import platform
import warnings

import numpy as np
import torch
import torchaudio
import transformers
from golden_signals import signals  # tests/data is the script's folder
from transformers import ASTFeatureExtractor, ParakeetFeatureExtractor, SeamlessM4TFeatureExtractor
from transformers import audio_utils as au_mod
from transformers import feature_extraction_sequence_utils as seq_mod
from transformers.models.audio_spectrogram_transformer import (
    feature_extraction_audio_spectrogram_transformer as ast_mod,
)
from transformers.models.parakeet import feature_extraction_parakeet as pk_mod
from transformers.models.seamless_m4t import feature_extraction_seamless_m4t as sm_mod

warnings.simplefilter("ignore")
transformers.logging.set_verbosity_error()  # missing-sampling_rate / mono warnings
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261211)
SR = 16000
EXTRACTORS = {
    "ast": ASTFeatureExtractor,
    "seamless": SeamlessM4TFeatureExtractor,
    "parakeet": ParakeetFeatureExtractor,
}
DEFAULT_PATH = {"ast": "torchaudio", "seamless": "numpy", "parakeet": "torch"}


speechy, periodic, mixed = signals(rng, SR)


def full_scale(n):
    """Speech-like, peak exactly 1.0, hard-clipped at +-1 over its second half."""
    x = speechy(n, amp=1.0).astype(np.float64)
    x /= np.abs(x).max()
    x[n // 2 :] = np.clip(3.0 * x[n // 2 :], -1.0, 1.0)
    return x.astype(np.float32)


def quiet(n):
    """Speech-like with peak amplitude 1e-6."""
    x = speechy(n, amp=1.0).astype(np.float64)
    return (1e-6 * x / np.abs(x).max()).astype(np.float32)


def tone(n, f, amp=0.5):
    return (amp * np.sin(2 * np.pi * f * np.arange(n) / SR)).astype(np.float32)


inputs = {
    "c_1s": mixed(16000, 8000),  # kaldi frames 98, parakeet 101
    "c_0_7s": mixed(11300, 5000),  # kaldi frames 69 (odd)
    "c_0_5s": mixed(7777, 4000),  # kaldi frames 47 (odd)
    "c_0_3s": mixed(5123, 3000),  # kaldi frames 30
    "c_2_5s": mixed(40057, 6000),  # kaldi frames 248
    "silence": np.zeros(8000, np.float32),
    "quiet": quiet(8000),
    "full_scale": full_scale(8000),
    "tone_7900": tone(8000, 7900.0),
    "c_450": speechy(450),  # one kaldi frame
    "c_300": speechy(300),  # shorter than one 400-sample frame
    "c_100": speechy(100),
    "c_1": speechy(1),
    "c8k_1s": speechy(8000, sr=8000),  # 1 s at 8 kHz
}
inputs["batch2d"] = np.stack([mixed(9600, 5000), mixed(9600, 3000, amp=0.05)])
# (batch, channels, time): channel 1 differs from channel 0
inputs["stereo_bct"] = np.stack(
    [
        np.stack([mixed(8000, 4000), tone(8000, 1000.0, 0.3)]),
        np.stack([mixed(8000, 2000, amp=0.1), np.zeros(8000, np.float32)]),
    ]
)
# (batch, time, channels): what Parakeet's mean(-1) averages correctly
inputs["stereo_btc"] = np.ascontiguousarray(inputs["stereo_bct"].transpose(0, 2, 1))
cases = {}
errors = {}


def given(x, form):
    if form == "array":
        return inputs[x]
    if form == "array_f64":
        return inputs[x].astype(np.float64)
    if form == "list":
        return [float(v) for v in inputs[x]]
    if form == "arrays":
        return [inputs[k] for k in x]
    if form == "lists":
        return [[float(v) for v in inputs[k]] for k in x]
    if form in ("array2d", "array3d"):
        return inputs[x]
    if form == "arrays2d":
        return list(inputs[x])
    if form == "array4d":
        return inputs[x][None]
    if form == "array_f16":
        return inputs[x].astype(np.float16)
    if form == "array_i16":
        return (inputs[x] * 32767).astype(np.int16)
    if form == "tensor":
        return torch.from_numpy(inputs[x])
    if form == "tensors":
        return [torch.from_numpy(inputs[k]) for k in x]
    if form == "empty_list":
        return []
    if form == "empty_array":
        return np.zeros(0, np.float32)
    raise ValueError(form)


def make(ext, init, path):
    if ext == "ast" and path == "numpy":
        saved = ast_mod.is_speech_available
        ast_mod.is_speech_available = lambda: False
        try:
            return EXTRACTORS[ext](**init)
        finally:
            ast_mod.is_speech_available = saved
    return EXTRACTORS[ext](**init)


def run(ext, init, call, x, form, path):
    fe = make(ext, init, path)
    if ext == "ast" and path == "numpy":
        saved = ast_mod.is_speech_available
        ast_mod.is_speech_available = lambda: False
        try:
            out = fe(given(x, form), return_tensors="np", **call)
        finally:
            ast_mod.is_speech_available = saved
    else:
        out = fe(given(x, form), return_tensors="np", **call)
    return {k: np.asarray(v) for k, v in out.items()}


def add(name, ext, x, init=None, call=None, form=None, path=None, sr=SR, error=False):
    """Run one case; ``error=True``: it must raise (recorded in meta "errors")."""
    assert name not in cases and name not in errors, name
    init = init or {}
    call = {"sampling_rate": sr, **(call or {})}
    if call["sampling_rate"] is None:
        del call["sampling_rate"]
    if form is None:
        form = "arrays" if isinstance(x, list) else "array"
    path = path or DEFAULT_PATH[ext]
    desc = dict(ext=ext, init=init, call=call, x=x, form=form, path=path)
    try:
        out = run(ext, init, call, x, form, path)
    except Exception as e:  # noqa: BLE001 - the reference's own errors are the data
        if not error:
            raise
        errors[name] = dict(desc, error=type(e).__name__, message=str(e))
        return
    if error:
        raise AssertionError(f"{name}: expected an error, got {list(out)}")
    cases[name] = dict(desc, out=out)


B3 = ["c_1s", "c_0_7s", "c_0_5s"]
B2 = ["c_0_7s", "c_0_5s"]
EDGE = ["silence", "quiet", "full_scale", "tone_7900"]

# ================================ AST ==================================================
for path, p in (("torchaudio", "ast"), ("numpy", "ast_numpy")):
    add(f"{p}_default", "ast", "c_1s", path=path)
    add(f"{p}_mel64", "ast", "c_0_5s", init={"num_mel_bins": 64}, path=path)
    add(f"{p}_truncate", "ast", "c_1s", init={"max_length": 50}, path=path)  # 98 -> 50 frames
    add(f"{p}_pad", "ast", "c_0_5s", init={"max_length": 200}, path=path)
    add(
        f"{p}_no_normalize",
        "ast",
        "c_0_5s",
        init={"do_normalize": False, "max_length": 100},
        path=path,
    )
    add(
        f"{p}_mean_std",
        "ast",
        "c_0_5s",
        init={"mean": -2.5, "std": 3.25, "max_length": 100},
        path=path,
    )
    add(
        f"{p}_sr8000",
        "ast",
        "c8k_1s",
        init={"sampling_rate": 8000, "max_length": 128},
        sr=8000,
        path=path,
    )
    add(f"{p}_list", "ast", ["c_1s", "c_0_7s", "c_0_3s"], init={"max_length": 100}, path=path)
    add(f"{p}_array2d", "ast", "batch2d", form="array2d", init={"max_length": 64}, path=path)
    for e in EDGE:
        add(f"{p}_{e}", "ast", e, init={"max_length": 64}, path=path)
    add(f"{p}_one_frame", "ast", "c_450", init={"max_length": 8}, path=path)
    # shorter than one frame: torchaudio asserts; numpy: 0 frames (300) or a negative count (100)
    add(f"{p}_300", "ast", "c_300", init={"max_length": 8}, path=path, error=(path == "torchaudio"))
    add(f"{p}_100", "ast", "c_100", init={"max_length": 8}, path=path, error=True)
    add(f"{p}_1", "ast", "c_1", init={"max_length": 8}, path=path, error=True)
add("ast_lists", "ast", ["c_0_3s", "c_0_5s"], form="lists", init={"max_length": 64})
add("ast_list_single", "ast", "c_0_3s", form="list", init={"max_length": 64})
add("ast_float64", "ast", "c_0_5s", form="array_f64", init={"max_length": 64})
add("ast_mel128_max64", "ast", "c_0_3s", init={"num_mel_bins": 128, "max_length": 64})
add("ast_no_sampling_rate", "ast", "c_0_3s", init={"max_length": 64}, call={"sampling_rate": None})
# __call__ swallows **kwargs: max_length / padding / truncation passed to the call are ignored
add(
    "ast_call_kwargs_ignored",
    "ast",
    ["c_0_3s", "c_0_5s"],
    init={"max_length": 64},
    call={
        "max_length": 10,
        "padding": "longest",
        "truncation": True,
        "return_attention_mask": True,
    },
)
add("ast_init_mask_true", "ast", "c_0_3s", init={"return_attention_mask": True, "max_length": 64})
add("ast_padding_value", "ast", "c_0_3s", init={"padding_value": 1.0, "max_length": 64})  # unused
add("ast_sr_mismatch", "ast", "c_0_3s", call={"sampling_rate": 8000}, error=True)
add("ast_sr8000_init_only", "ast", "c8k_1s", init={"sampling_rate": 8000}, error=True)
add("ast_array3d", "ast", "stereo_bct", form="array3d", error=True)
add("ast_tensor", "ast", "c_0_3s", form="tensor", init={"max_length": 64})
add("ast_tensors", "ast", ["c_0_3s", "c_0_5s"], form="tensors", error=True)  # not seen as a batch
add("ast_int16", "ast", "c_0_3s", form="array_i16", error=True)
add("ast_float16", "ast", "c_0_3s", form="array_f16", error=True)
add("ast_empty_list", "ast", None, form="empty_list", error=True)
add("ast_empty_array", "ast", None, form="empty_array", error=True)

# ============================ SeamlessM4T ==============================================
S = "seamless"
add("sm_default", S, "c_0_7s")  # 69 frames -> pad_to_multiple_of 2 -> 70 -> 35 x 160
add("sm_default_even", S, "c_1s")  # 98 -> 49
add("sm_stride1", S, "c_0_7s", init={"stride": 1})  # attention_mask has 0 columns
add("sm_stride1_list", S, B2, init={"stride": 1})
add("sm_stride3", S, B2, init={"stride": 3})
add("sm_stride3_no_multiple", S, B2, init={"stride": 3}, call={"pad_to_multiple_of": None})
add("sm_no_norm", S, B2, call={"do_normalize_per_mel_bins": False})
add("sm_list", S, B3)
add("sm_padding_longest", S, B3, call={"padding": "longest"})
add("sm_max_length", S, B2, call={"padding": "max_length", "max_length": 80})
add("sm_max_length_odd", S, B2, call={"padding": "max_length", "max_length": 81})  # -> 82
add(
    "sm_max_length_trunc",
    S,
    B2,
    call={"padding": "max_length", "max_length": 60, "truncation": True},  # 69 -> 60, 47 -> 60
)
add("sm_longest_trunc", S, B3, call={"padding": True, "max_length": 51, "truncation": True})
add(
    "sm_trunc_no_multiple",
    S,
    B3,
    call={"padding": True, "max_length": 51, "truncation": True, "pad_to_multiple_of": None},
)
add("sm_multiple_none", S, "c_0_7s", call={"pad_to_multiple_of": None})  # 69 -> 68 -> 34
add("sm_multiple_8", S, B3, call={"pad_to_multiple_of": 8})
add("sm_multiple_3", S, B2, call={"pad_to_multiple_of": 3})
add("sm_padding_false", S, "c_0_7s", call={"padding": False})
add("sm_do_not_pad", S, "c_0_5s", call={"padding": "do_not_pad"})
add("sm_mask_false", S, B2, call={"return_attention_mask": False})
add("sm_mask_true", S, B2, call={"return_attention_mask": True})
add("sm_init_mask_false", S, B2, init={"return_attention_mask": False})
add("sm_padding_value", S, B2, init={"padding_value": -1.0})
add("sm_padding_side_left", S, B2, init={"padding_side": "left"})
add("sm_mel40", S, "c_0_5s", init={"num_mel_bins": 40})
add("sm_mel64_fs64", S, "c_0_5s", init={"num_mel_bins": 64, "feature_size": 64})
add("sm_stereo_array3d", S, "stereo_bct", form="array3d")  # channel 0 used
add("sm_stereo_arrays2d", S, "stereo_bct", form="arrays2d")
add("sm_array2d", S, "batch2d", form="array2d")
add("sm_lists", S, ["c_0_3s", "c_0_5s"], form="lists")
add("sm_list_single", S, "c_0_3s", form="list")
add("sm_float64", S, "c_0_5s", form="array_f64")
for e in EDGE:
    add(f"sm_{e}", S, e)
add("sm_sr8000", S, "c8k_1s", init={"sampling_rate": 8000}, sr=8000)
add("sm_no_sampling_rate", S, "c_0_3s", call={"sampling_rate": None})
add("sm_one_frame", S, "c_450")  # var(ddof=1) of one frame: NaN
add("sm_300", S, "c_300")  # 0 frames
add("sm_batch_with_300", S, ["c_0_3s", "c_300"])
add("sm_100", S, "c_100", error=True)  # negative frame count
add("sm_1", S, "c_1", error=True)  # np.squeeze makes it 0-d
add("sm_sr_mismatch", S, "c_0_3s", call={"sampling_rate": 8000}, error=True)
add("sm_sr8000_init_only", S, "c8k_1s", init={"sampling_rate": 8000}, error=True)
add("sm_max_length_missing", S, "c_0_3s", call={"padding": "max_length"}, error=True)
add("sm_truncation_no_max_length", S, "c_0_3s", call={"truncation": True}, error=True)
add("sm_ragged_no_pad", S, B2, call={"padding": False}, error=True)
add("sm_padding_bad", S, "c_0_3s", call={"padding": "bogus"}, error=True)
add("sm_tensor", S, "c_0_3s", form="tensor")
add("sm_tensors", S, ["c_0_3s", "c_0_5s"], form="tensors")
add("sm_float16", S, "c_0_3s", form="array_f16")  # not widened: float16 * 2**15
add("sm_int16", S, "c_0_3s", form="array_i16", error=True)  # int16 * 2**15 overflows
add("sm_empty_list", S, None, form="empty_list", error=True)
add("sm_empty_array", S, None, form="empty_array", error=True)
add("sm_array4d", S, "stereo_bct", form="array4d", error=True)  # (1, batch, channels, time)

# ============================== Parakeet ===============================================
P = "parakeet"
add("pk_default", P, "c_1s")
add("pk_list", P, B3)
add("pk_list_longer", P, ["c_2_5s", "c_0_3s"])
add("pk_truncation", P, ["c_1s", "c_0_5s"], call={"truncation": True, "max_length": 9000})
add("pk_truncation_all", P, ["c_1s", "c_0_7s"], call={"truncation": True, "max_length": 9000})
add("pk_truncation_single", P, "c_1s", call={"truncation": True, "max_length": 9000})
add("pk_max_length", P, B2, call={"padding": "max_length", "max_length": 20000})
add(
    "pk_max_length_trunc",
    P,
    B3,
    call={"padding": "max_length", "max_length": 10000, "truncation": True},
)
add("pk_multiple", P, B3, call={"pad_to_multiple_of": 4000})
add("pk_multiple_single", P, "c_0_5s", call={"pad_to_multiple_of": 1000})
add(
    "pk_trunc_multiple",
    P,
    B3,
    call={"truncation": True, "max_length": 9000, "pad_to_multiple_of": 4000},  # -> 12000
)
add("pk_padding_false_single", P, "c_0_5s", call={"padding": False})
add("pk_preemph_none", P, B2, init={"preemphasis": None})
add("pk_preemph_0", P, B2, init={"preemphasis": 0.0})
add("pk_preemph_0_5", P, "c_0_5s", init={"preemphasis": 0.5})
add("pk_fft400", P, B2, init={"n_fft": 400, "win_length": 400, "hop_length": 160})
add("pk_fft512_win320_hop128", P, B2, init={"n_fft": 512, "win_length": 320, "hop_length": 128})
add("pk_fft511_odd", P, "c_0_5s", init={"n_fft": 511, "win_length": 400, "hop_length": 160})
add("pk_mel128", P, "c_0_5s", init={"feature_size": 128})
for e in EDGE:
    add(f"pk_{e}", P, e)
add("pk_1", P, "c_1")  # 0 valid frames: NaN
add("pk_100", P, "c_100")  # shorter than n_fft // 2: 0 valid frames
add("pk_300", P, "c_300")  # 1 valid frame: variance / 0
add("pk_batch_with_short", P, ["c_0_3s", "c_100"])
add("pk_array2d", P, "batch2d", form="array2d")
add("pk_float64", P, "c_0_5s", form="array_f64")
add("pk_stereo_btc", P, "stereo_btc", form="array3d")  # mean over the last axis: channels
add("pk_stereo_bct", P, "stereo_bct", form="array3d")  # mean over the last axis: time!
add("pk_mask_false", P, B2, call={"return_attention_mask": False})  # ignored
add("pk_do_normalize_false", P, B2, call={"do_normalize": False})  # ignored
# c_0_3s: its last valid frame's window reaches past the clip into the padding
PV = ["c_0_7s", "c_0_3s"]
add("pk_padding_value", P, PV, init={"padding_value": 0.5})  # preemphasis mask zeroes it
add("pk_padding_value_no_preemph", P, PV, init={"padding_value": 0.5, "preemphasis": None})
add("pk_no_preemph_ref", P, PV, init={"preemphasis": None})
add("pk_padding_side_left", P, B2, init={"padding_side": "left"})
add("pk_sr8000", P, "c8k_1s", init={"sampling_rate": 8000}, sr=8000)
add("pk_no_sampling_rate", P, "c_0_3s", call={"sampling_rate": None})
add("pk_tensor", P, "c_0_3s", form="tensor")
add("pk_tensors", P, ["c_0_3s", "c_0_5s"], form="tensors")
add("pk_float16", P, "c_0_3s", form="array_f16")
add("pk_int16", P, "c_0_3s", form="array_i16")  # cast to float32 unscaled
add("pk_empty_array", P, None, form="empty_array")  # 0 valid frames: NaN
add("pk_empty_list", P, None, form="empty_list", error=True)
add("pk_sr_mismatch", P, "c_0_3s", call={"sampling_rate": 8000}, error=True)
add("pk_sr8000_init_only", P, "c8k_1s", init={"sampling_rate": 8000}, error=True)
add("pk_list_form", P, "c_0_3s", form="list", error=True)
add("pk_lists_form", P, ["c_0_3s", "c_0_5s"], form="lists", error=True)
add("pk_stereo_arrays2d", P, "stereo_btc", form="arrays2d", error=True)
add("pk_max_length_missing", P, "c_0_3s", call={"padding": "max_length"}, error=True)
add("pk_truncation_no_max_length", P, "c_0_3s", call={"truncation": True}, error=True)
add(
    "pk_max_length_shorter_no_trunc",
    P,
    ["c_1s", "c_0_5s"],
    call={"padding": "max_length", "max_length": 9000},
    error=True,
)

# ==================== to_dict, from_dict, signatures, return types =====================
configs = {
    "ast": {
        "default": {},
        "custom": {"num_mel_bins": 64, "max_length": 100, "mean": -2.5, "std": 3.25},
    },
    "seamless": {
        "default": {},
        "custom": {"stride": 3, "num_mel_bins": 64, "return_attention_mask": False},
    },
    "parakeet": {
        "default": {},
        "custom": {
            "feature_size": 128,
            "n_fft": 400,
            "hop_length": 128,
            "win_length": 320,
            "preemphasis": None,
        },
    },
}
to_dict = {}
filters = {}
for ext, cfgs in configs.items():
    for cname, init in cfgs.items():
        fe = make(ext, init, DEFAULT_PATH[ext])
        to_dict[f"{ext}_{cname}"] = {
            "ext": ext,
            "init": init,
            "path": DEFAULT_PATH[ext],
            "to_dict": json.dumps(fe.to_dict()),
            "to_json_string": fe.to_json_string(),
            "attributes_not_in_to_dict": sorted(set(vars(fe)) - set(fe.to_dict())),
        }
        if ext == "seamless":
            filters[f"seamless_{cname}"] = fe.mel_filters
        if ext == "parakeet":
            filters[f"parakeet_{cname}"] = fe.mel_filters.numpy()
fe = make("ast", {}, "numpy")  # the numpy path also sets mel_filters and window
filters["ast_numpy_default"] = fe.mel_filters
to_dict["ast_numpy_default"] = {
    "ext": "ast",
    "init": {},
    "path": "numpy",
    "to_dict": json.dumps(fe.to_dict()),
    "to_json_string": fe.to_json_string(),
    "attributes_not_in_to_dict": sorted(set(vars(fe)) - set(fe.to_dict())),
}
filters["ast_numpy_mel64"] = make("ast", {"num_mel_bins": 64}, "numpy").mel_filters
filters["ast_numpy_sr8000"] = make("ast", {"sampling_rate": 8000}, "numpy").mel_filters
filters["seamless_sr8000"] = make("seamless", {"sampling_rate": 8000}, "numpy").mel_filters

from_dict = {}
for ext, cls in EXTRACTORS.items():
    d = cls().to_dict()
    d["some_extra_key"] = 7
    fe = cls.from_dict(dict(d))
    _, unused = cls.from_dict(dict(d), return_unused_kwargs=True, sampling_rate=16000, not_a_key=1)
    from_dict[ext] = {
        "extra_key_attribute": getattr(fe, "some_extra_key", None),
        "to_dict_keys": list(fe.to_dict()),
        "feature_extractor_type_attribute": getattr(fe, "feature_extractor_type", None),
        "unused_kwargs": unused,
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
        d["annotation"] = (
            p.annotation
            if isinstance(p.annotation, str)
            else inspect.formatannotation(p.annotation)
        )
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
    for ext, cls in EXTRACTORS.items()
}

attributes = {}
for ext, cls in EXTRACTORS.items():
    fe = cls()
    attributes[ext] = {
        "model_input_names": list(cls.model_input_names),
        "mro": [c.__name__ for c in cls.__mro__],
        **{k: v for k, v in vars(fe).items() if k not in ("mel_filters", "window")},
    }


def typeinfo(v):
    if isinstance(v, list):
        return {"type": "list", "len": len(v), "items": [typeinfo(i) for i in v]}
    return {
        "type": f"{type(v).__module__}.{type(v).__name__}",
        "dtype": str(v.dtype),
        "shape": list(v.shape),
    }


return_types = {}
for ext, cls in EXTRACTORS.items():
    fe = cls()
    return_types[ext] = {}
    for rt in (None, "np", "pt"):
        out = fe([inputs["c_0_3s"], inputs["c_0_5s"]], sampling_rate=SR, return_tensors=rt)
        return_types[ext][str(rt)] = {
            "class": type(out).__name__,
            "keys": {k: typeinfo(v) for k, v in out.items()},
        }


# ============ ref64: the reference's own code run in float64 ===========================
class Widened:
    """Stands in for numpy or torch inside one reference module: every attribute is
    the real module's, except the 32-bit float (and complex) types, which are the
    64-bit ones, so the module's casts to float32 / complex64 become no-ops on
    float64 data."""

    def __init__(self, module, **types):
        self._module = module
        vars(self).update(types)

    def __getattr__(self, name):
        return getattr(self._module, name)


@contextlib.contextmanager
def float64_reference():
    """The reference's float32 casts widened to float64, nothing else changed."""
    np64 = Widened(np, float32=np.float64, complex64=np.complex128)
    patches = [
        (seq_mod, "np", np64),  # pad(): float64 items -> float32
        (au_mod, "np", np64),  # spectrogram(): complex64 FFT storage
        (sm_mod, "np", np64),  # SM __call__: inputs -> float32
        # SM: spectrogram's float32 result (its ``dtype`` argument, default float32)
        (sm_mod, "spectrogram", functools.partial(au_mod.spectrogram, dtype=np.float64)),
        (ast_mod, "np", np64),  # AST __call__: inputs -> float32
        (pk_mod, "torch", Widened(torch, float32=torch.float64)),  # PK: .to(torch.float32)
    ]
    saved = [(m, a, getattr(m, a)) for m, a, _ in patches]
    saved_dtype = torch.get_default_dtype()
    try:
        for m, a, v in patches:
            setattr(m, a, v)
        # torch.hann_window (PK and torchaudio) and torchaudio's mel banks use the default dtype
        torch.set_default_dtype(torch.float64)
        yield
    finally:
        torch.set_default_dtype(saved_dtype)
        for m, a, v in saved:
            setattr(m, a, v)


def widen(v):
    """A float32 input (array, tensor, or a list of them) widened exactly to float64;
    AST passes a 1-D float32 array through uncast. Other dtypes stay as given."""
    if isinstance(v, list):
        return [widen(i) for i in v]
    if isinstance(v, np.ndarray) and v.dtype == np.float32:
        return v.astype(np.float64)
    if isinstance(v, torch.Tensor) and v.dtype == torch.float32:
        return v.to(torch.float64)
    return v


def run64(c):
    fe = make(c["ext"], c["init"], c["path"])
    if c["ext"] == "parakeet":  # its float32 filters (part of its data), widened
        fe.mel_filters = fe.mel_filters.to(torch.float64)
    with float64_reference():
        out = fe(widen(given(c["x"], c["form"])), return_tensors="np", **c["call"])
    return {k: np.asarray(v) for k, v in out.items()}


def max_abs(a, b):
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.abs(a.astype(np.float64) - b)[both].max()) if both.any() else None


ref64 = {}
for name, c in cases.items():
    if not (c["ext"] in ("seamless", "parakeet") or c["path"] == "torchaudio"):
        continue
    out64 = run64(c)
    key = "input_values" if c["ext"] == "ast" else "input_features"
    assert list(out64) == list(c["out"]), name
    for k, v in out64.items():  # same shapes, same masks, features now float64
        assert v.shape == c["out"][k].shape, (name, k)
        if k == key:
            assert v.dtype == np.float64, (name, v.dtype)
        else:
            assert np.array_equal(v, c["out"][k]), (name, k)
    f32 = c["out"][key]
    ref64[name] = {
        "key": key,
        "max_abs_f32_error": max_abs(f32, out64[key]),
        "same_nonfinite": bool(np.array_equal(np.isfinite(f32), np.isfinite(out64[key]))),
        "out": out64[key],
    }

# ================================ write ================================================
meta = {
    "versions": {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    },
    "is_speech_available": transformers.utils.is_speech_available(),
    "inputs": {k: list(v.shape) for k, v in inputs.items()},
    "input_rates": {k: (8000 if k.startswith("c8k") else SR) for k in inputs},
    "cases": {
        k: {
            **{f: c[f] for f in ("ext", "init", "call", "x", "form", "path")},
            "outputs": {
                key: {"shape": list(v.shape), "dtype": str(v.dtype)} for key, v in c["out"].items()
            },
        }
        for k, c in cases.items()
    },
    "errors": errors,
    "to_dict": to_dict,
    "from_dict": from_dict,
    "signatures": signatures,
    "attributes": attributes,
    "return_types": return_types,
    "ref64": {
        k: {f: r[f] for f in ("key", "max_abs_f32_error", "same_nonfinite")}
        for k, r in ref64.items()
    },
}
arrays = {f"inputs/{k}": v for k, v in inputs.items()}
arrays.update({f"mel_filters/{k}": v for k, v in filters.items()})
for name, c in cases.items():
    for key, v in c["out"].items():
        arrays[f"{name}/{key}"] = v
for name, r in ref64.items():
    arrays[f"ref64/{name}/{r['key']}"] = r["out"].astype(np.float32)  # float64 is 3.3 MB more
out = HERE / "extractor_golden.npz"
np.savez_compressed(out, meta=json.dumps(meta, indent=1, default=repr), **arrays)

# ================================ summary ==============================================
print(f"{'case':34} {'ext':9} {'path':10} {'form':11} outputs / error")
for name, c in cases.items():
    shapes = ", ".join(f"{k} {v.dtype}{list(v.shape)}" for k, v in c["out"].items())
    bad = any(not np.isfinite(v).all() for v in c["out"].values() if v.dtype.kind == "f")
    flag = "  (non-finite)" if bad else ""
    print(f"{name:34} {c['ext']:9} {c['path']:10} {c['form']:11} {shapes}{flag}")
for name, e in errors.items():
    print(
        f"{name:34} {e['ext']:9} {e['path']:10} {e['form']:11} {e['error']}: {e['message'][:70]!r}"
    )
print(f"\n{'case':34} reference float32 error (max |float32 - float64 run|)")
for name, r in ref64.items():
    err = "all non-finite" if r["max_abs_f32_error"] is None else f"{r['max_abs_f32_error']:.3g}"
    flag = "" if r["same_nonfinite"] else "  (non-finite entries differ)"
    print(f"{name:34} {err}{flag}")
size = out.stat().st_size / 1e6
print(f"wrote {len(cases)} cases + {len(errors)} error cases to {out} ({size:.2f} MB)")
