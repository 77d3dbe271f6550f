/*
 * A process-wide pool of helper threads for fm_compute(), created on demand
 * and kept for later calls. Tasks are fire-and-forget: a caller never waits
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
 * exist. Returns false if no thread could be started (fn is then dropped). */
bool pool_submit(std::function<void()> fn, size_t helpers);

}  // namespace fastmel

#endif
