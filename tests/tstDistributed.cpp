// The MPI distribution on 1, 2 and 4 ranks (ctest runs this suite under mpirun): row partitions,
// row exchange, error agreement, and every single-node mode x partition x rebalancing against the
// sequential reference, on generated networks and on the real 1200-image subset.
#include "tstDatasets.hpp"
#include "tstHelpers.hpp"

#include <mpi.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

namespace
{

using sdnn::DistributedOptions;
using sdnn::DistributedReport;
using sdnn::Parallelism;
using sdnn::RowPartition;

int rank_of(MPI_Comm comm = MPI_COMM_WORLD)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm = MPI_COMM_WORLD)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

/// Runs every mode x partition x rebalancing on `d` and compares with its reference. Rank 0 holds
/// the inputs; every rank calls the same collectives in the same order whatever fails.
void expect_reference_everywhere(sdnn::test::Dataset const &d, std::vector<int> const &rebalance_every)
{
  MPI_Comm const comm = MPI_COMM_WORLD;
  int const rank = rank_of(), size = size_of();
  for (auto mode : sdnn::all_parallelisms())
    for (auto partition : {RowPartition::block, RowPartition::hashed})
      for (int every : rebalance_every)
      {
        std::string const what = d.name + " " + sdnn::name(mode) + " " + sdnn::name(partition) + " rebalance-every " +
                                 std::to_string(every) + " on " + std::to_string(size) + " ranks";
        auto rows = sdnn::scatter_rows(comm, 0, rank == 0 ? d.inputs : sdnn::HostCsc(), partition, 7);
        DistributedOptions options;
        options.node.parallelism = mode;
        options.rebalance_every = every;
        options.rebalance_threshold = 1.0; // migrate at every check where the ranks differ at all
        DistributedReport report;
        auto const got = sdnn::infer_distributed(comm, 0, Kokkos::DefaultHostExecutionSpace(), std::move(rows),
                                                 sdnn::PreparedNetwork(d.layers, d.bias), options, &report);
        if (rank == 0) // the categories, the per-layer figures and the activations gathered, bit for bit
          sdnn::test::expect_same_result(got, d.expected, what);
        else
        {
          EXPECT_TRUE(got.categories.empty()) << what;
          EXPECT_EQ(got.activations.num_rows, 0) << what;
          sdnn::test::expect_same_layers(got.layers, d.expected.layers, what);
        }
        ASSERT_EQ(report.ranks.size(), static_cast<std::size_t>(size)) << what;
        std::int64_t rows_start = 0, rows_end = 0, rows_received = 0;
        for (int p = 0; p < size; ++p)
        {
          auto const &r = report.ranks[p];
          EXPECT_EQ(r.rank, p) << what;
          rows_start += r.rows_start;
          rows_end += r.rows_end;
          rows_received += r.exchange.rows_received;
          // The reports cross the gather field by field (RankReport::for_each_field): the dense-rate histogram
          // whole, its multiply-adds the rank's count; busy_seconds one per thread; the mode's name kept.
          auto const &h = r.work.dense_rate_histogram;
          EXPECT_EQ(std::accumulate(h.begin(), h.end(), std::int64_t(0)), r.work.dense_multiply_adds) << what;
          EXPECT_EQ(r.work.busy_seconds.size(), static_cast<std::size_t>(r.work.threads)) << what;
          EXPECT_EQ(r.work.parallelism, sdnn::name(mode)) << what;
        }
        EXPECT_EQ(rows_received, report.rows_moved()) << what;
        EXPECT_EQ(rows_start, d.inputs.num_rows()) << what;
        EXPECT_EQ(rows_end, static_cast<std::int64_t>(d.expected.categories.size())) << what;
        if (every == 0)
        {
          EXPECT_EQ(report.rows_moved(), 0) << what;
        }
      }
}

/// `rows` with its rows in ascending order of global id.
sdnn::RowBlock sorted_by_id(sdnn::RowBlock const &rows)
{
  std::vector<std::int64_t> order(rows.num_rows());
  std::iota(order.begin(), order.end(), std::int64_t(0));
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return rows.ids[a] < rows.ids[b]; });
  sdnn::RowBlock out;
  out.num_cols = rows.num_cols;
  for (auto r : order)
  {
    out.ids.push_back(rows.ids[r]);
    for (auto k = rows.row_ptr[r]; k < rows.row_ptr[r + 1]; ++k)
    {
      out.col_idx.push_back(rows.col_idx[k]);
      out.values.push_back(rows.values[k]);
    }
    out.row_ptr.push_back(static_cast<std::int64_t>(out.col_idx.size()));
  }
  return out;
}

} // namespace

TEST(DistributedPartition, BlocksDifferByAtMostOneRowAndHashedIsAnotherDeal)
{
  for (std::int64_t rows : {0, 1, 7, 1000, 1001})
    for (int ranks : {1, 2, 3, 4})
    {
      for (auto partition : {RowPartition::block, RowPartition::hashed})
      {
        auto const owners = sdnn::row_owners(rows, ranks, partition, 3);
        ASSERT_EQ(static_cast<std::int64_t>(owners.size()), rows);
        std::vector<std::int64_t> count(ranks, 0);
        for (int o : owners)
        {
          ASSERT_GE(o, 0);
          ASSERT_LT(o, ranks);
          ++count[o];
        }
        auto const [lo, hi] = std::minmax_element(count.begin(), count.end());
        EXPECT_LE(*hi - *lo, 1) << rows << " rows on " << ranks << " ranks, " << sdnn::name(partition);
        EXPECT_EQ(owners, sdnn::row_owners(rows, ranks, partition, 3)) << "deterministic";
      }
      auto const block = sdnn::row_owners(rows, ranks, RowPartition::block);
      EXPECT_TRUE(std::is_sorted(block.begin(), block.end())) << "blocks are contiguous";
    }
  auto const hashed = sdnn::row_owners(1000, 4, RowPartition::hashed, 3);
  EXPECT_FALSE(std::is_sorted(hashed.begin(), hashed.end()));
  EXPECT_NE(hashed, sdnn::row_owners(1000, 4, RowPartition::hashed, 4)) << "the seed keys the deal";
  EXPECT_EQ(sdnn::parse_row_partition("hashed"), RowPartition::hashed);
  EXPECT_EQ(sdnn::parse_row_partition("block"), RowPartition::block);
  EXPECT_FALSE(sdnn::parse_row_partition("cyclic"));
}

TEST(DistributedExchange, RowsComeBackIntactFromARoundTrip)
{
  MPI_Comm const comm = MPI_COMM_WORLD;
  int const rank = rank_of(), size = size_of();
  sdnn::RowBlock mine;
  mine.num_cols = 50;
  std::mt19937 rng(17 + rank);
  for (int k = 0; k < 40 + 3 * rank; ++k)
  {
    mine.ids.push_back(1000 * rank + k);
    for (int c = k % 5; c < 50; c += 7 + k % 3)
    {
      mine.col_idx.push_back(c);
      mine.values.push_back(static_cast<float>(rank) + 0.25f * static_cast<float>(k) + static_cast<float>(c));
    }
    mine.row_ptr.push_back(static_cast<std::int64_t>(mine.col_idx.size()));
  }
  std::uniform_int_distribution<int> any_rank(0, size - 1);
  std::vector<int> there(mine.num_rows());
  for (auto &d : there)
    d = any_rank(rng);
  sdnn::ExchangeStats out_stats, back_stats;
  auto const away = sdnn::exchange_rows(comm, mine, there, &out_stats);
  std::vector<int> home(away.num_rows());
  for (std::int64_t k = 0; k < away.num_rows(); ++k)
    home[k] = static_cast<int>(away.ids[k] / 1000);
  auto const back_home = sdnn::exchange_rows(comm, away, home, &back_stats);
  // Back home: rows arrive grouped by the rank they came from; in id order they are the originals.
  auto const back = sorted_by_id(back_home);
  EXPECT_EQ(back.ids, mine.ids);
  EXPECT_EQ(back.row_ptr, mine.row_ptr);
  EXPECT_EQ(back.col_idx, mine.col_idx);
  EXPECT_EQ(back.values, mine.values);
  std::int64_t const sent_away = std::count_if(there.begin(), there.end(), [&](int d) { return d != rank; });
  EXPECT_EQ(out_stats.rows_sent, sent_away);
  EXPECT_EQ(back_stats.rows_received, sent_away);
  if (size == 1)
  {
    EXPECT_EQ(out_stats.bytes_sent, 0);
  }
}

TEST(DistributedErrors, TheFirstFailingRanksMessageReachesEveryRank)
{
  MPI_Comm const comm = MPI_COMM_WORLD;
  int const rank = rank_of(), size = size_of();
  EXPECT_FALSE(sdnn::first_error(comm, ""));
  auto const failure = sdnn::first_error(comm, rank == size - 1 ? "cannot read layer 3" : "");
  ASSERT_TRUE(failure);
  EXPECT_EQ(*failure, "rank " + std::to_string(size - 1) + ": cannot read layer 3");
  auto const first = sdnn::first_error(comm, rank >= size / 2 ? "late " + std::to_string(rank) : "");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "rank " + std::to_string(size / 2) + ": late " + std::to_string(size / 2));
}

TEST(DistributedErrors, AnUnreadableLayerFileFailsOnEveryRankWithItsName)
{
  MPI_Comm const comm = MPI_COMM_WORLD;
  int const size = size_of();
  sdnn::test::TempDir tmp; // per process: every rank writes its own copy of the files
  int const layers = size + 1;
  std::vector<std::string> paths;
  for (int l = 1; l <= layers; ++l)
    paths.push_back(tmp.write("n4-l" + std::to_string(l) + ".tsv", "1\t2\t0.5\n3\t4\t0.25\n"));
  paths[layers - 1] = tmp.file("missing-layer.tsv");             // read by rank (layers - 1) mod size = 0
  paths[0] = tmp.write("bad-layer.tsv", "1\t2\t0.5\n7\t1\t1\n"); // row 7 of 4, read by rank 0
  if (size > 1)
    paths[1] = tmp.write("bad-layer-1.tsv", "1\t9\t1\n"); // read by rank 1, after rank 0's failure
  sdnn::test::expect_input_error(
      [&] {
        sdnn::load_network(comm, paths, 4, -0.1f, sdnn::ReadOptions{false, ""});
      },
      {"rank 0: ", "bad-layer.tsv:2"});

  // All files readable: every rank ends with every layer, identical to a local read.
  paths[layers - 1] = tmp.write("n4-last.tsv", "4\t4\t2\n");
  paths[0] = tmp.write("n4-first.tsv", "1\t1\t1\n2\t1\t3\n");
  if (size > 1)
    paths[1] = tmp.write("n4-second.tsv", "1\t4\t1\n");
  auto const network = sdnn::load_network(comm, paths, 4, -0.1f, sdnn::ReadOptions{false, ""});
  auto const local = sdnn::load_network(paths, 4, -0.1f, sdnn::ReadOptions{false, ""});
  ASSERT_EQ(network.layers.size(), local.layers.size());
  for (std::size_t l = 0; l < local.layers.size(); ++l)
    sdnn::test::expect_same(network.layers[l], local.layers[l]);
}

TEST(DistributedInference, EveryModeAndPartitionWithAndWithoutRebalancingGivesTheReference)
{
  auto d = sdnn::test::radix_dataset(1024, 12, 400, 11);
  d.expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
  expect_reference_everywhere(d, {0, 3});
  auto s = sdnn::test::sparse_dataset(5);
  s.expected = sdnn::reference_inference(s.inputs, s.layers, s.bias);
  expect_reference_everywhere(s, {0, 1});
}

TEST(DistributedInference, RebalancingMovesTheSurvivorsOfASkewedBlockPartition)
{
  MPI_Comm const comm = MPI_COMM_WORLD;
  int const rank = rank_of(), size = size_of();
  auto const d = sdnn::test::skewed(sdnn::test::radix_dataset(1024, 24, 600, 12));
  ASSERT_GT(d.expected.categories.size(), 4u);
  expect_reference_everywhere(d, {0, 4});

  // Every survivor starts in the first block: with rebalancing the other ranks take over part of it.
  std::map<int, DistributedReport> reports;
  for (int every : {0, 4})
  {
    auto rows = sdnn::scatter_rows(comm, 0, rank == 0 ? d.inputs : sdnn::HostCsc(), RowPartition::block);
    DistributedOptions options;
    options.rebalance_every = every;
    auto const got = sdnn::infer_distributed(comm, 0, Kokkos::DefaultHostExecutionSpace(), std::move(rows),
                                             sdnn::PreparedNetwork(d.layers, d.bias), options, &reports[every]);
    if (rank == 0)
    {
      EXPECT_EQ(got.categories, d.expected.categories);
    }
  }
  if (size == 1)
  {
    EXPECT_EQ(reports[4].rows_moved(), 0);
    return;
  }
  EXPECT_GT(reports[4].rebalances, 0);
  EXPECT_GT(reports[4].rows_moved(), 0);
  EXPECT_GT(reports[4].bytes_moved(), 0);
  EXPECT_LT(reports[4].work_imbalance(), reports[0].work_imbalance())
      << "row-layers max/mean with rebalancing " << reports[4].work_imbalance() << ", without "
      << reports[0].work_imbalance();
  for (auto const &r : reports[4].ranks)
    EXPECT_GT(r.rows_end, 0) << "rank " << r.rank << " took no survivors";
}

TEST(DistributedRealData, EveryModeAndPartitionGivesThe19Rows)
{
  auto const dir = sdnn::test::real_data_dir();
  if (dir.empty())
    GTEST_SKIP() << "real challenge data not found under " << SDNN_SHARED_DATA_DIR;
  sdnn::test::Dataset d;
  d.name = "real-1200";
  d.inputs = sdnn::read_tsv_matrix(dir + "/sparse-images-1024-first1200.tsv", sdnn::any_size, 1024);
  auto const paths = sdnn::challenge_paths(dir, 1024, 120);
  auto network =
      sdnn::load_network(MPI_COMM_WORLD, paths.layers, 1024, sdnn::challenge_bias(1024), sdnn::ReadOptions{false, ""});
  d.layers = std::move(network.layers);
  d.bias = network.bias;
  d.expected = sdnn::reference_inference(d.inputs, d.layers, d.bias);
  ASSERT_EQ(d.expected.categories.size(), 19u);
  expect_reference_everywhere(d, {0, 10});
}
