// `sdnn train`: mini-batch SGD of a sparse network on labelled images (Fashion-MNIST from Debian by default), with
// a line per epoch, a CSV of the curves and a checkpoint after every epoch that `--resume` continues exactly.
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_LabelledImages.hpp"
#include "Sdnn_Ranks.hpp"

#include <Sdnn.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace sdnn::cli
{

namespace
{

std::vector<std::int64_t> parse_widths(std::string const &text)
{
  std::vector<std::int64_t> widths;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
  {
    char *end = nullptr;
    long long const w = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || w < 1 || w > (1 << 24))
      throw UsageError("sdnn train: --hidden takes widths like 1024,1024,1024 (each 1..16777216), got '" + text + "'");
    widths.push_back(w);
  }
  if (widths.empty())
    throw UsageError("sdnn train: --hidden needs at least one width");
  return widths;
}

std::string csv_header()
{
  return "epoch,learning_rate,loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second\n";
}

std::string csv_line(EpochReport const &r)
{
  char line[256];
  std::snprintf(line, sizeof line, "%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.6f,%.1f\n", r.epoch, r.learning_rate, r.loss,
                r.train_accuracy, r.test_loss, r.test_accuracy, r.seconds, r.samples_per_second());
  return line;
}

/// The options a checkpoint records and a resumed run must keep (given again, they must agree).
std::vector<std::string> const resumable_options{"features",     "num-train",   "batch-size", "learning-rate",
                                                 "lr-decay",     "momentum",    "seed",       "train-images",
                                                 "train-labels", "network-seed"};

} // namespace

int run_train(int argc, char **argv, int first)
{
  Ranks const ranks;
  Options opts("sdnn train",
               "sdnn train [OPTIONS]\n\n"
               "Trains a sparse network (fixed sparse topology, a bias per neuron, ReLU hidden layers, softmax\n"
               "cross-entropy on 10 classes) with mini-batch SGD and momentum on labelled IDX images, by default\n"
               "Fashion-MNIST from Debian's dataset-fashion-mnist. Prints a line per epoch (loss, train and test\n"
               "accuracy, samples/s); with --out, saves the network, its momentum and the curves (training.csv)\n"
               "after every epoch, so that --resume continues the run exactly (the same weights, bit for bit, as\n"
               "an uninterrupted run). Gradients are summed in fixed point: any thread count gives the same bits.");
  std::string const fm = fashion_mnist_dir;
  opts.add("train-images", "FILE", "training images (IDX3, gzip or not)", fm + "train-images-idx3-ubyte.gz");
  opts.add("train-labels", "FILE", "training labels (IDX1)", fm + "train-labels-idx1-ubyte.gz");
  opts.add("test-images", "FILE", "test images", fm + "t10k-images-idx3-ubyte.gz");
  opts.add("test-labels", "FILE", "test labels", fm + "t10k-labels-idx1-ubyte.gz");
  opts.add("no-test", "", "do not evaluate on test images");
  opts.add("num-train", "N", "use the first N training images (default: all)");
  opts.add("num-test", "N", "use the first N test images (default: all)");
  opts.add("features", "KIND", "pixels (gray levels in [0, 1]) or challenge (32x32 resampled, 1024 features)",
           "pixels");
  opts.add("hidden", "W,W,...", "widths of the hidden layers", "1024,1024,1024");
  opts.add("topology", "NAME", "random (fan-in K per neuron) or radix (RadiX-Net between hidden layers)", "random");
  opts.add("fan-in", "K", "inputs per hidden neuron (random topology, and the first layer of radix)", "32");
  opts.add("output-fan-in", "K", "inputs per output neuron (0: all of the last hidden layer)", "0");
  opts.add("clamp", "Y", "clamp hidden activations at Y (0: none)", "0");
  opts.add("network-seed", "S", "seed of the topology and of the initial weights", "1");
  opts.add("epochs", "E", "epochs in total (a resumed run continues up to E)", "10");
  opts.add("batch-size", "B", "samples per SGD step (1: one sample, the sparse matrix-vector case)", "32");
  opts.add("learning-rate", "X", "step size of the first epoch", "0.05");
  opts.add("lr-decay", "X", "step size multiplied by X after every epoch", "0.9");
  opts.add("momentum", "X", "heavy-ball momentum in [0, 1)", "0.9");
  opts.add("seed", "S", "seed of the per-epoch shuffles", "1");
  opts.add("no-shuffle", "", "visit the samples in file order every epoch");
  opts.add("out", "DIR", "save the network, momentum and curves there after every epoch (replaced atomically)");
  opts.add("resume", "DIR", "continue the run saved in DIR (its network, momentum and options)");
  opts.add("network", "DIR",
           "start from the network saved in DIR (its topology, weights and biases; e.g. written by\n"
           "`sdnn train --epochs 0 --out DIR` or by another tool in that format) instead of drawing one");
  opts.add("model-ranks", "M",
           "MPI: ranks that partition the network among them (P/M data groups of M model ranks, which\n"
           "split each batch and sum their gradients; 1: every rank holds the whole network)",
           "1");
  opts.add("network-partition", "NAME",
           "MPI, --model-ranks > 1: how the neurons of every layer are dealt to the model ranks: " +
               joined_names(all_network_partitioners()),
           partitioner_available(NetworkPartitioner::hypergraph) ? "hypergraph" : "hashed");
  opts.add("partition-seed", "S", "MPI: key of --network-partition hashed", "1");
  opts.add("threads", "T", "host threads (Kokkos)");
  add_report_option(opts);
  opts.add("quiet", "", "no per-epoch lines");

  bool help = false;
  ranks.run([&] { help = !opts.parse(argc, argv, first); });
  if (help)
    return 0;
  // What every rank sets up alike (a failure on any rank stops them all).
  TrainingOptions options;
  ClassificationData train_data, test_data;
  bool const test = !opts.has("no-test");
  bool const quiet = opts.has("quiet") || !ranks.root();
  TrainableNetwork network;
  TrainingState state;
  std::map<std::string, std::string> metadata;
  std::string csv, kind_name;
  int model_ranks = 1;
  std::optional<NetworkPartitioner> partitioner;
  ranks.run(
      [&]
      {
        check_threads_option(opts, "sdnn train");
        model_ranks = static_cast<int>(opts.integer("model-ranks"));
        if (model_ranks < 1 || ranks.size % model_ranks != 0)
          throw UsageError("sdnn train: --model-ranks must divide the " + std::to_string(ranks.size) + " ranks, got " +
                           opts.str("model-ranks"));
        partitioner = parse_network_partitioner(opts.str("network-partition"));
        if (!partitioner || !partitioner_available(*partitioner))
          throw UsageError("sdnn train: --network-partition must be one of " +
                           joined_names(all_network_partitioners()) + " available in this build, got '" +
                           opts.str("network-partition") + "'");

        // A resumed run takes the checkpoint's options; the ones given again must agree with them.
        TrainedNetworkFile resumed;
        std::map<std::string, std::string> values;
        std::string previous_csv;
        if (opts.has("resume"))
        {
          std::string const dir = opts.str("resume");
          resumed = load_trained_network(dir, true);
          SDNN_USER_REQUIRE(resumed.metadata["checkpoint"] == "yes",
                            dir << ": a trained network without its momentum; only a checkpoint of `sdnn train --out` "
                                   "can be resumed");
          for (auto const &option : resumable_options)
          {
            auto const it = resumed.metadata.find("option." + option);
            SDNN_USER_REQUIRE(it != resumed.metadata.end(), dir << "/" << trained_network_metadata << ": no 'option."
                                                                << option << "' line: not a checkpoint of sdnn train");
            if (opts.has(option) && opts.str(option) != it->second)
              throw UsageError("sdnn train: --" + option + " " + opts.str(option) +
                               " disagrees with the checkpoint's " + it->second + " (" + dir + ")");
            values[option] = it->second;
          }
          auto const csv = std::filesystem::path(dir) / "training.csv";
          if (std::filesystem::exists(csv))
            previous_csv = read_file(csv.string());
        }
        auto value = [&](std::string const &option)
        { return values.count(option) ? values[option] : opts.str(option); };
        auto integer = [&](std::string const &option, long long lo, long long hi)
        {
          std::string const text = value(option);
          char *end = nullptr;
          long long const v = std::strtoll(text.c_str(), &end, 10);
          if (text.empty() || *end != '\0' || v < lo || v > hi)
            throw UsageError("sdnn train: --" + option + " must be an integer in " + std::to_string(lo) + ".." +
                             std::to_string(hi) + ", got '" + text + "'");
          return v;
        };
        auto real = [&](std::string const &option)
        {
          std::string const text = value(option);
          char *end = nullptr;
          double const v = std::strtod(text.c_str(), &end);
          if (text.empty() || *end != '\0' || !std::isfinite(v))
            throw UsageError("sdnn train: --" + option + " must be a finite number, got '" + text + "'");
          return v;
        };

        kind_name = value("features");
        auto const parsed_kind = parse_feature_kind(kind_name);
        if (!parsed_kind)
          throw UsageError("sdnn train: --features must be pixels or challenge, got '" + kind_name + "'");
        FeatureKind const kind = *parsed_kind;
        options.epochs = static_cast<int>(integer("epochs", 0, 1000000));
        options.batch_size = static_cast<int>(integer("batch-size", 1, 4096));
        options.learning_rate = real("learning-rate");
        options.learning_rate_decay = real("lr-decay");
        options.momentum = real("momentum");
        options.seed = static_cast<std::uint64_t>(integer("seed", 0, std::numeric_limits<long long>::max()));
        options.shuffle = !opts.has("no-shuffle");
        if (!(options.learning_rate > 0))
          throw UsageError("sdnn train: --learning-rate must be positive");
        if (!(options.learning_rate_decay > 0))
          throw UsageError("sdnn train: --lr-decay must be positive");
        if (!(options.momentum >= 0 && options.momentum < 1))
          throw UsageError("sdnn train: --momentum must be in [0, 1)");
        std::int64_t const num_train = values.count("num-train") ? integer("num-train", -1, 1LL << 40)
                                       : opts.has("num-train")   ? integer("num-train", 1, 1LL << 40)
                                                                 : -1;
        std::int64_t const num_test = opts.has("num-test") ? integer("num-test", 1, 1LL << 40) : -1;

        train_data = read_labelled_images(value("train-images"), value("train-labels"), num_train, kind);
        if (test)
          test_data = read_labelled_images(opts.str("test-images"), opts.str("test-labels"), num_test, kind);

        if (opts.has("resume"))
        {
          network = std::move(resumed.network);
          state = std::move(resumed.state);
          options.first_epoch = resumed.epochs;
          SDNN_USER_REQUIRE(resumed.epochs <= options.epochs, opts.str("resume")
                                                                  << ": the checkpoint has " << resumed.epochs
                                                                  << " epochs, more than --epochs " << options.epochs);
          options.epochs -= resumed.epochs;
          check_data_fits(train_data, network, opts.str("resume") + " and " + value("train-images"));
        }
        else if (opts.has("network"))
        {
          // Its topology and weights as the starting point (fresh momentum, epochs counted from 0).
          network = load_trained_network(opts.str("network")).network;
          check_data_fits(train_data, network, opts.str("network") + " and " + value("train-images"));
        }
        else
        {
          NetworkShape shape;
          shape.features = train_data.num_features;
          shape.hidden = parse_widths(opts.str("hidden"));
          shape.classes = train_data.num_classes;
          if (opts.str("topology") == "radix")
            shape.topology = SparseTopology::radix_net;
          else if (opts.str("topology") != "random")
            throw UsageError("sdnn train: --topology must be random or radix, got '" + opts.str("topology") + "'");
          shape.fan_in = integer("fan-in", 1, 1 << 24);
          shape.output_fan_in = integer("output-fan-in", 0, 1 << 24);
          shape.clamp = static_cast<float>(real("clamp"));
          if (shape.clamp < 0)
            throw UsageError("sdnn train: --clamp must be >= 0");
          shape.seed = static_cast<std::uint64_t>(integer("network-seed", 0, std::numeric_limits<long long>::max()));
          network = draw_network(shape);
        }

        for (auto const &option : resumable_options)
          metadata["option." + option] = option == "num-train" ? std::to_string(num_train) : value(option);
        metadata["option.shuffle"] = options.shuffle ? "yes" : "no";
        csv = previous_csv.empty() ? csv_header() : previous_csv;
      });
  if (!quiet)
    std::cout << "train    " << train_data.count << " samples of " << train_data.num_features << " features ("
              << kind_name << "), " << (test ? std::to_string(test_data.count) : std::string("no")) << " test samples\n"
              << "network  " << network.num_layers() << " layers, " << network.num_parameters() << " parameters, "
              << "batch " << options.batch_size << ", " << Kokkos::DefaultHostExecutionSpace().concurrency()
              << " threads"
              << (options.first_epoch > 0 ? ", resumed after epoch " + std::to_string(options.first_epoch) : "")
              << std::endl;
  Json epochs_json = Json::array();
  double total_seconds = 0.0;
  std::int64_t total_samples = 0;
  auto save = [&](int epochs_done)
  {
    if (opts.has("out"))
      ranks.run(
          [&]
          {
            if (ranks.root())
              save_trained_network(opts.str("out"), network, &state, epochs_done, metadata, {{"training.csv", csv}});
          });
  };
  auto on_epoch = [&](EpochReport const &r)
  {
    total_seconds += r.seconds;
    total_samples += r.samples;
    csv += csv_line(r);
    Json e = Json::object();
    e["epoch"] = r.epoch;
    e["learning_rate"] = r.learning_rate;
    e["loss"] = r.loss;
    e["train_accuracy"] = r.train_accuracy;
    e["test_loss"] = r.test_loss;
    e["test_accuracy"] = r.test_accuracy;
    e["seconds"] = r.seconds;
    e["samples_per_second"] = r.samples_per_second();
    epochs_json.push_back(e);
    if (!quiet)
    {
      char line[256];
      std::snprintf(line, sizeof line, "epoch %3d  loss %.4f  train %.2f%%  test %s  %.0f samples/s  %.1f s  lr %.4g",
                    r.epoch, r.loss, 100 * r.train_accuracy,
                    r.test_accuracy >= 0 ? (std::to_string(100 * r.test_accuracy).substr(0, 5) + "%").c_str() : "-",
                    r.samples_per_second(), r.seconds, r.learning_rate);
      std::cout << line << std::endl;
      if (r.predicted_values > 0)
        std::printf("exchange %3d  expand %lld values, fold %lld values (forward cut x samples %lld, each way), "
                    "%lld messages, %.2f s\n",
                    r.epoch, static_cast<long long>(r.expand_values), static_cast<long long>(r.fold_values),
                    static_cast<long long>(r.predicted_values), static_cast<long long>(r.messages), r.exchange_seconds);
    }
    e["expand_values"] = r.expand_values;
    e["fold_values"] = r.fold_values;
    e["predicted_values"] = r.predicted_values;
    e["messages"] = r.messages;
    e["exchange_seconds"] = r.exchange_seconds;
    save(r.epoch);
  };
  Kokkos::DefaultHostExecutionSpace const space;
  auto const *test_set = test ? &test_data : nullptr;
#if SDNN_ENABLE_MPI
  NetworkPartition partition;
  bool const distributed = ranks.size > 1;
  if (distributed)
  {
    partition =
        training_partition(ranks.comm, network, *partitioner, model_ranks, opts.unsigned_integer("partition-seed"));
    if (!quiet)
      std::cout << "ranks    " << ranks.size << " = " << ranks.size / model_ranks << " data groups x " << model_ranks
                << " model ranks, " << name(*partitioner) << " partition" << std::endl;
  }
#endif
  // The checkpoint of each epoch is saved from on_epoch (train() has stored the network and momentum by then).
  int const epochs = options.epochs;
#if SDNN_ENABLE_MPI
  auto const reports =
      distributed ? train(space, ranks.comm, partition, network, train_data, test_set, options, &state, on_epoch)
                  : train(space, network, train_data, test_set, options, &state, on_epoch);
#else
  auto const reports = train(space, network, train_data, test_set, options, &state, on_epoch);
#endif
  if (epochs == 0)
  {
    if (state.weight_velocity.empty()) // nothing trained yet: zero momentum
      for (int l = 0; l < network.num_layers(); ++l)
      {
        state.weight_velocity.emplace_back(network.weights[l].nnz(), 0.0f);
        state.bias_velocity.emplace_back(network.biases[l].size(), 0.0f);
      }
    save(options.first_epoch);
  }

  Json report = Json::object();
  report["command"] = "train";
  report["samples"] = train_data.count;
  report["features"] = train_data.num_features;
  report["parameters"] = network.num_parameters();
  report["batch_size"] = options.batch_size;
  report["threads"] = Kokkos::DefaultHostExecutionSpace().concurrency();
  report["epochs"] = epochs_json;
  report["samples_per_second"] = total_seconds > 0 ? total_samples / total_seconds : 0.0;
  if (!reports.empty())
  {
    report["test_accuracy"] = reports.back().test_accuracy;
    if (!quiet)
      std::cout << "rate     " << static_cast<long long>(total_samples / std::max(total_seconds, 1e-9))
                << " samples/s over " << reports.size() << " epochs (" << total_seconds << " s of steps)\n";
  }
  ranks.run(
      [&]
      {
        if (ranks.root())
          write_report(opts, report);
      });
  return 0;
}

} // namespace sdnn::cli
