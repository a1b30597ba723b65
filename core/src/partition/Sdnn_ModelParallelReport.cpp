// ModelParallelReport: the figures derived from every rank's traffic and time.
#include <Sdnn_ModelParallel.hpp>

#include <algorithm>
#include <numeric>

namespace sdnn
{

namespace
{

template <class T, class Field> T max_over(std::vector<ModelRankReport> const &ranks, Field field)
{
  T max = 0;
  for (auto const &r : ranks)
    max = std::max<T>(max, field(r));
  return max;
}

std::int64_t sum_of(std::vector<std::int64_t> const &values)
{
  return std::accumulate(values.begin(), values.end(), std::int64_t(0));
}

} // namespace

double ModelParallelReport::seconds() const
{
  return max_over<double>(ranks, [](ModelRankReport const &r) { return r.seconds; });
}

std::vector<std::int64_t> ModelParallelReport::columns_sent(int group) const
{
  std::vector<std::int64_t> out(predicted_columns.size(), 0);
  for (auto const &r : ranks)
    if (r.group == group)
      for (std::size_t l = 0; l < out.size() && l < r.columns_sent.size(); ++l)
        out[l] += r.columns_sent[l];
  return out;
}

std::int64_t ModelParallelReport::words_sent() const
{
  std::int64_t total = 0;
  for (auto const &r : ranks)
    total += sum_of(r.words_sent);
  return total;
}

std::int64_t ModelParallelReport::max_words_sent() const
{
  return max_over<std::int64_t>(ranks, [](ModelRankReport const &r) { return sum_of(r.words_sent); });
}

std::int64_t ModelParallelReport::messages_sent() const
{
  std::int64_t total = 0;
  for (auto const &r : ranks)
    total += sum_of(r.messages_sent);
  return total;
}

std::vector<double> ModelParallelReport::work_imbalance() const
{
  std::vector<double> out(predicted_columns.size(), 1.0);
  for (std::size_t l = 0; l < out.size(); ++l)
    for (int g = 0; g < groups; ++g)
    {
      double max = 0.0, sum = 0.0;
      for (auto const &r : ranks)
        if (r.group == g && l < r.work.size())
        {
          max = std::max(max, static_cast<double>(r.work[l]));
          sum += static_cast<double>(r.work[l]);
        }
      if (sum > 0.0)
        out[l] = std::max(out[l], max * model_ranks / sum);
    }
  return out;
}

double ModelParallelReport::max_exchange_seconds() const
{
  return max_over<double>(ranks, [](ModelRankReport const &r) { return r.exchange_seconds + r.agree_seconds; });
}

double ModelParallelReport::max_compute_seconds() const
{
  return max_over<double>(ranks, [](ModelRankReport const &r) { return r.compute_seconds; });
}

std::int64_t ModelParallelReport::max_weight_bytes() const
{
  return max_over<std::int64_t>(ranks, [](ModelRankReport const &r) { return r.weight_bytes; });
}

} // namespace sdnn
