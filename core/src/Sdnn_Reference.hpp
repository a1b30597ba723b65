#ifndef SDNN_REFERENCE_HPP
#define SDNN_REFERENCE_HPP

/// \file Sdnn_Reference.hpp
/// The sequential reference inference, the oracle of every parallel mode.

#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_InstructionSet.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace sdnn
{

class LayerSource;

/// The challenge's activation ceiling (YMAX).
inline constexpr float challenge_ymax = 32.0f;

/// Per-layer figures reported by the reference inference.
struct LayerStats
{
  int layer = 0;                ///< 1-based layer just computed
  std::int64_t active_rows = 0; ///< rows of Y with any nonzero after this layer
  std::int64_t nnz = 0;         ///< nnz(Y) after this layer
};

/// Result of an inference: the answer and the activity trajectory.
struct InferenceResult
{
  std::vector<std::int64_t> categories; ///< 0-based rows of the final Y with any nonzero, ascending
  std::vector<LayerStats> layers;       ///< one entry per layer
  HostCsr activations;                  ///< final Y (rows × N), columns ascending in every row
};

/// Sequential host reference: the oracle every parallel mode is tested against.
///
/// For every layer l: Z = Y·W_l; Y = Z + bias on the nonzero entries of Z; Y(Y < 0) = 0;
/// Y(Y > ymax) = ymax; entries that end at 0 are dropped. Each Z(r, j) is accumulated in float,
/// in ascending order of the inner index, starting from 0, each term with a fused multiply-add when the
/// active instruction set has one (see multiply_add_is_fused()): parallel kernels that keep this order
/// reproduce the activations bit for bit.
///
/// \param inputs Y_0, rows = inputs, columns = N
/// \param layers W_1..W_L, each N × N
/// \param bias added to every nonzero of Z (the challenge uses one bias for all neurons and layers)
/// \param ymax activation ceiling (the challenge's YMAX = 32)
/// \param on_layer called after each layer (progress reports); may be empty
/// \throws std::logic_error if dimensions disagree
InferenceResult reference_inference(HostCsc const &inputs, std::vector<HostCsc> const &layers, float bias,
                                    float ymax = challenge_ymax,
                                    std::function<void(LayerStats const &)> const &on_layer = {});

/// reference_inference() with the layers taken from `layers` one at a time (only one is held): the reference for
/// networks larger than memory. Same result, bit for bit.
/// \throws sdnn::InputError if a layer cannot be read or has the wrong size (naming it)
InferenceResult reference_inference(HostCsc const &inputs, LayerSource const &layers, float bias,
                                    float ymax = challenge_ymax,
                                    std::function<void(LayerStats const &)> const &on_layer = {});

/// Useful multiply-adds of an inference: Σ_l nnz(Y_{l-1}) × nnz(W_l) / N, the products an engine has to do
/// when it skips zeros (32 per nonzero of every layer's input for the challenge's networks). Engines that
/// multiply zeros too (dense panels, padding) do more; the challenge-rate comparisons use this count.
///
/// \param input_nnz nnz(Y_0)
/// \param layers per-layer figures of the inference (nnz(Y_l) after layer l), as many as `weights` or fewer
///        when the inference stopped early (rows all dead: the missing layers add nothing)
/// \param weights W_1..W_L
double useful_multiply_adds(std::int64_t input_nnz, std::vector<LayerStats> const &layers,
                            std::vector<HostCsc> const &weights);

/// useful_multiply_adds() from the weights' sizes alone: `weight_nnz[l]` = nnz(W_{l+1}), each N × N with
/// N = `num_neurons` (a streamed network is not held).
double useful_multiply_adds(std::int64_t input_nnz, std::vector<LayerStats> const &layers,
                            std::vector<std::int64_t> const &weight_nnz, std::int64_t num_neurons);

} // namespace sdnn

#endif
