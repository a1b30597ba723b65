// `sdnn infer --network DIR`: a network trained by `sdnn train` classifies labelled images through the inference
// engine, in any mode, and reports the accuracy.
#include "Sdnn_Cli.hpp"
#include "Sdnn_Commands.hpp"
#include "Sdnn_LabelledImages.hpp"
#include "Sdnn_Ranks.hpp"

#include <Sdnn.hpp>

#include <cstdio>
#include <iostream>

namespace sdnn::cli
{

bool wants_trained_network(int argc, char **argv, int first)
{
  // `--network radixnet` is the generator, a network of the Graph Challenge's kind.
  for (int k = first; k < argc; ++k)
    if (std::string const arg = argv[k]; arg == "--network")
      return k + 1 >= argc || std::string(argv[k + 1]) != "radixnet";
    else if (arg.rfind("--network=", 0) == 0)
      return arg != "--network=radixnet";
  return false;
}

int run_infer_trained(int argc, char **argv, int first)
{
  Ranks const ranks;
  Options opts("sdnn infer",
               "sdnn infer --network DIR [--images FILE --labels FILE] [OPTIONS]\n\n"
               "Classifies labelled IDX images (by default Fashion-MNIST's 10000 test images) with a network\n"
               "trained by `sdnn train --out DIR`: the hidden layers run in the engine with --mode (every mode\n"
               "gives the same activations, bit for bit, as training's forward pass), each neuron gets its own\n"
               "bias whatever its inputs, and the last layer's logits give the predicted class (argmax).\n"
               "Prints the accuracy against the labels and the rate.\n"
               "Exit status: 0 done, 2 bad input or usage.");
  std::string const fm = fashion_mnist_dir;
  opts.add("network", "DIR", "a trained network (sdnn train --out DIR)");
  opts.add("images", "FILE", "images to classify (IDX3, gzip or not)", fm + "t10k-images-idx3-ubyte.gz");
  opts.add("labels", "FILE", "their labels (IDX1)", fm + "t10k-labels-idx1-ubyte.gz");
  opts.add("num-inputs", "N", "classify the first N images (default: all)");
  opts.add("features", "KIND", "pixels or challenge (default: what the network was trained on)");
  add_engine_options(opts);
  opts.add("threads", "T", "threads of the Kokkos host backend (default: Kokkos' default, all cores)");
  opts.add("predictions-out", "FILE", "write the predicted class of every image, one per line");
  add_report_option(opts);
  opts.add("quiet", "", "only the accuracy line");

  bool help = false;
  InferenceOptions engine;
  TrainedNetworkFile trained;
  ClassificationData data;
  std::string kind_name;
  ranks.run(
      [&]
      {
        help = !opts.parse(argc, argv, first);
        if (help)
          return;
        if (ranks.size > 1)
          throw UsageError("sdnn infer: --network runs on one rank (got " + std::to_string(ranks.size) + ")");
        if (!opts.has("network"))
          throw UsageError("sdnn infer: --network needs a directory");
        check_threads_option(opts, "sdnn infer");
        engine = parse_engine_options(opts, "sdnn infer");
        std::int64_t num_inputs = -1;
        if (opts.has("num-inputs"))
        {
          num_inputs = opts.integer("num-inputs");
          if (num_inputs < 1)
            throw UsageError("sdnn infer: --num-inputs must be positive, got " + opts.str("num-inputs"));
        }
        trained = load_trained_network(opts.str("network"));
        auto const recorded = trained.metadata.find("option.features");
        kind_name = opts.has("features")                 ? opts.str("features")
                    : recorded != trained.metadata.end() ? recorded->second
                                                         : std::string("pixels");
        auto const kind = parse_feature_kind(kind_name);
        if (!kind)
          throw UsageError("sdnn infer: --features must be pixels or challenge, got '" + kind_name + "'");
        data = read_labelled_images(opts.str("images"), opts.str("labels"), num_inputs, *kind);
        check_data_fits(data, trained.network, opts.str("network") + " and " + opts.str("images"));
      });
  if (help)
    return 0;
  bool const quiet = opts.has("quiet");
  auto const &network = trained.network;
  if (!quiet)
  {
    std::cout << "network  " << opts.str("network") << ": " << network.num_layers() << " layers (";
    std::cout << network.num_features();
    for (auto const &w : network.weights)
      std::cout << " " << w.num_cols();
    std::cout << "), " << network.num_parameters() << " parameters, trained " << trained.epochs << " epochs\n"
              << "inputs   " << data.count << " images (" << kind_name << ")\n"
              << "mode     " << name(engine.parallelism) << ", " << Kokkos::DefaultHostExecutionSpace().concurrency()
              << " threads, kernels " << name(active_instruction_set()) << std::endl;
  }
  double const start = now_seconds();
  WorkReport work;
  auto const evaluation = classify(Kokkos::DefaultHostExecutionSpace(), network, data, engine, &work);
  double const seconds = now_seconds() - start;
  auto const right = static_cast<long long>(evaluation.accuracy * static_cast<double>(data.count) + 0.5);
  char line[256];
  std::snprintf(line, sizeof line, "accuracy %.2f%% (%lld of %lld), loss %.4f\n", 100 * evaluation.accuracy, right,
                static_cast<long long>(data.count), evaluation.loss);
  std::cout << line;
  if (!quiet)
  {
    std::snprintf(line, sizeof line, "rate     %.0f images/s (%.3f s)\n", static_cast<double>(data.count) / seconds,
                  seconds);
    std::cout << line;
  }
  if (opts.has("predictions-out"))
  {
    std::string text;
    for (auto const c : evaluation.predicted)
      text += std::to_string(c) + "\n";
    write_file(opts.str("predictions-out"), text);
  }
  Json report = Json::object();
  report["command"] = "infer";
  report["network"] = opts.str("network");
  report["images"] = opts.str("images");
  report["inputs"] = data.count;
  report["mode"] = name(engine.parallelism);
  report["accuracy"] = evaluation.accuracy;
  report["loss"] = evaluation.loss;
  report["seconds"] = seconds;
  write_report(opts, report);
  return 0;
}

} // namespace sdnn::cli
