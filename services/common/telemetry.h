// File: telemetry.h
// Counters, gauges and histograms for Prometheus, and the listener that serves them in
// the text exposition format (version 0.0.4) at GET /metrics. Debian 12 packages no
// Prometheus client library, so this is a small one: one process-wide registry, label
// values escaped as the format requires, on cpp-httplib (already used by reporting's
// dashboard).
//   Telemetry& t = Telemetry::Get();
//   t.Describe("carestat_uploads_total", Telemetry::kCounter, "Uploads by outcome.");
//   t.Add("carestat_uploads_total", {{"outcome", "stored"}});
//   auto server = TelemetryServer::Start("127.0.0.1:9464");   // curl .../metrics
// What is counted is aggregate by design: methods, status codes, outcomes, rule codes and
// LA codes, never a child, a file name or a message.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace carestat {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Telemetry {
 public:
  enum Type { kCounter, kGauge, kHistogram };
  // The registry every part of the process counts in.
  static Telemetry& Get();

  // Declares a family (its HELP and TYPE lines); a family may be described again with
  // the same type (each server describes what it uses). Histograms take their bucket
  // upper bounds, ascending (+Inf is implied). Using a name not described first is a
  // programming error: it is counted as an untyped family named as given.
  void Describe(const std::string& name, Type type, const std::string& help, std::vector<double> buckets = {});
  void Add(const std::string& name, const Labels& labels, double v = 1);        // counters
  void Set(const std::string& name, const Labels& labels, double v);            // gauges
  void Observe(const std::string& name, const Labels& labels, double v);        // histograms
  // Called at each scrape, before rendering, to set gauges that are read rather than
  // counted (a store's size, RocksDB's properties). Runs under no registry lock.
  void AddCollector(std::function<void(Telemetry&)> collect);

  // The whole registry in the text exposition format, families sorted by name.
  std::string Render();
  // A counter's or gauge's current value (0 when absent): for tests and summaries.
  double Value(const std::string& name, const Labels& labels);

  // Seconds as histogram buckets for RPC and recompute durations: 1 ms to 5 minutes.
  static const std::vector<double>& DurationBuckets();

 private:
  struct Series {
    double value = 0;                 // counter or gauge; histogram sum
    uint64_t count = 0;               // histogram
    std::vector<uint64_t> buckets;    // histogram, not cumulative
  };
  struct Family {
    Type type = kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;   // by rendered label set
  };
  Family& FamilyLocked(const std::string& name, Type type);
  std::mutex mu_;
  std::map<std::string, Family> families_;
  std::mutex collectors_mu_;
  std::vector<std::function<void(Telemetry&)>> collectors_;
};

// The label set as the exposition format writes it: {a="x",b="y\"z"} ("" when empty).
// Values have backslash, double quote and newline escaped.
std::string RenderLabels(const Labels& labels);

// Serves GET /metrics (and nothing else: 404) over plaintext HTTP on `listen`
// (HOST:PORT, port 0 picks one). Plaintext on any address: what it serves is aggregate
// (see above); put it behind the network policy that admits Prometheus.
class TelemetryServer {
 public:
  static absl::StatusOr<std::unique_ptr<TelemetryServer>> Start(const std::string& listen);
  ~TelemetryServer();
  int port() const;
  void Stop();

 private:
  struct Impl;
  explicit TelemetryServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace carestat
