#include "services/common/server.h"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>

#include "services/common/log.h"

namespace carestat {

void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}


namespace {
void Configure(grpc::ServerBuilder& b, const std::vector<grpc::Service*>& services,
               int max_message_bytes = kMaxMessageBytes) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  b.SetMaxReceiveMessageSize(max_message_bytes);
  b.SetMaxSendMessageSize(max_message_bytes);
  for (auto* s : services) b.RegisterService(s);
}
}  // namespace

int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name) {
  return ServeUntilSignal(listen, services, name, ServerSecurity());
}

int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security) {
  return ServeUntilSignal(listen, services, name, security, nullptr, {});
}

int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security, HealthProbe probe,
                     const std::vector<std::string>& health_services) {
  return ServeUntilSignal(listen, services, name, security, std::move(probe), health_services, ServeHooks());
}

int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name, const ServerSecurity& security, HealthProbe probe,
                     const std::vector<std::string>& health_services, const ServeHooks& hooks) {
  std::string warning;
  if (absl::Status s = CheckListenSecurity(listen, security, &warning); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(s.message()).c_str());
    return 2;
  }
  if (!warning.empty()) CS_LOG(WARNING) << warning;
  auto sec = MakeServerSecurity(security);
  if (!sec.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), std::string(sec.status().message()).c_str());
    return 2;
  }
  if (!(*sec)->tokens) {
    CS_LOG(WARNING) << "no --tokens: every caller that can connect may call every RPC; give --tokens FILE "
                       "in production (see docs/SECURITY.md)";
  }
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort(listen, (*sec)->credentials, &port);
  b.experimental().SetInterceptorCreators(std::move((*sec)->interceptors));
  // Each call in progress holds a thread of the synchronous server: cap them, so that
  // streams nobody finishes cannot take the machine (more are refused RESOURCE_EXHAUSTED).
  grpc::ResourceQuota quota("carestat-server");
  quota.SetMaxThreads(security.max_threads);
  b.SetResourceQuota(quota);
  Configure(b, services, security.max_message_bytes);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  if (!server || port == 0) {
    CS_LOG(ERROR) << "cannot listen on " << listen << " (address in use or not valid HOST:PORT)";
    return 2;
  }
  for (const auto& s : health_services) server->GetHealthCheckService()->SetServingStatus(s, true);
  std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("%s listening on %s:%d\n", name.c_str(), host.c_str(), port);
  std::fflush(stdout);
  CS_LOG(INFO) << "listening on " << host << ":" << port
               << (security.tls_cert.empty() ? " (plaintext, loopback)"
                                             : security.tls_client_ca.empty() ? " (TLS)" : " (mutual TLS)")
               << ((*sec)->tokens ? ", tokens required" : ", open")
               << (security.audit_log.empty() ? "" : ", audit log " + security.audit_log);

  if (hooks.listening) hooks.listening();

  std::thread waiter([&server, &hooks] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    CS_LOG(INFO) << "signal " << sig << ": shutting down";
    if (hooks.stopping) hooks.stopping();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });
  std::mutex health_mu;
  std::condition_variable health_cv;
  bool stopping = false;
  std::thread health;
  if (probe) {
    health = std::thread([&] {
      bool serving = true;
      std::unique_lock<std::mutex> lock(health_mu);
      while (!stopping) {
        lock.unlock();
        absl::Status s = probe();
        lock.lock();
        if (stopping) break;
        if (s.ok() != serving) {
          serving = s.ok();
          server->GetHealthCheckService()->SetServingStatus(serving);
          if (serving) CS_LOG(INFO) << "health: SERVING again";
          else CS_LOG(ERROR) << "health: NOT_SERVING: " << s.message();
        }
        health_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; });
      }
    });
  }
  server->Wait();
  waiter.join();
  if (health.joinable()) {
    {
      std::lock_guard<std::mutex> lock(health_mu);
      stopping = true;
    }
    health_cv.notify_all();
    health.join();
  }
  CS_LOG(INFO) << "stopped";
  return 0;
}

std::unique_ptr<grpc::Server> StartInProcess(const std::vector<grpc::Service*>& services) {
  grpc::ServerBuilder b;
  Configure(b, services);
  return b.BuildAndStart();
}

std::shared_ptr<grpc::Channel> InProcessChannelTo(grpc::Server* server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return server->InProcessChannel(args);
}

std::shared_ptr<grpc::Channel> DialInsecure(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace carestat
