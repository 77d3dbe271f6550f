"""The extractors over Kaldi filter banks: AST, SeamlessM4T and Speech2Text."""

from __future__ import annotations

import dataclasses
from typing import Any, Final

import numpy as np

from .. import _core, _engine
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import dense, kaldi_bands
from .._options import as_int, as_real
from ..kaldi import EPSILON, window
from ._base import (
    BatchFeature,
    _as_clip,
    _batch,
    _batch_of,
    _convert,
    _equal_lengths,
    _Extractor,
    _pad_frames,
    _padded_lengths,
    _placed,
    _real,
    _some,
    _speech_clips,
)


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
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_values.shape
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
        from ..kaldi import Fbank

        self.feature_size: Final = feature_size
        self.sampling_rate: Final = sampling_rate
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.num_mel_bins: Final = num_mel_bins
        self.max_length: Final = as_int("max_length", max_length)
        self.do_normalize: Final = do_normalize
        self.mean: Final = mean
        self.std: Final = std
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
            None: a list of arrays, one per clip (the reference's); "np": a
            NumPy array; "pt": a torch tensor (needs torch).
        **kwargs
            ``num_threads`` (fastmel's: this call's threads, overriding the
            extractor's and :func:`fastmel.set_num_threads`); any other is
            ignored, as the reference ignores them.

        Returns
        -------
        BatchFeature
            ``input_values`` float32 ``(batch, max_length, num_mel_bins)`` (a
            list of ``(max_length, num_mel_bins)`` arrays with
            ``return_tensors=None``).
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
        # (a list of arrays with return_tensors=None, as the reference's)
        return _convert(BatchFeature(input_values=list(out)), return_tensors)


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
        self.num_mel_bins: Final = as_int("num_mel_bins", num_mel_bins)
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.stride: Final = as_int("stride", stride)
        self.feature_size: Final = feature_size
        self.sampling_rate: Final = sampling_rate
        self.padding_value: Final = padding_value
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
        # Kaldi's log mel bands with the reference's fixed frame sizes, in
        # float64. The samples times 2**15, as there, is the power times 2**30:
        # folded into the bank's weights, exact in float64 (every step is
        # linear in the samples and stays far from under- and overflow), so
        # that the float32 clips go to the engine as they are.
        first, length, weights = self._bands
        weights = weights * 2.0**30
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
        cut, target = _padded_lengths(
            [int(c) for c in counts], padding, max_length, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips' frame counts")
        n = self.num_mel_bins
        out = np.full((len(clips), total, n), self.padding_value, dtype=np.float32)
        mask = np.zeros((len(clips), total), dtype=np.int32)
        for i, (row, c, k) in enumerate(zip(feats, counts, cut, strict=True)):
            where = _placed(k, total, self.padding_side)
            # Each clip's bins over its own frames, in float32 with NumPy's
            # bits (the reference's reductions on its transposed view, which
            # sum pairwise: a sum frame after frame is an ulp off on a
            # constant bin, which the division by sqrt(0 + 1e-7) makes 3e-3),
            # written into the padded batch; 1 frame: NaN (a sample variance
            # of 0/0), as there.
            _core.bin_normalise_f32(row, int(c), out[i, where], do_normalize_per_mel_bins)
            mask[i, where] = 1
        s = self.stride
        usable = total - total % s
        stacked = out[:, :usable].reshape(len(clips), usable // s, n * s)
        result = BatchFeature(input_features=stacked)
        if return_attention_mask:
            # each stacked row's second frame (none at all with stride 1, as there)
            result["attention_mask"] = mask[:, 1:usable:s].copy() if s > 1 else mask[:, :0].copy()
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
        longest = max(int(lengths.max()), 1)
        # The float32 clips where they lie, each widened as the engine reads
        # it (the scale by 2**15 is in the bank).
        plan = self._plans[np.dtype(np.float64)]
        out = np.empty(plan.out_shape(len(clips), longest), dtype=np.float64)
        _engine.run(plan, clips, out, threads, lengths=lengths, n_samples=longest)
        return plan.frame_counts(lengths), out


class Speech2TextFeatureExtractor(_Extractor):
    """Speech2Text's input, as ``transformers.Speech2TextFeatureExtractor``.

    Kaldi filter banks of each clip (``torchaudio.compliance.kaldi.fbank``
    with its defaults: 25 ms Povey windows every 10 ms, pre-emphasis 0.97, DC
    removal, 512-point FFT, bands from 20 Hz to Nyquist) on the samples
    scaled to int16's range (x 32768), padded per frame as ``padding`` asks,
    then each clip's cepstral mean and variance normalisation over its own
    frames (standard deviation with no epsilon: a constant band comes out
    NaN, as there), in float32 with NumPy's rounding, as the reference. The
    filter banks of the whole batch come from one call of fastmel's engine
    (each clip over its own length), without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Kept for the configuration.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    num_mel_bins : int, default 80
        Mel bands.
    padding_value : float, default 0.0
        What padding frames hold.
    dither : float, default 0.0
        Kaldi's dither (Gaussian noise of this standard deviation on every
        frame's samples, fresh per call: the reference's is unseeded too).
    do_ceptral_normalize, normalize_means, normalize_vars : bool, default True
        The per-clip normalisation, its mean and its variance.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute
        (``return_attention_mask`` is True whatever is given, as there).

    Notes
    -----
    Differences from the reference: with ``padding`` and
    ``return_attention_mask=False`` the reference fails (it normalises
    through the mask it did not make); fastmel normalises each clip over its
    own frames and returns no mask.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Speech2TextFeatureExtractor()
    >>> rng = np.random.default_rng(0)
    >>> clips = [rng.standard_normal(16000) * 0.1, rng.standard_normal(8000) * 0.1]
    >>> out = fe(clips, padding=True, sampling_rate=16000)
    >>> [x.shape for x in out.input_features], [m.shape for m in out.attention_mask]
    ([(98, 80), (98, 80)], [(98,), (98,)])
    >>> fe(clips, padding=True, sampling_rate=16000, return_tensors="np").input_features.shape
    (2, 98, 80)
    """

    model_input_names = ["input_features", "attention_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "num_mel_bins",
        "dither",
        "do_ceptral_normalize",
        "normalize_means",
        "normalize_vars",
    )
    _COMPUTED = ("mel_filters", "window", "return_attention_mask")
    _PLAN_DTYPES = (np.dtype(np.float32),)  # torchaudio's fbank computes in float32

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        num_mel_bins: int = 80,
        padding_value: float = 0.0,
        dither: float = 0.0,
        do_ceptral_normalize: bool = True,
        normalize_means: bool = True,
        normalize_vars: bool = True,
        **kwargs: Any,
    ) -> None:
        from ..kaldi import Fbank

        self.feature_size: Final = feature_size
        self.sampling_rate: Final = sampling_rate
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = True
        self.num_mel_bins: Final = as_int("num_mel_bins", num_mel_bins)
        self.dither: Final = as_real("dither", dither, minimum=0.0)
        self.do_ceptral_normalize: Final = do_ceptral_normalize
        self.normalize_means: Final = normalize_means
        self.normalize_vars: Final = normalize_vars
        self._take_options(kwargs)
        object.__setattr__(self, "dither", dither)  # (kept as given: the config's value)
        self._fbank = Fbank(
            sample_frequency=as_real("sampling_rate", sampling_rate, minimum=1.0),
            num_mel_bins=self.num_mel_bins,
            dither=float(dither),
        )
        self._build()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # torchaudio's fbank with its defaults, of the samples x 2**15 (as the
        # reference scales them to int16's range): the factor folded into the
        # bank (2**30 on the power) and the dither (/ 2**15), which gives the
        # same bits, powers of two scaling every step exactly.
        options = self._fbank.engine_options(dtype, stream_left=stream_left)
        return dataclasses.replace(
            options,
            condition=dataclasses.replace(
                options.condition, dither=options.condition.dither / 32768.0
            ),
            bank=dataclasses.replace(options.bank, weights=options.bank.weights * 2.0**30),
        )

    def num_frames(self, n_samples: int) -> int:
        # A clip's frames before the padding.
        return self._fbank.num_frames(n_samples)

    def __call__(
        self,
        raw_speech: Any,
        padding: str | bool = False,
        max_length: int | None = None,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        sampling_rate: int | None = None,
        return_attention_mask: bool | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Normalised filter banks of one clip or a batch.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array
            (3-D input is an error).
        padding : {False, "do_not_pad", True, "longest", "max_length"}
            In frames.
        max_length : int, optional
            Frames: the "max_length" length and the truncation length.
        truncation : bool, default False
            Cut to ``max_length`` frames.
        pad_to_multiple_of : int, optional
            Round the padding (and truncation) length up to a multiple of this.
        return_tensors : {None, "np", "pt"}
            None: as the reference (a list of arrays); "np": NumPy arrays;
            "pt": torch tensors (needs torch).
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        return_attention_mask : bool, optional
            Return ``attention_mask`` (default True).
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(frames, num_mel_bins)`` per clip,
            and ``attention_mask`` int32 ``(frames,)`` per clip.
        """
        self._check_rate(sampling_rate)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(_speech_clips(raw_speech, self))
        plan = self._plans[np.dtype(np.float32)]
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        frames = [self.num_frames(int(n)) for n in lengths]
        cut, target = _padded_lengths(frames, padding, max_length, truncation, pad_to_multiple_of)
        # The clips as they are, one engine call (the scaling is in the plan).
        longest = max(int(lengths.max()), 1)
        feats = np.empty(plan.out_shape(len(clips), longest), dtype=np.float32)
        _engine.run(plan, clips, feats, threads, lengths=lengths, n_samples=longest)
        mask_flag = (
            self.return_attention_mask if return_attention_mask is None else return_attention_mask
        )
        values, masks = _pad_frames(
            [f[:n] for f, n in zip(feats, cut, strict=True)],
            cut,
            target,
            self.padding_value,
            self.padding_side,
        )
        if self.do_ceptral_normalize:
            # per clip over its own frames: the mask's count when padded (the
            # first ones with left padding, as the reference takes them)
            normed: Any = [self._cmvn(v, n) for v, n in zip(values, cut, strict=True)]
        else:
            normed = _batch_of(values)
        out = BatchFeature(input_features=normed)
        if mask_flag:
            out["attention_mask"] = masks
        return _convert(out, return_tensors)

    def _cmvn(self, x: np.ndarray, n: int) -> np.ndarray:
        """The reference's utterance CMVN of ``x`` (frames, bands) float32 over
        its first ``n`` frames, with NumPy's float32 arithmetic."""
        if n == 0:  # no frame (a clip shorter than one): nothing to normalise
            return x.astype(np.float32)
        # In place (x is this call's own: a clip's rows of the engine's output,
        # or its padded copy); in the core, NumPy's float32 bits (Kaldi's
        # banks are more than 3), without the GIL.
        x = np.ascontiguousarray(x, dtype=np.float32)
        _core.utterance_cmvn_f32(x, n, self.normalize_means, self.normalize_vars)
        if n < x.shape[0]:
            x[n:] = self.padding_value
        return x
