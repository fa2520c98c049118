// File: rocks.h
// Opens a service's RocksDB with one column family per kind of data; column family
// options are set here and nowhere else.
//   auto db = OpenStore(dir, {"records", "returns", "issues"});
//   if (!db.ok()) return db.status();
//   (*db)->Put("returns", key, value);
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

class Store {
 public:
  ~Store();
  rocksdb::DB* db() const { return db_; }
  // REQUIRES: name is one of the column families the store was opened with.
  rocksdb::ColumnFamilyHandle* cf(const std::string& name) const;

  absl::Status Put(const std::string& cf, const std::string& key, const std::string& value);
  // NotFound when the key is absent.
  absl::StatusOr<std::string> Get(const std::string& cf, const std::string& key) const;
  // Applies the batch atomically and durably (fsync of the WAL).
  absl::Status Write(rocksdb::WriteBatch* batch);
  std::unique_ptr<rocksdb::Iterator> NewIterator(const std::string& cf) const;

 private:
  friend absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string&,
                                                          const std::vector<std::string>&);
  rocksdb::DB* db_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

// Creates the directory and the column families when missing.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                 const std::vector<std::string>& column_families);

absl::Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace carestat
