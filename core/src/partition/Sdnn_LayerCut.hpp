#ifndef SDNN_LAYERCUT_HPP
#define SDNN_LAYERCUT_HPP

// layer_cut(): what one layer of a partitioned network sends and computes. Private to the library.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// The cut of one layer W (N × N, CSC) between the parts of its inputs and of its outputs.
struct LayerCut
{
  std::int64_t volume = 0;        ///< Σ over inputs i of the consumer parts other than i's producer part
  std::vector<std::int64_t> work; ///< per part: nonzeros of W in the part's columns
  /// max / mean of work (1 when W is empty).
  double imbalance() const;
};

/// The cut of `w` when input i lives on part `producer[i]` and output j on part `consumer[j]` (parts < `parts`).
LayerCut layer_cut(HostCsc const &w, std::vector<std::int32_t> const &producer,
                   std::vector<std::int32_t> const &consumer, int parts);

} // namespace sdnn::impl

#endif
