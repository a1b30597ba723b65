#ifndef SDNN_TRAININGEXCHANGE_HPP
#define SDNN_TRAININGEXCHANGE_HPP

// TrainingExchange: the communication of distributed training on a partitioned network (ICS 2021). Forward, each
// layer's expand sends the owned activations of layer l-1 (one row of batch values per neuron) to the ranks whose
// columns of W_l read them; backward, the fold sends the transposed way the fixed-point partial sums
// Σ_j W_l(i, j)·delta_l(j) of the same pairs to the owner of i, which adds them. Data groups sum their gradients with
// one Allreduce of integers. Private to the library.

#include "../partition/Sdnn_ExchangePlan.hpp"
#include "Sdnn_SgdTrainer.hpp"

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

template <class ExecutionSpace> class TrainingExchange : public TrainingCommunication<ExecutionSpace>
{
public:
  using Base = TrainingCommunication<ExecutionSpace>;
  using typename Base::Activations;
  using typename Base::FixedRows;
  using typename Base::FixedVector;
  using memory_space = typename ExecutionSpace::memory_space;

  /// Collective over `model` (the M ranks of a data group): the plans of every layer's exchange, from the owners
  /// of every neuron (`producers[l]`, l = 0..L-1 for the neurons of W_{l+1}), this rank's owned neurons and the
  /// inputs its columns read (`owned[l]`, `needed[l]`). `across` joins the ranks of the same model rank in every
  /// data group.
  TrainingExchange(ExecutionSpace const &space, MPI_Comm model, MPI_Comm across,
                   std::vector<std::vector<std::int32_t>> const &producers,
                   std::vector<std::vector<std::int32_t>> const &owned,
                   std::vector<std::vector<std::int32_t>> const &needed, int max_batch);

  void expand(int layer, Activations const &owned, Activations const &inputs, int batch) override;
  void fold(int layer, FixedRows const &partial, FixedRows const &sums, int batch) override;
  void share_logits(Activations const &logits, int batch) override;
  void sum_gradients(FixedVector const &gradients) override;

  /// The forward cut of layer `layer` (columns of Y_{layer-1} the group's ranks send per sample; 0 for layer 0).
  std::int64_t cut(int layer) const { return m_cut[layer]; }

  /// What this rank sent and how long it spent, since the last reset.
  struct Counters
  {
    std::int64_t expand_values = 0, fold_values = 0, messages = 0;
    double seconds = 0.0;
  };
  Counters const &counters() const { return m_counters; }
  void reset_counters() { m_counters = Counters{}; }

private:
  /// Device copies of one layer's plan.
  struct LayerPlan
  {
    ExchangePlan plan;
    Kokkos::View<std::int32_t *, memory_space> self;     ///< per owned neuron of layer l-1: input position or -1
    Kokkos::View<std::int64_t *, memory_space> send_row; ///< per row sent (by destination): owned neuron
    Kokkos::View<std::int32_t *, memory_space> recv_row; ///< per row received (by source): input position
    std::vector<std::int64_t> send_ptr;                  ///< [M + 1]: rows sent to q
  };
  template <class T>
  void exchange(std::vector<std::int64_t> const &send_ptr, std::vector<std::int64_t> const &recv_ptr, T *send, T *recv,
                int batch, MPI_Datatype type);

  ExecutionSpace m_space;
  MPI_Comm m_model, m_across;
  int m_max_batch;
  std::vector<LayerPlan> m_plans; ///< [l], l >= 1
  std::vector<std::int64_t> m_cut;
  Kokkos::View<float *, memory_space> m_float_send, m_float_recv;
  Kokkos::View<Fixed *, memory_space> m_fixed_send, m_fixed_recv;
  Counters m_counters;
};

} // namespace sdnn::impl

#endif
