// File: cin_census.h
// The DfE CIN census XML return, read in one streaming pass with expat: memory holds
// one child at a time whatever the file size.
//   std::ifstream in(path, std::ios::binary);
//   ParseCinCensus(in, "cin.xml", sink);   // Child and Referral records, issues
// Stray text between elements is reported as a query and otherwise ignored.
#pragma once

#include <istream>
#include <string>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

// `collection_year` (2026 for 2025-26; 0: the header's) chooses the year of the rule
// engine's DfE rules, for `validate --year`.
absl::Status ParseCinCensus(std::istream& in, const std::string& file_name, ParseSink& sink, int collection_year = 0);

}  // namespace carestat
