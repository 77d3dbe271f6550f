"""The one vocabulary (fastmel._options) is what the layer, the CLI and the docs use."""

import argparse

import numpy as np
import pytest

import fastmel
from fastmel import _options
from fastmel.cli import build_parser


def _choices(parser, flag):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found = _choices(sub, flag)
                if found is not None:
                    return found
        if flag in action.option_strings:
            return action.choices
    return None


@pytest.mark.parametrize(
    "flag, values",
    [
        ("--mel-scale", _options.MEL_SCALES),
        ("--pad-mode", _options.PAD_MODES),
        ("--log-mode", tuple(_options.LOG_MODES)),
        ("--top-db-scope", _options.TOP_DB_SCOPES),
        ("--window", (*_options.WINDOWS, "none")),
        ("--norm", ("none", "slaney")),
        ("--dtype", _options.DTYPES),
    ],
)
def test_cli_choices_are_the_vocabulary(flag, values):
    assert tuple(_choices(build_parser(), flag)) == tuple(values)


@pytest.mark.parametrize(
    "name, values",
    [
        ("mel_scale", _options.MEL_SCALES),
        ("pad_mode", _options.PAD_MODES),
        ("log_mode", tuple(_options.LOG_MODES)),
        ("top_db_scope", _options.TOP_DB_SCOPES),
    ],
)
def test_layer_accepts_exactly_the_vocabulary(name, values):
    for value in values:
        extra = {"norm": None} if name == "mel_scale" else {}
        assert getattr(fastmel.MelSpectrogram(**{name: value}, **extra), name) == value
    with pytest.raises(ValueError, match=f"`{name}` must be one of " + repr(values[0])):
        fastmel.MelSpectrogram(**{name: "nonsense"})


@pytest.mark.parametrize("mode", list(_options.LOG_MODES))
def test_to_db_inverts_each_log_mode(mode):
    layer = fastmel.MelSpectrogram(
        fft_length=256, sequence_stride=64, num_mel_bins=8, log_mode=mode, top_db=None
    )
    db = fastmel.MelSpectrogram(fft_length=256, sequence_stride=64, num_mel_bins=8, top_db=None)
    x = np.random.default_rng(0).standard_normal(3000)
    np.testing.assert_allclose(_options.to_db(layer(x), True, mode), db(x), atol=1e-9)
    assert _options.floor_range(80.0, True, mode) == pytest.approx(
        80.0 * _options.LOG_MODES[mode][0] / 10
    )


def test_centre_pad_and_frame_count_agree_with_the_layer():
    for n, center in [(400, True), (401, True), (512, False)]:
        pad = _options.centre_pad(n, center)
        layer = fastmel.MelSpectrogram(fft_length=n, sequence_stride=160, center=center)
        for samples in [1, 199, 200, 400, 401, 5000]:
            padded = samples + 2 * pad
            expected = 0 if padded < n else 1 + (padded - n) // 160
            assert layer.num_frames(samples) == expected
