// infer_streamed(): layers a window at a time and inputs in row batches give exactly the reference's categories,
// per-layer figures and activations, in every mode; the plan fits the budget; bad budgets and bad layers are
// one-line errors before (or instead of) wrong answers.
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <algorithm>

namespace
{

using sdnn::HostCsc;
using sdnn::InferenceOptions;
using sdnn::Parallelism;
using sdnn::StreamingOptions;
using sdnn::StreamingReport;
using sdnn::test::Dataset;

/// Layers held in memory, counting the layers asked for.
class CountedLayers : public sdnn::LayersInMemory
{
public:
  using sdnn::LayersInMemory::LayersInMemory;
  mutable int asked = 0;

private:
  HostCsc load(int k) const override
  {
    ++asked;
    return sdnn::LayersInMemory::load(k);
  }
};

std::vector<Dataset> const &datasets()
{
  static std::vector<Dataset> all = []
  {
    Kokkos::push_finalize_hook([] { all.clear(); });
    std::vector<Dataset> d;
    d.push_back(sdnn::test::radix_dataset(1024, 12, 160, 1)); // rows dying across windows
    d.push_back(sdnn::test::radix_dataset(1024, 30, 48, 2));  // survivors saturate, dense phase
    d.push_back(sdnn::test::sparse_dataset(4));               // sparse all along
    for (auto &x : d)
      x.expected = sdnn::reference_inference(x.inputs, x.layers, x.bias);
    return d;
  }();
  return all;
}

InferenceOptions mode(Parallelism parallelism)
{
  InferenceOptions options;
  options.parallelism = parallelism;
  options.hash = sdnn::RowHash::stride;
  return options;
}

} // namespace

TEST(StreamedInference, EveryModeWithWindowsAndBatchesIsTheReference)
{
  Kokkos::DefaultHostExecutionSpace const space;
  for (auto parallelism : sdnn::all_parallelisms())
    for (auto const &d : datasets())
      for (int window : {1, 4, 0})
        for (std::int64_t batch : {7, 0})
        {
          CountedLayers const source(d.layers);
          StreamingOptions streaming;
          streaming.window_layers = window;
          streaming.batch_rows = batch;
          StreamingReport report;
          auto const got = sdnn::infer_streamed(space, d.inputs, source, d.bias, mode(parallelism), streaming, &report);
          std::string const what = sdnn::name(parallelism) + " on " + d.name + ", window " + std::to_string(window) +
                                   ", batch " + std::to_string(batch);
          sdnn::test::expect_same_result(got, d.expected, what);
          int const layers = static_cast<int>(d.layers.size());
          std::int64_t const rows = d.inputs.num_rows();
          EXPECT_EQ(report.plan.window_layers, window > 0 ? window : layers) << what;
          EXPECT_EQ(report.plan.batch_rows, batch > 0 ? batch : rows) << what;
          EXPECT_EQ(report.batches, report.plan.batches()) << what;
          EXPECT_LE(report.windows, report.plan.batches() * report.plan.windows()) << what;
          EXPECT_EQ(report.layers_loaded, source.asked) << what;
          for (int l = 0; l < layers; ++l) // every layer some row reaches is loaded; the others may not be
            if (l == 0 || d.expected.layers[l - 1].active_rows > 0 || report.layer_nnz[l] != -1)
            {
              EXPECT_EQ(report.layer_nnz[l], d.layers[l].nnz()) << what << ", layer " << l + 1;
            }
          EXPECT_EQ(sdnn::useful_multiply_adds(d.inputs.nnz(), got.layers, report.layer_nnz, d.inputs.num_cols()),
                    sdnn::useful_multiply_adds(d.inputs.nnz(), d.expected.layers, d.layers))
              << what;
          EXPECT_GE(report.layer_seconds, 0.0) << what;
          EXPECT_GT(report.compute_seconds, 0.0) << what;
          EXPECT_LE(report.plan.peak_bytes(), report.plan.memory_limit) << what;
          EXPECT_LE(report.work.workspace_bytes, report.plan.workspace_bytes) << what << ": the plan's bound holds";
        }
}

TEST(StreamedInference, ABudgetForcesSeveralWindowsAndBatches)
{
  Kokkos::DefaultHostExecutionSpace const space;
  auto const &d = datasets()[0];
  CountedLayers const source(d.layers);
  auto const options = mode(Parallelism::data);
  // Measure the fixed costs with an ample budget, then give a budget of them plus room for two layers and two rows:
  // one layer per window (a quarter of the room holds less than two), the rest for rows (fewer than the inputs).
  StreamingOptions ample;
  ample.memory_limit = std::int64_t(1) << 40;
  StreamingReport measured;
  sdnn::infer_streamed(space, d.inputs, source, d.bias, options, ample, &measured);
  auto const &p = measured.plan;
  StreamingOptions tight;
  tight.memory_limit = p.held_bytes + p.workspace_bytes + 2 * p.layer_bytes + 2 * p.row_bytes;
  StreamingReport report;
  auto const got = sdnn::infer_streamed(space, d.inputs, source, d.bias, options, tight, &report);
  sdnn::test::expect_same_result(got, d.expected, "a tight budget");
  EXPECT_EQ(report.plan.window_layers, 1);
  EXPECT_EQ(report.plan.windows(), 12);
  EXPECT_EQ(report.plan.batch_rows, (p.layer_bytes + 2 * p.row_bytes) / p.row_bytes);
  EXPECT_GT(report.plan.batches(), 1);
  EXPECT_LE(report.plan.peak_bytes(), tight.memory_limit);
}

TEST(StreamedInference, ABudgetBelowOneLayerAndOneRowIsRefusedBeforeAnyWork)
{
  Kokkos::DefaultHostExecutionSpace const space;
  auto const &d = datasets()[0];
  CountedLayers const source(d.layers);
  StreamingOptions streaming;
  streaming.memory_limit = 64 << 20; // below the runtime's allowance alone
  sdnn::test::expect_input_error(
      [&] { sdnn::infer_streamed(space, d.inputs, source, d.bias, mode(Parallelism::data), streaming); },
      {"memory limit of 64.0 MiB", "one layer", "give at least"});
  EXPECT_EQ(source.asked, 1) << "only the first layer, to measure it";
}

TEST(StreamedInference, LayerFilesAndTheGeneratorAreSources)
{
  Kokkos::DefaultHostExecutionSpace const space;
  sdnn::test::TempDir const dir;
  auto const d = sdnn::test::radix_dataset(1024, 8, 40, 5);
  auto const expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
  std::vector<std::string> paths;
  for (std::size_t l = 0; l < d.layers.size(); ++l)
  {
    paths.push_back(dir.file("n1024-l" + std::to_string(l + 1) + (l % 2 ? ".tsv" : ".sdnn")));
    if (l % 2)
      sdnn::write_challenge_layer(paths.back(), d.layers[l]);
    else
      sdnn::write_binary_matrix(paths.back(), d.layers[l]);
  }
  sdnn::ReadOptions read;
  read.cache_dir = dir.file("cache");
  sdnn::LayerFiles const files(paths, 1024, read);
  StreamingOptions streaming;
  streaming.window_layers = 3;
  auto const from_files = sdnn::infer_streamed(space, d.inputs, files, d.bias, mode(Parallelism::data), streaming);
  sdnn::test::expect_same_result(from_files, expected, "layer files");
  EXPECT_EQ(files.cache_writes(), 4) << "the text layers are cached";

  sdnn::RadixNetLayers const generated(1024, 8, 5);
  EXPECT_EQ(generated.num_layers(), 8);
  for (int l = 1; l <= 8; ++l)
    sdnn::test::expect_same(generated.layer(l), d.layers[l - 1]);
  auto const from_generator =
      sdnn::infer_streamed(space, d.inputs, generated, d.bias, mode(Parallelism::model), streaming);
  sdnn::test::expect_same_result(from_generator, expected, "the generator");
}

TEST(StreamedInference, AMissingOrWrongSizedLayerInTheStreamNamesTheFile)
{
  Kokkos::DefaultHostExecutionSpace const space;
  sdnn::test::TempDir const dir;
  auto const d = sdnn::test::radix_dataset(1024, 4, 20, 6);
  std::vector<std::string> paths;
  for (std::size_t l = 0; l < d.layers.size(); ++l)
  {
    paths.push_back(dir.file("l" + std::to_string(l + 1) + ".tsv"));
    sdnn::write_challenge_layer(paths.back(), l == 2 ? sdnn::RadixNet(2048, 6).layer(1) : d.layers[l]);
  }
  sdnn::ReadOptions read;
  read.use_cache = false;
  StreamingOptions streaming;
  streaming.window_layers = 1;
  sdnn::test::expect_input_error(
      [&]
      {
        sdnn::infer_streamed(space, d.inputs, sdnn::LayerFiles(paths, 1024, read), d.bias, mode(Parallelism::data),
                             streaming);
      },
      {"l3.tsv"});
  // A source of any kind: its layers are checked as they come, the error names the source and the layer.
  auto in_memory = d.layers;
  in_memory[2] = sdnn::RadixNet(2048, 6).layer(1);
  sdnn::test::expect_input_error(
      [&] {
        sdnn::infer_streamed(space, d.inputs, sdnn::LayersInMemory(in_memory), d.bias, mode(Parallelism::data),
                             streaming);
      },
      {"4 layers in memory: layer 3 is 2048 x 2048, not 1024 x 1024"});
  sdnn::test::expect_input_error([&] { sdnn::reference_inference(d.inputs, sdnn::LayersInMemory(in_memory), d.bias); },
                                 {"layer 3 is 2048 x 2048, not 1024 x 1024"});
  std::filesystem::remove(paths[3]);
  paths[2] = paths[1];
  sdnn::test::expect_input_error(
      [&]
      {
        sdnn::infer_streamed(space, d.inputs, sdnn::LayerFiles(paths, 1024, read), d.bias, mode(Parallelism::data),
                             streaming);
      },
      {"l4.tsv"});
}

TEST(StreamedInference, TheReferenceTakesItsLayersFromASource)
{
  sdnn::test::TempDir const dir;
  for (auto const &d : datasets())
  {
    CountedLayers const source(d.layers);
    auto const got = sdnn::reference_inference(d.inputs, source, d.bias);
    sdnn::test::expect_same_result(got, d.expected, "the reference on a source, " + d.name);
    EXPECT_EQ(source.asked, static_cast<int>(d.layers.size()));
  }
  std::vector<std::string> paths{dir.write("l1.tsv", "1\t1\t0.5\n"), dir.file("l2.tsv")};
  sdnn::test::expect_input_error(
      [&]
      { sdnn::reference_inference(sdnn::test::make_matrix(2, 1, {0}, {0}, {1.0f}), sdnn::LayerFiles(paths, 1), 0.0f); },
      {"l2.tsv"});
}

TEST(StreamedInference, ARowRangeOfAMatrixIsItsRowBlock)
{
  auto const &d = datasets()[2];
  auto const whole = sdnn::to_row_block(d.inputs);
  for (auto [first, last] : {std::pair<std::int64_t, std::int64_t>{0, 0}, {0, 300}, {5, 17}, {299, 300}, {100, 100}})
  {
    auto const part = sdnn::to_row_block(d.inputs, first, last);
    ASSERT_EQ(part.num_rows(), last - first);
    for (std::int64_t r = 0; r < part.num_rows(); ++r)
    {
      ASSERT_EQ(part.ids[r], first + r);
      auto const b = whole.row_ptr[first + r], e = whole.row_ptr[first + r + 1];
      ASSERT_EQ(part.row_ptr[r + 1] - part.row_ptr[r], e - b) << "row " << first + r;
      for (auto k = b; k < e; ++k)
      {
        EXPECT_EQ(part.col_idx[part.row_ptr[r] + k - b], whole.col_idx[k]);
        EXPECT_EQ(part.values[part.row_ptr[r] + k - b], whole.values[k]);
      }
    }
  }
}

TEST(StreamedInference, RowsAppendedInAnyOrderMakeTheirMatrix)
{
  auto const &d = datasets()[2];
  auto const want = sdnn::to_csr(d.inputs);
  // The second half of the rows, then the first: to_csr puts them back in id order.
  sdnn::RowBlock rows = sdnn::to_row_block(d.inputs, 150, 300);
  sdnn::append_rows(rows, sdnn::to_row_block(d.inputs, 0, 150));
  ASSERT_EQ(rows.num_rows(), 300);
  auto const got = sdnn::to_csr(rows, 300);
  EXPECT_EQ(got.num_rows, want.num_rows);
  EXPECT_EQ(got.num_cols, want.num_cols);
  EXPECT_EQ(got.row_ptr, want.row_ptr);
  EXPECT_EQ(got.col_idx, want.col_idx);
  EXPECT_EQ(got.values, want.values);
  sdnn::RowBlock twice = sdnn::to_row_block(d.inputs, 0, 10);
  sdnn::append_rows(twice, sdnn::to_row_block(d.inputs, 0, 10));
  EXPECT_THROW(sdnn::to_csr(twice, 300), std::logic_error) << "a row given twice";
  EXPECT_THROW(sdnn::to_csr(rows, 299), std::logic_error) << "an id beyond the rows";
}
