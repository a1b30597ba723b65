#include <Sdnn_Error.hpp>
#include <Sdnn_LayerSource.hpp>
#include <Sdnn_Reference.hpp>

#include "Sdnn_KernelSet.hpp"

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
  return reference_inference(inputs, LayersInMemory(layers, n), bias, ymax, on_layer);
}

InferenceResult reference_inference(HostCsc const &inputs, LayerSource const &layers, float bias, float ymax,
                                    std::function<void(LayerStats const &)> const &on_layer)
{
  std::int64_t const n = inputs.num_cols();
  SDNN_REQUIRE(layers.num_neurons() == n, "the layers are " << layers.num_neurons() << " x " << layers.num_neurons()
                                                            << ", the inputs have " << n << " columns");

  // Up to `batch` live rows at a time go through the active instruction set's reference_columns (see
  // Sdnn_ReferenceKernel_Impl.hpp), which accumulates each Z(r, j) in float from 0 over the rows of column j of W in
  // ascending order. Terms with Y(r, i) = 0 add an exact 0, so this equals the sum over the nonzeros alone.
  constexpr int batch = impl::reference_batch;
  auto const &kernels = impl::active_kernel_set();
  HostCsr y = to_csr(inputs);
  HostCsr next;
  next.num_rows = y.num_rows;
  next.num_cols = n;
  std::vector<float> y_dense(n * batch, 0.0f); // y_dense[i * batch + b] = Y(rows[b], i)
  std::vector<float> z_rows(n * batch);        // z_rows[b * n + j] = Y_next(rows[b], j)
  std::vector<std::int64_t> live;

  InferenceResult result;
  for (int l = 0; l < layers.num_layers(); ++l)
  {
    auto const w = layers.layer(l + 1); // checked N x N
    auto const col_ptr = w.col_ptr();
    auto const row_idx = w.row_idx();
    auto const values = w.values();
    next.row_ptr.assign(1, 0);
    next.col_idx.clear();
    next.values.clear();
    LayerStats stats;
    stats.layer = l + 1;
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
      kernels.reference_columns(
          {col_ptr.data(), row_idx.data(), values.data(), n, y_dense.data(), z_rows.data(), bias, ymax});
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
  std::vector<std::int64_t> weight_nnz;
  for (auto const &w : weights)
    weight_nnz.push_back(w.nnz());
  return useful_multiply_adds(input_nnz, layers, weight_nnz, weights.empty() ? 0 : weights.front().num_rows());
}

double useful_multiply_adds(std::int64_t input_nnz, std::vector<LayerStats> const &layers,
                            std::vector<std::int64_t> const &weight_nnz, std::int64_t num_neurons)
{
  double total = 0.0;
  auto y_nnz = static_cast<double>(input_nnz);
  for (std::size_t l = 0; l < weight_nnz.size() && y_nnz > 0.0; ++l)
  {
    total += y_nnz * (num_neurons > 0 ? static_cast<double>(weight_nnz[l]) / static_cast<double>(num_neurons) : 0.0);
    y_nnz = l < layers.size() ? static_cast<double>(layers[l].nnz) : 0.0;
  }
  return total;
}

} // namespace sdnn
