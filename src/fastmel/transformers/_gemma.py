"""The extractors of Gemma 3n and Gemma 4's audio encoders."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import gemma3n_mel_bank, mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import (
    BatchFeature,
    _convert,
    _equal_lengths,
    _Extractor,
    _padded_batch,
    _padded_lengths,
    _side_mask,
    _some,
    _speech_clips,
    logger,
)


class _GemmaBase(_Extractor):
    """What Gemma 3n's and Gemma 4's extractors share: frames of
    ``frame_length + 1`` samples unfolded every ``hop_length`` (the extra one
    for the pre-emphasis), the magnitude through an HTK bank, the natural
    log, an optional per-bin mean and deviation, clips padded in samples."""

    model_input_names = ["input_features", "input_features_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "min_frequency",
        "max_frequency",
        "preemphasis",
        "preemphasis_htk_flavor",
        "fft_overdrive",
        "dither",
        "input_scale_factor",
        "frame_length",
        "hop_length",
        "mel_floor",
        "fft_length",
        "per_bin_mean",
        "per_bin_stddev",
    )
    _COMPUTED = ("mel_filters", "window", "frame_length", "hop_length", "fft_length")
    _PLAN_DTYPES = (np.dtype(np.float32),)
    # semicausal: half a frame of zeros before the signal (Gemma 4)
    _SEMICAUSAL = False
    # The options, read-only after construction (Final, so that a type checker
    # flags a user's assignment). _setup sets them by name, which mypy does not
    # see: hence its "must be initialized" silenced on each.
    feature_size: Final[int]  # type: ignore[misc]
    sampling_rate: Final[int]  # type: ignore[misc]
    padding_value: Final[float]  # type: ignore[misc]
    return_attention_mask: Final[bool]  # type: ignore[misc]
    min_frequency: Final[float]  # type: ignore[misc]
    max_frequency: Final[float]  # type: ignore[misc]
    preemphasis: Final[float]  # type: ignore[misc]
    preemphasis_htk_flavor: Final[bool]  # type: ignore[misc]
    fft_overdrive: Final[bool]  # type: ignore[misc]
    dither: Final[float]  # type: ignore[misc]
    input_scale_factor: Final[float]  # type: ignore[misc]
    frame_length: Final[int]  # type: ignore[misc]
    hop_length: Final[int]  # type: ignore[misc]
    mel_floor: Final[np.ndarray]  # type: ignore[misc]
    fft_length: Final[int]  # type: ignore[misc]
    per_bin_mean: Final[np.ndarray | None]  # type: ignore[misc]
    per_bin_stddev: Final[np.ndarray | None]  # type: ignore[misc]

    def _setup(
        self,
        feature_size: Any,
        sampling_rate: Any,
        padding_value: float,
        return_attention_mask: Any,
        frame_length_ms: Any,
        hop_length_ms: Any,
        min_frequency: Any,
        max_frequency: Any,
        preemphasis: Any,
        preemphasis_htk_flavor: Any,
        fft_overdrive: Any,
        dither: Any,
        input_scale_factor: Any,
        mel_floor: Any,
        per_bin_mean: Sequence[float] | None,
        per_bin_stddev: Sequence[float] | None,
        kwargs: dict[str, Any],
    ) -> None:
        rate = as_int("sampling_rate", sampling_rate)
        self._set_options(
            feature_size=as_int("feature_size", feature_size),
            sampling_rate=rate,
            padding_value=padding_value,
            return_attention_mask=return_attention_mask,
            min_frequency=min_frequency,
            max_frequency=max_frequency,
            preemphasis=as_real("preemphasis", preemphasis, minimum=0.0),
            preemphasis_htk_flavor=preemphasis_htk_flavor,
            fft_overdrive=fft_overdrive,
            dither=as_real("dither", dither, minimum=0.0),
            input_scale_factor=as_real("input_scale_factor", input_scale_factor),
        )
        frame_length = int(round(rate * as_real("frame_length_ms", frame_length_ms) / 1000.0))
        hop_length = int(round(rate * as_real("hop_length_ms", hop_length_ms) / 1000.0))
        # A configuration's sizes in samples (to_dict's) are honoured: the
        # reference computes them again from the milliseconds' defaults.
        if kwargs.get("frame_length") is not None:
            frame_length = kwargs.pop("frame_length")
        if kwargs.get("hop_length") is not None:
            hop_length = kwargs.pop("hop_length")
        as_int("frame_length", frame_length)
        as_int("hop_length", hop_length)
        if isinstance(mel_floor, np.ndarray) and mel_floor.ndim == 0:  # (to_dict's form)
            mel_floor = mel_floor.item()
        fft_length = 2 ** math.ceil(math.log2(frame_length)) * (2 if fft_overdrive else 1)
        self._set_options(
            frame_length=frame_length,
            hop_length=hop_length,
            mel_floor=np.array(as_real("mel_floor", mel_floor, minimum=0.0), dtype=np.float64),
            fft_length=as_int("fft_length", fft_length, maximum=MAX_FFT_LENGTH),
            per_bin_mean=self._per_bin("per_bin_mean", per_bin_mean),
            per_bin_stddev=self._per_bin("per_bin_stddev", per_bin_stddev),
        )
        self._take_options(kwargs)
        for name, value in (
            ("preemphasis", preemphasis),
            ("dither", dither),
            ("input_scale_factor", input_scale_factor),
        ):  # (kept as given: the config's values)
            object.__setattr__(self, name, value)
        self._bank = self._mel_bank()
        self._build()

    def _argument_names(self) -> set[str]:
        # (the milliseconds are in the configuration as samples)
        return super()._argument_names() | {"frame_length_ms", "hop_length_ms"}

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        # The sizes as milliseconds, so that a new rate or length takes effect.
        config = dict(self.get_config())
        rate = config["sampling_rate"]
        config["frame_length_ms"] = config.pop("frame_length") * 1000.0 / rate
        config["hop_length_ms"] = config.pop("hop_length") * 1000.0 / rate
        return dict(config, **changes)

    def _per_bin(self, name: str, values: Sequence[float] | None) -> np.ndarray | None:
        if values is None:
            return None
        a = np.array(values, dtype=np.float64)
        if a.size != self.feature_size or not np.isfinite(a).all():
            raise ValueError(f"`{name}` must hold {self.feature_size} finite values")
        if name == "per_bin_stddev" and not (a != 0).all():
            raise ValueError("`per_bin_stddev` must not hold zeros")
        return a.reshape(1, 1, self.feature_size)

    def _mel_bank(self) -> np.ndarray:
        raise NotImplementedError

    def _window(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def mel_filters(self) -> np.ndarray:
        """The mel filter bank, ``(fft_length // 2 + 1, feature_size)`` float64."""
        return self._bank.copy()

    @property
    def window(self) -> np.ndarray:
        """The window, ``(frame_length,)`` float32."""
        return self._window()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Frames of frame_length samples from the unfolded frame_length + 1:
        # the first frame_length (pre-emphasis off or HTK's, within the frame),
        # or the last frame_length of the signal pre-emphasised as a whole.
        w, hop = self.frame_length, self.hop_length
        left = w // 2 if self._SEMICAUSAL else 0
        c = float(self.preemphasis)
        signal = c > 0.0 and not self.preemphasis_htk_flavor
        framing = Framing(
            frame_length=w,
            hop=hop,
            start=-left + (1 if signal else 0),
            reach=w + 1 - left,
            pad_mode="constant",
            signal_preemphasis=c if signal else 0.0,
        )
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        matrix = bias = None
        if self.per_bin_stddev is not None:
            matrix = np.diag(1.0 / self.per_bin_stddev.ravel())
        if self.per_bin_mean is not None:
            bias = -self.per_bin_mean.ravel()
            if self.per_bin_stddev is not None:
                bias = bias / self.per_bin_stddev.ravel()
        return EngineOptions(
            framing=framing,
            condition=Condition(
                preemphasis=c if c > 0.0 and self.preemphasis_htk_flavor else 0.0,
                window=self._window(),
            ),
            spectrum=Spectrum(fft_length=self.fft_length, mag_exp=1.0),
            bank=Bank.from_dense(self._bank),
            log=self._log(),
            post=Post(layout="frames_bands", matrix=matrix, bias=bias),
        )

    def _log(self) -> Log:
        raise NotImplementedError

    def __call__(
        self,
        raw_speech: Any,
        padding: bool | str = "longest",
        max_length: int | None = 480_000,
        truncation: bool = True,
        pad_to_multiple_of: int | None = 128,
        return_tensors: str | None = None,
        return_attention_mask: bool | None = True,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log-mel features of one clip or a batch, with their frame masks.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip ``(samples,)`` (a bare 1-D array too), or a batch: a list
            of clips or a 2-D array.
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples.
        max_length : int, optional
            Samples: the "max_length" length and the truncation length.
        truncation : bool, default True
            Cut clips to ``max_length``.
        pad_to_multiple_of : int, optional
            Samples: round the padding (and truncation) length up to it.
        return_tensors : {None, "np", "pt"}
            None: lists of arrays, as the reference; "np": NumPy arrays; "pt":
            torch tensors (needs torch).
        return_attention_mask : bool, optional
            Return ``input_features_mask`` (default True; False: no mask,
            where the reference fails).
        **kwargs
            ``sampling_rate`` (ignored, as the reference ignores it; a
            warning is logged when it differs from the extractor's),
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(frames, feature_size)`` per clip and
            ``input_features_mask`` bool ``(frames,)`` per clip.
        """
        rate = kwargs.pop("sampling_rate", None)
        if rate is not None and rate != self.sampling_rate:
            logger.warning(
                "%s ignores `sampling_rate` (%s), as the reference does: the audio must "
                "be at %s Hz",
                type(self).__name__,
                rate,
                self.sampling_rate,
            )
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _some(_speech_clips(raw_speech, self))
        cut, target = _padded_lengths(
            [c.size for c in clips], padding, max_length, truncation, pad_to_multiple_of
        )
        total = _equal_lengths(cut, target, "clips")
        batch = _padded_batch(
            clips, cut, total, self.padding_value, self.padding_side, width=max(total, 1)
        )[:, :total]
        if self.dither > 0.0:  # NumPy's global generator, row after row, as there
            for row in batch:
                noise = np.random.randn(1, total).astype(np.float32)[0]  # noqa: NPY002
                row += np.float32(self.dither) * noise
        if self.input_scale_factor != 1.0:
            batch *= np.float32(self.input_scale_factor)
        valid = np.array(cut, dtype=np.int64)
        feats, mask = self._features(batch, valid, threads)
        out = BatchFeature(input_features=list(feats))
        if return_attention_mask is not False:
            out["input_features_mask"] = list(mask)
        return _convert(out, return_tensors)

    def _features(
        self, batch: np.ndarray, valid: np.ndarray, threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _zeros_after(self, valid: np.ndarray) -> np.ndarray | None:
        """Each row's first sample of its zero padding, when the padding is
        zeros after the clip (no dither), else None."""
        right = self.padding_side == "right"
        return valid if right and self.padding_value == 0.0 and self.dither == 0.0 else None


class Gemma3nAudioFeatureExtractor(_GemmaBase):
    """Gemma 3n's audio features, as ``transformers.Gemma3nAudioFeatureExtractor``.

    Frames of ``frame_length_ms`` every ``hop_length_ms`` from the first
    sample of the padded batch (frames reading the padding included, as
    there), HTK pre-emphasis within each frame, a periodic Hann window
    computed in float32, the magnitude of a ``2 fft_length``-point FFT
    (``fft_overdrive``), Gemma 3n's HTK bank, ``ln(max(mel, mel_floor))``,
    then ``(x - per_bin_mean) / per_bin_stddev`` when given. The mask marks
    the frames whose first sample is a clip's. One engine call for the
    batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The audio's rate, Hz.
    padding_value : float, default 0.0
        The value padding samples take.
    return_attention_mask : bool, default True
        Kept for the configuration.
    frame_length_ms, hop_length_ms : float, default 32.0, 10.0
        Frame length and hop, milliseconds.
    min_frequency, max_frequency : float, default 125.0, 7600.0
        The bank's range, Hz.
    preemphasis : float, default 0.97
        Pre-emphasis coefficient (0: none).
    preemphasis_htk_flavor : bool, default True
        Within each frame, its first sample times ``1 - preemphasis`` (HTK's,
        Kaldi's); False: the signal filtered as a whole, frames from its
        second sample.
    fft_overdrive : bool, default True
        Double the FFT size.
    dither : float, default 0.0
        Gaussian noise from NumPy's global generator added to the padded
        batch (as the reference draws it).
    input_scale_factor : float, default 1.0
        The samples are multiplied by it first.
    mel_floor : float, default 1e-5
        The floor of the mel values before the logarithm.
    per_bin_mean, per_bin_stddev : sequence of float, optional
        ``feature_size`` values each: the features' normalisation.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_attention_mask=False`` returns no mask (the reference fails).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Gemma3nAudioFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], return_tensors="np")
    >>> out.input_features.shape, out.input_features_mask.shape
    ((2, 97, 128), (2, 97))
    """

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16_000,
        padding_value: float = 0.0,
        return_attention_mask: bool = True,
        frame_length_ms: float = 32.0,
        hop_length_ms: float = 10.0,
        min_frequency: float = 125.0,
        max_frequency: float = 7600.0,
        preemphasis: float = 0.97,
        preemphasis_htk_flavor: bool = True,
        fft_overdrive: bool = True,
        dither: float = 0.0,
        input_scale_factor: float = 1.0,
        mel_floor: float = 1e-5,
        per_bin_mean: Sequence[float] | None = None,
        per_bin_stddev: Sequence[float] | None = None,
        **kwargs: Any,
    ) -> None:
        self._setup(
            feature_size,
            sampling_rate,
            padding_value,
            return_attention_mask,
            frame_length_ms,
            hop_length_ms,
            min_frequency,
            max_frequency,
            preemphasis,
            preemphasis_htk_flavor,
            fft_overdrive,
            dither,
            input_scale_factor,
            mel_floor,
            per_bin_mean,
            per_bin_stddev,
            kwargs,
        )

    def _mel_bank(self) -> np.ndarray:
        return gemma3n_mel_bank(
            self.fft_length // 2 + 1,
            as_real("min_frequency", self.min_frequency),
            as_real("max_frequency", self.max_frequency),
            self.feature_size,
            self.sampling_rate,
            self.fft_length,
        )

    def _window(self) -> np.ndarray:
        return _windows.hann_float32(self.frame_length)

    def _log(self) -> Log:
        floor = max(float(self.mel_floor), float(np.finfo(np.float32).tiny))
        return Log(enabled=True, log_scale=math.log(10.0), min_power=floor)

    def _features(
        self, batch: np.ndarray, valid: np.ndarray, threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        # Every frame of the padded rows (those reading the padding too); zero
        # padding after each clip declared to the engine, which skips the
        # FFTs of the frames that read only it (the result is the same).
        plan = self._plans[np.dtype(np.float32)]
        total = batch.shape[1]
        feats = np.empty(plan.out_shape(len(batch), total), dtype=np.float32)
        _engine.run(plan, batch, feats, threads, zero_from=self._zeros_after(valid))
        at = np.arange(feats.shape[1]) * self.hop_length  # each frame's first sample
        return feats, _side_mask(at, valid, total, self.padding_side)


class Gemma4AudioFeatureExtractor(_GemmaBase):
    """Gemma 4's audio features, as ``transformers.Gemma4AudioFeatureExtractor``.

    Semicausal frames: half a frame of zeros before the signal, frames of
    ``frame_length_ms`` every ``hop_length_ms``, a periodic Hann window, the
    magnitude of the FFT (twice the size with ``fft_overdrive``), an HTK bank
    (transformers' ``mel_filter_bank``), ``ln(mel + mel_floor)``, then
    ``(x - per_bin_mean) / per_bin_stddev`` when given; frames past a clip's
    own (those reaching its padding) are 0 and masked. Each clip computed
    over its own samples in one engine call for the batch, without the GIL.

    Parameters
    ----------
    feature_size : int, default 128
        Mel bands.
    sampling_rate : int, default 16000
        The audio's rate, Hz.
    padding_value : float, default 0.0
        The value padding samples take.
    return_attention_mask : bool, default True
        Kept for the configuration.
    frame_length_ms, hop_length_ms : float, default 20.0, 10.0
        Frame length and hop, milliseconds.
    min_frequency, max_frequency : float, default 0.0, 8000.0
        The bank's range, Hz.
    preemphasis : float, default 0.0
        Pre-emphasis coefficient (0: none).
    preemphasis_htk_flavor : bool, default True
        Within each frame (HTK's, Kaldi's); False: the signal filtered as a
        whole.
    fft_overdrive : bool, default False
        Double the FFT size.
    dither : float, default 0.0
        Gaussian noise from NumPy's global generator added to the padded
        batch (as the reference draws it).
    input_scale_factor : float, default 1.0
        The samples are multiplied by it first.
    mel_floor : float, default 1e-3
        Added to the mel values before the logarithm.
    per_bin_mean, per_bin_stddev : sequence of float, optional
        ``feature_size`` values each: the features' normalisation.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    Where the reference fails, fastmel computes: a bare 1-D array, a list of
    floats or of tensors is one clip or a batch as for the other extractors;
    ``return_attention_mask=False`` returns no mask.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.Gemma4AudioFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], return_tensors="np")
    >>> out.input_features.shape, out.input_features_mask.sum(axis=1).tolist()
    ((2, 99, 128), [99, 49])
    """

    _SEMICAUSAL = True

    def __init__(
        self,
        feature_size: int = 128,
        sampling_rate: int = 16_000,
        padding_value: float = 0.0,
        return_attention_mask: bool = True,
        frame_length_ms: float = 20.0,
        hop_length_ms: float = 10.0,
        min_frequency: float = 0.0,
        max_frequency: float = 8000.0,
        preemphasis: float = 0.0,
        preemphasis_htk_flavor: bool = True,
        fft_overdrive: bool = False,
        dither: float = 0.0,
        input_scale_factor: float = 1.0,
        mel_floor: float = 1e-3,
        per_bin_mean: Sequence[float] | None = None,
        per_bin_stddev: Sequence[float] | None = None,
        **kwargs: Any,
    ) -> None:
        self._setup(
            feature_size,
            sampling_rate,
            padding_value,
            return_attention_mask,
            frame_length_ms,
            hop_length_ms,
            min_frequency,
            max_frequency,
            preemphasis,
            preemphasis_htk_flavor,
            fft_overdrive,
            dither,
            input_scale_factor,
            mel_floor,
            per_bin_mean,
            per_bin_stddev,
            kwargs,
        )

    def _mel_bank(self) -> np.ndarray:
        with warnings.catch_warnings():  # (empty bands: silent, as there)
            warnings.simplefilter("ignore")
            return mel_filter_bank(
                self.fft_length // 2 + 1,
                self.feature_size,
                as_real("min_frequency", self.min_frequency),
                as_real("max_frequency", self.max_frequency),
                self.sampling_rate,
                None,
                "htk",
            )

    def _window(self) -> np.ndarray:
        return _windows.window("hann", self.frame_length, periodic=True, dtype=np.float32)

    def _log(self) -> Log:
        # (the engine's floor inside the log is positive: with mel_floor 0 the
        # log of a zero band is that of the smallest normal float, not -inf)
        floor = float(self.mel_floor)
        return Log(
            enabled=True,
            log_scale=math.log(10.0),
            log_offset=floor,
            min_power=max(floor, float(np.finfo(np.float32).tiny)),
        )

    def _features(
        self, batch: np.ndarray, valid: np.ndarray, threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        plan = self._plans[np.dtype(np.float32)]
        rows, total = batch.shape
        feats = np.empty(plan.out_shape(rows, total), dtype=np.float32)
        # A frame is a clip's when its last sample (and the one after, the
        # unfolded frame's) is: right-padded clips each over their own
        # samples, the frames after theirs 0; left-padded ones as the
        # padded rows, the frames before theirs zeroed.
        reach = self.frame_length + 1 - self.frame_length // 2
        ends = np.arange(feats.shape[1]) * self.hop_length + reach  # samples read, + 1
        if self.padding_side == "right":
            _engine.run(plan, batch, feats, threads, lengths=valid, n_samples=total)
            mask = ends[None, :] <= valid[:, None]
        else:
            _engine.run(plan, batch, feats, threads)
            mask = ends[None, :] > (total - valid)[:, None]
            feats *= mask[..., None]
        return feats, mask
