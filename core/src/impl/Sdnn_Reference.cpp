#include <Sdnn_Reference.hpp>

#include "Sdnn_MultiplyAdd.hpp"

#include <algorithm>

namespace sdnn
{

InferenceResult reference_inference(HostCsc const &inputs, std::vector<HostCsc> const &layers, float bias, float ymax,
                                    std::function<void(LayerStats const &)> const &on_layer)
{
  std::int64_t const n = inputs.num_cols();
  for (std::size_t l = 0; l < layers.size(); ++l)
    SDNN_REQUIRE(layers[l].num_rows() == n && layers[l].num_cols() == n,
                 "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols()
                          << ", the inputs have " << n << " columns");

  // For each live row r and column j: Z(r, j) = Σ_i Y(r, i)·W(i, j) over column j of W, rows i
  // ascending (a CSC column is sorted), accumulated in float from 0 with impl::multiply_add. Terms with Y(r, i) = 0 add
  // an exact 0, so this equals the sum over the nonzeros alone. Up to `batch` live rows are computed side by side, each
  // with its own accumulator: no sum is reordered, the rows only share the loop over W (which lets the compiler overlap
  // the otherwise latency-bound additions).
  constexpr int batch = 8;
  HostCsr y = to_csr(inputs);
  HostCsr next;
  next.num_rows = y.num_rows;
  next.num_cols = n;
  std::vector<float> y_dense(n * batch, 0.0f); // y_dense[i * batch + b] = Y(rows[b], i)
  std::vector<float> z_rows(n * batch);        // z_rows[b * n + j] = Y_next(rows[b], j)
  std::vector<std::int64_t> live;

  InferenceResult result;
  for (std::size_t l = 0; l < layers.size(); ++l)
  {
    auto const col_ptr = layers[l].col_ptr();
    auto const row_idx = layers[l].row_idx();
    auto const values = layers[l].values();
    next.row_ptr.assign(1, 0);
    next.col_idx.clear();
    next.values.clear();
    LayerStats stats;
    stats.layer = static_cast<int>(l + 1);
    // Live rows in ascending order; an all-zero row stays all zero and is not computed.
    live.clear();
    for (std::int64_t r = 0; r < y.num_rows; ++r)
      if (y.row_ptr[r] != y.row_ptr[r + 1])
        live.push_back(r);
    std::int64_t emitted = 0; // rows of `next` written so far
    for (std::size_t first = 0; first < live.size(); first += batch)
    {
      int const count = static_cast<int>(std::min<std::size_t>(batch, live.size() - first));
      for (int b = 0; b < count; ++b)
        for (auto k = y.row_ptr[live[first + b]]; k < y.row_ptr[live[first + b] + 1]; ++k)
          y_dense[y.col_idx[k] * batch + b] = y.values[k];
      for (std::int64_t j = 0; j < n; ++j)
      {
        float z[batch] = {};
        for (auto k = col_ptr(j); k < col_ptr(j + 1); ++k)
        {
          float const w = values(k);
          float const *yi = &y_dense[row_idx(k) * batch];
          for (int b = 0; b < batch; ++b)
            z[b] = impl::multiply_add(yi[b], w, z[b]);
        }
        for (int b = 0; b < batch; ++b)
        {
          float v = z[b];
          if (v != 0.0f) // bias only on the nonzeros of Z
          {
            v += bias;
            v = v < 0.0f ? 0.0f : v;
            v = v > ymax ? ymax : v;
          }
          z_rows[b * n + j] = v;
        }
      }
      for (int b = 0; b < count; ++b)
      {
        auto const r = live[first + b];
        for (auto k = y.row_ptr[r]; k < y.row_ptr[r + 1]; ++k)
          y_dense[y.col_idx[k] * batch + b] = 0.0f;
        for (; emitted < r; ++emitted) // dead rows before r
          next.row_ptr.push_back(static_cast<std::int64_t>(next.col_idx.size()));
        for (std::int64_t j = 0; j < n; ++j)
          if (z_rows[b * n + j] != 0.0f)
          {
            next.col_idx.push_back(static_cast<std::int32_t>(j));
            next.values.push_back(z_rows[b * n + j]);
          }
        stats.active_rows += static_cast<std::int64_t>(next.col_idx.size()) > next.row_ptr.back() ? 1 : 0;
        next.row_ptr.push_back(static_cast<std::int64_t>(next.col_idx.size()));
        ++emitted;
      }
    }
    for (; emitted < y.num_rows; ++emitted)
      next.row_ptr.push_back(static_cast<std::int64_t>(next.col_idx.size()));
    stats.nnz = static_cast<std::int64_t>(next.col_idx.size());
    std::swap(y, next);
    result.layers.push_back(stats);
    if (on_layer)
      on_layer(stats);
  }
  for (std::int64_t r = 0; r < y.num_rows; ++r)
    if (y.row_ptr[r] != y.row_ptr[r + 1])
      result.categories.push_back(r);
  result.activations = std::move(y);
  return result;
}

double useful_multiply_adds(std::int64_t input_nnz, std::vector<LayerStats> const &layers,
                            std::vector<HostCsc> const &weights)
{
  double total = 0.0;
  auto y_nnz = static_cast<double>(input_nnz);
  for (std::size_t l = 0; l < weights.size() && y_nnz > 0.0; ++l)
  {
    auto const &w = weights[l];
    total += y_nnz * (w.num_rows() > 0 ? static_cast<double>(w.nnz()) / static_cast<double>(w.num_rows()) : 0.0);
    y_nnz = l < layers.size() ? static_cast<double>(layers[l].nnz) : 0.0;
  }
  return total;
}

bool multiply_add_is_fused()
{
  return SDNN_IMPL_FUSED_MULTIPLY_ADD != 0;
}

} // namespace sdnn
