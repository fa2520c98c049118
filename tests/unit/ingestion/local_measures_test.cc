#include "services/ingestion/formats/local_measures.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace carestat
