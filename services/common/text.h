// File: text.h
// Text made safe for the formats carestat writes by hand, where a library writer would
// cost too much per item (validate's streamed JSON, a workbook's cells, one-line JSON
// answers of the CLI).
//   Utf8Text("a\xffb", "?", false) == "a?b"
//   JsonQuote("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\""
#pragma once

#include <string>

namespace carestat {

// `s` with every byte that does not start a valid UTF-8 character (overlong forms,
// surrogates, beyond U+10FFFF, U+FFFE and U+FFFF included) replaced by `bad`: JSON and a
// workbook's XML must be UTF-8, and one odd byte in an identifier must not make the whole
// output unreadable. Control characters are replaced too when `controls` (XML 1.0 allows
// none but tab and line ends).
std::string Utf8Text(const std::string& s, const char* bad, bool controls);

// A JSON string literal (quotes included) holding `raw`; a byte that is not UTF-8
// becomes U+FFFD, so the result always parses.
std::string JsonQuote(const std::string& raw);

}  // namespace carestat
