// Tests on the real Graph Challenge N=1024 data in ../shared (skipped when it is absent).
#include "tstHelpers.hpp"

#include <set>

namespace
{

class RealData : public ::testing::Test
{
protected:
  void SetUp() override
  {
    m_dir = sdnn::test::real_data_dir();
    if (m_dir.empty())
      GTEST_SKIP() << "real challenge data not found under " << SDNN_SHARED_DATA_DIR;
  }
  std::string m_dir;
};

} // namespace

TEST_F(RealData, ReferenceGivesThe19TruthRowsAndThePublishedTrajectory)
{
  auto const images = sdnn::read_tsv_matrix(m_dir + "/sparse-images-1024-first1200.tsv", sdnn::any_size, 1024);
  ASSERT_EQ(images.num_rows(), 1200);
  auto const paths = sdnn::challenge_paths(m_dir, 1024, 120);
  auto const network = sdnn::load_network(paths.layers, 1024, sdnn::challenge_bias(1024), sdnn::ReadOptions{false, ""});
  EXPECT_EQ(network.num_edges(), 3932160);
  auto const result = sdnn::reference_inference(images, network.layers, network.bias);

  std::vector<std::int64_t> const published = {287, 295,  386,  427,  428,  529,  571,  666,  757, 943,
                                               945, 1031, 1097, 1098, 1177, 1184, 1190, 1194, 1200};
  std::vector<std::int64_t> expected;
  for (auto r : published)
    expected.push_back(r - 1);
  EXPECT_EQ(result.categories, expected);

  // The truth file of all 60000 images, restricted to the first 1200, says the same.
  auto truth = sdnn::read_categories(paths.truth);
  EXPECT_EQ(truth.size(), 1812u);
  truth.erase(std::lower_bound(truth.begin(), truth.end(), 1200), truth.end());
  EXPECT_TRUE(sdnn::check_categories(result.categories, truth).passed());

  std::vector<std::int64_t> nnz;
  for (auto const &s : result.layers)
    nnz.push_back(s.nnz);
  std::vector<std::int64_t> published_nnz = {330320, 153280, 90016, 63200, 49376, 30464, 23040,
                                             22528,  21504,  21504, 20480, 20480, 19472};
  published_nnz.resize(120, 19456);
  EXPECT_EQ(nnz, published_nnz);
}

TEST_F(RealData, GeneratedLayers1To6AreByteIdentical)
{
  sdnn::test::TempDir tmp;
  sdnn::RadixNet const net(1024, 42);
  for (int l = 1; l <= 6; ++l)
  {
    auto const generated = tmp.file("n1024-l" + std::to_string(l) + ".tsv");
    sdnn::write_challenge_layer(generated, net.layer(l));
    auto const real = sdnn::challenge_layer_path(sdnn::challenge_weights_dir(m_dir, 1024), 1024, l);
    EXPECT_EQ(sdnn::read_file(generated), sdnn::read_file(real)) << "layer " << l;
  }
}

TEST_F(RealData, RealLayers7To12AreRadixNetWithOnePermutation)
{
  // The reconstruction's claim: layers of block 1 share one row permutation π_1.
  std::int64_t const n = 1024, m = 64;
  std::vector<std::int32_t> residue(n, -1); // π_1(i) mod M recovered from layer 7 (s = 1)
  for (int l = 7; l <= 12; ++l)
  {
    auto const w =
        sdnn::read_tsv_matrix(sdnn::challenge_layer_path(sdnn::challenge_weights_dir(m_dir, 1024), 1024, l), n, n);
    std::int64_t const s = std::int64_t(1) << (l - 7);
    auto const csr = sdnn::to_csr(w);
    for (std::int64_t i = 0; i < n; ++i)
    {
      std::set<std::int32_t> residues;
      for (auto k = csr.row_ptr[i]; k < csr.row_ptr[i + 1]; ++k)
        residues.insert(static_cast<std::int32_t>(csr.col_idx[k] % m));
      ASSERT_EQ(residues.size(), 2u) << "layer " << l << " row " << i;
      if (l == 7) // s = 1: residues {a, a - 1}, a is the one whose predecessor is the other
      {
        auto const r0 = *residues.begin(), r1 = *residues.rbegin();
        residue[i] = (r0 + m - 1) % m == r1 ? r0 : r1;
      }
      std::set<std::int32_t> const expected = {residue[i], static_cast<std::int32_t>((residue[i] + m - s) % m)};
      EXPECT_EQ(residues, expected) << "layer " << l << " row " << i;
    }
  }
}

TEST_F(RealData, EveryParallelModeGivesThe19RowsAndTheReferenceActivations)
{
  auto const images = sdnn::read_tsv_matrix(m_dir + "/sparse-images-1024-first1200.tsv", sdnn::any_size, 1024);
  auto const paths = sdnn::challenge_paths(m_dir, 1024, 120);
  auto const network = sdnn::load_network(paths.layers, 1024, sdnn::challenge_bias(1024), sdnn::ReadOptions{false, ""});
  auto const expected = sdnn::reference_inference(images, network.layers, network.bias);
  ASSERT_EQ(expected.categories.size(), 19u);
  auto check = [&](auto const &space)
  {
    for (auto mode : sdnn::all_parallelisms())
      for (auto recruitment :
           {sdnn::Recruitment::earliest_first, sdnn::Recruitment::slower_first, sdnn::Recruitment::faster_first})
        for (auto hash : {sdnn::RowHash::none, sdnn::RowHash::stride, sdnn::RowHash::feistel})
        {
          if (mode != sdnn::Parallelism::data_then_model && recruitment != sdnn::Recruitment::earliest_first)
            continue;
          sdnn::InferenceOptions options;
          options.parallelism = mode;
          options.recruitment = recruitment;
          options.hash = hash;
          auto const got = sdnn::infer(space, images, network.layers, network.bias, options);
          std::string const what = std::string(space.name()) + " " + sdnn::name(mode) + " " + sdnn::name(recruitment) +
                                   " " + sdnn::name(hash);
          EXPECT_EQ(got.categories, expected.categories) << what;
          ASSERT_EQ(got.layers.size(), 120u) << what;
          for (int l = 0; l < 120; ++l)
            EXPECT_EQ(got.layers[l].nnz, expected.layers[l].nnz) << what << " layer " << l + 1;
          EXPECT_EQ(got.activations.row_ptr, expected.activations.row_ptr) << what;
          EXPECT_EQ(got.activations.col_idx, expected.activations.col_idx) << what;
          EXPECT_EQ(got.activations.values, expected.activations.values) << what;
        }
  };
  check(Kokkos::DefaultHostExecutionSpace());
#ifdef KOKKOS_ENABLE_SERIAL
  if (Kokkos::DefaultHostExecutionSpace().concurrency() == 1) // Serial does not depend on the thread count
    check(Kokkos::Serial());
#endif
}
