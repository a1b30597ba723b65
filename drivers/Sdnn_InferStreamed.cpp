#include "Sdnn_InferStreamed.hpp"
#include "Sdnn_InferReport.hpp"
#include "Sdnn_ReportJson.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

namespace sdnn::cli
{

namespace
{

double mib(std::int64_t bytes)
{
  return static_cast<double>(bytes) / (1 << 20);
}

/// A source that remembers nnz(W_k) of every layer it hands out (-1: not yet), for the rate's edges.
class CountedSource : public LayerSource
{
public:
  explicit CountedSource(LayerSource const &inner) : nnz(inner.num_layers(), -1), m_inner(inner) {}
  std::int64_t num_neurons() const override { return m_inner.num_neurons(); }
  int num_layers() const override { return m_inner.num_layers(); }
  void prefetch(int k) const override { m_inner.prefetch(k); }
  std::string description() const override { return m_inner.description(); }
  mutable std::vector<std::int64_t> nnz;

private:
  HostCsc load(int k) const override
  {
    auto w = m_inner.layer(k);
    nnz[k - 1] = w.nnz();
    return w;
  }

  LayerSource const &m_inner;
};

Json to_json(StreamingReport const &s, std::string const &source, std::string const &why)
{
  Json out = Json::object();
  out["source"] = source;
  out["why"] = why;
  out["memory_limit"] = s.plan.memory_limit;
  out["planned_peak_bytes"] = s.plan.peak_bytes();
  out["held_bytes"] = s.plan.held_bytes;
  out["layer_bytes"] = s.plan.layer_bytes;
  out["row_bytes"] = s.plan.row_bytes;
  out["workspace_bytes"] = s.plan.workspace_bytes;
  out["window_layers"] = s.plan.window_layers;
  out["batch_rows"] = s.plan.batch_rows;
  out["batches"] = s.batches;
  out["windows"] = s.windows;
  out["layers_loaded"] = s.layers_loaded;
  out["layer_seconds"] = s.layer_seconds;
  out["compute_seconds"] = s.compute_seconds;
  return out;
}

} // namespace

std::uint64_t generated_seed(std::string const &dir, std::int64_t num_neurons)
{
  std::error_code error;
  std::vector<std::filesystem::path> stamps;
  std::string const prefix = "sdnn-dataset-n" + std::to_string(num_neurons) + "-l";
  for (auto const &entry : std::filesystem::directory_iterator(dir, error))
    if (auto const name = entry.path().filename().string(); name.rfind(prefix, 0) == 0)
      stamps.push_back(entry.path());
  std::sort(stamps.begin(), stamps.end());
  for (auto const &stamp : stamps) // the seed line of the first stamp (the layers of every L share it)
    if (auto const value = stamp_value(stamp.string(), "seed"))
    {
      std::uint64_t seed = 0;
      char const *end = value->data() + value->size();
      if (auto const [rest, error] = std::from_chars(value->data(), end, seed); error == std::errc() && rest == end)
        return seed;
    }
  return 1;
}

std::int64_t layer_files_bytes(std::vector<std::string> const &paths, std::int64_t num_neurons, ReadOptions const &read)
{
  std::int64_t bytes = 0;
  for (auto const &path : paths)
  {
    std::error_code error;
    auto const cache = cache_path_for(path, num_neurons, num_neurons, read);
    auto const size =
        std::filesystem::file_size(!cache.empty() && std::filesystem::exists(cache) ? cache : path, error);
    bytes += error ? 0 : static_cast<std::int64_t>(size);
  }
  return bytes;
}

int run_infer_streamed(Options const &opts, DatasetOptions const &dataset, InferenceOptions engine, bool reference,
                       StreamedRun const &run, std::int64_t progress_every, bool quiet)
{
  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn] " << line << std::endl;
  };
  auto const n = dataset.neurons;
  auto const num_layers = static_cast<int>(dataset.layers);

  double const io_start = now_seconds();
  CacheTally note_cache{progress};
  auto inputs = read_dataset_inputs(dataset, std::ref(note_cache), progress);
  double const io_seconds = now_seconds() - io_start;
  double const read_peak_mib = peak_memory_mib(); // reading the inputs is not in the plan
  std::unique_ptr<LayerSource> source;
  if (run.radixnet)
    source = std::make_unique<RadixNetLayers>(n, num_layers, run.seed);
  else
    source = std::make_unique<LayerFiles>(dataset.paths.layers, n, dataset.read_options);
  CountedSource const layers(*source);
  progress("streaming the layers (" + run.why + ") from " + layers.description());

  double const infer_start = now_seconds();
  InferenceResult result;
  StreamingReport streamed;
  if (reference)
    result = reference_inference(inputs.images, layers, dataset.bias, challenge_ymax,
                                 [&](LayerStats const &s)
                                 {
                                   if (progress_every > 0 && s.layer % progress_every == 0 && s.layer != num_layers)
                                     progress("layer " + std::to_string(s.layer) + "/" + std::to_string(num_layers) +
                                              ": " + std::to_string(s.active_rows) + " active rows");
                                 });
  else
  {
    if (progress_every > 0)
      engine.progress = progress_by_percent(progress, 100 * progress_every / num_layers, infer_start);
    result = infer_streamed(Kokkos::DefaultHostExecutionSpace(), inputs.images, layers, dataset.bias, engine,
                            run.streaming, &streamed);
  }
  double const total_seconds = now_seconds() - infer_start;
  // The reference's layers are loaded inside its time; the engine's are timed apart.
  double const infer_seconds = reference ? total_seconds : streamed.compute_seconds;
  double const layer_seconds = reference ? 0.0 : streamed.layer_seconds;
  double const peak_mib = peak_memory_mib();

  // The rate counts every layer's edges: a layer no row reached (all had died) is loaded now to count them.
  std::int64_t counted = 0, edges = 0;
  for (int k = 1; k <= num_layers; ++k)
  {
    if (layers.nnz[k - 1] < 0)
    {
      layers.layer(k);
      ++counted;
    }
    edges += layers.nnz[k - 1];
  }
  double const macs = useful_multiply_adds(inputs.input_nnz, result.layers, layers.nnz, n);

  Json report = Json::object();
  print_header(1, opts.str("mode"), dataset, inputs.num_inputs, inputs.input_nnz, edges, dataset.bias, report);
  auto const &plan = streamed.plan;
  if (reference)
    std::printf("streaming    : %s (%s), one layer at a time through the reference\n", layers.description().c_str(),
                run.why.c_str());
  else
    std::printf(
        "streaming    : %s (%s) | memory limit %.1f MiB: %d window%s of %d layers x %lld batch%s of %lld rows, "
        "planned peak %.1f MiB (inputs and runtime %.1f, layers %d x %.2f, rows %lld x %.3f, workspaces %.1f)\n",
        layers.description().c_str(), run.why.c_str(), mib(plan.memory_limit), plan.windows(),
        plan.windows() == 1 ? "" : "s", plan.window_layers, static_cast<long long>(plan.batches()),
        plan.batches() == 1 ? "" : "es", static_cast<long long>(plan.batch_rows), mib(plan.peak_bytes()),
        mib(plan.held_bytes), plan.window_layers, mib(plan.layer_bytes), static_cast<long long>(plan.batch_rows),
        mib(plan.row_bytes), mib(plan.workspace_bytes));
  report["io"] = io_json(io_seconds, 0, note_cache);
  std::printf("io           : %.3f s (the images%s; the layers are loaded while inferring)\n", io_seconds,
              dataset.check ? " and the truth" : "");
  if (!reference)
  {
    std::printf("layers       : %.3f s loading %lld layers (%s, and preparing them for the kernels)%s\n", layer_seconds,
                static_cast<long long>(streamed.layers_loaded),
                run.radixnet ? "generating them" : "reading them, the next window's files read ahead",
                counted > 0 ? (", " + std::to_string(counted) + " more loaded after to count their edges").c_str()
                            : "");
    report["streaming"] = to_json(streamed, layers.description(), run.why);
  }
  report["inference_seconds"] = infer_seconds;
  std::printf("inference    : %.3f s%s\n", infer_seconds,
              reference ? " (the layers loaded inside)" : " (the engine's compute, without the layer loading)");
  print_rate_and_work(infer_seconds, inputs.num_inputs, edges, macs, result.layers, opts.has("per-layer"), report);
  if (!reference)
  {
    double const with_loading =
        static_cast<double>(inputs.num_inputs) * static_cast<double>(edges) / (infer_seconds + layer_seconds);
    std::printf("rate (all)   : %.4e edges/s counting the layer loading too (%.3f s)\n", with_loading,
                infer_seconds + layer_seconds);
    report["streaming"]["rate_with_loading"] = with_loading;
    print_engine_work(engine, streamed.work, false, report);
  }
  std::printf("categories   : %zu\n", result.categories.size());
  report["categories"] = result.categories.size();
  if (opts.has("categories-out"))
    write_categories(opts.str("categories-out"), result.categories);
  int const status = print_check(dataset, result.categories, inputs.truth, report);
  if (reference)
    std::printf("peak memory  : %.1f MiB\n", peak_mib);
  else
    std::printf("peak memory  : %.1f MiB of the %.1f MiB limit%s\n", peak_mib, mib(plan.memory_limit),
                read_peak_mib > mib(plan.memory_limit)
                    ? (", above it already while reading the inputs (" + std::to_string(std::lround(read_peak_mib)) +
                       " MiB), before the streamed inference")
                          .c_str()
                    : "");
  std::fflush(stdout);
  report["peak_memory_mib"] = peak_mib;
  report["read_peak_memory_mib"] = read_peak_mib;
  report["exit_status"] = status;
  write_report(opts, report);
  return status;
}

} // namespace sdnn::cli
