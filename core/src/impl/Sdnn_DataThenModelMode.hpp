#ifndef SDNN_DATATHENMODELMODE_HPP
#define SDNN_DATATHENMODELMODE_HPP

// Parallelism::data_then_model as a task graph (DataThenModel): data parallelism first, then threads whose part is
// done are recruited by stragglers, whose layers are split by columns. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Sdnn_Error.hpp>
#include <Sdnn_Inference.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace sdnn::impl
{

/// data-then-model as a static task graph run by Kokkos::WorkGraphPolicy. Each tile is a chain of work items:
/// start, then per layer `threads` column-chunk items and one finish item. A part's tiles are chained one after
/// the other, so at first every thread runs one part (data parallelism). A finish item decides how many column
/// chunks the next layer has: 1 while no thread is idle; once parts have finished, their threads are recruited
/// by a straggler (chosen by the strategy), whose following layers are split among 1 + helpers chunks, which
/// the idle threads, spinning on the work queue, pick up. Surplus chunk items are empty.
template <class ExecutionSpace> class DataThenModel
{
public:
  DataThenModel(TiledInference &inference, std::vector<TileWorkspace> &ws, std::vector<double> &busy)
      : m_inference(inference), m_ws(ws), m_busy(busy), m_parts(inference.threads()), m_group(inference.threads()),
        m_items_per_tile(1 + std::int64_t(inference.num_layers()) * (m_group + 1)), m_helpers(m_parts, 0),
        m_layer_group(m_parts, 1), m_remaining(m_parts, 0), m_finished(m_parts, 0), m_current(m_parts, -1),
        m_next_piece(m_parts, 0)
  {
    SDNN_REQUIRE(inference.num_tiles() * m_items_per_tile < std::numeric_limits<std::int32_t>::max(),
                 "too many work items for WorkGraphPolicy");
    // Work of the tiles after each one in its part, in rows (non-empty input rows) x layers.
    m_work_after.assign(inference.num_tiles(), 0);
    for (int p = 0; p < m_parts; ++p)
    {
      std::int64_t after = 0;
      for (auto t = inference.part_first(p + 1, m_parts) - 1; t >= inference.part_first(p, m_parts); --t)
      {
        m_work_after[t] = after;
        after += inference.tile_live_rows(t) * inference.num_layers();
      }
      m_remaining[p] = after;
      if (inference.part_first(p, m_parts) == inference.part_first(p + 1, m_parts))
        release(p); // a part without tiles: its thread is idle from the start
    }
  }

  using Policy = Kokkos::WorkGraphPolicy<ExecutionSpace, Kokkos::IndexType<std::int32_t>>;

  void run(ExecutionSpace const &space)
  {
    auto const graph = make_graph();
    Kokkos::parallel_for("Sdnn::infer<data-then-model>", Policy(graph), [this](std::int32_t item) { run_item(item); });
    space.fence();
  }

private:
  void run_item(std::int32_t item)
  {
    Kokkos::Experimental::UniqueToken<ExecutionSpace, Kokkos::Experimental::UniqueTokenScope::Global> token;
    int const id = token.acquire();
    Kokkos::Timer timer;
    bool const worked = execute(item);
    if (worked)
      m_busy[id] += timer.seconds();
    token.release(id);
  }

  int part_of(std::int64_t t) const
  {
    int p = static_cast<int>(t * m_parts / std::max<std::int64_t>(1, m_inference.num_tiles()));
    while (p + 1 < m_parts && m_inference.part_first(p + 1, m_parts) <= t)
      ++p;
    while (p > 0 && m_inference.part_first(p, m_parts) > t)
      --p;
    return p;
  }
  bool last_tile_of_part(std::int64_t t, int p) const { return t + 1 == m_inference.part_first(p + 1, m_parts); }
  std::int32_t start_item(std::int64_t t) const { return static_cast<std::int32_t>(t * m_items_per_tile); }
  std::int32_t chunk_item(std::int64_t t, int l, int c) const
  {
    return static_cast<std::int32_t>(t * m_items_per_tile + 1 + std::int64_t(l) * (m_group + 1) + c);
  }

  typename Policy::graph_type make_graph() const
  {
    // Row w of the graph lists the items that depend on item w.
    std::int64_t const items = m_inference.num_tiles() * m_items_per_tile;
    std::vector<std::vector<std::int32_t>> next(items);
    int const layers = m_inference.num_layers();
    for (std::int64_t t = 0; t < m_inference.num_tiles(); ++t)
    {
      int const p = part_of(t);
      std::vector<std::int32_t> after_tile;
      if (!last_tile_of_part(t, p))
        after_tile.push_back(start_item(t + 1));
      if (layers == 0)
      {
        next[start_item(t)] = after_tile;
        continue;
      }
      for (int c = 0; c < m_group; ++c)
        next[start_item(t)].push_back(chunk_item(t, 0, c));
      for (int l = 0; l < layers; ++l)
      {
        for (int c = 0; c < m_group; ++c)
          next[chunk_item(t, l, c)].push_back(chunk_item(t, l, m_group));
        auto &after_finish = next[chunk_item(t, l, m_group)];
        if (l + 1 < layers)
          for (int c = 0; c < m_group; ++c)
            after_finish.push_back(chunk_item(t, l + 1, c));
        else
          after_finish = after_tile;
      }
    }
    using Graph = typename Policy::graph_type;
    typename Graph::row_map_type::non_const_type row_map(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::dtm::row_map"), items + 1);
    std::int64_t total = 0;
    for (std::int64_t w = 0; w < items; ++w)
    {
      row_map(w) = static_cast<std::int32_t>(total);
      total += static_cast<std::int64_t>(next[w].size());
    }
    row_map(items) = static_cast<std::int32_t>(total);
    typename Graph::entries_type entries(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::dtm::entries"), total);
    for (std::int64_t w = 0, k = 0; w < items; ++w)
      for (auto d : next[w])
        entries(k++) = d;
    Graph graph;
    graph.row_map = row_map;
    graph.entries = entries;
    return graph;
  }

  /// Runs one work item; false for an empty chunk.
  bool execute(std::int32_t item)
  {
    std::int64_t const t = item / m_items_per_tile;
    std::int64_t const rest = item % m_items_per_tile;
    int const p = part_of(t);
    TileWorkspace &ws = m_ws[p];
    int const layers = m_inference.num_layers();
    if (rest == 0)
    {
      m_current[p] = t;
      m_inference.start_tile(ws, t);
      if (layers == 0)
        end_tile(ws, t, p);
      else
        plan_layer(ws, p, layers);
      return true;
    }
    int const l = static_cast<int>((rest - 1) / (m_group + 1));
    int const c = static_cast<int>((rest - 1) % (m_group + 1));
    int const g = m_layer_group[p];
    if (c < m_group)
    {
      if (c >= g)
        return false;
      if (g == 1)
        m_inference.layer_step(ws, l);
      else
      {
        ws.begin_chunk(c);
        m_inference.dense_pieces(ws, l, c, g, m_next_piece[p]); // a split tile is dense (plan_layer)
      }
      return true;
    }
    m_inference.finish_layer(ws, l, g);
    m_next_piece[p] = 0; // before the next layer's chunk items are released
    if (l + 1 < layers)
      plan_layer(ws, p, layers - l - 1);
    else
      end_tile(ws, t, p);
    return true;
  }

  void end_tile(TileWorkspace &ws, std::int64_t t, int p)
  {
    m_inference.finish_tile(ws, t);
    if (last_tile_of_part(t, p))
      release(p);
  }

  /// A part is done: its own thread and its helpers become idle.
  void release(int p)
  {
    Kokkos::atomic_exchange(&m_remaining[p], std::int64_t(0));
    Kokkos::atomic_exchange(&m_finished[p], 1);
    Kokkos::atomic_add(&m_idle, 1 + m_helpers[p]);
    m_helpers[p] = 0;
  }

  /// Before a layer of part p (its current tile has `layers_left` layers to go): recruit idle threads when the
  /// strategy picks this part, and set the number of column chunks of the layer.
  void plan_layer(TileWorkspace &ws, int p, int layers_left)
  {
    std::int64_t const remaining = ws.rows() * layers_left + m_work_after[m_current[p]];
    Kokkos::atomic_exchange(&m_remaining[p], remaining);
    int const idle = Kokkos::atomic_fetch_add(&m_idle, 0);
    if (idle > 0 && m_helpers[p] + 1 < m_group && chosen(p, remaining))
    {
      int const take = std::min(idle, m_group - 1 - m_helpers[p]);
      if (Kokkos::atomic_compare_exchange(&m_idle, idle, idle - take) == idle)
      {
        m_helpers[p] += take;
        m_inference.count_recruitment(p, take);
      }
    }
    m_layer_group[p] = 1 + m_helpers[p];
    if (m_layer_group[p] > 1)
      ws.make_dense();
  }

  bool chosen(int p, std::int64_t remaining)
  {
    auto const strategy = m_inference.options().recruitment;
    if (strategy == Recruitment::earliest_first)
      return true;
    for (int q = 0; q < m_parts; ++q)
    {
      if (q == p || Kokkos::atomic_fetch_add(&m_finished[q], 0))
        continue;
      std::int64_t const other = Kokkos::atomic_fetch_add(&m_remaining[q], std::int64_t(0));
      if (strategy == Recruitment::slower_first && (other > remaining || (other == remaining && q < p)))
        return false;
      if (strategy == Recruitment::faster_first && (other < remaining || (other == remaining && q < p)))
        return false;
    }
    return true;
  }

  TiledInference &m_inference;
  std::vector<TileWorkspace> &m_ws;
  std::vector<double> &m_busy;
  int m_parts;
  int m_group;
  std::int64_t m_items_per_tile;
  // Scheduling state: an entry of a part is written by that part's items (which never run concurrently with
  // each other except for chunks, which only read it) or through atomics.
  std::vector<int> m_helpers;
  std::vector<int> m_layer_group;
  std::vector<std::int64_t> m_work_after; // per tile: work of its part's later tiles, rows x layers
  std::vector<std::int64_t> m_remaining;  // work left per part, rows x layers (read by other parts)
  std::vector<int> m_finished;
  std::vector<std::int64_t> m_current; // tile in flight per part
  std::vector<int> m_next_piece;       // per part: next piece of its split dense layer step (dense_pieces)
  int m_idle = 0;                      // threads whose part is done and that no straggler has recruited
};

} // namespace sdnn::impl

#endif
