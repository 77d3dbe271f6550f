"""The filter banks and linear_to_mel_weight_matrix."""

import warnings

import numpy as np
import pytest

import fastmel


def test_weight_matrix_shape_sparsity_and_peak():
    w = fastmel.linear_to_mel_weight_matrix(128, 1025, 16000, 20.0, 8000.0)
    assert w.shape == (1025, 128) and w.dtype == np.float32
    assert np.all(w[0] == 0)  # no DC
    assert np.all((w > 0).sum(axis=1) <= 2)  # each bin in at most two bands
    assert w.max() <= 1.0 and w.min() >= 0.0


def test_many_bands_have_no_nan():
    # More bands than float32 can separate in mel: empty bands, no NaN.
    w = fastmel.linear_to_mel_weight_matrix(20000, 65, 8000, 125.0, 125.01)
    assert not np.isnan(w).any()
    y = fastmel.MelSpectrogram(fft_length=128, num_mel_bins=500, sequence_stride=64)(
        np.random.default_rng(0).standard_normal(1000)
    )
    assert not np.isnan(y).any()


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(num_mel_bins=0), ValueError, "`num_mel_bins` must be >= 1"),
        (dict(num_spectrogram_bins=0), ValueError, "`num_spectrogram_bins` must be >= 1"),
        (dict(sampling_rate=0), ValueError, "`sampling_rate` must be > 0"),
        (dict(lower_edge_hertz=-5.0), ValueError, "`lower_edge_hertz` must be >= 0"),
        (dict(upper_edge_hertz=100.0), ValueError, "`upper_edge_hertz` .* must be greater"),
        (dict(dtype="int16"), TypeError, "`dtype` must be a floating dtype"),
    ],
)
def test_bad_weight_matrix_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fastmel.linear_to_mel_weight_matrix(**kwargs)


def test_empty_bands_warn_as_librosa_and_torchaudio_do():
    with pytest.warns(UserWarning, match=r"4 of 128 mel bands are empty .*bands \[0, 3, 6, 13\]"):
        fastmel.MelSpectrogram.from_preset("torchaudio")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fastmel.MelSpectrogram.from_preset("librosa")  # none empty
        fastmel.MelSpectrogram(fft_length=256, num_mel_bins=128)  # Keras never warns
