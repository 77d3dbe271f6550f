"""examples/whisper_server.py: the handler's features and the HTTP server."""

import io
import pathlib
import sys
import threading
import urllib.error
import urllib.request
import wave

import numpy as np
import pytest

import fastmel.transformers as ft

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
import whisper_server  # noqa: E402


def _wav(x, rate=16000, channels=1, width=2):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes((x * 32767).astype("<i2").tobytes() if width == 2 else x.tobytes())
    return buf.getvalue()


def test_features_equal_the_extractor_on_the_decoded_clip():
    x = np.random.default_rng(0).uniform(-0.5, 0.5, 12345)
    got = whisper_server.features(_wav(x))
    pcm = (x * 32767).astype("<i2").astype(np.float32) / 32768.0
    want = ft.WhisperFeatureExtractor()(pcm, sampling_rate=16000).input_features[0]
    assert got.shape == (80, 3000)
    np.testing.assert_array_equal(got, want)
    stereo = np.repeat(x, 2)  # interleaved, both channels equal
    np.testing.assert_array_equal(whisper_server.features(_wav(stereo, channels=2)), got)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a wav", "not a WAV file"),
        (_wav(np.zeros(100), rate=8000), "expected 16000 Hz"),
        (_wav(np.zeros(100, np.uint8), width=1), "16-bit PCM"),
    ],
)
def test_bad_uploads_are_clear_errors(data, message):
    with pytest.raises(ValueError, match=message):
        whisper_server.features(data)


def test_http_server_round_trip():
    server = whisper_server.PoolServer(("127.0.0.1", 0), workers=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/features"
        x = np.random.default_rng(1).uniform(-0.5, 0.5, 16000)
        with urllib.request.urlopen(urllib.request.Request(url, data=_wav(x))) as r:
            got = np.load(io.BytesIO(r.read()))
        np.testing.assert_array_equal(got, whisper_server.features(_wav(x)))
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(urllib.request.Request(url, data=b"junk"))
        assert info.value.code == 400
        info.value.close()
    finally:
        server.shutdown()
        server.server_close()
