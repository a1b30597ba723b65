#ifndef SDNN_INFERENCE_HPP
#define SDNN_INFERENCE_HPP

/// \file Sdnn_Inference.hpp
/// infer(): the five single-node parallel modes and their options (their report: Sdnn_WorkReport.hpp).

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Hash.hpp>
#include <Sdnn_PreparedNetwork.hpp>
#include <Sdnn_Reference.hpp>
#include <Sdnn_RowBlock.hpp>
#include <Sdnn_WorkReport.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sdnn
{

/// How the threads of one host execution space share the work of an inference.
enum class Parallelism
{
  data,            ///< 1D row partition of Y: each thread owns a contiguous range of tiles, no synchronisation
  model,           ///< 1D column partition of W: all threads on one tile at a time, a barrier per layer
  manager_worker,  ///< one shared queue of many small row tiles
  work_stealing,   ///< per-thread queues of tiles (the data partition); idle threads steal half of a victim's queue
  data_then_model, ///< start as data; finished threads are recruited by stragglers, whose layers are split by columns
};

/// Which straggler a finished thread joins in `Parallelism::data_then_model`.
enum class Recruitment
{
  earliest_first, ///< the first straggler to reach a layer boundary takes every idle thread
  slower_first,   ///< idle threads go to the straggler with the most remaining work
  faster_first,   ///< idle threads go to the straggler with the least remaining work
};

/// Storage and kernel of an activation tile.
enum class KernelChoice
{
  automatic, ///< chosen per tile and per layer from the measured density
  sparse,    ///< always CSC with the two-step (symbolic, numeric) SpMM
  dense,     ///< always dense column panels with the vectorised column update
};

/// Name used by the driver and in reports ("data", "model", "manager-worker", ...).
std::string name(Parallelism parallelism);
/// Name used by the driver and in reports ("earliest-first", "slower-first", "faster-first").
std::string name(Recruitment recruitment);
/// Name used by the driver and in reports ("auto", "sparse", "dense").
std::string name(KernelChoice kernel);
/// Inverse of name(Parallelism); std::nullopt for an unknown name.
std::optional<Parallelism> parse_parallelism(std::string const &text);
/// Inverse of name(Recruitment); std::nullopt for an unknown name.
std::optional<Recruitment> parse_recruitment(std::string const &text);
/// Inverse of name(KernelChoice); std::nullopt for an unknown name.
std::optional<KernelChoice> parse_kernel_choice(std::string const &text);
/// Every parallelism, in the order of the enum (for loops in tests and benchmarks, lists of names).
std::vector<Parallelism> all_parallelisms();
/// Every recruitment strategy, in the order of the enum.
std::vector<Recruitment> all_recruitments();
/// Every kernel choice, in the order of the enum.
std::vector<KernelChoice> all_kernel_choices();

/// Tunables of infer(). The defaults are the fastest measured configuration on the challenge data.
struct InferenceOptions
{
  /// Who runs which tile (and layer).
  Parallelism parallelism = Parallelism::manager_worker;
  RowHash hash = RowHash::none; ///< permutation of input rows before they are cut into tiles
  std::uint64_t hash_seed = 1;  ///< seed of RowHash::feistel
  /// Recruitment strategy of Parallelism::data_then_model.
  Recruitment recruitment = Recruitment::earliest_first;
  /// Tile storage and kernel.
  KernelChoice kernel = KernelChoice::automatic;
  std::int64_t tile_rows = 0;   ///< input rows per tile; 0 picks the mode's default
  double dense_above = 0.06;    ///< a sparse tile whose next Y would exceed this density goes dense
  double sparse_below = 0.02;   ///< a dense tile whose density falls below this goes back to CSC
  float ymax = challenge_ymax;  ///< activation ceiling
  bool keep_activations = true; ///< fill the activations of the result (costs a copy of the final Y)
  /// Called now and then with (tile-layers done, tile-layers in all) from whichever thread made the
  /// progress, never by two threads at once. May be empty.
  std::function<void(std::int64_t, std::int64_t)> progress;
};

/// Result of infer() on a RowBlock.
struct RowInferenceResult
{
  std::vector<LayerStats> layers; ///< one entry per layer run, numbered as in the whole network (1-based)
  /// The rows of the block with a nonzero after the last layer run, in the block's order, with their ids, and
  /// their activations (the final Y) when InferenceOptions::keep_activations is set (else the rows are empty).
  RowBlock survivors;
};

/// Parallel inference on the threads of a host execution space (Serial, OpenMP or Threads): the engine.
///
/// Same semantics as reference_inference(): for each layer Y = min(max(Y·W_l + bias on the nonzeros, 0), ymax).
/// Every Z(r, j) is accumulated in float in ascending order of the inner index, so the categories and the
/// activations are bit-for-bit those of the reference whatever the mode, hash, kernel and thread count.
/// Rows are permuted by `options.hash`, cut into tiles of `tile_rows`, and each tile runs all its layers with
/// dead rows removed as they die.
///
/// \param space host execution space; all its threads take part
/// \param rows Y_{first}: rows of the activations (N columns) with their ids; read in place, not copied
/// \param network the prepared layers (prepare once, run many blocks and segments)
/// \param options mode, hashing, tiling and kernel choice
/// \param report if not null, receives where the time went
/// \param range the layers to run (a segment of the network); all by default
/// \throws std::logic_error if dimensions disagree, an option is out of range or an input value is not finite
template <class ExecutionSpace>
RowInferenceResult infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
                         InferenceOptions const &options, WorkReport *report = nullptr, LayerRange range = {});

/// infer() into `result`, whose arrays are overwritten with their capacity kept: a caller that runs block after
/// block (or layer after layer) reuses the same memory instead of allocating the survivors again each time.
template <class ExecutionSpace>
void infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
           InferenceOptions const &options, RowInferenceResult &result, WorkReport *report = nullptr,
           LayerRange range = {});

/// infer() on a whole matrix of inputs: the rows of `inputs` (ids 0..rows-1) through `layers` prepared on the spot
/// (NeuronOrder::clustered).
/// The categories are the rows left with a nonzero, the activations (when kept) in the inputs' row numbering.
///
/// \param space host execution space; all its threads take part
/// \param inputs Y_0, rows = inputs, columns = N
/// \param layers W_1..W_L, each N × N
/// \param bias added to every nonzero of Y·W_l
/// \param options mode, hashing, tiling and kernel choice
/// \param report if not null, receives where the time went
/// \throws std::logic_error if dimensions disagree or an option is out of range
template <class ExecutionSpace>
InferenceResult infer(ExecutionSpace const &space, HostCsc const &inputs, std::vector<HostCsc> const &layers,
                      float bias, InferenceOptions const &options, WorkReport *report = nullptr);

#define SDNN_INFER_EXTERN(SPACE)                                                                                       \
  extern template RowInferenceResult infer<SPACE>(SPACE const &, RowBlock const &, PreparedNetwork const &,            \
                                                  InferenceOptions const &, WorkReport *, LayerRange);                 \
  extern template void infer<SPACE>(SPACE const &, RowBlock const &, PreparedNetwork const &,                          \
                                    InferenceOptions const &, RowInferenceResult &, WorkReport *, LayerRange);         \
  extern template InferenceResult infer<SPACE>(SPACE const &, HostCsc const &, std::vector<HostCsc> const &, float,    \
                                               InferenceOptions const &, WorkReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_INFER_EXTERN

} // namespace sdnn

#endif
