// Rendering: rounding, Markdown and HTML as the seed prints them, JSON and CSV read
// back to the same numbers, XLSX opens as a zip with one sheet per table.
#include <gtest/gtest.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <unzip.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "services/common/csv.h"
#include "services/reporting/render/render.h"
#include "services/reporting/reports/series.h"
#include "services/reporting/render/tabulate.h"
#include "services/reporting/reports/annual.h"
#include "services/reporting/reports/self_assessment.h"
#include "tests/unit/reporting/fake_metrics.h"

namespace carestat {
namespace {

v1::AnnualReport SeedReport() {
  FakeMetrics m = SeedLikeMetrics();
  auto r = BuildAnnualReport("301", "2015-16", m, 1476748800000);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

v1::SelfAssessment SeedAssessment() {
  FakeMetrics m = SeedLikeMetrics();
  auto r = BuildSelfAssessment("301", "2015-16", m, nullptr, 1476748800000);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

v1::Cell Value(double v) {
  v1::Cell c;
  c.set_has_value(true);
  c.set_value(v);
  return c;
}

TEST(FormatTest, RoundsOnlyForPeople) {
  EXPECT_EQ(FormatValue(Value(11393), "count"), "11,393");
  EXPECT_EQ(FormatValue(Value(551.4), "rate_per_10k"), "551");
  EXPECT_EQ(FormatValue(Value(42.84), "rate_per_10k_1dp"), "42.8");
  EXPECT_EQ(FormatValue(Value(43), "rate_per_10k_1dp"), "43.0");
  EXPECT_EQ(FormatValue(Value(49.04), "percent"), "49%");
  EXPECT_EQ(FormatValue(Value(24.545), "percent_1dp"), "24.5%");
  EXPECT_EQ(FormatValue(Value(721.4), "days"), "721");
  EXPECT_EQ(FormatValue(Value(5670000), "gbp"), "£5,670,000");
  EXPECT_EQ(FormatChange(Value(33.8)), "+34%");
  EXPECT_EQ(FormatChange(Value(-19.7)), "-20%");
  EXPECT_EQ(FormatChange(Value(0.2)), "0%");
  EXPECT_EQ(FormatDifference(Value(3.1), "percent"), "+3 percentage points");
  EXPECT_EQ(FormatDifference(Value(-50), "count"), "-50");
  EXPECT_EQ(FormatValue(v1::Cell(), "count"), "not available");
  EXPECT_EQ(FormatChange(v1::Cell()), "not available");
  v1::Cell hidden;
  hidden.set_suppressed(true);
  EXPECT_EQ(FormatValue(hidden, "count"), "c");
  EXPECT_EQ(FormatChange(hidden), "c");
}

TEST(RenderTest, MarkdownShowsTheSeedTables) {
  auto md = Render(SeedReport(), v1::MARKDOWN);
  ASSERT_TRUE(md.ok());
  const std::string& s = md->content();
  EXPECT_NE(s.find("| Number of referrals | 2,704 | 1,812 | 2,586 | 3,126 | 4,084 | 3,255 | -20% | +20% |"),
            std::string::npos)
      << s;
  // Table 2 with its comparator columns; Table 4 to one decimal, without change columns.
  // (The comparator columns are rates: the count's row says they do not apply.)
  EXPECT_NE(s.find("| 2,326 | 2,064 | -11% | +34% | not applicable | not applicable | not applicable |"),
            std::string::npos);
  EXPECT_NE(s.find("| 394 | 350 | -11% | +12% | 428 | 371 | 337 |"), std::string::npos) << s;
  EXPECT_NE(s.find("| % of children coming into care on Police protection | 42.0% | 42.7% | 24.4% | 24.5% |\n"),
            std::string::npos);
  // The CPP rate to one decimal in Figure 2's table.
  EXPECT_NE(s.find("| Barking and Dagenham | 48.5 | 48.4 | 54.7 | 57.8 | 59.7 | 42.8 |"), std::string::npos) << s;
  EXPECT_NE(s.find("Section 47 enquiries per 10,000 children: 201 in 2015-16, compared with 209 in 2014-15 (-8, -4%). "
                   "England 138, London 137, Statistical neighbours 186."),
            std::string::npos);
  EXPECT_NE(s.find("Internal: every figure shown"), std::string::npos);
  auto sa = Render(SeedAssessment(), v1::MARKDOWN);
  ASSERT_TRUE(sa.ok());
  EXPECT_NE(sa->content().find("\n#### Areas for focus\n"), std::string::npos);
  EXPECT_NE(sa->content().find("\n#### Data quality\n"), std::string::npos);
}

TEST(RenderTest, HtmlIsOneSelfContainedFile) {
  auto html = Render(SeedReport(), v1::HTML);
  ASSERT_TRUE(html.ok());
  const std::string& h = html->content();
  for (const char* id : {"table1", "table2", "table4"}) EXPECT_NE(h.find(std::string("<table id=\"") + id), std::string::npos);
  size_t svgs = 0;
  for (size_t at = h.find("<svg"); at != std::string::npos; at = h.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 5u);   // Figures 1 to 4 and the projection, Figure 5
  for (int i = 1; i <= 5; ++i) EXPECT_NE(h.find("id=\"figure" + std::to_string(i) + "-data\""), std::string::npos);
  EXPECT_NE(h.find(">11,393<"), std::string::npos);
  EXPECT_NE(h.find("<table>"), std::string::npos);   // the cover's table, plain (the integration test looks for it)
  EXPECT_NE(h.find("@page{size:A4"), std::string::npos);
  EXPECT_NE(h.find("@media print"), std::string::npos);
  EXPECT_EQ(h.find("http"), std::string::npos);   // nothing fetched: no URL at all
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
  EXPECT_NE(h.find("not available"), std::string::npos);
  EXPECT_NE(h.find("rag-red"), std::string::npos);
  auto sa = Render(SeedAssessment(), v1::HTML);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->content().find("http"), std::string::npos);
  EXPECT_NE(sa->content().find("id=\"data-quality\""), std::string::npos);
}

TEST(RenderTest, JsonReadsBackToTheSameReport) {
  v1::AnnualReport r = SeedReport();
  auto json = Render(r, v1::JSON);
  ASSERT_TRUE(json.ok());
  v1::AnnualReport back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->content(), &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(r, back));
  v1::SelfAssessment sa = SeedAssessment();
  auto sa_json = Render(sa, v1::JSON);
  v1::SelfAssessment sa_back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(sa_json->content(), &sa_back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(sa, sa_back));
}

// The project's one CSV reader; a blank line would be skipped, and none of our tables has one.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  for (std::vector<std::string> row; reader.Next(&row);) rows.push_back(row);
  EXPECT_EQ(reader.error(), "");
  return rows;
}

TEST(RenderTest, CsvIsAFilePerTableThatReadsBackToTheSameNumbers) {
  v1::AnnualReport r = SeedReport();
  auto csv = Render(r, v1::CSV);
  ASSERT_TRUE(csv.ok());
  std::vector<std::string> names;
  for (const auto& f : csv->files()) names.push_back(f.name());
  EXPECT_EQ(names, (std::vector<std::string>{"table1.csv", "table2.csv", "table4.csv", "table5.csv", "table6.csv",
                                             "figure1.csv", "figure2.csv", "figure3.csv", "figure4.csv", "figure5.csv",
                                             "facts.csv", "returns.csv", "year_on_year.csv", "differences.csv"}));
  // Tables: every value cell reads back as exactly the report's value.
  int compared = 0;
  for (int t = 0; t < r.tables_size(); ++t) {
    const v1::Table& table = r.tables(t);
    auto rows = ParseCsv(csv->files(t).content());
    ASSERT_EQ(rows.size(), static_cast<size_t>(table.rows_size() + 1));
    for (int i = 0; i < table.rows_size(); ++i) {
      const auto& row = rows[i + 1];
      ASSERT_EQ(row.size(), rows[0].size());
      EXPECT_EQ(row[0], IndicatorKey(table.rows(i).indicator(), table.rows(i).breakdown()));
      for (int p = 0; p < table.periods_size(); ++p) {
        EXPECT_EQ(rows[0][3 + p], table.periods(p));
        const v1::Cell& c = table.rows(i).values(p);
        if (!c.has_value()) {
          EXPECT_EQ(row[3 + p], "");
        } else {
          EXPECT_EQ(std::strtod(row[3 + p].c_str(), nullptr), c.value()) << row[0] << " " << table.periods(p);
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 30);
  // Facts: the value column.
  auto facts = ParseCsv(csv->files(10).content());
  ASSERT_EQ(facts.size(), static_cast<size_t>(r.facts_size() + 1));
  EXPECT_EQ(facts[0][6], "value");
  for (int i = 0; i < r.facts_size(); ++i) {
    if (r.facts(i).value().has_value())
      EXPECT_EQ(std::strtod(facts[i + 1][6].c_str(), nullptr), r.facts(i).value().value()) << facts[i + 1][1];
    else
      EXPECT_EQ(facts[i + 1][6], "");
  }
  // The long file holds every number of every table once.
  EXPECT_EQ(csv->content().substr(0, 23), "table,row,column,value\n");
  EXPECT_NE(csv->content().find("table1,contacts,2015-16,11393\n"), std::string::npos);
  // Self-assessment: the summary's counts, a file per section (evidence table), the
  // three findings lists, the council's narrative slots, data quality and the
  // reconciliation with DfE's published figures.
  auto sa = Render(SeedAssessment(), v1::CSV);
  ASSERT_TRUE(sa.ok());
  std::vector<std::string> sa_names;
  for (const auto& f : sa->files()) sa_names.push_back(f.name());
  EXPECT_EQ(sa_names, (std::vector<std::string>{"summary.csv", "front_door.csv", "cin_cp.csv", "looked_after.csv",
                                                "care_leavers.csv", "adoption.csv", "workforce.csv", "finance.csv",
                                                "strengths.csv", "areas_for_focus.csv", "to_watch.csv",
                                                "narrative.csv", "returns.csv", "data_quality.csv", "reconciliation.csv"}));
}

// Unzips `bytes` through a temporary file: name -> content.
std::map<std::string, std::string> Unzip(const std::string& bytes) {
  std::map<std::string, std::string> out;
  auto path = std::filesystem::temp_directory_path() /
              ("carestat-render-test-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  unzFile zip = unzOpen(path.string().c_str());
  EXPECT_NE(zip, nullptr) << "the workbook is not a zip";
  if (!zip) return out;
  for (int rc = unzGoToFirstFile(zip); rc == UNZ_OK; rc = unzGoToNextFile(zip)) {
    char name[512];
    unz_file_info info;
    unzGetCurrentFileInfo(zip, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    std::string content(info.uncompressed_size, '\0');
    unzOpenCurrentFile(zip);
    unzReadCurrentFile(zip, content.data(), static_cast<unsigned>(content.size()));
    unzCloseCurrentFile(zip);
    out[name] = content;
  }
  unzClose(zip);
  std::filesystem::remove(path);
  return out;
}

TEST(RenderTest, XlsxIsAZipWithASheetPerTableAndNumbersAsNumbers) {
  v1::AnnualReport r = SeedReport();
  auto xlsx = Render(r, v1::XLSX);
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->file_extension(), "xlsx");
  EXPECT_EQ(xlsx->content().substr(0, 2), "PK");
  auto parts = Unzip(xlsx->content());
  const auto tables = Tabulate(r);
  int sheets = 0;
  for (const auto& [name, content] : parts) sheets += name.rfind("xl/worksheets/sheet", 0) == 0;
  EXPECT_EQ(sheets, static_cast<int>(tables.size()));
  const std::string& workbook = parts["xl/workbook.xml"];
  for (const auto& t : tables) EXPECT_NE(workbook.find("name=\"" + t.sheet + "\""), std::string::npos) << t.sheet;
  // Sheet 1 is Table 1: contacts 2015-16 (column I, row 5) is the number 11393, not text.
  const std::string& sheet1 = parts["xl/worksheets/sheet1.xml"];
  EXPECT_TRUE(std::regex_search(sheet1, std::regex("<c r=\"I5\"( s=\"[0-9]+\")?><v>11393</v></c>"))) << sheet1;
  // The referral rate, unrounded.
  std::smatch rate;
  ASSERT_TRUE(std::regex_search(sheet1, rate, std::regex("<c r=\"I7\"( s=\"[0-9]+\")?><v>([0-9.]+)</v></c>")));
  EXPECT_NEAR(std::stod(rate[2]), 3255.0 / 59050 * 10000, 1e-9);

  auto sa = Render(SeedAssessment(), v1::XLSX);
  ASSERT_TRUE(sa.ok()) << sa.status();
  auto sa_parts = Unzip(sa->content());
  int sa_sheets = 0;
  for (const auto& [name, content] : sa_parts) sa_sheets += name.rfind("xl/worksheets/sheet", 0) == 0;
  EXPECT_EQ(sa_sheets, 15);
  EXPECT_NE(sa_parts["xl/workbook.xml"].find("name=\"Returns\""), std::string::npos);
  EXPECT_NE(sa_parts["xl/workbook.xml"].find("name=\"CIN and child protection\""), std::string::npos);
  EXPECT_NE(sa_parts["xl/workbook.xml"].find("name=\"Summary\""), std::string::npos);
  EXPECT_NE(sa_parts["xl/workbook.xml"].find("name=\"Narrative\""), std::string::npos);
  EXPECT_NE(sa_parts["xl/workbook.xml"].find("name=\"Reconciliation\""), std::string::npos);
}

TEST(RenderTest, RequestsWithoutAReportOrFormatAreRefused) {
  v1::RenderRequest req;
  req.set_format(v1::HTML);
  EXPECT_EQ(Render(req).status().code(), absl::StatusCode::kInvalidArgument);
  *req.mutable_report() = SeedReport();
  req.set_format(v1::FORMAT_UNSPECIFIED);
  EXPECT_EQ(Render(req).status().code(), absl::StatusCode::kInvalidArgument);
  req.set_format(v1::MARKDOWN);
  EXPECT_TRUE(Render(req).ok());
}

}  // namespace
}  // namespace carestat
