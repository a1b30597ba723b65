// sdnn_graphblas: the Graph Challenge inference written against SuiteSparse:GraphBLAS, a peer baseline for
// `sdnn infer`. Same options, same readers (binary cache included), same check and the same report lines, so
// that the benchmark scripts parse both. The timed loop is the challenge's GraphBLAS method (LAGraph_dnn):
// per layer Y = Y*W (PLUS_TIMES), add the bias to the entries, drop entries <= 0, clip at 32. The reference
// adds the bias with a diagonal matrix and MIN_PLUS; the challenge's bias is one value for every neuron, so
// here it is bound as the second operand of PLUS, which gives the same entries without a second product.
//
// Exit status: 0 check passed (or --no-check), 1 check failed, 2 bad command line or bad input (one line on
// stderr naming the file), 3 internal error (including a failed GraphBLAS call, named with its status).
#include "Sdnn_Cli.hpp"

#include <Sdnn.hpp>

#include <Kokkos_Core.hpp>

extern "C"
{
#include <GraphBLAS.h>
}

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace
{

using namespace sdnn;
using namespace sdnn::cli;

char const *info_name(GrB_Info info)
{
  switch (info)
  {
  case GrB_SUCCESS:
    return "GrB_SUCCESS";
  case GrB_NO_VALUE:
    return "GrB_NO_VALUE";
  case GxB_EXHAUSTED:
    return "GxB_EXHAUSTED";
  case GrB_UNINITIALIZED_OBJECT:
    return "GrB_UNINITIALIZED_OBJECT";
  case GrB_NULL_POINTER:
    return "GrB_NULL_POINTER";
  case GrB_INVALID_VALUE:
    return "GrB_INVALID_VALUE";
  case GrB_INVALID_INDEX:
    return "GrB_INVALID_INDEX";
  case GrB_DOMAIN_MISMATCH:
    return "GrB_DOMAIN_MISMATCH";
  case GrB_DIMENSION_MISMATCH:
    return "GrB_DIMENSION_MISMATCH";
  case GrB_OUTPUT_NOT_EMPTY:
    return "GrB_OUTPUT_NOT_EMPTY";
  case GrB_NOT_IMPLEMENTED:
    return "GrB_NOT_IMPLEMENTED";
  case GrB_PANIC:
    return "GrB_PANIC";
  case GrB_OUT_OF_MEMORY:
    return "GrB_OUT_OF_MEMORY";
  case GrB_INSUFFICIENT_SPACE:
    return "GrB_INSUFFICIENT_SPACE";
  case GrB_INVALID_OBJECT:
    return "GrB_INVALID_OBJECT";
  case GrB_INDEX_OUT_OF_BOUNDS:
    return "GrB_INDEX_OUT_OF_BOUNDS";
  case GrB_EMPTY_OBJECT:
    return "GrB_EMPTY_OBJECT";
  }
  return "unknown GrB_Info";
}

/// Throws std::runtime_error naming the call, its status and GraphBLAS' own explanation (from `object`, the
/// matrix the call wrote, when given) unless `info` is GrB_SUCCESS.
void grb_check(GrB_Info info, char const *call, GrB_Matrix object = nullptr)
{
  if (info == GrB_SUCCESS)
    return;
  std::string message = std::string(call) + " failed: " + info_name(info) + " (" + std::to_string(info) + ")";
  char const *detail = nullptr;
  if (object != nullptr && GrB_Matrix_error(&detail, object) == GrB_SUCCESS && detail != nullptr && *detail != '\0')
    message += ": " + std::string(detail);
  if (info == GrB_OUT_OF_MEMORY)
    message += " (try fewer inputs with --num-inputs)";
  throw std::runtime_error(message);
}

/// Calls a GraphBLAS function and checks its status; the message carries the call as written.
#define SDNN_GRB(call) grb_check((call), #call)
/// The same for a call whose output matrix `object` can explain a failure.
#define SDNN_GRB_ON(object, call) grb_check((call), #call, (object))

/// GrB_init / GrB_finalize.
struct GraphBlasSession
{
  GraphBlasSession() { SDNN_GRB(GrB_init(GrB_NONBLOCKING)); }
  ~GraphBlasSession() { GrB_finalize(); }
  GraphBlasSession(GraphBlasSession const &) = delete;
  GraphBlasSession &operator=(GraphBlasSession const &) = delete;
};

/// Owns a GrB_Matrix.
class Matrix
{
public:
  Matrix() = default;
  Matrix(GrB_Index num_rows, GrB_Index num_cols) { SDNN_GRB(GrB_Matrix_new(&m_matrix, GrB_FP32, num_rows, num_cols)); }
  Matrix(Matrix &&other) noexcept : m_matrix(std::exchange(other.m_matrix, nullptr)) {}
  Matrix &operator=(Matrix &&other) noexcept
  {
    std::swap(m_matrix, other.m_matrix);
    return *this;
  }
  Matrix(Matrix const &) = delete;
  Matrix &operator=(Matrix const &) = delete;
  ~Matrix()
  {
    if (m_matrix != nullptr)
      GrB_Matrix_free(&m_matrix);
  }
  GrB_Matrix get() const { return m_matrix; }
  GrB_Matrix *out() { return &m_matrix; }
  GrB_Index nvals() const
  {
    GrB_Index n = 0;
    SDNN_GRB_ON(m_matrix, GrB_Matrix_nvals(&n, m_matrix));
    return n;
  }

private:
  GrB_Matrix m_matrix = nullptr;
};

/// Owns a GrB_Vector.
class Vector
{
public:
  explicit Vector(GrB_Index size) { SDNN_GRB(GrB_Vector_new(&m_vector, GrB_FP32, size)); }
  Vector(Vector const &) = delete;
  Vector &operator=(Vector const &) = delete;
  ~Vector() { GrB_Vector_free(&m_vector); }
  GrB_Vector get() const { return m_vector; }
  GrB_Index nvals() const
  {
    GrB_Index n = 0;
    SDNN_GRB(GrB_Vector_nvals(&n, m_vector));
    return n;
  }

private:
  GrB_Vector m_vector = nullptr;
};

/// An FP32 GrB_Matrix with the entries of `matrix`, held by row (the layout the challenge's GraphBLAS
/// submissions use: Y*W is then a row-wise saxpy), fully built before returning.
Matrix to_graphblas(HostCsc const &matrix)
{
  auto const nnz = static_cast<std::size_t>(matrix.nnz());
  auto const num_cols = static_cast<std::size_t>(matrix.num_cols());
  std::vector<GrB_Index> col_ptr(num_cols + 1), row_idx(std::max<std::size_t>(nnz, 1));
  std::vector<float> values(std::max<std::size_t>(nnz, 1)); // GraphBLAS wants non-null arrays even when empty
  for (std::size_t j = 0; j <= num_cols; ++j)
    col_ptr[j] = static_cast<GrB_Index>(matrix.col_ptr()(j));
  for (std::size_t k = 0; k < nnz; ++k)
  {
    row_idx[k] = static_cast<GrB_Index>(matrix.row_idx()(k));
    values[k] = matrix.values()(k);
  }
  Matrix result;
  SDNN_GRB(GrB_Matrix_import_FP32(result.out(), GrB_FP32, static_cast<GrB_Index>(matrix.num_rows()),
                                  static_cast<GrB_Index>(num_cols), col_ptr.data(), row_idx.data(), values.data(),
                                  num_cols + 1, nnz, nnz, GrB_CSC_FORMAT));
  SDNN_GRB_ON(result.get(), GxB_Matrix_Option_set(result.get(), GxB_FORMAT, GxB_BY_ROW));
  SDNN_GRB_ON(result.get(), GrB_Matrix_wait(result.get(), GrB_MATERIALIZE));
  return result;
}

/// 0-based rows of `y` holding any entry, ascending; `rows` is the row-reduction workspace.
std::vector<std::int64_t> nonempty_rows(Matrix const &y, Vector const &rows)
{
  SDNN_GRB(GrB_Matrix_reduce_Monoid(rows.get(), nullptr, nullptr, GrB_PLUS_MONOID_FP32, y.get(), nullptr));
  GrB_Index n = rows.nvals();
  std::vector<GrB_Index> indices(std::max<GrB_Index>(n, 1));
  std::vector<float> sums(std::max<GrB_Index>(n, 1));
  SDNN_GRB(GrB_Vector_extractTuples_FP32(indices.data(), sums.data(), &n, rows.get()));
  return std::vector<std::int64_t>(indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(n));
}

int run(int argc, char **argv)
{
  Options opts("sdnn_graphblas",
               "sdnn_graphblas [--dataset DIR] [--neurons N] [--layers L] [OPTIONS]\n\n"
               "The Graph Challenge inference computed with SuiteSparse:GraphBLAS, the challenge's GraphBLAS\n"
               "method (per layer: Y = Y*W with GrB_mxm and PLUS_TIMES, bias added to the entries, entries\n"
               "<= 0 dropped with GrB_select, min with 32), as a peer baseline for `sdnn infer`: the same\n"
               "dataset options, readers, binary cache, check and report lines. Reading the files (io) and\n"
               "converting them to GrB_Matrix (setup) are timed apart from the inference.\n"
               "Exit status: 0 check passed (or --no-check), 1 check failed, 2 bad input or usage.");
  add_dataset_options(opts);
  opts.add("threads", "T", "GraphBLAS threads, GxB_NTHREADS (default: Kokkos' default, all cores)");
  opts.add("per-layer", "", "print active rows and nnz(Y) after every layer (adds a row reduction per layer)");
  opts.add("quiet", "", "no progress lines");
  add_report_option(opts);
  add_cache_options(opts);
  if (!opts.parse(argc, argv, 1))
    return 0;
  auto const dataset = parse_dataset_options(opts, "sdnn_graphblas");
  int threads = Kokkos::DefaultHostExecutionSpace().concurrency();
  if (opts.has("threads"))
  {
    auto const requested = opts.integer("threads");
    if (requested <= 0 || requested > 1 << 20)
      throw UsageError("sdnn_graphblas: --threads must be positive, got " + std::to_string(requested));
    threads = static_cast<int>(requested);
  }
  bool const quiet = opts.has("quiet");
  bool const per_layer = opts.has("per-layer");
  auto const num_layers = static_cast<int>(dataset.layers);
  int const progress_every = quiet ? 0 : std::max(1, num_layers / 10);
  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn_graphblas] " << line << std::endl;
  };

  GraphBlasSession const session;
  SDNN_GRB(GxB_Global_Option_set(GxB_GLOBAL_NTHREADS, threads));
  int version[3] = {0, 0, 0};
  SDNN_GRB(GxB_Global_Option_get(GxB_LIBRARY_VERSION, version));

  // ---- I/O: sdnn's readers, through the binary cache ----
  double const io_start = now_seconds();
  CacheTally note_cache{progress};
  auto const inputs = read_dataset_inputs(dataset, std::ref(note_cache), progress);
  auto const network = load_network(dataset.paths.layers, dataset.neurons, dataset.bias, dataset.read_options,
                                    [&](int k, ReadInfo const &info)
                                    {
                                      note_cache(info);
                                      if (progress_every > 0 && k % std::max(progress_every, num_layers / 4) == 0)
                                        progress("read layer " + std::to_string(k) + "/" + std::to_string(num_layers));
                                    });
  double const io_seconds = now_seconds() - io_start;

  // ---- Setup: CSC -> GrB_Matrix, held by row ----
  double const setup_start = now_seconds();
  Matrix const y0 = to_graphblas(inputs.images);
  std::vector<Matrix> weights;
  weights.reserve(network.layers.size());
  for (auto const &w : network.layers)
    weights.push_back(to_graphblas(w));
  auto const num_rows = static_cast<GrB_Index>(inputs.num_inputs);
  Matrix y(num_rows, static_cast<GrB_Index>(dataset.neurons));
  Vector row_sums(num_rows);
  double const setup_seconds = now_seconds() - setup_start;

  std::printf("sdnn-graphblas | SuiteSparse:GraphBLAS %d.%d.%d, threads %d\n", version[0], version[1], version[2],
              threads);
  std::printf("dataset      : N=%lld L=%lld inputs=%lld input-nnz=%lld edges=%lld bias=%g\n",
              static_cast<long long>(dataset.neurons), static_cast<long long>(dataset.layers),
              static_cast<long long>(inputs.num_inputs), static_cast<long long>(inputs.input_nnz),
              static_cast<long long>(network.num_edges()), static_cast<double>(dataset.bias));
  std::fflush(stdout);

  // ---- Inference (timed) ----
  std::vector<LayerStats> layers(network.layers.size());
  double const infer_start = now_seconds();
  for (int l = 0; l < num_layers; ++l)
  {
    GrB_Matrix const in = l == 0 ? y0.get() : y.get();
    SDNN_GRB_ON(y.get(), GrB_mxm(y.get(), nullptr, nullptr, GrB_PLUS_TIMES_SEMIRING_FP32, in,
                                 weights[static_cast<std::size_t>(l)].get(), nullptr));
    SDNN_GRB_ON(y.get(), GrB_Matrix_apply_BinaryOp2nd_FP32(y.get(), nullptr, nullptr, GrB_PLUS_FP32, y.get(),
                                                           network.bias, nullptr));
    SDNN_GRB_ON(y.get(), GrB_Matrix_select_FP32(y.get(), nullptr, nullptr, GrB_VALUEGT_FP32, y.get(), 0.0f, nullptr));
    SDNN_GRB_ON(y.get(), GrB_Matrix_apply_BinaryOp2nd_FP32(y.get(), nullptr, nullptr, GrB_MIN_FP32, y.get(),
                                                           challenge_ymax, nullptr));
    auto &stats = layers[static_cast<std::size_t>(l)];
    stats.layer = l + 1;
    stats.nnz = static_cast<std::int64_t>(y.nvals());
    if (per_layer)
    {
      SDNN_GRB(GrB_Matrix_reduce_Monoid(row_sums.get(), nullptr, nullptr, GrB_PLUS_MONOID_FP32, y.get(), nullptr));
      stats.active_rows = static_cast<std::int64_t>(row_sums.nvals());
    }
    if (progress_every > 0 && stats.layer % progress_every == 0 && stats.layer != num_layers)
    {
      char line[160];
      std::snprintf(line, sizeof line, "layer %d/%d: nnz(Y) %lld, %.1f s", stats.layer, num_layers,
                    static_cast<long long>(stats.nnz), now_seconds() - infer_start);
      progress(line);
    }
  }
  auto const categories = nonempty_rows(y, row_sums);
  double const infer_seconds = now_seconds() - infer_start;
  double const peak_mib = peak_memory_mib();

  std::printf("io           : %.3f s (1 image file, %d layer files; %lld from binary cache, %lld cached now)\n",
              io_seconds, num_layers, static_cast<long long>(note_cache.hits),
              static_cast<long long>(note_cache.writes));
  std::printf("setup        : %.3f s (CSC -> GrB_Matrix)\n", setup_seconds);
  std::printf("inference    : %.3f s\n", infer_seconds);
  Json report = Json::object(); // the --report file, with the driver's names
  report["graphblas_version"] =
      std::to_string(version[0]) + "." + std::to_string(version[1]) + "." + std::to_string(version[2]);
  report["threads"] = threads;
  report["dataset"] = dataset_json(dataset, inputs.num_inputs, inputs.input_nnz, network.num_edges(), network.bias);
  report["io"] = io_json(io_seconds, num_layers, note_cache);
  report["setup_seconds"] = setup_seconds;
  report["inference_seconds"] = infer_seconds;
  print_rate_and_work(infer_seconds, inputs.num_inputs, network.num_edges(),
                      useful_multiply_adds(inputs.input_nnz, layers, network.layers), layers, per_layer, report);
  std::printf("categories   : %zu\n", categories.size());
  report["categories"] = categories.size();
  int const status = print_check(dataset, categories, inputs.truth, report);
  std::printf("peak memory  : %.1f MiB\n", peak_mib);
  std::fflush(stdout);
  report["peak_memory_mib"] = peak_mib;
  report["exit_status"] = status;
  write_report(opts, report);
  return status;
}

void report(std::string const &message)
{
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fflush(stderr);
}

} // namespace

int main(int argc, char **argv)
{
  int status;
  {
    // Kokkos backs sdnn's readers; --threads reaches it as the Kokkos thread count.
    std::string storage;
    auto args = sdnn::cli::kokkos_arguments(argc, argv, storage);
    int kokkos_argc = static_cast<int>(args.size()) - 1;
    Kokkos::ScopeGuard guard(kokkos_argc, args.data());
    try
    {
      status = run(argc, argv);
    }
    catch (sdnn::cli::UsageError const &e)
    {
      report(std::string(e.what()) + "\nTry 'sdnn_graphblas --help'.\n");
      status = 2;
    }
    catch (sdnn::InputError const &e)
    {
      report(std::string("sdnn_graphblas: error: ") + e.what() + "\n");
      status = 2;
    }
    catch (std::exception const &e)
    {
      report(std::string("sdnn_graphblas: internal error: ") + e.what() + "\n");
      status = 3;
    }
  }
  return status;
}
