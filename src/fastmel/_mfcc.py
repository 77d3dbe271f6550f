"""``fastmel.MFCC``: cepstral coefficients of any MelSpectrogram configuration."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from ._engine import EngineOptions, Post
from ._frontend import Configured
from ._layer import MelSpectrogram, MelSpectrogramOptions
from ._options import MAX_MEL_BINS, as_int, as_real, choice
from ._presets import PRESETS, PresetName

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack
from ._stream import MelStream, StreamSpec

__all__ = ["MFCC"]

DctNorm = Literal["ortho", "tensorflow"]
DCT_NORMS: tuple[DctNorm | None, ...] = ("ortho", "tensorflow", None)

# What the peers' MFCC functions add to their mel spectrogram's defaults.
_PRESET_MFCC: dict[str, dict[str, Any]] = {
    # librosa.feature.mfcc(y=y, sr=22050): n_mfcc 20, DCT-II ortho of power_to_db(mel).
    "librosa": {"n_mfcc": 20, "power_to_db": True},
    # torchaudio.transforms.MFCC(): n_mfcc 40, ortho, of AmplitudeToDB("power", top_db=80)
    # (whose maximum is per batch item over its channels).
    "torchaudio": {"n_mfcc": 40, "power_to_db": True, "top_db_scope": "channels"},
}


def dct_matrix(n_mfcc: int, n_mels: int, norm: DctNorm | None, lifter: float) -> np.ndarray:
    """The ``(n_mfcc, n_mels)`` DCT-II matrix (float64) that maps a frame's log
    mel bands to its cepstrum, with the lifter applied.

    ``norm="ortho"``: orthonormal (librosa, torchaudio, scipy ``norm="ortho"``);
    ``"tensorflow"``: ``tf.signal.mfccs_from_log_mel_spectrograms``'s scaling,
    ortho with C0 times ``sqrt(2)``; None: unnormalised, ``2 sum x cos(...)``
    (scipy's default). ``lifter > 0``: row ``i`` times ``1 + lifter / 2 *
    sin(pi (i + 1) / lifter)`` (librosa's, over n = 1 .. n_mfcc).
    """
    k = np.arange(n_mfcc)[:, None]
    n = np.arange(n_mels)[None, :]
    m = 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2.0 * n_mels))
    if norm is not None:
        m = m * np.sqrt(1.0 / (2.0 * n_mels))
        if norm == "ortho":
            m[0] /= np.sqrt(2.0)
    if lifter > 0:
        m *= (1.0 + 0.5 * lifter * np.sin(np.pi * (np.arange(n_mfcc) + 1) / lifter))[:, None]
    return m


class MFCCOptions(MelSpectrogramOptions, total=False):
    """The keyword arguments of :class:`MFCC` (``replace``'s, typed)."""

    n_mfcc: int
    dct_norm: DctNorm | None
    lifter: float


class MFCC(MelSpectrogram):
    """Mel-frequency cepstral coefficients: the DCT-II of a log mel spectrogram.

    Any :class:`MelSpectrogram` configuration (or preset) gives the log mel
    bands, floor included; each frame's bands then go through the DCT (and
    lifter) inside the same fused pass, as a small matrix product.

    Parameters
    ----------
    n_mfcc : int, default 20
        Coefficients kept, ``<= num_mel_bins``.
    dct_norm : {"ortho", "tensorflow", None}, default "ortho"
        "ortho" as librosa and torchaudio; "tensorflow" as
        ``tf.signal.mfccs_from_log_mel_spectrograms`` (C0 ``sqrt(2)`` times
        the ortho one); None unnormalised (``librosa.feature.mfcc(norm=None)``).
    lifter : float, default 0
        librosa's cepstral lifter (0: none).
    **mel_options
        Any :class:`MelSpectrogram` argument; ``power_to_db`` must stay True
        (the cepstrum of the log).

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> mfcc = fastmel.MFCC.from_preset("librosa", sampling_rate=16000)
    >>> x = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
    >>> mfcc(x).shape
    (20, 32)
    """

    n_mfcc: Final[int]
    dct_norm: Final[DctNorm | None]
    lifter: Final[float]

    def __init__(
        self,
        n_mfcc: int = 20,
        dct_norm: DctNorm | None = "ortho",
        lifter: float = 0.0,
        **mel_options: Any,
    ) -> None:
        self.n_mfcc = as_int("n_mfcc", n_mfcc)
        self.dct_norm = choice("dct_norm", dct_norm, DCT_NORMS)
        self.lifter = float(as_real("lifter", lifter, minimum=0))
        if not mel_options.get("power_to_db", True):
            raise ValueError("MFCC needs the log mel spectrogram: `power_to_db` must be True")
        bins = as_int(
            "num_mel_bins",
            mel_options.get("num_mel_bins", MelSpectrogram._DEFAULTS["num_mel_bins"]),
            maximum=MAX_MEL_BINS,
        )
        if self.n_mfcc > bins:
            raise ValueError(
                f"`n_mfcc` ({self.n_mfcc}) cannot be larger than `num_mel_bins` ({bins})"
            )
        super().__init__(**mel_options)

    def replace(self, **changes: Unpack[MFCCOptions]) -> Self:  # type: ignore[override]
        """A new MFCC with ``changes`` applied to this one's arguments.

        Parameters
        ----------
        **changes
            Any MFCC or :class:`MelSpectrogram` argument.

        Returns
        -------
        MFCC
        """
        made: Self = Configured.replace(self, **changes)
        return made

    @classmethod
    def from_preset(cls, name: PresetName, **overrides: Any) -> Self:
        """An MFCC with the conventions of another package.

        Parameters
        ----------
        name : str
            ``"librosa"``: ``librosa.feature.mfcc(y=y, sr=sr)`` (20 coefficients
            of ``power_to_db`` of librosa's mel spectrogram, top_db 80);
            ``"torchaudio"``: ``torchaudio.transforms.MFCC()`` (40 coefficients of
            ``AmplitudeToDB("power", top_db=80)``; its ``log_mels=True`` is
            ``log_mode="natural", log_offset=1e-6, top_db=None``); the other
            :data:`fastmel.PRESETS` give their mel spectrogram's log.
        **overrides
            Any MFCC or MelSpectrogram argument.

        Returns
        -------
        MFCC
        """
        if not isinstance(name, str) or name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose from {sorted(PRESETS)}")
        return cls(**{**PRESETS[name], **_PRESET_MFCC.get(name, {}), **overrides})

    def dct_matrix(self) -> np.ndarray:
        """The matrix each frame's log bands go through: DCT, norm and lifter.

        Returns
        -------
        np.ndarray [shape=(n_mfcc, num_mel_bins)]
            float64.
        """
        return dct_matrix(self.n_mfcc, self.num_mel_bins, self.dct_norm, self.lifter)

    def engine_options(self, dtype: Any, *, stream_left: int | None = None) -> EngineOptions:
        options = super().engine_options(dtype, stream_left=stream_left)
        return dataclasses.replace(options, post=Post(matrix=self.dct_matrix()))

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """The shape of ``mfcc(x)`` for ``x`` of shape ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of int or None
            ``(..., samples)``; ``None`` dimensions stay ``None``.

        Returns
        -------
        tuple
            ``(..., n_mfcc, n_frames)``.
        """
        shape = super().compute_output_shape(input_shape)
        return shape[:-2] + (self.n_mfcc, shape[-1])

    def stream(self) -> MelStream:
        """Coefficients from chunks (see :meth:`MelSpectrogram.stream`).

        Without a ``top_db`` floor they equal the whole signal's bit for bit.
        With one, the floor acts where the whole call's does, on the log mel
        bands before the DCT, against the running maximum of the bands of the
        frames returned so far: a frame's coefficients differ from the whole
        signal's only where a louder later frame would have lifted its
        bands.

        Returns
        -------
        MelStream
        """
        return super().stream()

    def _stream_spec(self) -> StreamSpec:
        spec = super()._stream_spec()
        return StreamSpec(**dict(spec.__dict__, num_features=self.n_mfcc))


MFCC._DEFAULTS = dict(MelSpectrogram._DEFAULTS, n_mfcc=20, dct_norm="ortho", lifter=0.0)
