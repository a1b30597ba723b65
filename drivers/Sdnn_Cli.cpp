#include "Sdnn_Cli.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

namespace sdnn::cli
{

void Options::add(std::string const &name, std::string const &value_name, std::string const &help,
                  std::string const &default_value)
{
  m_order.push_back(name);
  m_specs[name] = {value_name, help, default_value};
}

Options::Spec const &Options::spec(std::string const &name) const
{
  auto const it = m_specs.find(name);
  if (it == m_specs.end())
    throw std::logic_error("sdnn driver: option --" + name + " was not declared");
  return it->second;
}

bool Options::parse(int argc, char **argv, int first)
{
  for (int i = first; i < argc; ++i)
  {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help")
    {
      std::cout << help();
      return false;
    }
    if (arg.rfind("--kokkos-", 0) == 0) // Kokkos::initialize reads these
      continue;
    if (arg.rfind("--", 0) != 0 || arg.size() == 2)
      throw UsageError(m_command + ": unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    bool inline_value = false;
    if (auto const eq = name.find('='); eq != std::string::npos)
    {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    auto const it = m_specs.find(name);
    if (it == m_specs.end())
      throw UsageError(m_command + ": unknown option '--" + name + "'");
    if (it->second.value_name.empty())
    {
      if (inline_value)
        throw UsageError(m_command + ": option '--" + name + "' takes no value");
      value = "1";
    }
    else if (!inline_value)
    {
      if (i + 1 >= argc)
        throw UsageError(m_command + ": option '--" + name + "' needs a value (" + it->second.value_name + ")");
      value = argv[++i];
    }
    m_values[name] = value;
  }
  return true;
}

bool Options::has(std::string const &name) const
{
  spec(name);
  return m_values.count(name) > 0;
}

std::string Options::str(std::string const &name) const
{
  auto const &s = spec(name);
  auto const it = m_values.find(name);
  return it != m_values.end() ? it->second : s.default_value;
}

namespace
{
template <class T> T parse_number(std::string const &command, std::string const &name, std::string const &text)
{
  T value{};
  auto const [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw UsageError(command + ": option '--" + name + "' expects a number, got '" + text + "'");
  return value;
}
} // namespace

std::int64_t Options::integer(std::string const &name) const
{
  return parse_number<std::int64_t>(m_command, name, str(name));
}

std::uint64_t Options::unsigned_integer(std::string const &name) const
{
  return parse_number<std::uint64_t>(m_command, name, str(name));
}

double Options::real(std::string const &name) const
{
  return parse_number<double>(m_command, name, str(name));
}

std::string Options::help() const
{
  std::ostringstream os;
  os << "Usage: " << m_synopsis << "\n\nOptions:\n";
  for (auto const &name : m_order)
  {
    auto const &s = m_specs.at(name);
    std::string left = "  --" + name + (s.value_name.empty() ? "" : " " + s.value_name);
    os << left;
    if (left.size() < 26)
      os << std::string(26 - left.size(), ' ');
    else
      os << "\n" << std::string(26, ' ');
    os << s.help;
    if (!s.default_value.empty())
      os << " (default: " << s.default_value << ")";
    os << "\n";
  }
  os << "  -h, --help                show this help\n"
        "\nKokkos options are passed to Kokkos: --kokkos-threads=N (Kokkos 3.x; --kokkos-num-threads=N\n"
        "from 4.0), --kokkos-help. Set OMP_PROC_BIND=spread OMP_PLACES=threads for the OpenMP backend.\n";
  return os.str();
}

double peak_memory_mib()
{
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

double now_seconds()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace sdnn::cli
