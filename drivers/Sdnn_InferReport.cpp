#include "Sdnn_InferReport.hpp"
#include "Sdnn_ReportJson.hpp"

namespace sdnn::cli
{

void print_header(int ranks, std::string const &mode, DatasetOptions const &dataset, std::int64_t num_inputs,
                  std::int64_t input_nnz, std::int64_t edges, float bias, Json &report)
{
  std::printf("sdnn %s | Kokkos %d.%d.%d %s, concurrency %d | %d rank%s | mode %s\n", SDNN_VERSION_STRING,
              KOKKOS_VERSION / 10000, KOKKOS_VERSION / 100 % 100, KOKKOS_VERSION % 100,
              Kokkos::DefaultExecutionSpace::name(), Kokkos::DefaultExecutionSpace().concurrency(), ranks,
              ranks > 1 ? "s" : "", mode.c_str());
  std::printf("dataset      : N=%lld L=%lld inputs=%lld input-nnz=%lld edges=%lld bias=%g\n",
              static_cast<long long>(dataset.neurons), static_cast<long long>(dataset.layers),
              static_cast<long long>(num_inputs), static_cast<long long>(input_nnz), static_cast<long long>(edges),
              static_cast<double>(bias));
  std::printf("kernels      : %s (%s multiply-add; best on this CPU: %s)\n", name(active_instruction_set()).c_str(),
              multiply_add_is_fused() ? "fused" : "unfused", name(best_instruction_set()).c_str());
  std::fflush(stdout);
  report["sdnn_version"] = SDNN_VERSION_STRING;
  report["kokkos_version"] = std::to_string(KOKKOS_VERSION / 10000) + "." + std::to_string(KOKKOS_VERSION / 100 % 100) +
                             "." + std::to_string(KOKKOS_VERSION % 100);
  report["backend"] = Kokkos::DefaultExecutionSpace::name();
  report["concurrency"] = Kokkos::DefaultExecutionSpace().concurrency();
  report["ranks"] = ranks;
  report["mode"] = mode;
  report["dataset"] = dataset_json(dataset, num_inputs, input_nnz, edges, bias);
  Json &kernels = report["kernels"] = Json::object();
  kernels["instruction_set"] = name(active_instruction_set());
  kernels["fused_multiply_add"] = multiply_add_is_fused();
  kernels["best_on_this_cpu"] = name(best_instruction_set());
}

void print_engine_work(InferenceOptions const &engine, WorkReport const &work, bool several_ranks, Json &report)
{
  char const *const of_rank = several_ranks ? " (rank 0)" : "";
  Json &options = report["engine"] = Json::object();
  options["hash"] = name(engine.hash);
  options["hash_seed"] = engine.hash_seed;
  options["kernel"] = name(engine.kernel);
  options["recruitment"] = name(engine.recruitment);
  options["dense_above"] = engine.dense_above;
  options["sparse_below"] = engine.sparse_below;
  report["work"] = to_json(work);
  if (several_ranks)
    report["work_of"] = "rank 0";
  std::printf("parallel     : %d threads, hash %s, %lld tiles of %lld rows, kernel %s (%lld dense, %lld sparse "
              "tile-layers), workspace %.1f MiB%s\n",
              work.threads, name(engine.hash).c_str(), static_cast<long long>(work.tiles),
              static_cast<long long>(work.tile_rows), name(engine.kernel).c_str(),
              static_cast<long long>(work.dense_tile_layers), static_cast<long long>(work.sparse_tile_layers),
              static_cast<double>(work.workspace_bytes) / (1 << 20), of_rank);
  if (engine.parallelism == Parallelism::data_then_model)
    std::printf("recruitment  : %s, %lld recruitments (first by part %d), helpers joined parts [%s], %lld "
                "tile-layers split among recruited threads%s\n",
                name(engine.recruitment).c_str(), static_cast<long long>(work.recruitments), work.first_recruiting_part,
                join(work.recruited_helpers, "%lld").c_str(), static_cast<long long>(work.split_tile_layers), of_rank);
  if (engine.parallelism == Parallelism::model && work.split_tile_layers > 0)
    std::printf("sync         : %.3f thread-s waiting at barriers, %.1f us per split tile-layer per thread%s\n",
                work.sync_seconds, 1e6 * work.sync_seconds / static_cast<double>(work.split_tile_layers * work.threads),
                of_rank);
  if (engine.parallelism == Parallelism::work_stealing)
    std::printf("steals       : %lld%s\n", static_cast<long long>(work.steals), of_rank);
  std::printf("busy (s)     : %s | imbalance (max/mean) %.3f%s\n", join(work.busy_seconds, "%.3f").c_str(),
              work.imbalance(), several_ranks ? " (threads of rank 0)" : "");
  if (work.dense_seconds > 0.0)
    std::printf("dense kernel : %.4e multiply-adds (live rows x nnz of W) in %.3f thread-s, %.4e MAC/s per "
                "thread%s\n",
                static_cast<double>(work.dense_multiply_adds), work.dense_seconds,
                static_cast<double>(work.dense_multiply_adds) / work.dense_seconds, of_rank);
  if (double const median = work.dense_median_rate(); median > 0.0)
    std::printf("dense median : %.4e MAC/s per thread (median step rate, weighted by multiply-adds, +-%.1f %%)%s\n",
                median, 50.0 * WorkReport::dense_rate_resolution(), of_rank);
}

} // namespace sdnn::cli
