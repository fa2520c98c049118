#include "services/ingestion/formats/ssda903.h"

#include "absl/strings/str_cat.h"

namespace carestat {

// Not read yet: detection says so rather than guessing.
std::string Ssda903TableOf(const std::vector<std::string>&) { return ""; }
std::string Ssda903Tables() { return "SSDA903 tables (not yet supported)"; }

absl::Status ParseSsda903Csv(std::istream&, const std::string&, const std::string& file, ParseSink& sink) {
  sink.OnIssue(MakeIssue("format", v1::ERROR, file + ": SSDA903 CSV is not supported yet", file, 0), true);
  return absl::OkStatus();
}

absl::Status ParseSsda903Xml(std::istream&, const std::string& file, ParseSink& sink) {
  sink.OnIssue(MakeIssue("format", v1::ERROR, file + ": SSDA903 XML is not supported yet", file, 0), true);
  return absl::OkStatus();
}

}  // namespace carestat
