#include "services/ingestion/formats/annex_a.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/csv.h"
#include "services/common/dates.h"

namespace carestat {
namespace {

// What a column holds. The XLSX reader needs dates and identifiers told apart (Excel
// stores both as numbers); kDrop columns are free text or derived values that are never
// read into a record.
enum Kind { kId, kDate, kValue, kDrop };

// Every column of every list, so that one row type serves all lists.
// clang-format off
enum Field : int {
  kChildId, kGender, kEthnicity, kBirth, kAge, kDisability, kTeam, kWorker, kFamilyId,
  // list 1
  kContactDate, kContactSource,
  // list 2
  kEhStart, kEhCompletion, kEhOrganisation,
  // list 3
  kReferralDate, kReferralSource, kReferralNfa, kReferrals12m,
  // list 4
  kAsmtStart, kAsmtSeen, kAsmtAuthorised, kAsmtNeedsSupport,
  // list 5
  kS47Start, kIcpcNotRequired, kIcpcDate, kIcpcPlan, kS47Count, kIcpcCount,
  // list 6
  kCinStart, kPrimaryNeed, kLastSeen, kCinClosure, kClosureReason, kCaseStatus,
  // list 7
  kCppStart, kCppInitial, kCppLatest, kCppLastVisit, kCppSeenAlone, kCppReview, kCppEnd, kCppEpo, kCppPrevious,
  // list 8
  kLacUasc, kLacStart, kLacNeed, kLacRepeat, kLegalStart, kLegalStatus, kLacReview, kLacVisit, kPermanence,
  kIroVisit, kHealthCheck, kDentalCheck, kPlacements12m, kLacEnd, kReasonCeased, kPlacementStart, kPlacementType,
  kProvider, kPostcode, kUrn, kPlacementLocation, kPlacementLa, kMissing12m, kAbsent12m, kReturnOffered,
  kReturnAccepted,
  // list 9
  kLeaverUasc, kPersonalAdviser, kEligibility, kPathwayReview, kInTouch, kLatestContact, kAccommodation,
  kSuitability, kActivity,
  // list 10
  kEnteredCare, kAdoptionDecision, kPlacementOrder, kMatched, kPlacedForAdoption, kAdoptionOrder,
  kNoLongerDecision, kNoLongerReason, kFfaPlaced,
  // list 11
  kAdopterId, kFfa, kEnquiry, kStage1Start, kStage1End, kStage2Start, kStage2End, kApplication, kApproval,
  kAdopterMatched, kChildrenPlacedDate, kChildrenPlaced, kLeftDate, kLeftReason,
  kNumFields
};
// clang-format on

struct Column {
  Field field;
  Kind kind;
  const char* heading;          // Ofsted's heading, as messages name it
  const char* alias = nullptr;  // another spelling seen in LA exports
};

struct ListDef {
  const char* title;
  Field id;        // the identifier column: a child's, or the adopter's on list 11
  Field key_date;  // the list's main date; kNumFields when it has none (list 9)
  std::vector<Column> columns;
};

// The headings are Ofsted's Annex A (2015-2023 framework) as the sample workbook
// (shared/external/annex-a/Annex_A.xlsx) and Social Finance's published Annex A schema
// give them; "Age" and "Age of Child (Years)" are both in use.
const Column kCId{kChildId, kId, "Child Unique ID"};
const Column kCGender{kGender, kValue, "Gender"};
const Column kCEthnicity{kEthnicity, kValue, "Ethnicity"};
const Column kCBirth{kBirth, kDate, "Date of Birth"};
const Column kCAge{kAge, kDrop, "Age", "Age of Child (Years)"};
const Column kCDisability{kDisability, kValue, "Does the Child have a Disability"};
const Column kCTeam{kTeam, kDrop, "Allocated Team"};
const Column kCWorker{kWorker, kDrop, "Allocated Worker"};
const Column kCFamily{kFamilyId, kDrop, "Family identifier"};

// clang-format off
const std::vector<ListDef>& Lists() {
  static const std::vector<ListDef>* lists = new std::vector<ListDef>{
      {"contacts", kChildId, kContactDate,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge,
        {kContactDate, kDate, "Date of Contact"},
        {kContactSource, kValue, "Contact Source"}}},
      {"early help", kChildId, kEhStart,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge,
        {kEhStart, kDate, "Assessment start date"},
        {kEhCompletion, kDate, "Assessment completion date"},
        {kEhOrganisation, kDrop, "Organisation completing assessment"}}},
      {"referrals", kChildId, kReferralDate,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge,
        {kReferralDate, kDate, "Date of Referral"},
        {kReferralSource, kValue, "Referral Source"},
        {kReferralNfa, kValue, "Referral NFA?"},
        {kReferrals12m, kValue, "Number of Referrals in Last 12 Months"},
        kCTeam, kCWorker}},
      {"assessments", kChildId, kAsmtStart,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge, kCDisability,
        {kAsmtStart, kDate, "Continuous Assessment Start Date"},
        {kAsmtSeen, kValue, "Child Seen During Continuous Assessment"},
        {kAsmtAuthorised, kDate, "Continuous Assessment Date of Authorisation"},
        {kAsmtNeedsSupport, kValue, "Was the child assessed as requiring LA children's social care support?"},
        kCTeam, kCWorker}},
      {"section 47 enquiries and ICPCs", kChildId, kS47Start,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge, kCDisability,
        {kS47Start, kDate, "Strategy discussion initiating Section 47 Enquiry Start Date"},
        {kIcpcNotRequired, kValue, "Was an Initial Child Protection Conference deemed unnecessary?"},
        {kIcpcDate, kDate, "Date of Initial Child Protection Conference"},
        {kIcpcPlan, kValue, "Did the Initial Child Protection Conference Result in a Child Protection Plan"},
        {kS47Count, kValue, "Number of Section 47 Enquiries in the last 12 months"},
        {kIcpcCount, kValue, "Number of ICPCs in the last 12 months"},
        kCTeam, kCWorker}},
      {"children in need", kChildId, kCinStart,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge, kCDisability,
        {kCinStart, kDate, "CIN Start Date"},
        {kPrimaryNeed, kValue, "Primary Need Code"},
        {kLastSeen, kDate, "Date Child Was Last Seen"},
        {kCinClosure, kDate, "CIN Closure Date"},
        {kClosureReason, kValue, "Reason for Closure"},
        {kCaseStatus, kValue, "Case Status"},
        kCTeam, kCWorker}},
      {"child protection plans", kChildId, kCppStart,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge, kCDisability,
        {kCppStart, kDate, "Child Protection Plan Start Date"},
        {kCppInitial, kValue, "Initial Category of Abuse"},
        {kCppLatest, kValue, "Latest Category of Abuse"},
        {kCppLastVisit, kDate, "Date of the Last Statutory Visit"},
        {kCppSeenAlone, kValue, "Was the Child Seen Alone?"},
        {kCppReview, kDate, "Date of latest review conference"},
        {kCppEnd, kDate, "Child Protection Plan End Date"},
        {kCppEpo, kValue,
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"},
        {kCppPrevious, kValue, "Number of Previous Child Protection Plans"},
        kCTeam, kCWorker}},
      {"children looked after", kChildId, kLacStart,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge,
        {kLacUasc, kValue, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"},
        kCDisability,
        {kLacStart, kDate, "Date Started to be Looked After"},
        {kLacNeed, kValue, "Child's Category of Need"},
        {kLacRepeat, kValue,
         "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"},
        {kLegalStart, kDate, "Start date of current legal status"},
        {kLegalStatus, kValue, "Child's Legal Status"},
        {kLacReview, kDate, "Date of Latest Statutory Review"},
        {kLacVisit, kDate, "Date of Last Social Work Visit"},
        {kPermanence, kValue, "What is the permanence plan for this child?"},
        {kIroVisit, kDate, "Date of Last IRO Visit / Contact to the Child"},
        {kHealthCheck, kDate, "Date of Last Health Assessment"},
        {kDentalCheck, kDate, "Date of Last Dental Check"},
        {kPlacements12m, kValue, "Number of Placements in the Last 12 months"},
        {kLacEnd, kDate, "Date Ceased to be Looked After"},
        {kReasonCeased, kValue, "Reason Ceased to be Looked After"},
        {kPlacementStart, kDate, "Start Date of Most Recent Placement"},
        {kPlacementType, kValue, "Placement Type"},
        {kProvider, kValue, "Placement Provider"},
        {kPostcode, kValue, "Placement postcode"},
        {kUrn, kDrop, "URN of Placement"},
        {kPlacementLocation, kValue, "Placement Location"},
        {kPlacementLa, kDrop, "LA of Placement"},
        {kMissing12m, kValue,
         "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"},
        {kAbsent12m, kValue,
         "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"},
        {kReturnOffered, kValue, "Was the child offered a Return Interview after their last missing episode (Y/N)?"},
        {kReturnAccepted, kValue, "Did the child accept a Return Interview after their last missing episode (Y/N)?"},
        kCTeam, kCWorker}},
      {"care leavers", kChildId, kNumFields,
       {kCId, kCGender, kCEthnicity, kCBirth, kCAge,
        {kLeaverUasc, kValue, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)"},
        kCDisability, kCTeam, kCWorker,
        {kPersonalAdviser, kDrop, "Allocated Personal Advisor", "Allocated Personal Adviser"},
        {kEligibility, kValue, "Eligibility Category"},
        {kPathwayReview, kDate, "Latest Pathway Plan Review Date"},
        {kInTouch, kValue, "LA in Touch"},
        {kLatestContact, kDate, "Latest Date of Contact"},
        {kAccommodation, kValue, "Type of Accommodation"},
        {kSuitability, kValue, "Suitability of Accommodation"},
        {kActivity, kValue, "Activity Status"}}},
      {"adoption", kChildId, kAdoptionDecision,
       {kCId, kCFamily, kCGender, kCEthnicity, kCBirth, kCAge, kCDisability,
        {kEnteredCare, kDate, "Date the Child Entered Care"},
        {kAdoptionDecision, kDate, "Date of Decision that Child Should be Placed for Adoption"},
        {kPlacementOrder, kDate, "Date of Placement Order"},
        {kMatched, kDate, "Date of Matching Child and Prospective Adopters"},
        {kPlacedForAdoption, kDate, "Date Placed for Adoption"},
        {kAdoptionOrder, kDate, "Date of Adoption Order"},
        {kNoLongerDecision, kDate, "Date of Decision that Child Should No Longer be Placed for Adoption"},
        {kNoLongerReason, kValue, "Reason Why Child No Longer Placed for Adoption"},
        {kFfaPlaced, kDate, "Date the child was placed for fostering in FFA or concurrent planning placement"}}},
      {"adopters", kAdopterId, kEnquiry,
       {{kAdopterId, kId, "Individual adopter identifier"}, kCFamily, kCGender, kCEthnicity,
        {kDisability, kValue, "Disability"},
        {kFfa, kValue, "Is the (prospective) adopter fostering for adoption?"},
        {kEnquiry, kDate, "Date enquiry received"},
        {kStage1Start, kDate, "Date Stage 1 started"},
        {kStage1End, kDate, "Date Stage 1 ended"},
        {kStage2Start, kDate, "Date Stage 2 started"},
        {kStage2End, kDate, "Date Stage 2 ended"},
        {kApplication, kDate, "Date application submitted"},
        {kApproval, kDate, "Date application approved"},
        {kAdopterMatched, kDate, "Date adopter matched with child(ren)"},
        {kChildrenPlacedDate, kDate, "Date child/children placed with adopter(s)"},
        {kChildrenPlaced, kValue, "No. of children placed"},
        {kAdoptionOrder, kDate, "Date of Adoption Order"},
        {kLeftDate, kDate, "Date of leaving adoption process"},
        {kLeftReason, kValue, "Reason for leaving adoption process"}}},
  };
  return *lists;
}
// clang-format on

const ListDef* ListOf(int list) {
  if (list < 1 || list > static_cast<int>(Lists().size())) return nullptr;
  return &Lists()[static_cast<size_t>(list - 1)];
}

// Trims ASCII white space and UTF-8 non-breaking spaces, which spreadsheets leave.
std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  for (;;) {
    if (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
      ++b;
    } else if (e - b >= 2 && static_cast<unsigned char>(s[b]) == 0xC2 && static_cast<unsigned char>(s[b + 1]) == 0xA0) {
      b += 2;
    } else {
      break;
    }
  }
  for (;;) {
    if (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
      --e;
    } else if (e - b >= 2 && static_cast<unsigned char>(s[e - 2]) == 0xC2 &&
               static_cast<unsigned char>(s[e - 1]) == 0xA0) {
      e -= 2;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

// Headings and option names compare by their letters and digits only, lower-cased: the
// exports differ in case, spacing, non-breaking spaces, curly or straight quotes and stray
// punctuation ("(Y/N))", a trailing space) but never in the words.
std::string Key(const std::string& s) {
  std::string out;
  for (unsigned char c : NormaliseHeading(s)) {
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

// Splits Ofsted's option letter off a value: "a) Male" -> ("a", "Male"); "p1) 5D: LA
// services" -> ("p1", "5D: LA services").
std::pair<std::string, std::string> SplitLetter(const std::string& raw) {
  std::string v = Trim(raw);
  size_t i = 0;
  while (i < v.size() && i < 3 && std::isalnum(static_cast<unsigned char>(v[i]))) ++i;
  if (i >= 1 && i < v.size() && v[i] == ')' && std::isalpha(static_cast<unsigned char>(v[0]))) {
    std::string letter = v.substr(0, i);
    for (auto& c : letter) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return {letter, Trim(v.substr(i + 1))};
  }
  return {"", v};
}

// A code is one short token: anything longer or with spaces is a description or free
// text, which must not reach a record.
bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 12) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

struct Option {
  const char* code;
  const char* letter;
  const char* names[4];
};

constexpr Option kOptYesNo[] = {{"Y", "a", {"yes", "y", "true", "1"}},
                                {"N", "b", {"no", "n", "false", "0"}},
                                {"U", "c", {"unknown", "not known", "not recorded", "u"}}};
constexpr Option kOptAbuse[] = {{"NEG", "a", {"neglect"}},
                                {"PHY", "b", {"physical abuse", "physical"}},
                                {"SAB", "c", {"sexual abuse", "sexual"}},
                                {"EMO", "d", {"emotional abuse", "emotional"}},
                                {"MUL", "e", {"multiple/not recommended", "multiple", "not recommended"}}};
constexpr Option kOptCaseStatus[] = {{"LAC", "a", {"looked after child", "looked after"}},
                                     {"CPP", "b", {"child protection plan"}},
                                     {"CIN", "c", {"child in need plan", "child in need"}},
                                     {"ASSESSMENT", "d", {"open assessment"}},
                                     {"CLOSED", "e", {"closed episode", "closed"}}};
constexpr Option kOptEligibility[] = {{"RELEVANT", "a", {"relevant child", "relevant"}},
                                      {"FORMER_RELEVANT", "b", {"former relevant child", "former relevant"}},
                                      {"QUALIFYING", "c", {"qualifying care leaver", "qualifying"}},
                                      {"ELIGIBLE", "d", {"eligible child", "eligible"}}};
// As SSDA903 OC3 IN_TOUCH codes, so that metrics reads list 9 as it reads OC3.
constexpr Option kOptInTouch[] = {{"YES", "a", {"yes", "y"}},
                                  {"NO", "b", {"no", "n"}},
                                  {"DIED", "c", {"died"}},
                                  {"REFU", "d", {"refu", "refused"}},
                                  {"NREQ", "e", {"nreq", "not required"}},
                                  {"RHOM", "f", {"rhom", "returned home"}}};
constexpr Option kOptSuitability[] = {{"1", "a", {"suitable"}}, {"2", "b", {"unsuitable", "not suitable"}}};
constexpr Option kOptPermanence[] = {
    {"RETURN_FAMILY", "a", {"return to family", "return home"}},
    {"ADOPTION", "b", {"adoption"}},
    {"SGO_CAO", "c", {"sgo/cao", "sgo", "cao"}},
    {"SUPPORTED_LIVING", "d", {"supported living in the community", "supported living"}},
    {"RESIDENTIAL", "e", {"long-term residential placement", "residential"}},
    {"FOSTERING", "f", {"long-term fostering", "fostering"}},
    {"OTHER", "g", {"other"}}};
constexpr Option kOptInOut[] = {{"IN", "a", {"in", "inside"}}, {"OUT", "b", {"out", "outside"}}};

template <size_t N>
const char* MatchOption(const std::string& raw, const Option (&options)[N]) {
  auto [letter, text] = SplitLetter(raw);
  const std::string k = Key(text);
  for (const auto& o : options) {
    if (!k.empty() && k == Key(o.code)) return o.code;
    for (const char* name : o.names) {
      if (name != nullptr && !k.empty() && k == Key(name)) return o.code;
    }
  }
  // Ofsted's letters are the options' own keys: "a) Yes" is yes however it is worded.
  if (!letter.empty()) {
    for (const auto& o : options) {
      if (letter == o.letter) return o.code;
    }
  }
  return nullptr;
}

// Where a row comes from, what it says, and the record it becomes. Each accessor
// validates one cell; a bad non-key value becomes a non-fatal issue that is also noted
// on the record.
class Row {
 public:
  Row(const AnnexARowMapper& mapper, const ListDef& def, const std::vector<int>& column_of_field,
      const std::vector<std::string>& cells, int64_t line, const std::string& file, const std::string& sheet,
      ParseSink& sink)
      : mapper_(mapper),
        def_(def),
        column_of_field_(column_of_field),
        cells_(cells),
        line_(line),
        file_(file),
        sheet_(sheet),
        sink_(sink) {}

  void set_child(std::string child) { child_ = std::move(child); }
  v1::Record& record() { return record_; }

  std::string Get(Field f) const {
    int c = column_of_field_[f];
    return c >= 0 ? Trim(cells_[static_cast<size_t>(c)]) : std::string();
  }
  std::string Heading(Field f) const {
    for (const auto& c : def_.columns) {
      if (c.field == f) return c.heading;
    }
    return "";
  }

  void Issue(const std::string& rule, v1::Severity severity, Field f, const std::string& what) {
    sink_.OnIssue(
        MakeIssue(rule, severity, absl::StrCat(mapper_.Where(line_), ", ", Heading(f), " ", what), file_,
                  line_, Heading(f), child_, sheet_),
        false);
    bool seen = false;
    for (const auto& r : record_.issue_rules()) seen = seen || r == rule;
    if (!seen) record_.add_issue_rules(rule);
    if (severity == v1::ERROR) record_.set_has_error(true);
  }

  // A date cell: blank leaves `out` unset; a value that is not a date is an issue of the
  // given severity (an error where the date decides whether the record is open).
  void Date(Field f, v1::Date* out, v1::Severity severity = v1::QUERY) {
    const std::string v = Get(f);
    if (v.empty()) return;
    if (auto d = ParseAnyDate(v)) {
      *out = FromDays(*d);
      return;
    }
    Issue("date", severity, f,
          absl::StrCat(ShowValue(Heading(f), v), " is not a date (expected dd/mm/yyyy)",
                       severity == v1::QUERY ? "; left blank" : ""));
  }
  template <typename Setter>
  void DateInto(Field f, Setter set, v1::Severity severity = v1::QUERY) {
    v1::Date d;
    Date(f, &d, severity);
    if (d.year() != 0) set(d);
  }

  // A coded cell ("q) 6: Police" -> "6"). `valid` narrows the codes accepted and
  // `expected` describes them for the message.
  std::string Code(Field f, bool (*valid)(const std::string&) = nullptr, const char* expected = nullptr) {
    const std::string v = Get(f);
    if (v.empty()) return "";
    std::string code = OfstedCode(v);
    if (IsCode(code) && (valid == nullptr || valid(code))) return code;
    Issue("code", v1::QUERY, f,
          absl::StrCat(ShowValue(Heading(f), v), " is not a code of this column",
                       expected == nullptr ? "" : absl::StrCat(" (expected ", expected, ")"), "; left blank"));
    return "";
  }

  template <size_t N>
  std::string Choice(Field f, const Option (&options)[N]) {
    const std::string v = Get(f);
    if (v.empty()) return "";
    if (const char* code = MatchOption(v, options)) return code;
    std::string expected;
    for (const auto& o : options) absl::StrAppend(&expected, expected.empty() ? "" : ", ", o.names[0]);
    Issue("code", v1::QUERY, f,
          absl::StrCat(ShowValue(Heading(f), v), " is not one of the options (", expected, "); left blank"));
    return "";
  }

  // A yes/no cell; returns whether the answer is known ("Unknown" and blank are not).
  bool YesNo(Field f, bool* value) {
    const std::string v = Get(f);
    if (v.empty()) return false;
    const char* code = MatchOption(v, kOptYesNo);
    if (code == nullptr) {
      Issue("code", v1::QUERY, f, absl::StrCat(ShowValue(Heading(f), v), " is not Yes, No or Unknown; left blank"));
      return false;
    }
    if (code[0] == 'U') return false;
    *value = code[0] == 'Y';
    return true;
  }
  template <typename Set>
  void YesNoInto(Field f, Set set) {
    bool v = false;
    if (YesNo(f, &v)) set(v);
  }

  // A count cell; returns whether it holds one.
  bool Count(Field f, int32_t* value) {
    const std::string v = Get(f);
    if (v.empty()) return false;
    int32_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && end == v.data() + v.size() && n >= 0) {
      *value = n;
      return true;
    }
    Issue("number", v1::QUERY, f, absl::StrCat(ShowValue(Heading(f), v), " is not a whole number; left blank"));
    return false;
  }

  // The age column is not stored (the date of birth is), but an age that cannot be a
  // child's or care leaver's says the row is wrong: a number of years from 0 to 25.
  // Whole or not: Ofsted's own workbook computes ages in fractional years (6.138...).
  void CheckAge() {
    if (column_of_field_[kAge] < 0) return;
    const std::string v = Get(kAge);
    if (v.empty()) return;
    double years = 0;
    std::string what;
    if (!absl::SimpleAtod(v, &years) || !std::isfinite(years)) {
      what = absl::StrCat(ShowValue(Heading(kAge), v), " is not a number of years (expected 0 to 25)");
    } else if (years < 0 || years >= 26) {
      what = absl::StrCat(ShowValue(Heading(kAge), v), " is outside 0 to 25 years: not a child's or care leaver's age");
    } else {
      return;
    }
    Issue("age", v1::QUERY, kAge, what);
  }
  template <typename Set>
  void CountInto(Field f, Set set) {
    int32_t n = 0;
    if (Count(f, &n)) set(n);
  }

  // The characteristics every list but 11 states for the child.
  void Characteristics(v1::Child* c, Field uasc = kNumFields) {
    c->set_sex(ParseSex(Get(kGender)));
    c->set_ethnicity(Code(kEthnicity));
    DateInto(kBirth, [&](const v1::Date& d) { *c->mutable_birth_date() = d; });
    bool d = false;
    if (YesNo(kDisability, &d)) {
      c->set_disabled(d);
      c->set_disabled_known(true);
    }
    if (uasc != kNumFields && YesNo(uasc, &d)) {
      c->set_uasc(d);
      c->set_uasc_known(true);
    }
  }

 private:

  const AnnexARowMapper& mapper_;
  const ListDef& def_;
  const std::vector<int>& column_of_field_;
  const std::vector<std::string>& cells_;
  const int64_t line_;
  const std::string& file_;
  const std::string& sheet_;
  ParseSink& sink_;
  std::string child_;
  v1::Record record_;
};

// DfE's codes, where a wrong one would be counted under a wrong heading.
bool IsSourceCode(const std::string& c) {
  static const std::set<std::string>* codes =
      new std::set<std::string>{"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E",
                                "3F", "4",  "5A", "5B", "5C", "5D", "6",  "7",  "8",  "9",  "10"};
  return codes->count(c) > 0;
}
bool IsLegalStatus(const std::string& c) {
  static const std::set<std::string>* codes =
      new std::set<std::string>{"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"};
  return codes->count(c) > 0;
}
bool IsProvider(const std::string& c) {
  return c.size() == 3 && c[0] == 'P' && c[1] == 'R' && c[2] >= '0' && c[2] <= '5';
}
bool IsNeedCode(const std::string& c) {
  return c.size() == 2 && c[0] == 'N' && std::isdigit(static_cast<unsigned char>(c[1]));
}
bool IsClosureReason(const std::string& c) {
  return c.size() == 3 && c[0] == 'R' && c[1] == 'C' && c[2] >= '1' && c[2] <= '9';
}
bool IsAccommodationLetter(const std::string& c) {
  return c.size() == 1 && std::isupper(static_cast<unsigned char>(c[0]));
}

// The outward code of a UK postcode ("T28 2WB" -> "T28"): the district is what the
// record model keeps (as SSDA903 does); the full postcode would locate the placement.
std::optional<std::string> PostcodeDistrict(const std::string& raw) {
  std::string s;
  for (unsigned char c : raw) {
    if (!std::isspace(c)) s.push_back(static_cast<char>(std::toupper(c)));
  }
  if (s.size() < 5 || s.size() > 7) return std::nullopt;
  std::string outward = s.substr(0, s.size() - 3), inward = s.substr(s.size() - 3);
  if (!std::isdigit(static_cast<unsigned char>(inward[0])) || !std::isalpha(static_cast<unsigned char>(inward[1])) ||
      !std::isalpha(static_cast<unsigned char>(inward[2])) || !std::isalpha(static_cast<unsigned char>(outward[0]))) {
    return std::nullopt;
  }
  for (unsigned char c : outward) {
    if (!std::isalnum(c)) return std::nullopt;
  }
  bool digit = false;
  for (unsigned char c : outward) digit = digit || std::isdigit(c);
  if (!digit) return std::nullopt;
  return outward;
}

// One function per list: the row's cells onto the list's record.
void MapList1(Row& r, int32_t key) {
  v1::Contact* c = r.record().mutable_contact();
  *c->mutable_contact_date() = FromDays(key);
  c->set_source(r.Code(kContactSource, IsSourceCode, "1A to 10, e.g. 'q) 6: Police'"));
  c->set_sex(ParseSex(r.Get(kGender)));
  c->set_ethnicity(r.Code(kEthnicity));
  r.DateInto(kBirth, [&](const v1::Date& d) { *c->mutable_birth_date() = d; });
}

void MapList2(Row& r, int32_t key) {
  v1::EarlyHelpAssessment* a = r.record().mutable_early_help_assessment();
  r.Characteristics(a->mutable_characteristics());
  *a->mutable_start_date() = FromDays(key);
  r.DateInto(kEhCompletion, [&](const v1::Date& d) { *a->mutable_completion_date() = d; });
}

void MapList3(Row& r, int32_t key) {
  v1::Referral* f = r.record().mutable_referral();
  r.Characteristics(f->mutable_characteristics());
  *f->mutable_referral_date() = FromDays(key);
  f->set_source(r.Code(kReferralSource, IsSourceCode, "1A to 10, e.g. 'q) 6: Police'"));
  r.YesNoInto(kReferralNfa, [&](bool v) {
    f->set_nfa(v);
    f->set_nfa_known(true);
  });
  r.CountInto(kReferrals12m, [&](int32_t n) {
    f->set_referrals_last_12m(n);
    f->set_referrals_last_12m_known(true);
  });
}

void MapList4(Row& r, int32_t key) {
  v1::Assessment* a = r.record().mutable_assessment();
  r.Characteristics(a->mutable_characteristics());
  *a->mutable_start_date() = FromDays(key);
  // The authorisation date decides whether the assessment is completed: a bad one is an
  // error so that the assessment is not counted as open.
  r.DateInto(
      kAsmtAuthorised, [&](const v1::Date& d) { *a->mutable_authorisation_date() = d; }, v1::ERROR);
  r.YesNoInto(kAsmtSeen, [&](bool v) {
    a->set_child_seen(v);
    a->set_child_seen_known(true);
  });
  r.YesNoInto(kAsmtNeedsSupport, [&](bool v) {
    a->set_needs_support(v);
    a->set_needs_support_known(true);
  });
}

void MapList5(Row& r, int32_t key) {
  v1::Section47* s = r.record().mutable_section47();
  r.Characteristics(s->mutable_characteristics());
  *s->mutable_start_date() = FromDays(key);
  r.YesNoInto(kIcpcNotRequired, [&](bool v) {
    s->set_icpc_not_required(v);
    s->set_icpc_not_required_known(true);
  });
  r.DateInto(
      kIcpcDate, [&](const v1::Date& d) { *s->mutable_icpc_date() = d; }, v1::ERROR);
  r.YesNoInto(kIcpcPlan, [&](bool v) {
    s->set_icpc_led_to_plan(v);
    s->set_icpc_led_to_plan_known(true);
  });
  r.CountInto(kS47Count, [&](int32_t n) {
    s->set_enquiries_last_12m(n);
    s->set_enquiries_last_12m_known(true);
  });
  r.CountInto(kIcpcCount, [&](int32_t n) {
    s->set_icpcs_last_12m(n);
    s->set_icpcs_last_12m_known(true);
  });
}

void MapList6(Row& r, int32_t key) {
  v1::CinCase* c = r.record().mutable_cin_case();
  r.Characteristics(c->mutable_characteristics());
  *c->mutable_start_date() = FromDays(key);
  c->set_primary_need(r.Code(kPrimaryNeed, IsNeedCode, "N0 to N9"));
  r.DateInto(kLastSeen, [&](const v1::Date& d) { *c->mutable_last_seen_date() = d; });
  r.DateInto(
      kCinClosure, [&](const v1::Date& d) { *c->mutable_closure_date() = d; }, v1::ERROR);
  c->set_closure_reason(r.Code(kClosureReason, IsClosureReason, "RC1 to RC9"));
  c->set_case_status(r.Choice(kCaseStatus, kOptCaseStatus));
}

void MapList7(Row& r, int32_t key) {
  v1::CpPlan* p = r.record().mutable_cp_plan();
  r.Characteristics(p->mutable_characteristics());
  *p->mutable_start_date() = FromDays(key);
  p->set_initial_category(r.Choice(kCppInitial, kOptAbuse));
  p->set_latest_category(r.Choice(kCppLatest, kOptAbuse));
  r.DateInto(kCppLastVisit, [&](const v1::Date& d) { *p->mutable_last_visit_date() = d; });
  r.YesNoInto(kCppSeenAlone, [&](bool v) {
    p->set_seen_alone(v);
    p->set_seen_alone_known(true);
  });
  r.DateInto(kCppReview, [&](const v1::Date& d) { *p->add_review_dates() = d; });
  r.DateInto(
      kCppEnd, [&](const v1::Date& d) { *p->mutable_end_date() = d; }, v1::ERROR);
  r.YesNoInto(kCppEpo, [&](bool v) {
    p->set_emergency_protection_6m(v);
    p->set_emergency_protection_6m_known(true);
  });
  r.CountInto(kCppPrevious, [&](int32_t n) {
    p->set_previous_plans(n);
    p->set_previous_plans_known(true);
  });
}

void MapList8(Row& r, int32_t key) {
  v1::CarePeriod* c = r.record().mutable_care_period();
  r.Characteristics(c->mutable_characteristics(), kLacUasc);
  *c->mutable_start_date() = FromDays(key);
  c->set_cin_category(r.Code(kLacNeed, IsNeedCode, "N1 to N9"));
  r.YesNoInto(kLacRepeat, [&](bool v) {
    c->set_repeat_period_12m(v);
    c->set_repeat_period_12m_known(true);
  });
  r.DateInto(kLegalStart, [&](const v1::Date& d) { *c->mutable_legal_status_start_date() = d; });
  c->set_legal_status(r.Code(kLegalStatus, IsLegalStatus, "C1, C2, D1, E1, J1 to J3, L1 to L3, V2 to V4"));
  r.DateInto(kLacReview, [&](const v1::Date& d) { *c->mutable_latest_review_date() = d; });
  r.DateInto(kLacVisit, [&](const v1::Date& d) { *c->mutable_last_visit_date() = d; });
  c->set_permanence_plan(r.Choice(kPermanence, kOptPermanence));
  r.DateInto(kIroVisit, [&](const v1::Date& d) { *c->mutable_last_iro_contact_date() = d; });
  r.DateInto(kHealthCheck, [&](const v1::Date& d) { *c->mutable_last_health_assessment_date() = d; });
  r.DateInto(kDentalCheck, [&](const v1::Date& d) { *c->mutable_last_dental_check_date() = d; });
  r.CountInto(kPlacements12m, [&](int32_t n) {
    c->set_placements_12m(n);
    c->set_placements_12m_known(true);
  });
  // The end date decides whether the child is still looked after.
  r.DateInto(
      kLacEnd, [&](const v1::Date& d) { *c->mutable_end_date() = d; }, v1::ERROR);
  c->set_reason_ceased(r.Code(kReasonCeased));
  r.DateInto(kPlacementStart, [&](const v1::Date& d) { *c->mutable_placement_start_date() = d; });
  c->set_placement(r.Code(kPlacementType));
  c->set_provider(r.Code(kProvider, IsProvider, "PR0 to PR5"));
  if (std::string pc = r.Get(kPostcode); !pc.empty()) {
    if (auto district = PostcodeDistrict(pc)) {
      c->set_placement_postcode_district(*district);
    } else {
      // Not quoted: a postcode column may hold an address.
      r.Issue("code", v1::QUERY, kPostcode, "is not a UK postcode; left blank");
    }
  }
  if (std::string loc = r.Choice(kPlacementLocation, kOptInOut); !loc.empty()) {
    c->set_placed_inside_la(loc == "IN");
    c->set_placed_inside_la_known(true);
  }
  r.CountInto(kMissing12m, [&](int32_t n) {
    c->set_missing_episodes_12m(n);
    c->set_missing_episodes_12m_known(true);
  });
  r.CountInto(kAbsent12m, [&](int32_t n) {
    c->set_absent_episodes_12m(n);
    c->set_absent_episodes_12m_known(true);
  });
  r.YesNoInto(kReturnOffered, [&](bool v) {
    c->set_return_interview_offered(v);
    c->set_return_interview_offered_known(true);
  });
  r.YesNoInto(kReturnAccepted, [&](bool v) {
    c->set_return_interview_accepted(v);
    c->set_return_interview_accepted_known(true);
  });
}

void MapList9(Row& r, int32_t) {
  v1::CareLeaver* l = r.record().mutable_care_leaver();
  r.Characteristics(l->mutable_characteristics(), kLeaverUasc);
  if (l->characteristics().has_birth_date()) *l->mutable_birth_date() = l->characteristics().birth_date();
  l->set_eligibility(r.Choice(kEligibility, kOptEligibility));
  r.DateInto(kPathwayReview, [&](const v1::Date& d) { *l->mutable_pathway_plan_review_date() = d; });
  l->set_in_touch(r.Choice(kInTouch, kOptInTouch));
  r.DateInto(kLatestContact, [&](const v1::Date& d) { *l->mutable_latest_contact_date() = d; });
  // SSDA903 OC3 writes accommodation as the type letter and 1 (suitable) or 2: build the
  // same code from Annex A's two columns.
  std::string accommodation = r.Code(kAccommodation, IsAccommodationLetter, "one letter, e.g. 'U: Independent living'");
  if (!accommodation.empty()) accommodation += r.Choice(kSuitability, kOptSuitability);
  l->set_accommodation(accommodation);
  l->set_activity(r.Code(kActivity));
}

void MapList10(Row& r, int32_t key) {
  v1::Adoption* a = r.record().mutable_adoption();
  r.Characteristics(a->mutable_characteristics());
  *a->mutable_decision_date() = FromDays(key);
  r.DateInto(kEnteredCare, [&](const v1::Date& d) { *a->mutable_entered_care_date() = d; });
  r.DateInto(kPlacementOrder, [&](const v1::Date& d) { *a->mutable_court_authority_date() = d; });
  r.DateInto(kMatched, [&](const v1::Date& d) { *a->mutable_match_date() = d; });
  r.DateInto(kPlacedForAdoption, [&](const v1::Date& d) { *a->mutable_placed_date() = d; });
  r.DateInto(kAdoptionOrder, [&](const v1::Date& d) { *a->mutable_adoption_order_date() = d; });
  r.DateInto(kNoLongerDecision, [&](const v1::Date& d) { *a->mutable_decision_ceased_date() = d; });
  a->set_decision_ceased_reason(r.Code(kNoLongerReason));
  r.DateInto(kFfaPlaced, [&](const v1::Date& d) { *a->mutable_ffa_placed_date() = d; });
}

void MapList11(Row& r, int32_t key) {
  v1::Adopter* a = r.record().mutable_adopter();
  a->set_sex(ParseSex(r.Get(kGender)));
  a->set_ethnicity(r.Code(kEthnicity));
  r.YesNoInto(kDisability, [&](bool v) {
    a->set_disabled(v);
    a->set_disabled_known(true);
  });
  r.YesNoInto(kFfa, [&](bool v) {
    a->set_fostering_for_adoption(v);
    a->set_fostering_for_adoption_known(true);
  });
  *a->mutable_enquiry_date() = FromDays(key);
  r.DateInto(kStage1Start, [&](const v1::Date& d) { *a->mutable_stage1_start_date() = d; });
  r.DateInto(kStage1End, [&](const v1::Date& d) { *a->mutable_stage1_end_date() = d; });
  r.DateInto(kStage2Start, [&](const v1::Date& d) { *a->mutable_stage2_start_date() = d; });
  r.DateInto(kStage2End, [&](const v1::Date& d) { *a->mutable_stage2_end_date() = d; });
  r.DateInto(kApplication, [&](const v1::Date& d) { *a->mutable_application_date() = d; });
  r.DateInto(kApproval, [&](const v1::Date& d) { *a->mutable_approval_date() = d; });
  r.DateInto(kAdopterMatched, [&](const v1::Date& d) { *a->mutable_matched_date() = d; });
  r.DateInto(kChildrenPlacedDate, [&](const v1::Date& d) { *a->mutable_placed_date() = d; });
  r.CountInto(kChildrenPlaced, [&](int32_t n) {
    a->set_children_placed(n);
    a->set_children_placed_known(true);
  });
  r.DateInto(kAdoptionOrder, [&](const v1::Date& d) { *a->mutable_adoption_order_date() = d; });
  r.DateInto(kLeftDate, [&](const v1::Date& d) { *a->mutable_left_date() = d; });
  a->set_left_reason(r.Code(kLeftReason));
}

using MapFn = void (*)(Row&, int32_t);
constexpr MapFn kMappers[] = {MapList1, MapList2, MapList3, MapList4,  MapList5, MapList6,
                              MapList7, MapList8, MapList9, MapList10, MapList11};

// For each list, the heading keys that only it has: what tells it from the others.
const std::vector<std::set<std::string>>& OwnKeys() {
  static const auto* own = [] {
    std::map<std::string, int> lists_having;
    for (const auto& l : Lists()) {
      std::set<std::string> keys;
      for (const auto& c : l.columns) keys.insert(Key(c.heading));
      for (const auto& k : keys) ++lists_having[k];
    }
    auto* out = new std::vector<std::set<std::string>>();
    for (const auto& l : Lists()) {
      std::set<std::string> keys;
      for (const auto& c : l.columns) {
        if (lists_having[Key(c.heading)] == 1) keys.insert(Key(c.heading));
      }
      out->push_back(std::move(keys));
    }
    return out;
  }();
  return *own;
}

// The column of `def` whose heading (or alias) has this key, or null.
const Column* ColumnByKey(const ListDef& def, const std::string& key) {
  // Each list's heading and alias keys, normalised once: a wide first row (a file that
  // lost its header) is matched against every list cell by cell.
  static const auto* keys = [] {
    auto* k = new std::vector<std::vector<std::pair<std::string, std::string>>>();
    for (const auto& l : Lists()) {
      auto& list = k->emplace_back();
      for (const auto& c : l.columns) list.emplace_back(Key(c.heading), c.alias != nullptr ? Key(c.alias) : "");
    }
    return k;
  }();
  const ListDef* first = Lists().data();
  const std::less<const ListDef*> before;
  const bool shipped = !before(&def, first) && before(&def, first + Lists().size());
  const size_t index = shipped ? static_cast<size_t>(&def - first) : keys->size();
  if (index >= keys->size()) {
    for (const auto& c : def.columns) {
      if (key == Key(c.heading) || (c.alias != nullptr && key == Key(c.alias))) return &c;
    }
    return nullptr;
  }
  const auto& list = (*keys)[index];
  for (size_t i = 0; i < list.size(); ++i) {
    if (key == list[i].first || (!list[i].second.empty() && key == list[i].second)) return &def.columns[i];
  }
  return nullptr;
}

}  // namespace

int AnnexAListOf(const std::vector<std::string>& header) {
  int best = 0;
  int best_known = 0;
  for (size_t i = 0; i < Lists().size(); ++i) {
    const ListDef& def = Lists()[i];
    bool id = false, own = false;
    int known = 0;
    for (const auto& h : header) {
      const std::string k = Key(h);
      const Column* c = ColumnByKey(def, k);
      if (c == nullptr) continue;
      ++known;
      id = id || c->field == def.id;
      own = own || OwnKeys()[i].count(Key(c->heading)) > 0;
    }
    // The list whose headings the row matches most wins; a tie keeps the lower list.
    if (id && own && known > best_known) {
      best = static_cast<int>(i) + 1;
      best_known = known;
    }
  }
  return best;
}

std::vector<std::string> AnnexAListHeadings(int list) {
  std::vector<std::string> out;
  if (const ListDef* def = ListOf(list)) {
    for (const auto& c : def->columns) out.push_back(c.heading);
  }
  return out;
}

bool IsAnnexAHeading(const std::string& heading) {
  const std::string k = Key(heading);
  if (k.empty()) return false;
  for (const auto& def : Lists()) {
    if (ColumnByKey(def, k) != nullptr) return true;
  }
  return false;
}

std::string AnnexAListColumns(int list) {
  const ListDef* def = ListOf(list);
  if (def == nullptr) return "";
  std::string out;
  for (const auto& c : def->columns) absl::StrAppend(&out, out.empty() ? "" : ", ", c.heading);
  return out;
}

std::string OfstedCode(const std::string& raw) {
  std::string v = SplitLetter(raw).second;
  auto colon = v.find(':');
  if (colon != std::string::npos) return Trim(v.substr(0, colon));
  // "PR4 - Private provision", "N1 - Abuse or Neglect": a code, a dash, its description.
  // "Foster placement - not FFA" is all description: its first part is not one token.
  auto dash = v.find(" - ");
  if (dash != std::string::npos) {
    std::string head = Trim(v.substr(0, dash));
    if (!head.empty() && head.find(' ') == std::string::npos) return head;
  }
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

AnnexARowMapper::AnnexARowMapper(int list, std::string file, std::string sheet)
    : list_(list), file_(std::move(file)), sheet_(std::move(sheet)) {}

std::string AnnexARowMapper::Where(int64_t line) const {
  return sheet_.empty() ? absl::StrCat("line ", line) : absl::StrCat("sheet ", sheet_, " row ", line);
}

bool AnnexARowMapper::IsDateColumn(size_t column) const { return column < kinds_.size() && kinds_[column] == kDate; }

bool AnnexARowMapper::ReadHeader(const std::vector<std::string>& header, ParseSink& sink, int64_t line) {
  const ListDef* def = ListOf(list_);
  const std::string prefix = sheet_.empty() ? "" : absl::StrCat("sheet ", sheet_, " row ", line, ": ");
  if (def == nullptr) {
    sink.OnIssue(
        MakeIssue("format", v1::ERROR,
                  absl::StrCat(file_, ": ", prefix, "there is no Annex A list ", list_, " (the lists are 1 to 11)"),
                  file_, 0, "", "", sheet_),
        true);
    return false;
  }
  kinds_.assign(header.size(), -1);
  field_of_column_.assign(header.size(), -1);
  column_of_field_.assign(kNumFields, -1);
  bool ok = true;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string name = Trim(header[i]);
    // Spreadsheets leave empty headings beside the table (a trailing comma, a formatted
    // cell); what lies beneath them is checked row by row.
    if (name.empty()) continue;
    const Column* c = ColumnByKey(*def, Key(name));
    if (c == nullptr) {
      sink.OnIssue(MakeIssue("structure", v1::ERROR,
                             absl::StrCat(prefix, UnknownColumn(i, name), " in Annex A list ", list_, " (",
                                          def->title, "): expected ", AnnexAListColumns(list_)),
                             file_, line, HeadingField(i, name), "", sheet_),
                   true);
      ok = false;
      continue;
    }
    if (column_of_field_[c->field] >= 0) {
      sink.OnIssue(
          MakeIssue("structure", v1::ERROR, absl::StrCat(prefix, "column '", name, "' appears twice in the header"),
                    file_, line, c->heading, "", sheet_),
          true);
      ok = false;
      continue;
    }
    column_of_field_[c->field] = static_cast<int>(i);
    field_of_column_[i] = c->field;
    kinds_[i] = c->kind;
  }
  for (Field f : {def->id, def->key_date}) {
    if (f == kNumFields || column_of_field_[f] >= 0) continue;
    const char* heading = "";
    for (const auto& c : def->columns) {
      if (c.field == f) heading = c.heading;
    }
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           absl::StrCat(prefix, "missing column '", heading, "' in Annex A list ", list_, " (",
                                        def->title, "): expected ", AnnexAListColumns(list_)),
                           file_, line, heading, "", sheet_),
                 true);
    ok = false;
  }
  return ok;
}

void AnnexARowMapper::MapRow(const std::vector<std::string>& cells, int64_t line, ParseSink& sink) {
  const ListDef* def = ListOf(list_);
  if (def == nullptr || column_of_field_.empty()) return;
  if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return Trim(c).empty(); })) {
    return;  // a row of empty cells (",,,," at the end of an export) carries nothing
  }
  if (cells.size() != width()) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           absl::StrCat(Where(line), " has ", cells.size(), " fields but the header has ", width(),
                                        " (a cut-short line or an unquoted comma)"),
                           file_, line, "", "", sheet_),
                 true);
    return;
  }
  Row row(*this, *def, column_of_field_, cells, line, file_, sheet_, sink);
  const std::string child = row.Get(def->id);
  if (child.empty()) {
    sink.OnIssue(MakeIssue("child-id", v1::ERROR, absl::StrCat(Where(line), ": ", row.Heading(def->id), " is empty"), file_,
                           line, row.Heading(def->id), "", sheet_),
                 true);
    return;
  }
  row.set_child(child);
  int32_t key = 0;
  if (def->key_date != kNumFields) {
    const std::string v = row.Get(def->key_date);
    auto d = ParseAnyDate(v);
    if (!d) {
      sink.OnIssue(MakeIssue("date", v1::ERROR,
                             absl::StrCat(Where(line), ": ", row.Heading(def->key_date), " ",
                                          v.empty() ? "is empty" : ShowValue(row.Heading(def->key_date), v),
                                          v.empty() ? "" : " is not a date", " (expected dd/mm/yyyy)"),
                             file_, line, row.Heading(def->key_date), child, sheet_),
                   true);
      return;
    }
    key = *d;
  }
  if (!warned_unnamed_) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (kinds_[i] < 0 && !Trim(cells[i]).empty()) {
        // Said once per file: a column without a heading is not read, whatever it holds.
        warned_unnamed_ = true;
        sink.OnIssue(
            MakeIssue("structure", v1::QUERY,
                      absl::StrCat(Where(line), ": column ", i + 1, " has values but no heading; it is ignored"), file_,
                      line, "", "", sheet_),
            false);
        break;
      }
    }
  }
  row.record().set_line(line);
  row.CheckAge();
  kMappers[list_ - 1](row, key);
  sink.OnRecord(std::move(row.record()), child);
}

absl::Status ParseAnnexAList(std::istream& in, int list, const std::string& file, ParseSink& sink) {
  CsvReader reader(in);
  std::vector<std::string> row;
  if (!reader.Next(&row)) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR,
                           reader.error().empty() ? "the file has no header row" : reader.error(), file, reader.line()),
                 true);
    return absl::OkStatus();
  }
  AnnexARowMapper mapper(list, file);
  if (!mapper.ReadHeader(row, sink)) return absl::OkStatus();
  while (reader.Next(&row)) mapper.MapRow(row, reader.line(), sink);
  if (!reader.error().empty()) {
    sink.OnIssue(MakeIssue("structure", v1::ERROR, reader.error(), file, reader.line()), true);
  }
  return absl::OkStatus();
}

}  // namespace carestat
