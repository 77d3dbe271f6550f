"""``torchaudio.transforms``' feature transforms, computed by fastmel.

Same names, constructor arguments and defaults as torchaudio 2.11, callable
on ``(..., time)`` input (``(..., freq, time)`` for ``AmplitudeToDB``,
``MelScale`` and ``ComputeDeltas``). A tensor in (CPU, no grad) gives a
tensor out of its dtype; a NumPy array gives a NumPy array, and torch is not
imported. Built while torch is imported, a transform is also a
``torch.nn.Module`` (it sits in ``nn.Sequential``); built without it, a
plain callable. Options are fixed after construction. Every transform takes
one more keyword, ``num_threads`` (fastmel's: None follows
:func:`fastmel.set_num_threads`).

Each computes its whole chain (STFT, ``|X| ** power``, bank, log, DCT) in
one pass of fastmel's engine without the GIL; what differs from torchaudio
is listed on each class.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._options import as_int, choice
from .._stft import StftFrontEnd, create_dct_matrix
from . import functional as F
from ._module import _BASES, Transform
from ._windows import hann_window, window_values

__all__ = [
    "AmplitudeToDB",
    "ComputeDeltas",
    "LFCC",
    "MFCC",
    "MelScale",
    "MelSpectrogram",
    "Spectrogram",
]


class Spectrogram(Transform):
    """A real spectrogram, as ``torchaudio.transforms.Spectrogram``.

    Parameters
    ----------
    n_fft : int, default 400
        FFT size: ``n_fft // 2 + 1`` bins.
    win_length : int, optional
        Window size (default ``n_fft``), centred in the FFT input.
    hop_length : int, optional
        Hop between frames (default ``win_length // 2``).
    pad : int, default 0
        Zeros added at both ends before the centre padding.
    window_fn : callable, default :func:`fastmel.torchaudio.hann_window`
        ``window_fn(win_length, **wkwargs)`` gives the window: fastmel's
        NumPy twins of torch's (``hann_window``, ``hamming_window``...) or
        torch's own functions.
    power : float, default 2.0
        Exponent of the magnitude (> 0). ``None`` (the complex STFT) is
        refused: fastmel computes real spectrograms.
    normalized : bool or {"window", "frame_length"}, default False
        ``True``/``"window"``: divided by the window's L2 norm;
        ``"frame_length"``: by ``sqrt(n_fft)`` (``torch.stft``'s).
    wkwargs : dict, optional
        Keywords of ``window_fn``.
    center : bool, default True
        Pad ``n_fft // 2`` samples at both ends (by ``pad_mode``).
    pad_mode : {"reflect", "constant", "replicate", "circular"}, default "reflect"
    onesided : bool, default True
        False: all ``n_fft`` bins (those above Nyquist mirror those below,
        the spectrum of a real signal).
    return_complex : None
        Deprecated in torchaudio and ignored, with its warning.
    num_threads : int, optional, keyword-only
        fastmel's threads per call.

    Notes
    -----
    Output ``(..., n_fft // 2 + 1, frames)``. Where torchaudio raises on a
    short signal, fastmel computes: a signal of at most ``n_fft // 2``
    samples is reflected repeatedly (as ``np.pad(mode="reflect")``), and
    without ``center`` a signal shorter than ``n_fft`` has 0 frames.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.Spectrogram(n_fft=512)(np.zeros((2, 16000), np.float32)).shape
    (2, 257, 63)
    """

    _ARGS = dict(n_fft=400, win_length=None, hop_length=None, pad=0, window_fn=hann_window,
                 power=2.0, normalized=False, wkwargs=None, center=True, pad_mode="reflect",
                 onesided=True, return_complex=None, num_threads=None)  # fmt: skip

    def __init__(
        self,
        n_fft: int = 400,
        win_length: int | None = None,
        hop_length: int | None = None,
        pad: int = 0,
        window_fn: Callable[..., Any] = hann_window,
        power: float | None = 2.0,
        normalized: bool | str = False,
        wkwargs: dict | None = None,
        center: bool = True,
        pad_mode: str = "reflect",
        onesided: bool = True,
        return_complex: bool | None = None,
        *,
        num_threads: int | None = None,
    ) -> None:
        self._start(_local_args(locals()))
        if return_complex is not None:
            warnings.warn(
                "`return_complex` argument is now deprecated and is not effective."
                "`torchaudio.transforms.Spectrogram(power=None)` always returns a tensor with "
                "complex dtype. Please remove the argument in the function call.",
                stacklevel=2,
            )
        self.n_fft = n_fft
        self.win_length = win_length if win_length is not None else n_fft
        self.hop_length = hop_length if hop_length is not None else self.win_length // 2
        window = window_values(window_fn, self.win_length, wkwargs)
        self._buffer("window", window)
        object.__setattr__(self, "_window", window)
        self.pad = pad
        self.power = power
        self.normalized = normalized
        self.center = center
        self.pad_mode = pad_mode
        self.onesided = bool(onesided)
        self._front = StftFrontEnd(**_stft_options(self), num_threads=num_threads)
        self._finish()


class MelSpectrogram(Transform):
    """A mel spectrogram, as ``torchaudio.transforms.MelSpectrogram``.

    Parameters
    ----------
    sample_rate : int, default 16000
    n_fft : int, default 400
    win_length, hop_length : int, optional
        Defaults ``n_fft`` and ``win_length // 2``.
    f_min : float, default 0.0
    f_max : float, optional
        Default ``sample_rate // 2``.
    pad : int, default 0
    n_mels : int, default 128
    window_fn : callable, default :func:`fastmel.torchaudio.hann_window`
    power : float, default 2.0
    normalized : bool or str, default False
    wkwargs : dict, optional
    center : bool, default True
    pad_mode : str, default "reflect"
    onesided : None
        Deprecated in torchaudio and unused (it warns when given).
    norm : {None, "slaney"}, default None
        Area normalisation of the triangles.
    mel_scale : {"htk", "slaney"}, default "htk"
    num_threads : int, optional, keyword-only

    Notes
    -----
    See :class:`Spectrogram` for the STFT's arguments. The filter bank is
    torchaudio's ``melscale_fbanks`` in torch's float32 arithmetic; the bins'
    powers are summed through it in the engine (float64 for float64 input).
    Output ``(..., n_mels, frames)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> mel = T.MelSpectrogram(sample_rate=16000, n_fft=400, hop_length=160, n_mels=80)
    >>> mel(np.zeros(16000, np.float32)).shape
    (80, 101)
    """

    _ARGS = dict(sample_rate=16000, n_fft=400, win_length=None, hop_length=None, f_min=0.0,
                 f_max=None, pad=0, n_mels=128, window_fn=hann_window, power=2.0,
                 normalized=False, wkwargs=None, center=True, pad_mode="reflect", onesided=None,
                 norm=None, mel_scale="htk", num_threads=None)  # fmt: skip

    def __init__(
        self,
        sample_rate: int = 16000,
        n_fft: int = 400,
        win_length: int | None = None,
        hop_length: int | None = None,
        f_min: float = 0.0,
        f_max: float | None = None,
        pad: int = 0,
        n_mels: int = 128,
        window_fn: Callable[..., Any] = hann_window,
        power: float = 2.0,
        normalized: bool = False,
        wkwargs: dict | None = None,
        center: bool = True,
        pad_mode: str = "reflect",
        onesided: bool | None = None,
        norm: str | None = None,
        mel_scale: str = "htk",
        *,
        num_threads: int | None = None,
    ) -> None:
        self._start(_local_args(locals()))
        if onesided is not None:
            warnings.warn(
                "Argument 'onesided' has been deprecated and has no influence on the behavior "
                "of this module.",
                stacklevel=2,
            )
        self.sample_rate = sample_rate
        self.n_fft = n_fft
        self.win_length = win_length if win_length is not None else n_fft
        self.hop_length = hop_length if hop_length is not None else self.win_length // 2
        self.pad = pad
        self.power = power
        self.normalized = normalized
        self.n_mels = as_int("n_mels", n_mels)
        self.f_max = f_max
        self.f_min = f_min
        # torchaudio's parts, under its names (their options live there)
        self.spectrogram = Spectrogram(
            n_fft=n_fft, win_length=self.win_length, hop_length=self.hop_length, pad=pad,
            window_fn=window_fn, power=power, normalized=normalized, wkwargs=wkwargs,
            center=center, pad_mode=pad_mode, onesided=True,
        )  # fmt: skip
        self.mel_scale = MelScale(
            self.n_mels, sample_rate, f_min, f_max, n_fft // 2 + 1, norm, mel_scale
        )
        self._front = StftFrontEnd(
            **_stft_options(self.spectrogram), **_mel_options(self.mel_scale),
            num_threads=num_threads,
        )  # fmt: skip
        self._finish()


class MFCC(Transform):
    """MFCCs, as ``torchaudio.transforms.MFCC``: the DCT-II of
    ``AmplitudeToDB("power", top_db=80)`` of a :class:`MelSpectrogram` (or of
    ``log(mel + 1e-6)`` with ``log_mels``).

    Parameters
    ----------
    sample_rate : int, default 16000
    n_mfcc : int, default 40
        Coefficients kept (at most the mel bands).
    dct_type : int, default 2
        Only 2, as torchaudio.
    norm : {"ortho", None}, default "ortho"
    log_mels : bool, default False
    melkwargs : dict, optional
        :class:`MelSpectrogram`'s arguments.
    num_threads : int, optional, keyword-only

    Notes
    -----
    The ``top_db`` floor is taken, as torchaudio's, over the whole input for
    a 1-D or 2-D waveform and over each item's channels for ``(..., channels,
    time)``; the DCT is torchaudio's float32 ``create_dct``. Output ``(...,
    n_mfcc, frames)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.MFCC(n_mfcc=13, melkwargs={"n_mels": 40})(np.zeros((3, 16000), np.float32)).shape
    (3, 13, 81)
    """

    _ARGS = dict(sample_rate=16000, n_mfcc=40, dct_type=2, norm="ortho", log_mels=False,
                 melkwargs=None, num_threads=None)  # fmt: skip

    def __init__(
        self,
        sample_rate: int = 16000,
        n_mfcc: int = 40,
        dct_type: int = 2,
        norm: str = "ortho",
        log_mels: bool = False,
        melkwargs: dict | None = None,
        *,
        num_threads: int | None = None,
    ) -> None:
        self._start(_local_args(locals()))
        _check_dct_type(dct_type)
        self.sample_rate = sample_rate
        self.n_mfcc = n_mfcc
        self.dct_type = dct_type
        self.norm = norm
        self.top_db = 80.0
        self.amplitude_to_DB = AmplitudeToDB("power", self.top_db)
        self.log_mels = log_mels
        self.MelSpectrogram = MelSpectrogram(sample_rate=sample_rate, **(melkwargs or {}))
        mel = self.MelSpectrogram
        if n_mfcc > mel.n_mels:
            raise ValueError("Cannot select more MFCC coefficients than # mel bins")
        self._buffer("dct_mat", create_dct_matrix(n_mfcc, mel.n_mels, norm))
        self._front = StftFrontEnd(
            **_stft_options(mel.spectrogram),
            **_mel_options(mel.mel_scale),
            **_log_dct(log_mels, n_mfcc, norm),
            num_threads=num_threads,
        )
        self._finish()


class LFCC(Transform):
    """Linear-frequency cepstral coefficients, as ``torchaudio.transforms.LFCC``:
    the DCT-II of ``AmplitudeToDB("power", top_db=80)`` (or ``log(x + 1e-6)``
    with ``log_lf``) of a :class:`Spectrogram` through ``linear_fbanks``.

    Parameters
    ----------
    sample_rate : int, default 16000
    n_filter : int, default 128
    f_min : float, default 0.0
    f_max : float, optional
        Default ``sample_rate // 2``.
    n_lfcc : int, default 40
        Coefficients kept (at most ``n_fft``, torchaudio's check).
    dct_type : int, default 2
    norm : {"ortho", None}, default "ortho"
    log_lf : bool, default False
    speckwargs : dict, optional
        :class:`Spectrogram`'s arguments.
    num_threads : int, optional, keyword-only

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.LFCC(n_lfcc=20)(np.zeros(16000, np.float32)).shape
    (20, 81)
    """

    _ARGS = dict(sample_rate=16000, n_filter=128, f_min=0.0, f_max=None, n_lfcc=40, dct_type=2,
                 norm="ortho", log_lf=False, speckwargs=None, num_threads=None)  # fmt: skip

    def __init__(
        self,
        sample_rate: int = 16000,
        n_filter: int = 128,
        f_min: float = 0.0,
        f_max: float | None = None,
        n_lfcc: int = 40,
        dct_type: int = 2,
        norm: str = "ortho",
        log_lf: bool = False,
        speckwargs: dict | None = None,
        *,
        num_threads: int | None = None,
    ) -> None:
        self._start(_local_args(locals()))
        _check_dct_type(dct_type)
        self.sample_rate = sample_rate
        self.f_min = f_min
        self.f_max = f_max if f_max is not None else float(sample_rate // 2)
        self.n_filter = n_filter
        self.n_lfcc = n_lfcc
        self.dct_type = dct_type
        self.norm = norm
        self.top_db = 80.0
        self.amplitude_to_DB = AmplitudeToDB("power", self.top_db)
        self.log_lf = log_lf
        self.Spectrogram = Spectrogram(**(speckwargs or {}))
        if n_lfcc > self.Spectrogram.n_fft:
            raise ValueError("Cannot select more LFCC coefficients than # fft bins")
        self._buffer("dct_mat", create_dct_matrix(n_lfcc, n_filter, norm))
        options = dict(
            filters="torchaudio_linear", n_filters=n_filter, sample_rate=sample_rate, f_min=f_min,
            f_max=self.f_max,
        )  # fmt: skip
        self._front = StftFrontEnd(
            **_stft_options(self.Spectrogram),
            **options,
            **_log_dct(log_lf, n_lfcc, norm),
            num_threads=num_threads,
        )
        self._buffer("filter_mat", self._front.filter_bank())
        self._finish()


class AmplitudeToDB(Transform):
    """Power or amplitude to decibels, as ``torchaudio.transforms.AmplitudeToDB``
    (:func:`fastmel.torchaudio.functional.amplitude_to_DB` with ``amin=1e-10``
    and reference 1).

    Parameters
    ----------
    stype : {"power", "magnitude"}, default "power"
        10 log10 (power) or 20 log10 (anything else, as torchaudio).
    top_db : float, optional
        Floor below each item's maximum, dB (>= 0).

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.AmplitudeToDB(top_db=80)(np.array([[1.0, 1e-3, 0.0]], np.float32)).round(4)
    array([[  0., -30., -80.]], dtype=float32)
    """

    _ARGS = dict(stype="power", top_db=None)
    _INPUT = "x"
    _WIDEN_HALF = False

    def __init__(self, stype: str = "power", top_db: float | None = None) -> None:
        self._start(_local_args(locals()))
        if top_db is not None and top_db < 0:
            raise ValueError("top_db must be positive value")
        self.stype = stype
        self.top_db = top_db
        self.multiplier = 10.0 if stype == "power" else 20.0
        self.amin = 1e-10
        self.ref_value = 1.0
        self.db_multiplier = math.log10(max(self.amin, self.ref_value))
        self._finish()

    def _compute(self, x: Any) -> np.ndarray:
        result: np.ndarray = F.amplitude_to_DB(
            x, self.multiplier, self.amin, self.db_multiplier, self.top_db
        )
        return result


class MelScale(Transform):
    """A spectrogram ``(..., n_stft, time)`` through torchaudio's mel bank,
    as ``torchaudio.transforms.MelScale``.

    Parameters
    ----------
    n_mels : int, default 128
    sample_rate : int, default 16000
    f_min : float, default 0.0
    f_max : float, optional
        Default ``sample_rate // 2``.
    n_stft : int, default 201
        Bins of the input (``n_fft // 2 + 1``).
    norm : {None, "slaney"}, default None
    mel_scale : {"htk", "slaney"}, default "htk"

    Notes
    -----
    A matrix product with the float32 bank in the input's dtype (NumPy's
    BLAS); ``fb`` is the bank.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.MelScale(n_mels=40, n_stft=201)(np.ones((201, 5), np.float32)).shape
    (40, 5)
    """

    _ARGS = dict(n_mels=128, sample_rate=16000, f_min=0.0, f_max=None, n_stft=201, norm=None,
                 mel_scale="htk")  # fmt: skip
    _fb: np.ndarray  # the bank (also the buffer ``fb``)
    _INPUT = "specgram"

    def __init__(
        self,
        n_mels: int = 128,
        sample_rate: int = 16000,
        f_min: float = 0.0,
        f_max: float | None = None,
        n_stft: int = 201,
        norm: str | None = None,
        mel_scale: str = "htk",
    ) -> None:
        self._start(_local_args(locals()))
        self.n_mels = as_int("n_mels", n_mels)
        self.sample_rate = sample_rate
        self.f_max = f_max if f_max is not None else float(sample_rate // 2)
        self.f_min = f_min
        self.n_stft = n_stft
        self.norm = norm
        self.mel_scale = mel_scale
        if f_min > self.f_max:
            raise ValueError(f"Require f_min: {f_min} <= f_max: {self.f_max}")
        from .._filters import melscale_fbanks

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fb = melscale_fbanks(n_stft, f_min, self.f_max, n_mels, sample_rate, norm, mel_scale)
        F.warn_empty_filters(fb, stacklevel=3)
        self._buffer("fb", fb)
        object.__setattr__(self, "_fb", fb)
        self._finish()

    def _compute(self, x: Any) -> np.ndarray:
        a = F._floats(x)
        if a.ndim < 2 or a.shape[-2] != self.n_stft:
            raise ValueError(
                f"`specgram` must be (..., {self.n_stft}, time) (n_stft bins), got {a.shape}"
            )
        fb = self._fb.astype(a.dtype)
        return np.ascontiguousarray(np.matmul(np.swapaxes(a, -1, -2), fb).swapaxes(-1, -2))


class ComputeDeltas(Transform):
    """Delta coefficients along the last axis, as ``torchaudio.transforms.ComputeDeltas``
    (:func:`fastmel.torchaudio.functional.compute_deltas`).

    Parameters
    ----------
    win_length : int, default 5
    mode : str, default "replicate"

    Examples
    --------
    >>> import numpy as np
    >>> from fastmel.torchaudio import transforms as T
    >>> T.ComputeDeltas()(np.arange(6, dtype=np.float32)[None]).round(6)
    array([[0.5, 0.8, 1. , 1. , 0.8, 0.5]], dtype=float32)
    """

    _ARGS = dict(win_length=5, mode="replicate")
    _INPUT = "specgram"
    _WIDEN_HALF = False

    def __init__(self, win_length: int = 5, mode: str = "replicate") -> None:
        self._start(_local_args(locals()))
        self.win_length = win_length
        self.mode = mode
        self._finish()

    def _compute(self, x: Any) -> np.ndarray:
        result: np.ndarray = F.compute_deltas(x, self.win_length, self.mode)
        return result


_BASES.update({Spectrogram, MelSpectrogram, MFCC, LFCC, AmplitudeToDB, MelScale, ComputeDeltas})

# -- the mappings to the front end -----------------------------------------------------


def _local_args(scope: dict[str, Any]) -> dict[str, Any]:
    """A constructor's arguments from its ``locals()``."""
    return {k: v for k, v in scope.items() if k not in ("self", "__class__")}


# torch.stft's pad modes (librosa's others are not torchaudio's).
TORCH_PAD_MODES = ("reflect", "constant", "replicate", "circular")


def _stft_options(t: Any) -> dict[str, Any]:
    choice("pad_mode", t.pad_mode, TORCH_PAD_MODES)
    return dict(
        n_fft=t.n_fft, win_length=t.win_length, hop_length=t.hop_length, pad=t.pad,
        window=t._window, power=t.power, normalized=t.normalized, center=t.center,
        pad_mode=t.pad_mode, onesided=getattr(t, "onesided", True),
    )  # fmt: skip


def _mel_options(t: MelScale) -> dict[str, Any]:
    return dict(
        filters="torchaudio_mel", n_filters=t.n_mels, sample_rate=t.sample_rate, f_min=t.f_min,
        f_max=t.f_max, norm=t.norm, mel_scale=t.mel_scale,
    )  # fmt: skip


def _log_dct(log_natural: bool, n_coeffs: int, norm: str | None) -> dict[str, Any]:
    if log_natural:
        return dict(log="ln", dct="torchaudio", n_coeffs=n_coeffs, dct_norm=norm)
    return dict(log="db", top_db=80.0, dct="torchaudio", n_coeffs=n_coeffs, dct_norm=norm)


def _check_dct_type(dct_type: Any) -> None:
    if dct_type not in (2,):
        raise ValueError(f"DCT type not supported: {dct_type}")
