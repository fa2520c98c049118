// carestat-metrics: the metrics server.
#include <sys/stat.h>

#include <cstdio>
#include <set>
#include <string>

#include "absl/flags/flag.h"
#include "services/common/flags.h"
#include "services/common/log.h"
#include "services/common/rocks.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/common/version.h"
#include "services/metrics/service.h"

// Its own flags (flags.h: typed, parsed by Abseil under their dashed names).
ABSL_FLAG(std::string, listen, "127.0.0.1:7402", "HOST:PORT to serve on");
ABSL_FLAG(std::optional<std::string>, data, std::nullopt, "DIR: the store");
ABSL_FLAG(std::optional<std::string>, ingestion, std::nullopt, "HOST:PORT of ingestion");
ABSL_FLAG(bool, init, false, "create the store when DIR holds none");

int main(int argc, char** argv) {
  ::umask(077);  // its store and everything else it writes: owner only
  carestat::BlockStopSignals();
  carestat::SetLogComponent("metrics");
  std::set<std::string> known = {"listen", "data", "ingestion", "init"};
  known.insert(carestat::ServerFlagNames().begin(), carestat::ServerFlagNames().end());
  known.insert(carestat::ClientSecurityFlags().begin(), carestat::ClientSecurityFlags().end());
  const carestat::ServerCommandLine line = carestat::ParseServerFlags(argc, argv, known);
  if (line.version) {
    std::printf("carestat-metrics %s\n", carestat::kVersion);
    return 0;
  }
  if (line.help) {
    std::printf("usage: carestat-metrics --listen HOST:PORT --data DIR --ingestion HOST:PORT\n"
                "                        (--tls-cert FILE --tls-key FILE [--tls-client-ca FILE] | --plaintext)\n"
                "                        [--tokens FILE] [--audit-log FILE] [limits]\n"
                "                        [--tls-ca FILE] [--tls-client-cert FILE --tls-client-key FILE]\n"
                "                        [--token-file FILE] [--init]\n"
                "       carestat-metrics --version\n"
                "Computes indicator series from the records of the ingestion service and serves\n"
                "them. Port 0 picks a free port, printed on the first line. Health is NOT_SERVING\n"
                "from a recompute that found --ingestion unreachable until ingestion answers\n"
                "SERVING again (carestat health --target HOST:PORT says which).\n\n"
                "DIR must hold a store: a DIR that does not exist or holds none is refused (exit 2).\n"
                "--init creates one when DIR holds none (as carestat init --metrics-data DIR does).\n\n"
                "This server:\n%s%s"
                "Its calls to --ingestion (the token needs the role service):\n%s"
                "See docs/SECURITY.md for running it in production.\n",
                carestat::ServerSecurityHelp().c_str(), carestat::ServeHelp().c_str(), carestat::ClientSecurityHelp().c_str());
    return 0;
  }
  if (!line.problem.ok()) {
    std::fprintf(stderr, "carestat-metrics: %s (see --help)\n", std::string(line.problem.message()).c_str());
    return 2;
  }
  if (auto s = carestat::ApplyLogFormatFlag(); !s.ok()) {
    std::fprintf(stderr, "carestat-metrics: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // First, so that every log of a run says which build wrote it.
  CS_LOG(INFO) << "carestat-metrics " << carestat::kVersion << " starting";
  if (!absl::GetFlag(FLAGS_data)) {
    std::fprintf(stderr, "carestat-metrics: --data DIR is required\n");
    return 2;
  }
  const std::string data = *absl::GetFlag(FLAGS_data);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  auto security = carestat::ServerSecurityFromFlags();
  if (!security.ok()) {
    std::fprintf(stderr, "carestat-metrics: %s\n", std::string(security.status().message()).c_str());
    return 2;
  }
  if (auto s = carestat::CheckListenSecurity(listen, *security, nullptr); !s.ok()) {
    std::fprintf(stderr, "carestat-metrics: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // Outbound: flags only (a server does not take its credentials from the environment).
  auto outbound = carestat::ClientSecurityFromFlags();
  if (!outbound.ok()) {
    std::fprintf(stderr, "carestat-metrics: %s\n", std::string(outbound.status().message()).c_str());
    return 2;
  }
  std::shared_ptr<grpc::Channel> ingestion;
  if (const auto target = absl::GetFlag(FLAGS_ingestion)) {
    auto channel = carestat::Dial(*target, *outbound);
    if (!channel.ok()) {
      std::fprintf(stderr, "carestat-metrics: --ingestion: %s\n", std::string(channel.status().message()).c_str());
      return 2;
    }
    ingestion = *channel;
  }
  if (!absl::GetFlag(FLAGS_init)) {
    if (auto s = carestat::RequireStore(data, data, "start once with --init (or run carestat init --metrics-data " + data + ")");
        !s.ok()) {
      CS_LOG(ERROR) << s.message();
      return 2;
    }
  }
  if (auto s = carestat::CheckPrivateDir(data); !s.ok()) {
    CS_LOG(ERROR) << s.message();
    return 2;
  }
  auto engine = carestat::MetricsEngine::Open(data);
  if (!engine.ok()) {
    CS_LOG(ERROR) << engine.status().message();
    return 2;
  }
  carestat::MetricsService service(engine->get(), ingestion);
  const carestat::ServeHooks hooks = carestat::ServeHooksFromFlags();
  if (!hooks.metrics_listen.empty()) {
    carestat::DescribeMetricsTelemetry();
    carestat::ExportStoreTelemetry((*engine)->rocks(), "metrics");
  }
  return carestat::ServeUntilSignal(listen, {&service}, "carestat-metrics", *security, [&service] { return service.Health(); },
                                    {carestat::v1::Metrics::service_full_name()}, hooks);
}
