#ifndef SDNN_FOREACHONHOST_HPP
#define SDNN_FOREACHONHOST_HPP

// Independent items (the layers of a network being prepared) run on the host's threads, their exceptions carried
// out of the parallel region. Private to the library.

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <exception>
#include <vector>

namespace sdnn::impl
{

/// Calls body(i) for every i in [0, count) on the threads of Kokkos' default host execution space, each thread a
/// contiguous share of the items (Schedule<Static>: the layers of a window cost about the same). An exception thrown by
/// body(i) is caught on its thread; once every item has run, the one of the lowest i is rethrown, so the error does not
/// depend on the threads. body(i) must not allocate Kokkos Views (allocate them before, fill them in the body).
template <class Body> void for_each_on_host(char const *label, std::int64_t count, Body const &body)
{
  std::vector<std::exception_ptr> failures(count > 0 ? count : 0);
  using Policy = Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace, Kokkos::Schedule<Kokkos::Static>,
                                     Kokkos::IndexType<std::int64_t>>;
  Kokkos::parallel_for(label, Policy(0, count > 0 ? count : 0),
                       [&](std::int64_t i)
                       {
                         try
                         {
                           body(i);
                         }
                         catch (...)
                         {
                           failures[i] = std::current_exception();
                         }
                       });
  Kokkos::DefaultHostExecutionSpace().fence();
  for (auto const &failure : failures)
    if (failure)
      std::rethrow_exception(failure);
}

} // namespace sdnn::impl

#endif
