#ifndef SDNN_TILEWORKSPACE_HPP
#define SDNN_TILEWORKSPACE_HPP

// One row tile of the activations and the layer steps on it. Private to the library.
//
// A tile holds its live rows (rows renumbered 0..rows-1, original ids in `orig`), in one of two storages inside
// ping-pong buffers sized once per workspace. Rows that die are removed, except from dense panels when removing
// them would free no panel: they then stay in place as zero rows (orig -1), which every step carries along
// without counting them, until a removal frees a panel or the tile ends.
// The storages:
//  - sparse: CSC with per-column extents [begin(j), end(j)) into `idx`/`vals`, rows ascending;
//  - dense: panels of `panel_rows` rows, panel p stored as [N][panel_rows] (column j of the panel is
//    panel_rows contiguous floats), so the column update Z(:,j) += w·Y(:,i) is a contiguous vector op.
// Every kernel works on a column range [j0, j1) and writes per-row nonzero counts into the slot of its
// chunk, so a layer can be split by columns among threads (model, data-then-model) and the counts then
// merged by finalize(), which also removes dead rows. The multiply-adds happen in the kernels of the active
// instruction set (Sdnn_KernelSet.hpp); the storage conversions and the symbolic step here.

#include <Sdnn_CscMatrix.hpp>

#include "Sdnn_KernelSet.hpp"
#include "Sdnn_LayerGroups.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Final rows of a tile, for the result: the surviving rows (as rows of the inference's input) and, when kept,
/// their activations row by row (CSR in the order of `categories`, columns ascending).
struct TileOutput
{
  std::vector<std::int32_t> categories; ///< input row of each surviving row
  std::vector<std::int64_t> row_ptr;    ///< surviving row k: entries [row_ptr[k], row_ptr[k+1]) (empty if not kept)
  std::vector<std::int32_t> cols;       ///< column of each entry
  std::vector<float> values;            ///< value of each entry
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
  /// \param kernels the kernels of the layer steps (layers must be grouped for their block width)
  TileWorkspace(std::int64_t n, std::int64_t max_rows, int max_group, std::int64_t sparse_capacity,
                KernelSet const &kernels = active_kernel_set());

  std::int64_t bytes() const;
  /// At most bytes() of a workspace for tiles of `max_rows` rows of N = `n` split among `max_group` chunks, whatever
  /// its sparse capacity.
  static std::int64_t bytes_bound(std::int64_t n, std::int64_t max_rows, int max_group);

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
  /// done on the live rows (live rows × nnz of the columns; dead rows left in place and padding lanes not counted).
  std::int64_t dense_columns(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias, float ymax);
  /// Sparse step 1: number of rows of Z(:, j) before activation, for j in [j0, j1).
  void sparse_symbolic(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c);
  /// Between the two steps (one thread): output offsets, and dense output when Z would be too dense.
  void sparse_plan(double dense_above);
  /// Sparse step 2: values of Z(:, j0..j1), into CSC or dense panels as planned.
  void sparse_numeric(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias, float ymax);
  /// After all chunks (one thread): merges row counts, swaps buffers, removes dead rows, converts the storage
  /// when the density crossed a threshold, adds the layer's figures to `counters[layer]`. The same as
  /// merge_chunks, compact_columns over all columns and end_step, which a team runs with barriers between them.
  void finalize(int group, int layer, LayerCounters const &counters, double sparse_below);
  /// finalize, step 1 (one thread): merges the row counts of the `group` chunks and swaps buffers; true when rows
  /// died and are removed, which compact_columns then does (dead rows of dense panels stay in place, as zero
  /// rows, when removing them would free no panel: a removal is a pass over the whole tile).
  bool merge_chunks(int group);
  /// finalize, step 2 (disjoint column ranges on any threads): moves the surviving rows of columns [j0, j1) to
  /// their new places after merge_chunks found dead rows.
  void compact_columns(std::int64_t j0, std::int64_t j1);
  /// finalize, step 3 (one thread): renumbers the rows, converts the storage when the density crossed a
  /// threshold, adds the layer's figures to `counters[layer]`.
  void end_step(int layer, LayerCounters const &counters, double sparse_below);
  /// Converts a sparse tile to dense panels (before a column split among several threads).
  void make_dense();

  bool dense() const { return m_dense; }
  /// Live rows (those with a nonzero).
  std::int64_t rows() const { return m_alive; }
  std::int64_t nnz() const { return m_nnz; }

private:
  float *buffer(int k) const { return m_buf[k].data(); }
  std::int32_t *sparse_idx(int k) const { return m_idx[k].data(); }
  float *sparse_vals(int k) const { return m_buf[k].data(); }
  std::int64_t panels(std::int64_t rows) const { return (rows + panel_rows - 1) / panel_rows; }
  void dense_to_sparse(int from, int to);
  void sparse_to_dense(int from, int to);

  KernelSet const *m_kernels = nullptr;
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
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_orig;      // original ids of the rows (-1: dead, left in place)
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_row_nnz;   // [group][chunk_rows]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_marker;    // [group][chunk_rows]
  Kokkos::View<float *, Kokkos::HostSpace> m_acc;              // [group][chunk_rows]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_touched;   // [group][chunk_rows]
  Kokkos::View<std::int64_t *, Kokkos::HostSpace> m_col_count; // [N]
  Kokkos::View<std::int32_t *, Kokkos::HostSpace> m_new_id;    // [max_rows]

  int m_cur = 0;        // buffer holding Y
  bool m_dense = false; // storage of Y
  bool m_out_dense = false;
  std::int64_t m_rows = 0;  // rows in the storage, dead ones left in place included
  std::int64_t m_alive = 0; // rows with a nonzero among them
  std::int64_t m_nnz = 0;
  std::int64_t m_live = 0;      // rows in the storage after the step being finalized
  std::int64_t m_out_alive = 0; // rows with a nonzero after it
  std::int64_t m_out_nnz = 0;   // their nonzeros
};

} // namespace sdnn::impl

#endif
