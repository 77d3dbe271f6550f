"""Two installs of fastmel on the standard workloads, interleaved in one run.

    python bench/wheel_vs_source.py --a PYTHON_A --b PYTHON_B [--budget S]

Each of PYTHON_A and PYTHON_B is a Python interpreter that imports the
fastmel to compare (e.g. a venv holding the portable wheel from
tools/wheel.sh, and one holding the source build). One worker process runs
per install; the parent asks them in turn, in a shuffled order each round, to
time one call of a workload (SPEC.md's, as in bench/bench.py, one thread), so
that both meet the same load of a shared machine and never run at the same
time. Prints each install's kernel and build, the median seconds per call of
each and the ratio b / a; the bench is within noise when the ratios stay
close to 1 and change sign between workloads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

import numpy as np

# The worker: reads a workload name per line, answers with the seconds of one call.
WORKER = r"""
import contextlib, io, json, sys, time
import numpy as np
import fastmel
from fastmel.cli._bench import RATE, WORKLOADS
layers, inputs = {}, {}
for name, (batch, seconds, n, length, hop, mels) in WORKLOADS.items():
    layers[name] = fastmel.MelSpectrogram(
        fft_length=n, sequence_length=length, sequence_stride=hop, num_mel_bins=mels,
        num_threads=1)
    rng = np.random.default_rng(0)
    inputs[name] = rng.standard_normal((batch, int(seconds * RATE))).astype(np.float32)
    layers[name](inputs[name])  # warm-up: plans, caches
with contextlib.redirect_stdout(io.StringIO()):  # it prints too; stdout is the protocol
    config = fastmel.show_config()
info = dict(config, file=fastmel.__file__, workloads=list(WORKLOADS))
print(json.dumps(info), flush=True)
for line in sys.stdin:
    name = line.strip()
    t0 = time.perf_counter()
    layers[name](inputs[name])
    print(time.perf_counter() - t0, flush=True)
"""


class Worker:
    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen(
            [os.path.abspath(python) if os.sep in python else python, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd="/",  # never the source tree
        )
        assert self.proc.stdout is not None
        self.info = json.loads(self.proc.stdout.readline())

    def time(self, name: str) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="Python of install A")
    parser.add_argument("--b", required=True, help="Python of install B")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per workload and side")
    args = parser.parse_args()
    workers = {"a": Worker(args.a), "b": Worker(args.b)}
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.platform()}; one thread per call, {args.budget} s per workload and side"
    )
    for side, w in workers.items():
        i = w.info
        print(f"{side}: {i['file']}  kernel {i['kernel']}, {i['lanes_float32']} float32 lanes")
    order = np.random.default_rng(0)
    print(f"\n{'workload':16s} {'a (s/call)':>12s} {'b (s/call)':>12s} {'b / a':>7s}")
    for name in workers["a"].info["workloads"]:
        times: dict[str, list[float]] = {"a": [], "b": []}
        while min(len(t) for t in times.values()) < 7 or sum(times["a"]) < args.budget:
            for side in order.permutation(["a", "b"]):
                times[str(side)].append(workers[str(side)].time(name))
        a, b = statistics.median(times["a"]), statistics.median(times["b"])
        print(f"{name:16s} {a:12.5f} {b:12.5f} {b / a:7.3f}")
    for w in workers.values():
        w.close()


if __name__ == "__main__":
    sys.exit(main())
