#ifndef SDNN_CLI_HPP
#define SDNN_CLI_HPP

#include "Sdnn_Json.hpp"

#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Dataset.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_Reference.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sdnn::cli
{

/// Thrown for a bad command line; main prints it with a hint to --help and exits with status 2.
struct UsageError : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

/// The names of `values` (as sdnn::name spells them) separated by `separator`: the lists of --help texts, error
/// messages and `sdnn list`.
template <class Enum> std::string joined_names(std::vector<Enum> const &values, std::string const &separator = ", ")
{
  std::string names;
  for (auto const value : values)
    names += (names.empty() ? "" : separator) + name(value);
  return names;
}

/// A tiny GNU-style long-option parser: `--name value`, `--name=value` and `--flag`.
class Options
{
public:
  Options(std::string command, std::string synopsis) : m_command(std::move(command)), m_synopsis(std::move(synopsis)) {}

  /// Declares `--name VALUE` (value_name non-empty) or the flag `--name`.
  void add(std::string const &name, std::string const &value_name, std::string const &help,
           std::string const &default_value = "");
  /// Parses argv[first..argc); false when --help was given (help already printed).
  bool parse(int argc, char **argv, int first);

  /// Whether `--name` was declared with add().
  bool declared(std::string const &name) const;
  bool has(std::string const &name) const;
  std::string str(std::string const &name) const;
  std::int64_t integer(std::string const &name) const;
  std::uint64_t unsigned_integer(std::string const &name) const;
  double real(std::string const &name) const;
  std::string help() const;

private:
  struct Spec
  {
    std::string value_name, help, default_value;
  };
  Spec const &spec(std::string const &name) const;
  std::string m_command, m_synopsis;
  std::vector<std::string> m_order;
  std::map<std::string, Spec> m_specs;
  std::map<std::string, std::string> m_values;
};

/// The options naming a challenge network: --dataset, --neurons, --layers, --weights-dir, --bias.
void add_network_options(Options &opts);
/// The options naming a challenge dataset and its check, shared by `sdnn infer` and perf/sdnn_graphblas: those
/// of add_network_options(), --images, --truth, --no-check, --num-inputs.
void add_dataset_options(Options &opts);
/// The binary cache options: --cache-dir, --no-cache.
void add_cache_options(Options &opts);

/// A dataset as the options of add_dataset_options() and add_cache_options() name it.
struct DatasetOptions
{
  std::int64_t neurons = 0;     ///< N
  std::int64_t layers = 0;      ///< L
  std::int64_t num_inputs = -1; ///< --num-inputs, -1 when absent
  ChallengePaths paths;         ///< files, with --images, --weights-dir and --truth applied
  bool check = true;            ///< compare with the truth (no --no-check)
  float bias = 0.0f;            ///< --bias, else the challenge's bias for N
  ReadOptions read_options;     ///< binary cache use
  /// The truth covers only inputs 1..K (`sdnn generate --truth-by leading`: its stamp's `truth-inputs K`, read when
  /// --truth is not given); -1: every input.
  std::int64_t truth_inputs = -1;
};

/// `DIR/sdnn-dataset-n{N}-l{L}.txt`: what `sdnn generate` wrote in DIR ("key value" lines).
std::string dataset_stamp_path(std::string const &dir, std::int64_t num_neurons, std::int64_t num_layers);

/// The word after the first `key` in the stamp file `stamp`; none when the file or the key is absent.
std::optional<std::string> stamp_value(std::string const &stamp, std::string const &key);

/// The given --bias: a finite number that stays finite as a float (1e39 would become inf).
/// \throws UsageError starting with `command` for any other value
float bias_option(Options const &opts, std::string const &command);

/// Reads and checks the dataset options (those of add_dataset_options() or only add_network_options(): then
/// without a check). \throws UsageError starting with `command` for a bad value;
/// sdnn::InputError when N has no challenge bias and --bias is absent.
DatasetOptions parse_dataset_options(Options const &opts, std::string const &command);

/// Checks that every layer file exists before anything is read: a missing layer is named at once rather than after
/// the images and the layers before it. \throws sdnn::InputError naming the first missing file and its layer
void require_layer_files(ChallengePaths const &paths);

/// Tallies what read_matrix() did over a dataset's files (binary-cache hits and writes) and passes its
/// notes (why a cache was not used) to `progress`.
struct CacheTally
{
  std::function<void(std::string const &)> progress;
  std::int64_t hits = 0;   ///< files loaded from a valid cache
  std::int64_t writes = 0; ///< text files parsed and cached now
  void operator()(ReadInfo const &info)
  {
    hits += info.from_cache ? 1 : 0;
    writes += info.cache_written ? 1 : 0;
    if (!info.note.empty() && progress)
      progress(info.note);
  }
};

/// The input side of a dataset: Y0 and the truth restricted to it.
struct DatasetInputs
{
  HostCsc images;                  ///< Y0, the first --num-inputs rows when given
  std::vector<std::int64_t> truth; ///< 0-based truth rows below num_inputs (empty under --no-check)
  std::int64_t num_inputs = 0;     ///< rows of Y0
  std::int64_t input_nnz = 0;      ///< nnz(Y0)
};

/// Reads the images (keeping the first --num-inputs rows) and, when checking, the truth. A truth row
/// beyond the inputs is an error unless --num-inputs was given, which restricts the truth to rows 1..K.
/// \param note_cache called with what read_matrix() did for the images
/// \param progress called with a line for the user
/// \throws sdnn::InputError naming the bad file
DatasetInputs read_dataset_inputs(DatasetOptions const &dataset,
                                  std::function<void(ReadInfo const &)> const &note_cache,
                                  std::function<void(std::string const &)> const &progress);

/// Prints the `rate` and `macs` lines and, when `per_layer`, one `layer` line per layer; sets the same figures
/// in `report` (rate_edges_per_second, useful_multiply_adds, multiply_adds_per_second, layers: always).
/// `edges`: Σ nnz(W_l) of the whole network; `macs`: the useful multiply-adds (useful_multiply_adds()).
void print_rate_and_work(double infer_seconds, std::int64_t num_inputs, std::int64_t edges, double macs,
                         std::vector<LayerStats> const &layers, bool per_layer, Json &report);

/// Prints the `check` line (PASSED, FAILED with the missing and extra rows, or skipped), sets `report`'s
/// "check" (status passed, failed or skipped; truth file; missing and extra counts) and returns the exit status:
/// 1 when the check failed, 0 otherwise.
int print_check(DatasetOptions const &dataset, std::vector<std::int64_t> const &categories,
                std::vector<std::int64_t> const &truth, Json &report);

/// The options every inference program shares for its machine-readable report: --report FILE.
void add_report_option(Options &opts);
/// Writes `report` to the --report file when there is one. \throws sdnn::InputError naming the file on failure
void write_report(Options const &opts, Json const &report);

/// The `io` member of a report: seconds, layer files, how many came from the binary cache and how many were
/// cached now.
Json io_json(double seconds, std::int64_t layer_files, CacheTally const &tally);

/// The `dataset` member of a report: the figures of the `dataset` line and the files.
Json dataset_json(DatasetOptions const &dataset, std::int64_t num_inputs, std::int64_t input_nnz, std::int64_t edges,
                  float bias);

/// The engine's options: --mode (its help ends with `more_modes`), --hash, --hash-seed, --tile-rows, --recruit,
/// --kernel, --instruction-set, --dense-above, --sparse-below.
void add_engine_options(Options &opts, std::string const &more_modes = "");
/// The InferenceOptions those options give (and the instruction set they select). With `allow_reference`,
/// `--mode reference` is accepted and leaves the default parallelism (the caller runs the reference).
/// \throws UsageError starting with `command` for a bad value
InferenceOptions parse_engine_options(Options const &opts, std::string const &command, bool allow_reference = false);
/// The most host threads the drivers hand to Kokkos: Kokkos 3's OpenMP backend keeps per-thread state for at most
/// 512 threads (more corrupt its memory: `--threads 600` crashed inside its thread pool).
inline constexpr int max_host_threads = 512;

/// Checks `--threads` (when given) against 1..max_host_threads. \throws UsageError starting with `command`
void check_threads_option(Options const &opts, std::string const &command);

/// The arguments Kokkos::initialize sees: `--threads T` / `--threads=T` (the drivers' spelling, which
/// Kokkos 3 would misread) become the thread-count flag of the Kokkos version at hand; `--help` is the
/// drivers' only; everything else is kept. `storage` holds the rewritten flag. Ends with a nullptr.
std::vector<char *> kokkos_arguments(int argc, char **argv, std::string &storage);

/// The one-line message of a standard exception that the user's input or environment caused rather than sdnn: a path
/// the file system refuses (a symlink loop, a name too long: "PATH: reason") or an allocation beyond the machine's
/// memory. Empty for any other exception (an internal error).
std::string environment_error_message(std::exception const &e);
/// A size in bytes written as a number with an optional binary unit: 4096, 512K, 512M, 1.5G, 16GiB, 1T.
/// \throws UsageError "`command`: --`option` ..." for anything else, zero or a negative size
std::int64_t parse_size(std::string const &command, std::string const &option, std::string const &text);

/// An InferenceOptions::progress callback that calls `print` with "P % done`where`, T s" each time another `step`
/// percent of the work is done (T counted from `start`, in now_seconds()).
std::function<void(std::int64_t, std::int64_t)> progress_by_percent(std::function<void(std::string const &)> print,
                                                                    std::int64_t step, double start,
                                                                    std::string where = "");

/// Peak resident memory of this process in MiB (getrusage).
double peak_memory_mib();

/// Seconds since an arbitrary fixed point (steady clock).
double now_seconds();

} // namespace sdnn::cli

#endif
