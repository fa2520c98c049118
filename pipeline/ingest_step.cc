#include "pipeline/ingest_step.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "pipeline/inbox.h"
#include "services/common/status.h"
#include "pipeline/manifest.h"
#include "services/common/datasets.h"
#include "services/common/json.h"
#include "services/common/security.h"
#include "services/common/sha256.h"
#include "services/ingestion/check.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/validation/engine.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Complete: marked FILE.ready since it was last written, or not modified within the
// settle interval. A marker older than its file marked an earlier file of that name (one
// rewritten in place, as the embedded run leaves the inbox as it is): it counts for nothing.
bool Settled(const InboxFile& f, int settle_seconds) {
  std::error_code ec;
  auto mtime = fs::last_write_time(f.path, ec);
  if (ec) return false;
  std::error_code marker_ec;
  const auto marked = fs::last_write_time(f.path + ".ready", marker_ec);
  if (!marker_ec && marked >= mtime) return true;
  if (settle_seconds <= 0) return true;
  auto age = fs::file_time_type::clock::now() - mtime;
  return age >= std::chrono::seconds(settle_seconds);
}

// A file leaves the inbox (archived or quarantined) with its FILE.ready marker: a marker
// left behind would mark the next file of that name complete before it is written whole.
absl::Status MoveOutOfInbox(const std::string& root, const std::string& from, const std::string& to, int fd) {
  if (absl::Status s = MoveFileUnder(root, from, to, fd); !s.ok()) return s;
  std::error_code ec;
  if (!fs::remove(from + ".ready", ec) && ec) {   // none at all is the usual case
    std::fprintf(stderr, "WARNING   cannot remove %s.ready (%s): remove it, or the next file of that name is taken "
                 "as written whole at once\n", SafeName(from).c_str(), ec.message().c_str());
  }
  return absl::OkStatus();
}

// The report beside a quarantined file: JSON for systems, text for people.
absl::Status WriteQuarantineReport(const std::string& root, const fs::path& base, const InboxFile& f,
                                   const std::string& sha, const absl::Status& why) {
  const Json report = {{"file", SafeName(f.name)},
                       {"la", f.la},
                       {"collection_year", f.collection_year},
                       {"sha256", sha},
                       {"code", absl::StatusCodeToString(why.code())},
                       {"message", SafeName(why.message())},
                       {"unix_ms", NowMs()}};
  const std::string json = report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  fs::path j = base, t = base;
  j += ".report.json";
  t += ".report.txt";
  if (auto st = WriteFileUnder(root, j.string(), json, true); !st.ok()) return st;
  return WriteFileUnder(root, t.string(),
                        absl::StrCat(SafeName(f.name), " (LA ", f.la, ", collection year ", f.collection_year,
                                     ") was not stored.\n\n", SafeName(why.message()),
                                     "\n\nCorrect the export and put it in the inbox again.\n"),
                        true);
}

class Progress {
 public:
  Progress(bool on, int64_t total_bytes, int total_files) : on_(on), total_(total_bytes), files_(total_files) {}
  void Done(int64_t bytes, int64_t records) {
    done_bytes_ += bytes;
    records_ += records;
    ++done_files_;
    if (!on_) return;
    const double secs = std::max(1e-3, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    const double rate = done_bytes_ / secs;
    const double left = rate > 0 ? (total_ - done_bytes_) / rate : 0;
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done_bytes_ / total_) : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d files, %.1f MB, %.0f records/s, %.0f s left ",
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done_files_, files_,
                 done_bytes_ / 1e6, records_ / secs, left);
    if (done_files_ == files_) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  int64_t total_;
  int files_;
  int64_t done_bytes_ = 0, records_ = 0;
  int done_files_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

bool IsFileProblem(const absl::Status& s) {
  if (absl::IsInvalidArgument(s) || absl::IsOutOfRange(s)) return true;
  // A file above the server's --max-upload-bytes: it will never pass, however often sent.
  return absl::IsResourceExhausted(s) && absl::StrContains(s.message(), "larger than");
}

bool IsTransient(const absl::Status& s) {
  if (s.ok() || IsFileProblem(s)) return false;
  return absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s) || absl::IsResourceExhausted(s) ||
         absl::IsAborted(s) || absl::IsCancelled(s) || absl::IsUnknown(s) || absl::IsInternal(s);
}

absl::Status WithRetry(const std::function<absl::Status()>& call, int attempts, int backoff_ms,
                       const std::string& what) {
  constexpr int kBusyAttempts = 20;
  constexpr int64_t kMaxDelayMs = 5000;
  std::mt19937_64 rng(std::random_device{}());
  absl::Status s;
  int tries = 0;
  for (int i = 0;; ++i) {
    s = call();
    ++tries;
    if (!IsTransient(s)) return s;
    // A busy server (its per-principal or total upload limit) is waited for longer.
    const int limit = absl::IsResourceExhausted(s) ? std::max(attempts, kBusyAttempts) : attempts;
    if (tries >= limit) break;
    const int64_t cap = std::min<int64_t>(kMaxDelayMs, static_cast<int64_t>(backoff_ms) * 32);
    const int64_t delay = std::min<int64_t>(static_cast<int64_t>(backoff_ms) << std::min(i, 10), cap);
    const int64_t jitter = static_cast<int64_t>(rng() % static_cast<uint64_t>(delay / 2 + 1));
    std::fprintf(stderr, "%s: %s; retrying in %lld ms (attempt %d of %d)\n", what.c_str(),
                 SafeName(s.message()).c_str(), static_cast<long long>(delay + jitter), tries + 1, limit);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay + jitter));
  }
  return absl::Status(s.code(), absl::StrCat(what, ": gave up after ", tries, " attempts: ", s.message()));
}

namespace {

// Each return ingestion holds now, by return id.
absl::StatusOr<std::map<std::string, v1::ReturnInfo>> CurrentReturns(v1::Ingestion::Stub& stub,
                                                                   const IngestOptions& o) {
  v1::ListReturnsResponse all;
  absl::Status s = WithRetry(
      [&] {
        grpc::ClientContext c;
        c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
        all.Clear();
        return FromGrpc(stub.ListReturns(&c, v1::ListReturnsRequest(), &all));
      },
      o.max_attempts, o.backoff_ms, "ingestion ListReturns");
  if (!s.ok()) return s;
  std::map<std::string, v1::ReturnInfo> out;
  for (const auto& r : all.returns()) out[r.return_id()] = r;
  return out;
}

// A sink that keeps the issues a check finds (records are not wanted).
struct IssueSink : ParseSink {
  std::vector<v1::ValidationIssue> issues;
  bool unusable = false;
  void OnRecord(v1::Record, const std::string&) override {}
  void OnIssue(v1::ValidationIssue i, bool fatal) override {
    unusable = unusable || fatal;
    issues.push_back(std::move(i));
  }
};

std::string IssueKey(const v1::ValidationIssue& i) {
  return absl::StrCat(i.rule(), "\x1f", i.file(), "\x1f", i.line(), "\x1f", i.field(), "\x1f", i.child());
}

// An SSDA903 CSV table's current file, from the manifest: the archived or inbox copy.
struct TableFile {
  std::string return_id, path, name, sha;
  int year = 0;  // its collection year
};

// DfE's rules across an LA's SSDA903 CSV tables of one year (an episode against the
// child's header, OC3 against AD1) and against last year's tables (NoE, 559-562, ...):
// ingestion checks each uploaded table alone, so these are checked here, over the files
// the manifest says hold each table's current version, and what no table shows alone is
// stored with Ingestion.RecordChecks as the return <la>/<year>/checks-ssda903. Run for
// each LA-year whose stored check is not of the tables the manifest holds now.
// A failure is reported and left for the next run: it never stops the step.
void CheckTablesTogether(v1::Ingestion::Stub& stub, const IngestOptions& o, const Manifest& manifest,
                         const std::map<std::string, v1::ReturnInfo>& now, IngestSummary* sum) {
  const std::string from_dir = o.move_files ? o.archive_dir : o.inbox;
  std::map<std::pair<std::string, int>, std::vector<TableFile>> tables;  // (la, year)
  for (const auto& [rid, e] : manifest.Latest()) {
    std::string la, dataset;
    int year = 0;
    if (!ParseReturnId(rid, &la, &year, &dataset) || !absl::StartsWith(dataset, "ssda903-")) continue;
    tables[{la, year}].push_back({rid, (fs::path(from_dir) / e.file).string(), e.file, e.sha256, year});
  }
  for (auto& [key, files] : tables) {
    const auto& [la, year] = key;
    std::sort(files.begin(), files.end(), [](const TableFile& a, const TableFile& b) { return a.name < b.name; });
    auto last = tables.find({la, year - 1});
    std::vector<TableFile> previous;
    if (last != tables.end()) previous = last->second;
    // Earlier years' episodes, for the rules on a care leaver's whole history (1000-1002:
    // DfE's own check sees every year; two years alone flag each care leaver who left
    // care before last year).
    std::vector<TableFile> history;
    for (const auto& [k, earlier] : tables) {
      if (k.first != la || k.second >= year - 1) continue;
      for (const TableFile& t : earlier) {
        if (absl::EndsWith(t.return_id, "/ssda903-episodes")) history.push_back(t);
      }
    }
    // What the check reads, by the manifest's hashes (and the rules' count, so that a
    // carestat with more rules checks again): when the stored check is of exactly this,
    // nothing is done. Anything else (a table changed here or in an earlier year, a check
    // never stored, one a failed run or a re-key left out) is checked now.
    std::string fingerprint = absl::StrCat("carestat checks-ssda903 v1, rules ", validation::EngineRules().size(), "\n");
    for (const std::vector<TableFile>* set : {&files, &previous, &history}) {
      for (const TableFile& t : *set) {
        absl::StrAppend(&fingerprint, set == &files ? "this " : set == &previous ? "last " : "earlier ", t.return_id,
                        " ", t.sha, "\n");
      }
    }
    const std::string content_sha = Sha256Hex(fingerprint);
    const auto stored = now.find(ReturnId(la, year, kDatasetSsda903Checks));
    if (stored != now.end() && stored->second.content_sha256() == content_sha) continue;
    // The files must still hold what was stored: else say so and check next time.
    bool whole = true;
    for (const std::vector<TableFile>* set : {&files, &previous, &history}) {
      for (const TableFile& t : *set) {
        int64_t bytes = 0;
        auto sha = Sha256File(t.path, &bytes);
        if (!sha.ok() || *sha != t.sha) {
          std::fprintf(stderr, "NOTE      %s/%d: SSDA903 tables not checked together: %s %s; next run\n", la.c_str(),
                       year, SafeName(t.path).c_str(), sha.ok() ? "now holds other content" : "is gone");
          whole = false;
          break;
        }
      }
      if (!whole) break;
    }
    if (!whole) continue;
    // The tables together (and last year's, as the rules name them: Episodes_last, ...).
    validation::RowCollector rows;
    CheckOptions together;
    together.ssda903_rows = &rows;
    bool readable = true;
    for (const TableFile& t : files) {
      IssueSink quiet;
      auto r = CheckFile(t.path, t.name, la, year, &quiet, together);
      readable = readable && r.ok() && !r->fatal;
    }
    rows.SetTableSuffix("_last");
    for (const TableFile& t : previous) {
      IssueSink quiet;
      auto r = CheckFile(t.path, t.name, la, year - 1, &quiet, together);
      readable = readable && r.ok() && !r->fatal;
    }
    rows.SetTableSuffix("_history");
    for (const TableFile& t : history) {
      IssueSink quiet;
      auto r = CheckFile(t.path, t.name, la, t.year, &quiet, together);
      readable = readable && r.ok() && !r->fatal;
    }
    rows.SetTableSuffix("");
    if (!readable) {
      std::fprintf(stderr, "NOTE      %s/%d: SSDA903 tables not checked together: a table could not be read whole\n",
                   la.c_str(), year);
      continue;
    }
    IssueSink found;
    rows.Run(found, year, la);
    // What each table shows alone is stored with it already: only the rest is kept.
    std::set<std::string> alone;
    for (const TableFile& t : files) {
      IssueSink own;
      CheckOptions o1;
      o1.max_kept_issues = 0;
      if (CheckFile(t.path, t.name, la, year, &own, o1).ok()) {
        for (const auto& i : own.issues) alone.insert(IssueKey(i));
      }
    }
    v1::RecordChecksRequest req;
    req.set_la(la);
    req.set_collection_year(year);
    std::vector<std::string> names;
    for (const TableFile& t : files) names.push_back(fs::path(t.name).filename().string());
    req.set_description(absl::StrCat(
        "SSDA903 tables checked together: ", absl::StrJoin(names, ", "),
        previous.empty() ? " (no table of last year stored)"
                         : absl::StrCat(" with last year's ", previous.size(), previous.size() == 1 ? " table" : " tables"),
        history.empty() ? ""
                        : absl::StrCat(" and the episodes of ", history.size(),
                                       history.size() == 1 ? " earlier year" : " earlier years")));
    req.set_content_sha256(content_sha);
    req.set_children(static_cast<int64_t>(rows.children()));
    std::map<std::pair<std::string, std::string>, v1::RuleTally> tallies;
    int64_t kept = 0, total = 0;
    for (auto& i : found.issues) {
      if (alone.count(IssueKey(i))) continue;
      ++total;
      v1::RuleTally& t = tallies[{i.severity() == v1::ERROR ? "error" : "query", i.rule()}];
      if (t.count() == 0) {
        t.set_rule(i.rule());
        t.set_severity(i.severity() == v1::ERROR ? "error" : "query");
        t.set_message(i.child().empty() ? i.message()
                                        : absl::StrCat(i.rule(), " at line ", i.line(), ", field ", i.field()));
      }
      t.set_count(t.count() + 1);
      if (kept < static_cast<int64_t>(kMaxIssues)) {
        *req.add_issues() = std::move(i);
        ++kept;
      }
    }
    if (total > kept) {
      for (auto& [k, t] : tallies) *req.add_rule_tallies() = t;
    }
    v1::UploadResponse resp;
    absl::Status s = WithRetry(
        [&] {
          grpc::ClientContext c;
          c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(o.deadline_seconds));
          resp.Clear();
          return FromGrpc(stub.RecordChecks(&c, req, &resp));
        },
        o.max_attempts, o.backoff_ms, absl::StrCat("ingestion RecordChecks ", la, "/", year));
    if (!s.ok()) {
      std::fprintf(stderr, "NOTE      %s/%d: SSDA903 tables checked together, but not stored: %s; next run\n",
                   la.c_str(), year, SafeName(s.message()).c_str());
      continue;
    }
    ++sum->checked_together;
    if (!o.per_file) continue;
    std::printf("%-9s %s: SSDA903 tables checked together: %lld issues no table shows alone (%d errors, %d queries)\n",
                resp.outcome() == v1::UNCHANGED ? "unchanged" : "checked", resp.return_id().c_str(),
                static_cast<long long>(total), resp.errors(), resp.queries());
  }
}

// Do two datasets of one LA and year hold the same records? The same dataset, or a
// whole return and one of its parts: the Annex A workbook ("annex-a") and a list of it
// ("annex-a-list-N"), the SSDA903 XML ("ssda903") and one of its tables ("ssda903-T").
bool DatasetsOverlap(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto whole_and_part = [](const std::string& whole, const std::string& part) {
    return (whole == "annex-a" && absl::StartsWith(part, "annex-a-list-")) ||
           (whole == "ssda903" && absl::StartsWith(part, "ssda903-"));
  };
  return whole_and_part(a, b) || whole_and_part(b, a);
}

struct ReadyFile {
  InboxFile f;
  Fd fd;               // open only while this file is handled (an inbox may hold thousands)
  struct stat seen {};  // the file as first read: the one handled must be the same
  std::string sha;
  int64_t bytes = 0;
  std::string dataset;  // empty: not recognised (ingestion will say why)
  std::string return_id() const {
    return dataset.empty() ? std::string() : absl::StrCat(f.la, "/", f.collection_year, "/", dataset);
  }
};

}  // namespace

absl::StatusOr<IngestSummary> IngestInbox(v1::Ingestion::Stub& stub, const IngestOptions& o) {
  std::vector<std::string> problems, skipped;
  std::vector<InboxFile> files = ScanInbox(o.inbox, &problems, &skipped);
  for (const auto& p : problems) std::fprintf(stderr, "inbox: %s\n", p.c_str());
  for (const auto& p : skipped) std::fprintf(stderr, "SKIPPED   %s\n", p.c_str());
  if (!fs::is_directory(o.inbox)) return absl::NotFoundError(absl::StrCat("inbox ", o.inbox, " is not a folder"));
  auto manifest = Manifest::Open(o.state_dir + "/manifest.jsonl");
  if (!manifest.ok()) return manifest.status();
  // What is stored now decides what is known: a file is skipped only when its content is
  // the current version of its own return (not merely content seen before).
  auto current = CurrentReturns(stub, o);
  if (!current.ok()) {
    return absl::Status(current.status().code(),
                        absl::StrCat(current.status().message(), "; every file stays in the inbox"));
  }

  IngestSummary sum;
  sum.found = static_cast<int>(files.size());
  sum.skipped = static_cast<int>(skipped.size());
  std::vector<ReadyFile> ready;
  int64_t total_bytes = 0;
  for (const auto& f : files) {
    if (!Settled(f, o.settle_seconds)) {
      ++sum.not_ready;
      std::fprintf(stderr, "waiting   %s: still being written (modified in the last %d s; add %s.ready when "
                           "complete)\n", SafeName(f.name).c_str(), o.settle_seconds,
                   SafeName(fs::path(f.path).filename().string()).c_str());
      continue;
    }
    // One descriptor for the check, the hash, the upload and the move: the entry cannot
    // be swapped for a link between them.
    auto fd = OpenRegularFile(f.path);
    if (!fd.ok()) {
      // Not a regular file (swapped since the scan): skipped. Unreadable (permissions,
      // too many open files): kept for the next run.
      const bool not_regular = absl::IsFailedPrecondition(fd.status());
      ++(not_regular ? sum.skipped : sum.deferred);
      std::fprintf(stderr, "%s %s: %s%s\n", not_regular ? "SKIPPED  " : "KEPT     ", SafeName(f.name).c_str(),
                   SafeName(fd.status().message()).c_str(), not_regular ? "" : "; it stays in the inbox");
      continue;
    }
    ReadyFile r{f, std::move(*fd), {}, "", 0, ""};
    ::fstat(r.fd.get(), &r.seen);
    auto sha = Sha256Fd(r.fd.get(), &r.bytes);
    if (!sha.ok()) {
      ++sum.deferred;
      std::fprintf(stderr, "KEPT      %s: %s; it stays in the inbox\n", SafeName(f.name).c_str(),
                   SafeName(sha.status().message()).c_str());
      continue;
    }
    r.sha = *sha;
    r.dataset = DatasetOfFd(r.fd.get());
    r.fd = Fd();
    total_bytes += r.bytes;
    ready.push_back(std::move(r));
  }

  // Two files in one folder for one return (a final and a draft), or for the same
  // records in two forms (an Annex A workbook and a list of it as CSV, an SSDA903 XML and
  // one of its tables as CSV): which is right is not ours to guess, so none of them is
  // sent, all stay in the inbox, and the run says so.
  std::vector<bool> refused(ready.size(), false);
  {
    std::map<std::pair<std::string, int>, std::vector<size_t>> by_folder;
    for (size_t i = 0; i < ready.size(); ++i) {
      if (!ready[i].dataset.empty()) by_folder[{ready[i].f.la, ready[i].f.collection_year}].push_back(i);
    }
    for (const auto& [folder, idx] : by_folder) {
      // Files that compete, grouped: each group is closed under "holds the same records".
      std::vector<int> group(idx.size(), -1);
      int groups = 0;
      for (size_t a = 0; a < idx.size(); ++a) {
        for (size_t b = a + 1; b < idx.size(); ++b) {
          if (!DatasetsOverlap(ready[idx[a]].dataset, ready[idx[b]].dataset)) continue;
          if (group[a] < 0 && group[b] < 0) {
            group[a] = group[b] = groups++;
          } else if (group[b] < 0) {
            group[b] = group[a];
          } else if (group[a] < 0) {
            group[a] = group[b];
          } else if (group[a] != group[b]) {
            const int from = group[b];
            for (int& g : group) g = g == from ? group[a] : g;
          }
        }
      }
      std::map<int, std::vector<size_t>> members;
      for (size_t k = 0; k < idx.size(); ++k) {
        if (group[k] >= 0) members[group[k]].push_back(idx[k]);
      }
      for (const auto& [g, files] : members) {
        std::string names;
        bool one_dataset = true;
        for (size_t k = 0; k < files.size(); ++k) {
          refused[files[k]] = true;
          one_dataset = one_dataset && ready[files[k]].dataset == ready[files[0]].dataset;
          absl::StrAppend(&names, k == 0 ? "" : (k + 1 == files.size() ? " and " : ", "),
                          SafeName(ready[files[k]].f.name));
        }
        sum.refused += static_cast<int>(files.size());
        const ReadyFile& any = ready[files[0]];
        if (one_dataset) {
          std::fprintf(stderr,
                       "REFUSED   %s: %s are each the %s return for LA %s, collection year %d; neither was stored. "
                       "Leave only the right one in the inbox (the others stay there untouched).\n",
                       any.return_id().c_str(), names.c_str(), any.dataset.c_str(), any.f.la.c_str(),
                       any.f.collection_year);
        } else {
          std::string datasets;
          for (size_t k = 0; k < files.size(); ++k) {
            absl::StrAppend(&datasets, k == 0 ? "" : ", ", SafeName(ready[files[k]].f.name), " is ",
                            ready[files[k]].dataset);
          }
          std::fprintf(stderr,
                       "REFUSED   %s/%d: %s hold the same records for LA %s, collection year %d, in two forms (%s); "
                       "none was stored. Leave either the whole return or its separate tables in the inbox, "
                       "not both (the others stay there untouched).\n",
                       any.f.la.c_str(), any.f.collection_year, names.c_str(), any.f.la.c_str(),
                       any.f.collection_year, datasets.c_str());
        }
      }
    }
  }

  Progress progress(o.progress, total_bytes, static_cast<int>(ready.size()));
  auto stop = [&](const std::string& why, size_t from) {
    size_t left = 0;
    for (size_t k = from; k < ready.size(); ++k) left += !refused[k];
    sum.deferred += static_cast<int>(left);
    sum.stopped = absl::StrCat(why, "; ", left, left == 1 ? " file stays" : " files stay",
                               " in the inbox for the next run");
  };
  // A folder this run refuses to write into (a link, not under its root) concerns that
  // path alone: the file stays in the inbox, said why, and the others go on. Anything
  // else (a full disk) stops the step.
  auto kept_here = [&](const absl::Status& s, const std::string& shown) {
    if (!absl::IsInvalidArgument(s) && !absl::IsFailedPrecondition(s)) return false;
    ++sum.deferred;
    std::fprintf(stderr, "KEPT      %s: %s; the file stays in the inbox\n", shown.c_str(),
                 SafeName(s.message()).c_str());
    return true;
  };
  for (size_t i = 0; i < ready.size() && sum.stopped.empty(); ++i) {
    if (refused[i]) continue;
    ReadyFile& r = ready[i];
    struct CloseAfter {
      Fd& fd;
      ~CloseAfter() { fd = Fd(); }
    } close_after{r.fd};
    const InboxFile& f = r.f;
    const std::string shown = SafeName(f.name);
    const fs::path rel = fs::path(f.name);
    // Opened again (never through a link) and checked to be the very file hashed above;
    // from here the upload and the move use this one descriptor.
    {
      auto fd = OpenRegularFile(f.path);
      struct stat now {};
      if (fd.ok() && ::fstat(fd->get(), &now) == 0 && now.st_dev == r.seen.st_dev && now.st_ino == r.seen.st_ino &&
          now.st_size == r.seen.st_size && now.st_mtim.tv_sec == r.seen.st_mtim.tv_sec &&
          now.st_mtim.tv_nsec == r.seen.st_mtim.tv_nsec) {
        r.fd = std::move(*fd);
      } else {
        ++sum.deferred;
        std::fprintf(stderr, "KEPT      %s: %s; it is taken on the next run\n", shown.c_str(),
                     fd.ok() ? "changed while this run was reading the inbox" : SafeName(fd.status().message()).c_str());
        continue;
      }
    }
    sum.bytes += r.bytes;
    const std::string rid = r.return_id();
    if (auto it = current->find(rid); !rid.empty() && it != current->end() && it->second.content_sha256() == r.sha) {
      ++sum.known;
      if (o.per_file) std::printf("known     %s: already the current version of %s\n", shown.c_str(), rid.c_str());
      if (o.move_files) {
        if (auto s = MoveOutOfInbox(o.archive_dir, f.path, (fs::path(o.archive_dir) / rel).string(), r.fd.get());
            !s.ok() && !kept_here(s, shown)) {
          stop(std::string(s.message()), i);
          break;
        }
      }
      // The manifest did not have it as its return's latest: a run stopped after the
      // upload, perhaps before recomputing. Record it, and recompute (no harm if done).
      const auto& latest = (*manifest)->Latest();
      if (auto l = latest.find(rid); l == latest.end() || l->second.sha256 != r.sha) {
        if (auto a = (*manifest)->Append({f.name, r.sha, rid, "known", NowMs(), ""}); !a.ok()) {
          stop(std::string(a.message()), i + 1);
          break;
        }
        sum.changed[f.la].insert(f.collection_year);
      }
      progress.Done(r.bytes, 0);
      continue;
    }
    absl::StatusOr<v1::UploadResponse> resp;
    absl::Status s = WithRetry(
        [&]() -> absl::Status {
          resp = UploadFile(stub, f, o.deadline_seconds, r.fd.get());
          return resp.ok() ? absl::OkStatus() : resp.status();
        },
        o.max_attempts, o.backoff_ms, "upload " + shown);
    ManifestEntry entry{f.name, r.sha, "", "", NowMs(), ""};
    if (!s.ok() && !IsFileProblem(s)) {
      // Not the file's fault (server busy, away, out of disk; a token refused; a local
      // read failed): the file stays in the inbox, and the reason is said.
      std::fprintf(stderr, "KEPT      %s: %s; the file stays in the inbox for the next run\n", shown.c_str(),
                   SafeName(s.message()).c_str());
      if (absl::IsDataLoss(s)) {
        ++sum.deferred;
        progress.Done(r.bytes, 0);
        continue;
      }
      stop(absl::StrCat("ingestion did not take ", shown, ": ", SafeName(s.message())), i);
      break;
    }
    if (!s.ok()) {
      ++sum.quarantined;
      entry.outcome = "quarantined";
      entry.message = std::string(s.message());
      std::fprintf(stderr, "REJECTED  %s:\n  %s\n", shown.c_str(), SafeName(entry.message).c_str());
      const fs::path base = fs::path(o.quarantine_dir) / rel;
      absl::Status w = WriteQuarantineReport(o.quarantine_dir, base, f, r.sha, s);
      if (w.ok() && o.move_files) w = MoveOutOfInbox(o.quarantine_dir, f.path, base.string(), r.fd.get());
      if (!w.ok() && !kept_here(w, shown)) {
        stop(std::string(w.message()), i + 1);
        break;
      }
    } else {
      entry.return_id = resp->return_id();
      entry.outcome = resp->outcome() == v1::UNCHANGED  ? "unchanged"
                      : resp->outcome() == v1::REPLACED ? "replaced"
                                                        : "stored";
      if (resp->outcome() == v1::UNCHANGED) {
        ++sum.unchanged;
      } else {
        ++sum.ingested;
      }
      // Unchanged content the manifest did not know was stored by a run that stopped
      // before recording it, perhaps before recomputing: recompute it (no harm if done).
      sum.changed[f.la].insert(f.collection_year);
      sum.records += resp->records_stored();
      sum.errors += resp->errors();
      sum.queries += resp->queries();
      if (o.per_file) {
        std::printf("%-9s %s -> %s: %lld records, %d errors, %d queries\n", entry.outcome.c_str(), shown.c_str(),
                    resp->return_id().c_str(), static_cast<long long>(resp->records_stored()), resp->errors(),
                    resp->queries());
      }
      if (o.move_files) {
        if (auto m = MoveOutOfInbox(o.archive_dir, f.path, (fs::path(o.archive_dir) / rel).string(), r.fd.get());
            !m.ok() && !kept_here(m, shown)) {
          // Stored but not moved: the next run finds it current and moves it then.
          stop(std::string(m.message()), i + 1);
          break;
        }
      }
    }
    // After the move: a crash before this line re-sends the file, which ingestion
    // answers as unchanged, so nothing is counted twice.
    if (auto a = (*manifest)->Append(entry); !a.ok()) {
      stop(std::string(a.message()), i + 1);
      break;
    }
    progress.Done(r.bytes, resp.ok() ? resp->records_stored() : 0);
  }
  if (!sum.stopped.empty()) return sum;

  // Every return whose latest version the manifest recorded must still be the store's
  // current one. One the store lost (or holds only an older version of, e.g. after a
  // damaged log) is sent again from its archived file; a later upload from elsewhere
  // (the store's copy is newer than the manifest's entry) is left as it is.
  auto now = CurrentReturns(stub, o);
  if (!now.ok()) {
    sum.stopped = absl::StrCat("cannot check that the store still holds every return: ", now.status().message());
    return sum;
  }
  std::vector<ManifestEntry> latest;
  for (const auto& [rid, e] : (*manifest)->Latest()) latest.push_back(e);
  const std::string from_dir = o.move_files ? o.archive_dir : o.inbox;
  for (const ManifestEntry& e : latest) {
    auto it = now->find(e.return_id);
    if (it != now->end() && it->second.content_sha256() == e.sha256) continue;
    if (it != now->end() && it->second.uploaded_unix_ms() > e.unix_ms) continue;
    std::vector<std::string> parts = absl::StrSplit(e.return_id, '/');
    int year = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &year)) continue;
    const std::string held = it == now->end() ? "does not hold it at all" : "holds an older version";
    const std::string src = (fs::path(from_dir) / e.file).string();
    auto fd = OpenRegularFile(src);
    int64_t bytes = 0;
    absl::StatusOr<std::string> sha = fd.ok() ? Sha256Fd(fd->get(), &bytes) : absl::StatusOr<std::string>(fd.status());
    if (!sha.ok() || *sha != e.sha256) {
      ++sum.missing;
      std::fprintf(stderr,
                   "MISSING   %s: the store %s, but the pipeline stored %s (sha256 %s) as its latest version, and "
                   "%s %s. Put %s back in the inbox folder %s/%d/ to restore it.\n",
                   e.return_id.c_str(), held.c_str(), SafeName(e.file).c_str(), e.sha256.substr(0, 12).c_str(),
                   SafeName(src).c_str(), sha.ok() ? "now holds other content" : "is gone",
                   SafeName(fs::path(e.file).filename().string()).c_str(), parts[0].c_str(), year);
      continue;
    }
    InboxFile f{parts[0], year, src, e.file};
    absl::StatusOr<v1::UploadResponse> resp;
    absl::Status s = WithRetry(
        [&]() -> absl::Status {
          resp = UploadFile(stub, f, o.deadline_seconds, fd->get());
          return resp.ok() ? absl::OkStatus() : resp.status();
        },
        o.max_attempts, o.backoff_ms, "re-send " + SafeName(e.file));
    if (!s.ok()) {
      ++sum.missing;
      std::fprintf(stderr, "MISSING   %s: the store %s, and sending %s again failed: %s\n", e.return_id.c_str(),
                   held.c_str(), SafeName(src).c_str(), SafeName(s.message()).c_str());
      if (!IsFileProblem(s)) {
        sum.stopped = absl::StrCat("ingestion did not take ", SafeName(src), " again: ", SafeName(s.message()));
        return sum;
      }
      continue;
    }
    ++sum.resent;
    sum.changed[f.la].insert(year);
    std::printf("resent    %s -> %s: the store %s; sent again from %s (%lld records)\n", SafeName(e.file).c_str(),
                resp->return_id().c_str(), held.c_str(), SafeName(src).c_str(),
                static_cast<long long>(resp->records_stored()));
    if (auto a = (*manifest)->Append({e.file, e.sha256, resp->return_id(), "resent", NowMs(), ""}); !a.ok()) {
      sum.stopped = std::string(a.message());
      return sum;
    }
  }
  CheckTablesTogether(stub, o, **manifest, *now, &sum);
  return sum;
}

absl::StatusOr<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& path, bool wait) {
  const std::string dir = fs::path(path).parent_path().string();
  if (auto s = MakeDirsUnder(dir, dir, true); !s.ok()) return s;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open lock ", path, ": ", std::strerror(errno)));
  ::fchmod(fd, 0600);
  if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    return absl::FailedPreconditionError(absl::StrCat("another run holds ", path,
                                                      n > 0 ? absl::StrCat(" (pid ", std::string(buf, n), ")") : "",
                                                      ": it must finish first"));
  }
  std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; only the message would lack it.
  }
  auto lock = std::unique_ptr<RunLock>(new RunLock());
  lock->fd_ = fd;
  return lock;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace carestat
