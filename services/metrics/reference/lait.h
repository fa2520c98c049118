// File: lait.h
// DfE's published figures for national benchmarking: every LA's, region's and England's
// value of each carestat indicator as DfE's Local Authority Interactive Tool (LAIT) holds
// it, and beside it the "release layer": DfE's statistical-release figures for what LAIT
// lacks (years before 2015-16, and indicators LAIT has no measure for). Also DfE's LA
// codes with their boundary changes, and the statistical neighbour lists. The tables are
// reference/lait_{values,las,neighbours,mapping}.csv, rebuilt by scripts/lait-extract,
// and reference/dfe_values.csv, rebuilt by scripts/dfe-release-extract
// (docs/BENCHMARKING.md). Find, Number, LaValues and Years serve both layers as one: the
// two never hold the same key (a release row for a key LAIT holds is an error).
//   const Lait& lait = Lait::Shipped();
//   const Lait::Value* v = lait.Find("cin_rate", "301", 2015);   // 2015-16
//   if (v && v->number) ... *v->number ...;  // "-" (not published) has no number
//   for (const auto& [code, value] : lait.LaValues("cin_rate", 2015)) ...
//   auto sn = lait.Neighbours("301", DayNumber(2022, 3, 31));    // the April 2021 list
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace carestat {

class Lait {
 public:
  // One published figure (a row of lait_values.csv or dfe_values.csv).
  struct Value {
    std::string text;              // as shipped: a number, or "-" (not published)
    std::optional<double> number;  // empty for "-": suppressed or not collected, never 0
    std::string measure;           // LAIT's measure (bds_long_0.parquet "Short Desc"), or the release file's column
    std::string lait_year;         // LAIT's year ("2016" for 2015-16); empty for a release figure
    std::string source;            // "LAIT", or the DfE release file it was read from
    bool from_lait() const { return source == "LAIT"; }
  };
  // A DfE LA code, a region or England (a row of lait_las.csv).
  struct Area {
    std::string code;
    std::string type;  // "la", "region", "england" or "other"
    std::string name;
    std::string region;                             // an LA's region as LAIT names it ("Outer London")
    std::string region_code;                        // an LA's region (986 for London), a region's parent
    std::string london_part;                        // 987 Inner or 988 Outer London
    std::string la_type;                            // OLB, ILB, MD, UA, SC
    std::optional<int32_t> exists_from, exists_to;  // day numbers; empty: no change
    std::optional<int> first_year, last_year;       // financial years with a number
    std::string change;
  };
  // How an indicator of the catalogue relates to LAIT (a row of lait_mapping.csv).
  struct Mapping {
    std::string indicator;
    // "mapped" (LAIT's measure, with release figures for earlier years), "DfE release"
    // (only DfE's statistical releases publish it), "related, not comparable", "not in
    // LAIT", "not published by DfE".
    std::string status;
    std::string measure, name, polarity, year_type, dps, no_quartile, table, period_rule, difference;
    // Whether DfE's figures for the indicator are held (mapped or DfE release): the
    // benchmark ranks, bands and compares these.
    bool mapped() const { return status == "mapped" || status == "DfE release"; }
  };
  // An LA's ten statistical neighbours in one of DfE's lists, closest first.
  struct NeighbourList {
    std::string list;        // "sn_april_2021"
    int32_t effective_from;  // day number
    bool in_force;           // false: the date asked for precedes every list, this is the earliest
    std::vector<std::string> neighbours;
  };
  struct Tables {
    std::string values, las, neighbours, mapping;
    std::string release;  // dfe_values.csv; empty: no release layer
  };

  // Errors name the table and line: a value that is neither a number nor "-", an area or
  // indicator the other tables do not know, an LA's value in a year it was not an LA, a
  // release value for a key LAIT holds or for an indicator neither mapped nor "DfE
  // release", a neighbour list without exactly ranks 1 to 10.
  static absl::StatusOr<Lait> Parse(const Tables& csv);
  // The shipped tables, parsed once (a bad shipped table stops the process).
  static const Lait& Shipped();

  // The published row for an area (DfE LA code, region 980-990 or England 970), an
  // indicator and a financial year (start year: 2015 for 2015-16); nullptr when none.
  const Value* Find(const std::string& indicator, const std::string& area, int fy) const;
  // Its number: empty for no row and for "-".
  std::optional<double> Number(const std::string& indicator, const std::string& area, int fy) const;
  // Every LA's row for the indicator and year, "-" ones too, in code order.
  std::vector<std::pair<std::string, const Value*>> LaValues(const std::string& indicator, int fy) const;
  // The financial years the indicator has rows for, ascending.
  std::vector<int> Years(const std::string& indicator) const;

  const Area* FindArea(const std::string& code) const;
  // Whether the code was an LA for the whole of financial year fy.
  bool LaExistsIn(const std::string& code, int fy) const;
  // The codes that were LAs for the whole of financial year fy, in code order.
  std::vector<std::string> LasIn(int fy) const;
  const Mapping* FindMapping(const std::string& indicator) const;
  const std::vector<Mapping>& mappings() const { return mappings_; }

  // The LA's list in force on the day (the latest list starting on or before it); before
  // every list, the earliest with in_force false. Empty when that list has no entry for
  // the LA (a code not yet formed, or long gone).
  std::optional<NeighbourList> Neighbours(const std::string& la, int32_t day) const;
  // The lists' names and start days, oldest first.
  std::vector<std::pair<std::string, int32_t>> NeighbourLists() const;

  size_t value_count() const { return value_count_; }  // both layers
  size_t release_count() const { return release_count_; }

 private:
  // (indicator, fy) -> area code -> value
  std::map<std::pair<std::string, int>, std::map<std::string, Value>> values_;
  std::map<std::string, Area> areas_;
  std::vector<Mapping> mappings_;
  // list start day -> (list name, LA -> neighbours by rank)
  std::map<int32_t, std::pair<std::string, std::map<std::string, std::vector<std::string>>>> lists_;
  size_t value_count_ = 0;
  size_t release_count_ = 0;
};

}  // namespace carestat
