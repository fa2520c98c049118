// The release layer (reference/dfe_values.csv, scripts/dfe-release-extract): DfE's
// statistical-release figures for what LAIT lacks, served by Lait beside LAIT's own; and
// the populations the same script writes (reference/populations.csv).
//
// The expected values of the first test are DfE's files as read by
// tests/unit/metrics/dfe_release_expectations.py (Python's csv module, straight from the
// files at the pinned commits, not from the extractor's output), each with the file and
// line it comes from.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/metrics/reference/lait.h"
#include "services/metrics/reference/population.h"

namespace carestat {
namespace {

const Lait& L() { return Lait::Shipped(); }

struct Expected {
  const char* indicator;
  const char* la;
  int fy;
  const char* text;
  const char* source;
  const char* measure;
};
const Expected kExpected[] = {
#include "tests/unit/metrics/dfe_release_expectations.inc"
};

TEST(DfeReleaseTest, ValuesEqualTheSourceRows) {
  // 18 indicators x 5 LAs (London, North West, West Midlands, East of England, South West)
  // x 3 years.
  ASSERT_EQ(std::size(kExpected), 18u * 5u * 3u);
  std::set<std::string> indicators;
  for (const Expected& e : kExpected) {
    SCOPED_TRACE(absl::StrCat(e.indicator, " ", e.la, " ", e.fy));
    indicators.insert(e.indicator);
    const Lait::Value* v = L().Find(e.indicator, e.la, e.fy);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->text, e.text);
    EXPECT_EQ(v->source, e.source);
    EXPECT_EQ(v->measure, e.measure);
    EXPECT_FALSE(v->from_lait());
    EXPECT_TRUE(v->lait_year.empty());
    if (std::string(e.text) == "-") {
      EXPECT_FALSE(v->number.has_value());
    } else {
      ASSERT_TRUE(v->number.has_value());
      EXPECT_DOUBLE_EQ(*v->number, std::stod(e.text));
    }
  }
  EXPECT_EQ(indicators.size(), 18u);
}

TEST(DfeReleaseTest, LaitWinsAndTheReleaseFillsTheYearsBefore) {
  // LAIT's CIN 2016 301 339.2 (2015-16); SFR41-2015_Underlying_data.csv line 16,
  // CINAt310314RatePer10K 393.5, is 301's rate at 31 March 2015 (2014-15), the year before
  // LAIT's first.
  const Lait::Value* lait = L().Find("cin_rate", "301", 2015);
  ASSERT_NE(lait, nullptr);
  EXPECT_TRUE(lait->from_lait());
  EXPECT_EQ(lait->source, "LAIT");
  EXPECT_EQ(lait->text, "339.2");
  const Lait::Value* release = L().Find("cin_rate", "301", 2014);
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->source, "SFR41-2015_Underlying_data.csv");
  EXPECT_EQ(release->text, "393.5");
  // The two layers as one: cin_rate's years run 2009-10 to 2024-25 without a gap, and each
  // release year holds the 152 LAs of the time.
  std::vector<int> years = L().Years("cin_rate");
  ASSERT_FALSE(years.empty());
  EXPECT_EQ(years.front(), 2009);
  EXPECT_EQ(years.back(), 2024);
  EXPECT_EQ(years.size(), 16u);
  for (int fy = 2009; fy <= 2014; ++fy) {
    auto las = L().LaValues("cin_rate", fy);
    EXPECT_EQ(las.size(), 152u) << fy;
    for (const auto& [code, v] : las) EXPECT_FALSE(v->from_lait()) << code << " " << fy;
  }
  for (const auto& [code, v] : L().LaValues("cin_rate", 2015)) EXPECT_TRUE(v->from_lait()) << code;
  // An indicator only the releases publish: children in need at 31 March, every year the
  // files hold (2009-10 to 2024-25). b1 line 3 of 2025: England 402400.
  const Lait::Mapping* m = L().FindMapping("cin_open_year_end");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->status, "DfE release");
  EXPECT_TRUE(m->mapped());
  EXPECT_EQ(m->polarity, "-");
  EXPECT_EQ(L().Number("cin_open_year_end", "970", 2024), 402400);
  EXPECT_EQ(L().Years("cin_open_year_end").front(), 2009);
  EXPECT_EQ(L().Years("cin_open_year_end").back(), 2024);
  for (const char* id :
       {"assessments_completed", "s47_enquiries", "lac_police_protection_started", "lac_police_protection_pct"}) {
    EXPECT_EQ(L().FindMapping(id)->status, "DfE release") << id;
    EXPECT_FALSE(L().Years(id).empty()) << id;
  }
  // Regions come from the EES files, under the region codes LAIT uses: c1 line 1977,
  // 2013,...,E12000007,London,...,84380 (London's referrals in 2012-13).
  const Lait::Value* london = L().Find("referrals", "986", 2012);
  ASSERT_NE(london, nullptr);
  EXPECT_EQ(london->text, "84380");
  EXPECT_EQ(london->source, "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv");
  EXPECT_GT(L().release_count(), 10000u);
}

TEST(DfeReleaseTest, SuppressedIsADashWithNoNumber) {
  // Every "-" of the release layer has no number, and no value is a DfE mark.
  int dashes = 0;
  for (const auto& m : L().mappings()) {
    for (int fy : L().Years(m.indicator)) {
      for (const auto& [code, v] : L().LaValues(m.indicator, fy)) {
        if (v->from_lait()) continue;
        if (v->text == "-") {
          ++dashes;
          EXPECT_FALSE(v->number.has_value()) << m.indicator << " " << code << " " << fy;
        } else {
          EXPECT_TRUE(v->number.has_value()) << m.indicator << " " << code << " " << fy;
        }
      }
    }
  }
  EXPECT_GT(dashes, 100);
}

TEST(DfeReleaseTest, AnLaThatDidNotExistHasNoRow) {
  // b1: 940 and 941 (the Northamptonshires) from 2021-22, 928 until 2020-21; 835 to 837
  // until 2018-19, 838 and 839 from 2019-20; 942 and 943 from 2023-24.
  EXPECT_TRUE(L().Find("cin_open_year_end", "928", 2020) != nullptr);
  EXPECT_EQ(L().Find("cin_open_year_end", "928", 2021), nullptr);
  EXPECT_EQ(L().Find("cin_open_year_end", "940", 2020), nullptr);
  EXPECT_TRUE(L().Find("cin_open_year_end", "940", 2021) != nullptr);
  EXPECT_TRUE(L().Find("cin_open_year_end", "835", 2018) != nullptr);
  EXPECT_EQ(L().Find("cin_open_year_end", "835", 2019), nullptr);
  EXPECT_EQ(L().Find("cin_open_year_end", "839", 2018), nullptr);
  EXPECT_EQ(L().Find("cin_open_year_end", "942", 2022), nullptr);
  EXPECT_TRUE(L().Find("cin_open_year_end", "942", 2023) != nullptr);
  for (const auto& m : L().mappings()) {
    for (int fy : L().Years(m.indicator)) {
      for (const auto& [code, v] : L().LaValues(m.indicator, fy)) EXPECT_TRUE(L().LaExistsIn(code, fy));
    }
  }
}

// A small set of tables: LAIT's cin_rate for 2015-16, a release indicator, two LAs.
const char kMapping[] =
    "indicator,status,lait_measure,lait_name,lait_polarity,lait_year_type,lait_dps,lait_no_quartile,lait_table,"
    "period_rule,difference\n"
    "cin_rate,mapped,CIN,CIN rate,-,Annual,NA,NA,t,r,d\n"
    "cin_open_year_end,DfE release,,,-,,,,b1.csv,r,d\n"
    "contacts,not published by DfE,,,,,,,,,d\n";
const char kLas[] =
    "area_code,area_type,name,region,region_code,london_part,la_type,exists_from,exists_to,first_period,"
    "last_period,change,source\n"
    "301,la,Barking and Dagenham,Outer London,986,988,OLB,,,,,,s\n"
    "940,la,North Northamptonshire,East Midlands,983,,UA,2021-04-01,,,,split,s\n"
    "970,england,England,,,,,,,,,,s\n";
const char kValues[] =
    "indicator,area_type,area_code,period,value,lait_measure,lait_year\n"
    "cin_rate,la,301,2015-16,339.2,CIN,2016\n";
const char kReleaseHeader[] = "indicator,area_type,area_code,period,value,source,measure\n";

absl::StatusOr<Lait> WithRelease(const std::string& rows) {
  return Lait::Parse({kValues, kLas, "la,list,effective_from,rank,neighbour,closeness\n", kMapping,
                      std::string(kReleaseHeader) + rows});
}

TEST(DfeReleaseTest, BadRowsAreErrorsNamingTableAndLine) {
  auto ok = WithRelease(
      "cin_rate,la,301,2014-15,397.4,SFR41.csv,CINAt310314RatePer10K\n"
      "cin_open_year_end,england,970,2014-15,-,b1.csv,At31_episodes\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->Number("cin_rate", "301", 2014), 397.4);
  EXPECT_EQ(ok->Find("cin_rate", "301", 2014)->source, "SFR41.csv");
  EXPECT_EQ(ok->Find("cin_rate", "301", 2015)->source, "LAIT");
  EXPECT_FALSE(ok->Number("cin_open_year_end", "970", 2014).has_value());
  EXPECT_EQ(ok->release_count(), 2u);
  EXPECT_EQ(ok->value_count(), 3u);
  EXPECT_EQ(ok->Years("cin_rate"), (std::vector<int>{2014, 2015}));

  struct Bad {
    std::string rows, says;
  };
  const Bad bad[] = {
      // A key LAIT holds: LAIT's figure wins, a release row for it is refused.
      {"cin_rate,la,301,2015-16,340,SFR52.csv,x\n", "LAIT holds it"},
      // A mark other than "-" is not silently a number.
      {"cin_rate,la,301,2014-15,c,SFR41.csv,x\n", "neither a number nor '-'"},
      // An LA in a year it was not an LA.
      {"cin_rate,la,940,2019-20,5,b1.csv,x\n", "was not an LA"},
      // An area, an indicator or a period the tables do not know.
      {"cin_rate,la,999,2014-15,5,b1.csv,x\n", "not in lait_las"},
      {"contacts,la,301,2014-15,5,b1.csv,x\n", "neither mapped nor 'DfE release'"},
      {"cin_rate,la,301,last year,5,b1.csv,x\n", "not a financial year"},
      // No source file or measure.
      {"cin_rate,la,301,2014-15,5,,x\n", "release file"},
      {"cin_rate,la,301,2014-15,5,LAIT,x\n", "release file"},
      // A duplicate within the release layer.
      {"cin_rate,la,301,2014-15,5,b1.csv,x\ncin_rate,la,301,2014-15,6,b1.csv,x\n", "a second value"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.rows);
    auto parsed = WithRelease(b.rows);
    ASSERT_FALSE(parsed.ok());
    const std::string message(parsed.status().message());
    EXPECT_NE(message.find("dfe_values line"), std::string::npos) << message;
    EXPECT_NE(message.find(b.says), std::string::npos) << message;
  }
  // The line is the file's: the duplicate is the third line (header, then two rows).
  auto dup = WithRelease("cin_rate,la,301,2014-15,5,b1.csv,x\ncin_rate,la,301,2014-15,6,b1.csv,x\n");
  EXPECT_NE(std::string(dup.status().message()).find("dfe_values line 3"), std::string::npos) << dup.status();
}

TEST(DfeReleaseTest, PopulationsForEveryLaRegionAndEngland) {
  const Populations& p = Populations::Shipped();
  // Every LA code in every year it was an LA for the whole year, mid-2012 to mid-2024 from
  // DfE's ons_mid-year_population_estimates_2012_to_2024.csv, except 835, 836 and 837
  // (Dorset, Poole, Bournemouth before 2019), which that file marks "x" in every year.
  const std::set<std::string> x_in_file = {"835", "836", "837"};
  for (int mid = 2009; mid <= 2024; ++mid) {
    int las = 0;
    for (const auto& [code, v] : L().LaValues("lac_rate", 2015)) {
      if (!L().LaExistsIn(code, mid) || (mid >= 2012 && x_in_file.count(code))) continue;
      EXPECT_TRUE(p.Get(code, mid).has_value()) << code << " mid-" << mid;
      ++las;
    }
    EXPECT_TRUE(p.Get("ENG", mid).has_value()) << mid;
  }
  for (int mid = 2012; mid <= 2024; ++mid) {
    for (const char* region : {"980", "981", "982", "983", "984", "985", "986", "987", "988", "989", "990"}) {
      EXPECT_TRUE(p.Get(region, mid).has_value()) << region << " mid-" << mid;
    }
    EXPECT_EQ(p.Get("LON", mid), p.Get("986", mid)) << mid;
  }
  // The file's rows: 2015,...,Regional,...,E12000001,North East,...,521491;
  // 2024,...,National,...,12183016; and a row carestat shipped before, kept as it was.
  EXPECT_EQ(p.Get("980", 2015), 521491);
  EXPECT_EQ(p.Get("ENG", 2024), 12183016);
  EXPECT_EQ(p.Get("301", 2015), 60882);
  EXPECT_EQ(p.Source("301", 2015),
            "ONS MYE via DfE ons_mid-year_population_estimates_2012_to_2024.csv, Barking and Dagenham E09000002");
  // mid-2009: osr28-2010ud.csv, column Mid2009Pop0-17, Barking and Dagenham 48,200.
  EXPECT_EQ(p.Get("301", 2009), 48200);
  EXPECT_NE(p.Source("352", 2010).find("osr26-2011ud.csv"), std::string::npos);
  EXPECT_FALSE(p.Get("835", 2015).has_value());
  EXPECT_FALSE(p.Get("940", 2020).has_value());
  EXPECT_TRUE(p.Get("940", 2021).has_value());
}

}  // namespace
}  // namespace carestat
