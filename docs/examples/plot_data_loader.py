"""
A data loader on threads
========================

A training data loader reads clips and computes their features on a pool of
threads, all sharing one front end: fastmel releases the GIL while it
computes, so the threads can use every core without processes or copies of
the front end. Here the clips are synthetic and the loader is a
``ThreadPoolExecutor``; with PyTorch, the same call goes in a ``Dataset``'s
``__getitem__``. The figures below were measured while this page was built,
on whatever else the building machine was running at the time; on an
otherwise idle 2-core machine, two threads give 1.9-2.0x one thread
(``bench/frontends.txt``: two threads sharing one front end, 2.00x).
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt
import numpy as np

import fastmel

rng = np.random.default_rng(0)
clips = [rng.standard_normal(int(16000 * s)).astype(np.float32) for s in rng.uniform(2, 15, 96)]
front_end = fastmel.MelSpectrogram.from_preset("whisper")  # one object, shared


def load(i: int) -> np.ndarray:
    """What a Dataset's __getitem__ does: fetch clip i, return its features."""
    return front_end(clips[i])


def throughput(workers: int) -> float:
    """Audio seconds per wall second over the whole set (best of 3 passes)."""
    best = np.inf
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in range(3):
            start = time.perf_counter()
            list(pool.map(load, range(len(clips))))
            best = min(best, time.perf_counter() - start)
    return sum(c.size for c in clips) / 16000 / best


cores = os.cpu_count() or 1
counts = sorted({1, 2, cores})
rates = [throughput(n) for n in counts]
for n, r in zip(counts, rates, strict=True):
    print(f"{n} thread(s): {r:,.0f}x realtime ({r / rates[0]:.2f}x one thread)")

# %%
# Every thread's features are those of a call on its own: the result of a
# front end never depends on which thread calls it or what runs beside it.

with ThreadPoolExecutor(max_workers=cores) as pool:
    batch = list(pool.map(load, range(len(clips))))
print(
    "identical to one-thread calls:", all(np.array_equal(b, load(i)) for i, b in enumerate(batch))
)

fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
ax.bar(range(len(counts)), rates, color="tab:blue", tick_label=[str(n) for n in counts])
ax.set_xlabel("loader threads sharing one front end")
ax.set_ylabel("x realtime")
ax.set_title(f"Whisper log-mel of 96 clips, {cores} cores")
plt.show()
