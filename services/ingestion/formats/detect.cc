#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
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

bool IsIdentifyingField(std::string_view field) {
  std::string k;
  for (unsigned char c : field) {
    if (std::isalnum(c)) k.push_back(static_cast<char>(std::tolower(c)));
  }
  if (k.empty()) return false;
  auto has = [&](const char* part) { return k.find(part) != std::string::npos; };
  auto ends = [&](std::string_view tail) { return k.size() >= tail.size() && k.ends_with(tail); };
  if (k == "child" || k == "id") return true;                          // SSDA903 CHILD
  if ((has("child") || has("adopter")) && ends("id")) return true;     // LAchildID, Child Unique ID
  return has("upn") || has("birth") || ends("dob") || has("postcode") || ends("post") || has("name");
}

std::string ShowValue(std::string_view field, std::string_view value) {
  if (IsIdentifyingField(field)) return "(value not shown)";
  // Enough of a bad value to find it, not a paragraph of whatever was typed there.
  if (value.size() > 24) return absl::StrCat("'", std::string(value.substr(0, 24)), "...'");
  return absl::StrCat("'", std::string(value), "'");
}

std::string ShowHeading(std::string_view h) {
  int digits = 0, spaces = 0;
  for (unsigned char c : h) {
    digits += std::isdigit(c) != 0;
    spaces += c == ' ';
  }
  if (h.size() > 80 || (digits > 0 && spaces < 2) || h.find('@') != std::string_view::npos) return "(not shown)";
  return absl::StrCat("'", std::string(h), "'");
}

std::string UnknownColumn(size_t index, std::string_view heading) {
  const std::string shown = ShowHeading(heading);
  if (shown.front() == '\'') return "unknown column " + shown;
  return absl::StrCat("unknown column number ", index + 1, " (heading not shown: it may be data)");
}

std::string HeadingField(size_t index, std::string_view heading) {
  return ShowHeading(heading).front() == '\'' ? std::string(heading) : absl::StrCat("column ", index + 1);
}

namespace {

// Normalised for comparing headings: letters and digits, lower case.
std::string HeadingKey(std::string_view h) {
  std::string k;
  for (unsigned char c : h) {
    if (std::isalnum(c)) k.push_back(static_cast<char>(std::tolower(c)));
  }
  return k;
}

// A header row no table matches, described without its values: a file that lost its
// header row has a child's id and date of birth there. Its width, the cells that are
// column names, and what the nearest table would still need.
struct KnownTable {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::string> keys;  // HeadingKey of each column
};

// Every table carestat reads, with its columns, built once.
const std::vector<KnownTable>& KnownTables() {
  static const auto* tables = [] {
    auto* t = new std::vector<KnownTable>();
    for (int list = 1; !AnnexAListHeadings(list).empty(); ++list) {
      t->push_back({absl::StrCat("Annex A list ", list), AnnexAListHeadings(list), {}});
    }
    for (const auto& name : Ssda903TableNames()) {
      t->push_back({absl::StrCat("the SSDA903 ", name, " table"), Ssda903TableColumnList(name), {}});
    }
    t->push_back({"local measures", {"indicator", "la", "period", "value", "source"}, {}});
    for (auto& table : *t) {
      for (const auto& c : table.columns) table.keys.push_back(HeadingKey(c));
    }
    return t;
  }();
  return *tables;
}

std::string DescribeUnknownHeader(const std::vector<std::string>& header) {
  static const auto* all_keys = [] {
    auto* k = new std::set<std::string>();
    for (const auto& t : KnownTables()) k->insert(t.keys.begin(), t.keys.end());
    return k;
  }();
  std::vector<std::string> known;
  std::set<std::string> keys;
  // A real header is narrow: past 300 cells only the count matters.
  for (size_t i = 0; i < header.size() && i < 300; ++i) {
    const std::string& h = header[i];
    const std::string k = HeadingKey(h);
    if (k.empty() || k.size() > 120) continue;
    if (all_keys->count(k) || IsAnnexAHeading(h)) {
      known.push_back(h);
      keys.insert(k);
    }
  }
  std::string out = absl::StrCat("the first row has ", header.size(), header.size() == 1 ? " column" : " columns");
  if (known.empty()) {
    absl::StrAppend(&out, " and none of them is a column name carestat knows (its values are not shown): "
                          "if the file has no header row, add the table's header row as its first line");
    return out;
  }
  const KnownTable* best = nullptr;
  size_t best_found = 0;
  for (const auto& t : KnownTables()) {
    size_t found = 0;
    for (const auto& k : t.keys) found += keys.count(k);
    if (found > best_found) {
      best = &t;
      best_found = found;
    }
  }
  absl::StrAppend(&out, "; ", known.size(), " of them ", known.size() == 1 ? "is a column name" : "are column names",
                  " (", absl::StrJoin(known, ", "), "), the others not");
  if (best != nullptr) {
    std::vector<std::string> missing;
    for (size_t c = 0; c < best->columns.size(); ++c) {
      if (!keys.count(best->keys[c])) missing.push_back(best->columns[c]);
    }
    absl::StrAppend(&out, "; the nearest table, ", best->title, ", lacks ",
                    missing.empty() ? std::string("none of its columns but has others besides")
                                    : absl::StrJoin(missing, ", "));
  }
  return out;
}

constexpr char kExpected[] =
    "expected CIN census XML, SSDA903 XML or CSV tables, an Ofsted Annex A list (CSV or the "
    "XLSX workbook) or a local measures CSV";
}  // namespace

std::optional<std::string> Utf16ToUtf8(std::string_view b, bool big_endian, bool partial) {
  std::string out;
  out.reserve(b.size());
  auto unit = [&](size_t i) -> uint32_t {
    const auto hi = static_cast<unsigned char>(b[big_endian ? i : i + 1]);
    const auto lo = static_cast<unsigned char>(b[big_endian ? i + 1 : i]);
    return (static_cast<uint32_t>(hi) << 8) | lo;
  };
  size_t i = 0;
  while (i + 1 < b.size()) {
    uint32_t cp = unit(i);
    i += 2;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 1 >= b.size()) {
        if (partial) break;
        return std::nullopt;
      }
      const uint32_t low = unit(i);
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      i += 2;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return std::nullopt;
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  if (i < b.size() && !partial) return std::nullopt;  // an odd byte at the end
  return out;
}

namespace {
constexpr char kUtf16Advice[] = "save it as UTF-8 (in Excel: Save As, CSV UTF-8) and send it again";

// An XML declaration that says UTF-16 would make the parser read the converted text
// wrongly: it is made to say what the text now is.
void DeclareUtf8(std::string* xml) {
  const size_t end = xml->find("?>");
  if (xml->rfind("<?xml", 0) != 0 || end == std::string::npos) return;
  for (const char* name : {"UTF-16LE", "UTF-16BE", "UTF-16", "utf-16le", "utf-16be", "utf-16"}) {
    const size_t at = xml->find(name);
    if (at != std::string::npos && at < end) {
      xml->replace(at, std::strlen(name), "UTF-8");
      return;
    }
  }
}
}  // namespace

Detected DetectFormat(std::string_view head) {
  Detected d;
  if (head.size() >= 2 && (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF")) {
    const bool be = head[0] == '\xFE';
    auto text = Utf16ToUtf8(head.substr(2), be, /*partial=*/true);
    if (!text) {
      d.problem = absl::StrCat("the file is UTF-16 (it starts with a UTF-16 byte order mark) but is not valid "
                               "UTF-16 text: ", kUtf16Advice);
      return d;
    }
    DeclareUtf8(&*text);
    d = DetectFormat(*text);
    if (d.format == Format::kAnnexAXlsx) {
      d = Detected();
      d.problem = absl::StrCat("the file is UTF-16 text holding something else: ", kExpected);
      return d;
    }
    d.utf16 = true;
    d.utf16_big_endian = be;
    if (d.format == Format::kUnknown) d.problem = absl::StrCat("(read as UTF-16) ", d.problem);
    return d;
  }
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
  d.problem = absl::StrCat("the header row matches no known table: ", DescribeUnknownHeader(header), ". ",
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
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::istringstream converted;
  std::istream* stream = &file;
  if (detected.utf16) {
    // Windows tools write UTF-16: read it as the UTF-8 every parser expects.
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
    auto text = bytes.size() >= 2 ? Utf16ToUtf8(std::string_view(bytes).substr(2), detected.utf16_big_endian,
                                                /*partial=*/false)
                                  : std::nullopt;
    if (!text) {
      sink.OnIssue(MakeIssue("format", v1::ERROR,
                             absl::StrCat(file_name, ": the file is UTF-16 but not valid UTF-16 text (an odd "
                                                     "byte or an unpaired surrogate): ",
                                          kUtf16Advice),
                             file_name, 0),
                   true);
      return absl::OkStatus();
    }
    DeclareUtf8(&*text);
    converted.str(std::move(*text));
    stream = &converted;
  }
  std::istream& in = *stream;
  switch (detected.format) {
    case Format::kCinCensusXml: return ParseCinCensus(in, file_name, sink, collection_year);
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
