// Operating the servers (issue 19), each against the real binaries on 127.0.0.1:0:
// the metrics port (--metrics-listen, with its own port 0), where RPCs, uploads, rule
// issues and a recompute move the counters and every scrape parses as Prometheus' text
// exposition format 0.0.4; --log-format json; and flags from a --flagfile.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <cmath>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "carestat/v1/metrics.grpc.pb.h"
#include "pipeline/inbox.h"
#include "services/common/server.h"
#include "services/common/telemetry.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

// One child whose ethnicity code is invalid: rule 4220, an error, and the return stored.
const char kCensus[] =
    "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
    "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header>"
    "<Children><Child><ChildIdentifiers><LAchildID>SYNTH1</LAchildID><Sex>1</Sex></ChildIdentifiers>"
    "<ChildCharacteristics><Ethnicity>ZZZZ</Ethnicity></ChildCharacteristics>"
    "<CINdetails><CINreferralDate>2016-03-31</CINreferralDate><ReferralSource>6</ReferralSource></CINdetails>"
    "</Child></Children></Message>\n";

// A scrape: every sample by its name and label set as written, after checking each line
// against the format (comments, then `name{labels} value`), each family's TYPE before
// its samples, and each histogram's buckets cumulative and ending at +Inf == _count.
struct Scrape {
  std::map<std::string, double> samples;   // "name{a=\"b\"}" -> value
  std::map<std::string, std::string> types;
  double operator[](const std::string& key) const {
    auto it = samples.find(key);
    return it == samples.end() ? NAN : it->second;
  }
};

Scrape Parse(const std::string& text) {
  Scrape s;
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*\})? ([^ ]+))");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line must end with a newline";
  const std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (const std::string& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, kType)) {
      EXPECT_EQ(s.types.count(m[1]), 0u) << "TYPE given twice: " << line;
      s.types[m[1]] = m[2];
      continue;
    }
    if (std::regex_match(line, kHelp)) continue;
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (absl::EndsWith(family, suffix) && !s.types.count(family)) family.resize(family.size() - strlen(suffix));
    }
    EXPECT_TRUE(s.types.count(family)) << "a sample before its family's TYPE: " << line;
    double v = 0;
    const std::string value = m[7];
    EXPECT_TRUE(absl::SimpleAtod(value, &v) || value == "+Inf" || value == "NaN") << line;
    s.samples[line.substr(0, line.size() - value.size() - 1)] = v;
  }
  // Histograms: cumulative buckets ending in +Inf, equal to _count.
  for (const auto& [name, type] : s.types) {
    if (type != "histogram") continue;
    std::map<std::string, std::map<double, double>> buckets;   // other labels -> le -> value
    const std::string prefix = name + "_bucket{";
    for (const auto& [key, v] : s.samples) {
      if (!absl::StartsWith(key, prefix)) continue;
      const size_t le = key.find("le=\"");
      const std::string rest = key.substr(prefix.size(), le - prefix.size());   // "a=\"x\",b=\"y\","
      const std::string bound = key.substr(le + 4, key.size() - le - 6);
      double b = INFINITY;
      EXPECT_TRUE(bound == "+Inf" || absl::SimpleAtod(bound, &b)) << key;
      buckets[rest][b] = v;
    }
    for (const auto& [rest, by_le] : buckets) {
      const std::string labels = rest.empty() ? "" : "{" + rest.substr(0, rest.size() - 1) + "}";
      if (!by_le.count(INFINITY)) {
        ADD_FAILURE() << name << labels << ": no +Inf bucket";
        continue;
      }
      EXPECT_EQ(by_le.at(INFINITY), s[name + "_count" + labels]) << name << labels;
      double last = 0;
      for (const auto& [b, v] : by_le) {
        EXPECT_LE(last, v) << name << labels << ": buckets must be cumulative";
        last = v;
      }
    }
  }
  return s;
}

Scrape Get(const std::string& address) {
  httplib::Client c("http://" + address);
  c.set_read_timeout(10, 0);
  auto res = c.Get("/metrics");
  EXPECT_TRUE(res) << "no answer from " << address;
  if (!res) return Scrape();
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Type"), "text/plain; version=0.0.4")) <<
      res->get_header_value("Content-Type");
  return Parse(res->body);
}

std::string MetricsAddress(ServerProcess& p) {
  std::string line = p.ReadLine();
  const std::string marker = " metrics listening on ";
  const size_t at = line.find(marker);
  EXPECT_NE(at, std::string::npos) << line;
  if (at == std::string::npos) return "";
  line = line.substr(at + marker.size());
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

absl::StatusOr<v1::UploadResponse> Send(const std::string& address, const std::string& dir, const std::string& name,
                                        const std::string& content) {
  WriteAll(dir + "/" + name, content);
  auto stub = v1::Ingestion::NewStub(DialInsecure(address));
  return UploadFile(*stub, InboxFile{"301", 2016, dir + "/" + name, name}, 60);
}

TEST(Telemetry, RpcsUploadsRuleIssuesAndRecomputesMoveTheCountersAndEveryScrapeParses) {
  const std::string dir = MakeTempDir("t");
  ServerProcess ing({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/ingestion", "--init",
                     "--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(ing.Start());
  const std::string ing_metrics = MetricsAddress(ing);
  ServerProcess met({ServerBin("metrics"), "--listen", "127.0.0.1:0", "--data", dir + "/metrics", "--init", "--ingestion",
                     ing.address(), "--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(met.Start());
  const std::string met_metrics = MetricsAddress(met);

  Scrape before = Get(ing_metrics);
  EXPECT_EQ(before.types["grpc_server_handled_total"], "counter");
  EXPECT_EQ(before.types["grpc_server_handling_seconds"], "histogram");
  EXPECT_EQ(before.types["carestat_uploads_total"], "counter");
  EXPECT_EQ(before["carestat_up"], 1);
  EXPECT_GT(before["carestat_store_size_bytes{store=\"ingestion\"}"], 0);
  EXPECT_EQ(before["carestat_rocksdb_background_errors{store=\"ingestion\"}"], 0);
  EXPECT_EQ(before["carestat_rocksdb_write_stall_seconds_total{store=\"ingestion\"}"], 0);

  const std::string inbox = MakeTempDir("inbox");
  auto stored = Send(ing.address(), inbox, "cin.xml", kCensus);
  ASSERT_TRUE(stored.ok()) << stored.status();
  auto again = Send(ing.address(), inbox, "cin.xml", kCensus);
  ASSERT_TRUE(again.ok()) << again.status();
  auto bad = Send(ing.address(), inbox, "junk.csv", "not,a,return\n1,2,3\n");
  ASSERT_FALSE(bad.ok());

  const Scrape after = Get(ing_metrics);
  const std::string upload = "{grpc_service=\"carestat.v1.Ingestion\",grpc_method=\"Upload\"";
  EXPECT_EQ(after["grpc_server_handled_total" + upload + ",grpc_code=\"OK\"}"], 2);
  EXPECT_EQ(after["grpc_server_handled_total" + upload + ",grpc_code=\"InvalidArgument\"}"], 1);
  EXPECT_EQ(after["grpc_server_handling_seconds_count" + upload + "}"], 3);
  EXPECT_GT(after["grpc_server_handling_seconds_sum" + upload + "}"], 0);
  EXPECT_EQ(after["carestat_uploads_total{outcome=\"stored\"}"], 1);
  EXPECT_EQ(after["carestat_uploads_total{outcome=\"unchanged\"}"], 1);
  EXPECT_EQ(after["carestat_uploads_total{outcome=\"rejected\"}"], 1);
  EXPECT_EQ(after["carestat_records_stored_total{dataset=\"" + stored->dataset() + "\"}"], stored->records_stored());
  EXPECT_GT(stored->records_stored(), 0);
  EXPECT_EQ(after["carestat_rule_issues_total{rule=\"4220\",severity=\"error\"}"], 1);

  auto stub = v1::Metrics::NewStub(DialInsecure(met.address()));
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::RecomputeRequest req;
  req.set_la("301");
  v1::RecomputeResponse resp;
  ASSERT_TRUE(stub->Recompute(&c, req, &resp).ok());
  const Scrape m = Get(met_metrics);
  EXPECT_EQ(m["carestat_recomputes_total{la=\"301\",outcome=\"ok\"}"], 1);
  EXPECT_EQ(m["carestat_recompute_duration_seconds_count{la=\"301\"}"], 1);
  EXPECT_GT(m["carestat_recompute_last_duration_seconds{la=\"301\"}"], 0);
  EXPECT_EQ(m["grpc_server_handled_total{grpc_service=\"carestat.v1.Metrics\",grpc_method=\"Recompute\",grpc_code=\"OK\"}"], 1);
  EXPECT_GT(m["carestat_store_size_bytes{store=\"metrics\"}"], 0);
  // Ingestion answered metrics' reads: they count there too.
  const Scrape ing_after = Get(ing_metrics);
  EXPECT_GE(ing_after["grpc_server_handled_total{grpc_service=\"carestat.v1.Ingestion\",grpc_method=\"ListReturns\","
                      "grpc_code=\"OK\"}"], 1);
}

// A one-shot pipeline from a timer has no port to scrape: --metrics-file writes its runs
// for node_exporter's textfile collector, counting on from the file it replaces.
TEST(Telemetry, PipelineRunsAreCountedByOutcomeAcrossOneShotRunsInTheMetricsFile) {
  const std::string dir = MakeTempDir("t");
  ServerProcess ing({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/ingestion", "--init",
                     "--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(ing.Start());
  const std::string ing_metrics = MetricsAddress(ing);
  ServerProcess met({ServerBin("metrics"), "--listen", "127.0.0.1:0", "--data", dir + "/metrics", "--init", "--ingestion",
                     ing.address(), "--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(met.Start());
  const std::string met_metrics = MetricsAddress(met);
  ServerProcess rep({ServerBin("reporting"), "--listen", "127.0.0.1:0", "--metrics", met.address()});
  ASSERT_TRUE(rep.Start());
  const std::string inbox = MakeTempDir("inbox"), out = MakeTempDir("out");
  const std::string file = out + "/carestat-pipeline.prom";
  // As the systemd unit runs it: its flags from a --flagfile, the test's after it.
  WriteAll(out + "/pipeline.flags", "# carestat pipeline\n--inbox=" + inbox + "\n--out=" + out + "\n--ingestion=" +
                                        ing.address() + "\n--metrics=" + met.address() + "\n--reporting=" +
                                        rep.address() + "\n--settle=30\n");
  auto pipeline = [&] {
    return RunCommand({CarestatBin(), "pipeline", "--flagfile", out + "/pipeline.flags", "--settle", "0",
                       "--metrics-file", file});
  };
  CommandResult r = pipeline();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Scrape first = Parse(ReadAll(file));
  EXPECT_EQ(first["carestat_pipeline_runs_total{outcome=\"ok\"}"], 1);
  EXPECT_EQ(first["carestat_pipeline_runs_total{outcome=\"failed\"}"], 0);
  EXPECT_EQ(first["carestat_pipeline_last_run_exit_code"], 0);
  EXPECT_GT(first["carestat_pipeline_last_run_timestamp_seconds"], 1.7e9);

  // A file the pipeline refuses makes the next run's outcome "problems".
  WriteAll(inbox + "/301/2016/junk.csv", "not,a,return\n1,2,3\n");
  r = pipeline();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const Scrape second = Parse(ReadAll(file));
  EXPECT_EQ(second["carestat_pipeline_runs_total{outcome=\"ok\"}"], 1);
  EXPECT_EQ(second["carestat_pipeline_runs_total{outcome=\"problems\"}"], 1);
  EXPECT_EQ(second["carestat_pipeline_last_run_exit_code"], 1);

  // Every series the Grafana dashboard plots is one that carestat exports.
  std::set<std::string> exported;
  for (const Scrape& sc : {second, Get(ing_metrics), Get(met_metrics)}) {
    for (const auto& [name, type] : sc.types) exported.insert(name);
  }
  const std::string dashboard = ReadAll(std::string(CARESTAT_SOURCE_DIR) + "/deploy/grafana/carestat-dashboard.json");
  ASSERT_FALSE(dashboard.empty());
  static const std::regex kName(R"((carestat|grpc_server)_[a-z_]+)");
  int plotted = 0;
  for (std::sregex_iterator it(dashboard.begin(), dashboard.end(), kName), end; it != end; ++it) {
    std::string name = it->str();
    if (absl::EndsWith(name, "_bucket")) name.resize(name.size() - 7);
    EXPECT_TRUE(exported.count(name)) << "the dashboard plots " << name << ", which nothing exports";
    ++plotted;
  }
  EXPECT_GT(plotted, 10);
}

TEST(Telemetry, LabelValuesAndHelpAreEscapedSoThatEachSampleStaysOneLine) {
  EXPECT_EQ(RenderLabels({{"v", "a\"b\nc\\d"}}), R"({v="a\"b\nc\\d"})");
  EXPECT_EQ(RenderLabels({}), "");
  Telemetry& t = Telemetry::Get();
  t.Describe("test_escaped_total", Telemetry::kCounter, "help with a \\ and a\nnewline");
  t.Add("test_escaped_total", {{"rule", "say \"hi\"\n"}}, 2);
  t.Describe("test_seconds", Telemetry::kHistogram, "h", {0.5, 1});
  t.Observe("test_seconds", {}, 0.7);
  t.Observe("test_seconds", {}, 5);
  const std::string text = t.Render();
  const Scrape s = Parse(text);
  EXPECT_EQ(s["test_escaped_total{rule=\"say \\\"hi\\\"\\n\"}"], 2) << text;
  EXPECT_EQ(s["test_seconds_bucket{le=\"0.5\"}"], 0);
  EXPECT_EQ(s["test_seconds_bucket{le=\"1\"}"], 1);
  EXPECT_EQ(s["test_seconds_bucket{le=\"+Inf\"}"], 2);
  EXPECT_EQ(s["test_seconds_sum"], 5.7);
  EXPECT_TRUE(absl::StrContains(text, "# HELP test_escaped_total help with a \\\\ and a\\nnewline\n")) << text;
}

// --log-format json on a real server: every line it writes to stderr is a JSON object.
TEST(Logs, AServerWithLogFormatJsonWritesOnlyJsonLinesAndRefusesAnotherFormat) {
  const std::string dir = MakeTempDir("t");
  WriteAll(dir + "/not-a-dir", "x");
  // A warning (plaintext, no tokens) and then an error: --data is a file.
  CommandResult r = RunCommand({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/not-a-dir",
                                "--log-format", "json"});
  EXPECT_EQ(r.exit_code, 2);
  const std::vector<std::string> lines = absl::StrSplit(r.err, '\n', absl::SkipEmpty());
  ASSERT_FALSE(lines.empty());
  bool error = false;
  for (const auto& line : lines) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(j.is_object()) << "not a JSON object: " << line;
    EXPECT_EQ(j["component"], "ingestion") << line;
    for (const char* key : {"time", "level", "component", "message", "fields"}) EXPECT_TRUE(j.contains(key)) << line;
    if (j["level"] == "error") error = true;
  }
  EXPECT_TRUE(error) << r.err;
  r = RunCommand({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/d", "--log-format", "yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--log-format must be text or json")) << r.err;
}

TEST(Flagfile, AServerStartsFromAFlagfileAndFlagsAfterItOverrideIt) {
  const std::string dir = MakeTempDir("t");
  WriteAll(dir + "/ingestion.flags", "# carestat-ingestion\n--listen=127.0.0.1:0\n\n--data=" + dir +
                                         "/from-file\n--plaintext\n--metrics-listen=127.0.0.1:0\n");
  ServerProcess ing(
      {ServerBin("ingestion"), "--flagfile", dir + "/ingestion.flags", "--data", dir + "/from-line", "--init"});
  ASSERT_TRUE(ing.Start());
  EXPECT_TRUE(absl::StrContains(ing.ReadLine(), "metrics listening on 127.0.0.1:")) << "--metrics-listen from the file";
  EXPECT_TRUE(CheckServing(DialInsecure(ing.address()), "", std::chrono::seconds(5)).ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/from-line/hmac.key")) << "the later --data wins";
  EXPECT_FALSE(std::filesystem::exists(dir + "/from-file"));
  EXPECT_EQ(ing.Stop(), 0);
  // --flagfile=FILE, and a file that names another.
  WriteAll(dir + "/outer.flags", "--flagfile=" + dir + "/ingestion.flags\n");
  ServerProcess nested({ServerBin("ingestion"), "--flagfile=" + dir + "/outer.flags", "--init"});
  ASSERT_TRUE(nested.Start());
  EXPECT_TRUE(std::filesystem::exists(dir + "/from-file/hmac.key"));
}

TEST(Flagfile, AnUnknownFlagOrALineThatIsNotAFlagIsRefusedNamingTheFileAndLine) {
  const std::string dir = MakeTempDir("t");
  const std::string file = dir + "/metrics.flags";
  WriteAll(file, "--listen=127.0.0.1:0\n--data=" + dir + "/m\n--bogus=1\n");
  CommandResult r = RunCommand({ServerBin("metrics"), "--flagfile", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --bogus (" + file + " line 3)")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/m")) << "refused before anything is made";

  WriteAll(file, "--listen 127.0.0.1:0\n");
  r = RunCommand({ServerBin("metrics"), "--flagfile", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, file + " line 1: write --listen=127.0.0.1:0")) << r.err;
  WriteAll(file, "listen=127.0.0.1:0\n");
  r = RunCommand({ServerBin("reporting"), "--flagfile", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, file + " line 1: 'listen=127.0.0.1:0' is not a flag")) << r.err;
  r = RunCommand({ServerBin("reporting"), "--flagfile", dir + "/missing.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, dir + "/missing.flags")) << r.err;
  WriteAll(file, "--flagfile=" + file + "\n");
  r = RunCommand({ServerBin("reporting"), "--flagfile", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "nest more than")) << r.err;
}

// The flags files deploy/ ships (systemd, Compose, Kubernetes; the Debian package ships
// deploy/config's) hold only flags their server knows, each as --name=value: each server
// (and the pipeline) reads its files without a flag error.
TEST(Flagfile, EveryFlagsFileInDeployIsReadByItsServer) {
  int files = 0;
  for (const char* folder : {"config", "compose/config", "kubernetes/config"}) {
    for (const char* server : {"ingestion", "metrics", "reporting"}) {
      const std::string file = std::string(CARESTAT_SOURCE_DIR) + "/deploy/" + folder + "/carestat-" + server + ".flags";
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      ++files;
      // The flags are checked first; a --log-format after the file then stops the server
      // at the next check, before it listens or opens anything.
      CommandResult r = RunCommand({ServerBin(server), "--flagfile", file, "--log-format", "none"});
      EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
      EXPECT_TRUE(absl::StrContains(r.err, "--log-format must be text or json")) << file << ": " << r.err;
      for (const char* problem : {"unknown flag", "is not a flag", "needs a value", "flagfile"}) {
        EXPECT_FALSE(absl::StrContains(r.err, problem)) << file << ": " << r.err;
      }
    }
  }
  EXPECT_EQ(files, 9);
  // The pipeline's, read by carestat pipeline: an --inbox after it that does not exist
  // stops the run once every flag has been checked.
  const std::string dir = MakeTempDir("t");
  const std::string file = std::string(CARESTAT_SOURCE_DIR) + "/deploy/config/carestat-pipeline.flags";
  CommandResult r = RunCommand({CarestatBin(), "pipeline", "--flagfile", file, "--inbox", dir + "/none"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, dir + "/none is not a folder")) << r.err;
  for (const char* problem : {"unknown flag", "is not a flag", "needs a value", "flagfile", "is required"}) {
    EXPECT_FALSE(absl::StrContains(r.err, problem)) << file << ": " << r.err;
  }
  WriteAll(dir + "/pipeline.flags", "--inbox=" + dir + "\n--bogus=1\n");
  r = RunCommand({CarestatBin(), "pipeline", "--flagfile", dir + "/pipeline.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --bogus (" + dir + "/pipeline.flags line 2)")) << r.err;
  // Every command reads flag files (CliFlags below), each with its own flags: the
  // pipeline's --inbox is unknown to health, named with the file's line.
  r = RunCommand({CarestatBin(), "health", "--flagfile", dir + "/pipeline.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --inbox (" + dir + "/pipeline.flags line 1)")) << r.err;
}

// The servers' flags are Abseil flags under their dashed names: Abseil parses each typed
// value, the error names the flag (and the flagfile line) as the operator wrote it.
TEST(Flagfile, ServerFlagsAreTypedAndKnownOnlyByTheirDocumentedNames) {
  const std::string dir = MakeTempDir("t");
  CommandResult r = RunCommand({ServerBin("ingestion"), "--audit-keep=many", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--audit-keep: 'many' is not a whole number")) << r.err;
  WriteAll(dir + "/m.flags", "--listen=127.0.0.1:0\n--stream-idle-seconds=soon\n");
  r = RunCommand({ServerBin("metrics"), "--flagfile", dir + "/m.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--stream-idle-seconds (" + dir + "/m.flags line 2): 'soon' is not a number"))
      << r.err;
  r = RunCommand({ServerBin("reporting"), "--metrics", "127.0.0.1:1", "--plaintext=maybe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--plaintext: 'maybe' is not true or false")) << r.err;
  // The range is carestat's, after Abseil's parse.
  r = RunCommand({ServerBin("ingestion"), "--audit-keep=0", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--audit-keep must be a whole number from 1 to 1000")) << r.err;
  // Abseil's own spelling of a name (its C identifier) is not a carestat flag.
  r = RunCommand({ServerBin("ingestion"), "--tls_cert=x.pem", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --tls_cert")) << r.err;
  // Another server's flag is unknown here, though flags of every server share one library.
  r = RunCommand({ServerBin("ingestion"), "--http-listen=127.0.0.1:0", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --http-listen")) << r.err;
  r = RunCommand({ServerBin("ingestion"), "--tls-ca=ca.pem", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unknown flag --tls-ca")) << r.err;
  // A word that is not a flag (a --switch given a value with a space) is refused.
  r = RunCommand({ServerBin("ingestion"), "--plaintext", "yes", "--data", dir + "/i"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "unexpected argument 'yes'")) << r.err;
  // --help and --version answer whatever else is wrong.
  for (const std::string s : {"ingestion", "metrics", "reporting"}) {
    r = RunCommand({ServerBin(s), "--bogus", "--help"});
    EXPECT_EQ(r.exit_code, 0) << s << r.err;
    EXPECT_TRUE(absl::StartsWith(r.out, "usage: carestat-" + s)) << r.out;
    r = RunCommand({ServerBin(s), "--version", "--bogus=1"});
    EXPECT_EQ(r.exit_code, 0) << s << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/i")) << "nothing is made from a refused command line";
}

// The CLI's flags are Abseil flags too (pipeline/cli_flags.h): a value of the wrong type
// is refused by Abseil's parser with the flag named, exit 2, before the command does
// anything.
TEST(CliFlags, AnIllTypedValueIsRefusedNamingTheFlagBeforeAnythingIsDone) {
  const std::string dir = MakeTempDir("t");
  CommandResult r = RunCommand({CarestatBin(), "synth", "--las", "abc", "--out", dir + "/inbox"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "carestat synth: --las: 'abc' is not a whole number (see carestat synth --help)"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/inbox"));
  r = RunCommand({CarestatBin(), "pipeline", "--inbox", dir, "--out", dir + "/out", "--ingestion", "127.0.0.1:1",
                  "--metrics", "127.0.0.1:1", "--reporting", "127.0.0.1:1", "--settle=soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--settle: 'soon' is not a whole number")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out"));
  r = RunCommand({CarestatBin(), "health", "--target", "127.0.0.1:1", "--timeout", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--timeout: 'soon' is not a number")) << r.err;
  r = RunCommand({CarestatBin(), "synth", "--out", dir + "/inbox", "--seed=-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--seed: '-1' is not a whole number, 0 or more")) << r.err;
  r = RunCommand({CarestatBin(), "report", "annual", "--la", "301", "--year", "2015-16", "-o", dir + "/r.html",
                  "--data", dir, "--publish=maybe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--publish: 'maybe' is not true or false")) << r.err;
  // The range is the command's, after Abseil's parse, as before.
  r = RunCommand({CarestatBin(), "forecast", "--ssda903", dir, "--runs", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--runs takes a whole number of simulations from 2 to 100000")) << r.err;
  // From a flagfile, with its file and line.
  WriteAll(dir + "/f.flags", "--ssda903=" + dir + "\n--runs=many\n");
  r = RunCommand({CarestatBin(), "forecast", "--flagfile", dir + "/f.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--runs (" + dir + "/f.flags line 2): 'many' is not a whole number")) << r.err;
}

// One binary defines every command's flags (and the servers' shared ones), but each
// command knows only its own: another's is an unknown flag, as it was before Abseil.
TEST(CliFlags, AFlagOfAnotherCommandIsUnknownToThisOne) {
  const std::string dir = MakeTempDir("t");
  struct Case {
    std::vector<std::string> argv;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"verify", "--data", dir, "--las", "3"}, "carestat verify: unknown flag --las (see carestat verify --help)"},
      {{"health", "--target", "127.0.0.1:1", "--data", dir}, "carestat health: unknown flag --data"},
      {{"synth", "--out", dir + "/s", "--tls-ca", "ca.pem"}, "carestat synth: unknown flag --tls-ca"},
      // A server's flag, defined in the library the CLI links.
      {{"indicators", "--la", "301", "--period", "2015-16", "--tls-cert", "x.pem"}, "unknown flag --tls-cert"},
      {{"token", "--principal", "p", "--roles", "read", "--json"}, "carestat token: unknown flag --json"},
      {{"validate", dir + "/f.csv", "-o", dir + "/x.csv", "--serve"}, "carestat validate: unknown flag --serve"},
      {{"backup", "--data", dir, "--to", dir + "/b", "-o", "x"}, "carestat backup: unknown flag -o"},
      // Abseil's identifier is not a name carestat documents.
      {{"run", "--inbox", dir, "--out", dir + "/o", "--http_listen", "127.0.0.1:0"}, "unknown flag --http_listen"},
      // --version belongs to carestat itself, not to a command.
      {{"rules", "--version"}, "carestat rules: unknown flag --version"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {CarestatBin()};
    argv.insert(argv.end(), c.argv.begin(), c.argv.end());
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2) << c.argv[0] << ": " << r.err;
    EXPECT_TRUE(absl::StrContains(r.err, c.error)) << c.argv[0] << ": " << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/s"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/b"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/o"));
}

// Any command, not only the pipeline, reads --flagfile where it stands: switches and
// values from the file, flags after it overriding it, its problems named by line.
TEST(CliFlags, EveryCommandReadsAFlagfileWhereItStands) {
  const std::string dir = MakeTempDir("t");
  WriteAll(dir + "/verify.flags", "# verify a store\n--data=" + dir + "/from-file\n--json\n");
  CommandResult r = RunCommand({CarestatBin(), "verify", "--flagfile", dir + "/verify.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "carestat verify: there is no ingestion store in " + dir + "/from-file"))
      << r.err;
  r = RunCommand({CarestatBin(), "verify", "--flagfile", dir + "/verify.flags", "--data", dir + "/from-line"});
  EXPECT_TRUE(absl::StrContains(r.err, "no ingestion store in " + dir + "/from-line")) << "the later --data wins: "
                                                                                     << r.err;
  // A switch from the file: --json makes health print one JSON object.
  WriteAll(dir + "/health.flags", "--target=127.0.0.1:1\n--timeout=0.5\n--json\n");
  r = RunCommand({CarestatBin(), "health", "--flagfile=" + dir + "/health.flags"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, "{\"target\": \"127.0.0.1:1\"")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"status\": \"NOT_SERVING\"")) << r.out;
  WriteAll(dir + "/bad.flags", "--target=127.0.0.1:1\n--target 127.0.0.1:2\n");
  r = RunCommand({CarestatBin(), "health", "--flagfile", dir + "/bad.flags"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--target (" + dir + "/bad.flags line 2: write --target=127.0.0.1:2)")) << r.err;
}

// Each command's --help is its own hand-written usage, as before the move to Abseil:
// printed whatever else is on the line (-h too), exit 0.
TEST(CliFlags, EveryCommandsHelpIsItsOwnUsageWhateverElseIsOnTheLine) {
  for (const std::string cmd : {"run", "pipeline", "validate", "indicators", "series", "benchmark", "children",
                                "pseudonymise", "report", "narrative", "synth", "certs", "token", "rekey", "verify",
                                "init", "backup", "restore", "rules", "forecast", "health"}) {
    CommandResult help = RunCommand({CarestatBin(), cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0) << cmd << ": " << help.err;
    EXPECT_TRUE(absl::StartsWith(help.out, "usage: carestat " + cmd + " ")) << cmd << ": " << help.out;
    EXPECT_TRUE(help.err.empty()) << cmd << ": " << help.err;
    CommandResult bad = RunCommand({CarestatBin(), cmd, "--bogus=1", "-h", "--las", "abc"});
    EXPECT_EQ(bad.exit_code, 0) << cmd << ": " << bad.err;
    EXPECT_EQ(bad.out, help.out) << cmd;
  }
  CommandResult version = RunCommand({CarestatBin(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(absl::StartsWith(version.out, "carestat ")) << version.out;
}

TEST(Telemetry, ABadMetricsAddressIsRefusedWithItsFlagNamed) {
  const std::string dir = MakeTempDir("t");
  CommandResult r = RunCommand({ServerBin("ingestion"), "--listen", "127.0.0.1:0", "--data", dir + "/i", "--init",
                                "--metrics-listen", "nowhere"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "--metrics-listen")) << r.err;
}

}  // namespace
}  // namespace carestat
