// Distributed sparse SGD on 1, 2 and 4 ranks (ctest runs this suite under mpirun): for every partitioner and every
// number of model ranks M dividing the ranks (data groups when M < ranks), the weights, biases and momentum after
// two epochs are bit for bit those of one rank; the expands and folds send exactly the partition's forward cut
// per sample; bad arguments fail on every rank.
#include "tstHelpers.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>

namespace
{

using sdnn::NetworkPartitioner;
using Space = Kokkos::DefaultHostExecutionSpace;

int world_size()
{
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

std::vector<std::uint32_t> bits(sdnn::TrainableNetwork const &network, sdnn::TrainingState const &state)
{
  std::vector<std::uint32_t> out;
  auto append = [&](float const *v, std::size_t n)
  {
    auto const at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, v, n * sizeof(float));
  };
  for (int l = 0; l < network.num_layers(); ++l)
  {
    append(network.weights[l].values().data(), network.weights[l].nnz());
    append(network.biases[l].data(), network.biases[l].size());
    append(state.weight_velocity[l].data(), state.weight_velocity[l].size());
    append(state.bias_velocity[l].data(), state.bias_velocity[l].size());
  }
  return out;
}

struct Case
{
  sdnn::NetworkShape shape = sdnn::test::network_shape(30, {40, 36, 40}, 5, 6, 3);
  sdnn::ClassificationData train = sdnn::test::random_data(90, 30, 5, 17);
  sdnn::ClassificationData test = sdnn::test::random_data(37, 30, 5, 18);
  sdnn::TrainingOptions options;
  Case()
  {
    options.epochs = 2;
    options.batch_size = 12;
    options.learning_rate = 0.1;
    options.momentum = 0.8;
    options.learning_rate_decay = 0.9;
  }
};

} // namespace

TEST(DistributedTraining, weights_are_bit_identical_to_one_rank_for_every_partition)
{
  Case c;
  c.shape.output_fan_in = 20; // sparse output layer too
  auto reference = sdnn::draw_network(c.shape);
  sdnn::TrainingState reference_state;
  auto const reference_reports = sdnn::train(Space(), reference, c.train, &c.test, c.options, &reference_state);
  auto const expected = bits(reference, reference_state);

  for (auto partitioner : sdnn::all_network_partitioners())
  {
    if (!sdnn::partitioner_available(partitioner))
      continue;
    for (int m = 1; m <= world_size(); ++m)
    {
      if (world_size() % m != 0)
        continue;
      SCOPED_TRACE(sdnn::name(partitioner) + " M=" + std::to_string(m));
      auto network = sdnn::draw_network(c.shape);
      auto const partition = sdnn::training_partition(MPI_COMM_WORLD, network, partitioner, m, 7);
      sdnn::TrainingState state;
      std::vector<int> seen;
      auto const reports = sdnn::train(Space(), MPI_COMM_WORLD, partition, network, c.train, &c.test, c.options, &state,
                                       [&](sdnn::EpochReport const &r) { seen.push_back(r.epoch); });
      EXPECT_EQ(seen, (std::vector<int>{1, 2}));
      EXPECT_EQ(bits(network, state), expected);
      ASSERT_EQ(reports.size(), 2u);
      for (std::size_t e = 0; e < 2; ++e)
      {
        EXPECT_NEAR(reports[e].loss, reference_reports[e].loss, 1e-9);
        EXPECT_EQ(reports[e].train_accuracy, reference_reports[e].train_accuracy);
        EXPECT_EQ(reports[e].test_accuracy, reference_reports[e].test_accuracy);
        EXPECT_NEAR(reports[e].test_loss, reference_reports[e].test_loss, 1e-9);
        // Forward and backward traffic: exactly the forward cut per sample, each way.
        EXPECT_EQ(reports[e].expand_values, reports[e].predicted_values);
        EXPECT_EQ(reports[e].fold_values, reports[e].predicted_values);
        if (m == 1)
        {
          EXPECT_EQ(reports[e].predicted_values, 0);
        }
        else if (partitioner != NetworkPartitioner::hypergraph)
        {
          EXPECT_GT(reports[e].predicted_values, 0);
        }
      }
    }
  }
}

TEST(DistributedTraining, batch_one_and_momentum_free_steps_agree_too)
{
  // The sparse matrix-vector case: one sample per step, every rank of one group.
  Case c;
  c.options.batch_size = world_size();
  c.options.momentum = 0.0;
  c.options.epochs = 1;
  auto reference = sdnn::draw_network(c.shape);
  sdnn::TrainingState reference_state;
  sdnn::train(Space(), reference, c.train, nullptr, c.options, &reference_state);
  auto network = sdnn::draw_network(c.shape);
  auto const partition = sdnn::training_partition(MPI_COMM_WORLD, network, NetworkPartitioner::hashed, world_size(), 2);
  sdnn::TrainingState state;
  sdnn::train(Space(), MPI_COMM_WORLD, partition, network, c.train, nullptr, c.options, &state);
  EXPECT_EQ(bits(network, state), bits(reference, reference_state));
}

TEST(DistributedTraining, bad_arguments_fail_on_every_rank)
{
  Case c;
  auto network = sdnn::draw_network(c.shape);
  auto const partition = sdnn::training_partition(MPI_COMM_WORLD, network, NetworkPartitioner::block, 1);
  if (world_size() > 1)
  {
    c.options.batch_size = 1; // fewer samples than data groups
    sdnn::test::expect_input_error(
        [&] { sdnn::train(Space(), MPI_COMM_WORLD, partition, network, c.train, nullptr, c.options); },
        {"cannot feed", "data groups"});
    c.options.batch_size = 12;
  }
  auto wrong = sdnn::test::random_data(10, 29, 5, 1);
  sdnn::test::expect_input_error(
      [&] { sdnn::train(Space(), MPI_COMM_WORLD, partition, network, wrong, nullptr, c.options); },
      {"29 features", "reads 30"});
  sdnn::test::expect_input_error(
      [&] { sdnn::training_partition(MPI_COMM_WORLD, network, NetworkPartitioner::block, 41); }, {"41 model ranks"});
}
