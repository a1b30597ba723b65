// load_network_columns(): a partitioned network loaded so that each rank receives only its columns.
#include <Sdnn_Error.hpp>
#include <Sdnn_ModelParallel.hpp>

#include "../impl/Sdnn_Collectives.hpp"
#include "../impl/Sdnn_HostCscStorage.hpp"
#include "../impl/Sdnn_PrivateComm.hpp"

namespace sdnn
{

namespace
{

/// The columns of `w` as rows (row j: the row indices and values of column j), once per data group, with the
/// rank each copy goes to: group g's copy of column j to rank g · M + owner[j].
RowBlock columns_to_deal(HostCsc const &w, std::vector<std::int32_t> const &owner, int groups, int model_ranks,
                         std::vector<int> &destination)
{
  auto const col_ptr = w.col_ptr();
  auto const row_idx = w.row_idx();
  auto const values = w.values();
  RowBlock out;
  out.num_cols = w.num_rows();
  for (int g = 0; g < groups; ++g)
    for (std::int32_t j = 0; j < w.num_cols(); ++j)
    {
      out.ids.push_back(j);
      for (auto k = col_ptr(j); k < col_ptr(j + 1); ++k)
      {
        out.col_idx.push_back(row_idx(k));
        out.values.push_back(values(k));
      }
      out.row_ptr.push_back(static_cast<std::int64_t>(out.col_idx.size()));
      destination.push_back(g * model_ranks + owner[j]);
    }
  return out;
}

/// An n × n matrix holding the columns `columns` (rows: column ids, ascending) and no others.
HostCsc from_columns(RowBlock const &columns, std::int64_t n)
{
  auto storage = impl::allocate_host_csc(n, columns.nnz());
  for (std::int64_t j = 0; j <= n; ++j)
    storage.col_ptr(j) = 0;
  for (std::int64_t c = 0; c < columns.num_rows(); ++c)
    storage.col_ptr(columns.ids[c] + 1) = columns.row_ptr[c + 1] - columns.row_ptr[c];
  for (std::int64_t j = 0; j < n; ++j)
    storage.col_ptr(j + 1) += storage.col_ptr(j);
  for (std::int64_t c = 0; c < columns.num_rows(); ++c)
  {
    auto e = storage.col_ptr(columns.ids[c]);
    for (auto k = columns.row_ptr[c]; k < columns.row_ptr[c + 1]; ++k, ++e)
    {
      storage.row_idx(e) = columns.col_idx[k];
      storage.values(e) = columns.values[k];
    }
  }
  return HostCsc(static_cast<std::int32_t>(n), static_cast<std::int32_t>(n), storage.col_ptr, storage.row_idx,
                 storage.values);
}

} // namespace

Network load_network_columns(MPI_Comm caller, std::vector<std::string> const &layer_paths,
                             NetworkPartition const &partition, float bias, ReadOptions const &options,
                             std::function<void(int, ReadInfo const &)> const &on_layer)
{
  impl::PrivateComm const comm(caller);
  int const size = impl::comm_size(comm);
  int const m = partition.num_parts;
  auto const num_layers = static_cast<int>(layer_paths.size());
  std::string error;
  try
  {
    check_partition_fits(partition, partition.num_neurons, num_layers);
    SDNN_REQUIRE(size % m == 0, size << " ranks cannot form groups of " << m << " model ranks");
  }
  catch (std::logic_error const &e)
  {
    error = e.what();
  }
  if (auto const failure = impl::first_error_on(comm, error))
    throw std::logic_error("load_network_columns: " + *failure);

  Network network;
  network.num_neurons = partition.num_neurons;
  network.bias = bias;
  network.layers = impl::read_own_layers(comm, layer_paths, partition.num_neurons, options, on_layer);
  // Layer by layer, its reader deals the columns; each rank then holds one full layer at most at a time beyond
  // the ones it read.
  for (int k = 0; k < num_layers; ++k)
  {
    std::vector<int> destination;
    RowBlock deal;
    if (k % size == impl::comm_rank(comm))
      deal = columns_to_deal(network.layers[k], partition.owner[k + 1], size / m, m, destination);
    network.layers[k] = HostCsc(); // the reader's whole layer, freed before its columns arrive
    network.layers[k] = from_columns(impl::exchange_rows_on(comm, deal, destination, nullptr), partition.num_neurons);
  }
  return network;
}

} // namespace sdnn
