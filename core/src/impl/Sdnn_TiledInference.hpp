#ifndef SDNN_TILEDINFERENCE_HPP
#define SDNN_TILEDINFERENCE_HPP

// TiledInference: the state every parallel mode of infer() (Sdnn_*Mode.hpp) works on. Private to the library.

#include "Sdnn_KernelSet.hpp"
#include "Sdnn_LayerGroups.hpp"
#include "Sdnn_PreparedNetworkData.hpp"
#include "Sdnn_ProgressReporter.hpp"
#include "Sdnn_TileWorkspace.hpp"

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_Hash.hpp>
#include <Sdnn_Inference.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// What every mode shares: the input rows (read in place), their cut into tiles, the prepared layers of the
/// segment being run, the counters of the work report and the tiles' outputs. A mode runs tiles through its
/// layers with run_tile(), or step by step (start_tile, layer_step, team_layer or dense_pieces, finish_layer,
/// finish_tile).
class TiledInference
{
public:
  /// Runs `rows` through the layers [first, last) of `network` with the kernel thresholds of `options`, the
  /// tiles' outputs in `outputs` (their arrays reused); make_tiles() must follow. `rows`, `network` and `outputs`
  /// must outlive the inference.
  TiledInference(RowBlock const &rows, PreparedNetwork::Prepared const &network, int first, int last,
                 InferenceOptions const &options, int threads, std::vector<TileOutput> &outputs);

  /// Cuts the rows into tiles of `tile_rows` (after hashing with `parts` = number of tiles).
  template <class ExecutionSpace> void make_tiles(ExecutionSpace const &space, std::int64_t tile_rows)
  {
    std::int64_t const rows = m_rows.num_rows();
    m_tile_rows = std::max<std::int64_t>(1, tile_rows);
    m_num_tiles = rows == 0 ? 0 : (rows + m_tile_rows - 1) / m_tile_rows;
    m_order = row_order(space, m_options.hash, rows, std::max<std::int64_t>(1, m_num_tiles), m_options.hash_seed);
    m_outputs.resize(m_num_tiles);
    m_progress.reset(m_num_tiles * std::max(1, m_num_layers));
  }

  /// A workspace for tiles of this inference, split among at most `group` column chunks.
  TileWorkspace workspace(int group) const;

  std::int64_t num_tiles() const { return m_num_tiles; }
  std::int64_t tile_rows() const { return m_tile_rows; }
  std::int64_t tile_first(std::int64_t t) const { return t * m_tile_rows; }
  std::int64_t tile_last(std::int64_t t) const { return std::min(m_rows.num_rows(), (t + 1) * m_tile_rows); }
  int num_layers() const { return m_num_layers; }
  std::int64_t n() const { return m_n; }
  int threads() const { return m_threads; }
  /// Tiles [first, last) of part p when the tiles are cut into `parts` contiguous parts.
  std::int64_t part_first(std::int64_t p, std::int64_t parts) const { return p * m_num_tiles / parts; }

  /// Input rows of tile t that are not empty (those start_tile() keeps).
  std::int64_t tile_live_rows(std::int64_t t) const
  {
    std::int64_t live = 0;
    for (auto pos = tile_first(t); pos < tile_last(t); ++pos)
      live += m_rows.row_ptr[m_order(pos) + 1] > m_rows.row_ptr[m_order(pos)] ? 1 : 0;
    return live;
  }

  void start_tile(TileWorkspace &ws, std::int64_t t) const
  {
    ws.start(m_rows.row_ptr.data(), m_rows.col_idx.data(), m_rows.values.data(), m_order.data(), tile_first(t),
             tile_last(t), m_dense_above);
  }

  /// The kernels of layer l on the whole tile, on one thread (chunk 0); finish_layer(ws, l, 1) merges it.
  void layer_step(TileWorkspace &ws, int l)
  {
    ws.begin_chunk(0);
    if (ws.dense())
      dense_chunk(ws, l, 0, 1, 0);
    else
    {
      ws.sparse_symbolic(m_layers[l], 0, m_n, 0);
      ws.sparse_plan(m_dense_above);
      ws.sparse_numeric(m_layers[l], 0, m_n, 0, m_bias, m_options.ymax);
    }
  }

  /// Layer l of the tile in `ws` by the g threads of a team, this one being chunk c; `barrier()` makes the team
  /// meet (between the sparse kernel's phases and around the merge of the chunks). Ends with the layer booked.
  template <class Barrier> void team_layer(TileWorkspace &ws, int l, int c, int g, Barrier &&barrier)
  {
    ws.begin_chunk(c);
    if (ws.dense())
      dense_pieces(ws, l, c, g, m_next_piece);
    else
    {
      // The two-step SpMM split by columns: counts, offsets on one thread, values.
      LayerPointers const &w = m_layers[l];
      std::int64_t const j0 = w.balanced_column(m_n, c, g), j1 = w.balanced_column(m_n, c + 1, g);
      ws.sparse_symbolic(w, j0, j1, c);
      barrier();
      if (c == 0)
        ws.sparse_plan(m_dense_above);
      barrier();
      ws.sparse_numeric(w, j0, j1, c, m_bias, m_options.ymax);
    }
    // finish_layer in steps: the rows' counts merged on one thread, the dead rows removed by all, column by
    // column (only when some died), then the step ended on one thread.
    barrier();
    if (c == 0)
    {
      book_layer(ws, g);
      m_compacting = ws.merge_chunks(g);
    }
    barrier();
    if (m_compacting)
    {
      ws.compact_columns(c * m_n / g, (c + 1) * m_n / g);
      barrier();
    }
    if (c == 0)
    {
      ws.end_step(l, layer_counters(), m_sparse_below);
      m_progress.add(1);
      m_next_piece = 0;
    }
    barrier();
  }

  /// Chunk c of g of a dense layer step shared by g threads: the positions in pieces_per_thread × g pieces of
  /// equal work, taken in turn from the counter `next_piece` (0 before the step) by whichever chunk is free, so
  /// the chunks end together even when a thread is slowed (by the tile's serial steps, a shared core). Call
  /// begin_chunk(c) first.
  void dense_pieces(TileWorkspace &ws, int l, int c, int g, int &next_piece)
  {
    int const pieces = pieces_per_thread * g;
    for (int k = Kokkos::atomic_fetch_add(&next_piece, 1); k < pieces; k = Kokkos::atomic_fetch_add(&next_piece, 1))
      dense_chunk(ws, l, k, pieces, c);
  }

  /// The dense kernel of layer l on piece k of `pieces` (positions split by LayerPointers::balanced_position), its
  /// row counts added to chunk slot c, timed and counted for the report.
  void dense_chunk(TileWorkspace &ws, int l, int k, int pieces, int c)
  {
    LayerPointers const &w = m_layers[l];
    Kokkos::Timer timer;
    std::int64_t const macs = ws.dense_columns(w, w.balanced_position(m_n, k, pieces),
                                               w.balanced_position(m_n, k + 1, pieces), c, m_bias, m_options.ymax);
    double const seconds = timer.seconds();
    Kokkos::atomic_add(&m_dense_nanoseconds, nanoseconds(seconds));
    Kokkos::atomic_add(&m_counters.dense_multiply_adds, macs);
    if (macs > 0)
      Kokkos::atomic_add(
          &m_counters.dense_rate_histogram[WorkReport::dense_rate_bin(static_cast<double>(macs) / seconds)], macs);
  }

  /// Merges the chunks of layer l and books the step.
  void finish_layer(TileWorkspace &ws, int l, int g)
  {
    book_layer(ws, g);
    ws.finalize(g, l, layer_counters(), m_sparse_below);
    m_progress.add(1);
  }

  void finish_tile(TileWorkspace const &ws, std::int64_t t)
  {
    ws.finish(m_outputs[t], m_options.keep_activations);
    if (m_num_layers == 0)
      m_progress.add(1);
  }

  /// Tile t from start to end on one thread.
  void run_tile(TileWorkspace &ws, std::int64_t t)
  {
    start_tile(ws, t);
    for (int l = 0; l < m_num_layers; ++l)
    {
      layer_step(ws, l);
      finish_layer(ws, l, 1);
    }
    finish_tile(ws, t);
  }

  double dense_above() const { return m_dense_above; }
  InferenceOptions const &options() const { return m_options; }
  float bias() const { return m_bias; }
  LayerPointers const &layer(int l) const { return m_layers[l]; }
  void count_steal() { Kokkos::atomic_add(&m_counters.steals, std::int64_t(1)); }
  /// Counts a step of `ws` split among g chunks (before it is finalized).
  void book_layer(TileWorkspace const &ws, int g)
  {
    Kokkos::atomic_add(ws.dense() ? &m_counters.dense_tile_layers : &m_counters.sparse_tile_layers, std::int64_t(1));
    if (g > 1)
      Kokkos::atomic_add(&m_counters.split_tile_layers, std::int64_t(1));
  }
  LayerCounters layer_counters() { return {m_active.data(), m_nnz.data()}; }
  /// Books `seconds` a thread waited for the others of its team (the model mode's barriers).
  void count_sync(double seconds) { Kokkos::atomic_add(&m_sync_nanoseconds, nanoseconds(seconds)); }
  /// Books `helpers` threads recruited by part p (data-then-model: one part per thread).
  void count_recruitment(int p, int helpers)
  {
    Kokkos::atomic_add(&m_counters.recruitments, std::int64_t(1));
    Kokkos::atomic_compare_exchange(&m_counters.first_recruiting_part, -1, p);
    Kokkos::atomic_add(&m_counters.recruited_helpers[p], std::int64_t(helpers));
  }

  /// After the mode has run (one thread): the progress callback sees the total.
  void finish_progress() { m_progress.finish(); }

  /// The per-layer figures and the surviving rows (with their activations if kept) into `out` (its arrays
  /// overwritten, their capacity kept), the rows' entries copied on the threads of `space`; the tiling and the
  /// counters into `report` when it is not null.
  template <class ExecutionSpace>
  void result(ExecutionSpace const &space, RowInferenceResult &out, WorkReport *report) const
  {
    std::vector<SurvivorSource> const sources = survivors_layout(out);
    if (m_options.keep_activations)
    {
      // At N = 65536 a window's survivors hold gigabytes: one thread copying them was a tenth of a window's time.
      RowBlock &y = out.survivors;
      Kokkos::parallel_for(
          "sdnn::infer::copy_survivors",
          Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(space, 0, std::int64_t(sources.size())),
          [&](std::int64_t k) { copy_survivor(sources[k], y, k); });
      space.fence();
    }
    if (report)
      report_into(*report);
  }

private:
  /// Where a surviving row's entries are: the tile and the row's place in its output.
  struct SurvivorSource
  {
    std::int64_t tile;
    std::int64_t position;
  };
  /// result(), one thread: the per-layer figures, the ids and row pointers of the survivors, their entry arrays
  /// sized (when kept); returns where each survivor's entries are.
  std::vector<SurvivorSource> survivors_layout(RowInferenceResult &out) const;
  /// result(), any thread: the entries of survivor k into `y`.
  void copy_survivor(SurvivorSource const &source, RowBlock &y, std::int64_t k) const;
  /// result(): the tiling and the counters.
  void report_into(WorkReport &report) const;

  InferenceOptions const &m_options;
  KernelSet const &m_kernels; // the instruction set the network was prepared for
  float m_bias;
  std::int64_t m_n;
  int m_first_layer; // of the network: layer l here is layer m_first_layer + l there
  int m_num_layers;
  int m_threads;
  RowBlock const &m_rows;
  LayerPointers const *m_layers; // the segment's layers
  double m_dense_above = 0.0;
  double m_sparse_below = 0.0;
  static constexpr int pieces_per_thread = 4; // of a dense layer step split by dense_pieces()
  int m_next_piece = 0;                       // next piece of the team's dense layer step
  bool m_compacting = false;                  // the team's step removes dead rows
  std::int64_t m_tile_rows = 1;
  std::int64_t m_num_tiles = 0;
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_order;
  std::vector<std::int64_t> m_active;
  std::vector<std::int64_t> m_nnz;
  std::vector<TileOutput> &m_outputs; // one per tile
  WorkReport m_counters;              // the counters of the report (steps, dense kernel, steals), added to atomically
  // The report's dense_seconds and sync_seconds, summed as integers: Kokkos 3.4 adds doubles atomically with a
  // compare-and-swap loop that first reads the old value plainly (a race to ThreadSanitizer), integers with the
  // processor's own atomic add.
  std::int64_t m_dense_nanoseconds = 0;
  std::int64_t m_sync_nanoseconds = 0;
  static std::int64_t nanoseconds(double seconds) { return static_cast<std::int64_t>(seconds * 1e9 + 0.5); }
  ProgressReporter m_progress;
};

} // namespace sdnn::impl

#endif
