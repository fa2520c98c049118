// File: log.h
// A small structured logger to stderr (Abseil 20220623 has no absl/log).
//   CS_LOG(INFO) << "listening on " << addr;
//   CS_LOG(ERROR) << "cannot open " << path << ": " << status;
//   CS_LOG(INFO).With("la", "301").With("records", 1200) << "recomputed";
// Lines are "2016-03-31T12:00:00Z I ingestion: recomputed" (fields are for machines:
// the message says in words what a reader needs), or with
// SetLogFormat(LogFormat::kJson) (--log-format json, for journald and log shippers) one
// JSON object per line: {"time":"2016-03-31T12:00:00.123Z","level":"info",
// "component":"ingestion","message":"recomputed","fields":{"la":"301","records":"1200"}}.
// Thread-safe per line.
// One event is always one line: control characters (a newline in an uploaded file's
// name), invalid UTF-8 and Unicode line separators or direction overrides in a message
// are written escaped (\n, \x1b, \u{2028}), and a line is cut at kMaxLogLineBytes. In
// JSON every string is JSON-escaped and every non-ASCII character written \uXXXX (bytes
// that are not UTF-8 as U+FFFD), so a line is plain ASCII whatever a message holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carestat {

enum class LogLevel { kInfo, kWarning, kError };

constexpr size_t kMaxLogLineBytes = 8192;

// `s` with every byte that could break or disguise a log line escaped: C0 and C1
// controls and DEL (\n \r \t, else \xHH), bytes that are not valid UTF-8 (\xHH), and
// U+2028, U+2029 and the bidirectional controls (\u{202e}). Printable text, including
// other non-ASCII letters, is kept. With max_bytes > 0 the result is cut to about that
// many bytes, saying how many were left out.
std::string EscapeForLog(std::string_view s, size_t max_bytes = 0);
// The length (1 to 4) of the valid UTF-8 sequence starting at s[i], with its code point;
// 0 when the bytes there are not valid UTF-8. For s[i] < 0x80 it is 1.
size_t Utf8SequenceAt(std::string_view s, size_t i, uint32_t* code_point);

// Sets the component name printed on every line (e.g. "ingestion").
void SetLogComponent(const std::string& name);
// Suppresses INFO lines (used by CLI commands whose stdout is data).
void SetLogQuiet(bool quiet);

enum class LogFormat { kText, kJson };
void SetLogFormat(LogFormat format);
// "text" or "json" (the --log-format flag): false, changing nothing, for anything else.
bool SetLogFormatByName(const std::string& name);

class LogLine {
 public:
  explicit LogLine(LogLevel level) : level_(level) {}
  ~LogLine();
  template <typename T>
  LogLine& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }
  // A field of the event: a member of "fields" in JSON (text lines leave fields out).
  // Keys are the caller's constants; values are escaped like the message.
  template <typename T>
  LogLine& With(const std::string& key, const T& v) {
    std::ostringstream value;
    value << v;
    fields_.emplace_back(key, value.str());
    return *this;
  }

 private:
  LogLevel level_;
  std::ostringstream stream_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace carestat

#define CS_LOG_INFO ::carestat::LogLevel::kInfo
#define CS_LOG_WARNING ::carestat::LogLevel::kWarning
#define CS_LOG_ERROR ::carestat::LogLevel::kError
#define CS_LOG(level) ::carestat::LogLine(CS_LOG_##level)
