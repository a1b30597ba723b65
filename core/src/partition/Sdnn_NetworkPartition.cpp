#include <Sdnn_Error.hpp>
#include <Sdnn_Hash.hpp>
#include <Sdnn_NetworkPartition.hpp>

#include "../impl/Sdnn_NameTable.hpp"
#include "Sdnn_LayerCut.hpp"

#include <algorithm>
#include <numeric>

namespace sdnn
{

namespace
{
constexpr impl::Names<NetworkPartitioner> partitioner_names[] = {{NetworkPartitioner::block, "block"},
                                                                 {NetworkPartitioner::hashed, "hashed"},
                                                                 {NetworkPartitioner::hypergraph, "hypergraph"}};
} // namespace

std::string name(NetworkPartitioner partitioner)
{
  return impl::name_of(partitioner_names, partitioner);
}

std::optional<NetworkPartitioner> parse_network_partitioner(std::string const &text)
{
  return impl::parse_name(partitioner_names, text);
}

std::vector<NetworkPartitioner> all_network_partitioners()
{
  return impl::values_of(partitioner_names);
}

bool partitioner_available(NetworkPartitioner partitioner)
{
  return partitioner != NetworkPartitioner::hypergraph || SDNN_ENABLE_ZOLTAN;
}

NetworkPartition simple_network_partition(NetworkPartitioner partitioner, std::int64_t num_neurons, int num_layers,
                                          int num_parts, std::uint64_t seed)
{
  SDNN_REQUIRE(partitioner != NetworkPartitioner::hypergraph, "hypergraph partitions come from hypergraph_partition");
  SDNN_REQUIRE(num_parts >= 1 && num_neurons >= 1 && num_layers >= 0, "cannot cut " << num_layers << " layers of "
                                                                                    << num_neurons << " neurons into "
                                                                                    << num_parts << " parts");
  auto const owners =
      row_owners(num_neurons, num_parts,
                 partitioner == NetworkPartitioner::hashed ? RowPartition::hashed : RowPartition::block, seed);
  NetworkPartition partition;
  partition.num_parts = num_parts;
  partition.num_neurons = num_neurons;
  partition.owner.assign(num_layers + 1, std::vector<std::int32_t>(owners.begin(), owners.end()));
  return partition;
}

std::int64_t PartitionQuality::total_volume() const
{
  return std::accumulate(volume.begin(), volume.end(), std::int64_t(0));
}

double PartitionQuality::max_imbalance() const
{
  return imbalance.empty() ? 1.0 : *std::max_element(imbalance.begin(), imbalance.end());
}

void check_partition_fits(NetworkPartition const &partition, std::int64_t num_neurons, int num_layers)
{
  int const parts = partition.num_parts;
  SDNN_REQUIRE(partition.num_neurons == num_neurons,
               "the partition is for N = " << partition.num_neurons << ", the network has N = " << num_neurons);
  SDNN_REQUIRE(partition.num_layers() == num_layers,
               "the partition has " << partition.num_layers() << " layers, the network " << num_layers);
  SDNN_REQUIRE(parts >= 1, "a partition into " << parts << " parts");
  for (int l = 0; l <= num_layers; ++l)
  {
    auto const &owner = partition.owner[l];
    SDNN_REQUIRE(static_cast<std::int64_t>(owner.size()) == num_neurons,
                 "layer " << l << " of the partition has " << owner.size() << " neurons, not " << num_neurons);
    SDNN_REQUIRE(std::all_of(owner.begin(), owner.end(), [&](std::int32_t p) { return p >= 0 && p < parts; }),
                 "layer " << l << " of the partition names a part outside 0.." << parts - 1);
  }
}

PartitionQuality evaluate_partition(NetworkPartition const &partition, std::vector<HostCsc> const &layers)
{
  std::int64_t const n = partition.num_neurons;
  int const parts = partition.num_parts;
  int const num_layers = static_cast<int>(layers.size());
  check_partition_fits(partition, n, num_layers);
  PartitionQuality quality;
  quality.work.assign(static_cast<std::size_t>(num_layers) * parts, 0);
  quality.weight_bytes.assign(parts, 0);
  for (int l = 1; l <= num_layers; ++l)
  {
    auto const &w = layers[l - 1];
    SDNN_REQUIRE(w.num_rows() == n && w.num_cols() == n,
                 "layer " << l << " is " << w.num_rows() << " x " << w.num_cols() << ", the partition has N = " << n);
    auto const cut = impl::layer_cut(w, partition.owner[l - 1], partition.owner[l], parts);
    quality.volume.push_back(cut.volume);
    quality.imbalance.push_back(cut.imbalance());
    std::copy(cut.work.begin(), cut.work.end(), quality.work.begin() + static_cast<std::ptrdiff_t>(l - 1) * parts);
    for (std::int64_t j = 0; j < n; ++j)
      quality.weight_bytes[partition.owner[l][j]] +=
          (w.col_ptr()(j + 1) - w.col_ptr()(j)) * static_cast<std::int64_t>(sizeof(float) + sizeof(std::int32_t)) +
          static_cast<std::int64_t>(sizeof(std::int64_t));
  }
  return quality;
}

#if SDNN_ENABLE_MPI && !SDNN_ENABLE_ZOLTAN
NetworkPartition hypergraph_partition(MPI_Comm, std::vector<HostCsc> const &, int, HypergraphOptions const &)
{
  throw InputError("this build of sdnn has no hypergraph partitioner (configure with -DSdnn_ENABLE_ZOLTAN=ON and "
                   "Zoltan installed)");
}
#endif

} // namespace sdnn
