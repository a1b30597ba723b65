#ifndef SDNN_LINEREADER_HPP
#define SDNN_LINEREADER_HPP

// LineReader: the text readers' walk over lines and whitespace-separated fields, with `path:line:` errors.
// Private to the library.

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

namespace sdnn::impl
{

inline bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/// Walks the lines of a text file, splitting each into whitespace-separated fields, and formats
/// `path:line:` errors.
class LineReader
{
public:
  LineReader(std::string const &path, std::string_view text) : m_path(path), m_text(text) {}

  /// Advances to the next line; false at the end. A final line without newline is read like the others (many
  /// tools write such files); require_fields() calls it truncated when it lacks fields.
  bool next()
  {
    if (m_pos >= m_text.size())
      return false;
    ++m_line;
    auto const end = std::min(m_text.find('\n', m_pos), m_text.size());
    m_unterminated = end == m_text.size();
    std::string_view const line = m_text.substr(m_pos, end - m_pos);
    m_pos = end + 1;
    m_num_fields = 0;
    std::size_t i = 0;
    while (i < line.size())
    {
      while (i < line.size() && is_blank(line[i]))
        ++i;
      if (i == line.size())
        break;
      std::size_t j = i;
      while (j < line.size() && !is_blank(line[j]))
        ++j;
      if (m_num_fields < max_fields)
        m_fields[m_num_fields] = line.substr(i, j - i);
      ++m_num_fields;
      i = j;
    }
    m_current = line;
    return true;
  }

  std::size_t num_fields() const { return m_num_fields; }
  std::string_view field(std::size_t k) const { return m_fields[k]; }
  std::string_view line_text() const { return m_current; }
  std::int64_t line_number() const { return m_line; }

  void require_fields(std::size_t expected, char const *what)
  {
    if (m_num_fields != expected && m_unterminated && m_num_fields < expected)
      fail("truncated file: the last line has no terminating newline and " + std::to_string(m_num_fields) + " of " +
           std::to_string(expected) + " fields (" + what + ")");
    if (m_num_fields != expected)
      fail("expected " + std::to_string(expected) + " fields (" + what + "), found " + std::to_string(m_num_fields));
  }

  std::int64_t integer(std::size_t k, char const *name)
  {
    auto const f = field(k);
    std::int64_t value = 0;
    auto const [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (ec != std::errc() || ptr != f.data() + f.size())
      fail(std::string(name) + " " + quoted(f) + " is not an integer");
    return value;
  }

  /// An integer in lo..hi.
  std::int64_t integer_in(std::size_t k, char const *name, std::int64_t lo, std::int64_t hi)
  {
    auto const value = integer(k, name);
    if (value < lo || value > hi)
      fail(std::string(name) + " " + std::to_string(value) + " is out of range (expected " + std::to_string(lo) + ".." +
           std::to_string(hi) + ")");
    return value;
  }

  /// A 1-based index in 1..bound (bound < 0: any positive), returned 0-based.
  std::int64_t index(std::size_t k, char const *name, std::int64_t bound)
  {
    auto const value = integer(k, name);
    if (value < 1 || (bound >= 0 && value > bound))
      fail(std::string(name) + " " + std::to_string(value) + " is out of range (expected 1.." +
           (bound >= 0 ? std::to_string(bound) : std::string("2^31-1")) + ")");
    if (value > std::numeric_limits<std::int32_t>::max())
      fail(std::string(name) + " " + std::to_string(value) + " is too large (at most 2^31-1 supported)");
    return value - 1;
  }

  float real(std::size_t k, char const *name)
  {
    auto const f = field(k);
    double value = 0;
    auto const [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (ec != std::errc() || ptr != f.data() + f.size() || !std::isfinite(value))
      fail(std::string(name) + " " + quoted(f) + " is not a finite number");
    if (!std::isfinite(static_cast<float>(value)))
      fail(std::string(name) + " " + quoted(f) + " is out of float range (at most 3.4e38 in magnitude)");
    return static_cast<float>(value);
  }

  /// `text` quoted for an error message: at most 40 characters (then "..." and its length), control and
  /// non-ASCII bytes as \xNN, so that a garbage field never floods the terminal.
  static std::string quoted(std::string_view text)
  {
    constexpr std::size_t shown = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < shown; ++i)
    {
      auto const c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c < 0x7f)
        out += static_cast<char>(c);
      else
      {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += hex;
      }
    }
    out += "'";
    if (text.size() > shown)
      out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
  }

  [[noreturn]] void fail(std::string const &message) const
  {
    throw InputError(m_path + ":" + std::to_string(m_line) + ": " + message);
  }

private:
  static constexpr std::size_t max_fields = 8;
  std::string m_path;
  std::string_view m_text;
  std::size_t m_pos = 0;
  std::int64_t m_line = 0;
  std::string_view m_fields[max_fields];
  std::size_t m_num_fields = 0;
  std::string_view m_current;
  bool m_unterminated = false; // the current line is the last one and has no newline
};

} // namespace sdnn::impl

#endif
