// carestat validate: every issue reported (none dropped past 100,000), exact counts by
// rule, --rules, --year, and the CSV and XLSX forms analysts hand on. Synthetic SSDA903
// header tables only: no real child.
#include "pipeline/validate.h"

#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <unzip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "services/common/csv.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const char kHeader[] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";

std::string Write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Ran {
  int exit_code;
  std::string out, err;
};

Ran RunIt(const ValidateOptions& o) {
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  Ran r;
  r.exit_code = RunValidate(o, out, err);
  for (auto [f, s] : {std::pair{out, &r.out}, std::pair{err, &r.err}}) {
    std::fflush(f);
    std::rewind(f);
    char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s->append(buf, n);
    std::fclose(f);
  }
  return r;
}

Struct ParseJson(const std::string& json) {
  Struct s;
  auto status = google::protobuf::util::JsonStringToMessage(json, &s);
  EXPECT_TRUE(status.ok()) << status << json.substr(0, 2000);
  return s;
}

// rule -> count from a "rules" list.
std::map<std::string, int64_t> RuleCounts(const Value& rules) {
  std::map<std::string, int64_t> out;
  for (const auto& r : rules.list_value().values()) {
    const auto& f = r.struct_value().fields();
    out[f.at("rule").string_value()] += static_cast<int64_t>(f.at("count").number_value());
  }
  return out;
}

// Three children: one breaks 101 (sex 9), one 103 (ethnicity XXXX) and has a comma and a
// quote in its identifier, one is clean.
std::string SmallFile(const std::string& dir) {
  return Write(dir + "/header.csv", std::string(kHeader) +
                                        "C1,9,01/02/2010,WBRI,,,\n"
                                        "\"C,\"\"2\",1,01/02/2010,XXXX,,,\n"
                                        "C3,1,01/02/2010,WBRI,,,\n");
}

ValidateOptions Options(const std::string& file) {
  ValidateOptions o;
  o.files = {file};
  o.la = "301";
  o.year = 2016;
  return o;
}

TEST(ValidateStreaming, MoreThanAHundredThousandIssuesAreAllListedAndCountedExactly) {
  const std::string dir = MakeTempDir("validate-many");
  // 100,050 children with sex 9 (rule 101 in 2015-16), one clean one at the end.
  constexpr int kBad = 100050;
  std::string content = kHeader;
  content.reserve(kBad * 30);
  for (int i = 0; i < kBad; ++i) content += "C" + std::to_string(i) + ",9,01/02/2010,WBRI,,,\n";
  content += "CLEAN,1,01/02/2010,WBRI,,,\n";
  ValidateOptions o = Options(Write(dir + "/header.csv", content));
  o.output = ValidateOutput::kJson;
  auto r = RunIt(o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Struct json = ParseJson(r.out);
  const auto& file = json.fields().at("files").list_value().values(0).struct_value().fields();
  EXPECT_EQ(file.at("issues").list_value().values_size(), kBad) << "every issue is listed, none dropped";
  EXPECT_EQ(file.at("issue_count").number_value(), kBad);
  EXPECT_EQ(file.at("errors").number_value(), kBad);
  EXPECT_EQ(RuleCounts(file.at("rules")), (std::map<std::string, int64_t>{{"101", kBad}}));
  const auto& summary = json.fields().at("summary").struct_value().fields();
  EXPECT_EQ(summary.at("issue_total").number_value(), kBad);
  EXPECT_EQ(summary.at("error_total").number_value(), kBad);
  EXPECT_EQ(RuleCounts(summary.at("rules")), (std::map<std::string, int64_t>{{"101", kBad}}));
  // The last issue is the last bad child's: the stream did not stop early.
  const auto& last = file.at("issues").list_value().values(kBad - 1).struct_value().fields();
  EXPECT_EQ(last.at("child").string_value(), "C" + std::to_string(kBad - 1));
  EXPECT_EQ(last.at("line").number_value(), kBad + 1);
}

TEST(ValidateStreaming, RulesReportsOnlyTheRulesChosen) {
  const std::string dir = MakeTempDir("validate-rules");
  ValidateOptions o = Options(SmallFile(dir));
  o.output = ValidateOutput::kJson;
  auto all = RunIt(o);
  EXPECT_EQ(RuleCounts(ParseJson(all.out).fields().at("summary").struct_value().fields().at("rules")),
            (std::map<std::string, int64_t>{{"101", 1}, {"103", 1}}));

  o.rules = {"103", "8500"};
  auto some = RunIt(o);
  EXPECT_EQ(some.exit_code, 1);
  Struct json = ParseJson(some.out);
  const auto& file = json.fields().at("files").list_value().values(0).struct_value().fields();
  ASSERT_EQ(file.at("issues").list_value().values_size(), 1);
  EXPECT_EQ(file.at("issues").list_value().values(0).struct_value().fields().at("rule").string_value(), "103");
  EXPECT_EQ(file.at("errors").number_value(), 1);
  EXPECT_EQ(RuleCounts(file.at("rules")), (std::map<std::string, int64_t>{{"103", 1}}));

  // A rule the file does not break: nothing reported, and no error to exit 1 for.
  o.rules = {"8500"};
  auto none = RunIt(o);
  EXPECT_EQ(none.exit_code, 0) << none.out;
  EXPECT_EQ(ParseJson(none.out).fields().at("summary").struct_value().fields().at("issue_total").number_value(), 0);
}

TEST(ValidateStreaming, YearTakesAFinancialOrACollectionYear) {
  std::string problem;
  EXPECT_EQ(ParseValidateYear("2025-26", &problem), 2026);
  EXPECT_EQ(ParseValidateYear("2015-16", &problem), 2016);
  EXPECT_EQ(ParseValidateYear("2026", &problem), 2026);
  EXPECT_EQ(ParseValidateYear("2025-27", &problem), std::nullopt);
  EXPECT_NE(problem.find("2025-27"), std::string::npos) << problem;
  EXPECT_EQ(ParseValidateYear("26", &problem), std::nullopt);
  EXPECT_EQ(ParseValidateYear("next", &problem), std::nullopt);

  // The year decides the rule set: sex 9 is not a code in 2015-16; the message says which year.
  const std::string dir = MakeTempDir("validate-year");
  ValidateOptions o = Options(SmallFile(dir));
  o.year = *ParseValidateYear("2015-16", &problem);
  auto r = RunIt(o);
  EXPECT_NE(r.out.find("in 2015-16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("collection year 2016"), std::string::npos) << r.out;
}

TEST(ValidateStreaming, CsvHasOneRowPerIssueAndReadsBackThroughTheCsvReader) {
  const std::string dir = MakeTempDir("validate-csv");
  ValidateOptions o = Options(SmallFile(dir));
  o.output = ValidateOutput::kCsv;
  o.out_path = dir + "/errors.csv";
  auto r = RunIt(o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::ifstream in(o.out_path, std::ios::binary);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> rows;
  for (std::vector<std::string> row; reader.Next(&row);) rows.push_back(row);
  EXPECT_EQ(reader.error(), "");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"child", "rule", "severity", "message", "field", "line", "file"}));
  EXPECT_EQ(rows[1][0], "C1");
  EXPECT_EQ(rows[1][1], "101");
  EXPECT_EQ(rows[1][2], "error");
  EXPECT_NE(rows[1][3].find("SEX '9'"), std::string::npos) << rows[1][3];
  EXPECT_EQ(rows[1][4], "SEX");
  EXPECT_EQ(rows[1][5], "2");
  EXPECT_EQ(rows[1][6], o.files[0]);
  // The LA's own id as the file holds it, comma and quote included, round-trips.
  EXPECT_EQ(rows[2][0], "C,\"2");
  EXPECT_EQ(rows[2][1], "103");
  EXPECT_EQ(rows[2][5], "3");

  // Nothing on stdout: the issues went to the file.
  EXPECT_EQ(r.out, "");
  // An output that cannot be written is said, exit 2.
  o.out_path = dir + "/no-such-dir/errors.csv";
  auto bad = RunIt(o);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("errors.csv"), std::string::npos) << bad.err;
}

// name -> content of each part of a zip.
std::map<std::string, std::string> Unzip(const std::string& path) {
  std::map<std::string, std::string> out;
  unzFile zip = unzOpen(path.c_str());
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
  return out;
}

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(ValidateStreaming, XlsxHasASummarySheetByRuleAndARowPerIssue) {
  const std::string dir = MakeTempDir("validate-xlsx");
  ValidateOptions o = Options(SmallFile(dir));
  o.output = ValidateOutput::kXlsx;
  o.out_path = dir + "/errors.xlsx";
  auto r = RunIt(o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto parts = Unzip(o.out_path);
  ASSERT_TRUE(parts.count("xl/workbook.xml")) << "not a workbook";
  const std::string& book = parts["xl/workbook.xml"];
  EXPECT_LT(book.find("name=\"Summary\""), book.find("name=\"Issues\"")) << book;
  const std::string& summary = parts["xl/worksheets/sheet1.xml"];
  const std::string& issues = parts["xl/worksheets/sheet2.xml"];
  // Issues: a heading row and one row per issue, the child as the file holds it.
  EXPECT_EQ(Count(issues, "<row "), 3) << issues;
  EXPECT_NE(issues.find(">C1<"), std::string::npos) << issues;
  EXPECT_NE(issues.find(">C,\"2<"), std::string::npos) << issues;
  EXPECT_NE(issues.find(">SEX<"), std::string::npos) << issues;
  // Summary: a heading, one row per rule (count 1 each), a blank, the total.
  EXPECT_EQ(Count(summary, "<row "), 4) << summary;
  EXPECT_NE(summary.find(">101<"), std::string::npos) << summary;
  EXPECT_NE(summary.find(">103<"), std::string::npos) << summary;
  EXPECT_NE(summary.find("<v>2</v>"), std::string::npos) << "the issue total";
}

TEST(ValidateStreaming, XlsxCellsHoldOnlyXmlTextWhateverTheIdentifier) {
  // A control character or a byte that is not UTF-8 in an identifier would make the
  // sheet's XML unreadable, and with it the whole workbook: each becomes '?'.
  const std::string dir = MakeTempDir("validate-xlsx-odd");
  ValidateOptions o = Options(Write(dir + "/header.csv", std::string(kHeader) +
                                                             "C\x01" "A,9,01/02/2010,WBRI,,,\n"
                                                             "C\xff" "B,9,01/02/2010,WBRI,,,\n"
                                                             "C\xc3\xa9" "D,9,01/02/2010,WBRI,,,\n"));
  o.output = ValidateOutput::kXlsx;
  o.out_path = dir + "/errors.xlsx";
  EXPECT_EQ(RunIt(o).exit_code, 1);
  const std::string sheet = Unzip(o.out_path)["xl/worksheets/sheet2.xml"];
  EXPECT_EQ(Count(sheet, "<row "), 4) << sheet;
  EXPECT_NE(sheet.find(">C?A<"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(">C?B<"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(">C\xc3\xa9" "D<"), std::string::npos) << "UTF-8 is kept as it is";
  EXPECT_EQ(sheet.find('\x01'), std::string::npos);
  EXPECT_EQ(sheet.find('\xff'), std::string::npos);
}

TEST(ValidateStreaming, JsonIsUtf8WhateverTheIdentifier) {
  // JSON must be UTF-8: a byte that is not becomes U+FFFD, so the output still parses.
  const std::string dir = MakeTempDir("validate-json-odd");
  ValidateOptions o = Options(Write(dir + "/header.csv", std::string(kHeader) +
                                                             "C\xff" "B,9,01/02/2010,WBRI,,,\n"
                                                             "C\xc3\xa9" "D,9,01/02/2010,WBRI,,,\n"));
  o.output = ValidateOutput::kJson;
  auto r = RunIt(o);
  EXPECT_EQ(r.exit_code, 1);
  Struct json = ParseJson(r.out);
  const auto& issues =
      json.fields().at("files").list_value().values(0).struct_value().fields().at("issues").list_value();
  ASSERT_EQ(issues.values_size(), 2);
  EXPECT_EQ(issues.values(0).struct_value().fields().at("child").string_value(), "C\xEF\xBF\xBD" "B");
  EXPECT_EQ(issues.values(1).struct_value().fields().at("child").string_value(), "C\xc3\xa9" "D");
}

std::string Carestat() { return BinDir() + "/pipeline/carestat"; }

TEST(ValidateCommand, FlagsForYearRulesAndFormat) {
  const std::string dir = MakeTempDir("validate-cli");
  const std::string file = SmallFile(dir);
  auto csv = RunCommand({Carestat(), "validate", file, "--la", "301", "--year", "2015-16", "--rules", "101",
                         "--format", "csv", "-o", dir + "/e.csv"});
  EXPECT_EQ(csv.exit_code, 1) << csv.err;
  const std::string text = ReadAll(dir + "/e.csv");
  EXPECT_EQ(Count(text, "\n"), 2) << text;  // the heading and the one 101
  EXPECT_NE(text.find("C1,101,error,"), std::string::npos) << text;
  EXPECT_NE(text.find("in 2015-16"), std::string::npos) << text;

  auto json = RunCommand({Carestat(), "validate", file, "--la", "301", "--year", "2016", "--format", "json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(ParseJson(json.out).fields().at("summary").struct_value().fields().at("issue_total").number_value(), 2);

  struct Bad {
    std::vector<std::string> flags;
    std::string says;
  };
  for (const Bad& b : std::vector<Bad>{{{"--year", "2025-27"}, "--year '2025-27'"},
                                       {{"--year", "2016", "--collection-year", "2016"}, "not both"},
                                       {{"--format", "xlsx"}, "needs -o FILE"},
                                       {{"--format", "pdf", "-o", dir + "/x.pdf"}, "text, json, csv or xlsx"},
                                       {{"-o", dir + "/x.csv"}, "-o FILE is for"},
                                       {{"--rules", ","}, "--rules needs rule codes"},
                                       {{"--json", "--format", "csv", "-o", dir + "/x.csv"}, "disagree"}}) {
    std::vector<std::string> argv = {Carestat(), "validate", file};
    argv.insert(argv.end(), b.flags.begin(), b.flags.end());
    auto r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2) << b.says;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << r.err;
  }
}

TEST(ValidateStreaming, ManyIssuesToXlsxAreAllRows) {
  const std::string dir = MakeTempDir("validate-xlsx-many");
  constexpr int kBad = 5000;
  std::string content = kHeader;
  for (int i = 0; i < kBad; ++i) content += "C" + std::to_string(i) + ",9,01/02/2010,WBRI,,,\n";
  ValidateOptions o = Options(Write(dir + "/header.csv", content));
  o.output = ValidateOutput::kXlsx;
  o.out_path = dir + "/errors.xlsx";
  EXPECT_EQ(RunIt(o).exit_code, 1);
  auto parts = Unzip(o.out_path);
  EXPECT_EQ(Count(parts["xl/worksheets/sheet2.xml"], "<row "), kBad + 1);
  EXPECT_NE(parts["xl/worksheets/sheet1.xml"].find("<v>5000</v>"), std::string::npos);
}

TEST(ValidateStreaming, TextListsEveryIssueAndTheCountsByRule) {
  const std::string dir = MakeTempDir("validate-text");
  auto r = RunIt(Options(SmallFile(dir)));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("101 (error) 1; 103 (error) 1;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("errors 2; queries 0"), std::string::npos) << r.out;
  // The identifier is no part of the text listing (it has no child column).
  EXPECT_EQ(r.out.find("C1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace carestat

namespace carestat {
namespace {

const char kEpisodes[] = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

// The rule engine's (rule, child, field, file) findings of a JSON run.
std::set<std::string> Findings(const std::string& json) {
  std::set<std::string> out;
  const Struct parsed = ParseJson(json);
  for (const auto& f : parsed.fields().at("files").list_value().values()) {
    for (const auto& i : f.struct_value().fields().at("issues").list_value().values()) {
      const auto& x = i.struct_value().fields();
      out.insert(x.at("rule").string_value() + " " + x.at("child").string_value() + " " + x.at("field").string_value());
    }
  }
  return out;
}

// An SSDA903 return's tables are separate files: the rules that read two tables see them
// when both are given, and neither table alone reports what only the other could show.
TEST(ValidateReturn, Ssda903TablesAreCheckedTogether) {
  const std::string dir = MakeTempDir("validate-return");
  const std::string header = Write(dir + "/header.csv", std::string(kHeader) + "A,M,01/02/2010,WBRI,UN1,,\n");
  const std::string episodes = Write(dir + "/episodes.csv", std::string(kEpisodes) +
                                                                 "A,01/05/2015,S,C2,N1,U1,PR1,,,,,,\n"
                                                                 "C,01/06/2015,S,C2,N1,U1,PR1,,,,,,\n");
  ValidateOptions o;
  o.la = "301";
  o.year = 2016;
  o.output = ValidateOutput::kJson;
  o.rules = {"INT03", "EPI"};
  // INT03: C has episodes and no Header row. Only with the Header given.
  o.files = {episodes};
  EXPECT_EQ(Findings(RunIt(o).out), (std::set<std::string>{}));
  o.files = {header, episodes};
  auto both = RunIt(o);
  EXPECT_EQ(Findings(both.out), (std::set<std::string>{"INT03 C CHILD"})) << both.out;
  // The return is its own entry, after the files, and names the table file of each issue.
  const Struct parsed = ParseJson(both.out);
  const auto& files = parsed.fields().at("files").list_value();
  ASSERT_EQ(files.values_size(), 3);
  EXPECT_EQ(files.values(2).struct_value().fields().at("file").string_value(),
            "SSDA903 return of LA 301 for 2015-16 (2 files, DfE's rules across its tables)");
  EXPECT_NE(both.out.find(episodes + " line 3: Internal Check: Child in Episodes does not exist in Header."),
            std::string::npos)
      << both.out;
}

// --previous: last year's tables, for the rules that compare the two years. NoE: A began
// to be looked after before this year, yet last year's return has no episode for A.
TEST(ValidateReturn, PreviousYearsTablesAreReadForTheRulesThatCompare) {
  const std::string dir = MakeTempDir("validate-previous");
  const std::string header = Write(dir + "/header.csv", std::string(kHeader) + "A,M,01/02/2010,WBRI,UN1,,\n"
                                                                               "B,M,01/02/2010,WBRI,UN1,,\n");
  const std::string episodes = Write(dir + "/episodes.csv", std::string(kEpisodes) +
                                                                 "A,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n"
                                                                 "B,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  const std::string last = Write(dir + "/last-episodes.csv",
                                 std::string(kEpisodes) + "B,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  ValidateOptions o;
  o.la = "301";
  o.year = 2016;
  o.output = ValidateOutput::kJson;
  o.rules = {"NoE"};
  o.files = {header, episodes};
  EXPECT_EQ(Findings(RunIt(o).out), (std::set<std::string>{})) << "without last year, NoE cannot be checked";
  o.previous = {last};
  auto r = RunIt(o);
  EXPECT_EQ(Findings(r.out), (std::set<std::string>{"NoE A DECOM"})) << r.out << r.err;
  // Last year's own file is not reported on, and is not a file of this year's.
  EXPECT_EQ(r.out.find("last-episodes.csv"), std::string::npos) << r.out;
  // Last year's table for a return that is not among the files is said, not ignored.
  o.files = {Write(dir + "/list.csv", "indicator,la,period,value,source\n")};
  auto alone = RunIt(o);
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("no SSDA903 return of LA 301 for 2016"), std::string::npos) << alone.err;
}

// --previous auto (previous_from_inbox) with files in an inbox folder INBOX/301/2016/:
// last year's tables are read from INBOX/301/2015/ and the note says from where; without
// it none are read.
TEST(ValidateReturn, PreviousAutoReadsLastYearsInboxFolder) {
  const std::string inbox = MakeTempDir("validate-inbox");
  std::filesystem::create_directories(inbox + "/301/2016");
  std::filesystem::create_directories(inbox + "/301/2015");
  const std::string header = Write(inbox + "/301/2016/header.csv", std::string(kHeader) +
                                                                       "A,M,01/02/2010,WBRI,UN1,,\n"
                                                                       "B,M,01/02/2010,WBRI,UN1,,\n");
  const std::string episodes = Write(inbox + "/301/2016/episodes.csv", std::string(kEpisodes) +
                                                                           "A,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n"
                                                                           "B,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  Write(inbox + "/301/2015/episodes.csv", std::string(kEpisodes) + "B,01/03/2015,S,C2,N1,U1,PR1,,,,,,\n");
  Write(inbox + "/301/2015/notes.txt", "not a table");  // not an SSDA903 table: left alone
  ValidateOptions o;
  o.output = ValidateOutput::kJson;
  o.rules = {"NoE"};
  o.files = {header, episodes};
  o.previous_from_inbox = true;
  auto r = RunIt(o);
  EXPECT_EQ(Findings(r.out), (std::set<std::string>{"NoE A DECOM"})) << r.out << r.err;
  EXPECT_NE(r.err.find("note: last year's SSDA903 tables read from"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("301/2015 (1 file)"), std::string::npos) << r.err;
  o.previous_from_inbox = false;
  auto none = RunIt(o);
  EXPECT_EQ(Findings(none.out), (std::set<std::string>{})) << none.out;
  EXPECT_EQ(none.err.find("note:"), std::string::npos) << none.err;
  // No folder for the year before: nothing read, nothing said.
  std::filesystem::remove_all(inbox + "/301/2015");
  o.previous_from_inbox = true;
  auto missing = RunIt(o);
  EXPECT_EQ(Findings(missing.out), (std::set<std::string>{}));
  EXPECT_EQ(missing.err.find("note:"), std::string::npos) << missing.err;
}

// --postcodes and --providers: the SSDA903 rules that need reference data run only with
// it, and without it the output names them (a line in text, summary.not_run in JSON), so
// that no finding never reads as "checked". A made-up lookup: sector AB1 2 in LA 301.
TEST(ValidateReturn, ReferenceDataRunsItsRulesAndTheOutputNamesThoseNotRun) {
  const std::string dir = MakeTempDir("validate-reference");
  const std::string header = Write(dir + "/header.csv", std::string(kHeader) + "A,M,01/02/2020,WBRI,UN1,,\n");
  const std::string episodes = Write(dir + "/episodes.csv", std::string(kEpisodes) +
                                                                 "A,01/05/2024,S,C2,N1,K2,PR1,,,,AB1 2,ZZ9 9,SC000001\n");
  const std::string postcodes = Write(dir + "/nspl.csv", "pcds,doterm,oseast1m,osnrth1m,laua\n"
                                                         "AB1 2AA,,500000,200000,E09000002\n");
  const std::string providers = Write(dir + "/homes.csv", "URN,Local Authority,Provider Code,Provider Placement Code,"
                                                          "Closed Date,Setting Postcode\n"
                                                          "SC000002,Barnet,PR4,K2,,AB1 2AA\n");
  ValidateOptions o;
  o.la = "301";
  o.year = 2025;
  o.output = ValidateOutput::kJson;
  o.rules = {"169", "1008", "103"};
  o.files = {header, episodes};
  auto none = RunIt(o);
  EXPECT_EQ(Findings(none.out), (std::set<std::string>{})) << none.out;
  const Struct parsed = ParseJson(none.out);
  const auto& summary = parsed.fields().at("summary").struct_value().fields();
  ASSERT_TRUE(summary.count("not_run")) << none.out;
  std::set<std::string> not_run;
  for (const auto& v : summary.at("not_run").list_value().values())
    not_run.insert(v.struct_value().fields().at("rule").string_value() + " " +
                   v.struct_value().fields().at("needs").string_value());
  EXPECT_EQ(not_run, (std::set<std::string>{"169 --postcodes", "1008 --providers"}));  // only the rules asked for

  o.postcodes = postcodes;
  auto some = RunIt(o);
  EXPECT_EQ(Findings(some.out), (std::set<std::string>{"169 A PL_LA"})) << some.out << some.err;
  EXPECT_NE(some.out.find("\"not_run\": [{\"rule\": \"1008\""), std::string::npos) << some.out;

  o.providers = {providers};
  auto all = RunIt(o);
  EXPECT_EQ(Findings(all.out), (std::set<std::string>{"169 A PL_LA", "1008 A URN"})) << all.out << all.err;
  EXPECT_EQ(all.out.find("not_run"), std::string::npos) << all.out;

  // Text: one line naming the rules and the option that would run them.
  o.output = ValidateOutput::kText;
  o.postcodes.clear();
  o.providers.clear();
  o.rules.clear();
  auto text = RunIt(o);
  const size_t line = text.out.find("Not run (the reference data they need was not given): ");
  ASSERT_NE(line, std::string::npos) << text.out;
  const std::string said = text.out.substr(line, text.out.find('\n', line) - line);
  EXPECT_NE(said.find("169"), std::string::npos) << said;
  EXPECT_NE(said.find("--postcodes FILE"), std::string::npos) << said;
  EXPECT_NE(said.find("1008"), std::string::npos) << said;
  EXPECT_NE(said.find("--providers FILE"), std::string::npos) << said;
  EXPECT_EQ(said.find("230"), std::string::npos) << "230 is a 2023-24 rule: " << said;
  EXPECT_EQ(Count(text.out, "Not run"), 1) << text.out;

  // A lookup that is not one stops the run and says why.
  o.postcodes = Write(dir + "/not-a-lookup.csv", "a,b\n1,2\n");
  auto bad = RunIt(o);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--postcodes"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("oseast1m"), std::string::npos) << bad.err;

  // The command line takes both options.
  auto cli = RunCommand({Carestat(), "validate", header, episodes, "--la", "301", "--year", "2024-25", "--postcodes",
                         postcodes, "--providers", providers, "--rules", "169,1008", "--json"});
  EXPECT_EQ(Findings(cli.out), (std::set<std::string>{"169 A PL_LA", "1008 A URN"})) << cli.out << cli.err;
  auto empty = RunCommand({Carestat(), "validate", header, "--postcodes", ""});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("--postcodes needs"), std::string::npos) << empty.err;
}

// A table given with its column names and no row is a table of the return with no row, not
// one missing: 601 (adopted in the year, no adoption details) reads the AD1 table only when
// it is given, and 559 (a decision to place before the year, none last year) last year's
// PlacedAdoption only when that is given.
TEST(ValidateReturn, Ssda903TableOfColumnNamesOnlyIsGivenAndEmpty) {
  const std::string dir = MakeTempDir("validate-empty-table");
  const std::string header = Write(dir + "/header.csv", std::string(kHeader) + "A,M,01/02/2010,WBRI,UN1,,\n");
  const std::string episodes =
      Write(dir + "/episodes.csv", std::string(kEpisodes) + "A,01/05/2015,S,E1,N1,A6,PR1,01/12/2015,E11,,,,\n");
  const std::string placed = Write(dir + "/placed_for_adoption.csv",
                                   "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
                                   "A,01/02/2010,01/03/2015,,\n");
  const std::string ad1 = Write(dir + "/ad1.csv",
                                "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n");
  const std::string last_placed = Write(dir + "/last-placed_for_adoption.csv",
                                        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n");
  ValidateOptions o;
  o.la = "301";
  o.year = 2016;
  o.output = ValidateOutput::kJson;
  o.rules = {"601", "559"};
  o.files = {header, episodes, placed};
  EXPECT_EQ(Findings(RunIt(o).out), (std::set<std::string>{})) << "without the tables, neither can be checked";
  o.files = {header, episodes, placed, ad1};
  o.previous = {last_placed};
  auto r = RunIt(o);
  EXPECT_EQ(Findings(r.out), (std::set<std::string>{"601 A REC", "559 A DATE_PLACED"})) << r.out << r.err;
}

}  // namespace
}  // namespace carestat
