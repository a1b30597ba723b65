#ifndef SDNN_CHECKSUM_HPP
#define SDNN_CHECKSUM_HPP

// checksum(): the library's one hash of bytes (the binary cache's checksums, a network's fingerprint, the check
// that the ranks of a group hold the same rows). Private to the library.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sdnn::impl
{

/// 64-bit FNV-1a over 8-byte words (then the tail bytes): any change of a single word changes the sum.
inline std::uint64_t checksum(void const *data, std::size_t size, std::uint64_t hash = 0xcbf29ce484222325ull)
{
  constexpr std::uint64_t prime = 0x100000001b3ull;
  auto const *bytes = static_cast<unsigned char const *>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8)
  {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    hash = (hash ^ word) * prime;
  }
  for (; i < size; ++i)
    hash = (hash ^ bytes[i]) * prime;
  return hash;
}

} // namespace sdnn::impl

#endif
