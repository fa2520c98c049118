#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/csv.h"
#include "services/ingestion/formats/annex_a.h"
#include "services/ingestion/formats/cin_census.h"
#include "services/ingestion/formats/format.h"
#include "services/ingestion/formats/local_measures.h"
#include "services/ingestion/formats/ssda903.h"
#include "services/ingestion/formats/xlsx.h"

namespace carestat {

std::string FormatName(Format f) {
  switch (f) {
    case Format::kCinCensusXml: return "cin-census-xml";
    case Format::kAnnexACsv: return "annex-a-csv";
    case Format::kAnnexAXlsx: return "annex-a-xlsx";
    case Format::kSsda903Csv: return "ssda903-csv";
    case Format::kSsda903Xml: return "ssda903-xml";
    case Format::kLocalMeasures: return "local-measures";
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

namespace {
constexpr char kExpected[] =
    "expected CIN census XML, SSDA903 XML or CSV tables, an Ofsted Annex A list (CSV or the "
    "XLSX workbook) or a local measures CSV";
}  // namespace

Detected DetectFormat(std::string_view head) {
  Detected d;
  if (head.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
    d.format = Format::kAnnexAXlsx;
    d.dataset = kDatasetAnnexAWorkbook;
    return d;
  }
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i == head.size()) {
    d.problem = absl::StrCat("the file is empty: ", kExpected);
    return d;
  }
  if (head.find('\0') != std::string_view::npos) {
    d.problem = absl::StrCat("the file holds binary data (NUL bytes): ", kExpected);
    return d;
  }
  if (head[i] == '<') {
    if (head.find("<EXPSSDA903") != std::string_view::npos) {
      d.format = Format::kSsda903Xml;
      d.dataset = kDatasetSsda903Xml;
      return d;
    }
    if (head.find("<Message") != std::string_view::npos &&
        (head.find("<Collection>CIN") != std::string_view::npos ||
         head.find("<CINdetails") != std::string_view::npos ||
         head.find("<Children") != std::string_view::npos)) {
      d.format = Format::kCinCensusXml;
      d.dataset = kDatasetCinCensus;
      return d;
    }
    d.problem = "an XML file that is neither a CIN census return (<Message> with "
                "<CollectionDetails><Collection>CIN) nor an SSDA903 return (<EXPSSDA903>)";
    return d;
  }
  // A CSV: recognised by its header row.
  std::string text(head.substr(i));
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::string> header;
  if (!reader.Next(&header)) {
    d.problem = reader.error().empty() ? "no header row" : reader.error();
    return d;
  }
  if (int list = AnnexAListOf(header)) {
    d.format = Format::kAnnexACsv;
    d.annex_a_list = list;
    d.dataset = AnnexAListDataset(list);
    return d;
  }
  if (std::string table = Ssda903TableOf(header); !table.empty()) {
    d.format = Format::kSsda903Csv;
    d.ssda903_table = table;
    d.dataset = Ssda903Dataset(table);
    return d;
  }
  if (IsLocalMeasuresHeader(header)) {
    d.format = Format::kLocalMeasures;
    d.dataset = kDatasetLocalMeasures;
    return d;
  }
  std::vector<std::string> names;
  for (auto& h : header) names.push_back("'" + h + "'");
  d.problem = absl::StrCat("the header row (", absl::StrJoin(names, ", "), ") matches no known table: ",
                           kExpected, ". Annex A list 1 has ", AnnexAListColumns(1), "; ", Ssda903Tables(),
                           "; local measures have indicator, la, period, value, source");
  return d;
}

absl::Status ParseFile(const Detected& detected, const std::string& path, const std::string& file_name,
                       int collection_year, ParseSink& sink) {
  if (detected.format == Format::kUnknown) {
    sink.OnIssue(MakeIssue("format", v1::ERROR, absl::StrCat(file_name, ": ", detected.problem), file_name, 0),
                 true);
    return absl::OkStatus();
  }
  if (detected.format == Format::kAnnexAXlsx) return ParseAnnexAXlsx(path, file_name, sink);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  switch (detected.format) {
    case Format::kCinCensusXml: return ParseCinCensus(in, file_name, sink);
    case Format::kAnnexACsv: return ParseAnnexAList(in, detected.annex_a_list, file_name, sink);
    case Format::kSsda903Csv:
      return ParseSsda903Csv(in, detected.ssda903_table, file_name, sink, Ssda903Options{collection_year});
    case Format::kSsda903Xml: return ParseSsda903Xml(in, file_name, sink, Ssda903Options{collection_year});
    case Format::kLocalMeasures: return ParseLocalMeasures(in, file_name, sink);
    default: break;
  }
  return absl::InternalError("unhandled format");
}

}  // namespace carestat
