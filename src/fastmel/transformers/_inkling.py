"""Inkling's audio extractor."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    logger,
)


def _exact_int(value: float, name: str) -> int:
    """A sample count that must be whole (to 1e-6), as the reference checks it."""
    rounded = round(value)
    if abs(value - rounded) > 1e-6:
        raise ValueError(f"{name} must resolve to an integer sample count, got {value}")
    return int(rounded)


class InklingFeatureExtractor(_Extractor):
    """Inkling's log mel, as ``transformers.InklingFeatureExtractor``.

    Frames every ``audio_token_duration_s`` (the hop) of ``window_size_multiplier``
    hops, uncentred over the batch padded to the longest with ``n_fft -
    hop`` zeros before it and zeros after it up to a whole hop, a periodic
    Hann window in an ``n_fft`` FFT, the magnitude with a floor of 1e-10 on
    the power (``sqrt(max(|X|^2, 1e-10))``), Slaney bands, ``log10(max(x,
    1e-10))``; frames past each clip's ``ceil(length / hop)`` are 0 and
    masked. One engine call for the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    padding_value : float, default 0.0
        The value padding samples take.
    audio_token_duration_s : float, default 0.05
        The hop, seconds (a whole number of samples).
    window_size_multiplier : float, default 2.0
        The window, in hops (a whole number of samples).
    n_fft : int, optional
        The FFT size; None: the window's.
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. A 2-D array is one clip of
    ``(samples, channels)``, averaged over its channels, as there. An FFT
    shorter than the window is refused here (the reference fails inside
    torch.stft).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.InklingFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.input_features_mask.sum(axis=1).tolist()
    ((2, 20, 80), [20, 10])
    """

    model_input_names = ["input_features", "input_features_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "audio_token_duration_s",
        "window_size_multiplier",
        "hop_length",
        "window_size",
        "n_fft",
    )
    _COMPUTED = ("mel_filters", "window", "hop_length", "window_size")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16_000,
        padding_value: float = 0.0,
        audio_token_duration_s: float = 0.05,
        window_size_multiplier: float = 2.0,
        n_fft: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.audio_token_duration_s: Final = audio_token_duration_s
        self.window_size_multiplier: Final = window_size_multiplier
        token = as_real("audio_token_duration_s", audio_token_duration_s, minimum=0.0)
        multiplier = as_real("window_size_multiplier", window_size_multiplier, minimum=0.0)
        self.hop_length: Final = _exact_int(
            token * self.sampling_rate, "audio_token_duration_s * sampling_rate"
        )
        self.window_size: Final = _exact_int(
            token * multiplier * self.sampling_rate,
            "audio_token_duration_s * window_size_multiplier * sampling_rate",
        )
        self.n_fft: Final = n_fft or self.window_size
        if self.hop_length <= 0 or self.window_size <= 0 or self.n_fft <= 0:
            raise ValueError("hop_length, window_size, and n_fft must all be positive")
        as_int("n_fft", self.n_fft, maximum=MAX_FFT_LENGTH)
        if self.n_fft < self.window_size:
            raise ValueError(
                f"n_fft ({self.n_fft}) must be at least the window ({self.window_size} samples)"
            )
        self._take_options(kwargs)
        self._filters = mel_filter_bank(
            self.n_fft // 2 + 1,
            self.feature_size,
            0.0,
            self.sampling_rate / 2.0,
            self.sampling_rate,
            "slaney",
            "slaney",
        ).astype(np.float32)
        self._build()

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(feature_size, n_fft // 2 + 1)`` float32 (the
        reference's orientation)."""
        return self._filters.T.copy()

    @property
    def window(self) -> np.ndarray:
        """The window, ``(window_size,)`` float32."""
        return _windows.window("hann", self.window_size, periodic=True, dtype=np.float32)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Frame t: the n_fft samples from t hop - (n_fft - hop) of the zero-padded
        # signal, the window in their middle (torch.stft's placement); a frame
        # for every hop that starts inside the signal.
        left = max(self.n_fft - self.hop_length, 0)
        framing = Framing(
            frame_length=self.window_size,
            hop=self.hop_length,
            start=-left + (self.n_fft - self.window_size) // 2,
            reach=1,
            pad_mode="constant",
        )
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=self.window),
            spectrum=Spectrum(fft_length=self.n_fft, mag_exp=1.0, power_floor=1e-10),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=1.0, min_power=1e-10),
            post=Post(layout="frames_bands"),
        )

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        padding: bool | str = True,
        max_length: int | None = None,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_attention_mask: bool | None = True,
        return_tensors: str | None = None,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Log-mel features of one clip or a batch, with their mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray, list of lists or list of float
            One clip: ``(samples,)``, or ``(samples, channels)`` (averaged); or
            a list of such clips.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        padding : {True, "longest", "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples, for ``padding="max_length"`` and ``truncation``.
        truncation : bool, default False
            Cut clips to ``max_length`` samples (the mask still counts the
            uncut clips, as there).
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_attention_mask : bool, optional
            Return ``input_features_mask`` (default True).
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
            ``input_features`` float32 ``(batch, frames, feature_size)`` and
            ``input_features_mask`` bool ``(batch, frames)``.
        """
        if sampling_rate is not None and sampling_rate != self.sampling_rate:
            raise ValueError(
                "The model corresponding to this feature extractor was trained using a sampling "
                f"rate of {self.sampling_rate}. Please make sure that the provided audio input "
                f"was sampled with {self.sampling_rate} and not {sampling_rate}."
            )
        if sampling_rate is None:
            logger.warning(
                "It is strongly recommended to pass the `sampling_rate` argument to this "
                "function. Failing to do so can result in silent errors that might be hard to "
                "debug."
            )
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = self._clips(raw_speech)
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
        valid = -(-lengths // self.hop_length)  # (the uncut lengths, as there)
        mask = np.arange(feats.shape[1])[None, :] < valid[:, None]
        feats *= mask[..., None]
        out = BatchFeature(input_features=feats)
        if return_attention_mask:
            out["input_features_mask"] = mask
        return _convert(out, return_tensors, torch_default=True)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        """Mono float32 clips as the reference reads them: an array is one clip
        (2-D: samples by channels), a list of numbers one clip, any other list
        a batch of such clips."""
        if isinstance(raw_speech, (list, tuple)):
            if not raw_speech:
                raise ValueError("Received an empty audio input.")
            items = [raw_speech] if np.ndim(raw_speech[0]) == 0 else list(raw_speech)
        else:
            items = [raw_speech]
        clips = []
        for item in items:
            a = np.asarray(item, dtype=np.float32)
            if a.ndim == 2:
                logger.warning(
                    "Only mono-channel audio is supported for input to %s. Taking the mean over "
                    "the channel (last) axis to convert to mono.",
                    type(self).__name__,
                )
                a = a.mean(axis=-1, dtype=np.float32)
            elif a.ndim != 1:
                raise ValueError(
                    "Each audio clip must be 1-D (mono) or 2-D (multichannel), got shape "
                    f"{a.shape}."
                )
            clips.append(a)
        return clips
