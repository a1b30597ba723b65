#include "Sdnn_TiledInference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sdnn::impl
{

TiledInference::TiledInference(RowBlock const &rows, PreparedNetwork::Prepared const &network, int first, int last,
                               InferenceOptions const &options, int threads)
    : m_options(options), m_kernels(*network.kernels), m_bias(network.bias), m_n(rows.num_cols), m_first_layer(first),
      m_num_layers(last - first), m_threads(threads), m_rows(rows), m_layers(network.pointers.data() + first),
      m_active(m_num_layers, 0), m_nnz(m_num_layers, 0), m_progress(options.progress)
{
  m_counters.dense_rate_histogram.assign(WorkReport::dense_rate_bins, 0);
  if (options.parallelism == Parallelism::data_then_model)
    m_counters.recruitment = name(options.recruitment);
  m_counters.recruited_helpers.assign(options.parallelism == Parallelism::data_then_model ? threads : 0, 0);
  switch (options.kernel)
  {
  case KernelChoice::automatic:
    m_dense_above = options.dense_above;
    m_sparse_below = options.sparse_below;
    break;
  case KernelChoice::sparse:
    m_dense_above = std::numeric_limits<double>::infinity();
    m_sparse_below = -1.0;
    break;
  case KernelChoice::dense:
    m_dense_above = -1.0;
    m_sparse_below = -1.0;
    break;
  }
}

TileWorkspace TiledInference::workspace(int group) const
{
  std::int64_t const full = m_tile_rows * m_n;
  std::int64_t capacity = 0;
  if (m_options.kernel == KernelChoice::sparse)
    capacity = full;
  else if (m_options.kernel == KernelChoice::automatic)
    capacity = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::ceil(std::max(m_dense_above, m_sparse_below) * static_cast<double>(full))) + m_n,
        1, full);
  return TileWorkspace(m_n, m_tile_rows, group, capacity, m_kernels);
}

void TiledInference::result(RowInferenceResult &out, WorkReport *report) const
{
  out.layers.clear();
  for (int l = 0; l < m_num_layers; ++l)
    out.layers.push_back({m_first_layer + l + 1, m_active[l], m_nnz[l]});
  // The survivors in the block's order: for each input row, the tile and position holding it (-1: dead); then
  // each surviving row's entries copied from its tile in one piece (no zero-filled arrays).
  std::int64_t const rows = m_rows.num_rows();
  std::vector<std::int64_t> tile_of(rows, -1);
  std::vector<std::int32_t> position(rows, 0);
  std::int64_t entries = 0;
  for (std::int64_t t = 0; t < m_num_tiles; ++t)
  {
    auto const &tile = m_outputs[t];
    for (std::size_t k = 0; k < tile.categories.size(); ++k)
    {
      tile_of[tile.categories[k]] = t;
      position[tile.categories[k]] = static_cast<std::int32_t>(k);
    }
    entries += static_cast<std::int64_t>(tile.cols.size());
  }
  auto &y = out.survivors;
  y.num_cols = m_n;
  y.ids.clear();
  y.row_ptr.assign(1, 0);
  y.col_idx.clear();
  y.values.clear();
  y.col_idx.reserve(entries);
  y.values.reserve(entries);
  for (std::int64_t r = 0; r < rows; ++r)
  {
    if (tile_of[r] < 0)
      continue;
    y.ids.push_back(m_rows.ids[r]);
    auto const &tile = m_outputs[tile_of[r]];
    if (m_options.keep_activations)
    {
      auto const begin = tile.row_ptr[position[r]], end = tile.row_ptr[position[r] + 1];
      y.col_idx.insert(y.col_idx.end(), tile.cols.begin() + begin, tile.cols.begin() + end);
      y.values.insert(y.values.end(), tile.values.begin() + begin, tile.values.begin() + end);
    }
    y.row_ptr.push_back(static_cast<std::int64_t>(y.col_idx.size()));
  }
  if (report)
  {
    *report = m_counters;
    report->dense_seconds = static_cast<double>(m_dense_nanoseconds) * 1e-9;
    report->sync_seconds = static_cast<double>(m_sync_nanoseconds) * 1e-9;
    report->tiles = m_num_tiles;
    report->tile_rows = m_tile_rows;
  }
}

} // namespace sdnn::impl
