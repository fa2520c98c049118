#include "pipeline/rekey.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "services/ingestion/ingestor.h"
#include "services/metrics/metrics.h"
#include "tests/integration/test_util.h"

// `carestat rekey`: every stored return is ingested again from its original under a new
// key, checked against the old, and swapped in only when everything agrees.

namespace carestat {
namespace fs = std::filesystem;
namespace {

const char kContacts[] =
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
    "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n"
    "C2,b) Female,a) WBRI,01/02/2011,5,01/12/2015,q) 6: Police\n"
    "C3,b) Female,a) WBRI,01/02/2012,4,02/12/2015,q) 6: Police\n";
const char kHeader[] =
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "C1,1,01/02/2010,WBRI,UN1,,\n"
    "C2,2,15/11/2005,BAFR,UN1,,\n";
const char kEpisodes[] =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C1,01/05/2015,S,C2,N1,U1,PR1,01/08/2015,X1,,RM10 7AB,IG11 8XY,SC123456\n"
    "C1,01/08/2015,P,C2,N1,U2,PR1,,,CARPL,RM10 7AB,IG11 8XY,SC123457\n"
    "C2,20/09/2015,S,L1,N1,U3,PR0,22/09/2015,E4A,,RM10,,\n";

class RekeyTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("rekey");
    originals_ = dir_ + "/archive";
    ingestion_ = dir_ + "/data/ingestion";
    auto ing = Ingestor::Open(ingestion_);
    ASSERT_TRUE(ing.ok()) << ing.status();
    Ingest(**ing, "annex-a-list1.csv", kContacts);
    Ingest(**ing, "header.csv", kHeader);
    Ingest(**ing, "episodes.csv", kEpisodes);
    old_key_ = ReadAll(ingestion_ + "/hmac.key");
    ASSERT_EQ(old_key_.size(), 32u);
    old_episode_children_ = EpisodeChildren(**ing);
    ASSERT_EQ(old_episode_children_.size(), 2u);
  }
  void Ingest(Ingestor& ing, const std::string& name, const std::string& content) {
    fs::path p = fs::path(originals_) / "301" / "2016" / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    v1::UploadHeader h;
    h.set_la("301");
    h.set_collection_year(2016);
    h.set_file_name(name);
    auto r = ing.IngestFile(h, p.string());
    ASSERT_TRUE(r.ok()) << name << ": " << r.status();
  }
  static std::set<std::string> EpisodeChildren(Ingestor& ing) {
    std::set<std::string> ids;
    EXPECT_TRUE(ing.store()
                    .ScanRecords("301", {}, [&](const v1::Record& r) {
                      if (r.has_care_episode()) ids.insert(r.care_episode().child_id());
                      return true;
                    })
                    .ok());
    return ids;
  }
  // Every computed figure of 301 for 2015-16, as "indicator{breakdown}=value".
  std::set<std::string> Figures() {
    auto ing = Ingestor::Open(ingestion_);
    EXPECT_TRUE(ing.ok()) << ing.status();
    auto returns = (*ing)->store().ListReturns("301");
    auto engine = MetricsEngine::Open(MakeTempDir("rekey-metrics"));
    EXPECT_TRUE(engine.ok());
    auto scan = [&](const std::vector<std::string>& only, const std::function<void(const v1::Record&)>& fn) {
      return (*ing)->store().ScanRecords("301", {}, only, [&](const v1::Record& r) {
        fn(r);
        return true;
      });
    };
    EXPECT_TRUE((*engine)->Recompute("301", {}, *returns, scan).ok());
    auto points = (*engine)->GetValues("301", "2015-16");
    EXPECT_TRUE(points.ok());
    std::set<std::string> out;
    for (const auto& p : *points) {
      if (p.has_value()) out.insert(p.indicator() + "{" + p.breakdown() + "}=" + std::to_string(p.value()));
    }
    return out;
  }
  std::string dir_, originals_, ingestion_, old_key_;
  std::set<std::string> old_episode_children_;
};

TEST_F(RekeyTest, ReingestsUnderANewKeyWithTheSameFiguresAndKeepsTheOldAside) {
  const auto before = Figures();
  ASSERT_FALSE(before.empty());
  ASSERT_TRUE(before.count("contacts{}=3.000000")) << "three contacts in 2015-16";

  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  auto r = Rekey(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->returns, 3);
  EXPECT_TRUE(r->missing.empty());
  EXPECT_TRUE(r->mismatches.empty()) << r->mismatches.front();
  EXPECT_TRUE(r->switched);
  EXPECT_GT(r->indicator_points_compared, 0);

  // A new key is in use; the old directory with the old key is kept aside.
  const std::string new_key = ReadAll(ingestion_ + "/hmac.key");
  EXPECT_EQ(new_key.size(), 32u);
  EXPECT_NE(new_key, old_key_);
  ASSERT_FALSE(r->old_dir.empty());
  EXPECT_EQ(ReadAll(r->old_dir + "/hmac.key"), old_key_);
  EXPECT_EQ(fs::status(ingestion_ + "/hmac.key").permissions() & fs::perms::others_all, fs::perms::none);
  EXPECT_FALSE(fs::exists(ingestion_ + ".rekey"));
  EXPECT_FALSE(fs::exists(ingestion_ + ".rekey-verify"));

  {
    auto ing = Ingestor::Open(ingestion_);
    ASSERT_TRUE(ing.ok()) << ing.status();
    auto returns = (*ing)->store().ListReturns("");
    ASSERT_TRUE(returns.ok());
    EXPECT_EQ(returns->size(), 3u);
    // The same two children, under pseudonyms none of which is an old one.
    auto now = EpisodeChildren(**ing);
    EXPECT_EQ(now.size(), 2u);
    for (const auto& id : now) EXPECT_FALSE(old_episode_children_.count(id)) << id;
  }
  EXPECT_EQ(Figures(), before);
}

TEST_F(RekeyTest, DeleteOldRemovesTheOldKey) {
  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  o.delete_old = true;
  auto r = Rekey(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->switched);
  EXPECT_TRUE(r->old_dir.empty());
  for (const auto& e : fs::directory_iterator(dir_ + "/data")) {
    EXPECT_EQ(e.path().filename(), "ingestion") << "left behind: " << e.path();
  }
}

TEST_F(RekeyTest, AMissingOriginalChangesNothingAndNamesTheReturn) {
  fs::remove(originals_ + "/301/2016/episodes.csv");
  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  auto r = Rekey(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->missing.size(), 1u);
  EXPECT_NE(r->missing[0].find("301/2016/ssda903-episodes"), std::string::npos) << r->missing[0];
  EXPECT_NE(r->missing[0].find("episodes.csv"), std::string::npos) << r->missing[0];
  EXPECT_FALSE(r->switched);
  EXPECT_EQ(ReadAll(ingestion_ + "/hmac.key"), old_key_);
  EXPECT_FALSE(fs::exists(ingestion_ + ".rekey"));
}

TEST_F(RekeyTest, AnEditedOriginalIsNotTakenForTheReturn) {
  // Same size, different bytes: the SHA-256 no longer matches, so it is missing.
  std::string path = originals_ + "/301/2016/annex-a-list1.csv";
  std::string s = ReadAll(path);
  s[s.size() - 2] = 'X';
  std::ofstream(path, std::ios::binary) << s;
  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  auto r = Rekey(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->missing.size(), 1u);
  EXPECT_FALSE(r->switched);
}

TEST_F(RekeyTest, DryRunChangesNothing) {
  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  o.dry_run = true;
  auto r = Rekey(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->missing.empty());
  EXPECT_FALSE(r->switched);
  EXPECT_EQ(ReadAll(ingestion_ + "/hmac.key"), old_key_);
}

TEST_F(RekeyTest, RefusesWhileTheServiceHoldsTheStore) {
  // The ingestion server, a separate process, holds the store (RocksDB's lock).
  ServerProcess server({BinDir() + "/services/ingestion/carestat-ingestion", "--init", "--listen", "127.0.0.1:0",
                        "--data", ingestion_});
  ASSERT_TRUE(server.Start());
  RekeyOptions o;
  o.ingestion_dir = ingestion_;
  o.originals = {originals_};
  auto r = Rekey(o);
  server.Stop();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("stop the ingestion service"), std::string::npos) << r.status();
  EXPECT_EQ(ReadAll(ingestion_ + "/hmac.key"), old_key_);
}

TEST_F(RekeyTest, ADirectoryWithoutAKeyIsRefused) {
  RekeyOptions o;
  o.ingestion_dir = dir_ + "/nowhere";
  o.originals = {originals_};
  auto r = Rekey(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("hmac.key"), std::string::npos);
}

TEST(RekeyCommandTest, AnEmbeddedInstallIsRekeyedFromItsInboxWithTheSameIndicators) {
  const std::string dir = MakeTempDir("rekey-cli");
  const std::string inbox = dir + "/inbox", data = dir + "/data", out = dir + "/out";
  fs::create_directories(inbox + "/301/2016");
  std::ofstream(inbox + "/301/2016/contacts.csv") << kContacts;
  std::ofstream(inbox + "/301/2016/header.csv") << kHeader;
  std::ofstream(inbox + "/301/2016/episodes.csv") << kEpisodes;
  const std::string bin = BinDir() + "/pipeline/carestat";
  auto run = RunCommand({bin, "run", "--init", "--verbose", "--inbox", inbox, "--out", out, "--data", data});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto before = RunCommand({bin, "indicators", "--data", data, "--la", "301", "--period", "2015-16"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  const std::string key = ReadAll(data + "/ingestion/hmac.key");

  auto dry = RunCommand({bin, "rekey", "--data", data, "--originals", inbox, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_EQ(ReadAll(data + "/ingestion/hmac.key"), key);

  auto r = RunCommand({bin, "rekey", "--data", data, "--originals", inbox, "--delete-old"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("re-ingested 3 returns under a new key"), std::string::npos) << r.out;
  // The pipeline's check of the SSDA903 tables together comes from no file: left behind,
  // and made again by the next run under the new key.
  EXPECT_NE(r.out.find("1 checks of SSDA903 tables together left behind"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("recomputed the indicators of 1 LAs"), std::string::npos) << r.out;
  EXPECT_NE(ReadAll(data + "/ingestion/hmac.key"), key);
  auto after = RunCommand({bin, "indicators", "--data", data, "--la", "301", "--period", "2015-16"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  // The next run checks the tables together again, under the new key.
  auto rerun = RunCommand({bin, "run", "--init", "--verbose", "--inbox", inbox, "--out", out, "--data", data});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_NE(rerun.out.find("checked   301/2016/checks-ssda903"), std::string::npos) << rerun.out;

  // Without the originals: exit 1, the return named, nothing changed.
  const std::string key2 = ReadAll(data + "/ingestion/hmac.key");
  fs::remove(inbox + "/301/2016/header.csv");
  auto missing = RunCommand({bin, "rekey", "--data", data, "--originals", inbox});
  EXPECT_EQ(missing.exit_code, 1) << missing.out << missing.err;
  EXPECT_NE(missing.out.find("301/2016/ssda903-header"), std::string::npos) << missing.out;
  EXPECT_EQ(ReadAll(data + "/ingestion/hmac.key"), key2);

  auto usage = RunCommand({bin, "rekey", "--data", data});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("--originals"), std::string::npos) << usage.err;
}

}  // namespace
}  // namespace carestat
