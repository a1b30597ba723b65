#include <Sdnn_WorkReport.hpp>

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace sdnn
{

namespace
{

/// A vector field of two segments' WorkReports: WorkReport::Merge::elementwise_sum.
template <class T> void merge_field(std::vector<T> &into, std::vector<T> const &segment, WorkReport::Merge merge)
{
  SDNN_REQUIRE(merge == WorkReport::Merge::elementwise_sum, "a vector field is merged entry by entry");
  into.resize(std::max(into.size(), segment.size()), T{});
  for (std::size_t k = 0; k < segment.size(); ++k)
    into[k] += segment[k];
}

/// Any other field of two segments' WorkReports: a number summed or maximised, or the latest value kept.
template <class T> void merge_field(T &into, T const &segment, WorkReport::Merge merge)
{
  using Merge = WorkReport::Merge;
  if constexpr (std::is_arithmetic_v<T>)
    if (merge == Merge::sum || merge == Merge::max)
    {
      into = merge == Merge::sum ? into + segment : std::max(into, segment);
      return;
    }
  SDNN_REQUIRE(merge == Merge::latest, "a field that is not a number or a vector keeps the latest value");
  into = segment;
}

} // namespace

void accumulate(WorkReport &into, WorkReport const &segment)
{
  WorkReport::for_each_field([&](char const *, auto member, WorkReport::Merge merge)
                             { merge_field(into.*member, segment.*member, merge); });
}

double WorkReport::dense_rate_resolution()
{
  return std::exp2(1.0 / dense_rate_bins_per_octave) - 1.0;
}

int WorkReport::dense_rate_bin(double rate)
{
  if (!(rate > 0.0))
    return 0;
  double const bin = std::floor((std::log2(rate) - dense_rate_min_log2) * dense_rate_bins_per_octave);
  return static_cast<int>(std::clamp(bin, 0.0, static_cast<double>(dense_rate_bins - 1)));
}

double WorkReport::dense_median_rate() const
{
  std::int64_t total = 0;
  for (auto const macs : dense_rate_histogram)
    total += macs;
  if (total == 0)
    return 0.0;
  // From the fastest bin down: the first bin where the multiply-adds seen reach half of the total.
  std::int64_t seen = 0;
  int bin = static_cast<int>(dense_rate_histogram.size()) - 1;
  for (; bin > 0; --bin)
  {
    seen += dense_rate_histogram[bin];
    if (2 * seen >= total)
      break;
  }
  return std::exp2(dense_rate_min_log2 + (bin + 0.5) / dense_rate_bins_per_octave);
}

double WorkReport::imbalance() const
{
  if (busy_seconds.empty())
    return 1.0;
  double sum = 0.0, max = 0.0;
  for (double b : busy_seconds)
  {
    sum += b;
    max = std::max(max, b);
  }
  double const mean = sum / static_cast<double>(busy_seconds.size());
  return mean > 0.0 ? max / mean : 1.0;
}

} // namespace sdnn
