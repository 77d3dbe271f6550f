"""SpeechT5's extractor: log-mel targets for its speech decoder, and the
waveform normalisation of its encoder's input."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _batch_of,
    _convert,
    _Extractor,
    _hf_window,
    _pad_frames,
    _padded_lengths,
    _sample_mask,
    _speech_clips,
)


class SpeechT5FeatureExtractor(_Extractor):
    """SpeechT5's features, as ``transformers.SpeechT5FeatureExtractor``.

    ``audio_target``: each clip's log-mel spectrogram for the speech decoder:
    ``win_length`` ms frames every ``hop_length`` ms, centred (reflection
    padding of half a frame), a periodic window zero-padded to the next power
    of two, the magnitude (not the power) through Slaney mel bands from
    ``fmin`` to ``fmax``, ``log10(max(mel, mel_floor))``; then padded per
    frame as ``padding`` asks, with ``padding_value``. ``audio``: the
    waveforms themselves, padded, normalised to zero mean and unit variance
    when ``do_normalize`` is set. Both: the waveforms, with the spectrograms
    as ``labels``.

    The spectrograms are computed in double, as the reference's NumPy code,
    the whole batch in one call of fastmel's engine (each clip over its own
    length), without the GIL.

    Parameters
    ----------
    feature_size : int, default 1
        The waveform's feature size (1).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    padding_value : float, default 0.0
        What padding samples and padding frames hold.
    do_normalize : bool, default False
        Normalise ``audio`` waveforms (zero mean, unit variance).
    num_mel_bins : int, default 80
        Mel bands of the ``audio_target`` spectrogram.
    hop_length, win_length : int, default 16, 64
        Milliseconds between frames, and per frame.
    win_function : str, default "hann_window"
        "hann_window" (or "hann"), "hamming_window" (or "hamming"), "povey" or
        "boxcar", periodic, as transformers' ``window_function`` makes them.
    fmin, fmax : float, default 80, 7600
        The mel bands' range, Hz.
    mel_floor : float, default 1e-10
        The floor of the mel values before the logarithm.
    return_attention_mask : bool, default True
        The default of the call's ``return_attention_mask``.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.SpeechT5FeatureExtractor()
    >>> clips = [np.zeros(16000, np.float32), np.ones(8000, np.float32)]
    >>> out = fe(audio_target=clips, padding=True, sampling_rate=16000, return_tensors="np")
    >>> out.input_values.shape, out.attention_mask.shape
    ((2, 63, 80), (2, 63))
    """

    model_input_names = ["input_values", "attention_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "do_normalize",
        "num_mel_bins",
        "hop_length",
        "win_length",
        "win_function",
        "fmin",
        "fmax",
        "mel_floor",
    )
    _COMPUTED = ("window", "mel_filters", "sample_size", "sample_stride", "n_fft", "n_freqs")
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's NumPy code is float64

    def __init__(
        self,
        feature_size: int = 1,
        sampling_rate: int = 16000,
        padding_value: float = 0.0,
        do_normalize: bool = False,
        num_mel_bins: int = 80,
        hop_length: int = 16,
        win_length: int = 64,
        win_function: str = "hann_window",
        fmin: float = 80,
        fmax: float = 7600,
        mel_floor: float = 1e-10,
        return_attention_mask: bool = True,
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = feature_size
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.do_normalize: Final = do_normalize
        self.return_attention_mask: Final = return_attention_mask
        self.num_mel_bins: Final = as_int("num_mel_bins", num_mel_bins)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.win_length: Final = as_int("win_length", win_length)
        self.win_function: Final = win_function
        self.fmin: Final = as_real("fmin", fmin, minimum=0.0)
        self.fmax: Final = as_real("fmax", fmax, minimum=0.0)
        self.mel_floor: Final = as_real("mel_floor", mel_floor, minimum=0.0)
        self._take_options(kwargs)
        for name in ("fmin", "fmax", "mel_floor"):  # (kept as given: the config's values)
            object.__setattr__(self, name, locals()[name])
        size = self.win_length * self.sampling_rate // 1000
        stride = self.hop_length * self.sampling_rate // 1000
        if size < 1 or stride < 1:
            raise ValueError(
                f"win_length ({win_length} ms) and hop_length ({hop_length} ms) must each "
                f"be at least one sample at {sampling_rate} Hz"
            )
        self._window = _hf_window(win_function, size, periodic=True)
        # the next power of two (transformers' optimal_fft_length)
        n_fft = 1 << (size - 1).bit_length()
        as_int("FFT length", n_fft, maximum=MAX_FFT_LENGTH)
        self._sizes = (size, stride, n_fft)
        self._filters = mel_filter_bank(
            n_fft // 2 + 1,
            self.num_mel_bins,
            self.fmin,
            self.fmax,
            self.sampling_rate,
            "slaney",
            "slaney",
        )
        self._build()

    @property
    def sample_size(self) -> int:
        """Samples per frame (``win_length`` ms)."""
        return self._sizes[0]

    @property
    def sample_stride(self) -> int:
        """Samples between frames (``hop_length`` ms)."""
        return self._sizes[1]

    @property
    def n_fft(self) -> int:
        """The FFT's size: the next power of two from ``sample_size``."""
        return self._sizes[2]

    @property
    def n_freqs(self) -> int:
        """FFT bins: ``n_fft // 2 + 1``."""
        return self._sizes[2] // 2 + 1

    @property
    def window(self) -> np.ndarray:
        """The window, ``(sample_size,)`` float64."""
        return self._window.copy()

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(n_freqs, num_mel_bins)`` float64."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # transformers' spectrogram(center=True): reflection padding of half a
        # frame, the window at the start of the FFT's input (its place changes
        # no magnitude), |X|, log10(max(mel, mel_floor)).
        size, stride, n_fft = self._sizes
        framing = Framing.centred(size, size, stride)
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=self._window),
            spectrum=Spectrum(fft_length=n_fft, mag_exp=1.0),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=1.0, min_power=float(self.mel_floor)),
            post=Post(layout="frames_bands", fill=float(self.padding_value)),
        )

    def __call__(
        self,
        audio: Any = None,
        audio_target: Any = None,
        padding: str | bool = False,
        max_length: int | None = None,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_attention_mask: bool | None = None,
        return_tensors: str | None = None,
        sampling_rate: int | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Waveforms (``audio``), log-mel spectrograms (``audio_target``), or both.

        Parameters
        ----------
        audio, audio_target : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip or a batch (a list of clips or a 2-D array); at least one.
        padding : {False, "do_not_pad", True, "longest", "max_length"}
            In samples for ``audio``, in frames for ``audio_target``.
        max_length : int, optional
            The "max_length" length and the truncation length (samples or frames).
        truncation : bool, default False
            Cut to ``max_length``.
        pad_to_multiple_of : int, optional
            Round the padding (and truncation) length up to a multiple of this.
        return_attention_mask : bool, optional
            Return ``attention_mask`` (default: the extractor's).
        return_tensors : {None, "np", "pt"}
            None: as the reference (arrays, or a list when the batch is
            ragged); "np": NumPy arrays; "pt": torch tensors (needs torch).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``audio_target`` alone: ``input_values`` float32 ``(batch, frames,
            num_mel_bins)`` and ``attention_mask`` int32 ``(batch, frames)``.
            ``audio`` alone: ``input_values`` ``(batch, samples)`` and its
            mask. Both: the waveforms' keys, plus ``labels`` (the
            spectrograms) and ``decoder_attention_mask``.
        """
        if audio is None and audio_target is None:
            raise ValueError("You must provide either `audio` or `audio_target` values.")
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        mask_flag = return_attention_mask
        if mask_flag is None:
            mask_flag = self.return_attention_mask
        args = (padding, max_length, truncation, pad_to_multiple_of, bool(mask_flag))
        out = None
        if audio is not None:
            out = self._waveforms(_speech_clips(audio, self), *args)
        if audio_target is not None:
            target = self._spectrograms(_speech_clips(audio_target, self), *args, threads)
            if out is None:
                return _convert(target, return_tensors)
            out["labels"] = target["input_values"]
            if "attention_mask" in target:
                out["decoder_attention_mask"] = target["attention_mask"]
        assert out is not None
        return _convert(out, return_tensors)

    def _spectrograms(
        self,
        clips: list[np.ndarray],
        padding: str | bool,
        max_length: int | None,
        truncation: bool,
        multiple: int | None,
        mask: bool,
        threads: int,
    ) -> BatchFeature:
        """Each clip's spectrogram, padded per frame."""
        plan = self._plans[np.dtype(np.float64)]
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        frames = [int(plan.num_frames(int(n))) for n in lengths]
        cut, target = _padded_lengths(frames, padding, max_length, truncation, multiple)
        longest = max(int(lengths.max()), 1)
        # every row's own frames, then padding_value up to the longest; the
        # float32 clips read where they lie, widened as the core reads them
        feats = np.empty(plan.out_shape(len(clips), longest), dtype=np.float64)
        _engine.run(plan, clips, feats, threads, lengths=lengths, n_samples=longest)
        feats = feats.astype(np.float32)
        if target == feats.shape[1] and self.padding_side == "right" and cut == frames:
            # the engine's rows are the padded batch already (its frames past
            # each clip's own at padding_value)
            out = BatchFeature(input_values=feats)
            if mask:
                out["attention_mask"] = list(_sample_mask(cut, feats.shape[1], "right", np.int32))
            return out
        values = [f[:n] for f, n in zip(feats, cut, strict=True)]
        return self._padded(values, cut, target, mask)

    def _waveforms(
        self,
        clips: list[np.ndarray],
        padding: str | bool,
        max_length: int | None,
        truncation: bool,
        multiple: int | None,
        mask: bool,
    ) -> BatchFeature:
        """The clips padded, and normalised when ``do_normalize`` is set."""
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, max_length, truncation, multiple
        )
        out = self._padded([c[:n] for c, n in zip(clips, cut, strict=True)], cut, target, mask)
        if self.do_normalize:
            values = out["input_values"]
            # statistics over each clip's unpadded samples when padded with a
            # mask (the wrong ones with left padding, as the reference takes
            # them), else over the whole row
            normed = []
            for row, n in zip(values, cut, strict=True):
                n = n if target is not None and mask else row.shape[0]
                x = (row - row[:n].mean()) / np.sqrt(row[:n].var() + 1e-7)
                if n < x.shape[0]:
                    x[n:] = self.padding_value
                normed.append(x)
            out["input_values"] = normed
        return out

    def _padded(
        self, values: list[np.ndarray], cut: list[int], target: int | None, mask: bool
    ) -> BatchFeature:
        """``values`` (clips or spectrograms, already cut) padded along their
        first axis to ``target`` (None: not padded) with ``padding_value``,
        and their int32 masks: as transformers' ``pad``."""
        padded, masks = _pad_frames(values, cut, target, self.padding_value, self.padding_side)
        out = BatchFeature(input_values=_batch_of(padded))
        if mask:
            out["attention_mask"] = masks
        return out
