// File: source.h
// What the reports read, and from where: metrics' aggregates through its gRPC API
// (GetSeries with comparators, GetValues, ListIndicators, GetBenchmark) and, for the
// self-assessment's data-quality section only, ingestion's list of stored returns.
// Reports never see a record. The service wraps the stubs; tests give fakes.
//   class Fake : public MetricsSource { ... };
//   Fake metrics;  auto report = BuildAnnualReport("301", "2015-16", metrics, now_ms);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/common.pb.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/metrics.pb.h"

namespace carestat {

class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  // GetSeries(la, indicator, breakdown, from, to, with_comparators = true): the LA's
  // financial-year points in `points`, comparators' (entity "ENG", "LON", "SN:<la>")
  // in `comparators`. NOT_FOUND when metrics holds nothing for the LA.
  virtual absl::StatusOr<v1::GetSeriesResponse> Series(const std::string& la, const std::string& indicator,
                                                       const std::string& breakdown, const std::string& from,
                                                       const std::string& to) = 0;
  // GetValues(la, period): every indicator point of the period, local measures
  // (supplied = true) among them.
  virtual absl::StatusOr<std::vector<v1::IndicatorPoint>> Values(const std::string& la,
                                                                 const std::string& period) = 0;
  // ListIndicators: ids, names, units and polarities.
  virtual absl::StatusOr<std::vector<v1::IndicatorDefinition>> Indicators() = 0;
  // GetBenchmark(la, indicator, year): DfE's published figures (LAIT) for one catalogue
  // indicator and financial year, with rank, quartile and the reconciliation of the
  // council's computed figures. INVALID_ARGUMENT for an LA or indicator metrics does not
  // know (a local measure); NOT_FOUND when the answer holds no benchmark.
  virtual absl::StatusOr<v1::LaBenchmark> Benchmark(const std::string& la, const std::string& indicator,
                                                    const std::string& year) = 0;
  // Forecast(la) from `reference_end` (the report year's 31 March), with its band and the
  // backtest: the projection the annual report shows. UNIMPLEMENTED by default (a
  // source that cannot forecast: the report says so where the projection would be).
  virtual absl::StatusOr<v1::LaForecast> Forecast(const std::string& la, const std::string& reference_end) {
    return absl::UnimplementedError("this metrics source does not forecast");
  }
};

class ReturnsSource {
 public:
  virtual ~ReturnsSource() = default;
  // ingestion ListReturns(la).
  virtual absl::StatusOr<std::vector<v1::ReturnInfo>> Returns(const std::string& la) = 0;
  // The whole ListReturns answer: the returns and the refused uploads not stored since
  // (a source that cannot tell refusals gives the returns alone).
  virtual absl::StatusOr<v1::ListReturnsResponse> ReturnList(const std::string& la) {
    auto r = Returns(la);
    if (!r.ok()) return r.status();
    v1::ListReturnsResponse out;
    for (auto& x : *r) *out.add_returns() = std::move(x);
    return out;
  }
  // ingestion GetIssues(return_id).
  virtual absl::StatusOr<std::vector<v1::ValidationIssue>> Issues(const std::string& return_id) = 0;
};

}  // namespace carestat
