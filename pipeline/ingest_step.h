// File: ingest_step.h
// The pipeline's ingest step, shared by `carestat run` and `carestat pipeline`: take
// the inbox files that are complete, skip those whose content the manifest already
// holds, stream each to ingestion (retrying UNAVAILABLE and DEADLINE_EXCEEDED with
// backoff, never INVALID_ARGUMENT), record the outcome, and archive or quarantine the
// file with a report beside it.
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
  bool progress = false;       // a progress bar on stderr instead of a line per file
};

struct IngestSummary {
  int found = 0;
  int ingested = 0;       // stored or replaced
  int unchanged = 0;      // identical bytes already stored
  int known = 0;          // skipped: the manifest holds this content
  int not_ready = 0;      // still being written
  int quarantined = 0;
  int64_t bytes = 0;
  int64_t records = 0;
  // LA -> collection years to recompute: returns stored or replaced, and content
  // ingestion already held that the manifest did not know (a run stopped part way).
  std::map<std::string, std::set<int>> changed;
};

// Retries `call` while it answers UNAVAILABLE or DEADLINE_EXCEEDED, up to `attempts`
// tries, sleeping backoff_ms x 2^n plus up to 50% jitter between them.
absl::Status WithRetry(const std::function<absl::Status()>& call, int attempts, int backoff_ms,
                       const std::string& what);

// Not OK only when the step could not run (inbox unreadable, ingestion unreachable after
// the retries): files not yet handled stay in the inbox for the next run.
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
