#ifndef SDNN_HASH_HPP
#define SDNN_HASH_HPP

/// \file Sdnn_Hash.hpp
/// Row hashing before tiling: the stride interleave and a Feistel bijection.

#include <Sdnn_Error.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sdnn
{

/// A bijective permutation of the input rows applied before they are cut into tiles, so that every
/// tile (and thread) receives a similar share of the rows that survive.
enum class RowHash
{
  none,    ///< rows keep their order: tile k holds a contiguous block of rows
  stride,  ///< the papers' stride interleave: row r goes to part r mod P (P = number of tiles)
  feistel, ///< a keyed pseudo-random bijection (4-round Feistel network with cycle walking)
};

/// Name used by the driver and in reports ("none", "stride", "feistel").
std::string name(RowHash hash);
/// Inverse of name(RowHash); std::nullopt for an unknown name.
std::optional<RowHash> parse_row_hash(std::string const &text);
/// Every row hash, in the order of the enum.
std::vector<RowHash> all_row_hashes();

/// Stride interleave of [0, n) into `parts` parts: row r goes to part r mod parts, in ascending order.
struct StrideHash
{
  std::int64_t n;     ///< number of rows
  std::int64_t parts; ///< number of parts
  /// Position of row r: the parts are laid out one after the other.
  KOKKOS_INLINE_FUNCTION std::int64_t operator()(std::int64_t r) const
  {
    std::int64_t const part = r % parts;
    std::int64_t const base = n / parts, extra = n % parts;
    std::int64_t const start = part * base + (part < extra ? part : extra);
    return start + r / parts;
  }
};

/// Keyed bijection of [0, n): a balanced Feistel network on the smallest even power of two >= n,
/// iterated until the value falls inside [0, n) (cycle walking keeps it a bijection).
struct FeistelHash
{
  std::int64_t n;     ///< number of rows
  std::uint64_t seed; ///< key of the round functions

  /// The round function's mixer (splitmix64 finaliser).
  KOKKOS_INLINE_FUNCTION static std::uint64_t mix(std::uint64_t x)
  {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  /// Bits of each half: the Feistel network permutes [0, 4^half_bits()), the smallest such range holding n.
  KOKKOS_INLINE_FUNCTION int half_bits() const
  {
    int bits = 2;
    while ((std::int64_t(1) << bits) < n)
      bits += 2;
    return bits / 2;
  }
  /// One pass of the 4-round Feistel network over [0, 4^half): a bijection of that range.
  KOKKOS_INLINE_FUNCTION std::uint64_t round_trip(std::uint64_t x, int half) const
  {
    std::uint64_t const mask = (std::uint64_t(1) << half) - 1;
    std::uint64_t left = x >> half, right = x & mask;
    for (std::uint64_t round = 0; round < 4; ++round)
    {
      std::uint64_t const f = mix(right ^ mix(seed + round)) & mask;
      std::uint64_t const next = left ^ f;
      left = right;
      right = next;
    }
    return (left << half) | right;
  }
  /// Position of row r in [0, n).
  KOKKOS_INLINE_FUNCTION std::int64_t operator()(std::int64_t r) const
  {
    int const half = half_bits();
    std::uint64_t x = static_cast<std::uint64_t>(r);
    do
      x = round_trip(x, half);
    while (x >= static_cast<std::uint64_t>(n));
    return static_cast<std::int64_t>(x);
  }
};

/// How the input rows are dealt to the ranks.
enum class RowPartition
{
  block,  ///< rank r holds the r-th contiguous block of rows
  hashed, ///< rows are first permuted by a keyed bijection (FeistelHash), then cut into blocks
};

/// Name used by the driver and in reports ("block", "hashed").
std::string name(RowPartition partition);
/// Inverse of name(RowPartition); std::nullopt for an unknown name.
std::optional<RowPartition> parse_row_partition(std::string const &text);
/// Every row partition, in the order of the enum.
std::vector<RowPartition> all_row_partitions();

/// The rank that owns each of `num_rows` rows under `partition` over `num_ranks` ranks.
/// Blocks differ by at most one row; `seed` keys RowPartition::hashed.
std::vector<int> row_owners(std::int64_t num_rows, int num_ranks, RowPartition partition, std::uint64_t seed = 1);

/// The row order after hashing: `order(p)` is the original row placed at position p.
///
/// \param space execution space of the fill (host accessible)
/// \param hash which permutation
/// \param n number of rows
/// \param parts number of parts for RowHash::stride (the number of tiles)
/// \param seed key of RowHash::feistel
template <class ExecutionSpace>
Kokkos::View<std::int32_t *, Kokkos::HostSpace> row_order(ExecutionSpace const &space, RowHash hash, std::int64_t n,
                                                          std::int64_t parts, std::uint64_t seed)
{
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "sdnn::row_order: ExecutionSpace must access host memory");
  SDNN_REQUIRE(n >= 0 && n <= INT32_MAX, "row count " << n << " out of range");
  SDNN_REQUIRE(parts >= 1, "stride hash needs at least one part, got " << parts);
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> order(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "Sdnn::hash::order"), n);
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  switch (hash)
  {
  case RowHash::none:
    Kokkos::parallel_for("Sdnn::hash<none>", Policy(space, 0, n),
                         [=](std::int64_t r) { order(r) = static_cast<std::int32_t>(r); });
    break;
  case RowHash::stride:
  {
    StrideHash const h{n, parts};
    Kokkos::parallel_for("Sdnn::hash<stride>", Policy(space, 0, n),
                         [=](std::int64_t r) { order(h(r)) = static_cast<std::int32_t>(r); });
    break;
  }
  case RowHash::feistel:
  {
    FeistelHash const h{n, seed};
    Kokkos::parallel_for("Sdnn::hash<feistel>", Policy(space, 0, n),
                         [=](std::int64_t r) { order(h(r)) = static_cast<std::int32_t>(r); });
    break;
  }
  }
  space.fence();
  return order;
}

} // namespace sdnn

#endif
