"""What a type checker says of a user's script: ``mypy --strict`` passes a
correct one and flags each mistake a user makes (a misspelt preset or
option, setting an option, the ``lengths=`` call taken for one array)."""

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy", reason="needs mypy (the test extra installs it)")

GOOD = """
import numpy as np
import fastmel

layer = fastmel.MelSpectrogram.from_preset("whisper")
x = np.zeros(16000, np.float32)
y: np.ndarray = layer(x)
feats, frames = layer(x[None], lengths=[16000])
both: np.ndarray = feats + frames[:, None, None]
smaller: fastmel.MelSpectrogram = layer.replace(num_mel_bins=64, top_db=None)
mfcc = fastmel.MFCC.from_preset("librosa").replace(n_mfcc=13, num_mel_bins=40)
c: np.ndarray = mfcc(x)
top: float | None = layer.top_db
import fastmel.kaldi
import fastmel.transformers as ft
fb = fastmel.kaldi.Fbank(num_mel_bins=40)
k: np.ndarray = fb(x)
kf, kn = fb(x[None], lengths=[16000])
whisper: ft.WhisperFeatureExtractor = ft.WhisperFeatureExtractor.from_dict({})
print(y.shape, both.shape, smaller.num_mel_bins, c.shape, top, k.shape, kf.shape, kn, whisper)
"""

MISTAKES = {
    "preset": ('fastmel.MelSpectrogram.from_preset("whispr")', "whispr"),
    "option": ("fastmel.MelSpectrogram().replace(num_mel_bin=64)", "num_mel_bin"),
    "mfcc option": ("fastmel.MFCC().replace(n_mfc=13)", "n_mfc"),
    "setting": ("layer = fastmel.MelSpectrogram()\nlayer.top_db = 60.0", "final"),
    "kaldi lengths": (
        "import numpy as np, fastmel.kaldi\n"
        "k: np.ndarray = fastmel.kaldi.Fbank()(np.zeros((1, 999)), lengths=[999])",
        "tuple",
    ),
    "lengths": (
        "import numpy as np\n"
        "x: np.ndarray = fastmel.MelSpectrogram()(np.zeros((1, 9)), lengths=[9])",
        "tuple",
    ),
}


def _mypy(tmp_path, code):
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )


def test_a_correct_script_passes(tmp_path):
    r = _mypy(tmp_path, GOOD)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_is_flagged(tmp_path, mistake):
    code, word = MISTAKES[mistake]
    r = _mypy(tmp_path, "import fastmel\n" + code + "\n")
    assert r.returncode == 1, r.stdout + r.stderr
    assert word in r.stdout.lower(), r.stdout
