// SSDA903 rules of batch d (services/ingestion/validation/ssda903_rules_d.cc): each with a
// case that breaks it and a near miss that passes. The 2024-25 return unless said.
#include <algorithm>

#include "gtest/gtest.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

bool RuleIn(std::string_view code, int year) {
  const auto rules = EngineRulesFor("ssda903", year);
  return std::any_of(rules.begin(), rules.end(), [&](const RuleDef* d) { return d->info.code == code; });
}

TEST(Ssda903Rules, R504) {
  RuleCase c("ssda903", 2025);
  // One period of care: the need changes in the second episode and stays changed in the
  // third, which still differs from the period's start.
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"CIN", "N1"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("A", "Episodes", {{"DECOM", "01/06/2024"}, {"CIN", "N2"}, {"DEC", "01/08/2024"}, {"REC", "X1"}});
  c.Add("A", "Episodes", {{"DECOM", "01/08/2024"}, {"CIN", "N2"}});
  // A new period of care may have a new need.
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"CIN", "N1"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("B", "Episodes", {{"DECOM", "01/07/2024"}, {"RNE", "S"}, {"CIN", "N2"}});
  EXPECT_EQ(c.Run("504"), Found({"A Episodes CIN", "A Episodes CIN"}));
}

TEST(Ssda903Rules, R511) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"NB_ADOPTR", "2"}, {"SEX_ADOPTR", "M1"}});
  c.Add("B", "AD1", {{"NB_ADOPTR", "2"}, {"SEX_ADOPTR", "MF"}});
  c.Add("C", "AD1", {{"NB_ADOPTR", "1"}, {"SEX_ADOPTR", "M1"}});
  EXPECT_EQ(c.Run("511"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R514) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L0"}, {"SEX_ADOPTR", "MF"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L0"}, {"SEX_ADOPTR", "F1"}});
  c.Add("C", "AD1", {{"LS_ADOPTR", "L2"}, {"SEX_ADOPTR", "MF"}});
  EXPECT_EQ(c.Run("514"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R516) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "R1"}, {"REC", "E45"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "U6"}, {"REC", "E46"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "R1"}, {"REC", "E4A"}});
  EXPECT_EQ(c.Run("516"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R517) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L3"}, {"SEX_ADOPTR", "FF"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L3"}, {"SEX_ADOPTR", "MF"}});
  EXPECT_EQ(c.Run("517"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R518) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L4"}, {"SEX_ADOPTR", "MF"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L4"}, {"SEX_ADOPTR", "FF"}});
  EXPECT_EQ(c.Run("518"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R519) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L2"}, {"SEX_ADOPTR", "M1"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L2"}, {"SEX_ADOPTR", "MF"}});
  EXPECT_EQ(c.Run("519"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R520) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L11"}, {"SEX_ADOPTR", "FF"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L11"}, {"SEX_ADOPTR", "MF"}});
  EXPECT_EQ(c.Run("520"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R521) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}});
  c.Add("A", "AD1", {{"DATE_INT", "02/05/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}});
  c.Add("B", "AD1", {{"DATE_INT", "01/05/2024"}});  // the same day: fine
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "U1"}});
  c.Add("C", "AD1", {{"DATE_INT", "02/05/2024"}});  // not a placement for adoption
  EXPECT_EQ(c.Run("521"), Found({"A Episodes DECOM", "A AD1 DATE_INT"}));
}

TEST(Ssda903Rules, R523) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  c.Add("A", "AD1", {{"DATE_INT", "02/05/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  c.Add("B", "AD1", {{"DATE_INT", "01/05/2024"}});
  // An earlier decision that ceased is not the one the adoption followed.
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/01/2024"}, {"DATE_PLACED_CEASED", "01/03/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  c.Add("C", "AD1", {{"DATE_INT", "01/05/2024"}});
  EXPECT_EQ(c.Run("523"), Found({"A PlacedAdoption DATE_PLACED", "A AD1 DATE_INT"}));
}

TEST(Ssda903Rules, R524) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "AD1", {{"LS_ADOPTR", "L12"}, {"SEX_ADOPTR", "MF"}});
  c.Add("B", "AD1", {{"LS_ADOPTR", "L12"}, {"SEX_ADOPTR", "MM"}});
  EXPECT_EQ(c.Run("524"), Found({"A AD1 SEX_ADOPTR"}));
}

TEST(Ssda903Rules, R525) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/06/2024"}});
  c.Add("A", "AD1", {{"DATE_INT", "01/02/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("B", "AD1", {{"DATE_INT", "01/02/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/06/2024"}});
  c.Add("C", "AD1", {{"DATE_INT", ""}, {"LS_ADOPTR", ""}});
  // DfE's logic reads each decision: one reversed in the year before a later one still
  // open is a reversed decision all the same.
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/05/2024"}});
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}});
  c.Add("D", "AD1", {{"DATE_INT", "01/06/2024"}});
  EXPECT_EQ(c.Run("525"), Found({"A PlacedAdoption DATE_PLACED_CEASED", "A AD1 DATE_INT",
                                 "D PlacedAdoption DATE_PLACED_CEASED", "D AD1 DATE_INT"}));
}

TEST(Ssda903Rules, R526) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "U1"}, {"PLACE_PROVIDER", ""}});
  c.Add("B", "Episodes", {{"PLACE", "Z1"}});
  c.Add("C", "Episodes", {{"PLACE", "T2"}});
  c.Add("D", "Episodes", {{"PLACE", "U1"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("E", "Episodes", {{"PLACE", "Z12"}});  // not a code before 2025-26
  EXPECT_EQ(c.Run("526"), Found({"A Episodes PLACE_PROVIDER", "E Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R526_AbroadCodesFrom2026) {
  for (int year : {2026, 0}) {
    RuleCase c("ssda903", year);
    c.Add("A", "Episodes", {{"PLACE", "Z1"}});  // Z1 is split into Z11-Z14 from 2025-26
    c.Add("B", "Episodes", {{"PLACE", "Z12"}});
    EXPECT_EQ(c.Run("526"), Found({"A Episodes PLACE_PROVIDER"})) << year;
  }
}

TEST(Ssda903Rules, R527) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "R2"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("B", "Episodes", {{"PLACE", "R1"}, {"PLACE_PROVIDER", "PR1"}});
  c.Add("C", "Episodes", {{"PLACE", "R2"}, {"PLACE_PROVIDER", "PR2"}});
  EXPECT_EQ(c.Run("527"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R528) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "R5"}, {"PLACE_PROVIDER", "PR2"}});
  c.Add("B", "Episodes", {{"PLACE", "P2"}, {"PLACE_PROVIDER", "PR2"}});
  EXPECT_EQ(c.Run("528"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R529) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "K2"}, {"PLACE_PROVIDER", "PR3"}});
  c.Add("B", "Episodes", {{"PLACE", "U6"}, {"PLACE_PROVIDER", "PR3"}});
  c.Add("C", "Episodes", {{"PLACE", "R1"}, {"PLACE_PROVIDER", "PR3"}});
  EXPECT_EQ(c.Run("529"), Found({"A Episodes PLACE_PROVIDER", "B Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R530) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "P1"}, {"PLACE_PROVIDER", "PR4"}});
  c.Add("B", "Episodes", {{"PLACE", "P2"}, {"PLACE_PROVIDER", "PR4"}});
  EXPECT_EQ(c.Run("530"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R531) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "P1"}, {"PLACE_PROVIDER", "PR5"}});
  c.Add("B", "Episodes", {{"PLACE", "R1"}, {"PLACE_PROVIDER", "PR5"}});
  EXPECT_EQ(c.Run("531"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R542) {
  RuleCase c("ssda903", 2025);  // 31 March 2025
  c.Add("A", "OC2", {{"DOB", "01/04/2015"}, {"CONVICTED", "0"}});  // 9 on 31 March
  c.Add("B", "OC2", {{"DOB", "31/03/2015"}, {"CONVICTED", "0"}});  // 10 that day
  c.Add("C", "OC2", {{"DOB", "01/04/2015"}, {"CONVICTED", ""}});
  EXPECT_EQ(c.Run("542"), Found({"A OC2 CONVICTED"}));
}

TEST(Ssda903Rules, R543) {
  RuleCase c("ssda903", 2025);
  // Looked after since 2023: continuously for the year. Aged 10 on 31 March 2025 itself
  // is "10 or over" (D2I counts only from the day after).
  c.Add("A", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("A", "OC2", {{"DOB", "31/03/2015"}, {"CONVICTED", ""}});
  c.Add("B", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("B", "OC2", {{"DOB", "01/04/2015"}});  // 9
  // Came into care during the year: not looked after for 12 months.
  c.Add("C", "Episodes", {{"DECOM", "01/06/2024"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("C", "OC2", {{"DOB", "01/01/2012"}});
  c.Add("D", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("D", "OC2", {{"DOB", "01/01/2012"}, {"CONVICTED", "0"}});
  EXPECT_EQ(c.Run("543"), Found({"A OC2 CONVICTED"}));
}

TEST(Ssda903Rules, R544) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"CONVICTED", "1"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", ""}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "0"}});
  // "Completed" is any answer: 0 too (D2I checks only 1).
  c.Add("B", "OC2", {{"CONVICTED", "0"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "0"}});
  c.Add("C", "OC2", {{"CONVICTED", "0"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "0"}});
  c.Add("D", "OC2", {{"CONVICTED", ""}});
  EXPECT_EQ(c.Run("544"), Found({"A OC2 TEETH_CHECK", "B OC2 IMMUNISATIONS"}));
}

TEST(Ssda903Rules, R545) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("A", "OC2", {{"DOB", "01/04/2020"}});  // 4 on 31 March 2025
  c.Add("B", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("B", "OC2", {{"DOB", "31/03/2020"}});  // 5 that day
  c.Add("C", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("C", "OC2", {{"DOB", "01/04/2020"}, {"HEALTH_CHECK", "1"}});
  // Left care during the year (short of 31 March): not continuously looked after.
  c.Add("D", "Episodes", {{"DECOM", "01/01/2023"}, {"RNE", "S"}, {"LS", "C2"}, {"DEC", "30/03/2025"}, {"REC", "E4A"}});
  c.Add("D", "OC2", {{"DOB", "01/04/2020"}});
  EXPECT_EQ(c.Run("545"), Found({"A OC2 HEALTH_CHECK"}));
}

TEST(Ssda903Rules, R546) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"DOB", "31/03/2020"}, {"HEALTH_CHECK", "1"}});  // 5 on 31 March
  c.Add("B", "OC2", {{"DOB", "01/04/2020"}, {"HEALTH_CHECK", "1"}});  // 4
  c.Add("C", "OC2", {{"DOB", "31/03/2019"}, {"HEALTH_CHECK", ""}});
  EXPECT_EQ(c.Run("546"), Found({"A OC2 HEALTH_CHECK"}));
}

TEST(Ssda903Rules, R547) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"HEALTH_CHECK", "1"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"}});
  c.Add("B", "OC2", {{"HEALTH_CHECK", "0"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "1"}});
  c.Add("C", "OC2", {{"HEALTH_CHECK", ""}});
  EXPECT_EQ(c.Run("547"), Found({"A OC2 SUBSTANCE_MISUSE"}));
}

TEST(Ssda903Rules, R550) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"PLACE", "U1"}, {"PLACE_PROVIDER", "PR0"}});
  c.Add("B", "Episodes", {{"PLACE", "P1"}, {"PLACE_PROVIDER", "PR0"}});
  EXPECT_EQ(c.Run("550"), Found({"A Episodes PLACE_PROVIDER"}));
}

TEST(Ssda903Rules, R551) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A4"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A4"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  // One of two decisions dated is enough.
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A5"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", ""}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "U1"}});
  EXPECT_EQ(c.Run("551"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R551_NeedsThePlacedAdoptionTable) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A4"}});
  EXPECT_EQ(c.Run("551"), Found({}));
}

TEST(Ssda903Rules, R552) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "02/05/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  // Two decisions, each before its placement (D2I compares the first placement with the
  // latest decision).
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("C", "Episodes", {{"DECOM", "01/06/2024"}, {"PLACE", "U1"}, {"DEC", "01/09/2024"}, {"REC", "X1"}});
  c.Add("C", "Episodes", {{"DECOM", "01/09/2024"}, {"PLACE", "A4"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/06/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/08/2024"}});
  EXPECT_EQ(c.Run("552"), Found({"A Episodes DECOM", "A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R553) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}});  // still open
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/06/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/07/2024"}});
  EXPECT_EQ(c.Run("553"), Found({"A Episodes LS", "B PlacedAdoption DATE_PLACED_CEASED"}));
}

TEST(Ssda903Rules, R554) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}, {"DEC", "01/07/2024"}, {"REC", "X1"}});
  c.Add("A", "Episodes", {{"DECOM", "01/07/2024"}, {"LS", "E1"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "02/05/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  EXPECT_EQ(c.Run("554"), Found({"A Episodes DECOM", "A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R555) {
  RuleCase c("ssda903", 2024);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2023"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2023"}, {"REASON_PLACED_CEASED", "RD1"}});
  EXPECT_EQ(c.Run("555"), Found({"A Episodes LS", "C PlacedAdoption REASON_PLACED_CEASED"}));
  // DfE deleted freeing orders' rules 555 and 556 from 2024-25.
  EXPECT_TRUE(RuleIn("555", 2024));
  EXPECT_FALSE(RuleIn("555", 2025));
  EXPECT_FALSE(RuleIn("555", 0));
}

TEST(Ssda903Rules, R556) {
  RuleCase c("ssda903", 2024);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "02/05/2023"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/05/2023"}});
  EXPECT_EQ(c.Run("556"), Found({"A Episodes DECOM"}));
  EXPECT_TRUE(RuleIn("556", 2024));
  EXPECT_FALSE(RuleIn("556", 2025));
}

TEST(Ssda903Rules, R557) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"LS", "E1"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/07/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/07/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/07/2024"}, {"REC", "E11"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "E1"}, {"PLACE", "U1"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  c.Add("E", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "D1"}, {"PLACE", "U1"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  EXPECT_EQ(c.Run("557"), Found({"A Episodes REC", "A PlacedAdoption REASON_PLACED_CEASED", "D Episodes REC"}));
}

TEST(Ssda903Rules, R557_FreeingOrdersTo2024) {
  RuleCase c("ssda903", 2024);
  c.Add("E", "Episodes", {{"DECOM", "01/05/2023"}, {"LS", "D1"}, {"PLACE", "U1"}, {"DEC", "01/07/2023"}, {"REC", "E13"}});
  c.Add("E", "PlacedAdoption", {{"DATE_PLACED", "01/02/2023"}});
  EXPECT_EQ(c.Run("557"), Found({"E Episodes REC", "E PlacedAdoption DATE_PLACED_CEASED", "E PlacedAdoption REASON_PLACED_CEASED"}));
}

TEST(Ssda903Rules, R558) {
  RuleCase c("ssda903", 2025);
  // One decision, ceased, then adopted (D2I flags only a second ceased decision).
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/07/2024"}, {"REC", "E11"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/07/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/07/2024"}, {"REC", "E11"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"PLACE", "A3"}, {"DEC", "01/07/2024"}, {"REC", "E13"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/07/2024"}});
  EXPECT_EQ(c.Run("558"), Found({"A Episodes REC", "A PlacedAdoption DATE_PLACED_CEASED"}));
}

TEST(Ssda903Rules, R559) {
  RuleCase c("ssda903", 2025);
  c.Provide("PlacedAdoption_last");
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "31/03/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/04/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("C", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}});
  EXPECT_EQ(c.Run("559"), Found({"A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R559_NeedsLastYearsReturn) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "31/03/2024"}});
  EXPECT_EQ(c.Run("559"), Found({}));
}

TEST(Ssda903Rules, R560) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "02/02/2024"}});
  c.Add("B", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/03/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "02/02/2024"}});
  // Last year's open decision carried over, and a second one this year.
  c.Add("C", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/05/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/08/2024"}});
  EXPECT_EQ(c.Run("560"), Found({"A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R561) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("B", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}});
  c.Add("C", "PlacedAdoption_last", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  EXPECT_EQ(c.Run("561"), Found({"A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R562) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/02/2024"}});
  c.Add("A", "Episodes_last", {{"DECOM", "01/01/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/02/2024"}});
  c.Add("B", "Episodes_last", {{"DECOM", "01/10/2023"}, {"DEC", "01/02/2024"}, {"REC", "X1"}});
  c.Add("B", "Episodes_last", {{"DECOM", "01/02/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}});  // began this year
  c.Add("D", "Episodes", {{"DECOM", "31/03/2024"}});  // not in last year's return
  EXPECT_EQ(c.Run("562"), Found({"A Episodes DECOM", "D Episodes DECOM"}));
}

TEST(Ssda903Rules, R563) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", ""}, {"DATE_PLACED_CEASED", "01/06/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/06/2024"}, {"REASON_PLACED_CEASED", "RD1"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", ""}});
  EXPECT_EQ(c.Run("563"), Found({"A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R564) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MISSING", "M"}, {"MIS_START", ""}});
  c.Add("B", "Missing", {{"MISSING", "A"}, {"MIS_START", "01/05/2024"}});
  c.Add("C", "Missing", {{"MISSING", ""}, {"MIS_START", ""}});
  EXPECT_EQ(c.Run("564"), Found({"A Missing MIS_START"}));
}

TEST(Ssda903Rules, R565) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MISSING", ""}, {"MIS_START", "01/05/2024"}});
  c.Add("B", "Missing", {{"MISSING", "M"}, {"MIS_START", "01/05/2024"}});
  EXPECT_EQ(c.Run("565"), Found({"A Missing MISSING"}));
}

TEST(Ssda903Rules, R566) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "02/05/2024"}});
  c.Add("B", "Missing", {{"MISSING", "A"}, {"MIS_START", "01/05/2024"}, {"MIS_END", "02/05/2024"}});
  c.Add("C", "Missing", {{"MISSING", ""}, {"MIS_END", ""}});
  EXPECT_EQ(c.Run("566"), Found({"A Missing MISSING"}));
}

TEST(Ssda903Rules, R570) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MIS_START", "01/04/2025"}});
  c.Add("B", "Missing", {{"MIS_START", "31/03/2025"}});
  EXPECT_EQ(c.Run("570"), Found({"A Missing MIS_START"}));
}

TEST(Ssda903Rules, R571) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MIS_START", "01/03/2024"}, {"MIS_END", "31/03/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/03/2024"}, {"MIS_END", "01/04/2024"}});
  c.Add("C", "Missing", {{"MIS_START", "01/03/2025"}, {"MIS_END", "31/03/2025"}});
  c.Add("D", "Missing", {{"MIS_START", "01/03/2025"}, {"MIS_END", "01/04/2025"}});
  EXPECT_EQ(c.Run("571"), Found({"A Missing MIS_END", "D Missing MIS_END"}));
}

TEST(Ssda903Rules, R574) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing", {{"MIS_START", "01/05/2024"}});
  c.Add("A", "Missing", {{"MIS_START", "05/05/2024"}, {"MIS_END", "06/05/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "10/05/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "10/05/2024"}, {"MIS_END", "12/05/2024"}});  // starts the day the first ends
  c.Add("C", "Missing", {{"MIS_START", "09/05/2024"}, {"MIS_END", "12/05/2024"}});
  c.Add("C", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "10/05/2024"}});
  EXPECT_EQ(c.Run("574"), Found({"A Missing MIS_START", "C Missing MIS_START"}));
}

TEST(Ssda903Rules, R575) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("A", "Episodes", {{"DECOM", "01/06/2024"}});
  c.Add("A", "Missing", {{"MIS_START", "01/05/2024"}});
  // Went missing the day the placement changed: from the new placement, still open.
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("B", "Episodes", {{"DECOM", "01/06/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/06/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("C", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "03/05/2024"}});
  EXPECT_EQ(c.Run("575"), Found({"A Missing MIS_END"}));
}

TEST(Ssda903Rules, R576) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Missing_last", {{"MIS_START", "01/03/2024"}});
  c.Add("A", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "02/05/2024"}});
  c.Add("B", "Missing_last", {{"MIS_START", "01/03/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/03/2024"}, {"MIS_END", "02/04/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/05/2024"}});
  c.Add("C", "Missing_last", {{"MIS_START", "01/03/2024"}, {"MIS_END", "03/03/2024"}});
  c.Add("C", "Missing", {{"MIS_START", "01/05/2024"}});
  // No missing period at all this year.
  c.Add("D", "Header", {{"CHILD", "D"}});
  c.Add("D", "Missing_last", {{"MIS_START", "01/03/2024"}});
  EXPECT_EQ(c.Run("576"), Found({"A Missing MIS_START", "D Header CHILD"}));
}

TEST(Ssda903Rules, R577) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("A", "Missing", {{"MIS_START", "01/05/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}});
  c.Add("B", "Missing", {{"MIS_START", "01/05/2024"}});
  // A change of placement is not leaving care.
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "X1"}});
  c.Add("C", "Episodes", {{"DECOM", "01/06/2024"}});
  c.Add("C", "Missing", {{"MIS_START", "01/05/2024"}});
  c.Add("D", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("D", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "01/06/2024"}});
  EXPECT_EQ(c.Run("577"), Found({"A Missing MIS_END"}));
}

TEST(Ssda903Rules, R578) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("A", "Missing", {{"MIS_START", "02/06/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("B", "Missing", {{"MIS_START", "01/06/2024"}});
  // Back in care by then.
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("C", "Episodes", {{"DECOM", "01/08/2024"}, {"RNE", "S"}});
  c.Add("C", "Missing", {{"MIS_START", "02/08/2024"}});
  // Before care began is not after it ceased (D2I flags it too).
  c.Add("D", "Episodes", {{"DECOM", "01/06/2024"}, {"RNE", "S"}});
  c.Add("D", "Missing", {{"MIS_START", "01/05/2024"}, {"MIS_END", "02/05/2024"}});
  EXPECT_EQ(c.Run("578"), Found({"A Missing MIS_START"}));
}

TEST(Ssda903Rules, R579) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/05/2024"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/05/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/02/2024"}, {"DATE_PLACED_CEASED", "01/05/2024"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "30/04/2024"}});
  EXPECT_EQ(c.Run("579"), Found({"A PlacedAdoption DATE_PLACED", "C PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R580) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "15/06/2024"}, {"REC", "E4A"}});
  c.Add("A", "Missing", {{"DOB", "15/06/2006"}, {"MIS_START", "01/06/2024"}, {"MIS_END", "15/06/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "15/06/2024"}, {"REC", "E8"}});
  c.Add("B", "Missing", {{"DOB", "15/06/2006"}, {"MIS_START", "01/06/2024"}, {"MIS_END", "15/06/2024"}});
  c.Add("C", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "14/06/2024"}, {"REC", "E4A"}});
  c.Add("C", "Missing", {{"DOB", "15/06/2006"}, {"MIS_START", "01/06/2024"}, {"MIS_END", "14/06/2024"}});
  // Born 29 February: 18 on 1 March in a year without one; the Header's DOB when the
  // Missing row has none.
  c.Add("D", "Header", {{"DOB", "29/02/2008"}});
  c.Add("D", "Episodes", {{"DECOM", "01/04/2024"}, {"DEC", "01/03/2026"}, {"REC", "E4A"}});
  c.Add("D", "Missing", {{"MIS_START", "01/02/2026"}, {"MIS_END", "01/03/2026"}});
  EXPECT_EQ(c.Run("580"), Found({"A Episodes REC", "D Episodes REC"}));
}

}  // namespace
}  // namespace carestat::validation
