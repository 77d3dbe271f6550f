"""Whisper's extractor, and the extractors that compute Whisper's features."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Floor, Framing, Log, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    MAX_SAMPLES,
    BatchFeature,
    _channels_averaged,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _sample_mask,
    _side_mask,
    _some,
    _speech_clips,
)


def _whisper_options(
    n_fft: int,
    hop_length: int,
    filters: np.ndarray,
    *,
    center: bool = True,
    floor: Floor | None = None,
    min_power: float = 1e-10,
    stream_left: int | None = None,
) -> EngineOptions:
    """Whisper's stages (its torch path): a periodic Hann window of ``n_fft``,
    frames centred with reflection padding (or from sample 0), the last frame
    dropped, the power through ``filters``, ``log10(max(mel, min_power))``,
    the floor (default: 8 below each row's maximum), then ``(x + 4) / 4``."""
    framing = Framing.centred(n_fft, n_fft, hop_length, center=center, drop_last=1)
    if stream_left is not None:
        framing = framing.for_stream(stream_left)
    return EngineOptions(
        framing=framing,
        condition=Condition(window=_windows.window("hann", n_fft, periodic=True)),
        spectrum=Spectrum(fft_length=n_fft),
        bank=Bank.from_dense(filters),
        log=Log(enabled=True, log_scale=0.25, out_offset=1.0, min_power=min_power),
        floor=Floor(mode="row", range=2.0) if floor is None else floor,
    )


def _whisper_bank(n_fft: int, bands: int, rate: int) -> np.ndarray:
    """Whisper's Slaney bank from 0 to 8000 Hz whatever the rate, float64 (for
    an odd n_fft its bins are not the FFT's: see mel_filter_bank)."""
    return mel_filter_bank(1 + n_fft // 2, bands, 0.0, 8000.0, rate, "slaney", "slaney")


class _WhisperBase(_Extractor):
    """What the extractors that compute Whisper's features share: the
    batch padded in samples (with the engine skipping zero padding), the
    features of one engine call, the masks and the waveform normalisation."""

    # The options, read-only after construction (Final, so that a type checker
    # flags a user's assignment). _setup or the subclass's __init__ sets them,
    # by name, which mypy does not see: hence its "must be initialized"
    # silenced on each.
    feature_size: Final[int]  # type: ignore[misc]
    sampling_rate: Final[int]  # type: ignore[misc]
    padding_value: Final[float]  # type: ignore[misc]
    return_attention_mask: Final[bool]  # type: ignore[misc]
    n_fft: Final[int]  # type: ignore[misc]
    hop_length: Final[int]  # type: ignore[misc]
    chunk_length: Final[int]  # type: ignore[misc]
    n_samples: Final[int]  # type: ignore[misc]
    nb_max_frames: Final[int]  # type: ignore[misc]
    dither: Final[float] = 0.0
    # rows per floor group (1: each row its own floor, Whisper's per-clip clamp)
    _floor_group = 1

    def _max_length(self, max_length: int | None) -> int | None:
        """The "max_length" padding length for a call's ``max_length``."""
        return max_length

    def _setup(
        self,
        feature_size: Any,
        sampling_rate: Any,
        hop_length: Any,
        chunk_length: Any,
        n_fft: Any,
        padding_value: float,
        dither: float,
        return_attention_mask: Any,
        kwargs: dict[str, Any],
    ) -> None:
        """The attributes of a Whisper-type extractor (sizes checked first:
        the sample and frame counts divide by them), the other keywords, the
        bank (0 to 8000 Hz whatever the rate) and the plans."""
        feature_size = as_int("feature_size", feature_size)
        sampling_rate = as_int("sampling_rate", sampling_rate)
        n_fft = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        hop_length = as_int("hop_length", hop_length)
        chunk_length = as_int("chunk_length", chunk_length)
        self._set_options(
            feature_size=feature_size,
            sampling_rate=sampling_rate,
            padding_value=padding_value,
            return_attention_mask=return_attention_mask,
            n_fft=n_fft,
            hop_length=hop_length,
            chunk_length=chunk_length,
            n_samples=chunk_length * sampling_rate,
            nb_max_frames=chunk_length * sampling_rate // hop_length,
            dither=dither,
        )
        self._take_options(kwargs)
        self._filters = mel_filter_bank(
            1 + self.n_fft // 2,
            self.feature_size,
            0.0,
            8000.0,
            self.sampling_rate,
            "slaney",
            "slaney",
        )
        self._build()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Whisper's torch path, the clamp per clip (float32 only).
        return _whisper_options(self.n_fft, self.hop_length, self._filters, stream_left=stream_left)

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(1 + n_fft // 2, feature_size)`` float64."""
        return self._filters.copy()

    def _dithered(self, batch: np.ndarray) -> np.ndarray:
        """The batch with ``dither`` times fresh Gaussian noise added to every
        sample, padding included (as the references' torch path draws it)."""
        if self.dither == 0.0:
            return batch
        noise = np.random.default_rng().standard_normal(batch.shape, dtype=np.float32)
        return batch + np.float32(self.dither) * noise

    def _zero_tails(self) -> bool:
        """Whether each row is zero after its clip: right padding with zeros and
        no dither (the normalisation, if any, leaves the padding value there)."""
        return self.padding_value == 0.0 and self.dither == 0.0 and self.padding_side == "right"

    def _features(
        self,
        batch: np.ndarray | list[np.ndarray],
        valid: np.ndarray | None,
        total: int,
        threads: int,
        plan: Any = None,
    ) -> np.ndarray:
        """The features of the batch padded to ``total`` samples. Zero padding
        after each clip (``valid`` samples) is declared to the engine, which
        skips the FFTs of frames that read only it (the result is the same);
        ``batch`` may hold fewer than ``total`` samples per row, the rest being
        such zeros. ``plan``: the extractor's (float32) unless given."""
        plan = plan or self._plans[np.dtype(np.float32)]
        out = np.empty(plan.out_shape(len(batch), total), dtype=np.float32)
        _engine.run(
            plan,
            batch,
            out,
            threads,
            floor_group=self._floor_group,
            zero_from=valid if valid is not None and self._zero_tails() else None,
            n_samples=total,
        )
        return out

    def _mask(self, valid: np.ndarray, total: int, at: np.ndarray) -> np.ndarray:
        """The attention mask (int32) of rows with ``valid`` samples padded to
        ``total``, at the samples ``at``."""
        return _side_mask(at, valid, total, self.padding_side).astype(np.int32)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        return _speech_clips(raw_speech, self)

    def _pad(
        self,
        clips: list[np.ndarray],
        padding: str | bool,
        max_length: int | None,
        truncation: bool,
        multiple: int | None,
        *,
        store_all: bool = True,
    ) -> tuple[Any, np.ndarray, int]:
        """The padded batch ``(batch, samples)`` float32, each row's valid
        samples and the padded length. Without ``store_all`` (right padding
        with zeros) the batch is the list of the clips' valid samples (one
        clip: a view of it as a row), not copied: the zeros after them are the
        engine's to imagine."""
        cut, target = _padded_lengths(
            [len(clip) for clip in clips],
            padding,
            self._max_length(max_length),
            truncation,
            multiple,
        )
        total = _equal_lengths(cut, target, "clips")
        valid = np.array(cut, dtype=np.int64)
        if not store_all and len(clips) == 1:  # (a view: the cheapest call)
            return clips[0][None, : cut[0]], valid, total
        if not store_all:
            return [c[:n] for c, n in zip(clips, cut, strict=True)], valid, total
        batch = _padded_batch(clips, cut, total, self.padding_value, self.padding_side)
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


class WhisperFeatureExtractor(_WhisperBase):
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
        self._setup(
            feature_size,
            sampling_rate,
            hop_length,
            chunk_length,
            n_fft,
            padding_value,
            dither,
            return_attention_mask,
            kwargs,
        )

    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def _max_length(self, max_length: int | None) -> int | None:
        # (None or 0: chunk_length seconds)
        return max_length or self.n_samples

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
        batch = self._dithered(batch)
        out = BatchFeature(input_features=self._features(batch, valid, total, threads))
        if return_attention_mask:
            # The sample mask at every hop-th sample, the last one left out when
            # the length is not a multiple of the hop: one value per frame.
            hop = self.hop_length
            out["attention_mask"] = self._mask(valid, total, np.arange(total // hop) * hop)
        elif mask_flag:
            out["attention_mask"] = _sample_mask(valid, total, self.padding_side, np.int32)
        return _convert(out, return_tensors)


# The most samples (or frames) a padded batch's rows may have: 2**40, 19 hours at
# 16 kHz (a longer max_length would only ask for more memory than there is).


class VoxtralRealtimeFeatureExtractor(_WhisperBase):
    """Voxtral Realtime's log-mel features, as ``transformers.VoxtralRealtimeFeatureExtractor``.

    Whisper's features (a periodic Hann window of ``n_fft``, reflection
    padding, the power through Slaney bands from 0 to 8000 Hz, ``log10``, the
    last frame dropped, ``(x + 4) / 4``) with the floor at a constant,
    ``global_log_mel_max - 8`` (None: the maximum of the whole batch, as
    there), on clips padded to the longest by default. One engine call for
    the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft : int, default 160, 400
        Hop and FFT size.
    win_length : int, default 400
        Only the mask reads it (as in the reference): the mask is the
        sample mask at ``win_length - 1``, then every ``hop_length``.
    padding_value : float, default 0.0
        The value padding samples take.
    global_log_mel_max : float or None, default 1.5
        The log mel maximum the floor hangs from (8 below it); None: the
        batch's own maximum.
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    With ``return_tensors=None`` the reference returns torch tensors, and so
    does fastmel when torch is importable (NumPy arrays otherwise). The mask
    has ``ceil((samples - win_length + 1) / hop_length)`` values, not one per
    frame, as the reference's.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.VoxtralRealtimeFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape
    (2, 128, 100)
    """

    model_input_names = ["input_features"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "hop_length",
        "n_fft",
        "win_length",
        "global_log_mel_max",
    )
    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 400,
        win_length: int = 400,
        padding_value: float = 0.0,
        global_log_mel_max: float | None = 1.5,
        **kwargs: Any,
    ) -> None:
        self._set_options(
            feature_size=as_int("feature_size", feature_size),
            sampling_rate=as_int("sampling_rate", sampling_rate),
            padding_value=padding_value,
            return_attention_mask=kwargs.pop("return_attention_mask", True),
            hop_length=as_int("hop_length", hop_length),
            n_fft=as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH),
        )
        self.win_length: Final = as_int("win_length", win_length)
        if global_log_mel_max is not None:
            as_real("global_log_mel_max", global_log_mel_max)
        self.global_log_mel_max: Final = global_log_mel_max
        self._take_options(kwargs)
        self._filters = _whisper_bank(self.n_fft, self.feature_size, self.sampling_rate)
        self._build()
        # The same stages without centring (the call's center=False).
        plain = self._options(np.float32, center=False)
        object.__setattr__(self, "_uncentred", _engine.make_plan(plain, np.float32))

    _uncentred: Any

    @property
    def _floor_group(self) -> int:  # type: ignore[override]
        return 0  # (a constant floor, or the batch's)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        return self._options(dtype, stream_left=stream_left)

    def _options(
        self, dtype: Any, *, center: bool = True, stream_left: int | None = None
    ) -> EngineOptions:
        # Whisper's stages; the floor log10(max(mel, 10^(max - 8))) when the
        # maximum is given, else 2 (8 / 4) below the batch's maximum.
        top = self.global_log_mel_max
        return _whisper_options(
            self.n_fft,
            self.hop_length,
            self._filters,
            center=center,
            floor=Floor(mode="batch", range=2.0) if top is None else Floor(),
            min_power=1e-10 if top is None else max(1e-10, 10.0 ** (float(top) - 8.0)),
            stream_left=stream_left,
        )

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
        center: bool = True,
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array is averaged over its last axis, as the
            reference does.
        truncation : bool, default False
            Cut clips to ``max_length`` samples.
        pad_to_multiple_of : int, optional
            Round the padding (and truncation) length up to a multiple of this.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable (as the reference),
            else NumPy; "np": NumPy arrays; "pt": torch tensors.
        return_attention_mask : bool, optional
            Also return ``attention_mask`` (bool).
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        do_normalize, device, return_token_timestamps : optional
            Accepted and ignored, as the reference ignores them.
        center : bool, default True
            Centre the frames (reflection padding of ``n_fft // 2``); False:
            frames from sample 0.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, feature_size, frames)``, and
            ``attention_mask`` bool when asked.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        batch, valid, total = self._pad(
            clips,
            padding,
            max_length,
            truncation,
            pad_to_multiple_of,
            store_all=not self._zero_tails(),
        )
        plan = self._plans[np.dtype(np.float32)] if center else self._uncentred
        out = BatchFeature(input_features=self._features(batch, valid, total, threads, plan))
        if return_attention_mask:
            start, hop = self.win_length - 1, self.hop_length
            at = np.arange(start, total, hop)
            out["attention_mask"] = _side_mask(at, valid, total, self.padding_side)
        return _convert(out, return_tensors, torch_default=True)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        raw_speech = _channels_averaged(raw_speech, self)
        return _speech_clips(raw_speech, self)


class Qwen3ASRFeatureExtractor(_WhisperBase):
    """Qwen3-ASR's log-mel features, as ``transformers.Qwen3ASRFeatureExtractor``.

    Whisper's features with 128 bands: clips shorter than ``min_length``
    samples zero-filled to it first (counted as valid in the mask, as
    there), padded to ``chunk_length`` seconds without truncation, the floor
    per clip, then the frames padded with 0.0 to a multiple of ``2 *
    n_window``. One engine call for the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft : int, default 160, 400
        Hop and FFT size.
    chunk_length : int, default 30
        Seconds: the default padding length.
    padding_value : float, default 0.0
        The value padding samples take.
    dither : float, default 0.0
        Gaussian noise of this standard deviation added to the padded batch
        (fresh per call, as the reference draws it).
    return_attention_mask : bool, default True
        Kept for the configuration: the call returns a mask only when its
        own ``return_attention_mask`` is true, as the reference.
    n_window : int, default 50
        The frames are padded to a multiple of ``2 * n_window`` (0: not).
    min_length : int, default 8000
        Samples every clip is zero-filled to.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (the
    reference's default is "pt"), NumPy arrays otherwise. Where the
    reference fails, fastmel computes: ``return_attention_mask=False``
    (the reference reads the mask it did not make), and a batch mixing clips
    over and under ``chunk_length`` seconds is padded to the longest (the
    reference cannot stack them).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Qwen3ASRFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(4000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape
    (2, 128, 3000)
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
        "min_length",
        "chunk_length",
        "n_samples",
        "nb_max_frames",
        "dither",
        "n_window",
    )
    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        chunk_length: int = 30,
        n_fft: int = 400,
        padding_value: float = 0.0,
        dither: float = 0.0,
        return_attention_mask: bool = True,
        n_window: int = 50,
        min_length: int = 8000,
        **kwargs: Any,
    ) -> None:
        self.n_window: Final = as_int("n_window", n_window, minimum=0)
        self.min_length: Final = as_int(
            "min_length", min_length, minimum=-MAX_SAMPLES, maximum=MAX_SAMPLES
        )
        self._setup(
            feature_size,
            sampling_rate,
            hop_length,
            chunk_length,
            n_fft,
            padding_value,
            dither,
            return_attention_mask,
            kwargs,
        )

    def _max_length(self, max_length: int | None) -> int | None:
        return max_length or self.n_samples

    def __call__(
        self,
        raw_speech: Any,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = None,
        padding: str | bool = "max_length",
        max_length: int | None = None,
        sampling_rate: int | None = None,
        n_window: int | None = None,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array
            (3-D input is an error).
        truncation : bool, default False
            Cut clips to ``max_length`` samples.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask : bool, optional
            Also return ``attention_mask`` (int32, per frame).
        padding : {"max_length", "longest", True, False, "do_not_pad"}
            In samples; "max_length" pads to ``max_length`` (default
            ``chunk_length`` seconds).
        max_length : int, optional
            Samples; None or 0: ``chunk_length`` seconds.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        n_window : int, optional
            This call's ``n_window`` (0: no padding of the frames).
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, feature_size, frames)``, and
            ``attention_mask`` int32 when asked.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        if self.min_length > 0:  # zeros, whatever padding_value is (as there)
            clips = [
                np.pad(c, (0, self.min_length - c.size)) if c.size < self.min_length else c
                for c in clips
            ]
        if padding == "max_length" and not truncation:
            # (the reference cannot stack clips over and under the length:
            # they are padded to the longest)
            sizes = [c.size for c in clips]
            if max(sizes) > (max_length or self.n_samples) and min(sizes) < max(sizes):
                padding = "longest"
        batch, valid, total = self._pad(
            clips,
            padding,
            max_length,
            truncation,
            pad_to_multiple_of,
            store_all=not self._zero_tails(),
        )
        feats = self._features(self._dithered(batch), valid, total, threads)
        hop = self.hop_length
        mask = self._mask(valid, total, np.arange(total // hop) * hop)
        step = 2 * (self.n_window if n_window is None else as_int("n_window", n_window, minimum=0))
        if step > 1 and feats.shape[-1] % step:
            extra = step - feats.shape[-1] % step
            feats = np.pad(feats, [(0, 0), (0, 0), (0, extra)])
            mask = np.pad(mask, [(0, 0), (0, extra)])
        out = BatchFeature(input_features=feats)
        if return_attention_mask:
            out["attention_mask"] = mask
        return _convert(out, return_tensors, torch_default=True)


class MossTranscribeDiarizeFeatureExtractor(_WhisperBase):
    """MOSS-Transcribe-Diarize's features, as transformers' extractor of that name.

    Each clip cut into consecutive ``chunk_length``-second chunks (at least
    one), each chunk padded to ``chunk_length`` seconds and given Whisper's
    features (the floor per chunk); the frame mask of each chunk, and each
    clip's sample mask. One engine call for all the chunks, without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft : int, default 160, 400
        Hop and FFT size.
    chunk_length : int, default 30
        Seconds per chunk.
    padding_value : float, default 0.0
        The value padding samples take.
    dither : float, default 0.0
        Gaussian noise of this standard deviation added to the padded chunks
        (fresh per call, as the reference's torch path draws it).
    return_attention_mask : bool, default False
        Kept for the configuration (the masks are always returned).
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.MossTranscribeDiarizeFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(500000)], sampling_rate=16000)
    >>> out.input_features.shape, out.input_features_mask.shape, out.padding_mask.shape
    ((3, 80, 3000), (3, 3000), (2, 500000))
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
    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float32),)

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
        self._setup(
            feature_size,
            sampling_rate,
            hop_length,
            chunk_length,
            n_fft,
            padding_value,
            dither,
            return_attention_mask,
            kwargs,
        )

    def __call__(
        self,
        raw_speech: Any,
        truncation: bool = True,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        sampling_rate: int | None = None,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of the chunks of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array.
        truncation : bool, default True
            Accepted: no chunk is longer than the padding length.
        pad_to_multiple_of : int, optional
            Samples: round each chunk's padding length up to it.
        return_tensors : {None, "np", "pt"}
            None and "np": NumPy arrays; "pt": torch tensors (needs torch).
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
            ``input_features`` float32 ``(chunks, feature_size, frames)``,
            ``input_features_mask`` int32 ``(chunks, frames)`` and
            ``padding_mask`` int64 ``(clips, longest clip)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        size = self.n_samples
        chunks = [
            clip[i * size : (i + 1) * size]
            for clip in clips
            for i in range(max(1, -(-clip.size // size)))
        ]
        batch, valid, total = self._pad(
            chunks,
            "max_length",
            size,
            truncation,
            pad_to_multiple_of,
            store_all=not self._zero_tails(),
        )
        feats = self._features(self._dithered(batch), valid, total, threads)
        hop = self.hop_length
        lengths = [c.size for c in clips]
        padding_mask = _sample_mask(lengths, max(lengths), "right", np.int64)
        out = BatchFeature(
            input_features=feats,
            input_features_mask=self._mask(valid, total, np.arange(total // hop) * hop),
            padding_mask=padding_mask,
        )
        return _convert(out, return_tensors)


class Dots3NoteFeatureExtractor(_WhisperBase):
    """dots3-note's log-mel features, as ``transformers.Dots3NoteFeatureExtractor``.

    Each clip cut into consecutive ``chunk_length``-second chunks, each
    padded to ``chunk_length`` seconds and given Whisper's features (the
    floor over the whole padded chunk), then the frames of every chunk cut
    to 8 times the most audio tokens of a chunk (a token per ``8 *
    hop_length`` samples). One engine call for all the chunks, without the
    GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    padding_value : float, default 0.0
        The value padding samples take.
    n_fft, hop_length : int, default 400, 160
        FFT size and hop.
    chunk_length : int, default 60
        Seconds per chunk.
    chunk_seconds : int, optional
        Replaces ``chunk_length`` when given (not kept: the configuration
        holds ``chunk_length``, as the reference's).
    return_attention_mask : bool, default False
        Kept for the configuration.
    dither : float, default 0.0
        Gaussian noise of this standard deviation added to the padded chunks
        (fresh per call, as the reference draws it).
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (the
    reference's default is "pt"), NumPy arrays otherwise. A 2-D array is a
    batch of clips (the reference cuts it as one clip along its first axis).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Dots3NoteFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(4000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.num_audio_tokens.tolist()
    ((2, 128, 104), [13, 4])
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
    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16_000,
        padding_value: float = 0.0,
        n_fft: int = 400,
        hop_length: int = 160,
        chunk_length: int = 60,
        chunk_seconds: int | None = None,
        return_attention_mask: bool = False,
        dither: float = 0.0,
        **kwargs: Any,
    ) -> None:
        self._setup(
            feature_size,
            sampling_rate,
            hop_length,
            chunk_length if chunk_seconds is None else chunk_seconds,
            n_fft,
            padding_value,
            dither,
            return_attention_mask,
            kwargs,
        )

    def _check_rate(self, sampling_rate: int | None, by_name: bool = False) -> None:
        # (no warning without one, as there)
        if sampling_rate is not None and sampling_rate != self.sampling_rate:
            raise ValueError(f"Expected sampling rate {self.sampling_rate}, got {sampling_rate}")

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        return_tensors: str | None = None,
        device: str = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of the chunks of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(chunks, feature_size, frames)``,
            ``chunk_sample_lengths`` int64 ``(chunks,)`` and
            ``num_audio_tokens`` int64 ``(clips,)``.
        """
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        size, per_token = self.n_samples, 8 * self.hop_length
        chunks = [clip[i : i + size] for clip in clips for i in range(0, max(clip.size, 1), size)]
        tokens = [-(-c.size // per_token) for c in chunks]
        per_clip, at = [], 0
        for clip in clips:
            n = max(1, -(-clip.size // size))
            per_clip.append(sum(tokens[at : at + n]))
            at += n
        batch, valid, total = self._pad(
            chunks, "max_length", size, False, None, store_all=not self._zero_tails()
        )
        feats = self._features(self._dithered(batch), valid, total, threads)
        out = BatchFeature(
            input_features=np.ascontiguousarray(feats[..., : max(tokens) * 8]),
            chunk_sample_lengths=np.array([c.size for c in chunks], dtype=np.int64),
            num_audio_tokens=np.array(per_clip, dtype=np.int64),
        )
        return _convert(out, return_tensors, torch_default=True)
