#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"

#include <Sdnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace sdnn::cli
{

namespace
{

std::string list_rows(std::vector<std::int64_t> const &rows, std::size_t limit = 10)
{
  std::string out;
  for (std::size_t k = 0; k < rows.size() && k < limit; ++k)
    out += (k ? " " : "") + std::to_string(rows[k] + 1);
  if (rows.size() > limit)
    out += " ...";
  return out;
}

} // namespace

int run_infer(int argc, char **argv, int first)
{
  Options opts("sdnn infer",
               "sdnn infer [--dataset DIR] [--neurons N] [--layers L] [OPTIONS]\n\n"
               "Runs inference on a Graph Challenge dataset (the challenge's TSV files, MatrixMarket\n"
               "or sdnn binary files), checks the categories against the truth file (exact set\n"
               "equality) and reports the challenge rate: inputs x edges / inference seconds.\n"
               "Files are found by the challenge's names inside DIR:\n"
               "  DIR/neuron{N}/n{N}-l{k}.tsv  DIR/sparse-images-{N}.tsv  DIR/neuron{N}-l{L}-categories.tsv\n"
               "Exit status: 0 check passed (or --no-check), 1 check failed, 2 bad input or usage.");
  opts.add("dataset", "DIR", "dataset directory in the challenge layout", ".");
  opts.add("neurons", "N", "neurons per layer", "1024");
  opts.add("layers", "L", "number of layers (files 1..L are used)", "120");
  opts.add("images", "FILE", "input images file (default: DIR/sparse-images-{N}.tsv)");
  opts.add("weights-dir", "DIR", "directory of the layer files (default: DIR/neuron{N})");
  opts.add("truth", "FILE", "truth categories file (default: DIR/neuron{N}-l{L}-categories.tsv)");
  opts.add("no-check", "", "do not compare with a truth file");
  opts.add("num-inputs", "K", "use only images 1..K and compare only truth rows 1..K");
  opts.add("bias", "B", "bias added to nonzero activations (default: the challenge's bias for N)");
  opts.add("mode", "MODE",
           "engine: data, model, manager-worker, work-stealing, data-then-model (threads of the Kokkos host\n"
           "backend), or reference (the sequential oracle)",
           "manager-worker");
  opts.add("threads", "T", "threads of the Kokkos host backend (default: Kokkos' default, all cores)");
  opts.add("hash", "HASH", "row hashing before tiling: none, stride (the papers' interleave), feistel", "none");
  opts.add("hash-seed", "S", "key of --hash feistel", "1");
  opts.add("tile-rows", "R",
           "input rows per tile (default: one tile per thread for data, model and\n"
           "data-then-model, ~16 tiles per thread for the queue modes)");
  opts.add("recruit", "STRATEGY", "data-then-model: earliest-first, slower-first or faster-first", "earliest-first");
  opts.add("kernel", "KERNEL", "tile kernel: auto (by density), sparse (two-step CSC SpMM), dense (column panels)",
           "auto");
  opts.add("dense-above", "D", "auto kernel: a tile goes dense when its density would exceed D", "0.06");
  opts.add("sparse-below", "D", "auto kernel: a dense tile goes back to CSC below density D", "0.02");
  opts.add("per-layer", "", "print active rows and nnz(Y) after every layer");
  opts.add("progress-every", "K", "progress line on stderr every K layers (0: none; default: L/10)");
  opts.add("categories-out", "FILE", "write the computed categories (1-based, one per line)");
  opts.add("cache-dir", "DIR", "binary cache of parsed text files (default: $SDNN_CACHE_DIR or ~/.cache/sdnn)");
  opts.add("no-cache", "", "always parse the text files, never read or write the binary cache");
  opts.add("quiet", "", "no progress lines");
  if (!opts.parse(argc, argv, first))
    return 0;

  auto const n = opts.integer("neurons");
  auto const num_layers = opts.integer("layers");
  if (n <= 0 || n > (std::int64_t(1) << 30))
    throw UsageError("sdnn infer: --neurons must be in 1..2^30, got " + std::to_string(n));
  if (num_layers <= 0 || num_layers > 1000000)
    throw UsageError("sdnn infer: --layers must be positive, got " + std::to_string(num_layers));
  bool const reference = opts.str("mode") == "reference";
  InferenceOptions engine;
  engine.keep_activations = false;
  if (!reference)
  {
    auto const mode = parse_parallelism(opts.str("mode"));
    if (!mode)
      throw UsageError("sdnn infer: unknown --mode '" + opts.str("mode") +
                       "' (available: data, model, manager-worker, work-stealing, data-then-model, reference)");
    engine.parallelism = *mode;
  }
  if (auto const hash = parse_row_hash(opts.str("hash")))
    engine.hash = *hash;
  else
    throw UsageError("sdnn infer: unknown --hash '" + opts.str("hash") + "' (available: none, stride, feistel)");
  if (auto const strategy = parse_recruitment(opts.str("recruit")))
    engine.recruitment = *strategy;
  else
    throw UsageError("sdnn infer: unknown --recruit '" + opts.str("recruit") +
                     "' (available: earliest-first, slower-first, faster-first)");
  if (auto const kernel = parse_kernel_choice(opts.str("kernel")))
    engine.kernel = *kernel;
  else
    throw UsageError("sdnn infer: unknown --kernel '" + opts.str("kernel") + "' (available: auto, sparse, dense)");
  engine.hash_seed = static_cast<std::uint64_t>(opts.integer("hash-seed"));
  if (opts.has("tile-rows"))
  {
    engine.tile_rows = opts.integer("tile-rows");
    if (engine.tile_rows <= 0)
      throw UsageError("sdnn infer: --tile-rows must be positive, got " + std::to_string(engine.tile_rows));
  }
  if (opts.has("threads") && opts.integer("threads") <= 0)
    throw UsageError("sdnn infer: --threads must be positive, got " + std::to_string(opts.integer("threads")));
  engine.dense_above = opts.real("dense-above");
  engine.sparse_below = opts.real("sparse-below");
  if (!(engine.sparse_below >= 0.0 && engine.sparse_below <= engine.dense_above && engine.sparse_below <= 0.5))
    throw UsageError("sdnn infer: need 0 <= --sparse-below <= --dense-above and --sparse-below <= 0.5");
  bool const quiet = opts.has("quiet");
  std::int64_t progress_every =
      opts.has("progress-every") ? opts.integer("progress-every") : std::max<std::int64_t>(1, num_layers / 10);
  if (quiet)
    progress_every = 0;

  auto const dir = opts.str("dataset");
  auto paths = challenge_paths(dir, n, static_cast<int>(num_layers));
  if (opts.has("images"))
    paths.images = opts.str("images");
  if (opts.has("weights-dir"))
    for (int k = 1; k <= num_layers; ++k)
      paths.layers[k - 1] = challenge_layer_path(opts.str("weights-dir"), n, k);
  if (opts.has("truth"))
    paths.truth = opts.str("truth");
  bool const check = !opts.has("no-check");
  float const bias = opts.has("bias") ? static_cast<float>(opts.real("bias")) : challenge_bias(n);
  ReadOptions read_options;
  read_options.use_cache = !opts.has("no-cache");
  read_options.cache_dir = opts.str("cache-dir");

  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn] " << line << std::endl;
  };

  // ---- I/O (timed apart from inference) ----
  double const io_start = now_seconds();
  int cache_hits = 0, cache_writes = 0;
  auto note_cache = [&](ReadInfo const &info)
  {
    cache_hits += info.from_cache ? 1 : 0;
    cache_writes += info.cache_written ? 1 : 0;
    if (!info.note.empty())
      progress(info.note);
  };
  ReadInfo images_info;
  HostCsc images = read_matrix(paths.images, any_size, n, read_options, &images_info);
  note_cache(images_info);
  std::int64_t num_inputs = images.num_rows();
  if (opts.has("num-inputs"))
  {
    num_inputs = opts.integer("num-inputs");
    if (num_inputs <= 0 || num_inputs > std::numeric_limits<std::int32_t>::max())
      throw UsageError("sdnn infer: --num-inputs must be positive, got " + std::to_string(num_inputs));
    images = with_num_rows(images, static_cast<std::int32_t>(num_inputs));
  }
  progress("read " + std::to_string(images.num_rows()) + " inputs (" + std::to_string(images.nnz()) + " nnz) from " +
           paths.images);
  auto const network =
      load_network(paths.layers, n, bias, read_options,
                   [&](int k, ReadInfo const &info)
                   {
                     note_cache(info);
                     if (progress_every > 0 && (k % std::max<std::int64_t>(progress_every, num_layers / 4) == 0))
                       progress("read " + std::to_string(k) + "/" + std::to_string(num_layers) + " layers");
                   });
  std::vector<std::int64_t> truth;
  if (check)
  {
    truth = read_categories(paths.truth);
    if (!truth.empty() && truth.back() >= num_inputs)
    {
      if (!opts.has("num-inputs"))
        throw InputError(paths.truth + ": names row " + std::to_string(truth.back() + 1) + " but there are only " +
                         std::to_string(num_inputs) +
                         " inputs (use --num-inputs K to check a leading subset of the images)");
      truth.erase(std::lower_bound(truth.begin(), truth.end(), num_inputs), truth.end());
    }
  }
  double const io_seconds = now_seconds() - io_start;

  // ---- Inference ----
  std::printf("sdnn %s | Kokkos %d.%d.%d %s, concurrency %d | mode %s\n", SDNN_VERSION_STRING, KOKKOS_VERSION / 10000,
              KOKKOS_VERSION / 100 % 100, KOKKOS_VERSION % 100, Kokkos::DefaultExecutionSpace::name(),
              Kokkos::DefaultExecutionSpace().concurrency(), opts.str("mode").c_str());
  std::printf("dataset      : N=%lld L=%lld inputs=%lld input-nnz=%lld edges=%lld bias=%g\n", static_cast<long long>(n),
              static_cast<long long>(num_layers), static_cast<long long>(num_inputs),
              static_cast<long long>(images.nnz()), static_cast<long long>(network.num_edges()),
              static_cast<double>(bias));
  std::fflush(stdout);
  bool const per_layer = opts.has("per-layer");
  auto print_layers = [&](std::vector<LayerStats> const &layers)
  {
    if (per_layer)
      for (auto const &s : layers)
        std::printf("layer %5d  active-rows %10lld  nnz %12lld\n", s.layer, static_cast<long long>(s.active_rows),
                    static_cast<long long>(s.nnz));
  };
  double const infer_start = now_seconds();
  InferenceResult result;
  WorkReport work;
  if (reference)
  {
    result = reference_inference(images, network.layers, network.bias, challenge_ymax,
                                 [&](LayerStats const &s)
                                 {
                                   if (progress_every > 0 && s.layer % progress_every == 0 && s.layer != num_layers)
                                   {
                                     char line[160];
                                     std::snprintf(line, sizeof line, "layer %d/%lld: %lld active rows, %.1f s",
                                                   s.layer, static_cast<long long>(num_layers),
                                                   static_cast<long long>(s.active_rows), now_seconds() - infer_start);
                                     progress(line);
                                   }
                                 });
  }
  else
  {
    if (progress_every > 0)
      engine.progress = [&](std::int64_t done, std::int64_t total)
      {
        if (done == total)
          return;
        char line[160];
        std::snprintf(line, sizeof line, "%.0f %% of the tile-layers done, %.1f s", 100.0 * done / total,
                      now_seconds() - infer_start);
        progress(line);
      };
    result = infer(Kokkos::DefaultHostExecutionSpace(), images, network.layers, network.bias, engine, &work);
  }
  double const infer_seconds = now_seconds() - infer_start;
  double const rate = static_cast<double>(num_inputs) * static_cast<double>(network.num_edges()) / infer_seconds;

  std::printf("io           : %.3f s (1 image file, %lld layer files; %d from binary cache, %d cached now)\n",
              io_seconds, static_cast<long long>(num_layers), cache_hits, cache_writes);
  std::printf("inference    : %.3f s\n", infer_seconds);
  std::printf("rate         : %.4e edges/s (inputs x edges / inference seconds)\n", rate);
  print_layers(result.layers);
  if (!reference)
  {
    std::string busy;
    for (double b : work.busy_seconds)
    {
      char item[32];
      std::snprintf(item, sizeof item, "%s%.3f", busy.empty() ? "" : " ", b);
      busy += item;
    }
    std::printf("parallel     : %d threads, hash %s, %lld tiles of %lld rows, kernel %s (%lld dense, %lld sparse "
                "tile-layers), workspace %.1f MiB\n",
                work.threads, name(engine.hash).c_str(), static_cast<long long>(work.tiles),
                static_cast<long long>(work.tile_rows), name(engine.kernel).c_str(),
                static_cast<long long>(work.dense_tile_layers), static_cast<long long>(work.sparse_tile_layers),
                static_cast<double>(work.workspace_bytes) / (1 << 20));
    if (engine.parallelism == Parallelism::data_then_model)
      std::printf("recruitment  : %s, %lld tile-layers split among recruited threads\n",
                  name(engine.recruitment).c_str(), static_cast<long long>(work.split_tile_layers));
    if (engine.parallelism == Parallelism::work_stealing)
      std::printf("steals       : %lld\n", static_cast<long long>(work.steals));
    std::printf("busy (s)     : %s | imbalance (max/mean) %.3f\n", busy.c_str(), work.imbalance());
  }
  std::printf("categories   : %zu\n", result.categories.size());
  if (opts.has("categories-out"))
    write_categories(opts.str("categories-out"), result.categories);
  int status = 0;
  if (check)
  {
    auto const outcome = check_categories(result.categories, truth);
    if (outcome.passed())
      std::printf("check        : PASSED against %s (%zu rows%s)\n", paths.truth.c_str(), truth.size(),
                  opts.has("num-inputs") ? ", truth restricted to the inputs" : "");
    else
    {
      std::printf("check        : FAILED against %s: %zu missing [%s], %zu extra [%s]\n", paths.truth.c_str(),
                  outcome.missing.size(), list_rows(outcome.missing).c_str(), outcome.extra.size(),
                  list_rows(outcome.extra).c_str());
      status = 1;
    }
  }
  else
    std::printf("check        : skipped (--no-check)\n");
  std::printf("peak memory  : %.1f MiB\n", peak_memory_mib());
  return status;
}

} // namespace sdnn::cli
