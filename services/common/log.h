// File: log.h
// A small structured logger to stderr (Abseil 20220623 has no absl/log).
//   CS_LOG(INFO) << "listening on " << addr;
//   CS_LOG(ERROR) << "cannot open " << path << ": " << status;
// Lines are "2016-03-31T12:00:00Z I ingestion: message". Thread-safe per line.
#pragma once

#include <sstream>
#include <string>

namespace carestat {

enum class LogLevel { kInfo, kWarning, kError };

// Sets the component name printed on every line (e.g. "ingestion").
void SetLogComponent(const std::string& name);
// Suppresses INFO lines (used by CLI commands whose stdout is data).
void SetLogQuiet(bool quiet);

class LogLine {
 public:
  explicit LogLine(LogLevel level) : level_(level) {}
  ~LogLine();
  template <typename T>
  LogLine& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

}  // namespace carestat

#define CS_LOG_INFO ::carestat::LogLevel::kInfo
#define CS_LOG_WARNING ::carestat::LogLevel::kWarning
#define CS_LOG_ERROR ::carestat::LogLevel::kError
#define CS_LOG(level) ::carestat::LogLine(CS_LOG_##level)
