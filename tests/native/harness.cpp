/*
 * A C++ test harness for fastmel's core (csrc/), with no Python: it builds a
 * few plans through the C ABI (csrc/fastmel.h), computes them on signals it
 * generates itself, and checks
 *
 *   - that every output is bit-identical for 1, 2 and 3 threads, and
 *   - (--check) that the outputs agree, within the tolerances of
 *     shared/SPEC.md, with a reference file written by another build of the
 *     same harness (--write): tools/aarch64.sh writes it with an x86-64 build
 *     and checks it with an aarch64 (NEON) build run under qemu-user.
 *
 *   harness                      compute every case, check thread identity
 *   harness --write FILE         ... and write the outputs to FILE
 *   harness --check FILE [--lanes N] [--exact]
 *                                ... and compare them with FILE; with
 *                                --lanes, also require fm_plan_lanes() == N
 *                                for float32 plans; with --exact, require
 *                                every value equal (all tolerances 0)
 *
 * Exit status: 0 when every check passed, 1 on a failed check, 2 on a usage
 * or I/O error. Build (tools/aarch64.sh does this, one object per source):
 *
 *   g++ -O2 -std=c++17 -pthread -Icsrc -ffp-contract=off -c tests/native/harness.cpp
 *   g++ -O2 -std=c++17 -pthread -Icsrc -DFASTMEL_POCKETFFT_HEADER='"/path/to/pocketfft.hpp"' \
 *       -c csrc/plan.cpp csrc/pool.cpp csrc/kernel_baseline.cpp
 *   g++ -pthread harness.o plan.o pool.o kernel_baseline.o -o harness
 *
 * (the baseline kernel only: no FASTMEL_HAVE_AVX2, no kernel_avx2.cpp; the
 * -ffp-contract=off of the harness: see below).
 *
 * The reference file: ASCII header lines ending in '\n', each case's values
 * as raw IEEE-754 binary64 in LITTLE-ENDIAN byte order (written and read byte
 * by byte, so the file means the same on a host of either byte order):
 *
 *   fastmel-harness 1
 *   platform <name>
 *   signals <FNV-1a 64 of the input samples, hex>
 *   tables <FNV-1a 64 of the plans' tables, hex>
 *   case <name> <dim0> <dim1> <dim2> <count>
 *   <count x 8 bytes>
 *   ...
 *   end
 */

/* The signals and tables below must come out bit for bit the same on every
 * platform: no fused multiply-add may be formed in this file (GCC forms them
 * by default in C++ where the target has them, aarch64 included, and
 * x86-64's baseline has none). tools/aarch64.sh also passes
 * -ffp-contract=off; the hashes in the reference file show the result. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fastmel.h"

namespace {

#if defined(__aarch64__)
const char *const kPlatform = "aarch64";
#elif defined(__x86_64__)
const char *const kPlatform = "x86-64";
#else
const char *const kPlatform = "other";
#endif

const double kPi = 3.14159265358979323846;
const double kLn10 = 2.30258509299404568402;

/* ---- tolerances (shared/SPEC.md, "How close is 'the same'") ----------------
 * SPEC measured 0.002 dB between two correct float32 implementations and
 * 3e-7 of the largest value for power outputs; tests/reference.py holds
 * float32 to 0.01 dB and 1e-5 of the peak (float64: 1e-8 dB, 1e-11). Log
 * outputs get an absolute tolerance in their own units (0.01 dB converted),
 * linear ones a tolerance relative to each row's peak. */
const double kDbTol32 = 0.01;
const double kDbTol64 = 1e-8;
const double kRelTol32 = 1e-5;
const double kRelTol64 = 1e-11;

/* ---- signals -----------------------------------------------------------------
 * Noise from a 64-bit LCG, turned into floats with integer arithmetic and
 * exact conversions only; chirps and tones from an exactly reduced integer
 * phase and one call of std::sin in double, rounded to float32. The float64
 * cases use the float32 samples widened (exact). */

constexpr size_t kRows = 5;
constexpr size_t kSamples = 24001;  /* 1.5 s at 16 kHz, plus one: an odd length */
constexpr int64_t kRate = 16000;

class Lcg {
    uint64_t state_;

  public:
    explicit Lcg(uint64_t seed) : state_(seed) {}
    /* A signed 24-bit integer from the top bits of the next state. */
    int32_t next24() {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int32_t>(state_ >> 40) - (1 << 23);
    }
    /* Roughly Gaussian noise in [-1, 1), standard deviation 1/sqrt(12) ~ 0.29:
     * the sum of four uniform draws (an exact integer) times 2^-25 (exact). */
    double noise() {
        const int64_t s = int64_t(next24()) + next24() + next24() + next24();
        return static_cast<double>(s) * 0x1.0p-25;
    }
};

/* sin(2 pi * phase) for a phase of num / den cycles, num >= 0: the whole
 * cycles are removed in integers, so the argument of sin is in [0, 2 pi). */
double sin_cycles(uint64_t num, uint64_t den) {
    const uint64_t rem = num % den;
    return std::sin(static_cast<double>(rem) * (2 * kPi / static_cast<double>(den)));
}

/* A linear chirp from f0 to f1 Hz over n samples, sample i: the phase in
 * cycles is (f0 i + (f1 - f0) i^2 / (2 n)) / rate, an exact fraction. */
double chirp(size_t i, uint64_t f0, uint64_t f1, size_t n) {
    const uint64_t ii = i;
    const uint64_t num = f0 * ii * 2 * n + (f1 - f0) * ii * ii;
    return sin_cycles(num, 2 * n * static_cast<uint64_t>(kRate));
}

double tone(size_t i, uint64_t hz) { return sin_cycles(hz * i, static_cast<uint64_t>(kRate)); }

struct Signals {
    size_t rows = kRows, n = kSamples;
    std::vector<float> f32;
    std::vector<double> f64;
};

/* Row 0: noise; 1: a chirp 100 Hz -> 7 kHz with a little noise; 2: silence;
 * 3: row 1 and noise at 1e-4 of full scale (quiet); 4: a 440 Hz tone on a DC
 * offset with noise (for DC removal). */
Signals make_signals() {
    Signals s;
    s.f32.assign(s.rows * s.n, 0.0f);
    Lcg lcg(20240601);
    for (size_t i = 0; i < s.n; ++i) {
        const double noise0 = lcg.noise(), noise1 = lcg.noise(), noise3 = lcg.noise();
        const double noise4 = lcg.noise();
        const double c = chirp(i, 100, 7000, s.n);
        s.f32[0 * s.n + i] = static_cast<float>(0.5 * noise0);
        s.f32[1 * s.n + i] = static_cast<float>(0.5 * c + 0.01 * noise1);
        s.f32[2 * s.n + i] = 0.0f;
        s.f32[3 * s.n + i] = static_cast<float>(1e-4 * (0.5 * c + 0.25 * noise3));
        s.f32[4 * s.n + i] = static_cast<float>(0.25 + 0.2 * tone(i, 440) + 0.05 * noise4);
    }
    s.f64.assign(s.f32.begin(), s.f32.end());
    return s;
}

/* FNV-1a, 64 bits, over bytes: proves that both platforms computed the same
 * inputs and tables. */
class Fnv {
    uint64_t h_ = 0xcbf29ce484222325ULL;

  public:
    void bytes(const void *p, size_t n) {
        const unsigned char *b = static_cast<const unsigned char *>(p);
        for (size_t i = 0; i < n; ++i) h_ = (h_ ^ b[i]) * 0x100000001b3ULL;
    }
    /* Doubles and sizes as little-endian bytes, whatever the host order. */
    void u64(uint64_t v) {
        unsigned char b[8];
        for (int k = 0; k < 8; ++k) b[k] = static_cast<unsigned char>(v >> (8 * k));
        bytes(b, 8);
    }
    void f64(double v) {
        uint64_t u;
        std::memcpy(&u, &v, 8);
        u64(u);
    }
    uint64_t value() const { return h_; }
};

/* ---- tables: windows, banks, post matrices --------------------------------- */

std::vector<double> hann_periodic(size_t w) {
    std::vector<double> v(w);
    for (size_t k = 0; k < w; ++k) v[k] = 0.5 - 0.5 * std::cos(2 * kPi * double(k) / double(w));
    return v;
}

/* Kaldi's "povey" window: a symmetric Hann raised to 0.85. */
std::vector<double> povey(size_t w) {
    std::vector<double> v(w);
    for (size_t k = 0; k < w; ++k)
        v[k] = std::pow(0.5 - 0.5 * std::cos(2 * kPi * double(k) / double(w - 1)), 0.85);
    return v;
}

/* A sparse bank: per band, its first bin and its weights. */
struct Bank {
    std::vector<size_t> first, len;
    std::vector<double> weights;
    /* Keep the non-zero span of a dense row of weights over the bins. */
    void add(const std::vector<double> &row) {
        size_t a = 0, b = row.size();
        while (a < b && row[a] == 0) ++a;
        while (b > a && row[b - 1] == 0) --b;
        first.push_back(a);
        len.push_back(b - a);
        weights.insert(weights.end(), row.begin() + ptrdiff_t(a), row.begin() + ptrdiff_t(b));
    }
    size_t bands() const { return first.size(); }
};

double slaney_mel(double f) { return f < 1000 ? f * 3 / 200 : 15 + 27 * std::log(f / 1000) / std::log(6.4); }
double slaney_hz(double m) { return m < 15 ? m * 200 / 3 : 1000 * std::exp((m - 15) * std::log(6.4) / 27); }

/* Slaney-scale triangles in Hz between band edges equally spaced in mel,
 * each scaled to unit area (2 / width), as librosa's default bank. */
Bank slaney_bank(size_t n_fft, size_t bands, double fmin, double fmax) {
    const size_t nbins = n_fft / 2 + 1;
    std::vector<double> edges(bands + 2);
    const double m0 = slaney_mel(fmin), m1 = slaney_mel(fmax);
    for (size_t i = 0; i < edges.size(); ++i)
        edges[i] = slaney_hz(m0 + (m1 - m0) * double(i) / double(bands + 1));
    Bank bank;
    for (size_t m = 0; m < bands; ++m) {
        const double lo = edges[m], c = edges[m + 1], hi = edges[m + 2];
        std::vector<double> row(nbins, 0.0);
        for (size_t k = 0; k < nbins; ++k) {
            const double f = double(k) * double(kRate) / double(n_fft);
            const double w = std::min((f - lo) / (c - lo), (hi - f) / (hi - c));
            row[k] = w > 0 ? w * 2 / (hi - lo) : 0.0;
        }
        bank.add(row);
    }
    return bank;
}

/* Kaldi-style triangles on the HTK mel scale (1127 ln(1 + f / 700)): band
 * edges equally spaced in mel, triangles linear in mel, over bins
 * 0 .. n/2 - 1 (the Nyquist bin gets no weight). */
Bank kaldi_bank(size_t n_fft, size_t bands, double fmin, double fmax) {
    auto mel = [](double f) { return 1127 * std::log(1 + f / 700); };
    const size_t nbins = n_fft / 2 + 1;
    const double m0 = mel(fmin), m1 = mel(fmax), delta = (m1 - m0) / double(bands + 1);
    Bank bank;
    for (size_t b = 0; b < bands; ++b) {
        const double left = m0 + double(b) * delta, centre = left + delta, right = centre + delta;
        std::vector<double> row(nbins, 0.0);
        for (size_t k = 0; k + 1 < nbins; ++k) {
            const double m = mel(double(k) * double(kRate) / double(n_fft));
            if (m > left && m < right)
                row[k] = m <= centre ? (m - left) / (centre - left) : (right - m) / (right - centre);
        }
        bank.add(row);
    }
    return bank;
}

/* The orthonormal DCT-II, rows 0 .. k - 1 over n inputs, times a sinusoidal
 * cepstral lifter of parameter q (Kaldi's cepstral_lifter; 0: none). */
std::vector<double> dct_lifter(size_t k, size_t n, double q) {
    std::vector<double> d(k * n);
    for (size_t i = 0; i < k; ++i) {
        const double norm = std::sqrt((i == 0 ? 1.0 : 2.0) / double(n));
        const double lift = q > 0 ? 1 + q / 2 * std::sin(kPi * double(i) / q) : 1.0;
        for (size_t j = 0; j < n; ++j)
            d[i * n + j] = lift * norm * std::cos(kPi * double(i) * (double(j) + 0.5) / double(n));
    }
    return d;
}

/* The largest L1 norm of a row: how far a post matrix can move an error
 * bounded by e on each of its inputs (at most that times e). */
double max_row_l1(const std::vector<double> &d, size_t k, size_t n) {
    double best = 0;
    for (size_t i = 0; i < k; ++i) {
        double s = 0;
        for (size_t j = 0; j < n; ++j) s += std::fabs(d[i * n + j]);
        best = std::max(best, s);
    }
    return best;
}

/* The arrays of one plan, owned here; view() lends them as fm_tables. */
struct Tables {
    std::vector<double> window;  /* empty: a rectangle */
    Bank bank;
    std::vector<double> post;    /* empty: no post matrix */
    std::vector<double> bias;    /* empty: no bias */
    fm_tables view() const {
        fm_tables t;
        std::memset(&t, 0, sizeof(t));
        t.window = window.empty() ? nullptr : window.data();
        t.band_first = bank.first.data();
        t.band_len = bank.len.data();
        t.band_weights = bank.weights.data();
        t.post_matrix = post.empty() ? nullptr : post.data();
        t.post_bias = bias.empty() ? nullptr : bias.data();
        return t;
    }
    void hash(Fnv &h) const {
        h.u64(window.size());
        for (double v : window) h.f64(v);
        for (size_t i = 0; i < bank.bands(); ++i) {
            h.u64(bank.first[i]);
            h.u64(bank.len[i]);
        }
        for (double v : bank.weights) h.f64(v);
        h.u64(post.size());
        for (double v : post) h.f64(v);
        h.u64(bias.size());
        for (double v : bias) h.f64(v);
    }
};

/* ---- options ---------------------------------------------------------------- */

fm_options zeroed_options() {
    fm_options o;
    std::memset(&o, 0, sizeof(o));
    o.kernel = FM_KERNEL_BASELINE;
    return o;
}

/* Keras's centred framing for frame w in an FFT of n: start (n - w)/2 - n/2,
 * reach n - 2 (n/2), the window centred by fft_offset (n - w)/2. */
void keras_framing(fm_options &o, size_t w, size_t n, size_t hop) {
    o.framing.frame_length = w;
    o.framing.hop = hop;
    o.framing.start = ptrdiff_t((n - w) / 2) - ptrdiff_t(n / 2);
    o.framing.reach = ptrdiff_t(n) - 2 * ptrdiff_t(n / 2);
    o.framing.pad_mode = FM_PAD_REFLECT;
    o.spectrum.fft_length = n;
    o.spectrum.fft_offset = (n - w) / 2;
}

/* Kaldi's framing with snip_edges=false: frame t centred on t*hop + hop/2,
 * symmetric padding, the frame at the start of the FFT input. */
void kaldi_framing(fm_options &o, size_t w, size_t n, size_t hop) {
    o.framing.frame_length = w;
    o.framing.hop = hop;
    o.framing.start = ptrdiff_t(hop / 2) - ptrdiff_t(w / 2);
    o.framing.reach = ptrdiff_t(hop - hop / 2);
    o.framing.pad_mode = FM_PAD_SYMMETRIC;
    o.spectrum.fft_length = n;
    o.spectrum.fft_offset = 0;
}

void log_opts(fm_options &o, double scale, double min_power) {
    o.log.enabled = 1;
    o.log.log_scale = scale;
    o.log.min_power = min_power;
    o.log.ref_power = 1.0;
}

/* Kaldi's conditioning: DC removal, raw energy, pre-emphasis 0.97. */
void kaldi_condition(fm_options &o) {
    o.condition.remove_dc = 1;
    o.condition.preemphasis = 0.97;
    o.condition.energy = FM_ENERGY_RAW;
    o.condition.energy_min = double(std::numeric_limits<float>::epsilon());
    o.condition.energy_floor = -std::numeric_limits<double>::infinity();
}

/* ---- cases ------------------------------------------------------------------ */

enum class Kind {
    Log,         /* log output: absolute tolerance in output units */
    Linear,      /* linear output: tolerance relative to each row's peak */
    Normalised,  /* a normalised log output: its difference taken back to log units */
};

/* One case: a plan and a call, its tolerance, and its results. */
struct Case {
    std::string name;
    std::string what;  /* one line for the report */
    fm_options opts;
    Tables tables;
    fm_dtype dtype = FM_FLOAT32;
    Kind kind = Kind::Log;
    double tol = 0;  /* Log, Normalised: absolute in log units; Linear: relative to the row's peak */
    std::string unit;
    /* then the stages along frames, when `frames` (fopts.num_features and
     * layout are the plan's own) */
    bool frames = false;
    fm_frames_opts fopts{};
    std::vector<double> delta_filters;
    /* the call */
    std::vector<size_t> lengths, zero_from;
    bool zeros_unstored = false;
    const Signals *input = nullptr;
    /* results */
    size_t dims[3] = {0, 0, 0};
    std::vector<double> out;       /* as float64 */
    bool threads_identical = false;
    bool zero_from_identical = true;  /* with zero_from: equal to the call without it */
    std::vector<size_t> row_frames;  /* each row's own frames (fm_num_frames of its length) */
    std::vector<double> scale;  /* Normalised: per (row, feature), the divisor sd + eps */
    std::string isa;
    size_t lanes = 0;
    std::string error;
};

/* Run one call of a plan; out must hold the full output. */
fm_status compute(const fm_plan *plan, const Case &c, const Signals &s, bool use_zero_from,
                  void *out, int threads) {
    fm_input in;
    std::memset(&in, 0, sizeof(in));
    in.data = c.dtype == FM_FLOAT32 ? static_cast<const void *>(s.f32.data())
                                    : static_cast<const void *>(s.f64.data());
    in.n_rows = s.rows;
    in.row_stride = ptrdiff_t(s.n);
    in.sample_stride = 1;
    in.n_samples = s.n;
    in.lengths = c.lengths.empty() ? nullptr : c.lengths.data();
    if (use_zero_from && !c.zero_from.empty()) {
        in.zero_from = c.zero_from.data();
        in.zeros_unstored = c.zeros_unstored ? 1 : 0;
    }
    return fm_compute(plan, &in, out, threads, nullptr, nullptr);
}

/* Build the plan, compute with 1, 2 and 3 threads (each output first filled
 * with a different byte, so that an element left unwritten shows), require
 * them bit-identical, and keep the 1-thread result as float64. */
void run_case(Case &c) {
    fm_plan *plan = nullptr;
    const fm_tables t = c.tables.view();
    fm_status st = fm_plan_create(&c.opts, &t, c.dtype, &plan);
    if (st != FM_OK) {
        c.error = std::string("fm_plan_create: ") + fm_status_message(st);
        return;
    }
    const Signals &s = *c.input;
    const size_t frames = fm_num_frames(plan, s.n), feats = fm_num_features(plan);
    const bool frames_major = c.opts.post.layout == FM_LAYOUT_FRAMES_BANDS;
    c.dims[0] = s.rows;
    c.dims[1] = frames_major ? frames : feats;
    c.dims[2] = frames_major ? feats : frames;
    c.isa = fm_plan_isa(plan);
    c.lanes = fm_plan_lanes(plan);
    c.row_frames.assign(s.rows, frames);
    for (size_t r = 0; r < c.lengths.size() && r < s.rows; ++r)
        c.row_frames[r] = fm_num_frames(plan, c.lengths[r]);
    const size_t count = s.rows * frames * feats;
    const size_t elem = c.dtype == FM_FLOAT32 ? sizeof(float) : sizeof(double);
    const int threads[3] = {1, 2, 3};
    const unsigned char poison[3] = {0x5a, 0xa5, 0x3c};
    std::vector<unsigned char> results[3];
    for (int i = 0; i < 3 && c.error.empty(); ++i) {
        results[i].assign(count * elem, poison[i]);
        st = compute(plan, c, s, true, results[i].data(), threads[i]);
        if (st != FM_OK) c.error = std::string("fm_compute: ") + fm_status_message(st);
    }
    if (c.error.empty() && !c.zero_from.empty()) {
        /* The zero_from promise must not change the result. */
        std::vector<unsigned char> plain(count * elem, 0x77);
        st = compute(plan, c, s, false, plain.data(), 2);
        if (st != FM_OK) c.error = std::string("fm_compute: ") + fm_status_message(st);
        c.zero_from_identical = plain == results[0];
    }
    fm_plan_destroy(plan);
    if (!c.error.empty()) return;
    c.threads_identical = std::memcmp(results[0].data(), results[1].data(), count * elem) == 0 &&
                          std::memcmp(results[0].data(), results[2].data(), count * elem) == 0;
    size_t out_count = count;
    if (c.frames) {
        /* The stages along frames on the plan's output, on 1, 2 and 3 threads. */
        fm_frames_opts fopt = c.fopts;
        fopt.num_features = feats;
        fopt.layout = c.opts.post.layout;
        fm_frames_tables ft{c.delta_filters.empty() ? nullptr : c.delta_filters.data()};
        fm_frames_plan *fp = nullptr;
        st = fm_frames_create(&fopt, &ft, c.dtype, &fp);
        if (st != FM_OK) {
            c.error = std::string("fm_frames_create: ") + fm_status_message(st);
            return;
        }
        const size_t kout = fm_frames_out_features(fp), fo = fm_frames_out_frames(fp, frames);
        out_count = s.rows * fo * kout;
        std::vector<unsigned char> staged[3];
        for (int i = 0; i < 3 && c.error.empty(); ++i) {
            staged[i].assign(out_count * elem, poison[i]);
            st = fm_frames_compute(fp, results[0].data(), staged[i].data(), s.rows, frames,
                                   c.row_frames.data(), nullptr, 0, threads[i], nullptr, nullptr);
            if (st != FM_OK) c.error = std::string("fm_frames_compute: ") + fm_status_message(st);
        }
        for (size_t &f : c.row_frames) f = fm_frames_out_frames(fp, f);  /* (after the calls) */
        fm_frames_destroy(fp);
        if (!c.error.empty()) return;
        c.threads_identical =
            c.threads_identical &&
            std::memcmp(staged[0].data(), staged[1].data(), out_count * elem) == 0 &&
            std::memcmp(staged[0].data(), staged[2].data(), out_count * elem) == 0;
        results[0] = staged[0];
        c.dims[1] = frames_major ? fo : kout;
        c.dims[2] = frames_major ? kout : fo;
    }
    c.out.resize(out_count);
    const size_t count_out = out_count;
    for (size_t i = 0; i < count_out; ++i) {
        if (c.dtype == FM_FLOAT32) {
            float v;
            std::memcpy(&v, results[0].data() + i * elem, elem);
            c.out[i] = v;
        } else {
            std::memcpy(&c.out[i], results[0].data() + i * elem, elem);
        }
    }
}

/* Per (row, feature) of an un-normalised output in bands-frames layout, the
 * divisor of the normalisation: the standard deviation with `ddof` over the
 * row's own frames but its last `exclude_last`, plus eps (eps outside the
 * square root, as the normalised cases use). */
std::vector<double> spreads(const Case &c, const fm_norm_opts &o) {
    const size_t nk = c.dims[1], nt = c.dims[2];
    std::vector<double> out(c.dims[0] * nk, o.eps);
    for (size_t r = 0; r < c.dims[0]; ++r) {
        const size_t own = c.row_frames[r];
        const size_t f = own > o.exclude_last ? own - o.exclude_last : 0;
        if (f <= o.ddof) continue;
        for (size_t k = 0; k < nk; ++k) {
            const double *x = c.out.data() + (r * nk + k) * nt;
            double mean = 0;
            for (size_t t = 0; t < f; ++t) mean += x[t];
            mean /= double(f);
            double ss = 0;
            for (size_t t = 0; t < f; ++t) ss += (x[t] - mean) * (x[t] - mean);
            out[r * nk + k] = std::sqrt(ss / double(f - o.ddof)) + o.eps;
        }
    }
    return out;
}

/* Every case, planned but not yet computed (the normalised case's tolerance
 * is settled after its un-normalised twin ran: see finish_tolerances). */
std::vector<Case> make_cases(const Signals &sig, const Signals &padded) {
    std::vector<Case> cases;
    const double ln_tol32 = kDbTol32 * kLn10 / 10;  /* 0.01 dB in natural-log units */

    /* (a) Keras-like log-mel: frame 400 centred in FFT 512, Hann, reflect
     * padding, power, a Slaney bank of 40 bands, dB, global floor at 80 dB. */
    Case a;
    a.name = "a_keras_logmel_f32";
    a.what = "frame 400 centred in FFT 512, hann, reflect, power, slaney 40, dB, global floor 80";
    a.opts = zeroed_options();
    keras_framing(a.opts, 400, 512, 160);
    a.opts.spectrum.mag_exp = 2.0;
    a.opts.bank.num_bands = 40;
    log_opts(a.opts, 10.0, 1e-10);
    a.opts.floor.mode = FM_FLOOR_GLOBAL;
    a.opts.floor.range = 80.0;
    a.opts.post.layout = FM_LAYOUT_BANDS_FRAMES;
    a.tables.window = hann_periodic(400);
    a.tables.bank = slaney_bank(512, 40, 0.0, 8000.0);
    a.input = &sig;
    a.kind = Kind::Log;
    a.tol = kDbTol32;
    a.unit = "dB";
    cases.push_back(a);

    /* (b) Kaldi-like fbank: povey window, symmetric padding, DC removal,
     * pre-emphasis 0.97, raw energy inserted first, natural log, frames-major. */
    Case b;
    b.name = "b_kaldi_fbank_f32";
    b.what = "povey 400 in FFT 512, symmetric, remove_dc, preemph 0.97, raw energy inserted, ln, "
             "frames-major, 23 bands";
    b.opts = zeroed_options();
    kaldi_framing(b.opts, 400, 512, 160);
    kaldi_condition(b.opts);
    b.opts.spectrum.mag_exp = 2.0;
    b.opts.bank.num_bands = 23;
    log_opts(b.opts, kLn10, double(std::numeric_limits<float>::epsilon()));
    b.opts.post.energy_insert = 1;
    b.opts.post.energy_index = 0;
    b.opts.post.layout = FM_LAYOUT_FRAMES_BANDS;
    b.tables.window = povey(400);
    b.tables.bank = kaldi_bank(512, 23, 20.0, 8000.0);
    b.input = &sig;
    b.kind = Kind::Log;
    b.tol = ln_tol32;
    b.unit = "ln";
    cases.push_back(b);

    /* (c) MFCC: (b) with a DCT (13 x 23, lifter 22), the energy in place of
     * c0, and a floor per row 10 nats under its maximum (two passes). */
    Case c = b;
    c.name = "c_kaldi_mfcc_f32";
    c.what = "(b) + per-row floor 10 nats + orthonormal DCT 13x23, energy replaces c0";
    c.opts.floor.mode = FM_FLOOR_PER_ROW;
    c.opts.floor.range = 10.0;
    c.opts.post.num_features = 13;
    c.opts.post.energy_insert = 0;
    c.opts.post.energy_index = 0;
    c.tables.post = dct_lifter(13, 23, 0.0);
    /* An error e on every log band moves a coefficient by at most its row's
     * L1 norm times e; the energy slot by e. */
    c.tol = ln_tol32 * std::max(1.0, max_row_l1(c.tables.post, 13, 23));
    cases.push_back(c);

    /* (d) Mean/std normalisation (Parakeet-like): centred frames, Hann,
     * pre-emphasis, ln(B + 2^-24), per row lengths, the last frame excluded,
     * ddof 1, eps 1e-5 outside the square root. Compared in log units
     * (see compare()), with the spreads of its twin without the
     * normalisation (d0), computed by the platform that checks. */
    Case d = a;
    d.name = "d_norm_mean_std_f32";
    d.what = "centred hann, preemph 0.97, ln(B + 2^-24), lengths, mean/std ddof 1, exclude_last 1";
    d.opts.condition.preemphasis = 0.97;
    log_opts(d.opts, kLn10, 1e-30);
    d.opts.log.log_offset = 0x1.0p-24;
    d.opts.floor.mode = FM_FLOOR_NONE;
    d.opts.floor.range = 0;
    d.opts.post.fill = 0.0;
    d.opts.norm.mode = FM_NORM_MEAN_STD;
    d.opts.norm.ddof = 1;
    d.opts.norm.eps = 1e-5;
    d.opts.norm.eps_in_sqrt = 0;
    d.opts.norm.exclude_last = 1;
    d.lengths = {kSamples, 20000, kSamples, 9001, 16000};
    d.kind = Kind::Normalised;
    d.tol = ln_tol32;
    d.unit = "ln (y*sd)";
    Case d0 = d;
    d0.name = "d0_norm_twin_f32";
    d0.what = "(d) without the normalisation (its spreads scale (d)'s differences)";
    d0.opts.norm.mode = FM_NORM_NONE;
    d0.kind = Kind::Log;
    d0.unit = "ln";
    d0.tol = ln_tol32;
    cases.push_back(d0);
    cases.push_back(d);

    /* (e) (a) in float64. */
    Case e = a;
    e.name = "e_keras_logmel_f64";
    e.what = "(a) in float64";
    e.dtype = FM_FLOAT64;
    e.tol = kDbTol64;
    cases.push_back(e);

    /* (f) (a) with each row's own length (one shorter than the padding, one
     * of a single sample, one empty) and a fill value for the frames past it. */
    Case f = a;
    f.name = "f_lengths_fill_f32";
    f.what = "(a) with lengths {24001, 12345, 100, 1, 0} and fill -123.5";
    f.opts.post.fill = -123.5;
    f.lengths = {kSamples, 12345, 100, 1, 0};
    cases.push_back(f);

    /* (g) Linear outputs without log: the magnitude (mag_exp 1, frames-major)
     * and a general exponent 1.5 (rectangle window, constant padding, not
     * centred). */
    Case g1 = a;
    g1.name = "g1_magnitude_f32";
    g1.what = "(a) without log: magnitude (mag_exp 1), frames-major";
    g1.opts.spectrum.mag_exp = 1.0;
    g1.opts.log = fm_log_opts{};
    g1.opts.floor = fm_floor_opts{};
    g1.opts.post.layout = FM_LAYOUT_FRAMES_BANDS;
    g1.kind = Kind::Linear;
    g1.tol = kRelTol32;
    g1.unit = "of row peak";
    cases.push_back(g1);

    Case g2 = g1;
    g2.name = "g2_mag_exp_1.5_f32";
    g2.what = "|X|^1.5, rectangle 512, constant padding, uncentred, no log";
    g2.opts.framing.frame_length = 512;
    g2.opts.framing.start = 0;
    g2.opts.framing.reach = 512;
    g2.opts.framing.pad_mode = FM_PAD_CONSTANT;
    g2.opts.spectrum.fft_offset = 0;
    g2.opts.spectrum.mag_exp = 1.5;
    g2.opts.post.layout = FM_LAYOUT_BANDS_FRAMES;
    g2.tables.window.clear();
    cases.push_back(g2);

    Case g3 = g1;
    g3.name = "g3_power_f64";
    g3.what = "(a) without log, power, float64";
    g3.dtype = FM_FLOAT64;
    g3.opts.spectrum.mag_exp = 2.0;
    g3.tol = kRelTol64;
    cases.push_back(g3);

    /* (h) Whisper-like: FFT 400 (mixed radix 2, 5), last frame dropped,
     * 0.25 log10 + 1 with a floor per row 2 (= 8 / 4) under its maximum, on a
     * zero-padded batch whose zeros are announced (zero_from): the result
     * must equal the call without zero_from. */
    Case h = a;
    h.name = "h_whisper_zero_from_f32";
    h.what = "FFT 400, drop_last 1, slaney 80, 0.25 log10 + 1, per-row floor 2, zero_from";
    keras_framing(h.opts, 400, 400, 160);
    h.opts.framing.drop_last = 1;
    h.opts.bank.num_bands = 80;
    log_opts(h.opts, 0.25, 1e-10);
    h.opts.log.out_offset = 1.0;
    h.opts.floor.mode = FM_FLOOR_PER_ROW;
    h.opts.floor.range = 2.0;
    h.tables.bank = slaney_bank(400, 80, 0.0, 8000.0);
    h.input = &padded;
    h.zero_from = {kSamples, 16000, 0, 8000, 20000};
    h.tol = kDbTol32 / 10 * 0.25;  /* 0.01 dB in 0.25 log10 units */
    h.unit = "0.25 log10";
    cases.push_back(h);

    /* (i) NeMo-like: the signal's pre-emphasis (0.97, each row's own
     * samples: lengths), zero padding, |X|^2 floored and offset before the
     * exponent, a bias on the log bands (so the global floor takes a second
     * pass). */
    Case i = a;
    i.name = "i_signal_preemph_f32";
    i.what = "(a) with signal pre-emphasis 0.97, zero padding, lengths, |X|^2 floor and offset, bias";
    i.opts.framing.pad_mode = FM_PAD_CONSTANT;
    i.opts.framing.signal_preemphasis = 0.97;
    i.opts.spectrum.power_floor = 1e-9;
    i.opts.spectrum.power_offset = 1e-8;
    for (size_t m = 0; m < 40; ++m) i.tables.bias.push_back(0.25 * double(m) - 5.0);
    i.lengths = {kSamples, 12345, 100, 1, 0};
    cases.push_back(i);

    /* (j) The stages along frames on (a)'s power spectrogram (no log, no
     * floor), with lengths: librosa's PCEN (b for 0.4 s at 100 frames a
     * second, state 1 - b), a centred sliding CMVN of 30 frames, Kaldi's
     * deltas of order 2 (window 2: the regression filter and its square,
     * edge frames repeated), then frames stacked 3 every 2. */
    Case j = a;
    j.name = "j_pcen_deltas_f32";
    j.what = "(a) as power, then PCEN, sliding CMVN, deltas of order 2, stacking 3/2, lengths";
    j.opts.log = fm_log_opts{};
    j.opts.floor = fm_floor_opts{};
    j.lengths = {kSamples, 12345, 100, 1, 0};
    j.kind = Kind::Linear;
    j.tol = kRelTol32;
    j.unit = "of row peak";
    j.frames = true;
    {
        const double T = 40.0, b = (std::sqrt(1 + 4 * T * T) - 1) / (2 * T * T);
        j.fopts.pcen = fm_pcen_opts{1, b, 1 - b, 0.98, 2.0, 0.5, 1e-6};
        j.fopts.cmvn = fm_cmvn_opts{1, 30, 0, 1, 0};
        j.fopts.stack = fm_stack_opts{3, 2, 1};
        j.fopts.delta = fm_delta_opts{2, 9, FM_EDGE_REPLICATE, 0};
        const double first[5] = {-0.2, -0.1, 0.0, 0.1, 0.2};
        double second[9] = {0};
        for (int p = 0; p < 5; ++p)
            for (int q = 0; q < 5; ++q) second[p + q] += first[p] * first[q];
        for (int k = 0; k < 9; ++k) j.delta_filters.push_back(k >= 2 && k < 7 ? first[k - 2] : 0.0);
        for (int k = 0; k < 9; ++k) j.delta_filters.push_back(second[k]);
    }
    cases.push_back(j);
    return cases;
}

/* The normalised cases' divisors, from their un-normalised twin. */
void finish_normalised(std::vector<Case> &cases) {
    const Case *twin = nullptr;
    for (const Case &c : cases)
        if (c.name == "d0_norm_twin_f32") twin = &c;
    for (Case &c : cases) {
        if (c.kind != Kind::Normalised || !c.error.empty()) continue;
        if (!twin || !twin->error.empty() || twin->out.empty()) {
            c.error = "its un-normalised twin failed";
            continue;
        }
        c.scale = spreads(*twin, c.opts.norm);
    }
}

/* A copy of the signals with row r zero from zero_from[r] on. */
Signals zero_padded(const Signals &s, const std::vector<size_t> &zero_from) {
    Signals p = s;
    for (size_t r = 0; r < p.rows; ++r)
        for (size_t i = zero_from[r]; i < p.n; ++i) {
            p.f32[r * p.n + i] = 0.0f;
            p.f64[r * p.n + i] = 0.0;
        }
    return p;
}

/* ---- the reference file ------------------------------------------------------ */

struct RefCase {
    size_t dims[3] = {0, 0, 0};
    std::vector<double> values;
};

struct Reference {
    std::string platform;
    uint64_t signals = 0, tables = 0;
    std::map<std::string, RefCase> cases;
};

std::string hex64(uint64_t v) {
    char b[17];
    std::snprintf(b, sizeof(b), "%016" PRIx64, v);
    return b;
}

bool write_reference(const std::string &path, const std::vector<Case> &cases, uint64_t signals,
                     uint64_t tables) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    f << "fastmel-harness 1\n"
      << "platform " << kPlatform << "\n"
      << "signals " << hex64(signals) << "\n"
      << "tables " << hex64(tables) << "\n";
    for (const Case &c : cases) {
        if (!c.error.empty()) continue;
        f << "case " << c.name << " " << c.dims[0] << " " << c.dims[1] << " " << c.dims[2] << " "
          << c.out.size() << "\n";
        std::vector<unsigned char> bytes(c.out.size() * 8);
        for (size_t i = 0; i < c.out.size(); ++i) {
            uint64_t u;
            std::memcpy(&u, &c.out[i], 8);
            for (int k = 0; k < 8; ++k) bytes[i * 8 + k] = static_cast<unsigned char>(u >> (8 * k));
        }
        f.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    }
    f << "end\n";
    return bool(f);
}

bool read_reference(const std::string &path, Reference &ref, std::string &err) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        err = "cannot open " + path;
        return false;
    }
    std::string line;
    if (!std::getline(f, line) || line != "fastmel-harness 1") {
        err = "not a fastmel-harness 1 file";
        return false;
    }
    while (std::getline(f, line)) {
        std::istringstream is(line);
        std::string key;
        is >> key;
        if (key == "end") return true;
        if (key == "platform") {
            is >> ref.platform;
        } else if (key == "signals" || key == "tables") {
            std::string h;
            is >> h;
            (key == "signals" ? ref.signals : ref.tables) = std::strtoull(h.c_str(), nullptr, 16);
        } else if (key == "case") {
            std::string name;
            RefCase rc;
            size_t count = 0;
            if (!(is >> name >> rc.dims[0] >> rc.dims[1] >> rc.dims[2] >> count) ||
                count != rc.dims[0] * rc.dims[1] * rc.dims[2]) {
                err = "bad case line: " + line;
                return false;
            }
            std::vector<unsigned char> bytes(count * 8);
            if (!f.read(reinterpret_cast<char *>(bytes.data()), std::streamsize(bytes.size()))) {
                err = "truncated values of case " + name;
                return false;
            }
            rc.values.resize(count);
            for (size_t i = 0; i < count; ++i) {
                uint64_t u = 0;
                for (int k = 0; k < 8; ++k) u |= uint64_t(bytes[i * 8 + k]) << (8 * k);
                std::memcpy(&rc.values[i], &u, 8);
            }
            ref.cases[name] = std::move(rc);
        } else {
            err = "unknown line: " + line;
            return false;
        }
    }
    err = "no end line";
    return false;
}

/* ---- comparison ---------------------------------------------------------------- */

struct Diff {
    double max_abs = 0;  /* the largest |a - b| (NaN against a number: inf) */
    double measure = 0;  /* what the tolerance applies to */
    size_t worst = 0;    /* the flat index of the element with the largest measure */
};

/* Log cases: the largest absolute difference. Linear cases: the largest
 * difference relative to its row's peak |value| in the reference.
 * Normalised cases, y = (x - mean) / s: a difference dx in the log values x
 * (and the dmean, ds it causes, each at most about max |dx|) gives
 * dy ~ (dx - dmean - y ds) / s, so |dy| s / (2 + |y|) is a difference in log
 * units, held to the log tolerance. NaN must meet NaN, and an infinity the
 * same infinity. */
Diff compare(const Case &c, const std::vector<double> &ref) {
    Diff d;
    const double inf = std::numeric_limits<double>::infinity();
    const size_t per_row = c.dims[1] * c.dims[2];
    for (size_t r = 0; r < c.dims[0]; ++r) {
        const double *a = c.out.data() + r * per_row, *b = ref.data() + r * per_row;
        double peak = 0;
        for (size_t i = 0; i < per_row; ++i)
            if (std::isfinite(b[i])) peak = std::max(peak, std::fabs(b[i]));
        for (size_t i = 0; i < per_row; ++i) {
            double e;
            if (std::isnan(a[i]) || std::isnan(b[i]))
                e = std::isnan(a[i]) && std::isnan(b[i]) ? 0 : inf;
            else if (std::isinf(a[i]) || std::isinf(b[i]))
                e = a[i] == b[i] ? 0 : inf;
            else
                e = std::fabs(a[i] - b[i]);
            d.max_abs = std::max(d.max_abs, e);
            double m = e;
            if (c.kind == Kind::Linear) m = e == 0 ? 0 : peak > 0 ? e / peak : inf;
            if (c.kind == Kind::Normalised && e != 0 && e != inf) {
                const size_t k = i / c.dims[2];  /* bands-frames layout */
                m = e * c.scale[r * c.dims[1] + k] / (2 + std::fabs(b[i]));
            }
            if (m > d.measure) {
                d.measure = m;
                d.worst = r * per_row + i;
            }
        }
    }
    return d;
}

std::string shape(const Case &c) {
    std::ostringstream s;
    s << c.dims[0] << "x" << c.dims[1] << "x" << c.dims[2];
    return s.str();
}

int usage() {
    std::fprintf(stderr, "usage: harness [--write FILE | --check FILE [--exact]] [--lanes N]\n");
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    std::string write_path, check_path;
    long want_lanes = 0;
    bool exact = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--exact") {
            exact = true;
        } else if ((arg == "--write" || arg == "--check" || arg == "--lanes") && i + 1 < argc) {
            const std::string val = argv[++i];
            if (arg == "--write") write_path = val;
            if (arg == "--check") check_path = val;
            if (arg == "--lanes") want_lanes = std::strtol(val.c_str(), nullptr, 10);
        } else {
            return usage();
        }
    }
    if (!write_path.empty() && !check_path.empty()) return usage();
    if (exact && check_path.empty()) return usage();

    /* Inputs, tables, cases; the hashes prove both platforms used the same. */
    const Signals sig = make_signals();
    const std::vector<size_t> zero_from = {kSamples, 16000, 0, 8000, 20000};
    const Signals padded = zero_padded(sig, zero_from);
    std::vector<Case> cases = make_cases(sig, padded);
    Fnv sig_hash, tab_hash;
    for (const Signals *s : {&sig, &padded}) {
        sig_hash.u64(s->rows);
        sig_hash.u64(s->n);
        for (float v : s->f32) {
            uint32_t u;
            std::memcpy(&u, &v, 4);
            sig_hash.u64(u);
        }
    }
    for (const Case &c : cases) c.tables.hash(tab_hash);

    for (Case &c : cases) run_case(c);
    finish_normalised(cases);
    if (exact)
        for (Case &c : cases) c.tol = 0;

    int failures = 0;
    /* The kernels the plans ran, per dtype. */
    std::string isa32, isa64;
    size_t lanes32 = 0, lanes64 = 0;
    for (const Case &c : cases) {
        if (!c.error.empty()) continue;
        std::string &isa = c.dtype == FM_FLOAT32 ? isa32 : isa64;
        size_t &lanes = c.dtype == FM_FLOAT32 ? lanes32 : lanes64;
        if (isa.empty()) {
            isa = c.isa;
            lanes = c.lanes;
        } else if (isa != c.isa || lanes != c.lanes) {
            std::printf("FAIL: %s ran kernel %s with %zu lanes, other plans %s with %zu\n",
                        c.name.c_str(), c.isa.c_str(), c.lanes, isa.c_str(), lanes);
            ++failures;
        }
    }
    std::printf("platform %s\n", kPlatform);
    std::printf("kernel float32: %s, %zu lanes\n", isa32.c_str(), lanes32);
    std::printf("kernel float64: %s, %zu lanes\n", isa64.c_str(), lanes64);
    if (want_lanes > 0) {
        const bool ok = lanes32 == size_t(want_lanes);
        std::printf("lanes float32 == %ld: %s\n", want_lanes, ok ? "OK" : "FAIL");
        failures += ok ? 0 : 1;
    }
    std::printf("signals fnv1a64 %s, tables fnv1a64 %s\n", hex64(sig_hash.value()).c_str(),
                hex64(tab_hash.value()).c_str());

    Reference ref;
    const bool checking = !check_path.empty();
    if (checking) {
        std::string err;
        if (!read_reference(check_path, ref, err)) {
            std::fprintf(stderr, "harness: %s: %s\n", check_path.c_str(), err.c_str());
            return 2;
        }
        const bool same_signals = ref.signals == sig_hash.value();
        std::printf("reference %s from %s: signals %s", check_path.c_str(), ref.platform.c_str(),
                    same_signals ? "identical" : "DIFFER (FAIL)");
        /* Tables come from libm's cos/pow/log/exp, which may differ in the
         * last bit between platforms: reported, and covered by the tolerance. */
        std::printf(", tables %s\n",
                    ref.tables == tab_hash.value() ? "identical" : "differ in the last bits (note)");
        failures += same_signals ? 0 : 1;
        if (exact) std::printf("--exact: every tolerance is 0 (bit-for-bit equal values)\n");
    }

    std::printf("\n%-24s %-5s %-11s %-9s", "case", "dtype", "shape", "threads");
    if (checking) std::printf(" %-11s %-11s %-11s %-12s %s", "max|diff|", "measure", "tolerance",
                              "unit", "status");
    std::printf("\n");
    for (const Case &c : cases) {
        const char *dt = c.dtype == FM_FLOAT32 ? "f32" : "f64";
        if (!c.error.empty()) {
            std::printf("%-24s %-5s ERROR: %s  FAIL\n", c.name.c_str(), dt, c.error.c_str());
            ++failures;
            continue;
        }
        bool ok = c.threads_identical && c.zero_from_identical;
        std::printf("%-24s %-5s %-11s %-9s", c.name.c_str(), dt, shape(c).c_str(),
                    !c.threads_identical ? "DIFFER" : !c.zero_from_identical ? "zf-DIFFER"
                                                                             : "identical");
        if (checking) {
            auto it = ref.cases.find(c.name);
            if (it == ref.cases.end()) {
                std::printf(" missing from the reference");
                ok = false;
            } else if (it->second.dims[0] != c.dims[0] || it->second.dims[1] != c.dims[1] ||
                       it->second.dims[2] != c.dims[2]) {
                std::printf(" reference shape %zux%zux%zu", it->second.dims[0], it->second.dims[1],
                            it->second.dims[2]);
                ok = false;
            } else {
                const Diff d = compare(c, it->second.values);
                ok = ok && d.measure <= c.tol;
                std::printf(" %-11.3e %-11.3e %-11.3e %-12s", d.max_abs, d.measure, c.tol,
                            c.unit.c_str());
            }
        }
        std::printf(" %s\n", ok ? "OK" : "FAIL");
        failures += ok ? 0 : 1;
    }
    if (checking) {
        /* Where each case differs most: a hint for a diagnosis. */
        std::printf("\n  largest difference at [row, dim1, dim2]: this platform / reference\n");
        for (const Case &c : cases) {
            auto it = ref.cases.find(c.name);
            if (!c.error.empty() || it == ref.cases.end() ||
                it->second.values.size() != c.out.size())
                continue;
            const Diff d = compare(c, it->second.values);
            const size_t n12 = c.dims[1] * c.dims[2], i = d.worst;
            std::printf("    %-24s [%zu, %zu, %zu]: %.9g / %.9g\n", c.name.c_str(), i / n12,
                        i % n12 / c.dims[2], i % c.dims[2], c.out[i], it->second.values[i]);
        }
    }
    std::printf("\n  threads: \"identical\" when the outputs for 1, 2 and 3 threads are\n"
                "           bit-identical (memcmp); zf-DIFFER: zero_from changed the result\n");
    std::printf("  cases:\n");
    for (const Case &c : cases) std::printf("    %-24s %s\n", c.name.c_str(), c.what.c_str());
    if (checking)
        std::printf("  measure: max|diff| for log outputs (absolute, output units); for linear\n"
                    "           outputs max|diff| / peak |value| of the row in the reference; for\n"
                    "           normalised outputs y, max |diff| * sd / (2 + |y|) in log units\n");

    if (!write_path.empty()) {
        if (!write_reference(write_path, cases, sig_hash.value(), tab_hash.value())) {
            std::fprintf(stderr, "harness: cannot write %s\n", write_path.c_str());
            return 2;
        }
        std::printf("wrote %s\n", write_path.c_str());
    }
    std::printf("%s: %d failure%s\n", failures ? "FAILED" : "PASSED", failures,
                failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
