"""The benchmark: ``python bench/bench.py`` (see --help).

Runs the standard workloads of SPEC.md (float32, power_to_db=True, random
normal input) through fastmel, its own FFT-only build (bench/fft_only.py),
"the FFTs alone"
(scipy.fft.rfft of frames cut and windowed beforehand), the NumPy reference
as users write it, and whichever peers are installed (librosa, torch, Keras on
JAX). Prints the machine, versions, and for each implementation the median
seconds per call, x realtime and the ratios to NumPy and to the FFTs alone,
all measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import threading

import numpy as np

import fastmel
from fastmel._options import available_cores
from fastmel.cli._bench import RATE, WORKLOADS  # SPEC.md's workloads, as `fastmel bench`

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fft_only  # noqa: E402  (bench/fft_only.py, beside this file)
from _timing import (  # noqa: E402
    single_threaded_blas,
    steady_allocator,
    timed_apart,
    timed_together,
)

# -- implementations ---------------------------------------------------------
# Each maker takes the workload's parameters and returns a function of x, or
# None when its package is missing.


def _params(w):
    batch, seconds, n, length, hop, mels = w
    return dict(fft_length=n, sequence_length=length, sequence_stride=hop, num_mel_bins=mels)


def make_fastmel(w, threads):
    layer = fastmel.MelSpectrogram(**_params(w), num_threads=threads)
    return layer


def make_fastmel_fft_only(w, threads):
    batch, seconds, n, length, hop, mels = w
    nthreads = available_cores() if threads == -1 else 1
    try:
        return fft_only.FftOnly(n, length, hop, mels, nthreads)
    except (OSError, subprocess.CalledProcessError) as e:
        print(
            f"note: no FFT-only row: building bench/'s FFT-only core failed ({e})", file=sys.stderr
        )
        return None


def _window(n, length):
    k = np.arange(length)
    w = 0.5 - 0.5 * np.cos(2 * np.pi * k / length)
    left = (n - length) // 2
    return np.pad(w, (left, n - length - left)).astype(np.float32)


def _frames(x, n, hop):
    pad = [(0, 0)] * (x.ndim - 1) + [(n // 2, n // 2)]
    xp = np.pad(x, pad, mode="reflect")
    return np.lib.stride_tricks.sliding_window_view(xp, n, axis=-1)[..., ::hop, :]


def make_ffts_alone(w, threads):
    try:
        import scipy.fft
    except ImportError:
        return None
    batch, seconds, n, length, hop, mels = w
    win = _window(n, length)
    workers = -1 if threads == -1 else 1
    cache = {}

    def run(x):
        # Frames are cut and windowed once, outside the timed call.
        key = id(x)
        if key not in cache:
            cache.clear()
            cache[key] = np.ascontiguousarray(_frames(x, n, hop) * win)
        return scipy.fft.rfft(cache[key], axis=-1, workers=workers)

    return run


def make_numpy(w, threads):
    if threads != 1:
        return None  # NumPy's FFT is single-threaded
    batch, seconds, n, length, hop, mels = w
    win = _window(n, length)
    mel = fastmel.linear_to_mel_weight_matrix(mels, n // 2 + 1, RATE, 20.0, RATE // 2)

    def run(x):
        spec = np.fft.rfft(_frames(x, n, hop) * win, axis=-1)
        m = (np.abs(spec) ** 2).astype(np.float32) @ mel
        db = 10 * np.log10(np.maximum(m, 1e-10))
        db = np.maximum(db, db.max() - 80.0)
        return np.swapaxes(db, -1, -2)

    return run


def make_librosa(w, threads):
    if threads != 1:
        return None
    try:
        librosa = importlib.import_module("librosa")
    except ImportError:
        return None
    batch, seconds, n, length, hop, mels = w

    def run(x):
        s = librosa.feature.melspectrogram(
            y=x,
            sr=RATE,
            n_fft=n,
            hop_length=hop,
            win_length=length,
            n_mels=mels,
            fmin=20.0,
            fmax=RATE // 2,
            htk=True,
            norm=None,
            pad_mode="reflect",
        )
        return librosa.power_to_db(s, top_db=80.0)

    return run


def make_torch(w, threads):
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return None
    batch, seconds, n, length, hop, mels = w
    win = torch.hann_window(length, periodic=True)
    mel = torch.from_numpy(
        fastmel.linear_to_mel_weight_matrix(mels, n // 2 + 1, RATE, 20.0, RATE // 2)
    )
    nthreads = available_cores() if threads == -1 else 1

    def run(x):
        torch.set_num_threads(nthreads)
        with torch.inference_mode():
            t = torch.from_numpy(x)
            spec = torch.stft(
                t, n, hop, length, win, center=True, pad_mode="reflect", return_complex=True
            )
            m = torch.matmul(spec.abs().pow(2).transpose(-1, -2), mel)
            db = 10 * torch.log10(torch.clamp(m, min=1e-10))
            db = torch.maximum(db, db.max() - 80.0)
            return db.transpose(-1, -2).numpy()

    return run


def make_keras_jax(w, threads):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    if threads != 1 or os.environ["KERAS_BACKEND"] != "jax":
        return None
    try:
        importlib.import_module("jax")
        keras = importlib.import_module("keras")
    except Exception:
        return None
    import jax

    layer = keras.layers.MelSpectrogram(**_params(w))
    fn = jax.jit(lambda x: layer(x))

    def run(x):
        return np.asarray(fn(x))

    return run


IMPLEMENTATIONS = {
    "fastmel": make_fastmel,
    "fastmel FFT-only": make_fastmel_fft_only,
    "FFTs alone (scipy.fft)": make_ffts_alone,
    "NumPy reference": make_numpy,
    "librosa": make_librosa,
    "torch": make_torch,
    "Keras+JAX jit": make_keras_jax,
}


# -- timing ------------------------------------------------------------------


def time_calls(fns, x, budget):
    """Median seconds per call of each function on ``x``: timed_together
    (bench/_timing.py), in interleaved rounds with the order shuffled and
    only the calls after the first of each function's run in a round
    counted. Measured here: fastmel took 14.4 ms instead of 8.8 ms right
    after a Keras+JAX call, decaying over ~100 ms."""
    return timed_together({k: (lambda fn=fn: fn(x)) for k, fn in fns.items()}, budget)


def machine_info():
    cpu = platform.processor() or platform.machine()
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu in ("", platform.machine()):
                    cpu = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = " ".join(
                        f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in have
                    )
                    break
    except OSError:
        pass
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "fastmel": fastmel.__version__,
    }
    # The Keras peer runs on JAX (see make_keras); importing keras without a
    # backend set would look for TensorFlow and fail.
    os.environ.setdefault("KERAS_BACKEND", "jax")
    for name in ("scipy", "librosa", "torch", "jax", "keras"):
        mod = sys.modules.get(name)
        if mod is None:
            try:
                mod = importlib.import_module(name)
            except Exception:
                continue
        versions[name] = getattr(mod, "__version__", "?")
    with contextlib.redirect_stdout(None):
        config = fastmel.show_config()
    return {
        "cpu": cpu,
        "cpu_flags": flags,
        "cores": available_cores(),
        "platform": platform.platform(),
        "kernel": config["kernel"],
        "lanes_float32": config["lanes_float32"],
        "versions": versions,
    }


def run_workloads(names, threads_modes, budget, impls=None):
    rows = []
    rng = np.random.default_rng(0)
    for name in names:
        w = WORKLOADS[name]
        batch, seconds = w[0], w[1]
        shape = (batch, int(seconds * RATE)) if batch > 1 else (int(seconds * RATE),)
        x = rng.standard_normal(shape).astype(np.float32)
        audio_seconds = batch * seconds
        for threads in threads_modes:
            fns = {}
            for impl, maker in IMPLEMENTATIONS.items():
                if (
                    impls
                    and impl not in impls
                    and impl not in ("FFTs alone (scipy.fft)", "NumPy reference")
                ):
                    continue
                fn = maker(w, threads)
                if fn is not None:
                    fns[impl] = fn
            with single_threaded_blas() if threads == 1 else contextlib.nullcontext():
                results = time_calls(fns, x, budget)
            base_np = results.get("NumPy reference")
            base_fft = results.get("FFTs alone (scipy.fft)")
            for impl, sec in results.items():
                rows.append(
                    {
                        "workload": name,
                        "threads": "all" if threads == -1 else 1,
                        "impl": impl,
                        "seconds": sec,
                        "x_realtime": audio_seconds / sec,
                        "vs_numpy": (base_np / sec) if base_np else None,
                        "vs_ffts_alone": (base_fft / sec) if base_fft else None,
                    }
                )
    return rows


def run_scaling(budget):
    """num_threads=-1 vs 1 on a 10-minute clip, and two Python threads sharing a layer."""
    layer = fastmel.MelSpectrogram(
        fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=80
    )
    rng = np.random.default_rng(1)
    clip = rng.standard_normal(600 * RATE).astype(np.float32)
    # One configuration against another of the same layer: each in stretches of
    # its own (timed_apart: a two-thread call between one-thread calls is slower).
    clip_t = timed_apart(
        {"1": lambda: layer(clip, num_threads=1), "all": lambda: layer(clip, num_threads=-1)},
        budget,
    )
    batch = rng.standard_normal((16, 10 * RATE)).astype(np.float32)

    calls = 4

    def two_threads(x):
        # Like a data loader with two worker threads: each thread works through
        # a stream of calls on its half of the batch, independently.
        def worker(half):
            for _ in range(calls):
                layer(half)

        ts = [threading.Thread(target=worker, args=(x[i::2],)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    batch_t = timed_apart(
        {
            "1": lambda: layer(batch, num_threads=1),
            "all": lambda: layer(batch, num_threads=-1),
            "py2": lambda: two_threads(batch),
        },
        budget,
    )
    one, all_ = clip_t["1"], clip_t["all"]
    b1, ball, pyth = batch_t["1"], batch_t["all"], batch_t["py2"] / calls
    return {
        "long_clip_1_thread_s": one,
        "long_clip_all_cores_s": all_,
        "long_clip_speedup": one / all_,
        "batch_1_thread_s": b1,
        "batch_all_cores_s": ball,
        "batch_speedup": b1 / ball,
        "two_python_threads_s": pyth,
        "two_python_threads_speedup": b1 / pyth,
    }


def fft_only_ratios(rows):
    """(workload, threads) -> fastmel's seconds / the FFT-only build's, same run."""
    sec = {(r["workload"], r["threads"], r["impl"]): r["seconds"] for r in rows}
    return {
        (w, t): sec[(w, t, "fastmel")] / sec[(w, t, "fastmel FFT-only")]
        for (w, t, impl) in sec
        if impl == "fastmel" and (w, t, "fastmel FFT-only") in sec
    }


def format_table(rows):
    out = [
        "| workload | threads | implementation | s/call | x realtime | vs NumPy | vs FFTs alone |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        vn = f"{r['vs_numpy']:.2f}x" if r["vs_numpy"] else "-"
        vf = f"{r['vs_ffts_alone']:.2f}x" if r["vs_ffts_alone"] else "-"
        out.append(
            f"| {r['workload']} | {r['threads']} | {r['impl']} | {r['seconds']:.3g} | "
            f"{r['x_realtime']:,.0f} | {vn} | {vf} |"
        )
    return "\n".join(out)


def plot(rows, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart (pip install matplotlib)", file=sys.stderr)
        return
    groups = list(dict.fromkeys((r["workload"], r["threads"]) for r in rows))
    impls = list(dict.fromkeys(r["impl"] for r in rows))
    fig, ax = plt.subplots(figsize=(12, 5))
    width = 0.8 / len(impls)
    for i, impl in enumerate(impls):
        vals = [
            next(
                (
                    r["x_realtime"]
                    for r in rows
                    if (r["workload"], r["threads"]) == g and r["impl"] == impl
                ),
                0,
            )
            for g in groups
        ]
        ax.bar([j + i * width for j in range(len(groups))], vals, width, label=impl)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(groups))])
    ax.set_xticklabels([f"{w}\n{t} thr" for w, t in groups])
    ax.set_ylabel("x realtime (audio s per wall s)")
    ax.set_yscale("log")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title("fastmel benchmark (float32, power_to_db)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart written to {path}")


def main(argv=None):
    p = argparse.ArgumentParser(prog="bench/bench.py", description=__doc__.splitlines()[0])
    p.add_argument("--workloads", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    p.add_argument("--threads", choices=["1", "all", "both"], default="both")
    p.add_argument("--budget", type=float, default=1.0, help="seconds of timing per measurement")
    p.add_argument(
        "--only",
        nargs="+",
        metavar="IMPL",
        help="implementations to run (NumPy and the FFTs alone always run: they are the baselines)",
    )
    p.add_argument("--no-scaling", action="store_true", help="skip the thread-scaling runs")
    p.add_argument(
        "--scaling-repeats",
        type=int,
        default=3,
        metavar="N",
        help="repeat the thread-scaling runs N times; print median and range "
        "(scaling is what host noise disturbs most on shared machines)",
    )
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--png", metavar="PATH", help="also draw a bar chart (needs matplotlib)")
    args = p.parse_args(argv)
    modes = {"1": [1], "all": [-1], "both": [1, -1]}[args.threads]
    # Read once, when the peers' libraries load (they are imported lazily, after
    # this): JAX (Keras+JAX peer) measured on one thread, and OpenMP pools
    # (torch) told to sleep rather than spin when idle, so that their spinning
    # does not slow whatever runs next in the round-robin.
    os.environ.setdefault(
        "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    )
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    allocator = steady_allocator()
    info = machine_info()
    print(
        f"machine: {info['cpu']} ({info['cpu_flags']}), {info['cores']} cores, {info['platform']}"
    )
    print(allocator)
    print(f"fastmel kernel: {info['kernel']}, {info['lanes_float32']} float32 lanes")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(
        "(medians of interleaved runs; ratios are speedups measured in this same run; "
        f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']})\n"
    )
    rows = run_workloads(args.workloads, modes, args.budget, args.only)
    print(format_table(rows))
    ratios = fft_only_ratios(rows)
    if ratios:
        print(
            "\nfastmel / its own FFTs alone (what the stages after the FFT cost): "
            + ", ".join(f"{w} {t} thr {r:.2f}" for (w, t), r in ratios.items())
        )
    scaling = None
    if not args.no_scaling:
        runs = [run_scaling(args.budget) for _ in range(max(1, args.scaling_repeats))]
        scaling = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        scaling["runs"] = runs

        def fmt(key):
            vals = sorted(r[key] for r in runs)
            spread = f" (runs: {', '.join(f'{v:.2f}' for v in vals)})" if len(vals) > 1 else ""
            return f"{scaling[key]:.2f}x{spread}"

        print(f"\nthread scaling (speech_25ms parameters; median of {len(runs)} runs):")
        print(
            f"  one 10-minute clip: 1 thread {scaling['long_clip_1_thread_s'] * 1e3:.1f} ms, "
            f"all cores {scaling['long_clip_all_cores_s'] * 1e3:.1f} ms: "
            f"{fmt('long_clip_speedup')}"
        )
        print(
            f"  16 x 10 s batch:    1 thread {scaling['batch_1_thread_s'] * 1e3:.1f} ms, "
            f"all cores {scaling['batch_all_cores_s'] * 1e3:.1f} ms: {fmt('batch_speedup')}"
        )
        print(
            f"  two Python threads sharing one layer (num_threads=1, each a stream of "
            f"calls on half the batch), per batch: "
            f"{scaling['two_python_threads_s'] * 1e3:.1f} ms: "
            f"{fmt('two_python_threads_speedup')} one thread"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "machine": info,
                    "rows": rows,
                    "scaling": scaling,
                    "full_over_fft_only": {f"{w} {t}": r for (w, t), r in ratios.items()},
                },
                f,
                indent=1,
            )
        print(f"results written to {args.json}")
    if args.png:
        plot(rows, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
