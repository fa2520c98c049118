// The dashboard: server-rendered pages over the same answers as the JSON API (Backend),
// charts drawn by the reports' own SVG code (render/chart.h). Every chart has a text
// alternative and its figures in a table beside it, so a page works without JavaScript
// and without sight; dashboard.js only adds show/hide buttons for those tables.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/dates.h"
#include "services/reporting/render/chart.h"
#include "services/metrics/reference/lait.h"
#include "services/reporting/reports/coverage.h"
#include "services/reporting/reports/projection.h"
#include "services/reporting/reports/rating.h"
#include "services/reporting/reports/series.h"
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
  if (unit.rfind("percent", 0) == 0) return Grouped(v, 1) + "%";
  return Grouped(v, 1);
}
std::string ShownOpt(bool has, double v, const std::string& unit) { return has ? Shown(v, unit) : "-"; }

std::string UnitWords(const std::string& unit) {
  if (unit.rfind("rate_per_10k", 0) == 0) return "rate per 10,000 children";
  if (unit.rfind("percent", 0) == 0) return "percentage";
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

struct RatedFigure {
  std::string rating = "not rated", reason, direction = "not judged";
};

// The latest figure rated and its direction judged as the self-assessment does (rating.h):
// against the LA's target for the year, else the comparators metrics holds for the year,
// else DfE's published comparators when their year is the same; the direction from the
// year before.
RatedFigure Rate(const v1::IndicatorPoint& latest, const std::vector<const v1::IndicatorPoint*>& own,
                 const v1::GetSeriesResponse& series, const v1::IndicatorDefinition& d, const v1::LaBenchmark* b) {
  const int year = latest.period().start_year();
  const v1::Cell value = CellFromPoint(latest, d.unit(), "");
  std::optional<v1::Target> held;
  for (const auto& t : series.targets()) {
    if (t.period() == FormatPeriod(latest.period())) held = t;
  }
  const std::optional<v1::Benchmark> target = TargetFor(held, d.id(), year, d.unit());
  std::vector<v1::ComparatorValue> comparators;
  for (const auto& p : series.comparators()) {
    if (!p.breakdown().empty() || p.period().start_year() != year || p.period().kind() != v1::Period::FINANCIAL_YEAR) continue;
    v1::ComparatorValue c;
    c.set_entity(p.entity());
    c.set_label(p.entity() == "ENG" ? "England" : p.entity() == "LON" ? "London" : "Statistical neighbours");
    *c.mutable_value() = CellFromPoint(p, d.unit(), "");
    comparators.push_back(c);
  }
  Judgement j = Judge(value, d.polarity(), d.unit(), target ? &*target : nullptr, comparators);
  if (j.against.kind().empty() && j.rating == v1::RATING_UNSPECIFIED && b && b->period() == FormatPeriod(latest.period())) {
    Judgement p = Judge(value, d.polarity(), d.unit(), nullptr, PublishedComparators(PublishedComparisonOf(*b, d.unit())));
    if (!p.against.kind().empty()) j = p;
  }
  RatedFigure out;
  out.rating = RatingName(j.rating);
  out.reason = j.reason;
  for (size_t i = 1; i < own.size(); ++i) {
    if (own[i] == &latest && own[i - 1]->period().start_year() == year - 1) {
      out.direction = DirectionName(DirectionOfTravel(CellFromPoint(*own[i - 1], d.unit(), ""), value, d.polarity()));
    }
  }
  return out;
}

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
  int shown = 0, with_figure = 0, unread = 0;
  std::vector<const v1::IndicatorDefinition*> defs;
  std::vector<v1::GetSeriesRequest> sreqs;
  for (const auto& d : cat.indicators()) {
    if (area != "all" && AreaOf(d.id()) != area) continue;
    defs.push_back(&d);
    v1::GetSeriesRequest& sreq = sreqs.emplace_back();
    sreq.set_la(la);
    sreq.set_indicator(d.id());
    sreq.set_with_comparators(true);
  }
  std::vector<v1::GetSeriesResponse> all_series;
  const std::vector<grpc::Status> statuses = c.backend.SeriesMany(sreqs, &all_series);
  for (size_t k = 0; k < defs.size(); ++k) {
    const v1::IndicatorDefinition& d = *defs[k];
    const v1::GetSeriesResponse& series = all_series[k];
    const grpc::Status& s = statuses[k];
    if (!s.ok()) {
      if (s.error_code() == grpc::NOT_FOUND) return FromStatus(s);   // no data for the LA at all
      // Metrics busy or unreachable for this one: the row says so rather than vanishing,
      // so a reader never takes a missing indicator for one that has no figure.
      ++shown;
      ++unread;
      absl::StrAppend(&rows, "<tr><th scope=\"row\">", E(d.name()), "</th><td colspan=\"12\" class=\"error\">",
                      "could not be read from metrics: ", E(s.error_message()), "; reload the page</td></tr>");
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
    const RatedFigure rated = latest ? Rate(*latest, own, series, d, b) : RatedFigure{};
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
                      "</td><td>", b->quartile().empty() ? "-" : E(b->quartile()), "</td>");
    } else {
      absl::StrAppend(&rows, "<td colspan=\"7\">", b ? E(b->status()) : "no DfE figure", "</td>");
    }
    absl::StrAppend(&rows, "<td class=\"rating-", E(rated.rating), "\">", E(rated.rating),
                    // Why it is rated so; "not rated" says no more than its own words.
                    rated.reason.empty() || rated.rating == "not rated"
                        ? ""
                        : absl::StrCat("<br><small>", E(rated.reason), "</small>"),
                    "</td><td>",
                    E(rated.direction), "</td>");
    rows += "</tr>";
  }
  absl::StrAppend(&body, "<p>", shown, " indicators, ", with_figure, " with a figure",
                  unread ? absl::StrCat(", ", unread, " that could not be read (see their rows)") : "", ".</p>",
                  "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"overview-caption\">"
                  "<table class=\"data\"><caption id=\"overview-caption\">Every indicator of ", E(title),
                  ": the latest year computed from its returns, the last six years, and DfE's published figures "
                  "(the LA, England, region and statistical neighbours, rank of all LAs with 1 the best, quartile "
                  "band A best to D), and the rating and direction of travel of the latest year as the "
                  "self-assessment judges them</caption><thead><tr>"
                  "<th scope=\"col\">Indicator</th><th scope=\"col\">Latest year</th><th scope=\"col\">Value</th>"
                  "<th scope=\"col\">Last six years</th><th scope=\"col\">DfE year</th><th scope=\"col\">Published</th>"
                  "<th scope=\"col\">England</th><th scope=\"col\">Region</th><th scope=\"col\">Neighbours</th>"
                  "<th scope=\"col\">Rank</th><th scope=\"col\">Quartile</th><th scope=\"col\">Rating</th>"
                  "<th scope=\"col\">Direction</th></tr></thead><tbody>",
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
  if (entity.size() == 3 && std::isdigit(static_cast<unsigned char>(entity[0]))) return "LA " + entity;
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

// Every LA's published figure of the year (DfE's, as shipped in reference/lait_values.csv:
// the figures metrics ranks the LA among) as a strip of ticks, this LA marked; its text
// alternative and a table give the quartiles, the LA's figure and its rank.
std::string Distribution(const v1::LaBenchmark& b, const v1::IndicatorDefinition& d) {
  std::string problem;
  auto fy = ParseFinancialYear(b.period(), &problem);
  if (!fy) return "";
  std::vector<std::pair<double, std::string>> values;
  for (const auto& [code, v] : Lait::Shipped().LaValues(d.id(), *fy)) {
    if (v && v->number && std::isfinite(*v->number)) values.push_back({*v->number, code});
  }
  if (values.size() < 5) return "";
  std::sort(values.begin(), values.end());
  auto q = [&](double f) { return values[static_cast<size_t>(f * (values.size() - 1) + 0.5)].first; };
  const double lo = values.front().first, hi = values.back().first;
  const double w = 640, h = 90, left = 20, right = 20;
  auto x = [&](double v) { return hi == lo ? w / 2 : left + (w - left - right) * (v - lo) / (hi - lo); };
  std::string ticks, mark;
  for (const auto& [v, code] : values) {
    const std::string xs = Number(std::round(x(v) * 10) / 10);
    if (code == b.la()) {
      mark = absl::StrCat("<line x1=\"", xs, "\" x2=\"", xs, "\" y1=\"14\" y2=\"62\" stroke=\"#0b0c0c\" stroke-width=\"4\"/>",
                          "<text x=\"", xs, "\" y=\"10\" text-anchor=\"middle\" font-size=\"12\" fill=\"#0b0c0c\">LA ",
                          E(b.la()), ": ", E(Shown(v, d.unit())), "</text>");
    } else {
      absl::StrAppend(&ticks, "<line x1=\"", xs, "\" x2=\"", xs, "\" y1=\"26\" y2=\"50\" stroke=\"#505a5f\" stroke-width=\"1\"/>");
    }
  }
  const std::string own = b.has_published() ? Shown(b.published(), d.unit()) : "not published";
  const std::string alt = absl::StrCat(
      "The published figures of ", values.size(), " LAs for ", b.period(), ": lowest ", Shown(lo, d.unit()),
      ", lower quartile ", Shown(q(0.25), d.unit()), ", median ", Shown(q(0.5), d.unit()), ", upper quartile ",
      Shown(q(0.75), d.unit()), ", highest ", Shown(hi, d.unit()), "; LA ", b.la(), " ", own,
      b.rank() ? absl::StrCat(", ranked ", b.rank(), " of ", b.rank_of(), " (1 best)") : "");
  std::string out = absl::StrCat(
      "<h3>The distribution of all LAs</h3><figure class=\"chart\"><svg width=\"", Number(w), "\" height=\"", Number(h),
      "\" viewBox=\"0 0 ", Number(w), " ", Number(h), "\" role=\"img\" aria-label=\"", E(alt), "\"><title>", E(alt),
      "</title>", ticks, mark, "<line x1=\"", Number(left), "\" x2=\"", Number(w - right), "\" y1=\"64\" y2=\"64\" stroke=\"#0b0c0c\"/>",
      "<text x=\"", Number(left), "\" y=\"82\" font-size=\"12\" fill=\"#0b0c0c\">", E(Shown(lo, d.unit())), "</text>",
      "<text x=\"", Number(w - right), "\" y=\"82\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">",
      E(Shown(hi, d.unit())), "</text></svg><figcaption>Each line is one LA's figure as DfE published it for ",
      E(b.period()), "; the thick line is LA ", E(b.la()), ".</figcaption></figure>");
  absl::StrAppend(&out, "<table class=\"data\"><caption>The distribution of all LAs, ", E(b.period()),
                  "</caption><tbody><tr><th scope=\"row\">LAs with a figure</th><td class=\"num\">", values.size(),
                  "</td></tr><tr><th scope=\"row\">Lowest</th><td class=\"num\">", Shown(lo, d.unit()),
                  "</td></tr><tr><th scope=\"row\">Lower quartile</th><td class=\"num\">", Shown(q(0.25), d.unit()),
                  "</td></tr><tr><th scope=\"row\">Median</th><td class=\"num\">", Shown(q(0.5), d.unit()),
                  "</td></tr><tr><th scope=\"row\">Upper quartile</th><td class=\"num\">", Shown(q(0.75), d.unit()),
                  "</td></tr><tr><th scope=\"row\">Highest</th><td class=\"num\">", Shown(hi, d.unit()),
                  "</td></tr><tr><th scope=\"row\">LA ", E(b.la()), "</th><td class=\"num\">", E(own),
                  "</td></tr></tbody></table>");
  return out;
}

// A list of the children behind a figure as a table: pseudonym, record, each date or
// code by name, returns.
std::string ChildrenTable(const std::string& id, const std::string& caption,
                          const google::protobuf::RepeatedPtrField<v1::ListedChild>& list) {
  std::vector<std::string> names;
  for (const auto& c : list) {
    for (const auto& f : c.facts()) {
      if (std::find(names.begin(), names.end(), f.name()) == names.end()) names.push_back(f.name());
    }
  }
  std::string out = absl::StrCat("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"", id,
                                 "-cap\"><table class=\"data\" id=\"", id, "\" data-entries=\"", list.size(),
                                 "\"><caption id=\"", id, "-cap\">", E(caption), "</caption><thead><tr>"
                                 "<th scope=\"col\">Child (pseudonym)</th><th scope=\"col\">Record</th>");
  for (const auto& n : names) absl::StrAppend(&out, "<th scope=\"col\">", E(n), "</th>");
  out += "<th scope=\"col\">Returns</th></tr></thead><tbody>";
  for (const auto& c : list) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", c.child().empty() ? "(no id)" : E(c.child()), "</th><td>",
                    E(c.record()), "</td>");
    for (const auto& n : names) {
      std::string v = "-";
      for (const auto& f : c.facts()) {
        if (f.name() == n) v = f.value();
      }
      absl::StrAppend(&out, "<td>", E(v), "</td>");
    }
    absl::StrAppend(&out, "<td>", E(absl::StrJoin(c.sources(), ", ")), "</td></tr>");
  }
  out += "</tbody></table></div>";
  return out;
}

// The indicator page's section for a `case` principal: a financial year, a month or a
// rolling 12 months to choose (each its own form, sent as the API's period=, month= and
// month=&rolling=true, so that December 2011 is never read as the year 2011-12), the
// figure with its numerator and denominator, and the two lists with their lengths beside
// them. `periods` are the LA's figures on the page, in order within each kind.
std::string ChildrenSection(const Call& c, const v1::IndicatorDefinition& d, const std::vector<v1::Period>& periods) {
  const std::string la = c.Param("la");
  auto same = [](const v1::Period& a, const v1::Period& b) {
    return a.kind() == b.kind() && a.start_year() == b.start_year() && a.month() == b.month();
  };
  std::optional<v1::Period> period;
  std::string problem;
  if (c.Has("period") || c.Has("month") || c.Has("rolling")) {
    auto asked = ChildrenPeriod(c);
    if (asked.ok()) period = *asked;
    else problem = std::string(asked.status().message());
  } else {
    // The latest financial year with a figure, else the latest month.
    for (const auto& p : periods) {
      if (p.kind() == v1::Period::FINANCIAL_YEAR) period = p;
    }
    for (auto it = periods.rbegin(); !period && it != periods.rend(); ++it) {
      if (it->kind() == v1::Period::MONTH) period = *it;
    }
  }
  std::string out = "<h2 id=\"children\">The children behind the figure</h2>";
  struct Choice {
    v1::Period::Kind kind;
    const char* id;
    const char* label;
    const char* name;
    const char* button;
  };
  for (const Choice& k : {Choice{v1::Period::FINANCIAL_YEAR, "children-period", "Financial year", "period",
                                 "List the year's children"},
                          Choice{v1::Period::MONTH, "children-month", "Month", "month", "List the month's children"},
                          Choice{v1::Period::ROLLING_12_MONTHS, "children-rolling", "12 months ending", "month",
                                 "List the 12 months' children"}}) {
    std::vector<const v1::Period*> of_kind;
    for (const auto& p : periods) {
      if (p.kind() == k.kind) of_kind.push_back(&p);
    }
    const bool chosen = period && period->kind() == k.kind;
    if (of_kind.empty() && !chosen) continue;
    absl::StrAppend(&out, "<form method=\"get\" action=\"/indicator\" class=\"children-choice\">"
                    "<input type=\"hidden\" name=\"la\" value=\"", E(la),
                    "\"><input type=\"hidden\" name=\"indicator\" value=\"", E(d.id()), "\">",
                    k.kind == v1::Period::ROLLING_12_MONTHS ? "<input type=\"hidden\" name=\"rolling\" value=\"true\">" : "",
                    "<label for=\"", k.id, "\">", k.label, "</label> <select id=\"", k.id, "\" name=\"", k.name, "\">");
    bool listed = false;
    auto option = [&](const v1::Period& p) {
      const bool selected = chosen && same(p, *period);
      listed = listed || selected;
      // The value is what the parameter takes: a window is named by its last month.
      const std::string value = k.kind == v1::Period::FINANCIAL_YEAR ? FormatPeriod(p) : MonthParameter(p);
      absl::StrAppend(&out, "<option value=\"", E(value), "\"", selected ? " selected" : "", ">", E(FormatPeriod(p)),
                      "</option>");
    };
    for (auto it = of_kind.rbegin(); it != of_kind.rend(); ++it) option(**it);
    if (chosen && !listed) option(*period);
    absl::StrAppend(&out, "</select> <button type=\"submit\">", k.button, "</button></form>");
  }
  if (!problem.empty()) return out + "<p class=\"note\">" + E(problem) + "</p>";
  if (!period) return out + "<p>No figure of this LA to list children for.</p>";
  const std::string shown = DescribePeriod(*period);
  const v1::ListChildrenRequest req = ChildrenRequest(la, d.id(), "", *period);
  v1::ListChildrenResponse resp;
  grpc::Status s = ChildrenFor(c, req, &resp);
  if (!s.ok()) return out + "<p class=\"note\">" + E(s.error_message()) + "</p>";
  const v1::IndicatorPoint& p = resp.point();
  const bool ratio = p.denominator() > 0 || resp.denominator_size() > 0;
  const std::string what = resp.counts().empty() ? "children" : resp.counts();
  absl::StrAppend(&out, "<table class=\"data\" id=\"children-figure\"><caption>LA ", E(la), ", ", E(shown),
                  ": the figure and the lists behind it</caption><thead><tr><th scope=\"col\">Part</th>"
                  "<th scope=\"col\">Figure</th><th scope=\"col\">Entries listed (", E(what), ")</th></tr></thead><tbody>"
                  "<tr><th scope=\"row\">", E(d.name()), "</th><td class=\"num\">",
                  ShownOpt(p.has_value(), p.value(), d.unit()), "</td><td>-</td></tr>"
                  "<tr><th scope=\"row\">Numerator</th><td class=\"num\" data-figure=\"numerator\">",
                  Number(p.numerator()), "</td><td class=\"num\" data-listed=\"numerator\">", resp.numerator_size(),
                  "</td></tr>");
  if (ratio) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">Denominator</th><td class=\"num\" data-figure=\"denominator\">",
                    Number(p.denominator()), "</td><td class=\"num\" data-listed=\"denominator\">",
                    resp.denominator_size(), "</td></tr>");
  }
  absl::StrAppend(&out, "</tbody></table><p>", resp.children_returned(),
                  " children in all, by the pseudonyms ingestion gave them, listed by the same computation as the "
                  "figure from the records held now. This listing was recorded in the audit log under your name "
                  "(", E(c.principal), ") with the number of children; this server keeps no copy. "
                  "<a href=\"/api/v1/children?la=", E(la), "&amp;indicator=", E(d.id()), "&amp;",
                  E(ChildrenQuery(*period)), "&amp;format=csv\">The lists as CSV</a></p>");
  out += ChildrenTable("children-numerator",
                       absl::StrCat("Numerator, ", shown, ": ", resp.numerator_size(), " ", what), resp.numerator());
  if (ratio) {
    out += ChildrenTable("children-denominator",
                         absl::StrCat("Denominator, ", shown, ": ", resp.denominator_size(), " ", what),
                         resp.denominator());
  }
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
  // The periods of the LA's own figures, for choosing whose children to list.
  std::vector<v1::Period> child_periods;
  for (const auto& p : yearly.points()) {
    if (p.entity() == la && p.breakdown().empty() && p.has_value()) child_periods.push_back(p.period());
  }
  body += "<h2>By financial year</h2>";
  body += yearly.points().empty() ? "<p>No yearly figure: this indicator is counted by month.</p>"
                                  : ChartAndTable(yearly, la, *d, "yearly",
                                                  d->name() + ", LA " + la + " against its comparators, by financial year");
  // An LA with no months either (none of its returns feed this indicator) has nothing to
  // show by month: the page says so rather than asking for the months of no year.
  bool any_months = false;
  v1::GetSeriesResponse all_months;
  if (d->monthly()) {
    v1::GetSeriesRequest probe = yreq;
    probe.set_monthly(true);
    probe.set_with_comparators(false);
    bool has_years = false;
    for (const auto& p : yearly.points()) has_years = has_years || p.entity() == la;
    if (has_years) {
      any_months = true;
    } else {
      if (grpc::Status s = c.backend.Series(probe, &all_months); !s.ok()) return FromStatus(s);
      any_months = all_months.points_size() > 0;
    }
    if (!any_months) body += "<h2>By month</h2><p>No monthly figure for this LA.</p>";
  }
  if (any_months) {
    v1::GetSeriesRequest mreq = yreq;
    mreq.set_monthly(true);
    // The last two years of months: enough to see the season, short enough to read.
    int last = 0;
    for (const auto& p : yearly.points()) last = std::max(last, p.period().start_year());
    for (const auto& p : all_months.points()) last = std::max(last, p.period().month() >= 4 ? p.period().start_year() : p.period().start_year() - 1);
    mreq.set_from(FormatPeriod(FinancialYear(last - 1)));
    v1::GetSeriesResponse monthly;
    if (grpc::Status s = c.backend.Series(mreq, &monthly); !s.ok()) return FromStatus(s);
    for (const auto& p : monthly.points()) {
      // Every month, December 2011 too: it is asked for as month=2011-12, never as text
      // that reads as the year.
      if (p.entity() == la && p.breakdown().empty() && p.has_value()) child_periods.push_back(p.period());
    }
    body += "<h2>By month</h2>";
    body += ChartAndTable(monthly, la, *d, "monthly", d->name() + ", LA " + la + ", by month");
    absl::StrAppend(&body, "<p><a href=\"/api/v1/series?la=", la, "&amp;indicator=", id,
                    "&amp;monthly=true&amp;format=csv\">Every month as CSV</a></p>");
    if (d->rolling()) {
      // Beside the months: the 12 months ending with each (March's is the year), which
      // smooths the season away as DfE's rolling figures do.
      v1::GetSeriesRequest rreq = mreq;
      rreq.set_monthly(false);
      rreq.set_rolling(true);
      v1::GetSeriesResponse rolling;
      if (grpc::Status s = c.backend.Series(rreq, &rolling); !s.ok()) return FromStatus(s);
      for (const auto& p : rolling.points()) {
        if (p.entity() == la && p.breakdown().empty() && p.has_value()) child_periods.push_back(p.period());
      }
      // Each window is named by the month it ends with, as the months above are: 24
      // labels of "2014-07 to 2015-06" would run into each other under the bars.
      for (auto& p : *rolling.mutable_points()) p.mutable_period()->set_kind(v1::Period::MONTH);
      body += "<h2>Rolling 12 months</h2>";
      body += ChartAndTable(rolling, la, *d, "rolling",
                            d->name() + ", LA " + la + ", over the 12 months ending with each month");
      absl::StrAppend(&body, "<p><a href=\"/api/v1/series?la=", la, "&amp;indicator=", id,
                      "&amp;rolling=true&amp;format=csv\">Every rolling 12 months as CSV</a></p>");
    }
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
    body += Distribution(b, *d);
  }

  // The children behind the figure, between the comparisons and the caveats: only for a
  // principal with the role `case` (an open server names nobody, so shows none), asked of
  // metrics with the caller's own token, never kept. Anyone else sees no trace of it.
  if (!c.open && c.HasRole("case")) body += ChildrenSection(c, *d, child_periods);

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

// ---- compare: several LAs and indicators ----

const std::vector<std::string> kDefaultCompare = {"referral_rate", "cin_rate", "cpp_rate", "lac_rate"};

// The LAs compared: `las`, else the LA and its statistical neighbours (DfE's list in force
// now, as shipped in reference/lait_neighbours.csv).
std::vector<std::string> CompareLas(const Call& c) {
  if (c.Has("las")) return absl::StrSplit(c.Param("las"), ',', absl::SkipEmpty());
  std::vector<std::string> out = {c.Param("la")};
  const int32_t today = static_cast<int32_t>(std::time(nullptr) / 86400);
  if (auto list = Lait::Shipped().Neighbours(c.Param("la"), today)) {
    for (const auto& n : list->neighbours) out.push_back(n);
  }
  return out;
}
std::vector<std::string> CompareIndicators(const Call& c) {
  if (c.Has("indicators")) return absl::StrSplit(c.Param("indicators"), ',', absl::SkipEmpty());
  return kDefaultCompare;
}

struct Compared {
  std::vector<std::string> las, indicators, missing;   // missing: "LA 302" with no data loaded
  std::map<std::pair<std::string, std::string>, v1::GetSeriesResponse> series;   // (indicator, la)
};

// Each LA's own series of each indicator (no comparators): the API's /api/v1/series for
// each pair. An LA with no data loaded is listed as missing; any other error fails.
grpc::Status Compare(const Call& c, Compared* out) {
  out->las = CompareLas(c);
  out->indicators = CompareIndicators(c);
  std::set<std::string> missing;
  for (const auto& ind : out->indicators) {
    for (const auto& la : out->las) {
      v1::GetSeriesRequest req;
      req.set_la(la);
      req.set_indicator(ind);
      req.set_with_comparators(false);
      v1::GetSeriesResponse r;
      grpc::Status s = c.backend.Series(req, &r);
      if (s.error_code() == grpc::NOT_FOUND) {
        missing.insert(la);
        continue;
      }
      if (!s.ok()) return s;
      out->series[{ind, la}] = std::move(r);
    }
  }
  out->missing.assign(missing.begin(), missing.end());
  return grpc::Status::OK;
}

// The compare page's CSV: the header once, then the rows /api/v1/series?la=L&indicator=I
// &comparators=false gives as CSV, for each indicator and LA in the page's order.
std::string CompareCsv(const Compared& cmp) {
  std::string out;
  for (const auto& ind : cmp.indicators) {
    for (const auto& la : cmp.las) {
      auto it = cmp.series.find({ind, la});
      if (it == cmp.series.end()) continue;
      std::string csv = SeriesCsv(it->second);
      if (!out.empty()) csv = csv.substr(csv.find("\r\n") + 2);   // the header once
      out += csv;
    }
  }
  return out.empty() ? SeriesCsv(v1::GetSeriesResponse()) : out;
}

std::string CompareQuery(const Call& c) {
  std::string q = "la=" + c.Param("la");
  if (c.Has("las")) q += "&amp;las=" + E(c.Param("las"));
  if (c.Has("indicators")) q += "&amp;indicators=" + E(c.Param("indicators"));
  return q;
}

Reply ComparePage(const Call& c) {
  Compared cmp;
  if (grpc::Status s = Compare(c, &cmp); !s.ok()) return FromStatus(s);
  v1::ListIndicatorsResponse cat;
  if (grpc::Status s = c.backend.Indicators(&cat); !s.ok()) return FromStatus(s);
  const std::string la = c.Param("la");
  std::string body = absl::StrCat("<h1>Compare LAs <span class=\"sub\">LA ", E(la), " and others</span></h1>");
  absl::StrAppend(&body, "<form method=\"get\" action=\"/compare\"><input type=\"hidden\" name=\"la\" value=\"",
                  E(la), "\"><p><label for=\"las\">LA codes, separated by commas (default: LA ", E(la),
                  " and its statistical neighbours)</label><br><input id=\"las\" name=\"las\" size=\"60\" value=\"",
                  E(absl::StrJoin(cmp.las, ",")), "\"></p><p><label for=\"indicators\">Indicator ids, separated by "
                  "commas</label><br><input id=\"indicators\" name=\"indicators\" size=\"60\" value=\"",
                  E(absl::StrJoin(cmp.indicators, ",")), "\"></p><button type=\"submit\">Compare</button></form>");
  absl::StrAppend(&body, "<p><a href=\"/compare.csv?", CompareQuery(c), "\" download>Download the figures as CSV</a></p>");
  if (!cmp.missing.empty()) {
    absl::StrAppend(&body, "<p class=\"note\">No data loaded for LA ", E(absl::StrJoin(cmp.missing, ", LA ")),
                    ": their returns are not in carestat (DfE's published figures are on each indicator page).</p>");
  }
  int n = 0;
  for (const auto& ind : cmp.indicators) {
    const v1::IndicatorDefinition* d = FindDef(cat, ind);
    if (!d) return JsonError(400, "parameter 'indicators': unknown indicator '" + ind + "' (see /api/v1/indicators)");
    // One chart per indicator: each LA a series over the years.
    v1::GetSeriesResponse merged;
    for (const auto& l : cmp.las) {
      auto it = cmp.series.find({ind, l});
      if (it == cmp.series.end()) continue;
      for (const auto& p : it->second.points()) {
        if (l == cmp.las[0] || merged.points().empty()) *merged.add_points() = p;
        else *merged.add_comparators() = p;
      }
    }
    absl::StrAppend(&body, "<h2>", E(d->name()), "</h2>");
    // ChartAndTable draws the points as bars and the comparators as lines: the first LA
    // with data stands out, the others are lines.
    body += ChartAndTable(merged, la, *d, absl::StrCat("compare", n++), d->name() + " by LA and financial year");
  }
  return Html("Compare LAs", body, la);
}

Reply CompareCsvDownload(const Call& c) {
  Compared cmp;
  if (grpc::Status s = Compare(c, &cmp); !s.ok()) return FromStatus(s);
  Reply r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = CompareCsv(cmp);
  r.filename = "compare-" + c.Param("la") + ".csv";
  return r;
}

// ---- data quality: every return per year, issues by rule ----

Reply QualityPage(const Call& c) {
  const std::string la = c.Param("la");
  v1::ListReturnsRequest req;
  req.set_la(la);
  v1::ListReturnsResponse list;
  if (grpc::Status s = c.backend.Returns(req, &list); !s.ok()) return FromStatus(s);
  std::set<int> years;
  for (const auto& r : list.returns()) years.insert(r.collection_year());
  for (const auto& r : list.rejected()) years.insert(r.collection_year());
  std::string body = absl::StrCat("<h1>Data quality <span class=\"sub\">LA ", E(la), "</span></h1>",
                                  "<p>Each return every year's figures read, as metrics last read them: stored, "
                                  "rejected (the refused file and why) or missing. <a href=\"/api/v1/returns?la=", la,
                                  "&amp;format=csv\">The returns as CSV</a>.</p>");
  for (auto it = years.rbegin(); it != years.rend(); ++it) {
    const std::string period = FormatPeriod(FinancialYear(*it - 1));
    absl::StrAppend(&body, "<h2>", period, " (collection year ", *it, ")</h2>",
                    "<table class=\"data\"><caption>Returns for ", period, "</caption><thead><tr>"
                    "<th scope=\"col\">Return</th><th scope=\"col\">Status</th><th scope=\"col\">File</th>"
                    "<th scope=\"col\">Detail</th></tr></thead><tbody>");
    for (const auto& cov : CoverageOf(list, la, *it)) {
      absl::StrAppend(&body, "<tr><th scope=\"row\">", E(cov.name()), "</th><td class=\"status-", E(cov.status()), "\">",
                      E(cov.status()), "</td><td>", E(cov.file().empty() ? "-" : cov.file()), "</td><td>",
                      E(cov.detail()), "</td></tr>");
    }
    body += "</tbody></table>";
  }
  // Issues by rule, over every stored return, and errors per return by year.
  std::map<std::string, std::tuple<std::string, int64_t, std::string, std::set<std::string>>> rules;
  for (const auto& r : list.returns()) {
    for (const auto& t : r.rule_tallies()) {
      auto& [severity, count, message, returns] = rules[t.rule()];
      severity = t.severity();
      count += t.count();
      if (message.empty()) message = t.message();
      returns.insert(r.return_id());
    }
  }
  body += "<h2>Issues by rule</h2>";
  if (rules.empty()) {
    body += "<p>No validation issue in any stored return.</p>";
  } else {
    body += "<table class=\"data\"><caption>Validation issues by rule over every stored return</caption><thead><tr>"
            "<th scope=\"col\">Rule</th><th scope=\"col\">Severity</th><th scope=\"col\">Count</th>"
            "<th scope=\"col\">Returns</th><th scope=\"col\">Message</th></tr></thead><tbody>";
    for (const auto& [rule, v] : rules) {
      const auto& [severity, count, message, returns] = v;
      absl::StrAppend(&body, "<tr><th scope=\"row\">", E(rule), "</th><td>", E(severity), "</td><td class=\"num\">",
                      Grouped(count, 0), "</td><td class=\"num\">", returns.size(), "</td><td>", E(message), "</td></tr>");
    }
    body += "</tbody></table>";
  }
  // The trend: each dataset's errors (and queries) year by year.
  std::map<std::string, std::map<int, std::pair<int64_t, int64_t>>> trend;
  for (const auto& r : list.returns()) {
    auto& cell = trend[r.dataset()][r.collection_year()];
    cell.first += r.errors();
    cell.second += r.queries();
  }
  absl::StrAppend(&body, "<h2>Errors per return by year</h2><div class=\"scroll\" tabindex=\"0\" role=\"region\" "
                         "aria-labelledby=\"trend-cap\"><table class=\"data\"><caption id=\"trend-cap\">Validation "
                         "errors (and queries) of each stored return, by collection year</caption><thead><tr>"
                         "<th scope=\"col\">Return</th>");
  for (int y : years) absl::StrAppend(&body, "<th scope=\"col\">", FormatPeriod(FinancialYear(y - 1)), "</th>");
  body += "</tr></thead><tbody>";
  for (const auto& [dataset, by_year] : trend) {
    absl::StrAppend(&body, "<tr><th scope=\"row\">", E(dataset), "</th>");
    for (int y : years) {
      auto it = by_year.find(y);
      absl::StrAppend(&body, "<td class=\"num\">",
                      it == by_year.end() ? "-" : absl::StrCat(Grouped(it->second.first, 0), " (", Grouped(it->second.second, 0), ")"),
                      "</td>");
    }
    body += "</tr>";
  }
  body += "</tbody></table></div>";
  return Html("Data quality, LA " + la, body, la);
}

// ---- reports: every report of every year in every format, built on request ----

Reply ReportsPage(const Call& c) {
  const std::string la = c.Param("la");
  v1::ListReturnsRequest req;
  req.set_la(la);
  v1::ListReturnsResponse list;
  if (grpc::Status s = c.backend.Returns(req, &list); !s.ok()) return FromStatus(s);
  std::set<int> years;
  for (const auto& r : list.returns()) years.insert(r.collection_year());
  std::string body = absl::StrCat("<h1>Reports <span class=\"sub\">LA ", E(la), "</span></h1>",
                                  "<p>Each report is built when its link is followed, from the figures as they are "
                                  "now. HTML and JSON open here; Word, Excel, CSV and Markdown download.</p>",
                                  "<table class=\"data\"><caption>The annual report and the self-assessment of each "
                                  "year with a stored return</caption><thead><tr><th scope=\"col\">Year</th>"
                                  "<th scope=\"col\">Annual report</th><th scope=\"col\">Self-assessment</th>"
                                  "</tr></thead><tbody>");
  const std::vector<std::pair<std::string, std::string>> formats = {
      {"html", "HTML"}, {"docx", "Word"}, {"xlsx", "Excel"}, {"csv", "CSV"}, {"md", "Markdown"}, {"json", "JSON"}};
  for (auto it = years.rbegin(); it != years.rend(); ++it) {
    const std::string year = FormatPeriod(FinancialYear(*it - 1));
    absl::StrAppend(&body, "<tr><th scope=\"row\">", year, "</th>");
    for (const std::string kind : {"annual", "self-assessment"}) {
      body += "<td>";
      for (size_t i = 0; i < formats.size(); ++i) {
        absl::StrAppend(&body, i ? " · " : "", "<a href=\"/api/v1/reports/", kind, "?la=", la, "&amp;year=", year,
                        "&amp;format=", formats[i].first, "\" aria-label=\"",
                        kind == std::string("annual") ? "Annual report" : "Self-assessment", " ", year, ", ",
                        formats[i].second, "\">", formats[i].second, "</a>");
      }
      body += "</td>";
    }
    body += "</tr>";
  }
  body += "</tbody></table>";
  return Html("Reports, LA " + la, body, la);
}

// ---- forecast: the annual report's projection, for the latest data ----

// The forecast already asked for, given to the report's projection code as its metrics.
class FetchedForecast final : public MetricsSource {
 public:
  explicit FetchedForecast(absl::StatusOr<v1::LaForecast> f) : f_(std::move(f)) {}
  // Only Forecast is asked by the projection.
  absl::StatusOr<v1::GetSeriesResponse> Series(const std::string&, const std::string&, const std::string&,
                                               const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<std::vector<v1::IndicatorPoint>> Values(const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<std::vector<v1::IndicatorDefinition>> Indicators() override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<v1::LaBenchmark> Benchmark(const std::string&, const std::string&, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<v1::LaForecast> Forecast(const std::string&, const std::string&) override { return f_; }

 private:
  absl::StatusOr<v1::LaForecast> f_;
};

// A report table (Table 5, Table 6) as the dashboard's tables are.
std::string ReportTable(const v1::Table& t, const std::string& id) {
  std::string out = absl::StrCat("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"", id,
                                 "-cap\"><table class=\"data\" id=\"", id, "\"><caption id=\"", id, "-cap\">Table ",
                                 E(t.number()), ": ", E(t.title()), "</caption><thead><tr><th scope=\"col\">Placement</th>");
  for (const auto& p : t.periods()) absl::StrAppend(&out, "<th scope=\"col\">", E(p), "</th>");
  out += "</tr></thead><tbody>";
  for (const auto& row : t.rows()) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", E(row.label()), "</th>");
    for (const auto& v : row.values()) {
      absl::StrAppend(&out, "<td class=\"num\">",
                      v.has_value() ? E(Shown(v.value(), row.unit())) : E(v.missing().empty() ? "-" : v.missing()),
                      "</td>");
    }
    out += "</tr>";
  }
  absl::StrAppend(&out, "</tbody></table></div><p class=\"note\">", E(t.source()), "</p>");
  return out;
}

Reply ForecastPage(const Call& c) {
  const std::string la = c.Param("la");
  v1::ForecastRequest req;
  req.set_la(la);
  req.set_backtest(true);   // the figure's note gives the backtest, as in the annual report
  v1::ForecastResponse resp;
  const grpc::Status s = c.backend.Forecast(req, &resp);
  // Metrics unreachable or refusing this server is the page's error; a forecast metrics
  // cannot make (no SSDA903 return) is the figure's and tables' gap, as in the report.
  if (!s.ok() && (s.error_code() == grpc::UNAVAILABLE || s.error_code() == grpc::DEADLINE_EXCEEDED ||
                  s.error_code() == grpc::UNAUTHENTICATED || s.error_code() == grpc::PERMISSION_DENIED)) {
    return FromStatus(s);
  }
  absl::StatusOr<v1::LaForecast> f = absl::InternalError("metrics gave no forecast for LA " + la);
  if (!s.ok()) f = absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  else if (resp.forecasts_size() == 1 && resp.forecasts(0).error().empty()) f = resp.forecasts(0);
  else if (resp.forecasts_size() == 1) f = absl::FailedPreconditionError(resp.forecasts(0).error());
  // The report year the data ends in: its 31 March is the last actual the tables show.
  int last_year = 0;
  if (f.ok()) {
    if (auto end = ParseIsoDate(f->data_end())) {
      int y, m, d;
      CivilFromDays(*end, &y, &m, &d);
      last_year = m >= 4 ? y : y - 1;
    }
  }
  // No forecast: the year only names the gap's tables; the financial year before today's.
  if (last_year == 0) {
    int y, m, d;
    CivilFromDays(static_cast<int32_t>(std::time(nullptr) / 86400), &y, &m, &d);
    last_year = (m >= 4 ? y : y - 1) - 1;
  }
  v1::AnnualReport projection;
  FetchedForecast source(f);
  AddProjection(source, la, last_year, &projection);
  std::string body = absl::StrCat("<h1>Looked-after children: forecast <span class=\"sub\">LA ", E(la), "</span></h1>",
                                  "<p>Where the number of children looked after is heading, by placement, and what it "
                                  "would cost: the demand model learned from the LA's own SSDA903 episodes, as in the "
                                  "annual report. <a href=\"/api/v1/forecast?la=", E(la),
                                  "&amp;format=csv\">The forecast as CSV</a>.</p>");
  const v1::Figure& fig = projection.figures(0);
  absl::StrAppend(&body, "<h2>Figure ", E(fig.number()), ": ", E(fig.title()), "</h2>");
  if (!fig.gap().empty()) {
    absl::StrAppend(&body, "<p class=\"note\" id=\"forecast-gap\">", E(fig.gap()), "</p>");
  } else {
    // The chart's text alternative is the report's: each series' values; the same
    // figures are in the table below it.
    absl::StrAppend(&body, "<figure class=\"chart\" aria-labelledby=\"forecast-cap\">", SvgChart(fig, "forecast"),
                    "<figcaption id=\"forecast-cap\">", E(fig.title()), ", LA ", E(la),
                    ". The figures are in the table below.</figcaption></figure>");
    absl::StrAppend(&body, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"forecast-table-cap\">"
                           "<table class=\"data\" data-toggle id=\"forecast-table\"><caption id=\"forecast-table-cap\">",
                    E(fig.title()), ": figures</caption><thead><tr><th scope=\"col\">Quarter end</th>");
    for (const auto& series : fig.series()) absl::StrAppend(&body, "<th scope=\"col\">", E(series.label()), "</th>");
    body += "</tr></thead><tbody>";
    for (int i = 0; i < fig.periods_size(); ++i) {
      absl::StrAppend(&body, "<tr><th scope=\"row\">", E(fig.periods(i)), "</th>");
      for (const auto& series : fig.series()) {
        const bool has = i < series.values_size() && series.values(i).has_value();
        absl::StrAppend(&body, "<td class=\"num\">", has ? E(Shown(series.values(i).value(), "count")) : "-", "</td>");
      }
      body += "</tr>";
    }
    body += "</tbody></table></div>";
    absl::StrAppend(&body, "<p class=\"note\">", E(fig.source()), "</p>");
  }
  for (int i = 0; i < projection.tables_size(); ++i) {
    const v1::Table& t = projection.tables(i);
    absl::StrAppend(&body, "<h2>Table ", E(t.number()), ": ", E(t.title()), "</h2>");
    if (!t.gap().empty()) absl::StrAppend(&body, "<p class=\"note\">", E(t.gap()), "</p>");
    else body += ReportTable(t, "forecast-table" + t.number());
  }
  return Html("Forecast, LA " + la, body, la);
}

ParamSpec P(const std::string& name, ParamKind kind, bool required = false) { return {name, kind, required}; }

}  // namespace

std::vector<Route> PageRoutes() {
  const std::string read = "/carestat.v1.Metrics/GetSeries";
  return {
      {"/", read, {}, Start, true},
      {"/la", read, {P("la", ParamKind::kLa, true), P("area", ParamKind::kArea)}, Overview, true},
      {"/indicator",
       read,
       {P("la", ParamKind::kLa, true), P("indicator", ParamKind::kIndicator, true), P("period", ParamKind::kPeriod),
        P("month", ParamKind::kMonth), P("rolling", ParamKind::kBool)},
       IndicatorPage,
       true},
      {"/compare",
       read,
       {P("la", ParamKind::kLa, true), P("las", ParamKind::kLas), P("indicators", ParamKind::kIndicators)},
       ComparePage,
       true},
      {"/compare.csv",
       read,
       {P("la", ParamKind::kLa, true), P("las", ParamKind::kLas), P("indicators", ParamKind::kIndicators)},
       CompareCsvDownload},
      {"/quality", read, {P("la", ParamKind::kLa, true)}, QualityPage, true},
      {"/reports", read, {P("la", ParamKind::kLa, true)}, ReportsPage, true},
      {"/forecast", "/carestat.v1.Metrics/Forecast", {P("la", ParamKind::kLa, true)}, ForecastPage, true},
  };
}

}  // namespace carestat::web
