"""The GIL is released, one layer serves many threads, thread counts agree."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastmel


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
