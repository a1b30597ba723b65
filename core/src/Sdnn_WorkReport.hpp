#ifndef SDNN_WORKREPORT_HPP
#define SDNN_WORKREPORT_HPP

/// \file Sdnn_WorkReport.hpp
/// WorkReport: where the time of a parallel inference went, and the one list of its fields.

#include <cstdint>
#include <string>
#include <vector>

namespace sdnn
{

/// Where the time of a parallel inference went.
struct WorkReport
{
  std::string parallelism;              ///< name of the mode that ran
  int threads = 1;                      ///< threads of the execution space
  std::int64_t tiles = 0;               ///< row tiles the inputs were cut into
  std::int64_t tile_rows = 0;           ///< rows per tile
  std::vector<double> busy_seconds;     ///< per thread: time spent computing (not waiting)
  std::int64_t dense_tile_layers = 0;   ///< (tile, layer) steps computed on dense panels
  std::int64_t sparse_tile_layers = 0;  ///< (tile, layer) steps computed by the sparse two-step SpMM
  std::int64_t split_tile_layers = 0;   ///< steps split by columns among threads (model, data-then-model)
  double dense_seconds = 0.0;           ///< thread-seconds spent in the dense kernel (summed over threads)
  std::int64_t dense_multiply_adds = 0; ///< multiply-adds the dense kernel did: live rows × nnz of the columns updated
  /// The dense kernel's multiply-adds by the rate of the step (one tile, one layer, one column chunk) that did
  /// them: bin dense_rate_bin(r) adds those of the steps that ran at r multiply-adds per second. Empty, or
  /// dense_rate_bins entries.
  std::vector<std::int64_t> dense_rate_histogram;
  std::int64_t steals = 0; ///< successful steals (work-stealing)
  /// Thread-seconds spent waiting for the other threads of the team at the barriers of split steps (model): the
  /// synchronisation cost, per split step sync_seconds / split_tile_layers.
  double sync_seconds = 0.0;
  std::string recruitment;                     ///< the recruitment strategy (data-then-model), else empty
  std::int64_t recruitments = 0;               ///< times a straggler recruited idle threads (data-then-model)
  std::vector<std::int64_t> recruited_helpers; ///< per part (= thread of data-then-model): helpers it recruited
  int first_recruiting_part = -1;              ///< the part that recruited first (data-then-model), -1: none
  std::int64_t workspace_bytes = 0;            ///< memory of the workspaces, allocated once before the layer loop

  /// How a field's values from two segments of one inference combine (infer_distributed() runs infer() once
  /// per segment of layers and reports the segments as one).
  enum class Merge
  {
    latest,          ///< the same in every segment: the latest segment's value is kept
    sum,             ///< the values are added
    max,             ///< the larger value is kept
    elementwise_sum, ///< vectors are added entry by entry, the shorter one padded with zeros
  };

  /// The one list of the fields: calls `visit(name, member, merge)` for each field in declaration order, where
  /// `name` is the member's name ("tiles"), `member` a pointer to it (`&WorkReport::tiles`) and `merge` how two
  /// segments' values combine. Merging segments and the MPI exchange of reports go through it, so a new field
  /// needs its declaration and one line here; the names are meant for machine-readable reports too.
  /// \tparam Visitor callable as `visit(char const *, T WorkReport::*, Merge)` for every field type T
  /// \param visit called once per field
  template <class Visitor> static void for_each_field(Visitor &&visit)
  {
    visit("parallelism", &WorkReport::parallelism, Merge::latest);
    visit("threads", &WorkReport::threads, Merge::latest);
    visit("tiles", &WorkReport::tiles, Merge::max);
    visit("tile_rows", &WorkReport::tile_rows, Merge::max);
    visit("busy_seconds", &WorkReport::busy_seconds, Merge::elementwise_sum);
    visit("dense_tile_layers", &WorkReport::dense_tile_layers, Merge::sum);
    visit("sparse_tile_layers", &WorkReport::sparse_tile_layers, Merge::sum);
    visit("split_tile_layers", &WorkReport::split_tile_layers, Merge::sum);
    visit("dense_seconds", &WorkReport::dense_seconds, Merge::sum);
    visit("dense_multiply_adds", &WorkReport::dense_multiply_adds, Merge::sum);
    visit("dense_rate_histogram", &WorkReport::dense_rate_histogram, Merge::elementwise_sum);
    visit("steals", &WorkReport::steals, Merge::sum);
    visit("sync_seconds", &WorkReport::sync_seconds, Merge::sum);
    visit("recruitment", &WorkReport::recruitment, Merge::latest);
    visit("recruitments", &WorkReport::recruitments, Merge::sum);
    visit("recruited_helpers", &WorkReport::recruited_helpers, Merge::elementwise_sum);
    visit("first_recruiting_part", &WorkReport::first_recruiting_part, Merge::latest);
    visit("workspace_bytes", &WorkReport::workspace_bytes, Merge::max);
  }

  /// max / mean of busy_seconds (1 is perfect balance).
  double imbalance() const;
  /// The dense kernel's median rate per thread, weighted by multiply-adds: half of dense_multiply_adds were done
  /// in steps at least this fast (to dense_rate_resolution). Unlike dense_multiply_adds / dense_seconds, the
  /// few steps during which the thread was descheduled (a shared machine) do not weigh more than their share of
  /// the work. 0 without dense steps.
  double dense_median_rate() const;

  /// Bins of dense_rate_histogram per doubling of the rate.
  static constexpr int dense_rate_bins_per_octave = 16;
  /// log2 of the lowest rate binned (2^20 MAC/s; slower steps go to bin 0).
  static constexpr int dense_rate_min_log2 = 20;
  /// Bins of dense_rate_histogram: rates from 2^20 to 2^44 MAC/s (faster steps go to the last bin).
  static constexpr int dense_rate_bins = 24 * dense_rate_bins_per_octave;
  /// Relative width of a bin (2^(1/16) - 1, about 4.4 %): the median rate is the centre of its bin.
  static double dense_rate_resolution();
  /// Bin of a rate in multiply-adds per second.
  static int dense_rate_bin(double rate);
};

/// Adds the report of the next segment of an inference (a segment of layers, a window, a batch of rows) to `into`,
/// each field as WorkReport::for_each_field says.
void accumulate(WorkReport &into, WorkReport const &segment);

} // namespace sdnn

#endif
