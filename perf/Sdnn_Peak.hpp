#ifndef SDNN_PEAK_HPP
#define SDNN_PEAK_HPP

/// \file Sdnn_Peak.hpp
/// The machine's measured multiply-add peak: the register-only loop of fused multiply-adds of the active
/// instruction set's kernels (sdnn::active_instruction_set(): the widest SIMD vectors the CPU runs, whatever the
/// build's flags), run by `threads` work items of the default host execution space. The kernel benchmarks divide
/// their useful multiply-adds per second by this figure; `sdnn_peak` prints it.

#include <Sdnn_Error.hpp>
#include <Sdnn_InstructionSet.hpp>
#include <impl/Sdnn_KernelSet.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace sdnn::perf
{

namespace impl
{
/// Where the sums of the chains end up, so that the compiler must compute them.
inline float volatile peak_sink = 0.0f;
} // namespace impl

/// Measured multiply-add peak of `threads` threads of the default host execution space, in multiply-adds per
/// second (each lane of each SIMD multiply-add counts one).
///
/// A parallel_for over `threads` work items (static schedule, one item per thread) runs the register-only
/// loop, timed inside each work item: a run lasts as long as its slowest item, and the time a thread takes to
/// wake up is not counted. The iteration count is calibrated so that a run lasts min(seconds/5, 2 ms); runs are
/// repeated for about `seconds` (at least 5 runs) and the best one is returned. Short runs fit in one scheduler
/// time slice, so the best run is one no other process interrupted, even on a shared machine (2 ms is still
/// about 7·10^6 multiply-adds per lane at 3.4 GHz).
///
/// \param threads work items run at once; at most the execution space's concurrency
/// \param seconds approximate length of the measurement
/// \throws std::runtime_error if threads is not in [1, concurrency] or seconds <= 0
inline double measure_multiply_add_peak(int threads, double seconds = 0.5)
{
  using ExecutionSpace = Kokkos::DefaultHostExecutionSpace;
  ExecutionSpace const space;
  SDNN_USER_REQUIRE(threads >= 1 && threads <= space.concurrency(),
                    "measure_multiply_add_peak: " << threads << " threads asked, the host execution space has "
                                                  << space.concurrency());
  SDNN_USER_REQUIRE(seconds > 0.0, "measure_multiply_add_peak: the measurement must last > 0 s, got " << seconds);
  auto const &kernels = sdnn::impl::active_kernel_set();
  Kokkos::View<float *, Kokkos::HostSpace> sums(Kokkos::view_alloc(space, "Sdnn::peak::sums"), threads);
  Kokkos::View<double *, Kokkos::HostSpace> times(Kokkos::view_alloc(space, "Sdnn::peak::times"), threads);
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::Schedule<Kokkos::Static>, Kokkos::IndexType<int>>;
  // Each work item times its own loop and a run lasts as long as its slowest item: the time a thread takes to
  // wake up and be scheduled (about 16 ms here when other processes hold the cores) is not multiply-add time.
  auto run = [&](std::int64_t iterations)
  {
    Kokkos::parallel_for("Sdnn::peak<multiply-add>", Policy(space, 0, threads, Kokkos::ChunkSize(1)),
                         [=, &kernels](int t)
                         {
                           Kokkos::Timer timer;
                           sums(t) += kernels.peak_chains(iterations, 1.0f + static_cast<float>(t));
                           times(t) = timer.seconds();
                         });
    space.fence();
    double slowest = 0.0;
    for (int t = 0; t < threads; ++t)
      slowest = std::max(slowest, times(t));
    return slowest;
  };
  // Calibration (also warms the threads up and lets the cores reach their vector clock). Runs are sized from the
  // fastest time per iteration seen so far, so that a run slowed down by another process cannot shrink the
  // following ones to a few iterations.
  double const run_seconds = std::min(seconds / 5, 0.002);
  double best_per_iteration = std::numeric_limits<double>::infinity();
  for (std::int64_t iterations = 1 << 10;; iterations *= 2)
  {
    double const elapsed = run(iterations);
    best_per_iteration = std::min(best_per_iteration, elapsed / static_cast<double>(iterations));
    if (elapsed >= run_seconds / 2)
      break;
  }
  double best = 0.0;
  Kokkos::Timer clock;
  for (int r = 0; r < 5 || clock.seconds() < seconds; ++r)
  {
    auto const iterations = std::max<std::int64_t>(1, static_cast<std::int64_t>(run_seconds / best_per_iteration));
    double const elapsed = run(iterations);
    best_per_iteration = std::min(best_per_iteration, elapsed / static_cast<double>(iterations));
    best =
        std::max(best, static_cast<double>(threads) * static_cast<double>(iterations) * kernels.peak_lanes / elapsed);
  }
  float total = 0.0f;
  for (int t = 0; t < threads; ++t)
    total += sums(t);
  impl::peak_sink = total;
  return best;
}

} // namespace sdnn::perf

#endif
