#include "services/common/security.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <grpc/grpc.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.pb.h"
#include "services/common/audit.h"
#include "services/common/log.h"

namespace carestat {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr char kUploadMethod[] = "/carestat.v1.Ingestion/Upload";

std::string ToString(grpc::string_ref s) { return std::string(s.data(), s.size()); }

}  // namespace

// ---------------------------------------------------------------------------------------
// Roles

const std::map<std::string, std::set<std::string>>& MethodRoles() {
  static const auto* k = new std::map<std::string, std::set<std::string>>{
      {"/carestat.v1.Ingestion/Upload", {"ingest"}},
      {"/carestat.v1.Ingestion/RecordChecks", {"ingest"}},
      {"/carestat.v1.Ingestion/ListReturns", {"ingest", "service", "read", "admin"}},
      {"/carestat.v1.Ingestion/GetIssues", {"ingest", "read", "admin"}},
      {"/carestat.v1.Ingestion/StreamRecords", {"service"}},
      {"/carestat.v1.Metrics/Recompute", {"admin"}},
      {"/carestat.v1.Metrics/GetValues", {"read", "admin"}},
      {"/carestat.v1.Metrics/GetSeries", {"read", "admin"}},
      {"/carestat.v1.Metrics/ListIndicators", {"read", "admin"}},
      {"/carestat.v1.Metrics/ListReturns", {"read", "admin"}},
      {"/carestat.v1.Metrics/GetBenchmark", {"read", "admin"}},
      {"/carestat.v1.Metrics/PutReferenceData", {"admin"}},
      {"/carestat.v1.Metrics/PutLocalMeasures", {"admin"}},
      // Child-level: `case` alone, never implied by admin or read.
      {"/carestat.v1.Metrics/ListChildren", {"case"}},
      {"/carestat.v1.Metrics/Forecast", {"read", "admin"}},
      {"/carestat.v1.Reporting/BuildAnnualReport", {"read", "admin"}},
      {"/carestat.v1.Reporting/BuildSelfAssessment", {"read", "admin"}},
      {"/carestat.v1.Reporting/Render", {"read", "admin"}},
      {"/carestat.v1.Reporting/GetCoverage", {"read", "admin"}},
      // The council's narrative text: written by whoever uploads its returns, or an admin.
      {"/carestat.v1.Reporting/PutNarrative", {"ingest", "admin"}},
  };
  return *k;
}

const std::set<std::string>& RolesFor(std::string_view method) {
  static const std::set<std::string> kNone;
  const auto& m = MethodRoles();
  auto it = m.find(std::string(method));
  return it == m.end() ? kNone : it->second;
}

bool IsOpenMethod(std::string_view method) {
  const absl::string_view m(method.data(), method.size());
  return absl::StartsWith(m, "/grpc.health.v1.Health/") || absl::StartsWith(m, "/carestat.v1.ServerStatus/") ||
         absl::StartsWith(m, "/grpc.reflection.v1alpha.ServerReflection/") ||
         absl::StartsWith(m, "/grpc.reflection.v1.ServerReflection/");
}

// ---------------------------------------------------------------------------------------
// Files named by flags

namespace {

const char* FileKind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads a regular file of at most `cap` bytes. The type is checked before opening (so a
// FIFO is never opened) and again on the opened descriptor (so a file swapped in between
// is caught); the read stops at cap + 1 bytes whatever fstat said.
absl::StatusOr<std::string> ReadRegularFile(const std::string& path, const std::string& what, int64_t cap,
                                            struct stat* opened) {
  auto not_regular = [&](mode_t mode) {
    return absl::InvalidArgumentError(absl::StrCat("the ", what, " ", path, " is ", FileKind(mode),
                                                   ", not a regular file: give the path of the file itself"));
  };
  auto too_big = [&]() {
    return absl::InvalidArgumentError(absl::StrCat("the ", what, " ", path, " is larger than ", cap,
                                                   " bytes, more than any ", what, " can be: is it the right file?"));
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::fstat(fd, &st) != 0) {
    return absl::DataLossError(absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  if (st.st_size > cap) return too_big();
  std::string out;
  char buf[16384];
  while (static_cast<int64_t>(out.size()) <= cap) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::DataLossError(absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  if (static_cast<int64_t>(out.size()) > cap) return too_big();
  if (opened) *opened = st;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Tokens

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string NewToken() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    CS_LOG(ERROR) << "the system random number generator failed";
    std::abort();
  }
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "cst_";
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 63]);
  OPENSSL_cleanse(raw, sizeof raw);
  return out;
}

namespace {

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, "/", st.st_size, "/", st.st_ino, "/", st.st_mode,
                      "/", st.st_uid, "/", st.st_gid);
}

struct ParsedTokens {
  std::map<std::string, Principal> by_hash, by_cn;
};

absl::StatusOr<ParsedTokens> ParseTokens(const std::string& text, const std::string& name) {
  ParsedTokens out;
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    std::string line(absl::StripAsciiWhitespace(raw));
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(name, " line ", line_no, ": ", why,
                                                     " (expected: sha256hex principal role[,role...] [revoked], "
                                                     "or cert:<CN> principal roles [revoked])"));
    };
    if (f.size() < 3 || f.size() > 4) return bad("wrong number of fields");
    Principal p;
    p.name = f[1];
    for (absl::string_view r : absl::StrSplit(f[2], ',', absl::SkipEmpty())) {
      std::string role(r);
      if (!KnownRoles().count(role)) return bad(absl::StrCat("unknown role '", role, "' (roles: ingest, read, admin, service, case)"));
      p.roles.insert(role);
    }
    if (p.roles.empty()) return bad("no role");
    if (f.size() == 4) {
      if (f[3] != "revoked") return bad(absl::StrCat("unexpected '", f[3], "' (the only marker is 'revoked')"));
      p.revoked = true;
    }
    if (absl::StartsWith(f[0], "cert:")) {
      std::string cn = f[0].substr(5);
      if (cn.empty()) return bad("cert: needs the certificate's CN");
      if (!out.by_cn.emplace(cn, p).second) return bad(absl::StrCat("cert:", cn, " is listed twice"));
    } else {
      if (!IsHex64(f[0])) return bad("the first field is not a SHA-256 hash (64 hex digits) of a token");
      if (!out.by_hash.emplace(absl::AsciiStrToLower(f[0]), p).second) return bad("this token hash is listed twice");
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<TokenStore>> TokenStore::Parse(const std::string& text, const std::string& name) {
  auto parsed = ParseTokens(text, name);
  if (!parsed.ok()) return parsed.status();
  auto store = std::make_shared<TokenStore>();
  store->by_hash_ = std::move(parsed->by_hash);
  store->by_cn_ = std::move(parsed->by_cn);
  return store;
}

namespace {

constexpr char kTokensWhat[] = "tokens file (--tokens)";

// What is wrong with who may change the tokens file: world-writable (`fatal`: anyone could
// grant themselves a role), group-writable, or owned by another user than this process's
// (root excepted). Empty when nothing is.
std::string TokensFilePermissionProblem(const std::string& path, const struct stat& st, bool* fatal) {
  *fatal = false;
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(st.st_mode & 07777));
  if (st.st_mode & S_IWOTH) {
    *fatal = true;
    return absl::StrCat("the tokens file ", path, " is writable by every user (mode ", mode,
                        "): anyone on this machine could grant themselves any role; chmod 600 it");
  }
  if (st.st_mode & S_IWGRP) {
    return absl::StrCat("the tokens file ", path, " is writable by its group (mode ", mode,
                        "): every member could grant themselves any role; chmod 600 it");
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return absl::StrCat("the tokens file ", path, " is owned by user ", st.st_uid, ", not by this server's user ",
                        ::geteuid(), " or root: that user could grant themselves any role; chown it");
  }
  return "";
}

}  // namespace

absl::StatusOr<std::shared_ptr<TokenStore>> TokenStore::Load(const std::string& path) {
  const std::string stamp = FileStamp(path);
  struct stat st {};
  auto text = ReadRegularFile(path, kTokensWhat, kMaxSmallFileBytes, &st);
  if (!text.ok()) return text.status();
  bool fatal = false;
  const std::string problem = TokensFilePermissionProblem(path, st, &fatal);
  if (fatal) return absl::FailedPreconditionError(absl::StrCat("refusing to start: ", problem));
  if (!problem.empty()) CS_LOG(WARNING) << problem;
  auto store = Parse(*text, path);
  if (!store.ok()) return store.status();
  (*store)->path_ = path;
  (*store)->stamp_ = stamp;
  (*store)->checked_ms_ = NowMs();
  return store;
}

void TokenStore::MaybeReload() {
  // Called with mu_ held.
  if (path_.empty()) return;
  const int64_t now = NowMs();
  if (now - checked_ms_ < 2000) return;
  checked_ms_ = now;
  const std::string stamp = FileStamp(path_);   // a chmod or chown changes it too
  if (stamp == stamp_) return;
  stamp_ = stamp;   // do not complain again until it changes again
  struct stat st {};
  auto text = ReadRegularFile(path_, kTokensWhat, kMaxSmallFileBytes, &st);
  if (text.ok()) {
    bool fatal = false;
    const std::string problem = TokensFilePermissionProblem(path_, st, &fatal);
    if (fatal) {
      CS_LOG(ERROR) << "SECURITY: " << problem << ". Its content is NOT used: the tokens loaded before stay in "
                    << "force until it is fixed";
      return;
    }
    if (!problem.empty()) CS_LOG(WARNING) << "SECURITY: " << problem;
  }
  absl::StatusOr<ParsedTokens> parsed =
      text.ok() ? ParseTokens(*text, path_) : absl::StatusOr<ParsedTokens>(text.status());
  if (!parsed.ok()) {
    CS_LOG(ERROR) << "tokens file changed but cannot be used, keeping the previous one: " << parsed.status().message();
    return;
  }
  by_hash_ = std::move(parsed->by_hash);
  by_cn_ = std::move(parsed->by_cn);
  CS_LOG(INFO) << "reloaded " << path_ << ": " << by_hash_.size() << " tokens, " << by_cn_.size()
               << " certificate names";
}

std::optional<Principal> TokenStore::FindToken(std::string_view token) {
  const std::string hash = Sha256Hex(token);
  std::lock_guard<std::mutex> lock(mu_);
  MaybeReload();
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

std::optional<Principal> TokenStore::FindCert(std::string_view cn) {
  std::lock_guard<std::mutex> lock(mu_);
  MaybeReload();
  auto it = by_cn_.find(std::string(cn));
  if (it == by_cn_.end()) return std::nullopt;
  return it->second;
}

void TokenStore::Poll() {
  std::lock_guard<std::mutex> lock(mu_);
  MaybeReload();
}

size_t TokenStore::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return by_hash_.size() + by_cn_.size();
}

// ---------------------------------------------------------------------------------------
// Files and certificates

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& what) {
  return ReadRegularFile(path, what, kMaxSmallFileBytes, nullptr);
}

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

std::string AsnTime(const ASN1_TIME* t) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(b.get(), t);
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, n);
}

}  // namespace

absl::Status CheckCertificatePem(const std::string& cert_pem, const std::string& key_pem, const std::string& what) {
  std::unique_ptr<BIO, BioFree> b(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, X509Free> x(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!x) return absl::InvalidArgumentError(absl::StrCat(what, " is not a PEM certificate"));
  if (X509_cmp_current_time(X509_get0_notAfter(x.get())) < 0) {
    return absl::FailedPreconditionError(absl::StrCat(what, " expired on ", AsnTime(X509_get0_notAfter(x.get())),
                                                      ": make a new one (carestat certs)"));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(x.get())) > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " is not valid until ", AsnTime(X509_get0_notBefore(x.get())), " (check the clock)"));
  }
  if (key_pem.empty()) return absl::OkStatus();
  std::unique_ptr<BIO, BioFree> kb(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> k(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!k) {
    return absl::InvalidArgumentError(
        absl::StrCat("the key for ", what, " is not an unencrypted PEM private key"));
  }
  if (X509_check_private_key(x.get(), k.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("the key given for ", what, " does not belong to it"));
  }
  return absl::OkStatus();
}

namespace {

void WarnIfReadableByOthers(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO))) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(st.st_mode & 0777));
    CS_LOG(WARNING) << what << " " << path << " can be read by other users (mode " << mode << "): chmod 600 it";
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Server flags

std::string ServerSecurityHelp() {
  return "  --tls-cert FILE --tls-key FILE  serve TLS with this certificate and key (PEM; carestat certs)\n"
         "  --tls-client-ca FILE            also require a client certificate signed by this CA (mutual TLS)\n"
         "  --plaintext                     serve without TLS: only on a loopback --listen (127.0.0.1, ::1,\n"
         "                                  localhost); loopback without any of these is plaintext, with a warning\n"
         "  --tokens FILE                   require a bearer token (or a listed client certificate) on every\n"
         "                                  call: lines 'sha256hex principal role[,role] [revoked]' (carestat\n"
         "                                  token); without it the server is open to anyone who can connect\n"
         "  --audit-log FILE                append one JSON line per call (who, what, LA, years, outcome, bytes)\n"
         "  --audit-max-bytes N             rotate the audit log to FILE.1 .. past N bytes (default 104857600)\n"
         "  --audit-keep N                  rotated audit files kept (default 10)\n"
         "  --max-upload-bytes N            largest file accepted, counting its bytes only (default 2147483648)\n"
         "  --max-concurrent-uploads N      uploads at once per principal (default 2)\n"
         "  --max-message-bytes N           largest single gRPC message (default 67108864, at least 2097152:\n"
         "                                  uploads come in 1 MiB chunks)\n";
}

namespace {

// The host of HOST:PORT, [V6]:PORT, or a client target with a scheme (dns:///h:p, ipv4:h:p).
std::string HostOf(std::string s) {
  for (const char* scheme : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::StartsWith(s, scheme)) {
      s = s.substr(std::strlen(scheme));
      break;
    }
  }
  if (!s.empty() && s[0] == '[') {
    auto end = s.find(']');
    return end == std::string::npos ? s : s.substr(1, end - 1);
  }
  const auto colons = std::count(s.begin(), s.end(), ':');
  if (colons == 1) return s.substr(0, s.find(':'));
  return s;   // no port, or a bare IPv6 address
}

}  // namespace

bool IsLoopbackAddress(const std::string& host_port) {
  const std::string host = absl::AsciiStrToLower(HostOf(host_port));
  if (host == "localhost" || host == "localhost.") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) return v6.s6_addr[12] == 127;
  }
  return false;
}

absl::Status CheckListenSecurity(const std::string& listen, const ServerSecurity& sec, std::string* warning) {
  const bool tls = !sec.tls_cert.empty() || !sec.tls_key.empty() || !sec.tls_client_ca.empty();
  if (tls && (sec.tls_cert.empty() || sec.tls_key.empty())) {
    return absl::InvalidArgumentError(
        "--tls-cert FILE and --tls-key FILE go together (and --tls-client-ca needs both): give the server's "
        "certificate and its key (carestat certs --out DIR makes them)");
  }
  if (tls && sec.plaintext) {
    return absl::InvalidArgumentError("--plaintext and --tls-cert/--tls-key exclude each other: choose one");
  }
  if (tls) return absl::OkStatus();
  const bool loopback = IsLoopbackAddress(listen);
  if (sec.plaintext && !loopback) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to listen in plaintext on ", listen,
        ": --plaintext is allowed only on a loopback address (127.0.0.0/8, ::1, localhost), because this "
        "service carries children's personal data. To serve other machines give --tls-cert FILE --tls-key FILE "
        "(carestat certs --out DIR makes them), or listen on 127.0.0.1 behind a TLS proxy"));
  }
  if (!loopback) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no transport security chosen for ", listen,
        ": either serve TLS with --tls-cert FILE --tls-key FILE [--tls-client-ca FILE] (carestat certs --out DIR "
        "makes them), or listen on a loopback address (127.0.0.1, ::1, localhost) with --plaintext"));
  }
  if (!sec.plaintext && warning) {
    *warning = absl::StrCat("serving plaintext on loopback ", listen,
                            " (no --tls-cert/--tls-key): only this machine can connect; give --plaintext to say "
                            "so, or --tls-cert/--tls-key in production");
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Server: token processor, per-call interceptor

class UploadLimiter {
 public:
  explicit UploadLimiter(int max) : max_(max) {}
  bool Acquire(const std::string& principal, int* now) {
    std::lock_guard<std::mutex> lock(mu_);
    int& n = active_[principal];
    *now = n;
    if (n >= max_) return false;
    ++n;
    return true;
  }
  void Release(const std::string& principal) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(principal);
    if (it != active_.end() && --it->second <= 0) active_.erase(it);
  }
  int max() const { return max_; }

 private:
  const int max_;
  std::mutex mu_;
  std::map<std::string, int> active_;
};

namespace {

std::string FirstProperty(const grpc::AuthContext* ctx, const char* name) {
  if (!ctx) return "";
  auto v = ctx->FindPropertyValues(name);
  return v.empty() ? "" : ToString(v[0]);
}

// Who is calling: the bearer token's principal, else the principal listed for the client
// certificate's CN (cert:<CN>). Nullopt with `reason` set when neither is valid.
// `reason` is the message for the caller, `tag` a fixed phrase for the audit log.
std::optional<Principal> IdentifyCaller(TokenStore& tokens, const grpc::AuthContext* ctx,
                                        const std::optional<std::string>& authorization, std::string* reason,
                                        std::string* tag) {
  return IdentifyPrincipal(tokens, authorization, FirstProperty(ctx, "x509_common_name"), reason, tag);
}
}  // namespace

std::optional<Principal> IdentifyPrincipal(TokenStore& tokens, const std::optional<std::string>& authorization,
                                           const std::string& cert_cn, std::string* reason, std::string* tag) {
  if (authorization) {
    const std::string& v = *authorization;
    if (v.size() < 7 || !absl::EqualsIgnoreCase(v.substr(0, 7), "Bearer ")) {
      *reason = "malformed authorization header: expected 'authorization: Bearer <token>'";
      *tag = "malformed authorization header";
      return std::nullopt;
    }
    std::string token(absl::StripAsciiWhitespace(v.substr(7)));
    if (token.empty()) {
      *reason = "malformed authorization header: the bearer token is empty";
      *tag = "malformed authorization header";
      return std::nullopt;
    }
    auto p = tokens.FindToken(token);
    if (!p) {
      *reason = "unknown token: it is not in this server's tokens file";
      *tag = "unknown token";
      return std::nullopt;
    }
    if (p->revoked) {
      *reason = "this token has been revoked";
      *tag = "revoked token";
      return std::nullopt;
    }
    return p;
  }
  const std::string& cn = cert_cn;
  if (!cn.empty()) {
    auto p = tokens.FindCert(cn);
    if (p && !p->revoked) return p;
    *reason = p ? absl::StrCat("the client certificate CN=", cn, " has been revoked")
                : absl::StrCat("no bearer token, and the client certificate CN=", cn,
                               " is not listed (as cert:", cn, ") in the tokens file");
    *tag = p ? "revoked client certificate" : "client certificate not listed";
    return std::nullopt;
  }
  *reason = "missing credentials: send 'authorization: Bearer <token>' (carestat token makes one; the CLI reads "
            "--token-file or CARESTAT_TOKEN)";
  *tag = "missing credentials";
  return std::nullopt;
}

namespace {

// Checks the bearer token (or the client certificate) and the caller's role on every
// call, before the call reaches a service. Refusals are audited here, because such a
// call never reaches the per-call interceptor.
class TokenProcessor final : public grpc::AuthMetadataProcessor {
 public:
  TokenProcessor(std::shared_ptr<TokenStore> tokens, std::shared_ptr<AuditLog> audit)
      : tokens_(std::move(tokens)), audit_(std::move(audit)) {}

  grpc::Status Process(const InputMetadata& md, grpc::AuthContext* ctx, OutputMetadata* consumed,
                       OutputMetadata*) override {
    std::string method;
    std::optional<std::string> authorization;
    for (const auto& [k, v] : md) {
      if (k == ":path") method = ToString(v);
      else if (k == "authorization" && !authorization) authorization = ToString(v);
    }
    // The AuthContext given here belongs to the connection, not to the call (gRPC 1.51), so
    // nothing about the call is stored in it: the call interceptor names the principal
    // again from the same header (IdentifyCaller), and the header is not consumed.
    if (IsOpenMethod(method)) return grpc::Status::OK;
    std::string reason, tag;
    std::optional<Principal> p = IdentifyCaller(*tokens_, ctx, authorization, &reason, &tag);
    if (!p) return Refuse(method, "-", grpc::UNAUTHENTICATED, reason, tag);
    const auto& allowed = RolesFor(method);
    for (const auto& r : p->roles) {
      if (allowed.count(r)) return grpc::Status::OK;
    }
    const std::string message =
        allowed.empty()
            ? absl::StrCat("no role may call ", method)
            : absl::StrCat("principal ", p->name, " (roles ", absl::StrJoin(p->roles, ","), ") may not call ",
                           method, ": it needs the role ", absl::StrJoin(allowed, " or "));
    return Refuse(method, p->name, grpc::PERMISSION_DENIED, message, "role not allowed");
  }

 private:
  grpc::Status Refuse(const std::string& method, const std::string& principal, grpc::StatusCode code,
                      const std::string& message, const std::string& tag) {
    if (audit_) {
      AuditEvent e;
      e.principal = principal;
      e.method = method;
      e.code = code;
      e.reason = tag;
      audit_->Write(e);
    }
    return grpc::Status(code, message);
  }

  std::shared_ptr<TokenStore> tokens_;
  std::shared_ptr<AuditLog> audit_;
};

// How many streaming calls are open, per principal and in all; a stream beyond either
// limit is refused at once ("busy, retry").
class StreamLimiter {
 public:
  StreamLimiter(int per_principal, int total) : per_principal_(per_principal), total_(total) {}
  // Empty when admitted; else why not.
  std::string Acquire(const std::string& principal) {
    std::lock_guard<std::mutex> lock(mu_);
    int& n = active_[principal];
    if (n >= per_principal_) {
      return absl::StrCat(principal, " already has ", n, " streams open, the most allowed at once "
                          "(--max-streams-per-principal ", per_principal_, ")");
    }
    if (all_ >= total_) {
      if (n == 0) active_.erase(principal);
      return absl::StrCat("this server already has ", all_, " streams open, the most allowed at once (--max-streams ",
                          total_, ")");
    }
    ++n;
    ++all_;
    return "";
  }
  void Release(const std::string& principal) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(principal);
    if (it == active_.end()) return;
    --all_;
    if (--it->second <= 0) active_.erase(it);
  }

 private:
  const int per_principal_, total_;
  std::mutex mu_;
  std::map<std::string, int> active_;
  int all_ = 0;
};

// One call in progress, as its interceptor registered it: what the handler may ask
// (CallerHasRole, CallAdmission) and what the idle reaper watches.
struct CallState {
  const grpc::ServerContextBase* ctx = nullptr;
  grpc::ServerContextBase* cancel = nullptr;
  const void* owner = nullptr;             // the StreamWatch of the server the call is on
  std::string principal, method;
  std::set<std::string> roles;
  bool tokens_checked = false;
  grpc::Status admission;
  bool client_streaming = false, server_streaming = false;
  std::atomic<int64_t> last_recv_ms{0};    // client streams: the last message (or the start)
  std::atomic<bool> recv_closed{false};    // client streams: the client has sent everything
  std::atomic<int64_t> send_since_ms{0};   // server streams: a Write pending since then, 0: none
  std::atomic<bool> idle_cancelled{false};
};

std::mutex g_calls_mu;
std::map<const grpc::ServerContextBase*, CallState*>* g_calls = new std::map<const grpc::ServerContextBase*, CallState*>;

void RegisterCall(CallState* c) {
  std::lock_guard<std::mutex> lock(g_calls_mu);
  (*g_calls)[c->ctx] = c;
}

void UnregisterCall(CallState* c) {
  std::lock_guard<std::mutex> lock(g_calls_mu);
  auto it = g_calls->find(c->ctx);
  if (it != g_calls->end() && it->second == c) g_calls->erase(it);
}

// Cancels streams that have been idle for longer than the limit: an upload whose client
// sends nothing, a record stream whose reader does not read. Also re-checks the tokens
// file, and gives memory back to the system after streams end.
class StreamWatch {
 public:
  StreamWatch(int64_t idle_ms, std::shared_ptr<TokenStore> tokens) : idle_ms_(idle_ms), tokens_(std::move(tokens)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~StreamWatch() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  int64_t idle_ms() const { return idle_ms_; }
  void StreamEnded() { ended_.fetch_add(1); }

 private:
  void Run() {
    const auto tick = std::chrono::milliseconds(std::clamp<int64_t>(idle_ms_ / 4, 50, 1000));
    int64_t last_poll = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, tick, [this] { return stop_; })) {
      lock.unlock();
      const int64_t now = NowMs();
      std::vector<std::string> cancelled;
      {
        std::lock_guard<std::mutex> calls(g_calls_mu);
        for (auto& [ctx, c] : *g_calls) {
          if (c->owner != this || c->idle_cancelled) continue;
          bool idle = false;
          if (c->client_streaming && !c->recv_closed && now - c->last_recv_ms > idle_ms_) idle = true;
          const int64_t since = c->send_since_ms;
          if (c->server_streaming && since > 0 && now - since > idle_ms_) idle = true;
          if (!idle) continue;
          c->idle_cancelled = true;
          // The call cannot end while g_calls_mu is held (it unregisters first). Cancelled
          // with a status of our own, so that the client is told why.
          const std::string limit = absl::StrCat(idle_ms_ / 1000.0);
          const std::string why =
              c->client_streaming
                  ? absl::StrCat("nothing received for more than ", limit, " s (--stream-idle-seconds ", limit,
                                 "): the server cancelled this stream; nothing of it was stored")
                  : absl::StrCat("the reader read nothing for more than ", limit, " s (--stream-idle-seconds ",
                                 limit, "): the server cancelled this stream");
          if (grpc_call* call = c->cancel->c_call()) {
            grpc_call_cancel_with_status(call, GRPC_STATUS_CANCELLED, why.c_str(), nullptr);
          } else {
            c->cancel->TryCancel();   // its PRE_SEND_CANCEL hook takes no lock
          }
          cancelled.push_back(absl::StrCat(c->principal, "'s ", c->method));
        }
      }
      for (const auto& what : cancelled) {
        CS_LOG(WARNING) << "cancelled " << what << ": idle for more than " << idle_ms_ / 1000.0
                        << " s (--stream-idle-seconds), nothing of it was stored";
      }
      if (ended_.exchange(0) > 0) malloc_trim(0);   // what a stream's buffers held goes back
      if (tokens_ && now - last_poll >= 2000) {
        last_poll = now;
        tokens_->Poll();
      }
      lock.lock();
    }
  }

  const int64_t idle_ms_;
  std::shared_ptr<TokenStore> tokens_;
  std::atomic<int> ended_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

struct CallLimits {
  std::shared_ptr<TokenStore> tokens;   // null: open
  std::shared_ptr<AuditLog> audit;
  std::shared_ptr<UploadLimiter> uploads;
  std::shared_ptr<StreamLimiter> streams;
  std::shared_ptr<StreamWatch> watch;
  int64_t max_upload_bytes = 0;
};

// One per call that reaches a service: names the principal, enforces the upload and
// stream limits, measures the call and writes its audit line.
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, const CallLimits* limits)
      : info_(info), limits_(limits), start_ms_(NowMs()) {
    event_.method = info->method() ? info->method() : "";
    carestat_ = absl::StartsWith(event_.method, "/carestat.");
    upload_ = event_.method == kUploadMethod;
    using T = grpc::experimental::ServerRpcInfo::Type;
    state_.ctx = info->server_context();
    state_.cancel = info->server_context();
    state_.owner = limits->watch.get();
    state_.method = event_.method;
    state_.client_streaming = info->type() == T::CLIENT_STREAMING || info->type() == T::BIDI_STREAMING;
    state_.server_streaming = info->type() == T::SERVER_STREAMING || info->type() == T::BIDI_STREAMING;
    state_.last_recv_ms = start_ms_;
  }

  ~CallInterceptor() override {
    End();
    if (limits_->audit) {
      if (!status_seen_) event_.code = grpc::CANCELLED;
      if (state_.idle_cancelled) {
        event_.code = grpc::CANCELLED;
        event_.reason = "idle stream cancelled";
      }
      event_.ms = NowMs() - start_ms_;
      limits_->audit->Write(event_);
    }
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    using H = grpc::experimental::InterceptionHookPoints;
    // TryCancel (the idle reaper, holding g_calls_mu) runs this batch: take no lock here.
    if (m->QueryInterceptionHookPoint(H::PRE_SEND_CANCEL)) return;
    if (m->QueryInterceptionHookPoint(H::POST_RECV_INITIAL_METADATA)) OnStart(m->GetRecvInitialMetadata());
    if (m->QueryInterceptionHookPoint(H::POST_RECV_MESSAGE)) {
      state_.last_recv_ms = NowMs();
      void* raw = m->GetRecvMessage();
      if (!raw) state_.recv_closed = true;
      if (raw && carestat_) OnMessage(static_cast<google::protobuf::Message*>(raw));
    }
    if (m->QueryInterceptionHookPoint(H::PRE_SEND_MESSAGE)) {
      if (state_.server_streaming) state_.send_since_ms = NowMs();
      if (carestat_) {
        if (const void* raw = m->GetSendMessage()) {
          const auto* msg = static_cast<const google::protobuf::Message*>(raw);
          event_.bytes_out += static_cast<int64_t>(msg->ByteSizeLong());
          AuditFieldsFromResponse(*msg, &event_);
        } else if (grpc::ByteBuffer* bb = m->GetSerializedSendMessage()) {
          event_.bytes_out += static_cast<int64_t>(bb->Length());
        }
      }
    }
    if (m->QueryInterceptionHookPoint(H::POST_SEND_MESSAGE)) state_.send_since_ms = 0;
    if (m->QueryInterceptionHookPoint(H::PRE_SEND_STATUS)) {
      if (!refused_.ok()) m->ModifySendStatus(refused_);
      event_.code = refused_.ok() ? m->GetSendStatus().error_code() : refused_.error_code();
      status_seen_ = true;
      End();
    }
    m->Proceed();
  }

 private:
  void OnStart(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    auto* ctx = info_->server_context();
    auto auth = ctx->auth_context();
    if (limits_->tokens) {
      // The token processor has let this call through; name its principal the same way.
      std::optional<std::string> authorization;
      if (metadata) {
        auto it = metadata->find("authorization");
        if (it != metadata->end()) authorization = ToString(it->second);
      }
      std::string reason, tag;
      auto p = IdentifyCaller(*limits_->tokens, auth.get(), authorization, &reason, &tag);
      principal_ = p ? p->name : "-";   // "-": an open method (health) called without a valid credential
      if (p) state_.roles = p->roles;
      state_.tokens_checked = true;
    } else {
      principal_ = FirstProperty(auth.get(), "x509_common_name");
      if (principal_.empty()) principal_ = "anonymous";
    }
    event_.principal = principal_;
    event_.peer = ctx->peer();
    state_.principal = principal_;
    const bool stream = carestat_ && (state_.client_streaming || state_.server_streaming);
    if (stream && limits_->streams) {
      const std::string why = limits_->streams->Acquire(principal_);
      if (why.empty()) {
        holding_stream_ = true;
      } else {
        refused_ = grpc::Status(grpc::RESOURCE_EXHAUSTED,
                                absl::StrCat("busy, retry: ", why, "; nothing of this call was done"));
        event_.reason = "too many streams";
      }
    }
    if (upload_ && limits_->uploads && refused_.ok()) {
      int now = 0;
      if (limits_->uploads->Acquire(principal_, &now)) {
        holding_upload_ = true;
      } else {
        refused_ = grpc::Status(
            grpc::RESOURCE_EXHAUSTED,
            absl::StrCat("busy, retry: ", principal_, " already has ", now, " uploads in progress, the most allowed at "
                         "once (--max-concurrent-uploads ", limits_->uploads->max(), "): retry when one has finished; "
                         "nothing of this upload was stored"));
        event_.reason = "too many concurrent uploads";
      }
    }
    if (!refused_.ok()) Release();   // a refused call holds no slot while it ends
    state_.admission = refused_;
    if (carestat_) {
      RegisterCall(&state_);
      registered_ = true;
    }
  }

  void OnMessage(google::protobuf::Message* msg) {
    event_.bytes_in += static_cast<int64_t>(msg->ByteSizeLong());
    if (!fields_read_) {
      AuditFieldsFromRequest(*msg, &event_);
      if (event_.la.empty() && absl::EndsWith(event_.method, "/ListReturns")) event_.la = "*";   // every LA
      fields_read_ = true;
    }
    if (!upload_) return;
    if (auto* up = dynamic_cast<v1::UploadRequest*>(msg)) {
      if (up->has_header() && file_name_.empty()) file_name_ = EscapeForLog(up->header().file_name(), 200);
      // Only the file's own bytes count, not the header or the gRPC framing.
      if (up->has_chunk()) payload_bytes_ += static_cast<int64_t>(up->chunk().size());
    }
    if (refused_.ok() && payload_bytes_ > limits_->max_upload_bytes) {
      refused_ = grpc::Status(
          grpc::INVALID_ARGUMENT,
          absl::StrCat(file_name_.empty() ? "the file" : file_name_, " is at least ", payload_bytes_,
                       " bytes, more than the server accepts (--max-upload-bytes ", limits_->max_upload_bytes,
                       "): nothing was stored"));
      event_.reason = "upload too large";
      Release();
    }
    // A refused upload's messages reach the service empty: the Upload handler then stops
    // reading, stores nothing, and the status it answers is replaced by refused_.
    if (!refused_.ok()) msg->Clear();
  }

  void Release() {
    if (holding_upload_) {
      holding_upload_ = false;
      limits_->uploads->Release(principal_);
    }
    if (holding_stream_) {
      holding_stream_ = false;
      limits_->streams->Release(principal_);
      if (limits_->watch) limits_->watch->StreamEnded();
    }
  }

  // The call has answered (or is being destroyed): nothing may reach it any more.
  void End() {
    if (registered_) {
      UnregisterCall(&state_);
      registered_ = false;
    }
    Release();
  }

  grpc::experimental::ServerRpcInfo* info_;
  const CallLimits* limits_;
  const int64_t start_ms_;
  AuditEvent event_;
  CallState state_;
  bool carestat_ = false, upload_ = false, fields_read_ = false, status_seen_ = false, holding_upload_ = false,
       holding_stream_ = false, registered_ = false;
  std::string principal_, file_name_;
  int64_t payload_bytes_ = 0;
  grpc::Status refused_;
};

class CallInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallInterceptorFactory(CallLimits limits) : limits_(std::move(limits)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, &limits_);
  }

 private:
  CallLimits limits_;
};

}  // namespace

bool CallerHasRole(const grpc::ServerContextBase* ctx, std::initializer_list<std::string_view> roles) {
  std::lock_guard<std::mutex> lock(g_calls_mu);
  auto it = g_calls->find(ctx);
  // Not registered: a server without the interceptor (the embedded run's in-process
  // server), where every caller is this process.
  if (it == g_calls->end()) return true;
  if (!it->second->tokens_checked) return true;   // an open server (no --tokens): anyone may call anything
  for (auto r : roles) {
    if (it->second->roles.count(std::string(r))) return true;
  }
  return false;
}

grpc::Status CallAdmission(const grpc::ServerContextBase* ctx) {
  std::lock_guard<std::mutex> lock(g_calls_mu);
  auto it = g_calls->find(ctx);
  return it == g_calls->end() ? grpc::Status::OK : it->second->admission;
}

absl::StatusOr<std::unique_ptr<ServerSecurityRuntime>> MakeServerSecurity(const ServerSecurity& sec) {
  auto rt = std::make_unique<ServerSecurityRuntime>();
  if (!sec.tls_cert.empty()) {
    auto cert = ReadSmallFile(sec.tls_cert, "certificate (--tls-cert)");
    if (!cert.ok()) return cert.status();
    auto key = ReadSmallFile(sec.tls_key, "key (--tls-key)");
    if (!key.ok()) return key.status();
    if (auto s = CheckCertificatePem(*cert, *key, "the certificate " + sec.tls_cert); !s.ok()) return s;
    WarnIfReadableByOthers(sec.tls_key, "the key");
    grpc::SslServerCredentialsOptions opts(sec.tls_client_ca.empty()
                                               ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                               : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    if (!sec.tls_client_ca.empty()) {
      auto ca = ReadSmallFile(sec.tls_client_ca, "client CA (--tls-client-ca)");
      if (!ca.ok()) return ca.status();
      if (auto s = CheckCertificatePem(*ca, "", "the client CA " + sec.tls_client_ca); !s.ok()) return s;
      opts.pem_root_certs = *ca;
    }
    opts.pem_key_cert_pairs.push_back({*key, *cert});
    rt->credentials = grpc::SslServerCredentials(opts);
  } else if (!sec.tokens_file.empty()) {
    // Plaintext on loopback, but "secure" to gRPC so that the token processor can run;
    // plaintext clients connect to it unchanged.
    rt->credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    rt->credentials = grpc::InsecureServerCredentials();
  }
  if (sec.audit_instance) {
    rt->audit = sec.audit_instance;
  } else if (!sec.audit_log.empty()) {
    auto audit = AuditLog::Open(sec.audit_log, sec.audit_max_bytes, sec.audit_keep);
    if (!audit.ok()) return audit.status();
    rt->audit = *audit;
  }
  if (!sec.tokens_file.empty()) {
    if (sec.tokens_instance) {
      rt->tokens = sec.tokens_instance;
    } else {
      auto tokens = TokenStore::Load(sec.tokens_file);
      if (!tokens.ok()) return tokens.status();
      rt->tokens = *tokens;
    }
    if (rt->tokens->size() == 0) CS_LOG(WARNING) << sec.tokens_file << " lists no token: every call will be refused";
    rt->credentials->SetAuthMetadataProcessor(std::make_shared<TokenProcessor>(rt->tokens, rt->audit));
  }
  rt->uploads = std::make_shared<UploadLimiter>(sec.max_concurrent_uploads);
  CallLimits limits;
  limits.tokens = rt->tokens;
  limits.audit = rt->audit;
  limits.uploads = rt->uploads;
  limits.streams = std::make_shared<StreamLimiter>(sec.max_streams_per_principal, sec.max_streams);
  limits.watch = std::make_shared<StreamWatch>(sec.stream_idle_ms, rt->tokens);
  limits.max_upload_bytes = sec.max_upload_bytes;
  rt->interceptors.push_back(std::make_unique<CallInterceptorFactory>(std::move(limits)));
  return rt;
}

// ---------------------------------------------------------------------------------------
// Client

const std::set<std::string>& ClientSecurityFlags() {
  static const std::set<std::string> k = {"tls-ca", "tls-client-cert", "tls-client-key", "token-file"};
  return k;
}

std::string ClientSecurityHelp() {
  return "  --tls-ca FILE                   verify the server's certificate against this CA (PEM); without it a\n"
         "                                  loopback target is plaintext, any other is TLS with the system's CAs\n"
         "  --tls-client-cert FILE --tls-client-key FILE   present this client certificate (mutual TLS)\n"
         "  --token-file FILE               send the bearer token in FILE (env CARESTAT_TOKEN holds one instead)\n";
}

namespace {

absl::StatusOr<std::string> ReadToken(const std::string& path, const std::string& what) {
  auto text = ReadSmallFile(path, what);
  if (!text.ok()) return text.status();
  WarnIfReadableByOthers(path, "the token file");
  std::string token(absl::StripAsciiWhitespace(*text));
  if (auto nl = token.find_first_of("\r\n"); nl != std::string::npos) token = token.substr(0, nl);
  return token;
}

bool ValidToken(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
  });
}

}  // namespace

absl::StatusOr<ClientSecurity> ClientSecurityFrom(const std::optional<std::string>& tls_ca,
                                                  const std::optional<std::string>& tls_client_cert,
                                                  const std::optional<std::string>& tls_client_key,
                                                  const std::optional<std::string>& token_file_flag, bool use_env) {
  ClientSecurity c;
  auto pick = [&](const std::optional<std::string>& flag, const char* env) {
    if (flag) return *flag;
    if (use_env) {
      if (const char* v = std::getenv(env); v && *v) return std::string(v);
    }
    return std::string();
  };
  c.tls_ca = pick(tls_ca, "CARESTAT_TLS_CA");
  c.tls_client_cert = pick(tls_client_cert, "CARESTAT_TLS_CLIENT_CERT");
  c.tls_client_key = pick(tls_client_key, "CARESTAT_TLS_CLIENT_KEY");
  if (c.tls_client_cert.empty() != c.tls_client_key.empty()) {
    return absl::InvalidArgumentError("--tls-client-cert FILE and --tls-client-key FILE go together");
  }
  std::string token_file = token_file_flag.value_or("");
  std::string token_what = "token file (--token-file)";
  if (token_file.empty() && use_env) {
    token_what = "token file (CARESTAT_TOKEN_FILE)";
    if (const char* v = std::getenv("CARESTAT_TOKEN"); v && *v) {
      c.token = std::string(absl::StripAsciiWhitespace(v));
    } else if (const char* f = std::getenv("CARESTAT_TOKEN_FILE"); f && *f) {
      token_file = f;
    }
  }
  if (!token_file.empty()) {
    auto t = ReadToken(token_file, token_what);
    if (!t.ok()) return t.status();
    c.token = *t;
    if (c.token.empty()) return absl::InvalidArgumentError(absl::StrCat("the token file ", token_file, " is empty"));
  }
  if (!c.token.empty() && !ValidToken(c.token)) {
    return absl::InvalidArgumentError("the token has characters a bearer token cannot have (expected cst_...)");
  }
  return c;
}

namespace {

class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      // A call that carries its own credentials (reporting's HTTPS listener asking
      // ListChildren with the caller's token) keeps them: one authorization header, the
      // caller's, so the server authorises and audits the caller, not this client.
      auto* md = m->GetSendInitialMetadata();
      if (md->find("authorization") == md->end()) md->emplace("authorization", *header_);
    }
    m->Proceed();
  }

 private:
  const std::string* header_;
};

class BearerFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerFactory(const std::string& token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(&header_);
  }

 private:
  const std::string header_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> Dial(const std::string& target, const ClientSecurity& sec) {
  const bool tls = !sec.tls_ca.empty() || !sec.tls_client_cert.empty() || !IsLoopbackAddress(target);
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (tls) {
    grpc::SslCredentialsOptions o;
    if (!sec.tls_ca.empty()) {
      auto ca = ReadSmallFile(sec.tls_ca, "CA certificate (--tls-ca)");
      if (!ca.ok()) return ca.status();
      o.pem_root_certs = *ca;
    }
    if (!sec.tls_client_cert.empty()) {
      auto cert = ReadSmallFile(sec.tls_client_cert, "client certificate (--tls-client-cert)");
      if (!cert.ok()) return cert.status();
      auto key = ReadSmallFile(sec.tls_client_key, "client key (--tls-client-key)");
      if (!key.ok()) return key.status();
      o.pem_cert_chain = *cert;
      o.pem_private_key = *key;
    }
    creds = grpc::SslCredentials(o);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // No default deadline through the service config: gRPC 1.51 computes it from a cached
  // clock that can be seconds old, failing calls at once. Every carestat call sets its own.
  if (sec.token.empty()) return grpc::CreateCustomChannel(target, creds, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<BearerFactory>(sec.token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, creds, args, std::move(interceptors));
}

}  // namespace carestat
