#include "Sdnn_SplitMix64.hpp"
#include <Sdnn_Generator.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>

namespace sdnn
{

namespace
{

using impl::SplitMix64;

double sinc(double x)
{
  if (x == 0.0)
    return 1.0;
  double const px = M_PI * x;
  return std::sin(px) / px;
}

} // namespace

float challenge_bias(std::int64_t num_neurons)
{
  switch (num_neurons)
  {
  case 1024:
    return -0.30f;
  case 4096:
    return -0.35f;
  case 16384:
    return -0.40f;
  case 65536:
    return -0.45f;
  default:
    break;
  }
  throw InputError("no challenge bias is defined for N = " + std::to_string(num_neurons) +
                   " (the challenge has N = 1024, 4096, 16384, 65536); give the bias explicitly");
}

int image_side(std::int64_t num_neurons)
{
  auto const side = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(num_neurons))));
  SDNN_USER_REQUIRE(side > 0 && side * side == num_neurons,
                    "N = " << num_neurons << " is not a square number, so it has no S x S image layout");
  return static_cast<int>(side);
}

RadixNet::RadixNet(std::int64_t num_neurons, std::uint64_t seed) : m_num_neurons(num_neurons), m_seed(seed)
{
  auto const m = num_neurons / 16;
  SDNN_USER_REQUIRE(
      num_neurons % 16 == 0 && m >= 2 && (m & (m - 1)) == 0 && num_neurons <= (1 << 30),
      "RadiX-Net needs N = 16 * 2^D with D >= 1 (e.g. 1024, 4096, 16384, 65536), got N = " << num_neurons);
  m_block_length = 0;
  while ((std::int64_t(1) << m_block_length) < m)
    ++m_block_length;
}

std::vector<std::int32_t> RadixNet::permutation(int block) const
{
  std::vector<std::int32_t> perm(m_num_neurons);
  for (std::int64_t i = 0; i < m_num_neurons; ++i)
    perm[i] = static_cast<std::int32_t>(i);
  if (block == 0)
    return perm;
  // Fisher-Yates with a generator seeded from (seed, block): layers of one block share π_b.
  SplitMix64 rng(m_seed * 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(block));
  for (std::int64_t i = m_num_neurons - 1; i > 0; --i)
    std::swap(perm[i], perm[rng.below(static_cast<std::uint64_t>(i) + 1)]);
  return perm;
}

HostCsc RadixNet::layer(int l) const
{
  SDNN_USER_REQUIRE(l >= 1, "RadiX-Net layers are numbered from 1, got " << l);
  std::int64_t const n = m_num_neurons, m = n / 16;
  int const k = (l - 1) % m_block_length;
  int const block = (l - 1) / m_block_length;
  std::int64_t const s = std::int64_t(1) << k;
  auto const perm = permutation(block);
  // Row i has its entries in the columns j ≡ a(i) and j ≡ a(i) - s (mod M), a(i) = π(i) mod M: column j holds the
  // 16 rows of residue j mod M and the 16 of residue (j + s) mod M. Rows bucketed by residue (ascending in each),
  // then every column is the merge of its two buckets: the CSC directly, in O(nnz).
  std::vector<std::int32_t> by_residue(n), filled(m, 0);
  for (std::int64_t i = 0; i < n; ++i)
  {
    auto const a = perm[i] % m;
    by_residue[a * 16 + filled[a]++] = static_cast<std::int32_t>(i);
  }
  HostCsc::offsets_view col_ptr(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::RadixNet::col_ptr"), n + 1);
  HostCsc::indices_view row_idx(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::RadixNet::row_idx"), n * 32);
  HostCsc::values_view values(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::RadixNet::values"), n * 32);
  auto const *buckets = by_residue.data();
  Kokkos::parallel_for("Sdnn::RadixNet::layer", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n),
                       [=](std::int64_t j)
                       {
                         col_ptr(j + 1) = 32 * (j + 1);
                         auto const *a = buckets + (j % m) * 16, *b = buckets + ((j + s) % m) * 16;
                         auto const *a_end = a + 16, *b_end = b + 16;
                         for (std::int64_t e = 32 * j; e < 32 * (j + 1); ++e)
                         {
                           row_idx(e) = (b == b_end || (a != a_end && *a < *b)) ? *a++ : *b++;
                           values(e) = 1.0f / 16.0f;
                         }
                       });
  Kokkos::fence();
  col_ptr(0) = 0;
  return HostCsc(static_cast<std::int32_t>(n), static_cast<std::int32_t>(n), col_ptr, row_idx, values);
}

HostCsc challenge_images(GrayImages const &images, std::int64_t num_neurons, double threshold)
{
  int const side = image_side(num_neurons);
  int const h = images.height, w = images.width;
  SDNN_USER_REQUIRE(h > 0 && w > 0 && images.pixels.size() == static_cast<std::size_t>(images.count) * h * w,
                    "gray images: " << images.pixels.size() << " bytes do not hold " << images.count << " images of "
                                    << h << " x " << w);
  // Interpolation kernels: kr[o][r] = sinc(o·h/S − r), kc[o][c] = sinc(o·w/S − c).
  std::vector<double> kr(side * h), kc(side * w);
  for (int o = 0; o < side; ++o)
  {
    for (int r = 0; r < h; ++r)
      kr[o * h + r] = sinc(o * static_cast<double>(h) / side - r);
    for (int c = 0; c < w; ++c)
      kc[o * w + c] = sinc(o * static_cast<double>(w) / side - c);
  }

  HostCsr out;
  out.num_rows = images.count;
  out.num_cols = num_neurons;
  out.row_ptr.assign(1, 0);
  // Chunks bound the on/off mask to about 64 MiB whatever N is.
  std::int64_t const chunk = std::max<std::int64_t>(1, (std::int64_t(1) << 26) / num_neurons);
  std::vector<std::uint8_t> mask;
  for (std::int64_t first = 0; first < images.count; first += chunk)
  {
    std::int64_t const count = std::min(chunk, images.count - first);
    mask.assign(static_cast<std::size_t>(count * num_neurons), 0);
    auto *mask_data = mask.data();
    auto const *pixels = images.pixels.data();
    Kokkos::parallel_for(
        "Sdnn::generator::resample_images", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, count),
        [&](std::int64_t i)
        {
          auto const *x = pixels + (first + i) * h * w;
          std::vector<double> t(static_cast<std::size_t>(h) * side, 0.0); // t[r][oc] = Σ_c x[r][c]·kc[oc][c]
          for (int r = 0; r < h; ++r)
            for (int c = 0; c < w; ++c)
            {
              if (x[r * w + c] == 0)
                continue;
              double const v = x[r * w + c] / 255.0;
              for (int oc = 0; oc < side; ++oc)
                t[r * side + oc] += v * kc[oc * w + c];
            }
          auto *m = mask_data + i * num_neurons;
          for (int orow = 0; orow < side; ++orow)
            for (int oc = 0; oc < side; ++oc)
            {
              double y = 0.0;
              for (int r = 0; r < h; ++r)
                y += kr[orow * h + r] * t[r * side + oc];
              m[orow + static_cast<std::int64_t>(side) * oc] = y > threshold ? 1 : 0;
            }
        });
    for (std::int64_t i = 0; i < count; ++i)
    {
      for (std::int64_t p = 0; p < num_neurons; ++p)
        if (mask[i * num_neurons + p] != 0)
        {
          out.col_idx.push_back(static_cast<std::int32_t>(p));
          out.values.push_back(1.0f);
        }
      out.row_ptr.push_back(static_cast<std::int64_t>(out.col_idx.size()));
    }
  }
  return to_csc(out);
}

GrayImages synthetic_gray_images(std::int64_t count, std::uint64_t seed)
{
  SDNN_USER_REQUIRE(count >= 0, "negative image count " << count);
  GrayImages images;
  images.count = count;
  images.height = images.width = 28;
  images.pixels.assign(static_cast<std::size_t>(count) * 28 * 28, 0);
  for (std::int64_t i = 0; i < count; ++i)
  {
    SplitMix64 rng(seed ^ (0xd1b54a32d192ed03ull * static_cast<std::uint64_t>(i + 1)));
    auto *img = images.pixels.data() + i * 28 * 28;
    int const strokes = 2 + static_cast<int>(rng.below(4));
    for (int s = 0; s < strokes; ++s)
    {
      double const x0 = 4 + 20 * rng.uniform(), y0 = 4 + 20 * rng.uniform();
      double const x1 = 4 + 20 * rng.uniform(), y1 = 4 + 20 * rng.uniform();
      double const half_width = 0.8 + 1.2 * rng.uniform();
      double const dx = x1 - x0, dy = y1 - y0, len2 = std::max(dx * dx + dy * dy, 1e-9);
      for (int r = 0; r < 28; ++r)
        for (int c = 0; c < 28; ++c)
        {
          double const t = std::clamp(((c - x0) * dx + (r - y0) * dy) / len2, 0.0, 1.0);
          double const d = std::hypot(c - (x0 + t * dx), r - (y0 + t * dy));
          double const v = 255.0 * std::clamp(1.5 - d / half_width, 0.0, 1.0);
          img[r * 28 + c] = static_cast<std::uint8_t>(std::max<double>(img[r * 28 + c], v));
        }
    }
  }
  return images;
}

} // namespace sdnn
