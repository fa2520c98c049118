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
// The unit of a measure: the file's unit column, else what its id ends in (_pct:
// percent, _gbp: gbp, _days: days, as the catalogue names them), else "".
std::string LocalMeasureUnit(const std::string& indicator, const std::string& unit_column);
// Why `value` cannot be a figure in `unit` ("" when it can): not finite; negative for
// percent, count, gbp, days and rates; over 100 for a percentage; not whole for a count.
std::string LocalMeasureValueProblem(double value, const std::string& unit);
absl::Status ParseLocalMeasures(std::istream& in, const std::string& file_name, ParseSink& sink);

}  // namespace carestat
