"""Regenerate peer_golden.npz from the real librosa, torchaudio and whisper.

    pip install librosa torch torchaudio openai-whisper
    python tests/data/make_peer_golden.py

The tests only read the .npz; they do not need these packages. Each case
stores the fastmel arguments that should reproduce it (a preset name plus
overrides, JSON), how the output is compared ("kind"), the peer call that
made it (for the record), the input signal and the peer's output. Filter-bank
cases store the peer's matrix instead of a signal.

The case torchaudio_db_channels was added on 2026-11-26 by running this
script in a venv with torch 2.13.0+cpu, torchaudio 2.11.0, librosa 0.11.0
and openai-whisper 20250625; there the older librosa cases came out up to
3.8e-6 dB from the committed arrays (another scipy), and the committed
arrays of all older cases were kept.

torchaudio's transforms are pure Python over torch.stft; its compiled
extension is not needed (a CPU-only torch with a CUDA torchaudio wheel works
once the extension's .so files are absent).
"""

import json
import pathlib
import warnings

import librosa
import numpy as np
import torch
import torchaudio
import whisper

warnings.simplefilter("ignore")
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261125)


def signal(shape, rate, gains=None):
    """Noise plus a swept tone; each example (leading index) at its own gain."""
    n = shape[-1]
    t = np.arange(n) / rate
    tone = 0.5 * np.sin(2 * np.pi * (200.0 + 0.2 * rate * t) * t)
    x = 0.1 * rng.standard_normal(shape) + tone
    if gains is not None:
        x = x * np.asarray(gains, dtype=np.float64).reshape((-1,) + (1,) * (len(shape) - 1))
    return x.astype(np.float32)


cases = {}


def add(name, kind, preset, overrides, call, x, y):
    cases[name] = dict(
        kind=kind,
        preset=preset,
        overrides=overrides,
        call=call,
        x=None if x is None else np.asarray(x),
        y=np.asarray(y, dtype=np.float32),
    )


# -- librosa -------------------------------------------------------------------
x = signal((16000,), 22050)
S = librosa.feature.melspectrogram(y=x, sr=22050)
add(
    "librosa_default",
    "db",
    "librosa",
    {},
    "librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=22050))",
    x,
    librosa.power_to_db(S),
)
add(
    "librosa_power",
    "power",
    "librosa",
    {"power_to_db": False},
    "librosa.feature.melspectrogram(y=x, sr=22050)",
    x,
    S,
)
xb = signal((2, 8000), 22050, gains=[1.0, 0.01])
add(
    "librosa_batch",
    "db",
    "librosa",
    {},
    "librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=22050))  # x: (2, n)",
    xb,
    librosa.power_to_db(librosa.feature.melspectrogram(y=xb, sr=22050)),
)
add(
    "librosa_center_false",
    "power",
    "librosa",
    {"power_to_db": False, "center": False},
    "librosa.feature.melspectrogram(y=x, sr=22050, center=False)",
    x,
    librosa.feature.melspectrogram(y=x, sr=22050, center=False),
)
add(
    "librosa_reflect",
    "power",
    "librosa",
    {"power_to_db": False, "pad_mode": "reflect"},
    "librosa.feature.melspectrogram(y=x, sr=22050, pad_mode='reflect')",
    x,
    librosa.feature.melspectrogram(y=x, sr=22050, pad_mode="reflect"),
)
x16 = signal((12000,), 16000)
kw = dict(
    sr=16000,
    n_fft=512,
    hop_length=160,
    win_length=400,
    n_mels=64,
    fmin=50.0,
    fmax=7000.0,
    htk=True,
    norm=None,
)
fm = dict(
    sampling_rate=16000,
    fft_length=512,
    sequence_stride=160,
    sequence_length=400,
    num_mel_bins=64,
    min_freq=50.0,
    max_freq=7000.0,
    mel_scale="htk",
    norm=None,
)
P = librosa.feature.melspectrogram(y=x16, **kw)
add(
    "librosa_htk_db_no_floor",
    "db",
    "librosa",
    dict(fm, top_db=None),
    f"librosa.power_to_db(librosa.feature.melspectrogram(y=x, **{kw}), top_db=None)",
    x16,
    librosa.power_to_db(P, top_db=None),
)
add(
    "librosa_htk_natural_log",
    "natural",
    "librosa",
    dict(fm, log_mode="natural", log_offset=1e-6, top_db=None),
    f"np.log(librosa.feature.melspectrogram(y=x, **{kw}) + 1e-6)",
    x16,
    np.log(P + 1e-6),
)
add(
    "librosa_magnitude",
    "power",
    "librosa",
    dict(fm, mag_exp=1.0, power_to_db=False, mel_scale="slaney", norm="slaney"),
    "librosa.feature.melspectrogram(y=x, power=1.0, htk=False, norm='slaney', ...)",
    x16,
    librosa.feature.melspectrogram(y=x16, **dict(kw, htk=False, norm="slaney"), power=1.0),
)
for name, kw, fm in [
    (
        "whisper_80",
        dict(sr=16000, n_fft=400, n_mels=80),
        dict(sampling_rate=16000, fft_length=400, num_mel_bins=80),
    ),
    ("default_22050", dict(sr=22050, n_fft=2048), {}),
    (
        "htk_no_norm",
        dict(sr=16000, n_fft=512, n_mels=40, htk=True, norm=None, fmin=20.0, fmax=7600.0),
        dict(
            sampling_rate=16000,
            fft_length=512,
            num_mel_bins=40,
            mel_scale="htk",
            norm=None,
            min_freq=20.0,
            max_freq=7600.0,
        ),
    ),
    (
        "htk_slaney_norm",
        dict(sr=44100, n_fft=1024, n_mels=64, htk=True, norm="slaney"),
        dict(sampling_rate=44100, fft_length=1024, num_mel_bins=64, mel_scale="htk"),
    ),
]:
    add(
        f"librosa_filters_{name}",
        "filters",
        "librosa",
        fm,
        f"librosa.filters.mel(**{kw}).T",
        None,
        librosa.filters.mel(**kw).T,
    )

# -- torchaudio ----------------------------------------------------------------
T = torchaudio.transforms
x = signal((12000,), 16000)
add(
    "torchaudio_default",
    "power",
    "torchaudio",
    {},
    "torchaudio.transforms.MelSpectrogram()(x)",
    x,
    T.MelSpectrogram()(torch.from_numpy(x)).numpy(),
)
xb = signal((2, 6000), 16000, gains=[1.0, 0.05])
add(
    "torchaudio_batch",
    "power",
    "torchaudio",
    {},
    "torchaudio.transforms.MelSpectrogram()(x)  # x: (2, n)",
    xb,
    T.MelSpectrogram()(torch.from_numpy(xb)).numpy(),
)
kw = dict(
    sample_rate=16000,
    n_fft=512,
    win_length=400,
    hop_length=160,
    n_mels=80,
    f_min=20.0,
    f_max=7600.0,
    norm="slaney",
    mel_scale="slaney",
)
fm = dict(
    fft_length=512,
    sequence_length=400,
    sequence_stride=160,
    num_mel_bins=80,
    min_freq=20.0,
    max_freq=7600.0,
    norm="slaney",
    mel_scale="slaney",
)
add(
    "torchaudio_slaney",
    "power",
    "torchaudio",
    fm,
    f"torchaudio.transforms.MelSpectrogram(**{kw})(x)",
    x,
    T.MelSpectrogram(**kw)(torch.from_numpy(x)).numpy(),
)
add(
    "torchaudio_constant_pad",
    "power",
    "torchaudio",
    {"pad_mode": "constant"},
    "torchaudio.transforms.MelSpectrogram(pad_mode='constant')(x)",
    x,
    T.MelSpectrogram(pad_mode="constant")(torch.from_numpy(x)).numpy(),
)
add(
    "torchaudio_center_false",
    "power",
    "torchaudio",
    {"center": False},
    "torchaudio.transforms.MelSpectrogram(center=False)(x)",
    x,
    T.MelSpectrogram(center=False)(torch.from_numpy(x)).numpy(),
)
# AmplitudeToDB on 4-D input (batch, channel, mel, time) floors each batch item
# against its own maximum: fastmel's top_db_scope="example".
xe = signal((3, 1, 6000), 16000, gains=[1.0, 0.01, 1e-4])
mel = T.MelSpectrogram()(torch.from_numpy(xe))
add(
    "torchaudio_db_per_example",
    "db",
    "torchaudio",
    {"power_to_db": True, "top_db": 80.0, "top_db_scope": "example"},
    "AmplitudeToDB(stype='power', top_db=80)(MelSpectrogram()(x))  # x: (3, 1, n)",
    xe,
    T.AmplitudeToDB(stype="power", top_db=80.0)(mel).numpy(),
)
for norm in (None, "slaney"):
    for scale in ("htk", "slaney"):
        kw = dict(
            n_freqs=257,
            f_min=30.0,
            f_max=7000.0,
            n_mels=48,
            sample_rate=16000,
            norm=norm,
            mel_scale=scale,
        )
        fm = dict(
            fft_length=512,
            min_freq=30.0,
            max_freq=7000.0,
            num_mel_bins=48,
            norm=norm,
            mel_scale=scale,
        )
        add(
            f"torchaudio_filters_{scale}_{norm}",
            "filters",
            "torchaudio",
            fm,
            f"torchaudio.functional.melscale_fbanks(**{kw})",
            None,
            torchaudio.functional.melscale_fbanks(**kw).numpy(),
        )

# -- whisper -------------------------------------------------------------------
x = signal((16000,), 16000)
for n_mels, preset in ((80, "whisper"), (128, "whisper-128")):
    add(
        f"whisper_{n_mels}",
        "whisper",
        preset,
        {},
        f"whisper.log_mel_spectrogram(x, n_mels={n_mels})",
        x,
        whisper.log_mel_spectrogram(torch.from_numpy(x), n_mels=n_mels).numpy(),
    )
xb = signal((2, 8000), 16000, gains=[1.0, 1e-3])
add(
    "whisper_batch",
    "whisper",
    "whisper",
    {},
    "whisper.log_mel_spectrogram(x)  # x: (2, n)",
    xb,
    whisper.log_mel_spectrogram(torch.from_numpy(xb)).numpy(),
)
xs = signal((1000,), 16000)
add(
    "whisper_short",
    "whisper",
    "whisper",
    {},
    "whisper.log_mel_spectrogram(x)  # 1000 samples",
    xs,
    whisper.log_mel_spectrogram(torch.from_numpy(xs)).numpy(),
)

# -- torchaudio, batch x channel with a quiet channel (added last: the cases above
# draw the same random numbers as before) ------------------------------------------
# AmplitudeToDB on (batch, channel, mel, time) takes one maximum per batch item over
# its channels: the quiet channel (-60 dB) is floored against its loud neighbour.
# fastmel's top_db_scope="channels".
xc = signal((2, 2, 6000), 16000) * np.array([[1.0], [1e-3]], dtype=np.float32)
xc[1] *= np.float32(0.1)  # the second item quieter as a whole
mel = T.MelSpectrogram()(torch.from_numpy(xc))
add(
    "torchaudio_db_channels",
    "db",
    "torchaudio",
    {"power_to_db": True, "top_db": 80.0, "top_db_scope": "channels"},
    "AmplitudeToDB(stype='power', top_db=80)(MelSpectrogram()(x))  # x: (2, 2, n)",
    xc,
    T.AmplitudeToDB(stype="power", top_db=80.0)(mel).numpy(),
)

# -- write -----------------------------------------------------------------------
meta = {
    "versions": {
        "librosa": librosa.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "whisper": getattr(whisper, "__version__", "unknown"),
        "numpy": np.__version__,
    },
    "cases": {},
}
arrays = {}
for name, c in cases.items():
    meta["cases"][name] = {k: c[k] for k in ("kind", "preset", "overrides", "call")}
    if c["x"] is not None:
        arrays[f"{name}/x"] = c["x"]
    arrays[f"{name}/y"] = c["y"]
np.savez_compressed(HERE / "peer_golden.npz", meta=json.dumps(meta, indent=1), **arrays)
print(f"wrote {len(cases)} cases to {HERE / 'peer_golden.npz'}")
