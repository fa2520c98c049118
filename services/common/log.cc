#include "services/common/log.h"

#include <atomic>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace carestat {
namespace {
std::mutex g_mu;
std::string g_component = "carestat";
std::atomic<bool> g_quiet{false};
std::atomic<LogFormat> g_format{LogFormat::kText};
}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }

bool SetLogFormatByName(const std::string& name) {
  if (name == "text") SetLogFormat(LogFormat::kText);
  else if (name == "json") SetLogFormat(LogFormat::kJson);
  else return false;
  return true;
}

void SetLogComponent(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_component = name;
}

void SetLogQuiet(bool quiet) { g_quiet = quiet; }

namespace {

bool Disguises(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

size_t Utf8SequenceAt(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  if (i >= s.size()) return 0;
  const unsigned char c = b(i);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n = 0;
  uint32_t v = 0, min = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

std::string EscapeForLog(std::string_view s, size_t max_bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() < 256 ? s.size() + 8 : 256);
  size_t i = 0;
  while (i < s.size()) {
    if (max_bytes > 0 && out.size() >= max_bytes) {
      out += "... (" + std::to_string(s.size() - i) + " more bytes)";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20 || c == 0x7F) {
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t n = Utf8SequenceAt(s, i, &cp);
    if (n == 0) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
    } else if (Disguises(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(cp));
      out += buf;
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

LogLine::~LogLine() {
  if (level_ == LogLevel::kInfo && g_quiet) return;
  const auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  if (g_format == LogFormat::kJson) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    char when[48];
    std::snprintf(when, sizeof when, "%s.%03dZ", ts, static_cast<int>(ms));
    std::string message = stream_.str();
    if (message.size() > kMaxLogLineBytes) {
      const size_t left = message.size() - kMaxLogLineBytes;
      message.resize(kMaxLogLineBytes);
      message += "... (" + std::to_string(left) + " more bytes)";
    }
    nlohmann::ordered_json line;
    line["time"] = when;
    line["level"] = level_ == LogLevel::kInfo ? "info" : level_ == LogLevel::kWarning ? "warning" : "error";
    {
      std::lock_guard<std::mutex> lock(g_mu);
      line["component"] = g_component;
    }
    line["message"] = message;
    line["fields"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : fields_) line["fields"][k] = v.size() > 1024 ? v.substr(0, 1024) + "..." : v;
    // ensure_ascii: \uXXXX for every non-ASCII character (the line separators and
    // direction overrides included); replace: bytes that are not UTF-8 become U+FFFD.
    const std::string text = line.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(g_mu);
    std::fprintf(stderr, "%s\n", text.c_str());
    return;
  }
  const char* lvl = level_ == LogLevel::kInfo ? "I" : level_ == LogLevel::kWarning ? "W" : "E";
  // Fields are for machines (JSON): the message says in words what a reader needs.
  const std::string message = EscapeForLog(stream_.str(), kMaxLogLineBytes);
  std::lock_guard<std::mutex> lock(g_mu);
  std::fprintf(stderr, "%sZ %s %s: %s\n", ts, lvl, EscapeForLog(g_component).c_str(), message.c_str());
}

}  // namespace carestat
