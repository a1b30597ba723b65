#ifndef SDNN_COLLECTIVES_HPP
#define SDNN_COLLECTIVES_HPP

// The library's MPI building blocks on a communicator that is already sdnn's own (a PrivateComm or one split from
// it): the public collectives duplicate the caller's communicator once, then call these. Private to the library.

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Distributed.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_RowBlock.hpp>

#include <mpi.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <vector>

namespace sdnn::impl
{

inline int comm_size(MPI_Comm comm)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

inline int comm_rank(MPI_Comm comm)
{
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

/// MPI counts and displacements are int: checks that a buffer stays within them.
inline int as_count(std::int64_t value, char const *what)
{
  SDNN_REQUIRE(value >= 0 && value <= INT_MAX, what << " has " << value << " elements, more than MPI's int counts");
  return static_cast<int>(value);
}

/// Alltoallv of one array: `send` is laid out by destination with `send_counts`; `recv` becomes the received
/// elements laid out by source, `recv_counts` given (its capacity is kept: a buffer reused across calls is not
/// allocated again).
template <class T>
void alltoallv(MPI_Comm comm, MPI_Datatype type, std::vector<T> const &send,
               std::vector<std::int64_t> const &send_counts, std::vector<std::int64_t> const &recv_counts,
               char const *what, std::vector<T> &recv)
{
  int const size = comm_size(comm);
  std::vector<int> scounts(size), sdispls(size), rcounts(size), rdispls(size);
  std::int64_t soff = 0, roff = 0;
  for (int p = 0; p < size; ++p)
  {
    scounts[p] = as_count(send_counts[p], what);
    rcounts[p] = as_count(recv_counts[p], what);
    sdispls[p] = as_count(soff, what);
    rdispls[p] = as_count(roff, what);
    soff += send_counts[p];
    roff += recv_counts[p];
  }
  as_count(soff, what);
  as_count(roff, what);
  recv.resize(roff);
  MPI_Alltoallv(send.data(), scounts.data(), sdispls.data(), type, recv.data(), rcounts.data(), rdispls.data(), type,
                comm);
}

/// alltoallv() into a new array.
template <class T>
std::vector<T> alltoallv(MPI_Comm comm, MPI_Datatype type, std::vector<T> const &send,
                         std::vector<std::int64_t> const &send_counts, std::vector<std::int64_t> const &recv_counts,
                         char const *what)
{
  std::vector<T> recv;
  alltoallv(comm, type, send, send_counts, recv_counts, what, recv);
  return recv;
}

/// exchange_rows() on sdnn's own communicator.
RowBlock exchange_rows_on(MPI_Comm comm, RowBlock const &rows, std::vector<int> const &destination,
                          ExchangeStats *stats);

/// broadcast() on sdnn's own communicator.
HostCsc broadcast_on(MPI_Comm comm, int root, HostCsc const &matrix);

/// The layers this rank reads in a collective load: layer k (0-based) by rank k mod P, the others left empty.
/// \throws sdnn::InputError on every rank if any rank could not read one of its files
std::vector<HostCsc> read_own_layers(MPI_Comm comm, std::vector<std::string> const &layer_paths,
                                     std::int64_t num_neurons, ReadOptions const &options,
                                     std::function<void(int, ReadInfo const &)> const &on_layer);

/// first_error() on sdnn's own communicator.
std::optional<std::string> first_error_on(MPI_Comm comm, std::string const &local_error);

/// Runs `work` where `here` holds (e.g. on the root only), then agrees over `comm`: if it failed on any rank, every
/// rank throws sdnn::InputError with the first failure (an allocation failure said as "out of memory while `what`"),
/// so no rank waits in a collective that a failed rank never reaches.
template <class Work> void run_agreed(MPI_Comm comm, bool here, char const *what, Work &&work)
{
  std::string error;
  if (here)
  {
    try
    {
      work();
    }
    catch (std::bad_alloc const &)
    {
      error = std::string("out of memory while ") + what;
    }
    catch (std::exception const &e)
    {
      error = e.what();
    }
  }
  if (auto const first = first_error_on(comm, error))
    throw InputError(*first);
}

} // namespace sdnn::impl

#endif // SDNN_ENABLE_MPI

#endif
