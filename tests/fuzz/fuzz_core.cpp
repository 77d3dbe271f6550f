// libFuzzer harness for the C ABI (csrc/fastmel.h).
//
// The fuzz input is read as every field of every stage struct of fm_options
// (framing, condition, spectrum, bank, log, floor, post, kernel), with raw
// doubles that may be NaN, Inf, zero, negative or denormal and raw 64-bit
// sizes and signed offsets; then the tables (a window that may be NULL, bands
// that may point outside the spectrum, band weights, a post matrix); then the
// input (rows, strides of any sign, per-row lengths that may be NULL, within
// n_samples or beyond it, frame_index0) and a signal of raw floats. Every
// buffer has exactly the size the ABI promises (the output is
// n_rows x fm_num_features x fm_num_frames elements), so AddressSanitizer
// catches any access outside it. Findings (abort) are a sanitizer report and:
//   - fm_plan_create returning anything but FM_OK / FM_ERR_INVALID /
//     FM_ERR_UNSUPPORTED, or setting *out on failure;
//   - fm_plan_create accepting options that the header's stated ranges forbid,
//     or refusing options that are within them (all values finite, sizes
//     moderate);
//   - fm_num_frames / fm_num_features differing from the header's formulas;
//   - fm_compute on an accepted plan returning anything but FM_OK on valid input,
//     or anything but FM_ERR_INVALID on invalid input (n_samples 0, a length
//     above n_samples, whether or not there are frames to write);
//   - output that differs between 1 and 3 threads (memcmp, so NaN-safe; the two
//     buffers are pre-filled with different bytes, so an element that is never
//     written also differs);
//   - with per-row lengths, a row that differs from that row computed alone as a
//     signal of its own length (frames past its own count: post.fill), where
//     that is promised (no global floor; no dither or row 0).
// Sizes are bounded (frame length <= 4096, FFT length <= 8192, rows <= 4, samples <= 4000,
// bounded work per call) so that each execution is fast.
// Build and run: tests/fuzz/run.sh (see tests/fuzz/README.md).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <vector>

#include "fastmel.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Reader {
    const uint8_t *p;
    size_t n;
    template <typename T>
    T get() {  // zeros once the input is used up
        T v{};
        const size_t k = n < sizeof(T) ? n : sizeof(T);
        std::memcpy(&v, p, k);
        p += k;
        n -= k;
        return v;
    }
    uint8_t u8() { return get<uint8_t>(); }
    uint16_t u16() { return get<uint16_t>(); }
    uint64_t u64() { return get<uint64_t>(); }
};

// An array of exactly n elements on the heap (new T[0] for n == 0), so that
// AddressSanitizer sees the ABI's promised size.
template <typename T>
struct Exact {
    std::unique_ptr<T[]> a;
    size_t n;
    explicit Exact(size_t k) : a(new T[k]()), n(k) {}
    T *data() { return a.get(); }
    T &operator[](size_t i) { return a[i]; }
};

// Mostly a common value, sometimes a special one (NaN, +-Inf, zero, negative,
// huge, denormal), sometimes any 8 bytes.
const double kSpecial[12] = {kNaN, kInf, -kInf, 0.0, -0.0, -1.0, 1e300, -1e300, 1e-300,
                             5e-324, 1e-45, 3.5e38};
double pick(Reader &r, std::initializer_list<double> common) {
    const uint8_t sel = r.u8();
    if (sel < 232) return common.begin()[sel % common.size()];
    if (sel < 244) return kSpecial[sel - 232];
    return r.get<double>();
}

// An enum field: mostly one of `count` valid values, sometimes any small int.
int pick_enum(Reader &r, int count) {
    const uint8_t sel = r.u8();
    if (sel < 240) return sel % count;
    return static_cast<int8_t>(r.u8());
}

// A raw 64-bit value scaled down by a fuzzed shift: any magnitude up to 2^64.
uint64_t raw_size(Reader &r) { return r.u64() >> (r.u8() % 64); }

void fail(const char *what) {
    std::fprintf(stderr, "fuzz_core: %s\n", what);
    std::abort();
}

bool finite_all(const double *a, size_t n) {
    if (!a) return true;
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(a[i])) return false;
    return true;
}

// What the header's comments state about each field (fields of a stage that
// the configuration does not use are not looked at). `clear` is set when
// every value is also finite and every size moderate, so that a plan within
// the stated ranges must be accepted.
bool header_valid(const fm_options &o, const fm_tables &t, size_t total_len, bool &clear) {
    const fm_framing_opts &f = o.framing;
    const fm_condition_opts &c = o.condition;
    const fm_spectrum_opts &s = o.spectrum;
    const fm_log_opts &l = o.log;
    const fm_floor_opts &fl = o.floor;
    const fm_post_opts &p = o.post;
    const bool energy = c.energy != FM_ENERGY_NONE;
    const size_t big = size_t(1) << 40;
    const ptrdiff_t sbig = ptrdiff_t(1) << 40;
    clear = f.frame_length < big && f.hop < big && f.drop_last < big && f.start > -sbig &&
            f.start < sbig && f.reach > -sbig && f.reach < sbig && std::isfinite(c.dither) &&
            std::isfinite(c.preemphasis) && std::isfinite(s.mag_exp) &&
            std::isfinite(f.signal_preemphasis) && std::isfinite(s.power_floor) &&
            std::isfinite(s.power_offset) && finite_all(t.window, f.frame_length) &&
            finite_all(t.band_weights, total_len) &&
            finite_all(t.post_matrix, p.num_features * o.bank.num_bands) &&
            finite_all(t.post_bias, p.num_features ? p.num_features : o.bank.num_bands);
    if (energy)
        clear = clear && std::isfinite(c.energy_min) && !std::isnan(c.energy_floor) &&
                c.energy_floor != kInf;
    if (l.enabled)
        clear = clear && std::isfinite(l.log_scale) && std::isfinite(l.log_offset) &&
                std::isfinite(l.out_offset) && std::isfinite(l.min_power) &&
                std::isfinite(l.ref_power);
    if (fl.mode != FM_FLOOR_NONE) clear = clear && std::isfinite(fl.range);

    if (f.frame_length < 1 || f.hop < 1) return false;
    if (f.pad_mode != FM_PAD_REFLECT && f.pad_mode != FM_PAD_CONSTANT &&
        f.pad_mode != FM_PAD_SYMMETRIC)
        return false;
    if (!(c.dither >= 0)) return false;
    if (c.energy != FM_ENERGY_NONE && c.energy != FM_ENERGY_RAW && c.energy != FM_ENERGY_WINDOWED)
        return false;
    if (energy && !(c.energy_min > 0)) return false;
    if (s.fft_length < f.frame_length || s.fft_offset > s.fft_length - f.frame_length) return false;
    if (!(s.mag_exp > 0)) return false;
    if (!(s.power_floor >= 0) || !(s.power_offset >= 0)) return false;
    if (o.bank.num_bands < 1 || !t.band_first || !t.band_len) return false;
    const size_t nbins = s.fft_length / 2 + 1;
    for (size_t m = 0; m < o.bank.num_bands; ++m)
        if (t.band_first[m] + t.band_len[m] > nbins) return false;  // both small here
    if (total_len > 0 && !t.band_weights) return false;
    if (l.enabled && (!(l.log_scale > 0) || !(l.log_offset >= 0) || !(l.min_power > 0)))
        return false;
    if (fl.mode != FM_FLOOR_NONE && fl.mode != FM_FLOOR_GLOBAL && fl.mode != FM_FLOOR_PER_ROW)
        return false;
    if (fl.mode != FM_FLOOR_NONE && (!l.enabled || !(fl.range >= 0))) return false;
    if (p.num_features > 0 && !t.post_matrix) return false;
    const size_t k = p.num_features ? p.num_features : o.bank.num_bands;
    if (energy && (p.energy_insert ? p.energy_index > k : p.energy_index >= k)) return false;
    if (p.layout != FM_LAYOUT_BANDS_FRAMES && p.layout != FM_LAYOUT_FRAMES_BANDS) return false;
    const fm_norm_opts &n = o.norm;
    if (n.mode != FM_NORM_NONE && n.mode != FM_NORM_MEAN && n.mode != FM_NORM_MEAN_STD)
        return false;
    if (!(n.eps >= 0) || !std::isfinite(n.eps)) return false;
    if (o.kernel != FM_KERNEL_AUTO && o.kernel != FM_KERNEL_BASELINE && o.kernel != FM_KERNEL_AVX2)
        return false;
    return true;
}

// The header's frame count: 1 + (N - reach) / hop - drop_last when N >= 1 and
// N >= reach, else 0, never negative.
size_t expected_frames(const fm_framing_opts &f, size_t n) {
    if (n == 0) return 0;
    const __int128 d = static_cast<__int128>(n) - f.reach;
    if (d < 0) return 0;
    const __int128 frames = 1 + d / static_cast<__int128>(f.hop);
    return frames > static_cast<__int128>(f.drop_last)
               ? static_cast<size_t>(frames - static_cast<__int128>(f.drop_last))
               : 0;
}

// -DFUZZ_STATS: count outcomes and print them at exit (to see what a corpus
// reaches: python-free `fuzz_core -runs=0 CORPUS`).
#ifdef FUZZ_STATS
struct Stats {
    size_t runs = 0, accepted = 0, computed = 0, frames = 0, lengths = 0, alone = 0;
    size_t energy = 0, dither = 0, floor = 0, post = 0, frames_major = 0, f64 = 0;
    size_t avx2 = 0, invalid_input = 0, skipped = 0, conditioned = 0, alone_floor = 0;
    size_t rows_apart = 0, float32_samples = 0;
    ~Stats() {
        std::fprintf(stderr,
                     "stats: runs %zu accepted %zu computed %zu with-frames %zu lengths %zu "
                     "alone-checked %zu energy %zu dither %zu floor %zu post %zu "
                     "frames-major %zu f64 %zu avx2 %zu invalid-input %zu skipped %zu "
                     "conditioned %zu alone-with-row-floor %zu rows-apart %zu float32-samples %zu\n",
                     runs, accepted, computed, frames, lengths, alone, energy, dither, floor,
                     post, frames_major, f64, avx2, invalid_input, skipped, conditioned, alone_floor,
                     rows_apart, float32_samples);
    }
} g_stats;
#define STAT(x) (++g_stats.x)
#else
#define STAT(x) ((void)0)
#endif

int never_interrupt(void *ctx) {
    ++*static_cast<int *>(ctx);
    return 0;
}
int always_interrupt(void *) { return 1; }

// The stages along frames (fm_frames_*: PCEN, sliding CMVN, deltas), for
// inputs that start with 0xFE: options of any value (validity as the header
// states it), features of raw floats, per-row lengths, a PCEN state; the
// output and the state of 1 and 3 threads equal, each row of a padded batch
// equal to the row alone.
int fuzz_frames(Reader &r) {
    fm_frames_opts o;
    std::memset(&o, 0, sizeof o);
    o.num_features = r.u8() % 41;  // 0: INVALID
    o.layout = pick_enum(r, 2);
    fm_delta_opts &d = o.delta;
    d.order = r.u8() % 10;  // 9: INVALID
    {
        const uint8_t sel = r.u8();
        d.width = sel < 250 ? 1 + 2 * (sel % 8) : sel == 250 ? 4 : sel == 251 ? 0 : 4097;
    }
    d.edge = pick_enum(r, 6);
    d.recursive = r.u8() & 1;
    o.fill = pick(r, {0.0, -1.0, kNaN});
    o.kernel = pick_enum(r, 3);
    fm_pcen_opts &pc = o.pcen;
    pc.enabled = r.u8() < 128;
    pc.smooth = pick(r, {0.0564, 1.0, 0.025, 0.0, 1.5, kNaN});
    pc.initial = pick(r, {0.9436, 0.0, 1.0, kInf});
    pc.gain = pick(r, {0.98, 0.0, 0.8, -1.0});
    pc.bias = pick(r, {2.0, 0.0, 10.0, kNaN});
    pc.power = pick(r, {0.5, 0.0, 0.25, 1.0, -0.5});
    pc.eps = pick(r, {1e-6, 1e-3, 0.0, kInf});
    fm_cmvn_opts &cm = o.cmvn;
    cm.enabled = r.u8() < 96;
    cm.window = r.u8() % 40;  // 0: INVALID
    cm.min_window = r.u8() % 50;
    cm.center = r.u8() & 1;
    cm.norm_vars = r.u8() & 1;
    fm_stack_opts &sk = o.stack;
    sk.size = r.u8() < 200 ? 0 : r.u8() % 10;
    sk.step = r.u8() % 8;  // 0 with a size: INVALID
    sk.left = r.u8() % 12;
    const fm_dtype dtype = (r.u8() & 1) ? FM_FLOAT64 : FM_FLOAT32;
    const size_t rows_f = d.order == 0 ? 0 : (d.recursive ? 1 : d.order) * d.width;
    Exact<double> filters(rows_f);
    for (size_t i = 0; i < rows_f; ++i) {
        const uint8_t b = r.u8();
        filters[i] = b < 250 ? (static_cast<int>(b) - 128) / 32.0 : kSpecial[b % 12];
    }
    fm_frames_tables t;
    t.delta_filters = (rows_f && !(r.u8() == 0xF7)) ? filters.data() : nullptr;
    bool valid = o.num_features >= 1 && o.layout >= 0 && o.layout <= 1 &&
                 o.kernel >= 0 && o.kernel <= 2 && d.order <= 8;
    if (cm.enabled) valid = valid && cm.window >= 1;
    if (sk.size > 0) valid = valid && sk.step >= 1;
    if (pc.enabled)
        valid = valid && pc.smooth > 0 && pc.smooth <= 1 && std::isfinite(pc.initial) &&
                pc.gain >= 0 && std::isfinite(pc.gain) && pc.bias >= 0 &&
                std::isfinite(pc.bias) && pc.power >= 0 && std::isfinite(pc.power) &&
                pc.eps > 0 && std::isfinite(pc.eps);
    if (d.order > 0) {
        valid = valid && d.width % 2 == 1 && d.width <= 4095 && d.edge >= 0 && d.edge <= 5 &&
                !(d.edge == FM_EDGE_INTERP && d.recursive) && t.delta_filters &&
                finite_all(t.delta_filters, rows_f);
    }
    fm_frames_plan *plan = nullptr;
    const fm_status st = fm_frames_create(&o, &t, dtype, &plan);
    if (st != FM_OK) {
        if (st != FM_ERR_INVALID && st != FM_ERR_UNSUPPORTED) fail("unexpected frames status");
        if (plan) fail("frames plan set on failure");
        if (valid && st == FM_ERR_INVALID) fail("frames plan refused valid options");
        return 0;
    }
    if (!valid) fail("frames plan accepted invalid options");
    const size_t K = o.num_features, Ko = fm_frames_out_features(plan);
    if (Ko != K * (1 + d.order) * (sk.size > 0 ? sk.size : 1))
        fail("fm_frames_out_features differs from the header");
    const size_t rows = r.u8() % 4, F = r.u16() % 300, item = dtype == FM_FLOAT32 ? 4 : 8;
    const size_t step = sk.size > 0 ? sk.step : 1, Fo = F / step + (F % step ? 1 : 0);
    if (fm_frames_out_frames(plan, F) != Fo) fail("fm_frames_out_frames differs from the header");
    Exact<unsigned char> in(rows * K * F * item);
    for (size_t i = 0; i < rows * K * F; ++i) {
        const uint8_t b = r.u8();
        const double v = b < 250 ? (static_cast<int>(b) - 128) / 16.0 : kSpecial[b % 12];
        if (dtype == FM_FLOAT32) {
            const float fv = static_cast<float>(v);
            std::memcpy(&in[i * item], &fv, item);
        } else {
            std::memcpy(&in[i * item], &v, item);
        }
    }
    Exact<size_t> lengths(rows);
    const bool use_lengths = r.u8() & 1;
    for (size_t i = 0; i < rows; ++i) lengths[i] = r.u16() % (F + 2);  // F + 1: INVALID
    bool call_valid = true;
    const bool interp = d.order > 0 && d.edge == FM_EDGE_INTERP;
    for (size_t i = 0; i < rows; ++i) {
        const size_t n = use_lengths ? lengths[i] : F;
        if (n > F || (interp && n > 0 && n < d.width)) call_valid = false;
    }
    const size_t out_n = rows * Ko * Fo * item;
    Exact<unsigned char> out1(out_n), out3(out_n);
    std::memset(out1.data(), 0x11, out_n);
    std::memset(out3.data(), 0x77, out_n);
    const size_t *lp = use_lengths ? lengths.data() : nullptr;
    // A PCEN state in (from the input's bytes) and out, the same for both thread counts.
    const bool use_state = r.u8() & 1, state_in = r.u8() & 1;
    Exact<double> state1(rows * K), state3(rows * K);
    for (size_t i = 0; i < rows * K; ++i) state1[i] = state3[i] = r.u8() / 64.0;
    double *sp1 = use_state ? state1.data() : nullptr, *sp3 = use_state ? state3.data() : nullptr;
    const fm_status s1 =
        fm_frames_compute(plan, in.data(), out1.data(), rows, F, lp, sp1, state_in, 1, nullptr, nullptr);
    const fm_status s3 =
        fm_frames_compute(plan, in.data(), out3.data(), rows, F, lp, sp3, state_in, 3, nullptr, nullptr);
    if (s1 != s3) fail("frames status depends on the thread count");
    if (s1 == FM_OK && use_state && std::memcmp(state1.data(), state3.data(), rows * K * 8) != 0)
        fail("the PCEN state depends on the thread count");
    if (call_valid && s1 != FM_OK) fail("frames compute refused a valid call");
    if (!call_valid && s1 != FM_ERR_INVALID) fail("frames compute accepted an invalid call");
    if (s1 == FM_OK && rows && F && std::memcmp(out1.data(), out3.data(), out_n) != 0)
        fail("frames output depends on the thread count");
    if (s1 == FM_OK && use_lengths && !use_state) {
        // each row alone, as a sequence of its own length
        for (size_t i = 0; i < rows; ++i) {
            const size_t n = lengths[i];
            if (n == 0) continue;
            const size_t no = n / step + (n % step ? 1 : 0);
            Exact<unsigned char> one(K * n * item), alone(Ko * no * item);
            const bool fm = o.layout == FM_LAYOUT_FRAMES_BANDS;
            for (size_t k = 0; k < K; ++k)
                for (size_t tt = 0; tt < n; ++tt)
                    std::memcpy(&one[(fm ? tt * K + k : k * n + tt) * item],
                                &in[(i * K * F + (fm ? tt * K + k : k * F + tt)) * item], item);
            if (fm_frames_compute(plan, one.data(), alone.data(), 1, n, nullptr, nullptr, 0, 1,
                                  nullptr, nullptr) != FM_OK)
                fail("a row alone was refused");
            for (size_t k = 0; k < Ko; ++k)
                for (size_t tt = 0; tt < no; ++tt)
                    if (std::memcmp(&alone[(fm ? tt * Ko + k : k * no + tt) * item],
                                    &out1[(i * Ko * Fo + (fm ? tt * Ko + k : k * Fo + tt)) * item],
                                    item) != 0)
                        fail("a row of a padded batch differs from the row alone");
        }
    }
    fm_frames_destroy(plan);
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Reader r{data, size};
    STAT(runs);
    if (size > 0 && data[0] == 0xFE) {
        r.u8();
        return fuzz_frames(r);
    }
    fm_options o;
    std::memset(&o, 0, sizeof o);

    // ---- framing and spectrum sizes ----
    fm_framing_opts &f = o.framing;
    fm_spectrum_opts &s = o.spectrum;
    {
        const uint8_t sel = r.u8();
        f.frame_length = sel == 255 ? 0 : sel < 176 ? 1 + r.u8() % 64 : 1 + r.u16() % 4096;
    }
    const size_t W = f.frame_length;
    {
        const uint8_t sel = r.u8();
        size_t n;
        switch (sel % 8) {
            case 0: n = W; break;
            case 1: n = 1; while (n < W) n *= 2; break;
            case 2: n = 1; while (n < W) n *= 2; n *= 2; break;
            case 7: n = r.u16() % 4097; break;  // may be < W: INVALID
            default: n = W + r.u8() % 64; break;
        }
        s.fft_length = n;
    }
    const size_t n = s.fft_length, nbins = n / 2 + 1, slack = n >= W ? n - W : 0;
    {
        const uint8_t sel = r.u8();
        f.hop = sel < 200 ? 1 + r.u8() % 64 : sel < 246 ? 1 + r.u16() % 4096
              : sel < 250 ? 0 : raw_size(r);
    }
    {
        const uint8_t sel = r.u8();
        const ptrdiff_t N2 = static_cast<ptrdiff_t>(n / 2);
        switch (sel % 8) {
            case 0: f.start = 0; break;
            case 1: f.start = -N2; break;
            case 2: f.start = static_cast<ptrdiff_t>(slack / 2) - N2; break;  // Keras centred
            case 3: f.start = -static_cast<ptrdiff_t>(W / 2); break;
            case 4: f.start = r.get<int16_t>(); break;
            case 5: f.start = static_cast<ptrdiff_t>(raw_size(r)); break;  // any sign
            default: f.start = r.get<int8_t>(); break;
        }
    }
    {
        const uint8_t sel = r.u8();
        const ptrdiff_t hop = static_cast<ptrdiff_t>(f.hop < (1u << 30) ? f.hop : 1u << 30);
        switch (sel % 8) {
            case 0: f.reach = static_cast<ptrdiff_t>(W); break;             // snip_edges
            case 1: f.reach = static_cast<ptrdiff_t>(n); break;             // uncentred
            case 2: f.reach = static_cast<ptrdiff_t>(n - 2 * (n / 2)); break;  // centred
            case 3: f.reach = hop - hop / 2; break;                         // Kaldi
            case 4: f.reach = r.get<int16_t>(); break;
            case 5: f.reach = static_cast<ptrdiff_t>(raw_size(r)); break;
            case 6: f.reach = 0; break;
            default: f.reach = static_cast<ptrdiff_t>(W) + r.get<int8_t>(); break;
        }
    }
    {
        const uint8_t sel = r.u8();
        f.drop_last = sel < 160 ? 0 : sel < 240 ? sel % 3 : raw_size(r);
    }
    f.pad_mode = pick_enum(r, 3);
    f.signal_preemphasis = r.u8() < 176 ? 0.0 : pick(r, {0.97, 1.0, 0.5, -0.97, 2.0, kNaN});
    {
        const uint8_t sel = r.u8();
        s.fft_offset = sel % 4 == 0 ? 0 : sel % 4 == 1 ? slack / 2 : sel % 4 == 2 ? slack
                     : r.u16() % (slack + 2);  // slack + 1: INVALID
    }
    s.mag_exp = pick(r, {2.0, 1.0, 0.5, 3.0, 1.5, 2.5, 1e-3});
    s.power_floor = r.u8() < 192 ? 0.0 : pick(r, {1e-10, 1e-300, 1.0, -1e-9, kInf});
    s.power_offset = r.u8() < 192 ? 0.0 : pick(r, {1e-9, 1e-300, 1.0, -1e-9, kNaN});

    // ---- conditioning ----
    fm_condition_opts &c = o.condition;
    c.dither = r.u8() < 176 ? 0.0 : pick(r, {1.0, 1e-3, 0.1, 4.0});
    c.dither_seed = r.u64();
    {
        const uint8_t sel = r.u8();
        c.remove_dc = sel < 128 ? 0 : sel < 250 ? 1 : static_cast<int8_t>(r.u8());
    }
    c.preemphasis = r.u8() < 144 ? 0.0 : pick(r, {0.97, 1.0, 0.5, -0.97, 2.0});
    {
        const uint8_t sel = r.u8();
        c.energy = sel < 128 ? FM_ENERGY_NONE : sel < 250 ? 1 + sel % 2
                 : static_cast<int8_t>(r.u8());
    }
    c.energy_min = pick(r, {1.1920928955078125e-07, 1e-10, 1.0, 1e-30, 1e-320});
    c.energy_floor = pick(r, {-kInf, 0.0, 1.0, -10.0, 1e10});

    // ---- bank, log, floor, post, kernel ----
    {
        const uint8_t sel = r.u8();
        o.bank.num_bands = sel == 255 ? 0 : 1 + r.u8() % 64;
    }
    const size_t nb = o.bank.num_bands;
    fm_log_opts &l = o.log;
    {
        const uint8_t sel = r.u8();
        l.enabled = sel < 96 ? 0 : sel < 250 ? 1 : static_cast<int8_t>(r.u8());
    }
    l.log_scale = pick(r, {10.0, 2.302585092994046, 0.25, 1.0, 20.0});
    l.log_offset = pick(r, {0.0, 0.0, 1e-6, 1.0});
    l.out_offset = pick(r, {0.0, 1.0, -100.0, 4.0});
    l.min_power = pick(r, {1e-10, 1e-6, 1e-30, 1e-45, 1.0, 1e-300});
    l.ref_power = pick(r, {1.0, 0.01, -2.0, 0.0, 1e6});
    {
        const uint8_t sel = r.u8();
        if (l.enabled || sel >= 232) o.floor.mode = pick_enum(r, 3);
        else o.floor.mode = FM_FLOOR_NONE;
    }
    o.floor.range = pick(r, {80.0, 0.0, 8.0, 30.0, 120.0, 1e-3});
    fm_post_opts &p = o.post;
    {
        const uint8_t sel = r.u8();
        p.num_features = sel < 160 ? 0 : 1 + r.u8() % 40;
    }
    const size_t K = p.num_features;
    p.energy_insert = r.u8() & 1;
    {
        const uint8_t sel = r.u8();
        const size_t k = K ? K : nb;
        p.energy_index = sel < 128 ? 0 : sel < 248 ? r.u8() % (k + 2) : raw_size(r);
    }
    p.layout = pick_enum(r, 2);
    p.fill = pick(r, {0.0, kNaN, -100.0, 1e30, -kInf});
    {
        const uint8_t sel = r.u8();
        o.norm.mode = sel < 160 ? FM_NORM_NONE : pick_enum(r, 3);
    }
    o.norm.ddof = r.u8() % 4;
    o.norm.eps = pick(r, {0.0, 1e-5, 1e-7, -1.0, kNaN, kInf});
    o.norm.eps_in_sqrt = r.u8() & 1;
    o.kernel = pick_enum(r, 3);
    const fm_dtype dtype = (r.u8() & 1) ? FM_FLOAT64 : FM_FLOAT32;

    // ---- tables ----
    fm_tables t;
    std::memset(&t, 0, sizeof t);
    const uint8_t table_flags = r.u8();  // rare NULL tables: INVALID
    std::unique_ptr<Exact<double>> window;
    {
        const uint8_t mode = r.u8() % 8;
        if (mode >= 2) {
            window.reset(new Exact<double>(W));
            const size_t zeros = r.u8() % (W / 2 + 1);
            for (size_t k = 0; k < W; ++k) {
                double v;
                switch (mode) {
                    case 2: case 3: v = 0.5 - 0.5 * std::cos(2 * M_PI * k / W); break;
                    case 4: v = (k < zeros || k >= W - zeros) ? 0.0
                              : 0.54 - 0.46 * std::cos(2 * M_PI * k / W); break;
                    case 5: v = r.get<double>(); break;  // anything, NaN included: INVALID
                    case 6: v = 0.0; break;
                    default: v = (static_cast<int>(r.u8()) - 128) / 64.0; break;
                }
                (*window)[k] = v;
            }
            t.window = window->data();
        }
    }
    Exact<size_t> first(nb), len(nb);
    size_t total = 0;
    {
        const uint8_t mode = r.u8() % 4;
        for (size_t m = 0; m < nb; ++m) {
            if (mode == 0) {  // spread triangles, as a filter bank
                const size_t lo = m * nbins / (nb + 1), hi = (m + 2) * nbins / (nb + 1);
                first[m] = lo;
                len[m] = hi > lo ? hi - lo : 0;
            } else if (mode == 3) {  // anywhere, may be out of range: INVALID
                first[m] = r.u16() % (nbins + 3);
                len[m] = r.u8();
            } else {  // within the spectrum, any width including 0 and the whole
                const size_t fm = r.u16() % (nbins + 1);
                first[m] = fm;
                len[m] = (mode == 2 ? r.u16() : r.u8()) % (nbins - fm + 1);
            }
            total += len[m];
        }
    }
    Exact<double> weights(total);
    {
        const bool synthetic = r.u8() & 1;
        size_t i = 0;
        for (size_t m = 0; m < nb; ++m)
            for (size_t j = 0; j < len[m]; ++j, ++i) {
                if (synthetic) {
                    const double h = len[m] / 2.0 + 1.0;
                    weights[i] = 1.0 - std::fabs(j - len[m] / 2.0) / h;
                    continue;
                }
                const uint8_t b = r.u8();
                weights[i] = b < 240 ? b / 239.0 : b < 252 ? kSpecial[b - 240] : r.get<double>();
            }
    }
    Exact<double> matrix(K * nb);
    {
        const bool dct = r.u8() & 1;
        for (size_t k = 0; k < K; ++k)
            for (size_t m = 0; m < nb; ++m) {
                double v;
                if (dct) {
                    v = std::cos(M_PI * k * (m + 0.5) / nb) * std::sqrt(2.0 / nb);
                } else {
                    const uint8_t b = r.u8();
                    v = b < 255 ? (static_cast<int>(b) - 128) / 64.0 : r.get<double>();
                }
                matrix[k * nb + m] = v;
            }
    }
    t.band_first = table_flags == 0xF1 ? nullptr : first.data();
    t.band_len = table_flags == 0xF2 ? nullptr : len.data();
    // NULL weights: valid when no band has a bin, else INVALID.
    t.band_weights = table_flags == 0xF3 || (total == 0 && (table_flags & 1))
                         ? nullptr : weights.data();
    t.post_matrix = K == 0 || table_flags == 0xF4 ? nullptr : matrix.data();
    // A bias on the features (one per matrix row, or per band): rare NaN: INVALID.
    Exact<double> bias(K ? K : nb);
    if (r.u8() >= 200) {
        for (size_t k = 0; k < bias.n; ++k) {
            const uint8_t b = r.u8();
            bias[k] = b < 250 ? (static_cast<int>(b) - 128) / 8.0 : kSpecial[b % 12];
        }
        t.post_bias = bias.data();
    }

    // ---- the plan ----
    bool clear = false;
    const bool valid = header_valid(o, t, total, clear);
    fm_plan *plan = nullptr;
    const fm_status st = fm_plan_create(&o, &t, dtype, &plan);
    if (st != FM_OK) {
        if (st != FM_ERR_INVALID && st != FM_ERR_UNSUPPORTED) fail("unexpected plan status");
        if (plan) fail("plan set on failure");
        if (st == FM_ERR_UNSUPPORTED && !(valid && o.kernel == FM_KERNEL_AVX2 &&
                                          !fm_kernel_available(FM_KERNEL_AVX2)))
            fail("FM_ERR_UNSUPPORTED for a kernel that is available");
        if (valid && clear && st == FM_ERR_INVALID)
            fail("plan refused options within the header's ranges");
        return 0;
    }
    if (!valid) fail("plan accepted options outside the header's ranges");
    STAT(accepted);
    if (fm_plan_lanes(plan) < 1 || !fm_plan_isa(plan)) fail("bad lanes or isa");
    const bool energy = c.energy != FM_ENERGY_NONE;
    const size_t Kp = (K ? K : nb) + (energy && p.energy_insert ? 1 : 0);
    if (fm_num_features(plan) != Kp) fail("fm_num_features differs from the header");

    // ---- the input ----
    const size_t rows = [&] {
        const uint8_t b = r.u8();
        return b % 16 == 0 ? size_t(0) : 1 + size_t(b % 4);
    }();
    const size_t N = [&] {
        const uint8_t sel = r.u8();
        if (sel == 255) return size_t(0);  // INVALID
        if (sel >= 240) return size_t(1 + sel % 3);
        return sel < 128 ? 1 + size_t(r.u8() % 64) : 1 + size_t(r.u16() % 4000);
    }();
    static const ptrdiff_t kSampleStrides[8] = {1, 1, 1, 2, -1, -3, 0, 1};
    const ptrdiff_t ss = kSampleStrides[r.u8() % 8];
    const ptrdiff_t span = N ? static_cast<ptrdiff_t>(N - 1) * (ss < 0 ? -ss : ss) + 1 : 1;
    ptrdiff_t rs;
    switch (r.u8() % 4) {
        case 0: rs = span; break;
        case 1: rs = -span; break;  // rows in reverse
        case 2: rs = 0; break;      // every row the same samples
        default: rs = span + r.u8() % 5; break;
    }
    // Offsets of elements [r, j] relative to element [0, 0], and the buffer that
    // holds exactly the range they span.
    const ptrdiff_t rlast = rows ? static_cast<ptrdiff_t>(rows - 1) * rs : 0;
    const ptrdiff_t jlast = N ? static_cast<ptrdiff_t>(N - 1) * ss : 0;
    const ptrdiff_t lo = (rlast < 0 ? rlast : 0) + (jlast < 0 ? jlast : 0);
    const ptrdiff_t hi = (rlast > 0 ? rlast : 0) + (jlast > 0 ? jlast : 0);
    const size_t count = static_cast<size_t>(hi - lo + 1);
    const size_t item = dtype == FM_FLOAT32 ? sizeof(float) : sizeof(double);
    Exact<unsigned char> xbuf(count * item);
    {
        const uint8_t kind = r.u8() % 8;
        const double amp = kind == 3 ? pick(r, {1.0, 1e-20, 1e20, 0.0}) : 1.0;
        for (size_t i = 0; i < count; ++i) {
            double v;
            if (kind == 4) v = 0.0;                              // silence
            else if (kind == 5 && dtype == FM_FLOAT64 && r.n) v = r.get<double>();
            else if (kind <= 2 && r.n) v = r.get<float>();       // NaN, Inf, denormals
            else v = amp * std::sin(0.1 * i + 0.01 * i * i / count);
            if (dtype == FM_FLOAT32) {
                const float fv = static_cast<float>(v);
                std::memcpy(&xbuf[i * item], &fv, item);
            } else {
                std::memcpy(&xbuf[i * item], &v, item);
            }
        }
    }
    const unsigned char *x0 = xbuf.data() + static_cast<size_t>(-lo) * item;

    std::unique_ptr<Exact<size_t>> lengths;
    bool lengths_invalid = false;
    {
        const uint8_t mode = r.u8() % 4;
        if (mode >= 2) {
            lengths.reset(new Exact<size_t>(rows));
            for (size_t i = 0; i < rows; ++i) {
                const uint8_t b = r.u8();
                (*lengths)[i] = b < 64 ? N : r.u16() % (N + 1);
            }
            if (mode == 3 && rows) {  // one row too long: INVALID
                (*lengths)[r.u8() % rows] = N + 1 + r.u8();
                lengths_invalid = true;
            }
        }
    }
    const uint64_t index0 = r.u8() < 128 ? 0 : r.u64();
    const uint8_t interrupt_mode = r.u8() % 8;

    // ---- frame counts ----
    const size_t F = fm_num_frames(plan, N);
    if (F != expected_frames(f, N)) fail("fm_num_frames differs from the header's formula");
    if (lengths)
        for (size_t i = 0; i < rows; ++i)
            if (fm_num_frames(plan, (*lengths)[i]) != expected_frames(f, (*lengths)[i]))
                fail("fm_num_frames differs from the header's formula (a row's length)");

    // Bounded work per execution: skip the calls whose output or work is large.
    const double elements = static_cast<double>(rows) * Kp * F;
    const double work = static_cast<double>(rows) * (F + 8.0) *
                        (n + W + total + static_cast<double>(K + 1) * nb + Kp);
    if (elements > (1 << 21) || work > (1 << 22)) {
        STAT(skipped);
        fm_plan_destroy(plan);
        return 0;
    }

    fm_input in;
    std::memset(&in, 0, sizeof in);
    in.data = x0;
    in.n_rows = rows;
    in.row_stride = rs;
    in.sample_stride = ss;
    in.n_samples = N;
    in.lengths = lengths ? lengths->data() : nullptr;
    in.frame_index0 = index0;

    // Expected status: INVALID for invalid input, even with nothing to write.
    const bool input_invalid = N == 0 || lengths_invalid;
    auto check_status = [&](fm_status got, const char *what) {
        if (got == FM_OK && !input_invalid) return true;
        if (got == FM_ERR_INVALID && input_invalid) return false;
        std::fprintf(stderr, "fuzz_core: status %d (%s), input %s\n", got,
                     fm_status_message(got), input_invalid ? "invalid" : "valid");
        fail(what);
        return false;
    };

    const size_t out_bytes = rows * Kp * F * item;
    Exact<unsigned char> out1(out_bytes), out3(out_bytes);
    std::memset(out1.data(), 0xA5, out_bytes);
    std::memset(out3.data(), 0x5A, out_bytes);
    int calls = 0;
    const fm_status s1 = fm_compute(plan, &in, out1.data(), 1,
                                    interrupt_mode == 1 ? never_interrupt : nullptr, &calls);
    const bool ok = check_status(s1, "compute status (1 thread)");
    STAT(computed);
    if (input_invalid) STAT(invalid_input);
    if (ok && rows && F) {
        STAT(frames);
        if (lengths) STAT(lengths);
        if (energy) STAT(energy);
        if (c.dither > 0) STAT(dither);
        if (c.dither > 0 || c.remove_dc || c.preemphasis != 0 || energy) STAT(conditioned);
        if (l.enabled && o.floor.mode != FM_FLOOR_NONE) STAT(floor);
        if (K) STAT(post);
        if (p.layout == FM_LAYOUT_FRAMES_BANDS) STAT(frames_major);
        if (dtype == FM_FLOAT64) STAT(f64);
        if (std::strncmp(fm_plan_isa(plan), "avx2", 4) == 0) STAT(avx2);
    }
    const fm_status s3 = fm_compute(plan, &in, out3.data(), 3, nullptr, nullptr);
    check_status(s3, "compute status (3 threads)");
    if (ok && out_bytes && std::memcmp(out1.data(), out3.data(), out_bytes) != 0)
        fail("1 vs 3 threads differ (or an element was left unwritten)");

    // The same rows given as separate pointers (fm_input.rows): the same bits.
    if (ok && rows && F) {
        std::vector<const void *> starts(rows);
        std::vector<size_t> held(rows, N);
        for (size_t i = 0; i < rows; ++i)
            starts[i] = x0 + static_cast<ptrdiff_t>(i) * rs * static_cast<ptrdiff_t>(item);
        fm_input apart = in;
        apart.data = nullptr;
        apart.row_stride = 0;
        apart.rows = starts.data();
        apart.zero_from = held.data();
        apart.zeros_unstored = 1;
        Exact<unsigned char> outr(out_bytes);
        if (fm_compute(plan, &apart, outr.data(), 2, nullptr, nullptr) != FM_OK)
            fail("compute failed on rows given apart");
        if (std::memcmp(out1.data(), outr.data(), out_bytes) != 0)
            fail("rows given apart differ from the strided rows");
        STAT(rows_apart);
    }

    // A float64 plan given float32 samples (fm_input.samples_float32), in the
    // same layout: the same bits as those samples widened first.
    if (ok && rows && F && dtype == FM_FLOAT64) {
        Exact<float> narrow(count);
        Exact<double> widened(count);
        for (size_t i = 0; i < count; ++i) {
            double v;
            std::memcpy(&v, &xbuf[i * item], sizeof v);
            narrow[i] = static_cast<float>(v);
            widened[i] = static_cast<double>(narrow[i]);
        }
        fm_input in32 = in, in64 = in;
        in32.data = narrow.data() + (-lo);
        in32.samples_float32 = 1;
        in64.data = widened.data() + (-lo);
        Exact<unsigned char> o32(out_bytes), o64(out_bytes);
        if (fm_compute(plan, &in32, o32.data(), 2, nullptr, nullptr) != FM_OK ||
            fm_compute(plan, &in64, o64.data(), 1, nullptr, nullptr) != FM_OK)
            fail("compute failed on float32 samples or their widened copy");
        if (std::memcmp(o32.data(), o64.data(), out_bytes) != 0)
            fail("float32 samples differ from the same samples widened first");
        STAT(float32_samples);
    }

    if (interrupt_mode == 2) {  // an interrupt that always asks to stop
        Exact<unsigned char> outi(out_bytes);
        const fm_status si = fm_compute(plan, &in, outi.data(), 3, always_interrupt, nullptr);
        // Stopping is fine on valid input; invalid input is refused before any work.
        if (si != FM_ERR_INTERRUPTED || input_invalid) check_status(si, "compute status (interrupt)");
    }

    // Per-row lengths: each row as a signal of its own length, alone.
    if (ok && lengths && F > 0 && o.floor.mode != FM_FLOOR_GLOBAL) {
        const bool frames_major = p.layout == FM_LAYOUT_FRAMES_BANDS;
        for (size_t i = 0; i < rows; ++i) {
            if (c.dither > 0 && i != 0) break;  // the noise depends on the row index
            STAT(alone);
            if (l.enabled && o.floor.mode == FM_FLOOR_PER_ROW) STAT(alone_floor);
            const size_t Ni = (*lengths)[i];
            const size_t Fi = Ni ? fm_num_frames(plan, Ni) : 0;
            Exact<unsigned char> alone(Kp * Fi * item);
            if (Fi) {
                fm_input one = in;
                one.data = x0 + static_cast<ptrdiff_t>(i) * rs * static_cast<ptrdiff_t>(item);
                one.n_rows = 1;
                one.n_samples = Ni;
                one.lengths = nullptr;
                if (fm_compute(plan, &one, alone.data(), 1, nullptr, nullptr) != FM_OK)
                    fail("compute failed on a row alone");
            }
            unsigned char fill[sizeof(double)];
            if (dtype == FM_FLOAT32) {
                const float fv = static_cast<float>(p.fill);
                std::memcpy(fill, &fv, item);
            } else {
                std::memcpy(fill, &p.fill, item);
            }
            for (size_t k = 0; k < Kp; ++k)
                for (size_t tt = 0; tt < F; ++tt) {
                    const size_t at = frames_major ? (i * F + tt) * Kp + k : (i * Kp + k) * F + tt;
                    const unsigned char *want =
                        tt < Fi ? &alone[(frames_major ? tt * Kp + k : k * Fi + tt) * item] : fill;
                    if (std::memcmp(&out1[at * item], want, item) != 0) {
                        std::fprintf(stderr, "fuzz_core: row %zu (length %zu of %zu) feature %zu"
                                     " frame %zu (own frames %zu of %zu)\n",
                                     i, Ni, N, k, tt, Fi, F);
                        fail("a row with its own length differs from that row alone");
                    }
                }
        }
    }
    fm_plan_destroy(plan);
    return 0;
}
