#include "Sdnn_Cli.hpp"
#include "Sdnn_ReportJson.hpp"

#include <Sdnn.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <new>
#include <sstream>
#include <sys/resource.h>

namespace sdnn::cli
{

void Options::add(std::string const &name, std::string const &value_name, std::string const &help,
                  std::string const &default_value)
{
  m_order.push_back(name);
  m_specs[name] = {value_name, help, default_value};
}

Options::Spec const &Options::spec(std::string const &name) const
{
  auto const it = m_specs.find(name);
  if (it == m_specs.end())
    throw std::logic_error("sdnn driver: option --" + name + " was not declared");
  return it->second;
}

bool Options::parse(int argc, char **argv, int first)
{
  for (int i = first; i < argc; ++i)
  {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help")
    {
      std::cout << help();
      return false;
    }
    if (arg.rfind("--kokkos-", 0) == 0) // Kokkos::initialize reads these
      continue;
    if (arg.rfind("--", 0) != 0 || arg.size() == 2)
      throw UsageError(m_command + ": unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    bool inline_value = false;
    if (auto const eq = name.find('='); eq != std::string::npos)
    {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    auto const it = m_specs.find(name);
    if (it == m_specs.end())
      throw UsageError(m_command + ": unknown option '--" + name + "'");
    if (it->second.value_name.empty())
    {
      if (inline_value)
        throw UsageError(m_command + ": option '--" + name + "' takes no value");
      value = "1";
    }
    else if (!inline_value)
    {
      if (i + 1 >= argc)
        throw UsageError(m_command + ": option '--" + name + "' needs a value (" + it->second.value_name + ")");
      value = argv[++i];
    }
    m_values[name] = value;
  }
  return true;
}

bool Options::declared(std::string const &name) const
{
  return m_specs.count(name) > 0;
}

bool Options::has(std::string const &name) const
{
  spec(name);
  return m_values.count(name) > 0;
}

std::string Options::str(std::string const &name) const
{
  auto const &s = spec(name);
  auto const it = m_values.find(name);
  return it != m_values.end() ? it->second : s.default_value;
}

namespace
{
template <class T> T parse_number(std::string const &command, std::string const &name, std::string const &text)
{
  T value{};
  auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw UsageError(command + ": option '--" + name + "' expects a number, got '" + text + "'");
  return value;
}
} // namespace

std::int64_t Options::integer(std::string const &name) const
{
  return parse_number<std::int64_t>(m_command, name, str(name));
}

std::uint64_t Options::unsigned_integer(std::string const &name) const
{
  return parse_number<std::uint64_t>(m_command, name, str(name));
}

double Options::real(std::string const &name) const
{
  return parse_number<double>(m_command, name, str(name));
}

std::string Options::help() const
{
  std::ostringstream os;
  os << "Usage: " << m_synopsis << "\n\nOptions:\n";
  for (auto const &name : m_order)
  {
    auto const &s = m_specs.at(name);
    std::string left = "  --" + name + (s.value_name.empty() ? "" : " " + s.value_name);
    os << left;
    if (left.size() < 26)
      os << std::string(26 - left.size(), ' ');
    else
      os << "\n" << std::string(26, ' ');
    os << s.help;
    if (!s.default_value.empty())
      os << " (default: " << s.default_value << ")";
    os << "\n";
  }
  os << "  -h, --help                show this help\n"
        "\nKokkos options are passed to Kokkos: --kokkos-num-threads=N (Kokkos 3.7 and later; before:\n"
        "--kokkos-threads=N), --kokkos-help. Set OMP_PROC_BIND=spread OMP_PLACES=threads for the OpenMP backend.\n";
  return os.str();
}

void add_network_options(Options &opts)
{
  opts.add("dataset", "DIR", "dataset directory in the challenge layout", ".");
  opts.add("neurons", "N", "neurons per layer", "1024");
  opts.add("layers", "L", "number of layers (files 1..L are used)", "120");
  opts.add("weights-dir", "DIR", "directory of the layer files (default: DIR/neuron{N})");
  opts.add("bias", "B", "bias added to nonzero activations (default: the challenge's bias for N)");
}

void add_dataset_options(Options &opts)
{
  add_network_options(opts);
  opts.add("images", "FILE", "input images file (default: DIR/sparse-images-{N}.tsv)");
  opts.add("truth", "FILE", "truth categories file (default: DIR/neuron{N}-l{L}-categories.tsv)");
  opts.add("no-check", "", "do not compare with a truth file");
  opts.add("num-inputs", "K", "use only images 1..K and compare only truth rows 1..K");
}

void add_cache_options(Options &opts)
{
  opts.add("cache-dir", "DIR", "binary cache of parsed text files (default: $SDNN_CACHE_DIR or ~/.cache/sdnn)");
  opts.add("no-cache", "", "always parse the text files, never read or write the binary cache");
}

float bias_option(Options const &opts, std::string const &command)
{
  double const value = opts.real("bias");
  if (!std::isfinite(value) || !std::isfinite(static_cast<float>(value)))
    throw UsageError(command + ": --bias must be a finite number within float range, got " + opts.str("bias"));
  return static_cast<float>(value);
}

DatasetOptions parse_dataset_options(Options const &opts, std::string const &command)
{
  // The input options are absent when only the network was asked for (add_network_options).
  auto given = [&](char const *name) { return opts.declared(name) && opts.has(name); };
  DatasetOptions dataset;
  dataset.neurons = opts.integer("neurons");
  dataset.layers = opts.integer("layers");
  if (dataset.neurons <= 0 || dataset.neurons > (std::int64_t(1) << 30))
    throw UsageError(command + ": --neurons must be in 1..2^30, got " + std::to_string(dataset.neurons));
  if (dataset.layers <= 0 || dataset.layers > 1000000)
    throw UsageError(command + ": --layers must be positive, got " + std::to_string(dataset.layers));
  if (given("num-inputs"))
  {
    dataset.num_inputs = opts.integer("num-inputs");
    if (dataset.num_inputs <= 0 || dataset.num_inputs > std::numeric_limits<std::int32_t>::max())
      throw UsageError(command + ": --num-inputs must be positive, got " + std::to_string(dataset.num_inputs));
  }
  auto const num_layers = static_cast<int>(dataset.layers);
  dataset.paths = challenge_paths(opts.str("dataset"), dataset.neurons, num_layers);
  if (given("images"))
    dataset.paths.images = opts.str("images");
  if (opts.has("weights-dir"))
    dataset.paths.layers = challenge_layer_paths(opts.str("weights-dir"), dataset.neurons, num_layers);
  if (given("truth"))
    dataset.paths.truth = opts.str("truth");
  dataset.check = opts.declared("no-check") && !opts.has("no-check");
  dataset.bias = opts.has("bias") ? bias_option(opts, command) : challenge_bias(dataset.neurons);
  dataset.read_options.use_cache = !opts.has("no-cache");
  dataset.read_options.cache_dir = opts.str("cache-dir");
  if (dataset.check && !given("truth"))
  {
    auto const stamp = dataset_stamp_path(opts.str("dataset"), dataset.neurons, dataset.layers);
    if (auto const value = stamp_value(stamp, "truth-inputs"))
    {
      char const *end = value->data() + value->size();
      auto const [rest, error] = std::from_chars(value->data(), end, dataset.truth_inputs);
      if (error != std::errc() || rest != end || dataset.truth_inputs <= 0)
        throw InputError(stamp + ": truth-inputs must be a positive count, got '" + *value + "'");
    }
  }
  return dataset;
}

std::string dataset_stamp_path(std::string const &dir, std::int64_t num_neurons, std::int64_t num_layers)
{
  return (std::filesystem::path(dir) /
          ("sdnn-dataset-n" + std::to_string(num_neurons) + "-l" + std::to_string(num_layers) + ".txt"))
      .string();
}

std::optional<std::string> stamp_value(std::string const &stamp, std::string const &key)
{
  std::ifstream in(stamp);
  std::string word;
  while (in >> word)
    if (word == key && in >> word)
      return word;
  return std::nullopt;
}

void require_layer_files(ChallengePaths const &paths)
{
  auto const num_layers = paths.layers.size();
  for (std::size_t k = 0; k < num_layers; ++k)
    SDNN_USER_REQUIRE(std::filesystem::exists(paths.layers[k]), paths.layers[k]
                                                                    << ": cannot open file: no such layer file (layer "
                                                                    << k + 1 << " of " << num_layers << ")");
}

DatasetInputs read_dataset_inputs(DatasetOptions const &dataset,
                                  std::function<void(ReadInfo const &)> const &note_cache,
                                  std::function<void(std::string const &)> const &progress)
{
  DatasetInputs inputs;
  auto const &paths = dataset.paths;
  ReadInfo images_info;
  inputs.images = read_matrix(paths.images, any_size, dataset.neurons, dataset.read_options, &images_info);
  if (note_cache)
    note_cache(images_info);
  inputs.num_inputs = inputs.images.num_rows();
  if (dataset.num_inputs > 0)
  {
    // Inputs beyond the file would be empty rows counted in the rate as if they had been read.
    SDNN_USER_REQUIRE(dataset.num_inputs <= inputs.num_inputs, paths.images
                                                                   << ": holds " << inputs.num_inputs
                                                                   << " inputs (its largest row index); --num-inputs "
                                                                   << dataset.num_inputs << " asks for more");
    inputs.num_inputs = dataset.num_inputs;
    inputs.images = with_num_rows(inputs.images, static_cast<std::int32_t>(inputs.num_inputs));
  }
  inputs.input_nnz = inputs.images.nnz();
  if (progress)
    progress("read " + std::to_string(inputs.images.num_rows()) + " inputs (" + std::to_string(inputs.images.nnz()) +
             " nnz) from " + paths.images);
  if (dataset.check)
  {
    auto &truth = inputs.truth;
    // Without --num-inputs every truth row must be an input (the error names the line); with it, the truth is
    // restricted to the leading inputs.
    truth = read_categories(paths.truth, dataset.num_inputs < 0 ? inputs.num_inputs : any_size);
    truth.erase(std::lower_bound(truth.begin(), truth.end(), inputs.num_inputs), truth.end());
  }
  return inputs;
}

void print_rate_and_work(double infer_seconds, std::int64_t num_inputs, std::int64_t edges, double macs,
                         std::vector<LayerStats> const &layers, bool per_layer, Json &report)
{
  double const rate = static_cast<double>(num_inputs) * static_cast<double>(edges) / infer_seconds;
  std::printf("rate         : %.4e edges/s (inputs x edges / inference seconds)\n", rate);
  std::printf("macs         : %.4e useful multiply-adds (nnz of each layer's input x its row degree), %.4e MAC/s\n",
              macs, macs / infer_seconds);
  report["rate_edges_per_second"] = rate;
  report["useful_multiply_adds"] = macs;
  report["multiply_adds_per_second"] = macs / infer_seconds;
  report["layers"] = to_json(layers);
  if (per_layer)
    for (auto const &s : layers)
      std::printf("layer %5d  active-rows %10lld  nnz %12lld\n", s.layer, static_cast<long long>(s.active_rows),
                  static_cast<long long>(s.nnz));
}

namespace
{
std::string list_rows(std::vector<std::int64_t> const &rows, std::size_t limit = 10)
{
  std::string out;
  for (std::size_t k = 0; k < rows.size() && k < limit; ++k)
    out += (k ? " " : "") + std::to_string(rows[k] + 1);
  if (rows.size() > limit)
    out += " ...";
  return out;
}
} // namespace

int print_check(DatasetOptions const &dataset, std::vector<std::int64_t> const &categories,
                std::vector<std::int64_t> const &truth, Json &report)
{
  Json &check = report["check"] = Json::object();
  if (!dataset.check)
  {
    std::printf("check        : skipped (--no-check)\n");
    check["status"] = "skipped";
    return 0;
  }
  // A truth of the leading inputs only is compared with the categories among them.
  bool const leading = dataset.truth_inputs > 0;
  std::vector<std::int64_t> const compared(
      categories.begin(),
      leading ? std::lower_bound(categories.begin(), categories.end(), dataset.truth_inputs) : categories.end());
  auto const outcome = check_categories(compared, truth);
  check["status"] = outcome.passed() ? "passed" : "failed";
  check["truth"] = dataset.paths.truth;
  check["truth_rows"] = truth.size();
  check["truth_inputs"] = leading ? Json(dataset.truth_inputs) : Json();
  check["missing"] = outcome.missing.size();
  check["extra"] = outcome.extra.size();
  if (outcome.passed())
  {
    std::string const scope = leading ? "; the truth covers the first " + std::to_string(dataset.truth_inputs) +
                                            " inputs (the dataset's stamp), the categories among them compared"
                                      : (dataset.num_inputs > 0 ? ", truth restricted to the inputs" : "");
    std::printf("check        : PASSED against %s (%zu rows%s)\n", dataset.paths.truth.c_str(), truth.size(),
                scope.c_str());
    return 0;
  }
  std::printf("check        : FAILED against %s: %zu missing [%s], %zu extra [%s]\n", dataset.paths.truth.c_str(),
              outcome.missing.size(), list_rows(outcome.missing).c_str(), outcome.extra.size(),
              list_rows(outcome.extra).c_str());
  return 1;
}

void add_report_option(Options &opts)
{
  opts.add("report", "FILE",
           "also write every figure of the report as JSON to FILE (per layer and, under MPI, per rank\n"
           "included; written by rank 0)");
}

void write_report(Options const &opts, Json const &report)
{
  if (opts.has("report"))
    write_file(opts.str("report"), report.dump());
}

Json io_json(double seconds, std::int64_t layer_files, CacheTally const &tally)
{
  Json out = Json::object();
  out["seconds"] = seconds;
  out["layer_files"] = layer_files;
  out["from_cache"] = tally.hits;
  out["cached_now"] = tally.writes;
  return out;
}

Json dataset_json(DatasetOptions const &dataset, std::int64_t num_inputs, std::int64_t input_nnz, std::int64_t edges,
                  float bias)
{
  Json out = Json::object();
  out["neurons"] = dataset.neurons;
  out["layers"] = dataset.layers;
  out["inputs"] = num_inputs;
  out["input_nnz"] = input_nnz;
  out["edges"] = edges;
  out["bias"] = bias;
  out["images"] = dataset.paths.images;
  out["truth"] = dataset.check ? Json(dataset.paths.truth) : Json();
  return out;
}

void add_engine_options(Options &opts, std::string const &more_modes)
{
  opts.add("mode", "MODE",
           "engine: " + joined_names(all_parallelisms()) + "\n(threads of the Kokkos host backend)" + more_modes,
           "manager-worker");
  opts.add("hash", "HASH",
           "row hashing before tiling: " + joined_names(all_row_hashes()) + "\n(stride: the papers' interleave)",
           "none");
  opts.add("hash-seed", "S", "key of --hash feistel", "1");
  opts.add("tile-rows", "R",
           "input rows per tile (default: one tile for model, one per thread for data and\n"
           "data-then-model, ~16 per thread for the queue modes; for data and the queue modes\n"
           "dense Y and Z together the size of a core's L2 cache when that is 64 rows or more\n"
           "(256 rows at N=1024 with a 2 MiB L2), else 8 MiB of L3 per thread, 32 to 256 rows\n"
           "(256 at N=4096, 64 at 16384, 32 at 65536))");
  opts.add("recruit", "STRATEGY", "data-then-model: " + joined_names(all_recruitments()), "earliest-first");
  opts.add("kernel", "KERNEL", "tile kernel: auto (by density), sparse (two-step CSC SpMM), dense (column panels)",
           "auto");
  opts.add("instruction-set", "SET",
           "kernels to run: auto (the best this CPU runs), " + joined_names(compiled_instruction_sets()) +
               " (default: the\nenvironment variable SDNN_INSTRUCTION_SET, else auto)");
  opts.add("dense-above", "D", "auto kernel: a tile goes dense when its density would exceed D", "0.06");
  opts.add("sparse-below", "D", "auto kernel: a dense tile goes back to CSC below density D", "0.02");
}

InferenceOptions parse_engine_options(Options const &opts, std::string const &command, bool allow_reference)
{
  InferenceOptions engine;
  if (!(allow_reference && opts.str("mode") == "reference"))
  {
    auto const mode = parse_parallelism(opts.str("mode"));
    if (!mode)
      throw UsageError(command + ": unknown --mode '" + opts.str("mode") +
                       "' (available: " + joined_names(all_parallelisms()) + (allow_reference ? ", reference)" : ")"));
    engine.parallelism = *mode;
  }
  if (auto const hash = parse_row_hash(opts.str("hash")))
    engine.hash = *hash;
  else
    throw UsageError(command + ": unknown --hash '" + opts.str("hash") +
                     "' (available: " + joined_names(all_row_hashes()) + ")");
  if (auto const strategy = parse_recruitment(opts.str("recruit")))
    engine.recruitment = *strategy;
  else
    throw UsageError(command + ": unknown --recruit '" + opts.str("recruit") +
                     "' (available: " + joined_names(all_recruitments()) + ")");
  if (auto const kernel = parse_kernel_choice(opts.str("kernel")))
    engine.kernel = *kernel;
  else
    throw UsageError(command + ": unknown --kernel '" + opts.str("kernel") +
                     "' (available: " + joined_names(all_kernel_choices()) + ")");
  if (opts.has("instruction-set") && opts.str("instruction-set") != "auto")
  {
    auto const set = parse_instruction_set(opts.str("instruction-set"));
    if (!set)
      throw UsageError(command + ": unknown --instruction-set '" + opts.str("instruction-set") +
                       "' (available: auto, " + joined_names(compiled_instruction_sets()) + ")");
    select_instruction_set(*set);
  }
  else if (opts.has("instruction-set"))
    select_instruction_set(best_instruction_set());
  else
    active_instruction_set(); // a bad SDNN_INSTRUCTION_SET is reported here, before any work
  engine.hash_seed = static_cast<std::uint64_t>(opts.integer("hash-seed"));
  if (opts.has("tile-rows"))
  {
    engine.tile_rows = opts.integer("tile-rows");
    if (engine.tile_rows <= 0)
      throw UsageError(command + ": --tile-rows must be positive, got " + std::to_string(engine.tile_rows));
  }
  engine.dense_above = opts.real("dense-above");
  engine.sparse_below = opts.real("sparse-below");
  if (!(engine.sparse_below >= 0.0 && engine.sparse_below <= engine.dense_above && engine.sparse_below <= 0.5))
    throw UsageError(command + ": need 0 <= --sparse-below <= --dense-above and --sparse-below <= 0.5");
  return engine;
}

void check_threads_option(Options const &opts, std::string const &command)
{
  if (!opts.has("threads"))
    return;
  auto const threads = opts.integer("threads");
  if (threads < 1 || threads > max_host_threads)
    throw UsageError(command + ": --threads must be in 1.." + std::to_string(max_host_threads) + ", got " +
                     std::to_string(threads));
}

std::vector<char *> kokkos_arguments(int argc, char **argv, std::string &storage)
{
  std::vector<char *> args;
  for (int k = 0; k < argc; ++k)
  {
    std::string const arg = argv[k];
    if (k > 0 && (arg == "--help" || arg == "-h"))
      continue; // ours: Kokkos 3 would print its own help for it
    std::string value;
    if (k > 0 && arg == "--threads")
    {
      if (k + 1 == argc)
        continue; // no value: the command's parser says so (Kokkos 3 would abort on its own --threads)
      value = argv[++k];
    }
    else if (k > 0 && arg.rfind("--threads=", 0) == 0)
      value = arg.substr(10);
    else
    {
      args.push_back(argv[k]);
      continue;
    }
    // Only a thread count Kokkos accepts reaches it (Kokkos 3.7 and later abort on others before the command
    // runs); the command's own option parser then reports a bad value with exit status 2.
    char *end = nullptr;
    long const threads = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || threads < 1 || threads > max_host_threads)
      continue;
#if KOKKOS_VERSION >= 30700
    storage = "--kokkos-num-threads=" + value;
#else
    storage = "--kokkos-threads=" + value;
#endif
    args.push_back(storage.data());
  }
  args.push_back(nullptr);
  return args;
}

std::string environment_error_message(std::exception const &e)
{
  if (auto const *fs = dynamic_cast<std::filesystem::filesystem_error const *>(&e))
    return (fs->path1().empty() ? std::string("file system") : fs->path1().string()) + ": " + fs->code().message();
  if (dynamic_cast<std::bad_alloc const *>(&e) != nullptr)
    return "out of memory: the input asks for more memory than this machine can give (" + std::string(e.what()) + ")";
  return {};
}

std::int64_t parse_size(std::string const &command, std::string const &option, std::string const &text)
{
  auto const bad = [&]
  {
    return UsageError(command + ": --" + option + " must be a positive size such as 512M, 16G or 17179869184, got '" +
                      text + "'");
  };
  char *end = nullptr;
  double const number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(number) || !(number > 0.0))
    throw bad();
  std::string unit(end);
  for (auto const suffix : {"iB", "B"})
    if (unit.size() > std::strlen(suffix) &&
        unit.compare(unit.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
    {
      unit.resize(unit.size() - std::strlen(suffix));
      break;
    }
  std::string const units = "KMGT";
  double scale = 1.0;
  if (unit.size() == 1 && units.find(static_cast<char>(std::toupper(unit[0]))) != std::string::npos)
    scale = std::ldexp(1.0, 10 * (1 + static_cast<int>(units.find(static_cast<char>(std::toupper(unit[0]))))));
  else if (!unit.empty() && unit != "B")
    throw bad();
  double const bytes = number * scale;
  if (bytes < 1.0 || bytes > 9.0e18)
    throw bad();
  return static_cast<std::int64_t>(bytes);
}

std::function<void(std::int64_t, std::int64_t)> progress_by_percent(std::function<void(std::string const &)> print,
                                                                    std::int64_t step, double start, std::string where)
{
  step = std::max<std::int64_t>(1, step);
  return [print = std::move(print), step, start, where = std::move(where),
          shown = std::int64_t(0)](std::int64_t done, std::int64_t total) mutable
  {
    std::int64_t const percent = 100 * done / std::max<std::int64_t>(total, 1);
    if (done == total || percent < shown + step)
      return;
    shown = percent - percent % step;
    char line[160];
    std::snprintf(line, sizeof line, "%.0f %% done%s, %.1f s", 100.0 * static_cast<double>(done) / total, where.c_str(),
                  now_seconds() - start);
    print(line);
  };
}

double peak_memory_mib()
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

double now_seconds()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace sdnn::cli
