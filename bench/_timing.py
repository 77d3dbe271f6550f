"""Timing shared by the benchmark scripts of bench/."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any

import numpy as np


def timed_together(fns: dict[str, Any], budget: float) -> dict[str, float]:
    """Median seconds per call of each function, timed in interleaved rounds (every
    function once per round, in a shuffled order, at least 5 rounds and ``budget``
    seconds per function), so that a busy spell of a shared machine hits all of
    them alike and none always runs right after the same other one (a call right
    after a torch or JAX call can be slower while their threads wind down)."""
    for fn in fns.values():
        fn()  # warm-up (plans, caches)
    times: dict[str, list[float]] = {name: [] for name in fns}
    spent = 0.0
    order = np.random.default_rng(0)
    while min(len(t) for t in times.values()) < 5 or spent < budget * len(fns):
        for name in order.permutation(list(fns)):
            t0 = time.perf_counter()
            fns[name]()
            dt = time.perf_counter() - t0
            times[name].append(dt)
            spent += dt
    return {name: float(np.median(t)) for name, t in times.items()}


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS (NumPy's matmul, which librosa and transformers' NumPy paths
    use) to one thread, if threadpoolctl is there: one-thread rows are then one
    thread for everybody, and no BLAS helper spins on the other core after a call."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print(
            "note: threadpoolctl is not installed, so BLAS calls in the NumPy reference and "
            "librosa keep their default threads (pip install threadpoolctl)",
            file=sys.stderr,
        )
        return contextlib.nullcontext()
    return threadpool_limits(1)
