"""``fastmel demo``: synthesise a clip, compute its mel spectrogram, show and plot it."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

import numpy as np

from .._layer import MelSpectrogram

# Shades from quiet to loud for the terminal picture.
_SHADES = " .:-=+*#%@"


def synth_clip(seconds: float = 3.0, sampling_rate: int = 16000, seed: int = 0) -> np.ndarray:
    """A test clip: a rising chirp, then a voiced vowel-like sound, then noise.

    The vowel is a 120 Hz glottal pulse train shaped by three formant
    resonances (roughly /a/: 700, 1200, 2600 Hz), so a mel spectrogram shows a
    sweep, harmonics with formant bands, and a broadband burst.
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * sampling_rate)
    t = np.arange(n) / sampling_rate
    third = n // 3
    out = np.zeros(n)
    # 1. chirp 100 Hz -> 6 kHz over the first third (exponential sweep).
    tc = t[:third]
    f0, f1, dur = 100.0, 6000.0, tc[-1] if third > 1 else 1.0
    k = np.log(f1 / f0) / dur
    out[:third] = 0.5 * np.sin(2 * np.pi * f0 * (np.exp(k * tc) - 1) / k)
    # 2. vowel: pulse train through resonators (second-order IIR per formant).
    m = third
    pulses = np.zeros(m)
    pulses[:: int(sampling_rate / 120)] = 1.0
    voiced = pulses
    for freq, bw in ((700, 130), (1200, 70), (2600, 160)):
        r = np.exp(-np.pi * bw / sampling_rate)
        a1, a2 = -2 * r * np.cos(2 * np.pi * freq / sampling_rate), r * r
        y = np.zeros(m)
        for i in range(m):  # small loop: 1 s of audio
            y[i] = voiced[i] - a1 * (y[i - 1] if i else 0) - a2 * (y[i - 2] if i > 1 else 0)
        voiced = y
    out[third : 2 * third] = 0.5 * voiced / np.abs(voiced).max()
    # 3. a burst of noise, fading out.
    rest = n - 2 * third
    out[2 * third :] = 0.2 * rng.standard_normal(rest) * np.linspace(1, 0, rest)
    return out.astype(np.float32)


def _even_bins(n: int, parts: int) -> list[np.ndarray]:
    """Indices 0..n-1 in ``parts`` consecutive groups whose starts are evenly spaced
    (i * n / parts), so that an axis keeps its scale (np.array_split front-loads
    the longer groups)."""
    edges = (np.arange(parts + 1) * n) // parts
    return [np.arange(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def render(mel_db: np.ndarray, width: int = 72, height: int = 24) -> list[str]:
    """The (mels, frames) dB array as text rows, low frequencies at the bottom."""
    mels, frames = mel_db.shape
    cols = _even_bins(frames, min(width, frames))
    rows = _even_bins(mels, min(height, mels))
    img = np.array([[mel_db[np.ix_(r, c)].max() for c in cols] for r in rows])
    lo, hi = img.min(), img.max()
    level = (
        np.zeros_like(img, dtype=int)
        if hi == lo
        else ((img - lo) / (hi - lo) * (len(_SHADES) - 1)).round().astype(int)
    )
    return ["".join(_SHADES[v] for v in row) for row in level[::-1]]


def main(output: str | None = None, out: TextIO | None = None) -> int:
    """Run the demo; write the picture to ``output`` (a PNG path) unless None."""
    out = sys.stdout if out is None else out
    layer = MelSpectrogram()  # Keras defaults: 2048-point FFT, hop 512, 128 mels, dB
    clip = synth_clip()
    layer(clip[:2048])  # warm up page tables and caches
    t0 = time.perf_counter()
    mel = layer(clip)
    elapsed = time.perf_counter() - t0
    seconds = clip.size / layer.sampling_rate
    print(
        f"fastmel demo: {layer!r} on a synthetic {seconds:.1f} s clip (chirp, vowel, noise burst)",
        file=out,
    )
    print(f"  input  {clip.shape} {clip.dtype}", file=out)
    print(
        f"  output {mel.shape} {mel.dtype} (mel bands x frames), "
        f"{mel.min():.1f} .. {mel.max():.1f} dB",
        file=out,
    )
    print(
        f"  time   {elapsed * 1e3:.2f} ms ({seconds / elapsed:,.0f}x realtime, one thread)",
        file=out,
    )
    print("", file=out)
    top = f"{layer.max_freq} Hz"
    lines = render(mel)
    for i, line in enumerate(lines):
        label = top if i == 0 else (f"{layer.min_freq:g} Hz" if i == len(lines) - 1 else "")
        print(f"{label:>9} |{line}|", file=out)
    print(f"{'':>9}  0 s{'':{max(0, len(lines[0]) - 8)}}{seconds:.0f} s", file=out)
    if output is None:
        return 0
    try:
        from ._plot import describe, save_png

        save_png(mel, layer, output, title=f"fastmel demo (chirp, vowel, noise): {describe(layer)}")
    except ImportError as e:
        print(f"\nno picture: {e}", file=out)
        return 0
    print(f"\npicture: {os.path.abspath(output)}", file=out)
    return 0
