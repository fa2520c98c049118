// File: local_measures.h
// The local measures CSV: figures no export carries (agency social worker rate,
// caseloads, finance), one per row: indicator,la,period,value,source[,name,unit,polarity].
//   if (IsLocalMeasuresHeader(header)) ParseLocalMeasures(stream, "local.csv", sink);
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/ingestion/formats/format.h"

namespace carestat {

bool IsLocalMeasuresHeader(const std::vector<std::string>& header);
absl::Status ParseLocalMeasures(std::istream& in, const std::string& file_name, ParseSink& sink);

}  // namespace carestat
