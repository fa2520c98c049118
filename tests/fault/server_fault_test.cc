// Faults at the servers' edges (issue 13, items 11 to 14 and 16): files named by flags
// that are not files, log lines forged through a file name, child detail for a read
// principal, idle streams that would pin every thread, an upload of exactly the size
// limit, rendered file names that climb out of a directory, and a tokens file anyone can
// write. Every test runs the real server binaries on 127.0.0.1:0 in a temp directory.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carestat/v1/ingestion.grpc.pb.h"
#include "bench/gen.h"
#include "carestat/v1/reporting.grpc.pb.h"
#include "services/common/audit.h"
#include "services/common/log.h"
#include "services/common/security.h"
#include "services/common/server.h"
#include "services/reporting/service.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One child whose ethnicity code is invalid: a child-level error (rule 4220), stored.
const char kCensus[] =
    "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2016</Year>"
    "<ReferenceDate>2016-03-31</ReferenceDate></CollectionDetails><Source><LEA>301</LEA></Source></Header>"
    "<Children><Child><ChildIdentifiers><LAchildID>SECRETCHILD1</LAchildID><Sex>1</Sex></ChildIdentifiers>"
    "<ChildCharacteristics><Ethnicity>ZZZZ</Ethnicity></ChildCharacteristics>"
    "<CINdetails><CINreferralDate>2016-03-31</CINreferralDate><ReferralSource>6</ReferralSource></CINdetails>"
    "</Child></Children></Message>\n";


std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

bool HasLine(const std::string& log, const std::vector<std::string>& parts) {
  for (const auto& line : Lines(log)) {
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

int Threads(pid_t pid) {
  int n = 0;
  DIR* d = ::opendir(absl::StrCat("/proc/", pid, "/task").c_str());
  if (!d) return -1;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n;
}

struct Token {
  std::string token, line;
};

Token MakeToken(const std::string& principal, const std::string& roles) {
  CommandResult r = RunCommand({CarestatBin(), "token", "--principal", principal, "--roles", roles});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Token t;
  for (const auto& l : Lines(r.out)) {
    if (absl::StartsWith(l, "cst_")) t.token = l;
    if (l.size() > 65 && l[64] == ' ') t.line = l;
  }
  EXPECT_FALSE(t.token.empty()) << r.out;
  return t;
}

// A server whose stderr (its log) goes to `log`.
std::unique_ptr<ServerProcess> ServerWithLog(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<std::string> wrapped = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>\"$CARESTAT_TEST_LOG\""};
  for (const auto& a : argv) wrapped.push_back(a);
  ::setenv("CARESTAT_TEST_LOG", log.c_str(), 1);
  return std::make_unique<ServerProcess>(wrapped);
}

std::unique_ptr<v1::Ingestion::Stub> IngestionStub(const std::string& address, const std::string& token) {
  ClientSecurity cs;
  cs.token = token;
  auto ch = Dial(address, cs);
  EXPECT_TRUE(ch.ok()) << ch.status();
  return v1::Ingestion::NewStub(*ch);
}

// Uploads `content` as `file_name` in chunks of `chunk` bytes.
grpc::Status Upload(v1::Ingestion::Stub& stub, const std::string& file_name, const std::string& content,
                    size_t chunk = 1 << 20, v1::UploadResponse* out = nullptr) {
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::UploadResponse resp;
  auto w = stub.Upload(&c, &resp);
  v1::UploadRequest m;
  m.mutable_header()->set_la("301");
  m.mutable_header()->set_collection_year(2016);
  m.mutable_header()->set_file_name(file_name);
  w->Write(m);
  for (size_t at = 0; at < content.size(); at += chunk) {
    m.Clear();
    m.set_chunk(content.substr(at, chunk));
    if (!w->Write(m)) break;
  }
  w->WritesDone();
  grpc::Status s = w->Finish();
  if (out) *out = resp;
  return s;
}

class ServerFault : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("srv");
    tokens_["ingest"] = MakeToken("uploader", "ingest");
    tokens_["pipeline"] = MakeToken("pipeline", "ingest,admin");
    tokens_["read"] = MakeToken("dashboard", "read");
    tokens_["service"] = MakeToken("metrics", "service");
    std::string file;
    for (const auto& [name, t] : tokens_) absl::StrAppend(&file, t.line, "\n");
    tokens_file_ = dir_ + "/tokens";
    WriteAll(tokens_file_, file);
    ::chmod(tokens_file_.c_str(), 0600);
  }

  std::string dir_, tokens_file_;
  std::map<std::string, Token> tokens_;
};

// ---- item 11: files named by flags ---------------------------------------------------

TEST_F(ServerFault, FlagFilesThatAreNotRegularFilesAreRefusedQuickly) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string big = dir_ + "/big.pem";
  WriteAll(big, std::string((1 << 20) + 10, 'A'));
  fs::create_directories(dir_ + "/adir");
  struct Case {
    std::vector<std::string> argv;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i1", "--tls-cert", "/dev/zero", "--tls-key", "/dev/zero"},
       "(--tls-cert) /dev/zero is a character device"},
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i2", "--tokens", "/dev/zero"}, "(--tokens) /dev/zero is a character device"},
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i3", "--tokens", fifo}, "(--tokens) " + fifo + " is a FIFO"},
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i4", "--tls-cert", fifo, "--tls-key", fifo}, "(--tls-cert) " + fifo},
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i5", "--tokens", dir_ + "/adir"}, "is a directory"},
      {{ServerBin("ingestion"), "--init", "--data", dir_ + "/i6", "--tokens", big}, "(--tokens) " + big + " is larger than 1048576"},
      {{ServerBin("metrics"), "--init", "--data", dir_ + "/m1", "--ingestion", "127.0.0.1:1", "--token-file", "/dev/zero"},
       "(--token-file) /dev/zero is a character device"},
      {{ServerBin("reporting"), "--init", "--metrics", "127.0.0.1:1", "--tls-ca", fifo}, "(--tls-ca) " + fifo + " is a FIFO"},
      {{CarestatBin(), "indicators", "--list", "--target", "127.0.0.1:1", "--token-file", fifo},
       "(--token-file) " + fifo + " is a FIFO"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {"/usr/bin/timeout", "20"};
    argv.insert(argv.end(), c.argv.begin(), c.argv.end());
    if (c.argv[0] != CarestatBin()) argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
    const auto start = Clock::now();
    CommandResult r = RunCommand(argv);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 2) << c.argv[0] << " " << c.says << "\n" << r.err;
    EXPECT_LT(seconds, 10) << c.says;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << "expected '" << c.says << "' in:\n" << r.err;
  }
}

TEST(ReadSmallFileTest, ReadsRegularFilesAndRefusesTheRest) {
  const std::string dir = MakeTempDir("rsf");
  WriteAll(dir + "/ok.pem", "hello");
  auto ok = ReadSmallFile(dir + "/ok.pem", "certificate (--tls-cert)");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, "hello");
  auto zero = ReadSmallFile("/dev/zero", "certificate (--tls-cert)");
  EXPECT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("certificate (--tls-cert) /dev/zero"), std::string::npos);
  WriteAll(dir + "/exact", std::string(kMaxSmallFileBytes, 'x'));
  EXPECT_TRUE(ReadSmallFile(dir + "/exact", "tokens file (--tokens)").ok());
  WriteAll(dir + "/over", std::string(kMaxSmallFileBytes + 1, 'x'));
  EXPECT_FALSE(ReadSmallFile(dir + "/over", "tokens file (--tokens)").ok());
  auto missing = ReadSmallFile(dir + "/none", "tokens file (--tokens)");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir + "/none"), std::string::npos);
}

// ---- item 12: one event, one line ----------------------------------------------------

TEST(LogEscapeTest, ControlCharactersInvalidUtf8AndSeparatorsAreEscaped) {
  EXPECT_EQ(EscapeForLog("plain text, £ and é stay"), "plain text, £ and é stay");
  EXPECT_EQ(EscapeForLog("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeForLog(std::string("x\x1b[31my\x7f", 8)), "x\\x1b[31my\\x7f");
  EXPECT_EQ(EscapeForLog(std::string("bad \xff\xfe end")), "bad \\xff\\xfe end");
  EXPECT_EQ(EscapeForLog("\xe2\x80\xa8 and \xe2\x80\xae"), "\\u{2028} and \\u{202e}");
  EXPECT_EQ(EscapeForLog(std::string("\xc2\x85", 2)), "\\u{0085}");   // NEL
  EXPECT_EQ(EscapeForLog(std::string("\xc0\xaf", 2)), "\\xc0\\xaf");  // overlong '/'
  const std::string cut = EscapeForLog(std::string(1000, 'a'), 100);
  EXPECT_LT(cut.size(), 140u);
  EXPECT_NE(cut.find("(900 more bytes)"), std::string::npos) << cut;
}

TEST(AuditLineTest, ValuesAreEscapedAndReturnIdsNameTheLa) {
  AuditEvent e;
  e.principal = std::string("bad\nname\xff\x7f\xe2\x80\xa8", 13);
  e.method = "/carestat.v1.Ingestion/GetIssues";
  v1::GetIssuesRequest req;
  req.set_return_id("301/2016/cin-census");
  AuditFieldsFromRequest(req, &e);
  EXPECT_EQ(e.la, "301");
  const std::string line = AuditLine(e);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\x7f'), std::string::npos) << line;
  EXPECT_EQ(line.find('\xff'), std::string::npos) << line;
  EXPECT_NE(line.find("\"principal\":\"bad\\nname\\ufffd\\u007f\\u2028\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"la\":\"301\",\"return_ids\":[\"301/2016/cin-census\"]"), std::string::npos) << line;
  // A return id that is not shaped like one is not logged.
  AuditEvent odd;
  v1::StreamRecordsRequest sr;
  sr.set_la("301");
  sr.add_return_ids("301/2016/../../etc\nx");
  AuditFieldsFromRequest(sr, &odd);
  EXPECT_NE(AuditLine(odd).find("\"return_ids\":[\"?\"]"), std::string::npos) << AuditLine(odd);
}

TEST_F(ServerFault, NewlineInAnUploadedFileNameIsOneEscapedLogLine) {
  const std::string log = dir_ + "/ingestion.log";
  auto ing = ServerWithLog({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing",
                            "--tokens", tokens_file_, "--audit-log", dir_ + "/audit.jsonl"},
                           log);
  ASSERT_TRUE(ing->Start());
  auto stub = IngestionStub(ing->address(), tokens_["ingest"].token);
  const std::string forged = "2016-03-31T12:00:00Z E ingestion: FORGED";
  // A file that cannot be read (logged as a warning) and one that is stored (logged as info).
  EXPECT_EQ(Upload(*stub, "bad.csv\n" + forged + "\x1b[2K", "not a return\n").error_code(), grpc::INVALID_ARGUMENT);
  grpc::Status stored = Upload(*stub, "cin.xml\r\n" + forged, kCensus);
  EXPECT_TRUE(stored.ok()) << stored.error_message();
  // A very long name is cut in the log.
  Upload(*stub, std::string(20000, 'n') + ".csv", "not a return\n");
  // A CSV without its header row: the parser's message quotes the first row, which the
  // client may see but the server's log must not hold.
  EXPECT_FALSE(Upload(*stub, "noheader.csv", "SECRETROW77,2009-02-03,RM10 8AB\nX,Y,Z\n").ok());
  stub.reset();
  EXPECT_EQ(ing->Stop(), 0);
  const std::string text = ReadAll(log);
  for (const auto& line : Lines(text)) {
    EXPECT_FALSE(absl::StartsWith(line, forged)) << "a forged log line:\n" << text;
    EXPECT_EQ(line.find('\r'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    EXPECT_LT(line.size(), kMaxLogLineBytes + 200) << line.substr(0, 200);
    // Every line is a log line: time, level, component.
    EXPECT_TRUE(line.size() > 22 && line[4] == '-' && line[10] == 'T' && line[19] == 'Z') << line;
  }
  EXPECT_TRUE(HasLine(text, {"bad.csv\\n" + forged + "\\x1b[2K"})) << text;
  EXPECT_TRUE(HasLine(text, {"cin.xml\\r\\n" + forged})) << text;
  EXPECT_TRUE(HasLine(text, {"nnnnnnnn... (", "more bytes)"})) << text;
  // The audit log never holds a file name.
  const std::string audit = ReadAll(dir_ + "/audit.jsonl");
  EXPECT_EQ(audit.find("FORGED"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("SECRETCHILD"), std::string::npos) << audit;
  EXPECT_EQ(text.find("SECRETCHILD"), std::string::npos) << text;
  EXPECT_TRUE(HasLine(text, {" W ", "noheader.csv"})) << text;
  for (const char* raw : {"SECRETROW77", "2009-02-03", "RM10 8AB"}) {
    EXPECT_EQ(text.find(raw), std::string::npos) << raw << " reached the log:\n" << text;
  }
}

// ---- item 13: child-level issues need ingest or admin ---------------------------------

TEST_F(ServerFault, ReadPrincipalGetsIssuesWithoutChildAndAuditNamesTheLa) {
  auto ing = std::make_unique<ServerProcess>(std::vector<std::string>{
      ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing", "--tokens", tokens_file_,
      "--audit-log", dir_ + "/audit.jsonl"});
  ASSERT_TRUE(ing->Start());
  auto uploader = IngestionStub(ing->address(), tokens_["ingest"].token);
  v1::UploadResponse up;
  grpc::Status s = Upload(*uploader, "cin.xml", kCensus, 1 << 20, &up);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GT(up.errors(), 0) << "the census must give a child-level issue";
  const std::string return_id = up.return_id();

  auto issues_as = [&](const std::string& role) {
    auto stub = IngestionStub(ing->address(), tokens_[role].token);
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::GetIssuesRequest req;
    req.set_return_id(return_id);
    v1::GetIssuesResponse resp;
    grpc::Status st = stub->GetIssues(&c, req, &resp);
    EXPECT_TRUE(st.ok()) << role << ": " << st.error_message();
    return resp;
  };
  v1::GetIssuesResponse full = issues_as("pipeline");
  ASSERT_GT(full.issues_size(), 0);
  std::string pseudonym;
  for (const auto& i : full.issues()) {
    if (!i.child().empty()) pseudonym = i.child();
  }
  ASSERT_FALSE(pseudonym.empty()) << "ingest/admin see the child's pseudonym";
  v1::GetIssuesResponse read = issues_as("read");
  ASSERT_EQ(read.issues_size(), full.issues_size()) << "read gets every issue, to count by rule";
  for (int k = 0; k < read.issues_size(); ++k) {
    const auto& i = read.issues(k);
    EXPECT_TRUE(i.child().empty()) << i.ShortDebugString();
    EXPECT_EQ(i.line(), 0) << i.ShortDebugString();
    EXPECT_TRUE(i.file().empty()) << i.ShortDebugString();
    EXPECT_EQ(i.ShortDebugString().find(pseudonym), std::string::npos) << i.ShortDebugString();
    EXPECT_EQ(i.message().find(" line "), std::string::npos) << i.message();
    if (!full.issues(k).child().empty() || full.issues(k).line() > 0) {
      EXPECT_EQ(i.message(), i.rule() + ", field " + i.field());
    }
    EXPECT_EQ(i.rule(), full.issues(k).rule());
    EXPECT_EQ(i.severity(), full.issues(k).severity());
  }
  // ListReturns still gives a read principal the counts by rule.
  {
    auto stub = IngestionStub(ing->address(), tokens_["read"].token);
    grpc::ClientContext c;
    v1::ListReturnsRequest req;
    req.set_la("301");
    v1::ListReturnsResponse resp;
    ASSERT_TRUE(stub->ListReturns(&c, req, &resp).ok());
    ASSERT_EQ(resp.returns_size(), 1);
    EXPECT_GT(resp.returns(0).rule_tallies_size(), 0);
    grpc::ClientContext all;
    ASSERT_TRUE(stub->ListReturns(&all, v1::ListReturnsRequest(), &resp).ok());
  }
  // The service principal streams the LA's records.
  {
    auto stub = IngestionStub(ing->address(), tokens_["service"].token);
    grpc::ClientContext c;
    v1::StreamRecordsRequest req;
    req.set_la("301");
    req.add_return_ids(return_id);
    auto r = stub->StreamRecords(&c, req);
    v1::RecordBatch b;
    while (r->Read(&b)) {
    }
    EXPECT_TRUE(r->Finish().ok());
  }
  uploader.reset();
  EXPECT_EQ(ing->Stop(), 0);
  const std::string audit = ReadAll(dir_ + "/audit.jsonl");
  const std::string id = absl::StrCat("\"return_ids\":[\"", return_id, "\"]");
  EXPECT_TRUE(HasLine(audit, {"\"principal\":\"dashboard\"", "/GetIssues", "\"la\":\"301\"", id})) << audit;
  EXPECT_TRUE(HasLine(audit, {"\"principal\":\"pipeline\"", "/GetIssues", "\"la\":\"301\"", id})) << audit;
  EXPECT_TRUE(HasLine(audit, {"\"principal\":\"dashboard\"", "/ListReturns", "\"la\":\"301\""})) << audit;
  EXPECT_TRUE(HasLine(audit, {"\"principal\":\"dashboard\"", "/ListReturns", "\"la\":\"*\""})) << audit;
  EXPECT_TRUE(HasLine(audit, {"\"principal\":\"metrics\"", "/StreamRecords", "\"la\":\"301\"", id})) << audit;
  EXPECT_EQ(audit.find(pseudonym), std::string::npos);
}

// ---- item 14: idle streams -------------------------------------------------------------

TEST_F(ServerFault, IdleStreamsAreCancelledCappedAndDoNotPinThreads) {
  const std::string log = dir_ + "/ingestion.log";
  auto ing = ServerWithLog({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing",
                            "--tokens", tokens_file_, "--audit-log", dir_ + "/audit.jsonl", "--stream-idle-seconds",
                            "2", "--max-streams-per-principal", "8", "--max-streams", "24", "--max-threads", "48",
                            "--max-concurrent-uploads", "2"},
                           log);
  ASSERT_TRUE(ing->Start());
  const int threads_at_start = Threads(ing->pid());
  ASSERT_GT(threads_at_start, 0);

  // 300 uploads that open and never send a byte, from one principal.
  ClientSecurity cs;
  cs.token = tokens_["ingest"].token;
  auto idle_channel = *Dial(ing->address(), cs);
  auto idle_stub = v1::Ingestion::NewStub(idle_channel);
  struct Idle {
    grpc::ClientContext ctx;
    v1::UploadResponse resp;
    std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> writer;
  };
  std::vector<std::unique_ptr<Idle>> idle;
  const auto opened = Clock::now();
  for (int i = 0; i < 300; ++i) {
    auto x = std::make_unique<Idle>();
    x->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    x->writer = idle_stub->Upload(&x->ctx, &x->resp);
    idle.push_back(std::move(x));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  const int threads_busy = Threads(ing->pid());
  std::printf("ingestion threads: %d at start, %d with 300 idle uploads open\n", threads_at_start, threads_busy);
  EXPECT_LE(threads_busy, 48 + 30) << "threads at start " << threads_at_start;

  // Another principal's real upload goes through meanwhile.
  auto other = IngestionStub(ing->address(), tokens_["pipeline"].token);
  grpc::Status real = Upload(*other, "cin.xml", kCensus);
  EXPECT_TRUE(real.ok()) << real.error_message();

  // Every idle one ends by itself: refused at once as busy, or cancelled once idle.
  int busy = 0, cancelled = 0;
  for (auto& x : idle) {
    grpc::Status s = x->writer->Finish();
    if (s.error_code() == grpc::RESOURCE_EXHAUSTED) {
      ++busy;
      EXPECT_NE(s.error_message().find("busy, retry"), std::string::npos) << s.error_message();
    } else {
      EXPECT_EQ(s.error_code(), grpc::CANCELLED) << s.error_message();
      EXPECT_NE(s.error_message().find("nothing received for more than 2 s (--stream-idle-seconds 2)"),
                std::string::npos)
          << s.error_message();
      ++cancelled;
    }
  }
  const double waited = std::chrono::duration<double>(Clock::now() - opened).count();
  EXPECT_LT(waited, 15) << "idle streams were not cancelled after --stream-idle-seconds 2";
  EXPECT_GE(cancelled, 1);
  EXPECT_LE(cancelled, 8);   // at most the principal's stream cap was ever admitted
  EXPECT_EQ(busy + cancelled, 300);

  // The same principal can upload again now.
  auto same = IngestionStub(ing->address(), tokens_["ingest"].token);
  grpc::Status again = Upload(*same, "cin.xml", kCensus);
  EXPECT_TRUE(again.ok()) << again.error_message();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_LE(Threads(ing->pid()), threads_busy);

  idle.clear();
  idle_stub.reset();
  idle_channel.reset();
  other.reset();
  same.reset();
  EXPECT_EQ(ing->Stop(), 0);
  const std::string audit = ReadAll(dir_ + "/audit.jsonl");
  EXPECT_NE(audit.find("\"reason\":\"idle stream cancelled\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"reason\":\"too many concurrent uploads\""), std::string::npos);
  EXPECT_TRUE(HasLine(ReadAll(log), {"cancelled uploader's /carestat.v1.Ingestion/Upload", "--stream-idle-seconds"}))
      << ReadAll(log);
}

int64_t RssKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, "VmRSS:")) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

TEST_F(ServerFault, UnreadRecordStreamsAreCancelledAndTheirMemoryGivenBack) {
  // A return large enough that its records cannot all sit in the connection's buffers.
  bench::GenOptions o;
  o.children = 20000;
  const std::string file = dir_ + "/cin.xml";
  ASSERT_TRUE(bench::WriteCinCensus(file, o).ok());
  const std::string log = dir_ + "/ingestion.log";
  auto ing = ServerWithLog({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing",
                            "--tokens", tokens_file_, "--audit-log", dir_ + "/audit.jsonl", "--stream-idle-seconds",
                            "2", "--max-streams-per-principal", "6", "--max-streams", "24", "--max-threads", "48"},
                           log);
  ASSERT_TRUE(ing->Start());
  {
    auto up = IngestionStub(ing->address(), tokens_["pipeline"].token);
    grpc::Status s = Upload(*up, "cin.xml", ReadAll(file));
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const int64_t rss_before = RssKb(ing->pid());

  // 40 record streams that are never read, from metrics' principal.
  ClientSecurity cs;
  cs.token = tokens_["service"].token;
  auto channel = *Dial(ing->address(), cs);
  auto stub = v1::Ingestion::NewStub(channel);
  struct Unread {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::RecordBatch>> reader;
  };
  std::vector<std::unique_ptr<Unread>> unread;
  const auto opened = Clock::now();
  for (int i = 0; i < 40; ++i) {
    auto x = std::make_unique<Unread>();
    x->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::StreamRecordsRequest req;
    req.set_la("301");
    x->reader = stub->StreamRecords(&x->ctx, req);
    unread.push_back(std::move(x));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const int64_t rss_busy = RssKb(ing->pid());
  EXPECT_LE(Threads(ing->pid()), 48 + 30);
  // Wait past the idle limit, then drain what reached the client: each stream ends, and
  // the admitted ones were cancelled part-way (never all their records).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  int busy = 0, cancelled = 0;
  for (auto& x : unread) {
    v1::RecordBatch b;
    while (x->reader->Read(&b)) {
    }
    grpc::Status s = x->reader->Finish();
    if (s.error_code() == grpc::RESOURCE_EXHAUSTED) {
      ++busy;
      EXPECT_NE(s.error_message().find("busy, retry"), std::string::npos) << s.error_message();
    } else {
      EXPECT_EQ(s.error_code(), grpc::CANCELLED) << s.error_message();
      EXPECT_NE(s.error_message().find("the reader read nothing for more than 2 s"), std::string::npos)
          << s.error_message();
      ++cancelled;
    }
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - opened).count(), 20);
  EXPECT_EQ(cancelled, 6) << "the principal's stream cap";
  EXPECT_EQ(busy, 34);
  unread.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int64_t rss_after = RssKb(ing->pid());
  std::printf("ingestion RSS: %lld kB before, %lld kB with the streams open, %lld kB after\n",
              static_cast<long long>(rss_before), static_cast<long long>(rss_busy),
              static_cast<long long>(rss_after));
  EXPECT_LT(rss_after, rss_before + 64 * 1024) << "memory of ended streams kept";
  // A reader that reads still gets every record.
  {
    grpc::ClientContext c;
    v1::StreamRecordsRequest req;
    req.set_la("301");
    auto r = stub->StreamRecords(&c, req);
    v1::RecordBatch b;
    int64_t n = 0;
    while (r->Read(&b)) n += b.records_size();
    EXPECT_TRUE(r->Finish().ok());
    EXPECT_GT(n, 20000);
  }
  stub.reset();
  channel.reset();
  EXPECT_EQ(ing->Stop(), 0);
  EXPECT_TRUE(HasLine(ReadAll(log), {"cancelled metrics's /carestat.v1.Ingestion/StreamRecords"})) << ReadAll(log);
  EXPECT_NE(ReadAll(dir_ + "/audit.jsonl").find("\"reason\":\"too many streams\""), std::string::npos);
}

TEST_F(ServerFault, StreamFlagsAreChecked) {
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--stream-idle-seconds", "0"}, {"--stream-idle-seconds", "x"}, {"--max-streams", "0"},
           {"--max-streams", "100", "--max-threads", "50"}}) {
    std::vector<std::string> argv = {"/usr/bin/timeout", "20", ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--data",
                                     dir_ + "/x"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1];
    EXPECT_NE(r.err.find(bad.back() == "50" ? "--max-threads" : bad[0]), std::string::npos) << r.err;
  }
}

// ---- item 16: the upload limit counts the file's bytes --------------------------------

TEST_F(ServerFault, UploadOfExactlyMaxUploadBytesIsAcceptedAndOneMoreIsInvalid) {
  const std::string exact = kCensus;
  const int64_t limit = static_cast<int64_t>(exact.size());
  auto ing = std::make_unique<ServerProcess>(std::vector<std::string>{
      ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing", "--tokens", tokens_file_,
      "--max-upload-bytes", std::to_string(limit)});
  ASSERT_TRUE(ing->Start());
  auto stub = IngestionStub(ing->address(), tokens_["ingest"].token);
  // In small chunks, so that framing would have counted many times over.
  grpc::Status ok = Upload(*stub, "exact.xml", exact, 50);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  const std::string over = exact + " ";
  grpc::Status refused = Upload(*stub, "over.xml", over, 50);
  EXPECT_EQ(refused.error_code(), grpc::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_NE(refused.error_message().find("over.xml is at least " + std::to_string(limit + 1) + " bytes"),
            std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("(--max-upload-bytes " + std::to_string(limit) + ")"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("nothing was stored"), std::string::npos);
  {
    grpc::ClientContext c;   // a call's context holds its channel open: scoped so that Stop is quick
    v1::ListReturnsResponse resp;
    ASSERT_TRUE(stub->ListReturns(&c, v1::ListReturnsRequest(), &resp).ok());
    ASSERT_EQ(resp.returns_size(), 1);
    EXPECT_EQ(resp.returns(0).file_name(), "exact.xml");
  }
  stub.reset();
  EXPECT_EQ(ing->Stop(), 0);
}

// ---- item 16: rendered file names --------------------------------------------------------

TEST(RenderNameTest, SafeRenderedFileName) {
  EXPECT_EQ(SafeRenderedFileName("table1.csv"), "table1.csv");
  EXPECT_EQ(SafeRenderedFileName("../../x.csv"), "x.csv");
  EXPECT_EQ(SafeRenderedFileName("/etc/passwd"), "etc_passwd");
  EXPECT_EQ(SafeRenderedFileName(".hidden.csv"), "hidden.csv");
  EXPECT_EQ(SafeRenderedFileName("../../.csv"), "table.csv");
  EXPECT_EQ(SafeRenderedFileName(""), "table");
  EXPECT_EQ(SafeRenderedFileName("a\\b\nc d.csv"), "a_b_c_d.csv");
  EXPECT_LE(SafeRenderedFileName(std::string(5000, 'x') + ".csv").size(), 120u);
}

TEST_F(ServerFault, RenderWithATraversingTableIdGivesSafeNames) {
  auto rep = std::make_unique<ServerProcess>(std::vector<std::string>{
      ServerBin("reporting"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--metrics", "127.0.0.1:1", "--tokens", tokens_file_});
  ASSERT_TRUE(rep->Start());
  ClientSecurity cs;
  cs.token = tokens_["read"].token;
  auto stub = v1::Reporting::NewStub(*Dial(rep->address(), cs));
  v1::RenderRequest req;
  req.set_format(v1::CSV);
  auto* report = req.mutable_report();
  report->set_la("301");
  report->set_year("2015-16");
  for (const char* id : {"../../x", "/tmp/abs", "..", "x", "table1"}) {
    auto* t = report->add_tables();
    t->set_id(id);
    t->set_title("t");
  }
  v1::RenderResponse resp;
  {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    grpc::Status s = stub->Render(&c, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  std::set<std::string> names;
  for (const auto& f : resp.files()) {
    EXPECT_EQ(f.name().find('/'), std::string::npos) << f.name();
    EXPECT_NE(f.name()[0], '.') << f.name();
    EXPECT_EQ(f.name().find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"),
              std::string::npos)
        << f.name();
    EXPECT_TRUE(names.insert(f.name()).second) << "two files named " << f.name();
  }
  EXPECT_TRUE(names.count("x.csv")) << "../../x";
  EXPECT_TRUE(names.count("x-2.csv")) << "x after ../../x";
  EXPECT_TRUE(names.count("tmp_abs.csv"));
  EXPECT_TRUE(names.count("table.csv"));
  EXPECT_TRUE(names.count("table1.csv"));
  stub.reset();
  EXPECT_EQ(rep->Stop(), 0);
}

// ---- item 16: a tokens file others can write -------------------------------------------

TEST_F(ServerFault, WorldWritableTokensFileIsRefusedAtStartAndNotReloaded) {
  ::chmod(tokens_file_.c_str(), 0666);
  CommandResult r = RunCommand({"/usr/bin/timeout", "20", ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext",
                                "--data", dir_ + "/a", "--tokens", tokens_file_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refusing to start: the tokens file " + tokens_file_ + " is writable by every user (mode 666)"),
            std::string::npos)
      << r.err;

  // Started on a safe file; then it is made group-writable, then world-writable with a new
  // token added: the warning comes without any call, and the new token is not accepted.
  ::chmod(tokens_file_.c_str(), 0600);
  const std::string log = dir_ + "/ingestion.log";
  auto ing = ServerWithLog({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing",
                            "--tokens", tokens_file_},
                           log);
  ASSERT_TRUE(ing->Start());
  ::chmod(tokens_file_.c_str(), 0620);
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  EXPECT_TRUE(HasLine(ReadAll(log), {" W ", "SECURITY", "is writable by its group (mode 620)"})) << ReadAll(log);

  Token intruder = MakeToken("intruder", "ingest,admin");
  std::string file = ReadAll(tokens_file_);
  WriteAll(tokens_file_, file + intruder.line + "\n");
  ::chmod(tokens_file_.c_str(), 0666);
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  EXPECT_TRUE(HasLine(ReadAll(log), {" E ", "SECURITY", "is writable by every user (mode 666)", "NOT used"}))
      << ReadAll(log);
  auto stub = IngestionStub(ing->address(), intruder.token);
  auto list = [](v1::Ingestion::Stub& st) {
    grpc::ClientContext c;
    v1::ListReturnsResponse resp;
    return st.ListReturns(&c, v1::ListReturnsRequest(), &resp);
  };
  EXPECT_EQ(list(*stub).error_code(), grpc::UNAUTHENTICATED);
  // The tokens loaded before still work.
  auto known = IngestionStub(ing->address(), tokens_["ingest"].token);
  EXPECT_TRUE(list(*known).ok());
  // Fixed: the file is used again.
  ::chmod(tokens_file_.c_str(), 0600);
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  EXPECT_TRUE(list(*stub).ok());
  stub.reset();
  known.reset();
  EXPECT_EQ(ing->Stop(), 0);
}

TEST_F(ServerFault, TokensFileOwnedByAnotherUserIsWarnedAbout) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the tokens file to another user (chown)";
  ASSERT_EQ(::chown(tokens_file_.c_str(), 65534, 65534), 0);
  const std::string log = dir_ + "/ingestion.log";
  auto ing = ServerWithLog({ServerBin("ingestion"), "--init", "--listen", "127.0.0.1:0", "--plaintext", "--data", dir_ + "/ing",
                            "--tokens", tokens_file_},
                           log);
  ASSERT_TRUE(ing->Start());
  EXPECT_EQ(ing->Stop(), 0);
  EXPECT_TRUE(HasLine(ReadAll(log), {" W ", tokens_file_, "is owned by user 65534"})) << ReadAll(log);
}

}  // namespace
}  // namespace carestat
