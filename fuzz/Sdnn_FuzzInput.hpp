#ifndef SDNN_FUZZINPUT_HPP
#define SDNN_FUZZINPUT_HPP

// What every fuzz target shares: Kokkos initialised once (and finalised at exit), and the fuzzer's bytes as a file
// (sdnn's readers take paths). A target lets sdnn::InputError (and the driver's UsageError) through as the expected
// answer to bad input; any other exception, crash, leak or undefined behaviour is a finding.

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace sdnn::fuzz
{

/// Kokkos::initialize() once, Kokkos::finalize() at exit.
inline void initialize()
{
  Kokkos::initialize();
  std::atexit([] { Kokkos::finalize(); });
}

/// `data` written to this process's scratch file (same path every call); returns the path. `suffix` is its
/// extension (the readers dispatch on it).
inline std::string as_file(std::uint8_t const *data, std::size_t size, char const *suffix)
{
  static std::string const path = "/tmp/sdnn-fuzz-" + std::to_string(::getpid()) + suffix;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<char const *>(data), static_cast<std::streamsize>(size));
  return path;
}

} // namespace sdnn::fuzz

#endif
