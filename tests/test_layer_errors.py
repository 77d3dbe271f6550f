"""Bad arguments: a clear exception naming the problem."""

import numpy as np
import pytest

import fastmel

OK = np.zeros(1000, np.float32)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (
            dict(fft_length=256, sequence_length=512),
            ValueError,
            "`fft_length` must be greater than or equal to `sequence_length`",
        ),
        (dict(fft_length=0), ValueError, "`fft_length` must be >= 1"),
        (dict(fft_length=-4), ValueError, "`fft_length` must be >= 1"),
        (dict(fft_length=512.0), TypeError, "`fft_length` must be an integer"),
        (dict(fft_length=True), TypeError, "`fft_length` must be an integer"),
        (dict(sequence_stride=0), ValueError, "`sequence_stride` must be >= 1"),
        (dict(sequence_stride=-1), ValueError, "`sequence_stride` must be >= 1"),
        (dict(sequence_stride=1.5), TypeError, "`sequence_stride` must be an integer"),
        (dict(sequence_length=0), ValueError, "`sequence_length` must be >= 1"),
        (dict(num_mel_bins=0), ValueError, "`num_mel_bins` must be >= 1"),
        (dict(num_mel_bins=None), TypeError, "`num_mel_bins` must be an integer"),
        (dict(sampling_rate=0), ValueError, "`sampling_rate` must be > 0"),
        (dict(sampling_rate=-16000), ValueError, "`sampling_rate` must be > 0"),
        (dict(sampling_rate=float("nan")), ValueError, "`sampling_rate` must be finite"),
        (dict(sampling_rate="16k"), TypeError, "`sampling_rate` must be a real number"),
        (dict(window="hanning"), ValueError, '`window` must be "hann", "hamming"'),
        (dict(window="blackman"), ValueError, '`window` must be "hann", "hamming"'),
        (
            dict(fft_length=64, window=np.ones(63)),
            ValueError,
            r"shape of `window` must be equal to \[sequence_length\]",
        ),
        (
            dict(fft_length=64, window=np.ones((8, 8))),
            ValueError,
            r"shape of `window` must be equal to \[sequence_length\]",
        ),
        (
            dict(fft_length=4, window=np.array([1, np.nan, 1, 1])),
            ValueError,
            "`window` contains NaN",
        ),
        (
            dict(fft_length=4, window=np.array(["a", "b", "c", "d"])),
            TypeError,
            "`window` array must be real numbers",
        ),
        (dict(min_freq=-1.0), ValueError, "`min_freq` must be >= 0"),
        (dict(max_freq=20.0), ValueError, r"`max_freq` \(20.0\) must be greater than `min_freq`"),
        (dict(min_freq=9000.0), ValueError, "`max_freq` .* must be greater than `min_freq`"),
        (dict(max_freq=float("inf")), ValueError, "`max_freq` must be finite"),
        (dict(min_power=0.0), ValueError, "`min_power` must be > 0"),
        (dict(min_power=-1e-10), ValueError, "`min_power` must be > 0"),
        (dict(top_db=-1.0), ValueError, "`top_db` must be >= 0"),
        (dict(top_db=float("nan")), ValueError, "`top_db` must be finite"),
        (dict(mag_exp=0.0), ValueError, "`mag_exp` must be > 0"),
        (dict(ref_power=float("inf")), ValueError, "`ref_power` must be finite"),
        (dict(power_to_db="yes"), TypeError, "`power_to_db` must be a bool"),
        (dict(num_threads=0), ValueError, "`num_threads` must not be 0"),
        (dict(num_threads=1.0), TypeError, "`num_threads` must be an integer"),
        (dict(num_threads=-10_000), ValueError, "`num_threads`=-10000 asks for fewer than 1"),
        (dict(dtype="int32"), TypeError, "`dtype` must be None, 'float32' or 'float64'"),
    ],
)
def test_bad_parameters(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fastmel.MelSpectrogram(**kwargs)


def test_min_power_may_be_anything_without_db():
    fastmel.MelSpectrogram(power_to_db=False, min_power=0.0)


def test_bad_call_num_threads():
    with pytest.raises(ValueError, match="`num_threads` must not be 0"):
        fastmel.MelSpectrogram()(OK, num_threads=0)


def test_unknown_config_key():
    config = fastmel.MelSpectrogram().get_config()
    config["fft_lenght"] = 1024
    with pytest.raises(TypeError, match=r"unknown MelSpectrogram config keys: \['fft_lenght'\]"):
        fastmel.MelSpectrogram.from_config(config)


def test_compute_output_shape_errors():
    with pytest.raises(ValueError, match="at least one dimension"):
        fastmel.MelSpectrogram().compute_output_shape(())
