#ifndef SDNN_NETWORKSHAREDATA_HPP
#define SDNN_NETWORKSHAREDATA_HPP

// NetworkShare::Data: a rank's columns of a partitioned network and the plans of the activation exchanges, as
// infer_model_parallel() reads them. Private to the library.

#include <Sdnn_ModelParallel.hpp>
#include <Sdnn_PreparedNetwork.hpp>

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace sdnn
{

/// How the activations of Y_{l-1} reach the ranks that read them in layer l. Columns of Y_{l-1} are numbered by
/// this rank's owned neurons of layer l-1 (ascending global id), inputs of layer l by its needed neurons.
struct ExchangePlan
{
  /// Per owned column c of layer l-1: its position among this rank's own inputs of layer l, or -1.
  std::vector<std::int32_t> self;
  /// Per owned column c: its sends [dest_ptr[c], dest_ptr[c+1]) to (dest_rank, dest_pos): the model rank and the
  /// column's position in what this rank sends it.
  std::vector<std::int64_t> dest_ptr;
  std::vector<std::int32_t> dest_rank;
  std::vector<std::int32_t> dest_pos;
  /// Per model rank q: the columns sent to q (send_count[q], all to one message) and received from q.
  std::vector<std::int64_t> send_count;
  std::vector<std::int64_t> recv_ptr; ///< [M + 1]: columns from q are recv_pos[recv_ptr[q], recv_ptr[q+1])
  std::vector<std::int32_t> recv_pos; ///< input position of each column received, in the sender's order
};

/// Position of each listed neuron in `list` (-1 for the others), over `n` neurons.
inline std::vector<std::int32_t> positions(std::vector<std::int32_t> const &list, std::int64_t n)
{
  std::vector<std::int32_t> out(n, -1);
  for (std::size_t k = 0; k < list.size(); ++k)
    out[list[k]] = static_cast<std::int32_t>(k);
  return out;
}

struct NetworkShare::Data
{
  Data() = default;
  Data(Data const &) = delete;
  Data &operator=(Data const &) = delete;
  ~Data(); // frees the communicators

  MPI_Comm world = MPI_COMM_NULL; // sdnn's duplicate of the communicator the share was made on
  MPI_Comm model = MPI_COMM_NULL; // the M ranks of this data group, by model rank
  int model_ranks = 1, groups = 1, group = 0, model_rank = 0;
  NetworkPartition partition;
  std::vector<std::vector<std::int32_t>> owned;   // [0..L]: owned neurons of layer l, ascending
  std::vector<std::vector<std::int32_t>> needed;  // [l - 1] for l = 1..L: inputs read by the owned columns of W_l
  std::vector<ExchangePlan> plans;                // [l - 1] for l = 1..L
  std::vector<std::vector<std::int32_t>> row_nnz; // [l - 1]: nonzeros of each input row of the local W_l
  /// The local layers: W_l restricted to the owned columns (first) and needed rows, padded to K × K with K the
  /// largest count of either over the layers.
  PreparedNetwork local{{}, 0.0f};
  std::int64_t weight_bytes = 0;
  std::vector<std::int64_t> predicted_columns; // per layer, the group's columns sent
};

} // namespace sdnn

#endif
