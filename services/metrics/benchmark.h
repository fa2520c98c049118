// File: benchmark.h
// National benchmarking on DfE's published figures (LAIT, reference/lait_*.csv): an LA's
// figure for an indicator and year beside England, its region and its statistical
// neighbours, its rank among all LAs and its quartile band as LAIT bands them, the
// direction of travel, and the council's own computed figure placed among the published
// ones and reconciled with DfE's. Pure functions: no store, no clock (docs/BENCHMARKING.md).
//   const Lait& lait = Lait::Shipped();
//   v1::LaBenchmark b = BenchmarkOf(lait, "301", "rereferral_12m_pct", 2015, {});
//   b.rank(), b.rank_of(), b.quartile(), b.neighbours_average() ...
//   ComputedFigures own = {{2016, 17.2}};           // the council's, from metrics' points
//   BenchmarkOf(lait, "301", "rereferral_12m_pct", 2016, own).placement().rank();
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "carestat/v1/metrics.pb.h"
#include "services/metrics/reference/lait.h"
#include "services/metrics/reference/population.h"

namespace carestat {

// The council's own figures of one indicator by financial year (start year), computed
// from its returns: never mixed with the published ones.
using ComputedFigures = std::map<int, double>;

// One loaded LA's computed point of an indicator and year: its figure (when it has one)
// and the numerator and denominator it came from, so England and a region can be pooled.
struct ComputedPoint {
  bool has_value = false;
  double value = 0, numerator = 0, denominator = 0;
};
// The loaded LAs' computed points of one indicator and year, by DfE LA code.
using LoadedFigures = std::map<std::string, ComputedPoint>;

// R's quantile(x) (its default, type 7) at 0, 25, 50, 75 and 100 per cent of the values:
// the cut points LAIT bands by. Empty input: all NaN.
std::array<double, 5> QuartileCuts(std::vector<double> values);

// LAIT's band of a value against the cut points: A is the best quarter. For polarity Low
// a value up to the 25% cut is A, above it up to 50% B, up to 75% C, above D; for High
// the other way round (above the 75% cut A, ..., up to 25% D). Empty for any other
// polarity. A value beyond the published range (only a computed one can be) takes the end
// band it lies past, *outside set.
std::string QuartileBand(double value, const std::array<double, 5>& cuts, const std::string& polarity,
                         bool* outside = nullptr);

// The rank a value has among `values` (which hold it when it is one of them): 1 plus how
// many are strictly better by the polarity (High: larger, Low: smaller), so ties share a
// rank and the next rank skips. 0 for a polarity other than High or Low.
int RankAmong(double value, const std::vector<double>& values, const std::string& polarity);

// The benchmark of one LA, indicator and financial year. `computed` are the council's own
// figures of the indicator (any years: the year's own, the placement and the
// reconciliation use them). `populations`, when given, names the population carestat's
// rate used in the reconciliation's reason. An indicator LAIT does not publish gives
// status and note only; an LA that was not an LA that year gives no value and no rank.
v1::LaBenchmark BenchmarkOf(const Lait& lait, const std::string& la, const std::string& indicator, int fy,
                          const ComputedFigures& computed, const Populations* populations = nullptr);

// The comparators of `la` computed from the loaded LAs' own figures (LoadedComparators in
// metrics.proto): England and the region pooled when every LA of them that year has a
// point, the neighbours' mean when every neighbour on DfE's list has a figure, and the
// rank and quartile among the loaded LAs with a figure (by LAIT's polarity, else the
// catalogue's). nullopt when no LA but `la` has a figure.
std::optional<v1::LoadedComparators> LoadedComparatorsOf(const Lait& lait, const std::string& la,
                                                         const std::string& indicator, int fy,
                                                         const LoadedFigures& loaded);

// The latest financial year the indicator has a published number for the LA (else for any
// LA); nullopt when LAIT holds none.
std::optional<int> LatestPublishedYear(const Lait& lait, const std::string& la, const std::string& indicator);

}  // namespace carestat
