/*
 * A process-wide pool of helper threads for fm_compute(), created on demand,
 * kept for later calls, at most FM_MAX_THREADS - 1 of them; a helper idle for
 * FM_POOL_IDLE_MS exits. Tasks are fire-and-forget: a caller never waits
 * for a task that has not started (it does the work itself), so a busy pool
 * only costs parallelism, never correctness. Safe across fork(): the child
 * starts with an empty pool.
 */
#ifndef FASTMEL_POOL_H
#define FASTMEL_POOL_H

#include <cstddef>
#include <functional>

namespace fastmel {

/* Queue fn to run on a helper thread; make sure at least `helpers` threads
 * exist (at most FM_MAX_THREADS - 1). Returns false if no thread could be started (fn is then dropped). */
bool pool_submit(std::function<void()> fn, size_t helpers);

/* One step of a polling loop: tells the CPU that this thread spins. */
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

}  // namespace fastmel

#endif
