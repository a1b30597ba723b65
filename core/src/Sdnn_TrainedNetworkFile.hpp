#ifndef SDNN_TRAINEDNETWORKFILE_HPP
#define SDNN_TRAINEDNETWORKFILE_HPP

/// \file Sdnn_TrainedNetworkFile.hpp
/// A trained network on disk (docs/training.md): a directory with a metadata file `sdnn-network.txt`, the weights
/// of layer l in the binary matrix format (`weights-lNNN.sdnn`, exact), its biases as text (`bias-lNNN.txt`, one
/// per neuron, exact), and for a checkpoint the momentum (`momentum-lNNN.sdnn`, `bias-momentum-lNNN.txt`).

#include <Sdnn_Training.hpp>

#include <map>
#include <string>

namespace sdnn
{

/// The metadata file's name inside a trained-network directory.
inline constexpr char const *trained_network_metadata = "sdnn-network.txt";

/// A trained network and what was written with it.
struct TrainedNetworkFile
{
  TrainableNetwork network;                    ///< weights, biases, clamp
  TrainingState state;                         ///< the momentum (empty unless the directory is a checkpoint)
  int epochs = 0;                              ///< epochs trained
  std::map<std::string, std::string> metadata; ///< every `key value` line of the metadata file
};

/// Writes `network` (and `state` when not null: a checkpoint) to `dir`, with `epochs`, the `extra` metadata
/// (keys without blanks, values on one line) and the `files` (name to contents, e.g. the training curves). The files go
/// to a sibling directory first, which then replaces `dir`: an interrupted or failed write leaves the previous `dir` as
/// it was. \throws sdnn::InputError naming the path on any I/O failure
void save_trained_network(std::string const &dir, TrainableNetwork const &network, TrainingState const *state,
                          int epochs, std::map<std::string, std::string> const &extra = {},
                          std::map<std::string, std::string> const &files = {});

/// Reads what save_trained_network() wrote (the momentum only when `with_state` and present).
/// \throws sdnn::InputError naming the file (and line) of the first fault: a missing file, a foreign format, shapes
///         that disagree with the metadata or with each other
TrainedNetworkFile load_trained_network(std::string const &dir, bool with_state = false);

} // namespace sdnn

#endif
