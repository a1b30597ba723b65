// The dense kernel of one variant: blocks of columns sharing their row pattern updated on dense panels. Included
// by Sdnn_KernelVariant.hpp only (see Sdnn_Simd_Impl.hpp). Private to the library.

namespace sdnn::impl::SDNN_IMPL_VARIANT
{
namespace
{

#if defined(__GNUC__)
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
void dense_block(float const *y, float *z, std::int64_t panel_stride, ColumnBlock const &block, float bias, float ymax,
                 std::int32_t *lane_nnz)
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

/// Z(:, positions [j0, j1)) = activate(Y·W) on the step's panels; returns the multiply-adds done on the live rows
/// (alive rows × nnz of the columns; the dead rows left in place and the padding lanes not counted).
std::int64_t dense_columns(DenseStep const &step, LayerPointers const &w, std::int64_t j0, std::int64_t j1, float bias,
                           float ymax)
{
  constexpr int B = panel_rows;
  SDNN_REQUIRE(w.block_columns <= block_columns,
               "a layer grouped in blocks of " << w.block_columns << " columns for a kernel of " << block_columns);
  float const *in = step.in;
  float *out = step.out;
  std::int32_t *counts = step.row_nnz;
  std::int64_t const stride = step.stride;
  std::int64_t const np = step.panels;
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
      last_blocks[block.width - 1](in + together_end * stride, out + together_end * stride, stride, block, bias, ymax,
                                   counts + together_end * B);
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
    std::int64_t const lanes = std::min<std::int64_t>(B, step.rows - p * B);
    for (std::int64_t b = 0; b < lanes; ++b)
      counts[p * B + b] += lane_nnz[b];
  }
#endif
  return entries * step.alive;
}

} // namespace
} // namespace sdnn::impl::SDNN_IMPL_VARIANT
