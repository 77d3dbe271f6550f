/*
 * The C ABI: plan creation, instruction-set choice, the multi-threaded driver
 * and the top_db floor. Compiled for the baseline target only.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fastmel.h"
#include "kernel.h"
#include "pool.h"

struct fm_plan {
    fm_config cfg;
    fm_dtype dtype;
    std::unique_ptr<fastmel::Kernel> kernel;
};

namespace {

/* Work items (groups of frames) handed out at a time: about 8 chunks per
 * worker, so threads stay balanced while few chunk boundaries (where two
 * threads write neighbouring output) exist; bounded so that a chunk stays
 * short enough for the interrupt check. */
constexpr size_t kMinChunk = 4;
constexpr size_t kMaxChunk = 64;
/* The caller's interrupt function runs at most this often. */
constexpr auto kInterruptPeriod = std::chrono::milliseconds(20);

fm_status status_of_current_exception() {
    try {
        throw;
    } catch (const std::bad_alloc &) {
        return FM_ERR_NOMEM;
    } catch (const std::length_error &) {
        return FM_ERR_NOMEM;
    } catch (...) {
        return FM_ERR_INTERNAL;
    }
}

bool cpu_has_avx2_fma() {
#if defined(FASTMEL_HAVE_AVX2) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

bool valid_config(const fm_config *c) {
    if (c->fft_length < 1 || c->hop < 1 || c->num_mel_bins < 1) return false;
    if (!std::isfinite(c->mag_exp)) return false;
    if (c->pad_mode != FM_PAD_REFLECT && c->pad_mode != FM_PAD_CONSTANT) return false;
    /* Bounded so that sizes computed from it cannot overflow. */
    if (c->pad > (std::numeric_limits<size_t>::max() >> 4)) return false;
    if (c->fft_only && c->num_mel_bins > c->fft_length) return false;
    if (c->power_to_db) {
        if (!(c->min_power > 0) || !std::isfinite(c->min_power)) return false;
        if (!std::isfinite(c->ref_power)) return false;
        if (!(c->log_scale > 0) || !std::isfinite(c->log_scale)) return false;
        if (!(c->log_offset >= 0) || !std::isfinite(c->log_offset)) return false;
        if (!std::isfinite(c->out_offset)) return false;
        if (c->floor_mode != FM_FLOOR_NONE && c->floor_mode != FM_FLOOR_GLOBAL &&
            c->floor_mode != FM_FLOOR_PER_ROW)
            return false;
        if (c->floor_mode != FM_FLOOR_NONE && !(c->top_db >= 0)) return false;
    }
    return true;
}

/* The top_db floor: out = max(out, max - floor_range) with the maximum over
 * the whole call (FM_FLOOR_GLOBAL) or over each row; floor_range is top_db
 * in output units. Only the tiles (a group of
 * lanes frames x all bands) whose smallest value is below the threshold are
 * touched, so a loud signal costs no pass over the output. */
template <typename T>
void apply_floor(T *out, size_t n_rows, size_t nmels, size_t n_frames, size_t lanes,
                 const double *row_max, const double *item_min, int mode, double floor_range) {
    double gmax = -std::numeric_limits<double>::infinity();
    for (size_t r = 0; r < n_rows; ++r) gmax = std::max(gmax, row_max[r]);
    const size_t groups = (n_frames + lanes - 1) / lanes;
    for (size_t r = 0; r < n_rows; ++r) {
        const double mx = mode == FM_FLOOR_GLOBAL ? gmax : row_max[r];
        if (!std::isfinite(mx)) continue;  /* nothing finite to floor against */
        /* Keras computes max(D) - top_db in the output's precision. */
        const T thr = static_cast<T>(mx) - static_cast<T>(floor_range);
        for (size_t g = 0; g < groups; ++g) {
            if (!(item_min[r * groups + g] < static_cast<double>(thr))) continue;
            const size_t t0 = g * lanes, cnt = std::min(lanes, n_frames - t0);
            T *o = out + r * nmels * n_frames + t0;
            for (size_t m = 0; m < nmels; ++m, o += n_frames)
                for (size_t i = 0; i < cnt; ++i) o[i] = o[i] < thr ? thr : o[i];
        }
    }
}

}  // namespace

extern "C" {

fm_status fm_plan_create(const fm_config *cfg, fm_dtype dtype, const double *window,
                         const size_t *band_first, const size_t *band_len,
                         const double *weights, fm_plan **out) {
    if (!out) return FM_ERR_INVALID;
    *out = nullptr;
    if (!cfg || !window || !band_first || !band_len || !valid_config(cfg))
        return FM_ERR_INVALID;
    if (dtype != FM_FLOAT32 && dtype != FM_FLOAT64) return FM_ERR_INVALID;
    const size_t nbins = cfg->fft_length / 2 + 1;
    size_t total = 0;
    for (size_t m = 0; m < cfg->num_mel_bins; ++m) {
        if (band_first[m] > nbins || band_len[m] > nbins - band_first[m])
            return FM_ERR_INVALID;
        total += band_len[m];
    }
    if (total > 0 && !weights) return FM_ERR_INVALID;
    try {
        fastmel::KernelSpec spec;
        spec.dtype = dtype;
        spec.n = cfg->fft_length;
        spec.hop = cfg->hop;
        spec.nmels = cfg->num_mel_bins;
        spec.nbins = nbins;
        spec.pad = cfg->pad;
        spec.pad_zeros = cfg->pad_mode == FM_PAD_CONSTANT;
        spec.mag_exp = cfg->mag_exp;
        spec.power_to_db = cfg->power_to_db != 0 && !cfg->fft_only;
        spec.log_scale = cfg->log_scale;
        spec.log_offset = cfg->log_offset;
        spec.out_offset = cfg->out_offset;
        spec.fft_only = cfg->fft_only != 0;
        spec.min_power = cfg->min_power;
        spec.ref_power = cfg->ref_power;
        spec.window = window;
        spec.band_first = band_first;
        spec.band_len = band_len;
        spec.weights = weights;
        std::unique_ptr<fm_plan> plan(new fm_plan);
        plan->cfg = *cfg;
        plan->dtype = dtype;
        int choice = cfg->kernel;
        if (choice == FM_KERNEL_AUTO)
            choice = cpu_has_avx2_fma() ? FM_KERNEL_AVX2 : FM_KERNEL_BASELINE;
        if (choice == FM_KERNEL_AVX2) {
            if (!cpu_has_avx2_fma()) return FM_ERR_UNSUPPORTED;
#if defined(FASTMEL_HAVE_AVX2)
            plan->kernel.reset(fastmel::make_kernel_avx2(spec));
#endif
        } else if (choice == FM_KERNEL_BASELINE) {
            plan->kernel.reset(fastmel::make_kernel_baseline(spec));
        } else {
            return FM_ERR_INVALID;
        }
        *out = plan.release();
        return FM_OK;
    } catch (...) {
        return status_of_current_exception();
    }
}

void fm_plan_destroy(fm_plan *plan) { delete plan; }

size_t fm_num_frames(const fm_plan *plan, size_t n_samples) {
    if (!plan || n_samples == 0) return 0;
    const size_t n = plan->cfg.fft_length, pad = plan->cfg.pad;
    /* n_samples is a real array's length and pad is bounded: no overflow. */
    const size_t padded = n_samples + 2 * pad;
    if (padded < n) return 0;
    const size_t frames = 1 + (padded - n) / plan->cfg.hop;
    return frames > plan->cfg.drop_last ? frames - plan->cfg.drop_last : 0;
}

const char *fm_plan_isa(const fm_plan *plan) { return plan ? plan->kernel->isa() : ""; }

size_t fm_plan_lanes(const fm_plan *plan) { return plan ? plan->kernel->lanes() : 0; }

fm_status fm_compute(const fm_plan *plan, const void *x, size_t n_rows,
                     ptrdiff_t row_stride, ptrdiff_t sample_stride, size_t n_samples,
                     void *out, int num_threads, fm_interrupt_fn interrupt,
                     void *interrupt_ctx) {
    if (!plan || num_threads < 1 || n_samples == 0) return FM_ERR_INVALID;
    /* Nothing to write: out may be NULL. */
    if (n_rows == 0 || fm_num_frames(plan, n_samples) == 0) return FM_OK;
    if (!x || !out) return FM_ERR_INVALID;
    fastmel::Job job;
    job.x = x;
    job.n_rows = n_rows;
    job.row_stride = row_stride;
    job.sample_stride = sample_stride;
    job.n_samples = n_samples;
    job.n_frames = fm_num_frames(plan, n_samples);
    job.out = out;
    const fastmel::Kernel &kernel = *plan->kernel;
    const size_t lanes = kernel.lanes();
    const size_t groups = (job.n_frames + lanes - 1) / lanes;
    if (n_rows > std::numeric_limits<size_t>::max() / groups) return FM_ERR_INVALID;
    const size_t items = n_rows * groups;
    job.item_min = nullptr;
    const bool db = plan->cfg.power_to_db != 0 && !plan->cfg.fft_only;
    const bool floor = db && plan->cfg.floor_mode != FM_FLOOR_NONE;

    try {
        const size_t want = std::min<size_t>(static_cast<size_t>(num_threads),
                                             (items + kMinChunk - 1) / kMinChunk);
        const size_t chunk = std::max(kMinChunk, std::min(kMaxChunk, items / (8 * want)));
        const size_t chunks = (items + chunk - 1) / chunk;
        const size_t workers = std::min(want, chunks);
        /* Shared with helper tasks, which may start after this call returned
         * (they then find no chunk left and touch nothing but this state). */
        struct Shared {
            size_t chunks = 0;
            std::atomic<size_t> next{0};
            std::atomic<size_t> active{0};
            std::atomic<bool> stop{false};
            std::atomic<int> failure{FM_OK};
            std::mutex mutex;
            std::condition_variable idle;
        };
        auto shared = std::make_shared<Shared>();
        shared->chunks = chunks;
        /* One row-maximum array per worker, so workers never share a write. */
        std::vector<double> row_max(db ? workers * n_rows : 0,
                                    -std::numeric_limits<double>::infinity());
        std::vector<double> item_min(floor ? items : 0);
        if (floor) job.item_min = item_min.data();

        auto fail = [](Shared &s, int status) {
            int expected = FM_OK;
            s.failure.compare_exchange_strong(expected, status);
            s.stop = true;
        };
        /* Claims and runs chunks until none is left. */
        auto work = [&kernel, &job, &row_max, items, chunk, chunks, n_rows, db, fail](
                        Shared &s, size_t w, fm_interrupt_fn check, void *ctx) {
            double *rm = db ? row_max.data() + w * n_rows : nullptr;
            auto last_check = std::chrono::steady_clock::now();
            try {
                while (!s.stop.load(std::memory_order_relaxed)) {
                    const size_t c = s.next.fetch_add(1);
                    if (c >= chunks) break;
                    const size_t b = c * chunk;
                    kernel.run(job, b, std::min(items, b + chunk), rm);
                    if (check) {
                        auto now = std::chrono::steady_clock::now();
                        if (now - last_check >= kInterruptPeriod) {
                            last_check = now;
                            if (check(ctx)) fail(s, FM_ERR_INTERRUPTED);
                        }
                    }
                }
            } catch (...) {
                fail(s, status_of_current_exception());
            }
        };

        for (size_t w = 1; w < workers; ++w) {
            /* The task keeps the shared state alive. It registers as active
             * before it looks for work: if a chunk is still unclaimed then,
             * this call has not finished its own loop and will wait for it,
             * so `work` and everything it refers to are still alive. A task
             * that starts later finds every chunk claimed and touches
             * nothing else. (All atomics here are sequentially consistent.) */
            auto task = [shared, &work, w] {
                Shared &s = *shared;
                s.active.fetch_add(1);
                if (s.next.load() < s.chunks) work(s, w, nullptr, nullptr);
                if (s.active.fetch_sub(1) == 1) {
                    std::lock_guard<std::mutex> lock(s.mutex);
                    s.idle.notify_all();
                }
            };
            if (!fastmel::pool_submit(task, workers - 1)) break;
        }
        work(*shared, 0, interrupt, interrupt_ctx);
        /* The loop may have stopped early (interrupt, error): close the
         * counter so that no helper can claim a chunk from now on. */
        shared->next.store(chunks);
        {
            /* Wait for the helpers that registered while a chunk was left. A
             * helper that starts after this sees no chunk left. */
            std::unique_lock<std::mutex> lock(shared->mutex);
            shared->idle.wait(lock, [&] { return shared->active.load() == 0; });
        }
        const int failure_status = shared->failure.load();
        if (failure_status != FM_OK) return static_cast<fm_status>(failure_status);

        if (floor) {
            for (size_t w = 1; w < workers; ++w)
                for (size_t r = 0; r < n_rows; ++r)
                    row_max[r] = std::max(row_max[r], row_max[w * n_rows + r]);
            const size_t nmels = plan->cfg.num_mel_bins;
            const double floor_range = plan->cfg.top_db * plan->cfg.log_scale / 10.0;
            if (plan->dtype == FM_FLOAT32)
                apply_floor(static_cast<float *>(out), n_rows, nmels, job.n_frames, lanes,
                            row_max.data(), item_min.data(), plan->cfg.floor_mode,
                            floor_range);
            else
                apply_floor(static_cast<double *>(out), n_rows, nmels, job.n_frames, lanes,
                            row_max.data(), item_min.data(), plan->cfg.floor_mode,
                            floor_range);
        }
        return FM_OK;
    } catch (...) {
        return status_of_current_exception();
    }
}

const char *fm_status_message(int status) {
    switch (status) {
        case FM_OK: return "success";
        case FM_ERR_INVALID: return "invalid argument";
        case FM_ERR_NOMEM: return "out of memory";
        case FM_ERR_INTERNAL: return "internal error";
        case FM_ERR_INTERRUPTED: return "interrupted";
        case FM_ERR_UNSUPPORTED: return "kernel not supported on this CPU or not built";
        default: return "unknown status";
    }
}

}  // extern "C"
