#ifndef SDNN_TRAINABLENETWORK_HPP
#define SDNN_TRAINABLENETWORK_HPP

/// \file Sdnn_TrainableNetwork.hpp
/// A sparse feed-forward classifier that sdnn trains (ICS 2021, Demirci & Ferhatosmanoglu): fixed sparse weight
/// matrices in the challenge's orientation, a bias per neuron, ReLU hidden layers and a softmax output; and the
/// topologies it is drawn from (random fan-in, RadiX-Net).

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// Layer l = 1..L computes Y_l = f(Y_{l-1}·W_l + b_l) for a row Y_{l-1} of n_{l-1} activations: W_l is
/// n_{l-1} × n_l (column j holds the inputs of neuron j), b_l holds one bias per neuron, added to every neuron
/// (a neuron with no active input still fires when its bias is positive). f is ReLU, clamped at `clamp` when it
/// is positive, on the hidden layers; the last layer's Y_L are the logits of a softmax over n_L classes.
/// Y_0 holds the n_0 features of a sample.
struct TrainableNetwork
{
  std::vector<HostCsc> weights;           ///< W_1..W_L
  std::vector<std::vector<float>> biases; ///< b_1..b_L, n_l values each
  float clamp = 0.0f;                     ///< largest hidden activation (0: ReLU without clamp)

  /// L.
  int num_layers() const { return static_cast<int>(weights.size()); }
  /// n_0, the features of a sample (0 for an empty network).
  std::int64_t num_features() const { return weights.empty() ? 0 : weights.front().num_rows(); }
  /// n_L, the classes (0 for an empty network).
  std::int64_t num_classes() const { return weights.empty() ? 0 : weights.back().num_cols(); }
  /// Σ nnz(W_l) + Σ n_l: the trained parameters.
  std::int64_t num_parameters() const;
};

/// Checks that consecutive layers agree (rows of W_l = columns of W_{l-1}), that every bias vector has n_l values,
/// that there is at least one layer, two classes and finite weights, biases and clamp.
/// \throws sdnn::InputError naming the first disagreement (`what` starts the message, e.g. a directory)
void check_network_shapes(TrainableNetwork const &network, std::string const &what = "network");

/// How the sparse connections of a network are drawn.
enum class SparseTopology
{
  random_fan_in, ///< every neuron reads `fan_in` distinct inputs drawn uniformly
  radix_net,     ///< hidden-to-hidden layers are RadiX-Net's (32 inputs per neuron); the others random fan-in
};

/// Name of a topology ("random", "radix").
std::string name(SparseTopology topology);

/// The shape of a network to draw and how to initialise it.
struct NetworkShape
{
  std::int64_t features = 784;                             ///< n_0
  std::vector<std::int64_t> hidden{1024, 1024, 1024};      ///< n_1..n_{L-1}
  std::int64_t classes = 10;                               ///< n_L
  SparseTopology topology = SparseTopology::random_fan_in; ///< how the connections are drawn
  std::int64_t fan_in = 32;                                ///< inputs per hidden neuron (random fan-in)
  std::int64_t output_fan_in = 0; ///< inputs per output neuron (0: all of the last hidden layer)
  float clamp = 0.0f;             ///< TrainableNetwork::clamp
  std::uint64_t seed = 1;         ///< seed of the connections and of the initial weights
};

/// A network of `shape` with He-initialised weights (normal, variance 2 / fan-in of the neuron) and zero biases,
/// the same for a given seed on every platform.
/// \throws sdnn::InputError for an impossible shape (a fan-in above the layer's inputs, a RadiX-Net layer whose
///         width is not 16·2^D, no classes)
TrainableNetwork draw_network(NetworkShape const &shape);

} // namespace sdnn

#endif
