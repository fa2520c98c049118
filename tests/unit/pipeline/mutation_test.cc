// Mutation: a clean return that passes every DfE rule, broken one rule at a time, each
// break run through `carestat validate` as an analyst would run it, and what validate
// finds held to exactly the (rule, child) pairs the case names: the rule broken, on the
// child broken, and nothing else. This is the test the issue's "done when" describes
// ("validate on a return with one break of any rule reports that rule on that child and
// nothing else"), and the side-by-side trial that found the gaps was run the same way.
//
// The returns and their breaks are in tests/unit/pipeline/mutations/*.mut:
//
//   # a comment (anywhere)
//   dataset ssda903                 cin or ssda903
//   year 2025                       the collection year validate is told (--year)
//   la 301                          the LA validate is told (--la; optional)
//   skip 164 needs the ONS postcode lookup   a rule of this dataset this file does not break
//   === header.csv                  a file of the clean return; its lines follow
//   CHILD,SEX,DOB,...
//   === previous/episodes.csv       last year's table, given to validate as --previous
//   === reference/postcodes.csv     the ONS postcode lookup (NSPL columns), as --postcodes
//   === reference/providers.csv     an Ofsted provider list (its headings), as --providers
//   --- 103 an episode without RNE  a case: a title, then edits, then what it must find
//   set episodes.csv 3 RNE=         CSV: line 3 (the column names are line 1), column RNE
//   replace cin.xml <RNE>S</RNE> ==> <RNE></RNE>   the text before " ==> " must occur
//                                                 once in the file; "\n" is a newline
//   addline episodes.csv C9,01/05/2024,...        appends a line
//   delline episodes.csv 4                        removes line 4
//   expect 103 C2                   a (rule, child) pair it must find ("-": the whole return)
//
// Each case starts again from the clean return. Every DfE rule of the CIN census and the
// SSDA903 of 2023-24 to 2026-27 must be broken by a case of a file for a year it applies
// in, or be skipped there with its reason (EveryDfERuleIsBroken).
#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/validate.h"
#include "services/ingestion/formats/rules.h"
#include "tests/integration/test_util.h"

namespace carestat {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Struct;

struct Edit {
  std::string op, file, a, b;  // set: a line, b "COL=VALUE"; replace: a old, b new
  int line_no = 0;             // of the .mut file, for messages
};

struct Case {
  std::string title;  // "103 an episode without RNE"
  int line_no = 0;
  std::vector<Edit> edits;
  std::set<std::string> expect;  // "rule child"
};

struct MutFile {
  std::string path;
  std::string dataset;
  int year = 0;
  std::string la;
  std::map<std::string, std::string> skips;                 // code -> reason
  std::vector<std::pair<std::string, std::string>> files;   // name -> content, in order
  std::vector<Case> cases;
  std::vector<std::string> problems;                        // the file itself is malformed
};

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "word rest" -> {"word", "rest"}
std::pair<std::string, std::string> Split1(const std::string& s) {
  const size_t sp = s.find(' ');
  if (sp == std::string::npos) return {s, ""};
  return {s.substr(0, sp), s.substr(sp + 1)};
}

MutFile ReadMut(const std::string& path) {
  MutFile m;
  m.path = path;
  std::ifstream in(path);
  std::string line;
  int n = 0;
  std::string* content = nullptr;  // the file being read, while inside "=== name"
  Case* current = nullptr;
  auto problem = [&](const std::string& what) {
    m.problems.push_back(fs::path(path).filename().string() + ":" + std::to_string(n) + ": " + what);
  };
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("=== ", 0) == 0) {
      m.files.push_back({line.substr(4), ""});
      content = &m.files.back().second;
      current = nullptr;
      continue;
    }
    if (line.rfind("--- ", 0) == 0) {
      content = nullptr;
      m.cases.push_back(Case{line.substr(4), n, {}, {}});
      current = &m.cases.back();
      continue;
    }
    if (content) {
      if (line.rfind("#", 0) == 0) continue;  // comments may sit between the rows
      *content += line + "\n";
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto [word, rest] = Split1(line);
    if (word == "dataset") {
      m.dataset = rest;
    } else if (word == "year") {
      m.year = std::atoi(rest.c_str());
    } else if (word == "la") {
      m.la = rest;
    } else if (word == "skip") {
      auto [code, why] = Split1(rest);
      if (why.empty()) problem("skip " + code + " gives no reason");
      m.skips[code] = why;
    } else if (!current) {
      problem("\"" + line + "\" outside a case");
    } else if (word == "expect") {
      auto [rule, child] = Split1(rest);
      if (child.empty()) problem("expect needs a rule and a child (\"-\": the whole return)");
      current->expect.insert(rule + " " + (child == "-" ? "" : child));
    } else if (word == "set" || word == "delline" || word == "addline" || word == "replace") {
      Edit e;
      e.op = word;
      e.line_no = n;
      auto [file, args] = Split1(rest);
      e.file = file;
      if (word == "set") {
        auto [ln, assign] = Split1(args);
        e.a = ln;
        e.b = assign;
        if (assign.find('=') == std::string::npos) problem("set needs COLUMN=VALUE");
      } else if (word == "replace") {
        const size_t arrow = args.find(" ==> ");
        if (arrow == std::string::npos) {
          problem("replace needs OLD ==> NEW");
        } else {
          e.a = Unescape(args.substr(0, arrow));
          e.b = Unescape(args.substr(arrow + 5));
        }
      } else {
        e.a = args;
      }
      current->edits.push_back(e);
    } else {
      problem("unknown directive \"" + word + "\"");
    }
  }
  if (m.dataset != "cin" && m.dataset != "ssda903") problem("dataset must be cin or ssda903");
  if (m.year < 2000) problem("year missing");
  return m;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::vector<std::string> CsvCells(const std::string& line) {  // the clean returns quote nothing
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string c; std::getline(ss, c, ',');) out.push_back(c);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

// Applies one edit; "" or what went wrong.
std::string Apply(const Edit& e, std::map<std::string, std::string>& files) {
  auto it = files.find(e.file);
  if (it == files.end()) return "no file " + e.file + " in the clean return";
  std::string& text = it->second;
  if (e.op == "replace") {
    const size_t at = text.find(e.a);
    if (at == std::string::npos) return "\"" + e.a + "\" is not in " + e.file;
    if (text.find(e.a, at + 1) != std::string::npos) return "\"" + e.a + "\" occurs more than once in " + e.file;
    text.replace(at, e.a.size(), e.b);
    return "";
  }
  if (e.op == "addline") {
    text += e.a + "\n";
    return "";
  }
  std::vector<std::string> lines = Lines(text);
  const int ln = std::atoi(e.a.c_str());
  if (ln < 1 || ln > static_cast<int>(lines.size())) return e.file + " has no line " + e.a;
  if (e.op == "delline") {
    lines.erase(lines.begin() + (ln - 1));
  } else {  // set
    if (ln == 1) return "set edits a row, not the column names";
    const std::vector<std::string> cols = CsvCells(lines[0]);
    std::vector<std::string> cells = CsvCells(lines[ln - 1]);
    const size_t eq = e.b.find('=');
    const std::string col = e.b.substr(0, eq), value = e.b.substr(eq + 1);
    auto c = std::find(cols.begin(), cols.end(), col);
    if (c == cols.end()) return e.file + " has no column " + col;
    const size_t idx = c - cols.begin();
    if (cells.size() <= idx) cells.resize(cols.size());
    cells[idx] = value;
    std::string joined;
    for (size_t i = 0; i < cells.size(); ++i) joined += (i ? "," : "") + cells[i];
    lines[ln - 1] = joined;
  }
  text.clear();
  for (const auto& l : lines) text += l + "\n";
  return "";
}

// What validate finds, as "rule child" pairs, on these files.
std::set<std::string> RunValidateOn(const MutFile& m, const std::map<std::string, std::string>& files, const std::string& dir,
                          std::string* err_text) {
  fs::remove_all(dir);
  fs::create_directories(dir + "/previous");
  fs::create_directories(dir + "/reference");
  ValidateOptions o;
  o.year = m.year;
  o.la = m.la;
  o.output = ValidateOutput::kJson;
  for (const auto& [name, content] : files) {
    const std::string p = dir + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    if (name == "reference/postcodes.csv") {
      o.postcodes = p;
    } else if (name == "reference/providers.csv") {
      o.providers.push_back(p);
    } else {
      (name.rfind("previous/", 0) == 0 ? o.previous : o.files).push_back(p);
    }
  }
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  RunValidate(o, out, err);
  std::string json, errs;
  for (auto [f, s] : {std::pair{out, &json}, std::pair{err, &errs}}) {
    std::fflush(f);
    std::rewind(f);
    char buf[1 << 16];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s->append(buf, n);
    std::fclose(f);
  }
  *err_text = errs;
  std::set<std::string> pairs;
  Struct s;
  if (!google::protobuf::util::JsonStringToMessage(json, &s).ok()) {
    pairs.insert("(validate wrote no JSON: " + errs.substr(0, 300) + ")");
    return pairs;
  }
  if (!s.fields().count("files")) return pairs;
  for (const auto& f : s.fields().at("files").list_value().values()) {
    const auto& ff = f.struct_value().fields();
    if (ff.count("usable") && !ff.at("usable").bool_value()) pairs.insert("(a file was refused whole)");
    if (!ff.count("issues")) continue;
    for (const auto& i : ff.at("issues").list_value().values()) {
      const auto& x = i.struct_value().fields();
      pairs.insert(x.at("rule").string_value() + " " + x.at("child").string_value());
    }
  }
  return pairs;
}

std::vector<MutFile> AllMuts() {
  std::vector<MutFile> out;
  const fs::path dir = fs::path(CARESTAT_SOURCE_DIR) / "tests/unit/pipeline/mutations";
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mut") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) out.push_back(ReadMut(p.string()));
  return out;
}

std::string Show(const std::set<std::string>& s) {
  std::string out;
  for (const auto& p : s) out += "    " + p + "\n";
  return out.empty() ? "    (nothing)\n" : out;
}

TEST(Mutation, EachCleanReturnPassesEveryRule) {
  const std::string tmp = MakeTempDir("mutation");
  const auto muts = AllMuts();
  ASSERT_FALSE(muts.empty());
  for (const auto& m : muts) {
    SCOPED_TRACE(m.path);
    for (const auto& p : m.problems) ADD_FAILURE() << p;
    std::map<std::string, std::string> files(m.files.begin(), m.files.end());
    std::string errs;
    const auto found = RunValidateOn(m, files, tmp + "/clean", &errs);
    EXPECT_TRUE(found.empty()) << "the clean return breaks:\n" << Show(found) << errs;
  }
}

TEST(Mutation, EachCaseFindsItsRuleOnItsChildAndNothingElse) {
  const std::string tmp = MakeTempDir("mutation");
  int cases = 0;
  for (const auto& m : AllMuts()) {
    for (const auto& c : m.cases) {
      ++cases;
      const std::string where = fs::path(m.path).filename().string() + ":" + std::to_string(c.line_no) + " (" + c.title + ")";
      SCOPED_TRACE(where);
      if (c.expect.empty()) {
        ADD_FAILURE() << "the case expects nothing";
        continue;
      }
      std::map<std::string, std::string> files(m.files.begin(), m.files.end());
      bool ok = true;
      for (const auto& e : c.edits) {
        const std::string problem = Apply(e, files);
        if (!problem.empty()) {
          ADD_FAILURE() << "line " << e.line_no << ": " << problem;
          ok = false;
        }
      }
      if (!ok) continue;
      std::string errs;
      const auto found = RunValidateOn(m, files, tmp + "/case", &errs);
      EXPECT_EQ(found, c.expect) << where << "\n  expected:\n" << Show(c.expect) << "  found:\n" << Show(found) << errs;
    }
  }
  EXPECT_GT(cases, 0);
}

// Every DfE rule of CIN and SSDA903 that applies in 2023-24 to 2026-27 is broken by a case
// (of a file of a year it applies in) or skipped there with a reason.
TEST(MutationCoverage, EveryDfERuleIsBroken) {
  const auto muts = AllMuts();
  std::vector<std::string> missing;
  // The four collection years the issue names: 2023-24 to 2026-27.
  std::set<std::string> reported;
  for (const std::string dataset : {"cin", "ssda903"})
  for (int year = 2024; year <= 2027; ++year) {
    for (const RuleInfo* r : SelectRules(dataset, year)) {
      if (r->source != "DfE") continue;
      const std::string code(r->code);
      bool covered = false;
      for (const auto& m : muts) {
        if (m.dataset != dataset || !RuleAppliesIn(*r, m.year)) continue;
        if (m.skips.count(code)) covered = true;
        for (const auto& c : m.cases)
          for (const auto& p : c.expect)
            if (p.substr(0, p.find(' ')) == code) covered = true;
      }
      if (!covered && reported.insert(dataset + " " + code).second) missing.push_back(dataset + " " + code);
    }
  }
  std::string list;
  for (const auto& s : missing) list += " " + s;
  EXPECT_TRUE(missing.empty()) << missing.size() << " DfE rules no case breaks:" << list;
}

}  // namespace
}  // namespace carestat
