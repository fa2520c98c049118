#include "pipeline/embedded.h"

#include "services/common/server.h"

namespace carestat {

absl::StatusOr<std::unique_ptr<Embedded>> Embedded::Start(const std::string& data_dir,
                                                         const IngestorOptions& ingestion) {
  auto e = std::unique_ptr<Embedded>(new Embedded());
  auto ingestor = Ingestor::Open(data_dir + "/ingestion", ingestion);
  if (!ingestor.ok()) return ingestor.status();
  e->ingestor_ = std::move(*ingestor);
  auto engine = MetricsEngine::Open(data_dir + "/metrics");
  if (!engine.ok()) return engine.status();
  e->engine_ = std::move(*engine);

  e->ingestion_service_ = std::make_unique<IngestionService>(e->ingestor_.get());
  e->ingestion_server_ = StartInProcess({e->ingestion_service_.get()});
  if (!e->ingestion_server_) return absl::InternalError("cannot start the in-process ingestion server");
  e->ingestion_channel_ = InProcessChannelTo(e->ingestion_server_.get());

  e->metrics_service_ = std::make_unique<MetricsService>(e->engine_.get(), e->ingestion_channel_);
  e->metrics_server_ = StartInProcess({e->metrics_service_.get()});
  if (!e->metrics_server_) return absl::InternalError("cannot start the in-process metrics server");
  e->metrics_channel_ = InProcessChannelTo(e->metrics_server_.get());

  // The councils' narrative files live beside the stores (docs/NARRATIVE.md).
  e->reporting_service_ =
      std::make_unique<ReportingService>(e->metrics_channel_, e->ingestion_channel_, data_dir + "/reporting/narratives");
  e->reporting_server_ = StartInProcess({e->reporting_service_.get()});
  if (!e->reporting_server_) return absl::InternalError("cannot start the in-process reporting server");
  e->reporting_channel_ = InProcessChannelTo(e->reporting_server_.get());
  return e;
}

Embedded::~Embedded() {
  for (auto* s : {reporting_server_.get(), metrics_server_.get(), ingestion_server_.get()}) {
    if (s) s->Shutdown();
  }
}

}  // namespace carestat
