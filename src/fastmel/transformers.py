"""The feature extractors of Hugging Face ``transformers``, exact, without torch.

So far :class:`WhisperFeatureExtractor` (transformers 5.23's, keyword for
keyword). Nothing here imports ``transformers`` or ``torch`` unless asked
(``return_tensors="pt"``, :meth:`WhisperFeatureExtractor.from_feature_extractor`).
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._layer import MelSpectrogram

__all__ = ["BatchFeature", "WhisperFeatureExtractor"]

logger = logging.getLogger(__name__)


class BatchFeature(dict):
    """The extractor's outputs by name, also as attributes (``out.input_features``),
    as transformers' ``BatchFeature``.

    Parameters
    ----------
    data : mapping, optional
        The outputs by name.
    **kwargs
        More outputs by name.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> out = ft.BatchFeature(input_features=np.zeros((1, 80, 3000), np.float32))
    >>> out.input_features.shape == out["input_features"].shape
    True
    """

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data or {}, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class WhisperFeatureExtractor:
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
        self.feature_size = feature_size
        self.sampling_rate = sampling_rate
        self.padding_value = padding_value
        self.padding_side = kwargs.pop("padding_side", "right")
        if self.padding_side not in ("right", "left"):
            raise ValueError(f"`padding_side` must be 'right' or 'left', got {self.padding_side!r}")
        self.return_attention_mask = return_attention_mask
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.chunk_length = chunk_length
        self.n_samples = chunk_length * sampling_rate
        self.nb_max_frames = self.n_samples // hop_length
        self.dither = dither
        self.num_threads = kwargs.pop("num_threads", None)
        for key in ("mel_filters", "n_samples", "nb_max_frames"):
            kwargs.pop(key, None)
        for key, value in kwargs.items():  # other config keys, kept as the reference keeps them
            setattr(self, key, value)
        self._extra = sorted(kwargs)
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
            num_threads=self.num_threads,
        )

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(1 + n_fft // 2, feature_size)`` float64."""
        return self._layer.filter_bank("float64")

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
            Ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, feature_size, frames)``, and
            ``attention_mask`` int32 when asked.
        """
        if sampling_rate is not None:
            if sampling_rate != self.sampling_rate:
                raise ValueError(
                    f"The model corresponding to this feature extractor: {self} was trained "
                    f"using a sampling rate of {self.sampling_rate}. Please make sure that the "
                    f"provided `raw_speech` input was sampled with {self.sampling_rate} and not "
                    f"{sampling_rate}."
                )
        else:
            logger.warning(
                "It is strongly recommended to pass the `sampling_rate` argument to "
                "`%s()`. Failing to do so can result in silent errors that might be hard "
                "to debug.",
                type(self).__name__,
            )
        clips = self._clips(raw_speech)
        mask_flag = return_attention_mask or do_normalize
        if mask_flag is None:
            mask_flag = self.return_attention_mask
        batch, valid = self._pad(clips, padding, max_length, truncation, pad_to_multiple_of)
        if do_normalize:
            batch = self._normalize(batch, valid)
        if self.dither != 0.0:
            noise = np.random.default_rng().standard_normal(batch.shape, dtype=np.float32)
            batch = batch + np.float32(self.dither) * noise
        out = BatchFeature(input_features=self._layer(batch))
        if return_attention_mask:
            # The sample mask at every hop-th sample, the last one left out when
            # the length is not a multiple of the hop: one value per frame.
            out["attention_mask"] = self._mask(valid, batch.shape[1], self.hop_length)
        elif mask_flag:
            out["attention_mask"] = self._mask(valid, batch.shape[1], 1)
        return _convert(out, return_tensors)

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
            return [np.asarray(clip, dtype=np.float32).reshape(-1) for clip in raw_speech]
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
    ) -> tuple[np.ndarray, np.ndarray]:
        """The padded batch ``(batch, samples)`` float32 and each row's valid samples."""
        strategies = {True: "longest", False: "do_not_pad"}
        strategy = strategies.get(padding, padding) if isinstance(padding, bool) else padding
        if strategy not in ("max_length", "longest", "do_not_pad"):
            raise ValueError(f"Invalid padding strategy: {padding!r}")
        limit = max_length or self.n_samples

        def rounded(n: int) -> int:
            return -(-n // multiple) * multiple if multiple else n

        if truncation:
            clips = [clip[: rounded(limit)] for clip in clips]
        if strategy == "longest":
            target = rounded(max(len(clip) for clip in clips))
        elif strategy == "max_length":
            target = rounded(limit)
        else:
            target = 0
        lengths = [max(len(clip), target) for clip in clips]
        if len(set(lengths)) > 1:
            raise ValueError(
                "the clips have different lengths after padding and truncation (pass "
                "padding='longest', or truncation=True)"
            )
        total = lengths[0]
        batch = np.full((len(clips), total), self.padding_value, dtype=np.float32)
        for i, clip in enumerate(clips):
            n = len(clip)
            where = slice(0, n) if self.padding_side == "right" else slice(total - n, total)
            batch[i, where] = clip
        return batch, np.array([len(clip) for clip in clips], dtype=np.int64)

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

    # -- configuration ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The configuration, as ``preprocessor_config.json`` holds it.

        Returns
        -------
        dict
            The reference's keys (``mel_filters`` left out, as there), and
            any extra keys the extractor was built with.
        """
        config = {
            "feature_size": self.feature_size,
            "sampling_rate": self.sampling_rate,
            "padding_value": self.padding_value,
            "padding_side": self.padding_side,
            "return_attention_mask": self.return_attention_mask,
            "n_fft": self.n_fft,
            "hop_length": self.hop_length,
            "chunk_length": self.chunk_length,
            "n_samples": self.n_samples,
            "nb_max_frames": self.nb_max_frames,
            "dither": self.dither,
            "feature_extractor_type": "WhisperFeatureExtractor",
        }
        config.update({key: getattr(self, key) for key in self._extra})
        return config

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], **overrides: Any) -> WhisperFeatureExtractor:
        """Build from ``to_dict()`` output or a ``preprocessor_config.json``'s contents.

        Parameters
        ----------
        config : dict
            The configuration (``feature_extractor_type`` is accepted; other
            keys the extractor does not know are kept as attributes, as the
            reference keeps them).
        **overrides
            Keys to change.

        Returns
        -------
        WhisperFeatureExtractor
        """
        options = dict(config, **overrides)
        options.pop("feature_extractor_type", None)
        return cls(**options)

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, **overrides: Any) -> WhisperFeatureExtractor:
        """Build from a local folder's ``preprocessor_config.json`` (or that file).

        Parameters
        ----------
        path : str or os.PathLike
            A folder holding ``preprocessor_config.json``, or the file itself.
            fastmel does not download: fetch the folder first (e.g. with
            ``huggingface_hub.snapshot_download``).
        **overrides
            Keys to change.

        Returns
        -------
        WhisperFeatureExtractor
        """
        p = pathlib.Path(path)
        if p.is_dir():
            p = p / "preprocessor_config.json"
        return cls.from_dict(json.loads(p.read_text()), **overrides)

    @classmethod
    def from_feature_extractor(cls, extractor: Any) -> WhisperFeatureExtractor:
        """Convert a loaded ``transformers.WhisperFeatureExtractor``.

        Parameters
        ----------
        extractor : transformers.WhisperFeatureExtractor
            Its ``to_dict()`` is read.

        Returns
        -------
        WhisperFeatureExtractor
        """
        return cls.from_dict(extractor.to_dict())

    def __repr__(self) -> str:
        return f"{type(self).__name__} {json.dumps(self.to_dict(), indent=2, sort_keys=True)}"


def _convert(out: BatchFeature, return_tensors: str | None) -> BatchFeature:
    if return_tensors in (None, "np"):
        return out
    if return_tensors == "pt":
        import torch

        return BatchFeature({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()})
    raise ValueError(f"`return_tensors` must be None, 'np' or 'pt', got {return_tensors!r}")
