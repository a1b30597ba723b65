// The kernels of one instruction set: included once by each Sdnn_Kernels_<Set>.cpp, which defines first
//   SDNN_IMPL_VARIANT          the variant's name, also its namespace (sdnn::impl::<name>)
//   SDNN_IMPL_VARIANT_SET      its InstructionSet
//   SDNN_IMPL_VARIANT_AVX512, SDNN_IMPL_VARIANT_AVX2, SDNN_IMPL_VARIANT_FUSED    0 or 1
//   SDNN_IMPL_VARIANT_TARGET   (x86 variants) the GCC/Clang target string, e.g. "avx2,fma"
// Every header the kernels use is included first, compiled for the build's baseline; then the kernels are
// compiled for the target (#pragma GCC target, or Clang's attribute push). Functions defined before the region
// (the standard library's templates, activate(), LayerPointers) keep the baseline even where the kernels
// instantiate them, so no out-of-line copy the linker may share with other files ever holds the variant's
// instructions. Private to the library.

#include <Sdnn_Error.hpp>

#include "../training/Sdnn_FixedPoint.hpp"
#include "Sdnn_Activate.hpp"
#include "Sdnn_KernelSet.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#if SDNN_IMPL_X86_VARIANTS
#include <immintrin.h>
#endif

// A pragma whose argument holds a macro (#pragma does not expand them; _Pragma of a stringised expansion does).
#define SDNN_IMPL_PRAGMA(text) _Pragma(#text)
#define SDNN_IMPL_TARGET_BEGIN(isa) SDNN_IMPL_PRAGMA(GCC target(isa))
#define SDNN_IMPL_CLANG_TARGET_BEGIN(isa)                                                                              \
  SDNN_IMPL_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))

#if defined(SDNN_IMPL_VARIANT_TARGET)
#if defined(__clang__)
SDNN_IMPL_CLANG_TARGET_BEGIN(SDNN_IMPL_VARIANT_TARGET)
#else
#pragma GCC push_options
SDNN_IMPL_TARGET_BEGIN(SDNN_IMPL_VARIANT_TARGET)
#endif
#endif

#include "Sdnn_Simd_Impl.hpp"

#include "Sdnn_DenseKernel_Impl.hpp"
#include "Sdnn_PeakKernel_Impl.hpp"
#include "Sdnn_ReferenceKernel_Impl.hpp"
#include "Sdnn_SparseNumericKernel_Impl.hpp"
#include "Sdnn_TrainingKernel_Impl.hpp"

#if defined(SDNN_IMPL_VARIANT_TARGET)
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

#define SDNN_IMPL_CONCAT2(a, b) a##b
#define SDNN_IMPL_CONCAT(a, b) SDNN_IMPL_CONCAT2(a, b)

namespace sdnn::impl
{

KernelSet const &SDNN_IMPL_CONCAT(SDNN_IMPL_VARIANT, _kernel_set)()
{
  namespace variant = SDNN_IMPL_VARIANT;
  static KernelSet const set = {SDNN_IMPL_VARIANT_SET,           SDNN_IMPL_VARIANT_FUSED != 0,
                                variant::block_columns,          &variant::dense_columns,
                                &variant::sparse_numeric,        &variant::reference_columns,
                                &variant::peak_chains,           variant::peak_lanes,
                                &variant::training_forward,      &variant::training_gradients,
                                &variant::training_backpropagate,
                                &variant::training_update,
                                &variant::training_derivative};
  return set;
}

} // namespace sdnn::impl
