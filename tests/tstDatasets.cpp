// Generated datasets shared by the single-node and the MPI test suites.
#include "tstDatasets.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace sdnn::test
{

std::vector<HostCsc> radix_layers(std::int64_t n, int layers, std::uint64_t seed)
{
  RadixNet net(n, seed);
  std::vector<HostCsc> out;
  for (int l = 1; l <= layers; ++l)
    out.push_back(net.layer(l));
  return out;
}

Dataset sparse_dataset(std::uint64_t seed)
{
  std::int32_t const n = 256, rows = 300;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> weight(-0.5f, 0.6f);
  std::uniform_int_distribution<std::int32_t> index(0, n - 1);
  std::vector<HostCsc> layers;
  for (int l = 0; l < 10; ++l)
  {
    std::set<std::pair<std::int32_t, std::int32_t>> seen;
    Triplets t;
    for (int e = 0; e < 6 * n; ++e)
    {
      std::int32_t const i = index(rng), j = index(rng);
      if (!seen.insert({i, j}).second)
        continue;
      t.rows.push_back(i);
      t.cols.push_back(j);
      t.values.push_back(weight(rng));
    }
    layers.push_back(csc_from_triplets(n, n, t));
  }
  Triplets y;
  for (std::int32_t r = 0; r < rows; ++r)
  {
    if (r % 7 == 3)
      continue; // empty input rows are never categories
    std::set<std::int32_t> cols;
    for (int e = 0; e < 1 + r % 5; ++e)
      cols.insert(index(rng));
    for (auto c : cols)
    {
      y.rows.push_back(r);
      y.cols.push_back(c);
      y.values.push_back(1.0f + static_cast<float>(r % 3));
    }
  }
  return {"sparse-random-n256", csc_from_triplets(rows, n, y), layers, -0.05f, {}};
}

Dataset radix_dataset(std::int64_t n, int layers, std::int64_t images, std::uint64_t seed)
{
  auto const inputs = challenge_images(synthetic_gray_images(images, seed), n);
  return {"radix-n" + std::to_string(n) + "-l" + std::to_string(layers) + "-s" + std::to_string(seed),
          inputs,
          radix_layers(n, layers, seed),
          challenge_bias(n),
          {}};
}

Dataset skewed(Dataset d)
{
  auto const reference = reference_inference(d.inputs, d.layers, d.bias);
  std::int64_t const rows = d.inputs.num_rows();
  std::vector<bool> survives(rows, false);
  for (auto r : reference.categories)
    survives[r] = true;
  std::vector<std::int64_t> order; // new row k is old row order[k]
  for (int pass = 0; pass < 2; ++pass)
    for (std::int64_t r = 0; r < rows; ++r)
      if (survives[r] == (pass == 0))
        order.push_back(r);
  d.name += "-skewed";
  d.inputs = with_rows_in_order(d.inputs, order);
  d.expected = reference_inference(d.inputs, d.layers, d.bias);
  return d;
}

void expect_same_layers(std::vector<LayerStats> const &got, std::vector<LayerStats> const &want,
                        std::string const &what)
{
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t l = 0; l < want.size(); ++l)
  {
    EXPECT_EQ(got[l].active_rows, want[l].active_rows) << what << " layer " << l + 1;
    EXPECT_EQ(got[l].nnz, want[l].nnz) << what << " layer " << l + 1;
  }
}

void expect_same_result(InferenceResult const &got, InferenceResult const &want, std::string const &what)
{
  ASSERT_EQ(got.categories, want.categories) << what;
  expect_same_layers(got.layers, want.layers, what);
  auto const &a = got.activations;
  auto const &b = want.activations;
  ASSERT_EQ(a.num_rows, b.num_rows) << what;
  ASSERT_EQ(a.num_cols, b.num_cols) << what;
  ASSERT_EQ(a.row_ptr, b.row_ptr) << what;
  ASSERT_EQ(a.col_idx, b.col_idx) << what;
  for (std::size_t k = 0; k < b.values.size(); ++k)
    ASSERT_EQ(a.values[k], b.values[k]) << what << " value " << k; // bit for bit: same summation order
}

} // namespace sdnn::test
