// Each CIN census rule: the valid baseline passes it, and one change breaks it.
#include <gtest/gtest.h>

#include <sstream>

#include "services/ingestion/formats/cin_census.h"
#include "services/ingestion/formats/codes.h"
#include "tests/unit/ingestion/test_sink.h"

namespace carestat {
namespace {

// A child valid against every rule: referral 1 May 2015, assessment, S47 with ICPC
// on 1 June, a plan starting that day and ended, a closed episode, census 2016.
struct Parts {
  std::string ref = "2016-03-31";
  std::string upn = "<UPN>A950000178301</UPN>";
  std::string sex = "<Sex>1</Sex>";
  std::string birth = "2010-05-01";
  std::string ethnicity = "WBRI";
  std::string referral = "2015-05-01";
  std::string source = "5A";
  std::string need = "N1";
  std::string closure = "<CINclosureDate>2016-02-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>";
  std::string assessment =
      "<Assessments><AssessmentActualStartDate>2015-05-02</AssessmentActualStartDate>"
      "<AssessmentAuthorisationDate>2015-06-10</AssessmentAuthorisationDate>"
      "<FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors>"
      "<AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>";
  std::string s47 =
      "<Section47><S47ActualStartDate>2015-05-10</S47ActualStartDate><DateOfInitialCPC>2015-06-01"
      "</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>";
  std::string plans =
      "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate><CPPendDate>2016-01-15</CPPendDate>"
      "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
      "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>";
  std::string more_episodes;
  std::string more_children;

  std::string Xml() const {
    return "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year><ReferenceDate>" +
           ref + "</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header><Children>\n"
           "<Child><ChildIdentifiers><LAchildID>K1</LAchildID>" + upn + "<PersonBirthDate>" + birth +
           "</PersonBirthDate>" + sex + "</ChildIdentifiers><ChildCharacteristics><Ethnicity>" + ethnicity +
           "</Ethnicity></ChildCharacteristics>\n<CINdetails><CINreferralDate>" + referral +
           "</CINreferralDate><ReferralSource>" + source + "</ReferralSource><PrimaryNeedCode>" + need +
           "</PrimaryNeedCode>" + closure + "<ReferralNFA>false</ReferralNFA>\n" + assessment + "\n" + s47 + "\n" +
           plans + "\n</CINdetails>\n" + more_episodes + "</Child>\n" + more_children + "</Children></Message>\n";
  }
};

CollectingSink Parse(const Parts& p) {
  std::istringstream in(p.Xml());
  CollectingSink sink;
  EXPECT_TRUE(ParseCinCensus(in, "cin.xml", sink).ok());
  return sink;
}

TEST(CinRulesTest, BaselineBreaksNoRule) {
  auto sink = Parse(Parts());
  EXPECT_TRUE(sink.issues.empty()) << sink.AllMessages();
  int flagged = 0;
  for (const auto& [r, id] : sink.records) flagged += r.has_error();
  EXPECT_EQ(flagged, 0);
  EXPECT_EQ(sink.records.size(), 5u);  // child, referral, assessment, S47, plan
}

struct Case {
  const char* rule;
  std::function<void(Parts&)> breaks;
};

class CinRuleCase : public testing::TestWithParam<Case> {};

TEST_P(CinRuleCase, TheChangeBreaksTheRuleAndFlagsTheRecord) {
  Parts p;
  GetParam().breaks(p);
  auto sink = Parse(p);
  EXPECT_TRUE(sink.HasRule(GetParam().rule)) << GetParam().rule << " not reported:\n" << sink.AllMessages();
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  bool flagged = false;
  for (const auto& [r, id] : sink.records) {
    for (const auto& rule : r.issue_rules()) flagged = flagged || rule == GetParam().rule;
  }
  if (std::string(GetParam().rule) != "100") EXPECT_TRUE(flagged) << GetParam().rule << " flags no record";
  for (const auto& i : sink.issues) {
    if (i.rule() == GetParam().rule && std::string(GetParam().rule) != "100") {
      EXPECT_EQ(i.child(), "K1");
      EXPECT_GT(i.line(), 1);
      EXPECT_FALSE(i.field().empty());
    }
  }
}

const Case kCases[] = {
    {"100", [](Parts& p) { p.ref = "2016-03-28"; }},
    {"1103", [](Parts& p) { p.referral = "2015-05-03"; p.s47 = ""; p.plans = ""; }},
    {"1104", [](Parts& p) { p.referral = "2015-06-02"; p.assessment = ""; p.plans = ""; }},
    {"1105", [](Parts& p) { p.referral = "2015-06-02"; p.assessment = ""; p.s47 = ""; }},
    {"1510", [](Parts& p) { p.upn = "<UPN>R247962919251</UPN>"; }},
    {"1540", [](Parts& p) { p.upn = "<UPN>A9500001X8301</UPN>"; }},
    {"1550", [](Parts& p) { p.upn = "<UPN>A95000017830!</UPN>"; }},
    {"2885", [](Parts& p) {
       p.plans.replace(p.plans.find("2015-06-01"), 10, "2015-06-02");
     }},
    {"4180", [](Parts& p) { p.sex = ""; }},
    {"4220", [](Parts& p) { p.ethnicity = "XXXX"; }},
    {"8510", [](Parts& p) {
       p.more_children = "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><Sex>2</Sex></ChildIdentifiers>"
                         "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics></Child>\n";
     }},
    {"8520", [](Parts& p) { p.birth = "2016-04-01"; }},
    {"8600", [](Parts& p) { p.referral = "2016-04-01"; p.closure = ""; p.assessment = p.s47 = p.plans = ""; }},
    {"8620", [](Parts& p) { p.closure = "<CINclosureDate>2016-04-02</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"; }},
    {"8630", [](Parts& p) {
       p.referral = "2015-05-01";
       p.closure = "<CINclosureDate>2015-04-20</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>";
     }},
    {"8640", [](Parts& p) { p.closure = "<CINclosureDate>2016-02-01</CINclosureDate><ReasonForClosure>RC0</ReasonForClosure>"; }},
    {"8650", [](Parts& p) { p.need = "AA"; }},
    {"8820", [](Parts& p) {
       p.more_episodes = "<CINdetails><CINreferralDate>2015-12-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
                         "<PrimaryNeedCode>N1</PrimaryNeedCode></CINdetails>\n";
     }},
    {"8839", [](Parts& p) {
       p.s47 = "<Section47><S47ActualStartDate>2015-05-10</S47ActualStartDate></Section47>"
               "<Section47><S47ActualStartDate>2015-05-20</S47ActualStartDate></Section47>"
               "<Section47><S47ActualStartDate>2015-05-10</S47ActualStartDate><DateOfInitialCPC>2015-06-01"
               "</DateOfInitialCPC></Section47>";
     }},
    {"8840", [](Parts& p) { p.plans.replace(p.plans.find("2016-01-15"), 10, "2015-06-01"); }},
    {"8866", [](Parts& p) { p.source = "99"; }},
    {"8869", [](Parts& p) {
       p.assessment.replace(p.assessment.find(">2B<"), 4, ">21<");
     }},
    {"8898", [](Parts& p) { p.assessment.replace(p.assessment.find(">2B<"), 4, ">1A<"); }},
    {"8614", [](Parts& p) {
       p.assessment.replace(p.assessment.find("<AssessmentAuthorisationDate>"), 57, "");
     }},
    {"8905", [](Parts& p) { p.plans.replace(p.plans.find(">EMO<"), 5, ">BAD<"); }},
    {"8910", [](Parts& p) { p.plans.replace(p.plans.find(">NEG<"), 5, "><"); }},
    {"8935", [](Parts& p) {
       p.plans = "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate><InitialCategoryOfAbuse>EMO"
                 "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse></ChildProtectionPlans>"
                 "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate><InitialCategoryOfAbuse>EMO"
                 "</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse></ChildProtectionPlans>";
       p.closure = "";
     }},
    {"8940", [](Parts& p) {
       p.plans += "<ChildProtectionPlans><CPPstartDate>2015-09-01</CPPstartDate><CPPendDate>2015-12-01</CPPendDate>"
                  "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO"
                  "</LatestCategoryOfAbuse></ChildProtectionPlans>";
     }},
    {"dates", [](Parts& p) {
       p.assessment.replace(p.assessment.find("2015-05-02"), 10, "2016-04-05");
     }},
};

INSTANTIATE_TEST_SUITE_P(AllRules, CinRuleCase, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& info) { return std::string("rule_") + info.param.rule; });

TEST(CinRulesTest, MissingLaChildIdIsFatal8500) {
  Parts p;
  p.more_children = "<Child><ChildIdentifiers><Sex>1</Sex></ChildIdentifiers></Child>\n";
  auto sink = Parse(p);
  EXPECT_TRUE(sink.HasRule("8500"));
  EXPECT_GT(sink.fatal, 0);
}

TEST(CinRulesTest, UpnCheckLetter) {
  // Vectors whose check letters follow the DfE UPN specification by hand.
  EXPECT_EQ(UpnProblem("A950000178301"), "");
  EXPECT_EQ(UpnProblem("H243278544154"), "");
  EXPECT_EQ(UpnProblem("R247962919251").substr(0, 4), "1510");
  EXPECT_EQ(UpnProblem("A95000017830").substr(0, 4), "1510");
  EXPECT_EQ(UpnProblem("A9500001783 1").substr(0, 4), "1540");
}

TEST(CinRulesTest, BackToBackPlansDoNotOverlap) {
  Parts p;
  p.closure = "";
  p.plans += "<ChildProtectionPlans><CPPstartDate>2016-01-15</CPPstartDate>"
             "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO"
             "</LatestCategoryOfAbuse></ChildProtectionPlans>";
  auto sink = Parse(p);
  EXPECT_FALSE(sink.HasRule("8940")) << sink.AllMessages();
  EXPECT_FALSE(sink.HasRule("8935"));
}

}  // namespace
}  // namespace carestat
