"""NeMo's log-mel preprocessor as a fastmel front end: a configuration, nothing else.

    python examples/nemo_preprocessor.py

``NeMoMelSpectrogram`` computes what NeMo's ``AudioToMelSpectrogramPreprocessor``
(its ``FilterbankFeatures``) computes at inference (``dither=0``): the
signal's pre-emphasis, a centred STFT with zero padding and a symmetric Hann
window (NeMo asks torch for ``periodic=False``), the power through Slaney mel
bands (librosa's, in float32), ``ln(x + 2**-24)``, each feature standardised
over the clip's frames but its last (``(x - mean) / (std + 1e-5)``, sample
std), and the frames padded to a multiple of ``pad_to``. It is the walk-through
of the developers' guide (README, "Adding a front end"): the options, one
mapping to the engine's stages, and one step after the engine (``pad_to``);
configuration, pickling, equality and threads come from ``fastmel.FrontEnd``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

import fastmel
from fastmel import _engine
from fastmel._engine import Bank, Condition, EngineOptions, Framing, Log, Norm, Post, Spectrum
from fastmel._filters import hz_bands
from fastmel._options import as_int, as_real, as_signal, choice
from fastmel._windows import window


class NeMoMelSpectrogram(fastmel.FrontEnd):
    """NeMo's ``AudioToMelSpectrogramPreprocessor`` (keywords of the same names)."""

    _DEFAULTS = dict(sample_rate=16000, window_size=0.025, window_stride=0.01, n_fft=512,
                     features=64, preemph=0.97, lowfreq=0.0, highfreq=None,
                     log_zero_guard_value=2.0**-24, normalize="per_feature", pad_to=16,
                     pad_value=0.0, num_threads=None)  # fmt: skip
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(self, **options: Any) -> None:
        unknown = set(options) - set(self._DEFAULTS)
        if unknown:
            raise TypeError(f"unknown NeMoMelSpectrogram arguments: {sorted(unknown)}")
        o = dict(self._DEFAULTS, **options)
        self.sample_rate = as_int("sample_rate", o["sample_rate"])
        self.window_size = as_real("window_size", o["window_size"], minimum=0, strict=True)
        self.window_stride = as_real("window_stride", o["window_stride"], minimum=0, strict=True)
        self.n_fft = as_int("n_fft", o["n_fft"], maximum=2**22)
        self.features = as_int("features", o["features"])
        self.preemph = as_real("preemph", o["preemph"] or 0.0, minimum=0)
        self.lowfreq = as_real("lowfreq", o["lowfreq"], minimum=0)
        self.highfreq = o["highfreq"] and as_real("highfreq", o["highfreq"], minimum=0)
        self.log_zero_guard_value = as_real("log_zero_guard_value", o["log_zero_guard_value"],
                                            minimum=0, strict=True)  # fmt: skip
        self.normalize = choice("normalize", o["normalize"], ("per_feature", None))
        self.pad_to = as_int("pad_to", o["pad_to"], minimum=0)
        self.pad_value = as_real("pad_value", o["pad_value"])
        self.win_length = round(self.window_size * self.sample_rate)
        self.hop_length = round(self.window_stride * self.sample_rate)
        if not 1 <= self.win_length <= self.n_fft or self.hop_length < 1:
            raise ValueError("the window must fit the FFT, and the hop be at least one sample")
        self._set_threads(o["num_threads"])
        self._build()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        if stream_left is not None:
            raise ValueError("NeMoMelSpectrogram does not stream")
        high = self.highfreq or self.sample_rate / 2
        bank = hz_bands(self.features, self.n_fft, self.sample_rate, self.lowfreq, high,
                        "slaney", "slaney", np.float32)  # fmt: skip
        guard = self.log_zero_guard_value
        return EngineOptions(
            framing=dataclasses.replace(
                Framing.centred(self.n_fft, self.win_length, self.hop_length, pad_mode="constant"),
                signal_preemphasis=self.preemph,
            ),
            condition=Condition(window=window("hann", self.win_length)),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank(first=bank[0], length=bank[1], weights=bank[2].astype(np.float64)),
            log=Log(enabled=True, log_scale=float(np.log(10.0)), log_offset=guard, min_power=guard),
            post=Post(fill=self.pad_value),
            norm=Norm(mode="mean_std", ddof=1, eps=1e-5, exclude_last=1)
            if self.normalize
            else Norm(),
        )

    def __call__(self, audio: Any, lengths: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """``(batch, samples)`` audio (and each clip's length) -> ``(batch, features,
        frames)`` float32 features and each clip's frame count, as NeMo returns them."""
        a = as_signal(audio, np.dtype(np.float32))
        if a.ndim != 2:
            raise ValueError(f"audio must be (batch, samples), got shape {a.shape}")
        lens = np.full(a.shape[0], a.shape[1]) if lengths is None else np.asarray(lengths, np.int64)
        plan = self._plans[np.dtype(np.float32)]
        frames = plan.num_frames(a.shape[1])
        padded = -(-frames // self.pad_to) * self.pad_to if self.pad_to else frames
        out = np.full((a.shape[0], self.features, padded), self.pad_value, np.float32)
        target = np.empty(plan.out_shape(a.shape[0], a.shape[1]), np.float32)
        _engine.run(plan, a, target, self._call_threads(), lengths=lens)
        out[:, :, :frames] = target
        valid = (lens + 2 * (self.n_fft // 2) - self.n_fft) // self.hop_length
        masked = np.arange(padded)[None, :] >= valid[:, None]  # NeMo's mask, after the norm
        np.copyto(out, np.float32(self.pad_value), where=masked[:, None, :])
        return out, valid


if __name__ == "__main__":
    nemo = NeMoMelSpectrogram(features=80)
    clip = np.random.default_rng(0).standard_normal((2, 16000)).astype(np.float32)
    feats, frames = nemo(clip, lengths=[16000, 9000])
    print(nemo, feats.shape, frames.tolist())
