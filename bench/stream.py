"""Cost of MelStream.push per chunk size, against one whole-signal call.

    python bench/stream.py

Streams 60 s of 16 kHz audio through the speech_25ms layer (power output, so
the streamed frames equal the whole-signal ones bit for bit, which is
checked) in chunks of 10 ms to 1 s, and prints the median time per push, the
time per second of audio, the ratio to the whole-signal call, and the
stream's buffer size (its state).
"""

import platform
import time

import numpy as np

import fastmel


def main():
    layer = fastmel.MelSpectrogram(
        fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=80, power_to_db=False
    )
    rate = 16000
    audio = np.random.default_rng(0).standard_normal(60 * rate).astype(np.float32)
    whole = layer(audio)
    best = min(_timed(lambda: layer(audio)) for _ in range(5))
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, fastmel "
        f"{fastmel.__version__}, {platform.machine()}"
    )
    print(f"whole 60 s call: {best * 1e3:.2f} ms ({best / 60 * 1e6:.1f} us per audio second)")
    print(
        "| chunk | pushes | median us/push | us per audio second | vs whole call "
        "| buffer (samples) |"
    )
    print("|---|---|---|---|---|---|")
    for chunk in (160, 1600, 16000):
        runs = []
        for _ in range(3):
            stream = layer.stream()
            times, parts = [], []
            for start in range(0, audio.size, chunk):
                t0 = time.perf_counter()
                parts.append(stream.push(audio[start : start + chunk]))
                times.append(time.perf_counter() - t0)
            parts.append(stream.flush())
            assert np.array_equal(np.concatenate(parts, axis=-1), whole)
            runs.append((np.median(times), sum(times), stream._st.buf.shape[1]))
        med, total, buf = min(runs, key=lambda r: r[1])
        print(
            f"| {chunk / rate * 1e3:g} ms | {len(times)} | {med * 1e6:.1f} | "
            f"{total / 60 * 1e6:.1f} | {total / best:.2f}x | {buf} |"
        )


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
