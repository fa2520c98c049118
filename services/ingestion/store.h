// File: store.h
// The ingestion service's RocksDB: returns, their records and their issues. A return
// is (LA, collection year, dataset); its records are written under a new generation
// and become the return only when one WriteBatch points the return at it and deletes
// the old generation, so a crash leaves the old return or the new one, never a mix.
//   IngestionStore store(std::move(rocks));
//   uint64_t gen = store.BeginStaging(la, 2016, "cin-census");
//   ... store.Stage(la, 2016, "cin-census", gen, seq, record) ...
//   store.Commit(info, issues);      // or store.Abort(la, 2016, "cin-census", gen)
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/records.pb.h"
#include "rocksdb/write_batch.h"
#include "services/common/rocks.h"

namespace carestat {

class IngestionStore {
 public:
  // Opens (creating) the store under `dir` and deletes staged generations that a
  // crash left uncommitted. Read-only (options.read_only) changes nothing.
  static absl::StatusOr<std::unique_ptr<IngestionStore>> Open(const std::string& dir,
                                                              const StoreOpenOptions& options = {});

  absl::StatusOr<std::optional<v1::ReturnInfo>> GetReturn(const std::string& la, int year,
                                                         const std::string& dataset) const;
  // The RocksDB store underneath, for its size and statistics on the metrics port.
  const Store* rocks() const { return s_.get(); }
  // Every return of the LA (every LA when `la` is empty), in key order.
  absl::StatusOr<std::vector<v1::ReturnInfo>> ListReturns(const std::string& la) const;

  // A fresh generation, recorded as staged until committed or aborted.
  absl::StatusOr<uint64_t> BeginStaging(const std::string& la, int year, const std::string& dataset);
  // Adds records of a staged generation; written when the batch grows large.
  absl::Status Stage(const std::string& la, int year, const std::string& dataset, uint64_t gen,
                     uint32_t seq, const v1::Record& record);
  absl::Status FlushStaged();
  // Makes `info` (with info.generation staged) the return, with its issues, and drops
  // the previous generation: one atomic, synced write.
  absl::Status Commit(const v1::ReturnInfo& info, const std::vector<v1::ValidationIssue>& issues);
  absl::Status Abort(const std::string& la, int year, const std::string& dataset, uint64_t gen);

  // The committed records of an LA's returns for the given collection years (all when
  // empty), return by return. `fn` returning false stops the scan.
  absl::Status ScanRecords(const std::string& la, const std::vector<int>& years,
                           const std::function<bool(const v1::Record&)>& fn) const {
    return ScanRecords(la, years, {}, fn);
  }
  // The same, for the returns with these ids alone (every return when empty).
  absl::Status ScanRecords(const std::string& la, const std::vector<int>& years,
                           const std::vector<std::string>& return_ids,
                           const std::function<bool(const v1::Record&)>& fn) const;
  absl::StatusOr<std::vector<v1::ValidationIssue>> GetIssues(const std::string& return_id) const;

  // The committed records of one return counted by kind (RecordKindName), by reading
  // them all: what ReturnInfo.record_counts says they should be. DATA_LOSS when a record
  // cannot be read.
  absl::StatusOr<std::map<std::string, int64_t>> CountRecords(const v1::ReturnInfo& info) const;

  // Refused uploads (RejectedReturn in ingestion.proto): the latest refusal of each
  // return, kept until the return is next committed (Commit clears it).
  absl::Status PutRejection(const v1::RejectedReturn& r);
  absl::StatusOr<std::vector<v1::RejectedReturn>> ListRejections(const std::string& la) const;

  // Small values about the store itself (the key's fingerprint); NotFound when absent.
  absl::StatusOr<std::string> GetMeta(const std::string& name) const;
  absl::Status PutMeta(const std::string& name, const std::string& value);

  // After writes failed (disk full): resumes RocksDB and drops the generations the
  // failed uploads left staged. REQUIRES: no upload in progress.
  absl::Status Resume();
  const std::string& dir() const { return s_->dir(); }

 private:
  explicit IngestionStore(std::unique_ptr<Store> s) : s_(std::move(s)) {}
  absl::Status RecoverStaging();
  std::unique_ptr<Store> s_;
  rocksdb::WriteBatch staged_;
};

// "301/2016/cin-census"
std::string ReturnId(const std::string& la, int year, const std::string& dataset);
bool ParseReturnId(const std::string& id, std::string* la, int* year, std::string* dataset);

}  // namespace carestat
