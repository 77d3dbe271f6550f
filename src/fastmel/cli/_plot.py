"""A mel spectrogram picture with matplotlib (the ``plot`` extra)."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .._layer import MelSpectrogram

from .._options import centre_pad, to_db
from ._audio import require
from ._output import write_file

# The largest picture side, pixels (matplotlib holds the whole RGBA canvas).
MAX_PIXELS = 10000


def frame_times(layer: MelSpectrogram, n_frames: int) -> np.ndarray:
    """Centre of each frame, seconds."""
    offset = layer.fft_length / 2 - centre_pad(layer.fft_length, layer.center)
    return (np.arange(n_frames) * layer.sequence_stride + offset) / layer.sampling_rate


def describe(layer: MelSpectrogram) -> str:
    """The parameters that shape the picture, for its title."""
    parts = [
        f"{layer.sampling_rate:g} Hz",
        f"FFT {layer.fft_length}",
        f"window {layer.sequence_length}",
        f"hop {layer.sequence_stride}",
        f"{layer.num_mel_bins} {layer.mel_scale} mels "
        f"{float(layer.min_freq):g}-{float(layer.max_freq):g} Hz",
    ]
    if layer.norm:
        parts.append(f"norm {layer.norm}")
    return ", ".join(parts)


def save_png(
    mel: np.ndarray,
    layer: MelSpectrogram,
    path: str | os.PathLike,
    *,
    title: str,
    width: float = 10.0,
    height: float = 4.0,
    dpi: int = 100,
) -> str | os.PathLike:
    """Draw ``mel`` (num_mel_bins, frames) from ``layer`` to a PNG of
    ``width x height`` inches at ``dpi`` (so ``width * dpi`` pixels wide, at most
    MAX_PIXELS a side).

    Time in seconds on x, the mel axis labelled with band centre frequencies
    in Hz on y, a colour bar in dB. Uses matplotlib's object API with the Agg
    canvas: no global state, safe from any thread.
    """
    require("matplotlib", "plot")
    if not (0 < width * dpi <= MAX_PIXELS and 0 < height * dpi <= MAX_PIXELS):
        raise ValueError(
            f"a picture of {width:g} x {height:g} inches at {dpi} dpi is over {MAX_PIXELS} "
            "pixels a side (or empty)"
        )
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    mel = np.asarray(mel)
    if mel.ndim != 2:
        raise ValueError(f"expected a (mels, frames) array, got shape {mel.shape}")
    db = to_db(mel, layer.power_to_db, layer.log_mode)
    n_mels, n_frames = db.shape
    times = frame_times(layer, n_frames)
    step = layer.sequence_stride / layer.sampling_rate
    t0 = (times[0] if n_frames else 0.0) - step / 2
    t1 = (times[-1] if n_frames else 0.0) + step / 2

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    finite = db[np.isfinite(db)]
    vmax = finite.max() if finite.size else 0.0
    vmin = max(finite.min(), vmax - 100.0) if finite.size else -100.0
    image = ax.imshow(
        db,
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        extent=(t0, t1, -0.5, n_mels - 0.5),
        cmap="magma",
        vmin=vmin,
        vmax=vmax,
    )
    centres = layer.band_frequencies
    ticks = np.unique(np.linspace(0, n_mels - 1, min(n_mels, 8)).round().astype(int))
    ax.yaxis.set_ticks(ticks.tolist())
    ax.yaxis.set_ticklabels([f"{centres[i]:.0f}" for i in ticks])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("mel band centre (Hz)")
    ax.set_title(title, fontsize=9)
    bar = fig.colorbar(image, ax=ax)
    if not layer.power_to_db:
        bar.set_label("dB (10 log10 of the output)")
    elif layer.log_mode != "db":
        bar.set_label(f"dB (converted from the {layer.log_mode} log)")
    else:
        bar.set_label("dB")
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, dpi=dpi, format="png")
    write_file(path, png.getvalue(), overwrite=True)  # whole or not at all
    return path
