#ifndef SDNN_GENERATOR_HPP
#define SDNN_GENERATOR_HPP

/// \file Sdnn_Generator.hpp
/// Challenge-style data: RadiX-Net weights, resampled images, synthetic images, the challenge's bias.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <vector>

namespace sdnn
{

/// Bias of the challenge network with `num_neurons` neurons (-0.30, -0.35, -0.40, -0.45 for
/// N = 1024, 4096, 16384, 65536). \throws sdnn::InputError for any other N (pass a bias explicitly).
float challenge_bias(std::int64_t num_neurons);

/// Side S of the S×S challenge image for N = S² input neurons. \throws sdnn::InputError if N is not a square.
int image_side(std::int64_t num_neurons);

/// RadiX-Net weights as in the Graph Challenge: with M = N/16, D = log2(M), layer l (1-based) has
/// k = (l-1) mod D, s = 2^k, block b = (l-1)/D, and W_l(i,j) = 1/16 iff (j - π_b(i) mod M) mod M is
/// 0 or (-s) mod M, where π_0 is the identity and π_b (b ≥ 1) a random permutation drawn from the seed
/// (the same for every platform and standard library). Every row and column has 32 entries.
class RadixNet
{
public:
  /// \param num_neurons N
  /// \param seed seed of the permutations π_b
  /// \throws sdnn::InputError unless N = 16·2^D with D ≥ 1.
  RadixNet(std::int64_t num_neurons, std::uint64_t seed);

  /// N.
  std::int64_t num_neurons() const { return m_num_neurons; }
  /// Layers per permutation block (D).
  int block_length() const { return m_block_length; }
  /// Layer l (1-based), N × N.
  HostCsc layer(int l) const;
  /// π_b as a vector (identity for b = 0).
  std::vector<std::int32_t> permutation(int block) const;

private:
  std::int64_t m_num_neurons;
  std::uint64_t m_seed;
  int m_block_length;
};

/// 8-bit gray images, `count` × `height` × `width`, row-major (the IDX layout of MNIST).
struct GrayImages
{
  std::int64_t count = 0;           ///< number of images
  int height = 0;                   ///< rows of an image
  int width = 0;                    ///< columns of an image
  std::vector<std::uint8_t> pixels; ///< count × height × width gray levels
};

/// Challenge-style inputs (count × N, entries 1): each image, as x = pixel/255, is resampled to S×S
/// with band-limited (sinc) interpolation, y[o_r,o_c] = Σ x[r,c]·sinc(o_r·h/S − r)·sinc(o_c·w/S − c),
/// and pixel r + S·c is on iff y > threshold. Runs on the default host execution space.
HostCsc challenge_images(GrayImages const &images, std::int64_t num_neurons, double threshold = 0.7225);

/// Synthetic 28×28 handwriting-like images (a few thick random strokes), reproducible from the seed.
GrayImages synthetic_gray_images(std::int64_t count, std::uint64_t seed);

} // namespace sdnn

#endif
