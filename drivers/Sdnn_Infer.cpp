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
  opts.add("mode", "MODE", "inference engine: reference (sequential host reference)", "reference");
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
  if (opts.str("mode") != "reference")
    throw UsageError("sdnn infer: unknown --mode '" + opts.str("mode") + "' (available: reference)");
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
  double const infer_start = now_seconds();
  auto const result =
      reference_inference(images, network.layers, network.bias, challenge_ymax,
                          [&](LayerStats const &s)
                          {
                            if (per_layer)
                              std::printf("layer %5d  active-rows %10lld  nnz %12lld\n", s.layer,
                                          static_cast<long long>(s.active_rows), static_cast<long long>(s.nnz));
                            if (progress_every > 0 && s.layer % progress_every == 0 && s.layer != num_layers)
                            {
                              char line[160];
                              std::snprintf(line, sizeof line, "layer %d/%lld: %lld active rows, %.1f s", s.layer,
                                            static_cast<long long>(num_layers), static_cast<long long>(s.active_rows),
                                            now_seconds() - infer_start);
                              progress(line);
                            }
                          });
  double const infer_seconds = now_seconds() - infer_start;
  double const rate = static_cast<double>(num_inputs) * static_cast<double>(network.num_edges()) / infer_seconds;

  std::printf("io           : %.3f s (1 image file, %lld layer files; %d from binary cache, %d cached now)\n",
              io_seconds, static_cast<long long>(num_layers), cache_hits, cache_writes);
  std::printf("inference    : %.3f s\n", infer_seconds);
  std::printf("rate         : %.4e edges/s (inputs x edges / inference seconds)\n", rate);
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
