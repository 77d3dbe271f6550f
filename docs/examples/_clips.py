"""What the gallery's examples share: the speech clip, read without extras."""

import wave
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


def speech() -> tuple[np.ndarray, int]:
    """The gallery's speech clip as float32 samples in [-1, 1), and its rate."""
    with wave.open(str(DATA / "speech.wav")) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0, rate
