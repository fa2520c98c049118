#include "services/common/server.h"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <ctime>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"

#include "carestat/v1/status.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/log.h"
#include "services/common/telemetry.h"
#include "services/common/version.h"

namespace carestat {

void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}


namespace {

// The state the health service answers, with why: shared by the probe thread and
// ServerStatus/GetStatus.
class HealthState {
 public:
  void Set(bool serving, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mu_);
    if (serving != serving_) since_ = std::time(nullptr);
    serving_ = serving;
    reason_ = serving ? "" : reason;
  }
  void Fill(v1::GetStatusResponse* resp) const {
    std::lock_guard<std::mutex> lock(mu_);
    resp->set_serving(serving_);
    resp->set_reason(reason_);
    resp->set_since_unix_seconds(since_);
  }

 private:
  mutable std::mutex mu_;
  bool serving_ = true;
  std::string reason_;
  int64_t since_ = std::time(nullptr);
};

class StatusService final : public v1::ServerStatus::Service {
 public:
  StatusService(std::string name, const HealthState* state) : name_(std::move(name)), state_(state) {}
  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*, v1::GetStatusResponse* resp) override {
    resp->set_server(name_);
    // Which build answered: after an upgrade, whether the restart took.
    resp->set_version(kVersion);
    state_->Fill(resp);
    return grpc::Status::OK;
  }

 private:
  const std::string name_;
  const HealthState* state_;
};

// RPCs for the metrics port: grpc_server_handled_total{grpc_service, grpc_method,
// grpc_code} and grpc_server_handling_seconds (the names Prometheus' gRPC exporters use,
// so existing dashboards read them). A method no service of this binary defines is
// counted as "unknown", so that callers cannot mint label values.
class RpcTelemetry final : public grpc::experimental::Interceptor {
 public:
  explicit RpcTelemetry(grpc::experimental::ServerRpcInfo* info) : start_(std::chrono::steady_clock::now()) {
    const std::string method = info->method() ? info->method() : "";
    const size_t slash = method.rfind('/');
    if (method.size() > 1 && method[0] == '/' && slash != std::string::npos && slash > 1) {
      std::string full = method.substr(1);
      full[slash - 1] = '.';
      if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full) != nullptr ||
          absl::StartsWith(method, "/grpc.health.v1.") || absl::StartsWith(method, "/grpc.reflection.")) {
        service_ = method.substr(1, slash - 1);
        method_ = method.substr(slash + 1);
      }
    }
  }
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      const Labels labels = {{"grpc_service", service_}, {"grpc_method", method_}};
      Labels handled = labels;
      handled.emplace_back("grpc_code", CodeName(m->GetSendStatus().error_code()));
      Telemetry::Get().Add("grpc_server_handled_total", handled);
      Telemetry::Get().Observe("grpc_server_handling_seconds", labels, seconds);
    }
    m->Proceed();
  }

  static const char* CodeName(grpc::StatusCode c) {
    static const char* const kNames[] = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
                                         "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
                                         "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
                                         "Internal", "Unavailable", "DataLoss", "Unauthenticated"};
    const int i = static_cast<int>(c);
    return i >= 0 && i < 17 ? kNames[i] : "Unknown";
  }

 private:
  const std::chrono::steady_clock::time_point start_;
  std::string service_ = "unknown", method_ = "unknown";
};

class RpcTelemetryFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new RpcTelemetry(info);
  }
};

void DescribeRpcTelemetry() {
  Telemetry& t = Telemetry::Get();
  t.Describe("grpc_server_handled_total", Telemetry::kCounter, "RPCs completed on the server, by status code.");
  t.Describe("grpc_server_handling_seconds", Telemetry::kHistogram,
             "Time from an RPC's start to its status, in seconds.", Telemetry::DurationBuckets());
  t.Describe("carestat_up", Telemetry::kGauge, "1 while the server's health is SERVING, 0 while NOT_SERVING.");
}

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
  // Before the first line: a server whose dependency is down at its start says so from
  // its first answer, never SERVING for the second before the probe thread runs.
  HealthState state;
  absl::Status first = probe ? probe() : absl::OkStatus();
  state.Set(first.ok(), std::string(first.message()));
  StatusService status_service(name, &state);
  std::vector<grpc::Service*> all = services;
  all.push_back(&status_service);
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort(listen, (*sec)->credentials, &port);
  // The security interceptors first: what they refuse is counted with the code it got.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors =
      std::move((*sec)->interceptors);
  if (!hooks.metrics_listen.empty()) {
    DescribeRpcTelemetry();
    interceptors.push_back(std::make_unique<RpcTelemetryFactory>());
  }
  b.experimental().SetInterceptorCreators(std::move(interceptors));
  // Each call in progress holds a thread of the synchronous server: cap them, so that
  // streams nobody finishes cannot take the machine (more are refused RESOURCE_EXHAUSTED).
  grpc::ResourceQuota quota("carestat-server");
  quota.SetMaxThreads(security.max_threads);
  b.SetResourceQuota(quota);
  Configure(b, all, security.max_message_bytes);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  if (!server || port == 0) {
    CS_LOG(ERROR) << "cannot listen on " << listen << " (address in use or not valid HOST:PORT)";
    return 2;
  }
  for (const auto& s : health_services) server->GetHealthCheckService()->SetServingStatus(s, true);
  if (!first.ok()) {
    server->GetHealthCheckService()->SetServingStatus(false);
    CS_LOG(ERROR) << "health: NOT_SERVING: " << first.message();
  }
  std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("%s listening on %s:%d\n", name.c_str(), host.c_str(), port);
  std::fflush(stdout);
  CS_LOG(INFO) << "listening on " << host << ":" << port
               << (security.tls_cert.empty() ? " (plaintext, loopback)"
                                             : security.tls_client_ca.empty() ? " (TLS)" : " (mutual TLS)")
               << ((*sec)->tokens ? ", tokens required" : ", open")
               << (security.audit_log.empty() ? "" : ", audit log " + security.audit_log);

  // The plaintext health port: a server of its own with only the default health service,
  // kept in step with the main one below.
  std::unique_ptr<grpc::Server> health_server;
  if (!hooks.health_listen.empty()) {
    grpc::ServerBuilder hb;
    int health_port = 0;
    hb.AddListeningPort(hooks.health_listen, grpc::InsecureServerCredentials(), &health_port);
    health_server = hb.BuildAndStart();
    if (!health_server || health_port == 0) {
      CS_LOG(ERROR) << "cannot listen on " << hooks.health_listen
                    << " (--health-listen: address in use or not valid HOST:PORT)";
      server->Shutdown();
      return 2;
    }
    for (const auto& s : health_services) health_server->GetHealthCheckService()->SetServingStatus(s, true);
    if (!first.ok()) health_server->GetHealthCheckService()->SetServingStatus(false);
    const std::string health_host = hooks.health_listen.substr(0, hooks.health_listen.rfind(':'));
    std::printf("%s health listening on %s:%d\n", name.c_str(), health_host.c_str(), health_port);
    std::fflush(stdout);
  }
  std::unique_ptr<TelemetryServer> telemetry;
  if (!hooks.metrics_listen.empty()) {
    auto t = TelemetryServer::Start(hooks.metrics_listen);
    if (!t.ok()) {
      CS_LOG(ERROR) << t.status().message();
      server->Shutdown();
      return 2;
    }
    telemetry = std::move(*t);
    Telemetry::Get().Set("carestat_up", {}, first.ok() ? 1 : 0);
    const std::string metrics_host = hooks.metrics_listen.substr(0, hooks.metrics_listen.rfind(':'));
    std::printf("%s metrics listening on %s:%d\n", name.c_str(), metrics_host.c_str(), telemetry->port());
    std::fflush(stdout);
  }
  auto set_serving = [&](bool serving) {
    server->GetHealthCheckService()->SetServingStatus(serving);
    if (health_server) health_server->GetHealthCheckService()->SetServingStatus(serving);
    if (telemetry) Telemetry::Get().Set("carestat_up", {}, serving ? 1 : 0);
  };

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
      bool serving = first.ok();
      std::string reason(first.message());
      std::unique_lock<std::mutex> lock(health_mu);
      while (!stopping) {
        health_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; });
        if (stopping) break;
        lock.unlock();
        absl::Status s = probe();
        lock.lock();
        if (stopping) break;
        state.Set(s.ok(), std::string(s.message()));
        if (s.ok() != serving) {
          serving = s.ok();
          set_serving(serving);
          if (serving) CS_LOG(INFO) << "health: SERVING again";
          else CS_LOG(ERROR) << "health: NOT_SERVING: " << s.message();
        } else if (!serving && s.message() != reason) {
          CS_LOG(ERROR) << "health: still NOT_SERVING: " << s.message();
        }
        reason = std::string(s.message());
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
  if (health_server) health_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  if (telemetry) telemetry->Stop();
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

std::string ServeHelp() {
  return "  --health-listen HOST:PORT  also serve grpc.health.v1 alone, in plaintext on any address\n"
         "                             (it carries no data), for probes that cannot speak TLS such as\n"
         "                             Kubernetes' grpc: probes; its port follows the first line\n"
         "  --metrics-listen HOST:PORT Prometheus' text format at http://HOST:PORT/metrics, plaintext\n"
         "                             (counts only: no child, file name or message); its port follows\n"
         "  --flagfile FILE             flags from FILE, one per line as --name=value or --switch (# for\n"
         "                             comments), where it stands: flags after it override it\n"
         "  --log-format text|json      stderr lines as text (default) or one JSON object per line\n"
         "                             (time, level, component, message, fields) for journald and\n"
         "                             log shippers\n";
}

absl::Status CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                          std::chrono::milliseconds deadline) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + deadline);
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&c, req, &resp);
  if (!s.ok()) {
    return absl::UnavailableError(s.error_code() == grpc::DEADLINE_EXCEEDED
                                      ? "no answer to a health check within " + std::to_string(deadline.count()) + " ms"
                                      : "health check failed: " + s.error_message());
  }
  if (resp.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        "it answers " + grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> DialInsecure(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace carestat
