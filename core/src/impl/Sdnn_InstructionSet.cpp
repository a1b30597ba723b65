#include <Sdnn_Error.hpp>
#include <Sdnn_InstructionSet.hpp>

#include "Sdnn_KernelSet.hpp"
#include "Sdnn_NameTable.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>

namespace sdnn
{

namespace
{
// Slowest first: best_instruction_set() takes the last one the CPU runs.
constexpr impl::Names<InstructionSet> instruction_set_names[] = {
    {InstructionSet::generic, "generic"}, {InstructionSet::avx2, "avx2"}, {InstructionSet::avx512, "avx512"}};

bool compiled_in(InstructionSet set)
{
  return set == InstructionSet::generic || SDNN_IMPL_X86_VARIANTS;
}

std::string supported_names()
{
  std::string names;
  for (auto const set : compiled_instruction_sets())
    if (cpu_supports(set))
      names += (names.empty() ? "" : ", ") + name(set);
  return names;
}

/// -1 until the first use: then the set named by SDNN_INSTRUCTION_SET, or the best one.
std::atomic<int> active_set{-1};

InstructionSet checked(InstructionSet set, std::string const &origin)
{
  SDNN_USER_REQUIRE(cpu_supports(set), origin << ": this CPU cannot run the " << name(set)
                                              << " kernels (it runs: " << supported_names() << ")");
  return set;
}

InstructionSet from_environment()
{
  char const *value = std::getenv("SDNN_INSTRUCTION_SET");
  if (!value || std::string(value).empty() || std::string(value) == "auto")
    return best_instruction_set();
  auto const set = parse_instruction_set(value);
  SDNN_USER_REQUIRE(set, "SDNN_INSTRUCTION_SET=" << value << ": expected auto or one of "
                                                 << impl::joined_names(instruction_set_names));
  return checked(*set, std::string("SDNN_INSTRUCTION_SET=") + value);
}
} // namespace

std::string name(InstructionSet set)
{
  return impl::name_of(instruction_set_names, set);
}

std::optional<InstructionSet> parse_instruction_set(std::string const &text)
{
  return impl::parse_name(instruction_set_names, text);
}

std::vector<InstructionSet> compiled_instruction_sets()
{
  auto sets = impl::values_of(instruction_set_names);
  sets.erase(std::remove_if(sets.begin(), sets.end(), [](InstructionSet set) { return !compiled_in(set); }),
             sets.end());
  return sets;
}

bool cpu_supports(InstructionSet set)
{
  if (!compiled_in(set))
    return false;
#if SDNN_IMPL_X86_VARIANTS
  // libgcc's (and compiler-rt's) CPU model: also false when the operating system does not save the registers.
  __builtin_cpu_init();
  switch (set)
  {
  case InstructionSet::generic:
    return true;
  case InstructionSet::avx2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case InstructionSet::avx512:
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return false;
#else
  return true;
#endif
}

InstructionSet best_instruction_set()
{
  InstructionSet best = InstructionSet::generic;
  for (auto const &entry : instruction_set_names)
    if (cpu_supports(entry.value))
      best = entry.value;
  return best;
}

InstructionSet active_instruction_set()
{
  int set = active_set.load();
  if (set < 0)
  {
    static std::mutex mutex;
    std::lock_guard<std::mutex> const lock(mutex);
    set = active_set.load();
    if (set < 0)
    {
      set = static_cast<int>(from_environment());
      active_set.store(set);
    }
  }
  return static_cast<InstructionSet>(set);
}

void select_instruction_set(InstructionSet set)
{
  SDNN_USER_REQUIRE(compiled_in(set), "the " << name(set) << " kernels are not compiled into this build of sdnn");
  active_set.store(static_cast<int>(checked(set, "select_instruction_set")));
}

bool multiply_add_is_fused()
{
  return impl::active_kernel_set().fused;
}

namespace impl
{

KernelSet const &kernel_set(InstructionSet set)
{
  switch (set)
  {
  case InstructionSet::generic:
    return generic_kernel_set();
#if SDNN_IMPL_X86_VARIANTS
  case InstructionSet::avx2:
    return avx2_kernel_set();
  case InstructionSet::avx512:
    return avx512_kernel_set();
#else
  default:
    break;
#endif
  }
  SDNN_REQUIRE(false, "the " << name(set) << " kernels are not compiled into this build");
  return generic_kernel_set();
}

KernelSet const &active_kernel_set()
{
  return kernel_set(active_instruction_set());
}

} // namespace impl

} // namespace sdnn
