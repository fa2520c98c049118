#include "pipeline/validate.h"

#include <sys/stat.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pipeline/inbox.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/text.h"
#include "services/ingestion/check.h"
#include "services/ingestion/validation/engine.h"
#include "services/ingestion/validation/reference_data.h"

namespace carestat {
namespace {

// A workbook cell's text: '?' for what XML cannot hold.
std::string CellText(const std::string& s) { return Utf8Text(s, "?", /*controls=*/true); }


const char* SeverityName(const v1::ValidationIssue& i) { return i.severity() == v1::ERROR ? "error" : "query"; }

// Issues counted by (severity, rule) with the first message of each: exact, whatever
// their number, and as small as the rule set.
struct Tally {
  struct Rule {
    int64_t count = 0;
    std::string message;
  };
  std::map<std::pair<std::string, std::string>, Rule> by_rule;
  int64_t errors = 0, queries = 0, issues = 0;
  void Add(const v1::ValidationIssue& i) {
    Rule& r = by_rule[{SeverityName(i), i.rule()}];
    if (r.count++ == 0) r.message = i.message();
    if (i.severity() == v1::ERROR) ++errors; else ++queries;
    ++issues;
  }
  void Add(const Tally& t) {
    for (const auto& [k, r] : t.by_rule) {
      Rule& mine = by_rule[k];
      if (mine.count == 0) mine.message = r.message;
      mine.count += r.count;
    }
    errors += t.errors;
    queries += t.queries;
    issues += t.issues;
  }
};

// Where the issues go as they are found.
class IssueWriter {
 public:
  virtual ~IssueWriter() = default;
  virtual void BeginFile(const std::string& path) = 0;
  virtual void Issue(const std::string& path, const v1::ValidationIssue& i) = 0;
  virtual void EndFile(const std::string& path, const FileReport& r, const Tally& t) = 0;
  // Writes what is left (a summary); an error names the output and the problem.
  virtual absl::Status Finish(const Tally& all) = 0;
  // The rules not run for want of reference data, said once before Finish.
  virtual void NotRun(const std::vector<validation::NotRun>&) {}
};

// "Not run (no reference data given): 164, 169 (--postcodes FILE: the ONS postcode
// lookup); 219 (--providers FILE: Ofsted's provider lists)".
std::string NotRunLine(const std::vector<validation::NotRun>& rules) {
  std::map<std::string, std::string> by_option;
  for (const auto& r : rules) absl::StrAppend(&by_option[r.option], by_option[r.option].empty() ? "" : ", ", r.code);
  std::string out = "Not run (the reference data they need was not given): ";
  bool first = true;
  for (const auto& [option, codes] : by_option) {
    std::string how;
    if (option == "--postcodes") how = "--postcodes FILE, the ONS postcode lookup";
    else if (option == "--providers") how = "--providers FILE, Ofsted's provider lists";
    else how = option;
    absl::StrAppend(&out, first ? "" : "; ", codes, " (", how, ")");
    first = false;
  }
  return out;
}

Json RulesJson(const Tally& t) {
  Json out = Json::array();
  for (const auto& [k, r] : t.by_rule) {
    out.push_back({{"rule", k.second}, {"severity", k.first}, {"count", r.count}, {"message", r.message}});
  }
  return out;
}

// {"files": [{"file": F, "issues": [...streamed...], "format": ..., "errors": E, ...,
//  "issue_count": N, "rules": [{"rule", "severity", "count", "message"}]}, ...],
//  "summary": {"issue_total": N, "error_total": E, "query_total": Q, "rules": [...]}}
// Issues are written as they are found (a return may have millions), so the document is
// never whole: each piece is a JSON value written by JsonLine, and only the brackets and
// keys that join them are written here.
class JsonWriter : public IssueWriter {
 public:
  explicit JsonWriter(FILE* out) : out_(out) { std::fputs("{\"files\": [", out_); }
  void BeginFile(const std::string& path) override {
    std::fprintf(out_, "%s{\"file\": %s, \"issues\": [", files_++ ? ", " : "", JsonQuote(path).c_str());
    first_issue_ = true;
  }
  void Issue(const std::string&, const v1::ValidationIssue& i) override {
    const Json issue = {{"rule", i.rule()},   {"severity", SeverityName(i)}, {"message", i.message()},
                        {"line", i.line()},   {"child", i.child()},          {"field", i.field()}};
    std::fprintf(out_, "%s%s", first_issue_ ? "" : ", ", JsonLine(issue).c_str());
    first_issue_ = false;
  }
  void EndFile(const std::string&, const FileReport& r, const Tally& t) override {
    Json rest = {{"format", FormatName(r.format)}, {"la", r.la}, {"collection_year", r.collection_year},
                 {"usable", !r.fatal},             {"children", r.children}, {"records", Json::object()}};
    for (const auto& [k, n] : r.records) rest["records"][k] = n;
    rest["errors"] = t.errors;
    rest["queries"] = t.queries;
    rest["issue_count"] = t.issues;
    rest["rules"] = RulesJson(t);
    std::fprintf(out_, "], %s", Members(rest).c_str());
  }
  void NotRun(const std::vector<validation::NotRun>& rules) override {
    not_run_ = Json::array();
    for (const auto& rule : rules) not_run_.push_back({{"rule", rule.code}, {"needs", rule.option}});
  }
  absl::Status Finish(const Tally& all) override {
    Json summary = {{"issue_total", all.issues}, {"error_total", all.errors}, {"query_total", all.queries},
                    {"rules", RulesJson(all)}};
    if (!not_run_.is_null()) summary["not_run"] = not_run_;
    std::fprintf(out_, "], \"summary\": %s}\n", JsonLine(summary).c_str());
    std::fflush(out_);
    return absl::OkStatus();
  }

 private:
  // An object's members and its closing brace, to follow members already written.
  static std::string Members(const Json& object) { return JsonLine(object).substr(1); }

  FILE* out_;
  int files_ = 0;
  bool first_issue_ = true;
  Json not_run_;  // null until NotRun
};

class TextWriter : public IssueWriter {
 public:
  explicit TextWriter(FILE* out) : out_(out) {}
  void BeginFile(const std::string& path) override {
    std::fprintf(out_, "%s:\n", path.c_str());
    heading_ = false;
  }
  void Issue(const std::string&, const v1::ValidationIssue& i) override {
    if (!heading_) std::fprintf(out_, "  %-8s %-12s %-7s %-18s %s\n", "severity", "rule", "line", "field", "message");
    heading_ = true;
    std::fprintf(out_, "  %-8s %-12s %-7lld %-18s %s\n", SeverityName(i), i.rule().c_str(),
                 static_cast<long long>(i.line()), i.field().c_str(), i.message().c_str());
  }
  void EndFile(const std::string& path, const FileReport& r, const Tally& t) override {
    std::fprintf(out_, "%s: %s, LA %s, collection year %d%s\n", path.c_str(), FormatName(r.format).c_str(),
                 r.la.empty() ? "?" : r.la.c_str(), r.collection_year,
                 r.fatal ? ": UNUSABLE, nothing of it would be stored" : "");
    std::fprintf(out_, "  children %lld;", static_cast<long long>(r.children));
    for (const auto& [k, n] : r.records) std::fprintf(out_, " %s %lld;", k.c_str(), static_cast<long long>(n));
    std::fprintf(out_, " errors %lld; queries %lld\n", static_cast<long long>(t.errors),
                 static_cast<long long>(t.queries));
    if (!t.by_rule.empty()) {
      std::fprintf(out_, "  by rule:");
      for (const auto& [k, rule] : t.by_rule)
        std::fprintf(out_, " %s (%s) %lld;", k.second.c_str(), k.first.c_str(), static_cast<long long>(rule.count));
      std::fprintf(out_, "\n");
    }
  }
  void NotRun(const std::vector<validation::NotRun>& rules) override {
    std::fprintf(out_, "%s\n", NotRunLine(rules).c_str());
  }
  absl::Status Finish(const Tally&) override {
    std::fflush(out_);
    return absl::OkStatus();
  }

 private:
  FILE* out_;
  bool heading_ = false;
};

const std::vector<std::string> kColumns = {"child", "rule", "severity", "message", "field", "line", "file"};

class CsvIssueWriter : public IssueWriter {
 public:
  CsvIssueWriter(std::string path) : path_(std::move(path)), out_(path_, std::ios::binary | std::ios::trunc), csv_(out_) {
    if (out_) csv_.Row(kColumns);
  }
  bool ok() const { return static_cast<bool>(out_); }
  void BeginFile(const std::string&) override {}
  void Issue(const std::string& file, const v1::ValidationIssue& i) override {
    csv_.Row({i.child(), i.rule(), SeverityName(i), i.message(), i.field(), absl::StrCat(i.line()), file});
  }
  void EndFile(const std::string&, const FileReport&, const Tally&) override {}
  absl::Status Finish(const Tally&) override {
    out_.flush();
    out_.close();
    if (!out_) return absl::InternalError(absl::StrCat(path_, ": could not write the CSV: ", std::strerror(errno)));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::ofstream out_;
  CsvWriter csv_;
};

// A workbook written in libxlsxwriter's constant-memory mode (each row goes to a
// temporary file as the next one starts): a Summary sheet by rule first, then the issues,
// one row each, going on to "Issues 2" and so on past a sheet's 1,048,576 rows.
class XlsxIssueWriter : public IssueWriter {
 public:
  explicit XlsxIssueWriter(std::string path) : path_(std::move(path)) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    wb_ = workbook_new_opt(path_.c_str(), &options);
    if (!wb_) return;
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
    summary_ = workbook_add_worksheet(wb_, "Summary");
    NewIssueSheet();
  }
  ~XlsxIssueWriter() override {
    if (wb_) workbook_close(wb_);  // only when Finish was not reached
  }
  bool ok() const { return wb_ != nullptr && summary_ != nullptr && sheet_ != nullptr; }
  void BeginFile(const std::string&) override {}
  void Issue(const std::string& file, const v1::ValidationIssue& i) override {
    if (row_ >= LXW_ROW_MAX) NewIssueSheet();
    if (!sheet_) return;
    worksheet_write_string(sheet_, row_, 0, CellText(i.child()).c_str(), nullptr);
    worksheet_write_string(sheet_, row_, 1, CellText(i.rule()).c_str(), nullptr);
    worksheet_write_string(sheet_, row_, 2, SeverityName(i), nullptr);
    // A cell holds at most 32,767 characters; a longer message is cut, not dropped.
    worksheet_write_string(sheet_, row_, 3, CellText(i.message().substr(0, 32000)).c_str(), nullptr);
    worksheet_write_string(sheet_, row_, 4, CellText(i.field()).c_str(), nullptr);
    worksheet_write_number(sheet_, row_, 5, static_cast<double>(i.line()), nullptr);
    worksheet_write_string(sheet_, row_, 6, CellText(file).c_str(), nullptr);
    ++row_;
  }
  void EndFile(const std::string&, const FileReport&, const Tally&) override {}
  absl::Status Finish(const Tally& all) override {
    const char* head[] = {"rule", "severity", "count", "first message"};
    for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(summary_, 0, c, head[c], bold_);
    lxw_row_t r = 1;
    for (const auto& [k, rule] : all.by_rule) {
      worksheet_write_string(summary_, r, 0, CellText(k.second).c_str(), nullptr);
      worksheet_write_string(summary_, r, 1, k.first.c_str(), nullptr);
      worksheet_write_number(summary_, r, 2, static_cast<double>(rule.count), nullptr);
      worksheet_write_string(summary_, r, 3, CellText(rule.message.substr(0, 32000)).c_str(), nullptr);
      ++r;
    }
    worksheet_write_string(summary_, r + 1, 0, "issues", bold_);
    worksheet_write_number(summary_, r + 1, 2, static_cast<double>(all.issues), nullptr);
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR)
      return absl::InternalError(absl::StrCat(path_, ": could not write the workbook: ", lxw_strerror(e)));
    return absl::OkStatus();
  }

 private:
  void NewIssueSheet() {
    ++sheets_;
    const std::string name = sheets_ == 1 ? "Issues" : absl::StrCat("Issues ", sheets_);
    sheet_ = workbook_add_worksheet(wb_, name.c_str());
    if (!sheet_) return;
    for (lxw_col_t c = 0; c < kColumns.size(); ++c) worksheet_write_string(sheet_, 0, c, kColumns[c].c_str(), bold_);
    row_ = 1;
  }
  std::string path_;
  lxw_workbook* wb_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_worksheet* summary_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_row_t row_ = 0;
  int sheets_ = 0;
};

// Passes each issue the file gives (filtered by --rules; an issue that makes the file
// unreadable is always passed) to the writer as it is found, and counts it.
class StreamingSink : public ParseSink {
 public:
  StreamingSink(const std::string& path, const std::set<std::string>& rules, IssueWriter* w)
      : path_(path), rules_(rules), w_(w) {}
  void OnRecord(v1::Record, const std::string&) override {}
  void OnIssue(v1::ValidationIssue issue, bool fatal) override {
    if (!fatal && !rules_.empty() && !rules_.count(issue.rule())) return;
    tally.Add(issue);
    // An issue of the SSDA903 return as a whole names the table file it was found in.
    w_->Issue(issue.file().empty() ? path_ : issue.file(), issue);
  }
  Tally tally;

 private:
  const std::string& path_;
  const std::set<std::string>& rules_;
  IssueWriter* w_;
};

}  // namespace

std::optional<int> ParseValidateYear(const std::string& s, std::string* problem) {
  int year = 0;
  if (s.size() == 4 && absl::SimpleAtoi(s, &year) && year > kFirstFinancialYear && year <= kLastFinancialYear + 1)
    return year;
  std::string why;
  if (auto start = ParseFinancialYear(s, &why)) return *start + 1;
  *problem = absl::StrCat("--year '", s, "' is neither a financial year like 2025-26 nor a collection year like 2026");
  return std::nullopt;
}

int RunValidate(const ValidateOptions& o, FILE* out, FILE* err) {
  constexpr int kOk = 0, kProblems = 1, kUsage = 2;
  std::unique_ptr<IssueWriter> writer;
  switch (o.output) {
    case ValidateOutput::kText: writer = std::make_unique<TextWriter>(out); break;
    case ValidateOutput::kJson: writer = std::make_unique<JsonWriter>(out); break;
    case ValidateOutput::kCsv: {
      auto w = std::make_unique<CsvIssueWriter>(o.out_path);
      if (!w->ok()) {
        std::fprintf(err, "%s: cannot write it: %s\n", SafeName(o.out_path).c_str(), std::strerror(errno));
        return kUsage;
      }
      writer = std::move(w);
      break;
    }
    case ValidateOutput::kXlsx: {
      auto w = std::make_unique<XlsxIssueWriter>(o.out_path);
      if (!w->ok()) {
        std::fprintf(err, "%s: cannot write a workbook there\n", SafeName(o.out_path).c_str());
        return kUsage;
      }
      writer = std::move(w);
      break;
    }
  }
  // Reference data first: a lookup that cannot be read stops the run before any output.
  validation::ReferenceData reference;
  if (!o.postcodes.empty()) {
    if (absl::Status s = reference.LoadPostcodes(o.postcodes); !s.ok()) {
      std::fprintf(err, "--postcodes %s\n", std::string(s.message()).c_str());
      return kUsage;
    }
  }
  for (const auto& path : o.providers) {
    if (absl::Status s = reference.LoadProviders(path); !s.ok()) {
      std::fprintf(err, "--providers %s\n", std::string(s.message()).c_str());
      return kUsage;
    }
  }
  // The collection years of the SSDA903 returns checked: their rules that need reference
  // data not given are named once at the end.
  std::set<int> ssda903_years;
  CheckOptions check;
  check.max_kept_issues = 0;
  check.reference = &reference;  // every issue is streamed to the writer; none is kept
  int worst = kOk;
  Tally all;
  // An SSDA903 return is a set of table files: their rows are checked together against
  // DfE's rules once all are read, one return per LA and collection year.
  struct Return {
    validation::RowCollector rows;
    Format format = Format::kUnknown;
    int files = 0;
    std::string inbox_folder;  // INBOX/<LA>/<year> when its tables came from one
  };
  std::map<std::pair<std::string, int>, Return> returns;
  for (const auto& path : o.files) {
    std::string la = o.la;
    int year = o.year;
    std::string path_la;
    int path_year = 0;
    if (LaAndYearFromPath(path, &path_la, &path_year)) {
      if (la.empty()) la = path_la;
      if (year == 0) year = path_year;
    }
    // Only a regular file is read: stat first, so a FIFO is never opened (it would wait
    // for a writer forever) and a folder is called a folder, not an empty file.
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      std::fprintf(err, "%s: cannot read it: %s\n", SafeName(path).c_str(), std::strerror(errno));
      worst = kUsage;
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      std::fprintf(err, "%s: is %s, not a return file%s\n", SafeName(path).c_str(), FileTypeName(st.st_mode).c_str(),
                   S_ISDIR(st.st_mode) ? " (give the files in it, e.g. FOLDER/*)" : "; only regular files are read");
      worst = kUsage;
      continue;
    }
    // A file that cannot even be opened is said before anything of it is written.
    auto detected = DetectFile(path);
    if (!detected.ok()) {
      std::fprintf(err, "%s\n", std::string(detected.status().message()).c_str());
      worst = kUsage;
      continue;
    }
    check.ssda903_rows = nullptr;
    if (detected->format == Format::kSsda903Csv) {  // the XML return is checked whole, alone
      Return& ret = returns[{la, year}];
      check.ssda903_rows = &ret.rows;
      if (ret.files++ == 0) ret.format = detected->format;
      if (ret.inbox_folder.empty() && path_year != 0 && path_year == year && path_la == la) {
        ret.inbox_folder = std::filesystem::absolute(path).lexically_normal().parent_path().string();
      }
      ret.rows.SetReference(&reference);
    }
    writer->BeginFile(path);
    StreamingSink sink(path, o.rules, writer.get());
    auto r = CheckFile(path, path, la, year, &sink, check);
    if (!r.ok()) {
      // Read error mid-file: what was found is written, the file counted unusable.
      std::fprintf(err, "%s\n", std::string(r.status().message()).c_str());
      FileReport broken;
      broken.file = path;
      broken.la = la;
      broken.collection_year = year;
      broken.fatal = true;
      writer->EndFile(path, broken, sink.tally);
      all.Add(sink.tally);
      worst = kUsage;
      continue;
    }
    writer->EndFile(path, *r, sink.tally);
    all.Add(sink.tally);
    if (detected->format == Format::kSsda903Xml) ssda903_years.insert(r->collection_year);
    if (r->fatal) worst = kUsage;
    else if (sink.tally.errors > 0 && worst == kOk) worst = kProblems;
  }
  // Last year's tables join the return of their LA whose year follows theirs: those
  // given, or else those of the inbox folder of the year before.
  std::vector<std::string> previous = o.previous;
  if (previous.empty() && o.previous_from_inbox) {
    for (const auto& [key, ret] : returns) {
      if (ret.inbox_folder.empty()) continue;
      const std::filesystem::path folder =
          std::filesystem::path(ret.inbox_folder).parent_path() / std::to_string(key.second - 1);
      std::error_code ec;
      if (!std::filesystem::is_directory(folder, ec)) continue;
      std::vector<std::string> tables;
      for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
        std::error_code fec;
        if (!e.is_regular_file(fec) || e.path().filename().string().rfind('.', 0) == 0) continue;
        auto d = DetectFile(e.path().string());
        if (d.ok() && d->format == Format::kSsda903Csv) tables.push_back(e.path().string());
      }
      if (tables.empty()) continue;
      std::sort(tables.begin(), tables.end());
      std::fprintf(err,
                   "note: last year's SSDA903 tables read from %s (%zu %s) for the rules that compare the two "
                   "years\n",
                   SafeName(folder.string()).c_str(), tables.size(), tables.size() == 1 ? "file" : "files");
      previous.insert(previous.end(), tables.begin(), tables.end());
    }
  }
  for (const auto& path : previous) {
    std::string la = o.la, path_la;
    int year = o.year, path_year = 0;
    if (LaAndYearFromPath(path, &path_la, &path_year)) {
      if (la.empty()) la = path_la;
      if (year == 0) year = path_year + 1;
    }
    auto detected = DetectFile(path);
    if (!detected.ok() || detected->format != Format::kSsda903Csv) {
      std::fprintf(err, "%s: --previous takes the previous year's SSDA903 CSV tables%s\n", SafeName(path).c_str(),
                   detected.ok() ? "" : (": " + std::string(detected.status().message())).c_str());
      worst = kUsage;
      continue;
    }
    auto ret = returns.find({la, year});
    if (ret == returns.end()) {
      std::fprintf(err, "%s: no SSDA903 return of LA %s for %d among the files to check, to compare it with\n",
                   SafeName(path).c_str(), la.empty() ? "?" : la.c_str(), year);
      worst = kUsage;
      continue;
    }
    // Its own issues are last year's business: only its rows are kept.
    struct Quiet : ParseSink {
      void OnRecord(v1::Record, const std::string&) override {}
      void OnIssue(v1::ValidationIssue, bool fatal) override { unusable = unusable || fatal; }
      bool unusable = false;
    } quiet;
    CheckOptions prev = check;
    prev.ssda903_rows = &ret->second.rows;
    ret->second.rows.SetTableSuffix("_last");
    auto r = CheckFile(path, path, la, year - 1, &quiet, prev);
    ret->second.rows.SetTableSuffix("");
    if (!r.ok() || quiet.unusable) {
      std::fprintf(err, "%s: last year's table cannot be read whole; check it on its own\n", SafeName(path).c_str());
      worst = kUsage;
    }
  }
  for (auto& [key, ret] : returns) {
    const auto& [la, year] = key;
    FileReport report;
    report.format = ret.format;
    report.dataset = "ssda903";
    report.la = la;
    report.collection_year = year ? year : ret.rows.year();
    report.children = static_cast<int64_t>(ret.rows.children());
    report.file = absl::StrCat("SSDA903 return", la.empty() ? "" : absl::StrCat(" of LA ", la),
                               report.collection_year
                                   ? absl::StrCat(" for ", FormatPeriod(FinancialYear(report.collection_year - 1)))
                                   : "",
                               " (", ret.files, ret.files == 1 ? " file" : " files", ", DfE's rules across its tables)");
    writer->BeginFile(report.file);
    StreamingSink sink(report.file, o.rules, writer.get());
    ret.rows.Run(sink, year, la, o.rules);
    ssda903_years.insert(report.collection_year);
    writer->EndFile(report.file, report, sink.tally);
    all.Add(sink.tally);
    if (sink.tally.errors > 0 && worst == kOk) worst = kProblems;
  }
  std::vector<validation::NotRun> not_run;
  {
    std::set<std::string> seen;
    for (int year : ssda903_years) {
      for (auto& r : validation::RulesNotRun("ssda903", year, &reference)) {
        if (!o.rules.empty() && !o.rules.count(r.code)) continue;
        if (seen.insert(r.code).second) not_run.push_back(std::move(r));
      }
    }
  }
  if (!not_run.empty()) {
    writer->NotRun(not_run);
    if (o.output == ValidateOutput::kCsv || o.output == ValidateOutput::kXlsx)
      std::fprintf(err, "%s\n", NotRunLine(not_run).c_str());
  }
  if (absl::Status s = writer->Finish(all); !s.ok()) {
    std::fprintf(err, "%s\n", std::string(s.message()).c_str());
    return kUsage;
  }
  return worst;
}

}  // namespace carestat
