#include <Sdnn_Dataset.hpp>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <unordered_set>

namespace sdnn
{

std::string challenge_weights_dir(std::string const &dir, std::int64_t num_neurons)
{
  return (std::filesystem::path(dir) / ("neuron" + std::to_string(num_neurons))).string();
}

namespace
{
char const *const matrix_extensions[] = {".tsv", ".mtx", ".sdnn"};

/// `stem` with the first of .tsv, .mtx, .sdnn that exists (.tsv when none does: the reader reports it missing).
std::string existing_matrix_file(std::filesystem::path const &stem)
{
  for (char const *extension : matrix_extensions)
  {
    auto candidate = stem;
    candidate += extension;
    if (std::filesystem::exists(candidate))
      return candidate.string();
  }
  return stem.string() + ".tsv";
}

std::string layer_stem(std::int64_t num_neurons, int layer)
{
  return "n" + std::to_string(num_neurons) + "-l" + std::to_string(layer);
}
} // namespace

std::string challenge_layer_path(std::string const &weights_dir, std::int64_t num_neurons, int layer)
{
  return existing_matrix_file(std::filesystem::path(weights_dir) / layer_stem(num_neurons, layer));
}

std::vector<std::string> challenge_layer_paths(std::string const &weights_dir, std::int64_t num_neurons, int num_layers)
{
  // One listing of the directory instead of a lookup per layer and extension: L is up to 1920, and a mistyped
  // --layers must not cost millions of system calls before the first missing file is named.
  std::unordered_set<std::string> names;
  std::error_code error;
  for (auto const &entry : std::filesystem::directory_iterator(weights_dir, error))
    names.insert(entry.path().filename().string());
  auto const directory = (std::filesystem::path(weights_dir) / "").string(); // with its separator
  std::vector<std::string> paths;
  paths.reserve(static_cast<std::size_t>(std::max(num_layers, 0)));
  for (int k = 1; k <= num_layers; ++k)
  {
    auto const stem = layer_stem(num_neurons, k);
    auto const found =
        std::find_if(std::begin(matrix_extensions), std::end(matrix_extensions),
                     [&](char const *extension) { return !names.empty() && names.count(stem + extension) > 0; });
    paths.push_back(directory + stem + (found != std::end(matrix_extensions) ? *found : ".tsv"));
  }
  return paths;
}

ChallengePaths challenge_paths(std::string const &dir, std::int64_t num_neurons, int num_layers)
{
  std::filesystem::path const base(dir);
  ChallengePaths paths;
  paths.images = existing_matrix_file(base / ("sparse-images-" + std::to_string(num_neurons)));
  paths.truth =
      (base / ("neuron" + std::to_string(num_neurons) + "-l" + std::to_string(num_layers) + "-categories.tsv"))
          .string();
  paths.layers = challenge_layer_paths(challenge_weights_dir(dir, num_neurons), num_neurons, num_layers);
  return paths;
}

std::int64_t Network::num_edges() const
{
  std::int64_t edges = 0;
  for (auto const &w : layers)
    edges += w.nnz();
  return edges;
}

Network load_network(std::vector<std::string> const &layer_paths, std::int64_t num_neurons, float bias,
                     ReadOptions const &options, std::function<void(int, ReadInfo const &)> const &on_layer)
{
  SDNN_USER_REQUIRE(num_neurons > 0, "the number of neurons must be positive, got " << num_neurons);
  Network network;
  network.num_neurons = num_neurons;
  network.bias = bias;
  network.layers.reserve(layer_paths.size());
  for (std::size_t k = 0; k < layer_paths.size(); ++k)
  {
    ReadInfo info;
    network.layers.push_back(read_matrix(layer_paths[k], num_neurons, num_neurons, options, &info));
    if (on_layer)
      on_layer(static_cast<int>(k + 1), info);
  }
  return network;
}

CategoryCheck check_categories(std::vector<std::int64_t> const &computed, std::vector<std::int64_t> const &truth)
{
  SDNN_REQUIRE(std::is_sorted(computed.begin(), computed.end()) && std::is_sorted(truth.begin(), truth.end()),
               "category lists must be ascending");
  CategoryCheck check;
  std::set_difference(truth.begin(), truth.end(), computed.begin(), computed.end(), std::back_inserter(check.missing));
  std::set_difference(computed.begin(), computed.end(), truth.begin(), truth.end(), std::back_inserter(check.extra));
  return check;
}

} // namespace sdnn
