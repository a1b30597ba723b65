#ifndef SDNN_HOSTCSCSTORAGE_HPP
#define SDNN_HOSTCSCSTORAGE_HPP

// The Views of a host CSC matrix allocated uninitialised, for the readers and converters that fill every entry.
// Private to the library.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>

namespace sdnn::impl
{

/// The three Views of a host CSC matrix, allocated uninitialised with CscMatrix's labels.
struct HostCscStorage
{
  HostCsc::offsets_view col_ptr;
  HostCsc::indices_view row_idx;
  HostCsc::values_view values;
};

/// Storage for `num_cols` columns (num_cols + 1 column pointers) and `nnz` entries.
HostCscStorage allocate_host_csc(std::int64_t num_cols, std::int64_t nnz);

/// Bytes a host CSC matrix holds: its column offsets, row indices and values.
inline std::int64_t host_csc_bytes(HostCsc const &m)
{
  return 8 * (static_cast<std::int64_t>(m.num_cols()) + 1) + 8 * m.nnz();
}

} // namespace sdnn::impl

#endif
