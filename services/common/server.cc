#include "services/common/server.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

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
void Configure(grpc::ServerBuilder& b, const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  b.SetMaxReceiveMessageSize(kMaxMessageBytes);
  b.SetMaxSendMessageSize(kMaxMessageBytes);
  for (auto* s : services) b.RegisterService(s);
}
}  // namespace

int ServeUntilSignal(const std::string& listen, const std::vector<grpc::Service*>& services,
                     const std::string& name) {
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  Configure(b, services);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  if (!server || port == 0) {
    CS_LOG(ERROR) << "cannot listen on " << listen << " (address in use or not valid HOST:PORT)";
    return 2;
  }
  std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("%s listening on %s:%d\n", name.c_str(), host.c_str(), port);
  std::fflush(stdout);
  CS_LOG(INFO) << "listening on " << host << ":" << port;

  std::thread waiter([&server] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    CS_LOG(INFO) << "signal " << sig << ": shutting down";
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });
  server->Wait();
  waiter.join();
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
