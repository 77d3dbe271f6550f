"""Test signals shared by the golden-data scripts of tests/data (their
generators only; each script seeds its own generator, so its inputs do not
depend on the other's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def signals(rng: np.random.Generator, sr: int = 16000) -> tuple[Callable[..., Any], ...]:
    """``speechy``, ``periodic`` and ``mixed``, drawing their noise from ``rng``."""

    def speechy(n, amp=0.3, sr=sr):
        """Harmonic tone with a wandering pitch, amplitude envelope and a little noise."""
        t = np.arange(n) / sr
        f0 = 140.0 + 40.0 * np.sin(2 * np.pi * 0.7 * t)
        phase = 2 * np.pi * np.cumsum(f0) / sr
        tone = sum(np.sin(k * phase) / k for k in range(1, 8))
        env = 0.55 + 0.45 * np.sin(2 * np.pi * 3.1 * t) ** 2
        return (amp * env * tone + 0.01 * rng.standard_normal(n)).astype(np.float32)

    def periodic(n, amp=0.2):
        """Exactly 160-periodic (100 Hz and harmonics): identical frames, so it compresses well."""
        period = np.arange(160) / 160.0
        one = sum(np.sin(2 * np.pi * k * period + k) / k for k in range(1, 12))
        return (amp * np.tile(one, n // 160 + 1)[:n]).astype(np.float32)

    def mixed(n, speech, amp=0.3):
        """Periodic background, speech-like over the first ``speech`` samples."""
        x = periodic(n)
        x[:speech] += speechy(speech, amp)
        return x

    return speechy, periodic, mixed
