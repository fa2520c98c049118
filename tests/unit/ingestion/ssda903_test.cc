// SSDA903 CSV tables and XML: recognition, the records each table gives, every
// validation rule (one passing and one failing case each), robustness against broken
// input, and conformance with the public sample returns in ../shared/external/ssda903.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/check.h"
#include "services/ingestion/formats/la_codes.h"
#include "services/ingestion/formats/ssda903.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

const char kEpisodesHeader[] =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
const char kHeaderHeader[] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";

// One Episodes row; the columns the rules do not read are filled with valid values.
std::string Ep(const std::string& child, const std::string& decom, const std::string& rne, const std::string& ls,
               const std::string& place, const std::string& provider, const std::string& dec,
               const std::string& rec) {
  return child + "," + decom + "," + rne + "," + ls + ",N1," + place + "," + provider + "," + dec + "," + rec +
         ",,RM10 7AB,IG11 8XY,SC123456\n";
}

CollectingSink ParseCsv(const std::string& table, const std::string& body, int collection_year = 0) {
  std::istringstream in(body);
  CollectingSink sink;
  Ssda903Options options;
  options.collection_year = collection_year;
  EXPECT_TRUE(ParseSsda903Csv(in, table, "t.csv", sink, options).ok());
  return sink;
}

CollectingSink ParseXml(const std::string& body) {
  std::istringstream in(body);
  CollectingSink sink;
  EXPECT_TRUE(ParseSsda903Xml(in, "t.xml", sink).ok());
  return sink;
}

// A whole-file run as `carestat validate` does it: the content goes to a file of its own,
// is detected by its header and checked; `sink` also gets every record and issue.
FileReport Check(const std::string& name, const std::string& content, CollectingSink* sink) {
  const std::string path = WriteTemp(name, content);
  auto report = CheckFile(path, name, "", 0, sink);
  EXPECT_TRUE(report.ok()) << report.status();
  std::filesystem::remove(path);
  return report.ok() ? *report : FileReport();
}

int CountRule(const CollectingSink& sink, const std::string& rule) {
  return static_cast<int>(std::count_if(sink.issues.begin(), sink.issues.end(),
                                        [&](const v1::ValidationIssue& i) { return i.rule() == rule; }));
}

const v1::Record* RecordAtLine(const CollectingSink& sink, int64_t line) {
  for (const auto& [r, child] : sink.records) {
    if (r.line() == line) return &r;
  }
  return nullptr;
}

bool Flagged(const v1::Record& r, const std::string& rule) {
  return std::find(r.issue_rules().begin(), r.issue_rules().end(), rule) != r.issue_rules().end();
}

// ---------------------------------------------------------------------------------------
// Recognising the tables.

TEST(Ssda903TableOfTest, EveryTableByItsExactColumnsInAnyOrderAndCase) {
  const std::map<std::string, std::vector<std::string>> tables = {
      {"header", {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}},
      {"episodes",
       {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
        "HOME_POST", "PL_POST", "URN"}},
      {"reviews", {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}},
      {"uasc", {"CHILD", "SEX", "DOB", "DUC"}},
      {"oc2",
       {"CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
        "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}},
      {"oc3", {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}},
      {"ad1", {"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}},
      {"placed_adoption", {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}},
      {"prev_perm", {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}},
      {"missing", {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}},
      {"sw_episodes", {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}},
      {"dolo", {"CHILD", "DOB", "DOLO_START", "DOLO_END"}},
  };
  ASSERT_EQ(tables.size(), 12u);
  for (const auto& [name, columns] : tables) {
    EXPECT_EQ(Ssda903TableOf(columns), name);
    std::vector<std::string> shuffled(columns.rbegin(), columns.rend());
    for (auto& c : shuffled) {
      std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
      c = "  " + c + " ";
    }
    EXPECT_EQ(Ssda903TableOf(shuffled), name) << "reversed, lower case, padded";
    EXPECT_EQ(Ssda903TableColumns(name).substr(0, 5), "CHILD");
  }
  std::vector<std::string> bom = tables.at("dolo");
  bom[0] = "\xEF\xBB\xBF" + bom[0];
  EXPECT_EQ(Ssda903TableOf(bom), "dolo");
}

TEST(Ssda903TableOfTest, KeyColumnsWithExtraOrMissingColumnsStillNameTheTable) {
  EXPECT_EQ(Ssda903TableOf({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC", "REC", "WORKER"}), "episodes");
  EXPECT_EQ(Ssda903TableOf({"CHILD", "DOB", "DOLO_START"}), "dolo");
  EXPECT_EQ(Ssda903TableOf({"CHILD", "SEX", "DOB", "DUC", "NOTES"}), "uasc");
  EXPECT_EQ(Ssda903TableOf({"CHILD", "SEX", "DOB", "ETHNIC", "UPN"}), "header");
  EXPECT_EQ(Ssda903TableOf({"CHILD", "DOB", "REVIEW"}), "reviews");
  // Without CHILD, or with no column a table has alone, it is not SSDA903.
  EXPECT_EQ(Ssda903TableOf({"DECOM", "RNE", "LS"}), "");
  EXPECT_EQ(Ssda903TableOf({"CHILD", "SEX", "DOB"}), "");
  EXPECT_EQ(Ssda903TableOf({"Name", "Shoe size"}), "");
  EXPECT_EQ(Ssda903TableOf({}), "");
}

TEST(Ssda903TableOfTest, TablesMessageListsEveryTableWithItsColumns) {
  const std::string all = Ssda903Tables();
  EXPECT_NE(all.find("Episodes (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC"), std::string::npos)
      << all;
  EXPECT_NE(all.find("DoLo (CHILD, DOB, DOLO_START, DOLO_END)"), std::string::npos) << all;
  EXPECT_NE(all.find("SWEpisodes (CHILD, DOB, SW_ID, SW_DECOM, SW_DEC, SW_REASON)"), std::string::npos) << all;
  EXPECT_NE(all.find("PlacedAdoption"), std::string::npos) << all;
}

TEST(Ssda903TableOfTest, DetectionByContentSetsTableAndDataset) {
  auto d = DetectFormat("\xEF\xBB\xBF" "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\nC1,01/01/2010,SW1,01/01/2020,,\r\n");
  EXPECT_EQ(d.format, Format::kSsda903Csv);
  EXPECT_EQ(d.ssda903_table, "sw_episodes");
  EXPECT_EQ(d.dataset, "ssda903-sw_episodes");
  auto unknown = DetectFormat("Name,Shoe size\nx,9\n");
  EXPECT_NE(unknown.problem.find("SSDA903 tables: Header (CHILD, SEX"), std::string::npos) << unknown.problem;
}

TEST(Ssda903CsvTest, MissingAndUnknownColumnsAreFatalNamingThemAndTheExpectedSet) {
  auto sink = ParseCsv("episodes",
                       "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,"
                       "WORKER\nA,01/05/2015,S,C2,N1,U1,PR1,,,,,,Smith\n");
  EXPECT_EQ(sink.fatal, 2) << sink.AllMessages();
  EXPECT_TRUE(sink.records.empty());
  const std::string all = sink.AllMessages();
  EXPECT_NE(all.find("unknown column 'WORKER' in the Episodes table"), std::string::npos) << all;
  EXPECT_NE(all.find("missing column URN in the Episodes table"), std::string::npos) << all;
  EXPECT_NE(all.find("expected the Episodes columns CHILD, DECOM, RNE"), std::string::npos) << all;
  auto twice = ParseCsv("dolo", "CHILD,DOB,DOLO_START,DOLO_START\nA,01/01/2010,01/01/2020,01/01/2020\n");
  EXPECT_EQ(twice.fatal, 2) << twice.AllMessages();  // DOLO_START twice, DOLO_END missing
  EXPECT_NE(twice.AllMessages().find("column DOLO_START appears twice"), std::string::npos);
  auto bad_table = ParseCsv("nonsense", "CHILD\nA\n");
  EXPECT_EQ(bad_table.fatal, 1);
}

// ---------------------------------------------------------------------------------------
// The records each table gives.

TEST(Ssda903CsvTest, EpisodeRowsBecomeCareEpisodesWithDistrictsOnly) {
  auto sink = ParseCsv("episodes", std::string(kEpisodesHeader) +
                                       "C1 ,01/05/2015,S,C2,n1,U1,PR1,01/08/2015,X1,,rm10 7ab,IG11 8XY,SC123456\n"
                                       "C1,01/08/2015,P,C2,N1,U2,PR1,,,CARPL,RM107AB,,\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 2u);
  const v1::CareEpisode& e = sink.records[0].first.care_episode();
  EXPECT_EQ(sink.records[0].second, "C1");
  EXPECT_EQ(sink.records[0].first.line(), 2);
  EXPECT_EQ(ToDays(e.start_date()), DayNumber(2015, 5, 1));
  EXPECT_EQ(e.reason_new_episode(), "S");
  EXPECT_EQ(e.legal_status(), "C2");
  EXPECT_EQ(e.cin_category(), "N1");
  EXPECT_EQ(e.placement(), "U1");
  EXPECT_EQ(e.provider(), "PR1");
  EXPECT_EQ(ToDays(e.end_date()), DayNumber(2015, 8, 1));
  EXPECT_EQ(e.reason_ceased(), "X1");
  EXPECT_EQ(e.home_postcode_district(), "RM10");
  EXPECT_EQ(e.placement_postcode_district(), "IG11");
  EXPECT_TRUE(e.child_id().empty());  // the sink pseudonymises
  const v1::CareEpisode& open = sink.records[1].first.care_episode();
  EXPECT_EQ(sink.records[1].first.line(), 3);
  EXPECT_FALSE(open.has_end_date());
  EXPECT_EQ(open.reason_place_change(), "CARPL");
  EXPECT_EQ(open.home_postcode_district(), "RM10");  // no space: the inward code is the last three
  EXPECT_EQ(open.placement_postcode_district(), "");
  for (const auto& [r, child] : sink.records) {
    const std::string text = r.DebugString();
    EXPECT_EQ(text.find("7AB"), std::string::npos) << "a full postcode was kept";
    EXPECT_EQ(text.find("8XY"), std::string::npos) << "a full postcode was kept";
    EXPECT_EQ(text.find("SC123456"), std::string::npos) << "the URN was kept";
  }
}

TEST(Ssda903CsvTest, HeaderRowsBecomeChildrenWithoutTheUpn) {
  auto sink = ParseCsv("header", std::string(kHeaderHeader) +
                                     "C1,1,01/02/2010,WBRI,A12345678901B,,\n"
                                     "C2,2,02/03/2011,bafr,UN2,1,01/01/2011\n"
                                     "C3,M,02/03/2011,NOBT,,,\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 3u);
  const v1::Child& c1 = sink.records[0].first.child();
  EXPECT_EQ(c1.sex(), v1::MALE);
  EXPECT_EQ(ToDays(c1.birth_date()), DayNumber(2010, 2, 1));
  EXPECT_EQ(c1.ethnicity(), "WBRI");
  EXPECT_TRUE(c1.upn_known());
  EXPECT_EQ(sink.records[0].first.DebugString().find("A12345678901B"), std::string::npos);
  const v1::Child& c2 = sink.records[1].first.child();
  EXPECT_EQ(c2.sex(), v1::FEMALE);
  EXPECT_EQ(c2.ethnicity(), "BAFR");
  EXPECT_FALSE(c2.upn_known());  // UN2: unknown
  EXPECT_EQ(sink.records[2].first.child().sex(), v1::MALE);
}

TEST(Ssda903CsvTest, DateOfBirthAfterTheCollectionYearIsRule301WithoutRepeatingTheDate) {
  auto sink = ParseCsv("header", std::string(kHeaderHeader) +
                                     "C1,1,31/03/2016,WBRI,,,\n"
                                     "C2,2,01/04/2016,WBRI,,,\n"
                                     "C3,2,31/12/9999,WBRI,,,\n"
                                     "C4,2,17/06/2O09,WBRI,,,\n",
                       2016);
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  std::vector<std::pair<std::string, int64_t>> got;
  for (const auto& i : sink.issues) {
    got.emplace_back(i.rule(), i.line());
    EXPECT_EQ(i.field(), "DOB");
    // Neither the date nor the child is in the message.
    for (const char* v : {"01/04/2016", "31/12/9999", "17/06/2O09", "C2", "C3", "C4"}) {
      EXPECT_EQ(i.message().find(v), std::string::npos) << v << " in " << i.message();
    }
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int64_t>>{{"301", 3}, {"301", 4}, {"102", 5}}))
      << sink.AllMessages();
  EXPECT_EQ(sink.issues[0].child(), "C2");
  EXPECT_TRUE(sink.records[1].first.has_error());
  // Without a collection year nothing can be compared.
  auto loose = ParseCsv("header", std::string(kHeaderHeader) + "C2,2,01/04/2016,WBRI,,,\n");
  EXPECT_TRUE(loose.issues.empty()) << loose.AllMessages();
}

TEST(Ssda903CsvTest, Ad1DateIntIsTheDecisionToPlaceNotTheCourtAuthority) {
  auto sink = ParseCsv("ad1",
                       "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
                       "C1,01/02/2010,01/03/2015,01/06/2015,1,2,MF,L11\n");
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 1u);
  const v1::Adoption& a = sink.records[0].first.adoption();
  EXPECT_EQ(a.source_table(), "ad1");
  EXPECT_EQ(ToDays(a.decision_date()), DayNumber(2015, 3, 1));
  EXPECT_FALSE(a.has_court_authority_date());
  EXPECT_EQ(ToDays(a.match_date()), DayNumber(2015, 6, 1));
  EXPECT_TRUE(a.adopted_by_foster_carer());
  EXPECT_TRUE(a.adopted_by_foster_carer_known());
  EXPECT_EQ(a.adopter_number(), 2);
  EXPECT_EQ(a.adopter_sex(), "MF");
  EXPECT_EQ(a.adopter_legal_status(), "L11");
}

TEST(Ssda903CsvTest, PlacedAdoptionDatePlacedIsTheDecisionDate) {
  auto sink = ParseCsv("placed_adoption",
                       "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
                       "C1,01/02/2010,01/03/2015,01/09/2015,rd1\n");
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 1u);
  const v1::Adoption& a = sink.records[0].first.adoption();
  EXPECT_EQ(a.source_table(), "placed_adoption");
  EXPECT_EQ(ToDays(a.decision_date()), DayNumber(2015, 3, 1));
  EXPECT_EQ(ToDays(a.decision_ceased_date()), DayNumber(2015, 9, 1));
  EXPECT_EQ(a.decision_ceased_reason(), "RD1");
  EXPECT_FALSE(a.has_match_date());
}

TEST(Ssda903CsvTest, OtherTablesGiveTheirOwnRecordsWithCodesAndDatesOnly) {
  auto oc3 = ParseCsv("oc3", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nC1,01/02/1997,YES,F1,B1\n");
  ASSERT_EQ(oc3.records.size(), 1u);
  EXPECT_EQ(oc3.records[0].first.care_leaver().in_touch(), "YES");
  EXPECT_EQ(oc3.records[0].first.care_leaver().activity(), "F1");
  EXPECT_EQ(oc3.records[0].first.care_leaver().accommodation(), "B1");
  EXPECT_EQ(ToDays(oc3.records[0].first.care_leaver().birth_date()), DayNumber(1997, 2, 1));

  auto reviews = ParseCsv("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/02/2010,01/06/2015,PN1\n");
  ASSERT_EQ(reviews.records.size(), 1u);
  EXPECT_EQ(ToDays(reviews.records[0].first.review().review_date()), DayNumber(2015, 6, 1));
  EXPECT_EQ(reviews.records[0].first.review().participation(), "PN1");

  auto uasc = ParseCsv("uasc", "CHILD,SEX,DOB,DUC\nC1,1,01/02/2005,01/02/2023\n");
  ASSERT_EQ(uasc.records.size(), 1u);
  EXPECT_EQ(ToDays(uasc.records[0].first.uasc().ceased_date()), DayNumber(2023, 2, 1));

  auto oc2 = ParseCsv("oc2",
                      "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
                      "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
                      "C1,01/02/2010,12,,0,1,1,0,1,0,,\n");
  ASSERT_EQ(oc2.records.size(), 1u);
  const v1::LacOutcomes& o = oc2.records[0].first.lac_outcomes();
  EXPECT_EQ(o.sdq_score(), 12);
  EXPECT_TRUE(o.sdq_score_known());
  EXPECT_EQ(o.convicted(), "0");
  EXPECT_EQ(o.health_check(), "1");
  EXPECT_EQ(o.teeth_check(), "0");
  EXPECT_EQ(o.intervention_offered(), "");

  auto perm = ParseCsv("prev_perm", "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nC1,01/02/2010,P1,301,zz/ZZ/2012\n"
                                    "C2,01/02/2010,P2,,05/06/2013\n");
  ASSERT_EQ(perm.records.size(), 2u);
  EXPECT_EQ(perm.records[0].first.previous_permanence().option(), "P1");
  EXPECT_EQ(perm.records[0].first.previous_permanence().la(), "301");
  EXPECT_EQ(perm.records[0].first.previous_permanence().order_date_partial(), "ZZ/ZZ/2012");
  EXPECT_EQ(ToDays(perm.records[1].first.previous_permanence().order_date()), DayNumber(2013, 6, 5));

  auto missing = ParseCsv("missing", "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/02/2010,a,01/06/2015,\n");
  ASSERT_EQ(missing.records.size(), 1u);
  EXPECT_EQ(missing.records[0].first.missing_episode().kind(), "A");
  EXPECT_EQ(ToDays(missing.records[0].first.missing_episode().start_date()), DayNumber(2015, 6, 1));
  EXPECT_FALSE(missing.records[0].first.missing_episode().has_end_date());

  auto sw = ParseCsv("sw_episodes",
                     "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/02/2010,SW4711X,01/06/2015,03/06/2015,MANAGE\n");
  ASSERT_EQ(sw.records.size(), 1u);
  EXPECT_EQ(ToDays(sw.records[0].first.social_worker_episode().start_date()), DayNumber(2015, 6, 1));
  EXPECT_EQ(ToDays(sw.records[0].first.social_worker_episode().end_date()), DayNumber(2015, 6, 3));
  EXPECT_EQ(sw.records[0].first.social_worker_episode().reason_changed(), "MANAGE");
  EXPECT_EQ(sw.records[0].first.DebugString().find("SW4711X"), std::string::npos) << "the worker id was kept";

  auto dolo = ParseCsv("dolo", "CHILD,DOB,DOLO_START,DOLO_END\nC1,01/02/2010,01/06/2015,03/06/2015\n");
  ASSERT_EQ(dolo.records.size(), 1u);
  EXPECT_EQ(ToDays(dolo.records[0].first.deprivation_of_liberty().start_date()), DayNumber(2015, 6, 1));
  EXPECT_EQ(ToDays(dolo.records[0].first.deprivation_of_liberty().end_date()), DayNumber(2015, 6, 3));

  for (const auto* s : {&oc3, &reviews, &uasc, &oc2, &perm, &missing, &sw, &dolo}) {
    EXPECT_EQ(s->fatal, 0) << s->AllMessages();
    EXPECT_TRUE(s->issues.empty()) << s->AllMessages();
    EXPECT_EQ(s->records[0].first.line(), 2);
    EXPECT_EQ(s->records[0].second, "C1");
  }
}

// ---------------------------------------------------------------------------------------
// Every rule: a small file that passes and one that breaks it.

struct RuleCase {
  std::string rule;
  std::string file_name;
  std::string header;  // the table's header row
  std::string pass;    // rows that break no rule at all
  std::string fail;    // rows that break `rule`
  int64_t line;        // the line of the row that breaks it
  bool left_out;       // whether breaking it leaves the row without a record (a key date)
};

// gtest names a failing case by this rather than by its bytes.
void PrintTo(const RuleCase& c, std::ostream* os) { *os << "rule " << c.rule << " (" << c.file_name << ")"; }

std::string CaseName(const testing::TestParamInfo<RuleCase>& info) {
  std::string name = "Rule" + info.param.rule;
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

const std::string kEpisodeCols(kEpisodesHeader);
const std::string kReviewCols = "CHILD,DOB,REVIEW,REVIEW_CODE\n";
const std::string kUascCols = "CHILD,SEX,DOB,DUC\n";
const std::string kOc2Cols =
    "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
    "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n";
const std::string kOc3Cols = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n";
const std::string kAd1Cols = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n";
const std::string kPlacedCols = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n";
const std::string kPermCols = "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n";
const std::string kMissingCols = "CHILD,DOB,MISSING,MIS_START,MIS_END\n";
const std::string kSwCols = "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n";
const std::string kDoloCols = "CHILD,DOB,DOLO_START,DOLO_END\n";

// A child's care that breaks no rule: S, a placement change (X1 into P), still open.
const std::string kGoodCare = Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "X1") +
                              Ep("A", "01/08/2015", "P", "C2", "U2", "PR1", "", "");

std::vector<RuleCase> RuleCases() {
  return {
      // Episodes: codes and dates of one row.
      {"141", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "32/05/2015", "S", "C2", "U1", "PR1", "", ""), 2, true},
      {"143", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "Q", "C2", "U1", "PR1", "", ""), 2, false},
      {"144", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "X9", "U1", "PR1", "", ""), 2, false},
      {"145", "e.csv", kEpisodeCols, kGoodCare, "A,01/05/2015,S,C2,N9,U1,PR1,,,,,,\n", 2, false},
      {"146", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "A1", "PR1", "", ""), 2, false},
      {"178", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "U1", "PR9", "", ""), 2, false},
      {"147", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "31/02/2016", "E13"),
       2, false},
      {"149", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/09/2015", "E71"),
       2, false},
      {"148", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/09/2015", ""), 2,
       false},
      {"356", "e.csv", kEpisodeCols, kGoodCare, Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/04/2015", "E13"),
       2, false},
      {"1009", "e.csv", kEpisodeCols, kGoodCare, "A,01/05/2015,S,C2,N1,U1,PR1,,,BORED,,,\n", 2, false},
      // Episodes: the rules over a child's episodes.
      {"142", "e.csv", kEpisodeCols, kGoodCare,
       Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "", "") + Ep("A", "01/08/2015", "P", "C2", "U2", "PR1", "", ""),
       2, false},
      {"357", "e.csv", kEpisodeCols,
       // B's first episode began before the collection year (2015-16, from the latest
       // DECOM): it may follow episodes of earlier returns.
       kGoodCare + Ep("B", "01/01/2015", "P", "C2", "U1", "PR1", "", ""),
       Ep("A", "01/05/2015", "P", "C2", "U1", "PR1", "", ""), 2, false},
      {"361", "e.csv", kEpisodeCols,
       Ep("A", "01/05/2015", "S", "L1", "U1", "PR1", "03/05/2015", "X1") +
           Ep("A", "03/05/2015", "L", "C2", "U1", "PR1", "", ""),
       Ep("A", "01/05/2015", "S", "L1", "U1", "PR1", "10/05/2015", "X1") +
           Ep("A", "10/05/2015", "L", "C2", "U1", "PR1", "", ""),
       2, false},
      {"388", "e.csv", kEpisodeCols, kGoodCare,
       Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "X1") +
           Ep("A", "05/08/2015", "S", "C2", "U2", "PR1", "", ""),
       2, false},
      {"501", "e.csv", kEpisodeCols, kGoodCare,
       Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/09/2015", "E13") +
           Ep("A", "01/08/2015", "S", "C2", "U2", "PR1", "", ""),
       3, false},
      // Header.
      {"101", "h.csv", kHeaderHeader, "A,1,01/02/2010,WBRI,A12345678901B,,\n", "A,3,01/02/2010,WBRI,,,\n", 2,
       false},
      {"102", "h.csv", kHeaderHeader, "A,1,01/02/2010,WBRI,UN1,,\n", "A,1,2010-02-01,WBRI,UN1,,\n", 2, false},
      {"103", "h.csv", kHeaderHeader, "A,2,01/02/2010,REFU,,,\n", "A,2,01/02/2010,XXXX,,,\n", 2, false},
      {"168", "h.csv", kHeaderHeader, "A,2,01/02/2010,REFU,A123456789012,,\n", "A,2,01/02/2010,REFU,I12345,,\n", 2,
       false},
      // Reviews.
      {"166", "r.csv", kReviewCols, "A,01/02/2010,01/06/2015,PN1\n", "A,01/02/2010,1 June 2015,PN1\n", 2, true},
      {"167", "r.csv", kReviewCols, "A,01/02/2010,01/06/2015,PN7\n", "A,01/02/2010,01/06/2015,PN9\n", 2, false},
      // UASC.
      {"104", "u.csv", kUascCols, "A,1,01/02/2005,01/02/2023\n", "A,1,01/02/2005,01/13/2023\n", 2, false},
      // OC2.
      {"180", "o2.csv", kOc2Cols, "A,01/02/2010,40,,0,1,1,1,1,0,,\n", "A,01/02/2010,41,,0,1,1,1,1,0,,\n", 2, false},
      {"181", "o2.csv", kOc2Cols, "A,01/02/2010,,SDQ1,0,1,1,1,1,0,,\n", "A,01/02/2010,,SDQ1,Y,1,1,1,1,0,,\n", 2,
       false},
      {"196", "o2.csv", kOc2Cols, "A,01/02/2010,,SDQ5,0,1,1,1,1,0,,\n", "A,01/02/2010,,SDQ9,0,1,1,1,1,0,,\n", 2,
       false},
      // OC3.
      {"131", "o3.csv", kOc3Cols, "A,01/02/1997,NO,F2,C1\n", "A,01/02/1997,MAYBE,F2,C1\n", 2, false},
      {"132", "o3.csv", kOc3Cols, "A,01/02/1997,YES,G6,C1\n", "A,01/02/1997,YES,Q9,C1\n", 2, false},
      {"133", "o3.csv", kOc3Cols, "A,01/02/1997,YES,F1,Z2\n", "A,01/02/1997,YES,F1,01\n", 2, false},
      // AD1.
      {"112", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,0,1,F1,L0\n",
       "A,01/02/2010,1/3/2015,01/06/2015,0,1,F1,L0\n", 2, false},
      {"113", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,0,1,F1,L0\n",
       "A,01/02/2010,01/03/2015,June,0,1,F1,L0\n", 2, false},
      {"114", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,1,1,F1,L0\n",
       "A,01/02/2010,01/03/2015,01/06/2015,2,1,F1,L0\n", 2, false},
      {"175", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,0,2,MM,L12\n",
       "A,01/02/2010,01/03/2015,01/06/2015,0,3,MM,L12\n", 2, false},
      {"176", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,0,1,M1,L0\n",
       "A,01/02/2010,01/03/2015,01/06/2015,0,1,XX,L0\n", 2, false},
      {"177", "a.csv", kAd1Cols, "A,01/02/2010,01/03/2015,01/06/2015,0,2,MF,L3\n",
       "A,01/02/2010,01/03/2015,01/06/2015,0,2,MF,L9\n", 2, false},
      {"333", "a.csv", kAd1Cols, "A,01/02/2010,01/06/2015,01/06/2015,0,1,F1,L0\n",
       "A,01/02/2010,02/06/2015,01/06/2015,0,1,F1,L0\n", 2, false},
      // PlacedAdoption.
      {"115", "p.csv", kPlacedCols, "A,01/02/2010,01/03/2015,,\n", "A,01/02/2010,01.03.2015,,\n", 2, false},
      {"116", "p.csv", kPlacedCols, "A,01/02/2010,01/03/2015,01/09/2015,RD1\n",
       "A,01/02/2010,01/03/2015,31/09/2015,RD1\n", 2, false},
      {"119", "p.csv", kPlacedCols, "A,01/02/2010,01/03/2015,01/09/2015,RD4\n",
       "A,01/02/2010,01/03/2015,01/09/2015,\n", 2, false},
      {"120", "p.csv", kPlacedCols, "A,01/02/2010,01/03/2015,01/09/2015,RD2\n",
       "A,01/02/2010,01/03/2015,01/09/2015,XXX\n", 2, false},
      {"522", "p.csv", kPlacedCols, "A,01/02/2010,01/03/2015,01/03/2015,RD3\n",
       "A,01/02/2010,01/03/2015,28/02/2015,RD3\n", 2, false},
      // PrevPerm.
      {"631", "pp.csv", kPermCols, "A,01/02/2010,Z1,,\n", "A,01/02/2010,P9,,\n", 2, false},
      {"632", "pp.csv", kPermCols, "A,01/02/2010,P2,NIR,01/ZZ/2012\n", "A,01/02/2010,P2,NIR,2012\n", 2, false},
      {"633", "pp.csv", kPermCols, "A,01/02/2010,P3,872,01/03/2012\n", "A,01/02/2010,P3,Kent,01/03/2012\n", 2,
       false},
      // Missing.
      {"1004", "m.csv", kMissingCols, "A,01/02/2010,M,01/06/2015,03/06/2015\n", "A,01/02/2010,M,,03/06/2015\n", 2,
       true},
      {"1005", "m.csv", kMissingCols, "A,01/02/2010,M,01/06/2015,\n", "A,01/02/2010,M,01/06/2015,3rd\n", 2, false},
      {"1006", "m.csv", kMissingCols, "A,01/02/2010,A,01/06/2015,03/06/2015\n",
       "A,01/02/2010,Q,01/06/2015,03/06/2015\n", 2, false},
      {"567", "m.csv", kMissingCols, "A,01/02/2010,M,01/06/2015,01/06/2015\n",
       "A,01/02/2010,M,01/06/2015,31/05/2015\n", 2, false},
      // SWEpisodes.
      {"SW04STG1", "s.csv", kSwCols, "A,01/02/2010,SW1,01/06/2015,,OTHERS\n", "A,01/02/2010,SW1,06/2015,,OTHERS\n",
       2, true},
      {"SW05STG1", "s.csv", kSwCols, "A,01/02/2010,SW1,01/06/2015,02/06/2015,OTHERS\n",
       "A,01/02/2010,SW1,01/06/2015,02/06/15,OTHERS\n", 2, false},
      {"SW13STG1", "s.csv", kSwCols, "A,01/02/2010,SW1,01/06/2015,02/06/2015,SWDIED\n",
       "A,01/02/2010,SW1,01/06/2015,02/06/2015,SWLAZY\n", 2, false},
      {"sw-date-order", "s.csv", kSwCols, "A,01/02/2010,SW1,01/06/2015,02/06/2015,MANAGE\n",
       "A,01/02/2010,SW1,01/06/2015,31/05/2015,MANAGE\n", 2, false},
      // DoLo.
      {"700", "d.csv", kDoloCols, "A,01/02/2010,01/06/2015,\n", "A,01/02/2010,tomorrow,\n", 2, true},
      {"701", "d.csv", kDoloCols, "A,01/02/2010,01/06/2015,02/06/2015\n", "A,01/02/2010,01/06/2015,00/06/2015\n",
       2, false},
      {"702", "d.csv", kDoloCols, "A,01/02/2010,01/06/2015,02/06/2015\n", "A,01/02/2010,01/06/2015,31/05/2015\n",
       2, false},
  };
}

class Ssda903RuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(Ssda903RuleTest, PassingFileIsCleanAndFailingFileBreaksTheRule) {
  // The parser's own rules, each on one table: the rule engine's DfE rules, which read a
  // return's tables together, are tested in tests/unit/validation.
  const RuleCase& c = GetParam();
  CollectingSink pass_sink;
  pass_sink.engine_rules = false;
  FileReport pass = Check(c.file_name, c.header + c.pass, &pass_sink);
  EXPECT_EQ(pass.format, Format::kSsda903Csv);
  EXPECT_FALSE(pass.fatal) << pass_sink.AllMessages();
  EXPECT_EQ(pass.errors, 0) << pass_sink.AllMessages();
  EXPECT_EQ(pass.queries, 0) << pass_sink.AllMessages();
  EXPECT_EQ(CountRule(pass_sink, c.rule), 0);
  EXPECT_GT(pass.record_total, 0);
  for (const auto& [r, child] : pass_sink.records) {
    EXPECT_FALSE(r.has_error()) << r.DebugString();
    EXPECT_EQ(r.issue_rules_size(), 0) << r.DebugString();
  }

  CollectingSink fail_sink;
  fail_sink.engine_rules = false;
  FileReport fail = Check(c.file_name, c.header + c.fail, &fail_sink);
  ASSERT_GE(CountRule(fail_sink, c.rule), 1) << fail_sink.AllMessages();
  const v1::ValidationIssue* issue = nullptr;
  for (const auto& i : fail_sink.issues) {
    if (i.rule() == c.rule && !issue) issue = &i;
  }
  EXPECT_EQ(issue->severity(), v1::ERROR);
  EXPECT_EQ(issue->line(), c.line);
  EXPECT_EQ(issue->child(), "A");
  EXPECT_FALSE(issue->field().empty());
  EXPECT_EQ(issue->file(), c.file_name);
  // The child is in the issue's `child` field, never in its message.
  EXPECT_NE(issue->message().find(c.file_name + " line " + std::to_string(c.line) + ": "), std::string::npos)
      << issue->message();
  EXPECT_EQ(issue->message().find("child A"), std::string::npos) << issue->message();
  EXPECT_NE(issue->message().find(issue->field()), std::string::npos) << issue->message();
  // No single bad row makes the file unreadable.
  EXPECT_FALSE(fail.fatal) << fail_sink.AllMessages();
  EXPECT_GE(fail.errors, 1);
  const v1::Record* flagged = RecordAtLine(fail_sink, c.line);
  if (c.left_out) {
    EXPECT_EQ(flagged, nullptr) << "a row without its key date gives no record";
    EXPECT_NE(issue->message().find("row is left out"), std::string::npos) << issue->message();
  } else {
    ASSERT_NE(flagged, nullptr) << "the record is still passed on";
    EXPECT_TRUE(Flagged(*flagged, c.rule)) << flagged->DebugString();
    EXPECT_TRUE(flagged->has_error());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryRule, Ssda903RuleTest, testing::ValuesIn(RuleCases()), CaseName);

TEST(Ssda903RulesTest, EveryRuleHasACase) {
  std::vector<std::string> rules;
  for (const auto& c : RuleCases()) rules.push_back(c.rule);
  std::sort(rules.begin(), rules.end());
  EXPECT_EQ(std::adjacent_find(rules.begin(), rules.end()), rules.end()) << "a rule listed twice";
  EXPECT_EQ(rules.size(), 55u);
}

// The cases the table above does not show.

TEST(Ssda903RulesTest, ProviderForATemporaryPlacementBreaks178) {
  auto sink = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "T0", "PR1", "", "") +
                                       Ep("B", "01/05/2015", "S", "C2", "T0", "", "", ""));
  EXPECT_EQ(CountRule(sink, "178"), 1) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_TRUE(Flagged(sink.records[0].first, "178"));
  EXPECT_EQ(sink.records[0].first.care_episode().provider(), "");
  EXPECT_FALSE(sink.records[1].first.has_error());
}

TEST(Ssda903RulesTest, Rule388AlsoCatchesAnEndingCodedAsAContinuationAndTheReverse) {
  // A non-X1 reason with a new episode the same day: the child did not leave care.
  auto other = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "E13") +
                                        Ep("A", "01/08/2015", "P", "C2", "U2", "PR1", "", ""));
  EXPECT_EQ(CountRule(other, "388"), 1) << other.AllMessages();
  EXPECT_TRUE(Flagged(*RecordAtLine(other, 2), "388"));
  // X1 on the last episode: no episode continues it.
  auto last = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "X1"));
  EXPECT_EQ(CountRule(last, "388"), 1) << last.AllMessages();
  EXPECT_TRUE(Flagged(*RecordAtLine(last, 2), "388"));
  // A child who left care (E13) and came back later with S is fine.
  auto back = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "E13") +
                                       Ep("A", "01/10/2015", "S", "C2", "U2", "PR1", "", ""));
  EXPECT_TRUE(back.issues.empty()) << back.AllMessages();
}

TEST(Ssda903RulesTest, Rule361TakesAdjacentPoliceProtectionEpisodesAsOnePeriod) {
  // Two L1 episodes of 2 and 3 days, back to back: 5 days of police protection.
  auto sink = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "L1", "U1", "PR1", "03/05/2015", "X1") +
                                       Ep("A", "03/05/2015", "P", "L1", "U2", "PR1", "06/05/2015", "X1") +
                                       Ep("A", "06/05/2015", "L", "C2", "U2", "PR1", "", ""));
  EXPECT_EQ(CountRule(sink, "361"), 2) << sink.AllMessages();
  EXPECT_TRUE(Flagged(*RecordAtLine(sink, 2), "361"));
  EXPECT_TRUE(Flagged(*RecordAtLine(sink, 3), "361"));
  EXPECT_FALSE(RecordAtLine(sink, 4)->has_error());
  // An open L1 episode runs to the end of the collection year.
  auto open = ParseCsv("episodes", kEpisodeCols + Ep("A", "30/03/2016", "S", "L1", "U1", "PR1", "", ""), 2016);
  EXPECT_EQ(CountRule(open, "361"), 0) << open.AllMessages();  // 1 day to 31 March
  auto long_open = ParseCsv("episodes", kEpisodeCols + Ep("A", "20/03/2016", "S", "L1", "U1", "PR1", "", ""), 2016);
  EXPECT_EQ(CountRule(long_open, "361"), 1) << long_open.AllMessages();
}

TEST(Ssda903RulesTest, Rule357UsesTheCollectionYearWhenItIsGiven) {
  // Filed for 2016-17 (collection year 2017): an episode of May 2015 began before the
  // year, so it may follow earlier episodes.
  const std::string body = kEpisodeCols + Ep("A", "01/05/2015", "P", "C2", "U1", "PR1", "", "");
  EXPECT_EQ(CountRule(ParseCsv("episodes", body, 2017), "357"), 0);
  EXPECT_EQ(CountRule(ParseCsv("episodes", body, 2016), "357"), 1);
  EXPECT_EQ(CountRule(ParseCsv("episodes", body), "357"), 1);  // inferred: 2015-16
}

TEST(Ssda903RulesTest, EpisodesOfAChildNeedNotBeAdjacentOrInOrder) {
  // A's episodes are split by B's and listed latest first: still one valid history.
  auto sink = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/08/2015", "P", "C2", "U2", "PR1", "", "") +
                                       Ep("B", "01/06/2015", "S", "C2", "U1", "PR1", "", "") +
                                       Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "01/08/2015", "X1"));
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 3u);
  // Passed on in file order.
  EXPECT_EQ(sink.records[0].first.line(), 2);
  EXPECT_EQ(sink.records[1].first.line(), 3);
  EXPECT_EQ(sink.records[2].first.line(), 4);
  EXPECT_EQ(sink.records[1].second, "B");
}

TEST(Ssda903RulesTest, XmlUascMustBeZeroOrOne) {
  auto bad = ParseXml(
      "<EXPSSDA903><CHILD><HEADER><CHILDID>A</CHILDID><SEX>1</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC>"
      "<UASC>2</UASC></HEADER></CHILD></EXPSSDA903>");
  EXPECT_EQ(CountRule(bad, "105"), 1) << bad.AllMessages();
  ASSERT_EQ(bad.records.size(), 1u);
  EXPECT_TRUE(Flagged(bad.records[0].first, "105"));
  EXPECT_FALSE(bad.records[0].first.child().uasc_known());
  auto good = ParseXml(
      "<EXPSSDA903><CHILD><HEADER><CHILDID>A</CHILDID><SEX>1</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC>"
      "<UASC>1</UASC><DUC>01/02/2028</DUC></HEADER></CHILD></EXPSSDA903>");
  EXPECT_TRUE(good.issues.empty()) << good.AllMessages();
  ASSERT_EQ(good.records.size(), 2u);  // the child and its UASC status
  EXPECT_TRUE(good.records[0].first.child().uasc());
  EXPECT_EQ(ToDays(good.records[1].first.uasc().ceased_date()), DayNumber(2028, 2, 1));
}

// Issue 14: rules found wrong on main, each with a failing case and the near miss.

// A one-child XML return: one open episode per DECOM given, in that order (other episode
// rules may fire: the tests count only 632 and 101), and a PERMANENCE group with
// DATE_PERM when it is not empty.
std::string PermXml(const std::vector<std::string>& decoms, const std::string& date_perm,
                    const std::string& sex = "1") {
  std::string out = "<EXPSSDA903><CHILD><HEADER><CHILDID>A</CHILDID><SEX>" + sex +
                    "</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC>\n";
  if (!date_perm.empty()) {
    out += "<PERMANENCE><PREV_PERM>P1</PREV_PERM><LA_PERM>301</LA_PERM><DATE_PERM>" + date_perm +
           "</DATE_PERM></PERMANENCE>\n";
  }
  out += "</HEADER>\n";
  for (const auto& d : decoms) {
    out += "<EPISODE><DECOM>" + d + "</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
           "<PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE>\n";
  }
  return out + "</CHILD></EXPSSDA903>";
}

const v1::Record* PermRecord(const CollectingSink& sink) {
  for (const auto& [r, child] : sink.records) {
    if (r.has_previous_permanence()) return &r;
  }
  return nullptr;
}

TEST(Ssda903Issue14Test, Rule632PermanenceOrderOnOrAfterTheFirstEpisodeStart) {
  // DfE: "If provided <DATE_PERM> should be prior to <DECOM>". The first episode starts
  // 01/05/2015: the day before passes, the same day fails.
  auto before = ParseXml(PermXml({"01/05/2015"}, "30/04/2015"));
  EXPECT_EQ(CountRule(before, "632"), 0) << before.AllMessages();
  ASSERT_NE(PermRecord(before), nullptr);
  EXPECT_FALSE(PermRecord(before)->has_error());

  auto same_day = ParseXml(PermXml({"01/05/2015"}, "01/05/2015"));
  ASSERT_EQ(CountRule(same_day, "632"), 1) << same_day.AllMessages();
  const v1::ValidationIssue* issue = nullptr;
  for (const auto& i : same_day.issues) {
    if (i.rule() == "632") issue = &i;
  }
  EXPECT_EQ(issue->severity(), v1::ERROR);
  EXPECT_EQ(issue->field(), "DATE_PERM");
  EXPECT_EQ(issue->child(), "A");
  EXPECT_NE(issue->message().find("DATE_PERM 01/05/2015 is not before DECOM 01/05/2015"), std::string::npos)
      << issue->message();
  EXPECT_EQ(issue->message().find("01/02/2010"), std::string::npos) << "the date of birth is not repeated";
  EXPECT_EQ(same_day.fatal, 0);
  ASSERT_NE(PermRecord(same_day), nullptr) << "the record is still passed on";
  EXPECT_TRUE(Flagged(*PermRecord(same_day), "632"));
  EXPECT_TRUE(PermRecord(same_day)->has_error());
  // The episodes are not what is wrong: they stay in every figure.
  for (const auto& [r, child] : same_day.records) {
    if (r.has_care_episode()) {
      EXPECT_FALSE(r.has_error()) << r.DebugString();
    }
  }
}

TEST(Ssda903Issue14Test, Rule632ComparesWithTheEarliestEpisodeWhateverTheOrder) {
  // Episodes listed latest first: the first episode is the one of 01/03/2015, so an
  // order of 01/04/2015 (before the later episode only) breaks the rule.
  auto between = ParseXml(PermXml({"01/06/2015", "01/03/2015"}, "01/04/2015"));
  EXPECT_EQ(CountRule(between, "632"), 1) << between.AllMessages();
  auto earlier = ParseXml(PermXml({"01/06/2015", "01/03/2015"}, "28/02/2015"));
  EXPECT_EQ(CountRule(earlier, "632"), 0) << earlier.AllMessages();
}

TEST(Ssda903Issue14Test, Rule632TakesAPartialDateAtItsEarliest) {
  // ZZ/05/2015 may be any day of May 2015: not one of them is before 01/05/2015.
  EXPECT_EQ(CountRule(ParseXml(PermXml({"01/05/2015"}, "ZZ/05/2015")), "632"), 1);
  // ZZ/ZZ/2015 may be in April: not certainly after the start, so it passes.
  EXPECT_EQ(CountRule(ParseXml(PermXml({"01/05/2015"}, "ZZ/ZZ/2015")), "632"), 0);
  EXPECT_EQ(CountRule(ParseXml(PermXml({"01/05/2015"}, "ZZ/04/2015")), "632"), 0);
  // An unknown year can be compared with nothing.
  EXPECT_EQ(CountRule(ParseXml(PermXml({"01/05/2015"}, "01/06/ZZZZ")), "632"), 0);
  // No episode in the return: nothing to compare with.
  EXPECT_EQ(CountRule(ParseXml(PermXml({}, "01/06/2015")), "632"), 0);
}

TEST(Ssda903Issue14Test, Rule633AcceptsOnlyDfeLaCodesOldOrNew) {
  // Real codes pass, current (301, 942 Cumberland from 2023) and withdrawn (909 Cumbria,
  // 928 Northamptonshire, 820 Bedfordshire); so do the four codes outside England.
  for (const char* ok : {"301", "213", "201", "942", "943", "909", "928", "820", "875", "420", "WAL", "nir"}) {
    auto sink = ParseCsv("prev_perm", kPermCols + "A,01/02/2010,P1," + ok + ",01/03/2012\n");
    EXPECT_EQ(CountRule(sink, "633"), 0) << ok << ": " << sink.AllMessages();
  }
  // Three digits that are no LA's code fail: the first beyond a range (214, 944), a gap
  // (817), DfE's UPN-only pseudo codes (001, 660) and a placeholder (999).
  for (const char* bad : {"214", "944", "817", "001", "660", "999", "000", "3011"}) {
    auto sink = ParseCsv("prev_perm", kPermCols + "A,01/02/2010,P1," + bad + ",01/03/2012\n");
    ASSERT_EQ(CountRule(sink, "633"), 1) << bad << ": " << sink.AllMessages();
    EXPECT_NE(sink.issues[0].message().find("not a DfE local authority code"), std::string::npos)
        << sink.issues[0].message();
    ASSERT_EQ(sink.records.size(), 1u);
    EXPECT_EQ(sink.records[0].first.previous_permanence().la(), "") << bad;
    EXPECT_TRUE(sink.records[0].first.has_error());
  }
}

TEST(Ssda903Issue14Test, LaCodeListHasEveryLaOfEnglandAndThePseudoCodesApart) {
  EXPECT_TRUE(IsDfeLaCode("301"));
  EXPECT_TRUE(IsDfeLaCode("838"));  // Dorset from 2019
  EXPECT_TRUE(IsDfeLaCode("839"));  // Bournemouth, Christchurch and Poole
  EXPECT_TRUE(IsDfeLaCode("940"));  // North Northamptonshire
  EXPECT_TRUE(IsDfeLaCode("941"));  // West Northamptonshire
  EXPECT_FALSE(IsDfeLaCode("804"));
  EXPECT_FALSE(IsDfeLaCode("30"));
  EXPECT_FALSE(IsDfeLaCode("30a"));
  EXPECT_FALSE(IsDfeLaCode(""));
  EXPECT_TRUE(IsDfeUpnPseudoLaCode("005"));
  EXPECT_FALSE(IsDfeUpnPseudoLaCode("006"));
  EXPECT_TRUE(IsDfeUpnPseudoLaCode("681"));
  EXPECT_FALSE(IsDfeUpnPseudoLaCode("682"));
  EXPECT_FALSE(IsDfeLaCode("708"));
  int codes = 0;
  for (int n = 0; n < 1000; ++n) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%03d", n);
    codes += IsDfeLaCode(buf) ? 1 : 0;
  }
  // The 152 LAs of 2015-16, Bedfordshire 820 and Cheshire 875 (withdrawn in 2009) and the
  // six codes new since 2019 (838, 839, 940 to 943).
  EXPECT_EQ(codes, 160);
}

TEST(Ssda903Issue14Test, Rule101SexCodesFollowTheCollectionYear) {
  const std::string h = kHeaderHeader;
  // 2023-24 (collection year 2024): 1 and 2; M is not yet a code.
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,1,01/02/2010,WBRI,UN1,,\n", 2024), "101"), 0);
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,2,01/02/2010,WBRI,UN1,,\n", 2024), "101"), 0);
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,M,01/02/2010,WBRI,UN1,,\n", 2024), "101"), 1);
  // 2024-25: M, F and U; 1 is no longer one.
  for (const char* ok : {"M", "F", "U", "f"}) {
    auto sink = ParseCsv("header", h + "A," + ok + ",01/02/2010,WBRI,UN1,,\n", 2025);
    EXPECT_EQ(CountRule(sink, "101"), 0) << ok << ": " << sink.AllMessages();
  }
  auto one = ParseCsv("header", h + "A,1,01/02/2010,WBRI,UN1,,\n", 2025);
  ASSERT_EQ(CountRule(one, "101"), 1) << one.AllMessages();
  EXPECT_NE(one.issues[0].message().find("SEX '1' is not a valid sex code in 2024-25: expected M, F, U"),
            std::string::npos)
      << one.issues[0].message();
  ASSERT_EQ(one.records.size(), 1u);
  EXPECT_TRUE(one.records[0].first.has_error());
  EXPECT_NE(one.records[0].first.child().sex(), v1::MALE);
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,2,01/02/2010,WBRI,UN1,,\n", 2026), "101"), 1);
  // The year not known (a Header table alone, not filed under a year): any year's code.
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,1,01/02/2010,WBRI,UN1,,\nB,M,01/02/2010,WBRI,UN1,,\n"), "101"), 0);
  EXPECT_EQ(CountRule(ParseCsv("header", h + "A,X,01/02/2010,WBRI,UN1,,\n"), "101"), 1);
}

TEST(Ssda903Issue14Test, Rule101InXmlTakesTheYearFromTheLatestEpisode) {
  // The latest DECOM, 01/05/2024, puts the return in 2024-25: sex 1 is not valid there.
  auto new_codes = ParseXml(PermXml({"01/05/2024"}, "", "1"));
  EXPECT_EQ(CountRule(new_codes, "101"), 1) << new_codes.AllMessages();
  EXPECT_EQ(CountRule(ParseXml(PermXml({"01/05/2024"}, "", "M")), "101"), 0);
  // The last day of 2023-24: still 1 and 2.
  EXPECT_EQ(CountRule(ParseXml(PermXml({"31/03/2024"}, "", "1")), "101"), 0);
  EXPECT_EQ(CountRule(ParseXml(PermXml({"31/03/2024"}, "", "M")), "101"), 1);
}

int Rule146(const std::string& place, int year, const std::string& decom = "01/05/2015") {
  auto sink = ParseCsv("episodes", kEpisodeCols + Ep("A", decom, "S", "C2", place, "", "", ""), year);
  return CountRule(sink, "146");
}

TEST(Ssda903Issue14Test, Rule146PlacementCodesFollowTheCollectionYear) {
  // 2023-24: no K3 yet, no Z11.
  EXPECT_EQ(Rule146("Z1", 2024), 0);
  EXPECT_EQ(Rule146("H5", 2024), 0);
  EXPECT_EQ(Rule146("K3", 2024), 1);
  EXPECT_EQ(Rule146("Z11", 2024), 1);
  // 2024-25: K3 (DfE's upper case; lower case is read as it), Z1, H5 and P2 still; Z11 not yet.
  EXPECT_EQ(Rule146("K3", 2025), 0);
  EXPECT_EQ(Rule146("k3", 2025), 0);
  EXPECT_EQ(Rule146("Z1", 2025), 0);
  EXPECT_EQ(Rule146("P2", 2025), 0);
  EXPECT_EQ(Rule146("Z11", 2025), 1);
  // 2025-26: Z11 to Z14 replace Z1; H5 and P2 are withdrawn.
  for (const char* ok : {"Z11", "Z12", "Z13", "Z14", "K3", "U1"}) EXPECT_EQ(Rule146(ok, 2026), 0) << ok;
  for (const char* bad : {"Z1", "H5", "P2", "Z15"}) EXPECT_EQ(Rule146(bad, 2026), 1) << bad;
  // 2026-27 keeps the 2025-26 list.
  EXPECT_EQ(Rule146("Z12", 2027), 0);
  EXPECT_EQ(Rule146("Z1", 2027), 1);
  // The year not given: taken from the latest DECOM (01/05/2025 is in 2025-26).
  EXPECT_EQ(Rule146("Z1", 0, "01/05/2025"), 1);
  EXPECT_EQ(Rule146("Z1", 0, "31/03/2025"), 0);  // the last day of 2024-25

  auto sink = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2024", "S", "C2", "Z11", "", "", ""), 2025);
  ASSERT_EQ(CountRule(sink, "146"), 1) << sink.AllMessages();
  const auto& issue = sink.issues[0];
  EXPECT_EQ(issue.field(), "PLACE");
  EXPECT_EQ(issue.child(), "A");
  EXPECT_NE(issue.message().find("PLACE 'Z11' is not a valid placement type code in 2024-25"), std::string::npos)
      << issue.message();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_TRUE(Flagged(sink.records[0].first, "146"));
  EXPECT_EQ(sink.records[0].first.care_episode().placement(), "") << "a code not valid in the year is not kept";
}

TEST(Ssda903Issue14Test, AnEpisodeOrReviewWithABadDateIsLeftOutAndTheRestIsRead) {
  CollectingSink eps_sink;
  FileReport eps = Check("e.csv",
                         kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "", "") +
                             Ep("B", "31/04/2015", "S", "C2", "U1", "PR1", "", "") +
                             Ep("C", "01/06/2015", "S", "C2", "U1", "PR1", "", ""),
                         &eps_sink);
  EXPECT_FALSE(eps.fatal) << eps_sink.AllMessages();
  EXPECT_EQ(eps.errors, 1);
  ASSERT_EQ(CountRule(eps_sink, "141"), 1) << eps_sink.AllMessages();
  EXPECT_EQ(eps_sink.issues[0].line(), 3);
  EXPECT_EQ(eps_sink.issues[0].child(), "B");
  EXPECT_EQ(eps.record_total, 2) << "the row without a start date is left out of the counts";
  ASSERT_EQ(eps_sink.records.size(), 2u);
  EXPECT_EQ(eps_sink.records[0].second, "A");
  EXPECT_EQ(eps_sink.records[1].second, "C");

  CollectingSink rev_sink;
  FileReport rev = Check("r.csv",
                         kReviewCols + "A,01/02/2010,01/06/2015,PN1\nB,01/02/2010,,PN1\nC,01/02/2010,02/06/2015,PN2\n",
                         &rev_sink);
  EXPECT_FALSE(rev.fatal) << rev_sink.AllMessages();
  ASSERT_EQ(CountRule(rev_sink, "166"), 1) << rev_sink.AllMessages();
  EXPECT_NE(rev_sink.issues[0].message().find("r.csv line 3: REVIEW (date of review) is blank"), std::string::npos)
      << rev_sink.issues[0].message();
  EXPECT_EQ(rev.record_total, 2);

  // The same in XML: child B's bad DECOM leaves out that episode only.
  std::string xml = PermXml({"01/05/2015"}, "");
  xml.insert(xml.find("</EXPSSDA903>"),
             "<CHILD><HEADER><CHILDID>B</CHILDID><SEX>2</SEX><DOB>01/02/2011</DOB><ETHNIC>WBRI</ETHNIC>"
             "<UASC>0</UASC></HEADER><EPISODE><DECOM>1/5/15</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
             "<PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></CHILD>");
  auto x = ParseXml(xml);
  EXPECT_EQ(x.fatal, 0) << x.AllMessages();
  EXPECT_EQ(CountRule(x, "141"), 1) << x.AllMessages();
  int episodes = 0, children = 0;
  for (const auto& [r, child] : x.records) {
    episodes += r.has_care_episode() ? 1 : 0;
    children += r.has_child() ? 1 : 0;
  }
  EXPECT_EQ(episodes, 1);
  EXPECT_EQ(children, 2);

  // A row whose structure cannot be read still makes the file unusable.
  auto cut = ParseCsv("episodes", kEpisodeCols + Ep("A", "01/05/2015", "S", "C2", "U1", "PR1", "", "") +
                                      "B,01/06/2015,S\n");
  EXPECT_EQ(cut.fatal, 1) << cut.AllMessages();
}

// ---------------------------------------------------------------------------------------
// XML.

std::string SmallXml() {
  return "<?xml version='1.0' encoding='us-ascii'?>\n"
         "<EXPSSDA903><CHILD><HEADER><CHILDID>A</CHILDID><UPN>A123456789012</UPN><SEX>2</SEX>"
         "<DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC>"
         "<AREVIEW><REVIEW>01/07/2015</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>"
         "<MOTHER /><MC_DOB />\n<PERMANENCE><PREV_PERM>Z1</PREV_PERM></PERMANENCE>"
         "<OC2><SDQ_SCORE>12</SDQ_SCORE><CONVICTED>0</CONVICTED></OC2>"
         "<AMISSING><MISSING>M</MISSING><MIS_START>01/09/2015</MIS_START><MIS_END>02/09/2015</MIS_END></AMISSING>"
         "</HEADER>\n"
         "<EPISODE><DECOM>01/05/2015</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
         "<PL_POST>IG11 8XY</PL_POST><HOME_POST>RM10 7AB</HOME_POST><URN>SC123456</URN>"
         "<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/08/2015</DEC><REC>X1</REC><REASON_PLACE_CHANGE /></EPISODE>"
         "<EPISODE><DECOM>01/08/2015</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>U2</PL>"
         "<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC /><REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>"
         "</EPISODE></CHILD>\n"
         "<CHILD><HEADER><CHILDID>B</CHILDID><UPN>UN1</UPN><SEX>1</SEX><DOB>01/02/2001</DOB><ETHNIC>BAFR</ETHNIC>"
         "<UASC>0</UASC><IN_TOUCH>YES</IN_TOUCH><ACTIV>F1</ACTIV><ACCOM>B1</ACCOM>"
         "<DATE_INT>01/03/2015</DATE_INT><DATE_MATCH>01/06/2015</DATE_MATCH><FOSTER_CARE>0</FOSTER_CARE>"
         "<NB_ADOPTR>1</NB_ADOPTR><SEX_ADOPTR>F1</SEX_ADOPTR><LS_ADOPTR>L0</LS_ADOPTR>"
         "<AD_PLACED><DATE_PLACED>01/03/2015</DATE_PLACED><DATE_PLACED_CEASED /><REASON_PLACED_CEASED />"
         "</AD_PLACED></HEADER>"
         "<EPISODE><DECOM>01/04/2015</DECOM><RNE>S</RNE><LS>E1</LS><CIN>N1</CIN><PL>A3</PL>"
         "<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/12/2015</DEC><REC>E11</REC></EPISODE></CHILD>"
         "</EXPSSDA903>";
}

TEST(Ssda903XmlTest, EachChildGivesTheRecordsItsCsvRowsWould) {
  auto sink = ParseXml(SmallXml());
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  std::map<std::string, int> kinds;
  for (const auto& [r, child] : sink.records) ++kinds[RecordKindName(r)];
  EXPECT_EQ(kinds["child"], 2);
  EXPECT_EQ(kinds["care_episode"], 3);
  EXPECT_EQ(kinds["review"], 1);
  EXPECT_EQ(kinds["previous_permanence"], 1);
  EXPECT_EQ(kinds["lac_outcomes"], 1);
  EXPECT_EQ(kinds["missing_episode"], 1);
  EXPECT_EQ(kinds["care_leaver"], 1);
  EXPECT_EQ(kinds["adoption"], 2);  // AD1 and PlacedAdoption
  EXPECT_EQ(kinds["uasc"], 0);      // UASC 0 and no DUC
  EXPECT_EQ(sink.records.size(), 12u);

  // The same episodes as CSV rows give the same CareEpisode records.
  auto csv = ParseCsv("episodes", kEpisodeCols +
                                      "A,01/05/2015,S,C2,N1,U1,PR1,01/08/2015,X1,,RM10 7AB,IG11 8XY,SC123456\n"
                                      "A,01/08/2015,P,C2,N1,U2,PR1,,,CARPL,,,\n"
                                      "B,01/04/2015,S,E1,N1,A3,PR1,01/12/2015,E11,,,,\n");
  ASSERT_EQ(csv.records.size(), 3u);
  std::vector<std::string> from_xml;
  for (const auto& [r, child] : sink.records) {
    if (r.has_care_episode()) from_xml.push_back(child + ":" + r.care_episode().SerializeAsString());
  }
  ASSERT_EQ(from_xml.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(from_xml[i], csv.records[i].second + ":" + csv.records[i].first.care_episode().SerializeAsString())
        << "episode " << i;
  }
  for (const auto& [r, child] : sink.records) {
    const std::string text = r.DebugString();
    EXPECT_EQ(text.find("A123456789012"), std::string::npos);
    EXPECT_EQ(text.find("7AB"), std::string::npos);
    EXPECT_EQ(text.find("SC123456"), std::string::npos);
    if (r.has_child() && child == "A") {
      EXPECT_EQ(r.child().sex(), v1::FEMALE);
      EXPECT_TRUE(r.child().upn_known());
      EXPECT_TRUE(r.child().uasc_known());
      EXPECT_FALSE(r.child().uasc());
      EXPECT_EQ(r.line(), 2);
    }
    if (r.has_adoption() && r.adoption().source_table() == "ad1") {
      EXPECT_EQ(child, "B");
      EXPECT_EQ(ToDays(r.adoption().decision_date()), DayNumber(2015, 3, 1));
      EXPECT_EQ(ToDays(r.adoption().match_date()), DayNumber(2015, 6, 1));
      EXPECT_FALSE(r.adoption().adopted_by_foster_carer());
      EXPECT_TRUE(r.adoption().adopted_by_foster_carer_known());
    }
    if (r.has_care_leaver()) {
      EXPECT_EQ(ToDays(r.care_leaver().birth_date()), DayNumber(2001, 2, 1));
    }
  }
}

TEST(Ssda903XmlTest, EpisodeRulesApplyWithinEachChild) {
  // A's open episode is followed by B's; had the rules run across children, 142 and 501
  // would fire.
  auto sink = ParseXml(
      "<EXPSSDA903>"
      "<CHILD><HEADER><CHILDID>A</CHILDID><SEX>1</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC>"
      "</HEADER><EPISODE><DECOM>01/05/2015</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
      "<PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></CHILD>"
      "<CHILD><HEADER><CHILDID>B</CHILDID><SEX>1</SEX><DOB>01/02/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC>"
      "</HEADER><EPISODE><DECOM>01/06/2015</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>"
      "<PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></CHILD></EXPSSDA903>");
  EXPECT_EQ(sink.fatal, 0);
  EXPECT_EQ(CountRule(sink, "142"), 0) << sink.AllMessages();
  EXPECT_EQ(CountRule(sink, "357"), 1) << sink.AllMessages();  // B's first episode is P
  EXPECT_EQ(sink.issues.size(), 1u) << sink.AllMessages();
  ASSERT_EQ(sink.issues.size(), 1u);
  EXPECT_EQ(sink.issues[0].child(), "B");
}

TEST(Ssda903XmlTest, MalformedXmlIsFatalNamingLineAndColumn) {
  auto sink = ParseXml("<EXPSSDA903>\n<CHILD><HEADER><CHILDID>A</CHILDID></HEADER>\n<EPISODE></CHILD>");
  ASSERT_EQ(sink.fatal, 1) << sink.AllMessages();
  EXPECT_EQ(sink.issues[0].rule(), "xml");
  EXPECT_EQ(sink.issues[0].line(), 3);
  EXPECT_NE(sink.issues[0].message().find("t.xml line 3 column 11: malformed XML"), std::string::npos)
      << sink.issues[0].message();
  auto root = ParseXml("<Message><CHILD/></Message>");
  EXPECT_GT(root.fatal, 0);
  EXPECT_NE(root.AllMessages().find("expected <EXPSSDA903>"), std::string::npos) << root.AllMessages();
  // A CHILD without its identifier is reported and left out; the file is still read.
  auto no_id = ParseXml("<EXPSSDA903><CHILD><HEADER><SEX>1</SEX></HEADER></CHILD></EXPSSDA903>");
  EXPECT_EQ(no_id.fatal, 0) << no_id.AllMessages();
  EXPECT_EQ(no_id.issues[0].rule(), "child-id");
  EXPECT_EQ(no_id.issues[0].field(), "CHILD");
}

TEST(Ssda903XmlTest, EveryCutOfAValidFileIsFatal) {
  const std::string xml = SmallXml();
  for (size_t cut = 0; cut < xml.size(); ++cut) {
    auto sink = ParseXml(xml.substr(0, cut));
    ASSERT_GT(sink.fatal, 0) << "cut at " << cut;
  }
}

// ---------------------------------------------------------------------------------------
// Robustness.

TEST(Ssda903RobustnessTest, EmptyFileAndHeaderOnly) {
  auto empty = ParseCsv("episodes", "");
  EXPECT_EQ(empty.fatal, 1);
  EXPECT_NE(empty.AllMessages().find("no header row"), std::string::npos) << empty.AllMessages();
  CollectingSink sink;
  FileReport empty_file = Check("empty.csv", "", &sink);
  EXPECT_TRUE(empty_file.fatal);
  EXPECT_EQ(empty_file.record_total, 0);

  auto header_only = ParseCsv("episodes", kEpisodesHeader);
  EXPECT_EQ(header_only.fatal, 0) << header_only.AllMessages();
  EXPECT_TRUE(header_only.issues.empty());
  EXPECT_TRUE(header_only.records.empty());
}

TEST(Ssda903RobustnessTest, RowCutShortIsFatalNamingTheLine) {
  auto sink = ParseCsv("episodes", kEpisodeCols + kGoodCare + "A,01/09/2015,P,C2\n");
  EXPECT_EQ(sink.fatal, 1) << sink.AllMessages();
  ASSERT_FALSE(sink.issues.empty());
  EXPECT_EQ(sink.issues[0].line(), 4);
  EXPECT_NE(sink.issues[0].message().find("t.csv line 4: the row has 4 fields but the header has 13"),
            std::string::npos)
      << sink.issues[0].message();
}

TEST(Ssda903RobustnessTest, UnparseableDecomOrEmptyChildLeavesTheRowOut) {
  auto decom = ParseCsv("episodes", kEpisodeCols + Ep("A", "2015-05-01", "S", "C2", "U1", "PR1", "", ""));
  EXPECT_EQ(decom.fatal, 0) << decom.AllMessages();
  ASSERT_EQ(decom.issues.size(), 1u);
  EXPECT_EQ(decom.issues[0].rule(), "141");
  EXPECT_EQ(decom.issues[0].severity(), v1::ERROR);
  EXPECT_EQ(decom.issues[0].field(), "DECOM");
  EXPECT_EQ(decom.issues[0].child(), "A");
  EXPECT_NE(decom.issues[0].message().find("'2015-05-01'"), std::string::npos);
  EXPECT_TRUE(decom.records.empty());
  auto child = ParseCsv("episodes", kEpisodeCols + Ep("", "01/05/2015", "S", "C2", "U1", "PR1", "", ""));
  EXPECT_EQ(child.fatal, 0) << child.AllMessages();
  EXPECT_EQ(child.issues[0].rule(), "child-id");
  EXPECT_EQ(child.issues[0].field(), "CHILD");
  EXPECT_TRUE(child.records.empty());
}

TEST(Ssda903RobustnessTest, CsvErrorsAreFatal) {
  auto quote = ParseCsv("dolo", std::string(kDoloCols) + "A,01/02/2010,\"01/06/2015,\n");
  EXPECT_EQ(quote.fatal, 1) << quote.AllMessages();
  EXPECT_NE(quote.AllMessages().find("not closed"), std::string::npos) << quote.AllMessages();
}

TEST(Ssda903RobustnessTest, BinaryJunkIsFatalWithoutACrash) {
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1103515245u + 12345u;
    junk.push_back(static_cast<char>(x >> 24));
  }
  CollectingSink sink;
  FileReport r = Check("junk.csv", junk, &sink);
  EXPECT_TRUE(r.fatal);
  EXPECT_EQ(r.record_total, 0);
  // Straight into the parsers too (no NUL, so the CSV reader itself reads it).
  std::string text = junk;
  std::replace(text.begin(), text.end(), '\0', 'x');
  auto csv = ParseCsv("episodes", std::string(kEpisodesHeader) + text);
  EXPECT_GT(csv.fatal, 0);
  EXPECT_LE(csv.fatal, 102);  // listing stops after 100 problems
  auto xml = ParseXml(text);
  EXPECT_GT(xml.fatal, 0);
}

TEST(Ssda903RobustnessTest, ListingStopsAfterAHundredUnreadableRows) {
  std::string body = kDoloCols;
  for (int i = 0; i < 300; ++i) body += "A,01/02/2010\n";
  auto sink = ParseCsv("dolo", body);
  EXPECT_EQ(sink.fatal, 101);
  ASSERT_FALSE(sink.issues.empty());
  EXPECT_NE(sink.issues.back().message().find("more than 100 problems"), std::string::npos)
      << sink.issues.back().message();
  EXPECT_TRUE(sink.records.empty());
}

TEST(Ssda903RobustnessTest, EveryCutOfAValidCsvIsFatalOrAConsistentPrefix) {
  const std::string full = kEpisodeCols + kGoodCare + Ep("B", "01/06/2015", "S", "C2", "U1", "PR1", "", "");
  auto whole = ParseCsv("episodes", full);
  ASSERT_EQ(whole.records.size(), 3u);
  ASSERT_TRUE(whole.issues.empty()) << whole.AllMessages();
  int fatal_cuts = 0, clean_cuts = 0;
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    auto sink = ParseCsv("episodes", full.substr(0, cut));
    if (sink.fatal > 0) {
      ++fatal_cuts;
      continue;
    }
    ++clean_cuts;
    // Not fatal: the rows read are those of the file, the last perhaps cut in a field
    // that is not a key (an end date or a postcode).
    ASSERT_LE(sink.records.size(), whole.records.size()) << "cut at " << cut;
    for (size_t i = 0; i + 1 < sink.records.size(); ++i) {
      EXPECT_EQ(sink.records[i].second, whole.records[i].second) << "cut at " << cut;
      EXPECT_EQ(sink.records[i].first.care_episode().SerializeAsString(),
                whole.records[i].first.care_episode().SerializeAsString())
          << "cut at " << cut;
    }
    if (!sink.records.empty()) {
      const auto& last = sink.records.back();
      const auto& same = whole.records[sink.records.size() - 1];
      EXPECT_EQ(last.second, same.second) << "cut at " << cut;
      EXPECT_EQ(last.first.care_episode().start_date().SerializeAsString(),
                same.first.care_episode().start_date().SerializeAsString())
          << "cut at " << cut;
    }
  }
  EXPECT_GT(fatal_cuts, 0);
  EXPECT_GT(clean_cuts, 3);  // at least the cuts between rows
}

// ---------------------------------------------------------------------------------------
// Conformance with the public sample returns, read in place (never copied here).

std::string External(const std::string& name) {
  return std::string(CARESTAT_SHARED_DIR) + "/external/ssda903/" + name;
}

bool HaveSamples() { return std::filesystem::is_directory(External("")); }

#define SKIP_WITHOUT_SAMPLES()                                                                  \
  if (!HaveSamples()) {                                                                         \
    GTEST_SKIP() << "the folder " << External("") << " is missing: SSDA903 conformance not checked"; \
  }

TEST(Ssda903ConformanceTest, EpisodesCsvHas5050EpisodesOf2123Children) {
  SKIP_WITHOUT_SAMPLES();
  auto r = CheckFile(External("episodes.csv"), "episodes.csv", "", 0, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->fatal);
  EXPECT_EQ(r->format, Format::kSsda903Csv);
  EXPECT_EQ(r->dataset, "ssda903-episodes");
  EXPECT_EQ(r->records["care_episode"], 5050);
  EXPECT_EQ(r->record_total, 5050);
  EXPECT_EQ(r->children, 2123);
}

TEST(Ssda903ConformanceTest, FakeXmlHas253ChildrenAnd459Episodes) {
  SKIP_WITHOUT_SAMPLES();
  auto r = CheckFile(External("fake_903.xml"), "fake_903.xml", "", 0, nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->fatal);
  EXPECT_EQ(r->format, Format::kSsda903Xml);
  EXPECT_EQ(r->children, 253);
  EXPECT_EQ(r->records["child"], 253);
  EXPECT_EQ(r->records["care_episode"], 459);
  EXPECT_EQ(r->records["review"], 1206);
  EXPECT_EQ(r->records["lac_outcomes"], 253);
  EXPECT_EQ(r->records["previous_permanence"], 253);
  EXPECT_EQ(r->records["missing_episode"], 6);
  EXPECT_EQ(r->records["care_leaver"], 6);
}

TEST(Ssda903ConformanceTest, SwEpisodesWithBomAndCrlfIsRecognisedAndParses) {
  SKIP_WITHOUT_SAMPLES();
  CollectingSink sink;
  auto r = CheckFile(External("sw_episodes.csv"), "sw_episodes.csv", "", 0, &sink);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->fatal) << sink.AllMessages();
  EXPECT_EQ(r->dataset, "ssda903-sw_episodes");
  EXPECT_EQ(r->records["social_worker_episode"], 1);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].second, "CHILD10");
  EXPECT_EQ(sink.records[0].first.line(), 2);
  const auto& sw = sink.records[0].first.social_worker_episode();
  EXPECT_EQ(ToDays(sw.start_date()), DayNumber(2020, 1, 1));
  EXPECT_EQ(ToDays(sw.end_date()), DayNumber(2020, 1, 3));
  // SWLAZY is not one of DfE's reasons for a change of social worker.
  EXPECT_EQ(CountRule(sink, "SW13STG1"), 1) << sink.AllMessages();
  EXPECT_EQ(sw.reason_changed(), "");
}

TEST(Ssda903ConformanceTest, DoLoWithoutFinalNewlineParses) {
  SKIP_WITHOUT_SAMPLES();
  CollectingSink sink;
  auto r = CheckFile(External("DoLo.csv"), "DoLo.csv", "", 0, &sink);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->fatal) << sink.AllMessages();
  EXPECT_EQ(r->records["deprivation_of_liberty"], 1);
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(ToDays(sink.records[0].first.deprivation_of_liberty().end_date()), DayNumber(2025, 1, 2));
}

TEST(Ssda903ConformanceTest, EveryCsvSampleIsRecognisedAsItsTableAndParses) {
  SKIP_WITHOUT_SAMPLES();
  struct Sample {
    const char* file;
    const char* table;
    const char* kind;
    int64_t rows;
    int64_t children;
  };
  const Sample samples[] = {
      {"DoLo.csv", "dolo", "deprivation_of_liberty", 1, 1},
      {"ad1.csv", "ad1", "adoption", 29, 29},
      {"episodes.csv", "episodes", "care_episode", 5050, 2123},
      {"header.csv", "header", "child", 2675, 2675},
      {"missing.csv", "missing", "missing_episode", 43, 39},
      {"oc2.csv", "oc2", "lac_outcomes", 2675, 2675},
      {"oc3.csv", "oc3", "care_leaver", 53, 53},
      {"placed_for_adoption.csv", "placed_adoption", "adoption", 29, 29},
      {"placed_for_adoption_errors.csv", "placed_adoption", "adoption", 30, 29},
      {"previous_permanence.csv", "prev_perm", "previous_permanence", 2675, 2675},
      {"reviews.csv", "reviews", "review", 12582, 2675},
      {"sw_episodes.csv", "sw_episodes", "social_worker_episode", 1, 1},
      {"uasc.csv", "uasc", "uasc", 132, 132},
  };
  for (const auto& s : samples) {
    SCOPED_TRACE(s.file);
    auto d = DetectFile(External(s.file));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->format, Format::kSsda903Csv);
    EXPECT_EQ(d->ssda903_table, s.table);
    auto r = CheckFile(External(s.file), s.file, "", 0, nullptr);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->fatal);
    EXPECT_EQ(r->records[s.kind], s.rows);
    EXPECT_EQ(r->record_total, s.rows);
    EXPECT_EQ(r->children, s.children);
  }
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// Issue 14: a row without CHILD cannot be keyed. It is reported (child-id) with its line
// and left out; the rows before and after it are read, and the file is not refused.
TEST(Ssda903CsvTest, ARowWithoutChildIsLeftOutAndTheRestRead) {
  auto sink = ParseCsv("header", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
                                 "A,1,01/02/2010,WBRI,,,\n"
                                 ",2,01/02/2011,WBRI,,,\n"
                                 "C,1,01/02/2012,WBRI,,,\n");
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  ASSERT_EQ(sink.issues.size(), 1u) << sink.AllMessages();
  EXPECT_EQ(sink.issues[0].rule(), "child-id");
  EXPECT_EQ(sink.issues[0].line(), 3);
  EXPECT_EQ(sink.issues[0].field(), "CHILD");
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].second, "A");
  EXPECT_EQ(sink.records[1].second, "C");
}

}  // namespace
}  // namespace carestat
