"""The mel front end: ``fastmel.MelSpectrogram``, a configuration of the engine."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypedDict, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _engine
from ._engine import Bank, EngineOptions, Floor, Framing, Log, Spectrum
from ._filters import (
    _validate_filter_args,
    band_edges_hz,
    dense,
    hz_bands,
    kaldi_bands,
    linear_to_mel_weight_matrix,
    mel_bands,
    window_values,
)
from ._frontend import FrontEnd
from ._options import (
    LOG_MODES,
    MAX_FFT_LENGTH,
    MAX_MEL_BINS,
    MEL_SCALES,
    NORMS,
    PAD_MODES,
    TOP_DB_SCOPES,
    KernelName,
    LogMode,
    MelScale,
    Norm,
    PadMode,
    TopDbScope,
    WindowName,
    as_flag,
    as_int,
    as_lengths,
    as_real,
    as_signal,
    choice,
    compute_dtype,
    floor_group,
    floor_range,
    policy_dtype,
)
from ._presets import PRESETS, PresetName

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack
from ._stream import MelStream, StreamSpec

__all__ = ["MelSpectrogram"]

# Keys a Keras layer's get_config() adds to a layer's own arguments.
_KERAS_BASE_KEYS = frozenset(
    {
        "name",
        "trainable",
        "dtype",
        "autocast",
        "input_shape",
        "batch_input_shape",
        "batch_size",
        "input_dim",
    }
)


class MelSpectrogramOptions(TypedDict, total=False):
    """The keyword arguments of :class:`MelSpectrogram` (``replace``'s, typed)."""

    fft_length: int
    sequence_stride: int
    sequence_length: int | None
    window: WindowName | ArrayLike | None
    sampling_rate: float
    num_mel_bins: int
    min_freq: float
    max_freq: float | None
    power_to_db: bool
    top_db: float | None
    mag_exp: float
    min_power: float
    ref_power: float
    mel_scale: MelScale
    norm: Norm | None
    center: bool
    pad_mode: PadMode
    log_mode: LogMode
    log_offset: float
    top_db_scope: TopDbScope
    drop_last_frame: bool
    dtype: DTypeLike | None
    num_threads: int | None
    kernel: KernelName | None


class MelSpectrogram(FrontEnd):
    """Mel spectrogram of audio, identical to ``keras.layers.MelSpectrogram``.

    Frames are cut with centre reflect padding, windowed, transformed by a
    real FFT, raised to ``|X| ** mag_exp``, mapped to mel bands and
    optionally converted to decibels with a ``top_db`` floor, all in one fused
    pass of compiled code that releases the GIL. The window, FFT plan and
    sparse filter bank are built once, here, and shared read-only by every
    call and thread.

    The first 13 parameters are Keras's, with Keras's defaults and meaning.
    The keyword-only parameters after them reach the conventions of librosa,
    torchaudio and whisper (see :meth:`from_preset`); their defaults keep the
    Keras behaviour.

    Parameters
    ----------
    fft_length : int, default 2048
        FFT size ``n``; ``n // 2 + 1`` linear bins before the mel step. At
        most ``2**22`` (a layer costs about 110 bytes per FFT point).
    sequence_stride : int, default 512
        Hop between frames, in samples (>= 1).
    sequence_length : int or None, default None
        Window length ``L <= fft_length``; None means ``fft_length``.
    window : {"hann", "hamming"}, np.ndarray [shape=(L,)] or None, default "hann"
        Periodic Hann or Hamming window of length ``L``, an explicit window,
        or None for a rectangle over all ``fft_length`` samples. The window is
        zero-padded to ``fft_length``, centred.
    sampling_rate : float, default 16000
        Sampling rate of the input, Hz.
    num_mel_bins : int, default 128
        Number of mel bands, at most 65536.
    min_freq : float, default 20.0
        Lower edge of the lowest band, Hz.
    max_freq : float or None, default None
        Upper edge of the highest band, Hz; None (or 0) means
        ``int(sampling_rate / 2)`` with ``mel_scale="keras"`` (as Keras) and
        ``sampling_rate / 2`` otherwise (as librosa).
    power_to_db : bool, default True
        Apply the log step chosen by ``log_mode`` (decibels by default).
    top_db : float or None, default 80.0
        In log mode, floor the output at its maximum minus ``top_db`` decibels
        (``top_db / 10`` in log10 units, ``top_db ln(10) / 10`` in natural-log
        units). The maximum is over the whole input, batch included (Keras),
        unless ``top_db_scope="example"``. None disables the floor.
    mag_exp : float, default 2.0
        Exponent on the magnitude: 1 for magnitude, 2 for power (> 0).
    min_power : float, default 1e-10
        Floor on the power and on ``|ref_power|`` inside the log (> 0).
    ref_power : float, default 1.0
        Reference power: the log of ``max(|ref_power|, min_power)`` is
        subtracted.
    mel_scale : {"keras", "htk", "slaney", "kaldi"}, default "keras"
        Filter bank. ``"keras"``: HTK mel formula, triangles linear in mel,
        DC bin zeroed (Keras and TensorFlow). ``"htk"``: HTK formula,
        triangles linear in Hz (torchaudio's default, librosa's
        ``htk=True``). ``"slaney"``: Slaney's scale, linear below 1 kHz and
        logarithmic above, triangles linear in Hz (librosa's default,
        whisper's filters). The last two place bin ``k`` at
        ``k * sampling_rate / fft_length`` Hz, as librosa does.
        ``"kaldi"``: Kaldi's bank (``fastmel.kaldi``'s, without VTLN): the HTK
        formula, triangles linear in mel over the bins below Nyquist.
    norm : {None, "slaney"}, default None
        None: triangles of peak 1. ``"slaney"``: each triangle scaled by
        ``2 / (upper_edge - lower_edge)`` to constant area (librosa's
        default). Needs ``mel_scale`` "htk" or "slaney".
    center : bool, default True
        Pad ``fft_length // 2`` samples at both ends so that frame ``t`` is
        centred on sample ``t * sequence_stride``. False: frame 0 starts at
        sample 0, and a signal shorter than ``fft_length`` has no frame.
    pad_mode : {"reflect", "constant", "symmetric"}, default "reflect"
        With ``center``: mirror the signal about its end samples
        (``np.pad(mode="reflect")``; Keras, torchaudio, whisper), pad
        zeros (librosa >= 0.10), or mirror with the end samples repeated
        (``np.pad(mode="symmetric")``, Kaldi's reflection).
    log_mode : {"db", "natural", "whisper"}, default "db"
        The log step when ``power_to_db``. ``"db"``:
        ``10 log10(max(M + log_offset, min_power)) - 10 log10(max(|ref_power|, min_power))``.
        ``"natural"``: the same with ``ln`` in place of ``10 log10``.
        ``"whisper"``: whisper's ``(log10(max(M, min_power)) + 4) / 4`` (the
        ``max - 8`` clamp is ``top_db=80``); as the others, with ``log_offset``
        and ``ref_power``.
    log_offset : float, default 0.0
        Added to the mel power before the log (>= 0), e.g. ``1e-6`` for
        ``ln(M + 1e-6)``.
    top_db_scope : {"batch", "example", "channels"}, default "batch"
        Which values the ``top_db`` maximum is taken over: the whole input
        (Keras, librosa, whisper), each example (each signal along the
        leading dimensions) on its own, so that a clip's features do not
        depend on what it is batched with, or each batch item's channels
        together: for input ``(..., channels, samples)`` one maximum per index
        of the dimensions before ``channels``, and the whole input when there
        is no such dimension (torchaudio's ``AmplitudeToDB``, whose quiet
        channel is floored against its loud neighbour).
    drop_last_frame : bool, default False
        Leave out the last frame (whisper's ``stft[..., :-1]``); the floor's
        maximum does not see it.
    dtype : None, "float32", "float64" or a Keras dtype policy, default None
        Compute dtype. None follows the input (float32 or float64; anything
        else becomes float32).
    num_threads : int or None, default None
        Worker threads per call, as scipy.fft's ``workers``: None follows
        :func:`fastmel.set_num_threads` (1 by default), ``-1`` all cores,
        ``-k`` all but ``k - 1``; 0 is an error, and so is more than 256
        (``fastmel.MAX_THREADS``; all cores of a larger machine means 256).
        Results are bit-identical for every value. The helper
        threads are shared by all calls in the process, never more than 255,
        and each exits after 2 s without work.
    kernel : {None, "auto", "baseline", "avx2"}, default None
        The compiled kernel the plans run: None is the process default (the
        environment variable ``FASTMEL_KERNEL`` read at import, else
        "auto": the best this CPU runs). See :func:`fastmel.available_kernels`.

    Notes
    -----
    Input is ``np.ndarray [shape=(..., samples)]`` (or anything
    ``np.asarray`` accepts) with at least one sample. float32 and float64
    are computed in their own precision, whether they come as NumPy arrays
    or as other objects that carry a dtype (a torch tensor, ``array.array``);
    other real dtypes (integers, bool, float16) and Python lists and numbers
    become float32; complex, object, string and date/time input is a
    TypeError. Integers are taken as the numbers they are, not scaled:
    16-bit PCM read as ``int16`` is 32768 times (+90.3 dB) louder than the
    same audio as floats in [-1, 1]; divide by 32768 first to match tools
    that read audio as floats. Strided, negative-stride, Fortran-ordered
    and read-only arrays are read in place; byte-swapped or misaligned arrays
    are first copied to a native, aligned array.

    The output is ``np.ndarray [shape=(..., num_mel_bins, n_frames)]`` with
    ``n_frames = 1 + (samples + 2 * pad - fft_length) // sequence_stride``
    (``pad = fft_length // 2`` when centred, else 0; one less with
    ``drop_last_frame``; 0 when that is not positive): :meth:`num_frames`. Signals shorter than
    the padding are reflected repeatedly, as ``np.pad(mode="reflect")``
    does.

    Non-finite samples: NaN or Inf in the input makes the frames whose
    window covers it (its non-zero part) NaN or +inf; every other frame is
    computed as usual. In log mode the maximum for the ``top_db`` floor is
    taken over finite values only, so one bad sample cannot floor a whole
    batch to NaN or +inf (Keras's floor would).

    Layers are values: their attributes cannot be set after construction
    (:meth:`replace` returns a changed copy), so the compiled plans, the
    configuration, pickles and streams always agree. Layers pickle as their
    configuration (a few hundred bytes); unpickling rebuilds the plans, so a
    layer can be sent to worker processes.

    See Also
    --------
    MelSpectrogram.from_preset : librosa, torchaudio and whisper conventions.
    MelSpectrogram.stream : the same frames from audio that arrives in chunks.
    linear_to_mel_weight_matrix : Keras's filter bank, as a dense matrix.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160,
    ...                                sequence_length=400, num_mel_bins=80)
    >>> audio = np.random.default_rng(0).standard_normal((2, 16000)).astype(np.float32)
    >>> layer(audio).shape
    (2, 80, 101)
    """

    # The options, read-only after construction (a type checker says so too).
    fft_length: Final[int]
    sequence_stride: Final[int]
    sequence_length: Final[int]
    window: Final[str | np.ndarray | None]
    sampling_rate: Final[float]
    num_mel_bins: Final[int]
    min_freq: Final[float]
    max_freq: Final[float]
    power_to_db: Final[bool]
    top_db: Final[float | None]
    mag_exp: Final[float]
    min_power: Final[float]
    ref_power: Final[float]
    mel_scale: Final[MelScale]
    norm: Final[Norm | None]
    center: Final[bool]
    pad_mode: Final[PadMode]
    log_mode: Final[LogMode]
    log_offset: Final[float]
    top_db_scope: Final[TopDbScope]
    drop_last_frame: Final[bool]
    dtype: Final[np.dtype | None]
    num_threads: int | None
    kernel: Final[KernelName | None]

    def __init__(
        self,
        fft_length: int = 2048,
        sequence_stride: int = 512,
        sequence_length: int | None = None,
        window: WindowName | ArrayLike | None = "hann",
        sampling_rate: float = 16000,
        num_mel_bins: int = 128,
        min_freq: float = 20.0,
        max_freq: float | None = None,
        power_to_db: bool = True,
        top_db: float | None = 80.0,
        mag_exp: float = 2.0,
        min_power: float = 1e-10,
        ref_power: float = 1.0,
        *,
        mel_scale: MelScale = "keras",
        norm: Norm | None = None,
        center: bool = True,
        pad_mode: PadMode = "reflect",
        log_mode: LogMode = "db",
        log_offset: float = 0.0,
        top_db_scope: TopDbScope = "batch",
        drop_last_frame: bool = False,
        dtype: DTypeLike | None = None,
        num_threads: int | None = None,
        kernel: KernelName | None = None,
    ) -> None:
        self.fft_length = as_int("fft_length", fft_length, maximum=MAX_FFT_LENGTH)
        self.sequence_stride = as_int("sequence_stride", sequence_stride)
        self.sequence_length = (
            self.fft_length
            if sequence_length is None
            else as_int("sequence_length", sequence_length)
        )
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, "
                f"`fft_length`={self.fft_length}."
            )
        self._window = window_values(window, self.sequence_length)
        frozen: str | np.ndarray | None = window  # type: ignore[assignment]
        if not (window is None or isinstance(window, str)):
            frozen = np.array(window)
            frozen.flags.writeable = False
        self.window = frozen
        self.sampling_rate = _plain(sampling_rate)
        as_real("sampling_rate", sampling_rate, minimum=0, strict=True)
        self.num_mel_bins = as_int("num_mel_bins", num_mel_bins, maximum=MAX_MEL_BINS)
        as_real("min_freq", min_freq, minimum=0)
        self.min_freq = _plain(min_freq)
        self.mel_scale = choice("mel_scale", mel_scale, MEL_SCALES)
        self.norm = choice("norm", norm, NORMS)
        if self.norm is not None and self.mel_scale in ("keras", "kaldi"):
            raise ValueError(
                '`norm="slaney"` needs `mel_scale="htk"` or "slaney" (Keras\'s and '
                "Kaldi's banks have no area normalisation)"
            )
        if max_freq is not None:
            as_real("max_freq", max_freq)
        # Keras: `max_freq or int(sampling_rate / 2)` (so 0 also means Nyquist).
        self.max_freq = _plain(max_freq) or self._nyquist()
        if not float(self.max_freq) > float(self.min_freq):
            raise ValueError(
                f"`max_freq` ({self.max_freq!r}) must be greater than `min_freq` ({min_freq!r})"
            )
        self.power_to_db = as_flag("power_to_db", power_to_db)
        if top_db is not None:
            as_real("top_db", top_db, minimum=0)
        self.top_db = _plain(top_db)
        self.mag_exp = _plain(mag_exp)
        as_real("mag_exp", mag_exp, minimum=0, strict=True)
        self.min_power = _plain(min_power)
        self.ref_power = _plain(ref_power)
        if self.power_to_db:
            as_real("min_power", min_power, minimum=0, strict=True)
        else:
            as_real("min_power", min_power)
        as_real("ref_power", ref_power)
        self.center = as_flag("center", center)
        self.pad_mode = choice("pad_mode", pad_mode, PAD_MODES)
        self.log_mode = choice("log_mode", log_mode, tuple(LOG_MODES))
        as_real("log_offset", log_offset, minimum=0)
        self.log_offset = _plain(log_offset)
        self.top_db_scope = choice("top_db_scope", top_db_scope, TOP_DB_SCOPES)
        self.drop_last_frame = as_flag("drop_last_frame", drop_last_frame)
        self.dtype = compute_dtype(dtype)
        self._set_threads(num_threads)
        self.kernel = None if kernel is None else choice("kernel", kernel, _engine.KERNELS)
        self._build()
        if self.mel_scale != "keras":
            _warn_empty_bands(self._bands(np.dtype(np.float64))[1])

    def _nyquist(self) -> float:
        if self.mel_scale == "keras":
            return int(self.sampling_rate / 2)
        return self.sampling_rate / 2

    def _bands(self, dt: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sparse filter bank ``(first, length, weights)`` in dtype ``dt``."""
        if self.mel_scale == "keras":
            return mel_bands(
                *_validate_filter_args(
                    self.num_mel_bins,
                    self.fft_length // 2 + 1,
                    self.sampling_rate,
                    self.min_freq,
                    self.max_freq,
                ),
                dt,
            )
        if self.mel_scale == "kaldi":
            return kaldi_bands(
                self.num_mel_bins,
                self.fft_length,
                float(self.sampling_rate),
                float(self.min_freq),
                float(self.max_freq),
                0.0,
                0.0,
                1.0,
                dt,
            )
        return hz_bands(
            self.num_mel_bins,
            self.fft_length,
            self.sampling_rate,
            float(self.min_freq),
            float(self.max_freq),
            self.mel_scale,
            self.norm,
            dt,
        )

    def _framing(self) -> Framing:
        """Keras's framing: frames of the window's length (all fft_length
        samples without a window), centred in the FFT input."""
        n = self.fft_length
        return Framing.centred(
            n,
            n if self._window is None else self.sequence_length,
            self.sequence_stride,
            center=self.center,
            pad_mode=self.pad_mode,
            drop_last=int(self.drop_last_frame),
        )

    def engine_options(self, dtype: DTypeLike, *, stream_left: int | None = None) -> EngineOptions:
        # Keras's stages (for a stream: no padding, and the floor per row, its
        # rows grouped per call and against the running maximum it carries).
        dt = np.dtype(dtype)
        framing = self._framing()
        scale, out_offset = LOG_MODES[self.log_mode]
        floor = floor_range(self.top_db, self.power_to_db, self.log_mode)
        floor_stage = Floor()
        if floor is not None:
            batch = self.top_db_scope == "batch" and stream_left is None
            floor_stage = Floor(mode="batch" if batch else "row", range=floor)
        if stream_left is not None:
            framing = framing.for_stream(stream_left)
        # Keras's bank is computed in float32 arithmetic for float32 input, so
        # the options are per dtype.
        first, length, weights = self._bands(dt)
        return EngineOptions(
            framing=framing,
            condition=_engine.Condition(window=self._window),
            spectrum=Spectrum.centred(
                self.fft_length, framing.frame_length, mag_exp=float(self.mag_exp)
            ),
            bank=Bank(first=first, length=length, weights=weights),
            log=Log(
                enabled=self.power_to_db,
                log_scale=scale,
                log_offset=float(self.log_offset),
                out_offset=out_offset,
                min_power=float(self.min_power),
                ref_power=float(self.ref_power),
            ),
            floor=floor_stage,
            kernel=self.kernel or _engine.DEFAULT_KERNEL,
        )

    def _stream_spec(self) -> StreamSpec:
        """What a :class:`~fastmel.MelStream` needs of this layer (the stream
        protocol of :mod:`fastmel._stream`)."""
        framing = self._framing()
        return StreamSpec(
            plan=self._stream_plan,
            num_frames=self.num_frames,
            frame_length=framing.frame_length,
            hop=framing.hop,
            start=framing.start,
            reach=framing.scalars()["reach"],
            pad_mode=framing.pad_mode,
            floor=floor_range(self.top_db, self.power_to_db, self.log_mode) is not None,
            floor_scope=self.top_db_scope,
            num_features=self.num_mel_bins,
            frames_major=False,
            dtype=self.dtype,
            num_threads=self._call_threads,
        )

    # -- computing ------------------------------------------------------------

    @overload
    def __call__(
        self,
        x: ArrayLike,
        *,
        out: np.ndarray | None = None,
        num_threads: int | None = None,
        lengths: None = None,
    ) -> np.ndarray: ...

    @overload
    def __call__(
        self,
        x: ArrayLike,
        *,
        out: np.ndarray | None = None,
        num_threads: int | None = None,
        lengths: ArrayLike,
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def __call__(
        self,
        x: ArrayLike,
        *,
        out: np.ndarray | None = None,
        num_threads: int | None = None,
        lengths: ArrayLike | None = None,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Mel spectrogram of ``x``.

        Parameters
        ----------
        x : np.ndarray [shape=(..., samples)]
            Audio; see the class Notes for the accepted dtypes and layouts.
        out : np.ndarray [shape=(..., num_mel_bins, n_frames)], optional
            Array to write the result into, of exactly the result's shape and
            dtype (see Returns) and writeable. A C-contiguous, aligned,
            native-order ``out`` that does not overlap ``x`` is written in
            place by the core; any other is filled from a temporary.
        num_threads : int or None
            Overrides the layer's ``num_threads`` for this call.
        lengths : array-like of int [shape=x.shape[:-1]], optional
            A padded batch: each signal's valid samples. Each signal's frames
            are then those of its first ``lengths[...]`` samples alone (padded
            at its own end, its own frame count), whatever it is batched with;
            the frames after them are 0 and take no part in the ``top_db``
            maximum.

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, n_frames)]
            float64 for float64 input (or ``dtype="float64"``), else float32;
            ``out`` itself when given. With ``lengths``, the tuple
            ``(features, frames)``: also each signal's own frame count, int64
            of shape ``x.shape[:-1]``.
        """
        threads = self._call_threads(num_threads)
        a = as_signal(x, self.dtype)
        lead, n = a.shape[:-1], a.shape[-1]
        plan = self._plans[a.dtype]
        rows = int(np.prod(lead, dtype=np.int64)) if lead else 1
        lens = None if lengths is None else as_lengths(lengths, lead, n)
        core_shape = plan.out_shape(rows, n)
        shape = lead + core_shape[1:]
        direct = None
        if out is not None:
            base = _check_out(out, shape, a.dtype)
            if (
                base.flags.c_contiguous
                and base.flags.aligned
                and base.dtype.isnative
                and not np.may_share_memory(base, a)
            ):
                direct = base
        target = direct if direct is not None else np.empty(shape, dtype=a.dtype)
        group = floor_group(self.top_db_scope, lead)
        _engine.run(plan, a, target, threads, lengths=lens, floor_group=group)
        result = target
        if out is not None:
            if direct is None:
                base[...] = target
            result = out
        if lens is None:
            return result
        return result, plan.frame_counts(lens).reshape(lead)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """The shape of ``layer(x)`` for ``x`` of shape ``input_shape``.

        Unlike Keras (whose formula is one frame too many when
        ``(samples + 1) % sequence_stride == 0``) this is the true shape.

        Parameters
        ----------
        input_shape : tuple of int or None
            ``(..., samples)``; ``None`` dimensions stay ``None``.

        Returns
        -------
        tuple
            ``(..., num_mel_bins, n_frames)``.
        """
        shape = tuple(input_shape)
        if len(shape) == 0:
            raise ValueError("`input_shape` must have at least one dimension (samples)")
        n = shape[-1]
        frames = None if n is None else self.num_frames(as_int("input_shape[-1]", n))
        return shape[:-1] + (self.num_mel_bins, frames)

    def stream(self) -> MelStream:
        """A :class:`~fastmel.MelStream` computing this layer's frames from chunks.

        Returns
        -------
        MelStream
            A new stream with its own state; the layer is shared read-only.

        Examples
        --------
        >>> import numpy as np, fastmel
        >>> layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160,
        ...                                num_mel_bins=40, top_db=None)
        >>> audio = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
        >>> s = layer.stream()
        >>> parts = [s.push(chunk) for chunk in np.array_split(audio, 7)] + [s.flush()]
        >>> np.array_equal(np.concatenate(parts, axis=-1), layer(audio))
        True
        """
        stream: MelStream = super().stream()
        return stream

    def filter_bank(self, dtype: DTypeLike = "float32") -> np.ndarray:
        """The layer's mel filter bank as a dense matrix.

        Parameters
        ----------
        dtype : str or np.dtype, default "float32"
            "float32" or "float64": the bank used for input of that dtype.

        Returns
        -------
        np.ndarray [shape=(fft_length // 2 + 1, num_mel_bins)]
            ``mel = power @ bank`` frame by frame.
        """
        dt = compute_dtype(dtype)
        if dt is None:
            raise TypeError("`dtype` must be 'float32' or 'float64'")
        return dense(*self._bands(dt), self.fft_length // 2 + 1)

    @property
    def band_frequencies(self) -> np.ndarray:
        """Centre frequency of each mel band, Hz: ``np.ndarray [shape=(num_mel_bins,)]``."""
        scale = "htk" if self.mel_scale in ("keras", "kaldi") else self.mel_scale
        return band_edges_hz(self.num_mel_bins, float(self.min_freq), float(self.max_freq), scale)[
            1:-1
        ]

    def linear_to_mel_weight_matrix(
        self,
        num_mel_bins: int = 20,
        num_spectrogram_bins: int = 129,
        sampling_rate: float = 8000,
        lower_edge_hertz: float = 125.0,
        upper_edge_hertz: float = 3800.0,
        dtype: DTypeLike = "float32",
    ) -> np.ndarray:
        """The HTK filter bank matrix, as Keras's method of the same name.

        The layer's own bank, whatever its ``mel_scale`` and ``norm``, is
        :meth:`filter_bank`.

        Parameters
        ----------
        num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz, dtype
            As :func:`fastmel.linear_to_mel_weight_matrix`.

        Returns
        -------
        np.ndarray [shape=(num_spectrogram_bins, num_mel_bins)]
        """
        return linear_to_mel_weight_matrix(
            num_mel_bins,
            num_spectrogram_bins,
            sampling_rate,
            lower_edge_hertz,
            upper_edge_hertz,
            dtype,
        )

    # -- configuration --------------------------------------------------------

    # (narrower than FrontEnd.replace's **Any on purpose: a misspelt option is a type error)
    def replace(self, **changes: Unpack[MelSpectrogramOptions]) -> Self:  # type: ignore[override]
        """A new layer with ``changes`` applied to this one's arguments.

        Parameters
        ----------
        **changes
            Any :class:`MelSpectrogram` argument (a type checker knows their
            names and types).

        Returns
        -------
        MelSpectrogram
            Of this class.
        """
        made: Self = super().replace(**changes)  # (FrontEnd's: by name, at run time too)
        return made

    @classmethod
    def from_preset(cls, name: PresetName, **overrides: Any) -> Self:
        """A layer with the conventions of another package.

        Parameters
        ----------
        name : str
            One of ``fastmel.PRESETS``: ``"keras"`` (the defaults),
            ``"librosa"`` (``librosa.feature.melspectrogram`` with its
            defaults followed by ``librosa.power_to_db``), ``"torchaudio"``
            (``torchaudio.transforms.MelSpectrogram()``, power), ``"whisper"``
            and ``"whisper-128"`` (whisper's ``log_mel_spectrogram`` with 80 or
            128 mels, ``padding=0``).
        **overrides
            Any :class:`MelSpectrogram` argument, replacing the preset's
            (e.g. ``sampling_rate=16000`` for librosa, ``power_to_db=False``
            for librosa's power spectrogram alone). Values that the peer derives
            from others (its hop from its window length, say) are not
            re-derived.

        Returns
        -------
        MelSpectrogram

        Examples
        --------
        >>> import fastmel
        >>> fastmel.MelSpectrogram.from_preset("whisper")
        MelSpectrogram(fft_length=400, sequence_stride=160, num_mel_bins=80, min_freq=0.0, \
mel_scale='slaney', norm='slaney', log_mode='whisper', drop_last_frame=True)
        """
        if not isinstance(name, str) or name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose from {sorted(PRESETS)}")
        return cls(**dict(PRESETS[name], **overrides))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MelSpectrogram:
        """Build a layer from ``get_config()`` output, fastmel's or the Keras layer's.

        Parameters
        ----------
        config : dict
            Keras's base-layer keys (``name``, ``trainable``, ...) are accepted
            and ignored, except ``dtype``: a float64 policy means float64
            compute. Missing fastmel keys take their defaults. Any other
            unknown key is a TypeError.

        Returns
        -------
        MelSpectrogram
        """
        config = dict(config)
        unknown = set(config) - set(cls._DEFAULTS) - _KERAS_BASE_KEYS
        if unknown:
            raise TypeError(f"unknown {cls.__name__} config keys: {sorted(unknown)}")
        kwargs = {k: v for k, v in config.items() if k in cls._DEFAULTS}
        kwargs["dtype"] = policy_dtype(config.get("dtype"))
        return cls(**kwargs)

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        # sequence_length and max_freq follow what they derive from, as at
        # construction, unless they were set.
        config = self.get_config()
        if "fft_length" in changes and "sequence_length" not in changes:
            config["sequence_length"] = None
        if "sampling_rate" in changes or "mel_scale" in changes:
            if "max_freq" not in changes and self.max_freq == self._nyquist():
                config["max_freq"] = None
        return dict(config, **changes)

    def _repr_defaults(self) -> dict[str, Any]:
        return dict(self._DEFAULTS, sequence_length=self.fft_length, max_freq=self._nyquist())


def _warn_empty_bands(length: np.ndarray) -> None:
    """Warn, as librosa and torchaudio do for their banks, when bands have no
    weight on any FFT bin (their rows are constant: ``min_power`` in dB)."""
    empty = np.flatnonzero(length == 0)
    if empty.size:
        warnings.warn(
            f"{empty.size} of {length.size} mel bands are empty (no FFT bin falls inside "
            f"them: bands {empty.tolist()[:8]}{' ...' if empty.size > 8 else ''}), so their "
            "rows carry no information; use fewer mel bands or a larger fft_length",
            UserWarning,
            stacklevel=3,
        )


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds (configs stay JSON-serialisable)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_out(out: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``out`` checked, as a base-class ndarray view (np.matrix and other
    subclasses are written through it)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"`out` must be a numpy array, got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"`out` must have shape {shape}, got {out.shape}")
    if out.dtype.newbyteorder("=") != dtype:  # either byte order
        raise TypeError(f"`out` must have dtype {dtype}, got {out.dtype}")
    if not out.flags.writeable:
        raise ValueError("`out` is read-only")
    return out.view(np.ndarray)


_DEFAULTS = {
    "fft_length": 2048,
    "sequence_stride": 512,
    "sequence_length": None,
    "window": "hann",
    "sampling_rate": 16000,
    "num_mel_bins": 128,
    "min_freq": 20.0,
    "max_freq": None,
    "power_to_db": True,
    "top_db": 80.0,
    "mag_exp": 2.0,
    "min_power": 1e-10,
    "ref_power": 1.0,
    "mel_scale": "keras",
    "norm": None,
    "center": True,
    "pad_mode": "reflect",
    "log_mode": "db",
    "log_offset": 0.0,
    "top_db_scope": "batch",
    "drop_last_frame": False,
    "dtype": None,
    "num_threads": None,
    "kernel": None,
}


MelSpectrogram._DEFAULTS = _DEFAULTS
