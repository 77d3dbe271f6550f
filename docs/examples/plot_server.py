"""
An inference server's front end
===============================

``examples/whisper_server.py`` is a small HTTP server: a request's body is a
WAV file, its answer the clip's Whisper features as a ``.npy`` file. One
``WhisperFeatureExtractor`` serves every request thread. Here the server runs
in this process on a free port, and a few clients post the gallery's speech
clip to it at the same time.
"""

import importlib.util
import io
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

# The examples run from docs/examples/ when the site is built.
path = Path.cwd().parents[1] / "examples" / "whisper_server.py"
spec = importlib.util.spec_from_file_location("whisper_server", path)
whisper_server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(whisper_server)

server = whisper_server.PoolServer(("127.0.0.1", 0), workers=2)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/features"
body = (Path("data") / "speech.wav").read_bytes()


def request(_: int) -> tuple[float, np.ndarray]:
    """One client's request: its latency in ms and the features it got."""
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=body)) as answer:
        features = np.load(io.BytesIO(answer.read()))
    return 1000 * (time.perf_counter() - start), features


with ThreadPoolExecutor(max_workers=4) as clients:
    start = time.perf_counter()
    results = list(clients.map(request, range(200)))
    elapsed = time.perf_counter() - start
server.shutdown()
server.server_close()

latencies = np.array([ms for ms, _ in results])
features = results[0][1]
print(f"{len(results)} requests in {elapsed:.2f} s: {len(results) / elapsed:.0f} requests/s")
median, p95 = np.percentile(latencies, [50, 95])
print(f"latency: median {median:.2f} ms, 95th percentile {p95:.2f} ms")
print("every answer the same:", all(np.array_equal(f, features) for _, f in results))

# %%
# The answer is Whisper's ``(80, 3000)`` features of the clip padded to 30 s.

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3), layout="constrained")
left.imshow(features[:, :500], origin="lower", aspect="auto", cmap="magma")
left.set_title("the answer's first 5 s", fontsize=9)
left.set_xlabel("frame")
left.set_ylabel("mel bin")
right.hist(latencies, bins=30, color="tab:green")
right.set_title("request latency, 4 clients at once", fontsize=9)
right.set_xlabel("ms")
plt.show()
