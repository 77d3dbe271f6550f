"""CLVP's (TorToiSe's) extractor."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _sample_mask,
    _speech_clips,
)


class ClvpFeatureExtractor(_Extractor):
    """CLVP's log mel, as ``transformers.ClvpFeatureExtractor``.

    The clips padded (and cut) to ``default_audio_length`` seconds by
    default, each padded row's centred STFT (reflection padding, a periodic
    Hann window of ``n_fft``), the power through HTK bands with Slaney's
    area normalisation from 0 to 8000 Hz, ``ln(max(x, 1e-5))``, divided per
    band by ``mel_norms`` when given; in double, as the reference's NumPy
    code, one engine call for the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 22050
        The rate the audio must have, Hz.
    default_audio_length : int, default 6
        Seconds: the default padding and truncation length.
    hop_length, n_fft : int, default 256, 1024
        Hop and FFT size.
    chunk_length : int, default 30
        Kept for the configuration (with ``n_samples``, ``nb_max_frames``).
    padding_value : float, default 0.0
        The value padding samples take.
    mel_norms : sequence of float, optional
        ``feature_size`` values the bands are divided by.
    return_attention_mask : bool, default False
        The mask's default when the call's is None.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    With ``return_tensors=None`` the features are a list of ``(feature_size,
    frames)`` arrays, as there. Where the reference fails, fastmel computes:
    a list of tensors (arrays) is a batch; clips of different lengths without
    padding or truncation are refused with a message saying so.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.ClvpFeatureExtractor()
    >>> out = fe([np.zeros(22050), np.ones(11025)], sampling_rate=22050, return_tensors="np")
    >>> out.input_features.shape, out.attention_mask.shape
    ((2, 80, 517), (2, 132300))
    """

    model_input_names = ["input_features", "attention_mask"]
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
        "default_audio_length",
        "mel_norms",
    )
    _COMPUTED = ("mel_filters", "n_samples", "nb_max_frames")
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's NumPy code is float64

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 22050,
        default_audio_length: int = 6,
        hop_length: int = 256,
        chunk_length: int = 30,
        n_fft: int = 1024,
        padding_value: float = 0.0,
        mel_norms: Any = None,
        return_attention_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.n_fft: Final = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.chunk_length: Final = chunk_length
        self.n_samples: Final = chunk_length * self.sampling_rate
        self.nb_max_frames: Final = self.n_samples // self.hop_length
        self.default_audio_length: Final = default_audio_length
        if mel_norms is not None:
            norms = np.asarray(mel_norms, dtype=np.float64).reshape(-1)
            if not (np.isfinite(norms) & (norms != 0)).all():
                raise ValueError("`mel_norms` must hold finite, nonzero values")
            mel_norms = [float(v) for v in norms] if not isinstance(mel_norms, list) else mel_norms
        self.mel_norms: Final = mel_norms
        self._take_options(kwargs)
        self._filters = mel_filter_bank(
            1 + self.n_fft // 2, self.feature_size, 0.0, 8000.0, self.sampling_rate, "slaney", "htk"
        )
        self._build()

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(1 + n_fft // 2, feature_size)`` float64."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # A centred STFT with reflection, the power, ln(max(x, 1e-5)), / mel_norms.
        framing = Framing.centred(self.n_fft, self.n_fft, self.hop_length)
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        matrix = None
        if self.mel_norms is not None and len(self.mel_norms) == self.feature_size:
            matrix = np.diag(1.0 / np.asarray(self.mel_norms, dtype=np.float64))
        return EngineOptions(
            framing=framing,
            condition=Condition(window=_windows.window("hann", self.n_fft, periodic=True)),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=float(np.log(10.0)), min_power=1e-5),
            post=Post(matrix=matrix),
        )

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        truncation: bool = True,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = True,
        padding: str | bool = "max_length",
        max_length: int | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log-mel features of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip, or a batch (a list of clips or a 2-D array).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        truncation : bool, default True
            Cut clips to ``max_length`` samples.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_tensors : {None, "np", "pt"}
            None: a list of arrays, as the reference; "np": NumPy arrays; "pt":
            torch tensors.
        return_attention_mask : bool, optional
            Return the sample-level ``attention_mask`` (None: the extractor's).
        padding : {"max_length", "longest", True, False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples; None: ``default_audio_length`` seconds.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(feature_size, frames)`` per clip,
            and ``attention_mask`` int32 ``(batch, samples)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        if self.mel_norms is not None and len(self.mel_norms) != self.feature_size:
            raise ValueError(
                f"`mel_norms` holds {len(self.mel_norms)} values for {self.feature_size} mel bands"
            )
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _speech_clips(raw_speech, self)
        limit = self.default_audio_length * self.sampling_rate if max_length is None else max_length
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, limit, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips")
        right = self.padding_side == "right"
        valid = np.array(cut, dtype=np.int64)
        plan = self._plans[np.dtype(np.float64)]
        feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float64)
        if right and self.padding_value == 0.0:
            # Zero padding after the clips: each clip's samples alone, the
            # zeros unstored (the engine skips the FFTs of frames of them only).
            rows = [c[:n] for c, n in zip(clips, cut, strict=True)]  # (widened by the core)
            _engine.run(plan, rows, feats, threads, n_samples=total)
        else:
            batch = _padded_batch(
                clips, cut, total, self.padding_value, self.padding_side, dtype=np.float64
            )
            _engine.run(plan, batch, feats, threads)
        out = BatchFeature(input_features=list(feats.astype(np.float32)))
        if return_attention_mask is None:
            return_attention_mask = self.return_attention_mask
        if return_attention_mask:
            out["attention_mask"] = _sample_mask(valid, total, self.padding_side, np.int32)
        return _convert(out, return_tensors)
