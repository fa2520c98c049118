#include "pipeline/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "pipeline/inbox.h"

namespace carestat {

// Lines are JSON objects written through protobuf's Struct, so the escaping is right
// for any file name.
std::string ManifestLine(const ManifestEntry& e) {
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  // JSON strings must be UTF-8: a name that is not is kept exactly as hex beside its rendering.
  const std::string safe = SafeName(e.file);
  f["file"].set_string_value(safe);
  if (safe != e.file) f["file_hex"].set_string_value(absl::BytesToHexString(e.file));
  f["sha256"].set_string_value(e.sha256);
  f["return_id"].set_string_value(e.return_id);
  f["outcome"].set_string_value(e.outcome);
  f["unix_ms"].set_number_value(static_cast<double>(e.unix_ms));
  if (!e.message.empty()) f["message"].set_string_value(SafeName(e.message));
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(s, &out);
  return out;
}

bool ParseManifestLine(const std::string& line, ManifestEntry* e) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(line, &s).ok()) return false;
  const auto& f = s.fields();
  auto str = [&](const char* k) { return f.count(k) ? f.at(k).string_value() : std::string(); };
  e->file = str("file");
  if (f.count("file_hex")) e->file = absl::HexStringToBytes(str("file_hex"));
  e->sha256 = str("sha256");
  e->return_id = str("return_id");
  e->outcome = str("outcome");
  e->message = str("message");
  e->unix_ms = f.count("unix_ms") ? static_cast<int64_t>(f.at("unix_ms").number_value()) : 0;
  return !e->sha256.empty();
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::Open(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (auto s = MakeDirsUnder(dir, dir, true); !s.ok()) return s;
  auto m = std::unique_ptr<Manifest>(new Manifest());
  m->path_ = path;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      ManifestEntry e;
      if (ParseManifestLine(line, &e)) m->Note(e);
    }
  }
  m->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m->fd_ < 0) return absl::InternalError(absl::StrCat("cannot open manifest ", path, ": ", std::strerror(errno)));
  if (::fchmod(m->fd_, 0600) != 0) {
    return absl::InternalError(absl::StrCat("cannot make the manifest ", path, " private (0600): ", std::strerror(errno)));
  }
  // A torn last line from a crash would glue onto the next one: start on a new line.
  if (::lseek(m->fd_, 0, SEEK_END) > 0) {
    std::ifstream tail(path, std::ios::binary);
    tail.seekg(-1, std::ios::end);
    char c = 0;
    tail.get(c);
    if (c != '\n' && ::write(m->fd_, "\n", 1) != 1) {
      return absl::InternalError(absl::StrCat("cannot write the manifest ", path, ": ", std::strerror(errno)));
    }
  }
  return m;
}

Manifest::~Manifest() {
  if (fd_ >= 0) ::close(fd_);
}

const ManifestEntry* Manifest::Seen(const std::string& sha256) const {
  auto it = by_hash_.find(sha256);
  return it == by_hash_.end() ? nullptr : &it->second;
}

void Manifest::Note(const ManifestEntry& e) {
  by_hash_[e.sha256] = e;
  if (!e.return_id.empty() && e.outcome != "quarantined") by_return_[e.return_id] = e;
}

absl::Status Manifest::Append(const ManifestEntry& e) {
  std::string line = ManifestLine(e) + "\n";
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(fd_) != 0) {
    const int err = errno;
    // A part-written line (a full disk) is cut off, so the next one starts clean.
    if (before >= 0 && ::ftruncate(fd_, before) != 0) {
    }
    return absl::InternalError(absl::StrCat("cannot append to the manifest ", path_, ": ", std::strerror(err)));
  }
  Note(e);
  return absl::OkStatus();
}

}  // namespace carestat
