// File: ssda903.h
// The SSDA903 looked-after children return: its CSV tables (Header, Episodes,
// Reviews, UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes),
// recognised by their column sets, and the same return as XML (EXPSSDA903).
//   std::string table = Ssda903TableOf(header_fields);   // "episodes", or "" if none
//   ParseSsda903Csv(stream, table, "episodes.csv", sink);
//   ParseSsda903Xml(stream, "903.xml", sink);
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

// The table whose column set the header row matches ("" when none does).
std::string Ssda903TableOf(const std::vector<std::string>& header);
// For messages: every table and its expected columns.
std::string Ssda903Tables();

absl::Status ParseSsda903Csv(std::istream& in, const std::string& table, const std::string& file_name,
                             ParseSink& sink);
absl::Status ParseSsda903Xml(std::istream& in, const std::string& file_name, ParseSink& sink);

}  // namespace carestat
