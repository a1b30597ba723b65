#ifndef SDNN_STREAMINGPLAN_HPP
#define SDNN_STREAMINGPLAN_HPP

/// \file Sdnn_StreamingPlan.hpp
/// How infer_streamed() fits a network and its inputs into a memory budget: layers in windows, inputs in batches.

#include <Sdnn_Inference.hpp>

#include <cstdint>
#include <string>

namespace sdnn
{

/// The memory budget of infer_streamed() and caps on its windows and batches.
struct StreamingOptions
{
  /// Bytes the whole process may use (the inputs, the resident layers, the activations, the workspaces);
  /// 0: default_memory_limit().
  std::int64_t memory_limit = 0;
  /// Bytes the caller holds besides the inputs (counted against the limit).
  std::int64_t held_bytes = 0;
  int window_layers = 0;       ///< at most this many layers resident at once; 0: as many as the budget allows
  std::int64_t batch_rows = 0; ///< at most this many input rows per batch; 0: as many as the budget allows
};

/// Three quarters of the machine's physical memory.
std::int64_t default_memory_limit();

/// The windows and batches of a streamed inference and the memory they need at most.
struct StreamingPlan
{
  std::int64_t memory_limit = 0;    ///< the budget
  std::int64_t held_bytes = 0;      ///< held outside the plan: the inputs, the caller's, the runtime's allowance
  std::int64_t layer_bytes = 0;     ///< one resident layer: its CSC and its preparation for the dense kernel
  std::int64_t row_bytes = 0;       ///< one row of a batch at worst: its activations in, in the tiles' output and out
  std::int64_t workspace_bytes = 0; ///< the tiles' workspaces (a bound)
  int num_layers = 0;               ///< L
  std::int64_t num_rows = 0;        ///< input rows
  int window_layers = 0;            ///< layers per window (the last may hold fewer)
  std::int64_t batch_rows = 0;      ///< input rows per batch (the last may hold fewer)
  /// Windows of a batch.
  int windows() const { return window_layers == 0 ? 0 : (num_layers + window_layers - 1) / window_layers; }
  /// Batches of the inputs.
  std::int64_t batches() const { return batch_rows == 0 ? 0 : (num_rows + batch_rows - 1) / batch_rows; }
  /// Peak memory of the plan at worst (every activation row full): what the budget must hold.
  std::int64_t peak_bytes() const
  {
    return held_bytes + window_layers * layer_bytes + batch_rows * row_bytes + workspace_bytes;
  }
};

/// Plans a streamed inference: the largest windows and batches within the budget, layers taking at most a quarter
/// of what remains after the fixed costs when that holds one, the rows the rest.
/// \param num_rows input rows
/// \param num_neurons N
/// \param num_layers L
/// \param input_bytes the inputs' storage (held by the caller for the whole run)
/// \param layer_bytes one layer resident and prepared (measure it on the first layer)
/// \param threads threads of the execution space
/// \param inference the engine's options (their tile size)
/// \param streaming the budget and the caps
/// \throws sdnn::InputError when the budget cannot hold the inputs, one layer, the workspaces and one row: the
///         message gives each figure and the least budget that would do
StreamingPlan plan_streaming(std::int64_t num_rows, std::int64_t num_neurons, int num_layers, std::int64_t input_bytes,
                             std::int64_t layer_bytes, int threads, InferenceOptions const &inference,
                             StreamingOptions const &streaming);

} // namespace sdnn

#endif
