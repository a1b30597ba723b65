// A trained network through the inference engine (sdnn::classify): every mode, kernel and hash gives evaluate()'s
// predictions, so the same accuracy; biases fire on neurons without input; the clamp and a single-layer network.
#include "tstHelpers.hpp"

#include <algorithm>

namespace
{

using Space = Kokkos::DefaultHostExecutionSpace;

/// A small network trained for two epochs, with some biases positive (neurons that fire without input) and one
/// all-zero sample in the data.
struct Trained
{
  sdnn::TrainableNetwork network;
  sdnn::ClassificationData data = sdnn::test::random_data(120, 30, 5, 41);
  explicit Trained(float clamp, std::vector<std::int64_t> hidden = {40, 36})
  {
    auto shape = sdnn::test::network_shape(30, std::move(hidden), 5, 6, 4);
    shape.clamp = clamp;
    network = sdnn::draw_network(shape);
    for (std::size_t l = 0; l + 1 < network.biases.size(); ++l)
      for (std::size_t j = 0; j < network.biases[l].size(); j += 3)
        network.biases[l][j] = 0.25f;
    std::fill(data.features.begin(), data.features.begin() + 30, 0.0f);
    sdnn::TrainingOptions options;
    options.epochs = 2;
    options.batch_size = 10;
    options.learning_rate = 0.1;
    sdnn::train(Space(), network, data, nullptr, options);
  }
};

} // namespace

TEST(TrainedInference, every_mode_kernel_and_hash_predicts_as_training_does)
{
  Trained const t(0.0f);
  auto const expected = sdnn::evaluate(Space(), t.network, t.data);
  ASSERT_GT(expected.accuracy, 0.0);
  int runs = 0;
  for (auto mode : sdnn::all_parallelisms())
    for (auto kernel : sdnn::all_kernel_choices())
      for (auto hash : {sdnn::RowHash::none, sdnn::RowHash::feistel})
      {
        sdnn::InferenceOptions options;
        options.parallelism = mode;
        options.kernel = kernel;
        options.hash = hash;
        options.tile_rows = 16;
        auto const got = sdnn::classify(Space(), t.network, t.data, options);
        SCOPED_TRACE(sdnn::name(mode) + " " + sdnn::name(kernel) + " " + sdnn::name(hash));
        EXPECT_EQ(got.predicted, expected.predicted);
        EXPECT_EQ(got.accuracy, expected.accuracy);
        EXPECT_NEAR(got.loss, expected.loss, 1e-12);
        ++runs;
      }
  EXPECT_GE(runs, 5 * 3 * 2);
}

TEST(TrainedInference, clamp_and_a_single_layer_network)
{
  Trained const clamped(0.5f);
  auto const expected = sdnn::evaluate(Space(), clamped.network, clamped.data);
  auto const got = sdnn::classify(Space(), clamped.network, clamped.data, sdnn::InferenceOptions{});
  EXPECT_EQ(got.predicted, expected.predicted);

  Trained const linear(0.0f, {}); // softmax regression: only the logits
  ASSERT_EQ(linear.network.num_layers(), 1);
  auto const e1 = sdnn::evaluate(Space(), linear.network, linear.data);
  auto const g1 = sdnn::classify(Space(), linear.network, linear.data, sdnn::InferenceOptions{});
  EXPECT_EQ(g1.predicted, e1.predicted);
  EXPECT_EQ(g1.accuracy, e1.accuracy);
}

TEST(TrainedInference, a_neuron_with_a_positive_bias_fires_without_input)
{
  // One hidden neuron with no input at all and bias 2: only it can make class 1 win for the all-zero sample.
  auto w1 = sdnn::test::make_matrix(3, 2, {0}, {0}, {1.0f}); // neuron 1 of the hidden layer reads nothing
  auto w2 = sdnn::test::make_matrix(2, 2, {0, 1}, {0, 1}, {1.0f, 1.0f});
  sdnn::TrainableNetwork network;
  network.weights = {w1, w2};
  network.biases = {{0.0f, 2.0f}, {0.5f, 0.0f}};
  sdnn::ClassificationData data;
  data.count = 1;
  data.num_features = 3;
  data.num_classes = 2;
  data.features = {0.0f, 0.0f, 0.0f};
  data.labels = {1};
  auto const got = sdnn::classify(Space(), network, data, sdnn::InferenceOptions{});
  EXPECT_EQ(got.predicted, std::vector<std::int32_t>{1}); // logits 0.5 vs 2
  EXPECT_EQ(sdnn::evaluate(Space(), network, data).predicted, std::vector<std::int32_t>{1});
}
