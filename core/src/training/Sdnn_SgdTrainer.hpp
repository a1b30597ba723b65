#ifndef SDNN_SGDTRAINER_HPP
#define SDNN_SGDTRAINER_HPP

// SgdTrainer: the state and kernels of mini-batch SGD on a TrainableNetwork (forward, softmax cross-entropy,
// backpropagation in fixed point, momentum update), on one Kokkos execution space. Private to the library.

#include "Sdnn_FixedPoint.hpp"
#include <Sdnn_Training.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

template <class ExecutionSpace> class SgdTrainer
{
public:
  using memory_space = typename ExecutionSpace::memory_space;
  using Activations = Kokkos::View<float **, Kokkos::LayoutRight, memory_space>; ///< neuron × sample
  using FixedRows = Kokkos::View<Fixed **, Kokkos::LayoutRight, memory_space>;   ///< neuron × sample
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;

  /// One layer's weights and biases, the transposed index of W_l (row i's nonzeros and their columns), the
  /// momentum, the fixed-point gradients and the batch's activations and errors.
  struct Layer
  {
    std::int64_t inputs = 0, outputs = 0;
    Kokkos::View<std::int64_t *, memory_space> col_ptr;
    Kokkos::View<std::int32_t *, memory_space> row;
    Kokkos::View<float *, memory_space> weight, bias;
    Kokkos::View<std::int64_t *, memory_space> row_ptr;    ///< row i's nonzeros: [row_ptr(i), row_ptr(i+1))
    Kokkos::View<std::int64_t *, memory_space> row_entry;  ///< their positions in weight
    Kokkos::View<std::int32_t *, memory_space> row_column; ///< their columns
    Kokkos::View<float *, memory_space> weight_velocity, bias_velocity;
    Kokkos::View<Fixed *, memory_space> weight_gradient, bias_gradient;
    Activations y;     ///< Y_l (the logits on the last layer)
    Activations delta; ///< dLoss/dZ_l, per sample
    FixedRows partial; ///< Σ_j W_l(i, j)·delta(j) per input i (layers l >= 2)
  };

  SgdTrainer(ExecutionSpace const &space, TrainableNetwork const &network, int max_batch,
             TrainingState const *state = nullptr);

  int max_batch() const { return m_max_batch; }
  int batch() const { return m_batch; }
  std::vector<Layer> const &layers() const { return m_layers; }

  /// Copies the samples `ids[0..count)` of `data` into Y_0 and their labels.
  void load_batch(ClassificationData const &data, std::int64_t const *ids, int count);
  /// Y_1..Y_L of the batch; returns the largest |activation| of the hidden layers.
  double forward();
  /// Softmax cross-entropy of the logits: per-sample loss and prediction (host copies), and delta of the last
  /// layer.
  void softmax_errors();
  /// The fixed-point gradients of every layer and the errors of every hidden layer; returns the largest |delta|.
  double backward();
  /// One momentum step with the gradients summed over `global_batch` samples; returns the largest |weight|.
  double update(double learning_rate, double momentum, std::int64_t global_batch);
  /// The largest factor of a fixed-point term that keeps every sum within 64 bits.
  double factor_bound() const { return m_factor_bound; }

  std::vector<double> const &sample_loss() const { return m_sample_loss; }
  std::vector<std::int32_t> const &predicted() const { return m_predicted; }
  std::vector<std::int32_t> const &labels() const { return m_labels; }

  /// Writes the weights and biases into `network` (same shapes as given to the constructor).
  void store(TrainableNetwork &network) const;
  /// The momentum of every parameter.
  TrainingState state() const;
  /// Gradients (mean over the batch) of the last backward().
  Gradients gradients() const;

private:
  /// Y_{l-1}: the batch's features for l = 1.
  Activations const &input_of(int l) const { return l == 0 ? m_features : m_layers[l - 1].y; }

  ExecutionSpace m_space;
  int m_max_batch;
  int m_batch = 0;
  float m_clamp = 0.0f;
  double m_factor_bound = 0.0;
  Activations m_features;
  Kokkos::View<std::int32_t *, memory_space> m_label_view;
  Kokkos::View<double *, memory_space> m_loss_view;
  Kokkos::View<std::int32_t *, memory_space> m_predicted_view;
  std::vector<Layer> m_layers;
  std::vector<double> m_sample_loss;
  std::vector<std::int32_t> m_predicted, m_labels;
};

} // namespace sdnn::impl

#endif
