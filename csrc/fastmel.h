/*
 * fastmel core: mel spectrograms from a fused frame -> window -> real FFT ->
 * |X|^p -> sparse mel -> dB pipeline.
 *
 * This is a plain C ABI with no Python in it. A plan is built once from the
 * parameters and is then read-only: any number of threads may call
 * fm_compute() on the same plan at the same time.
 *
 * Every function returns an fm_status; the core never aborts or exits.
 */
#ifndef FASTMEL_H
#define FASTMEL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fm_status {
    FM_OK = 0,
    FM_ERR_INVALID = 1,     /* a parameter or argument is out of range */
    FM_ERR_NOMEM = 2,       /* an allocation failed */
    FM_ERR_INTERNAL = 3,    /* an unexpected C++ exception */
    FM_ERR_INTERRUPTED = 4, /* the caller's interrupt check asked to stop */
    FM_ERR_UNSUPPORTED = 5  /* the requested kernel is not built or not supported by this CPU */
} fm_status;

typedef enum fm_dtype {
    FM_FLOAT32 = 0,
    FM_FLOAT64 = 1
} fm_dtype;

/* How the top_db floor is applied in dB mode. */
typedef enum fm_floor {
    FM_FLOOR_NONE = 0,    /* no floor */
    FM_FLOOR_GLOBAL = 1,  /* floor at max over the whole call - top_db (Keras) */
    FM_FLOOR_PER_ROW = 2  /* floor at max over each row (example) - top_db */
} fm_floor;

/* What the frames see beyond the ends of the signal. */
typedef enum fm_pad {
    FM_PAD_REFLECT = 0,  /* numpy's mode="reflect" (edge sample not repeated) */
    FM_PAD_CONSTANT = 1  /* zeros */
} fm_pad;

/* Which compiled kernel a plan runs. */
typedef enum fm_kernel {
    FM_KERNEL_AUTO = 0,      /* the best this CPU supports */
    FM_KERNEL_BASELINE = 1,  /* the compiler's default target */
    FM_KERNEL_AVX2 = 2       /* x86-64 AVX2 + FMA; FM_ERR_UNSUPPORTED without */
} fm_kernel;

typedef struct fm_config {
    size_t fft_length;    /* FFT size n, >= 1 */
    size_t hop;           /* samples between frame starts, >= 1 */
    size_t num_mel_bins;  /* number of mel bands, >= 1 */
    size_t pad;           /* samples added before and after the signal:
                             fft_length / 2 centres the frames (Keras), 0
                             starts frame 0 at sample 0 */
    int pad_mode;         /* an fm_pad */
    size_t drop_last;     /* frames left out at the end (whisper drops 1) */
    double mag_exp;       /* exponent p in |X|^p; 2 and 1 have fast paths */
    int power_to_db;      /* nonzero: the log step below */
    /* Log step: out = log_scale * (log10(max(M + log_offset, min_power))
     *                              - log10(max(|ref_power|, min_power)))
     *                 + out_offset.
     * log_scale 10 gives dB, ln(10) the natural log. */
    double log_scale;     /* > 0 when power_to_db */
    double log_offset;    /* added to M before the log, >= 0 */
    double out_offset;    /* added after the log */
    double min_power;     /* floor inside the log, > 0 when power_to_db */
    double ref_power;     /* reference power; |ref_power| is used */
    double top_db;        /* dynamic range kept below the maximum, in dB
                             (top_db * log_scale / 10 output units), >= 0 */
    int floor_mode;       /* an fm_floor; ignored unless power_to_db */
    int kernel;           /* an fm_kernel */
    int fft_only;         /* benchmarking only: stop after the FFT and write
                             FFTPACK coefficient m of each frame as band m
                             (needs num_mel_bins <= fft_length) */
} fm_config;

typedef struct fm_plan fm_plan;

/*
 * Build a plan for one dtype.
 *   window: fft_length values, already zero-padded and centred; the plan keeps
 *           a copy rounded to the plan's dtype.
 *   band_first, band_len, weights: the sparse mel filter bank. Band m covers
 *           bins band_first[m] .. band_first[m] + band_len[m] - 1 (all below
 *           fft_length/2 + 1) with weights at weights[sum of earlier
 *           band_len ...]; band_len[m] may be 0. The plan keeps copies, with
 *           weights rounded to its dtype.
 * On success *out owns a plan to release with fm_plan_destroy().
 */
fm_status fm_plan_create(const fm_config *cfg, fm_dtype dtype,
                         const double *window, const size_t *band_first,
                         const size_t *band_len, const double *weights,
                         fm_plan **out);
void fm_plan_destroy(fm_plan *plan);

/* Frames produced for a signal of n_samples (>= 1): 1 + (n_samples +
 * 2*pad - n) / hop - drop_last, or 0 when that is not positive (or when
 * n_samples is 0). */
size_t fm_num_frames(const fm_plan *plan, size_t n_samples);

/* Name of the instruction set the plan's kernel was compiled for. */
const char *fm_plan_isa(const fm_plan *plan);
/* Frames transformed together in one FFT execution (SIMD lanes). */
size_t fm_plan_lanes(const fm_plan *plan);

/*
 * Compute n_rows mel spectrograms.
 *   x:       element [0, 0] of the input, of the plan's dtype; row r, sample j
 *            is at x[r*row_stride + j*sample_stride] (strides in elements, may
 *            be negative).
 *   out:     n_rows x num_mel_bins x n_frames, C-contiguous, of the plan's
 *            dtype, where n_frames = fm_num_frames(plan, n_samples).
 *   num_threads: worker threads to use, >= 1. Results do not depend on it.
 *   interrupt: if not NULL, called now and then from the calling thread;
 *            a nonzero return stops the work and gives FM_ERR_INTERRUPTED.
 */
typedef int (*fm_interrupt_fn)(void *ctx);

fm_status fm_compute(const fm_plan *plan, const void *x, size_t n_rows,
                     ptrdiff_t row_stride, ptrdiff_t sample_stride,
                     size_t n_samples, void *out, int num_threads,
                     fm_interrupt_fn interrupt, void *interrupt_ctx);

/* A static English description of a status code. */
const char *fm_status_message(int status);

#ifdef __cplusplus
}
#endif

#endif /* FASTMEL_H */
