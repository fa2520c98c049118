#include "services/ingestion/formats/xlsx.h"

namespace carestat {

absl::Status ParseAnnexAXlsx(const std::string&, const std::string& file, ParseSink& sink) {
  sink.OnIssue(MakeIssue("format", v1::ERROR, file + ": the Annex A workbook is not supported yet", file, 0),
               true);
  return absl::OkStatus();
}

}  // namespace carestat
