// SSDA903 rules of batch ssda903_rules_a (services/ingestion/validation/ssda903_rules_a.cc).
// The 2024-25 return (collection year 2025) runs 01/04/2024 to 31/03/2025 unless a test says.
#include <algorithm>

#include "tests/unit/validation/rule_test_util.h"

namespace carestat::validation {
namespace {

using testing::Found;
using testing::RuleCase;

bool HasRule(int year, std::string_view code) {
  auto rules = EngineRulesFor("ssda903", year);
  return std::any_of(rules.begin(), rules.end(), [&](const RuleDef* d) { return d->info.code == code; });
}

// Looked after all year (since 2020, still open) or from June 2024 only.
void AllYear(RuleCase& c, const std::string& child) {
  c.Add(child, "Episodes", {{"DECOM", "01/01/2020"}, {"RNE", "S"}, {"LS", "C2"}, {"DEC", ""}, {"REC", ""}});
}
void FromJune(RuleCase& c, const std::string& child) {
  c.Add(child, "Episodes", {{"DECOM", "01/06/2024"}, {"RNE", "S"}, {"LS", "C2"}, {"DEC", ""}, {"REC", ""}});
}
void CareLeaver(RuleCase& c, const std::string& child, std::string in_touch = "YES") {
  c.Add(child, "OC3", {{"IN_TOUCH", in_touch}, {"ACTIV", in_touch.empty() ? "" : "F2"}, {"ACCOM", in_touch.empty() ? "" : "S"}});
}

TEST(Ssda903Rules, R1000) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "01/06/2024"}, {"REC", "E2"}});
  c.Add("A", "OC3", {{"IN_TOUCH", "DIED"}, {"ACTIV", ""}, {"ACCOM", ""}});
  c.Add("B", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  CareLeaver(c, "B");
  c.Add("C", "Episodes_last", {{"DECOM", "01/01/2023"}, {"DEC", "01/06/2023"}, {"REC", "E2"}});
  c.Add("C", "OC3", {{"IN_TOUCH", ""}, {"ACTIV", "F2"}, {"ACCOM", ""}});
  // Died, but nothing completed in OC3.
  c.Add("D", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "01/06/2024"}, {"REC", "E2"}});
  CareLeaver(c, "D", "");
  EXPECT_EQ(c.Run("1000"), Found({"A OC3 IN_TOUCH", "C OC3 ACTIV"}));
}

TEST(Ssda903Rules, R1001) {
  RuleCase c("ssda903", 2025);
  auto young = [&](const std::string& child, const std::string& dec, const std::string& rec) {
    c.Add(child, "Header", {{"DOB", "01/01/2007"}});  // 14 on 01/01/2021, 16 on 01/01/2023
    c.Add(child, "Episodes_last", {{"DECOM", "01/05/2023"}, {"DEC", dec}, {"REC", rec}, {"LS", "C2"}});
    CareLeaver(c, child);
  };
  young("A", "30/07/2023", "E4A");  // 90 days after 14
  young("B", "31/07/2023", "E4A");  // 91 days: relevant
  young("C", "31/12/2023", "E11");  // adopted
  // 21 at the end of the year: two years of data cannot show it; not checked.
  c.Add("D", "Header", {{"DOB", "01/01/2004"}});
  CareLeaver(c, "D");
  c.Provide("Episodes");
  EXPECT_EQ(c.Run("1001"), Found({"A OC3 IN_TOUCH", "C OC3 IN_TOUCH"}));

  // Earlier years' episodes count too (Episodes_history): E, 17 at the end of the year,
  // was looked after from 14 to 16, before last year.
  {
    RuleCase h("ssda903", 2025);
    h.Provide("Episodes");
    h.Provide("Episodes_last");
    h.Add("E", "Header", {{"DOB", "01/01/2008"}});
    h.Add("E", "Episodes_history", {{"DECOM", "01/02/2022"}, {"DEC", "01/03/2024"}, {"REC", "E4A"}, {"LS", "C2"}});
    CareLeaver(h, "E");
    h.Add("F", "Header", {{"DOB", "01/01/2008"}});
    CareLeaver(h, "F");
    EXPECT_EQ(h.Run("1001"), Found({"F OC3 IN_TOUCH"}));
  }

  // Without last year's episodes the rule does not run.
  RuleCase d("ssda903", 2025);
  d.Add("A", "Header", {{"DOB", "01/01/2007"}});
  d.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "10/05/2024"}, {"REC", "E4A"}, {"LS", "C2"}});
  CareLeaver(d, "A");
  EXPECT_EQ(d.Run("1001"), Found({}));
}

TEST(Ssda903Rules, R1002) {
  RuleCase c("ssda903", 2025);
  c.Provide("Episodes");
  CareLeaver(c, "A");
  c.Add("B", "Episodes_last", {{"DECOM", "01/01/2023"}, {"DEC", "01/06/2023"}, {"REC", "E4A"}});
  CareLeaver(c, "B");
  CareLeaver(c, "C", "");
  EXPECT_EQ(c.Run("1002"), Found({"A OC3 IN_TOUCH"}));

  RuleCase d("ssda903", 2025);  // no Episodes_last table
  d.Provide("Episodes");
  CareLeaver(d, "A");
  EXPECT_EQ(d.Run("1002"), Found({}));

  // Earlier years' episodes, where the caller holds them (the pipeline's check of stored
  // tables): a care leaver who left care three years ago has previous episodes.
  RuleCase h("ssda903", 2025);
  h.Provide("Episodes");
  h.Provide("Episodes_last");
  h.Add("A", "Episodes_history", {{"DECOM", "01/01/2020"}, {"DEC", "01/06/2021"}, {"REC", "E4A"}});
  CareLeaver(h, "A");
  CareLeaver(h, "B");
  EXPECT_EQ(h.Run("1002"), Found({"B OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R1003) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/06/2024"}, {"RNE", "S"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "31/05/2024"}});
  c.Add("B", "Episodes", {{"DECOM", "01/06/2024"}, {"RNE", "S"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}});
  // The first episode is a placement change (P), the care began with the later S.
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "P"}});
  c.Add("C", "Episodes", {{"DECOM", "01/07/2024"}, {"RNE", "S"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}});
  EXPECT_EQ(c.Run("1003"), Found({"A Episodes DECOM", "A PlacedAdoption DATE_PLACED", "C Episodes DECOM",
                                  "C PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R1007) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& dec) {
    c.Add(id, "Episodes", {{"DECOM", "01/01/2020"}, {"DEC", dec}});
    c.Add(id, "OC3", {{"DOB", "15/06/2007"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  };
  child("A", "");            // still looked after (an open episode counts)
  child("B", "15/06/2024");  // left on the 17th birthday
  child("C", "16/06/2024");  // left the day after
  // 19 at the end of the year: not in the rule's ages.
  c.Add("D", "Episodes", {{"DECOM", "01/01/2020"}, {"DEC", ""}});
  c.Add("D", "OC3", {{"DOB", "15/06/2005"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  EXPECT_EQ(c.Run("1007"), Found({"A OC3 IN_TOUCH", "C OC3 IN_TOUCH"}));

  // Born on 29 February: 17 on 1 March 2025 (no 29 February that year), still in care.
  RuleCase d("ssda903", 2025);
  d.Add("A", "Episodes", {{"DECOM", "01/01/2020"}, {"DEC", "02/03/2025"}});
  d.Add("A", "OC3", {{"DOB", "29/02/2008"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  d.Add("B", "Episodes", {{"DECOM", "01/01/2020"}, {"DEC", "01/03/2025"}});
  d.Add("B", "OC3", {{"DOB", "29/02/2008"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  EXPECT_EQ(d.Run("1007"), Found({"A OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R1010) {
  RuleCase c("ssda903", 2025);
  c.Provide("Episodes");
  c.Add("A", "Episodes_last", {{"DECOM", "01/01/2022"}, {"DEC", "01/02/2023"}});
  c.Add("A", "Episodes_last", {{"DECOM", "01/02/2023"}, {"DEC", ""}});
  CareLeaver(c, "A");
  c.Add("B", "Episodes_last", {{"DECOM", "01/01/2022"}, {"DEC", "01/02/2023"}});
  CareLeaver(c, "B");
  // Episodes this year: not this rule's.
  c.Add("C", "Episodes_last", {{"DECOM", "01/02/2023"}, {"DEC", ""}});
  c.Add("C", "Episodes", {{"DECOM", "01/02/2023"}, {"DEC", "01/05/2024"}});
  CareLeaver(c, "C");
  EXPECT_EQ(c.Run("1010"), Found({"A OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R1011) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "01/05/2024"}, {"REC", "X1"}});
  c.Add("A", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/06/2024"}, {"REC", "E3"}});
  CareLeaver(c, "A");
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/06/2024"}, {"REC", "E4A"}});
  c.Add("B", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "01/05/2024"}, {"REC", "E3"}});
  CareLeaver(c, "B");
  EXPECT_EQ(c.Run("1011"), Found({"A OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R1012) {
  RuleCase c("ssda903", 2025);
  CareLeaver(c, "A");
  c.Add("A", "Reviews", {{"REVIEW", "01/05/2024"}});
  c.Add("A", "OC2", {{"CONVICTED", "0"}});
  AllYear(c, "B");
  c.Add("B", "Reviews", {{"REVIEW", "01/05/2024"}});
  EXPECT_EQ(c.Run("1012"), Found({"A Reviews CHILD", "A OC2 CHILD"}));
}

TEST(Ssda903Rules, R1014) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/01/2023"}, {"DEC", "31/03/2024"}});
  c.Add("A", "UASC", {{"DUC", "01/02/2024"}});
  CareLeaver(c, "A");
  c.Add("B", "Episodes", {{"DECOM", "01/01/2023"}, {"DEC", "01/04/2024"}});  // in care on 1 April
  c.Add("B", "UASC", {{"DUC", "01/02/2024"}});
  CareLeaver(c, "B");
  // A care leaver with no episode rows at all.
  c.Add("C", "UASC", {{"DUC", "01/02/2023"}});
  CareLeaver(c, "C");
  EXPECT_EQ(c.Run("1014"), Found({"A UASC DUC", "A OC3 IN_TOUCH", "C UASC DUC", "C OC3 IN_TOUCH"}));
}

TEST(Ssda903Rules, R1016) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& dec) {
    c.Add(id, "Episodes", {{"DECOM", "01/01/2020"}, {"DEC", dec}});
    c.Add(id, "OC3", {{"DOB", "15/06/2007"}, {"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", "S"}});
  };
  child("A", "15/06/2024");  // ceased on the 17th birthday
  child("B", "14/06/2024");  // the day before
  EXPECT_EQ(c.Run("1016"), Found({"A OC3 IN_TOUCH"}));
  // First in DfE's 2023-24 rules.
  EXPECT_TRUE(HasRule(2024, "1016"));
  EXPECT_FALSE(HasRule(2023, "1016"));
}

TEST(Ssda903Rules, R117) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", ""}, {"REC", ""}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "01/04/2025"}});
  c.Add("B", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", ""}, {"REC", ""}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "31/03/2025"}});
  c.Add("C", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "10/10/2024"}, {"REC", "E11"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED", "01/06/2024"}, {"DATE_PLACED_CEASED", "11/10/2024"}});
  // The last episode ends X1 (care continues in the next, open one).
  c.Add("D", "Episodes", {{"DECOM", "01/01/2024"}, {"DEC", "10/10/2024"}, {"REC", "X1"}});
  c.Add("D", "Episodes", {{"DECOM", "10/10/2024"}, {"DEC", ""}, {"REC", ""}});
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED", "11/10/2024"}});
  // No episode: still beyond the year.
  c.Add("E", "PlacedAdoption", {{"DATE_PLACED", "01/04/2025"}});
  EXPECT_EQ(c.Run("117"), Found({"A PlacedAdoption DATE_PLACED", "A Episodes DEC",
                                 "C PlacedAdoption DATE_PLACED_CEASED", "C Episodes DEC",
                                 "E PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R118) {
  RuleCase c("ssda903", 2025);
  AllYear(c, "A");
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED_CEASED", "31/03/2024"}});
  AllYear(c, "B");
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED_CEASED", "01/04/2024"}});
  // A short break first; care begins 01/06/2024.
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "V3"}});
  c.Add("C", "Episodes", {{"DECOM", "01/06/2024"}, {"LS", "C2"}});
  c.Add("C", "PlacedAdoption", {{"DATE_PLACED_CEASED", "20/05/2024"}});
  // No episode: still before the year.
  c.Add("D", "PlacedAdoption", {{"DATE_PLACED_CEASED", "31/03/2024"}});
  EXPECT_EQ(c.Run("118"), Found({"A PlacedAdoption DATE_PLACED_CEASED", "A Episodes DECOM",
                                 "C PlacedAdoption DATE_PLACED_CEASED", "C Episodes DECOM",
                                 "D PlacedAdoption DATE_PLACED_CEASED"}));
}

TEST(Ssda903Rules, R134) {
  RuleCase c("ssda903", 2025);
  CareLeaver(c, "A");
  c.Add("A", "AD1", {{"DATE_INT", "01/05/2024"}});
  CareLeaver(c, "B", "");
  c.Add("B", "AD1", {{"DATE_INT", "01/05/2024"}});
  EXPECT_EQ(c.Run("134"), Found({"A AD1 DATE_INT"}));
}

TEST(Ssda903Rules, R151) {
  RuleCase c("ssda903", 2025);
  auto ad1 = [&](const std::string& id, std::string foster, std::string date) {
    c.Add(id, "AD1", {{"DATE_INT", date}, {"DATE_MATCH", date}, {"FOSTER_CARE", foster}, {"NB_ADOPTR", date.empty() ? "" : "1"},
                      {"SEX_ADOPTR", date.empty() ? "" : "M1"}, {"LS_ADOPTR", date.empty() ? "" : "L0"}});
  };
  ad1("A", "", "01/05/2024");
  ad1("B", "0", "01/05/2024");
  ad1("C", "", "");
  EXPECT_EQ(c.Run("151"), Found({"A AD1 FOSTER_CARE"}));
}

TEST(Ssda903Rules, R153) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC3", {{"IN_TOUCH", "YES"}, {"ACTIV", "F2"}, {"ACCOM", " "}});
  CareLeaver(c, "B");
  CareLeaver(c, "C", "");
  EXPECT_EQ(c.Run("153"), Found({"A OC3 ACCOM"}));
}

TEST(Ssda903Rules, R157) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& dob, const std::string& reason) {
    AllYear(c, id);
    c.Add(id, "OC2", {{"DOB", dob}, {"SDQ_SCORE", ""}, {"SDQ_REASON", reason}});
  };
  child("A", "01/04/2015", "SDQ1");
  child("B", "01/04/2008", "SDQ1");  // 16 at the end of the year
  child("C", "31/03/2008", "SDQ1");  // 17 on 31 March
  child("D", "01/04/2015", "SDQ2");
  FromJune(c, "E");  // not looked after all year
  c.Add("E", "OC2", {{"DOB", "01/04/2015"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", "SDQ1"}});
  EXPECT_EQ(c.Run("157"), Found({"A OC2 SDQ_REASON", "B OC2 SDQ_REASON"}));
}

TEST(Ssda903Rules, R158) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"INTERVENTION_RECEIVED", "1"}, {"INTERVENTION_OFFERED", "0"}});
  c.Add("B", "OC2", {{"INTERVENTION_RECEIVED", "1"}, {"INTERVENTION_OFFERED", ""}});
  c.Add("C", "OC2", {{"INTERVENTION_RECEIVED", "0"}, {"INTERVENTION_OFFERED", "1"}});
  EXPECT_EQ(c.Run("158"), Found({"A OC2 INTERVENTION_OFFERED"}));
}

TEST(Ssda903Rules, R159) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"SUBSTANCE_MISUSE", "1"}, {"INTERVENTION_RECEIVED", "0"}, {"INTERVENTION_OFFERED", ""}});
  c.Add("B", "OC2", {{"SUBSTANCE_MISUSE", "1"}, {"INTERVENTION_RECEIVED", "0"}, {"INTERVENTION_OFFERED", "1"}});
  c.Add("C", "OC2", {{"SUBSTANCE_MISUSE", "0"}, {"INTERVENTION_RECEIVED", "0"}, {"INTERVENTION_OFFERED", ""}});
  EXPECT_EQ(c.Run("159"), Found({"A OC2 INTERVENTION_OFFERED"}));
}

TEST(Ssda903Rules, R165) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  AllYear(c, "A");
  c.Add("B", "Header", {{"SEX", "M"}, {"MOTHER", "0"}});
  AllYear(c, "B");
  c.Add("C", "Header", {{"SEX", "F"}, {"MOTHER", "2"}});
  AllYear(c, "C");
  // A care leaver with no episode this year may leave MOTHER blank.
  c.Add("D", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  CareLeaver(c, "D");
  c.Add("E", "Header", {{"SEX", "F"}, {"MOTHER", "0"}});
  AllYear(c, "E");
  c.Add("F", "Header", {{"SEX", "M"}, {"MOTHER", ""}});
  AllYear(c, "F");
  // Short breaks only: MOTHER is not required (rule 399 forbids it; D2I drops V3/V4).
  c.Add("G", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("G", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "V3"}, {"DEC", "03/05/2024"}});
  // A care leaver whose care ended before the year may give MOTHER.
  c.Add("H", "Header", {{"SEX", "F"}, {"MOTHER", "1"}});
  c.Add("H", "Episodes", {{"DECOM", "01/01/2020"}, {"LS", "C2"}, {"DEC", "01/01/2024"}});
  CareLeaver(c, "H");
  // Short breaks and a care episode in the year: MOTHER is required.
  c.Add("I", "Header", {{"SEX", "F"}, {"MOTHER", ""}});
  c.Add("I", "Episodes", {{"DECOM", "01/05/2024"}, {"LS", "V3"}, {"DEC", "03/05/2024"}});
  c.Add("I", "Episodes", {{"DECOM", "01/06/2024"}, {"LS", "C2"}, {"DEC", ""}});
  EXPECT_EQ(c.Run("165"), Found({"A Header MOTHER", "B Header MOTHER", "C Header MOTHER", "I Header MOTHER"}));
}

TEST(Ssda903Rules, R165_SexCodesBefore2025) {
  RuleCase c("ssda903", 2024);
  c.Add("A", "Header", {{"SEX", "1"}, {"MOTHER", "0"}});
  AllYear(c, "A");
  c.Add("B", "Header", {{"SEX", "2"}, {"MOTHER", "0"}});
  AllYear(c, "B");
  EXPECT_EQ(c.Run("165"), Found({"A Header MOTHER"}));
}

TEST(Ssda903Rules, R171) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MC_DOB", "31/02/2024"}});
  c.Add("B", "Header", {{"MC_DOB", "29/02/2024"}});
  c.Add("C", "Header", {{"MC_DOB", ""}});
  EXPECT_EQ(c.Run("171"), Found({"A Header MC_DOB"}));
}

TEST(Ssda903Rules, R174) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "M"}, {"MC_DOB", "01/05/2024"}});
  c.Add("B", "Header", {{"SEX", "F"}, {"MC_DOB", "01/05/2024"}});
  c.Add("C", "Header", {{"SEX", "M"}, {"MC_DOB", ""}});
  EXPECT_EQ(c.Run("174"), Found({"A Header MC_DOB"}));
}

TEST(Ssda903Rules, R174_GenderCodesUpTo2024) {
  RuleCase c("ssda903", 2024);
  c.Add("A", "Header", {{"SEX", "1"}, {"MC_DOB", "01/05/2023"}});
  c.Add("B", "Header", {{"SEX", "M"}, {"MC_DOB", "01/05/2023"}});
  EXPECT_EQ(c.Run("174"), Found({"A Header MC_DOB"}));
}

TEST(Ssda903Rules, R182) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"CONVICTED", "0"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", ""}, {"HEALTH_ASSESSMENT", "1"},
                     {"SUBSTANCE_MISUSE", "0"}});
  c.Add("B", "OC2", {{"CONVICTED", "0"}, {"IMMUNISATIONS", "1"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"},
                     {"SUBSTANCE_MISUSE", "0"}});
  c.Add("C", "OC2", {{"CONVICTED", ""}, {"IMMUNISATIONS", ""}, {"TEETH_CHECK", ""}, {"HEALTH_ASSESSMENT", ""},
                     {"SUBSTANCE_MISUSE", ""}});
  EXPECT_EQ(c.Run("182"), Found({"A OC2 TEETH_CHECK"}));
}

TEST(Ssda903Rules, R184) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"DOB", "10/05/2020"}});
  c.Add("A", "PlacedAdoption", {{"DATE_PLACED", "09/05/2020"}});
  c.Add("B", "Header", {{"DOB", "10/05/2020"}});
  c.Add("B", "PlacedAdoption", {{"DATE_PLACED", "10/05/2020"}});
  EXPECT_EQ(c.Run("184"), Found({"A PlacedAdoption DATE_PLACED"}));
}

TEST(Ssda903Rules, R185) {
  RuleCase c("ssda903", 2025);
  FromJune(c, "A");
  c.Add("A", "OC2", {{"SDQ_SCORE", "10"}});
  // Care starting on 1 April covers the 12 months.
  c.Add("B", "Episodes", {{"DECOM", "01/04/2024"}, {"RNE", "S"}, {"LS", "C2"}});
  c.Add("B", "OC2", {{"SDQ_SCORE", "10"}});
  // Left care on 31 March: not looked after at 31 March.
  c.Add("C", "Episodes", {{"DECOM", "01/01/2020"}, {"RNE", "S"}, {"LS", "C2"}, {"DEC", "31/03/2025"}, {"REC", "E4A"}});
  c.Add("C", "OC2", {{"SDQ_SCORE", "10"}});
  // A short break in the year.
  AllYear(c, "D");
  c.Add("D", "Episodes", {{"DECOM", "01/05/2024"}, {"RNE", "S"}, {"LS", "V3"}, {"DEC", "03/05/2024"}, {"REC", "E13"}});
  c.Add("D", "OC2", {{"SDQ_SCORE", "10"}});
  EXPECT_EQ(c.Run("185"), Found({"A OC2 SDQ_SCORE", "C OC2 SDQ_SCORE", "D OC2 SDQ_SCORE"}));
}

TEST(Ssda903Rules, R186) {
  RuleCase c("ssda903", 2025);
  AllYear(c, "A");
  c.Add("A", "OC2", {{"DOB", "01/04/2020"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", ""}});  // 4 on 1 April
  AllYear(c, "B");
  c.Add("B", "OC2", {{"DOB", "02/04/2020"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", ""}});
  AllYear(c, "C");
  c.Add("C", "OC2", {{"DOB", "01/04/2015"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", "SDQ2"}});
  FromJune(c, "D");
  c.Add("D", "OC2", {{"DOB", "01/04/2015"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", ""}});
  EXPECT_EQ(c.Run("186"), Found({"A OC2 SDQ_SCORE"}));
}

TEST(Ssda903Rules, R187) {
  RuleCase c("ssda903", 2025);
  AllYear(c, "A");
  c.Add("A", "AD1", {{"DATE_INT", "01/05/2024"}});
  CareLeaver(c, "A");
  FromJune(c, "B");
  c.Add("B", "AD1", {{"DATE_INT", "01/05/2024"}});
  CareLeaver(c, "B");
  AllYear(c, "C");
  c.Add("C", "AD1", {{"DATE_INT", ""}});
  EXPECT_EQ(c.Run("187"), Found({"A AD1 DATE_INT", "A OC3 IN_TOUCH"}));

  // A return without OC3 still has its AD1 checked.
  RuleCase d("ssda903", 2025);
  AllYear(d, "A");
  d.Add("A", "AD1", {{"DATE_INT", "01/05/2024"}});
  EXPECT_EQ(d.Run("187"), Found({"A AD1 DATE_INT"}));
}

TEST(Ssda903Rules, R188) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"DOB", "01/04/2021"}, {"SDQ_SCORE", ""}, {"SDQ_REASON", "SDQ2"}});
  c.Add("B", "OC2", {{"DOB", "31/03/2021"}, {"SDQ_SCORE", "5"}, {"SDQ_REASON", ""}});  // 4 on 31 March
  EXPECT_EQ(c.Run("188"), Found({"A OC2 SDQ_REASON"}));
}

TEST(Ssda903Rules, R189) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"DOB", "01/04/2007"}, {"SDQ_SCORE", "12"}, {"SDQ_REASON", ""}});  // 17 on 1 April
  c.Add("B", "OC2", {{"DOB", "02/04/2007"}, {"SDQ_SCORE", "12"}, {"SDQ_REASON", ""}});
  EXPECT_EQ(c.Run("189"), Found({"A OC2 SDQ_SCORE"}));
}

TEST(Ssda903Rules, R190) {
  RuleCase c("ssda903", 2025);
  FromJune(c, "A");
  c.Add("A", "OC2", {{"CONVICTED", ""}, {"IMMUNISATIONS", "1"}});
  AllYear(c, "B");
  c.Add("B", "OC2", {{"CONVICTED", ""}, {"IMMUNISATIONS", "1"}});
  FromJune(c, "C");
  c.Add("C", "OC2", {{"CONVICTED", ""}, {"IMMUNISATIONS", ""}});
  EXPECT_EQ(c.Run("190"), Found({"A OC2 IMMUNISATIONS"}));
}

TEST(Ssda903Rules, R191) {
  RuleCase c("ssda903", 2025);
  AllYear(c, "A");
  c.Add("A", "OC2", {{"IMMUNISATIONS", "1"}, {"TEETH_CHECK", ""}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "0"}});
  AllYear(c, "B");  // no OC2 row
  FromJune(c, "C");
  AllYear(c, "D");
  c.Add("D", "OC2", {{"IMMUNISATIONS", "1"}, {"TEETH_CHECK", "1"}, {"HEALTH_ASSESSMENT", "1"}, {"SUBSTANCE_MISUSE", "0"}});
  // First looked after in May, though its first episode's RNE is P not S: not 12 months.
  c.Add("E", "Episodes", {{"DECOM", "05/05/2024"}, {"RNE", "P"}, {"LS", "V2"}});
  EXPECT_EQ(c.Run("191"), Found({"A OC2 TEETH_CHECK", "B Episodes CHILD"}));
}

TEST(Ssda903Rules, R192) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"SUBSTANCE_MISUSE", "1"}, {"INTERVENTION_RECEIVED", ""}});
  c.Add("B", "OC2", {{"SUBSTANCE_MISUSE", "1"}, {"INTERVENTION_RECEIVED", "0"}});
  c.Add("C", "OC2", {{"SUBSTANCE_MISUSE", "0"}, {"INTERVENTION_RECEIVED", ""}});
  EXPECT_EQ(c.Run("192"), Found({"A OC2 INTERVENTION_RECEIVED"}));
}

TEST(Ssda903Rules, R193) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"SUBSTANCE_MISUSE", ""}, {"INTERVENTION_RECEIVED", ""}, {"INTERVENTION_OFFERED", "1"}});
  c.Add("B", "OC2", {{"SUBSTANCE_MISUSE", "0"}, {"INTERVENTION_RECEIVED", "1"}, {"INTERVENTION_OFFERED", ""}});
  c.Add("C", "OC2", {{"SUBSTANCE_MISUSE", "1"}, {"INTERVENTION_RECEIVED", "0"}, {"INTERVENTION_OFFERED", "1"}});
  c.Add("D", "OC2", {{"SUBSTANCE_MISUSE", "0"}, {"INTERVENTION_RECEIVED", ""}, {"INTERVENTION_OFFERED", ""}});
  EXPECT_EQ(c.Run("193"), Found({"A OC2 INTERVENTION_OFFERED", "B OC2 INTERVENTION_RECEIVED"}));
}

TEST(Ssda903Rules, R197B) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& dob) {
    AllYear(c, id);
    c.Add(id, "OC2", {{"DOB", dob}, {"SDQ_SCORE", ""}, {"SDQ_REASON", ""}});
  };
  child("A", "31/03/2021");  // 4 on 31 March
  child("B", "01/04/2021");  // 4 the day after the year
  child("C", "01/04/2007");  // 17 on 1 April
  child("D", "31/03/2007");  // 17 the day before the year
  EXPECT_EQ(c.Run("197B"), Found({"A OC2 SDQ_REASON", "C OC2 SDQ_REASON"}));
}

TEST(Ssda903Rules, R197a) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "OC2", {{"SDQ_SCORE", "20"}, {"SDQ_REASON", "SDQ1"}});
  c.Add("B", "OC2", {{"SDQ_SCORE", "20"}, {"SDQ_REASON", ""}});
  EXPECT_EQ(c.Run("197a"), Found({"A OC2 SDQ_REASON"}));
}

TEST(Ssda903Rules, R198) {
  RuleCase c("ssda903", 2025);
  FromJune(c, "A");
  c.Add("A", "OC2", {{"SDQ_REASON", "SDQ2"}});
  AllYear(c, "B");
  c.Add("B", "OC2", {{"SDQ_REASON", "SDQ2"}});
  EXPECT_EQ(c.Run("198"), Found({"A OC2 SDQ_REASON"}));
}

TEST(Ssda903Rules, R199) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Episodes_last", {{"DECOM", "01/01/2023"}, {"DEC", "01/06/2023"}, {"REC", "E11"}});
  c.Add("A", "Episodes", {{"DECOM", "01/01/2025"}, {"DEC", ""}, {"REC", ""}});
  // Adopted this year, nothing after: the adoption episode itself is fine.
  c.Add("B", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/07/2024"}, {"REC", "E12"}});
  c.Add("C", "Episodes", {{"DECOM", "01/05/2024"}, {"DEC", "01/07/2024"}, {"REC", "E11"}});
  c.Add("C", "Episodes", {{"DECOM", "01/09/2024"}, {"DEC", ""}, {"REC", ""}});
  EXPECT_EQ(c.Run("199"), Found({"A Episodes CHILD", "C Episodes CHILD"}));
}

TEST(Ssda903Rules, R202) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"SEX", "M"}});
  c.Add("A", "Header_last", {{"SEX", "1"}});  // the same sex in 2023-24's codes
  c.Add("B", "Header", {{"SEX", "F"}});
  c.Add("B", "Header_last", {{"SEX", "1"}});
  c.Add("C", "Header", {{"SEX", "F"}});  // not in last year's return
  EXPECT_EQ(c.Run("202"), Found({"B Header SEX"}));
}

TEST(Ssda903Rules, R203) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"DOB", "02/05/2015"}});
  c.Add("A", "Header_last", {{"DOB", "01/05/2015"}});
  c.Add("B", "Header", {{"DOB", "01/05/2015"}});
  c.Add("B", "Header_last", {{"DOB", "01/05/2015"}});
  EXPECT_EQ(c.Run("203"), Found({"A Header DOB"}));
}

TEST(Ssda903Rules, R204) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"ETHNIC", "WBRI"}});
  c.Add("A", "Header_last", {{"ETHNIC", "WIRI"}});
  c.Add("B", "Header", {{"ETHNIC", "WBRI"}});
  c.Add("B", "Header_last", {{"ETHNIC", "wbri"}});
  EXPECT_EQ(c.Run("204"), Found({"A Header ETHNIC"}));
}

TEST(Ssda903Rules, R205A) {
  RuleCase c("ssda903", 2025);
  c.Provide("UASC");
  c.Add("A", "Header", {{"UASC", "0"}});
  c.Add("A", "Header_last", {{"UASC", "1"}});
  c.Add("A", "UASC_last", {{"DUC", "10/10/2023"}});  // ceased last year
  c.Add("B", "Header", {{"UASC", "0"}});
  c.Add("B", "Header_last", {{"UASC", "1"}});
  c.Add("B", "UASC_last", {{"DUC", "31/03/2023"}});  // the day before last year
  c.Add("C", "Header", {{"UASC", "0"}});
  c.Add("C", "UASC", {{"DUC", "10/10/2023"}});  // a DUC this year too
  c.Add("C", "Header_last", {{"UASC", "1"}});
  c.Add("C", "UASC_last", {{"DUC", "10/10/2023"}});
  EXPECT_EQ(c.Run("205A"), Found({"B Header UASC", "C Header UASC", "C UASC CHILD"}));
}

TEST(Ssda903Rules, R205B) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& duc_last, const std::string& duc) {
    c.Add(id, "Header", {{"UASC", "1"}});
    c.Add(id, "UASC", {{"DOB", "10/10/2008"}, {"DUC", duc}});
    c.Add(id, "Header_last", {{"UASC", "1"}});
    c.Add(id, "UASC_last", {{"DOB", "10/10/2008"}, {"DUC", duc_last}});
  };
  child("A", "10/10/2026", "10/10/2026");  // the 18th birthday both years
  child("B", "09/10/2026", "09/10/2026");  // not the 18th birthday
  child("C", "10/10/2026", "11/10/2026");  // this year's neither last year's nor in this year
  child("D", "10/10/2026", "01/03/2025");  // ceased in this year
  EXPECT_EQ(c.Run("205B"), Found({"B Header UASC", "B UASC DUC", "C Header UASC", "C UASC DUC"}));
}

TEST(Ssda903Rules, R205C) {
  RuleCase c("ssda903", 2025);
  c.Provide("UASC_last");
  c.Add("A", "Header", {{"UASC", "0"}});
  c.Add("A", "UASC", {{"DUC", "01/05/2024"}});
  c.Add("A", "Header_last", {{"UASC", "0"}});
  c.Add("B", "Header", {{"UASC", "1"}});
  c.Add("B", "UASC", {{"DUC", "01/05/2024"}});
  c.Add("B", "Header_last", {{"UASC", "0"}});
  c.Add("C", "Header", {{"UASC", "0"}});
  c.Add("C", "UASC", {{"DUC", ""}});
  c.Add("C", "Header_last", {{"UASC", "0"}});
  EXPECT_EQ(c.Run("205C"), Found({"A Header UASC", "A UASC DUC"}));
}

TEST(Ssda903Rules, R205D) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"UASC", "1"}});
  c.Add("A", "Header_last", {{"UASC", "0"}});
  c.Add("B", "Header", {{"UASC", "1"}});
  c.Add("B", "Header_last", {{"UASC", "1"}});
  c.Add("C", "Header", {{"UASC", "1"}});  // not in last year's return
  EXPECT_EQ(c.Run("205D"), Found({"A Header UASC"}));

  // CSV: the UASC tables say who is UASC.
  RuleCase d("ssda903", 2025);
  d.Provide("UASC_last");
  d.Add("A", "Header", {{"SEX", "M"}});
  d.Add("A", "UASC", {{"DUC", "01/05/2026"}});
  d.Add("A", "Header_last", {{"SEX", "1"}});
  d.Add("B", "Header", {{"SEX", "M"}});
  d.Add("B", "UASC", {{"DUC", "01/05/2026"}});
  d.Add("B", "Header_last", {{"SEX", "1"}});
  d.Add("B", "UASC_last", {{"DUC", "01/05/2026"}});
  EXPECT_EQ(d.Run("205D"), Found({"A Header UASC"}));
}

TEST(Ssda903Rules, R207) {
  RuleCase c("ssda903", 2025);
  c.Add("A", "Header", {{"MOTHER", "0"}});
  c.Add("A", "Header_last", {{"MOTHER", "1"}});
  AllYear(c, "A");
  c.Add("B", "Header", {{"MOTHER", "0"}});  // no episode this year
  c.Add("B", "Header_last", {{"MOTHER", "1"}});
  c.Add("C", "Header", {{"MOTHER", "1"}});
  c.Add("C", "Header_last", {{"MOTHER", "0"}});
  AllYear(c, "C");
  EXPECT_EQ(c.Run("207"), Found({"A Header MOTHER"}));
}

TEST(Ssda903Rules, R208) {
  RuleCase c("ssda903", 2025);
  auto child = [&](const std::string& id, const std::string& last, const std::string& now) {
    c.Add(id, "Header", {{"UPN", now}});
    c.Add(id, "Header_last", {{"UPN", last}});
  };
  child("A", "UN1", "UN3");                       // a later unknown reason
  child("B", "A123456789012", "A123456789013");  // another UPN
  child("C", "UN2", "A123456789012");             // now known
  child("D", "", "UN1");                          // blank, then unknown
  child("E", "A123456789012", "");                // known, then blank
  child("F", "UN3", "UN2");                       // one unknown for another
  child("G", "a123456789012", "A123456789012");   // the same UPN
  EXPECT_EQ(c.Run("208"), Found({"B Header UPN", "E Header UPN", "F Header UPN"}));
}

}  // namespace
}  // namespace carestat::validation
