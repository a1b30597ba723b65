#include "Sdnn_TrainingExchange.hpp"
#include "Sdnn_VectorView.hpp"

#include "../impl/Sdnn_Collectives.hpp"
#include <Sdnn_Error.hpp>

#include <algorithm>
#include <numeric>

namespace sdnn::impl
{

template <class ExecutionSpace>
TrainingExchange<ExecutionSpace>::TrainingExchange(ExecutionSpace const &space, MPI_Comm model, MPI_Comm across,
                                                   std::vector<std::vector<std::int32_t>> const &producers,
                                                   std::vector<std::vector<std::int32_t>> const &owned,
                                                   std::vector<std::vector<std::int32_t>> const &needed, int max_batch)
    : m_space(space), m_model(model), m_across(across), m_max_batch(max_batch)
{
  int const size = comm_size(model);
  auto const num_layers = owned.size();
  m_plans.resize(num_layers);
  m_cut.assign(num_layers, 0);
  std::int64_t largest_rows = 0;
  for (std::size_t l = 1; l < num_layers; ++l)
  {
    LayerPlan &lp = m_plans[l];
    lp.plan = exchange_plan(model, producers[l - 1], owned[l - 1], needed[l]);
    ExchangePlan const &plan = lp.plan;
    lp.send_ptr.assign(size + 1, 0);
    std::partial_sum(plan.send_count.begin(), plan.send_count.end(), lp.send_ptr.begin() + 1);
    std::vector<std::int64_t> send_row(lp.send_ptr.back());
    for (std::size_t c = 0; c + 1 < plan.dest_ptr.size(); ++c)
      for (auto d = plan.dest_ptr[c]; d < plan.dest_ptr[c + 1]; ++d)
        send_row[lp.send_ptr[plan.dest_rank[d]] + plan.dest_pos[d]] = static_cast<std::int64_t>(c);
    lp.self = to_view<std::int32_t, memory_space>(plan.self, "Sdnn::TrainingExchange::self");
    lp.send_row = to_view<std::int64_t, memory_space>(send_row, "Sdnn::TrainingExchange::send_row");
    lp.recv_row = to_view<std::int32_t, memory_space>(plan.recv_pos, "Sdnn::TrainingExchange::recv_row");
    largest_rows = std::max({largest_rows, lp.send_ptr.back(), plan.recv_ptr.back()});
    std::int64_t sent = lp.send_ptr.back();
    MPI_Allreduce(MPI_IN_PLACE, &sent, 1, MPI_INT64_T, MPI_SUM, model);
    m_cut[l] = sent;
  }
  auto const values = static_cast<std::size_t>(largest_rows * max_batch);
  m_float_send = Kokkos::View<float *, memory_space>("Sdnn::TrainingExchange::float_send", values);
  m_float_recv = Kokkos::View<float *, memory_space>("Sdnn::TrainingExchange::float_recv", values);
  m_fixed_send = Kokkos::View<Fixed *, memory_space>("Sdnn::TrainingExchange::fixed_send", values);
  m_fixed_recv = Kokkos::View<Fixed *, memory_space>("Sdnn::TrainingExchange::fixed_recv", values);
}

template <class ExecutionSpace>
template <class T>
void TrainingExchange<ExecutionSpace>::exchange(std::vector<std::int64_t> const &send_ptr,
                                                std::vector<std::int64_t> const &recv_ptr, T *send, T *recv, int batch,
                                                MPI_Datatype type)
{
  int const size = comm_size(m_model);
  std::vector<MPI_Request> requests;
  requests.reserve(2 * size);
  for (int q = 0; q < size; ++q)
    if (auto const rows = recv_ptr[q + 1] - recv_ptr[q]; rows > 0)
    {
      requests.emplace_back();
      MPI_Irecv(recv + recv_ptr[q] * batch, as_count(rows * batch, "a training exchange"), type, q, 0, m_model,
                &requests.back());
    }
  for (int q = 0; q < size; ++q)
    if (auto const rows = send_ptr[q + 1] - send_ptr[q]; rows > 0)
    {
      requests.emplace_back();
      MPI_Isend(send + send_ptr[q] * batch, as_count(rows * batch, "a training exchange"), type, q, 0, m_model,
                &requests.back());
      ++m_counters.messages;
    }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

template <class ExecutionSpace>
void TrainingExchange<ExecutionSpace>::expand(int layer, Activations const &owned, Activations const &inputs, int batch)
{
  double const start = MPI_Wtime();
  LayerPlan const &lp = m_plans[layer];
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  auto const self = lp.self;
  Kokkos::parallel_for(
      "Sdnn::TrainingExchange::expand_own", Policy(m_space, 0, self.extent(0)), KOKKOS_LAMBDA(std::int64_t c) {
        if (self(c) >= 0)
          for (int s = 0; s < batch; ++s)
            inputs(self(c), s) = owned(c, s);
      });
  auto const send_row = lp.send_row;
  auto const send = m_float_send;
  Kokkos::parallel_for(
      "Sdnn::TrainingExchange::expand_pack", Policy(m_space, 0, send_row.extent(0)), KOKKOS_LAMBDA(std::int64_t r) {
        for (int s = 0; s < batch; ++s)
          send(r * batch + s) = owned(send_row(r), s);
      });
  m_space.fence();
  exchange(lp.send_ptr, lp.plan.recv_ptr, m_float_send.data(), m_float_recv.data(), batch, MPI_FLOAT);
  auto const recv_row = lp.recv_row;
  auto const recv = m_float_recv;
  Kokkos::parallel_for(
      "Sdnn::TrainingExchange::expand_unpack", Policy(m_space, 0, recv_row.extent(0)), KOKKOS_LAMBDA(std::int64_t r) {
        for (int s = 0; s < batch; ++s)
          inputs(recv_row(r), s) = recv(r * batch + s);
      });
  m_space.fence();
  m_counters.expand_values += lp.send_ptr.back() * batch;
  m_counters.seconds += MPI_Wtime() - start;
}

template <class ExecutionSpace>
void TrainingExchange<ExecutionSpace>::fold(int layer, FixedRows const &partial, FixedRows const &sums, int batch)
{
  double const start = MPI_Wtime();
  LayerPlan const &lp = m_plans[layer];
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  auto const self = lp.self;
  Kokkos::parallel_for(
      "Sdnn::TrainingExchange::fold_own", Policy(m_space, 0, self.extent(0)), KOKKOS_LAMBDA(std::int64_t c) {
        for (int s = 0; s < batch; ++s)
          sums(c, s) = self(c) >= 0 ? partial(self(c), s) : Fixed(0);
      });
  // The transpose of the expand: what came from q goes back to q, summed by its owner.
  auto const recv_row = lp.recv_row;
  auto const send = m_fixed_send;
  Kokkos::parallel_for(
      "Sdnn::TrainingExchange::fold_pack", Policy(m_space, 0, recv_row.extent(0)), KOKKOS_LAMBDA(std::int64_t r) {
        for (int s = 0; s < batch; ++s)
          send(r * batch + s) = partial(recv_row(r), s);
      });
  m_space.fence();
  exchange(lp.plan.recv_ptr, lp.send_ptr, m_fixed_send.data(), m_fixed_recv.data(), batch, MPI_INT64_T);
  auto const send_row = lp.send_row;
  auto const recv = m_fixed_recv;
  // One source at a time: within one, every owned neuron comes at most once (integer sums: any order is exact).
  for (std::size_t q = 0; q + 1 < lp.send_ptr.size(); ++q)
    Kokkos::parallel_for(
        "Sdnn::TrainingExchange::fold_add", Policy(m_space, lp.send_ptr[q], lp.send_ptr[q + 1]),
        KOKKOS_LAMBDA(std::int64_t r) {
          for (int s = 0; s < batch; ++s)
            sums(send_row(r), s) += recv(r * batch + s);
        });
  m_space.fence();
  m_counters.fold_values += lp.plan.recv_ptr.back() * batch;
  m_counters.seconds += MPI_Wtime() - start;
}

template <class ExecutionSpace> void TrainingExchange<ExecutionSpace>::share_logits(Activations const &logits, int)
{
  double const start = MPI_Wtime();
  // Every rank holds its classes and zeros elsewhere: the sum is every class, exactly.
  MPI_Allreduce(MPI_IN_PLACE, logits.data(), as_count(static_cast<std::int64_t>(logits.size()), "the logits"),
                MPI_FLOAT, MPI_SUM, m_model);
  m_counters.seconds += MPI_Wtime() - start;
}

template <class ExecutionSpace> void TrainingExchange<ExecutionSpace>::sum_gradients(FixedVector const &gradients)
{
  if (comm_size(m_across) > 1)
    MPI_Allreduce(MPI_IN_PLACE, gradients.data(),
                  as_count(static_cast<std::int64_t>(gradients.extent(0)), "the gradients"), MPI_INT64_T, MPI_SUM,
                  m_across);
}

#ifdef KOKKOS_ENABLE_SERIAL
template class TrainingExchange<Kokkos::Serial>;
#endif
#ifdef KOKKOS_ENABLE_OPENMP
template class TrainingExchange<Kokkos::OpenMP>;
#endif
#ifdef KOKKOS_ENABLE_THREADS
template class TrainingExchange<Kokkos::Threads>;
#endif

} // namespace sdnn::impl
