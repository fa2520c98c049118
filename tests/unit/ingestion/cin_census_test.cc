#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "services/common/dates.h"
#include "services/ingestion/check.h"
#include "services/ingestion/formats/cin_census.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

std::string Census(const std::string& children, const std::string& lea = "301",
                   const std::string& ref = "2016-03-31") {
  return "<?xml version=\"1.0\"?>\n<Message>\n<Header>\n<CollectionDetails><Collection>CIN</Collection>"
         "<Year>2016</Year><ReferenceDate>" + ref + "</ReferenceDate></CollectionDetails>\n"
         "<Source><SourceLevel>L</SourceLevel><LEA>" + lea + "</LEA></Source>\n</Header>\n<Children>\n" +
         children + "</Children>\n</Message>\n";
}

std::string Child(const std::string& id, const std::string& details) {
  return "<Child>\n<ChildIdentifiers><LAchildID>" + id +
         "</LAchildID><PersonBirthDate>2010-05-01</PersonBirthDate><GenderCurrent>2</GenderCurrent>"
         "</ChildIdentifiers>\n<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n" +
         details + "</Child>\n";
}

std::string Details(const std::string& referral, const std::string& extra = "") {
  return "<CINdetails>\n<CINreferralDate>" + referral +
         "</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>" + extra +
         "\n</CINdetails>\n";
}

CollectingSink Parse(const std::string& xml) {
  std::istringstream in(xml);
  CollectingSink sink;
  EXPECT_TRUE(ParseCinCensus(in, "cin.xml", sink).ok());
  return sink;
}

TEST(CinCensusTest, ChildrenAndReferrals) {
  auto sink = Parse(Census(Child("A1", Details("2015-04-01", "<CINclosureDate>2015-06-01</CINclosureDate>"
                                                             "<ReasonForClosure>RC1</ReasonForClosure>"
                                                             "<ReferralNFA>true</ReferralNFA>") +
                                           Details("2016-03-31")) +
                           Child("B2", Details("2014-01-01"))));
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  EXPECT_EQ(sink.header_la, "301");
  EXPECT_EQ(sink.header_year, 2016);
  int children = 0, referrals = 0;
  for (const auto& [r, id] : sink.records) {
    if (r.has_child()) {
      ++children;
      EXPECT_EQ(r.child().sex(), v1::FEMALE);
      EXPECT_EQ(r.child().ethnicity(), "WBRI");
    }
    if (r.has_referral()) ++referrals;
  }
  EXPECT_EQ(children, 2);
  EXPECT_EQ(referrals, 3);
  const auto& first = sink.records[1];
  ASSERT_TRUE(first.first.has_referral());
  EXPECT_EQ(first.second, "A1");
  EXPECT_EQ(ToDays(first.first.referral().referral_date()), DayNumber(2015, 4, 1));
  EXPECT_EQ(ToDays(first.first.referral().closure_date()), DayNumber(2015, 6, 1));
  EXPECT_TRUE(first.first.referral().nfa());
  EXPECT_EQ(first.first.referral().primary_need(), "N1");
  EXPECT_GT(first.first.line(), 5);
}

TEST(CinCensusTest, MalformedXmlIsFatalWithLineAndColumn) {
  auto sink = Parse(Census(Child("A1", Details("2015-04-01"))).substr(0, 300));
  EXPECT_GT(sink.fatal, 0);
  EXPECT_TRUE(sink.HasRule("xml"));
  EXPECT_NE(sink.AllMessages().find("line"), std::string::npos);
  EXPECT_NE(sink.AllMessages().find("malformed XML"), std::string::npos) << sink.AllMessages();
}

TEST(CinCensusTest, BadOrMissingReferralDateIsFatalNamingChildAndField) {
  auto bad = Parse(Census(Child("A1", Details("2015-02-30"))));
  EXPECT_GT(bad.fatal, 0);
  ASSERT_FALSE(bad.issues.empty());
  EXPECT_EQ(bad.issues[0].field(), "CINreferralDate");
  EXPECT_EQ(bad.issues[0].child(), "A1");
  EXPECT_NE(bad.issues[0].message().find("2015-02-30"), std::string::npos);
  auto missing = Parse(Census(Child("A1", "<CINdetails><ReferralSource>5A</ReferralSource></CINdetails>\n")));
  EXPECT_GT(missing.fatal, 0);
  EXPECT_NE(missing.AllMessages().find("no CINreferralDate"), std::string::npos) << missing.AllMessages();
}

TEST(CinCensusTest, StrayTextIsAQueryNotAFailure) {
  std::string xml = Census(Child("A1", Details("2015-04-01")));
  xml.replace(xml.find("</LAchildID>") + 12, 0, "PersonBirthDate");
  auto sink = Parse(xml);
  EXPECT_EQ(sink.fatal, 0);
  ASSERT_TRUE(sink.HasRule("stray-text"));
  EXPECT_EQ(sink.issues[0].severity(), v1::QUERY);
  EXPECT_EQ(sink.records.size(), 2u);
}

TEST(CinCensusTest, HeaderMustAgreeWithWhereTheFileWasFiled) {
  std::string path = WriteTemp("cin.xml", Census(Child("A1", Details("2015-04-01")), "201", "2016-03-31"));
  auto la = CheckFile(path, "cin.xml", "301", 2016, nullptr);
  ASSERT_TRUE(la.ok());
  EXPECT_TRUE(la->fatal);
  ASSERT_FALSE(la->issues.empty());
  EXPECT_EQ(la->issues[0].rule(), "header-la");
  EXPECT_NE(la->issues[0].message().find("LEA is 201"), std::string::npos);
  auto year = CheckFile(path, "cin.xml", "201", 2015, nullptr);
  ASSERT_TRUE(year.ok());
  EXPECT_TRUE(year->fatal);
  EXPECT_EQ(year->issues[0].rule(), "header-year");
  auto ok = CheckFile(path, "cin.xml", "201", 2016, nullptr);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->fatal);
  EXPECT_EQ(ok->records["referral"], 1);
  EXPECT_EQ(ok->children, 1);
}

TEST(CinCensusTest, EveryCutOfAValidFileFailsCleanly) {
  std::string xml = Census(Child("A1", Details("2015-04-01")) + Child("B2", Details("2015-05-01")));
  for (size_t cut = 0; cut < xml.size() - 2; cut += 7) {
    auto sink = Parse(xml.substr(0, cut));
    EXPECT_GT(sink.fatal, 0) << "cut at " << cut;
  }
}

// The public sample returns: read in place, never copied into the repository.
std::string External(const std::string& name) {
  return std::string(CARESTAT_SHARED_DIR) + "/external/cin-census/" + name;
}

TEST(CinCensusConformanceTest, FakeCinDataHas332ChildrenAnd402Episodes) {
  if (!std::filesystem::exists(External("fake_CIN_data.xml"))) {
    GTEST_SKIP() << "../shared/external/cin-census is absent: conformance not checked";
  }
  auto r = CheckFile(External("fake_CIN_data.xml"), "fake_CIN_data.xml", "", 0, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->fatal);
  EXPECT_EQ(r->format, Format::kCinCensusXml);
  EXPECT_EQ(r->children, 332);
  EXPECT_EQ(r->records["referral"], 402);
}

TEST(CinCensusConformanceTest, StrayTextIn2026FileIsToleratedAndReported) {
  if (!std::filesystem::exists(External("CIN_Census_2026.xml"))) {
    GTEST_SKIP() << "../shared/external/cin-census is absent: conformance not checked";
  }
  auto r = CheckFile(External("CIN_Census_2026.xml"), "CIN_Census_2026.xml", "", 0, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->fatal);
  bool stray = false;
  for (const auto& i : r->issues) stray = stray || i.rule() == "stray-text";
  EXPECT_TRUE(stray);
  EXPECT_EQ(r->records["referral"], 2);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(CinCensusTest, EmptyDateElementsLeaveTheDateUnset) {
  auto sink = Parse(Census(Child("A1", Details("2015-04-01", "<CINclosureDate></CINclosureDate>"
                                                             "<ChildProtectionPlans><CPPstartDate>2015-04-01"
                                                             "</CPPstartDate><CPPendDate/></ChildProtectionPlans>"))));
  bool checked_referral = false, checked_plan = false;
  for (const auto& [r, id] : sink.records) {
    if (r.has_referral()) {
      EXPECT_FALSE(r.referral().has_closure_date());
      checked_referral = true;
    }
    if (r.has_cp_plan()) {
      EXPECT_FALSE(r.cp_plan().has_end_date());
      checked_plan = true;
    }
  }
  EXPECT_TRUE(checked_referral && checked_plan);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(CinCensusConformanceTest, HeaderIssuesSampleGivesRule100) {
  if (!std::filesystem::exists(External("CIN_header_issues_100.xml"))) {
    GTEST_SKIP() << "../shared/external/cin-census is absent: conformance not checked";
  }
  auto r = CheckFile(External("CIN_header_issues_100.xml"), "CIN_header_issues_100.xml", "", 0, nullptr);
  ASSERT_TRUE(r.ok());
  bool rule100 = false;
  for (const auto& i : r->issues) rule100 = rule100 || i.rule() == "100";
  EXPECT_TRUE(rule100);
  EXPECT_FALSE(r->fatal);  // a wrong ReferenceDate is an error on the return, not an unreadable file
}

TEST(CinCensusConformanceTest, EverySampleReadsWithoutBeingUnusable) {
  const std::string dir = std::string(CARESTAT_SHARED_DIR) + "/external/cin-census";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "../shared/external/cin-census is absent";
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    auto r = CheckFile(f.path().string(), f.path().filename().string(), "", 0, nullptr);
    ASSERT_TRUE(r.ok()) << f.path();
    EXPECT_FALSE(r->fatal) << f.path();
    EXPECT_GE(r->records["referral"], 1) << f.path();
    ++files;
  }
  EXPECT_EQ(files, 9);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// Rule 100 in `carestat validate` on a file alone (no folder, no --collection-year): the
// ReferenceDate is held to the header's <Year>, as ingestion holds it to its folder.
TEST(CinCensusTest, ValidateAloneComparesReferenceDateWithYear) {
  std::string xml = Census(Child("A1", Details("2015-04-01")));
  xml.replace(xml.find("<Year>2016</Year>"), 17, "<Year>2017</Year>");
  auto off = CheckFile(WriteTemp("cin-year.xml", xml), "cin-year.xml", "", 0, nullptr);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->fatal);  // an error on the return, not an unreadable file
  EXPECT_EQ(off->collection_year, 2016);
  bool rule100 = false;
  for (const auto& i : off->issues) {
    if (i.rule() != "100") continue;
    rule100 = true;
    EXPECT_EQ(i.severity(), v1::ERROR);
    EXPECT_EQ(i.field(), "ReferenceDate");
    EXPECT_NE(i.message().find("where 31 March 2017 was expected"), std::string::npos) << i.message();
  }
  EXPECT_TRUE(rule100);
  EXPECT_GT(off->errors, 0);
  // Near miss: Year and ReferenceDate agree.
  auto agree = CheckFile(WriteTemp("cin-year-ok.xml", Census(Child("A1", Details("2015-04-01")))), "cin-year-ok.xml",
                         "", 0, nullptr);
  ASSERT_TRUE(agree.ok());
  for (const auto& i : agree->issues) EXPECT_NE(i.rule(), "100") << i.message();
}

}  // namespace
}  // namespace carestat
