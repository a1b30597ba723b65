// The SIMD layer of one kernel variant: included by Sdnn_KernelVariant.hpp only, inside the variant's target
// region, after the macros SDNN_IMPL_VARIANT (the namespace), SDNN_IMPL_VARIANT_AVX512, SDNN_IMPL_VARIANT_AVX2
// and SDNN_IMPL_VARIANT_FUSED (0 or 1) are defined. Private to the library.
//
// Native SIMD vectors through the GCC/Clang vector extension (host compilers of Kokkos' host backends): a
// dense-panel column (panel_rows floats) is `vectors_per_column` such vectors. With AVX-512 or AVX2 they are
// the intrinsics' own types (the same vector-extension types), so the fused multiply-add can be the
// intrinsic. Loads and stores go through memcpy (no alignment assumed).

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

/// z + y·w rounded twice, for floats and SIMD vectors alike (the library is compiled with -ffp-contract=off, so
/// the compiler never fuses it).
template <class T> inline T multiply_then_add(T y, T w, T z)
{
  T const product = y * w;
  return z + product;
}

/// z + y·w, fused exactly in the fused variants: the reference and every kernel of a variant round each term
/// the same way.
inline float multiply_add(float y, float w, float z)
{
#if SDNN_IMPL_VARIANT_FUSED
  return __builtin_fmaf(y, w, z);
#else
  return multiply_then_add(y, w, z);
#endif
}

#if defined(__GNUC__)
#if SDNN_IMPL_VARIANT_AVX512
using Simd = __m512;
#elif SDNN_IMPL_VARIANT_AVX2
using Simd = __m256;
#else
using Simd = float __attribute__((vector_size(16)));
#endif
constexpr int simd_bytes = sizeof(Simd);
using SimdCount = std::int32_t __attribute__((vector_size(simd_bytes)));
constexpr int simd_width = simd_bytes / static_cast<int>(sizeof(float));
constexpr int vectors_per_column = panel_rows / simd_width;
static_assert(panel_rows % simd_width == 0, "a panel column must be a whole number of SIMD vectors");
inline Simd load_simd(float const *p)
{
  Simd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store_simd(float *p, Simd v)
{
  std::memcpy(p, &v, sizeof v);
}
inline Simd splat(float x)
{
#if SDNN_IMPL_VARIANT_AVX512
  return _mm512_set1_ps(x);
#elif SDNN_IMPL_VARIANT_AVX2
  return _mm256_set1_ps(x);
#else
  Simd v;
  for (int i = 0; i < simd_width; ++i)
    v[i] = x;
  return v;
#endif
}
/// z + y·w lane by lane, fused exactly when the scalar multiply_add is.
inline Simd multiply_add(Simd y, Simd w, Simd z)
{
#if SDNN_IMPL_VARIANT_AVX512
  return _mm512_fmadd_ps(y, w, z);
#elif SDNN_IMPL_VARIANT_AVX2
  return _mm256_fmadd_ps(y, w, z);
#else
  return multiply_then_add(y, w, z);
#endif
}

/// activate() lane by lane on the sums `acc` (bias and ymax in every lane); adds 1 to count[lane] where the result
/// is nonzero. With AVX-512: min(acc + bias, ymax) where acc != 0 and acc + bias > 0, else 0 (the scalar
/// activate()'s values, NaN included) in two compares into mask registers and three masked operations.
inline Simd activate_counting(Simd acc, Simd bias, Simd ymax, SimdCount &count)
{
#if SDNN_IMPL_VARIANT_AVX512
  __mmask16 const nonzero = _mm512_cmp_ps_mask(acc, _mm512_setzero_ps(), _CMP_NEQ_OQ);
  Simd const t = _mm512_add_ps(acc, bias);
  __mmask16 const positive = _mm512_mask_cmp_ps_mask(nonzero, t, _mm512_setzero_ps(), _CMP_GT_OQ);
  count = reinterpret_cast<SimdCount>(_mm512_mask_sub_epi32(reinterpret_cast<__m512i>(count), positive,
                                                            reinterpret_cast<__m512i>(count), _mm512_set1_epi32(-1)));
  return _mm512_maskz_min_ps(positive, t, ymax);
#else
  Simd const zero = {};
  Simd const t = acc + bias;
  Simd const out = ((acc != zero) & (t > zero)) ? (t > ymax ? ymax : t) : zero; // NaN: 0, as activate()
  count -= (out != zero);                                                       // a true comparison is -1 in its lane
  return out;
#endif
}
#endif

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
