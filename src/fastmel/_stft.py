"""``StftFrontEnd``: a spectrogram as torch.stft and librosa.stft frame it, an
optional filter bank, log and DCT, as one engine plan per dtype.

It is the one front end behind ``fastmel.torchaudio`` (torchaudio's
``spectrogram``, ``melscale_fbanks`` / ``linear_fbanks``, ``amplitude_to_DB``
and ``create_dct``) and ``fastmel.librosa`` (``stft``, ``filters.mel``,
``power_to_db`` and scipy's DCTs): the options name the reference's
conventions, the mapping to the engine's stages is written once.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from . import _engine
from ._engine import Bank, EngineOptions, Floor, Framing, Log, Post, Spectrum
from ._filters import librosa_mel_bank, linear_fbanks, melscale_fbanks, sparse_bands
from ._frontend import FrontEnd
from ._options import MAX_FFT_LENGTH, as_int, as_real, as_signal, choice, floor_group

__all__ = ["StftFrontEnd", "create_dct_matrix", "dct_matrix"]

# What frames read past the ends when centred: the engine's own modes, and
# np.pad modes (torch's names "replicate" and "circular" among them) applied to
# a copy of the signal first.
ENGINE_PAD_MODES = ("reflect", "constant", "symmetric")
NUMPY_PAD_MODES = {"replicate": "edge", "circular": "wrap", "edge": "edge", "wrap": "wrap",
                   "linear_ramp": "linear_ramp"}  # fmt: skip
PAD_MODES = ENGINE_PAD_MODES + tuple(NUMPY_PAD_MODES)
FILTERS = ("none", "torchaudio_mel", "torchaudio_linear", "librosa_mel")


def create_dct_matrix(n_mfcc: int, n_mels: int, norm: str | None) -> np.ndarray:
    """``torchaudio.functional.create_dct(n_mfcc, n_mels, norm)`` as NumPy
    float32 ``(n_mels, n_mfcc)``, with torch's float32 operations in its
    order: ``cos(float32(pi / n_mels) * (n + 0.5) * k)``, then times 2
    (``norm=None``) or row 0 times ``1 / sqrt(2)`` and all times
    ``sqrt(2 / n_mels)`` (``"ortho"``)."""
    if norm is not None and norm != "ortho":
        raise ValueError('norm must be either "ortho" or None')
    n_mfcc = as_int("n_mfcc", n_mfcc, minimum=0)
    n_mels = as_int("n_mels", n_mels)
    f = np.float32
    n = np.arange(n_mels, dtype=f)
    k = np.arange(n_mfcc, dtype=f)[:, None]
    dct = np.cos(f(math.pi / float(n_mels)) * (n + f(0.5)) * k)
    if norm is None:
        dct *= f(2.0)
    else:
        if n_mfcc:
            dct[0] *= f(1.0 / math.sqrt(2.0))
        dct *= f(math.sqrt(2.0 / float(n_mels)))
    return np.ascontiguousarray(dct.T)


def dct_matrix(dct_type: int, n: int, norm: str | None) -> np.ndarray:
    """The ``(n, n)`` matrix of ``scipy.fftpack.dct(x, type=dct_type, norm=norm)``
    along a vector of ``n`` (float64): types 1 to 4, unnormalised (``norm=None``,
    scipy's sums with their factors of 2) or orthonormal (``"ortho"``)."""
    if norm is not None and norm != "ortho":
        raise ValueError(f"`norm` must be 'ortho' or None, got {norm!r}")
    k = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    if dct_type == 1:
        if n < 2:
            raise ValueError("the DCT-I needs at least 2 values")
        m = 2.0 * np.cos(np.pi * k * j / (n - 1))
        m[:, 0] = 1.0
        m[:, -1] = (-1.0) ** np.arange(n)
        if norm == "ortho":
            m[:, 0] *= math.sqrt(2.0)
            m[:, -1] *= math.sqrt(2.0)
            m[0] /= math.sqrt(2.0)
            m[-1] /= math.sqrt(2.0)
            m *= math.sqrt(1.0 / (2.0 * (n - 1)))
    elif dct_type == 2:
        m = 2.0 * np.cos(np.pi * k * (2 * j + 1) / (2.0 * n))
        if norm == "ortho":
            m *= math.sqrt(1.0 / (2.0 * n))
            m[0] /= math.sqrt(2.0)
    elif dct_type == 3:
        m = 2.0 * np.cos(np.pi * j * (2 * k + 1) / (2.0 * n))
        m[:, 0] = 1.0
        if norm == "ortho":
            m *= math.sqrt(1.0 / (2.0 * n))
            m[:, 0] *= math.sqrt(2.0)
    elif dct_type == 4:
        m = 2.0 * np.cos(np.pi * (2 * k + 1) * (2 * j + 1) / (4.0 * n))
        if norm == "ortho":
            m *= math.sqrt(1.0 / (2.0 * n))
    else:
        raise ValueError(f"`dct_type` must be 1, 2, 3 or 4, got {dct_type!r}")
    return m


@functools.lru_cache(maxsize=32)
def _dense_bank(
    filters: str, n_fft: int, n_filters: int, sample_rate: float, f_min: float,
    f_max: float | None, norm: Any, mel_scale: str, bank_dtype: str,
) -> np.ndarray:  # fmt: skip
    """A front end's bank, built once per set of options (read-only)."""
    n_freqs = n_fft // 2 + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if filters == "librosa_mel":
            bank = librosa_mel_bank(
                sample_rate, n_fft, n_filters, f_min, f_max, mel_scale == "htk", norm, bank_dtype
            ).T
        else:
            high = float(sample_rate // 2) if f_max is None else f_max
            if filters == "torchaudio_mel":
                bank = melscale_fbanks(
                    n_freqs, f_min, high, n_filters, sample_rate,
                    None if norm is None else str(norm), mel_scale,
                )  # fmt: skip
            else:
                bank = linear_fbanks(n_freqs, f_min, high, n_filters, sample_rate)
    bank = np.ascontiguousarray(bank)
    bank.flags.writeable = False
    return bank


class StftFrontEnd(FrontEnd):
    """A spectrogram, a filter bank, a log and a DCT as torchaudio and librosa compute them.

    Parameters
    ----------
    n_fft, win_length, hop_length, pad, power, normalized, center, pad_mode, onesided
        ``torchaudio.functional.spectrogram``'s (``power`` a number: the
        complex STFT is not computed; ``onesided=False`` only without a bank;
        ``pad_mode`` also one of np.pad's, as librosa's stft takes them).
    window : array_like [shape=(win_length,)]
        The window's values.
    filters : {"none", "torchaudio_mel", "torchaudio_linear", "librosa_mel"}
        No bank (every bin), torchaudio's ``melscale_fbanks`` or
        ``linear_fbanks``, or librosa's ``filters.mel``.
    n_filters, sample_rate, f_min, f_max, norm, mel_scale, bank_dtype
        The bank's (``f_max`` None: torchaudio's ``sample_rate // 2``,
        librosa's ``sample_rate / 2``; ``norm`` also a number for librosa;
        ``bank_dtype`` the dtype librosa rounds its bank to).
    log : {"none", "db", "ln"}
        None; ``10 log10(max(x, 1e-10))`` (``AmplitudeToDB("power")``,
        ``librosa.power_to_db``) floored ``top_db`` below the maximum taken over
        each item's channels (``floor_scope="channels"``, torchaudio) or the
        whole input (``"batch"``, librosa); ``log(x + 1e-6)``.
    top_db : float or None
        The floor of ``log="db"``.
    dct : {"none", "torchaudio", "scipy"}
        No DCT; torchaudio's float32 ``create_dct`` (type 2); scipy's DCT of
        ``dct_type`` (librosa's ``mfcc``), then ``lifter``.
    n_coeffs, dct_type, dct_norm, lifter
        The coefficients kept (at most ``n_filters``), the DCT's type and
        norm, librosa's lifter.
    num_threads : int or None
        As everywhere in fastmel.
    """

    _DEFAULTS = dict(
        n_fft=400,
        win_length=None,
        hop_length=None,
        pad=0,
        window=None,
        power=2.0,
        normalized=False,
        center=True,
        pad_mode="reflect",
        onesided=True,
        filters="none",
        n_filters=128,
        sample_rate=16000,
        f_min=0.0,
        f_max=None,
        norm=None,
        mel_scale="htk",
        bank_dtype="float32",
        log="none",
        top_db=None,
        floor_scope="channels",
        dct="none",
        n_coeffs=0,
        dct_type=2,
        dct_norm="ortho",
        lifter=0.0,
        num_threads=None,
    )

    def __init__(self, **options: Any) -> None:
        unknown = set(options) - set(self._DEFAULTS)
        if unknown:
            raise TypeError(f"unknown StftFrontEnd arguments: {sorted(unknown)}")
        o = dict(self._DEFAULTS, **options)
        self.n_fft = as_int("n_fft", o["n_fft"], maximum=MAX_FFT_LENGTH)
        self.win_length = as_int(
            "win_length", self.n_fft if o["win_length"] is None else o["win_length"]
        )
        if self.win_length > self.n_fft:
            raise ValueError(
                f"`win_length` ({self.win_length}) must be at most `n_fft` ({self.n_fft})"
            )
        self.hop_length = as_int(
            "hop_length", self.win_length // 2 if o["hop_length"] is None else o["hop_length"]
        )
        self.pad = as_int("pad", o["pad"], minimum=0)
        if o["window"] is None:
            raise TypeError("`window` is required (the window's values)")
        values = np.array(o["window"], dtype=np.float64).reshape(-1)
        if values.shape != (self.win_length,):
            raise ValueError(
                f"the window has {values.size} values; `win_length` is {self.win_length}"
            )
        if not np.all(np.isfinite(values)):
            raise ValueError("the window has values that are not finite")
        values.flags.writeable = False
        self.window = values
        if o["power"] is None:
            raise ValueError(
                "`power=None` (the complex STFT) is not computed by fastmel: it computes "
                "real spectrograms; pass power=1.0 (magnitude) or 2.0 (power)"
            )
        self.power = as_real("power", o["power"], minimum=0, strict=True)
        normalized = o["normalized"]
        if isinstance(normalized, str):
            if normalized not in ("window", "frame_length"):
                raise ValueError(f"Invalid normalized parameter: {normalized}")
        elif not isinstance(normalized, (bool, np.bool_)):
            raise TypeError(f"`normalized` must be a bool or a str, got {normalized!r}")
        self.normalized = normalized if isinstance(normalized, str) else bool(normalized)
        self.center = bool(o["center"])
        self.pad_mode = choice("pad_mode", o["pad_mode"], PAD_MODES)
        self.onesided = bool(o["onesided"])
        self.filters = choice("filters", o["filters"], FILTERS)
        if not self.onesided and self.filters != "none":
            raise ValueError("`onesided=False` is for spectrograms without a filter bank")
        self.n_filters = as_int("n_filters", o["n_filters"])
        self.sample_rate = as_real("sample_rate", o["sample_rate"], minimum=0, strict=True)
        self.f_min = as_real("f_min", o["f_min"])
        self.f_max = None if o["f_max"] is None else as_real("f_max", o["f_max"])
        norm = o["norm"]
        self.norm: str | float | None
        if self.filters == "librosa_mel" and not isinstance(norm, str) and norm is not None:
            self.norm = as_real("norm", norm) if np.isfinite(norm) else float(norm)
        else:
            self.norm = choice("norm", norm, (None, "slaney"))
        self.mel_scale = choice("mel_scale", o["mel_scale"], ("htk", "slaney"))
        self.bank_dtype = np.dtype(o["bank_dtype"]).name
        self.log = choice("log", o["log"], ("none", "db", "ln"))
        self.top_db = None if o["top_db"] is None else as_real("top_db", o["top_db"], minimum=0)
        self.floor_scope = choice("floor_scope", o["floor_scope"], ("channels", "batch"))
        self.dct = choice("dct", o["dct"], ("none", "torchaudio", "scipy"))
        self.n_coeffs = as_int("n_coeffs", o["n_coeffs"], minimum=0)
        self.dct_type = as_int("dct_type", o["dct_type"])
        self.dct_norm = choice("dct_norm", o["dct_norm"], (None, "ortho"))
        self.lifter = as_real("lifter", o["lifter"], minimum=0)
        if self.dct == "scipy" and self.n_coeffs > self.n_filters:
            raise ValueError(
                f"`n_coeffs` ({self.n_coeffs}) cannot be more than the bands ({self.n_filters})"
            )
        self._set_threads(o["num_threads"])
        self._build()

    # -- the mapping to the engine ---------------------------------------------------

    def _scale(self, dt: np.dtype) -> float:
        """The factor on |X| of ``normalized``: 1 / sqrt(sum(w**2)) of the window
        in the compute dtype ("window"; torchaudio's buffer is float32, float64
        after ``.double()``), or n_fft ** -0.5 (torch.stft's)."""
        if self.normalized == "frame_length":
            return 1.0 / math.sqrt(self.n_fft)
        if self.normalized in (True, "window"):
            w = self.window.astype(dt)
            norm = float(np.sqrt(np.sum(w * w, dtype=dt)))
            if norm == 0:
                raise ValueError(
                    f"normalized={self.normalized!r} divides by the window's L2 norm, and this "
                    "window is all zeros"
                )
            return 1.0 / norm
        return 1.0

    def filter_bank(self) -> np.ndarray:
        """The dense ``(n_fft // 2 + 1, n_filters)`` bank, as the reference builds it
        (without the builders' warnings: the drop-ins give their reference's, once)."""
        if self.filters == "none":
            raise ValueError("this front end has no filter bank")
        return _dense_bank(
            self.filters, self.n_fft, self.n_filters, self.sample_rate, self.f_min, self.f_max,
            self.norm, self.mel_scale, self.bank_dtype,
        ).copy()  # fmt: skip

    def _bank(self, dt: np.dtype) -> Bank:
        n_freqs = self.n_fft // 2 + 1
        gain = self._scale(dt) ** self.power
        if self.filters == "none":
            return Bank(
                first=np.arange(n_freqs, dtype=np.uintp),
                length=np.ones(n_freqs, dtype=np.uintp),
                weights=np.full(n_freqs, gain),
            )
        first, length, weights = sparse_bands(self.filter_bank())
        return Bank(first=first, length=length, weights=weights.astype(np.float64) * gain)

    def dct_matrix(self) -> np.ndarray | None:
        """The ``(n_coeffs, n_filters)`` matrix the bands go through, or None."""
        if self.dct == "none":
            return None
        if self.dct == "torchaudio":
            return create_dct_matrix(self.n_coeffs, self.n_filters, self.dct_norm).T
        m = dct_matrix(self.dct_type, self.n_filters, self.dct_norm)[: self.n_coeffs]
        if self.lifter > 0:
            lift = np.sin(np.pi * np.arange(1, 1 + self.n_coeffs) / self.lifter)
            m = m * (1.0 + (self.lifter / 2.0) * lift)[:, None]
        return m

    @property
    def num_features(self) -> int:
        """Features per frame."""
        if self.dct != "none":
            return self.n_coeffs
        return self.n_fft // 2 + 1 if self.filters == "none" else self.n_filters

    def _engine_pads(self) -> bool:
        """Whether the engine pads (else a padded copy of the signal is made)."""
        return self.pad == 0 and (not self.center or self.pad_mode in ENGINE_PAD_MODES)

    def engine_options(self, dtype: DTypeLike, *, stream_left: int | None = None) -> EngineOptions:
        if stream_left is not None:
            raise ValueError("torchaudio's and librosa's spectrograms do not stream here")
        engine_pads = self._engine_pads()
        mode = self.pad_mode if self.pad_mode in ENGINE_PAD_MODES else "constant"
        framing = Framing.centred(
            self.n_fft,
            self.win_length,
            self.hop_length,
            center=self.center and engine_pads,
            pad_mode=mode,  # type: ignore[arg-type]
        )
        log, floor = Log(), Floor()
        if self.log == "db":
            log = Log(enabled=True, log_scale=10.0, min_power=1e-10, ref_power=1.0)
            if self.top_db is not None:
                floor = Floor(mode="row" if self.floor_scope == "channels" else "batch",
                              range=self.top_db)  # fmt: skip
        elif self.log == "ln":
            # (a floor that never binds, above float32's smallest normal: the fast log)
            log = Log(enabled=True, log_scale=math.log(10.0), log_offset=1e-6, min_power=1e-30)
        matrix = self.dct_matrix()
        return EngineOptions(
            framing=framing,
            condition=_engine.Condition(window=self.window),
            spectrum=Spectrum.centred(self.n_fft, self.win_length, mag_exp=self.power),
            bank=self._bank(np.dtype(dtype)),
            log=log,
            floor=floor,
            post=Post() if matrix is None else Post(matrix=matrix.astype(np.float64)),
        )

    # -- computing ---------------------------------------------------------------------

    def _padded(self, a: np.ndarray) -> np.ndarray:
        """The signal as torch.stft and librosa frame it when the engine
        cannot pad it itself: ``pad`` zeros at both ends, then the centre padding."""
        if self.pad:
            a = np.pad(a, [(0, 0)] * (a.ndim - 1) + [(self.pad, self.pad)])
        if self.center:
            half = self.n_fft // 2
            mode: Any = NUMPY_PAD_MODES.get(self.pad_mode, self.pad_mode)
            a = np.pad(a, [(0, 0)] * (a.ndim - 1) + [(half, half)], mode=mode)
        return a

    def __call__(self, x: Any, *, num_threads: int | None = None, dtype: Any = None) -> np.ndarray:
        """The features of ``x`` ``(..., time)``: ``(..., features, frames)``
        in ``x``'s float dtype (float32 for other input), or ``dtype``."""
        threads = self._call_threads(num_threads)
        a = as_signal(x, None if dtype is None else np.dtype(dtype))
        if not self._engine_pads():
            a = self._padded(a)
        lead, n = a.shape[:-1], a.shape[-1]
        plan = self._plans[a.dtype]
        frames = plan.num_frames(n)
        target = np.empty(lead + (self.num_features, frames), dtype=a.dtype)
        group = floor_group("channels" if self.floor_scope == "channels" else "batch", lead)
        _engine.run(plan, a, target, threads, floor_group=group)
        if not self.onesided:
            # A real signal's spectrum: bin n_fft - k is bin k's conjugate.
            mirror = target[..., (self.n_fft - 1) // 2 : 0 : -1, :]
            return np.concatenate([target, mirror], axis=-2)
        return target
