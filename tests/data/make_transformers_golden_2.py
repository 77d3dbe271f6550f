"""DOCSTRING PLACEHOLDER"""

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
# new in this file
inputs["batch2d_T"] = np.ascontiguousarray(inputs["batch2d"].T)  # (9601, 2): samples x channels
rates = {k: SR for k in inputs}


def odd(n):
    return int(n) | 1


# the same durations at the other classes' rates (odd lengths; speech part scaled too)
for sr in (48000, 22050, 32000, 24000):
    t = TAG[sr]
    sp, _, mx = signals(rng, sr)
    for base, n16, k16 in (
        ("c_0_3s", 5123, 2000),
        ("c_0_5s", 7777, 2400),
        ("c_0_7s", 11301, 2800),
        ("c_1_3s", 20807, 3200),
    ):
        inputs[base + t] = mx(odd(n16 * sr / SR), odd(k16 * sr / SR))
    inputs["c_300" + t] = sp(300)
    n = odd(0.5 * sr)
    inputs["silence" + t] = np.zeros(n, np.float32)
    x = sp(n, amp=1.0).astype(np.float64)
    inputs["quiet" + t] = (1e-6 * x / np.abs(x).max()).astype(np.float32)
    f = sr / 2 - 50
    inputs[f"tone_{f:g}" + t] = tone(n, f, sr)
    for k in [k for k in inputs if k.endswith(t)]:
        rates[k] = sr
# long clips: CLAP's 10 s at 48 kHz (+4801 samples: 10 extra frames), UnivNet's 10 s at
# 24 kHz (+1 sample), MusicgenMelody's 30 s at 32 kHz (+1 sample); mostly periodic background
sp48, _, mx48 = signals(rng, 48000)
inputs["c_10s_plus_48k"] = mx48(484801, 9601)
_, _, mx24 = signals(rng, 24000)
inputs["c_10s_plus1_24k"] = mx24(240001, 4801)
_, _, mx32 = signals(rng, 32000)
inputs["c_30s_plus1_32k"] = mx32(960001, 6401)
inputs["stereo_0_5s_32k"] = np.stack([mx32(15555, 4801), mx32(15555, 3201, amp=0.1)])
# a Demucs-style output: (batch 1, 4 stems, 2 channels, samples) at 44 kHz
_, _, mx44 = signals(rng, 44000)
inputs["demucs_44k"] = np.stack(
    [np.stack([mx44(22001, 3001 + 700 * s + 300 * c, amp=0.1 + 0.05 * s) for c in range(2)])
     for s in range(4)]
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
    """Standard names for a class's rate: (B2, B3, EDGE, single, short)."""
    t = TAG[RATE[ext]]
    tone_name = next(k for k in inputs if k.startswith("tone_") and k.endswith(t) and rates[k] == RATE[ext])
    return (
        ["c_0_7s" + t, "c_0_5s" + t],
        ["c_1_3s" + t, "c_0_7s" + t, "c_0_5s" + t],
        ["silence" + t, "quiet" + t, tone_name],
    )


cases = {}
errors = {}


# ================================ running one case =====================================
def given(x, form):
    if x is None:
        return None
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
        np.random.seed(call["_np_seed"])
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


# CASES PLACEHOLDER
