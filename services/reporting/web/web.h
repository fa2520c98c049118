// File: web.h
// Reporting's HTTPS listener: the dashboard (server-rendered HTML pages) and the JSON API
// (/api/v1/...), for browsers and for systems that cannot speak gRPC. Off unless asked
// for (carestat-reporting --http-listen HOST:PORT, carestat run --serve).
//
// It uses the gRPC server's transport security, tokens and audit log (the same
// ServerSecurity): TLS with the same certificate when --tls-cert is given, plaintext only
// where gRPC would allow it (a loopback address), bearer tokens with the roles of the
// gRPC methods each route stands for, one audit line per request. Its answers are the
// gRPC answers: every route calls metrics (and reporting's own handlers) through the same
// stubs and prints the response message with protobuf's JSON mapping (docs/DASHBOARD.md).
//   auto web = WebServer::Start("127.0.0.1:0", security, metrics_channel, reporting_channel);
//   (*web)->url();   // "https://127.0.0.1:41234/"
//   (*web)->Stop();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "services/common/security.h"

namespace carestat {

struct WebOptions {
  // LAs offered on the start page (carestat run --serve: those of the inbox). The reporting
  // server does not know which LAs metrics holds: its start page asks for a code.
  std::vector<std::string> las;
};

class WebServer {
 public:
  // Binds `listen` (port 0: any free port) and serves on its own threads. `security` is the
  // gRPC server's: CheckListenSecurity applies to `listen` alike (INVALID_ARGUMENT when it
  // refuses); its tokens_instance and audit_instance, when set, are shared with gRPC.
  // `metrics` and `reporting` are channels to the services whose answers it serves.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const std::string& listen, const ServerSecurity& security,
                                                          std::shared_ptr<grpc::Channel> metrics,
                                                          std::shared_ptr<grpc::Channel> reporting,
                                                          const WebOptions& options = {});
  ~WebServer();
  int port() const;
  // "https://HOST:PORT/" (http:// when plaintext), the host as given to `listen`.
  std::string url() const;
  // Stops accepting and waits for the requests in progress. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Opens the tokens file and the audit log of `security` once, for the gRPC server and
// the HTTPS listener to share (sets tokens_instance and audit_instance).
absl::Status OpenSharedSecurity(ServerSecurity* security);

// The OpenAPI 3 document of /api/v1 (services/reporting/web/openapi.json, embedded).
const std::string& OpenApiDocument();

}  // namespace carestat
