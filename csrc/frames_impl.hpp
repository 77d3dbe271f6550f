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
 * stays NaN. */
template <typename V>
inline V exp_poly(V x) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V zero = V{} * 0.0f; /* (x * 0 is NaN for infinite x) */
    V c = x < -87.3f ? zero - 87.3f : x;
    c = c > 88.7f ? zero + 88.7f : c; /* NaN: kept, and given back below */
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
    y = x < -87.3f ? zero : y;
    y = x > 88.7f ? zero + __builtin_inff() : y;
    return x != x ? x : y;
}

/* ln x on a vector of floats, without division: x = 2^e m with m in
 * [sqrt(1/2), sqrt(2)), f = m - 1, ln(1 + f) = f - f^2 / 2 + f^3 P(f) with
 * Cephes' degree-8 polynomial P for logf (relative error ~1e-7); e ln 2
 * added in two parts. Subnormal x is scaled by 2^23 first; 0 gives -inf,
 * negative x NaN, +inf and NaN pass through. */
template <typename V>
inline V ln_vec(V x) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V zero = V{} * 0.0f;
    const VI sub = (x < std::numeric_limits<float>::min()) & (x > 0.0f);
    const V xs = sub ? x * 8388608.0f : x; /* 2^23 */
    const VI bits = (VI)xs;
    VI e = ((bits >> 23) & 0xff) - 126;
    V m = (V)((bits & 0x007fffff) | 0x3f000000); /* mantissa in [1/2, 1) */
    const VI low = m < 0.707106781186547524f;
    e = low ? e - 1 : e;
    const V f = (low ? m + m : m) - 1.0f;
    const V z = f * f;
    V p = f * 7.0376836292e-2f - 1.1514610310e-1f;
    p = p * f + 1.1676998740e-1f;
    p = p * f - 1.2420140846e-1f;
    p = p * f + 1.4249322787e-1f;
    p = p * f - 1.6668057665e-1f;
    p = p * f + 2.0000714765e-1f;
    p = p * f - 2.4999993993e-1f;
    p = p * f + 3.3333331174e-1f;
    const V ef = __builtin_convertvector(sub ? e - 23 : e, V);
    V y = f * z * p + ef * -2.12194440e-4f - 0.5f * z;
    y = (f + y) + ef * 0.693359375f;
    y = x == 0.0f ? zero - __builtin_inff() : y;
    y = x < 0.0f ? zero + __builtin_nanf("") : y;
    return x < __builtin_inff() ? y : x; /* +inf and NaN */
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
    /* sliding CMVN */
    bool cmvn_, cmvn_center_, cmvn_vars_;
    size_t cmvn_window_, cmvn_min_;
    /* stacking */
    bool stack_;
    size_t stack_size_, stack_step_, stack_left_;

    /* y[i] = PCEN of x[i] given M m[i], for i < count (a tile of frames:
     * every lane busy, count a multiple of the vector width). */
    void pcen_values(const T *x, const T *m, T *y, size_t count) const {
        if constexpr (std::is_same<T, float>::value && Lanes<T>::L > 1) {
            using V = typename Lanes<T>::V;
            constexpr size_t L = Lanes<T>::L;
            const V zero = V{} * T(0);
            const T gain = static_cast<T>(gain_), eps = static_cast<T>(eps_);
            const T power = static_cast<T>(power_), inv_bias = static_cast<T>(1.0 / bias_);
            const T bias_power = static_cast<T>(bias_power_), bias = static_cast<T>(bias_);
            auto one = [&](size_t i) {
                V xv, mv;
                std::memcpy(&xv, x + i, sizeof(V));
                std::memcpy(&mv, m + i, sizeof(V));
                const V ln_g = zero - gain * ln_vec(mv + eps);
                V out;
                if (branch_ == Branch::Log) {
                    out = ln_vec(xv * exp_poly(ln_g) + T(1));
                } else if (branch_ == Branch::NoBias) {
                    out = exp_poly(power * (ln_vec(xv) + ln_g));
                } else if (sqrt_) {  /* power 0.5 (librosa's default): a square root */
                    const V w = xv * exp_poly(ln_g) + bias;
                    T ws[L];
                    std::memcpy(ws, &w, sizeof(ws));
                    for (size_t l = 0; l < L; ++l) ws[l] = std::sqrt(ws[l]);
                    std::memcpy(&out, ws, sizeof(out));
                    out = out - bias_power;
                } else {
                    const V u = xv * exp_poly(ln_g) * inv_bias;
                    out = bias_power * (exp_poly(power * ln_vec(u + T(1))) - T(1));
                }
                std::memcpy(y + i, &out, sizeof(V));
            };
            /* two vectors a step: their long chains of dependent operations overlap */
            size_t i = 0;
            for (; i + 2 * L <= count; i += 2 * L) {
                one(i);
                one(i + L);
            }
            for (; i < count; i += L) one(i);
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

    /* PCEN of one block: frame t, feature k of the source at src + t * sst +
     * k * ssk, into dst likewise; z holds the filter's state per feature
     * (M[t] = smooth x[t] + z, then z = (1 - smooth) M[t]). In tiles of
     * kTile frames: the smoother frame by frame (in double), then the powers
     * and logarithms of the whole tile at once. */
    void pcen(const T *src, size_t sst, size_t ssk, T *dst, size_t dst_st, size_t dst_sk,
              size_t n, size_t kb, double *z) const {
        constexpr size_t kTile = 64;
        alignas(64) T xs[kTile * kBlock], ms[kTile * kBlock], ys[kTile * kBlock];
        for (size_t t0 = 0; t0 < n; t0 += kTile) {
            const size_t tn = std::min(kTile, n - t0);
            /* the tile as [frame][feature], kBlock wide (lanes past kb: 1) */
            if (kb < kBlock) std::fill_n(xs, tn * kBlock, T(1));
            if (ssk == 1) {
                for (size_t t = 0; t < tn; ++t)
                    std::copy(src + (t0 + t) * sst, src + (t0 + t) * sst + kb, xs + t * kBlock);
            } else {
                for (size_t k = 0; k < kb; ++k)
                    for (size_t t = 0; t < tn; ++t) xs[t * kBlock + k] = src[(t0 + t) * sst + k * ssk];
            }
            /* scipy's lfilter, transposed direct form II: all kBlock lanes (those
             * past kb filter the ones xs holds there, harmlessly) */
            for (size_t t = 0; t < tn; ++t)
                for (size_t k = 0; k < kBlock; ++k) {
                    const double M = smooth_ * static_cast<double>(xs[t * kBlock + k]) + z[k];
                    z[k] = keep_ * M;
                    ms[t * kBlock + k] = static_cast<T>(M);
                }
            pcen_values(xs, ms, ys, tn * kBlock);
            if (dst_sk == 1) {
                for (size_t t = 0; t < tn; ++t)
                    std::copy(ys + t * kBlock, ys + t * kBlock + kb, dst + (t0 + t) * dst_st);
            } else {
                for (size_t k = 0; k < kb; ++k)
                    for (size_t t = 0; t < tn; ++t) dst[(t0 + t) * dst_st + k * dst_sk] = ys[t * kBlock + k];
            }
        }
    }

    /* Sliding CMVN of a block of kb features of n frames, in place (feature k
     * at x + k * sk, its frames contiguous): prefix sums in double, frame by
     * frame with the block's features side by side, of the values less each
     * feature's overall mean (the window sums are differences of them, and
     * the variance, the mean of squares less the squared mean, does not
     * depend on the shift; without it a feature far from 0 with a small
     * spread would lose its digits). The window of each frame is found once
     * for the block. */
    void cmvn(T *x, size_t sk, size_t n, size_t kb, std::vector<double> &sums) const {
        sums.assign(2 * (n + 1) * kBlock, 0.0);
        double *sum = sums.data(), *sq = sum + (n + 1) * kBlock;
        double shift[kBlock] = {};  /* (lanes past kb: 0, their sums 0) */
        for (size_t k = 0; k < kb; ++k) {
            double total = 0.0;
            for (size_t t = 0; t < n; ++t) total += static_cast<double>(x[k * sk + t]);
            shift[k] = total / static_cast<double>(n);
            for (size_t t = 0; t < n; ++t) {
                const double v = static_cast<double>(x[k * sk + t]) - shift[k];
                sum[(t + 1) * kBlock + k] = v;
                sq[(t + 1) * kBlock + k] = v * v;
            }
        }
        for (size_t t = 1; t <= n; ++t)
            for (size_t k = 0; k < kBlock; ++k) {
                sum[t * kBlock + k] += sum[(t - 1) * kBlock + k];
                sq[t * kBlock + k] += sq[(t - 1) * kBlock + k];
            }
        const ptrdiff_t N = static_cast<ptrdiff_t>(n), C = static_cast<ptrdiff_t>(cmvn_window_);
        for (size_t t = 0; t < n; ++t) {
            const ptrdiff_t T0 = static_cast<ptrdiff_t>(t);
            ptrdiff_t a = cmvn_center_ ? T0 - C / 2 : T0 - C;
            ptrdiff_t b = cmvn_center_ ? a + C : T0 + 1;
            if (a < 0) {
                b -= a;
                a = 0;
            }
            if (!cmvn_center_) b = std::max<ptrdiff_t>(T0 + 1, static_cast<ptrdiff_t>(cmvn_min_));
            if (b > N) {
                a = std::max<ptrdiff_t>(0, a - (b - N));
                b = N;
            }
            const double inv = 1.0 / static_cast<double>(b - a);
            const double *sa = sum + a * kBlock, *sb = sum + b * kBlock;
            const double *qa = sq + a * kBlock, *qb = sq + b * kBlock;
            double y[kBlock] = {};
            for (size_t k = 0; k < kb; ++k) y[k] = static_cast<double>(x[k * sk + t]) - shift[k];
            for (size_t k = 0; k < kBlock; ++k) {
                const double mean = (sb[k] - sa[k]) * inv; /* less the shift */
                y[k] -= mean;
                if (cmvn_vars_) {
                    const double var = (qb[k] - qa[k]) * inv - mean * mean;
                    y[k] = b - a == 1 ? 0.0 : y[k] / std::sqrt(var);
                }
            }
            for (size_t k = 0; k < kb; ++k) x[k * sk + t] = static_cast<T>(y[k]);
        }
    }

    /* Element (t, k) of a sequence: base[t * st + k * sk]. */
    struct Seq {
        T *base;
        size_t st, sk;
    };

    /* dst = the filter f over src, frames [0, n), features [0, kb); both
     * with contiguous frames (st == 1). */
    void filter(const Seq &src, const Seq &dst, size_t n, size_t kb, const T *f) const {
        const size_t w = width_, h = half_;
        const bool interp = edge_ == FM_EDGE_INTERP;
        /* Interior frames: every tap inside [0, n). */
        const size_t lo = std::min(h, n), hi = n >= h ? std::max(n - h, lo) : lo;
        /* the taps that are not zero (an order's filter may be padded to the width) */
        size_t j0 = 0, j1 = w;
        while (j0 < j1 && f[j0] == T(0)) ++j0;
        while (j1 > j0 && f[j1 - 1] == T(0)) --j1;
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
                    for (size_t i = 0; i < kRun; ++i) acc[i] += c * sj[i];
                }
                std::copy(acc, acc + kRun, d + t);
            }
            for (; t < hi; ++t) {
                T acc = T(0);
                for (size_t j = j0; j < j1; ++j) acc += f[j] * s[t + j - h];
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
                    acc += f[j] * (i < n ? s[i] : T(0));
                }
                d[t] = acc;
            }
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
          sqrt_(o.pcen.power == 0.5), cmvn_(o.cmvn.enabled != 0),
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
        std::vector<T> scratch;
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / blocks, k0 = (item % blocks) * kBlock;
            const size_t kb = std::min(kBlock, K_ - k0);
            const size_t n = job.lengths ? std::min(job.lengths[r], F) : F;
            const T *in = static_cast<const T *>(job.in) + r * K_ * F;
            T *out = static_cast<T *>(job.out) + r * Kout_ * Fo;
            /* Every order's block as features of contiguous frames: in place in
             * a bands-major output, else in scratch, scattered (or stacked) at
             * the end. */
            auto order = [&](size_t o) {
                return via_scratch ? Seq{scratch.data() + o * kb * n, 1, n}
                                   : Seq{out + (o * K_ + k0) * F, 1, F};
            };
            if (via_scratch) scratch.resize((1 + order_) * kb * n);
            const Seq x = order(0);
            /* the source block: feature k, frame t at src + t * sst + k * ssk */
            const T *src = frames_major_ ? in + k0 : in + k0 * F;
            const size_t sst = frames_major_ ? K_ : 1, ssk = frames_major_ ? 1 : F;
            if (pcen_) {
                double m[kBlock];
                double *state = job.state ? job.state + r * K_ + k0 : nullptr;
                for (size_t k = 0; k < kBlock; ++k)
                    m[k] = state && job.state_in && k < kb ? state[k] : initial_;
                pcen(src, sst, ssk, x.base, x.st, x.sk, n, kb, m);
                if (state) std::copy(m, m + kb, state);
            } else if (frames_major_) {  /* gathered frame by frame */
                for (size_t t = 0; t < n; ++t)
                    for (size_t k = 0; k < kb; ++k) x.base[k * n + t] = src[t * K_ + k];
            } else {
                for (size_t k = 0; k < kb; ++k)
                    std::copy(src + k * F, src + k * F + n, x.base + k * x.sk);
            }
            if (cmvn_ && n > 0) {
                std::vector<double> sums;
                cmvn(x.base, x.sk, n, kb, sums);
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
