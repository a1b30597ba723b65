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

/// Default tile size of each mode: cache-sized tiles within a memory budget per workspace buffer, when that leaves
/// them 64 rows or more: dense Y and Z together fill the core's L2 cache (2 MiB: 256 rows at N=1024, 64 at
/// N=4096), so that a tile's panels stay in L2 through its layers while the layers' weights stream from L3 once
/// per tile. The data mode (each thread runs its contiguous part of the rows, tile after tile) and
/// data-then-model (the same parts, a straggler's helpers joining at the boundary of a tile's layer) take them
/// up to one part per thread; the queues cut the rows into at least 16 tiles per thread. The model mode, whose
/// threads split every layer of one tile and meet at a barrier after each, takes 4 × threads times the rows that
/// fill L2 (measured, 2 threads of 512 KiB L2, N=1024: 2.9-3.4 s with 512-row tiles, 3.3-3.9 s with 256,
/// 3.5-4.1 s with 64, 3.7-4.4 s with 1024, 5.0 s with 2048). Measured on 60000 Fashion-MNIST images,
/// 2 threads, one 2 MiB-L2 core each: N=4096, work-stealing 57.4 s with the 1875-row tiles of 16 per thread,
/// manager-worker 37.8 s, work-stealing 45.6 s, data 42.9 s with 64-row tiles, dense median 19-21 % of the peak
/// -> 36-37 %; N=1024, data with 256-row tiles one bin of the dense median above 128-row tiles (~53 % of the peak
/// instead of ~51 %); model 11.6 s with one 32768-row tile (the budget), data-then-model 9.7 s with one tile per
/// thread, against data 1.75 s (see perf/bench_modes.sh for today's figures). With a 512 KiB L2, where 64 rows
/// outgrow it from N = 4096 on, tiles of the 128 MiB budget (1875 rows: 16 per thread of 60000 inputs) took
/// 45-52 s at N = 4096, 64-row tiles 15.4-17.3 s (manager-worker, 2 threads, 60000 images, side by side);
/// N = 16384 on 3000 images: 4.8-5.5 s with 94-row tiles, 3.2-3.6 s with 64.
std::int64_t default_tile_rows(Parallelism mode, std::int64_t rows, std::int64_t n, int threads)
{
  constexpr std::int64_t budget_bytes = std::int64_t(128) << 20;
  std::int64_t const budget = std::max<std::int64_t>(panel_rows, budget_bytes / (4 * n));
  std::int64_t const l2_rows = l2_cache_bytes() / (8 * n);
  // When 64 rows of Y and Z outgrow L2 (N >= 4096 on a 512 KiB L2), tiles whose Y and Z fill a share of L3 of
  // 8 MiB per thread, from 32 rows up to 256 (256 at N = 4096, 64 at 16384, 32 at 65536): the weights are read once per
  // tile while the tile's rows stay near, the neurons clustered (NeuronOrder) making the rows each block loads
  // runs that the next block in the chain reuses. Measured with clustered neurons (manager-worker, 2 threads,
  // 60000 images, N = 4096, rounds side by side, median of 3): 14.1 s with 64-row tiles, 12.8 s with 128, 12.4 s
  // with 256; 512 rows were slower (5.1 s against 3.6 s on 20000 images), as were 128 and 256 at N = 16384
  // (10.9 and 11.7 s against 8.6 s with 64, 8000 images) and 64 at N = 65536 (4.4 s against 3.6-3.7 s with 16
  // and 32, 12 layers, 3000 images). At least two panels: the AVX-512 kernel updates panels in pairs, each Y load
  // feeding twice the multiply-adds (N = 65536, 24 layers, 3000 images, AVX-512, 2 threads: 2.0-2.3 s with 32-row
  // tiles, 2.6-2.7 s with 16, 2.3-2.5 s with 64; with AVX2, one panel at a time, 16 and 32 rows were equal).
  std::int64_t const l3_rows = std::clamp<std::int64_t>((std::int64_t(8) << 20) / (8 * n), 2 * panel_rows, 256);
  std::int64_t const cache_rows = l2_rows >= 64 ? l2_rows : l3_rows;
  std::int64_t const per_thread = (rows + threads - 1) / threads;
  std::int64_t const tile = std::min(budget, cache_rows);
  switch (mode)
  {
  case Parallelism::data:
  case Parallelism::data_then_model:
    return std::clamp<std::int64_t>(per_thread, 1, tile);
  case Parallelism::model:
    return std::clamp<std::int64_t>(rows, 1, std::min(budget, 4 * threads * cache_rows));
  case Parallelism::manager_worker:
  case Parallelism::work_stealing:
    // At least 64 rows (or all of them) unless the cache takes fewer: std::clamp needs its low bound <= its high.
    return std::clamp<std::int64_t>((rows + 16 * threads - 1) / (16 * threads),
                                    std::min({rows, std::int64_t(64), tile}), tile);
  }
  return per_thread;
}

} // namespace sdnn::impl
