// File: services/common/json.h
// The project's one JSON writer: MessageJson below for Protobuf messages (Protobuf's own
// mapping and printer, map keys in order), and for the rest nlohmann-json, with keys kept
// in the order written.
//   Json j = {{"la", "301"}, {"values", Json::object()}};
//   j["values"]["referrals"] = JsonNumber(3255.0);
//   JsonLine(j) == R"({"la": "301", "values": {"referrals": 3255}})"
//   JsonQuote("say \"hi\"\n") == R"("say \"hi\"\n")"
#pragma once

#include <string>

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace carestat {

// A Protobuf message as JSON, by Protobuf's own mapping and printer, with the entries of
// every map field in key order. util::MessageToJsonString prints a map in the order of
// the map's hash table, which Protobuf seeds anew in each process, so the same message
// gave differently ordered JSON from run to run (the report's record_counts, a Struct's
// keys). Here the message is serialised deterministically (map entries sorted by key)
// and the same printer turns those bytes into JSON. Every message printed as JSON by
// carestat goes through this.
absl::Status MessageJson(const google::protobuf::Message& message, const google::protobuf::util::JsonPrintOptions& options,
                         std::string* out);

using Json = nlohmann::ordered_json;

// A double as JSON: null for NaN and the infinities (JSON has neither), a whole number
// of at most 2^53 as an integer (3255, not 3255.0), any other value as the shortest text
// that reads back as the same double.
Json JsonNumber(double v);

// `j` on one line for a reader, as the CLI and the JSON API have always printed it: a
// space after each ':' and ',' ({"la": "301", "values": {"referrals": 3255}}). A byte
// that is not UTF-8 becomes U+FFFD, so the text always parses; other characters are
// written as they are (controls escaped, as JSON requires).
std::string JsonLine(const Json& j);

// `j` on one compact line of ASCII ({"la":"301"}), for logs: as JsonLine, with every
// character outside printable ASCII (DEL, C1 controls, U+2028 and U+2029 included)
// written as a \u escape, so that a value cannot start a line or move the cursor in a
// log or a terminal that shows it.
std::string JsonAsciiLine(const Json& j);

// A member of a parsed object read leniently (a line of a log carestat wrote): the string
// at `key`, or "" when absent or not a string; the number at `key` as an integer, or 0.
std::string JsonString(const Json& object, const std::string& key);
int64_t JsonInt(const Json& object, const std::string& key);

// A JSON string literal (quotes included) holding `raw`, as JsonLine writes it; for
// output streamed a piece at a time (validate's issues), where no whole document exists.
std::string JsonQuote(const std::string& raw);

}  // namespace carestat
