#ifndef SDNN_VECTORVIEW_HPP
#define SDNN_VECTORVIEW_HPP

// to_view(): a host vector copied into a new View of a memory space (the training's index arrays and parameters,
// built on the host). Private to the library.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace sdnn::impl
{

/// A copy of `v` in a new View of `MemorySpace` labelled `label`.
template <class T, class MemorySpace> Kokkos::View<T *, MemorySpace> to_view(std::vector<T> const &v, char const *label)
{
  Kokkos::View<T *, MemorySpace> view(std::string(label), v.size());
  auto host = Kokkos::create_mirror_view(view);
  std::copy(v.begin(), v.end(), host.data());
  Kokkos::deep_copy(view, host);
  return view;
}

} // namespace sdnn::impl

#endif
