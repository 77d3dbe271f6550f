"""Regenerate mfcc_golden.npz from the real librosa and torchaudio.

    python tests/data/make_mfcc_golden.py

Made in a venv of its own with librosa 0.11.0, torch 2.13.0+cpu and
torchaudio 2.11.0 (whose compiled extension needs CUDA libraries that the
CPU torch lacks: its lib/*.so files were deleted; the transforms are pure
Python over torch.stft). Each case stores the fastmel.MFCC.from_preset
arguments that should reproduce it (a preset name plus overrides, JSON), the
peer call (for the record), the input and the peer's output.
"""

import json
import pathlib
import warnings

import librosa
import numpy as np
import torch
import torchaudio
import torchaudio.transforms as T

warnings.simplefilter("ignore")
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261126)
cases = {}


def signal(shape, rate):
    n = shape[-1]
    t = np.arange(n) / rate
    tone = 0.5 * np.sin(2 * np.pi * (150.0 + 0.2 * rate * t) * t)
    return (0.1 * rng.standard_normal(shape) + tone).astype(np.float32)


def add(name, preset, overrides, call, x, y):
    cases[name] = dict(preset=preset, overrides=overrides, call=call, x=x, y=np.asarray(y))


x = signal((22050,), 22050)
add(
    "librosa_default",
    "librosa",
    {},
    "librosa.feature.mfcc(y=x, sr=22050)",
    x,
    librosa.feature.mfcc(y=x, sr=22050),
)
add(
    "librosa_lifter",
    "librosa",
    {"n_mfcc": 13, "lifter": 22.0},
    "librosa.feature.mfcc(y=x, sr=22050, n_mfcc=13, lifter=22)",
    x,
    librosa.feature.mfcc(y=x, sr=22050, n_mfcc=13, lifter=22),
)
add(
    "librosa_norm_none",
    "librosa",
    {"dct_norm": None, "n_mfcc": 40},
    "librosa.feature.mfcc(y=x, sr=22050, norm=None, n_mfcc=40)",
    x,
    librosa.feature.mfcc(y=x, sr=22050, norm=None, n_mfcc=40),
)
x16 = signal((16000,), 16000)
# librosa's mfcc of an HTK mel spectrogram without area normalisation.
mel = librosa.feature.melspectrogram(
    y=x16, sr=16000, n_mels=40, n_fft=512, hop_length=160, win_length=400, htk=True, norm=None
)
add(
    "librosa_htk_16k",
    "librosa",
    {
        "sampling_rate": 16000,
        "mel_scale": "htk",
        "norm": None,
        "num_mel_bins": 40,
        "fft_length": 512,
        "sequence_stride": 160,
        "sequence_length": 400,
    },
    "librosa.feature.mfcc(S=librosa.power_to_db(melspectrogram(y=x, sr=16000, n_mels=40, "
    "n_fft=512, hop_length=160, win_length=400, htk=True, norm=None)))",
    x16,
    librosa.feature.mfcc(S=librosa.power_to_db(mel)),
)
add(
    "torchaudio_default",
    "torchaudio",
    {},
    "torchaudio.transforms.MFCC()(x)",
    x16,
    T.MFCC()(torch.from_numpy(x16)).numpy(),
)
add(
    "torchaudio_log_mels",
    "torchaudio",
    {"log_mode": "natural", "log_offset": 1e-6, "top_db": None, "n_mfcc": 13},
    "torchaudio.transforms.MFCC(n_mfcc=13, log_mels=True)(x)",
    x16,
    T.MFCC(n_mfcc=13, log_mels=True)(torch.from_numpy(x16)).numpy(),
)
xb = signal((2, 3, 8000), 16000) * np.array([[1.0], [1e-3], [0.1]], dtype=np.float32)
add(
    "torchaudio_batch_channels",
    "torchaudio",
    {"n_mfcc": 20},
    "torchaudio.transforms.MFCC(n_mfcc=20)(x)  # x: (2, 3, n), one channel at -60 dB",
    xb,
    T.MFCC(n_mfcc=20)(torch.from_numpy(xb)).numpy(),
)
add(
    "torchaudio_melkwargs",
    "torchaudio",
    {
        "n_mfcc": 30,
        "fft_length": 512,
        "sequence_stride": 160,
        "sequence_length": 400,
        "num_mel_bins": 64,
        "min_freq": 20.0,
        "max_freq": 7600.0,
    },
    "torchaudio.transforms.MFCC(n_mfcc=30, melkwargs=dict(n_fft=512, hop_length=160, "
    "win_length=400, n_mels=64, f_min=20, f_max=7600))(x)",
    x16,
    T.MFCC(
        n_mfcc=30,
        melkwargs=dict(
            n_fft=512, hop_length=160, win_length=400, n_mels=64, f_min=20.0, f_max=7600.0
        ),
    )(torch.from_numpy(x16)).numpy(),
)

meta = {
    "versions": {
        "librosa": librosa.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
    },
    "cases": {k: {f: c[f] for f in ("preset", "overrides", "call")} for k, c in cases.items()},
}
arrays = {}
for name, c in cases.items():
    arrays[f"{name}/x"] = c["x"]
    arrays[f"{name}/y"] = c["y"]
np.savez_compressed(HERE / "mfcc_golden.npz", meta=json.dumps(meta, indent=1), **arrays)
print(f"wrote {len(cases)} cases to {HERE / 'mfcc_golden.npz'}")
