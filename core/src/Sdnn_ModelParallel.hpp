#ifndef SDNN_MODELPARALLEL_HPP
#define SDNN_MODELPARALLEL_HPP

/// \file Sdnn_ModelParallel.hpp
/// Model-parallel and 2D inference on a network partitioned across ranks (ICS 2021, Demirci & Ferhatosmanoglu):
/// P ranks form P/M data groups of M model ranks; the rows of Y are dealt to the groups, and inside a group each
/// model rank stores only the neurons (columns of every W_l, and of Y_l) that a NetworkPartition of M parts gives
/// it. Each layer is a point-to-point exchange of exactly the activation columns the rank's columns of W_l read,
/// then the local multiply with any single-node mode. M = 1 is the replicated network of Sdnn_Distributed.hpp,
/// M = P pure model parallelism. Available when sdnn is built with Sdnn_ENABLE_MPI.

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Dataset.hpp>
#include <Sdnn_Hash.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_NetworkPartition.hpp>
#include <Sdnn_RowBlock.hpp>
#include <Sdnn_WorkReport.hpp>

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sdnn
{

/// One rank's share of a network partitioned across the M model ranks of its data group: its columns of every
/// layer (rows renumbered to the inputs they read) and the plan of each layer's activation exchange. Holds
/// communicators split from the one it was made on: destroy it before MPI_Finalize. Copies share the data.
class NetworkShare
{
public:
  /// Collective over `comm` (P ranks, P a multiple of M = partition.num_parts): every rank passes the whole
  /// network and keeps the columns that `partition` gives its model rank (rank mod M) in data group rank / M.
  /// \throws std::logic_error if the partition does not fit the network or P is not a multiple of M
  NetworkShare(MPI_Comm comm, NetworkPartition const &partition, std::vector<HostCsc> const &layers, float bias);

  int model_ranks() const;          ///< M, the ranks a network is partitioned across
  int groups() const;               ///< P / M, the data groups
  int group() const;                ///< this rank's data group (rank / M)
  int model_rank() const;           ///< this rank's part of the network (rank mod M)
  int num_layers() const;           ///< L
  std::int64_t num_neurons() const; ///< N
  /// The partition the share was made from.
  NetworkPartition const &partition() const;
  /// Bytes of the weights this rank stores (its columns of every layer: values, row indices, column pointers).
  std::int64_t weight_bytes() const;
  /// Per layer: the activation columns the ranks of a group send (the partition's connectivity - 1 cut).
  std::vector<std::int64_t> const &predicted_columns() const;

  /// What the inference reads (defined by the library; opaque here).
  struct Data;
  /// The inference's view of the share.
  Data const &data() const { return *m_data; }

private:
  std::shared_ptr<Data const> m_data;
};

/// Collective over `comm` (P ranks, P a multiple of M = partition.num_parts): the network read as
/// load_network(comm, ...) reads it (layer k by rank (k - 1) mod P only, through the binary cache), but each rank
/// receives only the columns of every layer that `partition` gives its model rank (rank mod M): its N × N layers
/// hold those columns and no others. No rank ever holds more than its share and the layers it reads; pass the
/// result to NetworkShare, which keeps the same columns.
/// \throws sdnn::InputError on every rank if any rank could not read one of its files
Network load_network_columns(MPI_Comm comm, std::vector<std::string> const &layer_paths,
                             NetworkPartition const &partition, float bias, ReadOptions const &options = {},
                             std::function<void(int, ReadInfo const &)> const &on_layer = {});

/// Collective over the share's communicator: deals the rows of `matrix` (significant on `root` only) to the data
/// groups by `partition` and, inside a group, gives each model rank the feature columns it owns (layer 0 of the
/// partition). Every rank of a group returns the same rows (empty ones included), ascending by global id, with
/// global column ids.
RowBlock scatter_rows(int root, HostCsc const &matrix, NetworkShare const &share, RowPartition partition,
                      std::uint64_t seed = 1);

/// Tunables of infer_model_parallel().
struct ModelParallelOptions
{
  InferenceOptions node; ///< the single-node mode and its options, run on every layer inside every rank
};

/// One rank's traffic and time in a model-parallel inference. Traffic per layer l = 1..L, counting messages to
/// and from other ranks only; a word is 4 bytes (a row count, a column position or a value).
struct ModelRankReport
{
  int rank = 0;                                ///< rank in the communicator
  int group = 0;                               ///< data group
  int model_rank = 0;                          ///< part of the network
  double compute_seconds = 0.0;                ///< time in the local multiplies (single-node inference)
  double exchange_seconds = 0.0;               ///< time packing, exchanging and unpacking activations
  double agree_seconds = 0.0;                  ///< time agreeing on the live rows (bitmap reduction)
  double seconds = 0.0;                        ///< wall time of the whole inference on this rank
  std::int64_t weight_bytes = 0;               ///< NetworkShare::weight_bytes()
  std::vector<std::int64_t> columns_sent;      ///< activation columns sent (the partition's plan)
  std::vector<std::int64_t> values_sent;       ///< nonzero activations sent
  std::vector<std::int64_t> words_sent;        ///< words sent (row counts, positions and values)
  std::vector<std::int64_t> words_received;    ///< words received
  std::vector<std::int64_t> messages_sent;     ///< messages sent
  std::vector<std::int64_t> messages_received; ///< messages received
  std::vector<std::int64_t> work;              ///< multiply-adds of the local columns (live rows × column nnz)
  WorkReport node;                             ///< the single-node reports, merged over the layers

  /// The one list of the fields (for the MPI exchange of the reports), as RankReport::for_each_field.
  template <class Visitor> static void for_each_field(Visitor &&visit)
  {
    visit("rank", &ModelRankReport::rank);
    visit("group", &ModelRankReport::group);
    visit("model_rank", &ModelRankReport::model_rank);
    visit("compute_seconds", &ModelRankReport::compute_seconds);
    visit("exchange_seconds", &ModelRankReport::exchange_seconds);
    visit("agree_seconds", &ModelRankReport::agree_seconds);
    visit("seconds", &ModelRankReport::seconds);
    visit("weight_bytes", &ModelRankReport::weight_bytes);
    visit("columns_sent", &ModelRankReport::columns_sent);
    visit("values_sent", &ModelRankReport::values_sent);
    visit("words_sent", &ModelRankReport::words_sent);
    visit("words_received", &ModelRankReport::words_received);
    visit("messages_sent", &ModelRankReport::messages_sent);
    visit("messages_received", &ModelRankReport::messages_received);
    visit("work", &ModelRankReport::work);
    visit("node", &ModelRankReport::node);
  }
};

/// Where the traffic and time of a model-parallel inference went, on every rank.
struct ModelParallelReport
{
  int model_ranks = 1;                         ///< M
  int groups = 1;                              ///< P / M
  std::vector<std::int64_t> predicted_columns; ///< per layer: the partition's cut (columns a group sends)
  std::vector<ModelRankReport> ranks;          ///< one per rank, in rank order
  /// Largest wall time over the ranks (the time of the inference).
  double seconds() const;
  /// Per layer: the columns the ranks of data group `group` sent (equals predicted_columns).
  std::vector<std::int64_t> columns_sent(int group = 0) const;
  /// Words sent by all ranks in all layers.
  std::int64_t words_sent() const;
  /// Largest number of words any rank sent (over all layers).
  std::int64_t max_words_sent() const;
  /// Messages sent by all ranks in all layers.
  std::int64_t messages_sent() const;
  /// Per layer: the largest rank's multiply-adds over the mean of its group (1 is perfect balance), the worst group.
  std::vector<double> work_imbalance() const;
  /// Largest time any rank spent exchanging activations (agreement included).
  double max_exchange_seconds() const;
  /// Largest time any rank spent in local multiplies.
  double max_compute_seconds() const;
  /// Largest NetworkShare::weight_bytes() over the ranks.
  std::int64_t max_weight_bytes() const;
};

/// Collective over the share's communicator: model-parallel inference of the rows a data group holds (each rank
/// passes what scatter_rows(root, ..., share, ...) gave it). For each layer every rank receives, from the owners,
/// the nonzero activations of the live rows in the columns of Y_{l-1} that its columns of W_l read, runs
/// `options.node` on its columns (every Z(r, j) summed in the reference's order: the answer is bit for bit the
/// reference's), and the group agrees on the rows still alive (an OR of bitmaps).
///
/// \return on `root`: the categories in global numbering (ascending) and, when options.node.keep_activations, the
///         final activations (rows numbered as the inputs, N columns); on every rank: the per-layer stats summed
///         over the groups.
/// \throws std::logic_error on every rank if the ranks of a group do not hold the same rows
template <class ExecutionSpace>
InferenceResult infer_model_parallel(int root, ExecutionSpace const &space, RowBlock const &rows,
                                     NetworkShare const &share, ModelParallelOptions const &options,
                                     ModelParallelReport *report = nullptr);

#define SDNN_INFER_MODEL_PARALLEL_EXTERN(SPACE)                                                                        \
  extern template InferenceResult infer_model_parallel<SPACE>(int, SPACE const &, RowBlock const &,                    \
                                                              NetworkShare const &, ModelParallelOptions const &,      \
                                                              ModelParallelReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_MODEL_PARALLEL_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_MODEL_PARALLEL_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_MODEL_PARALLEL_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_INFER_MODEL_PARALLEL_EXTERN

} // namespace sdnn

#endif // SDNN_ENABLE_MPI

#endif
