"""RSS growth over many calls of varied shapes and configurations.

    python bench/leaks.py [--calls 10000]

Warms up with every configuration and shape once, then runs the calls and
reports resident-set growth between the end of the warm-up and the end. A leak
of even a few bytes per call shows as steady growth; the figure should stay
well under 1 MiB.
"""

import argparse
import pathlib

import numpy as np

import fastmel
import fastmel.kaldi as fk


def rss():
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=10_000)
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    layers = [
        fastmel.MelSpectrogram(
            fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=80
        ),
        fastmel.MelSpectrogram(
            fft_length=400, sequence_stride=160, num_mel_bins=80, power_to_db=False, num_threads=2
        ),
        fastmel.MelSpectrogram(
            fft_length=257, sequence_stride=64, num_mel_bins=32, mag_exp=1.0, top_db=None
        ),
        fastmel.MelSpectrogram(fft_length=2048, window="hamming", num_threads=-1),
        fastmel.MelSpectrogram.from_preset("whisper", top_db_scope="example"),
        fastmel.MelSpectrogram.from_preset(
            "librosa", center=False, log_mode="natural", log_offset=1e-6
        ),
        fastmel.MFCC.from_preset("torchaudio", n_mfcc=13, num_mel_bins=40, top_db=30.0),
    ]
    # The Kaldi front ends: (..., time) -> (..., frames, bins), streams without
    # subtract_mean, lengths= on 2-D input.
    kaldi = [
        fk.Fbank(num_mel_bins=80, use_energy=True, dither=1.0, dither_seed=3),
        fk.Mfcc(snip_edges=False, htk_compat=True),
        fk.Spectrogram(window_type="hamming", num_threads=2),
    ]
    shapes = [(1,), (7,), (1000,), (3, 4000), (2, 2, 1500), (16000,)]
    dtypes = [np.float32, np.float64, np.int16]
    inputs = [rng.standard_normal(s).astype(d) for s in shapes for d in dtypes]
    bad = [np.zeros(0), np.zeros(4, complex), np.array(["a"])]

    def one(i):
        if i % 4 == 3:  # a Kaldi front end on int16-scale samples
            front = kaldi[i % len(kaldi)]
            x = inputs[i % len(inputs)] * 3000
            front(x)
            if x.ndim == 2 and i % 20 == 3:
                front(x, lengths=np.arange(x.shape[0]) * x.shape[-1] // x.shape[0])
            if i % 40 == 3:
                stream = front.stream()
                for chunk in np.array_split(x, 3, axis=-1):
                    stream.push(chunk)
                stream.flush()
            return
        layer = layers[i % len(layers)]
        layer(inputs[i % len(inputs)])
        if i % 50 == 0:  # the error paths must not leak either
            try:
                layer(bad[(i // 50) % len(bad)])
            except (ValueError, TypeError):
                pass
        if i % 100 == 0:  # nor building and dropping layers
            fastmel.MelSpectrogram(fft_length=128 + i % 64, num_mel_bins=16)
        if i % 10 == 0:  # nor out= and streams
            x = inputs[i % len(inputs)]
            layer(
                x,
                out=np.empty(
                    layer.compute_output_shape(x.shape),
                    np.float64 if x.dtype == np.float64 else np.float32,
                ),
            )
            if not isinstance(layer, fastmel.MFCC):  # (an MFCC with a floor cannot stream)
                stream = layer.stream()
                for chunk in np.array_split(x, 3, axis=-1):
                    stream.push(chunk)
                stream.flush()

    for i in range(2 * len(layers) * len(inputs)):
        one(i)
    start = rss()
    for i in range(args.calls):
        one(i)
    growth = rss() - start
    print(
        f"fastmel {fastmel.__version__}: {args.calls:,} calls over {len(layers)} layers and "
        f"{len(kaldi)} Kaldi front ends (every 4th call), {len(inputs)} inputs, the error "
        "paths, out=, lengths= and streams"
    )
    print(
        f"RSS after warm-up {start / 2**20:.1f} MiB, growth {growth / 1024:.0f} KiB "
        f"({growth / args.calls:.1f} bytes per call)"
    )


if __name__ == "__main__":
    main()
