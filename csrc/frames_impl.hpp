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

template <typename T>
class DeltaFrames final : public fastmel::FramesKernel {
    static constexpr size_t kBlock = 16;
    size_t K_, Kout_, order_, width_, half_;
    int edge_;
    bool recursive_, frames_major_;
    T fill_;
    std::vector<T> filters_; /* order_ x width_, or width_ when recursive */

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
        : K_(o.num_features), Kout_(o.num_features * (1 + o.delta.order)),
          order_(o.delta.order), width_(o.delta.width), half_((o.delta.width - 1) / 2),
          edge_(o.delta.edge), recursive_(o.delta.recursive != 0),
          frames_major_(o.layout == FM_LAYOUT_FRAMES_BANDS), fill_(static_cast<T>(o.fill)) {
        const size_t count = order_ == 0 ? 0 : (recursive_ ? 1 : order_) * width_;
        for (size_t i = 0; i < count; ++i) filters_.push_back(static_cast<T>(t.delta_filters[i]));
    }

    const char *isa() const override { return FASTMEL_ISA_NAME; }
    size_t block() const override { return kBlock; }

    void run(const fastmel::FramesJob &job, size_t begin, size_t end) const override {
        const size_t blocks = (K_ + kBlock - 1) / kBlock;
        const size_t F = job.n_frames;
        std::vector<T> scratch;
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / blocks, k0 = (item % blocks) * kBlock;
            const size_t kb = std::min(kBlock, K_ - k0);
            const size_t n = job.lengths ? std::min(job.lengths[r], F) : F;
            const T *in = static_cast<const T *>(job.in) + r * K_ * F;
            T *out = static_cast<T *>(job.out) + r * Kout_ * F;
            /* Every order's block as features of contiguous frames: in place in
             * a bands-major output, else in scratch, gathered and scattered. */
            Seq x{const_cast<T *>(in) + k0 * F, 1, F};
            auto order = [&](size_t o) {
                return frames_major_ ? Seq{scratch.data() + o * kb * n, 1, n}
                                     : Seq{out + (o * K_ + k0) * F, 1, F};
            };
            if (frames_major_) {
                scratch.resize((1 + order_) * kb * n);
                for (size_t t = 0; t < n; ++t)
                    for (size_t k = 0; k < kb; ++k) scratch[k * n + t] = in[t * K_ + k0 + k];
                x = order(0);
            } else {
                for (size_t k = 0; k < kb; ++k)
                    std::copy(x.base + k * F, x.base + k * F + n, order(0).base + k * F);
            }
            if (n > 0)
                for (size_t o = 1; o <= order_; ++o)
                    filter(recursive_ ? order(o - 1) : x, order(o), n, kb,
                           filters_.data() + (recursive_ ? 0 : (o - 1) * width_));
            if (frames_major_) {
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
