#ifndef SDNN_MODELMODE_HPP
#define SDNN_MODELMODE_HPP

// Parallelism::model: a 1D column partition of W. All threads, as one Kokkos team, work on one cache-sized tile
// at a time, which walks every layer before the next tile starts: thread c computes the chunk c of each layer
// (positions cut into chunks of equal work of W, LayerPointers::balanced_position), and the team meets at a
// barrier around the merge of the chunks. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Runs the model mode: the tiles one after the other in the one workspace `ws` (made for `threads` column
/// chunks), thread c's busy time (its time not spent at a barrier) in busy[c]; the time spent at barriers is
/// booked with TiledInference::count_sync.
template <class ExecutionSpace>
void run_model(ExecutionSpace const &space, TiledInference &inference, TileWorkspace &ws, std::vector<double> &busy)
{
  using Policy = Kokkos::TeamPolicy<ExecutionSpace>;
  using Member = typename Policy::member_type;
  int const threads = inference.threads();
  Kokkos::parallel_for("Sdnn::infer<model>", Policy(space, 1, threads),
                       [&](Member const &team)
                       {
                         int const c = team.team_rank(), g = team.team_size();
                         Kokkos::Timer timer;
                         double waited = 0.0;
                         auto barrier = [&]
                         {
                           double const s = timer.seconds();
                           team.team_barrier();
                           waited += timer.seconds() - s;
                         };
                         for (std::int64_t t = 0; t < inference.num_tiles(); ++t)
                         {
                           if (c == 0)
                             inference.start_tile(ws, t);
                           barrier();
                           for (int l = 0; l < inference.num_layers(); ++l)
                             inference.team_layer(ws, l, c, g, barrier);
                           if (c == 0)
                             inference.finish_tile(ws, t);
                         }
                         busy[c] = timer.seconds() - waited;
                         inference.count_sync(waited);
                       });
  space.fence();
}

} // namespace sdnn::impl

#endif
