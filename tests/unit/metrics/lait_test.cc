// The shipped LAIT tables (reference/lait_*.csv) and their loader.
//
// Expected values were read by hand from LAIT's own file: scripts/lait-extract MIRROR
// --dump /tmp/dump.tsv writes every bds_long_0.parquet row of the mapped measures as read
// (commit 2e30e39; columns lait_measure, lait_year, area_code, area_name, value), e.g.
//   CIN  2016  301  Barking and Dagenham  339.2
// Each expectation below quotes the dump line it comes from.
#include "services/metrics/reference/lait.h"

#include <gtest/gtest.h>

#include <set>

#include "services/common/dates.h"
#include "services/metrics/indicators/catalogue.h"

namespace carestat {
namespace {

const Lait& L() { return Lait::Shipped(); }

TEST(LaitTest, ShippedTablesLoad) {
  EXPECT_GT(L().value_count(), 30000u);
  ASSERT_NE(L().FindArea("301"), nullptr);
  EXPECT_EQ(L().FindArea("301")->name, "Barking and Dagenham");
  EXPECT_EQ(L().FindArea("301")->region_code, "986");  // London
  EXPECT_EQ(L().FindArea("301")->london_part, "988");  // Outer London
  EXPECT_EQ(L().FindArea("970")->type, "england");
  EXPECT_EQ(L().FindArea("986")->type, "region");
  EXPECT_EQ(L().FindArea("986")->name, "London");
  // LAIT holds 2015-16 to 2024-25 for the CIN census and CLA measures; the release layer
  // (dfe_release_test.cc) adds 2009-10 to 2014-15 for cin_rate.
  std::vector<int> years;
  for (int fy : L().Years("cin_rate")) {
    if (L().Find("cin_rate", "970", fy)->from_lait()) years.push_back(fy);
  }
  ASSERT_FALSE(years.empty());
  EXPECT_EQ(years.front(), 2015);
  EXPECT_EQ(years.back(), 2024);
  EXPECT_EQ(L().Years("cin_rate").front(), 2009);
  // Every year holds all 152 LAs of that year (codes that existed all year), no more.
  for (int fy : L().Years("cin_rate")) {
    int las = 0;
    for (const auto& [code, v] : L().LaValues("cin_rate", fy)) {
      EXPECT_TRUE(L().LaExistsIn(code, fy)) << code << " " << fy;
      ++las;
    }
    // 152 LAs to 2018-19; 151 after Bournemouth, Poole and Dorset became two (2019);
    // 152 after Northamptonshire split (2021); 153 after Cumbria split (2023).
    const int expected = fy < 2019 ? 152 : fy < 2021 ? 151 : fy < 2023 ? 152 : 153;
    EXPECT_EQ(las, expected) << fy;
  }
}

TEST(LaitTest, EveryCatalogueIndicatorIsMappedOrSaysWhyNot) {
  std::set<std::string> ids;
  for (const auto& d : Catalogue()) {
    ids.insert(d.id);
    const Lait::Mapping* m = L().FindMapping(d.id);
    ASSERT_NE(m, nullptr) << d.id;
    EXPECT_FALSE(m->difference.empty()) << d.id;
    if (m->mapped()) {
      EXPECT_FALSE(L().Years(d.id).empty()) << d.id << " is mapped but has no values";
    } else {
      EXPECT_TRUE(L().Years(d.id).empty()) << d.id << " is not mapped but has values";
    }
  }
  for (const auto& m : L().mappings()) EXPECT_TRUE(ids.count(m.indicator)) << m.indicator << " not in catalogue";
  EXPECT_EQ(L().FindMapping("contacts")->status, "not published by DfE");
  EXPECT_EQ(L().FindMapping("cin_rate")->measure, "CIN");
  EXPECT_EQ(L().FindMapping("rereferral_12m_pct")->polarity, "Low");
}

TEST(LaitTest, ValuesEqualLaitsFile) {
  // CIN  2016  301  Barking and Dagenham  339.2  (31 March 2016: 2015-16)
  EXPECT_EQ(L().Number("cin_rate", "301", 2015), 339.2);
  // CIN  2016  970  England  339.8;  CIN  2016  986  London  362.7
  EXPECT_EQ(L().Number("cin_rate", "970", 2015), 339.8);
  EXPECT_EQ(L().Number("cin_rate", "986", 2015), 362.7);
  // Section_47  2016  970  England  148.80000000000001 (the same double as 148.8)
  ASSERT_NE(L().Find("s47_rate", "970", 2015), nullptr);
  EXPECT_EQ(L().Find("s47_rate", "970", 2015)->text, "148.8");
  EXPECT_EQ(L().Number("s47_rate", "970", 2015), 148.80000000000001);
  // CPP_rate  2020  352  Manchester (North West)  57.8
  EXPECT_EQ(L().Number("cpp_rate", "352", 2019), 57.8);
  // LAC  2023  873  Cambridgeshire (East of England)  46
  EXPECT_EQ(L().Number("lac_rate", "873", 2022), 46);
  // ReReferral  2018  390  Gateshead (North East)  15.4
  EXPECT_EQ(L().Number("rereferral_12m_pct", "390", 2017), 15.4);
  // Continue_Assess_Comp  2025  879  Plymouth (South West)  80
  EXPECT_EQ(L().Number("assessment_timeliness_pct", "879", 2024), 80);
  // LAC_LongStable%  2020  301  75
  EXPECT_EQ(L().Number("lac_long_term_stability_pct", "301", 2019), 75);
  // Workforce is at 30 September: Work_Force_Agecy_Rate  2016  301  49.7 is 2016-17.
  EXPECT_EQ(L().Number("agency_sw_rate_pct", "301", 2016), 49.7);
  EXPECT_EQ(L().Find("agency_sw_rate_pct", "301", 2016)->lait_year, "2016");
  EXPECT_EQ(L().Find("agency_sw_rate_pct", "301", 2016)->measure, "Work_Force_Agecy_Rate");
  // A published 0 is a number: CPPlans2yrs  2016  201  City of London  0
  EXPECT_EQ(L().Number("cpp_ceased_2y_plus_pct", "201", 2015), 0.0);
}

TEST(LaitTest, SuppressedValuesAreNotNumbers) {
  // No_of LAC Adopted  2023  301  -   (LAIT's mark for a value not published)
  const Lait::Value* v = L().Find("adoptions", "301", 2022);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->text, "-");
  EXPECT_FALSE(v->number.has_value());
  EXPECT_FALSE(L().Number("adoptions", "301", 2022).has_value());
  // CPPlans2yrs  2021  201  City of London  -
  EXPECT_FALSE(L().Number("cpp_ceased_2y_plus_pct", "201", 2020).has_value());
  // Neighbouring years are numbers: No_of LAC Adopted 2022 301 16, 2024 301 14.
  EXPECT_EQ(L().Number("adoptions", "301", 2021), 16);
  EXPECT_EQ(L().Number("adoptions", "301", 2023), 14);
  // A "-" row is listed among the year's LAs, without a number.
  bool listed = false;
  for (const auto& [code, value] : L().LaValues("adoptions", 2022)) {
    if (code == "301") listed = !value->number.has_value();
  }
  EXPECT_TRUE(listed);
}

TEST(LaitTest, AnLaThatDidNotExistHasNoValue) {
  // LACnum  2021  928  Northamptonshire  1144; LACnum  2022  940  525, 941  658.
  EXPECT_EQ(L().Number("lac_year_end", "928", 2020), 1144);
  EXPECT_EQ(L().Number("lac_year_end", "940", 2021), 525);
  EXPECT_EQ(L().Number("lac_year_end", "941", 2021), 658);
  // LAIT's "-" for 940 in 2021 and 928 in 2022 are years the codes were not LAs: no row.
  EXPECT_EQ(L().Find("lac_year_end", "940", 2020), nullptr);
  EXPECT_EQ(L().Find("lac_year_end", "928", 2021), nullptr);
  EXPECT_FALSE(L().LaExistsIn("928", 2021));
  EXPECT_TRUE(L().LaExistsIn("928", 2020));
  EXPECT_FALSE(L().LaExistsIn("940", 2020));
  EXPECT_TRUE(L().LaExistsIn("940", 2021));
  // Cumbria split on 1 April 2023; Bournemouth, Poole and Dorset on 1 April 2019.
  EXPECT_TRUE(L().LaExistsIn("909", 2022));
  EXPECT_FALSE(L().LaExistsIn("909", 2023));
  EXPECT_FALSE(L().LaExistsIn("942", 2022));
  EXPECT_TRUE(L().LaExistsIn("942", 2023));
  EXPECT_TRUE(L().LaExistsIn("837", 2018));
  EXPECT_FALSE(L().LaExistsIn("837", 2019));
  EXPECT_FALSE(L().LaExistsIn("839", 2018));
  // CareLeaverEET  2020  835  Dorset (Pre LG)  48: LAIT has a number in 2019-20, after
  // 835 ceased; it is left out with the rest of the years 835 was not an LA.
  EXPECT_EQ(L().Number("care_leavers_eet_pct", "835", 2018), 47);
  EXPECT_EQ(L().Find("care_leavers_eet_pct", "835", 2019), nullptr);
  for (const auto& [code, v] : L().LaValues("lac_year_end", 2021)) EXPECT_NE(code, "928");
  // Regions and England are not LAs.
  EXPECT_FALSE(L().LaExistsIn("970", 2015));
  EXPECT_FALSE(L().LaExistsIn("999", 2015));
  // The code table says which years have numbers.
  EXPECT_EQ(L().FindArea("928")->last_year, 2020);
  EXPECT_EQ(L().FindArea("940")->first_year, 2021);
  EXPECT_EQ(L().FindArea("928")->exists_to, DayNumber(2021, 3, 31));
}

TEST(LaitTest, NeighboursOf301InBothLists) {
  // sn_april_2021.xlsx and sn_may_2025.xlsx, row 301, SN1 to SN10.
  const std::vector<std::string> april_2021 = {"203", "308", "352", "821", "330", "320", "871", "892", "331", "316"};
  const std::vector<std::string> may_2025 = {"308", "821", "313", "333", "336", "307", "304", "312", "874", "203"};
  auto sn = L().Neighbours("301", DayNumber(2022, 3, 31));
  ASSERT_TRUE(sn.has_value());
  EXPECT_EQ(sn->list, "sn_april_2021");
  EXPECT_TRUE(sn->in_force);
  EXPECT_EQ(sn->neighbours, april_2021);
  // The 2021 list holds to the day before the 2025 one starts.
  EXPECT_EQ(L().Neighbours("301", DayNumber(2025, 4, 30))->neighbours, april_2021);
  sn = L().Neighbours("301", DayNumber(2025, 5, 1));
  ASSERT_TRUE(sn.has_value());
  EXPECT_EQ(sn->list, "sn_may_2025");
  EXPECT_EQ(sn->effective_from, DayNumber(2025, 5, 1));
  EXPECT_EQ(sn->neighbours, may_2025);
  // Before every list: the earliest, marked as not in force then.
  sn = L().Neighbours("301", DayNumber(2016, 3, 31));
  ASSERT_TRUE(sn.has_value());
  EXPECT_FALSE(sn->in_force);
  EXPECT_EQ(sn->neighbours, april_2021);
  // Cumberland has no 2021 list (the file gives '-'), and one in 2025.
  EXPECT_FALSE(L().Neighbours("942", DayNumber(2024, 3, 31)).has_value());
  EXPECT_TRUE(L().Neighbours("942", DayNumber(2025, 6, 1)).has_value());
  EXPECT_EQ(L().NeighbourLists().size(), 2u);
  // Every LA in every year has a list in 2025 (the file keeps replaced codes too).
  for (const auto& [code, v] : L().LaValues("cin_rate", 2024)) {
    EXPECT_TRUE(L().Neighbours(code, DayNumber(2025, 6, 1)).has_value()) << code;
  }
}

const char kMapping[] =
    "indicator,status,lait_measure,lait_name,lait_polarity,lait_year_type,lait_dps,lait_no_quartile,lait_table,"
    "period_rule,difference\n"
    "cin_rate,mapped,CIN,CIN rate,-,Annual,NA,NA,t,r,d\n";
const char kLas[] =
    "area_code,area_type,name,region,region_code,london_part,la_type,exists_from,exists_to,first_period,"
    "last_period,change,source\n"
    "301,la,Barking and Dagenham,Outer London,986,988,OLB,,,,,,s\n"
    "928,la,Northamptonshire,East Midlands,983,,SC,,2021-03-31,,,split,s\n"
    "970,england,England,,,,,,,,,,s\n";
const char kNeighbours[] = "la,list,effective_from,rank,neighbour,closeness\n";
const char kValuesHeader[] = "indicator,area_type,area_code,period,value,lait_measure,lait_year\n";

absl::StatusOr<Lait> ParseValues(const std::string& rows) {
  return Lait::Parse({std::string(kValuesHeader) + rows, kLas, kNeighbours, kMapping});
}

TEST(LaitTest, MalformedRowsAreRefusedWithTheirLine) {
  ASSERT_TRUE(ParseValues("cin_rate,la,301,2015-16,339.2,CIN,2016\ncin_rate,la,301,2016-17,-,CIN,2017\n").ok());
  // A suppression mark other than LAIT's "-" is not silently a number.
  auto bad = ParseValues("cin_rate,la,301,2015-16,339.2,CIN,2016\ncin_rate,la,301,2016-17,c,CIN,2017\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status();
  // An LA's value in a year it was not an LA.
  bad = ParseValues("cin_rate,la,928,2021-22,5,CIN,2022\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not an LA"), std::string::npos) << bad.status();
  EXPECT_TRUE(ParseValues("cin_rate,la,928,2020-21,5,CIN,2021\n").ok());
  // Unknown area, unmapped indicator, wrong measure, a duplicate.
  EXPECT_FALSE(ParseValues("cin_rate,la,999,2015-16,1,CIN,2016\n").ok());
  EXPECT_FALSE(ParseValues("lac_rate,la,301,2015-16,1,LAC,2016\n").ok());
  EXPECT_FALSE(ParseValues("cin_rate,la,301,2015-16,1,LAC,2016\n").ok());
  EXPECT_FALSE(ParseValues("cin_rate,la,301,2015-16,1,CIN,2016\ncin_rate,la,301,2015-16,2,CIN,2016\n").ok());
  // A neighbour list must have ranks 1 to 10.
  auto short_list =
      Lait::Parse({kValuesHeader, kLas, std::string(kNeighbours) + "301,sn,2021-04-01,1,928,Close\n", kMapping});
  EXPECT_FALSE(short_list.ok());
}

}  // namespace
}  // namespace carestat
