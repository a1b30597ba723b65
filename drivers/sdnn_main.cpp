// The sdnn driver: `sdnn infer ...` runs inference on a Graph Challenge dataset and checks it,
// `sdnn generate ...` writes a challenge-style dataset. Exit status: 0 success, 1 failed check,
// 2 bad command line or bad input (one line on stderr naming the file and line).
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_Ranks.hpp"

#include <Sdnn.hpp>

#include <Kokkos_Core.hpp>
#if SDNN_ENABLE_MPI
#include <mpi.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace
{

char const *const usage = "Usage: sdnn COMMAND [OPTIONS]\n"
                          "\n"
                          "Sparse DNN inference for the MIT/IEEE Graph Challenge (Kokkos).\n"
                          "\n"
                          "Commands:\n"
                          "  infer      run inference on a dataset, check the categories, report the rate\n"
                          "  generate   write a challenge-style dataset (RadiX-Net weights, images, truth)\n"
                          "  train      train a sparse network with SGD on labelled images (Fashion-MNIST)\n"
                          "  partition  cut the network into parts (block, hashed, hypergraph) and compare the cuts\n"
                          "  list       the names an option accepts (modes, hashes, ...), one per line\n"
                          "\n"
                          "Run 'sdnn COMMAND --help' for the options of a command. 'sdnn --version' prints\n"
                          "the version and the Kokkos configuration.\n";

/// Writes `message` to stderr in one call, so that the lines of several ranks do not interleave.
void report(std::string const &message)
{
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fflush(stderr);
}

int dispatch(int argc, char **argv)
{
  using namespace sdnn::cli;
  if (argc < 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)
  {
    std::cout << usage;
    return argc < 2 ? 2 : 0;
  }
  std::string const command = argv[1];
  try
  {
    if (command == "--version")
    {
      std::cout << "sdnn " << SDNN_VERSION_STRING << "\n";
      Kokkos::print_configuration(std::cout);
      return 0;
    }
    if (command == "infer")
      return run_infer(argc, argv, 2);
    if (command == "generate")
      return run_generate(argc, argv, 2);
    if (command == "train")
      return run_train(argc, argv, 2);
    if (command == "partition")
      return run_partition(argc, argv, 2);
    if (command == "list")
      return run_list(argc, argv, 2);
    throw UsageError("sdnn: unknown command '" + command + "'");
  }
  catch (UsageError const &e)
  {
    report(std::string(e.what()) + "\nTry 'sdnn " + (command.rfind("-", 0) == 0 ? "" : command + " ") + "--help'.\n");
    return 2;
  }
  catch (sdnn::InputError const &e)
  {
    report(std::string("sdnn: error: ") + e.what() + "\n");
    return 2;
  }
  catch (std::exception const &e)
  {
    if (auto const message = environment_error_message(e); !message.empty())
    {
      report("sdnn: error: " + message + "\n");
      return 2;
    }
    report(std::string("sdnn: internal error: ") + e.what() + "\n");
    return 3;
  }
}

} // namespace

int main(int argc, char **argv)
{
#if SDNN_ENABLE_MPI
  MPI_Init(&argc, &argv);
#endif
  int status;
  {
    std::string storage;
    auto args = sdnn::cli::kokkos_arguments(argc, argv, storage);
    int kokkos_argc = static_cast<int>(args.size()) - 1;
    Kokkos::ScopeGuard guard(kokkos_argc, args.data());
    // Under mpirun, `generate` runs on rank 0 (one writer), the others take its exit status.
    sdnn::cli::Ranks const ranks;
    bool const generate = argc > 1 && std::strcmp(argv[1], "generate") == 0;
    status = generate && !ranks.root() ? 0 : dispatch(argc, argv);
#if SDNN_ENABLE_MPI
    if (generate)
      MPI_Bcast(&status, 1, MPI_INT, 0, ranks.comm);
#endif
    // The report is the output: if it could not be written (`sdnn infer > /dev/full`), the run failed.
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout)
    {
      report(std::string("sdnn: error: standard output: write error: ") + std::strerror(errno) +
             " (the report was not written)\n");
      status = 2;
    }
  }
#if SDNN_ENABLE_MPI
  MPI_Finalize();
#endif
  return status;
}
