"""Whisper's extractor, and the extractors that compute Whisper's features."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

import numpy as np

from .. import _engine
from .._engine import Bank, EngineOptions
from .._filters import mel_filter_bank
from .._layer import MelSpectrogram
from .._options import MAX_FFT_LENGTH, as_int
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _mono,
    _padded_lengths,
    _some,
)


class WhisperFeatureExtractor(_Extractor):
    """Whisper's log-mel features, as ``transformers.WhisperFeatureExtractor`` computes them.

    The same ``__init__`` and ``__call__`` keywords and defaults as
    transformers 5.23, the same outputs (``input_features`` float32 ``(batch,
    feature_size, frames)``, ``attention_mask`` int32), within 1e-4 of the
    reference's torch path, computed by fastmel's engine (one call for the
    whole batch, without the GIL, on ``num_threads`` threads).

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands (Slaney scale and area normalisation, 0 to 8000 Hz whatever
        the rate, as the reference).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft : int, default 160, 400
        Hop and FFT size (the window is a periodic Hann of ``n_fft``).
    chunk_length : int, default 30
        Seconds: ``padding="max_length"`` pads (and truncates) to
        ``chunk_length * sampling_rate`` samples.
    padding_value : float, default 0.0
        The value padding samples take.
    dither : float, default 0.0
        Gaussian noise of this standard deviation added to the padded batch
        (fresh per call, as the reference's torch path draws it).
    return_attention_mask : bool, default False
        The default of the call's ``return_attention_mask``.
    **kwargs
        ``padding_side`` ("right" or "left"), ``num_threads`` (fastmel's; -1:
        all cores), and any other key of a ``preprocessor_config.json``, kept
        as an attribute (``mel_filters``, ``n_samples`` and ``nb_max_frames``
        are computed again).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.WhisperFeatureExtractor()
    >>> clips = [np.zeros(16000, np.float32), np.ones(48000, np.float32)]
    >>> fe(clips, sampling_rate=16000).input_features.shape
    (2, 80, 3000)
    """

    model_input_names = ["input_features"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "n_fft",
        "hop_length",
        "chunk_length",
        "n_samples",
        "nb_max_frames",
        "dither",
    )

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        chunk_length: int = 30,
        n_fft: int = 400,
        padding_value: float = 0.0,
        dither: float = 0.0,
        return_attention_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        # (sizes checked first: the sample and frame counts below divide by them)
        feature_size = as_int("feature_size", feature_size)
        n_fft = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        hop_length = as_int("hop_length", hop_length)
        sampling_rate = as_int("sampling_rate", sampling_rate)
        chunk_length = as_int("chunk_length", chunk_length)
        self.feature_size = feature_size
        self.sampling_rate = sampling_rate
        self.padding_value = padding_value
        self.return_attention_mask = return_attention_mask
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.chunk_length = chunk_length
        self.n_samples = chunk_length * sampling_rate
        self.nb_max_frames = self.n_samples // hop_length
        self.dither = dither
        self._take_options(kwargs)
        # whisper's own recipe (fastmel's "whisper" preset) with this extractor's
        # sizes; the bank stops at 8000 Hz whatever the rate, the clamp is per clip.
        self._layer = MelSpectrogram.from_preset(
            "whisper",
            fft_length=n_fft,
            sequence_stride=hop_length,
            sampling_rate=sampling_rate,
            num_mel_bins=feature_size,
            max_freq=8000.0,
            top_db_scope="example",
            dtype="float32",
        )
        # The reference's bank: for an odd n_fft its bins are not the FFT's
        # (see mel_filter_bank), so the preset's own bank is replaced.
        self._filters = mel_filter_bank(
            1 + n_fft // 2, feature_size, 0.0, 8000.0, sampling_rate, "slaney", "slaney"
        )
        self._build()

    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # The whisper preset's stages with the reference's bank (float32 only).
        options = self._layer.engine_options(dtype, stream_left=stream_left)
        return dataclasses.replace(options, bank=Bank.from_dense(self._filters))

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(1 + n_fft // 2, feature_size)`` float64."""
        return self._filters.copy()

    # -- computing ---------------------------------------------------------------

    def __call__(
        self,
        raw_speech: Any,
        truncation: bool = True,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = None,
        padding: str | bool = "max_length",
        max_length: int | None = None,
        sampling_rate: int | None = None,
        do_normalize: bool | None = None,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch, padded and truncated as the reference does.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array
            (a 2-D array is a batch, not stereo; 3-D input is an error).
        truncation : bool, default True
            Cut clips longer than the padding length (keeping their start).
        pad_to_multiple_of : int, optional
            Round the padding (and truncation) length up to a multiple of this.
        return_tensors : {None, "np", "pt"}
            None and "np": NumPy arrays; "pt": torch tensors (needs torch).
        return_attention_mask : bool, optional
            Also return ``attention_mask``, per frame. Without it, a
            sample-level mask comes back when ``do_normalize`` is set or the
            extractor's ``return_attention_mask`` is True (the reference's).
        padding : {"max_length", "longest", "do_not_pad", True, False}
            "max_length": to ``max_length`` (default ``chunk_length *
            sampling_rate``); "longest" / True: to the longest clip; "do_not_pad"
            / False: none (clips of one length only).
        max_length : int, optional
            The "max_length" length; None or 0: ``chunk_length * sampling_rate``.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        do_normalize : bool, optional
            Normalise each clip's waveform to zero mean and unit variance over
            its valid samples (``1e-7`` added to the variance) before the STFT.
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads, overriding the
            extractor's and :func:`fastmel.set_num_threads`); any other is
            ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, feature_size, frames)``, and
            ``attention_mask`` int32 when asked.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        mask_flag = return_attention_mask or do_normalize
        if mask_flag is None:
            mask_flag = self.return_attention_mask
        # Zero padding after the clips that nothing changes is not stored: the
        # engine reads each row's samples and knows the rest are zeros.
        batch, valid, total = self._pad(
            clips,
            padding,
            max_length,
            truncation,
            pad_to_multiple_of,
            store_all=do_normalize or not self._zero_tails(),
        )
        if do_normalize:
            batch = self._normalize(batch, valid)
        if self.dither != 0.0:
            noise = np.random.default_rng().standard_normal(batch.shape, dtype=np.float32)
            batch = batch + np.float32(self.dither) * noise
        out = BatchFeature(input_features=self._features(batch, valid, total, threads))
        if return_attention_mask:
            # The sample mask at every hop-th sample, the last one left out when
            # the length is not a multiple of the hop: one value per frame.
            out["attention_mask"] = self._mask(valid, total, self.hop_length)
        elif mask_flag:
            out["attention_mask"] = self._mask(valid, total, 1)
        return _convert(out, return_tensors)

    def _zero_tails(self) -> bool:
        """Whether each row is zero after its clip: right padding with zeros and
        no dither (the normalisation, if any, leaves the padding value there)."""
        return self.padding_value == 0.0 and self.dither == 0.0 and self.padding_side == "right"

    def _features(
        self, batch: np.ndarray, valid: np.ndarray | None, total: int, threads: int
    ) -> np.ndarray:
        """The features of the batch padded to ``total`` samples. Zero padding
        after each clip (``valid`` samples) is declared to the engine, which
        skips the FFTs of frames that read only it (the result is the same);
        ``batch`` may hold fewer than ``total`` samples per row, the rest being
        such zeros."""
        plan = self._plans[np.dtype(np.float32)]
        out = np.empty(plan.out_shape(len(batch), total), dtype=np.float32)
        _engine.run(
            plan,
            batch,
            out,
            threads,
            floor_group=1,
            zero_from=valid if valid is not None and self._zero_tails() else None,
            n_samples=total,
        )
        return out

    def _mask(self, valid: np.ndarray, total: int, step: int) -> np.ndarray:
        """The attention mask (int32) of rows with ``valid`` samples padded to
        ``total``, at samples ``0, step, 2 step, ...`` (``total // step`` of them)."""
        at = np.arange(total // step) * step
        if self.padding_side == "right":
            return (at[None, :] < valid[:, None]).astype(np.int32)
        return (at[None, :] >= (total - valid)[:, None]).astype(np.int32)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        """The input as a list of 1-D float32 clips (the reference's input forms)."""
        if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 2:
            raise ValueError(f"Only mono-channel audio is supported for input to {self}")
        batched = (isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 1) or (
            isinstance(raw_speech, (list, tuple))
            and len(raw_speech) > 0
            and isinstance(raw_speech[0], (np.ndarray, tuple, list))
        )
        if batched:
            return [_mono(clip, i) for i, clip in enumerate(raw_speech)]
        if isinstance(raw_speech, (list, tuple)) and len(raw_speech) == 0:
            raise ValueError("`raw_speech` is empty")
        return [np.asarray(raw_speech, dtype=np.float32).reshape(-1)]

    def _pad(
        self,
        clips: list[np.ndarray],
        padding: str | bool,
        max_length: int | None,
        truncation: bool,
        multiple: int | None,
        *,
        store_all: bool = True,
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """The padded batch ``(batch, samples)`` float32, each row's valid
        samples and the padded length. Without ``store_all`` (right padding
        with zeros) the batch stops after the longest clip: the zeros after
        that are the engine's to imagine (a single clip is used as it is)."""
        cut, target = _padded_lengths(
            [len(clip) for clip in clips],
            padding,
            max_length or self.n_samples,
            truncation,
            multiple,
        )
        total = _equal_lengths(cut, target, "clips")
        valid = np.array(cut, dtype=np.int64)
        if not store_all and len(clips) == 1:
            return clips[0][None, : cut[0]], valid, total
        width = total if store_all else max(cut)
        # np.zeros maps fresh zero pages: the padding the engine skips is never touched.
        fill = (
            np.zeros
            if self.padding_value == 0.0
            else partial(np.full, fill_value=self.padding_value)
        )
        batch = fill((len(clips), width), dtype=np.float32)
        for row, clip, n in zip(batch, clips, cut, strict=True):
            row[slice(0, n) if self.padding_side == "right" else slice(width - n, width)] = clip[:n]
        return batch, valid, total

    def _normalize(self, batch: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """Wav2Vec2's zero-mean unit-variance normalisation, in float32, as the
        reference applies it: statistics over the first ``valid`` samples of
        each row (the wrong ones with left padding, as there), then the samples
        after them set to ``padding_value``."""
        out = np.empty_like(batch)
        for i, (row, n) in enumerate(zip(batch, valid, strict=True)):
            normed = (row - row[:n].mean()) / np.sqrt(row[:n].var() + 1e-7)
            if n < normed.shape[0]:
                normed[n:] = self.padding_value
            out[i] = normed
        return out


# The most samples (or frames) a padded batch's rows may have: 2**40, 19 hours at
# 16 kHz (a longer max_length would only ask for more memory than there is).
