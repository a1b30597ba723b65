#ifndef SDNN_REPORTJSON_HPP
#define SDNN_REPORTJSON_HPP

// The library's reports as JSON, one member per field under the field's name (through their for_each_field lists,
// so a new field appears without a change here), for the drivers' --report files.

#include "Sdnn_Json.hpp"

#include <Sdnn.hpp>

#include <vector>

namespace sdnn::cli
{

/// Every field of the report, plus imbalance and dense_median_rate.
Json to_json(WorkReport const &report);
#if SDNN_ENABLE_MPI
/// Every field of the exchange.
Json to_json(ExchangeStats const &exchange);
/// Every field of the rank's report (`exchange` and `work` as objects).
Json to_json(RankReport const &report);
/// Every field of the rank's report (`node` as an object).
Json to_json(ModelRankReport const &report);
/// The totals of a model-parallel inference and every rank's report.
Json to_json(ModelParallelReport const &report);
#endif
/// One object per layer: layer (1-based), active_rows, nnz.
Json to_json(std::vector<LayerStats> const &layers);

/// A JSON array of to_json(item) for every item of `items` (e.g. one report per rank).
template <class T> Json to_json_array(std::vector<T> const &items)
{
  Json out = Json::array();
  for (auto const &item : items)
    out.push_back(to_json(item));
  return out;
}

} // namespace sdnn::cli

#endif
