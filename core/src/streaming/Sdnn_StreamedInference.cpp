#include <Sdnn_StreamedInference.hpp>

#include "../impl/Sdnn_HostCscStorage.hpp"
#include "../impl/Sdnn_InferenceScratch.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace sdnn
{

namespace
{
/// Bytes of a layer resident for the engine: its CSC and its preparation.
std::int64_t resident_bytes(PreparedNetwork const &network)
{
  std::int64_t bytes = network.prepared_bytes();
  for (auto const &w : network.layers())
    bytes += impl::host_csc_bytes(w);
  return bytes;
}
} // namespace

template <class ExecutionSpace>
InferenceResult infer_streamed(ExecutionSpace const &space, HostCsc const &inputs, LayerSource const &layers,
                               float bias, InferenceOptions const &options, StreamingOptions const &streaming,
                               StreamingReport *report)
{
  std::int64_t const n = layers.num_neurons();
  int const num_layers = layers.num_layers();
  SDNN_REQUIRE(inputs.num_cols() == n,
               "the layers are " << n << " x " << n << ", the inputs have " << inputs.num_cols() << " columns");
  std::int64_t const num_rows = inputs.num_rows();
  int const threads = std::max(1, static_cast<int>(space.concurrency()));
  StreamingReport local;
  StreamingReport &out = report ? *report : local;
  out = StreamingReport();
  out.layer_nnz.assign(num_layers, -1);

  // The first layer, prepared, measures what a resident layer costs; it opens the first window of the first batch.
  Kokkos::Timer timer;
  std::vector<HostCsc> first_layer;
  if (num_layers > 0)
    first_layer.push_back(layers.layer(1));
  std::int64_t const layer_bytes =
      num_layers > 0 ? resident_bytes(PreparedNetwork(first_layer, bias, NeuronOrder::clustered)) : std::int64_t(0);
  out.layer_seconds += timer.seconds();
  out.plan =
      plan_streaming(num_rows, n, num_layers, impl::host_csc_bytes(inputs), layer_bytes, threads, options, streaming);
  StreamingPlan const &plan = out.plan;

  InferenceResult result;
  result.layers.resize(num_layers);
  for (int l = 0; l < num_layers; ++l)
    result.layers[l].layer = l + 1;
  RowBlock survivors; // of every batch, in id order

  std::int64_t const steps = std::max<std::int64_t>(1, plan.batches() * num_layers);
  InferenceOptions engine = options;
  RowBlock rows;
  RowInferenceResult window_result;
  impl::InferenceScratch scratch; // the tiles' outputs, their arrays reused by every window
  for (std::int64_t b = 0; b < plan.batches(); ++b)
  {
    std::int64_t const batch_first = b * plan.batch_rows,
                       batch_last = std::min(num_rows, batch_first + plan.batch_rows);
    rows = to_row_block(inputs, batch_first, batch_last);
    drop_empty_rows(rows); // never categories, even without layers
    ++out.batches;
    for (int first = 0; first < num_layers && rows.num_rows() > 0; first += plan.window_layers)
    {
      int const last = std::min(num_layers, first + plan.window_layers);
      timer.reset();
      std::vector<HostCsc> window;
      window.reserve(last - first);
      for (int k = first + 1; k <= last; ++k)
      {
        if (k == 1 && !first_layer.empty())
          window.push_back(std::move(first_layer.front()));
        else
          window.push_back(layers.layer(k)); // checked N x N
        out.layer_nnz[k - 1] = window.back().nnz();
        ++out.layers_loaded;
      }
      first_layer.clear();
      PreparedNetwork const network(std::move(window), bias, NeuronOrder::clustered);
      for (int k = last + 1; k <= std::min(num_layers, last + plan.window_layers); ++k)
        layers.prefetch(k);
      out.layer_seconds += timer.seconds();

      bool const final_window = last == num_layers;
      engine.keep_activations = options.keep_activations || !final_window;
      std::int64_t const done_before = (b * num_layers + first) * std::int64_t(1000);
      if (options.progress)
        engine.progress = [&, done_before, span = last - first](std::int64_t done, std::int64_t total)
        { options.progress(done_before + done * span * 1000 / std::max<std::int64_t>(total, 1), steps * 1000); };
      timer.reset();
      WorkReport work;
      impl::infer(space, rows, network, engine, window_result, &work, LayerRange{}, scratch);
      out.compute_seconds += timer.seconds();
      accumulate(out.work, work);
      ++out.windows;
      for (auto const &s : window_result.layers)
      {
        auto &total = result.layers[first + s.layer - 1];
        total.active_rows += s.active_rows;
        total.nnz += s.nnz;
      }
      std::swap(rows, window_result.survivors);
    }
    append_rows(survivors, rows); // the batches come in row order
  }
  result.categories = survivors.ids;
  result.activations = to_csr(std::move(survivors), num_rows); // empty rows unless options.keep_activations
  if (options.progress)
    options.progress(steps * 1000, steps * 1000);
  return result;
}

#define SDNN_INFER_STREAMED_INSTANTIATE(SPACE)                                                                         \
  template InferenceResult infer_streamed<SPACE>(SPACE const &, HostCsc const &, LayerSource const &, float,           \
                                                 InferenceOptions const &, StreamingOptions const &,                   \
                                                 StreamingReport *);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_INFER_STREAMED_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_INFER_STREAMED_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_INFER_STREAMED_INSTANTIATE(Kokkos::Threads)
#endif
#undef SDNN_INFER_STREAMED_INSTANTIATE

} // namespace sdnn
