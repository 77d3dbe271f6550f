/*
 * The stages along frames (fm_frames_*), written once and compiled once per
 * instruction set: kernel_impl.hpp includes this file inside its namespace.
 *
 * A work item is one row's block of kBlock features. Each filter runs over
 * the item's frames reading the source where it lies (the input, or the
 * output's previous order), with the frames' contiguous axis innermost: over
 * frames for bands-major data, over the block's features for frames-major
 * data, so that the compiler vectorises either. Every output value is
 * summed over the taps in the same order, from 0, whichever path computes
 * it; frames nearer an end than the filter's half width read through the
 * edge rule, one value at a time.
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

    /* dst = the filter f over src, frames [0, n), features [0, kb). */
    void filter(const Seq &src, const Seq &dst, size_t n, size_t kb, const T *f) const {
        const size_t w = width_, h = half_;
        const bool interp = edge_ == FM_EDGE_INTERP;
        /* Interior frames: every tap inside [0, n). */
        const size_t lo = std::min(h, n), hi = n >= h ? std::max(n - h, lo) : lo;
        if (src.st == 1 && dst.st == 1) { /* bands-major: frames contiguous */
            for (size_t k = 0; k < kb; ++k) {
                const T *s = src.base + k * src.sk;
                T *d = dst.base + k * dst.sk;
                T *dl = d + lo;
                for (size_t t = 0; t < hi - lo; ++t) dl[t] = T(0);
                for (size_t j = 0; j < w; ++j) {
                    const T c = f[j];
                    const T *sj = s + (lo + j - h);
                    for (size_t t = 0; t < hi - lo; ++t) dl[t] += c * sj[t];
                }
            }
        } else { /* frames-major: the block's features contiguous */
            for (size_t t = lo; t < hi; ++t) {
                T *d = dst.base + t * dst.st;
                T acc[kBlock];
                for (size_t k = 0; k < kBlock; ++k) acc[k] = T(0);
                for (size_t j = 0; j < w; ++j) {
                    const T c = f[j];
                    const T *s = src.base + (t + j - h) * src.st;
                    for (size_t k = 0; k < kb; ++k) acc[k] += c * s[k];
                }
                for (size_t k = 0; k < kb; ++k) d[k * dst.sk] = acc[k];
            }
        }
        /* The frames near the ends. */
        for (size_t t = 0; t < n; ++t) {
            if (t == lo && hi > lo) t = hi;
            if (t >= n) break;
            for (size_t k = 0; k < kb; ++k) {
                T *d = dst.base + t * dst.st + k * dst.sk;
                if (interp) {
                    const size_t from = t < h ? h : n - 1 - h;
                    *d = dst.base[from * dst.st + k * dst.sk];
                    continue;
                }
                T acc = T(0);
                for (size_t j = 0; j < w; ++j) {
                    const size_t i = edge_index(static_cast<ptrdiff_t>(t + j) -
                                                    static_cast<ptrdiff_t>(h), n, edge_);
                    const T x = i < n ? src.base[i * src.st + k * src.sk] : T(0);
                    acc += f[j] * x;
                }
                *d = acc;
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
        for (size_t item = begin; item < end; ++item) {
            const size_t r = item / blocks, k0 = (item % blocks) * kBlock;
            const size_t kb = std::min(kBlock, K_ - k0);
            const size_t n = job.lengths ? std::min(job.lengths[r], F) : F;
            const T *in = static_cast<const T *>(job.in) + r * K_ * F;
            T *out = static_cast<T *>(job.out) + r * Kout_ * F;
            /* Order o's block of features: a sequence in the output. */
            auto order = [&](size_t o) {
                const size_t k = o * K_ + k0;
                return frames_major_ ? Seq{out + k, Kout_, 1} : Seq{out + k * F, 1, F};
            };
            const Seq x = frames_major_ ? Seq{const_cast<T *>(in) + k0, K_, 1}
                                        : Seq{const_cast<T *>(in) + k0 * F, 1, F};
            const Seq copy = order(0);
            for (size_t t = 0; t < n; ++t)
                for (size_t k = 0; k < kb; ++k)
                    copy.base[t * copy.st + k * copy.sk] = x.base[t * x.st + k * x.sk];
            if (n > 0)
                for (size_t o = 1; o <= order_; ++o)
                    filter(recursive_ ? order(o - 1) : x, order(o), n, kb,
                           filters_.data() + (recursive_ ? 0 : (o - 1) * width_));
            for (size_t o = 0; o <= order_; ++o) {
                const Seq s = order(o);
                for (size_t t = n; t < F; ++t)
                    for (size_t k = 0; k < kb; ++k) s.base[t * s.st + k * s.sk] = fill_;
            }
        }
    }
};

inline fastmel::FramesKernel *make_frames(const fm_frames_opts &opts,
                                          const fm_frames_tables &tables, fm_dtype dtype) {
    if (dtype == FM_FLOAT32) return new DeltaFrames<float>(opts, tables);
    return new DeltaFrames<double>(opts, tables);
}
