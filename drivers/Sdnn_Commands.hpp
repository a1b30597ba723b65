#ifndef SDNN_COMMANDS_HPP
#define SDNN_COMMANDS_HPP

namespace sdnn::cli
{
/// `sdnn infer`: exit 0 when the check passes (or none was asked), 1 when it fails.
int run_infer(int argc, char **argv, int first);
/// `sdnn generate`: exit 0 when the dataset was written or reused.
int run_generate(int argc, char **argv, int first);
/// `sdnn partition`: the network cut into parts by each partitioner, and the figures of each cut.
int run_partition(int argc, char **argv, int first);
/// Whether `sdnn infer`'s arguments name a trained network (`--network DIR`; `--network radixnet` is the generator).
bool wants_trained_network(int argc, char **argv, int first);
/// `sdnn infer --network DIR`: a trained network classifies labelled images (exit 0, or 2 for bad input).
int run_infer_trained(int argc, char **argv, int first);
/// `sdnn train`: mini-batch SGD of a sparse network on labelled images.
int run_train(int argc, char **argv, int first);
/// `sdnn list WHAT`: the names an option accepts, one per line.
int run_list(int argc, char **argv, int first);
} // namespace sdnn::cli

#endif
