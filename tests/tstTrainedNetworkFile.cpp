#include "tstHelpers.hpp"

#include <cstring>

namespace
{

sdnn::TrainableNetwork small_network()
{
  auto shape = sdnn::test::network_shape(9, {12, 11}, 3, 4);
  shape.clamp = 6.5f;
  auto network = sdnn::draw_network(shape);
  for (int l = 0; l < network.num_layers(); ++l)
    for (std::size_t j = 0; j < network.biases[l].size(); ++j)
      network.biases[l][j] = 1.0f / static_cast<float>(3 + j + l); // not exact in decimal
  return network;
}

sdnn::TrainingState some_state(sdnn::TrainableNetwork const &network)
{
  sdnn::TrainingState state;
  for (int l = 0; l < network.num_layers(); ++l)
  {
    std::vector<float> w(network.weights[l].nnz()), b(network.biases[l].size());
    for (std::size_t k = 0; k < w.size(); ++k)
      w[k] = 0.1f / static_cast<float>(k + 7);
    for (std::size_t j = 0; j < b.size(); ++j)
      b[j] = -0.3f / static_cast<float>(j + 3);
    state.weight_velocity.push_back(w);
    state.bias_velocity.push_back(b);
  }
  return state;
}

bool same_bits(sdnn::HostCsc const &a, sdnn::HostCsc const &b)
{
  if (a.num_rows() != b.num_rows() || a.num_cols() != b.num_cols() || a.nnz() != b.nnz())
    return false;
  return std::memcmp(a.values().data(), b.values().data(), a.nnz() * sizeof(float)) == 0 &&
         std::memcmp(a.row_idx().data(), b.row_idx().data(), a.nnz() * sizeof(std::int32_t)) == 0 &&
         std::memcmp(a.col_ptr().data(), b.col_ptr().data(), (a.num_cols() + 1) * sizeof(std::int64_t)) == 0;
}

} // namespace

TEST(TrainedNetworkFile, round_trip_is_exact_with_and_without_momentum)
{
  sdnn::test::TempDir dir;
  auto const network = small_network();
  auto const state = some_state(network);
  auto const path = dir.file("net");
  sdnn::save_trained_network(path, network, &state, 7, {{"option.seed", "3"}}, {{"training.csv", "epoch\n1\n"}});
  auto const loaded = sdnn::load_trained_network(path, true);
  EXPECT_EQ(loaded.epochs, 7);
  EXPECT_EQ(loaded.metadata.at("option.seed"), "3");
  EXPECT_EQ(loaded.metadata.at("checkpoint"), "yes");
  EXPECT_EQ(loaded.network.clamp, 6.5f);
  ASSERT_EQ(loaded.network.num_layers(), 3);
  for (int l = 0; l < 3; ++l)
  {
    EXPECT_TRUE(same_bits(loaded.network.weights[l], network.weights[l])) << "layer " << l + 1;
    EXPECT_EQ(loaded.network.biases[l], network.biases[l]);
    EXPECT_EQ(loaded.state.weight_velocity[l], state.weight_velocity[l]);
    EXPECT_EQ(loaded.state.bias_velocity[l], state.bias_velocity[l]);
  }
  EXPECT_EQ(sdnn::read_file(path + "/training.csv"), "epoch\n1\n");
  EXPECT_TRUE(sdnn::load_trained_network(path, false).state.weight_velocity.empty());

  // Saving again replaces the directory: no momentum files are left from the checkpoint.
  sdnn::save_trained_network(path, network, nullptr, 8);
  auto const plain = sdnn::load_trained_network(path, true);
  EXPECT_EQ(plain.metadata.at("checkpoint"), "no");
  EXPECT_TRUE(plain.state.weight_velocity.empty());
  EXPECT_FALSE(std::filesystem::exists(path + "/momentum-l001.sdnn"));
  EXPECT_FALSE(std::filesystem::exists(path + "/training.csv"));
  for (auto const &entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename(), "net") << "left behind: " << entry.path();
}

TEST(TrainedNetworkFile, faults_name_the_file)
{
  sdnn::test::TempDir dir;
  auto const network = small_network();
  auto const path = dir.file("net");
  sdnn::save_trained_network(path, network, nullptr, 1);
  std::string const meta = path + "/" + sdnn::trained_network_metadata;
  std::string const good = sdnn::read_file(meta);

  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(dir.file("none")); },
                                 {"none", "not a trained network"});

  auto replace = [&](std::string const &from, std::string const &to)
  {
    std::string text = good;
    auto const at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), to);
    sdnn::write_file(meta, text);
  };
  replace("widths 9 12 11 3", "widths 9 12 11");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {meta, "3 widths for 3 layers"});
  replace("widths 9 12 11 3", "widths 9 12 x 3");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {meta + ":3:", "width 'x'"});
  replace("widths 9 12 11 3", "widths 9 13 11 3");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {"weights-l001.sdnn"});
  replace("format sdnn-trained-network 1", "format something-else 2");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {meta + ":1:", "something-else"});
  replace("hidden_activation relu", "hidden_activation tanh");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {meta, "tanh"});
  sdnn::write_file(meta, good);

  std::string const bias = path + "/bias-l002.txt";
  std::string const bias_text = sdnn::read_file(bias);
  sdnn::write_file(bias, bias_text + "0.5\n");
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {bias + ":12:", "more than the 11"});
  sdnn::write_file(bias, bias_text.substr(0, bias_text.find('\n') + 1));
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {bias, "1 values, expected 11"});
  sdnn::write_file(bias, "nan\n" + bias_text.substr(bias_text.find('\n') + 1));
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path); }, {bias + ":1:", "not a finite number"});
  sdnn::write_file(bias, bias_text);
  EXPECT_NO_THROW(sdnn::load_trained_network(path));

  // A checkpoint whose momentum has another pattern than its weights.
  auto const state = some_state(network);
  sdnn::save_trained_network(path, network, &state, 1);
  auto other = small_network();
  auto shape = sdnn::test::network_shape(9, {12, 11}, 3, 4, 99);
  sdnn::save_trained_network(dir.file("other"), sdnn::draw_network(shape), &state, 1);
  std::filesystem::copy_file(dir.file("other") + "/momentum-l002.sdnn", path + "/momentum-l002.sdnn",
                             std::filesystem::copy_options::overwrite_existing);
  sdnn::test::expect_input_error([&] { sdnn::load_trained_network(path, true); },
                                 {"momentum-l002.sdnn", "not those of the layer's weights"});
  EXPECT_NO_THROW(sdnn::load_trained_network(path, false));
}

TEST(TrainedNetworkFile, a_directory_that_is_not_a_network_is_not_replaced)
{
  sdnn::test::TempDir dir;
  auto const target = dir.file("precious");
  std::filesystem::create_directories(target);
  sdnn::write_file(target + "/thesis.tex", "years of work");
  sdnn::test::expect_input_error([&] { sdnn::save_trained_network(target, small_network(), nullptr, 1); },
                                 {target, "not a trained network", "not replacing"});
  EXPECT_EQ(sdnn::read_file(target + "/thesis.tex"), "years of work");
  for (auto const &entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename(), "precious") << "left behind: " << entry.path();
}
