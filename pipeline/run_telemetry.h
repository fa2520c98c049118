// File: run_telemetry.h
// Pipeline runs for Prometheus (issue 19): carestat_pipeline_runs_total{outcome} (ok,
// problems, failed: exit codes 0, 1 and 2), with the last run's end time and duration.
// A looping `carestat pipeline --loop` serves them on --metrics-listen while it runs; a
// one-shot run from a timer writes them with --metrics-file FILE for node_exporter's
// textfile collector, carrying the counts of the file it replaces forward.
//   RunTelemetry t;
//   if (auto s = t.Start(listen, file); !s.ok()) ...
//   int code = t.Count([&] { return RunPipeline(...); });
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "services/common/telemetry.h"

namespace carestat {

class RunTelemetry {
 public:
  // Either may be empty. The file's folder must exist; a file that holds counts from
  // earlier runs is read for them (an unreadable or foreign file is replaced from zero).
  absl::Status Start(const std::string& metrics_listen, const std::string& metrics_file);
  // The port --metrics-listen bound (0 without it).
  int port() const { return server_ ? server_->port() : 0; }
  // Runs `run`, counts its exit code, and rewrites the file. Returns the exit code.
  int Count(const std::function<int()>& run);

 private:
  std::string file_;
  std::unique_ptr<TelemetryServer> server_;
};

}  // namespace carestat
