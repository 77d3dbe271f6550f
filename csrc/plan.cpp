/*
 * The C ABI: option checks, plan creation, instruction-set choice, the
 * multi-threaded driver and the floor. Compiled for the baseline target only.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "fastmel.h"
#include "kernel.h"
#include "pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* What the driver needs of the options after the kernel took its copies. */
struct fm_plan {
    fm_dtype dtype;
    size_t hop, drop_last;
    ptrdiff_t reach;
    size_t num_bands, num_features;
    bool log, has_energy, two_pass;
    int floor_mode;
    double floor_range;
    int layout;
    double fill;
    fm_norm_opts norm;
    std::unique_ptr<fastmel::Kernel> kernel;
};

namespace {

/* Work items (groups of frames) handed out at a time: a share of what is
 * left (guided scheduling: big chunks first, small ones at the end, so that
 * the workers finish together even when the costly items are bunched, as
 * the audio before a zero-padded tail), at least kMinChunk so that few chunk
 * boundaries (where two threads write neighbouring output) exist, at most
 * kMaxChunk so that a chunk stays short enough for the interrupt check. */
constexpr size_t kMinChunk = 4;
constexpr size_t kMaxChunk = 64;
/* The caller, done with its own chunks, polls this long for the helpers to
 * finish theirs before it sleeps (the wake-up of a sleeping thread costs
 * tens of microseconds, a large part of a small call). */
constexpr auto kJoinSpin = std::chrono::microseconds(200);
/* The caller's interrupt function runs at most this often. */
constexpr auto kInterruptPeriod = std::chrono::milliseconds(20);
/* The most memory a call keeps for the second pass of a two-pass plan. */
constexpr size_t kMaxKept = size_t(1) << 30;
/* Sizes and offsets stay below this, so that sums of a few cannot overflow. */
constexpr size_t kMaxSize = std::numeric_limits<size_t>::max() >> 4;

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

/* AVX2 and FMA on this CPU, with the OS saving the YMM registers, asked of
 * CPUID directly (compilers' __builtin_cpu_supports needs a runtime, libgcc's
 * or compiler-rt's, that not every toolchain links in: zig's does not). */
bool cpu_has_avx2_fma() {
#if defined(FASTMEL_HAVE_AVX2) && (defined(__x86_64__) || defined(__i386__))
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!(fma && osxsave && avx)) return false;
    unsigned xcr0_lo, xcr0_hi;
    __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6u) != 6u) return false; /* SSE and AVX state enabled by the OS */
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) != 0; /* AVX2 */
#else
    return false;
#endif
}

bool finite(double v) { return std::isfinite(v); }

bool finite_array(const double *a, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(a[i])) return false;
    return true;
}

/* Every option in range, stage by stage (the header's comments). */
bool valid_options(const fm_options &o, const fm_tables &t) {
    const fm_framing_opts &f = o.framing;
    if (f.frame_length < 1 || f.hop < 1 || f.frame_length > kMaxSize || f.hop > kMaxSize)
        return false;
    const ptrdiff_t big = static_cast<ptrdiff_t>(kMaxSize);
    if (f.start < -big || f.start > big || f.reach < -big || f.reach > big) return false;
    if (f.drop_last > kMaxSize) return false;
    if (f.pad_mode != FM_PAD_REFLECT && f.pad_mode != FM_PAD_CONSTANT &&
        f.pad_mode != FM_PAD_SYMMETRIC)
        return false;
    if (!finite(f.signal_preemphasis)) return false;

    const fm_condition_opts &c = o.condition;
    if (!(c.dither >= 0) || !finite(c.dither) || !finite(c.preemphasis)) return false;
    if (t.window && !finite_array(t.window, f.frame_length)) return false;
    if (c.energy != FM_ENERGY_NONE && c.energy != FM_ENERGY_RAW && c.energy != FM_ENERGY_WINDOWED)
        return false;
    if (c.energy != FM_ENERGY_NONE &&
        (!(c.energy_min > 0) || !finite(c.energy_min) || std::isnan(c.energy_floor) ||
         c.energy_floor == std::numeric_limits<double>::infinity()))
        return false;

    const fm_spectrum_opts &s = o.spectrum;
    if (s.fft_length < f.frame_length || s.fft_length > kMaxSize) return false;
    if (s.fft_offset > s.fft_length - f.frame_length) return false;
    if (!(s.mag_exp > 0) || !finite(s.mag_exp)) return false;
    if (!(s.power_floor >= 0) || !finite(s.power_floor)) return false;
    if (!(s.power_offset >= 0) || !finite(s.power_offset)) return false;

    const fm_bank_opts &b = o.bank;
    const size_t nbins = s.fft_length / 2 + 1;
    if (b.num_bands < 1 || b.num_bands > kMaxSize || !t.band_first || !t.band_len) return false;
    size_t total = 0;
    for (size_t m = 0; m < b.num_bands; ++m) {
        if (t.band_first[m] > nbins || t.band_len[m] > nbins - t.band_first[m]) return false;
        total += t.band_len[m];
    }
    if (total > 0 && (!t.band_weights || !finite_array(t.band_weights, total))) return false;

    const fm_log_opts &l = o.log;
    if (l.enabled) {
        if (!(l.min_power > 0) || !finite(l.min_power) || !finite(l.ref_power)) return false;
        if (!(l.log_scale > 0) || !finite(l.log_scale)) return false;
        if (!(l.log_offset >= 0) || !finite(l.log_offset) || !finite(l.out_offset)) return false;
    }

    const fm_floor_opts &fl = o.floor;
    if (fl.mode != FM_FLOOR_NONE && fl.mode != FM_FLOOR_GLOBAL && fl.mode != FM_FLOOR_PER_ROW)
        return false;
    if (fl.mode != FM_FLOOR_NONE && (!l.enabled || !(fl.range >= 0) || !finite(fl.range)))
        return false;

    const fm_post_opts &p = o.post;
    if (p.num_features > kMaxSize) return false;
    if (p.num_features > 0) {
        if (!t.post_matrix || b.num_bands > kMaxSize / p.num_features ||
            !finite_array(t.post_matrix, p.num_features * b.num_bands))
            return false;
    }
    const size_t k = p.num_features ? p.num_features : b.num_bands;
    if (t.post_bias && !finite_array(t.post_bias, k)) return false;
    if (c.energy != FM_ENERGY_NONE && p.energy_index > (p.energy_insert ? k : k - 1))
        return false;
    if (p.layout != FM_LAYOUT_BANDS_FRAMES && p.layout != FM_LAYOUT_FRAMES_BANDS) return false;

    const fm_norm_opts &n = o.norm;
    if (n.mode != FM_NORM_NONE && n.mode != FM_NORM_MEAN && n.mode != FM_NORM_MEAN_STD)
        return false;
    if (!(n.eps >= 0) || !finite(n.eps)) return false;
    if (n.exclude_last > (size_t(1) << 40)) return false;
    return true;
}

/* How many workers parallel_for() runs `items` work items on. */
struct Split {
    size_t workers;
    Split(size_t items, int num_threads) {
        workers = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(num_threads),
                                                       (items + kMinChunk - 1) / kMinChunk));
    }
    /* The size of the next chunk when `left` items are left. */
    size_t chunk(size_t left) const {
        return std::min(left, std::max(kMinChunk, std::min(kMaxChunk, left / (2 * workers))));
    }
};

/*
 * Runs fn(begin, end, worker) over items [0, items) in chunks on up to
 * Split(items, num_threads).workers threads (the caller's and pool helpers; worker < that
 * count), checking `interrupt` from the calling thread. Returns FM_OK or the
 * first failure.
 */
template <typename Fn>
fm_status parallel_for(size_t items, int num_threads, fm_interrupt_fn interrupt,
                       void *interrupt_ctx, const Fn &fn) {
    const Split split(items, num_threads);
    const size_t workers = split.workers;
    /* Shared with helper tasks, which may start after this call returned
     * (they then find no chunk left and touch nothing but this state). */
    struct Shared {
        size_t items = 0;
        std::atomic<size_t> next{0};  /* the first item not yet claimed */
        std::atomic<size_t> active{0};
        std::atomic<bool> stop{false};
        std::atomic<int> failure{FM_OK};
        std::mutex mutex;
        std::condition_variable idle;
    };
    auto shared = std::make_shared<Shared>();
    shared->items = items;

    auto fail = [](Shared &s, int status) {
        int expected = FM_OK;
        s.failure.compare_exchange_strong(expected, status);
        s.stop = true;
    };
    /* Claims and runs chunks until none is left. */
    auto work = [&fn, &split, items, fail](Shared &s, size_t w, fm_interrupt_fn check,
                                           void *ctx) {
        auto last_check = std::chrono::steady_clock::now();
        try {
            while (!s.stop.load(std::memory_order_relaxed)) {
                size_t b = s.next.load(), e;
                do {
                    if (b >= items) break;
                    e = b + split.chunk(items - b);
                } while (!s.next.compare_exchange_weak(b, e));
                if (b >= items) break;
                fn(b, e, w);
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
         * before it looks for work: if a chunk is still unclaimed then, this
         * call has not finished its own loop and will wait for it, so `work`
         * and everything it refers to are still alive. A task that starts
         * later finds every chunk claimed and touches nothing else. (All
         * atomics here are sequentially consistent.) */
        auto task = [shared, &work, w] {
            Shared &s = *shared;
            s.active.fetch_add(1);
            if (s.next.load() < s.items) work(s, w, nullptr, nullptr);
            if (s.active.fetch_sub(1) == 1) {
                std::lock_guard<std::mutex> lock(s.mutex);
                s.idle.notify_all();
            }
        };
        if (!fastmel::pool_submit(task, workers - 1)) break;
    }
    work(*shared, 0, interrupt, interrupt_ctx);
    /* The loop may have stopped early (interrupt, error): close the counter
     * so that no helper can claim a chunk from now on. */
    shared->next.store(items);
    const auto spin_start = std::chrono::steady_clock::now();
    while (shared->active.load() != 0 &&
           std::chrono::steady_clock::now() - spin_start < kJoinSpin)
        fastmel::cpu_relax();
    {
        /* Wait for the helpers that registered while a chunk was left. A
         * helper that starts after this sees no chunk left. */
        std::unique_lock<std::mutex> lock(shared->mutex);
        shared->idle.wait(lock, [&] { return shared->active.load() == 0; });
    }
    return static_cast<fm_status>(shared->failure.load());
}

/* The floor's threshold per row into thr: the maximum over the whole call
 * (FM_FLOOR_GLOBAL) or over each run of floor_group rows, minus range, in the
 * output's precision as Keras computes max(D) - top_db (-inf where there is
 * nothing finite to floor against); and into marked, the work items (a group
 * of lanes frames of a row, within its own frames) whose smallest log value
 * is below it: the only ones the floor changes, so a loud signal costs no
 * pass. */
template <typename T>
void floor_items(size_t n_rows, size_t n_frames, size_t lanes, const size_t *row_frames,
                 const double *row_max, const double *item_min, int mode, double range,
                 size_t floor_group, double *thr, unsigned char *marked) {
    const size_t run = mode == FM_FLOOR_GLOBAL ? n_rows : floor_group;
    const size_t groups = (n_frames + lanes - 1) / lanes;
    double mx = -std::numeric_limits<double>::infinity();
    for (size_t r = 0; r < n_rows; ++r) {
        if (r % run == 0) {
            mx = -std::numeric_limits<double>::infinity();
            for (size_t i = r; i < r + run; ++i) mx = std::max(mx, row_max[i]);
        }
        thr[r] = std::isfinite(mx)
                     ? static_cast<double>(static_cast<T>(mx) - static_cast<T>(range))
                     : -std::numeric_limits<double>::infinity();
        const size_t frames = row_frames ? row_frames[r] : n_frames;
        for (size_t g = 0; g < groups; ++g)
            marked[r * groups + g] = g * lanes < frames && item_min[r * groups + g] < thr[r];
    }
}

/* The floor on the output itself (plans whose features are the log bands):
 * v = max(v, thr[r]) on the marked items' frames. Element (r, k, t) is at
 * v[r * nk * n_frames + k * sk + t * st]. */
template <typename T>
void apply_floor(T *v, size_t begin, size_t end, size_t nk, size_t n_frames, size_t sk, size_t st,
                 size_t lanes, const size_t *row_frames, const double *thr,
                 const unsigned char *marked) {
    const size_t groups = (n_frames + lanes - 1) / lanes;
    for (size_t item = begin; item < end; ++item) {
        if (!marked[item]) continue;
        const size_t r = item / groups, g = item % groups;
        const T t = static_cast<T>(thr[r]);
        const size_t frames = row_frames ? row_frames[r] : n_frames;
        T *row = v + r * nk * n_frames;
        const size_t t0 = g * lanes, cnt = std::min(lanes, frames - t0);
        for (size_t k = 0; k < nk; ++k)
            for (size_t i = 0; i < cnt; ++i) {
                T &e = row[k * sk + (t0 + i) * st];
                e = e < t ? t : e;  /* NaN stays NaN */
            }
    }
}

/* A plan's dtype and kernel: FM_ERR_INVALID for a value outside the enums,
 * FM_ERR_UNSUPPORTED for a kernel this build or CPU cannot run, else FM_OK. */
fm_status check_dtype_and_kernel(fm_dtype dtype, int kernel) {
    if (dtype != FM_FLOAT32 && dtype != FM_FLOAT64) return FM_ERR_INVALID;
    if (kernel != FM_KERNEL_AUTO && kernel != FM_KERNEL_BASELINE && kernel != FM_KERNEL_AVX2)
        return FM_ERR_INVALID;
    return fm_kernel_available(kernel) ? FM_OK : FM_ERR_UNSUPPORTED;
}

/* The kernel a plan asking for `kernel` runs ("auto": the best this CPU has). */
int chosen_kernel(int kernel) {
    if (kernel != FM_KERNEL_AUTO) return kernel;
    return cpu_has_avx2_fma() ? FM_KERNEL_AVX2 : FM_KERNEL_BASELINE;
}

bool valid_frames_options(const fm_frames_opts &o, const fm_frames_tables &t) {
    if (o.num_features < 1 || o.num_features > kMaxSize) return false;
    if (o.layout != FM_LAYOUT_BANDS_FRAMES && o.layout != FM_LAYOUT_FRAMES_BANDS) return false;
    const fm_pcen_opts &p = o.pcen;
    if (p.enabled) {
        if (!(p.smooth > 0 && p.smooth <= 1) || !finite(p.initial)) return false;
        if (!(p.gain >= 0) || !finite(p.gain) || !(p.bias >= 0) || !finite(p.bias)) return false;
        if (!(p.power >= 0) || !finite(p.power) || !(p.eps > 0) || !finite(p.eps)) return false;
    }
    const fm_stack_opts &st = o.stack;
    if (st.size > 0 && (st.size > 65536 || st.step < 1 || st.step > kMaxSize ||
                        st.left > kMaxSize || o.num_features > kMaxSize / (9 * st.size)))
        return false;
    const fm_cmvn_opts &c = o.cmvn;
    if (c.enabled && (c.window < 1 || c.window > kMaxSize || c.min_window > kMaxSize)) return false;
    const fm_delta_opts &d = o.delta;
    if (d.order > 8 || o.num_features > kMaxSize / (1 + d.order)) return false;
    if (d.order > 0) {
        if (d.width < 1 || d.width > 4095 || d.width % 2 == 0) return false;
        if (d.edge < FM_EDGE_REPLICATE || d.edge > FM_EDGE_INTERP) return false;
        if (d.edge == FM_EDGE_INTERP && d.recursive) return false;
        if (!t.delta_filters || !finite_array(t.delta_filters, (d.recursive ? 1 : d.order) * d.width))
            return false;
    }
    return true;
}

}  // namespace

/* What the frames driver needs besides the kernel. */
struct fm_frames_plan {
    fm_dtype dtype;
    size_t num_features, out_features;
    size_t step;  /* 1 without stacking */
    fm_delta_opts delta;
    double pcen_initial;
    std::unique_ptr<fastmel::FramesKernel> kernel;
};

extern "C" {

fm_status fm_frames_create(const fm_frames_opts *opts, const fm_frames_tables *tables,
                           fm_dtype dtype, fm_frames_plan **out) {
    if (!out) return FM_ERR_INVALID;
    *out = nullptr;
    if (!opts || !tables || !valid_frames_options(*opts, *tables)) return FM_ERR_INVALID;
    if (const fm_status st = check_dtype_and_kernel(dtype, opts->kernel)) return st;
    try {
        std::unique_ptr<fm_frames_plan> plan(new fm_frames_plan);
        plan->dtype = dtype;
        plan->num_features = opts->num_features;
        const bool stacking = opts->stack.size > 0;
        plan->out_features =
            opts->num_features * (1 + opts->delta.order) * (stacking ? opts->stack.size : 1);
        plan->step = stacking ? opts->stack.step : 1;
        plan->delta = opts->delta;
        plan->pcen_initial = opts->pcen.initial;
        const int choice = chosen_kernel(opts->kernel);
#if defined(FASTMEL_HAVE_AVX2)
        if (choice == FM_KERNEL_AVX2)
            plan->kernel.reset(fastmel::make_frames_avx2(*opts, *tables, dtype));
#endif
        if (choice == FM_KERNEL_BASELINE)
            plan->kernel.reset(fastmel::make_frames_baseline(*opts, *tables, dtype));
        if (!plan->kernel) return FM_ERR_UNSUPPORTED;
        *out = plan.release();
        return FM_OK;
    } catch (...) {
        return status_of_current_exception();
    }
}

void fm_frames_destroy(fm_frames_plan *plan) { delete plan; }

size_t fm_frames_out_features(const fm_frames_plan *plan) { return plan ? plan->out_features : 0; }

size_t fm_frames_out_frames(const fm_frames_plan *plan, size_t n_frames) {
    if (!plan) return 0;
    return n_frames / plan->step + (n_frames % plan->step ? 1 : 0);
}

const char *fm_frames_isa(const fm_frames_plan *plan) { return plan ? plan->kernel->isa() : ""; }

fm_status fm_frames_compute(const fm_frames_plan *plan, const void *in, void *out,
                            size_t n_rows, size_t n_frames, const size_t *lengths,
                            double *state, int state_in, int num_threads,
                            fm_interrupt_fn interrupt, void *interrupt_ctx) {
    return fm_frames_compute_part(plan, in, out, n_rows, n_frames, lengths, nullptr, state,
                                  state_in, num_threads, interrupt, interrupt_ctx);
}

fm_status fm_frames_compute_part(const fm_frames_plan *plan, const void *in, void *out,
                                 size_t n_rows, size_t n_frames, const size_t *lengths,
                                 const fm_frames_part *part, double *state, int state_in,
                                 int num_threads, fm_interrupt_fn interrupt,
                                 void *interrupt_ctx) {
    if (!plan || num_threads < 1) return FM_ERR_INVALID;
    if (part && (lengths || part->first > n_frames || part->frame0 > kMaxSize ||
                 (part->total != FM_FRAMES_OPEN &&
                  (part->total < part->frame0 || part->total - part->frame0 < n_frames))))
        return FM_ERR_INVALID;
    num_threads = std::min(num_threads, FM_MAX_THREADS);
    if (n_rows > kMaxSize || n_frames > kMaxSize) return FM_ERR_INVALID;
    const bool interp = plan->delta.order > 0 && plan->delta.edge == FM_EDGE_INTERP;
    for (size_t r = 0; r < n_rows; ++r) {
        const size_t n = lengths ? lengths[r] : n_frames;
        if (n > n_frames) return FM_ERR_INVALID;
        /* no frame of the row may be nearer both ends than the filter's half width */
        if (interp && n > 0 && n < plan->delta.width) return FM_ERR_INVALID;
    }
    if (n_rows == 0) return FM_OK;
    if (n_frames == 0) {  /* no frame: the state stays M[-1] */
        if (state && !state_in)
            std::fill(state, state + n_rows * plan->num_features, plan->pcen_initial);
        return FM_OK;
    }
    if (!in || !out) return FM_ERR_INVALID;
    try {
        const fastmel::FramesKernel &kernel = *plan->kernel;
        const size_t blocks = (plan->num_features + kernel.block() - 1) / kernel.block();
        if (n_rows > std::numeric_limits<size_t>::max() / blocks) return FM_ERR_INVALID;
        fastmel::FramesJob job{in, out, n_rows, n_frames, lengths, state, state_in != 0};
        job.frame0 = part ? part->frame0 : 0;
        job.total = part ? part->total : 0;  /* 0: each row's own frames */
        job.first = part ? part->first : 0;
        return parallel_for(n_rows * blocks, num_threads, interrupt, interrupt_ctx,
                            [&](size_t b, size_t e, size_t) { kernel.run(job, b, e); });
    } catch (...) {
        return status_of_current_exception();
    }
}

fm_status fm_plan_create(const fm_options *opts, const fm_tables *tables, fm_dtype dtype,
                         fm_plan **out) {
    if (!out) return FM_ERR_INVALID;
    *out = nullptr;
    if (!opts || !tables || !valid_options(*opts, *tables)) return FM_ERR_INVALID;
    if (const fm_status st = check_dtype_and_kernel(dtype, opts->kernel)) return st;
    try {
        std::unique_ptr<fm_plan> plan(new fm_plan);
        const fm_options &o = *opts;
        plan->dtype = dtype;
        plan->hop = o.framing.hop;
        plan->drop_last = o.framing.drop_last;
        plan->reach = o.framing.reach;
        plan->num_bands = o.bank.num_bands;
        plan->log = o.log.enabled != 0;
        plan->has_energy = o.condition.energy != FM_ENERGY_NONE;
        const size_t k = o.post.num_features ? o.post.num_features : o.bank.num_bands;
        plan->num_features = k + (plan->has_energy && o.post.energy_insert ? 1 : 0);
        plan->floor_mode = plan->log ? o.floor.mode : FM_FLOOR_NONE;
        plan->floor_range = o.floor.range;
        /* The floor acts on the log bands: a second pass when the features
         * are something else (a matrix, a bias or an energy on top). */
        plan->two_pass = plan->floor_mode != FM_FLOOR_NONE &&
                         (o.post.num_features > 0 || plan->has_energy || tables->post_bias);
        plan->layout = o.post.layout;
        plan->norm = o.norm;
        plan->fill = o.post.fill;
        const int choice = chosen_kernel(o.kernel);
#if defined(FASTMEL_HAVE_AVX2)
        if (choice == FM_KERNEL_AVX2) plan->kernel.reset(fastmel::make_kernel_avx2(o, *tables, dtype));
#endif
        if (choice == FM_KERNEL_BASELINE)
            plan->kernel.reset(fastmel::make_kernel_baseline(o, *tables, dtype));
        if (!plan->kernel) return FM_ERR_UNSUPPORTED;
        *out = plan.release();
        return FM_OK;
    } catch (...) {
        return status_of_current_exception();
    }
}

void fm_plan_destroy(fm_plan *plan) { delete plan; }

size_t fm_num_frames(const fm_plan *plan, size_t n_samples) {
    if (!plan || n_samples == 0) return 0;
    /* n_samples is a real array's length and reach is bounded: no overflow. */
    const ptrdiff_t n = static_cast<ptrdiff_t>(std::min(n_samples, kMaxSize));
    if (n < plan->reach) return 0;
    const size_t frames = 1 + static_cast<size_t>(n - plan->reach) / plan->hop;
    return frames > plan->drop_last ? frames - plan->drop_last : 0;
}

size_t fm_num_features(const fm_plan *plan) { return plan ? plan->num_features : 0; }

const char *fm_plan_isa(const fm_plan *plan) { return plan ? plan->kernel->isa() : ""; }

size_t fm_plan_lanes(const fm_plan *plan) { return plan ? plan->kernel->lanes() : 0; }

int fm_kernel_available(int kernel) {
    switch (kernel) {
        case FM_KERNEL_AUTO:
        case FM_KERNEL_BASELINE: return 1;
        case FM_KERNEL_AVX2: return cpu_has_avx2_fma() ? 1 : 0;
        default: return 0;
    }
}

fm_status fm_torch_randn(uint32_t seed, size_t n, float *out, int kernel) {
    const fm_status st = check_dtype_and_kernel(FM_FLOAT32, kernel);
    if (st != FM_OK) return st;
    if (n > 0 && !out) return FM_ERR_INVALID;
#if defined(FASTMEL_HAVE_AVX2)
    if (chosen_kernel(kernel) == FM_KERNEL_AVX2) {
        fastmel::torch_randn_avx2(seed, n, out);
        return FM_OK;
    }
#endif
    fastmel::torch_randn_baseline(seed, n, out);
    return FM_OK;
}

fm_status fm_utterance_cmvn_f32(float *x, size_t frames, size_t n, size_t bands, int means,
                                int variances, int kernel) {
    const fm_status st = check_dtype_and_kernel(FM_FLOAT32, kernel);
    if (st != FM_OK) return st;
    if (!x || n < 1 || n > frames || bands < 2) return FM_ERR_INVALID;
#if defined(FASTMEL_HAVE_AVX2)
    if (chosen_kernel(kernel) == FM_KERNEL_AVX2) {
        fastmel::utterance_cmvn_avx2(x, frames, n, bands, means != 0, variances != 0);
        return FM_OK;
    }
#endif
    fastmel::utterance_cmvn_baseline(x, frames, n, bands, means != 0, variances != 0);
    return FM_OK;
}

fm_status fm_compute(const fm_plan *plan, const fm_input *in, void *out, int num_threads,
                     fm_interrupt_fn interrupt, void *interrupt_ctx) {
    if (!plan || !in || num_threads < 1 || in->n_samples == 0) return FM_ERR_INVALID;
    if (in->samples_float32 && plan->dtype != FM_FLOAT64) return FM_ERR_INVALID;
    num_threads = std::min(num_threads, FM_MAX_THREADS);
    const size_t floor_group = in->floor_group > 1 ? in->floor_group : 1;
    if (plan->floor_mode == FM_FLOOR_PER_ROW && in->n_rows % floor_group) return FM_ERR_INVALID;
    if (in->lengths)  /* refused whether or not there is anything to compute */
        for (size_t r = 0; r < in->n_rows; ++r)
            if (in->lengths[r] > in->n_samples) return FM_ERR_INVALID;
    const size_t n_frames = fm_num_frames(plan, in->n_samples);
    /* Nothing to write: out may be NULL. */
    if (in->n_rows == 0 || n_frames == 0) return FM_OK;
    if (in->rows) {  /* separate rows: each must say how many samples it holds */
        if (!in->zero_from || !in->zeros_unstored) return FM_ERR_INVALID;
        for (size_t r = 0; r < in->n_rows; ++r)
            if (!in->rows[r] && in->zero_from[r] > 0) return FM_ERR_INVALID;
    } else if (!in->data) {
        return FM_ERR_INVALID;
    }
    if (!out) return FM_ERR_INVALID;
    const fastmel::Kernel &kernel = *plan->kernel;
    const size_t lanes = kernel.lanes();
    const size_t groups = (n_frames + lanes - 1) / lanes;
    if (in->n_rows > std::numeric_limits<size_t>::max() / groups) return FM_ERR_INVALID;
    const size_t items = in->n_rows * groups;
    const size_t n_rows = in->n_rows;
    const bool floor = plan->floor_mode != FM_FLOOR_NONE;
    try {
        fastmel::Job job;
        job.x = in->data;
        job.rows = in->rows;
        job.n_rows = n_rows;
        job.row_stride = in->row_stride;
        job.sample_stride = in->sample_stride;
        job.n_samples = in->n_samples;
        job.n_frames = n_frames;
        job.lengths = in->lengths;
        job.zero_from = in->zero_from;
        job.zeros_unstored = in->zero_from && in->zeros_unstored;
        job.samples_f32 = in->samples_float32 != 0;
        job.frame_index0 = in->frame_index0;
        job.dither_key = in->dither_key;
        job.out = out;
        job.floor_thr = nullptr;
        job.redo = nullptr;
        job.item_min = nullptr;
        job.kept = nullptr;
        /* Two-pass plans keep each item's log bands for the second pass when
         * that memory is at most kMaxKept (else it computes them again). */
        std::unique_ptr<unsigned char[]> kept;
        if (floor && plan->two_pass && items <= kMaxKept / kernel.kept_bytes()) {
            kept.reset(new (std::nothrow) unsigned char[items * kernel.kept_bytes()]);
            job.kept = kept.get();
        }
        std::vector<size_t> row_frames;
        if (in->lengths) {
            row_frames.resize(n_rows);
            for (size_t r = 0; r < n_rows; ++r)
                row_frames[r] = std::min(n_frames, fm_num_frames(plan, in->lengths[r]));
        }
        job.row_frames = in->lengths ? row_frames.data() : nullptr;
        std::vector<double> item_min(floor ? items : 0);
        /* The floor's threshold per row and the items it changes. */
        std::vector<double> floor_thr(floor ? n_rows : 0);
        std::vector<unsigned char> marked(floor ? items : 0);
        if (floor) job.item_min = item_min.data();
        /* One row-maximum array per worker, so workers never share a write. */
        const size_t workers = Split(items, num_threads).workers;
        /* (the floor's only: without one the kernel skips the extremes) */
        const bool maxima = plan->log && floor;
        std::vector<double> row_max(maxima ? workers * n_rows : 0,
                                    -std::numeric_limits<double>::infinity());
        fm_status status = parallel_for(
            items, num_threads, interrupt, interrupt_ctx,
            [&](size_t b, size_t e, size_t w) {
                kernel.run(job, b, e, maxima ? row_max.data() + w * n_rows : nullptr);
            });
        if (status != FM_OK) return status;
        if (floor) {
            for (size_t w = 1; w < workers; ++w)
                for (size_t r = 0; r < n_rows; ++r)
                    row_max[r] = std::max(row_max[r], row_max[w * n_rows + r]);
            if (in->floor_max) {  /* a stream: the maximum of the frames before too */
                for (size_t r = 0; r < n_rows; ++r)
                    row_max[r] = std::max(row_max[r], in->floor_max[r]);  /* (NaN: ignored) */
                const size_t run = plan->floor_mode == FM_FLOOR_GLOBAL ? n_rows : floor_group;
                for (size_t r0 = 0; r0 < n_rows; r0 += run) {
                    double mx = -std::numeric_limits<double>::infinity();
                    for (size_t r = r0; r < r0 + run; ++r) mx = std::max(mx, row_max[r]);
                    std::fill(in->floor_max + r0, in->floor_max + r0 + run, mx);
                }
            }
            if (plan->dtype == FM_FLOAT32)
                floor_items<float>(n_rows, n_frames, lanes, job.row_frames, row_max.data(),
                                   item_min.data(), plan->floor_mode, plan->floor_range,
                                   floor_group, floor_thr.data(), marked.data());
            else
                floor_items<double>(n_rows, n_frames, lanes, job.row_frames, row_max.data(),
                                    item_min.data(), plan->floor_mode, plan->floor_range,
                                    floor_group, floor_thr.data(), marked.data());
            if (plan->two_pass) {
                /* The features are not the log bands: the marked items are
                 * computed again, floored, and finished. */
                job.floor_thr = floor_thr.data();
                job.redo = marked.data();
                status = parallel_for(
                    items, num_threads, interrupt, interrupt_ctx,
                    [&](size_t b, size_t e, size_t) { kernel.post_pass(job, b, e); });
                if (status != FM_OK) return status;
            } else {
                const size_t nk = plan->num_features;
                const bool bands_first = plan->layout == FM_LAYOUT_BANDS_FRAMES;
                const size_t sk = bands_first ? n_frames : 1, st = bands_first ? 1 : nk;
                /* Work items of the marked groups, on every thread. */
                status = parallel_for(
                    items, num_threads, interrupt, interrupt_ctx, [&](size_t b, size_t e, size_t) {
                        if (plan->dtype == FM_FLOAT32)
                            apply_floor(static_cast<float *>(out), b, e, nk, n_frames, sk, st,
                                        lanes, job.row_frames, floor_thr.data(), marked.data());
                        else
                            apply_floor(static_cast<double *>(out), b, e, nk, n_frames, sk, st,
                                        lanes, job.row_frames, floor_thr.data(), marked.data());
                    });
                if (status != FM_OK) return status;
            }
        }
        if (plan->norm.mode != FM_NORM_NONE) {
            const bool frames_major = plan->layout != FM_LAYOUT_BANDS_FRAMES;
            status = parallel_for(n_rows, num_threads, interrupt, interrupt_ctx,
                                  [&](size_t b, size_t e, size_t) {
                                      kernel.normalise(out, b, e, plan->num_features, n_frames,
                                                       frames_major, job.row_frames, plan->norm,
                                                       plan->fill);
                                  });
            if (status != FM_OK) return status;
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
