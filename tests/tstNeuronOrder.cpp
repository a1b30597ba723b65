// NeuronOrder::clustered: the neurons renumbered between layers so that the dense kernel's row loads are runs,
// with the same answer bit for bit (the whole test matrix of tstInference.cpp runs it too, through infer()).
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <impl/Sdnn_NeuronOrder.hpp>

#include <algorithm>
#include <numeric>
#include <random>

namespace
{

using sdnn::HostCsc;
using sdnn::NeuronOrder;
using sdnn::PreparedNetwork;

/// Number of runs of consecutive integers in `slots` once sorted.
int runs(std::vector<std::int32_t> slots)
{
  std::sort(slots.begin(), slots.end());
  int count = slots.empty() ? 0 : 1;
  for (std::size_t k = 1; k < slots.size(); ++k)
    count += slots[k] == slots[k - 1] + 1 ? 0 : 1;
  return count;
}

/// Runs of column j's rows under `slot` (the identity when empty).
int column_runs(HostCsc const &w, std::int64_t j, std::vector<std::int32_t> const &slot)
{
  std::vector<std::int32_t> rows;
  for (auto k = w.col_ptr()(j); k < w.col_ptr()(j + 1); ++k)
    rows.push_back(slot.empty() ? w.row_idx()(k) : slot[w.row_idx()(k)]);
  return runs(rows);
}

TEST(NeuronOrder, ChainedSlotsMakeEveryRadixNetColumnOneRunButAtTheEndOfAChain)
{
  // N = 4096: M = 256 classes of 16, blocks of 8 layers (shifts 1, 2, ..., 128); layer 11 is shift 4 in block 1.
  sdnn::RadixNet const generator(4096, 7);
  for (int l : {1, 4, 8, 11, 16})
  {
    HostCsc const w = generator.layer(l);
    std::int64_t const shift = std::int64_t(1) << ((l - 1) % 8);
    auto const slot = sdnn::impl::chained_row_slots(w);
    std::vector<std::int32_t> sorted = slot;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::int32_t> identity(4096);
    std::iota(identity.begin(), identity.end(), 0);
    ASSERT_EQ(sorted, identity) << "layer " << l << ": not a permutation";
    std::int64_t one = 0, two = 0, given_one = 0;
    for (std::int64_t j = 0; j < 4096; ++j)
    {
      int const r = column_runs(w, j, slot);
      EXPECT_LE(r, 2) << "layer " << l << " column " << j;
      one += r == 1 ? 1 : 0;
      two += r == 2 ? 1 : 0;
      given_one += column_runs(w, j, {}) == 1 ? 1 : 0;
    }
    // The chains a, a + s, a + 2s, ... (mod 256) are `shift` cycles (one of length 2 when s = 128, a pair of
    // classes both columns of the cycle hold): one group per cycle ends it, 16 columns each.
    std::int64_t const ends = shift == 128 ? 0 : 16 * shift;
    EXPECT_EQ(two, ends) << "layer " << l;
    EXPECT_EQ(one, 4096 - ends) << "layer " << l;
    EXPECT_EQ(given_one, 0) << "layer " << l << ": the given numbering already had runs";
  }
}

TEST(NeuronOrder, ChainedSlotsPlaceRowsNoColumnHoldsLast)
{
  // Rows 0 and 3 of 6 are in no column; columns 0 and 1 share {1, 5}, column 2 holds {2, 5}, column 3 {4}.
  HostCsc const w =
      sdnn::test::make_matrix(6, 4, {1, 5, 1, 5, 2, 5, 4}, {0, 0, 1, 1, 2, 2, 3}, {1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f});
  auto const slot = sdnn::impl::chained_row_slots(w);
  ASSERT_EQ(slot.size(), 6u);
  EXPECT_EQ(std::max(slot[0], slot[3]), 5);
  EXPECT_EQ(std::min(slot[0], slot[3]), 4);
  // The chain {1, 5} -> {2, 5}: row 1 first, row 5 (shared with the next group) next to row 2, then row 4.
  EXPECT_EQ(slot[1], 0);
  EXPECT_EQ(slot[5], 1);
  EXPECT_EQ(slot[2], 2);
  EXPECT_EQ(slot[4], 3);
}

TEST(NeuronOrder, RelabelKeepsEveryEntryInItsColumnsOrder)
{
  std::mt19937 rng(5);
  sdnn::Triplets t;
  for (std::int32_t j = 0; j < 40; ++j)
    for (std::int32_t i = 0; i < 30; ++i)
      if (rng() % 4 == 0)
      {
        t.rows.push_back(i);
        t.cols.push_back(j);
        t.values.push_back(static_cast<float>(rng() % 1000) / 7.0f);
      }
  HostCsc const w = sdnn::csc_from_triplets(30, 40, t);
  std::vector<std::int32_t> row_slot(30), col_slot(40);
  std::iota(row_slot.begin(), row_slot.end(), 0);
  std::iota(col_slot.begin(), col_slot.end(), 0);
  std::shuffle(row_slot.begin(), row_slot.end(), rng);
  std::shuffle(col_slot.begin(), col_slot.end(), rng);
  HostCsc const r = sdnn::impl::relabel_neurons(w, row_slot, col_slot);
  ASSERT_EQ(r.num_rows(), 30);
  ASSERT_EQ(r.num_cols(), 40);
  ASSERT_EQ(r.nnz(), w.nnz());
  for (std::int32_t j = 0; j < 40; ++j)
  {
    auto const s = col_slot[j];
    ASSERT_EQ(r.col_ptr()(s + 1) - r.col_ptr()(s), w.col_ptr()(j + 1) - w.col_ptr()(j)) << "column " << j;
    for (auto k = w.col_ptr()(j), q = r.col_ptr()(s); k < w.col_ptr()(j + 1); ++k, ++q)
    {
      EXPECT_EQ(r.row_idx()(q), row_slot[w.row_idx()(k)]) << "column " << j;
      EXPECT_EQ(r.values()(q), w.values()(k)) << "column " << j;
    }
  }
  // Empty slot vectors: the identity.
  sdnn::test::expect_same(sdnn::impl::relabel_neurons(w, {}, {}), w);
}

/// Every mode and kernel on `prepared` gives `want` (the as-given network's result) bit for bit, whole and in two
/// segments that hand their rows over inside the network.
void expect_same_as_given(sdnn::test::Dataset const &d, PreparedNetwork const &prepared)
{
  Kokkos::DefaultHostExecutionSpace const space;
  auto const rows = sdnn::to_row_block(d.inputs);
  int const split = static_cast<int>(d.layers.size()) / 2;
  for (auto mode : sdnn::all_parallelisms())
    for (auto kernel : {sdnn::KernelChoice::automatic, sdnn::KernelChoice::sparse, sdnn::KernelChoice::dense})
    {
      sdnn::InferenceOptions options;
      options.parallelism = mode;
      options.kernel = kernel;
      std::string const what = d.name + " " + sdnn::name(mode) + " kernel " + sdnn::name(kernel);
      auto const whole = sdnn::infer(space, rows, prepared, options);
      sdnn::InferenceResult got;
      got.layers = whole.layers;
      got.categories = whole.survivors.ids;
      got.activations = sdnn::to_csr(whole.survivors, d.inputs.num_rows());
      sdnn::test::expect_same_result(got, d.expected, what);
      auto const head = sdnn::infer(space, rows, prepared, options, nullptr, {0, split});
      auto const tail =
          sdnn::infer(space, head.survivors, prepared, options, nullptr, {split, sdnn::LayerRange::all_layers});
      EXPECT_EQ(tail.survivors.ids, whole.survivors.ids) << what << ", in two segments";
      EXPECT_EQ(tail.survivors.col_idx, whole.survivors.col_idx) << what << ", in two segments";
      EXPECT_EQ(tail.survivors.values, whole.survivors.values) << what << ", in two segments";
    }
}

TEST(NeuronOrder, ClusteredNetworkGivesTheGivenNetworksAnswerBitForBit)
{
  for (auto d : {sdnn::test::radix_dataset(1024, 24, 96, 11), sdnn::test::sparse_dataset(12)})
  {
    d.expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
    PreparedNetwork const clustered(d.layers, d.bias, NeuronOrder::clustered);
    PreparedNetwork const given(d.layers, d.bias);
    EXPECT_EQ(clustered.neuron_order(), NeuronOrder::clustered);
    EXPECT_EQ(given.neuron_order(), NeuronOrder::as_given);
    // The renumbered layers are held besides the given ones.
    std::int64_t nnz = 0;
    for (auto const &w : d.layers)
      nnz += w.nnz();
    EXPECT_GE(clustered.prepared_bytes(), given.prepared_bytes() + 8 * nnz) << d.name;
    expect_same_as_given(d, clustered);
    expect_same_as_given(d, given);
  }
}

} // namespace
