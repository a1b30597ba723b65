#ifndef SDNN_JSON_HPP
#define SDNN_JSON_HPP

// Json: a JSON value built in memory and written once (the drivers' --report files). Objects keep the order in
// which their members were first set.

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace sdnn::cli
{

class Json
{
public:
  /// null
  Json() = default;
  Json(bool value) : m_kind(Kind::boolean), m_boolean(value) {}
  Json(std::string value) : m_kind(Kind::string), m_text(std::move(value)) {}
  Json(char const *value) : Json(std::string(value)) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Json(T value) : m_kind(Kind::integer), m_integer(static_cast<std::int64_t>(value))
  {
  }
  /// A number; NaN and infinities (which JSON lacks) are written as null.
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Json(T value) : m_kind(Kind::real), m_real(static_cast<double>(value))
  {
  }
  /// An array of the values.
  template <class T> Json(std::vector<T> const &values) : m_kind(Kind::array)
  {
    for (auto const &value : values)
      m_items.emplace_back(value);
  }

  /// An empty object.
  static Json object();
  /// An empty array.
  static Json array();

  /// The member `key` of an object (added as null the first time). \throws std::logic_error if not an object
  Json &operator[](std::string const &key);
  /// Appends to an array. \throws std::logic_error if not an array
  void push_back(Json value);

  /// The value as JSON text, indented by two spaces per level, ending with a newline.
  std::string dump() const;

private:
  enum class Kind
  {
    null,
    boolean,
    integer,
    real,
    string,
    array,
    object
  };
  void write(std::string &out, int depth) const;

  Kind m_kind = Kind::null;
  bool m_boolean = false;
  std::int64_t m_integer = 0;
  double m_real = 0.0;
  std::string m_text;
  std::vector<std::string> m_keys; // object: the members' names, in the order of m_items
  std::vector<Json> m_items;       // array items or object members
};

} // namespace sdnn::cli

#endif
