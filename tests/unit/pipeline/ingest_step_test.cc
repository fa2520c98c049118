#include "pipeline/ingest_step.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>

#include "pipeline/embedded.h"
#include "pipeline/manifest.h"
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
  // An hour-old file has settled.
  o_.settle_seconds = 60;
  std::string old = Put("301/2015/contacts.csv", std::string(kList1) + "C2,a) Male,a) WBRI,,,01/06/2014,q) 6: Police\n");
  struct utimbuf t{::time(nullptr) - 3600, ::time(nullptr) - 3600};
  ::utime(old.c_str(), &t);
  auto settled = IngestInbox(*stub_, o_);
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(settled->ingested, 1);
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

}  // namespace
}  // namespace carestat
