#include "Sdnn_Idx.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <zlib.h>

namespace sdnn
{

namespace
{

/// An IDX file (gzip-compressed or not) read from the start: its header, then its unsigned bytes.
class IdxFile
{
public:
  /// Opens `path` and reads the header of an unsigned-byte IDX file of `dimensions` dimensions.
  IdxFile(std::string const &path, int dimensions) : m_path(path), m_file(gzopen(path.c_str(), "rb"), &gzclose)
  {
    SDNN_USER_REQUIRE(m_file != nullptr, path << ": cannot open file: " << std::strerror(errno));
    unsigned char magic[4];
    read(magic, 4, "the header");
    std::uint32_t const expected = 0x00000800u + static_cast<std::uint32_t>(dimensions);
    char expected_hex[16];
    std::snprintf(expected_hex, sizeof expected_hex, "0x%08x", expected);
    SDNN_USER_REQUIRE(be32(magic) == expected, path << ": not an IDX" << dimensions << " unsigned-byte file (magic 0x"
                                                    << std::hex << be32(magic) << ", expected " << expected_hex << ")");
    for (int d = 0; d < dimensions; ++d)
    {
      unsigned char size[4];
      read(size, 4, "the header");
      m_sizes.push_back(be32(size));
    }
  }

  /// The size of dimension `d` in the header.
  std::int64_t size(int d) const { return m_sizes[d]; }

  /// Reads exactly `bytes` bytes. \throws sdnn::InputError naming the file and `what` if the file ends first
  void read(void *buffer, std::size_t bytes, char const *what)
  {
    std::size_t done = 0;
    while (done < bytes)
    {
      auto const chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30));
      int const got = gzread(m_file.get(), static_cast<char *>(buffer) + done, chunk);
      SDNN_USER_REQUIRE(got > 0, m_path << ": truncated IDX file while reading " << what);
      done += static_cast<std::size_t>(got);
    }
  }

private:
  static std::uint32_t be32(unsigned char const *b)
  {
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | std::uint32_t(b[3]);
  }
  std::string m_path;
  std::unique_ptr<gzFile_s, int (*)(gzFile)> m_file; // closed however the reading ends, a throwing constructor too
  std::vector<std::int64_t> m_sizes;
};

} // namespace

GrayImages read_idx_images(std::string const &path, std::int64_t max_count)
{
  IdxFile file(path, 3);
  GrayImages images;
  images.count = file.size(0);
  images.height = static_cast<int>(file.size(1));
  images.width = static_cast<int>(file.size(2));
  SDNN_USER_REQUIRE(file.size(1) > 0 && file.size(2) > 0 && file.size(1) <= 4096 && file.size(2) <= 4096,
                    path << ": implausible image size " << file.size(1) << " x " << file.size(2));
  if (max_count >= 0 && max_count < images.count)
    images.count = max_count;
  images.pixels.resize(static_cast<std::size_t>(images.count) * images.height * images.width);
  file.read(images.pixels.data(), images.pixels.size(), "the pixels");
  return images;
}

std::vector<std::uint8_t> read_idx_labels(std::string const &path, std::int64_t max_count)
{
  IdxFile file(path, 1);
  std::int64_t count = file.size(0);
  if (max_count >= 0 && max_count < count)
    count = max_count;
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(count));
  file.read(labels.data(), labels.size(), "the labels");
  return labels;
}

} // namespace sdnn
