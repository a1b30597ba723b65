#include "Sdnn_DistributedReport.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <type_traits>
#include <vector>

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

template <class Value, class Member> double max_over_mean(std::vector<Value> const &items, Member member)
{
  double max = 0.0, sum = 0.0;
  for (auto const &item : items)
  {
    double const value = static_cast<double>(item.*member);
    max = std::max(max, value);
    sum += value;
  }
  return sum > 0.0 ? max * static_cast<double>(items.size()) / sum : 1.0;
}

double max_of(std::vector<RankReport> const &ranks, double (*field)(RankReport const &))
{
  double max = 0.0;
  for (auto const &r : ranks)
    max = std::max(max, field(r));
  return max;
}

std::int64_t sum_of(std::vector<RankReport> const &ranks, std::int64_t (*field)(RankReport const &))
{
  std::int64_t sum = 0;
  for (auto const &r : ranks)
    sum += field(r);
  return sum;
}

} // namespace

ExchangeStats &ExchangeStats::operator+=(ExchangeStats const &other)
{
  for_each_field([&](char const *, auto member) { this->*member += other.*member; });
  return *this;
}

double DistributedReport::seconds() const
{
  return max_of(ranks, [](RankReport const &r) { return r.seconds; });
}

double DistributedReport::imbalance() const
{
  return max_over_mean(ranks, &RankReport::compute_seconds);
}

double DistributedReport::work_imbalance() const
{
  return max_over_mean(ranks, &RankReport::row_layers);
}

std::int64_t DistributedReport::rows_moved() const
{
  return sum_of(ranks, [](RankReport const &r) { return r.exchange.rows_sent; });
}

std::int64_t DistributedReport::bytes_moved() const
{
  return sum_of(ranks, [](RankReport const &r) { return r.exchange.bytes_sent; });
}

double DistributedReport::max_comm_seconds() const
{
  return max_of(ranks, [](RankReport const &r) { return r.comm_seconds; });
}

namespace impl
{

void accumulate(WorkReport &into, WorkReport const &segment)
{
  WorkReport::for_each_field([&](char const *, auto member, WorkReport::Merge merge)
                             { merge_field(into.*member, segment.*member, merge); });
}

} // namespace impl

} // namespace sdnn
