// End to end: synth then run (the README's first command), then the 2015-16 annual
// report's Table 1 against the seed report's figures.
#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "carestat/v1/reporting.pb.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

std::string Slurp(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

TEST(EndToEndTest, SynthThenRunReproducesTable1) {
  const std::string dir = MakeTempDir("e2e");
  const std::string carestat = BinDir() + "/pipeline/carestat";
  auto synth = RunCommand({carestat, "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto run = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const std::string base = dir + "/out/301/2015-16/annual-report";
  // Every format run writes, for both reports: Word too, whole (a zip's end record).
  for (const std::string stem : {"annual-report", "self-assessment"}) {
    for (const char* ext : {".html", ".md", ".json", ".csv", ".xlsx", ".docx"}) {
      EXPECT_TRUE(std::filesystem::exists(dir + "/out/301/2015-16/" + stem + ext)) << stem << ext;
    }
    const std::string docx = Slurp(dir + "/out/301/2015-16/" + stem + ".docx");
    EXPECT_EQ(docx.compare(0, 4, "PK\x03\x04"), 0) << stem << ".docx is not a zip";
    EXPECT_NE(docx.find("word/document.xml"), std::string::npos) << stem << ".docx has no document part";
    EXPECT_NE(docx.find("PK\x05\x06"), std::string::npos) << stem << ".docx has no end of central directory";
  }
  v1::AnnualReport report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(Slurp(base + ".json"), &report).ok());
  ASSERT_GE(report.tables_size(), 1);
  const v1::Table& t = report.tables(0);
  ASSERT_EQ(t.periods_size(), 6);
  EXPECT_EQ(t.periods(0), "2010-11");
  // Seed report 001, Table 1.
  const double contacts[] = {9765, 8683, 8363, 8856, 8515, 11393};
  const double referrals[] = {2704, 1812, 2586, 3126, 4084, 3255};
  ASSERT_EQ(t.rows(0).indicator(), "contacts");
  ASSERT_EQ(t.rows(1).indicator(), "referrals");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(t.rows(0).values(i).value(), contacts[i]) << t.periods(i);
    EXPECT_EQ(t.rows(1).values(i).value(), referrals[i]) << t.periods(i);
  }
  // The seed prints +34% and +17% for contacts, -20% and +17% for referrals: the
  // referrals 5-year change is (3255 - 2704) / 2704 = +20.4%, a misprint in the seed.
  EXPECT_EQ(std::lround(t.rows(0).change_1y_pct().value()), 34);
  EXPECT_EQ(std::lround(t.rows(0).change_5y_pct().value()), 17);
  EXPECT_EQ(std::lround(t.rows(1).change_1y_pct().value()), -20);
  EXPECT_EQ(std::lround(t.rows(1).change_5y_pct().value()), 20);
  // Referral rate: ONS mid-2015 0-17 (60,882, as DfE publishes it after the 2023
  // revision) gives 535 where the seed printed 551 from an earlier estimate; 2010-11
  // divides by the mid-2010 estimate DfE used that year (49,526): 2704 / 49,526 = 546,
  // as the seed prints.
  ASSERT_EQ(t.rows(2).indicator(), "referral_rate");
  EXPECT_EQ(std::lround(t.rows(2).values(5).value()), 535);
  ASSERT_TRUE(t.rows(2).values(0).has_value());
  EXPECT_EQ(std::lround(t.rows(2).values(0).value()), 546);

  const std::string md = Slurp(base + ".md");
  EXPECT_NE(md.find("| Number of contacts received (including multiple contacts on a child) | 9,765 | 8,683 | "
                    "8,363 | 8,856 | 8,515 | 11,393 | +34% | +17% |"),
            std::string::npos)
      << md;

  auto ind = RunCommand({carestat, "indicators", "--data", dir + "/data", "--la", "301", "--period", "2015-16", "--json"});
  ASSERT_EQ(ind.exit_code, 0) << ind.err;
  EXPECT_NE(ind.out.find("\"contacts\": 11393"), std::string::npos) << ind.out;
  EXPECT_NE(ind.out.find("\"referrals\": 3255"), std::string::npos) << ind.out;

  // A second run over the same inbox changes nothing and double-counts nothing.
  auto rerun = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("known"), std::string::npos) << rerun.out;  // the manifest holds every file
  EXPECT_EQ(("\n" + rerun.out).find("\nstored "), std::string::npos) << rerun.out;  // no upload line
  auto ind2 = RunCommand({carestat, "indicators", "--data", dir + "/data", "--la", "301", "--period", "2015-16", "--json"});
  EXPECT_NE(ind2.out.find("\"referrals\": 3255"), std::string::npos) << ind2.out;
}

TEST(EndToEndTest, ABadFileIsRejectedWithAReportAndTheRestStillRuns) {
  const std::string dir = MakeTempDir("bad");
  const std::string carestat = BinDir() + "/pipeline/carestat";
  std::filesystem::create_directories(dir + "/inbox/301/2016");
  std::ofstream(dir + "/inbox/301/2016/contacts.csv")
      << "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n"
         "C1,a) Male,a) WBRI,01/02/2010,5,31/03/2016,q) 6: Police\n";
  std::ofstream(dir + "/inbox/301/2016/half.xml") << "<Message><Header><CollectionDetails><Collection>CIN";
  auto run = RunCommand({carestat, "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", dir + "/data"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("half.xml"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("malformed XML"), std::string::npos) << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/rejected/301/2016/half.xml.report.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/301/2015-16/annual-report.html"));
  // The report says the CIN census was sent and refused, and why, where its figures
  // would be; the returns never sent are listed as missing.
  const std::string md = Slurp(dir + "/out/301/2015-16/annual-report.md");
  EXPECT_NE(md.find("| CIN census | rejected | 301/2016/half.xml |"), std::string::npos) << md;
  EXPECT_NE(md.find("**Missing:** 2015-16: the CIN census (301/2016/half.xml) was refused on"), std::string::npos);
  EXPECT_NE(md.find("| SSDA903 episodes | missing | none |"), std::string::npos);
  EXPECT_NE(md.find("| Annex A list 1 (contacts) | stored | 301/2016/contacts.csv |"), std::string::npos);
  // A year with no returns is no report: exit 1, naming what is missing.
  auto none = RunCommand({carestat, "report", "annual", "--la", "301", "--year", "2016-17", "--data", dir + "/data",
                          "--format", "md", "-o", dir + "/none.md"});
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  EXPECT_NE(none.err.find("no returns are stored for LA 301 in 2016-17"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("CIN census: missing"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/none.md"));

  auto v = RunCommand({carestat, "validate", dir + "/inbox/301/2016/half.xml"});
  EXPECT_EQ(v.exit_code, 2);
  auto ok = RunCommand({carestat, "validate", "--json", dir + "/inbox/301/2016/contacts.csv"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("\"format\": \"annex-a-csv\""), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("\"contact\": 1"), std::string::npos) << ok.out;
  auto usage = RunCommand({carestat, "run", "--init", "--verbose", "--inbox"});
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace carestat
