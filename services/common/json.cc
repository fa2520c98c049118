#include "services/common/json.h"

#include <cmath>

namespace carestat {

Json JsonNumber(double v) {
  if (!std::isfinite(v)) return nullptr;
  constexpr double kExact = 9007199254740992.0;  // 2^53: every whole double up to it is an int64
  if (v == std::trunc(v) && std::fabs(v) <= kExact) return static_cast<int64_t>(v);
  return v;
}

std::string JsonLine(const Json& j) {
  // nlohmann writes ": " only when indenting; indented by 0, every line break in its text
  // is one it put between items (a string's own line breaks are escaped), so joining the
  // lines, with a space after a comma, gives the one-line layout.
  const std::string text = j.dump(0, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\n') out += c;
    else if (!out.empty() && out.back() == ',') out += ' ';
  }
  return out;
}

std::string JsonAsciiLine(const Json& j) { return j.dump(-1, ' ', true, Json::error_handler_t::replace); }

std::string JsonQuote(const std::string& raw) { return JsonLine(Json(raw)); }

}  // namespace carestat
