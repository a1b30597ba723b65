#ifndef SDNN_ROWBLOCK_HPP
#define SDNN_ROWBLOCK_HPP

/// \file Sdnn_RowBlock.hpp
/// RowBlock: rows of an activation matrix, each tagged with its global id: what infer() runs on, what a rank holds
/// and what the ranks exchange.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <vector>

namespace sdnn
{

/// Some rows of a matrix in CSR, each row tagged with its global (original) id.
struct RowBlock
{
  std::int64_t num_cols = 0;            ///< columns of the whole matrix
  std::vector<std::int64_t> ids;        ///< global (original) row id of each local row
  std::vector<std::int64_t> row_ptr{0}; ///< local row k: entries row_ptr[k] <= e < row_ptr[k+1]
  std::vector<std::int32_t> col_idx;    ///< column of each entry, ascending within a row
  std::vector<float> values;            ///< value of each entry
  /// Rows held here.
  std::int64_t num_rows() const { return static_cast<std::int64_t>(ids.size()); }
  /// Entries held here.
  std::int64_t nnz() const { return row_ptr.back(); }
};

/// Every row of `matrix` (ids 0..rows-1, empty rows included), columns ascending within each row.
RowBlock to_row_block(HostCsc const &matrix);

/// The rows [first, last) of `matrix` (ids first..last-1, empty rows included), columns ascending within each row:
/// a batch of inputs without a row-major copy of the whole matrix.
/// \throws std::logic_error unless 0 <= first <= last <= rows
RowBlock to_row_block(HostCsc const &matrix, std::int64_t first, std::int64_t last);

/// Removes the rows without an entry (keeping the order of the others).
void drop_empty_rows(RowBlock &rows);

/// Appends the rows of `from` after those of `to` (same number of columns).
void append_rows(RowBlock &to, RowBlock const &from);

/// The matrix of `num_rows` rows whose row ids[k] is row k of `rows` (in any order) and whose other rows are empty:
/// the activations of an inference from its surviving rows. \throws std::logic_error for an id outside
/// [0, num_rows) or a nonempty row given twice
HostCsr to_csr(RowBlock rows, std::int64_t num_rows);

} // namespace sdnn

#endif
