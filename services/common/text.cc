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

}  // namespace carestat
