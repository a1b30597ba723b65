#include "Sdnn_Idx.hpp"

#include <Sdnn_Error.hpp>

#include <cerrno>
#include <cstring>
#include <zlib.h>

namespace sdnn
{

GrayImages read_idx_images(std::string const &path, std::int64_t max_count)
{
  gzFile file = gzopen(path.c_str(), "rb");
  SDNN_USER_REQUIRE(file != nullptr, path << ": cannot open file: " << std::strerror(errno));
  struct Closer
  {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{file};

  auto read_exact = [&](void *buffer, std::size_t bytes, char const *what)
  {
    std::size_t done = 0;
    while (done < bytes)
    {
      auto const chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30));
      int const got = gzread(file, static_cast<char *>(buffer) + done, chunk);
      SDNN_USER_REQUIRE(got > 0, path << ": truncated IDX file while reading " << what);
      done += static_cast<std::size_t>(got);
    }
  };
  unsigned char header[16];
  read_exact(header, 16, "the header");
  auto be32 = [&](int offset)
  {
    return (std::uint32_t(header[offset]) << 24) | (std::uint32_t(header[offset + 1]) << 16) |
           (std::uint32_t(header[offset + 2]) << 8) | std::uint32_t(header[offset + 3]);
  };
  SDNN_USER_REQUIRE(be32(0) == 0x00000803u, path << ": not an IDX3 unsigned-byte image file (magic 0x" << std::hex
                                                 << be32(0) << ", expected 0x00000803)");
  GrayImages images;
  images.count = be32(4);
  images.height = static_cast<int>(be32(8));
  images.width = static_cast<int>(be32(12));
  SDNN_USER_REQUIRE(images.height > 0 && images.width > 0 && images.height <= 4096 && images.width <= 4096,
                    path << ": implausible image size " << images.height << " x " << images.width);
  if (max_count >= 0 && max_count < images.count)
    images.count = max_count;
  images.pixels.resize(static_cast<std::size_t>(images.count) * images.height * images.width);
  read_exact(images.pixels.data(), images.pixels.size(), "the pixels");
  return images;
}

} // namespace sdnn
