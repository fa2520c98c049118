#include "services/ingestion/ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace carestat {

std::string LedgerLine(const LedgerEntry& e) {
  google::protobuf::Struct s;
  auto& f = *s.mutable_fields();
  f["event"].set_string_value(e.event);
  f["return_id"].set_string_value(e.return_id);
  f["generation"].set_string_value(std::to_string(e.generation));  // exact beyond 2^53
  f["sha256"].set_string_value(e.sha256);
  auto& rec = *f["records"].mutable_struct_value()->mutable_fields();
  for (const auto& [k, n] : e.records) rec[k].set_number_value(static_cast<double>(n));
  f["file"].set_string_value(e.file);
  f["unix_ms"].set_number_value(static_cast<double>(e.unix_ms));
  if (!e.note.empty()) f["note"].set_string_value(e.note);
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(s, &out);
  return out;
}

bool ParseLedgerLine(const std::string& line, LedgerEntry* e) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(line, &s).ok()) return false;
  const auto& f = s.fields();
  auto str = [&](const char* k) { return f.count(k) ? f.at(k).string_value() : std::string(); };
  *e = LedgerEntry();
  e->event = str("event");
  e->return_id = str("return_id");
  e->sha256 = str("sha256");
  e->file = str("file");
  e->note = str("note");
  if (!absl::SimpleAtoi(str("generation"), &e->generation)) return false;
  e->unix_ms = f.count("unix_ms") ? static_cast<int64_t>(f.at("unix_ms").number_value()) : 0;
  if (f.count("records")) {
    for (const auto& [k, v] : f.at("records").struct_value().fields()) {
      e->records[k] = static_cast<int64_t>(v.number_value());
    }
  }
  return !e->return_id.empty() && !e->event.empty();
}

namespace {
absl::Status ReadInto(const std::string& path, std::map<std::string, LedgerEntry>* latest) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("cannot read the ledger ", path, ": ", std::strerror(errno)));
  }
  std::string line;
  while (std::getline(in, line)) {
    LedgerEntry e;
    if (ParseLedgerLine(line, &e)) (*latest)[e.return_id] = std::move(e);
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<std::map<std::string, LedgerEntry>> Ledger::ReadLatest(const std::string& path) {
  std::map<std::string, LedgerEntry> latest;
  if (absl::Status s = ReadInto(path, &latest); !s.ok()) return s;
  return latest;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path) {
  auto l = std::unique_ptr<Ledger>(new Ledger());
  l->path_ = path;
  if (absl::Status s = ReadInto(path, &l->latest_); !s.ok()) return s;
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  l->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (l->fd_ < 0) {
    return absl::InternalError(absl::StrCat("cannot open the ledger ", path, ": ", std::strerror(errno)));
  }
  ::fchmod(l->fd_, 0600);
  if (!existed) {
    // The new file's name must survive a crash too.
    int dfd = ::open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  // A torn last line from a crash would glue onto the next one: start on a new line.
  off_t end = ::lseek(l->fd_, 0, SEEK_END);
  if (end > 0) {
    std::ifstream tail(path, std::ios::binary);
    tail.seekg(-1, std::ios::end);
    char c = 0;
    tail.get(c);
    if (c != '\n' && ::write(l->fd_, "\n", 1) != 1) {
      return absl::UnavailableError(absl::StrCat("cannot write the ledger ", path, ": ", std::strerror(errno)));
    }
  }
  return l;
}

Ledger::~Ledger() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status Ledger::Append(const LedgerEntry& e) {
  std::string line = LedgerLine(e) + "\n";
  ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size()) || ::fsync(fd_) != 0) {
    int err = errno;
    if (n > 0 && n != static_cast<ssize_t>(line.size())) {
      (void)!::write(fd_, "\n", 1);  // end the torn line so the next one reads
    }
    return absl::UnavailableError(absl::StrCat("cannot append to the acknowledgement ledger ", path_, ": ",
                                               std::strerror(err)));
  }
  latest_[e.return_id] = e;
  return absl::OkStatus();
}

LedgerEntry Ledger::FromInfo(const v1::ReturnInfo& info, const std::string& event) {
  LedgerEntry e;
  e.event = event;
  e.return_id = info.return_id();
  e.generation = info.generation();
  e.sha256 = info.content_sha256();
  for (const auto& [k, n] : info.record_counts()) e.records[k] = n;
  e.file = info.file_name();
  e.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
  return e;
}

std::string LostReturn::Describe() const { return absl::StrCat(return_id, ": ", What()); }

std::string LostReturn::What() const {
  int64_t total = 0;
  for (const auto& [k, n] : acknowledged.records) total += n;
  // The file name came from a client: escaped, so it cannot forge a log line.
  return absl::StrCat("acknowledged file '", absl::CEscape(acknowledged.file), "' (sha256 ",
                      acknowledged.sha256.substr(0, 12), ", ", total, " records, generation ",
                      acknowledged.generation, "); ", problem);
}

std::vector<LostReturn> CompareLedger(const std::map<std::string, LedgerEntry>& latest,
                                      const std::vector<v1::ReturnInfo>& held,
                                      std::vector<v1::ReturnInfo>* newer) {
  std::map<std::string, const v1::ReturnInfo*> by_id;
  for (const auto& r : held) by_id[r.return_id()] = &r;
  std::vector<LostReturn> lost;
  for (const auto& [id, e] : latest) {
    auto it = by_id.find(id);
    if (e.event == "lost-accepted") {
      // Given up by the operator; only a newer generation (sent again) is news.
      if (it != by_id.end() && it->second->generation() > e.generation && newer) newer->push_back(*it->second);
      continue;
    }
    if (it == by_id.end()) {
      lost.push_back({id, e, "the store holds no such return"});
      continue;
    }
    const v1::ReturnInfo& r = *it->second;
    if (r.generation() < e.generation) {
      lost.push_back({id, e, absl::StrCat("the store holds an older version instead ('", r.file_name(),
                                          "', generation ", r.generation(), ")")});
    } else if (r.generation() == e.generation && r.content_sha256() != e.sha256) {
      lost.push_back({id, e, absl::StrCat("the store holds other content under that generation (sha256 ",
                                          r.content_sha256().substr(0, 12), ")")});
    } else if (r.generation() > e.generation && newer) {
      newer->push_back(r);
    }
  }
  if (newer) {
    for (const auto& r : held) {
      if (!latest.count(r.return_id())) newer->push_back(r);
    }
  }
  return lost;
}

}  // namespace carestat
