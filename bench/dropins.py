"""fastmel.torchaudio and fastmel.librosa against torchaudio and librosa.

    python bench/dropins.py      # needs torch, torchaudio and librosa

16 clips of 10 s at 16 kHz, float32, one (2, 8, 160000) batch for the
transforms and for librosa (both take leading dimensions), one thread (torch
and BLAS limited to one thread), each call with its defaults but the sampling
rate. Each pair is timed together in interleaved rounds (bench/_timing.py),
medians:

- torchaudio.transforms.MelSpectrogram and MFCC against fastmel.torchaudio's,
  both on a tensor; fastmel's also on the NumPy array (tensor in/out cost);
- librosa.feature.melspectrogram and mfcc against fastmel.librosa's (sr=16000);
- librosa.pcen on that mel spectrogram (x 2**31) and librosa.feature.delta on
  those MFCCs, against fastmel.librosa's.
"""

from __future__ import annotations

import argparse
import platform
import warnings

import numpy as np
from _timing import single_threaded_blas, steady_allocator, timed_together

import fastmel
import fastmel.librosa as flr
import fastmel.torchaudio as fta
from fastmel._options import available_cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of timing per row")
    args = parser.parse_args()
    import librosa
    import torch
    import torchaudio

    # The defaults' empty mel filters (128 bands of a 400-point FFT): both warn alike.
    warnings.filterwarnings("ignore", message=".*(all zero|empty|Empty filters).*")
    allocator = steady_allocator()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal((2, 8, 160000))).astype(np.float32)
    t = torch.from_numpy(x)
    audio = 160.0
    print(f"machine: {platform.machine()}, {available_cores()} cores, {platform.platform()}")
    print(allocator)
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__}, torch "
        f"{torch.__version__}, torchaudio {torchaudio.__version__}, librosa "
        f"{librosa.__version__}, numpy {np.__version__}"
    )
    print("workload: 16 clips of 10 s at 16 kHz as one (2, 8, 160000) float32 batch, one thread\n")
    ratios: list[tuple[str, float, str]] = []

    def pair(title: str, rows: dict[str, tuple[str, object]]) -> dict:
        print(title)
        with single_threaded_blas():
            got = timed_together({k: fn for k, (_, fn) in rows.items()}, args.budget)
        for key, (label, _) in rows.items():
            print(f"  {label:48s} {got[key] * 1e3:9.2f} ms {audio / got[key]:9,.0f}x realtime")
        print()
        return got

    with torch.no_grad():
        for name in ("MelSpectrogram", "MFCC"):
            ref = getattr(torchaudio.transforms, name)()
            ours = getattr(fta.transforms, name)()
            got = pair(
                f"torchaudio.transforms.{name}()",
                {
                    "ref": (f"torchaudio {name}, tensor", lambda r=ref: r(t)),
                    "ours": (f"fastmel.torchaudio {name}, tensor", lambda o=ours: o(t)),
                    "np": (f"fastmel.torchaudio {name}, NumPy", lambda o=ours: o(x)),
                },
            )
            ratios.append((f"torchaudio {name} / fastmel", got["ref"] / got["ours"], ">= 6x"))
            ratios.append((f"fastmel {name}: tensor / NumPy", got["ours"] / got["np"], "<= 1.05"))

    mel = librosa.feature.melspectrogram(y=x, sr=16000)
    mfccs = librosa.feature.mfcc(y=x, sr=16000)
    for name, call in (
        ("melspectrogram", lambda lib: lib.feature.melspectrogram(y=x, sr=16000)),
        ("mfcc", lambda lib: lib.feature.mfcc(y=x, sr=16000)),
        ("pcen", lambda lib: lib.pcen(mel * 2**31, sr=16000)),
        ("delta", lambda lib: lib.feature.delta(mfccs)),
    ):
        got = pair(
            f"librosa {name}",
            {
                "ref": (f"librosa {name}", lambda c=call: c(librosa)),
                "ours": (f"fastmel.librosa {name}", lambda c=call: c(flr)),
            },
        )
        target = ">= 8x" if name in ("melspectrogram", "mfcc") else ">= 5x"
        ratios.append((f"librosa {name} / fastmel", got["ref"] / got["ours"], target))

    print("ratios (from this run; pairs timed together):")
    for label, value, target in ratios:
        print(f"  {label:44s} {value:7.2f}x   (target {target})")


if __name__ == "__main__":
    main()
