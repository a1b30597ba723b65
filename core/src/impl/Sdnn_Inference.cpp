#include <Sdnn_Inference.hpp>

#include "Sdnn_DataMode.hpp"
#include "Sdnn_DataThenModelMode.hpp"
#include "Sdnn_InferenceScratch.hpp"
#include "Sdnn_ManagerWorkerMode.hpp"
#include "Sdnn_ModelMode.hpp"
#include "Sdnn_TileSizing.hpp"
#include "Sdnn_TiledInference.hpp"
#include "Sdnn_WorkStealingMode.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sdnn
{

template <class ExecutionSpace>
void impl::infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
                 InferenceOptions const &options, RowInferenceResult &result, WorkReport *report, LayerRange range,
                 InferenceScratch &scratch)
{
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "sdnn::infer: ExecutionSpace must be a Kokkos execution space");
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "sdnn::infer: ExecutionSpace must run on the host");
  std::int64_t const n = rows.num_cols;
  int const first = range.first;
  int const last = range.last == LayerRange::all_layers ? network.num_layers() : range.last;
  SDNN_REQUIRE(0 <= first && first <= last && last <= network.num_layers(),
               "layers [" << range.first << ", " << range.last << ") of a network of " << network.num_layers());
  SDNN_REQUIRE(network.num_layers() == 0 || network.num_neurons() == n,
               "the layers are " << network.num_neurons() << " x " << network.num_neurons() << ", the inputs have " << n
                                 << " columns");
  SDNN_REQUIRE(n > 0 && n < (std::int64_t(1) << 30), "the inputs have " << n << " columns");
  SDNN_REQUIRE(static_cast<std::int64_t>(rows.row_ptr.size()) == rows.num_rows() + 1 &&
                   static_cast<std::int64_t>(rows.col_idx.size()) == rows.nnz() &&
                   static_cast<std::int64_t>(rows.values.size()) == rows.nnz(),
               "the row block has " << rows.num_rows() << " ids, " << rows.row_ptr.size() << " row pointers, "
                                    << rows.col_idx.size() << " column indices and " << rows.values.size()
                                    << " values");
  // On the space's threads: at N = 65536 a streamed window's rows hold hundreds of millions of values.
  std::int64_t non_finite = 0;
  Kokkos::parallel_reduce(
      "sdnn::infer::check_inputs",
      Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
          space, 0, static_cast<std::int64_t>(rows.values.size())),
      [&](std::int64_t e, std::int64_t &count) { count += std::isfinite(rows.values[e]) ? 0 : 1; }, non_finite);
  if (non_finite > 0)
    for (float const v : rows.values)
      SDNN_REQUIRE(std::isfinite(v), "an input holds " << v << ": the kernels need finite inputs to agree");
  SDNN_REQUIRE(options.tile_rows >= 0, "tile_rows must be >= 0, got " << options.tile_rows);
  SDNN_REQUIRE(options.sparse_below <= options.dense_above && options.sparse_below <= 0.5,
               "need sparse_below <= dense_above and sparse_below <= 0.5, got " << options.sparse_below << " and "
                                                                                << options.dense_above);

  int const threads = std::max(1, static_cast<int>(space.concurrency()));
  impl::TiledInference inference(rows, network.prepared(), first, last, options, threads, scratch.tile_outputs);
  std::int64_t const num_rows = rows.num_rows();
  std::int64_t const tile_rows = options.tile_rows > 0
                                     ? std::min<std::int64_t>(options.tile_rows, std::max<std::int64_t>(num_rows, 1))
                                     : impl::default_tile_rows(options.parallelism, num_rows, n, threads);
  inference.make_tiles(space, tile_rows);

  std::vector<double> busy(threads, 0.0);
  std::vector<impl::TileWorkspace> workspaces;
  bool const grouped = options.parallelism == Parallelism::model || options.parallelism == Parallelism::data_then_model;
  int const count = options.parallelism == Parallelism::model ? 1 : threads;
  for (int k = 0; k < count; ++k)
    workspaces.push_back(inference.workspace(grouped ? threads : 1));

  switch (options.parallelism)
  {
  case Parallelism::data:
    impl::run_data(space, inference, workspaces, busy);
    break;
  case Parallelism::model:
    impl::run_model(space, inference, workspaces[0], busy);
    break;
  case Parallelism::manager_worker:
    impl::run_manager_worker(space, inference, workspaces, busy);
    break;
  case Parallelism::work_stealing:
    impl::run_work_stealing(space, inference, workspaces, busy);
    break;
  case Parallelism::data_then_model:
    impl::DataThenModel<ExecutionSpace>(inference, workspaces, busy).run(space);
    break;
  }

  inference.finish_progress();
  inference.result(space, result, report);
  if (report)
  {
    report->parallelism = name(options.parallelism);
    report->threads = threads;
    report->busy_seconds = busy;
    report->workspace_bytes = 0;
    for (auto const &ws : workspaces)
      report->workspace_bytes += ws.bytes();
  }
}

template <class ExecutionSpace>
void infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
           InferenceOptions const &options, RowInferenceResult &result, WorkReport *report, LayerRange range)
{
  impl::InferenceScratch scratch;
  impl::infer(space, rows, network, options, result, report, range, scratch);
}

template <class ExecutionSpace>
RowInferenceResult infer(ExecutionSpace const &space, RowBlock const &rows, PreparedNetwork const &network,
                         InferenceOptions const &options, WorkReport *report, LayerRange range)
{
  RowInferenceResult result;
  infer(space, rows, network, options, result, report, range);
  return result;
}

template <class ExecutionSpace>
InferenceResult infer(ExecutionSpace const &space, HostCsc const &inputs, std::vector<HostCsc> const &layers,
                      float bias, InferenceOptions const &options, WorkReport *report)
{
  for (std::size_t l = 0; l < layers.size(); ++l)
    SDNN_REQUIRE(layers[l].num_rows() == inputs.num_cols() && layers[l].num_cols() == inputs.num_cols(),
                 "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols()
                          << ", the inputs have " << inputs.num_cols() << " columns");
  auto run = infer(space, to_row_block(inputs), PreparedNetwork(layers, bias, NeuronOrder::clustered), options, report);
  InferenceResult out;
  out.layers = std::move(run.layers);
  out.categories = run.survivors.ids;
  out.activations = to_csr(std::move(run.survivors), inputs.num_rows());
  return out;
}

#define SDNN_INFER_INSTANTIATE(SPACE)                                                                                  \
  template RowInferenceResult infer<SPACE>(SPACE const &, RowBlock const &, PreparedNetwork const &,                   \
                                           InferenceOptions const &, WorkReport *, LayerRange);                        \
  template void infer<SPACE>(SPACE const &, RowBlock const &, PreparedNetwork const &, InferenceOptions const &,       \
                             RowInferenceResult &, WorkReport *, LayerRange);                                          \
  template void impl::infer<SPACE>(SPACE const &, RowBlock const &, PreparedNetwork const &, InferenceOptions const &, \
                                   RowInferenceResult &, WorkReport *, LayerRange, impl::InferenceScratch &);          \
  template InferenceResult infer<SPACE>(SPACE const &, HostCsc const &, std::vector<HostCsc> const &, float,           \
                                        InferenceOptions const &, WorkReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_INSTANTIATE(Kokkos::Threads)
#endif
#undef SDNN_INFER_INSTANTIATE

} // namespace sdnn
