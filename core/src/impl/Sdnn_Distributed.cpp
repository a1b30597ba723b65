#include <Sdnn_Distributed.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_Hash.hpp>

#include "Sdnn_Collectives.hpp"
#include "Sdnn_HostCscStorage.hpp"
#include "Sdnn_PrivateComm.hpp"
#include "Sdnn_ReportGather.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace sdnn
{

namespace
{

/// Rows each rank sends to each other rank so that every rank ends with total/P rows (the first
/// total mod P ranks one more): overloaded ranks, in rank order, fill underloaded ranks in rank
/// order. Computed identically on every rank from the same counts. plan[i * P + j]: i sends to j.
std::vector<std::int64_t> migration_plan(std::vector<std::int64_t> const &counts)
{
  auto const size = static_cast<std::int64_t>(counts.size());
  std::int64_t const total = std::accumulate(counts.begin(), counts.end(), std::int64_t(0));
  std::vector<std::int64_t> excess(size);
  for (std::int64_t p = 0; p < size; ++p)
    excess[p] = counts[p] - (total / size + (p < total % size ? 1 : 0));
  std::vector<std::int64_t> plan(size * size, 0);
  std::int64_t to = 0;
  for (std::int64_t from = 0; from < size; ++from)
    while (excess[from] > 0)
    {
      while (excess[to] >= 0)
        ++to;
      std::int64_t const amount = std::min(excess[from], -excess[to]);
      plan[from * size + to] += amount;
      excess[from] -= amount;
      excess[to] += amount;
    }
  return plan;
}

} // namespace

namespace impl
{

RowBlock exchange_rows_on(MPI_Comm comm, RowBlock const &rows, std::vector<int> const &destination,
                          ExchangeStats *stats)
{
  double const start = MPI_Wtime();
  int const size = comm_size(comm), rank = comm_rank(comm);
  auto const num_rows = rows.num_rows();
  SDNN_REQUIRE(static_cast<std::int64_t>(destination.size()) == num_rows,
               "exchange_rows: " << destination.size() << " destinations for " << num_rows << " rows");

  // Rows and entries per destination, then the rows in destination order (stable).
  std::vector<std::int64_t> send_rows(size, 0), send_nnz(size, 0);
  for (std::int64_t r = 0; r < num_rows; ++r)
  {
    int const to = destination[r];
    SDNN_REQUIRE(to >= 0 && to < size, "exchange_rows: row " << r << " goes to rank " << to << " of " << size);
    ++send_rows[to];
    send_nnz[to] += rows.row_ptr[r + 1] - rows.row_ptr[r];
  }
  std::vector<std::int64_t> cursor(size + 1, 0);
  std::partial_sum(send_rows.begin(), send_rows.end(), cursor.begin() + 1);
  std::vector<std::int64_t> order(num_rows);
  for (std::int64_t r = 0; r < num_rows; ++r)
    order[cursor[destination[r]]++] = r;

  std::vector<std::int64_t> ids(num_rows), lengths(num_rows);
  std::vector<std::int32_t> cols;
  std::vector<float> vals;
  cols.reserve(rows.nnz());
  vals.reserve(rows.nnz());
  for (std::int64_t k = 0; k < num_rows; ++k)
  {
    auto const r = order[k];
    auto const begin = rows.row_ptr[r], end = rows.row_ptr[r + 1];
    ids[k] = rows.ids[r];
    lengths[k] = end - begin;
    cols.insert(cols.end(), rows.col_idx.begin() + begin, rows.col_idx.begin() + end);
    vals.insert(vals.end(), rows.values.begin() + begin, rows.values.begin() + end);
  }

  // Counts, then the four arrays.
  std::vector<std::int64_t> send_counts(2 * size), recv_counts(2 * size);
  for (int p = 0; p < size; ++p)
  {
    send_counts[2 * p] = send_rows[p];
    send_counts[2 * p + 1] = send_nnz[p];
  }
  MPI_Alltoall(send_counts.data(), 2, MPI_INT64_T, recv_counts.data(), 2, MPI_INT64_T, comm);
  std::vector<std::int64_t> recv_rows(size), recv_nnz(size);
  for (int p = 0; p < size; ++p)
  {
    recv_rows[p] = recv_counts[2 * p];
    recv_nnz[p] = recv_counts[2 * p + 1];
  }
  RowBlock out;
  out.num_cols = rows.num_cols;
  out.ids = alltoallv(comm, MPI_INT64_T, ids, send_rows, recv_rows, "exchange_rows: row ids");
  auto const recv_lengths = alltoallv(comm, MPI_INT64_T, lengths, send_rows, recv_rows, "exchange_rows: rows");
  out.col_idx = alltoallv(comm, MPI_INT32_T, cols, send_nnz, recv_nnz, "exchange_rows: column indices");
  out.values = alltoallv(comm, MPI_FLOAT, vals, send_nnz, recv_nnz, "exchange_rows: values");
  out.row_ptr.assign(recv_lengths.size() + 1, 0);
  std::partial_sum(recv_lengths.begin(), recv_lengths.end(), out.row_ptr.begin() + 1);

  if (stats)
  {
    constexpr std::int64_t row_bytes = 2 * sizeof(std::int64_t), entry_bytes = sizeof(std::int32_t) + sizeof(float);
    ExchangeStats mine;
    for (int p = 0; p < size; ++p)
      if (p != rank)
      {
        mine.rows_sent += send_rows[p];
        mine.rows_received += recv_rows[p];
        mine.bytes_sent += send_rows[p] * row_bytes + send_nnz[p] * entry_bytes;
        mine.bytes_received += recv_rows[p] * row_bytes + recv_nnz[p] * entry_bytes;
      }
    mine.seconds = MPI_Wtime() - start;
    *stats += mine;
  }
  return out;
}

HostCsc broadcast_on(MPI_Comm comm, int root, HostCsc const &matrix)
{
  std::int64_t dims[3] = {matrix.num_rows(), matrix.num_cols(), matrix.nnz()};
  MPI_Bcast(dims, 3, MPI_INT64_T, root, comm);
  if (comm_rank(comm) == root)
  {
    MPI_Bcast(matrix.col_ptr().data(), as_count(dims[1] + 1, "broadcast: column pointers"), MPI_INT64_T, root, comm);
    MPI_Bcast(matrix.row_idx().data(), as_count(dims[2], "broadcast: row indices"), MPI_INT32_T, root, comm);
    MPI_Bcast(matrix.values().data(), as_count(dims[2], "broadcast: values"), MPI_FLOAT, root, comm);
    return matrix;
  }
  auto storage = impl::allocate_host_csc(dims[1], dims[2]);
  MPI_Bcast(storage.col_ptr.data(), as_count(dims[1] + 1, "broadcast: column pointers"), MPI_INT64_T, root, comm);
  MPI_Bcast(storage.row_idx.data(), as_count(dims[2], "broadcast: row indices"), MPI_INT32_T, root, comm);
  MPI_Bcast(storage.values.data(), as_count(dims[2], "broadcast: values"), MPI_FLOAT, root, comm);
  return HostCsc(static_cast<std::int32_t>(dims[0]), static_cast<std::int32_t>(dims[1]), storage.col_ptr,
                 storage.row_idx, storage.values);
}

std::optional<std::string> first_error_on(MPI_Comm comm, std::string const &local_error)
{
  int const size = comm_size(comm), rank = comm_rank(comm);
  int const mine = local_error.empty() ? size : rank;
  int failed = size;
  MPI_Allreduce(&mine, &failed, 1, MPI_INT, MPI_MIN, comm);
  if (failed == size)
    return std::nullopt;
  std::string message = local_error;
  int length = static_cast<int>(message.size());
  MPI_Bcast(&length, 1, MPI_INT, failed, comm);
  message.resize(length);
  MPI_Bcast(message.data(), length, MPI_CHAR, failed, comm);
  return "rank " + std::to_string(failed) + ": " + message;
}

} // namespace impl

using impl::as_count;
using impl::broadcast_on;
using impl::comm_rank;
using impl::comm_size;
using impl::exchange_rows_on;
using impl::first_error_on;

RowBlock exchange_rows(MPI_Comm caller, RowBlock const &rows, std::vector<int> const &destination, ExchangeStats *stats)
{
  return exchange_rows_on(impl::PrivateComm(caller), rows, destination, stats);
}

RowBlock scatter_rows(MPI_Comm caller, int root, HostCsc const &matrix, RowPartition partition, std::uint64_t seed,
                      ExchangeStats *stats)
{
  impl::PrivateComm const comm(caller);
  int const size = comm_size(comm), rank = comm_rank(comm);
  RowBlock all;
  std::vector<int> owners;
  impl::run_agreed(comm, rank == root, "dealing the input rows",
                   [&]
                   {
                     all = to_row_block(matrix);
                     owners = row_owners(all.num_rows(), size, partition, seed);
                   });
  MPI_Bcast(&all.num_cols, 1, MPI_INT64_T, root, comm);
  // Rows arrive from the root only, in its (ascending) order.
  return exchange_rows_on(comm, all, owners, stats);
}

HostCsc broadcast(MPI_Comm caller, int root, HostCsc const &matrix)
{
  return broadcast_on(impl::PrivateComm(caller), root, matrix);
}

std::optional<std::string> first_error(MPI_Comm caller, std::string const &local_error)
{
  return first_error_on(impl::PrivateComm(caller), local_error);
}

namespace impl
{

std::vector<HostCsc> read_own_layers(MPI_Comm comm, std::vector<std::string> const &layer_paths,
                                     std::int64_t num_neurons, ReadOptions const &options,
                                     std::function<void(int, ReadInfo const &)> const &on_layer)
{
  int const size = comm_size(comm), rank = comm_rank(comm);
  auto const num_layers = static_cast<int>(layer_paths.size());
  std::vector<HostCsc> layers(num_layers);
  std::string error;
  try
  {
    SDNN_USER_REQUIRE(num_neurons > 0, "the number of neurons must be positive, got " << num_neurons);
    for (int k = rank; k < num_layers; k += size)
    {
      ReadInfo info;
      layers[k] = read_matrix(layer_paths[k], num_neurons, num_neurons, options, &info);
      if (on_layer)
        on_layer(k + 1, info);
    }
  }
  catch (std::exception const &e)
  {
    error = e.what();
  }
  if (auto const failure = first_error_on(comm, error))
    throw InputError(*failure);
  return layers;
}

} // namespace impl

Network load_network(MPI_Comm caller, std::vector<std::string> const &layer_paths, std::int64_t num_neurons, float bias,
                     ReadOptions const &options, std::function<void(int, ReadInfo const &)> const &on_layer)
{
  impl::PrivateComm const comm(caller);
  int const size = comm_size(comm);
  Network network;
  network.num_neurons = num_neurons;
  network.bias = bias;
  network.layers = impl::read_own_layers(comm, layer_paths, num_neurons, options, on_layer);
  for (std::size_t k = 0; k < network.layers.size(); ++k)
    network.layers[k] = broadcast_on(comm, static_cast<int>(k) % size, network.layers[k]);
  return network;
}

template <class ExecutionSpace>
InferenceResult infer_distributed(MPI_Comm caller, int root, ExecutionSpace const &space, RowBlock rows,
                                  PreparedNetwork const &network, DistributedOptions const &options,
                                  DistributedReport *report)
{
  impl::PrivateComm const comm(caller);
  double const start = MPI_Wtime();
  int const size = comm_size(comm), rank = comm_rank(comm);
  SDNN_REQUIRE(root >= 0 && root < size, "root " << root << " is not a rank of the communicator (" << size << ")");
  SDNN_REQUIRE(options.rebalance_every >= 0, "rebalance_every must be >= 0, got " << options.rebalance_every);
  SDNN_REQUIRE(options.rebalance_threshold >= 1.0,
               "rebalance_threshold must be >= 1, got " << options.rebalance_threshold);
  int const num_layers = network.num_layers();
  int const every = options.rebalance_every > 0 ? options.rebalance_every : std::max(num_layers, 1);

  RankReport mine;
  mine.rank = rank;
  mine.rows_start = rows.num_rows();
  mine.work.parallelism = name(options.node.parallelism);
  std::vector<std::int64_t> stats(2 * num_layers, 0); // active rows, then nnz, per layer
  int checks = 0, rebalances = 0;

  drop_empty_rows(rows); // rows without a nonzero never come back to life
  InferenceOptions node = options.node;
  node.keep_activations = true; // the surviving rows carry on to the next segment
  RowInferenceResult result;    // its arrays and the rows' trade places every segment: allocated once, not every time
  for (int first = 0; first < num_layers; first += every)
  {
    int const last = std::min(num_layers, first + every);
    if (options.node.progress)
      node.progress = [&, first, last](std::int64_t done, std::int64_t total)
      {
        // Layers done on this rank, in thousandths.
        options.node.progress(1000 * first + (1000 * (last - first) * done) / std::max<std::int64_t>(total, 1),
                              1000 * std::int64_t(num_layers));
      };
    double const compute_start = MPI_Wtime();
    WorkReport work;
    infer(space, rows, network, node, result, &work, {first, last});
    mine.compute_seconds += MPI_Wtime() - compute_start;
    accumulate(mine.work, work);
    mine.row_layers += rows.num_rows();
    for (int l = first; l < last; ++l)
    {
      auto const &s = result.layers[l - first];
      stats[l] = s.active_rows;
      stats[num_layers + l] = s.nnz;
      if (l + 1 < last)
        mine.row_layers += s.active_rows;
    }
    std::swap(rows, result.survivors);

    if (options.rebalance_every > 0 && last < num_layers)
    {
      double const comm_start = MPI_Wtime();
      ++checks;
      std::int64_t const live = rows.num_rows();
      std::vector<std::int64_t> counts(size);
      MPI_Allgather(&live, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm);
      double const total = std::accumulate(counts.begin(), counts.end(), 0.0);
      double const max = static_cast<double>(*std::max_element(counts.begin(), counts.end()));
      if (total > 0 && max * size / total > options.rebalance_threshold)
      {
        ++rebalances;
        auto const plan = migration_plan(counts);
        // Keep the leading rows, send the trailing ones to the ranks the plan names.
        std::vector<int> destination(live, rank);
        std::int64_t position = live;
        for (int to = size - 1; to >= 0; --to)
          for (std::int64_t k = 0; k < plan[rank * size + to]; ++k)
            destination[--position] = to;
        rows = exchange_rows_on(comm, rows, destination, &mine.exchange);
      }
      mine.comm_seconds += MPI_Wtime() - comm_start;
    }
  }

  // Categories (and, when kept, the survivors' activations) to the root, per-layer figures to everyone.
  InferenceResult out;
  if (options.node.keep_activations)
  {
    std::int64_t total_rows = mine.rows_start;
    MPI_Allreduce(MPI_IN_PLACE, &total_rows, 1, MPI_INT64_T, MPI_SUM, comm);
    auto const survivors = exchange_rows_on(comm, rows, std::vector<int>(rows.num_rows(), root), nullptr);
    if (rank == root)
      out.activations = to_csr(survivors, total_rows);
  }
  int const count = as_count(rows.num_rows(), "categories");
  std::vector<int> counts(size), displs(size, 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm);
  if (rank == root)
  {
    std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
    out.categories.resize(static_cast<std::size_t>(displs.back()) + counts.back());
  }
  MPI_Gatherv(rows.ids.data(), count, MPI_INT64_T, out.categories.data(), counts.data(), displs.data(), MPI_INT64_T,
              root, comm);
  std::sort(out.categories.begin(), out.categories.end());
  MPI_Allreduce(MPI_IN_PLACE, stats.data(), static_cast<int>(stats.size()), MPI_INT64_T, MPI_SUM, comm);
  for (int l = 0; l < num_layers; ++l)
    out.layers.push_back({l + 1, stats[l], stats[num_layers + l]});

  mine.rows_end = rows.num_rows();
  mine.seconds = MPI_Wtime() - start;
  if (report)
  {
    report->ranks = impl::allgather_reports(comm, mine);
    report->checks = checks;
    report->rebalances = rebalances;
  }
  return out;
}

#define SDNN_INFER_DISTRIBUTED_INSTANTIATE(SPACE)                                                                      \
  template InferenceResult infer_distributed<SPACE>(MPI_Comm, int, SPACE const &, RowBlock, PreparedNetwork const &,   \
                                                    DistributedOptions const &, DistributedReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_DISTRIBUTED_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_DISTRIBUTED_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_DISTRIBUTED_INSTANTIATE(Kokkos::Threads)
#endif
#undef SDNN_INFER_DISTRIBUTED_INSTANTIATE

} // namespace sdnn
