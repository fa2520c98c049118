// File: web_internal.h
// Shared by the listener (web.cc), the JSON API (api.cc) and the dashboard (pages.cc):
// the routes, what a handler is given and answers, and the calls to the services.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "services/reporting/web/web.h"

namespace httplib {
struct Request;
}

namespace carestat::web {

// The services' answers, through the same stubs any gRPC client uses: what the API
// serves is what gRPC serves. Each call has a 60 second deadline.
class Backend {
 public:
  Backend(std::shared_ptr<grpc::Channel> metrics, std::shared_ptr<grpc::Channel> reporting);
  grpc::Status Indicators(v1::ListIndicatorsResponse* out);   // cached once read
  grpc::Status Series(const v1::GetSeriesRequest& req, v1::GetSeriesResponse* out);
  // The requests several at a time (gRPC's callback API), waiting for all: a page that
  // needs one series per indicator waits for a few rounds rather than the sum of ~60
  // round trips. `out` and the returned statuses are in the order of `reqs`.
  std::vector<grpc::Status> SeriesMany(const std::vector<v1::GetSeriesRequest>& reqs,
                                       std::vector<v1::GetSeriesResponse>* out);
  grpc::Status Benchmark(const v1::GetBenchmarkRequest& req, v1::GetBenchmarkResponse* out);
  grpc::Status Returns(const v1::ListReturnsRequest& req, v1::ListReturnsResponse* out);
  grpc::Status Annual(const v1::BuildAnnualReportRequest& req, v1::AnnualReport* out);
  grpc::Status SelfAssessment(const v1::BuildSelfAssessmentRequest& req, v1::SelfAssessment* out);
  grpc::Status Render(const v1::RenderRequest& req, v1::RenderResponse* out);
  grpc::Status Coverage(const v1::GetCoverageRequest& req, v1::GetCoverageResponse* out);
  grpc::Status Forecast(const v1::ForecastRequest& req, v1::ForecastResponse* out);
  // Metrics/ListChildren asked with `authorization` (the caller's own "Bearer <token>")
  // instead of this server's credentials, so that metrics authorises and audits the
  // caller. Nothing of the answer is kept. Use ChildrenFor, which decides who may ask.
  grpc::Status Children(const v1::ListChildrenRequest& req, const std::string& authorization,
                        v1::ListChildrenResponse* out);

 private:
  std::unique_ptr<v1::Metrics::Stub> metrics_;
  std::unique_ptr<v1::Reporting::Stub> reporting_;
  std::mutex mu_;
  std::unique_ptr<v1::ListIndicatorsResponse> catalogue_;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string filename;   // set: Content-Disposition attachment
  std::string location;   // set: a redirect (status 303)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;      // an error's message (the JSON's), shown on a page
};

// What a query parameter must look like; anything else is 400 naming it.
enum class ParamKind {
  kLa,          // 301
  kLas,         // 301,302 (at most 20)
  kYear,        // 2015-16
  kIndicator,   // referral_rate
  kIndicators,  // referral_rate,cpp_rate (at most 20)
  kBool,        // true, false, 1, 0
  kFormat,      // json, csv, html, md, xlsx, docx (a report)
  kDataFormat,  // json, csv
  kArea,        // a self-assessment section id, "all"
  kText,        // free text up to 200 characters, no control characters
  kPeriod,      // 2015-16 (a financial year) or 2015-06 (a month)
  kMonth,       // 2015-06, 2011-12 (December 2011): a month only
};
struct ParamSpec {
  std::string name;
  ParamKind kind;
  bool required = false;
};

struct Call {
  const httplib::Request& req;
  Backend& backend;
  const WebOptions& options;
  std::string principal = "-";    // "-": open server, nobody named
  std::set<std::string> roles = {};   // empty on an open server
  bool open = false;              // no tokens file: every caller may see everything
  bool tls = false;
  // The caller's "Bearer <token>" (header or sign-in cookie) when a token named them; empty
  // on an open server and for a client certificate. Only ChildrenFor passes it on.
  std::string authorization = {};
  // Set by ChildrenFor to the number of children it gave out, for this request's audit
  // line (the listener's own: an embedded metrics writes none).
  mutable int64_t children_listed = -1;
  bool HasRole(const std::string& role) const { return roles.count(role) > 0; }
  std::string Param(const std::string& name) const;   // "" when absent
  bool Has(const std::string& name) const;
  bool Flag(const std::string& name, bool fallback) const;
  // Whether the caller asked for CSV (Accept: text/csv, or format=csv).
  bool WantsCsv() const;
};

using Handler = std::function<Reply(const Call&)>;
struct Route {
  std::string path;               // exact
  std::string rpc;                // the gRPC method whose roles it needs; "" for an open route
  std::vector<ParamSpec> params;  // every parameter it accepts
  Handler handler;
  bool page = false;              // HTML: errors as a page, a login form on 401
};

// The children behind a figure (docs/SECURITY.md, "The `case` role"), for a caller who
// has the role `case` and was named by a bearer token: asked of metrics with that token.
// Anyone else, an open server's callers included (nobody is named there, so nobody could
// be authorised or audited), gets PERMISSION_DENIED saying why, and metrics is not asked.
grpc::Status ChildrenFor(const Call& c, const v1::ListChildrenRequest& req, v1::ListChildrenResponse* out);
// Reply for a ChildrenFor error: metrics refusing the caller's token is the caller's 403
// (or 401), not this server's credentials.
Reply ChildrenError(const grpc::Status& s);
// One row per entry of either list: list, child, record, each fact by name, returns.
std::string ChildrenCsv(const v1::ListChildrenResponse& r);
// The period a children request's parameters name (api.cc): period=2015-16 (or a month
// the text cannot be taken for a year), or month=2011-12 (any month, December 2011
// here), with rolling=true the 12 months ending with the month; an error says what to
// give. ChildrenRequest asks metrics for it whole (exact_period), ChildrenQuery gives
// the parameters back for a link.
absl::StatusOr<v1::Period> ChildrenPeriod(const Call& c);
v1::ListChildrenRequest ChildrenRequest(const std::string& la, const std::string& indicator,
                                        const std::string& breakdown, const v1::Period& period);
std::string ChildrenQuery(const v1::Period& period);   // "period=2015-16", "month=2015-06&rolling=true"

std::vector<Route> ApiRoutes();
std::vector<Route> PageRoutes();

// ---- helpers ----
int HttpStatusOf(grpc::StatusCode code);
grpc::StatusCode GrpcCodeOf(int http_status);
// {"error": {"status": 400, "code": "INVALID_ARGUMENT", "message": "..."}}
Reply JsonError(int status, const std::string& message);
Reply FromStatus(const grpc::Status& s);
// Protobuf's JSON mapping, as the reports' JSON prints it: proto field names, and every
// field without presence printed even when zero or empty, so a property is always there.
std::string ToJson(const google::protobuf::Message& m);
Reply JsonReply(const google::protobuf::Message& m);
std::string Csv(const std::vector<std::vector<std::string>>& rows);
std::string Number(double v);
// A dashboard page: skip link, header and navigation, main landmark, footer. `la`: the
// LA the page is about ("" none), for the navigation.
std::string PageShell(const std::string& title, const std::string& body, const std::string& la = "");   // shortest round-trip form: 12.5, 3, 0.1

// CSV forms of the answers, one row per point, indicator or benchmark.
std::string SeriesCsv(const v1::GetSeriesResponse& r);
std::string IndicatorsCsv(const v1::ListIndicatorsResponse& r);
std::string BenchmarkCsv(const v1::GetBenchmarkResponse& r);
std::string ReturnsCsv(const v1::ListReturnsResponse& r);
std::string CoverageCsv(const v1::GetCoverageResponse& r);
std::string ForecastCsv(const v1::ForecastResponse& r);

}  // namespace carestat::web
