#ifndef SDNN_TILE_HPP
#define SDNN_TILE_HPP

// One row tile of the activations and the kernels of one layer step on it. Private to the library.
//
// A tile holds its live rows only (rows renumbered 0..rows-1, original ids in `orig`), in one of two
// storages inside ping-pong buffers sized once per workspace:
//  - sparse: CSC with per-column extents [begin(j), end(j)) into `idx`/`vals`, rows ascending;
//  - dense: panels of `panel_rows` rows, panel p stored as [N][panel_rows] (column j of the panel is
//    panel_rows contiguous floats), so the column update Z(:,j) += w·Y(:,i) is a contiguous vector op.
// Every kernel works on a column range [j0, j1) and writes per-row nonzero counts into the slot of its
// chunk, so a layer can be split by columns among threads (model, data-then-model) and the counts then
// merged by finalize(), which also removes dead rows.

#include <Sdnn_CscMatrix.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Rows per dense panel: the length of the vectorised column update (a few SIMD registers). 16 measured best
/// on the challenge networks (32 makes the panel's working set spill out of L1 for RadiX-Net's access pattern).
inline constexpr int panel_rows = 16;

/// Columns of a layer that share their row pattern, updated together by the dense kernel.
struct ColumnBlock
{
  int width;                ///< columns in the block
  std::int32_t const *cols; ///< the block's columns cols[0, width), or null: columns first_col + [0, width)
  std::int64_t first_col;   ///< see cols
  std::int32_t const *rows; ///< their common rows, ascending, rows[0, length)
  std::int64_t length;      ///< entries per column
  float const *values;      ///< W(rows[k], cols[c]) = values[k·stride + c]
  std::int64_t stride;      ///< see values
};

/// A block of a grouped layer as LayerGroups lays them out once, in the order the dense kernel runs them: the
/// columns at positions [position, position + width) share the row list row_idx[rows, rows + length), and
/// W(row_idx[rows + k], order[position + c]) = packed[values + k·stride + c].
struct BlockRecord
{
  std::int32_t position;
  std::int32_t width;
  std::int32_t length;
  std::int32_t stride;
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

  /// The part of block `b` inside positions [j0, j1).
  ColumnBlock block_part(std::int64_t b, std::int64_t j0, std::int64_t j1) const
  {
    BlockRecord const &r = blocks[b];
    std::int64_t const first = r.position > j0 ? r.position : j0;
    std::int64_t const last = r.position + r.width < j1 ? r.position + r.width : j1;
    return {static_cast<int>(last - first), order + first, 0, row_idx + r.rows, r.length,
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

/// A layer's columns grouped by identical row pattern (RadiX-Net layers, those of the challenge among them,
/// have groups of 16 or 32 columns) with the values repacked group by group, so that the dense kernel loads
/// each Y row once for a whole block of columns, and lays out the blocks the dense kernel runs (BlockRecord). Holds
/// 8 bytes per column + nnz floats + 32 bytes per block; owns what pointers() points to.
class LayerGroups
{
public:
  LayerGroups() = default;
  /// Groups `w` (CSC, columns sorted). Layers without any group of two or more columns are left ungrouped.
  explicit LayerGroups(HostCsc const &w);
  /// Pointers into `w` and into this grouping (valid while both live).
  LayerPointers pointers(HostCsc const &w) const;
  /// Number of groups (N when ungrouped).
  std::int64_t num_groups() const { return m_num_groups; }
  /// Bytes held.
  std::int64_t bytes() const;

private:
  std::int64_t m_num_groups = 0;
  std::vector<std::int32_t> m_order, m_block_at;
  std::vector<float> m_packed;
  std::vector<BlockRecord> m_blocks;
};

/// Fused bias + ReLU + clamp, applied only where z != 0 (the challenge's semantics).
inline float activate(float z, float bias, float ymax)
{
  float t = z + bias;
  t = t < 0.0f ? 0.0f : t;
  t = t > ymax ? ymax : t;
  return z != 0.0f ? t : 0.0f;
}

/// Final rows of a tile, in original numbering, for the result.
struct TileOutput
{
  std::vector<std::int32_t> categories; ///< original ids of the surviving rows
  std::vector<std::int32_t> rows;       ///< activations (original row, column, value), column ascending per row
  std::vector<std::int32_t> cols;
  std::vector<float> values;
};

/// Per-layer counters shared by all tiles (added atomically).
struct LayerCounters
{
  std::int64_t *active_rows; ///< [L]
  std::int64_t *nnz;         ///< [L]
};

/// A workspace: the buffers of one tile in flight, sized once for `max_rows` rows and `max_group` chunks.
class TileWorkspace
{
public:
  TileWorkspace() = default;
  /// \param sparse_capacity entries a sparse Y may hold (0: dense only; at most max_rows × n)
  TileWorkspace(std::int64_t n, std::int64_t max_rows, int max_group, std::int64_t sparse_capacity);

  std::int64_t bytes() const;

  // ---- tile life cycle (one thread) ----
  /// Loads the rows `order[first, last)` of the inputs (CSR) into the tile, dropping empty rows.
  /// The tile starts dense when `dense_above` is exceeded by its density or it does not fit the sparse capacity.
  void start(std::int64_t const *row_ptr, std::int32_t const *col_idx, float const *values, std::int32_t const *order,
             std::int64_t first, std::int64_t last, double dense_above);
  /// Copies the surviving rows (and their activations if asked) out.
  void finish(TileOutput &out, bool keep_activations) const;

  // ---- one layer step ----
  /// Prepares chunk `c` (resets its row counts and markers). Call before the chunk's kernels.
  void begin_chunk(int c);
  /// Dense panels: Z(:, j0..j1) = activate(Y·W(:, j0..j1)) into the other buffer. Returns the multiply-adds
  /// done on the live rows (rows × nnz of the columns; the padding lanes of the last panel not counted).
  std::int64_t dense_columns(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias,
                             float ymax);
  /// Sparse step 1: number of rows of Z(:, j) before activation, for j in [j0, j1).
  void sparse_symbolic(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c);
  /// Between the two steps (one thread): output offsets, and dense output when Z would be too dense.
  void sparse_plan(double dense_above);
  /// Sparse step 2: values of Z(:, j0..j1), into CSC or dense panels as planned.
  void sparse_numeric(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias, float ymax);
  /// After all chunks (one thread): merges row counts, swaps buffers, removes dead rows, converts the storage
  /// when the density crossed a threshold, adds the layer's figures to `counters[layer]`.
  void finalize(int group, int layer, LayerCounters const &counters, double sparse_below);
  /// Converts a sparse tile to dense panels (before a column split among several threads).
  void make_dense();

  bool dense() const { return m_dense; }
  std::int64_t rows() const { return m_rows; }
  std::int64_t nnz() const { return m_nnz; }

private:
  float *buffer(int k) const { return m_buf[k].data(); }
  std::int32_t *sparse_idx(int k) const { return m_idx[k].data(); }
  float *sparse_vals(int k) const { return m_buf[k].data(); }
  std::int64_t panels(std::int64_t rows) const { return (rows + panel_rows - 1) / panel_rows; }
  void dense_to_sparse(int from, int to);
  void sparse_to_dense(int from, int to);
  void remove_dead_rows(std::int64_t live);

  std::int64_t m_n = 0;
  std::int64_t m_max_rows = 0;
  /// Stride of a chunk's slot in the per-chunk arrays: m_max_rows rounded up to whole panels, so that the dense
  /// kernel adds the counts of every lane, padding lanes included, straight into m_row_nnz.
  std::int64_t m_chunk_rows = 0;
  int m_max_group = 1;
  std::int64_t m_capacity = 0; ///< sparse capacity in entries (values in the buffer, row indices in m_idx)

  Kokkos::View<float *, Kokkos::HostSpace> m_buf[2];                    // dense panels or sparse values
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_idx[2];             // sparse row indices
  Kokkos::View<std::int64_t *, Kokkos::HostSpace> m_begin[2], m_end[2]; // sparse column extents
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_orig;               // original ids of live rows
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_row_nnz;            // [group][chunk_rows]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_marker;             // [group][chunk_rows]
  Kokkos::View<float *, Kokkos::HostSpace> m_acc;                       // [group][chunk_rows]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_touched;            // [group][chunk_rows]
  Kokkos::View<std::int64_t *, Kokkos::HostSpace> m_col_count;          // [N]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_new_id;             // [max_rows]

  int m_cur = 0;        // buffer holding Y
  bool m_dense = false; // storage of Y
  bool m_out_dense = false;
  std::int64_t m_rows = 0;
  std::int64_t m_nnz = 0;
};

} // namespace sdnn::impl

#endif
