"""``librosa.feature``'s ``melspectrogram``, ``mfcc``, ``delta`` and
``stack_memory``, computed by fastmel with librosa 0.11's keyword-only
signatures and defaults. The spectrogram, mel bank, decibels and DCT of
``melspectrogram`` and ``mfcc`` run in one pass of fastmel's engine without
the GIL; ``delta`` runs in its compiled stage along frames."""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from .._frames import Deltas
from .._options import as_int
from .._stft import dct_matrix
from . import filters
from ._util import ParameterError, front_end, valid_audio, window_key

__all__ = ["delta", "melspectrogram", "mfcc", "stack_memory"]

# filters.mel's keywords, which melspectrogram passes on.
_MEL_KEYS = ("n_mels", "fmin", "fmax", "htk", "norm", "dtype")
# librosa.stft's pad modes (np.pad's, less those that would read the whole signal).
_STFT_PAD_MODES = ("constant", "edge", "linear_ramp", "reflect", "symmetric")
_REFUSED_PAD = ("wrap", "maximum", "mean", "median", "minimum")


def _mel_options(sr: float, n_fft: int, kwargs: dict[str, Any]) -> dict[str, Any]:
    unknown = set(kwargs) - set(_MEL_KEYS)
    if unknown:
        raise TypeError(f"mel() got unexpected keyword arguments: {sorted(unknown)}")
    norm = kwargs.get("norm", "slaney")
    as_int("n_mels", kwargs.get("n_mels", 128))
    if isinstance(norm, str) and norm != "slaney":
        raise ParameterError(f"Unsupported norm={norm}")
    return dict(
        filters="librosa_mel", sample_rate=float(sr), n_filters=int(kwargs.get("n_mels", 128)),
        f_min=float(kwargs.get("fmin", 0.0)), f_max=kwargs.get("fmax"),
        mel_scale="htk" if kwargs.get("htk", False) else "slaney", norm=norm,
        bank_dtype=np.dtype(kwargs.get("dtype", np.float32)).name,
    )  # fmt: skip


def _stft_options(
    y: np.ndarray, n_fft: int, hop_length: int, win_length: int | None, window: Any,
    center: bool, pad_mode: Any, power: float,
) -> tuple[Any, int, dict[str, Any]]:  # fmt: skip
    n_fft = as_int("n_fft", n_fft)
    win = n_fft if win_length is None else as_int("win_length", win_length)
    if win > n_fft:
        raise ParameterError(f"win_length={win} must be at most n_fft={n_fft}")
    if callable(pad_mode) or pad_mode in _REFUSED_PAD or pad_mode == "empty":
        why = (
            "leaves the padding uninitialised in librosa" if pad_mode == "empty" else
            "is not supported by librosa.stft" if pad_mode in _REFUSED_PAD else
            "(a function) is not supported by fastmel"
        )  # fmt: skip
        raise ParameterError(f"pad_mode={pad_mode!r} {why}; use one of {_STFT_PAD_MODES}")
    if pad_mode not in _STFT_PAD_MODES:
        raise ParameterError(f"pad_mode={pad_mode!r}: use one of {_STFT_PAD_MODES}")
    n = y.shape[-1]
    if center:
        if n_fft > n:
            warnings.warn(
                f"n_fft={n_fft} is too large for input signal of length={n}", stacklevel=3
            )
    elif n_fft > n:
        raise ParameterError(
            f"n_fft={n_fft} is too large for uncentered analysis of input signal of length={n}"
        )
    if hop_length is None:
        hop_length = win // 4  # (librosa.stft's default)
    if int(hop_length) < 1:
        raise ParameterError(f"hop_length={hop_length} must be a positive integer")
    options = dict(
        n_fft=int(n_fft), hop_length=int(hop_length), power=float(power), center=bool(center),
        pad_mode=pad_mode,
    )  # fmt: skip
    return window_key(window), win, options


def _result_dtype(y: np.ndarray, bank_dtype: str) -> np.dtype:
    """librosa's: the STFT's real dtype (float32 below float64) times the bank's."""
    real = np.float64 if y.dtype == np.float64 else np.float32
    return np.result_type(real, np.dtype(bank_dtype))


def melspectrogram(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: Any = "constant",
    power: float = 2.0,
    num_threads: int | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """A mel spectrogram, as ``librosa.feature.melspectrogram``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], optional
        Audio (floating point, finite).
    sr : float, default 22050
    S : np.ndarray [shape=(..., d, t)], optional
        A spectrogram instead of ``y``: it goes through the mel bank as it is
        (``power`` is not applied), with ``n_fft = 2 (d - 1)`` unless the
        given one has ``d`` bins.
    n_fft, hop_length, win_length, window, center, pad_mode, power
        librosa.stft's: ``window`` a name (``"hann"``, ``"hamming"``,
        ``"blackman"``, ``("kaiser", beta)``...; others need scipy), a
        callable or the values; ``pad_mode`` one of ``"constant"``,
        ``"edge"``, ``"linear_ramp"``, ``"reflect"``, ``"symmetric"``.
    num_threads : int, optional, keyword-only
        fastmel's threads for this call.
    **kwargs
        :func:`fastmel.librosa.filters.mel`'s ``n_mels``, ``fmin``, ``fmax``,
        ``htk``, ``norm``, ``dtype``.

    Returns
    -------
    np.ndarray [shape=(..., n_mels, t)]
        float32 for float32 audio (float64 for float64 audio, or a float64
        bank ``dtype``), as librosa.

    Notes
    -----
    fastmel computes a float32 result in float32 (librosa takes its FFT in
    float64 before rounding to complex64): the values agree to float32
    rounding, within about 3e-7 of the largest. ``pad_mode="empty"`` and a
    callable ``pad_mode`` are refused.
    """
    if S is not None:
        s = np.asarray(S)
        if n_fft // 2 + 1 != s.shape[-2]:
            n_fft = 2 * (s.shape[-2] - 1)
        mel_basis = filters.mel(sr=sr, n_fft=n_fft, **kwargs)
        return np.einsum("...ft,mf->...mt", s, mel_basis, optimize=True)
    if y is None:
        raise ParameterError("Input signal must be provided to compute a spectrogram")
    y = valid_audio(y)
    window, win, options = _stft_options(
        y, n_fft, hop_length, win_length, window, center, pad_mode, power
    )
    mel = _mel_options(sr, n_fft, kwargs)
    front = front_end(window, win, **options, **mel)
    return front(y, num_threads=num_threads, dtype=_result_dtype(y, mel["bank_dtype"]))


def mfcc(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: str | None = "ortho",
    lifter: float = 0,
    mel_norm: Any = "slaney",
    num_threads: int | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """MFCCs, as ``librosa.feature.mfcc``: scipy's DCT of ``power_to_db`` of the
    mel spectrogram (``top_db=80`` below the maximum of the whole input).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], optional
    sr : float, default 22050
    S : np.ndarray [shape=(..., d, t)], optional
        A log-power mel spectrogram instead of ``y``.
    n_mfcc : int, default 20
        Coefficients kept (librosa keeps at most the mel bands).
    dct_type : {1, 2, 3, 4}, default 2
    norm : {"ortho", None}, default "ortho"
    lifter : float, default 0
        ``> 0``: coefficient ``i`` times ``1 + lifter / 2 sin(pi (i + 1) / lifter)``.
    mel_norm : {"slaney", None} or number, default "slaney"
        The mel bank's ``norm``.
    num_threads : int, optional, keyword-only
    **kwargs
        :func:`melspectrogram`'s.

    Returns
    -------
    np.ndarray [shape=(..., n_mfcc, t)]
    """
    if lifter < 0:
        raise ParameterError(f"MFCC lifter={lifter} must be a non-negative number")
    if dct_type not in (1, 2, 3, 4):
        raise ValueError(f"Type {dct_type} not understood")
    if norm is not None and norm != "ortho":
        raise ValueError(f"Invalid norm value {norm!r}; should be 'ortho' or None")
    if S is not None:
        s = np.asarray(S)
        if np.iscomplexobj(s):
            raise TypeError("`S` is complex: pass a real (log-power) mel spectrogram")
        if s.dtype not in (np.float32, np.float64):  # (scipy's DCT: float16 -> float32)
            s = s.astype(np.float32 if s.dtype == np.float16 else np.float64)
        m = _lifted(dct_matrix(dct_type, s.shape[-2], norm)[:n_mfcc], lifter, n_mfcc)
        return np.einsum("kf,...ft->...kt", m.astype(s.dtype), s, optimize=True)
    if y is None:
        raise ParameterError("Input signal must be provided to compute a spectrogram")
    y = valid_audio(y)
    stft = {k: kwargs.pop(k) for k in list(kwargs) if k not in _MEL_KEYS}
    unknown = set(stft) - {"n_fft", "hop_length", "win_length", "window", "center", "pad_mode",
                           "power"}  # fmt: skip
    if unknown:
        raise TypeError(f"mfcc() got unexpected keyword arguments: {sorted(unknown)}")
    args: dict[str, Any] = dict(n_fft=2048, hop_length=512, win_length=None, window="hann",
                                center=True, pad_mode="constant", power=2.0)  # fmt: skip
    args.update(stft)
    window, win, options = _stft_options(y, **args)
    mel = _mel_options(sr, options["n_fft"], dict(kwargs, norm=mel_norm))
    kept = min(int(n_mfcc), mel["n_filters"])
    if lifter > 0 and kept < n_mfcc:
        raise ValueError(
            f"operands could not be broadcast together: the lifter has {n_mfcc} coefficients, "
            f"the DCT of {kept} mel bands {kept}"
        )
    front = front_end(
        window, win, **options, **mel, log="db", top_db=80.0, floor_scope="batch",
        dct="scipy", n_coeffs=kept, dct_type=int(dct_type), dct_norm=norm, lifter=float(lifter),
    )  # fmt: skip
    return front(y, num_threads=num_threads, dtype=_result_dtype(y, mel["bank_dtype"]))


def _lifted(m: np.ndarray, lifter: float, n_mfcc: int) -> np.ndarray:
    if lifter > 0:
        if m.shape[0] < n_mfcc:
            raise ValueError(
                f"operands could not be broadcast together: the lifter has {n_mfcc} "
                f"coefficients, the DCT {m.shape[0]}"
            )
        lift = np.sin(np.pi * np.arange(1, 1 + n_mfcc) / lifter)
        m = m * (1.0 + (lifter / 2.0) * lift)[:, None]
    return m


# librosa's (scipy.signal.savgol_filter's) modes -> fastmel.Deltas' edge rules.
_DELTA_EDGES = {"interp": "interp", "nearest": "replicate", "mirror": "reflect",
                "constant": "constant", "wrap": "wrap"}  # fmt: skip


def delta(
    data: np.ndarray,
    *,
    width: int = 9,
    order: int = 1,
    axis: int = -1,
    mode: str = "interp",
    num_threads: int | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Delta features, as ``librosa.feature.delta``: the Savitzky-Golay
    derivative ``order`` of a polynomial of degree ``order`` over ``width``
    frames along ``axis`` (``scipy.signal.savgol_filter``), in fastmel's
    compiled stage.

    Parameters
    ----------
    data : np.ndarray
    width : int, default 9
        Odd, >= 3 (and at most ``data.shape[axis]`` with ``mode="interp"``).
    order : int, default 1
        1 to 8.
    axis : int, default -1
    mode : {"interp", "nearest", "mirror", "constant", "wrap"}, default "interp"
    num_threads : int, optional, keyword-only
    **kwargs
        savgol_filter's ``delta`` (the frame spacing), ``cval`` (0 only) and
        ``polyorder`` (``order`` only); another is a TypeError.

    Returns
    -------
    np.ndarray
        ``data``'s shape; float32 for float32 data, else float64.
    """
    a = np.atleast_1d(np.asarray(data))
    if a.dtype.kind not in "biuf":
        raise TypeError(f"`data` must be real numbers, got dtype {a.dtype}")
    ax = int(axis)
    if not -a.ndim <= ax < a.ndim:
        raise np.exceptions.AxisError(ax, a.ndim)
    if mode == "interp" and width > a.shape[ax]:
        raise ParameterError(
            f"when mode='interp', width={width} cannot exceed data.shape[axis]={a.shape[ax]}"
        )
    if width < 3 or np.mod(width, 2) != 1:
        raise ParameterError("width must be an odd integer >= 3")
    if order <= 0 or not isinstance(order, (int, np.integer)):
        raise ParameterError("order must be a positive integer")
    if order >= width:
        raise ValueError("polyorder must be less than window_length.")
    if mode not in _DELTA_EDGES:
        raise ValueError("mode must be 'mirror', 'constant', 'nearest' 'wrap' or 'interp'.")
    spacing = float(kwargs.pop("delta", 1.0))
    if spacing == 0:
        raise ValueError("`delta` (savgol_filter's sample spacing) must be non-zero")
    kwargs.pop("deriv", None)  # (librosa drops it)
    if kwargs.pop("polyorder", order) != order:
        raise ValueError("fastmel computes `polyorder` equal to `order` only (librosa's default)")
    if kwargs.pop("cval", 0.0) != 0.0:
        raise ValueError("fastmel pads mode='constant' with zeros only (`cval=0`)")
    if kwargs:
        raise TypeError(f"savgol_filter() got unexpected keyword arguments: {sorted(kwargs)}")
    dt = np.float32 if a.dtype == np.float32 else np.float64
    moved = np.moveaxis(a.astype(dt, copy=False), ax, -1)
    two = moved.reshape((1,) + moved.shape) if moved.ndim == 1 else moved
    out = _deltas(int(width), int(order), _DELTA_EDGES[mode])(two, num_threads=num_threads)
    if spacing != 1.0:
        out = out / dt(spacing**order)
    return np.ascontiguousarray(np.moveaxis(out.reshape(moved.shape), -1, ax))


@functools.lru_cache(maxsize=32)
def _deltas(width: int, order: int, edge: str) -> Deltas:
    return Deltas.from_preset("librosa", width=width, order=order, edge=edge)


def stack_memory(
    data: np.ndarray, *, n_steps: int = 2, delay: int = 1, **kwargs: Any
) -> np.ndarray:
    """Time-delay embedding, as ``librosa.feature.stack_memory``: block ``k``
    (``k = 0 .. n_steps - 1``) of the output's second-to-last axis is the data
    ``k * delay`` frames later (delayed for ``delay > 0``, advanced for ``delay
    < 0``), the frames before the start (or past the end) padded as ``np.pad``
    pads with ``kwargs`` (default zeros).

    Parameters
    ----------
    data : np.ndarray [shape=(..., d, t)]
        1-D data is one row.
    n_steps : int, default 2
    delay : int, default 1
        Non-zero.
    **kwargs
        ``np.pad``'s ``mode`` (default ``"constant"``) and its keywords.

    Returns
    -------
    np.ndarray [shape=(..., d * n_steps, t)]
    """
    if n_steps < 1:
        raise ParameterError("n_steps must be a positive integer")
    if delay == 0:
        raise ParameterError("delay must be a non-zero integer")
    x = np.atleast_2d(data)
    t = x.shape[-1]
    if t < 1:
        raise ParameterError(
            f"Cannot stack memory when input data has no columns. Given data.shape={x.shape}"
        )
    kwargs.setdefault("mode", "constant")
    if kwargs["mode"] == "constant":
        kwargs.setdefault("constant_values", [0])
    reach = int((n_steps - 1) * abs(delay))
    before, after = (reach, 0) if delay > 0 else (0, reach)
    padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(before, after)], **kwargs)
    d = x.shape[-2]
    out = np.empty_like(x, shape=x.shape[:-2] + (d * n_steps, t))
    for k in range(n_steps):
        start = before - k * int(delay)
        out[..., k * d : (k + 1) * d, :] = padded[..., start : start + t]
    return out
