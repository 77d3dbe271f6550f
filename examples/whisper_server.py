"""An inference server's front end: uploaded WAV files in, Whisper features out.

    python examples/whisper_server.py --port 8000 --workers 2
    curl --data-binary @speech.wav http://localhost:8000/features -o features.npy

One ``fastmel.transformers.WhisperFeatureExtractor`` is shared by every request
thread: its calls release the GIL, so requests on a thread pool use every core.
Each call runs on one thread (``num_threads=1``): with many requests in flight
the pool already keeps the cores busy, and one thread per call has the least
overhead. ``bench/whisper_server.py`` measures the throughput of ``features``.
"""

from __future__ import annotations

import argparse
import io
import wave
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

import fastmel.transformers as ft

EXTRACTOR = ft.WhisperFeatureExtractor(num_threads=1)


def decode_wav(data: bytes) -> np.ndarray:
    """16-bit PCM WAV bytes as float32 samples in [-1, 1), channels averaged.

    Raises ValueError for another sample format or a rate other than the
    extractor's (resample before uploading).
    """
    try:
        with wave.open(io.BytesIO(data)) as w:
            rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a WAV file: {exc}") from None
    if width != 2:
        raise ValueError(f"expected 16-bit PCM, got {8 * width}-bit samples")
    if rate != EXTRACTOR.sampling_rate:
        raise ValueError(f"expected {EXTRACTOR.sampling_rate} Hz audio, got {rate} Hz")
    x = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    return (x.mean(axis=1) if channels > 1 else x[:, 0]).astype(np.float32) / 32768.0


def features(data: bytes) -> np.ndarray:
    """The request handler's work: WAV bytes to Whisper's ``(80, 3000)`` features."""
    clip = decode_wav(data)
    return EXTRACTOR(clip, sampling_rate=EXTRACTOR.sampling_rate).input_features[0]


class Handler(BaseHTTPRequestHandler):
    """POST /features with a WAV body: the features as a .npy file."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self.path != "/features":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            out = features(body)
        except ValueError as exc:
            self.send_error(400, str(exc))
            return
        buf = io.BytesIO()
        np.save(buf, out)
        payload = buf.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:  # quiet
        pass


class PoolServer(ThreadingHTTPServer):
    """An HTTP server whose requests run on a fixed pool of threads."""

    def __init__(self, address: tuple[str, int], workers: int) -> None:
        super().__init__(address, Handler)
        self.pool = ThreadPoolExecutor(max_workers=workers)

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        self.pool.submit(self.process_request_thread, request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="request threads")
    args = parser.parse_args()
    with PoolServer(("127.0.0.1", args.port), args.workers) as server:
        print(f"serving on http://127.0.0.1:{server.server_address[1]}/features")
        server.serve_forever()


if __name__ == "__main__":
    main()
