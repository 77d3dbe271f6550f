/* The kernel for x86-64 CPUs with AVX2 and FMA: 8 float / 4 double lanes.
 * Compiled with -mavx2 -mfma (CMakeLists.txt) and only run when the CPU has
 * both (plan.cpp checks at plan creation). */
#define FASTMEL_ISA_NS fastmel_isa_avx2
#define FASTMEL_ISA_NAME "avx2+fma"
#if !defined(__AVX2__) || !defined(__FMA__)
#error "kernel_avx2.cpp must be compiled with -mavx2 -mfma"
#endif
#include "kernel_impl.hpp"

fastmel::Kernel *fastmel::make_kernel_avx2(const fm_options &opts, const fm_tables &tables, fm_dtype dtype) {
    return FASTMEL_ISA_NS::make(opts, tables, dtype);
}

fastmel::FramesKernel *fastmel::make_frames_avx2(const fm_frames_opts &opts,
                                                 const fm_frames_tables &tables, fm_dtype dtype) {
    return FASTMEL_ISA_NS::make_frames(opts, tables, dtype);
}

void fastmel::torch_randn_avx2(uint32_t seed, size_t n, float *out) {
    FASTMEL_ISA_NS::torch_randn(seed, n, out);
}

void fastmel::utterance_cmvn_avx2(float *x, size_t frames, size_t n, size_t bands, bool means,
                                  bool variances) {
    FASTMEL_ISA_NS::utterance_cmvn_f32(x, frames, n, bands, means, variances);
}
