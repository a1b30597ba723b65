// The inference kernels compiled for the build's baseline instruction set (SSE2 on x86-64): no target of its own, a
// multiply then an add (see Sdnn_KernelVariant.hpp).

#include "Sdnn_KernelSet.hpp"

#define SDNN_IMPL_VARIANT generic
#define SDNN_IMPL_VARIANT_SET InstructionSet::generic
#define SDNN_IMPL_VARIANT_AVX512 0
#define SDNN_IMPL_VARIANT_AVX2 0
#define SDNN_IMPL_VARIANT_FUSED 0
#include "Sdnn_KernelVariant.hpp"
