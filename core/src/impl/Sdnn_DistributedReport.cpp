#include "Sdnn_DistributedReport.hpp"

#include <Sdnn_Error.hpp>

#include <algorithm>
#include <numeric>
#include <string>
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

// A RankReport travels as doubles in one Allgatherv, field by field through the reports' field lists: a number as
// itself, a vector as its length then its entries, a nested report as its fields. Text is not sent: the name of
// the mode is the same on every rank, and every rank keeps its own.
void pack_field(std::vector<double> &, std::string const &) {}

template <class T> void pack_field(std::vector<double> &out, std::vector<T> const &values)
{
  out.push_back(static_cast<double>(values.size()));
  for (auto const value : values)
    out.push_back(static_cast<double>(value));
}

template <class T> void pack_field(std::vector<double> &out, T const &value)
{
  if constexpr (std::is_arithmetic_v<T>)
    out.push_back(static_cast<double>(value));
  else
    T::for_each_field([&](char const *, auto member, auto...) { pack_field(out, value.*member); });
}

/// Reads from `at` on what pack_field wrote, moving `at` past it.
void unpack_field(double const *&, std::string &) {}

template <class T> void unpack_field(double const *&at, std::vector<T> &values)
{
  values.resize(static_cast<std::size_t>(*at++));
  for (auto &value : values)
    value = static_cast<T>(*at++);
}

template <class T> void unpack_field(double const *&at, T &value)
{
  if constexpr (std::is_arithmetic_v<T>)
    value = static_cast<T>(*at++);
  else
    T::for_each_field([&](char const *, auto member, auto...) { unpack_field(at, value.*member); });
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

std::vector<RankReport> allgather_reports(MPI_Comm comm, RankReport const &mine)
{
  int size = 0;
  MPI_Comm_size(comm, &size);
  std::vector<double> packed;
  pack_field(packed, mine);
  int const count = static_cast<int>(packed.size());
  std::vector<int> counts(size), displs(size);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
  std::vector<double> all(displs.back() + counts.back());
  MPI_Allgatherv(packed.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, comm);
  std::vector<RankReport> out(size, mine); // text fields are not sent: they stay this rank's
  for (int p = 0; p < size; ++p)
  {
    double const *at = all.data() + displs[p];
    unpack_field(at, out[p]);
    SDNN_REQUIRE(at == all.data() + displs[p] + counts[p], "rank " << p << " sent a report of another layout");
  }
  return out;
}

} // namespace impl

} // namespace sdnn
