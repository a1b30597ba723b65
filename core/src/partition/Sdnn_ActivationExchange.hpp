#ifndef SDNN_ACTIVATIONEXCHANGE_HPP
#define SDNN_ACTIVATIONEXCHANGE_HPP

// ActivationExchange: each layer's expand step of model-parallel inference. Each rank holds its columns of Y_{l-1}
// (all the group's live rows, in the same order on every rank) and receives, from their owners, the nonzeros of
// the columns its part of W_l reads. Private to the library.

#include <Sdnn_RowBlock.hpp>

#include "../impl/Sdnn_Collectives.hpp"
#include "Sdnn_NetworkShareData.hpp"

#include <Kokkos_Core.hpp>

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// One rank's traffic of one layer (to and from other ranks).
struct LayerTraffic
{
  std::int64_t columns_sent = 0;
  std::int64_t values_sent = 0;
  std::int64_t words_sent = 0;
  std::int64_t words_received = 0;
  std::int64_t messages_sent = 0;
  std::int64_t messages_received = 0;
  std::int64_t work = 0; ///< multiply-adds the layer's inputs cost on this rank's columns
};

/// A nonzero on its way: its column's position in the sender's list for the receiver, and its value.
struct SentEntry
{
  std::int32_t position;
  float value;
};

/// The exchanges of one inference: its buffers are kept from layer to layer (allocated once, at the largest layer,
/// instead of faulted in again every layer).
class ActivationExchange
{
public:
  explicit ActivationExchange(MPI_Comm model) : m_model(model)
  {
    MPI_Type_contiguous(static_cast<int>(sizeof(SentEntry)), MPI_BYTE, &m_entry_type); // one representation per job
    MPI_Type_commit(&m_entry_type);
  }
  ActivationExchange(ActivationExchange const &) = delete;
  ActivationExchange &operator=(ActivationExchange const &) = delete;
  ~ActivationExchange() { MPI_Type_free(&m_entry_type); }

  /// Layer l's inputs on this rank: `y` holds this rank's columns of Y_{l-1} (`rows` rows: the group's live rows,
  /// columns numbered by owned neuron of layer l-1); the result has the same rows (ids 0..rows-1, empty ones kept)
  /// with the columns of layer l's needed inputs, numbered by position (`num_inputs` columns in all). It stays valid
  /// until the next call.
  template <class ExecutionSpace>
  RowBlock const &operator()(ExecutionSpace const &space, ExchangePlan const &plan,
                             std::vector<std::int32_t> const &row_nnz, RowBlock const &y, std::int64_t num_inputs,
                             LayerTraffic &traffic);

private:
  MPI_Comm m_model;
  MPI_Datatype m_entry_type;
  std::vector<std::int32_t> m_send_counts, m_counts_by_dest, m_recv_counts;
  std::vector<std::int64_t> m_send_offset, m_send_cursor, m_source_offset;
  std::vector<SentEntry> m_sent, m_received;
  RowBlock m_inputs;
};

template <class ExecutionSpace>
RowBlock const &ActivationExchange::operator()(ExecutionSpace const &space, ExchangePlan const &plan,
                                               std::vector<std::int32_t> const &row_nnz, RowBlock const &y,
                                               std::int64_t num_inputs, LayerTraffic &traffic)
{
  MPI_Comm const model = m_model;
  using Range = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  int const size = comm_size(model), me = comm_rank(model);
  std::int64_t const rows = y.num_rows();
  auto const *y_ptr = y.row_ptr.data();
  auto const *y_col = y.col_idx.data();
  auto const *y_val = y.values.data();
  auto const *dest_ptr = plan.dest_ptr.data();
  auto const *dest_rank = plan.dest_rank.data();
  auto const *dest_pos = plan.dest_pos.data();

  // Entries per (destination, row), laid out [q][row], then each destination's offsets by row.
  auto &send_counts = m_send_counts;
  send_counts.assign(static_cast<std::size_t>(size) * rows, 0);
  auto *counts = send_counts.data();
  Kokkos::parallel_for("Sdnn::ActivationExchange::count", Range(space, 0, rows),
                       [=](std::int64_t r)
                       {
                         for (auto e = y_ptr[r]; e < y_ptr[r + 1]; ++e)
                           for (auto d = dest_ptr[y_col[e]]; d < dest_ptr[y_col[e] + 1]; ++d)
                             ++counts[dest_rank[d] * rows + r];
                       });
  space.fence();
  auto &send_offset = m_send_offset;
  send_offset.assign(static_cast<std::size_t>(size) * rows + 1, 0);
  std::vector<std::int64_t> send_entries(size, 0), send_rows(size, 0);
  for (int q = 0; q < size; ++q)
  {
    for (std::int64_t r = 0; r < rows; ++r)
      send_offset[q * rows + r + 1] = send_offset[q * rows + r] + counts[q * rows + r];
    send_entries[q] = send_offset[(q + 1) * rows] - send_offset[q * rows];
    send_rows[q] = plan.send_count[q] > 0 ? rows : 0;
  }
  m_sent.resize(send_offset.back());
  auto *sent_data = m_sent.data();
  m_send_cursor.assign(send_offset.begin(), send_offset.end() - 1); // next slot per (q, row)
  auto *cursor = m_send_cursor.data();
  Kokkos::parallel_for("Sdnn::ActivationExchange::pack", Range(space, 0, rows),
                       [=](std::int64_t r)
                       {
                         for (auto e = y_ptr[r]; e < y_ptr[r + 1]; ++e)
                           for (auto d = dest_ptr[y_col[e]]; d < dest_ptr[y_col[e] + 1]; ++d)
                             sent_data[cursor[dest_rank[d] * rows + r]++] = {dest_pos[d], y_val[e]};
                       });
  space.fence();

  // Row counts, then the entries: messages only between ranks whose lists are not empty.
  std::vector<std::int64_t> recv_rows(size, 0);
  for (int q = 0; q < size; ++q)
    recv_rows[q] = plan.recv_ptr[q + 1] > plan.recv_ptr[q] ? rows : 0;
  auto &counts_by_dest = m_counts_by_dest;
  counts_by_dest.clear();
  for (int q = 0; q < size; ++q)
    if (send_rows[q] > 0)
      counts_by_dest.insert(counts_by_dest.end(), send_counts.begin() + q * rows, send_counts.begin() + (q + 1) * rows);
  auto &recv_counts = m_recv_counts;
  alltoallv(model, MPI_INT32_T, counts_by_dest, send_rows, recv_rows, "the row counts of an activation exchange",
            recv_counts);
  std::vector<std::int64_t> recv_entries(size, 0);
  std::vector<std::int64_t> recv_base(size + 1, 0); // where source q's rows start in recv_counts
  for (int q = 0; q < size; ++q)
  {
    recv_base[q + 1] = recv_base[q] + recv_rows[q];
    for (std::int64_t r = 0; r < recv_rows[q]; ++r)
      recv_entries[q] += recv_counts[recv_base[q] + r];
  }
  alltoallv(model, m_entry_type, m_sent, send_entries, recv_entries, "an activation exchange", m_received);

  for (int q = 0; q < size; ++q)
    if (q != me)
    {
      traffic.columns_sent += plan.send_count[q];
      traffic.values_sent += send_entries[q];
      traffic.words_sent += send_rows[q] + 2 * send_entries[q];
      traffic.words_received += recv_rows[q] + 2 * recv_entries[q];
      traffic.messages_sent += send_rows[q] > 0 ? 1 : 0;
      traffic.messages_received += recv_rows[q] > 0 ? 1 : 0;
    }

  // Each input row: this rank's own columns and every source's, merged into ascending positions through a bitmap
  // and a dense row over the inputs in the team's scratch (linear in the row's entries plus num_inputs / 64 words,
  // whatever the number of sources).
  auto &source_offset = m_source_offset; // [q][row] into m_received
  source_offset.resize(static_cast<std::size_t>(size) * rows + 1);
  std::int64_t at = 0;
  for (int q = 0; q < size; ++q)
    for (std::int64_t r = 0; r < rows; ++r)
    {
      source_offset[q * rows + r] = at;
      at += recv_rows[q] > 0 ? recv_counts[recv_base[q] + r] : 0;
    }
  source_offset.back() = at;
  auto &in = m_inputs;
  in.num_cols = num_inputs;
  in.ids.resize(rows);
  in.row_ptr.assign(rows + 1, 0);
  auto const *self = plan.self.data();
  auto *in_ptr = in.row_ptr.data();
  auto *in_ids = in.ids.data();
  auto const *src_offset = source_offset.data();
  auto const *recv_rows_data = recv_rows.data();
  Kokkos::parallel_for("Sdnn::ActivationExchange::lengths", Range(space, 0, rows),
                       [=](std::int64_t r)
                       {
                         std::int64_t length = 0;
                         for (auto e = y_ptr[r]; e < y_ptr[r + 1]; ++e)
                           length += self[y_col[e]] >= 0 ? 1 : 0;
                         for (int q = 0; q < size; ++q)
                           if (recv_rows_data[q] > 0)
                             length += src_offset[q * rows + r + 1] - src_offset[q * rows + r];
                         in_ptr[r + 1] = length;
                         in_ids[r] = r;
                       });
  space.fence();
  for (std::int64_t r = 0; r < rows; ++r)
    in.row_ptr[r + 1] += in.row_ptr[r];
  in.col_idx.resize(in.row_ptr.back());
  in.values.resize(in.row_ptr.back());
  auto *in_col = in.col_idx.data();
  auto *in_val = in.values.data();
  auto const *recv_ptr = plan.recv_ptr.data();
  auto const *recv_pos = plan.recv_pos.data();
  auto const *entries = m_received.data();
  auto const *fanout = row_nnz.data();
  using Team = Kokkos::TeamPolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  using Scratch = typename ExecutionSpace::scratch_memory_space;
  using DenseRow = Kokkos::View<float *, Scratch, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  using RowBits = Kokkos::View<std::uint64_t *, Scratch, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  std::int64_t const words = (num_inputs + 63) / 64;
  auto const team_bytes = DenseRow::shmem_size(num_inputs) + RowBits::shmem_size(words);
  std::int64_t work = 0;
  Kokkos::parallel_reduce(
      "Sdnn::ActivationExchange::assemble", Team(space, rows, 1).set_scratch_size(1, Kokkos::PerTeam(team_bytes)),
      [=](typename Team::member_type const &team, std::int64_t &macs)
      {
        std::int64_t const r = team.league_rank();
        DenseRow dense(team.team_scratch(1), num_inputs);
        RowBits present(team.team_scratch(1), words);
        for (std::int64_t w = 0; w < words; ++w)
          present(w) = 0;
        auto const place = [&](std::int32_t position, float value)
        {
          present(position / 64) |= std::uint64_t(1) << (position % 64);
          dense(position) = value;
          macs += fanout[position];
        };
        for (auto e = y_ptr[r]; e < y_ptr[r + 1]; ++e)
          if (self[y_col[e]] >= 0)
            place(self[y_col[e]], y_val[e]);
        for (int q = 0; q < size; ++q)
          if (recv_rows_data[q] > 0)
            for (auto e = src_offset[q * rows + r]; e < src_offset[q * rows + r + 1]; ++e)
              place(recv_pos[recv_ptr[q] + entries[e].position], entries[e].value);
        auto k = in_ptr[r];
        for (std::int64_t w = 0; w < words; ++w)
          for (auto bits = present(w); bits != 0; bits &= bits - 1)
          {
            auto const position = static_cast<std::int32_t>(64 * w + __builtin_ctzll(bits));
            in_col[k] = position;
            in_val[k++] = dense(position);
          }
      },
      work);
  traffic.work += work;
  return in;
}

} // namespace sdnn::impl

#endif
