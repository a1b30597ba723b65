#ifndef SDNN_WORKSTEALINGMODE_HPP
#define SDNN_WORKSTEALINGMODE_HPP

// Parallelism::work_stealing: per-thread queues of tiles, filled with the data partition (StealQueues). A thread
// runs the tiles of its own queue; when it is empty, it steals half of the fullest other queue. Private to the
// library.

#include "Sdnn_StealQueues.hpp"
#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Runs the work-stealing mode: thread w pops and steals tiles with workspace ws[w], its busy time in busy[w].
template <class ExecutionSpace>
void run_work_stealing(ExecutionSpace const &space, TiledInference &inference, std::vector<TileWorkspace> &ws,
                       std::vector<double> &busy)
{
  SDNN_REQUIRE(inference.num_tiles() < (std::int64_t(1) << 31), "too many tiles for the steal queues");
  StealQueues queues(inference, inference.threads());
  Kokkos::parallel_for("Sdnn::infer<work-stealing>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, inference.threads()),
                       [&](int w)
                       {
                         Kokkos::Timer timer;
                         for (;;)
                         {
                           std::int64_t const t = queues.pop(w);
                           if (t >= 0)
                           {
                             inference.run_tile(ws[w], t);
                             continue;
                           }
                           if (!queues.steal(w))
                             break;
                           inference.count_steal();
                         }
                         busy[w] = timer.seconds();
                       });
  space.fence();
}

} // namespace sdnn::impl

#endif
