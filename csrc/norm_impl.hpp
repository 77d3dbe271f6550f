/*
 * The normalisation, the last stage (fm_norm_opts): written once and
 * compiled once per instruction set, kernel_impl.hpp includes this file
 * inside its namespace.
 *
 * Each feature over its row's own frames, in double: its sum over t in
 * order from 0, the mean, the sum of (x - mean)^2 in order (each square
 * rounded before it is added), the scale, then (x - mean) times the
 * reciprocal of the scale (a division per value took a fifth of a Parakeet
 * call: the divider is slow), within an ulp of double of the quotient
 * before the rounding to T. The same operations on every feature whatever
 * the layout and the instruction set: the same numbers.
 *
 * Frames-major rows (features contiguous) go a block of kNormBlock features
 * at a time, every step on a block while its frames are in cache (the row
 * of a long clip is not: 3000 frames of 128 features are 1.5 MB) and its
 * sums in registers; bands-major rows feature by feature (each contiguous).
 */

constexpr size_t kNormBlock = 16;

/* The steps on the kV * kD features from v (a feature's frames `st` apart),
 * over `frames` frames. D: a vector of kD doubles (kV of them: a block of
 * frames-major features), or double (kV = 1: one feature). */
template <typename D, size_t kV, typename T>
inline void norm_columns(T *v, size_t frames, size_t st, const fm_norm_opts &o) {
    constexpr size_t kD = sizeof(D) / sizeof(double);
    /* (the vector of kD T's only where there are several: no 1-lane vectors) */
    auto load = [&](size_t t, size_t q) {
        if constexpr (kD == 1) {
            return static_cast<double>(v[t * st + q]);
        } else {
            typedef T TV __attribute__((vector_size(kD * sizeof(T))));
            TV x;
            std::memcpy(&x, v + t * st + q * kD, sizeof(TV));
            return __builtin_convertvector(x, D);
        }
    };
    auto store = [&](size_t t, size_t q, D y) {
        if constexpr (kD == 1) {
            v[t * st + q] = static_cast<T>(y);
        } else {
            typedef T TV __attribute__((vector_size(kD * sizeof(T))));
            const TV x = __builtin_convertvector(y, TV);
            std::memcpy(v + t * st + q * kD, &x, sizeof(TV));
        }
    };
    const D zero = D{} * 0.0;
    D mean[kV], scale[kV];
    for (size_t q = 0; q < kV; ++q) mean[q] = zero;
    for (size_t t = 0; t < frames; ++t)
        for (size_t q = 0; q < kV; ++q) mean[q] += load(t, q);
    for (size_t q = 0; q < kV; ++q) mean[q] /= static_cast<double>(frames);
    if (o.mode == FM_NORM_MEAN_STD) {
        for (size_t q = 0; q < kV; ++q) scale[q] = zero;
        for (size_t t = 0; t < frames; ++t)
            for (size_t q = 0; q < kV; ++q) {
                const D d = load(t, q) - mean[q];
                scale[q] += unfused(d * d);
            }
        for (size_t q = 0; q < kV; ++q) {
            double s[kD];
            std::memcpy(s, &scale[q], sizeof(s));
            for (size_t l = 0; l < kD; ++l) {
                /* frames <= ddof: 0/0 or x/negative count, NaN as numpy gives */
                const double var = frames > o.ddof ? s[l] / static_cast<double>(frames - o.ddof)
                                                   : std::numeric_limits<double>::quiet_NaN();
                s[l] = 1.0 / (o.eps_in_sqrt ? std::sqrt(var + o.eps) : std::sqrt(var) + o.eps);
            }
            std::memcpy(&scale[q], s, sizeof(s));
        }
    } else {
        for (size_t q = 0; q < kV; ++q) scale[q] = zero + 1.0;
    }
    for (size_t t = 0; t < frames; ++t)
        for (size_t q = 0; q < kV; ++q) store(t, q, (load(t, q) - mean[q]) * scale[q]);
}

/* Rows [begin, end) of v (fm_compute's output: row r, feature k, frame t at
 * v[r * nk * n_frames + k * sk + t * st], sk == 1 frames-major), each over
 * its own frames (row_frames, or n_frames) but the last o.exclude_last,
 * which take fill. */
template <typename T>
void normalise_rows(T *v, size_t begin, size_t end, size_t nk, size_t n_frames, bool frames_major,
                    const size_t *row_frames, const fm_norm_opts &o, double fill) {
    using D = typename Lanes<double>::V;
    constexpr size_t kD = Lanes<double>::L;
    const size_t sk = frames_major ? 1 : n_frames, st = frames_major ? nk : 1;
    for (size_t r = begin; r < end; ++r) {
        const size_t own = row_frames ? row_frames[r] : n_frames;
        const size_t frames = own > o.exclude_last ? own - o.exclude_last : 0;
        T *row = v + r * nk * n_frames;
        if (frames_major)
            std::fill(row + frames * nk, row + own * nk, static_cast<T>(fill));
        else
            for (size_t k = 0; k < nk; ++k)
                std::fill(row + k * sk + frames, row + k * sk + own, static_cast<T>(fill));
        if (frames == 0) continue;
        size_t k = 0;
        if (frames_major)
            for (; k + kNormBlock <= nk; k += kNormBlock)
                norm_columns<D, kNormBlock / kD>(row + k, frames, st, o);
        for (; k < nk; ++k) norm_columns<double, 1>(row + k * sk, frames, st, o);
    }
}
