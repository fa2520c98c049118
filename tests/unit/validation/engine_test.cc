// The rule engine itself: every rule it runs has its test, the catalogue lists it, and
// what a rule finds becomes an issue naming the file, line, child and field.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "gtest/gtest.h"
#include "services/ingestion/formats/rules.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::RuleCase;

std::string TestSources() {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CARESTAT_SOURCE_DIR) + "/tests/unit/validation")) {
    if (e.path().extension() != ".cc") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

TEST(RuleEngine, EveryRuleHasItsTest) {
  // A rule's test is TEST(CinRules, R<code>) or TEST(Ssda903Rules, R<code>) (or
  // R<code>_<what> for more than one), with a case that breaks the rule and a near miss.
  const std::string tests = TestSources();
  for (const RuleDef& d : EngineRules()) {
    const std::string suite = d.info.dataset == "cin" ? "CinRules" : "Ssda903Rules";
    const std::regex want("TEST\\(" + suite + ",\\s*R" + std::string(d.info.code) + "[)_]");
    EXPECT_TRUE(std::regex_search(tests, want)) << d.info.dataset << " rule " << d.info.code << " has no TEST(" << suite
                                                << ", R" << d.info.code << ")";
  }
}

TEST(RuleEngine, EveryRuleIsCatalogued) {
  for (const RuleDef& d : EngineRules()) {
    SCOPED_TRACE(std::string(d.info.code));
    EXPECT_TRUE(d.child || d.make_return);
    EXPECT_EQ(d.info.source, "DfE");
    bool found = false;
    for (const RuleInfo* r : FindRules(d.info.code)) found = found || (r->dataset == d.info.dataset && r->from_year == d.info.from_year);
    EXPECT_TRUE(found);
  }
}

// A child rule and a return rule, defined here to test the engine alone.
TEST(RuleEngine, FindingsBecomeIssuesNamingFileLineChildAndField) {
  RuleDef def{RuleInfo{"T1", "cin", RuleSeverity::kQuery, "Something is odd", "UPN", 0, 0, "x", "DfE"},
              [](const Context&, const ChildData& c, Hits& hits) {
                for (const Row* r : c.Rows("Child")) {
                  if (r->Get("UPN").empty()) hits.Add(r, "UPN", "no UPN");
                  hits.Add(r, "UPN");  // a second hit on the same row and field is dropped
                }
              },
              {}};
  Row row;
  row.table = Intern("Child");
  row.line = 7;
  row.file = "cin.xml";
  row.Set("UPN", "", 9);
  ChildData child;
  child.id = "C1";
  child.tables["Child"].push_back(&row);
  Hits hits;
  def.child(Context{}, child, hits);
  ASSERT_EQ(hits.all().size(), 2u);
  Finding f{&def, &row, "C1", "UPN", "no UPN", row.LineOf("UPN"), std::string(row.file)};
  const v1::ValidationIssue issue = IssueOf(f);
  EXPECT_EQ(issue.rule(), "T1");
  EXPECT_EQ(issue.severity(), v1::QUERY);
  EXPECT_EQ(issue.line(), 9);
  EXPECT_EQ(issue.field(), "UPN");
  EXPECT_EQ(issue.child(), "C1");
  EXPECT_EQ(issue.message(), "cin.xml line 9: Something is odd: no UPN (UPN)");
}

TEST(RuleEngine, ARulesDetailNeverRepeatsAnIdentifyingValue) {
  Row row;
  row.table = Intern("Header");
  row.Set("DOB", "01/02/2010", 2);
  row.Set("UPN", "A123456789012", 2);
  row.Set("SEX", "9", 2);
  // The date of birth as written or in the other date form, the UPN: not shown.
  EXPECT_EQ(SafeDetail(row, "DOB", "born 01/02/2010"), "(value not shown)");
  EXPECT_EQ(SafeDetail(row, "DOB", "born 2010-02-01"), "(value not shown)");
  EXPECT_EQ(SafeDetail(row, "UPN", "UPN A123456789012 twice"), "(value not shown)");
  // What says something else about an identifying field, or another field's value: kept.
  EXPECT_EQ(SafeDetail(row, "DOB", "under 11 on 31/03/2025"), "under 11 on 31/03/2025");
  EXPECT_EQ(SafeDetail(row, "SEX", "sex '9'"), "sex '9'");
}

TEST(RuleEngine, HelpersReadBothDateFormsAndAges) {
  EXPECT_EQ(ParseDay("01/04/2025"), DayNumber(2025, 4, 1));
  EXPECT_EQ(ParseDay("2025-04-01"), DayNumber(2025, 4, 1));
  EXPECT_EQ(ParseDay("2025-04-01T00:00:00"), DayNumber(2025, 4, 1));
  EXPECT_FALSE(ParseDay("31/02/2025"));
  EXPECT_FALSE(ParseDay(""));
  EXPECT_FALSE(ParseDay("1/4/2025"));
  EXPECT_EQ(AgeOn(DayNumber(2010, 4, 1), DayNumber(2026, 3, 31)), 15);
  EXPECT_EQ(AgeOn(DayNumber(2010, 4, 1), DayNumber(2026, 4, 1)), 16);
  EXPECT_EQ(Weekday(DayNumber(2026, 12, 4)), 4);  // a Friday
  EXPECT_EQ(Weekday(DayNumber(1969, 12, 29)), 0);  // a Monday before day 0
}

TEST(RuleEngine, InDateOrderSortsByTheDateAndLeavesOutTheUndated) {
  RuleCase c("ssda903", 2025);
  const Row& late = c.Add("A", "Episodes", {{"DECOM", "01/06/2024"}});
  const Row& first = c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}});
  c.Add("A", "Episodes", {{"DECOM", "31/02/2024"}});
  const Row& tie = c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}});
  const std::vector<const Row*> all = {&late, &first, &tie};
  EXPECT_EQ(InDateOrder(all, "DECOM"), (std::vector<const Row*>{&first, &tie, &late}));
}

}  // namespace
}  // namespace carestat::validation
