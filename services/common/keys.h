// File: keys.h
// The one key codec of carestat's RocksDB stores: fixed-width big-endian integers and
// length-prefixed strings, so byte order is query order and the LA comes first.
//   std::string k = KeyBuilder().Str("301").U16(2016).Str("cin-census").U32(7).Build();
//   KeyReader r(k); std::string la; uint16_t y; r.Str(&la) && r.U16(&y);
// Strings are prefixed with their length as a big-endian u16 (at most 65535 bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace carestat {

class KeyBuilder {
 public:
  KeyBuilder& U8(uint8_t v);
  KeyBuilder& U16(uint16_t v);
  KeyBuilder& U32(uint32_t v);
  KeyBuilder& U64(uint64_t v);
  // REQUIRES: s.size() <= 65535.
  KeyBuilder& Str(std::string_view s);
  std::string Build() const { return key_; }
  const std::string& view() const { return key_; }

 private:
  std::string key_;
};

// Reads fields back in the order they were written; each returns false (and reads
// nothing further) when the key is too short.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : rest_(key) {}
  bool U8(uint8_t* v);
  bool U16(uint16_t* v);
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool Str(std::string* s);
  bool AtEnd() const { return rest_.empty(); }

 private:
  bool Take(size_t n, std::string_view* out);
  std::string_view rest_;
};

// The smallest key greater than every key with this prefix ("" when none exists).
std::string PrefixSuccessor(std::string prefix);

}  // namespace carestat
