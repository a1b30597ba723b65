#include "Sdnn_TiledInference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sdnn::impl
{

TiledInference::TiledInference(RowBlock const &rows, PreparedNetwork::Prepared const &network, int first, int last,
                               InferenceOptions const &options, int threads, std::vector<TileOutput> &outputs)
    : m_options(options), m_kernels(*network.kernels), m_bias(network.bias), m_n(rows.num_cols), m_first_layer(first),
      m_num_layers(last - first), m_threads(threads), m_rows(rows), m_layers(network.pointers.data() + first),
      m_active(m_num_layers, 0), m_nnz(m_num_layers, 0), m_outputs(outputs), m_progress(options.progress)
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

std::vector<TiledInference::SurvivorSource> TiledInference::survivors_layout(RowInferenceResult &out) const
{
  out.layers.clear();
  for (int l = 0; l < m_num_layers; ++l)
    out.layers.push_back({m_first_layer + l + 1, m_active[l], m_nnz[l]});
  // The survivors in the block's order: for each input row, the tile and position holding it (-1: dead).
  std::int64_t const rows = m_rows.num_rows();
  std::vector<SurvivorSource> at(rows, SurvivorSource{-1, 0});
  for (std::int64_t t = 0; t < m_num_tiles; ++t)
  {
    auto const &tile = m_outputs[t];
    for (std::size_t k = 0; k < tile.categories.size(); ++k)
      at[tile.categories[k]] = {t, static_cast<std::int64_t>(k)};
  }
  std::vector<SurvivorSource> sources;
  auto &y = out.survivors;
  y.num_cols = m_n;
  y.ids.clear();
  y.row_ptr.assign(1, 0);
  for (std::int64_t r = 0; r < rows; ++r)
  {
    if (at[r].tile < 0)
      continue;
    sources.push_back(at[r]);
    y.ids.push_back(m_rows.ids[r]);
    std::int64_t length = 0;
    if (m_options.keep_activations)
    {
      auto const &tile = m_outputs[at[r].tile];
      length = tile.row_ptr[at[r].position + 1] - tile.row_ptr[at[r].position];
    }
    y.row_ptr.push_back(y.row_ptr.back() + length);
  }
  // Sized, not copied: copy_survivor() fills them.
  y.col_idx.resize(y.row_ptr.back());
  y.values.resize(y.row_ptr.back());
  return sources;
}

void TiledInference::copy_survivor(SurvivorSource const &source, RowBlock &y, std::int64_t k) const
{
  auto const &tile = m_outputs[source.tile];
  auto const begin = tile.row_ptr[source.position], end = tile.row_ptr[source.position + 1];
  std::copy(tile.cols.begin() + begin, tile.cols.begin() + end, y.col_idx.begin() + y.row_ptr[k]);
  std::copy(tile.values.begin() + begin, tile.values.begin() + end, y.values.begin() + y.row_ptr[k]);
}

void TiledInference::report_into(WorkReport &report) const
{
  report = m_counters;
  report.dense_seconds = static_cast<double>(m_dense_nanoseconds) * 1e-9;
  report.sync_seconds = static_cast<double>(m_sync_nanoseconds) * 1e-9;
  report.tiles = m_num_tiles;
  report.tile_rows = m_tile_rows;
}

} // namespace sdnn::impl
