#include "Sdnn_TrainingLoop.hpp"

#include "../impl/Sdnn_SplitMix64.hpp"
#include <Sdnn_Error.hpp>

#include <chrono>
#include <cmath>
#include <numeric>

namespace sdnn::impl
{

void check_training_arguments(TrainableNetwork const &network, ClassificationData const &train_data,
                              ClassificationData const *test_data, TrainingOptions const &options)
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
  SplitMix64 rng(seed * 0xbf58476d1ce4e5b9ull + static_cast<std::uint64_t>(epoch) + 1);
  for (std::int64_t i = count - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
  return order;
}

/// Group `group`'s share [first, last) of `count` items dealt to `groups` groups.
std::pair<std::int64_t, std::int64_t> group_share(std::int64_t count, int group, int groups)
{
  return {count * group / groups, count * (group + 1) / groups};
}

} // namespace

template <class ExecutionSpace>
Evaluation evaluate_with(SgdTrainer<ExecutionSpace> &trainer, ClassificationData const &data, TrainingTeam const &team)
{
  auto const [begin, end] = group_share(data.count, team.group, team.groups);
  Evaluation evaluation;
  evaluation.predicted.reserve(static_cast<std::size_t>(end - begin));
  std::vector<std::int64_t> ids(static_cast<std::size_t>(trainer.max_batch()));
  std::vector<double> totals{0.0, 0.0}; // loss, right answers
  for (std::int64_t first = begin; first < end; first += trainer.max_batch())
  {
    int const count = static_cast<int>(std::min<std::int64_t>(trainer.max_batch(), end - first));
    std::iota(ids.begin(), ids.begin() + count, first);
    trainer.load_batch(data, ids.data(), count);
    trainer.forward();
    trainer.softmax_errors();
    for (int s = 0; s < count; ++s)
    {
      evaluation.predicted.push_back(trainer.predicted()[s]);
      totals[1] += trainer.predicted()[s] == trainer.labels()[s] ? 1 : 0;
      totals[0] += trainer.sample_loss()[s];
    }
  }
  team.sum_groups(totals);
  evaluation.accuracy = totals[1] / static_cast<double>(data.count);
  evaluation.loss = totals[0] / static_cast<double>(data.count);
  return evaluation;
}

template <class ExecutionSpace>
std::vector<EpochReport>
run_training(SgdTrainer<ExecutionSpace> &trainer, TrainableNetwork &network, ClassificationData const &train_data,
             ClassificationData const *test_data, TrainingOptions const &options, TrainingState *state,
             std::function<void(EpochReport const &)> const &on_epoch, TrainingTeam const &team)
{
  std::vector<EpochReport> reports;
  for (int e = 0; e < options.epochs; ++e)
  {
    int const epoch = options.first_epoch + e; // 0-based over the whole run
    EpochReport report;
    report.epoch = epoch + 1;
    report.learning_rate = options.learning_rate * std::pow(options.learning_rate_decay, epoch);
    auto const order = epoch_order(train_data.count, options.shuffle, options.seed, epoch);
    auto const start = std::chrono::steady_clock::now();
    std::vector<double> totals{0.0, 0.0}; // loss, right answers
    std::int64_t step = 0;
    for (std::int64_t first = 0; first < train_data.count; first += options.batch_size, ++step)
    {
      auto const count = std::min<std::int64_t>(options.batch_size, train_data.count - first);
      auto const [begin, end] = group_share(count, team.group, team.groups);
      trainer.load_batch(train_data, order.data() + first + begin, static_cast<int>(end - begin));
      std::vector<double> largest(4, 0.0); // activation, error, weight, 1 if the loss is not finite
      largest[0] = trainer.forward();
      trainer.softmax_errors();
      double loss = 0.0;
      for (int s = 0; s < trainer.batch(); ++s)
      {
        loss += trainer.sample_loss()[s];
        totals[1] += trainer.predicted()[s] == trainer.labels()[s] ? 1 : 0;
      }
      totals[0] += loss;
      largest[3] = std::isfinite(loss) ? 0.0 : 1.0;
      largest[1] = trainer.backward();
      largest[2] = trainer.update(report.learning_rate, options.momentum, count);
      team.max_all(largest);
      SDNN_USER_REQUIRE(largest[3] == 0.0, "training diverged in epoch " << report.epoch << ", step " << step + 1
                                                                         << ": the loss is not finite; lower the "
                                                                            "learning rate");
      char const *const what[] = {"activation", "error", "weight"};
      for (int k = 0; k < 3; ++k)
        SDNN_USER_REQUIRE(largest[k] <= trainer.factor_bound(),
                          "training diverged in epoch " << report.epoch << ", step " << step + 1 << ": |" << what[k]
                                                        << "| reached " << largest[k]
                                                        << ", beyond the fixed-point range " << trainer.factor_bound()
                                                        << "; lower the learning rate");
    }
    report.seconds = seconds_since(start);
    team.sum_groups(totals);
    report.samples = train_data.count;
    report.loss = totals[0] / static_cast<double>(train_data.count);
    report.train_accuracy = totals[1] / static_cast<double>(train_data.count);
    trainer.store(network, !trainer.whole());
    TrainingState epoch_state;
    if (state != nullptr)
      epoch_state = trainer.state(network);
    team.gather(network, state != nullptr ? &epoch_state : nullptr);
    if (state != nullptr)
      *state = std::move(epoch_state);
    team.traffic(report);
    if (test_data != nullptr)
    {
      auto const evaluation = evaluate_with(trainer, *test_data, team);
      report.test_accuracy = evaluation.accuracy;
      report.test_loss = evaluation.loss;
      EpochReport evaluation_traffic; // the test's forward exchanges are not the epoch's training traffic
      team.traffic(evaluation_traffic);
    }
    reports.push_back(report);
    if (on_epoch)
      on_epoch(report);
  }
  return reports;
}

#define SDNN_TRAINING_LOOP_INSTANTIATE(SPACE)                                                                          \
  template Evaluation evaluate_with<SPACE>(SgdTrainer<SPACE> &, ClassificationData const &, TrainingTeam const &);     \
  template std::vector<EpochReport> run_training<SPACE>(                                                               \
      SgdTrainer<SPACE> &, TrainableNetwork &, ClassificationData const &, ClassificationData const *,                 \
      TrainingOptions const &, TrainingState *, std::function<void(EpochReport const &)> const &,                      \
      TrainingTeam const &);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_TRAINING_LOOP_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_TRAINING_LOOP_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_TRAINING_LOOP_INSTANTIATE(Kokkos::Threads)
#endif

} // namespace sdnn::impl
