"""The extractors of the NeuCodec and XCodec2 speech codecs: the waveform
padded for the acoustic encoder, and Kaldi filter banks for the semantic one."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

import numpy as np

from .. import _engine
from .._engine import EngineOptions, Framing, Norm, Post
from .._options import as_int
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_lengths,
    _placed,
    _sample_mask,
)


class _CodecBase(_Extractor):
    """What NeuCodec's and XCodec2's extractors share: a zero sample after each
    clip, the waveforms padded with zeros to a multiple of ``hop_length``;
    Kaldi filter banks of each clip (x 2^15, 400/160-sample Povey frames,
    80 bands from 20 Hz) normalised per band over the clip's frames (sample
    variance + 1e-7 under the root), padded with ``padding_value`` to an even
    count and stacked in pairs."""

    model_input_names = ["input_values", "padding_mask", "input_features", "input_features_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "hop_length",
        "stride",
        "num_mel_bins",
        "frame_length",
        "frame_shift",
    )
    _COMPUTED = ("stride", "num_mel_bins", "frame_length", "frame_shift")
    _PLAN_DTYPES = (np.dtype(np.float32),)
    stride = 2
    num_mel_bins = 80
    frame_length = 400
    frame_shift = 160
    _NORMALISE = True  # (False: the filter banks as they are, for tests)

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        padding_value: float = 1.0,
        hop_length: int = 320,
        **kwargs: Any,
    ) -> None:
        from ..kaldi import Fbank

        self.feature_size: Final = feature_size  # (kept; the bands are 80 whatever it is, as there)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self._take_options(kwargs)
        rate = float(self.sampling_rate)
        self._fbank = Fbank(
            num_mel_bins=self.num_mel_bins,
            frame_length=self.frame_length / rate * 1000,
            frame_shift=self.frame_shift / rate * 1000,
            sample_frequency=rate,
            window_type="povey",
            preemphasis_coefficient=0.97,
            remove_dc_offset=True,
            use_log_fbank=True,
            use_energy=False,
            dither=0.0,
            snip_edges=True,
            low_freq=20,
            high_freq=self.sampling_rate // 2,
        )
        self._build()

    def _framing(self) -> Framing:
        raise NotImplementedError

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # The Kaldi filter bank (the samples x 2^15 folded into the bank: 2^30 on
        # the power), this codec's framing, the per-band normalisation, the
        # frames past a clip's own at padding_value.
        options = self._fbank.engine_options(dtype)
        bank = dataclasses.replace(options.bank, weights=options.bank.weights * 2.0**30)
        framing = self._framing()
        norm = Norm(mode="mean_std", ddof=1, eps=1e-7, eps_in_sqrt=True)
        if not self._NORMALISE:
            norm = Norm()
        if stream_left is not None:
            framing, norm = framing.for_stream(stream_left), Norm()
        return dataclasses.replace(
            options,
            framing=framing,
            bank=bank,
            post=Post(layout="frames_bands", fill=float(self.padding_value)),
            norm=norm,
        )

    def _mel_lengths(self, rounded: list[int], kept: list[int], width: int) -> list[int]:
        raise NotImplementedError

    def __call__(
        self,
        audio: Any,
        padding: bool | str = True,
        max_length: int | None = None,
        truncation: bool = False,
        return_tensors: str | None = None,
        sampling_rate: int | None = None,
        device: str = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """The padded waveforms and the stacked normalised filter banks.

        Parameters
        ----------
        audio : np.ndarray, list of np.ndarray or list of float
            One clip ``(samples,)`` or ``(1, samples)``, or a list of clips.
        padding : {True, "longest", "max_length"}
            The waveforms in samples (to a multiple of ``hop_length``), the
            filter banks in frames (to an even count), as there; False: clips
            of one padded length only.
        max_length : int, optional
            The "max_length" length: samples for the waveforms and frames for
            the filter banks (the reference's quirk), and the truncation
            length.
        truncation : bool, default False
            Cut to ``max_length``.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_values`` float32 ``(batch, 1, samples)``, ``padding_mask``
            int32 ``(batch, samples)``, ``input_features`` float32 ``(batch,
            frames // 2, 160)`` and ``input_features_mask`` int32 ``(batch,
            frames // 2)``.
        """
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = self._clips(audio)
        hop = self.hop_length
        lengths = [c.size + 1 for c in clips]  # (a zero sample after each, as there)
        if padding in (False, "do_not_pad"):
            if len({-(-n // hop) * hop for n in lengths}) > 1:
                raise ValueError(
                    "padding=False needs clips of one length (after the zero sample and the "
                    f"rounding to {hop}): pad them (padding=True)"
                )
            padding = True
        kept, target = _padded_lengths(lengths, padding, max_length, truncation, hop)
        width = _equal_lengths(kept, target, "clips")
        # (every value written once: no zeroing pass before the copies)
        wave = np.empty((len(clips), width), dtype=np.float32)
        for row, clip, n in zip(wave, clips, kept, strict=True):
            m = min(n, clip.size)
            row[:m] = clip[:m]
            row[m:] = 0.0  # (the zero sample after the clip, and the padding)
        samples_mask = _sample_mask(kept, width, "right", np.int32)
        # The filter banks: each clip's own samples (as this codec takes them).
        rounded = [-(-n // hop) * hop for n in lengths]
        mel_lengths = self._mel_lengths(rounded, kept, width)
        mel_wave = self._mel_batch(clips, wave, mel_lengths, kept == lengths)
        plan = self._plans[np.dtype(np.float32)]
        own = [int(plan.num_frames(n)) for n in mel_lengths]
        cut, frame_target = _padded_lengths(own, padding, max_length, truncation, self.stride)
        frames = _equal_lengths(cut, frame_target, "clips' frame counts")
        mel_lens = np.array(mel_lengths, dtype=np.int64)
        direct = self._engine_samples(plan, frames, max(mel_lengths))
        if direct is not None and cut == own and self.padding_side == "right":
            # The engine writes the padded filter banks itself: rows of exactly
            # `frames` frames (its frames past a clip's own at padding_value).
            out = np.empty(plan.out_shape(len(clips), direct), dtype=np.float32)  # (frames rows)
            if frames:
                _engine.run(
                    plan,
                    mel_wave[:, : min(direct, mel_wave.shape[1])],
                    out,
                    threads,
                    lengths=mel_lens,
                    n_samples=direct,
                )
            mask = _sample_mask(cut, frames, "right", np.int32)
        else:
            feats = np.empty(plan.out_shape(len(clips), mel_wave.shape[1]), dtype=np.float32)
            if mel_wave.shape[1]:  # (no sample, no frame: the reference's empty features)
                _engine.run(
                    plan, mel_wave, feats, threads, lengths=mel_lens, n_samples=mel_wave.shape[1]
                )
            out = np.full((len(clips), frames, feats.shape[2]), self.padding_value, np.float32)
            mask = np.zeros((len(clips), frames), dtype=np.int32)
            for i, n in enumerate(cut):
                where = _placed(n, frames, self.padding_side)
                out[i, where] = feats[i, :n]
                mask[i, where] = 1
        bands = out.shape[2]
        usable = frames - frames % self.stride
        stacked = out[:, :usable].reshape(len(clips), usable // self.stride, bands * self.stride)
        pair_mask = mask[:, :usable].reshape(len(clips), -1, self.stride).min(axis=-1)
        result = BatchFeature(
            input_values=wave[:, None, :],
            padding_mask=samples_mask,
            input_features=stacked,
            input_features_mask=pair_mask.astype(np.int32),
        )
        return _convert(result, return_tensors, torch_default=True)

    def _mel_batch(
        self, clips: list[np.ndarray], wave: np.ndarray, mel_lengths: list[int], whole: bool
    ) -> np.ndarray:
        raise NotImplementedError

    def _engine_samples(self, plan: Any, frames: int, longest: int) -> int | None:
        """The samples (at least ``longest``, the rows' lengths) from which the
        plan gives exactly ``frames`` frames, or None if no count does."""
        n = max(longest, 1)
        have = int(plan.num_frames(n))
        if have < frames:  # (frames every frame_shift samples from here on)
            n += (frames - have) * self.frame_shift
            have = int(plan.num_frames(n))
        return n if have == frames else None

    def _clips(self, audio: Any) -> list[np.ndarray]:
        """1-D float32 clips: one clip ``(samples,)`` or ``(1, samples)``, a list
        of such, or a list of floats (one clip)."""
        if isinstance(audio, (list, tuple)) and audio and not hasattr(audio[0], "__len__"):
            audio = np.asarray(audio, dtype=np.float32)
        items = list(audio) if isinstance(audio, (list, tuple)) else [audio]
        if not items:
            raise ValueError("`audio` is empty")
        clips = []
        for i, item in enumerate(items):
            a = np.asarray(item, dtype=np.float32)
            if a.ndim == 2 and a.shape[0] == 1:
                a = a[0]
            if a.ndim != 1:
                raise ValueError(
                    f"clip {i} has shape {a.shape}: one channel only, (samples,) or (1, samples)"
                )
            clips.append(a)
        return clips


class NeuCodecFeatureExtractor(_CodecBase):
    """NeuCodec's input, as ``transformers.NeuCodecFeatureExtractor``.

    The waveforms with a zero sample after each, padded with zeros to the
    longest rounded up to ``hop_length`` (``input_values``, ``padding_mask``);
    the Kaldi filter banks of each clip over its own samples rounded up to
    ``hop_length`` (x 2^15, 25/10 ms Povey frames, 80 bands from 20 Hz to
    Nyquist), normalised per band over its frames (sample variance + 1e-7
    under the root), padded with ``padding_value`` to the longest and to an
    even count, stacked in pairs (``input_features``; the mask the smaller
    of each pair's). The filter banks of the batch in one engine call,
    without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Kept for the configuration (the bands are 80, as there).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    padding_value : float, default 1.0
        The value of the filter banks' padding frames.
    hop_length : int, default 320
        The waveforms are padded to a multiple of it.
    **kwargs
        ``padding_side`` (the filter banks' padding side), ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. Where the reference fails,
    fastmel computes: ``padding=False`` on clips of one length, a list of
    floats (one clip), a clip shorter than a frame (no frame).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.NeuCodecFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_values.shape, out.input_features.shape
    ((2, 1, 16320), (2, 50, 160))
    """

    def _framing(self) -> Framing:
        return Framing.kaldi(self.frame_length, self.frame_shift, snip_edges=True)

    def _mel_lengths(self, rounded: list[int], kept: list[int], width: int) -> list[int]:
        # each clip alone, padded with zeros to a multiple of hop_length
        return rounded

    def _mel_batch(
        self, clips: list[np.ndarray], wave: np.ndarray, mel_lengths: list[int], whole: bool
    ) -> np.ndarray:
        if whole and wave.shape[1] >= max(mel_lengths):  # (no clip cut: the waveforms)
            return wave
        batch = np.zeros((len(clips), max(mel_lengths)), dtype=np.float32)
        for row, clip in zip(batch, clips, strict=True):
            row[: clip.size] = clip
        return batch


class Xcodec2FeatureExtractor(_CodecBase):
    """XCodec2's input, as ``transformers.Xcodec2FeatureExtractor``.

    As :class:`NeuCodecFeatureExtractor`, but the filter banks are those of
    each padded waveform (truncated as it is) cut to its own length rounded
    up to ``hop_length`` (at most the batch's), with ``hop_length // 2``
    zeros before and after.

    Parameters
    ----------
    feature_size : int, default 80
        Kept for the configuration (the bands are 80, as there).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    padding_value : float, default 1.0
        The value of the filter banks' padding frames.
    hop_length : int, default 320
        The waveforms are padded to a multiple of it.
    **kwargs
        ``padding_side`` (the filter banks' padding side), ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. Where the reference fails,
    fastmel computes: ``padding=False`` on clips of one length, a list of
    floats (one clip).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Xcodec2FeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_values.shape, out.input_features.shape
    ((2, 1, 16320), (2, 51, 160))
    """

    def _framing(self) -> Framing:
        # Kaldi's snip-edges frames of the row with hop_length // 2 zeros on each side
        pad = self.hop_length // 2
        return Framing(
            frame_length=self.frame_length,
            hop=self.frame_shift,
            start=-pad,
            reach=self.frame_length - 2 * pad,
            pad_mode="constant",
        )

    def _mel_lengths(self, rounded: list[int], kept: list[int], width: int) -> list[int]:
        # the padded row's samples to its kept length rounded up, at most the batch's
        hop = self.hop_length
        return [min(-(-n // hop) * hop, width) for n in kept]

    def _mel_batch(
        self, clips: list[np.ndarray], wave: np.ndarray, mel_lengths: list[int], whole: bool
    ) -> np.ndarray:
        return wave
