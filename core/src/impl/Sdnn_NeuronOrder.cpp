#include "Sdnn_NeuronOrder.hpp"

#include "Sdnn_HostCscStorage.hpp"
#include "Sdnn_LayerGroups.hpp"

#include <algorithm>

namespace sdnn::impl
{

std::vector<std::int32_t> chained_row_slots(HostCsc const &w)
{
  std::int64_t const n = w.num_rows();
  auto const col_ptr = w.col_ptr().data();
  auto const row_idx = w.row_idx().data();
  std::vector<std::int64_t> group_begin;
  auto const columns = columns_grouped_by_pattern(w, group_begin);
  auto const groups = static_cast<std::int64_t>(group_begin.size()) - 1;
  // The rows of group g: those of its first column.
  auto rows_begin = [&](std::int64_t g) { return row_idx + col_ptr[columns[group_begin[g]]]; };
  auto rows_end = [&](std::int64_t g) { return row_idx + col_ptr[columns[group_begin[g]] + 1]; };

  // The groups of every row (CSR by row).
  std::vector<std::int64_t> row_ptr(n + 1, 0);
  for (std::int64_t g = 0; g < groups; ++g)
    for (auto r = rows_begin(g); r != rows_end(g); ++r)
      ++row_ptr[*r + 1];
  for (std::int64_t i = 0; i < n; ++i)
    row_ptr[i + 1] += row_ptr[i];
  std::vector<std::int32_t> row_groups(row_ptr[n]);
  {
    std::vector<std::int64_t> fill(row_ptr.begin(), row_ptr.end() - 1);
    for (std::int64_t g = 0; g < groups; ++g)
      for (auto r = rows_begin(g); r != rows_end(g); ++r)
        row_groups[fill[*r]++] = static_cast<std::int32_t>(g);
  }

  std::vector<std::int32_t> slot(n, -1);
  std::vector<std::int64_t> next_of(n, -1); // the group a row was last seen in as the chain's next group
  std::vector<char> visited(groups, 0);
  std::int32_t next_slot = 0;
  for (std::int64_t start = 0; start < groups; ++start)
  {
    for (std::int64_t g = start; g >= 0 && !visited[g];)
    {
      visited[g] = 1;
      // The chain goes on to an unvisited group sharing one of the rows g places now.
      std::int64_t next = -1;
      for (auto r = rows_begin(g); r != rows_end(g) && next < 0; ++r)
        if (slot[*r] < 0)
          for (auto k = row_ptr[*r]; k < row_ptr[*r + 1]; ++k)
            if (!visited[row_groups[k]])
            {
              next = row_groups[k];
              break;
            }
      if (next >= 0)
        for (auto r = rows_begin(next); r != rows_end(next); ++r)
          next_of[*r] = next;
      // g's new rows: those the next group does not hold, then those it does.
      for (auto r = rows_begin(g); r != rows_end(g); ++r)
        if (slot[*r] < 0 && (next < 0 || next_of[*r] != next))
          slot[*r] = next_slot++;
      for (auto r = rows_begin(g); r != rows_end(g); ++r)
        if (slot[*r] < 0)
          slot[*r] = next_slot++;
      g = next;
    }
  }
  for (auto &s : slot)
    if (s < 0)
      s = next_slot++;
  return slot;
}

HostCsc relabel_neurons(HostCsc const &w, std::vector<std::int32_t> const &row_slot,
                        std::vector<std::int32_t> const &col_slot)
{
  auto const [col_ptr, row_idx, values] = allocate_host_csc(w.num_cols(), w.nnz());
  HostCsc const out(w.num_rows(), w.num_cols(), col_ptr, row_idx, values);
  relabel_neurons(w, row_slot, col_slot, out);
  return out;
}

void relabel_neurons(HostCsc const &w, std::vector<std::int32_t> const &row_slot,
                     std::vector<std::int32_t> const &col_slot, HostCsc const &out)
{
  std::int64_t const rows = w.num_rows(), cols = w.num_cols();
  SDNN_REQUIRE((row_slot.empty() || static_cast<std::int64_t>(row_slot.size()) == rows) &&
                   (col_slot.empty() || static_cast<std::int64_t>(col_slot.size()) == cols),
               "slots of " << row_slot.size() << " rows and " << col_slot.size() << " columns for a " << rows << " x "
                           << cols << " matrix");
  SDNN_REQUIRE(out.num_rows() == rows && out.num_cols() == cols && out.nnz() == w.nnz(),
               "a " << out.num_rows() << " x " << out.num_cols() << " matrix of " << out.nnz() << " entries for a "
                    << rows << " x " << cols << " of " << w.nnz());
  std::vector<std::int32_t> column_at(cols); // the given column stored at each slot
  for (std::int64_t j = 0; j < cols; ++j)
    column_at[col_slot.empty() ? j : col_slot[j]] = static_cast<std::int32_t>(j);
  // Raw pointers: no View is copied, so this may run inside a parallel region.
  auto const col_ptr = w.col_ptr().data();
  auto const row_idx = w.row_idx().data();
  auto const values = w.values().data();
  auto const out_ptr = out.col_ptr().data();
  auto const out_rows = out.row_idx().data();
  auto const out_values = out.values().data();
  out_ptr[0] = 0;
  for (std::int64_t s = 0; s < cols; ++s)
  {
    auto const j = column_at[s];
    auto const first = col_ptr[j], length = col_ptr[j + 1] - first;
    auto const to = out_ptr[s];
    for (std::int64_t k = 0; k < length; ++k)
    {
      out_rows[to + k] = row_slot.empty() ? row_idx[first + k] : row_slot[row_idx[first + k]];
      out_values[to + k] = values[first + k];
    }
    out_ptr[s + 1] = to + length;
  }
}

} // namespace sdnn::impl
