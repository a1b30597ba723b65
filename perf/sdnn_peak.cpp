// sdnn_peak: the machine's measured multiply-add peak (Sdnn_Peak.hpp), one line on stdout:
//   peak         : 1.2345e+11 multiply-adds/s (2 threads, avx512 kernels, 256 lanes per iteration, fused)
// Exit status: 0 success, 1 failed measurement, 2 bad command line.
//   build/openmp/perf/sdnn_peak --threads 2 --seconds 1
#include "Sdnn_Peak.hpp"

#include <Sdnn_Cli.hpp>

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <iostream>

int main(int argc, char **argv)
{
  sdnn::cli::Options options("sdnn_peak", "sdnn_peak [--threads T] [--seconds S]\n\n"
                                          "Measures the multiply-add peak of T threads of the Kokkos host execution "
                                          "space:\na register-only loop of fused multiply-adds on the widest SIMD "
                                          "vectors compiled for.");
  options.add("threads", "T", "threads of the Kokkos host execution space", "1");
  options.add("seconds", "S", "approximate length of the measurement (best of runs of min(S/5, 2 ms))", "0.5");
  int threads = 1;
  double seconds = 0.5;
  try
  {
    if (!options.parse(argc, argv, 1))
      return 0;
    std::int64_t const t = options.integer("threads");
    seconds = options.real("seconds");
    if (t < 1 || t > 4096)
      throw sdnn::cli::UsageError("sdnn_peak: --threads must be in [1, 4096], got " + options.str("threads"));
    if (!(seconds > 0.0))
      throw sdnn::cli::UsageError("sdnn_peak: --seconds must be > 0, got " + options.str("seconds"));
    threads = static_cast<int>(t);
  }
  catch (sdnn::cli::UsageError const &e)
  {
    std::cerr << e.what() << "\nTry 'sdnn_peak --help'.\n";
    return 2;
  }
#if KOKKOS_VERSION >= 30700
  Kokkos::ScopeGuard guard(Kokkos::InitializationSettings().set_num_threads(threads));
#else
  Kokkos::InitArguments kokkos_arguments;
  kokkos_arguments.num_threads = threads;
  Kokkos::ScopeGuard guard(kokkos_arguments);
#endif
  double peak = 0.0;
  try
  {
    peak = sdnn::perf::measure_multiply_add_peak(threads, seconds);
  }
  catch (std::exception const &e)
  {
    std::cerr << "sdnn_peak: error: " << e.what() << "\n";
    return 1;
  }
  auto const &kernels = sdnn::impl::active_kernel_set();
  std::printf("peak         : %.4e multiply-adds/s (%d threads, %s kernels, %d lanes per iteration, %s)\n", peak,
              threads, sdnn::name(kernels.set).c_str(), kernels.peak_lanes, kernels.fused ? "fused" : "unfused");
  return 0;
}
