// The multiply-add peak loop of one variant (perf/sdnn_peak and the kernel benchmarks divide by its rate).
// Included by Sdnn_KernelVariant.hpp only (see Sdnn_Simd_Impl.hpp). Private to the library.

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

#if defined(__GNUC__)
/// Independent accumulators of the peak loop: they must cover FMA latency × FMA ports (4 × 2 on current x86) and,
/// with the two operands, fit the register file (32 vector registers with AVX-512, 16 without).
constexpr int peak_accumulators = SDNN_IMPL_VARIANT_AVX512 ? 16 : 12;
constexpr int peak_lanes = peak_accumulators * simd_width;

/// `iterations` × peak_accumulators SIMD multiply-adds on independent register chains x ← x·s + t, which converge
/// to a finite value (s < 1), so no lane ever overflows or becomes denormal. Returns the sum of all lanes.
float peak_chains(std::int64_t iterations, float seed)
{
  Simd const scale = splat(0.999999f);
  Simd const shift = splat(1e-6f * seed);
  Simd acc[peak_accumulators];
  for (int a = 0; a < peak_accumulators; ++a)
    acc[a] = splat(seed + static_cast<float>(a));
  for (std::int64_t i = 0; i < iterations; ++i)
  {
#pragma GCC unroll 16
    for (int a = 0; a < peak_accumulators; ++a)
      acc[a] = multiply_add(acc[a], scale, shift);
  }
  float lanes[simd_width];
  float sum = 0.0f;
  for (int a = 0; a < peak_accumulators; ++a)
  {
    store_simd(lanes, acc[a]);
    for (int lane = 0; lane < simd_width; ++lane)
      sum += lanes[lane];
  }
  return sum;
}
#else
constexpr int peak_lanes = 12;
float peak_chains(std::int64_t iterations, float seed)
{
  float acc[peak_lanes];
  for (int a = 0; a < peak_lanes; ++a)
    acc[a] = seed + static_cast<float>(a);
  for (std::int64_t i = 0; i < iterations; ++i)
    for (int a = 0; a < peak_lanes; ++a)
      acc[a] = multiply_add(acc[a], 0.999999f, 1e-6f * seed);
  float sum = 0.0f;
  for (int a = 0; a < peak_lanes; ++a)
    sum += acc[a];
  return sum;
}
#endif

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
