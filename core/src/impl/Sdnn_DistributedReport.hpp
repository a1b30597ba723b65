#ifndef SDNN_DISTRIBUTEDREPORT_HPP
#define SDNN_DISTRIBUTEDREPORT_HPP

// The reports of infer_distributed(): a rank's segments merged into one WorkReport (every rank's RankReport is
// gathered on every rank by Sdnn_ReportGather.hpp). Private to the library.

#include <Sdnn_Distributed.hpp>

#include <mpi.h>

#include <vector>

namespace sdnn::impl
{

/// Adds the report of the next segment of layers to `into`, each field as WorkReport::for_each_field says.
void accumulate(WorkReport &into, WorkReport const &segment);

} // namespace sdnn::impl

#endif
