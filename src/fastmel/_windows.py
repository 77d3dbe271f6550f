"""Analysis windows, every front end's, in one place.

A window is a name, a length and whether it is periodic (the DFT-even window
of ``length + 1`` points without its last, as ``scipy.signal.get_window``'s
default, torch's ``periodic=True`` and Keras's) or symmetric (``numpy.hanning``,
Kaldi's, torch's ``periodic=False``). Values are computed in float64 and
rounded to the dtype a reference keeps them in.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import DTypeLike

from ._options import as_int, as_real, choice

__all__ = ["WINDOWS", "WindowName", "window"]

WindowName = Literal["hann", "hamming", "povey", "blackman", "sine", "rectangular", "kaiser"]
WINDOWS: tuple[WindowName, ...] = (
    "hann",
    "hamming",
    "povey",
    "blackman",
    "sine",
    "rectangular",
    "kaiser",
)


def window(
    name: WindowName | str,
    length: int,
    *,
    periodic: bool = False,
    dtype: DTypeLike = np.float64,
    blackman_coeff: float = 0.42,
    beta: float = 12.0,
) -> np.ndarray:
    """The analysis window ``name`` of ``length`` samples.

    With ``n = 0 .. length - 1`` and ``d = length`` (periodic) or ``length -
    1`` (symmetric):

    - ``"hann"``: ``0.5 - 0.5 cos(2 pi n / d)``;
    - ``"hamming"``: ``0.54 - 0.46 cos(2 pi n / d)``;
    - ``"povey"``: Kaldi's, the Hann window to the power 0.85;
    - ``"blackman"``: ``c - 0.5 cos(2 pi n / d) + (0.5 - c) cos(4 pi n / d)``
      with ``c = blackman_coeff`` (0.42: the classic one);
    - ``"sine"``: ``sin(pi n / d)``;
    - ``"rectangular"``: ones;
    - ``"kaiser"``: ``numpy.kaiser`` with ``beta`` (of ``length + 1`` points
      without the last when periodic).

    A window of one sample is ``[1.0]``, periodic or not (as scipy, torch and
    TensorFlow make it).

    Parameters
    ----------
    name : str
        One of :data:`WINDOWS`.
    length : int
        Samples (>= 1).
    periodic : bool, default False
        DFT-even (periodic) rather than symmetric.
    dtype : float dtype, default float64
        The dtype the values are rounded to.
    blackman_coeff, beta : float
        The Blackman constant and the Kaiser shape.

    Returns
    -------
    np.ndarray [shape=(length,)]
    """
    name = choice("window", name, WINDOWS)
    n_len = as_int("window length", length)
    d = n_len if periodic else n_len - 1
    if name == "rectangular" or n_len == 1:
        values = np.ones(n_len)
    elif name == "kaiser":
        values = np.kaiser(n_len + int(bool(periodic)), as_real("beta", beta))[:n_len]
    else:
        n = np.arange(n_len, dtype=np.float64)
        phase = 2.0 * np.pi * n / d
        if name == "sine":
            values = np.sin(0.5 * phase)
        elif name == "hamming":
            values = 0.54 - 0.46 * np.cos(phase)
        elif name == "blackman":
            c = as_real("blackman_coeff", blackman_coeff)
            values = c - 0.5 * np.cos(phase) + (0.5 - c) * np.cos(2.0 * phase)
        else:
            values = 0.5 - 0.5 * np.cos(phase)
            if name == "povey":
                values = values**0.85
    return values.astype(np.dtype(dtype), copy=False)


def hann_float32(length: int) -> np.ndarray:
    """The periodic Hann window ``0.5 (1 - cos(2 pi n / length))`` computed in
    float32 arithmetic (n, the phase and the cosine all float32), as Gemma
    3n's extractor makes it: a few values an ulp from :func:`window`'s.

    Parameters
    ----------
    length : int
        Samples (>= 1).

    Returns
    -------
    np.ndarray [shape=(length,), dtype=float32]
    """
    n = np.arange(as_int("window length", length), dtype=np.float32)
    return (
        np.float32(0.5) * (np.float32(1.0) - np.cos(np.float32(2 * np.pi) * n / np.float32(length)))
    ).astype(np.float32)
