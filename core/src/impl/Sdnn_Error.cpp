#include <Sdnn_Error.hpp>

namespace sdnn::impl
{

void throw_logic_error(char const *condition, char const *file, int line, char const *function,
                       std::string const &message)
{
  std::ostringstream os;
  os << "sdnn internal error: " << message << " [" << condition << " failed in " << function << " at " << file << ':'
     << line << ']';
  throw std::logic_error(os.str());
}

void throw_input_error(std::string const &message)
{
  throw InputError(message);
}

} // namespace sdnn::impl
