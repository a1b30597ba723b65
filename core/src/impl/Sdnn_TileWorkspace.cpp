#include "Sdnn_TileWorkspace.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace sdnn::impl
{

namespace
{
template <class T> Kokkos::View<T *, Kokkos::HostSpace> workspace_view(char const *label, std::int64_t size)
{
  return Kokkos::View<T *, Kokkos::HostSpace>(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)),
                                              size);
}
} // namespace

TileWorkspace::TileWorkspace(std::int64_t n, std::int64_t max_rows, int max_group, std::int64_t sparse_capacity,
                             KernelSet const &kernels)
    : m_kernels(&kernels), m_n(n), m_max_rows(std::max<std::int64_t>(max_rows, 1)), m_max_group(std::max(max_group, 1)),
      m_capacity(sparse_capacity)
{
  SDNN_REQUIRE(n > 0, "a tile needs at least one neuron");
  SDNN_REQUIRE(sparse_capacity >= 0 && sparse_capacity <= m_max_rows * n,
               "sparse capacity " << sparse_capacity << " exceeds " << m_max_rows << " x " << n);
  m_chunk_rows = panels(m_max_rows) * panel_rows;
  std::int64_t const floats = m_chunk_rows * n;
  std::int64_t const slots = m_max_group * m_chunk_rows;
  for (int k = 0; k < 2; ++k)
  {
    m_buf[k] = workspace_view<float>("Sdnn::tile::buffer", floats);
    m_idx[k] = workspace_view<std::int32_t>("Sdnn::tile::row_idx", m_capacity);
    m_begin[k] = workspace_view<std::int64_t>("Sdnn::tile::col_begin", n);
    m_end[k] = workspace_view<std::int64_t>("Sdnn::tile::col_end", n);
  }
  m_orig = workspace_view<std::int32_t>("Sdnn::tile::orig", m_max_rows);
  m_row_nnz = workspace_view<std::int32_t>("Sdnn::tile::row_nnz", slots);
  m_marker = workspace_view<std::int32_t>("Sdnn::tile::marker", m_capacity > 0 ? slots : 0);
  m_acc = workspace_view<float>("Sdnn::tile::acc", m_capacity > 0 ? slots : 0);
  m_touched = workspace_view<std::int32_t>("Sdnn::tile::touched", m_capacity > 0 ? slots : 0);
  m_col_count = workspace_view<std::int64_t>("Sdnn::tile::col_count", n);
  m_new_id = workspace_view<std::int32_t>("Sdnn::tile::new_id", m_max_rows);
}

std::int64_t TileWorkspace::bytes() const
{
  std::int64_t total = 0;
  for (int k = 0; k < 2; ++k)
    total += m_buf[k].span() * 4 + m_idx[k].span() * 4 + m_begin[k].span() * 8 + m_end[k].span() * 8;
  total += (m_orig.span() + m_row_nnz.span() + m_marker.span() + m_acc.span() + m_touched.span() + m_new_id.span()) * 4;
  return total + m_col_count.span() * 8;
}

std::int64_t TileWorkspace::bytes_bound(std::int64_t n, std::int64_t max_rows, int max_group)
{
  std::int64_t const chunk_rows = (std::max<std::int64_t>(max_rows, 1) + panel_rows - 1) / panel_rows * panel_rows;
  // Two buffers of floats and two of row indices (the sparse capacity is at most the dense size), four column
  // extents and the column counts, the per-chunk arrays and the per-row ones.
  return 16 * chunk_rows * n + 40 * n + 16 * std::int64_t(std::max(max_group, 1)) * chunk_rows + 8 * chunk_rows;
}

void TileWorkspace::start(std::int64_t const *row_ptr, std::int32_t const *col_idx, float const *values,
                          std::int32_t const *order, std::int64_t first, std::int64_t last, double dense_above)
{
  SDNN_REQUIRE(last - first <= m_max_rows, "tile of " << last - first << " rows exceeds the workspace");
  m_cur = 0;
  m_rows = 0;
  m_nnz = 0;
  for (std::int64_t pos = first; pos < last; ++pos)
  {
    std::int32_t const r = order[pos];
    if (row_ptr[r + 1] > row_ptr[r])
    {
      m_orig(m_rows++) = r;
      m_nnz += row_ptr[r + 1] - row_ptr[r];
    }
  }
  m_alive = m_rows;
  m_dense = m_capacity == 0 || m_nnz > m_capacity ||
            static_cast<double>(m_nnz) > dense_above * static_cast<double>(m_rows) * static_cast<double>(m_n);
  if (m_dense)
  {
    constexpr int B = panel_rows;
    float *z = buffer(0);
    std::fill(z, z + panels(m_rows) * B * m_n, 0.0f);
    for (std::int64_t q = 0; q < m_rows; ++q)
    {
      std::int32_t const r = m_orig(q);
      float *zq = z + (q / B) * m_n * B + q % B;
      for (auto e = row_ptr[r]; e < row_ptr[r + 1]; ++e)
        zq[std::int64_t(col_idx[e]) * B] = values[e];
    }
    return;
  }
  // CSC of the live rows: count per column, offsets, then fill in ascending row order.
  std::int64_t *begin = m_begin[0].data(), *end = m_end[0].data();
  std::fill(m_col_count.data(), m_col_count.data() + m_n, 0);
  for (std::int64_t q = 0; q < m_rows; ++q)
    for (auto e = row_ptr[m_orig(q)]; e < row_ptr[m_orig(q) + 1]; ++e)
      ++m_col_count(col_idx[e]);
  std::int64_t offset = 0;
  for (std::int64_t j = 0; j < m_n; ++j)
  {
    begin[j] = end[j] = offset;
    offset += m_col_count(j);
  }
  std::int32_t *idx = sparse_idx(0);
  float *vals = sparse_vals(0);
  for (std::int64_t q = 0; q < m_rows; ++q)
    for (auto e = row_ptr[m_orig(q)]; e < row_ptr[m_orig(q) + 1]; ++e)
    {
      auto const k = end[col_idx[e]]++;
      idx[k] = static_cast<std::int32_t>(q);
      vals[k] = values[e];
    }
}

void TileWorkspace::finish(TileOutput &out, bool keep_activations) const
{
  out.categories.clear();
  for (std::int64_t q = 0; q < m_rows; ++q)
    if (m_orig(q) >= 0) // not a dead row left in place
      out.categories.push_back(m_orig(q));
  out.row_ptr.clear();
  if (!keep_activations)
  {
    out.cols.clear();
    out.values.clear();
    return;
  }
  out.row_ptr.reserve(m_alive + 1);
  out.row_ptr.push_back(0);
  if (m_dense)
  {
    // The panels read in their own order (column by column, B contiguous floats): the nonzeros of their rows
    // counted, then placed a block of columns at a time, the block in L1 while each of its rows takes its entries.
    // Reading a row at a time would stride the whole panel (L3 at N = 65536) once per row.
    constexpr int B = panel_rows;
    constexpr std::int64_t block = 64; // columns: 64 × B floats, 4 KiB at B = 16
    float const *z = buffer(m_cur);
    std::int64_t const num_panels = panels(m_rows);
    std::vector<std::int64_t> row_nnz(num_panels * B, 0);
    for (std::int64_t p = 0; p < num_panels; ++p)
    {
      float const *zp = z + p * m_n * B;
      std::int64_t *counts = row_nnz.data() + p * B;
      for (std::int64_t j = 0; j < m_n; ++j)
        for (int b = 0; b < B; ++b)
          counts[b] += zp[j * B + b] != 0.0f ? 1 : 0;
    }
    // Live rows get their entries in order; dead rows left in place (zero rows) and padding lanes none.
    std::vector<std::int64_t> at(num_panels * B, 0), end(num_panels * B, 0);
    std::int64_t total = 0;
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (m_orig(q) >= 0)
      {
        at[q] = total;
        total += row_nnz[q];
        end[q] = total;
        out.row_ptr.push_back(total);
      }
    // Resized as they are (an output reused keeps its capacity, and every entry is written below); + 1: where the
    // last row's writes past its end go.
    out.cols.resize(total + 1);
    out.values.resize(total + 1);
    std::int32_t *cols = out.cols.data();
    float *values = out.values.data();
    for (std::int64_t p = 0; p < num_panels; ++p)
    {
      float const *zp = z + p * m_n * B;
      for (std::int64_t j0 = 0; j0 < m_n; j0 += block)
      {
        std::int64_t const j1 = std::min(m_n, j0 + block);
        for (int b = 0; b < B; ++b)
        {
          std::int64_t const q = p * B + b;
          std::int64_t k = at[q];
          std::int64_t const e = end[q];
          if (k == e) // a row complete, dead or padding
            continue;
          // Without a branch: every value written at k, k advanced past the nonzeros. Once the row is complete k
          // stays at its end, the next row's first slot, which is saved before and restored after.
          std::int32_t const next_col = cols[e];
          float const next_value = values[e];
          for (std::int64_t j = j0; j < j1; ++j)
          {
            float const v = zp[j * B + b];
            cols[k] = static_cast<std::int32_t>(j);
            values[k] = v;
            k += v != 0.0f ? 1 : 0;
          }
          cols[e] = next_col;
          values[e] = next_value;
          at[q] = k;
        }
      }
    }
    out.cols.pop_back();
    out.values.pop_back();
    return;
  }
  out.cols.clear();
  out.values.clear();
  // CSC to rows: count the entries of each row, then place them column by column (ascending within a row).
  out.row_ptr.resize(m_rows + 1, 0);
  for (std::int64_t j = 0; j < m_n; ++j)
    for (auto e = m_begin[m_cur](j); e < m_end[m_cur](j); ++e)
      ++out.row_ptr[sparse_idx(m_cur)[e] + 1];
  for (std::int64_t q = 0; q < m_rows; ++q)
    out.row_ptr[q + 1] += out.row_ptr[q];
  out.cols.resize(out.row_ptr.back());
  out.values.resize(out.row_ptr.back());
  std::vector<std::int64_t> cursor(out.row_ptr.begin(), out.row_ptr.end() - 1);
  for (std::int64_t j = 0; j < m_n; ++j)
    for (auto e = m_begin[m_cur](j); e < m_end[m_cur](j); ++e)
    {
      auto const k = cursor[sparse_idx(m_cur)[e]]++;
      out.cols[k] = static_cast<std::int32_t>(j);
      out.values[k] = sparse_vals(m_cur)[e];
    }
  if (m_alive < m_rows) // the (empty) rows of the dead rows left in place dropped
  {
    std::int64_t kept = 0;
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (m_orig(q) >= 0)
        out.row_ptr[++kept] = out.row_ptr[q + 1];
    out.row_ptr.resize(kept + 1);
  }
}

void TileWorkspace::begin_chunk(int c)
{
  // Whole panels: the dense kernel also adds the (zero) counts of the padding lanes of the last one.
  std::fill_n(m_row_nnz.data() + c * m_chunk_rows, panels(m_rows) * panel_rows, 0);
  if (m_marker.size() > 0)
    std::fill_n(m_marker.data() + c * m_chunk_rows, m_rows, 0);
}

std::int64_t TileWorkspace::dense_columns(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias,
                                          float ymax)
{
  DenseStep const step{buffer(m_cur),    buffer(1 - m_cur), m_row_nnz.data() + c * m_chunk_rows,
                       m_n * panel_rows, panels(m_rows),    m_rows,
                       m_alive};
  return m_kernels->dense_columns(step, w, j0, j1, bias, ymax);
}

void TileWorkspace::sparse_symbolic(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c)
{
  std::int32_t const *idx = sparse_idx(m_cur);
  std::int64_t const *begin = m_begin[m_cur].data(), *end = m_end[m_cur].data();
  std::int32_t *marker = m_marker.data() + c * m_chunk_rows;
  for (std::int64_t j = j0; j < j1; ++j)
  {
    auto const stamp = static_cast<std::int32_t>(j + 1);
    std::int64_t count = 0;
    for (auto k = w.col_ptr[j]; k < w.col_ptr[j + 1]; ++k)
    {
      std::int32_t const i = w.row_idx[k];
      for (auto e = begin[i]; e < end[i]; ++e)
        if (marker[idx[e]] != stamp)
        {
          marker[idx[e]] = stamp;
          ++count;
        }
    }
    m_col_count(j) = count;
  }
}

void TileWorkspace::sparse_plan(double dense_above)
{
  std::int64_t total = 0;
  for (std::int64_t j = 0; j < m_n; ++j)
    total += m_col_count(j);
  m_out_dense = total > m_capacity ||
                static_cast<double>(total) > dense_above * static_cast<double>(m_alive) * static_cast<double>(m_n);
  if (m_out_dense)
    return;
  std::int64_t *begin = m_begin[1 - m_cur].data(), *end = m_end[1 - m_cur].data();
  std::int64_t offset = 0;
  for (std::int64_t j = 0; j < m_n; ++j)
  {
    begin[j] = end[j] = offset;
    offset += m_col_count(j);
  }
}

void TileWorkspace::sparse_numeric(LayerPointers const &w, std::int64_t j0, std::int64_t j1, int c, float bias,
                                   float ymax)
{
  std::int64_t const slot = c * m_chunk_rows;
  SparseStep const step{sparse_idx(m_cur),
                        sparse_vals(m_cur),
                        m_begin[m_cur].data(),
                        m_end[m_cur].data(),
                        m_row_nnz.data() + slot,
                        m_marker.data() + slot,
                        m_acc.data() + slot,
                        m_touched.data() + slot,
                        sparse_idx(1 - m_cur),
                        sparse_vals(1 - m_cur),
                        m_end[1 - m_cur].data(),
                        m_out_dense ? buffer(1 - m_cur) : nullptr,
                        m_rows,
                        m_n};
  m_kernels->sparse_numeric(step, w, j0, j1, bias, ymax);
}

void TileWorkspace::finalize(int group, int layer, LayerCounters const &counters, double sparse_below)
{
  if (merge_chunks(group))
    compact_columns(0, m_n);
  end_step(layer, counters, sparse_below);
}

bool TileWorkspace::merge_chunks(int group)
{
  std::int32_t *counts = m_row_nnz.data();
  for (int c = 1; c < group; ++c)
  {
    std::int32_t const *other = m_row_nnz.data() + c * m_chunk_rows;
    for (std::int64_t q = 0; q < m_rows; ++q)
      counts[q] += other[q];
  }
  std::int64_t nnz = 0, alive = 0;
  for (std::int64_t q = 0; q < m_rows; ++q)
  {
    nnz += counts[q];
    alive += counts[q] > 0 ? 1 : 0;
  }
  m_out_nnz = nnz;
  m_out_alive = alive;
  m_dense = m_dense || m_out_dense;
  m_out_dense = false;
  m_cur = 1 - m_cur;
  // Removing dead rows from dense panels is a pass over the whole tile (an eighth of the compute at N = 16384):
  // they stay in place, zero rows, while removing them would free no panel.
  bool const remove = alive < m_rows && !(m_dense && panels(alive) == panels(m_rows));
  std::int32_t *new_id = m_new_id.data();
  std::int32_t next = 0;
  for (std::int64_t q = 0; q < m_rows; ++q)
    new_id[q] = counts[q] == 0 ? -1 : remove ? next++ : static_cast<std::int32_t>(q);
  m_live = remove ? alive : m_rows;
  return remove;
}

void TileWorkspace::compact_columns(std::int64_t j0, std::int64_t j1)
{
  constexpr int B = panel_rows;
  std::int32_t const *new_id = m_new_id.data();
  if (m_dense)
  {
    // Column by column (each panel's column is B contiguous floats): a row moves to new_id[q] <= q, so ascending
    // order never overwrites a row still to move. Lanes past the last live row get zeros: they take part in the
    // next column updates.
    float *z = buffer(m_cur);
    std::int64_t const stride = m_n * B;
    for (std::int64_t j = j0; j < j1; ++j)
    {
      float *zj = z + j * B;
      for (std::int64_t q = 0; q < m_rows; ++q)
        if (std::int64_t const to = new_id[q]; to >= 0 && to != q)
          zj[(to / B) * stride + to % B] = zj[(q / B) * stride + q % B];
      for (std::int64_t q = m_live; q < panels(m_live) * B; ++q)
        zj[(q / B) * stride + q % B] = 0.0f;
    }
    return;
  }
  std::int32_t *idx = sparse_idx(m_cur);
  for (std::int64_t j = j0; j < j1; ++j)
    for (auto e = m_begin[m_cur](j); e < m_end[m_cur](j); ++e)
      idx[e] = new_id[idx[e]];
}

void TileWorkspace::end_step(int layer, LayerCounters const &counters, double sparse_below)
{
  Kokkos::atomic_add(&counters.active_rows[layer], m_out_alive);
  Kokkos::atomic_add(&counters.nnz[layer], m_out_nnz);
  std::int32_t const *new_id = m_new_id.data();
  if (m_live < m_rows)
  {
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (new_id[q] >= 0)
        m_orig(new_id[q]) = m_orig(q); // new_id[q] <= q: ascending order never overwrites a row still to move
  }
  else if (m_out_alive < m_rows)
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (new_id[q] < 0)
        m_orig(q) = -1; // dead, left in place
  m_rows = m_live;
  m_alive = m_out_alive;
  m_nnz = m_out_nnz;
  if (m_dense && m_capacity > 0 && m_nnz <= m_capacity &&
      static_cast<double>(m_nnz) < sparse_below * static_cast<double>(m_alive) * static_cast<double>(m_n))
  {
    dense_to_sparse(m_cur, 1 - m_cur);
    m_cur = 1 - m_cur;
    m_dense = false;
  }
}

void TileWorkspace::make_dense()
{
  if (m_dense)
    return;
  sparse_to_dense(m_cur, 1 - m_cur);
  m_cur = 1 - m_cur;
  m_dense = true;
}

void TileWorkspace::sparse_to_dense(int from, int to)
{
  constexpr int B = panel_rows;
  float *z = buffer(to);
  std::int64_t const stride = m_n * B;
  std::fill(z, z + panels(m_rows) * stride, 0.0f);
  std::int32_t const *idx = sparse_idx(from);
  float const *vals = sparse_vals(from);
  for (std::int64_t j = 0; j < m_n; ++j)
    for (auto e = m_begin[from](j); e < m_end[from](j); ++e)
      z[(idx[e] / B) * stride + j * B + idx[e] % B] = vals[e];
}

void TileWorkspace::dense_to_sparse(int from, int to)
{
  constexpr int B = panel_rows;
  float const *z = buffer(from);
  std::int64_t const stride = m_n * B;
  std::int32_t *idx = sparse_idx(to);
  float *vals = sparse_vals(to);
  std::int64_t pos = 0;
  for (std::int64_t j = 0; j < m_n; ++j)
  {
    m_begin[to](j) = pos;
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (float const v = z[(q / B) * stride + j * B + q % B]; v != 0.0f)
      {
        idx[pos] = static_cast<std::int32_t>(q);
        vals[pos] = v;
        ++pos;
      }
    m_end[to](j) = pos;
  }
}

} // namespace sdnn::impl
