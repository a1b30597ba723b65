#ifndef SDNN_INSTRUCTIONSET_HPP
#define SDNN_INSTRUCTIONSET_HPP

/// \file Sdnn_InstructionSet.hpp
/// Runtime CPU dispatch: the inference kernels are compiled once per instruction set into every build, and the
/// one the CPU supports best runs, whatever flags the library was built with.

#include <optional>
#include <string>
#include <vector>

namespace sdnn
{

/// The instruction sets the inference kernels (dense panels, sparse SpMM, reference, peak loop) are compiled for.
enum class InstructionSet
{
  generic, ///< the build's baseline (SSE2 on x86-64): 4-float vectors, a multiply then an add
  avx2,    ///< AVX2 + FMA: 8-float vectors, fused multiply-add
  avx512,  ///< AVX-512F + FMA: 16-float vectors, fused multiply-add, mask registers
};

/// Name used by the driver, the environment variable and reports ("generic", "avx2", "avx512").
std::string name(InstructionSet set);
/// Inverse of name(InstructionSet); std::nullopt for an unknown name.
std::optional<InstructionSet> parse_instruction_set(std::string const &text);

/// The instruction sets compiled into this library (generic only on other CPUs than x86-64 with GCC or Clang).
std::vector<InstructionSet> compiled_instruction_sets();
/// True when `set` is compiled in and this CPU (and its operating system) can run it.
bool cpu_supports(InstructionSet set);
/// The fastest instruction set compiled in that this CPU runs.
InstructionSet best_instruction_set();

/// The instruction set the kernels run: the one selected last, else the environment variable
/// `SDNN_INSTRUCTION_SET` (a name, or "auto"), else best_instruction_set(). Read once per inference and per
/// reference run.
/// \throws sdnn::InputError if SDNN_INSTRUCTION_SET names no set, or one this CPU cannot run
InstructionSet active_instruction_set();

/// Makes `set` the active instruction set of the process (not while an inference runs).
/// \throws sdnn::InputError if `set` is not compiled in or this CPU cannot run it
void select_instruction_set(InstructionSet set);

/// True when the active instruction set accumulates Z = Y·W with fused multiply-adds (one rounding per term:
/// avx2 and avx512), false when with a multiply then an add (generic). Every mode and the reference run with
/// the same active set agree bit for bit; avx2 and avx512 agree with each other bit for bit too.
bool multiply_add_is_fused();

} // namespace sdnn

#endif
