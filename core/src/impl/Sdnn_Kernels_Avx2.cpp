// The inference kernels compiled for AVX2 + FMA (see Sdnn_KernelVariant.hpp).

#include "Sdnn_KernelSet.hpp"

#if SDNN_IMPL_X86_VARIANTS
#define SDNN_IMPL_VARIANT avx2
#define SDNN_IMPL_VARIANT_SET InstructionSet::avx2
#define SDNN_IMPL_VARIANT_AVX512 0
#define SDNN_IMPL_VARIANT_AVX2 1
#define SDNN_IMPL_VARIANT_FUSED 1
#define SDNN_IMPL_VARIANT_TARGET "avx2,fma"
#include "Sdnn_KernelVariant.hpp"
#endif
