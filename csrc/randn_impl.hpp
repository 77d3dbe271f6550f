/*
 * torch.randn(n) on the CPU, float32, for a generator seeded by `seed`
 * (fm_torch_randn): written once and compiled once per instruction set,
 * kernel_impl.hpp includes this file inside its namespace (after
 * frames_impl.hpp, whose ln_vec it uses).
 *
 * torch's CPU generator is MT19937 seeded as init_genrand(seed); a float
 * uniform is the low 24 bits of one 32-bit output times 2^-24. For n >= 16,
 * torch's normal_fill writes n uniforms, then turns each whole block of 16
 * into normals (normal_fill_16: u1 = 1 - a[j], u2 = a[j + 8], radius =
 * sqrt(-2 ln u1), theta = 2 pi u2 in float, a[j] = radius cos theta, a[j +
 * 8] = radius sin theta); when n is not a multiple of 16, 16 fresh uniforms
 * make the last 16 values. Here the same stream and the same float steps,
 * with fastmel's logarithm (ln_vec) and Cephes' sinf/cosf polynomials in
 * place of torch's SLEEF ones (each within two ulps of the exact value):
 * the values equal torch's to a few ulps (3 at most over 181,255 values,
 * in draws of 16 to 160,000). Below 16 torch draws in double one value at
 * a time; fastmel gives the first n values of the block of 16 fresh
 * uniforms drawn after n, as it always has.
 */

/* MT19937: the state and its outputs. */
struct Mt19937 {
    uint32_t mt[624];
    size_t pos = 624;

    explicit Mt19937(uint32_t seed) {
        mt[0] = seed;
        for (uint32_t j = 1; j < 624; ++j) mt[j] = 1812433253u * (mt[j - 1] ^ (mt[j - 1] >> 30)) + j;
    }
    static uint32_t twist(uint32_t a, uint32_t b, uint32_t c) {
        const uint32_t y = (a & 0x80000000u) | (b & 0x7fffffffu);
        return c ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908b0dfu);
    }
    void generate() { /* the reference's loop, its indices modulo 624 in three ranges */
        for (size_t i = 0; i < 227; ++i) mt[i] = twist(mt[i], mt[i + 1], mt[i + 397]);
        for (size_t i = 227; i < 623; ++i) mt[i] = twist(mt[i], mt[i + 1], mt[i - 227]);
        mt[623] = twist(mt[623], mt[0], mt[396]);
        pos = 0;
    }
    static float uniform_of(uint32_t y) { /* tempered, then torch's float uniform */
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return static_cast<float>(y & 0xFFFFFFu) * 5.9604644775390625e-08f;
    }
    /* the next `count` uniforms */
    void uniforms(float *out, size_t count) {
        while (count > 0) {
            if (pos == 624) generate();
            const size_t k = std::min(count, size_t(624) - pos);
            for (size_t i = 0; i < k; ++i) out[i] = uniform_of(mt[pos + i]);
            pos += k;
            out += k;
            count -= k;
        }
    }
};

/* sin and cos of x in [0, 2 pi] on a vector of floats: q = x 2/pi rounded,
 * r = x - q pi/2 in three parts (Cephes' DP1-DP3, doubled: exact products
 * for q <= 4), |r| <= pi/4, Cephes' sinf and cosf polynomials in r, then
 * swapped and negated by the quadrant q mod 4. */
template <typename V>
inline void sincos_vec(V x, V &s, V &c) {
    typedef int32_t VI __attribute__((vector_size(sizeof(V))));
    const V zero = V{} * 0.0f;
    const V big = zero + 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    const V t = x * 0.636619772367581343f + big;
    const VI q = (VI)t - (VI)big;
    const V qf = t - big;
    const V r = ((x - qf * 1.5703125f) - qf * 4.837512969970703125e-4f) -
                qf * 7.54978995489188216e-8f;
    const V z = r * r;
    V ps = z * -1.9515295891e-4f + 8.3321608736e-3f;
    ps = ps * z - 1.6666654611e-1f;
    const V sr = r + r * z * ps;
    V pc = z * 2.443315711809948e-5f - 1.388731625493765e-3f;
    pc = pc * z + 4.166664568298827e-2f;
    const V cr = (1.0f - 0.5f * z) + z * z * pc;
    const VI odd = (q & 1) != 0;
    const V sin_r = odd ? cr : sr, cos_r = odd ? sr : cr;
    s = ((q & 2) != 0) ? zero - sin_r : sin_r;
    c = (((q + 1) & 2) != 0) ? zero - cos_r : cos_r;
}

/* normal_fill_16 on blocks of 16 uniforms at a (in place), `blocks` of them.
 * (A template, so that the one-lane build never instantiates the vector code.) */
template <typename T = float>
inline void box_muller_blocks(T *a, size_t blocks) {
    if constexpr (Lanes<T>::L > 1 && 8 % Lanes<T>::L == 0) {
        using V = typename Lanes<T>::V;
        constexpr size_t L = Lanes<T>::L;
        const float two_pi = static_cast<float>(2.0 * 3.14159265358979323846);
        for (size_t b = 0; b < blocks; ++b) {
            float *p = a + 16 * b;
            for (size_t j = 0; j < 8; j += L) {
                V u, w;
                std::memcpy(&u, p + j, sizeof(V));
                std::memcpy(&w, p + 8 + j, sizeof(V));
                /* 1 - u: in [2^-24, 1], a normal float (ln_vec's quick path) */
                const V minus_two_ln = -2.0f * ln_vec<false>(1.0f - u);
                float root[L]; /* (a loop the compiler makes one vector square root) */
                std::memcpy(root, &minus_two_ln, sizeof(V));
                for (size_t l = 0; l < L; ++l) root[l] = std::sqrt(root[l]);
                V radius;
                std::memcpy(&radius, root, sizeof(V));
                V s, c;
                sincos_vec(two_pi * w, s, c);
                /* (+ 0: torch's fused multiply-add by std 1 and mean 0 makes -0 +0) */
                const V x = radius * c + 0.0f, y = radius * s + 0.0f;
                std::memcpy(p + j, &x, sizeof(V));
                std::memcpy(p + 8 + j, &y, sizeof(V));
            }
        }
    } else {
        const float two_pi = static_cast<float>(2.0 * 3.14159265358979323846);
        for (size_t b = 0; b < blocks; ++b) {
            float *p = a + 16 * b;
            for (size_t j = 0; j < 8; ++j) {
                const float radius = std::sqrt(-2.0f * std::log(1.0f - p[j]));
                const float theta = two_pi * p[8 + j];
                p[j] = radius * std::cos(theta) + 0.0f;
                p[8 + j] = radius * std::sin(theta) + 0.0f;
            }
        }
    }
}

inline void torch_randn(uint32_t seed, size_t n, float *out) {
    Mt19937 gen(seed);
    gen.uniforms(out, n);
    box_muller_blocks(out, n / 16);
    if (n % 16) {
        float tail[16];
        gen.uniforms(tail, 16);
        box_muller_blocks(tail, 1);
        if (n >= 16)
            std::memcpy(out + n - 16, tail, sizeof(tail));
        else
            std::memcpy(out, tail, n * sizeof(float));
    }
}
