"""fastmel.transformers against the transformers feature extractors, on one workload.

    python bench/transformers_extractors.py      # needs transformers (and torch) installed

Whisper: a batch of 8 clips of 5 to 30 s at 16 kHz (float32), the default
call (padded to 30 s), one thread unless stated. Rows: fastmel's
WhisperFeatureExtractor; transformers' on its torch path (torch on one
thread); transformers' NumPy path (the one it takes without torch, forced
here by telling it torch is absent); and fastmel with num_threads=-1. The
rows are timed together in interleaved rounds in a shuffled order (at least 5
rounds and 1 s of timing per row); medians.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from _timing import timed_together  # bench/ is on sys.path when run as a script

import fastmel
import fastmel.transformers as ft
from fastmel._options import available_cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of timing per row")
    args = parser.parse_args()
    import torch
    import transformers
    from transformers.models.whisper import feature_extraction_whisper as hf_whisper

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    seconds = np.linspace(5, 30, 8)
    clips = [(0.1 * rng.standard_normal(int(s * 16000))).astype(np.float32) for s in seconds]
    audio = float(seconds.sum())
    print(f"machine: {platform.machine()}, {available_cores()} cores, {platform.platform()}")
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__}, transformers "
        f"{transformers.__version__}, torch {torch.__version__}, numpy {np.__version__}"
    )
    print(f"workload: Whisper, 8 clips of 5-30 s ({audio:.0f} s of audio), default call\n")
    ref = transformers.WhisperFeatureExtractor()
    ours = ft.WhisperFeatureExtractor.from_feature_extractor(ref)
    ours_all = ft.WhisperFeatureExtractor.from_dict(ref.to_dict(), num_threads=-1)

    def reference_numpy():
        real = hf_whisper.is_torch_available
        hf_whisper.is_torch_available = lambda: False
        try:
            ref(clips, sampling_rate=16000, return_tensors="np")
        finally:
            hf_whisper.is_torch_available = real

    rows = {
        "fastmel": (
            "fastmel WhisperFeatureExtractor, one thread",
            lambda: ours(clips, sampling_rate=16000, return_tensors="np"),
        ),
        "torch": (
            "transformers, torch path (one thread)",
            lambda: ref(clips, sampling_rate=16000, return_tensors="np"),
        ),
        "numpy": ("transformers, NumPy path", reference_numpy),
        "fastmel_all": (
            f"fastmel, num_threads=-1 ({available_cores()} cores)",
            lambda: ours_all(clips, sampling_rate=16000, return_tensors="np"),
        ),
    }
    got = timed_together({k: fn for k, (_, fn) in rows.items()}, args.budget)
    for key, (label, _) in rows.items():
        print(f"{label:48s} {got[key] * 1e3:9.2f} ms {audio / got[key]:9,.0f}x realtime")
    print("\nratios (from this run):")
    print(f"  transformers NumPy path / fastmel: {got['numpy'] / got['fastmel']:6.1f}x")
    print(f"  transformers torch path / fastmel: {got['torch'] / got['fastmel']:6.1f}x")
    print(f"  fastmel one thread / num_threads=-1: {got['fastmel'] / got['fastmel_all']:6.2f}x")


if __name__ == "__main__":
    main()
