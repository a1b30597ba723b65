// The inference kernels compiled for AVX-512F + FMA (see Sdnn_KernelVariant.hpp).

#include "Sdnn_KernelSet.hpp"

#if SDNN_IMPL_X86_VARIANTS
#define SDNN_IMPL_VARIANT avx512
#define SDNN_IMPL_VARIANT_SET InstructionSet::avx512
#define SDNN_IMPL_VARIANT_AVX512 1
#define SDNN_IMPL_VARIANT_AVX2 0
#define SDNN_IMPL_VARIANT_FUSED 1
#define SDNN_IMPL_VARIANT_TARGET "avx512f,avx2,fma"
#include "Sdnn_KernelVariant.hpp"
#endif
