#include "services/ingestion/formats/format.h"

#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/ingestion/formats/annex_a.h"
#include "services/ingestion/formats/cin_census.h"
#include "services/common/csv.h"

namespace carestat {

std::string FormatName(Format f) {
  switch (f) {
    case Format::kCinCensusXml: return "cin-census-xml";
    case Format::kAnnexACsv: return "annex-a-csv";
    case Format::kUnknown: break;
  }
  return "unknown";
}

v1::ValidationIssue MakeIssue(std::string rule, v1::Severity severity, std::string message,
                              const std::string& file, int64_t line, std::string field,
                              std::string child, std::string path) {
  v1::ValidationIssue i;
  i.set_rule(std::move(rule));
  i.set_severity(severity);
  i.set_message(std::move(message));
  i.set_file(file);
  i.set_line(line);
  i.set_field(std::move(field));
  i.set_child(std::move(child));
  i.set_path(std::move(path));
  return i;
}

Detected DetectFormat(std::string_view head) {
  Detected d;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i == head.size()) {
    d.problem = "the file is empty";
    return d;
  }
  if (head.find('\0') != std::string_view::npos) {
    d.problem = "the file holds binary data (NUL bytes): expected CIN census XML or a CSV list";
    return d;
  }
  if (head[i] == '<') {
    if (head.find("<Message") != std::string_view::npos &&
        (head.find("<Collection>CIN") != std::string_view::npos ||
         head.find("<CINdetails") != std::string_view::npos ||
         head.find("<Children") != std::string_view::npos)) {
      d.format = Format::kCinCensusXml;
      d.dataset = kDatasetCinCensus;
      return d;
    }
    d.problem = "an XML file that is not a CIN census return: expected a <Message> with "
                "<CollectionDetails><Collection>CIN";
    return d;
  }
  // A CSV list: recognised by its header row.
  std::string text(head.substr(i));
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::string> header;
  if (!reader.Next(&header)) {
    d.problem = reader.error().empty() ? "no header row" : reader.error();
    return d;
  }
  if (IsAnnexAList1Header(header)) {
    d.format = Format::kAnnexACsv;
    d.dataset = kDatasetAnnexAList1;
    return d;
  }
  std::vector<std::string> names;
  for (auto& h : header) names.push_back("'" + h + "'");
  d.problem = absl::StrCat("the header row (", absl::StrJoin(names, ", "),
                           ") matches no known list: expected Ofsted Annex A list 1 (",
                           AnnexAList1Columns(), ")");
  return d;
}

absl::Status ParseStream(const Detected& detected, std::istream& in, const std::string& file_name,
                         ParseSink& sink) {
  switch (detected.format) {
    case Format::kCinCensusXml: return ParseCinCensus(in, file_name, sink);
    case Format::kAnnexACsv: return ParseAnnexAList1(in, file_name, sink);
    case Format::kUnknown: break;
  }
  sink.OnIssue(MakeIssue("format", v1::ERROR, absl::StrCat(file_name, ": ", detected.problem),
                         file_name, 0),
               true);
  return absl::OkStatus();
}

}  // namespace carestat
