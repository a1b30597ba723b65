#ifndef SDNN_KERNELSET_HPP
#define SDNN_KERNELSET_HPP

// The kernels that are compiled once per instruction set (Sdnn_KernelVariant.hpp) and the plain data they work
// on: every multiply-add of an inference happens in one of them, so that the active set alone decides how
// Z = Y·W is rounded. Private to the library.

#include <Sdnn_InstructionSet.hpp>

#include "Sdnn_LayerGroups.hpp"

#include <cstdint>

namespace sdnn::impl
{

/// Rows per dense panel: the length of the vectorised column update (a few SIMD registers). 16 measured best
/// on the challenge networks (32 makes the panel's working set spill out of L1 for RadiX-Net's access pattern).
inline constexpr int panel_rows = 16;

/// Rows the reference computes side by side (each with its own accumulators).
inline constexpr int reference_batch = 8;

/// A dense layer step of a tile: panels of panel_rows rows, panel p of Y at in + p·stride, stored [N][panel_rows].
struct DenseStep
{
  float const *in;       ///< Y's panels
  float *out;            ///< Z's panels (same layout)
  std::int32_t *row_nnz; ///< nonzeros of each output row (whole panels; the kernel adds to them)
  std::int64_t stride;   ///< floats per panel (N × panel_rows)
  std::int64_t panels;   ///< panels holding the rows
  std::int64_t rows;     ///< rows (lanes) of the tile, dead ones left in place among them
  std::int64_t alive;    ///< rows with a nonzero: the multiply-adds counted are theirs
};

/// A sparse numeric layer step of a tile: Y as CSC with per-column extents, Z into CSC (offsets planned by the
/// symbolic step) or into dense panels.
struct SparseStep
{
  std::int32_t const *idx;   ///< row of each entry of Y
  float const *vals;         ///< value of each entry of Y
  std::int64_t const *begin; ///< column i of Y: entries [begin[i], end[i])
  std::int64_t const *end;
  std::int32_t *row_nnz; ///< nonzeros of each output row (the kernel adds to them)
  std::int32_t *marker;  ///< per row, the stamp of the column that touched it last
  float *acc;            ///< per row accumulator
  std::int32_t *touched; ///< rows touched by the current column
  std::int32_t *out_idx; ///< Z as CSC: row of each entry
  float *out_vals;       ///< Z as CSC: value of each entry
  std::int64_t *out_end; ///< Z as CSC: next free entry of each column (starts at the column's offset)
  float *out_dense;      ///< Z as dense panels when not null (then out_idx, out_vals, out_end are unused)
  std::int64_t rows;     ///< live rows of Y
  std::int64_t n;        ///< columns
};

/// The reference's step: `reference_batch` rows of Y (dense, y[i·reference_batch + b] = Y(row b, i)) times W into
/// z[b·n + j], activated.
struct ReferenceStep
{
  std::int64_t const *col_ptr;
  std::int32_t const *row_idx;
  float const *values;
  std::int64_t n;
  float const *y;
  float *z;
  float bias;
  float ymax;
};

/// One layer of a training batch (Sdnn_SgdTrainer): matrices neuron-major, `stride` values per neuron, `batch`
/// samples each; W's owned columns (rows numbered as the needed inputs) and their transposed index.
struct TrainingStep
{
  std::int64_t const *col_ptr;    ///< column j: nonzeros [col_ptr[j], col_ptr[j+1])
  std::int32_t const *row;        ///< input of each nonzero
  float const *weight;            ///< value of each nonzero
  float const *bias;              ///< per column
  std::int64_t const *row_ptr;    ///< input i: its nonzeros [row_ptr[i], row_ptr[i+1]) in the transposed index
  std::int64_t const *row_entry;  ///< their positions in weight
  std::int32_t const *row_column; ///< their columns
  float const *x;                 ///< the inputs (needed inputs × stride)
  float *y;                       ///< the outputs (columns × stride)
  float const *delta;             ///< the errors of the outputs (columns × stride)
  std::int64_t *gradient;         ///< fixed-point gradients: one per nonzero, then one per column (the biases)
  std::int64_t *partial;          ///< fixed-point Σ_j W(i, j)·delta(j) per input (inputs × stride)
  std::int64_t nnz;               ///< nonzeros
  std::int64_t stride;            ///< values per neuron row
  int batch;                      ///< samples
  float clamp;                    ///< hidden activation ceiling (0: none)
  bool hidden;                    ///< ReLU (and clamp) on the outputs; false for the logits
};

/// The momentum step of a range of parameters: v = momentum·v + g / samples, w = w - learning_rate·v (in double,
/// each rounded to float).
struct TrainingUpdate
{
  float *weight;                ///< the parameters
  float *velocity;              ///< their momentum
  std::int64_t const *gradient; ///< their fixed-point gradients (summed over the batch)
  double learning_rate;         ///< step size
  double momentum;              ///< heavy-ball momentum
  double samples;               ///< the batch's samples
};

/// The errors of a hidden layer's owned neurons from their folded sums: delta(j, s) = sums(j, s) where the neuron
/// was active (0 < y < clamp), else 0.
struct TrainingDerivative
{
  float const *y;           ///< the layer's activations (neurons × stride)
  std::int64_t const *sums; ///< fixed-point Σ_k W(j, k)·delta(k) (neurons × stride)
  float *delta;             ///< the errors (neurons × stride)
  std::int64_t stride;      ///< values per neuron row
  int batch;                ///< samples
  float clamp;              ///< activation ceiling (0: none)
};

/// The kernels of one instruction set.
struct KernelSet
{
  InstructionSet set;
  bool fused;        ///< multiply-adds rounded once (fused) or twice
  int block_columns; ///< columns per block of the dense kernel: LayerGroups are built with this width
  /// Z(:, positions [j0, j1)) = activate(Y·W) on dense panels; returns the multiply-adds done on live rows.
  std::int64_t (*dense_columns)(DenseStep const &step, LayerPointers const &w, std::int64_t j0, std::int64_t j1,
                                float bias, float ymax);
  /// Z(:, [j0, j1)) = activate(Y·W) from CSC Y (the numeric step of the two-step SpMM).
  void (*sparse_numeric)(SparseStep const &step, LayerPointers const &w, std::int64_t j0, std::int64_t j1, float bias,
                         float ymax);
  /// The reference's column loop over all N columns for one batch of rows.
  void (*reference_columns)(ReferenceStep const &step);
  /// `iterations` rounds of peak_lanes independent multiply-adds in registers (the machine's peak); returns a sum
  /// that depends on all of them.
  float (*peak_chains)(std::int64_t iterations, float seed);
  int peak_lanes; ///< multiply-adds per iteration of peak_chains
  /// Training, column j: y(j, s) = bias(j), then y += x(i, s)·W(i, j) over the column's nonzeros in ascending row
  /// order with this set's multiply-add (the engine's rounding), then ReLU and the clamp when hidden; returns the
  /// largest |y| of a hidden column (infinity for a NaN), 0 for the logits.
  double (*training_forward)(TrainingStep const &step, std::int64_t j);
  /// Training, column j: the fixed-point gradients Σ_s delta(j, s)·x(i, s) of its nonzeros and Σ_s delta(j, s).
  void (*training_gradients)(TrainingStep const &step, std::int64_t j);
  /// Training, input i: partial(i, s) = Σ_j W(i, j)·delta(j, s) in fixed point, over its nonzeros.
  void (*training_backpropagate)(TrainingStep const &step, std::int64_t i);
  /// Training: the momentum step of parameters [begin, end); returns their largest |w| (infinity for a NaN).
  float (*training_update)(TrainingUpdate const &update, std::int64_t begin, std::int64_t end);
  /// Training: the errors of neuron j for the batch; returns their largest magnitude (infinity for a NaN).
  float (*training_derivative)(TrainingDerivative const &derivative, std::int64_t j);
};

/// The kernels of `set`. \throws std::logic_error if `set` is not compiled in
KernelSet const &kernel_set(InstructionSet set);
/// The kernels of active_instruction_set().
KernelSet const &active_kernel_set();

// One per variant TU (Sdnn_Kernels_<Set>.cpp).
KernelSet const &generic_kernel_set();
#if defined(__x86_64__) && defined(__GNUC__)
#define SDNN_IMPL_X86_VARIANTS 1
KernelSet const &avx2_kernel_set();
KernelSet const &avx512_kernel_set();
#else
#define SDNN_IMPL_X86_VARIANTS 0
#endif

} // namespace sdnn::impl

#endif
