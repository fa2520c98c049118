// File: service.h
// The Metrics gRPC service. Records come from the ingestion service's StreamRecords.
//   MetricsService svc(engine.get(), ingestion_channel);
//   ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-metrics");
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "services/metrics/benchmark.h"
#include "services/metrics/metrics.h"

namespace carestat {

// Declares what MetricsService counts on the metrics port (telemetry.h): recomputes by LA
// and outcome, and their duration per LA.
void DescribeMetricsTelemetry();

class MetricsService final : public v1::Metrics::Service {
 public:
  // `ingestion` may be null: Recompute then answers FAILED_PRECONDITION.
  MetricsService(MetricsEngine* engine, std::shared_ptr<grpc::Channel> ingestion);

  grpc::Status Recompute(grpc::ServerContext* ctx, const v1::RecomputeRequest* req,
                         v1::RecomputeResponse* resp) override;
  grpc::Status GetValues(grpc::ServerContext* ctx, const v1::GetValuesRequest* req,
                         v1::GetValuesResponse* resp) override;
  grpc::Status GetSeries(grpc::ServerContext* ctx, const v1::GetSeriesRequest* req,
                         v1::GetSeriesResponse* resp) override;
  grpc::Status ListIndicators(grpc::ServerContext* ctx, const v1::ListIndicatorsRequest* req,
                              v1::ListIndicatorsResponse* resp) override;
  grpc::Status ListReturns(grpc::ServerContext* ctx, const v1::ListReturnsRequest* req,
                           v1::ListReturnsResponse* resp) override;
  grpc::Status PutReferenceData(grpc::ServerContext* ctx, const v1::PutReferenceDataRequest* req,
                                v1::PutReferenceDataResponse* resp) override;
  grpc::Status PutLocalMeasures(grpc::ServerContext* ctx, const v1::PutLocalMeasuresRequest* req,
                                v1::PutReferenceDataResponse* resp) override;
  grpc::Status GetBenchmark(grpc::ServerContext* ctx, const v1::GetBenchmarkRequest* req,
                            v1::GetBenchmarkResponse* resp) override;
  grpc::Status ListChildren(grpc::ServerContext* ctx, const v1::ListChildrenRequest* req,
                            v1::ListChildrenResponse* resp) override;
  grpc::Status Forecast(grpc::ServerContext* ctx, const v1::ForecastRequest* req,
                        v1::ForecastResponse* resp) override;

  // The health probe: UNAVAILABLE, saying which LA's recompute found ingestion
  // unreachable, from that failure until ingestion answers its health check SERVING again
  // (or a recompute reaches it); OK otherwise. The server listens only once its store is
  // open, so before that there is nothing to ask.
  absl::Status Health();

 private:
  // The LA's returns and refused uploads as ingestion lists them now, and a scan of its
  // records through StreamRecords: what Recompute and ListChildren read.
  grpc::Status ReturnsFromIngestion(const std::string& la, v1::ListReturnsResponse* returns);
  MetricsEngine::RecordScan ScanFromIngestion(const std::string& la);
  // Remembers (or, with ok, forgets) that ingestion could not be reached for `la`.
  void NoteIngestion(const grpc::Status& s, const std::string& la);
  MetricsEngine* engine_;
  std::shared_ptr<grpc::Channel> ingestion_channel_;
  std::unique_ptr<v1::Ingestion::Stub> ingestion_;
  std::mutex unreachable_mu_;
  std::string unreachable_;  // why the last recompute could not reach ingestion; "" when it could
  std::mutex recompute_mu_;  // one recompute at a time per process
  // Every loaded LA's computed point of an indicator and year, for GetBenchmark's
  // comparators from the loaded returns: read once per points version, so a whole
  // national pass reads each LA's point once, not once per LA asked about.
  absl::StatusOr<LoadedFigures> LoadedFor(const std::string& indicator, int fy);
  std::mutex loaded_mu_;
  uint64_t loaded_version_ = UINT64_MAX;
  std::vector<std::string> loaded_las_;
  std::map<std::pair<std::string, int>, LoadedFigures> loaded_;
};

}  // namespace carestat
