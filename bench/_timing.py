"""Timing shared by the benchmark scripts of bench/."""

from __future__ import annotations

import contextlib
import ctypes
import sys
import time
from typing import Any

import numpy as np


def timed_together(fns: dict[str, Any], budget: float, block: int = 3) -> dict[str, float]:
    """Median seconds per call of each function, timed in interleaved rounds, so
    that a busy spell of a shared machine hits all of them alike.

    Each round runs every function ``block`` times in a row, the functions in a
    shuffled order, for at least 5 rounds and ``budget`` seconds per function; the
    first call of each run is not counted: a call right after another library's
    call can pay for it (a torch or JAX call leaves threads winding down). Call
    steady_allocator() first, so that no implementation pays page faults for the
    others' allocations."""
    if block < 2:
        raise ValueError("block must be at least 2: the first call of a run is not counted")
    for fn in fns.values():
        fn()  # warm-up (plans, caches)
    times: dict[str, list[float]] = {name: [] for name in fns}
    spent = 0.0
    order = np.random.default_rng(0)
    rounds = 0
    while rounds < 5 or spent < budget * len(fns):
        rounds += 1
        for name in order.permutation(list(fns)):
            for i in range(block):
                t0 = time.perf_counter()
                fns[name]()
                dt = time.perf_counter() - t0
                spent += dt
                if i:
                    times[name].append(dt)
    return {name: float(np.median(t)) for name, t in times.items()}


def timed_apart(fns: dict[str, Any], budget: float, stretches: int = 6) -> dict[str, float]:
    """Median seconds per call of each function, each timed in stretches of its own
    (``budget / stretches`` seconds, after one call that is not counted), the
    functions taking turns stretch by stretch in alternating order, so that host
    drift meets all of them.

    For configurations of one implementation (one thread against all cores), where
    timed_together's interleaving is itself a cost: here a two-thread call between
    one-thread calls measured 5-31% slower than in a stretch of its own in the same
    minutes (six pairs), which a program running one configuration does not see."""
    if stretches < 1:
        raise ValueError("stretches must be at least 1")
    for fn in fns.values():
        fn()  # warm-up (plans, caches)
    times: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for i in range(stretches):
        for name in names if i % 2 == 0 else names[::-1]:
            fns[name]()  # the first call of a stretch is not counted
            end = time.perf_counter() + budget / stretches
            while True:
                t0 = time.perf_counter()
                fns[name]()
                t1 = time.perf_counter()
                times[name].append(t1 - t0)
                if t1 >= end:
                    break
    return {name: float(np.median(t)) for name, t in times.items()}


def steady_allocator() -> str:
    """Keep freed memory in the process (glibc): no trimming of the heap, and
    blocks up to 32 MiB from the heap rather than fresh mappings.

    With glibc's adaptive defaults, whether a library's large temporaries are
    mapped afresh on every call depends on what else the process allocated:
    torchaudio.transforms.MFCC on 16 x 10 s took 38-42 ms per call alone and
    78-119 ms with a fastmel call between its calls, the difference being
    18,000-37,000 page faults per call (0 with these settings, and 37-40 ms).
    Each implementation is then timed as in a program that calls it in a loop.
    Returns a line for the benchmark's header."""
    if not sys.platform.startswith("linux"):
        return "allocator: as the platform's default"
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        ok = libc.mallopt(m_trim_threshold, 2**31 - 1) and libc.mallopt(
            m_mmap_threshold, 32 * 1024 * 1024
        )
    except (OSError, AttributeError):
        ok = False
    if not ok:
        return "allocator: glibc's defaults (mallopt unavailable)"
    return "allocator: glibc, heap never trimmed, blocks up to 32 MiB from the heap"


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
