// File: format.h
// What every parser shares: the sink that receives records and issues, the formats
// and datasets carestat knows, and detection of a file's format from its content.
//   Detected d = DetectFormat(first_64k_bytes);
//   if (d.format == Format::kUnknown) { ... d.problem says what was expected ... }
//   absl::Status s = ParseStream(d, stream, "contacts.csv", sink);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "carestat/v1/common.pb.h"
#include "carestat/v1/records.pb.h"
#include "services/common/datasets.h"

namespace carestat {

enum class Format {
  kUnknown,
  kCinCensusXml,
  kAnnexACsv,     // one Ofsted Annex A list as CSV
  kAnnexAXlsx,    // the Annex A workbook, one sheet per list
  kSsda903Csv,    // one SSDA903 table as CSV
  kSsda903Xml,    // the whole SSDA903 return as XML (EXPSSDA903)
  kLocalMeasures, // indicator,la,period,value,source
};

// "cin-census-xml", "annex-a-csv", ... as `validate --json` prints them.
std::string FormatName(Format f);


// Receives what a parser reads. Records carry the LA's own child identifier; the sink
// decides what to do with it (pseudonymise and store, or only count).
class ParseSink {
 public:
  virtual ~ParseSink() = default;
  // `raw_child_id` is the identifier as the file gives it.
  virtual void OnRecord(v1::Record record, const std::string& raw_child_id) = 0;
  // A fatal issue means the file cannot be read whole: nothing of it may be stored.
  virtual void OnIssue(v1::ValidationIssue issue, bool fatal) = 0;
  // The LA and collection year that the file's own header states (CIN census).
  virtual void OnHeader(const std::string& la, int collection_year, int line) {}
};

struct Detected {
  Format format = Format::kUnknown;
  std::string dataset;
  int annex_a_list = 0;       // 1..11 for kAnnexACsv
  std::string ssda903_table;  // "episodes", "header", ... for kSsda903Csv
  std::string problem;  // why the format is unknown, naming what was expected
};

// Looks at the first bytes of a file (64 KiB is enough).
Detected DetectFormat(std::string_view head);

// Parses a whole file of a detected format, streaming. `path` is read; `file_name` is
// what messages call it; `collection_year` (0 when unknown) is the year it was filed
// under, which rules bounded by the collection year need. Returns non-OK only for I/O
// failure; problems in the content go to the sink as issues.
absl::Status ParseFile(const Detected& detected, const std::string& path, const std::string& file_name,
                       int collection_year, ParseSink& sink);

// Builds an issue; `line` 0 means the whole file.
v1::ValidationIssue MakeIssue(std::string rule, v1::Severity severity, std::string message,
                              const std::string& file, int64_t line, std::string field = "",
                              std::string child = "", std::string path = "");

}  // namespace carestat
