#include <gtest/gtest.h>

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
    return [referrals_2015_16](const std::function<void(const v1::Record&)>& fn) {
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
  EXPECT_EQ(engine_->GetTargets("302", "adoption_a1_days_3yr").size(), 1u);       // a DfE threshold for all
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
