#include "services/reporting/reports/series.h"

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/reporting/format.h"

namespace carestat {

std::string IndicatorKey(const std::string& indicator, const std::string& breakdown) {
  return breakdown.empty() ? indicator : absl::StrCat(indicator, "{", breakdown, "}");
}

std::string CellRef(const std::string& indicator, const std::string& breakdown, int start_year) {
  return absl::StrCat(IndicatorKey(indicator, breakdown), "@", FormatPeriod(FinancialYear(start_year)));
}

bool ParseCellRef(const std::string& ref, std::string* indicator, std::string* breakdown, int* start_year) {
  const auto at = ref.rfind('@');
  if (at == std::string::npos) return false;
  auto period = ParsePeriod(ref.substr(at + 1));
  if (!period || period->kind() != v1::Period::FINANCIAL_YEAR) return false;
  std::string key = ref.substr(0, at);
  const auto brace = key.find('{');
  if (brace != std::string::npos && key.back() == '}') {
    *indicator = key.substr(0, brace);
    *breakdown = key.substr(brace + 1, key.size() - brace - 2);
  } else {
    *indicator = key;
    breakdown->clear();
  }
  *start_year = period->start_year();
  return true;
}

v1::Cell CellFromPoint(const v1::IndicatorPoint& p, const std::string& unit, const std::string& ref) {
  v1::Cell c;
  c.set_ref(ref);
  c.set_unit(unit);
  c.set_has_value(p.has_value());
  if (p.has_value()) c.set_value(p.value());
  // Counts carry themselves as numerator; ratios and means their parts.
  if (p.numerator() != 0 || p.denominator() != 0 || p.has_value()) {
    c.set_has_numerator(true);
    c.set_numerator(p.numerator());
    c.set_denominator(p.denominator());
  }
  return c;
}

v1::Cell MissingCell(const std::string& unit, const std::string& ref) {
  v1::Cell c;
  c.set_ref(ref);
  c.set_unit(unit);
  return c;
}

namespace {
void Derive(const v1::Cell& from, const v1::Cell& to, v1::Cell* out) {
  for (const auto* c : {&from, &to}) {
    if (!c->ref().empty()) out->add_derived_from(c->ref());
    for (const auto& d : c->derived_from()) out->add_derived_from(d);
  }
}
}  // namespace

v1::Cell PercentChange(const v1::Cell& from, const v1::Cell& to) {
  v1::Cell c;
  c.set_unit("percent");
  Derive(from, to, &c);
  if (from.has_value() && to.has_value() && from.value() != 0) {
    c.set_has_value(true);
    c.set_value((to.value() - from.value()) / from.value() * 100.0);
  }
  return c;
}

v1::Cell Difference(const v1::Cell& from, const v1::Cell& to) {
  v1::Cell c;
  c.set_unit(to.unit());
  Derive(from, to, &c);
  if (from.has_value() && to.has_value()) {
    c.set_has_value(true);
    c.set_value(to.value() - from.value());
  }
  return c;
}

std::vector<std::string> ComparatorEntities(const std::string& la) { return {"ENG", "LON", "SN:" + la}; }

SeriesBook::SeriesBook(MetricsSource* metrics, std::string la, int first_year, int last_year)
    : metrics_(metrics), la_(std::move(la)), first_year_(first_year), last_year_(last_year) {}

absl::Status SeriesBook::Load() {
  auto defs = metrics_->Indicators();
  if (!defs.ok()) return defs.status();
  for (auto& d : *defs) catalogue_[d.id()] = d;
  return absl::OkStatus();
}

const v1::IndicatorDefinition* SeriesBook::Definition(const std::string& id) const {
  auto it = catalogue_.find(id);
  return it == catalogue_.end() ? nullptr : &it->second;
}

std::string SeriesBook::Unit(const std::string& id) const {
  const auto* d = Definition(id);
  return d ? d->unit() : "";
}

std::string SeriesBook::Polarity(const std::string& id) const {
  const auto* d = Definition(id);
  return d && !d->polarity().empty() ? d->polarity() : "none";
}

std::string SeriesBook::Name(const std::string& id) const {
  const auto* d = Definition(id);
  return d && !d->name().empty() ? d->name() : id;
}

absl::StatusOr<const SeriesBook::Series*> SeriesBook::Get(const std::string& indicator,
                                                          const std::string& breakdown) {
  auto key = std::make_pair(indicator, breakdown);
  auto it = cache_.find(key);
  if (it != cache_.end()) return &it->second;
  Series& s = cache_[key];
  // An id metrics does not list has no series: every figure is not available.
  if (!Definition(indicator)) return &s;
  auto resp = metrics_->Series(la_, indicator, breakdown, FormatPeriod(FinancialYear(first_year_)),
                               FormatPeriod(FinancialYear(last_year_)));
  if (!resp.ok()) {
    cache_.erase(key);
    return resp.status();
  }
  for (const auto& p : resp->points()) {
    if (p.period().kind() != v1::Period::FINANCIAL_YEAR || p.breakdown() != breakdown) continue;
    s.la[p.period().start_year()] = p;
  }
  for (const auto& p : resp->comparators()) {
    if (p.period().kind() != v1::Period::FINANCIAL_YEAR || p.breakdown() != breakdown) continue;
    s.comparators[p.entity()][p.period().start_year()] = p;
  }
  s.targets.assign(resp->targets().begin(), resp->targets().end());
  return &s;
}

absl::StatusOr<std::optional<v1::Target>> SeriesBook::Target(const std::string& indicator,
                                                             const std::string& breakdown, int year) {
  if (!breakdown.empty()) return std::nullopt;
  auto s = Get(indicator, breakdown);
  if (!s.ok()) return s.status();
  const std::string period = FormatPeriod(FinancialYear(year));
  std::optional<v1::Target> found;
  for (const auto& t : (*s)->targets) {
    if (t.period() != period) continue;
    if (t.la() == la_) return t;
    if (t.la() == "*" && !found) found = t;
  }
  return found;
}

absl::StatusOr<v1::Cell> SeriesBook::Value(const std::string& indicator, const std::string& breakdown, int year) {
  auto s = Get(indicator, breakdown);
  if (!s.ok()) return s.status();
  const std::string unit = Unit(indicator);
  const std::string ref = CellRef(indicator, breakdown, year);
  auto it = (*s)->la.find(year);
  if (it == (*s)->la.end()) return MissingCell(unit, ref);
  return CellFromPoint(it->second, unit, ref);
}

absl::StatusOr<v1::Cell> SeriesBook::Comparator(const std::string& indicator, const std::string& breakdown,
                                                const std::string& entity, int year) {
  auto s = Get(indicator, breakdown);
  if (!s.ok()) return s.status();
  const std::string unit = Unit(indicator);
  auto e = (*s)->comparators.find(entity);
  if (e == (*s)->comparators.end()) return MissingCell(unit, "");
  auto it = e->second.find(year);
  if (it == e->second.end()) return MissingCell(unit, "");
  v1::Cell c = CellFromPoint(it->second, unit, "");
  // Published comparators are shown as given: only the value travels.
  c.set_has_numerator(false);
  c.set_numerator(0);
  c.set_denominator(0);
  return c;
}

absl::StatusOr<std::vector<v1::ComparatorValue>> SeriesBook::Comparators(const std::string& indicator,
                                                                         const std::string& breakdown, int year) {
  std::vector<v1::ComparatorValue> out;
  for (const auto& entity : ComparatorEntities(la_)) {
    auto c = Comparator(indicator, breakdown, entity, year);
    if (!c.ok()) return c.status();
    v1::ComparatorValue& v = out.emplace_back();
    v.set_entity(entity);
    v.set_label(ComparatorLabel(entity));
    *v.mutable_value() = *std::move(c);
  }
  return out;
}

absl::StatusOr<bool> SeriesBook::Supplied(const std::string& indicator, const std::string& breakdown, int year) {
  auto s = Get(indicator, breakdown);
  if (!s.ok()) return s.status();
  auto it = (*s)->la.find(year);
  return it != (*s)->la.end() && it->second.supplied();
}

}  // namespace carestat
