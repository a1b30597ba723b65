#include "Sdnn_TrainingLoop.hpp"
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

template <class ExecutionSpace>
std::vector<EpochReport> train(ExecutionSpace const &space, TrainableNetwork &network,
                               ClassificationData const &train_data, ClassificationData const *test_data,
                               TrainingOptions const &options, TrainingState *state,
                               std::function<void(EpochReport const &)> const &on_epoch)
{
  impl::check_training_arguments(network, train_data, test_data, options);
  impl::SgdTrainer<ExecutionSpace> trainer(space, network, options.batch_size, state);
  return impl::run_training(trainer, network, train_data, test_data, options, state, on_epoch, impl::TrainingTeam{});
}

template <class ExecutionSpace>
Evaluation evaluate(ExecutionSpace const &space, TrainableNetwork const &network, ClassificationData const &data)
{
  check_data_fits(data, network, "data");
  impl::SgdTrainer<ExecutionSpace> trainer(space, network, static_cast<int>(std::min<std::int64_t>(256, data.count)));
  return impl::evaluate_with(trainer, data, impl::TrainingTeam{});
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
