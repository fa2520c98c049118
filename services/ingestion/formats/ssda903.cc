// The SSDA903 return as CSV tables or XML. Both readers turn what they read into rows of
// the CSV tables (column name -> value) and pass them to one RowBuilder, so the same
// data gives the same records and the same issues whichever way it comes.
//
// Validation follows the rule codes and definitions of DfE's SSDA903 validation as
// implemented for local authorities in data-to-insight's csc-validator-be-903
// (lac_validator/rules/lac20xx_yy/rule_NNN.py). The sex (101) and placement (146) codes
// are checked against the collection year's own list when the year is known (given, or
// inferred from the latest DECOM), else against the union over the years. Rules that
// compare with last year's return, with another table's file (632 on CSV tables) or with
// Ofsted's provider lists are not here: a single file cannot decide them.
#include "services/ingestion/formats/ssda903.h"
#include "services/ingestion/validation/engine.h"

#include <expat.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/ingestion/formats/la_codes.h"

namespace carestat {
namespace {

// ---------------------------------------------------------------------------------------
// Tables.

struct TableSpec {
  absl::string_view name;   // as Detected::ssda903_table and the dataset name use it
  absl::string_view title;  // as DfE names the table
  std::vector<absl::string_view> columns;
};

const std::vector<TableSpec>& Specs() {
  static const auto* specs = new std::vector<TableSpec>{
      {"header", "Header", {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}},
      {"episodes",
       "Episodes",
       {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
        "HOME_POST", "PL_POST", "URN"}},
      {"reviews", "Reviews", {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}},
      {"uasc", "UASC", {"CHILD", "SEX", "DOB", "DUC"}},
      {"oc2",
       "OC2",
       {"CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
        "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"}},
      {"oc3", "OC3", {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}},
      {"ad1",
       "AD1",
       {"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}},
      {"placed_adoption",
       "PlacedAdoption",
       {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}},
      {"prev_perm", "PrevPerm", {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}},
      {"missing", "Missing", {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}},
      {"sw_episodes", "SWEpisodes", {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}},
      {"dolo", "DoLo", {"CHILD", "DOB", "DOLO_START", "DOLO_END"}},
  };
  return *specs;
}

const TableSpec* FindSpec(absl::string_view name) {
  for (const auto& s : Specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// The columns no other table has: they tell the tables apart when a header is not exact.
bool Distinctive(const TableSpec& spec, absl::string_view column) {
  for (const auto& other : Specs()) {
    if (&other == &spec) continue;
    for (auto c : other.columns) {
      if (c == column) return false;
    }
  }
  return true;
}

std::string Trim(absl::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Upper(absl::string_view s) {
  std::string out = Trim(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A column heading as the tables spell it: a stray byte order mark, spaces and case
// are not part of the name.
std::string ColumnName(absl::string_view raw) {
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);
  return Upper(raw);
}

int ColumnIndex(const TableSpec& spec, absl::string_view name) {
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (spec.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// The table whose own columns best cover `names`: the share of its distinctive columns
// present, then their number. nullptr when none has any, or two tie.
const TableSpec* BestTable(const std::vector<std::string>& names) {
  const TableSpec* best = nullptr;
  double best_share = 0;
  int best_count = 0;
  bool tie = false;
  for (const auto& spec : Specs()) {
    int distinct = 0, present = 0;
    for (auto c : spec.columns) {
      if (!Distinctive(spec, c)) continue;
      ++distinct;
      if (std::find(names.begin(), names.end(), c) != names.end()) ++present;
    }
    if (present == 0 || distinct == 0) continue;
    double share = static_cast<double>(present) / distinct;
    if (share > best_share || (share == best_share && present > best_count)) {
      best = &spec;
      best_share = share;
      best_count = present;
      tie = false;
    } else if (share == best_share && present == best_count) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

std::string Shown(absl::string_view v) {
  // Enough of a bad value to find it, not a paragraph of whatever was typed there.
  if (v.size() > 24) return absl::StrCat("'", v.substr(0, 24), "...'");
  return absl::StrCat("'", v, "'");
}

template <size_t N>
bool OneOf(absl::string_view v, const absl::string_view (&set)[N]) {
  for (auto s : set) {
    if (s == v) return true;
  }
  return false;
}

template <size_t N>
std::string CodeList(const absl::string_view (&set)[N]) {
  return absl::StrJoin(set, ", ");
}

bool OneOf(absl::string_view v, absl::Span<const absl::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string CodeList(absl::Span<const absl::string_view> set) { return absl::StrJoin(set, ", "); }

// ---------------------------------------------------------------------------------------
// Code lists (DfE SSDA903 guidance, as checked by the rule named beside each).

constexpr absl::string_view kRne[] = {"S", "P", "L", "T", "U", "B"};  // 143
constexpr absl::string_view kLegalStatus[] = {"C1", "C2", "D1", "E1", "V2", "V3", "V4",  // 144
                                             "J1", "J2", "J3", "L1", "L2", "L3"};
constexpr absl::string_view kCin[] = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"};  // 145
// 146: the union of the 2015-16 to 2026-27 lists, for a return whose year is not known
// (PlacementCodes below gives one year's list).
constexpr absl::string_view kPlace[] = {"A3",  "A4",  "A5",  "A6",  "H5", "K1", "K2", "K3", "P1", "P2",
                                       "P3",  "R1",  "R2",  "R3",  "R5", "S1", "T0", "T1", "T2", "T3",
                                       "T4",  "U1",  "U2",  "U3",  "U4", "U5", "U6", "Z1", "Z11", "Z12",
                                       "Z13", "Z14"};
constexpr absl::string_view kProvider[] = {"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"};  // 178
// 178: temporary placements and "other" placements take no provider.
constexpr absl::string_view kPlaceWithoutProvider[] = {"T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13",
                                                      "Z14"};
constexpr absl::string_view kRec[] = {"E11", "E12", "E2",  "E3",  "E4A", "E4B", "E13", "E41",  // 149
                                     "E45", "E46", "E47", "E48", "E5",  "E6",  "E7",  "E8",
                                     "E9",  "E14", "E15", "E16", "E17", "X1"};
constexpr absl::string_view kPlaceChange[] = {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR",  "CREQB",  // 1009
                                             "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"};
constexpr absl::string_view kEthnic[] = {"WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA",  // 103
                                        "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
                                        "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};
// 101: 1 and 2 until 2023-24; M, F and U (unknown) from 2024-25. kSex is the union, for
// a return whose year is not known (SexCodes gives one year's list).
constexpr absl::string_view kSex[] = {"1", "2", "M", "F", "U"};
constexpr absl::string_view kReviewCode[] = {"PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"};  // 167
constexpr absl::string_view kInTouch[] = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"};                // 131
constexpr absl::string_view kActivity[] = {"F1", "P1", "F2", "P2", "F4", "P4",                         // 132
                                          "F5", "P5", "G4", "G5", "G6", "0"};
constexpr absl::string_view kAccommodation[] = {"B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2",  // 133
                                               "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2",
                                               "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1",
                                               "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0"};
constexpr absl::string_view kZeroOne[] = {"0", "1"};                                           // 114, 181
constexpr absl::string_view kAdopterNumber[] = {"1", "2"};                                     // 175
constexpr absl::string_view kAdopterSex[] = {"M1", "F1", "MM", "FF", "MF"};                    // 176
constexpr absl::string_view kAdopterStatus[] = {"L0", "L11", "L12", "L2", "L3", "L4"};         // 177
constexpr absl::string_view kPlacedCeasedReason[] = {"RD1", "RD2", "RD3", "RD4"};              // 120
constexpr absl::string_view kSdqReason[] = {"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"};           // 196
constexpr absl::string_view kPrevPerm[] = {"P1", "P2", "P3", "P4", "Z1"};                      // 631
constexpr absl::string_view kMissingType[] = {"M", "A"};                                       // 1006
constexpr absl::string_view kSwReason[] = {"MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC",  // SW13STG1
                                          "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"};
constexpr absl::string_view kOutsideEngland[] = {"WAL", "SCO", "NUK", "NIR"};  // 633

// Code lists that change with the collection year (2016 for 2015-16): DfE's rules 101 and
// 146 for each year, as data-to-insight's rule sets lac2022_23 to lac2026_27 carry them
// (except that its 2024-25 list spells K3 in lower case, which DfE's codes never are).
// 101 sex: 1 (male), 2 (female) to 2023-24; M, F, U (not known) from 2024-25.
constexpr absl::string_view kSexTo2024[] = {"1", "2"};
constexpr absl::string_view kSexFrom2025[] = {"M", "F", "U"};
// 146 placement type: the 2015-16 to 2023-24 list; 2024-25 adds K3; 2025-26 withdraws H5,
// P2 and Z1 and adds Z11 to Z14.
constexpr absl::string_view kPlaceTo2024[] = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2",
                                             "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2",
                                             "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"};
constexpr absl::string_view kPlace2025[] = {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2",
                                           "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3",
                                           "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"};
constexpr absl::string_view kPlaceFrom2026[] = {"A3", "A4", "A5", "A6", "K1",  "K2",  "K3",  "P1",
                                               "P3", "R1", "R2", "R3", "R5",  "S1",  "T0",  "T1",
                                               "T2", "T3", "T4", "U1", "U2",  "U3",  "U4",  "U5",
                                               "U6", "Z11", "Z12", "Z13", "Z14"};
// The first collection year whose placement list is known here (2015-16): an older
// return is checked against the union.
constexpr int kFirstPlacementListYear = 2016;

// The sex codes valid in `year` (0: not known, every year's codes).
absl::Span<const absl::string_view> SexCodes(int year) {
  if (year == 0) return kSex;
  return year <= 2024 ? absl::Span<const absl::string_view>(kSexTo2024) : kSexFrom2025;
}

// The placement codes valid in `year` (0 or before 2015-16: every year's codes).
absl::Span<const absl::string_view> PlacementCodes(int year) {
  if (year < kFirstPlacementListYear) return kPlace;
  if (year <= 2024) return kPlaceTo2024;
  return year == 2025 ? absl::Span<const absl::string_view>(kPlace2025) : kPlaceFrom2026;
}

// "2024-25" for the collection year 2025.
std::string YearName(int year) { return FormatPeriod(FinancialYear(year - 1)); }

// 168: a letter other than I, O or S, then 12 digits or 11 digits and a letter.
bool IsUpn(absl::string_view v) {
  if (v.size() != 13) return false;
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!upper(v[0]) || v[0] == 'I' || v[0] == 'O' || v[0] == 'S') return false;
  for (size_t i = 1; i < 12; ++i) {
    if (!digit(v[i])) return false;
  }
  return digit(v[12]) || upper(v[12]);
}

bool IsUnknownUpn(absl::string_view v) { return v.size() == 3 && v.substr(0, 2) == "UN" && v[2] >= '1' && v[2] <= '5'; }

// The outward code of a postcode ("EG19 7TT" -> "EG19"), or "" when it is not one: only
// the district is kept, never the full postcode.
std::string PostcodeDistrict(absl::string_view raw) {
  std::string v = Upper(raw);
  if (v.empty()) return "";
  std::string out;
  if (size_t sp = v.find(' '); sp != std::string::npos) {
    out = v.substr(0, sp);
  } else if (v.size() >= 5 && v.size() <= 7) {
    out = v.substr(0, v.size() - 3);  // the inward code is always three characters
  }
  if (out.size() < 2 || out.size() > 4 || !std::isalpha(static_cast<unsigned char>(out[0]))) return "";
  for (char c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
  }
  return out;
}

// DATE_PERM may replace unknown parts by ZZ (day, month) or ZZZZ (year).
bool IsPartialUkDate(absl::string_view v) {
  if (v.size() != 10 || v[2] != '/' || v[5] != '/') return false;
  auto part = [&](size_t at, size_t len, int lo, int hi) {
    absl::string_view p = v.substr(at, len);
    if (p == std::string(len, 'Z')) return true;
    int n = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + (c - '0');
    }
    return n >= lo && n <= hi;
  };
  return part(0, 2, 1, 31) && part(3, 2, 1, 12) && part(6, 4, 1900, 2999) && v.find('Z') != absl::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Rows and records.

// One row of one table: values in the order of the table's columns.
struct Row {
  const TableSpec* spec = nullptr;
  std::vector<std::string> values;
  int64_t line = 0;
  // The XML HEADER's UASC (0 or 1), which the CSV Header table does not have.
  std::optional<std::string> uasc;

  const std::string& Get(absl::string_view column) const {
    static const std::string* empty = new std::string();
    int i = ColumnIndex(*spec, column);
    return i >= 0 && static_cast<size_t>(i) < values.size() ? values[i] : *empty;
  }
};

// An Episodes row held until all of its child's episodes are known. The codes are kept
// as given (upper-cased) because rules 142, 357, 361 and 388 read them even when the
// record drops them as invalid.
struct PendingEpisode {
  v1::Record record;
  std::string child;
  int32_t decom = 0;
  std::optional<int32_t> dec;
  std::string rne, ls, rec, place;
};

// A PrevPerm row held until its child's episodes are known (rule 632 compares DATE_PERM
// with the start of the child's first episode).
struct PendingPerm {
  v1::Record record;
  std::string child;
  // The earliest day DATE_PERM can mean (ZZ parts taken as the first day or month);
  // nullopt when it is blank, not a date, or its year is not known.
  std::optional<int32_t> earliest;
  std::string shown;  // DATE_PERM as given, upper-cased
};

constexpr int kMaxFatalIssues = 100;

class RowBuilder {
 public:
  RowBuilder(const std::string& file, ParseSink& sink, const Ssda903Options& options)
      : file_(file), sink_(sink), collection_year_(options.collection_year) {}

  // Too many fatal problems to be worth listing: the reader stops.
  bool Stopped() const { return stopped_; }

  // Reports a problem that makes the file unusable. After kMaxFatalIssues of them the
  // rest are not listed: the file cannot be stored either way.
  void Fatal(std::string rule, int64_t line, std::string field, std::string child, std::string what) {
    if (stopped_) return;
    if (++fatal_count_ > kMaxFatalIssues) {
      sink_.OnIssue(MakeIssue("structure", v1::ERROR,
                              absl::StrCat(file_, ": more than ", kMaxFatalIssues,
                                           " problems that stop the file being read; the rest are not listed"),
                              file_, line),
                    true);
      stopped_ = true;
      return;
    }
    // The child is named by the issue's `child` field only: a message never holds an id.
    std::string where = absl::StrCat(file_, " line ", line);
    sink_.OnIssue(MakeIssue(std::move(rule), v1::ERROR, absl::StrCat(where, ": ", what), file_, line, field,
                            child, field),
                  true);
  }

  // Notes an episode start for the inference of the collection year.
  void NoteDecom(int32_t d) {
    if (!latest_decom_ || d > *latest_decom_) latest_decom_ = d;
  }
  void SetLatestDecom(std::optional<int32_t> d) { latest_decom_ = d; }

  // Builds the record of one row and passes it on; Episodes rows wait for FlushEpisodes.
  void Add(const Row& row);
  // Applies the per-child episode rules and passes the held episodes on in the order
  // they were added.
  void FlushEpisodes();

 private:
  // What one row is being turned into: issues on it name its line, child and field.
  struct Ctx {
    const Row& row;
    const std::string& child;
    v1::Record* rec;
  };

  // An issue on a record that is still stored: it carries the rule, and an error
  // excludes it from metrics.
  void Flag(const Ctx& c, const std::string& rule, v1::Severity severity, absl::string_view field,
            absl::string_view what) {
    Flag(c.rec, c.row.line, c.child, rule, severity, field, what);
  }
  void Flag(v1::Record* rec, int64_t line, const std::string& child, const std::string& rule,
            v1::Severity severity, absl::string_view field, absl::string_view what) {
    if (std::find(rec->issue_rules().begin(), rec->issue_rules().end(), rule) == rec->issue_rules().end()) {
      rec->add_issue_rules(rule);
    }
    if (severity == v1::ERROR) rec->set_has_error(true);
    sink_.OnIssue(MakeIssue(rule, severity,
                            absl::StrCat(file_, " line ", line, ": ", what, " (rule ", rule, ")"),
                            file_, line, std::string(field), child, std::string(field)),
                  false);
  }

  // A code from `codes`, upper-cased; an invalid one is reported under `rule` and left
  // out of the record. Blank is allowed unless `required`.
  template <size_t N>
  std::string Code(const Ctx& c, absl::string_view column, const absl::string_view (&codes)[N], const char* rule,
                   absl::string_view what, bool required = false) {
    return Code(c, column, absl::Span<const absl::string_view>(codes), rule, what, "", required);
  }
  // `when` (" in 2024-25") follows "code" in the message when the list is one year's.
  std::string Code(const Ctx& c, absl::string_view column, absl::Span<const absl::string_view> codes,
                   const char* rule, absl::string_view what, absl::string_view when, bool required) {
    std::string v = Upper(c.row.Get(column));
    if (v.empty() && !required) return "";
    if (OneOf(v, codes)) return v;
    Flag(c, rule, v1::ERROR, column,
         v.empty() ? absl::StrCat(column, " (", what, ") is blank: expected one of ", CodeList(codes))
                   : absl::StrCat(column, " ", ShowValue(std::string(column), c.row.Get(column)), " is not a valid ",
                                  what, " code", when, ": expected ", CodeList(codes)));
    return "";
  }

  // The collection year (2016 for 2015-16): as given, else from the latest DECOM seen so
  // far (all of the file's, for XML that could be read twice); 0 when not known.
  int Year() const {
    if (collection_year_ != 0) return collection_year_;
    return latest_decom_ ? FinancialYearOf(*latest_decom_) + 1 : 0;
  }

  // A dd/mm/YYYY date; a value that is not one is reported under `rule`. Blank gives
  // nothing, or an issue too when `required`.
  std::optional<int32_t> Date(const Ctx& c, absl::string_view column, const char* rule, absl::string_view what,
                              bool required = false) {
    const std::string& v = c.row.Get(column);
    if (v.empty()) {
      if (required) {
        Flag(c, rule, v1::ERROR, column, absl::StrCat(column, " (", what, ") is blank"));
      }
      return std::nullopt;
    }
    auto d = ParseUkDate(v);
    if (!d) {
      Flag(c, rule, v1::ERROR, column,
           absl::StrCat(column, " ", ShowValue(std::string(column), v), " (", what, ") is not a date (expected dd/mm/yyyy)"));
    }
    return d;
  }

  // The date a record is about. Blank or not a date, the row gives no record: it is
  // reported as an error under `rule` and left out, and the rest of the file is read
  // (as DfE's tools do: one bad row does not make the file unreadable).
  std::optional<int32_t> KeyDate(const Row& row, const std::string& child, absl::string_view column,
                                 const char* rule, absl::string_view what) {
    const std::string& v = row.Get(column);
    auto d = ParseUkDate(v);
    if (!d) {
      const std::string problem =
          v.empty() ? absl::StrCat(column, " (", what, ") is blank: every ", row.spec->title, " row needs it")
                    : absl::StrCat(column, " ", ShowValue(std::string(column), v), " (", what,
                                   ") is not a date (expected dd/mm/yyyy)");
      sink_.OnIssue(MakeIssue(rule, v1::ERROR,
                              absl::StrCat(file_, " line ", row.line, ": ", problem, ", so the ", row.spec->title,
                                           " row is left out (rule ", rule, ")"),
                              file_, row.line, std::string(column), child, std::string(column)),
                    false);
    }
    return d;
  }

  void EndBefore(const Ctx& c, std::optional<int32_t> start, std::optional<int32_t> end, const char* rule,
                 absl::string_view start_col, absl::string_view end_col) {
    if (start && end && *end < *start) {
      Flag(c, rule, v1::ERROR, end_col,
           absl::StrCat(end_col, " ", FormatUkDate(*end), " is before ", start_col, " ", FormatUkDate(*start)));
    }
  }

  void Emit(v1::Record rec, const std::string& child) { sink_.OnRecord(std::move(rec), child); }

  void AddHeader(const Ctx& c);
  void AddEpisode(const Row& row, const std::string& child);
  void AddReview(const Ctx& c);
  void AddUasc(const Ctx& c);
  void AddOc2(const Ctx& c);
  void AddOc3(const Ctx& c);
  void AddAd1(const Ctx& c);
  void AddPlacedAdoption(const Ctx& c);
  void AddPrevPerm(const Ctx& c);
  void AddMissing(const Ctx& c);
  void AddSwEpisode(const Ctx& c);
  void AddDolo(const Ctx& c);

  void EpisodeRules(std::vector<PendingEpisode*>& eps);
  void PermanenceRules(PendingPerm& perm, const std::vector<PendingEpisode*>* eps);

  const std::string file_;
  ParseSink& sink_;
  int collection_year_;
  std::optional<int32_t> latest_decom_;
  std::vector<PendingEpisode> episodes_;
  std::vector<PendingPerm> perms_;
  int fatal_count_ = 0;
  bool stopped_ = false;
};

void RowBuilder::Add(const Row& row) {
  if (stopped_) return;
  const std::string child = Trim(row.Get("CHILD"));
  if (child.empty()) {
    // A row no child can be keyed to is reported and left out; the rest of the file is
    // read and stored (one bad row never hides the rest).
    sink_.OnIssue(MakeIssue("child-id", v1::ERROR,
                            absl::StrCat(file_, " line ", row.line, ": CHILD is empty, so this ", row.spec->title,
                                         " row is left out (every row needs the child's identifier)"),
                            file_, row.line, "CHILD", "", "CHILD"),
                  false);
    return;
  }
  if (validation::RowCollector* rows = sink_.Ssda903Rows()) {
    // The rule engine's copy, checked once the return's tables are all read.
    const std::string_view title(row.spec->title.data(), row.spec->title.size());
    validation::Row& r = rows->NewRow(title, row.line, file_, child);
    // Blank cells are not kept (a rule reads a blank and an absent column alike, "" from
    // Get): a return's rows are held until its tables are all read, and most of a row's
    // optional columns are blank.
    r.items.reserve(row.spec->columns.size());
    for (size_t i = 0; i < row.spec->columns.size() && i < row.values.size(); ++i) {
      std::string v = Trim(row.values[i]);
      if (v.empty()) continue;
      const absl::string_view col = row.spec->columns[i];
      r.Set(std::string_view(col.data(), col.size()), std::move(v), 0);
    }
    r.items.shrink_to_fit();
    if (row.uasc) r.Set("UASC", Trim(*row.uasc), 0);
    if (const int y = Year()) rows->NoteYear(y);
  }
  const absl::string_view t = row.spec->name;
  if (t == "episodes") {
    AddEpisode(row, child);
    return;
  }
  v1::Record rec;
  rec.set_line(row.line);
  Ctx c{row, child, &rec};
  if (t == "header") {
    AddHeader(c);
  } else if (t == "reviews") {
    AddReview(c);
  } else if (t == "uasc") {
    AddUasc(c);
  } else if (t == "oc2") {
    AddOc2(c);
  } else if (t == "oc3") {
    AddOc3(c);
  } else if (t == "ad1") {
    AddAd1(c);
  } else if (t == "placed_adoption") {
    AddPlacedAdoption(c);
  } else if (t == "prev_perm") {
    AddPrevPerm(c);
    perms_.back().record = std::move(rec);  // held for rule 632 until FlushEpisodes
    return;
  } else if (t == "missing") {
    AddMissing(c);
  } else if (t == "sw_episodes") {
    AddSwEpisode(c);
  } else if (t == "dolo") {
    AddDolo(c);
  }
  // A key date that is not one leaves the record without its kind: nothing to pass on.
  if (rec.kind_case() != v1::Record::KIND_NOT_SET) Emit(std::move(rec), child);
}

void RowBuilder::AddHeader(const Ctx& c) {
  v1::Child* ch = c.rec->mutable_child();
  const int year = Year();
  std::string sex = Code(c, "SEX", SexCodes(year), "101", "sex", year ? absl::StrCat(" in ", YearName(year)) : "",
                         /*required=*/true);
  if (sex == "1" || sex == "M") {
    ch->set_sex(v1::MALE);
  } else if (sex == "2" || sex == "F") {
    ch->set_sex(v1::FEMALE);
  } else if (sex == "U" || !c.row.Get("SEX").empty()) {
    ch->set_sex(v1::SEX_UNKNOWN);  // stated, but not as male or female
  }
  if (auto d = Date(c, "DOB", "102", "date of birth", /*required=*/true)) {
    *ch->mutable_birth_date() = FromDays(*d);
    // DfE rule 301: a date of birth after the collection year ended (the date itself is
    // not repeated: it identifies the child).
    if (collection_year_ != 0 && *d > FinancialYearEnd(collection_year_ - 1)) {
      Flag(c, "301", v1::ERROR, "DOB",
           absl::StrCat("DOB (date of birth) is after the end of the collection year, ",
                        FormatUkDate(FinancialYearEnd(collection_year_ - 1))));
    }
  }
  ch->set_ethnicity(Code(c, "ETHNIC", kEthnic, "103", "ethnicity", /*required=*/true));
  const std::string upn = Upper(c.row.Get("UPN"));
  ch->set_upn_known(IsUpn(upn));
  if (!upn.empty() && !IsUpn(upn) && !IsUnknownUpn(upn)) {
    // The value itself is not repeated: a UPN identifies a pupil.
    Flag(c, "168", v1::ERROR, "UPN",
         "UPN is not a valid Unique Pupil Number (a letter other than I, O or S and 12 digits, or 11 digits "
         "and a letter); if it is unknown use UN1 to UN5");
  }
  if (c.row.uasc) {
    const std::string uasc = Trim(*c.row.uasc);
    if (uasc == "0" || uasc == "1") {
      ch->set_uasc(uasc == "1");
      ch->set_uasc_known(true);
    } else {
      Flag(c, "105", v1::ERROR, "UASC",
           uasc.empty() ? std::string("UASC is blank: expected 0 or 1")
                        : absl::StrCat("UASC ", Shown(uasc), " is not 0 or 1"));
    }
  }
}

void RowBuilder::AddEpisode(const Row& row, const std::string& child) {
  auto decom = KeyDate(row, child, "DECOM", "141", "date episode began");
  if (!decom) return;
  NoteDecom(*decom);
  PendingEpisode p;
  p.child = child;
  p.decom = *decom;
  p.rne = Upper(row.Get("RNE"));
  p.ls = Upper(row.Get("LS"));
  p.rec = Upper(row.Get("REC"));
  p.place = Upper(row.Get("PLACE"));
  p.record.set_line(row.line);
  Ctx c{row, p.child, &p.record};
  v1::CareEpisode* e = p.record.mutable_care_episode();
  *e->mutable_start_date() = FromDays(*decom);
  e->set_reason_new_episode(Code(c, "RNE", kRne, "143", "reason for new episode"));
  e->set_legal_status(Code(c, "LS", kLegalStatus, "144", "legal status"));
  e->set_cin_category(Code(c, "CIN", kCin, "145", "category of need"));
  e->set_placement(Code(c, "PLACE", kPlace, "146", "placement type"));
  const std::string provider = Upper(row.Get("PLACE_PROVIDER"));
  if (!provider.empty()) {
    if (!OneOf(provider, kProvider)) {
      Flag(c, "178", v1::ERROR, "PLACE_PROVIDER",
           absl::StrCat("PLACE_PROVIDER ", Shown(row.Get("PLACE_PROVIDER")),
                        " is not a valid placement provider code: expected ", CodeList(kProvider)));
    } else if (OneOf(e->placement(), kPlaceWithoutProvider)) {
      Flag(c, "178", v1::ERROR, "PLACE_PROVIDER",
           absl::StrCat("PLACE_PROVIDER ", provider, " is given for placement ", e->placement(),
                        ", which takes no provider (", CodeList(kPlaceWithoutProvider), ")"));
    } else {
      e->set_provider(provider);
    }
  }
  p.dec = Date(c, "DEC", "147", "date episode ceased");
  if (p.dec) *e->mutable_end_date() = FromDays(*p.dec);
  e->set_reason_ceased(Code(c, "REC", kRec, "149", "reason episode ceased"));
  if (row.Get("DEC").empty() != p.rec.empty()) {
    Flag(c, "148", v1::ERROR, p.rec.empty() ? "REC" : "DEC",
         p.rec.empty() ? "DEC is given but REC is blank: date and reason episode ceased must both be coded, or "
                         "both left blank"
                       : "REC is given but DEC is blank: date and reason episode ceased must both be coded, or "
                         "both left blank");
  }
  if (p.dec && *p.dec < *decom) {
    Flag(c, "356", v1::ERROR, "DEC",
         absl::StrCat("DEC ", FormatUkDate(*p.dec), " is before DECOM ", FormatUkDate(*decom),
                      ": the episode ceased before it began"));
  }
  e->set_reason_place_change(Code(c, "REASON_PLACE_CHANGE", kPlaceChange, "1009", "reason for placement change"));
  e->set_home_postcode_district(PostcodeDistrict(row.Get("HOME_POST")));
  e->set_placement_postcode_district(PostcodeDistrict(row.Get("PL_POST")));
  episodes_.push_back(std::move(p));
}

void RowBuilder::AddReview(const Ctx& c) {
  auto d = KeyDate(c.row, c.child, "REVIEW", "166", "date of review");
  if (!d) return;
  v1::LacReview* r = c.rec->mutable_review();
  *r->mutable_review_date() = FromDays(*d);
  r->set_participation(Code(c, "REVIEW_CODE", kReviewCode, "167", "participation", /*required=*/true));
}

void RowBuilder::AddUasc(const Ctx& c) {
  v1::UascStatus* u = c.rec->mutable_uasc();
  if (auto d = Date(c, "DUC", "104", "date UASC status ceased")) *u->mutable_ceased_date() = FromDays(*d);
}

void RowBuilder::AddOc2(const Ctx& c) {
  v1::LacOutcomes* o = c.rec->mutable_lac_outcomes();
  const std::string score = Trim(c.row.Get("SDQ_SCORE"));
  if (!score.empty()) {
    int n = 0;
    bool ok = score.size() <= 2;
    // Digits are read only while the length check holds, so n cannot overflow.
    for (char ch : score) {
      if (ch < '0' || ch > '9' || !ok) {
        ok = false;
        break;
      }
      n = n * 10 + (ch - '0');
    }
    if (ok && n <= 40) {
      o->set_sdq_score(n);
      o->set_sdq_score_known(true);
    } else {
      Flag(c, "180", v1::ERROR, "SDQ_SCORE",
           absl::StrCat("SDQ_SCORE ", Shown(score), " is not a whole number from 0 to 40"));
    }
  }
  o->set_sdq_reason(Code(c, "SDQ_REASON", kSdqReason, "196", "reason for no SDQ score"));
  o->set_convicted(Code(c, "CONVICTED", kZeroOne, "181", "0 or 1"));
  o->set_health_check(Code(c, "HEALTH_CHECK", kZeroOne, "181", "0 or 1"));
  o->set_immunisations(Code(c, "IMMUNISATIONS", kZeroOne, "181", "0 or 1"));
  o->set_teeth_check(Code(c, "TEETH_CHECK", kZeroOne, "181", "0 or 1"));
  o->set_health_assessment(Code(c, "HEALTH_ASSESSMENT", kZeroOne, "181", "0 or 1"));
  o->set_substance_misuse(Code(c, "SUBSTANCE_MISUSE", kZeroOne, "181", "0 or 1"));
  o->set_intervention_received(Code(c, "INTERVENTION_RECEIVED", kZeroOne, "181", "0 or 1"));
  o->set_intervention_offered(Code(c, "INTERVENTION_OFFERED", kZeroOne, "181", "0 or 1"));
}

void RowBuilder::AddOc3(const Ctx& c) {
  v1::CareLeaver* l = c.rec->mutable_care_leaver();
  if (auto d = Date(c, "DOB", "date", "date of birth")) *l->mutable_birth_date() = FromDays(*d);
  l->set_in_touch(Code(c, "IN_TOUCH", kInTouch, "131", "in touch", /*required=*/true));
  l->set_activity(Code(c, "ACTIV", kActivity, "132", "activity after leaving care"));
  l->set_accommodation(Code(c, "ACCOM", kAccommodation, "133", "accommodation after leaving care"));
}

void RowBuilder::AddAd1(const Ctx& c) {
  v1::Adoption* a = c.rec->mutable_adoption();
  a->set_source_table("ad1");
  // DATE_INT is the date of the LA's decision that the child should be placed for
  // adoption (rule 112 "date should be placed"; rule 523 requires it to equal
  // PlacedAdoption DATE_PLACED), not the court's authority.
  auto decided = Date(c, "DATE_INT", "112", "date should be placed for adoption");
  if (decided) *a->mutable_decision_date() = FromDays(*decided);
  auto matched = Date(c, "DATE_MATCH", "113", "date matched with adopters");
  if (matched) *a->mutable_match_date() = FromDays(*matched);
  if (matched && decided && *decided > *matched) {
    Flag(c, "333", v1::ERROR, "DATE_INT",
         absl::StrCat("DATE_INT ", FormatUkDate(*decided), " is after DATE_MATCH ", FormatUkDate(*matched),
                      ": the decision that the child should be placed for adoption must be on or before the match"));
  } else if (matched && !decided && c.row.Get("DATE_INT").empty()) {
    Flag(c, "333", v1::ERROR, "DATE_INT",
         "DATE_MATCH is given but DATE_INT (date should be placed for adoption) is blank");
  }
  std::string foster = Code(c, "FOSTER_CARE", kZeroOne, "114", "adopted by former foster carer");
  if (!foster.empty()) {
    a->set_adopted_by_foster_carer(foster == "1");
    a->set_adopted_by_foster_carer_known(true);
  }
  std::string number = Code(c, "NB_ADOPTR", kAdopterNumber, "175", "number of adopters");
  if (!number.empty()) a->set_adopter_number(number[0] - '0');
  a->set_adopter_sex(Code(c, "SEX_ADOPTR", kAdopterSex, "176", "sex of adopters"));
  a->set_adopter_legal_status(Code(c, "LS_ADOPTR", kAdopterStatus, "177", "legal status of adopters"));
}

void RowBuilder::AddPlacedAdoption(const Ctx& c) {
  v1::Adoption* a = c.rec->mutable_adoption();
  a->set_source_table("placed_adoption");
  auto placed = Date(c, "DATE_PLACED", "115", "date of the decision that the child should be placed for adoption");
  if (placed) *a->mutable_decision_date() = FromDays(*placed);
  auto ceased = Date(c, "DATE_PLACED_CEASED", "116",
                     "date of the decision that the child should no longer be placed for adoption");
  if (ceased) *a->mutable_decision_ceased_date() = FromDays(*ceased);
  a->set_decision_ceased_reason(
      Code(c, "REASON_PLACED_CEASED", kPlacedCeasedReason, "120", "reason no longer placed for adoption"));
  const bool has_date = !c.row.Get("DATE_PLACED_CEASED").empty();
  const bool has_reason = !c.row.Get("REASON_PLACED_CEASED").empty();
  if (has_date != has_reason) {
    Flag(c, "119", v1::ERROR, has_date ? "REASON_PLACED_CEASED" : "DATE_PLACED_CEASED",
         "DATE_PLACED_CEASED and REASON_PLACED_CEASED must both be completed when the decision to place for "
         "adoption is reversed, or both left blank");
  }
  EndBefore(c, placed, ceased, "522", "DATE_PLACED", "DATE_PLACED_CEASED");
}

void RowBuilder::AddPrevPerm(const Ctx& c) {
  v1::PreviousPermanence* p = c.rec->mutable_previous_permanence();
  p->set_option(Code(c, "PREV_PERM", kPrevPerm, "631", "previous permanence option"));
  const std::string la = Upper(c.row.Get("LA_PERM"));
  if (!la.empty()) {
    if (IsDfeLaCode(la) || OneOf(la, kOutsideEngland)) {
      p->set_la(la);
    } else {
      Flag(c, "633", v1::ERROR, "LA_PERM",
           absl::StrCat("LA_PERM ", Shown(c.row.Get("LA_PERM")),
                        " is not a DfE local authority code (an English LA's three-digit code, current or "
                        "withdrawn, or WAL, SCO, NUK, NIR)"));
    }
  }
  PendingPerm pending;
  pending.child = c.child;
  const std::string date = Upper(c.row.Get("DATE_PERM"));
  pending.shown = date;
  if (!date.empty()) {
    if (auto d = ParseUkDate(date)) {
      *p->mutable_order_date() = FromDays(*d);
      pending.earliest = d;
    } else if (IsPartialUkDate(date)) {
      p->set_order_date_partial(date);
      if (date.substr(6, 4) != "ZZZZ") {
        auto part = [&](size_t at, size_t len) {
          int n = 0;
          for (char ch : date.substr(at, len)) n = ch == 'Z' ? 0 : n * 10 + (ch - '0');
          return n == 0 ? 1 : n;
        };
        pending.earliest = DayNumber(part(6, 4), part(3, 2), part(0, 2));
      }
    } else {
      Flag(c, "632", v1::ERROR, "DATE_PERM",
           absl::StrCat("DATE_PERM ", Shown(c.row.Get("DATE_PERM")),
                        " is not a date (expected dd/mm/yyyy, with ZZ or ZZZZ for parts that are not known)"));
    }
  }
  perms_.push_back(std::move(pending));
}

void RowBuilder::AddMissing(const Ctx& c) {
  auto start = KeyDate(c.row, c.child, "MIS_START", "1004", "date started to be missing");
  if (!start) return;
  v1::MissingEpisode* m = c.rec->mutable_missing_episode();
  *m->mutable_start_date() = FromDays(*start);
  m->set_kind(Code(c, "MISSING", kMissingType, "1006", "missing type (M missing, A away without authorisation)"));
  auto end = Date(c, "MIS_END", "1005", "date ceased to be missing");
  if (end) *m->mutable_end_date() = FromDays(*end);
  EndBefore(c, start, end, "567", "MIS_START", "MIS_END");
}

void RowBuilder::AddSwEpisode(const Ctx& c) {
  auto start = KeyDate(c.row, c.child, "SW_DECOM", "SW04STG1", "date social worker episode began");
  if (!start) return;
  v1::SocialWorkerEpisode* s = c.rec->mutable_social_worker_episode();
  *s->mutable_start_date() = FromDays(*start);
  auto end = Date(c, "SW_DEC", "SW05STG1", "date social worker episode ended");
  if (end) *s->mutable_end_date() = FromDays(*end);
  s->set_reason_changed(Code(c, "SW_REASON", kSwReason, "SW13STG1", "reason for social worker change"));
  // DfE has no code for this one (SW09STG2 is an episode of under 24 hours).
  EndBefore(c, start, end, "sw-date-order", "SW_DECOM", "SW_DEC");
}

void RowBuilder::AddDolo(const Ctx& c) {
  auto start = KeyDate(c.row, c.child, "DOLO_START", "700", "date the deprivation of liberty order started");
  if (!start) return;
  v1::DeprivationOfLiberty* d = c.rec->mutable_deprivation_of_liberty();
  *d->mutable_start_date() = FromDays(*start);
  auto end = Date(c, "DOLO_END", "701", "date the deprivation of liberty order ended");
  if (end) *d->mutable_end_date() = FromDays(*end);
  EndBefore(c, start, end, "702", "DOLO_START", "DOLO_END");
}

void RowBuilder::FlushEpisodes() {
  if (episodes_.empty() && perms_.empty()) return;
  // Episodes of a child are usually adjacent but need not be.
  std::map<std::string, std::vector<PendingEpisode*>> by_child;
  for (auto& p : episodes_) by_child[p.child].push_back(&p);
  for (auto& [child, eps] : by_child) EpisodeRules(eps);  // sorts each child's by DECOM
  for (auto& perm : perms_) {
    auto it = by_child.find(perm.child);
    PermanenceRules(perm, it == by_child.end() ? nullptr : &it->second);
    Emit(std::move(perm.record), perm.child);
  }
  perms_.clear();
  for (auto& p : episodes_) Emit(std::move(p.record), p.child);
  episodes_.clear();
}

void RowBuilder::PermanenceRules(PendingPerm& perm, const std::vector<PendingEpisode*>* eps) {
  // 632: "If provided <DATE_PERM> should be prior to <DECOM>": the start of the child's
  // first episode in the return. Only a table read with its child's episodes (the XML
  // return) can be checked. A date with unknown parts breaks it only when even its
  // earliest reading is not before DECOM; one with an unknown year never does.
  if (!eps || eps->empty() || !perm.earliest) return;
  const PendingEpisode* first = eps->front();
  if (*perm.earliest < first->decom) return;
  const bool partial = !perm.record.previous_permanence().has_order_date();
  Flag(&perm.record, perm.record.line(), perm.child, "632", v1::ERROR, "DATE_PERM",
       absl::StrCat("DATE_PERM ", perm.shown, partial ? " (at the earliest)" : "", " is not before DECOM ",
                    FormatUkDate(first->decom), ", the start of the child's first episode (line ",
                    first->record.line(), "): a previous permanence order must date from before the child "
                    "became looked after"));
}

void RowBuilder::EpisodeRules(std::vector<PendingEpisode*>& eps) {
  // In start order; rows with the same start keep the order of the file.
  std::stable_sort(eps.begin(), eps.end(),
                   [](const PendingEpisode* a, const PendingEpisode* b) { return a->decom < b->decom; });
  int year = collection_year_;
  if (year == 0 && latest_decom_) year = FinancialYearOf(*latest_decom_) + 1;
  const int32_t year_start = year ? FinancialYearStart(year - 1) : 0;
  const int32_t year_end = year ? FinancialYearEnd(year - 1) : 0;
  auto flag = [&](PendingEpisode* p, const char* rule, const char* field, const std::string& what) {
    Flag(&p->record, p->record.line(), p->child, rule, v1::ERROR, field, what);
  };
  const size_t n = eps.size();

  // 146 for the year: a code of some year's list that is not in this year's (Z11 before
  // 2025-26, Z1 or H5 from it, K3 before 2024-25). One of no year's list is flagged
  // already, as the row was read.
  if (year >= kFirstPlacementListYear) {
    const auto codes = PlacementCodes(year);
    for (PendingEpisode* p : eps) {
      v1::CareEpisode* e = p->record.mutable_care_episode();
      if (e->placement().empty() || OneOf(e->placement(), codes)) continue;
      flag(p, "146", "PLACE",
           absl::StrCat("PLACE ", Shown(p->place), " is not a valid placement type code in ", YearName(year),
                        ": expected ", CodeList(codes)));
      e->set_placement("");
    }
  }

  for (size_t i = 0; i < n; ++i) {
    PendingEpisode* p = eps[i];
    PendingEpisode* next = i + 1 < n ? eps[i + 1] : nullptr;
    // 142: only the latest episode may be open; one that a later episode follows must
    // have ended, with a reason.
    if (next && (!p->dec || p->rec.empty())) {
      flag(p, "142", p->dec ? "REC" : "DEC",
           absl::StrCat("the episode that began ", FormatUkDate(p->decom), " has no ",
                        p->dec ? "REC" : "DEC", " but a new episode began ", FormatUkDate(next->decom),
                        " (line ", next->record.line(), "): a new episode has started but the previous one has "
                        "not ended"));
    }
    // 501: episodes of a child do not overlap.
    if (i > 0 && eps[i - 1]->dec && p->decom < *eps[i - 1]->dec) {
      flag(p, "501", "DECOM",
           absl::StrCat("DECOM ", FormatUkDate(p->decom), " is before the previous episode (line ",
                        eps[i - 1]->record.line(), ") ended on ", FormatUkDate(*eps[i - 1]->dec),
                        ": a new episode has started before the end of the previous one"));
    }
    // 388: X1 means a new episode begins the same day; any other reason means care ended.
    if (next && p->dec && p->rec == "X1" && *p->dec != next->decom) {
      flag(p, "388", "REC",
           absl::StrCat("REC is X1 (new episode begins) but the next episode begins ", FormatUkDate(next->decom),
                        ", not on DEC ", FormatUkDate(*p->dec)));
    } else if (next && p->dec && !p->rec.empty() && p->rec != "X1" && *p->dec == next->decom) {
      flag(p, "388", "REC",
           absl::StrCat("REC is ", Shown(p->rec), " (ceased to be looked after) but a new episode begins on DEC ",
                        FormatUkDate(*p->dec), ": a continuing episode must have REC X1"));
    } else if (!next && p->dec && p->rec == "X1") {
      flag(p, "388", "REC",
           absl::StrCat("REC is X1 (new episode begins) but no episode begins on DEC ", FormatUkDate(*p->dec)));
    }
  }

  // 357: the first episode ever must start a period of care. Only an episode starting in
  // the collection year can be known to be the first: one open on 1 April may follow
  // episodes of earlier returns.
  if (year && eps[0]->decom >= year_start && eps[0]->rne != "S") {
    flag(eps[0], "357", "RNE",
         absl::StrCat("the child's first episode begins ", FormatUkDate(eps[0]->decom), " (in the collection year ",
                      FormatPeriod(FinancialYear(year - 1)), ") with RNE ",
                      eps[0]->rne.empty() ? std::string("blank") : Shown(eps[0]->rne),
                      ": if this is the first episode ever for this child, reason for new episode must be S; check "
                      "whether an episode immediately before it has been left out"));
  }

  // 361: police protection (L1) lasts at most 72 hours. Adjacent L1 episodes are one
  // period of police protection; an open one runs to the end of the collection year.
  for (size_t i = 0; i < n;) {
    if (eps[i]->ls != "L1") {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < n && eps[j + 1]->ls == "L1" && eps[j]->dec && *eps[j]->dec == eps[j + 1]->decom) ++j;
    std::optional<int32_t> end = eps[j]->dec;
    if (!end && year) end = year_end;
    if (end && *end - eps[i]->decom > 3) {
      for (size_t k = i; k <= j; ++k) {
        flag(eps[k], "361", "LS",
             absl::StrCat("LS L1 (police protection) from ", FormatUkDate(eps[i]->decom), " to ",
                          FormatUkDate(*end), eps[j]->dec ? "" : " (open at the end of the year)", " lasted ",
                          *end - eps[i]->decom,
                          " days, longer than the 72 hours the Children Act 1989 allows"));
      }
    }
    i = j + 1;
  }
}

// ---------------------------------------------------------------------------------------
// CSV.

absl::Status ParseCsv(std::istream& in, const std::string& table, const std::string& file, ParseSink& sink,
                      const Ssda903Options& options) {
  const TableSpec* spec = FindSpec(table);
  if (!spec) {
    sink.OnIssue(MakeIssue("format", v1::ERROR,
                           absl::StrCat(file, ": '", table, "' is not an SSDA903 table. ", Ssda903Tables()), file, 0),
                 true);
    return absl::OkStatus();
  }
  CsvReader reader(in);
  std::vector<std::string> fields;
  if (!reader.Next(&fields)) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           reader.error().empty() ? absl::StrCat(file, ": the file has no header row")
                                                  : absl::StrCat(file, ": ", reader.error()),
                           file, reader.error().empty() ? 0 : reader.line()),
                 true);
    return absl::OkStatus();
  }
  const std::string expected = absl::StrCat("expected the ", spec->title, " columns ", Ssda903TableColumns(table));
  std::vector<int> column_at(spec->columns.size(), -1);
  bool usable = true;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = ColumnName(fields[i]);
    const int c = ColumnIndex(*spec, name);
    if (c < 0) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat(file, " line 1: ", UnknownColumn(i, fields[i]), " in the ", spec->title,
                                          " table: ", expected),
                             file, 1, HeadingField(i, fields[i]), "", HeadingField(i, fields[i])),
                   true);
      usable = false;
    } else if (column_at[c] >= 0) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat(file, " line 1: column ", name, " appears twice: ", expected), file, 1,
                             name, "", name),
                   true);
      usable = false;
    } else {
      column_at[c] = static_cast<int>(i);
    }
  }
  for (size_t c = 0; c < spec->columns.size(); ++c) {
    if (column_at[c] >= 0) continue;
    const std::string name(spec->columns[c]);
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           absl::StrCat(file, " line 1: missing column ", name, " in the ", spec->title, " table: ",
                                        expected),
                           file, 1, name, "", name),
                 true);
    usable = false;
  }
  // Rows cannot be read against a header that is not the table's.
  if (!usable) return absl::OkStatus();
  if (validation::RowCollector* rows = sink.Ssda903Rows()) rows->ProvideTable(std::string_view(spec->title.data(), spec->title.size()));

  RowBuilder builder(file, sink, options);
  const size_t width = fields.size();
  Row row;
  row.spec = spec;
  while (!builder.Stopped() && reader.Next(&fields)) {
    row.line = reader.line();
    if (fields.size() != width) {
      builder.Fatal("structure", row.line, "", "",
                    absl::StrCat("the row has ", fields.size(), " fields but the header has ", width,
                                 " (a cut-short line or an unquoted comma)"));
      continue;
    }
    row.values.assign(spec->columns.size(), std::string());
    for (size_t c = 0; c < spec->columns.size(); ++c) row.values[c] = Trim(fields[column_at[c]]);
    builder.Add(row);
  }
  if (!reader.error().empty()) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR, absl::StrCat(file, ": ", reader.error()), file, reader.line()),
                 true);
  }
  builder.FlushEpisodes();
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// XML.

// The latest DECOM in the bytes of an XML return, for the collection year; the stream is
// put back where it was. nullopt when the stream cannot seek back (the year is then
// taken from the episodes read so far).
std::optional<int32_t> LatestDecomInXml(std::istream& in, bool* seekable) {
  *seekable = false;
  const std::streampos start = in.tellg();
  if (start == std::streampos(-1)) return std::nullopt;
  constexpr std::string_view kTag = "<DECOM>";
  std::optional<int32_t> latest;
  std::string carry;
  std::vector<char> buf(1 << 16);
  for (;;) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    std::string text = carry;
    text.append(buf.data(), static_cast<size_t>(n));
    size_t at = 0;
    for (;;) {
      at = text.find(kTag, at);
      if (at == std::string::npos || at + kTag.size() + 12 > text.size()) break;
      size_t v = at + kTag.size();
      while (v < text.size() && std::isspace(static_cast<unsigned char>(text[v]))) ++v;
      if (auto d = ParseUkDate(std::string_view(text).substr(v, std::min<size_t>(10, text.size() - v)))) {
        if (!latest || *d > *latest) latest = d;
      }
      at += kTag.size();
    }
    // A tag and its date may straddle two reads: the tail is read again with the next.
    // (A date seen twice does no harm to a maximum.)
    carry = text.size() > 40 ? text.substr(text.size() - 40) : text;
  }
  in.clear();
  in.seekg(start);
  if (!in) return std::nullopt;
  *seekable = true;
  return latest;
}

class XmlParser {
 public:
  XmlParser(const std::string& file, ParseSink& sink, const Ssda903Options& options)
      : file_(file), sink_(sink), builder_(file, sink, options) {
    parser_ = XML_ParserCreate(nullptr);
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &XmlParser::Start, &XmlParser::End);
    XML_SetCharacterDataHandler(parser_, &XmlParser::Text);
  }
  ~XmlParser() { XML_ParserFree(parser_); }
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  absl::Status Run(std::istream& in, const Ssda903Options& options) {
    if (options.collection_year == 0) {
      bool seekable = false;
      std::optional<int32_t> latest = LatestDecomInXml(in, &seekable);
      if (seekable) builder_.SetLatestDecom(latest);
    }
    std::vector<char> buf(1 << 16);
    for (;;) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const std::streamsize n = in.gcount();
      if (in.bad()) return absl::DataLossError(absl::StrCat(file_, ": read failed"));
      const bool last = n < static_cast<std::streamsize>(buf.size());
      if (XML_Parse(parser_, buf.data(), static_cast<int>(n), last) == XML_STATUS_ERROR) {
        const int64_t line = XML_GetCurrentLineNumber(parser_);
        sink_.OnIssue(MakeIssue("xml", v1::ERROR,
                                absl::StrCat(file_, " line ", line, " column ", XML_GetCurrentColumnNumber(parser_),
                                             ": malformed XML (", XML_ErrorString(XML_GetErrorCode(parser_)), ")"),
                                file_, line),
                      true);
        return absl::OkStatus();
      }
      if (last) break;
    }
    if (children_ == 0 && !wrong_root_) {
      sink_.OnIssue(MakeIssue("xml", v1::QUERY, absl::StrCat(file_, ": the return has no CHILD elements"), file_, 0),
                    false);
    }
    return absl::OkStatus();
  }

 private:
  // The elements of the CHILD being read: one child's worth, never the whole file.
  struct Node {
    std::string name;
    std::string text;
    int64_t line = 0;
    std::vector<int> kids;
  };
  static constexpr int kMaxDepth = 8;           // EXPSSDA903/CHILD/HEADER/AREVIEW/REVIEW is 5
  static constexpr size_t kMaxNodes = 200000;   // far beyond any child's history
  static constexpr size_t kMaxText = 4096;

  static void Start(void* self, const XML_Char* name, const XML_Char**) {
    static_cast<XmlParser*>(self)->OnStart(name);
  }
  static void End(void* self, const XML_Char*) { static_cast<XmlParser*>(self)->OnEnd(); }
  static void Text(void* self, const XML_Char* s, int len) {
    auto* p = static_cast<XmlParser*>(self);
    if (p->stack_.empty() || p->stack_.back() < 0) return;
    std::string& t = p->nodes_[p->stack_.back()].text;
    if (t.size() < kMaxText) t.append(s, static_cast<size_t>(std::min<int>(len, kMaxText)));
  }

  int64_t Line() const { return XML_GetCurrentLineNumber(parser_); }

  void OnStart(const std::string& name) {
    ++depth_;
    if (depth_ == 1) {
      if (name != "EXPSSDA903") {
        wrong_root_ = true;
        sink_.OnIssue(MakeIssue("xml", v1::ERROR,
                                absl::StrCat(file_, " line ", Line(), ": the root element is <", name,
                                             ">, expected <EXPSSDA903>"),
                                file_, Line()),
                      true);
      }
      return;
    }
    if (depth_ == 2) {
      nodes_.clear();
      stack_.clear();
      too_big_ = false;
      if (name != "CHILD") {
        sink_.OnIssue(MakeIssue("xml", v1::QUERY,
                                absl::StrCat(file_, " line ", Line(), ": element <", name,
                                             "> inside <EXPSSDA903> is not a CHILD; ignored"),
                                file_, Line()),
                      false);
        stack_.push_back(-1);
        return;
      }
      ++children_;
      nodes_.push_back(Node{name, "", Line(), {}});
      stack_.push_back(0);
      return;
    }
    const int parent = stack_.empty() ? -1 : stack_.back();
    if (parent < 0 || depth_ > kMaxDepth || too_big_) {
      stack_.push_back(-1);
      return;
    }
    if (nodes_.size() >= kMaxNodes) {
      too_big_ = true;
      builder_.Fatal("xml", nodes_[0].line, "", "",
                     absl::StrCat("the CHILD element has more than ", kMaxNodes, " elements"));
      stack_.push_back(-1);
      return;
    }
    const int id = static_cast<int>(nodes_.size());
    nodes_.push_back(Node{name, "", Line(), {}});
    nodes_[parent].kids.push_back(id);
    stack_.push_back(id);
  }

  void OnEnd() {
    if (depth_ == 2 && !stack_.empty() && stack_.back() == 0 && !too_big_) EndChild();
    if (!stack_.empty() && depth_ >= 2) stack_.pop_back();
    --depth_;
  }

  // Leaf elements of a node: name (as the CSV column) -> trimmed text.
  std::vector<std::pair<std::string, std::string>> Leaves(const Node& n) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (int k : n.kids) {
      const Node& c = nodes_[k];
      if (!c.kids.empty()) continue;
      std::string name = Upper(c.name);
      // The XML names two columns differently from the CSV tables.
      if (name == "CHILDID") name = "CHILD";
      if (name == "PL") name = "PLACE";
      out.emplace_back(std::move(name), Trim(c.text));
    }
    return out;
  }

  static std::string Find(const std::vector<std::pair<std::string, std::string>>& leaves, absl::string_view name) {
    for (const auto& [k, v] : leaves) {
      if (k == name) return v;
    }
    return "";
  }

  // A row of `spec` from the leaves of one element, CHILD and DOB (and SEX) from HEADER.
  Row MakeRow(const TableSpec& spec, const std::vector<std::pair<std::string, std::string>>& own,
              const std::vector<std::pair<std::string, std::string>>& header, int64_t line) const {
    Row row;
    row.spec = &spec;
    row.line = line;
    for (auto col : spec.columns) {
      std::string v = Find(own, col);
      if (v.empty() && (col == "CHILD" || col == "DOB" || col == "SEX")) v = Find(header, col);
      row.values.push_back(std::move(v));
    }
    return row;
  }

  static bool AnyOf(const std::vector<std::pair<std::string, std::string>>& leaves, const TableSpec& spec) {
    for (auto col : spec.columns) {
      if (col == "CHILD" || col == "DOB" || col == "SEX") continue;
      if (!Find(leaves, col).empty()) return true;
    }
    return false;
  }

  // One CHILD becomes the rows the CSV tables would hold for it.
  void EndChild() {
    const Node& child = nodes_[0];
    const Node* header = nullptr;
    for (int k : child.kids) {
      if (Upper(nodes_[k].name) == "HEADER") {
        header = &nodes_[k];
        break;
      }
    }
    const auto header_leaves = header ? Leaves(*header) : std::vector<std::pair<std::string, std::string>>();
    const int64_t header_line = header ? header->line : child.line;

    // Header: its table's columns plus UASC, which only the XML has.
    Row head = MakeRow(*FindSpec("header"), header_leaves, header_leaves, header_line);
    head.uasc = Find(header_leaves, "UASC");
    builder_.Add(head);
    if (Find(header_leaves, "CHILD").empty()) return;  // reported once, by the header row

    for (const char* table : {"uasc", "oc3", "ad1"}) {
      const TableSpec& spec = *FindSpec(table);
      // UASC 1 with a blank DUC is still a UASC child.
      bool present = AnyOf(header_leaves, spec) || (spec.name == "uasc" && Find(header_leaves, "UASC") == "1");
      if (present) builder_.Add(MakeRow(spec, header_leaves, header_leaves, header_line));
    }
    auto group = [&](const Node& n) {
      const auto own = Leaves(n);
      std::vector<std::string> names;
      for (const auto& [k, v] : own) names.push_back(k);
      const std::string element = Upper(n.name);
      const TableSpec* spec = element == "EPISODE" ? FindSpec("episodes") : BestTable(names);
      if (!spec || spec->name == "header") {
        sink_.OnIssue(MakeIssue("xml", v1::QUERY,
                                absl::StrCat(file_, " line ", n.line, ": element <", n.name, "> is not a known SSDA903 group; ignored"),
                                file_, n.line, n.name, Find(header_leaves, "CHILD")),
                      false);
        return;
      }
      if (own.empty() || !AnyOf(own, *spec)) return;  // an empty <OC2/> says nothing
      builder_.Add(MakeRow(*spec, own, header_leaves, n.line));
    };
    if (header) {
      for (int k : header->kids) {
        if (!nodes_[k].kids.empty()) group(nodes_[k]);
      }
    }
    for (int k : child.kids) {
      if (&nodes_[k] != header && !nodes_[k].kids.empty()) group(nodes_[k]);
    }
    // The episode rules apply within the CHILD.
    builder_.FlushEpisodes();
    // And the rule engine's, which has the whole CHILD now.
    if (validation::RowCollector* rows = sink_.Ssda903Rows()) rows->EndOfChild();
  }

  const std::string file_;
  ParseSink& sink_;
  RowBuilder builder_;
  XML_Parser parser_;
  int depth_ = 0;
  std::vector<Node> nodes_;
  std::vector<int> stack_;  // node ids of the open elements below the root; -1 ignored
  bool too_big_ = false;
  bool wrong_root_ = false;
  int64_t children_ = 0;
};

}  // namespace

std::string Ssda903TableOf(const std::vector<std::string>& header) {
  std::vector<std::string> names;
  for (const auto& h : header) {
    std::string n = ColumnName(h);
    if (!n.empty()) names.push_back(std::move(n));
  }
  if (std::find(names.begin(), names.end(), "CHILD") == names.end()) return "";
  for (const auto& spec : Specs()) {
    if (names.size() != spec.columns.size()) continue;
    bool all = true;
    for (auto c : spec.columns) all = all && std::find(names.begin(), names.end(), c) != names.end();
    if (all) return std::string(spec.name);
  }
  const TableSpec* best = BestTable(names);
  return best ? std::string(best->name) : "";
}

std::vector<std::string> Ssda903TableNames() {
  std::vector<std::string> out;
  for (const auto& spec : Specs()) out.emplace_back(spec.name);
  return out;
}

std::vector<std::string> Ssda903TableColumnList(const std::string& table) {
  std::vector<std::string> out;
  if (const TableSpec* spec = FindSpec(table)) {
    for (auto c : spec->columns) out.emplace_back(c);
  }
  return out;
}

std::string Ssda903TableColumns(const std::string& table) {
  const TableSpec* spec = FindSpec(table);
  return spec ? absl::StrJoin(spec->columns, ", ") : "";
}

std::string Ssda903Tables() {
  std::vector<std::string> parts;
  for (const auto& s : Specs()) parts.push_back(absl::StrCat(s.title, " (", absl::StrJoin(s.columns, ", "), ")"));
  return absl::StrCat("SSDA903 tables: ", absl::StrJoin(parts, "; "));
}

absl::Status ParseSsda903Csv(std::istream& in, const std::string& table, const std::string& file_name,
                             ParseSink& sink) {
  return ParseCsv(in, table, file_name, sink, Ssda903Options());
}

absl::Status ParseSsda903Csv(std::istream& in, const std::string& table, const std::string& file_name,
                             ParseSink& sink, const Ssda903Options& options) {
  return ParseCsv(in, table, file_name, sink, options);
}

absl::Status ParseSsda903Xml(std::istream& in, const std::string& file_name, ParseSink& sink) {
  return ParseSsda903Xml(in, file_name, sink, Ssda903Options());
}

absl::Status ParseSsda903Xml(std::istream& in, const std::string& file_name, ParseSink& sink,
                             const Ssda903Options& options) {
  XmlParser parser(file_name, sink, options);
  return parser.Run(in, options);
}

}  // namespace carestat
