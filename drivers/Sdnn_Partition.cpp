// `sdnn partition`: the network cut into parts by each partitioner, with the communication volume, the per-layer
// balance, the weight bytes per part and the partitioning time (under mpirun the hypergraph partitioner runs on
// every rank).
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_Ranks.hpp"

#include <Sdnn.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

namespace sdnn::cli
{

int run_partition(int argc, char **argv, int first)
{
  Ranks const ranks;
  Options opts("sdnn partition",
               "sdnn partition [--dataset DIR] [--neurons N] [--layers L] --parts P [OPTIONS]\n"
               "mpirun -np R sdnn partition ...   (the hypergraph partitioner runs on the R ranks)\n\n"
               "Cuts the network into P parts (each part owns, in every layer, some output neurons and their\n"
               "activation columns: ICS 2021 model parallelism) with each partitioner and reports, per\n"
               "partitioner: the activation columns sent per inference row (the hypergraph's connectivity-1\n"
               "cut, summed over layers), the largest per-layer work imbalance (max/mean nonzeros of W_l), the\n"
               "largest part's weight bytes and the partitioning time. --out saves the partition (with\n"
               "--partitioner all: the one that sends least) for `sdnn infer --network-partition FILE`.");
  add_network_options(opts);
  opts.add("parts", "P", "number of parts", "4");
  opts.add("partitioner", "NAME", "one of " + joined_names(all_network_partitioners()) + ", or all", "all");
  opts.add("imbalance-tolerance", "X", "hypergraph: largest part's work over the mean per layer", "1.03");
  opts.add("zoltan", "KEY=VALUE,...", "hypergraph: Zoltan parameters, set after sdnn's own");
  opts.add("seed", "S", "key of the hashed partitioner", "1");
  opts.add("out", "FILE",
           "write the partition (with --partitioner all: the one with the least volume) to FILE, for\n"
           "`sdnn infer --model-ranks P --network-partition FILE` (written by rank 0)");
  add_report_option(opts);
  add_cache_options(opts);
  opts.add("quiet", "", "no progress lines");

  bool help = false;
  DatasetOptions dataset;
  std::vector<NetworkPartitioner> partitioners;
  int parts = 0;
  HypergraphOptions hypergraph;
  ranks.run(
      [&]
      {
        help = !opts.parse(argc, argv, first);
        if (help)
          return;
        dataset = parse_dataset_options(opts, "sdnn partition");
        auto const p = opts.integer("parts");
        if (p < 1 || p > dataset.neurons)
          throw UsageError("sdnn partition: --parts must be in 1..N, got " + opts.str("parts"));
        parts = static_cast<int>(p);
        if (opts.str("partitioner") == "all")
          partitioners = all_network_partitioners();
        else if (auto const one = parse_network_partitioner(opts.str("partitioner")))
          partitioners = {*one};
        else
          throw UsageError("sdnn partition: unknown --partitioner '" + opts.str("partitioner") +
                           "' (available: " + joined_names(all_network_partitioners()) + ", all)");
        partitioners.erase(
            std::remove_if(partitioners.begin(), partitioners.end(),
                           [&](NetworkPartitioner x)
                           {
                             bool const skip = !partitioner_available(x) && opts.str("partitioner") == "all";
                             SDNN_USER_REQUIRE(skip || partitioner_available(x),
                                               "this build of sdnn has no " << name(x) << " partitioner");
                             return skip;
                           }),
            partitioners.end());
        hypergraph.imbalance_tolerance = opts.real("imbalance-tolerance");
        if (opts.has("zoltan"))
        {
          std::string const list = opts.str("zoltan");
          for (std::size_t at = 0; at <= list.size();)
          {
            auto const end = std::min(list.find(',', at), list.size());
            auto const item = list.substr(at, end - at);
            auto const eq = item.find('=');
            if (eq == std::string::npos || eq == 0)
              throw UsageError("sdnn partition: --zoltan expects KEY=VALUE[,KEY=VALUE...], got '" + item + "'");
            hypergraph.zoltan_parameters.emplace_back(item.substr(0, eq), item.substr(eq + 1));
            at = end + 1;
          }
        }
        if (!(hypergraph.imbalance_tolerance >= 1.0))
          throw UsageError("sdnn partition: --imbalance-tolerance must be >= 1, got " +
                           opts.str("imbalance-tolerance"));
      });
  if (help)
    return 0;
  bool const quiet = opts.has("quiet") || !ranks.root();
  auto progress = [&](std::string const &line)
  {
    if (!quiet)
      std::cerr << "[sdnn] " << line << std::endl;
  };
  CacheTally note_cache{progress};
  double const io_start = now_seconds();
  auto on_layer = [&](int, ReadInfo const &info) { note_cache(info); };
#if SDNN_ENABLE_MPI
  auto const network =
      load_network(ranks.comm, dataset.paths.layers, dataset.neurons, dataset.bias, dataset.read_options, on_layer);
#else
  auto const network =
      load_network(dataset.paths.layers, dataset.neurons, dataset.bias, dataset.read_options, on_layer);
#endif
  double const io_seconds = now_seconds() - io_start;

  Json report = Json::object();
  report["sdnn_version"] = SDNN_VERSION_STRING;
  report["ranks"] = ranks.size;
  report["dataset"] = dataset_json(dataset, 0, 0, network.num_edges(), network.bias);
  report["io"] = io_json(io_seconds, dataset.layers, note_cache);
  report["parts"] = parts;
  Json results = Json::array();
  if (ranks.root())
  {
    std::printf("sdnn %s | partition of N=%lld L=%lld (%lld edges) into %d parts | %d rank%s\n", SDNN_VERSION_STRING,
                static_cast<long long>(dataset.neurons), static_cast<long long>(dataset.layers),
                static_cast<long long>(network.num_edges()), parts, ranks.size, ranks.size > 1 ? "s" : "");
    std::printf("%-12s %14s %10s %14s %16s %10s\n", "partitioner", "volume", "x simple", "max imbalance",
                "max part MiB", "seconds");
  }
  // Each partition with its time and figures. The simple ones come first, listed or not: the better of their
  // volumes is the yardstick of the "x simple" column.
  struct Cut
  {
    double seconds = 0.0;
    PartitionQuality quality;
    NetworkPartition partition;
  };
  auto cut = [&](NetworkPartitioner partitioner)
  {
    progress("partitioning with " + name(partitioner));
#if SDNN_ENABLE_MPI
    MPI_Barrier(ranks.comm);
#endif
    double const start = now_seconds();
    NetworkPartition partition;
    if (partitioner == NetworkPartitioner::hypergraph)
    {
#if SDNN_ENABLE_MPI
      partition = hypergraph_partition(ranks.comm, network.layers, parts, hypergraph);
#endif
    }
    else
      partition = simple_network_partition(partitioner, dataset.neurons, static_cast<int>(dataset.layers), parts,
                                           static_cast<std::uint64_t>(opts.integer("seed")));
    double const seconds = now_seconds() - start;
    auto quality = evaluate_partition(partition, network.layers);
    return Cut{seconds, std::move(quality), std::move(partition)};
  };
  std::map<NetworkPartitioner, Cut> cuts;
  for (auto const simple : {NetworkPartitioner::block, NetworkPartitioner::hashed})
    cuts[simple] = cut(simple);
  std::int64_t const best_simple = std::min(cuts[NetworkPartitioner::block].quality.total_volume(),
                                            cuts[NetworkPartitioner::hashed].quality.total_volume());
  auto chosen = partitioners.front(); // the one --out saves: least volume, the first listed on a tie
  for (auto const partitioner : partitioners)
  {
    if (!cuts.count(partitioner))
      cuts[partitioner] = cut(partitioner);
    auto const &[seconds, quality, partition] = cuts[partitioner];
    if (quality.total_volume() < cuts[chosen].quality.total_volume())
      chosen = partitioner;
    double const ratio =
        best_simple > 0 ? static_cast<double>(quality.total_volume()) / static_cast<double>(best_simple) : 1.0;
    auto const max_bytes = *std::max_element(quality.weight_bytes.begin(), quality.weight_bytes.end());
    if (ranks.root())
      std::printf("%-12s %14lld %10.3f %14.3f %16.2f %10.3f\n", name(partitioner).c_str(),
                  static_cast<long long>(quality.total_volume()), ratio, quality.max_imbalance(),
                  static_cast<double>(max_bytes) / (1 << 20), seconds);
    Json result = Json::object();
    result["partitioner"] = name(partitioner);
    result["seconds"] = seconds;
    result["total_volume"] = quality.total_volume();
    result["volume_over_best_simple"] = ratio;
    result["max_imbalance"] = quality.max_imbalance();
    result["volume"] = quality.volume;
    result["imbalance"] = quality.imbalance;
    result["weight_bytes"] = quality.weight_bytes;
    results.push_back(std::move(result));
  }
  report["partitions"] = std::move(results);
  ranks.run( // rank 0 writes; its failure ends every rank
      [&]
      {
        if (!ranks.root())
          return;
        std::printf("volume: activation columns sent per inference row, summed over layers; x simple: over the best "
                    "of\nthe block and hashed partitions; imbalance: per layer, max/mean nonzeros of W_l per part\n");
        if (opts.has("out"))
        {
          NetworkPartitionFile file{cuts[chosen].partition, network_fingerprint(network.layers), name(chosen)};
          write_network_partition(opts.str("out"), file);
          std::printf("written      : %s partition to %s\n", name(chosen).c_str(), opts.str("out").c_str());
          report["out"] = opts.str("out");
          report["out_partitioner"] = name(chosen);
        }
        std::fflush(stdout);
        write_report(opts, report);
      });
  return 0;
}

} // namespace sdnn::cli
