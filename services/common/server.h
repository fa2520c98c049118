// File: server.h
// Runs gRPC services the way every carestat server behaves: health checking and
// reflection on, the bound port printed first, a clean stop on SIGTERM or SIGINT, and
// the transport security, tokens, audit log and limits of security.h.
//   BlockStopSignals();                       // first thing in main, before any thread
//   MyService svc(...);
//   auto sec = ServerSecurityFromFlags();     // flags.h: --tls-cert ... --tokens ... --audit-log ...
//   return ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-ingestion", *sec);
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/common/security.h"

namespace carestat {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it later starts,
// so that only the waiting thread of ServeUntilSignal receives them.
void BlockStopSignals();

// Listens on `listen` with the transport security of `security` (TLS, or plaintext on a
// loopback address only: anything else is refused with exit code 2 and a message on
// stderr), checks tokens and roles when security.tokens_file is set (warning that the
// server is open otherwise), audits and limits every call, prints
// "<name> listening on HOST:PORT" as the first line on stdout, and serves until a stop
// signal, then shuts down with a 10 second deadline. Returns the process exit code.
int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security);
// Asked once before the server's first line and then about once a second while
// serving: a non-OK answer turns the health service (overall "" and each of
// `health_services`, e.g. "carestat.v1.Ingestion") to NOT_SERVING, logged with its
// message, until the probe answers OK again (e.g. ingestion while its disk is full,
// reporting while metrics is down). carestat.v1.ServerStatus/GetStatus (open, like
// health) answers the same state with the probe's message as its reason.
using HealthProbe = std::function<absl::Status()>;
int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security, HealthProbe probe,
                     const std::vector<std::string>& health_services);
// Another listener of the same process (reporting's HTTPS): `listening` runs once the
// gRPC port is bound and its line printed (so that line stays the first), `stopping` when
// the stop signal arrives, before the gRPC server shuts down.
struct ServeHooks {
  std::function<void()> listening;
  std::function<void()> stopping;
  // --health-listen HOST:PORT: a second, plaintext port that serves grpc.health.v1 alone
  // (the same answers), for probes that cannot speak TLS (the kubelet's grpc: probes).
  // It carries no data, so any address is allowed. Its line
  // "<name> health listening on HOST:PORT" follows the first.
  std::string health_listen;
  // --metrics-listen HOST:PORT: Prometheus' text format at GET /metrics (telemetry.h):
  // every RPC by method and status code with a latency histogram, and whatever the
  // server counts. Its line "<name> metrics listening on HOST:PORT" follows.
  std::string metrics_listen;
};
// The --help lines of the flags that fill ServeHooks (flags.h: ServeHooksFromFlags, and
// --log-format, applied by ApplyLogFormatFlag before anything is logged).
std::string ServeHelp();
int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security, HealthProbe probe,
                     const std::vector<std::string>& health_services, const ServeHooks& hooks);
// The same with default security: plaintext on loopback (with a warning), no tokens.
int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name);

// A server with no port, reached only through InProcessChannel (the embedded run).
std::unique_ptr<grpc::Server> StartInProcess(const std::vector<grpc::Service*>& services);
std::shared_ptr<grpc::Channel> InProcessChannelTo(grpc::Server* server);

// A plaintext channel to HOST:PORT with carestat's message size limits (tests, loopback).
// Dial() in security.h makes the TLS and token-carrying channels.
std::shared_ptr<grpc::Channel> DialInsecure(const std::string& target);

// OK when the server behind `channel` answers grpc.health.v1 Check for `service` ("" for
// the server as a whole) with SERVING within `deadline`; UNAVAILABLE saying what it
// answered (NOT_SERVING, or the call's error: refused, timed out) otherwise.
absl::Status CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                          std::chrono::milliseconds deadline);

// Largest message any carestat server or client accepts.
constexpr int kMaxMessageBytes = 64 << 20;

}  // namespace carestat
