#ifndef SDNN_REPORTGATHER_HPP
#define SDNN_REPORTGATHER_HPP

// allgather_reports(): every rank's report, of any type with a field list (for_each_field), on every rank. Private
// to the library.

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI

#include <Sdnn_Error.hpp>

#include <mpi.h>

#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

namespace sdnn::impl
{

// A report travels as doubles in one Allgatherv, field by field through the reports' field lists: a number as
// itself, a vector as its length then its entries, a nested report as its fields. Text is not sent: the names in
// a report are the same on every rank, and every rank keeps its own.
inline void pack_field(std::vector<double> &, std::string const &) {}

template <class T> void pack_field(std::vector<double> &out, std::vector<T> const &values)
{
  out.push_back(static_cast<double>(values.size()));
  for (auto const value : values)
    out.push_back(static_cast<double>(value));
}

template <class T> void pack_field(std::vector<double> &out, T const &value)
{
  if constexpr (std::is_arithmetic_v<T>)
    out.push_back(static_cast<double>(value));
  else
    T::for_each_field([&](char const *, auto member, auto...) { pack_field(out, value.*member); });
}

/// Reads from `at` on what pack_field wrote, moving `at` past it.
inline void unpack_field(double const *&, std::string &) {}

template <class T> void unpack_field(double const *&at, std::vector<T> &values)
{
  values.resize(static_cast<std::size_t>(*at++));
  for (auto &value : values)
    value = static_cast<T>(*at++);
}

template <class T> void unpack_field(double const *&at, T &value)
{
  if constexpr (std::is_arithmetic_v<T>)
    value = static_cast<T>(*at++);
  else
    T::for_each_field([&](char const *, auto member, auto...) { unpack_field(at, value.*member); });
}

/// Collective: every rank's report, in rank order, on every rank (one MPI_Allgatherv of the reports packed as
/// doubles through Report::for_each_field).
template <class Report> std::vector<Report> allgather_reports(MPI_Comm comm, Report const &mine)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  std::vector<double> packed;
  pack_field(packed, mine);
  int const count = static_cast<int>(packed.size());
  std::vector<int> counts(size), displs(size, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
  std::vector<double> all(displs.back() + counts.back());
  MPI_Allgatherv(packed.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, comm);
  std::vector<Report> out(size, mine); // text fields are not sent: they stay this rank's
  for (int p = 0; p < size; ++p)
  {
    double const *at = all.data() + displs[p];
    unpack_field(at, out[p]);
    SDNN_REQUIRE(at == all.data() + displs[p] + counts[p], "rank " << p << " sent a report of another layout");
  }
  return out;
}

} // namespace sdnn::impl

#endif // SDNN_ENABLE_MPI

#endif
