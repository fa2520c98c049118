// `carestat children` and `carestat pseudonymise` end to end on the synthetic borough,
// embedded (--data DIR, after `carestat run`): the header and the lists agree with the
// figure `carestat indicators` prints, --json carries the same lists, every call is in
// DIR/case-audit.jsonl with its count and without a pseudonym or an id, and the
// pseudonyms listed are those `carestat pseudonymise` gives the council's own ids.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "services/common/csv.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

struct Figure {
  double numerator = -1, denominator = -1;
};

// `carestat indicators` text: indicator, value, numerator, denominator (blank for a count).
std::map<std::string, Figure> Figures(const std::string& out) {
  std::map<std::string, Figure> f;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> cols = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (cols.size() < 3 || cols[0] == "indicator") continue;
    Figure x;
    x.numerator = std::stod(cols[2]);
    x.denominator = cols.size() > 3 ? std::stod(cols[3]) : 0;
    f[cols[0]] = x;
  }
  return f;
}

int Lines(const std::string& out, const std::string& prefix) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) n += absl::StartsWith(line, prefix);
  return n;
}

TEST(ChildrenCliTest, ListsAddUpToTheFiguresAndAreAuditedAndMapBackToTheCouncilsIds) {
  const std::string dir = MakeTempDir("children-cli");
  const std::string data = dir + "/data";
  auto synth = RunCommand({CarestatBin(), "synth", "--profile", "barking-and-dagenham", "--out", dir + "/inbox"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto run = RunCommand({CarestatBin(), "run", "--init", "--verbose", "--inbox", dir + "/inbox", "--out", dir + "/out", "--data", data});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  std::set<std::string> listed_children;
  int calls = 0;
  for (const auto& [period, indicators] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"2015-16", {"cpp_ceased_2y_plus_pct", "referrals", "assessment_timeliness_pct", "lac_year_end",
                        "rereferral_12m_pct", "care_leavers_eet_pct"}},
           {"2015-06", {"lac_month_end", "cpp_year_end"}}}) {
    auto values = RunCommand({CarestatBin(), "indicators", "--data", data, "--la", "301", "--period", period});
    ASSERT_EQ(values.exit_code, 0) << values.err;
    const auto figures = Figures(values.out);
    for (const std::string& id : indicators) {
      ASSERT_TRUE(figures.count(id)) << id << " " << period << "\n" << values.out;
      const Figure& f = figures.at(id);
      auto r = RunCommand({CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", id, "--period",
                           period});
      ++calls;
      ASSERT_EQ(r.exit_code, 0) << id << ": " << r.err;
      // The header names the figure, its numerator and (for a percentage) denominator.
      const std::string header = r.out.substr(0, r.out.find('\n'));
      EXPECT_NE(header.find(absl::StrCat("# LA 301, ", id, ", ", period.size() == 7 && period[5] == '0' ? "month " : "",
                                         period, ": figure ")),
                std::string::npos)
          << header;
      EXPECT_NE(header.find(absl::StrCat("numerator ", f.numerator)), std::string::npos) << header;
      EXPECT_EQ(Lines(r.out, "numerator\t"), f.numerator) << id << " " << period;
      if (f.denominator > 0) {
        EXPECT_NE(header.find(absl::StrCat("denominator ", f.denominator)), std::string::npos) << header;
        EXPECT_EQ(Lines(r.out, "denominator\t"), f.denominator) << id << " " << period;
      } else {
        EXPECT_NE(header.find("no denominator (a count)"), std::string::npos) << header;
        EXPECT_EQ(Lines(r.out, "denominator\t"), 0) << id;
      }
      EXPECT_GT(f.numerator, 0) << id << " " << period << ": a figure of 0 proves little";
      if (id == "cpp_ceased_2y_plus_pct") {
        for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
          if (!absl::StartsWith(line, "numerator\t")) continue;
          std::vector<std::string> cols = absl::StrSplit(line, '\t');
          ASSERT_EQ(cols.size(), 5u) << line;
          listed_children.insert(cols[1]);
          EXPECT_EQ(cols[2], "cp_plan");
          // Ended in 2015-16.
          EXPECT_TRUE(std::regex_search(
              cols[3], std::regex("start_date \\d{4}-\\d\\d-\\d\\d, end_date (2015-(0[4-9]|1[0-2])|2016-0[1-3])-")))
              << line;
          EXPECT_NE(cols[3].find("category "), std::string::npos) << line;
          EXPECT_NE(cols[4].find("301/"), std::string::npos) << line;
        }
      }
    }
  }
  ASSERT_FALSE(listed_children.empty());

  // --json: protobuf's JSON mapping of the same response.
  auto json = RunCommand({CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", "referrals",
                          "--period", "2015-16", "--json"});
  ++calls;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"children_returned\":"), std::string::npos) << json.out.substr(0, 400);
  EXPECT_NE(json.out.find("\"referral_date\""), std::string::npos);

  // The 12 months ending with December 2015 (--month --rolling) and the month of December
  // 2011 (--month 2011-12; --period 2011-12 is the year): each list as long as the figure
  // `carestat series` prints, whose "month" is what --month takes.
  for (const auto& [id, month, rolling] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"lac_started", "2015-12", true}, {"referrals", "2015-12", true}, {"referrals", "2011-12", false},
           {"cpp_ceased_2y_plus_pct", "2016-03", true}}) {
    std::vector<std::string> series_cmd = {CarestatBin(), "series", "--data", data, "--la", "301", "--indicator", id,
                                           "--json", rolling ? "--rolling" : "--monthly"};
    auto series = RunCommand(series_cmd);
    ASSERT_EQ(series.exit_code, 0) << series.err;
    const nlohmann::json points = nlohmann::json::parse(series.out)["points"];
    double numerator = -1, denominator = -1;
    for (const auto& p : points) {
      if (p.value("entity", "") == "301" && p.value("month", "") == month) {
        numerator = p["numerator"].get<double>();
        denominator = p["denominator"].get<double>();
      }
    }
    ASSERT_GT(numerator, 0) << id << " " << month << "\n" << series.out.substr(0, 600);
    std::vector<std::string> cmd = {CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", id,
                                    "--month", month};
    if (rolling) cmd.push_back("--rolling");
    auto r = RunCommand(cmd);
    ++calls;
    ASSERT_EQ(r.exit_code, 0) << id << " " << month << ": " << r.err;
    const std::string header = r.out.substr(0, r.out.find('\n'));
    EXPECT_NE(header.find(rolling ? "12 months " : "month " + month), std::string::npos) << header;
    EXPECT_EQ(Lines(r.out, "numerator\t"), numerator) << id << " " << month;
    EXPECT_EQ(Lines(r.out, "denominator\t"), denominator) << id << " " << month;
    if (!rolling) {
      auto year = RunCommand({CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", id, "--period",
                              month});
      ++calls;
      ASSERT_EQ(year.exit_code, 0) << year.err;
      EXPECT_NE(year.out.find(absl::StrCat(", ", month, ": figure")), std::string::npos) << year.out.substr(0, 200);
      EXPECT_GT(Lines(year.out, "numerator\t"), numerator) << "the year 2011-12 holds more than its December";
    }
  }
  // Bad combinations: exit 2 naming what to give, nothing listed, no audit line.
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--period", "2015-16", "--rolling"}, "--month 2016-03"},
           {{"--period", "2015-16", "--month", "2015-06"}, "not both"},
           {{"--rolling"}, "give --period 2015-16"},
           {{"--month", "2015-13"}, "is not a month"},
           {{"--month", "2015-06", "--rolling", "yes"}, "unexpected 'yes'"},
       }) {
    std::vector<std::string> cmd = {CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", "referrals"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    auto r = RunCommand(cmd);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // A yearly indicator has no rolling figures: refused by metrics, exit 2, audited.
  auto yearly = RunCommand({CarestatBin(), "children", "--data", data, "--la", "301", "--indicator",
                            "cin_open_year_end", "--month", "2016-03", "--rolling"});
  EXPECT_EQ(yearly.exit_code, 2) << yearly.err;
  EXPECT_NE(yearly.err.find("no rolling 12-month figures"), std::string::npos) << yearly.err;

  // No children behind a rate: exit 2, saying why, audited as refused.
  auto rate = RunCommand({CarestatBin(), "children", "--data", data, "--la", "301", "--indicator", "cpp_rate",
                          "--period", "2015-16"});
  ++calls;
  EXPECT_EQ(rate.exit_code, 2);
  EXPECT_NE(rate.err.find("population"), std::string::npos) << rate.err;
  EXPECT_TRUE(rate.out.empty()) << rate.out;

  // The council's own ids of 2015-16 (its CP list), mapped with ingestion's key: every
  // child listed behind cpp_ceased_2y_plus_pct is one of theirs.
  const std::string list7 = ReadAll(dir + "/inbox/301/2016/annex-a-list7-child-protection.csv");
  const std::string census = ReadAll(dir + "/inbox/301/2016/cin-census.xml");
  std::string ids;
  std::set<std::string> raw;
  std::istringstream list7_in(list7);
  CsvReader list7_reader(list7_in);
  for (std::vector<std::string> row; list7_reader.Next(&row);) {
    if (row[0] != "Child Unique ID") raw.insert(row[0]);
  }
  EXPECT_EQ(list7_reader.error(), "");
  std::regex census_id("<LAchildID>([^<]+)</LAchildID>");
  for (auto it = std::sregex_iterator(census.begin(), census.end(), census_id); it != std::sregex_iterator(); ++it) {
    raw.insert((*it)[1]);
  }
  for (const auto& id : raw) ids += id + "\n";
  WriteAll(dir + "/ids.txt", ids);
  auto mapped = RunCommand({"/bin/sh", "-c", CarestatBin() + " pseudonymise --data " + data + " --la 301 < " + dir +
                                                 "/ids.txt"});
  ASSERT_EQ(mapped.exit_code, 0) << mapped.err;
  std::map<std::string, std::string> by_pseudonym;
  for (absl::string_view line : absl::StrSplit(mapped.out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    ASSERT_EQ(cols.size(), 2u) << line;
    by_pseudonym[cols[1]] = cols[0];
  }
  EXPECT_EQ(by_pseudonym.size(), raw.size());
  for (const auto& p : listed_children) EXPECT_TRUE(by_pseudonym.count(p)) << p << " maps to none of the LA's ids";

  // Every call in the audit log with LA, indicator, period and count; no pseudonym or id.
  const std::string audit = ReadAll(data + "/case-audit.jsonl");
  int ok_lines = 0, refused = 0, invalid = 0, pseudonymised = 0;
  for (absl::string_view line : absl::StrSplit(audit, '\n', absl::SkipEmpty())) {
    // One JSON object a line.
    const nlohmann::json e = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(e.is_object()) << line;
    const std::string method = e.value("method", "");
    if (method == "/carestat.v1.Metrics/ListChildren") {
      EXPECT_EQ(e.value("la", ""), "301") << line;
      EXPECT_FALSE(e.value("indicator", "").empty()) << line;
      // "2015-16", "month 2011-12", "12 months 2015-01 to 2015-12": never ambiguous.
      EXPECT_TRUE(std::regex_match(e.value("period", ""),
                                   std::regex("20\\d\\d-\\d\\d|month 20\\d\\d-\\d\\d|12 months 20\\d\\d-\\d\\d to 20\\d\\d-\\d\\d")))
          << line;
      if (e.value("outcome", "") == "OK") {
        EXPECT_GE(e.value("children", int64_t{0}), 1) << line;
        ++ok_lines;
      } else if (e.value("outcome", "") == "FAILED_PRECONDITION") {
        ++refused;
      } else if (e.value("outcome", "") == "INVALID_ARGUMENT") {
        ++invalid;
      }
    }
    if (method == "carestat pseudonymise") {
      EXPECT_EQ(e.value("children", int64_t{-1}), static_cast<int64_t>(raw.size())) << line;
      ++pseudonymised;
    }
  }
  EXPECT_EQ(ok_lines, calls - 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(invalid, 1);  // the rolling figure of a yearly indicator
  EXPECT_EQ(pseudonymised, 1);
  for (const auto& p : listed_children) EXPECT_EQ(audit.find(p), std::string::npos);
  for (const auto& id : raw) EXPECT_EQ(audit.find(id), std::string::npos);
}

}  // namespace
}  // namespace carestat
