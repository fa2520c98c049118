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
  std::string year = "2016";
  std::string upn = "<UPN>G301000017830</UPN>";  // LA 301, check letter G
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
    return "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>" + year + "</Year><ReferenceDate>" +
           ref + "</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header><Children>\n"
           "<Child><ChildIdentifiers><LAchildID>K1</LAchildID>" + upn + "<PersonBirthDate>" + birth +
           "</PersonBirthDate>" + sex + "</ChildIdentifiers><ChildCharacteristics><Ethnicity>" + ethnicity +
           "</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>\n<CINdetails><CINreferralDate>" + referral +
           "</CINreferralDate><ReferralSource>" + source + "</ReferralSource><PrimaryNeedCode>" + need +
           "</PrimaryNeedCode>" + closure + "<ReferralNFA>false</ReferralNFA>\n" + assessment + "\n" + s47 + "\n" +
           plans + "\n</CINdetails>\n" + more_episodes + "</Child>\n" + more_children + "</Children></Message>\n";
  }
};

// The return-level queries on proportions and counts across all children (2886Q no sex
// recorded, 2887Q fewer than 8 disability codes, 2888Q one code per child) are left out:
// a one-child test census always trips 2887Q. `engine` false: the parser's own rules only.
CollectingSink Parse(const Parts& p, bool engine = true) {
  std::istringstream in(p.Xml());
  CollectingSink sink;
  sink.engine_rules = engine;
  EXPECT_TRUE(ParseCinCensus(in, "cin.xml", sink).ok());
  std::erase_if(sink.issues, [](const v1::ValidationIssue& i) {
    return i.rule() == "2886Q" || i.rule() == "2887Q" || i.rule() == "2888Q";
  });
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
  if (std::string(GetParam().rule) != "100") {
    EXPECT_TRUE(flagged) << GetParam().rule << " flags no record";
  }
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
    {"100", [](Parts& p) { p.year = "2017"; }},  // ReferenceDate 2016-03-31, Year 2017
    {"1510", [](Parts& p) { p.upn = "<UPN>A301000017830</UPN>"; }},
    {"1530", [](Parts& p) { p.upn = "<UPN>J999000017830</UPN>"; }},  // 999 is no LA code; check letter right
    {"1540", [](Parts& p) { p.upn = "<UPN>G3010000X7830</UPN>"; }},
    {"1550", [](Parts& p) { p.upn = "<UPN>G30100001783!</UPN>"; }},
    {"upn-length", [](Parts& p) { p.upn = "<UPN>G30100001783</UPN>"; }},
    {"2885", [](Parts& p) {
       p.plans.replace(p.plans.find("2015-06-01"), 10, "2015-06-02");
     }},
    {"4180", [](Parts& p) { p.sex = ""; }},
    {"4180", [](Parts& p) { p.sex = "<Sex>X</Sex>"; }},
    {"4180", [](Parts& p) { p.sex = "<GenderCurrent>m</GenderCurrent>"; }},
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
    {"8866", [](Parts& p) { p.source = ""; p.referral = "2013-04-01"; }},
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
                         [](const testing::TestParamInfo<Case>& info) {
                           std::string name = std::string("rule_") + info.param.rule + "_" + std::to_string(info.index);
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(CinRulesTest, MissingLaChildIdIs8500AndLeavesOutThatChildOnly) {
  // DfE 8500: LAchildID must be present. The child cannot be keyed: it is reported and
  // left out, and the child before it is read as ever.
  Parts p;
  p.more_children = "<Child><ChildIdentifiers><Sex>1</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI"
                    "</Ethnicity></ChildCharacteristics></Child>\n";
  // The engine's rules (that child has no birth date and no episode either) are tested
  // in tests/unit/validation; here, the parser's 8500.
  auto sink = Parse(p, false);
  EXPECT_EQ(sink.fatal, 0) << sink.AllMessages();
  ASSERT_EQ(sink.issues.size(), 1u) << sink.AllMessages();
  EXPECT_EQ(sink.issues[0].rule(), "8500");
  EXPECT_EQ(sink.issues[0].field(), "LAchildID");
  EXPECT_EQ(sink.issues[0].line(), 9);
  EXPECT_EQ(sink.issues[0].message(), "cin.xml line 9: LA Child ID missing (LAchildID), so this child is left out "
                                      "(rule 8500)");
  EXPECT_EQ(sink.records.size(), 5u);  // the baseline child's five records
  for (const auto& [r, id] : sink.records) EXPECT_EQ(id, "K1");
  // An empty element is missing too; near miss: the baseline's K1 passes.
  p.more_children = "<Child><ChildIdentifiers><LAchildID></LAchildID><Sex>1</Sex></ChildIdentifiers>"
                    "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics></Child>\n";
  EXPECT_TRUE(Parse(p).HasRule("8500"));
  EXPECT_FALSE(Parse(Parts()).HasRule("8500"));
}

TEST(CinRulesTest, UpnCheckLetter) {
  // Vectors whose check letters follow the DfE UPN specification by hand.
  EXPECT_EQ(UpnProblem("G301000017830"), "");
  EXPECT_EQ(UpnProblem("W301000017831"), "");
  EXPECT_EQ(UpnProblem("F301000017830").substr(0, 4), "1510");
  EXPECT_EQ(UpnProblem("G3010000178 0").substr(0, 4), "1540");
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


// Near misses: the change a rule must let through, beside the one that breaks it.

const char* kOpenPlanEmo =
    "<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
    "</ChildProtectionPlans>";

TEST(CinRulesTest, Rule1530TakesDfeLaAndPseudoLaCodesOnly) {
  // DfE's rule 1530 list: the ends of its ranges pass, the codes just outside fail.
  for (const char* ok : {"001", "005", "201", "213", "301", "320", "420", "660", "681", "701", "708", "815", "816",
                         "838", "839", "865", "896", "933", "935", "938", "940", "941"}) {
    EXPECT_TRUE(IsUpnLaCode(ok)) << ok;
  }
  for (const char* bad : {"000", "006", "200", "214", "321", "419", "421", "659", "682", "709", "804", "814", "817",
                          "897", "934", "939", "944", "999", "30", "3010", "30A"}) {
    EXPECT_FALSE(IsUpnLaCode(bad)) << bad;
  }
  // 942 and 943 (Cumberland, Westmorland and Furness) enter DfE's list in 2023-24.
  EXPECT_FALSE(IsUpnLaCode("942", 2023));
  EXPECT_TRUE(IsUpnLaCode("942", 2024));
  EXPECT_TRUE(IsUpnLaCode("943", 2026));
  // A UPN with a real LA code and the right check letter passes; 999 with its right letter does not.
  EXPECT_EQ(UpnProblem("G301000017830", 2016), "");
  EXPECT_EQ(UpnProblem("L420000017830", 2016), "");
  EXPECT_EQ(UpnProblem("J999000017830", 2016).substr(0, 4), "1530");
  EXPECT_EQ(UpnProblem("M942000017830", 2023).substr(0, 4), "1530");
  EXPECT_EQ(UpnProblem("M942000017830", 2024), "");
}

TEST(CinRulesTest, AUpnBreakingTwoRulesIsReportedUnderBoth) {
  // 999 is no LA code and A is not 999000017830's check letter (J is): 1530 and 1510,
  // each on its own, as DfE's rules are. Where characters 2-13 are not digits (or a
  // final letter) the check letter cannot be computed, so 1510 is not claimed.
  EXPECT_EQ(UpnProblems("A999000017830", 2016),
            (std::vector<std::string>{"1510 UPN invalid (wrong check letter at character 1)",
                                      "1530 UPN invalid (characters 2-4 not a recognised LA code)"}));
  EXPECT_EQ(UpnProblems("J999000017830", 2016).size(), 1u);
  auto bad_la_and_digits = UpnProblems("AX9900001X830", 2016);
  ASSERT_EQ(bad_la_and_digits.size(), 2u);
  EXPECT_EQ(bad_la_and_digits[0].substr(0, 4), "1530");
  EXPECT_EQ(bad_la_and_digits[1].substr(0, 4), "1540");
  EXPECT_TRUE(UpnProblems("G301000017830", 2016).empty());
  Parts p;
  p.upn = "<UPN>A999000017830</UPN>";
  auto sink = Parse(p);
  EXPECT_TRUE(sink.HasRule("1510") && sink.HasRule("1530")) << sink.AllMessages();
  int flagged = 0;
  for (const auto& [r, id] : sink.records) flagged += r.has_child() && r.issue_rules_size() == 2 && r.has_error();
  EXPECT_EQ(flagged, 1);
}

TEST(CinRulesTest, WrongLengthUpnIsItsOwnRuleNotTheCheckLetter) {
  // No DfE CIN rule is defined on a UPN that is not 13 characters (1510, 1530 and 1550
  // read 13): it is reported as upn-length, whatever its first letter.
  EXPECT_EQ(UpnProblem("G30100001783").substr(0, 10), "upn-length");   // 12
  EXPECT_EQ(UpnProblem("G3010000178300").substr(0, 10), "upn-length");  // 14
  EXPECT_EQ(UpnProblem("G"), "upn-length UPN invalid (1 characters where a UPN has 13)");
  // Counted in characters: 12 characters in 13 bytes is too short; 13 in 14 is checked by
  // position (an accented letter is no check letter, no digit, no character-13 value).
  EXPECT_EQ(UpnProblem("G3010000178\xc3\xa9").substr(0, 10), "upn-length");
  EXPECT_EQ(UpnProblem("\xc3\x89" "301000017830").substr(0, 4), "1510");
  EXPECT_EQ(UpnProblem("G30\xc3\xa9" "000017830").substr(0, 4), "1530");
  EXPECT_EQ(UpnProblem("G301000\xc3\xa9" "17830").substr(0, 4), "1540");
  EXPECT_EQ(UpnProblem("G30100001783\xc3\xa9").substr(0, 4), "1550");
  EXPECT_EQ(UpnProblem("G301000017830"), "");  // 13
  Parts p;
  p.upn = "<UPN>G30100001783</UPN>";
  auto sink = Parse(p);
  EXPECT_TRUE(sink.HasRule("upn-length")) << sink.AllMessages();
  EXPECT_FALSE(sink.HasRule("1510"));
  // The message says how long it is, never what it is.
  EXPECT_EQ(sink.AllMessages().find("G30100001783"), std::string::npos) << sink.AllMessages();
}

TEST(CinRulesTest, Rule4180TakesTheSexCodesOfTheCensusYear) {
  // To 2023-24: GenderCurrent 0, 1, 2 or 9.
  for (const char* ok : {"0", "1", "2", "9"}) {
    Parts p;
    p.sex = std::string("<GenderCurrent>") + ok + "</GenderCurrent>";
    auto sink = Parse(p);
    EXPECT_TRUE(sink.issues.empty()) << ok << ": " << sink.AllMessages();
  }
  for (const char* bad : {"X", "m", "M", "3", "U", "01"}) {
    Parts p;
    p.sex = std::string("<GenderCurrent>") + bad + "</GenderCurrent>";
    auto sink = Parse(p);
    EXPECT_TRUE(sink.HasRule("4180")) << bad;
    for (const auto& i : sink.issues) {
      if (i.rule() == "4180") {
        EXPECT_EQ(i.field(), "GenderCurrent");
        EXPECT_NE(i.message().find("0, 1, 2 or 9"), std::string::npos) << i.message();
      }
    }
  }
  EXPECT_TRUE(IsCinSexCode("9", 2024));
  EXPECT_FALSE(IsCinSexCode("M", 2024));
  // From 2024-25 (collection year 2025): Sex M, F or U.
  for (const char* ok : {"M", "F", "U"}) EXPECT_TRUE(IsCinSexCode(ok, 2025)) << ok;
  for (const char* bad : {"1", "2", "0", "9", "m", "X", ""}) EXPECT_FALSE(IsCinSexCode(bad, 2025)) << bad;
  auto census2025 = [](const std::string& sex) {
    Parts p;
    p.year = "2025";
    p.ref = "2025-03-31";
    p.sex = sex;
    return Parse(p);
  };
  EXPECT_FALSE(census2025("<Sex>F</Sex>").HasRule("4180")) << census2025("<Sex>F</Sex>").AllMessages();
  EXPECT_TRUE(census2025("<Sex>1</Sex>").HasRule("4180"));
  EXPECT_TRUE(census2025("<Sex>f</Sex>").HasRule("4180"));
  auto missing = census2025("");
  ASSERT_TRUE(missing.HasRule("4180"));
  EXPECT_NE(missing.AllMessages().find("Sex must be provided and equal M, F, or U"), std::string::npos);
}

TEST(CinRulesTest, Rule8940PlansStartingTheSameDayOverlap) {
  Parts p;  // the baseline plan runs 2015-06-01 to 2016-01-15
  p.plans += "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate><CPPendDate>2015-07-01</CPPendDate>" +
             std::string(kOpenPlanEmo);
  auto same_day = Parse(p);
  EXPECT_TRUE(same_day.HasRule("8940")) << same_day.AllMessages();
  int flagged = 0;
  for (const auto& [r, id] : same_day.records) {
    for (const auto& rule : r.issue_rules()) flagged += r.has_cp_plan() && rule == "8940";
  }
  EXPECT_EQ(flagged, 2);  // each starts within the other
  // Two open plans from the same day.
  Parts open;
  open.closure = "";
  open.plans = "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate>" + std::string(kOpenPlanEmo) +
               "<ChildProtectionPlans><CPPstartDate>2015-06-01</CPPstartDate>" + std::string(kOpenPlanEmo);
  EXPECT_TRUE(Parse(open).HasRule("8940"));
  // Near miss: the second plan starts the day after the first ended.
  Parts after;
  after.plans += "<ChildProtectionPlans><CPPstartDate>2016-01-16</CPPstartDate><CPPendDate>2016-02-01</CPPendDate>" +
                 std::string(kOpenPlanEmo);
  auto next_day = Parse(after);
  EXPECT_FALSE(next_day.HasRule("8940")) << next_day.AllMessages();
}

TEST(CinRulesTest, Rule8820AnOpenEpisodeMarkedNfaCoversNoDays) {
  // The baseline episode closes 2016-02-01. A second episode, open from 2015-07-01, and a
  // third from 2015-09-01: the third falls within the second only if it is not NFA.
  auto with = [](const std::string& nfa) {
    Parts p;
    p.more_episodes =
        "<CINdetails><CINreferralDate>2015-07-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
        "<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>" + nfa + "</ReferralNFA></CINdetails>\n";
    p.closure = "<CINclosureDate>2015-06-30</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>";
    p.plans.replace(p.plans.find("2016-01-15"), 10, "2015-06-29");
    p.more_episodes +=
        "<CINdetails><CINreferralDate>2015-09-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
        "<PrimaryNeedCode>N1</PrimaryNeedCode><CINclosureDate>2015-10-01</CINclosureDate>"
        "<ReasonForClosure>RC1</ReasonForClosure><ReferralNFA>false</ReferralNFA></CINdetails>\n";
    return Parse(p);
  };
  for (const char* nfa : {"false", "0"}) {
    auto sink = with(nfa);
    EXPECT_TRUE(sink.HasRule("8820")) << nfa << ": " << sink.AllMessages();
  }
  for (const char* nfa : {"true", "1"}) {
    auto sink = with(nfa);
    EXPECT_FALSE(sink.HasRule("8820")) << nfa << ": " << sink.AllMessages();
  }
}

TEST(CinRulesTest, Rule8820EpisodesThatOnlyTouchDoNotOverlap) {
  // DfE's note: one episode may end the day the next starts; a day earlier overlaps.
  auto second_from = [](const std::string& day) {
    Parts p;  // the baseline episode closes 2016-02-01
    p.more_episodes = "<CINdetails><CINreferralDate>" + day +
                      "</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
                      "<ReferralNFA>false</ReferralNFA></CINdetails>\n";
    return Parse(p);
  };
  EXPECT_FALSE(second_from("2016-02-01").HasRule("8820")) << second_from("2016-02-01").AllMessages();
  EXPECT_TRUE(second_from("2016-01-31").HasRule("8820"));
  // An episode inside an earlier long one is found even with a short one between them.
  Parts p;
  p.closure = "";  // the baseline episode (2015-05-01) stays open, ReferralNFA false
  p.plans = "";
  p.more_episodes =
      "<CINdetails><CINreferralDate>2015-06-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
      "<PrimaryNeedCode>N1</PrimaryNeedCode><CINclosureDate>2015-06-02</CINclosureDate>"
      "<ReasonForClosure>RC1</ReasonForClosure><ReferralNFA>false</ReferralNFA></CINdetails>\n"
      "<CINdetails><CINreferralDate>2015-09-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
      "<PrimaryNeedCode>N1</PrimaryNeedCode><CINclosureDate>2015-10-01</CINclosureDate>"
      "<ReasonForClosure>RC1</ReasonForClosure><ReferralNFA>false</ReferralNFA></CINdetails>\n";
  int flagged = 0;
  for (const auto& [r, id] : Parse(p).records) {
    for (const auto& rule : r.issue_rules()) flagged += rule == "8820";
  }
  EXPECT_EQ(flagged, 2);  // both later episodes start inside the open one
}

TEST(CinRulesTest, Rule8866AppliesFromApril2013) {
  // DfE: if CINreferralDate is on or after 1 April 2013, ReferralSource must be present
  // and valid. The last day before is exempt; the first day is not.
  auto referral = [](const std::string& day, const std::string& source) {
    Parts p;
    p.referral = day;
    p.source = source;
    return Parse(p);
  };
  EXPECT_FALSE(referral("2013-03-31", "").HasRule("8866")) << referral("2013-03-31", "").AllMessages();
  EXPECT_FALSE(referral("2013-03-31", "99").HasRule("8866"));
  EXPECT_TRUE(referral("2013-04-01", "").HasRule("8866"));
  EXPECT_TRUE(referral("2013-04-01", "99").HasRule("8866"));
  EXPECT_FALSE(referral("2013-04-01", "1A").HasRule("8866"));
}

TEST(CinRulesTest, Rule100ComparesReferenceDateWithTheHeaderYear) {
  // Year 2016 and 31 March 2016 agree (the baseline); a Year a year off does not.
  EXPECT_FALSE(Parse(Parts()).HasRule("100"));
  for (const char* year : {"2015", "2017"}) {
    Parts p;
    p.year = year;
    auto sink = Parse(p);
    ASSERT_TRUE(sink.HasRule("100")) << year;
    EXPECT_EQ(sink.fatal, 0);
    EXPECT_NE(sink.AllMessages().find(std::string("31 March ") + year), std::string::npos) << sink.AllMessages();
  }
  Parts bad;
  bad.year = "20x6";
  auto sink = Parse(bad);
  ASSERT_TRUE(sink.HasRule("100"));
  bool on_year = false;
  for (const auto& i : sink.issues) on_year = on_year || (i.rule() == "100" && i.field() == "Year");
  EXPECT_TRUE(on_year) << sink.AllMessages();
  // The collection year stays the ReferenceDate's, as before.
  EXPECT_EQ(sink.header_year, 2016);
}


// A census whose ReferenceDate is not 31 March (here 30 March 2016, Year 2016). DfE's
// census year is 1 April to 31 March: the CIN census guide's census period and rule 100's
// "<ReferenceDate> must equal 31 March <Year>". So rule 100 reports the date, and the
// census year the other rules read (8620's [Period_of_Census]) still starts on 1 April
// 2015 and ends on the ReferenceDate the file gives. Data to Insight takes the
// ReferenceDate minus one year plus a day as the start (31 March 2015 here): a closure on
// 31 March 2015 then passes 8620 although it lies in the 2014-15 census. That is the
// other tool's error; this test holds carestat to DfE's year.
TEST(CinRulesTest, ACensusWhoseReferenceDateIsNotThe31stOfMarch) {
  auto closed_on = [](const std::string& day) {
    Parts p;
    p.ref = "2016-03-30";
    p.referral = "2015-03-01";
    p.assessment = p.s47 = p.plans = "";
    p.closure = "<CINclosureDate>" + day + "</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>";
    return Parse(p);
  };
  const auto early = closed_on("2015-03-31");
  EXPECT_TRUE(early.HasRule("100")) << early.AllMessages();
  EXPECT_EQ(early.header_year, 2016);
  EXPECT_TRUE(early.HasRule("8620")) << "31 March 2015 is in the 2014-15 census:\n" << early.AllMessages();
  // The first day of the census year and the ReferenceDate itself are inside it.
  EXPECT_FALSE(closed_on("2015-04-01").HasRule("8620"));
  EXPECT_FALSE(closed_on("2016-03-30").HasRule("8620"));
  // After the ReferenceDate the file gives: outside, though 31 March would be inside a
  // census dated correctly.
  EXPECT_TRUE(closed_on("2016-03-31").HasRule("8620"));
  // Near miss for 100: the same census dated 31 March.
  Parts right;
  right.ref = "2016-03-31";
  EXPECT_FALSE(Parse(right).HasRule("100"));
}

TEST(CinRulesTest, OverlapRulesOnAChildWithManyEpisodesStayFastAndExact) {
  // 30,000 episodes opened and closed on one day cover no day, so none overlaps; one
  // more, open (ReferralNFA false) from that day, covers all of them, not itself.
  std::string many;
  for (int i = 0; i < 30000; ++i) {
    many += "<CINdetails><CINreferralDate>2015-07-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
            "<CINclosureDate>2015-07-01</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>"
            "<ReferralNFA>false</ReferralNFA></CINdetails>\n";
  }
  auto count8820 = [](const CollectingSink& sink) {
    int n = 0;
    for (const auto& i : sink.issues) n += i.rule() == "8820";
    return n;
  };
  Parts p;
  p.closure = "<CINclosureDate>2015-06-30</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>";
  p.plans.replace(p.plans.find("2016-01-15"), 10, "2015-06-29");
  p.more_episodes = many;
  EXPECT_EQ(count8820(Parse(p)), 0);
  p.more_episodes += "<CINdetails><CINreferralDate>2015-07-01</CINreferralDate><ReferralSource>5A</ReferralSource>"
                     "<ReferralNFA>false</ReferralNFA></CINdetails>\n";
  EXPECT_EQ(count8820(Parse(p)), 30000);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// The rule engine's DfE rules run as the parser reads each child: one break of one rule
// (8805: a closure date without a reason) is reported on that child's episode, at the
// line of the element it points at, and nothing else; the record carries the rule for the
// data-quality figures but stays in the figures.
TEST(CinRulesTest, AnEngineRuleIsReportedOnTheChildAndLineAndMarksTheRecord) {
  Parts p;
  p.closure = "<CINclosureDate>2016-02-01</CINclosureDate>";
  auto sink = Parse(p);
  ASSERT_EQ(sink.issues.size(), 1u) << sink.AllMessages();
  const v1::ValidationIssue& i = sink.issues[0];
  EXPECT_EQ(i.rule(), "8805");
  EXPECT_EQ(i.severity(), v1::ERROR);
  EXPECT_EQ(i.child(), "K1");
  EXPECT_EQ(i.line(), 3);
  EXPECT_EQ(i.path(), "CINdetails");
  EXPECT_EQ(i.message().find("K1"), std::string::npos) << i.message();
  int marked = 0;
  for (const auto& [r, id] : sink.records) {
    EXPECT_FALSE(r.has_error());
    for (const auto& rule : r.issue_rules()) marked += rule == "8805" && r.has_referral();
  }
  EXPECT_EQ(marked, 1);
}

}  // namespace
}  // namespace carestat
