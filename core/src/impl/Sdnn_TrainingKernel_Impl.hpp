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
  if (batch == 1) // one sample: a loop over the nonzeros, not over a batch of one
  {
    float z = b;
    for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
      z = multiply_add(step.x[std::int64_t(step.row[k]) * step.stride], step.weight[k], z);
    yj[0] = z;
  }
  else
  {
    for (int s = 0; s < batch; ++s)
      yj[s] = b;
    for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
    {
      float const w = step.weight[k];
      float const *xi = step.x + std::int64_t(step.row[k]) * step.stride;
      for (int s = 0; s < batch; ++s)
        yj[s] = multiply_add(xi[s], w, yj[s]);
    }
  }
  if (!step.hidden)
    return 0.0;
  float const clamp = step.clamp;
  std::uint32_t largest = 0; // of the activations, a NaN kept (see magnitude_bits)
  for (int s = 0; s < batch; ++s)
  {
    float const z = yj[s];
    float v = z > 0.0f ? z : 0.0f;
    v = clamp > 0.0f && v > clamp ? clamp : v;
    yj[s] = v;
    std::uint32_t const m = magnitude_bits(z == z ? v : z);
    largest = m > largest ? m : largest;
  }
  return from_magnitude_bits(largest);
}

void training_gradients(TrainingStep const &step, std::int64_t j)
{
  int const batch = step.batch;
  float const *dj = step.delta + j * step.stride;
  if (batch == 1) // one sample: the nonzeros side by side
  {
    double const d = dj[0];
    step.gradient[step.nnz + j] = to_fixed(d);
    for (auto k = step.col_ptr[j]; k < step.col_ptr[j + 1]; ++k)
      step.gradient[k] = to_fixed(d * static_cast<double>(step.x[std::int64_t(step.row[k]) * step.stride]));
    return;
  }
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
  if (batch == 1) // one sample: the nonzeros side by side
  {
    Fixed p = 0;
    for (auto t = step.row_ptr[i]; t < step.row_ptr[i + 1]; ++t)
      p += to_fixed(static_cast<double>(step.weight[step.row_entry[t]]) *
                    static_cast<double>(step.delta[std::int64_t(step.row_column[t]) * step.stride]));
    pi[0] = p;
    return;
  }
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

float training_update(TrainingUpdate const &update, std::int64_t begin, std::int64_t end)
{
  std::uint32_t largest = 0;
  for (auto k = begin; k < end; ++k)
  {
    float const v =
        static_cast<float>(update.momentum * update.velocity[k] + from_fixed(update.gradient[k]) / update.samples);
    float const w = static_cast<float>(update.weight[k] - update.learning_rate * v);
    update.velocity[k] = v;
    update.weight[k] = w;
    std::uint32_t const m = magnitude_bits(w);
    largest = m > largest ? m : largest;
  }
  return from_magnitude_bits(largest);
}

float training_derivative(TrainingDerivative const &derivative, std::int64_t j)
{
  float const *yj = derivative.y + j * derivative.stride;
  std::int64_t const *sj = derivative.sums + j * derivative.stride;
  float *dj = derivative.delta + j * derivative.stride;
  float const clamp = derivative.clamp;
  std::uint32_t largest = 0;
  for (int s = 0; s < derivative.batch; ++s)
  {
    bool const active = yj[s] > 0.0f && !(clamp > 0.0f && yj[s] >= clamp);
    float const d = active ? static_cast<float>(from_fixed(sj[s])) : 0.0f;
    dj[s] = d;
    std::uint32_t const m = magnitude_bits(d);
    largest = m > largest ? m : largest;
  }
  return from_magnitude_bits(largest);
}

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
