"""
Kaldi filter banks against torchaudio
=====================================

``fastmel.kaldi.fbank`` takes ``torchaudio.compliance.kaldi.fbank``'s keywords
and gives its features. Here both are computed on the same samples: the
torchaudio 2.11 result comes from the golden file the test suite checks
against (``tests/data/kaldi_golden.npz``, made by
``tests/data/make_kaldi_golden.py``), so the page builds without torch.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fastmel.kaldi

# The examples run from docs/examples/ when the site is built.
GOLDEN = Path.cwd().parents[1] / "tests" / "data" / "kaldi_golden.npz"

with np.load(GOLDEN) as golden:
    case = json.loads(str(golden["meta"]))["cases"]["fbank_80"]
    waveform = golden[f"inputs/{case['x']}"]  # (1, 8000): int16-sized samples
    torchaudio_fbank = golden["fbank_80/y"]  # torchaudio, float32
    torchaudio_fbank64 = golden["fbank_80/y64"]  # torchaudio, the same call in float64

ours = fastmel.kaldi.fbank(waveform, **case["kwargs"])
print(f"keywords {case['kwargs']}: fastmel {ours.shape}, torchaudio {torchaudio_fbank.shape}")
print(f"largest difference: {np.abs(ours - torchaudio_fbank).max():.2e}")
print(f"torchaudio's own float32 error: {np.abs(torchaudio_fbank - torchaudio_fbank64).max():.2e}")
print(f"fastmel's float32 error: {np.abs(ours - torchaudio_fbank64).max():.2e}")

# %%
# Both are natural-log mel energies, frames first. The differences are
# float32 rounding: torchaudio builds its bank in float32, fastmel in float64,
# and neither is farther from torchaudio's float64 result than the other.

fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained", sharey=True)
for ax, data, title in (
    (axes[0], ours.T, "fastmel.kaldi.fbank"),
    (axes[1], torchaudio_fbank.T, "torchaudio.compliance.kaldi.fbank"),
):
    image = ax.imshow(data, origin="lower", aspect="auto", cmap="viridis")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("frame")
fig.colorbar(image, ax=axes[:2], label="log energy")
diff = axes[2].imshow(
    np.abs(ours - torchaudio_fbank).T, origin="lower", aspect="auto", cmap="gray_r"
)
axes[2].set_title("|difference|", fontsize=9)
axes[2].set_xlabel("frame")
axes[0].set_ylabel("mel bin")
fig.colorbar(diff, ax=axes[2], format="%.0e")
plt.show()
