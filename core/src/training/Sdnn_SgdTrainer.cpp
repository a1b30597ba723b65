#include "Sdnn_SgdTrainer.hpp"
#include "Sdnn_VectorView.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sdnn::impl
{

template <class ExecutionSpace>
SgdTrainer<ExecutionSpace>::SgdTrainer(ExecutionSpace const &space, TrainableNetwork const &network, int max_batch,
                                       TrainingState const *state, std::vector<std::vector<std::int32_t>> const &owned,
                                       TrainingCommunication<ExecutionSpace> *comm)
    : m_space(space), m_comm(comm), m_kernels(&active_kernel_set()), m_max_batch(max_batch), m_whole(owned.empty()),
      m_clamp(network.clamp)
{
  check_network_shapes(network);
  SDNN_REQUIRE(max_batch >= 1, "batch size " << max_batch);
  int const num_layers = network.num_layers();
  SDNN_REQUIRE(m_whole || static_cast<int>(owned.size()) == num_layers,
               "owned neurons of " << owned.size() << " layers");
  bool const has_state = state != nullptr && !state->weight_velocity.empty();
  if (has_state)
    SDNN_USER_REQUIRE(static_cast<int>(state->weight_velocity.size()) == num_layers &&
                          static_cast<int>(state->bias_velocity.size()) == num_layers,
                      "the training state has " << state->weight_velocity.size() << " layers, the network "
                                                << num_layers);
  std::int64_t largest_fan_out = 1; // over the whole network: the folded sums add every rank's terms
  for (int l = 0; l < num_layers; ++l)
  {
    HostCsc const &w = network.weights[l];
    std::vector<std::int64_t> fan_out(w.num_rows(), 0);
    for (std::int64_t k = 0; k < w.nnz(); ++k)
      largest_fan_out = std::max(largest_fan_out, ++fan_out[w.row_idx()(k)]);

    Layer layer;
    if (m_whole)
    {
      layer.owned.resize(w.num_cols());
      std::iota(layer.owned.begin(), layer.owned.end(), 0);
      layer.needed.resize(w.num_rows()); // every input, so that Y_{l-1} is the input itself
      std::iota(layer.needed.begin(), layer.needed.end(), 0);
    }
    else
    {
      layer.owned = owned[l];
      std::vector<char> read(w.num_rows(), 0);
      for (auto const j : layer.owned)
        for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
          read[w.row_idx()(k)] = 1;
      for (std::int32_t i = 0; i < w.num_rows(); ++i)
        if (read[i])
          layer.needed.push_back(i);
    }
    layer.inputs = static_cast<std::int64_t>(layer.needed.size());
    layer.outputs = static_cast<std::int64_t>(layer.owned.size());
    std::vector<std::int32_t> position(w.num_rows(), -1);
    for (std::size_t p = 0; p < layer.needed.size(); ++p)
      position[layer.needed[p]] = static_cast<std::int32_t>(p);

    // The owned columns, rows renumbered (ascending global id stays ascending), and their momentum.
    std::vector<std::int64_t> col_ptr{0};
    std::vector<std::int32_t> rows;
    std::vector<float> weights, velocity, bias, bias_velocity;
    for (auto const j : layer.owned)
    {
      for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
      {
        rows.push_back(position[w.row_idx()(k)]);
        weights.push_back(w.values()(k));
        velocity.push_back(has_state ? state->weight_velocity[l].at(k) : 0.0f);
      }
      col_ptr.push_back(static_cast<std::int64_t>(rows.size()));
      bias.push_back(network.biases[l][j]);
      bias_velocity.push_back(has_state ? state->bias_velocity[l].at(j) : 0.0f);
    }
    if (has_state)
      SDNN_USER_REQUIRE(static_cast<std::int64_t>(state->weight_velocity[l].size()) == w.nnz() &&
                            static_cast<std::int64_t>(state->bias_velocity[l].size()) == w.num_cols(),
                        "the training state of layer " << l + 1 << " does not fit the network");
    auto const nnz = static_cast<std::int64_t>(rows.size());
    layer.col_ptr = to_view<std::int64_t, memory_space>(col_ptr, "Sdnn::SgdTrainer::col_ptr");
    layer.row = to_view<std::int32_t, memory_space>(rows, "Sdnn::SgdTrainer::row");
    layer.weight = to_view<float, memory_space>(weights, "Sdnn::SgdTrainer::weight");
    layer.bias = to_view<float, memory_space>(bias, "Sdnn::SgdTrainer::bias");
    layer.weight_velocity = to_view<float, memory_space>(velocity, "Sdnn::SgdTrainer::weight_velocity");
    layer.bias_velocity = to_view<float, memory_space>(bias_velocity, "Sdnn::SgdTrainer::bias_velocity");

    // The transpose of the local pattern: input i's nonzeros in ascending column order.
    std::vector<std::int64_t> row_ptr(layer.inputs + 1, 0);
    for (auto const r : rows)
      ++row_ptr[r + 1];
    std::partial_sum(row_ptr.begin(), row_ptr.end(), row_ptr.begin());
    std::vector<std::int64_t> row_entry(nnz);
    std::vector<std::int32_t> row_column(nnz);
    std::vector<std::int64_t> next(row_ptr.begin(), row_ptr.end() - 1);
    for (std::int64_t c = 0; c < layer.outputs; ++c)
      for (auto k = col_ptr[c]; k < col_ptr[c + 1]; ++k)
      {
        auto const at = next[rows[k]]++;
        row_entry[at] = k;
        row_column[at] = static_cast<std::int32_t>(c);
      }
    layer.row_ptr = to_view<std::int64_t, memory_space>(row_ptr, "Sdnn::SgdTrainer::row_ptr");
    layer.row_entry = to_view<std::int64_t, memory_space>(row_entry, "Sdnn::SgdTrainer::row_entry");
    layer.row_column = to_view<std::int32_t, memory_space>(row_column, "Sdnn::SgdTrainer::row_column");

    layer.gradient = Kokkos::View<Fixed *, memory_space>("Sdnn::SgdTrainer::gradient", nnz + layer.outputs);
    layer.input =
        m_whole && l > 0 ? m_layers[l - 1].y : Activations("Sdnn::SgdTrainer::input", layer.inputs, max_batch);
    layer.y = Activations("Sdnn::SgdTrainer::y", layer.outputs, max_batch);
    layer.delta = Activations("Sdnn::SgdTrainer::delta", layer.outputs, max_batch);
    if (l > 0)
    {
      layer.partial = FixedRows("Sdnn::SgdTrainer::partial", layer.inputs, max_batch);
      // On one rank the inputs of W_l are the neurons of layer l-1 in order: the partial sums are the sums.
      m_sums.push_back(m_whole ? layer.partial
                               : FixedRows("Sdnn::SgdTrainer::sums", m_layers[l - 1].outputs, max_batch));
    }
    m_layers.push_back(std::move(layer));
  }
  m_factor_bound = fixed_factor_bound(std::max<std::int64_t>(largest_fan_out, 4096));
  m_logits = m_whole ? m_layers.back().y : Activations("Sdnn::SgdTrainer::logits", network.num_classes(), max_batch);
  m_owned_classes = to_view<std::int32_t, memory_space>(m_layers.back().owned, "Sdnn::SgdTrainer::owned_classes");
  m_label_view = Kokkos::View<std::int32_t *, memory_space>("Sdnn::SgdTrainer::labels", max_batch);
  m_loss_view = Kokkos::View<double *, memory_space>("Sdnn::SgdTrainer::loss", max_batch);
  m_predicted_view = Kokkos::View<std::int32_t *, memory_space>("Sdnn::SgdTrainer::predicted", max_batch);
}

template <class ExecutionSpace>
void SgdTrainer<ExecutionSpace>::load_batch(ClassificationData const &data, std::int64_t const *ids, int count)
{
  SDNN_REQUIRE(count >= 0 && count <= m_max_batch, "batch of " << count << " samples, at most " << m_max_batch);
  m_batch = count;
  m_labels.assign(count, 0);
  auto labels_host = Kokkos::create_mirror_view(m_label_view);
  for (int s = 0; s < count; ++s)
    labels_host(s) = m_labels[s] = data.labels[ids[s]];
  Kokkos::deep_copy(m_space, m_label_view, labels_host);
  Layer const &first = m_layers.front();
  auto features_host = Kokkos::create_mirror_view(first.input);
  for (int s = 0; s < count; ++s)
  {
    float const *sample = data.features.data() + ids[s] * data.num_features;
    for (std::int64_t p = 0; p < first.inputs; ++p)
      features_host(p, s) = sample[first.needed[p]];
  }
  Kokkos::deep_copy(m_space, first.input, features_host);
}

template <class ExecutionSpace> double SgdTrainer<ExecutionSpace>::forward()
{
  double largest = 0.0;
  int const batch = m_batch;
  for (std::size_t l = 0; l < m_layers.size(); ++l)
  {
    Layer const &layer = m_layers[l];
    if (!m_whole && l > 0)
      m_comm->expand(static_cast<int>(l), m_layers[l - 1].y, layer.input, batch);
    TrainingStep const step = training_step(static_cast<int>(l));
    auto const forward_column = m_kernels->training_forward;
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::forward", Policy(m_space, 0, layer.outputs),
        KOKKOS_LAMBDA(std::int64_t j, double &largest_here) {
          double const v = forward_column(step, j);
          largest_here = v > largest_here || v != v ? v : largest_here;
        },
        Kokkos::Max<double>(layer_largest));
    largest = std::max(largest, layer_largest);
  }
  return largest;
}

template <class ExecutionSpace> TrainingStep SgdTrainer<ExecutionSpace>::training_step(int l) const
{
  Layer const &layer = m_layers[l];
  TrainingStep step{};
  step.col_ptr = layer.col_ptr.data();
  step.row = layer.row.data();
  step.weight = layer.weight.data();
  step.bias = layer.bias.data();
  step.row_ptr = layer.row_ptr.data();
  step.row_entry = layer.row_entry.data();
  step.row_column = layer.row_column.data();
  step.x = layer.input.data();
  step.y = layer.y.data();
  step.delta = layer.delta.data();
  step.gradient = layer.gradient.data();
  step.partial = l > 0 ? layer.partial.data() : nullptr;
  step.nnz = static_cast<std::int64_t>(layer.weight.extent(0));
  step.stride = m_max_batch;
  step.batch = m_batch;
  step.clamp = m_clamp;
  step.hidden = l + 1 < static_cast<int>(m_layers.size());
  return step;
}

template <class ExecutionSpace> void SgdTrainer<ExecutionSpace>::softmax_errors()
{
  Layer &last = m_layers.back();
  auto const logits = m_logits;
  int const batch = m_batch;
  if (!m_whole)
  {
    // Every rank of the group computes the softmax of every class: its own logits, then everybody's.
    auto const y = last.y;
    auto const owned = m_owned_classes;
    Kokkos::deep_copy(m_space, logits, 0.0f);
    Kokkos::parallel_for(
        "Sdnn::SgdTrainer::own_logits", Policy(m_space, 0, last.outputs), KOKKOS_LAMBDA(std::int64_t c) {
          for (int s = 0; s < batch; ++s)
            logits(owned(c), s) = y(c, s);
        });
    m_space.fence();
    m_comm->share_logits(logits, batch);
  }
  auto const delta = last.delta;
  auto const owned = m_owned_classes;
  auto const labels = m_label_view;
  auto const loss = m_loss_view;
  auto const predicted = m_predicted_view;
  auto const classes = static_cast<std::int64_t>(logits.extent(0));
  std::int64_t const owned_classes = last.outputs;
  Kokkos::parallel_for(
      "Sdnn::SgdTrainer::softmax", Policy(m_space, 0, batch), KOKKOS_LAMBDA(std::int64_t s) {
        std::int32_t best = 0;
        for (std::int64_t c = 1; c < classes; ++c)
          if (logits(c, s) > logits(best, s))
            best = static_cast<std::int32_t>(c);
        double const top = logits(best, s);
        double sum = 0.0;
        for (std::int64_t c = 0; c < classes; ++c)
          sum += std::exp(static_cast<double>(logits(c, s)) - top);
        double const log_sum = std::log(sum);
        for (std::int64_t c = 0; c < owned_classes; ++c)
        {
          auto const g = owned(c);
          double const p = std::exp(static_cast<double>(logits(g, s)) - top - log_sum);
          delta(c, s) = static_cast<float>(p - (g == labels(s) ? 1.0 : 0.0));
        }
        loss(s) = log_sum - (static_cast<double>(logits(labels(s), s)) - top);
        predicted(s) = best;
      });
  auto loss_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss);
  auto predicted_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), predicted);
  m_sample_loss.assign(loss_host.data(), loss_host.data() + batch);
  m_predicted.assign(predicted_host.data(), predicted_host.data() + batch);
}

template <class ExecutionSpace> double SgdTrainer<ExecutionSpace>::backward()
{
  int const batch = m_batch;
  double largest = 0.0;
  for (int l = static_cast<int>(m_layers.size()) - 1; l >= 0; --l)
  {
    Layer const &layer = m_layers[l];
    TrainingStep const step = training_step(l);
    auto const gradient = layer.gradient;
    auto const column_gradients = m_kernels->training_gradients;
    // dLoss/dW(i, j) = Σ_s delta(j, s)·x(i, s) and dLoss/db(j) = Σ_s delta(j, s), on the nonzeros only.
    Kokkos::parallel_for(
        "Sdnn::SgdTrainer::gradients", Policy(m_space, 0, layer.outputs),
        KOKKOS_LAMBDA(std::int64_t j) { column_gradients(step, j); });
    if (m_comm != nullptr)
    {
      m_space.fence();
      m_comm->sum_gradients(gradient);
    }
    if (l == 0)
      break;
    // Σ_j W_l(i, j)·delta_l(j) for each needed input i, over this rank's columns.
    auto const partial = layer.partial;
    auto const input_partial = m_kernels->training_backpropagate;
    Kokkos::parallel_for(
        "Sdnn::SgdTrainer::backpropagate", Policy(m_space, 0, layer.inputs),
        KOKKOS_LAMBDA(std::int64_t i) { input_partial(step, i); });
    auto const sums = m_sums[l - 1];
    if (!m_whole)
    {
      m_space.fence();
      m_comm->fold(l, partial, sums, batch);
    }
    // delta_{l-1}(j) = f'(z_{l-1}(j)) · the folded sum, for the owned neurons of layer l-1.
    TrainingDerivative const derivative{m_layers[l - 1].y.data(),
                                        sums.data(),
                                        m_layers[l - 1].delta.data(),
                                        static_cast<std::int64_t>(m_max_batch),
                                        batch,
                                        m_clamp};
    auto const neuron_errors = m_kernels->training_derivative;
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::activation_derivative", Policy(m_space, 0, m_layers[l - 1].outputs),
        KOKKOS_LAMBDA(std::int64_t j, double &largest_here) {
          double const m = neuron_errors(derivative, j);
          largest_here = m > largest_here ? m : largest_here;
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
  constexpr std::int64_t chunk = 2048; // parameters per call of the kernel (vectorised inside)
  auto const step = m_kernels->training_update;
  double largest = 0.0;
  for (Layer const &layer : m_layers)
  {
    std::int64_t const nnz = layer.weight.extent(0);
    TrainingUpdate const weights{
        layer.weight.data(), layer.weight_velocity.data(), layer.gradient.data(), learning_rate, momentum, samples};
    TrainingUpdate const biases{
        layer.bias.data(), layer.bias_velocity.data(), layer.gradient.data() + nnz, learning_rate, momentum, samples};
    std::int64_t const bias_chunks = (layer.outputs + chunk - 1) / chunk;
    std::int64_t const chunks = (nnz + chunk - 1) / chunk + bias_chunks;
    std::int64_t const outputs = layer.outputs;
    double layer_largest = 0.0;
    Kokkos::parallel_reduce(
        "Sdnn::SgdTrainer::update", Policy(m_space, 0, chunks),
        KOKKOS_LAMBDA(std::int64_t c, double &largest_here) {
          if (c < bias_chunks) // the biases do not count in the divergence check (no fixed-point product)
          {
            step(biases, c * chunk, c * chunk + chunk < outputs ? c * chunk + chunk : outputs);
            return;
          }
          auto const begin = (c - bias_chunks) * chunk;
          double const m = step(weights, begin, begin + chunk < nnz ? begin + chunk : nnz);
          largest_here = m > largest_here ? m : largest_here;
        },
        Kokkos::Max<double>(layer_largest));
    largest = std::max(largest, layer_largest);
  }
  m_space.fence();
  return largest;
}

namespace
{

/// Copies the owned columns' `local` values (CSC order of the owned columns) into `whole` (CSC order of `w`).
template <class View>
void scatter_columns(HostCsc const &w, std::vector<std::int32_t> const &owned, View const &local, float *whole)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local);
  std::int64_t at = 0;
  for (auto const j : owned)
    for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
      whole[k] = host(at++);
}

template <class View> void scatter_neurons(std::vector<std::int32_t> const &owned, View const &local, float *whole)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local);
  for (std::size_t c = 0; c < owned.size(); ++c)
    whole[owned[c]] = host(c);
}

} // namespace

template <class ExecutionSpace>
void SgdTrainer<ExecutionSpace>::store(TrainableNetwork &network, bool zero_others) const
{
  SDNN_REQUIRE(network.num_layers() == static_cast<int>(m_layers.size()), "storing into another network");
  for (std::size_t l = 0; l < m_layers.size(); ++l)
  {
    if (zero_others)
    {
      Kokkos::deep_copy(network.weights[l].values(), 0.0f);
      std::fill(network.biases[l].begin(), network.biases[l].end(), 0.0f);
    }
    scatter_columns(network.weights[l], m_layers[l].owned, m_layers[l].weight, network.weights[l].values().data());
    scatter_neurons(m_layers[l].owned, m_layers[l].bias, network.biases[l].data());
  }
}

template <class ExecutionSpace> TrainingState SgdTrainer<ExecutionSpace>::state(TrainableNetwork const &network) const
{
  TrainingState state;
  for (std::size_t l = 0; l < m_layers.size(); ++l)
  {
    state.weight_velocity.emplace_back(network.weights[l].nnz(), 0.0f);
    state.bias_velocity.emplace_back(network.weights[l].num_cols(), 0.0f);
    scatter_columns(network.weights[l], m_layers[l].owned, m_layers[l].weight_velocity,
                    state.weight_velocity.back().data());
    scatter_neurons(m_layers[l].owned, m_layers[l].bias_velocity, state.bias_velocity.back().data());
  }
  return state;
}

template <class ExecutionSpace> Gradients SgdTrainer<ExecutionSpace>::gradients() const
{
  SDNN_REQUIRE(m_whole, "gradients() of a sharded trainer");
  Gradients gradients;
  double const scale = 1.0 / static_cast<double>(m_batch);
  for (Layer const &layer : m_layers)
  {
    auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), layer.gradient);
    std::int64_t const nnz = layer.weight.extent(0);
    std::vector<double> weights(nnz), biases(layer.outputs);
    for (std::int64_t k = 0; k < nnz; ++k)
      weights[k] = from_fixed(g(k)) * scale;
    for (std::int64_t j = 0; j < layer.outputs; ++j)
      biases[j] = from_fixed(g(nnz + j)) * scale;
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
