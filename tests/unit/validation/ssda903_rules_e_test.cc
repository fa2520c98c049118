// Tests of the SSDA903 rules of batch ssda903_rules_e (581-635, EPI, INT01-INT21, 703-710):
// for each, a case that breaks the rule and a near miss that passes.
#include <string>

#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

// --- 581: a missing period must start within an episode ---------------------------------

TEST(Ssda903Rules, R581) {
  RuleCase c("ssda903", 2025);
  // A: missing before the first episode; B: between two episodes; C: on the DECOM (passes);
  // D: on the DEC of a closed episode (passes); E: during an open episode (passes).
  c.Add("A", "Episodes", {{"DECOM", "06/06/2024"}, {"DEC", "10/06/2024"}});
  c.Add("A", "Missing", {{"MIS_START", "05/06/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "10/06/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "12/06/2024"}, {"DEC", ""}});
  c.Add("B", "Missing", {{"MIS_START", "11/06/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "08/06/2024"}, {"DEC", "10/06/2024"}});
  c.Add("C", "Missing", {{"MIS_START", "08/06/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "08/06/2024"}, {"DEC", "10/06/2024"}});
  c.Add("D", "Missing", {{"MIS_START", "10/06/2024"}});
  c.Add("E", "Episodes", {{"DECOM", "08/06/2024"}, {"DEC", ""}});
  c.Add("E", "Missing", {{"MIS_START", "01/03/2025"}});
  EXPECT_EQ(c.Run("581"), (Found{"A Missing MIS_START", "B Missing MIS_START"}));
}

TEST(Ssda903Rules, R581_NoEpisodesTableNoBlankStart) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MIS_START", "05/06/2024"}});
  EXPECT_EQ(c.Run("581"), Found{});  // no Episodes file: nothing to compare with
  // A blank MIS_START is not a missing period starting outside care (D2I flags it).
  c.Add("B", "Episodes", {{"DECOM", "06/06/2024"}});
  c.Add("B", "Missing", {{"MIS_START", ""}});
  EXPECT_EQ(c.Run("581"), Found{"A Missing MIS_START"});
}

// --- 582: adoption on the day of the match ---------------------------------------------

TEST(Ssda903Rules, R582) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/12/2024"}, {"REC", "E11"}});
  c.Add("A", "AD1", {{"DATE_MATCH", "01/12/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/12/2024"}, {"REC", "E11"}});
  c.Add("B", "AD1", {{"DATE_MATCH", "30/11/2024"}});  // matched the day before: passes
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/12/2024"}, {"REC", "E13"}});
  c.Add("C", "AD1", {{"DATE_MATCH", "01/12/2024"}});  // not an adoption REC: passes
  EXPECT_EQ(c.Run("582"), (Found{"A Episodes DEC", "A AD1 DATE_MATCH"}));
}

// --- 583: earlier decisions to place for adoption must have ceased ------------------------

TEST(Ssda903Rules, R583) {
  RuleCase c("ssda903", 2025);
  // A: the earlier of two decisions not revoked. The dates order differently as text
  // (15/06 sorts after 01/12): the latest is 01/12/2024 by date.
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/12/2024"}, {"DATE_PLACED_CEASED", ""}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "15/06/2024"}, {"DATE_PLACED_CEASED", ""}});
  // B: the earlier one revoked, the latest open: passes.
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "15/06/2024"}, {"DATE_PLACED_CEASED", "01/09/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/12/2024"}, {"DATE_PLACED_CEASED", ""}});
  // C: one decision only: passes.
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "15/06/2024"}, {"DATE_PLACED_CEASED", ""}});
  const auto found = c.Run("583");
  ASSERT_EQ(found, Found{"A PlacedAdoption DATE_PLACED_CEASED"});
}

TEST(Ssda903Rules, R583_LatestByDateNotText) {
  RuleCase c("ssda903", 2025);
  // The earlier decision (15/06) revoked, the latest (01/12) open: passes, though as text
  // 15/06/2024 would sort as the latest.
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/12/2024"}, {"DATE_PLACED_CEASED", ""}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "15/06/2024"}, {"DATE_PLACED_CEASED", "01/09/2024"}});
  EXPECT_EQ(c.Run("583"), Found{});
}

// --- 584: this year's DATE_PLACED after last year's ceased decision -----------------------

TEST(Ssda903Rules, R584) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/03/2024"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});  // the same date: fails
  c.Add("B", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "02/02/2024"}});  // a day later: passes
  c.Add("C", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}});  // not ceased: passes
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/01/2024"}});
  // D: dates that order the other way as text (10/01/2025 < 20/02/2024 as text).
  c.Add("D", "PlacedAdoption_last", {{"DATE_PLACED", "20/02/2024"}, {"DATE_PLACED_CEASED", "01/03/2024"}});
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED", "10/01/2025"}});
  EXPECT_EQ(c.Run("584"), Found{"A PlacedAdoption DATE_PLACED"});
}

TEST(Ssda903Rules, R584_NeedsLastYear) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", ""}});
  EXPECT_EQ(c.Run("584"), Found{});
  c.Add("A", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/03/2024"}});
  EXPECT_EQ(c.Run("584"), Found{"A PlacedAdoption DATE_PLACED"});
}

// --- 586: missing before birth -------------------------------------------------------------

TEST(Ssda903Rules, R586) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"DOB", "01/06/2010"}, {"MIS_START", "01/06/2010"}});
  c.Add("B", "Missing", {{"DOB", "01/06/2010"}, {"MIS_START", "02/06/2010"}});
  c.Add("C", "Header", {{"DOB", "01/06/2010"}});  // DOB from the Header when Missing has none
  c.Add("C", "Missing", {{"DOB", ""}, {"MIS_START", "31/05/2010"}});
  EXPECT_EQ(c.Run("586"), (Found{"A Missing MIS_START", "C Missing MIS_START"}));
}

// --- 601: adoption details for a child adopted in the year ------------------------------

TEST(Ssda903Rules, R601) {
  RuleCase c("ssda903", 2025);
  auto full = [&](const std::string& child, const std::string& nb) {
    c.Add(child, "AD1", {{"DATE_INT", "01/01/2024"}, {"DATE_MATCH", "01/02/2024"}, {"FOSTER_CARE", "0"},
                         {"NB_ADOPTR", nb}, {"SEX_ADOPTR", "MF"}, {"LS_ADOPTR", "L0"}});
  };
  c.Add("A", "Episodes", {{"DEC", "01/04/2024"}, {"REC", "E11"}});  // the first day of the year
  full("A", "");
  c.Add("B", "Episodes", {{"DEC", "31/03/2024"}, {"REC", "E11"}});  // adopted last year: passes
  full("B", "");
  c.Add("C", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E12"}});  // all details: passes
  full("C", "2");
  c.Add("D", "Episodes", {{"DEC", "01/06/2024"}, {"REC", "E12"}});  // no AD1 row at all
  EXPECT_EQ(c.Run("601"), (Found{"A Episodes REC", "A AD1 NB_ADOPTR", "D Episodes REC"}));
}

TEST(Ssda903Rules, R601_NoAd1File) {
  RuleCase c("ssda903", 2025);
  c.Add("D", "Episodes", {{"DEC", "01/06/2024"}, {"REC", "E12"}});
  EXPECT_EQ(c.Run("601"), Found{});
}

// --- 602: adoption details without an adoption -------------------------------------------

TEST(Ssda903Rules, R602) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DEC", "31/03/2024"}, {"REC", "E11"}});  // adopted last year
  c.Add("A", "AD1", {{"DATE_INT", "01/01/2024"}});
  c.Add("B", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E11"}});  // adopted this year: passes
  c.Add("B", "AD1", {{"DATE_INT", "01/01/2024"}});
  c.Add("C", "Episodes", {{"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("C", "AD1", {{"DATE_INT", ""}, {"NB_ADOPTR", ""}});  // no details given: passes
  EXPECT_EQ(c.Run("602"), Found{"A AD1 CHILD"});
}

// --- 607: mother field for a girl ceasing care -------------------------------------------

TEST(Ssda903Rules, R607) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("A", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E4A"}, {"LS", "C2"}});
  c.Add("B", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("B", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "X1"}, {"LS", "C2"}});  // X1: still in care
  c.Add("C", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("C", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E4A"}, {"LS", "V3"}});  // short breaks
  c.Add("D", "Header", {{"SEX", "F"}, {"MOTHER", "0"}});
  c.Add("D", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E4A"}, {"LS", "C2"}});
  c.Add("E", "Header", {{"SEX", "M"}, {"MOTHER", ""}});
  c.Add("E", "Episodes", {{"DEC", "31/03/2025"}, {"REC", "E4A"}, {"LS", "C2"}});
  c.Add("G", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("G", "Episodes", {{"DEC", "01/04/2025"}, {"REC", "E4A"}, {"LS", "C2"}});  // after the year
  EXPECT_EQ(c.Run("607"), (Found{"A Episodes DEC", "A Header MOTHER"}));
}

TEST(Ssda903Rules, R607_SexCodeByYear) {
  // Up to 2023-24 a girl is SEX 2; from 2024-25 SEX F.
  RuleCase old("ssda903", 2024);
  old.Add("A", "Header", {{"SEX", "2"}, {"MOTHER", ""}});
  old.Add("A", "Episodes", {{"DEC", "01/06/2023"}, {"REC", "E4A"}, {"LS", "C2"}});
  old.Add("B", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  old.Add("B", "Episodes", {{"DEC", "01/06/2023"}, {"REC", "E4A"}, {"LS", "C2"}});
  EXPECT_EQ(old.Run("607"), (Found{"A Episodes DEC", "A Header MOTHER"}));
  RuleCase now("ssda903", 2025);
  now.Add("A", "Header", {{"SEX", "2"}, {"MOTHER", ""}});
  now.Add("A", "Episodes", {{"DEC", "01/06/2024"}, {"REC", "E4A"}, {"LS", "C2"}});
  EXPECT_EQ(now.Run("607"), Found{});
}

// --- 611, 612: mother and her child's date of birth ---------------------------------------

TEST(Ssda903Rules, R611) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MOTHER", "1"}, {"MC_DOB", ""}});
  c.Add("B", "Header", {{"MOTHER", "1"}, {"MC_DOB", "01/01/2024"}});
  c.Add("C", "Header", {{"MOTHER", "0"}, {"MC_DOB", ""}});
  EXPECT_EQ(c.Run("611"), Found{"A Header MC_DOB"});
}

TEST(Ssda903Rules, R612) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "F"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2024"}});
  c.Add("B", "Header", {{"SEX", "F"}, {"MOTHER", ""}, {"MC_DOB", "01/01/2024"}});
  c.Add("C", "Header", {{"SEX", "F"}, {"MOTHER", "1"}, {"MC_DOB", "01/01/2024"}});
  c.Add("D", "Header", {{"SEX", "F"}, {"MOTHER", "0"}, {"MC_DOB", ""}});
  EXPECT_EQ(c.Run("612"), (Found{"A Header MOTHER", "B Header MOTHER"}));
}

TEST(Ssda903Rules, R612_SexCodeByYear) {
  RuleCase old("ssda903", 2024);
  old.Add("A", "Header", {{"SEX", "2"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2023"}});
  old.Add("B", "Header", {{"SEX", "F"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2023"}});
  EXPECT_EQ(old.Run("612"), Found{"A Header MOTHER"});
  RuleCase now("ssda903", 2025);
  now.Add("A", "Header", {{"SEX", "2"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2024"}});
  EXPECT_EQ(now.Run("612"), Found{});
  // Year not known: the current meaning (SEX F).
  RuleCase unknown("ssda903", 0);
  unknown.Add("A", "Header", {{"SEX", "2"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2024"}});
  unknown.Add("B", "Header", {{"SEX", "F"}, {"MOTHER", "0"}, {"MC_DOB", "01/01/2024"}});
  EXPECT_EQ(unknown.Run("612"), Found{"B Header MOTHER"});
}

// --- 620, 621: ages of mother and child ----------------------------------------------------

TEST(Ssda903Rules, R620) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MOTHER", "1"}, {"DOB", "02/04/2013"}});  // 10 on 01/04/2024
  c.Add("B", "Header", {{"MOTHER", "1"}, {"DOB", "01/04/2013"}});  // 11 that day: passes
  c.Add("C", "Header", {{"MOTHER", "0"}, {"DOB", "02/04/2013"}});
  EXPECT_EQ(c.Run("620"), Found{"A Header DOB"});
}

TEST(Ssda903Rules, R621) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"DOB", "01/06/2008"}, {"MC_DOB", "01/06/2008"}});
  c.Add("B", "Header", {{"DOB", "01/06/2008"}, {"MC_DOB", "02/06/2008"}});
  c.Add("C", "Header", {{"DOB", ""}, {"MC_DOB", "01/01/2000"}});  // no DOB to compare: passes
  EXPECT_EQ(c.Run("621"), Found{"A Header MC_DOB"});
}

// --- 624, 625, 626, 628: motherhood against last year, episodes and care leavers ----------

TEST(Ssda903Rules, R624) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MC_DOB", "02/01/2024"}});
  c.Add("A", "Header_last", {{"MC_DOB", "01/01/2024"}});
  c.Add("B", "Header", {{"MC_DOB", "01/01/2024"}});
  c.Add("B", "Header_last", {{"MC_DOB", "01/01/2024"}});
  c.Add("C", "Header", {{"MC_DOB", "01/01/2025"}});
  c.Add("C", "Header_last", {{"MC_DOB", ""}});  // none last year: passes
  c.Add("D", "Header", {{"MC_DOB", ""}});
  c.Add("D", "Header_last", {{"MC_DOB", "01/01/2024"}});
  EXPECT_EQ(c.Run("624"), (Found{"A Header MC_DOB", "D Header MC_DOB"}));
}

TEST(Ssda903Rules, R625) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MC_DOB", "01/04/2025"}});  // after the year's end
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}});
  c.Add("B", "Header", {{"MC_DOB", "02/06/2024"}});  // after the latest episode's DEC
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}});
  c.Add("C", "Header", {{"MC_DOB", "01/06/2024"}});  // on the DEC: passes
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}});
  // D: born after an earlier episode ended but while the latest one is open: passes.
  c.Add("D", "Header", {{"MC_DOB", "01/09/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "01/07/2024"}, {"DEC", ""}});
  c.Add("D", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/07/2024"}});
  EXPECT_EQ(c.Run("625"), (Found{"A Header MC_DOB", "B Header MC_DOB", "B Episodes DEC"}));
}

TEST(Ssda903Rules, R626) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MOTHER", "1"}, {"MC_DOB", "31/03/2024"}});
  c.Add("A", "Header_last", {{"MOTHER", "0"}});
  c.Add("B", "Header", {{"MOTHER", "1"}, {"MC_DOB", "01/04/2024"}});  // born this year: passes
  c.Add("B", "Header_last", {{"MOTHER", "0"}});
  c.Add("C", "Header", {{"MOTHER", "1"}, {"MC_DOB", "31/03/2024"}});
  c.Add("C", "Header_last", {{"MOTHER", "1"}});
  EXPECT_EQ(c.Run("626"), Found{"A Header MC_DOB"});
}

TEST(Ssda903Rules, R628) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MOTHER", "0"}});
  c.Add("A", "OC3", {{"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  c.Add("B", "Header", {{"MOTHER", ""}});  // no motherhood details: passes
  c.Add("B", "OC3", {{"IN_TOUCH", "YES"}});
  c.Add("C", "Header", {{"MOTHER", "0"}});  // looked after this year: passes
  c.Add("C", "OC3", {{"IN_TOUCH", "YES"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}});
  c.Add("D", "Header", {{"MOTHER", "0"}});  // OC3 row with nothing in it: passes
  c.Add("D", "OC3", {{"IN_TOUCH", ""}, {"ACTIV", ""}, {"ACCOM", ""}});
  EXPECT_EQ(c.Run("628"), Found{"A Header MOTHER"});
}

// --- 630, 634, 635: previous permanence ----------------------------------------------------

TEST(Ssda903Rules, R630) {
  RuleCase c("ssda903", 2025);
  c.Provide("PrevPerm");
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"RNE", "S"}});  // no PrevPerm row
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"RNE", "S"}});
  c.Add("B", "PrevPerm", {{"PREV_PERM", "P1"}, {"LA_PERM", ""}, {"DATE_PERM", "01/01/2020"}});
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"RNE", "S"}});
  c.Add("C", "PrevPerm", {{"PREV_PERM", "Z1"}});  // Z1 needs no LA or date: passes
  c.Add("D", "Episodes", {{"DECOM", "31/03/2024"}, {"RNE", "S"}});  // started last year: passes
  c.Add("E", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "P"}});  // not a new start: passes
  c.Add("G", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "S"}});
  c.Add("G", "PrevPerm", {{"PREV_PERM", "P1"}, {"LA_PERM", "301"}, {"DATE_PERM", "01/01/2020"}});
  c.Add("H", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "S"}});
  c.Add("H", "PrevPerm", {{"PREV_PERM", ""}});
  EXPECT_EQ(c.Run("630"), (Found{"A Episodes RNE", "B Episodes RNE", "H Episodes RNE"}));
}

TEST(Ssda903Rules, R630_From2016To17) {
  // Previous permanence was first collected in 2016-17: 634 refuses it for any child whose
  // care began before 1 April 2016, so a 2015-16 return is not asked for it.
  auto applies = [](int year) {
    for (const RuleDef* d : EngineRulesFor("ssda903", year))
      if (d->info.code == "630") return true;
    return false;
  };
  EXPECT_FALSE(applies(2016));
  EXPECT_TRUE(applies(2017));
}

TEST(Ssda903Rules, R634) {
  // DfE: at least one episode must start on or after 1 April 2016 (D2I compares with the
  // start of the collection year instead).
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "31/03/2016"}});
  c.Add("A", "PrevPerm", {{"PREV_PERM", "P1"}});
  c.Add("B", "Episodes", {{"DECOM", "31/03/2016"}});
  c.Add("B", "Episodes", {{"DECOM", "01/04/2016"}});  // one from 1 April 2016: passes
  c.Add("B", "PrevPerm", {{"PREV_PERM", "P1"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2020"}});  // before this year but after 2016: passes
  c.Add("C", "PrevPerm", {{"LA_PERM", "301"}});
  c.Add("D", "Episodes", {{"DECOM", "01/05/2015"}});
  c.Add("D", "PrevPerm", {{"PREV_PERM", ""}, {"LA_PERM", ""}, {"DATE_PERM", ""}});  // empty: passes
  EXPECT_EQ(c.Run("634"), (Found{"A PrevPerm PREV_PERM", "A Episodes DECOM"}));
}

TEST(Ssda903Rules, R632) {
  // DfE: "If provided <DATE_PERM> should be prior to <DECOM>" (the first episode's). The
  // engine compares CSV tables, separate files; in one file (the XML return) the parser does.
  RuleCase c("ssda903", 2025);
  auto csv = [&](const std::string& child, std::string_view table,
                 std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    c.Add(child, table, fields).file = table == "Episodes" ? "episodes.csv" : "previous_permanence.csv";
  };
  csv("A", "Episodes", {{"DECOM", "01/06/2024"}});
  csv("A", "Episodes", {{"DECOM", "01/09/2024"}});
  csv("A", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "01/06/2024"}});  // on the first DECOM
  csv("B", "Episodes", {{"DECOM", "01/06/2024"}});
  csv("B", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "31/05/2024"}});  // the day before: passes
  csv("C", "Episodes", {{"DECOM", "15/06/2024"}});
  csv("C", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "ZZ/06/2024"}});  // 1 June at the earliest: passes
  csv("D", "Episodes", {{"DECOM", "15/06/2024"}});
  csv("D", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "ZZ/07/2024"}});  // July at the earliest
  csv("E", "Episodes", {{"DECOM", "15/06/2024"}});
  csv("E", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "01/01/ZZZZ"}});  // year not known: passes
  c.Add("F", "Episodes", {{"DECOM", "01/06/2024"}});  // one file (the XML return): the parser's
  c.Add("F", "PrevPerm", {{"PREV_PERM", "P1"}, {"DATE_PERM", "01/07/2024"}});
  EXPECT_EQ(c.Run("632"), (Found{"A PrevPerm DATE_PERM", "D PrevPerm DATE_PERM"}));
}

TEST(Ssda903Rules, R635) {
  // DfE: LA_PERM or DATE_PERM given while PREV_PERM is Z1 (D2I looks for a blank PREV_PERM).
  RuleCase c("ssda903", 2025);
  c.Add("A", "PrevPerm", {{"PREV_PERM", "Z1"}, {"LA_PERM", "301"}, {"DATE_PERM", ""}});
  c.Add("B", "PrevPerm", {{"PREV_PERM", "Z1"}, {"LA_PERM", ""}, {"DATE_PERM", "01/01/2020"}});
  c.Add("C", "PrevPerm", {{"PREV_PERM", "Z1"}, {"LA_PERM", ""}, {"DATE_PERM", ""}});
  c.Add("D", "PrevPerm", {{"PREV_PERM", "P1"}, {"LA_PERM", "301"}, {"DATE_PERM", "01/01/2020"}});
  c.Add("E", "PrevPerm", {{"PREV_PERM", ""}, {"LA_PERM", "301"}, {"DATE_PERM", ""}});
  EXPECT_EQ(c.Run("635"), (Found{"A PrevPerm PREV_PERM", "B PrevPerm PREV_PERM"}));
}

// --- EPI ----------------------------------------------------------------------------------

TEST(Ssda903Rules, REPI) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}});
  c.Add("B", "Header", {{"CHILD", "B"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}});
  c.Add("C", "Header", {{"CHILD", "C"}});  // a care leaver: passes
  c.Add("C", "OC3", {{"IN_TOUCH", "YES"}});
  EXPECT_EQ(c.Run("EPI"), Found{"A Header CHILD"});
}

TEST(Ssda903Rules, REPI_HeaderOnItsOwn) {
  // No Episodes table loaded (a header.csv validated alone): nothing to say of a child.
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}});
  EXPECT_EQ(c.Run("EPI"), Found{});
}

// --- INT01-INT09: rows of children not in Header -----------------------------------------

Found NotInHeader(const std::string& code, std::string_view table) {
  RuleCase c("ssda903", 2025);
  c.Add("A", table, {{"CHILD", "A"}});
  c.Add("B", "Header", {{"CHILD", "B"}});
  c.Add("B", table, {{"CHILD", "B"}});  // in Header: passes
  return c.Run(code);
}

Found NoHeaderFile(const std::string& code, std::string_view table) {
  RuleCase c("ssda903", 2025);
  c.Add("A", table, {{"CHILD", "A"}});
  return c.Run(code);
}

TEST(Ssda903Rules, RINT01) {
  EXPECT_EQ(NotInHeader("INT01", "AD1"), Found{"A AD1 CHILD"});
  EXPECT_EQ(NoHeaderFile("INT01", "AD1"), Found{});
}
TEST(Ssda903Rules, RINT02) {
  EXPECT_EQ(NotInHeader("INT02", "PlacedAdoption"), Found{"A PlacedAdoption CHILD"});
  EXPECT_EQ(NoHeaderFile("INT02", "PlacedAdoption"), Found{});
}
TEST(Ssda903Rules, RINT03) {
  EXPECT_EQ(NotInHeader("INT03", "Episodes"), Found{"A Episodes CHILD"});
  EXPECT_EQ(NoHeaderFile("INT03", "Episodes"), Found{});
}
TEST(Ssda903Rules, RINT04) {
  EXPECT_EQ(NotInHeader("INT04", "Missing"), Found{"A Missing CHILD"});
  EXPECT_EQ(NoHeaderFile("INT04", "Missing"), Found{});
}
TEST(Ssda903Rules, RINT05) {
  EXPECT_EQ(NotInHeader("INT05", "OC2"), Found{"A OC2 CHILD"});
  EXPECT_EQ(NoHeaderFile("INT05", "OC2"), Found{});
}
TEST(Ssda903Rules, RINT06) {
  EXPECT_EQ(NotInHeader("INT06", "OC3"), Found{"A OC3 CHILD"});
  EXPECT_EQ(NoHeaderFile("INT06", "OC3"), Found{});
}
TEST(Ssda903Rules, RINT07) {
  EXPECT_EQ(NotInHeader("INT07", "PrevPerm"), Found{"A PrevPerm CHILD"});
  EXPECT_EQ(NoHeaderFile("INT07", "PrevPerm"), Found{});
}
TEST(Ssda903Rules, RINT08) {
  EXPECT_EQ(NotInHeader("INT08", "Reviews"), Found{"A Reviews CHILD"});
  EXPECT_EQ(NoHeaderFile("INT08", "Reviews"), Found{});
}
TEST(Ssda903Rules, RINT09) {
  EXPECT_EQ(NotInHeader("INT09", "UASC"), Found{"A UASC CHILD"});
  EXPECT_EQ(NoHeaderFile("INT09", "UASC"), Found{});
}

// --- INT11-INT18: DOB against the Header's -------------------------------------------------

Found DobDiffers(const std::string& code, std::string_view table) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"DOB", "01/06/2010"}});
  c.Add("A", table, {{"DOB", "02/06/2010"}});
  c.Add("B", "Header", {{"DOB", "01/06/2010"}});
  c.Add("B", table, {{"DOB", "01/06/2010"}});  // the same: passes
  c.Add("C", "Header", {{"DOB", ""}});
  c.Add("C", table, {{"DOB", "01/06/2010"}});  // nothing to compare with: passes
  c.Add("D", table, {{"DOB", "01/06/2010"}});  // not in Header (INT01-09's business): passes
  return c.Run(code);
}

TEST(Ssda903Rules, RINT11) { EXPECT_EQ(DobDiffers("INT11", "AD1"), Found{"A AD1 DOB"}); }
TEST(Ssda903Rules, RINT12) { EXPECT_EQ(DobDiffers("INT12", "PlacedAdoption"), Found{"A PlacedAdoption DOB"}); }
TEST(Ssda903Rules, RINT13) { EXPECT_EQ(DobDiffers("INT13", "Missing"), Found{"A Missing DOB"}); }
TEST(Ssda903Rules, RINT14) { EXPECT_EQ(DobDiffers("INT14", "OC2"), Found{"A OC2 DOB"}); }
TEST(Ssda903Rules, RINT15) { EXPECT_EQ(DobDiffers("INT15", "OC3"), Found{"A OC3 DOB"}); }
TEST(Ssda903Rules, RINT16) { EXPECT_EQ(DobDiffers("INT16", "PrevPerm"), Found{"A PrevPerm DOB"}); }
TEST(Ssda903Rules, RINT17) { EXPECT_EQ(DobDiffers("INT17", "Reviews"), Found{"A Reviews DOB"}); }
TEST(Ssda903Rules, RINT18) { EXPECT_EQ(DobDiffers("INT18", "UASC"), Found{"A UASC DOB"}); }

TEST(Ssda903Rules, RINT21) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "F"}});
  c.Add("A", "UASC", {{"SEX", "M"}});
  c.Add("B", "Header", {{"SEX", "F"}});
  c.Add("B", "UASC", {{"SEX", "F"}});
  c.Add("C", "Header", {{"SEX", "F"}});
  c.Add("C", "UASC", {{"SEX", ""}});
  EXPECT_EQ(c.Run("INT21"), Found{"A UASC SEX"});
}

// --- 703-710: deprivation of liberty orders (2026-27 on) ------------------------------------

TEST(Ssda903Rules, R703) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "DoLo", {{"DOLO_START", "01/04/2027"}});
  c.Add("B", "DoLo", {{"DOLO_START", "31/03/2027"}});
  EXPECT_EQ(c.Run("703"), Found{"A DoLo DOLO_START"});
}

TEST(Ssda903Rules, R703_From2027) {
  RuleCase c("ssda903", 2026);
  c.Add("A", "DoLo", {{"DOLO_START", "01/04/2027"}});
  Engine engine(c.ctx(), {"703"});
  EXPECT_EQ(engine.rule_count(), 0u);  // DoLOs are collected from 2026-27
}

TEST(Ssda903Rules, R704) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "DoLo", {{"DOLO_START", "01/01/2026"}, {"DOLO_END", "31/03/2026"}});
  c.Add("B", "DoLo", {{"DOLO_START", "01/01/2026"}, {"DOLO_END", "01/04/2026"}});
  c.Add("C", "DoLo", {{"DOLO_START", "01/01/2027"}, {"DOLO_END", "01/04/2027"}});
  c.Add("D", "DoLo", {{"DOLO_START", "01/01/2027"}, {"DOLO_END", "31/03/2027"}});
  c.Add("E", "DoLo", {{"DOLO_START", "01/01/2027"}, {"DOLO_END", ""}});
  EXPECT_EQ(c.Run("704"), (Found{"A DoLo DOLO_END", "C DoLo DOLO_END"}));
}

TEST(Ssda903Rules, R705) {
  RuleCase c("ssda903", 2027);
  // A: the second starts while the first is open; B: before the first ended.
  c.Add("A", "DoLo", {{"DOLO_START", "01/05/2026"}, {"DOLO_END", ""}});
  c.Add("A", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", "01/07/2026"}});
  c.Add("B", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", "30/06/2026"}});
  c.Add("B", "DoLo", {{"DOLO_START", "01/05/2026"}, {"DOLO_END", "01/07/2026"}});
  // C: the second starts the day the first ends: passes.
  c.Add("C", "DoLo", {{"DOLO_START", "01/05/2026"}, {"DOLO_END", "01/06/2026"}});
  c.Add("C", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});
  EXPECT_EQ(c.Run("705"), (Found{"A DoLo DOLO_START", "B DoLo DOLO_START"}));
}

TEST(Ssda903Rules, R706) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "DoLo_last", {{"DOLO_START", "01/02/2026"}, {"DOLO_END", ""}});  // nothing this year
  c.Add("B", "DoLo_last", {{"DOLO_START", "01/02/2026"}, {"DOLO_END", ""}});
  c.Add("B", "DoLo", {{"DOLO_START", "02/02/2026"}, {"DOLO_END", ""}});  // another start
  c.Add("C", "DoLo_last", {{"DOLO_START", "01/02/2026"}, {"DOLO_END", ""}});
  c.Add("C", "DoLo", {{"DOLO_START", "01/02/2026"}, {"DOLO_END", "01/05/2026"}});  // carried on: passes
  c.Add("D", "DoLo_last", {{"DOLO_START", "01/02/2026"}, {"DOLO_END", "01/03/2026"}});  // ended: passes
  EXPECT_EQ(c.Run("706"), (Found{"A DoLo_last DOLO_START", "B DoLo DOLO_START"}));
}

TEST(Ssda903Rules, R706_NeedsLastYear) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "DoLo", {{"DOLO_START", "02/02/2026"}, {"DOLO_END", ""}});
  EXPECT_EQ(c.Run("706"), Found{});  // last year's return not loaded: nothing to compare
}

TEST(Ssda903Rules, R707) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/09/2026"}});  // care ended
  c.Add("A", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", ""}});  // still in care: passes
  c.Add("B", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});
  // C: the DoLO began in an earlier period of care, the child is back in care: fails.
  c.Add("C", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/07/2026"}});
  c.Add("C", "Episodes", {{"DECOM", "01/10/2026"}, {"DEC", ""}});
  c.Add("C", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});
  // D: care ended but the DoLO has its end date: passes.
  c.Add("D", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/09/2026"}});
  c.Add("D", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", "01/09/2026"}});
  // E: two episodes that follow on, the second open: one period, still open: passes.
  c.Add("E", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/07/2026"}});
  c.Add("E", "Episodes", {{"DECOM", "01/07/2026"}, {"DEC", ""}});
  c.Add("E", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});
  EXPECT_EQ(c.Run("707"), (Found{"A DoLo DOLO_END", "C DoLo DOLO_END"}));
}

TEST(Ssda903Rules, R708) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "DoLo", {{"DOB", "01/06/2010"}, {"DOLO_START", "01/06/2010"}});
  c.Add("B", "DoLo", {{"DOB", "01/06/2010"}, {"DOLO_START", "02/06/2010"}});
  EXPECT_EQ(c.Run("708"), Found{"A DoLo DOLO_START"});
}

TEST(Ssda903Rules, R709) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/07/2026"}, {"PLACE", "U1"}});
  c.Add("A", "DoLo", {{"DOLO_START", "01/07/2026"}, {"DOLO_END", "01/08/2026"}});  // overlaps on 01/07
  c.Add("B", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "01/07/2026"}, {"PLACE", "U1"}});
  c.Add("B", "Episodes", {{"DECOM", "01/07/2026"}, {"DEC", ""}, {"PLACE", "K2"}});
  c.Add("B", "DoLo", {{"DOLO_START", "02/07/2026"}, {"DOLO_END", "01/08/2026"}});  // K2 only: passes
  c.Add("C", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", ""}, {"PLACE", "U1"}});
  c.Add("C", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", ""}});  // open DoLO: not checked
  EXPECT_EQ(c.Run("709"), (Found{"A DoLo DOLO_START", "A Episodes PLACE"}));
}

TEST(Ssda903Rules, R710) {
  RuleCase c("ssda903", 2027);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", ""}, {"PLACE", "K1"}});
  c.Add("A", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", "01/08/2026"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2026"}, {"DEC", "31/05/2026"}, {"PLACE", "P1"}});
  c.Add("B", "Episodes", {{"DECOM", "31/05/2026"}, {"DEC", ""}, {"PLACE", "K2"}});
  c.Add("B", "DoLo", {{"DOLO_START", "01/06/2026"}, {"DOLO_END", "01/08/2026"}});  // P1 ended before
  EXPECT_EQ(c.Run("710"), (Found{"A DoLo DOLO_START", "A Episodes PLACE"}));
}

}  // namespace
}  // namespace carestat::validation
