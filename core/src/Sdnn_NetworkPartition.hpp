#ifndef SDNN_NETWORKPARTITION_HPP
#define SDNN_NETWORKPARTITION_HPP

/// \file Sdnn_NetworkPartition.hpp
/// The network partitioned across parts (ICS 2021, Demirci & Ferhatosmanoglu): each part owns, in every layer,
/// some output neurons (columns of W_l in the challenge's orientation Y_l = Y_{l-1}·W_l) and the matching
/// activation columns; the partitioners (block, hashed, hypergraph) and the figures of a partition.

#include <Sdnn_Config.hpp>
#include <Sdnn_CscMatrix.hpp>

#if SDNN_ENABLE_MPI
#include <mpi.h>
#endif

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sdnn
{

/// For every layer, the part that owns each neuron. Layer 0 holds the input features (the columns of Y_0),
/// layer l >= 1 the output neurons of W_l: part p computes the columns of Y_l it owns and needs, from the other
/// parts, the columns of Y_{l-1} that its columns of W_l read.
struct NetworkPartition
{
  int num_parts = 1;                            ///< P
  std::int64_t num_neurons = 0;                 ///< N
  std::vector<std::vector<std::int32_t>> owner; ///< owner[l][j] in [0, P), for l = 0..L and j = 0..N-1
  /// L, the number of weight layers.
  int num_layers() const { return static_cast<int>(owner.size()) - 1; }
};

/// How a partition is chosen.
enum class NetworkPartitioner
{
  block,      ///< neuron j of every layer to part j·P/N (contiguous ranges)
  hashed,     ///< neurons permuted by a keyed bijection (FeistelHash) before the ranges are cut
  hypergraph, ///< Zoltan PHG on the hypergraph of the network, layer by layer (least communication, balanced)
};

/// Name used by the driver and in reports ("block", "hashed", "hypergraph").
std::string name(NetworkPartitioner partitioner);
/// Inverse of name(NetworkPartitioner); std::nullopt for an unknown name.
std::optional<NetworkPartitioner> parse_network_partitioner(std::string const &text);
/// Every partitioner, in the order of the enum (hypergraph included even when this build lacks Zoltan).
std::vector<NetworkPartitioner> all_network_partitioners();
/// Whether this build can run `partitioner` (hypergraph needs MPI and Zoltan).
bool partitioner_available(NetworkPartitioner partitioner);

/// The same ranges in every layer, over the neurons in order (block) or permuted by FeistelHash{N, seed}
/// (hashed). \throws std::logic_error for another partitioner or P < 1
NetworkPartition simple_network_partition(NetworkPartitioner partitioner, std::int64_t num_neurons, int num_layers,
                                          int num_parts, std::uint64_t seed = 1);

/// Checks that `partition` has `num_layers` + 1 layers of `num_neurons` owners, each a part in [0, num_parts).
/// \throws std::logic_error naming the first mismatch
void check_partition_fits(NetworkPartition const &partition, std::int64_t num_neurons, int num_layers);

/// Figures of a partition on a network: what model-parallel inference will send and how evenly it computes.
struct PartitionQuality
{
  /// Per layer l = 1..L: activation columns sent, Σ over input neurons i read by layer l of (λ_i - 1), where
  /// λ_i counts the parts among the owner of i (layer l-1) and the owners of the neurons j with W_l(i, j) != 0
  /// (the connectivity - 1 cut of the hypergraph). Each such column carries one value per live row.
  std::vector<std::int64_t> volume;
  /// Per layer: the largest part's nonzeros of W_l over the mean (1 is perfect balance).
  std::vector<double> imbalance;
  /// Per layer and part: nonzeros of W_l in the part's columns (layer-major, P per layer).
  std::vector<std::int64_t> work;
  /// Per part: bytes of the weights it stores (its columns of every layer: values, row indices, pointers).
  std::vector<std::int64_t> weight_bytes;
  /// Σ of volume.
  std::int64_t total_volume() const;
  /// Largest per-layer imbalance.
  double max_imbalance() const;
};

/// The figures of `partition` on `layers` (W_1..W_L, each N × N).
/// \throws std::logic_error if the partition does not fit the network (N, L, owners out of range)
PartitionQuality evaluate_partition(NetworkPartition const &partition, std::vector<HostCsc> const &layers);

/// Tunables of hypergraph_partition().
struct HypergraphOptions
{
  double imbalance_tolerance = 1.03; ///< per layer: largest part's work over the mean that Zoltan may leave
  /// Zoltan parameters set after sdnn's own (which they override), e.g. {"PHG_REFINEMENT_QUALITY", "10"}.
  std::vector<std::pair<std::string, std::string>> zoltan_parameters;
};

#if SDNN_ENABLE_MPI
/// Collective over `comm` (every rank passes the whole network): Zoltan's parallel hypergraph partitioner (PHG),
/// layer by layer. Layer l's hypergraph has a vertex per output neuron j (weight: nnz of column j of W_l) and a
/// vertex per neuron of layer l-1, fixed to its part (free, weight 0, for the inputs of layer 1), and a net per
/// input neuron i joining its producer with every j reading it; minimising the connectivity - 1 cut minimises
/// the columns sent, and the tolerance holds each layer's work balanced. Every rank returns the same partition.
/// \throws sdnn::InputError on every rank if Zoltan fails or this build lacks Zoltan
NetworkPartition hypergraph_partition(MPI_Comm comm, std::vector<HostCsc> const &layers, int num_parts,
                                      HypergraphOptions const &options = {});
#endif

} // namespace sdnn

#endif
