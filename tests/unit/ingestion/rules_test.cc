// The rule catalogue (services/ingestion/formats/rules.h) against the parsers' sources: every
// rule code the parsers can raise is catalogued with the right dataset and severity, and
// every catalogued rule is raised somewhere, so the catalogue cannot drift from the code.
//
// How codes are found: the sources under services/ingestion/formats and check.cc are read
// at test time, comments dropped, and each call of a function that raises an issue is
// parsed for the argument that carries the rule code when it is a string literal:
//   MakeIssue("x", sev, ...), Rule("x", sev, ...), Fatal("x", ...), Issue("x", sev, ...)
//   Flag(c, "x", sev, ...), Flag(&rec, line, child, "x", sev, ...), Flag(record, "x", ...)
//   flag(p, "x", ...), Code(c, "COL", list, "x", ...), Date(c, "COL", "x", ...),
//   KeyDate(row, child, "COL", "x", ...), EndBefore(c, start, end, "x", ...)
// and codes.cc's UPN problems ("1530 UPN invalid (...)"), which cin_census.cc raises with
// the code before the first space. A call whose rule argument is a variable is a helper
// forwarding its own argument, and its callers are the ones counted.
//
// Severity: where the argument after the code is v1::ERROR or v1::QUERY, that is the
// severity raised. The other helpers fix the severity in their body, not at the call:
// ssda903.cc's Code, Date, KeyDate, EndBefore, flag and Fatal, cin_census.cc's Fatal,
// check.cc's Flag and the UPN problems are all raised as errors (read from their bodies;
// the test does not re-derive it), and annex_a.cc's Issue("date", severity, ...) passes a
// variable, so that call's severity is not checked.
//
// Dataset: a code raised by one format's parser only (cin_census.cc and codes.cc: cin;
// ssda903.cc: ssda903; annex_a.cc: annex-a; local_measures.cc, and check.cc's local
// measure checks: local-measures) is catalogued under that dataset; a code raised by two
// formats' parsers, or only by the format-independent files (detect.cc, xlsx.cc, check.cc),
// is carestat-local.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/ingestion/formats/rules.h"
#include "services/ingestion/validation/model.h"

namespace carestat {
namespace {

struct Raised {
  std::string file;
  int line = 0;
  std::string code;
  std::string severity;  // "error", "query" or "" (not fixed at the call)
  std::vector<std::string> fields;  // the field(s) the call points at, where a literal
};

std::string ReadSource(const std::string& rel) {
  std::ifstream in(std::string(CARESTAT_SOURCE_DIR) + "/services/ingestion/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The source with // and /* */ comments blanked (newlines kept, so lines still count),
// string and character literals kept whole.
std::string StripComments(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += s[j] == '\\' ? 2 : 1;
      out.append(s, i, j + 1 - i);
      i = j + 1;
    } else if (s.compare(i, 2, "//") == 0) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t j = s.find("*/", i + 2);
      if (j == std::string::npos) j = s.size();
      for (size_t k = i; k < j; ++k) out.push_back(s[k] == '\n' ? '\n' : ' ');
      i = j + 2;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

// The top-level arguments of the call whose '(' is at `open`, trimmed.
std::vector<std::string> Arguments(const std::string& s, size_t open) {
  std::vector<std::string> args;
  std::string cur;
  int depth = 1;
  size_t i = open + 1;
  while (i < s.size() && depth > 0) {
    const char c = s[i];
    if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) j += s[j] == '\\' ? 2 : 1;
      cur.append(s, i, j + 1 - i);
      i = j + 1;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0) break;
    if (c == ',' && depth == 1) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
    ++i;
  }
  args.push_back(cur);
  for (auto& a : args) {
    const size_t b = a.find_first_not_of(" \t\r\n");
    const size_t e = a.find_last_not_of(" \t\r\n");
    a = b == std::string::npos ? "" : a.substr(b, e - b + 1);
  }
  return args;
}

const std::map<std::string, std::string>& SourceDatasets() {
  static const std::map<std::string, std::string> kFiles = {
      {"formats/cin_census.cc", "cin"},          {"formats/codes.cc", "cin"},
      {"formats/ssda903.cc", "ssda903"},         {"formats/annex_a.cc", "annex-a"},
      {"formats/local_measures.cc", "local-measures"}, {"formats/detect.cc", ""},
      {"formats/xlsx.cc", ""},                   {"formats/la_codes.cc", ""},
      {"formats/xml.cc", ""},                    {"check.cc", ""}};
  return kFiles;
}

std::vector<Raised> ScanSources() {
  // The argument positions that carry the rule code, by function.
  static const std::map<std::string, std::vector<size_t>> kPositions = {
      {"MakeIssue", {0}}, {"Rule", {0}},  {"Fatal", {0}},   {"Issue", {0}},   {"Flag", {1, 3}},
      {"flag", {1}},      {"Code", {3}},  {"Date", {2}},    {"KeyDate", {3}}, {"EndBefore", {3}}};
  static const std::regex kCall(R"((?:^|[^A-Za-z0-9_])(MakeIssue|Rule|Fatal|Issue|Flag|flag|Code|Date|KeyDate|EndBefore)\()");
  // Where the field argument is, relative to the code's (Fatal and Issue differ by file).
  static const std::map<std::string, std::vector<int>> kFieldOffsets = {
      {"MakeIssue", {5}}, {"Rule", {4}}, {"Flag", {2}},     {"flag", {1}},
      {"Code", {-2}},     {"Date", {-1}}, {"KeyDate", {-1}}, {"EndBefore", {1, 2}}};
  static const std::regex kFieldLiteral(R"re("([A-Za-z_]+)")re");
  static const std::regex kCodeLiteral(R"re("([A-Za-z0-9][A-Za-z0-9-]*)")re");
  static const std::regex kUpnProblem(R"re("([A-Za-z0-9-]+) UPN invalid)re");
  std::vector<Raised> out;
  // Every .cc under formats is read: a new parser file not in SourceDatasets fails below.
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CARESTAT_SOURCE_DIR) +
                                                           "/services/ingestion/formats")) {
    if (e.path().extension() == ".cc" && e.path().filename() != "rules.cc")
      files.insert("formats/" + e.path().filename().string());
  }
  files.insert("check.cc");
  for (const auto& file : files) {
    EXPECT_TRUE(SourceDatasets().count(file)) << file << " raises issues of which dataset? Add it to SourceDatasets";
    const std::string s = StripComments(ReadSource(file));
    EXPECT_FALSE(s.empty()) << "cannot read " << file;
    auto line_of = [&](size_t pos) { return 1 + static_cast<int>(std::count(s.begin(), s.begin() + pos, '\n')); };
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kCall); it != std::sregex_iterator(); ++it) {
      const std::string fn = (*it)[1];
      const size_t open = static_cast<size_t>(it->position(1) + it->length(1));
      const auto args = Arguments(s, open);
      for (size_t p : kPositions.at(fn)) {
        std::smatch m;
        if (p >= args.size() || !std::regex_match(args[p], m, kCodeLiteral)) continue;
        Raised r{file, line_of(open), m[1], "", {}};
        if (auto f = kFieldOffsets.find(fn); f != kFieldOffsets.end()) {
          for (int offset : f->second) {
            const long at = static_cast<long>(p) + offset;
            std::smatch fm;
            if (at >= 0 && static_cast<size_t>(at) < args.size() &&
                std::regex_match(args[static_cast<size_t>(at)], fm, kFieldLiteral))
              r.fields.push_back(fm[1]);
          }
        }
        if (p + 1 < args.size() && args[p + 1] == "v1::ERROR") r.severity = "error";
        else if (p + 1 < args.size() && args[p + 1] == "v1::QUERY") r.severity = "query";
        else if (fn != "MakeIssue" && fn != "Rule" && fn != "Issue") r.severity = "error";  // fixed in the helper
        out.push_back(r);
        break;
      }
    }
    for (auto it = std::sregex_iterator(s.begin(), s.end(), kUpnProblem); it != std::sregex_iterator(); ++it) {
      out.push_back({file, line_of(static_cast<size_t>(it->position(0))), (*it)[1], "error", {}});
    }
  }
  return out;
}

// The dataset a code belongs under, from where it is raised (see the file comment).
std::map<std::string, std::string> ExpectedDatasets(const std::vector<Raised>& raised) {
  std::map<std::string, std::set<std::string>> formats;
  std::set<std::string> codes;
  for (const auto& r : raised) {
    codes.insert(r.code);
    std::string d = SourceDatasets().count(r.file) ? SourceDatasets().at(r.file) : "";
    // check.cc's local measure checks belong to local measures.
    if (r.file == "check.cc" && r.code == "local-measure") d = "local-measures";
    if (!d.empty()) formats[r.code].insert(d);
  }
  std::map<std::string, std::string> out;
  for (const auto& c : codes) out[c] = formats[c].size() == 1 ? *formats[c].begin() : "carestat-local";
  return out;
}

std::string RulesLine(size_t n) { return "\n" + std::to_string(n) + " rules\n"; }

bool SeverityAccepts(RuleSeverity s, const std::string& raised) {
  if (s == RuleSeverity::kErrorOrQuery) return true;
  return raised == RuleSeverityName(s);
}

TEST(RuleCatalogue, TheScanFindsTheParsersRules) {
  // A scanner that silently found nothing would pass every test below: hold it to codes
  // known to be raised, each by a different form of call.
  const auto raised = ScanSources();
  std::map<std::string, std::set<std::string>> by_file;
  for (const auto& r : raised) by_file[r.file].insert(r.code);
  EXPECT_TRUE(by_file["formats/cin_census.cc"].count("8866"));   // Rule("8866", v1::ERROR, ...)
  EXPECT_TRUE(by_file["formats/cin_census.cc"].count("8500"));   // Fatal("8500", ...)
  EXPECT_TRUE(by_file["formats/codes.cc"].count("1530"));        // "1530 UPN invalid (...)"
  EXPECT_TRUE(by_file["formats/ssda903.cc"].count("146"));       // Code(c, "PLACE", kPlace, "146", ...)
  EXPECT_TRUE(by_file["formats/ssda903.cc"].count("141"));       // KeyDate(row, child, "DECOM", "141", ...)
  EXPECT_TRUE(by_file["formats/ssda903.cc"].count("522"));       // EndBefore(c, placed, ceased, "522", ...)
  EXPECT_TRUE(by_file["formats/ssda903.cc"].count("632"));       // Flag(&perm.record, ..., "632", ...)
  EXPECT_TRUE(by_file["formats/ssda903.cc"].count("388"));       // flag(p, "388", ...)
  EXPECT_TRUE(by_file["formats/annex_a.cc"].count("code"));      // Issue("code", v1::QUERY, ...)
  EXPECT_TRUE(by_file["check.cc"].count("date-range"));          // Flag(record, "date-range", ...)
  EXPECT_GE(by_file["formats/cin_census.cc"].size() + by_file["formats/codes.cc"].size(), 30u);
  EXPECT_GE(by_file["formats/ssda903.cc"].size(), 50u);
  // A message or a column name is never taken for a code.
  for (const auto& r : raised) {
    EXPECT_NE(r.code, "UPN") << r.file << ":" << r.line;
    EXPECT_NE(r.code, "DOB") << r.file << ":" << r.line;
  }
}

TEST(RuleCatalogue, EveryRaisedCodeIsCataloguedUnderItsDataset) {
  const auto raised = ScanSources();
  const auto expected = ExpectedDatasets(raised);
  for (const auto& r : raised) {
    const auto entries = FindRules(r.code);
    EXPECT_FALSE(entries.empty()) << "rule " << r.code << " raised at " << r.file << ":" << r.line
                                  << " is not in the catalogue (services/ingestion/formats/rules.cc)";
    for (const RuleInfo* e : entries) {
      EXPECT_EQ(e->dataset, expected.at(r.code)) << "rule " << r.code << " raised at " << r.file << ":" << r.line;
      if (!r.severity.empty()) {
        EXPECT_TRUE(SeverityAccepts(e->severity, r.severity))
            << "rule " << r.code << " is raised as " << r.severity << " at " << r.file << ":" << r.line
            << " but catalogued as " << RuleSeverityName(e->severity);
      }
    }
  }
}

TEST(RuleCatalogue, DfERulesPointAtTheFieldsTheParsersName) {
  // Where a parser names the field of a DfE rule's issue as a literal, the catalogue lists
  // that field among the rule's (for the rule's entry of any year).
  size_t checked = 0;
  for (const auto& r : ScanSources()) {
    for (const auto& field : r.fields) {
      std::set<std::string> listed;
      bool dfe = false;
      for (const RuleInfo* e : FindRules(r.code)) {
        dfe = dfe || e->source == "DfE";
        for (const auto& f : RuleFields(*e)) listed.insert(f);
      }
      if (!dfe) continue;
      ++checked;
      EXPECT_TRUE(listed.count(field)) << "rule " << r.code << " raised at " << r.file << ":" << r.line
                                       << " points at " << field << ", which the catalogue does not list";
    }
  }
  EXPECT_GE(checked, 60u);
}

TEST(RuleCatalogue, EveryCataloguedRuleIsRaisedSomewhere) {
  const auto expected = ExpectedDatasets(ScanSources());
  std::set<std::pair<std::string_view, std::string_view>> engine;  // raised by the rule engine
  for (const auto& d : validation::EngineRules()) engine.emplace(d.info.dataset, d.info.code);
  for (const auto& e : AllRules()) {
    if (engine.count({e.dataset, e.code})) continue;
    auto it = expected.find(std::string(e.code));
    if (it == expected.end()) {
      ADD_FAILURE() << "rule " << e.code << " (" << e.dataset << ") is catalogued but no parser raises it";
      continue;
    }
    EXPECT_EQ(it->second, e.dataset) << "rule " << e.code;
  }
}

TEST(RuleCatalogue, EveryEntryIsComplete) {
  const std::set<std::string_view> datasets(RuleDatasets().begin(), RuleDatasets().end());
  std::map<std::pair<std::string_view, std::string_view>, std::vector<const RuleInfo*>> by_key;
  for (const auto& e : AllRules()) {
    SCOPED_TRACE(std::string(e.code));
    EXPECT_TRUE(datasets.count(e.dataset));
    EXPECT_FALSE(e.message.empty());
    EXPECT_FALSE(e.example.empty());
    EXPECT_TRUE(e.source == "DfE" || e.source == "carestat");
    // DfE's rules are the CIN census's and the SSDA903's, by DfE's codes.
    if (e.source == "DfE") {
      EXPECT_TRUE(e.dataset == "cin" || e.dataset == "ssda903");
    }
    // DfE marks its queries by a Q after the code (2887Q); every other DfE rule is an error.
    if (e.source == "DfE") {
      EXPECT_EQ(e.severity, e.code.back() == 'Q' ? RuleSeverity::kQuery : RuleSeverity::kError);
    }
    if (e.from_year && e.to_year) {
      EXPECT_LE(e.from_year, e.to_year);
    }
    by_key[{e.dataset, e.code}].push_back(&e);
  }
  // Entries of one code in one dataset are spans of years that never overlap.
  for (const auto& [key, entries] : by_key) {
    for (int year = 2001; year <= 2099; ++year) {
      int n = 0;
      for (const RuleInfo* e : entries) n += RuleAppliesIn(*e, year) ? 1 : 0;
      EXPECT_LE(n, 1) << key.second << " has two entries for " << year;
    }
  }
}

TEST(RuleCatalogue, TheYearChoosesTheRulesText) {
  // CIN 4180: Gender (0, 1, 2, 9) up to 2023-24, Sex (M, F, U) from 2024-25 (collection
  // year 2025). The last year of one text and the first of the next.
  auto text_in = [](std::string_view dataset, std::string_view code, int year) -> std::string {
    for (const RuleInfo* r : SelectRules(dataset, year)) {
      if (r->code == code) return std::string(r->message);
    }
    return "";
  };
  EXPECT_EQ(text_in("cin", "4180", 2024), "Gender is missing");
  EXPECT_EQ(text_in("cin", "4180", 2025), "Sex must be provided and equal M, F, or U");
  EXPECT_EQ(text_in("ssda903", "101", 2024), "Gender code is not valid.");
  EXPECT_NE(text_in("ssda903", "101", 2025), "Gender code is not valid.");
  // SSDA903 deprivation of liberty orders start in 2026-27; social worker episodes in 2023-24.
  EXPECT_EQ(text_in("ssda903", "700", 2026), "");
  EXPECT_NE(text_in("ssda903", "700", 2027), "");
  EXPECT_EQ(text_in("ssda903", "SW04STG1", 2023), "");
  EXPECT_NE(text_in("ssda903", "SW04STG1", 2024), "");
  // No year: every entry; a dataset: only its own.
  EXPECT_EQ(SelectRules("", 0).size(), AllRules().size());
  for (const RuleInfo* r : SelectRules("cin", 2026)) EXPECT_EQ(r->dataset, "cin");
  EXPECT_EQ(FindRules("4180").size(), 2u);
  EXPECT_TRUE(FindRules("9999").empty());
}

TEST(RuleCatalogue, YearsReadAsAnalystsWriteThem) {
  EXPECT_EQ(ParseRuleYear("2025-26"), 2026);
  EXPECT_EQ(ParseRuleYear("2026"), 2026);
  EXPECT_EQ(ParseRuleYear("1999-00"), std::nullopt);  // before 2000-01
  EXPECT_EQ(ParseRuleYear("2098-99"), 2099);
  EXPECT_EQ(ParseRuleYear("2099-00"), std::nullopt);  // after 2098-99
  EXPECT_EQ(ParseRuleYear("2025-27"), std::nullopt);
  EXPECT_EQ(ParseRuleYear("2025/26"), std::nullopt);
  EXPECT_EQ(ParseRuleYear("20256"), std::nullopt);
  EXPECT_EQ(ParseRuleYear(""), std::nullopt);
  EXPECT_EQ(RuleYearsText(*FindRules("SW04STG1")[0]), "2023-24 onwards");
  EXPECT_EQ(RuleYearsText(*SelectRules("cin", 2024).front()), "all years");
  for (const RuleInfo* r : FindRules("4180")) {
    if (r->to_year) {
      EXPECT_EQ(RuleYearsText(*r), "up to 2023-24");
    }
  }
}

TEST(RuleCatalogue, JsonReadsBackWithEveryCharacterIntact) {
  // 8869's message holds curly quotes and 357's double spaces: the JSON is written by
  // protobuf's writer and must read back to the same text.
  std::vector<const RuleInfo*> rules = FindRules("8869");
  for (const RuleInfo* r : FindRules("181")) rules.push_back(r);
  const std::string json = RulesJson(rules, /*with_example=*/true);
  google::protobuf::Struct back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok()) << json;
  const auto& list = back.fields().at("rules").list_value();
  ASSERT_EQ(list.values_size(), 2);
  const auto& first = list.values(0).struct_value().fields();
  EXPECT_EQ(first.at("code").string_value(), "8869");
  EXPECT_EQ(first.at("message").string_value(), std::string(FindRules("8869")[0]->message));
  EXPECT_EQ(first.at("severity").string_value(), "error");
  EXPECT_EQ(first.at("dataset").string_value(), "cin");
  EXPECT_EQ(first.at("example").string_value(), std::string(FindRules("8869")[0]->example));
  const auto& second = list.values(1).struct_value().fields();
  EXPECT_EQ(second.at("fields").list_value().values_size(), 8);
  EXPECT_EQ(second.at("fields").list_value().values(1).string_value(), "HEALTH_CHECK");
  EXPECT_EQ(RulesJson({}), RulesJson({}, true));
}

// `carestat rules` prints what RenderRules writes (pipeline/cli.cc only parses the flags).
TEST(RulesCommand, ExplainPrintsTheRulesTextFieldsYearsAndAFailingExample) {
  std::string out, error;
  RulesRequest q;
  q.explain = "8866";
  ASSERT_EQ(RenderRules(q, &out, &error), 0) << error;
  EXPECT_NE(out.find("Rule 8866 (cin, error, DfE rule)"), std::string::npos) << out;
  EXPECT_NE(out.find("Source of Referral is missing or an invalid code"), std::string::npos) << out;
  EXPECT_NE(out.find("Fields: CINreferralDate, ReferralSource"), std::string::npos) << out;
  EXPECT_NE(out.find("Years:  all years"), std::string::npos) << out;
  EXPECT_NE(out.find("Fails:  " + std::string(FindRules("8866")[0]->example)), std::string::npos) << out;
}

TEST(RulesCommand, ExplainNamesTheTestOfAnEngineRule) {
  // 8875 and SSDA903 103 are the rule engine's: each names its own test.
  std::string out, error;
  RulesRequest q;
  q.explain = "8875";
  ASSERT_EQ(RenderRules(q, &out, &error), 0) << error;
  EXPECT_NE(out.find("Test:   TEST(CinRules, R8875) in tests/unit/validation/"), std::string::npos) << out;
  out.clear();
  q.explain = "1003";
  q.dataset = "ssda903";
  ASSERT_EQ(RenderRules(q, &out, &error), 0) << error;
  EXPECT_NE(out.find("Test:   TEST(Ssda903Rules, R1003)"), std::string::npos) << out;
}

TEST(RuleCatalogue, BothReturnsHaveDfEsRuleSetsOfEachYear) {
  // The counts of DfE rules carestat checks for each collection year, 2023-24 to 2026-27:
  // the CIN census's about 109 and the SSDA903's about 322 (D2I's sets), less the
  // SSDA903 rules that need postcode or Ofsted URN reference data.
  for (int year : {2024, 2025, 2026, 2027}) {
    SCOPED_TRACE(year);
    size_t cin = 0, ssda903 = 0;
    for (const RuleInfo* r : SelectRules("", year)) {
      if (r->source != "DfE") continue;
      cin += r->dataset == "cin";
      ssda903 += r->dataset == "ssda903";
    }
    EXPECT_GE(cin, 105u);
    EXPECT_GE(ssda903, 280u);
  }
}

TEST(RulesCommand, AnUnknownCodeIsNamedAndExitsTwo) {
  // 9999 is no rule of DfE's or carestat's: saying so is the answer.
  std::string out, error;
  RulesRequest q;
  q.explain = "9999";
  EXPECT_EQ(RenderRules(q, &out, &error), 2);
  EXPECT_NE(error.find("'9999'"), std::string::npos) << error;
  EXPECT_TRUE(out.empty());
  // A rule that exists, asked for in a year before it starts: the last year without it
  // fails and says when it applies, the first year with it passes.
  q.explain = "700";
  q.year = 2026;
  EXPECT_EQ(RenderRules(q, &out, &error), 2);
  EXPECT_NE(error.find("2025-26"), std::string::npos) << error;
  EXPECT_NE(error.find("2026-27 onwards"), std::string::npos) << error;
  q.year = 2027;
  EXPECT_EQ(RenderRules(q, &out, &error), 0) << error;
  // A code of another dataset than the one asked for.
  q = RulesRequest{};
  q.explain = "8866";
  q.dataset = "ssda903";
  EXPECT_EQ(RenderRules(q, &out, &error), 2);
  EXPECT_NE(error.find("cin, all years"), std::string::npos) << error;
}

TEST(RulesCommand, ListingFollowsDatasetAndYear) {
  std::string out, error;
  RulesRequest q;
  q.dataset = "cin";
  q.year = 2026;  // 2025-26
  ASSERT_EQ(RenderRules(q, &out, &error), 0);
  EXPECT_EQ(out.rfind("cin\n", 0), 0u) << out;
  EXPECT_NE(out.find("Sex must be provided and equal M, F, or U"), std::string::npos);
  EXPECT_EQ(out.find("Gender is missing"), std::string::npos);
  EXPECT_EQ(out.find("ssda903"), std::string::npos);
  EXPECT_NE(out.find(RulesLine(SelectRules("cin", 2026).size())), std::string::npos) << out;
  q.year = 2024;
  ASSERT_EQ(RenderRules(q, &out, &error), 0);
  EXPECT_NE(out.find("Gender is missing"), std::string::npos);
  EXPECT_EQ(out.find("Sex must be provided"), std::string::npos);
  // JSON: one object per rule of the selection.
  q.dataset = "ssda903";
  q.year = 2025;
  q.json = true;
  ASSERT_EQ(RenderRules(q, &out, &error), 0);
  google::protobuf::Struct back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &back).ok()) << out;
  EXPECT_EQ(static_cast<size_t>(back.fields().at("rules").list_value().values_size()),
            SelectRules("ssda903", 2025).size());
  for (const auto& v : back.fields().at("rules").list_value().values()) {
    EXPECT_EQ(v.struct_value().fields().at("dataset").string_value(), "ssda903");
  }
}

}  // namespace
}  // namespace carestat
