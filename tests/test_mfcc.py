"""fastmel.MFCC against librosa and torchaudio (golden arrays, live when installed),
TensorFlow's scaling, and its own properties."""

import json
import pathlib
import pickle

import numpy as np
import pytest

import fastmel
from fastmel._mfcc import dct_matrix

DATA = pathlib.Path(__file__).parent / "data"
with np.load(DATA / "mfcc_golden.npz") as _d:
    GOLDEN = {k: _d[k] for k in _d.files}
META = json.loads(str(GOLDEN.pop("meta")))


@pytest.mark.parametrize("name", sorted(META["cases"]))
def test_golden(name):
    case = META["cases"][name]
    x, want = GOLDEN[f"{name}/x"], GOLDEN[f"{name}/y"]
    got = fastmel.MFCC.from_preset(case["preset"], **case["overrides"])(x)
    assert got.shape == want.shape and got.dtype == np.float32
    # Cepstra mix bands of every level: the difference relative to the largest
    # coefficient of the frame (float32 dB differences of ~1e-3 near the floor).
    scale = np.abs(want).max(axis=-2, keepdims=True)
    np.testing.assert_array_less(
        np.abs(got - want), np.broadcast_to(2e-5 * scale + 1e-4, got.shape)
    )


def test_dct_matches_scipy_and_tensorflows_scaling():
    from scipy.fft import dct

    x = np.random.default_rng(0).standard_normal((7, 40))
    for norm in ("ortho", None):
        want = dct(x, type=2, norm=norm, axis=-1)[:, :13]
        np.testing.assert_allclose(x @ dct_matrix(13, 40, norm, 0.0).T, want, atol=1e-12)
    # tf.signal.mfccs_from_log_mel_spectrograms: unnormalised DCT-II * rsqrt(2 N).
    want = dct(x, type=2, axis=-1)[:, :13] / np.sqrt(2 * 40)
    np.testing.assert_allclose(x @ dct_matrix(13, 40, "tensorflow", 0.0).T, want, atol=1e-12)
    lifted = dct_matrix(13, 40, "ortho", 22.0)
    lift = 1 + 11.0 * np.sin(np.pi * np.arange(1, 14) / 22.0)  # librosa's, C0 included
    np.testing.assert_allclose(lifted, dct_matrix(13, 40, "ortho", 0.0) * lift[:, None])


def test_mfcc_is_the_dct_of_the_layers_log_mel():
    x = np.random.default_rng(1).standard_normal((2, 3, 9000)).astype(np.float64)
    m = fastmel.MFCC(
        n_mfcc=13,
        num_mel_bins=40,
        fft_length=512,
        sequence_stride=160,
        top_db=60.0,
        top_db_scope="channels",
        lifter=22.0,
    )
    mel = fastmel.MelSpectrogram(
        **{k: v for k, v in m.get_config().items() if k not in ("n_mfcc", "dct_norm", "lifter")}
    )(x)
    want = np.einsum("kb,...bt->...kt", m.dct_matrix(), mel)
    got = m(x)
    assert got.shape == m.compute_output_shape(x.shape) == (2, 3, 13, mel.shape[-1])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)
    for threads in (2, 5):
        np.testing.assert_array_equal(m(x, num_threads=threads), got)


def test_config_pickle_replace_stream_and_errors():
    m = fastmel.MFCC.from_preset("torchaudio", n_mfcc=13)
    again = fastmel.MFCC.from_config(json.loads(json.dumps(m.get_config())))
    x = np.random.default_rng(2).standard_normal(8000).astype(np.float32)
    np.testing.assert_array_equal(again(x), m(x))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(m))(x), m(x))
    assert type(pickle.loads(pickle.dumps(m))) is fastmel.MFCC
    assert m.replace(n_mfcc=20)(x).shape[0] == 20
    with pytest.raises(AttributeError, match="MFCC is immutable"):
        m.n_mfcc = 3
    free = m.replace(top_db=None)
    s = free.stream()
    parts = [s.push(x[:3001]), s.push(x[3001:]), s.flush()]
    np.testing.assert_array_equal(np.concatenate(parts, axis=-1), free(x))
    with pytest.raises(ValueError, match="n_mfcc"):
        fastmel.MFCC(n_mfcc=200)
    with pytest.raises(ValueError, match="power_to_db"):
        fastmel.MFCC(power_to_db=False)
    with pytest.raises(ValueError, match="dct_norm"):
        fastmel.MFCC(dct_norm="backward")
    with pytest.raises(ValueError, match="lifter"):
        fastmel.MFCC(lifter=-1.0)


def test_live_against_librosa():
    librosa = pytest.importorskip("librosa")
    x = np.random.default_rng(3).standard_normal(30011).astype(np.float32)
    for kw, lib in [({}, {}), ({"lifter": 22.0, "n_mfcc": 13}, {"lifter": 22, "n_mfcc": 13})]:
        got = fastmel.MFCC.from_preset("librosa", **kw)(x)
        want = librosa.feature.mfcc(y=x, sr=22050, **lib)
        scale = np.abs(want).max(axis=-2, keepdims=True)
        np.testing.assert_array_less(
            np.abs(got - want), np.broadcast_to(2e-5 * scale + 1e-4, got.shape)
        )


@pytest.mark.parametrize("scope", ["example", "batch"])
def test_stream_floors_the_bands_before_the_dct(scope):
    """With top_db, a stream floors the log mel bands (as the whole call does,
    before the DCT) against their running maximum: its coefficients are the
    DCT of the mel stream's bands; on a decrescendo (no later frame louder)
    they equal the whole signal's."""
    m = fastmel.MFCC(
        n_mfcc=13,
        fft_length=256,
        sequence_stride=100,
        num_mel_bins=24,
        top_db=30.0,
        top_db_scope=scope,
    )
    mel = fastmel.MelSpectrogram(
        **{k: v for k, v in m.get_config().items() if k not in ("n_mfcc", "dct_norm", "lifter")}
    )
    rng = np.random.default_rng(5)
    n = 6000
    x = rng.standard_normal((2, n)) * np.array([[1.0], [1e-2]]) * np.logspace(-3, 0, n)
    cuts = [0, 1000, 1001, 3500, n]

    def streamed(front, signal):
        s = front.stream()
        parts = [s.push(signal[..., a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
        return np.concatenate(parts + [s.flush()], axis=-1)

    got = streamed(m, x)
    assert got.shape == m(x).shape
    want = np.einsum("kb,...bt->...kt", m.dct_matrix(), streamed(mel, x))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)
    assert not np.allclose(got, m(x))  # the crescendo: the whole signal's floor is higher
    fading = x[..., ::-1].copy()
    np.testing.assert_allclose(streamed(m, fading), m(fading), rtol=1e-10, atol=1e-9)
