// infer_model_parallel(): per layer, the activation exchange, the local multiply with a single-node mode, and the
// group's agreement on the live rows.
#include <Sdnn_Error.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_ModelParallel.hpp>

#include "../impl/Sdnn_Checksum.hpp"
#include "../impl/Sdnn_Collectives.hpp"
#include "../impl/Sdnn_ReportGather.hpp"
#include "Sdnn_ActivationExchange.hpp"
#include "Sdnn_NetworkShareData.hpp"

#include <algorithm>
#include <numeric>
#include <sstream>

namespace sdnn
{

namespace
{

/// Why this rank's rows cannot enter the inference (empty if they can): columns it does not own, or rows that
/// differ from the other ranks of its group.
std::string check_rows(NetworkShare::Data const &data, RowBlock const &rows)
{
  std::ostringstream error;
  auto const &feature_owner = data.partition.owner[0];
  if (rows.num_cols != data.partition.num_neurons)
    error << "the rows have " << rows.num_cols << " columns, the network N = " << data.partition.num_neurons;
  else
    for (auto const c : rows.col_idx)
      if (c < 0 || c >= rows.num_cols || feature_owner[c] != data.model_rank)
      {
        error << "the rows hold feature " << c << ", which model rank " << data.model_rank
              << " does not own (scatter_rows gives each rank its features)";
        break;
      }
  // The same rows on every rank of the group: count and a hash of the ids agree.
  auto const hash = impl::checksum(rows.ids.data(), rows.ids.size() * sizeof(std::int64_t));
  std::int64_t mine[2] = {rows.num_rows(), static_cast<std::int64_t>(hash >> 1)}, low[2], high[2];
  MPI_Allreduce(mine, low, 2, MPI_INT64_T, MPI_MIN, data.model);
  MPI_Allreduce(mine, high, 2, MPI_INT64_T, MPI_MAX, data.model);
  if (error.tellp() == 0 && (low[0] != high[0] || low[1] != high[1]))
    error << "the ranks of data group " << data.group << " hold different rows (" << low[0] << " to " << high[0]
          << "): each must pass what scatter_rows gave it";
  return error.str();
}

/// The group agrees on the rows alive after a layer: an OR of every rank's bitmap of rows with a nonzero (skipped
/// for a single model rank). `survivors` (ids: positions among `ids`, ascending) becomes this rank's share of the
/// next Y over the live rows (empty rows included, ids renumbered), and `ids` the live rows' global ids.
void agree_on_live_rows(MPI_Comm model, int model_ranks, RowBlock &survivors, std::vector<std::int64_t> &ids)
{
  auto const rows = static_cast<std::int64_t>(ids.size());
  std::vector<std::uint64_t> live((rows + 63) / 64, 0);
  for (auto const r : survivors.ids)
    live[r / 64] |= std::uint64_t(1) << (r % 64);
  if (model_ranks > 1)
    MPI_Allreduce(MPI_IN_PLACE, live.data(), static_cast<int>(live.size()), MPI_UINT64_T, MPI_BOR, model);
  RowBlock next;
  next.num_cols = survivors.num_cols;
  std::vector<std::int64_t> next_ids;
  next.col_idx = std::move(survivors.col_idx);
  next.values = std::move(survivors.values);
  std::size_t k = 0; // next survivor
  for (std::int64_t r = 0; r < rows; ++r)
  {
    if (!(live[r / 64] >> (r % 64) & 1))
      continue;
    bool const mine = k < survivors.ids.size() && survivors.ids[k] == r;
    next.ids.push_back(static_cast<std::int64_t>(next_ids.size()));
    next.row_ptr.push_back(mine ? survivors.row_ptr[++k] : next.row_ptr.back());
    next_ids.push_back(ids[r]);
  }
  survivors = std::move(next);
  ids = std::move(next_ids);
}

/// This rank's columns of the final Y, rows and columns in global numbering, gathered on `root` into rows × N.
HostCsr gather_activations(MPI_Comm world, int root, std::int64_t num_rows, std::int64_t n, RowBlock const &y,
                           std::vector<std::int64_t> const &ids, std::vector<std::int32_t> const &owned)
{
  std::vector<std::int64_t> rows_of;
  std::vector<std::int32_t> cols;
  for (std::int64_t k = 0; k < y.num_rows(); ++k)
    for (auto e = y.row_ptr[k]; e < y.row_ptr[k + 1]; ++e)
    {
      rows_of.push_back(ids[k]);
      cols.push_back(owned[y.col_idx[e]]);
    }
  int const size = impl::comm_size(world), rank = impl::comm_rank(world);
  int const count = impl::as_count(static_cast<std::int64_t>(cols.size()), "final activations");
  std::vector<int> counts(size), displs(size, 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, world);
  std::int64_t total = 0;
  if (rank == root)
  {
    std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
    total = static_cast<std::int64_t>(displs.back()) + counts.back();
  }
  std::vector<std::int64_t> all_rows(total);
  std::vector<std::int32_t> all_cols(total);
  std::vector<float> all_values(total);
  MPI_Gatherv(rows_of.data(), count, MPI_INT64_T, all_rows.data(), counts.data(), displs.data(), MPI_INT64_T, root,
              world);
  MPI_Gatherv(cols.data(), count, MPI_INT32_T, all_cols.data(), counts.data(), displs.data(), MPI_INT32_T, root, world);
  MPI_Gatherv(y.values.data(), count, MPI_FLOAT, all_values.data(), counts.data(), displs.data(), MPI_FLOAT, root,
              world);
  HostCsr out;
  if (rank != root)
    return out;
  out.num_rows = num_rows;
  out.num_cols = n;
  // Entries sorted by (row, column).
  std::vector<std::int64_t> order(total);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::int64_t a, std::int64_t b)
            { return all_rows[a] != all_rows[b] ? all_rows[a] < all_rows[b] : all_cols[a] < all_cols[b]; });
  out.row_ptr.assign(num_rows + 1, 0);
  for (auto const r : all_rows)
    ++out.row_ptr[r + 1];
  std::partial_sum(out.row_ptr.begin(), out.row_ptr.end(), out.row_ptr.begin());
  for (auto const e : order)
  {
    out.col_idx.push_back(all_cols[e]);
    out.values.push_back(all_values[e]);
  }
  return out;
}

} // namespace

template <class ExecutionSpace>
InferenceResult infer_model_parallel(int root, ExecutionSpace const &space, RowBlock const &rows,
                                     NetworkShare const &share, ModelParallelOptions const &options,
                                     ModelParallelReport *report)
{
  auto const &data = share.data();
  MPI_Comm const world = data.world, model = data.model;
  double const start = MPI_Wtime();
  int const size = impl::comm_size(world), rank = impl::comm_rank(world);
  SDNN_REQUIRE(root >= 0 && root < size, "root " << root << " is not a rank of the communicator (" << size << ")");
  if (auto const failure = impl::first_error_on(world, check_rows(data, rows)))
    throw std::logic_error("infer_model_parallel: " + *failure);
  int const num_layers = share.num_layers();
  std::int64_t const n = share.num_neurons();
  std::int64_t const k = data.local.num_neurons();
  std::int64_t num_rows = rows.ids.empty() ? 0 : *std::max_element(rows.ids.begin(), rows.ids.end()) + 1;
  MPI_Allreduce(MPI_IN_PLACE, &num_rows, 1, MPI_INT64_T, MPI_MAX, world);

  ModelRankReport mine;
  mine.rank = rank;
  mine.group = data.group;
  mine.model_rank = data.model_rank;
  mine.weight_bytes = data.weight_bytes;
  mine.node.parallelism = name(options.node.parallelism);
  for (auto *field : {&mine.columns_sent, &mine.values_sent, &mine.words_sent, &mine.words_received,
                      &mine.messages_sent, &mine.messages_received, &mine.work})
    field->assign(num_layers, 0);
  std::vector<std::int64_t> stats(2 * num_layers, 0); // active rows (counted by model rank 0), then nnz, per layer

  // This rank's columns of Y_0, numbered by owned feature, over the group's rows; then the rows alive anywhere.
  RowBlock y = rows;
  auto const feature_position = positions(data.owned[0], n);
  for (auto &c : y.col_idx)
    c = feature_position[c];
  y.num_cols = static_cast<std::int64_t>(data.owned[0].size());
  std::vector<std::int64_t> ids = rows.ids;
  {
    double const agree_start = MPI_Wtime();
    for (std::int64_t r = 0; r < y.num_rows(); ++r)
      y.ids[r] = r;
    RowBlock nonempty = y;
    drop_empty_rows(nonempty);
    agree_on_live_rows(model, data.model_ranks, nonempty, ids);
    y = std::move(nonempty);
    mine.agree_seconds += MPI_Wtime() - agree_start;
  }

  InferenceOptions node = options.node;
  node.keep_activations = true; // the local columns of Y carry on to the next layer
  impl::ActivationExchange exchange(model);
  RowInferenceResult result; // its arrays and y's trade places every layer: allocated once, not faulted in again
  for (int l = 1; l <= num_layers; ++l)
  {
    if (options.node.progress)
      node.progress = [&, l](std::int64_t done, std::int64_t total)
      {
        options.node.progress(1000 * (l - 1) + (1000 * done) / std::max<std::int64_t>(total, 1),
                              1000 * std::int64_t(num_layers));
      };
    double const exchange_start = MPI_Wtime();
    impl::LayerTraffic traffic;
    auto const &input = exchange(space, data.plans[l - 1], data.row_nnz[l - 1], y, k, traffic);
    double const compute_start = MPI_Wtime();
    mine.exchange_seconds += compute_start - exchange_start;
    WorkReport work;
    infer(space, input, data.local, node, result, &work, {l - 1, l});
    double const agree_start = MPI_Wtime();
    mine.compute_seconds += agree_start - compute_start;
    accumulate(mine.node, work);
    stats[num_layers + l - 1] = result.survivors.nnz();
    agree_on_live_rows(model, data.model_ranks, result.survivors, ids);
    std::swap(y, result.survivors);
    mine.agree_seconds += MPI_Wtime() - agree_start;
    stats[l - 1] = data.model_rank == 0 ? static_cast<std::int64_t>(ids.size()) : 0;
    mine.columns_sent[l - 1] = traffic.columns_sent;
    mine.values_sent[l - 1] = traffic.values_sent;
    mine.words_sent[l - 1] = traffic.words_sent;
    mine.words_received[l - 1] = traffic.words_received;
    mine.messages_sent[l - 1] = traffic.messages_sent;
    mine.messages_received[l - 1] = traffic.messages_received;
    mine.work[l - 1] = traffic.work;
  }

  // Categories (from model rank 0 of each group) to the root, per-layer figures to everyone.
  InferenceResult out;
  int const count = data.model_rank == 0 ? impl::as_count(static_cast<std::int64_t>(ids.size()), "categories") : 0;
  std::vector<int> counts(size), displs(size, 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, world);
  if (rank == root)
  {
    std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
    out.categories.resize(static_cast<std::size_t>(displs.back()) + counts.back());
  }
  MPI_Gatherv(ids.data(), count, MPI_INT64_T, out.categories.data(), counts.data(), displs.data(), MPI_INT64_T, root,
              world);
  std::sort(out.categories.begin(), out.categories.end());
  MPI_Allreduce(MPI_IN_PLACE, stats.data(), static_cast<int>(stats.size()), MPI_INT64_T, MPI_SUM, world);
  for (int l = 0; l < num_layers; ++l)
    out.layers.push_back({l + 1, stats[l], stats[num_layers + l]});
  if (options.node.keep_activations)
    out.activations = gather_activations(world, root, num_rows, n, y, ids, data.owned[num_layers]);

  mine.seconds = MPI_Wtime() - start;
  if (report)
  {
    report->model_ranks = data.model_ranks;
    report->groups = data.groups;
    report->predicted_columns = data.predicted_columns;
    report->ranks = impl::allgather_reports(world, mine);
  }
  return out;
}

#define SDNN_INFER_MODEL_PARALLEL_INSTANTIATE(SPACE)                                                                   \
  template InferenceResult infer_model_parallel<SPACE>(int, SPACE const &, RowBlock const &, NetworkShare const &,     \
                                                       ModelParallelOptions const &, ModelParallelReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_MODEL_PARALLEL_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_MODEL_PARALLEL_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_MODEL_PARALLEL_INSTANTIATE(Kokkos::Threads)
#endif
#undef SDNN_INFER_MODEL_PARALLEL_INSTANTIATE

} // namespace sdnn
