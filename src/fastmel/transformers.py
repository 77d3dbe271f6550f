"""The feature extractors of Hugging Face ``transformers``, exact, without torch.

:class:`WhisperFeatureExtractor`, :class:`ASTFeatureExtractor`,
:class:`SeamlessM4TFeatureExtractor` and :class:`ParakeetFeatureExtractor`:
transformers 5.23's, keyword for keyword, each batch computed in one call of
fastmel's engine (without the GIL, on ``num_threads`` threads). Results are
NumPy arrays (``return_tensors="pt"`` converts them, if torch is installed).
Nothing here imports ``transformers`` or ``torch`` unless asked
(``return_tensors="pt"``, ``from_feature_extractor``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib
from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np

from . import _engine, _windows
from ._engine import Bank, Condition, EngineOptions, Framing, Log, Norm, Post, Spectrum
from ._filters import dense, kaldi_bands, mel_filter_bank
from ._frontend import FrontEnd
from ._layer import MelSpectrogram
from ._options import MAX_FFT_LENGTH, as_int, as_real
from .kaldi import EPSILON, window

__all__ = [
    "ASTFeatureExtractor",
    "BatchFeature",
    "ParakeetFeatureExtractor",
    "SeamlessM4TFeatureExtractor",
    "WhisperFeatureExtractor",
]

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


class _Extractor(FrontEnd):
    """What the extractors share: the configuration protocol of transformers'
    ``FeatureExtractionMixin`` (``to_dict`` / ``from_dict`` /
    ``from_pretrained``, unknown keys kept as attributes) on fastmel's
    front-end protocol, and the call's sampling-rate check."""

    # The configuration keys in the reference's order (its attribute order).
    _KEYS: tuple[str, ...] = ()
    # Keys of a config that the extractor computes again (arrays it builds).
    _COMPUTED: tuple[str, ...] = ()
    _extra: list[str]
    padding_side: str

    def _take_options(self, kwargs: dict[str, Any]) -> None:
        """The keywords every extractor takes through ``**kwargs``:
        ``padding_side`` ("right" or "left"), fastmel's ``num_threads``, the
        computed keys of a config and the reference's ``processor_class``
        dropped, and any other ``preprocessor_config.json`` key kept as an
        attribute, as there."""
        self.padding_side = kwargs.pop("padding_side", "right")
        if self.padding_side not in ("right", "left"):
            raise ValueError(f"`padding_side` must be 'right' or 'left', got {self.padding_side!r}")
        self._set_threads(kwargs.pop("num_threads", None))
        for key in (*self._COMPUTED, "processor_class", "feature_extractor_type"):
            kwargs.pop(key, None)
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._extra = sorted(kwargs)

    def _check_rate(self, sampling_rate: int | None, by_name: bool = False) -> None:
        """The reference's check of the call's ``sampling_rate``; its message
        names the extractor by its repr, or by its class name (``by_name``)."""
        if sampling_rate is not None:
            if sampling_rate != self.sampling_rate:  # type: ignore[attr-defined]
                rate = self.sampling_rate  # type: ignore[attr-defined]
                who = type(self).__name__ if by_name else repr(self)
                raise ValueError(
                    f"The model corresponding to this feature extractor: {who} was trained "
                    f"using a sampling rate of {rate}. Please make sure that the provided "
                    f"`raw_speech` input was sampled with {rate} and not {sampling_rate}."
                )
        else:
            logger.warning(
                "It is strongly recommended to pass the `sampling_rate` argument to "
                "`%s()`. Failing to do so can result in silent errors that might be hard "
                "to debug.",
                type(self).__name__,
            )

    def to_dict(self) -> dict[str, Any]:
        """The configuration, as ``preprocessor_config.json`` holds it.

        Returns
        -------
        dict
            The reference's keys in its order (computed arrays such as
            ``mel_filters`` left out, as there), any extra keys the extractor
            was built with, ``num_threads`` when it was given, and
            ``feature_extractor_type``.
        """
        config = {key: getattr(self, key) for key in self._KEYS}
        config.update({key: getattr(self, key) for key in self._extra})
        if self.num_threads is not None:
            config["num_threads"] = self.num_threads
        config["feature_extractor_type"] = type(self).__name__
        return config

    def get_config(self) -> dict[str, Any]:
        """The configuration: :meth:`to_dict`.

        Returns
        -------
        dict
            What :meth:`from_config` (:meth:`from_dict`) rebuilds an equal
            extractor from.
        """
        return self.to_dict()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Any:
        """Build from :meth:`get_config` output: :meth:`from_dict` without overrides.

        Parameters
        ----------
        config : dict
            The configuration.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls.from_dict(config)

    def _argument_names(self) -> set[str]:
        return (set(self._KEYS) - set(self._COMPUTED)) | set(self._extra) | {"num_threads"}

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], **overrides: Any) -> Any:
        """Build from ``to_dict()`` output or a ``preprocessor_config.json``'s contents.

        Parameters
        ----------
        config : dict
            The configuration (``feature_extractor_type`` and
            ``processor_class`` are accepted; other keys the extractor does not
            know are kept as attributes, as the reference keeps them).
        **overrides
            Keys to change.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls(**dict(config, **overrides))

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, **overrides: Any) -> Any:
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
        extractor
            An extractor of this class.
        """
        p = pathlib.Path(path)
        if p.is_dir():
            p = p / "preprocessor_config.json"
        return cls.from_dict(json.loads(p.read_text()), **overrides)

    @classmethod
    def from_feature_extractor(cls, extractor: Any) -> Any:
        """Convert a loaded transformers extractor of the same name.

        Parameters
        ----------
        extractor : transformers feature extractor
            Its ``to_dict()`` is read.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls.from_dict(extractor.to_dict())

    def __repr__(self) -> str:
        config = {k: _plain(v) for k, v in self.to_dict().items() if k != "num_threads"}
        return f"{type(self).__name__} {json.dumps(config, indent=2, sort_keys=True)}\n"


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


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
MAX_SAMPLES = 2**40


def _padded_lengths(
    lengths: list[int],
    padding: str | bool,
    max_length: int | None,
    truncation: bool,
    multiple: int | None,
) -> tuple[list[int], int | None]:
    """transformers' ``SequenceFeatureExtractor.pad`` on lengths: each item's
    length after truncation, and the length every item is padded to (None:
    no padding; items longer than it are not cut by padding)."""
    if padding is True:
        strategy = "longest"
    elif padding is False:
        strategy = "do_not_pad"
    elif padding in ("longest", "max_length", "do_not_pad"):
        strategy = str(padding)
    else:
        raise ValueError(
            f"{padding} is not a valid PaddingStrategy, please select one of "
            "['longest', 'max_length', 'do_not_pad']"
        )
    if strategy == "max_length" and max_length is None:
        raise ValueError(
            "When setting ``padding=PaddingStrategy.MAX_LENGTH``, make sure that max_length "
            "is defined"
        )
    if max_length is not None:  # (a float, or a length past what can be stored: refused)
        # (negative: the reference slices x[:max_length], as Python does)
        max_length = as_int("max_length", max_length, minimum=-MAX_SAMPLES, maximum=MAX_SAMPLES)
    if multiple is not None:
        multiple = as_int("pad_to_multiple_of", multiple, maximum=MAX_SAMPLES)

    def rounded(n: int) -> int:
        return -(-n // multiple) * multiple if multiple else n

    if truncation:
        if max_length is None:
            raise ValueError(
                "When setting ``truncation=True``, make sure that ``max_length`` is defined."
            )
        limit = rounded(max_length)
        lengths = [len(range(n)[:limit]) for n in lengths]  # x[:limit], negative too
    if strategy == "do_not_pad":
        return lengths, None
    target = max(lengths) if strategy == "longest" else max_length
    assert target is not None
    return lengths, rounded(target)


def _equal_lengths(lengths: list[int], target: int | None, what: str) -> int:
    """The batch's length after padding; an error when the items differ (the
    reference fails there when it stacks them)."""
    total = {n if target is None else max(n, target) for n in lengths}
    if len(total) > 1:
        raise ValueError(
            f"the {what} have different lengths after padding and truncation ("
            f"{sorted(total)}): pad them (padding=True or 'longest'), or truncate them "
            "(truncation=True with max_length)"
        )
    return total.pop()


def _as_clip(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).reshape(-1)


class ASTFeatureExtractor(_Extractor):
    """The Audio Spectrogram Transformer's input, as ``transformers.ASTFeatureExtractor``.

    Kaldi filter banks (``torchaudio.compliance.kaldi.fbank`` with a Hanning
    window, 25 ms frames every 10 ms, on the samples as given: no int16
    scaling), cut or zero-padded to ``max_length`` frames, then ``(x - mean) /
    (2 std)``, the padding included, as the reference does. Computed by
    fastmel's Kaldi front end, the whole batch in one call.

    Parameters
    ----------
    feature_size : int, default 1
        Kept for the configuration (unused, as in the reference).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz; it also sets the frame sizes.
    num_mel_bins : int, default 128
        Mel bands.
    max_length : int, default 1024
        Frames of every output (shorter clips are padded with zeros).
    padding_value : float, default 0.0
        Kept for the configuration (padding is always 0, as in the reference).
    do_normalize : bool, default True
        Apply ``(x - mean) / (2 std)``.
    mean, std : float, default -4.2677393, 4.5689974
        AudioSet's statistics.
    return_attention_mask : bool, default False
        Kept for the configuration (no mask is returned, as in the reference).
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    Differences from the reference: ``return_tensors=None`` returns one
    stacked array, not a list of arrays; int16 and float16 clips are
    converted to float32 (the reference fails on them); a clip shorter than
    one frame (400 samples at 16 kHz) is a ValueError naming it (the
    reference's torchaudio path fails an assertion).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.ASTFeatureExtractor()
    >>> fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000).input_values.shape
    (2, 1024, 128)
    """

    model_input_names = ["input_values", "attention_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "num_mel_bins",
        "max_length",
        "do_normalize",
        "mean",
        "std",
    )

    def __init__(
        self,
        feature_size: int = 1,
        sampling_rate: int = 16000,
        num_mel_bins: int = 128,
        max_length: int = 1024,
        padding_value: float = 0.0,
        do_normalize: bool = True,
        mean: float = -4.2677393,
        std: float = 4.5689974,
        return_attention_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        from .kaldi import Fbank

        self.feature_size = feature_size
        self.sampling_rate = sampling_rate
        self.padding_value = padding_value
        self.return_attention_mask = return_attention_mask
        self.num_mel_bins = num_mel_bins
        self.max_length = as_int("max_length", max_length)
        self.do_normalize = do_normalize
        self.mean = mean
        self.std = std
        if do_normalize:  # folded into the engine's log: a positive scale
            as_real("mean", mean)
            if not as_real("std", std) > 0:
                raise ValueError(f"`std` must be > 0 to normalise, got {std!r}")
        self._take_options(kwargs)
        self._fbank = Fbank(
            sample_frequency=as_real("sampling_rate", sampling_rate, minimum=1.0),
            window_type="hanning",
            num_mel_bins=num_mel_bins,
        )
        self._build()

    _COMPUTED = ("mel_filters", "window")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Its Kaldi filter bank (torchaudio's fbank, Hanning window) with the
        # normalisation folded into the log: ln(x) / (2 std) - mean / (2 std),
        # and the frames past a clip (the reference's zero padding) at
        # -mean / (2 std).
        options = self._fbank.engine_options(dtype, stream_left=stream_left)
        if not self.do_normalize:
            return options
        s = 1.0 / (2.0 * float(self.std))
        log = dataclasses.replace(
            options.log,
            log_scale=options.log.log_scale * s,
            out_offset=(options.log.out_offset - float(self.mean)) * s,
        )
        post = dataclasses.replace(options.post, fill=-float(self.mean) * s)
        return dataclasses.replace(options, log=log, post=post)

    def num_frames(self, n_samples: int) -> int:
        # A clip's frames before the cut or the padding to max_length.
        return self._fbank.num_frames(n_samples)

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        return_tensors: str | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips of any lengths
            or a 2-D array (3-D input is an error).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        return_tensors : {None, "np", "pt"}
            None and "np": a NumPy array; "pt": a torch tensor (needs torch).
        **kwargs
            ``num_threads`` (fastmel's: this call's threads, overriding the
            extractor's and :func:`fastmel.set_num_threads`); any other is
            ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_values`` float32 ``(batch, max_length, num_mel_bins)``.
        """
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 2:
            raise ValueError(f"Only mono-channel audio is supported for input to {self}")
        _real(raw_speech)
        clips = _some(_batch(raw_speech))
        fb = self._fbank
        need = (self.max_length - 1) * fb.window_shift + fb.window_size
        for i, clip in enumerate(clips):
            if clip.size < fb.window_size:
                raise ValueError(
                    f"clip {i} has {clip.size} samples, fewer than one frame "
                    f"({fb.window_size} samples at {self.sampling_rate} Hz)"
                )
        # Every clip as a signal of its own (cut to the samples of max_length
        # frames), read in place when there is one; the engine writes exactly
        # max_length frames, those past a clip's own holding the padding's value.
        lengths = np.array([min(clip.size, need) for clip in clips], dtype=np.int64)
        if len(clips) == 1:
            batch = clips[0][None, : int(lengths[0])]
        else:
            batch = np.empty((len(clips), int(lengths.max())), dtype=np.float32)
            for row, clip, n in zip(batch, clips, lengths, strict=True):
                row[:n] = clip[:n]
        out = np.empty((len(clips), self.max_length, self.num_mel_bins), dtype=np.float32)
        plan = self._plans[np.dtype(np.float32)]
        _engine.run(plan, batch, out, threads, lengths=lengths, n_samples=need)
        return _convert(BatchFeature(input_values=out), return_tensors)


def _real(raw_speech: Any) -> None:
    """AST's and SeamlessM4T's references refuse a complex clip given as one 1-D
    array; the clips of a list or of a 2-D array they take as float32 (the real
    part, with NumPy's ComplexWarning), as fastmel does."""
    if isinstance(raw_speech, np.ndarray) and raw_speech.ndim <= 1 and np.iscomplexobj(raw_speech):
        raise ValueError("Complex-valued input waveforms are not currently supported")


def _some(clips: list[np.ndarray]) -> list[np.ndarray]:
    """The clips, or a ValueError when there are none (an empty list, or an
    array of shape (0, samples))."""
    if not clips:
        raise ValueError("`raw_speech` is empty: no clip")
    return clips


def _mono(clip: Any, i: int) -> np.ndarray:
    """Clip ``i`` of a list as 1-D float32; a clip of more dimensions (channels)
    is refused, as the references fail on it."""
    a = np.asarray(clip)
    if a.ndim > 1:
        raise ValueError(
            f"clip {i} has shape {a.shape}: only mono-channel audio is supported "
            "(each clip of a list must be 1-D)"
        )
    return _as_clip(a)


def _batch(raw_speech: Any) -> list[np.ndarray]:
    """The reference's input forms as a list of 1-D float32 clips."""
    if isinstance(raw_speech, (list, tuple)):
        if len(raw_speech) == 0:
            raise ValueError("`raw_speech` is empty")
        if isinstance(raw_speech[0], (np.ndarray, tuple, list)) or hasattr(
            raw_speech[0], "__array__"
        ):
            return [_mono(clip, i) for i, clip in enumerate(raw_speech)]
        return [_as_clip(raw_speech)]
    a = np.asarray(raw_speech)
    if a.ndim > 1:
        return [_as_clip(clip) for clip in a]
    return [_as_clip(a)]


class SeamlessM4TFeatureExtractor(_Extractor):
    """SeamlessM4T's (and w2v-BERT's) input, as ``transformers.SeamlessM4TFeatureExtractor``.

    Kaldi filter banks in float64 as the reference's NumPy code computes them
    (the samples times 2**15; 400-sample frames every 160 samples with a
    512-point FFT whatever the rate; DC removal, pre-emphasis 0.97, Povey
    window; mel bands from 20 Hz to half the rate; natural log floored at
    float32's epsilon), then per clip and mel bin ``(x - mean) / sqrt(var +
    1e-7)`` over the clip's frames (sample variance), in float32 as there;
    padded to the batch, ``stride`` frames stacked into one row, and the
    attention mask of each row's second frame.

    Parameters
    ----------
    feature_size : int, default 80
        Kept for the configuration (it decides nothing here).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz (it sets the mel bands, not the
        frame sizes).
    num_mel_bins : int, default 80
        Mel bands.
    padding_value : float, default 0.0
        The value of padding frames (not normalised).
    stride : int, default 2
        Frames stacked per output row (``num_mel_bins * stride`` features).
    **kwargs
        ``return_attention_mask`` (default True), ``padding_side``,
        ``num_threads`` (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    Differences from the reference: a clip shorter than one frame (400
    samples) gives 0 frames (the reference fails below 240 samples); int16
    clips are converted to float32 (the reference fails), float16 clips too
    (the reference scales them in float16).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.SeamlessM4TFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000)
    >>> out.input_features.shape, out.attention_mask.shape
    ((2, 49, 160), (2, 49))
    """

    model_input_names = ["input_features", "attention_mask"]
    _KEYS = (
        "num_mel_bins",
        "return_attention_mask",
        "stride",
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
    )
    _FRAME, _HOP, _FFT = 400, 160, 512

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        num_mel_bins: int = 80,
        padding_value: float = 0.0,
        stride: int = 2,
        **kwargs: Any,
    ) -> None:
        self.num_mel_bins = as_int("num_mel_bins", num_mel_bins)
        self.return_attention_mask = kwargs.pop("return_attention_mask", True)
        self.stride = as_int("stride", stride)
        self.feature_size = feature_size
        self.sampling_rate = sampling_rate
        self.padding_value = padding_value
        self._take_options(kwargs)
        rate = as_real("sampling_rate", sampling_rate, minimum=1.0)
        self._bands = kaldi_bands(
            self.num_mel_bins,
            self._FFT,
            rate,
            20.0,
            float(int(rate) // 2),
            0.0,
            0.0,
            1.0,
            np.float64,
        )
        self._build()

    _COMPUTED = ("mel_filters", "window")
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's NumPy code is float64

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Kaldi's log mel bands with the reference's fixed frame sizes, in float64.
        first, length, weights = self._bands
        framing = Framing.kaldi(self._FRAME, self._HOP, snip_edges=True)
        return EngineOptions(
            framing=framing if stream_left is None else framing.for_stream(stream_left),
            condition=Condition(
                remove_dc=True, preemphasis=0.97, window=window("povey", self._FRAME)
            ),
            spectrum=Spectrum(fft_length=self._FFT),
            bank=Bank(first=first, length=length, weights=weights),
            log=Log(enabled=True, log_scale=float(np.log(10.0)), min_power=EPSILON),
            post=Post(layout="frames_bands"),
        )

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(257, num_mel_bins)`` float64."""
        first, length, weights = self._bands
        return dense(first, length, weights, self._FFT // 2 + 1)

    def __call__(
        self,
        raw_speech: Any,
        padding: str | bool = True,
        pad_to_multiple_of: int | None = 2,
        max_length: int | None = None,
        truncation: bool = False,
        return_tensors: str | None = None,
        sampling_rate: int | None = None,
        return_attention_mask: bool | None = None,
        do_normalize_per_mel_bins: bool = True,
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch, padded, stacked and masked as the reference does.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, a batch (a list of clips, a 2-D array), or
            stereo (a 3-D array ``(batch, channels, samples)`` or a list of
            2-D arrays ``(channels, samples)``: channel 0 is used).
        padding : {True, "longest", "max_length", False, "do_not_pad"}
            In frames, after the normalisation.
        pad_to_multiple_of : int or None, default 2
            Frames: the padding (and truncation) length rounded up to it.
        max_length : int, optional
            Frames, for ``padding="max_length"`` and ``truncation``.
        truncation : bool, default False
            Cut clips to ``max_length`` frames (rounded up as above).
        return_tensors : {None, "np", "pt"}
            None and "np": NumPy arrays; "pt": torch tensors (needs torch).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        return_attention_mask : bool, optional
            Return ``attention_mask`` (default: the extractor's, True).
        do_normalize_per_mel_bins : bool, default True
            Normalise each clip's mel bins over its frames.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads, overriding the
            extractor's and :func:`fastmel.set_num_threads`); any other is
            ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames // stride, num_mel_bins
            * stride)`` and ``attention_mask`` int32 ``(batch, frames //
            stride)`` when asked.
        """
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 3:
            raise ValueError(
                f"Only mono-channel or stereo-channel audio is supported for input to {self}"
            )
        if return_attention_mask is None:
            return_attention_mask = self.return_attention_mask
        clips = _some(self._clips(raw_speech))
        counts, feats = self._log_mel(clips, threads)
        per_clip = []
        for row, c in zip(feats, counts, strict=True):
            # (frames, bins) with each bin's frames contiguous: the reference's
            # transposed view, whose reductions NumPy sums pairwise (a C-ordered
            # copy sums frame after frame: an ulp off on a constant bin, which
            # the division by sqrt(0 + 1e-7) makes 3e-3)
            x = np.asfortranarray(row[:c], dtype=np.float32)
            if do_normalize_per_mel_bins and c == 1:  # a sample variance of 0/0
                x = np.full_like(x, np.nan)
            elif do_normalize_per_mel_bins and c > 1:  # NumPy's float32 reductions, as there
                mean, var = x.mean(0), x.var(0, ddof=1)
                x -= mean
                x /= np.sqrt(var + np.float32(1e-7))
            per_clip.append(x)
        cut, target = _padded_lengths(
            [int(c) for c in counts], padding, max_length, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips' frame counts")
        n = self.num_mel_bins
        out = np.full((len(clips), total, n), self.padding_value, dtype=np.float32)
        mask = np.zeros((len(clips), total), dtype=np.int32)
        for i, (x, c) in enumerate(zip(per_clip, cut, strict=True)):
            where = slice(0, c) if self.padding_side == "right" else slice(total - c, total)
            out[i, where] = x[:c]
            mask[i, where] = 1
        s = self.stride
        usable = total - total % s
        stacked = out[:, :usable].reshape(len(clips), usable // s, n * s)
        result = BatchFeature(input_features=stacked)
        if return_attention_mask:
            result["attention_mask"] = mask[:, :usable][:, np.arange(usable) % s == 1]
        return _convert(result, return_tensors)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        """Mono clips: channel 0 of stereo input, as the reference takes it."""
        _real(raw_speech)
        if isinstance(raw_speech, np.ndarray) and raw_speech.ndim == 3:
            if raw_speech.shape[1] == 0:
                raise ValueError(f"input of shape {raw_speech.shape} has no channel")
            return [_as_clip(clip[0]) for clip in raw_speech]
        if (
            isinstance(raw_speech, (list, tuple))
            and raw_speech
            and isinstance(raw_speech[0], np.ndarray)
        ):
            for i, c in enumerate(raw_speech):
                if np.ndim(c) == 2 and np.shape(c)[0] == 0:
                    raise ValueError(f"clip {i} of shape {np.shape(c)} has no channel")
            return [_as_clip(c[0] if np.ndim(c) == 2 else c) for c in raw_speech]
        return _batch(raw_speech)

    def _log_mel(self, clips: list[np.ndarray], threads: int) -> tuple[np.ndarray, np.ndarray]:
        """Each clip's frame count and the batch's log mel ``(batch, frames,
        bins)`` float64 (frames past a clip's own hold 0)."""
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        # Not zeroed: the engine reads no sample past a row's length.
        batch = np.empty((len(clips), max(int(lengths.max()), 1)), dtype=np.float64)
        for row, clip in zip(batch, clips, strict=True):
            np.multiply(clip, 32768.0, out=row[: clip.size])  # exact, as float32 * 2**15
        plan = self._plans[np.dtype(np.float64)]
        out = np.empty(plan.out_shape(len(clips), batch.shape[1]), dtype=np.float64)
        _engine.run(plan, batch, out, threads, lengths=lengths)
        return plan.frame_counts(lengths), out


class ParakeetFeatureExtractor(_Extractor):
    """Parakeet's (NeMo's) input, as ``transformers.ParakeetFeatureExtractor``.

    Pre-emphasis over each clip (masked to its length), a centred STFT
    (``n_fft`` points, a symmetric Hann window of ``win_length`` in the
    middle, zero padding), the power through Slaney mel bands, ``log(x +
    2**-24)``, then per clip and band ``(x - mean) / (std + 1e-5)`` over the
    clip's valid frames (``length // hop_length``: its last frame is left out,
    as the reference does) with the sample standard deviation, padding frames
    0. The normalisation runs in the engine, in double.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft, win_length : int, default 160, 512, 400
        The STFT's hop, size and window length.
    preemphasis : float or None, default 0.97
        The pre-emphasis coefficient; None: none (and no masking of the padding).
    padding_value : float, default 0.0
        The value padding samples take.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    Differences from the reference: results are NumPy also with
    ``return_tensors=None`` (the reference returns torch tensors); a list of
    floats or of lists is accepted (the reference fails), as are 2-D clips in
    a list (averaged over their last axis, as the reference averages 3-D
    arrays). Silent and nearly constant bands (their standard deviation far
    below 1e-5) come out as 0 where the reference's float32 sums leave
    rounding noise amplified up to 1e5 times.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.ParakeetFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000)
    >>> out.input_features.shape, out.attention_mask.sum(axis=1).tolist()
    ((2, 101, 80), [100, 50])
    """

    model_input_names = ["input_features", "attention_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "hop_length",
        "n_fft",
        "win_length",
        "preemphasis",
    )

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 512,
        win_length: int = 400,
        preemphasis: float | None = 0.97,
        padding_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        self.feature_size = as_int("feature_size", feature_size)
        self.sampling_rate = sampling_rate
        self.padding_value = padding_value
        self.return_attention_mask = kwargs.pop("return_attention_mask", True)
        self.hop_length = as_int("hop_length", hop_length)
        self.n_fft = as_int("n_fft", n_fft, minimum=2, maximum=MAX_FFT_LENGTH)
        self.win_length = as_int("win_length", win_length)
        if self.win_length > self.n_fft:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        self.preemphasis = preemphasis
        self._take_options(kwargs)
        rate = as_real("sampling_rate", sampling_rate, minimum=1.0)
        self._filters = mel_filter_bank(
            self.n_fft // 2 + 1,
            self.feature_size,
            0.0,
            rate / 2,
            rate,
            "slaney",
            "slaney",
            dtype=np.float32,
        )
        self._build()
        # The same stages without the pre-emphasis and the normalisation, for
        # the batches the reference filters and normalises as the engine's
        # per-row form does not (done in NumPy, as there).
        own = self.engine_options(np.float32)
        plain = dataclasses.replace(
            own, framing=dataclasses.replace(own.framing, signal_preemphasis=0.0), norm=Norm()
        )
        object.__setattr__(self, "_plain_plan", _engine.make_plan(plain, np.float32))

    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float32),)
    _plain_plan: Any

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # NeMo's log mel: a centred STFT with zero padding and a symmetric Hann
        # window, Slaney bands, ``ln(x + 2**-24)``, per-row statistics.
        framing = dataclasses.replace(
            Framing.centred(self.n_fft, self.win_length, self.hop_length, pad_mode="constant"),
            signal_preemphasis=float(np.float32(self.preemphasis or 0.0)),
        )
        norm = Norm(mode="mean_std", ddof=1, eps=1e-5, exclude_last=1)
        if stream_left is not None:
            framing, norm = framing.for_stream(stream_left), Norm()
        return EngineOptions(
            framing=framing,
            condition=Condition(window=_windows.window("hann", self.win_length)),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._filters),
            log=Log(
                enabled=True, log_scale=float(np.log(10.0)), log_offset=2.0**-24, min_power=2.0**-24
            ),
            post=Post(layout="frames_bands"),
            norm=norm,
        )

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(feature_size, 1 + n_fft // 2)`` float32 (the
        reference's orientation)."""
        return self._filters.T.copy()

    def __call__(
        self,
        raw_speech: Any,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = None,
        padding: str | bool = "longest",
        max_length: int | None = None,
        sampling_rate: int | None = None,
        do_normalize: bool | None = None,
        device: str | None = "cpu",
        return_token_timestamps: bool | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Normalised log-mel features of one clip or a batch, with their mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array is averaged over its last axis (channels
            last), as the reference does.
        truncation : bool, default False
            Cut the audio to ``max_length`` samples. As in the reference, the
            clips keep their uncut lengths for the mask and the statistics.
        pad_to_multiple_of : int, optional
            Samples: the padding (and truncation) length rounded up to it.
        return_tensors : {None, "np", "pt"}
            None and "np": NumPy arrays; "pt": torch tensors (needs torch).
        return_attention_mask, do_normalize, return_token_timestamps : optional
            Ignored, as the reference ignores them (the mask is always
            returned, the features always normalised).
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads, overriding the
            extractor's and :func:`fastmel.set_num_threads`); any other is
            ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames, feature_size)`` and
            ``attention_mask`` bool ``(batch, frames)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        given = [c.size for c in clips]
        cut, target = _padded_lengths(given, padding, max_length, truncation, pad_to_multiple_of)
        total = _equal_lengths(cut, target, "clips")
        a = None if self.preemphasis is None else np.float32(self.preemphasis)
        right = self.padding_side == "right"
        hop, pad = self.hop_length, self.n_fft // 2
        own_frames = [(n + 2 * pad - self.n_fft) // hop for n in given]
        valid = np.array(own_frames, dtype=np.int64)
        # Each row alone in the engine (its own pre-emphasis, zero padding and
        # statistics) when that is what the reference computes: right padding
        # that cuts nothing, zeroed from each clip's end (by the pre-emphasis
        # mask, or zero padding); else the batch as the reference pads it,
        # filtered and normalised here.
        own = right and cut == given and (a is not None or self.padding_value == 0.0)
        if total == 0:
            # No sample (truncation to max_length=0): the reference's STFT of the
            # empty batch is one frame of its centring zeros, log(0 + guard) in
            # every band, normalised over the clips' uncut lengths as there.
            silent = np.log(np.float32(2.0**-24))
            feats = np.full((len(clips), 1, self.feature_size), silent, dtype=np.float32)
            feats = _normalise_quirk(feats, valid)
        elif own:
            # The engine reads no sample past a row's length: the clips go in
            # as they are (one clip without a copy), the padding is not stored.
            lengths = np.asarray(given, dtype=np.int64)
            if len(clips) == 1:
                batch = clips[0][None]
            else:
                batch = np.empty((len(clips), max(given)), dtype=np.float32)
                for row, clip in zip(batch, clips, strict=True):
                    row[: clip.size] = clip
            plan = self._plans[np.dtype(np.float32)]
            feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
            _engine.run(plan, batch, feats, threads, lengths=lengths, n_samples=total)
        else:
            batch = self._quirk_batch(clips, cut, given, total, a)
            feats = self._run(self._plain_plan, batch, None, threads)
            feats = _normalise_quirk(feats, valid)
        frames = feats.shape[1]
        mask = np.arange(frames)[None, :] < valid[:, None]
        if min(own_frames) <= 1:  # 0/0 statistics: NaN for the whole clip, as there
            feats[valid <= 1] = np.nan
        return _convert(BatchFeature(input_features=feats, attention_mask=mask), return_tensors)

    def _quirk_batch(
        self, clips: list[np.ndarray], cut: list[int], given: list[int], total: int, a: Any
    ) -> np.ndarray:
        """The padded batch as the reference builds it, for the batches the
        engine's per-row form does not express (left padding, truncated
        clips, padding values that stay): padded with ``padding_value``,
        pre-emphasised as a whole and zeroed from each clip's uncut length."""
        batch = np.full((len(clips), total), self.padding_value, dtype=np.float32)
        right = self.padding_side == "right"
        for row, clip, c in zip(batch, clips, cut, strict=True):
            row[slice(0, c) if right else slice(total - c, total)] = clip[:c]
        if a is None:
            return batch
        filtered = batch.copy()
        filtered[:, 1:] -= a * batch[:, :-1]
        for row, n in zip(filtered, given, strict=True):
            row[n:] = 0.0
        return filtered

    def _run(
        self, plan: Any, batch: np.ndarray, lengths: np.ndarray | None, threads: int
    ) -> np.ndarray:
        out = np.empty(plan.out_shape(batch.shape[0], batch.shape[1]), dtype=np.float32)
        _engine.run(plan, batch, out, threads, lengths=lengths)
        return out

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 2:
            logger.warning(
                "Only mono-channel audio is supported for input to %s. "
                "We will take the mean of the channels to convert to mono.",
                type(self).__name__,
            )
            raw_speech = raw_speech.mean(-1)
        if (
            isinstance(raw_speech, (list, tuple))
            and raw_speech
            and isinstance(raw_speech[0], np.ndarray)
        ):
            return [_as_clip(c.mean(-1) if c.ndim > 1 else c) for c in raw_speech]
        return _batch(raw_speech)


def _normalise_quirk(feats: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Parakeet's normalisation as the reference writes it, for the batches the
    engine's per-row form does not express (left padding, truncated clips
    whose uncut lengths are kept, unmasked padding values): mean and sample
    variance of the first ``valid`` frames, dividing by ``valid`` even when
    fewer frames exist; frames from ``valid`` on are 0. In double."""
    out = np.zeros_like(feats)
    frames = feats.shape[1]
    for i, (x, n) in enumerate(zip(feats, valid, strict=True)):
        m = min(int(n), frames)
        if n <= 1:
            continue
        v = x[:m].astype(np.float64)
        mean = v.sum(axis=0) / n
        var = ((v - mean) ** 2).sum(axis=0) / (n - 1)
        out[i, :m] = (v - mean) / (np.sqrt(var) + 1e-5)
    return out


def _convert(out: BatchFeature, return_tensors: str | None) -> BatchFeature:
    if return_tensors in (None, "np"):
        return out
    if return_tensors == "pt":
        import torch

        return BatchFeature({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()})
    raise ValueError(f"`return_tensors` must be None, 'np' or 'pt', got {return_tensors!r}")
