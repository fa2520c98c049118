// The JSON API, /api/v1/...: each route asks metrics (or reporting's own handlers) the
// gRPC question its parameters spell and prints the gRPC answer with protobuf's JSON
// mapping, or as CSV (Accept: text/csv, or format=csv) for spreadsheets and Power BI.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/reporting/web/web_internal.h"

namespace carestat::web {

namespace {

std::string Bool(bool b) { return b ? "true" : "false"; }
std::string Opt(bool has, double v) { return has ? Number(v) : ""; }

Reply CsvReply(std::string body) {
  Reply r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  return r;
}

ParamSpec P(const std::string& name, ParamKind kind, bool required = false) { return {name, kind, required}; }

Reply OpenApi(const Call&) {
  Reply r;
  r.body = OpenApiDocument();
  return r;
}

Reply Indicators(const Call& c) {
  v1::ListIndicatorsResponse resp;
  grpc::Status s = c.backend.Indicators(&resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(IndicatorsCsv(resp)) : JsonReply(resp);
}

Reply Series(const Call& c) {
  v1::GetSeriesRequest req;
  req.set_la(c.Param("la"));
  req.set_indicator(c.Param("indicator"));
  req.set_breakdown(c.Param("breakdown"));
  req.set_from(c.Param("from"));
  req.set_to(c.Param("to"));
  req.set_monthly(c.Flag("monthly", false));
  req.set_rolling(c.Flag("rolling", false));
  req.set_with_comparators(c.Flag("comparators", true));
  v1::GetSeriesResponse resp;
  grpc::Status s = c.backend.Series(req, &resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(SeriesCsv(resp)) : JsonReply(resp);
}

Reply Benchmark(const Call& c) {
  v1::GetBenchmarkRequest req;
  req.set_la(c.Param("la"));
  req.set_indicator(c.Param("indicator"));
  req.set_year(c.Param("year"));
  v1::GetBenchmarkResponse resp;
  grpc::Status s = c.backend.Benchmark(req, &resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(BenchmarkCsv(resp)) : JsonReply(resp);
}

Reply Returns(const Call& c) {
  v1::ListReturnsRequest req;
  req.set_la(c.Param("la"));
  v1::ListReturnsResponse resp;
  grpc::Status s = c.backend.Returns(req, &resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(ReturnsCsv(resp)) : JsonReply(resp);
}

// format json (the default, or Accept: application/json) is the gRPC message itself;
// any other format is reporting's Render of it, as `carestat report` writes it.
template <typename Doc>
Reply ReportReply(const Call& c, const Doc& doc, const std::string& kind) {
  std::string format = c.Param("format");
  if (format.empty()) format = c.WantsCsv() ? "csv" : "json";
  const bool publish = c.Flag("publish", false);
  if (format == "json" && !publish) return JsonReply(doc);
  v1::RenderRequest rr;
  if constexpr (std::is_same_v<Doc, v1::AnnualReport>) *rr.mutable_report() = doc;
  else *rr.mutable_self_assessment() = doc;
  rr.set_publish(publish);
  rr.set_format(format == "json"   ? v1::JSON
                : format == "csv"  ? v1::CSV
                : format == "html" ? v1::HTML
                : format == "md"   ? v1::MARKDOWN
                : format == "xlsx" ? v1::XLSX
                                   : v1::DOCX);
  v1::RenderResponse out;
  grpc::Status s = c.backend.Render(rr, &out);
  if (!s.ok()) return FromStatus(s);
  Reply r;
  r.content_type = out.media_type();
  if (r.content_type.rfind("text/", 0) == 0 || r.content_type == "application/json") r.content_type += "; charset=utf-8";
  r.body = out.content();
  // A document to keep opens as a download; HTML and JSON show in the browser.
  if (format != "html" && format != "json") {
    r.filename = absl::StrCat(c.Param("la"), "-", c.Param("year"), "-", kind, ".", out.file_extension());
  }
  return r;
}

Reply Annual(const Call& c) {
  v1::BuildAnnualReportRequest req;
  req.set_la(c.Param("la"));
  req.set_year(c.Param("year"));
  v1::AnnualReport doc;
  grpc::Status s = c.backend.Annual(req, &doc);
  if (!s.ok()) return FromStatus(s);
  return ReportReply(c, doc, "annual-report");
}

Reply SelfAssessment(const Call& c) {
  v1::BuildSelfAssessmentRequest req;
  req.set_la(c.Param("la"));
  req.set_year(c.Param("year"));
  v1::SelfAssessment doc;
  grpc::Status s = c.backend.SelfAssessment(req, &doc);
  if (!s.ok()) return FromStatus(s);
  return ReportReply(c, doc, "self-assessment");
}

Reply Coverage(const Call& c) {
  v1::GetCoverageRequest req;
  req.set_la(c.Param("la"));
  v1::GetCoverageResponse resp;
  grpc::Status s = c.backend.Coverage(req, &resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(CoverageCsv(resp)) : JsonReply(resp);
}

// The looked-after demand forecast: metrics' Forecast of the LA from its stored SSDA903
// returns, with the defaults `carestat forecast` has (the backtest on request).
Reply Forecast(const Call& c) {
  v1::ForecastRequest req;
  req.set_la(c.Param("la"));
  req.set_backtest(c.Flag("backtest", false));
  v1::ForecastResponse resp;
  grpc::Status s = c.backend.Forecast(req, &resp);
  if (!s.ok()) return FromStatus(s);
  return c.WantsCsv() ? CsvReply(ForecastCsv(resp)) : JsonReply(resp);
}

// The children behind a figure: metrics' ListChildren asked with the caller's own token
// (ChildrenFor), its answer printed and forgotten.
Reply Children(const Call& c) {
  auto period = ChildrenPeriod(c);
  if (!period.ok()) return JsonError(400, std::string(period.status().message()));
  const v1::ListChildrenRequest req = ChildrenRequest(c.Param("la"), c.Param("indicator"), c.Param("breakdown"), *period);
  v1::ListChildrenResponse resp;
  grpc::Status s = ChildrenFor(c, req, &resp);
  if (!s.ok()) return ChildrenError(s);
  return c.WantsCsv() ? CsvReply(ChildrenCsv(resp)) : JsonReply(resp);
}

}  // namespace

absl::StatusOr<v1::Period> ChildrenPeriod(const Call& c) {
  return PeriodAsked(c.Param("period"), c.Param("month"), c.Flag("rolling", false),
                     {"period=", "month=", "rolling=true"});
}

v1::ListChildrenRequest ChildrenRequest(const std::string& la, const std::string& indicator,
                                        const std::string& breakdown, const v1::Period& period) {
  v1::ListChildrenRequest req;
  req.set_la(la);
  req.set_indicator(indicator);
  req.set_breakdown(breakdown);
  // Whole, and as text only where the text reads back as it (an older metrics then
  // refuses a December month or a window rather than list the year).
  *req.mutable_exact_period() = period;
  req.set_period(PeriodAsText(period));
  return req;
}

std::string ChildrenQuery(const v1::Period& period) {
  if (period.kind() == v1::Period::FINANCIAL_YEAR) return "period=" + FormatPeriod(period);
  return absl::StrCat("month=", MonthParameter(period),
                      period.kind() == v1::Period::ROLLING_12_MONTHS ? "&rolling=true" : "");
}

// "month" is what /api/v1/children's month= takes for a month's or a window's row: the
// period of December 2011 ("2011-12") would read back as the year 2011-12.
std::string SeriesCsv(const v1::GetSeriesResponse& r) {
  std::vector<std::vector<std::string>> rows = {
      {"entity", "indicator", "breakdown", "period", "value", "numerator", "denominator", "supplied", "month"}};
  for (const auto* list : {&r.points(), &r.comparators()}) {
    for (const auto& p : *list) {
      rows.push_back({p.entity(), p.indicator(), p.breakdown(), FormatPeriod(p.period()), Opt(p.has_value(), p.value()),
                      Number(p.numerator()), Number(p.denominator()), Bool(p.supplied()), MonthParameter(p.period())});
    }
  }
  return Csv(rows);
}

std::string IndicatorsCsv(const v1::ListIndicatorsResponse& r) {
  std::vector<std::vector<std::string>> rows = {{"id", "name", "unit", "polarity", "monthly", "breakdowns", "dfe_status",
                                                 "dfe_measure", "definition", "dfe_difference", "rolling"}};
  for (const auto& d : r.indicators()) {
    rows.push_back({d.id(), d.name(), d.unit(), d.polarity(), Bool(d.monthly()), absl::StrJoin(d.breakdowns(), ";"),
                    d.dfe_status(), d.dfe_measure(), d.definition(), d.dfe_difference(), Bool(d.rolling())});
  }
  return Csv(rows);
}

std::string BenchmarkCsv(const v1::GetBenchmarkResponse& r) {
  std::vector<std::vector<std::string>> rows = {
      {"la", "la_name", "indicator", "period", "status", "polarity", "published", "published_text", "computed",
       "england", "region_name", "region", "neighbours_average", "neighbours_with_value", "rank", "rank_of",
       "quartile", "previous", "change", "direction", "travel", "published_source"}};
  for (const auto& b : r.benchmarks()) {
    rows.push_back({b.la(), b.la_name(), b.indicator(), b.period(), b.status(), b.polarity(),
                    Opt(b.has_published(), b.published()), b.published_text(), Opt(b.has_computed(), b.computed()),
                    Opt(b.has_england(), b.england()), b.region_name(), Opt(b.has_region(), b.region()),
                    Opt(b.has_neighbours_average(), b.neighbours_average()), absl::StrCat(b.neighbours_with_value()),
                    b.rank() ? absl::StrCat(b.rank()) : "", b.rank_of() ? absl::StrCat(b.rank_of()) : "", b.quartile(),
                    Opt(b.has_previous(), b.previous()), Opt(b.has_change(), b.change()), b.direction(), b.travel(),
                    b.published_source()});
  }
  return Csv(rows);
}

std::string ReturnsCsv(const v1::ListReturnsResponse& r) {
  std::vector<std::vector<std::string>> rows = {{"status", "return_id", "la", "collection_year", "dataset", "file_name",
                                                 "unix_ms", "errors", "queries", "children", "reason"}};
  for (const auto& x : r.returns()) {
    rows.push_back({"stored", x.return_id(), x.la(), absl::StrCat(x.collection_year()), x.dataset(), x.file_name(),
                    absl::StrCat(x.uploaded_unix_ms()), absl::StrCat(x.errors()), absl::StrCat(x.queries()),
                    absl::StrCat(x.children()), ""});
  }
  for (const auto& x : r.rejected()) {
    rows.push_back({"rejected", x.return_id(), x.la(), absl::StrCat(x.collection_year()), x.dataset(), x.file_name(),
                    absl::StrCat(x.rejected_unix_ms()), "", "", "", x.reason()});
  }
  return Csv(rows);
}

std::string CoverageCsv(const v1::GetCoverageResponse& r) {
  std::vector<std::vector<std::string>> rows = {
      {"la", "collection_year", "period", "name", "dataset", "status", "file", "detail", "feeds", "expected"}};
  for (const auto& y : r.years()) {
    for (const auto& x : y.returns()) {
      rows.push_back({r.la(), absl::StrCat(y.collection_year()), y.period(), x.name(), x.dataset(), x.status(), x.file(),
                      x.detail(), x.feeds(), Bool(x.expected())});
    }
  }
  return Csv(rows);
}

std::string ForecastCsv(const v1::ForecastResponse& r) {
  // One row per LA, month end and placement category: what a spreadsheet pivots.
  std::vector<std::vector<std::string>> rows = {
      {"la", "date", "kind", "category", "children", "band_lower", "band_upper", "daily_cost"}};
  const std::vector<std::pair<const char*, double (v1::CategoryValues::*)() const>> categories = {
      {"fostering", &v1::CategoryValues::fostering},
      {"residential", &v1::CategoryValues::residential},
      {"supported", &v1::CategoryValues::supported},
      {"other", &v1::CategoryValues::other},
      {"in_care", &v1::CategoryValues::in_care}};
  for (const auto& f : r.forecasts()) {
    for (const auto& p : f.points()) {
      for (const auto& [name, get] : categories) {
        rows.push_back({f.la(), p.date(), p.kind(), name, Number((p.children().*get)()),
                        p.has_band_lower() ? Number((p.band_lower().*get)()) : "",
                        p.has_band_upper() ? Number((p.band_upper().*get)()) : "", Number((p.daily_cost().*get)())});
      }
    }
  }
  return Csv(rows);
}

std::vector<Route> ApiRoutes() {
  const ParamSpec format = P("format", ParamKind::kDataFormat);
  const ParamSpec report_format = P("format", ParamKind::kFormat);
  return {
      {"/api/v1/openapi.json", "", {}, OpenApi},
      {"/api/v1/indicators", "/carestat.v1.Metrics/ListIndicators", {format}, Indicators},
      {"/api/v1/series",
       "/carestat.v1.Metrics/GetSeries",
       {P("la", ParamKind::kLa, true), P("indicator", ParamKind::kIndicator, true), P("breakdown", ParamKind::kText),
        P("from", ParamKind::kYear), P("to", ParamKind::kYear), P("monthly", ParamKind::kBool),
        P("rolling", ParamKind::kBool), P("comparators", ParamKind::kBool), format},
       Series},
      {"/api/v1/benchmark",
       "/carestat.v1.Metrics/GetBenchmark",
       {P("la", ParamKind::kLa, true), P("indicator", ParamKind::kIndicator), P("year", ParamKind::kYear), format},
       Benchmark},
      {"/api/v1/returns", "/carestat.v1.Metrics/ListReturns", {P("la", ParamKind::kLa, true), format}, Returns},
      {"/api/v1/coverage", "/carestat.v1.Reporting/GetCoverage", {P("la", ParamKind::kLa, true), format}, Coverage},
      {"/api/v1/forecast",
       "/carestat.v1.Metrics/Forecast",
       {P("la", ParamKind::kLa, true), P("backtest", ParamKind::kBool), format},
       Forecast},
      {"/api/v1/children",
       "/carestat.v1.Metrics/ListChildren",
       {P("la", ParamKind::kLa, true), P("indicator", ParamKind::kIndicator, true), P("period", ParamKind::kPeriod),
        P("month", ParamKind::kMonth), P("rolling", ParamKind::kBool), P("breakdown", ParamKind::kText), format},
       Children},
      {"/api/v1/reports/annual",
       "/carestat.v1.Reporting/BuildAnnualReport",
       {P("la", ParamKind::kLa, true), P("year", ParamKind::kYear, true), report_format, P("publish", ParamKind::kBool)},
       Annual},
      {"/api/v1/reports/self-assessment",
       "/carestat.v1.Reporting/BuildSelfAssessment",
       {P("la", ParamKind::kLa, true), P("year", ParamKind::kYear, true), report_format, P("publish", ParamKind::kBool)},
       SelfAssessment},
  };
}

}  // namespace carestat::web
