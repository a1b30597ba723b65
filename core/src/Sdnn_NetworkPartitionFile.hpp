#ifndef SDNN_NETWORKPARTITIONFILE_HPP
#define SDNN_NETWORKPARTITIONFILE_HPP

/// \file Sdnn_NetworkPartitionFile.hpp
/// A network partition saved with the network it was made for: partition once (`sdnn partition --out`), run
/// many inferences on it (`sdnn infer --network-partition FILE`).
///
/// The file is text: a header of `key value` lines (format, neurons, layers, parts, partitioner, network), then
/// one `layer neuron part` line per neuron of every layer, layer 0 being the input features, neurons 1-based
/// (as in the challenge's files) and parts 0-based (the model ranks). `network` is network_fingerprint() of the
/// layers, so a partition is never applied to another network by mistake.

#include <Sdnn_Config.hpp>
#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_NetworkPartition.hpp>

#if SDNN_ENABLE_MPI
#include <mpi.h>
#endif

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// A partition and what it was made for.
struct NetworkPartitionFile
{
  NetworkPartition partition; ///< the owners of every neuron of every layer
  std::uint64_t network = 0;  ///< network_fingerprint() of the layers it was made for
  std::string partitioner;    ///< how it was made (a partitioner's name), for reports
};

/// A 64-bit fingerprint of the structure of `layers` (N, L, every column's row indices): what a partition's
/// cut and balance depend on (the weights' values do not). A sum over the nonempty columns, so that ranks holding
/// a network's columns among them sum their parts to the whole's (network_fingerprint(MPI_Comm, ...)).
std::uint64_t network_fingerprint(std::vector<HostCsc> const &layers);

#if SDNN_ENABLE_MPI
/// Collective over `comm`: network_fingerprint() of a network loaded by load_network_columns(comm, ...,
/// partition) (each rank holding the columns of its model rank, rank mod M), without gathering it.
std::uint64_t network_fingerprint(MPI_Comm comm, std::vector<HostCsc> const &columns,
                                  NetworkPartition const &partition);
#endif

/// Writes `file` to `path` (replacing it). \throws sdnn::InputError naming the path if it cannot be written
void write_network_partition(std::string const &path, NetworkPartitionFile const &file);

/// Reads a file written by write_network_partition().
/// \throws sdnn::InputError `path:line: ...` for a malformed file (a missing, repeated or out-of-range owner,
///         an unknown format)
NetworkPartitionFile read_network_partition(std::string const &path);

/// Checks `file`, read from `path`, against a run on a network of N = num_neurons, L = num_layers, with
/// `num_parts` model ranks. \throws sdnn::InputError naming the path and both figures
void check_partition_file(std::string const &path, NetworkPartitionFile const &file, std::int64_t num_neurons,
                          int num_layers, int num_parts);

/// Checks that `file`, read from `path`, was made for the network whose fingerprint is `fingerprint`.
/// \throws sdnn::InputError naming the path and both fingerprints
void check_partition_network(std::string const &path, NetworkPartitionFile const &file, std::uint64_t fingerprint);

/// The partition in `path`, checked against the network it will run on: `layers`, cut into `num_parts` parts.
/// \throws sdnn::InputError naming the path if the file is malformed or was made for another N, L, number of
///         parts or network
NetworkPartition load_network_partition(std::string const &path, std::vector<HostCsc> const &layers, int num_parts);

} // namespace sdnn

#endif
