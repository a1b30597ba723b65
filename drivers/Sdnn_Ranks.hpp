#ifndef SDNN_RANKS_HPP
#define SDNN_RANKS_HPP

#include "Sdnn_Cli.hpp"

#include <Sdnn.hpp>

#if SDNN_ENABLE_MPI
#include <mpi.h>
#endif

#include <exception>
#include <string>

namespace sdnn::cli
{

/// The driver's processes: MPI_COMM_WORLD in an MPI build, one process otherwise.
struct Ranks
{
  int rank = 0;
  int size = 1;
#if SDNN_ENABLE_MPI
  MPI_Comm comm = MPI_COMM_WORLD;
  Ranks()
  {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
  }
#endif
  bool root() const
  {
    return rank == 0;
  }

  /// Collective: if `failure` (this rank's) or any other rank's phase failed, every rank throws the
  /// first failing rank's error, keeping its kind (usage, input, internal), so that every rank
  /// reports it and exits instead of waiting in a collective that the failed rank never reaches.
  void agree(std::exception_ptr failure) const
  {
#if SDNN_ENABLE_MPI
    std::string local;
    if (failure)
    {
      try
      {
        std::rethrow_exception(failure);
      }
      catch (UsageError const &e)
      {
        local = std::string("U") + e.what();
      }
      catch (InputError const &e)
      {
        local = std::string("I") + e.what();
      }
      catch (std::exception const &e)
      {
        auto const message = environment_error_message(e);
        local = message.empty() ? std::string("X") + e.what() : "I" + message;
      }
    }
    auto const first = first_error(comm, local);
    if (!first)
      return;
    // first = "rank R: " + kind + message
    auto const colon = first->find(": ") + 2;
    std::string const message = (size > 1 ? first->substr(0, colon) : std::string()) + first->substr(colon + 1);
    switch ((*first)[colon])
    {
    case 'U':
      throw UsageError(message);
    case 'I':
      throw InputError(message);
    default:
      throw std::runtime_error(message);
    }
#else
    if (failure)
      std::rethrow_exception(failure);
#endif
  }

  /// Runs `phase` on this rank, then agree()s with the other ranks on its failure.
  template <class Phase> void run(Phase &&phase) const
  {
    std::exception_ptr failure;
    try
    {
      phase();
    }
    catch (...)
    {
      failure = std::current_exception();
    }
    agree(failure);
  }
};

} // namespace sdnn::cli

#endif
