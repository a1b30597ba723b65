// Consumer of the installed sdnn package: builds a 2-layer RadiX-Net network, runs the reference
// inference on a few hand-made inputs and checks it against a dense computation done here.
// Exit status 0 when everything matches, 1 otherwise.
#include <Sdnn.hpp>
#include <Sdnn_Config.hpp>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <vector>

namespace
{

constexpr std::int32_t n = 1024;
constexpr float bias = -0.3f;

int failures = 0;

void expect(bool condition, char const *what)
{
  if (!condition)
  {
    std::cerr << "sdnn_install_test: FAILED: " << what << "\n";
    ++failures;
  }
}

using Dense = std::vector<float>; // row-major

// Dense n x n copy of a CSC layer, read straight from its Kokkos Views.
Dense dense_layer(sdnn::HostCsc const &w)
{
  Dense d(static_cast<std::size_t>(n) * n, 0.0f);
  for (std::int32_t j = 0; j < w.num_cols(); ++j)
    for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
      d[static_cast<std::size_t>(w.row_idx()(k)) * n + j] = w.values()(k);
  return d;
}

// Y <- min(max(Y·W + bias on the nonzeros of Y·W, 0), ymax), accumulating in ascending inner index.
Dense dense_layer_step(Dense const &y, std::int32_t rows, Dense const &w)
{
  Dense next(static_cast<std::size_t>(rows) * n, 0.0f);
  for (std::int32_t r = 0; r < rows; ++r)
    for (std::int32_t j = 0; j < n; ++j)
    {
      float z = 0.0f;
      for (std::int32_t i = 0; i < n; ++i)
      {
        float const yi = y[static_cast<std::size_t>(r) * n + i];
        if (yi != 0.0f)
          z += yi * w[static_cast<std::size_t>(i) * n + j];
      }
      if (z == 0.0f)
        continue;
      float v = z + bias;
      v = v < 0.0f ? 0.0f : (v > sdnn::challenge_ymax ? sdnn::challenge_ymax : v);
      next[static_cast<std::size_t>(r) * n + j] = v;
    }
  return next;
}

} // namespace

int main(int argc, char **argv)
{
  Kokkos::ScopeGuard guard(argc, argv);
  std::cout << "sdnn version " << SDNN_VERSION_STRING << " (" << SDNN_VERSION_MAJOR << "." << SDNN_VERSION_MINOR << "."
            << SDNN_VERSION_PATCH << ")\n";

  // Network: RadiX-Net layers 1 and 2 for N = 1024.
  sdnn::RadixNet const radixnet(n, 1);
  std::vector<sdnn::HostCsc> layers{radixnet.layer(1), radixnet.layer(2)};
  for (auto const &w : layers)
  {
    expect(w.num_rows() == n && w.num_cols() == n, "RadiX-Net layer is N x N");
    expect(w.nnz() == 32 * static_cast<std::int64_t>(n), "RadiX-Net layer has 32 entries per column");
  }

  // Inputs: 6 rows of ones.
  //   0: columns 0..255     1: empty            2: column 5 alone (dies: 1/16 - 0.3 < 0)
  //   3: all columns (every activation is 32/16 - 0.3 = 1.7, then 1.7*2 - 0.3 = 3.1)
  //   4: every 4th column   5: columns 100..131 (32 distinct residues mod N/16: 2/16 - 0.3 < 0, dies)
  std::int32_t const rows = 6;
  sdnn::Triplets triplets;
  auto add = [&](std::int32_t r, std::int32_t c)
  {
    triplets.rows.push_back(r);
    triplets.cols.push_back(c);
    triplets.values.push_back(1.0f);
  };
  for (std::int32_t c = 0; c < 256; ++c)
    add(0, c);
  add(2, 5);
  for (std::int32_t c = 0; c < n; ++c)
    add(3, c);
  for (std::int32_t c = 0; c < n; c += 4)
    add(4, c);
  for (std::int32_t c = 100; c < 132; ++c)
    add(5, c);
  sdnn::HostCsc const inputs = sdnn::csc_from_triplets(rows, n, triplets);
  expect(inputs.nnz() == static_cast<std::int64_t>(triplets.size()), "inputs keep every triplet");

  int callbacks = 0;
  auto const result = sdnn::reference_inference(inputs, layers, bias, sdnn::challenge_ymax,
                                                [&](sdnn::LayerStats const &) { ++callbacks; });

  // Independent dense computation.
  Dense y(static_cast<std::size_t>(rows) * n, 0.0f);
  for (std::size_t k = 0; k < triplets.size(); ++k)
    y[static_cast<std::size_t>(triplets.rows[k]) * n + triplets.cols[k]] = triplets.values[k];
  std::vector<sdnn::LayerStats> expected_stats;
  for (std::size_t l = 0; l < layers.size(); ++l)
  {
    y = dense_layer_step(y, rows, dense_layer(layers[l]));
    sdnn::LayerStats s;
    s.layer = static_cast<int>(l + 1);
    for (std::int32_t r = 0; r < rows; ++r)
    {
      std::int64_t row_nnz = 0;
      for (std::int32_t j = 0; j < n; ++j)
        row_nnz += y[static_cast<std::size_t>(r) * n + j] != 0.0f ? 1 : 0;
      s.nnz += row_nnz;
      s.active_rows += row_nnz > 0 ? 1 : 0;
    }
    expected_stats.push_back(s);
  }
  std::vector<std::int64_t> expected_categories;
  for (std::int32_t r = 0; r < rows; ++r)
    for (std::int32_t j = 0; j < n; ++j)
      if (y[static_cast<std::size_t>(r) * n + j] != 0.0f)
      {
        expected_categories.push_back(r);
        break;
      }

  // Compare.
  expect(callbacks == 2, "on_layer called once per layer");
  expect(result.layers.size() == 2, "two layer stats");
  for (std::size_t l = 0; l < result.layers.size() && l < expected_stats.size(); ++l)
  {
    expect(result.layers[l].layer == expected_stats[l].layer, "layer stats numbered 1, 2");
    expect(result.layers[l].active_rows == expected_stats[l].active_rows, "active rows per layer");
    expect(result.layers[l].nnz == expected_stats[l].nnz, "nnz per layer");
  }
  expect(result.categories == expected_categories, "categories equal the dense computation");
  auto const &a = result.activations;
  expect(a.num_rows == rows && a.num_cols == n, "activations are rows x 1024");
  bool activations_match = a.row_ptr.size() == static_cast<std::size_t>(rows) + 1;
  for (std::int32_t r = 0; activations_match && r < rows; ++r)
  {
    Dense row(n, 0.0f);
    for (auto k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k)
      row[a.col_idx[k]] = a.values[k];
    for (std::int32_t j = 0; j < n; ++j)
      if (std::fabs(row[j] - y[static_cast<std::size_t>(r) * n + j]) > 1e-6f)
        activations_match = false;
  }
  expect(activations_match, "activations equal the dense computation");

  // Hand-derived facts that do not depend on the dense code above.
  auto is_category = [&](std::int64_t r)
  {
    for (auto c : result.categories)
      if (c == r)
        return true;
    return false;
  };
  expect(is_category(0) && is_category(3) && is_category(4) && !is_category(1) && !is_category(2) && !is_category(5),
         "rows 0, 3, 4 in; 1 (empty), 2 (one pixel), 5 out");
  bool row3_ok = a.row_ptr.size() > 4 && a.row_ptr[4] - a.row_ptr[3] == n;
  for (auto k = row3_ok ? a.row_ptr[3] : 0; row3_ok && k < a.row_ptr[4]; ++k)
    row3_ok = std::fabs(a.values[k] - 3.1f) < 1e-5f;
  expect(row3_ok, "row 3 ends with 1024 activations of 3.1");

  std::cout << "categories (1-based):";
  for (auto c : result.categories)
    std::cout << " " << c + 1;
  std::cout << "\nexpected   (1-based):";
  for (auto c : expected_categories)
    std::cout << " " << c + 1;
  std::cout << "\nlayer stats:";
  for (auto const &s : result.layers)
    std::cout << " [layer " << s.layer << ": " << s.active_rows << " active rows, " << s.nnz << " nnz]";
  std::cout << "\n";

  if (failures > 0)
  {
    std::cerr << "sdnn_install_test: " << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "sdnn_install_test: all checks passed\n";
  return 0;
}
