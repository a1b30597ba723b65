#ifndef SDNN_IDX_HPP
#define SDNN_IDX_HPP

#include <Sdnn_Generator.hpp>

#include <string>

namespace sdnn
{

/// Reads an IDX3 unsigned-byte image file (MNIST, Fashion-MNIST), gzip-compressed or not.
/// \param max_count read at most this many images (< 0: all)
/// \throws sdnn::InputError naming the file for a missing, foreign or truncated file.
GrayImages read_idx_images(std::string const &path, std::int64_t max_count = -1);

} // namespace sdnn

#endif
