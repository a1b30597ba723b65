#ifndef SDNN_IDX_HPP
#define SDNN_IDX_HPP

#include <Sdnn_Generator.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// Reads an IDX3 unsigned-byte image file (MNIST, Fashion-MNIST), gzip-compressed or not.
/// \param max_count read at most this many images (< 0: all)
/// \throws sdnn::InputError naming the file for a missing, foreign or truncated file.
GrayImages read_idx_images(std::string const &path, std::int64_t max_count = -1);

/// Reads an IDX1 unsigned-byte label file (MNIST, Fashion-MNIST), gzip-compressed or not.
/// \param max_count read at most this many labels (< 0: all)
/// \throws sdnn::InputError naming the file for a missing, foreign or truncated file.
std::vector<std::uint8_t> read_idx_labels(std::string const &path, std::int64_t max_count = -1);

} // namespace sdnn

#endif
