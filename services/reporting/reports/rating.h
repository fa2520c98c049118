// File: rating.h
// Targets, thresholds and the rules that rate a figure and judge its direction of
// travel. One place, so the annual report and the self-assessment agree.
//   auto target = TargetFor(*book.Target("assessment_timeliness_pct", "", 2015), "assessment_timeliness_pct",
//                           2015, "percent");   // 80, the LA's local target, where metrics holds one
//   Judgement j = Judge(cell, "up", "percent", target ? &*target : nullptr, comparators);
//   j.rating == v1::AMBER;   // 76 against 80: worse, by 5% or less
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "carestat/v1/metrics.pb.h"
#include "carestat/v1/reporting.pb.h"

namespace carestat {

// Rating: measured against the target or threshold where there is one, else against
// statistical neighbours, else England, else London. GREEN when the figure is as good
// as the benchmark or better (by the indicator's polarity), AMBER when worse by at most
// 5% of the benchmark, RED when worse by more. Polarity none, no figure or nothing to
// compare with: not rated.
extern const char kRatingRule[];
// Direction of travel: the latest year against the one before. STABLE when the change
// is under 2% of the earlier figure; else IMPROVING or DETERIORATING by polarity.
// Polarity none or a year missing: not judged.
extern const char kDirectionRule[];

inline constexpr double kAmberBand = 0.05;
inline constexpr double kStableBand = 0.02;

// A target or threshold (metrics' reference table `targets`, as SeriesBook::Target
// gives it) as the benchmark a figure is rated against: kind "target" for a local
// target, "threshold" for a DfE threshold, labelled with its period (the three years for
// the A1 and A2 averages). nullopt when there is none.
std::optional<v1::Benchmark> TargetFor(const std::optional<v1::Target>& target, const std::string& indicator,
                                       int year, const std::string& unit);

// DfE's published comparators of a fact (its PublishedComparison, status "mapped") as
// comparators to rate against where metrics holds no comparator series for the year:
// the neighbours' average ("SN:"), England ("ENG") and, for a London LA, London ("LON"),
// each labelled as DfE's published figure. Empty for any other status.
std::vector<v1::ComparatorValue> PublishedComparators(const v1::PublishedComparison& d);

// metrics' GetBenchmark answer as the report shows it (cells in `unit`, no refs: DfE's
// published figures are never suppressed), its source naming LAIT or the DfE release the
// figures come from. Only the status, period, note and polarity where DfE's figures are
// not held (DfeFiguresHeld). Used by both reports.
v1::PublishedComparison PublishedComparisonOf(const v1::LaBenchmark& b, const std::string& unit);

// +1 when `value` is better than `benchmark`, -1 worse, 0 equal; nullopt for polarity
// none (or anything but up and down).
std::optional<int> Compare(double value, double benchmark, const std::string& polarity);

struct Judgement {
  v1::Rating rating = v1::RATING_UNSPECIFIED;
  v1::Benchmark against;   // kind "" when not rated
  std::string reason;      // names the benchmark, never the LA's own figure
};

// `comparators` as SeriesBook::Comparators gives them (any order; missing values skipped).
Judgement Judge(const v1::Cell& value, const std::string& polarity, const std::string& unit,
                const v1::Benchmark* target, const std::vector<v1::ComparatorValue>& comparators);

v1::Direction DirectionOfTravel(const v1::Cell& previous, const v1::Cell& latest, const std::string& polarity);

// "green", "amber", "red", "not rated"; "improving", "deteriorating", "stable", "not judged".
std::string RatingName(v1::Rating r);
std::string DirectionName(v1::Direction d);

}  // namespace carestat
