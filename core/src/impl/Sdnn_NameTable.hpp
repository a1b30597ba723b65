#ifndef SDNN_NAMETABLE_HPP
#define SDNN_NAMETABLE_HPP

// The names of an enum's values as the driver and the reports spell them: one table per enum, read both ways
// (name(...) and parse_...() of the public headers). Private to the library.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sdnn::impl
{

/// One entry of an enum's name table.
template <class Enum> struct Names
{
  Enum value;
  char const *name;
};

/// The name of `value` in `table`, "?" when the table lacks it.
template <class Enum, std::size_t Size> std::string name_of(Names<Enum> const (&table)[Size], Enum value)
{
  for (auto const &entry : table)
    if (entry.value == value)
      return entry.name;
  return "?";
}

/// The value named `text` in `table`, std::nullopt for an unknown name.
template <class Enum, std::size_t Size>
std::optional<Enum> parse_name(Names<Enum> const (&table)[Size], std::string const &text)
{
  for (auto const &entry : table)
    if (text == entry.name)
      return entry.value;
  return std::nullopt;
}

/// The names of `table`, in its order, separated by ", ".
template <class Enum, std::size_t Size> std::string joined_names(Names<Enum> const (&table)[Size])
{
  std::string names;
  for (auto const &entry : table)
    names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return names;
}

/// Every value of `table`, in its order.
template <class Enum, std::size_t Size> std::vector<Enum> values_of(Names<Enum> const (&table)[Size])
{
  std::vector<Enum> values;
  for (auto const &entry : table)
    values.push_back(entry.value);
  return values;
}

} // namespace sdnn::impl

#endif
