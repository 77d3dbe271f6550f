"""The built documentation site, opened in headless Chromium: the index, a user
guide page, an API page, a gallery page and the search page render, with no
error in the console and no resource that fails to load, and the search finds
what it should.

The site is built by the command in the README (``python -m sphinx -W
--keep-going -b html docs build/docs``); ``FASTMEL_DOCS_SITE`` names another
folder. Without a built site or Chromium these tests skip, unless
``FASTMEL_REQUIRE_DOCS=1`` (CI's docs leg), where a skip would hide a broken
build and so fails instead.
"""

import base64
import functools
import http.server
import json
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("FASTMEL_DOCS_SITE", ROOT / "build" / "docs"))
REQUIRED = os.environ.get("FASTMEL_REQUIRE_DOCS") == "1"


def _unavailable(reason):
    if REQUIRED:
        pytest.fail(f"FASTMEL_REQUIRE_DOCS=1 but {reason}")
    pytest.skip(reason)


class WebSocket:
    """The client side of RFC 6455, as much as the DevTools protocol needs:
    text messages, masked when sent, fragments joined, pings answered."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError(head.decode(errors="replace"))

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("the browser closed the connection")
        self.buf += data

    def _read(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack(">BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            header = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self, timeout):
        """The next text message; TimeoutError if none starts within `timeout`."""
        self.sock.settimeout(timeout)
        if not self.buf:
            self._fill()  # the only read that may time out: nothing is consumed yet
        self.sock.settimeout(30)
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack(">H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack(">Q", self._read(8))
            payload = self._read(n)  # a server's frames are not masked
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("the browser closed the connection")
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode in (0x0, 0x1):
                message += payload
                if b0 & 0x80:
                    return message.decode()

    def close(self):
        self.sock.close()


class Browser:
    """Chromium driven over its DevTools protocol: one page, its events kept."""

    def __init__(self, executable, profile):
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",  # CI runs as root, where the sandbox cannot start
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Not the sanitizer runtime the suite may run under (tools/sanitize.sh).
            env={k: v for k, v in os.environ.items() if k != "LD_PRELOAD"},
        )
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0
        self.events = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def drain(self, seconds):
        """Collect the events that arrive in the next `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                break

    def open(self, url):
        """Load `url` and wait for its load event; return the page's problems."""
        self.events = []
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            assert time.monotonic() < deadline, f"{url} did not finish loading"
            self.drain(0.1)
        self.drain(0.5)  # scripts that run after the load event

    def problems(self):
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(params["exceptionDetails"].get("exception", {}).get("description"))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                out.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                out.append(f"{params['entry']['text']} {params['entry'].get('url', '')}")
        return out

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self):
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    """The built site served over HTTP on loopback, as a reader's browser gets
    it (the search page fetches the pages it lists, which a file:// page may not)."""
    if not (SITE / "index.html").exists():
        _unavailable(f"no built site at {SITE} (build it with the README's docs command)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (SITE / "index.html").exists():
        _unavailable(f"no built site at {SITE} (build it with the README's docs command)")
    executable = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    if executable is None:
        _unavailable("no Chromium (Debian: apt-get install chromium)")
    b = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


PAGES = {
    "index.html": "Getting started",
    "guide/melspectrogram.html": "Beyond Keras",
    "api/fastmel.html": "MelSpectrogram",
    "gallery/plot_speech_logmel.html": "A log-mel spectrogram of speech",
}


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_console_errors(browser, site, page):
    browser.open(site + page)
    assert browser.problems() == []
    text = browser.evaluate("document.querySelector('article').innerText")
    assert PAGES[page] in text
    # Every image on the page loaded (the gallery's figures, the benchmark charts).
    broken = browser.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == []


def test_search_finds_the_front_ends(browser, site):
    browser.open(site + "search.html?q=MelSpectrogram")
    deadline = time.monotonic() + 20
    while True:
        hits = browser.evaluate(
            "[...document.querySelectorAll('#search-results li a')].map(a => a.textContent)"
        )
        if hits or time.monotonic() > deadline:
            break
        browser.drain(0.2)
    browser.drain(1.0)  # the summaries it fetches for the hits
    assert browser.problems() == []
    assert any("MelSpectrogram" in h for h in hits), hits


def test_the_gallery_ran_its_examples():
    """Each example's page holds its printed output and its figures, which only
    exist if the build ran it."""
    if not (SITE / "index.html").exists():
        _unavailable(f"no built site at {SITE}")
    sources = sorted((ROOT / "docs" / "examples").glob("plot_*.py"))
    assert len(sources) >= 5
    for source in sources:
        html = (SITE / "gallery" / f"{source.stem}.html").read_text()
        assert "sphx-glr-script-out" in html, source.name
        assert f"sphx_glr_{source.stem}_001" in html, source.name
