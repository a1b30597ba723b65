#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_InferReport.hpp"
#include "Sdnn_InferStreamed.hpp"
#include "Sdnn_Ranks.hpp"
#include "Sdnn_ReportJson.hpp"

#include <Sdnn.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <optional>
#include <type_traits>

namespace sdnn::cli
{

namespace
{

/// Settings of `sdnn infer` that every rank must share.
struct SharedSettings
{
  std::int64_t neurons = 0;
  std::int64_t layers = 0;
  std::int64_t num_inputs = -1; ///< --num-inputs, -1 when absent
  std::int64_t mode = 0;        ///< index of the engine (reference last)
  std::int64_t partition = 0;
  std::int64_t rebalance_every = 0;
  std::int64_t rebalance_threshold_bits = 0; ///< --rebalance-threshold's double, bit for bit (ranks must agree)
  std::int64_t model_ranks = 1;
  std::int64_t network_partitioner = 0;
};

/// Every rank must run with the same settings: a rank with another N or L (an MPMD launch gone wrong)
/// would wait forever in a broadcast of the wrong size. Throws the same error on every rank.
void check_same_settings(Ranks const &ranks, SharedSettings const &mine)
{
#if SDNN_ENABLE_MPI
  constexpr int fields = sizeof(SharedSettings) / sizeof(std::int64_t);
  std::vector<SharedSettings> all(ranks.size);
  MPI_Allgather(&mine, fields, MPI_INT64_T, all.data(), fields, MPI_INT64_T, ranks.comm);
  std::string differ;
  for (int r = 1; r < ranks.size; ++r)
    if (all[r].neurons != all[0].neurons || all[r].layers != all[0].layers)
      differ += ", rank " + std::to_string(r) + " N=" + std::to_string(all[r].neurons) +
                " L=" + std::to_string(all[r].layers);
  if (!differ.empty())
    throw InputError("the ranks disagree on the network: rank 0 N=" + std::to_string(all[0].neurons) +
                     " L=" + std::to_string(all[0].layers) + differ + " (give every rank the same options)");
  for (int r = 1; r < ranks.size; ++r)
    if (std::memcmp(&all[r], &all[0], sizeof(SharedSettings)) != 0)
      throw UsageError("sdnn infer: rank " + std::to_string(r) +
                       " was given other --num-inputs, --mode, --partition, --rebalance-every, "
                       "--rebalance-threshold, --model-ranks or --network-partition than rank 0 "
                       "(give every rank the same options)");
#else
  (void)ranks;
  (void)mine;
#endif
}

template <class T> T max_over_ranks(Ranks const &ranks, T value)
{
#if SDNN_ENABLE_MPI
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, std::is_same_v<T, double> ? MPI_DOUBLE : MPI_INT64_T, MPI_MAX, ranks.comm);
#else
  (void)ranks;
#endif
  return value;
}

#if SDNN_ENABLE_MPI
/// The lines and the report member of a model-parallel inference.
void print_model_parallel(ModelParallelReport const &mp, std::string const &partitioner, double partition_seconds,
                          std::int64_t network_bytes, bool per_layer, Json &report)
{
  auto const columns = mp.columns_sent();
  auto const sum = [](std::vector<std::int64_t> const &v)
  { return std::accumulate(v.begin(), v.end(), std::int64_t(0)); };
  auto const imbalance = mp.work_imbalance();
  double const max_imbalance = imbalance.empty() ? 1.0 : *std::max_element(imbalance.begin(), imbalance.end());
  std::printf("model        : %d data group%s of %d model ranks, network partition %s (%.3f s), weights %.2f MiB "
              "per rank (max) of %.2f MiB (%.3f x 1/M)\n",
              mp.groups, mp.groups > 1 ? "s" : "", mp.model_ranks, partitioner.c_str(), partition_seconds,
              static_cast<double>(mp.max_weight_bytes()) / (1 << 20), static_cast<double>(network_bytes) / (1 << 20),
              static_cast<double>(mp.max_weight_bytes()) * mp.model_ranks / static_cast<double>(network_bytes));
  std::printf("exchange     : %lld columns per group (partition's cut %lld), %.4e words sent (max %.4e per rank), "
              "%lld messages | max per rank: exchange %.3f s, compute %.3f s | work imbalance max %.3f\n",
              static_cast<long long>(sum(columns)), static_cast<long long>(sum(mp.predicted_columns)),
              static_cast<double>(mp.words_sent()), static_cast<double>(mp.max_words_sent()),
              static_cast<long long>(mp.messages_sent()), mp.max_exchange_seconds(), mp.max_compute_seconds(),
              max_imbalance);
  if (per_layer)
    for (std::size_t l = 0; l < columns.size(); ++l)
    {
      std::int64_t values = 0, words = 0;
      for (auto const &r : mp.ranks)
      {
        values += r.values_sent[l];
        words += r.words_sent[l];
      }
      std::printf("exchange %4zu: %lld columns (cut %lld), %lld values, %lld words, work imbalance %.3f\n", l + 1,
                  static_cast<long long>(columns[l]), static_cast<long long>(mp.predicted_columns[l]),
                  static_cast<long long>(values), static_cast<long long>(words), imbalance[l]);
    }
  Json &out = report["model_parallel"] = to_json(mp);
  out["network_partition"] = partitioner;
  out["partition_seconds"] = partition_seconds;
  out["network_bytes"] = network_bytes;
}
#endif

/// The streamed run the options ask for, or none. \throws UsageError for a bad value, or streaming under
/// several ranks
std::optional<StreamedRun> parse_streamed_run(Options const &opts, DatasetOptions const &dataset, int ranks,
                                              bool reference)
{
  StreamedRun run;
  if (opts.has("network"))
  {
    if (opts.str("network") != "radixnet")
      throw UsageError("sdnn infer: --network must be radixnet or a trained network's directory, got '" +
                       opts.str("network") + "'");
    run.radixnet = true;
    RadixNet(dataset.neurons, 1); // N = 16 * 2^D
    run.seed = opts.has("seed") ? opts.unsigned_integer("seed") : generated_seed(opts.str("dataset"), dataset.neurons);
  }
  else if (opts.has("seed"))
    throw UsageError("sdnn infer: --seed is the generator's: it goes with --network radixnet");
  if (opts.has("memory-limit"))
    run.streaming.memory_limit = parse_size("sdnn infer", "memory-limit", opts.str("memory-limit"));
  for (auto const *cap : {"window-layers", "batch-rows"})
    if (opts.has(cap) && opts.integer(cap) <= 0)
      throw UsageError(std::string("sdnn infer: --") + cap + " must be positive, got " + opts.str(cap));
  run.streaming.window_layers = opts.has("window-layers") ? static_cast<int>(opts.integer("window-layers")) : 0;
  run.streaming.batch_rows = opts.has("batch-rows") ? opts.integer("batch-rows") : 0;
  std::string asked; // the streaming options given
  for (auto const *option : {"memory-limit", "window-layers", "batch-rows", "stream", "network"})
    if (opts.has(option))
      asked += (asked.empty() ? "--" : ", --") + std::string(option);
  if (!asked.empty())
    run.why = "asked by " + asked;
  if (ranks > 1)
  {
    if (!asked.empty())
      throw UsageError("sdnn infer: " + asked +
                       " stream the layers on one rank; under mpirun, --model-ranks M partitions the network among "
                       "the ranks instead");
    return std::nullopt;
  }
  if (!asked.empty())
    return run;
  if (reference)
    return std::nullopt;
  // A network that does not fit is streamed rather than loaded whole (and killed by the system).
  auto const bytes = layer_files_bytes(dataset.paths.layers, dataset.neurons, dataset.read_options);
  if (bytes <= default_memory_limit() / 2)
    return std::nullopt;
  run.why = "the layer files hold " + std::to_string(bytes >> 20) + " MiB, more than half the default limit";
  return run;
}

} // namespace

int run_infer(int argc, char **argv, int first)
{
  if (wants_trained_network(argc, argv, first))
    return run_infer_trained(argc, argv, first);
  Ranks const ranks;
  Options opts("sdnn infer",
               "sdnn infer [--dataset DIR] [--neurons N] [--layers L] [OPTIONS]\n"
               "mpirun -np P sdnn infer [...] [--partition block|hashed] [--rebalance-every K]\n"
               "mpirun -np P sdnn infer [...] --model-ranks M [--network-partition block|hashed|hypergraph|FILE]\n\n"
               "Runs inference on a Graph Challenge dataset (the challenge's TSV files, MatrixMarket\n"
               "or sdnn binary files), checks the categories against the truth file (exact set\n"
               "equality) and reports the challenge rate: inputs x edges / inference seconds.\n"
               "Files are found by the challenge's names inside DIR:\n"
               "  DIR/neuron{N}/n{N}-l{k}.tsv  DIR/sparse-images-{N}.tsv  DIR/neuron{N}-l{L}-categories.tsv\n"
               "Under mpirun (MPI build) the input rows are dealt to the ranks, each rank runs --mode on\n"
               "its rows with the whole network (layer files read once, by one rank each, and broadcast),\n"
               "and rank 0 gathers and checks the categories; the time is the slowest rank's.\n"
               "With --model-ranks M > 1 the P ranks form P/M data groups of M ranks that partition the\n"
               "network among them (each stores its neurons' columns of every layer and exchanges\n"
               "activations every layer): for a network that does not fit one rank.\n"
               "With --memory-limit (or --window-layers, --batch-rows, --stream, --network radixnet, or\n"
               "when the layer files exceed half the default limit) the layers are streamed on one rank:\n"
               "loaded a window at a time and the inputs run in row batches, both sized by the limit.\n"
               "With --network DIR, a network trained by `sdnn train` classifies labelled images instead\n"
               "(`sdnn infer --network DIR --help`).\n"
               "Exit status: 0 check passed (or --no-check), 1 check failed, 2 bad input or usage.");
  add_dataset_options(opts);
  add_engine_options(opts, ", or reference (the sequential oracle, on rank 0 only)");
  opts.add("threads", "T", "threads of the Kokkos host backend per rank (default: Kokkos' default, all cores)");
  opts.add("partition", "PART",
           "MPI: " + joined_names(all_row_partitions()) +
               " (input rows to ranks in contiguous blocks, or hashed first)",
           "hashed");
  opts.add("partition-seed", "S", "MPI: key of --partition hashed", "1");
  opts.add("rebalance-every", "K",
           "MPI: every K layers compare the ranks' surviving rows and migrate rows from overloaded to\n"
           "underloaded ranks when max/mean exceeds --rebalance-threshold (0: never)",
           "0");
  opts.add("rebalance-threshold", "X", "MPI: imbalance (max/mean surviving rows) that triggers a migration", "1.1");
  opts.add("model-ranks", "M",
           "MPI: ranks that partition the network among them (P/M data groups of M model ranks;\n"
           "1: every rank holds the whole network)",
           "1");
  opts.add(
      "network-partition", "NAME|FILE",
      "MPI, --model-ranks > 1: how neurons are dealt to the model ranks: " + joined_names(all_network_partitioners()) +
          ",\nor a file written by `sdnn partition --parts M --out FILE` (checked against the network)",
      partitioner_available(NetworkPartitioner::hypergraph) ? "hypergraph" : "hashed");
  opts.add("memory-limit", "SIZE",
           "stream the layers and batch the inputs to stay within SIZE bytes (512M, 16G, ...; default\n"
           "when streaming: 3/4 of the machine's memory); a limit too small for one layer and one row\n"
           "is refused before any work");
  opts.add("window-layers", "K", "streaming: at most K layers in memory at once");
  opts.add("batch-rows", "R", "streaming: at most R input rows at once");
  opts.add("stream", "", "stream the layers even when the network fits in memory");
  opts.add("network", "radixnet",
           "take the layers from the RadiX-Net generator as they are needed, bit for bit those\n"
           "`sdnn generate` writes (no layer files; streams); --network DIR is a trained network");
  opts.add("seed", "S",
           "--network radixnet: the generator's seed (default: the seed in DIR's sdnn-dataset stamp for N, else 1)");
  opts.add("per-layer", "", "print active rows and nnz(Y) after every layer");
  opts.add("per-rank", "", "MPI: print every rank's rows, work and times (default when at most 16 ranks)");
  opts.add("progress-every", "K", "progress line on stderr every K layers (0: none; default: L/10)");
  opts.add("categories-out", "FILE", "write the computed categories (1-based, one per line)");
  add_report_option(opts);
  add_cache_options(opts);
  opts.add("quiet", "", "no progress lines");

  bool help = false;
  DatasetOptions dataset;
  SharedSettings settings;
  bool reference = false;
  InferenceOptions engine;
  RowPartition partition = RowPartition::hashed;
  NetworkPartitioner network_partitioner = NetworkPartitioner::hashed;
  std::string network_partition_file; // --network-partition FILE, else empty
  double rebalance_threshold = 1.1;
  std::optional<StreamedRun> streamed;
  ranks.run(
      [&]
      {
        help = !opts.parse(argc, argv, first);
        if (help)
          return;
        dataset = parse_dataset_options(opts, "sdnn infer");
        settings.neurons = dataset.neurons;
        settings.layers = dataset.layers;
        settings.num_inputs = dataset.num_inputs;
        reference = opts.str("mode") == "reference";
        engine = parse_engine_options(opts, "sdnn infer", true);
        settings.mode = reference ? static_cast<std::int64_t>(all_parallelisms().size())
                                  : static_cast<std::int64_t>(engine.parallelism);
        if (auto const part = parse_row_partition(opts.str("partition")))
          partition = *part;
        else
          throw UsageError("sdnn infer: unknown --partition '" + opts.str("partition") +
                           "' (available: " + joined_names(all_row_partitions()) + ")");
        settings.partition = static_cast<std::int64_t>(partition);
        settings.rebalance_every = opts.integer("rebalance-every");
        if (settings.rebalance_every < 0 || settings.rebalance_every > settings.layers)
          throw UsageError("sdnn infer: --rebalance-every must be in 0..L, got " +
                           std::to_string(settings.rebalance_every));
        rebalance_threshold = opts.real("rebalance-threshold");
        if (!(rebalance_threshold >= 1.0))
          throw UsageError("sdnn infer: --rebalance-threshold must be >= 1, got " + opts.str("rebalance-threshold"));
        // Every rank decides alone whether to migrate: with other thresholds they would call other collectives.
        std::memcpy(&settings.rebalance_threshold_bits, &rebalance_threshold, sizeof(double));
        settings.model_ranks = opts.integer("model-ranks");
        if (settings.model_ranks < 1 || ranks.size % settings.model_ranks != 0)
          throw UsageError("sdnn infer: --model-ranks must divide the number of ranks (" + std::to_string(ranks.size) +
                           "), got " + opts.str("model-ranks"));
        // A partitioner's name, else a partition file.
        auto const partitioner = parse_network_partitioner(opts.str("network-partition"));
        if (partitioner && !partitioner_available(*partitioner))
          throw UsageError("sdnn infer: --network-partition " + opts.str("network-partition") +
                           " is not available in this build (available: " + joined_names(all_network_partitioners()) +
                           ", or a partition file)");
        if (partitioner)
          network_partitioner = *partitioner;
        else
          network_partition_file = opts.str("network-partition");
        settings.network_partitioner = partitioner ? static_cast<std::int64_t>(network_partitioner) : -1;
        check_threads_option(opts, "sdnn infer");
      });
  if (help)
    return 0;
  check_same_settings(ranks, settings);
  ranks.run(
      [&]
      {
        if (!opts.has("network")) // else the generator makes the layers
          require_layer_files(dataset.paths);
        streamed = parse_streamed_run(opts, dataset, ranks.size, reference);
      });
  engine.keep_activations = false;
  auto const n = settings.neurons;
  auto const num_layers = settings.layers;

  bool const quiet = opts.has("quiet") || !ranks.root();
  std::int64_t progress_every =
      opts.has("progress-every") ? opts.integer("progress-every") : std::max<std::int64_t>(1, num_layers / 10);
  if (quiet)
    progress_every = 0;
  if (streamed)
    return run_infer_streamed(opts, dataset, engine, reference, *streamed, progress_every, quiet);

  auto const &paths = dataset.paths;
  float const bias = dataset.bias;
  auto const &read_options = dataset.read_options;

  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn] " << line << std::endl;
  };

  // ---- I/O (timed apart from inference): rank 0 reads the images and the truth, each layer file
  // is read by one rank and broadcast, then rank 0 deals the input rows. ----
  double const io_start = now_seconds();
  CacheTally note_cache{progress};
  DatasetInputs inputs;
  ranks.run(
      [&]
      {
        if (ranks.root())
          inputs = read_dataset_inputs(dataset, std::ref(note_cache), progress);
      });
  auto &images = inputs.images;
  auto const &truth = inputs.truth;
  auto &num_inputs = inputs.num_inputs;
  auto const input_nnz = inputs.input_nnz;
  auto on_layer = [&](int k, ReadInfo const &info)
  {
    note_cache(info);
    if (progress_every > 0 && (k % std::max<std::int64_t>(progress_every, num_layers / 4) == 0))
      progress("read layer " + std::to_string(k) + "/" + std::to_string(num_layers));
  };
#if SDNN_ENABLE_MPI
  // Model parallelism with a partition known before the weights (block, hashed, a file): each rank receives only
  // its columns of every layer, so no rank ever holds the whole network. The hypergraph partitioner reads the
  // whole network: then every rank loads it and keeps its share.
  bool const distribute = ranks.size > 1 && !reference;
  bool const model_parallel = distribute && settings.model_ranks > 1;
  bool const by_columns =
      model_parallel && (!network_partition_file.empty() || network_partitioner != NetworkPartitioner::hypergraph);
  int const m = static_cast<int>(settings.model_ranks);
  auto const partition_seed = static_cast<std::uint64_t>(opts.integer("partition-seed"));
  std::string const network_partition_label =
      network_partition_file.empty() ? name(network_partitioner) : "from " + network_partition_file;
  NetworkPartition network_partition;
  NetworkPartitionFile partition_file;
  double partition_seconds = 0.0;
  // partition_network(): the network partition of a model-parallel run, timed (the hypergraph's once the network is
  // read: `layers` is null before).
  auto const partition_network = [&](std::vector<HostCsc> const *layers)
  {
    double const partition_start = now_seconds();
    if (!network_partition_file.empty()) // read by every rank; a rank that cannot ends every rank
      ranks.run(
          [&]
          {
            partition_file = read_network_partition(network_partition_file);
            check_partition_file(network_partition_file, partition_file, n, static_cast<int>(num_layers), m);
            network_partition = partition_file.partition;
          });
    else if (network_partitioner == NetworkPartitioner::hypergraph)
      network_partition = hypergraph_partition(ranks.comm, *layers, m);
    else
      network_partition =
          simple_network_partition(network_partitioner, n, static_cast<int>(num_layers), m, partition_seed);
    partition_seconds = max_over_ranks(ranks, now_seconds() - partition_start);
    progress("network partition: " + network_partition_label + " into " + std::to_string(m) + " parts, " +
             std::to_string(partition_seconds) + " s");
  };
  Network network;
  if (by_columns)
  {
    partition_network(nullptr);
    network = load_network_columns(ranks.comm, paths.layers, network_partition, bias, read_options, on_layer);
    if (!network_partition_file.empty())
    {
      auto const fingerprint = network_fingerprint(ranks.comm, network.layers, network_partition);
      ranks.run([&] { check_partition_network(network_partition_file, partition_file, fingerprint); });
    }
  }
  else
  {
    network = load_network(ranks.comm, paths.layers, n, bias, read_options, on_layer);
    if (model_parallel)
      partition_network(&network.layers);
  }
  // Σ nnz(W_l): with the columns spread, the first data group's ranks hold every column once.
  std::int64_t edges = by_columns && ranks.rank >= m ? 0 : network.num_edges();
  if (by_columns)
    MPI_Allreduce(MPI_IN_PLACE, &edges, 1, MPI_INT64_T, MPI_SUM, ranks.comm);
  MPI_Bcast(&num_inputs, 1, MPI_INT64_T, 0, ranks.comm);
  MPI_Allreduce(MPI_IN_PLACE, &note_cache.hits, 1, MPI_INT64_T, MPI_SUM, ranks.comm);
  MPI_Allreduce(MPI_IN_PLACE, &note_cache.writes, 1, MPI_INT64_T, MPI_SUM, ranks.comm);
#else
  auto const network = load_network(paths.layers, n, bias, read_options, on_layer);
  std::int64_t const edges = network.num_edges();
  bool const by_columns = false;
#endif
  if (!reference && ranks.size > num_inputs)
    throw InputError("there are " + std::to_string(ranks.size) + " ranks but only " + std::to_string(num_inputs) +
                     " input rows in " + paths.images + ": run with at most " + std::to_string(num_inputs) + " ranks");
  double scatter_seconds = 0.0;
#if SDNN_ENABLE_MPI
  // One rank runs the single-node engine on the images directly: no scatter, no copies of the rows.
  RowBlock local;
  std::optional<NetworkShare> share;
  if (model_parallel)
  {
    share.emplace(ranks.comm, network_partition, network.layers, bias);
    network = Network(); // the share keeps what it needs
    double const scatter_start = now_seconds();
    local = scatter_rows(0, images, *share, partition, partition_seed);
    scatter_seconds = now_seconds() - scatter_start;
    images = HostCsc();
  }
  else if (distribute)
  {
    ExchangeStats scatter;
    local = scatter_rows(ranks.comm, 0, images, partition, partition_seed, &scatter);
    scatter_seconds = scatter.seconds;
    images = HostCsc(); // rank 0 keeps its own rows only
  }
#endif
  double const io_seconds = max_over_ranks(ranks, now_seconds() - io_start);

  // ---- Inference ----
  Json report = Json::object(); // the --report file: every figure printed below, under the names of the fields
  if (ranks.root())
  {
    print_header(ranks.size, opts.str("mode"), dataset, num_inputs, input_nnz, edges, bias, report);
  }
  bool const per_layer = opts.has("per-layer");
#if SDNN_ENABLE_MPI
  MPI_Barrier(ranks.comm);
#endif
  double const infer_start = now_seconds();
  InferenceResult result;
  WorkReport work;
#if SDNN_ENABLE_MPI
  DistributedReport distributed;
  ModelParallelReport model_report;
  DistributedOptions distributed_options;
  distributed_options.rebalance_every = static_cast<int>(settings.rebalance_every);
  distributed_options.rebalance_threshold = rebalance_threshold;
#endif
  if (reference)
  {
    if (ranks.root())
      result =
          reference_inference(images, network.layers, network.bias, challenge_ymax,
                              [&](LayerStats const &s)
                              {
                                if (progress_every > 0 && s.layer % progress_every == 0 && s.layer != num_layers)
                                {
                                  char line[160];
                                  std::snprintf(line, sizeof line, "layer %d/%lld: %lld active rows, %.1f s", s.layer,
                                                static_cast<long long>(num_layers),
                                                static_cast<long long>(s.active_rows), now_seconds() - infer_start);
                                  progress(line);
                                }
                              });
  }
  else
  {
    if (progress_every > 0) // a line each time another progress_every layers' worth is done
      engine.progress = progress_by_percent(progress, 100 * progress_every / num_layers, infer_start,
                                            ranks.size > 1 ? " on rank 0" : "");
#if SDNN_ENABLE_MPI
    if (model_parallel)
    {
      ModelParallelOptions model_options;
      model_options.node = engine;
      result =
          infer_model_parallel(0, Kokkos::DefaultHostExecutionSpace(), local, *share, model_options, &model_report);
      work = model_report.ranks[0].node;
    }
    else if (distribute)
    {
      distributed_options.node = engine;
      result = infer_distributed(ranks.comm, 0, Kokkos::DefaultHostExecutionSpace(), std::move(local),
                                 PreparedNetwork(network.layers, network.bias, NeuronOrder::clustered),
                                 distributed_options, &distributed);
      work = distributed.ranks[0].work;
    }
    else
#endif
      result = infer(Kokkos::DefaultHostExecutionSpace(), images, network.layers, network.bias, engine, &work);
  }
  double const infer_seconds = max_over_ranks(ranks, now_seconds() - infer_start);
  double const peak_mib = max_over_ranks(ranks, peak_memory_mib());
  // Useful multiply-adds: Σ over the layers of each input nonzero's row degree; with the network partitioned, the
  // ranks' multiply-adds on their columns add up to it (every rank has them, from the report).
  double macs = 0.0;
#if SDNN_ENABLE_MPI
  if (model_parallel)
    for (auto const &r : model_report.ranks)
      macs += static_cast<double>(std::accumulate(r.work.begin(), r.work.end(), std::int64_t(0)));
  else
#endif
    macs = useful_multiply_adds(input_nnz, result.layers, network.layers);

  int status = 0;
  // Rank 0 prints and writes the outputs; a failure there (a full disk, a missing directory) must end every rank,
  // not leave them waiting in the status broadcast below: the phase's errors are agreed on.
  ranks.run(
      [&]
      {
        if (!ranks.root())
          return;
        report["io"] = io_json(io_seconds, num_layers, note_cache);
        if (ranks.size > 1 && !reference)
        {
          Json &scatter = report["scatter"] = Json::object();
          scatter["seconds"] = scatter_seconds;
          scatter["partition"] = opts.str("partition");
        }
        report["inference_seconds"] = infer_seconds;
        std::printf(
            "io           : %.3f s (1 image file, %lld layer files%s; %lld from binary cache, %lld cached now)\n",
            io_seconds, static_cast<long long>(num_layers),
            ranks.size == 1 ? ""
            : by_columns    ? ", each read by one rank, its columns dealt to the ranks that own them"
                            : ", each read by one rank and broadcast",
            static_cast<long long>(note_cache.hits), static_cast<long long>(note_cache.writes));
        if (ranks.size > 1 && !reference)
          std::printf("scatter      : %.3f s (input rows dealt to %d ranks, partition %s)\n", scatter_seconds,
                      ranks.size, opts.str("partition").c_str());
        std::printf("inference    : %.3f s%s\n", infer_seconds, ranks.size > 1 ? " (slowest rank)" : "");
        print_rate_and_work(infer_seconds, num_inputs, edges, macs, result.layers, per_layer, report);
        if (!reference)
        {
          print_engine_work(engine, work, ranks.size > 1, report);
#if SDNN_ENABLE_MPI
          if (model_parallel)
            print_model_parallel(model_report, network_partition_label, partition_seconds,
                                 num_layers * (n + 1) * 8 + edges * 8, per_layer, report);
          else if (distribute)
          {
            std::vector<double> compute;
            for (auto const &r : distributed.ranks)
              compute.push_back(r.compute_seconds);
            std::printf(
                "ranks        : %d, partition %s | compute (s) %s | imbalance (max/mean) %.3f, row-layers %.3f\n",
                ranks.size, name(partition).c_str(), join(compute, "%.3f").c_str(), distributed.imbalance(),
                distributed.work_imbalance());
            Json &d = report["distributed"] = Json::object();
            d["partition"] = name(partition);
            d["imbalance"] = distributed.imbalance();
            d["work_imbalance"] = distributed.work_imbalance();
            d["rebalance_every"] = settings.rebalance_every;
            d["rebalance_threshold"] = rebalance_threshold;
            d["checks"] = distributed.checks;
            d["rebalances"] = distributed.rebalances;
            d["rows_moved"] = distributed.rows_moved();
            d["bytes_moved"] = distributed.bytes_moved();
            d["max_comm_seconds"] = distributed.max_comm_seconds();
            d["ranks"] = to_json_array(distributed.ranks);
            if (settings.rebalance_every > 0)
              std::printf("rebalance    : every %lld layers above %.2f: %d checks, %d migrations, %lld rows moved "
                          "(%.2f MiB), max %.3f s in rebalancing\n",
                          static_cast<long long>(settings.rebalance_every), rebalance_threshold, distributed.checks,
                          distributed.rebalances, static_cast<long long>(distributed.rows_moved()),
                          static_cast<double>(distributed.bytes_moved()) / (1 << 20), distributed.max_comm_seconds());
            else
              std::printf("rebalance    : off\n");
            if (ranks.size > 1 && (opts.has("per-rank") || ranks.size <= 16))
              for (auto const &r : distributed.ranks)
                std::printf("rank %4d    : rows %lld -> %lld, row-layers %lld, compute %.3f s, rebalancing %.3f s, "
                            "sent %lld rows (%.2f MiB), received %lld rows, thread imbalance %.3f\n",
                            r.rank, static_cast<long long>(r.rows_start), static_cast<long long>(r.rows_end),
                            static_cast<long long>(r.row_layers), r.compute_seconds, r.comm_seconds,
                            static_cast<long long>(r.exchange.rows_sent),
                            static_cast<double>(r.exchange.bytes_sent) / (1 << 20),
                            static_cast<long long>(r.exchange.rows_received), r.work.imbalance());
          }
#endif
        }
        std::printf("categories   : %zu\n", result.categories.size());
        report["categories"] = result.categories.size();
        if (opts.has("categories-out"))
          write_categories(opts.str("categories-out"), result.categories);
        status = print_check(dataset, result.categories, truth, report);
        std::printf("peak memory  : %.1f MiB%s\n", peak_mib, ranks.size > 1 ? " (largest rank)" : "");
        std::fflush(stdout);
        report["peak_memory_mib"] = peak_mib;
        report["exit_status"] = status;
        write_report(opts, report);
      });
#if SDNN_ENABLE_MPI
  MPI_Bcast(&status, 1, MPI_INT, 0, ranks.comm);
#endif
  return status;
}

} // namespace sdnn::cli
