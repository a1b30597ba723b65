#include <Sdnn_Error.hpp>
#include <Sdnn_PreparedNetwork.hpp>

#include <cmath>

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
  for (std::size_t l = 0; l < layers.size(); ++l)
  {
    auto const values = layers[l].values();
    for (std::size_t k = 0; k < values.extent(0); ++k)
      SDNN_REQUIRE(std::isfinite(values(k)), "layer " << l + 1 << " has the weight " << values(k) << " (entry " << k
                                                      << "): the kernels need finite weights to agree");
  }
  SDNN_REQUIRE(std::isfinite(bias), "the bias is " << bias);
  prepared->layers = std::move(layers);
  prepared->bias = bias;
  prepared->kernels = &impl::active_kernel_set();
  prepared->order = order;
  auto const num_layers = static_cast<int>(prepared->layers.size());
  if (order == NeuronOrder::clustered)
  {
    // slots[l]: the neurons between W_l and W_{l+1} (the given numbering before W_1 and after W_L), from the row
    // groups of W_{l+1}.
    std::vector<std::vector<std::int32_t>> slots(num_layers + 1);
    for (int l = 1; l < num_layers; ++l)
      slots[l] = impl::chained_row_slots(prepared->layers[l]);
    for (int l = 0; l < num_layers; ++l)
      prepared->engine_layers.push_back(impl::relabel_neurons(prepared->layers[l], slots[l], slots[l + 1]));
  }
  else
    prepared->engine_layers = prepared->layers;
  // Column groups for the dense kernel, once per layer (≈ 1 ms per layer at N = 4096). The pointers are taken
  // after every group is in place: LayerGroups' buffers do not move with the vector.
  prepared->groups.reserve(num_layers);
  for (auto const &w : prepared->engine_layers)
    prepared->groups.emplace_back(w, prepared->kernels->block_columns);
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
