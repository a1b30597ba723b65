#ifndef SDNN_IO_HPP
#define SDNN_IO_HPP

/// \file Sdnn_IO.hpp
/// Readers and writers of the challenge's TSV files, categories files and MatrixMarket.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// Readers and writers for the Graph Challenge files and MatrixMarket.
///
/// Files are 1-based, matrices and category lists in memory are 0-based. Every reader throws
/// sdnn::InputError with a one-line message `path:line: what was wrong (what was expected)` on bad
/// input: missing file, wrong field count, non-numeric field, index 0 or beyond the dimension,
/// truncated file, duplicate entry, dimensions that disagree with the caller's.

/// Dimension to accept from the file: the readers then use the largest index (TSV) or the header (MatrixMarket).
inline constexpr std::int64_t any_size = -1;

/// Reads `row col value` triplets (any whitespace, any line order; the challenge's weight and image
/// files) into a `num_rows` × `num_cols` matrix. `num_rows == any_size` takes the largest row index.
/// \throws sdnn::InputError on bad input.
HostCsc read_tsv_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols);

/// Reads a MatrixMarket `coordinate` file (real, integer or pattern; general) and checks its size
/// against `num_rows` × `num_cols` unless they are `any_size`. \throws sdnn::InputError on bad input.
HostCsc read_matrix_market(std::string const &path, std::int64_t num_rows, std::int64_t num_cols);

/// Reads a categories file (one 1-based row index per line, at most `num_rows` unless any_size) into ascending 0-based
/// indices. \throws sdnn::InputError naming the file and line of bad input, a repeated index or one beyond num_rows.
std::vector<std::int64_t> read_categories(std::string const &path, std::int64_t num_rows = any_size);

/// Writes a weight layer in the challenge's format: sorted by column then row, `%d\t%d\t%.6e`.
void write_challenge_layer(std::string const &path, HostCsc const &layer);
/// Writes input images in the challenge's format: sorted by row then column, value printed as `%g`.
void write_challenge_images(std::string const &path, HostCsc const &images);
/// Writes 0-based category indices as a 1-based categories file.
void write_categories(std::string const &path, std::vector<std::int64_t> const &categories);
/// Writes a MatrixMarket `coordinate real general` file.
void write_matrix_market(std::string const &path, HostCsc const &matrix);

/// The whole file at `path`. \throws sdnn::InputError naming the path if it cannot be opened or read.
std::string read_file(std::string const &path);
/// Writes `contents` to `path` (replacing it). \throws sdnn::InputError naming the path on any failure,
/// including one only reported when the file is closed (a full disk).
void write_file(std::string const &path, std::string const &contents);

} // namespace sdnn

#endif
