#include "services/ingestion/store.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/keys.h"
#include "services/common/rule_tally.h"
#include "services/ingestion/check.h"

namespace carestat {
namespace {

constexpr char kReturns[] = "returns";
constexpr char kRecords[] = "records";
constexpr char kIssues[] = "issues";
constexpr char kStaging[] = "staging";
constexpr size_t kStageBatchBytes = 8 << 20;
constexpr char kMetaCf[] = "default";
constexpr char kMetaPrefix[] = "meta/";

KeyBuilder ReturnKey(const std::string& la, int year, const std::string& dataset) {
  KeyBuilder k;
  k.Str(la).U16(static_cast<uint16_t>(year)).Str(dataset);
  return k;
}

std::string GenPrefix(const std::string& la, int year, const std::string& dataset, uint64_t gen) {
  return ReturnKey(la, year, dataset).U64(gen).Build();
}

}  // namespace

std::string ReturnId(const std::string& la, int year, const std::string& dataset) {
  return absl::StrCat(la, "/", year, "/", dataset);
}

bool ParseReturnId(const std::string& id, std::string* la, int* year, std::string* dataset) {
  std::vector<std::string> parts = absl::StrSplit(id, absl::MaxSplits('/', 2));
  if (parts.size() != 3 || parts[0].empty() || parts[2].empty()) return false;
  *la = parts[0];
  *dataset = parts[2];
  return absl::SimpleAtoi(parts[1], year);
}

absl::StatusOr<std::unique_ptr<IngestionStore>> IngestionStore::Open(const std::string& dir,
                                                                    const StoreOpenOptions& options) {
  auto s = OpenStore(dir, {kReturns, kRecords, kIssues, kStaging}, options);
  if (!s.ok()) return s.status();
  auto store = std::unique_ptr<IngestionStore>(new IngestionStore(std::move(*s)));
  if (options.read_only) return store;
  if (absl::Status r = store->RecoverStaging(); !r.ok()) return r;
  return store;
}

// Refusals live in the default column family beside the meta values, under their own
// prefix: an older store opens unchanged.
static constexpr char kRejectedPrefix[] = "rejected/";

static std::string RejectionKey(const std::string& la, int year, const std::string& dataset) {
  return std::string(kRejectedPrefix) + ReturnKey(la, year, dataset).Build();
}

absl::Status IngestionStore::PutRejection(const v1::RejectedReturn& r) {
  return s_->Put(kMetaCf, RejectionKey(r.la(), r.collection_year(), r.dataset()), r.SerializeAsString());
}

absl::StatusOr<std::vector<v1::RejectedReturn>> IngestionStore::ListRejections(const std::string& la) const {
  std::vector<v1::RejectedReturn> out;
  auto it = s_->NewIterator(kMetaCf);
  const std::string prefix = std::string(kRejectedPrefix) + (la.empty() ? "" : KeyBuilder().Str(la).Build());
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::RejectedReturn r;
    if (!r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError("corrupt record of a refused upload");
    out.push_back(std::move(r));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list refused uploads");
  return out;
}

absl::StatusOr<std::string> IngestionStore::GetMeta(const std::string& name) const {
  return s_->Get(kMetaCf, std::string(kMetaPrefix) + name);
}

absl::Status IngestionStore::PutMeta(const std::string& name, const std::string& value) {
  return s_->Put(kMetaCf, std::string(kMetaPrefix) + name, value);
}

absl::Status IngestionStore::Resume() {
  if (absl::Status s = s_->Resume(); !s.ok()) return s;
  staged_.Clear();
  return RecoverStaging();
}

absl::StatusOr<std::map<std::string, int64_t>> IngestionStore::CountRecords(const v1::ReturnInfo& info) const {
  std::map<std::string, int64_t> counts;
  auto it = s_->NewIterator(kRecords);
  std::string prefix = GenPrefix(info.la(), info.collection_year(), info.dataset(), info.generation());
  v1::Record rec;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!rec.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError(absl::StrCat("a record of return ", info.return_id(), " cannot be read"));
    ++counts[RecordKindName(rec)];
  }
  if (!it->status().ok()) return FromRocks(it->status(), absl::StrCat("read the records of ", info.return_id()));
  return counts;
}

absl::Status IngestionStore::RecoverStaging() {
  auto it = s_->NewIterator(kStaging);
  rocksdb::WriteBatch batch;
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string prefix = it->key().ToString();
    batch.DeleteRange(s_->cf(kRecords), prefix, PrefixSuccessor(prefix));
    batch.DeleteRange(s_->cf(kIssues), prefix, PrefixSuccessor(prefix));
    batch.Delete(s_->cf(kStaging), prefix);
    ++n;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan staging");
  if (n == 0) return absl::OkStatus();
  return s_->Write(&batch);
}

absl::StatusOr<std::optional<v1::ReturnInfo>> IngestionStore::GetReturn(
    const std::string& la, int year, const std::string& dataset) const {
  auto v = s_->Get(kReturns, ReturnKey(la, year, dataset).Build());
  if (absl::IsNotFound(v.status())) return std::optional<v1::ReturnInfo>();
  if (!v.ok()) return v.status();
  v1::ReturnInfo info;
  if (!info.ParseFromString(*v)) return absl::DataLossError("corrupt return record");
  return std::optional<v1::ReturnInfo>(std::move(info));
}

absl::StatusOr<std::vector<v1::ReturnInfo>> IngestionStore::ListReturns(const std::string& la) const {
  std::vector<v1::ReturnInfo> out;
  auto it = s_->NewIterator(kReturns);
  std::string prefix = la.empty() ? "" : KeyBuilder().Str(la).Build();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::ReturnInfo info;
    if (!info.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError("corrupt return record");
    out.push_back(std::move(info));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list returns");
  return out;
}

absl::StatusOr<uint64_t> IngestionStore::BeginStaging(const std::string& la, int year,
                                                      const std::string& dataset) {
  auto current = GetReturn(la, year, dataset);
  if (!current.ok()) return current.status();
  uint64_t gen = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count());
  if (current->has_value() && (*current)->generation() >= gen) gen = (*current)->generation() + 1;
  staged_.Clear();
  if (auto s = s_->Put(kStaging, GenPrefix(la, year, dataset, gen), ""); !s.ok()) return s;
  return gen;
}

absl::Status IngestionStore::Stage(const std::string& la, int year, const std::string& dataset,
                                   uint64_t gen, uint32_t seq, const v1::Record& record) {
  std::string key = ReturnKey(la, year, dataset).U64(gen).U32(seq).Build();
  staged_.Put(s_->cf(kRecords), key, record.SerializeAsString());
  if (staged_.GetDataSize() >= kStageBatchBytes) return FlushStaged();
  return absl::OkStatus();
}

absl::Status IngestionStore::FlushStaged() {
  if (staged_.Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions wo;  // staged data needs no sync: the commit syncs
  absl::Status s = FromRocks(s_->db()->Write(wo, &staged_), "stage records");
  staged_.Clear();
  return s;
}

absl::Status IngestionStore::Commit(const v1::ReturnInfo& info,
                                    const std::vector<v1::ValidationIssue>& issues) {
  if (auto s = FlushStaged(); !s.ok()) return s;
  auto current = GetReturn(info.la(), info.collection_year(), info.dataset());
  if (!current.ok()) return current.status();
  rocksdb::WriteBatch batch;
  const std::string& la = info.la();
  const int year = info.collection_year();
  const std::string& ds = info.dataset();
  uint32_t seq = 0;
  for (const auto& issue : issues) {
    batch.Put(s_->cf(kIssues), ReturnKey(la, year, ds).U64(info.generation()).U32(seq++).Build(),
              issue.SerializeAsString());
  }
  // The return as stored carries its issues counted by rule (no child in them), so that
  // a summary of its quality can travel where its issues may not.
  // Tallies given with `info` count every issue found (the issues stored may be capped);
  // without them they are counted from the issues stored.
  v1::ReturnInfo stored = info;
  if (stored.rule_tallies().empty()) {
    for (auto& t : TallyIssues(issues)) *stored.add_rule_tallies() = std::move(t);
  }
  batch.Put(s_->cf(kReturns), ReturnKey(la, year, ds).Build(), stored.SerializeAsString());
  batch.Delete(s_->cf(kMetaCf), RejectionKey(la, year, ds));  // stored since: no longer rejected
  batch.Delete(s_->cf(kStaging), GenPrefix(la, year, ds, info.generation()));
  if (current->has_value()) {
    std::string old = GenPrefix(la, year, ds, (*current)->generation());
    batch.DeleteRange(s_->cf(kRecords), old, PrefixSuccessor(old));
    batch.DeleteRange(s_->cf(kIssues), old, PrefixSuccessor(old));
  }
  return s_->Write(&batch);
}

absl::Status IngestionStore::Abort(const std::string& la, int year, const std::string& dataset,
                                   uint64_t gen) {
  staged_.Clear();
  std::string prefix = GenPrefix(la, year, dataset, gen);
  rocksdb::WriteBatch batch;
  batch.DeleteRange(s_->cf(kRecords), prefix, PrefixSuccessor(prefix));
  batch.DeleteRange(s_->cf(kIssues), prefix, PrefixSuccessor(prefix));
  batch.Delete(s_->cf(kStaging), prefix);
  return s_->Write(&batch);
}

absl::Status IngestionStore::ScanRecords(const std::string& la, const std::vector<int>& years,
                                         const std::vector<std::string>& return_ids,
                                         const std::function<bool(const v1::Record&)>& fn) const {
  auto returns = ListReturns(la);
  if (!returns.ok()) return returns.status();
  auto it = s_->NewIterator(kRecords);
  v1::Record rec;
  for (const auto& info : *returns) {
    if (!years.empty() &&
        std::find(years.begin(), years.end(), info.collection_year()) == years.end())
      continue;
    if (!return_ids.empty() &&
        std::find(return_ids.begin(), return_ids.end(), info.return_id()) == return_ids.end())
      continue;
    std::string prefix = GenPrefix(info.la(), info.collection_year(), info.dataset(), info.generation());
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (!rec.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
        return absl::DataLossError(absl::StrCat("corrupt record in return ", info.return_id()));
      if (!fn(rec)) return absl::OkStatus();
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scan records");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::ValidationIssue>> IngestionStore::GetIssues(
    const std::string& return_id) const {
  std::string la, ds;
  int year = 0;
  if (!ParseReturnId(return_id, &la, &year, &ds))
    return absl::InvalidArgumentError(absl::StrCat("'", return_id, "' is not a return id (LA/year/dataset)"));
  auto info = GetReturn(la, year, ds);
  if (!info.ok()) return info.status();
  if (!info->has_value()) return absl::NotFoundError(absl::StrCat("no return ", return_id));
  std::vector<v1::ValidationIssue> out;
  std::string prefix = GenPrefix(la, year, ds, (*info)->generation());
  auto it = s_->NewIterator(kIssues);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::ValidationIssue issue;
    issue.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()));
    out.push_back(std::move(issue));
  }
  return out;
}

}  // namespace carestat
