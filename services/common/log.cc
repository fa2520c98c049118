#include "services/common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace carestat {
namespace {
std::mutex g_mu;
std::string g_component = "carestat";
std::atomic<bool> g_quiet{false};
}  // namespace

void SetLogComponent(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_component = name;
}

void SetLogQuiet(bool quiet) { g_quiet = quiet; }

LogLine::~LogLine() {
  if (level_ == LogLevel::kInfo && g_quiet) return;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const char* lvl = level_ == LogLevel::kInfo ? "I" : level_ == LogLevel::kWarning ? "W" : "E";
  std::lock_guard<std::mutex> lock(g_mu);
  std::fprintf(stderr, "%s %s %s: %s\n", ts, lvl, g_component.c_str(), stream_.str().c_str());
}

}  // namespace carestat
