# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Binding of the C core: one plan object, one compute call without the GIL.

Validation of user-facing arguments lives in ``fastmel._layer``; this module
re-checks only what protects memory (dtypes, shapes, strides), so that it can
never hand the core a buffer it would read or write out of bounds.
"""
cimport numpy as cnp
from cpython.exc cimport PyErr_CheckSignals
from cpython.pythread cimport PyThread_get_thread_ident
from libc.stddef cimport ptrdiff_t

import threading

import numpy as np

cnp.import_array()

# Signals reach only the main thread; its id, whichever thread imports us.
cdef unsigned long _MAIN_THREAD_IDENT = threading.main_thread().ident

FLOOR_NONE = FM_FLOOR_NONE
FLOOR_GLOBAL = FM_FLOOR_GLOBAL
FLOOR_PER_ROW = FM_FLOOR_PER_ROW
PAD_MODES = {"reflect": FM_PAD_REFLECT, "constant": FM_PAD_CONSTANT}
KERNELS = {"auto": FM_KERNEL_AUTO, "baseline": FM_KERNEL_BASELINE, "avx2": FM_KERNEL_AVX2}


cdef class _Interrupt:
    """Carries a pending exception (KeyboardInterrupt, ...) out of the core."""
    cdef object exc


cdef int _check_signals(void *ctx) noexcept nogil:
    # Called by the core from the thread that called compute(), at most every
    # few tens of milliseconds; takes the GIL only for the check itself.
    with gil:
        try:
            PyErr_CheckSignals()
        except BaseException as e:
            (<_Interrupt>ctx).exc = e
            return 1
    return 0


cdef _raise_status(int status, _Interrupt interrupt):
    if status == FM_ERR_INTERRUPTED and interrupt is not None and interrupt.exc is not None:
        raise interrupt.exc
    message = fm_status_message(status).decode()
    if status == FM_ERR_NOMEM:
        raise MemoryError(f"fastmel core: {message}")
    if status == FM_ERR_INVALID:
        raise ValueError(f"fastmel core: {message}")
    if status == FM_ERR_INTERRUPTED:
        raise KeyboardInterrupt
    if status == FM_ERR_UNSUPPORTED:
        raise RuntimeError(f"fastmel core: {message}")
    raise RuntimeError(f"fastmel core: {message} (status {status})")


cdef class Plan:
    """A compiled plan for one dtype: window, FFT plan and sparse mel bands.

    Read-only once built; ``compute`` may run from many threads at once.
    """
    cdef fm_plan *_plan
    cdef readonly object dtype
    cdef readonly Py_ssize_t num_mel_bins

    def __cinit__(self, *, size_t fft_length, size_t hop, size_t num_mel_bins,
                  double mag_exp, bint power_to_db, double min_power,
                  double ref_power, double top_db, int floor_mode, dtype,
                  window, band_first, band_len, weights, kernel="auto", bint fft_only=False,
                  size_t pad, pad_mode="reflect", size_t drop_last=0,
                  double log_scale=10.0, double log_offset=0.0, double out_offset=0.0):
        cdef fm_config cfg
        cdef fm_status status
        cdef fm_dtype dt
        self._plan = NULL
        self.dtype = np.dtype(dtype)
        if self.dtype == np.float32:
            dt = FM_FLOAT32
        elif self.dtype == np.float64:
            dt = FM_FLOAT64
        else:
            raise TypeError(f"plan dtype must be float32 or float64, got {self.dtype}")
        cdef cnp.ndarray w = np.ascontiguousarray(window, dtype=np.float64)
        cdef cnp.ndarray first = np.ascontiguousarray(band_first, dtype=np.uintp)
        cdef cnp.ndarray length = np.ascontiguousarray(band_len, dtype=np.uintp)
        cdef cnp.ndarray wts = np.ascontiguousarray(weights, dtype=np.float64)
        if w.ndim != 1 or <size_t>w.shape[0] != fft_length:
            raise ValueError("window must hold fft_length values")
        if (first.ndim != 1 or length.ndim != 1 or <size_t>first.shape[0] != num_mel_bins
                or <size_t>length.shape[0] != num_mel_bins):
            raise ValueError("band_first and band_len must hold num_mel_bins values")
        if wts.ndim != 1 or wts.shape[0] != int(length.sum()):
            raise ValueError("weights must hold sum(band_len) values")
        cfg.fft_length = fft_length
        cfg.hop = hop
        cfg.num_mel_bins = num_mel_bins
        if pad_mode not in PAD_MODES:
            raise ValueError(f"pad_mode must be one of {sorted(PAD_MODES)}, got {pad_mode!r}")
        cfg.pad = pad
        cfg.pad_mode = PAD_MODES[pad_mode]
        cfg.drop_last = drop_last
        cfg.mag_exp = mag_exp
        cfg.power_to_db = power_to_db
        cfg.log_scale = log_scale
        cfg.log_offset = log_offset
        cfg.out_offset = out_offset
        cfg.min_power = min_power
        cfg.ref_power = ref_power
        cfg.top_db = top_db
        cfg.floor_mode = floor_mode
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {sorted(KERNELS)}, got {kernel!r}")
        cfg.kernel = KERNELS[kernel]
        cfg.fft_only = fft_only
        status = fm_plan_create(&cfg, dt, <const double *>cnp.PyArray_DATA(w),
                                <const size_t *>cnp.PyArray_DATA(first),
                                <const size_t *>cnp.PyArray_DATA(length),
                                <const double *>cnp.PyArray_DATA(wts), &self._plan)
        if status != FM_OK:
            _raise_status(status, None)
        self.num_mel_bins = num_mel_bins

    def __dealloc__(self):
        if self._plan != NULL:
            fm_plan_destroy(self._plan)
            self._plan = NULL

    @property
    def isa(self):
        """Instruction set of the kernel this plan runs."""
        return fm_plan_isa(self._plan).decode()

    @property
    def lanes(self):
        """Frames transformed together by one FFT execution."""
        return fm_plan_lanes(self._plan)

    def num_frames(self, size_t n_samples):
        """Frames produced from n_samples samples (0 for 0)."""
        return fm_num_frames(self._plan, n_samples)

    def compute(self, cnp.ndarray x not None, cnp.ndarray out not None, int num_threads):
        """Fill ``out`` (rows, num_mel_bins, frames) from ``x`` (rows, samples).

        ``x`` may have any strides that are whole elements; ``out`` must be
        C-contiguous and writeable. Both must be of the plan's dtype, aligned
        and in native byte order.
        """
        cdef Py_ssize_t item = self.dtype.itemsize
        cdef int typenum = cnp.NPY_FLOAT32 if item == 4 else cnp.NPY_FLOAT64
        if cnp.PyArray_NDIM(x) != 2 or cnp.PyArray_NDIM(out) != 3:
            raise ValueError("compute() takes x of shape (rows, samples) and out of shape (rows, mels, frames)")
        if cnp.PyArray_TYPE(x) != typenum or cnp.PyArray_TYPE(out) != typenum:
            raise TypeError(f"x and out must both be {self.dtype}")
        if not (cnp.PyArray_ISALIGNED(x) and cnp.PyArray_ISNOTSWAPPED(x)):
            raise ValueError("x must be aligned and in native byte order")
        if not (cnp.PyArray_IS_C_CONTIGUOUS(out) and cnp.PyArray_ISWRITEABLE(out)
                and cnp.PyArray_ISALIGNED(out) and cnp.PyArray_ISNOTSWAPPED(out)):
            raise ValueError("out must be C-contiguous, aligned, writeable and native")
        if x.strides[0] % item or x.strides[1] % item:
            raise ValueError("x strides must be whole elements")
        cdef size_t rows = x.shape[0]
        cdef size_t n = x.shape[1]
        if n == 0:
            raise ValueError("x has 0 samples")
        cdef size_t frames = fm_num_frames(self._plan, n)
        if (<size_t>out.shape[0] != rows or <size_t>out.shape[1] != <size_t>self.num_mel_bins
                or <size_t>out.shape[2] != frames):
            raise ValueError(f"out must have shape {(rows, self.num_mel_bins, frames)}, got {(<object>out).shape}")
        if num_threads < 1:
            raise ValueError("num_threads must be >= 1")
        if rows == 0 or frames == 0:
            return out
        cdef ptrdiff_t rs = x.strides[0] // item
        cdef ptrdiff_t ss = x.strides[1] // item
        cdef const void *xp = cnp.PyArray_DATA(x)
        cdef void *op = cnp.PyArray_DATA(out)
        cdef _Interrupt interrupt = None
        cdef fm_interrupt_fn check = NULL
        if PyThread_get_thread_ident() == _MAIN_THREAD_IDENT:
            # Only the main thread receives signals; elsewhere there is
            # nothing to check and the GIL is never touched.
            interrupt = _Interrupt()
            check = _check_signals
        cdef void *ctx = <void *>interrupt
        cdef fm_status status
        with nogil:
            status = fm_compute(self._plan, xp, rows, rs, ss, n, op, num_threads, check, ctx)
        if status != FM_OK:
            _raise_status(status, interrupt)
        return out
