// The engine's own route: a RowBlock (rows with ids, any subset in any order) through a PreparedNetwork, whole or
// segment by segment, gives exactly the reference's rows; the conversions into and out of RowBlock.
#include "tstDatasets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

namespace
{

using sdnn::HostCsc;
using sdnn::InferenceOptions;
using sdnn::LayerRange;
using sdnn::Parallelism;
using sdnn::PreparedNetwork;
using sdnn::RowBlock;
using sdnn::test::Dataset;

Dataset const &shallow()
{
  static Dataset d = []
  {
    Kokkos::push_finalize_hook([] { d = Dataset{}; });
    auto x = sdnn::test::radix_dataset(1024, 12, 160, 1);
    x.expected = sdnn::reference_inference(x.inputs, x.layers, x.bias);
    return x;
  }();
  return d;
}

/// Checks that `got` holds exactly the rows `ids` of the reference's final Y that have a nonzero, in that order,
/// bit for bit.
void expect_reference_rows(RowBlock const &got, std::vector<std::int64_t> const &ids, sdnn::HostCsr const &want,
                           std::string const &what)
{
  std::vector<std::int64_t> alive;
  for (auto id : ids)
    if (want.row_ptr[id + 1] > want.row_ptr[id])
      alive.push_back(id);
  ASSERT_EQ(got.ids, alive) << what;
  ASSERT_EQ(got.num_cols, want.num_cols) << what;
  ASSERT_EQ(got.row_ptr.size(), alive.size() + 1) << what;
  for (std::size_t k = 0; k < alive.size(); ++k)
  {
    auto const begin = want.row_ptr[alive[k]], end = want.row_ptr[alive[k] + 1];
    ASSERT_EQ(got.row_ptr[k + 1] - got.row_ptr[k], end - begin) << what << " row " << alive[k];
    for (auto e = begin; e < end; ++e)
    {
      auto const g = got.row_ptr[k] + (e - begin);
      ASSERT_EQ(got.col_idx[g], want.col_idx[e]) << what << " row " << alive[k];
      ASSERT_EQ(got.values[g], want.values[e]) << what << " row " << alive[k]; // bit for bit
    }
  }
}

/// The rows `ids` of `all`, in that order.
RowBlock pick_rows(RowBlock const &all, std::vector<std::int64_t> const &ids)
{
  RowBlock out;
  out.num_cols = all.num_cols;
  for (auto id : ids)
  {
    out.ids.push_back(id);
    out.col_idx.insert(out.col_idx.end(), all.col_idx.begin() + all.row_ptr[id],
                       all.col_idx.begin() + all.row_ptr[id + 1]);
    out.values.insert(out.values.end(), all.values.begin() + all.row_ptr[id], all.values.begin() + all.row_ptr[id + 1]);
    out.row_ptr.push_back(static_cast<std::int64_t>(out.col_idx.size()));
  }
  return out;
}

TEST(RowRoute, ToRowBlockNumbersTheRowsAndDropEmptyRowsKeepsTheOthersInOrder)
{
  // 4 × 3: rows 1 and 3 empty.
  sdnn::Triplets t;
  t.rows = {0, 0, 2, 2};
  t.cols = {2, 0, 1, 2};
  t.values = {1.f, 2.f, 3.f, 4.f};
  auto rows = sdnn::to_row_block(sdnn::csc_from_triplets(4, 3, t));
  EXPECT_EQ(rows.num_cols, 3);
  EXPECT_EQ(rows.ids, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(rows.row_ptr, (std::vector<std::int64_t>{0, 2, 2, 4, 4}));
  EXPECT_EQ(rows.col_idx, (std::vector<std::int32_t>{0, 2, 1, 2}));
  EXPECT_EQ(rows.values, (std::vector<float>{2.f, 1.f, 3.f, 4.f}));
  rows.ids = {7, 5, 9, 1};
  sdnn::drop_empty_rows(rows);
  EXPECT_EQ(rows.ids, (std::vector<std::int64_t>{7, 9}));
  EXPECT_EQ(rows.row_ptr, (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(rows.col_idx, (std::vector<std::int32_t>{0, 2, 1, 2}));
  EXPECT_EQ(rows.values, (std::vector<float>{2.f, 1.f, 3.f, 4.f}));
  EXPECT_EQ(rows.nnz(), 4);
}

TEST(RowRoute, SegmentsOfOnePreparedNetworkComposeToTheWholeInference)
{
  auto const &d = shallow();
  PreparedNetwork const network(d.layers, d.bias);
  EXPECT_EQ(network.num_layers(), 12);
  EXPECT_EQ(network.num_neurons(), 1024);
  EXPECT_EQ(network.instruction_set(), sdnn::active_instruction_set());
  EXPECT_GT(network.prepared_bytes(), 0); // RadiX-Net layers have column groups
  auto const all_rows = sdnn::to_row_block(d.inputs);
  for (auto parallelism : sdnn::all_parallelisms())
  {
    InferenceOptions options;
    options.parallelism = parallelism;
    std::string const what = sdnn::name(parallelism);
    auto rows = all_rows;
    std::vector<sdnn::LayerStats> layers;
    for (auto [first, last] : {std::pair{0, 5}, std::pair{5, 9}, std::pair{9, 12}})
    {
      auto run = sdnn::infer(Kokkos::DefaultHostExecutionSpace(), rows, network, options, nullptr, {first, last});
      layers.insert(layers.end(), run.layers.begin(), run.layers.end());
      rows = std::move(run.survivors);
    }
    std::vector<std::int64_t> every(d.inputs.num_rows());
    std::iota(every.begin(), every.end(), std::int64_t(0));
    expect_reference_rows(rows, every, d.expected.activations, what);
    ASSERT_EQ(layers.size(), d.expected.layers.size()) << what;
    for (std::size_t l = 0; l < layers.size(); ++l)
    {
      EXPECT_EQ(layers[l].layer, d.expected.layers[l].layer) << what;
      EXPECT_EQ(layers[l].active_rows, d.expected.layers[l].active_rows) << what << " layer " << l + 1;
      EXPECT_EQ(layers[l].nnz, d.expected.layers[l].nnz) << what << " layer " << l + 1;
    }
  }
}

TEST(RowRoute, AReusedResultIsOverwrittenWholeSegmentAfterSegment)
{
  // Segments run into one result whose arrays trade places with the rows (as model-parallel inference does layer
  // after layer); the result first holds a larger run, so stale entries left behind would show.
  auto const &d = shallow();
  PreparedNetwork const network(d.layers, d.bias);
  auto const all_rows = sdnn::to_row_block(d.inputs);
  InferenceOptions options;
  sdnn::RowInferenceResult result;
  sdnn::infer(Kokkos::DefaultHostExecutionSpace(), all_rows, network, options, result, nullptr, {0, 1});
  ASSERT_GT(result.survivors.nnz(), 0);
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 0; r < d.inputs.num_rows(); r += 3)
    ids.push_back(r);
  auto rows = pick_rows(all_rows, ids);
  for (int l = 0; l < network.num_layers(); ++l)
  {
    sdnn::WorkReport report;
    sdnn::infer(Kokkos::DefaultHostExecutionSpace(), rows, network, options, result, &report, {l, l + 1});
    ASSERT_EQ(result.layers.size(), 1u) << "layer " << l + 1;
    EXPECT_EQ(result.layers[0].layer, l + 1);
    EXPECT_EQ(result.layers[0].nnz, result.survivors.nnz()) << "layer " << l + 1;
    std::swap(rows, result.survivors);
  }
  expect_reference_rows(rows, ids, d.expected.activations, "a reused result");
}

TEST(RowRoute, ABlockOfScatteredRowsGivesThoseRowsOfTheReferenceInItsOrder)
{
  auto const &d = shallow();
  PreparedNetwork const network(d.layers, d.bias);
  auto const all_rows = sdnn::to_row_block(d.inputs);
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 1; r < d.inputs.num_rows(); r += 2)
    ids.push_back(r);
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(5));
  auto const block = pick_rows(all_rows, ids);
  for (auto parallelism : sdnn::all_parallelisms())
  {
    InferenceOptions options;
    options.parallelism = parallelism;
    options.hash = sdnn::RowHash::feistel;
    auto const run = sdnn::infer(Kokkos::DefaultHostExecutionSpace(), block, network, options);
    expect_reference_rows(run.survivors, ids, d.expected.activations, sdnn::name(parallelism));
  }
}

TEST(RowRoute, WithoutActivationsTheSurvivorsAreIdsOnly)
{
  auto const &d = shallow();
  InferenceOptions options;
  options.keep_activations = false;
  auto const run = sdnn::infer(Kokkos::DefaultHostExecutionSpace(), sdnn::to_row_block(d.inputs),
                               PreparedNetwork(d.layers, d.bias), options);
  EXPECT_EQ(run.survivors.ids, d.expected.categories);
  EXPECT_EQ(run.survivors.nnz(), 0);
  EXPECT_EQ(run.survivors.row_ptr.size(), d.expected.categories.size() + 1);
}

TEST(RowRoute, MismatchesAreLogicErrors)
{
  auto const &d = shallow();
  PreparedNetwork const network(d.layers, d.bias);
  auto const space = Kokkos::DefaultHostExecutionSpace();
  auto rows = sdnn::to_row_block(d.inputs);
  EXPECT_THROW(sdnn::infer(space, rows, network, {}, nullptr, {3, 2}), std::logic_error);
  EXPECT_THROW(sdnn::infer(space, rows, network, {}, nullptr, {0, 13}), std::logic_error);
  EXPECT_THROW(sdnn::infer(space, rows, network, {}, nullptr, {-1, 4}), std::logic_error);
  auto narrow = rows;
  narrow.num_cols = 512;
  EXPECT_THROW(sdnn::infer(space, narrow, network, {}), std::logic_error);
  auto torn = rows;
  torn.values.pop_back();
  EXPECT_THROW(sdnn::infer(space, torn, network, {}), std::logic_error);
  auto layers = d.layers;
  layers.push_back(sdnn::with_num_rows(d.layers[0], 512));
  EXPECT_THROW(PreparedNetwork(layers, d.bias), std::logic_error);
}

} // namespace
