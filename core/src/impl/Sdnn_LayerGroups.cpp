#include "Sdnn_LayerGroups.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sdnn::impl
{

std::vector<std::int32_t> columns_grouped_by_pattern(HostCsc const &w, std::vector<std::int64_t> &group_begin)
{
  std::int64_t const n = w.num_cols();
  auto const col_ptr = w.col_ptr().data();
  auto const row_idx = w.row_idx().data();
  // Columns sorted by (smallest row, pattern hash, pattern, column): equal patterns become adjacent runs.
  std::vector<std::uint64_t> hash(n);
  std::vector<std::int32_t> lowest(n);
  for (std::int64_t j = 0; j < n; ++j)
  {
    std::uint64_t h = 0xcbf29ce484222325ull ^ static_cast<std::uint64_t>(col_ptr[j + 1] - col_ptr[j]);
    std::int32_t low = std::numeric_limits<std::int32_t>::max();
    for (auto k = col_ptr[j]; k < col_ptr[j + 1]; ++k)
    {
      h = (h ^ static_cast<std::uint32_t>(row_idx[k])) * 0x100000001b3ull;
      low = std::min(low, row_idx[k]);
    }
    hash[j] = h;
    lowest[j] = low;
  }
  auto same_pattern = [&](std::int32_t a, std::int32_t b)
  {
    return col_ptr[a + 1] - col_ptr[a] == col_ptr[b + 1] - col_ptr[b] &&
           std::equal(row_idx + col_ptr[a], row_idx + col_ptr[a + 1], row_idx + col_ptr[b]);
  };
  std::vector<std::int32_t> order(n);
  for (std::int64_t j = 0; j < n; ++j)
    order[j] = static_cast<std::int32_t>(j);
  // Sorted by (smallest row, hash, column) first, the patterns compared once per column afterwards: comparing
  // them inside the sort (where every pair of a group's columns ties on the hash) was a fifth of the loading.
  auto const same_key = [&](std::int32_t a, std::int32_t b) { return lowest[a] == lowest[b] && hash[a] == hash[b]; };
  std::sort(order.begin(), order.end(),
            [&](std::int32_t a, std::int32_t b)
            {
              if (lowest[a] != lowest[b])
                return lowest[a] < lowest[b];
              if (hash[a] != hash[b])
                return hash[a] < hash[b];
              return a < b;
            });
  group_begin.clear();
  for (std::int64_t p = 0; p < n;)
  {
    std::int64_t e = p + 1;
    bool one_pattern = true;
    for (; e < n && same_key(order[p], order[e]); ++e)
      one_pattern = one_pattern && same_pattern(order[p], order[e]);
    if (!one_pattern) // colliding hashes: the run's columns by (pattern, column)
      std::sort(order.begin() + p, order.begin() + e,
                [&](std::int32_t a, std::int32_t b)
                {
                  if (!same_pattern(a, b))
                    return std::lexicographical_compare(row_idx + col_ptr[a], row_idx + col_ptr[a + 1],
                                                        row_idx + col_ptr[b], row_idx + col_ptr[b + 1]);
                  return a < b;
                });
    for (std::int64_t q = p; q < e; ++q)
      if (q == p || (!one_pattern && !same_pattern(order[q - 1], order[q])))
        group_begin.push_back(q);
    p = e;
  }
  group_begin.push_back(n);
  return order;
}

LayerGroups::LayerGroups(HostCsc const &w, int block_columns) : m_block_columns(block_columns)
{
  SDNN_REQUIRE(block_columns >= 1, "blocks of " << block_columns << " columns");
  std::int64_t const n = w.num_cols();
  auto const col_ptr = w.col_ptr().data();
  auto const values = w.values().data();
  std::vector<std::int64_t> group_begin;
  m_order = columns_grouped_by_pattern(w, group_begin);
  m_num_groups = static_cast<std::int64_t>(group_begin.size()) - 1;
  std::vector<std::int32_t> group_end(n); // one past the last position of p's group
  std::int64_t widest = 0;
  for (std::int64_t g = 0; g < m_num_groups; ++g)
  {
    std::fill(group_end.begin() + group_begin[g], group_end.begin() + group_begin[g + 1],
              static_cast<std::int32_t>(group_begin[g + 1]));
    widest = std::max(widest, group_begin[g + 1] - group_begin[g]);
  }
  if (widest < 2)
  {
    *this = LayerGroups();
    m_num_groups = n;
    return;
  }
  // Values group by group, [k][column of the group], and the blocks of at most block_columns columns the dense
  // kernel runs, group by group.
  // A group whose weights are all the same (bit for bit: the challenge's networks hold 1/16 everywhere) keeps one
  // row of them, read with stride 0: the kernels do the same multiply-adds without streaming its copies.
  m_packed.reserve(w.nnz());
  m_block_at.resize(n);
  for (std::int64_t p = 0; p < n;)
  {
    std::int64_t const e = group_end[p], width = e - p;
    auto const first = col_ptr[m_order[p]];
    std::int32_t const len = static_cast<std::int32_t>(col_ptr[m_order[p] + 1] - first);
    // Bit for bit (-0.0 is not 0.0), compared as integers: a memcmp call per weight cost a tenth of the loading.
    auto const bits = [](float x)
    {
      std::uint32_t b;
      std::memcpy(&b, &x, sizeof b);
      return b;
    };
    bool uniform = true;
    std::uint32_t const first_bits = len > 0 ? bits(values[first]) : 0;
    for (std::int64_t q = p; q < e && uniform; ++q)
    {
      float const *column = values + col_ptr[m_order[q]];
      for (std::int64_t k = 0; k < len && uniform; ++k)
        uniform = bits(column[k]) == first_bits;
    }
    auto const offset = static_cast<std::int64_t>(m_packed.size());
    if (uniform)
      m_packed.insert(m_packed.end(), width, len > 0 ? values[first] : 0.0f);
    else
    {
      m_packed.resize(offset + width * len);
      for (std::int64_t q = p; q < e; ++q)
        for (std::int64_t k = 0; k < len; ++k)
          m_packed[offset + k * width + (q - p)] = values[col_ptr[m_order[q]] + k];
    }
    for (std::int64_t b = p; b < e; b += block_columns)
    {
      auto const bw = static_cast<std::int32_t>(std::min<std::int64_t>(block_columns, e - b));
      std::fill_n(m_block_at.begin() + b, bw, static_cast<std::int32_t>(m_blocks.size()));
      m_blocks.push_back({static_cast<std::int32_t>(b), bw, len, uniform ? 0 : static_cast<std::int32_t>(width), first,
                          offset + (b - p)});
    }
    p = e;
  }
  m_block_entries.assign(1, 0);
  for (auto const &b : m_blocks)
    m_block_entries.push_back(m_block_entries.back() + std::int64_t(b.width) * b.length);
}

LayerPointers LayerGroups::pointers(HostCsc const &w) const
{
  LayerPointers out{w.col_ptr().data(), w.row_idx().data(), w.values().data()};
  if (!m_packed.empty())
  {
    out.order = m_order.data();
    out.packed = m_packed.data();
    out.blocks = m_blocks.data();
    out.block_at = m_block_at.data();
    out.num_blocks = static_cast<std::int64_t>(m_blocks.size());
    out.block_entries = m_block_entries.data();
    out.block_columns = m_block_columns;
  }
  return out;
}

std::int64_t LayerGroups::bytes() const
{
  return static_cast<std::int64_t>((m_order.size() + m_block_at.size() + m_packed.size()) * 4 +
                                   m_block_entries.size() * 8 + m_blocks.size() * sizeof(BlockRecord));
}

namespace
{
/// Index k in [0, size) of the first prefix[k] >= c/g of prefix[size - 1] - prefix[0]; 0 for c = 0, size - 1 for
/// c = g.
std::int64_t balanced_index(std::int64_t const *prefix, std::int64_t size, int c, int g)
{
  if (c <= 0)
    return 0;
  if (c >= g)
    return size - 1;
  std::int64_t const target = prefix[0] + (prefix[size - 1] - prefix[0]) * c / g;
  return std::lower_bound(prefix, prefix + size, target) - prefix;
}
} // namespace

std::int64_t LayerPointers::balanced_column(std::int64_t n, int c, int g) const
{
  return balanced_index(col_ptr, n + 1, c, g);
}

std::int64_t LayerPointers::balanced_position(std::int64_t n, int c, int g) const
{
  if (!order)
    return balanced_column(n, c, g);
  std::int64_t const b = balanced_index(block_entries, num_blocks + 1, c, g);
  return b < num_blocks ? blocks[b].position : n;
}

} // namespace sdnn::impl
