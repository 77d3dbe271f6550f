/*
 * The stages along frames (fm_frames_*), written once and compiled once per
 * instruction set: kernel_impl.hpp includes this file inside its namespace.
 *
 * A work item is one row's block of kBlock features. Each filter runs along
 * one feature's contiguous frames (vectorised over frames): in place for
 * bands-major data (reading the input, or the output's previous order), and
 * for frames-major data on a bands-major copy of the block, gathered first
 * and scattered at the end. Every output value is summed over the taps in
 * the same order, from 0, leaving out the zero taps at the ends of a filter
 * (an order's filter padded to the common width); frames nearer an end than
 * the filter's half width read through the edge rule, one value at a time.
 */

/* Index of extended frame i (any i) in a sequence of n >= 1 frames, or n for
 * "a zero" (FM_EDGE_CONSTANT outside). */
inline size_t edge_index(ptrdiff_t i, size_t n, int edge) {
    const ptrdiff_t N = static_cast<ptrdiff_t>(n);
    if (i >= 0 && i < N) return static_cast<size_t>(i);
    switch (edge) {
        case FM_EDGE_REFLECT: return reflect_index(i, n);
        case FM_EDGE_SYMMETRIC: return symmetric_index(i, n);
        case FM_EDGE_CONSTANT: return n;
        case FM_EDGE_WRAP: {
            const ptrdiff_t w = i % N;
            return static_cast<size_t>(w < 0 ? w + N : w);
        }
        default: return i < 0 ? 0 : n - 1; /* replicate (interp never reads outside) */
    }
}

/* e^x on a vector of floats: x = n ln 2 + r with n = round(x / ln 2) (the
 * 1.5 * 2^23 trick), |r| <= ln 2 / 2, e^r by its Taylor series to r^7
 * (truncation below 1e-8 relative), times 2^n through the exponent bits.
 * Below -87.3 (where e^x leaves the normal floats) 0, above 88.7 +inf, NaN
 * stays NaN. exp_poly<false> leaves those cases out, for x known to be a
 * number within [-87.3, 88.7], where it gives the same bits. */
template <bool kSpecial = true, typename V>
inline V exp_poly(V x) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V zero = V{} * 0.0f; /* (x * 0 is NaN for infinite x) */
    V c = x;
    if constexpr (kSpecial) {
        c = x < -87.3f ? zero - 87.3f : x;
        c = c > 88.7f ? zero + 88.7f : c; /* NaN: kept, and given back below */
    }
    const V big = zero + 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    const V t = c * 1.44269504088896341f + big;
    const VI n = (VI)t - (VI)big;
    const V nf = t - big;
    const V r = (c - nf * 0.693145751953125f) - nf * 1.428606765330187045e-06f;
    V p = r * (1.0f / 5040.0f) + (1.0f / 720.0f);
    p = p * r + (1.0f / 120.0f);
    p = p * r + (1.0f / 24.0f);
    p = p * r + (1.0f / 6.0f);
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    V y = (V)((VI)p + (n << 23));
    if constexpr (!kSpecial) return y;
    y = x < -87.3f ? zero : y;
    y = x > 88.7f ? zero + __builtin_inff() : y;
    return x != x ? x : y;
}

/* ln x on a vector of floats: x = 2^e m with m in [sqrt(1/2), sqrt(2))
 * (e from the bits of x less those of sqrt(1/2), so that the exponent
 * steps there), s = (m - 1) / (m + 1) (|s| <= 0.1716; m - 1 exact), and
 * ln m = 2 atanh s = 2s (1 + s^2 Q(s^2)) with Q a degree-2 fit to the
 * series (relative error 8e-10 before rounding); e ln 2 added in two parts.
 * One division in place of Cephes' degree-8 polynomial: 16 operations
 * against 25. Subnormal x is scaled by 2^23 first; 0 gives -inf, negative
 * x NaN, +inf and NaN pass through. ln_vec<false> leaves those cases out,
 * for x known to be a normal float (positive, finite), where it gives the
 * same bits. */
template <bool kSpecial = true, typename V>
inline V ln_vec(V x) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V zero = V{} * 0.0f;
    VI sub = VI{} * 0;
    V xs = x;
    if constexpr (kSpecial) {
        sub = (x < std::numeric_limits<float>::min()) & (x > 0.0f);
        xs = sub ? x * 8388608.0f : x; /* 2^23 */
    }
    const VI bits = (VI)xs;
    VI e = (bits - 0x3f3504f3) >> 23; /* arithmetic shift: floor */
    const V m = (V)(bits - (e << 23));
    const V s = (m - 1.0f) / (m + 1.0f);
    const V z = s * s;
    V q = z * 1.493546962738037e-1f + 1.9988787174224854e-1f;
    q = q * z + 3.333338797092438e-1f;
    if constexpr (kSpecial) e = sub ? e - 23 : e;
    const V ef = __builtin_convertvector(e, V);
    const V t = s + s;
    V y = (t * z * q + ef * -2.12194440e-4f + t) + ef * 0.693359375f;
    if constexpr (!kSpecial) return y;
    y = x == 0.0f ? zero - __builtin_inff() : y;
    y = x < 0.0f ? zero + __builtin_nanf("") : y;
    return x < __builtin_inff() ? y : x; /* +inf and NaN */
}

/* ln(1 + u) for u > -1, accurate for small u too: w = 1 + u rounded, and
 * ln w times u / (w - 1), which puts back what the rounding of w lost
 * (Goldberg's); u itself where w rounds to 1. */
template <typename V>
inline V log1p_vec(V u) {
    const V w = u + 1.0f;
    const V d = w - 1.0f;
    const V y = ln_vec(w) * (u / d);
    const V inf = V{} * 0.0f + __builtin_inff();
    return d == 0.0f ? u : (w == inf ? w : y);
}

/* e^z - 1, accurate for small z too: e = e^z rounded, and (e - 1) z / ln e
 * (Kahan's); z itself where e rounds to 1, -1 where e - 1 does, +inf above. */
template <typename V>
inline V expm1_vec(V z) {
    const V e = exp_poly(z);
    const V d = e - 1.0f;
    const V y = d * (z / ln_vec(e));
    const V inf = V{} * 0.0f + __builtin_inff();
    V r = e == 1.0f ? z : y;
    r = d == -1.0f ? d : r;
    return e == inf ? e : r;
}

/* acc + c s, rounded as every filter path rounds it: once (a fused
 * multiply-add) where the instruction set has one, else twice. The
 * compiler's own contraction differs between its vectorised loops and the
 * scalar ones, which would make a frame's delta depend on where it falls in
 * a call (a stream computes it on a window of the signal). */
template <typename T>
inline T madd(T c, T s, T acc) {
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    return std::fma(c, s, acc);
#else
    return acc + c * s; /* (no fused instruction to contract into) */
#endif
}

/* The identity, on a value or on a vector of 8 floats. */
struct Same {
    template <typename U>
    U operator()(U v) const { return v; }
};

/* out[j * out_st + i] = f(in[i * in_st + j]) for i < ni, j < nj: in 8 x 8
 * blocks through registers where AVX has them, the rest value by value (f
 * takes a value and, with AVX, a __m256 of floats, giving the same bits). */
template <typename T, typename F = Same>
inline void transpose_tile(const T *in, size_t in_st, T *out, size_t out_st, size_t ni,
                           size_t nj, F f = F{}) {
    size_t i0 = 0, j0 = 0;
#if defined(__AVX__)
    if constexpr (std::is_same<T, float>::value) {
        i0 = ni - ni % 8;
        j0 = nj - nj % 8;
        for (size_t i = 0; i < i0; i += 8)
            for (size_t j = 0; j < j0; j += 8) {
                __m256 r[8];
                for (size_t a = 0; a < 8; ++a) r[a] = f(_mm256_loadu_ps(in + (i + a) * in_st + j));
                transpose8(r);
                for (size_t b = 0; b < 8; ++b) _mm256_storeu_ps(out + (j + b) * out_st + i, r[b]);
            }
    }
#endif
    for (size_t j = 0; j < nj; ++j)
        for (size_t i = j < j0 ? i0 : 0; i < ni; ++i) out[j * out_st + i] = f(in[i * in_st + j]);
}

template <typename T>
class DeltaFrames final : public fastmel::FramesKernel {
    static constexpr size_t kBlock = 16;
    size_t K_, Kout_, order_, width_, half_;
    int edge_;
    bool recursive_, frames_major_;
    T fill_;
    std::vector<T> filters_; /* order_ x width_, or width_ when recursive */
    /* PCEN */
    bool pcen_;
    double smooth_, keep_, initial_, gain_, bias_, power_, eps_, bias_power_, log_eps_;
    enum class Branch { Log, NoBias, General } branch_;
    bool sqrt_;  /* the general branch with power 0.5 */
    bool exp_in_range_; /* -gain ln(v) within [-87.3, 88.7] for every normal float v */
    /* sliding CMVN */
    bool cmvn_, cmvn_center_, cmvn_vars_;
    size_t cmvn_window_, cmvn_min_;
    /* stacking */
    bool stack_;
    size_t stack_size_, stack_step_, stack_left_;

    /* y[i] = PCEN of x[i] given M m[i], for i < count (a tile of frames:
     * every lane busy, count a multiple of the vector width). In float, in
     * passes over the tile, each one step of the formula (a logarithm, a
     * power...): a pass's chain of dependent operations is short enough
     * for the processor to overlap several vectors, where one chain through
     * every step, vector by vector, ran at two thirds of the speed. */
    void pcen_values(const T *x, const T *m, T *y, size_t count, bool last_step = true) const {
        if constexpr (std::is_same<T, float>::value && Lanes<T>::L > 1) {
            using V = typename Lanes<T>::V;
            constexpr size_t L = Lanes<T>::L;
            const V zero = V{} * T(0);
            const T gain = static_cast<T>(gain_), eps = static_cast<T>(eps_);
            const T power = static_cast<T>(power_), inv_bias = static_cast<T>(1.0 / bias_);
            const T bias_power = static_cast<T>(bias_power_);
            auto at = [](const T *p, size_t i) {
                V v;
                std::memcpy(&v, p + i, sizeof(V));
                return v;
            };
            auto pass = [&](auto step) {  /* y = step(i), vector by vector */
                for (size_t i = 0; i < count; i += L) {
                    const V out = step(i);
                    std::memcpy(y + i, &out, sizeof(V));
                }
            };
            /* Where every m + eps of the tile is a normal float (no NaN, no
             * infinity, nothing negative: every tile of ordinary features),
             * the logarithm and, when the gain keeps -gain ln(m + eps) within
             * the exponential's range, the exponential skip their special
             * cases: the same bits, fewer instructions. */
            auto normal = (at(m, 0) + eps) == (at(m, 0) + eps); /* lanes of -1 or 0 */
            for (size_t i = 0; i < count; i += L) {
                const V v = at(m, i) + eps;
                normal &= (v >= std::numeric_limits<float>::min()) &
                          (v <= std::numeric_limits<float>::max());
            }
            int32_t lanes[L];
            std::memcpy(lanes, &normal, sizeof(lanes));
            bool plain = true;
            for (size_t l = 0; l < L; ++l) plain = plain && lanes[l] != 0;
            if (plain)
                pass([&](size_t i) { return zero - gain * ln_vec<false>(at(m, i) + eps); });
            else
                pass([&](size_t i) { return zero - gain * ln_vec(at(m, i) + eps); }); /* ln g */
            /* u = x g; no difference of two close values anywhere below, so
             * a quiet input keeps float's relative precision */
            if (plain && exp_in_range_)
                pass([&](size_t i) { return at(x, i) * exp_poly<false>(at(y, i)); });
            else
                pass([&](size_t i) { return at(x, i) * exp_poly(at(y, i)); });
            if (branch_ == Branch::Log) {
                pass([&](size_t i) { return log1p_vec(at(y, i)); });
            } else if (branch_ == Branch::NoBias) {
                pass([&](size_t i) { return exp_poly(power * ln_vec(at(y, i))); });
            } else if (sqrt_) {  /* power 0.5 (librosa's default): sqrt(u + b) - sqrt(b) */
                if (last_step)
                    for (size_t i = 0; i < count; ++i) y[i] = sqrt_step(y[i]);
            } else {
                pass([&](size_t i) { return power * log1p_vec(at(y, i) * inv_bias); });
                pass([&](size_t i) { return bias_power * expm1_vec(at(y, i)); });
            }
        } else {
            for (size_t i = 0; i < count; ++i) {
                const double g = std::exp(-gain_ * (log_eps_ + std::log1p(m[i] / eps_)));
                const double v = static_cast<double>(x[i]);
                double out;
                if (branch_ == Branch::Log)
                    out = std::log1p(v * g);
                else if (branch_ == Branch::NoBias)
                    out = std::exp(power_ * (std::log(v) + std::log(g)));
                else
                    out = bias_power_ * std::expm1(power_ * std::log1p(v * g / bias_));
                y[i] = static_cast<T>(out);
            }
        }
    }

    /* The last step of PCEN with power 0.5, u / (sqrt(u + b) + sqrt(b)), on
     * a value or (AVX) on 8 floats: the same bits either way. */
    T sqrt_step(T u) const {
        return u / (std::sqrt(u + static_cast<T>(bias_)) + static_cast<T>(bias_power_));
    }
#if defined(__AVX__)
    __m256 sqrt_step(__m256 u) const {
        const __m256 b = _mm256_set1_ps(static_cast<float>(bias_));
        const __m256 sb = _mm256_set1_ps(static_cast<float>(bias_power_));
        return _mm256_div_ps(u, _mm256_add_ps(_mm256_sqrt_ps(_mm256_add_ps(u, b)), sb));
    }
#endif

    /* PCEN of one block: frame t, feature k of the source at src + t * sst +
     * k * ssk, into dst likewise; z holds the filter's state per feature
     * (M[t] = smooth x[t] + z, then z = (1 - smooth) M[t]). In tiles of
     * kPcenTile frames: the smoother frame by frame (in double), then the
     * powers and logarithms of the whole tile at once. The tiles (three of
     * 512 x 16 values, in tile: L2, not L1) are long because each of their
     * features is a stream of the source and of dst: with 64 frames a stage
     * on 16 x 1001 x 80 bands-major floats took 1.2-1.3x as long. */
    static constexpr size_t kPcenTile = 512;
    void pcen(const T *src, size_t sst, size_t ssk, T *dst, size_t dst_st, size_t dst_sk,
              size_t n, size_t kb, double *z, std::vector<T> &tile) const {
        const size_t cap = std::min(n, kPcenTile); /* (a stream's short push: a short tile) */
        constexpr size_t kAlign = 64 / sizeof(T);
        if (tile.size() < 3 * cap * kBlock + kAlign) tile.resize(3 * cap * kBlock + kAlign);
        T *base = tile.data();
        base += (kAlign - reinterpret_cast<uintptr_t>(base) / sizeof(T) % kAlign) % kAlign;
        pcen_tiles(src, sst, ssk, dst, dst_st, dst_sk, n, kb, z, base, base + cap * kBlock,
                   base + 2 * cap * kBlock);
    }
    /* (the tiles as restrict parameters: as three pointers into one vector,
     * which the compiler must assume overlap, the stage took 1.3x as long) */
    void pcen_tiles(const T *__restrict src, size_t sst, size_t ssk, T *__restrict dst,
                    size_t dst_st, size_t dst_sk, size_t n, size_t kb, double *__restrict z,
                    T *__restrict xs, T *__restrict ms, T *__restrict ys) const {
        constexpr size_t kTile = kPcenTile;
        /* locals, that the compiler need not reload through this or z */
        const double smooth = smooth_, keep = keep_;
        alignas(64) double zs[kBlock];
        std::copy(z, z + kBlock, zs);
        for (size_t t0 = 0; t0 < n; t0 += kTile) {
            const size_t tn = std::min(kTile, n - t0);
            /* the tile as [frame][feature], kBlock wide (lanes past kb: 1) */
            if (kb < kBlock) std::fill_n(xs, tn * kBlock, T(1));
            if (ssk == 1) {
                for (size_t t = 0; t < tn; ++t)
                    copy_block(src + (t0 + t) * sst, xs + t * kBlock, kb);
            } else if (sst == 1) {
                transpose_tile(src + t0, ssk, xs, kBlock, kb, tn);
            } else {
                for (size_t k = 0; k < kb; ++k)
                    for (size_t t = 0; t < tn; ++t) xs[t * kBlock + k] = src[(t0 + t) * sst + k * ssk];
            }
            /* scipy's lfilter, transposed direct form II: all kBlock lanes (those
             * past kb filter the ones xs holds there, harmlessly) */
            for (size_t t = 0; t < tn; ++t)
                for (size_t k = 0; k < kBlock; ++k) {
                    const double M = smooth * static_cast<double>(xs[t * kBlock + k]) + zs[k];
                    zs[k] = keep * M;
                    ms[t * kBlock + k] = static_cast<T>(M);
                }
#if defined(__AVX__)
            /* power 0.5 on floats: the last step on the way out (in the
             * transpose's registers, or frame by frame), where its square
             * root and division overlap the shuffles and copies: a pass of
             * its own over ys cost 1.1x as long. The same bits. */
            if constexpr (std::is_same<T, float>::value && Lanes<T>::L > 1) {
                if (branch_ == Branch::General && sqrt_ && dst_st == 1 && dst_sk != 1) {
                    pcen_values(xs, ms, ys, tn * kBlock, false);
                    transpose_tile(ys, kBlock, dst + t0, dst_sk, tn, kb,
                                   [&](auto v) { return sqrt_step(v); });
                    continue;
                }
                if (branch_ == Branch::General && sqrt_ && dst_sk == 1) {
                    pcen_values(xs, ms, ys, tn * kBlock, false);
                    for (size_t t = 0; t < tn; ++t) {
                        alignas(32) T row[kBlock];
                        for (size_t k = 0; k < kBlock; k += 8) {
                            __m256 v;
                            std::memcpy(&v, ys + t * kBlock + k, sizeof(v));
                            v = sqrt_step(v);
                            std::memcpy(row + k, &v, sizeof(v));
                        }
                        copy_block(row, dst + (t0 + t) * dst_st, kb);
                    }
                    continue;
                }
            }
#endif
            pcen_values(xs, ms, ys, tn * kBlock);
            if (dst_sk == 1) {
                for (size_t t = 0; t < tn; ++t)
                    copy_block(ys + t * kBlock, dst + (t0 + t) * dst_st, kb);
            } else if (dst_st == 1) {
                transpose_tile(ys, kBlock, dst + t0, dst_sk, tn, kb);
            } else {
                for (size_t k = 0; k < kb; ++k)
                    for (size_t t = 0; t < tn; ++t) dst[(t0 + t) * dst_st + k * dst_sk] = ys[t * kBlock + k];
            }
        }
        std::copy(zs, zs + kBlock, z);
    }

    /* Sliding CMVN of a block of kb features of n >= 1 frames: frame t,
     * feature k read at src[t * sst + k * ssk], written to dst[t * dst_st +
     * k * dst_sk] (the same memory or apart). Frame t is frame frame0 + t of
     * a signal of `total` frames (FM_FRAMES_OPEN: not known; the window is
     * then never moved for the end), and frames before `first` are not
     * written (fm_frames_part). The block is copied in double as
     * [frame][feature], kBlock wide. The window sums are taken in blocks of
     * FM_CMVN_BLOCK frames of the signal: at a block's first frame they are
     * summed over its window, then slide (a frame added as the window reaches
     * it, taken away as it leaves: the window's ends only move forward), all
     * of the values less the first value of that first window (the variance,
     * the mean of squares less the squared mean, does not depend on the
     * shift, and without it a feature far from 0 with a small spread would
     * lose its digits). A frame's value thus depends on its place in the
     * signal, never on where the call starts: a stream gives the whole
     * call's values. */
    void cmvn(const T *src, size_t sst, size_t ssk, T *dst, size_t dst_st, size_t dst_sk,
              size_t n, size_t kb, size_t frame0, size_t total, size_t first,
              std::vector<double> &scratch) const {
        scratch.resize(n * kBlock);
        double *v = scratch.data();
        const bool full_rows = kb == kBlock && ssk == 1;  /* 16 contiguous values a frame */
        for (size_t t = 0; t < n; ++t) {
            double *vt = v + t * kBlock;
            if (full_rows) {
                for (size_t k = 0; k < kBlock; ++k) vt[k] = static_cast<double>(src[t * sst + k]);
            } else {
                for (size_t k = 0; k < kBlock; ++k) vt[k] = 0.0; /* (lanes past kb: 0) */
                for (size_t k = 0; k < kb; ++k) vt[k] = static_cast<double>(src[t * sst + k * ssk]);
            }
        }
        /* the block's features as kD vectors of 4 doubles */
        typedef double D4 __attribute__((vector_size(32)));
        typedef T T4 __attribute__((vector_size(4 * sizeof(T))));
        constexpr size_t kD = kBlock / 4;
        auto at = [v](size_t t, size_t j) {
            D4 d;
            std::memcpy(&d, v + t * kBlock + 4 * j, sizeof(d));
            return d;
        };
        const bool open = total == FM_FRAMES_OPEN;
        const ptrdiff_t C = static_cast<ptrdiff_t>(cmvn_window_);
        const ptrdiff_t N = open ? 0 : static_cast<ptrdiff_t>(total);
        const ptrdiff_t F0 = static_cast<ptrdiff_t>(frame0), n_local = static_cast<ptrdiff_t>(n);
        /* The window [a, b) of signal frame T0, in the call's frames (clamped
         * to them: only for frames the caller does not read). */
        auto window = [&](ptrdiff_t T0, ptrdiff_t &a, ptrdiff_t &b) {
            a = cmvn_center_ ? T0 - C / 2 : T0 - C;
            b = cmvn_center_ ? a + C : T0 + 1;
            if (a < 0) {
                b -= a;
                a = 0;
            }
            if (!cmvn_center_) b = std::max<ptrdiff_t>(T0 + 1, static_cast<ptrdiff_t>(cmvn_min_));
            if (!open && b > N) {
                a = std::max<ptrdiff_t>(0, a - (b - N));
                b = N;
            }
            a = std::min(std::max<ptrdiff_t>(a - F0, 0), n_local);
            b = std::min(std::max<ptrdiff_t>(b - F0, a), n_local);
        };
        /* one loop for each setting of norm_vars */
        auto slide = [&](auto vars_tag) {
            constexpr bool Vars = decltype(vars_tag)::value;
            D4 sum[kD], sq[kD], shift[kD];
            size_t in_a = 0, in_b = 0;  /* the call frames [in_a, in_b) are in the sums */
            const size_t B = FM_CMVN_BLOCK;
            /* from the start of first's block (in the signal) */
            const size_t from = first - std::min(first, (frame0 + first) % B);
            for (size_t t = from; t < n; ++t) {
                ptrdiff_t a, b;
                window(F0 + static_cast<ptrdiff_t>(t), a, b);
                if (t == from || (frame0 + t) % B == 0) {  /* the sums start again */
                    for (size_t j = 0; j < kD; ++j) {
                        sum[j] = sq[j] = D4{} * 0.0;
                        shift[j] = at(static_cast<size_t>(a), j);
                    }
                    in_a = in_b = static_cast<size_t>(a);
                }
                for (; in_b < static_cast<size_t>(b); ++in_b)
                    for (size_t j = 0; j < kD; ++j) {
                        const D4 f = at(in_b, j) - shift[j];
                        sum[j] += f;
                        if (Vars) sq[j] += f * f;
                    }
                for (; in_a < static_cast<size_t>(a); ++in_a)
                    for (size_t j = 0; j < kD; ++j) {
                        const D4 f = at(in_a, j) - shift[j];
                        sum[j] -= f;
                        if (Vars) sq[j] -= f * f;
                    }
                if (t < first) continue;
                const double inv = 1.0 / static_cast<double>(b - a);
                alignas(32) T y[kBlock];
                alignas(32) T var[kBlock];
                for (size_t j = 0; j < kD; ++j) {
                    const D4 mean = sum[j] * inv;
                    const T4 out = __builtin_convertvector((at(t, j) - shift[j]) - mean, T4);
                    std::memcpy(y + 4 * j, &out, sizeof(out));
                    if (Vars) {
                        const T4 v4 = __builtin_convertvector(sq[j] * inv - mean * mean, T4);
                        std::memcpy(var + 4 * j, &v4, sizeof(v4));
                    }
                }
                /* divided by the deviation in T (float32 output is rounded to
                 * float anyway, and float square roots are twice as wide), the
                 * block's features at once */
                if (Vars && b - a == 1)
                    for (size_t k = 0; k < kBlock; ++k) y[k] = T(0);
                else if (Vars)
                    for (size_t k = 0; k < kBlock; ++k) y[k] /= std::sqrt(var[k]);
                if (kb == kBlock && dst_sk == 1)
                    for (size_t k = 0; k < kBlock; ++k) dst[t * dst_st + k] = y[k];
                else
                    for (size_t k = 0; k < kb; ++k) dst[t * dst_st + k * dst_sk] = y[k];
            }
        };
        if (cmvn_vars_)
            slide(std::true_type{});
        else
            slide(std::false_type{});
    }

    /* dst[k] = src[k] for k < kb <= kBlock, apart: inline, as two (or four)
     * copies of a fixed size that overlap (a call to memcpy, or a loop
     * unrolled into 16 tests, costs more than a row of a block) */
    static void copy_block(const T *src, T *dst, size_t kb) {
        static_assert(kBlock * sizeof(T) <= 128, "copy_block copies at most 128 bytes");
        const char *s = reinterpret_cast<const char *>(src);
        char *d = reinterpret_cast<char *>(dst);
        const size_t b = kb * sizeof(T);
        auto two = [&](auto size) {  /* size <= b <= 2 size */
            constexpr size_t z = decltype(size)::value;
            std::memcpy(d, s, z);
            std::memcpy(d + b - z, s + b - z, z);
        };
        if (b > 64) {
            std::memcpy(d, s, 32);
            std::memcpy(d + 32, s + 32, 32);
            std::memcpy(d + b - 64, s + b - 64, 32);
            std::memcpy(d + b - 32, s + b - 32, 32);
        } else if (b >= 32) {
            two(std::integral_constant<size_t, 32>{});
        } else if (b >= 16) {
            two(std::integral_constant<size_t, 16>{});
        } else if (b >= 8) {
            two(std::integral_constant<size_t, 8>{});
        } else if (b >= 4) {
            two(std::integral_constant<size_t, 4>{});
        }
    }

    /* Element (t, k) of a sequence: base[t * st + k * sk]. */
    struct Seq {
        T *base;
        size_t st, sk;
    };

    /* [j0, j1): the taps of f that are not zero (an order's filter may be
     * padded to the width); the filters leave the others out. */
    void nonzero_taps(const T *f, size_t &j0, size_t &j1) const {
        j0 = 0;
        j1 = width_;
        while (j0 < j1 && f[j0] == T(0)) ++j0;
        while (j1 > j0 && f[j1 - 1] == T(0)) --j1;
    }

    /* acc[k] = the sum over taps j in [j0, j1), in order from 0, of f[j]
     * times rows(j)[k], for the kBlock features side by side. Inlined always:
     * called through its Rows, GCC kept acc in memory and the deltas took
     * 1.3-1.6x as long. */
    template <typename Rows>
    __attribute__((always_inline)) static void block_sum(const T *f, size_t j0, size_t j1,
                                                         Rows rows, T *acc) {
        for (size_t k = 0; k < kBlock; ++k) acc[k] = T(0);
        for (size_t j = j0; j < j1; ++j) {
            const T c = f[j], *s = rows(j);
            for (size_t k = 0; k < kBlock; ++k) acc[k] = madd(c, s[k], acc[k]);
        }
    }

    /* dst = the filter f over src, frames [0, n), features [0, kb); both
     * with contiguous frames (st == 1). */
    void filter(const Seq &src, const Seq &dst, size_t n, size_t kb, const T *f) const {
        const size_t h = half_;
        const bool interp = edge_ == FM_EDGE_INTERP;
        /* Interior frames: every tap inside [0, n). */
        const size_t lo = std::min(h, n), hi = n >= h ? std::max(n - h, lo) : lo;
        size_t j0, j1;
        nonzero_taps(f, j0, j1);
        for (size_t k = 0; k < kb; ++k) {
            const T *s = src.base + k * src.sk;
            T *d = dst.base + k * dst.sk;
            /* kRun frames at a time, their sums in registers */
            constexpr size_t kRun = 32;
            size_t t = lo;
            for (; t + kRun <= hi; t += kRun) {
                T acc[kRun];
                for (size_t i = 0; i < kRun; ++i) acc[i] = T(0);
                for (size_t j = j0; j < j1; ++j) {
                    const T c = f[j];
                    const T *sj = s + (t + j - h);
                    for (size_t i = 0; i < kRun; ++i) acc[i] = madd(c, sj[i], acc[i]);
                }
                std::copy(acc, acc + kRun, d + t);
            }
            for (; t < hi; ++t) {
                T acc = T(0);
                for (size_t j = j0; j < j1; ++j) acc = madd(f[j], s[t + j - h], acc);
                d[t] = acc;
            }
            /* The frames near the ends. */
            for (size_t t = 0; t < n; ++t) {
                if (t == lo && hi > lo) t = hi;
                if (t >= n) break;
                if (interp) {
                    d[t] = d[t < h ? h : n - 1 - h];
                    continue;
                }
                T acc = T(0);
                for (size_t j = j0; j < j1; ++j) {
                    const size_t i = edge_index(static_cast<ptrdiff_t>(t + j) -
                                                    static_cast<ptrdiff_t>(h), n, edge_);
                    acc = madd(f[j], i < n ? s[i] : T(0), acc);
                }
                d[t] = acc;
            }
        }
    }

    /* The same filter on frames-major data: dst row t (kb features at dst +
     * t * dst_st) from the rows of src (src + t * src_st, kBlock values
     * each: a narrower block comes padded), every feature of the block side
     * by side, each output summed over the taps in the same order as
     * filter(). */
    void filter_rows(const T *src, size_t src_st, T *dst, size_t dst_st, size_t n, size_t kb,
                     const T *f) const {
        const size_t h = half_;
        const size_t lo = std::min(h, n), hi = n >= h ? std::max(n - h, lo) : lo;
        size_t j0, j1;
        nonzero_taps(f, j0, j1);
        /* one output row, tap j from the row at rows(j) (kBlock values) */
        alignas(64) static constexpr T kZeros[kBlock] = {};
        auto row = [&](size_t t, auto rows) {
            T acc[kBlock];
            block_sum(f, j0, j1, rows, acc);
            copy_block(acc, dst + t * dst_st, kb);
        };
        /* (a narrower block is read from padded rows: src_st >= kBlock; see run) */
        for (size_t t = lo; t < hi; ++t)
            row(t, [&](size_t j) { return src + (t + j - h) * src_st; });
        for (size_t t = 0; t < n; ++t) {
            if (t == lo && hi > lo) t = hi;
            if (t >= n) break;
            if (edge_ == FM_EDGE_INTERP) {
                const size_t from = t < h ? h : n - 1 - h;
                std::copy(dst + from * dst_st, dst + from * dst_st + kb, dst + t * dst_st);
                continue;
            }
            row(t, [&](size_t j) {
                const size_t i = edge_index(static_cast<ptrdiff_t>(t + j) -
                                                static_cast<ptrdiff_t>(h), n, edge_);
                return i < n ? src + i * src_st : kZeros;  /* (FM_EDGE_CONSTANT outside) */
            });
        }
    }

    /* The deltas of one frames-major row of n >= 1 frames (in: K_ features
     * per frame; out: Kout_ per frame), frame after frame, every feature of
     * a frame at once: order 0 copied a chunk of frames at a time, then each
     * order over the frames whose taps are ready (those of the order below,
     * up to half_ frames before its last, all of them once it is complete).
     * The output is written along its rows, where a block of features at a
     * time, frame after frame, wrote a line in every 640 bytes and took 4x as
     * long as the writes themselves. Each value is filter_rows's: the taps in
     * the same order from 0, through edge_index at the ends. Not for
     * FM_EDGE_WRAP and FM_EDGE_INTERP (their ends read frames not ready). */
    void deltas_along_rows(const T *in, T *out, size_t n) const {
        constexpr size_t kChunk = 64;
        const size_t h = half_;
        alignas(64) static constexpr T kZeros[kBlock] = {};
        std::vector<size_t> ready(order_ + 1, 0);
        for (size_t t1 = std::min(kChunk, n);; t1 = std::min(t1 + kChunk, n)) {
            for (size_t t = ready[0]; t < t1; ++t)
                std::memcpy(out + t * Kout_, in + t * K_, K_ * sizeof(T));
            ready[0] = t1;
            for (size_t o = 1; o <= order_; ++o) {
                const size_t below = recursive_ ? o - 1 : 0;
                const size_t upto =
                    ready[below] == n ? n : (ready[below] > h ? ready[below] - h : 0);
                const T *f = filters_.data() + (recursive_ ? 0 : (o - 1) * width_);
                size_t j0, j1;
                nonzero_taps(f, j0, j1);
                const T *src = out + below * K_;
                for (size_t t = ready[o]; t < upto; ++t) {
                    const T *taps[64];
                    for (size_t j = j0; j < j1; ++j) {
                        const size_t i = edge_index(static_cast<ptrdiff_t>(t + j) -
                                                        static_cast<ptrdiff_t>(h), n, edge_);
                        taps[j - j0] = i < n ? src + i * Kout_ : nullptr;
                    }
                    T *dst = out + t * Kout_ + o * K_;
                    /* tap j's features from k0 (a row of zeros outside a constant edge) */
                    auto tap = [&](size_t j, size_t k0) {
                        return taps[j - j0] ? taps[j - j0] + k0 : kZeros;
                    };
                    size_t k0 = 0;
                    for (; k0 + kBlock <= K_; k0 += kBlock) {  /* (as filter_rows's rows) */
                        T acc[kBlock];
                        block_sum(f, j0, j1, [&](size_t j) { return tap(j, k0); }, acc);
                        copy_block(acc, dst + k0, kBlock);
                    }
                    for (; k0 < K_; k0 += 4) {  /* the last features, four at a time */
                        const size_t kb = std::min<size_t>(4, K_ - k0);
                        T acc[4] = {};
                        for (size_t j = j0; j < j1; ++j) {
                            const T c = f[j], *sj = tap(j, k0);
                            for (size_t k = 0; k < kb; ++k) acc[k] = madd(c, sj[k], acc[k]);
                        }
                        for (size_t k = 0; k < kb; ++k) dst[k0 + k] = acc[k];
                    }
                }
                ready[o] = std::max(ready[o], upto);
            }
            if (t1 == n) break;
        }
    }

  public:
    DeltaFrames(const fm_frames_opts &o, const fm_frames_tables &t)
        : K_(o.num_features), Kout_(o.num_features * (1 + o.delta.order) *
                                     (o.stack.size > 0 ? o.stack.size : 1)),
          order_(o.delta.order), width_(o.delta.width), half_((o.delta.width - 1) / 2),
          edge_(o.delta.edge), recursive_(o.delta.recursive != 0),
          frames_major_(o.layout == FM_LAYOUT_FRAMES_BANDS), fill_(static_cast<T>(o.fill)),
          pcen_(o.pcen.enabled != 0), smooth_(o.pcen.smooth), keep_(-(o.pcen.smooth - 1.0)),
          initial_(o.pcen.initial), gain_(o.pcen.gain), bias_(o.pcen.bias),
          power_(o.pcen.power), eps_(o.pcen.eps),
          bias_power_(std::pow(o.pcen.bias, o.pcen.power)),
          log_eps_(pcen_ ? std::log(o.pcen.eps) : 0.0),
          branch_(o.pcen.power == 0 ? Branch::Log
                  : o.pcen.bias == 0 ? Branch::NoBias : Branch::General),
          sqrt_(o.pcen.power == 0.5),
          /* ln of a normal float lies in [-87.34, 88.73]; with a margin for
           * the float product's rounding */
          exp_in_range_(o.pcen.gain * 88.8 <= 87.2 && o.pcen.gain * 87.4 <= 88.6),
          cmvn_(o.cmvn.enabled != 0),
          cmvn_center_(o.cmvn.center != 0), cmvn_vars_(o.cmvn.norm_vars != 0),
          cmvn_window_(o.cmvn.window), cmvn_min_(o.cmvn.min_window),
          stack_(o.stack.size > 0), stack_size_(o.stack.size),
          stack_step_(o.stack.step), stack_left_(o.stack.left) {
        const size_t count = order_ == 0 ? 0 : (recursive_ ? 1 : order_) * width_;
        for (size_t i = 0; i < count; ++i) filters_.push_back(static_cast<T>(t.delta_filters[i]));
    }

    const char *isa() const override { return FASTMEL_ISA_NAME; }
    size_t block() const override { return kBlock; }

    void run(const fastmel::FramesJob &job, size_t begin, size_t end) const override {
        const size_t blocks = (K_ + kBlock - 1) / kBlock;
        const size_t F = job.n_frames, K1 = K_ * (1 + order_);
        const size_t Fo = stack_ ? F / stack_step_ + (F % stack_step_ ? 1 : 0) : F;
        const bool via_scratch = frames_major_ || stack_;
        /* Frames-major data not stacked is filtered along its rows, every
         * feature of a block side by side: a full block in the output's rows
         * (the deltas read the features from there), a narrower one (the
         * last, or all of 13 MFCCs) in scratch rows of kBlock, zero-padded. */
        const bool rows_ok = frames_major_ && !stack_;
        /* plain deltas of frames-major rows: deltas_along_rows */
        const bool along_rows = rows_ok && !pcen_ && !cmvn_ && order_ > 0 && K_ >= kBlock &&
                                width_ <= 64 && edge_ != FM_EDGE_WRAP &&
                                edge_ != FM_EDGE_INTERP;
        std::vector<T> scratch;
        std::vector<double> cmvn_scratch;
        std::vector<T> pcen_tile;
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / blocks, k0 = (item % blocks) * kBlock;
            const size_t kb = std::min(kBlock, K_ - k0);
            const size_t n = job.lengths ? std::min(job.lengths[r], F) : F;
            const T *in = static_cast<const T *>(job.in) + r * K_ * F;
            T *out = static_cast<T *>(job.out) + r * Kout_ * Fo;
            const bool direct = rows_ok && (order_ == 0 || kb == kBlock);
            /* CMVN's place in the signal (fm_frames_part) */
            const size_t total = job.total ? job.total : n, first = std::min(job.first, n);
            const bool padded = rows_ok && !direct;
            /* Every order's block as features of contiguous frames: in place in
             * a bands-major output, else in scratch, scattered (or stacked) at
             * the end. */
            auto order = [&](size_t o) {
                return via_scratch ? Seq{scratch.data() + o * kb * n, 1, n}
                                   : Seq{out + (o * K_ + k0) * F, 1, F};
            };
            if (padded) {
                scratch.resize((1 + order_) * n * kBlock);
            } else if (via_scratch && !direct)
                scratch.resize((1 + order_) * kb * n);
            /* where the features go: the output's rows, scratch rows, or order 0 */
            const Seq x = direct   ? Seq{out + k0, Kout_, 1}
                          : padded ? Seq{scratch.data(), kBlock, 1}
                                   : order(0);
            /* the source block: feature k, frame t at src + t * sst + k * ssk */
            const T *src = frames_major_ ? in + k0 : in + k0 * F;
            const size_t sst = frames_major_ ? K_ : 1, ssk = frames_major_ ? 1 : F;
            if (stack_ && frames_major_ && !pcen_ && !cmvn_ && order_ == 0) {
                /* Stacking alone: the item of a row's first block copies the
                 * whole row, each slot's frame straight into the output (two
                 * gathers of each block through a bands-major scratch took 4x
                 * as long, and a pass per block writes each output line twice). */
                if (k0 != 0) continue;
                const size_t no = n / stack_step_ + (n % stack_step_ ? 1 : 0);
                for (size_t i = 0; i < no; ++i) {
                    const ptrdiff_t t0 = static_cast<ptrdiff_t>(i * stack_step_) -
                                         static_cast<ptrdiff_t>(stack_left_);
                    T *o_i = out + i * Kout_;
                    if (t0 >= 0 && static_cast<size_t>(t0) + stack_size_ <= n) {
                        std::memcpy(o_i, in + static_cast<size_t>(t0) * K_,
                                    stack_size_ * K_ * sizeof(T));
                        continue;
                    }
                    for (size_t j = 0; j < stack_size_; ++j) {
                        const ptrdiff_t t = t0 + static_cast<ptrdiff_t>(j);
                        const size_t tc = t < 0 ? 0 : std::min(static_cast<size_t>(t), n - 1);
                        std::memcpy(o_i + j * K_, in + tc * K_, K_ * sizeof(T));
                    }
                }
                std::fill(out + no * Kout_, out + Fo * Kout_, fill_);
                continue;
            }
            if (along_rows && job.n_rows > 1) {
                /* (a row per item: the rows of a batch keep the threads busy) */
                if (k0 != 0) continue;
                if (n > 0) deltas_along_rows(in, out, n);
                std::fill(out + n * Kout_, out + F * Kout_, fill_);
                continue;
            }
            if (pcen_) {
                double m[kBlock];
                double *state = job.state ? job.state + r * K_ + k0 : nullptr;
                for (size_t k = 0; k < kBlock; ++k)
                    m[k] = state && job.state_in && k < kb ? state[k] : initial_;
                pcen(src, sst, ssk, x.base, x.st, x.sk, n, kb, m, pcen_tile);
                if (state) std::copy(m, m + kb, state);
                if (cmvn_ && n > 0)
                    cmvn(x.base, x.st, x.sk, x.base, x.st, x.sk, n, kb, job.frame0, total, first,
                         cmvn_scratch);
            } else if (cmvn_) {
                if (n > 0)
                    cmvn(src, sst, ssk, x.base, x.st, x.sk, n, kb, job.frame0, total, first,
                         cmvn_scratch);
            } else if (padded) {  /* (the zeros: rep stos costs more than a row) */
                for (size_t t = 0; t < n; ++t)
                    for (size_t k = 0; k < kBlock; ++k)
                        x.base[t * kBlock + k] = k < kb ? src[t * K_ + k] : T(0);
            } else if (direct) {
                for (size_t t = 0; t < n; ++t) copy_block(src + t * K_, x.base + t * x.st, kb);
            } else if (frames_major_) {  /* gathered frame by frame */
                for (size_t t = 0; t < n; ++t)
                    for (size_t k = 0; k < kb; ++k) x.base[k * n + t] = src[t * K_ + k];
            } else {
                for (size_t k = 0; k < kb; ++k)
                    std::copy(src + k * F, src + k * F + n, x.base + k * x.sk);
            }
            if (padded) {
                const size_t order_size = n * kBlock;
                if (pcen_ || cmvn_)  /* order 0's padding (the filters write every lane) */
                    for (size_t t = 0; t < n; ++t)
                        for (size_t k = 0; k < kBlock; ++k)
                            if (k >= kb) scratch[t * kBlock + k] = T(0);
                if (n > 0)
                    for (size_t o = 1; o <= order_; ++o)
                        filter_rows(scratch.data() + (recursive_ ? o - 1 : 0) * order_size,
                                    kBlock, scratch.data() + o * order_size, kBlock, n, kBlock,
                                    filters_.data() + (recursive_ ? 0 : (o - 1) * width_));
                for (size_t t = 0; t < n; ++t)
                    for (size_t o = 0; o <= order_; ++o) {
                        const T *from = scratch.data() + o * order_size + t * kBlock;
                        copy_block(from, out + t * Kout_ + o * K_ + k0, kb);
                    }
                for (size_t t = n; t < F; ++t)
                    for (size_t o = 0; o <= order_; ++o)
                        std::fill_n(out + t * Kout_ + o * K_ + k0, kb, fill_);
                continue;
            }
            if (direct) {
                if (n > 0)
                    for (size_t o = 1; o <= order_; ++o)
                        filter_rows(out + ((recursive_ ? o - 1 : 0) * K_ + k0), Kout_,
                                    out + (o * K_ + k0), Kout_, n, kb,
                                    filters_.data() + (recursive_ ? 0 : (o - 1) * width_));
                for (size_t t = n; t < F; ++t)
                    for (size_t o = 0; o <= order_; ++o)
                        std::fill_n(out + t * Kout_ + o * K_ + k0, kb, fill_);
                continue;
            }
            if (n > 0)
                for (size_t o = 1; o <= order_; ++o)
                    filter(recursive_ ? order(o - 1) : x, order(o), n, kb,
                           filters_.data() + (recursive_ ? 0 : (o - 1) * width_));
            if (stack_) {
                /* output frame i, slot j: frame i * step + j - left, clamped */
                const size_t no = n / stack_step_ + (n % stack_step_ ? 1 : 0);
                auto at = [&](size_t i, size_t f) -> T & {
                    return frames_major_ ? out[i * Kout_ + f] : out[f * Fo + i];
                };
                for (size_t i = 0; i < no; ++i)
                    for (size_t j = 0; j < stack_size_; ++j) {
                        const ptrdiff_t t = static_cast<ptrdiff_t>(i * stack_step_ + j) -
                                            static_cast<ptrdiff_t>(stack_left_);
                        const size_t tc = t < 0 ? 0 : std::min(static_cast<size_t>(t), n - 1);
                        for (size_t o = 0; o <= order_; ++o)
                            for (size_t k = 0; k < kb; ++k)
                                at(i, j * K1 + o * K_ + k0 + k) = scratch[(o * kb + k) * n + tc];
                    }
                for (size_t i = no; i < Fo; ++i)
                    for (size_t j = 0; j < stack_size_; ++j)
                        for (size_t o = 0; o <= order_; ++o)
                            for (size_t k = 0; k < kb; ++k) at(i, j * K1 + o * K_ + k0 + k) = fill_;
            } else if (frames_major_) {
                for (size_t t = 0; t < n; ++t) {
                    T *o_t = out + t * Kout_ + k0;
                    for (size_t o = 0; o <= order_; ++o)
                        for (size_t k = 0; k < kb; ++k)
                            o_t[o * K_ + k] = scratch[(o * kb + k) * n + t];
                }
                for (size_t t = n; t < F; ++t)
                    for (size_t o = 0; o <= order_; ++o)
                        std::fill_n(out + t * Kout_ + o * K_ + k0, kb, fill_);
            } else {
                for (size_t o = 0; o <= order_; ++o)
                    for (size_t k = 0; k < kb; ++k)
                        std::fill(order(o).base + k * F + n, order(o).base + (k + 1) * F, fill_);
            }
        }
    }
};

inline fastmel::FramesKernel *make_frames(const fm_frames_opts &opts,
                                          const fm_frames_tables &tables, fm_dtype dtype) {
    if (dtype == FM_FLOAT32) return new DeltaFrames<float>(opts, tables);
    return new DeltaFrames<double>(opts, tables);
}
