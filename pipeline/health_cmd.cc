#include "pipeline/health_cmd.h"

#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "carestat/v1/status.grpc.pb.h"
#include "pipeline/cli_flags.h"
#include "services/common/log.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/common/json.h"
#include "services/common/text.h"

namespace carestat {
namespace {

constexpr int kOk = 0, kProblems = 1, kUsage = 2;
// How CheckServing begins the message of an answer that was not SERVING.
constexpr char kAnswersPrefix[] = "it answers";

const char kHelp[] =
    "usage: carestat health --target HOST:PORT [--service NAME] [--timeout SECONDS] [--json]\n"
    "                       [--tls-ca FILE] [--tls-client-cert FILE --tls-client-key FILE] [--token-file FILE]\n\n"
    "Asks a carestat server (ingestion, metrics or reporting) whether it is serving: the\n"
    "standard gRPC health check, and carestat.v1.ServerStatus for which build it is and\n"
    "why not. Prints the server and its version, then the reason when not serving:\n"
    "  SERVING carestat-metrics 0.1.0\n"
    "  NOT_SERVING carestat-reporting 0.1.0: metrics at 127.0.0.1:7402 is not serving: ...\n"
    "(the target alone in place of the server when it does not say; --json prints one\n"
    "object: target, server, version, service, status, reason)\n"
    "and exits 0 when SERVING, 1 when NOT_SERVING or when the server does not answer within\n"
    "--timeout (default 5 s), 2 for unusable arguments: for scripts and Compose healthchecks.\n"
    "--service asks about one service (carestat.v1.Ingestion, carestat.v1.Metrics,\n"
    "carestat.v1.Reporting) instead of the server as a whole. Health needs no token; TLS\n"
    "is as for every --target (a loopback target may be plaintext):\n";

}  // namespace

int HealthCommand(int argc, char** argv) {
  std::set<std::string> known = {"target", "service", "timeout", "json"};
  known.insert(ClientSecurityFlags().begin(), ClientSecurityFlags().end());
  const CommandLine a = ParseCommandFlags(argc, argv, known);
  if (a.help) {
    std::printf("%s%s", kHelp, ClientSecurityHelp().c_str());
    return kOk;
  }
  auto usage = [](const std::string& why) {
    std::fprintf(stderr, "carestat health: %s (see carestat health --help)\n", why.c_str());
    return kUsage;
  };
  if (!a.problem.ok()) return usage(std::string(a.problem.message()));
  if (!a.Has(FLAGS_target)) return usage("--target HOST:PORT is required");
  if (!a.positional.empty()) return usage("unexpected argument " + a.positional[0]);
  // Abseil has parsed the number; the range is carestat's.
  const double timeout = absl::GetFlag(FLAGS_timeout);
  if (!(timeout > 0) || timeout > 3600) {
    return usage("--timeout must be a number of seconds from 0 to 3600, not " + absl::StrCat(timeout));
  }
  SetLogQuiet(true);
  auto security = ClientSecurityFromFlagsOrEnv(a);
  if (!security.ok()) return usage(std::string(security.status().message()));
  auto channel = Dial(a.Get(FLAGS_target), *security);
  if (!channel.ok()) return usage(std::string(channel.status().message()));
  const auto deadline = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
  const std::string service = a.Get(FLAGS_service);
  absl::Status serving = CheckServing(*channel, service, deadline);

  // Why: ServerStatus names the server and the reason. Not asked when the health check
  // had no answer at all (it would only wait as long again); a server without it still
  // has its health answer.
  const bool answered = serving.ok() || absl::StartsWith(serving.message(), kAnswersPrefix);
  v1::GetStatusResponse status;
  bool have_status = false;
  if (answered) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + deadline);
    have_status = v1::ServerStatus::NewStub(*channel)->GetStatus(&c, v1::GetStatusRequest(), &status).ok();
  }
  const std::string server = have_status ? status.server() : a.Get(FLAGS_target);
  // Empty from a server that does not say (one older than the field).
  const std::string version = have_status ? status.version() : "";
  std::string reason;
  if (!serving.ok()) {
    reason = have_status && !status.reason().empty() ? status.reason() : std::string(serving.message());
  }
  const char* state = serving.ok() ? "SERVING" : "NOT_SERVING";
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"target\": %s, \"server\": %s, \"version\": %s, \"service\": %s, \"status\": \"%s\", \"reason\": %s}\n",
        JsonQuote(a.Get(FLAGS_target)).c_str(), JsonQuote(server).c_str(), JsonQuote(version).c_str(),
        JsonQuote(service).c_str(), state, JsonQuote(reason).c_str());
  } else {
    std::printf("%s %s%s%s%s%s\n", state, EscapeForLog(server).c_str(),
                version.empty() ? "" : (" " + EscapeForLog(version)).c_str(), service.empty() ? "" : " ",
                EscapeForLog(service).c_str(), reason.empty() ? "" : (": " + EscapeForLog(reason)).c_str());
  }
  return serving.ok() ? kOk : kProblems;
}

}  // namespace carestat
