// The HTML reports in a real browser: headless Chromium loads the file, its DOM holds
// every table and the four SVG charts, a screenshot is not blank, and no chart's text
// covers another text or a comparator's marker as the browser lays them out (issue 16).
// PDF (pdf.h): both reports print to a PDF whose text holds every table cell as the HTML
// formats it; a missing, failing or hanging browser gives an error saying so, and a hung
// one is killed with everything it started. The browser tests are skipped when
// /usr/bin/chromium is not installed, the text checks when pdftotext is not (scripts/test
// installs both); the error paths use stand-in scripts and always run.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/reporting/render/chart.h"
#include "services/reporting/render/pdf.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/narrative.h"
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

// A script added to the end of a copy of a page: for every svg.chart it measures, as
// laid out, each <text> against every other <text> and every marker (a comparator's
// points in g.series after its line, and the legend's swatches), and writes what it
// found into <pre id="overlap-report">, which --dump-dom then prints. The first line
// counts what was measured, so a page with nothing to measure cannot pass unnoticed.
constexpr char kOverlapScript[] = R"js(<script>
(function () {
  const found = [];
  let texts = 0, marks = 0;
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
                        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const where = r => `(${r.left.toFixed(1)},${r.top.toFixed(1)} ${r.width.toFixed(1)}x${r.height.toFixed(1)})`;
  document.querySelectorAll('svg.chart').forEach((svg, c) => {
    const name = (svg.querySelector('title') || {}).textContent || `chart ${c + 1}`;
    const t = [...svg.querySelectorAll('text')].map(e => [e, e.getBoundingClientRect()]);
    const m = [...svg.querySelectorAll('g.series > :not(:first-child), g.legend circle, g.legend rect, g.legend path')]
                  .map(e => [e, e.getBoundingClientRect()]);
    texts += t.length;
    marks += m.length;
    for (let i = 0; i < t.length; ++i) {
      for (let j = i + 1; j < t.length; ++j) {
        if (hit(t[i][1], t[j][1]))
          found.push(`${name}: text "${t[i][0].textContent}" ${where(t[i][1])} overlaps text "${t[j][0].textContent}" ${where(t[j][1])}`);
      }
      for (const [e, r] of m) {
        if (hit(t[i][1], r))
          found.push(`${name}: text "${t[i][0].textContent}" ${where(t[i][1])} overlaps a ${e.tagName} marker ${where(r)}`);
      }
    }
  });
  const pre = document.createElement('pre');
  pre.id = 'overlap-report';
  pre.textContent = `charts=${document.querySelectorAll('svg.chart').length} texts=${texts} markers=${marks}\n` +
                    found.join('\n') + '\nEND';
  document.body.appendChild(pre);
})();
</script>)js";

struct OverlapReport {
  int charts = -1, texts = -1, markers = -1;
  std::vector<std::string> overlaps;
  std::string all;   // every overlap, one a line, for a failure message
};

// Loads `html` with kOverlapScript appended in headless Chromium and reads its report.
OverlapReport MeasureCharts(const std::string& html, const fs::path& dir, const std::string& name) {
  OverlapReport r;
  const fs::path page = dir / (name + ".html");
  std::string with_script = html;
  const size_t end = with_script.rfind("</body>");
  with_script.insert(end == std::string::npos ? with_script.size() : end, kOverlapScript);
  std::ofstream(page) << with_script;
  int status = -1;
  const std::string dom =
      RunShell(Chromium(dir / ("profile-" + name)) + " --window-size=1024,3000 --dump-dom file://" + page.string(), &status);
  const size_t at = dom.find("<pre id=\"overlap-report\">");
  if (status != 0 || at == std::string::npos) return r;
  std::istringstream in(dom.substr(at + std::strlen("<pre id=\"overlap-report\">")));
  std::string line;
  std::getline(in, line);
  if (std::sscanf(line.c_str(), "charts=%d texts=%d markers=%d", &r.charts, &r.texts, &r.markers) != 3) return r;
  while (std::getline(in, line) && line.rfind("END", 0) != 0) {
    if (line.empty()) continue;
    r.overlaps.push_back(line);
    r.all += line + "\n";
  }
  return r;
}

class HtmlInChromiumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kChromium, X_OK) != 0)
      GTEST_SKIP() << kChromium << " is not installed: scripts/test installs it (apt-get install chromium)";
  }
};

// The council's narrative as `carestat narrative` drafts it, with the analyst's edits to
// its front matter and summary: the text around every table and figure.
absl::Status WithDraftNarrative(v1::AnnualReport* report) {
  std::string text = DraftNarrative(*report);
  text = absl::StrReplaceAll(text, {{"meeting: TODO Meeting", "meeting: Cabinet"}});
  auto file = ParseNarrative(text, "N.md");
  if (!file.ok()) return file.status();
  return ApplyNarrative(*file, report);
}

TEST_F(HtmlInChromiumTest, AnnualReportRendersEveryTableAndFourCharts) {
  FakeMetrics m = SeedLikeMetrics();
  auto report = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(WithDraftNarrative(&*report).ok());
  ASSERT_GE(report->narrative().sections_size(), 7) << "a paragraph beside each table and figure";
  auto html = Render(*report, v1::HTML);
  ASSERT_TRUE(html.ok());
  const fs::path dir = TempDir("html");
  Cleanup cleanup{dir};
  const fs::path page = dir / "annual-report.html";
  std::ofstream(page) << html->content();

  int status = -1;
  const std::string dom = RunShell(Chromium(dir / "profile-dom") + " --dump-dom file://" + page.string(), &status);
  ASSERT_EQ(status, 0) << "chromium --dump-dom failed";
  // Every seed table, each figure's data table, the facts tables, and five charts (the
  // fifth the looked-after projection, with its band).
  for (const char* id : {"table1", "table2", "table4", "table5", "table6", "figure1-data", "figure2-data", "figure3-data",
                         "figure4-data", "figure5-data"})
    EXPECT_NE(dom.find(std::string("<table id=\"") + id), std::string::npos) << id;
  EXPECT_GE(Count(dom, "<table class=\"facts\""), 6u);
  EXPECT_EQ(Count(dom, "<svg"), 5u);
  EXPECT_EQ(Count(dom, "<path class=\"band\""), 1u);
  EXPECT_GE(Count(dom, "<rect class=\"bar\""), 20u);   // the LA's bars
  EXPECT_NE(dom.find("11,393"), std::string::npos);
  // The narrative: the cover sheet and the generated sentence beside each table and figure.
  EXPECT_NE(dom.find("Cabinet"), std::string::npos);
  int beside = 0;
  for (const auto& section : report->narrative().sections()) {
    if (section.paragraphs_size() == 0) continue;   // a TODO left for the analyst
    beside += absl::StartsWith(section.anchor(), "table") || absl::StartsWith(section.anchor(), "figure");
    const std::string& words = section.paragraphs(0).text();
    EXPECT_NE(dom.find(words.substr(0, std::min<size_t>(words.size(), 40))), std::string::npos) << section.heading();
  }
  EXPECT_EQ(beside, 10) << "Tables 1, 2, 4, 5 and 6 and Figures 1 to 5 each with its text";

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

TEST_F(HtmlInChromiumTest, AnnualReportChartLabelsCoverNoTextOrMarker) {
  FakeMetrics m = SeedLikeMetrics();
  auto report = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(WithDraftNarrative(&*report).ok());   // the charts with the council's text around them
  const fs::path dir = TempDir("overlap-annual");
  Cleanup cleanup{dir};
  for (bool publish : {false, true}) {
    auto html = Render(*report, v1::HTML, publish);
    ASSERT_TRUE(html.ok());
    const OverlapReport r = MeasureCharts(html->content(), dir, publish ? "published" : "internal");
    ASSERT_EQ(r.charts, 5) << "the page did not load or its report was not found";
    // Figures 2 and 4 draw all three comparators: six points each, plus the legends.
    EXPECT_GE(r.markers, 24);
    EXPECT_GE(r.texts, 4 * 6 * 2);   // at least a value and a period label per year
    EXPECT_TRUE(r.overlaps.empty()) << r.overlaps.size() << " overlaps (publish=" << publish << "):\n" << r.all;
  }
}

TEST_F(HtmlInChromiumTest, SelfAssessmentChartLabelsCoverNoTextOrMarker) {
  FakeMetrics m = SeedLikeMetrics();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 1476748800000);
  ASSERT_TRUE(sa.ok()) << sa.status();
  auto html = Render(*sa, v1::HTML, /*publish=*/true);
  ASSERT_TRUE(html.ok());
  const fs::path dir = TempDir("overlap-sa");
  Cleanup cleanup{dir};
  const OverlapReport r = MeasureCharts(html->content(), dir, "self-assessment");
  ASSERT_GE(r.charts, 0) << "the page did not load or its report was not found";
  // The self-assessment has no charts today; any it gains are held to the same rule.
  EXPECT_EQ(r.charts, static_cast<int>(Count(html->content(), "<svg class=\"chart\"")));
  EXPECT_TRUE(r.overlaps.empty()) << r.all;
}

// Charts built to crowd their labels: comparators on or just above the LA's bars in
// every year, all three bunched together, a missing LA year with comparators near zero,
// six-figure values, many years, and long legend labels. None may overlap.
v1::Figure CrowdedFigure(const std::string& unit, const std::vector<double>& own,
                         const std::vector<std::vector<double>>& comparators, int missing = -1,
                         const std::string& label = "Barking and Dagenham") {
  v1::Figure f;
  f.set_number("9");
  f.set_title("A crowded chart");
  f.set_unit(unit);
  f.set_y_label("Per 10,000 children aged 0-17");
  for (size_t i = 0; i < own.size(); ++i) f.add_periods(std::to_string(2005 + i) + "-" + std::to_string(6 + i));
  auto add = [&](const std::string& name, const std::vector<double>& values, int gap) {
    v1::FigureSeries* s = f.add_series();
    s->set_label(name);
    for (size_t i = 0; i < values.size(); ++i) {
      v1::Cell* c = s->add_values();
      if (static_cast<int>(i) == gap) continue;
      c->set_has_value(true);
      c->set_value(values[i]);
    }
  };
  add(label, own, missing);
  const char* names[] = {"Statistical neighbours", "London", "England"};
  for (size_t k = 0; k < comparators.size(); ++k) add(names[k], comparators[k], -1);
  return f;
}

TEST_F(HtmlInChromiumTest, CrowdedChartsKeepTheirLabelsClear) {
  std::vector<v1::Figure> figures;
  // A comparator exactly where the value label would go, in every year.
  figures.push_back(CrowdedFigure("rate_per_10k_1dp", {48.5, 48.4, 54.7, 57.8, 59.7, 42.8},
                                  {{51.5, 51.4, 57.7, 60.8, 62.7, 45.8}, {49, 49, 55, 58, 60, 43},
                                   {50.2, 50.1, 56.4, 59.5, 61.4, 44.5}}));
  // All three comparators bunched at the bar tops and just below them.
  figures.push_back(CrowdedFigure("percent", {30, 31, 29, 30, 30, 31},
                                  {{30, 31, 29, 30, 30, 31}, {29, 30, 28, 29, 29, 30}, {31, 32, 30, 31, 31, 32}}));
  // A year without the LA's figure while every comparator is near zero there.
  figures.push_back(CrowdedFigure("count", {12, 14, 15, 13, 12, 11},
                                  {{11, 12, 0.5, 12, 11, 10}, {10, 13, 0.8, 11, 12, 10}, {12, 11, 0.2, 13, 11, 12}}, 2));
  // Six-figure counts (the widest tick labels and values), twelve years.
  figures.push_back(CrowdedFigure("count", std::vector<double>(12, 398000), {std::vector<double>(12, 404000),
                                  std::vector<double>(12, 399500), std::vector<double>(12, 401000)}));
  // Long series labels: the legend must not run its columns together.
  figures.push_back(CrowdedFigure("days", {400, 420, 380, 390, 410, 405}, {{410, 430, 390, 400, 420, 415}}, -1,
                                  "A local authority with a particularly long name for a council in England"));
  std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{width:960px;"
                     "font-family:Arial,Helvetica,sans-serif}</style></head><body>\n";
  for (size_t i = 0; i < figures.size(); ++i) html += SvgChart(figures[i], "crowded" + std::to_string(i));
  html += "</body></html>\n";
  const fs::path dir = TempDir("overlap-crowded");
  Cleanup cleanup{dir};
  const OverlapReport r = MeasureCharts(html, dir, "crowded");
  ASSERT_EQ(r.charts, static_cast<int>(figures.size())) << "the page did not load or its report was not found";
  EXPECT_GE(r.markers, 6 * 3 * 3 + 12 * 3);
  EXPECT_TRUE(r.overlaps.empty()) << r.overlaps.size() << " overlaps:\n" << r.all;
}

// Figures no report has yet: still one value label a period, however crowded or odd.
TEST(ChartLayoutTest, OddFiguresStillLabelEveryPeriod) {
  std::vector<v1::Figure> figures;
  figures.push_back(CrowdedFigure("count", std::vector<double>(200, 50), {std::vector<double>(200, 51),
                                  std::vector<double>(200, 49), std::vector<double>(200, 52)}));
  figures.push_back(CrowdedFigure("count", {0, 0, 0}, {{0, 0, 0}, {0, 0, 0}}));
  figures.push_back(CrowdedFigure("gbp", {1e12, 2e12, 3e12}, {{1.1e12, 2.1e12, 3.1e12}}));
  figures.push_back(CrowdedFigure("percent", {-5, 10, 20}, {{-4, 11, 21}}));
  v1::Figure missing = CrowdedFigure("count", {1, 2, 3}, {{1, 2, 3}});
  for (auto& c : *missing.mutable_series(0)->mutable_values()) c.Clear();
  figures.push_back(missing);
  for (const v1::Figure& f : figures) {
    SCOPED_TRACE(f.periods_size());
    const std::string svg = SvgChart(f, "odd");
    ASSERT_FALSE(svg.empty());
    EXPECT_EQ(Count(svg, "<text class=\"value\""), static_cast<size_t>(f.periods_size()));
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    EXPECT_EQ(svg.find("inf"), std::string::npos);
  }
}

// ---- PDF ----

// The text of every <td> and <th> in a page's tables, as the HTML formats it (tags
// dropped, the few entities the renderer writes decoded).
std::vector<std::string> TableCellTexts(const std::string& html) {
  std::vector<std::string> out;
  static const std::regex cell("<t([dh])[^>]*>([\\s\\S]*?)</t\\1>");
  static const std::regex tag("<[^>]*>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), cell); it != std::sregex_iterator(); ++it) {
    std::string text = std::regex_replace((*it)[2].str(), tag, " ");
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&middot;", "\u00b7"},
             {"&#9650;", "\u25b2"}, {"&#9660;", "\u25bc"}, {"&#9644;", "\u25ac"}, {"&nbsp;", " "}}) {
      for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    }
    out.push_back(text);
  }
  return out;
}

// Prints `html`, checks the PDF's header and page numbers, and that every word of every
// table cell is a word of the PDF's text (cells wrap, so whole cells cannot be matched
// line by line; figures are single words: "11,393", "42.8", "-20%", "£5,670,000").
void ExpectPdfHoldsEveryTableCell(const std::string& html, const fs::path& dir, const std::string& name) {
  auto pdf = HtmlToPdf(html);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  ASSERT_EQ(pdf->substr(0, 5), "%PDF-");
  const fs::path file = dir / (name + ".pdf");
  std::ofstream(file, std::ios::binary) << *pdf;
  if (::access("/usr/bin/pdftotext", X_OK) != 0) {
    GTEST_SKIP() << "the PDF's text is not checked: pdftotext is not installed (scripts/test installs poppler-utils)";
  }
  int status = -1;
  const std::string text = RunShell("pdftotext -enc UTF-8 " + file.string() + " -", &status);
  ASSERT_EQ(status, 0) << "pdftotext failed on " << file;
  std::set<std::string> words;
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" \n\t\f\r"), absl::SkipEmpty())) words.emplace(w);
  // Page numbers from the print stylesheet, and more than one page.
  EXPECT_NE(text.find("Page 1 of "), std::string::npos);
  EXPECT_NE(text.find("Page 2 of "), std::string::npos);
  size_t cells = 0, missing = 0;
  for (const std::string& cell : TableCellTexts(html)) {
    for (absl::string_view w : absl::StrSplit(cell, absl::ByAnyChar(" \n\t"), absl::SkipEmpty())) {
      ++cells;
      if (!words.count(std::string(w)) && ++missing <= 20) ADD_FAILURE() << name << ": '" << w << "' of table cell '" << cell << "' is not in the PDF";
    }
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_GT(cells, 300u) << "too few table words found in the HTML to check";

  // Each chapter after the summary starts a page: its heading is the first line of one.
  std::set<std::string> page_tops;
  for (absl::string_view page : absl::StrSplit(text, '\f')) {
    for (absl::string_view line : absl::StrSplit(page, '\n', absl::SkipWhitespace())) {
      page_tops.emplace(absl::StripAsciiWhitespace(line));
      break;
    }
  }
  static const std::regex chapter("<section class=\"chapter(?: [^\"]*)?\" id=\"([^\"]+)\">\\s*<h2>([^<]+)</h2>");
  int chapters = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), chapter); it != std::sregex_iterator(); ++it) {
    if ((*it)[1] == "summary") continue;
    ++chapters;
    std::string heading = (*it)[2].str();
    for (size_t at = heading.find("&amp;"); at != std::string::npos; at = heading.find("&amp;", at + 1))
      heading.replace(at, 5, "&");
    EXPECT_TRUE(page_tops.count(heading)) << name << ": chapter '" << heading << "' does not start a page";
  }
  EXPECT_GE(chapters, 3) << "the page's chapters were not found";
}

TEST_F(HtmlInChromiumTest, AnnualReportPrintsToPdfWithEveryTableFigure) {
  FakeMetrics m = SeedLikeMetrics();
  auto report = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  ASSERT_TRUE(report.ok()) << report.status();
  const fs::path dir = TempDir("pdf-annual");
  Cleanup cleanup{dir};
  for (bool publish : {false, true}) {
    auto html = Render(*report, v1::HTML, publish);
    ASSERT_TRUE(html.ok());
    ASSERT_NE(html->content().find("11,393"), std::string::npos);   // a figure the PDF must carry
    ExpectPdfHoldsEveryTableCell(html->content(), dir, publish ? "annual-published" : "annual-internal");
  }
}

TEST_F(HtmlInChromiumTest, SelfAssessmentPrintsToPdfWithEveryTableFigure) {
  FakeMetrics m = SeedLikeMetrics();
  auto sa = BuildSelfAssessment("301", "2015-16", m, nullptr, 1476748800000);
  ASSERT_TRUE(sa.ok()) << sa.status();
  auto html = Render(*sa, v1::HTML, /*publish=*/true);
  ASSERT_TRUE(html.ok());
  const fs::path dir = TempDir("pdf-sa");
  Cleanup cleanup{dir};
  ExpectPdfHoldsEveryTableCell(html->content(), dir, "self-assessment");
}

// Stand-in browsers: shell scripts in a temporary directory.
fs::path Script(const fs::path& dir, const std::string& name, const std::string& body) {
  const fs::path p = dir / name;
  std::ofstream(p) << "#!/bin/sh\n" << body;
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

const char kPage[] = "<!DOCTYPE html><html><body><p>A page</p></body></html>";
const char kInstallHint[] = "PDF needs Chromium: apt-get install chromium; or use --format docx";

TEST(PdfTest, AMissingBrowserSaysWhatToInstall) {
  auto pdf = HtmlToPdf(kPage, {.chromium = "/nonexistent/carestat-test/chromium"});
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(pdf.status().message().find(kInstallHint), std::string::npos) << pdf.status();
  EXPECT_NE(pdf.status().message().find("/nonexistent/carestat-test/chromium"), std::string::npos) << pdf.status();

  // Nothing configured and no browser on PATH.
  const fs::path empty = TempDir("pdf-empty-path");
  Cleanup cleanup{empty};
  const char* old_path = std::getenv("PATH");
  const char* old_browser = std::getenv("CARESTAT_CHROMIUM");
  const std::string saved_path = old_path ? old_path : "", saved_browser = old_browser ? old_browser : "";
  ::setenv("PATH", empty.c_str(), 1);
  ::unsetenv("CARESTAT_CHROMIUM");
  auto found = FindChromium();
  auto printed = HtmlToPdf(kPage);
  ::setenv("PATH", saved_path.c_str(), 1);
  if (old_browser) ::setenv("CARESTAT_CHROMIUM", saved_browser.c_str(), 1);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(found.status().message().find(kInstallHint), std::string::npos) << found.status();
  EXPECT_NE(found.status().message().find("on PATH"), std::string::npos) << found.status();
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PdfTest, TheReportingServiceDoesNotPrint) {
  FakeMetrics m = SeedLikeMetrics();
  auto report = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  ASSERT_TRUE(report.ok()) << report.status();
  auto pdf = Render(*report, v1::PDF);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(pdf.status().message().find("HtmlToPdf"), std::string::npos) << pdf.status();
}

TEST(PdfTest, CarestatChromiumNamesTheBrowser) {
  const fs::path dir = TempDir("pdf-env");
  Cleanup cleanup{dir};
  const fs::path fake = Script(dir, "my-browser", "exit 0\n");
  ::setenv("CARESTAT_CHROMIUM", fake.c_str(), 1);
  auto found = FindChromium();
  ::unsetenv("CARESTAT_CHROMIUM");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, fake.string());
}

TEST(PdfTest, ABrowserThatFailsIsReportedWithWhatItPrinted) {
  const fs::path dir = TempDir("pdf-fail");
  Cleanup cleanup{dir};
  const fs::path failing = Script(dir, "failing", "echo 'cannot open the page: out of memory' >&2\nexit 3\n");
  auto pdf = HtmlToPdf(kPage, {.chromium = failing.string()});
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(pdf.status().message().find("exited with status 3"), std::string::npos) << pdf.status();
  EXPECT_NE(pdf.status().message().find("cannot open the page: out of memory"), std::string::npos) << pdf.status();

  // Exits 0 but writes no PDF (or not a PDF): refused, not an empty file passed on.
  const fs::path silent = Script(dir, "silent", "for a in \"$@\"; do case \"$a\" in --print-to-pdf=*) "
                                                "echo 'not a pdf' > \"${a#--print-to-pdf=}\";; esac; done\nexit 0\n");
  auto none = HtmlToPdf(kPage, {.chromium = silent.string()});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(none.status().message().find("without writing a PDF"), std::string::npos) << none.status();
}

TEST(PdfTest, AHungBrowserIsKilledWithEverythingItStartedAfterTheTimeout) {
  const fs::path dir = TempDir("pdf-hang");
  Cleanup cleanup{dir};
  const fs::path child_pid = dir / "child.pid";
  // Starts a helper (as Chromium starts its renderers), says so, and never finishes.
  const fs::path hung = Script(dir, "hung", "sleep 300 &\necho $! > " + child_pid.string() +
                                                "\necho 'waiting for the renderer' >&2\nwait\n");
  const absl::Time start = absl::Now();
  auto pdf = HtmlToPdf(kPage, {.chromium = hung.string(), .timeout = absl::Seconds(1)});
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(pdf.status().message().find("within 1s"), std::string::npos) << pdf.status();
  EXPECT_NE(pdf.status().message().find("killed"), std::string::npos) << pdf.status();
  EXPECT_NE(pdf.status().message().find("waiting for the renderer"), std::string::npos) << pdf.status();
  EXPECT_LT(took, absl::Seconds(30));
  // The helper went with it. (Its pid was written before the timeout; a pid reused
  // since by an unrelated process would make this fail, never pass wrongly.)
  std::ifstream in(child_pid);
  pid_t pid = 0;
  ASSERT_TRUE(in >> pid) << "the stand-in browser did not start its helper";
  // The killed helper is reparented and reaped by init (or a subreaper): give it a moment.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    gone = !stat.good() && line.empty();
    if (!gone && line.find(") Z ") != std::string::npos) gone = true;   // killed, waiting to be reaped
    if (!gone) ::usleep(50 * 1000);
  }
  EXPECT_TRUE(gone) << "the hung browser's helper (pid " << pid << ") is still running";
}

}  // namespace
}  // namespace carestat
