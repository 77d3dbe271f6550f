/*
 * Internal interface between the driver (plan.cpp) and the per-instruction-set
 * kernels (kernel_<isa>.cpp). Nothing here is compiled with ISA-specific
 * flags, so the driver may include it freely; everything with code lives in
 * the kernels' own namespaces.
 */
#ifndef FASTMEL_KERNEL_H
#define FASTMEL_KERNEL_H

#include <cstddef>
#include <cstdint>

#include "fastmel.h"

namespace fastmel {

/* One call's input and output, shared by the workers of that call. */
struct Job {
    const void *x;
    const void *const *rows;   /* NULL, or each row's sample 0 (x and row_stride unused) */
    size_t n_rows;
    ptrdiff_t row_stride;
    ptrdiff_t sample_stride;
    size_t n_samples;
    size_t n_frames;           /* frames of the output (of n_samples) */
    const size_t *lengths;     /* NULL, or each row's own length */
    const size_t *row_frames;  /* with lengths: each row's own frame count */
    const size_t *zero_from;   /* NULL, or per row: samples from here on are 0 */
    bool zeros_unstored;       /* with zero_from: those samples are not in memory */
    bool samples_f32 = false;  /* float32 samples for a float64 kernel (fm_input.samples_float32) */
    uint64_t frame_index0;     /* index of output frame 0 (dither noise) */
    uint64_t dither_key;       /* this call's key, xor'ed into the dither seed */
    void *out;                 /* n_rows x features x n_frames, or frames-major */
    /* Two-pass plans (a floor with a post matrix or an energy), second pass:
     * per row, the floor's threshold in the output's precision (-inf: none),
     * and per work item, nonzero when the floor changes its log bands: only
     * those items are computed again, floored, and finished. */
    const double *floor_thr;
    const unsigned char *redo;
    /* Two-pass plans: NULL, or kept_bytes() per work item where the first
     * pass keeps each item's log bands and energy, so that the second pass
     * floors and finishes them without computing them again. */
    unsigned char *kept;
    /* With a floor: per work item, the smallest log value written (NaN
     * ignored, +inf if none), so that the floor revisits only the tiles that
     * fall below it. NULL when not needed. */
    double *item_min;
};

/*
 * A kernel transforms groups of lanes() consecutive frames of one row at a
 * time. Work item i is row i / groups, group i % groups, where groups =
 * ceil(n_frames / lanes()). run() is const and keeps its scratch in
 * per-thread buffers, so one kernel serves many threads at once.
 */
class Kernel {
  public:
    virtual ~Kernel() = default;
    virtual const char *isa() const = 0;
    virtual size_t lanes() const = 0;
    /* Compute items [begin, end). In log mode, unless row_max is NULL (no
     * floor wants it), row_max[r] is raised to the largest finite log value
     * written for row r (NaN and +inf skipped).
     * With job.kept, an item's log bands and energy are kept there and the
     * item is left for post_pass() to finish. */
    virtual void run(const Job &job, size_t begin, size_t end, double *row_max) const = 0;
    /* Two-pass plans: items [begin, end) marked in job.redo floored at
     * job.floor_thr and finished, their log bands read from job.kept (where
     * the other items are finished too) or, without it, computed again. */
    virtual void post_pass(const Job &job, size_t begin, size_t end) const = 0;
    /* Bytes per work item of Job::kept. */
    virtual size_t kept_bytes() const = 0;
    /* The normalisation (fm_norm_opts) of rows [begin, end) of a call's
     * output out (nk features, n_frames frames, row_frames: NULL or each
     * row's own), the excluded frames set to fill. */
    virtual void normalise(void *out, size_t begin, size_t end, size_t nk, size_t n_frames,
                           bool frames_major, const size_t *row_frames, const fm_norm_opts &o,
                           double fill) const = 0;
};

/* One call of a stages-along-frames plan (fm_frames_compute). */
struct FramesJob {
    const void *in;
    void *out;
    size_t n_rows, n_frames;
    const size_t *lengths;  /* NULL, or each row's own frame count */
    double *state;          /* NULL, or PCEN's M per row and feature (fm_frames_compute) */
    bool state_in;          /* the state holds M[-1] */
    size_t frame0 = 0;      /* CMVN: the signal index of frame 0 (fm_frames_part) */
    size_t total = 0;       /* CMVN: the signal's frames, FM_FRAMES_OPEN, or 0: each row's own */
    size_t first = 0;       /* CMVN: frames before this one need not be computed */
};

/*
 * The stages along frames. Work item i is row i / blocks, features
 * [b * block(), (b + 1) * block()) with b = i % blocks, blocks =
 * ceil(K / block()). run() is const, with per-call scratch.
 */
class FramesKernel {
  public:
    virtual ~FramesKernel() = default;
    virtual const char *isa() const = 0;
    virtual size_t block() const = 0;
    virtual void run(const FramesJob &job, size_t begin, size_t end) const = 0;
};

/* Factories, one per compiled instruction set; throw on failure. The options
 * are valid (fm_plan_create or fm_frames_create checked them). */
Kernel *make_kernel_baseline(const fm_options &opts, const fm_tables &tables, fm_dtype dtype);
FramesKernel *make_frames_baseline(const fm_frames_opts &opts, const fm_frames_tables &tables,
                                   fm_dtype dtype);
/* torch.randn's values (fm_torch_randn), per instruction set. */
void torch_randn_baseline(uint32_t seed, size_t n, float *out);
/* Utterance CMVN with NumPy's float32 bits (fm_utterance_cmvn_f32), per instruction set. */
void utterance_cmvn_baseline(float *x, size_t frames, size_t n, size_t bands, bool means,
                             bool variances);
#if defined(FASTMEL_HAVE_AVX2)
void torch_randn_avx2(uint32_t seed, size_t n, float *out);
void utterance_cmvn_avx2(float *x, size_t frames, size_t n, size_t bands, bool means,
                         bool variances);
Kernel *make_kernel_avx2(const fm_options &opts, const fm_tables &tables, fm_dtype dtype);
FramesKernel *make_frames_avx2(const fm_frames_opts &opts, const fm_frames_tables &tables,
                               fm_dtype dtype);
#endif

}  // namespace fastmel

#endif
