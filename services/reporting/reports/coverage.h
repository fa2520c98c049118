// File: coverage.h
// The returns a year's figures read, and what carestat holds of each: stored, rejected
// (an upload refused whole, with ingestion's reason) or missing. The reports list them in
// their data-quality notes, and each table, figure or fact whose returns are not all
// stored says which and why, so no gap in a report is silent (issue 16).
//   v1::ListReturnsResponse list = ...;            // metrics' or ingestion's ListReturns
//   auto rows = CoverageOf(list, "301", 2016);       // collection year 2016: 2015-16
//   std::string gap = GapOf(rows, {"cin-census"}, "2015-16");   // "" when stored
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/source.h"

namespace carestat {

// A return the figures read. A return is held when any of `datasets` is stored for the
// year: the SSDA903 XML ("ssda903") holds every table, an Annex A workbook every list.
struct ExpectedReturn {
  std::string name;                   // "CIN census"
  std::string dataset;                // the dataset of its own file: "ssda903-episodes"
  std::vector<std::string> also_in;   // whole returns that hold it: {"ssda903"}
  std::string feeds;                  // what reads it, in words
};
const std::vector<ExpectedReturn>& ExpectedReturns();

// The coverage of one LA's collection year: each expected return as stored, rejected or
// missing, then every other return stored for the year (expected false).
std::vector<v1::ReturnCoverage> CoverageOf(const v1::ListReturnsResponse& list, const std::string& la,
                                           int collection_year);

// The coverage of the financial year `fy` from a source of returns (nullptr: none, and
// *note says so), or FAILED_PRECONDITION naming every expected return and why it is not
// there when the LA has no return stored for the year: a year with none is not a report.
// A source that cannot list sets *note and gives no rows.
absl::StatusOr<std::vector<v1::ReturnCoverage>> YearCoverage(ReturnsSource* returns, const std::string& la, int fy,
                                                             std::string* note);

// Whether the LA has any return stored for the collection year.
bool AnyStored(const v1::ListReturnsResponse& list, const std::string& la, int collection_year);

// The sentence saying which of the datasets a part of a report reads are not stored for
// `period` and why ("" when all are stored): "2016-17: the CIN census is missing: no file
// was received." or "...: the CIN census (cin.xml) was refused on 5 December 2026: <reason>."
std::string GapOf(const std::vector<v1::ReturnCoverage>& coverage, const std::vector<std::string>& datasets,
                  const std::string& period);

// The datasets an indicator's figures are computed from (empty for a local measure or an
// unknown id).
std::vector<std::string> DatasetsOf(const std::string& indicator);

}  // namespace carestat
