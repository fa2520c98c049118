// The acknowledgement ledger: its lines read back exactly (generations beyond 2^53, any
// file name), a torn last line is ignored, and the comparison with the store tells a
// loss from a store that is merely newer than its ledger.
#include "services/ingestion/ledger.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace carestat {
namespace {

v1::ReturnInfo Info(const std::string& id, uint64_t gen, const std::string& sha) {
  v1::ReturnInfo r;
  r.set_return_id(id);
  r.set_generation(gen);
  r.set_content_sha256(sha);
  r.set_file_name("f \"" + id + "\"\n.csv");
  (*r.mutable_record_counts())["referral"] = 7;
  return r;
}

TEST(LedgerTest, LinesReadBackExactlyAndATornLastLineIsIgnored) {
  const std::string path = testing::TempDir() + "/ledger_" + std::to_string(::getpid()) + ".jsonl";
  std::filesystem::remove(path);
  const uint64_t big = (uint64_t{1} << 53) + 1;
  {
    auto l = Ledger::Open(path);
    ASSERT_TRUE(l.ok()) << l.status();
    ASSERT_TRUE((*l)->Append(Ledger::FromInfo(Info("301/2016/cin-census", big, "aa"), "stored")).ok());
    ASSERT_TRUE((*l)->Append(Ledger::FromInfo(Info("301/2016/ssda903-header", 5, "bb"), "stored")).ok());
  }
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ofstream(path, std::ios::app) << "{\"event\": \"stored\", \"return_id\": \"301/2016/ssda903-header\", \"gen";
  auto latest = Ledger::ReadLatest(path);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 2u);
  const LedgerEntry& e = (*latest)["301/2016/cin-census"];
  EXPECT_EQ(e.generation, big);
  EXPECT_EQ(e.sha256, "aa");
  EXPECT_EQ(e.file, "f \"301/2016/cin-census\"\n.csv");
  EXPECT_EQ(e.records.at("referral"), 7);
  EXPECT_EQ((*latest)["301/2016/ssda903-header"].generation, 5u);
  // Appending after a torn line starts a new line, so the next entry reads.
  {
    auto l = Ledger::Open(path);
    ASSERT_TRUE(l.ok());
    ASSERT_TRUE((*l)->Append(Ledger::FromInfo(Info("301/2016/ssda903-header", 9, "cc"), "replaced")).ok());
  }
  latest = Ledger::ReadLatest(path);
  EXPECT_EQ((*latest)["301/2016/ssda903-header"].generation, 9u);
  std::filesystem::remove(path);
}

TEST(LedgerTest, ComparisonTellsALossFromAStoreNewerThanItsLedger) {
  std::map<std::string, LedgerEntry> latest;
  latest["a"] = Ledger::FromInfo(Info("a", 10, "x"), "stored");  // held as acknowledged
  latest["b"] = Ledger::FromInfo(Info("b", 10, "x"), "stored");  // held older: lost
  latest["c"] = Ledger::FromInfo(Info("c", 10, "x"), "stored");  // absent: lost
  latest["d"] = Ledger::FromInfo(Info("d", 10, "x"), "stored");  // same generation, other bytes: lost
  latest["e"] = Ledger::FromInfo(Info("e", 10, "x"), "stored");  // held newer: commit before a crash
  latest["f"] = Ledger::FromInfo(Info("f", 10, "x"), "lost-accepted");  // given up: not lost again
  std::vector<v1::ReturnInfo> held = {Info("a", 10, "x"), Info("b", 9, "w"), Info("d", 10, "y"),
                                      Info("e", 11, "z"), Info("g", 3, "q")};
  std::vector<v1::ReturnInfo> newer;
  auto lost = CompareLedger(latest, held, &newer);
  std::vector<std::string> lost_ids;
  for (const auto& l : lost) lost_ids.push_back(l.return_id);
  EXPECT_EQ(lost_ids, (std::vector<std::string>{"b", "c", "d"}));
  std::vector<std::string> newer_ids;
  for (const auto& r : newer) newer_ids.push_back(r.return_id());
  EXPECT_EQ(newer_ids, (std::vector<std::string>{"e", "g"}));
  EXPECT_NE(lost[0].Describe().find("older version"), std::string::npos) << lost[0].Describe();
  EXPECT_NE(lost[1].Describe().find("no such return"), std::string::npos) << lost[1].Describe();
}

}  // namespace
}  // namespace carestat
