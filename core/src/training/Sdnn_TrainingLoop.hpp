#ifndef SDNN_TRAININGLOOP_HPP
#define SDNN_TRAININGLOOP_HPP

// run_training: the epochs of SGD (shuffles, batches, divergence checks, evaluation, reports) for one rank or for
// the ranks of a distributed run, whose collectives a TrainingTeam supplies. Private to the library.

#include "Sdnn_SgdTrainer.hpp"

#include <functional>
#include <vector>

namespace sdnn::impl
{

/// The ranks a run is spread over, as the training loop sees them (one rank: the defaults).
struct TrainingTeam
{
  int group = 0;  ///< this rank's data group
  int groups = 1; ///< data groups: a batch's samples are split among them
  /// Elementwise maximum over every rank (the divergence checks agree, so every rank stops together).
  std::function<void(std::vector<double> &)> max_all = [](std::vector<double> &) {};
  /// Elementwise sum over the data groups (every rank of a group passes the same values).
  std::function<void(std::vector<double> &)> sum_groups = [](std::vector<double> &) {};
  /// After the trainer stored its owned parameters (zeros elsewhere) in the network and the state: every rank's.
  std::function<void(TrainableNetwork &, TrainingState *)> gather = [](TrainableNetwork &, TrainingState *) {};
  /// Fills the traffic figures of an epoch's report (and starts counting the next epoch).
  std::function<void(EpochReport &)> traffic = [](EpochReport &) {};
};

/// The checks of train()'s arguments.
void check_training_arguments(TrainableNetwork const &network, ClassificationData const &train_data,
                              ClassificationData const *test_data, TrainingOptions const &options);

/// options.epochs epochs of `trainer` (made from `network`) on `train_data`; `network` (and `state`) receive the
/// trained parameters after every epoch, before `on_epoch`.
template <class ExecutionSpace>
std::vector<EpochReport>
run_training(SgdTrainer<ExecutionSpace> &trainer, TrainableNetwork &network, ClassificationData const &train_data,
             ClassificationData const *test_data, TrainingOptions const &options, TrainingState *state,
             std::function<void(EpochReport const &)> const &on_epoch, TrainingTeam const &team);

/// Runs the forward pass over the samples of `data` that belong to the team's group; loss and accuracy over all.
template <class ExecutionSpace>
Evaluation evaluate_with(SgdTrainer<ExecutionSpace> &trainer, ClassificationData const &data, TrainingTeam const &team);

} // namespace sdnn::impl

#endif
