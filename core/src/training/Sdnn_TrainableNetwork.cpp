#include "../impl/Sdnn_SplitMix64.hpp"
#include <Sdnn_Error.hpp>
#include <Sdnn_Generator.hpp>
#include <Sdnn_TrainableNetwork.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace sdnn
{

std::int64_t TrainableNetwork::num_parameters() const
{
  std::int64_t count = 0;
  for (auto const &w : weights)
    count += w.nnz() + w.num_cols();
  return count;
}

void check_network_shapes(TrainableNetwork const &network, std::string const &what)
{
  SDNN_USER_REQUIRE(network.num_layers() >= 1, what << ": the network has no layer");
  SDNN_USER_REQUIRE(static_cast<int>(network.biases.size()) == network.num_layers(),
                    what << ": " << network.biases.size() << " bias vectors for " << network.num_layers() << " layers");
  SDNN_USER_REQUIRE(network.num_classes() >= 2, what << ": the last layer has " << network.num_classes()
                                                     << " neurons; a classifier needs at least 2 classes");
  SDNN_USER_REQUIRE(std::isfinite(network.clamp) && network.clamp >= 0.0f,
                    what << ": the clamp " << network.clamp << " must be finite and >= 0");
  for (int l = 0; l < network.num_layers(); ++l)
  {
    auto const &w = network.weights[l];
    if (l > 0)
      SDNN_USER_REQUIRE(w.num_rows() == network.weights[l - 1].num_cols(),
                        what << ": layer " << l + 1 << " reads " << w.num_rows() << " inputs but layer " << l << " has "
                             << network.weights[l - 1].num_cols() << " neurons");
    SDNN_USER_REQUIRE(static_cast<std::int64_t>(network.biases[l].size()) == w.num_cols(),
                      what << ": layer " << l + 1 << " has " << w.num_cols() << " neurons but "
                           << network.biases[l].size() << " biases");
    for (std::int64_t k = 0; k < w.nnz(); ++k)
      SDNN_USER_REQUIRE(std::isfinite(w.values()(k)), what << ": layer " << l + 1 << " has a non-finite weight");
    for (float b : network.biases[l])
      SDNN_USER_REQUIRE(std::isfinite(b), what << ": layer " << l + 1 << " has a non-finite bias");
  }
}

std::string name(SparseTopology topology)
{
  return topology == SparseTopology::radix_net ? "radix" : "random";
}

namespace
{

/// Builds W (inputs × outputs) whose column j reads rows `rows_of(j)` (ascending), He-initialised from `rng`.
template <class RowsOf>
HostCsc he_initialised(std::int64_t inputs, std::int64_t outputs, RowsOf &&rows_of, impl::SplitMix64 &rng)
{
  std::vector<std::int64_t> col_ptr{0};
  std::vector<std::int32_t> rows;
  for (std::int64_t j = 0; j < outputs; ++j)
  {
    auto const column = rows_of(j);
    rows.insert(rows.end(), column.begin(), column.end());
    col_ptr.push_back(static_cast<std::int64_t>(rows.size()));
  }
  HostCsc::offsets_view ptr("Sdnn::TrainableNetwork::col_ptr", col_ptr.size());
  HostCsc::indices_view idx("Sdnn::TrainableNetwork::row_idx", rows.size());
  HostCsc::values_view val("Sdnn::TrainableNetwork::values", rows.size());
  for (std::size_t j = 0; j < col_ptr.size(); ++j)
    ptr(j) = col_ptr[j];
  for (std::int64_t j = 0; j < outputs; ++j)
  {
    double const scale = std::sqrt(2.0 / std::max<std::int64_t>(1, col_ptr[j + 1] - col_ptr[j]));
    for (std::int64_t k = col_ptr[j]; k < col_ptr[j + 1]; ++k)
    {
      idx(k) = rows[k];
      val(k) = static_cast<float>(scale * rng.normal());
    }
  }
  return HostCsc(static_cast<std::int32_t>(inputs), static_cast<std::int32_t>(outputs), ptr, idx, val);
}

/// `count` distinct values of [0, range), ascending (Floyd's sampling).
std::vector<std::int32_t> distinct_sample(std::int64_t range, std::int64_t count, impl::SplitMix64 &rng)
{
  std::set<std::int64_t> chosen;
  for (std::int64_t r = range - count; r < range; ++r)
  {
    auto const t = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(r) + 1));
    chosen.insert(chosen.count(t) ? r : t);
  }
  return std::vector<std::int32_t>(chosen.begin(), chosen.end());
}

} // namespace

TrainableNetwork draw_network(NetworkShape const &shape)
{
  std::vector<std::int64_t> widths{shape.features};
  widths.insert(widths.end(), shape.hidden.begin(), shape.hidden.end());
  widths.push_back(shape.classes);
  for (std::size_t l = 0; l < widths.size(); ++l)
    SDNN_USER_REQUIRE(widths[l] >= 1 && widths[l] <= (std::int64_t(1) << 30),
                      "layer " << l << " of the network has " << widths[l] << " neurons");
  SDNN_USER_REQUIRE(shape.classes >= 2, "a classifier needs at least 2 classes, not " << shape.classes);
  TrainableNetwork network;
  network.clamp = shape.clamp;
  int const num_layers = static_cast<int>(widths.size()) - 1;
  for (int l = 1; l <= num_layers; ++l)
  {
    std::int64_t const inputs = widths[l - 1], outputs = widths[l];
    bool const last = l == num_layers;
    std::int64_t const fan_in = last ? (shape.output_fan_in > 0 ? shape.output_fan_in : inputs) : shape.fan_in;
    impl::SplitMix64 rng(shape.seed * 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(l));
    bool const radix = shape.topology == SparseTopology::radix_net && !last && l > 1;
    if (radix)
    {
      SDNN_USER_REQUIRE(inputs == outputs,
                        "RadiX-Net layer " << l << " must be square, not " << inputs << " x " << outputs);
      RadixNet const radix_net(outputs, shape.seed);
      HostCsc const pattern = radix_net.layer(l - 1);
      network.weights.push_back(he_initialised(
          inputs, outputs,
          [&](std::int64_t j)
          {
            return std::vector<std::int32_t>(pattern.row_idx().data() + pattern.col_ptr()(j),
                                             pattern.row_idx().data() + pattern.col_ptr()(j + 1));
          },
          rng));
    }
    else
    {
      SDNN_USER_REQUIRE(fan_in >= 1 && fan_in <= inputs,
                        "layer " << l << ": fan-in " << fan_in << " must be between 1 and its " << inputs << " inputs");
      network.weights.push_back(he_initialised(
          inputs, outputs, [&](std::int64_t) { return distinct_sample(inputs, fan_in, rng); }, rng));
    }
    network.biases.emplace_back(static_cast<std::size_t>(outputs), 0.0f);
  }
  return network;
}

} // namespace sdnn
