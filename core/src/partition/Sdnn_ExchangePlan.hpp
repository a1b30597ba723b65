#ifndef SDNN_EXCHANGEPLAN_HPP
#define SDNN_EXCHANGEPLAN_HPP

// ExchangePlan: who sends which neurons of layer l-1 to whom for layer l, on a network partitioned across the ranks
// of a model communicator (model-parallel inference's expand, and training's expand and its transpose, the fold).
// Private to the library.

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace sdnn
{

/// How the activations of Y_{l-1} reach the ranks that read them in layer l. Columns of Y_{l-1} are numbered by
/// this rank's owned neurons of layer l-1 (ascending global id), inputs of layer l by its needed neurons.
struct ExchangePlan
{
  /// Per owned column c of layer l-1: its position among this rank's own inputs of layer l, or -1.
  std::vector<std::int32_t> self;
  /// Per owned column c: its sends [dest_ptr[c], dest_ptr[c+1]) to (dest_rank, dest_pos): the model rank and the
  /// column's position in what this rank sends it.
  std::vector<std::int64_t> dest_ptr;
  std::vector<std::int32_t> dest_rank;
  std::vector<std::int32_t> dest_pos;
  /// Per model rank q: the columns sent to q (send_count[q], all to one message) and received from q.
  std::vector<std::int64_t> send_count;
  std::vector<std::int64_t> recv_ptr; ///< [M + 1]: columns from q are recv_pos[recv_ptr[q], recv_ptr[q+1])
  std::vector<std::int32_t> recv_pos; ///< input position of each column received, in the sender's order
};

/// Position of each listed neuron in `list` (-1 for the others), over `n` neurons.
inline std::vector<std::int32_t> positions(std::vector<std::int32_t> const &list, std::int64_t n)
{
  std::vector<std::int32_t> out(n, -1);
  for (std::size_t k = 0; k < list.size(); ++k)
    out[list[k]] = static_cast<std::int32_t>(k);
  return out;
}

/// The exchange of layer l: which inputs come from whom (from `producer`, the owners of layer l-1's neurons), which
/// owned neurons of layer l-1 (`owned_before`, ascending) go to whom (the other ranks' requests for their `needed`
/// inputs, one Alltoallv over `model`). Collective over `model`.
ExchangePlan exchange_plan(MPI_Comm model, std::vector<std::int32_t> const &producer,
                           std::vector<std::int32_t> const &owned_before, std::vector<std::int32_t> const &needed);

} // namespace sdnn

#endif
