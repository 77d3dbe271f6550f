# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: freethreading_compatible=True
"""Binding of the C core: one plan object built from one options object, one
compute call without the GIL.

The options (``fastmel._engine.EngineOptions``) are validated in Python; this
module converts them once, names to C enums in one table, and re-checks only
what protects memory (dtypes, shapes, strides, lengths), so that it can never
hand the core a buffer it would read or write out of bounds.
"""
cimport numpy as cnp
from cpython.exc cimport PyErr_CheckSignals
from cpython.pythread cimport (
    NOWAIT_LOCK,
    PyThread_acquire_lock,
    PyThread_allocate_lock,
    PyThread_free_lock,
    PyThread_get_thread_ident,
    PyThread_release_lock,
    PyThread_type_lock,
)
from libc.math cimport sqrtf
from libc.stdint cimport uint32_t, uint64_t

import os
import threading

import numpy as np

cnp.import_array()

# Signals reach only the main thread; its id, whichever thread imports us. In a
# child forked from another thread, that thread is the child's main thread.
cdef unsigned long _MAIN_THREAD_IDENT = threading.main_thread().ident


def _after_fork_in_child():
    global _MAIN_THREAD_IDENT
    _MAIN_THREAD_IDENT = PyThread_get_thread_ident()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

# The most threads one call uses (the core clamps to it).
MAX_THREADS = FM_MAX_THREADS

# Every enum crosses here, by name: option field (or stage_field) -> {name: C value}.
ENUMS = {
    "pad_mode": {"reflect": FM_PAD_REFLECT, "constant": FM_PAD_CONSTANT,
                 "symmetric": FM_PAD_SYMMETRIC},
    "energy": {"none": FM_ENERGY_NONE, "raw": FM_ENERGY_RAW, "windowed": FM_ENERGY_WINDOWED},
    "floor_mode": {"none": FM_FLOOR_NONE, "batch": FM_FLOOR_GLOBAL, "row": FM_FLOOR_PER_ROW},
    "layout": {"bands_frames": FM_LAYOUT_BANDS_FRAMES, "frames_bands": FM_LAYOUT_FRAMES_BANDS},
    "norm_mode": {"none": FM_NORM_NONE, "mean": FM_NORM_MEAN, "mean_std": FM_NORM_MEAN_STD},
    "kernel": {"auto": FM_KERNEL_AUTO, "baseline": FM_KERNEL_BASELINE, "avx2": FM_KERNEL_AVX2},
    "edge": {"replicate": FM_EDGE_REPLICATE, "reflect": FM_EDGE_REFLECT,
             "symmetric": FM_EDGE_SYMMETRIC, "constant": FM_EDGE_CONSTANT, "wrap": FM_EDGE_WRAP,
             "interp": FM_EDGE_INTERP},
}


def _abi_sizes():
    """sizeof of the C ABI's structs as this build compiled them: the
    benchmark's ctypes mirror (bench/fft_only.py) is checked against it."""
    return {"fm_options": sizeof(fm_options), "fm_tables": sizeof(fm_tables),
            "fm_input": sizeof(fm_input)}


def kernel_available(name):
    """Whether the kernel ``name`` ("auto", "baseline", "avx2") runs here."""
    return bool(fm_kernel_available(ENUMS["kernel"][name]))


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


cdef dict _scalars(stage):
    """A stage dataclass's scalar fields as a dict for its C struct (an enum field
    is looked up in ENUMS by its name, or by stage_name for a bare "mode")."""
    kind = type(stage).__name__.lower()
    out = {}
    for name, value in stage.scalars().items():
        key = f"{kind}_{name}" if f"{kind}_{name}" in ENUMS else name
        out[name] = ENUMS[key][value] if key in ENUMS else value
    return out


cdef class Plan:
    """A compiled plan for one dtype, built from ``EngineOptions``.

    Read-only once built; ``compute`` may run from many threads at once.
    """
    cdef fm_plan *_plan
    cdef readonly object dtype
    cdef readonly Py_ssize_t num_features
    cdef readonly bint frames_major

    def __cinit__(self, options, dtype):
        cdef fm_options o
        cdef fm_tables t
        cdef fm_status status
        self._plan = NULL
        self.dtype = np.dtype(dtype)
        cdef fm_dtype dt = _plan_dtype(self.dtype)
        o.framing = _scalars(options.framing)
        o.condition = _scalars(options.condition)
        o.spectrum = _scalars(options.spectrum)
        o.bank = _scalars(options.bank)
        o.log = _scalars(options.log)
        o.floor = _scalars(options.floor)
        o.post = _scalars(options.post)
        o.norm = _scalars(options.norm)
        o.kernel = ENUMS["kernel"][options.kernel]

        # The tables, as contiguous arrays of the C types, alive until the
        # plan has copied them.
        cdef size_t W = o.framing.frame_length, nb = o.bank.num_bands, K = o.post.num_features
        window = _array(options.condition.window, np.float64, (W,), "window")
        first = _array(options.bank.first, np.uintp, (nb,), "bank.first")
        length = _array(options.bank.length, np.uintp, (nb,), "bank.length")
        weights = _array(options.bank.weights, np.float64, (int(length.sum()),), "bank.weights")
        matrix = _array(options.post.matrix, np.float64, (K, nb), "post.matrix") if K else None
        bias = _array(options.post.bias, np.float64, (K if K else nb,), "post.bias")
        t.window = _ptr(window)
        t.band_first = <const size_t *>_ptr(first)
        t.band_len = <const size_t *>_ptr(length)
        t.band_weights = _ptr(weights)
        t.post_matrix = _ptr(matrix)
        t.post_bias = _ptr(bias)
        status = fm_plan_create(&o, &t, dt, &self._plan)
        if status != FM_OK:
            _raise_status(status, None)
        self.num_features = fm_num_features(self._plan)
        self.frames_major = o.post.layout == FM_LAYOUT_FRAMES_BANDS

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

    def frame_counts(self, lengths):
        """``num_frames`` of every length (int64, the shape of ``lengths``)."""
        lens = np.asarray(lengths, dtype=np.uintp)
        counts = np.empty(lens.shape, dtype=np.int64)
        cdef const size_t[::1] n = lens.reshape(-1)
        cdef long long[::1] c = counts.reshape(-1)
        cdef Py_ssize_t i
        for i in range(n.shape[0]):
            c[i] = fm_num_frames(self._plan, n[i])
        return counts

    def out_shape(self, size_t rows, size_t n_samples):
        """The shape ``compute`` writes for ``rows`` rows of ``n_samples``."""
        frames = fm_num_frames(self._plan, n_samples)
        if self.frames_major:
            return (rows, frames, self.num_features)
        return (rows, self.num_features, frames)

    def compute(self, x not None, cnp.ndarray out not None, int num_threads,
                lengths=None, uint64_t frame_index0=0, size_t floor_group=0,
                uint64_t dither_key=0, zero_from=None, n_samples=None,
                cnp.ndarray floor_max=None):
        """Fill ``out`` (``out_shape(rows, samples)``) from ``x`` (rows, samples).

        ``x`` may have any strides that are whole elements, or be a list of
        1-D contiguous arrays, one per row, each holding its row's start (the
        samples after it are zeros that are not stored; ``n_samples``, default
        the longest, is then the rows' logical length): separate clips in one
        call without copying them into a batch. ``out`` must be
        C-contiguous and writeable. Both must be of the plan's dtype, aligned
        and in native byte order; but a float64 plan also reads float32
        samples (an array, or a list whose rows are all float32) as their
        exact doubles, without a converted copy. ``lengths``: None or one valid length per
        row (<= samples). ``frame_index0``: the index of output frame 0 (the
        dither noise depends on it). ``floor_group``: with a per-row floor, the
        maximum is over each run of that many rows (0 or 1: each row); it must
        divide the number of rows. ``dither_key``: xor'ed into the plan's
        dither seed for this call. ``zero_from``: None or one sample index per
        row from which the caller promises the row is 0 (groups of frames
        that read only zeros skip the FFT; the result is the same).
        ``n_samples``: None, or the rows' logical length when it is more than
        ``x`` holds (``out`` is then ``out_shape(rows, n_samples)``): the
        samples from ``x.shape[1]`` on (and from ``zero_from``, if given) are
        zeros that are not stored, and nothing there is read. ``floor_max``:
        None, or a writeable C-contiguous float64 array of one value per row,
        for plans with a floor: each row's running maximum of the log bands
        before this call (-inf for a new signal), updated to the maximum the
        floor used (a stream's state).
        """
        cdef Py_ssize_t item = self.dtype.itemsize
        cdef int typenum = cnp.NPY_FLOAT32 if item == 4 else cnp.NPY_FLOAT64
        cdef fm_input inp
        inp.rows = NULL
        inp.samples_float32 = 0
        cdef cnp.ndarray pointers = None
        cdef cnp.ndarray held_rows = None
        if isinstance(x, list):
            # Our own references for the call: the caller's list may change on
            # another thread while the core reads the rows without the GIL.
            x = tuple(x)
            if item == 8 and x and all(
                    isinstance(r, cnp.ndarray) and cnp.PyArray_TYPE(r) == cnp.NPY_FLOAT32
                    for r in x):
                inp.samples_float32 = 1  # widened by the core as it reads them
                pointers, held_rows, longest = _row_pointers(x, cnp.NPY_FLOAT32, self.dtype)
            else:
                pointers, held_rows, longest = _row_pointers(x, typenum, self.dtype)
            inp.rows = <const void *const *>cnp.PyArray_DATA(pointers)
            inp.n_rows = len(x)
            if n_samples is None:
                n_samples = max(longest, 1)
            inp.n_samples = n_samples
            zero_from = held_rows if zero_from is None else np.minimum(
                _per_row(zero_from, inp.n_rows, "zero_from"), held_rows)
            inp.zeros_unstored = 1
            inp.row_stride = 0
            inp.sample_stride = 1
            inp.data = NULL
        elif not isinstance(x, cnp.ndarray):
            raise TypeError("compute() takes x as an array or a list of arrays")
        elif cnp.PyArray_NDIM(x) != 2:
            raise ValueError("compute() takes x of shape (rows, samples) and a 3-d out")
        elif cnp.PyArray_TYPE(x) != typenum and not (
                item == 8 and cnp.PyArray_TYPE(x) == cnp.NPY_FLOAT32):
            raise TypeError(f"x and out must both be {self.dtype} (or x float32 for a "
                            f"float64 plan)")
        elif not (cnp.PyArray_ISALIGNED(x) and cnp.PyArray_ISNOTSWAPPED(x)):
            raise ValueError("x must be aligned and in native byte order")
        elif x.strides[0] % x.itemsize or x.strides[1] % x.itemsize:
            raise ValueError("x strides must be whole elements")
        else:
            inp.samples_float32 = cnp.PyArray_TYPE(x) != typenum
        if cnp.PyArray_NDIM(out) != 3:
            raise ValueError("compute() takes x of shape (rows, samples) and a 3-d out")
        if cnp.PyArray_TYPE(out) != typenum:
            raise TypeError(f"x and out must both be {self.dtype}")
        if not (cnp.PyArray_IS_C_CONTIGUOUS(out) and cnp.PyArray_ISWRITEABLE(out)
                and cnp.PyArray_ISALIGNED(out) and cnp.PyArray_ISNOTSWAPPED(out)):
            raise ValueError("out must be C-contiguous, aligned, writeable and native")
        if inp.rows == NULL:
            inp.n_rows = x.shape[0]
            inp.n_samples = x.shape[1]
            inp.zeros_unstored = 0
        inp.floor_max = NULL
        if floor_max is not None:
            if (cnp.PyArray_TYPE(floor_max) != cnp.NPY_FLOAT64
                    or not cnp.PyArray_IS_C_CONTIGUOUS(floor_max)
                    or not cnp.PyArray_ISWRITEABLE(floor_max)
                    or not cnp.PyArray_ISNOTSWAPPED(floor_max)
                    or (<object>floor_max).shape != (inp.n_rows,)):
                raise ValueError(f"floor_max must be a writeable C-contiguous float64 array "
                                 f"of shape {(inp.n_rows,)}")
            inp.floor_max = <double *>cnp.PyArray_DATA(floor_max)
        cdef size_t held = inp.n_samples if inp.rows != NULL else x.shape[1]
        if inp.rows == NULL and n_samples is not None and n_samples != held:
            if n_samples < held:
                raise ValueError("n_samples must be at least x.shape[1]")
            inp.n_samples = n_samples
            inp.zeros_unstored = 1
            if zero_from is None:
                zero_from = np.full(inp.n_rows, held, dtype=np.uintp)
            else:
                zero_from = np.minimum(_per_row(zero_from, inp.n_rows, "zero_from"), held)
        if inp.n_samples == 0:
            raise ValueError("x has 0 samples")
        shape = self.out_shape(inp.n_rows, inp.n_samples)
        if (<object>out).shape != shape:
            raise ValueError(f"out must have shape {shape}, got {(<object>out).shape}")
        if num_threads < 1:
            raise ValueError("num_threads must be >= 1")
        cdef cnp.ndarray lens = _per_row(lengths, inp.n_rows, "lengths")
        inp.lengths = NULL
        if lens is not None:
            if inp.n_rows and int(lens.max()) > inp.n_samples:
                raise ValueError("lengths must be <= the number of samples")
            inp.lengths = <const size_t *>cnp.PyArray_DATA(lens)
        cdef cnp.ndarray zeros = _per_row(zero_from, inp.n_rows, "zero_from")
        inp.zero_from = NULL
        if zeros is not None:
            inp.zero_from = <const size_t *>cnp.PyArray_DATA(zeros)
        if inp.n_rows == 0 or shape[1] == 0 or shape[2] == 0:
            return out
        if inp.rows == NULL:
            inp.row_stride = x.strides[0] // x.itemsize
            inp.sample_stride = x.strides[1] // x.itemsize
            inp.data = cnp.PyArray_DATA(x)
        inp.frame_index0 = frame_index0
        inp.floor_group = floor_group
        inp.dither_key = dither_key
        if floor_group > 1 and inp.n_rows % floor_group:
            raise ValueError("floor_group must divide the number of rows")
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
            status = fm_compute(self._plan, &inp, op, num_threads, check, ctx)
        if status != FM_OK:
            _raise_status(status, interrupt)
        return out


cdef tuple _row_pointers(tuple rows, int typenum, dtype):
    """The address of each row's sample 0 (uintp), the samples it holds
    (uintp) and the most of those, for rows given as a list of 1-D contiguous
    arrays of ``dtype``."""
    cdef Py_ssize_t n = len(rows), r
    cdef size_t longest = 0
    cdef cnp.ndarray addresses = np.empty(n, dtype=np.uintp)
    cdef cnp.ndarray held = np.empty(n, dtype=np.uintp)
    cdef size_t *ap = <size_t *>cnp.PyArray_DATA(addresses)
    cdef size_t *hp = <size_t *>cnp.PyArray_DATA(held)
    cdef cnp.ndarray row
    for r in range(n):
        if not isinstance(rows[r], cnp.ndarray):
            raise TypeError("rows must be NumPy arrays")
        row = rows[r]
        if cnp.PyArray_NDIM(row) != 1:
            raise ValueError("each row must be 1-D")
        if cnp.PyArray_TYPE(row) != typenum:
            raise TypeError(f"rows and out must all be {dtype}")
        if not (cnp.PyArray_IS_C_CONTIGUOUS(row) and cnp.PyArray_ISALIGNED(row)
                and cnp.PyArray_ISNOTSWAPPED(row)):
            raise ValueError("each row must be contiguous, aligned and in native byte order")
        ap[r] = <size_t>cnp.PyArray_DATA(row)
        hp[r] = <size_t>cnp.PyArray_DIM(row, 0)
        longest = hp[r] if hp[r] > longest else longest
    return addresses, held, longest


cdef fm_dtype _plan_dtype(dtype) except *:
    """The C dtype of a plan for ``dtype`` (a np.dtype)."""
    if dtype == np.float32:
        return FM_FLOAT32
    if dtype == np.float64:
        return FM_FLOAT64
    raise TypeError(f"plan dtype must be float32 or float64, got {dtype}")


cdef _Interrupt _interrupt_here():
    """An interrupt carrier when called from the main thread (the only one that
    receives signals), else None."""
    if PyThread_get_thread_ident() == _MAIN_THREAD_IDENT:
        return _Interrupt()
    return None


# The blocks of frames at which sliding CMVN's window sums start again.
CMVN_BLOCK = FM_CMVN_BLOCK


cdef class FramesPlan:
    """A compiled plan of the stages along frames for one dtype, built from
    ``fastmel._engine.FramesOptions``. Read-only once built; ``compute`` may run
    from many threads at once."""
    cdef fm_frames_plan *_plan
    cdef readonly object dtype
    cdef readonly Py_ssize_t num_features, out_features
    cdef readonly bint frames_major

    def __cinit__(self, options, dtype):
        cdef fm_frames_opts o
        cdef fm_frames_tables t
        self._plan = NULL
        self.dtype = np.dtype(dtype)
        cdef fm_dtype dt = _plan_dtype(self.dtype)
        d = options.delta
        o.pcen = _scalars(options.pcen)
        o.cmvn = _scalars(options.cmvn)
        o.stack = _scalars(options.stack)
        o.num_features = options.num_features
        o.layout = ENUMS["layout"][options.layout]
        o.fill = options.fill
        o.kernel = ENUMS["kernel"][options.kernel]
        o.delta.order = d.order
        o.delta.width = d.width
        o.delta.edge = ENUMS["edge"][d.edge]
        o.delta.recursive = d.recursive
        rows = (1 if d.recursive else d.order) if d.order else 0
        filters = _array(d.filters, np.float64, (rows, d.width), "delta.filters") if rows else None
        t.delta_filters = _ptr(filters)
        status = fm_frames_create(&o, &t, dt, &self._plan)
        if status != FM_OK:
            _raise_status(status, None)
        self.num_features = o.num_features
        self.out_features = fm_frames_out_features(self._plan)
        self.frames_major = o.layout == FM_LAYOUT_FRAMES_BANDS

    def __dealloc__(self):
        if self._plan != NULL:
            fm_frames_destroy(self._plan)
            self._plan = NULL

    @property
    def isa(self):
        """Instruction set of the kernel this plan runs."""
        return fm_frames_isa(self._plan).decode()

    def out_frames(self, size_t frames):
        """Output frames of ``frames`` input frames (fewer when stacking)."""
        return fm_frames_out_frames(self._plan, frames)

    def out_shape(self, size_t rows, size_t frames):
        """The shape ``compute`` writes for ``rows`` rows of ``frames`` frames."""
        cdef size_t fo = fm_frames_out_frames(self._plan, frames)
        if self.frames_major:
            return (rows, fo, self.out_features)
        return (rows, self.out_features, fo)

    def compute(self, x not None, cnp.ndarray out not None, int num_threads,
                lengths=None, cnp.ndarray state=None, bint state_in=False, part=None):
        """Fill ``out`` (``out_shape(rows, frames)``) from ``x`` (rows, K, frames)
        or (rows, frames, K): both C-contiguous, aligned, native, of the plan's
        dtype, not overlapping. ``lengths``: None or each row's own frames.
        ``state``: None, or a C-contiguous float64 (rows, K) array carrying
        PCEN's filter (in: M before the first frame when ``state_in``; out: M
        of each row's last frame). ``part``: None, or ``(frame0, total,
        first)``: the frames are frames ``frame0`` on of a signal of ``total``
        frames (None: not yet known), and those before call frame ``first``
        need not be computed (fm_frames_part: sliding CMVN in a stream)."""
        cdef int typenum = cnp.NPY_FLOAT32 if self.dtype.itemsize == 4 else cnp.NPY_FLOAT64
        if cnp.PyArray_NDIM(x) != 3 or cnp.PyArray_NDIM(out) != 3:
            raise ValueError("compute() takes 3-d x and out")
        if cnp.PyArray_TYPE(x) != typenum or cnp.PyArray_TYPE(out) != typenum:
            raise TypeError(f"x and out must both be {self.dtype}")
        for a, name in ((x, "x"), (out, "out")):
            if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISALIGNED(a)
                    and cnp.PyArray_ISNOTSWAPPED(a)):
                raise ValueError(f"{name} must be C-contiguous, aligned and native")
        if not cnp.PyArray_ISWRITEABLE(out):
            raise ValueError("out must be writeable")
        if np.may_share_memory(x, out):
            raise ValueError("x and out must not overlap")
        cdef size_t rows = x.shape[0]
        cdef size_t frames = x.shape[1] if self.frames_major else x.shape[2]
        cdef size_t k = x.shape[2] if self.frames_major else x.shape[1]
        if k != <size_t>self.num_features:
            raise ValueError(f"x must have {self.num_features} features, got {k}")
        shape = self.out_shape(rows, frames)
        if (<object>out).shape != shape:
            raise ValueError(f"out must have shape {shape}, got {(<object>out).shape}")
        cdef cnp.ndarray lens = _per_row(lengths, rows, "lengths")
        cdef const size_t *lp = NULL
        if lens is not None:
            if rows and int(lens.max()) > frames:
                raise ValueError("lengths must be <= the number of frames")
            lp = <const size_t *>cnp.PyArray_DATA(lens)
        if num_threads < 1:
            raise ValueError("num_threads must be >= 1")
        cdef double *sp = NULL
        if state is not None:
            if (cnp.PyArray_TYPE(state) != cnp.NPY_FLOAT64 or not cnp.PyArray_IS_C_CONTIGUOUS(state)
                    or not cnp.PyArray_ISWRITEABLE(state) or not cnp.PyArray_ISNOTSWAPPED(state)
                    or (<object>state).shape != (rows, self.num_features)):
                raise ValueError(f"state must be a writeable C-contiguous float64 array of shape "
                                 f"{(rows, self.num_features)}")
            sp = <double *>cnp.PyArray_DATA(state)
        cdef _Interrupt interrupt = _interrupt_here()
        cdef fm_interrupt_fn check = NULL
        if interrupt is not None:
            check = _check_signals
        cdef void *ctx = <void *>interrupt
        cdef const void *xp = cnp.PyArray_DATA(x)
        cdef void *op = cnp.PyArray_DATA(out)
        cdef fm_status status
        cdef fm_frames_part where
        cdef const fm_frames_part *wp = NULL
        if part is not None:
            frame0, total, first = part
            if frame0 < 0 or first < 0 or (total is not None and total < 0):
                raise ValueError("part: frame0, total and first must be >= 0")
            where.frame0 = frame0
            where.total = FM_FRAMES_OPEN if total is None else total
            where.first = first
            wp = &where
        with nogil:
            status = fm_frames_compute_part(self._plan, xp, op, rows, frames, lp, wp, sp,
                                            state_in, num_threads, check, ctx)
        if status != FM_OK:
            _raise_status(status, interrupt)
        return out


cdef object _per_row(value, size_t n_rows, str name):
    """``value`` (None, or one size per row) as a C-contiguous uintp array."""
    if value is None:
        return None
    a = np.ascontiguousarray(value, dtype=np.uintp)
    if a.ndim != 1 or <size_t>a.shape[0] != n_rows:
        raise ValueError(f"{name} must hold one value per row")
    return a


cdef object _array(value, dtype, shape, name):
    """``value`` as a C-contiguous array of ``dtype`` and ``shape``, or None."""
    if value is None:
        return None
    a = np.ascontiguousarray(value, dtype=dtype)
    if a.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {a.shape}")
    return a


cdef const double *_ptr(a):
    """Data pointer of an array from _array (NULL for None or empty)."""
    if a is None or (<cnp.ndarray>a).size == 0:
        return NULL
    return <const double *>cnp.PyArray_DATA(<cnp.ndarray>a)


cdef class Exclusive:
    """A context manager that admits one holder at a time and raises
    RuntimeError(message) for a second one instead of waiting; optionally it
    commits a value when its block ends without an exception.

    Written in Cython so that no Python signal handler can run between taking
    it and entering the ``with`` block, nor between the end of the block and
    the commit: an exception delivered at any point (Ctrl-C, a timeout
    signal) never leaves it taken, and either the commit happened or the
    block raised. Taking it is one non-blocking lock acquisition, atomic with
    or without a GIL (free-threaded Python).
    """
    cdef PyThread_type_lock lock
    cdef object message, attribute, target, value

    def __cinit__(self, *args, **kwargs):
        self.lock = PyThread_allocate_lock()
        if self.lock == NULL:
            raise MemoryError()

    def __dealloc__(self):
        if self.lock != NULL:
            PyThread_free_lock(self.lock)

    def __init__(self, message, attribute=None):
        self.message = message
        self.attribute = attribute

    def __enter__(self):
        if not PyThread_acquire_lock(self.lock, NOWAIT_LOCK):
            raise RuntimeError(self.message)
        return self

    def commit_on_exit(self, target, value):
        """Set ``target.<attribute> = value`` when the block ends without an
        exception."""
        self.target = target
        self.value = value

    def __exit__(self, exc_type, exc, tb):
        target, value = self.target, self.value
        self.target = self.value = None
        PyThread_release_lock(self.lock)
        if exc_type is None and target is not None:
            setattr(target, self.attribute, value)
        return False


def utterance_cmvn_f32(cnp.ndarray x not None, Py_ssize_t n, bint means, bint variances,
                       kernel="auto"):
    """In place on ``x`` (frames, bands), float32 and C-contiguous: ``x -=
    x[:n].mean(axis=0)`` (with ``means``), then ``x /= x[:n].std(axis=0)``
    (with ``variances``), over all of ``x``, with NumPy's float32 arithmetic
    (its reductions along axis 0 of such an array with 2 bands or more add
    row after row in order; the divisions by ``n`` and the square root rounded
    to float32), so that the bits are NumPy's, on either kernel; without the
    GIL (``fm_utterance_cmvn_f32``)."""
    if (cnp.PyArray_NDIM(x) != 2 or cnp.PyArray_TYPE(x) != cnp.NPY_FLOAT32
            or not cnp.PyArray_IS_C_CONTIGUOUS(x) or not cnp.PyArray_ISWRITEABLE(x)
            or not cnp.PyArray_ISNOTSWAPPED(x)):
        raise ValueError("x must be a writeable C-contiguous float32 array (frames, bands)")
    cdef Py_ssize_t frames = x.shape[0], bands = x.shape[1]
    if n < 1 or n > frames:
        raise ValueError("n must be in 1 .. frames")
    if bands < 2:  # (NumPy sums a single column pairwise, not in order)
        raise ValueError("x must have 2 bands or more")
    cdef int k = ENUMS["kernel"][kernel]
    cdef float *v = <float *>cnp.PyArray_DATA(x)
    cdef fm_status status
    with nogil:
        status = fm_utterance_cmvn_f32(v, <size_t>frames, <size_t>n, <size_t>bands, means,
                                       variances, k)
    if status != FM_OK:
        _raise_status(status, None)


def bin_normalise_f32(cnp.ndarray src not None, Py_ssize_t n, cnp.ndarray dst not None,
                      bint normalise):
    """``dst[t] = (x[t] - mean) / sqrt(var + 1e-7)`` for ``t < len(dst)``,
    where ``x`` is ``src[:n]`` (frames, bins) float64 rounded to float32 and
    ``mean``, ``var`` (sample variance, ddof 1) are each bin's over those
    ``n`` frames, with NumPy's float32 arithmetic on the transposed view
    (``np.asfortranarray(x)``: each bin's frames contiguous, which NumPy's
    reductions sum pairwise, as :func:`_pairwise_rows` does across all bins
    at once), so that the bits are NumPy's. ``n == 1``: NaN (a sample
    variance of 0/0). Without ``normalise``: ``dst[t] = x[t]``. Without the GIL.
    """
    if (cnp.PyArray_NDIM(src) != 2 or cnp.PyArray_TYPE(src) != cnp.NPY_FLOAT64
            or not cnp.PyArray_IS_C_CONTIGUOUS(src) or not cnp.PyArray_ISNOTSWAPPED(src)):
        raise ValueError("src must be a C-contiguous float64 array (frames, bins)")
    if (cnp.PyArray_NDIM(dst) != 2 or cnp.PyArray_TYPE(dst) != cnp.NPY_FLOAT32
            or not cnp.PyArray_IS_C_CONTIGUOUS(dst) or not cnp.PyArray_ISWRITEABLE(dst)
            or not cnp.PyArray_ISNOTSWAPPED(dst)):
        raise ValueError("dst must be a writeable C-contiguous float32 array (frames, bins)")
    cdef Py_ssize_t bins = src.shape[1], cut = dst.shape[0], t, j
    if dst.shape[1] != bins:
        raise ValueError("src and dst must have the same bins")
    if n < 0 or n > src.shape[0] or cut > n:
        raise ValueError("need len(dst) <= n <= len(src)")
    cdef const double *x = <const double *>cnp.PyArray_DATA(src)
    cdef float *y = <float *>cnp.PyArray_DATA(dst)
    if not normalise:
        with nogil:
            for t in range(cut * bins):
                y[t] = <float>x[t]
        return
    if n == 0:
        return
    # mean, denominator, then the pairwise sums' workspace: 8 rows at the
    # bottom level and one partial sum per level of halving above it
    cdef cnp.ndarray space_a = np.empty((2 + 8 + 64) * bins, dtype=np.float32)
    cdef float *mean = <float *>cnp.PyArray_DATA(space_a)
    cdef float *denom = mean + bins
    cdef float *work = denom + bins
    cdef float d
    with nogil:
        _pairwise_rows(x, n, bins, NULL, mean, work)
        for j in range(bins):
            mean[j] = <float>((<double>(<float>0.0 + mean[j])) / <double>n)
        _pairwise_rows(x, n, bins, mean, denom, work)
        for j in range(bins):
            d = <float>((<double>(<float>0.0 + denom[j])) / <double>(n - 1))
            denom[j] = sqrtf(d + <float>1e-7)
        for t in range(cut):
            for j in range(bins):
                y[t * bins + j] = (<float>x[t * bins + j] - mean[j]) / denom[j]


cdef inline float _row_value(const double *x, Py_ssize_t j, const float *mean) noexcept nogil:
    """Element j of a row as float32, or its squared deviation from mean[j]."""
    cdef float v = <float>x[j]
    if mean != NULL:
        v = v - mean[j]
        return v * v
    return v


cdef void _pairwise_rows(const double *x, Py_ssize_t n, Py_ssize_t bins, const float *mean,
                         float *res, float *work) noexcept nogil:
    """res[j] = NumPy's float32 pairwise sum (its add.reduce along a
    contiguous axis: plain below 8 values, 8 accumulators up to 128, halves
    on multiples of 8 above) of _row_value(row i, j) over rows i < n, for
    every bin j at once. work: (8 + levels) * bins floats."""
    cdef Py_ssize_t i, j, k, m, n2
    cdef float *r
    if n < 8:
        for j in range(bins):
            res[j] = 0.0
        for i in range(n):
            for j in range(bins):
                res[j] = res[j] + _row_value(x + i * bins, j, mean)
    elif n <= 128:
        r = work
        for k in range(8):
            for j in range(bins):
                r[k * bins + j] = _row_value(x + k * bins, j, mean)
        m = n - n % 8
        i = 8
        while i < m:
            for k in range(8):
                for j in range(bins):
                    r[k * bins + j] = r[k * bins + j] + _row_value(x + (i + k) * bins, j, mean)
            i += 8
        for j in range(bins):
            res[j] = ((r[j] + r[bins + j]) + (r[2 * bins + j] + r[3 * bins + j])) + (
                (r[4 * bins + j] + r[5 * bins + j]) + (r[6 * bins + j] + r[7 * bins + j]))
        for i in range(m, n):
            for j in range(bins):
                res[j] = res[j] + _row_value(x + i * bins, j, mean)
    else:
        n2 = n // 2
        n2 -= n2 % 8
        _pairwise_rows(x, n2, bins, mean, res, work)
        _pairwise_rows(x + n2 * bins, n - n2, bins, mean, work, work + bins)
        for j in range(bins):
            res[j] = res[j] + work[j]


def torch_randn(uint32_t seed, Py_ssize_t n, kernel="auto"):
    """``torch.randn(n, generator=torch.Generator().manual_seed(seed))`` on
    the CPU, float32, without torch and without the GIL: torch's MT19937
    stream and its Box-Muller on blocks of 16 (``normal_fill_16``), with
    fastmel's logarithm, sine and cosine in place of torch's (its values to a
    few ulps). For n < 16 (a scalar path in torch): the first n values of the
    block of 16 drawn after n."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    out = np.empty(n, dtype=np.float32)
    cdef float *p = <float *>cnp.PyArray_DATA(out)
    cdef int k = ENUMS["kernel"][kernel]
    cdef fm_status status
    with nogil:
        status = fm_torch_randn(seed, <size_t>n, p, k)
    if status != FM_OK:
        _raise_status(status, None)
    return out
