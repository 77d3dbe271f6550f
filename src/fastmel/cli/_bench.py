"""``fastmel bench``: the standard workloads timed through the public API only."""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from .. import MelSpectrogram, __version__, show_config

RATE = 16000
# name: (batch, seconds, fft_length, sequence_length, stride, mels): the standard workloads.
WORKLOADS = {
    "keras_default": (16, 10.0, 2048, 2048, 512, 128),
    "speech_25ms": (16, 10.0, 512, 400, 160, 80),
    "whisper_400": (16, 10.0, 400, 400, 160, 80),
    "latency_1s": (1, 1.0, 512, 400, 160, 80),
}


def _median_seconds(fn, x, budget):
    fn(x)  # warm-up
    times: list[float] = []
    spent = 0.0
    while len(times) < 5 or spent < budget:
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return statistics.median(times)


def main(budget=0.5):
    info = show_config()
    print(f"fastmel {__version__}, {os.cpu_count()} CPUs\n")
    print("| workload | threads | s/call | x realtime |")
    print("|---|---|---|---|")
    rng = np.random.default_rng(0)
    for name, (batch, seconds, n, length, hop, mels) in WORKLOADS.items():
        shape = (batch, int(seconds * RATE)) if batch > 1 else (int(seconds * RATE),)
        x = rng.standard_normal(shape).astype(np.float32)
        layer = MelSpectrogram(
            fft_length=n, sequence_length=length, sequence_stride=hop, num_mel_bins=mels
        )
        for threads in (1, -1):
            sec = _median_seconds(lambda a, f=layer, t=threads: f(a, num_threads=t), x, budget)
            label = "1" if threads == 1 else "all"
            print(f"| {name} | {label} | {sec:.3g} | {batch * seconds / sec:,.0f} |")
    print(
        f"\n(medians; kernel {info['kernel']}. The comparison with the FFTs alone, NumPy "
        "and the peers: python bench/bench.py in fastmel's source tree)"
    )
    return 0
