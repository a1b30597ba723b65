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

/// Calls the user's progress callback from one thread at a time, every ~5 % of the work, figures never going down,
/// and with the total at the end (finish()).
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
    m_reported = 0;
  }
  void add(std::int64_t amount)
  {
    if (!m_callback)
      return;
    Kokkos::atomic_add(&m_done, amount);
    if (!m_mutex.try_lock())
      return; // another thread reports; finish() makes sure the last figure is seen
    // Read under the lock: the figures reported never go down.
    if (std::int64_t const done = Kokkos::atomic_fetch_add(&m_done, std::int64_t(0)); done >= m_next)
      report(done);
    m_mutex.unlock();
  }
  /// After the work (one thread): reports the final figure if it was not reported yet.
  void finish()
  {
    if (m_callback && m_reported < m_done)
      report(m_done);
  }

private:
  void report(std::int64_t done)
  {
    m_next = done + m_step;
    m_reported = done;
    m_callback(done, m_total);
  }

  std::function<void(std::int64_t, std::int64_t)> const &m_callback;
  std::int64_t m_total = 0;
  std::int64_t m_step = 1;
  std::int64_t m_next = 1;
  std::int64_t m_done = 0;
  std::int64_t m_reported = 0; // the last figure reported
  std::mutex m_mutex;
};

} // namespace sdnn::impl

#endif
