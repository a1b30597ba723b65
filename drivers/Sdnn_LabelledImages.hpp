#ifndef SDNN_LABELLEDIMAGES_HPP
#define SDNN_LABELLEDIMAGES_HPP

// Labelled IDX images as classification data: what `sdnn train` trains on and `sdnn infer --network` classifies.

#include <Sdnn_Training.hpp>

#include <optional>
#include <string>

namespace sdnn::cli
{

/// Where Debian's dataset-fashion-mnist puts its files.
inline constexpr char const *fashion_mnist_dir = "/usr/share/datasets/fashion-mnist/";

/// How the images become features.
enum class FeatureKind
{
  pixels,    ///< the gray levels scaled to [0, 1]
  challenge, ///< the challenge's 32 × 32 resampled binary images (1024 features)
};

/// "pixels" or "challenge".
std::optional<FeatureKind> parse_feature_kind(std::string const &text);

/// The first `max_count` (< 0: all) images of an IDX3 file with their labels (an IDX1 file, classes 0..9).
/// \throws sdnn::InputError naming the file for a missing or bad file, or labels that do not match the images
ClassificationData read_labelled_images(std::string const &images_path, std::string const &labels_path,
                                        std::int64_t max_count, FeatureKind kind);

} // namespace sdnn::cli

#endif
