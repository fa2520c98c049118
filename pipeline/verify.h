// File: verify.h
// `carestat verify`: what an ingestion store holds, checked against what it should hold.
// Every return's records are read and counted by kind against its recorded summary
// (ReturnInfo.record_counts); the store's returns are compared with the acknowledgement
// ledger beside it (what the server told clients it stored) and, when given, with the
// pipeline's manifest (what the pipeline believes is stored). The result names each
// return that is missing, older than acknowledged or damaged, and the file to send again.
// The store is opened read-only, without its lock: it may run beside a running server,
// but returns stored while it runs may show as not yet in the ledger; stop ingestion for
// a definitive answer.
//   VerifyOptions o;
//   o.data_dir = "/var/lib/carestat/ingestion";
//   o.manifest = "/var/lib/carestat/pipeline/manifest.jsonl";
//   auto r = VerifyStore(o);   // r->problems empty: whole
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace carestat {

struct VerifyOptions {
  std::string data_dir;  // an ingestion data directory, or an embedded install's (DIR/ingestion)
  std::string manifest;  // the pipeline's manifest.jsonl; optional (an embedded install's is found)
};

struct VerifyProblem {
  std::string return_id;
  std::string problem;     // missing, older, damaged, lost-accepted
  std::string detail;      // what was expected and what is held
  std::string send_again;  // the file to send again, as the manifest or ledger names it
};

struct VerifyResult {
  std::string data_dir;        // the ingestion data directory checked
  std::string manifest;        // the manifest read, if any
  int returns_held = 0;
  int ledger_returns = 0;      // returns the ledger records
  int manifest_returns = 0;    // returns the manifest records as stored
  bool log_damaged = false;    // the write-ahead log is damaged: the store would not open
  std::string damage;          // RocksDB's words for it
  std::vector<VerifyProblem> problems;
  std::vector<std::string> notes;  // not problems: e.g. held but not yet in the ledger
};

// NOT_FOUND when there is no ingestion store in the directory; other errors when it
// cannot be read at all.
absl::StatusOr<VerifyResult> VerifyStore(const VerifyOptions& o);

}  // namespace carestat
