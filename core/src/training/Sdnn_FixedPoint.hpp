#ifndef SDNN_FIXEDPOINT_HPP
#define SDNN_FIXEDPOINT_HPP

// The training's reproducible sums: terms rounded (to nearest, ties to even) to multiples of 2^-32 and added as 64-bit
// integers, whose addition is associative, so a sum is the same bit for bit whatever the order, the threads, the
// ranks or the partition that add its terms. Private to the library.

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sdnn::impl
{

/// A fixed-point value: an integer count of 2^-32.
using Fixed = std::int64_t;

/// `x` in fixed point (the product of two floats is exact in double, so the only rounding is this one), for
/// |x| < 2^19: adding 1.5·2^52 to x·2^32 rounds it to an integer (to nearest, ties to even) held in the low bits of
/// the double's significand, which a subtraction of integers extracts. Unlike a conversion to int64 (scalar before
/// AVX-512), this vectorises with SSE2. The divergence checks keep every term far below 2^19 (see
/// fixed_factor_bound()).
KOKKOS_INLINE_FUNCTION Fixed to_fixed(double x)
{
  constexpr double shift = 0x1.8p52;
  double const shifted = x * 0x1p32 + shift;
  Fixed bits = 0, shift_bits = 0;
  std::memcpy(&bits, &shifted, sizeof bits);
  std::memcpy(&shift_bits, &shift, sizeof shift_bits);
  return bits - shift_bits;
}

/// The value of `v`, (double)v·2^-32, computed as hi + lo·2^-32 from its 32-bit halves (both exact in double, the
/// sum rounded once: the same double), which vectorises where a conversion from int64 does not (before AVX-512DQ).
KOKKOS_INLINE_FUNCTION double from_fixed(Fixed v)
{
  auto const hi = static_cast<std::int32_t>(v >> 32);
  auto const lo = static_cast<std::uint32_t>(v);
  return static_cast<double>(hi) + static_cast<double>(lo) * 0x1p-32;
}

/// |v| as the bits of a float (NaN: above those of infinity): the divergence checks take the maximum of these as
/// integers, a reduction that vectorises (a float maximum does not, for NaN's sake) and keeps a NaN visible.
KOKKOS_INLINE_FUNCTION std::uint32_t magnitude_bits(float v)
{
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits & 0x7fffffffu;
}

/// The magnitude whose bits magnitude_bits() gave: infinity for a NaN.
inline float from_magnitude_bits(std::uint32_t bits)
{
  if (bits >= 0x7f800000u)
    return HUGE_VALF;
  float v = 0.0f;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

/// The largest magnitude a factor of a fixed-point term may have so that sums of `count` products of two such
/// factors stay within 64 bits: count · bound² · 2^32 <= 2^62.
inline double fixed_factor_bound(std::int64_t count)
{
  return std::sqrt(0x1p30 / static_cast<double>(count < 1 ? 1 : count));
}

} // namespace sdnn::impl

#endif
