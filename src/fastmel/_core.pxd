# Declarations of the C core (csrc/fastmel.h). Every function is nogil.
from libc.stddef cimport ptrdiff_t


cdef extern from "fastmel.h" nogil:
    ctypedef enum fm_status:
        FM_OK
        FM_ERR_INVALID
        FM_ERR_NOMEM
        FM_ERR_INTERNAL
        FM_ERR_INTERRUPTED
        FM_ERR_UNSUPPORTED

    ctypedef enum fm_kernel:
        FM_KERNEL_AUTO
        FM_KERNEL_BASELINE
        FM_KERNEL_AVX2

    ctypedef enum fm_dtype:
        FM_FLOAT32
        FM_FLOAT64

    ctypedef enum fm_pad:
        FM_PAD_REFLECT
        FM_PAD_CONSTANT

    ctypedef enum fm_floor:
        FM_FLOOR_NONE
        FM_FLOOR_GLOBAL
        FM_FLOOR_PER_ROW

    ctypedef struct fm_config:
        size_t fft_length
        size_t hop
        size_t num_mel_bins
        size_t pad
        int pad_mode
        size_t drop_last
        double mag_exp
        int power_to_db
        double log_scale
        double log_offset
        double out_offset
        double min_power
        double ref_power
        double top_db
        int floor_mode
        int kernel
        int fft_only

    ctypedef struct fm_plan:
        pass

    ctypedef int (*fm_interrupt_fn)(void *ctx) noexcept nogil

    fm_status fm_plan_create(const fm_config *cfg, fm_dtype dtype,
                             const double *window, const size_t *band_first,
                             const size_t *band_len, const double *weights,
                             fm_plan **out)
    void fm_plan_destroy(fm_plan *plan)
    size_t fm_num_frames(const fm_plan *plan, size_t n_samples)
    const char *fm_plan_isa(const fm_plan *plan)
    size_t fm_plan_lanes(const fm_plan *plan)
    fm_status fm_compute(const fm_plan *plan, const void *x, size_t n_rows,
                         ptrdiff_t row_stride, ptrdiff_t sample_stride,
                         size_t n_samples, void *out, int num_threads,
                         fm_interrupt_fn interrupt, void *interrupt_ctx)
    const char *fm_status_message(int status)
