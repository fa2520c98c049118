// CIN census rules of batch cin_rules_b (services/ingestion/validation/cin_rules_b.cc):
// each rule with a case that breaks it and a near miss. The census of collection year 2025
// runs 2024-04-01 to the ReferenceDate 2025-03-31 (a Monday).
#include "gtest/gtest.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

TEST(CinRules, R8615) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINreferralDate", "2024-05-01"}});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-06-11"}, {"DateOfInitialCPC", "2024-06-10"}}, &a);
  const Row& b = c.Add("B", "CINdetails", {{"CINreferralDate", "2024-05-01"}});
  c.Add("B", "Section47", {{"S47ActualStartDate", ""}, {"DateOfInitialCPC", "2024-06-10"}}, &b);
  // Near misses: the start on the conference day; no conference and no start.
  const Row& n = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-05-01"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-06-10"}, {"DateOfInitialCPC", "2024-06-10"}}, &n);
  c.Add("N", "Section47", {{"ICPCnotRequired", "true"}}, &n);
  EXPECT_EQ(c.Run("8615"), Found({"A Section47 S47ActualStartDate", "B Section47 S47ActualStartDate"}));
}

TEST(CinRules, R8670Q) {
  // 2025-03-31 less 45 working days is Monday 2025-01-27 (nine weeks, no holiday between).
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2025-01-24"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2025-01-27"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", "2024-07-01"}});
  EXPECT_EQ(c.Run("8670Q"), Found({"A Assessments AssessmentActualStartDate"}));
}

TEST(CinRules, R8675Q) {
  // 2025-03-31 less 15 working days is Monday 2025-03-10.
  RuleCase c("cin", 2025);
  c.Add("A", "Section47", {{"S47ActualStartDate", "2025-03-07"}, {"ICPCnotRequired", "false"}});
  c.Add("B", "Section47", {{"S47ActualStartDate", "2025-03-07"}, {"ICPCnotRequired", "0"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2025-03-10"}, {"ICPCnotRequired", "false"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2025-03-07"}, {"ICPCnotRequired", "true"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2025-03-07"}, {"ICPCnotRequired", "false"}, {"DateOfInitialCPC", "2025-03-20"}});
  EXPECT_EQ(c.Run("8675Q"), Found({"A Section47 S47ActualStartDate", "B Section47 S47ActualStartDate"}));
}

TEST(CinRules, R8675Q_BankHolidaysAreNotWorkingDays) {
  // ReferenceDate Sunday 2024-03-31, Good Friday 2024-03-29: 15 working days back is
  // Friday 2024-03-08 (it would be Monday 11 March if Good Friday were a working day).
  RuleCase c("cin", 2024);
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-03-07"}, {"ICPCnotRequired", "false"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-03-08"}, {"ICPCnotRequired", "false"}});
  EXPECT_EQ(c.Run("8675Q"), Found({"A Section47 S47ActualStartDate"}));
}

TEST(CinRules, R8696) {
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentAuthorisationDate", "2024-03-31"}});
  c.Add("B", "Assessments", {{"AssessmentAuthorisationDate", "2025-04-01"}});
  c.Add("N", "Assessments", {{"AssessmentAuthorisationDate", "2024-04-01"}});
  c.Add("N", "Assessments", {{"AssessmentAuthorisationDate", "2025-03-31"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2023-03-31"}});
  EXPECT_EQ(c.Run("8696"), Found({"A Assessments AssessmentAuthorisationDate", "B Assessments AssessmentAuthorisationDate"}));
}

TEST(CinRules, R8715) {
  RuleCase c("cin", 2025);
  c.Add("A", "Section47", {{"DateOfInitialCPC", "2025-04-01"}});
  c.Add("N", "Section47", {{"DateOfInitialCPC", "2024-04-01"}});
  c.Add("N", "Section47", {{"DateOfInitialCPC", "2025-03-31"}});
  c.Add("N", "CINdetails", {{"DateOfInitialCPC", "2023-01-01"}});  // the rule reads Section47's
  EXPECT_EQ(c.Run("8715"), Found({"A Section47 DateOfInitialCPC"}));
}

TEST(CinRules, R8720) {
  RuleCase c("cin", 2025);
  c.Add("A", "ChildProtectionPlans", {{"CPPendDate", "2024-09-01"}});
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2025-04-01"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2025-03-31"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2019-01-01"}});
  EXPECT_EQ(c.Run("8720"), Found({"A ChildProtectionPlans CPPstartDate", "B ChildProtectionPlans CPPstartDate"}));
}

TEST(CinRules, R8730) {
  RuleCase c("cin", 2025);
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-09-01"}});
  c.Add("B", "ChildProtectionPlans", {{"NumberOfPreviousCPP", ""}});
  c.Add("C", "ChildProtectionPlans", {{"NumberOfPreviousCPP", "-1"}});
  c.Add("N", "ChildProtectionPlans", {{"NumberOfPreviousCPP", "0"}});
  c.Add("N", "ChildProtectionPlans", {{"NumberOfPreviousCPP", "12"}});
  EXPECT_EQ(c.Run("8730"), Found({"A ChildProtectionPlans NumberOfPreviousCPP", "B ChildProtectionPlans NumberOfPreviousCPP",
                                  "C ChildProtectionPlans NumberOfPreviousCPP"}));
}

TEST(CinRules, R8736) {
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-03-31"}});
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2025-04-01"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-04-01"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2025-03-31"}});
  // Completed: another rule's concern.
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-03-01"}, {"AssessmentAuthorisationDate", "2024-04-10"}});
  c.Add("C", "Assessments", {{"AssessmentActualStartDate", ""}});  // no start date does not fall within
  EXPECT_EQ(c.Run("8736"), Found({"A Assessments AssessmentActualStartDate", "B Assessments AssessmentActualStartDate",
                                  "C Assessments AssessmentActualStartDate"}));
}

TEST(CinRules, R8740) {
  RuleCase c("cin", 2025);
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-03-31"}, {"ICPCnotRequired", "0"}});
  // ICPCnotRequired written "false" is false too (D2I's rule read only "0").
  c.Add("B", "Section47", {{"S47ActualStartDate", "2025-04-01"}, {"ICPCnotRequired", "false"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-04-01"}, {"ICPCnotRequired", "false"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-03-31"}, {"ICPCnotRequired", "true"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-03-31"}, {"ICPCnotRequired", "false"}, {"DateOfInitialCPC", "2024-04-03"}});
  // No start date does not fall within the year either (D2I's rule let it pass).
  c.Add("C", "Section47", {{"ICPCnotRequired", "false"}});
  EXPECT_EQ(c.Run("8740"), Found({"A Section47 S47ActualStartDate", "B Section47 S47ActualStartDate",
                                  "C Section47 S47ActualStartDate"}));
}

TEST(CinRules, R8750_GenderUpTo2024) {
  RuleCase c("cin", 2024);
  c.Add("A", "Child", {{"ExpectedPersonBirthDate", "2024-05-01"}, {"GenderCurrent", "2"}});
  c.Add("N", "Child", {{"ExpectedPersonBirthDate", "2024-05-01"}, {"GenderCurrent", "0"}});
  c.Add("M", "Child", {{"ExpectedPersonBirthDate", "2024-05-01"}, {"PersonBirthDate", "2024-05-02"}, {"GenderCurrent", "2"}});
  EXPECT_EQ(c.Run("8750"), Found({"A Child GenderCurrent"}));
}

TEST(CinRules, R8750_SexFrom2025) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}, {"Sex", "F"}});
  c.Add("N", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}, {"Sex", "U"}});
  // GenderCurrent 0 no longer answers: the year chooses the code (U), and the issue points
  // at the element the file has.
  c.Add("B", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}, {"GenderCurrent", "0"}});
  c.Add("M", "Child", {{"ExpectedPersonBirthDate", "2025-05-01"}, {"PersonBirthDate", "2025-03-01"}, {"Sex", "F"}});
  EXPECT_EQ(c.Run("8750"), Found({"A Child Sex", "B Child GenderCurrent"}));
}

TEST(CinRules, R8770Q_SixOrOlderUpTo2024) {
  // Census ending 2024-03-31: a child born on or before 2018-03-31 is 6 or more.
  RuleCase c("cin", 2024);
  auto child = [&](const std::string& id, const std::string& dob, const std::string& upn, const std::string& unknown,
                   const std::string& nfa) {
    Row& r = c.Add(id, "Child", {{"PersonBirthDate", dob}});
    if (!upn.empty()) r.Set("UPN", upn, r.line);
    if (!unknown.empty()) r.Set("UPNunknown", unknown, r.line);
    c.Add(id, "CINdetails", {{"ReferralNFA", nfa}});
  };
  child("A", "2018-03-31", "", "", "false");
  child("B", "2010-01-01", "", "UN1", "0");
  child("N1", "2018-04-01", "", "", "false");          // 5 on the ReferenceDate
  child("N2", "2010-01-01", "A123456789012", "", "false");
  child("N3", "2010-01-01", "", "UN2", "false");
  child("N4", "2010-01-01", "", "", "true");           // a referral with no further action
  EXPECT_EQ(c.Run("8770Q"), Found({"A Child UPN", "B Child UPN"}));
}

TEST(CinRules, R8770Q_SchoolAgeFrom2025) {
  // Census ending 2025-03-31: the school year began September 2024; a child 5 by
  // 2024-08-31 (born on or before 2019-08-31) is of school age.
  RuleCase c("cin", 2025);
  auto child = [&](const std::string& id, const std::string& dob, const std::string& unknown) {
    Row& r = c.Add(id, "Child", {{"PersonBirthDate", dob}});
    if (!unknown.empty()) r.Set("UPNunknown", unknown, r.line);
    c.Add(id, "CINdetails", {{"ReferralNFA", "false"}});
  };
  child("A", "2019-08-31", "UN1");
  child("B", "2019-03-01", "");  // 6 on the ReferenceDate: the old rule found it too
  child("C", "2019-08-31", "un2");  // codes are upper case
  child("N1", "2019-09-01", "");
  child("N2", "2015-01-01", "UN7");
  EXPECT_EQ(c.Run("8770Q"), Found({"A Child UPN", "B Child UPN", "C Child UPN"}));
}

TEST(CinRules, R8770Q_TheYearMatters) {
  // Up to 2023-24 a child 5 on the ReferenceDate is not yet found, though of school age
  // (born 2018-08-31: 5 by 2023-08-31); from 2024-25 such a child is found.
  RuleCase old_rule("cin", 2024);
  old_rule.Add("A", "Child", {{"PersonBirthDate", "2018-08-31"}});
  old_rule.Add("A", "CINdetails", {{"ReferralNFA", "false"}});
  EXPECT_EQ(old_rule.Run("8770Q"), Found({}));
  RuleCase new_rule("cin", 2025);
  new_rule.Add("A", "Child", {{"PersonBirthDate", "2019-08-31"}});
  new_rule.Add("A", "CINdetails", {{"ReferralNFA", "false"}});
  EXPECT_EQ(new_rule.Run("8770Q"), Found({"A Child UPN"}));
}

TEST(CinRules, R8772) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"UPNunknown", "UN7"}});
  c.Add("A", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("A", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("N", "Child", {{"UPNunknown", "UN7"}});
  c.Add("N", "CINdetails", {{"ReferralNFA", "1"}});
  c.Add("N", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("M", "Child", {{"UPNunknown", "UN2"}});
  c.Add("M", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("O", "Child", {{"UPNunknown", "UN7"}});  // no CIN details at all: none going on (D2I found it)
  EXPECT_EQ(c.Run("8772"), Found({"A CINdetails ReferralNFA", "A Child UPNunknown"}));
}

TEST(CinRules, R8775Q) {
  // Census ending 2025-03-31: over 25 when born before 2000-03-31.
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"PersonBirthDate", "2000-03-30"}});
  c.Add("A", "CINdetails", {{"CINreferralDate", "2024-05-01"}});
  c.Add("B", "Child", {{"PersonBirthDate", "1999-01-01"}});
  c.Add("B", "CINdetails", {{"CINclosureDate", "2024-01-02"}});  // closed after the 25th birthday
  c.Add("N1", "Child", {{"PersonBirthDate", "2000-03-31"}});    // 25 on the ReferenceDate
  c.Add("N1", "CINdetails", {{"CINreferralDate", "2024-05-01"}});
  c.Add("N2", "Child", {{"PersonBirthDate", "1999-01-01"}});
  c.Add("N2", "CINdetails", {{"CINclosureDate", "2024-01-01"}});  // closed on the 25th birthday
  EXPECT_EQ(c.Run("8775Q"), Found({"A CINdetails CINclosureDate", "A Child PersonBirthDate", "B CINdetails CINclosureDate",
                                   "B Child PersonBirthDate"}));
}

TEST(CinRules, R8790) {
  RuleCase c("cin", 2025);
  Row& a = c.Add("A", "Child", {{"Disability", "NONE"}});
  a.Set("Disability", "HAND", a.line);
  c.Add("N", "Child", {{"Disability", "NONE"}});
  Row& m = c.Add("M", "Child", {{"Disability", "HAND"}});
  m.Set("Disability", "VIS", m.line);
  EXPECT_EQ(c.Run("8790"), Found({"A Child Disability"}));
}

TEST(CinRules, R8794) {
  RuleCase c("cin", 2025);
  Row& a = c.Add("A", "Child", {{"Disability", "HAND"}});
  a.Set("Disability", "VIS", a.line);
  a.Set("Disability", "HAND", a.line);
  Row& n = c.Add("N", "Child", {{"Disability", "HAND"}});
  n.Set("Disability", "VIS", n.line);
  EXPECT_EQ(c.Run("8794"), Found({"A Child Disability"}));
}

TEST(CinRules, R8805) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINdetails", {{"CINclosureDate", "2024-09-01"}, {"ReasonForClosure", ""}});
  c.Add("B", "CINdetails", {{"CINclosureDate", "2024-09-01"}});
  c.Add("N", "CINdetails", {{"CINclosureDate", "2024-09-01"}, {"ReasonForClosure", "RC1"}});
  c.Add("N", "CINdetails", {{"CINreferralDate", "2024-09-01"}});
  EXPECT_EQ(c.Run("8805"), Found({"A CINdetails ReasonForClosure", "B CINdetails ReasonForClosure"}));
}

TEST(CinRules, R8810) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINdetails", {{"ReasonForClosure", "RC1"}, {"CINclosureDate", ""}});
  c.Add("N", "CINdetails", {{"CINclosureDate", "2024-09-01"}, {"ReasonForClosure", "RC1"}});
  c.Add("N", "CINdetails", {{"ReasonForClosure", ""}});
  EXPECT_EQ(c.Run("8810"), Found({"A CINdetails CINclosureDate"}));
}

TEST(CinRules, R8815) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("A", "CINdetails", {{"ReferralNFA", "0"}});
  c.Add("A", "CINdetails", {{"ReferralNFA", "true"}});  // open but no further action: not counted
  c.Add("N", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("N", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("N", "CINdetails", {{"ReferralNFA", "false"}, {"CINclosureDate", "2024-09-01"}});
  const Found got = c.Run("8815");
  EXPECT_EQ(got, Found({"A CINdetails CINclosureDate", "A CINdetails CINclosureDate"}));
}

TEST(CinRules, R8816) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINdetails", {{"CINreferralDate", "2024-05-01"}, {"ReferralNFA", "false"}});
  c.Add("A", "CINdetails", {{"CINreferralDate", "2024-08-01"}, {"ReferralNFA", "false"}, {"CINclosureDate", "2024-09-01"}});
  // Near misses: the open episode is the latest (or shares the latest date); an older open
  // referral with no further action.
  c.Add("N", "CINdetails", {{"CINreferralDate", "2024-05-01"}, {"ReferralNFA", "true"}});
  c.Add("N", "CINdetails", {{"CINreferralDate", "2024-08-01"}, {"ReferralNFA", "false"}, {"CINclosureDate", "2024-09-01"}});
  c.Add("N", "CINdetails", {{"CINreferralDate", "2024-08-01"}, {"ReferralNFA", "false"}});
  EXPECT_EQ(c.Run("8816"), Found({"A CINdetails CINreferralDate", "A CINdetails CINreferralDate"}));
}

TEST(CinRules, R8825Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "CINdetails", {{"ReasonForClosure", "RC8"}});
  const Row& n = c.Add("N", "CINdetails", {{"ReasonForClosure", "RC9"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, &n);
  c.Add("N", "CINdetails", {{"ReasonForClosure", "RC1"}});
  // An assessment in another episode does not count.
  const Row& b1 = c.Add("B", "CINdetails", {{"ReasonForClosure", "RC1"}});
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, &b1);
  c.Add("B", "CINdetails", {{"ReasonForClosure", "RC9"}});
  EXPECT_EQ(c.Run("8825Q"), Found({"A CINdetails ReasonForClosure", "B CINdetails ReasonForClosure"}));
}

TEST(CinRules, R8831) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, &a);
  const Row& b = c.Add("B", "CINdetails", {{"ReferralNFA", "1"}});
  c.Add("B", "Section47", {{"DateOfInitialCPC", "2024-06-03"}}, &b);
  c.Add("C", "CINdetails", {{"ReferralNFA", "true"}, {"DateOfInitialCPC", "2024-06-03"}});
  // Near misses: further action with activity; no further action with no dates.
  const Row& n = c.Add("N", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, &n);
  const Row& m = c.Add("M", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("M", "Section47", {{"S47ActualStartDate", ""}}, &m);
  EXPECT_EQ(c.Run("8831"), Found({"A CINdetails ReferralNFA", "A Assessments AssessmentActualStartDate",
                                  "B CINdetails ReferralNFA", "B Section47 DateOfInitialCPC", "C CINdetails ReferralNFA",
                                  "C CINdetails DateOfInitialCPC"}));
}

TEST(CinRules, R8832) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"ReferralNFA", "true"}});
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}}, &a);
  const Row& n = c.Add("N", "CINdetails", {{"ReferralNFA", "false"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}}, &n);
  c.Add("N", "CINdetails", {{"ReferralNFA", "true"}});  // a plan in another episode only
  EXPECT_EQ(c.Run("8832"), Found({"A CINdetails ReferralNFA", "A ChildProtectionPlans CPPstartDate"}));
}

TEST(CinRules, R8841) {
  RuleCase c("cin", 2025);
  Row& a = c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPreviewDate", "2024-07-01"}});
  a.Set("CPPreviewDate", "2024-06-01", a.line);
  c.Add("B", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPreviewDate", "2024-05-31"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPreviewDate", "2024-06-02"}});
  EXPECT_EQ(c.Run("8841"), Found({"A ChildProtectionPlans CPPreviewDate", "B ChildProtectionPlans CPPreviewDate"}));
}

TEST(CinRules, R8842Q) {
  RuleCase c("cin", 2025);
  Row& a = c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPreviewDate", "2024-07-01"}});
  a.Set("CPPreviewDate", "", a.line);
  c.Add("B", "ChildProtectionPlans", {{"CPPreviewDate", "2024-02-30"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}, {"CPPreviewDate", "2024-07-01"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-01"}});  // no reviews
  EXPECT_EQ(c.Run("8842Q"), Found({"A ChildProtectionPlans CPPreviewDate", "B ChildProtectionPlans CPPreviewDate"}));
}

TEST(CinRules, R8863Q) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}}, &a);
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", "2024-07-01"}}, &a);
  // An open assessment runs to the ReferenceDate; two identical assessments each start
  // while the other is ongoing.
  const Row& b = c.Add("B", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, &b);
  c.Add("B", "Assessments", {{"AssessmentActualStartDate", "2025-03-31"}, {"AssessmentAuthorisationDate", "2025-03-31"}}, &b);
  const Row& d = c.Add("D", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("D", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}}, &d);
  c.Add("D", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}}, &d);
  // Near misses: the next starts the day after the end; the same dates in two episodes.
  const Row& n = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}, {"AssessmentAuthorisationDate", "2024-06-01"}}, &n);
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-02"}}, &n);
  const Row& n2 = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-05-15"}}, &n2);
  EXPECT_EQ(c.Run("8863Q"), Found({"A Assessments AssessmentActualStartDate", "B Assessments AssessmentActualStartDate",
                                   "D Assessments AssessmentActualStartDate", "D Assessments AssessmentActualStartDate"}));
}

TEST(CinRules, R8867) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINclosureDate", "2024-09-01"}});
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}}, &a);
  const Row& n = c.Add("N", "CINdetails", {{"CINclosureDate", "2024-09-01"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", "2024-07-01"}}, &n);
  const Row& m = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-09-01"}});  // open
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-10-01"}}, &m);
  EXPECT_EQ(c.Run("8867"), Found({"A Assessments AssessmentAuthorisationDate", "A CINdetails CINclosureDate"}));
}

TEST(CinRules, R8868) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINclosureDate", "2024-09-01"}});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"ICPCnotRequired", "false"}}, &a);
  // Near misses: not required; a conference date; both (D2I's rule also found this one,
  // though DfE asks for either).
  const Row& n = c.Add("N", "CINdetails", {{"CINclosureDate", "2024-09-01"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"ICPCnotRequired", "1"}}, &n);
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"DateOfInitialCPC", "2024-06-10"}, {"ICPCnotRequired", "false"}}, &n);
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"DateOfInitialCPC", "2024-06-10"}, {"ICPCnotRequired", "true"}}, &n);
  const Row& m = c.Add("M", "CINdetails", {{"CINreferralDate", "2024-05-01"}});  // open
  c.Add("M", "Section47", {{"S47ActualStartDate", "2024-06-01"}, {"ICPCnotRequired", "false"}}, &m);
  EXPECT_EQ(c.Run("8868"), Found({"A Section47 DateOfInitialCPC", "A CINdetails CINclosureDate"}));
}

TEST(CinRules, R8870Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Section47", {{"InitialCPCtarget", "2024-06-08"}});  // Saturday
  c.Add("B", "Section47", {{"InitialCPCtarget", "2024-06-09"}});  // Sunday
  c.Add("N", "Section47", {{"InitialCPCtarget", "2024-06-07"}});  // Friday
  c.Add("N", "Section47", {{"InitialCPCtarget", "2024-06-10"}});  // Monday
  EXPECT_EQ(c.Run("8870Q"), Found({"A Section47 InitialCPCtarget", "B Section47 InitialCPCtarget"}));
}

TEST(CinRules, R8873Q) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"ReasonForClosure", "RC1"}});
  c.Add("A", "Assessments", {{"AssessmentFactors", "21"}}, &a);
  // Near misses: RC8; two assessments on the episode; factors other than 21.
  const Row& n = c.Add("N", "CINdetails", {{"ReasonForClosure", "RC8"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "21"}}, &n);
  const Row& n2 = c.Add("N", "CINdetails", {{"ReasonForClosure", "RC1"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "21"}}, &n2);
  c.Add("N", "Assessments", {{"AssessmentFactors", "3A"}}, &n2);
  const Row& n3 = c.Add("N", "CINdetails", {{"ReasonForClosure", "RC1"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "2B"}}, &n3);
  EXPECT_EQ(c.Run("8873Q"), Found({"A CINdetails ReasonForClosure", "A Assessments AssessmentFactors"}));
}

TEST(CinRules, R8875) {
  RuleCase c("cin", 2025);
  c.Add("A", "Section47", {{"DateOfInitialCPC", "2024-06-09"}});  // Sunday
  c.Add("N", "Section47", {{"DateOfInitialCPC", "2024-06-10"}});  // Monday
  c.Add("N", "Section47", {{"DateOfInitialCPC", "2024-06-07"}});  // Friday
  EXPECT_EQ(c.Run("8875"), Found({"A Section47 DateOfInitialCPC"}));
}

TEST(CinRules, R8890) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-05-01"}, {"DateOfInitialCPC", "2024-05-20"}}, &a);
  c.Add("A", "Section47", {{"S47ActualStartDate", "2024-05-20"}, {"ICPCnotRequired", "true"}}, &a);
  // An enquiry with no conference and ICPCnotRequired false runs to the ReferenceDate.
  const Row& b = c.Add("B", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("B", "Section47", {{"S47ActualStartDate", "2024-05-01"}, {"ICPCnotRequired", "false"}}, &b);
  c.Add("B", "Section47", {{"S47ActualStartDate", "2024-09-01"}, {"ICPCnotRequired", "true"}}, &b);
  // Near misses: starts the day after the conference; the other was not required.
  const Row& n = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-05-01"}, {"DateOfInitialCPC", "2024-05-20"}}, &n);
  c.Add("N", "Section47", {{"S47ActualStartDate", "2024-05-21"}, {"DateOfInitialCPC", "2024-06-03"}}, &n);
  const Row& m = c.Add("M", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("M", "Section47", {{"S47ActualStartDate", "2024-05-01"}, {"ICPCnotRequired", "true"}}, &m);
  c.Add("M", "Section47", {{"S47ActualStartDate", "2024-09-01"}, {"ICPCnotRequired", "true"}}, &m);
  EXPECT_EQ(c.Run("8890"), Found({"A Section47 S47ActualStartDate", "B Section47 S47ActualStartDate"}));
}

TEST(CinRules, R8896) {
  RuleCase c("cin", 2025);
  const Row& a = c.Add("A", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, &a);
  c.Add("A", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}, {"AssessmentAuthorisationDate", ""}}, &a);
  // Near misses: one open in each of two episodes; one open and one completed.
  const Row& n = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, &n);
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-04-11"}, {"AssessmentAuthorisationDate", "2024-04-30"}}, &n);
  const Row& n2 = c.Add("N", "CINdetails", {{"CINreferralDate", "2024-04-10"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-05-01"}}, &n2);
  EXPECT_EQ(c.Run("8896"), Found({"A Assessments AssessmentAuthorisationDate", "A Assessments AssessmentAuthorisationDate"}));
}

TEST(CinRules, R8897Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentAuthorisationDate", "2024-04-01"}});
  Row& b = c.Add("B", "Assessments", {{"AssessmentAuthorisationDate", "2024-06-01"}, {"AssessmentFactors", "2B"}});
  b.Set("AssessmentFactors", "2b", b.line);  // codes are upper case
  c.Add("C", "Assessments", {{"AssessmentAuthorisationDate", "2024-06-01"}, {"AssessmentFactors", "7B"}});
  // Near misses: completed before the census year; not completed; valid factors.
  c.Add("N", "Assessments", {{"AssessmentAuthorisationDate", "2024-03-31"}});
  c.Add("N", "Assessments", {{"AssessmentActualStartDate", "2024-06-01"}});
  Row& n = c.Add("N", "Assessments", {{"AssessmentAuthorisationDate", "2024-06-01"}, {"AssessmentFactors", "24A"}});
  n.Set("AssessmentFactors", "21", n.line);
  EXPECT_EQ(c.Run("8897Q"), Found({"A Assessments AssessmentFactors", "B Assessments AssessmentFactors",
                                   "C Assessments AssessmentFactors"}));
}

TEST(CinRules, R8915) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"PersonDeathDate", "2024-06-30"}});
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-07-01"}});
  c.Add("N", "Child", {{"PersonDeathDate", "2024-06-30"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-30"}});
  c.Add("M", "Child", {{"PersonBirthDate", "2010-06-30"}});
  c.Add("M", "ChildProtectionPlans", {{"CPPstartDate", "2024-07-01"}});
  EXPECT_EQ(c.Run("8915"), Found({"A ChildProtectionPlans CPPstartDate", "A Child PersonDeathDate"}));
}

TEST(CinRules, R8920) {
  RuleCase c("cin", 2025);
  c.Add("A", "Child", {{"PersonDeathDate", "2024-06-30"}});
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-07-01"}});
  c.Add("N", "Child", {{"PersonDeathDate", "2024-06-30"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}, {"CPPendDate", "2024-06-30"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-05-01"}});
  EXPECT_EQ(c.Run("8920"), Found({"A ChildProtectionPlans CPPendDate", "A Child PersonDeathDate"}));
}

TEST(CinRules, R8925) {
  RuleCase c("cin", 2025);
  c.Add("A", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-02"}, {"CPPendDate", "2024-06-01"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-02"}, {"CPPendDate", "2024-06-02"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2024-06-02"}});
  EXPECT_EQ(c.Run("8925"), Found({"A ChildProtectionPlans CPPendDate"}));
}

TEST(CinRules, R8930) {
  RuleCase c("cin", 2025);
  c.Add("A", "ChildProtectionPlans", {{"CPPendDate", "2024-03-31"}});
  c.Add("B", "ChildProtectionPlans", {{"CPPendDate", "2025-04-01"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPendDate", "2024-04-01"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPendDate", "2025-03-31"}});
  c.Add("N", "ChildProtectionPlans", {{"CPPstartDate", "2020-03-31"}});
  EXPECT_EQ(c.Run("8930"), Found({"A ChildProtectionPlans CPPendDate", "B ChildProtectionPlans CPPendDate"}));
}

TEST(CinRules, R8945Q) {
  RuleCase c("cin", 2025);
  Row& a = c.Add("A", "Assessments", {{"AssessmentFactors", "2A"}});
  a.Set("AssessmentFactors", "18A", a.line);
  c.Add("N", "Assessments", {{"AssessmentFactors", "18B"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "18C"}});
  EXPECT_EQ(c.Run("8945Q"), Found({"A Assessments AssessmentFactors"}));
  // New in 2024-25: the 2023-24 census has no such rule.
  bool in_2024 = false;
  for (const RuleDef* d : EngineRulesFor("cin", 2024)) in_2024 = in_2024 || d->info.code == "8945Q";
  EXPECT_FALSE(in_2024);
}

TEST(CinRules, R8950Q) {
  RuleCase c("cin", 2025);
  c.Add("A", "Assessments", {{"AssessmentFactors", "19A"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "19B"}});
  c.Add("N", "Assessments", {{"AssessmentFactors", "19C"}});
  EXPECT_EQ(c.Run("8950Q"), Found({"A Assessments AssessmentFactors"}));
  bool in_2024 = false;
  for (const RuleDef* d : EngineRulesFor("cin", 2024)) in_2024 = in_2024 || d->info.code == "8950Q";
  EXPECT_FALSE(in_2024);
}

}  // namespace
}  // namespace carestat::validation
