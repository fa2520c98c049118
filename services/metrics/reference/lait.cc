#include "services/metrics/reference/lait.h"

#include <cmath>
#include <cstdlib>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/common/log.h"
#include "services/common/reference_csv.h"

namespace carestat {
namespace {

absl::Status LineError(const char* table, int64_t line, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(table, " line ", line, ": ", what));
}

std::optional<int32_t> OptionalDate(const std::string& s, bool* ok) {
  *ok = true;
  if (s.empty()) return std::nullopt;
  auto d = ParseIsoDate(s);
  if (!d) *ok = false;
  return d;
}

std::optional<int> OptionalYear(const std::string& s, bool* ok) {
  *ok = true;
  if (s.empty()) return std::nullopt;
  std::string problem;
  auto fy = ParseFinancialYear(s, &problem);
  if (!fy) *ok = false;
  return fy;
}

}  // namespace

absl::StatusOr<Lait> Lait::Parse(const Tables& csv) {
  Lait out;

  // lait_mapping.csv
  auto mt = ReadReferenceCsv(csv.mapping,
                             {"indicator", "status", "lait_measure", "lait_name", "lait_polarity", "lait_year_type",
                              "lait_dps", "lait_no_quartile", "lait_table", "period_rule", "difference"},
                             "lait_mapping");
  if (!mt.ok()) return mt.status();
  std::map<std::string, std::string> measure_of;  // mapped indicator -> LAIT measure
  std::set<std::string> published;                // mapped and DfE release indicators
  for (const auto& row : mt->rows) {
    Mapping m;
    m.indicator = mt->Get(row, "indicator");
    m.status = mt->Get(row, "status");
    m.measure = mt->Get(row, "lait_measure");
    m.name = mt->Get(row, "lait_name");
    m.polarity = mt->Get(row, "lait_polarity");
    m.year_type = mt->Get(row, "lait_year_type");
    m.dps = mt->Get(row, "lait_dps");
    m.no_quartile = mt->Get(row, "lait_no_quartile");
    m.table = mt->Get(row, "lait_table");
    m.period_rule = mt->Get(row, "period_rule");
    m.difference = mt->Get(row, "difference");
    static const std::set<std::string> kStatuses = {"mapped", "DfE release", "related, not comparable",
                                                    "not in LAIT", "not published by DfE"};
    if (m.indicator.empty() || !kStatuses.count(m.status)) {
      return LineError("lait_mapping", row.line,
                       "expected an indicator and a status (mapped, DfE release, related, not "
                       "comparable, not in LAIT or not published by DfE)");
    }
    if ((m.status == "mapped" || m.status == "related, not comparable") && m.measure.empty()) {
      return LineError("lait_mapping", row.line, m.status + " without a LAIT measure");
    }
    if (m.difference.empty()) return LineError("lait_mapping", row.line, "no difference or reason given");
    for (const auto& seen : out.mappings_) {
      if (seen.indicator == m.indicator) return LineError("lait_mapping", row.line, m.indicator + " twice");
    }
    if (m.status == "mapped") measure_of[m.indicator] = m.measure;
    if (m.mapped()) published.insert(m.indicator);
    out.mappings_.push_back(std::move(m));
  }

  // lait_las.csv
  auto at = ReadReferenceCsv(csv.las,
                             {"area_code", "area_type", "name", "region", "region_code", "london_part", "la_type",
                              "exists_from", "exists_to", "first_period", "last_period", "change", "source"},
                             "lait_las");
  if (!at.ok()) return at.status();
  for (const auto& row : at->rows) {
    Area a;
    a.code = at->Get(row, "area_code");
    a.type = at->Get(row, "area_type");
    a.name = at->Get(row, "name");
    a.region = at->Get(row, "region");
    a.region_code = at->Get(row, "region_code");
    a.london_part = at->Get(row, "london_part");
    a.la_type = at->Get(row, "la_type");
    a.change = at->Get(row, "change");
    bool ok1, ok2, ok3, ok4;
    a.exists_from = OptionalDate(at->Get(row, "exists_from"), &ok1);
    a.exists_to = OptionalDate(at->Get(row, "exists_to"), &ok2);
    a.first_year = OptionalYear(at->Get(row, "first_period"), &ok3);
    a.last_year = OptionalYear(at->Get(row, "last_period"), &ok4);
    if (a.code.empty() || a.name.empty() || at->Get(row, "source").empty() ||
        (a.type != "la" && a.type != "region" && a.type != "england" && a.type != "other") || !ok1 || !ok2 || !ok3 ||
        !ok4 || (a.type == "la" && a.region_code.empty())) {
      return LineError("lait_las", row.line,
                       "expected a code, a type (la, region, england, other), a name, an LA's region, ISO dates, "
                       "financial years and a source");
    }
    if (!out.areas_.emplace(a.code, a).second) return LineError("lait_las", row.line, a.code + " twice");
  }

  // lait_values.csv
  auto vt = ReadReferenceCsv(csv.values,
                             {"indicator", "area_type", "area_code", "period", "value", "lait_measure", "lait_year"},
                             "lait_values");
  if (!vt.ok()) return vt.status();
  for (const auto& row : vt->rows) {
    const std::string indicator = vt->Get(row, "indicator");
    const std::string code = vt->Get(row, "area_code");
    auto measure = measure_of.find(indicator);
    if (measure == measure_of.end()) {
      return LineError("lait_values", row.line, "indicator '" + indicator + "' is not mapped in lait_mapping");
    }
    const Area* area = out.FindArea(code);
    if (area == nullptr || area->type != vt->Get(row, "area_type")) {
      return LineError("lait_values", row.line,
                       "area " + code + " of type '" + vt->Get(row, "area_type") + "' is not in lait_las");
    }
    std::string problem;
    auto fy = ParseFinancialYear(vt->Get(row, "period"), &problem);
    if (!fy) return LineError("lait_values", row.line, problem);
    Value v{vt->Get(row, "value"), std::nullopt, vt->Get(row, "lait_measure"), vt->Get(row, "lait_year"), "LAIT"};
    if (v.measure != measure->second) {
      return LineError(
          "lait_values", row.line,
          "measure '" + v.measure + "' is not the one lait_mapping gives " + indicator + " (" + measure->second + ")");
    }
    if (v.text != "-") {
      double d = 0;
      if (!absl::SimpleAtod(v.text, &d) || !std::isfinite(d)) {
        return LineError("lait_values", row.line, "value '" + v.text + "' is neither a number nor '-'");
      }
      v.number = d;
    }
    if (area->type == "la" && !out.LaExistsIn(code, *fy)) {
      return LineError("lait_values", row.line,
                       absl::StrCat(code, " was not an LA in ", FormatPeriod(FinancialYear(*fy))));
    }
    if (!out.values_[{indicator, *fy}].emplace(code, std::move(v)).second) {
      return LineError("lait_values", row.line,
                       "a second value for " + indicator + ", " + code + ", " + vt->Get(row, "period"));
    }
    ++out.value_count_;
  }

  // dfe_values.csv: the release layer, after LAIT's so a key both hold is found here.
  if (!csv.release.empty()) {
    auto rt = ReadReferenceCsv(csv.release,
                               {"indicator", "area_type", "area_code", "period", "value", "source", "measure"},
                               "dfe_values");
    if (!rt.ok()) return rt.status();
    for (const auto& row : rt->rows) {
      const std::string indicator = rt->Get(row, "indicator");
      const std::string code = rt->Get(row, "area_code");
      if (!published.count(indicator)) {
        return LineError("dfe_values", row.line,
                         "indicator '" + indicator + "' is neither mapped nor 'DfE release' in lait_mapping");
      }
      const Area* area = out.FindArea(code);
      if (area == nullptr || area->type != rt->Get(row, "area_type")) {
        return LineError("dfe_values", row.line,
                         "area " + code + " of type '" + rt->Get(row, "area_type") + "' is not in lait_las");
      }
      std::string problem;
      auto fy = ParseFinancialYear(rt->Get(row, "period"), &problem);
      if (!fy) return LineError("dfe_values", row.line, problem);
      Value v{rt->Get(row, "value"), std::nullopt, rt->Get(row, "measure"), "", rt->Get(row, "source")};
      if (v.source.empty() || v.source == "LAIT" || v.measure.empty()) {
        return LineError("dfe_values", row.line, "expected the release file and its measure");
      }
      if (v.text != "-") {
        double d = 0;
        if (!absl::SimpleAtod(v.text, &d) || !std::isfinite(d)) {
          return LineError("dfe_values", row.line, "value '" + v.text + "' is neither a number nor '-'");
        }
        v.number = d;
      }
      if (area->type == "la" && !out.LaExistsIn(code, *fy)) {
        return LineError("dfe_values", row.line,
                         absl::StrCat(code, " was not an LA in ", FormatPeriod(FinancialYear(*fy))));
      }
      auto [it, added] = out.values_[{indicator, *fy}].emplace(code, v);
      if (!added) {
        return LineError("dfe_values", row.line,
                         absl::StrCat("a second value for ", indicator, ", ", code, ", ", rt->Get(row, "period"),
                                      it->second.from_lait() ? " (LAIT holds it: LAIT's figure wins, the release "
                                                               "layer only fills what LAIT lacks)"
                                                             : ""));
      }
      ++out.value_count_;
      ++out.release_count_;
    }
  }

  // lait_neighbours.csv
  auto nt = ReadReferenceCsv(csv.neighbours, {"la", "list", "effective_from", "rank", "neighbour", "closeness"},
                             "lait_neighbours");
  if (!nt.ok()) return nt.status();
  for (const auto& row : nt->rows) {
    const std::string la = nt->Get(row, "la"), neighbour = nt->Get(row, "neighbour");
    auto from = ParseIsoDate(nt->Get(row, "effective_from"));
    int rank = 0;
    const Area* a = out.FindArea(la);
    const Area* n = out.FindArea(neighbour);
    if (!from || !absl::SimpleAtoi(nt->Get(row, "rank"), &rank) || a == nullptr || a->type != "la" || n == nullptr ||
        n->type != "la" || la == neighbour || nt->Get(row, "list").empty()) {
      return LineError("lait_neighbours", row.line,
                       "expected an LA, a list, an ISO date, a rank and another LA of lait_las");
    }
    auto& list = out.lists_[*from];
    if (list.first.empty()) list.first = nt->Get(row, "list");
    if (list.first != nt->Get(row, "list")) {
      return LineError("lait_neighbours", row.line, "two lists start on " + nt->Get(row, "effective_from"));
    }
    auto& ranked = list.second[la];
    if (rank != static_cast<int>(ranked.size()) + 1 || rank > 10) {
      return LineError("lait_neighbours", row.line, absl::StrCat("rank ", rank, " of ", la, " out of order"));
    }
    ranked.push_back(neighbour);
  }
  for (const auto& [from, list] : out.lists_) {
    for (const auto& [la, ranked] : list.second) {
      if (ranked.size() != 10) {
        return absl::InvalidArgumentError(
            absl::StrCat("lait_neighbours: ", la, " has ", ranked.size(), " neighbours in ", list.first));
      }
    }
  }
  return out;
}

const Lait& Lait::Shipped() {
  static const Lait* lait = [] {
    auto parsed = Parse({kEmbedded_lait_values, kEmbedded_lait_las, kEmbedded_lait_neighbours, kEmbedded_lait_mapping,
                         kEmbedded_dfe_values});
    if (!parsed.ok()) {
      CS_LOG(ERROR) << "shipped LAIT and release tables: " << parsed.status().message();
      std::abort();
    }
    return new Lait(std::move(*parsed));
  }();
  return *lait;
}

const Lait::Value* Lait::Find(const std::string& indicator, const std::string& area, int fy) const {
  auto it = values_.find({indicator, fy});
  if (it == values_.end()) return nullptr;
  auto v = it->second.find(area);
  return v == it->second.end() ? nullptr : &v->second;
}

std::optional<double> Lait::Number(const std::string& indicator, const std::string& area, int fy) const {
  const Value* v = Find(indicator, area, fy);
  return v == nullptr ? std::nullopt : v->number;
}

std::vector<std::pair<std::string, const Lait::Value*>> Lait::LaValues(const std::string& indicator, int fy) const {
  std::vector<std::pair<std::string, const Value*>> out;
  auto it = values_.find({indicator, fy});
  if (it == values_.end()) return out;
  for (const auto& [code, v] : it->second) {
    const Area* a = FindArea(code);
    if (a != nullptr && a->type == "la") out.emplace_back(code, &v);
  }
  return out;
}

std::vector<int> Lait::Years(const std::string& indicator) const {
  std::vector<int> out;
  for (auto it = values_.lower_bound({indicator, INT32_MIN}); it != values_.end() && it->first.first == indicator;
       ++it) {
    out.push_back(it->first.second);
  }
  return out;
}

const Lait::Area* Lait::FindArea(const std::string& code) const {
  auto it = areas_.find(code);
  return it == areas_.end() ? nullptr : &it->second;
}

bool Lait::LaExistsIn(const std::string& code, int fy) const {
  const Area* a = FindArea(code);
  if (a == nullptr || a->type != "la") return false;
  if (a->exists_from && *a->exists_from > FinancialYearStart(fy)) return false;
  if (a->exists_to && *a->exists_to < FinancialYearEnd(fy)) return false;
  return true;
}

std::vector<std::string> Lait::LasIn(int fy) const {
  std::vector<std::string> out;
  for (const auto& [code, area] : areas_) {
    if (LaExistsIn(code, fy)) out.push_back(code);
  }
  return out;
}

const Lait::Mapping* Lait::FindMapping(const std::string& indicator) const {
  for (const auto& m : mappings_) {
    if (m.indicator == indicator) return &m;
  }
  return nullptr;
}

std::optional<Lait::NeighbourList> Lait::Neighbours(const std::string& la, int32_t day) const {
  if (lists_.empty()) return std::nullopt;
  auto it = lists_.upper_bound(day);
  const bool in_force = it != lists_.begin();
  if (in_force) --it;
  auto entry = it->second.second.find(la);
  if (entry == it->second.second.end()) return std::nullopt;
  return NeighbourList{it->second.first, it->first, in_force, entry->second};
}

std::vector<std::pair<std::string, int32_t>> Lait::NeighbourLists() const {
  std::vector<std::pair<std::string, int32_t>> out;
  for (const auto& [from, list] : lists_) out.emplace_back(list.first, from);
  return out;
}

}  // namespace carestat
