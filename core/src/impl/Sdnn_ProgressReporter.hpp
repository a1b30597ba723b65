#ifndef SDNN_PROGRESSREPORTER_HPP
#define SDNN_PROGRESSREPORTER_HPP

// The user's progress callback (InferenceOptions::progress) called from the threads of an inference. Private to
// the library.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>

namespace sdnn::impl
{

/// Calls the user's progress callback from one thread at a time, every ~5 % of the work.
class ProgressReporter
{
public:
  explicit ProgressReporter(std::function<void(std::int64_t, std::int64_t)> const &callback) : m_callback(callback) {}
  void reset(std::int64_t total)
  {
    m_total = total;
    m_step = std::max<std::int64_t>(1, total / 20);
    m_next = m_step;
    m_done = 0;
  }
  void add(std::int64_t amount)
  {
    if (!m_callback)
      return;
    std::int64_t const done = Kokkos::atomic_fetch_add(&m_done, amount) + amount;
    if (!m_mutex.try_lock())
      return;
    if (done >= m_next || done == m_total)
    {
      m_next = done + m_step;
      m_callback(done, m_total);
    }
    m_mutex.unlock();
  }

private:
  std::function<void(std::int64_t, std::int64_t)> const &m_callback;
  std::int64_t m_total = 0;
  std::int64_t m_step = 1;
  std::int64_t m_next = 1;
  std::int64_t m_done = 0;
  std::mutex m_mutex;
};

} // namespace sdnn::impl

#endif
