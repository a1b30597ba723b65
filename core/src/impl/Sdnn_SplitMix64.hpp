#ifndef SDNN_SPLITMIX64_HPP
#define SDNN_SPLITMIX64_HPP

// SplitMix64: the library's one pseudo-random generator (the generator's permutations and images, the training's
// topologies, initial weights and shuffles). Private to the library.

#include <cmath>
#include <cstdint>

namespace sdnn::impl
{

/// splitmix64: a small, fully specified generator, so generated data is the same everywhere.
class SplitMix64
{
public:
  explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t operator()()
  {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound), by rejection.
  std::uint64_t below(std::uint64_t bound)
  {
    std::uint64_t const limit = ~std::uint64_t(0) - (~std::uint64_t(0) % bound);
    std::uint64_t x;
    do
      x = (*this)();
    while (x >= limit);
    return x % bound;
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  /// Standard normal (Box-Muller on two uniforms; one value per call).
  double normal()
  {
    double const u = 1.0 - uniform(); // (0, 1]
    double const v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
  }

private:
  std::uint64_t m_state;
};

} // namespace sdnn::impl

#endif
