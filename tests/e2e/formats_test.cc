// Every format ingests through `carestat run` (and so through the gRPC upload): the
// public sample returns of ../shared/external, copied at test time into a temporary
// inbox (never into the repository).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

TEST(FormatsEndToEndTest, EverySampleFormatIsStoredThroughRun) {
  const std::string ext = SharedDir() + "/external";
  if (!fs::exists(ext + "/ssda903/episodes.csv")) {
    GTEST_SKIP() << "../shared/external is absent: the sample returns were not checked";
  }
  const std::string dir = MakeTempDir("formats");
  auto put = [&](const std::string& from, const std::string& to) {
    fs::create_directories(fs::path(dir + "/inbox/" + to).parent_path());
    fs::copy_file(ext + "/" + from, dir + "/inbox/" + to);
  };
  put("cin-census/fake_CIN_data.xml", "975/2023/cin.xml");  // its header says LEA 975, ReferenceDate 2022-07-21
  put("ssda903/episodes.csv", "301/2016/episodes.csv");
  put("ssda903/header.csv", "301/2016/header.csv");
  put("ssda903/oc3.csv", "301/2016/oc3.csv");
  put("ssda903/ad1.csv", "301/2016/ad1.csv");
  put("ssda903/sw_episodes.csv", "301/2016/sw_episodes.csv");
  put("ssda903/fake_903.xml", "302/2016/903.xml");
  put("annex-a/Annex_A.xlsx", "303/2016/annex_a.xlsx");
  std::filesystem::create_directories(dir + "/inbox/301/2016");
  {
    std::ofstream(dir + "/inbox/301/2016/local.csv") << "indicator,la,period,value,source\n"
                                                        "agency_sw_rate_pct,301,2015-16,45,Workforce return\n";
  }
  auto run = RunCommand({BinDir() + "/pipeline/carestat", "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out",
                         "--data", dir + "/data"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* id : {"975/2023/cin-census", "301/2016/ssda903-episodes", "301/2016/ssda903-header",
                         "301/2016/ssda903-oc3", "301/2016/ssda903-ad1", "301/2016/ssda903-sw_episodes",
                         "302/2016/ssda903", "303/2016/annex-a", "301/2016/local-measures"}) {
    EXPECT_NE(run.out.find(std::string("-> ") + id + ":"), std::string::npos) << id << " not stored:\n" << run.out;
  }
  EXPECT_NE(run.out.find("-> 301/2016/ssda903-episodes: 5050 records"), std::string::npos) << run.out;
  auto ind = RunCommand({BinDir() + "/pipeline/carestat", "indicators", "--data", dir + "/data", "--la", "301",
                         "--period", "2015-16", "--json"});
  EXPECT_EQ(ind.exit_code, 0) << ind.err;
  EXPECT_NE(ind.out.find("\"agency_sw_rate_pct\": 45"), std::string::npos) << ind.out;
}

}  // namespace
}  // namespace carestat
