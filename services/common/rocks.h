// File: rocks.h
// Opens a service's RocksDB with one column family per kind of data; column family
// options are set here and nowhere else.
//   auto db = OpenStore(dir, {"records", "returns", "issues"});
//   if (!db.ok()) return db.status();
//   (*db)->Put("returns", key, value);
// A store opens only whole: a write-ahead log damaged before its last record fails the
// open (DATA_LOSS) instead of dropping, in silence, everything written after the damage;
// a torn last record (a crash or power cut mid-write) is the only thing tolerated. A
// directory held by another process is FAILED_PRECONDITION naming that process; a full
// or failing disk is UNAVAILABLE (retryable), and Resume() clears RocksDB's stopped
// state once writes work again.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace carestat {

struct StoreOpenOptions {
  // Opens without the lock and without writing (beside a running server, or to look at
  // a damaged store).
  bool read_only = false;
  // Replays the write-ahead log only up to the first damaged record and drops the rest:
  // for an operator who has accepted that loss (ingestion's --accept-loss) or to see
  // what would survive (carestat verify). Never the default.
  bool point_in_time_recovery = false;
};

class Store {
 public:
  ~Store();
  rocksdb::DB* db() const { return db_; }
  const std::string& dir() const { return dir_; }
  // REQUIRES: name is one of the column families the store was opened with, or "default".
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) const;

  absl::Status Put(const std::string& cf, const std::string& key, const std::string& value);
  // NotFound when the key is absent.
  absl::StatusOr<std::string> Get(const std::string& cf, const std::string& key) const;
  // Applies the batch atomically and durably (fsync of the WAL).
  absl::Status Write(rocksdb::WriteBatch* batch);
  std::unique_ptr<rocksdb::Iterator> NewIterator(const std::string& cf) const;
  // After a write failed (disk full), RocksDB refuses every write until resumed: this
  // resumes it (OK at once when nothing is wrong; the error while the disk is still full).
  absl::Status Resume();

 private:
  friend absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string&,
                                                          const std::vector<std::string>&,
                                                          const StoreOpenOptions&);
  rocksdb::DB* db_ = nullptr;
  std::string dir_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

// Creates the directory (mode 0700) and the column families when missing.
// DATA_LOSS when the store is damaged (a write-ahead log damaged in the middle, a
// corrupt table): the message names the directory and the damage.
// FAILED_PRECONDITION when another process holds it ("DIR is in use by ... (pid N)").
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                 const std::vector<std::string>& column_families,
                                                 const StoreOpenOptions& options = {});

// A RocksDB status as an absl one: NotFound; a full or failing disk UNAVAILABLE (nothing
// was written, retry later); corruption DATA_LOSS; anything else INTERNAL.
absl::Status FromRocks(const rocksdb::Status& s, const std::string& what);

// Whether `dir` holds a RocksDB store (its CURRENT file).
bool HoldsStore(const std::string& dir);
// A store is created only on purpose: an operator's --data that does not exist, or holds
// no store, is a typo or an unmounted disk more often than a first start, and opening it
// would start an empty store (and, for ingestion, a new pseudonymisation key). OK when
// `store_dir` (the store under `data_dir`) holds one; otherwise FAILED_PRECONDITION naming
// `data_dir`, what is missing there, and `how_to_create` (e.g. "give --init").
// Creates nothing.
absl::Status RequireStore(const std::string& data_dir, const std::string& store_dir, const std::string& how_to_create);
// Serves the store on the metrics port (telemetry.h), labelled store="<name>": its size
// on disk, RocksDB's background errors, stopped writes, stall time and delayed write
// rate, read at each scrape. `store` must outlive the process's scrapes.
void ExportStoreTelemetry(const Store* store, const std::string& name);

// Creates `dir` and its missing parents with mode 0700 whatever the umask.
absl::Status CreatePrivateDir(const std::string& dir);
// A directory that holds child-level data: created 0700 when missing; when it exists,
// FAILED_PRECONDITION if group or others may read or write it (naming the directory, its
// mode and the chmod that fixes it), or if it is not a directory.
absl::Status CheckPrivateDir(const std::string& dir);

}  // namespace carestat
