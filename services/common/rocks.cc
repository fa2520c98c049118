#include "services/common/rocks.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace carestat {

absl::Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat(what, ": not found"));
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

Store::~Store() {
  if (db_ == nullptr) return;
  for (auto& [name, h] : cfs_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
  delete db_;
}

rocksdb::ColumnFamilyHandle* Store::cf(const std::string& name) const {
  auto it = cfs_.find(name);
  return it == cfs_.end() ? nullptr : it->second;
}

absl::Status Store::Put(const std::string& cf_name, const std::string& key,
                        const std::string& value) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, cf(cf_name), key, value), "put " + cf_name);
}

absl::StatusOr<std::string> Store::Get(const std::string& cf_name, const std::string& key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(cf_name), key, &value);
  if (!s.ok()) return FromRocks(s, "get " + cf_name);
  return value;
}

absl::Status Store::Write(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, batch), "write batch");
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(const std::string& cf_name) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), cf(cf_name)));
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                 const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.OptimizeLevelStyleCompaction();
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const auto& n : names) descs.emplace_back(n, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto store = std::unique_ptr<Store>(new Store());
  rocksdb::Status s = rocksdb::DB::Open(options, dir, descs, &handles, &store->db_);
  if (!s.ok()) return absl::InternalError(absl::StrCat("cannot open store ", dir, ": ", s.ToString()));
  for (size_t i = 0; i < handles.size(); ++i) store->cfs_[descs[i].name] = handles[i];
  return store;
}

}  // namespace carestat
