// The network partitions that do not need MPI (block, hashed) and the figures of a partition: the communication
// volume counted by hand on a small network, the work per part, the weight bytes, and bad partitions.
#include "tstDatasets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace
{

using sdnn::NetworkPartition;
using sdnn::NetworkPartitioner;

/// 4 × 4, one layer: column 0 reads inputs {0, 2}, column 1 {1}, column 2 {2, 3}, column 3 {0}.
std::vector<sdnn::HostCsc> small_network()
{
  sdnn::Triplets t;
  t.rows = {0, 2, 1, 2, 3, 0};
  t.cols = {0, 0, 1, 2, 2, 3};
  t.values = {1.f, 1.f, 1.f, 1.f, 1.f, 1.f};
  return {sdnn::csc_from_triplets(4, 4, t)};
}

TEST(NetworkPartition, VolumeWorkAndBytesOfABlockPartitionCountedByHand)
{
  auto const partition = sdnn::simple_network_partition(NetworkPartitioner::block, 4, 1, 2);
  ASSERT_EQ(partition.owner.size(), 2u);
  EXPECT_EQ(partition.owner[0], (std::vector<std::int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(partition.owner[1], (std::vector<std::int32_t>{0, 0, 1, 1}));
  auto const quality = sdnn::evaluate_partition(partition, small_network());
  // Input 0 (part 0) is read by columns 0 (part 0) and 3 (part 1): one column to send; input 2 (part 1) by
  // columns 0 (part 0) and 2 (part 1): one; inputs 1 and 3 stay on their part.
  EXPECT_EQ(quality.volume, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(quality.work, (std::vector<std::int64_t>{3, 3}));
  EXPECT_EQ(quality.imbalance, (std::vector<double>{1.0}));
  EXPECT_EQ(quality.weight_bytes, (std::vector<std::int64_t>{3 * 8 + 2 * 8, 3 * 8 + 2 * 8}));
  EXPECT_EQ(quality.total_volume(), 2);
  EXPECT_EQ(quality.max_imbalance(), 1.0);
}

TEST(NetworkPartition, MovingAnInputToItsReadersPartChangesTheVolumeAndTheWork)
{
  auto partition = sdnn::simple_network_partition(NetworkPartitioner::block, 4, 1, 2);
  partition.owner[0][2] = 0; // input 2 now lives with column 0, still read by column 2 (part 1)
  partition.owner[1][3] = 0; // column 3 (reads input 0) moves to part 0
  auto const quality = sdnn::evaluate_partition(partition, small_network());
  EXPECT_EQ(quality.volume, (std::vector<std::int64_t>{1})); // only input 2 -> part 1
  EXPECT_EQ(quality.work, (std::vector<std::int64_t>{4, 2}));
  EXPECT_NEAR(quality.imbalance[0], 4.0 / 3.0, 1e-12);
}

TEST(NetworkPartition, HashedPartitionsAreBalancedPermutationsOfTheBlocks)
{
  auto const layers = sdnn::test::radix_layers(1024, 3, 1);
  auto const block = sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 3, 4);
  auto const hashed = sdnn::simple_network_partition(NetworkPartitioner::hashed, 1024, 3, 4, 7);
  for (auto const &owner : hashed.owner)
  {
    for (int p = 0; p < 4; ++p)
      EXPECT_EQ(std::count(owner.begin(), owner.end(), p), 256);
    EXPECT_NE(owner, block.owner[0]);
  }
  auto const quality = sdnn::evaluate_partition(hashed, layers);
  ASSERT_EQ(quality.volume.size(), 3u);
  for (int l = 0; l < 3; ++l)
  {
    EXPECT_GT(quality.volume[l], 0);
    EXPECT_LE(quality.volume[l], 3 * 1024);        // at most P - 1 per input neuron
    EXPECT_NEAR(quality.imbalance[l], 1.0, 1e-12); // RadiX-Net: 32 per column, 256 columns per part
  }
}

TEST(NetworkPartition, NamesAndAvailability)
{
  for (auto const p : sdnn::all_network_partitioners())
    EXPECT_EQ(sdnn::parse_network_partitioner(sdnn::name(p)), p);
  EXPECT_FALSE(sdnn::parse_network_partitioner("metis"));
  EXPECT_TRUE(sdnn::partitioner_available(NetworkPartitioner::block));
  EXPECT_EQ(sdnn::partitioner_available(NetworkPartitioner::hypergraph), bool(SDNN_ENABLE_ZOLTAN));
  EXPECT_THROW(sdnn::simple_network_partition(NetworkPartitioner::hypergraph, 4, 1, 2), std::logic_error);
}

TEST(NetworkPartition, APartitionThatDoesNotFitTheNetworkIsALogicError)
{
  auto const layers = small_network();
  auto wrong_layers = sdnn::simple_network_partition(NetworkPartitioner::block, 4, 2, 2);
  EXPECT_THROW(sdnn::evaluate_partition(wrong_layers, layers), std::logic_error);
  auto wrong_n = sdnn::simple_network_partition(NetworkPartitioner::block, 8, 1, 2);
  EXPECT_THROW(sdnn::evaluate_partition(wrong_n, layers), std::logic_error);
  auto wrong_part = sdnn::simple_network_partition(NetworkPartitioner::block, 4, 1, 2);
  wrong_part.owner[1][0] = 2;
  EXPECT_THROW(sdnn::evaluate_partition(wrong_part, layers), std::logic_error);
}

} // namespace
