#include "services/common/rocks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rocksdb/statistics.h"
#include "services/common/log.h"
#include "services/common/telemetry.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

bool IsDiskError(const rocksdb::Status& s) {
  return s.IsNoSpace() || s.IsIOError() || s.subcode() == rocksdb::Status::kNoSpace;
}

// The pid holding RocksDB's LOCK file (a POSIX record lock), or 0 when unknown.
pid_t LockHolder(const std::string& dir) {
  int fd = ::open((dir + "/LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  pid_t pid = 0;
  if (::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) pid = fl.l_pid;
  ::close(fd);
  return pid;
}

// RocksDB's own messages go to carestat's log (stderr), warnings and errors only: a LOG
// file on the data disk, once a write to it fails (disk full), makes this RocksDB build
// abort on its next line, and its damage reports belong where the operator looks.
class StderrLogger : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < rocksdb::InfoLogLevel::WARN_LEVEL || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    char buf[1024];
    va_list copy;
    va_copy(copy, ap);
    std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    std::string line(buf);
    // OpenStore reports a failed open itself, in words an operator can act on.
    if (line.find("DB::Open() failed") != std::string::npos) return;
    for (char& c : line) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';  // one log line per message
    }
    if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) CS_LOG(ERROR) << "rocksdb: " << line;
    else CS_LOG(WARNING) << "rocksdb: " << line;
  }
  void LogHeader(const char*, va_list) override {}
};

std::shared_ptr<rocksdb::Logger> RocksLogger() {
  static auto* logger = new std::shared_ptr<rocksdb::Logger>(std::make_shared<StderrLogger>());
  return *logger;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat(what, ": not found"));
  if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kNoSpace) {
    return absl::UnavailableError(absl::StrCat(what, ": the disk is full (", s.ToString(),
                                               "); nothing was stored, retry when there is space"));
  }
  if (IsDiskError(s)) {
    return absl::UnavailableError(absl::StrCat(what, ": the disk failed (", s.ToString(),
                                               "); nothing was stored, retry later"));
  }
  if (s.IsCorruption()) return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

absl::Status CreatePrivateDir(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("no directory given");
  fs::path p = fs::path(dir).lexically_normal();
  fs::path partial;
  for (const auto& part : p) {
    partial /= part;
    if (part.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      ::chmod(partial.c_str(), 0700);  // the umask may have taken bits away, never added
      continue;
    }
    if (errno == EEXIST) continue;
    return absl::InternalError(absl::StrCat("cannot create ", partial.string(), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

bool HoldsStore(const std::string& dir) {
  struct stat st;
  return ::stat((dir + "/CURRENT").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

absl::Status RequireStore(const std::string& data_dir, const std::string& store_dir, const std::string& how_to_create) {
  if (HoldsStore(store_dir)) return absl::OkStatus();
  struct stat st;
  std::string what;
  if (::stat(data_dir.c_str(), &st) != 0) {
    what = errno == ENOENT ? "does not exist" : absl::StrCat("cannot be read (", std::strerror(errno), ")");
  } else if (!S_ISDIR(st.st_mode)) {
    what = "is not a directory";
  } else if (store_dir == data_dir) {
    what = "holds no store";
  } else {
    what = absl::StrCat("holds no store (", store_dir, " has none)");
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the data directory ", data_dir, " ", what,
      ": nothing was created there (a mistyped or unmounted path would otherwise start an empty store",
      " and, for ingestion, a new pseudonymisation key). Check the path; to create a new store there on purpose, ",
      how_to_create));
}

absl::Status CheckPrivateDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return absl::InternalError(absl::StrCat("cannot read ", dir, ": ", std::strerror(errno)));
    return CreatePrivateDir(dir);
  }
  if (!S_ISDIR(st.st_mode)) return absl::FailedPreconditionError(absl::StrCat(dir, " is not a directory"));
  if ((st.st_mode & 066) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s holds child-level data but group or others may read or write it (mode %04o): run "
        "chmod 700 %s (and check who else should not have had access), then start again",
        dir, st.st_mode & 07777, dir));
  }
  return absl::OkStatus();
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

absl::Status Store::Resume() {
  rocksdb::Status s = db_->Resume();
  if (s.IsBusy()) {
    // RocksDB recovers from a full disk by itself, once the disk has a memtable's worth
    // free (its write buffer) so that the first flush cannot fill it again.
    return absl::UnavailableError(absl::StrCat(
        "the store in ", dir_, " is waiting for free space to resume by itself (RocksDB wants at least ",
        db_->GetOptions().write_buffer_size >> 20, " MiB free on that disk)"));
  }
  return FromRocks(s, absl::StrCat("resume the store in ", dir_));
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                 const std::vector<std::string>& names,
                                                 const StoreOpenOptions& open) {
  if (open.read_only) {
    std::error_code ec;
    if (!fs::exists(dir + "/CURRENT", ec)) {
      return absl::NotFoundError(absl::StrCat("there is no store in ", dir));
    }
  } else if (absl::Status s = CreatePrivateDir(dir); !s.ok()) {
    return s;
  } else {
    // A store made by an older carestat under a looser umask: close it to others.
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) ::chmod(dir.c_str(), 0700);
  }
  rocksdb::Options options;
  options.create_if_missing = !open.read_only;
  options.create_missing_column_families = !open.read_only;
  options.IncreaseParallelism(2);
  // Checked on this RocksDB (7.8): kTolerateCorruptedTailRecords fails the open on a
  // record damaged before the end of a log and still opens after a torn last record;
  // kAbsoluteConsistency would also refuse the torn tail of a crash. The default,
  // kPointInTimeRecovery, silently drops everything after a damaged record.
  options.wal_recovery_mode = open.point_in_time_recovery
                                  ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                  : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.paranoid_checks = true;
  options.info_log = RocksLogger();
  // Space is taken as it is written: a full disk is met by the write that needs the space
  // (answered UNAVAILABLE, retried), not hidden behind a write-ahead log reserved ahead.
  options.allow_fallocate = false;
  // For the metrics port (ExportStoreTelemetry): how long writes stalled. Tickers only,
  // no timers: a few atomic adds per write.
  options.statistics = rocksdb::CreateDBStatistics();
  options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.OptimizeLevelStyleCompaction();
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (const auto& n : names) descs.emplace_back(n, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto store = std::unique_ptr<Store>(new Store());
  store->dir_ = dir;
  rocksdb::Status s = open.read_only
                          ? rocksdb::DB::OpenForReadOnly(options, dir, descs, &handles, &store->db_)
                          : rocksdb::DB::Open(options, dir, descs, &handles, &store->db_);
  if (!s.ok()) {
    store->db_ = nullptr;
    const std::string raw = s.ToString();
    if (s.IsIOError() && absl::StrContains(raw, "lock")) {
      pid_t pid = LockHolder(dir);
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " is in use by another carestat process",
          pid > 0 ? absl::StrCat(" (pid ", pid, ")") : std::string(" (this one, or one whose pid is unknown)"),
          ": stop it first; two processes must never write one store"));
    }
    if (s.IsCorruption()) {
      return absl::DataLossError(absl::StrCat(
          "the store in ", dir, " is damaged and was not opened, so nothing it held is dropped in silence (",
          raw, ")"));
    }
    if (s.IsNoSpace() || s.subcode() == rocksdb::Status::kNoSpace) {
      return absl::UnavailableError(absl::StrCat("cannot open the store in ", dir,
                                                 ": the disk is full (", raw, "); free space and start again"));
    }
    return absl::InternalError(absl::StrCat("cannot open the store in ", dir, ": ", raw));
  }
  for (size_t i = 0; i < handles.size(); ++i) store->cfs_[descs[i].name] = handles[i];
  if (!open.read_only) {
    // Files an older carestat made under a looser umask.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      struct stat st;
      if (::lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
        ::chmod(e.path().c_str(), 0600);
      }
    }
  }
  return store;
}

}  // namespace carestat

namespace carestat {

void ExportStoreTelemetry(const Store* store, const std::string& name) {
  Telemetry& t = Telemetry::Get();
  t.Describe("carestat_store_size_bytes", Telemetry::kGauge, "Bytes of the store's files on disk.");
  t.Describe("carestat_rocksdb_background_errors", Telemetry::kGauge,
             "RocksDB background errors (flush, compaction) since the store was opened.");
  t.Describe("carestat_rocksdb_write_stopped", Telemetry::kGauge, "1 while RocksDB has stopped writes.");
  t.Describe("carestat_rocksdb_write_stall_seconds_total", Telemetry::kCounter,
             "Time writes spent stalled by RocksDB (too many memtables or level-0 files).");
  t.Describe("carestat_rocksdb_delayed_write_rate_bytes", Telemetry::kGauge,
             "The rate RocksDB slows writes to while it delays them (0 when not delayed).");
  t.AddCollector([store, name](Telemetry& t) {
    const Labels labels = {{"store", name}};
    uint64_t bytes = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(store->dir(), ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code fe;
      if (it->is_regular_file(fe)) bytes += it->file_size(fe);
    }
    t.Set("carestat_store_size_bytes", labels, static_cast<double>(bytes));
    rocksdb::DB* db = store->db();
    uint64_t v = 0;
    if (db->GetIntProperty("rocksdb.background-errors", &v)) t.Set("carestat_rocksdb_background_errors", labels, v);
    if (db->GetIntProperty("rocksdb.is-write-stopped", &v)) t.Set("carestat_rocksdb_write_stopped", labels, v);
    if (db->GetIntProperty("rocksdb.actual-delayed-write-rate", &v)) {
      t.Set("carestat_rocksdb_delayed_write_rate_bytes", labels, v);
    }
    if (auto stats = db->GetDBOptions().statistics) {
      t.Set("carestat_rocksdb_write_stall_seconds_total", labels, stats->getTickerCount(rocksdb::STALL_MICROS) / 1e6);
    }
  });
}

}  // namespace carestat
