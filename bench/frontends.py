"""Every front end's cost per call against a MelSpectrogram call on the same audio.

    python bench/frontends.py [--budget S] [--json FILE]
    python bench/frontends.py --compare BEFORE.json AFTER.json

One thread, float32 audio at 16 kHz, timed together in interleaved rounds
(bench/_timing.py), medians:

- a 1 s clip: each front end's call (the transformers extractors padding to the
  clip itself: ``padding="longest"``, AST cut to 101 frames) against
  ``MelSpectrogram(512, 160, 400, num_mel_bins=80)``, whose frames are the
  same; and the part of each call spent outside the compiled engine (every
  front end computes through ``fastmel._engine.run``, timed from inside):
  the fixed cost a front end adds in Python;
- 8 clips of 5 to 30 s: Parakeet (its pre-emphasis, zero padding and
  per-clip statistics) against the same MelSpectrogram on the padded batch;
- two Python threads calling one shared MelSpectrogram against two threads
  with one each (16 x 10 s per call), each against one thread alone;
- the stages along frames (16 x 10 s): each stage's call on a front end's
  output against that front end's call: PCEN after the mel power of the
  speech_25ms and keras_default workloads, sliding CMVN after kaldi.Fbank,
  deltas after kaldi.Mfcc, MFCC and kaldi.Fbank.

``--json`` writes the medians; ``--compare`` prints two such files side by
side (a before/after of the same machine: run them alternately and compare
medians, never absolute times from different hours).
"""

from __future__ import annotations

import argparse
import json
import platform
import threading
import time
from typing import Any

import numpy as np
from _timing import single_threaded_blas, steady_allocator, timed_together

import fastmel
import fastmel.kaldi as fk
import fastmel.transformers as ft
from fastmel._options import available_cores

RATE = 16000


def one_second(budget: float) -> dict[str, float]:
    x = (0.1 * np.random.default_rng(0).standard_normal(RATE)).astype(np.float32)
    mel = fastmel.MelSpectrogram(512, 160, 400, num_mel_bins=80, sampling_rate=RATE)
    mfcc = fastmel.MFCC(
        n_mfcc=13,
        fft_length=512,
        sequence_stride=160,
        sequence_length=400,
        num_mel_bins=80,
        sampling_rate=RATE,
    )
    fbank, kmfcc = fk.Fbank(num_mel_bins=80), fk.Mfcc(num_mel_bins=80)
    whisper = ft.WhisperFeatureExtractor()
    ast = ft.ASTFeatureExtractor(max_length=101)
    seamless, parakeet = ft.SeamlessM4TFeatureExtractor(), ft.ParakeetFeatureExtractor()
    fns = {
        "MelSpectrogram": lambda: mel(x),
        "MFCC": lambda: mfcc(x),
        "kaldi.Fbank": lambda: fbank(x),
        "kaldi.Mfcc": lambda: kmfcc(x),
        "Whisper": lambda: whisper(x, sampling_rate=RATE, padding="longest"),
        "AST": lambda: ast(x, sampling_rate=RATE),
        "SeamlessM4T": lambda: seamless(x, sampling_rate=RATE),
        "Parakeet": lambda: parakeet(x, sampling_rate=RATE),
    }
    results = timed_together(fns, budget)
    # Each call's time outside the compiled engine (the Python before and
    # after: input checks, padding, masks, outputs): every front end computes
    # through fastmel._engine.run, timed here from the inside.
    from fastmel import _engine

    inside = [0.0]
    run = _engine.run

    def timed_run(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            run(*args, **kwargs)
        finally:
            inside[0] += time.perf_counter() - t0

    _engine.run = timed_run
    try:
        for name, fn in fns.items():
            calls = max(200, int(budget / max(results[name], 1e-6)))
            rounds = []
            for _ in range(5):
                inside[0] = 0.0
                t0 = time.perf_counter()
                for _ in range(calls):
                    fn()
                total = time.perf_counter() - t0
                rounds.append((total - inside[0]) / calls)
            results[f"{name}: outside the engine"] = float(np.median(rounds))
    finally:
        _engine.run = run
    return results


def parakeet_batch(budget: float) -> dict[str, float]:
    rng = np.random.default_rng(1)
    clips = [
        (0.1 * rng.standard_normal(int(s * RATE))).astype(np.float32) for s in np.linspace(5, 30, 8)
    ]
    padded = np.zeros((8, max(c.size for c in clips)), np.float32)
    for row, c in zip(padded, clips, strict=True):
        row[: c.size] = c
    mel = fastmel.MelSpectrogram(512, 160, 400, num_mel_bins=80, sampling_rate=RATE)
    parakeet = ft.ParakeetFeatureExtractor()
    return timed_together(
        {
            "MelSpectrogram (padded batch)": lambda: mel(padded),
            "Parakeet (8 clips)": lambda: parakeet(clips, sampling_rate=RATE),
        },
        budget,
    )


# (name, front end, stage): the stage runs on the front end's output.
def _stage_pairs() -> list[tuple[str, Any, Any]]:
    speech = dict(num_mel_bins=80, sampling_rate=RATE, power_to_db=False)
    return [
        (
            "PCEN after mel 512/160 x80",
            fastmel.MelSpectrogram(512, 160, 400, **speech),
            fastmel.PCEN(sampling_rate=RATE, hop_length=160),
        ),
        (
            "PCEN after mel 2048/512 x128",
            fastmel.MelSpectrogram(
                2048, 512, 2048, num_mel_bins=128, sampling_rate=RATE, power_to_db=False
            ),
            fastmel.PCEN(sampling_rate=RATE, hop_length=512),
        ),
        ("SlidingCMVN after kaldi.Fbank x80", fk.Fbank(num_mel_bins=80), fastmel.SlidingCMVN()),
        (
            "SlidingCMVN(norm_vars) after Fbank",
            fk.Fbank(num_mel_bins=80),
            fastmel.SlidingCMVN(norm_vars=True),
        ),
        ("Deltas(kaldi) after kaldi.Mfcc", fk.Mfcc(), fastmel.Deltas.from_preset("kaldi")),
        (
            "Deltas(order 2) after MFCC x13",
            fastmel.MFCC(
                n_mfcc=13,
                fft_length=512,
                sequence_stride=160,
                sequence_length=400,
                num_mel_bins=40,
                sampling_rate=RATE,
            ),
            fastmel.Deltas(),
        ),
        (
            "Deltas(kaldi) after kaldi.Fbank x80",
            fk.Fbank(num_mel_bins=80),
            fastmel.Deltas.from_preset("kaldi"),
        ),
    ]


def stages(budget: float) -> dict[str, float]:
    """Seconds per call of each front end and of each stage on its output (16
    x 10 s, one thread): keys "<pair>: front end" and "<pair>: stage"."""
    x = (0.1 * np.random.default_rng(3).standard_normal((16, 10 * RATE))).astype(np.float32)
    fns: dict[str, Any] = {}
    for name, front, stage in _stage_pairs():
        features = front(x)
        fns[f"{name}: front end"] = lambda front=front: front(x, num_threads=1)
        fns[f"{name}: stage"] = lambda stage=stage, f=features: stage(f, num_threads=1)
    return timed_together(fns, budget)


def show_stages(results: dict[str, float]) -> None:
    print("\nStages along frames, 16 x 10 s, one thread: the stage against the front end")
    for name, _, _ in _stage_pairs():
        front, stage = results[f"{name}: front end"], results[f"{name}: stage"]
        print(
            f"  {name:36s} {front * 1e3:8.2f} ms {stage * 1e3:8.2f} ms  "
            f"+{100 * stage / front:5.1f}%"
        )


def shared_threads(budget: float) -> dict[str, float]:
    """Seconds per call (per thread) of one thread alone, two threads sharing
    one layer, and two threads with a layer each."""
    x = (0.1 * np.random.default_rng(2).standard_normal((16, 10 * RATE))).astype(np.float32)

    def make() -> Any:
        return fastmel.MelSpectrogram(512, 160, 400, num_mel_bins=80, sampling_rate=RATE)

    def per_call(layers: list[Any]) -> float:
        calls = max(3, int(budget / 0.02))
        times: list[float] = []
        barrier = threading.Barrier(len(layers))

        def work(layer: Any) -> None:
            layer(x)
            barrier.wait()
            t0 = time.perf_counter()
            for _ in range(calls):
                layer(x)
            times.append((time.perf_counter() - t0) / calls)

        threads = [threading.Thread(target=work, args=(layer,)) for layer in layers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return float(np.mean(times))

    shared = make()
    rounds: dict[str, list[float]] = {"one thread": [], "two sharing one": [], "two, one each": []}
    for _ in range(5):  # interleaved rounds
        rounds["one thread"].append(per_call([shared]))
        rounds["two sharing one"].append(per_call([shared, shared]))
        rounds["two, one each"].append(per_call([make(), make()]))
    return {name: float(np.median(v)) for name, v in rounds.items()}


def show(title: str, results: dict[str, float], base: str | None) -> None:
    print(f"\n{title}")
    for name, sec in results.items():
        if name.endswith(": outside the engine"):
            continue
        outside = results.get(f"{name}: outside the engine")
        if outside is not None and base is not None:
            own = results[f"{base}: outside the engine"]
            print(
                f"  {name:32s} {sec * 1e3:9.3f} ms  {sec / results[base]:5.2f}x {base}"
                f"   outside the engine {outside * 1e3:6.3f} ms ({outside / own:4.2f}x)"
            )
            continue
        ratio = f"  {sec / results[base]:5.2f}x {base}" if base else ""
        print(f"  {name:32s} {sec * 1e3:9.3f} ms{ratio}")


def compare(before_path: str, after_path: str) -> None:
    before, after = (json.loads(open(p).read()) for p in (before_path, after_path))
    print(f"before: {before['version']}  after: {after['version']}")
    for block in after["results"]:
        print(f"\n{block}")
        print(f"  {'':32s} {'before':>10s} {'after':>10s}  before/after")
        for name, sec in after["results"][block].items():
            old = before["results"].get(block, {}).get(name)
            if old is None:
                print(f"  {name:32s} {'-':>10s} {sec * 1e3:8.3f} ms")
                continue
            print(f"  {name:32s} {old * 1e3:7.3f} ms {sec * 1e3:7.3f} ms  {old / sec:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of timing per row")
    parser.add_argument("--json", help="write the medians to this file")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    allocator = steady_allocator()
    print(f"machine: {platform.machine()}, {available_cores()} cores, {platform.platform()}")
    print(allocator)
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__}, numpy {np.__version__}"
    )
    with single_threaded_blas():
        results = {
            "1 s clip": one_second(args.budget),
            "8 clips of 5-30 s": parakeet_batch(args.budget),
            "Python threads, 16 x 10 s per call": shared_threads(args.budget),
            "Stages along frames, 16 x 10 s": stages(args.budget),
        }
    show("1 s clip, one thread", results["1 s clip"], "MelSpectrogram")
    show("8 clips of 5-30 s", results["8 clips of 5-30 s"], "MelSpectrogram (padded batch)")
    threads = results["Python threads, 16 x 10 s per call"]
    show("Python threads, 16 x 10 s per call (per thread)", threads, None)
    one = threads["one thread"]
    for name in ("two sharing one", "two, one each"):
        print(f"  {name}: {2 * one / threads[name]:.2f}x the throughput of one thread")
    show_stages(results["Stages along frames, 16 x 10 s"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"version": fastmel.__version__, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
