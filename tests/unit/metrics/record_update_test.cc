// A kept RecordSet brought up to date return by return must give the figures a set
// built afresh from the same returns gives: every point (value, numerator,
// denominator, sources) of every financial year and month, on the synthetic borough's
// six years of returns, after replacing, removing and adding returns of each dataset.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "synth/synth.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/indicators/record_set.h"
#include "services/metrics/metrics.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

using Records = std::vector<v1::Record>;

MetricsEngine::RecordScan MemoryScan(const Records& records, std::vector<std::string>* asked) {
  return [&records, asked](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
    *asked = only;
    for (const auto& r : records) {
      if (only.empty() || std::find(only.begin(), only.end(), r.return_id()) != only.end()) fn(r);
    }
    return absl::OkStatus();
  };
}

class RecordUpdateTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = MakeTempDir("record-update");
    SynthOptions o;
    o.out_dir = dir + "/inbox";
    auto written = WriteSynthBorough(o);
    ASSERT_TRUE(written.ok()) << written.status();
    auto ing = Ingestor::Open(dir + "/ingestion");
    ASSERT_TRUE(ing.ok()) << ing.status();
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(o.out_dir)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      // OUT/301/<CY>/<name>
      v1::UploadHeader h;
      h.set_la(p.parent_path().parent_path().filename().string());
      h.set_collection_year(std::stoi(p.parent_path().filename().string()));
      h.set_file_name(p.filename().string());
      auto r = (*ing)->IngestFile(h, p.string());
      ASSERT_TRUE(r.ok()) << p << ": " << r.status();
    }
    auto returns = (*ing)->store().ListReturns("301");
    ASSERT_TRUE(returns.ok()) << returns.status();
    returns_ = new std::vector<v1::ReturnInfo>(*returns);
    records_ = new Records();
    ASSERT_TRUE((*ing)->store()
                    .ScanRecords("301", {},
                                 [](const v1::Record& r) {
                                   records_->push_back(r);
                                   return true;
                                 })
                    .ok());
  }
  static void TearDownTestSuite() {
    delete returns_;
    delete records_;
  }

  void SetUp() override {
    ASSERT_NE(returns_, nullptr);
    ASSERT_GT(records_->size(), 100000u);
    auto engine = MetricsEngine::Open(MakeTempDir("record-update-kept"));
    ASSERT_TRUE(engine.ok()) << engine.status();
    kept_ = std::move(*engine);
    returns = *returns_;
    records = *records_;
    auto r = kept_->Recompute("301", {}, returns, MemoryScan(records, &asked_));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(asked_.empty());  // the first recompute reads every return
  }

  // The return of that year and dataset.
  v1::ReturnInfo* Find(int year, const std::string& dataset) {
    for (auto& r : returns) {
      if (r.collection_year() == year && r.dataset() == dataset) return &r;
    }
    ADD_FAILURE() << "no return " << year << " " << dataset;
    return nullptr;
  }
  // Gives the return a new generation whose records are `edit` applied to each of
  // its records (false drops the record).
  template <typename Edit>
  void Replace(int year, const std::string& dataset, Edit edit) {
    v1::ReturnInfo* info = Find(year, dataset);
    ASSERT_NE(info, nullptr);
    info->set_generation(info->generation() + 1000);
    info->set_content_sha256(info->content_sha256() + "-edited");
    Records out;
    int64_t i = 0;
    for (auto r : records) {
      if (r.return_id() != info->return_id() || edit(r, i++)) out.push_back(std::move(r));
    }
    records = std::move(out);
  }
  void Remove(int year, const std::string& dataset) {
    v1::ReturnInfo* info = Find(year, dataset);
    ASSERT_NE(info, nullptr);
    const std::string id = info->return_id();
    std::erase_if(records, [&](const v1::Record& r) { return r.return_id() == id; });
    std::erase_if(returns, [&](const v1::ReturnInfo& r) { return r.return_id() == id; });
  }

  // Every point of every financial year and month, by key, without the time computed.
  static std::map<std::string, std::string> AllPoints(MetricsEngine& e) {
    std::map<std::string, std::string> out;
    std::vector<std::string> periods;
    for (int y = 2008; y <= 2017; ++y) {
      periods.push_back(absl::StrCat(y, "-", (y + 1) % 100 < 10 ? "0" : "", (y + 1) % 100));
      for (int m = 1; m <= 12; ++m) periods.push_back(absl::StrCat(y, "-", m < 10 ? "0" : "", m));
    }
    for (const auto& period : periods) {
      auto points = e.GetValues("301", period);
      EXPECT_TRUE(points.ok()) << period << ": " << points.status();
      if (!points.ok()) continue;
      for (auto p : *points) {
        p.clear_computed_unix_ms();
        out[absl::StrCat(period, " ", p.indicator(), "{", p.breakdown(), "}")] = p.SerializeAsString();
      }
    }
    return out;
  }

  // Brings the kept set up to date, recomputing only the years the change may have
  // moved, then checks every point of every year against a fresh engine's (which
  // recomputes every year). Returns the years the kept engine recomputed.
  std::vector<std::string> ExpectSameAsFresh(const std::vector<std::string>& expect_asked) {
    std::vector<std::string> recomputed;
    auto r = kept_->Recompute("301", {}, returns, MemoryScan(records, &asked_));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return recomputed;
    recomputed.assign(r->periods().begin(), r->periods().end());
    EXPECT_EQ(asked_, expect_asked);
    auto fresh = MetricsEngine::Open(MakeTempDir("record-update-fresh"));
    EXPECT_TRUE(fresh.ok()) << fresh.status();
    if (!fresh.ok()) return recomputed;
    std::vector<std::string> all;
    auto f = (*fresh)->Recompute("301", {}, returns, MemoryScan(records, &all));
    EXPECT_TRUE(f.ok()) << f.status();
    if (!f.ok()) return recomputed;
    EXPECT_EQ(r->records_read(), f->records_read());
    // The years recomputed run from the first the change moved to the last.
    EXPECT_FALSE(recomputed.empty());
    if (!recomputed.empty()) {
      EXPECT_EQ(recomputed.back(), f->periods(f->periods_size() - 1));
    }
    const auto kept = AllPoints(*kept_);
    const auto want = AllPoints(**fresh);
    EXPECT_GT(want.size(), 1000u);
    EXPECT_EQ(kept.size(), want.size());
    int shown = 0;
    for (const auto& [key, point] : want) {
      auto it = kept.find(key);
      if (it == kept.end()) {
        if (shown++ < 10) ADD_FAILURE() << "kept set has no point " << key;
      } else if (it->second != point) {
        if (shown++ < 10) ADD_FAILURE() << "point differs: " << key;
      }
    }
    for (const auto& [key, point] : kept) {
      if (!want.count(key) && shown++ < 10) ADD_FAILURE() << "kept set has an extra point " << key;
    }
    return recomputed;
  }

  static std::vector<v1::ReturnInfo>* returns_;
  static Records* records_;
  std::unique_ptr<MetricsEngine> kept_;
  std::vector<v1::ReturnInfo> returns;
  Records records;
  std::vector<std::string> asked_;
};

std::vector<v1::ReturnInfo>* RecordUpdateTest::returns_ = nullptr;
Records* RecordUpdateTest::records_ = nullptr;

TEST_F(RecordUpdateTest, AnEarlierCensusReplaced) {
  // 2015's census: its episodes and plans also sit in 2016's census, so taking its old
  // records out must leave 2016's versions, and its new records (a quarter of the rows
  // gone, every seventh referral a day later, some plans without their end date)
  // must deduplicate against them as before.
  Replace(2015, "cin-census", [](v1::Record& r, int64_t i) {
    if (i % 4 == 3) return false;
    if (r.has_referral() && i % 7 == 0) {
      v1::Date* d = r.mutable_referral()->mutable_referral_date();
      d->set_day(d->day() < 28 ? d->day() + 1 : 1);
    }
    if (r.has_cp_plan() && i % 5 == 0) r.mutable_cp_plan()->clear_end_date();
    return true;
  });
  ExpectSameAsFresh({"301/2015/cin-census"});
}

TEST_F(RecordUpdateTest, TheLatestCensusReplacedThenTheOldOneBack) {
  const Records before = records;
  const std::vector<v1::ReturnInfo> returns_before = returns;
  Replace(2016, "cin-census", [](v1::Record& r, int64_t i) {
    if (r.has_child() && i % 3 == 0) r.mutable_child()->set_ethnicity("WIRI");
    return i % 5 != 1;
  });
  ExpectSameAsFresh({"301/2016/cin-census"});
  records = before;
  returns = returns_before;
  ExpectSameAsFresh({"301/2016/cin-census"});
}

TEST_F(RecordUpdateTest, EpisodesRemovedThenAddedBack) {
  const Records before = records;
  const std::vector<v1::ReturnInfo> returns_before = returns;
  Remove(2016, "ssda903-episodes");
  ExpectSameAsFresh({});  // nothing to read: the return's records are taken out
  records = before;
  returns = returns_before;
  ExpectSameAsFresh({"301/2016/ssda903-episodes"});
}

TEST_F(RecordUpdateTest, HeadersAdoptionsAndCareLeaversReplaced) {
  // Children's details (merged across datasets), adoptions (kept in key order), care
  // leavers and list 8's periods of care (kept by year) take their own paths.
  Replace(2014, "ssda903-header", [](v1::Record& r, int64_t i) {
    if (r.has_child() && i % 2 == 0) r.mutable_child()->set_sex(r.child().sex() == v1::MALE ? v1::FEMALE : v1::MALE);
    return i % 6 != 5;
  });
  Replace(2016, "ssda903-ad1", [](v1::Record&, int64_t i) { return i % 2 == 0; });
  Replace(2015, "ssda903-oc3", [](v1::Record& r, int64_t i) {
    if (r.has_care_leaver() && i % 3 == 0) r.mutable_care_leaver()->set_in_touch("NO");
    return true;
  });
  // Annex A list 8 (where children are placed), by year like care leavers.
  Replace(2016, "annex-a-list-8", [](v1::Record& r, int64_t i) {
    if (r.has_care_period() && i % 4 == 0) r.mutable_care_period()->set_placed_inside_la(!r.care_period().placed_inside_la());
    return i % 3 != 2;
  });
  std::vector<std::string> want = {"301/2014/ssda903-header", "301/2015/ssda903-oc3", "301/2016/annex-a-list-8",
                                   "301/2016/ssda903-ad1"};
  ExpectSameAsFresh(want);
}

TEST_F(RecordUpdateTest, FlaggedRecordsOfAReplacedReturnAreCountedAgain) {
  Replace(2016, "annex-a-list-1", [](v1::Record& r, int64_t i) {
    if (i % 10 == 0) r.set_has_error(true);
    return true;
  });
  // The list's contacts are all dated in 2015-16, and later years look back at nothing
  // earlier: that year alone is recomputed.
  EXPECT_EQ(ExpectSameAsFresh({"301/2016/annex-a-list-1"}), std::vector<std::string>{"2015-16"});
}

TEST_F(RecordUpdateTest, AnIdenticalReplacementRecomputesFromItsOwnYear) {
  // The 2014 census uploaded again unchanged (a new generation, the same records): no
  // record moves, and only its own year (its data-quality count) and the later years
  // (which may look back at it) are done again.
  Replace(2014, "cin-census", [](v1::Record&, int64_t) { return true; });
  const auto years = ExpectSameAsFresh({"301/2014/cin-census"});
  EXPECT_EQ(years, (std::vector<std::string>{"2013-14", "2014-15", "2015-16"}));
}

TEST_F(RecordUpdateTest, NamedYearsLeaveTheRestForTheNextRecompute) {
  // A change to 2013-14's census recomputed for collection year 2016 alone: the years
  // it skipped are done by the next recompute of every year, even though that one's own
  // change (flags on the 2016 contacts) would move 2015-16 alone.
  Replace(2014, "cin-census", [](v1::Record& r, int64_t i) { return !(r.has_referral() && i % 3 == 0); });
  auto named = kept_->Recompute("301", {2016}, returns, MemoryScan(records, &asked_));
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(std::vector<std::string>(named->periods().begin(), named->periods().end()),
            std::vector<std::string>{"2015-16"});
  Replace(2016, "annex-a-list-1", [](v1::Record& r, int64_t i) {
    if (i % 10 == 0) r.set_has_error(true);
    return true;
  });
  const auto years = ExpectSameAsFresh({"301/2016/annex-a-list-1"});
  ASSERT_FALSE(years.empty());
  EXPECT_LE(years.front(), "2013-14");
}

TEST_F(RecordUpdateTest, AChangedChildRecomputesEveryYear) {
  // A child's sex corrected in the latest header: every year the child was looked after
  // may move (lac_female_pct).
  bool done = false;
  Replace(2016, "ssda903-header", [&](v1::Record& r, int64_t) {
    if (!done && r.has_child()) {
      r.mutable_child()->set_sex(r.child().sex() == v1::MALE ? v1::FEMALE : v1::MALE);
      done = true;
    }
    return true;
  });
  const auto years = ExpectSameAsFresh({"301/2016/ssda903-header"});
  EXPECT_EQ(years.size(), 6u);
}

}  // namespace
}  // namespace carestat
