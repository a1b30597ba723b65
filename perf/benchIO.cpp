// Google Benchmark: loading a generated challenge layer and image set from text versus the binary
// cache, and the sequential reference inference, with the Kokkos configuration in the context.
//   build/openmp/perf/sdnn_benchmarks --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <Sdnn.hpp>

#include <Kokkos_Core.hpp>
#include <benchmark/benchmark.h>

#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace
{

std::filesystem::path scratch_dir()
{
  auto dir = std::filesystem::temp_directory_path() / ("sdnn-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

struct Files
{
  std::filesystem::path dir = scratch_dir();
  std::string layer_tsv, layer_bin, images_tsv, images_bin;
  Files()
  {
    sdnn::RadixNet const net(4096, 1);
    auto const layer = net.layer(1);
    layer_tsv = (dir / "n4096-l1.tsv").string();
    layer_bin = (dir / "n4096-l1.sdnn").string();
    sdnn::write_challenge_layer(layer_tsv, layer);
    sdnn::write_binary_matrix(layer_bin, layer);
    auto const images = sdnn::challenge_images(sdnn::synthetic_gray_images(20000, 1), 1024);
    images_tsv = (dir / "images.tsv").string();
    images_bin = (dir / "images.sdnn").string();
    sdnn::write_challenge_images(images_tsv, images);
    sdnn::write_binary_matrix(images_bin, images);
  }
  ~Files() { std::filesystem::remove_all(dir); }
};

Files const &files()
{
  static Files const f;
  return f;
}

void set_bytes(benchmark::State &state, std::string const &path)
{
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * std::filesystem::file_size(path)));
}

void BM_read_layer_tsv(benchmark::State &state)
{
  for (auto _ : state)
    benchmark::DoNotOptimize(sdnn::read_tsv_matrix(files().layer_tsv, 4096, 4096));
  set_bytes(state, files().layer_tsv);
}

void BM_read_layer_binary(benchmark::State &state)
{
  for (auto _ : state)
    benchmark::DoNotOptimize(sdnn::read_binary_matrix(files().layer_bin, 4096, 4096));
  set_bytes(state, files().layer_bin);
}

void BM_read_images_tsv(benchmark::State &state)
{
  for (auto _ : state)
    benchmark::DoNotOptimize(sdnn::read_tsv_matrix(files().images_tsv, sdnn::any_size, 1024));
  set_bytes(state, files().images_tsv);
}

void BM_read_images_binary(benchmark::State &state)
{
  for (auto _ : state)
    benchmark::DoNotOptimize(sdnn::read_binary_matrix(files().images_bin, sdnn::any_size, 1024));
  set_bytes(state, files().images_bin);
}

/// Reference inference over `layers` RadiX-Net layers of N=1024 on 2000 synthetic images;
/// counter `madds/s` counts the useful multiply-adds Σ_l nnz(Y_{l-1})·32.
void BM_reference_inference(benchmark::State &state)
{
  int const num_layers = static_cast<int>(state.range(0));
  sdnn::RadixNet const net(1024, 1);
  std::vector<sdnn::HostCsc> layers;
  for (int l = 1; l <= num_layers; ++l)
    layers.push_back(net.layer(l));
  auto const images = sdnn::challenge_images(sdnn::synthetic_gray_images(2000, 3), 1024);
  double madds = 0;
  for (auto _ : state)
  {
    auto const result = sdnn::reference_inference(images, layers, -0.3f);
    madds = 32.0 * static_cast<double>(images.nnz());
    for (std::size_t l = 0; l + 1 < result.layers.size(); ++l)
      madds += 32.0 * static_cast<double>(result.layers[l].nnz);
    benchmark::DoNotOptimize(result.categories.data());
  }
  state.counters["madds/s"] = benchmark::Counter(madds * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["edges/s"] =
      benchmark::Counter(2000.0 * 32 * 1024 * num_layers * state.iterations(), benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(BM_read_layer_tsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_layer_binary)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_images_tsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_read_images_binary)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_reference_inference)->Arg(12)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
  Kokkos::ScopeGuard guard(argc, argv);
  benchmark::Initialize(&argc, argv);
  std::ostringstream config;
  Kokkos::print_configuration(config);
  benchmark::AddCustomContext("sdnn", SDNN_VERSION_STRING);
  benchmark::AddCustomContext("git", SDNN_GIT_HASH);
  benchmark::AddCustomContext("kokkos_execution_space", Kokkos::DefaultExecutionSpace::name());
  benchmark::AddCustomContext("kokkos_concurrency", std::to_string(Kokkos::DefaultExecutionSpace().concurrency()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
