#include <Sdnn_RowBlock.hpp>

#include <algorithm>
#include <numeric>

namespace sdnn
{

RowBlock to_row_block(HostCsc const &matrix)
{
  return to_row_block(matrix, 0, matrix.num_rows());
}

RowBlock to_row_block(HostCsc const &matrix, std::int64_t first, std::int64_t last)
{
  SDNN_REQUIRE(0 <= first && first <= last && last <= matrix.num_rows(),
               "rows [" << first << ", " << last << ") of a matrix of " << matrix.num_rows() << " rows");
  auto const &col_ptr = matrix.col_ptr();
  auto const *row_idx = matrix.row_idx().data();
  std::int64_t const cols = matrix.num_cols();
  // Each column's entries in [first, last): rows ascend within a column.
  std::vector<std::int64_t> begin(cols), end(cols);
  RowBlock rows;
  rows.num_cols = cols;
  rows.ids.resize(last - first);
  std::iota(rows.ids.begin(), rows.ids.end(), first);
  rows.row_ptr.assign(last - first + 1, 0);
  for (std::int64_t j = 0; j < cols; ++j)
  {
    begin[j] = std::lower_bound(row_idx + col_ptr(j), row_idx + col_ptr(j + 1), first) - row_idx;
    end[j] = std::lower_bound(row_idx + begin[j], row_idx + col_ptr(j + 1), last) - row_idx;
    for (auto e = begin[j]; e < end[j]; ++e)
      ++rows.row_ptr[row_idx[e] - first + 1];
  }
  std::partial_sum(rows.row_ptr.begin(), rows.row_ptr.end(), rows.row_ptr.begin());
  rows.col_idx.resize(rows.row_ptr.back());
  rows.values.resize(rows.row_ptr.back());
  std::vector<std::int64_t> next(rows.row_ptr.begin(), rows.row_ptr.end() - 1);
  for (std::int64_t j = 0; j < cols; ++j)
    for (auto e = begin[j]; e < end[j]; ++e)
    {
      auto const k = next[row_idx[e] - first]++;
      rows.col_idx[k] = static_cast<std::int32_t>(j);
      rows.values[k] = matrix.values()(e);
    }
  return rows;
}

void drop_empty_rows(RowBlock &rows)
{
  std::int64_t kept = 0, entries = 0;
  for (std::int64_t r = 0; r < rows.num_rows(); ++r)
  {
    auto const begin = rows.row_ptr[r], end = rows.row_ptr[r + 1];
    if (begin == end)
      continue;
    // Moving left only: an entry or row is never overwritten before it is read.
    for (auto e = begin; e < end; ++e, ++entries)
    {
      rows.col_idx[entries] = rows.col_idx[e];
      rows.values[entries] = rows.values[e];
    }
    rows.ids[kept] = rows.ids[r];
    rows.row_ptr[++kept] = entries;
  }
  rows.ids.resize(kept);
  rows.row_ptr.resize(kept + 1);
  rows.col_idx.resize(entries);
  rows.values.resize(entries);
}

void append_rows(RowBlock &to, RowBlock const &from)
{
  SDNN_REQUIRE(to.num_cols == from.num_cols || to.num_rows() == 0,
               "rows of " << from.num_cols << " columns appended to rows of " << to.num_cols);
  to.num_cols = from.num_cols;
  auto const offset = to.nnz();
  to.ids.insert(to.ids.end(), from.ids.begin(), from.ids.end());
  for (std::int64_t k = 1; k <= from.num_rows(); ++k)
    to.row_ptr.push_back(offset + from.row_ptr[k]);
  to.col_idx.insert(to.col_idx.end(), from.col_idx.begin(), from.col_idx.end());
  to.values.insert(to.values.end(), from.values.begin(), from.values.end());
}

HostCsr to_csr(RowBlock rows, std::int64_t num_rows)
{
  HostCsr y;
  y.num_rows = num_rows;
  y.num_cols = rows.num_cols;
  y.row_ptr.assign(num_rows + 1, 0);
  for (std::int64_t k = 0; k < rows.num_rows(); ++k)
  {
    auto const id = rows.ids[k];
    SDNN_REQUIRE(0 <= id && id < num_rows && y.row_ptr[id + 1] == 0,
                 "row id " << id << " outside [0, " << num_rows << ") or given twice");
    y.row_ptr[id + 1] = rows.row_ptr[k + 1] - rows.row_ptr[k];
  }
  for (std::int64_t r = 0; r < num_rows; ++r)
    y.row_ptr[r + 1] += y.row_ptr[r];
  if (std::is_sorted(rows.ids.begin(), rows.ids.end()))
  {
    // In id order, the rows' entries are already the matrix's.
    y.col_idx = std::move(rows.col_idx);
    y.values = std::move(rows.values);
    return y;
  }
  y.col_idx.resize(rows.nnz());
  y.values.resize(rows.nnz());
  for (std::int64_t k = 0; k < rows.num_rows(); ++k)
  {
    auto const begin = rows.row_ptr[k], end = rows.row_ptr[k + 1];
    std::copy(rows.col_idx.begin() + begin, rows.col_idx.begin() + end, y.col_idx.begin() + y.row_ptr[rows.ids[k]]);
    std::copy(rows.values.begin() + begin, rows.values.begin() + end, y.values.begin() + y.row_ptr[rows.ids[k]]);
  }
  return y;
}

} // namespace sdnn
