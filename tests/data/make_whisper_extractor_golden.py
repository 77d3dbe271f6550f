"""Regenerate whisper_extractor_golden.npz from the real transformers.WhisperFeatureExtractor.

    /work/venv-ref/bin/python tests/data/make_whisper_extractor_golden.py

Made with transformers 5.23.0 (pip install transformers==5.23.0) in the venv of
make_kaldi_golden.py (Python 3.11, torch 2.13.0+cpu). The tests only read the .npz.

Each case stores the extractor's ``__init__`` keyword arguments (JSON), the
``__call__`` keyword arguments except the input (JSON; return_tensors is always
"np"), the input (``x``: one name or a list of names of float32 clips stored once
under inputs/, and ``form``: how it was given: "array" a 1-D array, "list" a
Python list of floats, "arrays" a list of 1-D arrays, "lists" a list of lists of
floats, "array2d" one stored 2-D array (batch, time)), the STFT ``path`` and
every output key's array under ``<case>/<key>`` (``input_features`` float32,
``attention_mask`` int32 when returned).

``path`` "torch" is transformers' default whenever torch >= 2.6 is importable
(``_torch_extract_fbank_features``: torch.stft, float32). "numpy" forces
``_np_extract_fbank_features`` (audio_utils.spectrogram, float64 FFT with
complex64 storage) by making the module's ``is_torch_available`` return False
for that call; nothing else in ``__call__`` depends on it.

Also stored: ``to_dict()`` of some extractors (meta "to_dict"; ``mel_filters``
is not in it, to_dict deletes it) and ``mel_filters/<name>`` (float64,
(1 + n_fft // 2, feature_size)). Dither is random (torch.randn over the whole
padded batch on the torch path, np.random.randn per frame on the numpy path):
no golden case.
"""

import json
import pathlib
import platform
import warnings

import numpy as np
import torch
import transformers
from golden_signals import signals  # tests/data is the script's folder
from transformers import WhisperFeatureExtractor
from transformers.models.whisper import feature_extraction_whisper as few

warnings.simplefilter("ignore")
transformers.logging.set_verbosity_error()  # the missing-sampling_rate warning
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261203)
SR = 16000


speechy, periodic, mixed = signals(rng, SR)


def long_clip():
    """31 s: periodic background with speech-like bursts at 0-1 s, 15-16 s and 29.5-31 s."""
    x = periodic(31 * SR)
    for a, b in [(0, SR), (15 * SR, 16 * SR), (29 * SR + SR // 2, 31 * SR)]:
        x[a:b] += speechy(b - a)
    return x


def loud_quiet():
    """5 s: 2.5 s loud, then 2.5 s some 100 dB quieter (the max - 8 clamp bites)."""
    x = mixed(5 * SR, SR, amp=0.6)
    x[5 * SR // 2 :] *= 1e-5
    x[3 * SR : 3 * SR + SR // 2] += 1e-5 * speechy(SR // 2, amp=0.6)
    return x


inputs = {
    "c_1s": mixed(SR, SR // 2),
    "c_3_7s": mixed(59213, SR),  # 3.7 s + 13 samples: not a multiple of hop 160
    "c_12s": mixed(12 * SR, 2 * SR),
    "c_31s": long_clip(),
    "c_100": speechy(100),
    "silence": np.zeros(2 * SR, np.float32),
    "loud_quiet": loud_quiet(),
}
inputs["batch2d"] = np.stack([mixed(24000, 8000), mixed(24000, 4000, amp=0.05)])
cases = {}


def given(x, form):
    if form == "array":
        return inputs[x]
    if form == "list":
        return [float(v) for v in inputs[x]]
    if form == "arrays":
        return [inputs[k] for k in x]
    if form == "lists":
        return [[float(v) for v in inputs[k]] for k in x]
    if form == "array2d":
        return inputs[x]
    raise ValueError(form)


def run(init, call, x, form, path):
    fe = WhisperFeatureExtractor(**init)
    if path == "numpy":
        saved = few.is_torch_available
        few.is_torch_available = lambda: False
        try:
            out = fe(given(x, form), return_tensors="np", **call)
        finally:
            few.is_torch_available = saved
    else:
        out = fe(given(x, form), return_tensors="np", **call)
    return {k: np.asarray(v) for k, v in out.items()}


def add(name, x, init=None, call=None, form=None, path="torch"):
    init = init or {}
    call = {"sampling_rate": SR, **(call or {})}
    if call["sampling_rate"] is None:
        del call["sampling_rate"]
    if form is None:
        form = "arrays" if isinstance(x, list) else "array"
    out = run(init, call, x, form, path)
    cases[name] = dict(init=init, call=call, x=x, form=form, path=path, out=out)


B3 = ["c_1s", "c_3_7s", "c_12s"]
ALL = ["c_1s", "c_3_7s", "c_12s", "c_31s", "c_100", "silence", "loud_quiet"]

# -- defaults (padding "max_length" to 30 s, truncation) ---------------------------
add("default_1s", "c_1s")
add("default_no_sampling_rate", "c_3_7s", call={"sampling_rate": None})  # only warns
add("default_31s", "c_31s")  # truncated to 480000 samples
add("default_silence", "silence")  # all frames -10 -> (-10 + 4) / 4 = -1.5
add("default_loud_quiet", "loud_quiet")
add("default_100", "c_100")
add("default_batch", ALL)
add("padding_value", "c_1s", init={"padding_value": 0.1})

# -- input forms -------------------------------------------------------------------
add("form_list", "c_100", form="list")
add("form_lists", ["c_100", "c_1s"], form="lists")
add("form_array2d", "batch2d", form="array2d")

# -- padding -------------------------------------------------------------------------
add("longest_single", "c_3_7s", call={"padding": "longest"})
add("longest_batch", B3, call={"padding": "longest"})
add("padding_true", ["c_1s", "c_3_7s"], call={"padding": True})
add("do_not_pad_single", "c_3_7s", call={"padding": "do_not_pad"})
add("padding_false_single", "c_1s", call={"padding": False})
add("no_truncation_single", "c_31s", call={"truncation": False})  # 31 s, 3100 frames
add(
    "no_truncation_longest",
    ["c_31s", "c_3_7s"],
    call={"truncation": False, "padding": "longest", "return_attention_mask": True},
)
add("max_length", ["c_3_7s", "c_1s"], call={"max_length": 32000, "return_attention_mask": True})
add(
    "max_length_longest",
    ["c_3_7s", "c_1s"],
    call={"max_length": 32000, "padding": "longest", "return_attention_mask": True},
)
add("pad_to_multiple_of", "c_31s", call={"pad_to_multiple_of": 1024, "return_attention_mask": True})
add(
    "pad_to_multiple_of_longest",
    ["c_1s", "c_3_7s"],
    call={"padding": "longest", "pad_to_multiple_of": 4000, "return_attention_mask": True},
)
add(
    "padding_side_left",
    ["c_1s", "c_3_7s"],
    init={"padding_side": "left"},
    call={"padding": "longest", "return_attention_mask": True},
)
add(
    "padding_side_left_max_length",
    ["c_1s"],
    init={"padding_side": "left"},
    call={"return_attention_mask": True},
)

# -- attention mask ------------------------------------------------------------------
add("mask_default", ["c_1s", "c_3_7s", "c_100"], call={"return_attention_mask": True})
add(
    "mask_longest",
    ["c_1s", "c_3_7s", "c_100"],
    call={"padding": "longest", "return_attention_mask": True},
)
add(
    "mask_longest_divisible",
    ["c_1s", "c_100"],
    call={"padding": "longest", "return_attention_mask": True},
)
# init return_attention_mask=True, call None (or False): pad's sample-level mask comes back
add("mask_init_true", "c_1s", init={"return_attention_mask": True})
add(
    "mask_init_true_call_false",
    "c_1s",
    init={"return_attention_mask": True},
    call={"return_attention_mask": False},
)

# -- do_normalize ----------------------------------------------------------------------
add("normalize", ["c_1s", "loud_quiet", "silence"], call={"do_normalize": True})  # sample mask
add(
    "normalize_mask",
    ["c_1s", "loud_quiet", "silence"],
    call={"do_normalize": True, "return_attention_mask": True},
)
add(
    "normalize_longest",
    ["c_3_7s", "c_1s"],
    call={"do_normalize": True, "padding": "longest", "return_attention_mask": True},
)
add("normalize_truncated", "c_31s", call={"do_normalize": True, "return_attention_mask": True})

# -- other configurations ------------------------------------------------------------
add("feature_size_128", "c_3_7s", init={"feature_size": 128})
add(
    "hop_320_n_fft_800",
    ["c_3_7s", "c_1s"],
    init={"hop_length": 320, "n_fft": 800},
    call={"return_attention_mask": True},
)
add(
    "hop_128_n_fft_512_longest",
    ["c_3_7s", "c_1s"],
    init={"hop_length": 128, "n_fft": 512},
    call={"padding": "longest", "return_attention_mask": True},
)
add(
    "chunk_10",
    ["c_12s", "c_3_7s"],
    init={"chunk_length": 10},
    call={"return_attention_mask": True},
)
add(
    "sampling_rate_8000",
    "c_1s",
    init={"sampling_rate": 8000, "chunk_length": 5},
    call={"sampling_rate": 8000},
)

# -- the numpy STFT path ---------------------------------------------------------------
add("numpy_default_1s", "c_1s", path="numpy")
add("numpy_batch", ["c_3_7s", "silence", "loud_quiet"], path="numpy")
add(
    "numpy_longest_mask",
    ["c_1s", "c_3_7s"],
    call={"padding": "longest", "return_attention_mask": True},
    path="numpy",
)
add("numpy_normalize", ["c_1s", "loud_quiet"], call={"do_normalize": True}, path="numpy")
add("numpy_feature_size_128", "c_3_7s", init={"feature_size": 128}, path="numpy")
add("numpy_hop_128_n_fft_512", "c_3_7s", init={"hop_length": 128, "n_fft": 512}, path="numpy")

# -- to_dict and mel filters -----------------------------------------------------------
configs = {
    "default": {},
    "chunk_10": {"chunk_length": 10},
    "feature_size_128": {"feature_size": 128},
    "hop_128_n_fft_512": {"hop_length": 128, "n_fft": 512},
    "sampling_rate_8000": {"sampling_rate": 8000, "chunk_length": 5},
}
to_dict = {}
filters = {}
for name, init in configs.items():
    fe = WhisperFeatureExtractor(**init)
    to_dict[name] = {"init": init, "to_dict": fe.to_dict()}
    filters[name] = fe.mel_filters

# -- write -----------------------------------------------------------------------------
meta = {
    "versions": {
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    },
    "inputs": {k: list(v.shape) for k, v in inputs.items()},
    "cases": {
        k: {
            "init": c["init"],
            "call": c["call"],
            "x": c["x"],
            "form": c["form"],
            "path": c["path"],
            "outputs": {key: list(v.shape) for key, v in c["out"].items()},
        }
        for k, c in cases.items()
    },
    "to_dict": to_dict,
}
arrays = {f"inputs/{k}": v for k, v in inputs.items()}
arrays.update({f"mel_filters/{k}": v for k, v in filters.items()})
for name, c in cases.items():
    for key, v in c["out"].items():
        arrays[f"{name}/{key}"] = v
out = HERE / "whisper_extractor_golden.npz"
np.savez_compressed(out, meta=json.dumps(meta, indent=1), **arrays)
print(f"wrote {len(cases)} cases to {out} ({out.stat().st_size / 1e6:.2f} MB)")
