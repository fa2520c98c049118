// File: server.h
// Runs gRPC services the way every carestat server behaves: health checking and
// reflection on, the bound port printed first, a clean stop on SIGTERM or SIGINT.
//   BlockStopSignals();                       // first thing in main, before any thread
//   MyService svc(...);
//   return ServeUntilSignal("127.0.0.1:0", {&svc}, "carestat-ingestion");
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace carestat {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it later starts,
// so that only the waiting thread of ServeUntilSignal receives them.
void BlockStopSignals();

// Listens on `listen` (plaintext: TLS comes with the security work), prints
// "<name> listening on HOST:PORT" as the first line on stdout, and serves until a stop
// signal, then shuts down with a 10 second deadline. Returns the process exit code.
int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name);

// A server with no port, reached only through InProcessChannel (the embedded run).
std::unique_ptr<grpc::Server> StartInProcess(const std::vector<grpc::Service*>& services);
std::shared_ptr<grpc::Channel> InProcessChannelTo(grpc::Server* server);

// A plaintext channel to HOST:PORT with carestat's message size limits.
std::shared_ptr<grpc::Channel> DialInsecure(const std::string& target);

// Largest message any carestat server or client accepts.
constexpr int kMaxMessageBytes = 64 << 20;

}  // namespace carestat
