#include "Sdnn_Json.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sdnn::cli
{

namespace
{
void write_string(std::string &out, std::string const &text)
{
  out += '"';
  for (unsigned char c : text)
    switch (c)
    {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20)
      {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      }
      else
        out += static_cast<char>(c);
    }
  out += '"';
}
} // namespace

Json Json::object()
{
  Json value;
  value.m_kind = Kind::object;
  return value;
}

Json Json::array()
{
  Json value;
  value.m_kind = Kind::array;
  return value;
}

Json &Json::operator[](std::string const &key)
{
  SDNN_REQUIRE(m_kind == Kind::object, "Json: member '" << key << "' of a value that is not an object");
  auto const found = std::find(m_keys.begin(), m_keys.end(), key);
  if (found != m_keys.end())
    return m_items[found - m_keys.begin()];
  m_keys.push_back(key);
  return m_items.emplace_back();
}

void Json::push_back(Json value)
{
  SDNN_REQUIRE(m_kind == Kind::array, "Json: push_back on a value that is not an array");
  m_items.push_back(std::move(value));
}

std::string Json::dump() const
{
  std::string out;
  write(out, 0);
  return out + "\n";
}

void Json::write(std::string &out, int depth) const
{
  switch (m_kind)
  {
  case Kind::null:
    out += "null";
    return;
  case Kind::boolean:
    out += m_boolean ? "true" : "false";
    return;
  case Kind::integer:
    out += std::to_string(m_integer);
    return;
  case Kind::real:
    if (std::isfinite(m_real))
    {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", m_real); // round-trips a double
      out += number;
    }
    else
      out += "null";
    return;
  case Kind::string:
    write_string(out, m_text);
    return;
  case Kind::array:
  case Kind::object:
    break;
  }
  bool const object = m_kind == Kind::object;
  if (m_items.empty())
  {
    out += object ? "{}" : "[]";
    return;
  }
  // Arrays of scalars (per-thread seconds, histograms) and small objects of scalars (a layer's figures) on one
  // line; anything else one item per line.
  bool const scalars =
      std::all_of(m_items.begin(), m_items.end(),
                  [](Json const &item) { return item.m_kind != Kind::array && item.m_kind != Kind::object; });
  bool const flat = scalars && (!object || m_items.size() <= 4);
  std::string const indent(2 * (depth + 1), ' ');
  out += object ? "{" : "[";
  for (std::size_t k = 0; k < m_items.size(); ++k)
  {
    out += k ? "," : "";
    if (flat)
      out += k ? " " : "";
    else
      out += "\n" + indent;
    if (object)
    {
      write_string(out, m_keys[k]);
      out += ": ";
    }
    m_items[k].write(out, depth + 1);
  }
  if (!flat)
    out += "\n" + std::string(2 * depth, ' ');
  out += object ? "}" : "]";
}

} // namespace sdnn::cli
