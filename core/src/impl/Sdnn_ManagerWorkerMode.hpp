#ifndef SDNN_MANAGERWORKERMODE_HPP
#define SDNN_MANAGERWORKERMODE_HPP

// Parallelism::manager_worker: one shared queue of many small row tiles. The queue is a counter: every thread
// takes the next tile with an atomic increment and runs it through all its layers. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Runs the manager-worker mode: thread w takes tiles from the shared queue with workspace ws[w], its busy time
/// in busy[w].
template <class ExecutionSpace>
void run_manager_worker(ExecutionSpace const &space, TiledInference &inference, std::vector<TileWorkspace> &ws,
                        std::vector<double> &busy)
{
  std::int64_t next = 0; // the shared queue: tiles [next, num_tiles) are waiting
  Kokkos::parallel_for(
      "Sdnn::infer<manager-worker>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, inference.threads()),
      [&](int w)
      {
        Kokkos::Timer timer;
        for (std::int64_t t; (t = Kokkos::atomic_fetch_add(&next, std::int64_t(1))) < inference.num_tiles();)
          inference.run_tile(ws[w], t);
        busy[w] = timer.seconds();
      });
  space.fence();
}

} // namespace sdnn::impl

#endif
