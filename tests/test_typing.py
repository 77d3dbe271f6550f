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
rate: int = whisper.sampling_rate
fb80: fastmel.kaldi.Fbank = fb.replace(num_mel_bins=80, window_type="hamming")
ceps: fastmel.kaldi.Mfcc = fastmel.kaldi.Mfcc().replace(num_ceps=20)
gemma = ft.Gemma3nAudioFeatureExtractor()
hop: int = gemma.hop_length
print(y.shape, both.shape, smaller.num_mel_bins, c.shape, top, k.shape, kf.shape, kn, whisper)
w128: ft.WhisperFeatureExtractor = whisper.replace(feature_size=128)
d1: fastmel.Deltas = fastmel.Deltas().replace(order=1)
print(rate, fb80.num_mel_bins, ceps.num_ceps, hop, w128, d1)
"""

MISTAKES = {
    "preset": ('fastmel.MelSpectrogram.from_preset("whispr")', "whispr"),
    "option": ("fastmel.MelSpectrogram().replace(num_mel_bin=64)", "num_mel_bin"),
    "mfcc option": ("fastmel.MFCC().replace(n_mfc=13)", "n_mfc"),
    "setting": ("layer = fastmel.MelSpectrogram()\nlayer.top_db = 60.0", "final"),
    "kaldi setting": ("import fastmel.kaldi\nfastmel.kaldi.Fbank().dither = 1.0", "final"),
    "kaldi option": (
        "import fastmel.kaldi\nfastmel.kaldi.Fbank().replace(num_mel_bin=64)",
        "num_mel_bin",
    ),
    "kaldi window": (
        'import fastmel.kaldi\nfastmel.kaldi.Fbank().replace(window_type="hann_window")',
        "window_type",
    ),
    "mfcc option on fbank": (
        "import fastmel.kaldi\nfastmel.kaldi.Fbank().replace(num_ceps=13)",
        "num_ceps",
    ),
    "extractor setting": (
        "import fastmel.transformers as ft\nft.WhisperFeatureExtractor().sampling_rate = 8000",
        "final",
    ),
    "gemma setting": (
        "import fastmel.transformers as ft\nft.Gemma4AudioFeatureExtractor().hop_length = 80",
        "final",
    ),
    "parakeet setting": (
        "import fastmel.transformers as ft\nft.ParakeetFeatureExtractor().n_fft = 1024",
        "final",
    ),
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


def test_every_extractors_options_are_read_only(tmp_path):
    """mypy flags an assignment to an option of each transformers extractor
    (``sampling_rate``, which all of them have), one error per class."""
    import fastmel.transformers as ft

    names = [
        n for n in ft.__all__ if n.endswith("FeatureExtractor") and n != "AutoFeatureExtractor"
    ]
    assert len(names) == 26
    code = "import fastmel.transformers as ft\n" + "".join(
        f"ft.{name}().sampling_rate = 1\n" for name in names
    )
    r = _mypy(tmp_path, code)
    flagged = r.stdout.count('Cannot assign to final attribute "sampling_rate"')
    assert flagged == len(names), r.stdout
