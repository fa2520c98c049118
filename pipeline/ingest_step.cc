#include "pipeline/ingest_step.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "pipeline/inbox.h"
#include "pipeline/manifest.h"
#include "services/ingestion/ingestor.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Retryable(const absl::Status& s) {
  return absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s);
}

// Complete: marked FILE.ready, or not modified within the settle interval.
bool Settled(const InboxFile& f, int settle_seconds) {
  std::error_code ec;
  if (fs::exists(f.path + ".ready", ec)) return true;
  if (settle_seconds <= 0) return true;
  auto mtime = fs::last_write_time(f.path, ec);
  if (ec) return false;
  auto age = fs::file_time_type::clock::now() - mtime;
  return age >= std::chrono::seconds(settle_seconds);
}

// Moves a file, across file systems if need be (copy, fsync by close, then remove).
absl::Status MoveFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::rename(from, to, ec);
  if (!ec) return absl::OkStatus();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot move ", from.string(), " to ", to.string(), ": ", ec.message()));
  fs::remove(from, ec);
  return absl::OkStatus();
}

absl::Status WriteText(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp.string()));
  }
  fs::rename(tmp, path, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot write ", path.string(), ": ", ec.message()));
  return absl::OkStatus();
}

// The report beside a quarantined file: JSON for systems, text for people.
absl::Status WriteQuarantineReport(const fs::path& base, const InboxFile& f, const std::string& sha,
                                   const absl::Status& why) {
  google::protobuf::Struct s;
  auto& m = *s.mutable_fields();
  m["file"].set_string_value(f.name);
  m["la"].set_string_value(f.la);
  m["collection_year"].set_number_value(f.collection_year);
  m["sha256"].set_string_value(sha);
  m["code"].set_string_value(absl::StatusCodeToString(why.code()));
  m["message"].set_string_value(std::string(why.message()));
  m["unix_ms"].set_number_value(static_cast<double>(NowMs()));
  std::string json;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(s, &json, opts);
  fs::path j = base, t = base;
  j += ".report.json";
  t += ".report.txt";
  if (auto st = WriteText(j, json); !st.ok()) return st;
  return WriteText(t, absl::StrCat(f.name, " (LA ", f.la, ", collection year ", f.collection_year,
                                   ") was not stored.\n\n", why.message(),
                                   "\n\nCorrect the export and put it in the inbox again.\n"));
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

absl::Status WithRetry(const std::function<absl::Status()>& call, int attempts, int backoff_ms,
                       const std::string& what) {
  std::mt19937_64 rng(std::random_device{}());
  absl::Status s;
  for (int i = 0; i < attempts; ++i) {
    s = call();
    if (!Retryable(s)) return s;
    if (i + 1 == attempts) break;
    const int64_t delay = static_cast<int64_t>(backoff_ms) << std::min(i, 10);
    const int64_t jitter = static_cast<int64_t>(rng() % static_cast<uint64_t>(delay / 2 + 1));
    std::fprintf(stderr, "%s: %s; retrying in %lld ms (attempt %d of %d)\n", what.c_str(),
                 std::string(s.message()).c_str(), static_cast<long long>(delay + jitter), i + 2, attempts);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay + jitter));
  }
  return absl::Status(s.code(), absl::StrCat(what, ": gave up after ", attempts, " attempts: ", s.message()));
}

absl::StatusOr<IngestSummary> IngestInbox(v1::Ingestion::Stub& stub, const IngestOptions& o) {
  std::vector<std::string> problems;
  std::vector<InboxFile> files = ScanInbox(o.inbox, &problems);
  for (const auto& p : problems) std::fprintf(stderr, "inbox: %s\n", p.c_str());
  if (!fs::is_directory(o.inbox)) return absl::NotFoundError(absl::StrCat("inbox ", o.inbox, " is not a folder"));
  auto manifest = Manifest::Open(o.state_dir + "/manifest.jsonl");
  if (!manifest.ok()) return manifest.status();

  IngestSummary sum;
  sum.found = static_cast<int>(files.size());
  std::vector<InboxFile> ready;
  int64_t total_bytes = 0;
  for (const auto& f : files) {
    if (!Settled(f, o.settle_seconds)) {
      ++sum.not_ready;
      std::fprintf(stderr, "waiting   %s: still being written (modified in the last %d s; add %s.ready when "
                           "complete)\n", f.name.c_str(), o.settle_seconds, fs::path(f.path).filename().c_str());
      continue;
    }
    std::error_code ec;
    total_bytes += static_cast<int64_t>(fs::file_size(f.path, ec));
    ready.push_back(f);
  }
  Progress progress(o.progress, total_bytes, static_cast<int>(ready.size()));
  for (const auto& f : ready) {
    int64_t bytes = 0;
    auto sha = Sha256File(f.path, &bytes);
    if (!sha.ok()) return sha.status();
    sum.bytes += bytes;
    const fs::path rel = fs::path(f.name);
    if (const ManifestEntry* seen = (*manifest)->Seen(*sha); seen && seen->outcome != "quarantined") {
      ++sum.known;
      if (!o.progress) std::printf("known     %s: this content was %s as %s\n", f.name.c_str(), seen->outcome.c_str(),
                                   seen->return_id.c_str());
      if (o.move_files) {
        if (auto s = MoveFile(f.path, fs::path(o.archive_dir) / rel); !s.ok()) return s;
      }
      progress.Done(bytes, 0);
      continue;
    }
    absl::StatusOr<v1::UploadResponse> resp;
    absl::Status s = WithRetry(
        [&]() -> absl::Status {
          resp = UploadFile(stub, f, o.deadline_seconds);
          return resp.ok() ? absl::OkStatus() : resp.status();
        },
        o.max_attempts, o.backoff_ms, "upload " + f.name);
    ManifestEntry entry{f.name, *sha, "", "", NowMs(), ""};
    if (!s.ok() && (Retryable(s) || absl::IsInternal(s) || absl::IsNotFound(s))) {
      // Ingestion is unreachable (or failed inside): leave this and later files for the next run.
      return absl::UnavailableError(absl::StrCat(s.message(), "; ", f.name, " and later files stay in the inbox"));
    }
    if (!s.ok()) {
      ++sum.quarantined;
      entry.outcome = "quarantined";
      entry.message = std::string(s.message());
      std::fprintf(stderr, "REJECTED  %s:\n  %s\n", f.name.c_str(), entry.message.c_str());
      const fs::path base = fs::path(o.quarantine_dir) / rel;
      if (auto w = WriteQuarantineReport(base, f, *sha, s); !w.ok()) return w;
      if (o.move_files) {
        if (auto m = MoveFile(f.path, base); !m.ok()) return m;
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
      if (!o.progress) {
        std::printf("%-9s %s -> %s: %lld records, %d errors, %d queries\n", entry.outcome.c_str(), f.name.c_str(),
                    resp->return_id().c_str(), static_cast<long long>(resp->records_stored()), resp->errors(),
                    resp->queries());
      }
      if (o.move_files) {
        if (auto m = MoveFile(f.path, fs::path(o.archive_dir) / rel); !m.ok()) return m;
      }
    }
    // After the move: a crash before this line re-sends the file, which ingestion
    // answers as unchanged, so nothing is counted twice.
    if (auto a = (*manifest)->Append(entry); !a.ok()) return a;
    progress.Done(bytes, resp.ok() ? resp->records_stored() : 0);
  }
  return sum;
}

absl::StatusOr<std::unique_ptr<RunLock>> RunLock::Acquire(const std::string& path, bool wait) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open lock ", path));
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
