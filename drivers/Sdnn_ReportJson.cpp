#include "Sdnn_ReportJson.hpp"

namespace sdnn::cli
{

namespace
{
template <class T> Json member_json(T const &value)
{
  return Json(value);
}
#if SDNN_ENABLE_MPI // the members that are reports themselves: RankReport's
Json member_json(ExchangeStats const &exchange)
{
  return to_json(exchange);
}
Json member_json(WorkReport const &report)
{
  return to_json(report);
}
#endif

/// An object with a member per entry of Report::for_each_field (whose visitors may receive more than the name and
/// the member pointer).
template <class Report> Json fields_json(Report const &report)
{
  Json out = Json::object();
  Report::for_each_field([&](char const *name, auto member, auto...) { out[name] = member_json(report.*member); });
  return out;
}
} // namespace

Json to_json(WorkReport const &report)
{
  Json out = fields_json(report);
  out["imbalance"] = report.imbalance();
  out["dense_median_rate"] = report.dense_median_rate();
  return out;
}

#if SDNN_ENABLE_MPI
Json to_json(ExchangeStats const &exchange)
{
  return fields_json(exchange);
}

Json to_json(RankReport const &report)
{
  return fields_json(report);
}

Json to_json(ModelRankReport const &report)
{
  return fields_json(report);
}

Json to_json(ModelParallelReport const &report)
{
  Json out = Json::object();
  out["model_ranks"] = report.model_ranks;
  out["groups"] = report.groups;
  out["predicted_columns"] = report.predicted_columns;
  out["columns_sent"] = report.columns_sent();
  out["words_sent"] = report.words_sent();
  out["max_words_sent"] = report.max_words_sent();
  out["messages_sent"] = report.messages_sent();
  out["work_imbalance"] = report.work_imbalance();
  out["max_exchange_seconds"] = report.max_exchange_seconds();
  out["max_compute_seconds"] = report.max_compute_seconds();
  out["max_weight_bytes"] = report.max_weight_bytes();
  out["ranks"] = to_json_array(report.ranks);
  return out;
}
#endif

Json to_json(std::vector<LayerStats> const &layers)
{
  Json out = Json::array();
  for (auto const &s : layers)
  {
    Json layer = Json::object();
    layer["layer"] = s.layer;
    layer["active_rows"] = s.active_rows;
    layer["nnz"] = s.nnz;
    out.push_back(std::move(layer));
  }
  return out;
}

} // namespace sdnn::cli
