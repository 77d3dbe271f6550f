# Declarations of the C core (csrc/fastmel.h), one per C declaration; every
# function is nogil. The option structs convert from dicts of the same field
# names (see _core.pyx), so a new scalar field is declared here and nowhere
# else in the binding.
from libc.stddef cimport ptrdiff_t
from libc.stdint cimport uint32_t, uint64_t


cdef extern from "fastmel.h" nogil:
    enum: FM_MAX_THREADS

    ctypedef enum fm_status:
        FM_OK
        FM_ERR_INVALID
        FM_ERR_NOMEM
        FM_ERR_INTERNAL
        FM_ERR_INTERRUPTED
        FM_ERR_UNSUPPORTED

    ctypedef enum fm_dtype:
        FM_FLOAT32
        FM_FLOAT64

    ctypedef enum fm_kernel:
        FM_KERNEL_AUTO
        FM_KERNEL_BASELINE
        FM_KERNEL_AVX2

    ctypedef enum fm_pad:
        FM_PAD_REFLECT
        FM_PAD_CONSTANT
        FM_PAD_SYMMETRIC

    ctypedef enum fm_energy:
        FM_ENERGY_NONE
        FM_ENERGY_RAW
        FM_ENERGY_WINDOWED

    ctypedef enum fm_floor:
        FM_FLOOR_NONE
        FM_FLOOR_GLOBAL
        FM_FLOOR_PER_ROW

    ctypedef enum fm_norm:
        FM_NORM_NONE
        FM_NORM_MEAN
        FM_NORM_MEAN_STD

    ctypedef enum fm_layout:
        FM_LAYOUT_BANDS_FRAMES
        FM_LAYOUT_FRAMES_BANDS

    ctypedef struct fm_framing_opts:
        size_t frame_length
        size_t hop
        ptrdiff_t start
        ptrdiff_t reach
        size_t drop_last
        int pad_mode
        double signal_preemphasis

    ctypedef struct fm_condition_opts:
        double dither
        uint64_t dither_seed
        int remove_dc
        double preemphasis
        int energy
        double energy_min
        double energy_floor

    ctypedef struct fm_spectrum_opts:
        size_t fft_length
        size_t fft_offset
        double mag_exp
        double power_floor
        double power_offset

    ctypedef struct fm_bank_opts:
        size_t num_bands

    ctypedef struct fm_log_opts:
        int enabled
        double log_scale
        double log_offset
        double out_offset
        double min_power
        double ref_power

    ctypedef struct fm_floor_opts:
        int mode
        double range

    ctypedef struct fm_post_opts:
        size_t num_features
        int energy_insert
        size_t energy_index
        int layout
        double fill

    ctypedef struct fm_norm_opts:
        int mode
        size_t ddof
        double eps
        int eps_in_sqrt
        size_t exclude_last

    ctypedef struct fm_options:
        fm_framing_opts framing
        fm_condition_opts condition
        fm_spectrum_opts spectrum
        fm_bank_opts bank
        fm_log_opts log
        fm_floor_opts floor
        fm_post_opts post
        fm_norm_opts norm
        int kernel

    ctypedef struct fm_tables:
        const double *window
        const size_t *band_first
        const size_t *band_len
        const double *band_weights
        const double *post_matrix
        const double *post_bias

    ctypedef struct fm_plan:
        pass

    ctypedef struct fm_input:
        const void *data
        size_t n_rows
        ptrdiff_t row_stride
        ptrdiff_t sample_stride
        size_t n_samples
        const size_t *lengths
        uint64_t frame_index0
        uint64_t dither_key
        size_t floor_group
        const size_t *zero_from
        int zeros_unstored
        double *floor_max
        const void *const *rows
        int samples_float32

    ctypedef int (*fm_interrupt_fn)(void *ctx) noexcept nogil

    fm_status fm_plan_create(const fm_options *opts, const fm_tables *tables, fm_dtype dtype,
                             fm_plan **out)
    void fm_plan_destroy(fm_plan *plan)
    size_t fm_num_frames(const fm_plan *plan, size_t n_samples)
    size_t fm_num_features(const fm_plan *plan)
    const char *fm_plan_isa(const fm_plan *plan)
    size_t fm_plan_lanes(const fm_plan *plan)
    int fm_kernel_available(int kernel)
    fm_status fm_torch_randn(uint32_t seed, size_t n, float *out, int kernel)
    fm_status fm_utterance_cmvn_f32(float *x, size_t frames, size_t n, size_t bands, int means,
                                    int variances, int kernel)
    fm_status fm_compute(const fm_plan *plan, const fm_input *inp, void *out,
                         int num_threads, fm_interrupt_fn interrupt, void *interrupt_ctx)
    const char *fm_status_message(int status)

    ctypedef enum fm_edge:
        FM_EDGE_REPLICATE
        FM_EDGE_REFLECT
        FM_EDGE_SYMMETRIC
        FM_EDGE_CONSTANT
        FM_EDGE_WRAP
        FM_EDGE_INTERP

    ctypedef struct fm_delta_opts:
        size_t order
        size_t width
        int edge
        int recursive

    ctypedef struct fm_pcen_opts:
        int enabled
        double smooth
        double initial
        double gain
        double bias
        double power
        double eps

    ctypedef struct fm_cmvn_opts:
        int enabled
        size_t window
        size_t min_window
        int center
        int norm_vars

    ctypedef struct fm_stack_opts:
        size_t size
        size_t step
        size_t left

    ctypedef struct fm_frames_opts:
        size_t num_features
        int layout
        fm_pcen_opts pcen
        fm_cmvn_opts cmvn
        fm_delta_opts delta
        fm_stack_opts stack
        double fill
        int kernel

    ctypedef struct fm_frames_tables:
        const double *delta_filters

    ctypedef struct fm_frames_plan:
        pass

    fm_status fm_frames_create(const fm_frames_opts *opts, const fm_frames_tables *tables,
                               fm_dtype dtype, fm_frames_plan **out)
    void fm_frames_destroy(fm_frames_plan *plan)
    size_t fm_frames_out_features(const fm_frames_plan *plan)
    size_t fm_frames_out_frames(const fm_frames_plan *plan, size_t n_frames)
    const char *fm_frames_isa(const fm_frames_plan *plan)
    fm_status fm_frames_compute(const fm_frames_plan *plan, const void *inp, void *out,
                                size_t n_rows, size_t n_frames, const size_t *lengths,
                                double *state, int state_in, int num_threads,
                                fm_interrupt_fn interrupt, void *interrupt_ctx)

    size_t FM_FRAMES_OPEN
    size_t FM_CMVN_BLOCK
    ctypedef struct fm_frames_part:
        size_t frame0
        size_t total
        size_t first

    fm_status fm_frames_compute_part(const fm_frames_plan *plan, const void *inp, void *out,
                                     size_t n_rows, size_t n_frames, const size_t *lengths,
                                     const fm_frames_part *part, double *state, int state_in,
                                     int num_threads, fm_interrupt_fn interrupt,
                                     void *interrupt_ctx)
