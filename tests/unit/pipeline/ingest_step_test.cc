#include "pipeline/ingest_step.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <sstream>
#include <fstream>

#include "pipeline/embedded.h"
#include "pipeline/inbox.h"
#include "pipeline/manifest.h"
#include "services/common/server.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

const char kList1[] =
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n";

class IngestStepTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("step");
    auto e = Embedded::Start(dir_ + "/data");
    ASSERT_TRUE(e.ok()) << e.status();
    embedded_ = std::move(*e);
    stub_ = v1::Ingestion::NewStub(embedded_->ingestion());
    o_.inbox = dir_ + "/inbox";
    o_.state_dir = dir_ + "/state";
    o_.archive_dir = dir_ + "/archive";
    o_.quarantine_dir = dir_ + "/quarantine";
    o_.backoff_ms = 1;
  }
  std::string Put(const std::string& rel, const std::string& content) {
    fs::path p = fs::path(o_.inbox) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }
  std::string dir_;
  std::unique_ptr<Embedded> embedded_;
  std::unique_ptr<v1::Ingestion::Stub> stub_;
  IngestOptions o_;
};

TEST_F(IngestStepTest, ArchivesGoodFilesAndQuarantinesBadOnesWithReports) {
  o_.move_files = true;
  Put("301/2016/contacts.csv", kList1);
  Put("301/2016/broken.xml", "<Message><Header>");
  auto sum = IngestInbox(*stub_, o_);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->ingested, 1);
  EXPECT_EQ(sum->quarantined, 1);
  EXPECT_EQ(sum->changed.at("301"), std::set<int>{2016});
  EXPECT_TRUE(fs::exists(o_.archive_dir + "/301/2016/contacts.csv"));
  EXPECT_FALSE(fs::exists(o_.inbox + "/301/2016/contacts.csv"));
  EXPECT_TRUE(fs::exists(o_.quarantine_dir + "/301/2016/broken.xml"));
  std::stringstream text;
  text << std::ifstream(o_.quarantine_dir + "/301/2016/broken.xml.report.txt").rdbuf();
  EXPECT_NE(text.str().find("nothing was stored"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("broken.xml"), std::string::npos);
  EXPECT_TRUE(fs::exists(o_.quarantine_dir + "/301/2016/broken.xml.report.json"));

  // The same content again: the manifest knows it, nothing is uploaded.
  Put("301/2016/again.csv", kList1);
  auto second = IngestInbox(*stub_, o_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->known, 1);
  EXPECT_EQ(second->ingested, 0);
  EXPECT_TRUE(second->changed.empty());
}

TEST_F(IngestStepTest, AFileStillBeingWrittenWaitsUnlessMarkedReady) {
  o_.settle_seconds = 3600;
  std::string path = Put("301/2016/contacts.csv", kList1);
  auto sum = IngestInbox(*stub_, o_);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->not_ready, 1);
  EXPECT_EQ(sum->ingested, 0);
  std::ofstream(path + ".ready") << "";
  auto marked = IngestInbox(*stub_, o_);
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(marked->ingested, 1);
  EXPECT_EQ(marked->found, 1);  // the .ready marker is not a return
  // The file rewritten in place after its marker (the marker an hour older): the marker
  // was for the earlier file, so the new one waits to settle rather than being taken half
  // written.
  struct utimbuf hour_ago{::time(nullptr) - 3600, ::time(nullptr) - 3600};
  ::utime((path + ".ready").c_str(), &hour_ago);
  Put("301/2016/contacts.csv", std::string(kList1) + "C3,a) Male,a) WBRI,,,02/06/2015,q) 6: Police\n");
  auto rewritten = IngestInbox(*stub_, o_);
  ASSERT_TRUE(rewritten.ok());
  EXPECT_EQ(rewritten->not_ready, 1);
  EXPECT_EQ(rewritten->ingested, 0);
  std::ofstream(path + ".ready") << "";   // marked again: taken
  auto remarked = IngestInbox(*stub_, o_);
  ASSERT_TRUE(remarked.ok());
  EXPECT_EQ(remarked->ingested, 1);

  // Moving files (carestat pipeline), the marker leaves the inbox with its file, archived
  // or quarantined, so no marker is left for the next file of that name.
  o_.move_files = true;
  std::string broken = Put("301/2014/broken.xml", "<Message><Header>");
  std::ofstream(broken + ".ready") << "";
  std::string stored = Put("301/2014/contacts.csv", kList1);
  std::ofstream(stored + ".ready") << "";
  auto moved = IngestInbox(*stub_, o_);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->quarantined, 1);
  EXPECT_EQ(moved->ingested, 1);
  EXPECT_FALSE(fs::exists(broken));
  EXPECT_FALSE(fs::exists(broken + ".ready"));
  EXPECT_FALSE(fs::exists(stored));
  EXPECT_FALSE(fs::exists(stored + ".ready"));
  o_.move_files = false;
  // An hour-old file has settled.
  o_.settle_seconds = 60;
  std::string old = Put("301/2015/contacts.csv", std::string(kList1) + "C2,a) Male,a) WBRI,,,01/06/2014,q) 6: Police\n");
  struct utimbuf t{::time(nullptr) - 3600, ::time(nullptr) - 3600};
  ::utime(old.c_str(), &t);
  auto settled = IngestInbox(*stub_, o_);
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(settled->ingested, 1);
}

// SSDA903 tables filed as separate CSV files are uploaded one by one (each checked alone),
// then checked together and with last year's, and what only that shows is stored as
// 301/<year>/checks-ssda903 with the children pseudonymised: INT03 (C has episodes but no
// header row) and NoE (A was looked after before the year, yet last year's episodes do
// not hold A). Unchanged tables are not checked again; a change to last year's is.
TEST_F(IngestStepTest, Ssda903TablesAreCheckedTogetherAndWithLastYears) {
  o_.move_files = true;
  const std::string header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  const std::string episodes =
      "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  Put("301/2016/header.csv", header + "A,1,01/02/2010,WBRI,UN1,,\nB,1,01/02/2010,WBRI,UN1,,\n");
  Put("301/2016/episodes.csv", episodes + "A,01/03/2015,S,C2,N1,U1,PR1,,,,,,\nB,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n"
                                          "C,01/06/2015,S,C2,N1,U1,PR1,,,,,,\n");
  Put("301/2015/episodes.csv", episodes + "B,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  // Two care leavers in 2016's OC3: D was looked after in 2013-14 (an earlier year's
  // episodes, which the check also reads), E never in any year held: 1002 for E alone.
  Put("301/2016/oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nD,01/05/1997,YES,F2,Y1\nE,01/05/1997,YES,F2,Y1\n");
  Put("301/2014/episodes.csv", episodes + "D,01/06/2013,S,C2,N1,U1,PR1,01/05/2014,E4A,,,,\n");
  auto sum = IngestInbox(*stub_, o_);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->ingested, 5);
  EXPECT_EQ(sum->checked_together, 3);  // 2014 and 2015 (alone) and 2016

  auto issues_of = [&](const std::string& return_id) {
    grpc::ClientContext c;
    v1::GetIssuesRequest req;
    req.set_return_id(return_id);
    v1::GetIssuesResponse resp;
    EXPECT_TRUE(stub_->GetIssues(&c, req, &resp).ok());
    std::multiset<std::string> rules;
    for (const auto& i : resp.issues()) {
      rules.insert(i.rule());
      EXPECT_NE(i.child(), "A");  // pseudonymised
      EXPECT_NE(i.child(), "C");
      EXPECT_FALSE(i.child().empty());
    }
    return rules;
  };
  const auto found = issues_of("301/2016/checks-ssda903");
  EXPECT_EQ(found.count("INT03"), 1u);
  EXPECT_EQ(found.count("NoE"), 1u);
  EXPECT_EQ(found.count("1002"), 1u);  // E only: D's episodes are in 2013-14's table
  // Only what no table shows alone: the tables' own findings stay with them.
  for (const auto& rule : issues_of("301/2016/ssda903-episodes")) EXPECT_EQ(found.count(rule), 0u) << rule;

  grpc::ClientContext c;
  v1::ListReturnsResponse all;
  ASSERT_TRUE(stub_->ListReturns(&c, v1::ListReturnsRequest(), &all).ok());
  bool listed = false;
  for (const auto& r : all.returns()) {
    if (r.return_id() != "301/2016/checks-ssda903") continue;
    listed = true;
    EXPECT_EQ(r.errors() + r.queries(), static_cast<int>(found.size()));
    EXPECT_NE(r.file_name().find("header.csv"), std::string::npos) << r.file_name();
    EXPECT_NE(r.file_name().find("with last year's 1 table and the episodes of 1 earlier year"), std::string::npos)
        << r.file_name();
    EXPECT_EQ(r.record_counts_size(), 0);
  }
  EXPECT_TRUE(listed);

  // Nothing new: not checked again.
  auto again = IngestInbox(*stub_, o_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->checked_together, 0);

  // A stored check that is not of the tables held now (as a run whose RecordChecks failed
  // after a table changed leaves it) is made again by the next run, though nothing changed.
  {
    grpc::ClientContext c;
    v1::RecordChecksRequest stale;
    stale.set_la("301");
    stale.set_collection_year(2016);
    stale.set_description("an older check");
    stale.set_content_sha256("0000");
    v1::UploadResponse resp;
    ASSERT_TRUE(stub_->RecordChecks(&c, stale, &resp).ok());
  }
  EXPECT_TRUE(issues_of("301/2016/checks-ssda903").empty());
  auto redone = IngestInbox(*stub_, o_);
  ASSERT_TRUE(redone.ok());
  EXPECT_EQ(redone->checked_together, 1);
  EXPECT_EQ(issues_of("301/2016/checks-ssda903"), found);

  // Last year's episodes now hold A: 2016 is checked again and NoE is gone.
  Put("301/2015/episodes.csv", episodes + "A,01/03/2015,S,C2,N1,U1,PR1,,,,,,\nB,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  auto fixed = IngestInbox(*stub_, o_);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->checked_together, 2);  // 2015 and 2016 (2014 reads neither)
  const auto after = issues_of("301/2016/checks-ssda903");
  EXPECT_EQ(after.count("NoE"), 0u);
  EXPECT_EQ(after.count("INT03"), 1u);
}

TEST(WithRetryTest, RetriesOnlyWhatMayPass) {
  int calls = 0;
  auto unavailable = WithRetry([&] { ++calls; return absl::UnavailableError("down"); }, 4, 1, "x");
  EXPECT_EQ(calls, 4);
  EXPECT_TRUE(absl::IsUnavailable(unavailable));
  EXPECT_NE(unavailable.message().find("gave up after 4 attempts"), std::string::npos);
  calls = 0;
  auto invalid = WithRetry([&] { ++calls; return absl::InvalidArgumentError("bad file"); }, 4, 1, "x");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(invalid));
  calls = 0;
  auto later = WithRetry(
      [&] { return ++calls < 3 ? absl::DeadlineExceededError("slow") : absl::OkStatus(); }, 5, 1, "x");
  EXPECT_TRUE(later.ok());
  EXPECT_EQ(calls, 3);
}

TEST(WithRetryTest, ABusyServerIsWaitedForLongerAndATooLargeFileIsAFileProblem) {
  // The per-principal upload limit: retried past `attempts` (the server said "retry").
  int calls = 0;
  auto busy = WithRetry(
      [&] {
        return ++calls < 8 ? absl::ResourceExhaustedError("pipeline already has 1 uploads in progress: retry")
                           : absl::OkStatus();
      },
      2, 1, "x");
  EXPECT_TRUE(busy.ok()) << busy;
  EXPECT_EQ(calls, 8);
  EXPECT_TRUE(IsTransient(absl::ResourceExhaustedError("retry when one has finished")));
  EXPECT_FALSE(IsFileProblem(absl::ResourceExhaustedError("retry when one has finished")));
  // Larger than the server accepts: the file itself, never retried.
  calls = 0;
  auto large = WithRetry(
      [&] { ++calls; return absl::ResourceExhaustedError("upload larger than this server accepts (--max-upload-bytes 4000)"); },
      4, 1, "x");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(IsFileProblem(large));
  for (auto s : {absl::AbortedError("a"), absl::UnavailableError("disk full"), absl::DeadlineExceededError("d"),
                 absl::InternalError("i"), absl::UnknownError("u")}) {
    EXPECT_TRUE(IsTransient(s)) << s;
    EXPECT_FALSE(IsFileProblem(s)) << s;
  }
  EXPECT_TRUE(IsFileProblem(absl::InvalidArgumentError("bad")));
  EXPECT_FALSE(IsTransient(absl::PermissionDeniedError("no role")));
}

// An ingestion server that answers every upload with one status.
class FixedAnswerIngestion final : public v1::Ingestion::Service {
 public:
  explicit FixedAnswerIngestion(grpc::Status answer) : answer_(std::move(answer)) {}
  grpc::Status Upload(grpc::ServerContext*, grpc::ServerReader<v1::UploadRequest>* reader,
                      v1::UploadResponse*) override {
    v1::UploadRequest m;
    while (reader->Read(&m)) {
    }
    ++uploads;
    return answer_;
  }
  grpc::Status ListReturns(grpc::ServerContext*, const v1::ListReturnsRequest*, v1::ListReturnsResponse*) override {
    return grpc::Status::OK;
  }
  std::atomic<int> uploads{0};

 private:
  grpc::Status answer_;
};

class AnswerTest : public testing::Test {
 protected:
  IngestSummary Ingest(grpc::Status answer) {
    dir_ = MakeTempDir("answer");
    FixedAnswerIngestion service(answer);
    auto server = StartInProcess({&service});
    auto stub = v1::Ingestion::NewStub(InProcessChannelTo(server.get()));
    o_.inbox = dir_ + "/inbox";
    o_.state_dir = dir_ + "/state";
    o_.archive_dir = dir_ + "/archive";
    o_.quarantine_dir = dir_ + "/quarantine";
    o_.move_files = true;
    o_.backoff_ms = 1;
    o_.max_attempts = 3;
    fs::create_directories(o_.inbox + "/301/2016");
    std::ofstream(o_.inbox + "/301/2016/contacts.csv") << kList1;
    std::ofstream(o_.inbox + "/301/2016/ad1.csv") << "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n";
    auto sum = IngestInbox(*stub, o_);
    EXPECT_TRUE(sum.ok()) << sum.status();
    uploads_ = service.uploads;
    server->Shutdown();
    return sum.ok() ? *sum : IngestSummary();
  }
  std::string dir_;
  IngestOptions o_;
  int uploads_ = 0;
};

TEST_F(AnswerTest, AFullServerDiskKeepsTheFilesInTheInboxAndSaysWhy) {
  auto sum = Ingest(grpc::Status(grpc::UNAVAILABLE, "no space left on the disk of /srv/carestat/ingestion/store"));
  EXPECT_EQ(sum.quarantined, 0);
  EXPECT_EQ(sum.deferred, 2);
  EXPECT_NE(sum.stopped.find("/srv/carestat/ingestion/store"), std::string::npos) << sum.stopped;
  EXPECT_NE(sum.stopped.find("2 files stay in the inbox"), std::string::npos) << sum.stopped;
  EXPECT_EQ(uploads_, 3);  // the first file, tried 3 times; the second not tried against a full disk
  EXPECT_TRUE(fs::exists(o_.inbox + "/301/2016/contacts.csv"));
  EXPECT_TRUE(fs::exists(o_.inbox + "/301/2016/ad1.csv"));
  EXPECT_FALSE(fs::exists(o_.quarantine_dir + "/301"));
}

TEST_F(AnswerTest, ABusyServerPastTheRetriesKeepsTheFilesNeverQuarantines) {
  auto sum = Ingest(grpc::Status(grpc::RESOURCE_EXHAUSTED, "pipeline already has 1 uploads in progress: retry"));
  EXPECT_EQ(sum.quarantined, 0);
  EXPECT_EQ(sum.deferred, 2);
  EXPECT_FALSE(sum.stopped.empty());
  EXPECT_TRUE(fs::exists(o_.inbox + "/301/2016/contacts.csv"));
  EXPECT_FALSE(fs::exists(o_.quarantine_dir + "/301"));
}

TEST_F(AnswerTest, AFileLargerThanTheServerAcceptsIsQuarantined) {
  auto sum = Ingest(grpc::Status(grpc::RESOURCE_EXHAUSTED,
                                 "upload larger than this server accepts (--max-upload-bytes 10): nothing of it was stored"));
  EXPECT_EQ(sum.quarantined, 2);
  EXPECT_TRUE(sum.stopped.empty()) << sum.stopped;
  EXPECT_TRUE(fs::exists(o_.quarantine_dir + "/301/2016/contacts.csv.report.txt"));
  EXPECT_FALSE(fs::exists(o_.inbox + "/301/2016/contacts.csv"));
}

TEST(SafeNameTest, KeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(SafeName("301/2016/r\xc3\xa9sum\xc3\xa9.csv"), "301/2016/r\xc3\xa9sum\xc3\xa9.csv");
  EXPECT_EQ(SafeName("a\xff\xfe.csv"), "a\\xFF\\xFE.csv");
  EXPECT_EQ(SafeName("line\nforged"), "line\\x0Aforged");
  EXPECT_EQ(SafeName("\xc0\xaf"), "\\xC0\\xAF");  // an overlong '/'
}

TEST(PathsTest, WritesAreProvenUnderTheirRoot) {
  const std::string root = MakeTempDir("paths");
  EXPECT_TRUE(CheckUnderRoot(root, root + "/301/2015-16/a.html").ok());
  EXPECT_FALSE(CheckUnderRoot(root, root + "/../x.html").ok());
  EXPECT_FALSE(CheckUnderRoot(root, root + "/301/../../x.html").ok());
  EXPECT_FALSE(CheckUnderRoot(root, root).ok());
  EXPECT_FALSE(CheckUnderRoot(root, "/etc/passwd").ok());
  const std::string outside = MakeTempDir("outside");
  fs::create_symlink(outside, root + "/301");
  auto s = WriteFileUnder(root, root + "/301/2015-16/a.html", "x", false);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is a symbolic link"), std::string::npos) << s;
  EXPECT_TRUE(fs::is_empty(outside));
  // A file that is itself a link is refused, never written through.
  std::ofstream(outside + "/target") << "keep";
  fs::create_directories(root + "/302");
  fs::create_symlink(outside + "/target", root + "/302/a.html");
  EXPECT_FALSE(WriteFileUnder(root, root + "/302/a.html", "new", true).ok());
  std::stringstream kept;
  kept << std::ifstream(outside + "/target").rdbuf();
  EXPECT_EQ(kept.str(), "keep");
  // Written under a real folder: private, whole.
  ASSERT_TRUE(WriteFileUnder(root, root + "/303/x/a.json", "{}", true).ok());
  struct stat st {};
  ::stat((root + "/303/x").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ::stat((root + "/303/x/a.json").c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(RunLockTest, ASecondRunIsRefusedWhileTheFirstHoldsTheLock) {
  std::string path = MakeTempDir("lock") + "/run.lock";
  auto first = RunLock::Acquire(path, false);
  ASSERT_TRUE(first.ok());
  auto second = RunLock::Acquire(path, false);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("pid"), std::string::npos) << second.status();
  first->reset();
  EXPECT_TRUE(RunLock::Acquire(path, false).ok());
}

TEST(ManifestTest, SurvivesATornLastLine) {
  std::string path = MakeTempDir("manifest") + "/manifest.jsonl";
  {
    auto m = Manifest::Open(path);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE((*m)->Append({"301/2016/a.csv", "aaa", "301/2016/x", "stored", 1, ""}).ok());
  }
  std::ofstream(path, std::ios::app) << "{\"file\": \"301/2016/b.c";  // a crash mid-line
  auto m = Manifest::Open(path);
  ASSERT_TRUE(m.ok());
  EXPECT_NE((*m)->Seen("aaa"), nullptr);
  ASSERT_TRUE((*m)->Append({"301/2016/c.csv", "ccc", "301/2016/y", "stored", 2, ""}).ok());
  auto again = Manifest::Open(path);
  ASSERT_TRUE(again.ok());
  EXPECT_NE((*again)->Seen("ccc"), nullptr);
  EXPECT_EQ((*again)->size(), 2u);
}

TEST(ManifestTest, ANameThatIsNotUtf8IsKeptExactlyAndEachReturnsLatestIsKnown) {
  ManifestEntry e{"301/2016/contacts-\xff\xfe.csv", "abc", "301/2016/annex-a-list-1", "stored", 5, ""};
  const std::string line = ManifestLine(e);
  EXPECT_NE(line.find("contacts-\\\\xFF\\\\xFE.csv"), std::string::npos) << line;  // readable, valid JSON
  ManifestEntry back;
  ASSERT_TRUE(ParseManifestLine(line, &back)) << line;
  EXPECT_EQ(back.file, e.file);
  std::string path = MakeTempDir("manifest-latest") + "/manifest.jsonl";
  auto m = Manifest::Open(path);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE((*m)->Append(e).ok());
  ASSERT_TRUE((*m)->Append({"301/2016/v2.csv", "def", "301/2016/annex-a-list-1", "replaced", 6, ""}).ok());
  ASSERT_TRUE((*m)->Append({"301/2016/bad.xml", "ghi", "", "quarantined", 7, "bad"}).ok());
  auto again = Manifest::Open(path);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ((*again)->Latest().size(), 1u);
  EXPECT_EQ((*again)->Latest().at("301/2016/annex-a-list-1").sha256, "def");
}

}  // namespace
}  // namespace carestat
