// Tests of the SSDA903 rules of batch ssda903_rules_c (codes 377-503F): each with a case
// that breaks the rule and a near miss that passes.
#include "gtest/gtest.h"
#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

// An episode row: DECOM, DEC, RNE, LS, PLACE, REC (blank strings are blank fields).
void Ep(RuleCase& c, const std::string& child, const std::string& decom, const std::string& dec, const std::string& rne,
        const std::string& ls, const std::string& place, const std::string& rec = "") {
  c.Add(child, "Episodes",
        {{"CHILD", child}, {"DECOM", decom}, {"DEC", dec}, {"RNE", rne}, {"LS", ls}, {"PLACE", place}, {"REC", rec}});
}

TEST(Ssda903Rules, R377) {
  RuleCase c("ssda903", 2025);
  // A: three T3 placements starting within 12 months.
  Ep(c, "A", "01/05/2024", "05/05/2024", "P", "C2", "T3", "X1");
  Ep(c, "A", "01/08/2024", "05/08/2024", "P", "C2", "T3", "X1");
  Ep(c, "A", "30/04/2025", "", "P", "C2", "T3");
  Ep(c, "A", "01/06/2024", "05/06/2024", "P", "C2", "U1", "X1");
  // B: three T3s, but the third starts 12 months after the first (outside the window).
  Ep(c, "B", "01/05/2023", "05/05/2023", "P", "C2", "T3", "X1");
  Ep(c, "B", "01/08/2023", "05/08/2023", "P", "C2", "T3", "X1");
  Ep(c, "B", "01/05/2024", "05/05/2024", "P", "C2", "T3", "X1");
  EXPECT_EQ(c.Run("377"), Found({"A Episodes PLACE", "A Episodes PLACE", "A Episodes PLACE"}));
}

TEST(Ssda903Rules, R378) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "", "S", "V2", "P1");
  Ep(c, "B", "01/05/2024", "", "S", "C2", "P1");
  Ep(c, "C", "01/05/2024", "", "S", "V2", "U1");
  EXPECT_EQ(c.Run("378"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R379) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "09/05/2024", "P", "C2", "T4", "X1");  // 8 days
  Ep(c, "B", "01/05/2024", "08/05/2024", "P", "C2", "T4", "X1");  // 7 days: allowed
  Ep(c, "C", "01/05/2024", "20/05/2024", "P", "C2", "T3", "X1");
  EXPECT_EQ(c.Run("379"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R380) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "", "S", "C2", "T1");
  Ep(c, "B", "01/05/2024", "", "P", "C2", "T1");
  Ep(c, "C", "01/05/2024", "", "B", "C2", "T0");
  Ep(c, "D", "01/05/2024", "", "S", "C2", "U1");
  EXPECT_EQ(c.Run("380"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R381) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "03/05/2024", "P", "C2", "T2", "E13");
  Ep(c, "B", "01/05/2024", "03/05/2024", "P", "C2", "T2", "X1");
  Ep(c, "C", "01/05/2024", "", "P", "C2", "T2");
  Ep(c, "D", "01/05/2024", "03/05/2024", "P", "C2", "U1", "E13");
  EXPECT_EQ(c.Run("381"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R382) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "", "S", "V3", "T0");
  Ep(c, "B", "01/05/2024", "", "S", "V2", "T0");
  Ep(c, "C", "01/05/2024", "", "S", "V4", "U1");
  EXPECT_EQ(c.Run("382"), Found({"A Episodes PLACE"}));
}

void Placed(RuleCase& c, const std::string& child, const std::string& decom, const std::string& dec,
            const std::string& rne, const std::string& place, const std::string& post) {
  c.Add(child, "Episodes",
        {{"CHILD", child}, {"DECOM", decom}, {"DEC", dec}, {"RNE", rne}, {"LS", "C2"}, {"PLACE", place},
         {"PL_POST", post}, {"REC", dec.empty() ? "" : "X1"}});
}

TEST(Ssda903Rules, R383) {
  RuleCase c("ssda903", 2025);
  // A: back to a different placement type. B: RNE not P. C: back where it was (rows out of order).
  Placed(c, "A", "01/05/2024", "01/06/2024", "S", "U1", "AB1 2");
  Placed(c, "A", "01/06/2024", "05/06/2024", "P", "T3", "CD3 4");
  Placed(c, "A", "05/06/2024", "", "P", "U4", "AB1 2");
  Placed(c, "B", "01/05/2024", "01/06/2024", "S", "U1", "AB1 2");
  Placed(c, "B", "01/06/2024", "05/06/2024", "P", "T3", "CD3 4");
  Placed(c, "B", "05/06/2024", "", "L", "U1", "AB1 2");
  Placed(c, "C", "05/06/2024", "", "P", "U1", "AB1 2");
  Placed(c, "C", "01/05/2024", "01/06/2024", "S", "U1", "AB1 2");
  Placed(c, "C", "01/06/2024", "05/06/2024", "P", "T3", "CD3 4");
  // D: back to U1 but at another postcode: fine up to 2024-25.
  Placed(c, "D", "01/05/2024", "01/06/2024", "S", "U1", "AB1 2");
  Placed(c, "D", "01/06/2024", "05/06/2024", "P", "T3", "CD3 4");
  Placed(c, "D", "05/06/2024", "", "P", "U1", "EF5 6");
  EXPECT_EQ(c.Run("383"), Found({"A Episodes PLACE", "B Episodes PLACE"}));
}

TEST(Ssda903Rules, R383_TemporaryFirstThisYear) {
  // The placement before the temporary one is in last year's return: RNE is still checked
  // (D2I needs two episodes before the one it checks, so finds nothing here).
  RuleCase c("ssda903", 2025);
  Placed(c, "G", "25/03/2024", "05/04/2024", "P", "T3", "CD3 4");
  Placed(c, "G", "05/04/2024", "", "L", "U1", "AB1 2");
  Placed(c, "H", "25/03/2024", "05/04/2024", "P", "T3", "CD3 4");
  Placed(c, "H", "05/04/2024", "", "P", "U1", "AB1 2");
  EXPECT_EQ(c.Run("383"), Found({"G Episodes PLACE"}));
}

TEST(Ssda903Rules, R383_PostcodeFrom2026) {
  RuleCase c("ssda903", 2026);
  Placed(c, "D", "01/05/2025", "01/06/2025", "S", "U1", "AB1 2");
  Placed(c, "D", "01/06/2025", "05/06/2025", "P", "T3", "CD3 4");
  Placed(c, "D", "05/06/2025", "", "P", "U1", "EF5 6");
  // E: the same postcode written without its space; F: both postcodes blank.
  Placed(c, "E", "01/05/2025", "01/06/2025", "S", "U1", "AB1 2");
  Placed(c, "E", "01/06/2025", "05/06/2025", "P", "T3", "CD3 4");
  Placed(c, "E", "05/06/2025", "", "P", "U1", "ab12");
  Placed(c, "F", "01/05/2025", "01/06/2025", "S", "U1", "");
  Placed(c, "F", "01/06/2025", "05/06/2025", "P", "T3", "");
  Placed(c, "F", "05/06/2025", "", "P", "U1", "");
  EXPECT_EQ(c.Run("383"), Found({"D Episodes PL_POST"}));
}

TEST(Ssda903Rules, R384) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "", "S", "V4", "U1");
  Ep(c, "B", "01/05/2024", "", "S", "V4", "U2");
  Ep(c, "C", "01/05/2024", "", "S", "C2", "U4");
  EXPECT_EQ(c.Run("384"), Found({"A Episodes PLACE"}));
}

TEST(Ssda903Rules, R385) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "01/04/2025", "S", "C2", "U1", "E13");
  Ep(c, "B", "01/05/2024", "31/03/2025", "S", "C2", "U1", "E13");
  EXPECT_EQ(c.Run("385"), Found({"A Episodes DEC"}));
}

TEST(Ssda903Rules, R386) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2006"}});
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "E1", "A5", "E11");  // the 18th birthday
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2006"}});
  Ep(c, "B", "01/05/2024", "31/05/2024", "S", "E1", "A5", "E12");  // the day before
  EXPECT_EQ(c.Run("386"), Found({"A Episodes REC"}));
}

TEST(Ssda903Rules, R387) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2010"}});
  Ep(c, "A", "01/05/2024", "31/05/2024", "S", "C2", "U1", "E5");  // the day before 14
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2010"}});
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E6");  // 14th birthday
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", ""}});            // no date of birth: not judged
  Ep(c, "C", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E6");
  EXPECT_EQ(c.Run("387"), Found({"A Episodes REC"}));
}

TEST(Ssda903Rules, R389) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2008"}});
  Ep(c, "A", "01/05/2024", "31/05/2024", "S", "C2", "U1", "E7");
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2008"}});
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E7");
  c.Add("C", "Header", {{"CHILD", "C"}, {"DOB", "01/06/2008"}});
  Ep(c, "C", "01/05/2024", "", "S", "C2", "U1", "E7");  // no DEC: not judged
  EXPECT_EQ(c.Run("389"), Found({"A Episodes REC"}));
}

TEST(Ssda903Rules, R390) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "E1", "U1", "E11");
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "E1", "A6", "E12");
  Ep(c, "C", "01/05/2024", "01/06/2024", "S", "E1", "U1", "E13");
  EXPECT_EQ(c.Run("390"), Found({"A Episodes REC"}));
}

TEST(Ssda903Rules, R391) {
  RuleCase c("ssda903", 2025);
  // A turns 17 on 1 April 2025, the day after the year ends; B turns 17 on 31 March 2025.
  c.Add("A", "OC3", {{"CHILD", "A"}, {"DOB", "01/04/2008"}, {"IN_TOUCH", "YES"}, {"ACTIV", ""}, {"ACCOM", ""}});
  c.Add("B", "OC3", {{"CHILD", "B"}, {"DOB", "31/03/2008"}, {"IN_TOUCH", "YES"}, {"ACTIV", ""}, {"ACCOM", ""}});
  c.Add("C", "OC3", {{"CHILD", "C"}, {"DOB", "01/04/2010"}, {"IN_TOUCH", ""}, {"ACTIV", ""}, {"ACCOM", ""}});
  EXPECT_EQ(c.Run("391"), Found({"A OC3 DOB"}));
}

void Posted(RuleCase& c, const std::string& child, const std::string& ls, const std::string& place,
            const std::string& home, const std::string& pl) {
  c.Add(child, "Episodes",
        {{"CHILD", child}, {"DECOM", "01/05/2024"}, {"RNE", "S"}, {"LS", ls}, {"PLACE", place}, {"HOME_POST", home},
         {"PL_POST", pl}});
}

TEST(Ssda903Rules, R392b) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}});
  Posted(c, "A", "C2", "U1", "AB1 2", "");
  Posted(c, "B", "V3", "U1", "", "");  // respite: not required
  c.Add("C", "Header", {{"CHILD", "C"}, {"UASC", "1"}});  // UASC: not required
  Posted(c, "C", "C2", "U1", "", "");
  c.Add("D", "UASC_last", {{"CHILD", "D"}, {"SEX", "M"}, {"DUC", "01/01/2024"}});  // formerly UASC
  Posted(c, "D", "C2", "U1", "", "");
  Posted(c, "E", "C2", "U1", "AB1 2", "CD3 4");
  EXPECT_EQ(c.Run("392b"), Found({"A Episodes PL_POST"}));
}

TEST(Ssda903Rules, R392d) {
  RuleCase c("ssda903", 2025);
  Posted(c, "A", "C2", "U1", "AB1 2", "ab1 2");
  Posted(c, "B", "C2", "P1", "AB1 2", "AB1 2");
  Posted(c, "C", "C2", "U1", "", "");
  Posted(c, "D", "C2", "U1", "AB1 2", "AB1 3");
  EXPECT_EQ(c.Run("392d"), Found({"A Episodes PL_POST"}));
}

TEST(Ssda903Rules, R393) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"SEX", "F"}, {"MOTHER", ""}});
  Ep(c, "A", "01/05/2024", "", "S", "C2", "U1");
  c.Add("B", "Header", {{"CHILD", "B"}, {"SEX", "F"}, {"MOTHER", "0"}});
  Ep(c, "B", "01/05/2024", "", "S", "C2", "U1");
  c.Add("C", "Header", {{"CHILD", "C"}, {"SEX", "F"}});
  Ep(c, "C", "01/05/2024", "", "S", "V4", "U1");  // respite only
  c.Add("D", "Header", {{"CHILD", "D"}, {"SEX", "2"}});  // the old code for female
  Ep(c, "D", "01/05/2024", "", "S", "C2", "U1");
  EXPECT_EQ(c.Run("393"), Found({"A Header MOTHER"}));
}

TEST(Ssda903Rules, R393_SexCodeTo2024) {
  RuleCase c("ssda903", 2024);
  c.Add("D", "Header", {{"CHILD", "D"}, {"SEX", "2"}});
  Ep(c, "D", "01/05/2023", "", "S", "C2", "U1");
  c.Add("E", "Header", {{"CHILD", "E"}, {"SEX", "1"}});
  Ep(c, "E", "01/05/2023", "", "S", "C2", "U1");
  EXPECT_EQ(c.Run("393"), Found({"D Header MOTHER"}));
}

TEST(Ssda903Rules, R398) {
  RuleCase c("ssda903", 2025);
  Posted(c, "A", "V3", "U1", "", "AB1 2");
  Posted(c, "B", "V3", "U1", "", "");
  Posted(c, "C", "C2", "U1", "AB1 2", "AB1 3");
  EXPECT_EQ(c.Run("398"), Found({"A Episodes PL_POST"}));
}

TEST(Ssda903Rules, R399) {
  RuleCase c("ssda903", 2025);
  // A: only V4 episodes, a review participation code. B: a C2 episode too. C: nothing given.
  c.Add("A", "Header", {{"CHILD", "A"}, {"MOTHER", ""}});
  Ep(c, "A", "01/05/2024", "", "S", "V4", "U1");
  c.Add("A", "Reviews", {{"CHILD", "A"}, {"REVIEW", ""}, {"REVIEW_CODE", "PN1"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"MOTHER", "1"}});
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "V4", "U1", "X1");
  Ep(c, "B", "01/06/2024", "", "L", "C2", "U1");
  c.Add("C", "Header", {{"CHILD", "C"}, {"MOTHER", ""}});
  Ep(c, "C", "01/05/2024", "", "S", "V3", "U1");
  EXPECT_EQ(c.Run("399"), Found({"A Reviews REVIEW_CODE", "A Episodes LS"}));
}

TEST(Ssda903Rules, R399_MotherWithoutReviews) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"MOTHER", "0"}});
  Ep(c, "A", "01/05/2024", "", "S", "V3", "U1");
  EXPECT_EQ(c.Run("399"), Found({"A Header MOTHER", "A Episodes LS"}));
}

TEST(Ssda903Rules, R407) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2006"}});
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E45");  // the 18th birthday
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2006"}});
  Ep(c, "B", "01/05/2024", "31/05/2024", "S", "C2", "U1", "E46");
  EXPECT_EQ(c.Run("407"), Found({"A Episodes REC", "A Header DOB"}));
}

TEST(Ssda903Rules, R408) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "", "S", "C2", "A5");
  Ep(c, "B", "01/05/2024", "", "S", "E1", "A6");
  Ep(c, "C", "01/05/2024", "", "S", "C2", "A4");
  EXPECT_EQ(c.Run("408"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R426) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "03/05/2024", "S", "V3", "U1", "E13");
  Ep(c, "A", "01/06/2024", "03/06/2024", "S", "V4", "U1", "E13");
  Ep(c, "B", "01/05/2024", "03/05/2024", "S", "V3", "U1", "E13");
  Ep(c, "B", "01/06/2024", "03/06/2024", "S", "V3", "U1", "E13");
  EXPECT_EQ(c.Run("426"), Found({"A Episodes LS", "A Episodes LS"}));
}

TEST(Ssda903Rules, R431) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/06/2024", "", "S", "C2", "U1");  // listed first, starts second
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "B", "02/06/2024", "", "S", "C2", "U1");
  EXPECT_EQ(c.Run("431"), Found({"A Episodes RNE"}));
}

TEST(Ssda903Rules, R432) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "A", "05/06/2024", "", "P", "C2", "U1");
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "B", "05/06/2024", "", "S", "C2", "U1");
  Ep(c, "C", "01/05/2024", "01/06/2024", "S", "C2", "U1", "X1");
  Ep(c, "C", "01/06/2024", "", "P", "C2", "U2");
  EXPECT_EQ(c.Run("432"), Found({"A Episodes RNE"}));
}

TEST(Ssda903Rules, R433) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "C2", "U1", "X1");
  Ep(c, "A", "02/06/2024", "", "P", "C2", "U2");
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "X1");
  Ep(c, "B", "01/06/2024", "", "P", "C2", "U2");
  Ep(c, "C", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "C", "05/06/2024", "", "S", "C2", "U2");  // a new period of care
  Ep(c, "D", "01/05/2024", "", "L", "C2", "U1");  // first episode: nothing before it
  EXPECT_EQ(c.Run("433"), Found({"A Episodes DECOM"}));
}

void Full(RuleCase& c, const std::string& child, const std::string& decom, const std::string& rne,
          const std::string& ls, const std::string& place, const std::string& post, const std::string& urn,
          const std::string& provider) {
  c.Add(child, "Episodes",
        {{"CHILD", child}, {"DECOM", decom}, {"RNE", rne}, {"LS", ls}, {"PLACE", place}, {"PL_POST", post},
         {"URN", urn}, {"PLACE_PROVIDER", provider}});
}

TEST(Ssda903Rules, R434) {
  RuleCase c("ssda903", 2025);
  Full(c, "A", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "A", "01/06/2024", "L", "C2", "U1", "AB1 2", "", "PR1");  // LS unchanged
  Full(c, "B", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "B", "01/06/2024", "L", "E1", "U1", "AB1 2", "", "PR2");  // provider changed
  Full(c, "C", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "C", "01/06/2024", "L", "E1", "U1", "AB1 2", "", "PR1");
  EXPECT_EQ(c.Run("434"), Found({"A Episodes RNE", "B Episodes RNE"}));
}

TEST(Ssda903Rules, R435) {
  RuleCase c("ssda903", 2025);
  Full(c, "A", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "A", "01/06/2024", "P", "C2", "U1", "AB1 2", "", "PR1");  // nothing changed (URN blank in both)
  Full(c, "B", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "B", "01/06/2024", "T", "E1", "U2", "AB1 2", "", "PR1");  // LS changed
  Full(c, "C", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "C", "01/06/2024", "P", "C2", "U1", "AB1 3", "", "PR1");  // moved
  EXPECT_EQ(c.Run("435"), Found({"A Episodes PLACE", "B Episodes LS"}));
}

TEST(Ssda903Rules, R436) {
  RuleCase c("ssda903", 2025);
  Full(c, "A", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "A", "01/06/2024", "B", "E1", "U1", "AB1 2", "", "PR1");  // placement unchanged
  Full(c, "B", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "B", "01/06/2024", "U", "C2", "U2", "AB1 2", "", "PR1");  // LS unchanged
  Full(c, "C", "01/05/2024", "S", "C2", "U1", "AB1 2", "", "PR1");
  Full(c, "C", "01/06/2024", "B", "E1", "U1", "AB1 2", "SC1", "PR1");
  EXPECT_EQ(c.Run("436"), Found({"A Episodes RNE", "B Episodes RNE"}));
}

TEST(Ssda903Rules, R437) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "01/08/2024", "", "S", "C2", "U1");
  Ep(c, "A", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E15");
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E13");
  Ep(c, "B", "01/08/2024", "01/09/2024", "S", "C2", "U1", "E2");  // the last episode
  EXPECT_EQ(c.Run("437"), Found({"A Episodes REC"}));
}

void Review(RuleCase& c, const std::string& child, const std::string& dob, const std::string& on,
            const std::string& code) {
  c.Add(child, "Reviews", {{"CHILD", child}, {"DOB", dob}, {"REVIEW", on}, {"REVIEW_CODE", code}});
}

TEST(Ssda903Rules, R440) {
  RuleCase c("ssda903", 2025);
  Review(c, "A", "01/06/2020", "01/06/2024", "PN0");  // the 4th birthday
  Review(c, "B", "01/06/2020", "31/05/2024", "PN0");
  Review(c, "C", "01/06/2010", "01/06/2024", "PN1");
  EXPECT_EQ(c.Run("440"), Found({"A Reviews REVIEW_CODE"}));
}

TEST(Ssda903Rules, R441) {
  RuleCase c("ssda903", 2025);
  Review(c, "A", "01/06/2020", "31/05/2024", "PN3");
  Review(c, "B", "01/06/2020", "01/06/2024", "PN3");
  Review(c, "C", "01/06/2020", "31/05/2024", "PN0");
  EXPECT_EQ(c.Run("441"), Found({"A Reviews REVIEW_CODE"}));
}

TEST(Ssda903Rules, R442) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"UPN", ""}});
  Ep(c, "A", "01/05/2024", "", "S", "C2", "U1");
  c.Add("B", "Header", {{"CHILD", "B"}, {"UPN", "UN1"}});
  Ep(c, "B", "01/05/2024", "", "S", "C2", "U1");
  c.Add("C", "Header", {{"CHILD", "C"}});
  Ep(c, "C", "01/05/2024", "", "S", "V3", "U1");
  EXPECT_EQ(c.Run("442"), Found({"A Header UPN"}));
}

TEST(Ssda903Rules, R444) {
  RuleCase c("ssda903", 2026);
  c.Add("A", "Header", {{"CHILD", "A"}, {"UPN", "A123456789012"}});
  c.Add("B", "Header", {{"CHILD", "B"}, {"UPN", "A123456789012"}});
  c.Add("C", "Header", {{"CHILD", "C"}, {"UPN", "UN1"}});
  c.Add("D", "Header", {{"CHILD", "D"}, {"UPN", "UN1"}});
  c.Add("E", "Header", {{"CHILD", "E"}, {"UPN", "B123456789012"}});
  c.Add("F", "Header", {{"CHILD", "F"}, {"UPN", ""}});
  c.Add("G", "Header", {{"CHILD", "G"}, {"UPN", ""}});
  // The later holder of a UPN is flagged, as it is seen; UN codes and blanks never.
  c.Add("H", "Header", {{"CHILD", "H"}, {"UPN", "a123456789012"}});  // the same UPN, lower case
  EXPECT_EQ(c.Run("444"), Found({"B Header UPN", "H Header UPN"}));
  // Each names where the UPN was first seen, so the analyst finds both children.
  for (const std::string& d : c.details()) EXPECT_NE(d.find("the same UPN as the child on line "), std::string::npos) << d;
}

TEST(Ssda903Rules, R444_From2026) {
  bool in_2025 = false;
  for (const RuleDef* d : EngineRulesFor("ssda903", 2025)) in_2025 = in_2025 || d->info.code == "444";
  EXPECT_FALSE(in_2025);
}

TEST(Ssda903Rules, R445) {
  RuleCase c("ssda903", 2024);
  Ep(c, "A", "01/01/2006", "", "S", "D1", "U1");
  Ep(c, "B", "31/12/2005", "", "S", "D1", "U1");
  EXPECT_EQ(c.Run("445"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R445_GoneFrom2025) {
  bool in_2025 = false;
  for (const RuleDef* d : EngineRulesFor("ssda903", 2025)) in_2025 = in_2025 || d->info.code == "445" || d->info.code == "451";
  EXPECT_FALSE(in_2025);
}

TEST(Ssda903Rules, R446) {
  RuleCase c("ssda903", 2025);
  Ep(c, "A", "30/11/2005", "", "S", "E1", "A5");
  Ep(c, "B", "01/12/2005", "", "S", "E1", "A5");
  EXPECT_EQ(c.Run("446"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R451) {
  RuleCase c("ssda903", 2024);
  Ep(c, "A", "01/05/2005", "", "S", "D1", "A5");
  Ep(c, "B", "01/05/2005", "01/06/2023", "S", "D1", "A5", "E11");
  EXPECT_EQ(c.Run("451"), Found({"A Episodes LS"}));
}

TEST(Ssda903Rules, R460) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"CHILD", "A"}, {"DOB", "01/06/2006"}});
  Ep(c, "A", "01/05/2024", "31/05/2024", "S", "C2", "U1", "E17");
  c.Add("B", "Header", {{"CHILD", "B"}, {"DOB", "01/06/2006"}});
  Ep(c, "B", "01/05/2024", "01/06/2024", "S", "C2", "U1", "E17");
  EXPECT_EQ(c.Run("460"), Found({"A Episodes REC"}));
}

void Last(RuleCase& c, const std::string& child, const std::string& decom, const std::string& dec,
          std::initializer_list<std::pair<std::string_view, std::string>> more = {}) {
  auto& r = c.Add(child, "Episodes_last", {{"CHILD", child}, {"DECOM", decom}, {"DEC", dec}});
  for (const auto& [k, v] : more) r.Set(k, v, r.line);
}
void First(RuleCase& c, const std::string& child, const std::string& decom,
           std::initializer_list<std::pair<std::string_view, std::string>> more = {}) {
  auto& r = c.Add(child, "Episodes", {{"CHILD", child}, {"DECOM", decom}});
  for (const auto& [k, v] : more) r.Set(k, v, r.line);
}

TEST(Ssda903Rules, R502) {
  RuleCase c("ssda903", 2025);
  Last(c, "A", "01/02/2024", "");
  First(c, "A", "02/02/2024");
  Last(c, "B", "01/02/2024", "");
  First(c, "B", "01/05/2024");
  First(c, "B", "01/02/2024");  // the first by DECOM, though listed second
  Last(c, "C", "01/02/2024", "01/03/2024");  // closed last year
  First(c, "C", "01/05/2024");
  EXPECT_EQ(c.Run("502"), Found({"A Episodes DECOM"}));
}

TEST(Ssda903Rules, R502_NeedsLastYear) {
  RuleCase c("ssda903", 2025);
  First(c, "A", "02/02/2024");
  EXPECT_EQ(c.Run("502"), Found{});
}

// 503A-F: the same check on one field each.
void SameField(const std::string& code, std::string_view field) {
  SCOPED_TRACE(code);
  RuleCase c("ssda903", 2025);
  Last(c, "A", "01/02/2024", "", {{field, "X1"}});
  First(c, "A", "01/02/2024", {{field, "X2"}});
  Last(c, "B", "01/01/2023", "", {{field, "X1"}});  // an earlier open episode: not the last
  Last(c, "B", "01/02/2024", "", {{field, "X2"}});
  First(c, "B", "01/02/2024", {{field, "X2"}});
  Last(c, "C", "01/02/2024", "01/03/2024", {{field, "X1"}});  // closed: a new start
  First(c, "C", "01/05/2024", {{field, "X2"}});
  Last(c, "D", "01/02/2024", "", {{field, ""}});  // blank both years
  First(c, "D", "01/02/2024", {{field, ""}});
  EXPECT_EQ(c.Run(code), Found({"A Episodes " + std::string(field)}));
}

TEST(Ssda903Rules, R503A) { SameField("503A", "RNE"); }
TEST(Ssda903Rules, R503B) { SameField("503B", "LS"); }
TEST(Ssda903Rules, R503C) { SameField("503C", "CIN"); }
TEST(Ssda903Rules, R503D) { SameField("503D", "PLACE"); }
TEST(Ssda903Rules, R503E) { SameField("503E", "PLACE_PROVIDER"); }
TEST(Ssda903Rules, R503F) { SameField("503F", "URN"); }

TEST(Ssda903Rules, R503D_CodesReplaced) {
  // H5 became K3 in 2024-25; Z1 became Z11-Z14 in 2025-26.
  for (int year : {2024, 2025, 2026}) {
    SCOPED_TRACE(year);
    RuleCase c("ssda903", year);
    const std::string y = std::to_string(year - 1);
    Last(c, "H", "01/02/" + y, "", {{"PLACE", "H5"}});
    First(c, "H", "01/02/" + y, {{"PLACE", "K3"}});
    Last(c, "Z", "01/02/" + y, "", {{"PLACE", "Z1"}});
    First(c, "Z", "01/02/" + y, {{"PLACE", "Z12"}});
    const Found want = year == 2024 ? Found{"H Episodes PLACE", "Z Episodes PLACE"}
                       : year == 2025 ? Found{"Z Episodes PLACE"}
                                      : Found{"H Episodes PLACE"};
    EXPECT_EQ(c.Run("503D"), want);
  }
}

}  // namespace
}  // namespace carestat::validation
