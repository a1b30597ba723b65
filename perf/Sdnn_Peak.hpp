#ifndef SDNN_PEAK_HPP
#define SDNN_PEAK_HPP

/// \file Sdnn_Peak.hpp
/// The machine's measured multiply-add peak: a register-only loop of fused multiply-adds on the widest float
/// SIMD vectors the compiler targets, run by `threads` work items of the default host execution space. The
/// kernel benchmarks divide their useful multiply-adds per second by this figure; `sdnn_peak` prints it.
///
/// Compile with the library's flags (-march=native under Sdnn_ENABLE_NATIVE): the vector width and whether the
/// multiply-add is fused are decided at compile time from __AVX512F__, __AVX__ and __FMA__.

#include <Sdnn_Error.hpp>

#include <Kokkos_Core.hpp>

#if defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <limits>

#if !defined(__GNUC__)
#error "Sdnn_Peak.hpp uses the GCC/Clang vector extension"
#endif

namespace sdnn::perf
{

#if defined(__AVX512F__)
inline constexpr int peak_simd_bytes = 64;
/// Independent accumulators of the peak loop: they must cover FMA latency × FMA ports (4 × 2 on current x86)
/// and, with the two operands, fit the register file (32 vector registers with AVX-512, 16 without).
inline constexpr int peak_accumulators = 16;
#elif defined(__AVX__)
inline constexpr int peak_simd_bytes = 32;
inline constexpr int peak_accumulators = 12;
#else
inline constexpr int peak_simd_bytes = 16;
inline constexpr int peak_accumulators = 12;
#endif
/// Floats per SIMD vector of the peak loop.
inline constexpr int peak_simd_floats = peak_simd_bytes / static_cast<int>(sizeof(float));
#if defined(__AVX512F__) || defined(__FMA__)
/// True when the peak loop's multiply-add is one fused instruction (x86 FMA intrinsics).
inline constexpr bool peak_fused = true;
#else
inline constexpr bool peak_fused = false;
#endif

namespace impl
{

using PeakSimd = float __attribute__((vector_size(peak_simd_bytes)));

/// a·b + c, one instruction when the target has FMA (the intrinsics fuse whatever -ffp-contract says).
inline PeakSimd multiply_add(PeakSimd a, PeakSimd b, PeakSimd c)
{
#if defined(__AVX512F__)
  return _mm512_fmadd_ps(a, b, c);
#elif defined(__FMA__) && defined(__AVX__)
  return _mm256_fmadd_ps(a, b, c);
#elif defined(__FMA__)
  return _mm_fmadd_ps(a, b, c);
#else
  return a * b + c;
#endif
}

/// `iterations` × peak_accumulators multiply-adds on independent register chains x ← x·s + t, which converge
/// to a finite value (s < 1), so no lane ever overflows or becomes denormal. Returns the sum of all lanes.
inline float multiply_add_chains(std::int64_t iterations, float seed)
{
  PeakSimd const scale = PeakSimd{} + 0.999999f;
  PeakSimd const shift = PeakSimd{} + 1e-6f * seed;
  PeakSimd acc[peak_accumulators];
  for (int a = 0; a < peak_accumulators; ++a)
    acc[a] = PeakSimd{} + (seed + static_cast<float>(a));
  for (std::int64_t i = 0; i < iterations; ++i)
  {
#pragma GCC unroll 16
    for (int a = 0; a < peak_accumulators; ++a)
      acc[a] = multiply_add(acc[a], scale, shift);
  }
  PeakSimd total = {};
  for (int a = 0; a < peak_accumulators; ++a)
    total += acc[a];
  float sum = 0.0f;
  for (int lane = 0; lane < peak_simd_floats; ++lane)
    sum += total[lane];
  return sum;
}

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
  Kokkos::View<float *, Kokkos::HostSpace> sums(Kokkos::view_alloc(space, "Sdnn::peak::sums"), threads);
  Kokkos::View<double *, Kokkos::HostSpace> times(Kokkos::view_alloc(space, "Sdnn::peak::times"), threads);
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::Schedule<Kokkos::Static>, Kokkos::IndexType<int>>;
  // Each work item times its own loop and a run lasts as long as its slowest item: the time a thread takes to
  // wake up and be scheduled (about 16 ms here when other processes hold the cores) is not multiply-add time.
  auto run = [&](std::int64_t iterations)
  {
    Kokkos::parallel_for("Sdnn::peak<multiply-add>", Policy(space, 0, threads, Kokkos::ChunkSize(1)),
                         [=](int t)
                         {
                           Kokkos::Timer timer;
                           sums(t) += impl::multiply_add_chains(iterations, 1.0f + static_cast<float>(t));
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
    best = std::max(best, static_cast<double>(threads) * static_cast<double>(iterations) * peak_accumulators *
                              peak_simd_floats / elapsed);
  }
  float total = 0.0f;
  for (int t = 0; t < threads; ++t)
    total += sums(t);
  impl::peak_sink = total;
  return best;
}

} // namespace sdnn::perf

#endif
