// DfE rules (batch ssda903_rules_a): see model.h for how a rule is written and registered.
// SSDA903 rules 1000-1016 and 117-208: care leavers (OC3), adoption (AD1, PlacedAdoption),
// children looked after for 12 months (OC2) and what must agree with last year's return.
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

using Fields = std::span<const std::string_view>;

constexpr std::array<std::string_view, 3> kCareLeaver = {"IN_TOUCH", "ACTIV", "ACCOM"};
constexpr std::array<std::string_view, 6> kAdoption = {"DATE_INT",  "DATE_MATCH", "FOSTER_CARE",
                                                       "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};
// The OC2 items every child looked after for 12 months has, and those that follow from them.
constexpr std::array<std::string_view, 4> kOc2Core = {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                                                      "SUBSTANCE_MISUSE"};
constexpr std::array<std::string_view, 4> kOc2Other = {"CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED",
                                                       "INTERVENTION_OFFERED"};
constexpr std::array<std::string_view, 8> kOc2All = {"CONVICTED",         "HEALTH_CHECK",     "IMMUNISATIONS",
                                                     "TEETH_CHECK",       "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                                                     "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"};

bool Given(const Row* r, std::string_view field) { return r && !Blank(r->Get(field)); }

// The first of `fields` the row provides ("" when none).
std::string_view FirstGiven(const Row* r, Fields fields) {
  for (std::string_view f : fields) {
    if (Given(r, f)) return f;
  }
  return {};
}
// The first of `fields` the row leaves blank ("" when none).
std::string_view FirstBlank(const Row* r, Fields fields) {
  for (std::string_view f : fields) {
    if (!Given(r, f)) return f;
  }
  return {};
}

// The day a child born `dob` turns `years` (1 March for 29 February in other years, as AgeOn).
int32_t Birthday(int32_t dob, int years) {
  int y, m, d;
  CivilFromDays(dob, &y, &m, &d);
  if (!IsValidDate(y + years, m, d)) return DayNumber(y + years, 3, 1);
  return DayNumber(y + years, m, d);
}

bool ShortBreak(const Row* ep) { return OneOf(ep->Get("LS"), {"V3", "V4"}); }


const Row* Latest(const std::vector<const Row*>& eps) {
  auto sorted = InDateOrder(eps, "DECOM");
  return sorted.empty() ? nullptr : sorted.back();
}
const Row* Earliest(const std::vector<const Row*>& eps) {
  auto sorted = InDateOrder(eps, "DECOM");
  return sorted.empty() ? nullptr : sorted.front();
}

// Whether an episode is open at some point of the collection year (an open one runs on).
bool DuringYear(const Context& ctx, const Row* ep) {
  auto decom = Day(ep, "DECOM");
  if (!decom || *decom > ctx.period_end) return false;
  if (Blank(ep->Get("DEC"))) return true;
  auto dec = Day(ep, "DEC");
  return dec && *dec >= ctx.period_start;
}

// DfE's "looked after continuously for 12 months at 31 March": looked after in the year,
// from its first day (no first episode after 1 April, whatever its RNE), and no episode
// that starts the child's care within it (RNE S after 1 April), ends it (a DEC in the year
// whose REC is not X1) or is a short break (V3, V4) in it.
bool ContinuouslyLookedAfter(const Context& ctx, const ChildData& child) {
  if (!ctx.period_end) return false;
  if (auto first = Day(Earliest(child.Rows("Episodes")), "DECOM"); first && *first > ctx.period_start) return false;
  bool in_year = false;
  for (const Row* ep : child.Rows("Episodes")) {
    const bool during = DuringYear(ctx, ep);
    in_year = in_year || during;
    auto decom = Day(ep, "DECOM");
    auto dec = Day(ep, "DEC");
    if (ep->Get("RNE") == "S" && decom && *decom > ctx.period_start && *decom <= ctx.period_end) return false;
    if (ep->Get("REC") != "X1" && dec && *dec >= ctx.period_start && *dec <= ctx.period_end) return false;
    if (ShortBreak(ep) && during) return false;
  }
  return in_year;
}

// Flags each OC3 row of the child that has care leaver information, on its first item.
bool FlagCareLeaverInfo(const ChildData& child, Hits& hits) {
  bool any = false;
  for (const Row* r : child.Rows("OC3")) {
    std::string_view f = FirstGiven(r, kCareLeaver);
    if (f.empty()) continue;
    hits.Add(r, f);
    any = true;
  }
  return any;
}

bool HasCareLeaverInfo(const ChildData& child) {
  for (const Row* r : child.Rows("OC3")) {
    if (!FirstGiven(r, kCareLeaver).empty()) return true;
  }
  return false;
}

// The child's date of birth: the row's own DOB, else the Header's.
std::optional<int32_t> DobOf(const ChildData& child, const Row* r) {
  if (auto d = Day(r, "DOB")) return d;
  return Day(child.First("Header"), "DOB");
}

// 1000: died in care (REC E2, this year or last) but care leaver information completed.
void Rule1000(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.HasTable("OC3")) return;
  bool died = false;
  for (std::string_view t : {"Episodes", "Episodes_last", "Episodes_history"}) {
    for (const Row* ep : child.Rows(t)) died = died || ep->Get("REC") == "E2";
  }
  if (died) FlagCareLeaverInfo(child, hits);
}

// 1001: care leaver information for a young person whose episodes (this year's and last
// year's) do not make them a relevant child: 13 weeks looked after since their 14th
// birthday, some of it after their 16th; or whose last episode ended in adoption.
void Rule1001(const Context& ctx, const ChildData& child, Hits& hits) {
  for (std::string_view t : {"Episodes", "OC3", "Header", "Episodes_last"}) {
    if (!ctx.HasTable(t)) return;
  }
  if (!ctx.period_end || !HasCareLeaverInfo(child)) return;
  auto dob = Day(child.First("Header"), "DOB");
  if (!dob || Birthday(*dob, 20) <= ctx.period_end) return;  // too old for two years to show it
  // This year's episodes, last year's and any earlier year's the caller holds
  // (Episodes_history), one per start date (the one that has ended).
  std::vector<const Row*> eps;
  for (std::string_view t : {"Episodes", "Episodes_last", "Episodes_history"}) {
    for (const Row* ep : child.Rows(t)) {
      auto decom = Day(ep, "DECOM");
      if (!decom) continue;
      auto same = std::find_if(eps.begin(), eps.end(), [&](const Row* e) { return Day(e, "DECOM") == decom; });
      if (same == eps.end()) {
        eps.push_back(ep);
      } else if (!Day(*same, "DEC") && Day(ep, "DEC")) {
        *same = ep;
      }
    }
  }
  eps = InDateOrder(eps, "DECOM");
  bool relevant = false;
  if (!eps.empty()) {
    const Row* last = eps.back();
    const bool adopted = OneOf(last->Get("REC"), {"E11", "E12"});
    const int32_t b14 = Birthday(*dob, 14), b16 = Birthday(*dob, 16);
    int64_t since14 = 0, since16 = 0;
    for (const Row* ep : eps) {
      if (ShortBreak(ep)) continue;
      auto dec = Day(ep, "DEC");
      if (!dec && ep == last) dec = ctx.period_end;
      if (!dec) continue;
      const int32_t decom = *Day(ep, "DECOM");
      since14 += std::max<int32_t>(0, *dec - std::max(decom, b14));
      since16 += std::max<int32_t>(0, *dec - std::max(decom, b16));
    }
    relevant = !adopted && since14 >= 91 && since16 >= 1;
  }
  if (!relevant) FlagCareLeaverInfo(child, hits);
}

// 1002: care leaver information but no episode this year or last (or, where the caller
// holds earlier years' episodes as Episodes_history, in any year held: DfE checks the
// child's whole history; two years alone flag every care leaver who left care before).
void Rule1002(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.HasTable("OC3") || !ctx.HasTable("Episodes_last")) return;
  if (child.Rows("Episodes").empty() && child.Rows("Episodes_last").empty() &&
      child.Rows("Episodes_history").empty()) {
    FlagCareLeaverInfo(child, hits);
  }
}

// 1003: placed for adoption (DATE_PLACED) before the first episode that started care (RNE S).
void Rule1003(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* first = nullptr;
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM")) {
    if (ep->Get("RNE") == "S") {
      first = ep;
      break;
    }
  }
  if (!first) return;
  const int32_t decom = *Day(first, "DECOM");
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    auto placed = Day(pa, "DATE_PLACED");
    if (placed && *placed < decom) {
      hits.Add(first, "DECOM");
      hits.Add(pa, "DATE_PLACED", ShowDay(ctx, *placed));
    }
  }
}

// 1007: care leaver information for a 17- or 18-year-old looked after on that birthday.
void Rule1007(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    std::string_view f = FirstGiven(oc3, kCareLeaver);
    auto dob = DobOf(child, oc3);
    if (f.empty() || !dob) continue;
    const int age = AgeOn(*dob, ctx.period_end);
    if (age != 17 && age != 18) continue;
    const int32_t bday = Birthday(*dob, age);
    bool in_care = false;
    for (const Row* ep : child.Rows("Episodes")) {
      auto decom = Day(ep, "DECOM");
      auto dec = Day(ep, "DEC");
      if (!decom || *decom > bday) continue;
      in_care = in_care || Blank(ep->Get("DEC")) || (dec && *dec > bday);
    }
    if (in_care) hits.Add(oc3, f);
  }
}

// 1010: care leaver information, no episode this year, but last year's last episode open.
void Rule1010(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.HasTable("OC3") || !ctx.HasTable("Episodes_last")) return;
  if (!child.Rows("Episodes").empty()) return;
  const Row* last = Latest(child.Rows("Episodes_last"));
  if (last && Blank(last->Get("DEC"))) FlagCareLeaverInfo(child, hits);
}

// 1011: care leaver information though the final episode ended in transfer to another LA.
void Rule1011(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = Latest(child.Rows("Episodes"));
  if (last && last->Get("REC") == "E3") FlagCareLeaverInfo(child, hits);
}

// 1012: a child with no episode this year has rows in tables about this year's care.
void Rule1012(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !child.Rows("Episodes").empty()) return;
  for (std::string_view t : {"PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2"}) {
    for (const Row* r : child.Rows(t)) hits.Add(r, "CHILD", std::string(t) + " given");
  }
}

// 1014: a care leaver (no episode open in the year) with UASC information.
void Rule1014(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("UASC") || !ctx.HasTable("Episodes") || !ctx.HasTable("OC3") || !ctx.period_end) return;
  if (child.Rows("UASC").empty() || !HasCareLeaverInfo(child)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (DuringYear(ctx, ep)) return;
  }
  for (const Row* u : child.Rows("UASC")) hits.Add(u, "DUC");
  FlagCareLeaverInfo(child, hits);
}

// 1016: care leaver information for a 17- or 18-year-old whose episode ended after that birthday.
void Rule1016(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    std::string_view f = FirstGiven(oc3, kCareLeaver);
    auto dob = DobOf(child, oc3);
    if (f.empty() || !dob) continue;
    const int age = AgeOn(*dob, ctx.period_end);
    if (age != 17 && age != 18) continue;
    const int32_t bday = Birthday(*dob, age);
    for (const Row* ep : child.Rows("Episodes")) {
      auto dec = Day(ep, "DEC");
      if (dec && *dec >= bday) {
        hits.Add(oc3, f);
        break;
      }
    }
  }
}

// 117: DATE_PLACED / DATE_PLACED_CEASED after the year's end or the DEC of the latest
// episode whose REC is not X1.
void Rule117(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end) return;
  std::vector<const Row*> ended;
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("REC") != "X1") ended.push_back(ep);
  }
  const Row* last = Latest(ended);
  auto dec = Day(last, "DEC");
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    for (std::string_view f : {"DATE_PLACED", "DATE_PLACED_CEASED"}) {
      auto d = Day(pa, f);
      if (!d) continue;
      if (*d > ctx.period_end || (dec && *d > *dec)) {
        hits.Add(pa, f, ShowDay(ctx, *d));
        if (last) hits.Add(last, "DEC");
      }
    }
  }
}

// 118: DATE_PLACED_CEASED before the year began or before the first episode that is not a
// short break.
void Rule118(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end) return;
  const Row* first = nullptr;
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM")) {
    if (!ShortBreak(ep)) {
      first = ep;
      break;
    }
  }
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    auto ceased = Day(pa, "DATE_PLACED_CEASED");
    if (!ceased) continue;
    if (*ceased < ctx.period_start || (first && *ceased < *Day(first, "DECOM"))) {
      hits.Add(pa, "DATE_PLACED_CEASED", ShowDay(ctx, *ceased));
      if (first) hits.Add(first, "DECOM");
    }
  }
}

// 134: adoption data (AD1) for a child with care leaver information (OC3).
void Rule134(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasCareLeaverInfo(child)) return;
  for (const Row* ad : child.Rows("AD1")) {
    std::string_view f = FirstGiven(ad, kAdoption);
    if (!f.empty()) hits.Add(ad, f);
  }
}

// 151: AD1 items all given or all blank.
void Rule151(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ad : child.Rows("AD1")) {
    std::string_view blank = FirstBlank(ad, kAdoption);
    if (!blank.empty() && !FirstGiven(ad, kAdoption).empty()) hits.Add(ad, blank, "blank");
  }
}

// 153: OC3 items all given or all blank.
void Rule153(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("OC3")) {
    std::string_view blank = FirstBlank(r, kCareLeaver);
    if (!blank.empty() && !FirstGiven(r, kCareLeaver).empty()) hits.Add(r, blank, "blank");
  }
}

// 157: SDQ1 as the reason for no SDQ score for a child looked after for 12 months aged 4
// or over at the start of the year and 16 or under at its end.
void Rule157(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    auto dob = Day(oc2, "DOB");
    if (!dob || Birthday(*dob, 4) > ctx.period_start || Birthday(*dob, 17) <= ctx.period_end) continue;
    if (!Given(oc2, "SDQ_SCORE") && oc2->Get("SDQ_REASON") == "SDQ1") hits.Add(oc2, "SDQ_REASON", "SDQ1");
  }
}

// 158: intervention received (1) but whether one was offered given.
void Rule158(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    if (oc2->Get("INTERVENTION_RECEIVED") == "1" && Given(oc2, "INTERVENTION_OFFERED")) {
      hits.Add(oc2, "INTERVENTION_OFFERED");
    }
  }
}

// 159: substance misuse (1), no intervention received (0), and offered left blank.
void Rule159(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    if (oc2->Get("SUBSTANCE_MISUSE") == "1" && oc2->Get("INTERVENTION_RECEIVED") == "0" &&
        !Given(oc2, "INTERVENTION_OFFERED")) {
      hits.Add(oc2, "INTERVENTION_OFFERED", "blank");
    }
  }
}

// SEX: 1/2 up to 2023-24, M/F from 2024-25 (collection year 2025; year 0: the latest).
bool Male(const Context& ctx, std::string_view sex) { return ctx.year && ctx.year <= 2024 ? sex == "1" : sex == "M"; }
bool Female(const Context& ctx, std::string_view sex) { return ctx.year && ctx.year <= 2024 ? sex == "2" : sex == "F"; }

// 165: MOTHER, when given, is 0 or 1 and the child female; a female child has it unless
// she is a care leaver with no episode in the year (short breaks aside), or has only short
// breaks (V3, V4): D2I drops those episodes, and rule 399 forbids MOTHER for such a child.
void Rule165(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end) return;
  const Row* h = child.First("Header");
  if (!h) return;
  const std::string& mother = h->Get("MOTHER");
  const std::string& sex = h->Get("SEX");
  if (!Blank(mother)) {
    if (!OneOf(mother, {"0", "1"})) {
      hits.Add(h, "MOTHER", "code " + mother);
    } else if (Male(ctx, sex)) {
      hits.Add(h, "MOTHER", "given for a male child");
    }
    return;
  }
  if (!Female(ctx, sex)) return;
  bool in_year = false, short_breaks_only = !child.Rows("Episodes").empty();
  for (const Row* ep : child.Rows("Episodes")) {
    in_year = in_year || (!ShortBreak(ep) && DuringYear(ctx, ep));
    short_breaks_only = short_breaks_only && ShortBreak(ep);
  }
  if (in_year || (!HasCareLeaverInfo(child) && !short_breaks_only)) hits.Add(h, "MOTHER", "blank");
}

// 171: MC_DOB given but not a date.
void Rule171(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    if (Given(h, "MC_DOB") && !Day(h, "MC_DOB")) hits.Add(h, "MC_DOB");
  }
}

// 174: MC_DOB given for a male child.
void Rule174(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    if (Male(ctx, h->Get("SEX")) && Given(h, "MC_DOB")) hits.Add(h, "MC_DOB");
  }
}

// 182: some OC2 items given but one of the four every such child has left blank.
void Rule182(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    std::string_view blank = FirstBlank(oc2, kOc2Core);
    if (!blank.empty() && !FirstGiven(oc2, kOc2Other).empty()) hits.Add(oc2, blank, "blank");
  }
}

// 184: DATE_PLACED before the child's date of birth.
void Rule184(const Context& ctx, const ChildData& child, Hits& hits) {
  auto dob = Day(child.First("Header"), "DOB");
  if (!dob) return;
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    auto placed = Day(pa, "DATE_PLACED");
    if (placed && *placed < *dob) hits.Add(pa, "DATE_PLACED", ShowDay(ctx, *placed) + ", before the date of birth");
  }
}

// 185: an SDQ score for a child not looked after for 12 months.
void Rule185(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end || ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    if (Given(oc2, "SDQ_SCORE")) hits.Add(oc2, "SDQ_SCORE");
  }
}

// 186: no SDQ score nor reason for a child looked after for 12 months, 4 or over at the
// start of the year and under 17 at its end.
void Rule186(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    auto dob = Day(oc2, "DOB");
    if (!dob || Birthday(*dob, 4) > ctx.period_start || Birthday(*dob, 17) <= ctx.period_end) continue;
    if (!Given(oc2, "SDQ_SCORE") && !Given(oc2, "SDQ_REASON")) hits.Add(oc2, "SDQ_SCORE", "blank");
  }
}

// 187: adoption (AD1) or care leaver (OC3) data for a child looked after for 12 months.
void Rule187(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* ad : child.Rows("AD1")) {
    std::string_view f = FirstGiven(ad, kAdoption);
    if (!f.empty()) hits.Add(ad, f);
  }
  FlagCareLeaverInfo(child, hits);
}

// 188: an SDQ score or reason for a child under 4 at the end of the year.
void Rule188(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    auto dob = Day(oc2, "DOB");
    if (!dob || Birthday(*dob, 4) <= ctx.period_end) continue;
    std::string_view f = FirstGiven(oc2, std::array<std::string_view, 2>{"SDQ_SCORE", "SDQ_REASON"});
    if (!f.empty()) hits.Add(oc2, f);
  }
}

// 189: an SDQ score or reason for a child 17 or over at the start of the year.
void Rule189(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    auto dob = Day(oc2, "DOB");
    if (!dob || Birthday(*dob, 17) > ctx.period_start) continue;
    std::string_view f = FirstGiven(oc2, std::array<std::string_view, 2>{"SDQ_SCORE", "SDQ_REASON"});
    if (!f.empty()) hits.Add(oc2, f);
  }
}

// 190: OC2 items for a child not looked after for 12 months.
void Rule190(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end || ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    std::string_view f = FirstGiven(oc2, kOc2All);
    if (!f.empty()) hits.Add(oc2, f);
  }
}

// 191: a child looked after for 12 months without the four OC2 items (or no OC2 row).
void Rule191(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.HasTable("OC2") || !ContinuouslyLookedAfter(ctx, child)) return;
  const auto& oc2s = child.Rows("OC2");
  if (oc2s.empty()) {
    auto eps = InDateOrder(child.Rows("Episodes"), "DECOM");
    if (!eps.empty()) hits.Add(eps.front(), "CHILD", "no OC2 row");
    return;
  }
  for (const Row* oc2 : oc2s) {
    std::string_view blank = FirstBlank(oc2, kOc2Core);
    if (!blank.empty()) hits.Add(oc2, blank, "blank");
  }
}

// 192: substance misuse (1) but whether an intervention was received left blank.
void Rule192(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    if (oc2->Get("SUBSTANCE_MISUSE") == "1" && !Given(oc2, "INTERVENTION_RECEIVED")) {
      hits.Add(oc2, "INTERVENTION_RECEIVED", "blank");
    }
  }
}

// 193: no substance misuse (0 or blank) but an intervention received or offered given.
void Rule193(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    if (Given(oc2, "SUBSTANCE_MISUSE") && oc2->Get("SUBSTANCE_MISUSE") != "0") continue;
    std::string_view f =
        FirstGiven(oc2, std::array<std::string_view, 2>{"INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"});
    if (!f.empty()) hits.Add(oc2, f);
  }
}

// 197B: no SDQ score nor reason for a child looked after for 12 months who turned 4 or 17
// in the year.
void Rule197B(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ContinuouslyLookedAfter(ctx, child)) return;
  auto in_year = [&](int32_t d) { return d >= ctx.period_start && d <= ctx.period_end; };
  for (const Row* oc2 : child.Rows("OC2")) {
    auto dob = Day(oc2, "DOB");
    if (!dob || !(in_year(Birthday(*dob, 4)) || in_year(Birthday(*dob, 17)))) continue;
    if (!Given(oc2, "SDQ_SCORE") && !Given(oc2, "SDQ_REASON")) hits.Add(oc2, "SDQ_REASON", "blank");
  }
}

// 197a: both an SDQ score and a reason for no score.
void Rule197a(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* oc2 : child.Rows("OC2")) {
    if (Given(oc2, "SDQ_SCORE") && Given(oc2, "SDQ_REASON")) hits.Add(oc2, "SDQ_REASON");
  }
}

// 198: a reason for no SDQ score for a child not looked after for 12 months.
void Rule198(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.period_end || ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* oc2 : child.Rows("OC2")) {
    if (Given(oc2, "SDQ_REASON")) hits.Add(oc2, "SDQ_REASON");
  }
}

// 199: an episode this year after the child was adopted (REC E11/E12), this year or last;
// the episode that ends in the adoption is not itself flagged.
void Rule199(const Context& ctx, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = child.Rows("Episodes");
  for (const Row* ep : child.Rows("Episodes_last")) {
    auto decom = Day(ep, "DECOM");
    bool again = std::any_of(child.Rows("Episodes").begin(), child.Rows("Episodes").end(),
                             [&](const Row* e) { return Day(e, "DECOM") == decom; });
    if (!again) eps.push_back(ep);
  }
  int adoptions = 0;
  for (const Row* ep : InDateOrder(eps, "DECOM")) {
    const bool adoption = OneOf(ep->Get("REC"), {"E11", "E12"});
    const bool flagged = adoptions > 0;
    if (adoption) ++adoptions;
    if (flagged && ep->table == "Episodes") hits.Add(ep, "CHILD", "an episode after adoption");
  }
}

const Row* LastYear(const ChildData& child) { return child.First("Header_last"); }

// 202: SEX differs from last year's (1/2 and M/F the same sex across the 2024-25 change).
std::string SexMeaning(std::string_view sex) {
  if (sex == "1") return "M";
  if (sex == "2") return "F";
  return std::string(sex);
}
void Rule202(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = LastYear(child);
  if (!last) return;
  for (const Row* h : child.Rows("Header")) {
    if (SexMeaning(h->Get("SEX")) != SexMeaning(last->Get("SEX"))) hits.Add(h, "SEX", "was " + last->Get("SEX"));
  }
}

// 203: DOB differs from last year's.
void Rule203(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = LastYear(child);
  if (!last) return;
  for (const Row* h : child.Rows("Header")) {
    if (Day(h, "DOB") != Day(last, "DOB")) hits.Add(h, "DOB");
  }
}

// 204: ETHNIC differs from last year's.
void Rule204(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = LastYear(child);
  if (!last) return;
  for (const Row* h : child.Rows("Header")) {
    if (Upper(h->Get("ETHNIC")) != Upper(last->Get("ETHNIC"))) hits.Add(h, "ETHNIC", "was " + last->Get("ETHNIC"));
  }
}

// Whether the child is UASC in one year's return: the XML Header's UASC, else whether the
// child has a row in that year's UASC table; nullopt when neither is known.
std::optional<bool> UascIn(const Context& ctx, const ChildData& child, std::string_view header, std::string_view uasc) {
  const Row* h = child.First(header);
  if (h && h->Has("UASC")) return h->Get("UASC") == "1";
  if (ctx.HasTable(uasc)) return !child.Rows(uasc).empty();
  return std::nullopt;
}

struct UascYears {
  std::optional<bool> now, before;
  std::optional<int32_t> duc, duc_last;
};
UascYears UascOf(const Context& ctx, const ChildData& child) {
  UascYears u;
  u.now = UascIn(ctx, child, "Header", "UASC");
  u.before = UascIn(ctx, child, "Header_last", "UASC_last");
  u.duc = Day(child.First("UASC"), "DUC");
  u.duc_last = Day(child.First("UASC_last"), "DUC");
  return u;
}

void FlagUasc(const ChildData& child, Hits& hits, std::string_view uasc_field, std::string detail = "") {
  if (const Row* h = child.First("Header")) hits.Add(h, "UASC", detail);
  for (const Row* u : child.Rows("UASC")) hits.Add(u, uasc_field, detail);
}

// 205A: UASC last year, not this year: last year's DUC must lie in last year, and this
// year has no DUC.
void Rule205A(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("UASC") || !ctx.HasTable("UASC_last") || !ctx.period_end) return;
  if (!child.First("Header") && !child.First("UASC")) return;
  UascYears u = UascOf(ctx, child);
  if (!u.now || !u.before || *u.now || !*u.before) return;
  const int32_t start_last = AddMonths(ctx.period_start, -12), end_last = AddMonths(ctx.period_end, -12);
  const bool ceased_last_year = u.duc_last && *u.duc_last >= start_last && *u.duc_last <= end_last;
  if (u.duc || !ceased_last_year) FlagUasc(child, hits, "CHILD");
}

// 205B: UASC both years: last year's DUC is the 18th birthday, and this year's DUC lies in
// this year or is last year's.
void Rule205B(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("UASC") || !ctx.HasTable("UASC_last") || !ctx.period_end) return;
  if (!child.First("UASC")) return;
  UascYears u = UascOf(ctx, child);
  if (!u.now || !u.before || !*u.now || !*u.before) return;
  std::optional<int32_t> dob = Day(child.First("UASC_last"), "DOB");
  if (!dob) dob = Day(child.First("Header_last"), "DOB");
  if (!dob) dob = DobOf(child, child.First("UASC"));
  const bool last_is_18th = u.duc_last && dob && *u.duc_last == Birthday(*dob, 18);
  const bool now_in_year = u.duc && *u.duc >= ctx.period_start && *u.duc <= ctx.period_end;
  const bool now_as_last = u.duc && u.duc_last && *u.duc == *u.duc_last;
  if (!last_is_18th || (!now_in_year && !now_as_last)) FlagUasc(child, hits, "DUC");
}

// 205C: UASC in neither year but a DUC given (this year or last).
void Rule205C(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("UASC") || !ctx.HasTable("UASC_last")) return;
  if (!child.First("UASC")) return;
  UascYears u = UascOf(ctx, child);
  if (u.now.value_or(false) || u.before.value_or(false)) return;
  if (u.duc || u.duc_last) FlagUasc(child, hits, "DUC");
}

// 205D: UASC this year, in last year's return but not UASC there.
void Rule205D(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!child.First("Header_last")) return;
  UascYears u = UascOf(ctx, child);
  if (!u.now || !u.before || !*u.now || *u.before) return;
  if (const Row* h = child.First("Header")) {
    hits.Add(h, "UASC");
  } else {
    for (const Row* r : child.Rows("UASC")) hits.Add(r, "CHILD");
  }
}

// 207: MOTHER 1 last year but not this year, for a child with episodes this year.
void Rule207(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = LastYear(child);
  if (!ctx.HasTable("Episodes") || !last || child.Rows("Episodes").empty()) return;
  if (last->Get("MOTHER") != "1") return;
  for (const Row* h : child.Rows("Header")) {
    if (h->Get("MOTHER") != "1") hits.Add(h, "MOTHER", Blank(h->Get("MOTHER")) ? "blank" : "code " + h->Get("MOTHER"));
  }
}

// 208: UPN differs from last year's, other than from unknown to known, from blank or UN1 to
// UN2-UN5, or from blank to UN1.
void Rule208(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* last = LastYear(child);
  if (!last) return;
  const std::string before = Upper(last->Get("UPN"));
  auto unknown = [](const std::string& u) { return OneOf(u, {"UN1", "UN2", "UN3", "UN4", "UN5"}); };
  for (const Row* h : child.Rows("Header")) {
    const std::string now = Upper(h->Get("UPN"));
    if (now == before) continue;
    const bool to_known = (before.empty() || unknown(before)) && !now.empty() && !unknown(now);
    const bool to_later_unknown = (before.empty() || before == "UN1") && OneOf(now, {"UN2", "UN3", "UN4", "UN5"});
    const bool blank_to_un1 = before.empty() && now == "UN1";
    if (!to_known && !to_later_unknown && !blank_to_un1) hits.Add(h, "UPN");
  }
}

constexpr auto E = RuleSeverity::kError;

}  // namespace

void AddSsda903RulesA(std::vector<RuleDef>* defs) {
  auto add = [&](std::string_view code, std::string_view message, std::string_view fields, int from, int to,
                 std::string_view example, ChildRuleFn fn) {
    defs->push_back({RuleInfo{code, "ssda903", E, message, fields, from, to, example, "DfE"}, fn, {}});
  };
  add("1000",
      "This child is recorded as having died in care and therefore should not have the care leaver information "
      "completed. [NOTE: This only tests the current and previous year data loaded into the tool]",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "an episode ended REC 'E2' and OC3 IN_TOUCH 'YES'", &Rule1000);
  add("1001",
      "The episodes recorded for this young person suggest they are not a relevant or a former relevant child and "
      "therefore should not have care leaver information completed. [NOTE: This tool can only test the current "
      "and previous year data loaded into the tool - this check may generate false positives if a child had "
      "episodes prior to last year's collection.]",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 completed for a child looked after only 30 days after turning 14",
      &Rule1001);
  add("1002",
      "This child has no previous episodes of care, therefore should not have care leaver information recorded. "
      "[NOTE: This tool can only test the current and previous year data loaded into the tool - this check may "
      "generate false positives if a child had episodes prior to last year's collection.]",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 completed for a child with no episode this year or last", &Rule1002);
  add("1003",
      "Date of LA's decision that a child should be placed for adoption is before the child started to be looked "
      "after.",
      "DATE_PLACED, DECOM, RNE", 0, 0, "DATE_PLACED 01/05/2024 before the RNE 'S' episode's DECOM 01/06/2024",
      &Rule1003);
  add("1007",
      "Care leaver information is not required for 17- or 18-year olds who are still looked after [on their 17th "
      "or 18th birthday.]",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 completed for a 17-year-old whose episode was open on that birthday",
      &Rule1007);
  add("1010",
      "This child has no episodes loaded for current year even though there was an open episode of care at the "
      "end of the previous year, and care leaver data has been entered.",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 completed, no episode this year, last year's last episode open",
      &Rule1010);
  add("1011",
      "This child is recorded as having his/her care transferred to another local authority for the final "
      "episode and therefore should not have the care leaver information completed.",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 completed and the last episode's REC is 'E3'", &Rule1011);
  add("1012", "No other data should be returned for OC3 children who had no episodes in the current year", "CHILD",
      0, 0, "a Reviews row for a child with no episode this year", &Rule1012);
  add("1014", "UASC information is not required for care leavers", "ACTIV, ACCOM, IN_TOUCH, DUC", 0, 0,
      "a UASC row and OC3 completed for a child with no episode in the year", &Rule1014);
  add("1016",
      "Care leaver information is not required for 17- or 18-year olds who cease to be looked after, after their "
      "birthday.",
      "IN_TOUCH, ACTIV, ACCOM", 2024, 0, "OC3 completed for a 17-year-old whose episode ended after that birthday",
      &Rule1016);
  add("117",
      "Date of decision that a child should/should no longer be placed for adoption is beyond the current "
      "collection year or after the child ceased to be looked after.",
      "DATE_PLACED_CEASED, DATE_PLACED, DEC, REC, DECOM", 0, 0, "DATE_PLACED 01/04/2025 in the 2024-25 return",
      &Rule117);
  add("118",
      "Date of decision that a child should no longer be placed for adoption is before the current collection "
      "year or before the date the child started to be looked after.",
      "DATE_PLACED_CEASED, DECOM, LS", 0, 0, "DATE_PLACED_CEASED 31/03/2024 in the 2024-25 return", &Rule118);
  add("134", "Data on adoption should not be entered for the OC3 cohort.",
      "IN_TOUCH, ACTIV, ACCOM, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR", 0, 0,
      "AD1 DATE_INT given for a child with OC3 completed", &Rule134);
  add("151", "All data items relating to a childs adoption must be coded or left blank.",
      "DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR", 0, 0,
      "AD1 with DATE_INT given and FOSTER_CARE blank", &Rule151);
  add("153",
      "All data items relating to a child's activity or accommodation after leaving care must be coded or left "
      "blank.",
      "IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 with IN_TOUCH given and ACCOM blank", &Rule153);
  add("157",
      "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end of the year and "
      "Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the reason for no Strengths and "
      "Difficulties Questionnaire (SDQ) score.",
      "SDQ_REASON, DOB", 0, 0, "SDQ_REASON 'SDQ1' for a 10-year-old looked after all year", &Rule157);
  add("158",
      "If a child has been recorded as receiving an intervention for their substance misuse problem, then the "
      "additional item on whether an intervention was offered should be left blank.",
      "INTERVENTION_RECEIVED, INTERVENTION_OFFERED", 0, 0, "INTERVENTION_RECEIVED '1' and INTERVENTION_OFFERED '0'",
      &Rule158);
  add("159",
      "If a child has been recorded as not receiving an intervention for their substance misuse problem, then the "
      "additional item on whether an intervention was offered should be completed as well.",
      "SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED", 0, 0,
      "SUBSTANCE_MISUSE '1', INTERVENTION_RECEIVED '0', INTERVENTION_OFFERED blank", &Rule159);
  add("165", "Data entry for mother status is invalid.", "MOTHER, SEX, ACTIV, ACCOM, IN_TOUCH, DECOM", 0, 0,
      "MOTHER '1' for a male child", &Rule165);
  add("171", "Date of birth of mother's child is not a valid date.", "MC_DOB", 0, 0, "MC_DOB '31/02/2024'",
      &Rule171);
  add("174", "Mother's child date of birth is recorded but gender shows that the child is a male.", "SEX, MC_DOB",
      0, 2024, "MC_DOB given and SEX '1'", &Rule174);
  add("174", "Mother's child date of birth is recorded but sex shows that the child is a male.", "SEX, MC_DOB",
      2025, 0, "MC_DOB given and SEX 'M'", &Rule174);
  add("182",
      "Data entries on immunisations, teeth checks, health assessments and substance misuse problem identified "
      "should be completed or all OC2 fields should be left blank.",
      "IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, CONVICTED, HEALTH_CHECK, "
      "INTERVENTION_RECEIVED, INTERVENTION_OFFERED",
      0, 0, "OC2 CONVICTED given and TEETH_CHECK blank", &Rule182);
  add("184", "Date of decision that a child should be placed for adoption is before the child was born.",
      "DATE_PLACED, DOB", 0, 0, "DATE_PLACED the day before the date of birth", &Rule184);
  add("185",
      "Child has not been looked after continuously for at least 12 months at 31 March but a Strengths and "
      "Difficulties (SDQ) score has been completed.",
      "SDQ_SCORE", 0, 0, "an SDQ score for a child who started care in June", &Rule185);
  add("186",
      "Children aged 4 or over at the start of the year and children aged under 17 at the end of the year and who "
      "have been looked after for at least 12 months continuously should have a Strengths and Difficulties (SDQ) "
      "score completed.",
      "SDQ_SCORE", 0, 0, "no SDQ score nor reason for a 10-year-old looked after all year", &Rule186);
  add("187",
      "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of adoption or care "
      "leavers returns completed.",
      "DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR, IN_TOUCH, ACTIV, ACCOM", 0, 0,
      "OC3 completed for a child looked after all year", &Rule187);
  add("188",
      "Child is aged under 4 years at the end of the year, but a Strengths and Difficulties (SDQ) score or a reason "
      "for no SDQ score has been completed.",
      "SDQ_SCORE, SDQ_REASON", 0, 0, "an SDQ score for a 3-year-old", &Rule188);
  add("189",
      "Child is aged 17 years or over at the beginning of the year, but an Strengths and Difficulties (SDQ) score "
      "or a reason for no Strengths and Difficulties (SDQ) score has been completed.",
      "DOB, SDQ_SCORE, SDQ_REASON", 0, 0, "an SDQ score for a child who turned 17 on 1 April", &Rule189);
  add("190",
      "Child has not been looked after continuously for at least 12 months at 31 March but one or more data items "
      "relating to children looked after for 12 months have been completed.",
      "CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, "
      "INTERVENTION_RECEIVED, INTERVENTION_OFFERED",
      0, 0, "OC2 IMMUNISATIONS given for a child who started care in June", &Rule190);
  add("191",
      "Child has been looked after continuously for at least 12 months at 31 March but one or more data items "
      "relating to children looked after for 12 months have been left blank.",
      "IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, CHILD", 0, 0,
      "OC2 TEETH_CHECK blank for a child looked after all year", &Rule191);
  add("192",
      "Child has been identified as having a substance misuse problem but the additional item on whether an "
      "intervention was received has been left blank.",
      "SUBSTANCE_MISUSE, INTERVENTION_RECEIVED", 0, 0, "SUBSTANCE_MISUSE '1' and INTERVENTION_RECEIVED blank",
      &Rule192);
  add("193",
      "Child not identified as having a substance misuse problem but at least one of the two additional items on "
      "whether an intervention were offered and received have been completed.",
      "SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED", 0, 0,
      "SUBSTANCE_MISUSE '0' and INTERVENTION_OFFERED '1'", &Rule193);
  add("197B", "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.", "SDQ_REASON, DOB", 0, 0,
      "no SDQ score nor reason for a child looked after all year who turned 4 in it", &Rule197B);
  add("197a",
      "Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths and Difficulties "
      "Questionnaire score is filled in.",
      "SDQ_SCORE, SDQ_REASON", 0, 0, "SDQ_SCORE '20' and SDQ_REASON 'SDQ1'", &Rule197a);
  add("198",
      "Child has not been looked after continuously for at least 12 months at 31 March but a reason for no "
      "Strengths and Difficulties (SDQ) score has been completed.",
      "SDQ_REASON", 0, 0, "SDQ_REASON 'SDQ2' for a child who started care in June", &Rule198);
  add("199",
      "Episode information shows child has been previously adopted from care. [NOTE: This only tests the current "
      "and previous year data loaded into the tool]",
      "CHILD", 0, 0, "an episode starting after one that ended REC 'E11'", &Rule199);
  add("202", "The gender code conflicts with the gender already recorded for this child.", "SEX", 0, 0,
      "SEX 'F' this year, 'M' in last year's return", &Rule202);
  add("203", "Date of birth disagrees with the date of birth already recorded for this child.", "DOB", 0, 0,
      "a date of birth one day from last year's", &Rule203);
  add("204", "Ethnic origin code disagrees with the ethnic origin already recorded for this child.", "ETHNIC", 0, 0,
      "ETHNIC 'WBRI' this year, 'WIRI' last year", &Rule204);
  add("205A",
      "Child identified as UASC last year is no longer UASC this year, but date UASC ceased in both years does not "
      "support this.",
      "CHILD, UASC", 0, 0, "UASC last year, not this year, last year's DUC blank", &Rule205A);
  add("205B",
      "Child previously identified as UASC is also UASC this year, but date UASC ceased in both years does not "
      "support this.",
      "DUC, UASC", 0, 0, "UASC both years, last year's DUC not the 18th birthday", &Rule205B);
  add("205C", "Child not identified as UASC either this year or last year but date UASC ceased has been provided.",
      "DUC, UASC", 0, 0, "UASC '0' both years with a DUC given", &Rule205C);
  add("205D",
      "Child identified as UASC this year but not identified as UASC status provided for the child last year.",
      "UASC, CHILD", 0, 0, "UASC '1' this year, '0' in last year's return", &Rule205D);
  add("207",
      "Mother status for the current year disagrees with the mother status already recorded for this child.",
      "MOTHER", 0, 0, "MOTHER '1' last year, '0' this year", &Rule207);
  add("208",
      "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number (UPN) already "
      "recorded for this child.",
      "UPN", 0, 0, "a UPN other than last year's", &Rule208);
}

}  // namespace carestat::validation
