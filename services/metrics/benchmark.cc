#include "services/metrics/benchmark.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/catalogue.h"

namespace carestat {
namespace {

bool Ranked(const std::string& polarity) { return polarity == "High" || polarity == "Low"; }

// Whether a is better than b by the polarity.
bool Better(double a, double b, const std::string& polarity) {
  return polarity == "High" ? a > b : a < b;
}

// The published numbers of every LA for the indicator and year (suppressed "-" left out,
// never 0), optionally without one LA's.
std::vector<double> Distribution(const Lait& lait, const std::string& indicator, int fy,
                                 const std::string& except = "") {
  std::vector<double> out;
  for (const auto& [code, v] : lait.LaValues(indicator, fy)) {
    if (v->number && code != except) out.push_back(*v->number);
  }
  return out;
}

int Dps(const Lait::Mapping& m) {
  int d = 0;
  return absl::SimpleAtoi(m.dps, &d) ? d : -1;
}

std::string Fixed(double v, int dps) { return absl::StrFormat("%.*f", dps, v); }

// Why the council's figure and DfE's differ, as far as is known.
std::string Reason(const Lait::Mapping& m, const std::string& la, int fy, const Populations* populations) {
  std::string reason = m.difference;
  const IndicatorDef* def = FindIndicator(m.indicator);
  if (def && def->unit == "rate_per_10k") {
    std::string ours = "reference/populations.csv";
    if (populations) {
      if (auto p = populations->Get(la, fy)) {
        ours = absl::StrCat(Fixed(*p, 0), " children aged 0-17 (reference/populations.csv, mid-", fy, ": ",
                            populations->Source(la, fy), ")");
      } else {
        ours = absl::StrCat("reference/populations.csv, which has no mid-", fy, " row for ", la);
      }
    }
    absl::StrAppend(&reason, reason.empty() ? "" : " ", "Populations: carestat's rate divides by ", ours,
                    "; DfE's (as LAIT holds it) by ONS's mid-year estimates as DfE revised them.");
  }
  return reason;
}

// The polarity an indicator is ranked by: LAIT's where it maps one, else the catalogue's
// (up: High, down: Low).
std::string PolarityOf(const Lait& lait, const std::string& indicator) {
  if (const Lait::Mapping* m = lait.FindMapping(indicator); m && Ranked(m->polarity)) return m->polarity;
  if (const IndicatorDef* d = FindIndicator(indicator)) {
    if (d->polarity == "up") return "High";
    if (d->polarity == "down") return "Low";
  }
  return "";
}

// England's or a region's figure pooled from its LAs' points as DfE aggregates: a count
// summed, any other unit the sum of numerators over the sum of denominators at the unit's
// scale. nullopt when one of `codes` has no point, or the pooled denominator is 0.
std::optional<double> Pooled(const std::string& indicator, const std::vector<std::string>& codes,
                             const LoadedFigures& loaded) {
  const IndicatorDef* d = FindIndicator(indicator);
  if (d == nullptr || codes.empty()) return std::nullopt;
  double scale = 0;
  if (d->unit == "rate_per_10k") scale = 10000;
  else if (d->unit == "percent") scale = 100;
  else if (d->unit == "days") scale = 1;
  else if (d->unit != "count") return std::nullopt;
  double num = 0, den = 0;
  for (const auto& code : codes) {
    auto it = loaded.find(code);
    if (it == loaded.end()) return std::nullopt;
    if (d->unit == "count") {
      if (!it->second.has_value) return std::nullopt;
      num += it->second.value;
    } else {
      num += it->second.numerator;
      den += it->second.denominator;
    }
  }
  if (d->unit == "count") return num;
  if (den <= 0) return std::nullopt;
  return num / den * scale;
}

}  // namespace

std::optional<v1::LoadedComparators> LoadedComparatorsOf(const Lait& lait, const std::string& la,
                                                         const std::string& indicator, int fy,
                                                         const LoadedFigures& loaded) {
  std::vector<double> figures;
  bool others = false;
  for (const auto& [code, p] : loaded) {
    if (!p.has_value || !lait.LaExistsIn(code, fy)) continue;
    figures.push_back(p.value);
    others = others || code != la;
  }
  if (!others) return std::nullopt;
  v1::LoadedComparators c;
  c.set_las_with_figure(static_cast<int32_t>(figures.size()));
  const std::vector<std::string> las = lait.LasIn(fy);
  c.set_las(static_cast<int32_t>(las.size()));
  if (auto e = Pooled(indicator, las, loaded)) c.set_england(*e);

  const Lait::Area* area = lait.FindArea(la);
  if (area && !area->region_code.empty()) {
    std::vector<std::string> region;
    for (const auto& code : las) {
      const Lait::Area* a = lait.FindArea(code);
      if (a && a->region_code == area->region_code) region.push_back(code);
    }
    int with = 0;
    for (const auto& code : region) {
      auto it = loaded.find(code);
      with += it != loaded.end() && it->second.has_value ? 1 : 0;
    }
    c.set_region_las(static_cast<int32_t>(region.size()));
    c.set_region_las_with_figure(with);
    if (auto r = Pooled(indicator, region, loaded)) c.set_region(*r);
  }

  if (auto list = lait.Neighbours(la, FinancialYearEnd(fy)); list && !list->neighbours.empty()) {
    double sum = 0;
    int with = 0;
    for (const auto& code : list->neighbours) {
      auto it = loaded.find(code);
      if (it != loaded.end() && it->second.has_value) {
        sum += it->second.value;
        ++with;
      }
    }
    c.set_neighbours_with_figure(with);
    if (with == static_cast<int>(list->neighbours.size())) c.set_neighbours_average(sum / with);
  }

  auto own = loaded.find(la);
  const std::string polarity = PolarityOf(lait, indicator);
  if (own != loaded.end() && own->second.has_value && Ranked(polarity)) {
    c.set_rank(RankAmong(own->second.value, figures, polarity));
    c.set_rank_of(static_cast<int32_t>(figures.size()));
    const Lait::Mapping* m = lait.FindMapping(indicator);
    if (m == nullptr || m->no_quartile != "N") c.set_quartile(QuartileBand(own->second.value, QuartileCuts(figures), polarity));
  }
  return c;
}

std::array<double, 5> QuartileCuts(std::vector<double> values) {
  std::array<double, 5> cuts;
  if (values.empty()) {
    cuts.fill(std::numeric_limits<double>::quiet_NaN());
    return cuts;
  }
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  for (int i = 0; i < 5; ++i) {
    // Type 7: h = (n - 1) p, interpolating between the order statistics around it.
    const double h = (n - 1) * (i / 4.0);
    const size_t lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    cuts[i] = values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  }
  return cuts;
}

std::string QuartileBand(double value, const std::array<double, 5>& cuts, const std::string& polarity,
                         bool* outside) {
  if (outside) *outside = false;
  if (!Ranked(polarity) || std::isnan(cuts[0])) return "";
  if (outside) *outside = value < cuts[0] || value > cuts[4];
  // Quarter from the lowest values: 0 (up to the 25% cut) to 3 (above the 75% cut).
  int quarter = value <= cuts[1] ? 0 : value <= cuts[2] ? 1 : value <= cuts[3] ? 2 : 3;
  if (polarity == "High") quarter = 3 - quarter;
  return std::string(1, static_cast<char>('A' + quarter));
}

int RankAmong(double value, const std::vector<double>& values, const std::string& polarity) {
  if (!Ranked(polarity)) return 0;
  int better = 0;
  for (double v : values) better += Better(v, value, polarity) ? 1 : 0;
  return better + 1;
}

std::optional<int> LatestPublishedYear(const Lait& lait, const std::string& la, const std::string& indicator) {
  std::vector<int> years = lait.Years(indicator);
  for (auto it = years.rbegin(); it != years.rend(); ++it) {
    if (lait.Number(indicator, la, *it)) return *it;
  }
  for (auto it = years.rbegin(); it != years.rend(); ++it) {
    if (!Distribution(lait, indicator, *it).empty()) return *it;
  }
  return std::nullopt;
}

v1::LaBenchmark BenchmarkOf(const Lait& lait, const std::string& la, const std::string& indicator, int fy,
                          const ComputedFigures& computed, const Populations* populations) {
  v1::LaBenchmark b;
  b.set_la(la);
  b.set_indicator(indicator);
  b.set_period(FormatPeriod(FinancialYear(fy)));
  const Lait::Area* area = lait.FindArea(la);
  if (area) {
    b.set_la_name(area->name);
    b.set_region_code(area->region_code);
    if (const Lait::Area* r = lait.FindArea(area->region_code)) b.set_region_name(r->name);
  }
  b.set_la_existed(lait.LaExistsIn(la, fy));
  auto own = computed.find(fy);
  if (own != computed.end()) b.set_computed(own->second);
  const Lait::Mapping* m = lait.FindMapping(indicator);
  if (m == nullptr) {
    b.set_status("not published by DfE");
    return b;
  }
  b.set_status(m->status);
  b.set_note(m->difference);
  b.set_dps(Dps(*m));
  if (!m->mapped()) return b;
  b.set_polarity(m->polarity);
  b.set_lait_measure(m->measure);
  const std::string& polarity = m->polarity;
  // LAIT's quartile flag: N means its data range is too small to band.
  const bool banded = Ranked(polarity) && m->no_quartile != "N";

  if (const Lait::Value* v = lait.Find(indicator, la, fy)) {
    b.set_published_text(v->text);
    if (v->number) b.set_published(*v->number);
    b.set_published_source(v->source);
  } else if (const Lait::Value* e = lait.Find(indicator, "970", fy)) {
    b.set_published_source(e->source);  // the council's own row missing: England's names the file
  }
  if (auto e = lait.Number(indicator, "970", fy)) b.set_england(*e);
  if (!b.region_code().empty()) {
    if (auto r = lait.Number(indicator, b.region_code(), fy)) b.set_region(*r);
  }

  // Statistical neighbours: the list in force at the year's end.
  if (auto list = lait.Neighbours(la, FinancialYearEnd(fy))) {
    b.set_neighbour_list(list->list);
    b.set_neighbour_list_in_force(list->in_force);
    b.set_neighbours_listed(static_cast<int32_t>(list->neighbours.size()));
    double sum = 0;
    int n = 0;
    for (const auto& code : list->neighbours) {
      if (auto x = lait.Number(indicator, code, fy)) {
        sum += *x;
        ++n;
      }
    }
    b.set_neighbours_with_value(n);
    if (n > 0) b.set_neighbours_average(sum / n);
  }

  const std::vector<double> all = Distribution(lait, indicator, fy);
  b.set_rank_of(static_cast<int32_t>(all.size()));
  if (b.has_published()) {
    b.set_rank(RankAmong(b.published(), all, polarity));
    if (banded) b.set_quartile(QuartileBand(b.published(), QuartileCuts(all), polarity));
    if (auto prev = lait.Number(indicator, la, fy - 1)) {
      b.set_previous(*prev);
      const double change = b.published() - *prev;
      b.set_change(change);
      b.set_direction(change > 0 ? "up" : change < 0 ? "down" : "same");
      if (Ranked(polarity)) {
        b.set_travel(change == 0 ? "no change" : Better(b.published(), *prev, polarity) ? "improving" : "worsening");
      }
    }
  }

  // Beyond LAIT: the council's figure for a year DfE has not published for it, placed in
  // the nearest published distribution (the latest year on or before, else the earliest).
  if (!b.has_published() && own != computed.end()) {
    std::optional<int> at;
    std::vector<int> years = lait.Years(indicator);
    for (int y : years) {
      if (Distribution(lait, indicator, y).empty()) continue;
      if (y <= fy) at = y;
      else if (!at) { at = y; break; }
    }
    if (at) {
      const std::vector<double> others = Distribution(lait, indicator, *at, la);
      v1::BenchmarkPlacement* p = b.mutable_placement();
      p->set_period(FormatPeriod(FinancialYear(*at)));
      p->set_rank(RankAmong(own->second, others, polarity));
      p->set_rank_of(static_cast<int32_t>(others.size()) + 1);
      if (banded) {
        bool outside = false;
        p->set_quartile(QuartileBand(own->second, QuartileCuts(Distribution(lait, indicator, *at)), polarity, &outside));
        p->set_outside_range(outside);
      }
    }
  }

  // Reconciliation: every year DfE published a number and the council has its own.
  for (const auto& [year, value] : computed) {
    auto published = lait.Number(indicator, la, year);
    if (!published) continue;
    v1::BenchmarkReconciliation* r = b.add_reconciliation();
    r->set_period(FormatPeriod(FinancialYear(year)));
    r->set_computed(value);
    r->set_published(*published);
    r->set_difference(value - *published);
    // DfE's published figure is rounded (1 dp where LAIT gives no places): a council
    // figure that rounds to it agrees, and needs no reason.
    const int dps = b.dps() >= 0 ? b.dps() : 1;
    const bool agrees = std::fabs(value - *published) <= 0.5 * std::pow(10.0, -dps) + 1e-9;
    if (!agrees) r->set_reason(Reason(*m, la, year, populations));
  }
  return b;
}

}  // namespace carestat
