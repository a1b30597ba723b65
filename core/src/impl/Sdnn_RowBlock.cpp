#include <Sdnn_RowBlock.hpp>

#include <numeric>

namespace sdnn
{

RowBlock to_row_block(HostCsc const &matrix)
{
  auto csr = to_csr(matrix);
  RowBlock rows;
  rows.num_cols = csr.num_cols;
  rows.ids.resize(csr.num_rows);
  std::iota(rows.ids.begin(), rows.ids.end(), std::int64_t(0));
  rows.row_ptr = std::move(csr.row_ptr);
  rows.col_idx = std::move(csr.col_idx);
  rows.values = std::move(csr.values);
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

} // namespace sdnn
