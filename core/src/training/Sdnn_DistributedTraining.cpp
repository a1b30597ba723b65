#include "../impl/Sdnn_Collectives.hpp"
#include "../impl/Sdnn_PrivateComm.hpp"
#include "Sdnn_TrainingExchange.hpp"
#include "Sdnn_TrainingLoop.hpp"
#include <Sdnn_Distributed.hpp>
#include <Sdnn_DistributedTraining.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_Hash.hpp>

#include <algorithm>
#include <cstring>

namespace sdnn
{

namespace
{

/// The widths n_0..n_L of a network.
std::vector<std::int64_t> layer_widths(TrainableNetwork const &network)
{
  std::vector<std::int64_t> widths{network.num_features()};
  for (auto const &w : network.weights)
    widths.push_back(w.num_cols());
  return widths;
}

/// W padded to n × n with empty rows and columns.
HostCsc padded(HostCsc const &w, std::int64_t n)
{
  HostCsc::offsets_view col_ptr("Sdnn::padded::col_ptr", n + 1);
  for (std::int64_t j = 0; j <= n; ++j)
    col_ptr(j) = w.col_ptr()(std::min<std::int64_t>(j, w.num_cols()));
  return HostCsc(static_cast<std::int32_t>(n), static_cast<std::int32_t>(n), col_ptr, w.row_idx(), w.values());
}

/// Runs `check` on every rank; if it failed anywhere, every rank throws the first failure.
template <class Check> void agree(MPI_Comm comm, Check &&check)
{
  std::string local;
  try
  {
    check();
  }
  catch (std::exception const &e)
  {
    local = e.what();
  }
  if (auto const first = first_error(comm, local))
    throw InputError(*first);
}

/// Every rank's bits of `values`, where each rank holds its own and zeros elsewhere: a bitwise OR.
void or_bits(MPI_Comm comm, float *values, std::int64_t count)
{
  static_assert(sizeof(float) == sizeof(std::uint32_t));
  MPI_Allreduce(MPI_IN_PLACE, values, impl::as_count(count, "the trained parameters"), MPI_UINT32_T, MPI_BOR, comm);
}

} // namespace

NetworkPartition training_partition(MPI_Comm comm, TrainableNetwork const &network, NetworkPartitioner partitioner,
                                    int model_ranks, std::uint64_t seed, HypergraphOptions const &options)
{
  check_network_shapes(network);
  auto const widths = layer_widths(network);
  std::int64_t const n = *std::max_element(widths.begin(), widths.end());
  SDNN_USER_REQUIRE(model_ranks >= 1 && model_ranks <= n, "cannot partition a network of at most "
                                                              << n << " neurons per layer across " << model_ranks
                                                              << " model ranks");
  if (partitioner == NetworkPartitioner::hypergraph)
  {
    std::vector<HostCsc> layers;
    for (auto const &w : network.weights)
      layers.push_back(padded(w, n));
    return hypergraph_partition(comm, layers, model_ranks, options);
  }
  NetworkPartition partition;
  partition.num_parts = model_ranks;
  partition.num_neurons = n;
  for (auto const width : widths)
  {
    auto const owners =
        row_owners(width, model_ranks,
                   partitioner == NetworkPartitioner::hashed ? RowPartition::hashed : RowPartition::block, seed);
    partition.owner.emplace_back(owners.begin(), owners.end());
    partition.owner.back().resize(n, 0);
  }
  return partition;
}

template <class ExecutionSpace>
std::vector<EpochReport> train(ExecutionSpace const &space, MPI_Comm comm, NetworkPartition const &partition,
                               TrainableNetwork &network, ClassificationData const &train_data,
                               ClassificationData const *test_data, TrainingOptions const &options,
                               TrainingState *state, std::function<void(EpochReport const &)> const &on_epoch)
{
  impl::PrivateComm const world(comm);
  int const size = impl::comm_size(world), rank = impl::comm_rank(world);
  int const model_ranks = partition.num_parts;
  agree(world,
        [&]
        {
          impl::check_training_arguments(network, train_data, test_data, options);
          SDNN_USER_REQUIRE(model_ranks >= 1 && size % model_ranks == 0,
                            size << " ranks cannot form data groups of " << model_ranks << " model ranks");
          auto const widths = layer_widths(network);
          check_partition_fits(partition, *std::max_element(widths.begin(), widths.end()), network.num_layers());
          SDNN_USER_REQUIRE(options.batch_size >= size / model_ranks,
                            "a batch of " << options.batch_size << " samples cannot feed " << size / model_ranks
                                          << " data groups");
        });
  int const groups = size / model_ranks, group = rank / model_ranks, model_rank = rank % model_ranks;
  MPI_Comm model = MPI_COMM_NULL, across = MPI_COMM_NULL;
  MPI_Comm_split(world, group, model_rank, &model);
  MPI_Comm_split(world, model_rank, group, &across);
  struct Free
  {
    MPI_Comm *a, *b;
    ~Free()
    {
      MPI_Comm_free(a);
      MPI_Comm_free(b);
    }
  } const free_comms{&model, &across};

  int const num_layers = network.num_layers();
  std::vector<std::vector<std::int32_t>> owned(num_layers), producers(num_layers);
  for (int l = 0; l < num_layers; ++l)
  {
    auto const width = network.weights[l].num_cols();
    producers[l].assign(partition.owner[l + 1].begin(), partition.owner[l + 1].begin() + width);
    for (std::int32_t j = 0; j < width; ++j)
      if (producers[l][j] == model_rank)
        owned[l].push_back(j);
  }
  int const local_batch = (options.batch_size + groups - 1) / groups;
  impl::SgdTrainer<ExecutionSpace> trainer(space, network, local_batch, state,
                                           model_ranks > 1 ? owned : std::vector<std::vector<std::int32_t>>{});
  std::vector<std::vector<std::int32_t>> trainer_owned, needed;
  for (auto const &layer : trainer.layers())
  {
    trainer_owned.push_back(layer.owned);
    needed.push_back(layer.needed);
  }
  impl::TrainingExchange<ExecutionSpace> exchange(space, model, across, producers, trainer_owned, needed, local_batch);
  trainer.set_communication(&exchange);

  impl::TrainingTeam team;
  team.group = group;
  team.groups = groups;
  team.max_all = [&](std::vector<double> &values)
  { MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_MAX, world); };
  team.sum_groups = [&](std::vector<double> &values)
  {
    // In group order, so that every run adds the same way.
    std::vector<double> all(values.size() * groups);
    MPI_Allgather(values.data(), static_cast<int>(values.size()), MPI_DOUBLE, all.data(),
                  static_cast<int>(values.size()), MPI_DOUBLE, across);
    std::fill(values.begin(), values.end(), 0.0);
    for (int g = 0; g < groups; ++g)
      for (std::size_t k = 0; k < values.size(); ++k)
        values[k] += all[g * values.size() + k];
  };
  team.gather = [&](TrainableNetwork &trained, TrainingState *trained_state)
  {
    if (model_ranks == 1)
      return;
    for (int l = 0; l < num_layers; ++l)
    {
      or_bits(model, trained.weights[l].values().data(), trained.weights[l].nnz());
      or_bits(model, trained.biases[l].data(), static_cast<std::int64_t>(trained.biases[l].size()));
      if (trained_state != nullptr)
      {
        auto &wv = trained_state->weight_velocity[l];
        auto &bv = trained_state->bias_velocity[l];
        or_bits(model, wv.data(), static_cast<std::int64_t>(wv.size()));
        or_bits(model, bv.data(), static_cast<std::int64_t>(bv.size()));
      }
    }
  };
  team.traffic = [&](EpochReport &report)
  {
    auto const &c = exchange.counters();
    std::int64_t sums[3] = {c.expand_values, c.fold_values, c.messages};
    MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_INT64_T, MPI_SUM, world);
    double seconds = c.seconds;
    MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, world);
    report.expand_values = sums[0];
    report.fold_values = sums[1];
    report.messages = sums[2];
    report.exchange_seconds = seconds;
    std::int64_t cut = 0;
    for (int l = 1; l < num_layers; ++l)
      cut += exchange.cut(l);
    report.predicted_values = cut * train_data.count;
    exchange.reset_counters();
  };
  auto reports = impl::run_training(trainer, network, train_data, test_data, options, state, on_epoch, team);
  return reports;
}

#define SDNN_DISTRIBUTED_TRAINING_INSTANTIATE(SPACE)                                                                   \
  template std::vector<EpochReport> train<SPACE>(SPACE const &, MPI_Comm, NetworkPartition const &,                    \
                                                 TrainableNetwork &, ClassificationData const &,                       \
                                                 ClassificationData const *, TrainingOptions const &, TrainingState *, \
                                                 std::function<void(EpochReport const &)> const &);
#ifdef KOKKOS_ENABLE_SERIAL
SDNN_DISTRIBUTED_TRAINING_INSTANTIATE(Kokkos::Serial)
#endif
#ifdef KOKKOS_ENABLE_OPENMP
SDNN_DISTRIBUTED_TRAINING_INSTANTIATE(Kokkos::OpenMP)
#endif
#ifdef KOKKOS_ENABLE_THREADS
SDNN_DISTRIBUTED_TRAINING_INSTANTIATE(Kokkos::Threads)
#endif

} // namespace sdnn
