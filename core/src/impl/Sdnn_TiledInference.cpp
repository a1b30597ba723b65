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

RowInferenceResult TiledInference::result(WorkReport *report) const
{
  RowInferenceResult out;
  for (int l = 0; l < m_num_layers; ++l)
    out.layers.push_back({m_first_layer + l + 1, m_active[l], m_nnz[l]});
  // The survivors in the block's order: where each local row's entries start (-1: dead), then the entries.
  std::int64_t const rows = m_rows.num_rows();
  std::vector<std::int64_t> start(rows, -1);
  for (auto const &tile : m_outputs)
    for (auto r : tile.categories)
      start[r] = 0;
  if (m_options.keep_activations)
    for (auto const &tile : m_outputs)
      for (auto r : tile.rows)
        ++start[r];
  auto &y = out.survivors;
  y.num_cols = m_n;
  for (std::int64_t r = 0; r < rows; ++r)
    if (start[r] >= 0)
    {
      y.ids.push_back(m_rows.ids[r]);
      auto const count = start[r];
      start[r] = y.row_ptr.back();
      y.row_ptr.push_back(start[r] + count);
    }
  if (m_options.keep_activations)
  {
    y.col_idx.resize(y.row_ptr.back());
    y.values.resize(y.row_ptr.back());
    for (auto const &tile : m_outputs)
      for (std::size_t e = 0; e < tile.rows.size(); ++e)
      {
        auto const k = start[tile.rows[e]]++;
        y.col_idx[k] = tile.cols[e];
        y.values[k] = tile.values[e];
      }
  }
  if (report)
  {
    *report = m_counters;
    report->tiles = m_num_tiles;
    report->tile_rows = m_tile_rows;
  }
  return out;
}

} // namespace sdnn::impl
