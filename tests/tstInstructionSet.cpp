// Runtime CPU dispatch: every instruction set this CPU runs gives, in every mode and kernel, exactly the reference
// of the same set; the fused sets (avx2, avx512) agree with each other bit for bit.
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <limits>

namespace
{

using sdnn::InstructionSet;

/// Selects `set` for the scope, then restores the set that was active.
class SelectedInstructionSet
{
public:
  explicit SelectedInstructionSet(InstructionSet set) : m_previous(sdnn::active_instruction_set())
  {
    sdnn::select_instruction_set(set);
  }
  ~SelectedInstructionSet() { sdnn::select_instruction_set(m_previous); }
  SelectedInstructionSet(SelectedInstructionSet const &) = delete;
  SelectedInstructionSet &operator=(SelectedInstructionSet const &) = delete;

private:
  InstructionSet m_previous;
};

std::vector<InstructionSet> runnable_sets()
{
  std::vector<InstructionSet> sets;
  for (auto const set : sdnn::compiled_instruction_sets())
    if (sdnn::cpu_supports(set))
      sets.push_back(set);
  return sets;
}

/// Small problems that go through the sparse and the dense kernels.
std::vector<sdnn::test::Dataset> const &problems()
{
  static std::vector<sdnn::test::Dataset> all = []
  {
    Kokkos::push_finalize_hook([] { all.clear(); });
    return std::vector<sdnn::test::Dataset>{sdnn::test::radix_dataset(1024, 16, 96, 7), sdnn::test::sparse_dataset(8)};
  }();
  return all;
}

TEST(InstructionSet, NamesRoundTrip)
{
  for (auto const set : {InstructionSet::generic, InstructionSet::avx2, InstructionSet::avx512})
    EXPECT_EQ(sdnn::parse_instruction_set(sdnn::name(set)), set);
  EXPECT_FALSE(sdnn::parse_instruction_set("sse9"));
}

TEST(InstructionSet, GenericIsAlwaysThereAndTheBestIsRunnable)
{
  auto const compiled = sdnn::compiled_instruction_sets();
  ASSERT_FALSE(compiled.empty());
  EXPECT_EQ(compiled.front(), InstructionSet::generic);
  EXPECT_TRUE(sdnn::cpu_supports(InstructionSet::generic));
  EXPECT_TRUE(sdnn::cpu_supports(sdnn::best_instruction_set()));
  EXPECT_TRUE(sdnn::cpu_supports(sdnn::active_instruction_set()));
}

TEST(InstructionSet, FusedExactlyInTheFmaSets)
{
  for (auto const set : runnable_sets())
  {
    SelectedInstructionSet const selected(set);
    EXPECT_EQ(sdnn::active_instruction_set(), set);
    EXPECT_EQ(sdnn::multiply_add_is_fused(), set != InstructionSet::generic) << sdnn::name(set);
  }
}

TEST(InstructionSet, EverySetMatchesItsReferenceInEveryModeAndKernel)
{
  Kokkos::DefaultHostExecutionSpace const space;
  for (auto const set : runnable_sets())
  {
    SelectedInstructionSet const selected(set);
    for (auto const &d : problems())
    {
      auto const want = sdnn::reference_inference(d.inputs, d.layers, d.bias);
      for (auto const mode : sdnn::all_parallelisms())
        for (auto const kernel : {sdnn::KernelChoice::automatic, sdnn::KernelChoice::sparse, sdnn::KernelChoice::dense})
        {
          sdnn::InferenceOptions options;
          options.parallelism = mode;
          options.kernel = kernel;
          auto const got = sdnn::infer(space, d.inputs, d.layers, d.bias, options);
          sdnn::test::expect_same_result(
              got, want, sdnn::name(set) + " " + sdnn::name(mode) + " " + sdnn::name(kernel) + " on " + d.name);
          if (HasFatalFailure())
            return;
        }
    }
  }
}

TEST(InstructionSet, ASumWhereInfinitiesMeetIsZeroInEverySetModeAndKernel)
{
  // Layer 1 doubles the inputs (W = 2 I); layer 2's every column starts with +FLT_MAX and -FLT_MAX at rows 0 and 1,
  // and column j >= 2 also has 1 at row j. Row 0 (inputs at columns 0 and 1, 2 - 0.3 = 1.7 after layer 1) sums
  // 1.7 FLT_MAX = +inf, then adds 1.7 (-FLT_MAX): multiplied then added (generic) that is -inf, the sum NaN, which
  // activates to 0 like a negative value, so the row dies; fused (avx2, avx512) the product is exact, the sum stays
  // +inf and the row survives, clamped. Row 1 (an input at column 2) only meets the huge weights through zeros and
  // survives. Finite weights and inputs, so every kernel may meet it; all must give their set's reference.
  std::int32_t const n = 1024;
  float const huge = std::numeric_limits<float>::max();
  sdnn::Triplets w1, w2, x;
  for (std::int32_t j = 0; j < n; ++j)
  {
    w1.rows.push_back(j);
    w1.cols.push_back(j);
    w1.values.push_back(2.0f);
    w2.rows.insert(w2.rows.end(), {0, 1});
    w2.cols.insert(w2.cols.end(), {j, j});
    w2.values.insert(w2.values.end(), {huge, -huge});
    if (j >= 2)
    {
      w2.rows.push_back(j);
      w2.cols.push_back(j);
      w2.values.push_back(1.0f);
    }
  }
  x.rows = {0, 0, 1};
  x.cols = {0, 1, 2};
  x.values = {1.0f, 1.0f, 1.0f};
  std::vector<sdnn::HostCsc> const layers{sdnn::csc_from_triplets(n, n, w1), sdnn::csc_from_triplets(n, n, w2)};
  auto const inputs = sdnn::csc_from_triplets(2, n, x);
  float const bias = -0.3f;
  Kokkos::DefaultHostExecutionSpace const space;
  for (auto const set : runnable_sets())
  {
    SelectedInstructionSet const selected(set);
    auto const want = sdnn::reference_inference(inputs, layers, bias);
    auto const survivors =
        sdnn::multiply_add_is_fused() ? std::vector<std::int64_t>{0, 1} : std::vector<std::int64_t>{1};
    EXPECT_EQ(want.categories, survivors) << sdnn::name(set);
    for (auto const mode : sdnn::all_parallelisms())
      for (auto const kernel : {sdnn::KernelChoice::automatic, sdnn::KernelChoice::sparse, sdnn::KernelChoice::dense})
      {
        sdnn::InferenceOptions options;
        options.parallelism = mode;
        options.kernel = kernel;
        sdnn::test::expect_same_result(sdnn::infer(space, inputs, layers, bias, options), want,
                                       sdnn::name(set) + " " + sdnn::name(mode) + " " + sdnn::name(kernel));
      }
  }
}

TEST(InstructionSet, NonFiniteWeightsInputsOrBiasAreRefused)
{
  auto const d = sdnn::test::radix_dataset(1024, 2, 8, 5);
  for (float const bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()})
  {
    auto layers = d.layers;
    layers[1].values()(3) = bad;
    EXPECT_THROW(sdnn::PreparedNetwork(layers, d.bias), std::logic_error);
    EXPECT_THROW(sdnn::PreparedNetwork(d.layers, bad), std::logic_error);
    auto inputs = sdnn::to_row_block(d.inputs);
    inputs.values[0] = bad;
    EXPECT_THROW(sdnn::infer(Kokkos::DefaultHostExecutionSpace(), inputs, sdnn::PreparedNetwork(d.layers, d.bias), {}),
                 std::logic_error);
  }
}

TEST(InstructionSet, FusedSetsAgreeBitForBit)
{
  std::vector<InstructionSet> fused;
  for (auto const set : runnable_sets())
    if (set != InstructionSet::generic)
      fused.push_back(set);
  if (fused.size() < 2)
    GTEST_SKIP() << "this CPU runs fewer than two fused instruction sets";
  for (auto const &d : problems())
  {
    std::vector<sdnn::InferenceResult> results;
    for (auto const set : fused)
    {
      SelectedInstructionSet const selected(set);
      sdnn::InferenceOptions options;
      options.kernel = sdnn::KernelChoice::dense;
      results.push_back(sdnn::infer(Kokkos::DefaultHostExecutionSpace(), d.inputs, d.layers, d.bias, options));
    }
    for (std::size_t k = 1; k < results.size(); ++k)
      sdnn::test::expect_same_result(results[k], results[0],
                                     sdnn::name(fused[k]) + " against " + sdnn::name(fused[0]) + " on " + d.name);
  }
}

TEST(InstructionSet, SelectingAnUnrunnableSetIsAnInputError)
{
  auto const active = sdnn::active_instruction_set();
  int unrunnable = 0;
  for (auto const set : {InstructionSet::avx2, InstructionSet::avx512})
    if (!sdnn::cpu_supports(set))
    {
      ++unrunnable;
      sdnn::test::expect_input_error([&] { sdnn::select_instruction_set(set); }, {sdnn::name(set)});
    }
  EXPECT_EQ(sdnn::active_instruction_set(), active);
  if (unrunnable == 0)
    GTEST_SKIP() << "this CPU runs every instruction set";
}

} // namespace
