"""UnivNet's extractor (the vocoder's conditioning log mel, and its noise)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _hf_window,
    _pad_frames,
    _padded_lengths,
    _plus_zero,
    _sample_mask,
    _speech_clips,
)


class UnivNetFeatureExtractor(_Extractor):
    """UnivNet's log mel, as ``transformers.UnivNetFeatureExtractor``.

    Each padded row (truncated to ``max_length_s`` seconds by default)
    reflection-padded by ``(n_fft - hop_length) / 2`` on both sides (and
    again by half a frame with ``center``), frames of ``n_fft`` every
    ``hop_length``, a periodic window, ``sqrt(|X|^2 + mel_floor)`` (the
    engine's spectral epsilon), Slaney bands from ``fmin`` to ``fmax``,
    ``ln(max(x, compression_clip_val) compression_factor)``, optionally
    Tacotron's ``2 (x - min) / (max - min) - 1``; computed in double as the
    reference's NumPy code, one engine call for the batch, without the GIL;
    and Gaussian noise of ``(frames, model_in_channels)`` per clip from
    ``generator`` as the reference draws it.

    Where the reference fails, fastmel computes: a batch with no sample to
    compute (empty clips, ``max_length=0`` with truncation) has features and
    noise of no frame.

    Parameters
    ----------
    feature_size : int, default 1
        Kept for the configuration.
    sampling_rate : int, default 24000
        The rate the audio must have, Hz.
    padding_value : float, default 0.0
        The value padding samples take.
    do_normalize : bool, default False
        Tacotron's normalisation to [-1, 1] between ``normalize_min`` and
        ``normalize_max``.
    num_mel_bins : int, default 100
        Mel bands.
    hop_length, win_length : int, default 256, 1024
        Hop and window length.
    win_function : str, default "hann_window"
        As transformers' ``window_function`` names it (periodic).
    filter_length : int or None, default 1024
        The FFT size (None: the next power of two from ``win_length``); the
        window must be as long (as there).
    max_length_s : int, default 10
        Seconds: the default truncation length.
    fmin, fmax : float, default 0.0, None
        The bands' range, Hz (None: Nyquist).
    mel_floor : float, default 1e-9
        Added to ``|X|^2`` before the square root.
    center : bool, default False
        Reflection-pad half a frame more on both sides.
    compression_factor, compression_clip_val : float, default 1.0, 1e-5
        ``ln(max(x, clip_val) factor)``.
    normalize_min, normalize_max : float
        The normalisation's range.
    model_in_channels : int, default 64
        The noise's channels.
    pad_end_length : int, default 10
        Hops of padding ``pad_end=True`` adds.
    return_attention_mask : bool, default True
        The default of the call's ``return_attention_mask``.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.UnivNetFeatureExtractor()
    >>> out = fe([np.zeros(24000), np.ones(12000)], sampling_rate=24000, return_noise=False)
    >>> [x.shape for x in out.input_features]
    [(93, 100), (93, 100)]
    """

    model_input_names = ["input_features", "noise_sequence", "padding_mask"]
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
        "filter_length",
        "fmin",
        "fmax",
        "mel_floor",
        "max_length_s",
        "center",
        "compression_factor",
        "compression_clip_val",
        "normalize_min",
        "normalize_max",
        "model_in_channels",
        "pad_end_length",
    )
    _COMPUTED = ("window", "mel_filters", "n_fft", "n_freqs", "num_max_samples")
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's NumPy code is float64

    def __init__(
        self,
        feature_size: int = 1,
        sampling_rate: int = 24000,
        padding_value: float = 0.0,
        do_normalize: bool = False,
        num_mel_bins: int = 100,
        hop_length: int = 256,
        win_length: int = 1024,
        win_function: str = "hann_window",
        filter_length: int | None = 1024,
        max_length_s: int = 10,
        fmin: float = 0.0,
        fmax: float | None = None,
        mel_floor: float = 1e-9,
        center: bool = False,
        compression_factor: float = 1.0,
        compression_clip_val: float = 1e-5,
        normalize_min: float = -11.512925148010254,
        normalize_max: float = 2.3143386840820312,
        model_in_channels: int = 64,
        pad_end_length: int = 10,
        return_attention_mask: bool = True,
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = feature_size
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.do_normalize: Final = do_normalize
        self.num_mel_bins: Final = as_int("num_mel_bins", num_mel_bins)
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.win_length: Final = as_int("win_length", win_length)
        self.win_function: Final = win_function
        self.filter_length: Final = filter_length
        self.fmin: Final = fmin
        self.fmax: Final = float(sampling_rate) / 2 if fmax is None else fmax
        self.mel_floor: Final = mel_floor
        self.max_length_s: Final = max_length_s
        self.center: Final = center
        self.compression_factor: Final = compression_factor
        self.compression_clip_val: Final = compression_clip_val
        self.normalize_min: Final = normalize_min
        self.normalize_max: Final = normalize_max
        self.model_in_channels: Final = as_int("model_in_channels", model_in_channels)
        self.pad_end_length: Final = pad_end_length
        self._take_options(kwargs)
        n_fft = (
            1 << (self.win_length - 1).bit_length()
            if filter_length is None
            else as_int("filter_length", filter_length, maximum=MAX_FFT_LENGTH)
        )
        if n_fft != self.win_length:
            raise ValueError(
                f"Length of the window ({self.win_length}) must equal frame_length ({n_fft})"
            )
        self._n_fft = n_fft
        for name, value, low in (
            ("mel_floor", mel_floor, 0.0),
            ("compression_factor", compression_factor, None),
            ("compression_clip_val", compression_clip_val, 0.0),
        ):
            as_real(name, value, minimum=low)
        if not (float(compression_factor) > 0 and float(compression_clip_val) > 0):
            raise ValueError("`compression_factor` and `compression_clip_val` must be > 0")
        self._window = _hf_window(win_function, self.win_length, periodic=True)
        self._filters = mel_filter_bank(
            n_fft // 2 + 1,
            self.num_mel_bins,
            as_real("fmin", self.fmin),
            as_real("fmax", self.fmax),
            self.sampling_rate,
            "slaney",
            "slaney",
        )
        self._build()
        # (center: the reflection padding twice, done in NumPy, then plain frames)
        plain = _engine.make_plan(self._options(padded=True), np.float64)
        object.__setattr__(self, "_padded_plan", plain)

    _padded_plan: Any

    @property
    def n_fft(self) -> int:
        """The FFT size."""
        return self._n_fft

    @property
    def num_max_samples(self) -> int:
        """The default truncation length: ``max_length_s`` seconds."""
        return int(self.max_length_s * self.sampling_rate)

    @property
    def window(self) -> np.ndarray:
        """The window, ``(win_length,)`` float64."""
        return self._window.copy()

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(n_fft // 2 + 1, num_mel_bins)`` float64."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        options = self._options(padded=False)
        if stream_left is None:
            return options
        return EngineOptions(
            **{**options.__dict__, "framing": options.framing.for_stream(stream_left)}
        )

    def _options(self, padded: bool) -> EngineOptions:
        # Frames of the row reflection-padded by (n_fft - hop) / 2 (padded:
        # of a row already padded), |X| with the epsilon, ln(max(x, clip) factor).
        n, hop = self._n_fft, self.hop_length
        pad = int((n - hop) / 2)
        framing = (
            Framing(frame_length=n, hop=hop)
            if padded
            else Framing(frame_length=n, hop=hop, start=-pad, reach=n - 2 * pad, pad_mode="reflect")
        )
        factor = float(self.compression_factor)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=self._window),
            spectrum=Spectrum(fft_length=n, mag_exp=1.0, power_offset=float(self.mel_floor)),
            bank=Bank.from_dense(self._filters * factor),
            log=Log(
                enabled=True,
                log_scale=float(np.log(10.0)),
                min_power=float(self.compression_clip_val) * factor,
            ),
            post=Post(layout="frames_bands"),
        )

    def normalize(self, spectrogram: np.ndarray) -> np.ndarray:
        """Tacotron's normalisation: ``2 (x - min) / (max - min) - 1``.

        Parameters
        ----------
        spectrogram : np.ndarray
            Log mel values.

        Returns
        -------
        np.ndarray
        """
        low, high = self.normalize_min, self.normalize_max
        return 2 * ((spectrogram - low) / (high - low)) - 1

    def denormalize(self, spectrogram: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`normalize`.

        Parameters
        ----------
        spectrogram : np.ndarray
            Normalised values.

        Returns
        -------
        np.ndarray
        """
        low, high = self.normalize_min, self.normalize_max
        return low + (high - low) * ((spectrogram + 1) / 2)

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        padding: bool | str = True,
        max_length: int | None = None,
        truncation: bool = True,
        pad_to_multiple_of: int | None = None,
        return_noise: bool = True,
        generator: np.random.Generator | None = None,
        pad_end: bool = False,
        pad_length: int | None = None,
        do_normalize: bool | None = None,
        return_attention_mask: bool | None = None,
        return_tensors: str | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log mel (and noise) of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip or a batch (a list of clips or a 2-D array).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        padding : {True, "longest", "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples; None: ``max_length_s`` seconds.
        truncation : bool, default True
            Cut clips to ``max_length``.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_noise : bool, default True
            Also return ``noise_sequence``.
        generator : np.random.Generator, optional
            The noise's generator (None: a fresh one).
        pad_end : bool, default False
            ``pad_length`` hops of ``padding_value`` after each clip first.
        pad_length : int, optional
            Default ``pad_end_length``.
        do_normalize : bool, optional
            Default: the extractor's.
        return_attention_mask : bool, optional
            Return ``padding_mask`` (default: the extractor's).
        return_tensors : {None, "np", "pt"}
            None: lists of arrays, as the reference; "np": NumPy arrays; "pt":
            torch tensors.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads).

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(frames, num_mel_bins)`` per clip,
            ``padding_mask`` int32 per sample, ``noise_sequence`` float32
            ``(frames, model_in_channels)`` per clip.
        """
        do_normalize = self.do_normalize if do_normalize is None else do_normalize
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _speech_clips(raw_speech, self)
        if pad_end:
            extra = (self.pad_end_length if pad_length is None else pad_length) * self.hop_length
            clips = [
                np.concatenate([c, np.full(extra, self.padding_value, dtype=np.float32)])
                for c in clips
            ]
        limit = self.num_max_samples if max_length is None else max_length
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, limit, truncation, pad_to_multiple_of
        )
        if return_attention_mask is None:
            return_attention_mask = self.return_attention_mask
        rng = None
        if return_noise:
            rng = np.random.default_rng() if generator is None else generator
        if (
            target is not None
            and not self.center
            and self.padding_side == "right"
            and _plus_zero(self.padding_value)
        ):
            # The batch as arrays: the clips where they lie with the zeros
            # after them declared (frames of them only skip their FFTs), the
            # features narrowed, normalised and the noise drawn in one go each
            # (one draw of the batch is the clips' draws in a row).
            total = _equal_lengths(cut, target, "items")
            plan = self._plans[np.dtype(np.float64)]
            feats64 = np.empty(plan.out_shape(len(clips), total), dtype=np.float64)
            if feats64.size:
                rows = [c[:n] for c, n in zip(clips, cut, strict=True)]
                _engine.run(plan, rows, feats64, threads, n_samples=total)
            batch: dict[str, Any] = {"input_features": feats64.astype(np.float32)}
            if return_attention_mask:
                batch["padding_mask"] = _sample_mask(cut, total, "right", np.int32)
            if rng is not None:
                shape = (*feats64.shape[:2], self.model_in_channels)
                batch["noise_sequence"] = rng.standard_normal(shape, dtype=np.float32)
            if do_normalize:
                batch["input_features"] = self.normalize(batch["input_features"])
            if return_tensors is None:  # (lists of arrays, as the reference)
                batch = {k: list(v) for k, v in batch.items()}
            return _convert(BatchFeature(batch), return_tensors)
        rows, masks = _pad_frames(
            [c[:n] for c, n in zip(clips, cut, strict=True)],
            cut,
            target,
            self.padding_value,
            self.padding_side,
        )
        feats = self._log_mel(rows, threads)
        out = BatchFeature(input_features=[f.astype(np.float32) for f in feats])
        if return_attention_mask:
            out["padding_mask"] = masks
        if rng is not None:
            out["noise_sequence"] = [
                rng.standard_normal((f.shape[0], self.model_in_channels), dtype=np.float32)
                for f in feats
            ]
        if do_normalize:
            out["input_features"] = [self.normalize(f) for f in out["input_features"]]
        return _convert(out, return_tensors)

    def _log_mel(self, rows: list[np.ndarray], threads: int) -> list[np.ndarray]:
        """Each row's log mel (rows of one length in one engine call)."""
        pad = int((self._n_fft - self.hop_length) / 2)
        out: list[tuple[int, np.ndarray]] = []
        for size in dict.fromkeys(r.size for r in rows):  # (one group when padded)
            group = [i for i, r in enumerate(rows) if r.size == size]
            if size == 0:  # no sample, no frame (where the reference fails)
                empty = self._plans[np.dtype(np.float64)].out_shape(len(group), 0)
                out.extend(zip(group, np.empty(empty, dtype=np.float64), strict=True))
                continue
            # float32, widened as the core reads it (padding copies: exact)
            batch = np.stack([rows[i] for i in group])
            if self.center:  # reflection twice, as there
                batch = np.pad(batch, [(0, 0), (pad, pad)], mode="reflect")
                half = self._n_fft // 2
                batch = np.pad(batch, [(0, 0), (half, half)], mode="reflect")
                plan = self._padded_plan
            else:
                plan = self._plans[np.dtype(np.float64)]
            feats = np.empty(plan.out_shape(len(group), batch.shape[1]), dtype=np.float64)
            _engine.run(plan, batch, feats, threads)
            out.extend(zip(group, feats, strict=True))
        return [f for _, f in sorted(out, key=lambda item: item[0])]
