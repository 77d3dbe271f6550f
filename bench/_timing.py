"""Timing shared by the benchmark scripts of bench/."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any

import numpy as np


def timed_together(fns: dict[str, Any], budget: float, block: int = 3) -> dict[str, float]:
    """Median seconds per call of each function, timed in interleaved rounds, so
    that a busy spell of a shared machine hits all of them alike.

    Each round runs every function ``block`` times in a row, the functions in a
    shuffled order, for at least 5 rounds and ``budget`` seconds per function;
    the first call of each run is not counted. A call right after another
    library's call pays for what that call did to the process: a torch or JAX
    call leaves threads winding down, and any NumPy allocation of about 1 MB
    between two calls of torchaudio.transforms.MFCC on 16 x 10 s doubles its time
    (38.8 -> 80.4 ms here: glibc hands the freed memory back to the system, and
    torch's next call faults it in again). Counting only the calls after the
    first times every implementation in its own steady state, the state a
    program that calls one of them in a loop sees."""
    if block < 2:
        raise ValueError("block must be at least 2: the first call of a run is not counted")
    for fn in fns.values():
        fn()  # warm-up (plans, caches)
    times: dict[str, list[float]] = {name: [] for name in fns}
    spent = 0.0
    order = np.random.default_rng(0)
    while min(len(t) for t in times.values()) < 5 or spent < budget * len(fns):
        for name in order.permutation(list(fns)):
            for i in range(block):
                t0 = time.perf_counter()
                fns[name]()
                dt = time.perf_counter() - t0
                spent += dt
                if i:
                    times[name].append(dt)
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
