#ifndef SDNN_INFERSTREAMED_HPP
#define SDNN_INFERSTREAMED_HPP

// `sdnn infer` with streamed layers: the layers come from their files or the generator a window at a time and the
// inputs run in row batches, within a memory budget (one rank).

#include "Sdnn_Cli.hpp"

#include <Sdnn.hpp>

#include <cstdint>
#include <string>

namespace sdnn::cli
{

/// Where a streamed `sdnn infer` takes its layers and within which budget.
struct StreamedRun
{
  bool radixnet = false;      ///< the layers come from the generator (--network radixnet), not from files
  std::uint64_t seed = 1;     ///< the generator's seed
  StreamingOptions streaming; ///< --memory-limit, --window-layers, --batch-rows
  std::string why;            ///< why the run streams, for the report
};

/// Runs a streamed inference (or the reference, which holds one layer at a time) on one rank, prints the report
/// and writes its outputs. Returns the exit status (1: the check failed).
int run_infer_streamed(Options const &opts, DatasetOptions const &dataset, InferenceOptions engine, bool reference,
                       StreamedRun const &run, std::int64_t progress_every, bool quiet);

/// The generator's seed of the dataset in `dir` (its `sdnn generate` stamp for N), or 1 when it has none.
std::uint64_t generated_seed(std::string const &dir, std::int64_t num_neurons);

/// Σ of the sizes of the layer files (or of their binary caches, which is what is read when they exist): what
/// holding the network costs, about.
std::int64_t layer_files_bytes(std::vector<std::string> const &paths, std::int64_t num_neurons,
                               ReadOptions const &read);

} // namespace sdnn::cli

#endif
