#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include <filesystem>

#include "services/common/dates.h"
#include "services/metrics/metrics.h"

namespace carestat {
namespace {

class EngineTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/engine_" + std::to_string(::getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto e = MetricsEngine::Open(dir_);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }
  static v1::ReturnInfo Return(int year) {
    v1::ReturnInfo r;
    r.set_la("301");
    r.set_collection_year(year);
    r.set_dataset("cin-census");
    return r;
  }
  MetricsEngine::RecordScan Scan(int referrals_2015_16) {
    return [referrals_2015_16](const std::vector<std::string>&, const std::function<void(const v1::Record&)>& fn) {
      for (int i = 0; i < referrals_2015_16; ++i) {
        v1::Record r;
        r.set_return_id("301/2016/cin-census");
        r.mutable_referral()->set_child_id("c" + std::to_string(i));
        *r.mutable_referral()->mutable_referral_date() = MakeDate(2015, 5, 1);
        fn(r);
      }
      return absl::OkStatus();
    };
  }
  std::string dir_;
  std::unique_ptr<MetricsEngine> engine_;
};

TEST_F(EngineTest, RecomputeThenServeValuesAndSeries) {
  auto r = engine_->Recompute("301", {}, {Return(2016)}, Scan(7));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->periods_size(), 1);
  EXPECT_EQ(r->records_read(), 7);
  auto values = engine_->GetValues("301", "2015-16");
  ASSERT_TRUE(values.ok());
  std::map<std::string, double> v;
  for (const auto& p : *values) v[p.indicator()] = p.value();
  EXPECT_EQ(v["referrals"], 7);
  // 7 / 60,882 (ONS mid-2015) x 10,000
  EXPECT_NEAR(v["referral_rate"], 7 / 60882.0 * 10000, 1e-9);
  EXPECT_EQ(v.count("contacts"), 0u);
  auto month = engine_->GetValues("301", "2015-05");
  ASSERT_TRUE(month.ok());
  ASSERT_FALSE(month->empty());
  EXPECT_EQ((*month)[0].value(), 7);
  auto series = engine_->GetSeries("301", "referrals", "", "2010-11", "2015-16");
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].period().start_year(), 2015);
}

TEST_F(EngineTest, RecomputeReplacesOldPoints) {
  ASSERT_TRUE(engine_->Recompute("301", {}, {Return(2016)}, Scan(7)).ok());
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {Return(2016)}, Scan(3)).ok());
  auto series = engine_->GetSeries("301", "referrals", "", "", "");
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ((*series)[0].value(), 3);
}

TEST_F(EngineTest, ErrorsNameTheProblem) {
  auto none = engine_->GetValues("302", "2015-16");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("302"), std::string::npos);
  ASSERT_TRUE(engine_->Recompute("301", {}, {Return(2016)}, Scan(1)).ok());
  EXPECT_EQ(engine_->GetValues("301", "2015-17").status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = engine_->GetSeries("301", "happiness", "", "", "");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("happiness"), std::string::npos);
  EXPECT_EQ(engine_->GetSeries("301", "referrals", "", "2015-06", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

TEST_F(EngineTest, ShippedComparatorsAndTargetsAreServed) {
  auto eng = engine_->GetSeries("ENG", "cin_rate", "", "2015-16", "2015-16");
  ASSERT_TRUE(eng.ok()) << eng.status();
  ASSERT_EQ(eng->size(), 1u);
  EXPECT_EQ((*eng)[0].value(), 337);  // seed 001 Table 2, national rate
  EXPECT_TRUE((*eng)[0].supplied());
  auto targets = engine_->GetTargets("301", "assessment_timeliness_pct");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].value(), 80);
  EXPECT_EQ(engine_->GetTargets("302", "assessment_timeliness_pct").size(), 0u);  // a local target of 301 only
  // DfE thresholds apply to every LA: 2009-12, 2011-14, 2012-15 and 2013-16 (no source
  // for 2010-13 is held).
  auto a1 = engine_->GetTargets("302", "adoption_a1_days_3yr");
  ASSERT_EQ(a1.size(), 4u);
  std::map<std::string, double> by_period;
  for (const auto& t : a1) by_period[t.period()] = t.value();
  EXPECT_EQ(by_period, (std::map<std::string, double>{{"2011-12", 639}, {"2013-14", 547}, {"2014-15", 487},
                                                      {"2015-16", 426}}));
}

TEST_F(EngineTest, ShippedNeighbourAveragesAreComputedFromTheNeighboursPublishedFigures) {
  // LA 301's neighbours' published looked-after rates for 2013-14 (SFR 34/2015 LAA1, as
  // reference/comparators.csv holds them): 64, 86, 37, 85, 74, 122, 50, 91, 48, 41, so
  // the average is 698 / 10 = 69.8. 2015-16 has a published average (the seed's 69),
  // which is given as loaded.
  auto sn = engine_->GetSeries("SN:301", "lac_rate", "", "2013-14", "2015-16");
  ASSERT_TRUE(sn.ok()) << sn.status();
  std::map<std::string, v1::IndicatorPoint> by_year;
  for (const auto& p : *sn) by_year[FormatPeriod(p.period())] = p;
  ASSERT_EQ(by_year.count("2013-14"), 1u);
  EXPECT_NEAR(by_year["2013-14"].value(), 69.8, 1e-9);
  EXPECT_EQ(by_year["2013-14"].numerator(), 698);
  EXPECT_EQ(by_year["2013-14"].denominator(), 10);
  EXPECT_FALSE(by_year["2013-14"].supplied());
  EXPECT_NE(by_year["2013-14"].sources(0).find("as published"), std::string::npos);
  EXPECT_EQ(by_year["2015-16"].value(), 69);
  EXPECT_TRUE(by_year["2015-16"].supplied());
  // Referral rates 2014-15 (DfE CIN 2024 release, table C1): 688.3, 1124.2, 416.7,
  // 475.2, 474.2, 1135.3, 749.3, 984.2, 570.1, 556: 7173.5 / 10 = 717.35.
  auto ref = engine_->GetSeries("SN:301", "referral_rate", "", "2014-15", "2014-15");
  ASSERT_TRUE(ref.ok()) << ref.status();
  ASSERT_EQ(ref->size(), 1u);
  EXPECT_NEAR((*ref)[0].value(), 717.35, 1e-9);
}

TEST_F(EngineTest, NeighbourAveragesNeedEveryNeighbourAndFollowTheListOfTheYear) {
  // LA 901's neighbours are 902 and 903 until 31 March 2014, then 902 and 904.
  ASSERT_TRUE(engine_
                  ->PutReferenceData("neighbours",
                                     "la,neighbour,name,effective_from,source\n"
                                     "901,902,A,,test\n901,903,B,,test\n"
                                     "901,902,A,2014-04-01,test\n901,904,C,2014-04-01,test\n")
                  .ok());
  ASSERT_TRUE(engine_
                  ->PutReferenceData("comparators",
                                     "entity,indicator,breakdown,period,value,source\n"
                                     "LA:902,lac_rate,,2013-14,50,pub-a\n"
                                     "LA:903,lac_rate,,2013-14,70,pub-b\n"
                                     "LA:904,lac_rate,,2013-14,10,pub-c\n"    // not on 2013-14's list
                                     "LA:902,lac_rate,,2014-15,40,pub-a\n"
                                     "LA:904,lac_rate,,2014-15,80,pub-c\n"
                                     "LA:902,lac_rate,,2015-16,40,pub-a\n"    // 904 has no 2015-16 figure
                                     "LA:902,lac_started,,2014-15,40,pub-a\n"
                                     "LA:904,lac_started,,2014-15,80,pub-c\n"
                                     "SN:901,lac_rate,,2012-13,1,published average\n"
                                     "LA:902,lac_rate,,2012-13,50,pub-a\n"
                                     "LA:903,lac_rate,,2012-13,70,pub-b\n")
                  .ok());
  auto sn = engine_->GetSeries("SN:901", "lac_rate", "", "", "");
  ASSERT_TRUE(sn.ok()) << sn.status();
  std::map<std::string, double> v;
  for (const auto& p : *sn) v[FormatPeriod(p.period())] = p.value();
  // 2012-13 published (1, not the mean 60); 2013-14 (50 + 70) / 2; 2014-15 on the new
  // list (40 + 80) / 2; 2015-16 none: a neighbour has no figure.
  EXPECT_EQ(v, (std::map<std::string, double>{{"2012-13", 1}, {"2013-14", 60}, {"2014-15", 60}}));
  // Counts are not averaged.
  auto counts = engine_->GetSeries("SN:901", "lac_started", "", "", "");
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_TRUE(counts->empty());
  // An LA without neighbours has no average.
  EXPECT_EQ(engine_->GetSeries("SN:999", "lac_rate", "", "", "").status().code(), absl::StatusCode::kNotFound);
  // A bad date is refused with its line.
  auto bad = engine_->PutReferenceData("neighbours", "la,neighbour,effective_from,source\n901,902,1 April,x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status();
}

TEST_F(EngineTest, NeighbourAveragesUseComputedFiguresWhenEveryNeighbourHasThem) {
  // 902 and 903 each have data of their own (7 and 3 referrals in 2015-16) and a
  // published rate; 901's average is of the computed rates, never a mix.
  ASSERT_TRUE(engine_->PutReferenceData("neighbours", "la,neighbour,source\n901,902,test\n901,903,test\n").ok());
  ASSERT_TRUE(engine_
                  ->PutReferenceData("populations",
                                     "entity,mid_year,age_band,population,source\n"
                                     "902,2015,0-17,10000,test\n903,2015,0-17,1000,test\n")
                  .ok());
  ASSERT_TRUE(engine_
                  ->PutReferenceData("comparators",
                                     "entity,indicator,breakdown,period,value,source\n"
                                     "LA:902,referral_rate,,2015-16,500,pub\nLA:903,referral_rate,,2015-16,700,pub\n")
                  .ok());
  auto scan = [](const std::string& la, int n) {
    return [la, n](const std::vector<std::string>&, const std::function<void(const v1::Record&)>& fn) {
      for (int i = 0; i < n; ++i) {
        v1::Record r;
        r.set_return_id(la + "/2016/cin-census");
        r.mutable_referral()->set_child_id("c" + std::to_string(i));
        *r.mutable_referral()->mutable_referral_date() = MakeDate(2015, 5, 1);
        fn(r);
      }
      return absl::OkStatus();
    };
  };
  auto ret = [](const std::string& la) {
    v1::ReturnInfo r;
    r.set_la(la);
    r.set_collection_year(2016);
    r.set_dataset("cin-census");
    r.set_return_id(la + "/2016/cin-census");
    return r;
  };
  // Only 902 computed: not every neighbour, so the published figures: (500 + 700) / 2.
  ASSERT_TRUE(engine_->Recompute("902", {}, {ret("902")}, scan("902", 7)).ok());
  auto one = engine_->GetSeries("SN:901", "referral_rate", "", "2015-16", "2015-16");
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].value(), 600);
  // Both computed: 7 / 10000 * 10000 = 7 and 3 / 1000 * 10000 = 30, mean 18.5.
  ASSERT_TRUE(engine_->Recompute("903", {}, {ret("903")}, scan("903", 3)).ok());
  auto both = engine_->GetSeries("SN:901", "referral_rate", "", "2015-16", "2015-16");
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->size(), 1u);
  EXPECT_NEAR((*both)[0].value(), 18.5, 1e-9);
  EXPECT_NE((*both)[0].sources(0).find("computed from their returns"), std::string::npos);
}

TEST_F(EngineTest, TheReturnsOfTheLastRecomputeAreServedWithTheirTallies) {
  v1::ReturnInfo r;
  r.set_return_id("301/2016/annex-a-list-1");
  r.set_la("301");
  r.set_collection_year(2016);
  r.set_dataset("annex-a-list-1");
  r.set_errors(2);
  v1::RuleTally* t = r.add_rule_tallies();
  t->set_rule("dob");
  t->set_severity("error");
  t->set_count(2);
  v1::ReturnInfo other = r;
  other.set_la("302");
  other.set_return_id("302/2016/annex-a-list-1");
  auto none = [](const std::vector<std::string>&, const std::function<void(const v1::Record&)>&) {
    return absl::OkStatus();
  };
  EXPECT_EQ(engine_->ListReturns("301").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {r, other}, none).ok());
  auto held = engine_->ListReturns("301");
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_EQ(held->size(), 1u);  // the LA's own returns only
  EXPECT_EQ((*held)[0].return_id(), "301/2016/annex-a-list-1");
  ASSERT_EQ((*held)[0].rule_tallies_size(), 1);
  EXPECT_EQ((*held)[0].rule_tallies(0).count(), 2);
}

TEST_F(EngineTest, ReferenceUpdatesAreKeptAcrossRestarts) {
  auto rows = engine_->PutReferenceData(
      "comparators", "entity,indicator,breakdown,period,value,source\nLON,lac_rate,,2014-15,51,DfE CLA 2015\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, 1);
  ASSERT_TRUE(engine_->PutReferenceData("populations",
                                        "entity,mid_year,age_band,population,source\n301,2010,0-17,50000,test\n")
                  .ok());
  EXPECT_EQ(*engine_->populations().Get("301", 2010), 50000);
  engine_.reset();
  auto reopened = MetricsEngine::Open(dir_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->populations().Get("301", 2010), 50000);
  auto lon = (*reopened)->GetSeries("LON", "lac_rate", "", "2014-15", "2015-16");
  ASSERT_TRUE(lon.ok());
  ASSERT_EQ(lon->size(), 2u);
  EXPECT_EQ((*lon)[0].value(), 51);

  auto bad = (*reopened)->PutReferenceData("comparators", "entity,indicator,period,value,source\nENG,nope,2015-16,1,x\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown indicator 'nope'"), std::string::npos);
  EXPECT_FALSE((*reopened)->PutReferenceData("weather", "a,b\n").ok());
  auto local = (*reopened)->PutLocalMeasures("indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,45,x\n");
  ASSERT_TRUE(local.ok()) << local.status();
  auto values = (*reopened)->GetValues("301", "2015-16");
  ASSERT_TRUE(values.ok());
  bool found = false;
  for (const auto& p : *values) found = found || (p.indicator() == "agency_sw_rate_pct" && p.value() == 45 && p.supplied());
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// The engine keeps an LA's deduplicated records between recomputes while its returns
// (ids, generations, content) are the same; any change must read the records again.
class RecordCacheTest : public EngineTest {
 protected:
  static v1::ReturnInfo Stored(const std::string& la, int year, const std::string& dataset, uint64_t generation) {
    v1::ReturnInfo r;
    r.set_la(la);
    r.set_collection_year(year);
    r.set_dataset(dataset);
    r.set_return_id(la + "/" + std::to_string(year) + "/" + dataset);
    r.set_generation(generation);
    r.set_content_sha256("sha-" + std::to_string(generation));
    return r;
  }
  // `referrals` referrals in May 2015 in the 2016 census of `la`, `flagged` more with
  // errors; counts the scans.
  MetricsEngine::RecordScan CountingScan(const std::string& la, int referrals, int flagged = 0) {
    return [this, la, referrals, flagged](const std::vector<std::string>& only,
                                          const std::function<void(const v1::Record&)>& fn) {
      ++scans_;
      asked_ = only;
      const std::string id = la + "/2016/cin-census";
      if (!only.empty() && std::find(only.begin(), only.end(), id) == only.end()) return absl::OkStatus();
      for (int i = 0; i < referrals + flagged; ++i) {
        v1::Record r;
        r.set_return_id(la + "/2016/cin-census");
        r.mutable_referral()->set_child_id("c" + std::to_string(i));
        *r.mutable_referral()->mutable_referral_date() = MakeDate(2015, 5, 1);
        if (i >= referrals) r.set_has_error(true);
        fn(r);
      }
      return absl::OkStatus();
    };
  }
  double Value(const std::string& la, const std::string& indicator, const std::string& period = "2015-16") {
    auto values = engine_->GetValues(la, period);
    EXPECT_TRUE(values.ok()) << values.status();
    if (!values.ok()) return -1;
    for (const auto& p : *values) {
      if (p.indicator() == indicator && p.breakdown().empty()) return p.value();
    }
    return -1;
  }
  int scans_ = 0;
  std::vector<std::string> asked_;  // the returns the last scan was asked for (empty: all)
};

TEST_F(RecordCacheTest, SameReturnsReuseTheRecords) {
  const std::vector<v1::ReturnInfo> returns = {Stored("301", 2016, "cin-census", 10)};
  auto first = engine_->Recompute("301", {2016}, returns, CountingScan("301", 7));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(scans_, 1);
  // The same returns: the kept records are used and the scan is not called again, even
  // when it would now give other records (a generation's records never change).
  auto second = engine_->Recompute("301", {2016}, returns, CountingScan("301", 3));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(scans_, 1);
  EXPECT_EQ(second->records_read(), 7);
  EXPECT_EQ(second->points_written(), first->points_written());
  EXPECT_EQ(Value("301", "referrals"), 7);
  // Every year from the kept records too.
  ASSERT_TRUE(engine_->Recompute("301", {}, returns, CountingScan("301", 3)).ok());
  EXPECT_EQ(scans_, 1);
  EXPECT_EQ(Value("301", "referrals"), 7);
}

TEST_F(RecordCacheTest, AReplacedReturnGivesTheNewFigures) {
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {Stored("301", 2016, "cin-census", 10)}, CountingScan("301", 7)).ok());
  EXPECT_EQ(Value("301", "referrals"), 7);
  // The return is uploaded again with other content: a new generation.
  auto r = engine_->Recompute("301", {2016}, {Stored("301", 2016, "cin-census", 11)}, CountingScan("301", 3));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(asked_, std::vector<std::string>{"301/2016/cin-census"});  // that return alone
  EXPECT_EQ(r->records_read(), 3);
  EXPECT_EQ(Value("301", "referrals"), 3);
  // Going back to generation 10's list is a change too (the kept set is generation 11's).
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {Stored("301", 2016, "cin-census", 10)}, CountingScan("301", 5)).ok());
  EXPECT_EQ(scans_, 3);
  EXPECT_EQ(Value("301", "referrals"), 5);
}

TEST_F(RecordCacheTest, AnAddedOrRemovedReturnChangesOnlyItsOwnRecords) {
  const v1::ReturnInfo census = Stored("301", 2016, "cin-census", 10);
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {census}, CountingScan("301", 7)).ok());
  // A new return (contacts for the year) joins the list: the scan is asked for it alone,
  // and the census's kept records stay (the scan's 4 census referrals are not read).
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {census, Stored("301", 2016, "annex-a-list-1", 12)},
                                 CountingScan("301", 4))
                  .ok());
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(asked_, std::vector<std::string>{"301/2016/annex-a-list-1"});
  EXPECT_EQ(Value("301", "referrals"), 7);
  EXPECT_EQ(Value("301", "contacts"), 0);  // covered now, and none in the records
  // And leaves it again: nothing to read, and contacts are no longer covered.
  auto r = engine_->Recompute("301", {2016}, {census}, CountingScan("301", 2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(r->records_read(), 7);
  EXPECT_EQ(Value("301", "referrals"), 7);
  EXPECT_EQ(Value("301", "contacts"), -1);  // no longer covered: no point
  // The census removed and another year's added: the census's records go with it.
  auto later = engine_->Recompute("301", {2016}, {Stored("301", 2016, "annex-a-list-1", 13)}, CountingScan("301", 5));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->records_read(), 0);
  EXPECT_EQ(Value("301", "referrals"), -1);  // no census for the year: no point
  EXPECT_EQ(Value("301", "contacts"), 0);
}

TEST_F(RecordCacheTest, AScanThatRanAheadOfTheListIsNotCountedTwice) {
  // The first scan gives records of a return the list does not have yet (uploaded
  // between ListReturns and StreamRecords): they are left out, and read once the list
  // has the return.
  const v1::ReturnInfo contacts = Stored("301", 2016, "annex-a-list-1", 12);
  ASSERT_TRUE(engine_->Recompute("301", {2016}, {contacts}, CountingScan("301", 7)).ok());
  EXPECT_EQ(Value("301", "referrals"), -1);
  ASSERT_TRUE(
      engine_->Recompute("301", {2016}, {contacts, Stored("301", 2016, "cin-census", 10)}, CountingScan("301", 7))
          .ok());
  EXPECT_EQ(asked_, std::vector<std::string>{"301/2016/cin-census"});
  EXPECT_EQ(Value("301", "referrals"), 7);
}

TEST_F(RecordCacheTest, ReturnsWithoutAGenerationAreNeverReused) {
  std::vector<v1::ReturnInfo> returns = {Stored("301", 2016, "cin-census", 10)};
  returns[0].clear_generation();
  ASSERT_TRUE(engine_->Recompute("301", {2016}, returns, CountingScan("301", 7)).ok());
  ASSERT_TRUE(engine_->Recompute("301", {2016}, returns, CountingScan("301", 3)).ok());
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(Value("301", "referrals"), 3);
}

TEST_F(RecordCacheTest, OnlyTheLaRecomputedLastIsKept) {
  const std::vector<v1::ReturnInfo> both = {Stored("301", 2016, "cin-census", 10),
                                            Stored("302", 2016, "cin-census", 20)};
  ASSERT_TRUE(engine_->Recompute("301", {2016}, both, CountingScan("301", 7)).ok());
  ASSERT_TRUE(engine_->Recompute("302", {2016}, both, CountingScan("302", 4)).ok());
  ASSERT_TRUE(engine_->Recompute("302", {2016}, both, CountingScan("302", 1)).ok());
  EXPECT_EQ(scans_, 2);  // 302 kept
  EXPECT_EQ(Value("302", "referrals"), 4);
  // 301's set was dropped for 302's: read again, and never mixed with 302's records.
  ASSERT_TRUE(engine_->Recompute("301", {2016}, both, CountingScan("301", 5)).ok());
  EXPECT_EQ(scans_, 3);
  EXPECT_EQ(Value("301", "referrals"), 5);
  EXPECT_EQ(Value("302", "referrals"), 4);
  // 302's return replaced while 301 is kept: 302 is read again with its new records.
  const std::vector<v1::ReturnInfo> replaced = {Stored("301", 2016, "cin-census", 10),
                                                Stored("302", 2016, "cin-census", 21)};
  ASSERT_TRUE(engine_->Recompute("302", {2016}, replaced, CountingScan("302", 6)).ok());
  EXPECT_EQ(scans_, 4);
  EXPECT_EQ(Value("302", "referrals"), 6);
}

TEST_F(RecordCacheTest, AFailedScanKeepsNothing) {
  const std::vector<v1::ReturnInfo> returns = {Stored("301", 2016, "cin-census", 10)};
  auto failing = [&](const std::vector<std::string>&, const std::function<void(const v1::Record&)>& fn) -> absl::Status {
    ++scans_;
    v1::Record r;
    r.set_return_id("301/2016/cin-census");
    r.mutable_referral()->set_child_id("half");
    *r.mutable_referral()->mutable_referral_date() = MakeDate(2015, 5, 1);
    fn(r);
    return absl::UnavailableError("ingestion went away");
  };
  EXPECT_EQ(engine_->Recompute("301", {2016}, returns, failing).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(engine_->Recompute("301", {2016}, returns, CountingScan("301", 7)).ok());
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(Value("301", "referrals"), 7);
}

TEST_F(RecordCacheTest, FlaggedRecordsStayExcludedFromKeptRecords) {
  const std::vector<v1::ReturnInfo> returns = {Stored("301", 2016, "cin-census", 10)};
  for (int i = 0; i < 2; ++i) {
    auto r = engine_->Recompute("301", {2016}, returns, CountingScan("301", 5, 2));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->records_read(), 7);
    EXPECT_EQ(Value("301", "referrals"), 5);
    EXPECT_EQ(Value("301", "dq_excluded_records"), 2);
  }
  EXPECT_EQ(scans_, 1);
}

TEST_F(RecordCacheTest, ForgetRecordsReadsThemAgain) {
  const std::vector<v1::ReturnInfo> returns = {Stored("301", 2016, "cin-census", 10)};
  ASSERT_TRUE(engine_->Recompute("301", {2016}, returns, CountingScan("301", 7)).ok());
  engine_->ForgetRecords();
  ASSERT_TRUE(engine_->Recompute("301", {2016}, returns, CountingScan("301", 3)).ok());
  EXPECT_EQ(scans_, 2);
  EXPECT_EQ(Value("301", "referrals"), 3);
}

}  // namespace
}  // namespace carestat
