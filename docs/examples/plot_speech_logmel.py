"""
A log-mel spectrogram of speech
===============================

The features most speech models read: 80 mel bands of 25 ms frames every
10 ms, in dB, the quietest 80 dB below the loudest. One call computes them
from the clip's samples.
"""

import matplotlib.pyplot as plt
from _clips import speech

import fastmel

audio, rate = speech()
layer = fastmel.MelSpectrogram(
    sampling_rate=rate,
    fft_length=512,
    sequence_length=400,
    sequence_stride=160,
    num_mel_bins=80,
    min_freq=20.0,
    max_freq=rate / 2,
)
features = layer(audio)
print(f"{audio.size / rate:.2f} s of audio -> {features.shape} (bands, frames)")

# %%
# Each band's centre frequency labels the vertical axis: the bank's triangles,
# which the layer's options define, place them on the mel scale.

bank = fastmel.linear_to_mel_weight_matrix(80, 257, rate, 20.0, rate / 2)
centres = bank.argmax(axis=0) * rate / 512
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
image = ax.imshow(
    features,
    origin="lower",
    aspect="auto",
    cmap="magma",
    extent=(0, features.shape[1] * 160 / rate, 0, 80),
)
ticks = [0, 20, 40, 60, 79]
ax.set_yticks(ticks, [f"{centres[t]:.0f}" for t in ticks])
ax.set_xlabel("time (s)")
ax.set_ylabel("band centre (Hz)")
ax.set_title("fastmel.MelSpectrogram: 80 bands, 25 ms / 10 ms")
fig.colorbar(image, ax=ax, label="dB")
plt.show()

# %%
# The same clip through the presets of other packages: librosa's defaults
# (2048-point frames every 512 samples, Slaney's mel scale and
# normalisation) and Whisper's (log10 units, 8 dB of range).

for name in ("librosa", "whisper"):
    other = fastmel.MelSpectrogram.from_preset(name, sampling_rate=rate)
    out = other(audio)
    print(f"{name:>8}: {out.shape}, from {out.min():.2f} to {out.max():.2f}")
