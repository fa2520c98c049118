#include "services/common/text.h"

#include <cstdint>
#include <cstdio>

#include "services/common/log.h"  // Utf8SequenceAt

namespace carestat {

std::string Utf8Text(const std::string& s, const char* bad, bool controls) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = Utf8SequenceAt(s, i, &cp);
    const bool control = cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r';
    if (n == 0 || cp == 0xFFFE || cp == 0xFFFF || (controls && control)) {
      out += bad;
      ++i;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string JsonQuote(const std::string& raw) {
  // JSON is UTF-8: a byte that is not becomes U+FFFD.
  const std::string s = Utf8Text(raw, "\xEF\xBF\xBD", /*controls=*/false);
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

}  // namespace carestat
