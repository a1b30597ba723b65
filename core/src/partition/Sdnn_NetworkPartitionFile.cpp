// The partition file: written, read (every line checked) and matched against the network it runs on.
#include <Sdnn_Error.hpp>
#include <Sdnn_IO.hpp>
#include <Sdnn_NetworkPartitionFile.hpp>

#include "../impl/Sdnn_Checksum.hpp"
#include "../impl/Sdnn_LineReader.hpp"

#include <cinttypes>
#include <cstdio>

namespace sdnn
{

namespace
{

constexpr char format_name[] = "sdnn-network-partition";
constexpr std::int64_t format_version = 1;

std::string hex(std::uint64_t value)
{
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

/// The fingerprint of N and L.
std::uint64_t shape_fingerprint(std::vector<HostCsc> const &layers)
{
  std::int64_t const shape[2] = {layers.empty() ? 0 : static_cast<std::int64_t>(layers.front().num_cols()),
                                 static_cast<std::int64_t>(layers.size())};
  return impl::checksum(shape, sizeof shape);
}

/// A sum over the nonempty columns j of each layer l with owner[l + 1][j] == part (every column when `owner` is
/// null) of a hash of (l, j, the column's row indices): the same whatever the order the columns are visited in or
/// the ranks they are spread over.
std::uint64_t columns_fingerprint(std::vector<HostCsc> const &layers,
                                  std::vector<std::vector<std::int32_t>> const *owner, int part)
{
  std::uint64_t sum = 0;
  for (std::size_t l = 0; l < layers.size(); ++l)
  {
    auto const col_ptr = layers[l].col_ptr();
    auto const row_idx = layers[l].row_idx();
    for (std::int32_t j = 0; j < layers[l].num_cols(); ++j)
      if (col_ptr(j + 1) > col_ptr(j) && (owner == nullptr || (*owner)[l + 1][j] == part))
      {
        std::uint64_t const where[2] = {l, static_cast<std::uint64_t>(j)};
        sum += impl::checksum(row_idx.data() + col_ptr(j), (col_ptr(j + 1) - col_ptr(j)) * sizeof(std::int32_t),
                              impl::checksum(where, sizeof where));
      }
  }
  return sum;
}

} // namespace

std::uint64_t network_fingerprint(std::vector<HostCsc> const &layers)
{
  return shape_fingerprint(layers) + columns_fingerprint(layers, nullptr, 0);
}

#if SDNN_ENABLE_MPI
std::uint64_t network_fingerprint(MPI_Comm comm, std::vector<HostCsc> const &columns, NetworkPartition const &partition)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // The ranks of the first data group hold every column once between them.
  std::uint64_t sum = rank < partition.num_parts ? columns_fingerprint(columns, &partition.owner, rank) : 0;
  MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_UINT64_T, MPI_SUM, comm);
  return shape_fingerprint(columns) + sum;
}
#endif

void write_network_partition(std::string const &path, NetworkPartitionFile const &file)
{
  auto const &p = file.partition;
  check_partition_fits(p, p.num_neurons, p.num_layers());
  std::string text = std::string(format_name) + " " + std::to_string(format_version) + "\n" + "neurons " +
                     std::to_string(p.num_neurons) + "\n" + "layers " + std::to_string(p.num_layers()) + "\n" +
                     "parts " + std::to_string(p.num_parts) + "\n" + "partitioner " +
                     (file.partitioner.empty() ? "unknown" : file.partitioner) + "\n" + "network " + hex(file.network) +
                     "\n";
  text.reserve(text.size() + p.owner.size() * static_cast<std::size_t>(p.num_neurons) * 12);
  for (std::size_t l = 0; l < p.owner.size(); ++l)
    for (std::int64_t j = 0; j < p.num_neurons; ++j)
      text += std::to_string(l) + " " + std::to_string(j + 1) + " " + std::to_string(p.owner[l][j]) + "\n";
  write_file(path, text);
}

NetworkPartitionFile read_network_partition(std::string const &path)
{
  std::string const text = read_file(path);
  impl::LineReader reader(path, text);
  NetworkPartitionFile out;
  auto &p = out.partition;
  // The header, in order: each key once.
  auto const header = [&](char const *key)
  {
    if (!reader.next())
      reader.fail(std::string("the file ends before its '") + key + "' line");
    if (reader.num_fields() != 2 || reader.field(0) != key)
      reader.fail(std::string("expected '") + key + " VALUE', found " + impl::LineReader::quoted(reader.line_text()));
  };
  header(format_name);
  if (reader.integer(1, "format version") != format_version)
    reader.fail("format version " + std::string(reader.field(1)) + " is not " + std::to_string(format_version) +
                " (written by another sdnn)");
  header("neurons");
  p.num_neurons = reader.integer_in(1, "neurons", 1, std::numeric_limits<std::int32_t>::max());
  header("layers");
  auto const layers = reader.integer_in(1, "layers", 0, 1000000);
  header("parts");
  auto const parts = reader.integer_in(1, "parts", 1, p.num_neurons);
  p.num_parts = static_cast<int>(parts);
  header("partitioner");
  out.partitioner = std::string(reader.field(1));
  header("network");
  auto const fingerprint = reader.field(1);
  auto const [end, ec] = std::from_chars(fingerprint.data(), fingerprint.data() + fingerprint.size(), out.network, 16);
  if (ec != std::errc() || end != fingerprint.data() + fingerprint.size())
    reader.fail("network '" + std::string(fingerprint) + "' is not a hexadecimal fingerprint");

  // The owners: every (layer, neuron) exactly once.
  p.owner.assign(layers + 1, std::vector<std::int32_t>(p.num_neurons, -1));
  std::vector<std::vector<std::int64_t>> line_of(layers + 1, std::vector<std::int64_t>(p.num_neurons, 0));
  while (reader.next())
  {
    if (reader.num_fields() == 0)
      continue;
    reader.require_fields(3, "layer, neuron, part");
    auto const l = reader.integer_in(0, "layer", 0, layers);
    auto const j = reader.index(1, "neuron", p.num_neurons);
    auto const part = reader.integer_in(2, "part", 0, parts - 1);
    if (line_of[l][j] != 0)
      reader.fail("neuron " + std::to_string(j + 1) + " of layer " + std::to_string(l) +
                  " given twice, first on line " + std::to_string(line_of[l][j]));
    line_of[l][j] = reader.line_number();
    p.owner[l][j] = static_cast<std::int32_t>(part);
  }
  for (std::int64_t l = 0; l <= layers; ++l)
    for (std::int64_t j = 0; j < p.num_neurons; ++j)
      if (p.owner[l][j] < 0)
        throw InputError(path + ": no part for neuron " + std::to_string(j + 1) + " of layer " + std::to_string(l) +
                         " (the file is truncated or incomplete)");
  return out;
}

void check_partition_file(std::string const &path, NetworkPartitionFile const &file, std::int64_t num_neurons,
                          int num_layers, int num_parts)
{
  auto const &p = file.partition;
  SDNN_USER_REQUIRE(p.num_neurons == num_neurons && p.num_layers() == num_layers,
                    path << ": a partition of a network of N=" << p.num_neurons << " L=" << p.num_layers()
                         << ", this one has N=" << num_neurons << " L=" << num_layers);
  SDNN_USER_REQUIRE(p.num_parts == num_parts, path << ": a partition into " << p.num_parts << " parts, this run needs "
                                                   << num_parts << " (one per model rank)");
}

void check_partition_network(std::string const &path, NetworkPartitionFile const &file, std::uint64_t fingerprint)
{
  SDNN_USER_REQUIRE(file.network == fingerprint, path << ": made for another network (fingerprint " << hex(file.network)
                                                      << ", this network's is " << hex(fingerprint) << ")");
}

NetworkPartition load_network_partition(std::string const &path, std::vector<HostCsc> const &layers, int num_parts)
{
  auto file = read_network_partition(path);
  check_partition_file(path, file, layers.empty() ? 0 : layers.front().num_cols(), static_cast<int>(layers.size()),
                       num_parts);
  check_partition_network(path, file, network_fingerprint(layers));
  return std::move(file.partition);
}

} // namespace sdnn
