#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_IO.hpp>

#include "Sdnn_Checksum.hpp"
#include "Sdnn_HostCscStorage.hpp"
#include "Sdnn_InputFile.hpp"
#include "Sdnn_OutputFile.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace sdnn
{

namespace
{

using impl::checksum;

constexpr char magic[8] = {'S', 'D', 'N', 'N', 'C', 'S', 'C', '\x1a'};
constexpr std::uint32_t endian_marker = 0x01020304u;

struct Header
{
  char magic[8];
  std::uint32_t version;
  std::uint32_t endian;
  std::uint32_t header_bytes;
  std::uint32_t value_bytes;
  std::uint32_t ordinal_bytes;
  std::uint32_t offset_bytes;
  std::int64_t num_rows;
  std::int64_t num_cols;
  std::int64_t nnz;
  std::uint64_t source_size;
  std::int64_t source_mtime_ns;
  std::uint64_t source_content; // checksum of the source's bytes (0 in caches written before it was recorded)
  std::uint64_t reserved[2];
  std::uint64_t payload_checksum;
  std::uint64_t header_checksum; // over every byte before this field
};
static_assert(sizeof(Header) == 112, "sdnn binary header must stay 112 bytes");

template <class View> std::size_t bytes_of(View const &view)
{
  return view.extent(0) * sizeof(typename View::value_type);
}

/// Checksum of the three payload arrays, each summed on from the previous one.
std::uint64_t payload_checksum(char const *col_ptr, std::size_t col_ptr_bytes, char const *row_idx,
                               std::size_t row_idx_bytes, char const *values, std::size_t values_bytes)
{
  return checksum(values, values_bytes, checksum(row_idx, row_idx_bytes, checksum(col_ptr, col_ptr_bytes)));
}

} // namespace

SourceStamp source_stamp(std::string const &path, bool with_content)
{
  struct stat st;
  SDNN_USER_REQUIRE(::stat(path.c_str(), &st) == 0, path << ": cannot open file: " << std::strerror(errno));
  SourceStamp stamp{static_cast<std::uint64_t>(st.st_size),
                    static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, 0};
  if (!with_content)
    return stamp;
  // The bytes' checksum, in chunks of a multiple of 8 bytes (checksum() chained: the same as over the whole file).
  std::ifstream in(path, std::ios::binary);
  SDNN_USER_REQUIRE(in, path << ": cannot open file: " << std::strerror(errno));
  std::vector<char> chunk(std::size_t(1) << 20);
  std::uint64_t hash = checksum(nullptr, 0);
  while (in)
  {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash = checksum(chunk.data(), static_cast<std::size_t>(in.gcount()), hash);
  }
  SDNN_USER_REQUIRE(in.eof(), path << ": read error");
  stamp.content = hash == 0 ? 1 : hash; // 0 means "not known"
  return stamp;
}

void write_binary_matrix(std::string const &path, HostCsc const &matrix, SourceStamp const &source)
{
  Header header{};
  std::memcpy(header.magic, magic, sizeof magic);
  header.version = binary_format_version;
  header.endian = endian_marker;
  header.header_bytes = sizeof(Header);
  header.value_bytes = sizeof(float);
  header.ordinal_bytes = sizeof(std::int32_t);
  header.offset_bytes = sizeof(std::int64_t);
  header.num_rows = matrix.num_rows();
  header.num_cols = matrix.num_cols();
  header.nnz = matrix.nnz();
  header.source_size = source.size;
  header.source_mtime_ns = source.mtime_ns;
  header.source_content = source.content;
  header.payload_checksum =
      payload_checksum(reinterpret_cast<char const *>(matrix.col_ptr().data()), bytes_of(matrix.col_ptr()),
                       reinterpret_cast<char const *>(matrix.row_idx().data()), bytes_of(matrix.row_idx()),
                       reinterpret_cast<char const *>(matrix.values().data()), bytes_of(matrix.values()));
  header.header_checksum = checksum(&header, offsetof(Header, header_checksum));

  impl::OutputFile file(path);
  file.write(reinterpret_cast<char const *>(&header), sizeof header);
  file.write(reinterpret_cast<char const *>(matrix.col_ptr().data()), bytes_of(matrix.col_ptr()));
  file.write(reinterpret_cast<char const *>(matrix.row_idx().data()), bytes_of(matrix.row_idx()));
  file.write(reinterpret_cast<char const *>(matrix.values().data()), bytes_of(matrix.values()));
  file.close();
}

HostCsc read_binary_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols, SourceStamp *source)
{
  // The header first, then the three arrays straight into the matrix's Views: no copy of the file in memory
  // (at N = 65536 the 60000 inputs are a 6 GB file).
  auto fail = [&](std::string const &what) { throw InputError(path + ": " + what); };
  impl::InputFile file(path);
  std::size_t const file_bytes = file.size();
  Header header;
  std::size_t const header_got = file.read(&header, sizeof header);
  if (header_got < sizeof(magic) || std::memcmp(header.magic, magic, sizeof magic) != 0)
    fail("not an sdnn binary matrix (bad magic number; a foreign file?)");
  if (header_got < sizeof(Header))
    fail("truncated sdnn binary matrix: " + std::to_string(file_bytes) + " bytes, shorter than its header");
  if (header.endian != endian_marker)
    fail("sdnn binary matrix written on a machine of the other byte order");
  if (header.version != binary_format_version)
    fail("sdnn binary format version " + std::to_string(header.version) + ", this build reads version " +
         std::to_string(binary_format_version) + " (regenerate the cache)");
  if (header.header_checksum != checksum(&header, offsetof(Header, header_checksum)))
    fail("corrupt sdnn binary matrix: header checksum mismatch");
  if (header.header_bytes != sizeof(Header) || header.value_bytes != sizeof(float) ||
      header.ordinal_bytes != sizeof(std::int32_t) || header.offset_bytes != sizeof(std::int64_t))
    fail("sdnn binary matrix with unsupported widths");
  if (header.num_rows < 0 || header.num_cols < 0 || header.nnz < 0 || header.num_rows > INT32_MAX ||
      header.num_cols > INT32_MAX)
    fail("corrupt sdnn binary matrix: invalid dimensions");
  auto const expected_bytes = sizeof(Header) + (header.num_cols + 1) * sizeof(std::int64_t) +
                              header.nnz * (sizeof(std::int32_t) + sizeof(float));
  if (file_bytes != expected_bytes)
    fail("truncated or corrupt sdnn binary matrix: " + std::to_string(file_bytes) + " bytes, expected " +
         std::to_string(expected_bytes));
  if ((num_rows != any_size && header.num_rows != num_rows) || (num_cols != any_size && header.num_cols != num_cols))
    fail("matrix is " + std::to_string(header.num_rows) + " x " + std::to_string(header.num_cols) + ", expected " +
         (num_rows == any_size ? std::string("any") : std::to_string(num_rows)) + " x " +
         (num_cols == any_size ? std::string("any") : std::to_string(num_cols)));
  std::size_t const col_ptr_bytes = (header.num_cols + 1) * sizeof(std::int64_t);
  std::size_t const row_idx_bytes = header.nnz * sizeof(std::int32_t);
  std::size_t const values_bytes = header.nnz * sizeof(float);
  auto const nrows = static_cast<std::int32_t>(header.num_rows);
  auto const ncols = static_cast<std::int32_t>(header.num_cols);
  auto const [col_ptr, row_idx, values] = impl::allocate_host_csc(ncols, header.nnz);
  // A file changed under the reader since fstat ends early here.
  if (file.read(col_ptr.data(), col_ptr_bytes) != col_ptr_bytes ||
      file.read(row_idx.data(), row_idx_bytes) != row_idx_bytes ||
      file.read(values.data(), values_bytes) != values_bytes)
    fail("truncated sdnn binary matrix: it ended while being read");
  if (payload_checksum(reinterpret_cast<char const *>(col_ptr.data()), col_ptr_bytes,
                       reinterpret_cast<char const *>(row_idx.data()), row_idx_bytes,
                       reinterpret_cast<char const *>(values.data()), values_bytes) != header.payload_checksum)
    fail("corrupt sdnn binary matrix: payload checksum mismatch");

  // A matching checksum can still hide a file written by a buggy producer: check the structure.
  if (col_ptr(0) != 0 || col_ptr(ncols) != header.nnz)
    fail("corrupt sdnn binary matrix: column pointers do not span the entries");
  for (std::int32_t c = 0; c < ncols; ++c)
  {
    if (col_ptr(c + 1) < col_ptr(c))
      fail("corrupt sdnn binary matrix: column pointers decrease at column " + std::to_string(c + 1));
    for (auto k = col_ptr(c); k < col_ptr(c + 1); ++k)
      if (row_idx(k) < 0 || row_idx(k) >= nrows || (k > col_ptr(c) && row_idx(k) <= row_idx(k - 1)))
        fail("corrupt sdnn binary matrix: row indices of column " + std::to_string(c + 1) +
             " are out of range or not strictly ascending");
  }
  // The text readers refuse non-finite weights; a binary file (written by another producer) must not bring them in.
  for (std::int32_t c = 0; c < ncols; ++c)
    for (auto k = col_ptr(c); k < col_ptr(c + 1); ++k)
      if (!std::isfinite(values(k)))
        fail("the value of entry (" + std::to_string(row_idx(k) + 1) + ", " + std::to_string(c + 1) +
             ") is not finite (NaN or infinity)");
  if (source != nullptr)
    *source = {header.source_size, header.source_mtime_ns, header.source_content};
  return HostCsc(nrows, ncols, col_ptr, row_idx, values);
}

std::string default_cache_dir()
{
  if (char const *dir = std::getenv("SDNN_CACHE_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  if (char const *dir = std::getenv("XDG_CACHE_HOME"); dir != nullptr && *dir != '\0')
    return std::string(dir) + "/sdnn";
  if (char const *home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return std::string(home) + "/.cache/sdnn";
  return (std::filesystem::temp_directory_path() / "sdnn-cache").string();
}

std::string cache_path_for(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                           std::string const &cache_dir)
{
  std::error_code ec;
  auto absolute = std::filesystem::weakly_canonical(path, ec);
  if (ec)
    absolute = std::filesystem::absolute(path);
  // The requested shape is part of the key: a TSV read with any_size rows and one read with a fixed
  // row count are different matrices.
  auto const key = absolute.string() + '\n' + std::to_string(num_rows) + 'x' + std::to_string(num_cols);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(checksum(key.data(), key.size())));
  return (std::filesystem::path(cache_dir) / (absolute.filename().string() + "." + hex + ".sdnn")).string();
}

std::string cache_path_for(std::string const &path, std::int64_t num_rows, std::int64_t num_cols,
                           ReadOptions const &options)
{
  if (!options.use_cache || std::filesystem::path(path).extension() == ".sdnn")
    return {};
  return cache_path_for(path, num_rows, num_cols, options.cache_dir.empty() ? default_cache_dir() : options.cache_dir);
}

HostCsc read_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols, ReadOptions const &options,
                    ReadInfo *info)
{
  ReadInfo local;
  ReadInfo &out = info != nullptr ? *info : local;
  out = {};
  auto const extension = std::filesystem::path(path).extension().string();
  if (extension == ".sdnn")
  {
    out.from_cache = true;
    return read_binary_matrix(path, num_rows, num_cols);
  }
  auto parse = [&]
  {
    return extension == ".mtx" ? read_matrix_market(path, num_rows, num_cols)
                               : read_tsv_matrix(path, num_rows, num_cols);
  };
  if (!options.use_cache)
    return parse();

  auto const stamp = source_stamp(path, false);
  auto const cache = cache_path_for(path, num_rows, num_cols, options);
  auto const cache_dir = std::filesystem::path(cache).parent_path();
  if (std::filesystem::exists(cache))
  {
    try
    {
      SourceStamp cached;
      auto matrix = read_binary_matrix(cache, num_rows, num_cols, &cached);
      // Size and time first (no read); then the content, so that a file edited in place to the same size with its
      // time restored is not served from its old cache.
      if (cached.size == stamp.size && cached.mtime_ns == stamp.mtime_ns && cached == source_stamp(path))
      {
        out.from_cache = true;
        return matrix;
      }
      out.note = "cache " + cache + " is stale (its source changed); rebuilt it";
    }
    catch (InputError const &e)
    {
      out.note = std::string("replaced unusable cache: ") + e.what();
    }
  }
  auto matrix = parse();
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  try
  {
    write_binary_matrix(cache, matrix, source_stamp(path));
    out.cache_written = true;
  }
  catch (InputError const &e)
  {
    // A read-only cache directory must not stop inference: the text was parsed correctly.
    out.note = std::string("could not write cache: ") + e.what();
  }
  return matrix;
}

} // namespace sdnn
