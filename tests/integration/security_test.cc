// Transport security, tokens and roles, the audit log and the limits, with the servers
// as processes on 127.0.0.1:0 and certificates made by `carestat certs`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "pipeline/certs.h"
#include "pipeline/inbox.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/ingestion/ingestor.h"
#include "services/ingestion/service.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;

// A tiny CIN census whose only child is SECRETCHILD1: that string must never reach an
// audit log.
const char kCensus[] =
    "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
    "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header>"
    "<Children><Child><ChildIdentifiers><LAchildID>SECRETCHILD1</LAchildID><Sex>1</Sex></ChildIdentifiers>"
    "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
    "<CINdetails><CINreferralDate>2016-03-31</CINreferralDate><ReferralSource>6</ReferralSource></CINdetails>"
    "</Child></Children></Message>\n";


int Mode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

struct Token {
  std::string token, line;
};

// `carestat token`, parsed: the token line starts with cst_, the tokens-file line with the hash.
Token MakeToken(const std::string& principal, const std::string& roles) {
  CommandResult r = RunCommand({CarestatBin(), "token", "--principal", principal, "--roles", roles});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Token t;
  for (absl::string_view l : absl::StrSplit(r.out, '\n')) {
    if (absl::StartsWith(l, "cst_")) t.token = std::string(l);
    if (l.size() > 65 && l[64] == ' ') t.line = std::string(l);
  }
  EXPECT_FALSE(t.token.empty()) << r.out;
  EXPECT_EQ(t.line.substr(0, 64), Sha256Hex(t.token)) << r.out;
  return t;
}

grpc::Status CallGenericUnary(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                              const std::string& authorization = "", std::string* response = nullptr) {
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!authorization.empty()) c.AddMetadata("authorization", authorization);
  grpc::Slice empty("");
  grpc::ByteBuffer req(&empty, 1), resp;
  grpc::GenericStub generic(channel);
  grpc::CompletionQueue cq;
  auto call = generic.PrepareUnaryCall(&c, method, req, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  if (response && status.ok()) {
    std::vector<grpc::Slice> slices;
    if (resp.Dump(&slices).ok()) {
      for (auto& s : slices) response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel) {
  return CallGenericUnary(channel, "/grpc.health.v1.Health/Check");
}

// The three servers with TLS, tokens and audit logs, as production runs them.
class SecurityTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("sec");
    certs_ = dir_ + "/certs";
    CommandResult c = RunCommand({CarestatBin(), "certs", "--out", certs_, "--principal", "pipeline", "--hosts",
                                  "carestat.test,10.1.2.3"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    tokens_["ingest"] = MakeToken("uploader", "ingest");
    tokens_["read"] = MakeToken("dashboard", "read");
    tokens_["admin"] = MakeToken("analyst", "admin");
    tokens_["service"] = MakeToken("metrics", "service");
    tokens_["case"] = MakeToken("caseworker", "case");
    tokens_["pipeline"] = MakeToken("pipeline", "ingest,admin");
    tokens_["reporter"] = MakeToken("reporter", "read");
    tokens_["revoked"] = MakeToken("former", "read,admin,ingest");
    std::string file = "# carestat tokens (test)\n";
    for (const auto& [name, t] : tokens_) absl::StrAppend(&file, t.line, name == "revoked" ? " revoked" : "", "\n");
    absl::StrAppend(&file, "cert:pipeline pipeline ingest\n");
    tokens_file_ = dir_ + "/tokens";
    WriteAll(tokens_file_, file);
    WriteAll(dir_ + "/metrics.token", tokens_["service"].token + "\n");
    WriteAll(dir_ + "/reporter.token", tokens_["reporter"].token + "\n");
    ::chmod((dir_ + "/metrics.token").c_str(), 0600);
    ::chmod((dir_ + "/reporter.token").c_str(), 0600);
  }

  std::vector<std::string> TlsFlags() {
    return {"--tls-cert", certs_ + "/server.pem", "--tls-key", certs_ + "/server.key", "--tokens", tokens_file_};
  }

  void StartAll(const std::vector<std::string>& ingestion_extra = {}) {
    std::vector<std::string> ing = {ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--data", dir_ + "/ing",
                                    "--audit-log", dir_ + "/ingestion-audit.jsonl"};
    for (const auto& f : TlsFlags()) ing.push_back(f);
    for (const auto& f : ingestion_extra) ing.push_back(f);
    ingestion_ = std::make_unique<ServerProcess>(ing);
    ASSERT_TRUE(ingestion_->Start());
    std::vector<std::string> met = {ServerBin("metrics"), "--init", "--listen", "127.0.0.1:0", "--data", dir_ + "/met",
                                    "--audit-log", dir_ + "/metrics-audit.jsonl", "--ingestion", ingestion_->address(),
                                    "--tls-ca", certs_ + "/ca.pem", "--token-file", dir_ + "/metrics.token"};
    for (const auto& f : TlsFlags()) met.push_back(f);
    metrics_ = std::make_unique<ServerProcess>(met);
    ASSERT_TRUE(metrics_->Start());
    std::vector<std::string> rep = {ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--metrics", metrics_->address(),
                                    "--ingestion", ingestion_->address(), "--audit-log",
                                    dir_ + "/reporting-audit.jsonl", "--tls-ca", certs_ + "/ca.pem", "--token-file",
                                    dir_ + "/reporter.token"};
    for (const auto& f : TlsFlags()) rep.push_back(f);
    reporting_ = std::make_unique<ServerProcess>(rep);
    ASSERT_TRUE(reporting_->Start());
  }

  // A TLS channel verifying the server against our CA, with `token` (may be empty).
  std::shared_ptr<grpc::Channel> Channel(const std::string& address, const std::string& token,
                                         const std::string& ca = "") {
    ClientSecurity cs;
    cs.tls_ca = ca.empty() ? certs_ + "/ca.pem" : ca;
    cs.token = token;
    auto ch = Dial(address, cs);
    EXPECT_TRUE(ch.ok()) << ch.status();
    return *ch;
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    WriteAll(path, content);
    return path;
  }

  std::string dir_, certs_, tokens_file_;
  std::map<std::string, Token> tokens_;
  std::unique_ptr<ServerProcess> ingestion_, metrics_, reporting_;
};

TEST_F(SecurityTest, CertsAndTokenCommands) {
  for (const char* f : {"ca.pem", "server.pem", "client.pem"}) EXPECT_TRUE(fs::exists(certs_ + "/" + f)) << f;
  for (const char* f : {"ca.key", "server.key", "client.key"}) EXPECT_EQ(Mode(certs_ + "/" + f), 0600) << f;
  // A second run reuses the CA: certificates of both runs verify against one ca.pem.
  const std::string ca = ReadAll(certs_ + "/ca.pem");
  CommandResult again = RunCommand({CarestatBin(), "certs", "--out", certs_, "--principal", "other"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("reused the CA"), std::string::npos) << again.out;
  EXPECT_EQ(ReadAll(certs_ + "/ca.pem"), ca);
  EXPECT_EQ(RunCommand({CarestatBin(), "token", "--principal", "x", "--roles", "superuser"}).exit_code, 2);
  EXPECT_EQ(RunCommand({CarestatBin(), "certs"}).exit_code, 2);
  // Tokens differ each time; the line holds only the hash.
  Token a = MakeToken("p", "read"), b = MakeToken("p", "read");
  EXPECT_NE(a.token, b.token);
  EXPECT_EQ(a.line.find(a.token), std::string::npos);
  EXPECT_EQ(a.line.substr(64), " p read");
}

TEST_F(SecurityTest, MissingMalformedUnknownAndRevokedTokensAreUnauthenticated) {
  StartAll();
  auto bare = Channel(metrics_->address(), "");
  const std::string method = "/carestat.v1.Metrics/ListIndicators";
  struct Case {
    std::string authorization, says;
  } cases[] = {
      {"", "missing credentials"},
      {"Basic dXNlcjpwYXNz", "malformed"},
      {"Bearer", "malformed"},
      {tokens_["read"].token, "malformed"},   // no scheme
      {"Bearer cst_notarealtokenatallnotarealtokenatallnotarealtok", "unknown token"},
      {"Bearer " + tokens_["revoked"].token, "revoked"},
  };
  for (const auto& c : cases) {
    grpc::Status s = CallGenericUnary(bare, method, c.authorization);
    EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << c.authorization << ": " << s.error_message();
    EXPECT_NE(s.error_message().find(c.says), std::string::npos) << s.error_message();
  }
  EXPECT_TRUE(CallGenericUnary(bare, method, "Bearer " + tokens_["read"].token).ok());
  EXPECT_TRUE(CallGenericUnary(bare, method, "bearer " + tokens_["read"].token).ok());   // scheme is case-blind
  // The same through Dial's token.
  EXPECT_TRUE(CallGenericUnary(Channel(metrics_->address(), tokens_["read"].token), method).ok());
  // Health and reflection stay open.
  EXPECT_TRUE(Health(bare).ok());
  EXPECT_TRUE(Health(Channel(ingestion_->address(), "")).ok());
}

TEST_F(SecurityTest, RevokingInTheTokensFileTakesEffectWithoutRestart) {
  StartAll();
  auto ch = Channel(metrics_->address(), tokens_["read"].token);
  ASSERT_TRUE(CallGenericUnary(ch, "/carestat.v1.Metrics/ListIndicators").ok());
  std::string file = ReadAll(tokens_file_);
  const std::string line = tokens_["read"].line;
  file.replace(file.find(line), line.size(), line + " revoked");
  WriteAll(tokens_file_, file);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  grpc::Status s = CallGenericUnary(ch, "/carestat.v1.Metrics/ListIndicators");
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED) << s.error_message();
  EXPECT_NE(s.error_message().find("revoked"), std::string::npos);
}

// Each role against each RPC. The table is the contract of docs/SECURITY.md.
TEST_F(SecurityTest, EachRoleAgainstEachRpc) {
  StartAll();
  struct Rpc {
    std::string method;
    std::set<std::string> allowed;
  };
  const std::vector<Rpc> table = {
      {"/carestat.v1.Ingestion/Upload", {"ingest"}},
      {"/carestat.v1.Ingestion/RecordChecks", {"ingest"}},
      {"/carestat.v1.Ingestion/ListReturns", {"ingest", "read", "admin", "service"}},
      {"/carestat.v1.Ingestion/GetIssues", {"ingest", "read", "admin"}},
      {"/carestat.v1.Ingestion/StreamRecords", {"service"}},
      {"/carestat.v1.Metrics/Recompute", {"admin"}},
      {"/carestat.v1.Metrics/GetValues", {"read", "admin"}},
      {"/carestat.v1.Metrics/GetSeries", {"read", "admin"}},
      {"/carestat.v1.Metrics/ListIndicators", {"read", "admin"}},
      {"/carestat.v1.Metrics/ListReturns", {"read", "admin"}},
      {"/carestat.v1.Metrics/GetBenchmark", {"read", "admin"}},
      {"/carestat.v1.Metrics/PutReferenceData", {"admin"}},
      {"/carestat.v1.Metrics/PutLocalMeasures", {"admin"}},
      {"/carestat.v1.Metrics/ListChildren", {"case"}},
      {"/carestat.v1.Metrics/Forecast", {"read", "admin"}},
      {"/carestat.v1.Reporting/BuildAnnualReport", {"read", "admin"}},
      {"/carestat.v1.Reporting/BuildSelfAssessment", {"read", "admin"}},
      {"/carestat.v1.Reporting/Render", {"read", "admin"}},
      {"/carestat.v1.Reporting/GetCoverage", {"read", "admin"}},
      {"/carestat.v1.Reporting/PutNarrative", {"ingest", "admin"}},
  };
  // Every RPC of the three services is in the table.
  std::set<std::string> listed;
  for (const auto& r : table) listed.insert(r.method);
  for (const char* service : {"carestat.v1.Ingestion", "carestat.v1.Metrics", "carestat.v1.Reporting"}) {
    const auto* d = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(d, nullptr);
    for (int i = 0; i < d->method_count(); ++i) {
      EXPECT_TRUE(listed.count(absl::StrCat("/", service, "/", d->method(i)->name()))) << d->method(i)->name();
    }
  }
  auto address = [&](const std::string& method) {
    if (absl::StartsWith(method, "/carestat.v1.Ingestion/")) return ingestion_->address();
    if (absl::StartsWith(method, "/carestat.v1.Metrics/")) return metrics_->address();
    return reporting_->address();
  };
  // The table is the servers' own (MethodRoles): `case` reaches ListChildren alone, and
  // no other role reaches it.
  for (const auto& rpc : table) EXPECT_EQ(RolesFor(rpc.method), rpc.allowed) << rpc.method;
  EXPECT_EQ(MethodRoles().size(), table.size());
  for (const std::string role : {"ingest", "read", "admin", "service", "case"}) {
    for (const auto& rpc : table) {
      auto channel = Channel(address(rpc.method), tokens_[role].token);
      grpc::Status s;
      if (rpc.method == "/carestat.v1.Ingestion/Upload") {
        auto stub = v1::Ingestion::NewStub(channel);
        grpc::ClientContext c;
        c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        v1::UploadResponse resp;
        auto w = stub->Upload(&c, &resp);
        w->WritesDone();   // no header: an allowed caller gets INVALID_ARGUMENT
        s = w->Finish();
      } else if (rpc.method == "/carestat.v1.Ingestion/StreamRecords") {
        auto stub = v1::Ingestion::NewStub(channel);
        grpc::ClientContext c;
        c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        v1::StreamRecordsRequest req;
        req.set_la("301");
        auto r = stub->StreamRecords(&c, req);
        v1::RecordBatch b;
        while (r->Read(&b)) {
        }
        s = r->Finish();
      } else {
        s = CallGenericUnary(channel, rpc.method);   // an empty request
      }
      const bool allowed = rpc.allowed.count(role) > 0;
      if (allowed) {
        EXPECT_NE(s.error_code(), grpc::PERMISSION_DENIED) << role << " " << rpc.method << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::UNAUTHENTICATED) << role << " " << rpc.method << ": " << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED) << role << " " << rpc.method << ": " << s.error_message();
      }
    }
  }
}

TEST_F(SecurityTest, ServersCallEachOtherWithTheirOwnTokensAndAuditWithoutChildData) {
  StartAll();
  // The pipeline (ingest,admin) uploads a return whose child is SECRETCHILD1, in a file whose
  // name holds SECRETCHILD2.
  auto ing = v1::Ingestion::NewStub(Channel(ingestion_->address(), tokens_["pipeline"].token));
  auto up = UploadFile(*ing, InboxFile{"301", 2016, Write("cin.xml", kCensus), "301/2016/SECRETCHILD2-cin.xml"});
  ASSERT_TRUE(up.ok()) << up.status();
  // Denied and unauthenticated calls are audited too.
  auto read_ing = v1::Ingestion::NewStub(Channel(ingestion_->address(), tokens_["read"].token));
  auto denied = UploadFile(*read_ing, InboxFile{"301", 2016, dir_ + "/cin.xml", "cin.xml"});
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied) << denied.status();
  EXPECT_EQ(CallGenericUnary(Channel(ingestion_->address(), ""), "/carestat.v1.Ingestion/ListReturns").error_code(),
            grpc::UNAUTHENTICATED);

  // Metrics recomputes with the admin's call and reads the records with its service token.
  auto met = v1::Metrics::NewStub(Channel(metrics_->address(), tokens_["pipeline"].token));
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::RecomputeRequest req;
    req.set_la("301");
    v1::RecomputeResponse resp;
    grpc::Status s = met->Recompute(&c, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(resp.records_read(), 0);
  }
  // Reporting builds the report with its read token to metrics.
  auto rep = v1::Reporting::NewStub(Channel(reporting_->address(), tokens_["read"].token));
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::BuildAnnualReportRequest req;
    req.set_la("301");
    req.set_year("2015-16");
    v1::AnnualReport report;
    grpc::Status s = rep->BuildAnnualReport(&c, req, &report);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  // The CLI with its credentials in the environment.
  ::setenv("CARESTAT_TLS_CA", (certs_ + "/ca.pem").c_str(), 1);
  ::setenv("CARESTAT_TOKEN", tokens_["read"].token.c_str(), 1);
  CommandResult cli = RunCommand({CarestatBin(), "indicators", "--la", "301", "--period", "2015-16", "--json",
                                  "--target", metrics_->address()});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("\"referrals\": 1"), std::string::npos) << cli.out;
  ::unsetenv("CARESTAT_TOKEN");
  CommandResult anonymous = RunCommand({CarestatBin(), "indicators", "--list", "--target", metrics_->address()});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("missing credentials"), std::string::npos) << anonymous.err;
  ::unsetenv("CARESTAT_TLS_CA");
  ::setenv("CARESTAT_TOKEN", tokens_["read"].token.c_str(), 1);
  CommandResult unverified = RunCommand({CarestatBin(), "indicators", "--list", "--target", metrics_->address()});
  EXPECT_NE(unverified.exit_code, 0);   // plaintext to a TLS server
  ::unsetenv("CARESTAT_TOKEN");

  ing.reset();
  read_ing.reset();
  met.reset();
  rep.reset();
  EXPECT_EQ(reporting_->Stop(), 0);
  EXPECT_EQ(metrics_->Stop(), 0);
  EXPECT_EQ(ingestion_->Stop(), 0);

  const std::string ing_audit = ReadAll(dir_ + "/ingestion-audit.jsonl");
  const std::string met_audit = ReadAll(dir_ + "/metrics-audit.jsonl");
  const std::string rep_audit = ReadAll(dir_ + "/reporting-audit.jsonl");
  EXPECT_EQ(Mode(dir_ + "/ingestion-audit.jsonl"), 0600);
  auto has_line = [](const std::string& log, const std::vector<std::string>& parts) {
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      bool all = !line.empty();
      for (const auto& p : parts) all = all && line.find(p) != absl::string_view::npos;
      if (all) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_line(ing_audit, {"\"principal\":\"pipeline\"", "\"method\":\"/carestat.v1.Ingestion/Upload\"",
                                   "\"la\":\"301\"", "\"collection_years\":[2016]", "\"outcome\":\"OK\""}))
      << ing_audit;
  EXPECT_TRUE(has_line(ing_audit, {"\"principal\":\"dashboard\"", "/carestat.v1.Ingestion/Upload",
                                   "\"outcome\":\"PERMISSION_DENIED\""}))
      << ing_audit;
  EXPECT_TRUE(has_line(ing_audit, {"\"principal\":\"-\"", "/carestat.v1.Ingestion/ListReturns",
                                   "\"outcome\":\"UNAUTHENTICATED\"", "\"reason\":\"missing credentials\""}))
      << ing_audit;
  EXPECT_TRUE(has_line(ing_audit, {"\"principal\":\"metrics\"", "/carestat.v1.Ingestion/StreamRecords",
                                   "\"la\":\"301\"", "\"outcome\":\"OK\""}))
      << ing_audit;
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"pipeline\"", "/carestat.v1.Metrics/Recompute", "\"la\":\"301\"",
                                   "\"outcome\":\"OK\""}))
      << met_audit;
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"dashboard\"", "/carestat.v1.Metrics/GetValues",
                                   "\"period\":\"2015-16\""}))
      << met_audit;
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"reporter\"", "/carestat.v1.Metrics/"})) << met_audit;
  EXPECT_TRUE(has_line(rep_audit, {"\"principal\":\"dashboard\"", "/carestat.v1.Reporting/BuildAnnualReport",
                                   "\"year\":\"2015-16\""}))
      << rep_audit;
  // The upload moved bytes; the stream of records too.
  for (absl::string_view line : absl::StrSplit(ing_audit, '\n', absl::SkipEmpty())) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    if (line.find("StreamRecords") != absl::string_view::npos && line.find("\"OK\"") != absl::string_view::npos) {
      EXPECT_EQ(line.find("\"bytes_out\":0,"), absl::string_view::npos) << line;
    }
  }
  // Never a child identifier, a file name or a token in any audit log.
  for (const std::string* log : {&ing_audit, &met_audit, &rep_audit}) {
    EXPECT_EQ(log->find("SECRETCHILD"), std::string::npos) << *log;
    for (const auto& [name, t] : tokens_) EXPECT_EQ(log->find(t.token), std::string::npos) << name;
  }
}

// The children behind a figure: `case` alone may list them (a read or admin token is
// refused), the list adds up to the figure metrics serves, the audit line gives the LA,
// indicator, period and number of children and never an identifier, and
// `carestat pseudonymise` on ingestion's store gives the pseudonym listed.
TEST_F(SecurityTest, OnlyTheCaseRoleListsChildrenAndEveryListIsAudited) {
  StartAll();
  auto ing = v1::Ingestion::NewStub(Channel(ingestion_->address(), tokens_["pipeline"].token));
  auto up = UploadFile(*ing, InboxFile{"301", 2016, Write("cin.xml", kCensus), "301/2016/cin.xml"});
  ASSERT_TRUE(up.ok()) << up.status();
  auto admin = v1::Metrics::NewStub(Channel(metrics_->address(), tokens_["pipeline"].token));
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::RecomputeRequest req;
    req.set_la("301");
    v1::RecomputeResponse resp;
    ASSERT_TRUE(admin->Recompute(&c, req, &resp).ok());
  }
  v1::ListChildrenRequest req;
  req.set_la("301");
  req.set_indicator("referrals");
  req.set_period("2015-16");
  auto list = [&](const std::string& role, v1::ListChildrenResponse* resp) {
    auto stub = v1::Metrics::NewStub(Channel(metrics_->address(), tokens_[role].token));
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return stub->ListChildren(&c, req, resp);
  };
  for (const std::string role : {"read", "admin", "service", "ingest"}) {
    v1::ListChildrenResponse resp;
    grpc::Status s = list(role, &resp);
    EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED) << role << ": " << s.error_message();
    EXPECT_EQ(resp.numerator_size(), 0);
  }
  v1::ListChildrenResponse listed;
  grpc::Status s = list("case", &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The figure as metrics serves it to a reader.
  v1::GetValuesResponse values;
  {
    auto reader = v1::Metrics::NewStub(Channel(metrics_->address(), tokens_["read"].token));
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::GetValuesRequest vr;
    vr.set_la("301");
    vr.set_period("2015-16");
    ASSERT_TRUE(reader->GetValues(&c, vr, &values).ok());
  }
  double referrals = -1;
  for (const auto& p : values.points()) {
    if (p.indicator() == "referrals") referrals = p.numerator();
  }
  EXPECT_EQ(referrals, 1);
  ASSERT_EQ(listed.numerator_size(), 1);
  EXPECT_EQ(listed.point().numerator(), referrals);
  EXPECT_EQ(listed.children_returned(), 1);
  const std::string pseudonym = listed.numerator(0).child();
  EXPECT_EQ(pseudonym.size(), 32u);
  bool dated = false;
  for (const auto& f : listed.numerator(0).facts()) dated = dated || (f.name() == "referral_date" && f.value() == "2016-03-31");
  EXPECT_TRUE(dated) << listed.DebugString();
  // A rate has no children behind it: refused, saying why.
  req.set_indicator("referral_rate");
  v1::ListChildrenResponse rate;
  grpc::Status refused = list("case", &rate);
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("population"), std::string::npos) << refused.error_message();
  req.set_indicator("referrals");

  // The CLI against the server, with a case token; a read token is refused.
  ::setenv("CARESTAT_TLS_CA", (certs_ + "/ca.pem").c_str(), 1);
  ::setenv("CARESTAT_TOKEN", tokens_["case"].token.c_str(), 1);
  CommandResult cli = RunCommand({CarestatBin(), "children", "--la", "301", "--indicator", "referrals", "--period",
                                  "2015-16", "--target", metrics_->address()});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("numerator 1"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("numerator\t" + pseudonym + "\treferral\t"), std::string::npos) << cli.out;
  ::setenv("CARESTAT_TOKEN", tokens_["read"].token.c_str(), 1);
  CommandResult denied = RunCommand({CarestatBin(), "children", "--la", "301", "--indicator", "referrals", "--period",
                                     "2015-16", "--target", metrics_->address()});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.out.find(pseudonym), std::string::npos) << denied.out;
  EXPECT_NE(denied.err.find("case"), std::string::npos) << denied.err;   // names the role needed
  ::unsetenv("CARESTAT_TOKEN");
  ::unsetenv("CARESTAT_TLS_CA");

  // The council maps the pseudonym back on ingestion's machine, with ingestion's key.
  const std::string ids = Write("ids.txt", "SECRETCHILD1\nSOMEONEELSE\n");
  CommandResult mapped = RunCommand({"/bin/sh", "-c",
                                     absl::StrCat(CarestatBin(), " pseudonymise --ingestion-data ", dir_,
                                                  "/ing --la 301 --audit-log ", dir_, "/case-audit.jsonl < ", ids)});
  EXPECT_EQ(mapped.exit_code, 0) << mapped.err;
  EXPECT_NE(mapped.out.find("SECRETCHILD1\t" + pseudonym + "\n"), std::string::npos) << mapped.out;
  EXPECT_NE(mapped.out.find("SOMEONEELSE\t"), std::string::npos) << mapped.out;
  EXPECT_EQ(mapped.out.find("SOMEONEELSE\t" + pseudonym), std::string::npos) << mapped.out;

  ing.reset();
  admin.reset();
  EXPECT_EQ(reporting_->Stop(), 0);
  EXPECT_EQ(metrics_->Stop(), 0);
  EXPECT_EQ(ingestion_->Stop(), 0);
  const std::string met_audit = ReadAll(dir_ + "/metrics-audit.jsonl");
  const std::string case_audit = ReadAll(dir_ + "/case-audit.jsonl");
  auto has_line = [](const std::string& log, const std::vector<std::string>& parts) {
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      bool all = !line.empty();
      for (const auto& p : parts) all = all && line.find(p) != absl::string_view::npos;
      if (all) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"caseworker\"", "\"method\":\"/carestat.v1.Metrics/ListChildren\"",
                                   "\"la\":\"301\"", "\"period\":\"2015-16\"", "\"indicator\":\"referrals\"",
                                   "\"children\":1,", "\"outcome\":\"OK\""}))
      << met_audit;
  // Refused before the request is read: who and what, not the request's fields.
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"dashboard\"", "/carestat.v1.Metrics/ListChildren",
                                   "\"outcome\":\"PERMISSION_DENIED\"", "\"reason\":\"role not allowed\""}))
      << met_audit;
  EXPECT_TRUE(has_line(met_audit, {"\"principal\":\"caseworker\"", "/carestat.v1.Metrics/ListChildren",
                                   "\"indicator\":\"referral_rate\"", "\"outcome\":\"FAILED_PRECONDITION\""}))
      << met_audit;
  EXPECT_TRUE(has_line(case_audit, {"\"principal\":\"local:", "\"method\":\"carestat pseudonymise\"",
                                    "\"la\":\"301\"", "\"children\":2,", "\"outcome\":\"OK\""}))
      << case_audit;
  EXPECT_EQ(Mode(dir_ + "/case-audit.jsonl"), 0600);
  // Neither an identifier nor a pseudonym reaches an audit log.
  for (const std::string* log : {&met_audit, &case_audit}) {
    EXPECT_EQ(log->find("SECRETCHILD"), std::string::npos) << *log;
    EXPECT_EQ(log->find("SOMEONEELSE"), std::string::npos) << *log;
    EXPECT_EQ(log->find(pseudonym), std::string::npos) << *log;
  }
}

TEST_F(SecurityTest, AuditLogRotatesBySize) {
  StartAll({"--audit-max-bytes", "1024", "--audit-keep", "2"});
  auto ch = Channel(ingestion_->address(), tokens_["ingest"].token);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(CallGenericUnary(ch, "/carestat.v1.Ingestion/ListReturns").ok());
  ch.reset();
  EXPECT_EQ(ingestion_->Stop(), 0);
  const std::string base = dir_ + "/ingestion-audit.jsonl";
  EXPECT_TRUE(fs::exists(base));
  EXPECT_TRUE(fs::exists(base + ".1"));
  EXPECT_TRUE(fs::exists(base + ".2"));
  EXPECT_FALSE(fs::exists(base + ".3"));
  for (const std::string& f : {base, base + ".1", base + ".2"}) {
    EXPECT_LE(fs::file_size(f), 1024u) << f;
    const std::string text = ReadAll(f);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_NE(text.find("/carestat.v1.Ingestion/ListReturns"), std::string::npos);
  }
}

TEST_F(SecurityTest, TlsWithTheWrongCaFails) {
  StartAll();
  const std::string other = dir_ + "/other-certs";
  ASSERT_EQ(RunCommand({CarestatBin(), "certs", "--out", other}).exit_code, 0);
  auto ch = Channel(metrics_->address(), tokens_["read"].token, other + "/ca.pem");
  grpc::Status s = CallGenericUnary(ch, "/carestat.v1.Metrics/ListIndicators");
  EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE) << s.error_message();
  // Plaintext to a TLS server fails too.
  EXPECT_FALSE(CallGenericUnary(DialInsecure(metrics_->address()), "/carestat.v1.Metrics/ListIndicators",
                                "Bearer " + tokens_["read"].token)
                   .ok());
}

TEST_F(SecurityTest, ExpiredCertificates) {
  KeyAndCert ca{ReadAll(certs_ + "/ca.pem"), ReadAll(certs_ + "/ca.key")};
  CertRequest expired;
  expired.common_name = "localhost";
  expired.sans = {"localhost", "127.0.0.1"};
  expired.server = true;
  expired.not_before_seconds = -10 * 86400;
  expired.not_after_seconds = -86400;
  auto old = IssueCert(ca, expired);
  ASSERT_TRUE(old.ok()) << old.status();
  WriteAll(dir_ + "/expired.pem", old->cert_pem);
  WriteAll(dir_ + "/expired.key", old->key_pem);

  // A server refuses to start with an expired certificate, and says so.
  CommandResult r = RunCommand({"/usr/bin/timeout", "30", ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--data",
                                dir_ + "/x", "--tls-cert", dir_ + "/expired.pem", "--tls-key", dir_ + "/expired.key"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;

  // A client refuses a server that presents one anyway.
  auto ingestor = Ingestor::Open(dir_ + "/inproc");
  ASSERT_TRUE(ingestor.ok()) << ingestor.status();
  IngestionService service_bad(ingestor->get()), service_good(ingestor->get());
  auto serve = [&](const KeyAndCert& kc, IngestionService* service, int* port) {
    grpc::SslServerCredentialsOptions o;
    o.pem_key_cert_pairs.push_back({kc.key_pem, kc.cert_pem});
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(o), port);
    b.RegisterService(service);
    return b.BuildAndStart();
  };
  int bad_port = 0, good_port = 0;
  auto bad = serve(*old, &service_bad, &bad_port);
  ASSERT_TRUE(bad);
  auto good = serve({ReadAll(certs_ + "/server.pem"), ReadAll(certs_ + "/server.key")}, &service_good, &good_port);
  ASSERT_TRUE(good);
  grpc::Status s = CallGenericUnary(Channel(absl::StrCat("127.0.0.1:", bad_port), ""),
                                    "/carestat.v1.Ingestion/ListReturns");
  EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE) << s.error_message();
  EXPECT_TRUE(CallGenericUnary(Channel(absl::StrCat("127.0.0.1:", good_port), ""), "/carestat.v1.Ingestion/ListReturns")
                  .ok());
  // Also by host name: the certificate names localhost.
  EXPECT_TRUE(CallGenericUnary(Channel(absl::StrCat("localhost:", good_port), ""), "/carestat.v1.Ingestion/ListReturns")
                  .ok());
  bad->Shutdown();
  good->Shutdown();
}

TEST_F(SecurityTest, MutualTls) {
  StartAll({"--tls-client-ca", certs_ + "/ca.pem"});
  auto call = [&](const ClientSecurity& cs) {
    auto ch = Dial(ingestion_->address(), cs);
    EXPECT_TRUE(ch.ok());
    return CallGenericUnary(*ch, "/carestat.v1.Ingestion/ListReturns");
  };
  ClientSecurity cs;
  cs.tls_ca = certs_ + "/ca.pem";
  cs.token = tokens_["ingest"].token;
  // No client certificate: the handshake fails, whatever the token.
  grpc::Status none = call(cs);
  EXPECT_EQ(none.error_code(), grpc::UNAVAILABLE) << none.error_message();
  // With the certificate, the token is checked as before.
  cs.tls_client_cert = certs_ + "/client.pem";
  cs.tls_client_key = certs_ + "/client.key";
  EXPECT_TRUE(call(cs).ok());
  // Without a token, the certificate's CN (cert:pipeline in the tokens file) stands in.
  cs.token.clear();
  grpc::Status by_cert = call(cs);
  EXPECT_TRUE(by_cert.ok()) << by_cert.error_message();
  // ... with that line's roles only.
  auto stub = v1::Ingestion::NewStub(*Dial(ingestion_->address(), cs));
  {
    grpc::ClientContext c;
    v1::StreamRecordsRequest req;
    req.set_la("301");
    auto r = stub->StreamRecords(&c, req);
    v1::RecordBatch b;
    while (r->Read(&b)) {
    }
    EXPECT_EQ(r->Finish().error_code(), grpc::PERMISSION_DENIED);
  }
  // A client certificate whose CN is not listed, and no token: unauthenticated.
  ASSERT_EQ(RunCommand({CarestatBin(), "certs", "--out", certs_, "--principal", "stranger"}).exit_code, 0);
  grpc::Status stranger = call(cs);
  EXPECT_EQ(stranger.error_code(), grpc::UNAUTHENTICATED) << stranger.error_message();
  // An expired client certificate, or one from another CA: the handshake fails.
  KeyAndCert ca{ReadAll(certs_ + "/ca.pem"), ReadAll(certs_ + "/ca.key")};
  CertRequest expired;
  expired.common_name = "pipeline";
  expired.client = true;
  expired.not_before_seconds = -10 * 86400;
  expired.not_after_seconds = -86400;
  auto old = IssueCert(ca, expired);
  ASSERT_TRUE(old.ok());
  WriteAll(dir_ + "/old-client.pem", old->cert_pem);
  WriteAll(dir_ + "/old-client.key", old->key_pem);
  cs.tls_client_cert = dir_ + "/old-client.pem";
  cs.tls_client_key = dir_ + "/old-client.key";
  EXPECT_EQ(call(cs).error_code(), grpc::UNAVAILABLE);
  const std::string other = dir_ + "/other-certs";
  ASSERT_EQ(RunCommand({CarestatBin(), "certs", "--out", other, "--principal", "pipeline"}).exit_code, 0);
  cs.tls_client_cert = other + "/client.pem";
  cs.tls_client_key = other + "/client.key";
  EXPECT_EQ(call(cs).error_code(), grpc::UNAVAILABLE);
}

TEST_F(SecurityTest, PlaintextOnlyOnLoopback) {
  auto run = [&](std::vector<std::string> flags) {
    std::vector<std::string> argv = {"/usr/bin/timeout", "30", ServerBin("ingestion"), "--init", "--data", dir_ + "/p"};
    for (auto& f : flags) argv.push_back(f);
    return RunCommand(argv);
  };
  CommandResult r = run({"--listen", "0.0.0.0:0", "--plaintext"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refusing to listen in plaintext on 0.0.0.0:0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
  r = run({"--listen", "[::]:0", "--plaintext"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // Neither TLS nor --plaintext on a non-loopback address: both options are explained.
  r = run({"--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--tls-cert FILE --tls-key FILE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--plaintext"), std::string::npos) << r.err;
  // Half a TLS configuration, or both.
  EXPECT_EQ(run({"--listen", "0.0.0.0:0", "--tls-cert", certs_ + "/server.pem"}).exit_code, 2);
  EXPECT_EQ(run({"--listen", "127.0.0.1:0", "--plaintext", "--tls-cert", certs_ + "/server.pem", "--tls-key",
                 certs_ + "/server.key"})
                .exit_code,
            2);
  // A key that does not belong to the certificate.
  r = run({"--listen", "127.0.0.1:0", "--tls-cert", certs_ + "/server.pem", "--tls-key", certs_ + "/client.key"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not belong"), std::string::npos) << r.err;
  // Metrics and reporting refuse the same way.
  r = RunCommand({"/usr/bin/timeout", "30", ServerBin("metrics"), "--init", "--listen", "0.0.0.0:0", "--plaintext", "--data",
                  dir_ + "/m"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand({"/usr/bin/timeout", "30", ServerBin("reporting"), "--init", "--listen", "0.0.0.0:0", "--plaintext", "--metrics",
                  "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 2);

  // Plaintext on loopback with tokens: tokens are still required.
  ServerProcess local({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/local",
                       "--tokens", tokens_file_});
  ASSERT_TRUE(local.Start());
  ClientSecurity cs;   // a loopback target without --tls-ca: plaintext
  cs.token = tokens_["ingest"].token;
  EXPECT_TRUE(CallGenericUnary(*Dial(local.address(), cs), "/carestat.v1.Ingestion/ListReturns").ok());
  EXPECT_EQ(CallGenericUnary(DialInsecure(local.address()), "/carestat.v1.Ingestion/ListReturns").error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_TRUE(Health(DialInsecure(local.address())).ok());
  EXPECT_EQ(local.Stop(), 0);
  // A client never sends plaintext to another machine: without --tls-ca it uses TLS.
  EXPECT_FALSE(IsLoopbackAddress("10.1.2.3:7401"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.9:7401"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7401"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:7401"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7401"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7401"));
  EXPECT_FALSE(IsLoopbackAddress("127.example.org:7401"));
}

TEST_F(SecurityTest, UploadLimitsAnswerResourceExhausted) {
  ServerProcess ing({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--data", dir_ + "/lim", "--tokens", tokens_file_,
                     "--max-upload-bytes", "4000", "--max-concurrent-uploads", "1", "--max-message-bytes", "2097152",
                     "--audit-log", dir_ + "/lim-audit.jsonl"});
  ASSERT_TRUE(ing.Start());
  ClientSecurity cs;
  cs.token = tokens_["ingest"].token;
  auto channel = *Dial(ing.address(), cs);
  auto stub = v1::Ingestion::NewStub(channel);

  // Too large in total (chunks of 3000 bytes, 9000 in all).
  std::string big = kCensus;
  big.insert(big.find("</Message>"), std::string(9000 - big.size(), ' '));
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::UploadResponse resp;
    auto w = stub->Upload(&c, &resp);
    v1::UploadRequest m;
    m.mutable_header()->set_la("301");
    m.mutable_header()->set_collection_year(2016);
    m.mutable_header()->set_file_name("big.xml");
    w->Write(m);
    for (size_t at = 0; at < big.size(); at += 3000) {
      m.Clear();
      m.set_chunk(big.substr(at, 3000));
      if (!w->Write(m)) break;
    }
    w->WritesDone();
    grpc::Status s = w->Finish();
    // A file too large is the file's fault, not a busy server's: INVALID_ARGUMENT.
    EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT) << s.error_message();
    EXPECT_NE(s.error_message().find("--max-upload-bytes 4000"), std::string::npos) << s.error_message();
  }
  // One message above --max-message-bytes (UploadFile sends 1 MiB chunks; this is 3 MiB).
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::UploadResponse resp;
    auto w = stub->Upload(&c, &resp);
    v1::UploadRequest m;
    m.mutable_header()->set_la("301");
    m.mutable_header()->set_collection_year(2016);
    m.mutable_header()->set_file_name("huge.xml");
    w->Write(m);
    m.Clear();
    m.set_chunk(std::string(3 << 20, ' '));
    w->Write(m);
    w->WritesDone();
    grpc::Status s = w->Finish();
    EXPECT_EQ(s.error_code(), grpc::RESOURCE_EXHAUSTED) << s.error_message();
  }
  // Nothing was stored.
  {
    grpc::ClientContext c;
    v1::ListReturnsResponse resp;
    ASSERT_TRUE(stub->ListReturns(&c, v1::ListReturnsRequest(), &resp).ok());
    EXPECT_EQ(resp.returns_size(), 0);
  }

  // Concurrent uploads of one principal: the second waits for nobody, it is refused. The
  // refused upload above may hold its slot a moment longer on a loaded machine (then the
  // "first" is the one refused and the second goes through): tried again until the first
  // is the one holding the slot.
  const std::string small = Write("cin.xml", kCensus);
  v1::UploadRequest header;
  header.mutable_header()->set_la("301");
  header.mutable_header()->set_collection_year(2016);
  header.mutable_header()->set_file_name("cin.xml");
  std::unique_ptr<grpc::ClientContext> first_ctx;
  v1::UploadResponse first_resp;
  std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> first;
  absl::StatusOr<v1::UploadResponse> second = absl::UnknownError("not tried");
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (first) {
      first_ctx->TryCancel();
      (void)first->Finish();
    }
    first_ctx = std::make_unique<grpc::ClientContext>();
    first_ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    first = stub->Upload(first_ctx.get(), &first_resp);
    ASSERT_TRUE(first->Write(header));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    second = UploadFile(*stub, InboxFile{"301", 2016, small, "cin.xml"});
    if (second.status().code() == absl::StatusCode::kResourceExhausted) break;
  }
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted) << second.status();
  EXPECT_NE(second.status().message().find("--max-concurrent-uploads 1"), std::string::npos) << second.status();
  // Another principal is not held up by it.
  ClientSecurity other;
  other.token = tokens_["pipeline"].token;
  auto other_stub = v1::Ingestion::NewStub(*Dial(ing.address(), other));
  auto others = UploadFile(*other_stub, InboxFile{"301", 2016, small, "cin.xml"});
  EXPECT_TRUE(others.ok()) << others.status();
  v1::UploadRequest chunk;
  chunk.set_chunk(kCensus);
  ASSERT_TRUE(first->Write(chunk));
  first->WritesDone();
  grpc::Status fs1 = first->Finish();
  EXPECT_TRUE(fs1.ok()) << fs1.error_message();
  // The slot is free again.
  auto third = UploadFile(*stub, InboxFile{"301", 2016, small, "cin.xml"});
  EXPECT_TRUE(third.ok()) << third.status();
  // Still serving.
  EXPECT_TRUE(Health(DialInsecure(ing.address())).ok());
  const std::string audit = ReadAll(dir_ + "/lim-audit.jsonl");
  EXPECT_NE(audit.find("\"outcome\":\"INVALID_ARGUMENT\",\"code\":3,\"reason\":\"upload too large\""),
            std::string::npos)
      << audit;
  EXPECT_NE(audit.find("\"reason\":\"too many concurrent uploads\""), std::string::npos) << audit;
  EXPECT_EQ(audit.find("SECRETCHILD"), std::string::npos);
  first.reset();
  stub.reset();
  other_stub.reset();
  channel.reset();   // idle clients would hold the server's shutdown up
  EXPECT_EQ(ing.Stop(), 0);
}

}  // namespace
}  // namespace carestat
