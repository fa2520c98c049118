// File: format.h
// What every parser shares: the sink that receives records and issues, the formats
// and datasets carestat knows, and detection of a file's format from its content.
//   Detected d = DetectFormat(first_64k_bytes);
//   if (d.format == Format::kUnknown) { ... d.problem says what was expected ... }
//   absl::Status s = ParseStream(d, stream, "contacts.csv", sink);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "carestat/v1/common.pb.h"
#include "carestat/v1/records.pb.h"
#include "services/common/datasets.h"

namespace carestat {

namespace validation {
class RowCollector;
}

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
  // Where an SSDA903 parser puts a copy of each row for the rule engine, which checks
  // them once every table of the return is read (nullptr: the engine's rules are not run).
  virtual validation::RowCollector* Ssda903Rows() { return nullptr; }
  // Whether the CIN census parser runs the rule engine's DfE rules (tests of how a file
  // is read turn them off).
  virtual bool WantsEngineRules() const { return true; }
};

struct Detected {
  Format format = Format::kUnknown;
  std::string dataset;
  int annex_a_list = 0;       // 1..11 for kAnnexACsv
  std::string ssda903_table;  // "episodes", "header", ... for kSsda903Csv
  std::string problem;  // why the format is unknown, naming what was expected
  // The file is UTF-16 with a byte order mark (as Windows tools write it): it is read
  // converted to UTF-8.
  bool utf16 = false;
  bool utf16_big_endian = false;
};

// UTF-16 bytes (after the byte order mark) as UTF-8; nullopt for an unpaired surrogate.
// A last odd byte or a surrogate cut off at the end of `bytes` is left out when
// `partial` (the start of a file), else it is an error.
std::optional<std::string> Utf16ToUtf8(std::string_view bytes, bool big_endian, bool partial);

// Looks at the first bytes of a file (64 KiB is enough).
Detected DetectFormat(std::string_view head);

// Parses a whole file of a detected format, streaming. `path` is read; `file_name` is
// what messages call it; `collection_year` (0 when unknown) is the year it was filed
// under, which rules bounded by the collection year need. Returns non-OK only for I/O
// failure; problems in the content go to the sink as issues.
absl::Status ParseFile(const Detected& detected, const std::string& path, const std::string& file_name,
                       int collection_year, ParseSink& sink);

// True for a column or element that identifies a child (LA child id, UPN, date of
// birth, postcode, name, adopter id): its value never goes into a message, which names
// the line and the field instead (the issue's `child` carries the id, pseudonymised by
// ingestion before anything leaves).
bool IsIdentifyingField(std::string_view field);
// A bad value for a message: "'abc'" (shortened past 24 characters), or "(value not
// shown)" for an identifying field.
std::string ShowValue(std::string_view field, std::string_view value);
// A column heading of a header row that was recognised, for "unknown column" messages:
// quoted when it reads like a heading (no digits, or several words), else "(not shown)",
// as a cell that holds an identifier or a date may be data rather than a heading.
std::string ShowHeading(std::string_view heading);
// "unknown column 'Worker Name'", or "unknown column number 3 (heading not shown)" when
// the heading does not read like one; and the issue field to go with it.
std::string UnknownColumn(size_t index, std::string_view heading);
std::string HeadingField(size_t index, std::string_view heading);

// Builds an issue; `line` 0 means the whole file.
v1::ValidationIssue MakeIssue(std::string rule, v1::Severity severity, std::string message,
                              const std::string& file, int64_t line, std::string field = "",
                              std::string child = "", std::string path = "");

}  // namespace carestat
