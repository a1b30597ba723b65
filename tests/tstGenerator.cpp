#include "tstHelpers.hpp"

#include <set>

namespace
{

/// Entries per row and per column of a square CSC matrix.
std::pair<std::vector<int>, std::vector<int>> degrees(sdnn::HostCsc const &m)
{
  std::vector<int> rows(m.num_rows(), 0), cols(m.num_cols(), 0);
  for (std::int32_t c = 0; c < m.num_cols(); ++c)
    for (auto k = m.col_ptr()(c); k < m.col_ptr()(c + 1); ++k)
    {
      ++rows[m.row_idx()(k)];
      ++cols[c];
    }
  return {rows, cols};
}

bool same_matrix(sdnn::HostCsc const &a, sdnn::HostCsc const &b)
{
  if (a.num_rows() != b.num_rows() || a.num_cols() != b.num_cols() || a.nnz() != b.nnz())
    return false;
  for (std::int32_t c = 0; c <= a.num_cols(); ++c)
    if (a.col_ptr()(c) != b.col_ptr()(c))
      return false;
  for (std::int64_t k = 0; k < a.nnz(); ++k)
    if (a.row_idx()(k) != b.row_idx()(k) || a.values()(k) != b.values()(k))
      return false;
  return true;
}

} // namespace

TEST(Generator, RadixNetHas32EntriesPerRowAndColumn)
{
  for (std::int64_t n : {64, 1024, 4096})
  {
    sdnn::RadixNet const net(n, 11);
    for (int l = 1; l <= 2 * net.block_length() + 1; ++l)
    {
      auto const w = net.layer(l);
      ASSERT_EQ(w.num_rows(), n);
      ASSERT_EQ(w.nnz(), 32 * n);
      auto const [rows, cols] = degrees(w);
      EXPECT_EQ(std::set<int>(rows.begin(), rows.end()), std::set<int>{32}) << "N " << n << " layer " << l;
      EXPECT_EQ(std::set<int>(cols.begin(), cols.end()), std::set<int>{32}) << "N " << n << " layer " << l;
      for (std::int64_t k = 0; k < w.nnz(); ++k)
        ASSERT_EQ(w.values()(k), 0.0625f);
    }
  }
}

TEST(Generator, RadixNetStructureFollowsTheFormula)
{
  std::int64_t const n = 1024, m = n / 16;
  sdnn::RadixNet const net(n, 3);
  EXPECT_EQ(net.block_length(), 6);
  for (int l : {1, 4, 6, 7, 12, 13})
  {
    int const k = (l - 1) % 6, block = (l - 1) / 6;
    std::int64_t const s = std::int64_t(1) << k;
    auto const perm = net.permutation(block);
    auto const w = net.layer(l);
    for (std::int32_t j = 0; j < n; ++j)
      for (auto e = w.col_ptr()(j); e < w.col_ptr()(j + 1); ++e)
      {
        auto const d = ((j - perm[w.row_idx()(e)] % m) % m + m) % m;
        ASSERT_TRUE(d == 0 || d == (m - s) % m) << "layer " << l << " entry (" << w.row_idx()(e) << ", " << j << ")";
      }
  }
}

TEST(Generator, PermutationsDependOnSeedAndBlockOnly)
{
  sdnn::RadixNet const a(1024, 1), b(1024, 1), c(1024, 2);
  EXPECT_TRUE(same_matrix(a.layer(3), c.layer(3))) << "block 0 has no permutation";
  EXPECT_TRUE(same_matrix(a.layer(9), b.layer(9)));
  EXPECT_FALSE(same_matrix(a.layer(9), c.layer(9)));
  auto const p = a.permutation(1);
  EXPECT_EQ(std::set<std::int32_t>(p.begin(), p.end()).size(), 1024u) << "a permutation";
  EXPECT_NE(p, a.permutation(2));
}

TEST(Generator, RejectsInvalidSizes)
{
  sdnn::test::expect_input_error([] { sdnn::RadixNet(1000, 1); }, {"N = 16 * 2^D", "1000"});
  sdnn::test::expect_input_error([] { sdnn::RadixNet(16, 1); }, {"N = 16 * 2^D"});
  sdnn::test::expect_input_error([] { sdnn::challenge_bias(2048); }, {"2048", "bias"});
  sdnn::test::expect_input_error([] { sdnn::image_side(2048); }, {"2048", "square"});
  EXPECT_EQ(sdnn::challenge_bias(1024), -0.30f);
  EXPECT_EQ(sdnn::challenge_bias(4096), -0.35f);
  EXPECT_EQ(sdnn::challenge_bias(16384), -0.40f);
  EXPECT_EQ(sdnn::challenge_bias(65536), -0.45f);
  EXPECT_EQ(sdnn::image_side(1024), 32);
  EXPECT_EQ(sdnn::image_side(65536), 256);
}

TEST(Generator, ImagesUseColumnMajorPixelIndexAndThreshold)
{
  // At S = 28 the sinc resampling is the identity, so the mask is the thresholded image itself.
  sdnn::GrayImages gray;
  gray.count = 2;
  gray.height = gray.width = 28;
  gray.pixels.assign(2 * 28 * 28, 0);
  std::set<std::int32_t> expected0;
  for (int r = 5; r < 20; ++r)
  {
    gray.pixels[r * 28 + 9] = 255; // a vertical stroke in column 9
    expected0.insert(r + 28 * 9);
  }
  gray.pixels[28 * 28 + 3 * 28 + 7] = 185; // 185/255 = 0.7255 > 0.7225: on
  gray.pixels[28 * 28 + 4 * 28 + 7] = 184; // 184/255 = 0.7216: off
  auto const images = sdnn::challenge_images(gray, 28 * 28);
  ASSERT_EQ(images.num_rows(), 2);
  auto const csr = sdnn::to_csr(images);
  std::set<std::int32_t> row0(csr.col_idx.begin() + csr.row_ptr[0], csr.col_idx.begin() + csr.row_ptr[1]);
  std::set<std::int32_t> row1(csr.col_idx.begin() + csr.row_ptr[1], csr.col_idx.begin() + csr.row_ptr[2]);
  EXPECT_EQ(row0, expected0);
  EXPECT_EQ(row1, std::set<std::int32_t>{3 + 28 * 7});
}

TEST(Generator, UpsampledImagesKeepTheirShape)
{
  // A bright block upsampled to 32 x 32 stays a block of similar area at the scaled place.
  sdnn::GrayImages gray;
  gray.count = 1;
  gray.height = gray.width = 28;
  gray.pixels.assign(28 * 28, 0);
  for (int r = 8; r < 20; ++r)
    for (int c = 10; c < 18; ++c)
      gray.pixels[r * 28 + c] = 255;
  auto const images = sdnn::challenge_images(gray, 1024);
  auto const area_in = 12.0 * 8.0 * (32.0 / 28.0) * (32.0 / 28.0);
  EXPECT_NEAR(static_cast<double>(images.nnz()), area_in, 0.25 * area_in);
  for (std::int32_t p = 0; p < 1024; ++p)
  {
    int const r = p % 32, c = p / 32;
    bool const on = images.col_ptr()(p + 1) > images.col_ptr()(p);
    if (on)
    {
      EXPECT_GE(r, 8) << p;
      EXPECT_LE(r, 24) << p;
      EXPECT_GE(c, 10) << p;
      EXPECT_LE(c, 22) << p;
    }
  }
}

TEST(Generator, SyntheticImagesAreReproducible)
{
  auto const a = sdnn::synthetic_gray_images(50, 9), b = sdnn::synthetic_gray_images(50, 9);
  auto const c = sdnn::synthetic_gray_images(50, 10);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_NE(a.pixels, c.pixels);
  EXPECT_EQ(a.pixels.size(), 50u * 28 * 28);
  auto const images = sdnn::challenge_images(a, 1024);
  EXPECT_EQ(images.num_rows(), 50);
  // Challenge-like density: MNIST digits light about 100 of the 1024 pixels.
  EXPECT_GT(images.nnz(), 50 * 30);
  EXPECT_LT(images.nnz(), 50 * 400);
}
