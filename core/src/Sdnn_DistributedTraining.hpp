#ifndef SDNN_DISTRIBUTEDTRAINING_HPP
#define SDNN_DISTRIBUTEDTRAINING_HPP

/// \file Sdnn_DistributedTraining.hpp
/// Sparse SGD on a network partitioned across ranks (ICS 2021, Demirci & Ferhatosmanoglu): P ranks form P/M data
/// groups of M model ranks; each model rank owns, in every layer, the neurons a NetworkPartition of M parts gives
/// it (its columns of W_l, their biases and momentum). The forward pass expands activations to the ranks that read
/// them, the backward pass folds the partial error sums back the transposed way (the same pairs), and the data
/// groups sum their gradients exactly. Because every order-dependent sum is in fixed point, the weights after any
/// number of steps are bit for bit those of one rank, whatever P, M and the partition. Available when sdnn is built
/// with Sdnn_ENABLE_MPI.

#include <Sdnn_Config.hpp>

#if SDNN_ENABLE_MPI
#include <Sdnn_NetworkPartition.hpp>
#include <Sdnn_Training.hpp>

#include <mpi.h>

namespace sdnn
{

/// A partition of `network` into `model_ranks` parts for distributed training: a NetworkPartition over the widest
/// layer (num_neurons), whose layer l >= 1 assigns the n_l neurons of W_l (the owners of the others, and of the
/// features in layer 0, are unused: every rank reads every feature). block and hashed cut each layer's own width;
/// hypergraph runs Zoltan PHG on the layers padded to squares (collective over `comm`; every rank passes the same
/// network and gets the same partition).
/// \throws sdnn::InputError if `model_ranks` is not in 1..the narrowest layer's width, or hypergraph is unavailable
NetworkPartition training_partition(MPI_Comm comm, TrainableNetwork const &network, NetworkPartitioner partitioner,
                                    int model_ranks, std::uint64_t seed = 1, HypergraphOptions const &options = {});

/// Collective over `comm` (P ranks, P a multiple of M = partition.num_parts): train() on the partitioned network.
/// Every rank passes the same `network`, data, options and state; a batch's samples are dealt to the data groups
/// (options.batch_size must be at least P / M). After every epoch every rank holds the whole trained network (and
/// state) and the report counts the traffic of the expands and folds over all ranks.
/// \throws sdnn::InputError on every rank for data that does not fit, a partition that does not fit the network or
///         the ranks, or a diverging run
template <class ExecutionSpace>
std::vector<EpochReport>
train(ExecutionSpace const &space, MPI_Comm comm, NetworkPartition const &partition, TrainableNetwork &network,
      ClassificationData const &train_data, ClassificationData const *test_data, TrainingOptions const &options,
      TrainingState *state = nullptr, std::function<void(EpochReport const &)> const &on_epoch = {});

#define SDNN_DISTRIBUTED_TRAINING_EXTERN(SPACE)                                                                        \
  extern template std::vector<EpochReport> train<SPACE>(                                                               \
      SPACE const &, MPI_Comm, NetworkPartition const &, TrainableNetwork &, ClassificationData const &,               \
      ClassificationData const *, TrainingOptions const &, TrainingState *,                                            \
      std::function<void(EpochReport const &)> const &);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_DISTRIBUTED_TRAINING_EXTERN(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_DISTRIBUTED_TRAINING_EXTERN(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_DISTRIBUTED_TRAINING_EXTERN(Kokkos::Threads)
#endif
#undef SDNN_DISTRIBUTED_TRAINING_EXTERN

} // namespace sdnn

#endif // SDNN_ENABLE_MPI
#endif
