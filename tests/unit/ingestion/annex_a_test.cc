#include <gtest/gtest.h>

#include <sstream>

#include "services/common/dates.h"
#include "services/ingestion/check.h"
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

TEST(AnnexAList1Test, AgesOutsideZeroToTwentyFiveAreQueriesNamingLineAndField) {
  auto sink = Parse(std::string(kHeader) +
                    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
                    "C2,a) Male,a) WBRI,01/02/2010,-5,31/03/2016,q) 6: Police\n"
                    "C3,a) Male,a) WBRI,01/02/2010,100000000000000000000,31/03/2016,q) 6: Police\n"
                    "C4,a) Male,a) WBRI,01/02/2010,1e20,31/03/2016,q) 6: Police\n"
                    "C5,a) Male,a) WBRI,01/02/2010,five,31/03/2016,q) 6: Police\n"
                    "C6,a) Male,a) WBRI,01/02/2010,26,31/03/2016,q) 6: Police\n"
                    "C7,a) Male,a) WBRI,01/02/2010,6.1382614647501708,31/03/2016,q) 6: Police\n"
                    "C8,a) Male,a) WBRI,01/02/2010,25,31/03/2016,q) 6: Police\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 8u);  // an age is not stored: the record stays
  std::vector<int64_t> lines;
  for (const auto& i : sink.issues) {
    EXPECT_EQ(i.rule(), "age");
    EXPECT_EQ(i.severity(), v1::QUERY);
    EXPECT_EQ(i.field(), "Age");
    lines.push_back(i.line());
  }
  EXPECT_EQ(lines, (std::vector<int64_t>{3, 4, 5, 6, 7})) << sink.AllMessages();
  EXPECT_EQ(sink.AllMessages().find("C2"), std::string::npos) << sink.AllMessages();
}

TEST(AnnexAList1Test, DatesNoReturnCanHoldLeaveTheCountWithAnIssue) {
  std::string path = WriteTemp("list1.csv", std::string(kHeader) +
                                                "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
                                                "C2,a) Male,a) WBRI,01/02/2010,5,01/01/9999,q) 6: Police\n"
                                                "C3,a) Male,a) WBRI,01/02/1890,5,31/03/2016,q) 6: Police\n");
  CollectingSink next;
  auto r = CheckFile(path, "list1.csv", "301", 2016, &next);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->fatal);
  ASSERT_EQ(next.records.size(), 3u);
  EXPECT_FALSE(next.records[0].first.has_error());
  EXPECT_TRUE(next.records[1].first.has_error());  // left out of the contacts count...
  EXPECT_TRUE(next.records[2].first.has_error());
  ASSERT_EQ(r->issues.size(), 2u);                 // ... and each says why
  EXPECT_EQ(r->issues[0].rule(), "date-range");
  EXPECT_EQ(r->issues[0].line(), 3);
  EXPECT_EQ(r->issues[0].field(), "contact_date");
  EXPECT_EQ(r->issues[0].child(), "C2");
  EXPECT_EQ(r->issues[1].line(), 4);
  EXPECT_EQ(r->issues[1].field(), "birth_date");
  // The date of birth is not repeated; other dates are.
  EXPECT_NE(r->issues[0].message().find("01/01/9999"), std::string::npos) << r->issues[0].message();
  EXPECT_EQ(r->issues[1].message().find("1890"), std::string::npos) << r->issues[1].message();
}
}  // namespace
}  // namespace carestat
