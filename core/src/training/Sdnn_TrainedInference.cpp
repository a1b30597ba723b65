#include "../impl/Sdnn_KernelSet.hpp"
#include <Sdnn_Error.hpp>
#include <Sdnn_TrainedInference.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sdnn
{

namespace
{

/// W_l as an engine layer of n × n: row 0 the always-one input holding the biases (first, so that every sum starts
/// with the bias as in training), rows 1 + i the inputs, column 0 the always-one neuron, columns 1 + j the neurons.
HostCsc engine_layer(HostCsc const &w, std::vector<float> const &bias, std::int64_t n)
{
  HostCsc::offsets_view col_ptr("Sdnn::classify::col_ptr", n + 1);
  HostCsc::indices_view rows("Sdnn::classify::row_idx", 1 + w.num_cols() + w.nnz());
  HostCsc::values_view values("Sdnn::classify::values", 1 + w.num_cols() + w.nnz());
  std::int64_t at = 0;
  rows(at) = 0; // the always-one neuron keeps its 1
  values(at++) = 1.0f;
  col_ptr(1) = at;
  for (std::int32_t j = 0; j < w.num_cols(); ++j)
  {
    rows(at) = 0;
    values(at++) = bias[j];
    for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
    {
      rows(at) = 1 + w.row_idx()(k);
      values(at++) = w.values()(k);
    }
    col_ptr(j + 2) = at;
  }
  for (std::int64_t j = w.num_cols() + 2; j <= n; ++j)
    col_ptr(j) = at;
  return HostCsc(static_cast<std::int32_t>(n), static_cast<std::int32_t>(n), col_ptr, rows, values);
}

/// The samples as engine inputs (count × n): column 0 is 1, column 1 + f feature f.
HostCsc engine_inputs(ClassificationData const &data, std::int64_t n)
{
  HostCsr csr;
  csr.num_rows = data.count;
  csr.num_cols = n;
  csr.row_ptr.assign(data.count + 1, 0);
  for (std::int64_t s = 0; s < data.count; ++s)
  {
    csr.col_idx.push_back(0);
    csr.values.push_back(1.0f);
    for (std::int64_t f = 0; f < data.num_features; ++f)
      if (float const v = data.features[s * data.num_features + f]; v != 0.0f)
      {
        csr.col_idx.push_back(static_cast<std::int32_t>(1 + f));
        csr.values.push_back(v);
      }
    csr.row_ptr[s + 1] = static_cast<std::int64_t>(csr.col_idx.size());
  }
  return to_csc(csr);
}

} // namespace

template <class ExecutionSpace>
Evaluation classify(ExecutionSpace const &space, TrainableNetwork const &network, ClassificationData const &data,
                    InferenceOptions options, WorkReport *report)
{
  check_network_shapes(network);
  check_data_fits(data, network, "data");
  int const hidden = network.num_layers() - 1;
  std::int64_t n = network.num_features();
  for (int l = 0; l < hidden; ++l)
    n = std::max<std::int64_t>(n, network.weights[l].num_cols());
  n += 1;

  // The hidden layers in the engine; the last layer's inputs then come from its activations (or the features).
  HostCsr last_inputs;
  if (hidden > 0)
  {
    std::vector<HostCsc> layers;
    for (int l = 0; l < hidden; ++l)
      layers.push_back(engine_layer(network.weights[l], network.biases[l], n));
    options.ymax = network.clamp > 0.0f ? network.clamp : std::numeric_limits<float>::infinity();
    options.keep_activations = true;
    auto result = infer(space, engine_inputs(data, n), layers, 0.0f, options, report);
    last_inputs = std::move(result.activations);
  }
  else
    last_inputs = to_csr(engine_inputs(data, n));

  // The logits, with the training kernels (the same rounding as the engine and as evaluate()).
  HostCsc const &w = network.weights.back();
  std::int64_t const classes = w.num_cols(), inputs = w.num_rows();
  constexpr int batch = 256;
  std::vector<float> x(static_cast<std::size_t>(inputs) * batch), logits(static_cast<std::size_t>(classes) * batch);
  impl::TrainingStep step{};
  step.col_ptr = w.col_ptr().data();
  step.row = w.row_idx().data();
  step.weight = w.values().data();
  step.bias = network.biases.back().data();
  step.x = x.data();
  step.y = logits.data();
  step.stride = batch;
  step.hidden = false;
  auto const &kernels = impl::active_kernel_set();
  Evaluation evaluation;
  evaluation.predicted.resize(static_cast<std::size_t>(data.count));
  std::int64_t right = 0;
  double loss = 0.0;
  for (std::int64_t first = 0; first < data.count; first += batch)
  {
    int const count = static_cast<int>(std::min<std::int64_t>(batch, data.count - first));
    std::fill(x.begin(), x.end(), 0.0f);
    for (int s = 0; s < count; ++s)
      for (auto k = last_inputs.row_ptr[first + s]; k < last_inputs.row_ptr[first + s + 1]; ++k)
        if (auto const c = last_inputs.col_idx[k]; c >= 1 && c <= inputs)
          x[static_cast<std::size_t>(c - 1) * batch + s] = last_inputs.values[k];
    step.batch = count;
    for (std::int64_t c = 0; c < classes; ++c)
      kernels.training_forward(step, c);
    for (int s = 0; s < count; ++s)
    {
      auto logit = [&](std::int64_t c) { return logits[c * batch + s]; };
      std::int32_t best = 0;
      for (std::int64_t c = 1; c < classes; ++c)
        if (logit(c) > logit(best))
          best = static_cast<std::int32_t>(c);
      double const top = logit(best);
      double sum = 0.0;
      for (std::int64_t c = 0; c < classes; ++c)
        sum += std::exp(static_cast<double>(logit(c)) - top);
      auto const label = data.labels[first + s];
      loss += std::log(sum) - (static_cast<double>(logit(label)) - top);
      evaluation.predicted[first + s] = best;
      right += best == label ? 1 : 0;
    }
  }
  evaluation.accuracy = static_cast<double>(right) / static_cast<double>(data.count);
  evaluation.loss = loss / static_cast<double>(data.count);
  return evaluation;
}

#define SDNN_CLASSIFY_INSTANTIATE(SPACE)                                                                               \
  template Evaluation classify<SPACE>(SPACE const &, TrainableNetwork const &, ClassificationData const &,             \
                                      InferenceOptions, WorkReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_CLASSIFY_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_CLASSIFY_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_CLASSIFY_INSTANTIATE(Kokkos::Threads)
#endif

} // namespace sdnn
