// File: engine.h
// Runs the engine's rules (model.h) over children as a parser hands them over, and turns
// what they find into issues. The CIN census parser runs it child by child as it reads
// (memory holds one child); SSDA903 tables are separate files, so their rows are
// collected by child (RowCollector) and checked once the return's files are all read.
//   Engine engine(ctx);
//   engine.Child(child, &findings);   // for each child
//   engine.Finish(&findings);         // rules over the whole return
//   for (const Finding& f : findings) sink.OnIssue(IssueOf(f, ctx, file), false);
#pragma once

#include <cstdio>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "carestat/v1/common.pb.h"
#include "services/ingestion/formats/format.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {

struct Finding {
  const RuleDef* rule = nullptr;
  const Row* row = nullptr;  // nullptr: the whole return
  std::string child;
  std::string field;
  std::string detail;
  int64_t line = 0;
  std::string file;
};

class Engine {
 public:
  // `only`: the rule codes to run (empty: all of the dataset's rules for ctx.year).
  explicit Engine(Context ctx, std::set<std::string> only = {});
  const Context& context() const { return ctx_; }
  size_t rule_count() const { return child_rules_.size() + return_rules_.size(); }

  // Each rule once over the child; a rule reports a row and field once.
  void Child(const ChildData& child, std::vector<Finding>* out);
  void Finish(std::vector<Finding>* out);

 private:
  void Collect(const RuleDef* rule, const ChildData* child, Hits& hits, std::vector<Finding>* out);
  Context ctx_;
  std::vector<const RuleDef*> child_rules_;
  std::vector<std::pair<const RuleDef*, std::unique_ptr<ReturnRule>>> return_rules_;
};

// A rule's detail for a finding on `field` of `row`, or "(value not shown)" when the
// field identifies a child (IsIdentifyingField: a date of birth, a UPN, a postcode) and the
// detail repeats its value, as written or as a date in either form. The engine applies
// it to every finding, whatever a rule wrote.
std::string SafeDetail(const Row& row, const std::string& field, std::string detail);

v1::Severity SeverityOf(const RuleDef& rule);
// The issue for a finding: "FILE line N: DfE's message: detail (field)" with the rule's
// code and severity, the child as in the file, the field and the row's table as path.
v1::ValidationIssue IssueOf(const Finding& f);

// Marks the record behind a finding's row (when the parser gave one): the rule joins its
// issue_rules, so the data-quality figures count it. It does not set has_error: a break
// of a DfE rule about another field (a missing disability code, a mother's status) does
// not make a referral or an episode any less a referral or an episode, and dropping it
// from every figure would make the figures wrong without saying so. What makes a record
// unusable (a key date or code that cannot be read) is the parsers' own rules' to flag.
void FlagRecord(const Finding& f);

// Holds SSDA903 rows by child until the return's files are read, then runs the rules.
class RowCollector {
 public:
  // A new row of `table` (DfE's name: "Episodes") for `child`, for the caller to fill
  // with Row::Set.
  Row& NewRow(std::string_view table, int64_t line, const std::string& file, const std::string& child);
  // A table the return gives, even with no row (a CSV table of column names only): the
  // rules that read a table only when it is provided (601 on AD1, 559 on last year's
  // PlacedAdoption) then see it, empty.
  void ProvideTable(std::string_view table) { tables_.insert(std::string(table) + suffix_); }
  // The collection year the parser took (the one filed under, or inferred).
  void NoteYear(int year) {
    if (year > year_ && suffix_.empty()) year_ = year;
  }
  // Rows added from now on are the previous year's return: "_last" makes Episodes
  // Episodes_last, as the rules that read last year's return name them ("" to stop).
  void SetTableSuffix(std::string suffix) { suffix_ = std::move(suffix); }
  int year() const { return year_; }
  // Reference data for the rules that need it (nullptr: none; those rules do not run).
  void SetReference(const ReferenceData* reference) { reference_ = reference; }
  size_t children() const { return seen_.size(); }
  // Runs the SSDA903 rules of `year` (0: the noted year) on every child and sends the
  // issues to `sink`. `la` when known. Returns the number of issues.
  int64_t Run(ParseSink& sink, int year, const std::string& la, const std::set<std::string>& only = {});

  // Rows past `bytes` (about; 16 MiB unless set: an LA's own return stays in memory) are spilled to anonymous temporary files,
  // one of 32 by a hash of the child, and Run reads them back a file at a time: memory
  // holds about 1/32 of a return however large (a national SSDA903 in CSV). The files are
  // unlinked from the start (tmpfile), readable by this process only, and gone when it ends.
  void SetSpillThreshold(size_t bytes) { spill_threshold_ = bytes; }
  bool spilled() const { return !buckets_.empty(); }

  // The XML return holds each child's every table within its CHILD element, so its rows
  // are checked child by child as the parser ends each one (EndOfChild) and then let go:
  // memory holds one child whatever the file's size. Every table counts as provided.
  void Stream(ParseSink* sink, int year, const std::string& la);
  void EndOfChild();
  void EndStream();  // the rules over the whole return

 private:
  Context MakeContext(int year, const std::string& la) const;
  void Spill();
  // Runs `engine` over the children of rows held in memory, in first-seen order.
  int64_t CheckHeld(Engine& engine, ParseSink& sink);
  std::string suffix_;
  size_t held_bytes_ = 0;
  size_t spill_threshold_ = size_t{16} << 20;
  std::vector<std::unique_ptr<FILE, int (*)(FILE*)>> buckets_;
  std::unordered_set<uint64_t> seen_;  // a hash of every child's id, for children()
  const ReferenceData* reference_ = nullptr;
  ParseSink* stream_sink_ = nullptr;
  int stream_year_ = 0;
  std::string stream_la_;
  std::unique_ptr<Engine> stream_engine_;
  std::deque<Row> rows_;
  std::deque<std::string> files_;
  std::unordered_map<std::string, std::vector<const Row*>> by_child_;
  std::vector<std::string> order_;
  std::set<std::string, std::less<>> tables_;
  int year_ = 0;
};

}  // namespace carestat::validation
