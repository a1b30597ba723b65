#include "Sdnn_LabelledImages.hpp"
#include "Sdnn_Idx.hpp"

#include <Sdnn_Error.hpp>
#include <Sdnn_Generator.hpp>

namespace sdnn::cli
{

std::optional<FeatureKind> parse_feature_kind(std::string const &text)
{
  if (text == "pixels")
    return FeatureKind::pixels;
  if (text == "challenge")
    return FeatureKind::challenge;
  return std::nullopt;
}

ClassificationData read_labelled_images(std::string const &images_path, std::string const &labels_path,
                                        std::int64_t max_count, FeatureKind kind)
{
  GrayImages const images = read_idx_images(images_path, max_count);
  auto const labels = read_idx_labels(labels_path, max_count);
  SDNN_USER_REQUIRE(static_cast<std::int64_t>(labels.size()) == images.count,
                    labels_path << ": " << labels.size() << " labels for the " << images.count << " images of "
                                << images_path);
  ClassificationData data;
  data.count = images.count;
  data.num_classes = 10;
  data.labels.assign(labels.begin(), labels.end());
  for (std::int64_t s = 0; s < data.count; ++s)
    SDNN_USER_REQUIRE(labels[s] < 10,
                      labels_path << ": label " << int(labels[s]) << " of image " << s + 1 << " is not a class 0..9");
  if (kind == FeatureKind::pixels)
  {
    data.num_features = static_cast<std::int64_t>(images.height) * images.width;
    data.features.resize(images.pixels.size());
    for (std::size_t k = 0; k < images.pixels.size(); ++k)
      data.features[k] = static_cast<float>(images.pixels[k]) / 255.0f;
  }
  else
  {
    data.num_features = 1024;
    HostCsc const on = challenge_images(images, data.num_features);
    data.features.assign(static_cast<std::size_t>(data.count * data.num_features), 0.0f);
    for (std::int32_t pixel = 0; pixel < on.num_cols(); ++pixel)
      for (auto k = on.col_ptr()(pixel); k < on.col_ptr()(pixel + 1); ++k)
        data.features[on.row_idx()(k) * data.num_features + pixel] = on.values()(k);
  }
  return data;
}

} // namespace sdnn::cli
