#ifndef SDNN_TST_DATASETS_HPP
#define SDNN_TST_DATASETS_HPP

#include <Sdnn.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn::test
{

/// A small inference problem of the test matrix, with (once filled) its reference result.
struct Dataset
{
  std::string name;
  HostCsc inputs;
  std::vector<HostCsc> layers;
  float bias;
  InferenceResult expected;
};

/// Layers 1..layers of the RadiX-Net generator for N = n.
std::vector<HostCsc> radix_layers(std::int64_t n, int layers, std::uint64_t seed);

/// RadiX-Net layers with synthetic challenge images and the challenge's bias.
Dataset radix_dataset(std::int64_t n, int layers, std::int64_t images, std::uint64_t seed);

/// A network whose rows die gradually and stay sparse: random signed weights, few inputs per row.
Dataset sparse_dataset(std::uint64_t seed);

/// `d` with its input rows reordered so that the rows that survive every layer come first: a block
/// partition then leaves all the late work to the first parts. `expected` is recomputed.
Dataset skewed(Dataset d);

/// Checks (gtest) that `got` has exactly `want`'s per-layer figures.
void expect_same_layers(std::vector<LayerStats> const &got, std::vector<LayerStats> const &want,
                        std::string const &what);

/// Checks (gtest) that `got` has exactly `want`'s categories, per-layer figures and activations, bit for bit.
void expect_same_result(InferenceResult const &got, InferenceResult const &want, std::string const &what);

} // namespace sdnn::test

#endif
