#ifndef SDNN_SGDTRAINER_HPP
#define SDNN_SGDTRAINER_HPP

// SgdTrainer: the state and kernels of mini-batch SGD on a TrainableNetwork (forward, softmax cross-entropy,
// backpropagation in fixed point, momentum update), on one Kokkos execution space, for the neurons one rank owns
// (all of them on one rank). What crosses ranks goes through a TrainingCommunication. Private to the library.

#include "../impl/Sdnn_KernelSet.hpp"
#include "Sdnn_FixedPoint.hpp"
#include <Sdnn_Training.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Views of the trainer on the host execution space's memory.
template <class ExecutionSpace> struct TrainingViews
{
  using memory_space = typename ExecutionSpace::memory_space;
  using Activations = Kokkos::View<float **, Kokkos::LayoutRight, memory_space>; ///< neuron × sample
  using FixedRows = Kokkos::View<Fixed **, Kokkos::LayoutRight, memory_space>;   ///< neuron × sample
  using FixedVector = Kokkos::View<Fixed *, memory_space>;
};

/// What a sharded trainer exchanges with the other ranks. Layer indices are 0-based (W_{layer+1}).
template <class ExecutionSpace> class TrainingCommunication
{
public:
  using Activations = typename TrainingViews<ExecutionSpace>::Activations;
  using FixedRows = typename TrainingViews<ExecutionSpace>::FixedRows;
  using FixedVector = typename TrainingViews<ExecutionSpace>::FixedVector;
  virtual ~TrainingCommunication() = default;
  /// Fills `inputs` (the needed inputs of `layer` × batch) from the owners' activations of layer - 1 (`owned`).
  virtual void expand(int layer, Activations const &owned, Activations const &inputs, int batch) = 0;
  /// Sets `sums` (the owned neurons of layer - 1 × batch) to the sum over the ranks of their `partial` rows.
  virtual void fold(int layer, FixedRows const &partial, FixedRows const &sums, int batch) = 0;
  /// `logits` (all classes × batch) holds this rank's classes and zeros: afterwards, every class.
  virtual void share_logits(Activations const &logits, int batch) = 0;
  /// Sums the gradients of the same parameters over the data groups.
  virtual void sum_gradients(FixedVector const &gradients) = 0;
};

template <class ExecutionSpace> class SgdTrainer
{
public:
  using memory_space = typename ExecutionSpace::memory_space;
  using Activations = typename TrainingViews<ExecutionSpace>::Activations;
  using FixedRows = typename TrainingViews<ExecutionSpace>::FixedRows;
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;

  /// One layer's owned columns of W_l (rows renumbered to its needed inputs, ascending global id), biases, the
  /// transposed index (needed input i's nonzeros and their columns), the momentum, the fixed-point gradients and the
  /// batch's inputs, activations and errors.
  struct Layer
  {
    std::vector<std::int32_t> owned;  ///< global ids of the owned neurons (columns)
    std::vector<std::int32_t> needed; ///< global ids of the inputs the owned columns read
    std::int64_t inputs = 0, outputs = 0;
    Kokkos::View<std::int64_t *, memory_space> col_ptr;
    Kokkos::View<std::int32_t *, memory_space> row;
    Kokkos::View<float *, memory_space> weight, bias;
    Kokkos::View<std::int64_t *, memory_space> row_ptr;    ///< input i's nonzeros: [row_ptr(i), row_ptr(i+1))
    Kokkos::View<std::int64_t *, memory_space> row_entry;  ///< their positions in weight
    Kokkos::View<std::int32_t *, memory_space> row_column; ///< their columns
    Kokkos::View<float *, memory_space> weight_velocity, bias_velocity;
    Kokkos::View<Fixed *, memory_space> gradient; ///< weights' (nnz) then biases' (outputs)
    Activations input;                            ///< the needed inputs × batch (Y_{l-1} itself on one rank)
    Activations y;                                ///< Y_l of the owned neurons (the logits on the last layer)
    Activations delta;                            ///< dLoss/dZ_l of the owned neurons, per sample
    FixedRows partial;                            ///< Σ_j W_l(i, j)·delta(j) per needed input i (layers l >= 2)
  };

  /// `owned` (empty: every neuron): per layer, the neurons this rank owns, ascending; `comm` must be given when
  /// they are not all (and for data groups).
  SgdTrainer(ExecutionSpace const &space, TrainableNetwork const &network, int max_batch,
             TrainingState const *state = nullptr, std::vector<std::vector<std::int32_t>> const &owned = {},
             TrainingCommunication<ExecutionSpace> *comm = nullptr);

  /// Where the exchanges with other ranks go from now on (not owned; null: none).
  void set_communication(TrainingCommunication<ExecutionSpace> *comm) { m_comm = comm; }

  int max_batch() const { return m_max_batch; }
  int batch() const { return m_batch; }
  std::vector<Layer> const &layers() const { return m_layers; }
  /// Whether this rank owns every neuron.
  bool whole() const { return m_whole; }

  /// Copies the samples `ids[0..count)` (count may be 0) of `data` into the inputs of W_1 and their labels.
  void load_batch(ClassificationData const &data, std::int64_t const *ids, int count);
  /// Y_1..Y_L of the batch; returns the largest |activation| of the hidden layers.
  double forward();
  /// Softmax cross-entropy of the logits: per-sample loss and prediction (host copies), and delta of the last
  /// layer.
  void softmax_errors();
  /// The fixed-point gradients of every layer (summed over the data groups) and the errors of every hidden layer;
  /// returns the largest |delta|.
  double backward();
  /// One momentum step with the gradients summed over `global_batch` samples; returns the largest |weight|.
  double update(double learning_rate, double momentum, std::int64_t global_batch);
  /// The largest factor of a fixed-point term that keeps every sum within 64 bits.
  double factor_bound() const { return m_factor_bound; }

  std::vector<double> const &sample_loss() const { return m_sample_loss; }
  std::vector<std::int32_t> const &predicted() const { return m_predicted; }
  std::vector<std::int32_t> const &labels() const { return m_labels; }

  /// Writes the owned weights and biases into `network` (the one given to the constructor); the others are kept,
  /// or set to zero when `zero_others`.
  void store(TrainableNetwork &network, bool zero_others = false) const;
  /// The momentum of the owned parameters, in `network`'s shapes (zeros elsewhere).
  TrainingState state(TrainableNetwork const &network) const;
  /// Gradients (mean over the batch) of the last backward(), in the shapes of a whole network (one rank).
  Gradients gradients() const;

private:
  /// The kernels' view of layer l for the current batch.
  TrainingStep training_step(int l) const;

  ExecutionSpace m_space;
  TrainingCommunication<ExecutionSpace> *m_comm;
  KernelSet const *m_kernels; ///< the active instruction set's (the engine's rounding)
  int m_max_batch;
  int m_batch = 0;
  bool m_whole = true;
  float m_clamp = 0.0f;
  double m_factor_bound = 0.0;
  Activations m_logits;                                       ///< every class × batch (the last layer's y on one rank)
  Kokkos::View<std::int32_t *, memory_space> m_owned_classes; ///< global ids of the last layer's owned neurons
  Kokkos::View<std::int32_t *, memory_space> m_label_view;
  Kokkos::View<double *, memory_space> m_loss_view;
  Kokkos::View<std::int32_t *, memory_space> m_predicted_view;
  std::vector<Layer> m_layers;
  std::vector<FixedRows> m_sums; ///< [l]: the folded errors of layer l's owned neurons (l < L - 1)
  std::vector<double> m_sample_loss;
  std::vector<std::int32_t> m_predicted, m_labels;
};

} // namespace sdnn::impl

#endif
