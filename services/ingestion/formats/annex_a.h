// File: annex_a.h
// Ofsted Annex A lists 1 to 11 (the 2015-2023 inspection framework), with Ofsted's
// column headings and coded values ("a) Male", "q) 6: Police"). A list comes as CSV (one
// file per list) or as a sheet of the XLSX workbook (xlsx.h); both feed their rows
// through one AnnexARowMapper, so the same data gives the same records and issues.
//   if (int list = AnnexAListOf(header_fields)) ParseAnnexAList(stream, list, "list3.csv", sink);
//
// Lists and the records their rows become:
//   1 contacts -> Contact            2 early help -> EarlyHelpAssessment
//   3 referrals -> Referral          4 assessments -> Assessment
//   5 section 47 / ICPC -> Section47 6 children in need -> CinCase
//   7 child protection -> CpPlan     8 looked after -> CarePeriod
//   9 care leavers -> CareLeaver     10 adoption -> Adoption
//   11 adopters -> Adopter
// Worker, team, personal adviser, organisation, family identifier, URN and LA of
// placement, and the full placement postcode are never read into a record: only codes,
// dates, counts and yes/no answers are kept.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

// The Annex A list (1..11) whose headings the header row has; 0 when none. Headings
// match ignoring case, spacing, non-breaking spaces and punctuation; a list is told from
// the others by the columns only it has (list 3 by "Date of Referral", ...).
int AnnexAListOf(const std::vector<std::string>& header);
// The expected headings of a list, comma-separated, for messages; "" for no list.
std::string AnnexAListColumns(int list);
// The headings of one list, in order (empty for a list that does not exist).
std::vector<std::string> AnnexAListHeadings(int list);
// True when `heading` is a heading (or its alias) of some list.
bool IsAnnexAHeading(const std::string& heading);

// Parses one list as CSV. Each row gives one record (see above). Fatal issues: unknown
// or missing key columns, a row whose field count differs from the header, an empty
// child (or adopter) identifier, a key date that is not a date, text that is not CSV.
// Other bad values are issues on the record (issue_rules, has_error for errors).
absl::Status ParseAnnexAList(std::istream& in, int list, const std::string& file_name, ParseSink& sink);

// "q) 6: Police" -> "6"; "a) WBRI" -> "WBRI"; "WBRI" -> "WBRI";
// "e) PR4 - Private provision" -> "PR4"; "N1 - Abuse or Neglect" -> "N1".
std::string OfstedCode(const std::string& value);
// "a) Male", "Male", "M", "1" -> MALE; "b) Female", "F", "2" -> FEMALE.
v1::Sex ParseSex(const std::string& value);

// Maps the rows of one list onto records. The CSV reader and the XLSX reader both use
// it; the XLSX reader asks which columns hold dates to turn Excel serial numbers into
// dates first.
//   AnnexARowMapper m(3, "annex_a.xlsx", "List 3");   // sheet "" for a CSV file
//   if (!m.ReadHeader(header, sink)) return;          // fatal issues already sent
//   m.MapRow(cells, 2, sink);                         // cells.size() == m.width()
class AnnexARowMapper {
 public:
  // `sheet` is the workbook sheet's name, or "" for a CSV file: it changes how issues
  // say where they are ("sheet List 3 row 5" rather than "line 5").
  AnnexARowMapper(int list, std::string file, std::string sheet = "");

  // Matches the header row (at `line`) to the list's columns. False after fatal issues
  // (an unknown or repeated column, a missing identifier or key date column).
  bool ReadHeader(const std::vector<std::string>& header, ParseSink& sink, int64_t line = 1);

  int list() const { return list_; }
  // The number of columns of the header row (every row must have as many).
  size_t width() const { return kinds_.size(); }
  bool IsDateColumn(size_t column) const;

  // Maps one data row (`line` is the file line or the sheet row) and passes the record
  // to the sink, or reports why the row cannot be read. A row of empty cells is skipped.
  void MapRow(const std::vector<std::string>& row, int64_t line, ParseSink& sink);

  // Describes a place for messages: "line 5" or "sheet List 3 row 5".
  std::string Where(int64_t line) const;

 private:
  int list_;
  std::string file_;
  std::string sheet_;
  std::vector<int> kinds_;            // per column: its kind, or -1 for an unnamed column
  std::vector<int> field_of_column_;  // per column: the field it holds, -1 for none
  std::vector<int> column_of_field_;  // per field: its column, -1 when absent
  bool warned_unnamed_ = false;
};

}  // namespace carestat
