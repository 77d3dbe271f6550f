#include "pool.h"

#include "fastmel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define FASTMEL_HAVE_ATFORK 1
#endif

namespace fastmel {
namespace {

struct Pool {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;
    size_t threads = 0;
    std::atomic<size_t> queued{0};    /* tasks.size(), readable without the lock */
    std::atomic<size_t> spinners{0};  /* helpers polling for a task */
};

/* A helper that finished a task watches for the next one this long before it
 * sleeps: calls that follow each other closely (a server's requests, a
 * loader's batches) then find their helpers awake instead of paying the
 * wake-up of a sleeping thread (tens of microseconds, as long as a whole
 * small call). */
constexpr auto kSpin = std::chrono::microseconds(FM_POOL_SPIN_US);
constexpr auto kSpinPause = std::chrono::microseconds(50);

/* Never destroyed: helper threads may outlive static destruction at exit. */
Pool *g_pool = nullptr;
std::once_flag g_once;

void helper_main(Pool *pool) {
    for (;;) {
        /* Not when helpers outnumber the hardware threads: spinning would
         * take the time of the threads that work. */
        static const size_t cores = std::max(1u, std::thread::hardware_concurrency());
        if (pool->spinners.fetch_add(1, std::memory_order_relaxed) + 1 < cores) {
            /* Pause first; after kSpinPause also yield the core to any
             * other thread that wants it. */
            const auto start = std::chrono::steady_clock::now();
            for (auto now = start; pool->queued.load(std::memory_order_relaxed) == 0 &&
                                   now - start < kSpin;
                 now = std::chrono::steady_clock::now()) {
                if (now - start < kSpinPause)
                    cpu_relax();
                else
                    std::this_thread::yield();
            }
        }
        pool->spinners.fetch_sub(1, std::memory_order_relaxed);
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> lock(pool->mutex);
            if (!pool->wake.wait_for(lock, std::chrono::milliseconds(FM_POOL_IDLE_MS),
                                     [&] { return !pool->tasks.empty(); })) {
                /* Idle for a while: give the thread back. Counted under the
                 * lock, so pool_submit() starts another if it needs one. */
                --pool->threads;
                return;
            }
            task = std::move(pool->tasks.front());
            pool->tasks.pop_front();
            pool->queued.store(pool->tasks.size(), std::memory_order_relaxed);
        }
        task();  /* tasks catch their own exceptions */
    }
}

#if FASTMEL_HAVE_ATFORK
void before_fork() {
    if (g_pool) g_pool->mutex.lock();
}
void after_fork_parent() {
    if (g_pool) g_pool->mutex.unlock();
}
void after_fork_child() {
    /* The helpers do not exist in the child: start over with a new pool (the
     * old one, whose mutex this thread holds, is deliberately leaked). */
    if (g_pool) g_pool = new Pool;
}
#endif

void init() {
    g_pool = new Pool;
#if FASTMEL_HAVE_ATFORK
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
#endif
}

}  // namespace

bool pool_submit(std::function<void()> fn, size_t helpers) {
    std::call_once(g_once, init);
    Pool *pool = g_pool;
    std::lock_guard<std::mutex> lock(pool->mutex);
    helpers = std::min<size_t>(helpers, FM_MAX_THREADS - 1);
    while (pool->threads < helpers) {
        try {
            std::thread(helper_main, pool).detach();
        } catch (...) {
            break;
        }
        ++pool->threads;
    }
    if (pool->threads == 0) return false;
    pool->tasks.push_back(std::move(fn));
    pool->queued.store(pool->tasks.size(), std::memory_order_relaxed);
    pool->wake.notify_one();
    return true;
}

}  // namespace fastmel
