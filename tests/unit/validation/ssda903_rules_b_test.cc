// The rules of batch ssda903_rules_b (services/ingestion/validation/ssda903_rules_b.cc):
// each with a case that breaks it and a near miss that passes, from DfE's rule text.
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation::testing {
namespace {

// Whether the engine has an SSDA903 rule `code` for collection year `year`.
bool Applies(std::string_view code, int year) {
  for (const RuleDef* d : EngineRulesFor("ssda903", year)) {
    if (d->info.code == code) return true;
  }
  return false;
}

TEST(Ssda903Rules, R209) {
  // 2024-25: school age means 4 by 31 August 2023.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "31/08/2019"}, {"UPN", "UN1"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/09/2019"}, {"UPN", "UN1"}});  // 4 a day later
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/01/2010"}, {"UPN", "UN2"}});
  EXPECT_EQ(c.Run("209"), Found({"A Header UPN"}));
}

TEST(Ssda903Rules, R210) {
  // DfE's text: UN4 is wrong for a child looked after for more than a week at 31 March.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"UPN", "UN4"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "23/03/2025"}, {"DEC", ""}});
  // Newly looked after on 24 March: a week at 31 March, UN4 is right.
  c.Add("B", "Header", {{"CHILD", "B"}, {"UPN", "UN4"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "24/03/2025"}, {"DEC", ""}});
  // A placement change on 25 March in care since January: the period began in January.
  c.Add("C", "Header", {{"CHILD", "C"}, {"UPN", "UN4"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "25/03/2025"}, {"DEC", ""}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "10/01/2025"}, {"DEC", "25/03/2025"}});
  // Left care before 31 March.
  c.Add("D", "Header", {{"CHILD", "D"}, {"UPN", "UN4"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"DECOM", "10/01/2025"}, {"DEC", "20/03/2025"}});
  // Another code.
  c.Add("E", "Header", {{"CHILD", "E"}, {"UPN", "UN3"}});
  c.Add("E", "Episodes", {{"CHILD", "E"}, {"DECOM", "10/01/2025"}, {"DEC", ""}});
  EXPECT_EQ(c.Run("210"), Found({"A Header UPN", "A Episodes DECOM", "C Header UPN", "C Episodes DECOM"}));
}

TEST(Ssda903Rules, R213) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "T1"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "U1"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "T4"}, {"PLACE_PROVIDER", ""}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"PLACE", "Z11"}, {"PLACE_PROVIDER", "PR1"}});
  EXPECT_EQ(c.Run("213"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R213_Z1xFrom2026) {
  RuleCase c("ssda903", 2026);
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"PLACE", "Z11"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("E", "Episodes", {{"CHILD", "E"}, {"PLACE", "U1"}, {"PLACE_PROVIDER", "PR1"}});
  EXPECT_EQ(c.Run("213"), Found({"D Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R214) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "V3"}, {"PL_POST", "AB1 2CD"}, {"URN", ""}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "V4"}, {"URN", "SC123456"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "C2"}, {"PL_POST", "AB1 2CD"}, {"URN", "SC123456"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"LS", "V3"}, {"PL_POST", " "}});
  EXPECT_EQ(c.Run("214"), Found({"A Episodes PL_POST", "B Episodes URN"}));
}

TEST(Ssda903Rules, R215) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F1"}});
  c.Add("A", "OC2", {{"CHILD", "A"}, {"CONVICTED", ""}, {"HEALTH_CHECK", "1"}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"IN_TOUCH", "YES"}});
  c.Add("B", "OC2", {{"CHILD", "B"}, {"SDQ_SCORE", "10"}, {"CONVICTED", ""}});  // no 12-month items
  c.Add("C", "OC3", {{"CHILD", "C"}, {"IN_TOUCH", ""}, {"ACTIV", ""}, {"ACCOM", ""}});
  c.Add("C", "OC2", {{"CHILD", "C"}, {"CONVICTED", "0"}});
  EXPECT_EQ(c.Run("215"), Found({"A OC3 IN_TOUCH", "A OC2 HEALTH_CHECK"}));
}

TEST(Ssda903Rules, R217) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "A3"}, {"DECOM", "01/04/2015"}, {"RNE", "P"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "A3"}, {"DECOM", "31/03/2015"}, {"RNE", "P"}});  // before
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "A5"}, {"DECOM", "01/06/2024"}, {"RNE", "T"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"PLACE", "A4"}, {"DECOM", "01/06/2024"}, {"RNE", "P"}});
  c.Add("E", "Episodes", {{"CHILD", "E"}, {"PLACE", "A5"}, {"DECOM", "01/06/2024"}, {"RNE", ""}});
  EXPECT_EQ(c.Run("217"), Found({"A Episodes RNE", "E Episodes RNE"}));
}

TEST(Ssda903Rules, R217t) {
  RuleCase c("ssda903", 2024);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "P2"}, {"DEC", "29/10/2023"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "P2"}, {"DEC", "28/10/2023"}});  // the last valid day
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "P2"}, {"DEC", ""}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"PLACE", "H5"}, {"DEC", ""}});
  EXPECT_EQ(c.Run("217t"), Found({"A Episodes PLACE", "C Episodes PLACE"}));
}

TEST(Ssda903Rules, R217t_OnlyIn2023To24) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "P2"}, {"DEC", ""}});
  Engine engine(c.ctx(), {"217t"});
  EXPECT_EQ(engine.rule_count(), 0u);
}

TEST(Ssda903Rules, R222) {
  // 2022-23: H5 is in the list; from 2023-24 it is not; P2 leaves in 2024-25; Z1 becomes
  // Z11-Z14 in 2025-26.
  auto run = [](int year, const std::string& place) {
    RuleCase c("ssda903", year);
    c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", place}, {"URN", "SC123456"}});
    c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", place}, {"URN", "XXXXXXX"}});
    return c.Run("222");
  };
  EXPECT_EQ(run(2023, "H5"), Found({"A Episodes URN"}));
  EXPECT_EQ(run(2024, "H5"), Found({}));
  EXPECT_EQ(run(2024, "P2"), Found({"A Episodes URN"}));
  EXPECT_EQ(run(2025, "P2"), Found({}));
  EXPECT_EQ(run(2025, "T1"), Found({"A Episodes URN"}));
  EXPECT_EQ(run(2025, "Z1"), Found({"A Episodes URN"}));
  EXPECT_EQ(run(2026, "Z1"), Found({}));
  EXPECT_EQ(run(2026, "Z12"), Found({"A Episodes URN"}));
  EXPECT_EQ(run(2026, "K2"), Found({}));
}

TEST(Ssda903Rules, R225) {
  RuleCase c("ssda903", 2025);
  // Episodes out of date order in the file: the rule reads them by DECOM.
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/08/2024"}, {"RNE", "P"}, {"PLACE", "U3"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}, {"REC", "X1"}, {"PLACE", "U1"}});
  // A reason given.
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}, {"REC", "X1"}, {"PLACE", "U1"}, {"REASON_PLACE_CHANGE", "CARPL"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/08/2024"}, {"RNE", "P"}, {"PLACE", "U3"}});
  // The next placement is temporary.
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/05/2024"}, {"REC", "X1"}, {"PLACE", "U1"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/08/2024"}, {"RNE", "T"}, {"PLACE", "T2"}});
  // Only the legal status changed (RNE L).
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"DECOM", "01/05/2024"}, {"REC", "X1"}, {"PLACE", "U1"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"DECOM", "01/08/2024"}, {"RNE", "L"}, {"PLACE", "U1"}});
  EXPECT_EQ(c.Run("225"), Found({"A Episodes REASON_PLACE_CHANGE"}));
}

TEST(Ssda903Rules, R226) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}, {"PLACE", "T1"}, {"REASON_PLACE_CHANGE", "CARPL"}});
  // The episode before the temporary placement gives a reason.
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/08/2024"}, {"PLACE", "T3"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}, {"PLACE", "U1"}, {"REASON_PLACE_CHANGE", "CARPL"}});
  // A reason on the episode after the temporary one is not this rule's.
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/05/2024"}, {"PLACE", "T3"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/08/2024"}, {"PLACE", "U1"}, {"REASON_PLACE_CHANGE", "CARPL"}});
  EXPECT_EQ(c.Run("226"), Found({"A Episodes REASON_PLACE_CHANGE", "B Episodes PLACE"}));
}

TEST(Ssda903Rules, R226_TextFrom2026) {
  for (int year : {2025, 2026}) {
    RuleCase c("ssda903", year);
    c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "T0"}, {"REASON_PLACE_CHANGE", "CARPL"}});
    EXPECT_EQ(c.Run("226"), Found({"A Episodes REASON_PLACE_CHANGE"}));
  }
  bool old_text = false, new_text = false;
  for (const RuleDef* d : EngineRulesFor("ssda903", 2025)) old_text = old_text || (d->info.code == "226" && d->info.message == "Reason for placement change is not required.");
  for (const RuleDef* d : EngineRulesFor("ssda903", 2026)) new_text = new_text || (d->info.code == "226" && d->info.message == "Reason for placement change is not required for temporary placements.");
  EXPECT_TRUE(old_text);
  EXPECT_TRUE(new_text);
}

TEST(Ssda903Rules, R231) {
  // 2024-25: under 11 at 31 March 2025 means born after 31 March 2014.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/04/2014"}});
  c.Add("A", "UASC", {{"CHILD", "A"}, {"DOB", "01/04/2014"}, {"DUC", ""}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "31/03/2014"}});  // 11 on 31 March
  c.Add("B", "UASC", {{"CHILD", "B"}, {"DOB", "31/03/2014"}, {"DUC", ""}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/01/2020"}});  // not UASC
  // XML: the Header's UASC is the status.
  c.Add("D", "Header", {{"CHILD", "D"}, {"DOB", "01/01/2020"}, {"UASC", "1"}});
  c.Add("E", "Header", {{"CHILD", "E"}, {"DOB", "01/01/2020"}, {"UASC", "0"}});
  EXPECT_EQ(c.Run("231"), Found({"A Header DOB", "D Header DOB"}));
}

TEST(Ssda903Rules, R231_From2025) {
  RuleCase c("ssda903", 2024);
  c.Add("D", "Header", {{"CHILD", "D"}, {"DOB", "01/01/2020"}, {"UASC", "1"}});
  Engine engine(c.ctx(), {"231"});
  EXPECT_EQ(engine.rule_count(), 0u);
}

TEST(Ssda903Rules, R232) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"SEX", "U"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"SEX", "F"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"SEX", ""}});
  EXPECT_EQ(c.Run("232"), Found({"A Header SEX"}));
}

TEST(Ssda903Rules, R232_From2025) {
  EXPECT_FALSE(Applies("232", 2024));
  EXPECT_TRUE(Applies("232", 2025));
  EXPECT_TRUE(Applies("232", 0));
}

TEST(Ssda903Rules, R233) {
  RuleCase c("ssda903", 2026);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DEC", ""}, {"REASON_PLACE_CHANGE", "CARPL"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DEC", "01/06/2025"}, {"REASON_PLACE_CHANGE", "CARPL"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DEC", ""}, {"REASON_PLACE_CHANGE", ""}});
  EXPECT_EQ(c.Run("233"), Found({"A Episodes REASON_PLACE_CHANGE"}));
}

TEST(Ssda903Rules, R233_From2026) {
  EXPECT_FALSE(Applies("233", 2025));
  EXPECT_TRUE(Applies("233", 2026));
}

TEST(Ssda903Rules, R234) {
  // The custody is the change at the end of the episode: the next episode's start, not the
  // CUSTOD episode's own, is the day the child was admitted.
  RuleCase c("ssda903", 2026);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/07/2015"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2025"}, {"REASON_PLACE_CHANGE", "CUSTOD"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "30/06/2025"}});  // the day before the 10th birthday
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/07/2015"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2025"}, {"REASON_PLACE_CHANGE", "CUSTOD"}});  // aged 9
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/07/2025"}});  // the 10th birthday
  EXPECT_EQ(c.Run("234"), Found({"A Episodes REASON_PLACE_CHANGE", "A Header DOB"}));
}

TEST(Ssda903Rules, R234_From2026) {
  EXPECT_FALSE(Applies("234", 2025));
  EXPECT_TRUE(Applies("234", 2026));
}

TEST(Ssda903Rules, R3001) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/04/2007"}});  // 17 on 1 April 2024
  c.Add("A", "OC3", {{"CHILD", "A"}, {"DOB", "01/04/2007"}, {"ACCOM", "Z1"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "31/03/2007"}});  // 17 the day before the year
  c.Add("B", "OC3", {{"CHILD", "B"}, {"DOB", "31/03/2007"}, {"ACCOM", "Z2"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "31/03/2008"}});  // 17 on 31 March 2025
  c.Add("C", "OC3", {{"CHILD", "C"}, {"DOB", "31/03/2008"}, {"ACCOM", "Z2"}});
  c.Add("D", "Header", {{"CHILD", "D"}, {"DOB", "01/06/2007"}});
  c.Add("D", "OC3", {{"CHILD", "D"}, {"DOB", "01/06/2007"}, {"ACCOM", "B1"}});
  EXPECT_EQ(c.Run("3001"), Found({"A OC3 ACCOM", "C OC3 ACCOM"}));
}

TEST(Ssda903Rules, R302) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "02/05/2024"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/06/2024"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}});  // the first, a day before birth
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}});  // the day of birth
  EXPECT_EQ(c.Run("302"), Found({"A Episodes DECOM", "A Header DOB"}));
}

TEST(Ssda903Rules, R303) {
  RuleCase c("ssda903", 2025);
  // XML: the Header gives UASC.
  c.Add("A", "Header", {{"CHILD", "A"}, {"UASC", "0"}});
  c.Add("A", "UASC", {{"CHILD", "A"}, {"DUC", "01/06/2024"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"UASC", "1"}});
  c.Add("B", "UASC", {{"CHILD", "B"}, {"DUC", "01/06/2024"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"UASC", "0"}});
  c.Add("C", "UASC", {{"CHILD", "C"}, {"DUC", ""}});
  // CSV: no UASC field in the Header; the UASC row is the status.
  c.Add("D", "Header", {{"CHILD", "D"}});
  c.Add("D", "UASC", {{"CHILD", "D"}, {"DUC", "01/06/2024"}});
  EXPECT_EQ(c.Run("303"), Found({"A UASC DUC", "A Header UASC"}));
}

TEST(Ssda903Rules, R304) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "UASC", {{"CHILD", "A"}, {"DOB", "01/06/2006"}, {"DUC", "02/06/2024"}});
  c.Add("B", "UASC", {{"CHILD", "B"}, {"DOB", "01/06/2006"}, {"DUC", "01/06/2024"}});  // the 18th birthday
  c.Add("C", "UASC", {{"CHILD", "C"}, {"DOB", "01/06/2006"}, {"DUC", ""}});
  EXPECT_EQ(c.Run("304"), Found({"A UASC DUC"}));
}

TEST(Ssda903Rules, R331) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/06/2024"}, {"REC", "E11"}});
  c.Add("A", "AD1", {{"CHILD", "A"}, {"DATE_MATCH", "02/06/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/06/2024"}, {"REC", "E12"}});
  c.Add("B", "AD1", {{"CHILD", "B"}, {"DATE_MATCH", "01/06/2024"}});  // the same day
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("C", "AD1", {{"CHILD", "C"}, {"DATE_MATCH", "02/06/2024"}});
  EXPECT_EQ(c.Run("331"), Found({"A AD1 DATE_MATCH", "A Episodes DECOM"}));
}

TEST(Ssda903Rules, R334) {
  RuleCase c("ssda903", 2025);
  // The latest period of care starts 01/06/2024; the decision came the day before.
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/01/2020"}, {"RNE", "S"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/06/2024"}, {"RNE", "S"}});
  c.Add("A", "AD1", {{"CHILD", "A"}, {"DATE_INT", "31/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/06/2024"}, {"RNE", "S"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/09/2024"}, {"RNE", "P"}});
  c.Add("B", "AD1", {{"CHILD", "B"}, {"DATE_INT", "01/06/2024"}});  // the same day
  EXPECT_EQ(c.Run("334"), Found({"A AD1 DATE_INT", "A Episodes DECOM"}));
}

TEST(Ssda903Rules, R335) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "A3"}, {"REC", "E11"}});
  c.Add("A", "AD1", {{"CHILD", "A"}, {"FOSTER_CARE", "0"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "A4"}, {"REC", "E12"}});
  c.Add("B", "AD1", {{"CHILD", "B"}, {"FOSTER_CARE", "1"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "A5"}, {"REC", "E11"}});
  c.Add("C", "AD1", {{"CHILD", "C"}, {"FOSTER_CARE", "1"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"PLACE", "A3"}, {"REC", "X1"}});  // not adopted
  c.Add("D", "AD1", {{"CHILD", "D"}, {"FOSTER_CARE", "0"}});
  EXPECT_EQ(c.Run("335"), Found({"A Episodes PLACE", "A AD1 FOSTER_CARE", "B Episodes PLACE", "B AD1 FOSTER_CARE"}));
}

TEST(Ssda903Rules, R336) {
  // DfE: A3 or A5 (with current foster carers) follow a foster or adoption placement; A4
  // (not with current foster carers) need not.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/08/2024"}, {"PLACE", "A5"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}, {"PLACE", "K2"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}, {"PLACE", "U3"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/08/2024"}, {"PLACE", "A3"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/05/2024"}, {"PLACE", "K2"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/08/2024"}, {"PLACE", "A4"}});
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"DECOM", "01/08/2024"}, {"PLACE", "A3"}});  // the first episode
  EXPECT_EQ(c.Run("336"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R344) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"IN_TOUCH", "DIED"}, {"ACTIV", "0"}, {"ACCOM", "B1"}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"IN_TOUCH", "RHOM"}, {"ACTIV", "0"}, {"ACCOM", "0"}});
  c.Add("C", "OC3", {{"CHILD", "C"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F1"}, {"ACCOM", "B1"}});
  c.Add("D", "OC3", {{"CHILD", "D"}, {"IN_TOUCH", "RHOM"}, {"ACTIV", ""}, {"ACCOM", ""}});  // not completed
  EXPECT_EQ(c.Run("344"), Found({"A OC3 ACCOM"}));
}

TEST(Ssda903Rules, R345) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"IN_TOUCH", "YES"}, {"ACTIV", "0"}, {"ACCOM", "B1"}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F1"}, {"ACCOM", "B1"}});
  c.Add("C", "OC3", {{"CHILD", "C"}, {"IN_TOUCH", "NO"}, {"ACTIV", "0"}, {"ACCOM", "0"}});
  EXPECT_EQ(c.Run("345"), Found({"A OC3 ACTIV"}));
}

TEST(Ssda903Rules, R347) {
  // A Foyer is ACCOM T1 or T2 (suitable or not); 18 by 1 April 2024.
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"DOB", "02/04/2006"}, {"ACCOM", "T1"}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"DOB", "01/04/2006"}, {"ACCOM", "T2"}});  // 18 on 1 April
  c.Add("C", "OC3", {{"CHILD", "C"}, {"DOB", "02/04/2006"}, {"ACCOM", "U1"}});
  EXPECT_EQ(c.Run("347"), Found({"A OC3 ACCOM"}));
}

TEST(Ssda903Rules, R347_From2024) {
  RuleCase c("ssda903", 2023);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"DOB", "02/04/2006"}, {"ACCOM", "T1"}});
  Engine engine(c.ctx(), {"347"});
  EXPECT_EQ(engine.rule_count(), 0u);
}

TEST(Ssda903Rules, R348) {
  RuleCase c("ssda903", 2026);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"IN_TOUCH", "YES"}});
  c.Add("A", "OC3_last", {{"CHILD", "A"}, {"IN_TOUCH", "DIED"}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"IN_TOUCH", "DIED"}});
  c.Add("B", "OC3_last", {{"CHILD", "B"}, {"IN_TOUCH", "DIED"}});
  c.Add("C", "OC3", {{"CHILD", "C"}, {"IN_TOUCH", "YES"}});
  c.Add("C", "OC3_last", {{"CHILD", "C"}, {"IN_TOUCH", "NO"}});
  EXPECT_EQ(c.Run("348"), Found({"A OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R348_From2026AndOnlyWithLastYearsOC3) {
  EXPECT_FALSE(Applies("348", 2025));
  RuleCase c("ssda903", 2026);
  c.Add("A", "OC3", {{"CHILD", "A"}, {"IN_TOUCH", "YES"}});  // last year's OC3 not loaded
  EXPECT_EQ(c.Run("348"), Found({}));
}

TEST(Ssda903Rules, R351) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "31/03/1999"}});  // 25 the day before the year
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/04/1999"}});  // 25 on 1 April 2024
  EXPECT_EQ(c.Run("351"), Found({"A Header DOB"}));
}

TEST(Ssda903Rules, R352) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2006"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/06/2024"}, {"RNE", "S"}});  // the 18th birthday
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2006"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "31/05/2024"}, {"RNE", "S"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/07/2024"}, {"RNE", "P"}});
  EXPECT_EQ(c.Run("352"), Found({"A Episodes DECOM"}));
}

TEST(Ssda903Rules, R353) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "13/10/1991"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "14/10/1991"}});
  EXPECT_EQ(c.Run("353"), Found({"A Episodes DECOM"}));
}

TEST(Ssda903Rules, R354) {
  // DfE's text: the date episode CEASED (DEC) is on or before 31 March.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}, {"DEC", "01/04/2025"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}, {"DEC", "31/03/2025"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/05/2024"}, {"DEC", ""}});
  EXPECT_EQ(c.Run("354"), Found({"A Episodes DEC"}));
}

TEST(Ssda903Rules, R355) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "01/05/2024"}, {"DEC", "01/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/05/2024"}, {"DEC", "02/05/2024"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", ""}, {"DEC", ""}});  // nothing to compare
  EXPECT_EQ(c.Run("355"), Found({"A Episodes DEC"}));
}

TEST(Ssda903Rules, R358) {
  // DfE: the DOB is at least 10 years before DECOM, so the 10th birthday itself is allowed.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2014"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"DECOM", "31/05/2024"}, {"LS", "J2"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2014"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"DECOM", "01/06/2024"}, {"LS", "J1"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/06/2016"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"DECOM", "01/06/2024"}, {"LS", "C2"}});
  EXPECT_EQ(c.Run("358"), Found({"A Episodes LS", "A Header DOB"}));
}

TEST(Ssda903Rules, R359) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "30/03/2007"}});  // 18 on 30 March 2025
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "C2"}, {"PLACE", "U1"}, {"DEC", ""}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "31/03/2007"}});  // 18 on 31 March itself
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "C2"}, {"PLACE", "U1"}, {"DEC", ""}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/01/2007"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "V2"}, {"PLACE", "K2"}, {"DEC", ""}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "C2"}, {"PLACE", "U1"}, {"DEC", "01/01/2025"}});
  EXPECT_EQ(c.Run("359"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R362) {
  RuleCase c("ssda903", 2025);
  // Two L2 episodes one after the other: 01/05 to 23/05 is 22 days.
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "L2"}, {"DECOM", "01/05/2024"}, {"DEC", "10/05/2024"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "L2"}, {"DECOM", "10/05/2024"}, {"DEC", "23/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "L2"}, {"DECOM", "01/05/2024"}, {"DEC", "22/05/2024"}});  // 21 days
  // Two separate orders, each short.
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "L2"}, {"DECOM", "01/05/2024"}, {"DEC", "10/05/2024"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "C2"}, {"DECOM", "10/05/2024"}, {"DEC", "01/06/2024"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "L2"}, {"DECOM", "01/06/2024"}, {"DEC", "10/06/2024"}});
  // Open at 31 March: runs to the year end.
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"LS", "L2"}, {"DECOM", "01/03/2025"}, {"DEC", ""}});
  c.Add("E", "Episodes", {{"CHILD", "E"}, {"LS", "L2"}, {"DECOM", "20/03/2025"}, {"DEC", ""}});
  EXPECT_EQ(c.Run("362"), Found({"A Episodes LS", "A Episodes LS", "D Episodes LS"}));
}

TEST(Ssda903Rules, R363) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "L3"}, {"DECOM", "01/05/2024"}, {"DEC", "09/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "L3"}, {"DECOM", "01/05/2024"}, {"DEC", "08/05/2024"}});  // 7 days
  EXPECT_EQ(c.Run("363"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R364) {
  RuleCase c("ssda903", 2025);
  // Episodes out of date order in the file still make one stay.
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "J2"}, {"DECOM", "15/05/2024"}, {"DEC", "23/05/2024"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "J2"}, {"DECOM", "01/05/2024"}, {"DEC", "15/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "J2"}, {"DECOM", "01/05/2024"}, {"DEC", "22/05/2024"}});
  EXPECT_EQ(c.Run("364"), Found({"A Episodes LS", "A Episodes LS"}));
}

TEST(Ssda903Rules, R365) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "V3"}, {"DECOM", "01/05/2024"}, {"DEC", "19/05/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "V3"}, {"DECOM", "01/05/2024"}, {"DEC", "18/05/2024"}});  // 17 days
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "V3"}, {"DECOM", "01/03/2025"}, {"DEC", ""}});  // open: 30 days
  c.Add("D", "Episodes", {{"CHILD", "D"}, {"LS", "C2"}, {"DECOM", "01/05/2024"}, {"DEC", "19/06/2024"}});
  EXPECT_EQ(c.Run("365"), Found({"A Episodes LS", "C Episodes LS"}));
}

TEST(Ssda903Rules, R366) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "V3"}, {"RNE", "P"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "V3"}, {"RNE", "S"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"LS", "V4"}, {"RNE", "P"}});
  EXPECT_EQ(c.Run("366"), Found({"A Episodes RNE"}));
}

TEST(Ssda903Rules, R367) {
  RuleCase c("ssda903", 2025);
  // 70 days plus 6 within the year (the part before 1 April is not counted): 76.
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "V3"}, {"DECOM", "01/03/2024"}, {"DEC", "10/06/2024"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"LS", "V3"}, {"DECOM", "01/07/2024"}, {"DEC", "07/07/2024"}});
  // 70 plus 5: 75.
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "V3"}, {"DECOM", "01/03/2024"}, {"DEC", "10/06/2024"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"LS", "V3"}, {"DECOM", "01/07/2024"}, {"DEC", "06/07/2024"}});
  EXPECT_EQ(c.Run("367"), Found({"A Episodes LS", "A Episodes LS"}));
}

TEST(Ssda903Rules, R370) {
  // 15 up to 2022-23, 16 in 2023-24; an open placement is checked too.
  auto run = [](int year) {
    RuleCase c("ssda903", year);
    c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2008"}});
    c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "P2"}, {"DECOM", "31/05/2023"}, {"DEC", ""}});  // aged 14
    c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2007"}});
    c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "P2"}, {"DECOM", "31/05/2023"}, {"DEC", ""}});  // aged 15
    c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/06/2007"}});
    c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "P2"}, {"DECOM", "01/06/2023"}, {"DEC", ""}});  // 16 that day
    return c.Run("370");
  };
  EXPECT_EQ(run(2023), Found({"A Episodes PLACE"}));
  EXPECT_EQ(run(2024), Found({"A Episodes PLACE", "B Episodes PLACE"}));
}

TEST(Ssda903Rules, R371) {
  // H5 from 14 up to 2022-23, from 16 in 2023-24; K3 from 16 from 2024-25.
  auto run = [](int year, const std::string& place, const std::string& decom) {
    RuleCase c("ssda903", year);
    c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2008"}});
    c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", place}, {"DECOM", decom}, {"DEC", "01/01/2025"}});
    return c.Run("371");
  };
  EXPECT_EQ(run(2023, "H5", "31/05/2022"), Found({"A Episodes PLACE"}));  // aged 13
  EXPECT_EQ(run(2023, "H5", "01/06/2022"), Found({}));                   // 14 that day
  EXPECT_EQ(run(2024, "H5", "01/06/2023"), Found({"A Episodes PLACE"}));  // 15
  EXPECT_EQ(run(2024, "H5", "01/06/2024"), Found({}));
  EXPECT_EQ(run(2025, "H5", "01/06/2023"), Found({}));
  EXPECT_EQ(run(2025, "K3", "31/05/2024"), Found({"A Episodes PLACE"}));
  EXPECT_EQ(run(2025, "K3", "01/06/2024"), Found({}));
}

TEST(Ssda903Rules, R370_GoneFrom2025) {
  EXPECT_TRUE(Applies("370", 2024));
  EXPECT_FALSE(Applies("370", 2025));
  EXPECT_FALSE(Applies("370", 0));
}

TEST(Ssda903Rules, R372) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2014"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "R5"}, {"DECOM", "31/05/2024"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2014"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "R5"}, {"DECOM", "01/06/2024"}});
  EXPECT_EQ(c.Run("372"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R373) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2020"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "S1"}, {"DECOM", "31/05/2024"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2020"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "S1"}, {"DECOM", "01/06/2024"}});
  EXPECT_EQ(c.Run("373"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R374) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2010"}});
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "P3"}, {"DECOM", "31/05/2024"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2010"}});
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "P3"}, {"DECOM", "01/06/2024"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/06/2010"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "P1"}, {"DECOM", "31/05/2024"}});
  EXPECT_EQ(c.Run("374"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R375) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "T1"}, {"DECOM", "01/05/2024"}, {"DEC", "13/06/2024"}});  // 43 days
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "T1"}, {"DECOM", "01/05/2024"}, {"DEC", "12/06/2024"}});  // 42
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "T1"}, {"DECOM", "01/01/2025"}, {"DEC", ""}});  // open, 89
  EXPECT_EQ(c.Run("375"), Found({"A Episodes PLACE", "C Episodes PLACE"}));
}

TEST(Ssda903Rules, R376) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"CHILD", "A"}, {"PLACE", "T3"}, {"DECOM", "01/05/2024"}, {"DEC", "23/05/2024"}});  // 22
  c.Add("B", "Episodes", {{"CHILD", "B"}, {"PLACE", "T3"}, {"DECOM", "01/05/2024"}, {"DEC", "22/05/2024"}});  // 21
  c.Add("C", "Episodes", {{"CHILD", "C"}, {"PLACE", "T1"}, {"DECOM", "01/05/2024"}, {"DEC", "23/05/2024"}});
  EXPECT_EQ(c.Run("376"), Found({"A Episodes PLACE"}));
}

}  // namespace
}  // namespace carestat::validation::testing
