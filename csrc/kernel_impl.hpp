/*
 * The fused frame kernel, written once and compiled once per instruction set.
 *
 * A translation unit defines FASTMEL_ISA_NS (a namespace unique to its
 * compiler flags) and FASTMEL_ISA_NAME, then includes this file. pocketfft is
 * included inside that namespace, so its inline functions and templates get
 * distinct symbols per instruction set and the linker can never mix an AVX2
 * instantiation into the baseline kernel.
 *
 * Frames travel through the FFT in groups of L (pocketfft's vector length
 * for T): lane l of every vector holds frame t0 + l. The output layout
 * (band, frame) makes each band's L results one contiguous store. Every frame,
 * including those of a partial last group, goes through the same vector code,
 * so a frame's value does not depend on how frames are grouped or split
 * between threads.
 */
#if !defined(FASTMEL_ISA_NS) || !defined(FASTMEL_ISA_NAME)
#error "define FASTMEL_ISA_NS and FASTMEL_ISA_NAME before including kernel_impl.hpp"
#endif

/* Standard headers pocketfft needs, included at global scope first so that
 * its own #includes inside the namespace below are no-ops. */
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <complex>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <queue>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "kernel.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#ifndef POCKETFFT_NO_MULTITHREADING
#define POCKETFFT_NO_MULTITHREADING  /* fastmel runs its own threads */
#endif

namespace FASTMEL_ISA_NS {

#include FASTMEL_POCKETFFT_HEADER

namespace pfd = pocketfft::detail;

template <typename T>
struct Lanes {
#ifdef POCKETFFT_NO_VECTORS
    using V = T;
    static constexpr size_t L = 1;
#else
    using V = pfd::vtype_t<T>;
    static constexpr size_t L = pfd::VLEN<T>::val;
#endif
};

/* pocketfft's real FFT, run pass by pass.
 *
 * pocketfft_r::exec() allocates a scratch array on every call and, when the
 * length has an odd number of passes (512 = 2 * 4^4 has five), copies the
 * result back into its input. At L frames per call those two cost about a
 * tenth of a frame's time. RealFft runs the same passes with the same
 * twiddles, in the same order, on a scratch buffer the caller keeps, and
 * hands back the buffer the last pass wrote: the numbers are exec()'s,
 * bit for bit.
 *
 * The passes and the factor table are private members of pocketfft's
 * classes. They are named in explicit instantiations, where C++17 waives
 * access checking ([temp.explicit]/14): Grant<Tag, &member> defines
 * get(Tag), which returns the member pointer. This ties fastmel to
 * pocketfft's internals, which the pinned pythran version (pyproject.toml)
 * fixes; a header whose internals differ fails to compile here. */
template <typename Tag, auto Member>
struct Grant {
    friend constexpr auto get(Tag) { return Member; }
};

#define FASTMEL_GRANT(TAG, MEMBER)                 \
    struct TAG {                                  \
        friend constexpr auto get(TAG);           \
    };                                            \
    template struct Grant<TAG, MEMBER>;

FASTMEL_GRANT(PlanF, &pfd::pocketfft_r<float>::packplan)
FASTMEL_GRANT(FactF, &pfd::rfftp<float>::fact)
FASTMEL_GRANT(Radf2F, &pfd::rfftp<float>::radf2<Lanes<float>::V>)
FASTMEL_GRANT(Radf3F, &pfd::rfftp<float>::radf3<Lanes<float>::V>)
FASTMEL_GRANT(Radf4F, &pfd::rfftp<float>::radf4<Lanes<float>::V>)
FASTMEL_GRANT(Radf5F, &pfd::rfftp<float>::radf5<Lanes<float>::V>)
FASTMEL_GRANT(RadfgF, &pfd::rfftp<float>::radfg<Lanes<float>::V>)
FASTMEL_GRANT(PlanD, &pfd::pocketfft_r<double>::packplan)
FASTMEL_GRANT(FactD, &pfd::rfftp<double>::fact)
FASTMEL_GRANT(Radf2D, &pfd::rfftp<double>::radf2<Lanes<double>::V>)
FASTMEL_GRANT(Radf3D, &pfd::rfftp<double>::radf3<Lanes<double>::V>)
FASTMEL_GRANT(Radf4D, &pfd::rfftp<double>::radf4<Lanes<double>::V>)
FASTMEL_GRANT(Radf5D, &pfd::rfftp<double>::radf5<Lanes<double>::V>)
FASTMEL_GRANT(RadfgD, &pfd::rfftp<double>::radfg<Lanes<double>::V>)
#undef FASTMEL_GRANT

template <typename T> struct Passes;
template <> struct Passes<float> {
    using Plan = PlanF; using Fact = FactF;
    using R2 = Radf2F; using R3 = Radf3F; using R4 = Radf4F; using R5 = Radf5F; using Rg = RadfgF;
};
template <> struct Passes<double> {
    using Plan = PlanD; using Fact = FactD;
    using R2 = Radf2D; using R3 = Radf3D; using R4 = Radf4D; using R5 = Radf5D; using Rg = RadfgD;
};

template <typename T>
class RealFft {
    using V = typename Lanes<T>::V;
    using P = Passes<T>;
    pfd::pocketfft_r<T> plan_;

  public:
    explicit RealFft(size_t n) : plan_(n) {}

    /* The forward transform of the n vectors at c (FFTPACK half-complex
     * order, unscaled), using the n vectors at ch as scratch. Returns c or
     * ch, whichever holds the result; the other is overwritten. */
    V *forward(V *c, V *ch) const {
        const auto &rf = plan_.*get(typename P::Plan{});
        if (!rf) {  /* lengths with a large prime factor: Bluestein's, as exec() */
            plan_.exec(c, T(1), true);
            return c;
        }
        const auto &fact = (*rf).*get(typename P::Fact{});
        const size_t n = plan_.length(), nf = fact.size();
        V *p1 = c, *p2 = ch;
        /* exec()'s forward order: the factors from the last to the first */
        for (size_t j = 0, l1 = n; j < nf; ++j) {
            const auto &f = fact[nf - 1 - j];
            const size_t ido = n / l1;
            l1 /= f.fct;
            switch (f.fct) {
                case 4: ((*rf).*get(typename P::R4{}))(ido, l1, p1, p2, f.tw); break;
                case 2: ((*rf).*get(typename P::R2{}))(ido, l1, p1, p2, f.tw); break;
                case 3: ((*rf).*get(typename P::R3{}))(ido, l1, p1, p2, f.tw); break;
                case 5: ((*rf).*get(typename P::R5{}))(ido, l1, p1, p2, f.tw); break;
                default:  /* the general pass leaves its result in its input */
                    ((*rf).*get(typename P::Rg{}))(ido, f.fct, l1, p1, p2, f.tw, f.tws);
                    std::swap(p1, p2);
            }
            std::swap(p1, p2);
        }
        return p1;
    }
};

/* c * ln(x), lane by lane, with the C library (its log is faster than its
 * log10: c * log10(x) is computed as (c / ln 10) * ln(x)). */
template <typename T, typename V, size_t L>
inline V scaled_log_libm(V x, T c) {
    T v[L];
    std::memcpy(v, &x, sizeof(v));
    for (size_t l = 0; l < L; ++l) v[l] = c * std::log(v[l]);
    std::memcpy(&x, v, sizeof(v));
    return x;
}

/* c * log10(x) on a vector of floats, given c_e = c log10(2) and
 * c_s = 2 c / ln 10. x = 2^e * m with m in [sqrt(1/2), sqrt(2)); ln m =
 * 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172, summed to s^9 (truncation
 * ~1e-9, so rounding, ~1e-7 relative, dominates: far inside the 0.01 dB
 * tolerance). x must be a positive normal number, +inf or NaN (the last two
 * pass through unchanged). */
template <typename V>
inline V scaled_log10_poly(V x, float c_e, float c_s) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V one = x * 0.0f + 1.0f;
    const VI bits = (VI)x;
    VI e = ((bits >> 23) & 0xff) - 127;
    const VI mbits = (bits & 0x007fffff) | 0x3f800000;  /* mantissa in [1, 2) */
    V m = (V)mbits;
    const VI big = m > 1.41421356237309505f;
    e = big ? e + 1 : e;
    m = big ? m * 0.5f : m;
    const V s = (m - one) / (m + one);
    const V z = s * s;
    V p = z * (1.0f / 9.0f) + (1.0f / 7.0f);
    p = p * z + (1.0f / 5.0f);
    p = p * z + (1.0f / 3.0f);
    p = p * z + 1.0f;
    /* c log10 x = e * c log10(2) + (2 c / ln 10) * s * p */
    const V r = __builtin_convertvector(e, V) * c_e + (s * p) * c_s;
    const VI finite = x < __builtin_inff();  /* false for NaN and +inf */
    return finite ? r : x;
}

/* c * ln(x) on a vector of doubles: the same reduction as above, the
 * series summed to s^25 (truncation below 1e-18 relative; the result is
 * within a few ulp of the C library's). x must be a positive normal number,
 * +inf or NaN (the last two pass through unchanged). */
template <typename V>
inline V scaled_ln_poly64(V x, double c) {
    typedef int64_t VI __attribute__((vector_size(sizeof(V))));
    const V one = x * 0.0 + 1.0;
    const VI bits = (VI)x;
    VI e = ((bits >> 52) & 0x7ff) - 1023;
    const VI mbits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    V m = (V)mbits;
    const VI big = m > 1.41421356237309505;
    e = big ? e + 1 : e;
    m = big ? m * 0.5 : m;
    const V s = (m - one) / (m + one);
    const V z = s * s;
    V p = z * (1.0 / 25.0) + (1.0 / 23.0);
    p = p * z + (1.0 / 21.0);
    p = p * z + (1.0 / 19.0);
    p = p * z + (1.0 / 17.0);
    p = p * z + (1.0 / 15.0);
    p = p * z + (1.0 / 13.0);
    p = p * z + (1.0 / 11.0);
    p = p * z + (1.0 / 9.0);
    p = p * z + (1.0 / 7.0);
    p = p * z + (1.0 / 5.0);
    p = p * z + (1.0 / 3.0);
    /* ln x = e ln 2 + 2 s (1 + z p), the small part added last */
    const V ed = __builtin_convertvector(e, V);
    const V ln2_hi = one * 6.93147180369123816490e-01, ln2_lo = one * 1.90821492927058770002e-10;
    const V two_s = s + s;
    const V r = (ed * ln2_hi + two_s) + (ed * ln2_lo + two_s * z * p);
    const VI finite = x < __builtin_inf();  /* false for NaN and +inf */
    return finite ? r * c : x;
}

/* v, rounded on its own: the compiler cannot fuse the multiplication that
 * made it with the subtraction that follows into one multiply-add (which
 * -ffp-contract=fast allows and GCC and Clang do differently), so the
 * signal's pre-emphasis x - c p has the two roundings of the references
 * (NumPy, torch), whatever the compiler. */
template <typename V>
inline V unfused(V v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__)
    __asm__("" : "+x"(v));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__("" : "+w"(v));
#else
    volatile V kept = v;
    v = kept;
#endif
    return v;
}

#include "norm_impl.hpp"

/* Windowed frames into lanes with a register transpose: for k in [0, count)
 * in blocks of L, dst[k] lane l = rows[l][k] * w[k], or, with a pre-emphasis
 * coefficient c != 0, (rows[l][k] - c rows[l][k - 1]) * w[k] (rows[l][-1]
 * must be readable). Returns how many k were
 * done (a multiple of L; 0 where this type and instruction set have no
 * transpose); the caller finishes the rest. dst must be vector-aligned.
 *
 * Each block also asks for pf_lines cache lines from address pf on (pf
 * advancing by as much per block): the caller points it at the samples the
 * next group of frames reads first. The frames of a group are short runs at
 * L places in the signal, which the hardware prefetchers learn too late.
 * The lines go to L2, not L1: the FFT of the group in between fills L1 and
 * would evict them. With the input in main memory (16 x 10 s, 25 ms / 10 ms
 * frames, MFCC) this took the call from 6.3 to 4.2 ms, the time it takes
 * with the input already in L2. A prefetch never faults, so pf may run past
 * the signal. */
template <typename T, size_t L>
inline size_t transpose_load(const T *const *rows, const T *w, size_t count, T *dst,
                             uintptr_t pf, size_t pf_lines, T c) {
    (void)rows; (void)w; (void)count; (void)dst; (void)pf; (void)pf_lines; (void)c;
    return 0;
}

/* The way back, for frames-major output: for features i in [0, count) in
 * blocks of L, out[l * stride + i] = lane l of the vector at src + i * L (src
 * vector-aligned). Returns how many i were done (a multiple of L; 0 where
 * there is no transpose); the caller stores the rest. */
template <typename T, size_t L>
inline size_t transpose_store(const T *src, size_t count, T *out, size_t stride) {
    (void)src; (void)count; (void)out; (void)stride;
    return 0;
}

#if defined(__SSE2__)
inline uintptr_t prefetch_lines(uintptr_t pf, size_t lines) {
    for (size_t i = 0; i < lines; ++i)
        _mm_prefetch(reinterpret_cast<const char *>(pf + 64 * i), _MM_HINT_T1);
    return pf + 64 * lines;
}
#endif

#if defined(__AVX__)
/* r[j] lane l becomes r[l] lane j. */
inline void transpose8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

inline void transpose4(__m256d r[4]) {
    const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

template <>
inline size_t transpose_store<float, 8>(const float *src, size_t count, float *out,
                                        size_t stride) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 r[8];
        for (int j = 0; j < 8; ++j) r[j] = _mm256_load_ps(src + (i + j) * 8);
        transpose8(r);
        for (int l = 0; l < 8; ++l) _mm256_storeu_ps(out + l * stride + i, r[l]);
    }
    return i;
}

template <>
inline size_t transpose_store<double, 4>(const double *src, size_t count, double *out,
                                         size_t stride) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m256d r[4];
        for (int j = 0; j < 4; ++j) r[j] = _mm256_load_pd(src + (i + j) * 4);
        transpose4(r);
        for (int l = 0; l < 4; ++l) _mm256_storeu_pd(out + l * stride + i, r[l]);
    }
    return i;
}

template <>
inline size_t transpose_load<float, 8>(const float *const *rows, const float *w,
                                       size_t count, float *dst, uintptr_t pf,
                                       size_t pf_lines, float c) {
    auto body = [&](auto emphasis) {
        constexpr bool kEmph = decltype(emphasis)::value;
        const __m256 vc = _mm256_set1_ps(c);
        size_t k = 0;
        for (; k + 8 <= count; k += 8) {
            pf = prefetch_lines(pf, pf_lines);
            const __m256 wk = _mm256_loadu_ps(w + k);
            __m256 r[8];
            for (int l = 0; l < 8; ++l) {
                __m256 v = _mm256_loadu_ps(rows[l] + k);
                if constexpr (kEmph)
                    v = _mm256_sub_ps(
                        v, unfused(_mm256_mul_ps(vc, _mm256_loadu_ps(rows[l] + k - 1))));
                r[l] = _mm256_mul_ps(v, wk);
            }
            transpose8(r);
            for (int j = 0; j < 8; ++j) _mm256_store_ps(dst + (k + j) * 8, r[j]);
        }
        return k;
    };
    return c != 0.0f ? body(std::true_type{}) : body(std::false_type{});
}

template <>
inline size_t transpose_load<double, 4>(const double *const *rows, const double *w,
                                        size_t count, double *dst, uintptr_t pf,
                                        size_t pf_lines, double c) {
    auto body = [&](auto emphasis) {
        constexpr bool kEmph = decltype(emphasis)::value;
        const __m256d vc = _mm256_set1_pd(c);
        size_t k = 0;
        for (; k + 4 <= count; k += 4) {
            pf = prefetch_lines(pf, pf_lines);
            const __m256d wk = _mm256_loadu_pd(w + k);
            __m256d r[4];
            for (int l = 0; l < 4; ++l) {
                __m256d v = _mm256_loadu_pd(rows[l] + k);
                if constexpr (kEmph)
                    v = _mm256_sub_pd(
                        v, unfused(_mm256_mul_pd(vc, _mm256_loadu_pd(rows[l] + k - 1))));
                r[l] = _mm256_mul_pd(v, wk);
            }
            transpose4(r);
            for (int j = 0; j < 4; ++j) _mm256_store_pd(dst + (k + j) * 4, r[j]);
        }
        return k;
    };
    return c != 0.0 ? body(std::true_type{}) : body(std::false_type{});
}
#elif defined(__SSE2__)
template <>
inline size_t transpose_store<float, 4>(const float *src, size_t count, float *out,
                                        size_t stride) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        __m128 r0 = _mm_load_ps(src + i * 4), r1 = _mm_load_ps(src + (i + 1) * 4);
        __m128 r2 = _mm_load_ps(src + (i + 2) * 4), r3 = _mm_load_ps(src + (i + 3) * 4);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(out + i, r0);
        _mm_storeu_ps(out + stride + i, r1);
        _mm_storeu_ps(out + 2 * stride + i, r2);
        _mm_storeu_ps(out + 3 * stride + i, r3);
    }
    return i;
}

template <>
inline size_t transpose_store<double, 2>(const double *src, size_t count, double *out,
                                         size_t stride) {
    size_t i = 0;
    for (; i + 2 <= count; i += 2) {
        const __m128d r0 = _mm_load_pd(src + i * 2), r1 = _mm_load_pd(src + (i + 1) * 2);
        _mm_storeu_pd(out + i, _mm_unpacklo_pd(r0, r1));
        _mm_storeu_pd(out + stride + i, _mm_unpackhi_pd(r0, r1));
    }
    return i;
}

template <>
inline size_t transpose_load<float, 4>(const float *const *rows, const float *w,
                                       size_t count, float *dst, uintptr_t pf,
                                       size_t pf_lines, float c) {
    auto body = [&](auto emphasis) {
        constexpr bool kEmph = decltype(emphasis)::value;
        const __m128 vc = _mm_set1_ps(c);
        size_t k = 0;
        for (; k + 4 <= count; k += 4) {
            pf = prefetch_lines(pf, pf_lines);
            const __m128 wk = _mm_loadu_ps(w + k);
            __m128 r[4];
            for (int l = 0; l < 4; ++l) {
                __m128 v = _mm_loadu_ps(rows[l] + k);
                if constexpr (kEmph)
                    v = _mm_sub_ps(v, unfused(_mm_mul_ps(vc, _mm_loadu_ps(rows[l] + k - 1))));
                r[l] = _mm_mul_ps(v, wk);
            }
            _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]);
            float *d = dst + k * 4;
            _mm_store_ps(d + 0, r[0]);
            _mm_store_ps(d + 4, r[1]);
            _mm_store_ps(d + 8, r[2]);
            _mm_store_ps(d + 12, r[3]);
        }
        return k;
    };
    return c != 0.0f ? body(std::true_type{}) : body(std::false_type{});
}

template <>
inline size_t transpose_load<double, 2>(const double *const *rows, const double *w,
                                        size_t count, double *dst, uintptr_t pf,
                                        size_t pf_lines, double c) {
    auto body = [&](auto emphasis) {
        constexpr bool kEmph = decltype(emphasis)::value;
        const __m128d vc = _mm_set1_pd(c);
        size_t k = 0;
        for (; k + 2 <= count; k += 2) {
            pf = prefetch_lines(pf, pf_lines);
            const __m128d wk = _mm_loadu_pd(w + k);
            __m128d r[2];
            for (int l = 0; l < 2; ++l) {
                __m128d v = _mm_loadu_pd(rows[l] + k);
                if constexpr (kEmph)
                    v = _mm_sub_pd(v, unfused(_mm_mul_pd(vc, _mm_loadu_pd(rows[l] + k - 1))));
                r[l] = _mm_mul_pd(v, wk);
            }
            double *d = dst + k * 2;
            _mm_store_pd(d + 0, _mm_unpacklo_pd(r[0], r[1]));
            _mm_store_pd(d + 2, _mm_unpackhi_pd(r[0], r[1]));
        }
        return k;
    };
    return c != 0.0 ? body(std::true_type{}) : body(std::false_type{});
}
#endif

/* splitmix64's output function. */
inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Dither noise: N(0, 1) values for one frame, a pure function of (seed, row,
 * frame index, position), so that no thread count or chunking changes it.
 * A splitmix64 sequence from state mix64(mix64(mix64(seed) ^ row) ^ frame);
 * values 2i and 2i + 1 are the Box-Muller pair of draws 2i and 2i + 1:
 * r = sqrt(-2 ln u), u = (d_2i >> 11 + 1) 2^-53 in (0, 1], angle
 * 2 pi (d_2i+1 >> 11) 2^-53, cos for 2i and sin for 2i + 1. */
class Gaussian {
    uint64_t state_;
    double pending_ = 0;
    bool have_ = false;
    uint64_t draw() { return mix64(state_ += 0x9E3779B97F4A7C15ULL); }

  public:
    Gaussian(uint64_t seed, uint64_t row, uint64_t frame)
        : state_(mix64(mix64(mix64(seed) ^ row) ^ frame)) {}
    double next() {
        if (have_) {
            have_ = false;
            return pending_;
        }
        const double u = static_cast<double>((draw() >> 11) + 1) * 0x1.0p-53;
        const double a = static_cast<double>(draw() >> 11) * 0x1.0p-53 * 6.283185307179586477;
        const double r = std::sqrt(-2.0 * std::log(u));
        pending_ = r * std::sin(a);
        have_ = true;
        return r * std::cos(a);
    }
};

/* Signal index of padding position j (any j) for a signal of n samples. */
inline size_t reflect_index(ptrdiff_t j, size_t n) {  /* numpy "reflect" */
    if (n == 1) return 0;
    const ptrdiff_t period = 2 * static_cast<ptrdiff_t>(n - 1);
    j %= period;
    if (j < 0) j += period;
    if (j >= static_cast<ptrdiff_t>(n)) j = period - j;
    return static_cast<size_t>(j);
}

inline size_t symmetric_index(ptrdiff_t j, size_t n) {  /* Kaldi, numpy "symmetric" */
    const ptrdiff_t period = 2 * static_cast<ptrdiff_t>(n);
    j %= period;
    if (j < 0) j += period;
    if (j >= static_cast<ptrdiff_t>(n)) j = period - 1 - j;
    return static_cast<size_t>(j);
}

template <typename T>
class FrameKernel final : public fastmel::Kernel {
    using V = typename Lanes<T>::V;
    static constexpr size_t L = Lanes<T>::L;
    /* The polynomial log serves float vectors; doubles and scalars use libm. */
    static constexpr bool kPolyLog = L > 1 && std::is_same<T, float>::value;
    static constexpr bool kPolyLog64 = L > 1 && std::is_same<T, double>::value;

    enum class Mag { Power, Magnitude, General };

    /* framing */
    size_t W_, hop_;
    ptrdiff_t start_;
    int pad_mode_;
    T spre_;  /* signal pre-emphasis: frames read y[j] = x[j] - spre_ x[j-1], y[0] = x[0] */
    /* conditioning: conditioned_ is false when no stage below is on, and the
     * frames then take the plain windowed load */
    bool conditioned_;
    double dither_;
    uint64_t seed_;
    bool remove_dc_;
    T preemph_;
    int energy_;
    T energy_min_, energy_floor_;
    std::vector<T> win_;   /* W values (ones for a rectangle) */
    std::vector<T> unit_;  /* W ones: the weight of a raw (conditioned) load */
    size_t lo_ = 0, hi_ = 0;  /* non-zero span of the window in [0, W) */
    /* spectrum */
    size_t n_, off_fft_, nbins_;
    RealFft<T> fft_;
    Mag mag_;
    T mag_exp_;
    T power_floor_, power_offset_;  /* |X|^2 = max(|X|^2, floor) + offset before p */
    bool power_adjust_;
    /* bank: band m uses bins first_[m] .. first_[m] + len_[m] - 1 with
     * weights w_[off_[m] ...] */
    size_t nb_;
    std::vector<size_t> first_, len_, off_;
    std::vector<T> w_;
    /* log */
    bool log_;
    bool fast_log_;  /* every log argument is normal: the polynomial applies */
    T min_power_, log_offset_, log_scale_, ln_scale_;
    T log_sub_;      /* log_scale log10(max(|ref|, min_power)) - out_offset */
    float poly_e_, poly_s_;  /* the polynomial's constants for log_scale */
    /* post */
    size_t K_;             /* matrix rows, 0 without a matrix */
    std::vector<T> D_;     /* K_ x nb_ */
    std::vector<T> bias_;  /* added to the K_ (or nb_) features; empty: none */
    std::vector<V> zero_bands_;  /* the (log) bands of a group of all-zero frames */
    T zero_mn_, zero_mx_;        /* and their smallest and largest log values */
    bool energy_insert_;
    size_t energy_index_;
    size_t kout_;          /* features written per frame */
    bool frames_major_;
    T fill_;
    bool direct_;          /* features are the bands as they are: no matrix, no energy */

  public:
    FrameKernel(const fm_options &o, const fm_tables &t)
        : W_(o.framing.frame_length), hop_(o.framing.hop), start_(o.framing.start),
          pad_mode_(o.framing.pad_mode),
          spre_(static_cast<T>(o.framing.signal_preemphasis)),
          dither_(o.condition.dither), seed_(o.condition.dither_seed),
          remove_dc_(o.condition.remove_dc != 0),
          preemph_(static_cast<T>(o.condition.preemphasis)), energy_(o.condition.energy),
          energy_min_(static_cast<T>(o.condition.energy_min)),
          energy_floor_(static_cast<T>(o.condition.energy_floor)),
          win_(o.framing.frame_length, T(1)),
          n_(o.spectrum.fft_length), off_fft_(o.spectrum.fft_offset),
          nbins_(o.spectrum.fft_length / 2 + 1), fft_(o.spectrum.fft_length),
          nb_(o.bank.num_bands), first_(nb_), len_(nb_), off_(nb_) {
        conditioned_ = o.condition.dither > 0 || remove_dc_ || o.condition.preemphasis != 0 ||
                       energy_ != FM_ENERGY_NONE;
        if (conditioned_) unit_.assign(W_, T(1));
        if (t.window)
            for (size_t k = 0; k < W_; ++k) win_[k] = static_cast<T>(t.window[k]);
        while (lo_ < W_ && win_[lo_] == T(0)) ++lo_;
        hi_ = W_;
        while (hi_ > lo_ && win_[hi_ - 1] == T(0)) --hi_;

        size_t total = 0;
        for (size_t m = 0; m < nb_; ++m) {
            first_[m] = t.band_first[m];
            len_[m] = t.band_len[m];
            off_[m] = total;
            total += len_[m];
        }
        w_.resize(total);
        for (size_t i = 0; i < total; ++i) w_[i] = static_cast<T>(t.band_weights[i]);

        const double p = o.spectrum.mag_exp;
        mag_ = p == 2.0 ? Mag::Power : p == 1.0 ? Mag::Magnitude : Mag::General;
        mag_exp_ = static_cast<T>(p);
        power_floor_ = static_cast<T>(o.spectrum.power_floor);
        power_offset_ = static_cast<T>(o.spectrum.power_offset);
        power_adjust_ = o.spectrum.power_floor > 0 || o.spectrum.power_offset > 0;

        log_ = o.log.enabled != 0;
        min_power_ = static_cast<T>(o.log.min_power);
        log_offset_ = static_cast<T>(o.log.log_offset);
        log_scale_ = static_cast<T>(o.log.log_scale);
        /* exactly 1 for natural logs (log_scale = ln 10) */
        ln_scale_ = static_cast<T>(o.log.log_scale / 2.302585092994045684);
        T ref = std::abs(static_cast<T>(o.log.ref_power));
        ref = ref < min_power_ ? min_power_ : ref;
        log_sub_ = log_ ? log_scale_ * std::log10(ref) - static_cast<T>(o.log.out_offset) : T(0);
        poly_e_ = static_cast<float>(o.log.log_scale * 0.301029995663981195);
        poly_s_ = static_cast<float>(o.log.log_scale * 0.868588963806503655);
        fast_log_ = min_power_ >= std::numeric_limits<T>::min();

        K_ = o.post.num_features;
        D_.resize(K_ * nb_);
        for (size_t i = 0; i < D_.size(); ++i) D_[i] = static_cast<T>(t.post_matrix[i]);
        if (t.post_bias)
            for (size_t i = 0, nk = K_ ? K_ : nb_; i < nk; ++i)
                bias_.push_back(static_cast<T>(t.post_bias[i]));
        energy_insert_ = o.post.energy_insert != 0;
        energy_index_ = o.post.energy_index;
        const size_t k = K_ ? K_ : nb_;
        kout_ = k + (energy_ != FM_ENERGY_NONE && energy_insert_ ? 1 : 0);
        frames_major_ = o.post.layout == FM_LAYOUT_FRAMES_BANDS;
        fill_ = static_cast<T>(o.post.fill);
        direct_ = K_ == 0 && energy_ == FM_ENERGY_NONE && bias_.empty();

        /* What a group of all-zero frames gives, computed once by the same
         * code: known-zero groups (job.zero_from) copy it. */
        std::vector<V> zeros(n_, V{} * T(0)), pw(std::max(nbins_, kout_), V{} * T(0));
        zero_bands_.assign(nb_, V{} * T(0));
        power(zeros.data(), pw.data());
        bands(pw.data(), zero_bands_.data(), L, &zero_mn_, &zero_mx_);
    }

    const char *isa() const override { return FASTMEL_ISA_NAME; }
    size_t lanes() const override { return L; }

    /* Work item i: row r, frames t0 .. t0 + cnt - 1 of the output, of which
     * the first `valid` are frames of the row's own signal. */
    struct Item {
        size_t r, t0, cnt, valid;
        Item(const fastmel::Job &job, size_t i) {
            const size_t groups = (job.n_frames + L - 1) / L;
            r = i / groups;
            t0 = (i % groups) * L;
            cnt = std::min(L, job.n_frames - t0);
            const size_t frames = job.lengths ? job.row_frames[r] : job.n_frames;
            valid = t0 < frames ? std::min(cnt, frames - t0) : 0;
        }
    };

    void run(const fastmel::Job &job, size_t begin, size_t end,
             double *row_max) const override {
        Scratch local;
        Scratch &s = Scratch::for_thread(n_, std::max(nbins_, kout_), nb_, local);
        for (size_t item = begin; item < end; ++item) {
            const Item it(job, item);
            if (job.item_min) job.item_min[item] = std::numeric_limits<double>::infinity();
            if (it.valid == 0) {
                store_fill(job, it.r, it.t0, 0, it.cnt);
                continue;
            }
            V energy = V{} * T(0);
#ifdef FASTMEL_BENCH_FFT_ONLY
            /* Benchmark builds only (bench/): stop after the FFT and write
             * FFTPACK coefficient m of each frame as feature m. */
            const V *spec = transform(job, it, s, &energy);
            for (size_t m = 0; m < kout_ && m < n_; ++m)
                std::memcpy(static_cast<T *>(job.out) + (it.r * kout_ + m) * job.n_frames + it.t0,
                            &spec[m], it.valid * sizeof(T));
            continue;
#endif
            T mn, mx;
            /* The extremes feed the floor only (row_max is NULL without one). */
            const bool extremes = row_max || job.item_min;
            log_bands(job, it, s, &energy, extremes ? &mn : nullptr, extremes ? &mx : nullptr);
            if (log_ && row_max && static_cast<double>(mx) > row_max[it.r])
                row_max[it.r] = static_cast<double>(mx);
            if (job.item_min) job.item_min[item] = static_cast<double>(mn);
            if (job.kept) {  /* the second pass floors and finishes them */
                unsigned char *k = job.kept + item * kept_bytes();
                std::memcpy(k, s.macc, nb_ * sizeof(V));
                std::memcpy(k + nb_ * sizeof(V), &energy, sizeof(V));
                continue;
            }
            /* Two-pass plans that keep nothing: finished as if the floor
             * changed nothing; the second pass redoes the items it changes. */
            finish(job, it.r, it.t0, it.valid, it.cnt, s.macc, energy, s.pw);
        }
    }

    void post_pass(const fastmel::Job &job, size_t begin, size_t end) const override {
        Scratch local;
        Scratch &s = Scratch::for_thread(n_, std::max(nbins_, kout_), nb_, local);
        for (size_t item = begin; item < end; ++item) {
            /* With kept bands every item is finished here, the marked ones
             * floored first; without, only the marked ones, computed again. */
            if (!job.kept && !job.redo[item]) continue;
            const Item it(job, item);
            if (it.valid == 0) continue;
            V energy = V{} * T(0);
            if (job.kept) {
                const unsigned char *k = job.kept + item * kept_bytes();
                std::memcpy(s.macc, k, nb_ * sizeof(V));
                std::memcpy(&energy, k + nb_ * sizeof(V), sizeof(V));
                if (!job.redo[item]) {
                    finish(job, it.r, it.t0, it.valid, it.cnt, s.macc, energy, s.pw);
                    continue;
                }
            } else {
                log_bands(job, it, s, &energy, nullptr, nullptr);  /* (extremes known) */
            }
            /* As the single-pass floor: the threshold in the output's
             * precision, NaN stays NaN. */
            const T thr = static_cast<T>(job.floor_thr[it.r]);
            T *b = reinterpret_cast<T *>(s.macc);
            for (size_t i = 0; i < nb_ * L; ++i) b[i] = b[i] < thr ? thr : b[i];
            finish(job, it.r, it.t0, it.valid, it.cnt, s.macc, energy, s.pw);
        }
    }

    size_t kept_bytes() const override { return (nb_ + 1) * sizeof(V); }

    void normalise(void *out, size_t begin, size_t end, size_t nk, size_t n_frames,
                   bool frames_major, const size_t *row_frames, const fm_norm_opts &o,
                   double fill) const override {
        normalise_rows(static_cast<T *>(out), begin, end, nk, n_frames, frames_major, row_frames,
                       o, fill);
    }

  private:
    /* A worker's buffers in one page-aligned block: the FFT buffer, |X|^p
     * per bin (later the output features), the band accumulators and the
     * FFT's scratch. Their
     * placement is fixed relative to a page, with distinct offsets within
     * it, so that their speed does not depend on where the heap happens to
     * put them (4 KiB aliasing between a buffer being written and one being
     * read costs up to 2x). */
    struct Scratch {
        static size_t page_up(size_t b) { return (b + 4095) & ~size_t(4095); }
        /* Blocks up to this size are kept per thread between calls. */
        static constexpr size_t kKeep = 256 * 1024;
        /* Byte offsets of the buffers after the first and the block size, in one place. */
        struct Layout {
            size_t pw, macc, ch, total;
            Layout(size_t n, size_t npw, size_t nbands)
                : pw(page_up(n * sizeof(V)) + 1024 + 64),
                  macc(page_up(pw + npw * sizeof(V)) + 2048 + 192),
                  ch(page_up(macc + nbands * sizeof(V)) + 3072 + 320),
                  total(page_up(ch + n * sizeof(V))) {}
        };
        /* Page-aligned blocks (total is a multiple of the page): C17's
         * aligned_alloc, or the Windows C runtime's own, which has none. */
        static void *alloc_block(size_t total) {
#if defined(_WIN32)
            return _aligned_malloc(total, 4096);
#else
            return std::aligned_alloc(4096, total);
#endif
        }
        static void free_block(void *p) {
#if defined(_WIN32)
            _aligned_free(p);
#else
            std::free(p);
#endif
        }
        V *buf = nullptr, *pw = nullptr, *macc = nullptr, *ch = nullptr;
        void *block = nullptr;
        size_t capacity = 0;

        Scratch() = default;
        ~Scratch() { free_block(block); }
        Scratch(const Scratch &) = delete;
        Scratch &operator=(const Scratch &) = delete;

        /* Lay the buffers out for `lay`, growing the block only when it is
         * too small (a thread serving several plans keeps one block). */
        void reset(const Layout &lay) {
            if (lay.total > capacity) {
                void *fresh = alloc_block(lay.total);
                if (!fresh) throw std::bad_alloc();
                free_block(block);
                block = fresh;
                capacity = lay.total;
            }
            char *base = static_cast<char *>(block);
            buf = reinterpret_cast<V *>(base);
            pw = reinterpret_cast<V *>(base + lay.pw);
            macc = reinterpret_cast<V *>(base + lay.macc);
            ch = reinterpret_cast<V *>(base + lay.ch);
        }
        /* This thread's kept block when the layout is small enough, else
         * `local`, sized for this call and freed with it. */
        static Scratch &for_thread(size_t n, size_t npw, size_t nbands, Scratch &local) {
            static thread_local Scratch kept;
            const Layout lay(n, npw, nbands);
            Scratch &s = lay.total <= kKeep ? kept : local;
            s.reset(lay);
            return s;
        }
    };

    /* Signal sample j (any j: padding beyond 0 .. n-1) of a row whose
     * samples from `stored` (<= n) on are zeros not in memory: x[j], or with
     * signal pre-emphasis y[j]. */
    T sample(const T *x, ptrdiff_t ss, size_t n, size_t stored, ptrdiff_t j) const {
        size_t i;
        if (j >= 0 && j < static_cast<ptrdiff_t>(n)) {
            i = static_cast<size_t>(j);
        } else {
            if (pad_mode_ == FM_PAD_CONSTANT) return T(0);
            i = pad_mode_ == FM_PAD_REFLECT ? reflect_index(j, n) : symmetric_index(j, n);
        }
        auto at = [&](size_t k) { return k < stored ? x[static_cast<ptrdiff_t>(k) * ss] : T(0); };
        if (spre_ == T(0) || i == 0) return at(i);
        return at(i) - unfused(spre_ * at(i - 1));
    }

    /* Samples k in [k0, k1) of frame lane l, each times w[k] (w may be NULL
     * for 1), into lane l of the FFT input, at position off_fft_ + k. Frames
     * lanes >= cnt are zero. Samples from `stored` (<= n) on are zeros
     * that are not read. A full group of frames that lie inside the stored
     * samples of a contiguous signal is loaded with a register transpose;
     * the rest lane by lane. */
    void load_span(const T *x, ptrdiff_t ss, size_t n, size_t stored, size_t t0, size_t cnt,
                   size_t k0, size_t k1, const T *w, V *buf) const {
        T *b = reinterpret_cast<T *>(buf) + off_fft_ * L;
        const ptrdiff_t span = static_cast<ptrdiff_t>(k1 - k0);
        auto first = [&](size_t l) {  /* signal index of sample k0 of lane l */
            return static_cast<ptrdiff_t>((t0 + l) * hop_ + k0) + start_;
        };
        /* With signal pre-emphasis a frame reads the sample before its first
         * too, and y[0] is x[0]: frames from sample 1 on are inside. */
        const ptrdiff_t lowest = spre_ != T(0) ? 1 : 0;
        auto inside = [&](size_t l) {
            const ptrdiff_t s0 = first(l);
            return s0 >= lowest && s0 + span <= static_cast<ptrdiff_t>(stored);
        };
        size_t done = 0;  /* k - k0 already loaded for every lane */
        if (ss == 1 && cnt == L && inside(0) && inside(L - 1)) {
            const T *rows[L];
            for (size_t l = 0; l < L; ++l) rows[l] = x + first(l);
            /* The next group's first unread sample: after this group's
             * last, or its own first when frames do not overlap. */
            const ptrdiff_t next = std::max<ptrdiff_t>(first(L - 1) + span, first(L));
            const uintptr_t pf = reinterpret_cast<uintptr_t>(x) + static_cast<uintptr_t>(next) * sizeof(T);
            const size_t fresh = L * std::min<size_t>(hop_, static_cast<size_t>(span)) * sizeof(T);
            const size_t blocks = std::max<size_t>((k1 - k0) / L, 1);
            const size_t pf_lines = std::min<size_t>((fresh / 64 + blocks - 1) / blocks, 4);
            done = transpose_load<T, L>(rows, w + k0, k1 - k0, b + k0 * L, pf, pf_lines, spre_);
        }
        if (done == k1 - k0) return;
        for (size_t l = 0; l < L; ++l) {
            T *bl = b + l;
            const size_t ks = k0 + done;
            if (l >= cnt) {
                for (size_t k = ks; k < k1; ++k) bl[k * L] = T(0);
                continue;
            }
            const ptrdiff_t s0 = first(l) - static_cast<ptrdiff_t>(k0);
            if (inside(l) && spre_ != T(0)) {
                const T *xs = x + s0 * ss;
                const T c = spre_;
                for (size_t k = ks; k < k1; ++k) {
                    const ptrdiff_t i = static_cast<ptrdiff_t>(k) * ss;
                    bl[k * L] = (xs[i] - unfused(c * xs[i - ss])) * w[k];
                }
            } else if (inside(l)) {
                const T *xs = x + s0 * ss;
                if (ss == 1)
                    for (size_t k = ks; k < k1; ++k) bl[k * L] = xs[k] * w[k];
                else
                    for (size_t k = ks; k < k1; ++k)
                        bl[k * L] = xs[static_cast<ptrdiff_t>(k) * ss] * w[k];
            } else {
                for (size_t k = ks; k < k1; ++k)
                    bl[k * L] = sample(x, ss, n, stored, s0 + static_cast<ptrdiff_t>(k)) * w[k];
            }
        }
    }

    /* Zero the FFT input outside positions off_fft_ + [k0, k1). */
    void zero_outside(size_t k0, size_t k1, V *buf) const {
        T *b = reinterpret_cast<T *>(buf);
        std::memset(b, 0, (off_fft_ + k0) * L * sizeof(T));
        std::memset(b + (off_fft_ + k1) * L, 0, (n_ - off_fft_ - k1) * L * sizeof(T));
    }

    /* Plain frames: windowed samples, only over the window's non-zero span. */
    void load(const T *x, ptrdiff_t ss, size_t n, size_t stored, size_t t0, size_t cnt,
              V *buf) const {
        zero_outside(lo_, hi_, buf);
        load_span(x, ss, n, stored, t0, cnt, lo_, hi_, win_.data(), buf);
    }

    /* The frames of one work item loaded (conditioned when the plan says so)
     * into s.buf and transformed; *energy gets their energies. Returns the
     * spectra: s.buf or s.ch, whichever the last FFT pass wrote. */
    const V *transform(const fastmel::Job &job, const Item &it, Scratch &s, V *energy) const {
        const size_t n_r = job.lengths ? job.lengths[it.r] : job.n_samples;
        /* Samples from here on are zeros that the caller did not store. */
        const size_t stored = job.zeros_unstored ? std::min(job.zero_from[it.r], n_r) : n_r;
        const void *row = job.rows ? job.rows[it.r]
                                   : static_cast<const char *>(job.x) +
                                         static_cast<ptrdiff_t>(it.r) * job.row_stride *
                                             static_cast<ptrdiff_t>(job.samples_f32 ? sizeof(float)
                                                                                    : sizeof(T));
        const T *x;
        ptrdiff_t ss = job.sample_stride;
        if (std::is_same<T, double>::value && job.samples_f32) {
            x = widened(static_cast<const float *>(row), ss, n_r, stored, it);
            ss = 1;
        } else {
            x = static_cast<const T *>(row);
        }
        if (conditioned_)
            load_conditioned(x, ss, n_r, stored, it.r, job.frame_index0 + it.t0,
                             seed_ ^ job.dither_key, it.t0, it.valid, s.buf, energy);
        else
            load(x, ss, n_r, stored, it.t0, it.valid, s.buf);
        return fft_.forward(s.buf, s.ch);
    }

    /* Float32 samples for a float64 plan: the samples [lo, hi) of the row
     * that the item's frames read (through padding by reflection too, and
     * the one before each frame that signal pre-emphasis reads), widened
     * into this thread's buffer; returns p with p[j] = sample j for j in
     * [lo, hi), the only indices the loads then read. */
    const T *widened(const float *xf, ptrdiff_t ss, size_t n, size_t stored, const Item &it) const {
        static thread_local std::vector<T> wide;
        const ptrdiff_t N = static_cast<ptrdiff_t>(n), S = static_cast<ptrdiff_t>(stored);
        const size_t frames = std::max<size_t>(it.valid, 1);
        /* from the sample before the first frame's first to its last frame's end */
        const ptrdiff_t a = static_cast<ptrdiff_t>(it.t0 * hop_) + start_ - 1;
        const ptrdiff_t b = static_cast<ptrdiff_t>((it.t0 + frames - 1) * hop_ + W_) + start_;
        ptrdiff_t lo = a, hi = b;
        if (pad_mode_ != FM_PAD_CONSTANT) {
            /* j < 0 reads -j (or -j - 1), j >= n reads 2n - 2 - j (or 2n - 1 - j);
             * reflected more than once (a <= -n or b > 2n - 2), the span
             * becomes all of [0, n) once clamped below */
            if (a < 0) hi = std::max(hi, 2 - a);
            if (b > N) lo = std::min(lo, 2 * N - b - 2);
        }
        lo = std::min(std::max<ptrdiff_t>(lo, 0), S);
        hi = std::min(std::max(hi, lo), S);
        const size_t count = static_cast<size_t>(hi - lo);
        if (wide.size() < count) wide.resize(count);
        T *w = wide.data();
        if (ss == 1) {
            const float *src = xf + lo;
            for (size_t k = 0; k < count; ++k) w[k] = static_cast<T>(src[k]);
        } else {
            for (size_t k = 0; k < count; ++k)
                w[k] = static_cast<T>(xf[(lo + static_cast<ptrdiff_t>(k)) * ss]);
        }
        /* (an address before the buffer when lo > 0: only p + j, j >= lo, is formed and read) */
        return w - lo;
    }

    /* Whether every sample the item's frames read (padding included) lies
     * where the caller promised zeros (job.zero_from), without dither. */
    bool known_zero(const fastmel::Job &job, const Item &it, size_t n) const {
        if (!job.zero_from || dither_ > 0 || it.valid == 0) return false;
        /* y[z] = -c x[z - 1] is not zero: with signal pre-emphasis the zeros start one later */
        const size_t zx = job.zero_from[it.r];
        const ptrdiff_t z = static_cast<ptrdiff_t>(
            std::min(spre_ != T(0) && zx < n ? zx + 1 : zx, n));
        const ptrdiff_t a = static_cast<ptrdiff_t>(it.t0 * hop_) + start_;
        const ptrdiff_t b = static_cast<ptrdiff_t>((it.t0 + it.valid - 1) * hop_ + W_) + start_;
        const ptrdiff_t N = static_cast<ptrdiff_t>(n);
        if (a < 0 && pad_mode_ != FM_PAD_CONSTANT) return false;
        if (std::max<ptrdiff_t>(a, 0) < z) return false;
        if (b > N && pad_mode_ != FM_PAD_CONSTANT) {
            /* the last index read, reflected back into the signal */
            const ptrdiff_t back = pad_mode_ == FM_PAD_REFLECT ? 2 * N - 1 - b : 2 * N - b;
            if (back < z || b > 2 * N - 1) return false;
        }
        return true;
    }

    /* transform(), then |X|^p and the (log) bands of the item into s.macc,
     * with their smallest and largest log values unless mn and mx are NULL
     * (see bands()). */
    void log_bands(const fastmel::Job &job, const Item &it, Scratch &s, V *energy, T *mn,
                   T *mx) const {
        const size_t n_r = job.lengths ? job.lengths[it.r] : job.n_samples;
        if (known_zero(job, it, n_r)) {  /* frames of zeros: their bands, computed once */
            std::copy(zero_bands_.begin(), zero_bands_.end(), s.macc);
            *energy = V{} * T(0);
            if (mn) {
                *mn = zero_mn_;
                *mx = zero_mx_;
            }
            return;
        }
        power(transform(job, it, s, energy), s.pw);
        bands(s.pw, s.macc, it.valid, mn, mx);
    }

    /* Conditioned frames (Kaldi's order): dither, DC removal, raw energy,
     * pre-emphasis, window, windowed energy; lane by lane in the vectors. */
    void load_conditioned(const T *x, ptrdiff_t ss, size_t n, size_t stored, size_t row,
                          uint64_t index0, uint64_t seed, size_t t0, size_t cnt, V *buf,
                          V *energy) const {
        zero_outside(0, W_, buf);
        /* Raw samples: a unit weight. */
        load_span(x, ss, n, stored, t0, cnt, 0, W_, unit_.data(), buf);
        V *f = buf + off_fft_;
        T *fl = reinterpret_cast<T *>(f);
        if (dither_ > 0) {
            for (size_t l = 0; l < cnt; ++l) {
                Gaussian g(seed, row, index0 + l);
                for (size_t k = 0; k < W_; ++k)
                    fl[k * L + l] += static_cast<T>(dither_ * g.next());
            }
        }
        const V zero = V{} * T(0);
        V mean = zero;
        if (remove_dc_) {
            /* Four independent accumulators: one chain would wait on each add. */
            V a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            size_t k = 0;
            for (; k + 4 <= W_; k += 4) {
                a0 += f[k];
                a1 += f[k + 1];
                a2 += f[k + 2];
                a3 += f[k + 3];
            }
            for (; k < W_; ++k) a0 += f[k];
            mean = ((a0 + a1) + (a2 + a3)) / static_cast<T>(W_);
        }
        /* DC removal, raw energy, pre-emphasis, window and windowed energy in
         * one pass from the last sample down (sample k - 1 is still the
         * centred input when sample k needs it). */
        auto pass = [&](auto raw, auto windowed, auto emphasis) {
            constexpr bool kRaw = decltype(raw)::value, kWindowed = decltype(windowed)::value;
            constexpr bool kEmphasis = decltype(emphasis)::value;
            /* four energy sums: one chain would wait on every add */
            V e0 = zero, e1 = zero, e2 = zero, e3 = zero;
            const T c = preemph_;
            size_t k = W_ - 1;
            auto step = [&](size_t i, V &acc) {
                const V d = f[i] - mean;
                if (kRaw) acc += d * d;
                const V y = (kEmphasis ? d - c * (f[i - 1] - mean) : d) * win_[i];
                if (kWindowed) acc += y * y;
                f[i] = y;
            };
            for (; k >= 4; k -= 4) {
                step(k, e0);
                step(k - 1, e1);
                step(k - 2, e2);
                step(k - 3, e3);
            }
            for (; k >= 1; --k) step(k, e0);
            const V d0 = f[0] - mean;
            if (kRaw) e0 += d0 * d0;
            f[0] = (kEmphasis ? d0 - c * d0 : d0) * win_[0];
            if (kWindowed) e0 += f[0] * f[0];
            if (kRaw || kWindowed) *energy = (e0 + e1) + (e2 + e3);
        };
        auto with_energy = [&](auto emphasis) {
            if (energy_ == FM_ENERGY_RAW)
                pass(std::true_type{}, std::false_type{}, emphasis);
            else if (energy_ == FM_ENERGY_WINDOWED)
                pass(std::false_type{}, std::true_type{}, emphasis);
            else
                pass(std::false_type{}, std::false_type{}, emphasis);
        };
        if (preemph_ != T(0))
            with_energy(std::true_type{});
        else
            with_energy(std::false_type{});
    }

    /* |X|^p per bin from FFTPACK half-complex order
     * (r0, r1, i1, r2, i2, ..., [r_{n/2}]). */
    void power(const V *c, V *pw) const {
        pw[0] = c[0] * c[0];
        size_t k = 1;
        for (; 2 * k < n_; ++k) pw[k] = c[2 * k - 1] * c[2 * k - 1] + c[2 * k] * c[2 * k];
        if (n_ % 2 == 0 && n_ > 1) pw[n_ / 2] = c[n_ - 1] * c[n_ - 1];
        T *p = reinterpret_cast<T *>(pw);
        if (power_adjust_) {
            const T lo = power_floor_, add = power_offset_;
            for (size_t i = 0; i < nbins_ * L; ++i) p[i] = (p[i] < lo ? lo : p[i]) + add;
        }
        if (mag_ == Mag::Power) return;
        if (mag_ == Mag::Magnitude) {
            for (size_t i = 0; i < nbins_ * L; ++i) p[i] = std::sqrt(p[i]);
        } else {
            for (size_t i = 0; i < nbins_ * L; ++i) p[i] = std::pow(std::sqrt(p[i]), mag_exp_);
        }
    }

    /* Sparse bands and the optional log, into macc. Unless mn and mx are
     * NULL, *mx gets the largest finite log value among the cnt valid lanes
     * (-inf if none or not in log mode), *mn the smallest log value (+inf if
     * none). Two phases keep the
     * dependency chains short: the products of four bands at a time
     * (independent accumulators), then the log of every band (independent
     * iterations). */
    void bands(const V *pw, V *macc, size_t cnt, T *mn, T *mx) const {
        const T ninf = -std::numeric_limits<T>::infinity();
        const V zero = V{} * T(0);
        size_t m = 0;
        for (; m + 4 <= nb_; m += 4) {
            const T *w0 = w_.data() + off_[m], *w1 = w_.data() + off_[m + 1];
            const T *w2 = w_.data() + off_[m + 2], *w3 = w_.data() + off_[m + 3];
            const V *p0 = pw + first_[m], *p1 = pw + first_[m + 1];
            const V *p2 = pw + first_[m + 2], *p3 = pw + first_[m + 3];
            const size_t n0 = len_[m], n1 = len_[m + 1], n2 = len_[m + 2], n3 = len_[m + 3];
            const size_t common = std::min(std::min(n0, n1), std::min(n2, n3));
            V a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            for (size_t j = 0; j < common; ++j) {
                a0 += w0[j] * p0[j];
                a1 += w1[j] * p1[j];
                a2 += w2[j] * p2[j];
                a3 += w3[j] * p3[j];
            }
            for (size_t j = common; j < n0; ++j) a0 += w0[j] * p0[j];
            for (size_t j = common; j < n1; ++j) a1 += w1[j] * p1[j];
            for (size_t j = common; j < n2; ++j) a2 += w2[j] * p2[j];
            for (size_t j = common; j < n3; ++j) a3 += w3[j] * p3[j];
            macc[m] = a0;
            macc[m + 1] = a1;
            macc[m + 2] = a2;
            macc[m + 3] = a3;
        }
        /* The last nb_ % 4 bands (the widest, on a mel scale) one at a time,
         * each with four accumulators: one chain would wait on every add. */
        for (; m < nb_; ++m) {
            const T *w = w_.data() + off_[m];
            const V *p = pw + first_[m];
            const size_t n = len_[m];
            V a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            size_t j = 0;
            for (; j + 4 <= n; j += 4) {
                a0 += w[j] * p[j];
                a1 += w[j + 1] * p[j + 1];
                a2 += w[j + 2] * p[j + 2];
                a3 += w[j + 3] * p[j + 3];
            }
            for (; j < n; ++j) a0 += w[j] * p[j];
            macc[m] = (a0 + a1) + (a2 + a3);
        }

        V vmax = zero + ninf;
        V vmin = zero - ninf;
        const V inf = zero - ninf;
        if (log_) {
            const V amin = zero + min_power_;
            const V sub = zero + log_sub_;
            const bool offset = log_offset_ != T(0);
            /* The extremes only where asked (mn non-NULL: a floor uses them);
             * their two chains of compares would cost every band a wait. */
            auto logs = [&](auto extremes) {
                for (m = 0; m < nb_; ++m) {
                    V acc = macc[m];
                    if (offset) acc += log_offset_;
                    const V s = acc < amin ? amin : acc;  /* NaN stays NaN */
                    V d;
                    if constexpr (kPolyLog)
                        d = fast_log_ ? scaled_log10_poly(s, poly_e_, poly_s_)
                                      : scaled_log_libm<T, V, L>(s, ln_scale_);
                    else if constexpr (kPolyLog64)
                        d = fast_log_ ? scaled_ln_poly64(s, ln_scale_)
                                      : scaled_log_libm<T, V, L>(s, ln_scale_);
                    else
                        d = scaled_log_libm<T, V, L>(s, ln_scale_);
                    d -= sub;
                    if constexpr (decltype(extremes)::value) {
                        /* The floor's maximum is over finite values: NaN
                         * compares false and +inf is excluded explicitly. */
                        vmax = ((d > vmax) & (d < inf)) ? d : vmax;
                        vmin = d < vmin ? d : vmin;
                    }
                    macc[m] = d;
                }
            };
            if (mn)
                logs(std::true_type{});
            else
                logs(std::false_type{});
        }
        if (!mn) return;
        T highs[L], lows[L];
        std::memcpy(highs, &vmax, sizeof(highs));
        std::memcpy(lows, &vmin, sizeof(lows));
        T hi = ninf, lo = -ninf;
        for (size_t l = 0; l < cnt; ++l) {
            hi = highs[l] > hi ? highs[l] : hi;
            lo = lows[l] < lo ? lows[l] : lo;
        }
        *mn = lo;
        *mx = hi;
    }

    /* ln(max(e, energy_min)), floored: the energy feature. */
    V log_energy(V e) const {
        T v[L];
        std::memcpy(v, &e, sizeof(v));
        for (size_t l = 0; l < L; ++l) {
            T y = std::log(v[l] < energy_min_ ? energy_min_ : v[l]);
            v[l] = y < energy_floor_ ? energy_floor_ : y;  /* NaN stays NaN */
        }
        std::memcpy(&e, v, sizeof(v));
        return e;
    }

    /* The post stage and the store: matrix, energy slot, layout, fill for
     * lanes valid .. cnt - 1. `spare` holds kout_ vectors. */
    void finish(const fastmel::Job &job, size_t r, size_t t0, size_t valid, size_t cnt,
                const V *macc, V energy, V *spare) const {
        const V *fo = macc;
        if (!direct_) {
            const bool has_e = energy_ != FM_ENERGY_NONE;
            const V e = has_e ? log_energy(energy) : energy;
            /* Feature i is matrix row (or band) j; the inserted energy shifts
             * the rest up by one, a replacing one takes row i's place. The
             * rows go into place, then the energy. */
            const size_t shift = has_e && energy_insert_ ? 1 : 0;
            const size_t rows = kout_ - shift;
            if (K_ == 0) {
                for (size_t j = 0; j < rows; ++j)
                    spare[j + (j >= energy_index_ ? shift : 0)] = macc[j];
            } else {
                size_t j = 0;
                for (; j + 4 <= rows; j += 4) matrix_rows<4>(j, macc, spare, energy_index_, shift);
                for (; j < rows; ++j) matrix_rows<1>(j, macc, spare, energy_index_, shift);
            }
            for (size_t j = 0; j < bias_.size(); ++j)
                spare[j + (j >= energy_index_ ? shift : 0)] += bias_[j];
            if (has_e) spare[energy_index_] = e;
            fo = spare;
        }
        T *out = static_cast<T *>(job.out) + r * kout_ * job.n_frames;
        if (!frames_major_) {
            out += t0;
            if (valid == L) {  /* a constant size: one vector store per feature */
                for (size_t i = 0; i < kout_; ++i)
                    std::memcpy(out + i * job.n_frames, &fo[i], sizeof(V));
            } else {
                for (size_t i = 0; i < kout_; ++i)
                    std::memcpy(out + i * job.n_frames, &fo[i], valid * sizeof(T));
            }
        } else {
            const T *f = reinterpret_cast<const T *>(fo);
            T *o = out + t0 * kout_;
            const size_t done = valid == L ? transpose_store<T, L>(f, kout_, o, kout_) : 0;
            for (size_t l = 0; l < valid; ++l)
                for (size_t i = done; i < kout_; ++i) o[l * kout_ + i] = f[i * L + l];
        }
        if (valid < cnt) store_fill(job, r, t0, valid, cnt);
    }

    /* Matrix rows j0 .. j0 + Q - 1 times the bands, into feature j (j + shift
     * from feature `at` on). Each row sums its even and its odd bands apart,
     * and Q rows at once: 2Q independent chains of multiply-adds. */
    template <size_t Q>
    void matrix_rows(size_t j0, const V *macc, V *dst, size_t at, size_t shift) const {
        const V zero = V{} * T(0);
        V a0[Q], a1[Q];
        for (size_t q = 0; q < Q; ++q) a0[q] = a1[q] = zero;
        const T *d = D_.data() + j0 * nb_;
        size_t m = 0;
        for (; m + 2 <= nb_; m += 2) {
            const V b0 = macc[m], b1 = macc[m + 1];
            for (size_t q = 0; q < Q; ++q) {
                a0[q] += d[q * nb_ + m] * b0;
                a1[q] += d[q * nb_ + m + 1] * b1;
            }
        }
        if (m < nb_)
            for (size_t q = 0; q < Q; ++q) a0[q] += d[q * nb_ + m] * macc[m];
        for (size_t q = 0; q < Q; ++q) {
            const size_t j = j0 + q;
            dst[j + (j >= at ? shift : 0)] = a0[q] + a1[q];
        }
    }

    /* Frames t0 + [from, to) of row r hold the fill value. */
    void store_fill(const fastmel::Job &job, size_t r, size_t t0, size_t from, size_t to) const {
        T *out = static_cast<T *>(job.out) + r * kout_ * job.n_frames;
        for (size_t l = from; l < to; ++l)
            for (size_t i = 0; i < kout_; ++i)
                out[frames_major_ ? (t0 + l) * kout_ + i : i * job.n_frames + t0 + l] = fill_;
    }
};

inline fastmel::Kernel *make(const fm_options &opts, const fm_tables &tables, fm_dtype dtype) {
    if (dtype == FM_FLOAT32) return new FrameKernel<float>(opts, tables);
    return new FrameKernel<double>(opts, tables);
}

#include "frames_impl.hpp"
#include "randn_impl.hpp"
#include "cmvn_impl.hpp"

}  // namespace FASTMEL_ISA_NS
