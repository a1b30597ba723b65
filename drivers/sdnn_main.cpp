// The sdnn driver: `sdnn infer ...` runs inference on a Graph Challenge dataset and checks it,
// `sdnn generate ...` writes a challenge-style dataset. Exit status: 0 success, 1 failed check,
// 2 bad command line or bad input (one line on stderr naming the file and line).
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"

#include <Sdnn.hpp>

#include <Kokkos_Core.hpp>
#if SDNN_ENABLE_MPI
#include <mpi.h>
#endif

#include <cstring>
#include <iostream>

namespace
{

char const *const usage = "Usage: sdnn COMMAND [OPTIONS]\n"
                          "\n"
                          "Sparse DNN inference for the MIT/IEEE Graph Challenge (Kokkos).\n"
                          "\n"
                          "Commands:\n"
                          "  infer      run inference on a dataset, check the categories, report the rate\n"
                          "  generate   write a challenge-style dataset (RadiX-Net weights, images, truth)\n"
                          "\n"
                          "Run 'sdnn COMMAND --help' for the options of a command. 'sdnn --version' prints\n"
                          "the version and the Kokkos configuration.\n";

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
    throw UsageError("sdnn: unknown command '" + command + "'");
  }
  catch (UsageError const &e)
  {
    std::cerr << e.what() << "\nTry 'sdnn " << (command.rfind("-", 0) == 0 ? "" : command + " ") << "--help'.\n";
    return 2;
  }
  catch (sdnn::InputError const &e)
  {
    std::cerr << "sdnn: error: " << e.what() << "\n";
    return 2;
  }
  catch (std::exception const &e)
  {
    std::cerr << "sdnn: internal error: " << e.what() << "\n";
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
    Kokkos::ScopeGuard guard(argc, argv);
    status = dispatch(argc, argv);
  }
#if SDNN_ENABLE_MPI
  MPI_Finalize();
#endif
  return status;
}
