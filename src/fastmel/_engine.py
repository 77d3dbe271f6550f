"""The engine's options, stage by stage, and the plans built from them.

Each front end (``fastmel.FrontEnd``) is a configuration of one staged frame
pipeline, written here as frozen dataclasses that mirror the stage structs of
``csrc/fastmel.h`` field for field (same names, same meaning; enums by name). A front end fills
in the stages it uses; the others keep defaults that cost nothing in the
per-frame loop. ``make_plan`` compiles them for one dtype.

Adding a scalar field to a stage: the struct in ``csrc/fastmel.h`` (with its
one-line comment, and its range in ``valid_options`` of ``csrc/plan.cpp``),
its declaration in ``_core.pxd``, its field and default here, and its use in
``csrc/kernel_impl.hpp``. The binding converts every scalar field by name.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _core
from ._filters import sparse_bands
from ._options import (
    Edge,
    Energy,
    FloorMode,
    KernelName,
    Layout,
    NormMode,
    PadMode,
    centre_pad,
    choice,
)


def _default_kernel() -> KernelName:
    """FASTMEL_KERNEL, read once at import: the kernel of plans that do not name one.
    A value that names no kernel (a typo) is reported in one line, a
    RuntimeWarning, and "auto" is used."""
    name = os.environ.get("FASTMEL_KERNEL", "auto") or "auto"
    if name not in KERNELS:
        warnings.warn(
            f"FASTMEL_KERNEL={name!r} names no kernel (one of {', '.join(KERNELS)}); using 'auto'",
            RuntimeWarning,
            stacklevel=2,
        )
        return "auto"
    return choice("FASTMEL_KERNEL", name, KERNELS)


KERNELS: tuple[KernelName, ...] = ("auto", "baseline", "avx2")
DEFAULT_KERNEL: KernelName = _default_kernel()


class _Stage:
    """Scalar fields (what the C struct holds) of a stage dataclass."""

    _arrays: tuple[str, ...] = ()

    def scalars(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name not in self._arrays
        }


@dataclass(frozen=True)
class Framing(_Stage):
    """Frame ``t`` is the ``frame_length`` samples from signal index
    ``t * hop + start``; it exists when ``t * hop + reach <= N``."""

    frame_length: int  # W: samples per frame (the window's length)
    hop: int  # samples between the starts of consecutive frames
    start: int = 0  # signal index of frame 0's first sample (< 0: padding)
    reach: int | None = None  # frame t exists when t*hop + reach <= N; None: frame_length
    drop_last: int = 0  # frames left out at the end
    pad_mode: PadMode = "reflect"  # what frames read beyond the signal
    # c: frames read y[0] = x[0], y[j] = x[j] - c x[j-1] of each row's own
    # samples (padded as pad_mode says) instead of x; 0: x itself
    signal_preemphasis: float = 0.0

    def scalars(self) -> dict[str, Any]:
        d = super().scalars()
        d["reach"] = self.frame_length if self.reach is None else self.reach
        return d

    @classmethod
    def centred(
        cls,
        fft_length: int,
        frame_length: int,
        hop: int,
        *,
        center: bool = True,
        pad_mode: PadMode = "reflect",
        drop_last: int = 0,
    ) -> Framing:
        """torch.stft's and librosa's frames: frame ``t`` is the ``fft_length``
        samples from ``t * hop`` of the signal padded with ``fft_length // 2``
        samples at both ends (by ``pad_mode``; no padding without ``center``),
        of which the middle ``frame_length`` (the window's; see
        :meth:`Spectrum.centred`) are read."""
        pad = centre_pad(fft_length, center)
        return cls(
            frame_length=frame_length,
            hop=hop,
            start=(fft_length - frame_length) // 2 - pad,
            reach=fft_length - 2 * pad,
            drop_last=drop_last,
            pad_mode=pad_mode,
        )

    @classmethod
    def kaldi(cls, frame_length: int, hop: int, *, snip_edges: bool) -> Framing:
        """Kaldi's frames: with ``snip_edges`` those that fit in the signal
        (``1 + (N - W) // hop``), else ``(N + hop // 2) // hop`` frames centred
        on ``t * hop + hop / 2``, reading Kaldi's reflection (the end sample
        repeated) past the ends."""
        if snip_edges:
            return cls(frame_length=frame_length, hop=hop, reach=frame_length, pad_mode="symmetric")
        return cls(
            frame_length=frame_length,
            hop=hop,
            start=hop // 2 - frame_length // 2,
            reach=hop - hop // 2,
            pad_mode="symmetric",
        )

    def for_stream(self, left: int) -> Framing:
        """The same frames read from a stream's buffer, which holds ``left``
        padding samples and then the signal: no padding of its own, a frame
        wherever its samples are all there, nothing dropped."""
        if self.signal_preemphasis:
            raise ValueError("signal pre-emphasis does not stream yet")
        start = self.start + left
        return Framing(
            frame_length=self.frame_length,
            hop=self.hop,
            start=start,
            reach=start + self.frame_length,
        )


@dataclass(frozen=True, eq=False)
class Condition(_Stage):
    """Per-frame conditioning, in Kaldi's order: dither, DC removal, raw
    energy, pre-emphasis, window, windowed energy."""

    _arrays = ("window",)
    dither: float = 0.0  # std of the Gaussian noise added to each frame's samples
    dither_seed: int = 0  # the noise is a function of (seed, row, frame index, sample)
    remove_dc: bool = False  # subtract each frame's mean
    preemphasis: float = 0.0  # x[j] -= c x[j-1], x[0] -= c x[0]
    window: np.ndarray | None = None  # W values; None: a rectangle
    energy: Energy = "none"  # which frame energy, if any
    energy_min: float = float(np.finfo(np.float32).eps)  # ln(max(energy, energy_min))
    energy_floor: float = -np.inf  # then max(., energy_floor)


@dataclass(frozen=True)
class Spectrum(_Stage):
    """The real FFT of the frame, placed ``fft_offset`` zeros into the FFT input."""

    fft_length: int  # n >= W
    fft_offset: int = 0  # zeros before the frame, <= n - W
    mag_exp: float = 2.0  # p in |X|^p
    power_floor: float = 0.0  # |X|^2 = max(|X|^2, power_floor) before the exponent
    power_offset: float = 0.0  # then |X|^2 + power_offset; |X|^p is that ** (p / 2)

    @classmethod
    def centred(cls, fft_length: int, frame_length: int, mag_exp: float = 2.0) -> Spectrum:
        """A frame of ``frame_length`` samples in the middle of the FFT input
        (torch.stft's and librosa's window placement)."""
        return cls(
            fft_length=fft_length, fft_offset=(fft_length - frame_length) // 2, mag_exp=mag_exp
        )


@dataclass(frozen=True, eq=False)
class Bank(_Stage):
    """Sparse bands: band m sums weights[off_m + j] * |X|^p[first[m] + j]."""

    _arrays = ("first", "length", "weights")
    first: np.ndarray  # first bin of each band
    length: np.ndarray  # bins in each band (0 allowed)
    weights: np.ndarray  # sum(length) weights, band after band

    def scalars(self) -> dict[str, Any]:
        return {"num_bands": len(self.first)}

    @classmethod
    def from_dense(cls, matrix: Any) -> Bank:
        """A dense ``(bins, bands)`` bank, each band kept from its first to its
        last non-zero weight, in float64."""
        first, length, weights = sparse_bands(np.asarray(matrix, dtype=np.float64))
        return cls(first=first, length=length, weights=weights)


@dataclass(frozen=True)
class Log(_Stage):
    """out = log_scale (log10(max(B + log_offset, min_power)) -
    log10(max(|ref_power|, min_power))) + out_offset."""

    enabled: bool = False  # False: bands as they are (and no floor)
    log_scale: float = 10.0  # 10: dB; ln(10): natural log
    log_offset: float = 0.0  # added before the log
    out_offset: float = 0.0  # added after the log
    min_power: float = 1e-10  # floor inside the log
    ref_power: float = 1.0  # reference power


@dataclass(frozen=True)
class Floor(_Stage):
    """out = max(out, maximum - range), before the post matrix."""

    mode: FloorMode = "none"  # maximum over the call ("batch") or each row
    range: float = 0.0  # in output units


@dataclass(frozen=True, eq=False)
class Post(_Stage):
    """Per frame: an optional dense matrix, an optional bias, the energy's
    slot, the layout."""

    _arrays = ("matrix", "bias")
    matrix: np.ndarray | None = None  # (K, bands); None: the bands as they are
    bias: np.ndarray | None = None  # (K,) (or (bands,)) added after the matrix; None: none
    energy_insert: bool = True  # insert the energy as a feature (else replace one)
    energy_index: int = 0  # its position
    layout: Layout = "bands_frames"  # or "frames_bands"
    fill: float = 0.0  # frames past a row's own length

    def scalars(self) -> dict[str, Any]:
        d = super().scalars()
        d["num_features"] = 0 if self.matrix is None else int(np.shape(self.matrix)[0])
        return d


@dataclass(frozen=True)
class Norm(_Stage):
    """Per row and feature over the row's own frames but its last
    ``exclude_last`` (which take ``Post.fill``): (x - mean) / s, with
    s = sqrt(var) + eps, or sqrt(var + eps) when eps_in_sqrt; var divides by
    frames - ddof."""

    mode: NormMode = "none"  # "mean" subtracts the mean; "mean_std" also scales
    ddof: int = 0  # 1 for the sample variance
    eps: float = 0.0  # see above
    eps_in_sqrt: bool = False  # eps added to the variance under the square root
    exclude_last: int = 0  # a row's last frames left out of the statistics


@dataclass(frozen=True, eq=False)
class EngineOptions:
    """Every stage of one plan."""

    framing: Framing
    spectrum: Spectrum
    bank: Bank
    condition: Condition = field(default_factory=Condition)
    log: Log = field(default_factory=Log)
    floor: Floor = field(default_factory=Floor)
    post: Post = field(default_factory=Post)
    norm: Norm = field(default_factory=Norm)
    kernel: KernelName = DEFAULT_KERNEL


@dataclass(frozen=True, eq=False)
class Delta(_Stage):
    """d_o[t] = sum_j filters[o - 1][j] x_o[t + j - (width - 1) / 2], x_o the
    features (or d_{o-1} when recursive), read past the ends as ``edge`` says."""

    _arrays = ("filters",)
    order: int = 0  # deltas appended per frame (0: none)
    filters: np.ndarray | None = None  # (order, width), or (1, width) when recursive
    edge: Edge = "replicate"  # what the filter reads past the ends
    recursive: bool = False  # order o filters order o - 1 with filters[0]

    @property
    def width(self) -> int:
        return 1 if self.filters is None else int(np.shape(self.filters)[-1])


@dataclass(frozen=True)
class Pcen(_Stage):
    """librosa's pcen, per feature: M[t] = smooth x[t] + z, z = (1 - smooth)
    M[t] (scipy's lfilter state), g = (eps + M)^-gain, then log1p(x g) (power
    0), (x g)^power (bias 0) or (x g + bias)^power - bias^power, computed as
    librosa writes them."""

    enabled: bool = False  # PCEN before the deltas
    smooth: float = 1.0  # b in (0, 1]
    initial: float = 0.0  # z before the first frame without a state (librosa: 1 - b)
    gain: float = 0.98
    bias: float = 2.0
    power: float = 0.5
    eps: float = 1e-6


@dataclass(frozen=True)
class Cmvn(_Stage):
    """Sliding-window mean (and variance) normalisation: Kaldi's
    apply-cmvn-sliding, torchaudio's sliding_window_cmn (fm_cmvn_opts)."""

    enabled: bool = False  # after PCEN, before the deltas
    window: int = 600  # frames in the window (cmn_window)
    min_window: int = 100  # without center, the first frames look ahead to this many
    center: bool = False  # windows centred on their frame
    norm_vars: bool = False  # also divide by the standard deviation


@dataclass(frozen=True)
class Stack(_Stage):
    """Frame stacking (FunASR's LFR), last: output frame i holds frames
    i*step - left .. + size - 1, clamped to the row's frames; ceil(n / step)
    output frames of n (fm_stack_opts)."""

    size: int = 0  # frames per output frame (0: no stacking)
    step: int = 1  # frames between output frames (>= 1 when stacking)
    left: int = 0  # copies of frame 0 before the first


@dataclass(frozen=True, eq=False)
class FramesOptions:
    """The stages along frames of one plan: on features ``(rows, K, frames)``
    or ``(rows, frames, K)``."""

    num_features: int  # K
    layout: Layout = "bands_frames"  # of the input and the output
    pcen: Pcen = field(default_factory=Pcen)
    cmvn: Cmvn = field(default_factory=Cmvn)
    delta: Delta = field(default_factory=Delta)
    stack: Stack = field(default_factory=Stack)
    fill: float = 0.0  # frames past a row's own length
    kernel: KernelName = DEFAULT_KERNEL


def make_frames_plan(options: FramesOptions, dtype: np.dtype | type) -> _core.FramesPlan:
    """The compiled plan of the stages along frames for ``dtype``."""
    return _core.FramesPlan(options, dtype)


def make_plan(options: EngineOptions, dtype: np.dtype | type) -> _core.Plan:
    """The compiled plan of ``options`` for ``dtype`` (float32 or float64)."""
    return _core.Plan(options, dtype)


def run(
    plan: _core.Plan, a: np.ndarray | list[np.ndarray], target: np.ndarray, threads: int,
    **kwargs: Any,
) -> None:  # fmt: skip
    """``plan`` on the signals ``a`` ``(..., samples)`` (of the plan's dtype, from
    ``as_signal``) into ``target`` (the result, C-contiguous); ``kwargs`` go to
    ``Plan.compute`` (lengths, one per row, and the rest; ``n_samples`` is
    the rows' length when ``a`` holds only their start). ``a`` may also be a
    list of 1-D rows, each its row's start (zeros after it, not stored),
    ``n_samples`` (default: the longest) their length: clips held apart in
    one call without copying them into a batch (a row is copied only when it
    is not contiguous or not of the plan's dtype). A float64 plan reads
    float32 samples (an array, or rows all float32) as they are, each widened
    exactly as the core reads it."""
    if isinstance(a, list):
        if a:
            narrow = all(getattr(r, "dtype", None) == np.float32 for r in a)
            dtype = np.float32 if narrow and plan.dtype == np.float64 else plan.dtype
            a = [np.ascontiguousarray(r, dtype=dtype) for r in a]
            logical = kwargs.get("n_samples") or max(max(r.shape[0] for r in a), 1)
            plan.compute(a, target.reshape(plan.out_shape(len(a), logical)), threads, **kwargs)
        return
    lead, n = a.shape[:-1], a.shape[-1]
    rows = math.prod(lead)  # Python ints: no overflow, and no NumPy call's overhead
    if rows == 0:
        return
    x2 = a.reshape(rows, n)  # a view for any layout numpy can express so
    if x2.strides[0] % a.itemsize or x2.strides[1] % a.itemsize:
        x2 = np.ascontiguousarray(x2)
    logical = kwargs.get("n_samples") or n  # more than x holds: unstored zeros after
    plan.compute(x2, target.reshape(plan.out_shape(rows, logical)), threads, **kwargs)


def available_kernels() -> tuple[str, ...]:
    """The kernels that run on this machine (always "baseline"; "avx2" on x86-64
    with AVX2 and FMA when built)."""
    return tuple(k for k in KERNELS if k != "auto" and _core.kernel_available(k))


def kernel_info(kernel: KernelName | None = None) -> dict[str, Any]:
    """The instruction set and SIMD lanes of the kernel that plans naming
    ``kernel`` (None: the process default) run."""
    name = DEFAULT_KERNEL if kernel is None else choice("kernel", kernel, KERNELS)
    options = EngineOptions(
        framing=Framing(frame_length=2, hop=1),
        spectrum=Spectrum(fft_length=2),
        bank=Bank(first=np.zeros(1, np.uintp), length=np.ones(1, np.uintp), weights=np.ones(1)),
        kernel=name,
    )
    f32, f64 = make_plan(options, np.float32), make_plan(options, np.float64)
    return {"kernel": f32.isa, "lanes_float32": f32.lanes, "lanes_float64": f64.lanes}
