// NetworkShare: a rank's columns of a partitioned network and the plans of its activation exchanges.
#include <Sdnn_Error.hpp>
#include <Sdnn_ModelParallel.hpp>

#include "../impl/Sdnn_Checksum.hpp"
#include "../impl/Sdnn_Collectives.hpp"
#include "../impl/Sdnn_HostCscStorage.hpp"
#include "Sdnn_NetworkShareData.hpp"

#include <algorithm>
#include <numeric>

namespace sdnn
{

namespace
{

/// The neurons of `owner` (one layer) that belong to `part`, ascending.
std::vector<std::int32_t> owned_by(std::vector<std::int32_t> const &owner, int part)
{
  std::vector<std::int32_t> out;
  for (std::size_t j = 0; j < owner.size(); ++j)
    if (owner[j] == part)
      out.push_back(static_cast<std::int32_t>(j));
  return out;
}

/// The rows read by the columns `columns` of `w`, ascending.
std::vector<std::int32_t> rows_read(HostCsc const &w, std::vector<std::int32_t> const &columns)
{
  std::vector<char> read(w.num_rows(), 0);
  auto const col_ptr = w.col_ptr();
  auto const row_idx = w.row_idx();
  for (auto const j : columns)
    for (auto k = col_ptr(j); k < col_ptr(j + 1); ++k)
      read[row_idx(k)] = 1;
  std::vector<std::int32_t> out;
  for (std::int32_t i = 0; i < w.num_rows(); ++i)
    if (read[i])
      out.push_back(i);
  return out;
}

/// The columns `columns` of `w` as a k × k matrix: rows renumbered by `row_position` (ascending order kept, so each
/// column sums in the order it does in `w`), then empty columns up to k.
HostCsc local_layer(HostCsc const &w, std::vector<std::int32_t> const &columns,
                    std::vector<std::int32_t> const &row_position, std::int64_t k)
{
  auto const col_ptr = w.col_ptr();
  auto const row_idx = w.row_idx();
  auto const values = w.values();
  std::int64_t nnz = 0;
  for (auto const j : columns)
    nnz += col_ptr(j + 1) - col_ptr(j);
  auto storage = impl::allocate_host_csc(k, nnz);
  std::int64_t e = 0;
  storage.col_ptr(0) = 0;
  for (std::size_t c = 0; c < columns.size(); ++c)
  {
    for (auto q = col_ptr(columns[c]); q < col_ptr(columns[c] + 1); ++q, ++e)
    {
      storage.row_idx(e) = row_position[row_idx(q)];
      storage.values(e) = values(q);
    }
    storage.col_ptr(c + 1) = e;
  }
  for (auto c = static_cast<std::int64_t>(columns.size()); c < k; ++c)
    storage.col_ptr(c + 1) = e;
  return HostCsc(static_cast<std::int32_t>(k), static_cast<std::int32_t>(k), storage.col_ptr, storage.row_idx,
                 storage.values);
}

} // namespace

NetworkShare::Data::~Data()
{
  if (model != MPI_COMM_NULL)
    MPI_Comm_free(&model);
  if (world != MPI_COMM_NULL)
    MPI_Comm_free(&world);
}

NetworkShare::NetworkShare(MPI_Comm comm, NetworkPartition const &partition, std::vector<HostCsc> const &layers,
                           float bias)
{
  auto data = std::make_shared<Data>();
  MPI_Comm_dup(comm, &data->world);
  int const size = impl::comm_size(data->world), rank = impl::comm_rank(data->world);
  int const num_layers = static_cast<int>(layers.size());
  std::int64_t const n = partition.num_neurons;
  int const m = partition.num_parts;
  // Checked on every rank and agreed: a rank that threw alone would leave the others waiting in a collective.
  std::string error;
  try
  {
    check_partition_fits(partition, n, num_layers);
    for (int l = 0; l < num_layers; ++l)
      SDNN_REQUIRE(layers[l].num_rows() == n && layers[l].num_cols() == n,
                   "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols()
                            << ", the partition has N = " << n);
    SDNN_REQUIRE(size % m == 0, size << " ranks cannot form groups of " << m << " model ranks");
  }
  catch (std::logic_error const &e)
  {
    error = e.what();
  }
  // The same partition on every rank (the exchange plans pair one rank's requests with another's owners).
  std::uint64_t hash = impl::checksum(&m, sizeof m);
  for (auto const &owners : partition.owner)
    hash = impl::checksum(owners.data(), owners.size() * sizeof(std::int32_t), hash);
  std::uint64_t low = hash, high = hash;
  MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_UINT64_T, MPI_MIN, data->world);
  MPI_Allreduce(MPI_IN_PLACE, &high, 1, MPI_UINT64_T, MPI_MAX, data->world);
  if (error.empty() && low != high)
    error = "the ranks were given different partitions (every rank must pass the same one)";
  if (auto const failure = impl::first_error_on(data->world, error))
    throw std::logic_error("NetworkShare: " + *failure);
  data->model_ranks = m;
  data->groups = size / m;
  data->group = rank / m;
  data->model_rank = rank % m;
  MPI_Comm_split(data->world, data->group, data->model_rank, &data->model);
  data->partition = partition;

  for (int l = 0; l <= num_layers; ++l)
    data->owned.push_back(owned_by(partition.owner[l], data->model_rank));
  std::int64_t k = 1;
  for (int l = 1; l <= num_layers; ++l)
  {
    data->needed.push_back(rows_read(layers[l - 1], data->owned[l]));
    k = std::max<std::int64_t>(
        {k, static_cast<std::int64_t>(data->needed.back().size()), static_cast<std::int64_t>(data->owned[l].size())});
  }
  std::vector<HostCsc> local;
  data->predicted_columns.assign(num_layers, 0);
  for (int l = 1; l <= num_layers; ++l)
  {
    auto const &needed = data->needed[l - 1];
    local.push_back(local_layer(layers[l - 1], data->owned[l], positions(needed, n), k));
    auto const &w = local.back();
    data->weight_bytes += (w.num_cols() + 1) * static_cast<std::int64_t>(sizeof(std::int64_t)) +
                          w.nnz() * static_cast<std::int64_t>(sizeof(std::int32_t) + sizeof(float));
    std::vector<std::int32_t> row_nnz(needed.size(), 0);
    for (std::int64_t e = 0; e < w.nnz(); ++e)
      ++row_nnz[w.row_idx()(e)];
    data->row_nnz.push_back(std::move(row_nnz));
    data->plans.push_back(exchange_plan(data->model, partition.owner[l - 1], data->owned[l - 1], needed));
    auto const &plan = data->plans.back();
    data->predicted_columns[l - 1] = std::accumulate(plan.send_count.begin(), plan.send_count.end(), std::int64_t(0));
  }
  MPI_Allreduce(MPI_IN_PLACE, data->predicted_columns.data(), num_layers, MPI_INT64_T, MPI_SUM, data->model);
  data->local = PreparedNetwork(std::move(local), bias);
  m_data = std::move(data);
}

int NetworkShare::model_ranks() const
{
  return m_data->model_ranks;
}

int NetworkShare::groups() const
{
  return m_data->groups;
}

int NetworkShare::group() const
{
  return m_data->group;
}

int NetworkShare::model_rank() const
{
  return m_data->model_rank;
}

int NetworkShare::num_layers() const
{
  return m_data->partition.num_layers();
}

std::int64_t NetworkShare::num_neurons() const
{
  return m_data->partition.num_neurons;
}

NetworkPartition const &NetworkShare::partition() const
{
  return m_data->partition;
}

std::int64_t NetworkShare::weight_bytes() const
{
  return m_data->weight_bytes;
}

std::vector<std::int64_t> const &NetworkShare::predicted_columns() const
{
  return m_data->predicted_columns;
}

RowBlock scatter_rows(int root, HostCsc const &matrix, NetworkShare const &share, RowPartition partition,
                      std::uint64_t seed)
{
  auto const &data = share.data();
  int const size = impl::comm_size(data.world), rank = impl::comm_rank(data.world);
  SDNN_REQUIRE(root >= 0 && root < size, "root " << root << " is not a rank of the communicator (" << size << ")");
  RowBlock copies; // on the root: every row once per model rank, restricted to that rank's features
  std::vector<int> destination;
  impl::run_agreed(data.world, rank == root, "dealing the input rows",
                   [&]
                   {
                     SDNN_REQUIRE(matrix.num_cols() == share.num_neurons(),
                                  "the inputs have " << matrix.num_cols()
                                                     << " columns, the network N = " << share.num_neurons());
                     auto const all = to_row_block(matrix);
                     auto const group = row_owners(all.num_rows(), data.groups, partition, seed);
                     auto const &feature_owner = data.partition.owner[0];
                     copies.num_cols = all.num_cols;
                     for (std::int64_t r = 0; r < all.num_rows(); ++r)
                       for (int m = 0; m < data.model_ranks; ++m)
                       {
                         copies.ids.push_back(all.ids[r]);
                         for (auto e = all.row_ptr[r]; e < all.row_ptr[r + 1]; ++e)
                           if (feature_owner[all.col_idx[e]] == m)
                           {
                             copies.col_idx.push_back(all.col_idx[e]);
                             copies.values.push_back(all.values[e]);
                           }
                         copies.row_ptr.push_back(static_cast<std::int64_t>(copies.col_idx.size()));
                         destination.push_back(group[r] * data.model_ranks + m);
                       }
                   });
  MPI_Bcast(&copies.num_cols, 1, MPI_INT64_T, root, data.world);
  return impl::exchange_rows_on(data.world, copies, destination, nullptr);
}

} // namespace sdnn
