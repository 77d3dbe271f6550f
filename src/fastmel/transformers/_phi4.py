"""Phi-4-multimodal's audio extractor."""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _channels_averaged,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _some,
    _speech_clips,
)


class Phi4MultimodalFeatureExtractor(_Extractor):
    """Phi-4-multimodal's audio features, as ``transformers.Phi4MultimodalFeatureExtractor``.

    Frames of ``win_length`` samples every ``hop_length`` from the first
    sample of the padded batch (no centring), Kaldi's pre-emphasis within
    each frame (its first sample by itself), the samples scaled to
    int16's range, a symmetric Hamming window, the power of an ``n_fft``
    FFT through a Kaldi-scale bank triangular in mel, ``ln(max(x, 1))``.
    With more than one clip: in the rows shorter than the longest, the
    frames between ``(L - win_length) // hop_length + 1`` and ``L //
    hop_length - 1`` are zeroed (the reference's quirk), and the mask marks
    ``(L - win_length) // hop_length + 1`` frames (times
    ``audio_feat_stride``) per clip. One engine call for the batch, without
    the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    hop_length, n_fft, win_length : int, default 160, 512, 400
        Hop, FFT size and frame length.
    preemphasis : float, default 0.97
        The pre-emphasis coefficient (0: none).
    padding_value : float, default 0.0
        The value padding samples take.
    audio_compression_rate, audio_downsample_rate, audio_feat_stride : int, default 8, 1, 1
        The audio embedding sizes' factors, and the mask's stride.
    mel_min_frequency, mel_max_frequency : float, default 0, 7690
        The bank's range, Hz (in the configuration when not the defaults:
        the reference's leaves them out).
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. A clip shorter than a frame has
    no frame (the reference fails); a list of floats is one clip.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Phi4MultimodalFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.audio_input_features.shape, out.audio_embed_sizes.tolist()
    ((2, 98, 80), [13, 6])
    """

    model_input_names = ["audio_input_features", "audio_embed_sizes", "audio_attention_mask"]
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
        "audio_compression_rate",
        "audio_downsample_rate",
        "audio_feat_stride",
    )
    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float32),)
    _MEL_RANGE = (0, 7690)

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        hop_length: int = 160,
        n_fft: int = 512,
        win_length: int = 400,
        preemphasis: float = 0.97,
        padding_value: float = 0.0,
        audio_compression_rate: int = 8,
        audio_downsample_rate: int = 1,
        audio_feat_stride: int = 1,
        mel_min_frequency: float = 0,
        mel_max_frequency: float = 7690,
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.n_fft: Final = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        self.win_length: Final = as_int("win_length", win_length, minimum=2)
        if self.win_length > self.n_fft:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        self.preemphasis: Final = preemphasis
        as_real("preemphasis", preemphasis)
        self.audio_compression_rate: Final = as_int(
            "audio_compression_rate", audio_compression_rate
        )
        self.audio_downsample_rate: Final = as_int("audio_downsample_rate", audio_downsample_rate)
        self.audio_feat_stride: Final = as_int("audio_feat_stride", audio_feat_stride)
        self._mel_range = (mel_min_frequency, mel_max_frequency)
        self._take_options(kwargs)
        self._filters = mel_filter_bank(
            self.n_fft // 2 + 1,
            self.feature_size,
            as_real("mel_min_frequency", mel_min_frequency),
            as_real("mel_max_frequency", mel_max_frequency),
            self.sampling_rate,
            None,
            "kaldi",
            triangularize_in_mel_space=True,
        )
        self._build()

    def to_dict(self) -> dict[str, Any]:
        config = super().to_dict()
        if self._mel_range != self._MEL_RANGE:  # (not lost, unlike the reference's)
            kind = config.pop("feature_extractor_type")
            config["mel_min_frequency"], config["mel_max_frequency"] = self._mel_range
            config["feature_extractor_type"] = kind
        return config

    to_dict.__doc__ = _Extractor.to_dict.__doc__

    def _argument_names(self) -> set[str]:
        return super()._argument_names() | {"mel_min_frequency", "mel_max_frequency"}

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        config = dict(self.get_config())
        config["mel_min_frequency"], config["mel_max_frequency"] = self._mel_range
        return dict(config, **changes)

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(n_fft // 2 + 1, feature_size)`` float64."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Frames from sample 0, Kaldi's pre-emphasis in the frame, the samples x 2^15
        # folded into the bank as 2^30 on the power (exact), ln(max(x, 1)).
        framing = Framing(frame_length=self.win_length, hop=self.hop_length, pad_mode="constant")
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        c = float(self.preemphasis)
        return EngineOptions(
            framing=framing,
            condition=Condition(preemphasis=c, window=_windows.window("hamming", self.win_length)),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._filters * 2.0**30),
            log=Log(enabled=True, log_scale=math.log(10.0), min_power=1.0),
            post=Post(layout="frames_bands"),
        )

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        pad_to_multiple_of: int | None = None,
        padding: str | bool = "longest",
        max_length: int | None = None,
        truncation: bool = False,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = True,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Features of one clip or a batch, their embedding sizes and mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a 3-D array is averaged over its last axis, as there.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples: the "max_length" length and the truncation length.
        truncation : bool, default False
            Cut clips to ``max_length`` (the sizes and the mask still count
            the uncut clips, as there).
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask : bool, optional
            Return ``audio_attention_mask`` (with more than one clip).
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``audio_input_features`` float32 ``(batch, frames, feature_size)``,
            ``audio_embed_sizes`` int64 ``(batch,)`` and, for a batch of more
            than one clip, ``audio_attention_mask`` bool.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        raw_speech = _channels_averaged(raw_speech, self)
        clips = _some(_speech_clips(raw_speech, self))
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, max_length, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips")
        right = self.padding_side == "right"
        batch = _padded_batch(clips, cut, total, self.padding_value, self.padding_side)
        plan = self._plans[np.dtype(np.float32)]
        feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
        # (zero padding after the clips declared: the engine skips the FFTs of
        # the frames that read only it, with the same result)
        zeros = np.array(cut, dtype=np.int64) if right and self.padding_value == 0.0 else None
        _engine.run(plan, batch, feats, threads, zero_from=zeros)
        w, hop = self.win_length, self.hop_length
        if len(clips) > 1:
            # the frames the reference zeroes in rows shorter than the longest
            # (from its uncut lengths), within the span they share
            short = lengths != lengths.max()
            if short.any():
                down = (lengths[short] - w) // hop + 1
                up = lengths[short] // hop - 1
                lo, hi = int(down.min()), int(up.max())
                for i, d, u in zip(np.flatnonzero(short), down, up, strict=True):
                    feats[i, max(int(d), lo) : min(int(u), hi, feats.shape[1])] = 0.0
        frames = ((lengths - w) // hop + 1) * self.audio_feat_stride
        sizes = -(-frames // self.audio_compression_rate)
        sizes = -(-sizes // self.audio_downsample_rate)
        out = BatchFeature(audio_input_features=feats, audio_embed_sizes=sizes)
        if len(clips) > 1 and return_attention_mask:
            out["audio_attention_mask"] = np.arange(frames.max())[None, :] < frames[:, None]
        return _convert(out, return_tensors, torch_default=True)
