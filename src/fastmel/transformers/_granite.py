"""Granite Speech's extractor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Floor, Framing, Log, Post, Spectrum
from .._filters import melscale_fbanks
from .._options import MAX_FFT_LENGTH, as_int
from ._base import BatchFeature, _convert, _Extractor, _mono


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
        self.feature_size = sizes["n_mels"] if feature_size is None else feature_size
        self.sampling_rate = as_int("sampling_rate", sampling_rate)
        self.padding_value = padding_value
        self.return_attention_mask = kwargs.pop("return_attention_mask", True)
        self.melspec_kwargs = sizes
        self.projector_window_size = as_int("projector_window_size", projector_window_size)
        self.projector_downsample_rate = as_int(
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
        if len(clips) == 1:
            batch = clips[0][None]
        else:
            batch = np.zeros((len(clips), total), dtype=np.float32)
            for row, clip in zip(batch, clips, strict=True):
                row[: clip.size] = clip
        plan = self._plans[np.dtype(np.float32)]
        feats = np.empty(plan.out_shape(len(clips), total), dtype=np.float32)
        _engine.run(plan, batch, feats, threads, floor_group=1, zero_from=lengths, n_samples=total)
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
