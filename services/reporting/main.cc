// carestat-reporting: the reporting server.
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
#include "services/reporting/service.h"
#include "services/reporting/web/web.h"

// Its own flags (flags.h: typed, parsed by Abseil under their dashed names).
ABSL_FLAG(std::string, listen, "127.0.0.1:7403", "HOST:PORT to serve on");
ABSL_FLAG(std::optional<std::string>, data, std::nullopt, "DIR: the councils' narratives");
ABSL_FLAG(std::optional<std::string>, metrics, std::nullopt, "HOST:PORT of metrics");
ABSL_FLAG(std::optional<std::string>, ingestion, std::nullopt, "HOST:PORT of ingestion");
ABSL_FLAG(std::optional<std::string>, http_listen, std::nullopt, "HOST:PORT: the dashboard and JSON API");
ABSL_FLAG(bool, init, false, "create DIR when it does not exist");

int main(int argc, char** argv) {
  ::umask(077);  // whatever it writes (its audit log): owner only
  carestat::BlockStopSignals();
  carestat::SetLogComponent("reporting");
  std::set<std::string> known = {"listen", "data", "metrics", "ingestion", "http-listen", "init"};
  known.insert(carestat::ServerFlagNames().begin(), carestat::ServerFlagNames().end());
  known.insert(carestat::ClientSecurityFlags().begin(), carestat::ClientSecurityFlags().end());
  const carestat::ServerCommandLine line = carestat::ParseServerFlags(argc, argv, known);
  if (line.version) {
    std::printf("carestat-reporting %s\n", carestat::kVersion);
    return 0;
  }
  if (line.help) {
    std::printf("usage: carestat-reporting --listen HOST:PORT --metrics HOST:PORT [--ingestion HOST:PORT]\n"
                "                          [--data DIR] [--http-listen HOST:PORT]\n"
                "                          (--tls-cert FILE --tls-key FILE [--tls-client-ca FILE] | --plaintext)\n"
                "                          [--tokens FILE] [--audit-log FILE] [limits]\n"
                "                          [--tls-ca FILE] [--tls-client-cert FILE --tls-client-key FILE]\n"
                "                          [--token-file FILE] [--init]\n"
                "       carestat-reporting --version\n"
                "Builds and renders reports from the metrics service's series. The self-assessment's\n"
                "data-quality section lists the year's returns and their validation by rule as\n"
                "metrics read them at its last recompute (so reporting needs no route to\n"
                "ingestion); --ingestion reads them from ingestion as they are now instead. Port 0\n"
                "picks a free port, printed on the first line. --data DIR keeps the councils' narrative\n"
                "files (PutNarrative) in DIR/narratives: without it no report carries a narrative. A DIR\n"
                "that does not exist is refused (a mistyped path) unless --init creates it.\n"
                "Health is NOT_SERVING while --metrics does not answer its health check SERVING\n"
                "(carestat health --target HOST:PORT says why).\n\n"
                "--http-listen HOST:PORT also serves the dashboard and the JSON API (/api/v1, its\n"
                "OpenAPI document at /api/v1/openapi.json) over HTTPS with the same certificate,\n"
                "tokens and audit log (plaintext only where gRPC is: a loopback address). Off by\n"
                "default; port 0 picks a free port, printed on the second line\n"
                "(\"carestat-reporting HTTP listening on HOST:PORT URL\"). See docs/DASHBOARD.md.\n\n"
                "This server:\n%s%s"
                "Its calls to --metrics and --ingestion (the token needs the role read):\n%s"
                "See docs/SECURITY.md for running it in production.\n",
                carestat::ServerSecurityHelp().c_str(), carestat::ServeHelp().c_str(), carestat::ClientSecurityHelp().c_str());
    return 0;
  }
  if (!line.problem.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s (see --help)\n", std::string(line.problem.message()).c_str());
    return 2;
  }
  if (auto s = carestat::ApplyLogFormatFlag(); !s.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // First, so that every log of a run says which build wrote it.
  CS_LOG(INFO) << "carestat-reporting " << carestat::kVersion << " starting";
  if (!absl::GetFlag(FLAGS_metrics)) {
    std::fprintf(stderr, "carestat-reporting: --metrics HOST:PORT is required\n");
    return 2;
  }
  const std::string metrics_target = *absl::GetFlag(FLAGS_metrics);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  auto security = carestat::ServerSecurityFromFlags();
  if (!security.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(security.status().message()).c_str());
    return 2;
  }
  if (auto s = carestat::CheckListenSecurity(listen, *security, nullptr); !s.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  // Outbound: flags only (a server does not take its credentials from the environment);
  // the same credentials serve --metrics and --ingestion.
  auto outbound = carestat::ClientSecurityFromFlags();
  if (!outbound.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(outbound.status().message()).c_str());
    return 2;
  }
  auto metrics = carestat::Dial(metrics_target, *outbound);
  if (!metrics.ok()) {
    std::fprintf(stderr, "carestat-reporting: --metrics: %s\n", std::string(metrics.status().message()).c_str());
    return 2;
  }
  std::shared_ptr<grpc::Channel> ingestion;
  if (const auto target = absl::GetFlag(FLAGS_ingestion)) {
    auto channel = carestat::Dial(*target, *outbound);
    if (!channel.ok()) {
      std::fprintf(stderr, "carestat-reporting: --ingestion: %s\n", std::string(channel.status().message()).c_str());
      return 2;
    }
    ingestion = *channel;
  }
  // --data DIR: where the councils' narrative files are kept (DIR/narratives/<LA>/<year>.md).
  // A mistyped DIR would serve every report without its narrative: made only on purpose.
  const std::optional<std::string> data_flag = absl::GetFlag(FLAGS_data);
  if (data_flag) {
    const std::string& data = *data_flag;
    struct stat st;
    if (::stat(data.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      if (!absl::GetFlag(FLAGS_init)) {
        CS_LOG(ERROR) << "the data directory " << data << " does not exist (or is not a directory): nothing was "
                      << "created there. Check the path; to create it on purpose, start once with --init (or run "
                      << "carestat init --reporting-data " << data << ")";
        return 2;
      }
      if (auto s = carestat::CreatePrivateDir(data); !s.ok()) {
        CS_LOG(ERROR) << s.message();
        return 2;
      }
    }
  }
  const std::string narratives = data_flag ? *data_flag + "/narratives" : std::string();
  carestat::ReportingService service(*metrics, ingestion, narratives);
  // Every report is built from metrics' series: without metrics this server can answer
  // nothing useful, and a load balancer or orchestrator should know.
  std::shared_ptr<grpc::Channel> metrics_channel = *metrics;
  carestat::HealthProbe probe = [metrics_target, metrics_channel]() -> absl::Status {
    absl::Status s = carestat::CheckServing(metrics_channel, "", std::chrono::seconds(2));
    if (s.ok()) return s;
    return absl::UnavailableError("metrics at " + metrics_target + " is not serving: " + std::string(s.message()));
  };
  const std::vector<std::string> health_services = {carestat::v1::Reporting::service_full_name()};
  const std::optional<std::string> http_flag = absl::GetFlag(FLAGS_http_listen);
  if (!http_flag) {
    return carestat::ServeUntilSignal(listen, {&service}, "carestat-reporting", *security, probe, health_services,
                                      carestat::ServeHooksFromFlags());
  }

  // The HTTPS listener asks the same handlers through an in-process server of its own (a
  // service object serves one server), and metrics through the same channel.
  const std::string http_listen = *http_flag;
  if (auto s = carestat::CheckListenSecurity(http_listen, *security, nullptr); !s.ok()) {
    std::fprintf(stderr, "carestat-reporting: --http-listen: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (auto s = carestat::OpenSharedSecurity(&*security); !s.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  carestat::ReportingService http_side(*metrics, ingestion, narratives);
  auto in_process = carestat::StartInProcess({&http_side});
  if (!in_process) {
    std::fprintf(stderr, "carestat-reporting: cannot start the in-process reporting server\n");
    return 2;
  }
  auto web = carestat::WebServer::Start(http_listen, *security, *metrics, carestat::InProcessChannelTo(in_process.get()));
  if (!web.ok()) {
    std::fprintf(stderr, "carestat-reporting: %s\n", std::string(web.status().message()).c_str());
    return 2;
  }
  carestat::ServeHooks hooks = carestat::ServeHooksFromFlags();
  hooks.listening = [&] {
    std::string host = http_listen.substr(0, http_listen.rfind(':'));
    std::printf("carestat-reporting HTTP listening on %s:%d %s\n", host.c_str(), (*web)->port(), (*web)->url().c_str());
    std::fflush(stdout);
  };
  hooks.stopping = [&] { (*web)->Stop(); };
  const int code =
      carestat::ServeUntilSignal(listen, {&service}, "carestat-reporting", *security, probe, health_services, hooks);
  (*web)->Stop();
  in_process->Shutdown();
  return code;
}
