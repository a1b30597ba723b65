#ifndef SDNN_MULTIPLYADD_HPP
#define SDNN_MULTIPLYADD_HPP

// The one multiply-add of every inference kernel and of the reference. Private to the library.
//
// When the library is compiled for a CPU with fused multiply-add (x86 FMA3 / AVX-512, the -march=native
// builds), every term of Z = Y·W is accumulated as z = fma(y, w, z) — one rounding per term, which is what
// the hardware does at full speed; otherwise as a multiply then an add. The library is compiled with
// -ffp-contract=off, so the compiler never fuses on its own: the reference and every parallel kernel
// accumulate each Z(r, j) the same way, in the same order, and agree bit for bit.

#include <cmath>

#if defined(__FMA__) || defined(__AVX512F__)
#define SDNN_IMPL_FUSED_MULTIPLY_ADD 1
#else
#define SDNN_IMPL_FUSED_MULTIPLY_ADD 0
#endif

namespace sdnn::impl
{

/// z + y·w, fused when the build targets FMA hardware.
inline float multiply_add(float y, float w, float z)
{
#if SDNN_IMPL_FUSED_MULTIPLY_ADD
  return std::fma(y, w, z);
#else
  float const product = y * w;
  return z + product;
#endif
}

} // namespace sdnn::impl

#endif
