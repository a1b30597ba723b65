#ifndef SDNN_DATASET_HPP
#define SDNN_DATASET_HPP

/// \file Sdnn_Dataset.hpp
/// The challenge's file layout, network loading and the exact category check.

#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sdnn
{

/// File names of a Graph Challenge dataset laid out as the challenge publishes it:
/// `DIR/neuron{N}/n{N}-l{k}.tsv`, `DIR/sparse-images-{N}.tsv`, `DIR/neuron{N}-l{L}-categories.tsv`.
struct ChallengePaths
{
  std::string images;              ///< the input images, `DIR/sparse-images-{N}.tsv` (or .mtx, .sdnn)
  std::vector<std::string> layers; ///< layers[k-1] is layer k
  std::string truth;               ///< the truth categories, `DIR/neuron{N}-l{L}-categories.tsv`
};

/// Paths of the N-neuron, L-layer dataset in `dir`. For the images and each layer a `.mtx` or `.sdnn` file of the
/// same stem is used where the `.tsv` file is absent. Nothing is opened here.
ChallengePaths challenge_paths(std::string const &dir, std::int64_t num_neurons, int num_layers);

/// Directory of the weight files of an N-neuron dataset in `dir` (`dir/neuron{N}`).
std::string challenge_weights_dir(std::string const &dir, std::int64_t num_neurons);

/// Path of layer k (1-based) in a weights directory: `n{N}-l{k}.tsv`, else `.mtx`, else `.sdnn`.
std::string challenge_layer_path(std::string const &weights_dir, std::int64_t num_neurons, int layer);

/// Paths of layers 1..L in a weights directory, each as challenge_layer_path() would name it, from one listing of the
/// directory (a directory that cannot be listed gives the `.tsv` names).
std::vector<std::string> challenge_layer_paths(std::string const &weights_dir, std::int64_t num_neurons,
                                               int num_layers);

/// A sparse DNN: L layers of N × N weights and one bias for every neuron.
struct Network
{
  std::int64_t num_neurons = 0; ///< N
  float bias = 0.0f;            ///< added to every nonzero of Y·W_l
  std::vector<HostCsc> layers;  ///< W_1..W_L, each N × N
  /// Σ_l nnz(W_l): the "edges" of the challenge rate.
  std::int64_t num_edges() const;
};

/// Reads every layer file as an N × N matrix (through the binary cache per `options`), calling
/// `on_layer(k, info)` after layer k. \throws sdnn::InputError naming the first bad file.
/// \param layer_paths the files of layers 1..L, e.g. ChallengePaths::layers
/// \param num_neurons N
/// \param bias stored in Network::bias, e.g. challenge_bias(N)
/// \param options binary cache use, as in read_matrix()
/// \param on_layer progress callback; may be empty
Network load_network(std::vector<std::string> const &layer_paths, std::int64_t num_neurons, float bias,
                     ReadOptions const &options = {}, std::function<void(int, ReadInfo const &)> const &on_layer = {});

/// Result of comparing computed categories with a truth set.
struct CategoryCheck
{
  std::vector<std::int64_t> missing; ///< in the truth, not computed (0-based)
  std::vector<std::int64_t> extra;   ///< computed, not in the truth (0-based)
  /// True when the sets are equal.
  bool passed() const { return missing.empty() && extra.empty(); }
};

/// Exact set comparison of two ascending 0-based row lists.
CategoryCheck check_categories(std::vector<std::int64_t> const &computed, std::vector<std::int64_t> const &truth);

} // namespace sdnn

#endif
