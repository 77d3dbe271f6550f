"""fastmel.kaldi and fastmel.MFCC against the references, on one workload.

    python bench/kaldi.py            # the references that are installed join in
    python bench/kaldi.py --png bench/kaldi.png

16 clips of 10 s at 16 kHz (int16-scaled noise and a swept tone), float32, one
thread unless stated, Kaldi's defaults (25 ms frames, 10 ms shift, povey window,
512-point FFT) with 23 and 80 mel bins. Rows:

- fastmel.kaldi.Fbank on the (16, 160000) batch; kaldi-native-fbank's
  OnlineFbank (accept_waveform of each clip as a NumPy array, input_finished,
  every frame fetched); torchaudio.compliance.kaldi.fbank per clip (torch on
  one thread);
- MFCC: fastmel.kaldi.Mfcc against fastmel's Fbank on the same frames; and
  fastmel.MFCC against librosa.feature.mfcc and torchaudio.transforms.MFCC with
  the same settings (512-point FFT, 400-sample window, hop 160, 23 mels, 13
  coefficients);
- the Kaldi stages: Fbank(use_energy=True) (DC removal, pre-emphasis, povey
  window, raw energy) against MelSpectrogram on the same frames and FFT size
  (no conditioning, Hann window, natural log);
- num_threads=-1 against one thread on the batch.

Each figure is the median of repeated timings, in seconds per batch and x
realtime (160 s of audio). The rows of one block are timed together, in
interleaved rounds in a shuffled order (at least 5 rounds and ``--budget`` s
of timing per row), so that the ratios compare rows that met the same load of a
shared machine; one thread and num_threads=-1 in stretches of their own, taking
turns (bench/_timing.py says why).
"""

from __future__ import annotations

import argparse
import os
import platform
from typing import Any

import numpy as np
from _timing import (  # bench/ is on sys.path when run as a script
    single_threaded_blas,
    steady_allocator,
    timed_apart,
    timed_together,
)

import fastmel
import fastmel.kaldi as fk
from fastmel._options import available_cores

CLIPS, SECONDS, RATE = 16, 10, 16000
AUDIO = CLIPS * SECONDS


def workload() -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(SECONDS * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * (100 + 300 * t) * t)
    return ((0.1 * rng.standard_normal((CLIPS, t.size)) + tone) * 32768).astype(np.float32)


def version(name: str) -> str | None:
    try:
        module = __import__(name)
    except Exception:  # noqa: BLE001 - absent or broken: the row is skipped
        return None
    return getattr(module, "__version__", "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of timing per row")
    parser.add_argument("--png", help="also draw the rows as a bar chart into this file")
    args = parser.parse_args()
    allocator = steady_allocator()
    x = workload()
    print(
        f"machine: {platform.processor() or platform.machine()}, {available_cores()} cores, "
        f"{platform.platform()}"
    )
    print(allocator)
    versions = {
        name: version(name)
        for name in ("numpy", "torch", "torchaudio", "kaldi_native_fbank", "librosa")
    }
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__} "
        f"({fastmel._engine.kernel_info()['kernel']}), "
        + ", ".join(f"{k} {v}" for k, v in versions.items() if v)
    )
    print(
        f"workload: {CLIPS} x {SECONDS} s at {RATE} Hz, float32, one thread unless stated "
        "(BLAS and torch limited to one thread)\n"
    )
    if versions["torch"]:
        import torch

        torch.set_num_threads(1)
    results: dict[str, float] = {}
    labels: dict[str, str] = {}

    def section(rows: dict[str, tuple[str, Any]], apart: bool = False) -> None:
        """Rows timed together (or in stretches of their own): key -> (label, function)."""
        timer = timed_apart if apart else timed_together
        with single_threaded_blas():
            got = timer({k: fn for k, (_, fn) in rows.items()}, args.budget)
        for key, (label, _) in rows.items():
            results[key], labels[key] = got[key], label
            print(f"{label:58s} {got[key] * 1e3:9.2f} ms {AUDIO / got[key]:11,.0f}x realtime")
        print()

    for bins in (23, 80):
        fb = fk.Fbank(num_mel_bins=bins)
        rows: dict[str, tuple[str, Any]] = {
            f"fbank{bins}": (f"fastmel.kaldi.Fbank({bins} bins)", lambda fb=fb: fb(x))
        }
        if versions["kaldi_native_fbank"]:
            import kaldi_native_fbank as knf

            def run_knf(bins=bins):
                for clip in x:
                    opts = knf.FbankOptions()
                    opts.frame_opts.dither = 0.0
                    opts.mel_opts.num_bins = bins
                    online = knf.OnlineFbank(opts)
                    online.accept_waveform(RATE, clip)
                    online.input_finished()
                    np.stack([online.get_frame(i) for i in range(online.num_frames_ready)])

            rows[f"knf{bins}"] = (f"kaldi-native-fbank OnlineFbank ({bins} bins)", run_knf)
        if versions["torchaudio"]:
            import torch
            from torchaudio.compliance import kaldi

            def run_ta(bins=bins):
                for clip in torch.from_numpy(x):
                    kaldi.fbank(clip[None], num_mel_bins=bins)

            rows[f"ta{bins}"] = (f"torchaudio.compliance.kaldi.fbank ({bins} bins)", run_ta)
        section(rows)

    mf, fb23 = fk.Mfcc(), fk.Fbank()
    same = dict(
        fft_length=512,
        sequence_length=400,
        sequence_stride=160,
        num_mel_bins=23,
        sampling_rate=RATE,
        mel_scale="slaney",
        norm="slaney",
        min_freq=0.0,
    )
    m = fastmel.MFCC(n_mfcc=13, **same)
    rows = {
        "kmfcc": ("fastmel.kaldi.Mfcc(23 bins, 13 ceps)", lambda: mf(x)),
        "kfbank": ("fastmel.kaldi.Fbank(23 bins)", lambda: fb23(x)),
        "mfcc": ("fastmel.MFCC(librosa's settings)", lambda: m(x)),
    }
    if versions["librosa"]:
        import librosa

        def run_librosa():
            for clip in x:
                librosa.feature.mfcc(
                    y=clip, sr=RATE, n_mfcc=13, n_fft=512, hop_length=160, win_length=400, n_mels=23
                )

        rows["librosa"] = ("librosa.feature.mfcc (same settings)", run_librosa)
    if versions["torchaudio"]:
        import torch
        import torchaudio

        ta_mfcc = torchaudio.transforms.MFCC(
            sample_rate=RATE,
            n_mfcc=13,
            melkwargs=dict(n_fft=512, hop_length=160, win_length=400, n_mels=23),
        )
        m_ta = fastmel.MFCC.from_preset(
            "torchaudio",
            n_mfcc=13,
            fft_length=512,
            sequence_length=400,
            sequence_stride=160,
            num_mel_bins=23,
        )
        tx = torch.from_numpy(x)
        rows["mfcc_ta"] = ("fastmel.MFCC(torchaudio's settings)", lambda: m_ta(x))
        rows["ta_mfcc"] = ("torchaudio.transforms.MFCC (same settings)", lambda: ta_mfcc(tx))
    section(rows)

    energy = fk.Fbank(use_energy=True)
    mel = fastmel.MelSpectrogram(
        fft_length=512,
        sequence_length=400,
        sequence_stride=160,
        num_mel_bins=23,
        center=False,
        top_db=None,
        log_mode="natural",
        sampling_rate=RATE,
    )
    section(
        {
            "kaldi_stages": ("fastmel.kaldi.Fbank(use_energy=True)", lambda: energy(x)),
            "mel_path": ("MelSpectrogram on the same frames (no conditioning)", lambda: mel(x)),
        }
    )
    section(
        {
            "one": ("fastmel.kaldi.Fbank(23 bins), one thread", lambda: fb23(x)),
            "all": (
                f"fastmel.kaldi.Fbank(23 bins), num_threads=-1 ({available_cores()} cores)",
                lambda: fb23(x, num_threads=-1),
            ),
        },
        apart=True,
    )

    print("ratios (from this run; pairs timed together, threads in stretches of their own):")

    def ratio(text: str, a: str, b: str) -> None:
        if a in results and b in results:
            print(f"  {text:64s} {results[a] / results[b]:6.2f}x")

    for bins in (23, 80):
        ratio(f"kaldi-native-fbank / fastmel Fbank ({bins} bins)", f"knf{bins}", f"fbank{bins}")
        ratio(f"torchaudio kaldi.fbank / fastmel Fbank ({bins} bins)", f"ta{bins}", f"fbank{bins}")
    ratio("fastmel.kaldi.Mfcc / fastmel Fbank (23 bins)", "kmfcc", "kfbank")
    ratio("librosa.feature.mfcc / fastmel.MFCC", "librosa", "mfcc")
    ratio("torchaudio MFCC / fastmel.MFCC", "ta_mfcc", "mfcc_ta")
    ratio(
        "Kaldi stages: Fbank(use_energy) / MelSpectrogram, same frames", "kaldi_stages", "mel_path"
    )
    ratio(f"one thread / num_threads=-1 on {available_cores()} cores (Fbank 23 bins)", "one", "all")
    if os.environ.get("FASTMEL_KERNEL"):
        print(f"(FASTMEL_KERNEL={os.environ['FASTMEL_KERNEL']})")
    if args.png:
        chart(results, labels, args.png)


def chart(results: dict[str, float], labels: dict[str, str], path: str) -> None:
    """The x realtime of every row, grouped as printed, on a log scale."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart")
        return
    keys = [k for k in results if k != "kfbank"]  # the Mfcc block repeats Fbank(23 bins)
    fig, ax = plt.subplots(figsize=(10, 0.38 * len(keys) + 1.2))
    values = [AUDIO / results[k] for k in keys]
    colours = [
        "tab:blue" if labels[k].startswith(("fastmel", "MelSpectrogram")) else "tab:gray"
        for k in keys
    ]
    ax.barh(range(len(keys)), values, color=colours)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels([labels[k] for k in keys], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("x realtime (audio seconds per wall second), one thread unless stated")
    ax.set_title(
        f"Kaldi features and MFCCs: {CLIPS} x {SECONDS} s at {RATE} Hz, float32 "
        "(fastmel blue, references grey)",
        fontsize=9,
    )
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:,.0f}", va="center", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"chart written to {path}")


if __name__ == "__main__":
    main()
