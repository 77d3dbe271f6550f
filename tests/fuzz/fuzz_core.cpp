// libFuzzer harness for the C ABI (csrc/fastmel.h).
//
// The fuzz input is read as a configuration (sizes, flags, raw doubles that may
// be NaN, Inf, zero or negative), a window, sparse mel bands (possibly out of
// range) and a signal of raw floats (NaN, Inf, denormals included) with
// arbitrary strides. Every buffer has exactly the size the ABI promises, so
// AddressSanitizer catches any read or write outside it. Oracles:
//   - fm_plan_create either succeeds or returns FM_ERR_INVALID / FM_ERR_UNSUPPORTED;
//   - fm_compute on a valid plan returns FM_OK;
//   - the output is bit-identical for 1 and 3 threads.
// Build and run: tests/fuzz/run.sh (see tests/fuzz/README.md).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fastmel.h"

namespace {

struct Reader {
    const uint8_t *p;
    size_t n;
    template <typename T>
    T get() {
        T v{};
        const size_t k = n < sizeof(T) ? n : sizeof(T);
        std::memcpy(&v, p, k);
        p += k;
        n -= k;
        return v;
    }
};

double pick_double(Reader &r, const double *common, size_t n_common) {
    const uint8_t sel = r.get<uint8_t>();
    if (sel < 200) return common[sel % n_common];
    return r.get<double>();  // anything, NaN and Inf included
}

void fail(const char *what) {
    std::fprintf(stderr, "fuzz_core: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Reader r{data, size};
    fm_config cfg{};
    cfg.fft_length = 1 + r.get<uint16_t>() % 1024;
    cfg.hop = 1 + r.get<uint16_t>() % 700;
    cfg.num_mel_bins = 1 + r.get<uint8_t>() % 64;
    const uint8_t flags = r.get<uint8_t>();
    cfg.power_to_db = flags & 1;
    cfg.floor_mode = (flags >> 1) % 3;
    const fm_dtype dtype = ((flags >> 3) & 1) ? FM_FLOAT64 : FM_FLOAT32;
    cfg.kernel = (flags >> 4) % 3;
    cfg.fft_only = ((flags >> 6) & 1) && cfg.num_mel_bins <= cfg.fft_length;
    static const double exps[] = {2.0, 1.0, 0.5, 3.0, 1.5};
    static const double mins[] = {1e-10, 1e-6, 1e-30, 1e-45, 1.0};
    static const double refs[] = {1.0, 0.01, -2.0, 0.0, 1e6};
    static const double tops[] = {80.0, 0.0, 30.0, 120.0};
    cfg.mag_exp = pick_double(r, exps, 5);
    cfg.min_power = pick_double(r, mins, 5);
    cfg.ref_power = pick_double(r, refs, 5);
    cfg.top_db = pick_double(r, tops, 4);
    static const double scales[] = {10.0, 2.302585092994046, 0.25};
    static const double offsets[] = {0.0, 1e-6, 1.0};
    cfg.log_scale = pick_double(r, scales, 3);
    cfg.log_offset = pick_double(r, offsets, 3);
    cfg.out_offset = cfg.log_scale == 0.25 ? 1.0 : 0.0;
    const uint8_t shape_flags = r.get<uint8_t>();
    cfg.pad = (shape_flags & 1) ? cfg.fft_length / 2 : (shape_flags >> 1) % 5;
    cfg.pad_mode = (shape_flags >> 4) & 1 ? FM_PAD_CONSTANT : FM_PAD_REFLECT;
    cfg.drop_last = (shape_flags >> 5) & 1;

    const size_t n = cfg.fft_length, nbins = n / 2 + 1, nmels = cfg.num_mel_bins;
    std::vector<double> window(n);
    const bool raw_window = r.get<uint8_t>() & 1;
    for (size_t k = 0; k < n; ++k)
        window[k] = raw_window ? r.get<float>() : 0.5 - 0.5 * std::cos(2 * M_PI * k / n);
    std::vector<size_t> first(nmels), len(nmels);
    size_t total = 0;
    for (size_t m = 0; m < nmels; ++m) {
        first[m] = r.get<uint16_t>() % (nbins + 2);  // may be out of range: INVALID
        len[m] = r.get<uint8_t>() % 24;
        total += len[m];
    }
    std::vector<double> weights(total);
    for (auto &w : weights) w = r.get<uint8_t>() < 250 ? r.get<uint8_t>() / 255.0 : r.get<float>();

    fm_plan *plan = nullptr;
    const fm_status st = fm_plan_create(&cfg, dtype, window.data(), first.data(), len.data(),
                                        weights.data(), &plan);
    if (st != FM_OK) {
        if (st != FM_ERR_INVALID && st != FM_ERR_UNSUPPORTED) fail("unexpected plan status");
        if (plan) fail("plan set on failure");
        return 0;
    }

    const size_t rows = 1 + r.get<uint8_t>() % 3;
    const size_t n_samples = 1 + r.get<uint16_t>() % 4000;
    const ptrdiff_t ss = (r.get<uint8_t>() & 1) ? 1 : ((r.get<uint8_t>() & 1) ? 2 : -1);
    const size_t item = dtype == FM_FLOAT32 ? sizeof(float) : sizeof(double);
    const size_t span = n_samples * static_cast<size_t>(ss < 0 ? -ss : ss);
    std::vector<unsigned char> xbuf(rows * span * item);
    for (size_t i = 0; i < rows * span; ++i) {
        if (dtype == FM_FLOAT32) {
            float v = r.n ? r.get<float>() : static_cast<float>(std::sin(0.1 * i));
            std::memcpy(&xbuf[i * item], &v, item);
        } else {
            double v = r.n ? static_cast<double>(r.get<float>()) : std::sin(0.1 * i);
            std::memcpy(&xbuf[i * item], &v, item);
        }
    }
    // Element [0, 0]: for a negative sample stride, the last element of row 0.
    const unsigned char *x0 = xbuf.data() + (ss < 0 ? (span - 1) * item : 0);
    const ptrdiff_t rs = static_cast<ptrdiff_t>(span);

    const size_t frames = fm_num_frames(plan, n_samples);
    const size_t out_bytes = rows * nmels * frames * item;
    std::vector<unsigned char> out1(out_bytes), out3(out_bytes);
    if (fm_compute(plan, x0, rows, rs, ss, n_samples, out1.data(), 1, nullptr, nullptr) != FM_OK)
        fail("compute failed on a valid plan (1 thread)");
    if (fm_compute(plan, x0, rows, rs, ss, n_samples, out3.data(), 3, nullptr, nullptr) != FM_OK)
        fail("compute failed on a valid plan (3 threads)");
    // (No frames at all is valid since uncentred plans exist: nothing to compare.)
    if (out_bytes && std::memcmp(out1.data(), out3.data(), out_bytes) != 0)
        fail("1 vs 3 threads differ");
    fm_plan_destroy(plan);
    return 0;
}
