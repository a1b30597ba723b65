#include <Sdnn_Distributed.hpp>

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <vector>

namespace sdnn
{

namespace
{

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

} // namespace sdnn
