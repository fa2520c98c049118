#include <gtest/gtest.h>

#include <sstream>

#include "services/common/dates.h"
#include "services/ingestion/formats/annex_a.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

const char kHeader[] = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";

CollectingSink Parse(const std::string& body) {
  std::istringstream in(body);
  CollectingSink sink;
  EXPECT_TRUE(ParseAnnexAList(in, 1, "list1.csv", sink).ok());
  return sink;
}

TEST(AnnexAList1Test, RowsBecomeContactsWithCodes) {
  auto sink = Parse(std::string(kHeader) +
                    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
                    "C1,a) Male,a) WBRI,01/02/2010,6,01/04/2016,b) 1B: Individual\n"
                    "C2,b) Female,k) APKN,,,2016-04-02,e) 2A: Schools\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 3u);
  const auto& c0 = sink.records[0].first.contact();
  EXPECT_EQ(sink.records[0].second, "C1");
  EXPECT_EQ(ToDays(c0.contact_date()), DayNumber(2016, 3, 31));
  EXPECT_EQ(c0.source(), "6");
  EXPECT_EQ(c0.sex(), v1::MALE);
  EXPECT_EQ(c0.ethnicity(), "WBRI");
  EXPECT_EQ(ToDays(c0.birth_date()), DayNumber(2010, 2, 1));
  EXPECT_EQ(sink.records[0].first.line(), 2);
  EXPECT_EQ(sink.records[1].first.contact().source(), "1B");
  EXPECT_EQ(sink.records[2].first.contact().sex(), v1::FEMALE);
  EXPECT_FALSE(sink.records[2].first.contact().has_birth_date());
  EXPECT_EQ(sink.records[2].first.line(), 4);
}

TEST(AnnexAList1Test, UnknownColumnIsFatalAndSaysWhatWasExpected) {
  auto sink = Parse("Child Unique ID,Gender,Date of Contact,Worker Name\nC1,a) Male,31/03/2016,Someone\n");
  EXPECT_GT(sink.fatal, 0);
  ASSERT_FALSE(sink.issues.empty());
  EXPECT_NE(sink.issues[0].message().find("unknown column 'Worker Name'"), std::string::npos);
  EXPECT_NE(sink.issues[0].message().find("Contact Source"), std::string::npos);
}

TEST(AnnexAList1Test, MissingKeyColumnIsFatal) {
  std::istringstream in("Child Unique ID,Gender\nC1,a) Male\n");
  CollectingSink sink;
  ASSERT_TRUE(ParseAnnexAList(in, 1, "list1.csv", sink).ok());
  EXPECT_GT(sink.fatal, 0);
  EXPECT_NE(sink.AllMessages().find("missing column 'Date of Contact'"), std::string::npos) << sink.AllMessages();
  EXPECT_TRUE(sink.records.empty());
}

TEST(AnnexAList1Test, BadRowsNameLineChildAndField) {
  auto sink = Parse(std::string(kHeader) +
                    "C1,a) Male,a) WBRI,01/02/2010,5,31/13/2016,q) 6: Police\n"  // bad month
                    ",a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"     // no child
                    "C3,a) Male,a) WBRI,01/02/2010,5\n"                            // cut short
                    "C4,a) Male,a) WBRI,1 Feb 2010,5,30/03/2016,q) 6: Police\n");  // bad DOB: a query
  EXPECT_EQ(sink.fatal, 3);
  ASSERT_GE(sink.issues.size(), 4u);
  EXPECT_EQ(sink.issues[0].line(), 2);
  EXPECT_EQ(sink.issues[0].field(), "Date of Contact");
  EXPECT_EQ(sink.issues[0].child(), "C1");
  EXPECT_NE(sink.issues[0].message().find("31/13/2016"), std::string::npos);
  EXPECT_EQ(sink.issues[1].line(), 3);
  EXPECT_EQ(sink.issues[1].field(), "Child Unique ID");
  EXPECT_EQ(sink.issues[2].line(), 4);
  EXPECT_NE(sink.issues[2].message().find("has 5 fields but the header has 7"), std::string::npos);
  EXPECT_EQ(sink.issues[3].severity(), v1::QUERY);
  EXPECT_EQ(sink.issues[3].field(), "Date of Birth");
  ASSERT_EQ(sink.records.size(), 1u);  // only C4's contact is readable
  EXPECT_EQ(sink.records[0].second, "C4");
}

TEST(AnnexAList1Test, CodesAndSex) {
  EXPECT_EQ(OfstedCode("q) 6: Police"), "6");
  EXPECT_EQ(OfstedCode(" a) WBRI "), "WBRI");
  EXPECT_EQ(OfstedCode("WBRI"), "WBRI");
  EXPECT_EQ(ParseSex("a) Male"), v1::MALE);
  EXPECT_EQ(ParseSex("F"), v1::FEMALE);
  EXPECT_EQ(ParseSex("2"), v1::FEMALE);
  EXPECT_EQ(ParseSex("c) Not stated/recorded"), v1::SEX_UNKNOWN);
  EXPECT_EQ(ParseSex(""), v1::SEX_UNSPECIFIED);
}

}  // namespace
}  // namespace carestat
