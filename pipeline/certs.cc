#include "pipeline/certs.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <tuple>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/security.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status SslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, ": ", buf));
}

PkeyPtr NewKey() { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

absl::StatusOr<std::string> CertPem(X509* x) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(b.get(), x) != 1) return SslError("cannot write a certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, n);
}

absl::StatusOr<std::string> KeyPem(EVP_PKEY* k) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return SslError("cannot write a key");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, n);
}

absl::StatusOr<X509Ptr> ParseCert(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr x(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!x) return SslError("not a PEM certificate");
  return x;
}

absl::StatusOr<PkeyPtr> ParseKey(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr k(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
  if (!k) return SslError("not an unencrypted PEM private key");
  return k;
}

absl::Status AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return SslError(absl::StrCat("cannot make the extension ", OBJ_nid2sn(nid), " = ", value));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return SslError("cannot add an extension");
  return absl::OkStatus();
}

// A new certificate with `key`'s public half, subject CN, validity and serial set.
absl::StatusOr<X509Ptr> NewCert(EVP_PKEY* key, const std::string& cn, int64_t not_before, int64_t not_after) {
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return SslError("cannot make a certificate");
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x.get()))) {
    return SslError("cannot make a serial number");
  }
  X509_gmtime_adj(X509_getm_notBefore(x.get()), static_cast<long>(not_before));
  X509_gmtime_adj(X509_getm_notAfter(x.get()), static_cast<long>(not_after));
  X509_NAME* name = X509_get_subject_name(x.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                 -1, 0) != 1) {
    return SslError("cannot set the subject name");
  }
  if (X509_set_pubkey(x.get(), key) != 1) return SslError("cannot set the public key");
  return x;
}

bool IsIp(const std::string& h) {
  in_addr v4;
  in6_addr v6;
  return inet_pton(AF_INET, h.c_str(), &v4) == 1 || inet_pton(AF_INET6, h.c_str(), &v6) == 1;
}

bool IsDnsName(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '*')) return false;
  }
  return true;
}

std::string Today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

absl::StatusOr<KeyAndCert> MakeCa(const std::string& common_name, int days) {
  PkeyPtr key = NewKey();
  if (!key) return SslError("cannot make a key");
  auto x = NewCert(key.get(), common_name, -300, int64_t{days} * 86400);
  if (!x.ok()) return x.status();
  X509* c = x->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1) return SslError("cannot set the issuer");
  for (auto [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"}}) {
    if (auto s = AddExt(c, c, nid, value); !s.ok()) return s;
  }
  if (X509_sign(c, key.get(), EVP_sha256()) <= 0) return SslError("cannot sign the CA certificate");
  KeyAndCert out;
  auto cert = CertPem(c);
  if (!cert.ok()) return cert.status();
  auto pem = KeyPem(key.get());
  if (!pem.ok()) return pem.status();
  out.cert_pem = *cert;
  out.key_pem = *pem;
  return out;
}

absl::StatusOr<KeyAndCert> IssueCert(const KeyAndCert& ca, const CertRequest& req) {
  auto ca_cert = ParseCert(ca.cert_pem);
  if (!ca_cert.ok()) return absl::InvalidArgumentError(absl::StrCat("the CA certificate is ", ca_cert.status().message()));
  auto ca_key = ParseKey(ca.key_pem);
  if (!ca_key.ok()) return absl::InvalidArgumentError(absl::StrCat("the CA key is ", ca_key.status().message()));
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    return absl::InvalidArgumentError("the CA key does not belong to the CA certificate");
  }
  PkeyPtr key = NewKey();
  if (!key) return SslError("cannot make a key");
  auto x = NewCert(key.get(), req.common_name, req.not_before_seconds, req.not_after_seconds);
  if (!x.ok()) return x.status();
  X509* c = x->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca_cert->get())) != 1) return SslError("cannot set the issuer");
  std::vector<std::string> sans;
  for (const auto& h : req.sans) {
    if (IsIp(h)) {
      sans.push_back("IP:" + h);
    } else if (IsDnsName(h)) {
      sans.push_back("DNS:" + h);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("'", h, "' is neither a host name nor an IP address"));
    }
  }
  std::vector<std::string> eku;
  if (req.server) eku.push_back("serverAuth");
  if (req.client) eku.push_back("clientAuth");
  std::vector<std::pair<int, std::string>> exts = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                   {NID_key_usage, "critical,digitalSignature,keyAgreement"},
                                                   {NID_subject_key_identifier, "hash"},
                                                   {NID_authority_key_identifier, "keyid:always"}};
  if (!eku.empty()) exts.push_back({NID_ext_key_usage, absl::StrJoin(eku, ",")});
  if (!sans.empty()) exts.push_back({NID_subject_alt_name, absl::StrJoin(sans, ",")});
  for (const auto& [nid, value] : exts) {
    if (auto s = AddExt(c, ca_cert->get(), nid, value); !s.ok()) return s;
  }
  if (X509_sign(c, ca_key->get(), EVP_sha256()) <= 0) return SslError("cannot sign the certificate");
  KeyAndCert out;
  auto cert = CertPem(c);
  if (!cert.ok()) return cert.status();
  auto pem = KeyPem(key.get());
  if (!pem.ok()) return pem.status();
  out.cert_pem = *cert;
  out.key_pem = *pem;
  return out;
}

absl::Status WriteFileWithMode(const std::string& path, const std::string& content, int mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return absl::PermissionDeniedError(absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  bool ok = ::fchmod(fd, mode) == 0;   // whatever the umask
  size_t done = 0;
  while (ok && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) ok = false;
    else done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return absl::DataLossError(absl::StrCat("cannot write ", path, ": ", why));
  }
  return absl::OkStatus();
}

absl::StatusOr<CertsResult> MakeCerts(const CertsOptions& o) {
  if (o.out_dir.empty()) return absl::InvalidArgumentError("--out DIR is required");
  if (o.days < 1 || o.days > 3650) return absl::InvalidArgumentError("--days must be from 1 to 3650");
  if (o.principal.empty() || !IsDnsName(o.principal) || o.principal.find('*') != std::string::npos) {
    return absl::InvalidArgumentError("--principal must be a name of letters, digits, '.' and '-'");
  }
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create ", o.out_dir, ": ", ec.message()));
  ::chmod(o.out_dir.c_str(), 0700);
  const fs::path dir(o.out_dir);
  CertsResult result;

  KeyAndCert ca;
  const fs::path ca_cert = dir / "ca.pem", ca_key = dir / "ca.key";
  if (fs::exists(ca_cert) && fs::exists(ca_key)) {
    auto c = ReadSmallFile(ca_cert.string(), "CA certificate");
    if (!c.ok()) return c.status();
    auto k = ReadSmallFile(ca_key.string(), "CA key");
    if (!k.ok()) return k.status();
    if (auto s = CheckCertificatePem(*c, *k, ca_cert.string()); !s.ok()) return s;
    ca = {*c, *k};
    result.reused_ca = true;
  } else {
    std::string suffix = Sha256Hex(NewToken()).substr(0, 8);
    auto made = MakeCa(absl::StrCat("carestat local CA ", Today(), " ", suffix), 3650);
    if (!made.ok()) return made.status();
    ca = *made;
    if (auto s = WriteFileWithMode(ca_key.string(), ca.key_pem, 0600); !s.ok()) return s;
    if (auto s = WriteFileWithMode(ca_cert.string(), ca.cert_pem, 0644); !s.ok()) return s;
    result.written.push_back(ca_cert.string());
    result.written.push_back(ca_key.string());
  }

  std::vector<std::string> sans = {"localhost", "127.0.0.1", "::1"};
  std::set<std::string> seen(sans.begin(), sans.end());
  for (const auto& h : o.hosts) {
    std::string host(absl::StripAsciiWhitespace(h));
    if (host.empty() || !seen.insert(host).second) continue;
    if (!IsIp(host) && !IsDnsName(host)) {
      return absl::InvalidArgumentError(absl::StrCat("--hosts: '", host, "' is neither a host name nor an IP address"));
    }
    sans.push_back(host);
  }
  CertRequest server;
  server.common_name = o.hosts.empty() ? "localhost" : sans[3];
  server.sans = sans;
  server.server = true;
  server.not_after_seconds = int64_t{o.days} * 86400;
  auto s = IssueCert(ca, server);
  if (!s.ok()) return s.status();
  CertRequest client;
  client.common_name = o.principal;
  client.client = true;
  client.not_after_seconds = int64_t{o.days} * 86400;
  auto c = IssueCert(ca, client);
  if (!c.ok()) return c.status();
  for (const auto& [name, content, mode] :
       std::vector<std::tuple<std::string, std::string, int>>{{"server.key", s->key_pem, 0600},
                                                              {"server.pem", s->cert_pem, 0644},
                                                              {"client.key", c->key_pem, 0600},
                                                              {"client.pem", c->cert_pem, 0644}}) {
    const std::string path = (dir / name).string();
    if (auto st = WriteFileWithMode(path, content, mode); !st.ok()) return st;
    result.written.push_back(path);
  }
  return result;
}

absl::StatusOr<NewTokenLine> MakeTokenLine(const std::string& principal, const std::string& roles) {
  if (principal.empty() || principal.size() > 64 ||
      !std::all_of(principal.begin(), principal.end(), [](char ch) {
        return absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '@';
      })) {
    return absl::InvalidArgumentError("--principal must be 1 to 64 letters, digits, '-', '_', '.' or '@'");
  }
  std::set<std::string> set;
  for (absl::string_view r : absl::StrSplit(roles, ',', absl::SkipEmpty())) {
    std::string role(absl::StripAsciiWhitespace(r));
    if (!KnownRoles().count(role)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown role '", role, "': roles are ingest, read, admin, service, case"));
    }
    set.insert(role);
  }
  if (set.empty()) return absl::InvalidArgumentError("--roles needs at least one of ingest, read, admin, service, case");
  NewTokenLine out;
  out.token = NewToken();
  out.line = absl::StrCat(Sha256Hex(out.token), " ", principal, " ", absl::StrJoin(set, ","));
  return out;
}

}  // namespace carestat
