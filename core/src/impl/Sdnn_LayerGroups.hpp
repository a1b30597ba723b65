#ifndef SDNN_LAYERGROUPS_HPP
#define SDNN_LAYERGROUPS_HPP

// A layer's columns grouped by row pattern and the raw pointers the kernels read it through. Private to the
// library.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Columns of a layer that share their row pattern, updated together by the dense kernel.
struct ColumnBlock
{
  int width;                ///< columns in the block
  std::int32_t const *cols; ///< the block's columns cols[0, width), or null: columns first_col + [0, width)
  std::int64_t first_col;   ///< see cols
  std::int32_t const *rows; ///< their common rows, in the layer's entry order, rows[0, length)
  std::int64_t length;      ///< entries per column
  float const *values;      ///< W(rows[k], cols[c]) = values[k·stride + c]
  std::int64_t stride;      ///< see values (0: every weight of the block is values[c], the same for all c)
};

/// A block of a grouped layer as LayerGroups lays them out once, in the order the dense kernel runs them: the
/// columns at positions [position, position + width) share the row list row_idx[rows, rows + length), and
/// W(row_idx[rows + k], order[position + c]) = packed[values + k·stride + c].
struct BlockRecord
{
  std::int32_t position;
  std::int32_t width;
  std::int32_t length;
  std::int32_t stride; ///< the group's width, or 0 when all its weights are the same (one row of them stored)
  std::int64_t rows;
  std::int64_t values;
};

/// Raw pointers to one layer W (CSC, N × N), and optionally its columns grouped by row pattern.
///
/// The dense kernel walks the columns in "positions": position p is column `order[p]` when the layer was
/// grouped (LayerGroups), else column p. A layer step covers every position once, in any split of [0, N)
/// into ranges; the sparse kernels use columns directly.
struct LayerPointers
{
  std::int64_t const *col_ptr;
  std::int32_t const *row_idx;
  float const *values;
  // Grouping (all null: no grouping; every column is its own group).
  std::int32_t const *order = nullptr;    ///< [N] column at each position; a group's columns adjacent, ascending
  float const *packed = nullptr;          ///< the grouped layer's values, group by group, [k][column]
  BlockRecord const *blocks = nullptr;    ///< the grouped layer's blocks, in position order
  std::int32_t const *block_at = nullptr; ///< [N] index of the block holding position p
  std::int64_t num_blocks = 0;
  std::int64_t const *block_entries = nullptr; ///< [num_blocks + 1] entries of W in the blocks before block b
  int block_columns = 1;                       ///< widest block (the block width the layer was grouped for)

  /// First position of chunk c when the positions [0, n) are cut into g chunks holding about the same number of
  /// entries of W (the multiply-adds of a dense step are rows × entries), at block boundaries; chunk g starts at n.
  std::int64_t balanced_position(std::int64_t n, int c, int g) const;
  /// First column of chunk c when the columns [0, n) are cut into g chunks holding about the same number of
  /// entries of W (the work of the sparse kernels, which walk columns); chunk g starts at n.
  std::int64_t balanced_column(std::int64_t n, int c, int g) const;

  /// The part of block `b` inside positions [j0, j1).
  ColumnBlock block_part(std::int64_t b, std::int64_t j0, std::int64_t j1) const
  {
    BlockRecord const &r = blocks[b];
    std::int64_t const first = r.position > j0 ? r.position : j0;
    std::int64_t const last = r.position + r.width < j1 ? r.position + r.width : j1;
    return {static_cast<int>(last - first),           order + first, 0, row_idx + r.rows, r.length,
            packed + r.values + (first - r.position), r.stride};
  }

  /// The block of at most `max_width` columns starting at position `pos` and ending before `end`: one column when
  /// the layer is ungrouped, else inside the kernel's block (BlockRecord) holding `pos`.
  ColumnBlock block(std::int64_t pos, std::int64_t end, int max_width) const
  {
    std::int64_t const last = end < pos + max_width ? end : pos + max_width;
    if (order)
      return block_part(block_at[pos], pos, last);
    auto const first = col_ptr[pos];
    return {1, nullptr, pos, row_idx + first, col_ptr[pos + 1] - first, values + first, 1};
  }

  /// Column of the block's c-th column.
  static std::int64_t column(ColumnBlock const &b, int c) { return b.cols ? b.cols[c] : b.first_col + c; }
};

/// The columns of `w` in an order where the columns of each row pattern are adjacent (ascending), the patterns by
/// their smallest row (then by a hash of the pattern: the order the dense kernel walks them, which keeps the Y rows
/// it loads near the last ones when the neurons are clustered). `group_begin` receives the first position of every
/// group, then N.
std::vector<std::int32_t> columns_grouped_by_pattern(HostCsc const &w, std::vector<std::int64_t> &group_begin);

/// A layer's columns grouped by identical row pattern (RadiX-Net layers, those of the challenge among them,
/// have groups of 16 or 32 columns) with the values repacked group by group, so that the dense kernel loads
/// each Y row once for a whole block of columns, and lays out the blocks the dense kernel runs (BlockRecord). Holds
/// 8 bytes per column + nnz floats (a group of one weight: one per column) + 32 bytes per block; owns what
/// pointers() points to.
class LayerGroups
{
public:
  LayerGroups() = default;
  /// Groups `w` (CSC; the rows of a column in any order, the same order in columns of one pattern) in blocks of at most
  /// `block_columns` columns (the width of the dense kernel that will run them: KernelSet::block_columns). Layers
  /// without any group of two or more columns are left ungrouped.
  LayerGroups(HostCsc const &w, int block_columns);
  /// Pointers into `w` and into this grouping (valid while both live).
  LayerPointers pointers(HostCsc const &w) const;
  /// Number of groups (N when ungrouped).
  std::int64_t num_groups() const { return m_num_groups; }
  /// Bytes held.
  std::int64_t bytes() const;

private:
  std::int64_t m_num_groups = 0;
  int m_block_columns = 1;
  std::vector<std::int32_t> m_order, m_block_at;
  std::vector<std::int64_t> m_block_entries;
  std::vector<float> m_packed;
  std::vector<BlockRecord> m_blocks;
};

} // namespace sdnn::impl

#endif
