// Health that means something (issue 19): each server's grpc.health.v1 answer follows
// the dependency it cannot work without, carestat.v1.ServerStatus says which, and
// `carestat health` turns that into an exit code for scripts and Compose healthchecks.
// Reporting follows metrics; metrics follows ingestion once a recompute found it
// unreachable. Real binaries on 127.0.0.1:0 in temporary directories; a stopped server
// is started again on the port it had, so that its clients find it where they left it.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/status.grpc.pb.h"
#include "services/common/server.h"
#include "services/common/version.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

std::unique_ptr<ServerProcess> Start(std::vector<std::string> argv) {
  auto p = std::make_unique<ServerProcess>(std::move(argv));
  EXPECT_TRUE(p->Start()) << argv[0];
  return p;
}

std::string PortOf(const std::string& address) { return address.substr(address.rfind(':') + 1); }

std::unique_ptr<ServerProcess> Ingestion(const std::string& data, const std::string& port = "0") {
  return Start({ServerBin("ingestion"), "--listen", "127.0.0.1:" + port, "--data", data, "--init"});
}
std::unique_ptr<ServerProcess> Metrics(const std::string& data, const std::string& ingestion,
                                       const std::string& port = "0") {
  return Start(
      {ServerBin("metrics"), "--listen", "127.0.0.1:" + port, "--data", data, "--init", "--ingestion", ingestion});
}
std::unique_ptr<ServerProcess> Reporting(const std::string& metrics) {
  return Start({ServerBin("reporting"), "--listen", "127.0.0.1:0", "--metrics", metrics});
}

CommandResult Health(const std::string& address, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {CarestatBin(), "health", "--target", address, "--timeout", "3"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv);
}

// Waits up to `seconds` for `carestat health` to exit with `code` (0 SERVING, 1 not).
bool HealthBecomes(const std::string& address, int code, int seconds, CommandResult* last) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  do {
    *last = Health(address);
    if (last->exit_code == code) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

v1::GetStatusResponse StatusOf(const std::string& address) {
  auto stub = v1::ServerStatus::NewStub(DialInsecure(address));
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetStatusResponse resp;
  EXPECT_TRUE(stub->GetStatus(&c, v1::GetStatusRequest(), &resp).ok());
  return resp;
}

TEST(Health, ReportingIsNotServingWithoutMetricsAndServingOnceMetricsIsBack) {
  const std::string dir = MakeTempDir("h");
  auto ing = Ingestion(dir + "/ingestion");
  auto met = Metrics(dir + "/metrics", ing->address());
  auto rep = Reporting(met->address());
  CommandResult r;
  ASSERT_TRUE(HealthBecomes(rep->address(), 0, 10, &r)) << r.out << r.err;
  // The server and which build it is: after an upgrade, whether the restart took.
  EXPECT_EQ(r.out, std::string("SERVING carestat-reporting ") + kVersion + "\n");
  EXPECT_TRUE(StatusOf(rep->address()).serving());
  EXPECT_EQ(StatusOf(rep->address()).version(), kVersion);

  const std::string metrics_port = PortOf(met->address());
  ASSERT_EQ(met->Stop(), 0);
  ASSERT_TRUE(HealthBecomes(rep->address(), 1, 10, &r)) << "reporting must turn NOT_SERVING without metrics: " << r.out;
  EXPECT_TRUE(absl::StartsWith(r.out, std::string("NOT_SERVING carestat-reporting ") + kVersion + ": metrics at " +
                                          met->address()))
      << r.out;
  EXPECT_EQ(CheckServing(DialInsecure(rep->address()), "carestat.v1.Reporting", std::chrono::seconds(3)).code(),
            absl::StatusCode::kUnavailable);
  const v1::GetStatusResponse st = StatusOf(rep->address());
  EXPECT_FALSE(st.serving());
  EXPECT_EQ(st.server(), "carestat-reporting");
  EXPECT_TRUE(absl::StrContains(st.reason(), "metrics at " + met->address())) << st.reason();
  CommandResult json = Health(rep->address(), {"--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(json.out, "\"status\": \"NOT_SERVING\"")) << json.out;
  const nlohmann::json doc = nlohmann::json::parse(json.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(doc.is_object()) << json.out;
  EXPECT_EQ(doc.value("server", ""), "carestat-reporting");
  EXPECT_EQ(doc.value("version", ""), kVersion);
  EXPECT_EQ(doc.value("status", ""), "NOT_SERVING");

  auto again = Metrics(dir + "/metrics", ing->address(), metrics_port);
  ASSERT_TRUE(HealthBecomes(rep->address(), 0, 15, &r)) << "reporting must recover by itself: " << r.out;
  EXPECT_TRUE(StatusOf(rep->address()).reason().empty());
}

TEST(Health, MetricsIsNotServingFromARecomputeThatFoundIngestionDownUntilIngestionIsBack) {
  const std::string dir = MakeTempDir("h");
  auto ing = Ingestion(dir + "/ingestion");
  auto met = Metrics(dir + "/metrics", ing->address());
  CommandResult r;
  ASSERT_TRUE(HealthBecomes(met->address(), 0, 10, &r)) << r.out << r.err;

  const std::string ingestion_port = PortOf(ing->address());
  ASSERT_EQ(ing->Stop(), 0);
  // Nobody asked for a recompute: metrics still serves what it has.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  r = Health(met->address());
  EXPECT_EQ(r.exit_code, 0) << r.out;

  auto stub = v1::Metrics::NewStub(DialInsecure(met->address()));
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::RecomputeRequest req;
    req.set_la("301");
    v1::RecomputeResponse resp;
    grpc::Status s = stub->Recompute(&c, req, &resp);
    ASSERT_EQ(s.error_code(), grpc::UNAVAILABLE) << s.error_message();
  }
  ASSERT_TRUE(HealthBecomes(met->address(), 1, 10, &r)) << r.out;
  EXPECT_TRUE(absl::StartsWith(r.out, std::string("NOT_SERVING carestat-metrics ") + kVersion +
                                          ": ingestion was unreachable for the recompute of LA 301"))
      << r.out;
  EXPECT_EQ(Health(met->address(), {"--service", "carestat.v1.Metrics"}).exit_code, 1);

  auto again = Ingestion(dir + "/ingestion", ingestion_port);
  ASSERT_TRUE(HealthBecomes(met->address(), 0, 15, &r)) << "metrics must recover once ingestion answers: " << r.out;
  EXPECT_EQ(r.out, std::string("SERVING carestat-metrics ") + kVersion + "\n");
}

TEST(Health, TheCommandSaysNoAnswerWithExitOneAndRefusesBadArguments) {
  const std::string dir = MakeTempDir("h");
  auto ing = Ingestion(dir + "/ingestion");
  const std::string address = ing->address();
  CommandResult r = Health(address);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("SERVING carestat-ingestion ") + kVersion + "\n");
  ASSERT_EQ(ing->Stop(), 0);
  r = Health(address);
  EXPECT_EQ(r.exit_code, 1);
  // No answer: the target in place of the server, and no version it did not say.
  EXPECT_TRUE(absl::StartsWith(r.out, "NOT_SERVING " + address + ": ")) << r.out;
  r = Health(address, {"--json"});
  EXPECT_EQ(r.exit_code, 1);
  const nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(doc.is_object()) << r.out;
  EXPECT_EQ(doc.value("server", "?"), address);
  EXPECT_EQ(doc.value("version", "?"), "");

  EXPECT_EQ(RunCommand({CarestatBin(), "health"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CarestatBin(), "health", "--target", address, "--timeout", "soon"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CarestatBin(), "health", "--target", address, "--bogus", "1"}).exit_code, 2);
}

// --health-listen: the kubelet's grpc: probes speak plaintext only, so a TLS server also
// answers grpc.health.v1 (and nothing else) on a plaintext port, in step with the main one.
TEST(Health, TheHealthPortAnswersAsTheServerDoesAndServesNothingElse) {
  const std::string dir = MakeTempDir("h");
  auto ing = Ingestion(dir + "/ingestion");
  auto met = Metrics(dir + "/metrics", ing->address());
  ServerProcess rep({ServerBin("reporting"), "--listen", "127.0.0.1:0", "--metrics", met->address(),
                     "--health-listen", "127.0.0.1:0"});
  ASSERT_TRUE(rep.Start());
  const std::string line = rep.ReadLine();
  const std::string prefix = "carestat-reporting health listening on ";
  ASSERT_TRUE(absl::StartsWith(line, prefix)) << line;
  std::string health = line.substr(prefix.size());
  while (!health.empty() && (health.back() == '\n' || health.back() == '\r')) health.pop_back();
  auto channel = DialInsecure(health);
  EXPECT_TRUE(CheckServing(channel, "", std::chrono::seconds(5)).ok());
  EXPECT_TRUE(CheckServing(channel, "carestat.v1.Reporting", std::chrono::seconds(5)).ok());
  // Nothing but health: no status, no reports.
  {
    auto stub = v1::ServerStatus::NewStub(channel);
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetStatusResponse resp;
    EXPECT_EQ(stub->GetStatus(&c, v1::GetStatusRequest(), &resp).error_code(), grpc::UNIMPLEMENTED);
  }
  ASSERT_EQ(met->Stop(), 0);
  CommandResult r;
  EXPECT_TRUE(HealthBecomes(health, 1, 10, &r)) << "the health port must follow the server's health: " << r.out;
  EXPECT_EQ(CheckServing(channel, "carestat.v1.Reporting", std::chrono::seconds(5)).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace carestat
