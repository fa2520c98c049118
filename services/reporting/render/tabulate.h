// File: tabulate.h
// A report as plain tables (one per seed table, chart and list) for the formats that
// are only tables: CSV (a file per table) and XLSX (a sheet per table). Numbers stay
// unrounded numbers here; the unit says how people see them rounded.
//   for (const DataTable& t : Tabulate(report)) WriteCsv(t);
#pragma once

#include <string>
#include <vector>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

struct OutCell {
  enum Kind { kText, kNumber, kMissing, kSuppressed };
  Kind kind = kText;
  std::string text;     // kText
  double number = 0;    // kNumber, unrounded
  std::string unit;     // kNumber: count, percent, rate_per_10k_1dp, ...

  static OutCell Text(std::string s);
  static OutCell Of(const v1::Cell& c, const std::string& unit);
  static OutCell Integer(long long n);
};

struct DataTable {
  std::string name;     // file stem: "table1", "figure1", "facts", "front_door"
  std::string sheet;    // sheet name, at most 31 characters: "Table 1"
  std::string title;
  std::string source;
  std::vector<std::string> header;
  std::vector<int> key_columns;   // the columns that name a row
  std::vector<std::vector<OutCell>> rows;
};

std::vector<DataTable> Tabulate(const v1::AnnualReport& report);
std::vector<DataTable> Tabulate(const v1::SelfAssessment& sa);

}  // namespace carestat
