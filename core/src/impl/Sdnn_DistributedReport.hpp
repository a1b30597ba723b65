#ifndef SDNN_DISTRIBUTEDREPORT_HPP
#define SDNN_DISTRIBUTEDREPORT_HPP

// The reports of infer_distributed(): a rank's segments merged into one WorkReport, every rank's RankReport
// gathered on every rank. Private to the library.

#include <Sdnn_Distributed.hpp>

#include <mpi.h>

#include <vector>

namespace sdnn::impl
{

/// Adds the report of the next segment of layers to `into`, each field as WorkReport::for_each_field says.
void accumulate(WorkReport &into, WorkReport const &segment);

/// Collective: every rank's report, in rank order, on every rank (one MPI_Allgatherv of the reports packed as
/// doubles through RankReport::for_each_field).
std::vector<RankReport> allgather_reports(MPI_Comm comm, RankReport const &mine);

} // namespace sdnn::impl

#endif
