#include "services/common/keys.h"

namespace carestat {

KeyBuilder& KeyBuilder::U8(uint8_t v) {
  key_.push_back(static_cast<char>(v));
  return *this;
}
KeyBuilder& KeyBuilder::U16(uint16_t v) {
  key_.push_back(static_cast<char>(v >> 8));
  key_.push_back(static_cast<char>(v));
  return *this;
}
KeyBuilder& KeyBuilder::U32(uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) key_.push_back(static_cast<char>(v >> s));
  return *this;
}
KeyBuilder& KeyBuilder::U64(uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) key_.push_back(static_cast<char>(v >> s));
  return *this;
}
KeyBuilder& KeyBuilder::Str(std::string_view s) {
  U16(static_cast<uint16_t>(s.size()));
  key_.append(s.data(), s.size());
  return *this;
}

bool KeyReader::Take(size_t n, std::string_view* out) {
  if (rest_.size() < n) {
    rest_ = {};
    return false;
  }
  *out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return true;
}

namespace {
uint64_t BigEndian(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}
}  // namespace

bool KeyReader::U8(uint8_t* v) {
  std::string_view b;
  if (!Take(1, &b)) return false;
  *v = static_cast<uint8_t>(BigEndian(b));
  return true;
}
bool KeyReader::U16(uint16_t* v) {
  std::string_view b;
  if (!Take(2, &b)) return false;
  *v = static_cast<uint16_t>(BigEndian(b));
  return true;
}
bool KeyReader::U32(uint32_t* v) {
  std::string_view b;
  if (!Take(4, &b)) return false;
  *v = static_cast<uint32_t>(BigEndian(b));
  return true;
}
bool KeyReader::U64(uint64_t* v) {
  std::string_view b;
  if (!Take(8, &b)) return false;
  *v = BigEndian(b);
  return true;
}
bool KeyReader::Str(std::string* s) {
  uint16_t n;
  if (!U16(&n)) return false;
  std::string_view b;
  if (!Take(n, &b)) return false;
  s->assign(b.data(), b.size());
  return true;
}

std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char c = static_cast<unsigned char>(prefix.back());
    if (c != 0xff) {
      prefix.back() = static_cast<char>(c + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace carestat
