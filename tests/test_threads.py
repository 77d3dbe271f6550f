"""The GIL is released, one layer serves many threads and processes, thread counts agree."""

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastmel


def _apply(layer, x):
    return layer(x)


NO_FORK = pytest.mark.skipif(sys.platform == "win32", reason="no fork() on Windows")


@pytest.mark.parametrize("method", ["spawn", pytest.param("fork", marks=NO_FORK)])
def test_layer_in_a_process_pool(method):
    import multiprocessing

    layer = fastmel.MelSpectrogram.from_preset("whisper", top_db_scope="example")
    assert len(pickle.dumps(layer)) < 2048  # the config, not the plans
    xs = [np.random.default_rng(i).standard_normal(3000 + i).astype(np.float32) for i in range(4)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.starmap(_apply, [(layer, x) for x in xs])
    for x, got in zip(xs, results, strict=False):
        np.testing.assert_array_equal(got, layer(x))


def test_layer_in_a_thread_pool():
    from concurrent.futures import ThreadPoolExecutor

    layer = pickle.loads(pickle.dumps(fastmel.MelSpectrogram.from_preset("librosa")))
    xs = [np.random.default_rng(i).standard_normal(5000).astype(np.float32) for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(layer, xs))
    for x, got in zip(xs, results, strict=False):
        np.testing.assert_array_equal(got, layer(x))


def test_eight_threads_random_shapes_and_configs():
    """8 Python threads x 200 calls, random shapes/configs/dtypes, all equal to serial."""
    rng = np.random.default_rng(5)
    layers = [
        fastmel.MelSpectrogram(
            fft_length=int(n),
            sequence_stride=int(h),
            num_mel_bins=int(m),
            power_to_db=bool(db),
            num_threads=int(t),
        )
        for n, h, m, db, t in zip(
            rng.integers(8, 700, 6),
            rng.integers(1, 400, 6),
            rng.integers(1, 90, 6),
            rng.integers(0, 2, 6),
            rng.choice([1, 2, -1], 6),
            strict=False,
        )
    ]
    jobs = []
    for _ in range(8 * 200):
        shape = tuple(rng.integers(1, 3, rng.integers(0, 2))) + (int(rng.integers(1, 3000)),)
        dtype = rng.choice([np.float32, np.float64])
        jobs.append((int(rng.integers(len(layers))), rng.standard_normal(shape).astype(dtype)))
    serial = [layers[i](x) for i, x in jobs]
    results = [None] * len(jobs)

    def worker(k):
        for j in range(k, len(jobs), 8):
            i, x = jobs[j]
            results[j] = layers[i](x)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(results, serial, strict=False):
        np.testing.assert_array_equal(a, b)


def test_num_threads_results_are_bit_identical():
    layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160, num_mel_bins=80)
    rng = np.random.default_rng(0)
    for shape in [(7, 16000), (1, 160_000), (3, 1), (2, 511)]:
        x = rng.standard_normal(shape).astype(np.float32)
        one = layer(x, num_threads=1)
        for n in (2, 3, 8, -1):
            np.testing.assert_array_equal(layer(x, num_threads=n), one)


def test_shared_layer_from_many_threads_matches_serial():
    layer = fastmel.MelSpectrogram(fft_length=400, sequence_stride=160, num_mel_bins=80)
    rng = np.random.default_rng(1)
    inputs = [
        rng.standard_normal((rng.integers(1, 4), rng.integers(1, 20_000))).astype(
            rng.choice([np.float32, np.float64])
        )
        for _ in range(64)
    ]
    serial = [layer(x) for x in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(layer, inputs))
    for a, b in zip(parallel, serial, strict=False):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_other_python_thread_runs_during_a_long_call():
    layer = fastmel.MelSpectrogram()
    x = np.random.default_rng(2).standard_normal(16000 * 600).astype(np.float32)  # 10 min
    count = 0
    stop = threading.Event()
    started = threading.Event()

    def spin():
        nonlocal count
        started.set()
        while not stop.is_set():
            count += 1

    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    try:
        t0 = time.perf_counter()
        before = count
        layer(x)
        after = count
        elapsed = time.perf_counter() - t0
    finally:
        stop.set()
        t.join()
    if elapsed < 0.02:
        pytest.skip(f"call took only {elapsed * 1e3:.1f} ms: too short to judge")
    # With the GIL held for the whole call the spinner could not move at all.
    assert after - before > 1000, (after - before, elapsed)


def _child_compute(args):
    layer, x, threads = args
    return layer(x, num_threads=threads)


@NO_FORK
def test_thread_pool_survives_fork():
    """Helper threads do not exist in a forked child: it must still compute."""
    import multiprocessing

    layer = fastmel.MelSpectrogram(fft_length=256, sequence_stride=64, num_mel_bins=16)
    x = np.random.default_rng(3).standard_normal((4, 20_000)).astype(np.float32)
    expected = layer(x, num_threads=2)  # the parent's pool is running now
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = pool.map(_child_compute, [(layer, x, 2), (layer, x, 1)], chunksize=1)
    for got in results:
        np.testing.assert_array_equal(got, expected)


# -- bounds -----------------------------------------------------------------------


def test_num_threads_has_an_upper_bound():
    assert fastmel.MAX_THREADS == fastmel._core.MAX_THREADS == 256
    with pytest.raises(ValueError, match="at most 256"):
        fastmel.MelSpectrogram(num_threads=257)
    with pytest.raises(ValueError, match="at most 256"):
        fastmel.MelSpectrogram(num_threads=2**31)  # was accepted, then OverflowError per call
    layer = fastmel.MelSpectrogram(fft_length=256, sequence_stride=64, num_mel_bins=16)
    with pytest.raises(ValueError, match="`num_threads` must be at most 256"):
        layer(np.zeros(1000, np.float32), num_threads=10**6)


POOL_SCRIPT = """
import json, os, threading, time
import numpy as np
import fastmel

def os_threads():
    return len(os.listdir("/proc/self/task"))

layer = fastmel.MelSpectrogram(fft_length=256, sequence_stride=8, num_mel_bins=16)
x = np.random.default_rng(0).standard_normal((64, 16000)).astype(np.float32)
before = os_threads()
want = layer(x)
peak = 0
# 8 Python threads, each asking for the maximum, at once.
def run():
    global peak
    for _ in range(3):
        assert np.array_equal(layer(x, num_threads=fastmel.MAX_THREADS), want)
        peak = max(peak, os_threads())
ts = [threading.Thread(target=run) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
after_calls = os_threads()
time.sleep(3.5)  # helpers idle for 2 s exit
after_idle = os_threads()
t = threading.Thread(target=lambda: None); t.start(); t.join()  # Python can start threads
print(json.dumps(dict(before=before, peak=peak, after_calls=after_calls, after_idle=after_idle)))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_pool_is_bounded_and_gives_threads_back():
    proc = subprocess.run(
        [sys.executable, "-c", POOL_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    # The pool never holds more than MAX_THREADS - 1 helpers, whatever the callers ask.
    assert r["peak"] <= r["before"] + 8 + fastmel.MAX_THREADS - 1, r
    assert r["after_calls"] > r["before"], r  # helpers were started ...
    assert r["after_idle"] == r["before"], r  # ... and given back when idle
