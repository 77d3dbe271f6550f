"""Throughput of ``fastmel compute`` on a folder of WAV files, 1 and 2+ workers.

    python bench/compute_files.py [--files 100] [--seconds 10] [--workers 1 2]

Writes N WAV files (16 kHz, 16-bit, noise plus a tone) and one corrupt file
to a temporary folder, runs the real command (a subprocess, as a user would)
once per worker count into a fresh output folder, and prints the wall time,
the audio seconds per wall second and the exit code (1: the corrupt file is
reported as failed, everything else written). Needs fastmel[cli].
"""

import argparse
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import soundfile as sf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeats", type=int, default=3, help="runs per worker count (median)")
    args = ap.parse_args()

    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "audio"
        src.mkdir()
        rng = np.random.default_rng(0)
        rate = 16000
        n = int(args.seconds * rate)
        t = np.arange(n) / rate
        for i in range(args.files):
            x = 0.1 * rng.standard_normal(n) + 0.3 * np.sin(2 * np.pi * (200 + 20 * i) * t)
            sf.write(str(src / f"clip{i:03d}.wav"), x.astype(np.float32), rate, subtype="PCM_16")
        (src / "corrupt.wav").write_bytes(b"RIFF....WAVEfmt garbage")
        total = args.files * args.seconds
        print(
            f"{args.files} WAV files x {args.seconds:g} s + 1 corrupt file "
            f"({total:g} s of audio), default layer (Keras defaults), progress off"
        )
        for workers in args.workers:
            times = []
            for r in range(args.repeats):
                out = pathlib.Path(tmp) / f"out_{workers}_{r}"
                t0 = time.perf_counter()
                p = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "fastmel",
                        "compute",
                        str(src),
                        "-o",
                        str(out),
                        "--workers",
                        str(workers),
                        "--progress",
                        "none",
                    ],
                    capture_output=True,
                    text=True,
                )
                times.append(time.perf_counter() - t0)
                written = len(list(out.glob("*.npy")))
            med = sorted(times)[len(times) // 2]
            print(
                f"workers={workers}: median {med:.2f} s wall (runs: "
                f"{', '.join(f'{x:.2f}' for x in times)}), {total / med:,.0f}x realtime, "
                f"exit code {p.returncode}, {written} .npy written"
            )
            print("   last run's summary: " + p.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
