#include "services/reporting/render/csv_xlsx.h"

#include <xlsxwriter.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/reporting/format.h"

namespace carestat {

std::string ExactNumber(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

namespace {

std::string Field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string CsvText(const OutCell& c) {
  switch (c.kind) {
    case OutCell::kNumber: return ExactNumber(c.number);
    case OutCell::kSuppressed: return kSuppressedMark;
    case OutCell::kMissing: return "";
    default: return c.text;
  }
}

}  // namespace

std::string CsvOf(const DataTable& t) {
  std::string out;
  for (size_t i = 0; i < t.header.size(); ++i) absl::StrAppend(&out, i ? "," : "", Field(t.header[i]));
  out += "\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", Field(CsvText(row[i])));
    out += "\n";
  }
  return out;
}

std::string LongCsvOf(const std::vector<DataTable>& tables) {
  std::string out = "table,row,column,value\n";
  for (const auto& t : tables) {
    for (const auto& row : t.rows) {
      std::vector<std::string> key;
      for (int k : t.key_columns) {
        if (k < static_cast<int>(row.size())) key.push_back(CsvText(row[k]));
      }
      const std::string row_key = absl::StrJoin(key, " / ");
      for (size_t i = 0; i < row.size() && i < t.header.size(); ++i) {
        if (row[i].kind == OutCell::kText) continue;  // labels, units and words are in the per-table files
        absl::StrAppend(&out, Field(t.name), ",", Field(row_key), ",", Field(t.header[i]), ",",
                        Field(CsvText(row[i])), "\n");
      }
    }
  }
  return out;
}

namespace {

// The Excel number format that shows a unit as the reports round it.
const char* NumberFormat(const std::string& unit) {
  if (unit == "percent_1dp") return "0.0\"%\"";
  if (IsPercentUnit(unit)) return "0\"%\"";
  if (unit == "rate_per_10k_1dp") return "0.0";
  if (IsRateUnit(unit)) return "0";
  if (unit == "gbp") return "\"£\"#,##0";
  if (unit == "count" || unit == "days") return "#,##0";
  return "General";
}

struct Workbook {
  lxw_workbook* wb = nullptr;
  ~Workbook() {
    if (wb) workbook_close(wb);
  }
};

}  // namespace

absl::StatusOr<std::string> XlsxOf(const std::vector<DataTable>& tables, const std::string& title) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "carestat-report-XXXXXX.xlsx").string();
  int fd = mkstemps(tmpl.data(), 5);
  if (fd < 0) return absl::InternalError("cannot create a temporary file for the workbook");
  close(fd);
  const std::string path = tmpl;
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};

  Workbook book;
  book.wb = workbook_new(path.c_str());
  if (!book.wb) return absl::InternalError(absl::StrCat("libxlsxwriter cannot create ", path));
  lxw_doc_properties props{};
  std::string title_copy = title;
  std::string author = "carestat";
  props.title = title_copy.data();
  props.author = author.data();
  workbook_set_properties(book.wb, &props);

  lxw_format* heading = workbook_add_format(book.wb);
  format_set_bold(heading);
  format_set_font_size(heading, 12);
  lxw_format* note = workbook_add_format(book.wb);
  format_set_italic(note);
  format_set_text_wrap(note);
  lxw_format* head = workbook_add_format(book.wb);
  format_set_bold(head);
  format_set_bg_color(head, 0xD9E2F3);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_text_wrap(head);
  lxw_format* missing = workbook_add_format(book.wb);
  format_set_italic(missing);
  format_set_font_color(missing, 0x505A5F);
  format_set_align(missing, LXW_ALIGN_RIGHT);
  lxw_format* hidden = workbook_add_format(book.wb);
  format_set_align(hidden, LXW_ALIGN_RIGHT);
  std::map<std::string, lxw_format*> number_formats;
  auto number_format = [&](const std::string& unit) {
    auto it = number_formats.find(unit);
    if (it != number_formats.end()) return it->second;
    lxw_format* f = workbook_add_format(book.wb);
    format_set_num_format(f, NumberFormat(unit));
    number_formats[unit] = f;
    return f;
  };

  for (const auto& t : tables) {
    lxw_worksheet* ws = workbook_add_worksheet(book.wb, t.sheet.c_str());
    if (!ws) return absl::InternalError(absl::StrCat("libxlsxwriter refused sheet name '", t.sheet, "'"));
    worksheet_write_string(ws, 0, 0, t.title.c_str(), heading);
    if (!t.source.empty()) worksheet_write_string(ws, 1, 0, t.source.c_str(), note);
    const lxw_row_t header_row = 3;
    for (size_t c = 0; c < t.header.size(); ++c)
      worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c), t.header[c].c_str(), head);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const lxw_row_t row = static_cast<lxw_row_t>(header_row + 1 + r);
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const OutCell& cell = t.rows[r][c];
        const lxw_col_t col = static_cast<lxw_col_t>(c);
        switch (cell.kind) {
          case OutCell::kNumber: worksheet_write_number(ws, row, col, cell.number, number_format(cell.unit)); break;
          case OutCell::kSuppressed: worksheet_write_string(ws, row, col, kSuppressedMark, hidden); break;
          case OutCell::kMissing:
            worksheet_write_string(ws, row, col, cell.text.empty() ? kNotAvailable : cell.text.c_str(), missing);
            break;
          default:
            if (!cell.text.empty()) worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
        }
      }
    }
    worksheet_set_column(ws, 0, 0, 30, nullptr);
    if (t.header.size() > 1) worksheet_set_column(ws, 1, 1, 45, nullptr);
    if (t.header.size() > 2) worksheet_set_column(ws, 2, static_cast<lxw_col_t>(t.header.size() - 1), 14, nullptr);
    worksheet_freeze_panes(ws, header_row + 1, 0);
  }
  lxw_error err = workbook_close(book.wb);
  book.wb = nullptr;
  if (err != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("libxlsxwriter could not write the workbook: ", lxw_strerror(err)));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) return absl::InternalError(absl::StrCat("cannot read back ", path));
  return bytes.str();
}

}  // namespace carestat
