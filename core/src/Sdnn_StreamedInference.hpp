#ifndef SDNN_STREAMEDINFERENCE_HPP
#define SDNN_STREAMEDINFERENCE_HPP

/// \file Sdnn_StreamedInference.hpp
/// infer_streamed(): infer() for networks and inputs larger than memory: the layers come from a LayerSource a
/// window at a time, the inputs run in batches of rows, both sized by a memory budget (Sdnn_StreamingPlan.hpp).

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_LayerSource.hpp>
#include <Sdnn_Reference.hpp>
#include <Sdnn_StreamingPlan.hpp>
#include <Sdnn_WorkReport.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn
{

/// Where the time and memory of a streamed inference went.
struct StreamingReport
{
  StreamingPlan plan;             ///< the windows and batches, and the memory they need at most
  std::int64_t batches = 0;       ///< batches run
  std::int64_t windows = 0;       ///< windows run, over all batches (a batch whose rows all died stops early)
  std::int64_t layers_loaded = 0; ///< layers read or generated, over all batches
  double layer_seconds = 0.0;     ///< time spent waiting for layers: reading or generating them, preparing them
  double compute_seconds = 0.0;   ///< time in infer() on the windows
  WorkReport work;                ///< the engine's reports of every window, accumulated
  /// nnz(W_k) of every layer k loaded (index k - 1), -1 for a layer never loaded (every row had died before it)
  std::vector<std::int64_t> layer_nnz;
};

/// infer() with the layers streamed: for each batch of `plan.batch_rows` input rows, the layers of `layers` are
/// loaded a window of `plan.window_layers` at a time (the next window's files read ahead), prepared, and the batch's
/// surviving rows run through them with infer(); only one window and one batch's activations are in memory at once.
/// Same answer as infer() on the whole network, bit for bit: the engine treats every row on its own.
///
/// \param space host execution space; all its threads take part
/// \param inputs Y_0, rows = inputs, columns = N
/// \param layers the source of W_1..W_L (files, the generator)
/// \param bias added to every nonzero of Y·W_l
/// \param options the engine's mode, hashing, tiling and kernel; progress is called with the fraction of all
///        (batch, layer) steps done, scaled to 1000 per step
/// \param streaming the memory budget and caps on windows and batches
/// \param report if not null, receives the plan and where the time went
/// \throws sdnn::InputError if the budget cannot hold one layer and one row (before any work), or a layer is bad
template <class ExecutionSpace>
InferenceResult infer_streamed(ExecutionSpace const &space, HostCsc const &inputs, LayerSource const &layers,
                               float bias, InferenceOptions const &options, StreamingOptions const &streaming = {},
                               StreamingReport *report = nullptr);

#define SDNN_INFER_STREAMED_EXTERN(SPACE)                                                                              \
  extern template InferenceResult infer_streamed<SPACE>(SPACE const &, HostCsc const &, LayerSource const &, float,    \
                                                        InferenceOptions const &, StreamingOptions const &,            \
                                                        StreamingReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_STREAMED_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_STREAMED_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_STREAMED_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_INFER_STREAMED_EXTERN

} // namespace sdnn

#endif
