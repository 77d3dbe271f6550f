/*
 * Utterance CMVN with NumPy's float32 bits (fm_utterance_cmvn_f32): written
 * once and compiled once per instruction set, kernel_impl.hpp includes this
 * file inside its namespace.
 *
 * NumPy reduces axis 0 of a C-contiguous (frames, bands) float32 array with
 * two bands or more row after row, in float32: each column's sum is
 * ((x0 + x1) + x2) + ..., and mean and std divide by the count in float32.
 * Every step here is that float32 operation on each element, lane by lane
 * (a square and its sum rounded apart, as NumPy's multiply and sum), so the
 * bits are NumPy's whatever the vector width. The columns go a block at a
 * time, every step on a block while its rows are in cache (the whole array
 * of a long clip is not), the block's sums in registers.
 */

/* The steps on the kV vectors V of columns from v (rows `stride` apart): a
 * block, one vector, or (V = float) one column. */
template <typename V, size_t kV>
inline void cmvn_columns(float *v, size_t frames, size_t n, size_t stride, bool means,
                         bool variances) {
    constexpr size_t L = sizeof(V) / sizeof(float);
    const float count = static_cast<float>(n);
    auto load = [](const float *p) {
        V x;
        std::memcpy(&x, p, sizeof(V));
        return x;
    };
    auto store = [](float *p, V x) { std::memcpy(p, &x, sizeof(V)); };
    auto at = [&](size_t i, size_t q) { return v + i * stride + q * L; };
    V acc[kV], mean[kV];
    const V zero = V{} * 0.0f;
    /* acc: the sums over the first n rows; then mean = acc / n, acc zeroed */
    auto sums = [&] {
        for (size_t i = 0; i < n; ++i)
            for (size_t q = 0; q < kV; ++q) acc[q] += load(at(i, q));
    };
    auto to_mean = [&] {
        for (size_t q = 0; q < kV; ++q) {
            mean[q] = acc[q] / count;
            acc[q] = zero;
        }
    };
    if (!means && !variances) return;
    for (size_t q = 0; q < kV; ++q) acc[q] = zero;
    sums();  /* the means' sums, or without them std's own */
    to_mean();
    if (means) {
        /* the centred values, and their sums over the first n rows (std's own mean) */
        for (size_t i = 0; i < n; ++i)
            for (size_t q = 0; q < kV; ++q) {
                const V d = load(at(i, q)) - mean[q];
                store(at(i, q), d);
                acc[q] += d;
            }
        for (size_t i = n; i < frames; ++i)
            for (size_t q = 0; q < kV; ++q) store(at(i, q), load(at(i, q)) - mean[q]);
        if (!variances) return;
        to_mean();
    }
    for (size_t i = 0; i < n; ++i)
        for (size_t q = 0; q < kV; ++q) {
            const V d = load(at(i, q)) - mean[q];
            acc[q] += unfused(d * d);
        }
    V scale[kV];
    for (size_t q = 0; q < kV; ++q) {
        float s[L];
        const V var = acc[q] / count;
        std::memcpy(s, &var, sizeof(s));
        for (size_t l = 0; l < L; ++l) s[l] = std::sqrt(s[l]);
        std::memcpy(&scale[q], s, sizeof(s));
    }
    for (size_t i = 0; i < frames; ++i)
        for (size_t q = 0; q < kV; ++q) store(at(i, q), load(at(i, q)) / scale[q]);
}

/* x (frames, bands) row-major, 1 <= n <= frames, bands >= 2 (checked by the caller). */
inline void utterance_cmvn_f32(float *x, size_t frames, size_t n, size_t bands, bool means,
                               bool variances) {
    /* 16 columns: one 64-byte line of each row (or a wider vector) */
    constexpr size_t kBlock = Lanes<float>::L >= 16 ? Lanes<float>::L : 16;
    using V = typename Lanes<float>::V;
    constexpr size_t L = Lanes<float>::L;
    size_t j = 0;
    for (; j + kBlock <= bands; j += kBlock)
        cmvn_columns<V, kBlock / L>(x + j, frames, n, bands, means, variances);
    for (; j + L <= bands; j += L) cmvn_columns<V, 1>(x + j, frames, n, bands, means, variances);
    for (; j < bands; ++j) cmvn_columns<float, 1>(x + j, frames, n, bands, means, variances);
}
