// File: fake_metrics.h
// Test doubles for the reporting sources: metrics' GetSeries/GetValues/ListIndicators
// over an in-memory table of points (with the real catalogue), and ingestion's returns.
//   FakeMetrics m = SeedLikeMetrics();        // LA 301, 2010-11 to 2015-16, seed figures
//   m.Put("301", "adoptions", "", 2015, 28);
//   auto report = BuildAnnualReport("301", "2015-16", m, 0);
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/common/reference_csv.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/reporting/reports/source.h"

namespace carestat {

class FakeMetrics : public MetricsSource {
 public:
  using Key = std::tuple<std::string, std::string, std::string, int>;  // entity, indicator, breakdown, year

  // A value; numerator and denominator default to a count's (value, 0).
  v1::IndicatorPoint& Put(const std::string& entity, const std::string& indicator, const std::string& breakdown,
                          int year, double value, double numerator = NAN, double denominator = 0,
                          bool supplied = false) {
    v1::IndicatorPoint& p = points_[Key{entity, indicator, breakdown, year}];
    p.set_entity(entity);
    p.set_indicator(indicator);
    p.set_breakdown(breakdown);
    *p.mutable_period() = FinancialYear(year);
    p.set_has_value(true);
    p.set_value(value);
    p.set_numerator(std::isnan(numerator) ? value : numerator);
    p.set_denominator(denominator);
    p.set_supplied(supplied);
    return p;
  }
  // A point without a value (a zero denominator).
  void PutNoValue(const std::string& entity, const std::string& indicator, const std::string& breakdown, int year) {
    v1::IndicatorPoint& p = Put(entity, indicator, breakdown, year, 0, 0, 0);
    p.set_has_value(false);
    p.set_value(0);
  }
  const v1::IndicatorPoint* Find(const std::string& entity, const std::string& indicator,
                                 const std::string& breakdown, int year) const {
    auto it = points_.find(Key{entity, indicator, breakdown, year});
    return it == points_.end() ? nullptr : &it->second;
  }

  absl::StatusOr<v1::GetSeriesResponse> Series(const std::string& la, const std::string& indicator,
                                               const std::string& breakdown, const std::string& from,
                                               const std::string& to) override {
    ++series_calls;
    if (!fail.ok()) return fail;
    if (!FindIndicator(indicator))
      return absl::InvalidArgumentError("unknown indicator '" + indicator + "'");
    const int lo = ParsePeriod(from)->start_year(), hi = ParsePeriod(to)->start_year();
    v1::GetSeriesResponse out;
    for (const auto& [k, p] : points_) {
      const auto& [entity, id, b, y] = k;
      if (id != indicator || b != breakdown || y < lo || y > hi) continue;
      if (entity == la) *out.add_points() = p;
      else if (entity == "ENG" || entity == "LON" || entity == "SN:" + la) *out.add_comparators() = p;
    }
    for (const auto& t : targets) {
      if (t.indicator() == indicator && (t.la() == la || t.la() == "*")) *out.add_targets() = t;
    }
    return out;
  }

  absl::StatusOr<std::vector<v1::IndicatorPoint>> Values(const std::string& la, const std::string& period) override {
    if (!fail.ok()) return fail;
    const int y = ParsePeriod(period)->start_year();
    std::vector<v1::IndicatorPoint> out;
    for (const auto& [k, p] : points_) {
      if (std::get<0>(k) == la && std::get<3>(k) == y) out.push_back(p);
    }
    return out;
  }

  absl::StatusOr<std::vector<v1::IndicatorDefinition>> Indicators() override {
    std::vector<v1::IndicatorDefinition> out;
    for (const auto& d : Catalogue()) out.push_back(ToProto(d));
    return out;
  }

  // GetBenchmark as metrics serves it: BenchmarkOf over the shipped LAIT tables, with the
  // council's computed figures from the LA's points here; `benchmarks` (indicator, year)
  // overrides it with a made-up answer, `benchmark_fail` fails every call.
  absl::StatusOr<v1::LaBenchmark> Benchmark(const std::string& la, const std::string& indicator,
                                            const std::string& year) override {
    ++benchmark_calls;
    if (!benchmark_fail.ok()) return benchmark_fail;
    if (!FindIndicator(indicator)) return absl::InvalidArgumentError("unknown indicator '" + indicator + "'");
    auto fy = ParsePeriod(year);
    if (!fy) return absl::InvalidArgumentError("bad year '" + year + "'");
    ++benchmark_asked[{indicator, fy->start_year()}];
    auto it = benchmarks.find({indicator, fy->start_year()});
    if (it != benchmarks.end()) return it->second;
    const Lait& lait = Lait::Shipped();
    const Lait::Area* area = lait.FindArea(la);
    if (area == nullptr || area->type != "la") return absl::InvalidArgumentError("unknown LA '" + la + "'");
    ComputedFigures own;
    for (const auto& [k, p] : points_) {
      if (std::get<0>(k) == la && std::get<1>(k) == indicator && std::get<2>(k).empty() && p.has_value() &&
          !p.supplied())
        own[std::get<3>(k)] = p.value();
    }
    return BenchmarkOf(lait, la, indicator, fy->start_year(), own);
  }

  // Forecast: `forecast` as set (SeedLikeMetrics sets SampleForecast()), else
  // UNIMPLEMENTED as a source that cannot forecast; the reference end asked is kept.
  absl::StatusOr<v1::LaForecast> Forecast(const std::string& la, const std::string& reference_end) override {
    forecast_asked.push_back(la + " " + reference_end);
    return forecast;
  }
  absl::StatusOr<v1::LaForecast> forecast = absl::UnimplementedError("this metrics source does not forecast");
  std::vector<std::string> forecast_asked;

  absl::Status fail = absl::OkStatus();
  absl::Status benchmark_fail = absl::OkStatus();
  std::map<std::pair<std::string, int>, v1::LaBenchmark> benchmarks;
  int benchmark_calls = 0;
  std::map<std::pair<std::string, int>, int> benchmark_asked;   // calls by indicator and year
  int series_calls = 0;
  // Served with every series as metrics serves them: the shipped reference/targets.csv.
  std::vector<v1::Target> targets = ShippedTargets();

  static std::vector<v1::Target> ShippedTargets() {
    std::vector<v1::Target> out;
    auto t = ReadReferenceCsv(kEmbedded_targets, {"la", "indicator", "period", "kind", "value", "source"}, "targets");
    if (!t.ok()) return out;
    for (const auto& row : t->rows) {
      v1::Target& x = out.emplace_back();
      x.set_la(t->Get(row, "la"));
      x.set_indicator(t->Get(row, "indicator"));
      x.set_period(t->Get(row, "period"));
      x.set_kind(t->Get(row, "kind"));
      x.set_value(std::stod(t->Get(row, "value")));
      x.set_source(t->Get(row, "source"));
    }
    return out;
  }

 private:
  std::map<Key, v1::IndicatorPoint> points_;
};

class FakeReturns : public ReturnsSource {
 public:
  absl::StatusOr<std::vector<v1::ReturnInfo>> Returns(const std::string& la) override {
    if (!fail.ok()) return fail;
    std::vector<v1::ReturnInfo> out;
    for (const auto& r : returns) {
      if (r.la() == la) out.push_back(r);
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::ValidationIssue>> Issues(const std::string& id) override {
    return issues[id];
  }
  absl::StatusOr<v1::ListReturnsResponse> ReturnList(const std::string& la) override {
    auto r = Returns(la);
    if (!r.ok()) return r.status();
    v1::ListReturnsResponse out;
    for (auto& x : *r) *out.add_returns() = std::move(x);
    for (const auto& x : rejected) {
      if (x.la() == la) *out.add_rejected() = x;
    }
    return out;
  }
  std::vector<v1::ReturnInfo> returns;
  std::vector<v1::RejectedReturn> rejected;
  std::map<std::string, std::vector<v1::ValidationIssue>> issues;
  absl::Status fail = absl::OkStatus();
};

// A forecast as metrics gives it from 31 March 2016: six month ends of the window, twelve
// projected with a band, the next year's cost and a backtest. Numbers made up, checked
// against the report's figure and tables.
inline v1::LaForecast SampleForecast() {
  v1::LaForecast f;
  f.set_la("301");
  f.set_source("stored SSDA903 returns");
  f.set_data_start("2002-05-09");
  f.set_data_end("2016-03-31");
  f.set_reference_start("2015-09-30");
  f.set_reference_end("2016-03-31");
  f.set_horizon_months(12);
  f.set_step_days(1);
  auto set = [](v1::CategoryValues* v, double fo, double re, double su, double ot) {
    v->set_fostering(fo);
    v->set_residential(re);
    v->set_supported(su);
    v->set_other(ot);
    v->set_in_care(fo + re + su + ot);
  };
  set(f.mutable_weekly_cost(), 166.67, 1000, 1000, 1000);
  f.mutable_weekly_cost()->clear_in_care();
  const char* actual[] = {"2015-09-30", "2015-10-31", "2015-11-30", "2015-12-31", "2016-01-31", "2016-02-29", "2016-03-31"};
  for (int i = 0; i < 7; ++i) {
    auto* p = f.add_points();
    p->set_date(actual[i]);
    p->set_kind("actual");
    set(p->mutable_children(), 350 - 4 * i, 84, 5 + i, 30 - 2 * i);
  }
  const char* projected[] = {"2016-04-30", "2016-05-31", "2016-06-30", "2016-07-31", "2016-08-31", "2016-09-30",
                             "2016-10-31", "2016-11-30", "2016-12-31", "2017-01-31", "2017-02-28", "2017-03-31"};
  for (int i = 0; i < 12; ++i) {
    auto* p = f.add_points();
    p->set_date(projected[i]);
    p->set_kind("projected");
    set(p->mutable_children(), 323 - 3 * i, 84.5, 11 + 0.5 * i, 18);
    set(p->mutable_band_lower(), 310 - 4 * i, 78, 8, 14);
    set(p->mutable_band_upper(), 336 - 2 * i, 91, 14 + i, 22);
  }
  f.set_band_runs(200);
  f.set_band_seed(18);
  f.set_band_lower_quantile(0.05);
  f.set_band_upper_quantile(0.95);
  f.set_cost_year("2016-17");
  set(f.mutable_cost_year_cost(), 2634691, 4398255, 686894, 937432);
  set(f.mutable_horizon_cost(), 2634691, 4398255, 686894, 937432);
  f.set_backtest_window_months(6);
  for (int h : {6, 12}) {
    auto* e = f.add_backtest_errors();
    e->set_horizon_months(h);
    e->set_origins(h == 6 ? 10 : 9);
    set(e->mutable_mape(), 4.1, 6.7, 54.4, 47.6);
    e->mutable_mape()->set_in_care(h == 6 ? 2.4 : 4.6);
    set(e->mutable_bias(), 0.4, 2.0, 26.6, 26.4);
    e->mutable_bias()->set_in_care(h == 6 ? 1.7 : 2.6);
  }
  return f;
}

// Barking and Dagenham's 2010-11 to 2015-16 as the seed report quotes them (rates and
// percentages with their numerators), with comparators where the seed gives them.
inline FakeMetrics SeedLikeMetrics() {
  FakeMetrics m;
  const std::string la = "301";
  auto series = [&](const std::string& id, std::vector<double> values, int first = 2010) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isnan(values[i])) m.Put(la, id, "", first + static_cast<int>(i), values[i]);
    }
  };
  const double pop[] = {49500, 53760, 55000, 57100, 59100, 59050};   // children 0-17, by year
  auto rate = [&](const std::string& id, const std::string& count_id, int year, double count, double pct_base = 0) {
    const double denominator = pct_base > 0 ? pct_base : pop[year - 2010];
    const double scale = pct_base > 0 ? 100 : 10000;
    m.Put(la, id, "", year, count / denominator * scale, count, denominator);
    (void)count_id;
  };
  series("contacts", {9765, 8683, 8363, 8856, 8515, 11393});
  series("referrals", {2704, 1812, 2586, 3126, 4084, 3255});
  rate("referral_rate", "referrals", 2014, 4084);
  rate("referral_rate", "referrals", 2015, 3255);
  series("cin_open_year_end", {1545, 1714, 2161, 2184, 2326, 2064});
  const double cin[] = {1545, 1714, 2161, 2184, 2326, 2064};
  for (int y = 2010; y <= 2015; ++y) rate("cin_rate", "cin_open_year_end", y, cin[y - 2010]);
  series("s47_enquiries", {NAN, NAN, NAN, 1100, 1234, 1184});
  rate("s47_rate", "s47_enquiries", 2015, 1184);
  rate("s47_rate", "s47_enquiries", 2014, 1234);
  const double cpp[] = {240, 260, 301, 330, 353, 253};
  series("cpp_year_end", {240, 260, 301, 330, 353, 253});
  for (int y = 2010; y <= 2015; ++y) rate("cpp_rate", "cpp_year_end", y, cpp[y - 2010]);
  series("cpp_started", {NAN, NAN, NAN, 380, 420, 310});
  series("cpp_ceased", {NAN, NAN, NAN, 350, 397, 410});
  const char* cats[] = {"EMO", "NEG", "PHY", "SAB", "MUL"};
  const double cat_2015[] = {127, 88, 23, 10, 5}, cat_2014[] = {212, 100, 25, 11, 5};
  for (int i = 0; i < 5; ++i) {
    m.Put(la, "cpp_category_pct", std::string("category=") + cats[i], 2015, cat_2015[i] / 253 * 100, cat_2015[i], 253);
    m.Put(la, "cpp_category_pct", std::string("category=") + cats[i], 2014, cat_2014[i] / 353 * 100, cat_2014[i], 353);
  }
  const double lac[] = {380, 400, 420, 440, 457, 418};
  series("lac_year_end", {380, 400, 420, 440, 457, 418});
  for (int y = 2010; y <= 2015; ++y) rate("lac_rate", "lac_year_end", y, lac[y - 2010]);
  series("lac_peak", {NAN, NAN, NAN, NAN, 470, 476});
  series("lac_started", {NAN, NAN, 245, 314, 283, 220});
  series("lac_ceased", {NAN, NAN, NAN, 290, 281, 249});
  series("lac_police_protection_started", {NAN, NAN, 103, 134, 69, 54});
  const double started[] = {245, 314, 283, 220}, police[] = {103, 134, 69, 54};
  for (int y = 2012; y <= 2015; ++y) rate("lac_police_protection_pct", "", y, police[y - 2012], started[y - 2012]);
  rate("lac_female_pct", "", 2015, 205, 418);
  rate("lac_female_pct", "", 2014, 224, 457);
  rate("lac_under10_pct", "", 2015, 142, 418);
  rate("lac_under10_pct", "", 2014, 187, 457);
  m.Put(la, "lac_ethnicity_pct", "ethnicity=WBRI", 2015, 209.0 / 418 * 100, 209, 418);
  m.Put(la, "lac_ethnicity_pct", "ethnicity=WBRI", 2014, 215.0 / 457 * 100, 215, 457);
  series("care_leavers_18plus", {NAN, NAN, NAN, NAN, 154, 176});
  rate("assessment_timeliness_pct", "", 2013, 1420, 2000);
  rate("assessment_timeliness_pct", "", 2014, 1775, 2500);
  rate("assessment_timeliness_pct", "", 2015, 1900, 2500);
  m.Put(la, "cp_visits_timely_pct", "", 2014, 95.5, NAN, 0, true);
  m.Put(la, "cp_visits_timely_pct", "", 2015, 97, NAN, 0, true);
  m.Put(la, "cp_core_groups_held_pct", "", 2013, 34, NAN, 0, true);
  m.Put(la, "cp_core_groups_held_pct", "", 2014, 86, NAN, 0, true);
  m.Put(la, "cp_core_groups_held_pct", "", 2015, 84, NAN, 0, true);
  series("adoptions", {NAN, NAN, NAN, 30, 32, 28});
  m.Put(la, "adoption_a1_days_3yr", "", 2014, 647, 647 * 90, 90);
  m.Put(la, "adoption_a1_days_3yr", "", 2015, 721, 721 * 88, 88);
  m.Put(la, "adoption_a2_days_3yr", "", 2014, 140, 140 * 90, 90);
  m.Put(la, "adoption_a2_days_3yr", "", 2015, 118, 118 * 88, 88);
  series("lac_placements", {NAN, NAN, NAN, NAN, 320, 331});
  series("lac_inhouse_foster_children", {NAN, NAN, NAN, NAN, 198, 203});
  rate("lac_placed_in_borough_pct", "", 2014, 174, 457);
  rate("lac_placed_in_borough_pct", "", 2015, 163, 418);
  rate("lac_placed_within_20_miles_pct", "", 2015, 351, 418);
  m.Put(la, "agency_sw_rate_pct", "", 2014, 50, NAN, 0, true);
  m.Put(la, "agency_sw_rate_pct", "", 2015, 45, NAN, 0, true);
  m.Put(la, "overspend_gbp", "", 2015, 5670000, NAN, 0, true);       // a local measure the facts list does not name
  m.Put(la, "nrpf_cases", "", 2015, 32, NAN, 0, true);
  // Comparators as the seed quotes them for 2015-16 (and 2014-15 where it does).
  const std::string sn = "SN:" + la;
  m.Put("ENG", "referral_rate", "", 2015, 548);
  m.Put("LON", "referral_rate", "", 2015, 478);
  m.Put(sn, "referral_rate", "", 2015, 715);
  m.Put("ENG", "cin_rate", "", 2015, 337);
  m.Put("LON", "cin_rate", "", 2015, 371);
  m.Put(sn, "cin_rate", "", 2015, 428);
  m.Put("ENG", "s47_rate", "", 2015, 138);
  m.Put("LON", "s47_rate", "", 2015, 137);
  m.Put(sn, "s47_rate", "", 2015, 186);
  for (int y = 2010; y <= 2015; ++y) {
    m.Put("ENG", "cpp_rate", "", y, 37.9 + (y - 2010) * 1.0);
    m.Put("LON", "cpp_rate", "", y, 36.0 + (y - 2010) * 0.8);
    m.Put(sn, "cpp_rate", "", y, 45.0 + (y - 2010) * 1.2);
    m.Put("ENG", "lac_rate", "", y, 58 + (y == 2015 ? 2 : 0));
    m.Put("LON", "lac_rate", "", y, 55 - (y - 2010) * 0.6);
    m.Put(sn, "lac_rate", "", y, 66 + (y - 2010) * 0.5);
    m.Put("ENG", "lac_year_end", "", y, 65000 + 1000 * (y - 2010));   // a national total: another scale
    m.Put(sn, "lac_year_end", "", y, 430 + 5 * (y - 2010));
  }
  m.Put("ENG", "cpp_category_pct", "category=EMO", 2015, 36);
  m.Put("LON", "cpp_category_pct", "category=EMO", 2015, 43);
  m.Put(sn, "cpp_category_pct", "category=EMO", 2015, 44);
  m.Put("ENG", "lac_rate", "", 2015, 60);
  m.Put("LON", "lac_rate", "", 2015, 52);
  m.Put(sn, "lac_rate", "", 2015, 69);
  m.Put("ENG", "lac_police_protection_pct", "", 2015, 14);
  m.Put("LON", "lac_police_protection_pct", "", 2015, 20);
  m.Put("ENG", "lac_female_pct", "", 2015, 45);
  m.Put("ENG", "lac_under10_pct", "", 2015, 41);
  m.Put(sn, "agency_sw_rate_pct", "", 2015, 30);
  m.Put(sn, "assessment_timeliness_pct", "", 2015, 82);
  m.Put(sn, "cp_visits_timely_pct", "", 2015, 90);
  m.Put(sn, "cp_core_groups_held_pct", "", 2015, 88);
  m.forecast = SampleForecast();
  return m;
}

}  // namespace carestat
