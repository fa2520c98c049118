// File: certs.h
// What `carestat certs` and `carestat token` make: a local certificate authority, a
// server certificate and a client certificate (OpenSSL, ECDSA P-256, SHA-256), and new
// bearer tokens with their tokens-file line. For a council without its own PKI, or for
// tests; none of these files may ever be committed.
//   CertsOptions o;  o.out_dir = "/etc/carestat/tls";  o.hosts = {"ingest.internal"};
//   auto r = MakeCerts(o);   // ca.pem ca.key server.pem server.key client.pem client.key
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace carestat {

struct KeyAndCert {
  std::string cert_pem;
  std::string key_pem;   // PKCS#8, unencrypted
};

// A self-signed CA certificate valid from now for `days`.
absl::StatusOr<KeyAndCert> MakeCa(const std::string& common_name, int days);

struct CertRequest {
  std::string common_name;
  std::vector<std::string> sans;   // DNS names and IP addresses (told apart by parsing)
  bool server = false;             // extendedKeyUsage serverAuth
  bool client = false;             // extendedKeyUsage clientAuth
  // Validity relative to now, in seconds; a negative not_after makes an expired
  // certificate (tests).
  int64_t not_before_seconds = -300;
  int64_t not_after_seconds = 397 * 86400;
};

// A certificate for `req`, signed by `ca`, with a new key.
absl::StatusOr<KeyAndCert> IssueCert(const KeyAndCert& ca, const CertRequest& req);

struct CertsOptions {
  std::string out_dir;
  std::vector<std::string> hosts;   // besides localhost and 127.0.0.1 (and ::1)
  std::string principal = "carestat";   // the client certificate's CN
  int days = 397;                   // leaf certificates; the CA gets ten years
};

struct CertsResult {
  std::vector<std::string> written;   // paths
  bool reused_ca = false;
};

// Writes OUT/ca.pem, ca.key (a CA already in OUT is reused, so that further server and
// client certificates share it), server.pem, server.key, client.pem, client.key. Keys are
// written with mode 0600, certificates 0644, each through a temporary file and rename.
absl::StatusOr<CertsResult> MakeCerts(const CertsOptions& options);

// Writes `content` to `path` with `mode`, atomically (temporary file, fsync, rename).
absl::Status WriteFileWithMode(const std::string& path, const std::string& content, int mode);

struct NewTokenLine {
  std::string token;   // shown once, never stored by carestat
  std::string line;    // "sha256hex principal roles", for the tokens file
};
// Fails on an unknown role or a principal name with spaces.
absl::StatusOr<NewTokenLine> MakeTokenLine(const std::string& principal, const std::string& roles);

}  // namespace carestat
