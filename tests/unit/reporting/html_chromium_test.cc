// The HTML reports in a real browser: headless Chromium loads the file, its DOM holds
// every table and the four SVG charts, and a screenshot is not blank. Skipped when
// /usr/bin/chromium is not installed (scripts/test installs it).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/self_assessment.h"
#include "tests/unit/reporting/fake_metrics.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;
constexpr char kChromium[] = "/usr/bin/chromium";

fs::path TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  fs::path dir = fs::path(base ? base : fs::temp_directory_path().string()) /
                 ("carestat-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Runs a shell command and returns its standard output (stderr discarded).
std::string RunShell(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

std::string Chromium(const fs::path& profile) {
  return std::string("timeout 180 ") + kChromium +
         " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars"
         " --user-data-dir=" + profile.string();
}

// Removes a test's files (browser profiles are large) unless CARESTAT_KEEP_TEST_FILES is set.
struct Cleanup {
  fs::path dir;
  ~Cleanup() {
    std::error_code ec;
    if (!std::getenv("CARESTAT_KEEP_TEST_FILES")) fs::remove_all(dir, ec);
  }
};

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

class HtmlInChromiumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kChromium, X_OK) != 0)
      GTEST_SKIP() << kChromium << " is not installed: scripts/test installs it (apt-get install chromium)";
  }
};

TEST_F(HtmlInChromiumTest, AnnualReportRendersEveryTableAndFourCharts) {
  FakeMetrics m = SeedLikeMetrics();
  auto report = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  ASSERT_TRUE(report.ok()) << report.status();
  auto html = Render(*report, v1::HTML);
  ASSERT_TRUE(html.ok());
  const fs::path dir = TempDir("html");
  Cleanup cleanup{dir};
  const fs::path page = dir / "annual-report.html";
  std::ofstream(page) << html->content();

  int status = -1;
  const std::string dom = RunShell(Chromium(dir / "profile-dom") + " --dump-dom file://" + page.string(), &status);
  ASSERT_EQ(status, 0) << "chromium --dump-dom failed";
  // Every seed table, each figure's data table, the facts tables, and four charts.
  for (const char* id : {"table1", "table2", "table4", "figure1-data", "figure2-data", "figure3-data", "figure4-data"})
    EXPECT_NE(dom.find(std::string("<table id=\"") + id), std::string::npos) << id;
  EXPECT_GE(Count(dom, "<table class=\"facts\""), 6u);
  EXPECT_EQ(Count(dom, "<svg"), 4u);
  EXPECT_GE(Count(dom, "<rect class=\"bar\""), 20u);   // the LA's bars
  EXPECT_NE(dom.find("11,393"), std::string::npos);

  const fs::path png = dir / "annual-report.png";
  RunShell(Chromium(dir / "profile-shot") + " --window-size=1280,3000 --screenshot=" + png.string() + " file://" +
          page.string(),
      &status);
  ASSERT_TRUE(fs::exists(png)) << "no screenshot written";
  std::ifstream in(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  // A blank (single-colour) 1280x3000 page compresses to a few kilobytes; text, tables
  // and charts take well over 100.
  EXPECT_GT(bytes.size(), 100u * 1024) << png;
  std::printf("screenshot: %s (%zu bytes; CARESTAT_KEEP_TEST_FILES=1 keeps it)\n", png.c_str(), bytes.size());
}

TEST_F(HtmlInChromiumTest, SelfAssessmentRendersEverySection) {
  FakeMetrics m = SeedLikeMetrics();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 1476748800000);
  ASSERT_TRUE(sa.ok()) << sa.status();
  auto html = Render(*sa, v1::HTML, /*publish=*/true);
  ASSERT_TRUE(html.ok());
  const fs::path dir = TempDir("sa-html");
  Cleanup cleanup{dir};
  const fs::path page = dir / "self-assessment.html";
  std::ofstream(page) << html->content();
  int status = -1;
  const std::string dom = RunShell(Chromium(dir / "profile") + " --dump-dom file://" + page.string(), &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(Count(dom, "<table class=\"assessment\""), static_cast<size_t>(sa->sections_size()));
  for (const auto& a : sa->areas()) EXPECT_NE(dom.find("id=\"" + a.id() + "\""), std::string::npos) << a.id();
  EXPECT_NE(dom.find("id=\"data-quality\""), std::string::npos);
}

}  // namespace
}  // namespace carestat
