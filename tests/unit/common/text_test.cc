// Utf8Text and JsonQuote: what the CLI and validate write by hand is always valid UTF-8
// and always parses as JSON, whatever bytes an identifier or a file name holds.
#include "services/common/text.h"

#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>

namespace carestat {
namespace {

std::string ParsedBack(const std::string& json_literal) {
  google::protobuf::Value v;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json_literal, &v).ok()) << json_literal;
  return v.string_value();
}

TEST(TextTest, JsonQuoteParsesBackToTheSameText) {
  for (const std::string& s : {std::string("plain"), std::string("quote \" and \\ slash"),
                              std::string("line\nbreak\r\ttab"), std::string("nul \x01\x1f end", 12),
                              std::string("caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d")}) {
    EXPECT_EQ(ParsedBack(JsonQuote(s)), s);
  }
}

TEST(TextTest, BytesThatAreNotUtf8BecomeTheReplacementCharacter) {
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const std::string raw = "a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "e";
  const std::string back = ParsedBack(JsonQuote(raw));
  EXPECT_EQ(back.find('\x80'), std::string::npos);
  EXPECT_EQ(back.substr(0, 1), "a");
  EXPECT_NE(back.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(Utf8Text("a\xff" "b", "?", false), "a?b");
  EXPECT_EQ(Utf8Text("caf\xc3\xa9", "?", false), "caf\xc3\xa9");
}

TEST(TextTest, ControlCharactersAreReplacedOnlyWhenAsked) {
  EXPECT_EQ(Utf8Text("a\x01" "b\tc", "?", true), "a?b\tc");
  EXPECT_EQ(Utf8Text("a\x01" "b", "?", false), "a\x01" "b");
}

}  // namespace
}  // namespace carestat
