#include "services/common/keys.h"

#include <gtest/gtest.h>

namespace carestat {
namespace {

TEST(KeysTest, IntegersAreBigEndianSoByteOrderIsNumericOrder) {
  EXPECT_EQ(KeyBuilder().U16(0x0102).Build(), std::string("\x01\x02", 2));
  EXPECT_EQ(KeyBuilder().U32(1).Build(), std::string("\x00\x00\x00\x01", 4));
  // 255 < 256 must hold for the bytes too, which little-endian would break.
  EXPECT_LT(KeyBuilder().U32(255).Build(), KeyBuilder().U32(256).Build());
  EXPECT_LT(KeyBuilder().U64(1ULL << 40).Build(), KeyBuilder().U64((1ULL << 40) + 1).Build());
}

TEST(KeysTest, LaComesFirstAndYearsOrderWithinIt) {
  std::string a = KeyBuilder().Str("301").U16(2015).Str("cin-census").Build();
  std::string b = KeyBuilder().Str("301").U16(2016).Str("annex-a-list-1").Build();
  std::string c = KeyBuilder().Str("302").U16(2010).Str("annex-a-list-1").Build();
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST(KeysTest, RoundTrip) {
  std::string k = KeyBuilder().Str("301").U16(2016).Str("").U64(42).U32(7).U8(9).Build();
  KeyReader r(k);
  std::string la, empty;
  uint16_t y = 0;
  uint64_t g = 0;
  uint32_t s = 0;
  uint8_t b = 0;
  ASSERT_TRUE(r.Str(&la) && r.U16(&y) && r.Str(&empty) && r.U64(&g) && r.U32(&s) && r.U8(&b));
  EXPECT_EQ(la, "301");
  EXPECT_EQ(y, 2016);
  EXPECT_EQ(empty, "");
  EXPECT_EQ(g, 42u);
  EXPECT_EQ(s, 7u);
  EXPECT_EQ(b, 9);
  EXPECT_TRUE(r.AtEnd());
}

TEST(KeysTest, ShortKeyIsRefused) {
  std::string k = KeyBuilder().Str("301").Build();
  const std::string cut = k.substr(0, 3);  // the reader views it: it must outlive the reader
  KeyReader r(cut);                         // length says 3 bytes but only 1 follows
  std::string la;
  EXPECT_FALSE(r.Str(&la));
  uint32_t v;
  EXPECT_FALSE(KeyReader("ab").U32(&v));
}

TEST(KeysTest, PrefixSuccessorBoundsEveryKeyWithThePrefix) {
  std::string p = KeyBuilder().Str("301").U16(2016).Build();
  std::string end = PrefixSuccessor(p);
  EXPECT_LT(p + std::string(20, '\xff'), end);
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

}  // namespace
}  // namespace carestat
