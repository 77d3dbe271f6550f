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

/* 10 * log10(x), lane by lane, with the C library. */
template <typename T, typename V, size_t L>
inline V ten_log10_libm(V x) {
    T v[L];
    std::memcpy(v, &x, sizeof(v));
    for (size_t l = 0; l < L; ++l) v[l] = T(10) * std::log10(v[l]);
    std::memcpy(&x, v, sizeof(v));
    return x;
}

/* 10 * log10(x) on a vector of floats: a Cephes-style logf polynomial
 * (relative error ~1e-7, far inside the 0.01 dB tolerance). x must be a
 * positive normal number, +inf or NaN (the last two pass through). */
template <typename V>
inline V ten_log10_poly(V x) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V one = x * 0.0f + 1.0f;
    const VI bits = (VI)x;
    VI e = ((bits >> 23) & 0xff) - 126;
    const VI mbits = (bits & 0x807fffff) | 0x3f000000;  /* mantissa in [0.5, 1) */
    V m = (V)mbits;
    const VI small = m < 0.707106781186547524f;
    e = small ? e - 1 : e;
    m = small ? m + m - one : m - one;
    const V fe = __builtin_convertvector(e, V);
    const V z = m * m;
    V y = m * 7.0376836292e-2f - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y += fe * -2.12194440e-4f;
    y += z * -0.5f;
    V ln = m + y;
    ln += fe * 0.693359375f;
    const V r = ln * 4.34294481903251828f;  /* 10 / ln(10) */
    const VI finite = x < __builtin_inff();  /* false for NaN and +inf */
    return finite ? r : x;
}

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
    T min_power_, ref_db_;

  public:
    explicit MelKernel(const fastmel::KernelSpec &s)
        : n_(s.n), hop_(s.hop), nmels_(s.nmels), nbins_(s.nbins), pad_(s.n / 2),
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
        T ref = std::abs(static_cast<T>(s.ref_power));
        ref = ref < min_power_ ? min_power_ : ref;
        ref_db_ = T(10) * std::log10(ref);
        fast_log_ = min_power_ >= std::numeric_limits<T>::min();
    }

    const char *isa() const override { return FASTMEL_ISA_NAME; }
    size_t lanes() const override { return L; }

    void run(const fastmel::Job &job, size_t begin, size_t end,
             double *row_max) const override {
        std::unique_ptr<V[]> buf(new V[n_]);
        std::unique_ptr<V[]> pw(new V[nbins_]);
        const size_t groups = (job.n_frames + L - 1) / L;
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / groups;
            const size_t t0 = (item % groups) * L;
            const size_t cnt = std::min(L, job.n_frames - t0);
            const T *x = static_cast<const T *>(job.x) +
                         static_cast<ptrdiff_t>(r) * job.row_stride;
            T *out = static_cast<T *>(job.out) + r * nmels_ * job.n_frames + t0;
            load(x, job.sample_stride, job.n_samples, t0, cnt, buf.get());
            fft_.exec(buf.get(), T(1), true);
            if (fft_only_) {
                for (size_t m = 0; m < nmels_; ++m)
                    std::memcpy(out + m * job.n_frames, &buf[m], cnt * sizeof(T));
                continue;
            }
            power(buf.get(), pw.get());
            T mx = mel(pw.get(), out, job.n_frames, cnt);
            if (db_ && static_cast<double>(mx) > row_max[r])
                row_max[r] = static_cast<double>(mx);
        }
    }

  private:
    /* Frames t0 .. t0+cnt-1, windowed, into the lanes of buf; unused lanes
     * are zero. */
    void load(const T *x, ptrdiff_t ss, size_t n_samples, size_t t0, size_t cnt,
              V *buf) const {
        T *b = reinterpret_cast<T *>(buf);
        std::memset(b, 0, lo_ * L * sizeof(T));
        std::memset(b + hi_ * L, 0, (n_ - hi_) * L * sizeof(T));
        const T *w = win_.data();
        const ptrdiff_t span = static_cast<ptrdiff_t>(hi_ - lo_);
        for (size_t l = 0; l < L; ++l) {
            T *bl = b + l;
            if (l >= cnt) {
                for (size_t k = lo_; k < hi_; ++k) bl[k * L] = T(0);
                continue;
            }
            const ptrdiff_t s0 = static_cast<ptrdiff_t>((t0 + l) * hop_ + lo_) -
                                 static_cast<ptrdiff_t>(pad_);
            if (s0 >= 0 && s0 + span <= static_cast<ptrdiff_t>(n_samples)) {
                if (ss == 1) {
                    const T *xs = x + s0 - static_cast<ptrdiff_t>(lo_);
                    for (size_t k = lo_; k < hi_; ++k) bl[k * L] = xs[k] * w[k];
                } else {
                    for (size_t k = lo_; k < hi_; ++k)
                        bl[k * L] = x[(s0 + static_cast<ptrdiff_t>(k - lo_)) * ss] * w[k];
                }
            } else {
                for (size_t k = lo_; k < hi_; ++k) {
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

    /* Sparse mel product, optional dB, store. Returns the largest dB value
     * among the cnt valid lanes (-inf if none or not in dB mode; NaN is
     * ignored). */
    T mel(const V *pw, T *out, size_t n_frames, size_t cnt) const {
        const T ninf = -std::numeric_limits<T>::infinity();
        const V zero = V{} * T(0);
        V vmax = zero + ninf;
        const V amin = zero + min_power_;
        const V ref = zero + ref_db_;
        for (size_t m = 0; m < nmels_; ++m) {
            V acc = zero;
            const T *w = w_.data() + off_[m];
            const V *p = pw + first_[m];
            for (size_t j = 0; j < len_[m]; ++j) acc += w[j] * p[j];
            if (db_) {
                const V s = acc < amin ? amin : acc;  /* NaN stays NaN */
                V d;
                if constexpr (kPolyLog)
                    d = fast_log_ ? ten_log10_poly(s) : ten_log10_libm<T, V, L>(s);
                else
                    d = ten_log10_libm<T, V, L>(s);
                d -= ref;
                vmax = d > vmax ? d : vmax;            /* NaN never wins */
                acc = d;
            }
            if (cnt == L)
                std::memcpy(out + m * n_frames, &acc, sizeof(V));
            else
                std::memcpy(out + m * n_frames, &acc, cnt * sizeof(T));
        }
        T lanes[L];
        std::memcpy(lanes, &vmax, sizeof(lanes));
        T mx = ninf;
        for (size_t l = 0; l < cnt; ++l) mx = lanes[l] > mx ? lanes[l] : mx;
        return mx;
    }
};

inline fastmel::Kernel *make(const fastmel::KernelSpec &spec) {
    if (spec.dtype == FM_FLOAT32) return new MelKernel<float>(spec);
    return new MelKernel<double>(spec);
}

}  // namespace FASTMEL_ISA_NS
