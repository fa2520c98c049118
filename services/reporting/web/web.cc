#include "services/reporting/web/web.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <regex>
#include <thread>

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/audit.h"
#include "services/common/dates.h"
#include "services/common/csv.h"
#include "services/common/json.h"
#include "services/common/log.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/reports/self_assessment.h"
#include "services/reporting/web/assets.h"
#include "services/reporting/web/web_internal.h"

namespace carestat {

const std::string& OpenApiDocument() {
  static const std::string* k = new std::string(web::Asset("openapi.json"));
  return *k;
}

absl::Status OpenSharedSecurity(ServerSecurity* security) {
  if (!security->tokens_file.empty() && !security->tokens_instance) {
    auto tokens = TokenStore::Load(security->tokens_file);
    if (!tokens.ok()) return tokens.status();
    security->tokens_instance = *tokens;
  }
  if (!security->audit_log.empty() && !security->audit_instance) {
    auto audit = AuditLog::Open(security->audit_log, security->audit_max_bytes, security->audit_keep);
    if (!audit.ok()) return audit.status();
    security->audit_instance = *audit;
  }
  return absl::OkStatus();
}

namespace web {

namespace {
constexpr auto kDeadline = std::chrono::seconds(60);
void Deadline(grpc::ClientContext* c) { c->set_deadline(std::chrono::system_clock::now() + kDeadline); }
}  // namespace

Backend::Backend(std::shared_ptr<grpc::Channel> metrics, std::shared_ptr<grpc::Channel> reporting)
    : metrics_(v1::Metrics::NewStub(metrics)), reporting_(v1::Reporting::NewStub(reporting)) {}

grpc::Status Backend::Indicators(v1::ListIndicatorsResponse* out) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (catalogue_) {
      *out = *catalogue_;
      return grpc::Status::OK;
    }
  }
  grpc::ClientContext c;
  Deadline(&c);
  grpc::Status s = metrics_->ListIndicators(&c, v1::ListIndicatorsRequest(), out);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    catalogue_ = std::make_unique<v1::ListIndicatorsResponse>(*out);
  }
  return s;
}

grpc::Status Backend::Series(const v1::GetSeriesRequest& req, v1::GetSeriesResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return metrics_->GetSeries(&c, req, out);
}

std::vector<grpc::Status> Backend::SeriesMany(const std::vector<v1::GetSeriesRequest>& reqs,
                                             std::vector<v1::GetSeriesResponse>* out) {
  out->assign(reqs.size(), v1::GetSeriesResponse());
  std::vector<grpc::Status> statuses(reqs.size());
  std::vector<grpc::ClientContext> contexts(reqs.size());
  // At most kSeriesInFlight at a time: enough to overlap the round trips, few enough that
  // several pages at once stay well inside metrics' thread cap (--max-threads), past which
  // it answers RESOURCE_EXHAUSTED.
  constexpr size_t kSeriesInFlight = 8;
  for (size_t first = 0; first < reqs.size(); first += kSeriesInFlight) {
    const size_t last = std::min(reqs.size(), first + kSeriesInFlight);
    std::mutex mu;
    std::condition_variable done;
    size_t pending = last - first;
    for (size_t i = first; i < last; ++i) {
      Deadline(&contexts[i]);
      metrics_->async()->GetSeries(&contexts[i], &reqs[i], &(*out)[i], [&, i](grpc::Status s) {
        std::lock_guard<std::mutex> lock(mu);
        statuses[i] = std::move(s);
        if (--pending == 0) done.notify_one();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    done.wait(lock, [&] { return pending == 0; });
  }
  return statuses;
}

grpc::Status Backend::Benchmark(const v1::GetBenchmarkRequest& req, v1::GetBenchmarkResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return metrics_->GetBenchmark(&c, req, out);
}

grpc::Status Backend::Returns(const v1::ListReturnsRequest& req, v1::ListReturnsResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return metrics_->ListReturns(&c, req, out);
}

grpc::Status Backend::Annual(const v1::BuildAnnualReportRequest& req, v1::AnnualReport* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return reporting_->BuildAnnualReport(&c, req, out);
}

grpc::Status Backend::SelfAssessment(const v1::BuildSelfAssessmentRequest& req, v1::SelfAssessment* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return reporting_->BuildSelfAssessment(&c, req, out);
}

grpc::Status Backend::Render(const v1::RenderRequest& req, v1::RenderResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return reporting_->Render(&c, req, out);
}

grpc::Status Backend::Coverage(const v1::GetCoverageRequest& req, v1::GetCoverageResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return reporting_->GetCoverage(&c, req, out);
}

grpc::Status Backend::Forecast(const v1::ForecastRequest& req, v1::ForecastResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  return metrics_->Forecast(&c, req, out);
}

grpc::Status Backend::Children(const v1::ListChildrenRequest& req, const std::string& authorization,
                               v1::ListChildrenResponse* out) {
  grpc::ClientContext c;
  Deadline(&c);
  // Per-call credentials: the channel's interceptor leaves a call's own authorization
  // alone (security.cc), so metrics sees the caller, never this server's `read` token.
  c.AddMetadata("authorization", authorization);
  return metrics_->ListChildren(&c, req, out);
}

grpc::Status ChildrenFor(const Call& c, const v1::ListChildrenRequest& req, v1::ListChildrenResponse* out) {
  if (c.open) {
    return grpc::Status(grpc::PERMISSION_DENIED,
                        "this server checks no tokens, so it names nobody: the children behind a figure are listed only "
                        "to a principal with the role case, signed in with their own token on a server started with "
                        "--tokens (on one machine, carestat run --serve --tokens FILE, or carestat children --data DIR, "
                        "which audits the call locally)");
  }
  if (!c.HasRole("case")) {
    return grpc::Status(grpc::PERMISSION_DENIED, "principal " + c.principal + " does not have the role case");
  }
  if (c.authorization.empty()) {
    return grpc::Status(grpc::PERMISSION_DENIED,
                        "principal " + c.principal + " was named by a client certificate: metrics is asked for children "
                        "with the caller's own bearer token, so sign in with it");
  }
  grpc::Status s = c.backend.Children(req, c.authorization, out);
  if (s.ok()) c.children_listed = out->children_returned();
  return s;
}

Reply ChildrenError(const grpc::Status& s) {
  if (s.error_code() == grpc::UNAUTHENTICATED || s.error_code() == grpc::PERMISSION_DENIED) {
    return JsonError(s.error_code() == grpc::UNAUTHENTICATED ? 401 : 403,
                     "the children were not listed: " + s.error_message());
  }
  return JsonError(HttpStatusOf(s.error_code()), s.error_message());
}

std::string ChildrenCsv(const v1::ListChildrenResponse& r) {
  // The facts differ by record ("start_date", "category"...): a column each, in the order met.
  std::vector<std::string> names;
  for (const auto* list : {&r.numerator(), &r.denominator()}) {
    for (const auto& c : *list) {
      for (const auto& f : c.facts()) {
        if (std::find(names.begin(), names.end(), f.name()) == names.end()) names.push_back(f.name());
      }
    }
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"list", "child", "record"};
  header.insert(header.end(), names.begin(), names.end());
  header.push_back("returns");
  rows.push_back(header);
  for (const auto* list : {&r.numerator(), &r.denominator()}) {
    for (const auto& c : *list) {
      std::vector<std::string> row = {list == &r.numerator() ? "numerator" : "denominator", c.child(), c.record()};
      for (const auto& n : names) {
        std::string v;
        for (const auto& f : c.facts()) {
          if (f.name() == n) v = f.value();
        }
        row.push_back(v);
      }
      row.push_back(absl::StrJoin(c.sources(), " "));
      rows.push_back(std::move(row));
    }
  }
  return Csv(rows);
}

// ---- helpers ----

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK: return 200;
    case grpc::INVALID_ARGUMENT:
    case grpc::OUT_OF_RANGE: return 400;
    case grpc::NOT_FOUND: return 404;
    case grpc::UNAUTHENTICATED: return 401;
    case grpc::PERMISSION_DENIED: return 403;
    case grpc::FAILED_PRECONDITION: return 409;
    case grpc::RESOURCE_EXHAUSTED: return 429;
    case grpc::UNAVAILABLE: return 503;
    case grpc::DEADLINE_EXCEEDED: return 504;
    case grpc::UNIMPLEMENTED: return 501;
    default: return 500;
  }
}

grpc::StatusCode GrpcCodeOf(int http_status) {
  switch (http_status) {
    case 200: case 303: case 304: return grpc::OK;
    case 400: return grpc::INVALID_ARGUMENT;
    case 401: return grpc::UNAUTHENTICATED;
    case 403: return grpc::PERMISSION_DENIED;
    case 404: case 405: return grpc::NOT_FOUND;
    case 406: return grpc::INVALID_ARGUMENT;
    case 409: return grpc::FAILED_PRECONDITION;
    case 429: return grpc::RESOURCE_EXHAUSTED;
    case 501: return grpc::UNIMPLEMENTED;
    case 503: return grpc::UNAVAILABLE;
    case 504: return grpc::DEADLINE_EXCEEDED;
    default: return http_status < 400 ? grpc::OK : grpc::INTERNAL;
  }
}

namespace {
const char* CodeText(int status) {
  switch (GrpcCodeOf(status)) {
    case grpc::OK: return "OK";
    case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::NOT_FOUND: return "NOT_FOUND";
    case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    default: return "INTERNAL";
  }
}
}  // namespace

Reply JsonError(int status, const std::string& message) {
  Reply r;
  r.status = status;
  r.error = message;
  r.body = JsonLine(Json{{"error", Json{{"status", status}, {"code", CodeText(status)}, {"message", message}}}}) + "\n";
  return r;
}

Reply FromStatus(const grpc::Status& s) {
  if (s.error_code() == grpc::UNAUTHENTICATED || s.error_code() == grpc::PERMISSION_DENIED) {
    // Metrics refused reporting's own credentials: the caller can do nothing about it.
    return JsonError(502, "the metrics service refused this server's credentials: " + s.error_message());
  }
  return JsonError(HttpStatusOf(s.error_code()), s.error_message());
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  (void)MessageJson(m, opts, &json);
  return json;
}

Reply JsonReply(const google::protobuf::Message& m) {
  Reply r;
  r.body = ToJson(m) + "\n";
  return r;
}

std::string Csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(row[i]));
    out += "\r\n";
  }
  return out;
}

std::string Number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string PageShell(const std::string& title, const std::string& body, const std::string& la) {
  const std::string la_q = la.empty() ? "" : "?la=" + la;
  return absl::StrCat("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>", HtmlEscape(title), " - carestat</title>"
                      "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/dashboard.css\">"
                      "<script src=\"/static/dashboard.js\" defer></script></head><body>"
                      "<a class=\"skip\" href=\"#main\">Skip to main content</a>"
                      "<header><p class=\"brand\"><a href=\"/\">carestat</a></p>"
                      "<nav aria-label=\"Dashboard\"><ul>"
                      "<li><a href=\"/\">Choose an LA</a></li>",
                      la.empty() ? ""
                                 : absl::StrCat("<li><a href=\"/la", la_q, "\">Overview of LA ", la,
                                                "</a></li><li><a href=\"/compare", la_q,
                                                "\">Compare</a></li><li><a href=\"/quality", la_q,
                                                "\">Data quality</a></li><li><a href=\"/forecast", la_q,
                                                "\">Forecast</a></li><li><a href=\"/reports", la_q,
                                                "\">Reports</a></li>"),
                      "<li><a href=\"/api/v1/openapi.json\">JSON API</a></li></ul></nav></header>"
                      "<main id=\"main\" tabindex=\"-1\">", body, "</main>"
                      "<footer><p>Synthetic or council data as loaded into carestat; figures unrounded in the "
                      "<a href=\"/api/v1/openapi.json\">JSON API</a>.</p></footer></body></html>\n");
}

// ---- Call ----

std::string Call::Param(const std::string& name) const {
  return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : "";
}
bool Call::Has(const std::string& name) const { return req.has_param(name.c_str()); }
bool Call::Flag(const std::string& name, bool fallback) const {
  if (!Has(name)) return fallback;
  const std::string v = Param(name);
  return v == "true" || v == "1";
}
bool Call::WantsCsv() const {
  if (Has("format")) return Param("format") == "csv";
  const std::string accept = req.get_header_value("Accept");
  return absl::StrContains(accept, "text/csv");
}

namespace {

// ---- parameters ----

bool ValidLa(const std::string& v) {
  static const std::regex kShape("[0-9]{3}");   // built once: every request checks its parameters
  return std::regex_match(v, kShape);
}
bool ValidYear(const std::string& v) {
  static const std::regex kShape("[0-9]{4}-[0-9]{2}");   // built once: every request checks its parameters
  return std::regex_match(v, kShape);
}
bool ValidIndicator(const std::string& v) {
  static const std::regex kShape("[a-z0-9_]{1,64}");   // built once: every request checks its parameters
  return std::regex_match(v, kShape);
}

std::string CheckParam(const ParamSpec& p, const std::string& v) {
  auto list = [&](bool (*ok)(const std::string&), const char* what) -> std::string {
    std::vector<std::string> items = absl::StrSplit(v, ',', absl::SkipEmpty());
    if (items.empty() || items.size() > 20) {
      return absl::StrCat("parameter '", p.name, "' must list 1 to 20 ", what, ", separated by commas");
    }
    for (const auto& i : items) {
      if (!ok(i)) return absl::StrCat("parameter '", p.name, "': '", i, "' is not ", what);
    }
    return "";
  };
  switch (p.kind) {
    case ParamKind::kLa:
      return ValidLa(v) ? "" : absl::StrCat("parameter '", p.name, "' must be a DfE LA code of three digits, like 301");
    case ParamKind::kLas: return list(ValidLa, "DfE LA codes of three digits");
    case ParamKind::kYear:
      return ValidYear(v) ? "" : absl::StrCat("parameter '", p.name, "' must be a financial year, like 2015-16");
    case ParamKind::kPeriod:
      return ValidYear(v) ? ""
                          : absl::StrCat("parameter '", p.name,
                                         "' must be a financial year like 2015-16 or a month like 2015-06");
    case ParamKind::kMonth:
      return ParseMonth(v) ? ""
                           : absl::StrCat("parameter '", p.name, "' must be a month, like 2015-06 (2011-12 is December 2011)");
    case ParamKind::kIndicator:
      return ValidIndicator(v) ? ""
                               : absl::StrCat("parameter '", p.name,
                                              "' must be an indicator id (lower case, digits, _), like referral_rate");
    case ParamKind::kIndicators: return list(ValidIndicator, "indicator ids");
    case ParamKind::kBool:
      return v == "true" || v == "false" || v == "1" || v == "0"
                 ? ""
                 : absl::StrCat("parameter '", p.name, "' must be true or false");
    case ParamKind::kFormat:
      return v == "json" || v == "csv" || v == "html" || v == "md" || v == "xlsx" || v == "docx"
                 ? ""
                 : absl::StrCat("parameter '", p.name, "' must be one of json, csv, html, md, xlsx, docx");
    case ParamKind::kDataFormat:
      return v == "json" || v == "csv" ? "" : absl::StrCat("parameter '", p.name, "' must be json or csv");
    case ParamKind::kArea: {
      if (v == "all") return "";
      for (const auto& s : SelfAssessmentSections()) {
        if (s.id == v) return "";
      }
      std::vector<std::string> ids = {"all"};
      for (const auto& s : SelfAssessmentSections()) ids.push_back(s.id);
      return absl::StrCat("parameter '", p.name, "' must be one of ", absl::StrJoin(ids, ", "));
    }
    case ParamKind::kText:
      if (v.size() > 200) return absl::StrCat("parameter '", p.name, "' is longer than 200 characters");
      for (unsigned char ch : v) {
        if (ch < 0x20 || ch == 0x7f) return absl::StrCat("parameter '", p.name, "' holds a control character");
      }
      return "";
  }
  return "";
}

std::string CheckParams(const Route& route, const httplib::Request& req) {
  for (const auto& [name, value] : req.params) {
    const ParamSpec* spec = nullptr;
    for (const auto& p : route.params) {
      if (p.name == name) spec = &p;
    }
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& p : route.params) names.push_back(p.name);
      std::string safe = name.size() > 40 ? name.substr(0, 40) + "..." : name;
      for (char& ch : safe) {
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
      }
      return absl::StrCat("unknown parameter '", safe, "'",
                          names.empty() ? ": this route takes none"
                                        : absl::StrCat(": this route takes ", absl::StrJoin(names, ", ")));
    }
    if (req.get_param_value_count(name.c_str()) > 1) return absl::StrCat("parameter '", name, "' is given twice");
    if (std::string problem = CheckParam(*spec, value); !problem.empty()) return problem;
  }
  for (const auto& p : route.params) {
    if (p.required && !req.has_param(p.name.c_str())) return absl::StrCat("parameter '", p.name, "' is required");
  }
  return "";
}

// The bearer token of a browser session: the login form stores it in this cookie.
constexpr char kCookie[] = "carestat_token";

std::optional<std::string> CookieToken(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  for (absl::string_view part : absl::StrSplit(cookies, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::StartsWith(part, std::string(kCookie) + "=")) {
      std::string v(part.substr(sizeof(kCookie)));
      if (!v.empty()) return v;
    }
  }
  return std::nullopt;
}

std::string CertCn(const httplib::Request& req) {
  if (!req.ssl) return "";
  X509* cert = SSL_get_peer_certificate(const_cast<SSL*>(req.ssl));
  if (!cert) return "";
  char cn[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  X509_free(cert);
  return cn;
}

std::string LoginPage(const std::string& message, const std::string& next) {
  return PageShell("Sign in",
                   absl::StrCat("<h1>Sign in</h1>",
                                message.empty() ? "" : absl::StrCat("<p class=\"error\" role=\"alert\">",
                                                                    HtmlEscape(message), "</p>"),
                                "<p>Give a bearer token with the role <code>read</code> (<code>carestat token "
                                "--principal NAME --roles read</code> makes one). It is kept in a cookie of this "
                                "browser for this session only.</p>"
                                "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"",
                                HtmlEscape(next), "\"><label for=\"token\">Token</label> "
                                "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required> "
                                "<button type=\"submit\">Sign in</button></form>"));
}

// Where a login may send the browser back to: a path of this server only.
std::string SafeNext(const std::string& next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) return "/";
  for (unsigned char ch : next) {
    if (ch < 0x21 || ch == 0x7f) return "/";
  }
  return next;
}

}  // namespace
}  // namespace web

// ---- the listener ----

struct WebServer::Impl {
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<web::Backend> backend;
  WebOptions options;
  std::shared_ptr<TokenStore> tokens;
  std::shared_ptr<AuditLog> audit;
  bool tls = false;
  std::string host;
  int port = 0;
  std::thread thread;
  std::mutex stop_mu;
  bool stopped = false;

  void Serve(const web::Route& route, const httplib::Request& req, httplib::Response& res);
  void Answer(const web::Route& route, const httplib::Request& req, httplib::Response& res, const web::Reply& r,
              AuditEvent* e);
};

void WebServer::Impl::Answer(const web::Route& route, const httplib::Request& req, httplib::Response& res,
                             const web::Reply& r, AuditEvent* e) {
  res.status = r.status;
  // Nothing is fetched from elsewhere and nothing here may be framed: the pages' own
  // script and style sheet only, charts inline.
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  if (tls) res.set_header("Strict-Transport-Security", "max-age=31536000");
  for (const auto& [k, v] : r.headers) res.set_header(k.c_str(), v.c_str());
  if (!r.location.empty()) res.set_header("Location", r.location.c_str());
  if (!r.filename.empty()) {
    res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"", r.filename, "\"").c_str());
  }
  std::string body = r.body;
  std::string type = r.content_type;
  if (route.page && r.status >= 400 && type == "application/json") {
    // An error on a page is a page: the JSON's message shown to a person.
    const std::string& message = r.error;
    if (r.status == 401) {
      body = web::LoginPage(message, req.target);
    } else {
      body = web::PageShell("Error", absl::StrCat("<h1>", r.status == 404 ? "Not found" : "Something is wrong",
                                                   "</h1><p role=\"alert\">", HtmlEscape(message),
                                                   "</p><p><a href=\"/\">Start again</a></p>"));
    }
    type = "text/html; charset=utf-8";
  }
  res.set_content(body, type.c_str());
  if (e) {
    e->http_status = r.status;
    e->code = web::GrpcCodeOf(r.status);
    e->bytes_out = static_cast<int64_t>(body.size());
  }
}

void WebServer::Impl::Serve(const web::Route& route, const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  AuditEvent e;
  e.principal = "-";
  e.method = absl::StrCat(req.method, " ", route.path);
  e.peer = absl::StrCat(absl::StrContains(req.remote_addr, ':') ? "ipv6:[" : "ipv4:", req.remote_addr,
                        absl::StrContains(req.remote_addr, ':') ? "]:" : ":", req.remote_port);
  e.bytes_in = static_cast<int64_t>(req.body.size());
  // The audit keeps the LA and year only when shaped like one (never other request content).
  if (req.has_param("la")) e.la = web::ValidLa(req.get_param_value("la")) ? req.get_param_value("la") : "?";
  if (req.has_param("year")) e.year = web::ValidYear(req.get_param_value("year")) ? req.get_param_value("year") : "?";
  if (req.has_param("period")) {
    e.period = web::ValidYear(req.get_param_value("period")) ? req.get_param_value("period") : "?";
  }
  if (req.has_param("indicator")) {
    e.indicator = web::ValidIndicator(req.get_param_value("indicator")) ? req.get_param_value("indicator") : "?";
  }
  int64_t call_children = -1;
  auto finish = [&](const web::Reply& r, const std::string& reason) {
    Answer(route, req, res, r, &e);
    e.reason = reason;
    // How many children this request gave out (a children page or /api/v1/children): the
    // listener's audit line says so whether or not metrics keeps an audit of its own.
    e.children = call_children;
    e.ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (audit) audit->Write(e);
  };

  web::Call call{req, *backend, options};
  if (req.has_param("month")) {   // the children's month or window, in the words metrics' audit uses
    std::optional<v1::Period> m = ParseMonth(req.get_param_value("month"));
    if (m && call.Flag("rolling", false)) m->set_kind(v1::Period::ROLLING_12_MONTHS);
    e.period = m ? DescribePeriod(*m) : "?";
  }
  call.tls = tls;
  call.open = tokens == nullptr;
  if (tokens && !route.rpc.empty()) {
    std::optional<std::string> authorization;
    if (req.has_header("Authorization")) authorization = req.get_header_value("Authorization");
    else if (auto t = web::CookieToken(req)) authorization = "Bearer " + *t;
    std::string reason, tag;
    std::optional<Principal> p = IdentifyPrincipal(*tokens, authorization, web::CertCn(req), &reason, &tag);
    if (!p) {
      web::Reply r = web::JsonError(401, reason);
      r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"carestat\""});
      return finish(r, tag);
    }
    e.principal = p->name;
    call.principal = p->name;
    call.roles = p->roles;
    // Kept for the one call made on the caller's behalf (ChildrenFor). A valid bearer
    // token is what named the principal when one was given; a client certificate alone
    // gives none.
    if (authorization) call.authorization = *authorization;
    const auto& allowed = RolesFor(route.rpc);
    bool ok = false;
    for (const auto& r : p->roles) ok = ok || allowed.count(r) > 0;
    if (!ok) {
      return finish(web::JsonError(403, absl::StrCat("principal ", p->name, " (roles ", absl::StrJoin(p->roles, ","),
                                                     ") may not read ", route.path, ": it needs the role ",
                                                     absl::StrJoin(allowed, " or "))),
                    "role not allowed");
    }
  }
  if (std::string problem = web::CheckParams(route, req); !problem.empty()) {
    return finish(web::JsonError(400, problem), "bad parameter");
  }
  web::Reply r;
  try {
    r = route.handler(call);
    call_children = call.children_listed;
  } catch (const std::exception& ex) {
    CS_LOG(ERROR) << "HTTP " << route.path << ": " << ex.what();
    r = web::JsonError(500, "internal error");
  }
  finish(r, "");
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebServer::~WebServer() { Stop(); }

int WebServer::port() const { return impl_->port; }

std::string WebServer::url() const {
  std::string host = impl_->host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (absl::StrContains(host, ':') && host[0] != '[') host = "[" + host + "]";
  return absl::StrCat(impl_->tls ? "https" : "http", "://", host, ":", impl_->port, "/");
}

void WebServer::Stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const std::string& listen, const ServerSecurity& security,
                                                            std::shared_ptr<grpc::Channel> metrics,
                                                            std::shared_ptr<grpc::Channel> reporting,
                                                            const WebOptions& options) {
  std::string warning;
  if (absl::Status s = CheckListenSecurity(listen, security, &warning); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--http-listen: ", s.message()));
  }
  if (!warning.empty()) CS_LOG(WARNING) << "--http-listen: " << warning;
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--http-listen ", listen, ": expected HOST:PORT, like 127.0.0.1:8443"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  // OpenSSL writes to the socket with write(): a browser that goes away mid-answer would
  // raise SIGPIPE and end the whole server. Ignored, the write fails and only that
  // connection ends.
  ::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->backend = std::make_unique<web::Backend>(std::move(metrics), std::move(reporting));
  ServerSecurity sec = security;
  if (absl::Status s = OpenSharedSecurity(&sec); !s.ok()) return s;
  impl->tokens = sec.tokens_instance;
  impl->audit = sec.audit_instance;
  impl->tls = !sec.tls_cert.empty();
  if (impl->tls) {
    auto cert = ReadSmallFile(sec.tls_cert, "certificate (--tls-cert)");
    if (!cert.ok()) return cert.status();
    auto key = ReadSmallFile(sec.tls_key, "key (--tls-key)");
    if (!key.ok()) return key.status();
    if (auto s = CheckCertificatePem(*cert, *key, "the certificate " + sec.tls_cert); !s.ok()) return s;
    auto server = std::make_unique<httplib::SSLServer>(sec.tls_cert.c_str(), sec.tls_key.c_str(),
                                                       sec.tls_client_ca.empty() ? nullptr : sec.tls_client_ca.c_str());
    if (!server->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat("--http-listen: cannot use the certificate ", sec.tls_cert,
                                                     " and key ", sec.tls_key,
                                                     sec.tls_client_ca.empty() ? "" : " and client CA " + sec.tls_client_ca,
                                                     " for HTTPS"));
    }
    // TLS 1.2 at least, as gRPC.
    SSL_CTX_set_min_proto_version(server->ssl_context(), TLS1_2_VERSION);
    impl->http = std::move(server);
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  impl->http->set_payload_max_length(1 << 16);   // only the login form is posted
  impl->http->set_read_timeout(30, 0);
  impl->http->set_write_timeout(60, 0);
  impl->http->set_keep_alive_max_count(100);
  // Small answers on a kept-alive connection: without it each waits for the delayed ACK (40 ms).
  impl->http->set_tcp_nodelay(true);

  Impl* self = impl.get();
  std::vector<web::Route> routes = web::ApiRoutes();
  for (auto& r : web::PageRoutes()) routes.push_back(std::move(r));
  auto shared = std::make_shared<std::vector<web::Route>>(std::move(routes));
  for (const web::Route& route : *shared) {
    const web::Route* rp = &route;
    impl->http->Get(route.path, [self, rp, shared](const httplib::Request& req, httplib::Response& res) {
      self->Serve(*rp, req, res);
    });
  }
  // Static assets: no data, no token.
  for (const std::string name : {"dashboard.css", "dashboard.js"}) {
    impl->http->Get("/static/" + name, [self, name](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control", "max-age=3600");
      res.set_header("X-Content-Type-Options", "nosniff");
      const std::string& body = web::Asset(name);
      res.set_content(body, absl::EndsWith(name, ".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
      if (self->audit) {
        AuditEvent e;
        e.method = "GET /static/" + name;
        e.principal = "-";
        e.peer = absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
        e.http_status = 200;
        e.bytes_out = static_cast<int64_t>(body.size());
        self->audit->Write(e);
      }
    });
  }
  // The login form puts the token in an HttpOnly cookie (SameSite=Strict: no other site's
  // page can send it), so that a browser can use a bearer token.
  impl->http->Post("/login", [self](const httplib::Request& req, httplib::Response& res) {
    web::Route route{"/login", "", {}, nullptr, true};
    AuditEvent e;
    e.method = "POST /login";
    e.principal = "-";
    e.peer = absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
    const std::string token = req.get_param_value("token");
    const std::string next = web::SafeNext(req.get_param_value("next"));
    web::Reply r;
    // Only a token's characters reach the cookie (carestat token makes base64url ones).
    bool shaped = !token.empty() && token.size() <= 256;
    for (char ch : token) shaped = shaped && (absl::ascii_isalnum(ch) || ch == '_' || ch == '-');
    if (!shaped) {
      r.status = 401;
      r.content_type = "text/html; charset=utf-8";
      r.body = web::LoginPage("malformed token: give the token carestat token printed (cst_...)", next);
      e.reason = "malformed token";
      self->Answer(route, req, res, r, &e);
      if (self->audit) self->audit->Write(e);
      return;
    }
    if (self->tokens) {
      std::string reason, tag;
      auto p = IdentifyPrincipal(*self->tokens, "Bearer " + token, "", &reason, &tag);
      if (!p) {
        r.status = 401;
        r.content_type = "text/html; charset=utf-8";
        r.body = web::LoginPage(reason, next);
        e.reason = tag;
        self->Answer(route, req, res, r, &e);
        if (self->audit) self->audit->Write(e);
        return;
      }
      e.principal = p->name;
    }
    r.status = 303;
    r.location = next;
    r.content_type = "text/plain";
    r.headers.push_back({"Set-Cookie", absl::StrCat(web::kCookie, "=", token, "; Path=/; HttpOnly; SameSite=Strict",
                                                    self->tls ? "; Secure" : "")});
    self->Answer(route, req, res, r, &e);
    if (self->audit) self->audit->Write(e);
  });
  impl->http->Post("/logout", [self](const httplib::Request& req, httplib::Response& res) {
    web::Route route{"/logout", "", {}, nullptr, true};
    web::Reply r;
    r.status = 303;
    r.location = "/";
    r.content_type = "text/plain";
    r.headers.push_back({"Set-Cookie", absl::StrCat(web::kCookie, "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")});
    AuditEvent e;
    e.method = "POST /logout";
    e.principal = "-";
    e.peer = absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
    self->Answer(route, req, res, r, &e);
    if (self->audit) self->audit->Write(e);
  });
  impl->http->set_error_handler([self](const httplib::Request& req, httplib::Response& res) {
    // httplib calls this for every status from 400, routed ones too: those have their
    // answer (and audit line) already.
    if ((res.status != 404 && res.status != 405) || !res.body.empty()) return;
    // An unknown path: audited like any request, answered as the API or a page would.
    web::Route route{req.path.size() < 100 ? req.path : "?", "", {}, nullptr, !absl::StartsWith(req.path, "/api/")};
    AuditEvent e;
    e.method = absl::StrCat(req.method, " ", route.path);
    for (char& ch : e.method) {
      if (static_cast<unsigned char>(ch) < 0x20 || ch == '"' || ch == '\\') ch = '?';
    }
    e.principal = "-";
    e.peer = absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
    self->Answer(route, req, res, web::JsonError(404, "no such page or API route: see /api/v1/openapi.json"), &e);
    if (self->audit) self->audit->Write(e);
  });

  const int bound = port == 0 ? impl->http->bind_to_any_port(host) : (impl->http->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("--http-listen: cannot listen on ", listen,
                                               " (address in use or not valid HOST:PORT)"));
  }
  impl->host = host;
  impl->port = bound;
  impl->thread = std::thread([self] { self->http->listen_after_bind(); });
  CS_LOG(INFO) << "HTTP listening on " << host << ":" << bound << (impl->tls ? " (TLS)" : " (plaintext, loopback)")
               << (impl->tokens ? ", tokens required" : ", open");
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

}  // namespace carestat
