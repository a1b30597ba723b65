#ifndef SDNN_INFERENCESCRATCH_HPP
#define SDNN_INFERENCESCRATCH_HPP

// InferenceScratch: what successive infer() calls on blocks of rows reuse (infer_streamed's windows and batches).
// Private to the library.

#include "Sdnn_TileWorkspace.hpp"

#include <Sdnn_Inference.hpp>

#include <vector>

namespace sdnn::impl
{

/// The tiles' outputs of an inference, kept from one call to the next: their arrays keep their capacity. At
/// N = 65536 a window's tiles hold gigabytes of activations, which fresh arrays would fault in page by page again
/// every window (a third of the cost of a window boundary).
struct InferenceScratch
{
  std::vector<TileOutput> tile_outputs;
};

/// infer() on a block of rows (Sdnn_Inference.hpp), its tiles' outputs in `scratch`.
template <class ExecutionSpace>
void infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
           InferenceOptions const &options, RowInferenceResult &result, WorkReport *report, LayerRange range,
           InferenceScratch &scratch);

} // namespace sdnn::impl

#endif
