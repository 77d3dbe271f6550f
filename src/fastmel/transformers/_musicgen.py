"""MusicGen Melody's extractor: the chroma of the melody conditioning."""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Post, Spectrum
from .._filters import chroma_filter_bank
from .._options import MAX_FFT_LENGTH, as_int
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_lengths,
    _sample_mask,
    _side_mask,
    logger,
)


def resample(
    x: np.ndarray, orig: int, new: int, rolloff: float = 0.945, width: int = 24
) -> np.ndarray:
    """``torchaudio.functional.resample`` (sinc interpolation, Hann-windowed)
    along the last axis, as MusicGen Melody calls it: the kernel of
    ``lowpass_filter_width`` zero crossings at ``rolloff`` times the lower
    Nyquist rate, the signal zero-padded and filtered with stride ``orig /
    gcd``, ``ceil(new length / orig)`` samples kept. In double, returned as
    float32."""
    orig, new = int(orig), int(new)
    if orig == new:
        return np.asarray(x, dtype=np.float32)
    g = math.gcd(orig, new)
    o, n = orig // g, new // g
    base = min(o, n) * rolloff
    reach = math.ceil(width * o / base)
    idx = np.arange(-reach, reach + o, dtype=np.float64)[None, :] / o
    t = np.arange(0, -n, -1, dtype=np.float64)[:, None] / n + idx
    t = np.clip(t * base, -width, width)
    window = np.cos(t * math.pi / width / 2) ** 2
    t = t * math.pi
    with np.errstate(invalid="ignore", divide="ignore"):
        kernel = np.where(t == 0, 1.0, np.sin(t) / t)
    kernel = kernel * window * (base / o)  # (n, 2 reach + o)
    a = np.asarray(x, dtype=np.float64)
    length = a.shape[-1]
    flat = a.reshape(-1, length)
    padded = np.pad(flat, [(0, 0), (reach, reach + o)])
    steps = (padded.shape[1] - kernel.shape[1]) // o + 1
    frames = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape[1], axis=1)[:, ::o][
        :, :steps
    ]
    out = np.einsum("bsk,nk->bsn", frames, kernel).reshape(flat.shape[0], -1)
    keep = math.ceil(n * length / o)
    return out[:, :keep].astype(np.float32).reshape(*a.shape[:-1], -1)


class MusicgenMelodyFeatureExtractor(_Extractor):
    """MusicGen Melody's chroma, as ``transformers.MusicgenMelodyFeatureExtractor``.

    The clips (stereo averaged; 4-D input taken as Demucs' stems: those of
    ``stem_indices`` summed, channels averaged; resampled to
    ``sampling_rate`` as torchaudio does when the call's rate differs)
    truncated to ``chunk_length`` seconds and padded to the longest (to
    ``n_fft`` when shorter, centred), torchaudio's normalised power
    spectrogram (a periodic Hann window, reflection-centred frames of
    ``n_fft`` every ``hop_length``), the chroma bank, then a one-hot of each
    frame's strongest chroma (the first on ties). The spectrogram and the
    chroma of the batch in one engine call, without the GIL.

    Parameters
    ----------
    feature_size : int, default 12
        Kept for the configuration.
    sampling_rate : int, default 32000
        The rate the audio is computed at, Hz.
    hop_length, n_fft : int, default 4096, 16384
        Hop and FFT size (the window's length).
    chunk_length : int, default 30
        Seconds: the default truncation length.
    num_chroma : int, default 12
        Pitch classes.
    padding_value : float, default 0.0
        The value padding samples take.
    return_attention_mask : bool, default False
        The default of the call's ``return_attention_mask``.
    stem_indices : list of int, default [3, 2]
        The Demucs stems summed.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. NumPy input at another rate is
    resampled too (the reference fails on it).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.MusicgenMelodyFeatureExtractor()
    >>> t = np.arange(32000) / 32000
    >>> a = np.sin(2 * np.pi * 440 * t)  # an A
    >>> out = fe([a], sampling_rate=32000, return_tensors="np")
    >>> out.input_features.shape, int(out.input_features[0, 3].argmax())
    ((1, 8, 12), 9)
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
        "stem_indices",
    )
    _COMPUTED = ("chroma_filters", "spectrogram", "n_samples")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        feature_size: int = 12,
        sampling_rate: int = 32000,
        hop_length: int = 4096,
        chunk_length: int = 30,
        n_fft: int = 16384,
        num_chroma: int = 12,
        padding_value: float = 0.0,
        return_attention_mask: bool = False,
        stem_indices: list[int] = [3, 2],  # noqa: B006 (the reference's default; copied)
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = feature_size
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.n_fft: Final = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.chunk_length: Final = chunk_length
        self.n_samples: Final = chunk_length * self.sampling_rate
        self.stem_indices: Final = list(stem_indices)
        self._num_chroma = as_int("num_chroma", num_chroma)
        self._take_options(kwargs)
        self._chroma = chroma_filter_bank(
            num_frequency_bins=self.n_fft,
            num_chroma=self._num_chroma,
            sampling_rate=self.sampling_rate,
            tuning=0,
        ).astype(np.float32)
        self._build()

    def _argument_names(self) -> set[str]:
        return super()._argument_names() | {"num_chroma"}

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        return dict(self.get_config(), num_chroma=self._num_chroma, **changes)

    def get_config(self) -> dict[str, Any]:
        """The configuration: :meth:`to_dict`, and ``num_chroma`` (which the
        reference's leaves out).

        Returns
        -------
        dict
        """
        return dict(super().get_config(), num_chroma=self._num_chroma)

    @property
    def chroma_filters(self) -> np.ndarray:
        """The chroma bank, ``(num_chroma, n_fft // 2 + 1)`` float32."""
        return self._chroma.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # torchaudio's Spectrogram(normalized=True): the power over the
        # window's energy, folded into the chroma bank.
        window = _windows.window("hann", self.n_fft, periodic=True, dtype=np.float32)
        energy = float(np.sum(window.astype(np.float64) ** 2))
        framing = Framing.centred(self.n_fft, self.n_fft, self.hop_length)
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=window),
            spectrum=Spectrum(fft_length=self.n_fft),
            bank=Bank.from_dense(self._chroma.T.astype(np.float64) / energy),
            post=Post(layout="frames_bands"),
        )

    def __call__(
        self,
        audio: Any,
        truncation: bool = True,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = None,
        padding: str | bool = True,
        max_length: int | None = None,
        sampling_rate: int | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """One-hot chroma of one clip or a batch.

        Parameters
        ----------
        audio : np.ndarray, list of np.ndarray, list of lists or list of float
            One clip ``(samples,)``; a batch (a list of clips or a 2-D array);
            stereo clips ``(2, samples)`` in a list (averaged); or Demucs'
            output ``(batch, stems, channels, samples)``.
        truncation : bool, default True
            Cut clips to ``max_length`` samples.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        return_attention_mask : bool, optional
            Return ``attention_mask`` (default: the extractor's).
        padding : {True, "longest", "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples; None or 0: ``chunk_length`` seconds.
        sampling_rate : int, optional
            The audio's rate: resampled to the extractor's when it differs
            (Demucs' output: 44000 when not given, as there).
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames, num_chroma)``, and
            ``attention_mask`` int32 when asked.
        """
        if sampling_rate is None:
            logger.warning(
                "It is strongly recommended to pass the `sampling_rate` argument to `%s()`. "
                "Failing to do so can result in silent errors that might be hard to debug.",
                type(self).__name__,
            )
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = self._clips(audio, sampling_rate)
        cut, target = _padded_lengths(
            [c.size for c in clips],
            padding,
            max_length or self.n_samples,
            truncation,
            pad_to_multiple_of,
        )
        total = _equal_lengths(cut, target, "clips")
        right = self.padding_side == "right"
        width = max(total, self.n_fft)
        start = (width - total) // 2  # (a batch shorter than n_fft: centred in zeros)
        batch: Any
        if right and start == 0 and self.padding_value == 0.0:
            # zero padding after each clip: the clips as they are, the zeros unstored
            batch = [c[:n] for c, n in zip(clips, cut, strict=True)]
        else:
            batch = np.zeros((len(clips), width), dtype=np.float32)
            batch[:, start : start + total] = self.padding_value
            for row, clip, n in zip(batch, clips, cut, strict=True):
                at = start if right else start + total - n
                row[at : at + n] = clip[:n]
        plan = self._plans[np.dtype(np.float32)]
        chroma = np.empty(plan.out_shape(len(clips), width), dtype=np.float32)
        _engine.run(plan, batch, chroma, threads, n_samples=width)
        onehot = np.zeros_like(chroma)
        np.put_along_axis(onehot, chroma.argmax(axis=-1)[..., None], 1.0, axis=-1)
        out = BatchFeature(input_features=onehot)
        # The mask when the extractor's default asks for one: per sample, or
        # per hop when the call asks (as there: the former is not rescaled).
        if return_attention_mask or (return_attention_mask is None and self.return_attention_mask):
            if return_attention_mask:
                hops = np.arange(0, total, self.hop_length)
                mask = _side_mask(hops, np.array(cut), total, self.padding_side).astype(np.int32)
            else:
                mask = _sample_mask(cut, total, self.padding_side, np.int32)
            out["attention_mask"] = mask
        return _convert(out, return_tensors, torch_default=True)

    def _clips(self, audio: Any, sampling_rate: int | None) -> list[np.ndarray]:
        """Mono float32 clips at the extractor's rate."""
        if isinstance(audio, np.ndarray) and audio.ndim == 4:  # Demucs' stems
            rate = 44000 if sampling_rate is None else sampling_rate
            mix = audio[:, self.stem_indices].astype(np.float32).sum(axis=1).mean(axis=1)
            return list(resample(mix, rate, self.sampling_rate))
        if isinstance(audio, (list, tuple)):
            if not audio:
                raise ValueError("`audio` is empty")
            items = [audio] if np.ndim(audio[0]) == 0 else list(audio)
        else:
            a = np.asarray(audio)
            items = list(a) if a.ndim == 2 else [a]
        clips = []
        for i, item in enumerate(items):
            a = np.asarray(item, dtype=np.float32)
            if a.ndim == 2:  # (channels, samples): averaged, as there
                a = a.mean(axis=0, dtype=np.float32)
            if a.ndim != 1:
                raise ValueError(f"clip {i} has shape {a.shape}: (samples,) or (channels, samples)")
            clips.append(a)
        if sampling_rate is not None and sampling_rate != self.sampling_rate:
            clips = [resample(c, sampling_rate, self.sampling_rate) for c in clips]
        return clips
