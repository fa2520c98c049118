// File: service.h
// The Ingestion gRPC service: translates requests to the Ingestor and back.
//   auto ing = Ingestor::Open(dir);
//   IngestionService svc(ing->get());
//   ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-ingestion");
#pragma once

#include "carestat/v1/ingestion.grpc.pb.h"
#include "services/ingestion/ingestor.h"

namespace carestat {

// Declares what IngestionService counts on the metrics port (telemetry.h): uploads by
// outcome, records stored by dataset, validation issues by rule and severity.
void DescribeIngestionTelemetry();

class IngestionService final : public v1::Ingestion::Service {
 public:
  explicit IngestionService(Ingestor* ingestor) : ingestor_(ingestor) {}

  grpc::Status Upload(grpc::ServerContext* ctx, grpc::ServerReader<v1::UploadRequest>* reader,
                      v1::UploadResponse* resp) override;
  grpc::Status ListReturns(grpc::ServerContext* ctx, const v1::ListReturnsRequest* req,
                           v1::ListReturnsResponse* resp) override;
  grpc::Status GetIssues(grpc::ServerContext* ctx, const v1::GetIssuesRequest* req,
                         v1::GetIssuesResponse* resp) override;
  grpc::Status StreamRecords(grpc::ServerContext* ctx, const v1::StreamRecordsRequest* req,
                             grpc::ServerWriter<v1::RecordBatch>* writer) override;
  grpc::Status RecordChecks(grpc::ServerContext* ctx, const v1::RecordChecksRequest* req,
                            v1::UploadResponse* resp) override;

 private:
  grpc::Status ReceiveAndIngest(grpc::ServerContext* ctx, grpc::ServerReader<v1::UploadRequest>* reader,
                                v1::UploadResponse* resp, v1::UploadHeader* header);
  Ingestor* ingestor_;
};

}  // namespace carestat
