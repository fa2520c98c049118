#include "services/ingestion/ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/json.h"

namespace carestat {

std::string LedgerLine(const LedgerEntry& e) {
  Json records = Json::object();
  for (const auto& [k, n] : e.records) records[k] = n;
  Json j = {{"event", e.event},
            {"return_id", e.return_id},
            {"generation", std::to_string(e.generation)},  // a string: exact beyond 2^53
            {"sha256", e.sha256},
            {"records", std::move(records)},
            {"file", e.file},
            {"unix_ms", e.unix_ms}};
  if (!e.note.empty()) j["note"] = e.note;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool ParseLedgerLine(const std::string& line, LedgerEntry* e) {
  const Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  *e = LedgerEntry();
  e->event = JsonString(j, "event");
  e->return_id = JsonString(j, "return_id");
  e->sha256 = JsonString(j, "sha256");
  e->file = JsonString(j, "file");
  e->note = JsonString(j, "note");
  if (!absl::SimpleAtoi(JsonString(j, "generation"), &e->generation)) return false;
  e->unix_ms = JsonInt(j, "unix_ms");
  if (auto it = j.find("records"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) e->records[k] = JsonInt(*it, k);
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
