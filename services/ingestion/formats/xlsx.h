// File: xlsx.h
// The Ofsted Annex A workbook (XLSX): one sheet per list, read with minizip and expat.
//   ParseAnnexAXlsx("/inbox/301/2016/annex_a.xlsx", "annex_a.xlsx", sink);
// Each sheet's list is recognised from its header row (the sheet's name does not
// decide), and its rows go through the same AnnexARowMapper as a list's CSV file. Issues
// name the place as "sheet List 3 row 5": `line` is the row and `path` the sheet's name.
// Rows are streamed; only the shared strings table is held in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

// Reads every sheet of the workbook at `path`. Fatal issues: not a readable zip (empty,
// truncated, damaged), no workbook part, a part that is missing, damaged or not
// well-formed XML, or no sheet that is an Annex A list. A sheet whose header row matches
// no list is a query and is skipped; an empty sheet is skipped. Returns non-OK only when
// the file cannot be opened.
absl::Status ParseAnnexAXlsx(const std::string& path, const std::string& file_name, ParseSink& sink);

// Any workbook, every sheet row by row, for tables that are not Annex A lists (Ofsted's
// provider lists): `on_row(sheet, row, cells)` for each row with content, cells by
// column ("" where empty; a number as Excel shows it in a General cell, so a date cell
// gives its serial: ExcelSerialToDays with *date1904). Returns an error naming the
// problem when the file is not a readable workbook.
using XlsxRowFn = std::function<void(const std::string& sheet, int64_t row, const std::vector<std::string>& cells)>;
absl::Status ReadXlsxRows(const std::string& path, const XlsxRowFn& on_row, bool* date1904);

// An Excel serial date as a day number (days since 1970-01-01). In the 1900 system
// serial 1 is 1 January 1900 and serial 60 is Excel's fictitious 29 February 1900 (no
// date); in the 1904 system serial 0 is 1 January 1904. The time of day is dropped.
// Empty for serials that are no date (60, below the first day, beyond 9999).
std::optional<int32_t> ExcelSerialToDays(double serial, bool date1904);

// The 0-based column of a cell reference: "A1" -> 0, "AB12" -> 27; -1 when `ref` is not
// a cell reference.
int XlsxColumnIndex(std::string_view ref);

}  // namespace carestat
