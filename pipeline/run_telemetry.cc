#include "pipeline/run_telemetry.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace carestat {
namespace {

constexpr const char* kOutcomes[] = {"ok", "problems", "failed"};

void Describe() {
  Telemetry& t = Telemetry::Get();
  t.Describe("carestat_pipeline_runs_total", Telemetry::kCounter,
             "Pipeline runs by outcome: ok (exit 0), problems (exit 1: a file quarantined, refused or skipped), "
             "failed (exit 2: could not run).");
  t.Describe("carestat_pipeline_last_run_timestamp_seconds", Telemetry::kGauge, "When the last run ended (Unix time).");
  t.Describe("carestat_pipeline_last_run_duration_seconds", Telemetry::kGauge, "How long the last run took.");
  t.Describe("carestat_pipeline_last_run_exit_code", Telemetry::kGauge, "The last run's exit code.");
}

}  // namespace

absl::Status RunTelemetry::Start(const std::string& metrics_listen, const std::string& metrics_file) {
  Describe();
  Telemetry& t = Telemetry::Get();
  for (const char* o : kOutcomes) t.Add("carestat_pipeline_runs_total", {{"outcome", o}}, 0);
  file_ = metrics_file;
  if (!file_.empty()) {
    // Counters survive between one-shot runs through the file they are written to.
    std::ifstream in(file_);
    std::string line;
    while (std::getline(in, line)) {
      for (const char* o : kOutcomes) {
        const std::string prefix = absl::StrCat("carestat_pipeline_runs_total{outcome=\"", o, "\"} ");
        double v = 0;
        if (line.rfind(prefix, 0) == 0 && absl::SimpleAtod(line.substr(prefix.size()), &v) && v >= 0) {
          t.Add("carestat_pipeline_runs_total", {{"outcome", o}}, v);
        }
      }
    }
  }
  if (!metrics_listen.empty()) {
    auto s = TelemetryServer::Start(metrics_listen);
    if (!s.ok()) return s.status();
    server_ = std::move(*s);
  }
  return absl::OkStatus();
}

int RunTelemetry::Count(const std::function<int()>& run) {
  const auto start = std::chrono::steady_clock::now();
  const int code = run();
  Telemetry& t = Telemetry::Get();
  t.Add("carestat_pipeline_runs_total", {{"outcome", kOutcomes[code == 0 ? 0 : code == 1 ? 1 : 2]}});
  t.Set("carestat_pipeline_last_run_timestamp_seconds", {}, static_cast<double>(std::time(nullptr)));
  t.Set("carestat_pipeline_last_run_duration_seconds", {},
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  t.Set("carestat_pipeline_last_run_exit_code", {}, code);
  if (!file_.empty()) {
    // Written beside and renamed over, so the collector never reads half a file.
    const std::string tmp = file_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << t.Render();
      if (!out.good()) {
        std::fprintf(stderr, "carestat pipeline: cannot write --metrics-file %s\n", tmp.c_str());
        return code;
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file_, ec);
    if (ec) std::fprintf(stderr, "carestat pipeline: cannot write --metrics-file %s: %s\n", file_.c_str(),
                         ec.message().c_str());
  }
  return code;
}

}  // namespace carestat
