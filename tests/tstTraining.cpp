#include "tstHelpers.hpp"

#include <cmath>
#include <cstring>
#include <numeric>

namespace
{

using sdnn::ClassificationData;
using sdnn::NetworkShape;
using sdnn::TrainableNetwork;
using Space = Kokkos::DefaultHostExecutionSpace;

using sdnn::test::random_data;

/// Two well-separated classes: class c lights features [c·F/2, (c+1)·F/2) more than the others.
ClassificationData separable_data(std::int64_t count, std::int64_t features)
{
  auto data = random_data(count, features, 2, 7);
  for (std::int64_t s = 0; s < count; ++s)
    for (std::int64_t f = 0; f < features; ++f)
    {
      bool const own = (f < features / 2) == (data.labels[s] == 0);
      data.features[s * features + f] =
          own ? 0.5f + 0.5f * data.features[s * features + f] : 0.3f * data.features[s * features + f];
    }
  return data;
}

NetworkShape small_shape()
{
  auto shape = sdnn::test::network_shape(6, {8, 7}, 3, 3, 5);
  return shape;
}

std::vector<float> all_parameters(TrainableNetwork const &network)
{
  std::vector<float> values;
  for (int l = 0; l < network.num_layers(); ++l)
  {
    auto const &w = network.weights[l];
    values.insert(values.end(), w.values().data(), w.values().data() + w.nnz());
    values.insert(values.end(), network.biases[l].begin(), network.biases[l].end());
  }
  return values;
}

TEST(Training, draw_network_has_the_shape_and_fan_in_asked_for)
{
  auto shape = sdnn::test::network_shape(50, {64, 64}, 4, 9);
  shape.output_fan_in = 5;
  auto const network = sdnn::draw_network(shape);
  ASSERT_EQ(network.num_layers(), 3);
  EXPECT_EQ(network.num_features(), 50);
  EXPECT_EQ(network.num_classes(), 4);
  for (int l = 0; l < 3; ++l)
  {
    auto const &w = network.weights[l];
    std::int64_t const fan_in = l == 2 ? 5 : 9;
    for (std::int32_t j = 0; j < w.num_cols(); ++j)
    {
      ASSERT_EQ(w.col_ptr()(j + 1) - w.col_ptr()(j), fan_in) << "layer " << l + 1 << " column " << j;
      for (auto k = w.col_ptr()(j) + 1; k < w.col_ptr()(j + 1); ++k)
        ASSERT_LT(w.row_idx()(k - 1), w.row_idx()(k));
    }
    for (float b : network.biases[l])
      EXPECT_EQ(b, 0.0f);
  }
  EXPECT_EQ(network.num_parameters(), 64 * 9 + 64 + 64 * 9 + 64 + 4 * 5 + 4);
  // He initialisation: the weights of a layer have variance about 2 / fan-in.
  auto const &w = network.weights[1];
  double sum2 = 0.0;
  for (std::int64_t k = 0; k < w.nnz(); ++k)
    sum2 += w.values()(k) * w.values()(k);
  EXPECT_NEAR(sum2 / static_cast<double>(w.nnz()), 2.0 / 9.0, 0.05);
  // The same seed draws the same network, another seed another one.
  EXPECT_EQ(all_parameters(sdnn::draw_network(shape)), all_parameters(network));
  shape.seed = 2;
  EXPECT_NE(all_parameters(sdnn::draw_network(shape)), all_parameters(network));
}

TEST(Training, radix_topology_has_thirty_two_inputs_per_hidden_neuron)
{
  NetworkShape shape;
  shape.features = 100;
  shape.hidden = {1024, 1024, 1024};
  shape.topology = sdnn::SparseTopology::radix_net;
  auto const network = sdnn::draw_network(shape);
  for (int l = 1; l <= 2; ++l)
    EXPECT_EQ(network.weights[l].nnz(), 32 * 1024) << "layer " << l + 1;
  EXPECT_EQ(network.weights[0].nnz(), shape.fan_in * 1024);
}

TEST(Training, impossible_shapes_and_mismatched_data_are_refused)
{
  auto shape = small_shape();
  shape.fan_in = 7; // above the 6 features
  sdnn::test::expect_input_error([&] { sdnn::draw_network(shape); }, {"fan-in 7", "6 inputs"});
  shape = small_shape();
  shape.classes = 1;
  sdnn::test::expect_input_error([&] { sdnn::draw_network(shape); }, {"at least 2 classes"});

  auto network = sdnn::draw_network(small_shape());
  network.biases[1].pop_back();
  sdnn::test::expect_input_error([&] { sdnn::check_network_shapes(network, "net"); }, {"net", "layer 2", "biases"});
  network = sdnn::draw_network(small_shape());
  network.weights[1] = sdnn::draw_network(NetworkShape{}).weights[0];
  sdnn::test::expect_input_error([&] { sdnn::check_network_shapes(network, "net"); }, {"layer 2 reads 784 inputs"});

  network = sdnn::draw_network(small_shape());
  auto data = random_data(4, 5, 3, 1);
  sdnn::test::expect_input_error([&] { sdnn::check_data_fits(data, network, "images"); },
                                 {"images", "5 features", "reads 6"});
  data = random_data(4, 6, 3, 1);
  data.labels[2] = 3;
  sdnn::test::expect_input_error([&] { sdnn::check_data_fits(data, network, "labels"); }, {"sample 3 has label 3"});
  data = random_data(4, 6, 3, 1);
  data.labels.pop_back();
  sdnn::test::expect_input_error([&] { sdnn::check_data_fits(data, network, "labels"); }, {"3 labels for 4 samples"});
}

TEST(Training, gradients_equal_finite_differences)
{
  auto network = sdnn::draw_network(small_shape());
  // Nonzero biases, so that their gradients and the bias-on-every-neuron rule are exercised.
  for (int l = 0; l < network.num_layers(); ++l)
    for (std::size_t j = 0; j < network.biases[l].size(); ++j)
      network.biases[l][j] = 0.1f * static_cast<float>((j * 7 + l) % 5) - 0.1f;
  auto const data = random_data(5, 6, 3, 11);
  Space space;
  auto const gradients = sdnn::loss_and_gradients(space, network, data);
  EXPECT_NEAR(gradients.loss, sdnn::evaluate(space, network, data).loss, 1e-6);

  // Central differences of the mean cross-entropy in float forward passes: with h = 1e-3 the rounding noise is
  // about 1e-4. A step that crosses a ReLU kink makes the forward and backward differences disagree: such
  // parameters are skipped (and counted), the others must match.
  double const h = 1e-3;
  double const base = sdnn::evaluate(space, network, data).loss;
  auto loss_at = [&](float *parameter, double value)
  {
    float const saved = *parameter;
    *parameter = static_cast<float>(value);
    double const loss = sdnn::evaluate(space, network, data).loss;
    *parameter = saved;
    return loss;
  };
  int checked = 0, nonzero = 0, kinks = 0;
  auto check = [&](float *p, double gradient, std::string const &what)
  {
    double const up = (loss_at(p, *p + h) - base) / h, down = (base - loss_at(p, *p - h)) / h;
    if (std::fabs(up - down) > 1e-2 + 0.1 * std::fabs(up + down))
    {
      ++kinks;
      return;
    }
    double const fd = (up + down) / 2;
    EXPECT_NEAR(gradient, fd, 1e-3 + 1e-2 * std::fabs(fd)) << what;
    ++checked;
    nonzero += std::fabs(fd) > 1e-3 ? 1 : 0;
  };
  for (int l = 0; l < network.num_layers(); ++l)
  {
    auto const &w = network.weights[l];
    for (std::int64_t k = 0; k < w.nnz(); ++k)
      check(&w.values()(k), gradients.weights[l][k],
            "layer " + std::to_string(l + 1) + " nonzero " + std::to_string(k));
    for (std::size_t j = 0; j < network.biases[l].size(); ++j)
      check(&network.biases[l][j], gradients.biases[l][j],
            "layer " + std::to_string(l + 1) + " bias " + std::to_string(j));
  }
  EXPECT_LE(kinks, network.num_parameters() / 10);
  EXPECT_EQ(checked + kinks, network.num_parameters());
  EXPECT_GT(nonzero, checked / 3) << "too few parameters influence the loss for the check to mean much";
}

TEST(Training, loss_decreases_and_a_separable_problem_is_learnt)
{
  auto shape = sdnn::test::network_shape(16, {32, 32, 32}, 2, 4);
  auto network = sdnn::draw_network(shape);
  auto const train_data = separable_data(256, 16);
  auto const test_data = separable_data(128, 16);
  sdnn::TrainingOptions options;
  options.epochs = 8;
  options.batch_size = 16;
  options.learning_rate = 0.05;
  Space space;
  double const initial = sdnn::evaluate(space, network, train_data).loss;
  std::vector<double> losses;
  auto const reports = sdnn::train(space, network, train_data, &test_data, options, nullptr,
                                   [&](sdnn::EpochReport const &r) { losses.push_back(r.loss); });
  ASSERT_EQ(reports.size(), 8u);
  ASSERT_EQ(losses.size(), 8u);
  EXPECT_EQ(reports.back().epoch, 8);
  EXPECT_EQ(reports.back().samples, 256);
  EXPECT_LT(losses.back(), 0.5 * initial);
  EXPECT_LT(losses.back(), losses.front());
  EXPECT_GE(reports.back().test_accuracy, 0.95);
  EXPECT_NEAR(reports.back().test_accuracy, sdnn::evaluate(space, network, test_data).accuracy, 1e-12);
}

/// An independent sequential implementation of one SGD step with the library's arithmetic (float forward in
/// column order, fused exactly when the engine's multiply-add is, softmax in double, terms rounded to nearest multiples
/// of 2^-32 and summed as integers, momentum in double rounded to float).
void reference_step(TrainableNetwork &network, std::vector<std::vector<float>> &wv, std::vector<std::vector<float>> &bv,
                    ClassificationData const &data, std::vector<std::int64_t> const &ids, double lr, double mu)
{
  int const L = network.num_layers();
  bool const fused = sdnn::multiply_add_is_fused(); // the engine's rounding, which the forward pass shares
  auto fixed = [](double x) { return static_cast<std::int64_t>(std::nearbyint(x * 0x1p32)); }; // to nearest, even
  auto value = [](std::int64_t v) { return static_cast<double>(v) * 0x1p-32; };
  std::size_t const B = ids.size();
  std::vector<std::vector<std::vector<float>>> y(L + 1); // y[l][s][neuron]
  for (auto id : ids)
    y[0].emplace_back(data.features.begin() + id * data.num_features,
                      data.features.begin() + (id + 1) * data.num_features);
  for (int l = 1; l <= L; ++l)
  {
    auto const &w = network.weights[l - 1];
    for (std::size_t s = 0; s < B; ++s)
    {
      std::vector<float> out(w.num_cols());
      for (std::int32_t j = 0; j < w.num_cols(); ++j)
      {
        float z = network.biases[l - 1][j];
        for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
        {
          float const x = y[l - 1][s][w.row_idx()(k)];
          z = fused ? std::fma(x, w.values()(k), z) : z + x * w.values()(k);
        }
        out[j] = l < L ? std::max(z, 0.0f) : z;
      }
      y[l].push_back(out);
    }
  }
  std::vector<std::vector<float>> delta(B); // delta[s][neuron] of the current layer
  for (std::size_t s = 0; s < B; ++s)
  {
    auto const &z = y[L][s];
    int best = 0;
    for (int c = 1; c < static_cast<int>(z.size()); ++c)
      best = z[c] > z[best] ? c : best;
    double sum = 0.0;
    for (float v : z)
      sum += std::exp(static_cast<double>(v) - z[best]);
    for (std::size_t c = 0; c < z.size(); ++c)
      delta[s].push_back(static_cast<float>(std::exp(static_cast<double>(z[c]) - z[best] - std::log(sum)) -
                                            (static_cast<int>(c) == data.labels[ids[s]] ? 1.0 : 0.0)));
  }
  std::vector<std::vector<std::int64_t>> gw(L), gb(L);
  for (int l = L; l >= 1; --l)
  {
    auto const &w = network.weights[l - 1];
    gw[l - 1].assign(w.nnz(), 0);
    gb[l - 1].assign(w.num_cols(), 0);
    std::vector<std::vector<std::int64_t>> partial(B, std::vector<std::int64_t>(w.num_rows(), 0));
    for (std::int32_t j = 0; j < w.num_cols(); ++j)
      for (std::size_t s = 0; s < B; ++s)
      {
        gb[l - 1][j] += fixed(delta[s][j]);
        for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
        {
          auto const i = w.row_idx()(k);
          gw[l - 1][k] += fixed(static_cast<double>(delta[s][j]) * y[l - 1][s][i]);
          partial[s][i] += fixed(static_cast<double>(w.values()(k)) * delta[s][j]);
        }
      }
    for (std::size_t s = 0; s < B; ++s)
    {
      std::vector<float> previous(w.num_rows());
      for (std::int32_t i = 0; i < w.num_rows(); ++i)
        previous[i] = y[l - 1][s][i] > 0.0f ? static_cast<float>(value(partial[s][i])) : 0.0f;
      delta[s] = previous;
    }
  }
  for (int l = 0; l < L; ++l)
  {
    auto &w = network.weights[l];
    for (std::int64_t k = 0; k < w.nnz(); ++k)
    {
      wv[l][k] = static_cast<float>(mu * wv[l][k] + value(gw[l][k]) / static_cast<double>(B));
      w.values()(k) = static_cast<float>(w.values()(k) - lr * wv[l][k]);
    }
    for (std::size_t j = 0; j < network.biases[l].size(); ++j)
    {
      bv[l][j] = static_cast<float>(mu * bv[l][j] + value(gb[l][j]) / static_cast<double>(B));
      network.biases[l][j] = static_cast<float>(network.biases[l][j] - lr * bv[l][j]);
    }
  }
}

/// Trains two epochs with `batch_size` and compares every bit with reference_step().
void expect_bits_of_sequential_steps(int batch_size)
{
  auto shape = sdnn::test::network_shape(20, {24, 24}, 4, 5);
  auto network = sdnn::draw_network(shape);
  auto expected = sdnn::draw_network(shape);
  auto const data = random_data(40, 20, 4, 3);
  sdnn::TrainingOptions options;
  options.epochs = 2;
  options.batch_size = batch_size;
  options.learning_rate = 0.1;
  options.momentum = 0.8;
  options.shuffle = false; // batches in sample order, as the loop below takes them
  sdnn::TrainingState state;
  sdnn::train(Space(), network, data, nullptr, options, &state);

  std::vector<std::vector<float>> wv, bv;
  for (int l = 0; l < expected.num_layers(); ++l)
  {
    wv.emplace_back(expected.weights[l].nnz(), 0.0f);
    bv.emplace_back(expected.biases[l].size(), 0.0f);
  }
  for (int e = 0; e < options.epochs; ++e)
    for (std::int64_t first = 0; first < data.count; first += options.batch_size)
    {
      std::vector<std::int64_t> ids;
      for (auto s = first; s < std::min<std::int64_t>(first + options.batch_size, data.count); ++s)
        ids.push_back(s);
      reference_step(expected, wv, bv, data, ids, options.learning_rate, options.momentum);
    }
  auto const got = all_parameters(network), want = all_parameters(expected);
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0);
  EXPECT_NE(want, all_parameters(sdnn::draw_network(shape))) << "the steps changed nothing";
  for (int l = 0; l < expected.num_layers(); ++l)
  {
    EXPECT_EQ(state.weight_velocity[l], wv[l]) << "layer " << l + 1;
    EXPECT_EQ(state.bias_velocity[l], bv[l]) << "layer " << l + 1;
  }
}

TEST(Training, weights_are_bit_identical_to_an_independent_sequential_step)
{
  // Run at 1, 2 and 4 threads (the test prefixes): the same bits each time, those of a plain loop.
  expect_bits_of_sequential_steps(7); // 40 = 5·7 + 5: a short last batch
  expect_bits_of_sequential_steps(1); // the kernels' one-sample paths
}

TEST(Training, a_resumed_run_continues_exactly)
{
  auto shape = sdnn::test::network_shape(12, {16, 16}, 3, 4);
  auto const data = random_data(30, 12, 3, 21);
  sdnn::TrainingOptions options;
  options.epochs = 3;
  options.batch_size = 4;
  options.learning_rate_decay = 0.7;
  auto whole = sdnn::draw_network(shape);
  sdnn::train(Space(), whole, data, nullptr, options);

  auto resumed = sdnn::draw_network(shape);
  sdnn::TrainingState state;
  options.epochs = 1;
  sdnn::train(Space(), resumed, data, nullptr, options, &state);
  options.epochs = 2;
  options.first_epoch = 1;
  auto const reports = sdnn::train(Space(), resumed, data, nullptr, options, &state);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].epoch, 2);
  EXPECT_DOUBLE_EQ(reports[1].learning_rate, options.learning_rate * 0.7 * 0.7);
  EXPECT_EQ(all_parameters(resumed), all_parameters(whole));
}

TEST(Training, divergence_stops_with_a_clear_error)
{
  auto network = sdnn::draw_network(small_shape());
  auto const data = random_data(64, 6, 3, 4);
  sdnn::TrainingOptions options;
  options.learning_rate = 1e6;
  options.batch_size = 8;
  sdnn::test::expect_input_error([&] { sdnn::train(Space(), network, data, nullptr, options); },
                                 {"training diverged in epoch 1", "lower the learning rate"});
}

} // namespace
