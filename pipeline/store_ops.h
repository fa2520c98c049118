// File: store_ops.h
// The operator's commands on a data directory as a whole: `carestat init` (a store is
// created only on purpose), `carestat backup` and `carestat restore`.
//   auto lines = InitStores({.data = "/srv/carestat"});          // the layout of carestat run
//   auto b = BackupData("/var/lib/carestat", "/backup/2026-12-05");  // beside running servers
//   auto r = RestoreData("/backup/2026-12-05", "/var/lib/carestat-restored");
// A backup is a directory: each RocksDB store under the data directory as a RocksDB
// checkpoint (a consistent copy even while a server writes to it), every other file
// (hmac.key, ledger.jsonl, the pipeline's manifest, narratives) copied with its mode, and
// SHA256SUMS listing every file (sha256sum -c reads it). Restore copies it into a new
// directory, checks every file against SHA256SUMS and every store's checksums, and only
// then gives the directory its name.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace carestat {

// The stores `carestat run` and the read commands open under an embedded --data DIR
// (DIR/ingestion and DIR/metrics): FAILED_PRECONDITION naming DIR and what it lacks,
// with `how_to_create`, when one is missing. Creates nothing.
absl::Status RequireEmbeddedStores(const std::string& data_dir, const std::string& how_to_create);

struct InitRequest {
  std::string data;            // carestat run's --data: DIR/ingestion, DIR/metrics
  std::string ingestion_data;  // carestat-ingestion's --data
  std::string metrics_data;    // carestat-metrics' --data
  std::string reporting_data;  // carestat-reporting's --data (its narratives)
};
// Creates each store asked for that does not exist yet (a store that exists is left as
// it is, so init may be run again, e.g. by a package's postinst); one line per store
// saying which. An error when a directory cannot be made or a store not opened.
absl::StatusOr<std::vector<std::string>> InitStores(const InitRequest& request);

struct BackupResult {
  int stores = 0;  // RocksDB checkpoints taken
  int files = 0;   // files in the backup, stores' included
  int64_t bytes = 0;
};
// `dest` must not exist; it appears (renamed from DEST.partial) only once whole.
absl::StatusOr<BackupResult> BackupData(const std::string& data_dir, const std::string& dest);

// `data_dir` must not exist or be an empty directory: a restore never overwrites.
absl::StatusOr<BackupResult> RestoreData(const std::string& backup, const std::string& data_dir);

}  // namespace carestat
