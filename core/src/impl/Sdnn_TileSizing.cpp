#include "Sdnn_TileSizing.hpp"

#include "Sdnn_KernelSet.hpp"

#include <algorithm>
#if defined(__unix__)
#include <unistd.h>
#endif

namespace sdnn::impl
{

std::int64_t l2_cache_bytes()
{
#if defined(_SC_LEVEL2_CACHE_SIZE)
  if (long const bytes = sysconf(_SC_LEVEL2_CACHE_SIZE); bytes > 0)
    return bytes;
#endif
  return std::int64_t(1) << 20;
}

/// Default tile size of each mode: one tile per thread for model and data-then-model (whose recruitment splits
/// a straggler's tile), many small tiles for the queues, always within a memory budget per workspace buffer.
/// The queues' tiles, and the data mode's (each thread still runs its contiguous part of the rows, tile after
/// tile), are also cache-sized when that leaves them 64 rows or more: dense Y and Z together fill the core's L2
/// cache (2 MiB: 256 rows at N=1024, 64 at N=4096), so that a tile's panels stay in L2 through its layers while
/// the layers' weights stream from L3 once per tile. Measured on 60000 Fashion-MNIST images, 2 threads, one
/// 2 MiB-L2 core each: N=4096, work-stealing 57.4 s with the 1875-row tiles of 16 per thread, manager-worker
/// 37.8 s, work-stealing 45.6 s, data 42.9 s with 64-row tiles, dense median 19-21 % of the peak -> 36-37 %;
/// N=1024, data with 256-row tiles one bin of the dense median above 128-row tiles (~53 % of the peak instead
/// of ~51 %), the wall time within the machine's noise. The model mode, whose threads split every layer and
/// meet at a barrier after each, was slower with them.
std::int64_t default_tile_rows(Parallelism mode, std::int64_t rows, std::int64_t n, int threads)
{
  constexpr std::int64_t budget_bytes = std::int64_t(128) << 20;
  std::int64_t const budget = std::max<std::int64_t>(panel_rows, budget_bytes / (4 * n));
  std::int64_t const l2_rows = l2_cache_bytes() / (8 * n);
  std::int64_t const cache_rows = l2_rows >= 64 ? l2_rows : budget;
  std::int64_t const per_thread = (rows + threads - 1) / threads;
  switch (mode)
  {
  case Parallelism::data:
    return std::clamp<std::int64_t>(per_thread, 1, std::min(budget, cache_rows));
  case Parallelism::data_then_model:
    return std::clamp<std::int64_t>(per_thread, 1, budget);
  case Parallelism::model:
    return std::clamp<std::int64_t>(rows, 1, budget);
  case Parallelism::manager_worker:
  case Parallelism::work_stealing:
    return std::clamp<std::int64_t>((rows + 16 * threads - 1) / (16 * threads), std::min<std::int64_t>(rows, 64),
                                    std::min(budget, cache_rows));
  }
  return per_thread;
}

} // namespace sdnn::impl
