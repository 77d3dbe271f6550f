"""Stages along frames: ``fastmel.Deltas``, on features from any front end."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from . import _core, _engine
from ._engine import Cmvn, Delta, FramesOptions, Pcen, Stack
from ._frontend import Configured
from ._options import EDGES, Edge, KernelName, as_flag, as_int, as_lengths, as_real, choice

__all__ = ["PCEN", "Deltas", "SlidingCMVN", "StackFrames"]

DeltaMethod = Literal["regression", "recursive", "savgol"]
DELTA_METHODS: tuple[DeltaMethod, ...] = ("regression", "recursive", "savgol")
Keep = Literal["all", "last"]

# The references' conventions (Deltas.from_preset).
_PRESETS: dict[str, dict[str, Any]] = {
    # add-deltas (--delta-order=2 --delta-window=2) on (frames, features).
    "kaldi": dict(order=2, width=5, method="regression", edge="replicate", keep="all", axis=-2),
    # torchaudio.functional.compute_deltas(specgram, win_length=5, mode="replicate").
    "torchaudio": dict(
        order=1, width=5, method="recursive", edge="replicate", keep="last", axis=-1
    ),
    # librosa.feature.delta(data, width=9, order=1, axis=-1, mode="interp").
    "librosa": dict(order=1, width=9, method="savgol", edge="interp", keep="last", axis=-1),
}


def regression_filter(width: int) -> np.ndarray:
    """The delta regression filter of ``width = 2N + 1`` taps: ``k / sum(k^2)``
    for ``k = -N .. N`` (``d[t] = sum_k k x[t + k] / sum_k k^2``)."""
    k = np.arange(width, dtype=np.float64) - (width - 1) // 2
    return k / float((k * k).sum())


def savgol_filter(width: int, order: int) -> np.ndarray:
    """The Savitzky-Golay filter of ``width`` taps for derivative ``order``
    from a polynomial of degree ``order`` (as ``scipy.signal.savgol_coeffs``
    with ``deriv = polyorder = order``, applied as ``sum_k c_k x[t + k]``):
    ``order!`` times row ``order`` of the pseudo-inverse of the Vandermonde
    matrix of ``k = -N .. N``."""
    k = np.arange(width, dtype=np.float64) - (width - 1) // 2
    vander = k[:, None] ** np.arange(order + 1)[None, :]
    return math.factorial(order) * np.linalg.pinv(vander)[order]


class _AlongFrames(Configured):
    """What the stages along frames share: their plans, compiled per dtype
    and number of features on first use (the last few kept), and the frames
    axis."""

    _PLAN_DTYPES = ()
    axis: int
    _cache: dict[tuple[np.dtype, int], Any]

    def _set_axis(self, axis: Any) -> None:
        if isinstance(axis, bool) or axis not in (-1, -2):
            raise ValueError(f"`axis` must be -1 or -2 (the frames axis), got {axis!r}")
        self.axis = int(axis)
        self._cache = {}

    def _frames_options(self, dt: np.dtype, num_features: int) -> FramesOptions:
        raise NotImplementedError  # pragma: no cover - every stage defines it

    # -- streams (fastmel._frames_stream) -----------------------------------------

    def stream(self) -> Any:
        """A stream computing this stage from features that arrive in pieces
        (see :class:`fastmel.FramesStream`): the pieces equal the whole call
        bit for bit.

        Returns
        -------
        FramesStream
        """
        from ._frames_stream import FramesStream

        return FramesStream(self)

    def _stream_check(self) -> None:
        """Raise when this stage cannot stream."""

    def _stream_out_features(self, num_features: int) -> int:
        return int(self._plan(np.dtype(np.float32), num_features).out_features)

    def _stream_ready(self, received: int, final: bool) -> int:
        """The output frames computable from ``received`` input frames (all of
        the signal's with ``final``)."""
        raise NotImplementedError  # pragma: no cover - every streaming stage defines it

    def _stream_window(self, e0: int, e1: int, received: int, final: bool) -> tuple[int, int, int]:
        """The input frames ``[w0, w1)`` whose call gives outputs ``e0 .. e1 - 1``
        exactly, and where output ``e0`` is in that call's output."""
        raise NotImplementedError  # pragma: no cover - every streaming stage defines it

    def _stream_keep(self, emitted: int, received: int) -> int:
        """The first input frame that outputs from ``emitted`` on read, when
        ``received`` have arrived."""
        raise NotImplementedError  # pragma: no cover - every streaming stage defines it

    def _stream_compute(self, st: Any, window: np.ndarray) -> np.ndarray:
        """This stage on a window of a stream's frames (C-contiguous, the stream's dtype)."""
        return _run(self._plan(window.dtype, st.k), window, self.axis, None, self._call_threads())

    def _plan(self, dt: np.dtype, num_features: int) -> Any:
        key = (dt, num_features)
        plan = self._cache.get(key)
        if plan is None:
            if len(self._cache) > 16:
                self._cache.clear()
            options = self._frames_options(dt, num_features)
            plan = self._cache.setdefault(key, _engine.make_frames_plan(options, dt))
        return plan


class Deltas(_AlongFrames):
    """Delta features along frames: Kaldi's add-deltas, torchaudio's
    ``compute_deltas`` and ``librosa.feature.delta``, on any features.

    Delta ``o`` at frame ``t`` is ``sum_j c_o[j] x[t + j - N]`` over a filter
    of ``width = 2N + 1`` taps, computed in one compiled pass without the GIL,
    each row of a batch on its own (``lengths``), bit-identical for any
    ``num_threads``. The filters and the edge rules are the references':

    - ``method="regression"`` (Kaldi): ``c_1[k] = k / sum(k^2)``; order
      ``o`` uses ``c_1`` convolved with itself ``o`` times, on the features
      (Kaldi's ``DeltaFeatures``; ``width`` is ``2 * delta_window + 1``).
    - ``method="recursive"`` (torchaudio): order ``o`` is ``c_1`` applied to
      order ``o - 1``, with the edge rule at every step
      (``compute_deltas`` called ``o`` times).
    - ``method="savgol"`` (librosa): order ``o`` is the Savitzky-Golay
      derivative ``o`` of a polynomial of degree ``o``
      (``scipy.signal.savgol_filter``, which ``librosa.feature.delta`` calls).

    Parameters
    ----------
    order : int, default 2
        The highest delta computed (1 to 8).
    width : int, default 5
        Taps of the first-order filter, odd, >= 3 (Kaldi: ``2 * window +
        1``; torchaudio's ``win_length``; librosa's ``width``).
    method : {"regression", "recursive", "savgol"}, default "regression"
        See above.
    edge : {"replicate", "reflect", "symmetric", "constant", "wrap", "interp"}, default "replicate"
        What the filters read before the first frame and after the last: the
        end frame repeated (Kaldi, torchaudio's default, scipy "nearest"),
        mirrored without (numpy "reflect", scipy "mirror") or with the end
        frame (scipy "reflect"), zeros, the frames periodically, or
        ``"interp"``: frames within ``N`` of an end take the value of the
        nearest frame whose window fits (librosa's default, scipy's
        ``mode="interp"``, exact for ``method="savgol"``; every signal then
        needs at least ``width`` frames, else a ValueError, as librosa's).
        ``"interp"`` is not for ``method="recursive"``.
    keep : {"all", "last"}, default "all"
        ``"all"``: the features, then deltas 1 to ``order``, along the
        feature axis (Kaldi's layout); ``"last"``: delta ``order`` alone
        (librosa, torchaudio).
    axis : {-1, -2}, default -1
        The frames axis of the input: ``-1`` for ``(..., features, frames)``
        (librosa, torchaudio, ``fastmel.MelSpectrogram``), ``-2`` for
        ``(..., frames, features)`` (Kaldi, ``fastmel.kaldi``). The features
        are the other of the last two axes.
    num_threads : int or None, default None
        As :class:`fastmel.MelSpectrogram`'s.
    kernel : {None, "auto", "baseline", "avx2"}, default None
        As :class:`fastmel.MelSpectrogram`'s.

    See Also
    --------
    Deltas.from_preset : the references' defaults.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> mfcc = fastmel.MFCC(n_mfcc=13, fft_length=512, sequence_stride=160, num_mel_bins=40)
    >>> feats = mfcc(np.random.default_rng(0).standard_normal(16000).astype(np.float32))
    >>> fastmel.Deltas(order=2)(feats).shape  # 13 coefficients, their deltas and delta-deltas
    (39, 101)
    >>> fastmel.Deltas.from_preset("librosa")(feats).shape
    (13, 101)
    """

    _DEFAULTS = {
        "order": 2,
        "width": 5,
        "method": "regression",
        "edge": "replicate",
        "keep": "all",
        "axis": -1,
        "num_threads": None,
        "kernel": None,
    }

    order: int
    width: int
    method: DeltaMethod
    edge: Edge
    keep: Keep
    axis: int
    kernel: KernelName | None

    def __init__(
        self,
        order: int = 2,
        width: int = 5,
        *,
        method: DeltaMethod = "regression",
        edge: Edge = "replicate",
        keep: Keep = "all",
        axis: int = -1,
        num_threads: int | None = None,
        kernel: KernelName | None = None,
    ) -> None:
        self.order = as_int("order", order, maximum=8)
        self.width = as_int("width", width, minimum=3, maximum=4095)
        if self.width % 2 == 0:
            raise ValueError(f"`width` must be odd, got {self.width}")
        self.method = choice("method", method, DELTA_METHODS)
        self.edge = choice("edge", edge, EDGES)
        if self.edge == "interp" and self.method == "recursive":
            raise ValueError(
                '`edge="interp"` needs the filters of the features: not with "recursive"'
            )
        self.keep = choice("keep", keep, ("all", "last"))
        self._set_axis(axis)
        self._set_threads(num_threads)
        self.kernel = None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        span = self.order * (self.width - 1) + 1 if self.method == "regression" else self.width
        if span > 4095:
            raise ValueError(f"order {self.order} of a {self.width}-tap filter spans {span} taps")
        self._build()

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> Deltas:
        """Deltas with a reference's defaults.

        Parameters
        ----------
        name : {"kaldi", "torchaudio", "librosa"}
            ``"kaldi"``: ``add-deltas`` (order 2, window 2) on ``(frames,
            features)``, the features and both deltas; ``"torchaudio"``:
            ``torchaudio.functional.compute_deltas(x, win_length=5)``;
            ``"librosa"``: ``librosa.feature.delta(x)`` (width 9, order 1,
            ``mode="interp"``).
        **overrides
            Any :class:`Deltas` argument (``order=2`` for librosa's
            ``order=2``, ``width=9``...).

        Returns
        -------
        Deltas
        """
        if not isinstance(name, str) or name not in _PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose from {sorted(_PRESETS)}")
        return cls(**dict(_PRESETS[name], **overrides))

    def filters(self) -> np.ndarray:
        """The filter of each delta order, centred, zero-padded to one width.

        Returns
        -------
        np.ndarray [shape=(order, taps)]
            float64; row ``o - 1`` gives delta ``o`` from the features
            (``method="recursive"``: from delta ``o - 1``, every row the same).
        """
        if self.method == "savgol":
            return np.stack([savgol_filter(self.width, o) for o in range(1, self.order + 1)])
        first = regression_filter(self.width)
        if self.method == "recursive":
            return np.tile(first, (self.order, 1))
        span = self.order * (self.width - 1) + 1
        rows, f = [], np.ones(1)
        for _ in range(self.order):
            f = np.convolve(f, first)
            pad = (span - f.size) // 2
            rows.append(np.pad(f, (pad, pad)))
        return np.stack(rows)

    def _frames_options(self, dt: np.dtype, num_features: int) -> FramesOptions:
        filters = self.filters()
        order = self.order
        if self.keep == "last" and self.method != "recursive":
            filters, order = filters[-1:], 1  # delta `order` alone, from the features
        elif self.method == "recursive":
            filters = filters[:1]
        return FramesOptions(
            num_features=num_features,
            layout="bands_frames" if self.axis == -1 else "frames_bands",
            delta=Delta(
                order=order, filters=filters, edge=self.edge, recursive=self.method == "recursive"
            ),
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _reach(self) -> int:
        """Frames on each side that an output reads (all orders)."""
        if self.method == "savgol":
            return (self.width - 1) // 2
        return self.order * (self.width - 1) // 2  # the filter convolved (or applied) order times

    def _stream_check(self) -> None:
        if self.edge == "wrap":
            raise TypeError(
                'Deltas with edge="wrap" cannot stream: its first frames read the last ones'
            )

    def _stream_ready(self, received: int, final: bool) -> int:
        h = self._reach()
        if final:
            return received
        if self.edge == "interp" and received < 2 * h + 1:
            return 0  # the first frames take the value of frame h, whose window is not here
        return max(0, received - h)

    def _stream_window(self, e0: int, e1: int, received: int, final: bool) -> tuple[int, int, int]:
        h = self._reach()
        w0 = max(0, e0 - h)
        if final and self.edge == "interp":  # the last frames copy frame n - 1 - h: its window
            w0 = max(0, min(w0, received - (2 * h + 1)))
        w1 = received if final else min(received, e1 + h)
        return w0, w1, e0 - w0

    def _stream_keep(self, emitted: int, received: int) -> int:
        h = self._reach()
        if self.edge == "interp":  # the window of frame n - 1 - h, for the last frames
            return max(0, min(emitted - h, received - (2 * h + 1)))
        return max(0, emitted - h)

    def __call__(
        self,
        features: ArrayLike,
        *,
        lengths: ArrayLike | None = None,
        num_threads: int | None = None,
    ) -> np.ndarray:
        """Deltas of ``features``.

        Parameters
        ----------
        features : np.ndarray [shape=(..., features, frames)] (axis -1) or (..., frames, features)
            float32 and float64 are computed in their own precision, other
            real input in float32.
        lengths : array-like of int [shape=features.shape[:-2]], optional
            Each signal's own frames (the rest is padding): its deltas are
            those of its frames alone, and the frames after them are 0.
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray
            The input's shape with ``features * (1 + order)`` features
            (``keep="all"``) or the input's shape (``keep="last"``), along
            the feature axis.
        """
        a, k, n_frames = _features(features, self.axis)
        lens = None if lengths is None else as_lengths(lengths, a.shape[:-2], n_frames)
        if self.edge == "interp":
            counts = np.array([n_frames]) if lens is None else lens
            span = 2 * self._reach() + 1  # (the filters of every order)
            short = counts[(counts > 0) & (counts < span)]
            if short.size:
                raise ValueError(
                    f'`edge="interp"` needs at least {span} frames per signal (the span of '
                    f"the filters: width {self.width}, order {self.order}), got {int(short[0])}"
                )
        out = _run(self._plan(a.dtype, k), a, self.axis, lens, self._call_threads(num_threads))
        return self._kept(out, k)

    def _kept(self, out: np.ndarray, k: int) -> np.ndarray:
        """The plan's output as the call returns it: with ``keep="last"``, the
        last ``k`` features (a view)."""
        if self.keep == "last":
            return out[..., -k:] if self.axis == -2 else out[..., -k:, :]
        return out

    def _stream_out_features(self, num_features: int) -> int:
        return num_features if self.keep == "last" else num_features * (1 + self.order)

    def _stream_compute(self, st: Any, window: np.ndarray) -> np.ndarray:
        return self._kept(super()._stream_compute(st, window), st.k)


def _features(features: ArrayLike, axis: int) -> tuple[np.ndarray, int, int]:
    """Features as a C-contiguous native float32 or float64 array (other real
    dtypes become float32), with their number of features and of frames."""
    a = np.asarray(features)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"`features` must be real numbers, got dtype {a.dtype}")
    if a.ndim < 2:
        raise ValueError(f"`features` must have a features and a frames axis, got {a.shape}")
    dt = a.dtype if a.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    a = np.ascontiguousarray(a, dtype=dt.newbyteorder("="))
    k, n_frames = (a.shape[-1], a.shape[-2]) if axis == -2 else (a.shape[-2], a.shape[-1])
    if k == 0:
        raise ValueError("`features` has no features")
    return a, k, n_frames


def _run(
    plan: Any,
    a: np.ndarray,
    axis: int,
    lengths: np.ndarray | None,
    threads: int,
    state: np.ndarray | None = None,
    state_in: bool = False,
    part: tuple[int, int | None, int] | None = None,
) -> np.ndarray:
    """``plan`` on the features ``a`` (from ``_features``), each leading index a row."""
    lead = a.shape[:-2]
    rows = math.prod(lead)
    frames = a.shape[-2] if axis == -2 else a.shape[-1]
    x = a.reshape((rows,) + a.shape[-2:])
    out = np.empty(plan.out_shape(rows, frames), a.dtype)  # (fewer frames when stacking)
    if rows:
        plan.compute(x, out, threads, lengths=lengths, state=state, state_in=state_in, part=part)
    return out.reshape(lead + out.shape[1:])


class PCEN(_AlongFrames):
    """Per-channel energy normalisation, as ``librosa.pcen`` computes it, on
    any linear spectrogram.

    Per feature, the smoother ``M[t] = b S[t] + (1 - b) M[t - 1]`` (scipy's
    ``lfilter``, in float64, starting from librosa's state ``zi = 1 - b``:
    as if ``M[-1] = 1``), then ``g = (eps + M) ** -gain`` and the output
    ``(S g + bias) ** power - bias ** power`` (``log1p(S g)`` when ``power
    == 0``, ``(S g) ** power`` when ``bias == 0``), with librosa's formulas.
    One compiled pass without the GIL, each row of a batch on its own
    (``lengths``), bit-identical for any ``num_threads``. The smoother's state
    can be carried from one call to the next (``zi``, ``return_zf``), so that
    a signal processed in pieces gives what it gives whole.

    Parameters
    ----------
    sampling_rate : float, default 22050
        librosa's ``sr``, Hz.
    hop_length : int, default 512
        Samples between frames.
    gain, bias, power : float, default 0.98, 2.0, 0.5
        ``alpha``, ``delta`` and ``r`` of Wang et al. (>= 0).
    time_constant : float, default 0.4
        Seconds; ``b = (sqrt(1 + 4 T^2) - 1) / (2 T^2)`` with ``T =
        time_constant * sampling_rate / hop_length`` frames, as librosa.
    eps : float, default 1e-6
        The floor inside the smoother's power (> 0).
    b : float or None, default None
        The smoothing coefficient in (0, 1] itself (then ``time_constant`` is
        not used).
    axis : {-1, -2}, default -1
        The frames axis: ``-1`` for ``(..., features, frames)`` (librosa),
        ``-2`` for ``(..., frames, features)``.
    num_threads : int or None, default None
        As :class:`fastmel.MelSpectrogram`'s.
    kernel : {None, "auto", "baseline", "avx2"}, default None
        As :class:`fastmel.MelSpectrogram`'s.

    Notes
    -----
    float32 input gives float32 output (librosa returns float64): computed
    with the smoother in float64 and the powers and logarithms in float32
    vectors, within about 3e-6 of the output's largest value (and of each value:
    no step subtracts two close numbers, so quiet input keeps its precision). float64 input
    is computed with the C library's functions, as librosa.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> mel = fastmel.MelSpectrogram(fft_length=1024, sequence_stride=512, num_mel_bins=64,
    ...                              sampling_rate=22050, power_to_db=False)
    >>> x = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> pcen = fastmel.PCEN(sampling_rate=22050, hop_length=512)
    >>> pcen(mel(x) * 2**31).shape
    (64, 44)
    """

    _DEFAULTS = {
        "sampling_rate": 22050.0,
        "hop_length": 512,
        "gain": 0.98,
        "bias": 2.0,
        "power": 0.5,
        "time_constant": 0.4,
        "eps": 1e-6,
        "b": None,
        "axis": -1,
        "num_threads": None,
        "kernel": None,
    }

    sampling_rate: float
    hop_length: int
    gain: float
    bias: float
    power: float
    time_constant: float
    eps: float
    b: float | None
    axis: int
    kernel: KernelName | None

    def __init__(
        self,
        sampling_rate: float = 22050.0,
        hop_length: int = 512,
        gain: float = 0.98,
        bias: float = 2.0,
        power: float = 0.5,
        time_constant: float = 0.4,
        eps: float = 1e-6,
        b: float | None = None,
        *,
        axis: int = -1,
        num_threads: int | None = None,
        kernel: KernelName | None = None,
    ) -> None:
        self.sampling_rate = as_real("sampling_rate", sampling_rate, minimum=0, strict=True)
        self.hop_length = as_int("hop_length", hop_length)
        self.gain = as_real("gain", gain, minimum=0)
        self.bias = as_real("bias", bias, minimum=0)
        self.power = as_real("power", power, minimum=0)
        self.time_constant = as_real("time_constant", time_constant, minimum=0, strict=True)
        self.eps = as_real("eps", eps, minimum=0, strict=True)
        if b is not None:
            b = as_real("b", b, minimum=0, strict=True)
            if b > 1:
                raise ValueError(f"`b` must be in (0, 1], got {b!r}")
        self.b = b
        if b is None and not self.smoothing > 0:
            raise ValueError(
                f"`time_constant` * `sampling_rate` / `hop_length` = "
                f"{self._time_frames():g} frames is too long: the smoother's coefficient "
                "comes out 0"
            )
        self._set_axis(axis)
        self._set_threads(num_threads)
        self.kernel = None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        self._build()

    @property
    def smoothing(self) -> float:
        """The smoothing coefficient ``b`` (given, or from ``time_constant``)."""
        if self.b is not None:
            return self.b
        t = self._time_frames()
        try:
            return (math.sqrt(1 + 4 * t**2) - 1) / (2 * t**2)  # librosa's formula
        except OverflowError:  # t**2 past the floats: the same value, without the square
            return 2.0 / (1.0 + math.hypot(1.0, 2.0 * t))

    def _time_frames(self) -> float:
        """The time constant in frames."""
        return self.time_constant * self.sampling_rate / float(self.hop_length)

    def _frames_options(self, dt: np.dtype, num_features: int) -> FramesOptions:
        b = self.smoothing
        return FramesOptions(
            num_features=num_features,
            layout="bands_frames" if self.axis == -1 else "frames_bands",
            pcen=Pcen(
                enabled=True,
                smooth=b,
                initial=-(b - 1.0),  # scipy's lfilter_zi([b], [1, b - 1])
                gain=self.gain,
                bias=self.bias,
                power=self.power,
                eps=self.eps,
            ),
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _stream_ready(self, received: int, final: bool) -> int:
        return received  # the smoother looks back only: every frame at once

    def _stream_window(self, e0: int, e1: int, received: int, final: bool) -> tuple[int, int, int]:
        return e0, e1, 0

    def _stream_keep(self, emitted: int, received: int) -> int:
        return emitted

    def _stream_compute(self, st: Any, window: np.ndarray) -> np.ndarray:
        # The new frames from the smoother's state after the previous ones.
        rows = math.prod(st.lead)
        state = np.empty((rows, st.k))
        if st.zi is not None:
            state[...] = st.zi
        plan = self._plan(window.dtype, st.k)
        out = _run(plan, window, self.axis, None, self._call_threads(), state, st.zi is not None)
        st.zi = state
        return out

    def __call__(
        self,
        S: ArrayLike,
        *,
        zi: ArrayLike | None = None,
        return_zf: bool = False,
        lengths: ArrayLike | None = None,
        num_threads: int | None = None,
    ) -> Any:
        """PCEN of the linear spectrogram ``S``.

        Parameters
        ----------
        S : np.ndarray [shape=(..., features, frames)] (axis -1) or (..., frames, features)
            Non-negative (a power or magnitude spectrogram; librosa suggests
            scaling float audio's by ``2**31``). float32 and float64 are
            computed in their own precision, other real input in float32.
        zi : array-like, optional
            The smoother's initial state, as librosa's: a scalar or an array
            broadcastable to ``S`` with the frames axis of length 1; default
            ``1 - b`` (the steady state of a constant input 1).
        return_zf : bool, default False
            Also return the final state (the ``zi`` that continues the signal).
        lengths : array-like of int [shape=S.shape[:-2]], optional
            Each signal's own frames (the rest is padding, whose output is 0);
            its ``zf`` is the state after its own last frame.
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray
            The shape and dtype of ``S``; with ``return_zf``, the tuple
            ``(output, zf)``, ``zf`` float64 of ``S``'s shape with the frames
            axis of length 1.
        """
        a, k, n_frames = _features(S, self.axis)
        lead = a.shape[:-2]
        lens = None if lengths is None else as_lengths(lengths, lead, n_frames)
        rows = math.prod(lead)
        state_shape = lead + ((1, k) if self.axis == -2 else (k, 1))
        state = None
        if zi is not None or return_zf:
            state = np.empty((rows, k))
            if zi is not None:
                z = np.asarray(zi, dtype=np.float64)
                try:
                    state[...] = np.broadcast_to(z, state_shape).reshape(rows, k)
                except ValueError:
                    raise ValueError(
                        f"`zi` of shape {z.shape} does not broadcast to {state_shape}"
                    ) from None
        out = _run(
            self._plan(a.dtype, k),
            a,
            self.axis,
            lens,
            self._call_threads(num_threads),
            state,
            zi is not None,
        )
        if not return_zf:
            return out
        assert state is not None
        return out, state.reshape(state_shape)


class SlidingCMVN(_AlongFrames):
    """Sliding-window mean (and variance) normalisation: Kaldi's
    ``apply-cmvn-sliding`` and ``torchaudio.functional.sliding_window_cmn``.

    Each frame loses the mean of its features over a window of frames (and
    with ``norm_vars`` is divided by their standard deviation), the window
    placed as Kaldi places it: without ``center`` the ``cmn_window`` frames
    before it and itself, except that the first frames look ahead to
    ``min_cmn_window`` frames; with ``center`` ``cmn_window`` frames around
    it; near the end of a signal shorter than that, moved left. Sums are in
    float64 (torchaudio keeps running sums in the input's dtype), sliding
    from frame to frame and taken afresh every 256 frames of the signal, of
    the values less a value of the window (so that a feature far from 0
    keeps its digits); the variance is the mean of squares less the squared
    mean, as Kaldi's (a constant feature gives inf or NaN with
    ``norm_vars``, as there). One compiled pass without the GIL, each signal
    of a padded batch on its own (``lengths``). It streams (:meth:`stream`):
    a frame is returned once its window has arrived (``min_cmn_window``
    frames at the start; ``cmn_window / 2`` ahead with ``center``), equal to
    the whole call's bit for bit.

    Parameters
    ----------
    cmn_window : int, default 600
        Frames in the window (>= 1).
    min_cmn_window : int, default 100
        Without ``center``: the frames the first windows reach ahead to.
    center : bool, default False
        Centre the window on its frame.
    norm_vars : bool, default False
        Also divide by the standard deviation (0 for a window of one frame).
    axis : {-2, -1}, default -2
        The frames axis: ``-2`` for ``(..., frames, features)`` (Kaldi,
        torchaudio, ``fastmel.kaldi``), ``-1`` for ``(..., features, frames)``.
    num_threads : int or None, default None
        As :class:`fastmel.MelSpectrogram`'s.
    kernel : {None, "auto", "baseline", "avx2"}, default None
        As :class:`fastmel.MelSpectrogram`'s.

    Notes
    -----
    A 2-D input of one frame keeps its shape (torchaudio squeezes it to
    ``(features,)``).

    Examples
    --------
    >>> import numpy as np, fastmel, fastmel.kaldi
    >>> x = np.random.default_rng(0).standard_normal(16000) * 3000
    >>> feats = fastmel.kaldi.Fbank(num_mel_bins=40)(x)          # (98, 40)
    >>> fastmel.SlidingCMVN(cmn_window=300, center=True)(feats).shape
    (98, 40)
    """

    _DEFAULTS = {
        "cmn_window": 600,
        "min_cmn_window": 100,
        "center": False,
        "norm_vars": False,
        "axis": -2,
        "num_threads": None,
        "kernel": None,
    }

    cmn_window: int
    min_cmn_window: int
    center: bool
    norm_vars: bool
    kernel: KernelName | None

    def __init__(
        self,
        cmn_window: int = 600,
        min_cmn_window: int = 100,
        center: bool = False,
        norm_vars: bool = False,
        *,
        axis: int = -2,
        num_threads: int | None = None,
        kernel: KernelName | None = None,
    ) -> None:
        self.cmn_window = as_int("cmn_window", cmn_window)
        self.min_cmn_window = as_int("min_cmn_window", min_cmn_window, minimum=0)
        self.center = as_flag("center", center)
        self.norm_vars = as_flag("norm_vars", norm_vars)
        self._set_axis(axis)
        self._set_threads(num_threads)
        self.kernel = None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        self._build()

    def _frames_options(self, dt: np.dtype, num_features: int) -> FramesOptions:
        return FramesOptions(
            num_features=num_features,
            layout="bands_frames" if self.axis == -1 else "frames_bands",
            cmvn=Cmvn(
                enabled=True,
                window=self.cmn_window,
                min_window=self.min_cmn_window,
                center=self.center,
                norm_vars=self.norm_vars,
            ),
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _window(self, t: int, total: int | None) -> tuple[int, int]:
        """Frame ``t``'s window ``[a, b)`` in a signal of ``total`` frames (None:
        not yet known), as the core places it."""
        c = self.cmn_window
        a = t - c // 2 if self.center else t - c
        b = a + c if self.center else t + 1
        if a < 0:
            b, a = b - a, 0
        if not self.center:
            b = max(t + 1, self.min_cmn_window)
        if total is not None and b > total:
            a, b = max(0, a - (b - total)), total
        return a, b

    def _stream_ready(self, received: int, final: bool) -> int:
        if final:
            return received
        # the frames whose window has arrived (its end grows with the frame)
        c = self.cmn_window
        if self.center:
            return max(0, received - (c - c // 2) + 1) if received >= c else 0
        return received if received >= self.min_cmn_window else 0

    def _block_start(self, t: int) -> int:
        return t - t % _core.CMVN_BLOCK

    def _stream_window(self, e0: int, e1: int, received: int, final: bool) -> tuple[int, int, int]:
        # From the window of the first frame of e0's block, where the sums start.
        w0 = self._window(self._block_start(e0), received if final else None)[0]
        return w0, received, e0 - w0

    def _stream_keep(self, emitted: int, received: int) -> int:
        # What the next call's w0 can be: moved left at most to received - window.
        w0 = self._window(self._block_start(emitted), None)[0]
        return max(0, min(w0, received - max(self.cmn_window, self.min_cmn_window)))

    def _stream_compute(self, st: Any, window: np.ndarray) -> np.ndarray:
        w0, _, skip = self._stream_window(st.emitted, 0, st.received, st.done)
        part = (w0, st.received if st.done else None, skip)
        return _run(
            self._plan(window.dtype, st.k), window, self.axis, None, self._call_threads(), part=part
        )

    def __call__(
        self,
        features: ArrayLike,
        *,
        lengths: ArrayLike | None = None,
        num_threads: int | None = None,
    ) -> np.ndarray:
        """The normalised features.

        Parameters
        ----------
        features : np.ndarray [shape=(..., frames, features)] (axis -2) or (..., features, frames)
            float32 and float64 are computed in their own precision, other
            real input in float32.
        lengths : array-like of int [shape=features.shape[:-2]], optional
            Each signal's own frames (the rest is padding, whose output is 0).
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray
            The shape and dtype of ``features``.
        """
        a, k, n_frames = _features(features, self.axis)
        lens = None if lengths is None else as_lengths(lengths, a.shape[:-2], n_frames)
        return _run(self._plan(a.dtype, k), a, self.axis, lens, self._call_threads(num_threads))


class StackFrames(_AlongFrames):
    """Frames stacked into wider, rarer frames: FunASR's low frame rate (LFR).

    Output frame ``i`` is input frames ``i * step - left`` to ``i * step -
    left + size - 1``, one after the other along the feature axis, the frame
    index clamped to the signal (its first frame repeated ``left`` times
    before it, its last one after it as needed); a signal of ``n`` frames
    gives ``ceil(n / step)`` of them. FunASR (and transformers'
    ``FunAsrNanoFeatureExtractor``): ``size=7, step=6``, ``left=3``.

    Parameters
    ----------
    size : int, default 7
        Frames per output frame (1 to 65536).
    step : int, default 6
        Frames between output frames.
    left : int or None, default None
        Copies of the first frame before it; None: ``(size - 1) // 2``.
    axis : {-2, -1}, default -2
        The frames axis: ``-2`` for ``(..., frames, features)`` (Kaldi,
        FunASR), ``-1`` for ``(..., features, frames)``.
    num_threads : int or None, default None
        As :class:`fastmel.MelSpectrogram`'s.
    kernel : {None, "auto", "baseline", "avx2"}, default None
        As :class:`fastmel.MelSpectrogram`'s.

    Examples
    --------
    >>> import numpy as np, fastmel, fastmel.kaldi
    >>> x = np.random.default_rng(0).standard_normal(16000) * 3000
    >>> feats = fastmel.kaldi.Fbank(num_mel_bins=80, window_type="hamming")(x)
    >>> feats.shape, fastmel.StackFrames()(feats).shape
    ((98, 80), (17, 560))
    """

    _DEFAULTS = {
        "size": 7,
        "step": 6,
        "left": None,
        "axis": -2,
        "num_threads": None,
        "kernel": None,
    }

    size: int
    step: int
    left: int | None
    kernel: KernelName | None

    def __init__(
        self,
        size: int = 7,
        step: int = 6,
        left: int | None = None,
        *,
        axis: int = -2,
        num_threads: int | None = None,
        kernel: KernelName | None = None,
    ) -> None:
        self.size = as_int("size", size, maximum=65536)
        self.step = as_int("step", step)
        self.left = None if left is None else as_int("left", left, minimum=0)
        self._set_axis(axis)
        self._set_threads(num_threads)
        self.kernel = None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        self._build()

    def _frames_options(self, dt: np.dtype, num_features: int) -> FramesOptions:
        left = self._left()
        return FramesOptions(
            num_features=num_features,
            layout="bands_frames" if self.axis == -1 else "frames_bands",
            stack=Stack(size=self.size, step=self.step, left=left),
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _left(self) -> int:
        return (self.size - 1) // 2 if self.left is None else self.left

    def _stream_ready(self, received: int, final: bool) -> int:
        total = -(-received // self.step)
        if final:
            return total
        # output i stacks up to frame i * step - left + size - 1
        last = received - self.size + self._left()
        return min(total, last // self.step + 1) if last >= 0 else 0

    def _stream_window(self, e0: int, e1: int, received: int, final: bool) -> tuple[int, int, int]:
        # From an output at least `left` frames before e0's first, so that
        # no frame of theirs is clamped to the window's first.
        s0 = max(0, e0 - -(-self._left() // self.step))
        return s0 * self.step, received, e0 - s0

    def _stream_keep(self, emitted: int, received: int) -> int:
        return max(0, emitted - -(-self._left() // self.step)) * self.step

    def __call__(
        self,
        features: ArrayLike,
        *,
        lengths: ArrayLike | None = None,
        num_threads: int | None = None,
    ) -> Any:
        """The stacked frames.

        Parameters
        ----------
        features : np.ndarray [shape=(..., frames, features)] (axis -2) or (..., features, frames)
            float32 and float64 are computed in their own precision, other
            real input in float32.
        lengths : array-like of int [shape=features.shape[:-2]], optional
            Each signal's own frames: its stacked frames are those of its
            frames alone, the later ones 0.
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray
            ``ceil(frames / step)`` frames of ``size * features`` features;
            with ``lengths``, the tuple ``(stacked, frames)``: also each
            signal's own count of stacked frames, int64 of
            ``features.shape[:-2]``.
        """
        a, k, n_frames = _features(features, self.axis)
        lens = None if lengths is None else as_lengths(lengths, a.shape[:-2], n_frames)
        out = _run(self._plan(a.dtype, k), a, self.axis, lens, self._call_threads(num_threads))
        if lens is None:
            return out
        counts = -(-lens.astype(np.int64) // self.step)
        return out, counts.reshape(a.shape[:-2])
