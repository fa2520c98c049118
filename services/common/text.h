// File: text.h
// Text made safe for the formats carestat writes by hand, where a library writer would
// cost too much per item (a workbook's cells); JSON is written by services/common/json.h.
//   Utf8Text("a\xffb", "?", false) == "a?b"
#pragma once

#include <string>

namespace carestat {

// `s` with every byte that does not start a valid UTF-8 character (overlong forms,
// surrogates, beyond U+10FFFF, U+FFFE and U+FFFF included) replaced by `bad`: JSON and a
// workbook's XML must be UTF-8, and one odd byte in an identifier must not make the whole
// output unreadable. Control characters are replaced too when `controls` (XML 1.0 allows
// none but tab and line ends).
std::string Utf8Text(const std::string& s, const char* bad, bool controls);

}  // namespace carestat
