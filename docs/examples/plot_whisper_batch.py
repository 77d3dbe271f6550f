"""
Whisper features of a batch
===========================

``fastmel.transformers.WhisperFeatureExtractor`` is transformers'
``WhisperFeatureExtractor`` with the same keywords and outputs. A batch is a
list of clips of any lengths; each is padded to 30 s (Whisper's input) or, as
Qwen3-Omni calls it, to the longest clip, with an attention mask.
"""

import matplotlib.pyplot as plt
import numpy as np
from _clips import speech

import fastmel.transformers as ft

audio, rate = speech()
clips = [audio, audio[:rate], 0.01 * np.random.default_rng(0).standard_normal(rate // 2)]
extractor = ft.WhisperFeatureExtractor()
out = extractor(clips, sampling_rate=rate, return_tensors="np")
print("padded to 30 s:", out["input_features"].shape)

longest = extractor(
    clips,
    sampling_rate=rate,
    padding="longest",
    truncation=False,
    return_attention_mask=True,
    return_tensors="np",
)
print("padded to the longest clip:", longest["input_features"].shape)
print("frames of each clip:", longest["attention_mask"].sum(axis=1))

# %%
# The padded features are Whisper's log-mel of zeros past each clip's end:
# the mask says which frames are the clip's own.

fig, axes = plt.subplots(3, 1, figsize=(8, 6), layout="constrained", sharex=True)
titles = ("3.9 s of speech", "its first second", "0.5 s of quiet noise")
for ax, feats, mask, title in zip(
    axes, longest["input_features"], longest["attention_mask"], titles, strict=True
):
    ax.imshow(feats, origin="lower", aspect="auto", cmap="magma", vmin=-1.5, vmax=1.5)
    ax.axvline(mask.sum() - 0.5, color="cyan", lw=1)
    ax.set_title(f"{title}: {mask.sum()} frames", fontsize=9)
    ax.set_ylabel("mel bin")
axes[-1].set_xlabel("frame (10 ms); cyan: the end of the mask")
plt.show()
