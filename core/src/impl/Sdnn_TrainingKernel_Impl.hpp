// The training kernels of one variant (see Sdnn_KernelSet.hpp, TrainingStep). Included by Sdnn_KernelVariant.hpp
// only, inside the variant's target region: the loops over a batch's samples vectorise at the variant's width, the
// forward pass rounds like the engine (multiply_add), and every fixed-point term is rounded by to_fixed() alone.
// Private to the library.

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

double training_forward(TrainingStep const &step, std::int64_t j)
{
  int const batch = step.batch;
  float *yj = step.y + j * step.stride;
  float const b = step.bias[j];
  for (int s = 0; s < batch; ++s)
    yj[s] = b;
  for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
  {
    float const w = step.weight[k];
    float const *xi = step.x + std::int64_t(step.row[k]) * step.stride;
    for (int s = 0; s < batch; ++s)
      yj[s] = multiply_add(xi[s], w, yj[s]);
  }
  if (!step.hidden)
    return 0.0;
  float const clamp = step.clamp;
  float largest = 0.0f;
  bool nan = false;
  for (int s = 0; s < batch; ++s)
  {
    nan = nan || yj[s] != yj[s];
    float v = yj[s] > 0.0f ? yj[s] : 0.0f;
    v = clamp > 0.0f && v > clamp ? clamp : v;
    yj[s] = v;
    largest = v > largest ? v : largest;
  }
  return nan ? HUGE_VAL : static_cast<double>(largest);
}

void training_gradients(TrainingStep const &step, std::int64_t j)
{
  int const batch = step.batch;
  float const *dj = step.delta + j * step.stride;
  Fixed b = 0;
  for (int s = 0; s < batch; ++s)
    b += to_fixed(dj[s]);
  step.gradient[step.nnz + j] = b;
  for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
  {
    float const *xi = step.x + std::int64_t(step.row[k]) * step.stride;
    Fixed g = 0;
    for (int s = 0; s < batch; ++s)
      g += to_fixed(static_cast<double>(dj[s]) * static_cast<double>(xi[s]));
    step.gradient[k] = g;
  }
}

void training_backpropagate(TrainingStep const &step, std::int64_t i)
{
  int const batch = step.batch;
  Fixed *pi = step.partial + i * step.stride;
  for (int s = 0; s < batch; ++s)
    pi[s] = 0;
  for (auto t = step.row_ptr[i]; t < step.row_ptr[i + 1]; ++t)
  {
    double const w = step.weight[step.row_entry[t]];
    float const *dj = step.delta + std::int64_t(step.row_column[t]) * step.stride;
    for (int s = 0; s < batch; ++s)
      pi[s] += to_fixed(w * static_cast<double>(dj[s]));
  }
}

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
