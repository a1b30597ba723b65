#include "../impl/Sdnn_SplitMix64.hpp"
#include "Sdnn_SgdTrainer.hpp"
#include <Sdnn_Error.hpp>
#include <Sdnn_Training.hpp>

#include <chrono>
#include <cmath>
#include <numeric>

namespace sdnn
{

void check_data_fits(ClassificationData const &data, TrainableNetwork const &network, std::string const &what)
{
  SDNN_USER_REQUIRE(data.count >= 1, what << ": no samples");
  SDNN_USER_REQUIRE(data.num_features == network.num_features(), what << ": " << data.num_features
                                                                      << " features per sample, but the network reads "
                                                                      << network.num_features());
  SDNN_USER_REQUIRE(data.num_classes == network.num_classes(), what << ": " << data.num_classes
                                                                    << " classes, but the network has "
                                                                    << network.num_classes() << " outputs");
  SDNN_USER_REQUIRE(static_cast<std::int64_t>(data.labels.size()) == data.count,
                    what << ": " << data.labels.size() << " labels for " << data.count << " samples");
  SDNN_USER_REQUIRE(static_cast<std::int64_t>(data.features.size()) == data.count * data.num_features,
                    what << ": " << data.features.size() << " feature values for " << data.count << " samples of "
                         << data.num_features);
  for (std::int64_t s = 0; s < data.count; ++s)
    SDNN_USER_REQUIRE(data.labels[s] >= 0 && data.labels[s] < data.num_classes,
                      what << ": sample " << s + 1 << " has label " << data.labels[s] << ", outside 0.."
                           << data.num_classes - 1);
  for (float v : data.features)
    SDNN_USER_REQUIRE(std::isfinite(v) && std::fabs(v) <= 256.0f,
                      what << ": a feature value " << v << " is not finite or beyond +-256 (scale the features)");
}

namespace
{

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The samples in the order epoch `epoch` (0-based, over the whole run) visits them: a Fisher-Yates shuffle, or
/// the samples' order when not `shuffle`.
std::vector<std::int64_t> epoch_order(std::int64_t count, bool shuffle, std::uint64_t seed, int epoch)
{
  std::vector<std::int64_t> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle)
    return order;
  impl::SplitMix64 rng(seed * 0xbf58476d1ce4e5b9ull + static_cast<std::uint64_t>(epoch) + 1);
  for (std::int64_t i = count - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
  return order;
}

/// Runs the forward pass over all samples of `data` in batches of the trainer's size.
template <class ExecutionSpace>
Evaluation evaluate_with(impl::SgdTrainer<ExecutionSpace> &trainer, ClassificationData const &data)
{
  Evaluation evaluation;
  evaluation.predicted.reserve(static_cast<std::size_t>(data.count));
  std::vector<std::int64_t> ids(static_cast<std::size_t>(trainer.max_batch()));
  std::int64_t correct = 0;
  double loss = 0.0;
  for (std::int64_t first = 0; first < data.count; first += trainer.max_batch())
  {
    int const count = static_cast<int>(std::min<std::int64_t>(trainer.max_batch(), data.count - first));
    std::iota(ids.begin(), ids.begin() + count, first);
    trainer.load_batch(data, ids.data(), count);
    trainer.forward();
    trainer.softmax_errors();
    for (int s = 0; s < count; ++s)
    {
      evaluation.predicted.push_back(trainer.predicted()[s]);
      correct += trainer.predicted()[s] == trainer.labels()[s] ? 1 : 0;
      loss += trainer.sample_loss()[s];
    }
  }
  evaluation.accuracy = static_cast<double>(correct) / static_cast<double>(data.count);
  evaluation.loss = loss / static_cast<double>(data.count);
  return evaluation;
}

/// Stops the training with a one-line explanation when a step left the range the fixed-point sums can hold.
void check_not_diverged(double largest, double bound, char const *what, int epoch, std::int64_t step)
{
  SDNN_USER_REQUIRE(largest <= bound, "training diverged in epoch "
                                          << epoch << ", step " << step << ": |" << what << "| reached " << largest
                                          << ", beyond the fixed-point range " << bound << "; lower the learning rate");
}

} // namespace

template <class ExecutionSpace>
std::vector<EpochReport> train(ExecutionSpace const &space, TrainableNetwork &network,
                               ClassificationData const &train_data, ClassificationData const *test_data,
                               TrainingOptions const &options, TrainingState *state,
                               std::function<void(EpochReport const &)> const &on_epoch)
{
  check_network_shapes(network);
  check_data_fits(train_data, network, "training data");
  if (test_data != nullptr)
    check_data_fits(*test_data, network, "test data");
  SDNN_USER_REQUIRE(options.batch_size >= 1 && options.batch_size <= 4096,
                    "the batch size " << options.batch_size << " must be between 1 and 4096");
  SDNN_USER_REQUIRE(options.epochs >= 0, "the number of epochs " << options.epochs << " must be >= 0");
  SDNN_USER_REQUIRE(std::isfinite(options.learning_rate) && options.learning_rate > 0,
                    "the learning rate " << options.learning_rate << " must be positive");
  SDNN_USER_REQUIRE(options.momentum >= 0 && options.momentum < 1,
                    "the momentum " << options.momentum << " must be in [0, 1)");
  SDNN_USER_REQUIRE(std::isfinite(options.learning_rate_decay) && options.learning_rate_decay > 0,
                    "the learning-rate decay " << options.learning_rate_decay << " must be positive");

  impl::SgdTrainer<ExecutionSpace> trainer(space, network, options.batch_size, state);
  std::vector<EpochReport> reports;
  for (int e = 0; e < options.epochs; ++e)
  {
    int const epoch = options.first_epoch + e; // 0-based over the whole run
    EpochReport report;
    report.epoch = epoch + 1;
    report.learning_rate = options.learning_rate * std::pow(options.learning_rate_decay, epoch);
    auto const order = epoch_order(train_data.count, options.shuffle, options.seed, epoch);
    auto const start = std::chrono::steady_clock::now();
    double loss = 0.0;
    std::int64_t correct = 0, step = 0;
    for (std::int64_t first = 0; first < train_data.count; first += options.batch_size, ++step)
    {
      int const count = static_cast<int>(std::min<std::int64_t>(options.batch_size, train_data.count - first));
      trainer.load_batch(train_data, order.data() + first, count);
      check_not_diverged(trainer.forward(), trainer.factor_bound(), "activation", report.epoch, step + 1);
      trainer.softmax_errors();
      for (int s = 0; s < count; ++s)
      {
        loss += trainer.sample_loss()[s];
        correct += trainer.predicted()[s] == trainer.labels()[s] ? 1 : 0;
      }
      SDNN_USER_REQUIRE(std::isfinite(loss), "training diverged in epoch " << report.epoch << ", step " << step + 1
                                                                           << ": the loss is not finite; lower "
                                                                              "the learning rate");
      check_not_diverged(trainer.backward(), trainer.factor_bound(), "error", report.epoch, step + 1);
      check_not_diverged(trainer.update(report.learning_rate, options.momentum, count), trainer.factor_bound(),
                         "weight", report.epoch, step + 1);
    }
    report.seconds = seconds_since(start);
    report.samples = train_data.count;
    report.loss = loss / static_cast<double>(train_data.count);
    report.train_accuracy = static_cast<double>(correct) / static_cast<double>(train_data.count);
    trainer.store(network);
    if (test_data != nullptr)
    {
      auto const evaluation = evaluate_with(trainer, *test_data);
      report.test_accuracy = evaluation.accuracy;
      report.test_loss = evaluation.loss;
    }
    reports.push_back(report);
    if (on_epoch)
      on_epoch(report);
  }
  if (state != nullptr)
    *state = trainer.state();
  return reports;
}

template <class ExecutionSpace>
Evaluation evaluate(ExecutionSpace const &space, TrainableNetwork const &network, ClassificationData const &data)
{
  check_data_fits(data, network, "data");
  impl::SgdTrainer<ExecutionSpace> trainer(space, network, static_cast<int>(std::min<std::int64_t>(256, data.count)));
  return evaluate_with(trainer, data);
}

template <class ExecutionSpace>
Gradients loss_and_gradients(ExecutionSpace const &space, TrainableNetwork const &network,
                             ClassificationData const &data)
{
  check_data_fits(data, network, "data");
  SDNN_USER_REQUIRE(data.count <= 4096, "loss_and_gradients takes at most 4096 samples, not " << data.count);
  int const count = static_cast<int>(data.count);
  impl::SgdTrainer<ExecutionSpace> trainer(space, network, count);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(count));
  std::iota(ids.begin(), ids.end(), 0);
  trainer.load_batch(data, ids.data(), count);
  trainer.forward();
  trainer.softmax_errors();
  trainer.backward();
  return trainer.gradients();
}

#define SDNN_TRAINING_INSTANTIATE(SPACE)                                                                               \
  template std::vector<EpochReport> train<SPACE>(SPACE const &, TrainableNetwork &, ClassificationData const &,        \
                                                 ClassificationData const *, TrainingOptions const &, TrainingState *, \
                                                 std::function<void(EpochReport const &)> const &);                    \
  template Evaluation evaluate<SPACE>(SPACE const &, TrainableNetwork const &, ClassificationData const &);            \
  template Gradients loss_and_gradients<SPACE>(SPACE const &, TrainableNetwork const &, ClassificationData const &);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_TRAINING_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_TRAINING_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_TRAINING_INSTANTIATE(Kokkos::Threads)
#endif

} // namespace sdnn
