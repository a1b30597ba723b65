#include "tstHelpers.hpp"

#include <Sdnn_Idx.hpp>

#include <zlib.h>

namespace
{

std::string idx_bytes(std::uint32_t magic, std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                      std::size_t pixel_bytes)
{
  std::string out;
  for (auto v : {magic, count, rows, cols})
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((v >> shift) & 0xff));
  for (std::size_t k = 0; k < pixel_bytes; ++k)
    out.push_back(static_cast<char>(k * 7 % 256));
  return out;
}

void write_gzip(std::string const &path, std::string const &data)
{
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, data.data(), static_cast<unsigned>(data.size())), static_cast<int>(data.size()));
  gzclose(f);
}

} // namespace

TEST(Idx, ReadsPlainAndGzipFiles)
{
  sdnn::test::TempDir dir;
  auto const bytes = idx_bytes(0x803, 3, 2, 4, 3 * 2 * 4);
  auto const plain = dir.write("images-idx3-ubyte", bytes);
  auto const gz = dir.file("images-idx3-ubyte.gz");
  write_gzip(gz, bytes);
  for (auto const &path : {plain, gz})
  {
    auto const images = sdnn::read_idx_images(path);
    EXPECT_EQ(images.count, 3);
    EXPECT_EQ(images.height, 2);
    EXPECT_EQ(images.width, 4);
    ASSERT_EQ(images.pixels.size(), 24u);
    EXPECT_EQ(images.pixels[5], 35);
    EXPECT_EQ(sdnn::read_idx_images(path, 2).count, 2) << "max_count";
  }
}

TEST(Idx, RejectsForeignAndTruncatedFiles)
{
  sdnn::test::TempDir dir;
  auto const labels = dir.write("labels", idx_bytes(0x801, 3, 2, 4, 24));
  sdnn::test::expect_input_error([&] { sdnn::read_idx_images(labels); }, {labels, "0x801", "0x00000803"});
  auto const cut = dir.write("cut", idx_bytes(0x803, 3, 2, 4, 20));
  sdnn::test::expect_input_error([&] { sdnn::read_idx_images(cut); }, {cut, "truncated", "pixels"});
  auto const short_header = dir.write("short", idx_bytes(0x803, 3, 2, 4, 0).substr(0, 10));
  sdnn::test::expect_input_error([&] { sdnn::read_idx_images(short_header); }, {short_header, "header"});
  auto const missing = dir.file("missing.gz");
  sdnn::test::expect_input_error([&] { sdnn::read_idx_images(missing); }, {missing, "cannot open"});
}

TEST(Idx, FashionMnistFromDebianWhenInstalled)
{
  std::string const path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << path << " not installed (Debian package dataset-fashion-mnist)";
  auto const images = sdnn::read_idx_images(path, 100);
  EXPECT_EQ(images.count, 100);
  EXPECT_EQ(images.height, 28);
  EXPECT_EQ(images.width, 28);
  auto const csc = sdnn::challenge_images(images, 1024);
  // Fashion-MNIST items are larger than digits: about 200 of 1024 pixels (12M nnz / 60000 images).
  EXPECT_GT(csc.nnz(), 100 * 100);
  EXPECT_LT(csc.nnz(), 100 * 400);
}

TEST(Idx, ReadsLabelFiles)
{
  sdnn::test::TempDir dir;
  std::string bytes;
  for (unsigned char b : {0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x04, 3, 1, 4, 1})
    bytes.push_back(static_cast<char>(b));
  auto const gz = dir.file("labels-idx1-ubyte.gz");
  write_gzip(gz, bytes);
  EXPECT_EQ(sdnn::read_idx_labels(gz), (std::vector<std::uint8_t>{3, 1, 4, 1}));
  EXPECT_EQ(sdnn::read_idx_labels(gz, 2), (std::vector<std::uint8_t>{3, 1}));
  auto const cut = dir.write("cut", bytes.substr(0, 10));
  sdnn::test::expect_input_error([&] { sdnn::read_idx_labels(cut); }, {cut, "truncated", "labels"});
  auto const images = dir.write("images", idx_bytes(0x803, 3, 2, 4, 24));
  sdnn::test::expect_input_error([&] { sdnn::read_idx_labels(images); }, {images, "IDX1", "0x00000801"});
}
