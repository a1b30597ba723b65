#include <Sdnn_Error.hpp>
#include <Sdnn_StreamingPlan.hpp>

#include "../impl/Sdnn_TileSizing.hpp"
#include "../impl/Sdnn_TileWorkspace.hpp"

#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace sdnn
{

namespace
{
/// What the process needs besides the plan's items: the runtime (Kokkos, MPI, the program), the output's
/// categories and per-layer figures.
constexpr std::int64_t runtime_allowance = std::int64_t(96) << 20;

std::string mib(std::int64_t bytes)
{
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / (1 << 20) << " MiB";
  return out.str();
}
} // namespace

std::int64_t default_memory_limit()
{
  long const pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0)
    return std::int64_t(8) << 30;
  return static_cast<std::int64_t>(pages) * page / 4 * 3;
}

StreamingPlan plan_streaming(std::int64_t num_rows, std::int64_t num_neurons, int num_layers, std::int64_t input_bytes,
                             std::int64_t layer_bytes, int threads, InferenceOptions const &inference,
                             StreamingOptions const &streaming)
{
  SDNN_REQUIRE(num_rows >= 0 && num_neurons > 0 && num_layers >= 0 && layer_bytes >= 0 && threads >= 1,
               "rows " << num_rows << ", N " << num_neurons << ", L " << num_layers << ", layer bytes " << layer_bytes
                       << ", threads " << threads);
  SDNN_REQUIRE(streaming.window_layers >= 0 && streaming.batch_rows >= 0 && streaming.memory_limit >= 0,
               "window_layers " << streaming.window_layers << ", batch_rows " << streaming.batch_rows
                                << ", memory_limit " << streaming.memory_limit);
  StreamingPlan plan;
  plan.memory_limit = streaming.memory_limit > 0 ? streaming.memory_limit : default_memory_limit();
  plan.held_bytes = input_bytes + streaming.held_bytes + runtime_allowance;
  plan.layer_bytes = layer_bytes;
  // A row's activations as a window's input, as its tile's output and as the window's result: N entries of a
  // column index and a value each at worst, plus its id and row pointers.
  plan.row_bytes = 3 * (8 * num_neurons + 16);
  std::int64_t const tile_rows =
      inference.tile_rows > 0
          ? inference.tile_rows
          : impl::default_tile_rows(inference.parallelism, std::max<std::int64_t>(num_rows, 1), num_neurons, threads);
  bool const grouped =
      inference.parallelism == Parallelism::model || inference.parallelism == Parallelism::data_then_model;
  int const workspaces = inference.parallelism == Parallelism::model ? 1 : threads;
  plan.workspace_bytes = workspaces * impl::TileWorkspace::bytes_bound(num_neurons, tile_rows, grouped ? threads : 1);
  plan.num_layers = num_layers;
  plan.num_rows = num_rows;

  std::int64_t const least =
      plan.held_bytes + plan.workspace_bytes + (num_layers > 0 ? layer_bytes : 0) + (num_rows > 0 ? plan.row_bytes : 0);
  SDNN_USER_REQUIRE(least <= plan.memory_limit,
                    "the memory limit of " << mib(plan.memory_limit) << " cannot hold the inputs (" << mib(input_bytes)
                                           << "), one layer (" << mib(layer_bytes) << "), the tiles' workspaces ("
                                           << mib(plan.workspace_bytes) << ") and one row of activations ("
                                           << mib(plan.row_bytes) << ") with the runtime's " << mib(runtime_allowance)
                                           << ": give at least " << mib(least));
  std::int64_t const room = plan.memory_limit - plan.held_bytes - plan.workspace_bytes;
  // Layers get a quarter of the room when it holds one (the rows are what the batches need), the rows the rest.
  std::int64_t window = std::max<std::int64_t>(1, room / 4 / std::max<std::int64_t>(layer_bytes, 1));
  window = std::min<std::int64_t>(window, std::max(num_layers, 1));
  if (streaming.window_layers > 0)
    window = std::min<std::int64_t>(window, streaming.window_layers);
  plan.window_layers = num_layers == 0 ? 0 : static_cast<int>(window);
  std::int64_t batch = (room - plan.window_layers * layer_bytes) / plan.row_bytes;
  batch = std::clamp<std::int64_t>(batch, 1, std::max<std::int64_t>(num_rows, 1));
  if (streaming.batch_rows > 0)
    batch = std::min(batch, streaming.batch_rows);
  plan.batch_rows = num_rows == 0 ? 0 : batch;
  return plan;
}

} // namespace sdnn
