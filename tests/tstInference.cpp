// Every parallel mode x hash x kernel on every host backend of the build gives exactly the reference's
// categories, per-layer figures and final activations (bit for bit).
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <impl/Sdnn_LayerGroups.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace
{

using sdnn::HostCsc;
using sdnn::InferenceOptions;
using sdnn::KernelChoice;
using sdnn::Parallelism;
using sdnn::Recruitment;
using sdnn::RowHash;
using sdnn::test::Dataset;
using sdnn::test::radix_dataset;
using sdnn::test::radix_layers;
using sdnn::test::sparse_dataset;

/// The datasets of the test matrix, with their reference results, built once per process.
std::vector<Dataset> const &datasets()
{
  // Built once per process; the Views go before Kokkos::finalize.
  static std::vector<Dataset> all = []
  {
    Kokkos::push_finalize_hook([] { all.clear(); });
    std::vector<Dataset> d;
    d.push_back(radix_dataset(1024, 12, 160, 1)); // shallow: rows still dying, tiles go sparse to dense
    d.push_back(radix_dataset(1024, 120, 48, 2)); // deep: survivors saturate, dense phase
    d.push_back(radix_dataset(4096, 6, 32, 3));   // N = 4096
    d.push_back(sparse_dataset(4));               // sparse all along, gradual deaths
    for (auto &x : d)
      x.expected = sdnn::reference_inference(x.inputs, x.layers, x.bias);
    return d;
  }();
  return all;
}

struct Variant
{
  Parallelism parallelism;
  Recruitment recruitment;
  RowHash hash;
  KernelChoice kernel;
  std::int64_t tile_rows;
};

std::string variant_name(Variant const &v)
{
  std::string s = sdnn::name(v.parallelism);
  if (v.parallelism == Parallelism::data_then_model)
    s += "_" + sdnn::name(v.recruitment);
  for (auto &c : s)
    if (c == '-')
      c = '_';
  return s;
}

/// The mode variants: each parallelism, and data-then-model with each recruitment strategy.
std::vector<Variant> mode_variants()
{
  std::vector<Variant> out;
  for (auto mode : sdnn::all_parallelisms())
    if (mode == Parallelism::data_then_model)
      for (auto strategy : {Recruitment::earliest_first, Recruitment::slower_first, Recruitment::faster_first})
        out.push_back({mode, strategy, RowHash::none, KernelChoice::automatic, 0});
    else
      out.push_back({mode, Recruitment::earliest_first, RowHash::none, KernelChoice::automatic, 0});
  return out;
}

/// Every hash x kernel of a mode variant, plus several tiles per thread of an odd size (partial dense panels).
std::vector<Variant> combinations(Variant const &mode)
{
  std::vector<Variant> out;
  for (auto hash : {RowHash::none, RowHash::stride, RowHash::feistel})
    for (auto kernel : {KernelChoice::automatic, KernelChoice::sparse, KernelChoice::dense})
      out.push_back({mode.parallelism, mode.recruitment, hash, kernel, 0});
  out.push_back({mode.parallelism, mode.recruitment, RowHash::stride, KernelChoice::automatic, 7});
  return out;
}

template <class ExecutionSpace> void check_variant(Variant const &v)
{
  ExecutionSpace const space;
  InferenceOptions options;
  options.parallelism = v.parallelism;
  options.recruitment = v.recruitment;
  options.hash = v.hash;
  options.hash_seed = 12345;
  options.kernel = v.kernel;
  options.tile_rows = v.tile_rows;
  for (auto const &d : datasets())
  {
    sdnn::WorkReport report;
    auto const got = sdnn::infer(space, d.inputs, d.layers, d.bias, options, &report);
    std::string const what = std::string(ExecutionSpace::name()) + " " + variant_name(v) + " hash " +
                             sdnn::name(v.hash) + " kernel " + sdnn::name(v.kernel) + " tile_rows " +
                             std::to_string(v.tile_rows) + " on " + d.name;
    sdnn::test::expect_same_result(got, d.expected, what);
    EXPECT_EQ(report.threads, space.concurrency()) << what;
    EXPECT_EQ(report.busy_seconds.size(), static_cast<std::size_t>(space.concurrency())) << what;
    double busy_sum = 0.0, busy_max = 0.0;
    for (double b : report.busy_seconds)
    {
      EXPECT_GE(b, 0.0) << what;
      busy_sum += b;
      busy_max = std::max(busy_max, b);
    }
    EXPECT_GT(busy_sum, 0.0) << "no busy time measured, " << what;
    EXPECT_DOUBLE_EQ(report.imbalance(), busy_max * report.busy_seconds.size() / busy_sum) << what;
    EXPECT_EQ(report.dense_tile_layers + report.sparse_tile_layers,
              report.tiles * static_cast<std::int64_t>(d.layers.size()))
        << what;
    if (v.kernel == KernelChoice::dense)
    {
      EXPECT_EQ(report.sparse_tile_layers, 0) << what;
    }
    if (v.kernel == KernelChoice::sparse && v.parallelism != Parallelism::data_then_model)
    {
      EXPECT_EQ(report.dense_tile_layers, 0) << what;
    }
    if (::testing::Test::HasFatalFailure())
      return;
  }
}

class InferenceModes : public ::testing::TestWithParam<Variant>
{
};

TEST_P(InferenceModes, DefaultHostSpaceMatchesReferenceForEveryHashAndKernel)
{
  for (auto const &v : combinations(GetParam()))
  {
    check_variant<Kokkos::DefaultHostExecutionSpace>(v);
    if (HasFatalFailure())
      return;
  }
}

#ifdef KOKKOS_ENABLE_SERIAL
TEST_P(InferenceModes, SerialMatchesReferenceForEveryHashAndKernel)
{
  // Serial does not depend on the thread count: run it in the 1-thread variant of the suite only.
  if (Kokkos::DefaultHostExecutionSpace().concurrency() != 1)
    GTEST_SKIP() << "Serial runs in the 1-thread variant";
  for (auto const &v : combinations(GetParam()))
  {
    check_variant<Kokkos::Serial>(v);
    if (HasFatalFailure())
      return;
  }
}
#endif

INSTANTIATE_TEST_SUITE_P(Inference, InferenceModes, ::testing::ValuesIn(mode_variants()),
                         [](auto const &info) { return variant_name(info.param); });

} // namespace

TEST(Inference, KernelChoicesReallyRunTheirKernel)
{
  // The sparse dataset stays sparse under `auto`; the deep RadiX-Net one goes dense.
  Kokkos::DefaultHostExecutionSpace space;
  auto const &d = datasets();
  sdnn::WorkReport sparse_report, dense_report;
  InferenceOptions options;
  sdnn::infer(space, d[3].inputs, d[3].layers, d[3].bias, options, &sparse_report);
  EXPECT_GT(sparse_report.sparse_tile_layers, 0);
  sdnn::infer(space, d[1].inputs, d[1].layers, d[1].bias, options, &dense_report);
  EXPECT_GT(dense_report.dense_tile_layers, dense_report.sparse_tile_layers);
}

TEST(Inference, DenseKernelCountsItsMultiplyAdds)
{
  // Forced dense, every layer l multiplies the rows still alive before it by every entry of W_l: the report's
  // count is Σ_l live_{l-1} × nnz(W_l), whether the layer runs whole (data) or split by columns (model).
  Kokkos::DefaultHostExecutionSpace space;
  auto const &d = datasets()[0];
  auto const row_idx = d.inputs.row_idx();
  std::vector<bool> nonempty(d.inputs.num_rows(), false);
  for (std::size_t k = 0; k < row_idx.extent(0); ++k)
    nonempty[row_idx(k)] = true;
  std::int64_t live = std::count(nonempty.begin(), nonempty.end(), true), expected = 0;
  for (std::size_t l = 0; l < d.layers.size(); ++l)
  {
    expected += live * static_cast<std::int64_t>(d.layers[l].nnz());
    live = d.expected.layers[l].active_rows;
  }
  for (auto mode : {sdnn::Parallelism::data, sdnn::Parallelism::model})
  {
    InferenceOptions options;
    options.kernel = sdnn::KernelChoice::dense;
    options.parallelism = mode;
    sdnn::WorkReport report;
    auto const got = sdnn::infer(space, d.inputs, d.layers, d.bias, options, &report);
    sdnn::test::expect_same_result(got, d.expected, "dense, " + report.parallelism);
    EXPECT_EQ(report.dense_multiply_adds, expected) << report.parallelism;
    EXPECT_GT(report.dense_seconds, 0.0) << report.parallelism;
    // Every multiply-add is in the rate histogram once; the median is a rate some step ran at.
    auto const &h = report.dense_rate_histogram;
    ASSERT_EQ(h.size(), static_cast<std::size_t>(sdnn::WorkReport::dense_rate_bins)) << report.parallelism;
    EXPECT_EQ(std::accumulate(h.begin(), h.end(), std::int64_t(0)), expected) << report.parallelism;
    int const bin = sdnn::WorkReport::dense_rate_bin(report.dense_median_rate());
    EXPECT_GT(h[bin], 0) << report.parallelism;
  }
}

TEST(Inference, DenseMedianRateIsWeightedByMultiplyAdds)
{
  using sdnn::WorkReport;
  // Bins: 16 per doubling from 2^20; a rate r falls in floor(16 (log2 r - 20)), clamped to the range.
  EXPECT_EQ(WorkReport::dense_rate_bin(0.0), 0);
  EXPECT_EQ(WorkReport::dense_rate_bin(1.0), 0);
  EXPECT_EQ(WorkReport::dense_rate_bin(std::exp2(20.0)), 0);
  EXPECT_EQ(WorkReport::dense_rate_bin(std::exp2(21.0) * 1.001), 16);
  EXPECT_EQ(WorkReport::dense_rate_bin(std::exp2(36.0) * 1.001), 256);
  EXPECT_EQ(WorkReport::dense_rate_bin(1e30), WorkReport::dense_rate_bins - 1);
  WorkReport report;
  EXPECT_EQ(report.dense_median_rate(), 0.0);
  report.dense_rate_histogram.assign(WorkReport::dense_rate_bins, 0);
  // 60 multiply-adds fast (bin 300), 50 at bin 200, 100 slow (bin 100): half of the 210 is reached at bin 200.
  report.dense_rate_histogram[300] = 60;
  report.dense_rate_histogram[200] = 50;
  report.dense_rate_histogram[100] = 100;
  EXPECT_DOUBLE_EQ(report.dense_median_rate(), std::exp2(20.0 + 200.5 / 16));
  // One long step (a descheduled thread) with little work does not move it.
  report.dense_rate_histogram[1] = 5;
  EXPECT_DOUBLE_EQ(report.dense_median_rate(), std::exp2(20.0 + 200.5 / 16));
  // Half exactly: the faster bin.
  report.dense_rate_histogram.assign(WorkReport::dense_rate_bins, 0);
  report.dense_rate_histogram[250] = 10;
  report.dense_rate_histogram[150] = 10;
  EXPECT_DOUBLE_EQ(report.dense_median_rate(), std::exp2(20.0 + 250.5 / 16));
  EXPECT_NEAR(WorkReport::dense_rate_resolution(), 0.0443, 0.0001);
}

TEST(Inference, DataThenModelOnASkewedInputMatchesReference)
{
  Kokkos::DefaultHostExecutionSpace space;
  int const threads = space.concurrency();
  if (threads < 2)
    GTEST_SKIP() << "needs 2 threads";
  // Part 0 holds every live row; the other parts only rows that die in the first layer, so their threads
  // are soon idle while part 0 has 120 layers of dense work left (whether they are recruited depends on
  // the OS scheduler; the deterministic case is the next test).
  auto const deep = radix_dataset(1024, 120, 96, 7);
  sdnn::Triplets t;
  std::int32_t const rows = 96 * threads;
  auto const csr = sdnn::to_csr(deep.inputs);
  for (std::int32_t r = 0; r < 96; ++r)
    for (auto k = csr.row_ptr[r]; k < csr.row_ptr[r + 1]; ++k)
    {
      t.rows.push_back(r);
      t.cols.push_back(csr.col_idx[k]);
      t.values.push_back(csr.values[k]);
    }
  for (std::int32_t r = 96; r < rows; ++r)
  {
    t.rows.push_back(r);
    t.cols.push_back(r % 1024);
    t.values.push_back(1.0f); // one pixel: 32 x 1/16 = 2 at most, minus 0.3, then it dies within a few layers
  }
  auto const inputs = sdnn::csc_from_triplets(rows, 1024, t);
  auto const expected = sdnn::reference_inference(inputs, deep.layers, deep.bias);
  for (auto strategy : {Recruitment::earliest_first, Recruitment::slower_first, Recruitment::faster_first})
  {
    InferenceOptions options;
    options.parallelism = Parallelism::data_then_model;
    options.recruitment = strategy;
    options.tile_rows = 96; // one tile per part
    sdnn::WorkReport report;
    auto const got = sdnn::infer(space, inputs, deep.layers, deep.bias, options, &report);
    sdnn::test::expect_same_result(got, expected, "skewed " + sdnn::name(strategy));
    EXPECT_EQ(report.tiles, threads);
  }
}

/// A row of a dataset's inputs that survives every layer (the first of the reference's categories), to build
/// inputs of known work from copies of it.
class SurvivingRow
{
public:
  explicit SurvivingRow(Dataset const &d)
  {
    auto const truth = sdnn::reference_inference(d.inputs, d.layers, d.bias);
    SDNN_REQUIRE(!truth.categories.empty(), d.name << " has no surviving row");
    auto const csr = sdnn::to_csr(d.inputs);
    auto const r = truth.categories[0];
    m_cols.assign(csr.col_idx.begin() + csr.row_ptr[r], csr.col_idx.begin() + csr.row_ptr[r + 1]);
    m_values.assign(csr.values.begin() + csr.row_ptr[r], csr.values.begin() + csr.row_ptr[r + 1]);
  }
  /// Appends the row's entries to `t` as row `row`.
  void copy_to(sdnn::Triplets &t, std::int32_t row) const
  {
    t.rows.insert(t.rows.end(), m_cols.size(), row);
    t.cols.insert(t.cols.end(), m_cols.begin(), m_cols.end());
    t.values.insert(t.values.end(), m_values.begin(), m_values.end());
  }

private:
  std::vector<std::int32_t> m_cols;
  std::vector<float> m_values;
};

TEST(Inference, WorkStealingStealsFromTheStraggler)
{
  Kokkos::DefaultHostExecutionSpace space;
  int const threads = space.concurrency();
  if (threads < 2)
    GTEST_SKIP() << "needs 2 threads";
  // Part 0 (the first queue) holds 12 tiles of 8 copies of a row that survives 120 layers; the other queues only
  // rows that die in the first layers, so their threads are idle within a millisecond while part 0 has tens of
  // milliseconds of work queued: they steal.
  auto const deep = radix_dataset(1024, 120, 96, 7);
  SurvivingRow const survivor(deep);
  sdnn::Triplets t;
  std::int32_t const rows = 96 * threads;
  for (std::int32_t r = 0; r < 96; ++r)
    survivor.copy_to(t, r);
  for (std::int32_t r = 96; r < rows; ++r)
  {
    t.rows.push_back(r);
    t.cols.push_back(r % 1024);
    t.values.push_back(1.0f); // one pixel: dies within a few layers
  }
  auto const inputs = sdnn::csc_from_triplets(rows, 1024, t);
  auto const expected = sdnn::reference_inference(inputs, deep.layers, deep.bias);
  ASSERT_EQ(expected.categories.size(), 96u);
  InferenceOptions options;
  options.parallelism = Parallelism::work_stealing;
  options.tile_rows = 8;
  // Stealing needs the other threads to run while part 0 still has tiles queued: on a loaded machine the system
  // may not schedule them at all during one run, so a few runs are allowed (each must be exact).
  std::int64_t steals = 0;
  for (int attempt = 1; attempt <= 5 && steals == 0; ++attempt)
  {
    sdnn::WorkReport report;
    sdnn::test::expect_same_result(sdnn::infer(space, inputs, deep.layers, deep.bias, options, &report), expected,
                                   "work-stealing on a straggler, run " + std::to_string(attempt));
    steals = report.steals;
  }
  EXPECT_GE(steals, 1);
}

TEST(Inference, DataThenModelRecruitsThreadsWithoutTilesFromTheFirstLayer)
{
  Kokkos::DefaultHostExecutionSpace space;
  int const threads = space.concurrency();
  if (threads < 2)
    GTEST_SKIP() << "needs 2 threads";
  // One tile for T threads: the T-1 parts without tiles are idle from the start, so the straggler recruits
  // them before its first layer, whatever the timing, and every layer is split by columns.
  auto const &d = datasets()[1];
  for (auto strategy : {Recruitment::earliest_first, Recruitment::slower_first, Recruitment::faster_first})
  {
    InferenceOptions options;
    options.parallelism = Parallelism::data_then_model;
    options.recruitment = strategy;
    options.tile_rows = d.inputs.num_rows();
    sdnn::WorkReport report;
    sdnn::test::expect_same_result(sdnn::infer(space, d.inputs, d.layers, d.bias, options, &report), d.expected,
                                   "one tile " + sdnn::name(strategy));
    EXPECT_EQ(report.tiles, 1);
    EXPECT_EQ(report.split_tile_layers, static_cast<std::int64_t>(d.layers.size())) << sdnn::name(strategy);
  }
}

TEST(Inference, DataThenModelStrategiesSendTheHelpersWhereTheySay)
{
  Kokkos::DefaultHostExecutionSpace space;
  int const threads = space.concurrency();
  if (threads < 3)
    GTEST_SKIP() << "needs 3 threads: two stragglers of different work and one idle thread";
  // T - 1 tiles for T parts: part 0 has none, so its thread is idle from the start; part p > 0 holds tile p - 1,
  // made of 128 p copies of a row that survives every layer (no row dies, so its work stays 128 p x layers
  // left) and empty rows. Every part's first layer is planned while the idle thread waits: slower-first gives it
  // to the part with the most work (the last), whatever the order in which the parts start; faster-first to
  // part 1 (unless part 2 had done half its layers before part 1 began its first).
  auto const deep = radix_dataset(1024, 30, 32, 11);
  SurvivingRow const survivor(deep);
  std::int32_t const tile = 128 * (threads - 1);
  sdnn::Triplets t;
  for (int p = 1; p < threads; ++p)
    for (std::int32_t k = 0; k < 128 * p; ++k)
      survivor.copy_to(t, (p - 1) * tile + k);
  auto const inputs = sdnn::csc_from_triplets((threads - 1) * tile, 1024, t);
  auto const expected = sdnn::reference_inference(inputs, deep.layers, deep.bias);
  ASSERT_EQ(static_cast<std::int32_t>(expected.categories.size()), 64 * threads * (threads - 1));
  for (auto strategy : {Recruitment::earliest_first, Recruitment::slower_first, Recruitment::faster_first})
  {
    InferenceOptions options;
    options.parallelism = Parallelism::data_then_model;
    options.recruitment = strategy;
    options.tile_rows = tile;
    sdnn::WorkReport report;
    auto const got = sdnn::infer(space, inputs, deep.layers, deep.bias, options, &report);
    sdnn::test::expect_same_result(got, expected, "strategies " + sdnn::name(strategy));
    ASSERT_EQ(report.tiles, threads - 1);
    EXPECT_EQ(report.recruitment, sdnn::name(strategy));
    ASSERT_EQ(static_cast<int>(report.recruited_helpers.size()), threads);
    EXPECT_GE(report.recruitments, 1) << sdnn::name(strategy);
    EXPECT_EQ(report.recruited_helpers[0], 0) << "the part without tiles recruited, " << sdnn::name(strategy);
    EXPECT_GE(report.first_recruiting_part, 1) << sdnn::name(strategy);
    if (strategy == Recruitment::slower_first)
    {
      EXPECT_EQ(report.first_recruiting_part, threads - 1) << "slower-first did not help the largest part first";
    }
    if (strategy == Recruitment::faster_first)
    {
      EXPECT_EQ(report.first_recruiting_part, 1) << "faster-first did not help the smallest part first";
    }
  }
}

TEST(Inference, EmptyInputsAndNoLayers)
{
  Kokkos::DefaultHostExecutionSpace space;
  auto const d = radix_dataset(1024, 3, 8, 5);
  auto const empty = sdnn::with_num_rows(d.inputs, 0);
  for (auto mode : sdnn::all_parallelisms())
  {
    InferenceOptions options;
    options.parallelism = mode;
    auto const none = sdnn::infer(space, empty, d.layers, d.bias, options);
    EXPECT_TRUE(none.categories.empty()) << sdnn::name(mode);
    sdnn::test::expect_same_result(sdnn::infer(space, d.inputs, {}, d.bias, options),
                                   sdnn::reference_inference(d.inputs, std::vector<sdnn::HostCsc>{}, d.bias),
                                   sdnn::name(mode) + " without layers");
  }
}

TEST(Inference, WithoutActivationsStillGivesCategories)
{
  Kokkos::DefaultHostExecutionSpace space;
  auto const &d = datasets()[0];
  InferenceOptions options;
  options.keep_activations = false;
  auto const got = sdnn::infer(space, d.inputs, d.layers, d.bias, options);
  EXPECT_EQ(got.categories, d.expected.categories);
  EXPECT_TRUE(got.activations.col_idx.empty());
}

TEST(Inference, ProgressIsReportedUpToTheTotal)
{
  Kokkos::DefaultHostExecutionSpace space;
  auto const &d = datasets()[1];
  for (auto mode : sdnn::all_parallelisms())
  {
    InferenceOptions options;
    options.parallelism = mode;
    std::int64_t last = 0, total = 0, calls = 0;
    options.progress = [&](std::int64_t done, std::int64_t all)
    {
      EXPECT_GE(done, last);
      last = done;
      total = all;
      ++calls;
    };
    sdnn::WorkReport report;
    sdnn::infer(space, d.inputs, d.layers, d.bias, options, &report);
    EXPECT_GT(calls, 0) << sdnn::name(mode);
    EXPECT_LE(calls, 21) << "every ~5 %, " << sdnn::name(mode);
    EXPECT_EQ(total, report.tiles * 120) << sdnn::name(mode);
    EXPECT_EQ(last, total) << "the last call reports the end, " << sdnn::name(mode);
  }
}

TEST(Inference, RejectsMismatchedLayers)
{
  Kokkos::DefaultHostExecutionSpace space;
  auto const d = radix_dataset(1024, 2, 4, 5);
  auto const other = radix_layers(2048, 1, 5);
  EXPECT_THROW(sdnn::infer(space, d.inputs, other, d.bias, {}), std::logic_error);
  InferenceOptions bad;
  bad.sparse_below = 0.9;
  EXPECT_THROW(sdnn::infer(space, d.inputs, d.layers, d.bias, bad), std::logic_error);
}

TEST(Inference, PreparedNetworkNamesTheFirstLayerWithANonFiniteWeight)
{
  // The layers are checked on the host's threads: whichever thread finds its layer's fault first, the error names
  // the lowest such layer.
  auto const d = radix_dataset(1024, 8, 4, 5);
  std::vector<HostCsc> layers;
  for (auto const &w : d.layers)
    layers.push_back(sdnn::create_copy<Kokkos::HostSpace>(Kokkos::DefaultHostExecutionSpace(), w));
  layers[6].values()(3) = std::numeric_limits<float>::infinity();
  layers[2].values()(7) = std::numeric_limits<float>::quiet_NaN();
  for (auto order : {sdnn::NeuronOrder::as_given, sdnn::NeuronOrder::clustered})
  {
    try
    {
      sdnn::PreparedNetwork const prepared(layers, d.bias, order);
      ADD_FAILURE() << "a network with non-finite weights was prepared";
    }
    catch (std::logic_error const &e)
    {
      EXPECT_NE(std::string(e.what()).find("layer 3 has the weight nan (entry 7)"), std::string::npos) << e.what();
    }
  }
}

TEST(Inference, NamesRoundTrip)
{
  for (auto mode : sdnn::all_parallelisms())
    EXPECT_EQ(sdnn::parse_parallelism(sdnn::name(mode)), mode);
  for (auto r : {Recruitment::earliest_first, Recruitment::slower_first, Recruitment::faster_first})
    EXPECT_EQ(sdnn::parse_recruitment(sdnn::name(r)), r);
  for (auto k : {KernelChoice::automatic, KernelChoice::sparse, KernelChoice::dense})
    EXPECT_EQ(sdnn::parse_kernel_choice(sdnn::name(k)), k);
  for (auto h : {RowHash::none, RowHash::stride, RowHash::feistel})
    EXPECT_EQ(sdnn::parse_row_hash(sdnn::name(h)), h);
  EXPECT_FALSE(sdnn::parse_parallelism("hybrid"));
  EXPECT_FALSE(sdnn::parse_row_hash(""));
}

TEST(Hash, EveryHashIsABijection)
{
  Kokkos::DefaultHostExecutionSpace space;
  for (std::int64_t n : {0, 1, 2, 3, 17, 1000, 4097})
    for (std::int64_t parts : {1, 2, 3, 7, 64})
      for (auto hash : {RowHash::none, RowHash::stride, RowHash::feistel})
      {
        auto const order = sdnn::row_order(space, hash, n, parts, 99);
        std::vector<int> seen(n, 0);
        for (std::int64_t p = 0; p < n; ++p)
        {
          ASSERT_GE(order(p), 0);
          ASSERT_LT(order(p), n);
          ++seen[order(p)];
        }
        for (std::int64_t r = 0; r < n; ++r)
          ASSERT_EQ(seen[r], 1) << sdnn::name(hash) << " n=" << n << " parts=" << parts << " row " << r;
      }
}

TEST(Hash, StrideInterleavesRowsAcrossParts)
{
  Kokkos::DefaultHostExecutionSpace space;
  // 10 rows in 3 parts: {0,3,6,9}, {1,4,7}, {2,5,8}.
  auto const order = sdnn::row_order(space, RowHash::stride, 10, 3, 0);
  std::vector<std::int32_t> got(order.data(), order.data() + 10);
  EXPECT_EQ(got, (std::vector<std::int32_t>{0, 3, 6, 9, 1, 4, 7, 2, 5, 8}));
}

TEST(Hash, FeistelDependsOnItsSeedAndSpreadsBlocks)
{
  Kokkos::DefaultHostExecutionSpace space;
  std::int64_t const n = 60000;
  auto const a = sdnn::row_order(space, RowHash::feistel, n, 1, 1);
  auto const b = sdnn::row_order(space, RowHash::feistel, n, 1, 2);
  std::int64_t same = 0;
  for (std::int64_t p = 0; p < n; ++p)
    same += a(p) == b(p) ? 1 : 0;
  EXPECT_LT(same, n / 100);
  // The first half of the positions holds about half of the first 6000 rows: blocks are spread out.
  std::int64_t early = 0;
  for (std::int64_t p = 0; p < n / 2; ++p)
    early += a(p) < 6000 ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(early), 3000.0, 300.0);
}

TEST(LayerGroups, RadixNetColumnsShareRowPatternsInGroupsOfSixteen)
{
  // RadiX-Net (and the challenge's networks): the 16 columns j ≡ c (mod N/16) have the same 32 rows.
  HostCsc const w = sdnn::RadixNet(1024, 1).layer(3);
  sdnn::impl::LayerGroups const groups(w, 8);
  EXPECT_EQ(groups.num_groups(), 64);
  auto const p = groups.pointers(w);
  ASSERT_NE(p.order, nullptr);
  std::vector<int> seen(1024, 0);
  for (std::int64_t pos = 0; pos < 1024;)
  {
    auto const block = p.block(pos, 1024, 5); // at most 5 columns, inside the kernel's block (of 8 with AVX-512)
    ASSERT_GE(block.width, 1);
    ASSERT_LE(block.width, 5);
    for (int c = 0; c < block.width; ++c)
    {
      auto const j = sdnn::impl::LayerPointers::column(block, c);
      ++seen[j];
      auto const first = w.col_ptr()(j);
      ASSERT_EQ(w.col_ptr()(j + 1) - first, block.length);
      for (std::int64_t k = 0; k < block.length; ++k)
      {
        EXPECT_EQ(w.row_idx()(first + k), block.rows[k]) << "column " << j;
        EXPECT_EQ(w.values()(first + k), block.values[k * block.stride + c]) << "column " << j;
      }
    }
    pos += block.width;
  }
  EXPECT_EQ(seen, std::vector<int>(1024, 1));
}

TEST(LayerGroups, GroupOfOneWeightStoresOneRowOfIt)
{
  // Columns 0-2 share rows {0, 2} with the weight 0.25 everywhere; columns 3-4 share rows {1, 3} with different
  // weights; column 5 holds row 1 alone (one weight).
  sdnn::Triplets t;
  auto add = [&](std::int32_t r, std::int32_t c, float v)
  {
    t.rows.push_back(r);
    t.cols.push_back(c);
    t.values.push_back(v);
  };
  for (std::int32_t j = 0; j < 3; ++j)
    for (std::int32_t r : {0, 2})
      add(r, j, 0.25f);
  add(1, 3, 0.5f);
  add(3, 3, 0.75f);
  add(1, 4, 1.5f);
  add(3, 4, 1.75f);
  add(1, 5, 2.0f);
  HostCsc const w = sdnn::csc_from_triplets(4, 6, t);
  sdnn::impl::LayerGroups const groups(w, 8);
  EXPECT_EQ(groups.num_groups(), 3);
  auto const p = groups.pointers(w);
  ASSERT_NE(p.order, nullptr);
  std::vector<int> seen(6, 0);
  for (std::int64_t pos = 0; pos < 6;)
  {
    auto const block = p.block(pos, 6, 8);
    auto const first = sdnn::impl::LayerPointers::column(block, 0);
    bool const uniform = first != 3 && first != 4; // a lone entry is a group of one weight too
    EXPECT_EQ(block.stride, uniform ? 0 : block.width) << "position " << pos;
    for (int c = 0; c < block.width; ++c)
    {
      auto const j = sdnn::impl::LayerPointers::column(block, c);
      ++seen[j];
      for (std::int64_t k = 0; k < block.length; ++k)
        EXPECT_EQ(block.values[k * block.stride + c], w.values()(w.col_ptr()(j) + k)) << "column " << j;
    }
    pos += block.width;
  }
  EXPECT_EQ(seen, std::vector<int>(6, 1));
  // Stored: one row of 3 weights for the uniform group, 2 x 2 for the other, 1 for column 5.
  EXPECT_EQ(groups.bytes(), (6 + 6 + 3 + 4 + 1) * 4 + 4 * 8 + 3 * std::int64_t(sizeof(sdnn::impl::BlockRecord)));
}

TEST(LayerGroups, LayerWithoutSharedPatternsStaysUngrouped)
{
  // Column j has the rows {j, j + 1} (mod 8): no two columns share a pattern.
  sdnn::Triplets t;
  for (std::int32_t j = 0; j < 8; ++j)
    for (std::int32_t r : {j, (j + 1) % 8})
    {
      t.rows.push_back(r);
      t.cols.push_back(j);
      t.values.push_back(0.5f + j);
    }
  HostCsc const w = sdnn::csc_from_triplets(8, 8, t);
  sdnn::impl::LayerGroups const groups(w, 8);
  EXPECT_EQ(groups.num_groups(), 8);
  auto const p = groups.pointers(w);
  EXPECT_EQ(p.order, nullptr);
  auto const block = p.block(5, 8, 16);
  EXPECT_EQ(block.width, 1);
  EXPECT_EQ(sdnn::impl::LayerPointers::column(block, 0), 5);
  EXPECT_EQ(block.length, 2);
  EXPECT_EQ(block.values[0], 5.5f);
}
