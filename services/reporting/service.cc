#include "services/reporting/service.h"

#include <chrono>

#include "services/common/status.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"

namespace carestat {

ReportingService::ReportingService(std::shared_ptr<grpc::Channel> metrics)
    : metrics_(metrics ? v1::Metrics::NewStub(metrics) : nullptr) {}

grpc::Status ReportingService::BuildAnnualReport(grpc::ServerContext*, const v1::BuildAnnualReportRequest* req,
                                                 v1::AnnualReport* resp) {
  if (!metrics_) return grpc::Status(grpc::FAILED_PRECONDITION, "this reporting server has no --metrics");
  SeriesFetch fetch = [&](const std::string& indicator, const std::string& from,
                          const std::string& to) -> absl::StatusOr<std::vector<v1::IndicatorPoint>> {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::GetSeriesRequest sr;
    sr.set_la(req->la());
    sr.set_indicator(indicator);
    sr.set_from(from);
    sr.set_to(to);
    v1::GetSeriesResponse out;
    grpc::Status s = metrics_->GetSeries(&c, sr, &out);
    if (!s.ok()) return FromGrpc(s);
    return std::vector<v1::IndicatorPoint>(out.points().begin(), out.points().end());
  };
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  auto report = carestat::BuildAnnualReport(req->la(), req->year(), fetch, now);
  if (!report.ok()) return ToGrpc(report.status());
  *resp = *std::move(report);
  return grpc::Status::OK;
}

grpc::Status ReportingService::Render(grpc::ServerContext*, const v1::RenderRequest* req,
                                      v1::RenderResponse* resp) {
  auto out = carestat::Render(req->report(), req->format());
  if (!out.ok()) return ToGrpc(out.status());
  *resp = *std::move(out);
  return grpc::Status::OK;
}

}  // namespace carestat
