"""Throughput of examples/whisper_server.py's request handler on a thread pool.

    python bench/whisper_server.py

64 uploads of 16-bit WAV speech-length clips (1 to 30 s, 16 kHz, mono), each
decoded and turned into Whisper features by ``features`` (one shared
extractor, one thread per call), submitted to a ThreadPoolExecutor of 1 and of
all cores' workers; requests per second and x realtime (audio seconds per wall
second), median of 5 runs of each, alternated.
"""

from __future__ import annotations

import io
import pathlib
import platform
import sys
import time
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
import whisper_server  # noqa: E402 - examples/ is not a package

import fastmel  # noqa: E402
from fastmel._options import available_cores  # noqa: E402


def wav(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def main() -> None:
    rng = np.random.default_rng(0)
    seconds = rng.uniform(1, 30, 64)
    uploads = [wav(0.1 * rng.standard_normal(int(s * 16000))) for s in seconds]
    audio = float(seconds.sum())
    print(f"machine: {platform.machine()}, {available_cores()} cores, {platform.platform()}")
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__}, numpy {np.__version__}"
    )
    print(f"workload: 64 WAV uploads of 1-30 s ({audio:.0f} s of audio)\n")

    def run(workers: int) -> float:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            t0 = time.perf_counter()
            list(pool.map(whisper_server.features, uploads))
            return time.perf_counter() - t0

    times: dict[int, list[float]] = {1: [], available_cores(): []}
    run(1)  # warm-up
    for _ in range(5):
        for workers in times:
            times[workers].append(run(workers))
    for workers, t in times.items():
        m = float(np.median(t))
        print(
            f"{workers} request thread(s): {len(uploads) / m:8.1f} requests/s "
            f"{audio / m:10,.0f}x realtime ({m * 1e3:.1f} ms for all)"
        )
    one, many = (float(np.median(t)) for t in times.values())
    print(f"\n{available_cores()} threads / 1 thread: {one / many:.2f}x")


if __name__ == "__main__":
    main()
