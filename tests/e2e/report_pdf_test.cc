// `carestat report --format pdf` end to end: the CLI asks the reporting service for the
// HTML and prints it with headless Chromium here. Without a browser (PATH without one,
// or CARESTAT_CHROMIUM naming none) it says what to install, exits non-zero and writes
// nothing; a failing browser's message reaches the user. The printed PDFs are checked
// where /usr/bin/chromium is installed (scripts/test installs it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/test_util.h"

namespace carestat {
namespace fs = std::filesystem;
namespace {

constexpr char kInstallHint[] = "PDF needs Chromium: apt-get install chromium; or use --format docx";

class ReportPdfTest : public ::testing::Test {
 protected:
  // A store with LA 301's 2015-16 in it (one local measure is enough for both reports).
  void SetUp() override {
    dir_ = MakeTempDir("report-pdf");
    fs::create_directories(dir_ + "/inbox/301/2016");
    WriteAll(dir_ + "/inbox/301/2016/local.csv",
             "indicator,la,period,value,source\nagency_sw_rate_pct,301,2015-16,45,synthetic\n");
    auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir_ + "/inbox", "--out", dir_ + "/out", "--data",
                           dir_ + "/data"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    fs::create_directories(dir_ + "/pdf");
  }

  // carestat report KIND ... --format pdf -o OUT, run through env(1) with `env` first.
  CommandResult Report(const std::string& kind, const std::string& out, const std::vector<std::string>& env) {
    std::vector<std::string> argv = {"/usr/bin/env", "-u", "CARESTAT_CHROMIUM"};
    argv.insert(argv.end(), env.begin(), env.end());
    for (const std::string& a : {CarestatBin(), std::string("report"), kind, std::string("--la"), std::string("301"),
                                 std::string("--year"), std::string("2015-16"), std::string("--format"),
                                 std::string("pdf"), std::string("-o"), out, std::string("--data"), dir_ + "/data"})
      argv.push_back(a);
    return RunCommand(argv);
  }

  // Every file the failed runs may have left in the output directory.
  std::vector<std::string> Leftovers() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ + "/pdf")) out.push_back(e.path().filename().string());
    return out;
  }

  std::string dir_;
};

TEST_F(ReportPdfTest, WithoutChromiumItSaysWhatToInstallAndWritesNothing) {
  const std::string empty = MakeTempDir("no-browser");   // a PATH with no browser on it
  for (const char* kind : {"annual", "self-assessment"}) {
    SCOPED_TRACE(kind);
    auto r = Report(kind, dir_ + "/pdf/report.pdf", {"PATH=" + empty});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(kInstallHint), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("on PATH"), std::string::npos) << r.err;
    // A browser named that is not there: the same advice, naming it.
    auto named = Report(kind, dir_ + "/pdf/report.pdf", {"CARESTAT_CHROMIUM=/nonexistent/chromium"});
    EXPECT_NE(named.exit_code, 0);
    EXPECT_NE(named.err.find(kInstallHint), std::string::npos) << named.err;
    EXPECT_NE(named.err.find("/nonexistent/chromium"), std::string::npos) << named.err;
  }
  EXPECT_TRUE(Leftovers().empty()) << Leftovers().front();
}

TEST_F(ReportPdfTest, AFailingBrowserIsReportedAndNothingIsWritten) {
  const std::string browser = dir_ + "/failing-browser";
  WriteAll(browser, "#!/bin/sh\necho 'Trace/breakpoint trap: the GPU process crashed' >&2\nexit 5\n");
  fs::permissions(browser, fs::perms::owner_all);
  auto r = Report("annual", dir_ + "/pdf/annual.pdf", {"CARESTAT_CHROMIUM=" + browser});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("exited with status 5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the GPU process crashed"), std::string::npos) << r.err;
  EXPECT_TRUE(Leftovers().empty()) << Leftovers().front();
}

TEST_F(ReportPdfTest, BothReportsPrintToPdf) {
  if (::access("/usr/bin/chromium", X_OK) != 0)
    GTEST_SKIP() << "/usr/bin/chromium is not installed: scripts/test installs it (apt-get install chromium)";
  for (const char* kind : {"annual", "self-assessment"}) {
    SCOPED_TRACE(kind);
    const std::string out = dir_ + "/pdf/" + kind + ".pdf";
    auto r = Report(kind, out, {"PATH=/usr/bin:/bin"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string pdf = ReadAll(out);
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
    EXPECT_GT(pdf.size(), 20000u);   // pages of text and tables, not an empty document
    // -o - writes the same kind of file to standard output.
    auto piped = Report(kind, "-", {"PATH=/usr/bin:/bin"});
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_EQ(piped.out.substr(0, 5), "%PDF-");
  }
  // Only the two PDFs: no partial file left beside them.
  EXPECT_EQ(Leftovers().size(), 2u);
}

}  // namespace
}  // namespace carestat
