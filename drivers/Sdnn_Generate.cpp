#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_Idx.hpp"

#include <Sdnn.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>

namespace sdnn::cli
{

namespace
{
char const *const fashion_mnist = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

/// The rows of `images` with the rows listed in `survivors` (ascending) moved after all the others, each group in
/// its order; `survivors` becomes their new rows. Inference treats every row on its own, so the moved rows are
/// still exactly the survivors.
HostCsc survivors_last(HostCsc const &images, std::vector<std::int64_t> &survivors)
{
  std::int64_t const rows = images.num_rows();
  std::vector<char> survives(rows, 0);
  for (auto r : survivors)
    survives[r] = 1;
  std::vector<std::int64_t> order; // new row k is old row order[k]
  for (int pass = 0; pass < 2; ++pass)
    for (std::int64_t r = 0; r < rows; ++r)
      if (survives[r] == pass)
        order.push_back(r);
  std::int64_t const first = rows - static_cast<std::int64_t>(survivors.size());
  for (std::size_t k = 0; k < survivors.size(); ++k)
    survivors[k] = first + static_cast<std::int64_t>(k);
  return with_rows_in_order(images, order);
}
/// The truth of `images` through `layers` by `method`: "reference", the reference's categories; "leading", the
/// reference's on the first `reference_inputs` only; "engine", the engine's with the sparse and the dense kernel,
/// which must agree on every input and per-layer figure, checked by the reference on the first `reference_inputs`.
/// \throws std::logic_error when they disagree (an sdnn bug: no truth is written)
std::vector<std::int64_t> truth_categories(HostCsc const &images, LayerSource const &layers, float bias,
                                           std::string const &method, std::int64_t reference_inputs,
                                           std::function<void(std::string const &)> const &progress)
{
  int const num_layers = layers.num_layers();
  double const start = now_seconds();
  auto const on_layer = [&, every = std::max(1, num_layers / 10)](LayerStats const &s)
  {
    if (s.layer % every == 0)
    {
      char line[160];
      std::snprintf(line, sizeof line, "truth: reference at layer %d/%d, %lld active rows, %.1f s", s.layer, num_layers,
                    static_cast<long long>(s.active_rows), now_seconds() - start);
      progress(line);
    }
  };
  std::int64_t const checked = std::min<std::int64_t>(reference_inputs, images.num_rows());
  if (method == "reference")
    return reference_inference(images, layers, bias, challenge_ymax, on_layer).categories;
  if (method == "leading")
    return reference_inference(with_num_rows(images, static_cast<std::int32_t>(checked)), layers, bias, challenge_ymax,
                               on_layer)
        .categories;

  InferenceResult kernels[2];
  for (auto const kernel : {KernelChoice::sparse, KernelChoice::dense})
  {
    InferenceOptions options;
    options.kernel = kernel;
    options.keep_activations = false;
    options.progress = progress_by_percent(
        [&](std::string const &line) { progress("truth: " + name(kernel) + " kernel, " + line); }, 10, now_seconds());
    kernels[kernel == KernelChoice::dense] =
        infer_streamed(Kokkos::DefaultHostExecutionSpace(), images, layers, bias, options);
  }
  auto const same_layers = [](std::vector<LayerStats> const &a, std::vector<LayerStats> const &b)
  {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](LayerStats const &x, LayerStats const &y)
                      { return x.layer == y.layer && x.active_rows == y.active_rows && x.nnz == y.nnz; });
  };
  SDNN_REQUIRE(kernels[0].categories == kernels[1].categories && same_layers(kernels[0].layers, kernels[1].layers),
               "the sparse and the dense kernel disagree (" << kernels[0].categories.size() << " and "
                                                            << kernels[1].categories.size()
                                                            << " categories): no truth written");
  auto const reference = reference_inference(with_num_rows(images, static_cast<std::int32_t>(checked)), layers, bias,
                                             challenge_ymax, on_layer);
  auto const &engine = kernels[0].categories;
  std::vector<std::int64_t> const leading(engine.begin(), std::lower_bound(engine.begin(), engine.end(), checked));
  SDNN_REQUIRE(leading == reference.categories, "the engine and the reference disagree on the first "
                                                    << checked << " inputs (" << leading.size() << " and "
                                                    << reference.categories.size() << " categories): no truth written");
  progress("truth: the sparse and the dense kernel agree on all " + std::to_string(images.num_rows()) +
           " inputs, the reference on the first " + std::to_string(checked));
  return engine;
}
} // namespace

int run_generate(int argc, char **argv, int first)
{
  Options opts("sdnn generate",
               "sdnn generate --out DIR [--neurons N] [--layers L] [--images SOURCE] [OPTIONS]\n\n"
               "Writes a Graph Challenge style dataset in the challenge's layout and formats:\n"
               "  DIR/neuron{N}/n{N}-l{k}.tsv       RadiX-Net weights, k = 1..L\n"
               "  DIR/sparse-images-{N}.tsv         inputs: 28x28 images resampled to sqrt(N) x sqrt(N)\n"
               "  DIR/neuron{N}-l{L}-categories.tsv truth, computed by the reference inference\n"
               "With --format binary the layers and images are sdnn binary files (.sdnn instead of .tsv),\n"
               "which every sdnn reader takes: the large sizes' TSV would hold tens of gigabytes. Layers\n"
               "are written as they are generated, never all held. SOURCE is 'fashion-mnist' (Debian\n"
               "package dataset-fashion-mnist), 'synthetic' (random strokes, no file needed) or the path\n"
               "of an IDX image file (.gz or not). A dataset already generated in DIR with the same\n"
               "parameters is reused unless --force. Files appear whole or not at all.");
  opts.add("out", "DIR", "output directory (created if needed)");
  opts.add("neurons", "N", "neurons per layer, N = 16 * 2^D (1024, 4096, 16384, 65536)", "1024");
  opts.add("layers", "L", "number of layers", "120");
  opts.add("seed", "S", "seed of the RadiX-Net permutations and synthetic images", "1");
  opts.add("images", "SOURCE", "fashion-mnist, synthetic or an IDX file", "fashion-mnist");
  opts.add("num-images", "K", "number of input images (at most what SOURCE holds)", "60000");
  opts.add("bias", "B", "bias for the truth inference (default: the challenge's bias for N)");
  opts.add("no-truth", "", "do not compute the truth categories");
  opts.add("truth-by", "METHOD",
           "reference: the sequential reference on every input; engine: the engine's sparse and\n"
           "dense kernels, which must agree on every input, and the reference on the first\n"
           "--reference-inputs, which must agree with them (for sizes the reference cannot finish);\n"
           "leading: the reference on the first --reference-inputs only, the truth covering them\n"
           "(for sizes where neither finishes every input: `sdnn infer` then checks the categories\n"
           "among those inputs)",
           "reference");
  opts.add("reference-inputs", "K", "--truth-by engine or leading: inputs the reference runs", "500");
  opts.add(
      "format", "FORMAT",
      "tsv, binary, or auto (binary when the layers' TSV would exceed 4 GiB, at about 700 bytes\nper neuron and layer)",
      "auto");
  opts.add("no-layers", "",
           "write no layer files (the images and the truth only; `sdnn infer --network radixnet`\n"
           "generates the layers)");
  opts.add("order", "ORDER",
           "order of the images: 'source' (as SOURCE holds them) or 'survivors-last' (the images that survive every "
           "layer after all the others: the parts of the data mode's last threads keep all the work, the straggler "
           "case data-then-model is for; needs the truth)",
           "source");
  opts.add("force", "", "regenerate even when DIR already holds this dataset");
  opts.add("threads", "T", "threads of the Kokkos host backend (default: Kokkos' default, all cores)");
  opts.add("quiet", "", "no progress lines");
  if (!opts.parse(argc, argv, first))
    return 0;
  check_threads_option(opts, "sdnn generate");
  if (!opts.has("out"))
    throw UsageError("sdnn generate: --out DIR is required");
  auto const out = opts.str("out");
  auto const n = opts.integer("neurons");
  auto const num_layers = opts.integer("layers");
  auto const seed = opts.unsigned_integer("seed");
  auto const num_images = opts.integer("num-images");
  auto source = opts.str("images");
  auto const order = opts.str("order");
  if (order != "source" && order != "survivors-last")
    throw UsageError("sdnn generate: --order must be source or survivors-last, got '" + order + "'");
  if (order != "source" && opts.has("no-truth"))
    throw UsageError("sdnn generate: --order " + order + " needs the truth (drop --no-truth)");
  if (num_layers <= 0 || num_layers > 100000)
    throw UsageError("sdnn generate: --layers must be in 1..100000, got " + std::to_string(num_layers));
  if (num_images <= 0)
    throw UsageError("sdnn generate: --num-images must be positive, got " + std::to_string(num_images));
  bool const quiet = opts.has("quiet");
  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn] " << line << std::endl;
  };
  RadixNet const radixnet(n, seed); // validates N
  image_side(n);
  float const bias = opts.has("bias") ? bias_option(opts, "sdnn generate") : challenge_bias(n);
  auto const idx_path = source == "fashion-mnist" ? std::string(fashion_mnist) : source;
  auto const truth_by = opts.str("truth-by");
  if (truth_by != "reference" && truth_by != "engine" && truth_by != "leading")
    throw UsageError("sdnn generate: --truth-by must be reference, engine or leading, got '" + truth_by + "'");
  if (order != "source" && truth_by == "leading")
    throw UsageError("sdnn generate: --order " + order + " needs the truth of every input (not --truth-by leading)");
  auto const reference_inputs = opts.integer("reference-inputs");
  if (reference_inputs <= 0)
    throw UsageError("sdnn generate: --reference-inputs must be positive, got " + opts.str("reference-inputs"));
  auto format = opts.str("format");
  if (format != "auto" && format != "tsv" && format != "binary")
    throw UsageError("sdnn generate: --format must be auto, tsv or binary, got '" + format + "'");
  if (format == "auto")
    format = static_cast<double>(n) * static_cast<double>(num_layers) * 700.0 > 4.0 * (1 << 30) ? "binary" : "tsv";
  bool const binary = format == "binary", with_layers = !opts.has("no-layers"), with_truth = !opts.has("no-truth");

  // The stamp: what the directory holds. Lines after `truth` only when not the default, so that datasets generated
  // before them keep their stamp.
  std::ostringstream description;
  description << "sdnn-dataset 1\nneurons " << n << "\nlayers " << num_layers << "\nseed " << seed << "\nimages "
              << source << "\nnum-images " << num_images << "\nbias " << bias << "\ntruth "
              << (with_truth ? "yes" : "no") << "\n";
  if (order != "source")
    description << "order " << order << "\n";
  if (binary)
    description << "format binary\n";
  if (!with_layers)
    description << "layers-written no\n";
  if (with_truth && truth_by == "engine")
    description << "truth-by engine: sparse and dense kernels agree on every input, the reference on the first "
                << std::min(reference_inputs, num_images) << "\n";
  if (with_truth && truth_by == "leading") // `sdnn infer` reads truth-inputs: the inputs its check compares
    description << "truth-by leading: the reference on the first inputs only\ntruth-inputs "
                << std::min(reference_inputs, num_images) << "\n";
  auto const stamp = dataset_stamp_path(out, n, num_layers);
  // The challenge's names with the extension of the format (challenge_paths picks whichever file exists).
  auto paths = challenge_paths(out, n, static_cast<int>(num_layers));
  auto const in_format = [ext = binary ? ".sdnn" : ".tsv"](std::string &path)
  { path = std::filesystem::path(path).replace_extension(ext).string(); };
  in_format(paths.images);
  for (auto &layer : paths.layers)
    in_format(layer);
  auto const complete = [&]
  {
    bool all = std::filesystem::exists(paths.images) && (!with_truth || std::filesystem::exists(paths.truth));
    for (auto const &layer : paths.layers)
      all = all && (!with_layers || std::filesystem::exists(layer));
    return all;
  };
  if (!opts.has("force") && std::filesystem::exists(stamp) && read_file(stamp) == description.str() && complete())
  {
    std::printf("reusing dataset in %s (N=%lld, L=%lld, %lld images from %s); --force regenerates it\n", out.c_str(),
                static_cast<long long>(n), static_cast<long long>(num_layers), static_cast<long long>(num_images),
                source.c_str());
    return 0;
  }
  std::filesystem::remove(stamp);
  std::filesystem::create_directories(with_layers ? challenge_weights_dir(out, n) : out);

  double const start = now_seconds();
  GrayImages gray;
  if (source == "synthetic")
    gray = synthetic_gray_images(num_images, seed);
  else
  {
    gray = read_idx_images(idx_path, num_images);
    if (gray.count < num_images)
      throw InputError(idx_path + ": holds " + std::to_string(gray.count) + " images, " + std::to_string(num_images) +
                       " requested");
  }
  HostCsc images = challenge_images(gray, n);
  gray = GrayImages();
  auto const write_images = [&]
  {
    if (binary)
      write_binary_matrix(paths.images, images);
    else
      write_challenge_images(paths.images, images);
    progress("wrote " + std::to_string(images.num_rows()) + " images (" + std::to_string(images.nnz()) + " nnz) to " +
             paths.images);
  };
  if (order == "source")
    write_images();

  // Each layer written as soon as it is made: the network is never held whole.
  if (with_layers)
    for (int k = 1; k <= num_layers; ++k)
    {
      auto const layer = radixnet.layer(k);
      if (binary)
        write_binary_matrix(paths.layers[k - 1], layer);
      else
        write_challenge_layer(paths.layers[k - 1], layer);
      if (k % std::max<std::int64_t>(1, num_layers / 4) == 0)
        progress("wrote " + std::to_string(k) + "/" + std::to_string(num_layers) + " layers");
    }

  if (with_truth)
  {
    RadixNetLayers const layers(n, static_cast<int>(num_layers), seed);
    auto categories = truth_categories(images, layers, bias, truth_by, reference_inputs, progress);
    if (order == "survivors-last")
    {
      images = survivors_last(images, categories);
      write_images();
    }
    write_categories(paths.truth, categories);
    progress("wrote " + std::to_string(categories.size()) + " truth categories to " + paths.truth);
  }
  write_file(stamp, description.str());
  std::printf("generated dataset in %s (N=%lld, L=%lld, %lld images, %lld input nnz, %s%s) in %.1f s\n", out.c_str(),
              static_cast<long long>(n), static_cast<long long>(num_layers), static_cast<long long>(num_images),
              static_cast<long long>(images.nnz()), format.c_str(), with_layers ? "" : ", no layer files",
              now_seconds() - start);
  return 0;
}

} // namespace sdnn::cli
