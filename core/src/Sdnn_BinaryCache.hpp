#ifndef SDNN_BINARYCACHE_HPP
#define SDNN_BINARYCACHE_HPP

/// \file Sdnn_BinaryCache.hpp
/// The `.sdnn` binary matrix format and the transparent cache behind read_matrix().

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <string>

namespace sdnn
{

/// sdnn's binary matrix format (extension `.sdnn`): a 112-byte header (magic "SDNNCSC", format
/// version, endianness marker, index and value widths, dimensions, nnz, the size and mtime of the
/// text file it was made from, checksums of header and payload) followed by col_ptr (int64),
/// row_idx (int32) and values (float32). Loading it costs a read and a checksum, no parsing.
inline constexpr std::uint32_t binary_format_version = 1;

/// Identifies the text file a cache was made from; a cache whose stamp differs is stale.
struct SourceStamp
{
  std::uint64_t size = 0;    ///< size of the text file in bytes
  std::int64_t mtime_ns = 0; ///< its modification time, nanoseconds since the epoch
  std::uint64_t content = 0; ///< checksum of its bytes (0: not known)
  /// Same size, modification time and content.
  friend bool operator==(SourceStamp const &a, SourceStamp const &b)
  {
    return a.size == b.size && a.mtime_ns == b.mtime_ns && a.content == b.content;
  }
};

/// Size and modification time of `path`, and the checksum of its bytes when `with_content` (a read of the whole file,
/// no parsing). \throws sdnn::InputError if it does not exist or cannot be read.
SourceStamp source_stamp(std::string const &path, bool with_content = true);

/// Writes `matrix` to `path` atomically (temporary file, then rename). \throws sdnn::InputError on I/O failure.
void write_binary_matrix(std::string const &path, HostCsc const &matrix, SourceStamp const &source = {});

/// Reads a binary matrix, checking magic, version, widths, checksums, structure and, unless
/// `any_size`, the dimensions.
/// \param path the `.sdnn` file
/// \param num_rows expected rows, or `any_size`
/// \param num_cols expected columns, or `any_size`
/// \param source if not null, receives the stamp stored in the header.
/// \throws sdnn::InputError naming the file for a foreign, corrupt, truncated or mismatched file.
HostCsc read_binary_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                           SourceStamp *source = nullptr);

/// How read_matrix() treats the binary cache of text inputs.
struct ReadOptions
{
  bool use_cache = true; ///< read and write caches of text inputs
  std::string cache_dir; ///< empty: default_cache_dir()
};

/// What read_matrix() did, for reports.
struct ReadInfo
{
  bool from_cache = false;    ///< loaded from a valid cache
  bool cache_written = false; ///< parsed text and wrote a new cache
  std::string note;           ///< why a cache was not used (stale, corrupt), empty otherwise
};

/// `$SDNN_CACHE_DIR`, else `$XDG_CACHE_HOME/sdnn`, else `$HOME/.cache/sdnn`.
std::string default_cache_dir();

/// Cache file inside `cache_dir` for the text file `path` read as `num_rows` × `num_cols` (named after
/// the file, keyed by its absolute path and the requested dimensions, which may be `any_size`).
std::string cache_path_for(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                           std::string const &cache_dir);

/// The cache read_matrix() keeps for `path` read as `num_rows` × `num_cols` under `options`: empty for a binary
/// file or when `options` keeps none.
std::string cache_path_for(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                           ReadOptions const &options);

/// Reads a matrix file by extension: `.mtx` MatrixMarket, `.sdnn` binary, anything else challenge TSV.
/// Text inputs go through the binary cache when `options.use_cache`: a valid cache with the same
/// source stamp is loaded instead of the text; a stale or corrupt cache is replaced (and said so in
/// `info->note`). Dimensions as in read_tsv_matrix(). \throws sdnn::InputError on bad input.
HostCsc read_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                    ReadOptions const &options = {}, ReadInfo *info = nullptr);

} // namespace sdnn

#endif
