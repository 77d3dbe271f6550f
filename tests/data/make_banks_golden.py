"""Regenerate banks_golden.npz: filter banks from the real transformers, torchaudio and librosa.

    python tests/data/make_banks_golden.py

Run in a venv of its own (/work/refvenv, outside the repo) holding transformers 5.23.0
(only transformers.audio_utils is imported), librosa 0.11.0, numpy 2.4.6, torch
2.13.0+cpu and torchaudio 2.11.0 (see make_frames_golden.py for how torchaudio is
installed there; torchaudio.functional's filter banks are pure Python over torch).
torch runs on one thread. The tests only read the .npz.

Per case NAME the file holds NAME/y, the reference's bank as it returns it (dtype
kept). One JSON string, meta, maps each case name to {"fn": the call as text, "kind":
"tf_mel" | "ta_mel" | "ta_linear" | "tf_chroma" | "lr_chroma", "params": the keyword
arguments (dtype as its name, weighting_parameters as a list, librosa's norm inf as
Python's json writes it, Infinity), "warns": whether the reference warned that a
filter is all zero}.
A second JSON string, errors, lists the reference calls that raise (not stored as
cases): [{"kind", "params", "error": "Type: message"}].

The cases: transformers' mel_filter_bank for every mel scale x norm x
triangularize_in_mel_space x dtype, over FFT lengths 256, 400, 512, 1023 (odd: its bins
are linspace(0, sr // 2, n), not the FFT's) and 1024, 1 to 128 filters (128 at 16 kHz
leaves HTK bands empty, and it warns), edges at 0, at Nyquist, between bins and above
Nyquist, rates 8000 to 44100; torchaudio's melscale_fbanks for both scales and norms
with n_mels + 2 below, at and above multiples of 16 (torch's vector loop does blocks
of 16 float32, the rest is scalar code) and linear_fbanks; transformers'
chroma_filter_bank and librosa's filters.chroma with tunings -0.5, 0 and 0.3, 7, 12
and 24 chroma, both starting chroma, every norm, with and without the octave
weighting, odd and even FFT lengths, float32 and float64.

Facts read from the installed sources
-------------------------------------
transformers/audio_utils.py (5.23.0):
  hertz_to_mel: htk 2595 log10(1 + f / 700); kaldi 1127 ln(1 + f / 700); slaney
    3 f / 200, and from 1000 Hz 15 + ln(f / 1000) * (27 / ln 6.4) (np.log; on the
    selected elements of an array). mel_to_hertz: htk 700 (10 ** (m / 2595) - 1)
    (np.power(10, ...)); kaldi 700 (exp(m / 1127) - 1); slaney 200 m / 3, and from 15
    mel 1000 exp(ln 6.4 / 27 * (m - 15)). Another scale raises ValueError.
  _create_triangular_filter_bank(fft_freqs, filter_freqs): d = diff(filter_freqs);
    slopes = filter_freqs[None] - fft_freqs[:, None]; max(zeros(1),
    min(-slopes[:, :-2] / d[:-1], slopes[:, 2:] / d[1:])), float64.
  mel_filter_bank(num_frequency_bins, num_mel_filters, min_frequency, max_frequency,
    sampling_rate, norm=None, mel_scale="htk", triangularize_in_mel_space=False,
    dtype=np.float64): raises ValueError if norm is not None/"slaney", if
    num_frequency_bins < 2, if min_frequency > max_frequency (equal is accepted, and
    gives NaN). Edges linspace(mel(min), mel(max), n + 2) in mel; in Hz space the bins
    are linspace(0, sampling_rate // 2, num_frequency_bins) and the edges mel_to_hertz
    of them; in mel space the bins are hertz_to_mel(sampling_rate / ((n - 1) * 2) *
    arange(n)) and the edges stay in mel. The bank is cast with .astype(dtype,
    copy=False), THEN (slaney norm) multiplied in place by 2 / (edge[m + 2] - edge[m])
    (in mel in mel space). It warns (warnings.warn, UserWarning) "At least one mel
    filter has all zero values..." when a column's max is 0; it does not raise.
  chroma_filter_bank(num_frequency_bins, num_chroma, sampling_rate, tuning=0.0,
    power=2.0, weighting_parameters=(5.0, 2.0), start_at_c_chroma=True): no
    validation; num_frequency_bins is the FFT length (bins linspace(0, sr, n,
    endpoint=False)); returns float64 (num_chroma, int(1 + n / 2)), chroma along the
    rows; the columns are divided by sum(w ** power) ** (1 / power). Otherwise the
    operations of librosa's filters.chroma, in the same order.
torchaudio/functional/functional.py (2.11.0):
  melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm=None,
    mel_scale="htk"): ValueError for another norm or scale ("htk", "slaney" only);
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs); _hz_to_mel in Python
    math; m_pts = torch.linspace(m_min, m_max, n_mels + 2) (float32); _mel_to_hz in
    float32 (htk: 700 * (10.0 ** (m / 2595) - 1); slaney: 0 + 200/3 * m, and
    1000 * torch.exp(ln 6.4 / 27 * (m - 15)) from 15 mel); triangles as transformers'
    with torch.max(torch.zeros(1), ...); slaney norm: fb *= 2.0 / (f[2:] - f[:-2]),
    where 2.0 / t is t.reciprocal() * 2.0. Warns "At least one mel filterbank has all
    zero values..." (UserWarning) when a column's max is 0.
  linear_fbanks(n_freqs, f_min, f_max, n_filter, sample_rate): edges
    torch.linspace(f_min, f_max, n_filter + 2), the same triangles; no warning.
librosa/filters.py chroma (0.11.0), keyword-only: (*, sr, n_fft, n_chroma=12,
  tuning=0.0, ctroct=5.0, octwidth=2, norm=2, base_c=True, dtype=np.float32); float64
  throughout, librosa.util.normalize(wts, norm=norm, axis=0) (threshold: the smallest
  normal float64, columns below it left as they are; norm None, inf, -inf, 0 or > 0,
  another raises ParameterError), the octave weighting unless octwidth is None, roll
  by -3 (n_chroma // 12) rows if base_c, cast to dtype last. n_fft = 1 raises
  IndexError (no bin above DC).
"""

import json
import pathlib
import warnings

import librosa
import numpy as np
import torch
import torchaudio.functional as F
from transformers.audio_utils import chroma_filter_bank, mel_filter_bank

torch.set_num_threads(1)
HERE = pathlib.Path(__file__).parent
cases = {}
errors = []


REFERENCES = {
    "tf_mel": ("transformers.audio_utils.mel_filter_bank", mel_filter_bank),
    "ta_mel": ("torchaudio.functional.melscale_fbanks", F.melscale_fbanks),
    "ta_linear": ("torchaudio.functional.linear_fbanks", F.linear_fbanks),
    "tf_chroma": ("transformers.audio_utils.chroma_filter_bank", chroma_filter_bank),
    "lr_chroma": ("librosa.filters.chroma", librosa.filters.chroma),
}
ARGUMENTS = {  # the names of each kind's positional values below
    "tf_mel": (
        "num_frequency_bins", "num_mel_filters", "min_frequency", "max_frequency",
        "sampling_rate", "norm", "mel_scale", "triangularize_in_mel_space", "dtype",
    ),
    "ta_mel": ("n_freqs", "f_min", "f_max", "n_mels", "sample_rate", "norm", "mel_scale"),
    "ta_linear": ("n_freqs", "f_min", "f_max", "n_filter", "sample_rate"),
    "tf_chroma": (
        "num_frequency_bins", "num_chroma", "sampling_rate", "tuning", "power",
        "weighting_parameters", "start_at_c_chroma",
    ),
    "lr_chroma": (
        "n_fft", "sr", "n_chroma", "tuning", "octwidth", "norm", "base_c", "dtype",
    ),
}  # fmt: skip


def as_json(value):
    """A parameter as meta stores it: tuples as lists, NumPy numbers as floats."""
    if isinstance(value, tuple):
        return list(value)
    return float(value) if isinstance(value, np.floating) else value


def add(name, kind, *values, **extra):
    """Call the reference on the values (named by ARGUMENTS[kind]) and keyword
    arguments; store its bank and whether it warned of an all-zero filter, or
    record its refusal in errors."""
    assert name not in cases, name
    fn_text, fn = REFERENCES[kind]
    params = dict(zip(ARGUMENTS[kind], values, strict=False), **extra)
    stored = {k: as_json(v) for k, v in params.items()}
    text = f"{fn_text}(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            y = np.asarray(fn(**params))
        except Exception as exc:  # the reference's own refusal
            error = f"{type(exc).__name__}: {exc}"
            errors.append(dict(name=name, kind=kind, params=stored, error=error))
            print(f"raised (not stored): {text}: {error}")
            return
    warns = any("all zero values" in str(w.message) for w in caught)
    cases[name] = dict(kind=kind, fn=text, params=stored, warns=warns, y=y)


# -- (a) transformers.audio_utils.mel_filter_bank --------------------------------------
TF_CONFIGS = [  # (n_fft, n_mels, min Hz, max Hz, rate)
    (400, 80, 0.0, 8000.0, 16000),  # Whisper
    (512, 40, 20.0, 8000.0, 16000),
    (1023, 128, 0.0, 11025.0, 22050),  # odd n_fft, up to Nyquist
    (400, 128, 0.0, 8000.0, 16000),  # 128 at 16 kHz: HTK's lowest bands are empty
    (256, 1, 300.0, 3400.0, 8000),  # one filter
    (1024, 80, 133.33, 6855.4976, 44100),  # Slaney's toolbox range, edges between bins
]
i = 0
for scale in ("htk", "slaney", "kaldi"):
    for norm in (None, "slaney"):
        for in_mel in (False, True):
            for dtype in ("float64", "float32"):
                n_fft, *config = TF_CONFIGS[i % len(TF_CONFIGS)]
                i += 1
                tag = f"{scale}_{norm or 'none'}_{'mel' if in_mel else 'hz'}_{dtype}"
                name = f"tf_mel_{tag}_{n_fft}_{config[0]}_{config[3]}"
                add(name, "tf_mel", n_fft // 2 + 1, *config, norm, scale, in_mel, dtype)
# Above Nyquist (empty top filters, a warning), the bank of Whisper-large (128 Slaney),
# Parakeet's float32 bank, edges between bins in mel space, an odd FFT in float32.
add("tf_mel_above_nyquist_htk", "tf_mel", 257, 40, 0.0, 8000.0, 8000, None, "htk", False)
add("tf_mel_whisper128", "tf_mel", 201, 128, 0.0, 8000.0, 16000, "slaney", "slaney", False)
add("tf_mel_parakeet", "tf_mel", 257, 80, 0.0, 8000.0, 16000, "slaney", "slaney", False,
    "float32")  # fmt: skip
add("tf_mel_kaldi_mel_between_bins", "tf_mel", 201, 23, 64.2, 7777.7, 16000, "slaney", "kaldi",
    True, "float32")  # fmt: skip
add("tf_mel_odd_slaney_f32", "tf_mel", 512, 64, 55.5, 10000.0, 22050, "slaney", "slaney", False,
    "float32")  # fmt: skip
# Refused by transformers (ValueError): recorded in errors, not stored.
add("tf_mel_bad_norm", "tf_mel", 201, 80, 0.0, 8000.0, 16000, "area", "slaney")
add("tf_mel_bad_scale", "tf_mel", 201, 80, 0.0, 8000.0, 16000, None, "mel")
add("tf_mel_one_bin", "tf_mel", 1, 80, 0.0, 8000.0, 16000)
add("tf_mel_min_above_max", "tf_mel", 201, 80, 9000.0, 8000.0, 16000)


# -- (b) torchaudio.functional.melscale_fbanks and linear_fbanks -------------------------
TA_CONFIGS = [  # (n_freqs, f_min, f_max, n_mels, rate); n_mels + 2 vs blocks of 16
    (201, 0.0, 8000.0, 40, 16000),  # 42: two blocks and 10 scalar
    (257, 20.0, 8000.0, 126, 16000),  # 128: all in blocks
    (512, 0.0, 11025.0, 80, 22050),  # n_fft 1023
    (201, 0.0, 8000.0, 128, 16000),  # 130, empty bands: a warning
    (129, 0.0, 4000.0, 14, 8000),  # 16: one block
    (1025, 133.33, 20000.5, 1, 44100),  # 3 edges, all scalar
    (513, 55.5, 7999.9, 30, 16000),  # 32: two blocks, edges between bins
]
i = 0
for scale in ("htk", "slaney"):
    for norm in (None, "slaney"):
        for _ in range(4):
            config = TA_CONFIGS[i % len(TA_CONFIGS)]
            i += 1
            name = f"ta_mel_{scale}_{norm or 'none'}_{config[0]}_{config[3]}_{config[4]}"
            add(name, "ta_mel", *config, norm, scale)
# Slaney edges below 1 kHz only (the linear part: no torch.exp, so bit for bit).
add("ta_mel_slaney_below_1k", "ta_mel", 257, 0.0, 999.0, 24, 16000, None, "slaney")
add("ta_mel_slaney_slaney_below_1k", "ta_mel", 513, 50.0, 1000.0, 40, 22050, "slaney", "slaney")
add("ta_mel_bad_scale", "ta_mel", 201, 0.0, 8000.0, 40, 16000, None, "kaldi")
add("ta_mel_bad_norm", "ta_mel", 201, 0.0, 8000.0, 40, 16000, "area", "htk")

for config in [
    (201, 0.0, 8000.0, 40, 16000),
    (257, 100.5, 3999.9, 14, 8000),
    (512, 0.0, 22050.0, 1, 44100),
    (513, 20.0, 11025.0, 62, 22050),
]:
    add(f"ta_linear_{config[0]}_{config[3]}_{config[4]}", "ta_linear", *config)


# -- (c) chroma: transformers.audio_utils.chroma_filter_bank, librosa.filters.chroma -----
for config in [  # (n_fft, n_chroma, rate, tuning, power, weighting, start at C)
    (2048, 12, 22050, 0.0, 2.0, (5.0, 2.0), True),  # the defaults
    (1023, 12, 16000, -0.5, 2.0, (5.0, 2.0), False),
    (512, 24, 44100, 0.3, 1.0, (4.5, 1.5), True),
    (400, 12, 8000, 0.3, None, None, True),
    (511, 7, 22050, 0.0, 2.0, (5.0, 2.0), True),  # odd n_chroma: round(3.5) = 4
    (1024, 24, 16000, -0.5, None, (5.0, 2.0), False),
]:
    add("tf_chroma_{}_{}_{}_{}_{}".format(*config), "tf_chroma", *config)

for config in [  # (n_fft, sr, n_chroma, tuning, octwidth, norm, base_c, dtype)
    (2048, 22050, 12, 0.0, 2, 2, True, "float32"),  # the defaults
    (1023, 16000, 12, -0.5, 2, 1, False, "float32"),
    (512, 44100, 24, 0.3, None, np.inf, True, "float64"),
    (400, 8000, 12, 0.0, 2, None, False, "float64"),
    (511, 22050, 24, -0.5, 1.5, 2, True, "float64"),
    (256, 16000, 12, 0.3, 2, -np.inf, True, "float32"),
    (256, 16000, 12, 0.0, None, 0, True, "float64"),
    (300, 8000, 7, 0.0, 2, 3.0, False, "float32"),
    (1024, 22050, 12, 0.3, 2, 2, False, "float64"),
]:
    name = "lr_chroma_{}_{}_{}_{}_{}_{}".format(*config[:4], config[5], config[7])
    add(name, "lr_chroma", *config, ctroct=5.0)
add("lr_chroma_bad_norm", "lr_chroma", 2048, 22050, norm=-1.0)
add("lr_chroma_bad_n_fft", "lr_chroma", 1, 22050)

# -- write -------------------------------------------------------------------------------
meta = {name: {k: c[k] for k in ("kind", "fn", "params", "warns")} for name, c in cases.items()}
arrays = {f"{name}/y": c["y"] for name, c in cases.items()}
np.savez_compressed(
    HERE / "banks_golden.npz",
    meta=np.array(json.dumps(meta, indent=1)),
    errors=np.array(json.dumps(errors, indent=1)),
    **arrays,
)
print(f"wrote {len(cases)} cases and {len(errors)} refusals to {HERE / 'banks_golden.npz'}")
