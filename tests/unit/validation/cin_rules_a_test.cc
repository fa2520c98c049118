// Tests of the CIN census rules of batch cin_rules_a: for each, a case that breaks the
// rule (naming exactly the child, table and field found) and a near miss that passes.
// Census year 2025 (1 April 2024 to ReferenceDate 31 March 2025) unless said.
#include <algorithm>
#include <string>

#include "services/common/dates.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation::testing {
namespace {

using Fields = std::initializer_list<std::pair<std::string_view, std::string>>;

// A child (its Child row) with one CINdetails; returns the CINdetails row.
const validation::Row* Cin(RuleCase& c, const std::string& id, Fields cin, Fields child = {}) {
  validation::Row& r = c.Add(id, "Child", {{"LAchildID", id}});
  for (const auto& [k, v] : child) r.Set(k, v, r.line);
  return &c.Add(id, "CINdetails", cin);
}

bool Applies(std::string_view code, int year) {
  const auto rules = EngineRulesFor("cin", year);
  return std::any_of(rules.begin(), rules.end(), [&](const RuleDef* d) { return d->info.code == code; });
}

TEST(CinRules, R1520) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"LAchildID", "A"}, {"UPN", "A123456789012"}});
  c.Add("B", "Child", {{"LAchildID", "B"}, {"UPN", "B123456789012"}});
  c.Add("C", "Child", {{"LAchildID", "C"}, {"UPN", "A123456789012"}});
  c.Add("D", "Child", {{"LAchildID", "D"}, {"UPN", ""}});
  c.Add("E", "Child", {{"LAchildID", "E"}, {"UPN", " "}});
  c.Add("F", "Child", {{"LAchildID", "F"}});
  c.Add("G", "Child", {{"LAchildID", "G"}});
  // The later holder is flagged (the census is read one child at a time); blanks never.
  EXPECT_EQ(c.Run("1520"), Found({"C Child UPN"}));
  ASSERT_EQ(c.details().size(), 1u);
  EXPECT_EQ(c.details()[0], "the same UPN as the child on line 2");  // A, the first row
}

TEST(CinRules, R1560Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"FormerUPN", "A12345678901"}});   // 12 characters
  c.Add("B", "Child", {{"FormerUPN", "A123456789012"}});  // a permanent UPN
  c.Add("C", "Child", {{"FormerUPN", "A12345678901B"}});  // a temporary UPN (D2I flags it)
  c.Add("D", "Child", {{"FormerUPN", "1123456789012"}});  // no check letter
  c.Add("E", "Child", {{"FormerUPN", "A1234567890B2"}});  // a letter within
  c.Add("F", "Child", {{"FormerUPN", ""}});
  c.Add("G", "Child", {{"UPN", "A123"}});
  EXPECT_EQ(c.Run("1560Q"), Found({"A Child FormerUPN", "D Child FormerUPN", "E Child FormerUPN"}));
}

TEST(CinRules, R1570) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"LAchildID", "ABCDEFGHIJ0123456789K"}});  // 21
  c.Add("B", "Child", {{"LAchildID", "ABCDEFGHIJ0123456789"}});   // 20
  c.Add("C", "Child", {{"LAchildID", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}});  // 11 characters, 22 bytes
  EXPECT_EQ(c.Run("1570"), Found({"A Child LAchildID"}));
  // First in the 2024-25 census.
  EXPECT_FALSE(Applies("1570", 2024));
  EXPECT_TRUE(Applies("1570", 2025));
}

TEST(CinRules, R1580) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"LAchildID", "AB-123"}});
  c.Add("B", "Child", {{"LAchildID", "AB123xy"}});
  c.Add("C", "Child", {{"LAchildID", "AB 123"}});
  c.Add("D", "Child", {{"LAchildID", ""}});  // rule 8500's
  EXPECT_EQ(c.Run("1580"), Found({"A Child LAchildID", "C Child LAchildID"}));
  EXPECT_FALSE(Applies("1580", 2024));
  EXPECT_TRUE(Applies("1580", 2026));
}

TEST(CinRules, R2883) {
  auto build = [](RuleCase& c) {
    const validation::Row* a = Cin(c, "A", {{"CINreferralDate", "2024-04-02"}, {"DateOfInitialCPC", "2024-04-20"}});
    c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-04-20"}}, a);
    c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-09-01"}}, a);
    c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-03-30"}}, a);  // before the year: not counted
    c.Add("A", "Section47", {{"DateOfInitialCPC", "2024-03-31"}}, a);          // before the year: not counted
    return a;
  };
  RuleCase c("cin", 2025);
  build(c);
  EXPECT_EQ(c.Run("2883"), Found({"- - CPPstartDate"}));

  RuleCase ok("cin", 2025);
  const validation::Row* a = build(ok);
  ok.Add("A", "Section47", {{"DateOfInitialCPC", "2024-08-30"}}, a);
  EXPECT_EQ(ok.Run("2883"), Found({}));
}

TEST(CinRules, R2884) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"DateOfInitialCPC", "2024-05-01"}});
  c.Add("A", "Section47", {{"DateOfInitialCPC", "2024-05-01"}}, a);
  const validation::Row* b = Cin(c, "B", {{"DateOfInitialCPC", "2024-05-01"}});
  c.Add("B", "Section47", {{"DateOfInitialCPC", "2024-05-02"}}, b);
  EXPECT_EQ(c.Run("2884"), Found({"A Section47 DateOfInitialCPC", "A CINdetails DateOfInitialCPC"}));
}

// 49 born children, the first of them with GenderCurrent 0 and Sex M: 1 of 49 is over 2%.
void SexCase(RuleCase& c, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string id = "C" + std::to_string(i);
    c.Add(id, "Child", {{"GenderCurrent", i == 0 ? "0" : "1"}, {"Sex", "M"}});
  }
}

TEST(CinRules, R2886Q_GenderCurrentTo2024) {
  RuleCase c("cin", 2024);
  SexCase(c, 49);
  EXPECT_EQ(c.Run("2886Q"), Found({"- - GenderCurrent"}));

  RuleCase ok("cin", 2024);  // 1 of 50 is 2%, not more
  SexCase(ok, 50);
  EXPECT_EQ(ok.Run("2886Q"), Found({}));

  RuleCase unborn("cin", 2024);  // an unborn child with no gender is not counted (1 of 51)
  SexCase(unborn, 50);
  unborn.Add("U", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}});
  EXPECT_EQ(unborn.Run("2886Q"), Found({}));
}

TEST(CinRules, R2886Q_SexFrom2025) {
  RuleCase c("cin", 2025);  // the same children: Sex M for all, so none is unrecorded
  SexCase(c, 49);
  EXPECT_EQ(c.Run("2886Q"), Found({}));

  RuleCase u("cin", 2025);
  SexCase(u, 48);
  u.Add("X", "Child", {{"Sex", "U"}});
  EXPECT_EQ(u.Run("2886Q"), Found({"- - Sex"}));

  RuleCase unborn("cin", 2025);
  SexCase(unborn, 48);
  unborn.Add("X", "Child", {{"Sex", "U"}, {"ExpectedPersonBirthDate", "2025-05-01"}});
  EXPECT_EQ(unborn.Run("2886Q"), Found({}));
}

TEST(CinRules, R2887Q) {
  auto build = [](RuleCase& c) {
    c.Add("A", "Child", {{"Disability", "MOB"}, {"Disability", "HAND"}, {"Disability", "PC"}});
    c.Add("B", "Child", {{"Disability", "INC"}, {"Disability", "COMM"}, {"Disability", "MOB"}});
    c.Add("C", "Child", {{"Disability", "LD"}, {"Disability", "HEAR"}});
    c.Add("D", "Child", {{"Disability", "NONE"}});
  };
  RuleCase c("cin", 2025);  // 7 different codes besides NONE
  build(c);
  EXPECT_EQ(c.Run("2887Q"), Found({"- - Disability"}));

  RuleCase ok("cin", 2025);
  build(ok);
  ok.Add("E", "Child", {{"Disability", "VIS"}});
  EXPECT_EQ(ok.Run("2887Q"), Found({}));
}

TEST(CinRules, R2888Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"Disability", "MOB"}});
  c.Add("B", "Child", {{"Disability", "NONE"}});
  c.Add("C", "Child", {{"Disability", "HAND"}, {"Disability", "HAND"}});  // one disability twice
  EXPECT_EQ(c.Run("2888Q"), Found({"- - Disability"}));

  RuleCase ok("cin", 2025);
  ok.Add("A", "Child", {{"Disability", "MOB"}});
  ok.Add("C", "Child", {{"Disability", "HAND"}, {"Disability", "VIS"}});
  EXPECT_EQ(ok.Run("2888Q"), Found({}));
}

TEST(CinRules, R2889) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"CINreferralDate", "2024-05-02"}});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-05-01"}}, a);
  const validation::Row* b = Cin(c, "B", {{"CINreferralDate", "2024-05-02"}});
  c.Add("B", "Section47", {{"S47ActualStartDate", "2024-05-02"}}, b);
  EXPECT_EQ(c.Run("2889"), Found({"A Section47 S47ActualStartDate", "A CINdetails CINreferralDate"}));
}

TEST(CinRules, R2990) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"ReasonForClosure", "RC8"}});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-05-01"}}, a);
  Cin(c, "B", {{"ReasonForClosure", "RC9"}, {"DateOfInitialCPC", "2024-05-01"}});
  const validation::Row* cc = Cin(c, "C", {{"ReasonForClosure", "RC8"}});
  c.Add("C", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, cc);
  const validation::Row* d = Cin(c, "D", {{"ReasonForClosure", "RC1"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, d);
  EXPECT_EQ(c.Run("2990"), Found({"A CINdetails ReasonForClosure", "A Section47 ", "B CINdetails ReasonForClosure",
                                  "B CINdetails DateOfInitialCPC"}));
}

TEST(CinRules, R2991Q) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-05-01"}}, a);
  const validation::Row* b = Cin(c, "B", {});
  c.Add("B", "Section47", {{"S47ActualStartDate", "2024-05-01"}}, b);
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, b);
  // C's assessment is on another episode than its enquiry.
  const validation::Row* c1 = Cin(c, "C", {});
  c.Add("C", "Section47", {{"S47ActualStartDate", "2024-05-01"}}, c1);
  const validation::Row* c2 = &c.Add("C", "CINdetails", {});
  c.Add("C", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, c2);
  EXPECT_EQ(c.Run("2991Q"), Found({"A Section47 ", "C Section47 "}));
}

TEST(CinRules, R4000) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"ReferralNFA", "true"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, a);
  const validation::Row* b = Cin(c, "B", {{"ReferralNFA", "false"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, b);
  const validation::Row* d = Cin(c, "D", {{"ReferralNFA", "1"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, d);
  Cin(c, "E", {{"ReferralNFA", "true"}});
  EXPECT_EQ(c.Run("4000"),
            Found({"A CINdetails ReferralNFA", "A CINPlanDates ", "D CINdetails ReferralNFA", "D CINPlanDates "}));
}

TEST(CinRules, R4001) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {});
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}}, a);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-04-10"}}, a);
  const validation::Row* b = Cin(c, "B", {});
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-09-01"}}, b);
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-09-01"}}, b);
  // Open plans in two different episodes.
  const validation::Row* d1 = Cin(c, "D", {});
  c.Add("D", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}}, d1);
  const validation::Row* d2 = &c.Add("D", "CINdetails", {});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}}, d2);
  EXPECT_EQ(c.Run("4001"), Found({"A ChildProtectionPlans CPPendDate", "A CINPlanDates CINPlanEndDate"}));
}

TEST(CinRules, R4003) {
  RuleCase c("cin", 2025);
  auto add = [&](const std::string& id, const std::string& plan_end, const std::string& review) {
    const validation::Row* r = Cin(c, id, {});
    if (plan_end.empty()) {
      c.Add(id, "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, r);
    } else {
      c.Add(id, "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", plan_end}}, r);
    }
    c.Add(id, "ChildProtectionPlans",
          {{"CPPstartDate", "2024-04-01"}, {"CPPendDate", "2024-06-15"}, {"CPPreviewDate", review}}, r);
  };
  add("A", "2024-07-01", "2024-06-15");  // the review is the plan's end: allowed
  add("B", "2024-07-01", "2024-06-14");  // held while the CIN plan is open
  add("C", "2024-06-14", "2024-06-14");  // the CIN plan ended that day
  add("D", "", "2024-06-14");            // an open CIN plan (D2I skips it)
  add("E", "2024-07-01", "2024-04-30");  // before the CIN plan
  // F's CIN plan is on another episode than its protection plan.
  const validation::Row* f1 = Cin(c, "F", {});
  c.Add("F", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, f1);
  const validation::Row* f2 = &c.Add("F", "CINdetails", {});
  c.Add("F", "ChildProtectionPlans", {{"CPPstartDate", "2024-04-01"}, {"CPPreviewDate", "2024-06-01"}}, f2);
  EXPECT_EQ(c.Run("4003"), Found({"B ChildProtectionPlans CPPreviewDate", "B CINPlanDates CINPlanStartDate",
                                  "D ChildProtectionPlans CPPreviewDate", "D CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R4004) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, a);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", ""}}, a);
  const validation::Row* b = Cin(c, "B", {});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-05-30"}}, b);
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}}, b);
  const validation::Row* d1 = Cin(c, "D", {});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, d1);
  const validation::Row* d2 = &c.Add("D", "CINdetails", {});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}}, d2);
  EXPECT_EQ(c.Run("4004"), Found({"A CINPlanDates CINPlanEndDate", "A CINPlanDates CINPlanEndDate"}));
}

TEST(CinRules, R4008) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {}, {{"PersonDeathDate", "2024-06-01"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-06-02"}}, a);
  const validation::Row* b = Cin(c, "B", {}, {{"PersonDeathDate", "2024-06-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}}, b);
  const validation::Row* d = Cin(c, "D", {});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-06-02"}}, d);
  EXPECT_EQ(c.Run("4008"), Found({"A Child PersonDeathDate", "A CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R4009Q) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {}, {{"PersonDeathDate", "2024-06-01"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-06-02"}}, a);
  const validation::Row* b = Cin(c, "B", {}, {{"PersonDeathDate", "2024-06-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-06-01"}}, b);
  EXPECT_EQ(c.Run("4009Q"), Found({"A Child PersonDeathDate", "A CINPlanDates CINPlanEndDate"}));
}

TEST(CinRules, R4010) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {});
  c.Add("A", "CINPlanDates", {{"CINPlanEndDate", "2024-06-01"}}, a);
  const validation::Row* b = Cin(c, "B", {});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2025-04-01"}}, b);
  const validation::Row* d = Cin(c, "D", {});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2025-03-31"}}, d);
  const validation::Row* e = Cin(c, "E", {});
  c.Add("E", "CINPlanDates", {{"CINPlanStartDate", ""}}, e);
  EXPECT_EQ(c.Run("4010"),
            Found({"A CINPlanDates CINPlanStartDate", "B CINPlanDates CINPlanStartDate", "E CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R4011) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-06-02"}, {"CINPlanEndDate", "2024-06-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", "2024-06-01"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-06-02"}});
  EXPECT_EQ(c.Run("4011"), Found({"A CINPlanDates CINPlanEndDate"}));
}

TEST(CinRules, R4012Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", "2024-06-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", "2024-06-02"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", ""}});
  EXPECT_EQ(c.Run("4012Q"), Found({"A CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R4013) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-01-01"}, {"CINPlanEndDate", "2024-03-31"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-01-01"}, {"CINPlanEndDate", "2024-04-01"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2025-01-01"}, {"CINPlanEndDate", "2025-03-31"}});
  c.Add("E", "CINPlanDates", {{"CINPlanStartDate", "2025-01-01"}, {"CINPlanEndDate", "2025-04-01"}});
  c.Add("F", "CINPlanDates", {{"CINPlanStartDate", "2025-01-01"}});
  EXPECT_EQ(c.Run("4013"), Found({"A CINPlanDates CINPlanEndDate", "E CINPlanDates CINPlanEndDate"}));
}

TEST(CinRules, R4014) {
  RuleCase c("cin", 2025);
  // A's second plan starts the day the first ends (within it, inclusive).
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-07-01"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-07-01"}, {"CINPlanEndDate", "2024-08-01"}});
  // B's follow each other (D2I flags every plan, each against itself).
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-06-30"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-07-01"}});
  // D's second starts within the first, which is open to the ReferenceDate.
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2025-03-31"}, {"CINPlanEndDate", "2025-03-31"}});
  EXPECT_EQ(c.Run("4014"), Found({"A CINPlanDates CINPlanStartDate", "A CINPlanDates CINPlanStartDate",
                                  "D CINPlanDates CINPlanStartDate", "D CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R4015) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"CINreferralDate", "2024-05-02"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}}, a);
  const validation::Row* b = Cin(c, "B", {{"CINreferralDate", "2024-05-02"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-02"}}, b);
  EXPECT_EQ(c.Run("4015"), Found({"A CINPlanDates CINPlanStartDate", "A CINdetails CINreferralDate"}));
}

TEST(CinRules, R4016) {
  RuleCase c("cin", 2025);
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-07-01"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}});
  // B's CIN plan starts the day the protection plan ends.
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-07-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-07-01"}});
  // D's protection plan is open to the ReferenceDate.
  c.Add("D", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2025-03-31"}});
  // E's CIN plan starts before the protection plan (4017's).
  c.Add("E", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}});
  c.Add("E", "CINPlanDates", {{"CINPlanStartDate", "2024-04-30"}, {"CINPlanEndDate", "2024-05-01"}});
  EXPECT_EQ(c.Run("4016"), Found({"A CINPlanDates CINPlanStartDate", "A ChildProtectionPlans CPPstartDate",
                                  "D CINPlanDates CINPlanStartDate", "D ChildProtectionPlans CPPstartDate"}));
}

TEST(CinRules, R4017) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-07-01"}});
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}});
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}, {"CINPlanEndDate", "2024-07-01"}});
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2024-07-01"}});
  c.Add("D", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}});
  c.Add("D", "ChildProtectionPlans", {{"CPPstartDate", "2024-04-30"}});
  c.Add("E", "CINPlanDates", {{"CINPlanStartDate", "2024-05-01"}});
  c.Add("E", "ChildProtectionPlans", {{"CPPstartDate", "2025-03-31"}});
  EXPECT_EQ(c.Run("4017"), Found({"A ChildProtectionPlans CPPstartDate", "A CINPlanDates CINPlanStartDate",
                                  "E ChildProtectionPlans CPPstartDate", "E CINPlanDates CINPlanStartDate"}));
}

TEST(CinRules, R8525Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"LAchildID", "A"}});
  c.Add("B", "Child", {{"PersonBirthDate", "2020-01-01"}, {"ExpectedPersonBirthDate", "2025-05-01"}});
  c.Add("D", "Child", {{"PersonBirthDate", "2020-01-01"}, {"ExpectedPersonBirthDate", ""}});
  c.Add("E", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}});
  EXPECT_EQ(c.Run("8525Q"), Found({"A Child PersonBirthDate", "B Child PersonBirthDate"}));
}

TEST(CinRules, R8530Q) {
  RuleCase c("cin", 2025);  // ReferenceDate 2025-03-31: from 2025-03-01 to 2025-12-31
  c.Add("A", "Child", {{"ExpectedPersonBirthDate", "2025-02-28"}});
  c.Add("B", "Child", {{"ExpectedPersonBirthDate", "2025-03-01"}});
  c.Add("D", "Child", {{"ExpectedPersonBirthDate", "2025-12-31"}});
  c.Add("E", "Child", {{"ExpectedPersonBirthDate", "2026-01-01"}});
  c.Add("F", "Child", {{"PersonBirthDate", "2010-01-01"}});
  EXPECT_EQ(c.Run("8530Q"), Found({"A Child ExpectedPersonBirthDate", "E Child ExpectedPersonBirthDate"}));
}

TEST(CinRules, R8535Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"PersonBirthDate", "2020-01-02"}, {"PersonDeathDate", "2020-01-01"}});
  c.Add("B", "Child", {{"PersonBirthDate", "2020-01-02"}, {"PersonDeathDate", "2020-01-02"}});
  c.Add("D", "Child", {{"PersonDeathDate", "2024-06-01"}});
  c.Add("E", "Child", {{"PersonBirthDate", "2020-01-02"}});
  EXPECT_EQ(c.Run("8535Q"), Found({"A Child PersonDeathDate", "D Child PersonDeathDate"}));
}

TEST(CinRules, R8540) {
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"ReferralNFA", "false"}}, {{"PersonBirthDate", "2015-01-01"}});
  Cin(c, "B", {{"ReferralNFA", "0"}}, {{"PersonBirthDate", "2015-01-01"}, {"Disability", "mob"}});
  Cin(c, "D", {{"ReferralNFA", "false"}}, {{"PersonBirthDate", "2015-01-01"}, {"Disability", "MOB"}, {"Disability", "AUT"}});
  Cin(c, "E", {{"ReferralNFA", "true"}}, {{"PersonBirthDate", "2015-01-01"}});
  Cin(c, "F", {{"ReferralNFA", "false"}}, {{"ExpectedPersonBirthDate", "2025-05-01"}});
  EXPECT_EQ(c.Run("8540"), Found({"A Child Disability", "B Child Disability"}));
}

TEST(CinRules, R8545Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"PersonDeathDate", "2024-03-31"}});
  c.Add("B", "Child", {{"PersonDeathDate", "2024-04-01"}});
  c.Add("D", "Child", {{"PersonDeathDate", "2025-03-31"}});
  c.Add("E", "Child", {{"PersonDeathDate", "2025-04-01"}});
  EXPECT_EQ(c.Run("8545Q"), Found({"A Child PersonDeathDate", "E Child PersonDeathDate"}));
}

TEST(CinRules, R8555Q) {
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"CINreferralDate", "2024-06-02"}}, {{"PersonDeathDate", "2024-06-01"}});
  Cin(c, "B", {{"CINreferralDate", "2024-06-01"}}, {{"PersonDeathDate", "2024-06-01"}});
  Cin(c, "D", {{"CINreferralDate", "2024-06-02"}});
  EXPECT_EQ(c.Run("8555Q"), Found({"A CINdetails CINreferralDate", "A Child PersonDeathDate"}));
}

TEST(CinRules, R8565) {
  RuleCase c("cin", 2025);
  const validation::Row* a = Cin(c, "A", {{"CINclosureDate", "2024-06-01"}});
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}, {"AssessmentAuthorisationDate", "2024-06-02"}}, a);
  // B: everything on the closure day.
  const validation::Row* b = Cin(c, "B", {{"CINclosureDate", "2024-06-01"}, {"DateOfInitialCPC", "2024-06-01"}});
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}}, b);
  c.Add("B", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"DateOfInitialCPC", "2024-06-01"}}, b);
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPendDate", "2024-06-01"}}, b);
  c.Add("B", "CINPlanDates", {{"CINPlanStartDate", "2024-06-01"}, {"CINPlanEndDate", "2024-06-01"}}, b);
  // D: a protection plan ending after the closure (D2I reads its own test data instead).
  const validation::Row* d = Cin(c, "D", {{"CINclosureDate", "2024-06-01"}});
  c.Add("D", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-06-05"}}, d);
  // E: open, so nothing is after a closure.
  const validation::Row* e = Cin(c, "E", {});
  c.Add("E", "CINPlanDates", {{"CINPlanStartDate", "2024-06-05"}}, e);
  EXPECT_EQ(c.Run("8565"), Found({"A Assessments AssessmentAuthorisationDate", "A CINdetails CINclosureDate",
                                  "D ChildProtectionPlans CPPendDate", "D CINdetails CINclosureDate"}));
}

TEST(CinRules, R8568) {
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"ReferralNFA", "yes"}});
  Cin(c, "B", {});
  Cin(c, "D", {{"ReferralNFA", "True"}});
  Cin(c, "E", {{"ReferralNFA", "0"}});
  Cin(c, "F", {{"ReferralNFA", "true"}});
  Cin(c, "G", {{"ReferralNFA", ""}});
  EXPECT_EQ(c.Run("8568"), Found({"A CINdetails ReferralNFA", "B CINdetails ReferralNFA", "D CINdetails ReferralNFA",
                                  "G CINdetails ReferralNFA"}));
}

TEST(CinRules, R8569Q_EasterBeforeTheYear) {
  // Easter Monday was 1 April 2024 and Good Friday 29 March: the working day before the
  // year is Thursday 28 March, and only referrals before it may not be NFA.
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"CINreferralDate", "2024-03-27"}, {"ReferralNFA", "true"}});
  Cin(c, "B", {{"CINreferralDate", "2024-03-28"}, {"ReferralNFA", "true"}});
  Cin(c, "D", {{"CINreferralDate", "2024-03-27"}, {"ReferralNFA", "false"}});
  Cin(c, "E", {{"CINreferralDate", "2023-06-01"}, {"ReferralNFA", "1"}});
  EXPECT_EQ(c.Run("8569Q"), Found({"A CINdetails ReferralNFA", "E CINdetails ReferralNFA"}));
}

TEST(CinRules, R8569Q_Weekday) {
  // 1 April 2025 a Tuesday: the working day before is Monday 31 March (D2I flags it).
  RuleCase c("cin", 2026);
  Cin(c, "A", {{"CINreferralDate", "2025-03-28"}, {"ReferralNFA", "true"}});
  Cin(c, "B", {{"CINreferralDate", "2025-03-31"}, {"ReferralNFA", "true"}});
  EXPECT_EQ(c.Run("8569Q"), Found({"A CINdetails ReferralNFA"}));
}

TEST(CinRules, R8585Q) {
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"ReasonForClosure", "RC2"}});
  Cin(c, "B", {{"ReasonForClosure", "RC2"}}, {{"PersonDeathDate", "2024-06-01"}});
  Cin(c, "D", {{"ReasonForClosure", "RC1"}});
  Cin(c, "E", {{"ReasonForClosure", "RC2"}}, {{"PersonDeathDate", "not a date"}});
  EXPECT_EQ(c.Run("8585Q"), Found({"A CINdetails ReasonForClosure", "A Child PersonDeathDate",
                                   "E CINdetails ReasonForClosure", "E Child PersonDeathDate"}));
}

TEST(CinRules, R8590) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"LAchildID", "A"}});
  Cin(c, "B", {});
  EXPECT_EQ(c.Run("8590"), Found({"A Child LAchildID"}));
}

TEST(CinRules, R8606) {
  RuleCase c("cin", 2025);
  const int32_t born = DayNumber(2024, 12, 1);
  Cin(c, "A", {{"CINreferralDate", FormatIsoDate(born - 281)}}, {{"PersonBirthDate", "2024-12-01"}});
  Cin(c, "B", {{"CINreferralDate", FormatIsoDate(born - 280)}}, {{"PersonBirthDate", "2024-12-01"}});
  Cin(c, "D", {{"CINreferralDate", FormatIsoDate(born - 281)}}, {{"ExpectedPersonBirthDate", "2024-12-01"}});
  EXPECT_EQ(c.Run("8606"), Found({"A CINdetails CINreferralDate", "A Child PersonBirthDate",
                                  "D CINdetails CINreferralDate", "D Child ExpectedPersonBirthDate"}));
}

TEST(CinRules, R8608) {
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-06-02"}, {"AssessmentAuthorisationDate", "2024-06-01"}});
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}});
  c.Add("D", "Assessments", {{"AssessmentActualStartDate", "2024-06-02"}});
  EXPECT_EQ(c.Run("8608"), Found({"A Assessments AssessmentActualStartDate"}));
}

TEST(CinRules, R8610) {
  RuleCase c("cin", 2025);
  Cin(c, "A", {{"ReferralNFA", "false"}});
  Cin(c, "B", {{"ReferralNFA", "0"}, {"PrimaryNeedCode", "N1"}});
  Cin(c, "D", {{"ReferralNFA", "true"}});
  Cin(c, "E", {{"ReferralNFA", "0"}, {"PrimaryNeedCode", " "}});
  EXPECT_EQ(c.Run("8610"), Found({"A CINdetails PrimaryNeedCode", "E CINdetails PrimaryNeedCode"}));
}

TEST(CinRules, R8545Q_YearUnknown) {
  // With no census year there is no period to be outside of.
  RuleCase c("cin", 0);
  c.Add("A", "Child", {{"PersonDeathDate", "2024-03-31"}});
  EXPECT_EQ(c.Run("8545Q"), Found({}));
}

TEST(CinRules, R4016_YearUnknown) {
  // An open protection plan runs on when the ReferenceDate is not known.
  RuleCase c("cin", 0);
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}});
  c.Add("A", "CINPlanDates", {{"CINPlanStartDate", "2026-01-01"}});
  EXPECT_EQ(c.Run("4016"), Found({"A CINPlanDates CINPlanStartDate", "A ChildProtectionPlans CPPstartDate"}));
}

}  // namespace
}  // namespace carestat::validation::testing
