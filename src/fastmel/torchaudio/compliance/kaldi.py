"""``torchaudio.compliance.kaldi``'s ``fbank``, ``mfcc`` and ``spectrogram``:
:mod:`fastmel.kaldi`'s functions under torchaudio's names, taking and
returning tensors as well as NumPy arrays.

Every keyword is torchaudio's, with its default; see :func:`fastmel.kaldi.fbank`
for the computation and the few differences from torchaudio (short signals,
``min_duration``, seeded dither). A tensor in (CPU, no grad) gives a tensor of
its dtype; a NumPy array gives a NumPy array without importing torch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ... import kaldi as _kaldi
from .._bridge import from_input

__all__ = ["fbank", "mfcc", "spectrogram"]


def _bridged(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(waveform: Any, *args: Any, **kwargs: Any) -> Any:
        values, back = from_input(waveform, "waveform")
        return back(fn(values, *args, **kwargs))

    return call


fbank = _bridged(_kaldi.fbank)
mfcc = _bridged(_kaldi.mfcc)
spectrogram = _bridged(_kaldi.spectrogram)
