#ifndef SDNN_MODELMODE_HPP
#define SDNN_MODELMODE_HPP

// Parallelism::model: a 1D column partition of W. All threads, as one Kokkos team, work on one tile at a time:
// thread c computes the columns [c N / g, (c + 1) N / g) of every layer, and the team meets at a barrier between
// the steps. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Runs the model mode: the tiles one after the other in the one workspace `ws` (made for `threads` column
/// chunks), thread c's busy time in busy[c].
template <class ExecutionSpace>
void run_model(ExecutionSpace const &space, TiledInference &inference, TileWorkspace &ws, std::vector<double> &busy)
{
  using Policy = Kokkos::TeamPolicy<ExecutionSpace>;
  using Member = typename Policy::member_type;
  int const threads = inference.threads();
  std::int64_t const n = inference.n();
  Kokkos::parallel_for("Sdnn::infer<model>", Policy(space, 1, threads),
                       [&](Member const &team)
                       {
                         int const c = team.team_rank(), g = team.team_size();
                         std::int64_t const j0 = c * n / g, j1 = (c + 1) * n / g;
                         double mine = 0.0;
                         Kokkos::Timer timer;
                         auto busy_since = [&](double start) { mine += timer.seconds() - start; };
                         for (std::int64_t t = 0; t < inference.num_tiles(); ++t)
                         {
                           if (c == 0)
                           {
                             double const s = timer.seconds();
                             inference.start_tile(ws, t);
                             busy_since(s);
                           }
                           team.team_barrier();
                           for (int l = 0; l < inference.num_layers(); ++l)
                           {
                             double s = timer.seconds();
                             ws.begin_chunk(c);
                             if (ws.dense())
                               inference.dense_chunk(ws, l, j0, j1, c);
                             else
                             {
                               // The two-step SpMM split by columns: counts, offsets on one thread, values.
                               ws.sparse_symbolic(inference.layer(l), j0, j1, c);
                               busy_since(s);
                               team.team_barrier();
                               s = timer.seconds();
                               if (c == 0)
                                 ws.sparse_plan(inference.dense_above());
                               busy_since(s);
                               team.team_barrier();
                               s = timer.seconds();
                               ws.sparse_numeric(inference.layer(l), j0, j1, c, inference.bias(),
                                                 inference.options().ymax);
                             }
                             busy_since(s);
                             team.team_barrier();
                             if (c == 0)
                             {
                               s = timer.seconds();
                               inference.finish_layer(ws, l, g);
                               busy_since(s);
                             }
                             team.team_barrier();
                           }
                           if (c == 0)
                           {
                             double const s = timer.seconds();
                             inference.finish_tile(ws, t);
                             busy_since(s);
                           }
                         }
                         busy[c] = mine;
                       });
  space.fence();
}

} // namespace sdnn::impl

#endif
