// The one JSON writer (services/common/json.h): what the CLI, validate and the audit log
// write always parses, back to the same values, whatever bytes an identifier or a file
// name holds. Parsed back here with Protobuf's JSON parser, not nlohmann's, so a fault
// of the writer's library cannot agree with itself.
#include "services/common/json.h"

#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "carestat/v1/reporting.pb.h"

namespace carestat {
namespace {

google::protobuf::Value Parsed(const std::string& json) {
  google::protobuf::Value v;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &v).ok()) << json;
  return v;
}

std::string ParsedBack(const std::string& json_literal) { return Parsed(json_literal).string_value(); }

TEST(JsonTest, JsonQuoteParsesBackToTheSameText) {
  for (const std::string& s : {std::string("plain"), std::string("quote \" and \\ slash"),
                              std::string("line\nbreak\r\ttab"), std::string("nul \x01\x1f end", 12),
                              std::string("caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d")}) {
    EXPECT_EQ(ParsedBack(JsonQuote(s)), s);
  }
  // UTF-8 text is written as it is; only what JSON requires is escaped.
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 \"x\"\n"), "\"caf\xc3\xa9 \\\"x\\\"\\n\"");
}

TEST(JsonTest, BytesThatAreNotUtf8BecomeTheReplacementCharacter) {
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const std::string raw = "a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "e";
  const std::string back = ParsedBack(JsonQuote(raw));
  EXPECT_EQ(back.find('\x80'), std::string::npos);
  EXPECT_EQ(back.substr(0, 1), "a");
  EXPECT_NE(back.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(back.find('e'), std::string::npos);
}

TEST(JsonTest, KeysKeepTheOrderWritten) {
  Json j;
  j["la"] = "301";
  j["period"] = "2015-16";
  j["values"] = Json::object();
  j["values"]["referrals"] = JsonNumber(3255);
  j["values"]["cpp_category_pct{category=EMO}"] = JsonNumber(50.25);
  EXPECT_EQ(JsonLine(j), R"({"la": "301", "period": "2015-16", "values": {"referrals": 3255, "cpp_category_pct{category=EMO}": 50.25}})");
}

TEST(JsonTest, ALineForAReaderHasItsSpacesAndNoOtherLineBreak) {
  Json j = {{"a", Json::array()}, {"b", Json::object()}, {"c", {1, 2}}, {"d", "x,\ny: z"}, {"e", nullptr}};
  EXPECT_EQ(JsonLine(j), R"({"a": [], "b": {}, "c": [1, 2], "d": "x,\ny: z", "e": null})");
  EXPECT_EQ(Parsed(JsonLine(j)).struct_value().fields().at("d").string_value(), "x,\ny: z");
}

TEST(JsonTest, NumbersAreWholeWhenWholeAndNullWhenNotFinite) {
  EXPECT_EQ(JsonLine(JsonNumber(3255.0)), "3255");
  EXPECT_EQ(JsonLine(JsonNumber(-2.0)), "-2");
  EXPECT_EQ(JsonLine(JsonNumber(0.1)), "0.1");
  EXPECT_EQ(Parsed(JsonLine(JsonNumber(1.0 / 3))).number_value(), 1.0 / 3);
  EXPECT_EQ(Parsed(JsonLine(JsonNumber(1e300))).number_value(), 1e300);
  EXPECT_EQ(JsonLine(JsonNumber(std::nan(""))), "null");
  EXPECT_EQ(JsonLine(JsonNumber(std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonTest, AsciiLinesEscapeEverythingThatCouldBreakALogLine) {
  // A newline, an invalid byte, DEL, U+2028 (a line separator to some viewers), NEL and
  // an escape sequence's ESC: none reaches the line as a raw byte.
  const std::string raw = "bad\nname\xff\x7f\xe2\x80\xa8\xc2\x85\x1b[2K caf\xc3\xa9";
  const std::string line = JsonAsciiLine(Json{{"principal", raw}});
  for (unsigned char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << line;
  EXPECT_EQ(line, R"({"principal":"bad\nname\ufffd\u007f\u2028\u0085\u001b[2K caf\u00e9"})");
  EXPECT_EQ(Parsed(line).struct_value().fields().at("principal").string_value(),
            "bad\nname\xef\xbf\xbd\x7f\xe2\x80\xa8\xc2\x85\x1b[2K caf\xc3\xa9");
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

// A map field's entries in key order, whatever order they were put in: Protobuf's own
// printer gave them in its hash table's order, seeded anew in each process, so a report's
// JSON differed from run to run.
TEST(MessageJson, MapEntriesAreInKeyOrderWhateverTheInsertionOrder) {
  std::vector<std::string> keys;
  for (int i = 0; i < 60; ++i) keys.push_back("kind_" + std::to_string(1000 + (i * 37) % 60));
  v1::ReturnQuality forward, backward;
  for (size_t i = 0; i < keys.size(); ++i) {
    (*forward.mutable_record_counts())[keys[i]] = static_cast<int64_t>(i);
    (*backward.mutable_record_counts())[keys[keys.size() - 1 - i]] = static_cast<int64_t>(keys.size() - 1 - i);
  }
  forward.set_return_id("301/2016/cin");
  backward.set_return_id("301/2016/cin");
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string a, b;
  ASSERT_TRUE(MessageJson(forward, o, &a).ok());
  ASSERT_TRUE(MessageJson(backward, o, &b).ok());
  EXPECT_EQ(a, b);
  // Protobuf's own mapping otherwise: field names, int64 as a string.
  EXPECT_NE(a.find("\"return_id\":\"301/2016/cin\""), std::string::npos) << a;
  size_t last = 0;
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& k : sorted) {
    const size_t at = a.find("\"" + k + "\":");
    ASSERT_NE(at, std::string::npos) << k;
    EXPECT_GT(at, last) << k << " is out of order in " << a;
    last = at;
  }
  // And it reads back as the same message.
  v1::ReturnQuality back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(a, &back).ok());
  EXPECT_EQ(back.record_counts().size(), 60u);
  EXPECT_EQ(back.record_counts().at(keys[7]), 7);
}

}  // namespace
}  // namespace carestat
