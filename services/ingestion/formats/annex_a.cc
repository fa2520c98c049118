#include "services/ingestion/formats/annex_a.h"

#include <cctype>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/csv.h"

namespace carestat {
namespace {

enum Col { kChildId, kGender, kEthnicity, kBirth, kAge, kContactDate, kSource, kNumCols };
const char* const kList1[kNumCols] = {"Child Unique ID", "Gender",        "Ethnicity",
                                      "Date of Birth",   "Age",           "Date of Contact",
                                      "Contact Source"};

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

int AnnexAListOf(const std::vector<std::string>& header) {
  bool id = false, date = false;
  for (const auto& h : header) {
    std::string n = NormaliseHeading(h);
    if (n == "child unique id") id = true;
    if (n == "date of contact") date = true;
  }
  return id && date ? 1 : 0;
}

std::string AnnexAListColumns(int list) {
  if (list != 1) return "";
  std::string out;
  for (int i = 0; i < kNumCols; ++i) absl::StrAppend(&out, i ? ", " : "", kList1[i]);
  return out;
}

std::string OfstedCode(const std::string& raw) {
  std::string v = Trim(raw);
  // Ofsted's lettered options: "q) 6: Police".
  if (v.size() >= 3 && std::isalpha(static_cast<unsigned char>(v[0])) && v[1] == ')') {
    v = Trim(v.substr(2));
  }
  auto colon = v.find(':');
  if (colon != std::string::npos) v = Trim(v.substr(0, colon));
  return v;
}

v1::Sex ParseSex(const std::string& raw) {
  std::string v = OfstedCode(raw);
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "male" || v == "m" || v == "1") return v1::MALE;
  if (v == "female" || v == "f" || v == "2") return v1::FEMALE;
  if (v.empty()) return v1::SEX_UNSPECIFIED;
  return v1::SEX_UNKNOWN;
}

absl::Status ParseAnnexAList(std::istream& in, int list, const std::string& file, ParseSink& sink) {
  if (list != 1) {
    sink.OnIssue(MakeIssue("format", v1::ERROR,
                           absl::StrCat(file, ": Annex A list ", list, " is not supported yet"), file, 0),
                 true);
    return absl::OkStatus();
  }
  CsvReader reader(in);
  std::vector<std::string> row;
  if (!reader.Next(&row)) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           reader.error().empty() ? "the file has no header row"
                                                  : reader.error(),
                           file, reader.line()),
                 true);
    return absl::OkStatus();
  }
  int col[kNumCols];
  std::fill(col, col + kNumCols, -1);
  const size_t width = row.size();
  for (size_t i = 0; i < row.size(); ++i) {
    std::string n = NormaliseHeading(row[i]);
    bool known = false;
    for (int c = 0; c < kNumCols; ++c) {
      if (n == NormaliseHeading(kList1[c])) {
        if (col[c] >= 0) {
          sink.OnIssue(MakeIssue("structure", v1::ERROR,
                                 absl::StrCat("column '", row[i], "' appears twice in the header"),
                                 file, 1, row[i]),
                       true);
        }
        col[c] = static_cast<int>(i);
        known = true;
      }
    }
    if (!known) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat("unknown column '", row[i], "' in Annex A list 1: expected ",
                                          AnnexAListColumns(1)),
                             file, 1, row[i]),
                   true);
    }
  }
  for (int c : {kChildId, kContactDate}) {
    if (col[c] < 0) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat("missing column '", kList1[c], "' in Annex A list 1: expected ",
                                          AnnexAListColumns(1)),
                             file, 1, kList1[c]),
                   true);
      return absl::OkStatus();
    }
  }
  auto field = [&](int c) -> std::string { return col[c] >= 0 ? Trim(row[col[c]]) : std::string(); };

  while (reader.Next(&row)) {
    const int64_t line = reader.line();
    if (row.size() != width) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat("line ", line, " has ", row.size(), " fields but the header has ",
                                          width, " (a cut-short line or an unquoted comma)"),
                             file, line),
                   true);
      continue;
    }
    std::string child = field(kChildId);
    if (child.empty()) {
      sink.OnIssue(MakeIssue("1520", v1::ERROR, absl::StrCat("line ", line, ": Child Unique ID is empty"),
                             file, line, kList1[kChildId]),
                   true);
      continue;
    }
    auto date = ParseAnyDate(field(kContactDate));
    if (!date) {
      sink.OnIssue(MakeIssue("date", v1::ERROR,
                             absl::StrCat("line ", line, ", child ", child, ": Date of Contact '",
                                          field(kContactDate), "' is not a date (expected dd/mm/yyyy)"),
                             file, line, kList1[kContactDate], child),
                   true);
      continue;
    }
    v1::Record rec;
    rec.set_line(line);
    v1::Contact* c = rec.mutable_contact();
    *c->mutable_contact_date() = FromDays(*date);
    c->set_source(OfstedCode(field(kSource)));
    c->set_sex(ParseSex(field(kGender)));
    c->set_ethnicity(OfstedCode(field(kEthnicity)));
    std::string dob = field(kBirth);
    if (!dob.empty()) {
      if (auto b = ParseAnyDate(dob)) {
        *c->mutable_birth_date() = FromDays(*b);
      } else {
        sink.OnIssue(MakeIssue("date", v1::QUERY,
                               absl::StrCat("line ", line, ", child ", child, ": Date of Birth '", dob,
                                            "' is not a date (expected dd/mm/yyyy); left blank"),
                               file, line, kList1[kBirth], child),
                     false);
      }
    }
    sink.OnRecord(std::move(rec), child);
  }
  if (!reader.error().empty()) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR, reader.error(), file, reader.line()), true);
  }
  return absl::OkStatus();
}

}  // namespace carestat
