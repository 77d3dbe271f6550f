/*
 * Internal interface between the driver (plan.cpp) and the per-instruction-set
 * kernels (kernel_<isa>.cpp). Nothing here is compiled with ISA-specific
 * flags, so the driver may include it freely.
 */
#ifndef FASTMEL_KERNEL_H
#define FASTMEL_KERNEL_H

#include <cstddef>

#include "fastmel.h"

namespace fastmel {

/* Everything a kernel needs to build its read-only state. */
struct KernelSpec {
    fm_dtype dtype;
    size_t n;           /* fft_length */
    size_t hop;
    size_t nmels;
    size_t nbins;       /* n/2 + 1 */
    size_t pad;         /* samples of padding before the signal */
    bool pad_zeros;     /* constant (zero) padding instead of reflection */
    double mag_exp;
    bool power_to_db;
    double log_scale, log_offset, out_offset;
    bool fft_only;
    double min_power;
    double ref_power;
    const double *window;      /* n values */
    const size_t *band_first;  /* nmels: first bin of each band */
    const size_t *band_len;    /* nmels: bins in each band */
    const double *weights;     /* sum(band_len): weights, band after band */
};

/* One call's input and output, shared by the workers of that call. */
struct Job {
    const void *x;
    size_t n_rows;
    ptrdiff_t row_stride;
    ptrdiff_t sample_stride;
    size_t n_samples;
    size_t n_frames;
    void *out;  /* n_rows x nmels x n_frames */
    /* dB mode: per work item, the smallest dB value written (NaN ignored,
     * +inf if none), so that the top_db floor revisits only the tiles that
     * fall below it. NULL when not needed. */
    double *item_min;
};

/*
 * A kernel transforms groups of lanes() consecutive frames of one row at a
 * time. Work item i is row i / groups_per_row, group i % groups_per_row.
 * run() is const and keeps its scratch on the stack or in its own heap
 * buffers, so one kernel serves many threads at once.
 */
class Kernel {
  public:
    virtual ~Kernel() = default;
    virtual const char *isa() const = 0;
    virtual size_t lanes() const = 0;
    /* Compute items [begin, end). In dB mode, row_max[r] is raised to the
     * largest finite dB value written for row r (NaN and +inf are skipped). */
    virtual void run(const Job &job, size_t begin, size_t end,
                     double *row_max) const = 0;
};

/* Factories, one per compiled instruction set; throw on failure. */
Kernel *make_kernel_baseline(const KernelSpec &spec);
#if defined(FASTMEL_HAVE_AVX2)
Kernel *make_kernel_avx2(const KernelSpec &spec);
#endif

}  // namespace fastmel

#endif
