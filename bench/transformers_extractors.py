"""fastmel.transformers against the transformers feature extractors.

    python bench/transformers_extractors.py      # needs transformers, torch, torchaudio

One thread unless stated (torch limited to one thread), float32 audio at
16 kHz, each extractor's default call. Blocks, each timed together in
interleaved rounds in a shuffled order (at least 5 rounds and ``--budget``
seconds of timing per row), one thread against num_threads=-1 in stretches of
their own instead (bench/_timing.py says why); medians:

- Whisper, a batch of 8 clips of 5 to 30 s (padded to 30 s): fastmel's
  WhisperFeatureExtractor; transformers' torch path; its NumPy path (the one
  it takes without torch, forced here by telling it torch is absent).
- Whisper, the same batch and one 10 s request: one thread against
  num_threads=-1.
- Every other extractor, 8 clips of 5-30 s at its own rate, its default call (SpeechT5:
  ``audio_target`` padded to the longest): fastmel against the path
  transformers takes here (its torch or torchaudio path where it has one, else
  its NumPy code); and fastmel's call of that batch and of one 10 s request on
  one thread against all cores (``fastmel.set_num_threads``), in stretches of
  their own (``--no-threads`` leaves these out).
"""

from __future__ import annotations

import argparse
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
import fastmel.transformers as ft
from fastmel._options import available_cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of timing per row")
    parser.add_argument(
        "--no-threads", dest="threads", action="store_false",
        help="leave out each extractor's one-thread / all-cores rows",
    )  # fmt: skip
    args = parser.parse_args()
    import torch
    import transformers
    from transformers.models.whisper import feature_extraction_whisper as hf_whisper

    allocator = steady_allocator()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    seconds = np.linspace(5, 30, 8)
    clips = [(0.1 * rng.standard_normal(int(s * 16000))).astype(np.float32) for s in seconds]
    audio = float(seconds.sum())
    print(f"machine: {platform.machine()}, {available_cores()} cores, {platform.platform()}")
    print(allocator)
    print(
        f"python {platform.python_version()}, fastmel {fastmel.__version__}, transformers "
        f"{transformers.__version__}, torch {torch.__version__}, numpy {np.__version__}"
    )
    print(
        f"workload: Whisper, 8 clips of 5-30 s ({audio:.0f} s of audio), default call "
        "(BLAS and torch limited to one thread)\n"
    )
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

    def block(
        title: str, rows: dict[str, tuple[str, Any]], seconds: float, apart: bool = False
    ) -> dict[str, float]:
        print(title)
        timer = timed_apart if apart else timed_together
        with single_threaded_blas():
            got = timer({k: fn for k, (_, fn) in rows.items()}, args.budget)
        for key, (label, _) in rows.items():
            print(f"  {label:50s} {got[key] * 1e3:9.2f} ms {seconds / got[key]:9,.0f}x realtime")
        print()
        return got

    w = block(
        "Whisper, 8 clips of 5-30 s",
        {
            "fastmel": (
                "fastmel WhisperFeatureExtractor, one thread",
                lambda: ours(clips, sampling_rate=16000, return_tensors="np"),
            ),
            "torch": (
                "transformers, torch path (one thread)",
                lambda: ref(clips, sampling_rate=16000, return_tensors="np"),
            ),
            "numpy": ("transformers, NumPy path", reference_numpy),
        },
        audio,
    )

    def threads(title: str, audio_in: Any, seconds: float) -> dict[str, float]:
        """fastmel's Whisper extractor on one thread against all cores."""
        return block(
            title,
            {
                "one": (
                    "fastmel, one thread",
                    lambda: ours(audio_in, sampling_rate=16000, return_tensors="np"),
                ),
                "all": (
                    f"fastmel, num_threads=-1 ({available_cores()} cores)",
                    lambda: ours_all(audio_in, sampling_rate=16000, return_tensors="np"),
                ),
            },
            seconds,
            apart=True,
        )

    b = threads("Whisper, 8 clips of 5-30 s, threads", clips, audio)
    r = threads("Whisper, one 10 s request", clips[1][: 10 * 16000], 10.0)
    others = {}
    cores: dict[str, dict[str, float]] = {}

    def rate(fe: Any, x: Any, **kw: Any) -> Any:
        return fe(x, sampling_rate=fe.sampling_rate, **kw)

    def plain(fe: Any, x: Any, **kw: Any) -> Any:
        return fe(x, **kw)

    def seeded(fe: Any, x: Any, **kw: Any) -> Any:
        np.random.seed(0)  # noqa: NPY002 (CLAP draws its crops from NumPy's global generator)
        return fe(x, sampling_rate=fe.sampling_rate, **kw)

    for name, label, call in [
        ("ASTFeatureExtractor", "torchaudio path", rate),
        ("SeamlessM4TFeatureExtractor", "NumPy path, float64", rate),
        ("ParakeetFeatureExtractor", "torch path (one thread)", rate),
        (
            "SpeechT5FeatureExtractor",
            "NumPy path (audio_target, padded)",
            lambda fe, x, **kw: fe(audio_target=x, padding=True, sampling_rate=16000, **kw),
        ),
        ("Speech2TextFeatureExtractor", "torchaudio path", rate),
        ("VoxtralRealtimeFeatureExtractor", "torch path (one thread)", rate),
        ("Qwen3ASRFeatureExtractor", "torch path (one thread)", rate),
        ("MossTranscribeDiarizeFeatureExtractor", "torch path (one thread)", rate),
        ("Dots3NoteFeatureExtractor", "torch path (one thread)", rate),
        ("Gemma3nAudioFeatureExtractor", "NumPy path", plain),
        ("Gemma4AudioFeatureExtractor", "NumPy path", plain),
        ("Phi4MultimodalFeatureExtractor", "torch path (one thread)", rate),
        ("GraniteSpeechFeatureExtractor", "torchaudio path", plain),
        ("GraniteSpeech5FeatureExtractor", "torchaudio path", rate),
        ("NemotronAsrStreamingFeatureExtractor", "torch path (one thread)", rate),
        ("NeuCodecFeatureExtractor", "torchaudio path", rate),
        ("Xcodec2FeatureExtractor", "torchaudio path", rate),
        ("LasrFeatureExtractor", "torch path, float64 (one thread)", rate),
        ("InklingFeatureExtractor", "torch path (one thread)", rate),
        ("UnivNetFeatureExtractor", "NumPy path, float64", rate),
        ("FunAsrNanoFeatureExtractor", "torchaudio path", rate),
        ("ClvpFeatureExtractor", "NumPy path, float64", rate),
        ("CohereAsrFeatureExtractor", "torch path (one thread)", rate),
        ("MusicgenMelodyFeatureExtractor", "torch path (one thread)", rate),
        ("ClapFeatureExtractor", "NumPy path, float64", seeded),
    ]:
        hf = getattr(transformers, name)()
        fm = getattr(ft, name).from_feature_extractor(hf)
        # 8 clips of 5-30 s at the extractor's own rate
        sr = int(hf.sampling_rate)
        at_rate = [(0.1 * rng.standard_normal(int(s * sr))).astype(np.float32) for s in seconds]
        no_tensors = name in ("GraniteSpeechFeatureExtractor",)
        kw: dict[str, Any] = {} if no_tensors else {"return_tensors": "np"}
        short = name[: -len("FeatureExtractor")]
        others[name] = block(
            f"{name}, 8 clips of 5-30 s at {sr} Hz",
            {
                "fastmel": (
                    f"fastmel {short}, one thread",
                    lambda fm=fm, call=call, kw=kw, x=at_rate: call(fm, x, **kw),
                ),
                "ref": (
                    f"transformers, {label}",
                    lambda hf=hf, call=call, kw=kw, x=at_rate: call(hf, x, **kw),
                ),
            },
            audio,
        )
        if args.threads:
            request = at_rate[1][: 10 * sr]

            def on(cores: int, x: Any, fm: Any = fm, call: Any = call, kw: Any = kw) -> Any:
                with fastmel.set_num_threads(cores):  # (every front end honours it)
                    return call(fm, x, **kw)

            cores[name] = block(
                f"{name}: batch, one thread against all {available_cores()} cores",
                {
                    "batch1": ("one thread", lambda on=on, x=at_rate: on(1, x)),
                    "batchN": ("num_threads=-1", lambda on=on, x=at_rate: on(-1, x)),
                },
                audio,
                apart=True,
            )
            cores[name] |= block(
                f"{name}: one 10 s request, one thread against all cores",
                {
                    "req1": ("one thread", lambda on=on, x=[request]: on(1, x)),
                    "reqN": ("num_threads=-1", lambda on=on, x=[request]: on(-1, x)),
                },
                10.0,
                apart=True,
            )
    print("ratios (from this run; pairs timed together, threads in stretches of their own):")
    print(f"  Whisper: transformers NumPy path / fastmel      {w['numpy'] / w['fastmel']:6.1f}x")
    print(f"  Whisper: transformers torch path / fastmel      {w['torch'] / w['fastmel']:6.1f}x")
    print(f"  Whisper batch: one thread / num_threads=-1      {b['one'] / b['all']:6.2f}x")
    print(f"  Whisper 10 s request: one thread / all cores    {r['one'] / r['all']:6.2f}x")
    for name, got in others.items():
        print(f"  {name:40s} transformers / fastmel {got['ref'] / got['fastmel']:7.1f}x")
    if cores:
        print(f"two cores (one thread / num_threads=-1, {available_cores()} cores):")
        for name, got in cores.items():
            print(
                f"  {name:40s} batch {got['batch1'] / got['batchN']:5.2f}x   "
                f"10 s request {got['req1'] / got['reqN']:5.2f}x"
            )


if __name__ == "__main__":
    main()
