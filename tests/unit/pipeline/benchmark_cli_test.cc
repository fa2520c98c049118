// GetBenchmark and `carestat benchmark`: the RPC over the metrics engine's stored points,
// the command line's table, JSON and errors, and a national synthetic year (synth --las)
// giving every LA its benchmark table in one pass.
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "synth/synth.h"
#include "services/common/dates.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/metrics.h"
#include "services/metrics/reference/lait.h"
#include "services/metrics/service.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {
namespace fs = std::filesystem;

// A national synthetic year (WriteSynthNational, as `carestat synth --las N`) ingested and
// recomputed into one ingestion store and one metrics engine, as `carestat run` would.
struct National {
  std::unique_ptr<Ingestor> ingestor;
  std::unique_ptr<MetricsEngine> engine;
  std::vector<std::string> las;
};

void BuildNational(const std::string& dir, int las, double scale, National* n) {
  NationalOptions o;
  o.out_dir = dir + "/inbox";
  o.las = las;
  o.scale = scale;
  o.seed = 3;
  auto summary = WriteSynthNational(o);
  ASSERT_TRUE(summary.ok()) << summary.status();
  auto ing = Ingestor::Open(dir + "/ingestion");
  ASSERT_TRUE(ing.ok()) << ing.status();
  auto eng = MetricsEngine::Open(dir + "/metrics");
  ASSERT_TRUE(eng.ok()) << eng.status();
  n->ingestor = std::move(*ing);
  n->engine = std::move(*eng);
  for (const NationalLa& la : summary->las) {
    n->las.push_back(la.la);
    for (const auto& year : fs::directory_iterator(fs::path(o.out_dir) / la.la)) {
      for (const auto& f : fs::directory_iterator(year.path())) {
        v1::UploadHeader h;
        h.set_la(la.la);
        h.set_collection_year(std::stoi(year.path().filename().string()));
        h.set_file_name(f.path().filename().string());
        auto r = n->ingestor->IngestFile(h, f.path().string());
        ASSERT_TRUE(r.ok()) << f.path() << ": " << r.status();
      }
    }
    auto returns = n->ingestor->store().ListReturns(la.la);
    ASSERT_TRUE(returns.ok()) << returns.status();
    auto scan = [&](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
      return n->ingestor->store().ScanRecords(la.la, {}, only, [&](const v1::Record& r) {
        fn(r);
        return true;
      });
    };
    auto rc = n->engine->Recompute(la.la, {}, *returns, scan);
    ASSERT_TRUE(rc.ok()) << la.la << ": " << rc.status();
  }
}

std::map<std::string, v1::LaBenchmark> ByIndicator(const v1::GetBenchmarkResponse& r) {
  std::map<std::string, v1::LaBenchmark> out;
  for (const auto& b : r.benchmarks()) out[b.indicator()] = b;
  return out;
}

TEST(BenchmarkRpcTest, ANationalSyntheticYearGivesEveryLaItsTableInOnePass) {
  const std::string dir = MakeTempDir("benchmark-national");
  National n;
  // Every one of the 152 LAs, at a small scale so the test stays well under a minute.
  BuildNational(dir, 152, 0.01, &n);
  ASSERT_EQ(n.las.size(), 152u);
  MetricsService svc(n.engine.get(), nullptr);
  const size_t indicators = Catalogue().size();
  int reconciled = 0, with_computed = 0;
  // Every LA's own re-referral point of 2015-16, read straight from the engine: the
  // comparators from the loaded LAs are pooled from these.
  std::map<std::string, v1::IndicatorPoint> rereferral;
  for (const std::string& la : n.las) {
    auto s = n.engine->GetSeries(la, "rereferral_12m_pct", "", "2015-16", "2015-16");
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->size(), 1u) << la;
    rereferral[la] = (*s)[0];
  }
  auto pooled = [&](const std::function<bool(const std::string&)>& in) {
    double num = 0, den = 0;
    for (const auto& [la, p] : rereferral) {
      if (in(la)) num += p.numerator(), den += p.denominator();
    }
    return num / den * 100;
  };
  const double england = pooled([](const std::string&) { return true; });
  for (const std::string& la : n.las) {
    v1::GetBenchmarkRequest req;
    req.set_la(la);
    req.set_year("2015-16");
    v1::GetBenchmarkResponse resp;
    grpc::Status s = svc.GetBenchmark(nullptr, &req, &resp);
    ASSERT_TRUE(s.ok()) << la << ": " << s.error_message();
    ASSERT_EQ(static_cast<size_t>(resp.benchmarks_size()), indicators) << la;
    auto by = ByIndicator(resp);
    // The council's own referrals, computed from its synthetic returns, beside DfE's.
    // (Counts: reference/populations.csv holds the populations of a few LAs only, so most
    // synthetic LAs have no computed rate.)
    auto series = n.engine->GetSeries(la, "referrals", "", "2015-16", "2015-16");
    ASSERT_TRUE(series.ok()) << series.status();
    const v1::LaBenchmark& rate = by.at("referrals");
    EXPECT_EQ(rate.period(), "2015-16");
    if (!series->empty() && (*series)[0].has_value()) {
      ++with_computed;
      ASSERT_TRUE(rate.has_computed()) << la;
      EXPECT_DOUBLE_EQ(rate.computed(), (*series)[0].value());
      if (rate.has_published()) {
        ASSERT_EQ(rate.reconciliation_size(), 1) << la;
        EXPECT_DOUBLE_EQ(rate.reconciliation(0).difference(), rate.computed() - rate.published());
        ++reconciled;
      }
    }
    // DfE's side is the same whatever metrics holds: the pure function on the shipped rows.
    const v1::LaBenchmark& rr = by.at("rereferral_12m_pct");
    v1::LaBenchmark alone = BenchmarkOf(Lait::Shipped(), la, "rereferral_12m_pct", 2015, {});
    EXPECT_EQ(rr.rank(), alone.rank()) << la;
    EXPECT_EQ(rr.quartile(), alone.quartile()) << la;
    EXPECT_EQ(by.at("contacts").status(), "not published by DfE");
    // Beside DfE's: the same comparators from the 152 loaded LAs' own returns.
    ASSERT_TRUE(rr.has_loaded()) << la;
    const v1::LoadedComparators& l = rr.loaded();
    EXPECT_EQ(l.las(), 152);
    ASSERT_TRUE(l.has_england()) << la;
    EXPECT_NEAR(l.england(), england, 1e-9);
    const std::string region = Lait::Shipped().FindArea(la)->region_code;
    ASSERT_TRUE(l.has_region()) << la;
    EXPECT_NEAR(l.region(), pooled([&](const std::string& o) {
                  return Lait::Shipped().FindArea(o)->region_code == region;
                }), 1e-9) << la;
    if (rereferral.at(la).has_value()) {
      int better = 0, with = 0;
      for (const auto& [o, p] : rereferral) {
        if (!p.has_value()) continue;
        ++with;
        better += p.value() < rereferral.at(la).value() ? 1 : 0;  // polarity Low
      }
      EXPECT_EQ(l.rank(), better + 1) << la;
      EXPECT_EQ(l.rank_of(), with) << la;
      EXPECT_FALSE(l.quartile().empty()) << la;
    }
    if (auto list = Lait::Shipped().Neighbours(la, FinancialYearEnd(2015))) {
      double sum = 0;
      bool all = true;
      // (A 2021 list can name an LA formed after 2015-16: that neighbour has no figure.)
      for (const auto& o : list->neighbours) {
        auto it = rereferral.find(o);
        all = all && it != rereferral.end() && it->second.has_value();
        if (it != rereferral.end()) sum += it->second.value();
      }
      EXPECT_EQ(l.has_neighbours_average(), all) << la;
      if (all) EXPECT_NEAR(l.neighbours_average(), sum / 10, 1e-9) << la;
    }
  }
  EXPECT_GE(with_computed, 140);
  EXPECT_GE(reconciled, 140);
}

// The loaded LAs' figures are read once per version of metrics' points: a recompute
// after them is seen by the next call, not hidden by what an earlier call read.
TEST(BenchmarkRpcTest, ComparatorsFromLoadedLasFollowARecompute) {
  const std::string dir = MakeTempDir("benchmark-loaded");
  National n;
  BuildNational(dir, 3, 0.01, &n);
  ASSERT_EQ(n.las.size(), 3u);
  MetricsService svc(n.engine.get(), nullptr);
  auto ask = [&](const std::string& la) {
    v1::GetBenchmarkRequest req;
    req.set_la(la);
    req.set_indicator("referrals");
    req.set_year("2015-16");
    v1::GetBenchmarkResponse resp;
    grpc::Status s = svc.GetBenchmark(nullptr, &req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.benchmarks_size() == 1 ? resp.benchmarks(0) : v1::LaBenchmark();
  };
  v1::LaBenchmark before = ask(n.las[0]);
  ASSERT_TRUE(before.has_loaded());
  EXPECT_EQ(before.loaded().las_with_figure(), 3);
  EXPECT_FALSE(before.loaded().has_england());  // 3 of 152
  // The third LA's returns all withdrawn and recomputed: its figures go.
  auto rc = n.engine->Recompute(n.las[2], {}, {}, [](const std::vector<std::string>&,
                                                     const std::function<void(const v1::Record&)>&) {
    return absl::OkStatus();
  });
  ASSERT_TRUE(rc.ok()) << rc.status();
  v1::LaBenchmark after = ask(n.las[0]);
  ASSERT_TRUE(after.has_loaded());
  EXPECT_EQ(after.loaded().las_with_figure(), 2);
}

TEST(BenchmarkRpcTest, ErrorsAndDefaults) {
  const std::string dir = MakeTempDir("benchmark-rpc");
  auto eng = MetricsEngine::Open(dir);
  ASSERT_TRUE(eng.ok());
  MetricsService svc(eng->get(), nullptr);
  v1::GetBenchmarkRequest req;
  v1::GetBenchmarkResponse resp;
  req.set_la("999");
  EXPECT_EQ(svc.GetBenchmark(nullptr, &req, &resp).error_code(), grpc::INVALID_ARGUMENT);
  req.set_la("970");  // England is not an LA
  EXPECT_EQ(svc.GetBenchmark(nullptr, &req, &resp).error_code(), grpc::INVALID_ARGUMENT);
  req.set_la("301");
  req.set_indicator("no_such_indicator");
  EXPECT_EQ(svc.GetBenchmark(nullptr, &req, &resp).error_code(), grpc::INVALID_ARGUMENT);
  req.set_indicator("cpp_repeat_pct");
  req.set_year("2015-17");
  EXPECT_EQ(svc.GetBenchmark(nullptr, &req, &resp).error_code(), grpc::INVALID_ARGUMENT);
  // No year: the latest DfE published for the LA; no data held: no computed figure.
  req.set_year("");
  ASSERT_TRUE(svc.GetBenchmark(nullptr, &req, &resp).ok());
  ASSERT_EQ(resp.benchmarks_size(), 1);
  EXPECT_EQ(resp.benchmarks(0).period(), FormatPeriod(FinancialYear(*LatestPublishedYear(Lait::Shipped(), "301", "cpp_repeat_pct"))));
  EXPECT_FALSE(resp.benchmarks(0).has_computed());
  EXPECT_GT(resp.benchmarks(0).rank(), 0);
}

TEST(BenchmarkCliTest, TableJsonAndErrors) {
  const std::string data = MakeTempDir("benchmark-cli");
  // An empty store: DfE's published figures alone.
  CommandResult r = RunCommand({CarestatBin(), "init", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({CarestatBin(), "benchmark", "--la", "301", "--year", "2015-16", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every indicator DfE published, with its value, England, London, neighbours and rank.
  const Lait& lait = Lait::Shipped();
  v1::LaBenchmark rr = BenchmarkOf(lait, "301", "rereferral_12m_pct", 2015, {});
  EXPECT_NE(r.out.find("region London (986)"), std::string::npos) << r.out;
  const std::string rank = absl::StrCat(rr.rank(), "/", rr.rank_of());
  bool found = false;
  for (const auto& line : absl::StrSplit(r.out, '\n')) {
    if (absl::StartsWith(line, "rereferral_12m_pct ")) {
      found = true;
      EXPECT_NE(line.find(rank), std::string::npos) << line;
      EXPECT_NE(line.find(absl::StrCat(" ", rr.quartile(), " ")), std::string::npos) << line;
    }
    if (absl::StartsWith(line, "contacts ")) EXPECT_NE(line.find("not published by DfE"), std::string::npos) << line;
  }
  EXPECT_TRUE(found) << r.out;
  for (const auto& m : lait.mappings()) {
    if (m.mapped()) EXPECT_NE(r.out.find(m.indicator + " "), std::string::npos) << m.indicator;
  }

  r = RunCommand({CarestatBin(), "benchmark", "--la", "301", "--indicator", "rereferral_12m_pct", "--year", "2015-16",
                  "--json", "--data", data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  v1::GetBenchmarkResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  ASSERT_EQ(parsed.benchmarks_size(), 1);
  EXPECT_EQ(parsed.benchmarks(0).rank(), rr.rank());
  EXPECT_EQ(parsed.benchmarks(0).quartile(), rr.quartile());
  EXPECT_DOUBLE_EQ(parsed.benchmarks(0).published(), rr.published());

  r = RunCommand({CarestatBin(), "benchmark", "--la", "999", "--data", data});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown LA '999'"), std::string::npos) << r.err;
  r = RunCommand({CarestatBin(), "benchmark", "--la", "301", "--indicator", "nope", "--data", data});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown indicator 'nope'"), std::string::npos) << r.err;
  r = RunCommand({CarestatBin(), "benchmark", "--data", data});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace carestat
