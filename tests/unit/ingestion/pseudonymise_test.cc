#include "services/ingestion/pseudonymise.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace carestat {
namespace {

TEST(PseudonymiseTest, SameChildSameKeySameHash) {
  Pseudonymiser a(std::string(32, 'k'));
  Pseudonymiser b(std::string(32, 'k'));
  EXPECT_EQ(a.Pseudonym("301", "DfEX0000001"), b.Pseudonym("301", "DfEX0000001"));
  EXPECT_EQ(a.Pseudonym("301", "DfEX0000001").size(), 32u);
  EXPECT_EQ(a.Pseudonym("301", "DfEX0000001").find("DfEX"), std::string::npos);
}

TEST(PseudonymiseTest, DifferentKeyChildOrLaDifferentHash) {
  Pseudonymiser a(std::string(32, 'k'));
  Pseudonymiser b(std::string(32, 'j'));
  EXPECT_NE(a.Pseudonym("301", "C1"), b.Pseudonym("301", "C1"));
  EXPECT_NE(a.Pseudonym("301", "C1"), a.Pseudonym("301", "C2"));
  // The same local id in two LAs is two children.
  EXPECT_NE(a.Pseudonym("301", "C1"), a.Pseudonym("302", "C1"));
  // The LA and id are separated, so ("30","1C1") is not ("301","C1").
  EXPECT_NE(a.Pseudonym("30", "1C1"), a.Pseudonym("301", "C1"));
}

TEST(PseudonymiseTest, KeyFileCreatedPrivateAndReused) {
  std::string dir = testing::TempDir() + "/pseudo_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::string path = dir + "/hmac.key";
  auto first = Pseudonymiser::LoadOrCreate(path);
  ASSERT_TRUE(first.ok()) << first.status();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(st.st_size, 32);
  auto second = Pseudonymiser::LoadOrCreate(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*first)->Pseudonym("301", "C1"), (*second)->Pseudonym("301", "C1"));

  ::chmod(path.c_str(), 0644);
  auto exposed = Pseudonymiser::LoadOrCreate(path);
  EXPECT_FALSE(exposed.ok());
  EXPECT_NE(exposed.status().message().find("chmod 600"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  std::ofstream(path, std::ios::app) << "x";
  auto wrong = Pseudonymiser::LoadOrCreate(path);
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("expected 32"), std::string::npos);
}

}  // namespace
}  // namespace carestat
