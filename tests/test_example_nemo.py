"""examples/nemo_preprocessor.py: NeMo's preprocessor written as a fastmel
front end equals fastmel's Parakeet extractor (NeMo's preprocessor as
transformers ships it, tested against transformers' own output), and has the
whole front-end protocol."""

import pathlib
import pickle
import sys

import numpy as np
import pytest

import fastmel
import fastmel.transformers as ft

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))
from nemo_preprocessor import NeMoMelSpectrogram  # noqa: E402


def test_equals_the_parakeet_extractor():
    rng = np.random.default_rng(0)
    clips = [
        rng.standard_normal(16000).astype(np.float32),
        rng.standard_normal(9001).astype(np.float32),
    ]
    nemo = NeMoMelSpectrogram(features=80)
    batch = np.zeros((2, 16000), np.float32)
    for row, c in zip(batch, clips, strict=True):
        row[: c.size] = c
    feats, valid = nemo(batch, lengths=[16000, 9001])
    want = ft.ParakeetFeatureExtractor()(clips, sampling_rate=16000)
    frames = want.input_features.shape[1]
    assert feats.shape == (2, 80, 112)  # 101 frames, padded to a multiple of 16
    np.testing.assert_array_equal(valid, want.attention_mask.sum(axis=1))
    np.testing.assert_allclose(
        feats[:, :, :frames], np.swapaxes(want.input_features, 1, 2), atol=2e-5
    )
    assert np.all(feats[:, :, frames:] == 0.0)
    assert np.all(feats[1, :, valid[1] :] == 0.0)


def test_is_a_front_end():
    nemo = NeMoMelSpectrogram(features=40, pad_to=0, pad_value=-1.0)
    assert isinstance(nemo, fastmel.FrontEnd)
    assert pickle.loads(pickle.dumps(nemo)) == nemo
    assert nemo.replace(features=40) == nemo and nemo.replace(features=64) != nemo
    x = np.random.default_rng(1).standard_normal((1, 4000)).astype(np.float32)
    feats, valid = nemo(x)
    assert feats.shape == (1, 40, 26) and valid.tolist() == [25]
    assert np.all(feats[0, :, 25] == -1.0)
    with fastmel.set_num_threads(2):
        np.testing.assert_array_equal(nemo(x)[0], feats)
    with pytest.raises(TypeError, match="unknown"):
        NeMoMelSpectrogram(nfilt=80)
    with pytest.raises(AttributeError, match="immutable"):
        nemo.features = 80
