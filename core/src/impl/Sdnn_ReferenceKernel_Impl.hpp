// The reference's column loop of one variant. Included by Sdnn_KernelVariant.hpp only (see Sdnn_Simd_Impl.hpp).
// Private to the library.

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

/// For each column j: Z(b, j) = Σ_i Y(b, i)·W(i, j) over column j of W, rows i ascending (a CSC column is sorted),
/// accumulated in float from 0 with multiply_add, for the reference_batch rows side by side (each with its own
/// accumulator: no sum is reordered, the rows only share the loop over W, which lets the compiler overlap the
/// otherwise latency-bound additions); then the bias on the nonzeros, ReLU and the clamp.
void reference_columns(ReferenceStep const &step)
{
  constexpr int batch = reference_batch;
  for (std::int64_t j = 0; j < step.n; ++j)
  {
    float z[batch] = {};
    for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
    {
      float const w = step.values[k];
      float const *yi = step.y + std::int64_t(step.row_idx[k]) * batch;
      for (int b = 0; b < batch; ++b)
        z[b] = multiply_add(yi[b], w, z[b]);
    }
    for (int b = 0; b < batch; ++b)
    {
      step.z[b * step.n + j] = activate(z[b], step.bias, step.ymax); // bias only on the nonzeros of Z
    }
  }
}

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
