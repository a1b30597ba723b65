// GoogleTest main for sdnn: Kokkos is initialised once around the whole run (from argv, so ctest
// can run the suite at 1, 2 and 4 threads), as the library never initialises it itself.
#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

int main(int argc, char **argv)
{
  Kokkos::ScopeGuard guard(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
