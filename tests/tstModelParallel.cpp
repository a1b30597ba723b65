// Model-parallel and 2D inference on 1, 2 and 4 ranks (ctest runs this suite under mpirun): for every partitioner,
// every M dividing the ranks and every single-node mode, the categories, per-layer figures and final activations
// are bit for bit the reference's, and the columns sent are the partition's cut; a small network whose traffic is
// counted by hand; the weights a rank stores; bad arguments on every rank.
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <numeric>

namespace
{

using sdnn::NetworkPartitioner;

int world_rank()
{
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size()
{
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

/// The partition of `layers` into `parts` by `partitioner` (hypergraph: collective over MPI_COMM_WORLD).
sdnn::NetworkPartition make_partition(NetworkPartitioner partitioner, std::vector<sdnn::HostCsc> const &layers,
                                      int parts)
{
  if (partitioner == NetworkPartitioner::hypergraph)
    return sdnn::hypergraph_partition(MPI_COMM_WORLD, layers, parts);
  auto const n = layers.front().num_rows();
  return sdnn::simple_network_partition(partitioner, n, static_cast<int>(layers.size()), parts, 5);
}

/// Every available partitioner x M dividing the ranks x single-node mode on `d`, against its reference.
void expect_reference_everywhere(sdnn::test::Dataset const &d)
{
  int const size = world_size(), rank = world_rank();
  for (auto partitioner : sdnn::all_network_partitioners())
  {
    if (!sdnn::partitioner_available(partitioner))
      continue;
    for (int m : {1, 2, 4})
    {
      if (size % m != 0)
        continue;
      auto const partition = make_partition(partitioner, d.layers, m);
      auto const quality = sdnn::evaluate_partition(partition, d.layers);
      sdnn::NetworkShare const share(MPI_COMM_WORLD, partition, d.layers, d.bias);
      EXPECT_EQ(share.predicted_columns(), quality.volume) << d.name << " " << sdnn::name(partitioner) << " M=" << m;
      for (auto mode : sdnn::all_parallelisms())
      {
        std::string const what = d.name + " " + sdnn::name(partitioner) + " M=" + std::to_string(m) + " " +
                                 sdnn::name(mode) + " on " + std::to_string(size) + " ranks";
        auto const rows =
            sdnn::scatter_rows(0, rank == 0 ? d.inputs : sdnn::HostCsc(), share, sdnn::RowPartition::hashed, 3);
        sdnn::ModelParallelOptions options;
        options.node.parallelism = mode;
        options.node.tile_rows = 16; // several tiles per rank even on small inputs
        sdnn::ModelParallelReport report;
        auto const got =
            sdnn::infer_model_parallel(0, Kokkos::DefaultHostExecutionSpace(), rows, share, options, &report);
        if (rank == 0)
          sdnn::test::expect_same_result(got, d.expected, what);
        else
        {
          EXPECT_TRUE(got.categories.empty()) << what;
          sdnn::test::expect_same_layers(got.layers, d.expected.layers, what);
        }
        ASSERT_EQ(report.ranks.size(), static_cast<std::size_t>(size)) << what;
        EXPECT_EQ(report.model_ranks, m) << what;
        EXPECT_EQ(report.groups, size / m) << what;
        for (int g = 0; g < size / m; ++g)
          EXPECT_EQ(report.columns_sent(g), quality.volume) << what << " group " << g;
        for (int p = 0; p < size; ++p)
        {
          EXPECT_EQ(report.ranks[p].rank, p) << what;
          EXPECT_EQ(report.ranks[p].model_rank, p % m) << what;
          EXPECT_EQ(report.ranks[p].node.parallelism, sdnn::name(mode)) << what;
        }
        if (m == 1)
        {
          EXPECT_EQ(report.words_sent(), 0) << what;
        }
      }
    }
  }
}

TEST(ModelParallel, EveryPartitionerModelRanksAndModeMatchTheReference)
{
  for (auto d : {sdnn::test::radix_dataset(1024, 6, 200, 11), sdnn::test::sparse_dataset(4),
                 sdnn::test::radix_dataset(1024, 3, 1, 2)})
  {
    d.expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
    expect_reference_everywhere(d);
  }
}

TEST(ModelParallel, TrafficOfASmallNetworkCountedByHand)
{
  if (world_size() % 2 != 0)
    GTEST_SKIP() << "needs an even number of ranks";
  // N = 4, one layer, two parts by blocks: part 0 owns neurons {0, 1}, part 1 {2, 3}, inputs as outputs.
  // Column 0 reads rows {0, 2}, column 1 reads {1}, column 2 reads {0, 1, 2, 3}, column 3 reads {3}.
  // Part 0 needs input 2 from part 1 (1 column); part 1 needs inputs 0 and 1 from part 0 (2 columns): cut 3.
  auto const w = sdnn::test::make_matrix(4, 4, {0, 2, 1, 0, 1, 2, 3, 3}, {0, 0, 1, 2, 2, 2, 2, 3},
                                         {0.5f, 0.25f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 1.0f});
  // Three inputs: row 0 has features {0, 2}, row 1 has {1}, row 2 has {3}.
  auto const inputs = sdnn::test::make_matrix(3, 4, {0, 1, 0, 2}, {0, 1, 2, 3}, {1.0f, 1.0f, 1.0f, 1.0f});
  auto const partition = sdnn::simple_network_partition(NetworkPartitioner::block, 4, 1, 2);
  sdnn::NetworkShare const share(MPI_COMM_WORLD, partition, {w}, -0.1f);
  EXPECT_EQ(share.predicted_columns(), std::vector<std::int64_t>{3});
  // Every row in group 0 (a block partition over one group when there are two ranks).
  auto const rows =
      sdnn::scatter_rows(0, world_rank() == 0 ? inputs : sdnn::HostCsc(), share, sdnn::RowPartition::block, 1);
  sdnn::ModelParallelReport report;
  auto const got = sdnn::infer_model_parallel(0, Kokkos::DefaultHostExecutionSpace(), rows, share,
                                              sdnn::ModelParallelOptions{}, &report);
  auto const expected = sdnn::reference_inference(inputs, {w}, -0.1f);
  if (world_rank() == 0)
    sdnn::test::expect_same_result(got, expected, "hand-counted network");
  if (world_size() != 2)
    return;
  // Rank 0 (features 0, 1) sends columns 0 and 1 to rank 1: rows 0 and 1 hold one nonzero each there, so two
  // values, plus one row count per live row (3 rows). Rank 1 sends column 2 (row 0's feature 2): one value.
  auto const &r0 = report.ranks[0], &r1 = report.ranks[1];
  EXPECT_EQ(r0.columns_sent, std::vector<std::int64_t>{2});
  EXPECT_EQ(r1.columns_sent, std::vector<std::int64_t>{1});
  EXPECT_EQ(r0.values_sent, std::vector<std::int64_t>{2});
  EXPECT_EQ(r1.values_sent, std::vector<std::int64_t>{1});
  EXPECT_EQ(r0.words_sent, std::vector<std::int64_t>{3 + 2 * 2});
  EXPECT_EQ(r1.words_sent, std::vector<std::int64_t>{3 + 2 * 1});
  EXPECT_EQ(r0.words_received, r1.words_sent);
  EXPECT_EQ(r0.messages_sent, std::vector<std::int64_t>{1});
  EXPECT_EQ(r1.messages_received, std::vector<std::int64_t>{1});
}

TEST(ModelParallel, EachRankStoresItsShareOfTheWeights)
{
  int const size = world_size();
  auto const layers = sdnn::test::radix_layers(1024, 4, 3);
  std::int64_t whole = 0;
  for (auto const &w : layers)
    whole += (w.num_cols() + 1) * 8 + w.nnz() * 8;
  auto const partition =
      make_partition(sdnn::partitioner_available(NetworkPartitioner::hypergraph) ? NetworkPartitioner::hypergraph
                                                                                 : NetworkPartitioner::block,
                     layers, size);
  sdnn::NetworkShare const share(MPI_COMM_WORLD, partition, layers, -0.3f);
  // The bound at M = 4 (and at any M here): within 1.1 x the network's bytes / M.
  EXPECT_LE(static_cast<double>(share.weight_bytes()), 1.1 * static_cast<double>(whole) / size)
      << share.weight_bytes() << " bytes of " << whole;
}

TEST(ModelParallel, LoadingOnlyItsColumnsGivesTheSameShareAndAnswer)
{
  // The layers written as challenge files (each rank its own copy); every M dividing the ranks.
  int const size = world_size(), rank = world_rank();
  auto d = sdnn::test::radix_dataset(1024, 4, 60, 11);
  d.expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
  ASSERT_FALSE(d.expected.categories.empty());
  sdnn::test::TempDir dir;
  std::vector<std::string> paths;
  for (std::size_t l = 0; l < d.layers.size(); ++l)
  {
    paths.push_back(dir.file("n1024-l" + std::to_string(l + 1) + ".tsv"));
    sdnn::write_challenge_layer(paths.back(), d.layers[l]);
  }
  sdnn::ReadOptions no_cache;
  no_cache.use_cache = false;
  for (int m : {1, 2, 4})
  {
    if (size % m != 0)
      continue;
    std::string const what = "M=" + std::to_string(m) + " on " + std::to_string(size) + " ranks";
    auto const partition = sdnn::simple_network_partition(NetworkPartitioner::hashed, 1024, 4, m, 2);
    auto const columns = sdnn::load_network_columns(MPI_COMM_WORLD, paths, partition, d.bias, no_cache);
    ASSERT_EQ(columns.layers.size(), d.layers.size()) << what;
    for (std::size_t l = 0; l < d.layers.size(); ++l)
    {
      // Exactly this rank's columns of the layer, nothing else.
      auto const &got = columns.layers[l], &want = d.layers[l];
      ASSERT_EQ(got.num_cols(), 1024) << what;
      for (std::int32_t j = 0; j < 1024; ++j)
      {
        bool const mine = partition.owner[l + 1][j] == rank % m;
        auto const length = got.col_ptr()(j + 1) - got.col_ptr()(j);
        ASSERT_EQ(length, mine ? want.col_ptr()(j + 1) - want.col_ptr()(j) : 0) << what << " layer " << l << " " << j;
        for (std::int64_t e = 0; e < length; ++e)
        {
          ASSERT_EQ(got.row_idx()(got.col_ptr()(j) + e), want.row_idx()(want.col_ptr()(j) + e)) << what;
          ASSERT_EQ(got.values()(got.col_ptr()(j) + e), want.values()(want.col_ptr()(j) + e)) << what;
        }
      }
    }
    EXPECT_EQ(sdnn::network_fingerprint(MPI_COMM_WORLD, columns.layers, partition), sdnn::network_fingerprint(d.layers))
        << what;
    sdnn::NetworkShare const from_columns(MPI_COMM_WORLD, partition, columns.layers, d.bias);
    sdnn::NetworkShare const from_whole(MPI_COMM_WORLD, partition, d.layers, d.bias);
    EXPECT_EQ(from_columns.weight_bytes(), from_whole.weight_bytes()) << what;
    EXPECT_EQ(from_columns.predicted_columns(), from_whole.predicted_columns()) << what;
    auto const rows =
        sdnn::scatter_rows(0, rank == 0 ? d.inputs : sdnn::HostCsc(), from_columns, sdnn::RowPartition::hashed, 3);
    auto const got =
        sdnn::infer_model_parallel(0, Kokkos::DefaultHostExecutionSpace(), rows, from_columns, {}, nullptr);
    if (rank == 0)
      sdnn::test::expect_same_result(got, d.expected, what);
  }
  // An unreadable layer file ends every rank with the same error.
  paths[1] = dir.file("missing.tsv");
  sdnn::test::expect_input_error(
      [&]
      {
        sdnn::load_network_columns(MPI_COMM_WORLD, paths,
                                   sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 4, 1), d.bias,
                                   no_cache);
      },
      {"missing.tsv"});
}

TEST(ModelParallel, BadArgumentsAreLogicErrorsOnEveryRank)
{
  int const size = world_size();
  auto const d = sdnn::test::radix_dataset(1024, 2, 20, 9);
  // Groups of 3 model ranks from 1, 2 or 4 ranks.
  EXPECT_THROW(sdnn::NetworkShare(MPI_COMM_WORLD, sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 2, 3),
                                  d.layers, d.bias),
               std::logic_error);
  // A partition of another network.
  EXPECT_THROW(sdnn::NetworkShare(MPI_COMM_WORLD, sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 3, 1),
                                  d.layers, d.bias),
               std::logic_error);
  // Ranks given different partitions (rank 0 a block partition, the others a hashed one).
  if (size >= 2)
  {
    auto const mine = world_rank() == 0 ? NetworkPartitioner::block : NetworkPartitioner::hashed;
    EXPECT_THROW(sdnn::NetworkShare(MPI_COMM_WORLD, sdnn::simple_network_partition(mine, 1024, 2, 2), d.layers, d.bias),
                 std::logic_error);
  }
  // Rows that are not what scatter_rows gave: every rank of a group must hold the same rows.
  if (size >= 2)
  {
    sdnn::NetworkShare const share(
        MPI_COMM_WORLD, sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 2, 2), d.layers, d.bias);
    auto rows =
        sdnn::scatter_rows(0, world_rank() == 0 ? d.inputs : sdnn::HostCsc(), share, sdnn::RowPartition::block, 1);
    if (world_rank() == 1)
    {
      rows.ids.push_back(1000);
      rows.row_ptr.push_back(rows.row_ptr.back());
    }
    EXPECT_THROW(
        sdnn::infer_model_parallel(0, Kokkos::DefaultHostExecutionSpace(), rows, share, sdnn::ModelParallelOptions{}),
        std::logic_error);
  }
}

} // namespace
