"""Fun-ASR-Nano's extractor: Kaldi filter banks at a low frame rate."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine
from .._engine import EngineOptions
from .._options import as_int, as_real
from ._base import (
    BatchFeature,
    _batch_of,
    _convert,
    _Extractor,
    _pad_frames,
    _padded_lengths,
)


class FunAsrNanoFeatureExtractor(_Extractor):
    """Fun-ASR-Nano's input, as ``transformers.FunAsrNanoFeatureExtractor``.

    Kaldi filter banks of each clip (``torchaudio.compliance.kaldi.fbank``
    with ``frame_length`` / ``frame_shift`` ms frames, a ``window`` window,
    on the samples as given: no int16 scaling), at FunASR's low frame rate:
    ``num_frames_lfr`` frames every ``stride_lfr`` stacked side by side, the
    first frame repeated before the clip and the last after it (fastmel's
    :class:`fastmel.StackFrames`), then padded per stacked frame. The filter
    banks of the batch in one engine call and the stacking in another,
    without the GIL.

    Parameters
    ----------
    feature_size : int, default 80
        Mel bands.
    sampling_rate : int, default 16000
        The rate the audio must have, Hz.
    frame_length, frame_shift : float, default 25, 10
        Milliseconds.
    num_frames_lfr, stride_lfr : int, default 7, 6
        Frames per stacked frame, and between stacked frames.
    window : str, default "hamming"
        Kaldi's window type.
    padding_value : float, default 0.0
        What padding stacked frames hold.
    return_attention_mask : bool, default True
        The default of the call's ``return_attention_mask``.
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    ``return_tensors=None`` gives torch tensors when torch is importable (the
    reference's default is "pt"), NumPy arrays otherwise (object arrays of
    the clips' own arrays for an unpadded batch of different lengths).
    Where the reference fails, fastmel computes: a clip shorter than a frame
    has no frame; a 2-D array is a batch of clips. A window other than
    Hamming stays in the configuration (the reference's loses it).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.FunAsrNanoFeatureExtractor()
    >>> out = fe([np.zeros(16000), np.ones(8000)], sampling_rate=16000, return_tensors="np")
    >>> out.input_features.shape, out.input_features_mask.sum(axis=1).tolist()
    ((2, 17, 560), [17, 8])
    """

    model_input_names = ["input_features", "input_features_mask"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "frame_length",
        "frame_shift",
        "num_frames_lfr",
        "stride_lfr",
    )
    _PLAN_DTYPES = (np.dtype(np.float32),)  # torchaudio's fbank computes in float32

    def __init__(
        self,
        feature_size: int = 80,
        sampling_rate: int = 16000,
        frame_length: int = 25,
        frame_shift: int = 10,
        num_frames_lfr: int = 7,
        stride_lfr: int = 6,
        window: str = "hamming",
        padding_value: float = 0.0,
        return_attention_mask: bool = True,
        **kwargs: Any,
    ) -> None:
        from .._frames import StackFrames
        from ..kaldi import Fbank

        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.frame_length: Final = frame_length
        self.frame_shift: Final = frame_shift
        self.num_frames_lfr: Final = as_int("num_frames_lfr", num_frames_lfr)
        self.stride_lfr: Final = as_int("stride_lfr", stride_lfr)
        self.window: Final = window
        self._take_options(kwargs)
        self._fbank = Fbank(
            num_mel_bins=self.feature_size,
            frame_length=as_real("frame_length", frame_length, minimum=0.0),
            frame_shift=as_real("frame_shift", frame_shift, minimum=0.0),
            sample_frequency=float(self.sampling_rate),
            window_type=window,
        )
        stack = StackFrames(size=self.num_frames_lfr, step=self.stride_lfr, axis=-2)
        object.__setattr__(self, "_stack", stack)
        self._build()

    _stack: Any

    def to_dict(self) -> dict[str, Any]:
        config = super().to_dict()
        if self.window != "hamming":  # (not lost, unlike the reference's)
            kind = config.pop("feature_extractor_type")
            config["window"] = self.window
            config["feature_extractor_type"] = kind
        return config

    to_dict.__doc__ = _Extractor.to_dict.__doc__

    def _argument_names(self) -> set[str]:
        return super()._argument_names() | {"window"}

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        return dict(self.get_config(), window=self.window, **changes)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # torchaudio's fbank with these frames and window (no int16 scaling).
        return self._fbank.engine_options(dtype, stream_left=stream_left)

    def num_frames(self, n_samples: int) -> int:
        # A clip's filter-bank frames, before the stacking.
        return self._fbank.num_frames(n_samples)

    def __call__(
        self,
        raw_speech: Any,
        sampling_rate: int | None = None,
        return_tensors: str | None = None,
        padding: bool | str = True,
        max_length: int | None = None,
        truncation: bool = False,
        pad_to_multiple_of: int | None = None,
        return_attention_mask: bool | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Stacked filter banks of one clip or a batch, with their mask.

        Parameters
        ----------
        raw_speech : np.ndarray, list of np.ndarray or list of float
            One clip ``(samples,)``, or a batch: a list of clips or a 2-D array.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs.
        return_tensors : {None, "np", "pt"}
            None: torch tensors when torch is importable, else NumPy; "np":
            NumPy arrays; "pt": torch tensors.
        padding : {True, "longest", "max_length", False, "do_not_pad"}
            In stacked frames.
        max_length : int, optional
            Stacked frames: the "max_length" length and the truncation length.
        truncation : bool, default False
            Cut to ``max_length``.
        pad_to_multiple_of : int, optional
            Round the padding (and truncation) length up to a multiple of this.
        return_attention_mask : bool, optional
            Return ``input_features_mask`` (default: the extractor's).
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(batch, frames, feature_size *
            num_frames_lfr)`` and ``input_features_mask`` int32.
        """
        if sampling_rate is not None and sampling_rate != self.sampling_rate:
            raise ValueError(
                f"Expected sampling rate {self.sampling_rate}, got {sampling_rate}. "
                f"Please resample your audio to {self.sampling_rate} Hz."
            )
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = self._clips(raw_speech)
        lengths = np.array([c.size for c in clips], dtype=np.int64)
        longest = max(int(lengths.max()), 1)
        plan = self._plans[np.dtype(np.float32)]
        feats = np.empty(plan.out_shape(len(clips), longest), dtype=np.float32)
        # the clips as they are (no padded copy): each row's own length
        _engine.run(plan, clips, feats, threads, lengths=lengths, n_samples=longest)
        own = np.array([self.num_frames(int(n)) for n in lengths], dtype=np.int64)
        stacked, counts = self._stack(feats, lengths=own, num_threads=threads)
        cut, target = _padded_lengths(
            [int(c) for c in counts], padding, max_length, truncation, pad_to_multiple_of
        )
        mask_flag = (
            self.return_attention_mask if return_attention_mask is None else return_attention_mask
        )
        if (
            target == stacked.shape[1]
            and self.padding_side == "right"
            and self.padding_value == 0.0
            and cut == [int(c) for c in counts]
        ):
            # the stage's output is the padded batch already (its later frames 0)
            out = BatchFeature(input_features=stacked)
            if mask_flag:
                frames = np.arange(stacked.shape[1])[None, :] < counts[:, None]
                out["input_features_mask"] = frames.astype(np.int32)
        else:
            values, masks = _pad_frames(
                [s[:n] for s, n in zip(stacked, cut, strict=True)],
                cut,
                target,
                self.padding_value,
                self.padding_side,
            )
            out = BatchFeature(input_features=_batch_of(values))
            if mask_flag:
                out["input_features_mask"] = _batch_of(masks)
        ragged = out["input_features"].dtype == object
        return _convert(out, return_tensors, torch_default=not ragged)

    def _clips(self, raw_speech: Any) -> list[np.ndarray]:
        """1-D float32 clips: a 1-D array or list of floats (one clip), a 2-D
        array's rows, or a list of clips."""
        if isinstance(raw_speech, (list, tuple)):
            if not raw_speech:
                raise ValueError("`raw_speech` is empty")
            items = [raw_speech] if np.ndim(raw_speech[0]) == 0 else list(raw_speech)
        else:
            a = np.asarray(raw_speech)
            items = list(a) if a.ndim == 2 else [a]
        clips = []
        for i, item in enumerate(items):
            a = np.asarray(item, dtype=np.float32)
            if a.ndim != 1:
                raise ValueError(f"clip {i} has shape {a.shape}: mono clips (samples,) only")
            clips.append(a)
        return clips
