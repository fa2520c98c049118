// Utf8Text: what a workbook's cells hold is always valid UTF-8, whatever bytes an
// identifier or a file name holds.
#include "services/common/text.h"

#include <gtest/gtest.h>

#include <string>

namespace carestat {
namespace {

TEST(TextTest, BytesThatAreNotUtf8AreReplaced) {
  EXPECT_EQ(Utf8Text("a\xff" "b", "?", false), "a?b");
  EXPECT_EQ(Utf8Text("a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "e", "?", false), "a?b??c??d???e");
  EXPECT_EQ(Utf8Text("caf\xc3\xa9", "?", false), "caf\xc3\xa9");
}

TEST(TextTest, ControlCharactersAreReplacedOnlyWhenAsked) {
  EXPECT_EQ(Utf8Text("a\x01" "b\tc", "?", true), "a?b\tc");
  EXPECT_EQ(Utf8Text("a\x01" "b", "?", false), "a\x01" "b");
}

}  // namespace
}  // namespace carestat
