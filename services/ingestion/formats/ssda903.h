// File: ssda903.h
// The SSDA903 looked-after children return: its CSV tables (Header, Episodes, Reviews,
// UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes, DoLo), recognised
// by their column sets, and the same return as XML (EXPSSDA903).
//   std::string table = Ssda903TableOf(header_fields);   // "episodes", or "" if none
//   ParseSsda903Csv(stream, table, "episodes.csv", sink);
//   ParseSsda903Xml(stream, "903.xml", sink);
//
// Tables and the records their rows become:
//   header -> Child                      episodes -> CareEpisode
//   reviews -> LacReview                 uasc -> UascStatus
//   oc2 -> LacOutcomes                   oc3 -> CareLeaver
//   ad1 -> Adoption (source_table ad1)   placed_adoption -> Adoption (placed_adoption)
//   prev_perm -> PreviousPermanence      missing -> MissingEpisode
//   sw_episodes -> SocialWorkerEpisode   dolo -> DeprivationOfLiberty
// UPNs, mothers' details, full postcodes, URNs and social worker identifiers are never
// put in a record. Validation follows DfE's rule codes (see ssda903.cc).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

struct Ssda903Options {
  // The collection year the return was filed under (2016 for 2015-16). Rules 357 and 361
  // need the start and end of the year, 101 and 146 its code lists. 0: inferred from the
  // latest episode start (DECOM) in the file, which in a valid return lies in the
  // collection year (a table without episodes then gets every year's codes).
  int collection_year = 0;
};

// The table whose column set the header row matches ("" when none does). Column names
// match ignoring case and surrounding spaces, in any order. A header that has CHILD and
// some of a table's own columns but also misses or adds columns still names that table,
// so that the parser can say which columns are wrong.
std::string Ssda903TableOf(const std::vector<std::string>& header);
// For messages: every table and its expected columns.
std::string Ssda903Tables();
// The expected columns of one table, comma-separated ("" for an unknown table).
std::string Ssda903TableColumns(const std::string& table);
// The tables ("header", "episodes", ...) and one table's columns, in order.
std::vector<std::string> Ssda903TableNames();
std::vector<std::string> Ssda903TableColumnList(const std::string& table);

// One record per row; Episodes rows are held per child to the end of the file (rules
// 142, 146, 357, 361, 388 and 501 need all of a child's episodes or the year they give)
// and then passed on in file order, PrevPerm rows likewise (rule 632 compares DATE_PERM
// with the child's first DECOM, when the episodes are in the same parse: the XML).
// Fatal issues: missing or unknown columns, a row with a different field count, an empty
// CHILD, text that is not CSV. A blank or unparseable key date (Episodes DECOM 141,
// Reviews REVIEW 166, Missing MIS_START 1004, SWEpisodes SW_DECOM SW04STG1, DoLo
// DOLO_START 700) is an error that leaves that row out (no record) while the rest is
// read. Other bad dates and codes are issues on the record (issue_rules, has_error).
absl::Status ParseSsda903Csv(std::istream& in, const std::string& table, const std::string& file_name,
                             ParseSink& sink);
absl::Status ParseSsda903Csv(std::istream& in, const std::string& table, const std::string& file_name,
                             ParseSink& sink, const Ssda903Options& options);

// The same records and rules from the XML return, streamed one CHILD at a time. When
// the collection year is not given and the stream can seek, a first pass over the bytes
// finds the latest DECOM. Malformed XML is fatal, naming the line and column.
absl::Status ParseSsda903Xml(std::istream& in, const std::string& file_name, ParseSink& sink);
absl::Status ParseSsda903Xml(std::istream& in, const std::string& file_name, ParseSink& sink,
                             const Ssda903Options& options);

}  // namespace carestat
