// File: series.h
// The indicator series a report reads, fetched once per (indicator, breakdown) over
// the report's years with comparators, and handed out as report cells.
//   SeriesBook book(&metrics, "301", 2010, 2015);
//   if (auto s = book.Load(); !s.ok()) return s;
//   absl::StatusOr<v1::Cell> c = book.Value("cpp_started", "", 2015);   // ref "cpp_started@2015-16"
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/source.h"

namespace carestat {

// "cpp_category_pct{category=EMO}@2015-16": the ref of the LA's figure (see Cell.ref).
std::string CellRef(const std::string& indicator, const std::string& breakdown, int start_year);
// Splits a ref back; false when it is not one.
bool ParseCellRef(const std::string& ref, std::string* indicator, std::string* breakdown, int* start_year);
// "cpp_category_pct{category=EMO}", or the id alone without a breakdown.
std::string IndicatorKey(const std::string& indicator, const std::string& breakdown);

// A point as a cell: value (has_value as the point says), numerator, denominator.
v1::Cell CellFromPoint(const v1::IndicatorPoint& p, const std::string& unit, const std::string& ref);
// A missing figure: no value, shown "not available".
v1::Cell MissingCell(const std::string& unit, const std::string& ref);
// Percentage change from `from` to `to`, derived from their refs; no value when either
// is missing or `from` is 0.
v1::Cell PercentChange(const v1::Cell& from, const v1::Cell& to);
// `to` - `from` in the unit, derived from their refs; no value when either is missing.
v1::Cell Difference(const v1::Cell& from, const v1::Cell& to);

// The comparator codes of an LA in the order the seed report's text names them.
std::vector<std::string> ComparatorEntities(const std::string& la);   // ENG, LON, SN:<la>

class SeriesBook {
 public:
  // Years are financial-year start years, inclusive.
  SeriesBook(MetricsSource* metrics, std::string la, int first_year, int last_year);

  // Reads the catalogue (ListIndicators). Errors pass through.
  absl::Status Load();

  // The catalogue entry, or nullptr for an id metrics does not know.
  const v1::IndicatorDefinition* Definition(const std::string& id) const;
  std::string Unit(const std::string& id) const;       // "" when unknown
  std::string Polarity(const std::string& id) const;   // "none" when unknown
  std::string Name(const std::string& id) const;       // the id when unknown

  // The LA's figure for a year: not available when metrics has no point (or does not
  // know the indicator). Errors of GetSeries other than an unknown indicator pass through.
  absl::StatusOr<v1::Cell> Value(const std::string& indicator, const std::string& breakdown, int year);
  // A comparator's figure (no ref: published figures are never suppressed).
  absl::StatusOr<v1::Cell> Comparator(const std::string& indicator, const std::string& breakdown,
                                      const std::string& entity, int year);
  // ENG, LON and SN:<la> for a year, each present or not available.
  absl::StatusOr<std::vector<v1::ComparatorValue>> Comparators(const std::string& indicator,
                                                               const std::string& breakdown, int year);
  // The LA's local target or DfE threshold for the indicator in the financial year
  // starting in `year` (for three-year averages, the three years ending then), as metrics
  // serves it from its reference tables (an LA's own row before a "*" row); nullopt when
  // there is none, or for a breakdown.
  absl::StatusOr<std::optional<v1::Target>> Target(const std::string& indicator, const std::string& breakdown,
                                                   int year);
  // Whether the LA's point was supplied (a local measure).
  absl::StatusOr<bool> Supplied(const std::string& indicator, const std::string& breakdown, int year);

  const std::string& la() const { return la_; }

 private:
  struct Series {
    std::map<int, v1::IndicatorPoint> la;
    std::map<std::string, std::map<int, v1::IndicatorPoint>> comparators;
    std::vector<v1::Target> targets;
  };
  absl::StatusOr<const Series*> Get(const std::string& indicator, const std::string& breakdown);

  MetricsSource* metrics_;
  std::string la_;
  int first_year_, last_year_;
  std::map<std::string, v1::IndicatorDefinition> catalogue_;
  std::map<std::pair<std::string, std::string>, Series> cache_;
};

}  // namespace carestat
