#include <Sdnn_Hash.hpp>

#include "Sdnn_NameTable.hpp"

#include <algorithm>

namespace sdnn
{

namespace
{
constexpr impl::Names<RowHash> hash_names[] = {
    {RowHash::none, "none"}, {RowHash::stride, "stride"}, {RowHash::feistel, "feistel"}};
constexpr impl::Names<RowPartition> partition_names[] = {{RowPartition::block, "block"},
                                                         {RowPartition::hashed, "hashed"}};
} // namespace

std::string name(RowHash hash)
{
  return impl::name_of(hash_names, hash);
}

std::optional<RowHash> parse_row_hash(std::string const &text)
{
  return impl::parse_name(hash_names, text);
}

std::string name(RowPartition partition)
{
  return impl::name_of(partition_names, partition);
}

std::optional<RowPartition> parse_row_partition(std::string const &text)
{
  return impl::parse_name(partition_names, text);
}

std::vector<RowHash> all_row_hashes()
{
  return impl::values_of(hash_names);
}

std::vector<RowPartition> all_row_partitions()
{
  return impl::values_of(partition_names);
}

std::vector<int> row_owners(std::int64_t num_rows, int num_ranks, RowPartition partition, std::uint64_t seed)
{
  SDNN_REQUIRE(num_rows >= 0 && num_ranks >= 1, "cannot deal " << num_rows << " rows to " << num_ranks << " ranks");
  std::int64_t const base = num_rows / num_ranks, extra = num_rows % num_ranks;
  // Position p lies in block b: the first `extra` blocks have base + 1 rows.
  auto block_of = [&](std::int64_t p)
  {
    std::int64_t const wide = extra * (base + 1);
    return static_cast<int>(p < wide ? p / (base + 1) : extra + (p - wide) / std::max<std::int64_t>(base, 1));
  };
  std::vector<int> owners(num_rows);
  FeistelHash const hash{num_rows, seed};
  for (std::int64_t r = 0; r < num_rows; ++r)
    owners[r] = block_of(partition == RowPartition::hashed ? hash(r) : r);
  return owners;
}

} // namespace sdnn
