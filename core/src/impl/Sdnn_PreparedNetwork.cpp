#include <Sdnn_Error.hpp>
#include <Sdnn_PreparedNetwork.hpp>

#include <algorithm>
#include <cmath>

#include "Sdnn_ForEachOnHost.hpp"
#include "Sdnn_HostCscStorage.hpp"
#include "Sdnn_NeuronOrder.hpp"
#include "Sdnn_PreparedNetworkData.hpp"

namespace sdnn
{

PreparedNetwork::PreparedNetwork(std::vector<HostCsc> layers, float bias, NeuronOrder order)
{
  auto prepared = std::make_shared<Prepared>();
  prepared->num_neurons = layers.empty() ? 0 : layers.front().num_rows();
  for (std::size_t l = 0; l < layers.size(); ++l)
    SDNN_REQUIRE(layers[l].num_rows() == prepared->num_neurons && layers[l].num_cols() == prepared->num_neurons,
                 "layer " << l + 1 << " is " << layers[l].num_rows() << " x " << layers[l].num_cols() << ", layer 1 is "
                          << prepared->num_neurons << " x " << prepared->num_neurons);
  auto const num_layers = static_cast<int>(layers.size());
  // Every step below is one layer's own work: it runs over the layers on the host's threads (at N = 65536 a layer
  // takes 0.05-0.1 s to prepare, as long as running it through a tile of rows).
  impl::for_each_on_host("sdnn::PreparedNetwork::check_weights", num_layers,
                         [&](std::int64_t l)
                         {
                           float const *values = layers[l].values().data();
                           for (std::int64_t k = 0; k < layers[l].nnz(); ++k)
                             SDNN_REQUIRE(std::isfinite(values[k]),
                                          "layer " << l + 1 << " has the weight " << values[k] << " (entry " << k
                                                   << "): the kernels need finite weights to agree");
                         });
  SDNN_REQUIRE(std::isfinite(bias), "the bias is " << bias);
  prepared->layers = std::move(layers);
  prepared->bias = bias;
  prepared->kernels = &impl::active_kernel_set();
  prepared->order = order;
  auto const &given = prepared->layers;
  bool const clustered = order == NeuronOrder::clustered;
  // slots[l]: the neurons between W_l and W_{l+1} (the given numbering before W_1 and after W_L), from the row
  // groups of W_{l+1}. The relabeled layers are allocated here, outside the parallel regions, and filled in them.
  std::vector<std::vector<std::int32_t>> slots(num_layers + 1);
  if (clustered)
  {
    impl::for_each_on_host("sdnn::PreparedNetwork::slots", std::max(num_layers - 1, 0),
                           [&](std::int64_t l) { slots[l + 1] = impl::chained_row_slots(given[l + 1]); });
    for (auto const &w : given)
    {
      auto const [col_ptr, row_idx, values] = impl::allocate_host_csc(w.num_cols(), w.nnz());
      prepared->engine_layers.emplace_back(w.num_rows(), w.num_cols(), col_ptr, row_idx, values);
    }
  }
  else
    prepared->engine_layers = given;
  // Column groups for the dense kernel, once per layer (≈ 1 ms per layer at N = 4096). The pointers are taken
  // after every group is in place: LayerGroups' buffers do not move with the vector.
  prepared->groups.resize(num_layers);
  impl::for_each_on_host("sdnn::PreparedNetwork::layers", num_layers,
                         [&](std::int64_t l)
                         {
                           auto const &w = prepared->engine_layers[l];
                           if (clustered)
                             impl::relabel_neurons(given[l], slots[l], slots[l + 1], w);
                           prepared->groups[l] = impl::LayerGroups(w, prepared->kernels->block_columns);
                         });
  for (int l = 0; l < num_layers; ++l)
    prepared->pointers.push_back(prepared->groups[l].pointers(prepared->engine_layers[l]));
  m_prepared = std::move(prepared);
}

int PreparedNetwork::num_layers() const
{
  return static_cast<int>(m_prepared->layers.size());
}

std::int64_t PreparedNetwork::num_neurons() const
{
  return m_prepared->num_neurons;
}

float PreparedNetwork::bias() const
{
  return m_prepared->bias;
}

std::vector<HostCsc> const &PreparedNetwork::layers() const
{
  return m_prepared->layers;
}

NeuronOrder PreparedNetwork::neuron_order() const
{
  return m_prepared->order;
}

InstructionSet PreparedNetwork::instruction_set() const
{
  return m_prepared->kernels->set;
}

std::int64_t PreparedNetwork::prepared_bytes() const
{
  std::int64_t bytes = 0;
  for (auto const &g : m_prepared->groups)
    bytes += g.bytes();
  if (m_prepared->order == NeuronOrder::clustered)
    for (auto const &w : m_prepared->engine_layers)
      bytes += impl::host_csc_bytes(w);
  return bytes;
}

} // namespace sdnn
