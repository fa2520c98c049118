// File: security.h
// Transport security, bearer tokens and roles for carestat's servers and clients.
//
// Server side (every carestat-* server):
//   auto sec = ServerSecurityFromFlags();               // flags.h: --tls-cert ... --tokens ... --audit-log ...
//   if (auto s = CheckListenSecurity(listen, *sec); !s.ok()) { print s.message(); exit 2; }
//   ServeUntilSignal(listen, {&svc}, "carestat-ingestion", *sec);
// Client side (the CLI's --target, metrics' --ingestion, reporting's --metrics):
//   auto cs = ClientSecurityFromFlagsOrEnv(line);   // flags.h: --tls-ca ... --token-file ...
//   auto channel = Dial("ingest.example:7401", *cs);
//
// The tokens file holds SHA-256 hashes of bearer tokens, never the tokens themselves:
//   # sha256(token)                                                  principal  roles          [revoked]
//   3f0a...64 hex digits...                                            pipeline   ingest,admin
//   9b1c...                                                            dashboard  read           revoked
//   cert:metrics                                                       metrics    service
// A `cert:<CN>` line lets a client certificate with that subject CN (mutual TLS)
// stand in for a token. The file is re-read when it changes (within 2 seconds).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace carestat {

// ---- roles ----

// ingest: Upload, ListReturns, GetIssues. read: GetValues, GetSeries, ListIndicators,
// BuildAnnualReport, BuildSelfAssessment, Render, and ListReturns/GetIssues (return
// metadata, and issues without child, line or file: GetIssues gives child-level detail
// to ingest and admin only, see CallerHasRole).
// admin: Recompute, PutReferenceData, PutLocalMeasures and everything read may call.
// service: StreamRecords (child-level records, for metrics only) and ListReturns.
// case: Metrics/ListChildren (the children behind a figure, by pseudonym) and nothing
// else; never granted by default, and no other role implies it.
inline const std::set<std::string>& KnownRoles() {
  static const std::set<std::string> k = {"ingest", "read", "admin", "service", "case"};
  return k;
}

// The roles any one of which allows `method` ("/carestat.v1.Metrics/GetValues"). Empty
// for a method no role may call. Open methods (health, reflection) are not listed here.
const std::set<std::string>& RolesFor(std::string_view method);
// grpc.health.v1, carestat.v1.ServerStatus and server reflection: callable without a token.
bool IsOpenMethod(std::string_view method);
// Every carestat RPC with its roles, for documentation and tests.
const std::map<std::string, std::set<std::string>>& MethodRoles();

// ---- tokens ----

std::string Sha256Hex(std::string_view data);
// A new random bearer token: "cst_" and 43 base64url characters (256 bits).
std::string NewToken();

struct Principal {
  std::string name;
  std::set<std::string> roles;
  bool revoked = false;
};

// The parsed tokens file. Thread-safe; Refresh() re-reads the file if it changed.
class TokenStore {
 public:
  // Fails (naming the line) on a malformed line, an unknown role or a duplicate entry.
  static absl::StatusOr<std::shared_ptr<TokenStore>> Load(const std::string& path);
  static absl::StatusOr<std::shared_ptr<TokenStore>> Parse(const std::string& text, const std::string& name);

  // By bearer token (hashed here) or by client certificate CN.
  std::optional<Principal> FindToken(std::string_view token);
  std::optional<Principal> FindCert(std::string_view cn);
  size_t size();
  // Re-reads the file if it changed (also done, at most every 2 s, by the Find calls).
  // A file that became writable by every user is not used (the previous tokens stay) and
  // an error is logged; group-writable or owned by another user is warned about.
  void Poll();

 private:
  void MaybeReload();
  std::string path_;
  std::mutex mu_;
  std::map<std::string, Principal> by_hash_, by_cn_;
  int64_t checked_ms_ = 0;
  std::string stamp_;  // mtime, size and inode of what was loaded
};

// ---- server side ----

class AuditLog;

struct ServerSecurity {
  std::string tls_cert, tls_key, tls_client_ca;   // PEM files
  bool plaintext = false;                         // --plaintext (loopback only)
  std::string tokens_file;                        // empty: open, with a warning
  std::string audit_log;                          // empty: no audit log
  int64_t audit_max_bytes = 100ll << 20;
  int audit_keep = 10;
  int64_t max_upload_bytes = 2ll << 30;
  int max_concurrent_uploads = 2;
  int max_message_bytes = 64 << 20;
  // Streams (Upload, StreamRecords): one idle this long is cancelled (an upload whose
  // client sends nothing, a record stream whose reader reads nothing); at most this many
  // open per principal and in all, beyond which a new one is refused RESOURCE_EXHAUSTED
  // "busy, retry" at once. Threads serving calls are capped at max_threads.
  int64_t stream_idle_ms = 60000;
  int max_streams_per_principal = 16;
  int max_streams = 64;
  int max_threads = 200;
  // Already open (MakeServerSecurity uses them instead of opening tokens_file and
  // audit_log again): a second listener of the same server (reporting's HTTPS) shares
  // one audit log, rotated in one place, and one view of the tokens file.
  std::shared_ptr<TokenStore> tokens_instance;
  std::shared_ptr<AuditLog> audit_instance;
};

// The servers read these from their flags (flags.h: ServerSecurityFromFlags, with the
// flag names in ServerFlagNames()). Help text for those flags, one per line,
// indented by two spaces.
std::string ServerSecurityHelp();

// Is the host of HOST:PORT (or [V6]:PORT) 127.0.0.0/8, ::1 or localhost?
bool IsLoopbackAddress(const std::string& host_port);

// Refuses plaintext on a non-loopback address and incomplete TLS flags; the message says
// what to give instead. OK with `warning` set when serving plaintext on loopback without
// --plaintext having been asked for.
absl::Status CheckListenSecurity(const std::string& listen, const ServerSecurity& sec, std::string* warning);

// Credentials for the listening port (TLS, or plaintext for loopback), with the token
// processor attached when --tokens is given. Also reads and checks the certificate and key
// (present, matching, not expired).
class AuditLog;
class UploadLimiter;
struct ServerSecurityRuntime {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::shared_ptr<TokenStore> tokens;          // null: open
  std::shared_ptr<AuditLog> audit;             // null: no audit log
  std::shared_ptr<UploadLimiter> uploads;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
};
absl::StatusOr<std::unique_ptr<ServerSecurityRuntime>> MakeServerSecurity(const ServerSecurity& sec);

// Certificate checks shared with `carestat certs`: the PEM parses, is valid now, and the
// key (if given) belongs to it.
absl::Status CheckCertificatePem(const std::string& cert_pem, const std::string& key_pem, const std::string& what);

// Who is calling: the principal of the bearer token in `authorization` (the whole header
// value, "Bearer <token>"), else the one listed for the client certificate's CN
// (cert:<CN>; empty: none). Nullopt when neither is valid, with `reason` the message for
// the caller and `tag` a fixed phrase for the audit log. The gRPC servers and reporting's
// HTTPS listener identify callers alike with it.
std::optional<Principal> IdentifyPrincipal(TokenStore& tokens, const std::optional<std::string>& authorization,
                                           const std::string& cert_cn, std::string* reason, std::string* tag);

// For a handler, about its own call (ServerContext):
// Whether the caller has one of `roles`. True on a server that checks no tokens (no
// --tokens, or the embedded run's in-process server): anyone may call anything there.
bool CallerHasRole(const grpc::ServerContextBase* ctx, std::initializer_list<std::string_view> roles);
// What a streaming handler must answer at once, before reading or writing anything: the
// RESOURCE_EXHAUSTED "busy, retry" of the stream and upload limits. OK when admitted.
grpc::Status CallAdmission(const grpc::ServerContextBase* ctx);

// ---- client side ----

struct ClientSecurity {
  std::string tls_ca;                              // PEM file: verify the server against it
  std::string tls_client_cert, tls_client_key;     // PEM files: mutual TLS
  std::string token;                               // the bearer token itself
};

// --tls-ca, --tls-client-cert, --tls-client-key, --token-file. With use_env, each falls
// back to CARESTAT_TLS_CA, CARESTAT_TLS_CLIENT_CERT, CARESTAT_TLS_CLIENT_KEY,
// CARESTAT_TOKEN_FILE, and the token to CARESTAT_TOKEN.
// ClientSecurityFrom reads them, once parsed (flags.h: ClientSecurityFromFlags for a
// server, ClientSecurityFromFlagsOrEnv for the CLI): nullopt for a flag not given.
const std::set<std::string>& ClientSecurityFlags();
absl::StatusOr<ClientSecurity> ClientSecurityFrom(const std::optional<std::string>& tls_ca,
                                                  const std::optional<std::string>& tls_client_cert,
                                                  const std::optional<std::string>& tls_client_key,
                                                  const std::optional<std::string>& token_file, bool use_env);
std::string ClientSecurityHelp();

// A channel to HOST:PORT. TLS (verifying the server's certificate and name against
// --tls-ca, or the system's roots without it) unless the target is loopback and no TLS
// file is given, in which case plaintext. Adds "authorization: Bearer <token>" to every
// call when a token is set, unless the call adds its own (ClientContext::AddMetadata: a
// call made on someone else's behalf, with their token). Callers set a deadline on every call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Dial(const std::string& target, const ClientSecurity& sec);

// Reads a whole file named by a flag (PEM, tokens and token files): it must be a regular
// file (a FIFO, device or directory is refused without being read) of at most
// kMaxSmallFileBytes. The error names `what` (say "certificate (--tls-cert)") and the path.
constexpr int64_t kMaxSmallFileBytes = 1 << 20;
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, const std::string& what);

}  // namespace carestat
