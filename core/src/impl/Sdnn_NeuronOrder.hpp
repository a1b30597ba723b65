#ifndef SDNN_NEURONORDER_HPP
#define SDNN_NEURONORDER_HPP

// The order in which the engine stores the neurons between two layers (NeuronOrder::clustered). Private to the
// library.
//
// The dense kernel loads, for each block of columns of W_l, the Y rows of the block's row list. In the neurons'
// given numbering those rows lie anywhere in the tile's panels (a RadiX-Net column's 32 rows are two classes of 16
// neurons scattered over all N), so at N = 65536 every load is a miss on a half-used cache line. Renumbering the
// neurons between W_l and W_{l+1} so that the rows W_{l+1}'s blocks share are adjacent makes each block's loads a
// few contiguous runs, and consecutive blocks overlap. The network stays the same network: W'_l(σ_{l-1}(i),
// σ_l(j)) = W_l(i, j), with the entries of each column in their given order, so every sum runs in the reference's
// order and the answer is bit for bit the same.

#include <Sdnn_CscMatrix.hpp>

#include <cstdint>
#include <vector>

namespace sdnn::impl
{

/// Slot of every row of `w` (a permutation of [0, N)) such that the rows of each group of columns sharing a row
/// pattern are few contiguous runs: the groups are walked in chains, each next group sharing rows with the one
/// before, and a group's rows not yet placed take the next slots, those it shares with the next group of the chain
/// last (so that they lie next to the next group's own). For a RadiX-Net layer of shift s, whose column j holds the
/// residue classes j and j + s (mod N/16), the classes come in the order a, a + s, a + 2s, ...: every column's 32
/// rows are one run, but at the end of a chain. Rows no column holds come last.
std::vector<std::int32_t> chained_row_slots(HostCsc const &w);

/// W relabeled: W'(row_slot[i], col_slot[j]) = W(i, j), the entries of each column in their given order (so the
/// row indices of a column are not ascending). An empty slot vector is the identity.
HostCsc relabel_neurons(HostCsc const &w, std::vector<std::int32_t> const &row_slot,
                        std::vector<std::int32_t> const &col_slot);

/// The same into `out`, a matrix of w's size and number of entries whose every entry it writes. It copies no View
/// (it reads and writes through their data), so it may run in a parallel region.
void relabel_neurons(HostCsc const &w, std::vector<std::int32_t> const &row_slot,
                     std::vector<std::int32_t> const &col_slot, HostCsc const &out);

} // namespace sdnn::impl

#endif
