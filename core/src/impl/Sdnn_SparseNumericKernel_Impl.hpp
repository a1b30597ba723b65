// The numeric step of the two-step sparse SpMM of one variant (the symbolic step, which multiplies nothing, is
// TileWorkspace's). Included by Sdnn_KernelVariant.hpp only (see Sdnn_Simd_Impl.hpp). Private to the library.

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

/// Z(:, [j0, j1)) = activate(Y·W) from the CSC Y of the step, into CSC or dense panels (step.out_dense).
void sparse_numeric(SparseStep const &step, LayerPointers const &w, std::int64_t j0, std::int64_t j1, float bias,
                    float ymax)
{
  constexpr int B = panel_rows;
  std::int32_t const *idx = step.idx;
  float const *vals = step.vals;
  std::int64_t const *begin = step.begin, *end = step.end;
  std::int32_t *counts = step.row_nnz;
  if (step.out_dense)
  {
    // Scatter into dense panels: each Z(q, j) still receives its terms in ascending k.
    float *out = step.out_dense;
    std::int64_t const stride = step.n * B;
    std::int64_t const np = (step.rows + B - 1) / B;
    for (std::int64_t j = j0; j < j1; ++j)
    {
      for (std::int64_t p = 0; p < np; ++p)
        std::fill_n(out + p * stride + j * B, B, 0.0f);
      for (auto k = w.col_ptr[j]; k < w.col_ptr[j + 1]; ++k)
      {
        float const wk = w.values[k];
        std::int32_t const i = w.row_idx[k];
        for (auto e = begin[i]; e < end[i]; ++e)
        {
          std::int64_t const q = idx[e];
          float &z = out[(q / B) * stride + j * B + q % B];
          z = multiply_add(vals[e], wk, z);
        }
      }
      for (std::int64_t q = 0; q < np * B; ++q)
      {
        float &z = out[(q / B) * stride + j * B + q % B];
        z = activate(z, bias, ymax);
        if (z != 0.0f)
          ++counts[q];
      }
    }
    return;
  }
  std::int32_t *marker = step.marker;
  float *acc = step.acc;
  std::int32_t *touched = step.touched;
  std::int32_t *out_idx = step.out_idx;
  float *out_vals = step.out_vals;
  std::int64_t *out_end = step.out_end;
  for (std::int64_t j = j0; j < j1; ++j)
  {
    auto const stamp = static_cast<std::int32_t>(step.n + 1 + j);
    std::int64_t touched_count = 0;
    for (auto k = w.col_ptr[j]; k < w.col_ptr[j + 1]; ++k)
    {
      float const wk = w.values[k];
      std::int32_t const i = w.row_idx[k];
      for (auto e = begin[i]; e < end[i]; ++e)
      {
        std::int32_t const q = idx[e];
        if (marker[q] != stamp)
        {
          marker[q] = stamp;
          acc[q] = 0.0f;
          touched[touched_count++] = q;
        }
        acc[q] = multiply_add(vals[e], wk, acc[q]);
      }
    }
    std::int64_t pos = out_end[j];
    auto emit = [&](std::int32_t q)
    {
      float const v = activate(acc[q], bias, ymax);
      if (v != 0.0f)
      {
        out_idx[pos] = q;
        out_vals[pos] = v;
        ++pos;
        ++counts[q];
      }
    };
    // Rows ascending: scan the markers when many rows were touched, else sort the touched list.
    if (touched_count * 16 > step.rows)
    {
      for (std::int64_t q = 0; q < step.rows; ++q)
        if (marker[q] == stamp)
          emit(static_cast<std::int32_t>(q));
    }
    else
    {
      std::sort(touched, touched + touched_count);
      for (std::int64_t t = 0; t < touched_count; ++t)
        emit(touched[t]);
    }
    out_end[j] = pos;
  }
}

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
