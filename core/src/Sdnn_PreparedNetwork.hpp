#ifndef SDNN_PREPAREDNETWORK_HPP
#define SDNN_PREPAREDNETWORK_HPP

/// \file Sdnn_PreparedNetwork.hpp
/// PreparedNetwork: the layers of a network with what infer() derives from them once (the column groups of the
/// dense kernel, for the kernels of one instruction set), shared by every inference, segment, mode and rank.

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_InstructionSet.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace sdnn
{

/// How the engine numbers the neurons between two layers of a PreparedNetwork.
enum class NeuronOrder
{
  /// As the layers number them.
  as_given,
  /// Renumbered between every two layers so that the rows each block of columns of the next layer reads are
  /// adjacent in the tiles (RadiX-Net layers: a column's rows become one run instead of 32 scattered ones), which
  /// keeps the dense kernel in cache at large N. The inputs (before layer 1) and the outputs (after layer L) keep
  /// the given numbering, and every sum runs in the same order: the same answer, bit for bit. Only the activations
  /// a segment (LayerRange) ends with inside the network are in the renumbered order, which the next segment of the
  /// same network expects.
  clustered
};

/// Layers W_1..W_L (each N × N, CSC) and their bias, prepared for infer() with the kernels of one instruction set.
/// Copies are cheap and share the prepared data (the layers' Views are shared, not copied).
class PreparedNetwork
{
public:
  /// Prepares `layers` for the kernels of the active instruction set (active_instruction_set()), the layers shared
  /// among the threads of Kokkos' default host execution space.
  /// \param layers W_1..W_L, each N × N (the same N)
  /// \param bias added to every nonzero of Y·W_l
  /// \param order how the engine numbers the neurons between layers
  /// \throws std::logic_error if a layer is not square, the layers disagree on N, or a weight or the bias is not
  ///         finite (NaN or infinite weights would make the dense and sparse kernels disagree: one multiplies
  ///         them by the zeros of Y, the other skips them); with several such layers, the first is named
  PreparedNetwork(std::vector<HostCsc> layers, float bias, NeuronOrder order = NeuronOrder::as_given);

  /// Number of layers L.
  int num_layers() const;
  /// N, the neurons of every layer (0 for a network without layers).
  std::int64_t num_neurons() const;
  /// The bias of every layer.
  float bias() const;
  /// W_1..W_L as given.
  std::vector<HostCsc> const &layers() const;
  /// How the engine numbers the neurons between layers.
  NeuronOrder neuron_order() const;
  /// The instruction set the network was prepared for: the one its inferences run.
  InstructionSet instruction_set() const;
  /// Bytes held by the preparation (beyond the layers themselves): the column groups and, clustered, the
  /// renumbered layers.
  std::int64_t prepared_bytes() const;

  /// What the engine reads (defined by the library; opaque here).
  struct Prepared;
  /// The engine's view of the network.
  Prepared const &prepared() const { return *m_prepared; }

private:
  std::shared_ptr<Prepared const> m_prepared;
};

/// The layers [first, last) of a network (0-based, last exclusive); `last == all_layers` means up to the end.
struct LayerRange
{
  static constexpr int all_layers = -1; ///< `last` meaning "to the end of the network"
  int first = 0;                        ///< first layer run (0-based)
  int last = all_layers;                ///< one past the last layer run, or all_layers
};

} // namespace sdnn

#endif
