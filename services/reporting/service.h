// File: service.h
// The Reporting gRPC service: builds reports from the metrics service's series.
//   ReportingService svc(metrics_channel);
//   ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-reporting");
#pragma once

#include <memory>

#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"

namespace carestat {

class ReportingService final : public v1::Reporting::Service {
 public:
  explicit ReportingService(std::shared_ptr<grpc::Channel> metrics);

  grpc::Status BuildAnnualReport(grpc::ServerContext* ctx, const v1::BuildAnnualReportRequest* req,
                                 v1::AnnualReport* resp) override;
  grpc::Status Render(grpc::ServerContext* ctx, const v1::RenderRequest* req,
                      v1::RenderResponse* resp) override;

 private:
  std::unique_ptr<v1::Metrics::Stub> metrics_;
};

}  // namespace carestat
