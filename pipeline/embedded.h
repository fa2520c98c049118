// File: embedded.h
// The three services in one process, over in-process gRPC channels: the same service
// code as the separate servers, with no ports. Each keeps its own RocksDB under the
// data directory (DATA/ingestion, DATA/metrics).
//   auto e = Embedded::Start("/var/lib/carestat");
//   auto stub = v1::Metrics::NewStub((*e)->metrics());
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/service.h"
#include "services/metrics/metrics.h"
#include "services/metrics/service.h"
#include "services/reporting/service.h"

namespace carestat {

class Embedded {
 public:
  // `ingestion` as for the server (accept_loss: `carestat run --accept-loss`).
  static absl::StatusOr<std::unique_ptr<Embedded>> Start(const std::string& data_dir,
                                                         const IngestorOptions& ingestion = {});
  // Stops the servers (reporting, metrics, ingestion) and then closes the stores.
  ~Embedded();

  std::shared_ptr<grpc::Channel> ingestion() const { return ingestion_channel_; }
  std::shared_ptr<grpc::Channel> metrics() const { return metrics_channel_; }
  std::shared_ptr<grpc::Channel> reporting() const { return reporting_channel_; }

 private:
  Embedded() = default;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<MetricsEngine> engine_;
  std::unique_ptr<IngestionService> ingestion_service_;
  std::unique_ptr<MetricsService> metrics_service_;
  std::unique_ptr<ReportingService> reporting_service_;
  std::unique_ptr<grpc::Server> ingestion_server_, metrics_server_, reporting_server_;
  std::shared_ptr<grpc::Channel> ingestion_channel_, metrics_channel_, reporting_channel_;
};

}  // namespace carestat
