#include "pipeline/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "pipeline/inbox.h"
#include "services/common/json.h"

namespace carestat {

std::string ManifestLine(const ManifestEntry& e) {
  // JSON strings must be UTF-8: a name that is not is kept exactly as hex beside its rendering.
  const std::string safe = SafeName(e.file);
  Json j = {{"file", safe}};
  if (safe != e.file) j["file_hex"] = absl::BytesToHexString(e.file);
  j["sha256"] = e.sha256;
  j["return_id"] = e.return_id;
  j["outcome"] = e.outcome;
  j["unix_ms"] = e.unix_ms;
  if (!e.message.empty()) j["message"] = SafeName(e.message);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool ParseManifestLine(const std::string& line, ManifestEntry* e) {
  const Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  e->file = JsonString(j, "file");
  if (j.contains("file_hex")) e->file = absl::HexStringToBytes(JsonString(j, "file_hex"));
  e->sha256 = JsonString(j, "sha256");
  e->return_id = JsonString(j, "return_id");
  e->outcome = JsonString(j, "outcome");
  e->message = JsonString(j, "message");
  e->unix_ms = JsonInt(j, "unix_ms");
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
