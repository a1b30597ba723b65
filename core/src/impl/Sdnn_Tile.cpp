#include "Sdnn_Tile.hpp"

#include "Sdnn_MultiplyAdd.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#if defined(__GNUC__) && (defined(__AVX__) || defined(__SSE__))
#include <immintrin.h>
#endif

namespace sdnn::impl
{

namespace
{
#if defined(__GNUC__)
// Native SIMD vectors through the GCC/Clang vector extension (host compilers of Kokkos' host backends): a
// dense-panel column (panel_rows floats) is `vectors_per_column` such vectors. With AVX-512 or AVX2 they are
// the intrinsics' own types (the same vector-extension types), so the fused multiply-add can be the
// intrinsic. Loads and stores go through memcpy (no alignment assumed).
#if defined(__AVX512F__)
using Simd = __m512;
#elif defined(__AVX__)
using Simd = __m256;
#else
using Simd = float __attribute__((vector_size(16)));
#endif
constexpr int simd_bytes = sizeof(Simd);
using SimdCount = std::int32_t __attribute__((vector_size(simd_bytes)));
constexpr int simd_width = simd_bytes / static_cast<int>(sizeof(float));
constexpr int vectors_per_column = panel_rows / simd_width;
static_assert(panel_rows % simd_width == 0, "a panel column must be a whole number of SIMD vectors");
inline Simd load_simd(float const *p)
{
  Simd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store_simd(float *p, Simd v)
{
  std::memcpy(p, &v, sizeof v);
}
inline Simd splat(float x)
{
#if defined(__AVX512F__)
  return _mm512_set1_ps(x);
#elif defined(__AVX__)
  return _mm256_set1_ps(x);
#else
  Simd v;
  for (int i = 0; i < simd_width; ++i)
    v[i] = x;
  return v;
#endif
}
/// z + y·w lane by lane, fused exactly when multiply_add (the reference's) is.
inline Simd multiply_add(Simd y, Simd w, Simd z)
{
#if SDNN_IMPL_FUSED_MULTIPLY_ADD && defined(__AVX512F__)
  return _mm512_fmadd_ps(y, w, z);
#elif SDNN_IMPL_FUSED_MULTIPLY_ADD && defined(__AVX__)
  return _mm256_fmadd_ps(y, w, z);
#elif SDNN_IMPL_FUSED_MULTIPLY_ADD
  return _mm_fmadd_ps(y, w, z);
#else
  Simd const product = y * w;
  return z + product;
#endif
}

/// activate() lane by lane on the sums `acc` (bias and ymax in every lane); adds 1 to count[lane] where the result
/// is nonzero. With AVX-512: min(acc + bias, ymax) where acc != 0 and acc + bias > 0, else 0 (the scalar
/// activate()'s values for finite sums) in two compares into mask registers and three masked operations.
inline Simd activate_counting(Simd acc, Simd bias, Simd ymax, SimdCount &count)
{
#if defined(__AVX512F__)
  __mmask16 const nonzero = _mm512_cmp_ps_mask(acc, _mm512_setzero_ps(), _CMP_NEQ_OQ);
  Simd const t = _mm512_add_ps(acc, bias);
  __mmask16 const positive = _mm512_mask_cmp_ps_mask(nonzero, t, _mm512_setzero_ps(), _CMP_GT_OQ);
  count = reinterpret_cast<SimdCount>(_mm512_mask_sub_epi32(reinterpret_cast<__m512i>(count), positive,
                                                            reinterpret_cast<__m512i>(count), _mm512_set1_epi32(-1)));
  return _mm512_maskz_min_ps(positive, t, ymax);
#else
  Simd const zero = {};
  Simd t = acc + bias;
  t = t < zero ? zero : t;
  t = t > ymax ? ymax : t;
  Simd const out = acc != zero ? t : zero;
  count -= (out != zero); // a true comparison is -1 in its lane
  return out;
#endif
}

/// Adjacent panels updated together by the dense kernel, and the columns of one block. AVX-512: two panels
/// x 8 columns = 16 accumulators, so each Y row load feeds 8 fused multiply-adds, which leaves the load ports
/// room for the packed-weight broadcasts. Otherwise one panel, and as many columns as 16 vector registers hold
/// accumulators for (vectors_per_column each; 4 registers kept for Y, W and the activation).
constexpr int together_panels = vectors_per_column == 1 ? 2 : 1;
constexpr int block_columns = vectors_per_column == 1 ? 8 : std::min(16, (16 - 4) / vectors_per_column);

/// Z(:, cols[c]) = activate(Y·W(:, cols[c])) for the C columns of one block on P adjacent panels (panel q at
/// y + q·panel_stride, z + q·panel_stride). The columns share their row pattern `rows[0, len)`;
/// W(rows[k], cols[c]) = vals[k·stride + c]. Each Y row is loaded once for the C columns, each column's sum
/// runs over k ascending (the reference's order), lane by lane. Adds the nonzeros of each output row to
/// lane_nnz[q·panel_rows + row of panel q].
template <int P, int C>
void dense_block(float const *y, float *z, std::int64_t panel_stride, ColumnBlock const &block, float bias,
                 float ymax, std::int32_t *lane_nnz)
{
  ColumnBlock const b = block; // a local copy: the stores to z (memcpy) could otherwise alias `block`
  std::int32_t const *rows = b.rows;
  float const *vals = b.values;
  std::int64_t const len = b.length, stride = b.stride;
  constexpr int B = panel_rows, V = vectors_per_column;
  Simd acc[P][C][V];
#pragma GCC unroll 16
  for (int q = 0; q < P; ++q)
#pragma GCC unroll 16
    for (int c = 0; c < C; ++c)
#pragma GCC unroll 16
      for (int v = 0; v < V; ++v)
        acc[q][c][v] = Simd{};
  // Prefetch the weights of the next group (a group's packed values, length × stride floats, follow each other
  // in the order the blocks run): a layer's weights do not stay in cache from one tile to the next once the
  // network outgrows L2. One group on rather than two: the Y rows streaming through L1 in between would evict
  // them again. Integer arithmetic, since the address may lie past the last group (a prefetch never faults).
  auto const ahead = reinterpret_cast<std::uintptr_t>(vals) + std::uintptr_t(len * stride) * sizeof(float);
  for (std::int64_t k = 0; k < len; ++k)
  {
    __builtin_prefetch(reinterpret_cast<void const *>(ahead + std::uintptr_t(k * stride) * sizeof(float)));
    float const *yi = y + std::int64_t(rows[k]) * B;
    Simd yv[P][V];
#pragma GCC unroll 16
    for (int q = 0; q < P; ++q)
#pragma GCC unroll 16
      for (int v = 0; v < V; ++v)
        yv[q][v] = load_simd(yi + q * panel_stride + v * simd_width);
    float const *wk = vals + k * stride;
#pragma GCC unroll 16
    for (int c = 0; c < C; ++c)
    {
      Simd const wv = splat(wk[c]);
#pragma GCC unroll 16
      for (int q = 0; q < P; ++q)
#pragma GCC unroll 16
        for (int v = 0; v < V; ++v)
          acc[q][c][v] = multiply_add(yv[q][v], wv, acc[q][c][v]);
    }
  }
  Simd const bias_v = splat(bias), ymax_v = splat(ymax);
  SimdCount count[P][V] = {}; // in registers: the stores to z could alias lane_nnz
#pragma GCC unroll 16
  for (int c = 0; c < C; ++c)
  {
    float *zc = z + LayerPointers::column(b, c) * B;
#pragma GCC unroll 16
    for (int q = 0; q < P; ++q)
#pragma GCC unroll 16
      for (int v = 0; v < V; ++v)
        store_simd(zc + q * panel_stride + v * simd_width,
                   activate_counting(acc[q][c][v], bias_v, ymax_v, count[q][v]));
  }
#pragma GCC unroll 16
  for (int q = 0; q < P; ++q)
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v)
    {
      std::int32_t *lanes = lane_nnz + q * B + v * simd_width;
      SimdCount sum;
      std::memcpy(&sum, lanes, sizeof sum);
      sum += count[q][v];
      std::memcpy(lanes, &sum, sizeof sum);
    }
}

using DenseBlockKernel = void (*)(float const *, float *, std::int64_t, ColumnBlock const &, float, float,
                                  std::int32_t *);
template <int P, std::size_t... C> constexpr auto dense_block_table(std::index_sequence<C...>)
{
  return std::array<DenseBlockKernel, sizeof...(C)>{&dense_block<P, int(C) + 1>...};
}
/// With panels in pairs, an odd number of them ends with three together (AVX-512: 24 accumulators) rather than a
/// lone panel, whose kernel issues the block's weight broadcasts for half as many multiply-adds.
constexpr int last_panels = together_panels == 2 ? 3 : 1;
/// dense_blocks[C - 1] updates a block of C columns on one panel, together_blocks[C - 1] on together_panels,
/// last_blocks[C - 1] on last_panels.
constexpr auto dense_blocks = dense_block_table<1>(std::make_index_sequence<block_columns>());
constexpr auto together_blocks = dense_block_table<together_panels>(std::make_index_sequence<block_columns>());
constexpr auto last_blocks = dense_block_table<last_panels>(std::make_index_sequence<block_columns>());
#else
constexpr int block_columns = 1;
#endif

template <class T> Kokkos::View<T *, Kokkos::HostSpace> workspace_view(char const *label, std::int64_t size)
{
  return Kokkos::View<T *, Kokkos::HostSpace>(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)),
                                              size);
}
} // namespace

LayerGroups::LayerGroups(HostCsc const &w)
{
  std::int64_t const n = w.num_cols();
  auto const col_ptr = w.col_ptr().data();
  auto const row_idx = w.row_idx().data();
  auto const values = w.values().data();
  // Columns sorted by (pattern hash, pattern, column): equal patterns become adjacent runs.
  std::vector<std::uint64_t> hash(n);
  for (std::int64_t j = 0; j < n; ++j)
  {
    std::uint64_t h = 0xcbf29ce484222325ull ^ static_cast<std::uint64_t>(col_ptr[j + 1] - col_ptr[j]);
    for (auto k = col_ptr[j]; k < col_ptr[j + 1]; ++k)
      h = (h ^ static_cast<std::uint32_t>(row_idx[k])) * 0x100000001b3ull;
    hash[j] = h;
  }
  auto same_pattern = [&](std::int32_t a, std::int32_t b)
  {
    return col_ptr[a + 1] - col_ptr[a] == col_ptr[b + 1] - col_ptr[b] &&
           std::equal(row_idx + col_ptr[a], row_idx + col_ptr[a + 1], row_idx + col_ptr[b]);
  };
  m_order.resize(n);
  for (std::int64_t j = 0; j < n; ++j)
    m_order[j] = static_cast<std::int32_t>(j);
  std::sort(m_order.begin(), m_order.end(),
            [&](std::int32_t a, std::int32_t b)
            {
              if (hash[a] != hash[b])
                return hash[a] < hash[b];
              if (!same_pattern(a, b))
                return std::lexicographical_compare(row_idx + col_ptr[a], row_idx + col_ptr[a + 1],
                                                    row_idx + col_ptr[b], row_idx + col_ptr[b + 1]);
              return a < b;
            });
  std::vector<std::int32_t> group_end(n); // one past the last position of p's group
  std::int64_t widest = 0;
  for (std::int64_t p = 0; p < n;)
  {
    std::int64_t e = p + 1;
    while (e < n && same_pattern(m_order[p], m_order[e]))
      ++e;
    std::fill(group_end.begin() + p, group_end.begin() + e, static_cast<std::int32_t>(e));
    widest = std::max(widest, e - p);
    ++m_num_groups;
    p = e;
  }
  if (widest < 2)
  {
    *this = LayerGroups();
    m_num_groups = n;
    return;
  }
  // Values group by group, [k][column of the group], and the blocks of at most block_columns columns the dense
  // kernel runs, group by group.
  m_packed.resize(w.nnz());
  m_block_at.resize(n);
  std::int64_t offset = 0;
  for (std::int64_t p = 0; p < n;)
  {
    std::int64_t const e = group_end[p], width = e - p;
    std::int32_t const len = static_cast<std::int32_t>(col_ptr[m_order[p] + 1] - col_ptr[m_order[p]]);
    for (std::int64_t q = p; q < e; ++q)
      for (std::int64_t k = 0; k < len; ++k)
        m_packed[offset + k * width + (q - p)] = values[col_ptr[m_order[q]] + k];
    for (std::int64_t b = p; b < e; b += block_columns)
    {
      auto const bw = static_cast<std::int32_t>(std::min<std::int64_t>(block_columns, e - b));
      std::fill_n(m_block_at.begin() + b, bw, static_cast<std::int32_t>(m_blocks.size()));
      m_blocks.push_back({static_cast<std::int32_t>(b), bw, len, static_cast<std::int32_t>(width), col_ptr[m_order[p]],
                          offset + (b - p)});
    }
    offset += width * len;
    p = e;
  }
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
  }
  return out;
}

std::int64_t LayerGroups::bytes() const
{
  return static_cast<std::int64_t>(
      (m_order.size() + m_block_at.size() + m_packed.size()) * 4 + m_blocks.size() * sizeof(BlockRecord));
}

TileWorkspace::TileWorkspace(std::int64_t n, std::int64_t max_rows, int max_group, std::int64_t sparse_capacity)
    : m_n(n), m_max_rows(std::max<std::int64_t>(max_rows, 1)), m_max_group(std::max(max_group, 1)),
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
  out.categories.assign(m_orig.data(), m_orig.data() + m_rows);
  out.rows.clear();
  out.cols.clear();
  out.values.clear();
  if (!keep_activations)
    return;
  out.rows.reserve(m_nnz);
  out.cols.reserve(m_nnz);
  out.values.reserve(m_nnz);
  auto push = [&](std::int64_t q, std::int64_t j, float v)
  {
    out.rows.push_back(m_orig(q));
    out.cols.push_back(static_cast<std::int32_t>(j));
    out.values.push_back(v);
  };
  if (m_dense)
  {
    constexpr int B = panel_rows;
    float const *z = buffer(m_cur);
    for (std::int64_t q = 0; q < m_rows; ++q)
      for (std::int64_t j = 0; j < m_n; ++j)
        if (float const v = z[(q / B) * m_n * B + j * B + q % B]; v != 0.0f)
          push(q, j, v);
    return;
  }
  for (std::int64_t j = 0; j < m_n; ++j)
    for (auto e = m_begin[m_cur](j); e < m_end[m_cur](j); ++e)
      push(sparse_idx(m_cur)[e], j, sparse_vals(m_cur)[e]);
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
  constexpr int B = panel_rows;
  float const *in = buffer(m_cur);
  float *out = buffer(1 - m_cur);
  std::int32_t *counts = m_row_nnz.data() + c * m_chunk_rows;
  std::int64_t const stride = m_n * B;
  std::int64_t const np = panels(m_rows);
  std::int64_t entries = 0; // nnz of the columns [j0, j1)
#if defined(__GNUC__)
  // Column blocks outer, panels inner: a block's weights (length × width floats) stay in L1 while every panel
  // of the tile (in L2) goes through it, so each layer's weights are read from memory once per tile. The panels
  // go together_panels at a time; when their number is odd, the last last_panels together if there are that
  // many, else the last one alone.
  bool const last_together = last_panels > 1 && np % together_panels != 0 && np >= last_panels;
  std::int64_t const together_end = last_together ? np - last_panels : np - np % together_panels;
  auto run = [&](ColumnBlock const &block)
  {
    for (std::int64_t p = 0; p < together_end; p += together_panels)
      together_blocks[block.width - 1](in + p * stride, out + p * stride, stride, block, bias, ymax, counts + p * B);
    if (last_together)
      last_blocks[block.width - 1](in + together_end * stride, out + together_end * stride, stride, block, bias,
                                   ymax, counts + together_end * B);
    else
      for (std::int64_t p = together_end; p < np; ++p)
        dense_blocks[block.width - 1](in + p * stride, out + p * stride, stride, block, bias, ymax, counts + p * B);
    entries += block.length * block.width;
  };
  // The row list of a block (up to 32 rows) is read nowhere else: prefetched four blocks ahead.
  auto prefetch_rows = [&](std::int64_t first, std::int64_t length)
  {
    __builtin_prefetch(w.row_idx + first);
    if (length > 16)
      __builtin_prefetch(w.row_idx + first + 16);
  };
  if (w.blocks && j0 < j1)
  {
    // A grouped layer: its block records in order (the blocks cut at j0 and j1).
    for (std::int64_t b = w.block_at[j0]; b < w.num_blocks && w.blocks[b].position < j1; ++b)
    {
      if (b + 4 < w.num_blocks)
        prefetch_rows(w.blocks[b + 4].rows, w.blocks[b + 4].length);
      run(w.block_part(b, j0, j1));
    }
  }
  else
    for (std::int64_t j = j0; j < j1; ++j)
    {
      // An ungrouped layer, column by column; the column pointer of the column eight on is prefetched too (it
      // locates the row list of the one four on then).
      if (j + 8 < j1)
        __builtin_prefetch(w.col_ptr + j + 8);
      if (j + 4 < j1)
        prefetch_rows(w.col_ptr[j + 4], w.col_ptr[j + 5] - w.col_ptr[j + 4]);
      run(w.block(j, j1, 1));
    }
#else
  for (std::int64_t p = 0; p < np; ++p)
  {
    float const *y = in + p * stride;
    float *z = out + p * stride;
    std::int32_t lane_nnz[B] = {};
    for (std::int64_t pos = j0; pos < j1; ++pos)
    {
      auto const block = w.block(pos, pos + 1, 1);
      if (p == 0)
        entries += block.length;
      float acc[B] = {};
      for (std::int64_t k = 0; k < block.length; ++k)
      {
        float const wk = block.values[k * block.stride];
        float const *yi = y + std::int64_t(block.rows[k]) * B;
        for (int b = 0; b < B; ++b)
          acc[b] = multiply_add(yi[b], wk, acc[b]);
      }
      float *zj = z + LayerPointers::column(block, 0) * B;
      for (int b = 0; b < B; ++b)
      {
        float const v = activate(acc[b], bias, ymax);
        zj[b] = v;
        lane_nnz[b] += v != 0.0f ? 1 : 0;
      }
    }
    std::int64_t const lanes = std::min<std::int64_t>(B, m_rows - p * B);
    for (std::int64_t b = 0; b < lanes; ++b)
      counts[p * B + b] = lane_nnz[b];
  }
#endif
  return entries * m_rows;
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
                static_cast<double>(total) > dense_above * static_cast<double>(m_rows) * static_cast<double>(m_n);
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
  constexpr int B = panel_rows;
  std::int32_t const *idx = sparse_idx(m_cur);
  float const *vals = sparse_vals(m_cur);
  std::int64_t const *begin = m_begin[m_cur].data(), *end = m_end[m_cur].data();
  std::int32_t *counts = m_row_nnz.data() + c * m_chunk_rows;
  if (m_out_dense)
  {
    // Scatter into dense panels: each Z(q, j) still receives its terms in ascending k.
    float *out = buffer(1 - m_cur);
    std::int64_t const stride = m_n * B;
    std::int64_t const np = panels(m_rows);
    for (std::int64_t j = j0; j < j1; ++j)
    {
      for (std::int64_t p = 0; p < np; ++p)
        std::fill_n(out + p * stride + j * B, B, 0.0f);
      for (auto k = w.col_ptr[j]; k < w.col_ptr[j + 1]; ++k)
      {
        float const wk = w.values[k];
        std::int32_t const i = w.row_idx[k];
        for (auto e = begin[i]; e < end[i]; ++e)
        {
          std::int64_t const q = idx[e];
          float &z = out[(q / B) * stride + j * B + q % B];
          z = multiply_add(vals[e], wk, z);
        }
      }
      for (std::int64_t q = 0; q < np * B; ++q)
      {
        float &z = out[(q / B) * stride + j * B + q % B];
        z = activate(z, bias, ymax);
        if (z != 0.0f)
          ++counts[q];
      }
    }
    return;
  }
  std::int32_t *marker = m_marker.data() + c * m_chunk_rows;
  float *acc = m_acc.data() + c * m_chunk_rows;
  std::int32_t *touched = m_touched.data() + c * m_chunk_rows;
  std::int32_t *out_idx = sparse_idx(1 - m_cur);
  float *out_vals = sparse_vals(1 - m_cur);
  std::int64_t *out_end = m_end[1 - m_cur].data();
  for (std::int64_t j = j0; j < j1; ++j)
  {
    auto const stamp = static_cast<std::int32_t>(m_n + 1 + j);
    std::int64_t touched_count = 0;
    for (auto k = w.col_ptr[j]; k < w.col_ptr[j + 1]; ++k)
    {
      float const wk = w.values[k];
      std::int32_t const i = w.row_idx[k];
      for (auto e = begin[i]; e < end[i]; ++e)
      {
        std::int32_t const q = idx[e];
        if (marker[q] != stamp)
        {
          marker[q] = stamp;
          acc[q] = 0.0f;
          touched[touched_count++] = q;
        }
        acc[q] = multiply_add(vals[e], wk, acc[q]);
      }
    }
    std::int64_t pos = out_end[j];
    auto emit = [&](std::int32_t q)
    {
      float const v = activate(acc[q], bias, ymax);
      if (v != 0.0f)
      {
        out_idx[pos] = q;
        out_vals[pos] = v;
        ++pos;
        ++counts[q];
      }
    };
    // Rows ascending: scan the markers when many rows were touched, else sort the touched list.
    if (touched_count * 16 > m_rows)
    {
      for (std::int64_t q = 0; q < m_rows; ++q)
        if (marker[q] == stamp)
          emit(static_cast<std::int32_t>(q));
    }
    else
    {
      std::sort(touched, touched + touched_count);
      for (std::int64_t t = 0; t < touched_count; ++t)
        emit(touched[t]);
    }
    out_end[j] = pos;
  }
}

void TileWorkspace::finalize(int group, int layer, LayerCounters const &counters, double sparse_below)
{
  std::int32_t *counts = m_row_nnz.data();
  for (int c = 1; c < group; ++c)
  {
    std::int32_t const *other = m_row_nnz.data() + c * m_chunk_rows;
    for (std::int64_t q = 0; q < m_rows; ++q)
      counts[q] += other[q];
  }
  std::int64_t nnz = 0, live = 0;
  for (std::int64_t q = 0; q < m_rows; ++q)
  {
    nnz += counts[q];
    live += counts[q] > 0 ? 1 : 0;
  }
  m_dense = m_dense || m_out_dense;
  m_out_dense = false;
  m_cur = 1 - m_cur;
  Kokkos::atomic_add(&counters.active_rows[layer], live);
  Kokkos::atomic_add(&counters.nnz[layer], nnz);
  if (live < m_rows)
    remove_dead_rows(live);
  m_rows = live;
  m_nnz = nnz;
  if (m_dense && m_capacity > 0 && nnz <= m_capacity &&
      static_cast<double>(nnz) < sparse_below * static_cast<double>(m_rows) * static_cast<double>(m_n))
  {
    dense_to_sparse(m_cur, 1 - m_cur);
    m_cur = 1 - m_cur;
    m_dense = false;
  }
}

void TileWorkspace::remove_dead_rows(std::int64_t live)
{
  constexpr int B = panel_rows;
  std::int32_t const *counts = m_row_nnz.data();
  std::int32_t *new_id = m_new_id.data();
  std::int32_t next = 0;
  for (std::int64_t q = 0; q < m_rows; ++q)
    new_id[q] = counts[q] > 0 ? next++ : -1;
  for (std::int64_t q = 0; q < m_rows; ++q)
    if (new_id[q] >= 0)
      m_orig(new_id[q]) = m_orig(q); // new_id[q] <= q: ascending order never overwrites a row still to move
  if (m_dense)
  {
    float *z = buffer(m_cur);
    std::int64_t const stride = m_n * B;
    for (std::int64_t q = 0; q < m_rows; ++q)
      if (std::int64_t const to = new_id[q]; to >= 0 && to != q)
      {
        float const *src = z + (q / B) * stride + q % B;
        float *dst = z + (to / B) * stride + to % B;
        for (std::int64_t j = 0; j < m_n; ++j)
          dst[j * B] = src[j * B];
      }
    // Lanes past the last live row must hold zeros: they take part in the next column updates.
    for (std::int64_t q = live; q < panels(live) * B; ++q)
    {
      float *dst = z + (q / B) * stride + q % B;
      for (std::int64_t j = 0; j < m_n; ++j)
        dst[j * B] = 0.0f;
    }
    return;
  }
  std::int32_t *idx = sparse_idx(m_cur);
  for (std::int64_t j = 0; j < m_n; ++j)
    for (auto e = m_begin[m_cur](j); e < m_end[m_cur](j); ++e)
      idx[e] = new_id[idx[e]];
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
