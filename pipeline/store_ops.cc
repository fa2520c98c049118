#include "pipeline/store_ops.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/utilities/options_util.h"
#include "services/common/rocks.h"
#include "services/common/sha256.h"
#include "services/ingestion/ingestor.h"
#include "services/metrics/metrics.h"

namespace carestat {
namespace fs = std::filesystem;

namespace {

constexpr char kSums[] = "SHA256SUMS";

std::string Errno(const std::string& what, const std::string& path) {
  return absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno));
}

// Opening a store read-only to copy it must not write a LOG file into it (it may be a
// running server's, or a backup's); RocksDB's damage reports come back as statuses.
class QuietLogger : public rocksdb::Logger {
 public:
  QuietLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::FATAL_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

struct ReadOnlyDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~ReadOnlyDb() {
    if (db == nullptr) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
    delete db;
  }
};

// Opens a store read-only with the options it was written with (its OPTIONS file), every
// column family included: without its lock, so beside a running server.
absl::Status OpenReadOnly(const std::string& dir, ReadOnlyDb* out) {
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  if (auto s = rocksdb::LoadLatestOptions(config, dir, &db_options, &descs); !s.ok()) {
    return FromRocks(s, "read the options of the store in " + dir);
  }
  db_options.info_log = std::make_shared<QuietLogger>();
  db_options.create_if_missing = false;
  db_options.paranoid_checks = true;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(db_options, dir, descs, &out->handles, &out->db);
  if (!s.ok()) {
    out->db = nullptr;
    return FromRocks(s, "open the store in " + dir);
  }
  return absl::OkStatus();
}

// A consistent copy of the store in `dir` at `dest` (which must not exist). A server
// writing beside it may compact away a table between the open and the copy: then the
// checkpoint fails on that file and is taken again from a fresh open.
absl::Status Checkpoint(const std::string& dir, const std::string& dest) {
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::error_code ec;
    fs::remove_all(dest, ec);
    ReadOnlyDb ro;
    last = OpenReadOnly(dir, &ro);
    if (!last.ok()) continue;
    rocksdb::Checkpoint* raw = nullptr;
    if (auto s = rocksdb::Checkpoint::Create(ro.db, &raw); !s.ok()) return FromRocks(s, "checkpoint " + dir);
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    // A read-only open cannot flush: the write-ahead logs are copied instead (whole
    // records up to the point of the open; a torn last record is tolerated at open).
    rocksdb::Status s = cp->CreateCheckpoint(dest, /*log_size_for_flush=*/UINT64_MAX);
    if (s.ok()) return absl::OkStatus();
    last = FromRocks(s, "checkpoint the store in " + dir);
  }
  return last;
}

// Copies one regular file, keeping its permission bits; NOT_FOUND when it vanished
// (a spool file finished while the copy ran).
absl::Status CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) {
    if (errno == ENOENT) return absl::NotFoundError(from);
    return absl::InternalError(Errno("read", from));
  }
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
  if (out < 0) {
    ::close(in);
    return absl::InternalError(Errno("create", to));
  }
  char buf[1 << 16];
  absl::Status result;
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      result = absl::InternalError(Errno("read", from));
      break;
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buf + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        result = absl::InternalError(Errno("write", to));
        break;
      }
      done += w;
    }
    if (!result.ok()) break;
  }
  ::fchmod(out, mode & 07777);  // the umask may have taken bits away
  if (result.ok() && ::fsync(out) != 0) result = absl::InternalError(Errno("write", to));
  ::close(in);
  if (::close(out) != 0 && result.ok()) result = absl::InternalError(Errno("write", to));
  return result;
}

// Every regular file under `root` (relative paths, sorted), except SHA256SUMS at the top.
std::vector<std::string> FilesUnder(const std::string& root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string rel = fs::relative(it->path(), root, ec).string();
    if (rel != kSums) files.push_back(rel);
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::Status WriteSums(const std::string& root, BackupResult* result) {
  std::string sums;
  for (const auto& rel : FilesUnder(root)) {
    int64_t bytes = 0;
    auto hex = Sha256File(root + "/" + rel, &bytes);
    if (!hex.ok()) return hex.status();
    absl::StrAppend(&sums, *hex, "  ", rel, "\n");
    result->files++;
    result->bytes += bytes;
  }
  const std::string path = root + "/" + kSums;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(Errno("create", path));
  bool ok = ::write(fd, sums.data(), sums.size()) == static_cast<ssize_t>(sums.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? absl::OkStatus() : absl::InternalError(Errno("write", path));
}

absl::StatusOr<std::map<std::string, std::string>> ReadSums(const std::string& root) {
  std::ifstream in(root + "/" + kSums);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(root, " is not a carestat backup: it has no ", kSums,
                                            " (carestat backup writes one last, so an interrupted backup has none)"));
  }
  std::map<std::string, std::string> sums;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.size() < 67 || line.substr(64, 2) != "  ") {
      return absl::DataLossError(absl::StrCat(root, "/", kSums, " line ", n, " is not \"SHA256  PATH\""));
    }
    sums[line.substr(66)] = line.substr(0, 64);
  }
  return sums;
}

bool IsEmptyOrAbsent(const std::string& dir, bool* exists) {
  std::error_code ec;
  *exists = fs::exists(dir, ec);
  if (!*exists) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

// Copies the tree `from` to `to` (which must not exist): directories with their modes,
// regular files with theirs, each RocksDB store as a checkpoint when `checkpoint_stores`.
absl::Status CopyTree(const std::string& from, const std::string& to, bool checkpoint_stores, BackupResult* result) {
  struct stat st;
  if (::stat(from.c_str(), &st) != 0) return absl::NotFoundError(Errno("read", from));
  if (::mkdir(to.c_str(), st.st_mode & 07777) != 0) return absl::InternalError(Errno("create", to));
  ::chmod(to.c_str(), st.st_mode & 07777);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string src = entry.path().string();
    const std::string dst = to + "/" + entry.path().filename().string();
    struct stat es;
    if (::lstat(src.c_str(), &es) != 0) continue;  // vanished while copying
    if (S_ISDIR(es.st_mode)) {
      if (checkpoint_stores && HoldsStore(src)) {
        if (auto s = Checkpoint(src, dst); !s.ok()) return s;
        ::chmod(dst.c_str(), es.st_mode & 07777);
        result->stores++;
        continue;
      }
      if (auto s = CopyTree(src, dst, checkpoint_stores, result); !s.ok()) return s;
    } else if (S_ISREG(es.st_mode)) {
      // A store's lock is the running process's, never data.
      if (entry.path().filename() == "LOCK") continue;
      absl::Status s = CopyFile(src, dst, es.st_mode);
      if (absl::IsNotFound(s)) continue;
      if (!s.ok()) return s;
    }
    // Links, sockets and FIFOs hold no data of carestat's.
  }
  if (ec) return absl::InternalError(absl::StrCat("cannot list ", from, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

absl::Status RequireEmbeddedStores(const std::string& data_dir, const std::string& how_to_create) {
  if (auto s = RequireStore(data_dir, data_dir + "/ingestion/store", how_to_create); !s.ok()) return s;
  return RequireStore(data_dir, data_dir + "/metrics", how_to_create);
}

absl::StatusOr<std::vector<std::string>> InitStores(const InitRequest& r) {
  std::vector<std::string> lines;
  auto ingestion = [&](const std::string& dir) -> absl::Status {
    if (HoldsStore(dir + "/store")) {
      lines.push_back(absl::StrCat(dir, ": already holds an ingestion store, left as it is"));
      return absl::OkStatus();
    }
    if (auto s = CreatePrivateDir(dir); !s.ok()) return s;
    auto ing = Ingestor::Open(dir);
    if (!ing.ok()) return ing.status();
    lines.push_back(absl::StrCat(dir, ": created an ingestion store and its pseudonymisation key (", dir,
                                 "/hmac.key: back it up with the store, see carestat backup)"));
    return absl::OkStatus();
  };
  auto metrics = [&](const std::string& dir) -> absl::Status {
    if (HoldsStore(dir)) {
      lines.push_back(absl::StrCat(dir, ": already holds a metrics store, left as it is"));
      return absl::OkStatus();
    }
    if (auto s = CreatePrivateDir(dir); !s.ok()) return s;
    auto engine = MetricsEngine::Open(dir);
    if (!engine.ok()) return engine.status();
    lines.push_back(absl::StrCat(dir, ": created a metrics store"));
    return absl::OkStatus();
  };
  auto reporting = [&](const std::string& dir) -> absl::Status {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) {
      lines.push_back(absl::StrCat(dir, ": already exists, left as it is"));
      return absl::OkStatus();
    }
    if (auto s = CreatePrivateDir(dir); !s.ok()) return s;
    lines.push_back(absl::StrCat(dir, ": created for reporting's narrative files"));
    return absl::OkStatus();
  };
  if (!r.data.empty()) {
    if (auto s = CreatePrivateDir(r.data); !s.ok()) return s;
    if (auto s = ingestion(r.data + "/ingestion"); !s.ok()) return s;
    if (auto s = metrics(r.data + "/metrics"); !s.ok()) return s;
  }
  if (!r.ingestion_data.empty()) {
    if (auto s = ingestion(r.ingestion_data); !s.ok()) return s;
  }
  if (!r.metrics_data.empty()) {
    if (auto s = metrics(r.metrics_data); !s.ok()) return s;
  }
  if (!r.reporting_data.empty()) {
    if (auto s = reporting(r.reporting_data); !s.ok()) return s;
  }
  return lines;
}

absl::StatusOr<BackupResult> BackupData(const std::string& data_dir, const std::string& dest) {
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) return absl::NotFoundError(absl::StrCat(data_dir, " is not a directory"));
  if (!HoldsStore(data_dir) && FilesUnder(data_dir).empty()) {
    return absl::FailedPreconditionError(absl::StrCat(data_dir, " holds nothing to back up"));
  }
  if (fs::exists(dest, ec)) {
    return absl::AlreadyExistsError(absl::StrCat(dest, " exists: a backup is written into a new directory only"));
  }
  const fs::path parent = fs::path(dest).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    if (auto s = CreatePrivateDir(parent.string()); !s.ok()) return s;
  }
  const std::string partial = dest + ".partial";
  fs::remove_all(partial, ec);  // an earlier backup that was interrupted
  BackupResult result;
  absl::Status s = HoldsStore(data_dir) ? Checkpoint(data_dir, partial) : CopyTree(data_dir, partial, true, &result);
  if (s.ok() && HoldsStore(data_dir)) {
    result.stores = 1;
    ::chmod(partial.c_str(), 0700);
  }
  if (s.ok()) s = WriteSums(partial, &result);
  if (s.ok() && ::rename(partial.c_str(), dest.c_str()) != 0) s = absl::InternalError(Errno("rename to", dest));
  if (!s.ok()) {
    fs::remove_all(partial, ec);
    return s;
  }
  return result;
}

absl::StatusOr<BackupResult> RestoreData(const std::string& backup, const std::string& data_dir) {
  auto sums = ReadSums(backup);
  if (!sums.ok()) return sums.status();
  bool exists = false;
  if (!IsEmptyOrAbsent(data_dir, &exists)) {
    return absl::AlreadyExistsError(
        absl::StrCat(data_dir, " exists and is not empty: a restore goes into a new directory only, never over a store"));
  }
  const std::string partial = data_dir + ".restoring";
  std::error_code ec;
  fs::remove_all(partial, ec);
  const fs::path parent = fs::path(data_dir).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    if (auto s = CreatePrivateDir(parent.string()); !s.ok()) return s;
  }
  BackupResult result;
  auto fail = [&](absl::Status s) {
    fs::remove_all(partial, ec);
    return s;
  };
  if (auto s = CopyTree(backup, partial, /*checkpoint_stores=*/false, &result); !s.ok()) return fail(s);
  fs::remove(partial + "/" + kSums, ec);
  // Every file as the backup recorded it, and nothing else.
  std::vector<std::string> copied = FilesUnder(partial);
  for (const auto& rel : copied) {
    auto want = sums->find(rel);
    if (want == sums->end()) {
      return fail(absl::DataLossError(absl::StrCat(backup, "/", rel, " is not listed in ", kSums, ": not restored")));
    }
    int64_t bytes = 0;
    auto hex = Sha256File(partial + "/" + rel, &bytes);
    if (!hex.ok()) return fail(hex.status());
    if (*hex != want->second) {
      return fail(absl::DataLossError(
          absl::StrCat(backup, "/", rel, " does not match its checksum in ", kSums, ": the backup is damaged")));
    }
    result.files++;
    result.bytes += bytes;
  }
  if (copied.size() != sums->size()) {
    for (const auto& [rel, hex] : *sums) {
      if (!std::binary_search(copied.begin(), copied.end(), rel)) {
        return fail(absl::DataLossError(absl::StrCat(backup, " lacks ", rel, ", listed in ", kSums)));
      }
    }
  }
  // Every store opens and reads whole (each table's block checksums).
  std::vector<std::string> stores;
  if (HoldsStore(partial)) stores.push_back(partial);
  for (auto it = fs::recursive_directory_iterator(partial, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && HoldsStore(it->path().string())) stores.push_back(it->path().string());
  }
  for (const auto& dir : stores) {
    ReadOnlyDb ro;
    if (auto s = OpenReadOnly(dir, &ro); !s.ok()) return fail(s);
    if (auto s = ro.db->VerifyChecksum(); !s.ok()) return fail(FromRocks(s, "verify the restored store " + dir));
    result.stores++;
  }
  if (exists && ::rmdir(data_dir.c_str()) != 0) return fail(absl::InternalError(Errno("replace", data_dir)));
  if (::rename(partial.c_str(), data_dir.c_str()) != 0) return fail(absl::InternalError(Errno("rename to", data_dir)));
  ::chmod(data_dir.c_str(), 0700);
  return result;
}

}  // namespace carestat
