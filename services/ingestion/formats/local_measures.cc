#include "services/ingestion/formats/local_measures.h"

namespace carestat {

bool IsLocalMeasuresHeader(const std::vector<std::string>&) { return false; }

absl::Status ParseLocalMeasures(std::istream&, const std::string& file, ParseSink& sink) {
  sink.OnIssue(MakeIssue("format", v1::ERROR, file + ": local measures are not supported yet", file, 0), true);
  return absl::OkStatus();
}

}  // namespace carestat
