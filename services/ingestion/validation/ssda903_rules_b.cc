// DfE rules (batch ssda903_rules_b): see model.h for how a rule is written and registered.
// SSDA903 codes 209 to 376: UPN codes, placement provider and URN, reasons for placement
// change, UASC, adoption, care leavers, ages and lengths of legal statuses and placements.
// Not written here (they need reference data carestat does not hold: the Ofsted URN
// register or the LA of a placement postcode): 218, 219, 221, 224, 227, 228, 229, 230.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

constexpr RuleSeverity kError = RuleSeverity::kError;

bool Provided(const Row* r, std::string_view field) { return r && !Blank(r->Get(field)); }

// The day `years` years after `day` (29 February becomes 28 February in a common year).
int32_t YearsAfter(int32_t day, int years) { return AddMonths(day, 12 * years); }

std::optional<int32_t> HeaderDob(const ChildData& child) { return Day(child.First("Header"), "DOB"); }

// A row's own DOB (the later tables repeat it), else the Header's.
std::optional<int32_t> DobOf(const ChildData& child, const Row* row) {
  if (auto d = Day(row, "DOB")) return d;
  return HeaderDob(child);
}

// The child's episodes by DECOM (file order among equal dates; an unreadable DECOM last).
std::vector<const Row*> ByDecom(const ChildData& child) {
  std::vector<const Row*> eps = child.Rows("Episodes");
  std::stable_sort(eps.begin(), eps.end(), [](const Row* a, const Row* b) {
    const auto da = Day(a, "DECOM"), db = Day(b, "DECOM");
    if (!da || !db) return da.has_value() && !db.has_value();
    return *da < *db;
  });
  return eps;
}

// The day an episode ended, or 31 March of the collection year for one still open (nullopt
// when the year is not known or the DEC is not a date).
std::optional<int32_t> EndOrYearEnd(const Context& ctx, const Row* ep) {
  if (Provided(ep, "DEC")) return Day(ep, "DEC");
  if (!ctx.year) return std::nullopt;
  return ctx.period_end;
}

bool Temporary(std::string_view place) { return OneOf(place, {"T0", "T1", "T2", "T3", "T4"}); }

// 209: a child of school age (4 by 31 August before the collection year) with UPN UN1.
void Rule209(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  const int32_t ref = DayNumber(ctx.year - 2, 8, 31);
  for (const Row* h : child.Rows("Header")) {
    const auto dob = Day(h, "DOB");
    if (h->Get("UPN") == "UN1" && dob && YearsAfter(*dob, 4) <= ref) {
      hits.Add(h, "UPN", "UN1 for a child 4 or over on " + ShowDay(ctx, ref));
    }
  }
}

// 210: UPN UN4 (newly looked after, no UPN yet) only for a child who at 31 March had been
// looked after for a week or less: one whose period of care, still open at 31 March (an
// episode with no DEC, and the episodes running into it without a gap), began before
// 24 March has been looked after for more than a week.
void Rule210(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  const Row* h = child.First("Header");
  if (!h || h->Get("UPN") != "UN4") return;
  const auto eps = ByDecom(child);
  size_t k = eps.size();
  for (size_t i = 0; i < eps.size(); ++i) {
    if (!Provided(eps[i], "DEC") && Day(eps[i], "DECOM")) k = i;
  }
  if (k == eps.size()) return;  // not looked after at 31 March
  while (k > 0 && Day(eps[k - 1], "DEC") && Day(eps[k - 1], "DEC") == Day(eps[k], "DECOM")) --k;
  const int32_t began = *Day(eps[k], "DECOM");
  if (began < DayNumber(ctx.year, 3, 24)) {
    hits.Add(h, "UPN", "UN4 for a child looked after since " + ShowDay(ctx, began));
    hits.Add(eps[k], "DECOM", ShowDay(ctx, began));
  }
}

// 213: no placement provider for a temporary placement (and, from 2025-26, for the Z1x
// placements that replaced Z1).
void ProviderNotRequired(const ChildData& child, Hits& hits, bool with_z) {
  for (const Row* ep : child.Rows("Episodes")) {
    const std::string& pl = ep->Get("PLACE");
    const bool exempt = Temporary(pl) || (with_z && OneOf(pl, {"Z11", "Z12", "Z13", "Z14"}));
    if (exempt && Provided(ep, "PLACE_PROVIDER")) hits.Add(ep, "PLACE_PROVIDER", "placement " + pl);
  }
}
void Rule213_2025(const Context&, const ChildData& child, Hits& hits) { ProviderNotRequired(child, hits, false); }
void Rule213(const Context&, const ChildData& child, Hits& hits) { ProviderNotRequired(child, hits, true); }

// 214: respite (V3, V4) episodes give no placement postcode or URN.
void Rule214(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("LS"), {"V3", "V4"})) continue;
    if (Provided(ep, "PL_POST")) hits.Add(ep, "PL_POST", "legal status " + ep->Get("LS"));
    if (Provided(ep, "URN")) hits.Add(ep, "URN", "legal status " + ep->Get("LS"));
  }
}

// 215: a care leaver (OC3 completed) has none of OC2's items.
void Rule215(const Context&, const ChildData& child, Hits& hits) {
  static constexpr std::string_view kOc3[] = {"IN_TOUCH", "ACTIV", "ACCOM"};
  static constexpr std::string_view kOc2[] = {"CONVICTED",         "HEALTH_CHECK",     "IMMUNISATIONS",
                                              "TEETH_CHECK",       "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                                              "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"};
  auto first_given = [](const Row* r, const auto& fields) -> std::string_view {
    for (std::string_view f : fields) {
      if (Provided(r, f)) return f;
    }
    return {};
  };
  for (const Row* oc3 : child.Rows("OC3")) {
    const std::string_view f3 = first_given(oc3, kOc3);
    if (f3.empty()) continue;
    for (const Row* oc2 : child.Rows("OC2")) {
      const std::string_view f2 = first_given(oc2, kOc2);
      if (f2.empty()) continue;
      hits.Add(oc3, f3);
      hits.Add(oc2, f2);
    }
  }
}

// 217: placed for adoption with current foster carers (A3, A5) from 1 April 2015: RNE S, T or U.
void Rule217(const Context&, const ChildData& child, Hits& hits) {
  const int32_t from = DayNumber(2015, 4, 1);
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (OneOf(ep->Get("PLACE"), {"A3", "A5"}) && decom && *decom >= from && !OneOf(ep->Get("RNE"), {"S", "T", "U"})) {
      hits.Add(ep, "RNE", Blank(ep->Get("RNE")) ? "no RNE" : "RNE " + ep->Get("RNE"));
    }
  }
}

// 217t (2023-24): P2 placements must have ended by 28 October 2023.
void Rule217t(const Context&, const ChildData& child, Hits& hits) {
  const int32_t last = DayNumber(2023, 10, 28);
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE") != "P2") continue;
    const auto dec = Day(ep, "DEC");
    if (!Provided(ep, "DEC")) {
      hits.Add(ep, "PLACE", "P2 still open");
    } else if (dec && *dec > last) {
      hits.Add(ep, "PLACE", "P2 ending " + FormatUkDate(*dec));
    }
  }
}

// 222: no URN (other than XXXXXXX) for placement types Ofsted does not register.
void UrnNotRecorded(const ChildData& child, Hits& hits, std::initializer_list<std::string_view> places) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (OneOf(ep->Get("PLACE"), places) && Provided(ep, "URN") && ep->Get("URN") != "XXXXXXX") {
      hits.Add(ep, "URN", "placement " + ep->Get("PLACE"));
    }
  }
}
void Rule222_2023(const Context&, const ChildData& child, Hits& hits) {
  UrnNotRecorded(child, hits, {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222_2024(const Context&, const ChildData& child, Hits& hits) {
  UrnNotRecorded(child, hits, {"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222_2025(const Context&, const ChildData& child, Hits& hits) {
  UrnNotRecorded(child, hits, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule222(const Context&, const ChildData& child, Hits& hits) {
  UrnNotRecorded(child, hits,
                 {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"});
}

// 225: an episode ending in a change of placement only (REC X1), not temporary, followed by
// a new placement (RNE P, B, T or U) that is not temporary, gives its reason.
void Rule225(const Context&, const ChildData& child, Hits& hits) {
  const auto eps = ByDecom(child);
  for (size_t i = 0; i + 1 < eps.size(); ++i) {
    const Row* ep = eps[i];
    const Row* next = eps[i + 1];
    if (ep->Get("REC") == "X1" && !Provided(ep, "REASON_PLACE_CHANGE") && !Temporary(ep->Get("PLACE")) &&
        OneOf(next->Get("RNE"), {"P", "B", "T", "U"}) && !Temporary(next->Get("PLACE"))) {
      hits.Add(ep, "REASON_PLACE_CHANGE");
    }
  }
}

// 226: a temporary placement, and the episode before it, give no reason for placement change.
void Rule226(const Context&, const ChildData& child, Hits& hits) {
  const auto eps = ByDecom(child);
  for (size_t i = 0; i < eps.size(); ++i) {
    const Row* ep = eps[i];
    if (!Temporary(ep->Get("PLACE"))) continue;
    if (Provided(ep, "REASON_PLACE_CHANGE")) {
      hits.Add(ep, "REASON_PLACE_CHANGE", "placement " + ep->Get("PLACE"));
    } else if (i > 0 && Provided(eps[i - 1], "REASON_PLACE_CHANGE")) {
      hits.Add(ep, "PLACE", ep->Get("PLACE") + " after an episode with a reason for placement change");
    }
  }
}

// The child's UASC status: the XML Header's UASC, else whether the child has a UASC row.
bool IsUasc(const ChildData& child) {
  const Row* h = child.First("Header");
  if (h && h->Has("UASC") && !Blank(h->Get("UASC"))) return h->Get("UASC") == "1";
  return !child.Rows("UASC").empty();
}

// 231: a UASC child is expected to be 11 or over at 31 March.
void Rule231(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year || !IsUasc(child)) return;
  const Row* h = child.First("Header");
  const auto dob = Day(h, "DOB");
  if (dob && *dob > YearsAfter(ctx.period_end, -11)) hits.Add(h, "DOB", "UASC under 11 on " + ShowDay(ctx, ctx.period_end));
}

// 232: sex reported as unknown (U).
void Rule232(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    if (h->Get("SEX") == "U") hits.Add(h, "SEX", "U");
  }
}

// 233: an open episode gives no reason for placement change.
void Rule233(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Provided(ep, "DEC") && Provided(ep, "REASON_PLACE_CHANGE")) {
      hits.Add(ep, "REASON_PLACE_CHANGE", ep->Get("REASON_PLACE_CHANGE") + " on an episode not ceased");
    }
  }
}

// 234: an episode starting before the 10th birthday cannot follow one whose placement
// changed because the child was admitted to custody (CUSTOD).
void Rule234(const Context&, const ChildData& child, Hits& hits) {
  const auto dob = HeaderDob(child);
  if (!dob) return;
  const auto eps = ByDecom(child);
  for (size_t i = 1; i < eps.size(); ++i) {
    const auto decom = Day(eps[i], "DECOM");
    if (decom && *decom < YearsAfter(*dob, 10) && eps[i - 1]->Get("REASON_PLACE_CHANGE") == "CUSTOD") {
      hits.Add(eps[i - 1], "REASON_PLACE_CHANGE", "CUSTOD before the 10th birthday");
      hits.Add(child.First("Header"), "DOB");
    }
  }
}

// 3001: a care leaver whose 17th birthday falls in the year is not accommodated with
// former foster carers (ACCOM Z1, Z2).
void Rule3001(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    if (!OneOf(oc3->Get("ACCOM"), {"Z1", "Z2"})) continue;
    const auto dob = DobOf(child, oc3);
    if (!dob) continue;
    const int32_t b17 = YearsAfter(*dob, 17);
    if (b17 >= ctx.period_start && b17 <= ctx.period_end) hits.Add(oc3, "ACCOM", oc3->Get("ACCOM") + " at 17");
  }
}

// 302: the first episode does not start before the child was born.
void Rule302(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto dob = HeaderDob(child);
  const auto eps = ByDecom(child);
  if (!dob || eps.empty()) return;
  const auto decom = Day(eps.front(), "DECOM");
  if (decom && *dob > *decom) {
    hits.Add(eps.front(), "DECOM", ShowDay(ctx, *decom) + ", before the date of birth");
    hits.Add(child.First("Header"), "DOB");
  }
}

// 303: a date UASC status ceased only for a child whose UASC status is 1 (the XML Header's
// UASC; a CSV return has no such field: a UASC row is the status).
void Rule303(const Context&, const ChildData& child, Hits& hits) {
  const Row* h = child.First("Header");
  if (!h || !h->Has("UASC") || h->Get("UASC") == "1") return;
  for (const Row* u : child.Rows("UASC")) {
    if (Provided(u, "DUC")) {
      hits.Add(u, "DUC");
      hits.Add(h, "UASC", Blank(h->Get("UASC")) ? "UASC blank" : "UASC " + h->Get("UASC"));
    }
  }
}

// 304: UASC status ceases on or before the 18th birthday.
void Rule304(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* u : child.Rows("UASC")) {
    const auto duc = Day(u, "DUC");
    const auto dob = DobOf(child, u);
    if (duc && dob && *duc > YearsAfter(*dob, 18)) hits.Add(u, "DUC", ShowDay(ctx, *duc) + ", after the 18th birthday");
  }
}

// 331: matched with adopters (DATE_MATCH) on or before the placement that ended in
// adoption (REC E11, E12) began.
void Rule331(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("REC"), {"E11", "E12"})) continue;
    const auto decom = Day(ep, "DECOM");
    for (const Row* ad : child.Rows("AD1")) {
      const auto match = Day(ad, "DATE_MATCH");
      if (decom && match && *match > *decom) {
        hits.Add(ad, "DATE_MATCH", ShowDay(ctx, *match));
        hits.Add(ep, "DECOM", ShowDay(ctx, *decom));
      }
    }
  }
}

// 334: the latest period of care (the last episode with RNE S) starts on or before the
// decision that the child should be placed for adoption (DATE_INT).
void Rule334(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* start = nullptr;
  std::optional<int32_t> start_day;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (ep->Get("RNE") == "S" && decom && (!start_day || *decom > *start_day)) {
      start = ep;
      start_day = decom;
    }
  }
  if (!start) return;
  for (const Row* ad : child.Rows("AD1")) {
    const auto di = Day(ad, "DATE_INT");
    if (di && *di < *start_day) {
      hits.Add(ad, "DATE_INT", ShowDay(ctx, *di) + ", before care began " + ShowDay(ctx, *start_day));
      hits.Add(start, "DECOM");
    }
  }
}

// 335: FOSTER_CARE (adopted by current foster carers) agrees with the adoption placement:
// 0 not with A2, A3, A5; 1 not with A1, A4, A6.
void Rule335(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("REC"), {"E1", "E11", "E12"})) continue;
    const std::string& pl = ep->Get("PLACE");
    for (const Row* ad : child.Rows("AD1")) {
      const std::string& fc = ad->Get("FOSTER_CARE");
      if ((fc == "0" && OneOf(pl, {"A2", "A3", "A5"})) || (fc == "1" && OneOf(pl, {"A1", "A4", "A6"}))) {
        hits.Add(ep, "PLACE", pl + " with FOSTER_CARE " + fc);
        hits.Add(ad, "FOSTER_CARE", fc);
      }
    }
  }
}

// 336: placed for adoption with current foster carers (A3, A5) straight from a foster
// placement (or an earlier adoption placement with them).
void Rule336(const Context&, const ChildData& child, Hits& hits) {
  const auto eps = ByDecom(child);
  for (size_t i = 1; i < eps.size(); ++i) {
    if (!OneOf(eps[i]->Get("PLACE"), {"A3", "A5"})) continue;
    const std::string& prev = eps[i - 1]->Get("PLACE");
    if (!OneOf(prev, {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})) {
      hits.Add(eps[i], "PLACE", eps[i]->Get("PLACE") + " after " + (Blank(prev) ? std::string("no placement") : prev));
    }
  }
}

// 344: a care leaver who died or returned home has no activity or accommodation (0).
void Rule344(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* oc3 : child.Rows("OC3")) {
    if (!OneOf(oc3->Get("IN_TOUCH"), {"DIED", "RHOM"})) continue;
    for (std::string_view f : {"ACTIV", "ACCOM"}) {
      if (Provided(oc3, f) && oc3->Get(f) != "0") hits.Add(oc3, f, oc3->Get("IN_TOUCH") + " with " + oc3->Get(f));
    }
  }
}

// 345: a care leaver in touch (YES) has an activity and accommodation other than 0.
void Rule345(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* oc3 : child.Rows("OC3")) {
    if (oc3->Get("IN_TOUCH") != "YES") continue;
    for (std::string_view f : {"ACTIV", "ACCOM"}) {
      if (oc3->Get(f) == "0") hits.Add(oc3, f, "0 though in touch");
    }
  }
}

// 347: a care leaver in a Foyer (ACCOM T1, T2) is 18 or over at the start of the year.
void Rule347(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    if (!OneOf(oc3->Get("ACCOM"), {"T1", "T2"})) continue;
    const auto dob = DobOf(child, oc3);
    if (dob && YearsAfter(*dob, 18) > ctx.period_start) hits.Add(oc3, "ACCOM", oc3->Get("ACCOM") + " under 18");
  }
}

// 348: a care leaver reported last year as having died is reported so again.
void Rule348(const Context&, const ChildData& child, Hits& hits) {
  bool died = false;
  for (const Row* last : child.Rows("OC3_last")) died = died || last->Get("IN_TOUCH") == "DIED";
  if (!died) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    if (oc3->Get("IN_TOUCH") != "DIED") {
      hits.Add(oc3, "IN_TOUCH", Blank(oc3->Get("IN_TOUCH")) ? "blank" : oc3->Get("IN_TOUCH"));
    }
  }
}

// 351: not over 25 at the start of the year.
void Rule351(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  for (const Row* h : child.Rows("Header")) {
    const auto dob = Day(h, "DOB");
    if (dob && ctx.period_start > YearsAfter(*dob, 25)) hits.Add(h, "DOB", "over 25 on " + ShowDay(ctx, ctx.period_start));
  }
}

// 352: care (RNE S) does not start on or after the 18th birthday.
void Rule352(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto dob = HeaderDob(child);
  if (!dob) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (ep->Get("RNE") == "S" && decom && *decom >= YearsAfter(*dob, 18)) {
      hits.Add(ep, "DECOM", ShowDay(ctx, *decom) + ", on or after the 18th birthday");
    }
  }
}

// 353: no episode starts before 14 October 1991.
void Rule353(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (decom && *decom < DayNumber(1991, 10, 14)) hits.Add(ep, "DECOM", ShowDay(ctx, *decom));
  }
}

// 354: an episode ceases (DEC) on or before 31 March of the collection year.
void Rule354(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto dec = Day(ep, "DEC");
    if (dec && *dec > ctx.period_end) hits.Add(ep, "DEC", ShowDay(ctx, *dec));
  }
}

// 355: an episode does not end on the day it began.
void Rule355(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM"), dec = Day(ep, "DEC");
    if (decom && dec && *decom == *dec) hits.Add(ep, "DEC", "began and ceased " + ShowDay(ctx, *dec));
  }
}

// 358: youth justice legal statuses (J1, J2, J3) start on or after the 10th birthday.
void Rule358(const Context&, const ChildData& child, Hits& hits) {
  const auto dob = HeaderDob(child);
  if (!dob) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (OneOf(ep->Get("LS"), {"J1", "J2", "J3"}) && decom && *decom < YearsAfter(*dob, 10)) {
      hits.Add(ep, "LS", ep->Get("LS") + " before the 10th birthday");
      hits.Add(child.First("Header"), "DOB");
    }
  }
}

// 359: a child looked after at 31 March past the 18th birthday is under section 20(5) (V2)
// in a community home (K2).
void Rule359(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  const auto dob = HeaderDob(child);
  if (!dob || YearsAfter(*dob, 18) >= ctx.period_end) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (Provided(ep, "DEC")) continue;
    if (ep->Get("LS") != "V2" || ep->Get("PLACE") != "K2") {
      hits.Add(ep, "LS", "legal status " + ep->Get("LS") + ", placement " + ep->Get("PLACE") + " past 18");
    }
  }
}

// 362, 363, 364: an order of legal status `ls` (episodes one after another, each starting
// on or before the previous one ended) lasts no more than `max_days` (an open episode runs
// to 31 March).
void OrderNoLongerThan(const Context& ctx, const ChildData& child, Hits& hits, std::string_view ls, int max_days) {
  const auto eps = ByDecom(child);
  size_t i = 0;
  while (i < eps.size()) {
    const auto start = Day(eps[i], "DECOM");
    if (eps[i]->Get("LS") != ls || !start) {
      ++i;
      continue;
    }
    size_t j = i;
    auto end = EndOrYearEnd(ctx, eps[i]);
    while (end && j + 1 < eps.size() && eps[j + 1]->Get("LS") == ls) {
      const auto next = Day(eps[j + 1], "DECOM");
      if (!next || *next > *end) break;
      ++j;
      const auto e = EndOrYearEnd(ctx, eps[j]);
      end = e ? std::optional<int32_t>(std::max(*e, *end)) : std::nullopt;
    }
    if (end && *end - *start > max_days) {
      for (size_t k = i; k <= j; ++k) {
        hits.Add(eps[k], "LS", std::string(ls) + " for " + std::to_string(*end - *start) + " days");
      }
    }
    i = j + 1;
  }
}

void Rule362(const Context& ctx, const ChildData& child, Hits& hits) { OrderNoLongerThan(ctx, child, hits, "L2", 21); }
void Rule363(const Context& ctx, const ChildData& child, Hits& hits) { OrderNoLongerThan(ctx, child, hits, "L3", 7); }
void Rule364(const Context& ctx, const ChildData& child, Hits& hits) { OrderNoLongerThan(ctx, child, hits, "J2", 21); }

// 365: a short-term respite episode (V3) lasts no more than 17 days (an open one runs to 31 March).
void Rule365(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("LS") != "V3") continue;
    const auto decom = Day(ep, "DECOM");
    const auto end = EndOrYearEnd(ctx, ep);
    if (decom && end && *end - *decom > 17) hits.Add(ep, "LS", "V3 for " + std::to_string(*end - *decom) + " days");
  }
}

// 366: a respite episode (V3) starts a new period of care (RNE S): the placement does not change during it.
void Rule366(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("LS") == "V3" && ep->Get("RNE") != "S") {
      hits.Add(ep, "RNE", Blank(ep->Get("RNE")) ? "no RNE" : "RNE " + ep->Get("RNE"));
    }
  }
}

// 367: respite (V3) within the collection year totals no more than 75 days.
void Rule367(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.year) return;
  std::vector<const Row*> counted;
  int total = 0;
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("LS") != "V3") continue;
    const auto decom = Day(ep, "DECOM");
    const auto dec = Day(ep, "DEC");
    if (!decom || (Provided(ep, "DEC") && !dec)) continue;
    const int32_t from = std::max(*decom, ctx.period_start);
    const int32_t to = dec ? std::min(*dec, ctx.period_end) : ctx.period_end;
    if (to - from <= 0) continue;
    total += to - from;
    counted.push_back(ep);
  }
  if (total <= 75) return;
  for (const Row* ep : counted) hits.Add(ep, "LS", "V3 for " + std::to_string(total) + " days in the year");
}

// 370 to 374: placement `place` starts on or after the child's `years`th birthday.
void PlacedAtLeast(const ChildData& child, Hits& hits, std::string_view place, int years) {
  const auto dob = HeaderDob(child);
  if (!dob) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (ep->Get("PLACE") == place && decom && *decom < YearsAfter(*dob, years)) {
      hits.Add(ep, "PLACE", std::string(place) + " before the child was " + std::to_string(years));
    }
  }
}
void Rule370_2023(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "P2", 15); }
void Rule370(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "P2", 16); }
void Rule371_2023(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "H5", 14); }
void Rule371_2024(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "H5", 16); }
void Rule371(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "K3", 16); }
void Rule372(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "R5", 10); }
void Rule373(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "S1", 4); }
void Rule374(const Context&, const ChildData& child, Hits& hits) { PlacedAtLeast(child, hits, "P3", 14); }

// 375, 376: a temporary placement `place` lasts no more than `max_days` (an open one runs to 31 March).
void PlacementNoLongerThan(const Context& ctx, const ChildData& child, Hits& hits, std::string_view place,
                           int max_days) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE") != place) continue;
    const auto decom = Day(ep, "DECOM");
    const auto end = EndOrYearEnd(ctx, ep);
    if (decom && end && *end - *decom > max_days) {
      hits.Add(ep, "PLACE", std::string(place) + " for " + std::to_string(*end - *decom) + " days");
    }
  }
}
void Rule375(const Context& ctx, const ChildData& child, Hits& hits) { PlacementNoLongerThan(ctx, child, hits, "T1", 42); }
void Rule376(const Context& ctx, const ChildData& child, Hits& hits) { PlacementNoLongerThan(ctx, child, hits, "T3", 21); }

RuleInfo Info(std::string_view code, std::string_view message, std::string_view fields, int from, int to,
              std::string_view example) {
  return RuleInfo{code, "ssda903", kError, message, fields, from, to, example, "DfE"};
}

}  // namespace

void AddSsda903RulesB(std::vector<RuleDef>* defs) {
  auto add = [defs](RuleInfo info, ChildRuleFn fn) { defs->push_back({info, fn, {}}); };
  add(Info("209", "Child looked after is of school age and should not have an unknown Unique Pupil Number (UPN) code of UN1.",
           "UPN, DOB", 0, 0, "UPN UN1 for a child who was 4 by the 31 August before the year"),
      &Rule209);
  add(Info("210", "Children looked after for more than a week at 31 March should not have an unknown Unique Pupil Number (UPN) code of UN4.",
           "UPN, DECOM", 0, 0, "UPN UN4 for a child looked after since 23 March and still at 31 March"),
      &Rule210);
  add(Info("213", "Placement provider information not required.", "PLACE_PROVIDER", 0, 2025,
           "PLACE_PROVIDER PR1 on a T1 temporary placement"),
      &Rule213_2025);
  add(Info("213", "Placement provider information not required.", "PLACE_PROVIDER", 2026, 0,
           "PLACE_PROVIDER PR1 on a T1 or Z11 placement"),
      &Rule213);
  add(Info("214", "Placement location information not required.", "PL_POST, URN", 0, 0,
           "a V3 respite episode with a placement postcode"),
      &Rule214);
  add(Info("215", "Child has care leaver information but one or more data items relating to children looked after for 12 months have been completed.",
           "IN_TOUCH, ACTIV, ACCOM, CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED",
           0, 0, "OC3 IN_TOUCH YES and OC2 CONVICTED 0 for one child"),
      &Rule215);
  add(Info("217", "Children who are placed for adoption with current foster carers (placement types A3 or A5) must have a reason for new episode of S, T or U.",
           "PLACE, DECOM, RNE", 0, 0, "an A3 placement from 1 April 2015 with RNE P"),
      &Rule217);
  add(Info("217t", "Placement type 'P2' is not a valid placement type from 28 October 2023.", "PLACE, DECOM", 2024,
           2024, "a P2 placement still open at 31 March 2024"),
      &Rule217t);
  add(Info("222", "Ofsted Unique reference number (URN) should not be recorded for this placement type.", "URN", 0,
           2023, "URN SC123456 on an H5 placement"),
      &Rule222_2023);
  add(Info("222", "Ofsted Unique reference number (URN) should not be recorded for this placement type.", "URN",
           2024, 2024, "URN SC123456 on a P2 placement"),
      &Rule222_2024);
  add(Info("222", "Ofsted Unique reference number (URN) should not be recorded for this placement type.", "URN",
           2025, 2025, "URN SC123456 on a T1 placement"),
      &Rule222_2025);
  add(Info("222", "Ofsted Unique reference number (URN) should not be recorded for this placement type.", "URN",
           2026, 0, "URN SC123456 on a Z11 placement"),
      &Rule222);
  add(Info("225", "Reason for placement change must be recorded.", "REASON_PLACE_CHANGE", 0, 0,
           "an episode ending X1 then a new placement (RNE P), with no reason for the change"),
      &Rule225);
  add(Info("226", "Reason for placement change is not required.", "REASON_PLACE_CHANGE, PLACE", 0, 2025,
           "a T1 temporary placement with REASON_PLACE_CHANGE CARPL"),
      &Rule226);
  add(Info("226", "Reason for placement change is not required for temporary placements.",
           "REASON_PLACE_CHANGE, PLACE", 2026, 0, "a T1 temporary placement with REASON_PLACE_CHANGE CARPL"),
      &Rule226);
  add(Info("231", "We expect that unaccompanied asylum seeking children are generally older young people. Please check the date of birth is correct. If the date of birth is correct then please provide details in a bypass request.",
           "DOB, UASC", 2025, 0, "a UASC child aged 10 at 31 March"),
      &Rule231);
  add(Info("232", "Sex of the child/young person has been reported as unknown.", "SEX", 2025, 0, "SEX U"), &Rule232);
  add(Info("233", "Reason for placement change is not required when the episode has not ceased.",
           "REASON_PLACE_CHANGE", 2026, 0, "an open episode with REASON_PLACE_CHANGE CARPL"),
      &Rule233);
  add(Info("234", "A child aged under 10 can not change placement due to being admitted to custody",
           "REASON_PLACE_CHANGE, DOB", 2026, 0, "REASON_PLACE_CHANGE CUSTOD, the next episode starting at age 9"),
      &Rule234);
  add(Info("3001", "Where care leavers information is being returned for a young person around their 17th birthday, the accommodation cannot be with their former foster carer(s).",
           "ACCOM, DOB", 0, 0, "ACCOM Z1 for a young person who turned 17 in the year"),
      &Rule3001);
  add(Info("302", "First episode starts before child was born.", "DECOM, DOB", 0, 0,
           "the first episode starts the day before the date of birth"),
      &Rule302);
  add(Info("303", "If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null, UASC status must be coded 1.",
           "DUC, UASC", 0, 0, "XML: UASC 0 with a DUC"),
      &Rule303);
  add(Info("304", "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th birthday of a child.",
           "DUC", 0, 0, "DUC the day after the 18th birthday"),
      &Rule304);
  add(Info("331", "Date of matching child and adopter(s) should be the same as, or prior to, the date of placement of adoption.",
           "DATE_MATCH, DECOM, REC", 0, 0, "DATE_MATCH after the start of the episode ending E11"),
      &Rule331);
  add(Info("334", "Date child started to be looked after in latest period of care must be on or prior to the date should be placed for adoption.",
           "DATE_INT, DECOM, RNE", 0, 0, "DATE_INT before the DECOM of the latest episode with RNE S"),
      &Rule334);
  add(Info("335", "The current foster value (0) suggests that child is not adopted by current foster carer, but last placement is A2, A3, or A5. Or the current foster value (1) suggests that child is adopted by current foster carer, but last placement is A1, A4 or A6.",
           "PLACE, FOSTER_CARE", 0, 0, "an A3 placement ending E11 with FOSTER_CARE 0"),
      &Rule335);
  add(Info("336", "Child does not have a foster placement immediately prior to being placed for adoption.", "PLACE", 0,
           0, "an A5 placement straight after a K2 placement"),
      &Rule336);
  add(Info("344", "The record shows the young person has died or returned home to live with parent(s) or someone with parental responsibility for a continuous period of 6 months or more, but activity and/or accommodation on leaving care have been completed.",
           "IN_TOUCH, ACTIV, ACCOM", 0, 0, "IN_TOUCH DIED with ACCOM B1"),
      &Rule344);
  add(Info("345", "The data collection record shows the local authority is in touch with this young person, but activity and/or accommodation data items are zero.",
           "IN_TOUCH, ACTIV, ACCOM", 0, 0, "IN_TOUCH YES with ACTIV 0"),
      &Rule345);
  add(Info("347", "Care leavers aged under 18 years, can not be accommodated in a Foyer.", "ACCOM, DOB", 2024, 0,
           "ACCOM T1 for a young person 17 on 1 April"),
      &Rule347);
  add(Info("348", "Care leaver has previously been reported as having died.", "IN_TOUCH", 2026, 0,
           "IN_TOUCH YES this year, DIED in last year's OC3"),
      &Rule348);
  add(Info("351", "Child was over 25 at the start of the current collection year.", "DOB", 0, 0,
           "a child whose 25th birthday was before 31 March of the previous year"),
      &Rule351);
  add(Info("352", "Child who started to be looked after was aged 18 or over.", "DECOM, RNE", 0, 0,
           "RNE S on the 18th birthday"),
      &Rule352);
  add(Info("353", "No episode submitted can start before 14 October 1991.", "DECOM", 0, 0, "DECOM 13/10/1991"),
      &Rule353);
  add(Info("354", "Date episode ceased must be on or before the end of the current collection year.", "DEC", 0, 0,
           "DEC 01/04/2025 in the 2024-25 return"),
      &Rule354);
  add(Info("355", "Episode appears to have lasted for less than 24 hours", "DECOM, DEC", 0, 0,
           "DECOM and DEC both 01/05/2024"),
      &Rule355);
  add(Info("358", "Child with this legal status should not be under 10.", "DECOM, DOB, LS", 0, 0,
           "LS J2 from the day before the 10th birthday"),
      &Rule358);
  add(Info("359", "Child being looked after following 18th birthday must be accommodated under section 20(5) of the Children Act 1989 in a community home.",
           "DEC, LS, PLACE", 0, 0, "an open C2/U1 episode at 31 March for a child of 18"),
      &Rule359);
  add(Info("362", "Emergency protection order (EPO) lasted longer than 21 days", "DECOM, LS, DEC", 0, 0,
           "LS L2 from 01/05/2024 to 23/05/2024"),
      &Rule362);
  add(Info("363", "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989.",
           "LS, DECOM, DEC", 0, 0, "LS L3 from 01/05/2024 to 09/05/2024"),
      &Rule363);
  add(Info("364", "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a child can be detained in custody in Local Authority (LA) accommodation.",
           "LS, DECOM, DEC", 0, 0, "LS J2 from 01/05/2024 to 23/05/2024"),
      &Rule364);
  add(Info("365", "Any individual short- term respite placement must not exceed 17 days.", "LS, DECOM, DEC", 0, 0,
           "LS V3 from 01/05/2024 to 19/05/2024"),
      &Rule365);
  add(Info("366", "A child cannot change placement during the course of an individual short-term respite break.",
           "RNE", 0, 0, "LS V3 with RNE P"),
      &Rule366);
  add(Info("367", "The maximum amount of respite care allowable is 75 days in any 12-month period.", "LS, DECOM, DEC",
           0, 0, "V3 episodes totalling 76 days in the year"),
      &Rule367);
  add(Info("370", "Child in independent living should be at least 15.", "DECOM, PLACE", 0, 2023,
           "a P2 placement from the day before the 15th birthday"),
      &Rule370_2023);
  add(Info("370", "Child in independent living should be at least 16.", "DECOM, PLACE", 2024, 2024,
           "a P2 placement from the day before the 16th birthday"),
      &Rule370);
  add(Info("371", "Child in semi-independent living accommodation not subject to children’s homes regulations should be at least 14.",
           "DECOM, PLACE", 0, 2023, "an H5 placement from the day before the 14th birthday"),
      &Rule371_2023);
  add(Info("371", "Child in semi-independent living accommodation not subject to children’s homes regulations should be at least 16.",
           "DECOM, PLACE", 2024, 2024, "an H5 placement from the day before the 16th birthday"),
      &Rule371_2024);
  add(Info("371", "Child in supported accomodation not subject to children’s homes regulations should be at least 16.",
           "DECOM, PLACE", 2025, 0, "a K3 placement from the day before the 16th birthday"),
      &Rule371);
  add(Info("372", "Child in youth custody or prison should be at least 10.", "DECOM, PLACE", 0, 0,
           "an R5 placement from the day before the 10th birthday"),
      &Rule372);
  add(Info("373", "Child placed in a school should be at least 4 years old.", "DECOM, PLACE", 0, 0,
           "an S1 placement from the day before the 4th birthday"),
      &Rule373);
  add(Info("374", "Child in residential employment should be at least 14 years old.", "DECOM, PLACE", 0, 0,
           "a P3 placement from the day before the 14th birthday"),
      &Rule374);
  add(Info("375", "Hospitalisation coded as a temporary placement exceeds six weeks.", "DECOM, PLACE", 0, 0,
           "a T1 placement lasting 43 days"),
      &Rule375);
  add(Info("376", "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed three weeks.",
           "DECOM, PLACE", 0, 0, "a T3 placement lasting 22 days"),
      &Rule376);
}

}  // namespace carestat::validation
