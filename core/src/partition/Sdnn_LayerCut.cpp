#include "Sdnn_LayerCut.hpp"

#include <algorithm>
#include <numeric>

namespace sdnn::impl
{

double LayerCut::imbalance() const
{
  std::int64_t const total = std::accumulate(work.begin(), work.end(), std::int64_t(0));
  if (total == 0)
    return 1.0;
  return static_cast<double>(*std::max_element(work.begin(), work.end())) * static_cast<double>(work.size()) /
         static_cast<double>(total);
}

LayerCut layer_cut(HostCsc const &w, std::vector<std::int32_t> const &producer,
                   std::vector<std::int32_t> const &consumer, int parts)
{
  std::int64_t const n = w.num_cols();
  LayerCut cut;
  cut.work.assign(parts, 0);
  // seen[i * P + p]: part p already counted among the consumers of input i.
  std::vector<char> seen(static_cast<std::size_t>(w.num_rows()) * parts, 0);
  for (std::int64_t j = 0; j < n; ++j)
  {
    int const p = consumer[j];
    auto const begin = w.col_ptr()(j), end = w.col_ptr()(j + 1);
    cut.work[p] += end - begin;
    for (auto e = begin; e < end; ++e)
    {
      auto const i = w.row_idx()(e);
      auto &mark = seen[static_cast<std::size_t>(i) * parts + p];
      if (!mark)
      {
        mark = 1;
        // λ_i - 1 = the consumer parts other than the producer's (which holds the column already).
        cut.volume += p == producer[i] ? 0 : 1;
      }
    }
  }
  return cut;
}

} // namespace sdnn::impl
