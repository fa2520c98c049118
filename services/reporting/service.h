// File: service.h
// The Reporting gRPC service: builds the annual report and the self-assessment from
// the metrics service's API, and renders either. Handlers only translate: the reports
// are built in reports/, rendered in render/.
//   ReportingService svc(metrics_channel);                      // data quality: not available
//   ReportingService svc(metrics_channel, ingestion_channel);   // data quality from ListReturns
//   ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-reporting");
#pragma once

#include <memory>
#include <string>

#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"

namespace carestat {

// A rendered file's name made safe to write: only [A-Za-z0-9._-], no path separator, no
// leading dot ("../../x.csv" becomes "x.csv", an empty one "table"). Render applies it to
// every name it returns (they come from table ids the client sent) and keeps them unique.
std::string SafeRenderedFileName(const std::string& name);

class ReportingService final : public v1::Reporting::Service {
 public:
  // `ingestion` is optional (null): without it the self-assessment's data-quality
  // section says it is not available. `narratives` is the folder the councils'
  // narrative files are kept in (PutNarrative; docs/NARRATIVE.md), "" for none: then
  // PutNarrative answers FAILED_PRECONDITION and the reports carry no narrative.
  explicit ReportingService(std::shared_ptr<grpc::Channel> metrics,
                            std::shared_ptr<grpc::Channel> ingestion = nullptr, std::string narratives = "");

  grpc::Status BuildAnnualReport(grpc::ServerContext* ctx, const v1::BuildAnnualReportRequest* req,
                                 v1::AnnualReport* resp) override;
  grpc::Status BuildSelfAssessment(grpc::ServerContext* ctx, const v1::BuildSelfAssessmentRequest* req,
                                   v1::SelfAssessment* resp) override;
  grpc::Status Render(grpc::ServerContext* ctx, const v1::RenderRequest* req, v1::RenderResponse* resp) override;
  grpc::Status PutNarrative(grpc::ServerContext* ctx, const v1::PutNarrativeRequest* req,
                            v1::PutNarrativeResponse* resp) override;
  grpc::Status GetCoverage(grpc::ServerContext* ctx, const v1::GetCoverageRequest* req,
                           v1::GetCoverageResponse* resp) override;

 private:
  std::string narratives_;
  std::unique_ptr<v1::Metrics::Stub> metrics_;
  std::unique_ptr<v1::Ingestion::Stub> ingestion_;
};

}  // namespace carestat
