// Rules of batch ssda903_rules_f: INT31-INT36, NoE and the social worker episode rules.
// Each: a case that breaks the rule, the near miss that passes, and the years it runs in.
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

// Whether the engine runs `code` for SSDA903 returns of `year`.
bool Runs(std::string_view code, int year) {
  for (const RuleDef* d : EngineRulesFor("ssda903", year))
    if (d->info.code == code) return true;
  return false;
}

// A social worker episode row.
void Sw(RuleCase& c, const std::string& child, std::string decom, std::string dec, std::string reason = "MANAGE",
        std::string id = "SW1") {
  c.Add(child, "SWEpisodes",
        {{"CHILD", child}, {"SW_ID", id}, {"SW_DECOM", decom}, {"SW_DEC", dec}, {"SW_REASON", reason}});
}

// An episode row.
void Ep(RuleCase& c, const std::string& child, std::string decom, std::string dec, std::string rne = "S",
        std::string ls = "C2", std::string rec = "") {
  c.Add(child, "Episodes",
        {{"CHILD", child}, {"DECOM", decom}, {"DEC", dec}, {"RNE", rne}, {"LS", ls}, {"REC", rec}});
}

// ---- INT31-INT36 -------------------------------------------------------------------------

// Two rows of `table` for child A (both found), one for B; a table of other children's.
void OnceInTable(std::string_view code, std::string_view table) {
  SCOPED_TRACE(std::string(code));
  RuleCase c("ssda903", 2025);
  c.Add("A", table, {{"CHILD", "A"}});
  c.Add("B", table, {{"CHILD", "B"}});
  c.Add("A", table, {{"CHILD", "A"}});
  c.Add("C", "Header", {{"CHILD", "C"}});
  c.Add("C", "Episodes", {{"CHILD", "C"}});
  const std::string hit = "A " + std::string(table) + " CHILD";
  EXPECT_EQ(c.Run(code), Found({hit, hit}));
  // Every year, back to the base set.
  EXPECT_TRUE(Runs(code, 2023));
  EXPECT_TRUE(Runs(code, 2027));
  EXPECT_TRUE(Runs(code, 0));
}

TEST(Ssda903Rules, RINT31) { OnceInTable("INT31", "AD1"); }
TEST(Ssda903Rules, RINT32) { OnceInTable("INT32", "Header"); }
TEST(Ssda903Rules, RINT33) { OnceInTable("INT33", "OC2"); }
TEST(Ssda903Rules, RINT34) { OnceInTable("INT34", "OC3"); }
TEST(Ssda903Rules, RINT35) { OnceInTable("INT35", "PrevPerm"); }
TEST(Ssda903Rules, RINT36) { OnceInTable("INT36", "UASC"); }

TEST(Ssda903Rules, RINT32_ThreeRowsAllFoundOtherTablesNot) {
  RuleCase c("ssda903", 2024);
  for (int i = 0; i < 3; ++i) c.Add("A", "Header", {{"CHILD", "A"}});
  c.Add("B", "Header", {{"CHILD", "B"}});
  c.Add("B", "OC3", {{"CHILD", "B"}});  // two rows of B, in different tables
  EXPECT_EQ(c.Run("INT32"), Found({"A Header CHILD", "A Header CHILD", "A Header CHILD"}));
}

TEST(Ssda903Rules, RINT36_RowsWithoutAChildAreNotOneChild) {
  RuleCase c("ssda903", 2025);
  c.Add("", "UASC", {{"CHILD", ""}});
  c.Add("", "UASC", {{"CHILD", ""}});
  EXPECT_EQ(c.Run("INT36"), Found({}));
}

// ---- NoE ----------------------------------------------------------------------------------

TEST(Ssda903Rules, RNoE) {
  RuleCase c("ssda903", 2025);  // the year begins 01/04/2024
  Ep(c, "A", "31/03/2024", "");  // began the day before the year, nothing last year: found
  Ep(c, "A", "01/05/2024", "");  // began in the year: not
  Ep(c, "B", "31/03/2024", "");
  c.Add("B", "Episodes_last", {{"CHILD", "B"}, {"DECOM", "31/03/2024"}});
  Ep(c, "C", "01/04/2024", "");  // the first day of the year
  Ep(c, "D", "", "");            // no date
  EXPECT_EQ(c.Run("NoE"), Found({"A Episodes DECOM"}));
  EXPECT_TRUE(Runs("NoE", 2023));
  EXPECT_TRUE(Runs("NoE", 2027));
}

TEST(Ssda903Rules, RNoE_OnlyWhenLastYearIsLoaded) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "31/03/2024", "");
  EXPECT_EQ(c.Run("NoE"), Found({}));
  c.Provide("Episodes_last");  // loaded, with no row of A's
  EXPECT_EQ(c.Run("NoE"), Found({"A Episodes DECOM"}));
}

TEST(Ssda903Rules, RNoE_TheYearSetsTheStart) {
  RuleCase c("ssda903", 2026);  // the year begins 01/04/2025
  Ep(c, "A", "31/03/2024", "");
  Ep(c, "B", "01/04/2025", "");
  Ep(c, "C", "31/03/2025", "");
  c.Provide("Episodes_last");
  EXPECT_EQ(c.Run("NoE"), Found({"A Episodes DECOM", "C Episodes DECOM"}));
}

// ---- SW01STG1, SW01aSTG1, SW01bSTG1 -----------------------------------------------------

TEST(Ssda903Rules, RSW01STG1) {
  RuleCase c("ssda903", 2024);
  Ep(c, "A", "01/05/2023", "");  // looked after on 31 March, no SW_REASON anywhere: found
  Sw(c, "A", "01/05/2023", "", "");
  Ep(c, "B", "01/05/2023", "");  // each item given once, on different rows: passes
  Sw(c, "B", "01/05/2023", "01/06/2023", "", "SW1");
  Sw(c, "B", "02/06/2023", "", "MANAGE", "");
  Ep(c, "C", "01/05/2023", "", "S", "V3");  // short breaks: not looked after on 31 March
  Ep(c, "D", "01/05/2023", "01/03/2024");   // left care before 31 March
  Ep(c, "E", "01/05/2023", "");             // no social worker episode at all: found
  Ep(c, "F", "01/05/2023", "");             // the current episode (began last, listed first) is open
  Ep(c, "F", "01/04/2023", "01/05/2023", "S", "C2", "X1");
  c.Add("G", "Header", {{"CHILD", "G"}});  // no episodes: not looked after
  EXPECT_EQ(c.Run("SW01STG1"), Found({"A Episodes DEC", "E Episodes DEC", "F Episodes DEC"}));
}

TEST(Ssda903Rules, RSW01STG1_OnlyWithSocialWorkerEpisodesAndOnly2023To24) {
  RuleCase c("ssda903", 2024);
  Ep(c, "A", "01/05/2023", "");
  EXPECT_EQ(c.Run("SW01STG1"), Found({}));  // no SWEpisodes table in the return
  c.Provide("SWEpisodes");
  EXPECT_EQ(c.Run("SW01STG1"), Found({"A Episodes DEC"}));
  EXPECT_FALSE(Runs("SW01STG1", 2023));
  EXPECT_FALSE(Runs("SW01STG1", 2025));  // deleted in 2024-25 (SW01a/SW01b)
  EXPECT_FALSE(Runs("SW01STG1", 0));
}

TEST(Ssda903Rules, RSW01aSTG1) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "31/03/2023", "", "MANAGE", "");  // before 1 April 2023, no SW_ID: found
  Sw(c, "B", "01/04/2023", "", "MANAGE", "");  // from 1 April 2023: SW01bSTG1's
  Sw(c, "C", "31/03/2023", "", "", "SW1");     // SW_REASON may be missing before then
  Sw(c, "D", "", "", "", "");                  // no start date: SW04STG1's
  EXPECT_EQ(c.Run("SW01aSTG1"), Found({"A SWEpisodes SW_ID"}));
  EXPECT_FALSE(Runs("SW01aSTG1", 2024));
  EXPECT_TRUE(Runs("SW01aSTG1", 2026));
}

TEST(Ssda903Rules, RSW01bSTG1) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/04/2023", "", "", "SW1");  // from 1 April 2023 the reason is needed: found
  Sw(c, "B", "31/03/2023", "", "", "SW1");  // the day before: SW01aSTG1's
  Sw(c, "C", "01/06/2024", "", "", "");     // neither: both found
  Sw(c, "D", "01/06/2024", "", "FCONTA", "XX");
  EXPECT_EQ(c.Run("SW01bSTG1"), Found({"A SWEpisodes SW_REASON", "C SWEpisodes SW_ID", "C SWEpisodes SW_REASON"}));
  EXPECT_FALSE(Runs("SW01bSTG1", 2024));
  EXPECT_TRUE(Runs("SW01bSTG1", 2027));
}

// ---- SW02STG1, SW03STG1 ---------------------------------------------------------------

TEST(Ssda903Rules, RSW02STG1) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/06/2024", "", "MANAGE", "AB123");
  Sw(c, "B", "01/06/2024", "", "MANAGE", "sw123");  // as written: lower case is not SW
  Sw(c, "C", "01/06/2024", "", "MANAGE", "SW123");
  Sw(c, "D", "01/06/2024", "", "MANAGE", "XX");
  Sw(c, "E", "01/06/2024", "", "MANAGE", "");       // missing: the completeness rules'
  Sw(c, "F", "01/06/2024", "", "MANAGE", "S");
  EXPECT_EQ(c.Run("SW02STG1"), Found({"A SWEpisodes SW_ID", "B SWEpisodes SW_ID", "F SWEpisodes SW_ID"}));
  EXPECT_FALSE(Runs("SW02STG1", 2023));  // social worker episodes begin in 2023-24
  EXPECT_TRUE(Runs("SW02STG1", 2024));
  EXPECT_TRUE(Runs("SW02STG1", 0));
}

TEST(Ssda903Rules, RSW03STG1) {
  RuleCase c("ssda903", 2024);
  Sw(c, "A", "01/06/2023", "", "");
  Sw(c, "B", "", "", "MANAGE", " ");
  Sw(c, "C", "01/06/2023", "", "MANAGE", "SW1");
  c.Add("D", "SWEpisodes", {{"CHILD", "D"}, {"SW_DECOM", "01/06/2023"}, {"SW_REASON", "MANAGE"}});  // no SW_ID column
  EXPECT_EQ(c.Run("SW03STG1"),
            Found({"A SWEpisodes SW_REASON", "B SWEpisodes SW_ID", "B SWEpisodes SW_DECOM", "D SWEpisodes SW_ID"}));
  EXPECT_FALSE(Runs("SW03STG1", 2025));
  EXPECT_TRUE(Runs("SW03STG1", 2024));
}

// ---- SW06STG2, SW07STG2 ---------------------------------------------------------------

TEST(Ssda903Rules, RSW06STG2) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/04/2025", "");  // the day after the collection year: found
  Sw(c, "B", "31/03/2025", "");
  Sw(c, "C", "01/01/2019", "");  // long before: the rule bounds the end only
  Sw(c, "D", "not a date", "");
  EXPECT_EQ(c.Run("SW06STG2"), Found({"A SWEpisodes SW_DECOM"}));
  RuleCase next("ssda903", 2026);  // the same day falls in 2025-26
  Sw(next, "A", "01/04/2025", "");
  EXPECT_EQ(next.Run("SW06STG2"), Found({}));
  EXPECT_FALSE(Runs("SW06STG2", 2023));
}

TEST(Ssda903Rules, RSW07STG2_2023To24TheCollectionYear) {
  RuleCase c("ssda903", 2024);
  Sw(c, "A", "01/01/2023", "31/03/2023");  // before the year: found
  Sw(c, "B", "01/01/2023", "01/04/2023");  // its first day
  Sw(c, "C", "01/01/2024", "31/03/2024");  // its last day
  Sw(c, "D", "01/01/2024", "01/04/2024");  // after it: found
  Sw(c, "E", "01/01/2024", "");            // open
  EXPECT_EQ(c.Run("SW07STG2"), Found({"A SWEpisodes SW_DEC", "D SWEpisodes SW_DEC"}));
}

TEST(Ssda903Rules, RSW07STG2_From2024To25TheReportingPeriodIsTwoYears) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/01/2023", "31/03/2023");  // before the reporting period: found
  Sw(c, "B", "01/01/2023", "01/04/2023");  // its first day (D2I's 365.24-day year flags it)
  Sw(c, "C", "01/01/2024", "31/03/2025");
  Sw(c, "D", "01/01/2024", "01/04/2025");  // after the collection year: found
  Sw(c, "E", "01/01/2023", "01/06/2023");  // the previous year: in 2024-25's period
  EXPECT_EQ(c.Run("SW07STG2"), Found({"A SWEpisodes SW_DEC", "D SWEpisodes SW_DEC"}));
  RuleCase old("ssda903", 2024);  // in 2023-24, 01/06/2023 is in the year too, but 2022's is not
  Sw(old, "E", "01/01/2023", "01/06/2023");
  Sw(old, "F", "01/01/2022", "01/06/2022");
  EXPECT_EQ(old.Run("SW07STG2"), Found({"F SWEpisodes SW_DEC"}));
  RuleCase y26("ssda903", 2026);  // 2025-26: the period begins 01/04/2024
  Sw(y26, "B", "01/01/2023", "01/04/2023");
  Sw(y26, "G", "01/01/2024", "31/03/2024");
  Sw(y26, "H", "01/01/2024", "01/04/2024");
  EXPECT_EQ(y26.Run("SW07STG2"), Found({"B SWEpisodes SW_DEC", "G SWEpisodes SW_DEC"}));
}

TEST(Ssda903Rules, RSW07STG2_TheYearMatters) {
  // 15/05/2023 lies in 2023-24's year...
  RuleCase a("ssda903", 2024);
  Sw(a, "A", "01/01/2023", "15/05/2023");
  EXPECT_EQ(a.Run("SW07STG2"), Found({}));
  // ...and 15/05/2023 lies before 2025-26's reporting period (01/04/2024 on).
  RuleCase b("ssda903", 2026);
  Sw(b, "A", "01/01/2023", "15/05/2023");
  EXPECT_EQ(b.Run("SW07STG2"), Found({"A SWEpisodes SW_DEC"}));
}

// ---- SW08STG2, SW14STG2 ---------------------------------------------------------------

// An earlier episode still open: found; the order is by SW_DECOM, not the file's.
void OpenBeforeLastCases(std::string_view code, int year) {
  SCOPED_TRACE(std::string(code));
  RuleCase c("ssda903", year);
  const std::string y = std::to_string(year - 1);
  Sw(c, "A", "01/06/" + y, "");
  Sw(c, "A", "01/05/" + y, "");                  // open, and a later one began: found
  Sw(c, "B", "01/06/" + y, "");                  // the last one open: passes
  Sw(c, "B", "01/05/" + y, "31/05/" + y);
  Sw(c, "C", "01/05/" + y, "");                  // one episode
  Sw(c, "D", "01/05/" + y, "");                  // a row without a start date does not
  Sw(c, "D", "unknown", "");                     // count as the latest
  EXPECT_EQ(c.Run(code), Found({"A SWEpisodes SW_DEC"}));
}

TEST(Ssda903Rules, RSW08STG2) {
  OpenBeforeLastCases("SW08STG2", 2024);
  OpenBeforeLastCases("SW08STG2", 2025);
  EXPECT_TRUE(Runs("SW08STG2", 0));
}

TEST(Ssda903Rules, RSW14STG2) {
  OpenBeforeLastCases("SW14STG2", 2024);
  EXPECT_FALSE(Runs("SW14STG2", 2025));
  EXPECT_FALSE(Runs("SW14STG2", 2023));
}

// ---- SW09STG2 -----------------------------------------------------------------------------

TEST(Ssda903Rules, RSW09STG2) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/06/2024", "01/06/2024");  // ends the day it began: found
  Sw(c, "B", "01/06/2024", "02/06/2024");
  Sw(c, "C", "01/06/2024", "");
  Sw(c, "D", "", "");                      // both blank are not the same day
  EXPECT_EQ(c.Run("SW09STG2"), Found({"A SWEpisodes SW_DEC"}));
  EXPECT_TRUE(Runs("SW09STG2", 2024));
  EXPECT_FALSE(Runs("SW09STG2", 2023));
}

// ---- SW10STG2 -----------------------------------------------------------------------------

TEST(Ssda903Rules, RSW10STG2_2023To24WithinSevenDaysEitherSide) {
  RuleCase c("ssda903", 2024);
  for (const auto& [child, next] : std::vector<std::pair<std::string, std::string>>{
           {"A", "22/06/2023"},    // 8 days before the previous end: found
           {"B", "23/06/2023"},    // 7 days before
           {"C", "07/07/2023"},    // 7 days after
           {"D", "08/07/2023"}}) {  // 8 days after: found
    Sw(c, child, next, "");
    Sw(c, child, "01/04/2023", "30/06/2023");  // listed second, began first
  }
  Sw(c, "E", "01/04/2023", "");  // the previous one has no end: SW08STG2's
  Sw(c, "E", "01/12/2023", "");
  EXPECT_EQ(c.Run("SW10STG2"), Found({"A SWEpisodes SW_DECOM", "D SWEpisodes SW_DECOM"}));
}

TEST(Ssda903Rules, RSW10STG2_From2024To25NotBeforeAndFcontaExempt) {
  RuleCase c("ssda903", 2025);
  Sw(c, "A", "01/04/2024", "30/06/2024");
  Sw(c, "A", "22/06/2024", "");  // 8 days before the previous end: found
  Sw(c, "B", "01/04/2024", "30/06/2024");
  Sw(c, "B", "23/06/2024", "");  // 7 days before
  Sw(c, "D", "01/04/2024", "30/06/2024");
  Sw(c, "D", "01/09/2024", "");  // a gap after the previous end: no longer this rule's
  Sw(c, "F", "01/04/2024", "30/06/2024");
  Sw(c, "F", "01/05/2024", "", "FCONTA");  // first contact: exempt
  Sw(c, "G", "01/04/2024", "30/06/2024");
  Sw(c, "G", "01/05/2024", "", "fconta");  // codes as written
  EXPECT_EQ(c.Run("SW10STG2"), Found({"A SWEpisodes SW_DECOM", "G SWEpisodes SW_DECOM"}));
  // The same gap in 2023-24 is found.
  RuleCase old("ssda903", 2024);
  Sw(old, "D", "01/04/2023", "30/06/2023");
  Sw(old, "D", "01/09/2023", "");
  EXPECT_EQ(old.Run("SW10STG2"), Found({"D SWEpisodes SW_DECOM"}));
  EXPECT_TRUE(Runs("SW10STG2", 0));
}

// ---- SW11aSTG2, SW11bSTG2 -----------------------------------------------------------------

TEST(Ssda903Rules, RSW11aSTG2) {
  RuleCase c("ssda903", 2024);  // 31/03/2024 less 5 days: 26/03/2024
  Sw(c, "A", "01/04/2023", "01/03/2024");  // ended, nothing after: found
  Sw(c, "B", "01/04/2023", "01/03/2024");
  Sw(c, "B", "06/03/2024", "");            // 5 days after the end
  Sw(c, "C", "01/04/2023", "01/03/2024");
  Sw(c, "C", "07/03/2024", "");            // 6 days after: found
  Sw(c, "D", "01/04/2023", "27/03/2024");  // in the last 5 days: SW11bSTG2's
  Sw(c, "E", "01/04/2023", "26/03/2024");  // the last day of this rule's: found
  Sw(c, "F", "01/04/2023", "");
  Sw(c, "G", "01/04/2023", "01/03/2024");
  Sw(c, "G", "25/02/2024", "");            // began 5 days before the end (2024 is a leap year)
  EXPECT_EQ(c.Run("SW11aSTG2"), Found({"A SWEpisodes SW_DEC", "C SWEpisodes SW_DEC", "E SWEpisodes SW_DEC"}));
  EXPECT_FALSE(Runs("SW11aSTG2", 2025));
}

TEST(Ssda903Rules, RSW11bSTG2) {
  RuleCase c("ssda903", 2025);  // 26/03/2025 to 31/03/2025
  Sw(c, "A", "01/04/2024", "28/03/2025");  // ended in the last days, nothing after: found
  Sw(c, "B", "01/04/2024", "25/03/2025");  // before them
  Sw(c, "C", "01/04/2024", "26/03/2025");  // the first of them: found
  Sw(c, "D", "01/04/2024", "28/03/2025");
  Sw(c, "D", "28/03/2025", "");            // followed
  Sw(c, "E", "01/04/2024", "31/03/2025");  // the last: found
  Sw(c, "F", "01/04/2024", "");
  EXPECT_EQ(c.Run("SW11bSTG2"), Found({"A SWEpisodes SW_DEC", "C SWEpisodes SW_DEC", "E SWEpisodes SW_DEC"}));
  RuleCase next("ssda903", 2026);  // 28/03/2025 is not the last days of 2025-26
  Sw(next, "A", "01/04/2024", "28/03/2025");
  EXPECT_EQ(next.Run("SW11bSTG2"), Found({}));
  EXPECT_TRUE(Runs("SW11bSTG2", 2024));
}

// ---- SW12STG2 -----------------------------------------------------------------------------

TEST(Ssda903Rules, RSW12STG2) {
  RuleCase c("ssda903", 2025);  // the reporting period begins 01/04/2023
  Ep(c, "A", "01/01/2020", "");  // in care throughout, first social worker from 01/06/2023: found
  Sw(c, "A", "01/06/2023", "");
  Ep(c, "B", "01/01/2020", "");
  Sw(c, "B", "01/04/2023", "");  // from the period's first day
  Ep(c, "C", "01/09/2024", "");  // came into care in the year
  Sw(c, "C", "01/09/2024", "");
  Ep(c, "D", "01/09/2024", "");
  Sw(c, "D", "02/09/2024", "");  // a day late: found
  Ep(c, "E", "01/09/2024", "");  // none reported: found on the episode
  c.Add("E", "Header", {{"CHILD", "E"}});
  Ep(c, "F", "01/09/2024", "01/03/2025", "S", "C2", "E11");  // left care: not looked after on 31 March
  Ep(c, "G", "01/09/2024", "", "S", "V3");                   // short breaks
  Ep(c, "H", "01/01/2020", "01/10/2024", "S", "C2", "E11");  // a second period of care
  Ep(c, "H", "01/12/2024", "", "S");
  Sw(c, "H", "01/12/2024", "");
  Ep(c, "I", "01/01/2020", "01/10/2024", "S", "C2", "X1");  // a move within one period of care
  Ep(c, "I", "01/10/2024", "", "P");
  Sw(c, "I", "01/05/2023", "");
  EXPECT_EQ(c.Run("SW12STG2"),
            Found({"A SWEpisodes SW_DECOM", "D SWEpisodes SW_DECOM", "E Episodes DECOM", "I SWEpisodes SW_DECOM"}));
}

TEST(Ssda903Rules, RSW12STG2_TheYearSetsThePeriod) {
  RuleCase y24("ssda903", 2024);  // 2023-24: the collection year
  Ep(y24, "A", "01/01/2020", "");
  Sw(y24, "A", "02/04/2023", "");
  Ep(y24, "B", "01/01/2020", "");
  Sw(y24, "B", "01/04/2023", "");
  EXPECT_EQ(y24.Run("SW12STG2"), Found({"A SWEpisodes SW_DECOM"}));
  RuleCase y26("ssda903", 2026);  // 2025-26: from 01/04/2024
  Ep(y26, "A", "01/01/2020", "");
  Sw(y26, "A", "01/04/2024", "");
  Ep(y26, "B", "01/01/2020", "");
  Sw(y26, "B", "02/04/2024", "");
  EXPECT_EQ(y26.Run("SW12STG2"), Found({"B SWEpisodes SW_DECOM"}));
  RuleCase no_sw("ssda903", 2025);  // the return has no SWEpisodes table
  Ep(no_sw, "A", "01/01/2020", "");
  EXPECT_EQ(no_sw.Run("SW12STG2"), Found({}));
  EXPECT_FALSE(Runs("SW12STG2", 2023));
}

// ---- SW17STG2 -----------------------------------------------------------------------------

TEST(Ssda903Rules, RSW17STG2) {
  RuleCase c("ssda903", 2026);
  Sw(c, "A", "01/04/2025", "01/03/2026");  // the last one ended: found
  Sw(c, "B", "01/04/2025", "");
  Sw(c, "C", "01/05/2025", "");            // the last by date, listed first
  Sw(c, "C", "01/04/2025", "30/04/2025");
  Sw(c, "D", "01/05/2025", "31/03/2026");
  Sw(c, "D", "01/04/2025", "");            // an earlier open one does not make up for it: found (and SW08)
  EXPECT_EQ(c.Run("SW17STG2"), Found({"A SWEpisodes SW_DEC", "D SWEpisodes SW_DEC"}));
  EXPECT_FALSE(Runs("SW17STG2", 2025));
  EXPECT_TRUE(Runs("SW17STG2", 2027));
  EXPECT_TRUE(Runs("SW17STG2", 0));
}

// ---- an unknown collection year ------------------------------------------------------

TEST(Ssda903Rules, RSW06STG2_UnknownYearChecksNoPeriod) {
  // Year 0: the current rules run, but those bounded by the collection year find nothing
  // rather than measure from 1970; the others still apply.
  RuleCase c("ssda903", 0);
  Sw(c, "A", "01/04/2030", "01/04/2030");
  Sw(c, "A", "01/04/2020", "");
  Ep(c, "A", "01/01/2020", "");
  c.Provide("Episodes_last");
  for (std::string_view code : {"SW06STG2", "SW07STG2", "SW11bSTG2", "SW12STG2", "NoE"}) {
    SCOPED_TRACE(std::string(code));
    EXPECT_EQ(c.Run(code), Found({}));
  }
  EXPECT_EQ(c.Run("SW09STG2"), Found({"A SWEpisodes SW_DEC"}));
  EXPECT_EQ(c.Run("SW08STG2"), Found({"A SWEpisodes SW_DEC"}));
  EXPECT_EQ(c.Run("SW17STG2"), Found({"A SWEpisodes SW_DEC"}));
}

TEST(Ssda903Rules, RSW17STG2_NoDatedEpisodeNothingToCheck) {
  RuleCase c("ssda903", 2026);
  Sw(c, "A", "", "01/03/2026");
  Sw(c, "B", "31/02/2026", "01/03/2026");
  EXPECT_EQ(c.Run("SW17STG2"), Found({}));
}

}  // namespace
}  // namespace carestat::validation
