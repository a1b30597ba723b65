// Google Benchmark: the kernels of one layer step of a tile (sdnn::impl::TileWorkspace) on generated RadiX-Net
// layers (first layer, N = 1024 and 4096), the fused bias + ReLU + clamp, dead-row removal and the row hashes.
//
// Single-threaded: Kokkos is initialised with one thread whatever the command line says (the tile kernels are
// sequential code, one thread per tile; row_order runs on the one-thread default host execution space), and the
// multiply-add peak (Sdnn_Peak.hpp) is measured once at start with one thread. Run for instance (one line)
//   build/openmp/perf/sdnn_kernel_benchmarks --benchmark_filter=Dense --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
//
// What is timed (manual time: only the named kernels, set-up and reloads are outside):
//  - Dense/N/rows/chunks: begin_chunk + dense_columns over all columns, split in `chunks` column ranges run one
//    after the other (2: the model mode's split), on a dense tile of saturated rows (every entry 32; such a
//    tile is its own next input, so each iteration recomputes the same step).
//  - SparseSpMM/N/rows: begin_chunk + sparse_symbolic + sparse_plan + sparse_numeric of the first layer on
//    challenge_images(synthetic_gray_images(rows, 7), N), the tile sparse in and out (the tile is reloaded with
//    start() between iterations, untimed); the two column passes are called on 256 successive column ranges.
//  - DeadRows/N/rows/dense: finalize() after a step in which exactly half the rows die (even rows survive with
//    values 32, odd rows hold one entry 1, which the bias kills): merging the counts and compacting the tile
//    (moving the surviving rows of the dense panels, or renumbering the sparse row indices). The tile is
//    reloaded and the step recomputed between iterations, untimed.
//  - Activate/size: sdnn::impl::activate over `size` floats (a quarter zeros, values spread over [-8, 40]).
//  - RowOrder/hash: sdnn::row_order of 60000 rows (32 parts for the stride hash).
//
// Counters: MAC/s, the useful multiply-adds per second (32 × nnz(Y) per step: nnz of the step's input times the
// row degree of W), and pct_of_peak, MAC/s as a percentage of the measured one-thread peak; items_per_second
// for hashing (rows), activation (entries) and dead-row removal (tile rows). For Activate, pct_of_peak compares
// entries/s with the peak's multiply-add lanes/s (100 would be one activation per FMA lane). best_MAC/s,
// best_pct and best_items/s are the same figures for the fastest iteration (for SparseSpMM: the sum of the
// fastest times of its pieces): on a machine shared with other processes the mean includes the time the thread
// was descheduled, the fastest iteration much less so.
//
// Each benchmark checks its output once, before timing: a tile step against sdnn::reference_inference on one layer
// (surviving rows, nnz, every value) and the storage path it is meant to measure, activate against the challenge's
// formula, row_order against the hash functors. On a mismatch it calls state.SkipWithError ("ERROR OCCURRED" in
// the report) and the executable exits with status 1. The ctest kernel_benchmarks_smoke runs every benchmark
// briefly (--benchmark_min_time=0.01, without the 8192-row sparse cases). LayerPointers are built in one place,
// layer_pointers(), and the kernels are called only through TileWorkspace's public methods, so that changes inside the
// kernels need no change here.
#include "Sdnn_Peak.hpp"

#include <Sdnn.hpp>
#include <impl/Sdnn_Activate.hpp>
#include <impl/Sdnn_TileWorkspace.hpp>

#include <Kokkos_Core.hpp>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace
{

using sdnn::impl::LayerCounters;
using sdnn::impl::LayerPointers;
using sdnn::impl::TileOutput;
using sdnn::impl::TileWorkspace;

constexpr float ymax = sdnn::challenge_ymax;
constexpr double never = std::numeric_limits<double>::infinity(); // dense_above that keeps a tile sparse

double g_peak = 0.0; // measured one-thread multiply-add peak
bool g_failed = false;

/// The one place that turns a layer into the kernels' LayerPointers (adapt here when LayerPointers changes).
/// Grouped as the engine groups them (impl::TiledInference): the dense kernel's blocks of columns sharing their rows.
/// The groups live as long as the benchmark's layers (kept per layer storage, for the whole run).
LayerPointers layer_pointers(sdnn::HostCsc const &w)
{
  static std::map<float const *, sdnn::impl::LayerGroups> groups;
  auto it = groups.find(w.values().data());
  if (it == groups.end())
    it = groups.emplace(w.values().data(), sdnn::impl::LayerGroups(w, sdnn::impl::active_kernel_set().block_columns))
             .first;
  return it->second.pointers(w);
}

void fail(benchmark::State &state, std::string const &message)
{
  g_failed = true;
  state.SkipWithError(message.c_str());
}

/// True the first time `key` is seen: the checks run once per benchmark, not at every iteration-count trial.
bool first_time(std::string const &key)
{
  static std::set<std::string> seen;
  return seen.insert(key).second;
}

std::string key_of(char const *name, benchmark::State const &state, int args)
{
  std::string key = name;
  for (int a = 0; a < args; ++a)
    key += "/" + std::to_string(state.range(a));
  return key;
}

/// The inputs of one benchmark, the first RadiX-Net layer and the reference's result of that layer.
struct KernelFixture
{
  sdnn::HostCsr rows;  // Y0 as the tile loads it
  sdnn::HostCsc layer; // W1
  float bias = 0.0f;
  sdnn::InferenceResult reference;
  std::vector<std::int32_t> order; // identity: the tile holds rows 0..rows-1

  KernelFixture(sdnn::HostCsr y0, std::int64_t n)
      : rows(std::move(y0)), layer(sdnn::RadixNet(n, 1).layer(1)), bias(sdnn::challenge_bias(n)),
        reference(sdnn::reference_inference(sdnn::to_csc(rows), {layer}, bias, ymax)), order(rows.num_rows)
  {
    for (std::size_t r = 0; r < order.size(); ++r)
      order[r] = static_cast<std::int32_t>(r);
  }
  std::int64_t n() const { return rows.num_cols; }
  std::int64_t num_rows() const { return rows.num_rows; }
  std::int64_t input_nnz() const { return rows.row_ptr.back(); }
  void load(TileWorkspace &ws, double dense_above) const
  {
    ws.start(rows.row_ptr.data(), rows.col_idx.data(), rows.values.data(), order.data(), 0, num_rows(), dense_above);
  }
};

/// Appends row `r` of a CSR under construction: `cols` with value `value`.
void push_row(sdnn::HostCsr &y, std::vector<std::int32_t> const &cols, float value)
{
  y.col_idx.insert(y.col_idx.end(), cols.begin(), cols.end());
  y.values.insert(y.values.end(), cols.size(), value);
  y.row_ptr.push_back(static_cast<std::int64_t>(y.col_idx.size()));
  ++y.num_rows;
}

sdnn::HostCsr empty_csr(std::int64_t n)
{
  sdnn::HostCsr y;
  y.num_cols = n;
  y.row_ptr.assign(1, 0);
  return y;
}

sdnn::HostCsr images(std::int64_t n, std::int64_t rows)
{
  return sdnn::to_csr(sdnn::challenge_images(sdnn::synthetic_gray_images(rows, 7), n));
}

enum class Kind
{
  saturated,       // every entry 32
  images,          // challenge images, entries 1
  half_dead_dense, // even rows saturated, odd rows one entry 1
  half_dead_sparse // even rows an image's pixels with value 32, odd rows one entry 1
};

/// Fixtures are built once (the reference inference is the slow part) and kept until main clears them, before
/// Kokkos is finalised (they hold Views).
std::map<std::tuple<Kind, std::int64_t, std::int64_t>, std::unique_ptr<KernelFixture>> g_fixtures;

KernelFixture const &fixture(Kind kind, std::int64_t n, std::int64_t rows)
{
  auto &slot = g_fixtures[{kind, n, rows}];
  if (slot)
    return *slot;
  std::vector<std::int32_t> all(n);
  for (std::int64_t j = 0; j < n; ++j)
    all[j] = static_cast<std::int32_t>(j);
  sdnn::HostCsr y = empty_csr(n);
  switch (kind)
  {
  case Kind::saturated:
    for (std::int64_t r = 0; r < rows; ++r)
      push_row(y, all, ymax);
    break;
  case Kind::images:
    y = images(n, rows);
    break;
  case Kind::half_dead_dense:
  case Kind::half_dead_sparse:
  {
    sdnn::HostCsr const pictures = kind == Kind::half_dead_sparse ? images(n, rows) : empty_csr(n);
    for (std::int64_t r = 0; r < rows; ++r)
    {
      std::vector<std::int32_t> one{static_cast<std::int32_t>(r % n)};
      if (r % 2 == 1)
      {
        // One input of 1: Z = 1/16 in 32 columns, 1/16 + bias < 0 for every challenge bias, so the row dies.
        push_row(y, one, 1.0f);
        continue;
      }
      if (kind == Kind::half_dead_dense)
      {
        push_row(y, all, ymax);
        continue;
      }
      // An image's pixels with value 32: every column reached gets Z >= 2 and survives.
      std::vector<std::int32_t> cols(pictures.col_idx.begin() + pictures.row_ptr[r],
                                     pictures.col_idx.begin() + pictures.row_ptr[r + 1]);
      push_row(y, cols.empty() ? one : cols, ymax);
    }
    break;
  }
  }
  slot = std::make_unique<KernelFixture>(std::move(y), n);
  return *slot;
}

/// Empty when the tile holds exactly the reference's Y1 (surviving rows, nnz, every value), else the difference.
std::string compare_with_reference(TileWorkspace const &ws, KernelFixture const &p)
{
  std::ostringstream error;
  auto const &ref = p.reference;
  auto const &y = ref.activations;
  if (ws.rows() != ref.layers[0].active_rows || ws.nnz() != ref.layers[0].nnz)
  {
    error << "tile has " << ws.rows() << " rows and " << ws.nnz() << " nonzeros, the reference "
          << ref.layers[0].active_rows << " and " << ref.layers[0].nnz;
    return error.str();
  }
  TileOutput out;
  ws.finish(out, true);
  if (!std::equal(out.categories.begin(), out.categories.end(), ref.categories.begin(), ref.categories.end()))
    return "the surviving rows differ from the reference's";
  if (out.values.size() != y.col_idx.size())
  {
    error << "tile emits " << out.values.size() << " activations, the reference has " << y.col_idx.size();
    return error.str();
  }
  std::vector<char> seen(y.col_idx.size(), 0);
  std::size_t row = 0;
  for (std::size_t e = 0; e < out.values.size(); ++e)
  {
    while (static_cast<std::int64_t>(e) >= out.row_ptr[row + 1])
      ++row;
    std::int32_t const r = out.categories[row], j = out.cols[e];
    auto const first = y.col_idx.begin() + y.row_ptr[r], last = y.col_idx.begin() + y.row_ptr[r + 1];
    auto const it = std::lower_bound(first, last, j);
    auto const k = static_cast<std::size_t>(it - y.col_idx.begin());
    if (it == last || *it != j || seen[k] || y.values[k] != out.values[e])
    {
      error << "Y(" << r << ", " << j << ") = " << out.values[e] << " in the tile, reference ";
      if (it == last || *it != j)
        error << "none";
      else
        error << y.values[k] << (seen[k] ? " (emitted twice)" : "");
      return error.str();
    }
    seen[k] = 1;
  }
  return {};
}

/// Checks once per benchmark; false (after SkipWithError) on a mismatch.
bool checked(benchmark::State &state, std::string const &key, TileWorkspace const &ws, KernelFixture const &p,
             bool want_dense)
{
  if (ws.dense() != want_dense)
  {
    fail(state, key + ": the tile is " + (ws.dense() ? "dense" : "sparse") + ", not the storage measured");
    return false;
  }
  if (auto const error = compare_with_reference(ws, p); !error.empty())
  {
    fail(state, key + ": " + error);
    return false;
  }
  return true;
}

/// The timed part of the iterations: their total (the manual time) and the fastest one, the least disturbed on a
/// shared machine.
class Timing
{
public:
  explicit Timing(benchmark::State &state) : m_state(state) {}
  /// Ends the iteration timed by `timer`.
  void stop(Kokkos::Timer const &timer)
  {
    double const t = timer.seconds();
    m_state.SetIterationTime(t);
    m_total += t;
    m_best = std::min(m_best, t);
  }
  double total() const { return m_total; }
  /// Replaces the fastest iteration by an estimate made of pieces (see BM_SparseSpMM).
  void set_best(double seconds) { m_best = seconds; }

  /// MAC/s and pct_of_peak over all iterations, best_MAC/s and best_pct from the fastest one.
  void set_mac_counters(double macs_per_iteration) const
  {
    if (m_total <= 0.0)
      return;
    double const macs = macs_per_iteration * static_cast<double>(m_state.iterations());
    m_state.counters["MAC/s"] = benchmark::Counter(macs, benchmark::Counter::kIsRate);
    m_state.counters["pct_of_peak"] = 100.0 * macs / m_total / g_peak;
    m_state.counters["best_MAC/s"] = macs_per_iteration / m_best;
    m_state.counters["best_pct"] = 100.0 * macs_per_iteration / m_best / g_peak;
  }
  /// items_per_second over all iterations, best_items/s from the fastest one.
  void set_items(double items_per_iteration) const
  {
    if (m_total <= 0.0)
      return;
    m_state.SetItemsProcessed(static_cast<std::int64_t>(items_per_iteration) * m_state.iterations());
    m_state.counters["best_items/s"] = items_per_iteration / m_best;
  }

private:
  benchmark::State &m_state;
  double m_total = 0.0;
  double m_best = std::numeric_limits<double>::infinity();
};

// ---- dense panels ----

void dense_step(TileWorkspace &ws, LayerPointers const &w, std::int64_t n, int chunks, float bias)
{
  for (int c = 0; c < chunks; ++c)
  {
    ws.begin_chunk(c);
    ws.dense_columns(w, c * n / chunks, (c + 1) * n / chunks, c, bias, ymax);
  }
}

void BM_Dense(benchmark::State &state)
{
  std::int64_t const n = state.range(0), rows = state.range(1);
  int const chunks = static_cast<int>(state.range(2));
  auto const key = key_of("Dense", state, 3);
  KernelFixture const &p = fixture(Kind::saturated, n, rows);
  LayerPointers const w = layer_pointers(p.layer);
  TileWorkspace ws(n, rows, chunks, 0); // no sparse capacity: dense panels only
  std::int64_t active = 0, nnz = 0;
  if (first_time(key))
  {
    p.load(ws, -1.0);
    dense_step(ws, w, n, chunks, p.bias);
    ws.finalize(chunks, 0, LayerCounters{&active, &nnz}, -1.0);
    if (!checked(state, key, ws, p, true))
      return;
  }
  p.load(ws, -1.0);
  Timing timing(state);
  for (auto _ : state)
  {
    Kokkos::Timer timer;
    dense_step(ws, w, n, chunks, p.bias); // reads the same saturated Y every time (no finalize: no swap)
    timing.stop(timer);
  }
  timing.set_mac_counters(32.0 * static_cast<double>(p.input_nnz()));
}

// ---- sparse two-step SpMM ----

void BM_SparseSpMM(benchmark::State &state)
{
  std::int64_t const n = state.range(0), rows = state.range(1);
  auto const key = key_of("SparseSpMM", state, 2);
  KernelFixture const &p = fixture(Kind::images, n, rows);
  LayerPointers const w = layer_pointers(p.layer);
  TileWorkspace ws(n, rows, 1, rows * n);
  auto step = [&]
  {
    ws.begin_chunk(0);
    ws.sparse_symbolic(w, 0, n, 0);
    ws.sparse_plan(never);
    ws.sparse_numeric(w, 0, n, 0, p.bias, ymax);
  };
  std::int64_t active = 0, nnz = 0;
  if (first_time(key))
  {
    p.load(ws, never);
    if (ws.dense())
      return fail(state, key + ": the inputs were loaded dense");
    step();
    ws.finalize(1, 0, LayerCounters{&active, &nnz}, -1.0);
    if (!checked(state, key, ws, p, false))
      return;
  }
  // The step in pieces, each timed: `pieces` column ranges of sparse_symbolic, sparse_plan, `pieces` column ranges
  // of sparse_numeric. Successive column ranges of one chunk do exactly the work of one call over all columns. A
  // step lasts long enough (tens of ms to seconds) to be interrupted by other processes in every iteration on a
  // shared machine; the sum over pieces of each piece's fastest time is the step's undisturbed time (slightly
  // optimistic: the pieces' best times may come from different iterations), and gives best_*.
  constexpr int pieces = 256; // 4 columns (N = 1024) or 16 (N = 4096): at most a few ms each
  std::vector<double> fastest(2 * pieces + 1, std::numeric_limits<double>::infinity());
  auto timed = [&](int piece, auto &&kernel)
  {
    Kokkos::Timer timer;
    kernel();
    fastest[piece] = std::min(fastest[piece], timer.seconds());
  };
  Timing timing(state);
  double symbolic = 0.0;
  for (auto _ : state)
  {
    p.load(ws, never);
    Kokkos::Timer timer;
    ws.begin_chunk(0);
    for (int k = 0; k < pieces; ++k)
      timed(k, [&] { ws.sparse_symbolic(w, k * n / pieces, (k + 1) * n / pieces, 0); });
    symbolic += timer.seconds();
    timed(pieces, [&] { ws.sparse_plan(never); });
    for (int k = 0; k < pieces; ++k)
      timed(pieces + 1 + k, [&] { ws.sparse_numeric(w, k * n / pieces, (k + 1) * n / pieces, 0, p.bias, ymax); });
    timing.stop(timer);
  }
  double undisturbed = 0.0;
  for (double t : fastest)
    undisturbed += t;
  timing.set_best(undisturbed);
  timing.set_mac_counters(32.0 * static_cast<double>(p.input_nnz()));
  state.counters["symbolic_pct"] = timing.total() > 0.0 ? 100.0 * symbolic / timing.total() : 0.0;
  state.counters["nnz_per_row"] = static_cast<double>(p.input_nnz()) / static_cast<double>(p.num_rows());
}

// ---- dead-row removal ----

void BM_DeadRows(benchmark::State &state)
{
  std::int64_t const n = state.range(0), rows = state.range(1);
  bool const dense = state.range(2) != 0;
  auto const key = key_of("DeadRows", state, 3);
  KernelFixture const &p = fixture(dense ? Kind::half_dead_dense : Kind::half_dead_sparse, n, rows);
  LayerPointers const w = layer_pointers(p.layer);
  TileWorkspace ws(n, rows, 1, dense ? 0 : rows * n);
  double const dense_above = dense ? -1.0 : never;
  auto step = [&]
  {
    p.load(ws, dense_above);
    ws.begin_chunk(0);
    if (dense)
      ws.dense_columns(w, 0, n, 0, p.bias, ymax);
    else
    {
      ws.sparse_symbolic(w, 0, n, 0);
      ws.sparse_plan(never);
      ws.sparse_numeric(w, 0, n, 0, p.bias, ymax);
    }
  };
  std::int64_t active = 0, nnz = 0;
  LayerCounters const counters{&active, &nnz};
  if (first_time(key))
  {
    step();
    ws.finalize(1, 0, counters, -1.0);
    if (!checked(state, key, ws, p, dense))
      return;
    if (2 * ws.rows() != rows)
      return fail(state, key + ": " + std::to_string(ws.rows()) + " of " + std::to_string(rows) + " rows survive");
  }
  Timing timing(state);
  for (auto _ : state)
  {
    step();
    Kokkos::Timer timer;
    ws.finalize(1, 0, counters, -1.0);
    timing.stop(timer);
  }
  timing.set_items(static_cast<double>(rows));
  state.counters["dead_pct"] = 100.0 * static_cast<double>(rows - ws.rows()) / static_cast<double>(rows);
}

// ---- fused bias + ReLU + clamp ----

void BM_Activate(benchmark::State &state)
{
  std::int64_t const size = state.range(0);
  auto const key = key_of("Activate", state, 1);
  float const bias = sdnn::challenge_bias(1024);
  std::vector<float> z(size), y(size);
  std::uint64_t x = 12345;
  for (auto &v : z)
  {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    auto const u = static_cast<std::uint32_t>(x >> 40); // 24 random bits
    v = (u & 3) == 0 ? 0.0f : -8.0f + 48.0f * static_cast<float>(u >> 2) / static_cast<float>(1 << 22);
  }
  auto apply = [&]
  {
    float const *in = z.data();
    float *out = y.data();
    for (std::int64_t i = 0; i < size; ++i)
      out[i] = sdnn::impl::activate(in[i], bias, ymax);
  };
  if (first_time(key))
  {
    apply();
    for (std::int64_t i = 0; i < size; ++i)
    {
      // The challenge's semantics, written independently: bias on the nonzeros, then clamp to [0, ymax].
      float const expect = z[i] == 0.0f ? 0.0f : std::min(std::max(z[i] + bias, 0.0f), ymax);
      if (y[i] != expect)
        return fail(state, key + ": activate(" + std::to_string(z[i]) + ") = " + std::to_string(y[i]) + ", expected " +
                               std::to_string(expect));
    }
  }
  Timing timing(state);
  for (auto _ : state)
  {
    Kokkos::Timer timer;
    apply();
    benchmark::ClobberMemory();
    timing.stop(timer);
  }
  benchmark::DoNotOptimize(y.data());
  timing.set_items(static_cast<double>(size));
  if (timing.total() > 0.0)
    state.counters["pct_of_peak"] =
        100.0 * static_cast<double>(size) * static_cast<double>(state.iterations()) / timing.total() / g_peak;
}

// ---- row hashing ----

void BM_RowOrder(benchmark::State &state)
{
  auto const hash = static_cast<sdnn::RowHash>(state.range(0));
  auto const key = key_of("RowOrder", state, 1);
  constexpr std::int64_t rows = 60000, parts = 32;
  constexpr std::uint64_t seed = 1;
  Kokkos::DefaultHostExecutionSpace const space;
  if (first_time(key))
  {
    auto const order = sdnn::row_order(space, hash, rows, parts, seed);
    sdnn::StrideHash const stride{rows, parts};
    sdnn::FeistelHash const feistel{rows, seed};
    for (std::int64_t r = 0; r < rows; ++r)
    {
      std::int64_t const pos = hash == sdnn::RowHash::stride    ? stride(r)
                               : hash == sdnn::RowHash::feistel ? feistel(r)
                                                                : r;
      if (pos < 0 || pos >= rows || order(pos) != r)
        return fail(state, key + ": row " + std::to_string(r) + " is not at position " + std::to_string(pos));
    }
  }
  Timing timing(state);
  for (auto _ : state)
  {
    Kokkos::Timer timer;
    auto const order = sdnn::row_order(space, hash, rows, parts, seed);
    benchmark::DoNotOptimize(order.data());
    timing.stop(timer);
  }
  timing.set_items(static_cast<double>(rows));
  state.SetLabel(sdnn::name(hash));
}

} // namespace

BENCHMARK(BM_Dense)
    ->ArgNames({"N", "rows", "chunks"})
    ->ArgsProduct({{1024, 4096}, {32, 64, 128}, {1}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SparseSpMM)
    ->ArgNames({"N", "rows"})
    ->ArgsProduct({{1024, 4096}, {1024, 8192}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeadRows)
    ->ArgNames({"N", "rows", "dense"})
    ->ArgsProduct({{1024, 4096}, {1024}, {1, 0}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Activate)->ArgName("size")->Arg(1 << 14)->Arg(1 << 22)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RowOrder)
    ->ArgName("hash")
    ->Arg(static_cast<int>(sdnn::RowHash::none))
    ->Arg(static_cast<int>(sdnn::RowHash::stride))
    ->Arg(static_cast<int>(sdnn::RowHash::feistel))
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

int main(int argc, char **argv)
{
  // One thread: these benchmarks measure kernels, not the parallel modes.
#if KOKKOS_VERSION >= 30700
  Kokkos::ScopeGuard guard(Kokkos::InitializationSettings().set_num_threads(1));
#else
  Kokkos::InitArguments kokkos_arguments;
  kokkos_arguments.num_threads = 1;
  Kokkos::ScopeGuard guard(kokkos_arguments);
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 2;
  g_peak = sdnn::perf::measure_multiply_add_peak(1, 0.5);
  std::ostringstream kokkos_version;
  kokkos_version << KOKKOS_VERSION / 10000 << "." << KOKKOS_VERSION / 100 % 100 << "." << KOKKOS_VERSION % 100;
  benchmark::AddCustomContext("sdnn", SDNN_VERSION_STRING);
  benchmark::AddCustomContext("git", SDNN_GIT_HASH);
  benchmark::AddCustomContext("kokkos_version", kokkos_version.str());
  benchmark::AddCustomContext("kokkos_execution_space", Kokkos::DefaultHostExecutionSpace::name());
  benchmark::AddCustomContext("kokkos_concurrency", std::to_string(Kokkos::DefaultHostExecutionSpace().concurrency()));
  std::ostringstream peak;
  peak << std::scientific << g_peak;
  benchmark::AddCustomContext("peak_multiply_adds_per_s_1_thread", peak.str());
  auto const &kernels = sdnn::impl::active_kernel_set();
  benchmark::AddCustomContext("instruction_set", sdnn::name(kernels.set));
  benchmark::AddCustomContext("peak_lanes_per_iteration", std::to_string(kernels.peak_lanes));
  benchmark::AddCustomContext("peak_fused", kernels.fused ? "true" : "false");
  benchmark::AddCustomContext("sdnn_panel_rows", std::to_string(sdnn::impl::panel_rows));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_fixtures.clear();
  return g_failed ? 1 : 0;
}
