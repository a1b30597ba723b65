#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_Idx.hpp"

#include <Sdnn.hpp>

#include <cstdio>
#include <filesystem>
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
} // namespace

int run_generate(int argc, char **argv, int first)
{
  Options opts("sdnn generate",
               "sdnn generate --out DIR [--neurons N] [--layers L] [--images SOURCE] [OPTIONS]\n\n"
               "Writes a Graph Challenge style dataset in the challenge's layout and formats:\n"
               "  DIR/neuron{N}/n{N}-l{k}.tsv       RadiX-Net weights, k = 1..L\n"
               "  DIR/sparse-images-{N}.tsv         inputs: 28x28 images resampled to sqrt(N) x sqrt(N)\n"
               "  DIR/neuron{N}-l{L}-categories.tsv truth, computed by the reference inference\n"
               "SOURCE is 'fashion-mnist' (Debian package dataset-fashion-mnist), 'synthetic' (random\n"
               "strokes, no file needed) or the path of an IDX image file (.gz or not). A dataset already\n"
               "generated in DIR with the same parameters is reused unless --force.");
  opts.add("out", "DIR", "output directory (created if needed)");
  opts.add("neurons", "N", "neurons per layer, N = 16 * 2^D (1024, 4096, 16384, 65536)", "1024");
  opts.add("layers", "L", "number of layers", "120");
  opts.add("seed", "S", "seed of the RadiX-Net permutations and synthetic images", "1");
  opts.add("images", "SOURCE", "fashion-mnist, synthetic or an IDX file", "fashion-mnist");
  opts.add("num-images", "K", "number of input images (at most what SOURCE holds)", "60000");
  opts.add("bias", "B", "bias for the truth inference (default: the challenge's bias for N)");
  opts.add("no-truth", "", "do not compute the truth categories");
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

  std::ostringstream description;
  description << "sdnn-dataset 1\nneurons " << n << "\nlayers " << num_layers << "\nseed " << seed << "\nimages "
              << source << "\nnum-images " << num_images << "\nbias " << bias << "\ntruth "
              << (opts.has("no-truth") ? "no" : "yes") << "\n";
  if (order != "source") // datasets generated before --order keep their stamp
    description << "order " << order << "\n";
  auto const stamp =
      (std::filesystem::path(out) / ("sdnn-dataset-n" + std::to_string(n) + "-l" + std::to_string(num_layers) + ".txt"))
          .string();
  auto const paths = challenge_paths(out, n, static_cast<int>(num_layers));
  auto const complete = [&]
  {
    bool all = std::filesystem::exists(paths.images) && (opts.has("no-truth") || std::filesystem::exists(paths.truth));
    for (auto const &layer : paths.layers)
      all = all && std::filesystem::exists(layer);
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
  std::filesystem::create_directories(challenge_weights_dir(out, n));

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
  auto const write_images = [&]
  {
    write_challenge_images(paths.images, images);
    progress("wrote " + std::to_string(images.num_rows()) + " images (" + std::to_string(images.nnz()) + " nnz) to " +
             paths.images);
  };
  if (order == "source")
    write_images();

  std::vector<HostCsc> layers;
  layers.reserve(num_layers);
  for (int k = 1; k <= num_layers; ++k)
  {
    layers.push_back(radixnet.layer(k));
    write_challenge_layer(paths.layers[k - 1], layers.back());
    if (k % std::max<std::int64_t>(1, num_layers / 4) == 0)
      progress("wrote " + std::to_string(k) + "/" + std::to_string(num_layers) + " layers");
  }

  if (!opts.has("no-truth"))
  {
    std::int64_t const every = std::max<std::int64_t>(1, num_layers / 10);
    double const infer_start = now_seconds();
    auto const result =
        reference_inference(images, layers, bias, challenge_ymax,
                            [&](LayerStats const &s)
                            {
                              if (s.layer % every == 0)
                              {
                                char line[160];
                                std::snprintf(line, sizeof line, "truth: layer %d/%lld, %lld active rows, %.1f s",
                                              s.layer, static_cast<long long>(num_layers),
                                              static_cast<long long>(s.active_rows), now_seconds() - infer_start);
                                progress(line);
                              }
                            });
    auto categories = result.categories;
    if (order == "survivors-last")
    {
      images = survivors_last(images, categories);
      write_images();
    }
    write_categories(paths.truth, categories);
    progress("wrote " + std::to_string(result.categories.size()) + " truth categories to " + paths.truth);
  }
  write_file(stamp, description.str());
  std::printf("generated dataset in %s (N=%lld, L=%lld, %lld images, %lld input nnz) in %.1f s\n", out.c_str(),
              static_cast<long long>(n), static_cast<long long>(num_layers), static_cast<long long>(num_images),
              static_cast<long long>(images.nnz()), now_seconds() - start);
  return 0;
}

} // namespace sdnn::cli
