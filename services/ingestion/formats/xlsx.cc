#include "services/ingestion/formats/xlsx.h"

#include <expat.h>
#include <unzip.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/formats/annex_a.h"

namespace carestat {
namespace {

// Bounds on what a hostile or broken workbook can make us hold: Excel itself stops at
// 32,767 characters a cell and 16,384 columns.
constexpr size_t kMaxCellBytes = 64 << 10;
constexpr size_t kMaxSharedStringBytes = 256 << 20;
constexpr int kMaxColumns = 16384;
// How many rows with content may stand above a sheet's headings (a title, a note).
constexpr int kHeaderRowsTried = 5;

// The parts of the zip archive, read one at a time in 64 KiB pieces.
class Zip {
 public:
  enum Result { kOk, kMissing, kDamaged, kStopped };
  // Called with each piece of the part, then once with `last` true after the part's
  // checksum was verified; returning false stops the reading (kStopped).
  using Consumer = std::function<bool(const char* data, size_t size, bool last)>;

  explicit Zip(unzFile z) : z_(z) {}
  ~Zip() { unzClose(z_); }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  bool Has(const std::string& part) { return Locate(part); }

  Result Read(const std::string& part, const Consumer& consume, std::string* why) {
    if (!Locate(part)) return kMissing;
    if (unzOpenCurrentFile(z_) != UNZ_OK) {
      *why = "its zip entry cannot be opened (damaged, encrypted or an unsupported compression)";
      return kDamaged;
    }
    std::vector<char> buf(1 << 16);
    for (;;) {
      int n = unzReadCurrentFile(z_, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) {
        unzCloseCurrentFile(z_);
        *why = absl::StrCat("its compressed data is damaged (zip error ", n, ")");
        return kDamaged;
      }
      if (n == 0) break;
      if (!consume(buf.data(), static_cast<size_t>(n), false)) {
        unzCloseCurrentFile(z_);
        return kStopped;
      }
    }
    int rc = unzCloseCurrentFile(z_);
    if (rc == UNZ_CRCERROR) {
      *why = "its checksum does not match its data (a damaged file)";
      return kDamaged;
    }
    if (rc != UNZ_OK) {
      *why = absl::StrCat("its zip entry cannot be read (zip error ", rc, ")");
      return kDamaged;
    }
    return consume("", 0, true) ? kOk : kStopped;
  }

 private:
  // Part names are case-sensitive in the package format, but some writers differ in case.
  bool Locate(const std::string& part) {
    return unzLocateFile(z_, part.c_str(), 1) == UNZ_OK || unzLocateFile(z_, part.c_str(), 2) == UNZ_OK;
  }
  unzFile z_;
};

// A SAX handler over one XML part. Names arrive without their namespace prefix
// ("sheetData" whether written <sheetData> or <x:sheetData>).
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view name, const XML_Char** attrs) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(const char* s, int len) {}

  // Stops the parse; `why` says what is wrong with the content.
  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    if (parser_ != nullptr) XML_StopParser(parser_, XML_FALSE);
  }
  const std::string& error() const { return error_; }
  void set_parser(XML_Parser p) { parser_ = p; }

 private:
  std::string error_;
  XML_Parser parser_ = nullptr;
};

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  auto bar = n.rfind('|');
  return bar == std::string_view::npos ? n : n.substr(bar + 1);
}

const char* Attr(const XML_Char** attrs, std::string_view local) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (LocalName(attrs[i]) == local) return attrs[i + 1];
  }
  return nullptr;
}

// Parses a part of the archive with `handler`. On kDamaged or kStopped, `why` says what
// is wrong (kStopped: the XML is malformed or the handler refused its content).
Zip::Result ParseXmlPart(Zip& zip, const std::string& part, XmlHandler& handler, std::string* why) {
  // Namespace processing with '|' turns "x:row" and "row" alike into "uri|row".
  XML_Parser p = XML_ParserCreateNS(nullptr, '|');
  if (p == nullptr) {
    *why = "out of memory";
    return Zip::kDamaged;
  }
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> owner(p, XML_ParserFree);
  handler.set_parser(p);
  XML_SetUserData(p, &handler);
  XML_SetElementHandler(
      p,
      [](void* h, const XML_Char* name, const XML_Char** attrs) {
        static_cast<XmlHandler*>(h)->Start(LocalName(name), attrs);
      },
      [](void* h, const XML_Char* name) { static_cast<XmlHandler*>(h)->End(LocalName(name)); });
  XML_SetCharacterDataHandler(p,
                              [](void* h, const XML_Char* s, int len) { static_cast<XmlHandler*>(h)->Text(s, len); });
  // Spreadsheet parts never declare a DTD; refusing one rules out entity tricks.
  XML_SetStartDoctypeDeclHandler(p, [](void* h, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlHandler*>(h)->Fail("it declares a DTD, which no spreadsheet part has");
  });
  Zip::Result r = zip.Read(
      part,
      [&](const char* data, size_t n, bool last) {
        if (XML_Parse(p, data, static_cast<int>(n), last ? 1 : 0) == XML_STATUS_OK) return true;
        if (handler.error().empty()) {
          *why = absl::StrCat("it is not well-formed XML (line ", XML_GetCurrentLineNumber(p), " column ",
                              XML_GetCurrentColumnNumber(p), ": ", XML_ErrorString(XML_GetErrorCode(p)), ")");
        } else {
          *why = handler.error();
        }
        return false;
      },
      why);
  handler.set_parser(nullptr);
  return r;
}

// _rels/*.rels: relationship id -> (type, target).
class RelsHandler : public XmlHandler {
 public:
  struct Rel {
    std::string type;
    std::string target;
  };
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name != "Relationship") return;
    const char* id = Attr(attrs, "Id");
    const char* type = Attr(attrs, "Type");
    const char* target = Attr(attrs, "Target");
    const char* mode = Attr(attrs, "TargetMode");
    if (id == nullptr || target == nullptr) return;
    if (mode != nullptr && std::string_view(mode) == "External") return;
    rels[id] = Rel{type ? type : "", target};
  }
  void End(std::string_view) override {}

  // The target of the first relationship whose type ends with `suffix`, or "".
  std::string TargetOfType(std::string_view suffix) const {
    for (const auto& [id, rel] : rels) {
      std::string_view t(rel.type);
      if (t.size() >= suffix.size() && t.substr(t.size() - suffix.size()) == suffix) return rel.target;
    }
    return "";
  }

  std::map<std::string, Rel> rels;
};

// xl/workbook.xml: the sheets in order and the date system.
class WorkbookHandler : public XmlHandler {
 public:
  struct Sheet {
    std::string name;
    std::string rel_id;
  };
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "workbook") saw_workbook = true;
    if (name == "workbookPr") {
      const char* d = Attr(attrs, "date1904");
      date1904 = d != nullptr && (std::string_view(d) == "1" || std::string_view(d) == "true");
    } else if (name == "sheet") {
      const char* n = Attr(attrs, "name");
      const char* id = Attr(attrs, "id");  // r:id
      sheets.push_back(Sheet{n ? n : "", id ? id : ""});
    }
  }
  void End(std::string_view) override {}

  bool saw_workbook = false;
  bool date1904 = false;
  std::vector<Sheet> sheets;
};

// xl/sharedStrings.xml: each <si> is one string, the text of its <t> elements (rich
// text runs concatenated; phonetic <rPh> runs are not part of the text).
class SharedStringsHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const XML_Char**) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++phonetic_;
    } else if (name == "t" && in_si_ && phonetic_ == 0) {
      in_t_ = true;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") {
      total_ += current_.size();
      if (total_ > kMaxSharedStringBytes) {
        Fail("its shared strings exceed 256 MiB");
        return;
      }
      strings.push_back(std::move(current_));
      current_.clear();
      in_si_ = false;
    } else if (name == "rPh") {
      --phonetic_;
    } else if (name == "t") {
      in_t_ = false;
    }
  }
  void Text(const char* s, int len) override {
    if (in_t_ && current_.size() < kMaxCellBytes) current_.append(s, static_cast<size_t>(len));
  }

  std::vector<std::string> strings;

 private:
  bool in_si_ = false;
  bool in_t_ = false;
  int phonetic_ = 0;
  std::string current_;
  size_t total_ = 0;
};

// A number as Excel shows it in a General cell: integral values without a fraction, so
// an identifier stored as a number reads "9212044" (even when written "9.212044E6").
std::string NumberText(const std::string& raw) {
  double v = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (ec != std::errc() || end != raw.data() + raw.size() || !std::isfinite(v)) return raw;
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  return raw;
}

// One worksheet's cells, streamed: the rows and cells of <sheetData> (with or without
// their r references: a row or cell without one follows the previous), each cell's raw
// value (<v>) or inline text (<is><t>, phonetic runs left out) handed to OnCell with its
// type, and OnRowStart/OnRowEnd around each row. Errors in the layout stop the parse.
class CellStream : public XmlHandler {
 public:
  void Start(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return;
    } else if (name == "row") {
      const char* r = Attr(attrs, "r");
      int64_t n = 0;
      if (r != nullptr) {
        std::string_view rv(r);
        auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
        if (ec != std::errc() || end != rv.data() + rv.size() || n < 1) {
          Fail(absl::StrCat("row number '", std::string(rv), "' is not a number"));
          return;
        }
      } else {
        n = row_ + 1;  // rows without r follow the previous one
      }
      row_ = n;
      next_column_ = 0;
      in_row_ = true;
      OnRowStart();
    } else if (name == "c" && in_row_) {
      const char* r = Attr(attrs, "r");
      int column = next_column_;  // cells without r follow the previous one
      if (r != nullptr) {
        column = XlsxColumnIndex(r);
        if (column < 0) {
          Fail(absl::StrCat("row ", row_, " has a cell reference '", r, "' that is not one"));
          return;
        }
      }
      if (column >= kMaxColumns) {
        Fail(absl::StrCat("row ", row_, " has a cell beyond column XFD, Excel's last"));
        return;
      }
      const char* t = Attr(attrs, "t");
      type_ = t ? t : "";
      column_ = column;
      value_.clear();
      inline_.clear();
      in_cell_ = true;
    } else if (name == "v" && in_cell_) {
      in_v_ = true;
    } else if (name == "is" && in_cell_) {
      in_is_ = true;
    } else if (name == "rPh") {
      ++phonetic_;
    } else if (name == "t" && in_is_ && phonetic_ == 0) {
      in_t_ = true;
    }
  }

  void End(std::string_view name) override {
    if (name == "v") {
      in_v_ = false;
    } else if (name == "t") {
      in_t_ = false;
    } else if (name == "is") {
      in_is_ = false;
    } else if (name == "rPh") {
      --phonetic_;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      next_column_ = column_ + 1;
      OnCell();
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      OnRowEnd();
    } else if (name == "sheetData") {
      in_data_ = false;
    }
  }

  void Text(const char* s, int len) override {
    if (in_v_ && value_.size() < kMaxCellBytes) value_.append(s, static_cast<size_t>(len));
    if (in_t_ && inline_.size() < kMaxCellBytes) inline_.append(s, static_cast<size_t>(len));
  }

 protected:
  virtual void OnRowStart() {}
  // The cell just read: column_, type_ (the t attribute), value_ and inline_.
  virtual void OnCell() = 0;
  virtual void OnRowEnd() {}

  // The shared string a cell of type "s" names; nullptr (and the parse stopped) when the
  // workbook has no such string.
  const std::string* SharedString(const std::vector<std::string>& strings) {
    size_t i = 0;
    auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), i);
    if (value_.empty() || ec != std::errc() || end != value_.data() + value_.size() || i >= strings.size()) {
      Fail(absl::StrCat("row ", row_, " refers to shared string '", value_, "', which the workbook does not have"));
      return nullptr;
    }
    return &strings[i];
  }

  int64_t row_ = 0;
  int column_ = 0;
  std::string type_, value_, inline_;

 private:
  bool in_data_ = false, in_row_ = false, in_cell_ = false, in_v_ = false, in_is_ = false, in_t_ = false;
  int phonetic_ = 0;
  int next_column_ = 0;
};

// One worksheet, streamed: each <row> is turned into cells and handed on at its end;
// the first row with any content is the header.
class SheetHandler : public CellStream {
 public:
  SheetHandler(const std::string& file, const std::string& sheet, const std::vector<std::string>& strings,
               bool date1904, ParseSink& sink)
      : file_(file), sheet_(sheet), strings_(strings), date1904_(date1904), sink_(sink) {}

  bool matched() const { return mapper_.has_value(); }

  // Called at the end of the sheet: one with content but no list's headings is reported.
  void Finish() {
    if (!mapper_ && !done_ && rows_tried_ > 0) ReportSkipped();
  }

 private:
  struct Cell {
    int column;
    std::string text;
    bool number;  // an Excel number: a date serial in a date column
  };

  void OnRowStart() override { cells_.clear(); }

  void OnCell() override {
    Cell c{column_, "", false};
    if (type_ == "s") {
      const std::string* shared = SharedString(strings_);
      if (shared == nullptr) return;
      c.text = *shared;
    } else if (type_ == "inlineStr") {
      c.text = inline_;
    } else if (type_ == "b") {
      c.text = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    } else if (type_ == "str" || type_ == "e" || type_ == "d") {
      c.text = value_;  // a formula's text result, an error such as #N/A, an ISO date
    } else {
      c.text = value_;
      c.number = !value_.empty();
    }
    if (!c.text.empty()) cells_.push_back(std::move(c));
  }

  void OnRowEnd() override {
    if (cells_.empty() || done_) return;  // empty rows, or a sheet that is skipped
    if (!mapper_) {
      ReadHeader();
      return;
    }
    const size_t width = mapper_->width();
    std::vector<std::string> row(width);
    bool beyond = false;
    for (const Cell& c : cells_) {
      const size_t col = static_cast<size_t>(c.column);
      if (col >= width) {
        beyond = true;
        continue;
      }
      if (c.number && mapper_->IsDateColumn(col)) {
        double serial = 0;
        auto [end, ec] = std::from_chars(c.text.data(), c.text.data() + c.text.size(), serial);
        std::optional<int32_t> days;
        if (ec == std::errc() && end == c.text.data() + c.text.size()) days = ExcelSerialToDays(serial, date1904_);
        // A serial that is no date stays as written, so that the issue quotes it.
        row[col] = days ? FormatIsoDate(*days) : c.text;
      } else if (c.number) {
        row[col] = NumberText(c.text);
      } else {
        row[col] = c.text;
      }
    }
    if (beyond && !warned_beyond_) {
      warned_beyond_ = true;
      sink_.OnIssue(MakeIssue("structure", v1::QUERY,
                              absl::StrCat(mapper_->Where(row_),
                                           ": cells right of the last heading have values; they are ignored"),
                              file_, row_, "", "", sheet_),
                    false);
    }
    mapper_->MapRow(row, row_, sink_);
  }

  void ReportSkipped() {
    sink_.OnIssue(
        MakeIssue("sheet", v1::QUERY,
                  absl::StrCat(file_, ": sheet ", sheet_, " is skipped: none of its first ", rows_tried_,
                               " rows with content has the headings of an Annex A list (row ", first_row_, " reads ",
                               first_row_text_,
                               "). Each list is recognised by Ofsted's headings, e.g. list 1: ", AnnexAListColumns(1)),
                  file_, first_row_, "", "", sheet_),
        false);
    done_ = true;
  }

  void ReadHeader() {
    int width = 0;
    for (const Cell& c : cells_) width = std::max(width, c.column + 1);
    std::vector<std::string> header(static_cast<size_t>(width));
    for (const Cell& c : cells_) header[static_cast<size_t>(c.column)] = c.number ? NumberText(c.text) : c.text;
    int list = AnnexAListOf(header);
    if (list == 0) {
      // A title or a note may stand above the headings: the first few rows with content
      // are tried before the sheet is given up.
      if (first_row_ == 0) {
        first_row_ = row_;
        for (size_t i = 0; i < header.size() && i < 8; ++i) {
          if (!header[i].empty()) {
            // A data row may stand where the headings should: only what reads like a
            // heading is quoted, never a cell that may hold a child's id or date.
            absl::StrAppend(&first_row_text_, first_row_text_.empty() ? "" : ", ",
                            ShowHeading(header[i].substr(0, 60)));
          }
        }
        if (header.size() > 8) absl::StrAppend(&first_row_text_, ", ...");
      }
      if (++rows_tried_ >= kHeaderRowsTried) ReportSkipped();
      return;
    }
    mapper_.emplace(list, file_, sheet_);
    // A header with unknown or missing columns is fatal: the rest of the sheet is not
    // read (the file will store nothing) but the other sheets are still checked.
    if (!mapper_->ReadHeader(header, sink_, row_)) done_ = true;
  }

  const std::string& file_;
  const std::string& sheet_;
  const std::vector<std::string>& strings_;
  const bool date1904_;
  ParseSink& sink_;
  std::optional<AnnexARowMapper> mapper_;
  bool done_ = false;
  int rows_tried_ = 0;
  int64_t first_row_ = 0;
  std::string first_row_text_;
  bool warned_beyond_ = false;
  std::vector<Cell> cells_;
};

// One worksheet, streamed, every row with content handed on as text cells (for
// ReadXlsxRows: tables that are not Annex A lists).
class RowsHandler : public CellStream {
 public:
  RowsHandler(const std::string& sheet, const std::vector<std::string>& strings, const XlsxRowFn& on_row)
      : sheet_(sheet), strings_(strings), on_row_(on_row) {}

  void OnRowStart() override { cells_.clear(); }

  void OnCell() override {
    std::string text;
    if (type_ == "s") {
      const std::string* shared = SharedString(strings_);
      if (shared == nullptr) return;
      text = *shared;
    } else if (type_ == "inlineStr") {
      text = inline_;
    } else if (type_ == "str" || type_ == "e" || type_ == "d" || type_ == "b") {
      text = value_;
    } else {
      text = NumberText(value_);
    }
    if (text.empty()) return;
    if (cells_.size() <= static_cast<size_t>(column_)) cells_.resize(static_cast<size_t>(column_) + 1);
    cells_[static_cast<size_t>(column_)] = std::move(text);
  }

  void OnRowEnd() override {
    if (!cells_.empty()) on_row_(sheet_, row_, cells_);
  }

 private:
  const std::string& sheet_;
  const std::vector<std::string>& strings_;
  const XlsxRowFn& on_row_;
  std::vector<std::string> cells_;
};

// A relationship target relative to the folder of the part that names it ("worksheets/
// sheet1.xml" from "xl/workbook.xml" is "xl/worksheets/sheet1.xml"); "/xl/..." is
// absolute within the package.
std::string ResolvePart(const std::string& base_part, const std::string& target) {
  std::string joined;
  if (!target.empty() && target[0] == '/') {
    joined = target.substr(1);
  } else {
    auto slash = base_part.rfind('/');
    joined = (slash == std::string::npos ? "" : base_part.substr(0, slash + 1)) + target;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string seg = joined.substr(start, end - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) absl::StrAppend(&out, out.empty() ? "" : "/", p);
  return out;
}

// Whether the file ends with a whole zip end-of-central-directory record (and its
// comment). minizip opens a file that lost only the end of that record; such a file was
// still cut short in transfer, and is refused like any other truncated file.
bool HasWholeEndRecord(std::ifstream& in, int64_t size) {
  constexpr int64_t kRecord = 22, kMaxComment = 0xFFFF;
  const int64_t tail = std::min<int64_t>(size, kRecord + kMaxComment);
  std::string buf(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  if (!in.read(buf.data(), tail)) return false;
  for (int64_t i = tail - 4; i >= 0; --i) {
    if (buf.compare(static_cast<size_t>(i), 4, "PK\x05\x06", 4) != 0) continue;
    if (i + kRecord > tail) continue;
    const auto* b = reinterpret_cast<const unsigned char*>(buf.data() + i);
    const int64_t comment = b[20] | (b[21] << 8);
    if (i + kRecord + comment <= tail) return true;
  }
  return false;
}

std::string RelsPartOf(const std::string& part) {
  auto slash = part.rfind('/');
  std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? part : part.substr(slash + 1);
  return absl::StrCat(dir, "_rels/", base, ".rels");
}

// The workbook's shared strings part: where its relationships say, else
// sharedStrings.xml beside it when the package has one; "" when it has none.
std::string SharedStringsPart(Zip& zip, const RelsHandler& rels, const std::string& workbook_part) {
  if (std::string t = rels.TargetOfType("/sharedStrings"); !t.empty()) return ResolvePart(workbook_part, t);
  if (std::string guess = ResolvePart(workbook_part, "sharedStrings.xml"); zip.Has(guess)) return guess;
  return "";
}

}  // namespace

std::optional<int32_t> ExcelSerialToDays(double serial, bool date1904) {
  if (!std::isfinite(serial)) return std::nullopt;
  const double day = std::floor(serial);
  if (date1904) {
    if (day < 0 || day > 2957003) return std::nullopt;  // 31 December 9999
    return DayNumber(1904, 1, 1) + static_cast<int32_t>(day);
  }
  // Excel counts 1900 as a leap year (Lotus 1-2-3's bug): serial 60 is 29 February 1900,
  // which never was, and every later serial is one day ahead of a plain count.
  if (day < 1 || day == 60 || day > 2958465) return std::nullopt;
  if (day < 60) return DayNumber(1899, 12, 31) + static_cast<int32_t>(day);
  return DayNumber(1899, 12, 30) + static_cast<int32_t>(day);
}

int XlsxColumnIndex(std::string_view ref) {
  size_t i = 0;
  int column = 0;
  while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i]))) {
    if (i == 3) return -1;  // XFD is the last column: three letters at most
    column = column * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    ++i;
  }
  if (i == 0 || i == ref.size()) return -1;
  for (size_t j = i; j < ref.size(); ++j) {
    if (!std::isdigit(static_cast<unsigned char>(ref[j]))) return -1;
  }
  return column - 1;
}

absl::Status ParseAnnexAXlsx(const std::string& path, const std::string& file, ParseSink& sink) {
  auto fatal = [&](const std::string& message) {
    sink.OnIssue(MakeIssue("xlsx", v1::ERROR, absl::StrCat(file, ": ", message), file, 0), true);
    return absl::OkStatus();
  };
  bool whole = false;
  {
    std::ifstream probe(path, std::ios::binary | std::ios::ate);
    if (!probe) return absl::NotFoundError(absl::StrCat("cannot open ", path));
    const int64_t size = static_cast<int64_t>(probe.tellg());
    if (size <= 0) return fatal("the file is empty: expected the Annex A workbook (XLSX)");
    whole = HasWholeEndRecord(probe, size);
  }
  unzFile z = whole ? unzOpen64(path.c_str()) : nullptr;
  if (z == nullptr) {
    return fatal(
        "not a readable XLSX workbook: its zip directory is missing or damaged (a truncated or corrupt "
        "file?). Save the Annex A workbook again from Excel and resend it");
  }
  Zip zip(z);
  std::string why;
  auto part_problem = [&](const std::string& part, Zip::Result r, const std::string& what) {
    if (r == Zip::kMissing) return fatal(absl::StrCat("the workbook has no ", part, " part (", what, ")"));
    return fatal(absl::StrCat("part ", part, " (", what, ") cannot be read: ", why));
  };

  // The package's root relationships name the workbook part; xl/workbook.xml by default.
  std::string workbook_part = "xl/workbook.xml";
  {
    RelsHandler root;
    Zip::Result r = ParseXmlPart(zip, "_rels/.rels", root, &why);
    if (r == Zip::kDamaged || r == Zip::kStopped) return part_problem("_rels/.rels", r, "the package relationships");
    if (r == Zip::kOk) {
      std::string target = root.TargetOfType("/officeDocument");
      if (!target.empty()) workbook_part = ResolvePart("", target);
    }
  }
  WorkbookHandler workbook;
  if (Zip::Result r = ParseXmlPart(zip, workbook_part, workbook, &why); r != Zip::kOk) {
    if (r == Zip::kMissing) {
      return fatal(absl::StrCat("the zip has no ", workbook_part, " part: it is not an Excel workbook"));
    }
    return part_problem(workbook_part, r, "the workbook");
  }
  if (!workbook.saw_workbook) return fatal(absl::StrCat(workbook_part, " has no <workbook> element"));
  const std::string rels_part = RelsPartOf(workbook_part);
  RelsHandler rels;
  if (Zip::Result r = ParseXmlPart(zip, rels_part, rels, &why); r != Zip::kOk) {
    return part_problem(rels_part, r, "where the workbook's sheets are");
  }

  SharedStringsHandler shared;
  const std::string shared_part = SharedStringsPart(zip, rels, workbook_part);
  if (!shared_part.empty()) {
    if (Zip::Result r = ParseXmlPart(zip, shared_part, shared, &why); r != Zip::kOk) {
      return part_problem(shared_part, r, "the shared strings");
    }
  }

  int lists = 0;
  for (const auto& sheet : workbook.sheets) {
    auto rel = rels.rels.find(sheet.rel_id);
    if (rel == rels.rels.end()) {
      return fatal(absl::StrCat("sheet ", sheet.name, " refers to relationship '", sheet.rel_id, "', which ", rels_part,
                                " does not have"));
    }
    const std::string part = ResolvePart(workbook_part, rel->second.target);
    SheetHandler handler(file, sheet.name, shared.strings, workbook.date1904, sink);
    Zip::Result r = ParseXmlPart(zip, part, handler, &why);
    if (r != Zip::kOk) return part_problem(part, r, absl::StrCat("sheet ", sheet.name));
    handler.Finish();
    if (handler.matched()) ++lists;
  }
  if (lists == 0) {
    // Storing nothing would replace an earlier good return with an empty one.
    return fatal(absl::StrCat("no sheet of the workbook (", workbook.sheets.size(),
                              " sheets) is an Ofsted Annex A list: expected sheets whose header row (one of "
                              "their first rows) has a list's headings, e.g. list 1: ",
                              AnnexAListColumns(1)));
  }
  return absl::OkStatus();
}

absl::Status ReadXlsxRows(const std::string& path, const XlsxRowFn& on_row, bool* date1904) {
  bool whole = false;
  {
    std::ifstream probe(path, std::ios::binary | std::ios::ate);
    if (!probe) return absl::NotFoundError(absl::StrCat("cannot open ", path));
    const int64_t size = static_cast<int64_t>(probe.tellg());
    if (size <= 0) return absl::InvalidArgumentError(absl::StrCat(path, ": the file is empty"));
    whole = HasWholeEndRecord(probe, size);
  }
  unzFile z = whole ? unzOpen64(path.c_str()) : nullptr;
  if (z == nullptr) return absl::InvalidArgumentError(absl::StrCat(path, ": not a readable XLSX workbook"));
  Zip zip(z);
  std::string why;
  auto bad = [&](const std::string& part, Zip::Result r) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": part ", part,
                                                   r == Zip::kMissing ? " is missing" : absl::StrCat(" cannot be read: ", why)));
  };
  std::string workbook_part = "xl/workbook.xml";
  {
    RelsHandler root;
    Zip::Result r = ParseXmlPart(zip, "_rels/.rels", root, &why);
    if (r == Zip::kOk) {
      std::string target = root.TargetOfType("/officeDocument");
      if (!target.empty()) workbook_part = ResolvePart("", target);
    }
  }
  WorkbookHandler workbook;
  if (Zip::Result r = ParseXmlPart(zip, workbook_part, workbook, &why); r != Zip::kOk) return bad(workbook_part, r);
  const std::string rels_part = RelsPartOf(workbook_part);
  RelsHandler rels;
  if (Zip::Result r = ParseXmlPart(zip, rels_part, rels, &why); r != Zip::kOk) return bad(rels_part, r);
  SharedStringsHandler shared;
  const std::string shared_part = SharedStringsPart(zip, rels, workbook_part);
  if (!shared_part.empty()) {
    if (Zip::Result r = ParseXmlPart(zip, shared_part, shared, &why); r != Zip::kOk) return bad(shared_part, r);
  }
  if (date1904) *date1904 = workbook.date1904;
  for (const auto& sheet : workbook.sheets) {
    auto rel = rels.rels.find(sheet.rel_id);
    if (rel == rels.rels.end()) continue;
    const std::string part = ResolvePart(workbook_part, rel->second.target);
    RowsHandler handler(sheet.name, shared.strings, on_row);
    if (Zip::Result r = ParseXmlPart(zip, part, handler, &why); r != Zip::kOk) return bad(part, r);
  }
  return absl::OkStatus();
}

}  // namespace carestat
