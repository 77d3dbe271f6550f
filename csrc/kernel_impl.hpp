/*
 * The fused mel kernel, written once and compiled once per instruction set.
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

/* c * log10(x), lane by lane, with the C library. */
template <typename T, typename V, size_t L>
inline V scaled_log10_libm(V x, T c) {
    T v[L];
    std::memcpy(v, &x, sizeof(v));
    for (size_t l = 0; l < L; ++l) v[l] = c * std::log10(v[l]);
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

/* Windowed frames into lanes with a register transpose: for k in [0, count)
 * in blocks of L, dst[k] lane l = rows[l][k] * w[k]. Returns how many k were
 * done (a multiple of L; 0 where this type and instruction set have no
 * transpose); the caller finishes the rest. dst must be vector-aligned. */
template <typename T, size_t L>
inline size_t transpose_load(const T *const *rows, const T *w, size_t count, T *dst) {
    (void)rows; (void)w; (void)count; (void)dst;
    return 0;
}

#if defined(__AVX__)
template <>
inline size_t transpose_load<float, 8>(const float *const *rows, const float *w,
                                       size_t count, float *dst) {
    size_t k = 0;
    for (; k + 8 <= count; k += 8) {
        const __m256 wk = _mm256_loadu_ps(w + k);
        __m256 r[8];
        for (int l = 0; l < 8; ++l) r[l] = _mm256_mul_ps(_mm256_loadu_ps(rows[l] + k), wk);
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
        const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
        const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
        const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
        float *d = dst + k * 8;
        _mm256_store_ps(d + 0, _mm256_permute2f128_ps(s0, s4, 0x20));
        _mm256_store_ps(d + 8, _mm256_permute2f128_ps(s1, s5, 0x20));
        _mm256_store_ps(d + 16, _mm256_permute2f128_ps(s2, s6, 0x20));
        _mm256_store_ps(d + 24, _mm256_permute2f128_ps(s3, s7, 0x20));
        _mm256_store_ps(d + 32, _mm256_permute2f128_ps(s0, s4, 0x31));
        _mm256_store_ps(d + 40, _mm256_permute2f128_ps(s1, s5, 0x31));
        _mm256_store_ps(d + 48, _mm256_permute2f128_ps(s2, s6, 0x31));
        _mm256_store_ps(d + 56, _mm256_permute2f128_ps(s3, s7, 0x31));
    }
    return k;
}

template <>
inline size_t transpose_load<double, 4>(const double *const *rows, const double *w,
                                        size_t count, double *dst) {
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const __m256d wk = _mm256_loadu_pd(w + k);
        const __m256d r0 = _mm256_mul_pd(_mm256_loadu_pd(rows[0] + k), wk);
        const __m256d r1 = _mm256_mul_pd(_mm256_loadu_pd(rows[1] + k), wk);
        const __m256d r2 = _mm256_mul_pd(_mm256_loadu_pd(rows[2] + k), wk);
        const __m256d r3 = _mm256_mul_pd(_mm256_loadu_pd(rows[3] + k), wk);
        const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
        const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
        double *d = dst + k * 4;
        _mm256_store_pd(d + 0, _mm256_permute2f128_pd(t0, t2, 0x20));
        _mm256_store_pd(d + 4, _mm256_permute2f128_pd(t1, t3, 0x20));
        _mm256_store_pd(d + 8, _mm256_permute2f128_pd(t0, t2, 0x31));
        _mm256_store_pd(d + 12, _mm256_permute2f128_pd(t1, t3, 0x31));
    }
    return k;
}
#elif defined(__SSE2__)
template <>
inline size_t transpose_load<float, 4>(const float *const *rows, const float *w,
                                       size_t count, float *dst) {
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        const __m128 wk = _mm_loadu_ps(w + k);
        __m128 r0 = _mm_mul_ps(_mm_loadu_ps(rows[0] + k), wk);
        __m128 r1 = _mm_mul_ps(_mm_loadu_ps(rows[1] + k), wk);
        __m128 r2 = _mm_mul_ps(_mm_loadu_ps(rows[2] + k), wk);
        __m128 r3 = _mm_mul_ps(_mm_loadu_ps(rows[3] + k), wk);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float *d = dst + k * 4;
        _mm_store_ps(d + 0, r0);
        _mm_store_ps(d + 4, r1);
        _mm_store_ps(d + 8, r2);
        _mm_store_ps(d + 12, r3);
    }
    return k;
}

template <>
inline size_t transpose_load<double, 2>(const double *const *rows, const double *w,
                                        size_t count, double *dst) {
    size_t k = 0;
    for (; k + 2 <= count; k += 2) {
        const __m128d wk = _mm_loadu_pd(w + k);
        const __m128d r0 = _mm_mul_pd(_mm_loadu_pd(rows[0] + k), wk);
        const __m128d r1 = _mm_mul_pd(_mm_loadu_pd(rows[1] + k), wk);
        double *d = dst + k * 2;
        _mm_store_pd(d + 0, _mm_unpacklo_pd(r0, r1));
        _mm_store_pd(d + 2, _mm_unpackhi_pd(r0, r1));
    }
    return k;
}
#endif

/* numpy's mode="reflect" index for any j (repeated reflection when the pad
 * is longer than the signal). */
inline size_t reflect_index(ptrdiff_t j, size_t n_samples) {
    if (n_samples == 1) return 0;
    const ptrdiff_t period = 2 * static_cast<ptrdiff_t>(n_samples - 1);
    j %= period;
    if (j < 0) j += period;
    if (j >= static_cast<ptrdiff_t>(n_samples)) j = period - j;
    return static_cast<size_t>(j);
}

template <typename T>
class MelKernel final : public fastmel::Kernel {
    using V = typename Lanes<T>::V;
    static constexpr size_t L = Lanes<T>::L;
    /* The polynomial log serves float vectors; doubles and scalars use libm. */
    static constexpr bool kPolyLog = L > 1 && std::is_same<T, float>::value;

    enum class Mag { Power, Magnitude, General };

    size_t n_, hop_, nmels_, nbins_, pad_;
    bool pad_zeros_;
    std::vector<T> win_;
    size_t lo_ = 0, hi_ = 0;  /* non-zero span of the window */
    pfd::pocketfft_r<T> fft_;
    /* Sparse mel: band m uses bins first_[m] .. first_[m] + len_[m] - 1 with
     * weights w_[off_[m] ...]. */
    std::vector<size_t> first_, len_, off_;
    std::vector<T> w_;
    Mag mag_;
    T mag_exp_;
    bool db_, fft_only_;
    bool fast_log_;  /* every log argument is normal: the polynomial applies */
    T min_power_, log_offset_, log_scale_;
    T log_sub_;      /* log_scale log10(max(|ref|, min_power)) - out_offset */
    float poly_e_, poly_s_;  /* the polynomial's constants for log_scale */

  public:
    explicit MelKernel(const fastmel::KernelSpec &s)
        : n_(s.n), hop_(s.hop), nmels_(s.nmels), nbins_(s.nbins), pad_(s.pad),
          pad_zeros_(s.pad_zeros),
          win_(s.n), fft_(s.n), first_(s.nmels), len_(s.nmels), off_(s.nmels) {
        for (size_t k = 0; k < n_; ++k) win_[k] = static_cast<T>(s.window[k]);
        while (lo_ < n_ && win_[lo_] == T(0)) ++lo_;
        hi_ = n_;
        while (hi_ > lo_ && win_[hi_ - 1] == T(0)) --hi_;

        size_t total = 0;
        for (size_t m = 0; m < nmels_; ++m) {
            first_[m] = s.band_first[m];
            len_[m] = s.band_len[m];
            off_[m] = total;
            total += len_[m];
        }
        w_.resize(total);
        for (size_t i = 0; i < total; ++i) w_[i] = static_cast<T>(s.weights[i]);

        if (s.mag_exp == 2.0) mag_ = Mag::Power;
        else if (s.mag_exp == 1.0) mag_ = Mag::Magnitude;
        else mag_ = Mag::General;
        mag_exp_ = static_cast<T>(s.mag_exp);
        db_ = s.power_to_db;
        fft_only_ = s.fft_only;
        min_power_ = static_cast<T>(s.min_power);
        log_offset_ = static_cast<T>(s.log_offset);
        log_scale_ = static_cast<T>(s.log_scale);
        T ref = std::abs(static_cast<T>(s.ref_power));
        ref = ref < min_power_ ? min_power_ : ref;
        log_sub_ = log_scale_ * std::log10(ref) - static_cast<T>(s.out_offset);
        poly_e_ = static_cast<float>(s.log_scale * 0.301029995663981195);
        poly_s_ = static_cast<float>(s.log_scale * 0.868588963806503655);
        fast_log_ = min_power_ >= std::numeric_limits<T>::min();
    }

    const char *isa() const override { return FASTMEL_ISA_NAME; }
    size_t lanes() const override { return L; }

    void run(const fastmel::Job &job, size_t begin, size_t end,
             double *row_max) const override {
        Scratch local;
        Scratch &scratch = Scratch::for_thread(n_, nbins_, nmels_, local);
        V *const buf = scratch.buf, *const pw = scratch.pw, *const macc = scratch.macc;
        const size_t groups = (job.n_frames + L - 1) / L;
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / groups;
            const size_t t0 = (item % groups) * L;
            const size_t cnt = std::min(L, job.n_frames - t0);
            const T *x = static_cast<const T *>(job.x) +
                         static_cast<ptrdiff_t>(r) * job.row_stride;
            T *out = static_cast<T *>(job.out) + r * nmels_ * job.n_frames + t0;
            load(x, job.sample_stride, job.n_samples, t0, cnt, buf);
            fft_.exec(buf, T(1), true);
            if (fft_only_) {
                for (size_t m = 0; m < nmels_; ++m)
                    std::memcpy(out + m * job.n_frames, &buf[m], cnt * sizeof(T));
                continue;
            }
            power(buf, pw);
            T mn;
            T mx = mel(pw, macc, out, job.n_frames, cnt, &mn);
            if (db_ && static_cast<double>(mx) > row_max[r])
                row_max[r] = static_cast<double>(mx);
            if (job.item_min) job.item_min[item] = static_cast<double>(mn);
        }
    }

  private:
    /* A worker's buffers in one page-aligned block: the FFT buffer, |X|^p
     * per bin and the mel accumulators. Their placement is fixed relative to
     * a page, with distinct offsets within it, so that their speed does not
     * depend on where the heap happens to put them (4 KiB aliasing between a
     * buffer being written and one being read costs up to 2x). */
    struct Scratch {
        static size_t page_up(size_t b) { return (b + 4095) & ~size_t(4095); }
        /* Blocks up to this size are kept per thread between calls. */
        static constexpr size_t kKeep = 256 * 1024;
        /* Byte offsets of the three buffers and the block size, in one place. */
        struct Layout {
            size_t pw, macc, total;
            Layout(size_t n, size_t nbins, size_t nmels)
                : pw(page_up(n * sizeof(V)) + 1024 + 64),
                  macc(page_up(pw + nbins * sizeof(V)) + 2048 + 192),
                  total(page_up(macc + nmels * sizeof(V))) {}
        };
        V *buf = nullptr, *pw = nullptr, *macc = nullptr;
        void *block = nullptr;
        size_t capacity = 0;

        Scratch() = default;
        ~Scratch() { std::free(block); }
        Scratch(const Scratch &) = delete;
        Scratch &operator=(const Scratch &) = delete;

        /* Lay the buffers out for `lay`, growing the block only when it is
         * too small (a thread serving several layers keeps one block). */
        void reset(const Layout &lay) {
            if (lay.total > capacity) {
                void *fresh = std::aligned_alloc(4096, lay.total);
                if (!fresh) throw std::bad_alloc();
                std::free(block);
                block = fresh;
                capacity = lay.total;
            }
            char *base = static_cast<char *>(block);
            buf = reinterpret_cast<V *>(base);
            pw = reinterpret_cast<V *>(base + lay.pw);
            macc = reinterpret_cast<V *>(base + lay.macc);
        }
        /* This thread's kept block when the layout is small enough, else
         * `local`, sized for this call and freed with it. */
        static Scratch &for_thread(size_t n, size_t nbins, size_t nmels, Scratch &local) {
            static thread_local Scratch kept;
            const Layout lay(n, nbins, nmels);
            Scratch &s = lay.total <= kKeep ? kept : local;
            s.reset(lay);
            return s;
        }
    };

    /* Frames t0 .. t0+cnt-1, windowed, into the lanes of buf; unused lanes
     * are zero. A full group of frames that lie inside a contiguous signal
     * is loaded with a register transpose; the rest lane by lane. */
    void load(const T *x, ptrdiff_t ss, size_t n_samples, size_t t0, size_t cnt,
              V *buf) const {
        T *b = reinterpret_cast<T *>(buf);
        std::memset(b, 0, lo_ * L * sizeof(T));
        std::memset(b + hi_ * L, 0, (n_ - hi_) * L * sizeof(T));
        const T *w = win_.data();
        const ptrdiff_t span = static_cast<ptrdiff_t>(hi_ - lo_);
        auto start = [&](size_t l) {
            return static_cast<ptrdiff_t>((t0 + l) * hop_ + lo_) - static_cast<ptrdiff_t>(pad_);
        };
        auto inside = [&](size_t l) {
            const ptrdiff_t s0 = start(l);
            return s0 >= 0 && s0 + span <= static_cast<ptrdiff_t>(n_samples);
        };
        size_t done = 0;  /* k - lo_ already loaded for every lane */
        if (ss == 1 && cnt == L && inside(0) && inside(L - 1)) {
            const T *rows[L];
            for (size_t l = 0; l < L; ++l) rows[l] = x + start(l);
            done = transpose_load<T, L>(rows, w + lo_, hi_ - lo_, b + lo_ * L);
        }
        if (done == hi_ - lo_) return;
        for (size_t l = 0; l < L; ++l) {
            T *bl = b + l;
            const size_t k0 = lo_ + done;
            if (l >= cnt) {
                for (size_t k = k0; k < hi_; ++k) bl[k * L] = T(0);
                continue;
            }
            const ptrdiff_t s0 = start(l);
            if (inside(l)) {
                if (ss == 1) {
                    const T *xs = x + s0 - static_cast<ptrdiff_t>(lo_);
                    for (size_t k = k0; k < hi_; ++k) bl[k * L] = xs[k] * w[k];
                } else {
                    for (size_t k = k0; k < hi_; ++k)
                        bl[k * L] = x[(s0 + static_cast<ptrdiff_t>(k - lo_)) * ss] * w[k];
                }
            } else if (pad_zeros_) {
                const ptrdiff_t ns = static_cast<ptrdiff_t>(n_samples);
                for (size_t k = k0; k < hi_; ++k) {
                    const ptrdiff_t j = s0 + static_cast<ptrdiff_t>(k - lo_);
                    bl[k * L] = (j >= 0 && j < ns) ? x[j * ss] * w[k] : T(0);
                }
            } else {
                for (size_t k = k0; k < hi_; ++k) {
                    const size_t j = reflect_index(
                        s0 + static_cast<ptrdiff_t>(k - lo_), n_samples);
                    bl[k * L] = x[static_cast<ptrdiff_t>(j) * ss] * w[k];
                }
            }
        }
    }

    /* |X|^p per bin from FFTPACK half-complex order
     * (r0, r1, i1, r2, i2, ..., [r_{n/2}]). */
    void power(const V *c, V *pw) const {
        pw[0] = c[0] * c[0];
        size_t k = 1;
        for (; 2 * k < n_; ++k) pw[k] = c[2 * k - 1] * c[2 * k - 1] + c[2 * k] * c[2 * k];
        if (n_ % 2 == 0 && n_ > 1) pw[n_ / 2] = c[n_ - 1] * c[n_ - 1];
        if (mag_ == Mag::Power) return;
        T *p = reinterpret_cast<T *>(pw);
        if (mag_ == Mag::Magnitude) {
            for (size_t i = 0; i < nbins_ * L; ++i) p[i] = std::sqrt(p[i]);
        } else {
            for (size_t i = 0; i < nbins_ * L; ++i) p[i] = std::pow(std::sqrt(p[i]), mag_exp_);
        }
    }

    /* Sparse mel product, optional log, store. Returns the largest finite
     * log value among the cnt valid lanes (-inf if none or not in log mode). Two phases keep the dependency chains short: the products of
     * four bands at a time (independent accumulators) into macc, then the dB
     * conversion of every band (independent iterations). */
    T mel(const V *pw, V *macc, T *out, size_t n_frames, size_t cnt, T *min_out) const {
        const T ninf = -std::numeric_limits<T>::infinity();
        const V zero = V{} * T(0);
        size_t m = 0;
        for (; m + 4 <= nmels_; m += 4) {
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
        for (; m < nmels_; ++m) {
            const T *w = w_.data() + off_[m];
            const V *p = pw + first_[m];
            V acc = zero;
            for (size_t j = 0; j < len_[m]; ++j) acc += w[j] * p[j];
            macc[m] = acc;
        }

        V vmax = zero + ninf;
        V vmin = zero - ninf;
        const V inf = zero - ninf;
        if (db_) {
            const V amin = zero + min_power_;
            const V sub = zero + log_sub_;
            const bool offset = log_offset_ != T(0);
            for (m = 0; m < nmels_; ++m) {
                V acc = macc[m];
                if (offset) acc += log_offset_;
                const V s = acc < amin ? amin : acc;  /* NaN stays NaN */
                V d;
                if constexpr (kPolyLog)
                    d = fast_log_ ? scaled_log10_poly(s, poly_e_, poly_s_)
                                  : scaled_log10_libm<T, V, L>(s, log_scale_);
                else
                    d = scaled_log10_libm<T, V, L>(s, log_scale_);
                d -= sub;
                /* The floor's maximum is over finite values: NaN compares
                 * false and +inf is excluded explicitly. */
                vmax = ((d > vmax) & (d < inf)) ? d : vmax;
                vmin = d < vmin ? d : vmin;
                macc[m] = d;
            }
        }
        if (cnt == L) {
            for (m = 0; m < nmels_; ++m) std::memcpy(out + m * n_frames, &macc[m], sizeof(V));
        } else {
            for (m = 0; m < nmels_; ++m)
                std::memcpy(out + m * n_frames, &macc[m], cnt * sizeof(T));
        }
        T lanes[L], lows[L];
        std::memcpy(lanes, &vmax, sizeof(lanes));
        std::memcpy(lows, &vmin, sizeof(lows));
        T mx = ninf, mn = -ninf;
        for (size_t l = 0; l < cnt; ++l) {
            mx = lanes[l] > mx ? lanes[l] : mx;
            mn = lows[l] < mn ? lows[l] : mn;
        }
        *min_out = mn;
        return mx;
    }
};

inline fastmel::Kernel *make(const fastmel::KernelSpec &spec) {
    if (spec.dtype == FM_FLOAT32) return new MelKernel<float>(spec);
    return new MelKernel<double>(spec);
}

}  // namespace FASTMEL_ISA_NS
