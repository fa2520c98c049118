#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
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

// The parser's own rules: these files are not whole valid returns, so the rule engine's
// DfE rules (tested in tests/unit/validation) are off.
CollectingSink Parse(const std::string& xml) {
  std::istringstream in(xml);
  CollectingSink sink;
  sink.engine_rules = false;
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

TEST(CinCensusTest, BadOrMissingReferralDateIsRule8600AndLeavesOutThatEpisodeOnly) {
  // DfE 8600: CINreferralDate must be present (and on or before the ReferenceDate). One
  // that is missing or not a date cannot key the episode: it is reported and left out,
  // with what it holds, and the file is read on.
  auto bad = Parse(Census(Child("A1", Details("2015-02-30", "<Assessments><AssessmentActualStartDate>2015-03-01"
                                                            "</AssessmentActualStartDate></Assessments>") +
                                          Details("2015-06-01"))));
  EXPECT_EQ(bad.fatal, 0) << bad.AllMessages();
  ASSERT_EQ(bad.issues.size(), 1u) << bad.AllMessages();
  EXPECT_EQ(bad.issues[0].rule(), "8600");
  EXPECT_EQ(bad.issues[0].severity(), v1::ERROR);
  EXPECT_EQ(bad.issues[0].field(), "CINreferralDate");
  EXPECT_EQ(bad.issues[0].child(), "A1");
  EXPECT_EQ(bad.issues[0].message(),
            "cin.xml line 12: CINreferralDate '2015-02-30' is not a date (expected YYYY-MM-DD), so this CIN episode "
            "(CINdetails) is left out with the 1 records within it (rule 8600: child referral date missing or after "
            "data collection period)");
  ASSERT_EQ(bad.records.size(), 2u) << "the child and its good episode; not the bad one nor its assessment";
  EXPECT_TRUE(bad.records[0].first.has_child());
  ASSERT_TRUE(bad.records[1].first.has_referral());
  EXPECT_EQ(ToDays(bad.records[1].first.referral().referral_date()), DayNumber(2015, 6, 1));
  EXPECT_FALSE(bad.records[1].first.has_error());

  auto missing = Parse(Census(Child("A1", "<CINdetails><ReferralSource>5A</ReferralSource></CINdetails>\n") +
                              Child("B2", Details("2015-05-01"))));
  EXPECT_EQ(missing.fatal, 0) << missing.AllMessages();
  ASSERT_EQ(missing.issues.size(), 1u) << missing.AllMessages();
  EXPECT_EQ(missing.issues[0].rule(), "8600");
  EXPECT_EQ(missing.issues[0].child(), "A1");
  EXPECT_NE(missing.issues[0].message().find("cin.xml line 11: CINdetails has no CINreferralDate, so this CIN "
                                             "episode (CINdetails) is left out (rule 8600"),
            std::string::npos)
      << missing.issues[0].message();
  int referrals = 0, children = 0;
  for (const auto& [r, id] : missing.records) {
    referrals += r.has_referral();
    children += r.has_child();
  }
  EXPECT_EQ(children, 2);
  EXPECT_EQ(referrals, 1);

  // Near miss: the last day of the census year is a referral date like any other.
  auto last_day = Parse(Census(Child("A1", Details("2016-03-31"))));
  EXPECT_TRUE(last_day.issues.empty()) << last_day.AllMessages();
  EXPECT_EQ(last_day.records.size(), 2u);
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

// Issue 14: one bad row never hides the rest. A child without LAchildID (8500), an
// episode without a referral date and one whose referral date is not a date (8600), and
// a closure date that is not one (date) are each reported under their rule, with line
// and field and no child's identifier in the message; what cannot be keyed is left out
// and everything else is read, counted and passed on to be stored.
TEST(CinCensusTest, OneBadChildOrEpisodeIsReportedAndTheRestIsRead) {
  const std::string no_id =
      "<Child>\n<ChildIdentifiers><PersonBirthDate>2010-05-01</PersonBirthDate><GenderCurrent>1</GenderCurrent>"
      "</ChildIdentifiers>\n<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n" +
      Details("2015-07-01") + Details("2015-09-01", "<CINclosureDate>2015-10-01</CINclosureDate>") + "</Child>\n";
  const std::string xml = Census(
      Child("GOOD1", Details("2015-04-01")) + no_id +
      Child("NOREF", "<CINdetails>\n<ReferralSource>5A</ReferralSource>\n</CINdetails>\n" + Details("2015-05-01")) +
      Child("BADREF", Details("2015-13-01") + Details("2015-08-01")) +
      Child("BADCLOSE", Details("2015-06-01", "<CINclosureDate>2015-06-31</CINclosureDate>"
                                              "<ReasonForClosure>RC1</ReasonForClosure>")) +
      Child("GOOD2", Details("2015-10-01") + Details("2015-04-02", "<CINclosureDate>2015-05-01</CINclosureDate>"
                                                                  "<ReasonForClosure>RC1</ReasonForClosure>")));
  CollectingSink stored;
  stored.engine_rules = false;
  auto r = CheckFile(WriteTemp("rows.xml", xml), "rows.xml", "301", 2016, &stored);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->fatal) << stored.AllMessages();
  std::map<std::string, int> by_rule;
  for (const auto& i : r->issues) {
    ++by_rule[i.rule()];
    EXPECT_EQ(i.severity(), v1::ERROR) << i.message();
    EXPECT_GT(i.line(), 0) << i.message();
    EXPECT_FALSE(i.field().empty()) << i.message();
    for (const char* id : {"GOOD1", "NOREF", "BADREF", "BADCLOSE", "GOOD2"}) {
      EXPECT_EQ(i.message().find(id), std::string::npos) << i.message();
    }
  }
  EXPECT_EQ(by_rule, (std::map<std::string, int>{{"8500", 1}, {"8600", 2}, {"date", 1}})) << stored.AllMessages();
  EXPECT_EQ(r->errors, 4);
  for (const auto& i : r->issues) {
    if (i.rule() == "8500") {
      EXPECT_EQ(i.field(), "LAchildID");
      EXPECT_EQ(i.child(), "");
      EXPECT_EQ(i.line(), 15);
      EXPECT_EQ(i.message(), "rows.xml line 15: LA Child ID missing (LAchildID), so this child is left out with its "
                             "2 CIN episodes (rule 8500)");
    }
    if (i.rule() == "8600") {
      EXPECT_TRUE(i.child() == "NOREF" || i.child() == "BADREF") << i.child();
      EXPECT_EQ(i.field(), "CINreferralDate");
    }
    if (i.rule() == "date") {
      EXPECT_EQ(i.child(), "BADCLOSE");
      EXPECT_EQ(i.field(), "CINclosureDate");
      EXPECT_NE(i.message().find("CINclosureDate '2015-06-31' is not a date"), std::string::npos) << i.message();
    }
  }
  // Stored: 5 children (not the one without an id), and their 6 keyed episodes; the
  // episode with a bad closure date is kept and flagged, so metrics leave it out.
  EXPECT_EQ(r->children, 5);
  EXPECT_EQ(r->records["child"], 5);
  EXPECT_EQ(r->records["referral"], 6);
  EXPECT_EQ(r->record_total, 11);
  std::set<std::string> ids;
  int flagged = 0;
  for (const auto& [rec, id] : stored.records) {
    ids.insert(id);
    EXPECT_FALSE(id.empty());
    if (rec.has_error()) {
      ++flagged;
      EXPECT_EQ(id, "BADCLOSE");
      EXPECT_FALSE(rec.referral().has_closure_date());
    }
  }
  EXPECT_EQ(ids, (std::set<std::string>{"GOOD1", "NOREF", "BADREF", "BADCLOSE", "GOOD2"}));
  EXPECT_EQ(flagged, 1);
  EXPECT_EQ(stored.records.size(), 11u);
}

TEST(CinCensusTest, AChildWithoutLaChildIdIsStillCheckedAgainstItsOtherRules) {
  // 8500 leaves the child out; its own breaks (here 4180 and 8600) are still reported,
  // naming no child, so one validate run shows all there is to correct.
  auto sink = Parse(Census("<Child><ChildIdentifiers><LAchildID> </LAchildID><GenderCurrent>X</GenderCurrent>"
                           "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
                           "</ChildCharacteristics>" + Details("2016-04-01") + "</Child>\n" +
                           Child("B2", Details("2015-05-01"))));
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  EXPECT_TRUE(sink.HasRule("8500") && sink.HasRule("4180") && sink.HasRule("8600")) << sink.AllMessages();
  for (const auto& i : sink.issues) EXPECT_EQ(i.child(), "") << i.message();
  ASSERT_EQ(sink.records.size(), 2u);
  for (const auto& [r, id] : sink.records) EXPECT_EQ(id, "B2");
  // Near miss: an LAchildID of one character is an identifier.
  auto one = Parse(Census(Child("7", Details("2015-05-01"))));
  EXPECT_FALSE(one.HasRule("8500")) << one.AllMessages();
  EXPECT_EQ(one.records.size(), 2u);
}

TEST(CinCensusTest, WithoutAHeaderTheFileCannotBeRead) {
  // No ReferenceDate means no census year to read the children against: fatal, rule 100.
  auto none = Parse("<Message><Children>" + Child("A1", Details("2015-05-01")) + "</Children></Message>");
  EXPECT_GT(none.fatal, 0);
  EXPECT_TRUE(none.HasRule("100")) << none.AllMessages();
  EXPECT_NE(none.AllMessages().find("no <Header>"), std::string::npos) << none.AllMessages();
  auto no_date = Parse("<Message><Header><CollectionDetails><Year>2016</Year></CollectionDetails></Header>"
                       "<Children>" + Child("A1", Details("2015-05-01")) + "</Children></Message>");
  EXPECT_GT(no_date.fatal, 0);
  EXPECT_NE(no_date.AllMessages().find("the header has no ReferenceDate"), std::string::npos) << no_date.AllMessages();
  auto wrong_root = Parse("<Census></Census>");
  EXPECT_EQ(wrong_root.fatal, 1) << wrong_root.AllMessages();  // the root is named, no header asked for
  EXPECT_TRUE(wrong_root.HasRule("xml"));
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST(CinCensusTest, EmptyDateElementsLeaveTheDateUnset) {
  auto sink = Parse(Census(Child("A1", Details("2015-04-01", "<CINclosureDate></CINclosureDate>"
                                                             "<ChildProtectionPlans><CPPstartDate>2015-04-01"
                                                             "</CPPstartDate><CPPendDate/><Reviews><CPPreviewDate>"
                                                             "</CPPreviewDate></Reviews></ChildProtectionPlans>"))));
  // An empty date is missing, not a value that is not a date (for a review, DfE's 8842Q).
  EXPECT_FALSE(sink.HasRule("date")) << sink.AllMessages();
  bool checked_referral = false, checked_plan = false;
  for (const auto& [r, id] : sink.records) {
    if (r.has_referral()) {
      EXPECT_FALSE(r.referral().has_closure_date());
      checked_referral = true;
    }
    if (r.has_cp_plan()) {
      EXPECT_FALSE(r.cp_plan().has_end_date());
      EXPECT_EQ(r.cp_plan().review_dates_size(), 0);
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
