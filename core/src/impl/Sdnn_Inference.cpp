#include <Sdnn_Inference.hpp>

#include "Sdnn_DataMode.hpp"
#include "Sdnn_DataThenModelMode.hpp"
#include "Sdnn_ManagerWorkerMode.hpp"
#include "Sdnn_ModelMode.hpp"
#include "Sdnn_TileSizing.hpp"
#include "Sdnn_TiledInference.hpp"
#include "Sdnn_WorkStealingMode.hpp"

#include <algorithm>
#include <vector>

namespace sdnn
{

template <class ExecutionSpace>
InferenceResult infer(ExecutionSpace const &space, HostCsc const &inputs, std::vector<HostCsc> const &layers,
                      float bias, InferenceOptions const &options, WorkReport *report)
{
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "sdnn::infer: ExecutionSpace must be a Kokkos execution space");
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible,
                "sdnn::infer: ExecutionSpace must run on the host");
  std::int64_t const n = inputs.num_cols();
  for (std::size_t l = 0; l < layers.size(); ++l)
    SDNN_REQUIRE(layers[l].num_rows() == n && layers[l].num_cols() == n,
                 "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols()
                          << ", the inputs have " << n << " columns");
  SDNN_REQUIRE(n > 0 && n < (std::int64_t(1) << 30), "the inputs have " << n << " columns");
  SDNN_REQUIRE(options.tile_rows >= 0, "tile_rows must be >= 0, got " << options.tile_rows);
  SDNN_REQUIRE(options.sparse_below <= options.dense_above && options.sparse_below <= 0.5,
               "need sparse_below <= dense_above and sparse_below <= 0.5, got " << options.sparse_below << " and "
                                                                                << options.dense_above);

  int const threads = std::max(1, static_cast<int>(space.concurrency()));
  impl::TiledInference inference(inputs, layers, bias, options, threads);
  std::int64_t const rows = inputs.num_rows();
  std::int64_t const tile_rows = options.tile_rows > 0
                                     ? std::min<std::int64_t>(options.tile_rows, std::max<std::int64_t>(rows, 1))
                                     : impl::default_tile_rows(options.parallelism, rows, n, threads);
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

  auto result = inference.result(report);
  if (report)
  {
    report->parallelism = name(options.parallelism);
    report->threads = threads;
    report->busy_seconds = busy;
    report->workspace_bytes = 0;
    for (auto const &ws : workspaces)
      report->workspace_bytes += ws.bytes();
  }
  return result;
}

#define SDNN_INFER_INSTANTIATE(SPACE)                                                                                  \
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
