#include "pipeline/runner.h"

#include <unistd.h>

#include <cctype>
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
#include "pipeline/ingest_step.h"
#include "services/common/dates.h"
#include "services/common/status.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

// One LA code a line; a missing file is an empty set.
std::set<std::string> ReadPending(const fs::path& path) {
  std::set<std::string> las;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) las.insert(line);
  }
  return las;
}

absl::Status WritePending(const std::string& state_dir, const fs::path& path, const std::set<std::string>& las) {
  if (las.empty()) {
    std::error_code ec;
    fs::remove(path, ec);
    return absl::OkStatus();
  }
  std::string content;
  for (const auto& la : las) content += la + "\n";
  return WriteFileUnder(state_dir, path.string(), content, true);
}

grpc::ClientContext* WithDeadline(grpc::ClientContext* c, int seconds) {
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return c;
}

// A file name the reporting service gave: one plain name ("annual-report-t1.csv"),
// never a path, so a report is written only where this run decides.
bool PlainFileName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

// Recomputes one LA, retrying while metrics is unavailable.
absl::Status Recompute(v1::Metrics::Stub& met, const std::string& la, const RunOptions& o) {
  v1::RecomputeRequest req;
  req.set_la(la);
  v1::RecomputeResponse resp;
  absl::Status s = WithRetry(
      [&] {
        grpc::ClientContext c;
        resp.Clear();
        return FromGrpc(met.Recompute(WithDeadline(&c, 600), req, &resp));
      },
      o.ingest.max_attempts, o.ingest.backoff_ms, "recompute of LA " + la);
  if (!s.ok()) return s;
  if (o.per_la) std::printf("recomputed LA %s: %lld records read, %lld points for %d years\n", la.c_str(),
              static_cast<long long>(resp.records_read()), static_cast<long long>(resp.points_written()),
              resp.periods_size());
  return absl::OkStatus();
}

// Sets `why` (empty when they agree) by comparing the returns ingestion holds for `la`
// with those metrics' last recompute of it read: id, generation and content.
absl::Status StaleFigures(v1::Metrics::Stub& met, const std::string& la, const v1::ListReturnsResponse& held,
                          const RunOptions& o, std::string* why) {
  std::map<std::string, std::string> want, got;
  auto key = [](const v1::ReturnInfo& r) { return absl::StrCat(r.generation(), " ", r.content_sha256()); };
  for (const auto& r : held.returns()) {
    if (r.la() == la) want[r.return_id()] = key(r);
  }
  v1::ListReturnsRequest req;
  req.set_la(la);
  v1::ListReturnsResponse resp;
  absl::Status s = WithRetry(
      [&] {
        grpc::ClientContext c;
        resp.Clear();
        return FromGrpc(met.ListReturns(WithDeadline(&c, 60), req, &resp));
      },
      o.ingest.max_attempts, o.ingest.backoff_ms, "metrics ListReturns for LA " + la);
  if (absl::IsNotFound(s)) {
    *why = "metrics holds no figures for it";
    return absl::OkStatus();
  }
  if (!s.ok()) return s;
  for (const auto& r : resp.returns()) got[r.return_id()] = key(r);
  why->clear();
  for (const auto& [id, k] : want) {
    auto it = got.find(id);
    if (it == got.end()) {
      *why = absl::StrCat("its figures were computed without ", id, ", which ingestion holds");
      return absl::OkStatus();
    }
    if (it->second != k) {
      *why = absl::StrCat("its figures were computed from another version of ", id, " than ingestion holds");
      return absl::OkStatus();
    }
  }
  for (const auto& [id, k] : got) {
    if (!want.count(id)) {
      *why = absl::StrCat("its figures were computed with ", id, ", which ingestion no longer holds");
      return absl::OkStatus();
    }
  }
  // The refused uploads the reports name: the same ones ingestion holds.
  std::map<std::string, std::string> refused_want, refused_got;
  auto refusal = [](const v1::RejectedReturn& r) { return absl::StrCat(r.rejected_unix_ms(), " ", r.content_sha256()); };
  for (const auto& r : held.rejected()) {
    if (r.la() == la) refused_want[r.return_id()] = refusal(r);
  }
  for (const auto& r : resp.rejected()) refused_got[r.return_id()] = refusal(r);
  if (refused_want != refused_got) {
    for (const auto& [id, k] : refused_want) {
      auto it = refused_got.find(id);
      if (it == refused_got.end() || it->second != k) {
        *why = absl::StrCat("an upload of ", id, " was refused since its reports were written");
        return absl::OkStatus();
      }
    }
    *why = "a refused upload its reports name has been stored since";
  }
  return absl::OkStatus();
}

// The council's narrative beside the year's returns (INBOX/<LA>/<collection year>/
// narrative.md), stored with reporting so the reports below carry it. A narrative that
// cannot be read or is refused (an unknown heading, raw HTML, ...) is reported by file
// and line; the reports are still written, with the narrative stored before, if any, and
// false says the run found a problem.
bool PutInboxNarrative(v1::Reporting::Stub& rep, const std::string& la, const std::string& year,
                       const RunOptions& o) {
  if (o.ingest.inbox.empty()) return true;
  std::string problem;
  auto start = ParseFinancialYear(year, &problem);
  if (!start) return true;
  const fs::path path = fs::path(o.ingest.inbox) / la / std::to_string(*start + 1) / kNarrativeFileName;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return true;
  auto fd = OpenRegularFile(path.string());
  if (!fd.ok()) {
    std::fprintf(stderr, "LA %s: %s: %s; the reports are written without it\n", la.c_str(),
                 SafeName(path.string()).c_str(), std::string(fd.status().message()).c_str());
    return false;
  }
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd->get(), buf, sizeof buf)) > 0 && text.size() <= (1 << 20);)
    text.append(buf, static_cast<size_t>(n));
  v1::PutNarrativeRequest req;
  req.set_la(la);
  req.set_year(year);
  req.set_text(text);
  req.set_file_name(absl::StrCat(la, "/", *start + 1, "/", kNarrativeFileName));
  v1::PutNarrativeResponse resp;
  grpc::ClientContext c;
  grpc::Status s = rep.PutNarrative(WithDeadline(&c, 120), req, &resp);
  if (!s.ok()) {
    std::fprintf(stderr, "LA %s: the narrative was not taken: %s; the reports are written with the one stored before, "
                 "if any\n", la.c_str(), s.error_message().c_str());
    return false;
  }
  if (o.per_la) std::printf("narrative %s (%d sections%s)\n", SafeName(path.string()).c_str(), resp.sections(),
              resp.stale_sentences() > 0 ? absl::StrCat(", ", resp.stale_sentences(), " stale sentences").c_str() : "");
  return true;
}

// Both reports of one LA's year, in every format but PDF (carestat report prints that
// with Chromium, which a run does not need), written beside each other under `dir`.
// A report metrics cannot build because the LA was never recomputed gets it recomputed
// once, then tried again.
absl::Status WriteReports(v1::Metrics::Stub& met, v1::Reporting::Stub& rep, const std::string& la,
                          const std::string& year, const RunOptions& o, bool* recomputed) {
  const fs::path dir = fs::path(o.out_dir) / la / year;
  v1::AnnualReport annual;
  v1::SelfAssessment assessment;
  for (int pass = 0;; ++pass) {
    absl::Status s;
    {
      v1::BuildAnnualReportRequest req;
      req.set_la(la);
      req.set_year(year);
      s = WithRetry([&] {
            grpc::ClientContext c;
            annual.Clear();
            return FromGrpc(rep.BuildAnnualReport(WithDeadline(&c, 120), req, &annual));
          }, o.ingest.max_attempts, o.ingest.backoff_ms, "annual report for LA " + la);
      if (!s.ok()) s = absl::Status(s.code(), absl::StrCat("annual report for LA ", la, " ", year, ": ", s.message()));
    }
    if (s.ok()) {
      v1::BuildSelfAssessmentRequest req;
      req.set_la(la);
      req.set_year(year);
      s = WithRetry([&] {
            grpc::ClientContext c;
            assessment.Clear();
            return FromGrpc(rep.BuildSelfAssessment(WithDeadline(&c, 120), req, &assessment));
          }, o.ingest.max_attempts, o.ingest.backoff_ms, "self-assessment for LA " + la);
      if (!s.ok()) s = absl::Status(s.code(), absl::StrCat("self-assessment for LA ", la, " ", year, ": ", s.message()));
    }
    if (s.ok()) break;
    if (pass > 0 || *recomputed || !absl::IsNotFound(s)) return s;
    // Metrics holds nothing for it (a run that stopped before recomputing, or returns put
    // in by another route): recompute it now and try once more.
    std::fprintf(stderr, "%s; recomputing LA %s\n", std::string(s.message()).c_str(), la.c_str());
    if (auto r = Recompute(met, la, o); !r.ok()) return r;
    *recomputed = true;
  }
  for (const char* stem : {"annual-report", "self-assessment"}) {
    const bool is_annual = std::string(stem) == "annual-report";
    // Word too: a council edits its report before Cabinet, and the DOCX takes about 150 ms
    // an annual report (its charts rasterised), little beside the run's recompute.
    for (v1::Format f : {v1::HTML, v1::MARKDOWN, v1::JSON, v1::CSV, v1::XLSX, v1::DOCX}) {
      v1::RenderRequest req;
      if (is_annual) *req.mutable_report() = annual;
      else *req.mutable_self_assessment() = assessment;
      req.set_format(f);
      v1::RenderResponse out;
      absl::Status s = WithRetry([&] {
            grpc::ClientContext c;
            out.Clear();
            return FromGrpc(rep.Render(WithDeadline(&c, 120), req, &out));
          }, o.ingest.max_attempts, o.ingest.backoff_ms, absl::StrCat("render ", stem, " for LA ", la));
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("render ", stem, " ", v1::Format_Name(f), " for LA ", la, ": ",
                                                   s.message()));
      }
      // The whole document (for CSV: every table in one long file), then a CSV per table.
      const std::string main_name = absl::StrCat(stem, ".", out.file_extension());
      if (!PlainFileName(main_name)) {
        return absl::InvalidArgumentError(absl::StrCat("reporting gave the file extension '",
                                                       SafeName(out.file_extension()), "' for LA ", la,
                                                       ": not a plain file name; nothing of it was written"));
      }
      if (auto w = WriteFileUnder(o.out_dir, (dir / main_name).string(), out.content(), false); !w.ok()) return w;
      for (const auto& file : out.files()) {
        const std::string name = absl::StrCat(stem, "-", file.name());
        if (!PlainFileName(file.name()) || !PlainFileName(name)) {
          return absl::InvalidArgumentError(absl::StrCat("reporting gave the file name '", SafeName(file.name()),
                                                         "' for LA ", la, ": not a plain file name; not written"));
        }
        if (auto w = WriteFileUnder(o.out_dir, (dir / name).string(), file.content(), false); !w.ok()) return w;
      }
    }
    if (o.per_la) std::printf("report    %s\n", (dir / absl::StrCat(stem, ".html")).string().c_str());
  }
  return absl::OkStatus();
}

}  // namespace

int RunPipeline(std::shared_ptr<grpc::Channel> ingestion, std::shared_ptr<grpc::Channel> metrics,
                std::shared_ptr<grpc::Channel> reporting, const RunOptions& o) {
  auto ing = v1::Ingestion::NewStub(ingestion);
  auto met = v1::Metrics::NewStub(metrics);
  auto rep = v1::Reporting::NewStub(reporting);

  const auto started = std::chrono::steady_clock::now();
  auto summary = IngestInbox(*ing, o.ingest);
  if (!summary.ok()) {
    std::fprintf(stderr, "ingest: %s\n", std::string(summary.status().message()).c_str());
    return 2;
  }
  int code = 0;
  if (summary->quarantined > 0 || summary->refused > 0 || summary->skipped > 0 || summary->deferred > 0 ||
      summary->missing > 0) {
    code = 1;
  }
  if (!summary->stopped.empty()) {
    // What was stored before the stop is still recomputed and reported below.
    std::fprintf(stderr, "ingest stopped: %s\n", summary->stopped.c_str());
    code = 2;
  }
  // LAs still to recompute are kept in the state directory until metrics has done them,
  // so a run that stops (metrics away past the retries, a crash) leaves them for the
  // next run, which would otherwise find every file known and recompute nothing.
  const fs::path pending_path = fs::path(o.ingest.state_dir) / "pending-recompute";
  std::set<std::string> pending = ReadPending(pending_path);
  for (const auto& [la, years] : summary->changed) pending.insert(la);
  if (auto w = WritePending(o.ingest.state_dir, pending_path, pending); !w.ok()) {
    std::fprintf(stderr, "%s\n", std::string(w.message()).c_str());
    return 2;
  }

  // Every LA with returns gets its latest year's report; changed LAs are recomputed
  // first (all their years: a return feeds the lookbacks of the years after it). Each LA
  // stands alone: one that fails is reported, kept pending for the next run, and the
  // others are still written.
  v1::ListReturnsResponse all;
  {
    absl::Status s = WithRetry(
        [&] {
          grpc::ClientContext c;
          all.Clear();
          return FromGrpc(ing->ListReturns(WithDeadline(&c, 120), v1::ListReturnsRequest(), &all));
        },
        o.ingest.max_attempts, o.ingest.backoff_ms, "ingestion ListReturns");
    if (!s.ok()) {
      std::fprintf(stderr, "ingestion ListReturns failed: %s\n", std::string(s.message()).c_str());
      return 2;
    }
  }
  std::map<std::string, int> latest_year;
  for (const auto& r : all.returns()) {
    latest_year[r.la()] = std::max(latest_year[r.la()], r.collection_year());
  }
  // Whatever this or an earlier run recorded, an LA whose figures metrics computed from
  // other returns than ingestion holds now is recomputed: a run killed between storing a
  // return and noting its LA, or a return stored by another route, never leaves figures
  // silently stale.
  for (const auto& [la, cy] : latest_year) {
    if (pending.count(la)) continue;
    std::string why;
    if (auto s = StaleFigures(*met, la, all, o, &why); !s.ok()) {
      std::fprintf(stderr, "LA %s: cannot ask metrics which returns its figures come from (%s); recomputing it\n",
                   la.c_str(), std::string(s.message()).c_str());
      why = "unknown";
    }
    if (why.empty()) continue;
    std::printf("stale     LA %s: %s; recomputing\n", la.c_str(), why.c_str());
    pending.insert(la);
  }
  if (auto w = WritePending(o.ingest.state_dir, pending_path, pending); !w.ok()) {
    std::fprintf(stderr, "%s\n", std::string(w.message()).c_str());
    return 2;
  }
  std::set<std::string> las = pending;
  for (const auto& [la, cy] : latest_year) las.insert(la);
  std::set<std::string> failed;
  bool metrics_away = false;
  int recomputed_las = 0, reported_las = 0, done_las = 0;
  // On a terminal (carestat run without --verbose) the per-LA phase updates one line too.
  const auto la_progress = [&] {
    if (!o.ingest.progress) return;
    std::fprintf(stderr, "\rrecompute and reports: %d/%zu LAs ", ++done_las, las.size());
    if (static_cast<size_t>(done_las) == las.size()) std::fprintf(stderr, "\n");
  };
  for (const auto& la : las) {
    // Counted however the iteration ends (the continues below).
    struct Tick {
      const decltype(la_progress)& f;
      ~Tick() { f(); }
    } tick{la_progress};
    bool recomputed = false;
    if (pending.count(la)) {
      if (metrics_away) {
        failed.insert(la);
        continue;
      }
      if (auto s = Recompute(*met, la, o); !s.ok()) {
        std::fprintf(stderr, "LA %s: %s; its reports were not written, and it is recomputed on the next run\n",
                     la.c_str(), std::string(s.message()).c_str());
        failed.insert(la);
        // Metrics unreachable past the retries: the other LAs would wait the same way.
        metrics_away = absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s);
        continue;
      }
      recomputed = true;
      ++recomputed_las;
      std::set<std::string> left = pending;
      left.erase(la);
      for (const auto& l : failed) left.insert(l);
      if (auto w = WritePending(o.ingest.state_dir, pending_path, left); !w.ok()) {
        std::fprintf(stderr, "%s\n", std::string(w.message()).c_str());
        return 2;
      }
      pending.erase(la);
    }
    auto cy = latest_year.find(la);
    if (cy == latest_year.end() || metrics_away) continue;
    const std::string year = FormatPeriod(FinancialYear(cy->second - 1));
    if (!PutInboxNarrative(*rep, la, year, o) && code == 0) code = 1;
    if (auto s = WriteReports(*met, *rep, la, year, o, &recomputed); !s.ok()) {
      std::fprintf(stderr, "LA %s: %s; its reports were not written, and it is recomputed on the next run\n",
                   la.c_str(), std::string(s.message()).c_str());
      failed.insert(la);
    } else {
      ++reported_las;
    }
  }
  if (metrics_away) {
    std::fprintf(stderr, "metrics could not be reached: no report was written this run; the LAs to recompute are "
                         "kept for the next run\n");
    code = 2;
  }
  if (!failed.empty()) {
    std::set<std::string> left = pending;
    left.insert(failed.begin(), failed.end());
    if (auto w = WritePending(o.ingest.state_dir, pending_path, left); !w.ok()) {
      std::fprintf(stderr, "%s\n", std::string(w.message()).c_str());
    }
    std::string names;
    for (const auto& la : failed) absl::StrAppend(&names, names.empty() ? "" : ", ", la);
    std::fprintf(stderr, "no reports written for LA %s (see above); the other LAs' reports were written\n",
                 names.c_str());
    code = 2;
  }
  if (o.summary) {
    const IngestSummary& s = *summary;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("summary: %d files (%d stored, %d unchanged, %d already held, %d rejected, %d not taken), %lld records, "
                "%lld errors, %lld queries; %d LAs recomputed, reports for %d LAs (%zu failed); %.1f s\n",
                s.found, s.ingested, s.unchanged, s.known, s.quarantined,
                s.refused + s.deferred + s.skipped + s.not_ready + s.missing, static_cast<long long>(s.records),
                static_cast<long long>(s.errors), static_cast<long long>(s.queries), recomputed_las, reported_las,
                failed.size(), secs);
  }
  return code;
}

}  // namespace carestat
