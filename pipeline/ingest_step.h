// File: ingest_step.h
// The pipeline's ingest step, shared by `carestat run` and `carestat pipeline`: take
// the inbox files that are complete (regular files only, each read through one
// descriptor), skip those whose content is already the current version of their own
// return (LA, dataset, collection year) in ingestion, refuse a return that two files in
// one folder compete for, stream each other file to ingestion (retrying every transient
// status with backoff: a busy, restarting or full server never gets a file quarantined),
// record the outcome, archive or quarantine the file (0600 in 0700 folders) with a
// report beside it, and send again from the archive any return the store no longer
// holds as the manifest recorded it.
//   IngestOptions o;  o.inbox = "/srv/inbox";  o.state_dir = "/srv/state";  o.move_files = true;
//   auto summary = IngestInbox(*stub, o);
//   for (const auto& [la, years] : summary->changed) ... recompute la ...
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.grpc.pb.h"

namespace carestat {

struct IngestOptions {
  std::string inbox;
  std::string state_dir;       // manifest.jsonl lives here
  bool move_files = false;     // archive/quarantine the files themselves (else reports only)
  std::string archive_dir;     // required when move_files
  std::string quarantine_dir;  // reports of rejected files (and the files, when move_files)
  int settle_seconds = 0;      // a file modified more recently is not complete yet (unless FILE.ready)
  int max_attempts = 6;
  int deadline_seconds = 600;
  int backoff_ms = 200;        // first retry delay, doubled each time, with jitter
  bool progress = false;       // a progress bar on stderr (a terminal's)
  bool per_file = true;        // a line per file on stdout (carestat run: only with --verbose)
};

struct IngestSummary {
  int found = 0;
  int ingested = 0;       // stored or replaced
  int unchanged = 0;      // identical bytes already stored
  int known = 0;          // skipped: this content is already its return's current version
  int refused = 0;        // files left in the inbox because another file competes for their return
  int deferred = 0;       // files left in the inbox for a reason not their own (server busy or away)
  int skipped = 0;        // inbox entries that are not regular files (links, FIFOs, folders, devices)
  int resent = 0;         // returns the store had lost, sent again from the archive
  int missing = 0;        // returns the store had lost whose archived file is gone too
  int not_ready = 0;      // still being written
  int quarantined = 0;
  int checked_together = 0;  // LA-years whose SSDA903 CSV tables were checked together (stored or unchanged)
  int64_t bytes = 0;
  int64_t records = 0;
  int64_t errors = 0, queries = 0;  // rule issues of the files stored or unchanged
  // LA -> collection years to recompute: returns stored or replaced, and content
  // ingestion already held that the manifest did not know (a run stopped part way).
  std::map<std::string, std::set<int>> changed;
  // Why the step stopped before handling every file (ingestion away past the retries, a
  // local write failed); empty when it did not. What was not handled stays in the inbox.
  std::string stopped;
};

// A status that says the file itself is wrong (quarantine it): INVALID_ARGUMENT,
// OUT_OF_RANGE, or RESOURCE_EXHAUSTED for a file larger than the server accepts.
bool IsFileProblem(const absl::Status& s);
// A status that may pass if tried again: UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
// CANCELLED, UNKNOWN, INTERNAL, and RESOURCE_EXHAUSTED that is not a file too large.
bool IsTransient(const absl::Status& s);

// Retries `call` while it answers a transient status (IsTransient), up to `attempts`
// tries (at least 20 while the server answers RESOURCE_EXHAUSTED, i.e. is busy),
// sleeping backoff_ms x 2^n (at most 5 s, or 32 x backoff_ms) plus up to 50% jitter between them.
absl::Status WithRetry(const std::function<absl::Status()>& call, int attempts, int backoff_ms,
                       const std::string& what);

// Not OK only when the step could not start (inbox unreadable, manifest unwritable,
// ingestion's ListReturns unreachable after the retries). A step that stops part way
// says why in `stopped`, with what it did before in the summary.
absl::StatusOr<IngestSummary> IngestInbox(v1::Ingestion::Stub& stub, const IngestOptions& options);

// Holds an exclusive lock on `path` (flock) for the life of the object so two runs do
// not overlap. With wait=false a held lock is an error naming the holder's pid.
class RunLock {
 public:
  static absl::StatusOr<std::unique_ptr<RunLock>> Acquire(const std::string& path, bool wait);
  ~RunLock();

 private:
  int fd_ = -1;
};

}  // namespace carestat
