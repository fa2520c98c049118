// DfE rules (batch cin_rules_a): see model.h for how a rule is written and registered.
// CIN census rules 1520-8610 of this batch. The DfE rule text each follows is quoted
// before its function; where Data to Insight's validator reads it differently the
// comment says so.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers.

bool Present(const Row* row, std::string_view name) { return row && !Blank(row->Get(name)); }

// ReferralNFA as CIN writes a boolean: "true"/"1" or "false"/"0" (as written).
bool IsNfa(const Row* cin) { return OneOf(cin->Get("ReferralNFA"), {"true", "1"}); }
bool IsNotNfa(const Row* cin) { return OneOf(cin->Get("ReferralNFA"), {"false", "0"}); }

// The rows of `table` within the CINdetails `cin` (the child's rows whose parent it is).
std::vector<const Row*> In(const ChildData& child, std::string_view table, const Row* cin) {
  return child.Within(table, cin);
}

// Easter Sunday of `year` (Gregorian, the anonymous algorithm).
int32_t EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return DayNumber(year, month, day);
}

// Whether `day` is a working day in England: not a weekend, Good Friday or Easter Monday.
// (The other English bank holidays never fall within a week of 1 April, the only day
// this batch counts working days back from.)
bool EnglishWorkingDay(int32_t day) {
  if (Weekday(day) >= 5) return false;
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  const int32_t easter = EasterSunday(y);
  return day != easter - 2 && day != easter + 1;
}

// The working day before `day`.
int32_t WorkingDayBefore(int32_t day) {
  int32_t d = day - 1;
  while (!EnglishWorkingDay(d)) --d;
  return d;
}

// Whether the census period is known (the engine leaves it 0 when the year is not).
bool PeriodKnown(const Context& ctx) { return ctx.period_start != 0 && ctx.period_end != 0; }

// The ReferenceDate an open plan runs to (when it is not known, open-ended).
int32_t RefDate(const Context& ctx) { return ctx.period_end ? ctx.period_end : INT32_MAX; }

// A date's end of an interval: the date when present, else the census ReferenceDate.
int32_t EndOr(const Row* row, std::string_view name, const Context& ctx) {
  const auto d = Day(row, name);
  return d ? *d : RefDate(ctx);
}

// ---------------------------------------------------------------------------------------
// Child identifiers.

// 1520: Each pupil <UPN> (N00001) must be unique across all pupils in the extract. The
// census is read one child at a time (earlier children's rows are gone), so each child
// whose UPN an earlier child already had is flagged, naming the line of the first holder
// (which is not flagged itself).
class Rule1520 : public ReturnRule {
 public:
  void OnChild(const Context&, const ChildData& child, Hits& hits) override {
    for (const Row* c : child.Rows("Child")) {
      if (!Present(c, "UPN")) continue;
      auto [it, added] = seen_.try_emplace(std::hash<std::string>{}(c->Get("UPN")), c->LineOf("UPN"));
      if (!added) hits.Add(c, "UPN", absl::StrCat("the same UPN as the child on line ", it->second));
    }
  }

 private:
  // 64-bit hashes with the first holder's line, not the UPNs: a million children cost
  // about 32 MB; two different UPNs share a hash with odds of about one in 10^7.
  std::unordered_map<size_t, int64_t> seen_;
};

// 1560Q: <FormerUPN> (N00002) where present should be in the correct format, as specified
// in the data table: 13 characters, a check letter, then eleven digits, then a digit or
// (a temporary UPN) a letter. D2I requires twelve digits, so flags every former UPN that
// was a temporary one.
bool UpnFormat(std::string_view v) {
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (v.size() != 13 || !letter(v[0])) return false;
  for (size_t i = 1; i < 12; ++i)
    if (!digit(v[i])) return false;
  return digit(v[12]) || letter(v[12]);
}

void Rule1560Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child"))
    if (Present(c, "FormerUPN") && !UpnFormat(c->Get("FormerUPN"))) hits.Add(c, "FormerUPN");
}

// 1570: <LAchildID> must not be longer than 20 characters (characters, not bytes).
void Rule1570(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const std::string& id = c->Get("LAchildID");
    const auto chars = std::count_if(id.begin(), id.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
    if (chars > 20) hits.Add(c, "LAchildID", std::to_string(chars) + " characters");
  }
}

// 1580: <LAchildID> must not contain any non-alphanumeric characters. A missing or empty
// LAchildID is rule 8500's.
void Rule1580(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const std::string& id = c->Get("LAchildID");
    const bool bad = std::any_of(id.begin(), id.end(), [](char ch) {
      return !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'));
    });
    if (bad) hits.Add(c, "LAchildID");
  }
}

// ---------------------------------------------------------------------------------------
// Rules over the whole return.

// 2883: Within a Local Authority, the count of <CPPStartDate> (N00105) present and within
// [Period_of_Census] should be less than or equal to the count of <DateOfInitialCPC>
// (N00110) on CIN Details plus that on S47, each present and within [Period_of_Census].
class Rule2883 : public ReturnRule {
 public:
  void OnChild(const Context& ctx, const ChildData& child, Hits&) override {
    auto in_year = [&](const Row* r, std::string_view f) {
      const auto d = Day(r, f);
      return d && *d >= ctx.period_start && *d <= ctx.period_end;
    };
    for (const Row* r : child.Rows("ChildProtectionPlans")) plans_ += in_year(r, "CPPstartDate");
    for (const Row* r : child.Rows("CINdetails")) icpcs_ += in_year(r, "DateOfInitialCPC");
    for (const Row* r : child.Rows("Section47")) icpcs_ += in_year(r, "DateOfInitialCPC");
  }
  void Finish(const Context& ctx, Hits& hits) override {
    if (PeriodKnown(ctx) && plans_ > icpcs_)
      hits.AddReturn("CPPstartDate", std::to_string(plans_) + " plans start in the census year, " +
                                         std::to_string(icpcs_) + " initial conferences take place");
  }

 private:
  int64_t plans_ = 0, icpcs_ = 0;
};

// 2886Q: The number of child records where <GenderCurrent> (N00065) is zero or missing
// (2024-25 on: <Sex> is U or missing) and <ExpectedPersonBirthDate> (N00098) is missing,
// divided by the number of child records, should be at most 0.02 (LA level). D2I's
// 2023-24 test reads `isna() | GenderCurrent == 0` as `(isna() | GenderCurrent) == 0`.
class Rule2886Q : public ReturnRule {
 public:
  explicit Rule2886Q(bool sex) : sex_(sex) {}
  void OnChild(const Context&, const ChildData& child, Hits&) override {
    for (const Row* c : child.Rows("Child")) {
      ++children_;
      const std::string& v = SexOf(c, sex_ ? 2025 : 2024);
      const bool unknown = Blank(v) || v == (sex_ ? "U" : "0");
      if (unknown && !Present(c, "ExpectedPersonBirthDate")) ++unknown_;
    }
  }
  void Finish(const Context&, Hits& hits) override {
    if (children_ > 0 && unknown_ * 50 > children_)
      hits.AddReturn(sex_ ? "Sex" : "GenderCurrent",
                     std::to_string(unknown_) + " of " + std::to_string(children_) + " children");
  }

 private:
  bool sex_;
  int64_t children_ = 0, unknown_ = 0;
};

// 2887Q: Excluding <Disability> (N00099) 'NONE', the number of different disability codes
// used by the LA should be more than 7. D2I keeps only the NONE rows and counts them.
class Rule2887Q : public ReturnRule {
 public:
  void OnChild(const Context&, const ChildData& child, Hits&) override {
    for (const Row* c : child.Rows("Child")) {
      any_ = true;
      for (const Item* d : c->All("Disability"))
        if (!Blank(d->value) && d->value != "NONE") codes_.insert(d->value);
    }
  }
  void Finish(const Context&, Hits& hits) override {
    if (any_ && codes_.size() <= 7)
      hits.AddReturn("Disability", std::to_string(codes_.size()) + " different codes used");
  }

 private:
  bool any_ = false;
  std::set<std::string> codes_;
};

// 2888Q: Excluding 'NONE', one or more children should have more than one disability
// recorded: flagged (LA level) when every child with a disability has only one. A code
// given twice is one disability (D2I counts it as two).
class Rule2888Q : public ReturnRule {
 public:
  void OnChild(const Context&, const ChildData& child, Hits&) override {
    for (const Row* c : child.Rows("Child")) {
      std::set<std::string> codes;
      for (const Item* d : c->All("Disability"))
        if (!Blank(d->value) && d->value != "NONE") codes.insert(d->value);
      if (!codes.empty()) ++with_;
      if (codes.size() > 1) ++several_;
    }
  }
  void Finish(const Context&, Hits& hits) override {
    if (with_ > 0 && several_ == 0)
      hits.AddReturn("Disability", std::to_string(with_) + " children with a disability, each with one code");
  }

 private:
  int64_t with_ = 0, several_ = 0;
};

// ---------------------------------------------------------------------------------------
// CIN details, section 47 and plans.

// 2884: An initial child protection conference is recorded at both the S47 and CIN
// Details level: a <DateOfInitialCPC> (N00110) of a Section47 module equal to one of a
// CINdetails module of the child.
void Rule2884(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* s : child.Rows("Section47")) {
    const auto sd = Day(s, "DateOfInitialCPC");
    if (!sd) continue;
    for (const Row* c : child.Rows("CINdetails")) {
      if (Day(c, "DateOfInitialCPC") != sd) continue;
      hits.Add(s, "DateOfInitialCPC");
      hits.Add(c, "DateOfInitialCPC");
    }
  }
}

// 2889: Where present, the <S47ActualStartDate> (N00148) should be on or after the
// <CINReferralDate> (N00100).
void Rule2889(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    const auto ref = Day(c, "CINreferralDate");
    if (!ref) continue;
    for (const Row* s : In(child, "Section47", c)) {
      const auto start = Day(s, "S47ActualStartDate");
      if (!start || *start >= *ref) continue;
      hits.Add(s, "S47ActualStartDate", ShowDay(ctx, *start));
      hits.Add(c, "CINreferralDate", ShowDay(ctx, *ref));
    }
  }
}

// 2990: If a <CINDetails> module has <ReasonForClosure> (N00103) = RC8 or RC9, then it
// cannot have a <Section47> module, a <ChildProtectionPlan> module, a <DateofInitialCPC>
// (N00110) within the <CINDetails> module, or a <CINPlanDates> module.
void Rule2990(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    if (!OneOf(c->Get("ReasonForClosure"), {"RC8", "RC9"})) continue;
    std::vector<const Row*> modules;
    for (std::string_view t : {"Section47", "ChildProtectionPlans", "CINPlanDates"})
      for (const Row* r : In(child, t, c)) modules.push_back(r);
    const bool icpc = Present(c, "DateOfInitialCPC");
    if (modules.empty() && !icpc) continue;
    hits.Add(c, "ReasonForClosure", c->Get("ReasonForClosure"));
    if (icpc) hits.Add(c, "DateOfInitialCPC");
    for (const Row* r : modules) hits.Add(r, "");
  }
}

// 2991Q: If a <Section47> module is present then an <Assessment> module should be present
// (in the same CINdetails).
void Rule2991Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    if (!In(child, "Assessments", c).empty()) continue;
    for (const Row* s : In(child, "Section47", c)) hits.Add(s, "");
  }
}

// 4000: A CINdetails with <ReferralNFA> (N00112) true or 1 cannot have CIN plan details.
void Rule4000(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    if (!IsNfa(c)) continue;
    const auto plans = In(child, "CINPlanDates", c);
    if (plans.empty()) continue;
    hits.Add(c, "ReferralNFA");
    for (const Row* p : plans) hits.Add(p, "");
  }
}

// 4001: If a <CINDetails> module has a <ChildProtectionPlan> module with no <CPPendDate>
// (N00115), then a <CINPlanDates> module with no <CINPlanEndDate> (N00690) must not be
// present.
void Rule4001(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    std::vector<const Row*> open_cpp, open_cin;
    for (const Row* p : In(child, "ChildProtectionPlans", c))
      if (!Present(p, "CPPendDate")) open_cpp.push_back(p);
    for (const Row* p : In(child, "CINPlanDates", c))
      if (!Present(p, "CINPlanEndDate")) open_cin.push_back(p);
    if (open_cpp.empty() || open_cin.empty()) continue;
    for (const Row* p : open_cpp) hits.Add(p, "CPPendDate");
    for (const Row* p : open_cin) hits.Add(p, "CINPlanEndDate");
  }
}

// 4003: Within a <CINDetails> module, no <CPPReviewDate> (N00116) can fall between any
// <CINPlanStartdate> (N00689) and <CINPlanEndDate> (N00690) unless <CPPReviewDate> is
// equal to <CPPendDate> (N00115). A plan with no end is open to the ReferenceDate; a plan
// ending the day a review is held has ended (as for 4016/4017). D2I matches plans of
// other CINdetails, skips open CIN plans and reviews of open protection plans.
void Rule4003(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    const auto plans = In(child, "CINPlanDates", c);
    for (const Row* cpp : In(child, "ChildProtectionPlans", c)) {
      const auto cpp_end = Day(cpp, "CPPendDate");
      for (const Item* review : cpp->All("CPPreviewDate")) {
        const auto r = ParseDay(review->value);
        if (!r || r == cpp_end) continue;
        for (const Row* p : plans) {
          const auto start = Day(p, "CINPlanStartDate");
          if (!start || *r < *start) continue;
          const auto end = Day(p, "CINPlanEndDate");
          if (end ? *r >= *end : *r > RefDate(ctx)) continue;
          hits.Add(cpp, "CPPreviewDate", ShowDay(ctx, *r));
          hits.Add(p, "CINPlanStartDate");
        }
      }
    }
  }
}

// 4004: Within a <CINDetails> module, there must be only one <CINplanDates> group where
// the <CINPlanEndDate> (N00690) is missing.
void Rule4004(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    std::vector<const Row*> open;
    for (const Row* p : In(child, "CINPlanDates", c))
      if (!Present(p, "CINPlanEndDate")) open.push_back(p);
    if (open.size() > 1)
      for (const Row* p : open) hits.Add(p, "CINPlanEndDate");
  }
}

// 4008 / 4009Q: If <PersonDeathDate> (N00108) is present, <CINPlanStartDate> (N00689)
// (4009Q: <CINPlanEndDate> (N00690)) must be on or before it.
void PlanAfterDeath(const Context& ctx, const ChildData& child, Hits& hits, std::string_view field) {
  for (const Row* c : child.Rows("Child")) {
    const auto death = Day(c, "PersonDeathDate");
    if (!death) continue;
    for (const Row* p : child.Rows("CINPlanDates")) {
      const auto d = Day(p, field);
      if (!d || *d <= *death) continue;
      hits.Add(c, "PersonDeathDate");
      hits.Add(p, field, ShowDay(ctx, *d));
    }
  }
}
void Rule4008(const Context& ctx, const ChildData& child, Hits& hits) {
  PlanAfterDeath(ctx, child, hits, "CINPlanStartDate");
}
void Rule4009Q(const Context& ctx, const ChildData& child, Hits& hits) {
  PlanAfterDeath(ctx, child, hits, "CINPlanEndDate");
}

// 4010: Where a <CINPlanDates> module is present, <CINPlanStartDate> (N00689) must be
// present and on or before the <ReferenceDate> (N00603).
void Rule4010(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("CINPlanDates")) {
    const auto start = Day(p, "CINPlanStartDate");
    if (!start) {
      hits.Add(p, "CINPlanStartDate", Present(p, "CINPlanStartDate") ? "not a date" : "missing");
    } else if (*start > RefDate(ctx)) {
      hits.Add(p, "CINPlanStartDate", ShowDay(ctx, *start));
    }
  }
}

// 4011: If present <CINPlanEndDate> (N00690) must be on or after the <CINPlanStartDate>.
void Rule4011(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("CINPlanDates")) {
    const auto start = Day(p, "CINPlanStartDate"), end = Day(p, "CINPlanEndDate");
    if (start && end && *end < *start) hits.Add(p, "CINPlanEndDate", ShowDay(ctx, *end));
  }
}

// 4012Q: Within a <CINPlanDates> group, <CINPlanStartDate> (N00689) should not be the
// same as the <CINPlanEndDate> (N00690).
void Rule4012Q(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("CINPlanDates")) {
    const auto start = Day(p, "CINPlanStartDate"), end = Day(p, "CINPlanEndDate");
    if (start && end && *end == *start) hits.Add(p, "CINPlanStartDate", ShowDay(ctx, *start));
  }
}

// 4013: If <CINPlanEndDate> (N00690) is present, it must fall within [Period_of_Census]
// inclusive.
void Rule4013(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("CINPlanDates")) {
    const auto end = Day(p, "CINPlanEndDate");
    if (end && PeriodKnown(ctx) && (*end < ctx.period_start || *end > ctx.period_end))
      hits.Add(p, "CINPlanEndDate", ShowDay(ctx, *end));
  }
}

// 4014: Where more than one <CINplanDates> group is included, the <CINPlanStartDate> of
// each group cannot fall within <CINPlanStartDate> to <CINPlanEndDate> (or to the
// <ReferenceDate> when there is no end) of any other group. D2I compares each plan with
// itself too, so flags every plan.
void Rule4014(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto& plans = child.Rows("CINPlanDates");
  for (const Row* a : plans) {
    const auto s = Day(a, "CINPlanStartDate");
    if (!s) continue;
    for (const Row* b : plans) {
      if (a == b) continue;
      const auto bs = Day(b, "CINPlanStartDate");
      if (!bs || *s < *bs || *s > EndOr(b, "CINPlanEndDate", ctx)) continue;
      hits.Add(a, "CINPlanStartDate", ShowDay(ctx, *s));
      hits.Add(b, "CINPlanStartDate");
    }
  }
}

// 4015: Where present, the <CINPlanStartDate> (N00689) must be on or after the
// <CINReferralDate> (N00100).
void Rule4015(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    const auto ref = Day(c, "CINreferralDate");
    if (!ref) continue;
    for (const Row* p : In(child, "CINPlanDates", c)) {
      const auto start = Day(p, "CINPlanStartDate");
      if (!start || *start >= *ref) continue;
      hits.Add(p, "CINPlanStartDate", ShowDay(ctx, *start));
      hits.Add(c, "CINreferralDate", ShowDay(ctx, *ref));
    }
  }
}

// 4016: The <CINPlanStartDate> (N00689) for any CIN Plan group cannot fall within
// <CPPstartDate> (N00105) to <CPPendDate> (N00115), or <CPPstartDate> to <ReferenceDate>
// if <CPPendDate> is not present, for any CPP group; unless it is equal to <CPPendDate>.
void Rule4016(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("CINPlanDates")) {
    const auto s = Day(p, "CINPlanStartDate");
    if (!s) continue;
    for (const Row* cpp : child.Rows("ChildProtectionPlans")) {
      const auto cs = Day(cpp, "CPPstartDate");
      if (!cs || *s < *cs) continue;
      const auto ce = Day(cpp, "CPPendDate");
      if (ce ? *s >= *ce : *s > RefDate(ctx)) continue;
      hits.Add(p, "CINPlanStartDate", ShowDay(ctx, *s));
      hits.Add(cpp, "CPPstartDate");
    }
  }
}

// 4017: The <CPPstartDate> (N00105) for any CPP group cannot fall within
// <CINPlanStartDate> (N00689) to <CINPlanEndDate> (N00690), or <CINPlanStartDate> to
// <ReferenceDate> if <CINPlanEndDate> is not present, for any CIN Plan group; unless it
// is equal to <CINPlanEndDate>.
void Rule4017(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* cpp : child.Rows("ChildProtectionPlans")) {
    const auto s = Day(cpp, "CPPstartDate");
    if (!s) continue;
    for (const Row* p : child.Rows("CINPlanDates")) {
      const auto ps = Day(p, "CINPlanStartDate");
      if (!ps || *s < *ps) continue;
      const auto pe = Day(p, "CINPlanEndDate");
      if (pe ? *s >= *pe : *s > RefDate(ctx)) continue;
      hits.Add(cpp, "CPPstartDate", ShowDay(ctx, *s));
      hits.Add(p, "CINPlanStartDate");
    }
  }
}

// ---------------------------------------------------------------------------------------
// Child characteristics and CIN details.

// 8525Q: Either Date of Birth or Expected Date of Birth must be provided (but not both).
void Rule8525Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const bool dob = Present(c, "PersonBirthDate"), edob = Present(c, "ExpectedPersonBirthDate");
    if (dob == edob) hits.Add(c, "PersonBirthDate", dob ? "both given" : "neither given");
  }
}

// 8530Q: If present <ExpectedPersonBirthDate> (N00098) should be between [<ReferenceDate>
// minus 30 days] and [<ReferenceDate> plus 9 months] (inclusive; D2I flags both ends).
void Rule8530Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  const int32_t earliest = ctx.period_end - 30, latest = AddMonths(ctx.period_end, 9);
  for (const Row* c : child.Rows("Child")) {
    const auto e = Day(c, "ExpectedPersonBirthDate");
    if (e && (*e < earliest || *e > latest)) hits.Add(c, "ExpectedPersonBirthDate");
  }
}

// 8535Q: <PersonDeathDate> (N00108) must be on or after <PersonBirthDate> (N00066); a
// death date with no date of birth cannot be.
void Rule8535Q(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const auto death = Day(c, "PersonDeathDate");
    if (!death) continue;
    const auto dob = Day(c, "PersonBirthDate");
    if (!dob) {
      hits.Add(c, "PersonDeathDate", "no date of birth");
    } else if (*dob > *death) {
      hits.Add(c, "PersonDeathDate", "before the date of birth");
    }
  }
}

// 8540: If <PersonBirthDate> (N00066) is present and at least one <ReferralNFA> (N00112)
// is false or 0, then one or more instances of <Disability> (N00099) must be present, and
// all instances must be valid code values.
void Rule8540(const Context&, const ChildData& child, Hits& hits) {
  const auto& cins = child.Rows("CINdetails");
  if (std::none_of(cins.begin(), cins.end(), IsNotNfa)) return;
  for (const Row* c : child.Rows("Child")) {
    if (!Present(c, "PersonBirthDate")) continue;
    const auto all = c->All("Disability");
    if (all.empty()) hits.Add(c, "Disability", "missing");
    for (const Item* d : all) {
      if (!OneOf(d->value, {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT",
                            "DDA"}))
        hits.Add(c, "Disability", Blank(d->value) ? "missing" : "'" + d->value + "'");
    }
  }
}

// 8545Q: If present, <PersonDeathDate> (N00108) must be within [Period_of_Census].
void Rule8545Q(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const auto death = Day(c, "PersonDeathDate");
    if (death && PeriodKnown(ctx) && (*death < ctx.period_start || *death > ctx.period_end))
      hits.Add(c, "PersonDeathDate", "outside the census year");  // the date itself is not repeated
  }
}

// 8555Q: If <PersonDeathDate> (N00108) is present, then the <CINreferralDate> (N00100)
// must be on or before it.
void Rule8555Q(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    const auto death = Day(c, "PersonDeathDate");
    if (!death) continue;
    for (const Row* cin : child.Rows("CINdetails")) {
      const auto ref = Day(cin, "CINreferralDate");
      if (!ref || *ref <= *death) continue;
      hits.Add(cin, "CINreferralDate", ShowDay(ctx, *ref));
      hits.Add(c, "PersonDeathDate");
    }
  }
}

// 8565: If <CINclosureDate> (N00102) is present then it must be on or after all of these
// dates that are present (in its CINdetails): <AssessmentActualStartDate>,
// <AssessmentAuthorisationDate>, <S47ActualStartDate>, <DateOfInitialCPC>, <CPPendDate>,
// <CINPlanStartDate>, <CINPlanEndDate>. (D2I replaces the return's protection plans
// with its own test data.)
void Rule8565(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    const auto closed = Day(c, "CINclosureDate");
    if (!closed) continue;
    bool any = false;
    auto check = [&](const Row* r, std::string_view field) {
      const auto d = Day(r, field);
      if (!d || *d <= *closed) return;
      any = true;
      hits.Add(r, field, ShowDay(ctx, *d));
    };
    check(c, "DateOfInitialCPC");
    for (const Row* r : In(child, "Assessments", c)) {
      check(r, "AssessmentActualStartDate");
      check(r, "AssessmentAuthorisationDate");
    }
    for (const Row* r : In(child, "Section47", c)) {
      check(r, "S47ActualStartDate");
      check(r, "DateOfInitialCPC");
    }
    for (const Row* r : In(child, "ChildProtectionPlans", c)) check(r, "CPPendDate");
    for (const Row* r : In(child, "CINPlanDates", c)) {
      check(r, "CINPlanStartDate");
      check(r, "CINPlanEndDate");
    }
    if (any) hits.Add(c, "CINclosureDate", ShowDay(ctx, *closed));
  }
}

// 8568: <ReferralNFA> (N00112) must be present and must be 1 or 0, true or false (as
// XML writes a boolean; D2I also takes "True" or "FALSE").
void Rule8568(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails")) {
    if (!IsNfa(c) && !IsNotNfa(c))
      hits.Add(c, "ReferralNFA", Present(c, "ReferralNFA") ? "'" + c->Get("ReferralNFA") + "'" : "missing");
  }
}

// 8569Q: If <CINreferralDate> (N00100) is before [Start_of_Census_Year] minus 1 working
// day, <ReferralNFA> (N00112) must be false. D2I's working-day offset is zero days, so
// it also flags a referral on the last working day before 1 April.
void Rule8569Q(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  const int32_t cutoff = WorkingDayBefore(ctx.period_start);
  for (const Row* c : child.Rows("CINdetails")) {
    const auto ref = Day(c, "CINreferralDate");
    if (ref && *ref < cutoff && IsNfa(c)) hits.Add(c, "ReferralNFA", "referred " + ShowDay(ctx, *ref));
  }
}

// 8585Q: If <ReasonForClosure> (N00103) = RC2 (Died) then a valid <PersonDeathDate>
// (N00108) must be present.
void Rule8585Q(const Context&, const ChildData& child, Hits& hits) {
  const Row* c = child.First("Child");
  if (c && Day(c, "PersonDeathDate")) return;
  for (const Row* cin : child.Rows("CINdetails")) {
    if (cin->Get("ReasonForClosure") != "RC2") continue;
    hits.Add(cin, "ReasonForClosure");
    if (c) hits.Add(c, "PersonDeathDate");
  }
}

// 8590: Each child must have at least one <CINdetails> group.
void Rule8590(const Context&, const ChildData& child, Hits& hits) {
  if (!child.Rows("CINdetails").empty()) return;
  for (const Row* c : child.Rows("Child")) hits.Add(c, "LAchildID");
}

// 8606: <CINreferralDate> (N00100) cannot be more than 280 days before
// <PersonBirthDate> (N00066) or <ExpectedPersonBirthDate> (N00098).
void Rule8606(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("Child")) {
    for (std::string_view field : {"PersonBirthDate", "ExpectedPersonBirthDate"}) {
      const auto born = Day(c, field);
      if (!born) continue;
      for (const Row* cin : child.Rows("CINdetails")) {
        const auto ref = Day(cin, "CINreferralDate");
        if (!ref || *ref >= *born - 280) continue;
        hits.Add(cin, "CINreferralDate", ShowDay(ctx, *ref));
        hits.Add(c, field);
      }
    }
  }
}

// 8608: If present <AssessmentAuthorisationDate> (N00160) must be on or after the
// <AssessmentActualStartDate> (N00159).
void Rule8608(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* a : child.Rows("Assessments")) {
    const auto start = Day(a, "AssessmentActualStartDate"), auth = Day(a, "AssessmentAuthorisationDate");
    if (start && auth && *auth < *start) hits.Add(a, "AssessmentActualStartDate", ShowDay(ctx, *start));
  }
}

// 8610: If <ReferralNFA> (N00112) = false or 0 then <PrimaryNeedCode> (N00101) must be
// present.
void Rule8610(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* c : child.Rows("CINdetails"))
    if (IsNotNfa(c) && !Present(c, "PrimaryNeedCode")) hits.Add(c, "PrimaryNeedCode");
}

RuleInfo Info(std::string_view code, std::string_view message, std::string_view fields, int from, int to,
              std::string_view example) {
  const RuleSeverity sev = code.back() == 'Q' ? RuleSeverity::kQuery : RuleSeverity::kError;
  return RuleInfo{code, "cin", sev, message, fields, from, to, example, "DfE"};
}

template <typename T, typename... Args>
RuleDef Whole(RuleInfo info, Args... args) {
  return RuleDef{info, nullptr, [args...] { return std::make_unique<T>(args...); }};
}

}  // namespace

void AddCinRulesA(std::vector<RuleDef>* defs) {
  defs->push_back(Whole<Rule1520>(Info("1520", "More than one record with the same UPN.", "UPN", 0, 0,
                                       "two children with the same UPN")));
  defs->push_back({Info("1560Q", "Please check and either amend or provide a reason: Former UPN wrongly formatted",
                        "FormerUPN", 0, 0, "FormerUPN 'A1234567890' (11 characters)"),
                   &Rule1560Q,
                   {}});
  defs->push_back({Info("1570", "LA Child ID must not be longer than 20 characters", "LAchildID", 2025, 0,
                        "LAchildID of 21 characters"),
                   &Rule1570,
                   {}});
  defs->push_back({Info("1580", "LA Child ID must not contain any non-alphanumeric characters", "LAchildID", 2025,
                        0, "LAchildID 'AB-123'"),
                   &Rule1580,
                   {}});
  defs->push_back(Whole<Rule2883>(
      Info("2883", "There are more child protection plans starting than initial conferences taking place",
           "CPPstartDate, DateOfInitialCPC", 0, 0,
           "3 plans starting in the census year and 2 initial conferences in it")));
  defs->push_back({Info("2884",
                        "An initial child protection conference is recorded at both the S47 and CIN Details level "
                        "and it should only be recorded in one",
                        "DateOfInitialCPC", 0, 0, "the same DateOfInitialCPC on a Section47 and on CINdetails"),
                   &Rule2884,
                   {}});
  defs->push_back(Whole<Rule2886Q>(
      Info("2886Q",
           "Please check and either amend or provide a reason: Percentage of children with no gender recorded is "
           "more than 2% (excluding unborns)",
           "ExpectedPersonBirthDate, ChildIdentifiers", 0, 2024,
           "3 of 100 born children with GenderCurrent 0 or missing"),
      false));
  defs->push_back(Whole<Rule2886Q>(
      Info("2886Q",
           "Please check and either amend or provide a reason: Percentage of children with no sex recorded is more "
           "than 2% (excluding unborns)",
           "ExpectedPersonBirthDate, ChildIdentifiers", 2025, 0, "3 of 100 born children with Sex U or missing"),
      true));
  defs->push_back(Whole<Rule2887Q>(Info(
      "2887Q",
      "Please check and either amend or provide a reason: Less than 8 disability codes have been used in your return",
      "Disability", 0, 0, "only MOB, HAND and LD used across the return")));
  defs->push_back(Whole<Rule2888Q>(
      Info("2888Q",
           "Please check and either amend or provide a reason: Only one disability code is recorded per child and "
           "multiple disabilities should be recorded where possible.",
           "Disability", 0, 0, "every child with a disability has exactly one code")));
  defs->push_back({Info("2889", "The S47 start date cannot be before the referral date.",
                        "S47ActualStartDate, CINreferralDate", 0, 0,
                        "S47ActualStartDate 2024-05-01 with CINreferralDate 2024-05-02"),
                   &Rule2889,
                   {}});
  defs->push_back({Info("2990",
                        "Activity is recorded against a case marked as \xE2\x80\x98" "Case closed after assessment, no "
                        "further action\xE2\x80\x99 or 'case closed after assessment, referred to early help'.",
                        "ReasonForClosure", 0, 0, "ReasonForClosure RC8 with a Section47 module"),
                   &Rule2990,
                   {}});
  defs->push_back({Info("2991Q",
                        "Please check and either amend data or provide a reason: A Section 47 module is recorded and "
                        "there is no assessment on the episode",
                        "CINdetailsID", 0, 0, "a CINdetails with a Section47 module and no Assessments"),
                   &Rule2991Q,
                   {}});
  defs->push_back({Info("4000", "CIN Plan details provided for a referral with no further action", "ReferralNFA", 0,
                        0, "ReferralNFA true with a CINPlanDates module"),
                   &Rule4000,
                   {}});
  defs->push_back({Info("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan",
                        "CINPlanEndDate, CPPendDate", 0, 0,
                        "an open child protection plan and an open CIN plan in one CINdetails"),
                   &Rule4001,
                   {}});
  defs->push_back({Info("4003", "A CPP review date is shown as being held at the same time as an open CIN Plan.",
                        "CINPlanStartDate, CINPlanEndDate, CPPreviewDate", 0, 0,
                        "CPPreviewDate 2024-06-01 in a CIN plan from 2024-05-01 to 2024-07-01"),
                   &Rule4003,
                   {}});
  defs->push_back({Info("4004", "This child is showing more than one open CIN Plan, i.e. with no End Date",
                        "CINPlanEndDate", 0, 0, "two CINPlanDates with no end in one CINdetails"),
                   &Rule4004,
                   {}});
  defs->push_back({Info("4008", "CIN Plan shown as starting after the child\xE2\x80\x99s Date of Death.",
                        "PersonDeathDate, CINPlanStartDate", 0, 0, "CINPlanStartDate the day after PersonDeathDate"),
                   &Rule4008,
                   {}});
  defs->push_back({Info("4009Q", "CIN Plan cannot end after the child\xE2\x80\x99s Date of Death",
                        "PersonDeathDate, CINPlanEndDate", 0, 0, "CINPlanEndDate the day after PersonDeathDate"),
                   &Rule4009Q,
                   {}});
  defs->push_back({Info("4010", "CIN Plan start date is missing or out of data collection period", "CINPlanStartDate",
                        0, 0, "CINPlanStartDate 2025-04-01 in the census ending 2025-03-31"),
                   &Rule4010,
                   {}});
  defs->push_back({Info("4011", "CIN Plan End Date earlier than Start Date", "CINPlanEndDate, CINPlanStartDate", 0, 0,
                        "CINPlanEndDate 2024-06-01 with CINPlanStartDate 2024-06-02"),
                   &Rule4011,
                   {}});
  defs->push_back({Info("4012Q",
                        "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on "
                        "the same day",
                        "CINPlanStartDate, CINPlanEndDate", 0, 0, "CINPlanStartDate and CINPlanEndDate both 2024-06-01"),
                   &Rule4012Q,
                   {}});
  defs->push_back({Info("4013", "CIN Plan end date must fall within the census year", "CINPlanEndDate, ReferenceDate",
                        0, 0, "CINPlanEndDate 2024-03-31 in the census from 2024-04-01"),
                   &Rule4013,
                   {}});
  defs->push_back({Info("4014", "CIN Plan data contains overlapping dates", "CINPlanStartDate, CINPlanEndDate", 0, 0,
                        "a CIN plan starting 2024-06-01 within another from 2024-05-01 to 2024-07-01"),
                   &Rule4014,
                   {}});
  defs->push_back({Info("4015", "The CIN Plan start date cannot be before the referral date",
                        "CINPlanStartDate, CINreferralDate", 0, 0,
                        "CINPlanStartDate 2024-05-01 with CINreferralDate 2024-05-02"),
                   &Rule4015,
                   {}});
  defs->push_back({Info("4016", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
                        "CINPlanStartDate, CPPstartDate, CPPendDate", 0, 0,
                        "a CIN plan starting 2024-06-01 within a child protection plan from 2024-05-01"),
                   &Rule4016,
                   {}});
  defs->push_back({Info("4017", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
                        "CINPlanStartDate, CINPlanEndDate, CPPstartDate", 0, 0,
                        "a child protection plan starting 2024-06-01 within a CIN plan from 2024-05-01"),
                   &Rule4017,
                   {}});
  defs->push_back({Info("8525Q", "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
                        "PersonBirthDate, ExpectedPersonBirthDate", 0, 0,
                        "a child with neither PersonBirthDate nor ExpectedPersonBirthDate"),
                   &Rule8525Q,
                   {}});
  defs->push_back({Info("8530Q",
                        "Please check and either amend data or provide a reason: Expected Date of Birth is outside the "
                        "expected range for this census (March to December of the Census Year end)",
                        "ExpectedPersonBirthDate", 0, 0, "ExpectedPersonBirthDate 2026-01-01 in the census ending 2025-03-31"),
                   &Rule8530Q,
                   {}});
  defs->push_back({Info("8535Q",
                        "Please check and either amend data or provide a reason: Child\xE2\x80\x99s date of death should "
                        "not be prior to the date of birth",
                        "PersonDeathDate, PersonBirthDate", 0, 0, "PersonDeathDate the day before PersonBirthDate"),
                   &Rule8535Q,
                   {}});
  defs->push_back({Info("8540", "Child\xE2\x80\x99s disability is missing or invalid (see Disability table)",
                        "Disability, PersonBirthDate, ReferralNFA", 0, 0,
                        "Disability 'mob' for a born child with a referral that led to action"),
                   &Rule8540,
                   {}});
  defs->push_back({Info("8545Q",
                        "Please check and either amend data or provide a reason: Child's date of death should be within "
                        "the census year",
                        "PersonDeathDate", 0, 0, "PersonDeathDate 2024-03-31 in the census from 2024-04-01"),
                   &Rule8545Q,
                   {}});
  defs->push_back({Info("8555Q", "Child cannot be referred after its recorded date of death",
                        "PersonDeathDate, CINreferralDate", 0, 0, "CINreferralDate the day after PersonDeathDate"),
                   &Rule8555Q,
                   {}});
  defs->push_back({Info("8565", "Activity shown after a case has been closed",
                        "CINclosureDate, DateOfInitialCPC, AssessmentActualStartDate, AssessmentAuthorisationDate, "
                        "S47ActualStartDate, CPPendDate, CINPlanStartDate, CINPlanEndDate",
                        0, 0, "an assessment authorised the day after CINclosureDate"),
                   &Rule8565,
                   {}});
  defs->push_back({Info("8568", "RNFA flag is missing or invalid", "ReferralNFA", 0, 0, "ReferralNFA 'yes'"),
                   &Rule8568,
                   {}});
  defs->push_back({Info("8569Q",
                        "A case with referral date before one working day prior to the collection start date must not "
                        "be flagged as a no further action case",
                        "ReferralNFA", 0, 0, "ReferralNFA true on a referral of 2024-03-27 in the census from 2024-04-01"),
                   &Rule8569Q,
                   {}});
  defs->push_back({Info("8585Q",
                        "Please check and either amend or provide a reason: CIN episode shows Died as the Closure "
                        "Reason, however child has no recorded Date of Death",
                        "ReasonForClosure, PersonDeathDate", 0, 0, "ReasonForClosure RC2 and no PersonDeathDate"),
                   &Rule8585Q,
                   {}});
  defs->push_back({Info("8590", "Child does not have a recorded CIN episode.", "LAchildID", 0, 0,
                        "a child with no CINdetails"),
                   &Rule8590,
                   {}});
  defs->push_back({Info("8606", "Child referral date is more than 40 weeks before DOB or expected DOB",
                        "CINreferralDate, PersonBirthDate, ExpectedPersonBirthDate", 0, 0,
                        "CINreferralDate 281 days before the date of birth"),
                   &Rule8606,
                   {}});
  defs->push_back({Info("8608", "Assessment Start Date cannot be later than its End Date",
                        "AssessmentActualStartDate, AssessmentAuthorisationDate", 0, 0,
                        "AssessmentActualStartDate the day after AssessmentAuthorisationDate"),
                   &Rule8608,
                   {}});
  defs->push_back({Info("8610", "Primary Need code is missing for a referral which led to further action.",
                        "ReferralNFA, PrimaryNeedCode", 0, 0, "ReferralNFA false and no PrimaryNeedCode"),
                   &Rule8610,
                   {}});
}

}  // namespace carestat::validation
