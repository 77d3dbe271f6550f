/* The kernel for the compiler's default target (x86-64 baseline: SSE2). */
#define FASTMEL_ISA_NS fastmel_isa_baseline
#if defined(__AVX__)
#define FASTMEL_ISA_NAME "baseline (AVX)"
#elif defined(__SSE2__)
#define FASTMEL_ISA_NAME "baseline (SSE2)"
#elif defined(__ARM_NEON) || defined(__ARM_NEON__)
#define FASTMEL_ISA_NAME "baseline (NEON)"
#else
#define FASTMEL_ISA_NAME "baseline"
#endif
#include "kernel_impl.hpp"

fastmel::Kernel *fastmel::make_kernel_baseline(const fm_options &opts, const fm_tables &tables, fm_dtype dtype) {
    return FASTMEL_ISA_NS::make(opts, tables, dtype);
}

fastmel::FramesKernel *fastmel::make_frames_baseline(const fm_frames_opts &opts,
                                                 const fm_frames_tables &tables, fm_dtype dtype) {
    return FASTMEL_ISA_NS::make_frames(opts, tables, dtype);
}

void fastmel::torch_randn_baseline(uint32_t seed, size_t n, float *out) {
    FASTMEL_ISA_NS::torch_randn(seed, n, out);
}

void fastmel::utterance_cmvn_baseline(float *x, size_t frames, size_t n, size_t bands, bool means,
                                      bool variances) {
    FASTMEL_ISA_NS::utterance_cmvn_f32(x, frames, n, bands, means, variances);
}
