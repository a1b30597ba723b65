// The partition file: a round trip, the network's fingerprint, every kind of malformed file (`path:line:`), and a
// partition refused for another N, L, number of parts or network.
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <Sdnn_NetworkPartitionFile.hpp>

#include <gtest/gtest.h>

#include <string>

namespace
{

using sdnn::NetworkPartitioner;
using sdnn::test::expect_input_error;
using sdnn::test::TempDir;

/// `path:line:` as the reader prints it.
std::string at(std::string const &path, int line)
{
  return path + ":" + std::to_string(line) + ":";
}

/// A partition file of N = 2, L = 1, 2 parts with `owners` (the 4 `layer neuron part` lines) after the header.
std::string two_neurons(std::string const &owners, std::string const &version = "1")
{
  return "sdnn-network-partition " + version +
         "\nneurons 2\nlayers 1\nparts 2\npartitioner block\nnetwork 00000000000000ff\n" + owners;
}

/// `layers` with one connection of layer 1 moved to another input neuron (values and the rest shared).
std::vector<sdnn::HostCsc> one_connection_moved(std::vector<sdnn::HostCsc> layers)
{
  auto const &w = layers.front();
  sdnn::HostCsc::indices_view rows("moved", w.nnz());
  Kokkos::deep_copy(rows, w.row_idx());
  rows(0) = (rows(0) + 1) % w.num_rows();
  layers.front() = sdnn::HostCsc(w.num_rows(), w.num_cols(), w.col_ptr(), rows, w.values());
  return layers;
}

TEST(NetworkPartitionFile, RoundTripKeepsEveryOwnerAndTheNetwork)
{
  TempDir dir;
  auto const d = sdnn::test::radix_dataset(1024, 3, 8, 1);
  sdnn::NetworkPartitionFile file;
  file.partition = sdnn::simple_network_partition(NetworkPartitioner::hashed, 1024, 3, 4, 7);
  file.network = sdnn::network_fingerprint(d.layers);
  file.partitioner = "hashed";
  auto const path = dir.file("p.txt");
  sdnn::write_network_partition(path, file);
  auto const back = sdnn::read_network_partition(path);
  EXPECT_EQ(back.partition.owner, file.partition.owner);
  EXPECT_EQ(back.partition.num_parts, 4);
  EXPECT_EQ(back.partition.num_neurons, 1024);
  EXPECT_EQ(back.network, file.network);
  EXPECT_EQ(back.partitioner, "hashed");
  EXPECT_EQ(sdnn::load_network_partition(path, d.layers, 4).owner, file.partition.owner);
}

TEST(NetworkPartitionFile, FingerprintFollowsTheStructureNotTheValues)
{
  auto const d = sdnn::test::radix_dataset(1024, 3, 8, 1);
  auto const fingerprint = sdnn::network_fingerprint(d.layers);
  EXPECT_EQ(sdnn::network_fingerprint(d.layers), fingerprint);
  auto fewer = d.layers;
  fewer.pop_back();
  EXPECT_NE(sdnn::network_fingerprint(fewer), fingerprint);
  EXPECT_NE(sdnn::network_fingerprint(one_connection_moved(d.layers)), fingerprint);
  auto scaled = d.layers;
  for (auto &w : scaled)
  {
    auto copy = sdnn::HostCsc(w.num_rows(), w.num_cols(), w.col_ptr(), w.row_idx(),
                              sdnn::HostCsc::values_view("scaled", w.nnz()));
    w = copy; // same structure, other values
  }
  EXPECT_EQ(sdnn::network_fingerprint(scaled), fingerprint);
}

TEST(NetworkPartitionFile, MalformedFilesNameTheLine)
{
  TempDir dir;
  auto const good = "0 1 0\n0 2 1\n1 1 1\n1 2 0\n";
  EXPECT_EQ(sdnn::read_network_partition(dir.write("good", two_neurons(good))).partition.owner,
            (std::vector<std::vector<std::int32_t>>{{0, 1}, {1, 0}}));
  // check(name, text, line, fragment): the file `name` holding `text` is refused at `line` (0: no line) with
  // `fragment` in the message.
  auto const check = [&](std::string const &name, std::string const &text, int line, std::string const &fragment)
  {
    auto const path = dir.write(name, text);
    expect_input_error([&] { sdnn::read_network_partition(path); }, {line > 0 ? at(path, line) : path, fragment});
  };
  check("version", two_neurons(good, "2"), 1, "format version 2");
  check("not-a-partition", "1\t2\t0.5\n", 1, "expected 'sdnn-network-partition");
  check("empty", "", 0, "ends before");
  check("fingerprint", "sdnn-network-partition 1\nneurons 2\nlayers 1\nparts 2\npartitioner x\nnetwork zz\n", 6,
        "not a hexadecimal");
  check("parts", "sdnn-network-partition 1\nneurons 2\nlayers 1\nparts 3\n", 4, "1..2");
  check("layer", two_neurons("0 1 0\n0 2 1\n2 1 1\n"), 9, "layer 2 is out of range");
  check("neuron", two_neurons("0 3 0\n"), 7, "neuron 3 is out of range");
  check("part", two_neurons("0 1 2\n"), 7, "part 2 is out of range");
  check("twice", two_neurons("0 1 0\n0 1 1\n"), 8, "first on line 7");
  check("fields", two_neurons("0 1\n"), 7, "expected 3 fields");
  check("missing", two_neurons("0 1 0\n0 2 1\n1 1 1\n"), 0, "no part for neuron 2 of layer 1");
  expect_input_error([&] { sdnn::read_network_partition(dir.file("absent")); }, {dir.file("absent"), "cannot open"});
}

TEST(NetworkPartitionFile, APartitionForAnotherRunIsRefused)
{
  TempDir dir;
  auto const d = sdnn::test::radix_dataset(1024, 3, 8, 1);
  sdnn::NetworkPartitionFile file;
  file.partition = sdnn::simple_network_partition(NetworkPartitioner::block, 1024, 3, 2);
  file.network = sdnn::network_fingerprint(d.layers);
  auto const path = dir.file("p.txt");
  sdnn::write_network_partition(path, file);
  expect_input_error([&] { sdnn::load_network_partition(path, d.layers, 4); },
                     {path, "a partition into 2 parts, this run needs 4"});
  auto fewer = d.layers;
  fewer.pop_back();
  expect_input_error([&] { sdnn::load_network_partition(path, fewer, 2); },
                     {path, "N=1024 L=3, this one has N=1024 L=2"});
  expect_input_error([&] { sdnn::load_network_partition(path, one_connection_moved(d.layers), 2); },
                     {path, "made for another network"});
}

} // namespace
