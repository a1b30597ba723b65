#ifndef SDNN_NETWORKSHAREDATA_HPP
#define SDNN_NETWORKSHAREDATA_HPP

// NetworkShare::Data: a rank's columns of a partitioned network and the plans of the activation exchanges, as
// infer_model_parallel() reads them. Private to the library.

#include <Sdnn_ModelParallel.hpp>
#include <Sdnn_PreparedNetwork.hpp>

#include "Sdnn_ExchangePlan.hpp"

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace sdnn
{

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
