#include <Sdnn_Reference.hpp>

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

  // Row-major Y and W: row r of Z is the sum over nonzeros Y(r,i) of Y(r,i)·W(i,:). Visiting i in
  // ascending order accumulates every Z(r,j) in ascending order of i.
  HostCsr y = to_csr(inputs);
  HostCsr next;
  next.num_rows = y.num_rows;
  next.num_cols = n;
  std::vector<float> z(n);

  InferenceResult result;
  for (std::size_t l = 0; l < layers.size(); ++l)
  {
    HostCsr const w = to_csr(layers[l]);
    next.row_ptr.assign(1, 0);
    next.col_idx.clear();
    next.values.clear();
    LayerStats stats;
    stats.layer = static_cast<int>(l + 1);
    for (std::int64_t r = 0; r < y.num_rows; ++r)
    {
      if (y.row_ptr[r] != y.row_ptr[r + 1]) // an all-zero row stays all zero
      {
        std::fill(z.begin(), z.end(), 0.0f);
        for (auto k = y.row_ptr[r]; k < y.row_ptr[r + 1]; ++k)
        {
          auto const i = y.col_idx[k];
          auto const yi = y.values[k];
          for (auto kw = w.row_ptr[i]; kw < w.row_ptr[i + 1]; ++kw)
            z[w.col_idx[kw]] += yi * w.values[kw];
        }
        for (std::int64_t j = 0; j < n; ++j)
        {
          if (z[j] == 0.0f)
            continue;
          float v = z[j] + bias;
          v = v < 0.0f ? 0.0f : v;
          v = v > ymax ? ymax : v;
          if (v != 0.0f)
          {
            next.col_idx.push_back(static_cast<std::int32_t>(j));
            next.values.push_back(v);
          }
        }
      }
      auto const row_nnz = static_cast<std::int64_t>(next.col_idx.size()) - next.row_ptr.back();
      stats.active_rows += row_nnz > 0 ? 1 : 0;
      next.row_ptr.push_back(static_cast<std::int64_t>(next.col_idx.size()));
    }
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

} // namespace sdnn
