#ifndef SDNN_CSCMATRIX_HPP
#define SDNN_CSCMATRIX_HPP

/// \file Sdnn_CscMatrix.hpp
/// CscMatrix over Kokkos Views, host conversions from triplets and to and from CSR.

#include <Sdnn_Error.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <type_traits>

namespace sdnn
{

/// A compressed sparse column matrix stored in three Kokkos Views.
///
/// Column j holds the entries `col_ptr(j) <= k < col_ptr(j+1)`, with row indices `row_idx(k)`
/// (0-based, strictly ascending within a column) and values `values(k)`.
/// Weights W_l are N×N; activation tiles Y are (inputs × N).
///
/// \tparam Scalar value type (float for the challenge)
/// \tparam Ordinal row/column index type
/// \tparam Offset type of the column pointers (must hold nnz)
/// \tparam MemorySpace where the Views live
template <class Scalar = float, class Ordinal = std::int32_t, class Offset = std::int64_t,
          class MemorySpace = Kokkos::HostSpace>
class CscMatrix
{
  static_assert(std::is_integral_v<Ordinal> && std::is_signed_v<Ordinal>,
                "sdnn::CscMatrix: Ordinal must be a signed integer type");
  static_assert(std::is_integral_v<Offset>, "sdnn::CscMatrix: Offset must be an integer type");
  static_assert(Kokkos::is_memory_space<MemorySpace>::value,
                "sdnn::CscMatrix: MemorySpace must be a Kokkos memory space");

public:
  using scalar_type = Scalar;                                ///< value type
  using ordinal_type = Ordinal;                              ///< row and column index type
  using size_type = Offset;                                  ///< type of the column pointers and of nnz
  using memory_space = MemorySpace;                          ///< where the Views live
  using offsets_view = Kokkos::View<Offset *, MemorySpace>;  ///< col_ptr: num_cols + 1 offsets
  using indices_view = Kokkos::View<Ordinal *, MemorySpace>; ///< row_idx: nnz row indices
  using values_view = Kokkos::View<Scalar *, MemorySpace>;   ///< values: nnz values

  /// An empty 0 × 0 matrix.
  CscMatrix() = default;

  /// Wraps existing Views. \throws std::logic_error if their extents disagree.
  CscMatrix(Ordinal num_rows, Ordinal num_cols, offsets_view col_ptr, indices_view row_idx, values_view values)
      : m_num_rows(num_rows), m_num_cols(num_cols), m_col_ptr(col_ptr), m_row_idx(row_idx), m_values(values)
  {
    SDNN_REQUIRE(num_rows >= 0 && num_cols >= 0, "negative dimensions " << num_rows << " x " << num_cols);
    SDNN_REQUIRE(col_ptr.extent(0) == static_cast<std::size_t>(num_cols) + 1,
                 "col_ptr has " << col_ptr.extent(0) << " entries, expected " << num_cols + 1);
    SDNN_REQUIRE(row_idx.extent(0) == values.extent(0),
                 "row_idx and values differ in length: " << row_idx.extent(0) << " vs " << values.extent(0));
  }

  /// Number of rows.
  KOKKOS_INLINE_FUNCTION Ordinal num_rows() const { return m_num_rows; }
  /// Number of columns.
  KOKKOS_INLINE_FUNCTION Ordinal num_cols() const { return m_num_cols; }
  /// Number of stored entries.
  KOKKOS_INLINE_FUNCTION Offset nnz() const { return static_cast<Offset>(m_row_idx.extent(0)); }
  /// Column pointers: column j holds the entries [col_ptr(j), col_ptr(j+1)).
  KOKKOS_INLINE_FUNCTION offsets_view const &col_ptr() const { return m_col_ptr; }
  /// Row index of every entry, ascending within a column.
  KOKKOS_INLINE_FUNCTION indices_view const &row_idx() const { return m_row_idx; }
  /// Value of every entry.
  KOKKOS_INLINE_FUNCTION values_view const &values() const { return m_values; }

private:
  Ordinal m_num_rows = 0;
  Ordinal m_num_cols = 0;
  offsets_view m_col_ptr;
  indices_view m_row_idx;
  values_view m_values;
};

/// The host CSC type every reader returns and the reference inference works on.
using HostCsc = CscMatrix<float, std::int32_t, std::int64_t, Kokkos::HostSpace>;

/// Deep copy of `matrix` into `DstMemorySpace`, every allocation and copy on `space`.
/// \tparam DstMemorySpace memory space of the copy
/// \param space execution space of the allocations and copies (fenced before returning)
/// \param matrix the matrix to copy
template <class DstMemorySpace, class ExecutionSpace, class Scalar, class Ordinal, class Offset, class SrcMemorySpace>
CscMatrix<Scalar, Ordinal, Offset, DstMemorySpace>
create_copy(ExecutionSpace const &space, CscMatrix<Scalar, Ordinal, Offset, SrcMemorySpace> const &matrix)
{
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "sdnn::create_copy: ExecutionSpace must be a Kokkos execution space");
  using Dst = CscMatrix<Scalar, Ordinal, Offset, DstMemorySpace>;
  typename Dst::offsets_view col_ptr(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "Sdnn::CscMatrix::col_ptr"),
                                     matrix.col_ptr().extent(0));
  typename Dst::indices_view row_idx(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "Sdnn::CscMatrix::row_idx"),
                                     matrix.row_idx().extent(0));
  typename Dst::values_view values(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "Sdnn::CscMatrix::values"),
                                   matrix.values().extent(0));
  Kokkos::deep_copy(space, col_ptr, matrix.col_ptr());
  Kokkos::deep_copy(space, row_idx, matrix.row_idx());
  Kokkos::deep_copy(space, values, matrix.values());
  space.fence();
  return Dst(matrix.num_rows(), matrix.num_cols(), col_ptr, row_idx, values);
}

/// Entries given as (row, col, value) in any order; indices 0-based.
struct Triplets
{
  std::vector<std::int32_t> rows; ///< row index of each entry
  std::vector<std::int32_t> cols; ///< column index of each entry
  std::vector<float> values;      ///< value of each entry
  /// Number of entries.
  std::size_t size() const { return rows.size(); }
};

/// Position of the first repeated (row, col) pair found while building a matrix.
struct DuplicateEntry
{
  std::int32_t row = -1; ///< 0-based row, -1 when no duplicate was found
  std::int32_t col = -1; ///< 0-based column, -1 when no duplicate was found
  /// True when a duplicate was found.
  explicit operator bool() const { return row >= 0; }
};

/// Builds a host CSC matrix from triplets, sorting by column then row.
/// \param num_rows rows of the matrix
/// \param num_cols columns of the matrix
/// \param triplets the entries, 0-based, in any order
/// \param duplicate if not null, receives the first duplicate entry (and the matrix is still built);
///        if null, a duplicate throws sdnn::InputError.
/// \throws std::logic_error if an index is outside the dimensions (readers check before).
HostCsc csc_from_triplets(std::int32_t num_rows, std::int32_t num_cols, Triplets const &triplets,
                          DuplicateEntry *duplicate = nullptr);

/// The transpose-free row view of a host CSC matrix: row_ptr/col_idx/values with columns ascending
/// in every row. Used by the reference inference and by writers that emit row-major order.
struct HostCsr
{
  std::int64_t num_rows = 0;         ///< number of rows
  std::int64_t num_cols = 0;         ///< number of columns
  std::vector<std::int64_t> row_ptr; ///< row r holds the entries [row_ptr[r], row_ptr[r+1])
  std::vector<std::int32_t> col_idx; ///< column index of every entry, ascending within a row
  std::vector<float> values;         ///< value of every entry
};

/// Row-major copy of a host CSC matrix (columns ascending within each row).
HostCsr to_csr(HostCsc const &matrix);
/// Column-major copy of a CSR matrix (rows ascending within each column).
HostCsc to_csc(HostCsr const &matrix);

/// Copy of `matrix` with `num_rows` rows: rows at or beyond `num_rows` are dropped, new rows are empty.
HostCsc with_num_rows(HostCsc const &matrix, std::int32_t num_rows);

/// Copy of `matrix` whose row k is row order[k] of `matrix`.
/// \throws std::logic_error unless `order` is a permutation of the rows
HostCsc with_rows_in_order(HostCsc const &matrix, std::vector<std::int64_t> const &order);

} // namespace sdnn

#endif
