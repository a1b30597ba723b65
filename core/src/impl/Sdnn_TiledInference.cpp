#include "Sdnn_TiledInference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sdnn::impl
{

TiledInference::TiledInference(HostCsc const &inputs, std::vector<HostCsc> const &layers, float bias,
                               InferenceOptions const &options, int threads)
    : m_options(options), m_kernels(active_kernel_set()), m_bias(bias), m_n(inputs.num_cols()), m_num_layers(static_cast<int>(layers.size())),
      m_threads(threads), m_csr(to_csr(inputs)), m_active(layers.size(), 0), m_nnz(layers.size(), 0),
      m_progress(options.progress)
{
  m_counters.dense_rate_histogram.assign(WorkReport::dense_rate_bins, 0);
  // Column groups for the dense kernel, once per layer (≈ 1 ms per layer at N = 4096).
  m_groups.reserve(layers.size());
  for (auto const &w : layers)
  {
    m_groups.emplace_back(w, m_kernels.block_columns);
    m_layers.push_back(m_groups.back().pointers(w));
  }
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

InferenceResult TiledInference::result(WorkReport *report) const
{
  InferenceResult out;
  for (auto const &tile : m_outputs)
    out.categories.insert(out.categories.end(), tile.categories.begin(), tile.categories.end());
  std::sort(out.categories.begin(), out.categories.end());
  for (int l = 0; l < m_num_layers; ++l)
    out.layers.push_back({l + 1, m_active[l], m_nnz[l]});
  auto &y = out.activations;
  y.num_rows = m_csr.num_rows;
  y.num_cols = m_n;
  y.row_ptr.assign(y.num_rows + 1, 0);
  if (m_options.keep_activations)
  {
    for (auto const &tile : m_outputs)
      for (auto r : tile.rows)
        ++y.row_ptr[r + 1];
    for (std::int64_t r = 0; r < y.num_rows; ++r)
      y.row_ptr[r + 1] += y.row_ptr[r];
    y.col_idx.resize(y.row_ptr.back());
    y.values.resize(y.row_ptr.back());
    std::vector<std::int64_t> cursor(y.row_ptr.begin(), y.row_ptr.end() - 1);
    for (auto const &tile : m_outputs)
      for (std::size_t e = 0; e < tile.rows.size(); ++e)
      {
        auto const k = cursor[tile.rows[e]]++;
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
