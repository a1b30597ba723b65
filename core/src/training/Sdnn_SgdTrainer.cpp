#include "Sdnn_SgdTrainer.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <cmath>

namespace sdnn::impl
{

template <class ExecutionSpace>
SgdTrainer<ExecutionSpace>::SgdTrainer(ExecutionSpace const &space, TrainableNetwork const &network, int max_batch,
                                       TrainingState const *state)
    : m_space(space), m_max_batch(max_batch), m_clamp(network.clamp)
{
  check_network_shapes(network);
  SDNN_REQUIRE(max_batch >= 1, "batch size " << max_batch);
  bool const has_state = state != nullptr && !state->weight_velocity.empty();
  if (has_state)
    SDNN_USER_REQUIRE(static_cast<int>(state->weight_velocity.size()) == network.num_layers() &&
                          static_cast<int>(state->bias_velocity.size()) == network.num_layers(),
                      "the training state has " << state->weight_velocity.size() << " layers, the network "
                                                << network.num_layers());
  std::int64_t largest_fan_out = 1;
  m_features = Activations("Sdnn::SgdTrainer::features", network.num_features(), max_batch);
  for (int l = 0; l < network.num_layers(); ++l)
  {
    HostCsc const &w = network.weights[l];
    Layer layer;
    layer.inputs = w.num_rows();
    layer.outputs = w.num_cols();
    auto const nnz = w.nnz();
    layer.col_ptr = Kokkos::create_mirror_view_and_copy(memory_space(), w.col_ptr());
    layer.row = Kokkos::create_mirror_view_and_copy(memory_space(), w.row_idx());
    layer.weight = Kokkos::View<float *, memory_space>("Sdnn::SgdTrainer::weight", nnz);
    Kokkos::deep_copy(layer.weight, w.values());
    layer.bias = Kokkos::View<float *, memory_space>("Sdnn::SgdTrainer::bias", layer.outputs);
    auto bias_host = Kokkos::create_mirror_view(layer.bias);
    std::copy(network.biases[l].begin(), network.biases[l].end(), bias_host.data());
    Kokkos::deep_copy(layer.bias, bias_host);

    // The transpose of the pattern: row i's nonzeros in ascending column order.
    auto row_ptr = Kokkos::View<std::int64_t *, Kokkos::HostSpace>("Sdnn::SgdTrainer::row_ptr", layer.inputs + 1);
    for (std::int64_t k = 0; k < nnz; ++k)
      ++row_ptr(w.row_idx()(k) + 1);
    for (std::int64_t i = 0; i < layer.inputs; ++i)
    {
      largest_fan_out = std::max(largest_fan_out, row_ptr(i + 1));
      row_ptr(i + 1) += row_ptr(i);
    }
    auto row_entry = Kokkos::View<std::int64_t *, Kokkos::HostSpace>("Sdnn::SgdTrainer::row_entry", nnz);
    auto row_column = Kokkos::View<std::int32_t *, Kokkos::HostSpace>("Sdnn::SgdTrainer::row_column", nnz);
    std::vector<std::int64_t> next(row_ptr.data(), row_ptr.data() + layer.inputs);
    for (std::int64_t j = 0; j < layer.outputs; ++j)
      for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
      {
        auto const at = next[w.row_idx()(k)]++;
        row_entry(at) = k;
        row_column(at) = static_cast<std::int32_t>(j);
      }
    layer.row_ptr = Kokkos::create_mirror_view_and_copy(memory_space(), row_ptr);
    layer.row_entry = Kokkos::create_mirror_view_and_copy(memory_space(), row_entry);
    layer.row_column = Kokkos::create_mirror_view_and_copy(memory_space(), row_column);

    layer.weight_velocity = Kokkos::View<float *, memory_space>("Sdnn::SgdTrainer::weight_velocity", nnz);
    layer.bias_velocity = Kokkos::View<float *, memory_space>("Sdnn::SgdTrainer::bias_velocity", layer.outputs);
    if (has_state)
    {
      SDNN_USER_REQUIRE(static_cast<std::int64_t>(state->weight_velocity[l].size()) == nnz &&
                            static_cast<std::int64_t>(state->bias_velocity[l].size()) == layer.outputs,
                        "the training state of layer " << l + 1 << " does not fit the network");
      Kokkos::deep_copy(layer.weight_velocity, Kokkos::View<float const *, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                                   state->weight_velocity[l].data(), nnz));
      Kokkos::deep_copy(layer.bias_velocity, Kokkos::View<float const *, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                                 state->bias_velocity[l].data(), layer.outputs));
    }
    layer.weight_gradient = Kokkos::View<Fixed *, memory_space>("Sdnn::SgdTrainer::weight_gradient", nnz);
    layer.bias_gradient = Kokkos::View<Fixed *, memory_space>("Sdnn::SgdTrainer::bias_gradient", layer.outputs);
    layer.y = Activations("Sdnn::SgdTrainer::y", layer.outputs, max_batch);
    layer.delta = Activations("Sdnn::SgdTrainer::delta", layer.outputs, max_batch);
    if (l > 0)
      layer.partial = FixedRows("Sdnn::SgdTrainer::partial", layer.inputs, max_batch);
    m_layers.push_back(layer);
  }
  m_factor_bound = fixed_factor_bound(std::max<std::int64_t>(largest_fan_out, max_batch));
  m_label_view = Kokkos::View<std::int32_t *, memory_space>("Sdnn::SgdTrainer::labels", max_batch);
  m_loss_view = Kokkos::View<double *, memory_space>("Sdnn::SgdTrainer::loss", max_batch);
  m_predicted_view = Kokkos::View<std::int32_t *, memory_space>("Sdnn::SgdTrainer::predicted", max_batch);
}

template <class ExecutionSpace>
void SgdTrainer<ExecutionSpace>::load_batch(ClassificationData const &data, std::int64_t const *ids, int count)
{
  SDNN_REQUIRE(count >= 1 && count <= m_max_batch, "batch of " << count << " samples, at most " << m_max_batch);
  m_batch = count;
  m_labels.assign(count, 0);
  auto labels_host = Kokkos::create_mirror_view(m_label_view);
  for (int s = 0; s < count; ++s)
    labels_host(s) = m_labels[s] = data.labels[ids[s]];
  Kokkos::deep_copy(m_space, m_label_view, labels_host);
  auto features_host = Kokkos::create_mirror_view(m_features);
  std::int64_t const num_features = data.num_features;
  for (int s = 0; s < count; ++s)
  {
    float const *sample = data.features.data() + ids[s] * num_features;
    for (std::int64_t f = 0; f < num_features; ++f)
      features_host(f, s) = sample[f];
  }
  Kokkos::deep_copy(m_space, m_features, features_host);
}

template <class ExecutionSpace> double SgdTrainer<ExecutionSpace>::forward()
{
  double largest = 0.0;
  int const batch = m_batch;
  float const clamp = m_clamp;
  for (std::size_t l = 0; l < m_layers.size(); ++l)
  {
    Layer const &layer = m_layers[l];
    auto const col_ptr = layer.col_ptr;
    auto const row = layer.row;
    auto const weight = layer.weight;
    auto const bias = layer.bias;
    auto const x = input_of(static_cast<int>(l));
    auto const y = layer.y;
    bool const hidden = l + 1 < m_layers.size();
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::forward", Policy(m_space, 0, layer.outputs),
        KOKKOS_LAMBDA(std::int64_t j, double &largest_here) {
          float *yj = &y(j, 0);
          float const b = bias(j);
          for (int s = 0; s < batch; ++s)
            yj[s] = b;
          for (auto k = col_ptr(j); k < col_ptr(j + 1); ++k)
          {
            float const w = weight(k);
            float const *xi = &x(row(k), 0);
            for (int s = 0; s < batch; ++s)
              yj[s] += w * xi[s];
          }
          if (hidden)
            for (int s = 0; s < batch; ++s)
            {
              float v = yj[s] > 0.0f ? yj[s] : 0.0f;
              v = clamp > 0.0f && v > clamp ? clamp : v;
              yj[s] = v;
              largest_here = std::fmax(largest_here, magnitude(v));
            }
        },
        Kokkos::Max<double>(layer_largest));
    largest = std::max(largest, layer_largest);
  }
  return largest;
}

template <class ExecutionSpace> void SgdTrainer<ExecutionSpace>::softmax_errors()
{
  Layer &last = m_layers.back();
  auto const y = last.y;
  auto const delta = last.delta;
  auto const labels = m_label_view;
  auto const loss = m_loss_view;
  auto const predicted = m_predicted_view;
  std::int64_t const classes = last.outputs;
  Kokkos::parallel_for(
      "Sdnn::SgdTrainer::softmax", Policy(m_space, 0, m_batch), KOKKOS_LAMBDA(std::int64_t s) {
        std::int32_t best = 0;
        for (std::int64_t c = 1; c < classes; ++c)
          if (y(c, s) > y(best, s))
            best = static_cast<std::int32_t>(c);
        double const top = y(best, s);
        double sum = 0.0;
        for (std::int64_t c = 0; c < classes; ++c)
          sum += std::exp(static_cast<double>(y(c, s)) - top);
        double const log_sum = std::log(sum);
        for (std::int64_t c = 0; c < classes; ++c)
        {
          double const p = std::exp(static_cast<double>(y(c, s)) - top - log_sum);
          delta(c, s) = static_cast<float>(p - (c == labels(s) ? 1.0 : 0.0));
        }
        loss(s) = log_sum - (static_cast<double>(y(labels(s), s)) - top);
        predicted(s) = best;
      });
  auto loss_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss);
  auto predicted_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), predicted);
  m_sample_loss.assign(loss_host.data(), loss_host.data() + m_batch);
  m_predicted.assign(predicted_host.data(), predicted_host.data() + m_batch);
}

template <class ExecutionSpace> double SgdTrainer<ExecutionSpace>::backward()
{
  int const batch = m_batch;
  float const clamp = m_clamp;
  double largest = 0.0;
  for (int l = static_cast<int>(m_layers.size()) - 1; l >= 0; --l)
  {
    Layer const &layer = m_layers[l];
    auto const col_ptr = layer.col_ptr;
    auto const row = layer.row;
    auto const delta = layer.delta;
    auto const x = input_of(l);
    auto const weight_gradient = layer.weight_gradient;
    auto const bias_gradient = layer.bias_gradient;
    // dLoss/dW(i, j) = Σ_s delta(j, s)·x(i, s) and dLoss/db(j) = Σ_s delta(j, s), on the nonzeros only.
    Kokkos::parallel_for(
        "Sdnn::SgdTrainer::gradients", Policy(m_space, 0, layer.outputs), KOKKOS_LAMBDA(std::int64_t j) {
          float const *dj = &delta(j, 0);
          Fixed b = 0;
          for (int s = 0; s < batch; ++s)
            b += to_fixed(dj[s]);
          bias_gradient(j) = b;
          for (auto k = col_ptr(j); k < col_ptr(j + 1); ++k)
          {
            float const *xi = &x(row(k), 0);
            Fixed g = 0;
            for (int s = 0; s < batch; ++s)
              g += to_fixed(static_cast<double>(dj[s]) * static_cast<double>(xi[s]));
            weight_gradient(k) = g;
          }
        });
    if (l == 0)
      break;
    // delta_{l-1}(i) = f'(z_{l-1}(i)) · Σ_j W_l(i, j)·delta_l(j): each input's sum over its row of W_l.
    auto const row_ptr = layer.row_ptr;
    auto const row_entry = layer.row_entry;
    auto const row_column = layer.row_column;
    auto const weight = layer.weight;
    auto const partial = layer.partial;
    auto const previous_delta = m_layers[l - 1].delta;
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::backpropagate", Policy(m_space, 0, layer.inputs),
        KOKKOS_LAMBDA(std::int64_t i, double &largest_here) {
          Fixed *pi = &partial(i, 0);
          for (int s = 0; s < batch; ++s)
            pi[s] = 0;
          for (auto t = row_ptr(i); t < row_ptr(i + 1); ++t)
          {
            double const w = weight(row_entry(t));
            float const *dj = &delta(row_column(t), 0);
            for (int s = 0; s < batch; ++s)
              pi[s] += to_fixed(w * static_cast<double>(dj[s]));
          }
          float const *xi = &x(i, 0);
          float *di = &previous_delta(i, 0);
          for (int s = 0; s < batch; ++s)
          {
            bool const active = xi[s] > 0.0f && !(clamp > 0.0f && xi[s] >= clamp);
            float const d = active ? static_cast<float>(from_fixed(pi[s])) : 0.0f;
            di[s] = d;
            largest_here = std::fmax(largest_here, magnitude(d));
          }
        },
        Kokkos::Max<double>(layer_largest));
    largest = std::max(largest, layer_largest);
  }
  return largest;
}

template <class ExecutionSpace>
double SgdTrainer<ExecutionSpace>::update(double learning_rate, double momentum, std::int64_t global_batch)
{
  double const samples = static_cast<double>(global_batch);
  double largest = 0.0;
  for (Layer const &layer : m_layers)
  {
    auto const weight = layer.weight;
    auto const velocity = layer.weight_velocity;
    auto const gradient = layer.weight_gradient;
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::update_weights", Policy(m_space, 0, weight.extent(0)),
        KOKKOS_LAMBDA(std::int64_t k, double &largest_here) {
          float const v = static_cast<float>(momentum * velocity(k) + from_fixed(gradient(k)) / samples);
          float const w = static_cast<float>(weight(k) - learning_rate * v);
          velocity(k) = v;
          weight(k) = w;
          largest_here = std::fmax(largest_here, magnitude(w));
        },
        Kokkos::Max<double>(layer_largest));
    largest = std::max(largest, layer_largest);
    auto const bias = layer.bias;
    auto const bias_velocity = layer.bias_velocity;
    auto const bias_gradient = layer.bias_gradient;
    Kokkos::parallel_for(
        "Sdnn::SgdTrainer::update_biases", Policy(m_space, 0, bias.extent(0)), KOKKOS_LAMBDA(std::int64_t j) {
          float const v = static_cast<float>(momentum * bias_velocity(j) + from_fixed(bias_gradient(j)) / samples);
          bias_velocity(j) = v;
          bias(j) = static_cast<float>(bias(j) - learning_rate * v);
        });
  }
  m_space.fence();
  return largest;
}

template <class ExecutionSpace> void SgdTrainer<ExecutionSpace>::store(TrainableNetwork &network) const
{
  SDNN_REQUIRE(network.num_layers() == static_cast<int>(m_layers.size()), "storing into another network");
  for (std::size_t l = 0; l < m_layers.size(); ++l)
  {
    Kokkos::deep_copy(network.weights[l].values(), m_layers[l].weight);
    auto bias_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m_layers[l].bias);
    network.biases[l].assign(bias_host.data(), bias_host.data() + bias_host.extent(0));
  }
}

template <class ExecutionSpace> TrainingState SgdTrainer<ExecutionSpace>::state() const
{
  TrainingState state;
  for (Layer const &layer : m_layers)
  {
    auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), layer.weight_velocity);
    auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), layer.bias_velocity);
    state.weight_velocity.emplace_back(w.data(), w.data() + w.extent(0));
    state.bias_velocity.emplace_back(b.data(), b.data() + b.extent(0));
  }
  return state;
}

template <class ExecutionSpace> Gradients SgdTrainer<ExecutionSpace>::gradients() const
{
  Gradients gradients;
  double const scale = 1.0 / static_cast<double>(m_batch);
  for (Layer const &layer : m_layers)
  {
    auto w = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), layer.weight_gradient);
    auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), layer.bias_gradient);
    std::vector<double> weights(w.extent(0)), biases(b.extent(0));
    for (std::size_t k = 0; k < weights.size(); ++k)
      weights[k] = from_fixed(w(k)) * scale;
    for (std::size_t j = 0; j < biases.size(); ++j)
      biases[j] = from_fixed(b(j)) * scale;
    gradients.weights.push_back(std::move(weights));
    gradients.biases.push_back(std::move(biases));
  }
  double loss = 0.0;
  for (double v : m_sample_loss)
    loss += v;
  gradients.loss = loss * scale;
  return gradients;
}

#ifdef KOKKOS_ENABLE_SERIAL
template class SgdTrainer<Kokkos::Serial>;
#endif
#ifdef KOKKOS_ENABLE_OPENMP
template class SgdTrainer<Kokkos::OpenMP>;
#endif
#ifdef KOKKOS_ENABLE_THREADS
template class SgdTrainer<Kokkos::Threads>;
#endif

} // namespace sdnn::impl
