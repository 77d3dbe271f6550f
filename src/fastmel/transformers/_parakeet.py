"""Parakeet's (NeMo's) extractor."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

import numpy as np

from .. import _core, _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Norm, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _as_clip,
    _batch,
    _channels_averaged,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _some,
)


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
    With ``return_tensors=None`` the results are torch tensors when torch is
    importable, as the reference's, NumPy arrays otherwise. Differences from
    the reference: a list of floats or of lists is accepted (the reference
    fails), as are 2-D clips in a list (averaged over their last axis, as the reference averages 3-D
    arrays). Silent and nearly constant bands (their standard deviation far
    below 1e-5) come out as 0 where the reference's float32 sums leave
    rounding noise amplified up to 1e5 times.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.ParakeetFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.attention_mask.sum(axis=1).tolist()
    ((2, 101, 80), [100, 50])
    """

    model_input_names = ["input_features", "attention_mask"]
    _KEYS: tuple[str, ...] = (
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
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = sampling_rate
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.n_fft: Final = as_int("n_fft", n_fft, minimum=2, maximum=MAX_FFT_LENGTH)
        self.win_length: Final = as_int("win_length", win_length)
        if self.win_length > self.n_fft:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        self.preemphasis: Final = preemphasis
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
    _NORMALISE = True  # (False: the log mel as it is, for tests)
    _plain_plan: Any

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # NeMo's log mel: a centred STFT with zero padding and a symmetric Hann
        # window, Slaney bands, ``ln(x + 2**-24)``, per-row statistics.
        framing = dataclasses.replace(
            Framing.centred(self.n_fft, self.win_length, self.hop_length, pad_mode="constant"),
            signal_preemphasis=float(np.float32(self.preemphasis or 0.0)),
        )
        norm = Norm(mode="mean_std", ddof=1, eps=1e-5, exclude_last=1)
        if not self._NORMALISE:
            norm = Norm()
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
            None: torch tensors when torch is importable (the reference's),
            else NumPy arrays; "np": NumPy arrays; "pt": torch tensors.
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
        feats, mask = self._log_mel(
            clips, padding, max_length, truncation, pad_to_multiple_of, threads
        )
        out = BatchFeature(input_features=feats, attention_mask=mask)
        return _convert(out, return_tensors, torch_default=True)

    def _dithered(self, rows: Any, counts: list[int]) -> Any:
        """Each row's first ``counts`` samples with the dither added (none
        here); ``rows`` a 2-D array or a list of 1-D rows, given back in kind."""
        return rows

    def _log_mel(
        self,
        clips: list[np.ndarray],
        padding: Any,
        max_length: int | None,
        truncation: bool,
        pad_to_multiple_of: int | None,
        threads: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The normalised log mel of the clips padded as asked, and its mask."""
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
            feats = _normalise_quirk(feats, valid) if self._NORMALISE else feats
        elif own:
            # The engine reads no sample past a row's length: the clips go in
            # where they lie (no padded copy of the batch), the padding is
            # not stored.
            lengths = np.asarray(given, dtype=np.int64)
            rows = self._dithered(clips, given)
            plan = self._plans[np.dtype(np.float32)]
            feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
            _engine.run(plan, rows, feats, threads, lengths=lengths, n_samples=total)
        else:
            batch = self._quirk_batch(clips, cut, given, total, a)
            feats = self._run(self._plain_plan, batch, None, threads)
            feats = _normalise_quirk(feats, valid) if self._NORMALISE else feats
        frames = feats.shape[1]
        mask = np.arange(frames)[None, :] < valid[:, None]
        if min(own_frames) <= 1 and self._NORMALISE:  # 0/0 statistics: NaN, as there
            feats[valid <= 1] = np.nan
        return feats, mask

    def _quirk_batch(
        self, clips: list[np.ndarray], cut: list[int], given: list[int], total: int, a: Any
    ) -> np.ndarray:
        """The padded batch as the reference builds it, for the batches the
        engine's per-row form does not express (left padding, truncated
        clips, padding values that stay): padded with ``padding_value``,
        pre-emphasised as a whole and zeroed from each clip's uncut length."""
        batch = _padded_batch(clips, cut, total, self.padding_value, self.padding_side)
        batch = self._dithered(batch, [min(n, total) for n in given])
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
        raw_speech = _channels_averaged(raw_speech, self)
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


def _rounded(values: np.ndarray, dtype: str) -> np.ndarray:
    """float32 values rounded to ``dtype`` ("float32", "float16" or
    "bfloat16", to nearest, ties to even) and back, as torch's
    ``.to(dtype).float()``."""
    a = np.asarray(values, dtype=np.float32)
    if dtype == "float32":
        return a
    if dtype == "float16":
        return a.astype(np.float16).astype(np.float32)
    if dtype == "bfloat16":
        bits = a.view(np.uint32).astype(np.uint64)
        kept = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        return kept.astype(np.uint32).view(np.float32)
    raise ValueError(
        f"`mel_filters_dtype` must be 'float32', 'float16' or 'bfloat16', got {dtype!r}"
    )


class NemotronAsrStreamingFeatureExtractor(_Extractor):
    """Nemotron streaming ASR's input, as ``transformers.NemotronAsrStreamingFeatureExtractor``.

    Parakeet's log mel without its normalisation: pre-emphasis over each
    clip (zero past its length), a centred STFT (zero padding; or frames from
    sample 0 with ``center=False``), a symmetric Hann window of
    ``win_length``, the power through Slaney bands, ``ln(x + 2**-24)``, the
    window and bank rounded to ``mel_filters_dtype`` first; frames past each
    clip's ``length // hop_length`` (``(length - n_fft) // hop_length + 1``
    uncentred) are 0 and masked. One engine call for the batch, without the
    GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft, win_length : int, default 160, 512, 400
        Hop, FFT size and window length.
    preemphasis : float or None, default 0.97
        The pre-emphasis coefficient; None: none (and no masking).
    padding_value : float, default 0.0
        The value padding samples take (zeroed by the pre-emphasis mask).
    mel_filters_dtype : {"float32", "bfloat16", "float16"}, default "float32"
        The precision the window and the bank are rounded to (Nemotron 3.5
        Transcribe's are bfloat16).
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. The reference's quirks are kept:
    truncation keeps the uncut lengths for the mask, left padding masks the
    clips' ends. Where it fails, fastmel computes: a clip shorter than a frame
    with ``center=False`` has no frame; a list of floats is one clip.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.NemotronAsrStreamingFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
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
        "mel_filters_dtype",
    )
    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 512,
        win_length: int = 400,
        preemphasis: float | None = 0.97,
        padding_value: float = 0.0,
        mel_filters_dtype: str = "float32",
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.n_fft: Final = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        self.win_length: Final = as_int("win_length", win_length)
        if self.win_length > self.n_fft:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        if preemphasis is not None:
            as_real("preemphasis", preemphasis)
        self.preemphasis: Final = preemphasis
        self.mel_filters_dtype: Final = mel_filters_dtype
        self._take_options(kwargs)
        rate = float(self.sampling_rate)
        bank = mel_filter_bank(
            self.n_fft // 2 + 1,
            self.feature_size,
            0.0,
            rate / 2,
            rate,
            "slaney",
            "slaney",
            dtype=np.float32,
        )
        self._filters = _rounded(bank, mel_filters_dtype)
        self._window = _rounded(_windows.window("hann", self.win_length), mel_filters_dtype)
        self._build()
        # Without the pre-emphasis (done before, in NumPy, for the batches the
        # engine's per-row form does not express) and without centring.
        plans = {
            (pre, center): _engine.make_plan(self._options(pre, center), np.float32)
            for pre in (False, True)
            for center in (False, True)
        }
        object.__setattr__(self, "_variants", plans)

    _variants: dict[tuple[bool, bool], Any]

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(feature_size, n_fft // 2 + 1)`` float32 (as
        rounded to ``mel_filters_dtype``; the reference's orientation)."""
        return self._filters.T.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        options = self._options(True, True)
        if stream_left is None:
            return options
        framing = dataclasses.replace(options.framing, signal_preemphasis=0.0)
        return dataclasses.replace(options, framing=framing.for_stream(stream_left))

    def _options(self, preemphasis: bool, center: bool) -> EngineOptions:
        # NeMo's log mel, no normalisation; the signal pre-emphasis in the
        # engine (over each row's own samples) or not.
        c = float(np.float32(self.preemphasis)) if preemphasis and self.preemphasis else 0.0
        framing = Framing.centred(
            self.n_fft, self.win_length, self.hop_length, center=center, pad_mode="constant"
        )
        return EngineOptions(
            framing=dataclasses.replace(framing, signal_preemphasis=c),
            condition=Condition(window=self._window),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._filters),
            log=Log(
                enabled=True, log_scale=float(np.log(10.0)), log_offset=2.0**-24, min_power=2.0**-24
            ),
            post=Post(layout="frames_bands"),
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
        device: str | None = "cpu",
        return_token_timestamps: bool | None = None,
        center: bool = True,
        is_last_audio_chunk: bool = False,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log-mel features of one clip or a batch, with their mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array is averaged over its last axis, as there.
        truncation : bool, default False
            Cut the audio to ``max_length`` samples (the mask still counts the
            uncut clips, as there).
        pad_to_multiple_of : int, optional
            Samples: the padding (and truncation) length rounded up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask, return_token_timestamps : optional
            Ignored, as the reference ignores them (the mask is returned).
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        center : bool, default True
            Centre the frames (zero padding of ``n_fft // 2``); False: frames
            from sample 0 (a streaming session's later chunks).
        is_last_audio_chunk : bool, default False
            With ``center=False``: ``n_fft // 2 - hop_length`` zeros after the
            (pre-emphasised) audio, so that the last frame is kept.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames, feature_size)`` and
            ``attention_mask`` bool ``(batch, frames)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        raw_speech = _channels_averaged(raw_speech, self)
        clips = _some(_batch(raw_speech))
        given = [c.size for c in clips]
        cut, target = _padded_lengths(given, padding, max_length, truncation, pad_to_multiple_of)
        total = _equal_lengths(cut, target, "clips")
        lengths = np.array(given, dtype=np.int64)
        extra = self.n_fft // 2 - self.hop_length if is_last_audio_chunk and not center else 0
        right = self.padding_side == "right"
        a = self.preemphasis
        # Each row alone in the engine (its own pre-emphasis and zero padding)
        # when that is what the reference computes: right padding that cuts
        # nothing, no zeros appended after the pre-emphasis, the padding zeroed
        # (by the pre-emphasis mask) or zeros.
        own = right and cut == given and extra == 0 and (a is not None or self.padding_value == 0.0)
        if own:
            batch = _padded_batch(clips, cut, total, 0.0, "right", width=max(total, 1))
            plan = self._variants[(True, center)]
            feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
            _engine.run(plan, batch[:, :total], feats, threads, lengths=lengths, n_samples=total)
        else:
            batch = _padded_batch(
                clips, cut, total, self.padding_value, self.padding_side, width=total + extra
            )
            if a is not None:  # over the padded rows, then zero from each uncut length
                filtered = batch.copy()
                filtered[:, 1:] -= np.float32(a) * batch[:, :-1]
                filtered[np.arange(total + extra)[None, :] >= lengths[:, None]] = 0.0
                batch = filtered
            batch[:, total:] = 0.0  # (the zeros appended after the pre-emphasis)
            plan = self._variants[(False, center)]
            feats = np.empty(plan.out_shape(len(clips), total + extra), dtype=np.float32)
            _engine.run(plan, batch, feats, threads)
        if center:
            valid = (lengths + 2 * (self.n_fft // 2) - self.n_fft) // self.hop_length
        else:
            valid = (lengths + extra - self.n_fft) // self.hop_length + 1
        mask = np.arange(feats.shape[1])[None, :] < valid[:, None]
        feats *= mask[..., None]
        out = BatchFeature(input_features=feats, attention_mask=mask)
        return _convert(out, return_tensors, torch_default=True)


def torch_randn(seed: int, n: int) -> np.ndarray:
    """``torch.randn(n, generator=torch.Generator().manual_seed(seed))`` on the
    CPU, float32, without torch: torch's MT19937 stream and its Box-Muller on
    blocks of 16 (``normal_fill_16``), compiled (:func:`fastmel._core.torch_randn`,
    the process's kernel), with fastmel's logarithm, sine and cosine in place
    of torch's SLEEF ones: torch's values to a few ulps. (Below 16 torch takes
    a scalar path in double; those few values are the block of 16 drawn after
    them, not torch's.)"""
    if n <= 0:
        return np.zeros(0, dtype=np.float32)
    return _core.torch_randn(seed, n, _engine.DEFAULT_KERNEL)


class CohereAsrFeatureExtractor(ParakeetFeatureExtractor):
    """Cohere Transcribe's input, as ``transformers.CohereAsrFeatureExtractor``.

    Parakeet's normalised log mel (128 bands by default) after a dither
    seeded by each row's length, as the reference draws it with torch
    (replayed without torch: :func:`torch_randn`), on clips over
    ``max_audio_clip_s - overlap_chunk_second`` seconds split into rows of at
    most ``max_audio_clip_s`` seconds at the quietest
    ``min_energy_window_samples`` window of each chunk's last
    ``overlap_chunk_second`` seconds; ``audio_chunk_index`` says which clip
    and chunk each row is. One engine call for the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft, win_length : int, default 160, 512, 400
        The STFT's hop, size and window length.
    preemphasis : float or None, default 0.97
        The pre-emphasis coefficient; None: none.
    padding_value : float, default 0.0
        The value padding samples take.
    dither : float, default 1e-5
        The seeded Gaussian dither's standard deviation (0: none).
    max_audio_clip_s, overlap_chunk_second : float, default 35.0, 5.0
        The longest row, and the span searched for each split, seconds.
    min_energy_window_samples : int, default 1600
        The energy window (and its step) of the split search.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives the features and mask as torch tensors when
    torch is importable (as the reference), NumPy arrays otherwise;
    ``audio_chunk_index`` is a list of ``(clip, chunk or None)``. A
    multichannel clip in a list is averaged and a list of floats is one clip
    (the reference fails on both).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.CohereAsrFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.audio_chunk_index
    ((2, 101, 128), [(0, None), (1, None)])
    """

    _KEYS: tuple[str, ...] = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "hop_length",
        "n_fft",
        "win_length",
        "preemphasis",
        "dither",
        "max_audio_clip_s",
        "overlap_chunk_second",
        "min_energy_window_samples",
    )

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 512,
        win_length: int = 400,
        preemphasis: float | None = 0.97,
        padding_value: float = 0.0,
        dither: float = 1e-5,
        max_audio_clip_s: float = 35.0,
        overlap_chunk_second: float = 5.0,
        min_energy_window_samples: int = 1600,
        **kwargs: Any,
    ) -> None:
        self.dither: Final = dither
        self.max_audio_clip_s: Final = max_audio_clip_s
        self.overlap_chunk_second: Final = overlap_chunk_second
        self.min_energy_window_samples: Final = as_int(
            "min_energy_window_samples", min_energy_window_samples
        )
        as_real("dither", dither, minimum=0.0)
        as_real("max_audio_clip_s", max_audio_clip_s, minimum=0.0)
        as_real("overlap_chunk_second", overlap_chunk_second, minimum=0.0)
        super().__init__(
            feature_size=feature_size,
            sampling_rate=sampling_rate,
            hop_length=hop_length,
            n_fft=n_fft,
            win_length=win_length,
            preemphasis=preemphasis,
            padding_value=padding_value,
            **kwargs,
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
        **kwargs: Any,
    ) -> BatchFeature:
        """Normalised log-mel features of one clip or a batch (long clips split).

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray, list of lists or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array (and a 2-D clip in a list) is averaged over its
            last axis.
        truncation : bool, default False
            Cut the rows to ``max_length`` samples (the mask, the statistics
            and the dither's seed keep the uncut lengths, as there).
        pad_to_multiple_of : int, optional
            Samples: the padding (and truncation) length rounded up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask, do_normalize, return_token_timestamps : optional
            Ignored, as the reference ignores them.
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
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
            ``input_features`` float32 ``(rows, frames, feature_size)``,
            ``attention_mask`` bool ``(rows, frames)`` and
            ``audio_chunk_index``, a list of ``(clip, chunk or None)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(self._clips(raw_speech))
        rate = self.sampling_rate
        fast = max(0.0, float(self.max_audio_clip_s) - float(self.overlap_chunk_second))
        rows: list[np.ndarray] = []
        index: list[tuple[int, int | None]] = []
        for i, clip in enumerate(clips):
            if clip.size / rate <= fast:
                rows.append(clip)
                index.append((i, None))
                continue
            for j, chunk in enumerate(self._chunks(clip)):
                rows.append(chunk)
                index.append((i, j))
        feats, mask = self._log_mel(
            rows, padding, max_length, truncation, pad_to_multiple_of, threads
        )
        out = _convert(
            BatchFeature(input_features=feats, attention_mask=mask),
            return_tensors,
            torch_default=True,
        )
        out["audio_chunk_index"] = index
        return out

    def _dithered(self, rows: Any, counts: list[int]) -> Any:
        """Each row's first ``counts`` samples plus ``dither`` times torch's
        ``randn(count)`` seeded by that count, as the reference adds it;
        ``rows`` a 2-D array or a list of 1-D rows (copies, given back in kind)."""
        if not float(self.dither) > 0:
            return rows
        out: Any
        if isinstance(rows, list):
            out = [np.array(row, dtype=np.float32, copy=True) for row in rows]
        else:
            out = np.array(rows, dtype=np.float32, copy=True)
        scale = np.float32(self.dither)
        for row, n in zip(out, counts, strict=True):
            n = min(int(n), row.size)
            if n > 0:
                row[:n] += scale * torch_randn(n, n)
        return out

    def _chunks(self, clip: np.ndarray) -> list[np.ndarray]:
        """The reference's energy split of a long clip."""
        rate = self.sampling_rate
        size = max(1, int(round(float(self.max_audio_clip_s) * rate)))
        context = max(1, int(round(float(self.overlap_chunk_second) * rate)))
        total = clip.size
        if total <= size:
            return [clip]
        bounds: list[tuple[int, int]] = []
        at = 0
        while at < total:
            if at + size >= total:
                bounds.append((at, total))
                break
            start, end = max(at, at + size - context), min(at + size, total)
            split = at + size if end <= start else self._quietest(clip, start, end)
            split = max(at + 1, min(split, total))
            bounds.append((at, split))
            at = split
        return [clip[a:b] for a, b in bounds if b > a]

    def _quietest(self, clip: np.ndarray, start: int, end: int) -> int:
        """The start of the window of least RMS in ``clip[start:end]`` (windows
        of ``min_energy_window_samples`` every as many samples; the midpoint
        of a shorter segment), the first on ties, in float32 as there."""
        w = self.min_energy_window_samples
        segment = clip[start:end]
        if segment.shape[0] <= w:
            return (start + end) // 2
        best, where = float("inf"), start
        for i in range(0, segment.shape[0] - w, w):
            window = segment[i : i + w]
            energy = float(np.sqrt(np.mean(window * window, dtype=np.float32)))
            if energy < best:
                best, where = energy, start + i
        return where
