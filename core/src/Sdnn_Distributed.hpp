#ifndef SDNN_DISTRIBUTED_HPP
#define SDNN_DISTRIBUTED_HPP

/// \file Sdnn_Distributed.hpp
/// MPI distribution: input rows partitioned across ranks (block or hashed), the network replicated,
/// every single-node mode inside a rank, optional row migration between ranks to balance the work.
/// Available when sdnn is built with Sdnn_ENABLE_MPI (SDNN_ENABLE_MPI in Sdnn_Config.hpp).

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI

#include <Sdnn_Dataset.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_PreparedNetwork.hpp>
#include <Sdnn_RowBlock.hpp>

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sdnn
{

/// Traffic and time of one collective row movement, seen from one rank (rows kept by the rank
/// itself are not counted).
struct ExchangeStats
{
  std::int64_t rows_sent = 0;      ///< rows this rank sent to other ranks
  std::int64_t rows_received = 0;  ///< rows this rank received from other ranks
  std::int64_t bytes_sent = 0;     ///< payload bytes sent to other ranks
  std::int64_t bytes_received = 0; ///< payload bytes received from other ranks
  double seconds = 0.0;            ///< wall time of the exchange on this rank
  /// Adds another exchange's figures to these (every field).
  ExchangeStats &operator+=(ExchangeStats const &other);

  /// The one list of the fields: calls `visit(name, member)` for each field in declaration order, where `name` is
  /// the member's name and `member` a pointer to it. operator+= and the MPI exchange of reports go through it.
  /// \tparam Visitor callable as `visit(char const *, T ExchangeStats::*)` for every field type T
  /// \param visit called once per field
  template <class Visitor> static void for_each_field(Visitor &&visit)
  {
    visit("rows_sent", &ExchangeStats::rows_sent);
    visit("rows_received", &ExchangeStats::rows_received);
    visit("bytes_sent", &ExchangeStats::bytes_sent);
    visit("bytes_received", &ExchangeStats::bytes_received);
    visit("seconds", &ExchangeStats::seconds);
  }
};

/// Collective: sends local row k to rank `destination[k]` (MPI_Alltoallv). Returns the rows this rank
/// receives, ordered by source rank and, within a source, in the sender's order.
/// \throws std::logic_error if `destination` does not have one valid rank per row
RowBlock exchange_rows(MPI_Comm comm, RowBlock const &rows, std::vector<int> const &destination,
                       ExchangeStats *stats = nullptr);

/// Collective: deals the rows of `matrix` (significant on `root` only) to the ranks by `partition`.
/// Every rank returns its rows, ascending by global id.
RowBlock scatter_rows(MPI_Comm comm, int root, HostCsc const &matrix, RowPartition partition, std::uint64_t seed = 1,
                      ExchangeStats *stats = nullptr);

/// Collective: every rank returns a copy of `matrix` as `root` holds it (MPI_Bcast).
HostCsc broadcast(MPI_Comm comm, int root, HostCsc const &matrix);

/// Collective agreement on failure: returns the message of the lowest rank whose `local_error` is
/// not empty, prefixed with "rank R: ", on every rank; std::nullopt if no rank failed.
std::optional<std::string> first_error(MPI_Comm comm, std::string const &local_error);

/// Collective load of a replicated network: layer k is read by rank (k - 1) mod P only (through the
/// binary cache per `options`), then broadcast from its reader.
/// \throws sdnn::InputError on every rank if any rank could not read one of its files
Network load_network(MPI_Comm comm, std::vector<std::string> const &layer_paths, std::int64_t num_neurons, float bias,
                     ReadOptions const &options = {}, std::function<void(int, ReadInfo const &)> const &on_layer = {});

/// Tunables of infer_distributed().
struct DistributedOptions
{
  InferenceOptions node;            ///< the single-node mode and its options, used inside every rank
  int rebalance_every = 0;          ///< compare the ranks' surviving rows every this many layers; 0: never
  double rebalance_threshold = 1.1; ///< migrate rows when max/mean surviving rows across ranks exceeds this
};

/// Where one rank's time of a distributed inference went.
struct RankReport
{
  int rank = 0;                 ///< MPI rank
  double compute_seconds = 0.0; ///< time inside the single-node inference
  double comm_seconds = 0.0;    ///< time in rebalancing collectives (waiting for the others included)
  double seconds = 0.0;         ///< wall time of the whole inference on this rank
  std::int64_t rows_start = 0;  ///< input rows held at the start
  std::int64_t rows_end = 0;    ///< rows still alive at the end (this rank's categories)
  std::int64_t row_layers = 0;  ///< Σ over layers of the rows alive when the layer started (work done)
  ExchangeStats exchange;       ///< rows migrated by rebalancing
  WorkReport work;              ///< the single-node report; busy_seconds summed over the segments

  /// The one list of the fields: calls `visit(name, member)` for each field in declaration order, where `name` is
  /// the member's name and `member` a pointer to it (`exchange` and `work` have lists of their own). The MPI
  /// exchange of the reports goes through it.
  /// \tparam Visitor callable as `visit(char const *, T RankReport::*)` for every field type T
  /// \param visit called once per field
  template <class Visitor> static void for_each_field(Visitor &&visit)
  {
    visit("rank", &RankReport::rank);
    visit("compute_seconds", &RankReport::compute_seconds);
    visit("comm_seconds", &RankReport::comm_seconds);
    visit("seconds", &RankReport::seconds);
    visit("rows_start", &RankReport::rows_start);
    visit("rows_end", &RankReport::rows_end);
    visit("row_layers", &RankReport::row_layers);
    visit("exchange", &RankReport::exchange);
    visit("work", &RankReport::work);
  }
};

/// Where the time of a distributed inference went, on every rank.
struct DistributedReport
{
  std::vector<RankReport> ranks; ///< one per rank, in rank order (every rank receives all)
  int checks = 0;                ///< times the ranks compared their surviving rows
  int rebalances = 0;            ///< times rows were migrated
  /// Largest wall time over the ranks (the time of the inference).
  double seconds() const;
  /// max / mean of RankReport::compute_seconds (1 is perfect balance).
  double imbalance() const;
  /// max / mean of RankReport::row_layers.
  double work_imbalance() const;
  /// Rows migrated in all (each counted once).
  std::int64_t rows_moved() const;
  /// Payload bytes migrated in all.
  std::int64_t bytes_moved() const;
  /// Largest time any rank spent in rebalancing collectives.
  double max_comm_seconds() const;
};

/// Collective distributed inference: every rank runs `options.node` on its `rows` with the whole
/// network (prepared once, every segment reuses it), and every `rebalance_every` layers, when max/mean surviving rows
/// exceeds the threshold, rows migrate from overloaded to underloaded ranks (MPI_Alltoallv). Rows are independent, so
/// the answer is bit for bit the reference's whatever the partition and the migrations.
///
/// \return on `root`: the categories in global numbering (ascending) and, when `options.node.keep_activations`, the
///         final activations gathered from every rank (rows = the ranks' rows in all, ids in [0, that)); on every
///         rank: the per-layer stats summed over the ranks. The other ranks' activations are empty.
template <class ExecutionSpace>
InferenceResult infer_distributed(MPI_Comm comm, int root, ExecutionSpace const &space, RowBlock rows,
                                  PreparedNetwork const &network, DistributedOptions const &options,
                                  DistributedReport *report = nullptr);

#define SDNN_INFER_DISTRIBUTED_EXTERN(SPACE)                                                                           \
  extern template InferenceResult infer_distributed<SPACE>(MPI_Comm, int, SPACE const &, RowBlock,                     \
                                                           PreparedNetwork const &, DistributedOptions const &,        \
                                                           DistributedReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_DISTRIBUTED_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_DISTRIBUTED_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_DISTRIBUTED_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_INFER_DISTRIBUTED_EXTERN

} // namespace sdnn

#endif // SDNN_ENABLE_MPI

#endif
