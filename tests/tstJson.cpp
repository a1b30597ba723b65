// The drivers' JSON reports: text escaping, numbers that round-trip, null for what JSON cannot hold, member order,
// and the library's reports with every field of their lists.
#include <Sdnn_Json.hpp>
#include <Sdnn_ReportJson.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace
{

using sdnn::cli::Json;

TEST(Json, ScalarsArraysAndObjectsInOrder)
{
  Json value = Json::object();
  value["zeta"] = 1;
  value["alpha"] = std::vector<double>{0.5, 2.0};
  value["text"] = "a \"quoted\"\\path\n\t\x01";
  value["flag"] = false;
  value["zeta"] = std::int64_t(1) << 40; // set again: keeps its place
  value["none"] = Json();
  EXPECT_EQ(value.dump(), "{\n"
                          "  \"zeta\": 1099511627776,\n"
                          "  \"alpha\": [0.5, 2],\n"
                          "  \"text\": \"a \\\"quoted\\\"\\\\path\\n\\t\\u0001\",\n"
                          "  \"flag\": false,\n"
                          "  \"none\": null\n"
                          "}\n");
}

TEST(Json, NumbersRoundTripAndNonFiniteOnesAreNull)
{
  double const third = 1.0 / 3.0;
  auto const text = Json(third).dump();
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), third);
  EXPECT_EQ(Json(std::numeric_limits<double>::quiet_NaN()).dump(), "null\n");
  EXPECT_EQ(Json(-std::numeric_limits<double>::infinity()).dump(), "null\n");
  EXPECT_EQ(Json(std::size_t(7)).dump(), "7\n");
}

TEST(Json, MembersOfANonObjectAreLogicErrors)
{
  Json array = Json::array();
  EXPECT_THROW(array["x"], std::logic_error);
  Json object = Json::object();
  EXPECT_THROW(object.push_back(1), std::logic_error);
}

TEST(Json, AWorkReportHasAMemberPerField)
{
  sdnn::WorkReport report;
  report.parallelism = "data";
  report.busy_seconds = {1.0, 3.0};
  report.steals = 5;
  auto const text = sdnn::cli::to_json(report).dump();
  int fields = 0;
  sdnn::WorkReport::for_each_field(
      [&](char const *name, auto, auto)
      {
        ++fields;
        EXPECT_NE(text.find("\"" + std::string(name) + "\": "), std::string::npos) << name;
      });
  EXPECT_EQ(fields, 18);
  EXPECT_NE(text.find("\"busy_seconds\": [1, 3]"), std::string::npos) << text;
  EXPECT_NE(text.find("\"steals\": 5"), std::string::npos) << text;
  EXPECT_NE(text.find("\"imbalance\": 1.5"), std::string::npos) << text;
}

} // namespace
