"""Granite Speech's and Granite Speech 5's extractors."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Floor, Framing, Log, Post, Spectrum
from .._filters import melscale_fbanks
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import BatchFeature, _convert, _Extractor, _mono, _plus_zero, logger


class GraniteSpeechFeatureExtractor(_Extractor):
    """Granite Speech's audio features, as ``transformers.GraniteSpeechFeatureExtractor``.

    torchaudio's ``MelSpectrogram`` (a periodic Hann window of ``win_length``
    in an ``n_fft`` FFT, reflection-centred frames, the power through its
    HTK bank from 0 Hz to Nyquist) of the clips padded with zeros to the
    longest, ``log10`` with Whisper's floor 8 below each row's maximum and
    ``x / 4 + 1``, an odd last frame dropped and frames stacked in pairs;
    the audio embedding sizes and their mask. One engine call for the
    batch, without the GIL.

    Parameters
    ----------
    sampling_rate : int, default 16000
        The audio's rate, Hz.
    n_fft, win_length, hop_length : int, default 512, 400, 160
        FFT size, window length and hop.
    n_mels : int, default 80
        Mel bands.
    projector_window_size, projector_downsample_rate : int, default 15, 5
        The embedding sizes' factors.
    padding_value : float, default 0.0
        Kept for the configuration (clips are padded with zeros, as there).
    **kwargs
        ``feature_size`` (default ``n_mels``), ``melspec_kwargs`` (a
        configuration's: its sizes are used, where the reference computes
        them again from the defaults), ``num_threads`` (fastmel's; -1: all
        cores), and any other key of a ``preprocessor_config.json``, kept as
        an attribute.

    Notes
    -----
    ``return_tensors`` is not a keyword of the call (as in the reference):
    the features and mask are torch tensors when torch is importable, NumPy
    arrays otherwise, and ``audio_embed_sizes`` a list. A list of floats is
    one clip (the reference fails).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.GraniteSpeechFeatureExtractor()
    >>> out = fe([np.zeros(16000, np.float32), np.ones(8000, np.float32)])
    >>> np.asarray(out.input_features).shape, out.audio_embed_sizes
    ((2, 50, 160), [12, 6])
    """

    model_input_names = ["input_features"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "melspec_kwargs",
        "projector_window_size",
        "projector_downsample_rate",
    )
    _COMPUTED = ("mel_filters",)
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        sampling_rate: int = 16000,
        n_fft: int = 512,
        win_length: int = 400,
        hop_length: int = 160,
        n_mels: int = 80,
        projector_window_size: int = 15,
        projector_downsample_rate: int = 5,
        padding_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        given = kwargs.pop("melspec_kwargs", None) or {}
        sizes = {
            "sample_rate": sampling_rate,
            "n_fft": n_fft,
            "win_length": win_length,
            "hop_length": hop_length,
            "n_mels": n_mels,
        }
        sizes.update({k: v for k, v in given.items() if k in sizes})
        for key in sizes:
            sizes[key] = as_int(key, sizes[key])
        as_int("n_fft", sizes["n_fft"], maximum=MAX_FFT_LENGTH)
        if sizes["win_length"] > sizes["n_fft"]:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        feature_size = kwargs.pop("feature_size", None)
        self.feature_size: Final = sizes["n_mels"] if feature_size is None else feature_size
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.melspec_kwargs: Final = sizes
        self.projector_window_size: Final = as_int("projector_window_size", projector_window_size)
        self.projector_downsample_rate: Final = as_int(
            "projector_downsample_rate", projector_downsample_rate
        )
        self._take_options(kwargs)
        self._filters = melscale_fbanks(
            sizes["n_fft"] // 2 + 1,
            0.0,
            float(sizes["sample_rate"] // 2),
            sizes["n_mels"],
            sizes["sample_rate"],
        )
        self._build()

    def _argument_names(self) -> set[str]:
        return super()._argument_names() | {"n_fft", "win_length", "hop_length", "n_mels"}

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        # The sizes as the keywords, so that a change of one takes effect.
        config = dict(self.get_config())
        sizes = config.pop("melspec_kwargs")
        config.update({k: v for k, v in sizes.items() if k != "sample_rate"})
        return dict(config, **changes)

    @property
    def mel_filters(self) -> np.ndarray:
        """torchaudio's mel filter bank, ``(n_fft // 2 + 1, n_mels)`` float32."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # torch.stft's frames (window centred in the FFT, reflection), the
        # power, log10 with the floor 8 below each row's maximum, x / 4 + 1.
        s = self.melspec_kwargs
        n, w, hop = s["n_fft"], s["win_length"], s["hop_length"]
        framing = Framing.centred(n, w, hop)
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        return EngineOptions(
            framing=framing,
            condition=Condition(window=_windows.window("hann", w, periodic=True, dtype=np.float32)),
            spectrum=Spectrum.centred(n, w),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=0.25, out_offset=1.0, min_power=1e-10),
            floor=Floor(mode="row", range=2.0),
            post=Post(layout="frames_bands"),
        )

    def __call__(self, audios: Any, device: str | None = "cpu", **kwargs: Any) -> BatchFeature:
        """Features of one clip or a batch, the embedding sizes and their mask.

        Parameters
        ----------
        audios : np.ndarray, list of np.ndarray, list of float
            One clip ``(samples,)``, a 2-D array of clips of one length, or a
            list of clips of any lengths (floating point: integer samples are
            refused, as there).
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads) only; any other
            keyword is a TypeError, as in the reference.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames // 2, 2 n_mels)``,
            ``audio_embed_sizes`` (a list of int) and ``input_features_mask``
            bool ``(batch, max(audio_embed_sizes))``.
        """
        threads = self._call_threads(kwargs.pop("num_threads", None))
        for key in kwargs:
            raise TypeError(
                f"{type(self).__name__}.__call__() got an unexpected keyword argument '{key}'"
            )
        clips = self._clips(audios)
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        total = int(lengths.max())
        plan = self._plans[np.dtype(np.float32)]
        feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
        # the clips as they are, the zeros after each unstored
        _engine.run(plan, clips, feats, threads, floor_group=1, n_samples=total)
        frames = feats.shape[1] - feats.shape[1] % 2
        feats = feats[:, :frames].reshape(len(clips), frames // 2, 2 * feats.shape[2])
        sizes = self._embed_sizes(lengths)
        mask = np.arange(max(sizes))[None, :] < np.array(sizes)[:, None]
        out = _convert(
            BatchFeature(input_features=np.ascontiguousarray(feats), input_features_mask=mask),
            None,
            torch_default=True,
        )
        return BatchFeature(
            input_features=out["input_features"],
            audio_embed_sizes=sizes,
            input_features_mask=out["input_features_mask"],
        )

    def _embed_sizes(self, lengths: np.ndarray) -> list[int]:
        """The projector's output length of each clip (its raw length)."""
        hop = self.melspec_kwargs["hop_length"]
        window = self.projector_window_size
        per_block = window // self.projector_downsample_rate
        return [math.ceil((int(n) // hop + 1) // 2 / window) * per_block for n in lengths]

    def _clips(self, audios: Any) -> list[np.ndarray]:
        """The input as 1-D float32 clips: a 1-D array, the rows of a 2-D one, a
        list of arrays or tensors (each squeezed), or a list of floats."""
        if isinstance(audios, (list, tuple)) and audios and not hasattr(audios[0], "__len__"):
            audios = np.asarray(audios, dtype=np.float32)
        if isinstance(audios, (list, tuple)):
            if not audios:
                raise ValueError("`audios` is empty")
            arrays = [np.asarray(a) for a in audios]
            self._check_floating(arrays[0])
            return [_mono(a.squeeze(0) if a.ndim > 1 else a, i) for i, a in enumerate(arrays)]
        a = np.asarray(audios)
        self._check_floating(a)
        if a.ndim == 1:
            return [a.astype(np.float32)]
        if a.ndim == 2:
            return [row.astype(np.float32) for row in a]
        raise ValueError(f"audio of shape {a.shape}: one clip (1-D) or a batch (2-D) only")

    @staticmethod
    def _check_floating(a: np.ndarray) -> None:
        if a.dtype.kind != "f":
            raise ValueError(
                "Invalid audio provided. Audio should be a floating point between 0 and 1"
            )


class GraniteSpeech5FeatureExtractor(_Extractor):
    """Granite Speech 5's audio features, as ``transformers.GraniteSpeech5FeatureExtractor``.

    torchaudio's ``MelSpectrogram`` (as :class:`GraniteSpeechFeatureExtractor`)
    of the clips padded with ``padding_value``, cut or extended to an even
    number of frames (``2 ceil((P // hop_length) / 2)`` for P padded samples,
    with a zero sample after them when the last frame needs it), ``log10``,
    the floor ``logmel_floor_db`` below each row's maximum over those frames,
    ``x / 4 + 1``; then torchaudio's ``compute_deltas`` (window
    ``delta_win_length``, edges replicated) beside each frame's features, and
    frames stacked in pairs. The log mel of the batch in one engine call and
    the deltas in another, without the GIL.

    Parameters
    ----------
    num_mel_bins : int, default 80
        Mel bands (``feature_size`` is 4 times that, as there).
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    n_fft, win_length, hop_length : int, default 512, 400, 160
        FFT size, window length and hop.
    delta_win_length : int, default 3
        The deltas' window (odd, >= 3).
    logmel_floor_db : float, default 8.0
        The floor's distance below each row's maximum, in log10 units.
    padding_value : float, default 0.0
        The value padding samples take.
    **kwargs
        ``padding_side``, ``return_attention_mask``, ``num_threads``
        (fastmel's; -1: all cores), and any other key of a
        ``preprocessor_config.json``, kept as an attribute (``feature_size``
        is computed again, as there).

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (as
    the reference), NumPy arrays otherwise. A list of floats is one clip, and
    a batch shorter than one hop has no frame (the reference fails on both).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.GraniteSpeech5FeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.attention_mask.sum(axis=1).tolist()
    ((2, 50, 320), [50, 25])
    """

    model_input_names = ["input_features", "attention_mask"]
    delta_expansion = 2
    frame_stacking = 2
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "num_mel_bins",
        "n_fft",
        "win_length",
        "hop_length",
        "delta_win_length",
        "logmel_floor_db",
    )
    _COMPUTED = ("mel_filters", "feature_size")
    _PLAN_DTYPES = (np.dtype(np.float32),)

    def __init__(
        self,
        num_mel_bins: int = 80,
        sampling_rate: int = 16000,
        n_fft: int = 512,
        win_length: int = 400,
        hop_length: int = 160,
        delta_win_length: int = 3,
        logmel_floor_db: float = 8.0,
        padding_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        from .._frames import Deltas

        self.num_mel_bins: Final = as_int("num_mel_bins", num_mel_bins)
        self.feature_size: Final = self.num_mel_bins * self.delta_expansion * self.frame_stacking
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = kwargs.pop("return_attention_mask", True)
        self.n_fft: Final = as_int("n_fft", n_fft, maximum=MAX_FFT_LENGTH)
        self.win_length: Final = as_int("win_length", win_length)
        if self.win_length > self.n_fft:
            raise ValueError(f"win_length ({win_length}) must be at most n_fft ({n_fft})")
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.delta_win_length: Final = as_int("delta_win_length", delta_win_length, minimum=3)
        if self.delta_win_length % 2 == 0:
            raise ValueError(f"`delta_win_length` must be odd, got {delta_win_length}")
        self.logmel_floor_db: Final = logmel_floor_db
        floor = as_real("logmel_floor_db", logmel_floor_db, minimum=0.0)
        self._take_options(kwargs)
        self._filters = melscale_fbanks(
            self.n_fft // 2 + 1,
            0.0,
            float(self.sampling_rate // 2),
            self.num_mel_bins,
            self.sampling_rate,
        )
        self._floor = floor
        self._build()
        # the plan that keeps the engine's last frame (an odd count of them)
        object.__setattr__(self, "_keep_last", _engine.make_plan(self._options(0), np.float32))
        deltas = Deltas.from_preset("torchaudio", width=self.delta_win_length, keep="all", axis=-2)
        object.__setattr__(self, "_deltas", deltas)

    _keep_last: Any
    _deltas: Any

    @property
    def mel_filters(self) -> np.ndarray:
        """torchaudio's mel filter bank, ``(n_fft // 2 + 1, num_mel_bins)`` float32."""
        return self._filters.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        options = self._options(1)
        if stream_left is None:
            return options
        return dataclasses.replace(options, framing=options.framing.for_stream(stream_left))

    def _options(self, drop_last: int) -> EngineOptions:
        # Granite's log mel with this floor, dropping the last frame or not.
        framing = Framing.centred(self.n_fft, self.win_length, self.hop_length, drop_last=drop_last)
        return EngineOptions(
            framing=framing,
            condition=Condition(
                window=_windows.window("hann", self.win_length, periodic=True, dtype=np.float32)
            ),
            spectrum=Spectrum.centred(self.n_fft, self.win_length),
            bank=Bank.from_dense(self._filters),
            log=Log(enabled=True, log_scale=0.25, out_offset=1.0, min_power=1e-10),
            floor=Floor(mode="row", range=self._floor / 4.0),
            post=Post(layout="frames_bands"),
        )

    def __call__(
        self,
        raw_speech: Any,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_tensors: str | None = None,
        padding: str | bool = "longest",
        max_length: int | None = None,
        sampling_rate: int | None = None,
        return_attention_mask: bool = True,
        device: str | None = "cpu",
        **kwargs: Any,
    ) -> BatchFeature:
        """Stacked log-mel and delta features of one clip or a batch, with their mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray, list of lists or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D
            array; a clip of ``(samples, channels)`` is averaged over its
            channels, as there.
        truncation : bool, default False
            Cut clips to ``max_length`` samples (when it is given).
        pad_to_multiple_of : int, optional
            Samples: round the padding length up to it.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        padding : {"longest", True, "max_length", False, "do_not_pad"}
            In samples ("do_not_pad": clips of one length only).
        max_length : int, optional
            Samples: the "max_length" length and the truncation length.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        return_attention_mask : bool, default True
            Return ``attention_mask`` (int64, per stacked frame).
        device : str, default "cpu"
            Accepted for compatibility; fastmel computes on the CPU.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames // 2, 4 num_mel_bins)``
            and ``attention_mask`` int64 ``(batch, frames // 2)``.
        """
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = self._clips(raw_speech)
        lengths = [c.size for c in clips]
        if truncation and max_length is not None:
            lengths = [min(n, as_int("max_length", max_length, minimum=0)) for n in lengths]
        if padding in ("max_length",):
            if max_length is None:
                raise ValueError(
                    "When setting ``padding=PaddingStrategy.MAX_LENGTH``, make sure that "
                    "max_length is defined"
                )
            target = as_int("max_length", max_length, minimum=0)
        else:
            if padding not in (True, False, "longest", "do_not_pad"):
                raise ValueError(
                    f"{padding} is not a valid PaddingStrategy, please select one of "
                    "['longest', 'max_length', 'do_not_pad']"
                )
            target = max(lengths)
            if padding in (False, "do_not_pad") and min(lengths) != target:
                raise ValueError(
                    "Cannot build a batch of unequal-length waveforms with `padding=False`; pass "
                    "`padding='longest'`/`padding='max_length'` or feed one clip at a time."
                )
        if pad_to_multiple_of is not None:
            multiple = as_int("pad_to_multiple_of", pad_to_multiple_of)
            target = -(-target // multiple) * multiple
        if max(lengths) > target:
            raise ValueError(
                f"Got a waveform of {max(lengths)} samples, which does not fit the batch length of "
                f"{target} implied by `padding`/`max_length`; pass `truncation=True` or a larger "
                "`max_length`."
            )
        hop = self.hop_length
        frames = self.frame_stacking * -(-(target // hop) // self.frame_stacking)
        needed = max(target, (frames - 1) * hop + 1)  # (a zero sample after, if needed)
        # the engine's 1 + needed // hop frames, the last dropped when that is one too many
        plan = self._keep_last if 1 + needed // hop == frames else self._plans[np.dtype(np.float32)]
        logmel = np.empty(plan.out_shape(len(clips), needed), dtype=np.float32)
        if _plus_zero(self.padding_value) and needed > 0:
            # the clips where they lie, the zeros after each declared (frames
            # of them only skip their FFTs): no padded batch
            rows = [c[:n] for c, n in zip(clips, lengths, strict=True)]
            _engine.run(plan, rows, logmel, threads, floor_group=1, n_samples=needed)
        else:
            batch = np.full((len(clips), needed), self.padding_value, dtype=np.float32)
            batch[:, target:] = 0.0
            for row, clip, n in zip(batch, clips, lengths, strict=True):
                row[:n] = clip[:n]
            _engine.run(plan, batch, logmel, threads, floor_group=1)
        if frames:
            feats = self._deltas(logmel, num_threads=threads).reshape(len(clips), frames // 2, -1)
        else:  # (under one hop of audio: no frame)
            feats = np.zeros((len(clips), 0, self.feature_size), dtype=np.float32)
        out = BatchFeature(input_features=feats)
        if return_attention_mask:
            counts = -(-(np.array(lengths) // hop) // self.frame_stacking)
            out["attention_mask"] = (np.arange(frames // 2)[None, :] < counts[:, None]).astype(
                np.int64
            )
        return _convert(out, return_tensors, torch_default=True)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        """1-D float32 clips: a 2-D array's rows, a list's items (a 2-D item
        ``(samples, channels)`` averaged over its channels), or one clip."""
        if (
            isinstance(raw_speech, (list, tuple))
            and raw_speech
            and not hasattr(raw_speech[0], "__len__")
        ):
            return [np.asarray(raw_speech, dtype=np.float32)]
        items = list(raw_speech) if isinstance(raw_speech, (list, tuple)) else None
        if items is None:
            a = np.asarray(raw_speech)
            items = list(a) if a.ndim > 1 else [a]
        if not items:
            raise ValueError("`raw_speech` is empty")
        clips = []
        for item in items:
            a = np.asarray(item, dtype=np.float32)
            if a.ndim > 1:
                logger.warning(
                    "Only mono-channel audio is supported for input to %s. "
                    "We will take the mean of the channels to convert to mono.",
                    type(self).__name__,
                )
                a = a.mean(-1, dtype=np.float32)
            clips.append(a.reshape(-1))
        return clips
