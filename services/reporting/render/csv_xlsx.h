// File: csv_xlsx.h
// The table-only formats. CSV: a header line and one line per row, numbers unrounded
// (shortest text that reads back as the same double), "c" for a suppressed figure and
// an empty field for one that is not available. XLSX (libxlsxwriter): a sheet per
// table, numbers as numbers with a display format that rounds them as the reports do.
//   std::string csv = CsvOf(tables[0]);
//   absl::StatusOr<std::string> xlsx = XlsxOf(tables, "Annual report 2015-16");
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/reporting/render/tabulate.h"

namespace carestat {

std::string CsvOf(const DataTable& table);
// Every table in one long file: table,row,column,value (row: the key columns joined by " / ").
std::string LongCsvOf(const std::vector<DataTable>& tables);
// Writes a temporary workbook and returns its bytes.
absl::StatusOr<std::string> XlsxOf(const std::vector<DataTable>& tables, const std::string& title);
// "1.5", "11393": the shortest text that reads back as the same double.
std::string ExactNumber(double v);

}  // namespace carestat
