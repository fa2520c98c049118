#include "pipeline/manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace carestat {

// Lines are JSON objects written through protobuf's Struct, so the escaping is right
// for any file name.
std::string ManifestLine(const ManifestEntry& e) {
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["file"].set_string_value(e.file);
  f["sha256"].set_string_value(e.sha256);
  f["return_id"].set_string_value(e.return_id);
  f["outcome"].set_string_value(e.outcome);
  f["unix_ms"].set_number_value(static_cast<double>(e.unix_ms));
  if (!e.message.empty()) f["message"].set_string_value(e.message);
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
  e->sha256 = str("sha256");
  e->return_id = str("return_id");
  e->outcome = str("outcome");
  e->message = str("message");
  e->unix_ms = f.count("unix_ms") ? static_cast<int64_t>(f.at("unix_ms").number_value()) : 0;
  return !e->sha256.empty();
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  auto m = std::unique_ptr<Manifest>(new Manifest());
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      ManifestEntry e;
      if (ParseManifestLine(line, &e)) m->by_hash_[e.sha256] = e;
    }
  }
  m->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (m->fd_ < 0) return absl::InternalError(absl::StrCat("cannot open manifest ", path, ": ", std::strerror(errno)));
  // A torn last line from a crash would glue onto the next one: start on a new line.
  if (::lseek(m->fd_, 0, SEEK_END) > 0) {
    std::ifstream tail(path, std::ios::binary);
    tail.seekg(-1, std::ios::end);
    char c = 0;
    tail.get(c);
    if (c != '\n' && ::write(m->fd_, "\n", 1) != 1) return absl::InternalError("cannot write manifest");
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

absl::Status Manifest::Append(const ManifestEntry& e) {
  std::string line = ManifestLine(e) + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(fd_) != 0) {
    return absl::InternalError(absl::StrCat("cannot append to the manifest: ", std::strerror(errno)));
  }
  by_hash_[e.sha256] = e;
  return absl::OkStatus();
}

}  // namespace carestat
