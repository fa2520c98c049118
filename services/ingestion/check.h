// File: check.h
// Reads one file whole (detects its format, parses it, counts what it holds, checks
// its header against the LA and year it was filed under) without storing anything:
// what `carestat validate` prints and what ingestion decides on before it commits.
//   auto report = CheckFile("/inbox/301/2016/cin.xml", "cin.xml", "301", 2016, nullptr);
//   if (report->fatal) { ... nothing may be stored; report->issues says why ... }
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/common.pb.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

namespace validation {
class RowCollector;
class ReferenceData;
}

struct FileReport {
  std::string file;
  Format format = Format::kUnknown;
  std::string dataset;
  std::string la;               // as the file's header states, else as filed
  int collection_year = 0;
  int64_t children = 0;         // distinct child identifiers
  std::map<std::string, int64_t> records;  // per kind: "referral", "contact", ...
  int64_t record_total = 0;
  int errors = 0;
  int queries = 0;
  bool fatal = false;           // the file cannot be read whole: store nothing
  std::vector<v1::ValidationIssue> issues;   // at most CheckOptions::max_kept_issues kept
  std::vector<std::string> fatal_messages;   // why it cannot be read whole (the first 20)
  int64_t issues_dropped = 0;                // found but not kept in `issues`
  // Every issue found counted by (severity, rule), exactly, however many were kept:
  // the per-rule figures of `validate` and of a stored return's data-quality section.
  struct RuleCount {
    int64_t count = 0;
    v1::ValidationIssue first;  // the first issue of the rule, for its message and field
  };
  std::map<std::pair<std::string, std::string>, RuleCount> by_rule;  // ("error"|"query", rule)
};

inline constexpr size_t kMaxIssues = 100000;

struct CheckOptions {
  // How many issues FileReport::issues keeps (the rest are only counted). Ingestion keeps
  // kMaxIssues to store them; `validate` streams every issue to its output through
  // `next` and keeps none, so its memory does not grow with the number of issues.
  size_t max_kept_issues = kMaxIssues;
  // SSDA903 tables are separate files: `validate` collects the rows of all of a return's
  // files here and runs the rule engine on them together (RowCollector::Run). When null,
  // the engine runs on this file's rows alone once it is read.
  validation::RowCollector* ssda903_rows = nullptr;
  // Reference data for the SSDA903 rules that need it (validate --postcodes, --providers).
  const validation::ReferenceData* reference = nullptr;
};

// The record kind's name ("referral" for a CIN census CINdetails).
std::string RecordKindName(const v1::Record& r);
// Sets the child identifier of whichever record kind it holds.
void SetChildId(v1::Record* r, const std::string& id);

// The format of the file at `path`, from its first 64 KiB.
absl::StatusOr<Detected> DetectFile(const std::string& path);

// `expected_la` and `expected_year` (collection year, 2016 for 2015-16) are what the
// file was filed under; empty / 0 skip that check. Every record and issue is also
// passed to `next` when it is not null. Errors only for I/O (the file is unreadable).
absl::StatusOr<FileReport> CheckFile(const std::string& path, const std::string& display_name,
                                     const std::string& expected_la, int expected_year,
                                     ParseSink* next);
absl::StatusOr<FileReport> CheckFile(const std::string& path, const std::string& display_name,
                                     const std::string& expected_la, int expected_year,
                                     ParseSink* next, const CheckOptions& options);

}  // namespace carestat
