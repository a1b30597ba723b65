#ifndef SDNN_STEALQUEUES_HPP
#define SDNN_STEALQUEUES_HPP

// The per-thread tile queues of Parallelism::work_stealing. Private to the library.

#include "Sdnn_TiledInference.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace sdnn::impl
{

/// Per-thread queues of tile ranges [head, tail) packed in one 64-bit word, so that the owner's pop from the
/// head and a thief's steal from the tail are both a single compare-and-swap on the same word.
class StealQueues
{
public:
  StealQueues(TiledInference const &inference, int threads) : m_words(threads)
  {
    for (int p = 0; p < threads; ++p)
      m_words[p] = pack(inference.part_first(p, threads), inference.part_first(p + 1, threads));
  }
  /// Next tile of queue w, or -1.
  std::int64_t pop(int w)
  {
    for (;;)
    {
      std::uint64_t const word = load(w);
      auto const [head, tail] = unpack(word);
      if (head >= tail)
        return -1;
      if (Kokkos::atomic_compare_exchange(&m_words[w], word, pack(head + 1, tail)) == word)
        return head;
    }
  }
  /// Moves half of the fullest other queue into queue w (which must be empty). False when all are empty.
  bool steal(int w)
  {
    for (;;)
    {
      int victim = -1;
      std::int64_t most = 0;
      for (int v = 0; v < static_cast<int>(m_words.size()); ++v)
      {
        auto const [head, tail] = unpack(load(v));
        if (v != w && tail - head > most)
        {
          most = tail - head;
          victim = v;
        }
      }
      if (victim < 0)
        return false;
      std::uint64_t const word = load(victim);
      auto const [head, tail] = unpack(word);
      if (tail <= head)
        continue;
      std::int64_t const take = (tail - head + 1) / 2;
      if (Kokkos::atomic_compare_exchange(&m_words[victim], word, pack(head, tail - take)) != word)
        continue;
      Kokkos::atomic_exchange(&m_words[w], pack(tail - take, tail));
      return true;
    }
  }

private:
  static std::uint64_t pack(std::int64_t head, std::int64_t tail)
  {
    return (static_cast<std::uint64_t>(head) << 32) | static_cast<std::uint64_t>(tail);
  }
  static std::pair<std::int64_t, std::int64_t> unpack(std::uint64_t word)
  {
    return {static_cast<std::int64_t>(word >> 32), static_cast<std::int64_t>(word & 0xffffffffULL)};
  }
  std::uint64_t load(int w) { return Kokkos::atomic_fetch_add(&m_words[w], std::uint64_t(0)); }
  std::vector<std::uint64_t> m_words;
};

} // namespace sdnn::impl

#endif
