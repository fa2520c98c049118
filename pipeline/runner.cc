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
#include "pipeline/inbox.h"
#include "services/common/dates.h"

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

  std::vector<std::string> problems;
  std::vector<InboxFile> files = ScanInbox(o.inbox, &problems);
  for (const auto& p : problems) std::fprintf(stderr, "inbox: %s\n", p.c_str());
  if (files.empty() && !problems.empty()) return 2;

  int rejected = 0;
  std::set<std::string> changed_las;
  for (const auto& f : files) {
    auto resp = UploadFile(*ing, f);
    if (!resp.ok()) {
      ++rejected;
      std::string msg(resp.status().message());
      std::fprintf(stderr, "REJECTED %s:\n  %s\n", f.name.c_str(), msg.c_str());
      std::string err;
      fs::path report = fs::path(o.out_dir) / "rejected" / (f.name + ".report.txt");
      if (!WriteFile(report, absl::StrCat(f.name, " was not stored.\n\n", msg, "\n"), &err))
        std::fprintf(stderr, "  %s\n", err.c_str());
      continue;
    }
    const char* what = resp->outcome() == v1::UNCHANGED  ? "unchanged"
                       : resp->outcome() == v1::REPLACED ? "replaced"
                                                         : "stored";
    std::printf("%-9s %s -> %s: %lld records, %d errors, %d queries\n", what, f.name.c_str(),
                resp->return_id().c_str(), static_cast<long long>(resp->records_stored()), resp->errors(),
                resp->queries());
    if (resp->outcome() != v1::UNCHANGED) changed_las.insert(f.la);
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
  for (const auto& la : changed_las) {
    grpc::ClientContext c;
    v1::RecomputeRequest req;
    req.set_la(la);
    v1::RecomputeResponse resp;
    grpc::Status s = met->Recompute(WithDeadline(&c, 600), req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "recompute of LA %s failed: %s\n", la.c_str(), s.error_message().c_str());
      return 2;
    }
    std::printf("recomputed LA %s: %lld records read, %lld points for %d years\n", la.c_str(),
                static_cast<long long>(resp.records_read()), static_cast<long long>(resp.points_written()),
                resp.periods_size());
  }
  for (const auto& [la, cy] : latest_year) {
    const std::string year = FormatPeriod(FinancialYear(cy - 1));
    v1::AnnualReport report;
    {
      grpc::ClientContext c;
      v1::BuildAnnualReportRequest req;
      req.set_la(la);
      req.set_year(year);
      grpc::Status s = rep->BuildAnnualReport(WithDeadline(&c, 60), req, &report);
      if (!s.ok()) {
        std::fprintf(stderr, "annual report for LA %s %s failed: %s\n", la.c_str(), year.c_str(),
                     s.error_message().c_str());
        return 2;
      }
    }
    fs::path dir = fs::path(o.out_dir) / la / year;
    for (v1::Format f : {v1::HTML, v1::MARKDOWN, v1::JSON, v1::CSV}) {
      grpc::ClientContext c;
      v1::RenderRequest req;
      *req.mutable_report() = report;
      req.set_format(f);
      v1::RenderResponse out;
      grpc::Status s = rep->Render(WithDeadline(&c, 60), req, &out);
      std::string err;
      if (!s.ok()) {
        std::fprintf(stderr, "render %s failed: %s\n", v1::Format_Name(f).c_str(), s.error_message().c_str());
        return 2;
      }
      fs::path path = dir / ("annual-report." + out.file_extension());
      if (!WriteFile(path, out.content(), &err)) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 2;
      }
    }
    std::printf("report    %s\n", (dir / "annual-report.html").string().c_str());
  }
  return rejected > 0 ? 1 : 0;
}

}  // namespace carestat
