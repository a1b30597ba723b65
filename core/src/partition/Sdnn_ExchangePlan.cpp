#include "Sdnn_ExchangePlan.hpp"

#include <Sdnn_Error.hpp>

#include "../impl/Sdnn_Collectives.hpp"

#include <numeric>

namespace sdnn
{

ExchangePlan exchange_plan(MPI_Comm model, std::vector<std::int32_t> const &producer,
                           std::vector<std::int32_t> const &owned_before, std::vector<std::int32_t> const &needed)
{
  int const size = impl::comm_size(model), me = impl::comm_rank(model);
  auto const n = static_cast<std::int64_t>(producer.size());
  ExchangePlan plan;
  auto const local_before = positions(owned_before, n);
  // Inputs this rank produces itself are read in place; the others are requested from their producers.
  plan.self.assign(owned_before.size(), -1);
  std::vector<std::int64_t> request_count(size, 0);
  for (std::size_t k = 0; k < needed.size(); ++k)
  {
    auto const i = needed[k];
    if (producer[i] == me)
      plan.self[local_before[i]] = static_cast<std::int32_t>(k);
    else
      ++request_count[producer[i]];
  }
  plan.recv_ptr.assign(size + 1, 0);
  std::partial_sum(request_count.begin(), request_count.end(), plan.recv_ptr.begin() + 1);
  plan.recv_pos.resize(plan.recv_ptr.back());
  std::vector<std::int32_t> request(plan.recv_ptr.back()); // global ids, by producer, ascending within one
  std::vector<std::int64_t> cursor(plan.recv_ptr.begin(), plan.recv_ptr.end() - 1);
  for (std::size_t k = 0; k < needed.size(); ++k)
  {
    int const q = producer[needed[k]];
    if (q != me)
    {
      request[cursor[q]] = needed[k];
      plan.recv_pos[cursor[q]++] = static_cast<std::int32_t>(k);
    }
  }
  plan.send_count.assign(size, 0);
  MPI_Alltoall(request_count.data(), 1, MPI_INT64_T, plan.send_count.data(), 1, MPI_INT64_T, model);
  auto const wanted = impl::alltoallv(model, MPI_INT32_T, request, request_count, plan.send_count,
                                      "the activation columns a layer reads");
  // Per owned column, where it goes: counted, then filled in (destination, position) order.
  plan.dest_ptr.assign(owned_before.size() + 1, 0);
  for (auto const i : wanted)
  {
    SDNN_REQUIRE(local_before[i] >= 0, "a rank asked for neuron " << i << ", which this rank does not own");
    ++plan.dest_ptr[local_before[i] + 1];
  }
  std::partial_sum(plan.dest_ptr.begin(), plan.dest_ptr.end(), plan.dest_ptr.begin());
  plan.dest_rank.resize(wanted.size());
  plan.dest_pos.resize(wanted.size());
  std::vector<std::int64_t> next(plan.dest_ptr.begin(), plan.dest_ptr.end() - 1);
  std::size_t k = 0;
  for (int q = 0; q < size; ++q)
    for (std::int64_t pos = 0; pos < plan.send_count[q]; ++pos, ++k)
    {
      auto const c = local_before[wanted[k]];
      plan.dest_rank[next[c]] = q;
      plan.dest_pos[next[c]++] = static_cast<std::int32_t>(pos);
    }
  return plan;
}

} // namespace sdnn
