// End to end (issue 16): the synthetic borough's reports for the other years it has
// returns for (2013-14 and 2014-15) build as 2015-16's does, 2016-17 (no returns) is no
// report and says why, and a report's year on year section compares with the previous
// year's report as reporting kept it when it was built.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

std::string Slurp(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path, std::ios::binary).rdbuf();
  return s.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(ReportYearsEndToEndTest, EarlierYearsBuildLaterYearsWithoutReturnsSayWhyAndYearOnYearComparesReports) {
  const std::string dir = MakeTempDir("years");
  const std::string carestat = BinDir() + "/pipeline/carestat";
  ASSERT_EQ(RunCommand({carestat, "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"}).exit_code, 0);
  auto run = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  auto report = [&](const std::string& year) {
    const std::string out = dir + "/annual-" + year + ".md";
    auto r = RunCommand({carestat, "report", "annual", "--la", "301", "--year", year, "--data", dir + "/data",
                         "--format", "md", "-o", out});
    return std::make_pair(r, Slurp(out));
  };
  // 2013-14 and 2014-15 as 2015-16: every table and figure, every expected return stored,
  // the year's own figures there.
  for (const std::string year : {"2013-14", "2014-15"}) {
    auto [r, md] = report(year);
    ASSERT_EQ(r.exit_code, 0) << year << r.out << r.err;
    for (const char* heading : {"Table 1", "Table 2", "Table 4", "Figure 1", "Figure 2", "Figure 3", "Figure 4",
                                "## Year on year", "## Returns behind these figures",
                                "## Figures that differ from those published"}) {
      EXPECT_NE(md.find(heading), std::string::npos) << year << ": " << heading;
    }
    EXPECT_EQ(Count(md, "| missing |"), 0u) << year << md;
    EXPECT_EQ(Count(md, "| rejected |"), 0u) << year;
    EXPECT_EQ(md.find("**Missing:**"), std::string::npos) << year;
  }
  // 2013-14's six years start in 2008-09, before the borough's first return: those
  // columns say why they are empty.
  {
    auto [r, md] = report("2013-14");
    EXPECT_NE(md.find("| Number of referrals | no returns held | no returns held | 2,704 | 1,812 | 2,586 | 3,126 |"),
              std::string::npos)
        << md;
  }
  // The 2014-15 report quotes 2014-15's figures: 4,084 referrals (the seed's Table 1).
  {
    auto [r, md] = report("2014-15");
    EXPECT_NE(md.find("| Referrals to children's social care | 4,084 | 3,126 |"), std::string::npos) << md;
  }
  // 2016-17: no returns, no report, and the message names the returns missing.
  {
    auto [r, md] = report("2016-17");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("no returns are stored for LA 301 in 2016-17"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("SSDA903 episodes: missing"), std::string::npos) << r.err;
  }
  // 2015-16 now compares with the 2014-15 report reporting kept a moment ago: nothing
  // revised, every figure as printed.
  auto [r, md] = report("2015-16");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const size_t yoy = md.find("## Year on year");
  ASSERT_NE(yoy, std::string::npos);
  const std::string section = md.substr(yoy, md.find("\n## ", yoy + 1) - yoy);
  EXPECT_NE(section.find("| In the 2014-15 report built on "), std::string::npos) << section;
  EXPECT_NE(section.find("no figure of the year before has changed since"), std::string::npos) << section;
  EXPECT_NE(section.find("| Referrals to children's social care | 4,084 | 3,255 |"), std::string::npos) << section;
  EXPECT_GT(Count(section, "| as printed |"), 20u) << section;
  EXPECT_EQ(Count(section, "revised from"), 0u) << section;
}

}  // namespace
}  // namespace carestat
