// sdnn as a library: load a Graph Challenge dataset, run the inference in a chosen parallel mode,
// print the categories and check them against the truth file when there is one.
//
//   sdnn_embed DATASET_DIR N L MODE [Kokkos options, e.g. --kokkos-num-threads=4 (Kokkos 3.7+)]
//
// MODE: a parallel mode (sdnn::all_parallelisms(); `sdnn list modes`). Prints the categories
// (1-based row ids, one per line, as in the challenge's categories files) and a summary line.
// Exit status: 0 check passed or no truth file, 1 check failed, 2 bad usage or bad input.
#include <Sdnn.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
  Kokkos::ScopeGuard guard(argc, argv); // the library never initialises Kokkos
  std::vector<std::string> args;
  for (int k = 1; k < argc; ++k)
    if (std::string(argv[k]).rfind("--kokkos-", 0) != 0)
      args.emplace_back(argv[k]);
  auto const mode = args.size() == 4 ? sdnn::parse_parallelism(args[3]) : std::nullopt;
  std::int64_t const n = mode ? std::atoll(args[1].c_str()) : 0;
  int const num_layers = mode ? std::atoi(args[2].c_str()) : 0;
  if (!mode || n <= 0 || num_layers <= 0)
  {
    std::cerr << "usage: sdnn_embed DATASET_DIR N L MODE\nN, L: neurons and layers (positive); MODE: one of";
    for (auto const parallelism : sdnn::all_parallelisms())
      std::cerr << " " << sdnn::name(parallelism);
    std::cerr << "\n";
    return 2;
  }

  try
  {
    auto const paths = sdnn::challenge_paths(args[0], n, num_layers);
    auto const images = sdnn::read_matrix(paths.images, sdnn::any_size, n);
    auto const network = sdnn::load_network(paths.layers, n, sdnn::challenge_bias(n));

    sdnn::InferenceOptions options;
    options.parallelism = *mode;
    options.keep_activations = false; // only the categories are needed
    sdnn::WorkReport report;
    auto const result =
        sdnn::infer(Kokkos::DefaultHostExecutionSpace(), images, network.layers, network.bias, options, &report);

    for (auto const row : result.categories)
      std::cout << row + 1 << "\n";
    std::cout << "sdnn_embed: sdnn version " << SDNN_VERSION_STRING << ", mode " << sdnn::name(*mode) << ", "
              << report.threads << " threads, " << images.num_rows() << " inputs, " << network.layers.size()
              << " layers, " << result.categories.size() << " categories, ";
    if (!std::filesystem::exists(paths.truth))
    {
      std::cout << "no truth file\n";
      return 0;
    }
    auto const check = sdnn::check_categories(result.categories, sdnn::read_categories(paths.truth));
    std::cout << (check.passed() ? "check passed" : "check FAILED") << " (" << check.missing.size() << " missing, "
              << check.extra.size() << " extra)\n";
    return check.passed() ? 0 : 1;
  }
  catch (sdnn::InputError const &e)
  {
    std::cerr << "sdnn_embed: error: " << e.what() << "\n";
    return 2;
  }
}
