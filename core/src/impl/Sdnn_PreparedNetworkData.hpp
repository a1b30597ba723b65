#ifndef SDNN_PREPAREDNETWORKDATA_HPP
#define SDNN_PREPAREDNETWORKDATA_HPP

// PreparedNetwork::Prepared: the layers and their column groups as the engine (TiledInference) reads them. Private
// to the library.

#include <Sdnn_PreparedNetwork.hpp>

#include "Sdnn_KernelSet.hpp"
#include "Sdnn_LayerGroups.hpp"

#include <vector>

namespace sdnn
{

struct PreparedNetwork::Prepared
{
  std::vector<HostCsc> layers; // as given
  NeuronOrder order = NeuronOrder::as_given;
  // The layers the engine runs: `layers` renumbered when clustered (the rows of a column in their given order,
  // so not ascending), else the same Views.
  std::vector<HostCsc> engine_layers;
  float bias = 0.0f;
  std::int64_t num_neurons = 0;
  impl::KernelSet const *kernels = nullptr;  // the set the groups were built for
  std::vector<impl::LayerGroups> groups;     // one per layer
  std::vector<impl::LayerPointers> pointers; // one per layer, into `engine_layers` and `groups`
};

} // namespace sdnn

#endif
