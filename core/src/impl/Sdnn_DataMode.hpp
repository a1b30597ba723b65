#ifndef SDNN_DATAMODE_HPP
#define SDNN_DATAMODE_HPP

// Parallelism::data: a 1D row partition of Y. Thread p owns the p-th contiguous part of the tiles and runs them
// one after the other, each tile through all its layers, without any synchronisation. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <vector>

namespace sdnn::impl
{

/// Runs the data mode: thread p runs the tiles of part p of `threads` with workspace ws[p], its busy time in busy[p].
template <class ExecutionSpace>
void run_data(ExecutionSpace const &space, TiledInference &inference, std::vector<TileWorkspace> &ws,
              std::vector<double> &busy)
{
  int const threads = inference.threads();
  Kokkos::parallel_for("Sdnn::infer<data>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, threads),
                       [&](int p)
                       {
                         Kokkos::Timer timer;
                         for (auto t = inference.part_first(p, threads); t < inference.part_first(p + 1, threads); ++t)
                           inference.run_tile(ws[p], t);
                         busy[p] = timer.seconds();
                       });
  space.fence();
}

} // namespace sdnn::impl

#endif
