"""Argument sets that reproduce what other packages compute.

Each preset is a plain dict of :class:`~fastmel.MelSpectrogram` arguments;
``MelSpectrogram.from_preset(name, **overrides)`` builds a layer from it.
The tests compare every preset with golden arrays made by the real package
(``tests/data/make_peer_golden.py``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

__all__ = ["PRESETS", "PresetName"]

# The names ``MelSpectrogram.from_preset`` takes.
PresetName = Literal["keras", "librosa", "torchaudio", "whisper", "whisper-128"]

_KERAS: dict[str, object] = {}

# librosa.feature.melspectrogram(y=y, sr=22050) -> librosa.power_to_db(S)
# (librosa 0.10+ defaults: n_fft 2048, hop 512, Hann, centred with zero
# padding, power 2, 128 Slaney bands 0 .. sr/2 with Slaney area
# normalisation; power_to_db: ref 1, amin 1e-10, top_db 80 over the whole
# array).
_LIBROSA = dict(
    fft_length=2048,
    sequence_stride=512,
    sampling_rate=22050,
    num_mel_bins=128,
    min_freq=0.0,
    max_freq=None,
    mel_scale="slaney",
    norm="slaney",
    pad_mode="constant",
)

# torchaudio.transforms.MelSpectrogram() (sample_rate 16000, n_fft 400,
# hop 200 = win_length // 2, Hann, centred with reflect padding, power 2,
# 128 HTK bands 0 .. sr/2 with triangles in Hz, no normalisation); it
# returns power, so no log.
_TORCHAUDIO = dict(
    fft_length=400,
    sequence_stride=200,
    sampling_rate=16000,
    num_mel_bins=128,
    min_freq=0.0,
    max_freq=None,
    mel_scale="htk",
    power_to_db=False,
)

# whisper.audio.log_mel_spectrogram(audio, n_mels) with padding=0: n_fft 400,
# hop 160, Hann, centred reflect, last frame dropped, 16 kHz, librosa's
# Slaney filters 0 .. 8000 Hz, log10(max(M, 1e-10)), max - 8 clamp over the
# whole array, then (x + 4) / 4.
_WHISPER = dict(
    fft_length=400,
    sequence_stride=160,
    sampling_rate=16000,
    num_mel_bins=80,
    min_freq=0.0,
    max_freq=None,
    mel_scale="slaney",
    norm="slaney",
    log_mode="whisper",
    top_db=80.0,
    min_power=1e-10,
    drop_last_frame=True,
)

PRESETS = MappingProxyType(
    {
        "keras": MappingProxyType(_KERAS),
        "librosa": MappingProxyType(_LIBROSA),
        "torchaudio": MappingProxyType(_TORCHAUDIO),
        "whisper": MappingProxyType(_WHISPER),
        "whisper-128": MappingProxyType(dict(_WHISPER, num_mel_bins=128)),
    }
)
