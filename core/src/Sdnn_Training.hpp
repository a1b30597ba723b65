#ifndef SDNN_TRAINING_HPP
#define SDNN_TRAINING_HPP

/// \file Sdnn_Training.hpp
/// Mini-batch SGD with momentum on a sparse network (ICS 2021, Demirci & Ferhatosmanoglu): the forward pass and
/// the backpropagation are sparse products over the fixed nonzeros of every W_l, on a Kokkos host execution
/// space. Every sum whose order could depend on the threads, the ranks or the partition (the gradients over a
/// batch, the backpropagated errors over a neuron's outputs) is accumulated in 64-bit fixed point (2^-32), so the
/// trained weights are bit for bit the same whatever runs them.

#include <Sdnn_TrainableNetwork.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sdnn
{

/// Labelled samples: `count` rows of `num_features` features (row-major) and a class in [0, num_classes) each.
struct ClassificationData
{
  std::int64_t count = 0;           ///< number of samples
  std::int64_t num_features = 0;    ///< features per sample
  int num_classes = 0;              ///< classes
  std::vector<float> features;      ///< count × num_features values
  std::vector<std::int32_t> labels; ///< count classes
};

/// Checks that `data` fits `network` (features, classes, labels in range, finite features).
/// \throws sdnn::InputError starting with `what` (e.g. the file names) on the first mismatch
void check_data_fits(ClassificationData const &data, TrainableNetwork const &network, std::string const &what);

/// Tunables of train().
struct TrainingOptions
{
  int epochs = 10;                  ///< passes over the training samples
  int batch_size = 32;              ///< samples per step (1: the sparse matrix-vector case)
  double learning_rate = 0.05;      ///< step size of the first epoch
  double learning_rate_decay = 1.0; ///< the step size is multiplied by this after every epoch
  double momentum = 0.9;            ///< heavy-ball momentum (0: plain SGD)
  std::uint64_t seed = 1;           ///< seed of the shuffles (epoch e shuffles with seed and e)
  bool shuffle = true;              ///< visit the samples in a new random order each epoch (false: in order)
  int first_epoch = 0;              ///< epochs already done (a resumed run: shuffles and step sizes continue)
};

/// What one epoch did.
struct EpochReport
{
  int epoch = 0;               ///< 1-based
  double learning_rate = 0.0;  ///< step size used in this epoch
  double loss = 0.0;           ///< mean cross-entropy over the epoch's samples (before each step)
  double train_accuracy = 0.0; ///< fraction of the epoch's samples classified right (before each step)
  double test_accuracy = -1.0; ///< fraction of the test samples classified right after the epoch (-1: no test)
  double test_loss = -1.0;     ///< mean cross-entropy on the test samples (-1: no test)
  double seconds = 0.0;        ///< time of the epoch's steps (evaluation excluded)
  std::int64_t samples = 0;    ///< samples trained on
  /// Distributed training (zero on one rank), summed over the ranks: activations sent by the forward exchanges
  /// (expand), fixed-point error sums sent by the backward exchanges (fold), and what the partition predicts for
  /// each: Σ over layers l >= 2 of the forward cut (columns of Y_{l-1} sent per sample) times the samples.
  std::int64_t expand_values = 0;
  std::int64_t fold_values = 0;      ///< see expand_values
  std::int64_t predicted_values = 0; ///< see expand_values
  std::int64_t messages = 0;         ///< point-to-point messages of the expands and folds
  double exchange_seconds = 0.0;     ///< the slowest rank's time in the expands, folds and logit sharing
  /// Samples trained on per second of steps.
  double samples_per_second() const { return seconds > 0 ? static_cast<double>(samples) / seconds : 0.0; }
};

/// The momentum of every parameter: what an interrupted run needs besides the weights to continue exactly.
struct TrainingState
{
  std::vector<std::vector<float>> weight_velocity; ///< per layer, one per nonzero of W_l (CSC order)
  std::vector<std::vector<float>> bias_velocity;   ///< per layer, one per neuron
};

/// Trains `network` in place for options.epochs epochs on `train_data`, evaluating on `test_data` (when not null)
/// after each epoch and calling `on_epoch` with the epoch's report. `state` (when not null) gives the initial
/// momentum (empty: zero); after every epoch, before `on_epoch`, it holds the momentum and `network` the weights
/// reached (so that `on_epoch` can save a checkpoint).
/// \throws sdnn::InputError if the data does not fit the network or the training diverges (a non-finite loss or
///         an activation beyond the fixed-point range: lower the learning rate)
template <class ExecutionSpace>
std::vector<EpochReport> train(ExecutionSpace const &space, TrainableNetwork &network,
                               ClassificationData const &train_data, ClassificationData const *test_data,
                               TrainingOptions const &options, TrainingState *state = nullptr,
                               std::function<void(EpochReport const &)> const &on_epoch = {});

/// Predictions of a network on labelled samples.
struct Evaluation
{
  std::vector<std::int32_t> predicted; ///< argmax of the logits per sample (the lowest class on ties)
  double accuracy = 0.0;               ///< fraction of samples whose prediction is their label
  double loss = 0.0;                   ///< mean cross-entropy
};

/// Runs `network` forward on every sample of `data`.
template <class ExecutionSpace>
Evaluation evaluate(ExecutionSpace const &space, TrainableNetwork const &network, ClassificationData const &data);

/// The mean cross-entropy of `network` on all samples of `data` and its gradient (one batch), in double: what
/// one step of train() descends along. The tests compare it with finite differences.
struct Gradients
{
  double loss = 0.0;                        ///< mean cross-entropy
  std::vector<std::vector<double>> weights; ///< per layer, one per nonzero of W_l (CSC order)
  std::vector<std::vector<double>> biases;  ///< per layer, one per neuron
};

/// See Gradients.
template <class ExecutionSpace>
Gradients loss_and_gradients(ExecutionSpace const &space, TrainableNetwork const &network,
                             ClassificationData const &data);

#define SDNN_TRAINING_EXTERN(SPACE)                                                                                    \
  extern template std::vector<EpochReport> train<SPACE>(                                                               \
      SPACE const &, TrainableNetwork &, ClassificationData const &, ClassificationData const *,                       \
      TrainingOptions const &, TrainingState *, std::function<void(EpochReport const &)> const &);                     \
  extern template Evaluation evaluate<SPACE>(SPACE const &, TrainableNetwork const &, ClassificationData const &);     \
  extern template Gradients loss_and_gradients<SPACE>(SPACE const &, TrainableNetwork const &,                         \
                                                      ClassificationData const &);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_TRAINING_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_TRAINING_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_TRAINING_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_TRAINING_EXTERN

} // namespace sdnn

#endif
