"""CLAP's extractor: 10 s windows of a log mel, fused or cut at random."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from .. import _engine, _windows
from .._engine import Bank, Condition, EngineOptions, Framing, Log, Post, Spectrum
from .._filters import mel_filter_bank
from .._options import MAX_FFT_LENGTH, as_int, as_real
from ._base import BatchFeature, _convert, _Extractor, _speech_clips


def _shrink(mel: np.ndarray, rows: int) -> np.ndarray:
    """``torch.nn.functional.interpolate(mel[None, None], size=[rows,
    mel.shape[1]], mode="bilinear", align_corners=False)[0, 0]`` in float32,
    to the bit as torch's CPU kernel computes it: the columns kept, each row
    between source rows ``low`` and ``low + 1`` at ``src = scale (i + 0.5) -
    0.5`` (at least 0; ``scale = in / out`` in float32; one rounding, a fused
    multiply-add) as ``fma(1 - frac, mel[low], frac * mel[low + 1])``. (The
    float64 forms below are exact products, then one rounding to float32.)"""
    m = np.asarray(mel, dtype=np.float32)
    n_in = m.shape[0]
    scale = np.float64(np.float32(n_in) / np.float32(rows))
    src = (scale * (np.arange(rows) + 0.5) - 0.5).astype(np.float32)
    src = np.maximum(src, np.float32(0.0))
    low = src.astype(np.int64)
    high = np.minimum(low + 1, n_in - 1)
    frac = (src - low.astype(np.float32))[:, None]
    far = (frac * m[high]).astype(np.float64)
    return ((np.float32(1) - frac).astype(np.float64) * m[low] + far).astype(np.float32)


class ClapFeatureExtractor(_Extractor):
    """CLAP's input, as ``transformers.ClapFeatureExtractor``.

    Per clip, a log mel in dB (``10 log10(max(mel, 1e-10))``; a periodic Hann
    window of ``fft_window_size``, reflection-centred frames every
    ``hop_length``, the power; HTK bands for ``truncation="fusion"``, Slaney
    ones otherwise), computed in double as the reference's NumPy code, on:
    a clip longer than ``max_length_s`` seconds in full (fusion: its mel
    shrunk to the window's frames, bilinearly as torch does, beside three
    random crops of it) or cut at a random start (``"rand_trunc"``); a
    shorter one repeated (``"repeatpad"``: whole times, then zeros;
    ``"repeat"``: cut to the length) or zero-padded. The random draws come
    from NumPy's global generator in the reference's order, so that with the
    same seed the outputs are the same. The clips of one length go to the
    engine in one call, without the GIL.

    Parameters
    ----------
    feature_size : int, default 64
        Mel bands.
    sampling_rate : int, default 48000
        The rate the audio must have, Hz.
    hop_length : int, default 480
        Hop.
    max_length_s : int, default 10
        Seconds: the window.
    fft_window_size : int, default 1024
        FFT size and window length.
    padding_value : float, default 0.0
        Kept for the configuration (clips are padded with zeros, as there).
    return_attention_mask : bool, default False
        Kept for the configuration.
    frequency_min, frequency_max : float, default 0, 14000
        The bands' range, Hz.
    top_db : float, optional
        Kept for the configuration (the reference never applies it).
    truncation : {"fusion", "rand_trunc"}, default "fusion"
        Long clips' treatment.
    padding : {"repeatpad", "repeat", "pad"}, default "repeatpad"
        Short clips' treatment (anything else: "pad", as there).
    **kwargs
        ``padding_side``, ``num_threads`` (fastmel's; -1: all cores), and any
        other key of a ``preprocessor_config.json``, kept as an attribute.

    Notes
    -----
    With ``return_tensors=None`` the results are lists, as there. With
    ``feature_size`` other than 64 fastmel shrinks a long clip's mel to that
    many bands (the reference's hard-coded 64 fails).

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> fe = ft.ClapFeatureExtractor()
    >>> np.random.seed(0)
    >>> out = fe([np.zeros(48000), np.ones(24000)], sampling_rate=48000, return_tensors="np")
    >>> out.input_features.shape, out.is_longer.ravel().tolist()
    ((2, 4, 1001, 64), [True, False])
    """

    model_input_names = ["input_features", "is_longer"]
    _KEYS = (
        "feature_size",
        "sampling_rate",
        "padding_value",
        "padding_side",
        "return_attention_mask",
        "top_db",
        "truncation",
        "padding",
        "fft_window_size",
        "nb_frequency_bins",
        "hop_length",
        "max_length_s",
        "nb_max_samples",
        "frequency_min",
        "frequency_max",
    )
    _COMPUTED = ("mel_filters", "mel_filters_slaney", "nb_frequency_bins", "nb_max_samples")
    _PLAN_DTYPES = (np.dtype(np.float64),)  # the reference's NumPy code is float64

    def __init__(
        self,
        feature_size: int = 64,
        sampling_rate: int = 48_000,
        hop_length: int = 480,
        max_length_s: int = 10,
        fft_window_size: int = 1024,
        padding_value: float = 0.0,
        return_attention_mask: bool = False,
        frequency_min: float = 0,
        frequency_max: float = 14_000,
        top_db: int | None = None,
        truncation: str = "fusion",
        padding: str = "repeatpad",
        **kwargs: Any,
    ) -> None:
        self.feature_size: Final = as_int("feature_size", feature_size)
        self.sampling_rate: Final = as_int("sampling_rate", sampling_rate)
        self.padding_value: Final = padding_value
        self.return_attention_mask: Final = return_attention_mask
        self.top_db: Final = top_db
        self.truncation: Final = truncation
        self.padding: Final = padding
        self.fft_window_size: Final = as_int(
            "fft_window_size", fft_window_size, maximum=MAX_FFT_LENGTH
        )
        self.nb_frequency_bins: Final = (self.fft_window_size >> 1) + 1
        self.hop_length: Final = as_int("hop_length", hop_length)
        self.max_length_s: Final = max_length_s
        self.nb_max_samples: Final = max_length_s * self.sampling_rate
        self.frequency_min: Final = frequency_min
        self.frequency_max: Final = frequency_max
        self._take_options(kwargs)
        low = as_real("frequency_min", frequency_min)
        high = as_real("frequency_max", frequency_max)
        bands = (self.nb_frequency_bins, self.feature_size, low, high, self.sampling_rate)
        self._htk = mel_filter_bank(*bands, None, "htk")
        self._slaney = mel_filter_bank(*bands, "slaney", "slaney")
        self._build()
        object.__setattr__(
            self, "_slaney_plan", _engine.make_plan(self._options(self._slaney), np.float64)
        )

    _slaney_plan: Any

    @property
    def mel_filters(self) -> np.ndarray:
        """The HTK bank (fusion), ``(nb_frequency_bins, feature_size)`` float64."""
        return self._htk.copy()

    @property
    def mel_filters_slaney(self) -> np.ndarray:
        """The Slaney bank, ``(nb_frequency_bins, feature_size)`` float64."""
        return self._slaney.copy()

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        options = self._options(self._htk)
        if stream_left is None:
            return options
        return EngineOptions(
            **{**options.__dict__, "framing": options.framing.for_stream(stream_left)}
        )

    def _options(self, bank: np.ndarray) -> EngineOptions:
        # A centred STFT with reflection, the power, 10 log10(max(mel, 1e-10)).
        n = self.fft_window_size
        return EngineOptions(
            framing=Framing.centred(n, n, self.hop_length),
            condition=Condition(window=_windows.window("hann", n, periodic=True)),
            spectrum=Spectrum(fft_length=n),
            bank=Bank.from_dense(bank),
            log=Log(enabled=True, log_scale=10.0, min_power=1e-10),
            post=Post(layout="frames_bands"),
        )

    def __call__(
        self,
        raw_speech: Any,
        truncation: str | None = None,
        padding: bool | str | None = None,
        max_length: int | None = None,
        sampling_rate: int | None = None,
        return_tensors: str | None = None,
        **kwargs: Any,
    ) -> BatchFeature:
        """Log mel windows of one clip or a batch, and which clips were longer.

        Parameters
        ----------
        raw_speech : np.ndarray, list of float, list of np.ndarray or list of lists
            One clip, or a batch (a list of clips or a 2-D array).
        truncation : {"fusion", "rand_trunc"}, optional
            Default: the extractor's.
        padding : {"repeatpad", "repeat", "pad"}, optional
            Default (and for True): the extractor's.
        max_length : int, optional
            Samples; None or 0: ``max_length_s`` seconds.
        sampling_rate : int, optional
            The clips' rate: ValueError if it differs; None logs a warning.
        return_tensors : {None, "np", "pt"}
            None: lists, as the reference; "np": NumPy arrays; "pt": torch
            tensors.
        **kwargs
            ``num_threads`` (fastmel's: this call's threads); any other is
            ignored.

        Returns
        -------
        BatchFeature
            ``input_features`` float32 ``(4 or 1, frames, feature_size)`` per
            clip and ``is_longer``, a ``[bool]`` per clip.
        """
        truncation = self.truncation if truncation is None else truncation
        if padding is True or padding is None:
            padding = self.padding
        self._check_rate(sampling_rate, by_name=True)
        threads = self._call_threads(kwargs.pop("num_threads", None))
        clips = _speech_clips(raw_speech, self)  # float32, widened as the core reads them
        limit = max_length or self.nb_max_samples
        chunk = limit // self.hop_length + 1
        # The waveforms to compute (and how, and their length: zeros after the
        # samples held are not stored), drawing NumPy's generator clip by clip.
        jobs: list[tuple[np.ndarray, str, int]] = []
        longer = []
        for wave in clips:
            if wave.shape[0] > limit:
                if truncation == "rand_trunc":
                    start = np.random.randint(0, len(wave) - limit + 1)  # noqa: NPY002
                    jobs.append((wave[start : start + limit], "slaney", limit))
                elif truncation == "fusion":
                    jobs.append((wave, "fusion", wave.shape[0]))
                else:
                    raise NotImplementedError(f"data_truncating {truncation} not implemented")
                longer.append(True)
                continue
            if wave.shape[0] < limit:
                if padding == "repeat":
                    wave = np.tile(wave, int(limit / len(wave)) + 1)[:limit]
                if padding == "repeatpad":
                    wave = np.tile(wave, int(limit / len(wave)))
                # (then zeros up to limit, not stored)
            jobs.append((wave, "htk" if truncation == "fusion" else "slaney", limit))
            longer.append(False)
        mels = self._mels(jobs, threads)
        # Every clip's windows have one shape, (4 or 1, chunk, bands): written
        # straight into the batch's array, which "np" and "pt" return as it
        # is (None: a list of its clips, as the reference).
        planes = 4 if truncation == "fusion" else 1
        features = np.empty((len(jobs), planes, chunk, self.feature_size), dtype=np.float32)
        for i, ((_, kind, _), mel) in enumerate(zip(jobs, mels, strict=True)):
            if kind == "fusion" and mel.shape[0] != chunk:
                self._fusion(mel, chunk, features[i])
            else:
                features[i] = mel  # (the same window in every plane)
                if kind == "fusion":
                    longer[i] = False
        if truncation == "fusion" and not any(longer):
            longer[np.random.randint(0, len(features))] = True  # noqa: NPY002
        out = BatchFeature(
            input_features=list(features) if return_tensors is None else features,
            is_longer=[[flag] for flag in longer],
        )
        return _convert(out, return_tensors)

    def _mels(self, jobs: list[tuple[np.ndarray, str, int]], threads: int) -> list[np.ndarray]:
        """The float32 log mel ``(frames, bands)`` of each waveform, zeros after
        its samples up to its length (those of one bank in one engine call,
        each with its own length, read where it lies)."""
        out: list[Any] = [None] * len(jobs)
        groups: dict[bool, list[int]] = {}
        for i, (_, kind, _) in enumerate(jobs):
            groups.setdefault(kind == "slaney", []).append(i)
        for slaney, members in groups.items():
            plan = self._slaney_plan if slaney else self._plans[np.dtype(np.float64)]
            rows = [jobs[i][0] for i in members]
            sizes = [jobs[i][2] for i in members]
            longest = max(sizes)
            mel = np.empty(plan.out_shape(len(members), longest), dtype=np.float64)
            lengths = None if min(sizes) == longest else np.array(sizes, dtype=np.int64)
            _engine.run(plan, rows, mel, threads, lengths=lengths, n_samples=longest)
            for i, m, n in zip(members, mel, sizes, strict=True):
                out[i] = m[: plan.num_frames(n)].astype(np.float32)
        return out

    def _fusion(self, mel: np.ndarray, chunk: int, out: np.ndarray) -> None:
        """The shrunk mel and three random crops (front, middle, back), drawn
        as the reference draws them, into ``out`` ``(4, chunk, bands)``."""
        ranges = np.array_split(np.arange(mel.shape[0] - chunk + 1), 3)
        if len(ranges[1]) == 0:
            ranges[1] = np.array([0])
        if len(ranges[2]) == 0:
            ranges[2] = np.array([0])
        starts = [np.random.choice(r) for r in ranges]  # noqa: NPY002
        out[0] = _shrink(mel, chunk)
        for plane, s in zip(out[1:], starts, strict=True):
            plane[...] = mel[s : s + chunk]
