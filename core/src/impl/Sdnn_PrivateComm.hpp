#ifndef SDNN_PRIVATECOMM_HPP
#define SDNN_PRIVATECOMM_HPP

// PrivateComm: the library's own duplicate of a caller's communicator, so that no message sdnn sends can match a
// receive the application posted (nor the other way round). Private to the library.

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI

#include <mpi.h>

namespace sdnn::impl
{

/// MPI_Comm_dup of `caller` for the lifetime of the object (collective over `caller`, like every public MPI
/// function of sdnn that creates one on entry), freed on destruction.
class PrivateComm
{
public:
  explicit PrivateComm(MPI_Comm caller) { MPI_Comm_dup(caller, &m_comm); }
  ~PrivateComm() { MPI_Comm_free(&m_comm); }
  PrivateComm(PrivateComm const &) = delete;
  PrivateComm &operator=(PrivateComm const &) = delete;
  operator MPI_Comm() const { return m_comm; }

private:
  MPI_Comm m_comm = MPI_COMM_NULL;
};

} // namespace sdnn::impl

#endif

#endif
