"""LASR's (MedASR's) extractor."""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import linear_to_mel_weight_matrix
from .._options import MAX_FFT_LENGTH, as_int
from ._base import (
    BatchFeature,
    _batch,
    _channels_averaged,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _side_mask,
    _some,
)


class LasrFeatureExtractor(_Extractor):
    """LASR's (MedASR's) log mel, as ``transformers.LasrFeatureExtractor``.

    Frames of ``win_length`` samples every ``hop_length`` from the first
    sample of the padded batch (no centring; frames reading the padding
    too, as there), a symmetric Hann window, the power of an ``n_fft`` FFT
    through TensorFlow's mel matrix (HTK mel, 125 to 7500 Hz, its DC row
    zero), ``ln(max(x, 1e-5))``, computed in double as the reference's torch
    code, returned as float32. One engine call for the batch, without the
    GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft, win_length : int, default 160, 512, 400
        Hop, FFT size and window length.
    padding_value : float, default 0.0
        The value padding samples take.
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. A clip shorter than a frame has
    no frame, and a (samples, channels) clip in a list is averaged over its
    channels (the reference fails on both).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.LasrFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape
    (2, 98, 128)
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
    )
    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's torch code is float64

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 512,
        win_length: int = 400,
        padding_value: float = 0.0,
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
        self._take_options(kwargs)
        self._filters = linear_to_mel_weight_matrix(
            num_mel_bins=self.feature_size,
            num_spectrogram_bins=self.n_fft // 2 + 1,
            sampling_rate=self.sampling_rate,
            lower_edge_hertz=125.0,
            upper_edge_hertz=7500.0,
            dtype="float64",
        )
        self._build()

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel matrix, ``(n_fft // 2 + 1, feature_size)`` float64."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Uncentred frames, a symmetric Hann window, the power, ln(max(x, 1e-5)).
        framing = Framing(frame_length=self.win_length, hop=self.hop_length, pad_mode="constant")
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=_windows.window("hann", self.win_length)),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=math.log(10.0), min_power=1e-5),
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
        do_normalize: bool | None = None,
        device: str | None = "cpu",
        return_token_timestamps: bool | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log-mel features of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray, list of lists or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array is averaged over its last axis, as there.
        truncation : bool, default False
            Cut clips to ``max_length`` samples.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask : bool, optional
            Return ``attention_mask`` (bool: the frames wholly inside each clip).
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        do_normalize, device, return_token_timestamps : optional
            Accepted and ignored, as the reference ignores them.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames, feature_size)``, and
            ``attention_mask`` bool when asked.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        raw_speech = _channels_averaged(raw_speech, self)
        if isinstance(raw_speech, (list, tuple)) and raw_speech and np.ndim(raw_speech[0]) == 2:
            raw_speech = [np.asarray(c, dtype=np.float32).mean(-1) for c in raw_speech]
        clips = _some(_batch(raw_speech))
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, max_length, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips")
        right = self.padding_side == "right"
        valid = np.array(cut, dtype=np.int64)
        plan = self._plans[np.dtype(np.float64)]
        feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float64)
        if right and self.padding_value == 0.0:
            # Zero padding after the clips: each clip's float32 samples where
            # they lie (widened as the core reads them), the zeros unstored
            # (the engine skips the FFTs of frames of them only).
            rows = [c[:n] for c, n in zip(clips, cut, strict=True)]
            _engine.run(plan, rows, feats, threads, n_samples=total)
        else:
            batch = _padded_batch(
                clips, cut, total, self.padding_value, self.padding_side, dtype=np.float64
            )
            _engine.run(plan, batch, feats, threads)
        out = BatchFeature(input_features=feats.astype(np.float32))
        if return_attention_mask:
            at = np.arange(self.win_length - 1, total, self.hop_length)
            out["attention_mask"] = _side_mask(at, valid, total, self.padding_side)
        return _convert(out, return_tensors, torch_default=True)
