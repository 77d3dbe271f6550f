"""Peak memory of one call beyond its input and output.

    python bench/memory.py [--minutes 10] [--num-threads 1]

Runs the default (Keras) layer on a long 16 kHz clip and reports the growth of
the process's peak resident set (VmHWM, reset just before the call through
/proc/self/clear_refs) minus the output array: what the call needs besides the
memory the caller holds anyway. Linux only.
"""

import argparse
import pathlib

import numpy as np

import fastmel


def _status(field):
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--num-threads", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = p.parse_args(argv)

    layer = fastmel.MelSpectrogram(num_threads=args.num_threads)
    n = int(args.minutes * 60 * layer.sampling_rate)
    x = np.empty(n, dtype=args.dtype)
    rng = np.random.default_rng(0)
    for i in range(0, n, 1 << 20):  # fill in pieces: no large temporaries
        x[i : i + (1 << 20)] = rng.standard_normal(min(1 << 20, n - i))
    layer(x[: 1 << 16])  # warm-up: code pages, allocator pools
    pathlib.Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to VmRSS
    before = _status("VmRSS")
    y = layer(x)
    peak = _status("VmHWM")
    extra = peak - before - y.nbytes
    print(f"fastmel {fastmel.__version__}, {layer!r}, {args.dtype}, num_threads={args.num_threads}")
    print(f"input  {args.minutes:g} min = {x.shape[0]:,} samples, {x.nbytes / 2**20:.1f} MiB")
    print(f"output {y.shape}, {y.nbytes / 2**20:.2f} MiB")
    print(
        f"peak RSS growth during the call {(peak - before) / 2**20:.2f} MiB; "
        f"beyond the output {extra / 2**20:.3f} MiB ({extra / 1024:.0f} KiB)"
    )


if __name__ == "__main__":
    main()
