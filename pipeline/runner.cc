#include "pipeline/runner.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/ingest_step.h"
#include "services/common/dates.h"
#include "services/common/status.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

bool WriteFile(const fs::path& path, const std::string& content, std::string* error) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  // Written beside and renamed, so a reader never sees half a report.
  fs::path tmp = path;
  tmp += ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    *error = absl::StrCat("cannot write ", tmp.string());
    return false;
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    *error = absl::StrCat("cannot rename ", tmp.string(), ": ", ec.message());
    return false;
  }
  return true;
}

// One LA code a line; a missing file is an empty set.
std::set<std::string> ReadPending(const fs::path& path) {
  std::set<std::string> las;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) las.insert(line);
  }
  return las;
}

bool WritePending(const fs::path& path, const std::set<std::string>& las, std::string* error) {
  std::error_code ec;
  if (las.empty()) {
    fs::remove(path, ec);
    return true;
  }
  std::string content;
  for (const auto& la : las) content += la + "\n";
  return WriteFile(path, content, error);
}

grpc::ClientContext* WithDeadline(grpc::ClientContext* c, int seconds) {
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return c;
}

}  // namespace

int RunPipeline(std::shared_ptr<grpc::Channel> ingestion, std::shared_ptr<grpc::Channel> metrics,
                std::shared_ptr<grpc::Channel> reporting, const RunOptions& o) {
  auto ing = v1::Ingestion::NewStub(ingestion);
  auto met = v1::Metrics::NewStub(metrics);
  auto rep = v1::Reporting::NewStub(reporting);

  auto summary = IngestInbox(*ing, o.ingest);
  if (!summary.ok()) {
    std::fprintf(stderr, "ingest: %s\n", std::string(summary.status().message()).c_str());
    return 2;
  }
  const int rejected = summary->quarantined;
  // LAs still to recompute are kept in the state directory until metrics has done them,
  // so a run that stops (metrics away past the retries, a crash) leaves them for the
  // next run, which would otherwise find every file known and recompute nothing.
  const fs::path pending_path = fs::path(o.ingest.state_dir) / "pending-recompute";
  std::set<std::string> changed_las = ReadPending(pending_path);
  for (const auto& [la, years] : summary->changed) changed_las.insert(la);
  if (std::string err; !WritePending(pending_path, changed_las, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }

  // Every LA with returns gets its latest year's report; changed LAs are recomputed
  // first (all their years: a return feeds the lookbacks of the years after it).
  v1::ListReturnsResponse all;
  {
    grpc::ClientContext c;
    grpc::Status s = ing->ListReturns(WithDeadline(&c, 60), v1::ListReturnsRequest(), &all);
    if (!s.ok()) {
      std::fprintf(stderr, "ingestion ListReturns failed: %s\n", s.error_message().c_str());
      return 2;
    }
  }
  std::map<std::string, int> latest_year;
  for (const auto& r : all.returns()) {
    latest_year[r.la()] = std::max(latest_year[r.la()], r.collection_year());
  }
  std::set<std::string> done_las;
  for (const auto& la : changed_las) {
    v1::RecomputeRequest req;
    req.set_la(la);
    v1::RecomputeResponse resp;
    // Metrics may be restarting: retry while it is unavailable, as uploads do.
    absl::Status s = WithRetry(
        [&] {
          grpc::ClientContext c;
          resp.Clear();
          return FromGrpc(met->Recompute(WithDeadline(&c, 600), req, &resp));
        },
        o.ingest.max_attempts, o.ingest.backoff_ms, "recompute of LA " + la);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return 2;
    }
    std::printf("recomputed LA %s: %lld records read, %lld points for %d years\n", la.c_str(),
                static_cast<long long>(resp.records_read()), static_cast<long long>(resp.points_written()),
                resp.periods_size());
    done_las.insert(la);
    std::set<std::string> left;
    for (const auto& l : changed_las) {
      if (!done_las.count(l)) left.insert(l);
    }
    if (std::string err; !WritePending(pending_path, left, &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 2;
    }
  }
  // Both reports of each LA's latest year, every format, written beside each other:
  // OUT/<LA>/<year>/annual-report.{html,md,json,csv,xlsx}, annual-report-<table>.csv,
  // and the same for self-assessment. Internal reports: every figure shown.
  for (const auto& [la, cy] : latest_year) {
    const std::string year = FormatPeriod(FinancialYear(cy - 1));
    const fs::path dir = fs::path(o.out_dir) / la / year;
    v1::AnnualReport annual;
    v1::SelfAssessment assessment;
    {
      grpc::ClientContext c;
      v1::BuildAnnualReportRequest req;
      req.set_la(la);
      req.set_year(year);
      grpc::Status s = rep->BuildAnnualReport(WithDeadline(&c, 120), req, &annual);
      if (!s.ok()) {
        std::fprintf(stderr, "annual report for LA %s %s failed: %s\n", la.c_str(), year.c_str(),
                     s.error_message().c_str());
        return 2;
      }
    }
    {
      grpc::ClientContext c;
      v1::BuildSelfAssessmentRequest req;
      req.set_la(la);
      req.set_year(year);
      grpc::Status s = rep->BuildSelfAssessment(WithDeadline(&c, 120), req, &assessment);
      if (!s.ok()) {
        std::fprintf(stderr, "self-assessment for LA %s %s failed: %s\n", la.c_str(), year.c_str(),
                     s.error_message().c_str());
        return 2;
      }
    }
    for (const char* stem : {"annual-report", "self-assessment"}) {
      const bool is_annual = std::string(stem) == "annual-report";
      for (v1::Format f : {v1::HTML, v1::MARKDOWN, v1::JSON, v1::CSV, v1::XLSX}) {
        grpc::ClientContext c;
        v1::RenderRequest req;
        if (is_annual) *req.mutable_report() = annual;
        else *req.mutable_self_assessment() = assessment;
        req.set_format(f);
        v1::RenderResponse out;
        grpc::Status s = rep->Render(WithDeadline(&c, 120), req, &out);
        if (!s.ok()) {
          std::fprintf(stderr, "render %s %s for LA %s failed: %s\n", stem, v1::Format_Name(f).c_str(), la.c_str(),
                       s.error_message().c_str());
          return 2;
        }
        std::string err;
        // The whole document (for CSV: every table in one long file), then a CSV per table.
        if (!WriteFile(dir / absl::StrCat(stem, ".", out.file_extension()), out.content(), &err)) {
          std::fprintf(stderr, "%s\n", err.c_str());
          return 2;
        }
        for (const auto& file : out.files()) {
          if (!WriteFile(dir / absl::StrCat(stem, "-", file.name()), file.content(), &err)) {
            std::fprintf(stderr, "%s\n", err.c_str());
            return 2;
          }
        }
      }
      std::printf("report    %s\n", (dir / absl::StrCat(stem, ".html")).string().c_str());
    }
  }
  return rejected > 0 ? 1 : 0;
}

}  // namespace carestat
