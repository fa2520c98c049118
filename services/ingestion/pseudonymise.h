// File: pseudonymise.h
// Replaces a child's identifier with HMAC-SHA-256 under a key kept in the data
// directory, so the same child links across returns and nobody without the key can
// go back from a pseudonym to the LA's identifier.
//   auto p = Pseudonymiser::LoadOrCreate(data_dir + "/hmac.key");
//   std::string id = (*p)->Pseudonym("301", "DfEX0000001");   // 32 hex characters
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace carestat {

class Pseudonymiser {
 public:
  // Reads a 32-byte key, or creates one from OpenSSL's RAND_bytes with mode 0600 when
  // the file does not exist. A key file of another size or readable by others is an
  // error that says so.
  static absl::StatusOr<std::unique_ptr<Pseudonymiser>> LoadOrCreate(const std::string& path);
  // For tests: a given key.
  explicit Pseudonymiser(std::string key) : key_(std::move(key)) {}

  // The first 128 bits of HMAC-SHA-256(key, la "\0" id), hex. The LA is part of the
  // input because an identifier is only unique within its LA.
  std::string Pseudonym(const std::string& la, const std::string& raw_id) const;

  // HMAC-SHA-256(key, a fixed label), hex: tells one key from another without revealing
  // it. The store records it at creation so that a different key is refused at open.
  std::string Fingerprint() const;

 private:
  std::string key_;
};

}  // namespace carestat
