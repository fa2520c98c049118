// The dashboard: server-rendered pages over the same answers as the JSON API (Backend),
// charts drawn by the reports' own SVG code (render/chart.h). Every chart has a text
// alternative and its figures in a table beside it, so a page works without JavaScript
// and without sight; dashboard.js only adds show/hide buttons for those tables.
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/reports/self_assessment.h"
#include "services/reporting/web/web_internal.h"

namespace carestat::web {

namespace {

std::string E(const std::string& s) { return HtmlEscape(s); }

std::string Grouped(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string digits = buf, frac;
  if (auto dot = digits.find('.'); dot != std::string::npos) {
    frac = digits.substr(dot);
    digits = digits.substr(0, dot);
  }
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out + frac;
}

// A figure as people read it: counts whole, rates and percentages to one decimal place.
std::string Shown(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "not available";
  if (unit == "count" || unit == "days" || unit == "gbp") return Grouped(v, 0);
  if (unit == "percent") return Grouped(v, 1) + "%";
  return Grouped(v, 1);
}
std::string ShownOpt(bool has, double v, const std::string& unit) { return has ? Shown(v, unit) : "-"; }

std::string UnitWords(const std::string& unit) {
  if (unit == "rate_per_10k") return "rate per 10,000 children";
  if (unit == "percent") return "percentage";
  return unit;
}

std::string PolarityWords(const std::string& p) {
  return p == "up" ? "higher is better" : p == "down" ? "lower is better" : "no better direction";
}

Reply Html(const std::string& title, const std::string& body, const std::string& la = "") {
  Reply r;
  r.content_type = "text/html; charset=utf-8";
  r.body = PageShell(title, body, la);
  return r;
}

// A sparkline of up to six yearly values, with its values as its text alternative.
std::string Sparkline(const std::vector<const v1::IndicatorPoint*>& points, const std::string& unit,
                      const std::string& name) {
  std::vector<std::pair<std::string, double>> values;
  for (const auto* p : points) {
    if (p->has_value() && std::isfinite(p->value())) values.push_back({FormatPeriod(p->period()), p->value()});
  }
  if (values.size() < 2) return "<span>too few years to draw</span>";
  double lo = values[0].second, hi = lo;
  for (const auto& [_, v] : values) lo = std::min(lo, v), hi = std::max(hi, v);
  const double w = 110, h = 28, pad = 3;
  std::string pts, alt;
  for (size_t i = 0; i < values.size(); ++i) {
    const double x = pad + (w - 2 * pad) * i / (values.size() - 1);
    const double y = hi == lo ? h / 2 : pad + (h - 2 * pad) * (1 - (values[i].second - lo) / (hi - lo));
    absl::StrAppend(&pts, i ? " " : "", Number(std::round(x * 10) / 10), ",", Number(std::round(y * 10) / 10));
    absl::StrAppend(&alt, i ? "; " : "", values[i].first, " ", Shown(values[i].second, unit));
  }
  const auto& last = values.back();
  const double lx = w - pad, ly = hi == lo ? h / 2 : pad + (h - 2 * pad) * (1 - (last.second - lo) / (hi - lo));
  return absl::StrCat("<svg class=\"spark\" width=\"", Number(w), "\" height=\"", Number(h), "\" viewBox=\"0 0 ",
                      Number(w), " ", Number(h), "\" role=\"img\" aria-label=\"", E(name), ", last years: ", E(alt),
                      "\"><title>", E(alt), "</title><polyline fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"2\" points=\"",
                      pts, "\"/><circle cx=\"", Number(lx), "\" cy=\"", Number(std::round(ly * 10) / 10),
                      "\" r=\"3\" fill=\"#0b0c0c\"/></svg>");
}

const v1::IndicatorDefinition* FindDef(const v1::ListIndicatorsResponse& cat, const std::string& id) {
  for (const auto& d : cat.indicators()) {
    if (d.id() == id) return &d;
  }
  return nullptr;
}

std::string AreaOf(const std::string& indicator) {
  for (const auto& s : SelfAssessmentSections()) {
    for (const auto& i : s.indicators) {
      if (i == indicator) return s.id;
    }
  }
  return "";
}

std::string TravelWords(const v1::LaBenchmark& b) {
  if (!b.travel().empty()) return b.travel();
  if (!b.direction().empty()) return b.direction() == "up" ? "up" : b.direction() == "down" ? "down" : "no change";
  return "-";
}

// ---- the start page ----

Reply Start(const Call& c) {
  std::string body =
      "<h1>Children's social care performance</h1>"
      "<p>Every indicator of an LA by year and by month, against England, its region and its statistical "
      "neighbours, with the data quality of the returns behind them.</p>";
  if (!c.options.las.empty()) {
    body += "<h2>LAs loaded</h2><ul class=\"las\">";
    for (const auto& la : c.options.las) absl::StrAppend(&body, "<li><a href=\"/la?la=", E(la), "\">LA ", E(la), "</a></li>");
    body += "</ul>";
  }
  body +=
      "<h2>Another LA</h2><form method=\"get\" action=\"/la\"><label for=\"la\">DfE LA code (three digits)</label> "
      "<input id=\"la\" name=\"la\" inputmode=\"numeric\" pattern=\"[0-9]{3}\" required size=\"4\"> "
      "<button type=\"submit\">Show overview</button></form>";
  return Html("Choose an LA", body);
}

// ---- the LA overview ----

Reply Overview(const Call& c) {
  const std::string la = c.Param("la");
  const std::string area = c.Has("area") ? c.Param("area") : "all";
  v1::ListIndicatorsResponse cat;
  if (grpc::Status s = c.backend.Indicators(&cat); !s.ok()) return FromStatus(s);
  v1::GetBenchmarkRequest breq;
  breq.set_la(la);
  v1::GetBenchmarkResponse bench;
  const grpc::Status bs = c.backend.Benchmark(breq, &bench);
  std::map<std::string, const v1::LaBenchmark*> by_indicator;
  std::string la_name;
  if (bs.ok()) {
    for (const auto& b : bench.benchmarks()) {
      by_indicator[b.indicator()] = &b;
      if (la_name.empty()) la_name = b.la_name();
    }
  }
  const std::string title = la_name.empty() ? "LA " + la : la_name + " (LA " + la + ")";

  std::string body = absl::StrCat("<h1>", E(title), ": overview</h1>");
  // The filter: a plain GET form, so the filtered page has its own URL.
  body += "<form method=\"get\" action=\"/la\" class=\"filter\"><input type=\"hidden\" name=\"la\" value=\"" + E(la) +
          "\"><label for=\"area\">Area</label> <select id=\"area\" name=\"area\"><option value=\"all\"" +
          (area == "all" ? " selected" : "") + ">All areas</option>";
  for (const auto& s : SelfAssessmentSections()) {
    absl::StrAppend(&body, "<option value=\"", s.id, "\"", area == s.id ? " selected" : "", ">", E(s.title), "</option>");
  }
  body += "</select> <button type=\"submit\">Filter</button></form>";
  if (!bs.ok()) {
    absl::StrAppend(&body, "<p class=\"note\">DfE's published figures are not available for this LA: ",
                    E(bs.error_message()), "</p>");
  }

  std::string rows;
  int shown = 0, with_figure = 0;
  for (const auto& d : cat.indicators()) {
    if (area != "all" && AreaOf(d.id()) != area) continue;
    v1::GetSeriesRequest sreq;
    sreq.set_la(la);
    sreq.set_indicator(d.id());
    sreq.set_with_comparators(false);
    v1::GetSeriesResponse series;
    grpc::Status s = c.backend.Series(sreq, &series);
    if (!s.ok()) {
      if (s.error_code() == grpc::NOT_FOUND) return FromStatus(s);   // no data for the LA at all
      continue;
    }
    std::vector<const v1::IndicatorPoint*> own;
    for (const auto& p : series.points()) {
      if (p.breakdown().empty() && p.entity() == la) own.push_back(&p);
    }
    const v1::IndicatorPoint* latest = nullptr;
    for (const auto* p : own) {
      if (p->has_value()) latest = p;
    }
    ++shown;
    if (latest) ++with_figure;
    std::vector<const v1::IndicatorPoint*> last6(own.size() > 6 ? own.end() - 6 : own.begin(), own.end());
    const v1::LaBenchmark* b = by_indicator.count(d.id()) ? by_indicator[d.id()] : nullptr;
    const std::string link = absl::StrCat("/indicator?la=", la, "&amp;indicator=", d.id());
    absl::StrAppend(&rows, "<tr><th scope=\"row\"><a href=\"", link, "\">", E(d.name()), "</a></th>",
                    "<td>", latest ? FormatPeriod(latest->period()) : "-", "</td>",
                    "<td class=\"num\">", latest ? Shown(latest->value(), d.unit()) : "not available", "</td>",
                    "<td>", last6.empty() ? (d.monthly() ? "<span>by month: see the indicator</span>" : "-")
                                          : Sparkline(last6, d.unit(), d.name()),
                    "</td>");
    if (b && b->has_published() + b->has_england() > 0) {
      absl::StrAppend(&rows, "<td>", E(b->period()), "</td><td class=\"num\">", ShownOpt(b->has_published(), b->published(), d.unit()),
                      "</td><td class=\"num\">", ShownOpt(b->has_england(), b->england(), d.unit()),
                      "</td><td class=\"num\">", ShownOpt(b->has_region(), b->region(), d.unit()),
                      "</td><td class=\"num\">", ShownOpt(b->has_neighbours_average(), b->neighbours_average(), d.unit()),
                      "</td><td class=\"num\">", b->rank() ? absl::StrCat(b->rank(), " of ", b->rank_of()) : "-",
                      "</td><td>", b->quartile().empty() ? "-" : E(b->quartile()), "</td><td>", E(TravelWords(*b)),
                      "</td>");
    } else {
      absl::StrAppend(&rows, "<td colspan=\"8\">", b ? E(b->status()) : "no DfE figure", "</td>");
    }
    rows += "</tr>";
  }
  absl::StrAppend(&body, "<p>", shown, " indicators, ", with_figure, " with a figure.</p>",
                  "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"overview-caption\">"
                  "<table class=\"data\"><caption id=\"overview-caption\">Every indicator of ", E(title),
                  ": the latest year computed from its returns, the last six years, and DfE's published figures "
                  "(the LA, England, region and statistical neighbours, rank of all LAs with 1 the best, quartile "
                  "band A best to D, and direction of travel)</caption><thead><tr>"
                  "<th scope=\"col\">Indicator</th><th scope=\"col\">Latest year</th><th scope=\"col\">Value</th>"
                  "<th scope=\"col\">Last six years</th><th scope=\"col\">DfE year</th><th scope=\"col\">Published</th>"
                  "<th scope=\"col\">England</th><th scope=\"col\">Region</th><th scope=\"col\">Neighbours</th>"
                  "<th scope=\"col\">Rank</th><th scope=\"col\">Quartile</th><th scope=\"col\">Travel</th></tr></thead><tbody>",
                  rows, "</tbody></table></div>");
  // Reports: built on request in every format the reporting service renders.
  body += "<h2>Reports</h2><form method=\"get\" action=\"/api/v1/reports/annual\" class=\"reports\">"
          "<input type=\"hidden\" name=\"la\" value=\"" + E(la) + "\">"
          "<label for=\"report-year\">Year</label> <input id=\"report-year\" name=\"year\" value=\"2015-16\" "
          "pattern=\"[0-9]{4}-[0-9]{2}\" size=\"8\" required> "
          "<label for=\"report-format\">Format</label> <select id=\"report-format\" name=\"format\">"
          "<option value=\"html\">HTML</option><option value=\"docx\">Word</option><option value=\"xlsx\">Excel</option>"
          "<option value=\"csv\">CSV</option><option value=\"md\">Markdown</option><option value=\"json\">JSON</option>"
          "</select> <button type=\"submit\">Annual report</button> "
          "<button type=\"submit\" formaction=\"/api/v1/reports/self-assessment\">Self-assessment</button></form>";
  return Html(title + " overview", body, la);
}

// ---- the indicator page ----

v1::Cell CellOf(const v1::IndicatorPoint& p, const std::string& unit) {
  v1::Cell cell;
  cell.set_unit(unit);
  cell.set_has_value(p.has_value() && std::isfinite(p.value()));
  if (cell.has_value()) cell.set_value(p.value());
  return cell;
}

std::string EntityLabel(const std::string& entity, const std::string& la) {
  if (entity == la) return "LA " + la;
  if (entity == "ENG") return "England";
  if (entity == "LON") return "London";
  if (entity.rfind("SN:", 0) == 0) return "Statistical neighbours";
  return entity;
}

// The chart and, beside it, the same figures as a table.
std::string ChartAndTable(const v1::GetSeriesResponse& r, const std::string& la, const v1::IndicatorDefinition& d,
                          const std::string& id, const std::string& title) {
  std::vector<std::string> periods;
  std::map<std::string, std::map<std::string, const v1::IndicatorPoint*>> by_entity;
  std::vector<std::string> entities;
  for (const auto* list : {&r.points(), &r.comparators()}) {
    for (const auto& p : *list) {
      if (!p.breakdown().empty()) continue;
      const std::string period = FormatPeriod(p.period());
      if (list == &r.points() && std::find(periods.begin(), periods.end(), period) == periods.end()) periods.push_back(period);
      if (!by_entity.count(p.entity())) entities.push_back(p.entity());
      by_entity[p.entity()][period] = &p;
    }
  }
  if (periods.empty()) return "<p>No figure.</p>";
  v1::Figure fig;
  fig.set_id(id);
  fig.set_title(title);
  fig.set_indicator(d.id());
  fig.set_unit(d.unit());
  fig.set_y_label(UnitWords(d.unit()));
  for (const auto& p : periods) fig.add_periods(p);
  for (const auto& e : entities) {
    auto* s = fig.add_series();
    s->set_entity(e);
    s->set_label(EntityLabel(e, la));
    for (const auto& p : periods) {
      auto it = by_entity[e].find(p);
      if (it != by_entity[e].end()) *s->add_values() = CellOf(*it->second, d.unit());
      else {
        auto* cell = s->add_values();
        cell->set_unit(d.unit());
      }
    }
  }
  std::string out = absl::StrCat("<figure class=\"chart\" aria-labelledby=\"", id, "-cap\">", SvgChart(fig, id),
                                  "<figcaption id=\"", id, "-cap\">", E(title), ". The figures are in the table below.</figcaption></figure>");
  absl::StrAppend(&out, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"", id,
                  "-table-cap\"><table class=\"data\" data-toggle><caption id=\"", id, "-table-cap\">", E(title),
                  ": figures</caption><thead><tr><th scope=\"col\">Period</th>");
  for (const auto& e : entities) absl::StrAppend(&out, "<th scope=\"col\">", E(EntityLabel(e, la)), "</th>");
  out += "</tr></thead><tbody>";
  for (const auto& p : periods) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", p, "</th>");
    for (const auto& e : entities) {
      auto it = by_entity[e].find(p);
      absl::StrAppend(&out, "<td class=\"num\">",
                      it == by_entity[e].end() ? "-" : ShownOpt(it->second->has_value(), it->second->value(), d.unit()),
                      "</td>");
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

Reply IndicatorPage(const Call& c) {
  const std::string la = c.Param("la"), id = c.Param("indicator");
  v1::ListIndicatorsResponse cat;
  if (grpc::Status s = c.backend.Indicators(&cat); !s.ok()) return FromStatus(s);
  const v1::IndicatorDefinition* d = FindDef(cat, id);
  if (!d) return JsonError(400, "parameter 'indicator': unknown indicator '" + id + "' (see /api/v1/indicators)");
  std::string body = absl::StrCat("<h1>", E(d->name()), " <span class=\"sub\">LA ", E(la), "</span></h1>");
  absl::StrAppend(&body, "<h2>Definition</h2><dl class=\"def\"><dt>Definition</dt><dd>", E(d->definition()),
                  "</dd><dt>Unit</dt><dd>", E(UnitWords(d->unit())), "</dd><dt>Polarity</dt><dd>",
                  E(PolarityWords(d->polarity())), "</dd><dt>DfE</dt><dd>", E(d->dfe_status()),
                  d->dfe_measure().empty() ? "" : ": " + E(d->dfe_measure()), "</dd></dl>");

  v1::GetSeriesRequest yreq;
  yreq.set_la(la);
  yreq.set_indicator(id);
  yreq.set_with_comparators(true);
  v1::GetSeriesResponse yearly;
  if (grpc::Status s = c.backend.Series(yreq, &yearly); !s.ok()) return FromStatus(s);
  body += "<h2>By financial year</h2>";
  body += yearly.points().empty() ? "<p>No yearly figure: this indicator is counted by month.</p>"
                                  : ChartAndTable(yearly, la, *d, "yearly",
                                                  d->name() + ", LA " + la + " against its comparators, by financial year");
  if (d->monthly()) {
    v1::GetSeriesRequest mreq = yreq;
    mreq.set_monthly(true);
    // The last two years of months: enough to see the season, short enough to read.
    int last = 0;
    for (const auto& p : yearly.points()) last = std::max(last, p.period().start_year());
    v1::GetSeriesResponse all_months;
    if (last == 0) {
      if (grpc::Status s = c.backend.Series(mreq, &all_months); !s.ok()) return FromStatus(s);
      for (const auto& p : all_months.points()) last = std::max(last, p.period().month() >= 4 ? p.period().start_year() : p.period().start_year() - 1);
    }
    mreq.set_from(FormatPeriod(FinancialYear(last - 1)));
    v1::GetSeriesResponse monthly;
    if (grpc::Status s = c.backend.Series(mreq, &monthly); !s.ok()) return FromStatus(s);
    body += "<h2>By month</h2>";
    body += ChartAndTable(monthly, la, *d, "monthly", d->name() + ", LA " + la + ", by month");
    absl::StrAppend(&body, "<p><a href=\"/api/v1/series?la=", la, "&amp;indicator=", id,
                    "&amp;monthly=true&amp;format=csv\">Every month as CSV</a></p>");
  }
  absl::StrAppend(&body, "<p><a href=\"/api/v1/series?la=", la, "&amp;indicator=", id,
                  "&amp;format=csv\">The yearly series as CSV</a></p>");

  // DfE's published figures: the LA among all LAs.
  v1::GetBenchmarkRequest breq;
  breq.set_la(la);
  breq.set_indicator(id);
  v1::GetBenchmarkResponse bench;
  if (c.backend.Benchmark(breq, &bench).ok() && bench.benchmarks_size() == 1) {
    const auto& b = bench.benchmarks(0);
    absl::StrAppend(&body, "<h2>Against all LAs (DfE's published figures, ", E(b.period()), ")</h2>",
                    "<table class=\"data\"><caption>LA ", E(la), " on DfE's published figures</caption><tbody>",
                    "<tr><th scope=\"row\">Published figure</th><td class=\"num\">",
                    b.has_published() ? Shown(b.published(), d->unit()) : E(b.published_text().empty() ? "-" : b.published_text()),
                    "</td></tr><tr><th scope=\"row\">Computed by carestat</th><td class=\"num\">",
                    ShownOpt(b.has_computed(), b.computed(), d->unit()),
                    "</td></tr><tr><th scope=\"row\">England</th><td class=\"num\">", ShownOpt(b.has_england(), b.england(), d->unit()),
                    "</td></tr><tr><th scope=\"row\">", E(b.region_name().empty() ? "Region" : b.region_name()),
                    "</th><td class=\"num\">", ShownOpt(b.has_region(), b.region(), d->unit()),
                    "</td></tr><tr><th scope=\"row\">Statistical neighbours (", b.neighbours_with_value(), " of ",
                    b.neighbours_listed(), ")</th><td class=\"num\">",
                    ShownOpt(b.has_neighbours_average(), b.neighbours_average(), d->unit()),
                    "</td></tr><tr><th scope=\"row\">Rank (1 best)</th><td class=\"num\">",
                    b.rank() ? absl::StrCat(b.rank(), " of ", b.rank_of()) : "-",
                    "</td></tr><tr><th scope=\"row\">Quartile (A best)</th><td>", b.quartile().empty() ? "-" : E(b.quartile()),
                    "</td></tr><tr><th scope=\"row\">Direction of travel</th><td>", E(TravelWords(b)), "</td></tr></tbody></table>");
  }

  // Data-quality caveats: where DfE's definition differs, the returns the figures read,
  // and any upload of this LA refused whole.
  body += "<h2>Data quality</h2><ul class=\"caveats\">";
  if (!d->dfe_difference().empty()) absl::StrAppend(&body, "<li>Against DfE: ", E(d->dfe_difference()), "</li>");
  std::set<std::string> sources;
  for (const auto& p : yearly.points()) {
    for (const auto& s : p.sources()) sources.insert(s);
  }
  if (!sources.empty()) absl::StrAppend(&body, "<li>Computed from: ", E(absl::StrJoin(sources, ", ")), "</li>");
  v1::ListReturnsRequest rreq;
  rreq.set_la(la);
  v1::ListReturnsResponse returns;
  if (c.backend.Returns(rreq, &returns).ok()) {
    for (const auto& x : returns.returns()) {
      if (!sources.count(x.return_id()) || x.errors() == 0) continue;
      absl::StrAppend(&body, "<li>", E(x.return_id()), " (", E(x.file_name()), ") has ", x.errors(),
                      " validation errors and ", x.queries(), " queries</li>");
    }
    for (const auto& x : returns.rejected()) {
      absl::StrAppend(&body, "<li>", E(x.return_id()), " was refused (", E(x.file_name()), "): ", E(x.reason()), "</li>");
    }
  }
  body += "</ul>";
  return Html(d->name() + ", LA " + la, body, la);
}

ParamSpec P(const std::string& name, ParamKind kind, bool required = false) { return {name, kind, required}; }

}  // namespace

std::vector<Route> PageRoutes() {
  const std::string read = "/carestat.v1.Metrics/GetSeries";
  return {
      {"/", read, {}, Start, true},
      {"/la", read, {P("la", ParamKind::kLa, true), P("area", ParamKind::kArea)}, Overview, true},
      {"/indicator", read, {P("la", ParamKind::kLa, true), P("indicator", ParamKind::kIndicator, true)}, IndicatorPage,
       true},
  };
}

}  // namespace carestat::web
