#include "services/ingestion/formats/local_measures.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "services/ingestion/check.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

CollectingSink Parse(const std::string& csv) {
  std::istringstream in(csv);
  CollectingSink sink;
  EXPECT_TRUE(ParseLocalMeasures(in, "local.csv", sink).ok());
  return sink;
}

TEST(LocalMeasuresTest, RowsBecomeSuppliedMeasures) {
  auto sink = Parse("indicator,la,period,value,source\n"
                    "agency_sw_rate_pct,301,2015-16,45,Workforce return 2016\n"
                    "overspend_gbp,301,2015-16,5670000,\"Outturn report, 2016\"\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 2u);
  const auto& m = sink.records[0].first.local_measure();
  EXPECT_EQ(m.indicator(), "agency_sw_rate_pct");
  EXPECT_EQ(m.la(), "301");
  EXPECT_EQ(m.period().start_year(), 2015);
  EXPECT_EQ(m.value(), 45);
  EXPECT_EQ(sink.records[1].first.local_measure().source(), "Outturn report, 2016");
}

TEST(LocalMeasuresTest, BadRowsAreFatalAndNamed) {
  auto sink = Parse("indicator,la,period,value,source\n"
                    "Agency Rate,301,2015-16,45,x\n"
                    "agency_sw_rate_pct,301,Q3 2015,45,x\n"
                    "agency_sw_rate_pct,301,2015-16,lots,x\n"
                    "agency_sw_rate_pct,301,2015-16,45,\n");
  EXPECT_EQ(sink.fatal, 4);
  ASSERT_EQ(sink.issues.size(), 4u);
  EXPECT_EQ(sink.issues[0].field(), "indicator");
  EXPECT_EQ(sink.issues[1].field(), "period");
  EXPECT_EQ(sink.issues[2].field(), "value");
  EXPECT_EQ(sink.issues[3].field(), "source");
  EXPECT_EQ(sink.issues[3].line(), 5);
}

TEST(LocalMeasuresTest, DetectedByHeaderAndUnknownColumnsNamed) {
  EXPECT_TRUE(IsLocalMeasuresHeader({"Indicator", "LA", "Period", "Value", "Source"}));
  EXPECT_FALSE(IsLocalMeasuresHeader({"indicator", "la", "period", "value"}));
  auto sink = Parse("indicator,la,period,value,source,comment\nx,301,2015-16,1,y,free text\n");
  EXPECT_GT(sink.fatal, 0);
  EXPECT_NE(sink.AllMessages().find("unknown column 'comment'"), std::string::npos);
  std::string path = WriteTemp("local.csv", "indicator,la,period,value,source\nnrpf_cases,301,2015-16,164,x\n");
  auto r = CheckFile(path, "local.csv", "301", 2016, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, Format::kLocalMeasures);
  EXPECT_EQ(r->records["local_measure"], 1);
}

TEST(LocalMeasuresTest, EachUnitGivesItsValidRange) {
  EXPECT_EQ(LocalMeasureUnit("agency_sw_rate_pct", ""), "percent");
  EXPECT_EQ(LocalMeasureUnit("overspend_gbp", ""), "gbp");
  EXPECT_EQ(LocalMeasureUnit("adoption_a1_days", ""), "days");
  EXPECT_EQ(LocalMeasureUnit("nrpf_cases", ""), "");
  EXPECT_EQ(LocalMeasureUnit("nrpf_cases", "count"), "count");
  EXPECT_EQ(LocalMeasureValueProblem(45, "percent"), "");
  EXPECT_EQ(LocalMeasureValueProblem(0, "percent"), "");
  EXPECT_EQ(LocalMeasureValueProblem(100, "percent"), "");
  EXPECT_NE(LocalMeasureValueProblem(450, "percent"), "");
  EXPECT_NE(LocalMeasureValueProblem(-45, "percent"), "");
  EXPECT_NE(LocalMeasureValueProblem(100.5, "percent_1dp"), "");
  EXPECT_EQ(LocalMeasureValueProblem(164, "count"), "");
  EXPECT_NE(LocalMeasureValueProblem(16.5, "count"), "");
  EXPECT_NE(LocalMeasureValueProblem(-1, "count"), "");
  EXPECT_EQ(LocalMeasureValueProblem(5670000, "gbp"), "");
  EXPECT_NE(LocalMeasureValueProblem(-5670000, "gbp"), "");
  EXPECT_NE(LocalMeasureValueProblem(1e300, "count"), "");
  // A measure of no known unit may be anything finite, negative included.
  EXPECT_EQ(LocalMeasureValueProblem(-3.5, ""), "");
  for (const char* unit : {"", "percent", "count", "gbp"}) {
    EXPECT_NE(LocalMeasureValueProblem(std::numeric_limits<double>::quiet_NaN(), unit), "") << unit;
    EXPECT_NE(LocalMeasureValueProblem(std::numeric_limits<double>::infinity(), unit), "") << unit;
    EXPECT_NE(LocalMeasureValueProblem(-std::numeric_limits<double>::infinity(), unit), "") << unit;
  }
}

TEST(LocalMeasuresTest, NonFiniteAndOutOfRangeValuesAreFatalNamingLineAndField) {
  auto sink = Parse("indicator,la,period,value,source,unit\n"
                    "agency_sw_rate_pct,301,2015-16,NaN,x,\n"
                    "agency_sw_rate_pct,301,2015-16,1e400,x,\n"
                    "agency_sw_rate_pct,301,2015-16,450,x,\n"
                    "agency_sw_rate_pct,301,2015-16,-45,x,\n"
                    "nrpf_cases,301,2015-16,-inf,x,\n"
                    "nrpf_cases,301,2015-16,2.5,x,count\n"
                    "agency_sw_rate_pct,301,2015-16,45,x,\n");
  EXPECT_EQ(sink.fatal, 6) << sink.AllMessages();
  ASSERT_EQ(sink.issues.size(), 6u);
  for (size_t i = 0; i < sink.issues.size(); ++i) {
    EXPECT_EQ(sink.issues[i].line(), static_cast<int64_t>(i) + 2);
    EXPECT_EQ(sink.issues[i].field(), "value");
    EXPECT_EQ(sink.issues[i].rule(), "local-measure");
  }
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].first.local_measure().value(), 45);
}

TEST(LocalMeasuresTest, RowsForAnotherLaOrYearAreErrorsThatLeaveThemOut) {
  std::string path = WriteTemp("local.csv", "indicator,la,period,value,source\n"
                                            "agency_sw_rate_pct,301,2015-16,45,x\n"
                                            "agency_sw_rate_pct,999,2015-16,45,x\n"
                                            "agency_sw_rate_pct,301,2014-15,45,x\n");
  CollectingSink next;
  auto r = CheckFile(path, "local.csv", "301", 2016, &next);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->fatal);
  EXPECT_EQ(r->errors, 2);
  ASSERT_EQ(next.records.size(), 3u);
  EXPECT_FALSE(next.records[0].first.has_error());
  EXPECT_TRUE(next.records[1].first.has_error());
  EXPECT_TRUE(next.records[2].first.has_error());
  ASSERT_EQ(r->issues.size(), 2u);
  EXPECT_EQ(r->issues[0].line(), 3);
  EXPECT_EQ(r->issues[0].field(), "la");
  EXPECT_EQ(r->issues[1].line(), 4);
  EXPECT_EQ(r->issues[1].field(), "period");
  // Filed without an LA or year (validate of a lone file), nothing is compared.
  auto loose = CheckFile(path, "local.csv", "", 0, nullptr);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->errors, 0);
}
}  // namespace
}  // namespace carestat
