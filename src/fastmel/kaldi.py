"""Kaldi features: filter banks, MFCCs and spectrograms, as Kaldi computes them.

The functions :func:`fbank`, :func:`mfcc` and :func:`spectrogram` take every
keyword of ``torchaudio.compliance.kaldi``'s functions of the same names, with
the same defaults and meaning, and return the same ``(frames, bins)`` values
(float32 or float64, as the input) as NumPy arrays; nothing here imports torch.
The classes :class:`Fbank`, :class:`Mfcc` and :class:`Spectrogram` build the
options once and compute batches ``(..., time) -> (..., frames, bins)``, rows
of padded batches with their own valid lengths, and streams (push any chunk
sizes, flush: kaldi-native-fbank's ``OnlineFbank`` use case). Everything runs
in fastmel's fused engine, without the GIL, on as many threads as asked.

Per frame, in Kaldi's order: dither (Gaussian), DC removal, raw log-energy,
pre-emphasis, window, zero padding to the FFT size, windowed log-energy, the
power (or magnitude) spectrum, Kaldi's mel bank (VTLN-warped if asked), the
log, and for MFCCs the orthonormal DCT and the lifter; then the energy column
and, over the frames of each signal, the mean subtraction.

Where fastmel differs from torchaudio (each is documented on the function):
signals shorter than one frame give 0 frames (``snip_edges=True``) or
reflected frames, as Kaldi and kaldi-native-fbank do, where torchaudio raises;
``min_duration`` gives ``(0, bins)`` where torchaudio gives shape ``(0,)``; an
odd FFT size is computed where torchaudio asserts; dither is seeded
(``dither_seed``) and reproducible; filter banks, DCT and lifter are built in
float64 where torchaudio builds them in float32.
"""

from __future__ import annotations

import functools
import math
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, overload

import numpy as np
from numpy.typing import ArrayLike

from . import _engine, _windows
from ._engine import Bank, Condition, EngineOptions, Framing, Log, Norm, Post, Spectrum
from ._filters import kaldi_bands, knf_librosa_bands
from ._frontend import FrontEnd
from ._options import (
    MAX_FFT_LENGTH,
    MAX_MEL_BINS,
    MAX_SIZE,
    KernelName,
    as_flag,
    as_int,
    as_lengths,
    as_real,
    as_signal,
    choice,
)
from ._stream import MelStream, StreamSpec
from ._windows import WindowName

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

__all__ = [
    "Fbank",
    "Mfcc",
    "Spectrogram",
    "WINDOW_TYPES",
    "fbank",
    "mfcc",
    "spectrogram",
]

# float32's machine epsilon: Kaldi's floor inside every log (torchaudio uses it
# for float64 input too).
EPSILON = float(np.finfo(np.float32).eps)
# Kaldi's windows, then kaldi-native-fbank's two extra ones.
WINDOW_TYPES = ("hamming", "hanning", "povey", "rectangular", "blackman", "hann", "sine")
WindowType = Literal["hamming", "hanning", "povey", "rectangular", "blackman", "hann", "sine"]


class SpectrogramOptions(TypedDict, total=False):
    """The keyword arguments of :class:`Spectrogram` (``replace``'s, typed)."""

    blackman_coeff: float
    dither: float
    energy_floor: float
    frame_length: float
    frame_shift: float
    min_duration: float
    preemphasis_coefficient: float
    raw_energy: bool
    remove_dc_offset: bool
    round_to_power_of_two: bool
    sample_frequency: float
    snip_edges: bool
    subtract_mean: bool
    window_type: WindowType
    dither_seed: int | None
    num_threads: int | None
    kernel: KernelName | None


class _BankOptions(SpectrogramOptions, total=False):
    high_freq: float
    htk_compat: bool
    low_freq: float
    num_mel_bins: int
    use_energy: bool
    vtln_high: float
    vtln_low: float
    vtln_warp: float
    is_librosa: bool
    norm: str
    use_slaney_mel_scale: bool
    floor_to_int_bin: bool
    htk_mode: bool


class FbankOptions(_BankOptions, total=False):
    """The keyword arguments of :class:`Fbank` (``replace``'s, typed)."""

    use_log_fbank: bool
    use_power: bool
    use_log_floor: bool
    eps: float


class MfccOptions(_BankOptions, total=False):
    """The keyword arguments of :class:`Mfcc` (``replace``'s, typed)."""

    cepstral_lifter: float
    num_ceps: int


# The framing and energy keywords of all three (torchaudio's spectrogram's,
# without `channel`, which only the functions take).
_COMMON: dict[str, Any] = {
    "blackman_coeff": 0.42,
    "dither": 0.0,
    "energy_floor": 1.0,
    "frame_length": 25.0,
    "frame_shift": 10.0,
    "min_duration": 0.0,
    "preemphasis_coefficient": 0.97,
    "raw_energy": True,
    "remove_dc_offset": True,
    "round_to_power_of_two": True,
    "sample_frequency": 16000.0,
    "snip_edges": True,
    "subtract_mean": False,
    "window_type": "povey",
}
_MEL: dict[str, Any] = {
    "high_freq": 0.0,
    "htk_compat": False,
    "low_freq": 20.0,
    "num_mel_bins": 23,
    "use_energy": False,
    "vtln_high": -500.0,
    "vtln_low": 100.0,
    "vtln_warp": 1.0,
}
# kaldi-native-fbank's mel-bank options beyond Kaldi's (its mel_opts names; not
# torchaudio keywords): a librosa-style bank, and HTK's quirks.
_KNF_MEL: dict[str, Any] = {
    "is_librosa": False,
    "norm": "slaney",
    "use_slaney_mel_scale": True,
    "floor_to_int_bin": False,
    "htk_mode": False,
}
# fastmel's own keywords, keyword-only everywhere.
_EXTRA: dict[str, Any] = {"dither_seed": None, "num_threads": None, "kernel": None}


# Kaldi's window names as fastmel's windows: Kaldi's are symmetric; the
# periodic "hann" and the "sine" are kaldi-native-fbank's.
_WINDOWS: dict[str, tuple[WindowName, bool]] = {
    "hamming": ("hamming", False),
    "hanning": ("hann", False),
    "povey": ("povey", False),
    "rectangular": ("rectangular", False),
    "blackman": ("blackman", False),
    "hann": ("hann", True),
    "sine": ("sine", False),
}


def window(window_type: str, size: int, blackman_coeff: float = 0.42) -> np.ndarray:
    """Kaldi's analysis window of ``size`` samples (float64): symmetric
    "hanning", "hamming", "povey" (Hann to the power 0.85), "rectangular" and
    "blackman" (with ``blackman_coeff``), and kaldi-native-fbank's periodic
    "hann" and symmetric "sine" (see :func:`fastmel._windows.window`)."""
    name, periodic = _WINDOWS[choice("window_type", window_type, WINDOW_TYPES)]
    return _windows.window(name, size, periodic=periodic, blackman_coeff=blackman_coeff)


class _Kaldi(FrontEnd):
    """What Fbank, Mfcc and Spectrogram share: the framing, the conditioning, the
    engine plans, calls, streams and the configuration protocol."""

    # The options (each front end has a subset: see its _DEFAULTS), read-only
    # after construction: Final, so that a type checker flags a user's
    # assignment. __init__ sets them by name (object.__setattr__), which mypy
    # does not see, hence its "must be initialized" silenced on each.
    blackman_coeff: Final[float]  # type: ignore[misc]
    dither: Final[float]  # type: ignore[misc]
    energy_floor: Final[float]  # type: ignore[misc]
    frame_length: Final[float]  # type: ignore[misc]
    frame_shift: Final[float]  # type: ignore[misc]
    min_duration: Final[float]  # type: ignore[misc]
    preemphasis_coefficient: Final[float]  # type: ignore[misc]
    raw_energy: Final[bool]  # type: ignore[misc]
    remove_dc_offset: Final[bool]  # type: ignore[misc]
    round_to_power_of_two: Final[bool]  # type: ignore[misc]
    sample_frequency: Final[float]  # type: ignore[misc]
    snip_edges: Final[bool]  # type: ignore[misc]
    subtract_mean: Final[bool]  # type: ignore[misc]
    window_type: Final[WindowType]  # type: ignore[misc]
    high_freq: Final[float]  # type: ignore[misc]
    htk_compat: Final[bool]  # type: ignore[misc]
    low_freq: Final[float]  # type: ignore[misc]
    num_mel_bins: Final[int]  # type: ignore[misc]
    use_energy: Final[bool]  # type: ignore[misc]
    vtln_high: Final[float]  # type: ignore[misc]
    vtln_low: Final[float]  # type: ignore[misc]
    vtln_warp: Final[float]  # type: ignore[misc]
    use_log_fbank: Final[bool]  # type: ignore[misc]
    use_power: Final[bool]  # type: ignore[misc]
    use_log_floor: Final[bool]  # type: ignore[misc]
    eps: Final[float]  # type: ignore[misc]
    is_librosa: Final[bool]  # type: ignore[misc]
    norm: Final[str]  # type: ignore[misc]
    use_slaney_mel_scale: Final[bool]  # type: ignore[misc]
    floor_to_int_bin: Final[bool]  # type: ignore[misc]
    htk_mode: Final[bool]  # type: ignore[misc]
    cepstral_lifter: Final[float]  # type: ignore[misc]
    num_ceps: Final[int]  # type: ignore[misc]
    dither_seed: Final[int | None]  # type: ignore[misc]
    kernel: Final[KernelName | None]  # type: ignore[misc]

    # -- construction -------------------------------------------------------------

    def __init__(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(self._DEFAULTS)
        if unknown:
            raise TypeError(f"unknown {type(self).__name__} arguments: {sorted(unknown)}")
        options = dict(self._DEFAULTS, **kwargs)
        extra = {name: options.pop(name) for name in _EXTRA}
        self._validate(options)
        for name, value in options.items():
            object.__setattr__(self, name, value)
        seed = extra["dither_seed"]
        if seed is not None:
            seed = as_int("dither_seed", seed, minimum=0, maximum=2**64 - 1)
        object.__setattr__(self, "dither_seed", seed)
        self._set_threads(extra["num_threads"])
        kernel = extra["kernel"]
        object.__setattr__(
            self, "kernel", None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        )
        self._build()

    def _validate(self, o: dict[str, Any]) -> None:
        """Check and normalise the options in place; errors name torchaudio's keywords."""
        for name in (
            "raw_energy",
            "remove_dc_offset",
            "round_to_power_of_two",
            "snip_edges",
            "subtract_mean",
        ):
            o[name] = as_flag(name, o[name])
        o["sample_frequency"] = as_real(
            "sample_frequency", o["sample_frequency"], minimum=0, strict=True
        )
        for name in ("frame_length", "frame_shift"):
            o[name] = as_real(name, o[name], minimum=0, strict=True)
        o["dither"] = as_real("dither", o["dither"], minimum=0)
        o["energy_floor"] = as_real("energy_floor", o["energy_floor"], minimum=0)
        o["min_duration"] = as_real("min_duration", o["min_duration"], minimum=0)
        o["blackman_coeff"] = as_real("blackman_coeff", o["blackman_coeff"])
        c = as_real("preemphasis_coefficient", o["preemphasis_coefficient"], minimum=0)
        if c > 1:
            raise ValueError(f"`preemphasis_coefficient` must be in [0, 1], got {c!r}")
        o["preemphasis_coefficient"] = c
        o["window_type"] = choice("window_type", o["window_type"], WINDOW_TYPES)
        size, shift = self._sizes(o)
        if size < 2:
            raise ValueError(
                f"`frame_length`={o['frame_length']} ms at {o['sample_frequency']:g} Hz is "
                f"{size} samples; a frame needs at least 2"
            )
        if shift < 1:
            raise ValueError(
                f"`frame_shift`={o['frame_shift']} ms at {o['sample_frequency']:g} Hz is "
                "0 samples; it needs at least 1"
            )
        if self._fft_size(o) > MAX_FFT_LENGTH:
            raise ValueError(f"`frame_length` gives an FFT above {MAX_FFT_LENGTH} points")
        if "num_mel_bins" in o:
            self._validate_mel(o)

    def _validate_mel(self, o: dict[str, Any]) -> None:
        o["num_mel_bins"] = as_int("num_mel_bins", o["num_mel_bins"], maximum=MAX_MEL_BINS)
        if o["num_mel_bins"] <= 3:
            raise ValueError(f"`num_mel_bins` must be > 3 (Kaldi's), got {o['num_mel_bins']}")
        for name in ("use_energy", "htk_compat"):
            o[name] = as_flag(name, o[name])
        for name in ("low_freq", "high_freq", "vtln_low", "vtln_high", "vtln_warp"):
            o[name] = as_real(name, o[name])
        nyquist = 0.5 * o["sample_frequency"]
        low, high = o["low_freq"], self._resolved(o["high_freq"], nyquist)
        if not (0.0 <= low < nyquist and 0.0 < high <= nyquist and low < high):
            raise ValueError(
                f"`low_freq`={low:g} and `high_freq`={o['high_freq']:g} (that is {high:g} Hz) "
                f"must satisfy 0 <= low_freq < high_freq <= Nyquist ({nyquist:g} Hz)"
            )
        for name in ("is_librosa", "use_slaney_mel_scale", "floor_to_int_bin", "htk_mode"):
            o[name] = as_flag(name, o[name])
        o["norm"] = choice("norm", o["norm"], ("slaney", ""))
        if o["is_librosa"] and o["vtln_warp"] != 1.0:
            raise ValueError("`vtln_warp` needs Kaldi's bank: not with `is_librosa`")
        warp = o["vtln_warp"]
        if not warp > 0:
            raise ValueError(f"`vtln_warp` must be > 0, got {warp!r}")
        if warp != 1.0:
            vlow, vhigh = o["vtln_low"], self._resolved(o["vtln_high"], nyquist)
            inner_low, inner_high = vlow * max(1.0, warp), vhigh * min(1.0, warp)
            if not (low < vlow < high and 0.0 < vhigh < high and vlow < vhigh) or not (
                inner_low > low and inner_high < high
            ):
                raise ValueError(
                    f"`vtln_low`={vlow:g} and `vtln_high`={o['vtln_high']:g} (that is "
                    f"{vhigh:g} Hz) with `vtln_warp`={warp:g} must lie inside (low_freq, "
                    f"high_freq) = ({low:g}, {high:g}) Hz, vtln_low < vtln_high"
                )
            if inner_low > inner_high:
                # The warping then folds back on itself: band edges out of order,
                # for which torchaudio and Kaldi build different banks.
                raise ValueError(
                    f"with `vtln_warp`={warp:g} the warping's inflection points are inverted: "
                    f"vtln_low * max(1, vtln_warp) = {inner_low:g} Hz is above vtln_high * "
                    f"min(1, vtln_warp) = {inner_high:g} Hz; raise `vtln_high` or lower "
                    "`vtln_low`"
                )

    @staticmethod
    def _resolved(freq: float, nyquist: float) -> float:
        """A frequency option where <= 0 means Nyquist + value (Kaldi's)."""
        return freq + nyquist if freq <= 0.0 else freq

    @staticmethod
    def _sizes(o: Mapping[str, Any]) -> tuple[int, int]:
        """Frame length and shift in samples, as torchaudio computes them (a
        count past the floats is a ValueError naming the option)."""
        rate = o["sample_frequency"]
        sizes = []
        for name in ("frame_length", "frame_shift"):
            samples = rate * o[name] * 0.001
            if not math.isfinite(samples) or samples > MAX_SIZE:
                raise ValueError(
                    f"`{name}`={o[name]!r} ms at {rate:g} Hz is more samples than fastmel computes"
                )
            sizes.append(int(samples))
        return sizes[0], sizes[1]

    @classmethod
    def _fft_size(cls, o: Mapping[str, Any]) -> int:
        size, _ = cls._sizes(o)
        return 1 << (size - 1).bit_length() if o["round_to_power_of_two"] else size

    # -- derived sizes ------------------------------------------------------------

    @property
    def window_size(self) -> int:
        """Samples per frame."""
        return self._sizes(self.__dict__)[0]

    @property
    def window_shift(self) -> int:
        """Samples between frames."""
        return self._sizes(self.__dict__)[1]

    @property
    def fft_length(self) -> int:
        """The FFT size: the frame length, or the next power of two."""
        return self._fft_size(self.__dict__)

    @property
    def sampling_rate(self) -> float:
        """The rate the features are for (``sample_frequency``), Hz."""
        return float(self.sample_frequency)

    @property
    def num_features(self) -> int:
        """Values per frame."""
        return int(self._plans[np.dtype(np.float32)].num_features)

    # -- the engine ---------------------------------------------------------------

    def _framing(self) -> Framing:
        return Framing.kaldi(self.window_size, self.window_shift, snip_edges=self.snip_edges)

    def _energy(self) -> bool:
        """Whether the plan computes the frame's log-energy."""
        return bool(self.use_energy)

    def _condition(self) -> Condition:
        floor = math.log(self.energy_floor) if self.energy_floor > 0 else -math.inf
        return Condition(
            dither=self.dither,
            remove_dc=self.remove_dc_offset,
            preemphasis=self.preemphasis_coefficient,
            window=window(self.window_type, self.window_size, self.blackman_coeff),
            energy=("raw" if self.raw_energy else "windowed") if self._energy() else "none",
            energy_min=EPSILON,
            energy_floor=floor,
        )

    def _bank(self, dt: np.dtype) -> Bank:
        nyquist = 0.5 * self.sample_frequency
        high = self._resolved(self.high_freq, nyquist)
        if self.is_librosa:
            first, length, weights = knf_librosa_bands(
                self.num_mel_bins,
                self.fft_length,
                self.sample_frequency,
                self.low_freq,
                high,
                "slaney" if self.use_slaney_mel_scale else "htk",
                "slaney" if self.norm else None,
                self.floor_to_int_bin,
            )
            return Bank(first=first, length=length, weights=weights)
        first, length, weights = kaldi_bands(
            self.num_mel_bins,
            self.fft_length,
            self.sample_frequency,
            self.low_freq,
            high,
            self.vtln_low,
            self._resolved(self.vtln_high, nyquist),
            self.vtln_warp,
            np.float64,
        )
        if self.htk_mode and self.low_freq != 0.0 and length[0]:
            weights = weights.copy()
            weights[0] = 0.0  # HTK's bug, as Kaldi replicates it: band 0's first weight
        return Bank(first=first, length=length, weights=weights)

    def _log(self) -> Log:
        # htk_mode: every band floored at 1 before the log.
        return Log(
            enabled=True,
            log_scale=math.log(10.0),
            min_power=max(1.0, EPSILON) if getattr(self, "htk_mode", False) else EPSILON,
        )

    def _post(self) -> Post:
        raise NotImplementedError  # pragma: no cover - each front end has its own

    def _mag_exp(self) -> float:
        return 2.0

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        # Kaldi's stages (no mean subtraction for a stream).
        framing = self._framing()
        norm = Norm(mode="mean") if self.subtract_mean else Norm()
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
            norm = Norm()
        return EngineOptions(
            framing=framing,
            condition=self._condition(),
            spectrum=Spectrum(fft_length=self.fft_length, mag_exp=self._mag_exp()),
            bank=self._bank(np.dtype(dtype)),
            log=self._log(),
            post=self._post(),
            norm=norm,
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _dither_key(self) -> int:
        """This call's dither key: the seed, or fresh noise when there is none."""
        if not self.dither:
            return 0
        return self.dither_seed if self.dither_seed is not None else secrets.randbits(64)

    # -- computing ------------------------------------------------------------------

    @overload
    def __call__(
        self, x: ArrayLike, *, lengths: None = None, num_threads: int | None = None
    ) -> np.ndarray: ...

    @overload
    def __call__(
        self, x: ArrayLike, *, lengths: ArrayLike, num_threads: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def __call__(
        self,
        x: ArrayLike,
        *,
        lengths: ArrayLike | None = None,
        num_threads: int | None = None,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Features of ``x``.

        Parameters
        ----------
        x : np.ndarray [shape=(..., time)]
            Signals (not rescaled: Kaldi's recipes read int16 samples as
            numbers of that size). float32 and float64 are computed in their
            own precision, other real input in float32.
        lengths : array-like of int [shape=x.shape[:-1]], optional
            Each signal's valid samples (the rest is padding): its frames are
            those of the signal alone (none under ``min_duration``), and the
            frames after them are 0.
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray [shape=(..., frames, num_features)]
            With ``lengths``, the tuple ``(features, frames)``: also each
            signal's own frame count, an int64 array of ``x.shape[:-1]``.
        """
        threads = self._call_threads(num_threads)
        a = as_signal(x, None)
        lead, n = a.shape[:-1], a.shape[-1]
        rows = int(np.prod(lead, dtype=np.int64)) if lead else 1
        lens = None if lengths is None else as_lengths(lengths, lead, n)
        plan = self._plans[a.dtype]
        short = n < self.min_duration * self.sample_frequency
        if lens is not None and self.min_duration > 0:
            # a signal under min_duration has no frames, whatever it is batched with
            lens = np.where(lens < self.min_duration * self.sample_frequency, 0, lens)
        core_shape = plan.out_shape(rows, n) if not short else (rows, 0, self.num_features)
        out = np.empty(lead + core_shape[1:], dtype=a.dtype)
        if not short:
            _engine.run(plan, a, out, threads, lengths=lens, dither_key=self._dither_key())
        if lens is None:
            return out
        counts = plan.frame_counts(lens) * (not short)
        return out, counts.reshape(lead)

    def num_frames(self, n_samples: int) -> int:
        """Frames for a signal of ``n_samples`` samples.

        Parameters
        ----------
        n_samples : int
            N, >= 0.

        Returns
        -------
        int
            ``1 + (N - W) // S`` (0 when N < W) with ``snip_edges``, else
            ``(N + S // 2) // S``, for frame length W and shift S; 0 under
            ``min_duration``.
        """
        n = as_int("n_samples", n_samples, minimum=0)
        if n < self.min_duration * self.sample_frequency:
            return 0
        return super().num_frames(n)

    def stream(self) -> MelStream:
        """Online features: push chunks of any size, then flush; the pieces,
        concatenated along the frames, equal the whole-signal call (with the
        same noise when ``dither_seed`` is set). ``subtract_mean`` needs the
        whole signal and cannot stream. With ``min_duration``, frames come once
        that much of the signal has arrived (until then it may end shorter),
        and none for a signal that ends shorter, as the call gives.

        Returns
        -------
        MelStream
        """
        if self.subtract_mean:
            raise ValueError("`subtract_mean` needs the whole signal: it cannot stream")
        stream: MelStream = super().stream()
        return stream

    def _stream_spec(self) -> StreamSpec:
        framing = self._framing()
        return StreamSpec(
            plan=self._stream_plan,
            num_frames=self.num_frames,  # (none under min_duration: the stream waits for it)
            frame_length=framing.frame_length,
            hop=framing.hop,
            start=framing.start,
            reach=framing.scalars()["reach"],
            pad_mode=framing.pad_mode,
            floor=False,
            floor_scope="batch",
            num_features=self.num_features,
            frames_major=True,
            dtype=None,
            num_threads=self._call_threads,
            dither_key=self._dither_key(),
        )


class Fbank(_Kaldi):
    """Log mel filter-bank features: ``torchaudio.compliance.kaldi.fbank`` as an
    object (every keyword but ``channel``; plus keyword-only ``dither_seed``,
    ``num_threads``, ``kernel``).

    ``num_features`` is ``num_mel_bins``, plus 1 with ``use_energy`` (the
    log-energy in column 0, last with ``htk_compat``).

    Parameters
    ----------
    blackman_coeff : float, default 0.42
        The constant of the "blackman" window.
    dither : float, default 0.0
        Standard deviation of the Gaussian noise added to every sample of
        every frame (0: none).
    energy_floor : float, default 1.0
        Floor on the log-energy, as ``log(energy_floor)`` (0: none).
    frame_length, frame_shift : float, default 25.0, 10.0
        Milliseconds; in samples ``int(sample_frequency * ms * 0.001)``.
    min_duration : float, default 0.0
        Seconds: a shorter signal gives no frame.
    preemphasis_coefficient : float, default 0.97
        ``x[j] -= c x[j - 1]`` (``x[0] -= c x[0]``), in [0, 1].
    raw_energy : bool, default True
        The energy before pre-emphasis and window, else of the windowed frame.
    remove_dc_offset : bool, default True
        Subtract each frame's mean.
    round_to_power_of_two : bool, default True
        FFT size: the next power of two, else the frame length (odd allowed).
    sample_frequency : float, default 16000.0
        Hz.
    snip_edges : bool, default True
        Only frames that fit in the signal; else ``(N + shift // 2) // shift``
        frames centred on ``t * shift + shift / 2``, the signal reflected at
        its ends with the edge sample repeated.
    subtract_mean : bool, default False
        Subtract each feature's mean over the signal's frames.
    window_type : {"povey", "hamming", "hanning", "rectangular", "blackman", "hann", "sine"}
        Kaldi's windows, symmetric, and kaldi-native-fbank's "hann" (periodic)
        and "sine" (see :func:`window`).
    high_freq, low_freq : float, default 0.0, 20.0
        The bank's edges, Hz; ``high_freq <= 0`` means Nyquist + high_freq.
        (Fbank and Mfcc.)
    htk_compat : bool, default False
        The energy (MFCC: C0 or the energy) last instead of first.
    num_mel_bins : int, default 23
        Mel bands (> 3).
    use_energy : bool, default False
        Add the log-energy (MFCC: in place of C0).
    vtln_high, vtln_low, vtln_warp : float, default -500.0, 100.0, 1.0
        VTLN: the band edges warped by ``1 / vtln_warp`` between the inflection
        points (``vtln_high <= 0`` means Nyquist + vtln_high).
    use_log_fbank, use_power : bool, default True, True
        (Fbank.) The log of the bands; the power, else the magnitude, spectrum.
    use_log_floor, eps : bool, float, default True, float32's epsilon
        (Fbank; kaldi-native-fbank's, not torchaudio's.) The log of the bands
        is ``log(max(x, eps))``, or ``log(x + eps)`` without ``use_log_floor``
        (NeMo's); the energy's floor stays float32's epsilon.
    is_librosa, norm, use_slaney_mel_scale, floor_to_int_bin, htk_mode
        (Fbank and Mfcc; kaldi-native-fbank's ``mel_opts``, not torchaudio's.)
        ``is_librosa``: librosa's bank instead of Kaldi's (triangles in Hz on
        the Slaney scale, or HTK's without ``use_slaney_mel_scale``; area
        normalised when ``norm="slaney"``, not with ``""``; with
        ``floor_to_int_bin`` its edges at integer bins). ``htk_mode``: every
        band floored at 1 before the log, and band 0's first weight zeroed
        when ``low_freq > 0`` (HTK's, as Kaldi replicates it).
    cepstral_lifter, num_ceps : float, int, default 22.0, 13
        (Mfcc.) The lifter ``1 + L / 2 sin(pi i / L)`` (0: none); coefficients kept.
    dither_seed : int or None, keyword-only
        The dither noise is a function of this seed and each sample's row,
        frame and position (reproducible for any thread count or chunking);
        None draws a fresh seed per call (per stream).
    num_threads : int or None, keyword-only
        As :class:`fastmel.MelSpectrogram`'s.
    kernel : {None, "auto", "baseline", "avx2"}, keyword-only
        As :class:`fastmel.MelSpectrogram`'s.

    Examples
    --------
    >>> import numpy as np, fastmel.kaldi
    >>> fb = fastmel.kaldi.Fbank(num_mel_bins=80)
    >>> x = np.random.default_rng(0).standard_normal((4, 16000)).astype(np.float32)
    >>> fb(x * 32768).shape
    (4, 98, 80)
    """

    # torchaudio's keywords, then kaldi-native-fbank's two log options (which
    # torchaudio's functions do not take).
    _DEFAULTS = {
        **_COMMON,
        **_MEL,
        "use_log_fbank": True,
        "use_power": True,
        "use_log_floor": True,
        "eps": EPSILON,
        **_KNF_MEL,
        **_EXTRA,
    }

    @classmethod
    def from_knf_options(cls, opts: Any, **overrides: Any) -> Self:
        """The Fbank that computes what kaldi-native-fbank computes with ``opts``.

        Parameters
        ----------
        opts : kaldi_native_fbank.FbankOptions or dict
            The options object, or its ``as_dict()`` (nested ``frame_opts`` and
            ``mel_opts``). Every field is mapped: the frame length and shift
            to the same sample counts as knf's float32 arithmetic gives (which
            for some rates is one more than Kaldi's); knf's defaults come
            along (``dither`` 3e-5, ``energy_floor`` 0); knf's options beyond
            torchaudio's (``use_log_floor``, ``eps``, and ``mel_opts``'s
            ``is_librosa``, ``norm``, ``use_slaney_mel_scale``,
            ``floor_to_int_bin``, ``htk_mode``) are options of those names.
        **overrides
            Options to set on top (``dither=0.0``, ``num_threads=-1``, ...).

        Returns
        -------
        Fbank

        Examples
        --------
        >>> import fastmel.kaldi
        >>> opts = {"frame_opts": {"samp_freq": 16000.0, "dither": 0.0},
        ...         "mel_opts": {"num_bins": 80}, "energy_floor": 0.0}
        >>> fastmel.kaldi.Fbank.from_knf_options(opts).num_features
        80
        """
        return cls(**dict(_knf_options(opts, "fbank"), **overrides))

    def replace(self, **changes: Unpack[FbankOptions]) -> Self:  # type: ignore[override]
        """A new Fbank with ``changes`` applied to this one's options.

        Parameters
        ----------
        **changes
            Any argument of :class:`Fbank`.

        Returns
        -------
        Fbank
            Equal to ``Fbank(**{**self.get_config(), **changes})``.
        """
        return super().replace(**changes)

    def _validate(self, o: dict[str, Any]) -> None:
        super()._validate(o)
        for name in ("use_log_fbank", "use_power", "use_log_floor"):
            o[name] = as_flag(name, o[name])
        o["eps"] = as_real("eps", o["eps"], minimum=0, strict=True)

    def _log(self) -> Log:
        if not self.use_log_fbank:
            return Log()
        # htk_mode: every band floored at 1 first; then log(max(x, eps)) or log(x + eps).
        floor = 1.0 if self.htk_mode else 0.0
        if not self.use_log_floor:
            return Log(
                enabled=True,
                log_scale=math.log(10.0),
                log_offset=self.eps,
                min_power=floor + self.eps,
            )
        return Log(enabled=True, log_scale=math.log(10.0), min_power=max(floor, self.eps))

    def _mag_exp(self) -> float:
        return 2.0 if self.use_power else 1.0

    def _post(self) -> Post:
        return Post(
            energy_insert=True,
            energy_index=self.num_mel_bins if self.htk_compat else 0,
            layout="frames_bands",
        )


class Mfcc(_Kaldi):
    """Mel-frequency cepstral coefficients: ``torchaudio.compliance.kaldi.mfcc``
    as an object (every keyword but ``channel``; plus keyword-only
    ``dither_seed``, ``num_threads``, ``kernel``).

    The orthonormal DCT-II of the log filter bank (C0 scaled by
    ``sqrt(1 / num_mel_bins)``), the first ``num_ceps`` kept, times the lifter
    ``1 + 0.5 L sin(pi i / L)``; with ``use_energy`` the log-energy replaces
    C0, and with ``htk_compat`` C0 (or the energy) moves to the last column,
    times ``sqrt(2)`` without ``use_energy``. The DCT runs in the fused pass,
    as a small matrix product per frame.

    Parameters
    ----------
    **options
        As :class:`Fbank`'s, without ``use_log_fbank`` and ``use_power``,
        with ``cepstral_lifter`` and ``num_ceps``.

    Examples
    --------
    >>> import numpy as np, fastmel.kaldi
    >>> x = np.random.default_rng(0).standard_normal(16000) * 3000
    >>> fastmel.kaldi.Mfcc(num_ceps=13, use_energy=True)(x).shape
    (98, 13)
    """

    _DEFAULTS = {
        **_COMMON,
        **_MEL,
        "cepstral_lifter": 22.0,
        "num_ceps": 13,
        **_KNF_MEL,
        **_EXTRA,
    }

    def replace(self, **changes: Unpack[MfccOptions]) -> Self:  # type: ignore[override]
        """A new Mfcc with ``changes`` applied to this one's options.

        Parameters
        ----------
        **changes
            Any argument of :class:`Mfcc`.

        Returns
        -------
        Mfcc
            Equal to ``Mfcc(**{**self.get_config(), **changes})``.
        """
        return super().replace(**changes)

    def _validate(self, o: dict[str, Any]) -> None:
        super()._validate(o)
        o["num_ceps"] = as_int("num_ceps", o["num_ceps"])
        if o["num_ceps"] > o["num_mel_bins"]:
            raise ValueError(
                f"`num_ceps` ({o['num_ceps']}) cannot be larger than `num_mel_bins` "
                f"({o['num_mel_bins']})"
            )
        o["cepstral_lifter"] = as_real("cepstral_lifter", o["cepstral_lifter"])

    @classmethod
    def from_knf_options(cls, opts: Any, **overrides: Any) -> Self:
        """The Mfcc that computes what kaldi-native-fbank's ``OnlineMfcc`` does.

        Parameters
        ----------
        opts : kaldi_native_fbank.MfccOptions or dict
            The options object or its ``as_dict()``, mapped as in
            :meth:`Fbank.from_knf_options`; knf's MFCC defaults come along
            (``use_energy=True``, ``energy_floor`` 0, ``dither`` 3e-5).
        **overrides
            Options to set on top.

        Returns
        -------
        Mfcc
        """
        return cls(**dict(_knf_options(opts, "mfcc"), **overrides))

    def dct_matrix(self) -> np.ndarray:
        """The matrix applied to each frame's log bands: DCT, lifter, htk_compat order.

        Returns
        -------
        np.ndarray [shape=(num_ceps, num_mel_bins)]
            float64.
        """
        m, k = self.num_mel_bins, self.num_ceps
        i = np.arange(k)
        dct = np.sqrt(2.0 / m) * np.cos(np.pi / m * (np.arange(m)[None, :] + 0.5) * i[:, None])
        dct[0] = np.sqrt(1.0 / m)
        if self.cepstral_lifter != 0.0:
            lifter = 1.0 + 0.5 * self.cepstral_lifter * np.sin(np.pi * i / self.cepstral_lifter)
            dct *= lifter[:, None]
        if self.htk_compat:
            dct = np.concatenate([dct[1:], dct[:1] * (1.0 if self.use_energy else np.sqrt(2.0))])
        return dct

    def _post(self) -> Post:
        return Post(
            matrix=self.dct_matrix(),
            energy_insert=False,
            energy_index=self.num_ceps - 1 if self.htk_compat else 0,
            layout="frames_bands",
        )


class Spectrogram(_Kaldi):
    """Log power spectrum per frame: ``torchaudio.compliance.kaldi.spectrogram``
    as an object (every keyword but ``channel``; plus keyword-only
    ``dither_seed``, ``num_threads``, ``kernel``). ``num_features`` is
    ``fft_length // 2 + 1``; bin 0 holds the frame's log-energy.

    Parameters
    ----------
    **options
        The framing and energy options of :class:`Fbank` (``blackman_coeff``
        to ``window_type``, and the keyword-only ones).

    Examples
    --------
    >>> import numpy as np, fastmel.kaldi
    >>> x = np.random.default_rng(0).standard_normal(16000) * 3000
    >>> fastmel.kaldi.Spectrogram()(x).shape
    (98, 257)
    """

    _DEFAULTS = {**_COMMON, **_EXTRA}

    def replace(self, **changes: Unpack[SpectrogramOptions]) -> Self:  # type: ignore[override]
        """A new Spectrogram with ``changes`` applied to this one's options.

        Parameters
        ----------
        **changes
            Any argument of :class:`Spectrogram`.

        Returns
        -------
        Spectrogram
            Equal to ``Spectrogram(**{**self.get_config(), **changes})``.
        """
        return super().replace(**changes)

    def _energy(self) -> bool:
        return True

    def _bank(self, dt: np.dtype) -> Bank:
        bins = self.fft_length // 2 + 1
        return Bank(
            first=np.arange(bins, dtype=np.uintp),
            length=np.ones(bins, dtype=np.uintp),
            weights=np.ones(bins),
        )

    def _post(self) -> Post:
        return Post(energy_insert=False, energy_index=0, layout="frames_bands")


# -- kaldi-native-fbank's options ----------------------------------------------------


# The fields of kaldi-native-fbank's options (1.22.5 and 1.23.0 have the same):
# a dict naming any other is refused, as Fbank(**kw) refuses unknown keywords.
_KNF_FIELDS = {
    "frame_opts": frozenset(
        {
            "samp_freq",
            "frame_shift_ms",
            "frame_length_ms",
            "dither",
            "preemph_coeff",
            "remove_dc_offset",
            "window_type",
            "round_to_power_of_two",
            "blackman_coeff",
            "snip_edges",
        }
    ),
    "mel_opts": frozenset(
        {
            "num_bins",
            "low_freq",
            "high_freq",
            "vtln_low",
            "vtln_high",
            "debug_mel",
            "htk_mode",
            "is_librosa",
            "norm",
            "use_slaney_mel_scale",
            "floor_to_int_bin",
        }
    ),
    "fbank": frozenset(
        {
            "frame_opts",
            "mel_opts",
            "use_energy",
            "energy_floor",
            "raw_energy",
            "htk_compat",
            "use_log_fbank",
            "use_power",
            "use_log_floor",
            "eps",
        }
    ),
    "mfcc": frozenset(
        {
            "frame_opts",
            "mel_opts",
            "num_ceps",
            "use_energy",
            "energy_floor",
            "raw_energy",
            "cepstral_lifter",
            "htk_compat",
        }
    ),
}


def _knf_dict(opts: Any, kind: str) -> dict[str, Any]:
    """knf options (an object with ``as_dict()``, or that dict) as a plain dict,
    every field one that ``kind`` ("fbank" or "mfcc") has."""
    if isinstance(opts, Mapping):
        d = dict(opts)
    elif hasattr(opts, "as_dict"):
        d = dict(opts.as_dict())
    else:
        raise TypeError(f"expected kaldi-native-fbank options or their as_dict(), got {opts!r}")
    where = {kind: d}
    for group in ("frame_opts", "mel_opts"):
        if group in d:
            if not isinstance(d[group], Mapping):
                raise TypeError(f"kaldi-native-fbank's `{group}` must be a dict, got {d[group]!r}")
            where[group] = d[group]
    for group, fields in where.items():
        unknown = sorted(set(map(str, fields)) - _KNF_FIELDS[group])
        if unknown:
            known = ", ".join(sorted(_KNF_FIELDS[group]))
            inside = "" if group == kind else f" in `{group}`"
            raise ValueError(
                f"unknown kaldi-native-fbank {kind} option(s) {unknown}{inside}; "
                f"the fields are {known}"
            )
    return d


def _knf_options(opts: Any, kind: str) -> dict[str, Any]:
    """knf options as this module's keywords: the framing and mel fields, then
    ``kind``'s own top-level fields (knf's names are this module's there)."""
    d = _knf_dict(opts, kind)
    options = _knf_frame_options(d)
    options.update({k: v for k, v in d.items() if k not in ("frame_opts", "mel_opts")})
    return options


def _knf_samples(rate: float, ms: float, name: str) -> int:
    """knf's frame size in samples: float32 arithmetic throughout (a size past
    float32's range is a ValueError naming ``name``)."""
    f32 = np.float32
    with np.errstate(over="ignore"):
        samples = f32(f32(rate) * f32(0.001)) * f32(ms)
    if not np.isfinite(samples):
        raise ValueError(f"`{name}` of {ms!r} ms at {rate!r} Hz is too long")
    return int(samples)


def _knf_frame_options(d: Mapping[str, Any]) -> dict[str, Any]:
    """The framing and mel options of knf's ``frame_opts`` and ``mel_opts``, in
    torchaudio's keywords."""
    frame = dict(d.get("frame_opts", {}))
    mel = dict(d.get("mel_opts", {}))
    # knf's defaults where the dict leaves a field out.
    rate = as_real("samp_freq", frame.get("samp_freq", 16000.0), minimum=0, strict=True)
    out: dict[str, Any] = {
        "sample_frequency": rate,
        "dither": float(frame.get("dither", 3e-5)),
        "energy_floor": 0.0,
    }
    for name in ("frame_length", "frame_shift"):
        ms = as_real(
            f"{name}_ms", frame.get(f"{name}_ms", 25.0 if name == "frame_length" else 10.0)
        )
        samples = _knf_samples(rate, ms, f"{name}_ms")
        if int(rate * ms * 0.001) != samples:
            # The milliseconds whose Kaldi sample count is knf's.
            ms = (samples + 0.5) * 1000.0 / rate
        out[name] = ms
    renames = {
        "preemph_coeff": "preemphasis_coefficient",
        "remove_dc_offset": "remove_dc_offset",
        "window_type": "window_type",
        "round_to_power_of_two": "round_to_power_of_two",
        "blackman_coeff": "blackman_coeff",
        "snip_edges": "snip_edges",
    }
    out.update({new: frame[old] for old, new in renames.items() if old in frame})
    renames = {
        "num_bins": "num_mel_bins",
        "low_freq": "low_freq",
        "high_freq": "high_freq",
        "vtln_low": "vtln_low",
        "vtln_high": "vtln_high",
        "is_librosa": "is_librosa",
        "use_slaney_mel_scale": "use_slaney_mel_scale",
        "floor_to_int_bin": "floor_to_int_bin",
        "htk_mode": "htk_mode",
    }
    out.update({new: mel[old] for old, new in renames.items() if old in mel})
    if "norm" in mel:  # knf: any value but "" is Slaney's area normalisation
        out["norm"] = "slaney" if mel["norm"] else ""
    return out


# -- torchaudio's functions ------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _cached(cls: type, items: tuple[tuple[str, Any], ...]) -> _Kaldi:
    return cls(**dict(items))


def _run(cls: type, waveform: Any, channel: Any, options: dict[str, Any], extra: dict) -> Any:
    x = as_signal(waveform, None)
    if x.ndim == 1:
        x = x[None]
    if x.ndim != 2:
        raise ValueError(f"`waveform` must be (time,) or (channels, time), got shape {x.shape}")
    channel = max(as_int("channel", channel, minimum=-(2**31)), 0)
    if channel >= x.shape[0]:
        raise ValueError(f"`channel`={channel} is out of range for {x.shape[0]} channels")
    options = dict(options, dither_seed=extra["dither_seed"])
    try:
        front = _cached(cls, tuple(sorted(options.items())))
    except TypeError:  # unhashable option values: build it anyway (and fail clearly)
        front = cls(**options)
    return front(x[channel], num_threads=extra["num_threads"])


def fbank(
    waveform: ArrayLike,
    blackman_coeff: float = 0.42,
    channel: int = -1,
    dither: float = 0.0,
    energy_floor: float = 1.0,
    frame_length: float = 25.0,
    frame_shift: float = 10.0,
    high_freq: float = 0.0,
    htk_compat: bool = False,
    low_freq: float = 20.0,
    min_duration: float = 0.0,
    num_mel_bins: int = 23,
    preemphasis_coefficient: float = 0.97,
    raw_energy: bool = True,
    remove_dc_offset: bool = True,
    round_to_power_of_two: bool = True,
    sample_frequency: float = 16000.0,
    snip_edges: bool = True,
    subtract_mean: bool = False,
    use_energy: bool = False,
    use_log_fbank: bool = True,
    use_power: bool = True,
    vtln_high: float = -500.0,
    vtln_low: float = 100.0,
    vtln_warp: float = 1.0,
    window_type: str = "povey",
    *,
    dither_seed: int | None = None,
    num_threads: int | None = None,
) -> np.ndarray:
    """Kaldi's filter-bank features: ``torchaudio.compliance.kaldi.fbank``.

    Every argument is torchaudio's, with its default and meaning; see
    :class:`Fbank`. ``waveform`` is ``(time,)`` or ``(channels, time)``;
    ``channel`` picks the row (-1: the first). Returns ``(frames,
    num_mel_bins [+ 1])`` in the input's float dtype.

    Differences from torchaudio: a signal shorter than one frame gives 0
    frames with ``snip_edges`` and reflected frames without (Kaldi's and
    kaldi-native-fbank's result; torchaudio raises); under ``min_duration`` the
    result is ``(0, bins)`` (torchaudio: shape ``(0,)``); dither noise is
    drawn from ``dither_seed`` (fresh per call when None); the filter bank is
    built in float64.

    Parameters
    ----------
    waveform : array_like [shape=(time,) or (channels, time)]
        The signal, not rescaled.
    channel : int, default -1
        The row of a 2-D ``waveform`` (-1: the first).
    blackman_coeff, dither, energy_floor, frame_length, frame_shift, high_freq, htk_compat,
    low_freq, min_duration, num_mel_bins, preemphasis_coefficient, raw_energy, remove_dc_offset,
    round_to_power_of_two, sample_frequency, snip_edges, subtract_mean, use_energy,
    use_log_fbank, use_power, vtln_high, vtln_low, vtln_warp, window_type
        torchaudio's keywords, with its defaults; see :class:`Fbank`.
    dither_seed, num_threads : int or None, keyword-only
        See :class:`Fbank`.

    Returns
    -------
    np.ndarray [shape=(frames, num_mel_bins [+ 1])]
        In the input's float dtype (float32 for other input).
    """
    options = {k: v for k, v in locals().items() if k in Fbank._DEFAULTS and k not in _EXTRA}
    extra = {"dither_seed": dither_seed, "num_threads": num_threads}
    return _run(Fbank, waveform, channel, options, extra)


def mfcc(
    waveform: ArrayLike,
    blackman_coeff: float = 0.42,
    cepstral_lifter: float = 22.0,
    channel: int = -1,
    dither: float = 0.0,
    energy_floor: float = 1.0,
    frame_length: float = 25.0,
    frame_shift: float = 10.0,
    high_freq: float = 0.0,
    htk_compat: bool = False,
    low_freq: float = 20.0,
    num_ceps: int = 13,
    min_duration: float = 0.0,
    num_mel_bins: int = 23,
    preemphasis_coefficient: float = 0.97,
    raw_energy: bool = True,
    remove_dc_offset: bool = True,
    round_to_power_of_two: bool = True,
    sample_frequency: float = 16000.0,
    snip_edges: bool = True,
    subtract_mean: bool = False,
    use_energy: bool = False,
    vtln_high: float = -500.0,
    vtln_low: float = 100.0,
    vtln_warp: float = 1.0,
    window_type: str = "povey",
    *,
    dither_seed: int | None = None,
    num_threads: int | None = None,
) -> np.ndarray:
    """Kaldi's MFCCs: ``torchaudio.compliance.kaldi.mfcc``; see :class:`Mfcc`
    and :func:`fbank` (the same input, output and differences). Returns
    ``(frames, num_ceps)``.

    Parameters
    ----------
    waveform : array_like [shape=(time,) or (channels, time)]
        The signal, not rescaled.
    channel : int, default -1
        The row of a 2-D ``waveform`` (-1: the first).
    blackman_coeff, cepstral_lifter, dither, energy_floor, frame_length, frame_shift, high_freq,
    htk_compat, low_freq, num_ceps, min_duration, num_mel_bins, preemphasis_coefficient,
    raw_energy, remove_dc_offset, round_to_power_of_two, sample_frequency, snip_edges,
    subtract_mean, use_energy, vtln_high, vtln_low, vtln_warp, window_type
        torchaudio's keywords, with its defaults; see :class:`Mfcc`.
    dither_seed, num_threads : int or None, keyword-only
        See :class:`Fbank`.

    Returns
    -------
    np.ndarray [shape=(frames, num_ceps)]
        In the input's float dtype (float32 for other input).
    """
    options = {k: v for k, v in locals().items() if k in Mfcc._DEFAULTS and k not in _EXTRA}
    extra = {"dither_seed": dither_seed, "num_threads": num_threads}
    return _run(Mfcc, waveform, channel, options, extra)


def spectrogram(
    waveform: ArrayLike,
    blackman_coeff: float = 0.42,
    channel: int = -1,
    dither: float = 0.0,
    energy_floor: float = 1.0,
    frame_length: float = 25.0,
    frame_shift: float = 10.0,
    min_duration: float = 0.0,
    preemphasis_coefficient: float = 0.97,
    raw_energy: bool = True,
    remove_dc_offset: bool = True,
    round_to_power_of_two: bool = True,
    sample_frequency: float = 16000.0,
    snip_edges: bool = True,
    subtract_mean: bool = False,
    window_type: str = "povey",
    *,
    dither_seed: int | None = None,
    num_threads: int | None = None,
) -> np.ndarray:
    """Kaldi's log power spectrogram: ``torchaudio.compliance.kaldi.spectrogram``;
    see :class:`Spectrogram` and :func:`fbank` (the same input, output and
    differences). Returns ``(frames, fft_length // 2 + 1)``.

    Parameters
    ----------
    waveform : array_like [shape=(time,) or (channels, time)]
        The signal, not rescaled.
    channel : int, default -1
        The row of a 2-D ``waveform`` (-1: the first).
    blackman_coeff, dither, energy_floor, frame_length, frame_shift, min_duration,
    preemphasis_coefficient, raw_energy, remove_dc_offset, round_to_power_of_two,
    sample_frequency, snip_edges, subtract_mean, window_type
        torchaudio's keywords, with its defaults; see :class:`Spectrogram`.
    dither_seed, num_threads : int or None, keyword-only
        See :class:`Fbank`.

    Returns
    -------
    np.ndarray [shape=(frames, fft_length // 2 + 1)]
        In the input's float dtype (float32 for other input).
    """
    options = {k: v for k, v in locals().items() if k in Spectrogram._DEFAULTS and k not in _EXTRA}
    extra = {"dither_seed": dither_seed, "num_threads": num_threads}
    return _run(Spectrogram, waveform, channel, options, extra)
