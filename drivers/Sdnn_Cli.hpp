#ifndef SDNN_CLI_HPP
#define SDNN_CLI_HPP

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sdnn::cli
{

/// Thrown for a bad command line; main prints it with a hint to --help and exits with status 2.
struct UsageError : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

/// A tiny GNU-style long-option parser: `--name value`, `--name=value` and `--flag`.
class Options
{
public:
  Options(std::string command, std::string synopsis) : m_command(std::move(command)), m_synopsis(std::move(synopsis)) {}

  /// Declares `--name VALUE` (value_name non-empty) or the flag `--name`.
  void add(std::string const &name, std::string const &value_name, std::string const &help,
           std::string const &default_value = "");
  /// Parses argv[first..argc); false when --help was given (help already printed).
  bool parse(int argc, char **argv, int first);

  bool has(std::string const &name) const;
  std::string str(std::string const &name) const;
  std::int64_t integer(std::string const &name) const;
  std::uint64_t unsigned_integer(std::string const &name) const;
  double real(std::string const &name) const;
  std::string help() const;

private:
  struct Spec
  {
    std::string value_name, help, default_value;
  };
  Spec const &spec(std::string const &name) const;
  std::string m_command, m_synopsis;
  std::vector<std::string> m_order;
  std::map<std::string, Spec> m_specs;
  std::map<std::string, std::string> m_values;
};

/// Peak resident memory of this process in MiB (getrusage).
double peak_memory_mib();

/// Seconds since an arbitrary fixed point (steady clock).
double now_seconds();

} // namespace sdnn::cli

#endif
