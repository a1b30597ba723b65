// GoogleTest main of the MPI suite: MPI, then Kokkos (from argv: ctest passes the thread count),
// then every test on every rank. Rank 0 prints the usual report; the other ranks print their
// failures only. The exit status is non-zero on every rank if any rank had a failure.
#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>
#include <iostream>

namespace
{

/// Prints this rank's failed assertions, prefixed with the rank.
class FailurePrinter : public ::testing::EmptyTestEventListener
{
public:
  explicit FailurePrinter(int rank) : m_rank(rank) {}
  void OnTestPartResult(::testing::TestPartResult const &result) override
  {
    if (result.failed())
      std::cerr << "[rank " << m_rank << "] " << (result.file_name() ? result.file_name() : "?") << ":"
                << result.line_number() << ": " << result.summary() << std::endl;
  }

private:
  int m_rank;
};

} // namespace

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  setenv("OMP_PROC_BIND", "false", /*overwrite=*/0);
  int failed = 0;
  {
    Kokkos::ScopeGuard guard(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    if (rank != 0)
    {
      auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
      listeners.Append(new FailurePrinter(rank));
    }
    failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  }
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return failed;
}
