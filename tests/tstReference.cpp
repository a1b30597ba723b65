#include "tstHelpers.hpp"

#include <cmath>
#include <random>

namespace
{

using sdnn::HostCsc;
using sdnn::Triplets;

HostCsc from_dense(std::int32_t rows, std::int32_t cols, std::vector<float> const &dense)
{
  Triplets t;
  for (std::int32_t r = 0; r < rows; ++r)
    for (std::int32_t c = 0; c < cols; ++c)
      if (dense[r * cols + c] != 0.0f)
      {
        t.rows.push_back(r);
        t.cols.push_back(c);
        t.values.push_back(dense[r * cols + c]);
      }
  return sdnn::csc_from_triplets(rows, cols, t);
}

std::vector<float> dense_activations(sdnn::InferenceResult const &result)
{
  auto const &a = result.activations;
  std::vector<float> dense(a.num_rows * a.num_cols, 0.0f);
  for (std::int64_t r = 0; r < a.num_rows; ++r)
    for (auto k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k)
      dense[r * a.num_cols + a.col_idx[k]] = a.values[k];
  return dense;
}

/// An independent dense implementation of the challenge semantics, accumulating in the same order and, like the
/// library, with one rounding per term when the library fuses its multiply-adds (tests build with -ffp-contract=off).
std::vector<float> dense_inference(std::vector<float> y, std::vector<std::vector<float>> const &layers, int rows, int n,
                                   float bias, float ymax)
{
  for (auto const &w : layers)
  {
    std::vector<float> z(rows * n, 0.0f);
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < n; ++j)
      {
        float sum = 0.0f;
        for (int i = 0; i < n; ++i)
          if (y[r * n + i] != 0.0f && w[i * n + j] != 0.0f)
          {
            float const a = y[r * n + i], b = w[i * n + j];
            if (sdnn::multiply_add_is_fused())
              sum = std::fma(a, b, sum);
            else
            {
              float const product = a * b;
              sum += product;
            }
          }
        if (sum != 0.0f)
          sum = std::min(std::max(sum + bias, 0.0f), ymax);
        z[r * n + j] = sum;
      }
    y = z;
  }
  return y;
}

} // namespace

TEST(Reference, HandComputedTwoLayers)
{
  // N = 3. Row 0 grows past the ceiling, row 1 dies in layer 1, row 2 is empty from the start.
  HostCsc const y0 = from_dense(3, 3, {10, 0, 0, /**/ 0, 0.1f, 0, /**/ 0, 0, 0});
  HostCsc const w1 = from_dense(3, 3, {2, 1, 0, /**/ 0, 1, 0, /**/ 0, 0, 1});
  HostCsc const w2 = from_dense(3, 3, {2, 0, 0.5f, /**/ 1, 0, 0, /**/ 0, 0, 1});
  auto const result = sdnn::reference_inference(y0, {w1, w2}, -0.5f, 32.0f);
  // Layer 1: row 0: z = [20, 10, 0] -> [19.5, 9.5, 0]; row 1: z = [0, 0.1, 0] -> 0.1 - 0.5 < 0 -> dead.
  // Layer 2: row 0: z = [2*19.5 + 9.5, 0, 0.5*19.5] = [48.5, 0, 9.75] -> [32 (clamped), 0, 9.25].
  EXPECT_EQ(dense_activations(result), (std::vector<float>{32, 0, 9.25f, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(result.categories, (std::vector<std::int64_t>{0}));
  ASSERT_EQ(result.layers.size(), 2u);
  EXPECT_EQ(result.layers[0].layer, 1);
  EXPECT_EQ(result.layers[0].active_rows, 1);
  EXPECT_EQ(result.layers[0].nnz, 2);
  EXPECT_EQ(result.layers[1].nnz, 2);
}

TEST(Reference, BiasOnlyOnNonzerosOfZ)
{
  // A positive bias must not turn structural or cancelled zeros of Z into activations.
  HostCsc const y0 = from_dense(1, 3, {1, 1, 0});
  HostCsc const w = from_dense(3, 3, {1, 0, 2, /**/ 1, 0, -2, /**/ 0, 0, 0}); // column 2 cancels exactly
  auto const result = sdnn::reference_inference(y0, {w}, 0.25f, 32.0f);
  EXPECT_EQ(dense_activations(result), (std::vector<float>{2.25f, 0, 0}));
}

TEST(Reference, DeadRowsStayDeadAndCategoriesAreActiveRows)
{
  HostCsc const y0 = from_dense(4, 2, {1, 0, /**/ 0, 0, /**/ 0.2f, 0, /**/ 3, 3});
  HostCsc const w = from_dense(2, 2, {1, 0, /**/ 0, 1});
  auto const result = sdnn::reference_inference(y0, {w, w, w}, -0.3f, 32.0f);
  // Row 0 loses 0.3 per layer (0.7, 0.4, 0.1), row 2 dies at once, row 3 keeps two entries.
  EXPECT_EQ(result.categories, (std::vector<std::int64_t>{0, 3}));
  std::vector<std::int64_t> active, nnz;
  for (auto const &s : result.layers)
  {
    active.push_back(s.active_rows);
    nnz.push_back(s.nnz);
  }
  EXPECT_EQ(active, (std::vector<std::int64_t>{2, 2, 2}));
  EXPECT_EQ(nnz, (std::vector<std::int64_t>{3, 3, 3}));
  float const bias = -0.3f; // float arithmetic, as the reference does it
  EXPECT_EQ(dense_activations(result)[0], ((1.0f + bias) + bias) + bias);
}

TEST(Reference, MatchesIndependentDenseImplementation)
{
  int const n = 48, rows = 20, num_layers = 6;
  for (unsigned seed : {1u, 2u, 3u, 4u})
  {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> value(-0.5f, 1.0f);
    std::bernoulli_distribution keep_w(0.15), keep_y(0.3);
    std::vector<float> y(rows * n, 0.0f);
    for (auto &v : y)
      v = keep_y(rng) ? value(rng) + 0.5f : 0.0f;
    std::vector<std::vector<float>> dense_layers(num_layers, std::vector<float>(n * n, 0.0f));
    std::vector<HostCsc> layers;
    for (auto &w : dense_layers)
    {
      for (auto &v : w)
        v = keep_w(rng) ? value(rng) : 0.0f;
      layers.push_back(from_dense(n, n, w));
    }
    float const bias = -0.1f, ymax = 4.0f;
    auto const result = sdnn::reference_inference(from_dense(rows, n, y), layers, bias, ymax);
    auto const expected = dense_inference(y, dense_layers, rows, n, bias, ymax);
    EXPECT_EQ(dense_activations(result), expected) << "seed " << seed;
    std::vector<std::int64_t> expected_categories;
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < n; ++j)
        if (expected[r * n + j] != 0.0f)
        {
          expected_categories.push_back(r);
          break;
        }
    EXPECT_EQ(result.categories, expected_categories) << "seed " << seed;
  }
}

TEST(Reference, CallbackSeesEveryLayer)
{
  sdnn::RadixNet const net(1024, 5);
  std::vector<HostCsc> layers{net.layer(1), net.layer(2), net.layer(3)};
  auto const images = sdnn::challenge_images(sdnn::synthetic_gray_images(30, 2), 1024);
  std::vector<int> seen;
  auto const result = sdnn::reference_inference(images, layers, -0.3f, 32.0f,
                                                [&](sdnn::LayerStats const &s) { seen.push_back(s.layer); });
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(result.activations.num_rows, 30);
  EXPECT_EQ(result.activations.num_cols, 1024);
  EXPECT_EQ(static_cast<std::int64_t>(result.activations.col_idx.size()), result.layers.back().nnz);
}

TEST(Reference, RejectsLayerOfWrongSize)
{
  HostCsc const y0 = from_dense(1, 3, {1, 1, 0});
  HostCsc const w = from_dense(2, 2, {1, 0, 0, 1});
  EXPECT_THROW(sdnn::reference_inference(y0, {w}, -0.3f), std::logic_error);
}

TEST(Reference, UsefulMultiplyAddsCountEachLayersInputTimesRowDegree)
{
  // W_1: 4 × 4 with 8 entries (row degree 2); W_2: 4 × 4 with 12 entries (row degree 3).
  HostCsc const w1 = from_dense(4, 4, {1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1});
  HostCsc const w2 = from_dense(4, 4, {1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1});
  std::vector<sdnn::LayerStats> stats = {{1, 2, 5}, {2, 1, 4}};
  EXPECT_DOUBLE_EQ(sdnn::useful_multiply_adds(3, stats, {w1, w2}), 3 * 2 + 5 * 3);
  // All rows dead after layer 1: the second layer adds nothing, with or without its figures.
  stats = {{1, 0, 0}};
  EXPECT_DOUBLE_EQ(sdnn::useful_multiply_adds(3, stats, {w1, w2}), 3 * 2);
  EXPECT_DOUBLE_EQ(sdnn::useful_multiply_adds(0, {}, {w1, w2}), 0.0);
}
