#include <Sdnn_Inference.hpp>

#include "Sdnn_TileWorkspace.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#if defined(__unix__)
#include <unistd.h>
#endif

namespace sdnn
{

namespace
{
template <class Enum> struct Names
{
  Enum value;
  char const *name;
};
constexpr Names<Parallelism> parallelism_names[] = {{Parallelism::data, "data"},
                                                    {Parallelism::model, "model"},
                                                    {Parallelism::manager_worker, "manager-worker"},
                                                    {Parallelism::work_stealing, "work-stealing"},
                                                    {Parallelism::data_then_model, "data-then-model"}};
constexpr Names<Recruitment> recruitment_names[] = {{Recruitment::earliest_first, "earliest-first"},
                                                    {Recruitment::slower_first, "slower-first"},
                                                    {Recruitment::faster_first, "faster-first"}};
constexpr Names<KernelChoice> kernel_names[] = {
    {KernelChoice::automatic, "auto"}, {KernelChoice::sparse, "sparse"}, {KernelChoice::dense, "dense"}};
constexpr Names<RowHash> hash_names[] = {
    {RowHash::none, "none"}, {RowHash::stride, "stride"}, {RowHash::feistel, "feistel"}};
constexpr Names<RowPartition> partition_names[] = {{RowPartition::block, "block"}, {RowPartition::hashed, "hashed"}};

template <class Enum, std::size_t Size> std::string name_of(Names<Enum> const (&table)[Size], Enum value)
{
  for (auto const &entry : table)
    if (entry.value == value)
      return entry.name;
  return "?";
}
template <class Enum, std::size_t Size>
std::optional<Enum> parse_name(Names<Enum> const (&table)[Size], std::string const &text)
{
  for (auto const &entry : table)
    if (text == entry.name)
      return entry.value;
  return std::nullopt;
}
} // namespace

std::string name(Parallelism parallelism)
{
  return name_of(parallelism_names, parallelism);
}
std::string name(Recruitment recruitment)
{
  return name_of(recruitment_names, recruitment);
}
std::string name(KernelChoice kernel)
{
  return name_of(kernel_names, kernel);
}
std::string name(RowHash hash)
{
  return name_of(hash_names, hash);
}
std::optional<Parallelism> parse_parallelism(std::string const &text)
{
  return parse_name(parallelism_names, text);
}
std::optional<Recruitment> parse_recruitment(std::string const &text)
{
  return parse_name(recruitment_names, text);
}
std::optional<KernelChoice> parse_kernel_choice(std::string const &text)
{
  return parse_name(kernel_names, text);
}
std::optional<RowHash> parse_row_hash(std::string const &text)
{
  return parse_name(hash_names, text);
}

std::string name(RowPartition partition)
{
  return name_of(partition_names, partition);
}

std::optional<RowPartition> parse_row_partition(std::string const &text)
{
  return parse_name(partition_names, text);
}

std::vector<int> row_owners(std::int64_t num_rows, int num_ranks, RowPartition partition, std::uint64_t seed)
{
  SDNN_REQUIRE(num_rows >= 0 && num_ranks >= 1, "cannot deal " << num_rows << " rows to " << num_ranks << " ranks");
  std::int64_t const base = num_rows / num_ranks, extra = num_rows % num_ranks;
  // Position p lies in block b: the first `extra` blocks have base + 1 rows.
  auto block_of = [&](std::int64_t p)
  {
    std::int64_t const wide = extra * (base + 1);
    return static_cast<int>(p < wide ? p / (base + 1) : extra + (p - wide) / std::max<std::int64_t>(base, 1));
  };
  std::vector<int> owners(num_rows);
  FeistelHash const hash{num_rows, seed};
  for (std::int64_t r = 0; r < num_rows; ++r)
    owners[r] = block_of(partition == RowPartition::hashed ? hash(r) : r);
  return owners;
}

std::vector<Parallelism> all_parallelisms()
{
  std::vector<Parallelism> all;
  for (auto const &entry : parallelism_names)
    all.push_back(entry.value);
  return all;
}

double WorkReport::dense_rate_resolution()
{
  return std::exp2(1.0 / dense_rate_bins_per_octave) - 1.0;
}

int WorkReport::dense_rate_bin(double rate)
{
  if (!(rate > 0.0))
    return 0;
  double const bin = std::floor((std::log2(rate) - dense_rate_min_log2) * dense_rate_bins_per_octave);
  return static_cast<int>(std::clamp(bin, 0.0, static_cast<double>(dense_rate_bins - 1)));
}

double WorkReport::dense_median_rate() const
{
  std::int64_t total = 0;
  for (auto const macs : dense_rate_histogram)
    total += macs;
  if (total == 0)
    return 0.0;
  // From the fastest bin down: the first bin where the multiply-adds seen reach half of the total.
  std::int64_t seen = 0;
  int bin = static_cast<int>(dense_rate_histogram.size()) - 1;
  for (; bin > 0; --bin)
  {
    seen += dense_rate_histogram[bin];
    if (2 * seen >= total)
      break;
  }
  return std::exp2(dense_rate_min_log2 + (bin + 0.5) / dense_rate_bins_per_octave);
}

double WorkReport::imbalance() const
{
  if (busy_seconds.empty())
    return 1.0;
  double sum = 0.0, max = 0.0;
  for (double b : busy_seconds)
  {
    sum += b;
    max = std::max(max, b);
  }
  double const mean = sum / static_cast<double>(busy_seconds.size());
  return mean > 0.0 ? max / mean : 1.0;
}

namespace impl
{

namespace
{

double seconds_since(Kokkos::Timer const &timer)
{
  return timer.seconds();
}

/// Calls the user's progress callback from one thread at a time, every ~5 % of the work.
class ProgressReporter
{
public:
  explicit ProgressReporter(std::function<void(std::int64_t, std::int64_t)> const &callback) : m_callback(callback) {}
  void reset(std::int64_t total)
  {
    m_total = total;
    m_step = std::max<std::int64_t>(1, total / 20);
    m_next = m_step;
    m_done = 0;
  }
  void add(std::int64_t amount)
  {
    if (!m_callback)
      return;
    std::int64_t const done = Kokkos::atomic_fetch_add(&m_done, amount) + amount;
    if (!m_mutex.try_lock())
      return;
    if (done >= m_next || done == m_total)
    {
      m_next = done + m_step;
      m_callback(done, m_total);
    }
    m_mutex.unlock();
  }

private:
  std::function<void(std::int64_t, std::int64_t)> const &m_callback;
  std::int64_t m_total = 0;
  std::int64_t m_step = 1;
  std::int64_t m_next = 1;
  std::int64_t m_done = 0;
  std::mutex m_mutex;
};

/// What every mode shares: the inputs in row order, the tiles, the layers, the counters and the outputs.
class Problem
{
public:
  Problem(HostCsc const &inputs, std::vector<HostCsc> const &layers, float bias, InferenceOptions const &options,
          int threads)
      : m_options(options), m_kernels(active_kernel_set()), m_bias(bias), m_n(inputs.num_cols()),
        m_num_layers(static_cast<int>(layers.size())), m_threads(threads), m_csr(to_csr(inputs)),
        m_active(layers.size(), 0), m_nnz(layers.size(), 0), m_progress(options.progress)
  {
    // Column groups for the dense kernel, once per layer (≈ 1 ms per layer at N = 4096).
    m_groups.reserve(layers.size());
    for (auto const &w : layers)
    {
      m_groups.emplace_back(w, m_kernels.block_columns);
      m_layers.push_back(m_groups.back().pointers(w));
    }
    switch (options.kernel)
    {
    case KernelChoice::automatic:
      m_dense_above = options.dense_above;
      m_sparse_below = options.sparse_below;
      break;
    case KernelChoice::sparse:
      m_dense_above = std::numeric_limits<double>::infinity();
      m_sparse_below = -1.0;
      break;
    case KernelChoice::dense:
      m_dense_above = -1.0;
      m_sparse_below = -1.0;
      break;
    }
  }

  /// Cuts the rows into tiles of `tile_rows` (after hashing with `parts` = number of tiles).
  template <class ExecutionSpace> void make_tiles(ExecutionSpace const &space, std::int64_t tile_rows)
  {
    std::int64_t const rows = m_csr.num_rows;
    m_tile_rows = std::max<std::int64_t>(1, tile_rows);
    m_num_tiles = rows == 0 ? 0 : (rows + m_tile_rows - 1) / m_tile_rows;
    m_order = row_order(space, m_options.hash, rows, std::max<std::int64_t>(1, m_num_tiles), m_options.hash_seed);
    m_outputs.resize(m_num_tiles);
    m_progress.reset(m_num_tiles * std::max(1, m_num_layers));
  }

  /// A workspace for tiles of this problem, split among at most `group` column chunks.
  TileWorkspace workspace(int group) const
  {
    std::int64_t const full = m_tile_rows * m_n;
    std::int64_t capacity = 0;
    if (m_options.kernel == KernelChoice::sparse)
      capacity = full;
    else if (m_options.kernel == KernelChoice::automatic)
      capacity = std::clamp<std::int64_t>(
          static_cast<std::int64_t>(std::ceil(std::max(m_dense_above, m_sparse_below) * static_cast<double>(full))) +
              m_n,
          1, full);
    return TileWorkspace(m_n, m_tile_rows, group, capacity, m_kernels);
  }

  std::int64_t num_tiles() const { return m_num_tiles; }
  std::int64_t tile_rows() const { return m_tile_rows; }
  std::int64_t tile_first(std::int64_t t) const { return t * m_tile_rows; }
  std::int64_t tile_last(std::int64_t t) const { return std::min(m_csr.num_rows, (t + 1) * m_tile_rows); }
  int num_layers() const { return m_num_layers; }
  std::int64_t n() const { return m_n; }
  int threads() const { return m_threads; }
  /// Tiles [first, last) of part p when the tiles are cut into `parts` contiguous parts.
  std::int64_t part_first(std::int64_t p, std::int64_t parts) const { return p * m_num_tiles / parts; }

  void start_tile(TileWorkspace &ws, std::int64_t t) const
  {
    ws.start(m_csr.row_ptr.data(), m_csr.col_idx.data(), m_csr.values.data(), m_order.data(), tile_first(t),
             tile_last(t), m_dense_above);
  }

  /// The kernels of layer l on chunk c of g (columns split evenly); the whole layer when g == 1.
  void layer_chunk(TileWorkspace &ws, int l, int c, int g)
  {
    std::int64_t const j0 = c * m_n / g, j1 = (c + 1) * m_n / g;
    ws.begin_chunk(c);
    if (ws.dense())
      dense_chunk(ws, l, j0, j1, c);
    else
    {
      SDNN_REQUIRE(g == 1, "a sparse tile is split by columns only through the three-phase protocol");
      ws.sparse_symbolic(m_layers[l], 0, m_n, 0);
      ws.sparse_plan(m_dense_above);
      ws.sparse_numeric(m_layers[l], 0, m_n, 0, m_bias, m_options.ymax);
    }
  }

  /// The dense kernel of layer l on the positions [j0, j1) as chunk c, timed and counted for the report.
  void dense_chunk(TileWorkspace &ws, int l, std::int64_t j0, std::int64_t j1, int c)
  {
    Kokkos::Timer timer;
    std::int64_t const macs = ws.dense_columns(m_layers[l], j0, j1, c, m_bias, m_options.ymax);
    double const seconds = timer.seconds();
    Kokkos::atomic_add(&m_dense_seconds, seconds);
    Kokkos::atomic_add(&m_dense_macs, macs);
    if (macs > 0)
      Kokkos::atomic_add(&m_dense_histogram[WorkReport::dense_rate_bin(static_cast<double>(macs) / seconds)], macs);
  }

  /// Merges the chunks of layer l and books the step.
  void finish_layer(TileWorkspace &ws, int l, int g)
  {
    Kokkos::atomic_add(ws.dense() ? &m_dense_steps : &m_sparse_steps, std::int64_t(1));
    if (g > 1)
      Kokkos::atomic_add(&m_split_steps, std::int64_t(1));
    ws.finalize(g, l, {m_active.data(), m_nnz.data()}, m_sparse_below);
    m_progress.add(1);
  }

  void finish_tile(TileWorkspace const &ws, std::int64_t t)
  {
    ws.finish(m_outputs[t], m_options.keep_activations);
    if (m_num_layers == 0)
      m_progress.add(1);
  }

  /// Tile t from start to end on one thread.
  void run_tile(TileWorkspace &ws, std::int64_t t)
  {
    start_tile(ws, t);
    for (int l = 0; l < m_num_layers; ++l)
    {
      layer_chunk(ws, l, 0, 1);
      finish_layer(ws, l, 1);
    }
    finish_tile(ws, t);
  }

  double dense_above() const { return m_dense_above; }
  InferenceOptions const &options() const { return m_options; }
  float bias() const { return m_bias; }
  LayerPointers const &layer(int l) const { return m_layers[l]; }
  void count_steal() { Kokkos::atomic_add(&m_steals, std::int64_t(1)); }

  InferenceResult result(WorkReport *report) const
  {
    InferenceResult out;
    for (auto const &tile : m_outputs)
      out.categories.insert(out.categories.end(), tile.categories.begin(), tile.categories.end());
    std::sort(out.categories.begin(), out.categories.end());
    for (int l = 0; l < m_num_layers; ++l)
      out.layers.push_back({l + 1, m_active[l], m_nnz[l]});
    auto &y = out.activations;
    y.num_rows = m_csr.num_rows;
    y.num_cols = m_n;
    y.row_ptr.assign(y.num_rows + 1, 0);
    if (m_options.keep_activations)
    {
      for (auto const &tile : m_outputs)
        for (auto r : tile.rows)
          ++y.row_ptr[r + 1];
      for (std::int64_t r = 0; r < y.num_rows; ++r)
        y.row_ptr[r + 1] += y.row_ptr[r];
      y.col_idx.resize(y.row_ptr.back());
      y.values.resize(y.row_ptr.back());
      std::vector<std::int64_t> cursor(y.row_ptr.begin(), y.row_ptr.end() - 1);
      for (auto const &tile : m_outputs)
        for (std::size_t e = 0; e < tile.rows.size(); ++e)
        {
          auto const k = cursor[tile.rows[e]]++;
          y.col_idx[k] = tile.cols[e];
          y.values[k] = tile.values[e];
        }
    }
    if (report)
    {
      report->tiles = m_num_tiles;
      report->tile_rows = m_tile_rows;
      report->dense_tile_layers = m_dense_steps;
      report->sparse_tile_layers = m_sparse_steps;
      report->split_tile_layers = m_split_steps;
      report->dense_seconds = m_dense_seconds;
      report->dense_multiply_adds = m_dense_macs;
      report->dense_rate_histogram = m_dense_histogram;
      report->steals = m_steals;
    }
    return out;
  }

private:
  InferenceOptions const &m_options;
  KernelSet const &m_kernels; // one instruction set for the whole inference
  float m_bias;
  std::int64_t m_n;
  int m_num_layers;
  int m_threads;
  HostCsr m_csr;
  std::vector<LayerGroups> m_groups;
  std::vector<LayerPointers> m_layers;
  double m_dense_above = 0.0;
  double m_sparse_below = 0.0;
  std::int64_t m_tile_rows = 1;
  std::int64_t m_num_tiles = 0;
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_order;
  std::vector<std::int64_t> m_active;
  std::vector<std::int64_t> m_nnz;
  std::vector<TileOutput> m_outputs;
  std::int64_t m_dense_steps = 0;
  double m_dense_seconds = 0.0;
  std::int64_t m_dense_macs = 0;
  std::vector<std::int64_t> m_dense_histogram = std::vector<std::int64_t>(WorkReport::dense_rate_bins, 0);
  std::int64_t m_sparse_steps = 0;
  std::int64_t m_split_steps = 0;
  std::int64_t m_steals = 0;
  ProgressReporter m_progress;
};

/// Bytes of one core's L2 cache as the C library reports it (glibc: sysconf), else 1 MiB.
std::int64_t l2_cache_bytes()
{
#if defined(_SC_LEVEL2_CACHE_SIZE)
  if (long const bytes = sysconf(_SC_LEVEL2_CACHE_SIZE); bytes > 0)
    return bytes;
#endif
  return std::int64_t(1) << 20;
}

/// Default tile size of each mode: one tile per thread for model and data-then-model (whose recruitment splits
/// a straggler's tile), many small tiles for the queues, always within a memory budget per workspace buffer.
/// The queues' tiles, and the data mode's (each thread still runs its contiguous part of the rows, tile after
/// tile), are also cache-sized when that leaves them 64 rows or more: dense Y and Z together fill the core's L2
/// cache (2 MiB: 256 rows at N=1024, 64 at N=4096), so that a tile's panels stay in L2 through its layers while
/// the layers' weights stream from L3 once per tile. Measured on 60000 Fashion-MNIST images, 2 threads, one
/// 2 MiB-L2 core each: N=4096, work-stealing 57.4 s with the 1875-row tiles of 16 per thread, manager-worker
/// 37.8 s, work-stealing 45.6 s, data 42.9 s with 64-row tiles, dense median 19-21 % of the peak -> 36-37 %;
/// N=1024, data with 256-row tiles one bin of the dense median above 128-row tiles (~53 % of the peak instead
/// of ~51 %), the wall time within the machine's noise. The model mode, whose threads split every layer and
/// meet at a barrier after each, was slower with them.
std::int64_t default_tile_rows(Parallelism mode, std::int64_t rows, std::int64_t n, int threads)
{
  constexpr std::int64_t budget_bytes = std::int64_t(128) << 20;
  std::int64_t const budget = std::max<std::int64_t>(panel_rows, budget_bytes / (4 * n));
  std::int64_t const l2_rows = l2_cache_bytes() / (8 * n);
  std::int64_t const cache_rows = l2_rows >= 64 ? l2_rows : budget;
  std::int64_t const per_thread = (rows + threads - 1) / threads;
  switch (mode)
  {
  case Parallelism::data:
    return std::clamp<std::int64_t>(per_thread, 1, std::min(budget, cache_rows));
  case Parallelism::data_then_model:
    return std::clamp<std::int64_t>(per_thread, 1, budget);
  case Parallelism::model:
    return std::clamp<std::int64_t>(rows, 1, budget);
  case Parallelism::manager_worker:
  case Parallelism::work_stealing:
    return std::clamp<std::int64_t>((rows + 16 * threads - 1) / (16 * threads), std::min<std::int64_t>(rows, 64),
                                    std::min(budget, cache_rows));
  }
  return per_thread;
}

template <class ExecutionSpace>
void run_data(ExecutionSpace const &space, Problem &problem, std::vector<TileWorkspace> &ws, std::vector<double> &busy)
{
  int const threads = problem.threads();
  Kokkos::parallel_for("Sdnn::infer<data>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, threads),
                       [&](int p)
                       {
                         Kokkos::Timer timer;
                         for (auto t = problem.part_first(p, threads); t < problem.part_first(p + 1, threads); ++t)
                           problem.run_tile(ws[p], t);
                         busy[p] = seconds_since(timer);
                       });
  space.fence();
}

template <class ExecutionSpace>
void run_manager_worker(ExecutionSpace const &space, Problem &problem, std::vector<TileWorkspace> &ws,
                        std::vector<double> &busy)
{
  std::int64_t next = 0; // the shared queue: tiles [next, num_tiles) are waiting
  Kokkos::parallel_for("Sdnn::infer<manager-worker>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, problem.threads()),
                       [&](int w)
                       {
                         Kokkos::Timer timer;
                         for (std::int64_t t;
                              (t = Kokkos::atomic_fetch_add(&next, std::int64_t(1))) < problem.num_tiles();)
                           problem.run_tile(ws[w], t);
                         busy[w] = seconds_since(timer);
                       });
  space.fence();
}

/// Per-thread queues of tile ranges [head, tail) packed in one 64-bit word, so that the owner's pop from the
/// head and a thief's steal from the tail are both a single compare-and-swap on the same word.
class StealQueues
{
public:
  StealQueues(Problem const &problem, int threads) : m_words(threads)
  {
    for (int p = 0; p < threads; ++p)
      m_words[p] = pack(problem.part_first(p, threads), problem.part_first(p + 1, threads));
  }
  /// Next tile of queue w, or -1.
  std::int64_t pop(int w)
  {
    for (;;)
    {
      std::uint64_t const word = load(w);
      auto const [head, tail] = unpack(word);
      if (head >= tail)
        return -1;
      if (Kokkos::atomic_compare_exchange(&m_words[w], word, pack(head + 1, tail)) == word)
        return head;
    }
  }
  /// Moves half of the fullest other queue into queue w (which must be empty). False when all are empty.
  bool steal(int w)
  {
    for (;;)
    {
      int victim = -1;
      std::int64_t most = 0;
      for (int v = 0; v < static_cast<int>(m_words.size()); ++v)
      {
        auto const [head, tail] = unpack(load(v));
        if (v != w && tail - head > most)
        {
          most = tail - head;
          victim = v;
        }
      }
      if (victim < 0)
        return false;
      std::uint64_t const word = load(victim);
      auto const [head, tail] = unpack(word);
      if (tail <= head)
        continue;
      std::int64_t const take = (tail - head + 1) / 2;
      if (Kokkos::atomic_compare_exchange(&m_words[victim], word, pack(head, tail - take)) != word)
        continue;
      Kokkos::atomic_exchange(&m_words[w], pack(tail - take, tail));
      return true;
    }
  }

private:
  static std::uint64_t pack(std::int64_t head, std::int64_t tail)
  {
    return (static_cast<std::uint64_t>(head) << 32) | static_cast<std::uint64_t>(tail);
  }
  static std::pair<std::int64_t, std::int64_t> unpack(std::uint64_t word)
  {
    return {static_cast<std::int64_t>(word >> 32), static_cast<std::int64_t>(word & 0xffffffffULL)};
  }
  std::uint64_t load(int w) { return Kokkos::atomic_fetch_add(&m_words[w], std::uint64_t(0)); }
  std::vector<std::uint64_t> m_words;
};

template <class ExecutionSpace>
void run_work_stealing(ExecutionSpace const &space, Problem &problem, std::vector<TileWorkspace> &ws,
                       std::vector<double> &busy)
{
  SDNN_REQUIRE(problem.num_tiles() < (std::int64_t(1) << 31), "too many tiles for the steal queues");
  StealQueues queues(problem, problem.threads());
  Kokkos::parallel_for("Sdnn::infer<work-stealing>", Kokkos::RangePolicy<ExecutionSpace>(space, 0, problem.threads()),
                       [&](int w)
                       {
                         Kokkos::Timer timer;
                         for (;;)
                         {
                           std::int64_t const t = queues.pop(w);
                           if (t >= 0)
                           {
                             problem.run_tile(ws[w], t);
                             continue;
                           }
                           if (!queues.steal(w))
                             break;
                           problem.count_steal();
                         }
                         busy[w] = seconds_since(timer);
                       });
  space.fence();
}

template <class ExecutionSpace>
void run_model(ExecutionSpace const &space, Problem &problem, TileWorkspace &ws, std::vector<double> &busy)
{
  using Policy = Kokkos::TeamPolicy<ExecutionSpace>;
  using Member = typename Policy::member_type;
  int const threads = problem.threads();
  std::int64_t const n = problem.n();
  Kokkos::parallel_for("Sdnn::infer<model>", Policy(space, 1, threads),
                       [&](Member const &team)
                       {
                         int const c = team.team_rank(), g = team.team_size();
                         std::int64_t const j0 = c * n / g, j1 = (c + 1) * n / g;
                         double mine = 0.0;
                         Kokkos::Timer timer;
                         auto busy_since = [&](double start) { mine += timer.seconds() - start; };
                         for (std::int64_t t = 0; t < problem.num_tiles(); ++t)
                         {
                           if (c == 0)
                           {
                             double const s = timer.seconds();
                             problem.start_tile(ws, t);
                             busy_since(s);
                           }
                           team.team_barrier();
                           for (int l = 0; l < problem.num_layers(); ++l)
                           {
                             double s = timer.seconds();
                             ws.begin_chunk(c);
                             if (ws.dense())
                               problem.dense_chunk(ws, l, j0, j1, c);
                             else
                             {
                               // The two-step SpMM split by columns: counts, offsets on one thread, values.
                               ws.sparse_symbolic(problem.layer(l), j0, j1, c);
                               busy_since(s);
                               team.team_barrier();
                               s = timer.seconds();
                               if (c == 0)
                                 ws.sparse_plan(problem.dense_above());
                               busy_since(s);
                               team.team_barrier();
                               s = timer.seconds();
                               ws.sparse_numeric(problem.layer(l), j0, j1, c, problem.bias(), problem.options().ymax);
                             }
                             busy_since(s);
                             team.team_barrier();
                             if (c == 0)
                             {
                               s = timer.seconds();
                               problem.finish_layer(ws, l, g);
                               busy_since(s);
                             }
                             team.team_barrier();
                           }
                           if (c == 0)
                           {
                             double const s = timer.seconds();
                             problem.finish_tile(ws, t);
                             busy_since(s);
                           }
                         }
                         busy[c] = mine;
                       });
  space.fence();
}

/// data-then-model as a static task graph run by Kokkos::WorkGraphPolicy. Each tile is a chain of work items:
/// start, then per layer `threads` column-chunk items and one finish item. A part's tiles are chained one after
/// the other, so at first every thread runs one part (data parallelism). A finish item decides how many column
/// chunks the next layer has: 1 while no thread is idle; once parts have finished, their threads are recruited
/// by a straggler (chosen by the strategy), whose following layers are split among 1 + helpers chunks, which
/// the idle threads, spinning on the work queue, pick up. Surplus chunk items are empty.
template <class ExecutionSpace> class DataThenModel
{
public:
  DataThenModel(Problem &problem, std::vector<TileWorkspace> &ws, std::vector<double> &busy)
      : m_problem(problem), m_ws(ws), m_busy(busy), m_parts(problem.threads()), m_group(problem.threads()),
        m_items_per_tile(1 + std::int64_t(problem.num_layers()) * (m_group + 1)), m_helpers(m_parts, 0),
        m_layer_group(m_parts, 1), m_remaining(m_parts, 0), m_finished(m_parts, 0), m_current(m_parts, -1)
  {
    SDNN_REQUIRE(problem.num_tiles() * m_items_per_tile < std::numeric_limits<std::int32_t>::max(),
                 "too many work items for WorkGraphPolicy");
    for (int p = 0; p < m_parts; ++p)
    {
      for (auto t = problem.part_first(p, m_parts); t < problem.part_first(p + 1, m_parts); ++t)
        m_remaining[p] += (problem.tile_last(t) - problem.tile_first(t)) * problem.num_layers();
      if (problem.part_first(p, m_parts) == problem.part_first(p + 1, m_parts))
        release(p); // a part without tiles: its thread is idle from the start
    }
  }

  using Policy = Kokkos::WorkGraphPolicy<ExecutionSpace, Kokkos::IndexType<std::int32_t>>;

  void run(ExecutionSpace const &space)
  {
    auto const graph = make_graph();
    Kokkos::parallel_for("Sdnn::infer<data-then-model>", Policy(graph), [this](std::int32_t item) { run_item(item); });
    space.fence();
  }

private:
  void run_item(std::int32_t item)
  {
    Kokkos::Experimental::UniqueToken<ExecutionSpace, Kokkos::Experimental::UniqueTokenScope::Global> token;
    int const id = token.acquire();
    Kokkos::Timer timer;
    bool const worked = execute(item);
    if (worked)
      m_busy[id] += timer.seconds();
    token.release(id);
  }

  int part_of(std::int64_t t) const
  {
    int p = static_cast<int>(t * m_parts / std::max<std::int64_t>(1, m_problem.num_tiles()));
    while (p + 1 < m_parts && m_problem.part_first(p + 1, m_parts) <= t)
      ++p;
    while (p > 0 && m_problem.part_first(p, m_parts) > t)
      --p;
    return p;
  }
  bool last_tile_of_part(std::int64_t t, int p) const { return t + 1 == m_problem.part_first(p + 1, m_parts); }
  std::int32_t start_item(std::int64_t t) const { return static_cast<std::int32_t>(t * m_items_per_tile); }
  std::int32_t chunk_item(std::int64_t t, int l, int c) const
  {
    return static_cast<std::int32_t>(t * m_items_per_tile + 1 + std::int64_t(l) * (m_group + 1) + c);
  }

  typename Policy::graph_type make_graph() const
  {
    // Row w of the graph lists the items that depend on item w.
    std::int64_t const items = m_problem.num_tiles() * m_items_per_tile;
    std::vector<std::vector<std::int32_t>> next(items);
    int const layers = m_problem.num_layers();
    for (std::int64_t t = 0; t < m_problem.num_tiles(); ++t)
    {
      int const p = part_of(t);
      std::vector<std::int32_t> after_tile;
      if (!last_tile_of_part(t, p))
        after_tile.push_back(start_item(t + 1));
      if (layers == 0)
      {
        next[start_item(t)] = after_tile;
        continue;
      }
      for (int c = 0; c < m_group; ++c)
        next[start_item(t)].push_back(chunk_item(t, 0, c));
      for (int l = 0; l < layers; ++l)
      {
        for (int c = 0; c < m_group; ++c)
          next[chunk_item(t, l, c)].push_back(chunk_item(t, l, m_group));
        auto &after_finish = next[chunk_item(t, l, m_group)];
        if (l + 1 < layers)
          for (int c = 0; c < m_group; ++c)
            after_finish.push_back(chunk_item(t, l + 1, c));
        else
          after_finish = after_tile;
      }
    }
    using Graph = typename Policy::graph_type;
    typename Graph::row_map_type::non_const_type row_map(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::dtm::row_map"), items + 1);
    std::int64_t total = 0;
    for (std::int64_t w = 0; w < items; ++w)
    {
      row_map(w) = static_cast<std::int32_t>(total);
      total += static_cast<std::int64_t>(next[w].size());
    }
    row_map(items) = static_cast<std::int32_t>(total);
    typename Graph::entries_type entries(Kokkos::view_alloc(Kokkos::WithoutInitializing, "Sdnn::dtm::entries"), total);
    for (std::int64_t w = 0, k = 0; w < items; ++w)
      for (auto d : next[w])
        entries(k++) = d;
    Graph graph;
    graph.row_map = row_map;
    graph.entries = entries;
    return graph;
  }

  /// Runs one work item; false for an empty chunk.
  bool execute(std::int32_t item)
  {
    std::int64_t const t = item / m_items_per_tile;
    std::int64_t const rest = item % m_items_per_tile;
    int const p = part_of(t);
    TileWorkspace &ws = m_ws[p];
    int const layers = m_problem.num_layers();
    if (rest == 0)
    {
      m_current[p] = t;
      m_problem.start_tile(ws, t);
      if (layers == 0)
        end_tile(ws, t, p);
      else
        plan_layer(ws, p, layers);
      return true;
    }
    int const l = static_cast<int>((rest - 1) / (m_group + 1));
    int const c = static_cast<int>((rest - 1) % (m_group + 1));
    int const g = m_layer_group[p];
    if (c < m_group)
    {
      if (c >= g)
        return false;
      m_problem.layer_chunk(ws, l, c, g);
      return true;
    }
    m_problem.finish_layer(ws, l, g);
    if (l + 1 < layers)
      plan_layer(ws, p, layers - l - 1);
    else
      end_tile(ws, t, p);
    return true;
  }

  void end_tile(TileWorkspace &ws, std::int64_t t, int p)
  {
    m_problem.finish_tile(ws, t);
    if (last_tile_of_part(t, p))
      release(p);
  }

  /// A part is done: its own thread and its helpers become idle.
  void release(int p)
  {
    Kokkos::atomic_exchange(&m_remaining[p], std::int64_t(0));
    Kokkos::atomic_exchange(&m_finished[p], 1);
    Kokkos::atomic_add(&m_idle, 1 + m_helpers[p]);
    m_helpers[p] = 0;
  }

  /// Before a layer of part p (its current tile has `layers_left` layers to go): recruit idle threads when the
  /// strategy picks this part, and set the number of column chunks of the layer.
  void plan_layer(TileWorkspace &ws, int p, int layers_left)
  {
    std::int64_t remaining = ws.rows() * layers_left;
    for (auto t = m_current[p] + 1; t < m_problem.part_first(p + 1, m_parts); ++t)
      remaining += (m_problem.tile_last(t) - m_problem.tile_first(t)) * m_problem.num_layers();
    Kokkos::atomic_exchange(&m_remaining[p], remaining);
    int const idle = Kokkos::atomic_fetch_add(&m_idle, 0);
    if (idle > 0 && m_helpers[p] + 1 < m_group && chosen(p, remaining))
    {
      int const take = std::min(idle, m_group - 1 - m_helpers[p]);
      if (Kokkos::atomic_compare_exchange(&m_idle, idle, idle - take) == idle)
        m_helpers[p] += take;
    }
    m_layer_group[p] = 1 + m_helpers[p];
    if (m_layer_group[p] > 1)
      ws.make_dense();
  }

  bool chosen(int p, std::int64_t remaining)
  {
    auto const strategy = m_problem.options().recruitment;
    if (strategy == Recruitment::earliest_first)
      return true;
    for (int q = 0; q < m_parts; ++q)
    {
      if (q == p || Kokkos::atomic_fetch_add(&m_finished[q], 0))
        continue;
      std::int64_t const other = Kokkos::atomic_fetch_add(&m_remaining[q], std::int64_t(0));
      if (strategy == Recruitment::slower_first && (other > remaining || (other == remaining && q < p)))
        return false;
      if (strategy == Recruitment::faster_first && (other < remaining || (other == remaining && q < p)))
        return false;
    }
    return true;
  }

  Problem &m_problem;
  std::vector<TileWorkspace> &m_ws;
  std::vector<double> &m_busy;
  int m_parts;
  int m_group;
  std::int64_t m_items_per_tile;
  // Scheduling state: an entry of a part is written by that part's items (which never run concurrently with
  // each other except for chunks, which only read it) or through atomics.
  std::vector<int> m_helpers;
  std::vector<int> m_layer_group;
  std::vector<std::int64_t> m_remaining; // work left per part, rows x layers (read by other parts)
  std::vector<int> m_finished;
  std::vector<std::int64_t> m_current; // tile in flight per part
  int m_idle = 0;                      // threads whose part is done and that no straggler has recruited
};

} // namespace

} // namespace impl

template <class ExecutionSpace>
InferenceResult infer(ExecutionSpace const &space, HostCsc const &inputs, std::vector<HostCsc> const &layers,
                      float bias, InferenceOptions const &options, WorkReport *report)
{
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "sdnn::infer: ExecutionSpace must be a Kokkos execution space");
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "sdnn::infer: ExecutionSpace must run on the host");
  std::int64_t const n = inputs.num_cols();
  for (std::size_t l = 0; l < layers.size(); ++l)
    SDNN_REQUIRE(layers[l].num_rows() == n && layers[l].num_cols() == n,
                 "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols()
                          << ", the inputs have " << n << " columns");
  SDNN_REQUIRE(n > 0 && n < (std::int64_t(1) << 30), "the inputs have " << n << " columns");
  SDNN_REQUIRE(options.tile_rows >= 0, "tile_rows must be >= 0, got " << options.tile_rows);
  SDNN_REQUIRE(options.sparse_below <= options.dense_above && options.sparse_below <= 0.5,
               "need sparse_below <= dense_above and sparse_below <= 0.5, got " << options.sparse_below << " and "
                                                                                << options.dense_above);

  int const threads = std::max(1, static_cast<int>(space.concurrency()));
  impl::Problem problem(inputs, layers, bias, options, threads);
  std::int64_t const rows = inputs.num_rows();
  std::int64_t const tile_rows = options.tile_rows > 0
                                     ? std::min<std::int64_t>(options.tile_rows, std::max<std::int64_t>(rows, 1))
                                     : impl::default_tile_rows(options.parallelism, rows, n, threads);
  problem.make_tiles(space, tile_rows);

  std::vector<double> busy(threads, 0.0);
  std::vector<impl::TileWorkspace> workspaces;
  bool const grouped = options.parallelism == Parallelism::model || options.parallelism == Parallelism::data_then_model;
  int const count = options.parallelism == Parallelism::model ? 1 : threads;
  for (int k = 0; k < count; ++k)
    workspaces.push_back(problem.workspace(grouped ? threads : 1));

  switch (options.parallelism)
  {
  case Parallelism::data:
    impl::run_data(space, problem, workspaces, busy);
    break;
  case Parallelism::model:
    impl::run_model(space, problem, workspaces[0], busy);
    break;
  case Parallelism::manager_worker:
    impl::run_manager_worker(space, problem, workspaces, busy);
    break;
  case Parallelism::work_stealing:
    impl::run_work_stealing(space, problem, workspaces, busy);
    break;
  case Parallelism::data_then_model:
    impl::DataThenModel<ExecutionSpace>(problem, workspaces, busy).run(space);
    break;
  }

  auto result = problem.result(report);
  if (report)
  {
    report->parallelism = name(options.parallelism);
    report->threads = threads;
    report->busy_seconds = busy;
    report->workspace_bytes = 0;
    for (auto const &ws : workspaces)
      report->workspace_bytes += ws.bytes();
  }
  return result;
}

#define SDNN_INFER_INSTANTIATE(SPACE)                                                                                  \
  template InferenceResult infer<SPACE>(SPACE const &, HostCsc const &, std::vector<HostCsc> const &, float,           \
                                        InferenceOptions const &, WorkReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_INSTANTIATE(Kokkos::Threads)
#endif
#undef SDNN_INFER_INSTANTIATE

} // namespace sdnn
