#include <Sdnn_IO.hpp>

#include "Sdnn_LineReader.hpp"
#include "Sdnn_OutputFile.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>

namespace sdnn
{

namespace
{

using impl::LineReader;

/// Finds the lines of the first two entries (row, col) (0-based) for a duplicate-entry message.
std::pair<std::int64_t, std::int64_t> find_duplicate_lines(std::string const &path, std::string_view text,
                                                           std::int64_t first_data_line, DuplicateEntry entry)
{
  LineReader reader(path, text);
  std::int64_t first = -1;
  while (reader.next())
  {
    if (reader.line_number() < first_data_line || reader.num_fields() < 2 || reader.field(0).front() == '%')
      continue;
    if (reader.integer(0, "row") == entry.row + 1 && reader.integer(1, "column") == entry.col + 1)
    {
      if (first >= 0)
        return {first, reader.line_number()};
      first = reader.line_number();
    }
  }
  return {first, first};
}

HostCsc build_checked(std::string const &path, std::string_view text, std::int64_t first_data_line,
                      std::int64_t num_rows, std::int64_t num_cols, Triplets const &triplets)
{
  DuplicateEntry duplicate;
  auto matrix =
      csc_from_triplets(static_cast<std::int32_t>(num_rows), static_cast<std::int32_t>(num_cols), triplets, &duplicate);
  if (duplicate)
  {
    auto const [first, second] = find_duplicate_lines(path, text, first_data_line, duplicate);
    throw InputError(path + ":" + std::to_string(second) + ": duplicate entry (row " +
                     std::to_string(duplicate.row + 1) + ", column " + std::to_string(duplicate.col + 1) +
                     "), first given on line " + std::to_string(first));
  }
  return matrix;
}

void require_dimension(std::string const &path, std::int64_t n)
{
  SDNN_USER_REQUIRE(n == any_size || (n >= 0 && n <= std::numeric_limits<std::int32_t>::max()),
                    path << ": requested dimension " << n << " is not supported");
}

/// Formats every entry with `line_format` (taking 1-based row, 1-based column, value as
/// `long long, long long, double`), in column-major or row-major order.
std::string format_entries(HostCsc const &matrix, bool row_major, char const *line_format)
{
  std::string out;
  out.reserve(static_cast<std::size_t>(matrix.nnz()) * 24);
  char line[128];
  auto emit = [&](std::int64_t r, std::int64_t c, float v)
  {
    int const n = std::snprintf(line, sizeof line, line_format, static_cast<long long>(r + 1),
                                static_cast<long long>(c + 1), static_cast<double>(v));
    out.append(line, n);
  };
  if (row_major)
  {
    auto const csr = to_csr(matrix);
    for (std::int64_t r = 0; r < csr.num_rows; ++r)
      for (auto k = csr.row_ptr[r]; k < csr.row_ptr[r + 1]; ++k)
        emit(r, csr.col_idx[k], csr.values[k]);
  }
  else
  {
    for (std::int32_t c = 0; c < matrix.num_cols(); ++c)
      for (auto k = matrix.col_ptr()(c); k < matrix.col_ptr()(c + 1); ++k)
        emit(matrix.row_idx()(k), c, matrix.values()(k));
  }
  return out;
}

} // namespace

HostCsc read_tsv_matrix(std::string const &path, std::int64_t num_rows, std::int64_t num_cols)
{
  require_dimension(path, num_rows);
  require_dimension(path, num_cols);
  SDNN_USER_REQUIRE(num_cols != any_size, path << ": the number of columns must be given for a TSV matrix");
  std::string const text = read_file(path);
  LineReader reader(path, text);
  Triplets triplets;
  triplets.rows.reserve(text.size() / 12);
  triplets.cols.reserve(text.size() / 12);
  triplets.values.reserve(text.size() / 12);
  // The largest row index with its line, and the largest one below it: see the check after the loop.
  std::int64_t max_row = -1, max_row_line = 0, next_row = -1;
  while (reader.next())
  {
    if (reader.num_fields() == 0)
      continue;
    reader.require_fields(3, "row column value");
    auto const r = reader.index(0, "row index", num_rows);
    auto const c = reader.index(1, "column index", num_cols);
    auto const v = reader.real(2, "value");
    if (r > max_row)
    {
      next_row = max_row;
      max_row = r;
      max_row_line = reader.line_number();
    }
    else if (r < max_row && r > next_row)
      next_row = r;
    triplets.rows.push_back(static_cast<std::int32_t>(r));
    triplets.cols.push_back(static_cast<std::int32_t>(c));
    triplets.values.push_back(v);
  }
  SDNN_USER_REQUIRE(triplets.size() > 0, path << ":1: empty file (expected lines of: row column value)");
  // The number of rows comes from the largest index: one far beyond all the others (a typo such as 100000000 for
  // 10000) would add that many empty rows, and an inference would count them as inputs.
  std::int64_t const gap = max_row - next_row - 1;
  SDNN_USER_REQUIRE(num_rows != any_size || next_row < 0 || gap <= std::max<std::int64_t>(1024, next_row + 1),
                    path << ":" << max_row_line << ": row index " << max_row + 1
                         << " is far beyond every other row (the next largest is " << next_row + 1 << "): the " << gap
                         << " rows between would be empty; a typo?");
  return build_checked(path, text, 1, num_rows == any_size ? max_row + 1 : num_rows, num_cols, triplets);
}

HostCsc read_matrix_market(std::string const &path, std::int64_t num_rows, std::int64_t num_cols)
{
  require_dimension(path, num_rows);
  require_dimension(path, num_cols);
  std::string const text = read_file(path);
  LineReader reader(path, text);
  SDNN_USER_REQUIRE(reader.next(), path << ":1: empty file (expected a %%MatrixMarket header)");
  // Header: %%MatrixMarket object format field symmetry (keywords are case-insensitive).
  std::string words[5];
  for (std::size_t k = 0; k < 5 && k < reader.num_fields(); ++k)
  {
    words[k] = std::string(reader.field(k));
    std::transform(words[k].begin(), words[k].end(), words[k].begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  }
  if (reader.num_fields() != 5 || words[0] != "%%matrixmarket" || words[1] != "matrix")
    reader.fail("expected the header '%%MatrixMarket matrix coordinate real general'");
  if (words[2] != "coordinate")
    reader.fail("only the 'coordinate' MatrixMarket format is supported, not '" + words[2] + "'");
  if (words[4] != "general")
    reader.fail("only 'general' MatrixMarket matrices are supported, not '" + words[4] + "'");
  bool const pattern = words[3] == "pattern";
  if (!pattern && words[3] != "real" && words[3] != "integer")
    reader.fail("unsupported field type '" + words[3] + "' (expected real, integer or pattern)");

  // Size line after comments.
  std::int64_t rows = 0, cols = 0, entries = 0;
  for (;;)
  {
    SDNN_USER_REQUIRE(reader.next(), path << ":" << reader.line_number() + 1
                                          << ": truncated file: expected the size line 'rows columns entries'");
    if (reader.num_fields() == 0 || reader.field(0).front() == '%')
      continue;
    reader.require_fields(3, "rows columns entries");
    rows = reader.integer(0, "row count");
    cols = reader.integer(1, "column count");
    entries = reader.integer(2, "entry count");
    if (rows < 0 || cols < 0 || entries < 0 || rows > std::numeric_limits<std::int32_t>::max() ||
        cols > std::numeric_limits<std::int32_t>::max())
      reader.fail("invalid size line");
    // An entry takes at least 4 bytes ("1 1\n"): a count beyond the file's size is a typo, not a reason to reserve
    // (and fail to allocate) memory for it.
    if (entries > static_cast<std::int64_t>(text.size() / 4))
      reader.fail("the size line announces " + std::to_string(entries) + " entries, more than a file of " +
                  std::to_string(text.size()) + " bytes can hold");
    if ((num_rows != any_size && rows != num_rows) || (num_cols != any_size && cols != num_cols))
      reader.fail("matrix is " + std::to_string(rows) + " x " + std::to_string(cols) + ", expected " +
                  (num_rows == any_size ? std::string("any") : std::to_string(num_rows)) + " x " +
                  (num_cols == any_size ? std::string("any") : std::to_string(num_cols)));
    break;
  }
  auto const first_data_line = reader.line_number() + 1;
  Triplets triplets;
  triplets.rows.reserve(entries);
  triplets.cols.reserve(entries);
  triplets.values.reserve(entries);
  while (reader.next())
  {
    if (reader.num_fields() == 0 || reader.field(0).front() == '%')
      continue;
    if (static_cast<std::int64_t>(triplets.size()) == entries)
      reader.fail("more entries than the " + std::to_string(entries) + " the size line announces");
    reader.require_fields(pattern ? 2 : 3, pattern ? "row column" : "row column value");
    triplets.rows.push_back(static_cast<std::int32_t>(reader.index(0, "row index", rows)));
    triplets.cols.push_back(static_cast<std::int32_t>(reader.index(1, "column index", cols)));
    triplets.values.push_back(pattern ? 1.0f : reader.real(2, "value"));
  }
  SDNN_USER_REQUIRE(static_cast<std::int64_t>(triplets.size()) == entries,
                    path << ":" << reader.line_number() << ": truncated file: found " << triplets.size()
                         << " entries, the size line announces " << entries);
  return build_checked(path, text, first_data_line, rows, cols, triplets);
}

std::vector<std::int64_t> read_categories(std::string const &path, std::int64_t num_rows)
{
  std::string const text = read_file(path);
  LineReader reader(path, text);
  std::vector<std::pair<std::int64_t, std::int64_t>> rows_and_lines;
  while (reader.next())
  {
    if (reader.num_fields() == 0)
      continue;
    reader.require_fields(1, "one row index");
    rows_and_lines.emplace_back(reader.index(0, "row index", num_rows), reader.line_number());
  }
  std::sort(rows_and_lines.begin(), rows_and_lines.end());
  std::vector<std::int64_t> rows;
  rows.reserve(rows_and_lines.size());
  for (std::size_t k = 0; k < rows_and_lines.size(); ++k)
  {
    if (k > 0 && rows_and_lines[k].first == rows_and_lines[k - 1].first)
    {
      auto const [a, b] = std::minmax(rows_and_lines[k].second, rows_and_lines[k - 1].second);
      throw InputError(path + ":" + std::to_string(b) + ": duplicate row index " +
                       std::to_string(rows_and_lines[k].first + 1) + ", first given on line " + std::to_string(a));
    }
    rows.push_back(rows_and_lines[k].first);
  }
  return rows;
}

void write_challenge_layer(std::string const &path, HostCsc const &layer)
{
  write_file(path, format_entries(layer, false, "%lld\t%lld\t%.6e\n"));
}

void write_challenge_images(std::string const &path, HostCsc const &images)
{
  write_file(path, format_entries(images, true, "%lld\t%lld\t%g\n"));
}

void write_categories(std::string const &path, std::vector<std::int64_t> const &categories)
{
  std::string out;
  for (auto const r : categories)
    out += std::to_string(r + 1) + '\n';
  write_file(path, out);
}

void write_matrix_market(std::string const &path, HostCsc const &matrix)
{
  std::string out = "%%MatrixMarket matrix coordinate real general\n" + std::to_string(matrix.num_rows()) + " " +
                    std::to_string(matrix.num_cols()) + " " + std::to_string(matrix.nnz()) + "\n";
  out += format_entries(matrix, false, "%lld %lld %.9g\n");
  write_file(path, out);
}

} // namespace sdnn
