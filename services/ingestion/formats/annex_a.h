// File: annex_a.h
// Ofsted Annex A lists as CSV, one file per list, with Ofsted's column headings and
// coded values ("a) Male", "q) 6: Police"). This slice reads list 1 (contacts).
//   if (IsAnnexAList1Header(header_fields)) ParseAnnexAList1(stream, "list1.csv", sink);
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

// The Annex A list (1..11) whose headings the header row has; 0 when none.
int AnnexAListOf(const std::vector<std::string>& header);
// The expected headings of a list, comma-separated, for messages.
std::string AnnexAListColumns(int list);

// Parses one list as CSV. List 1 gives one Contact record per row. Fatal issues:
// unknown or missing columns, a row whose field count differs from the header, a
// missing child id or key date, text that is not CSV. A bad date of birth is a query.
absl::Status ParseAnnexAList(std::istream& in, int list, const std::string& file_name, ParseSink& sink);

// "q) 6: Police" -> "6"; "a) WBRI" -> "WBRI"; "WBRI" -> "WBRI".
std::string OfstedCode(const std::string& value);
// "a) Male", "Male", "M", "1" -> MALE; "b) Female", "F", "2" -> FEMALE.
v1::Sex ParseSex(const std::string& value);

}  // namespace carestat
