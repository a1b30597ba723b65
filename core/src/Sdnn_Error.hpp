#ifndef SDNN_ERROR_HPP
#define SDNN_ERROR_HPP

/// \file Sdnn_Error.hpp
/// sdnn::InputError and the SDNN_REQUIRE / SDNN_USER_REQUIRE checks.

#include <sstream>
#include <stdexcept>
#include <string>

namespace sdnn
{

/// Thrown for bad user input: a file that cannot be read, a malformed line, inconsistent sizes.
/// The message is one line a user can act on; for file input it starts with `path:line:`.
class InputError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

namespace impl
{
[[noreturn]] void throw_logic_error(char const *condition, char const *file, int line, char const *function,
                                    std::string const &message);
[[noreturn]] void throw_input_error(std::string const &message);

/// Formats a message from stream insertions: `SDNN_USER_REQUIRE(n > 0, "got " << n)`.
struct MessageBuilder
{
  std::ostringstream m_stream;
  template <class T> MessageBuilder &operator<<(T const &value)
  {
    m_stream << value;
    return *this;
  }
  std::string str() const { return m_stream.str(); }
};
} // namespace impl

} // namespace sdnn

/// Programming error (a violated precondition inside the library or by a caller): throws
/// std::logic_error naming the condition, file, line and function.
#define SDNN_REQUIRE(condition, message)                                                                               \
  do                                                                                                                   \
  {                                                                                                                    \
    if (!(condition))                                                                                                  \
      ::sdnn::impl::throw_logic_error(#condition, __FILE__, __LINE__, __func__,                                        \
                                      (::sdnn::impl::MessageBuilder() << message).str());                              \
  } while (false)

/// Bad user input: throws sdnn::InputError (a std::runtime_error) whose message is exactly `message`.
#define SDNN_USER_REQUIRE(condition, message)                                                                          \
  do                                                                                                                   \
  {                                                                                                                    \
    if (!(condition))                                                                                                  \
      ::sdnn::impl::throw_input_error((::sdnn::impl::MessageBuilder() << message).str());                              \
  } while (false)

#endif
