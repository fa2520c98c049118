#include "services/common/audit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/log.h"

namespace carestat {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// LA codes are three digits; comparators and regions are codes like E92000001; "*" is
// every LA. Anything else is not logged.
std::string CleanLa(const std::string& s) {
  if (s.empty() || s.size() > 12) return s.empty() ? s : "?";
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*')) return "?";
  }
  return s;
}

// "2015-16", "2015-06", "2016", "2013-16".
std::string CleanYear(const std::string& s) {
  if (s.empty() || s.size() > 9) return s.empty() ? s : "?";
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '-')) return "?";
  }
  return s;
}

// "301/2016/cin-census".
std::string CleanReturnId(const std::string& s) {
  if (s.empty() || s.size() > 64) return "?";
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '-' ||
          c == '_')) {
      return "?";
    }
  }
  return s;
}

// An indicator id: "cpp_ceased_2y_plus_pct".
std::string CleanIndicator(const std::string& s) {
  if (s.empty() || s.size() > 64) return s.empty() ? s : "?";
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_')) return "?";
  }
  return s;
}

bool IsInt(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

int64_t IntValue(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return index < 0 ? r->GetInt32(m, f) : r->GetRepeatedInt32(m, f, index);
    case FieldDescriptor::CPPTYPE_INT64:
      return index < 0 ? r->GetInt64(m, f) : r->GetRepeatedInt64(m, f, index);
    case FieldDescriptor::CPPTYPE_UINT32:
      return index < 0 ? r->GetUInt32(m, f) : r->GetRepeatedUInt32(m, f, index);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<int64_t>(index < 0 ? r->GetUInt64(m, f) : r->GetRepeatedUInt64(m, f, index));
    default:
      return 0;
  }
}

void Extract(const Message& m, AuditEvent* e, int depth, bool* seen_la, bool* seen_years, bool* seen_year,
             bool* seen_period) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string& name = f->name();
    if (name == "la" && !*seen_la && !f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string v = r->GetString(m, f);
      if (!v.empty()) {
        e->la = CleanLa(v);
        *seen_la = true;
      }
    } else if ((name == "collection_years" || name == "collection_year") && !*seen_years && IsInt(f)) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(m, f);
        for (int k = 0; k < n && k < 50; ++k) e->collection_years.push_back(IntValue(m, f, k));
        if (n > 0) *seen_years = true;
      } else if (int64_t v = IntValue(m, f, -1); v != 0) {
        e->collection_years.push_back(v);
        *seen_years = true;
      }
    } else if (name == "year" && !*seen_year && !f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string v = r->GetString(m, f);
      if (!v.empty()) {
        e->year = CleanYear(v);
        *seen_year = true;
      }
    } else if ((name == "return_id" || name == "return_ids") && e->return_ids.empty() &&
               f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(m, f);
        for (int k = 0; k < n && k < 50; ++k) e->return_ids.push_back(CleanReturnId(r->GetRepeatedString(m, f, k)));
        if (n > 50) e->return_ids.push_back(absl::StrCat("... ", n - 50, " more"));
      } else if (std::string v = r->GetString(m, f); !v.empty()) {
        e->return_ids.push_back(CleanReturnId(v));
      }
    } else if (name == "indicator" && depth == 0 && e->indicator.empty() && !f->is_repeated() &&
               f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      e->indicator = CleanIndicator(r->GetString(m, f));
    } else if (name == "period" && !*seen_period && !f->is_repeated() &&
               f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      std::string v = r->GetString(m, f);
      if (!v.empty()) {
        e->period = CleanYear(v);
        *seen_period = true;
      }
    }
  }
  if (depth >= 2) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || !r->HasField(m, f)) continue;
    if (f->message_type()->full_name() == v1::Period::descriptor()->full_name()) {
      // A period passed whole (ListChildrenRequest.exact_period) is the one served: it
      // names a December month or a rolling window the text "period" cannot. Written
      // from its numbers, never from request text.
      v1::Period p;
      p.CopyFrom(r->GetMessage(m, f));
      e->period = ValidPeriod(p, nullptr) ? DescribePeriod(p) : "?";
      *seen_period = true;
      continue;
    }
    Extract(r->GetMessage(m, f), e, depth + 1, seen_la, seen_years, seen_year, seen_period);
  }
}

std::string CodeName(int code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  if (code >= 0 && code <= 16) return kNames[code];
  return absl::StrCat("CODE_", code);
}

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace

void AuditFieldsFromRequest(const Message& request, AuditEvent* e) {
  bool la = false, years = false, year = false, period = false;
  Extract(request, e, 0, &la, &years, &year, &period);
  // A return id names its LA: GetIssues says which LA was read even though its request
  // has no `la` field.
  if (e->la.empty() && !e->return_ids.empty()) {
    const std::string& id = e->return_ids.front();
    e->la = CleanLa(id.substr(0, id.find('/')));
  }
}

void AuditFieldsFromResponse(const Message& response, AuditEvent* e) {
  const FieldDescriptor* f = response.GetDescriptor()->FindFieldByName("children_returned");
  if (f == nullptr || f->is_repeated() || !IsInt(f)) return;
  e->children = IntValue(response, f, -1);
}

// One line of ASCII (JsonAsciiLine): a value holding a newline, U+2028 or an escape
// sequence cannot make a second event or move a terminal's cursor.
std::string AuditLine(const AuditEvent& e) {
  Json j = {{"time", Timestamp()}, {"principal", e.principal.empty() ? "-" : e.principal}, {"method", e.method}};
  if (!e.la.empty()) j["la"] = e.la;
  if (!e.collection_years.empty()) j["collection_years"] = e.collection_years;
  if (!e.year.empty()) j["year"] = e.year;
  if (!e.period.empty()) j["period"] = e.period;
  if (!e.return_ids.empty()) j["return_ids"] = e.return_ids;
  if (!e.indicator.empty()) j["indicator"] = e.indicator;
  if (e.children >= 0) j["children"] = e.children;
  j["outcome"] = CodeName(e.code);
  j["code"] = e.code;
  if (e.http_status) j["http_status"] = e.http_status;
  if (!e.reason.empty()) j["reason"] = e.reason;
  j["bytes_in"] = e.bytes_in;
  j["bytes_out"] = e.bytes_out;
  if (e.ms >= 0) j["ms"] = e.ms;
  if (!e.peer.empty()) j["peer"] = e.peer;
  return JsonAsciiLine(j);
}

absl::StatusOr<std::shared_ptr<AuditLog>> AuditLog::Open(const std::string& path, int64_t max_bytes, int keep) {
  std::shared_ptr<AuditLog> log(new AuditLog());
  log->path_ = path;
  log->max_bytes_ = max_bytes;
  log->keep_ = keep < 1 ? 1 : keep;
  if (!log->Reopen()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the audit log ", path, " for appending: ", std::strerror(errno)));
  }
  return log;
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AuditLog::Reopen() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return false;
  struct stat st {};
  size_ = ::fstat(fd_, &st) == 0 ? st.st_size : 0;
  return true;
}

void AuditLog::Rotate() {
  // FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1; the oldest beyond `keep` is replaced.
  for (int i = keep_ - 1; i >= 1; --i) {
    const std::string from = absl::StrCat(path_, ".", i), to = absl::StrCat(path_, ".", i + 1);
    ::rename(from.c_str(), to.c_str());   // a missing FILE.i is fine
  }
  ::rename(path_.c_str(), (path_ + ".1").c_str());
  Reopen();
}

void AuditLog::Write(const AuditEvent& e) {
  const std::string line = AuditLine(e) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (max_bytes_ > 0 && size_ > 0 && size_ + static_cast<int64_t>(line.size()) > max_bytes_) Rotate();
  bool ok = fd_ >= 0;
  if (ok) {
    const ssize_t n = ::write(fd_, line.data(), line.size());
    ok = n == static_cast<ssize_t>(line.size());
    if (n > 0) size_ += n;
  }
  if (!ok) {
    ++failures_;
    const int64_t now = NowMs();
    if (now - last_complaint_ms_ > 60000) {
      last_complaint_ms_ = now;
      CS_LOG(ERROR) << "cannot append to the audit log " << path_ << ": " << std::strerror(errno) << " ("
                    << failures_ << " lines lost so far)";
    }
    if (fd_ < 0) Reopen();
  }
}

}  // namespace carestat
