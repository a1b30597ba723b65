// GoogleTest main for sdnn: Kokkos is initialised once around the whole run (from argv, so ctest
// can run the suite at 1, 2 and 4 threads), as the library never initialises it itself.
#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

#if defined(SDNN_TSAN_SUPPRESSIONS)
/// ThreadSanitizer's defaults for this program (TSAN_OPTIONS adds to them), so that ctest's test discovery, which
/// runs the program too, sees them: LLVM's OpenMP runtime is not instrumented (Archer reports its synchronization
/// to TSan instead), and the suppressions explain themselves.
extern "C" char const *__tsan_default_options()
{
  return "ignore_noninstrumented_modules=1 halt_on_error=1 second_deadlock_stack=1 "
         "suppressions=" SDNN_TSAN_SUPPRESSIONS;
}
#endif

int main(int argc, char **argv)
{
  // Kokkos' OpenMP backend prints advice to stdout when OMP_PROC_BIND is unset; in
  // --gtest_list_tests output ctest would take those lines for test names. Unbound threads are
  // right for tests on a shared machine anyway.
  setenv("OMP_PROC_BIND", "false", /*overwrite=*/0);
  Kokkos::ScopeGuard guard(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
