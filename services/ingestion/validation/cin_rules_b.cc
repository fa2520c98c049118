// DfE rules (batch cin_rules_b): see model.h for how a rule is written and registered.
// CIN census rules 8615 to 8950Q: census-year windows, working-day queries, closures,
// referrals with no further action, overlapping assessments and section 47 enquiries,
// child protection plan dates and assessment factor codes.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

// --- Helpers ----------------------------------------------------------------------------

// xs:boolean as the census writes it: "true"/"1" and "false"/"0".
bool IsTrue(std::string_view v) {
  const std::string u = Upper(v);
  return u == "TRUE" || u == "1";
}
bool IsFalse(std::string_view v) {
  const std::string u = Upper(v);
  return u == "FALSE" || u == "0";
}

bool InCensusYear(const Context& ctx, int32_t d) { return d >= ctx.period_start && d <= ctx.period_end; }

bool IsWeekend(int32_t d) { return Weekday(d) >= 5; }

// The first Monday on or after `d`.
int32_t MondayOnOrAfter(int32_t d) {
  while (Weekday(d) != 0) ++d;
  return d;
}
// The last Monday on or before `d`.
int32_t MondayOnOrBefore(int32_t d) {
  while (Weekday(d) != 0) --d;
  return d;
}

// Easter Sunday (Gregorian, the anonymous algorithm).
int32_t EasterSunday(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return DayNumber(y, month, day);
}

// England and Wales bank holidays of year `y`: the Banking and Financial Dealings Act's
// standing days with their substitutes, and the proclaimed one-off days and moves.
std::set<int32_t> BankHolidaysOf(int y) {
  std::set<int32_t> h;
  // New Year's Day, or the Monday after when it falls at a weekend.
  const int32_t new_year = DayNumber(y, 1, 1);
  h.insert(IsWeekend(new_year) ? MondayOnOrAfter(new_year) : new_year);
  const int32_t easter = EasterSunday(y);
  h.insert(easter - 2);
  h.insert(easter + 1);
  // Early May: the first Monday (moved to Friday 8 May for VE Day in 1995 and 2020).
  if (y == 1995 || y == 2020) {
    h.insert(DayNumber(y, 5, 8));
  } else {
    h.insert(MondayOnOrAfter(DayNumber(y, 5, 1)));
  }
  // Spring: the last Monday of May (moved for the jubilees).
  if (y == 2002 || y == 2012) {
    h.insert(DayNumber(y, 6, 4));
  } else if (y == 2022) {
    h.insert(DayNumber(y, 6, 2));
  } else {
    h.insert(MondayOnOrBefore(DayNumber(y, 5, 31)));
  }
  h.insert(MondayOnOrBefore(DayNumber(y, 8, 31)));  // Summer
  // Christmas and Boxing Day, with substitute days when either falls at a weekend.
  const int xmas = Weekday(DayNumber(y, 12, 25));
  if (xmas == 5) {  // Saturday: Monday 27 and Tuesday 28
    h.insert(DayNumber(y, 12, 27));
    h.insert(DayNumber(y, 12, 28));
  } else if (xmas == 6) {  // Sunday: Monday 26 and Tuesday 27
    h.insert(DayNumber(y, 12, 26));
    h.insert(DayNumber(y, 12, 27));
  } else if (xmas == 4) {  // Friday: Boxing Day on Monday 28
    h.insert(DayNumber(y, 12, 25));
    h.insert(DayNumber(y, 12, 28));
  } else {
    h.insert(DayNumber(y, 12, 25));
    h.insert(DayNumber(y, 12, 26));
  }
  // Proclaimed one-off days.
  for (int32_t d : {DayNumber(1999, 12, 31), DayNumber(2002, 6, 3), DayNumber(2011, 4, 29), DayNumber(2012, 6, 5),
                    DayNumber(2022, 6, 3), DayNumber(2022, 9, 19), DayNumber(2023, 5, 8)}) {
    int dy, dm, dd;
    CivilFromDays(d, &dy, &dm, &dd);
    if (dy == y) h.insert(d);
  }
  return h;
}

bool IsWorkingDay(int32_t d) {
  if (IsWeekend(d)) return false;
  static std::mutex* mu = new std::mutex();
  static auto* by_year = new std::map<int, std::set<int32_t>>();
  int y, m, dd;
  CivilFromDays(d, &y, &m, &dd);
  std::lock_guard<std::mutex> lock(*mu);
  auto it = by_year->find(y);
  if (it == by_year->end()) it = by_year->emplace(y, BankHolidaysOf(y)).first;
  return !it->second.count(d);
}

// `day` minus `n` working days: the working day that has exactly `n` working days after
// it up to and including `day` (Friday is 1 working day before Monday).
int32_t MinusWorkingDays(int32_t day, int n) {
  int32_t d = day;
  for (int counted = 0; counted < n;) {
    --d;
    if (IsWorkingDay(d)) ++counted;
  }
  return d;
}

// --- Rules -------------------------------------------------------------------------------

// Within a Section47 group, if DateOfInitialCPC is present then S47ActualStartDate must be
// present and on or before it.
void Rule8615(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* s : child.Rows("Section47")) {
    if (Blank(s->Get("DateOfInitialCPC"))) continue;
    if (Blank(s->Get("S47ActualStartDate"))) {
      hits.Add(s, "S47ActualStartDate", "no start date, though an initial conference is recorded");
      continue;
    }
    auto start = Day(s, "S47ActualStartDate");
    auto icpc = Day(s, "DateOfInitialCPC");
    if (start && icpc && *start > *icpc) {
      hits.Add(s, "S47ActualStartDate", "starts " + ShowDay(ctx, *start) + ", after the conference on " + ShowDay(ctx, *icpc));
    }
  }
}

// An assessment with no AssessmentAuthorisationDate should not have started before the
// ReferenceDate minus 45 working days.
void Rule8670Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  const int32_t earliest = MinusWorkingDays(ctx.period_end, 45);
  for (const Row* a : child.Rows("Assessments")) {
    if (!Blank(a->Get("AssessmentAuthorisationDate"))) continue;
    auto start = Day(a, "AssessmentActualStartDate");
    if (start && *start < earliest) {
      hits.Add(a, "AssessmentActualStartDate", "started " + ShowDay(ctx, *start) + ", before " + ShowDay(ctx, earliest));
    }
  }
}

// A section 47 enquiry with no DateOfInitialCPC and ICPCnotRequired false should not have
// started before the ReferenceDate minus 15 working days.
void Rule8675Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  const int32_t earliest = MinusWorkingDays(ctx.period_end, 15);
  for (const Row* s : child.Rows("Section47")) {
    if (!Blank(s->Get("DateOfInitialCPC")) || !IsFalse(s->Get("ICPCnotRequired"))) continue;
    auto start = Day(s, "S47ActualStartDate");
    if (start && *start < earliest) {
      hits.Add(s, "S47ActualStartDate", "started " + ShowDay(ctx, *start) + ", before " + ShowDay(ctx, earliest));
    }
  }
}

// AssessmentAuthorisationDate, where present, within the census year.
void Rule8696(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* a : child.Rows("Assessments")) {
    auto d = Day(a, "AssessmentAuthorisationDate");
    if (d && !InCensusYear(ctx, *d)) hits.Add(a, "AssessmentAuthorisationDate", ShowDay(ctx, *d));
  }
}

// Section47 DateOfInitialCPC, where present, within the census year.
void Rule8715(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* s : child.Rows("Section47")) {
    auto d = Day(s, "DateOfInitialCPC");
    if (d && !InCensusYear(ctx, *d)) hits.Add(s, "DateOfInitialCPC", ShowDay(ctx, *d));
  }
}

// Every child protection plan has a CPPstartDate on or before the ReferenceDate.
void Rule8720(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    if (Blank(p->Get("CPPstartDate"))) {
      hits.Add(p, "CPPstartDate", "no start date");
      continue;
    }
    auto d = Day(p, "CPPstartDate");
    if (d && ctx.period_end && *d > ctx.period_end) hits.Add(p, "CPPstartDate", ShowDay(ctx, *d));
  }
}

// Every child protection plan gives NumberOfPreviousCPP, a whole number of 0 or more.
void Rule8730(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    const std::string& v = p->Get("NumberOfPreviousCPP");
    if (Blank(v)) {
      hits.Add(p, "NumberOfPreviousCPP", "missing");
    } else if (!std::all_of(v.begin(), v.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
      hits.Add(p, "NumberOfPreviousCPP", "'" + v + "' is not a number of 0 or more");
    }
  }
}

// An assessment with no AssessmentAuthorisationDate started within the census year.
void Rule8736(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* a : child.Rows("Assessments")) {
    if (!Blank(a->Get("AssessmentAuthorisationDate"))) continue;
    auto start = Day(a, "AssessmentActualStartDate");
    if (!start) {
      hits.Add(a, "AssessmentActualStartDate", "no start date");
    } else if (!InCensusYear(ctx, *start)) {
      hits.Add(a, "AssessmentActualStartDate", ShowDay(ctx, *start));
    }
  }
}

// A section 47 enquiry with no DateOfInitialCPC and ICPCnotRequired false started within
// the census year.
void Rule8740(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* s : child.Rows("Section47")) {
    if (!Blank(s->Get("DateOfInitialCPC")) || !IsFalse(s->Get("ICPCnotRequired"))) continue;
    auto start = Day(s, "S47ActualStartDate");
    if (!start) {
      hits.Add(s, "S47ActualStartDate", "no start date");
    } else if (!InCensusYear(ctx, *start)) {
      hits.Add(s, "S47ActualStartDate", ShowDay(ctx, *start));
    }
  }
}

bool Unborn(const Row* c) { return Blank(c->Get("PersonBirthDate")) && !Blank(c->Get("ExpectedPersonBirthDate")); }

// An unborn child (expected birth date, no birth date): GenderCurrent 0 (to 2023-24).
void Rule8750Gender(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    if (Unborn(c) && SexOf(c, 2024) != "0") hits.Add(c, SexField(c, 2024), "'" + SexOf(c, 2024) + "'");
  }
}
// From 2024-25: Sex U.
void Rule8750Sex(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    if (Unborn(c) && SexOf(c, 2025) != "U") hits.Add(c, SexField(c, 2025), "'" + SexOf(c, 2025) + "'");
  }
}

bool HasReferralGoingOn(const ChildData& child) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (IsFalse(e->Get("ReferralNFA"))) return true;
  }
  return false;
}

// UPN unknown reasons that explain a school-age child's missing UPN (UN1, "not of school
// age", does not).
bool SchoolAgeUpnReason(std::string_view v) { return OneOf(v, {"UN2", "UN3", "UN4", "UN5", "UN6", "UN7"}); }

void CheckUpnForOlder(const ChildData& child, int32_t born_by, Hits& hits) {
  if (!HasReferralGoingOn(child)) return;
  for (const Row* c : child.Rows("Child")) {
    auto dob = Day(c, "PersonBirthDate");
    if (!dob || *dob > born_by) continue;
    if (!Blank(c->Get("UPN")) || SchoolAgeUpnReason(c->Get("UPNunknown"))) continue;
    hits.Add(c, "UPN", Blank(c->Get("UPNunknown")) ? "no UPN and no reason" : "no UPN; reason '" + c->Get("UPNunknown") + "'");
  }
}

// To 2023-24: a child 6 or older on the ReferenceDate, with a referral going on to further
// action, has a UPN or a reason (other than UN1) for its absence.
void Rule8770QOld(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  CheckUpnForOlder(child, AddMonths(ctx.period_end, -72), hits);
}
// From 2024-25: a child of school age (5 by the 31 August that began the school year of
// the census) has a UPN or a reason other than UN1.
void Rule8770QNew(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  int y, m, d;
  CivilFromDays(ctx.period_end, &y, &m, &d);
  // The school year under way on the ReferenceDate began in September of `start`.
  const int start = m >= 9 ? y : y - 1;
  CheckUpnForOlder(child, DayNumber(start - 5, 8, 31), hits);
}

// UPNunknown UN7 (referral with no further action): every CINdetails has ReferralNFA true.
void Rule8772(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    if (c->Get("UPNunknown") != "UN7") continue;
    bool any = false;
    for (const Row* e : child.Rows("CINdetails")) {
      if (IsTrue(e->Get("ReferralNFA"))) continue;
      any = true;
      hits.Add(e, "ReferralNFA", "'" + e->Get("ReferralNFA") + "'");
    }
    if (any) hits.Add(c, "UPNunknown", "UN7");
  }
}

// A child over 25 on the ReferenceDate whose CIN episode is open or closed after the 25th
// birthday.
void Rule8775Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* c : child.Rows("Child")) {
    auto dob = Day(c, "PersonBirthDate");
    if (!dob) continue;
    const int32_t birthday25 = AddMonths(*dob, 300);
    if (!(birthday25 < ctx.period_end)) continue;
    bool any = false;
    for (const Row* e : child.Rows("CINdetails")) {
      auto closed = Day(e, "CINclosureDate");
      if (Blank(e->Get("CINclosureDate"))) {
        hits.Add(e, "CINclosureDate", "the episode is open");
        any = true;
      } else if (closed && *closed > birthday25) {
        hits.Add(e, "CINclosureDate", "closed " + ShowDay(ctx, *closed) + ", after the 25th birthday");
        any = true;
      }
    }
    if (any) hits.Add(c, "PersonBirthDate", "the child is over 25");
  }
}

// A Disability of NONE goes with no other Disability.
void Rule8790(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const auto all = c->All("Disability");
    bool none = false;
    std::string others;
    for (const Item* i : all) {
      if (i->value == "NONE") {
        none = true;
      } else if (!Blank(i->value)) {
        others += (others.empty() ? "" : ", ") + i->value;
      }
    }
    if (none && !others.empty()) hits.Add(c, "Disability", "NONE with " + others);
  }
}

// No Disability code twice for a child.
void Rule8794(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    std::set<std::string> seen, twice;
    for (const Item* i : c->All("Disability")) {
      if (Blank(i->value)) continue;
      if (!seen.insert(i->value).second) twice.insert(i->value);
    }
    for (const std::string& code : twice) hits.Add(c, "Disability", code + " more than once");
  }
}

// A CINclosureDate comes with a ReasonForClosure.
void Rule8805(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (!Blank(e->Get("CINclosureDate")) && Blank(e->Get("ReasonForClosure"))) hits.Add(e, "ReasonForClosure");
  }
}

// A ReasonForClosure comes with a CINclosureDate.
void Rule8810(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (!Blank(e->Get("ReasonForClosure")) && Blank(e->Get("CINclosureDate"))) hits.Add(e, "CINclosureDate");
  }
}

bool OpenGoingOn(const Row* e) { return Blank(e->Get("CINclosureDate")) && IsFalse(e->Get("ReferralNFA")); }

// At most one open CINdetails (no CINclosureDate) that is not a referral with no further
// action.
void Rule8815(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> open;
  for (const Row* e : child.Rows("CINdetails")) {
    if (OpenGoingOn(e)) open.push_back(e);
  }
  if (open.size() < 2) return;
  for (const Row* e : open) hits.Add(e, "CINclosureDate", std::to_string(open.size()) + " open episodes");
}

// An open CINdetails that is not a referral with no further action has the latest
// CINreferralDate of the child's episodes.
void Rule8816(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* latest = nullptr;
  int32_t latest_day = 0;
  for (const Row* e : child.Rows("CINdetails")) {
    auto d = Day(e, "CINreferralDate");
    if (d && (!latest || *d > latest_day)) {
      latest = e;
      latest_day = *d;
    }
  }
  if (!latest) return;
  for (const Row* e : child.Rows("CINdetails")) {
    if (!OpenGoingOn(e)) continue;
    auto d = Day(e, "CINreferralDate");
    if (!d || *d >= latest_day) continue;
    hits.Add(e, "CINreferralDate", "referred " + ShowDay(ctx, *d) + "; a later referral is dated " + ShowDay(ctx, latest_day));
    hits.Add(latest, "CINreferralDate", "the latest referral");
  }
}

// ReasonForClosure RC8 or RC9 (closed after assessment): the episode has an assessment.
void Rule8825Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (OneOf(e->Get("ReasonForClosure"), {"RC8", "RC9"}) && child.Within("Assessments", e).empty()) {
      hits.Add(e, "ReasonForClosure", e->Get("ReasonForClosure"));
    }
  }
}

// A referral with no further action (ReferralNFA true) has no assessment dates, section 47
// start date or initial conference date.
void Rule8831(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (!IsTrue(e->Get("ReferralNFA"))) continue;
    std::vector<std::pair<const Row*, std::string_view>> found;
    if (!Blank(e->Get("DateOfInitialCPC"))) found.emplace_back(e, "DateOfInitialCPC");
    for (const Row* a : child.Within("Assessments", e)) {
      for (std::string_view f : {"AssessmentActualStartDate", "AssessmentAuthorisationDate"}) {
        if (!Blank(a->Get(f))) found.emplace_back(a, f);
      }
    }
    for (const Row* s : child.Within("Section47", e)) {
      for (std::string_view f : {"S47ActualStartDate", "DateOfInitialCPC"}) {
        if (!Blank(s->Get(f))) found.emplace_back(s, f);
      }
    }
    if (found.empty()) continue;
    hits.Add(e, "ReferralNFA", "a referral with no further action");
    for (const auto& [row, field] : found) hits.Add(row, field, "recorded for a referral with no further action");
  }
}

// A referral with no further action has no child protection plan.
void Rule8832(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (!IsTrue(e->Get("ReferralNFA"))) continue;
    const auto plans = child.Within("ChildProtectionPlans", e);
    if (plans.empty()) continue;
    hits.Add(e, "ReferralNFA", "a referral with no further action");
    for (const Row* p : plans) hits.Add(p, "CPPstartDate", "a plan for a referral with no further action");
  }
}

// No CPPreviewDate on or before its plan's CPPstartDate.
void Rule8841(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    auto start = Day(p, "CPPstartDate");
    if (!start) continue;
    for (const Item* r : p->All("CPPreviewDate")) {
      auto d = ParseDay(r->value);
      if (d && *d <= *start) {
        hits.Add(p, "CPPreviewDate", "review " + ShowDay(ctx, *d) + ", plan start " + ShowDay(ctx, *start));
      }
    }
  }
}

// Each review (a CPPreviewDate element) gives a valid date.
void Rule8842Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    for (const Item* r : p->All("CPPreviewDate")) {
      if (Blank(r->value)) {
        hits.Add(p, "CPPreviewDate", "a review with no date");
      } else if (!ParseDay(r->value)) {
        hits.Add(p, "CPPreviewDate", "'" + r->value + "' is not a date");
      }
    }
  }
}

// Within one CINdetails, no assessment starts on or between the start and the end (the
// ReferenceDate when not completed) of another.
void Rule8863Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* e : child.Rows("CINdetails")) {
    const auto as = child.Within("Assessments", e);
    for (const Row* a : as) {
      auto start = Day(a, "AssessmentActualStartDate");
      if (!start) continue;
      for (const Row* b : as) {
        if (b == a) continue;
        auto b_start = Day(b, "AssessmentActualStartDate");
        if (!b_start) continue;
        auto b_end = Day(b, "AssessmentAuthorisationDate");
        const int32_t until = Blank(b->Get("AssessmentAuthorisationDate")) ? ctx.period_end : b_end.value_or(*b_start - 1);
        if (*start >= *b_start && *start <= until) {
          hits.Add(a, "AssessmentActualStartDate",
                   "starts " + ShowDay(ctx, *start) + " while the assessment started " + ShowDay(ctx, *b_start) + " is ongoing");
          break;
        }
      }
    }
  }
}

// A closed CIN episode has every assessment completed (AssessmentAuthorisationDate).
void Rule8867(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (Blank(e->Get("CINclosureDate"))) continue;
    bool any = false;
    for (const Row* a : child.Within("Assessments", e)) {
      if (!Blank(a->Get("AssessmentAuthorisationDate"))) continue;
      hits.Add(a, "AssessmentAuthorisationDate", "not completed");
      any = true;
    }
    if (any) hits.Add(e, "CINclosureDate", "closed with an assessment not completed");
  }
}

// A closed CIN episode has every section 47 enquiry completed: a DateOfInitialCPC or
// ICPCnotRequired true.
void Rule8868(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    if (Blank(e->Get("CINclosureDate"))) continue;
    bool any = false;
    for (const Row* s : child.Within("Section47", e)) {
      if (!Blank(s->Get("DateOfInitialCPC")) || IsTrue(s->Get("ICPCnotRequired"))) continue;
      hits.Add(s, "DateOfInitialCPC", "no conference date and ICPCnotRequired not true");
      any = true;
    }
    if (any) hits.Add(e, "CINclosureDate", "closed with a section 47 enquiry not completed");
  }
}

const char* DayName(int32_t d) { return Weekday(d) == 5 ? "a Saturday" : "a Sunday"; }

// InitialCPCtarget is not a Saturday or Sunday.
void Rule8870Q(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* s : child.Rows("Section47")) {
    auto d = Day(s, "InitialCPCtarget");
    if (d && IsWeekend(*d)) hits.Add(s, "InitialCPCtarget", ShowDay(ctx, *d) + " is " + DayName(*d));
  }
}

// One assessment on the episode, with factor 21 (no factors identified): the episode's
// ReasonForClosure is RC8 or RC9.
void Rule8873Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    const auto as = child.Within("Assessments", e);
    if (as.size() != 1) continue;
    bool factor21 = false;
    for (const Item* f : as[0]->All("AssessmentFactors")) factor21 = factor21 || f->value == "21";
    if (!factor21 || OneOf(e->Get("ReasonForClosure"), {"RC8", "RC9"})) continue;
    const std::string& rc = e->Get("ReasonForClosure");
    hits.Add(e, "ReasonForClosure", Blank(rc) ? "no reason for closure" : "'" + rc + "'");
    hits.Add(as[0], "AssessmentFactors", "21");
  }
}

// Section47 DateOfInitialCPC is not a Saturday or Sunday.
void Rule8875(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* s : child.Rows("Section47")) {
    auto d = Day(s, "DateOfInitialCPC");
    if (d && IsWeekend(*d)) hits.Add(s, "DateOfInitialCPC", ShowDay(ctx, *d) + " is " + DayName(*d));
  }
}

// Within one CINdetails, no section 47 enquiry starts on or between the start and the
// initial conference of another (or the ReferenceDate, when that other has no conference
// date and ICPCnotRequired is not true).
void Rule8890(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* e : child.Rows("CINdetails")) {
    const auto ss = child.Within("Section47", e);
    for (const Row* a : ss) {
      auto start = Day(a, "S47ActualStartDate");
      if (!start) continue;
      for (const Row* b : ss) {
        if (b == a) continue;
        auto b_start = Day(b, "S47ActualStartDate");
        if (!b_start) continue;
        std::optional<int32_t> until;
        if (!Blank(b->Get("DateOfInitialCPC"))) {
          until = Day(b, "DateOfInitialCPC");
        } else if (!IsTrue(b->Get("ICPCnotRequired"))) {
          until = ctx.period_end;
        }
        if (until && *start >= *b_start && *start <= *until) {
          hits.Add(a, "S47ActualStartDate",
                   "starts " + ShowDay(ctx, *start) + " while the enquiry started " + ShowDay(ctx, *b_start) + " is ongoing");
          break;
        }
      }
    }
  }
}

// Within one CINdetails, at most one assessment has no AssessmentAuthorisationDate.
void Rule8896(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* e : child.Rows("CINdetails")) {
    std::vector<const Row*> open;
    for (const Row* a : child.Within("Assessments", e)) {
      if (Blank(a->Get("AssessmentAuthorisationDate"))) open.push_back(a);
    }
    if (open.size() < 2) continue;
    for (const Row* a : open) hits.Add(a, "AssessmentAuthorisationDate", std::to_string(open.size()) + " open assessments");
  }
}

bool ValidFactor(std::string_view f) {
  return OneOf(f, {"1A",  "1B",  "1C",  "2A",  "2B",  "2C",  "3A",  "3B",  "3C",  "4A",  "4B",
                   "4C",  "5A",  "5B",  "5C",  "6A",  "6B",  "6C",  "7A",  "8B",  "8C",  "8D",
                   "8E",  "8F",  "9A",  "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A",
                   "18A", "18B", "18C", "19A", "19B", "19C", "20",  "21",  "22A", "23A", "24A"});
}

// An assessment completed on or after the start of the census year has one or more
// AssessmentFactors, each a valid code.
void Rule8897Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* a : child.Rows("Assessments")) {
    auto done = Day(a, "AssessmentAuthorisationDate");
    if (!done || *done < ctx.period_start) continue;
    int given = 0;
    for (const Item* f : a->All("AssessmentFactors")) {
      if (Blank(f->value)) continue;
      ++given;
      if (!ValidFactor(f->value)) hits.Add(a, "AssessmentFactors", "'" + f->value + "' is not a factor code");
    }
    if (!given) hits.Add(a, "AssessmentFactors", "no factors");
  }
}

const Row* DeathOf(const ChildData& child, std::optional<int32_t>* death) {
  for (const Row* c : child.Rows("Child")) {
    *death = Day(c, "PersonDeathDate");
    if (*death) return c;
  }
  return nullptr;
}

// No child protection plan starts after the child's PersonDeathDate.
void Rule8915(const Context& ctx, const ChildData& child, Hits& hits) {
  std::optional<int32_t> death;
  const Row* c = DeathOf(child, &death);
  if (!c) return;
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    auto d = Day(p, "CPPstartDate");
    if (!d || *d <= *death) continue;
    hits.Add(p, "CPPstartDate", ShowDay(ctx, *d) + ", after the date of death");
    hits.Add(c, "PersonDeathDate", ShowDay(ctx, *death));
  }
}

// No child protection plan ends after the child's PersonDeathDate.
void Rule8920(const Context& ctx, const ChildData& child, Hits& hits) {
  std::optional<int32_t> death;
  const Row* c = DeathOf(child, &death);
  if (!c) return;
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    auto d = Day(p, "CPPendDate");
    if (!d || *d <= *death) continue;
    hits.Add(p, "CPPendDate", ShowDay(ctx, *d) + ", after the date of death");
    hits.Add(c, "PersonDeathDate", ShowDay(ctx, *death));
  }
}

// CPPendDate, where present, on or after CPPstartDate.
void Rule8925(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    auto start = Day(p, "CPPstartDate");
    auto end = Day(p, "CPPendDate");
    if (start && end && *end < *start) {
      hits.Add(p, "CPPendDate", "ends " + ShowDay(ctx, *end) + ", starts " + ShowDay(ctx, *start));
    }
  }
}

// CPPendDate, where present, within the census year.
void Rule8930(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* p : child.Rows("ChildProtectionPlans")) {
    auto d = Day(p, "CPPendDate");
    if (d && !InCensusYear(ctx, *d)) hits.Add(p, "CPPendDate", ShowDay(ctx, *d));
  }
}

void FlagFactor(const ChildData& child, std::string_view code, Hits& hits) {
  for (const Row* a : child.Rows("Assessments")) {
    for (const Item* f : a->All("AssessmentFactors")) {
      if (f->value == code) hits.Add(a, "AssessmentFactors", std::string(code));
    }
  }
}

// Factor 18A is no longer to be used (18B or 18C instead).
void Rule8945Q(const Context&, const ChildData& child, Hits& hits) { FlagFactor(child, "18A", hits); }
// Factor 19A is no longer to be used (19B or 19C instead).
void Rule8950Q(const Context&, const ChildData& child, Hits& hits) { FlagFactor(child, "19A", hits); }

}  // namespace

void AddCinRulesB(std::vector<RuleDef>* defs) {
  constexpr RuleSeverity E = RuleSeverity::kError;
  constexpr RuleSeverity Q = RuleSeverity::kQuery;
  auto add = [defs](std::string_view code, RuleSeverity sev, std::string_view message, std::string_view fields,
                    int from, int to, std::string_view example, ChildRuleFn fn) {
    defs->push_back({RuleInfo{code, "cin", sev, message, fields, from, to, example, "DfE"}, fn, {}});
  };
  add("8615", E,
      "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection "
      "Conference",
      "S47ActualStartDate, DateOfInitialCPC", 0, 0,
      "a Section47 with DateOfInitialCPC 2024-06-03 and S47ActualStartDate 2024-06-10", &Rule8615);
  add("8670Q", Q,
      "Please check and either amend data or provide a reason: Assessment started more than 45 working days before the "
      "end of the census year. However, there is no Assessment end date.",
      "AssessmentActualStartDate", 0, 0,
      "an assessment started 2025-01-24, with no authorisation date, in the census ending 2025-03-31", &Rule8670Q);
  add("8675Q", Q,
      "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the "
      "end of the census year. However, there is no date of Initial Child Protection Conference.",
      "DateOfInitialCPC, S47ActualStartDate, ICPCnotRequired", 0, 0,
      "a Section47 started 2025-03-07, ICPCnotRequired false and no conference date, census ending 2025-03-31",
      &Rule8675Q);
  add("8696", E, "Assessment end date must fall within the census year", "AssessmentAuthorisationDate, ReferenceDate", 0,
      0, "AssessmentAuthorisationDate 2024-03-31 in the census 2024-04-01 to 2025-03-31", &Rule8696);
  add("8715", E, "Date of Initial Child Protection Conference must fall within the census year",
      "DateOfInitialCPC, ReferenceDate", 0, 0, "a Section47 DateOfInitialCPC of 2025-04-01 in the census ending 2025-03-31",
      &Rule8715);
  add("8720", E, "Child Protection Plan Start Date missing or out of data collection period",
      "CPPstartDate, ReferenceDate", 0, 0, "a ChildProtectionPlans group with no CPPstartDate", &Rule8720);
  add("8730", E, "Total Number of previous Child Protection Plans missing", "NumberOfPreviousCPP", 0, 0,
      "a ChildProtectionPlans group with no NumberOfPreviousCPP", &Rule8730);
  add("8736", E,
      "For an Assessment that has not been completed, the start date must fall within the census year",
      "AssessmentAuthorisationDate, AssessmentActualStartDate", 0, 0,
      "an assessment with no authorisation date that started 2024-03-31, census 2024-04-01 to 2025-03-31", &Rule8736);
  add("8740", E,
      "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the census year, "
      "the start date must fall within the census year",
      "S47ActualStartDate, DateOfInitialCPC, ICPCnotRequired", 0, 0,
      "a Section47 started 2024-03-31 with no conference date and ICPCnotRequired false, census from 2024-04-01",
      &Rule8740);
  add("8750", E, "Gender must equal 0 for an unborn child", "GenderCurrent, PersonBirthDate, ExpectedPersonBirthDate", 0,
      2024, "an ExpectedPersonBirthDate, no PersonBirthDate and GenderCurrent 2", &Rule8750Gender);
  add("8750", E, "Sex must equal U for an unborn child", "Sex, PersonBirthDate, ExpectedPersonBirthDate", 2025, 0,
      "an ExpectedPersonBirthDate, no PersonBirthDate and Sex F", &Rule8750Sex);
  add("8770Q", Q,
      "Please check and either amend data or provide a reason: UPN or reason UPN missing expected for a child who is "
      "more than 5 years old",
      "UPN, UPNunknown", 0, 2024,
      "a child born 2010-05-01 with no UPN or UPNunknown, and a CINdetails with ReferralNFA false", &Rule8770QOld);
  add("8770Q", Q,
      "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is UN1 for a "
      "child who is of school age.",
      "UPN, UPNunknown", 2025, 0,
      "a child born 2019-08-31 with UPNunknown UN1, and a CINdetails with ReferralNFA false, census ending 2025-03-31",
      &Rule8770QNew);
  add("8772", E,
      "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral going on "
      "to further action",
      "UPNunknown, ReferralNFA", 0, 0, "UPNunknown UN7 and a CINdetails with ReferralNFA false", &Rule8772);
  add("8775Q", Q, "Please check and either amend data or provide a reason: Child is over 25 years old",
      "PersonBirthDate, CINclosureDate", 0, 0, "a child born 1999-01-01 with an open CIN episode in 2024-25", &Rule8775Q);
  add("8790", E, "Disability information includes both None and other values", "Disability", 0, 0,
      "Disability NONE and Disability HAND for one child", &Rule8790);
  add("8794", E, "Child has two or more disabilities with the same code", "Disability", 0, 0,
      "Disability HAND given twice for one child", &Rule8794);
  add("8805", E, "A CIN case cannot have a CIN closure date without a Reason for Closure",
      "CINclosureDate, ReasonForClosure", 0, 0, "a CINclosureDate of 2024-09-01 and no ReasonForClosure", &Rule8805);
  add("8810", E, "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
      "ReasonForClosure, CINclosureDate", 0, 0, "ReasonForClosure RC1 and no CINclosureDate", &Rule8810);
  add("8815", E,
      "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this child and "
      "case is not a referral with no further action.",
      "ReferralNFA, CINclosureDate", 0, 0, "two CINdetails with no CINclosureDate, both with ReferralNFA false",
      &Rule8815);
  add("8816", E,
      "An open CIN episode is shown and case is not a referral with no further action, but it is not the latest "
      "episode.",
      "CINreferralDate, ReferralNFA", 0, 0,
      "an open CINdetails (ReferralNFA false) referred 2024-05-01 and a closed one referred 2024-08-01", &Rule8816);
  add("8825Q", Q,
      "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after "
      "assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there is no "
      "assessment present for the episode.",
      "ReasonForClosure", 0, 0, "a CINdetails closed with RC8 and no Assessments group", &Rule8825Q);
  add("8831", E, "Activity is recorded against a case marked as a referral with no further action",
      "AssessmentActualStartDate, AssessmentAuthorisationDate, S47ActualStartDate, DateOfInitialCPC", 0, 0,
      "a CINdetails with ReferralNFA true and an assessment started 2024-06-01", &Rule8831);
  add("8832", E, "Child Protection details provided for a referral with no further action.", "CINdetailsID, ReferralNFA",
      0, 0, "a CINdetails with ReferralNFA true and a ChildProtectionPlans group", &Rule8832);
  add("8841", E, "The review date cannot be on the same day or before the Child protection Plan start date.",
      "CPPstartDate, CPPreviewDate", 0, 0, "a plan starting 2024-06-01 with a CPPreviewDate of 2024-06-01", &Rule8841);
  add("8842Q", Q, "Please check and either amend or provide a reason: Review Record has a missing date", "CPPreviewDate",
      0, 0, "a Reviews group whose CPPreviewDate is empty", &Rule8842Q);
  add("8863Q", Q, "An Assessment is shown as starting when there is another Assessment ongoing.",
      "AssessmentActualStartDate, AssessmentAuthorisationDate", 0, 0,
      "two assessments in one CINdetails, 2024-05-01 to 2024-06-01 and one starting 2024-05-20", &Rule8863Q);
  add("8867", E, "CIN episode is shown as closed, however Assessment is not shown as completed",
      "CINclosureDate, AssessmentAuthorisationDate", 0, 0,
      "a CINdetails closed 2024-09-01 with an assessment with no AssessmentAuthorisationDate", &Rule8867);
  add("8868", E,
      "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or ICPC not "
      "required flag",
      "ICPCnotRequired, CINclosureDate, DateOfInitialCPC", 0, 0,
      "a closed CINdetails with a Section47 that has no DateOfInitialCPC and ICPCnotRequired false", &Rule8868);
  add("8870Q", Q,
      "Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference "
      "should not be a weekend",
      "InitialCPCtarget", 0, 0, "InitialCPCtarget 2024-06-08 (a Saturday)", &Rule8870Q);
  add("8873Q", Q,
      "Please check and either amend data or provide a reason: When there is only one assessment on the episode and the "
      "factors code “21 No factors identified” has been used for the completed assessment, the reason for "
      "closure ‘RC8’ or 'RC9' should be used.",
      "ReasonForClosure, AssessmentFactors", 0, 0,
      "a CINdetails closed with RC1 whose only assessment has AssessmentFactors 21", &Rule8873Q);
  add("8875", E, "The Date of Initial Child Protection Conference cannot be a weekend", "DateOfInitialCPC", 0, 0,
      "a Section47 DateOfInitialCPC of 2024-06-09 (a Sunday)", &Rule8875);
  add("8890", E, "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
      "S47ActualStartDate", 0, 0,
      "two Section47s in one CINdetails: 2024-05-01 with conference 2024-05-20, and one starting 2024-05-10", &Rule8890);
  add("8896", E, "Within one CINDetails group there are 2 or more open Assessments groups", "AssessmentAuthorisationDate",
      0, 0, "two assessments in one CINdetails, neither with an AssessmentAuthorisationDate", &Rule8896);
  add("8897Q", Q,
      "Parental or child factors at assessment information is missing from a completed assessment",
      "AssessmentAuthorisationDate, AssessmentFactors", 0, 0,
      "an assessment authorised 2024-06-01 with no AssessmentFactors", &Rule8897Q);
  add("8915", E, "Child Protection Plan shown as starting after the child’s Date of Death",
      "CPPstartDate, PersonDeathDate", 0, 0, "a plan starting 2024-07-01 for a child who died 2024-06-30", &Rule8915);
  add("8920", E, "Child Protection Plan cannot end after the child’s Date of Death", "PersonDeathDate, CPPendDate", 0,
      0, "a plan ending 2024-07-01 for a child who died 2024-06-30", &Rule8920);
  add("8925", E, "Child Protection Plan End Date earlier than Start Date", "CPPstartDate, CPPendDate", 0, 0,
      "CPPstartDate 2024-06-02 and CPPendDate 2024-06-01", &Rule8925);
  add("8930", E, "Child Protection Plan End Date must fall within the census year", "CPPendDate, ReferenceDate", 0, 0,
      "CPPendDate 2024-03-31 in the census 2024-04-01 to 2025-03-31", &Rule8930);
  add("8945Q", Q,
      "Please check and either amend data or provide a reason: the assessment factors code '18A' should not be used "
      "('18B' or '18C' should be used instead)",
      "AssessmentFactors", 2025, 0, "AssessmentFactors 18A", &Rule8945Q);
  add("8950Q", Q,
      "Please check and either amend data or provide a reason: the assessment factors code '19A' should not be used "
      "('19B' or '19C' should be used instead)",
      "AssessmentFactors", 2025, 0, "AssessmentFactors 19A", &Rule8950Q);
}

}  // namespace carestat::validation
