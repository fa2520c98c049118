// DfE rules (batch ssda903_rules_g): see model.h for how a rule is written and registered.
// The SSDA903 rules that need reference data a return does not hold (reference_data.h):
//   - DfE's derived placement fields, from the ONS postcode lookup (validate --postcodes):
//     PL_LA (the DfE code of the LA the PL_POST sector lies in; WAL, SCO, NIR outside
//     England), PL_LOCATION (IN when PL_LA is the return's LA, else OUT) and PL_DISTANCE
//     (HOME_POST to PL_POST in miles): 164 169 179 218 230 392a 392c 406 411 420 452 453
//     454 503G 503H 503J 1015.
//   - Ofsted's URN register, from its provider lists (validate --providers): 219 221 224
//     227 228 229 1008.
// A derived field the row itself gives (PL_LA, PL_LOCATION, PL_DISTANCE: no SSDA903 table
// DfE publishes has them, but a system's export may) is read as given.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"
#include "services/ingestion/validation/reference_data.h"

namespace carestat::validation {
namespace {

constexpr RuleSeverity E = RuleSeverity::kError;

bool Respite(std::string_view ls) { return OneOf(ls, {"V3", "V4"}); }

// Whether the child is or was UASC by this return or last year's: UASC '1' in a Header,
// or a row of the UASC table with any value beside CHILD (DfE: this year's UASC, or
// either of the two years before's).
bool UascEver(const ChildData& child) {
  for (std::string_view t : {"Header", "Header_last"})
    for (const Row* r : child.Rows(t))
      if (r->Get("UASC") == "1") return true;
  for (std::string_view t : {"UASC", "UASC_last"})
    for (const Row* r : child.Rows(t))
      for (const Item& i : r->items)
        if (i.name != "CHILD" && !Blank(i.value)) return true;
  return false;
}

std::string Miles(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", d);
  return buf;
}

// DfE's derived placement fields of one episode.
struct Placed {
  std::string pl_la;               // "" when not known (PL_POST blank or not in the lookup)
  std::string pl_location;         // IN / OUT, "" when not known
  std::optional<double> distance;  // miles, when both postcodes are placed
  std::string why;                 // why PL_LA is not known, for a finding's detail
};

Placed Derive(const Context& ctx, const Row* ep) {
  Placed p;
  const ReferenceData* ref = ctx.reference;
  std::optional<SectorPlace> pl, home;
  if (ref) {
    pl = ref->Locate(ep->Get("PL_POST"));
    home = ref->Locate(ep->Get("HOME_POST"));
  }
  if (ep->Has("PL_LA")) {
    p.pl_la = Upper(ep->Get("PL_LA"));
  } else if (pl) {
    p.pl_la = pl->pl_la;
    if (p.pl_la.empty()) p.why = "PL_POST's district " + pl->ons_district + " is no LA the LA table knows";
  } else {
    p.why = Blank(ep->Get("PL_POST")) ? "PL_POST blank" : "PL_POST not in the postcode lookup";
  }
  if (ep->Has("PL_LOCATION")) {
    p.pl_location = Upper(ep->Get("PL_LOCATION"));
  } else if (!p.pl_la.empty() && !ctx.la.empty()) {
    p.pl_location = p.pl_la == ctx.la ? "IN" : "OUT";
  }
  if (ep->Has("PL_DISTANCE")) {
    char* end = nullptr;
    const std::string& v = ep->Get("PL_DISTANCE");
    const double d = std::strtod(v.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(d)) p.distance = d;
  } else if (pl && home) {
    p.distance = ReferenceData::Miles(*home, *pl);
  }
  return p;
}

// Outside England as DfE's PL_LA names it.
bool OutsideEngland(const std::string& pl_la, int year) {
  // To 2024-25 D2I's reading: a code beginning N, W, S or C (NIR, WAL, SCO, CON); from
  // 2025-26 DfE lists the codes: CON, NIR, SCO, WAL, NUK.
  if (year != 0 && year <= 2025) return !pl_la.empty() && OneOf(pl_la.substr(0, 1), {"N", "W", "S", "C"});
  return OneOf(pl_la, {"CON", "NIR", "SCO", "WAL", "NUK"});
}

// The first episode (earliest DECOM) and last year's last episode (latest DECOM) when it
// was open at the end of last year; nullptr when either is missing.
std::pair<const Row*, const Row*> CarriedOver(const Context& ctx, const ChildData& child) {
  if (!ctx.HasTable("Episodes_last")) return {nullptr, nullptr};
  std::vector<const Row*> now = InDateOrder(child.Rows("Episodes"), "DECOM");
  std::vector<const Row*> then = InDateOrder(child.Rows("Episodes_last"), "DECOM");
  if (now.empty() || then.empty() || !Blank(then.back()->Get("DEC"))) return {nullptr, nullptr};
  return {now.front(), then.back()};
}

// ---- postcode-derived rules ------------------------------------------------------------

// 164: a child never UASC, not on a short break (V3/V4): PL_DISTANCE between 0.0 and 999.9.
void Rule164(const Context& ctx, const ChildData& child, Hits& hits) {
  if (UascEver(child)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS"))) continue;
    const Placed p = Derive(ctx, ep);
    if (p.distance && (*p.distance < 0.0 || *p.distance > 999.9))
      hits.Add(ep, "PL_DISTANCE", Miles(*p.distance) + " miles");
  }
}

// 169: not V3/V4: PL_LA is known.
void Rule169(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS"))) continue;
    const Placed p = Derive(ctx, ep);
    if (p.pl_la.empty()) hits.Add(ep, "PL_LA", p.why);
  }
}

// 179: not V3/V4: PL_LOCATION is IN or OUT (derived with PL_LA: missing when it is).
void Rule179(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS"))) continue;
    const Placed p = Derive(ctx, ep);
    if (!p.pl_location.empty() && !OneOf(p.pl_location, {"IN", "OUT"})) {
      hits.Add(ep, "PL_LOCATION", "'" + p.pl_location + "'");
    } else if (p.pl_location.empty() && p.pl_la.empty()) {
      hits.Add(ep, "PL_LOCATION", p.why);
    }
  }
}

// 218: an episode open after 31 March 2015 in a placement an Ofsted URN covers, in
// England, gives its URN. The exempt placements change with the years.
void Rule218With(const Context& ctx, const ChildData& child, Hits& hits,
                 std::initializer_list<std::string_view> exempt) {
  const int32_t cut = DayNumber(2015, 3, 31);
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Blank(ep->Get("URN"))) continue;
    if (std::find(exempt.begin(), exempt.end(), std::string_view(ep->Get("PLACE"))) != exempt.end()) continue;
    auto dec = Day(ep, "DEC");
    if (!Blank(ep->Get("DEC")) && (!dec || *dec <= cut)) continue;
    if (OutsideEngland(Derive(ctx, ep).pl_la, ctx.year)) continue;
    hits.Add(ep, "URN", "placement '" + ep->Get("PLACE") + "'");
  }
}
void Rule218_2024(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule218With(ctx, child, hits, {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule218_2025(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule218With(ctx, child, hits, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"});
}
void Rule218(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule218With(ctx, child, hits,
              {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"});
}

// 230 (2023-24): an H5 placement in England open on or after 28 October 2023 (DEC after
// that day, or none) gives a URN (XXXXXXX is none).
void Rule230(const Context& ctx, const ChildData& child, Hits& hits) {
  const int32_t from = DayNumber(2023, 10, 29);
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE") != "H5") continue;
    auto dec = Day(ep, "DEC");
    if (!Blank(ep->Get("DEC")) && (!dec || *dec < from)) continue;
    if (!Blank(ep->Get("URN")) && Upper(ep->Get("URN")) != "XXXXXXX") continue;
    const std::string pl_la = Derive(ctx, ep).pl_la;
    if (OneOf(pl_la, {"WAL", "SCO", "NIR"})) continue;
    hits.Add(ep, "URN", Blank(ep->Get("URN")) ? "no URN" : "URN XXXXXXX");
  }
}

// 392a: a child never UASC, not V3/V4: a distance is recorded (both postcodes placed).
void Rule392a(const Context& ctx, const ChildData& child, Hits& hits) {
  if (UascEver(child)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS"))) continue;
    if (!Derive(ctx, ep).distance) hits.Add(ep, "PL_DISTANCE");
  }
}

// 392c: a HOME_POST or PL_POST given is a postcode the lookup has.
void Rule392c(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    for (std::string_view f : {"HOME_POST", "PL_POST"})
      if (!Blank(ep->Get(f)) && !ctx.reference->Locate(ep->Get(f)))
        hits.Add(ep, f, PostcodeSector(ep->Get(f)).empty() ? "not a postcode" : "not in the postcode lookup");
}

// 406: a child UASC now or before: no distance (PL_DISTANCE blank).
void Rule406(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!UascEver(child)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const Placed p = Derive(ctx, ep);
    if (p.distance) hits.Add(ep, "PL_DISTANCE", Miles(*p.distance) + " miles");
  }
}

// 411: PL_LOCATION IN means PL_LA is the return's LA. Both derived, they agree by
// construction; a row giving one of them is held to the other.
void Rule411(const Context& ctx, const ChildData& child, Hits& hits) {
  if (ctx.la.empty()) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const Placed p = Derive(ctx, ep);
    if (p.pl_location == "IN" && p.pl_la != ctx.la)
      hits.Add(ep, "PL_LOCATION", p.pl_la.empty() ? "PL_LA not known" : "PL_LA " + p.pl_la);
  }
}

// 420: an episode under V3/V4 has no PL_LA (no placement postcode the lookup places).
void Rule420(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Respite(ep->Get("LS"))) continue;
    const Placed p = Derive(ctx, ep);
    if (!p.pl_la.empty()) hits.Add(ep, "PL_LA", "PL_LA " + p.pl_la + " under " + ep->Get("LS"));
  }
}

// 452: last year's open episode and this year's first with the same RNE have one PL_LA.
void Rule452(const Context& ctx, const ChildData& child, Hits& hits) {
  auto [first, last] = CarriedOver(ctx, child);
  if (!first || first->Get("RNE") != last->Get("RNE")) return;
  const std::string now = Derive(ctx, first).pl_la, then = Derive(ctx, last).pl_la;
  if (now != then) hits.Add(first, "PL_LA", "'" + now + "', last year '" + then + "'");
}

// The distances of this year's first episode and last year's open one disagree: by 0.2
// miles or more, or this year's is known and last year's not.
bool DistancesDiffer(const Placed& now, const Placed& then, std::string* detail) {
  if (now.distance && then.distance && std::fabs(*now.distance - *then.distance) >= 0.2 - 1e-9) {
    *detail = Miles(*now.distance) + " miles, last year " + Miles(*then.distance);
    return true;
  }
  if (now.distance && !then.distance) {
    *detail = Miles(*now.distance) + " miles, last year none";
    return true;
  }
  return false;
}

// 453: as 452, for PL_DISTANCE.
void Rule453(const Context& ctx, const ChildData& child, Hits& hits) {
  auto [first, last] = CarriedOver(ctx, child);
  if (!first || first->Get("RNE") != last->Get("RNE")) return;
  std::string detail;
  if (DistancesDiffer(Derive(ctx, first), Derive(ctx, last), &detail)) hits.Add(first, "PL_DISTANCE", detail);
}

// 454 (2025-26 on): a distance over 350 miles (999.9, DfE's "not known", aside).
void Rule454(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const Placed p = Derive(ctx, ep);
    if (p.distance && *p.distance > 350.0 && std::fabs(*p.distance - 999.9) > 1e-9)
      hits.Add(ep, "PL_DISTANCE", Miles(*p.distance) + " miles");
  }
}

// 503G/H/J: when last year's last episode was open, this year's first carries on its
// distance (within 0.2 miles), PL_LA and PL_LOCATION.
void Rule503G(const Context& ctx, const ChildData& child, Hits& hits) {
  auto [first, last] = CarriedOver(ctx, child);
  if (!first) return;
  std::string detail;
  if (DistancesDiffer(Derive(ctx, first), Derive(ctx, last), &detail)) hits.Add(first, "PL_DISTANCE", detail);
}
void Rule503H(const Context& ctx, const ChildData& child, Hits& hits) {
  auto [first, last] = CarriedOver(ctx, child);
  if (!first) return;
  const std::string now = Derive(ctx, first).pl_la, then = Derive(ctx, last).pl_la;
  if (now != then) hits.Add(first, "PL_LA", "'" + now + "', last year '" + then + "'");
}
void Rule503J(const Context& ctx, const ChildData& child, Hits& hits) {
  auto [first, last] = CarriedOver(ctx, child);
  if (!first) return;
  const std::string now = Derive(ctx, first).pl_location, then = Derive(ctx, last).pl_location;
  if (now != then) hits.Add(first, "PL_LOCATION", "'" + now + "', last year '" + then + "'");
}

// 1015: own provision (PR1), not fostering or adoption (A3-A6, U1-U6), not V3/V4: the
// placement is in the LA's own area. An episode whose PL_LA is not known is 169's.
void Rule1015(const Context& ctx, const ChildData& child, Hits& hits) {
  if (ctx.la.empty()) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE_PROVIDER") != "PR1" || Blank(ep->Get("LS")) || Blank(ep->Get("PLACE"))) continue;
    if (Respite(ep->Get("LS"))) continue;
    if (OneOf(ep->Get("PLACE"), {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})) continue;
    const Placed p = Derive(ctx, ep);
    if (!p.pl_la.empty() && p.pl_la != ctx.la) hits.Add(ep, "PL_LA", "placed in LA " + p.pl_la);
  }
}

// ---- Ofsted URN rules ------------------------------------------------------------------
// Each reads an episode whose URN is given and is not XXXXXXX (DfE's "no URN"); a URN
// the register does not have is 1008's alone.

const Provider* UrnOf(const Context& ctx, const Row* ep) {
  const std::string& urn = ep->Get("URN");
  if (Blank(urn) || Upper(urn) == "XXXXXXX") return nullptr;
  return ctx.reference->FindProvider(urn);
}

// 219: PLACE is one of the URN's placement codes.
void Rule219(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const Provider* p = UrnOf(ctx, ep);
    if (!p || p->place_codes.empty()) continue;
    if (!p->place_codes.count(Upper(ep->Get("PLACE")))) {
      std::string codes;
      for (const auto& c : p->place_codes) codes += (codes.empty() ? "" : "/") + c;
      hits.Add(ep, "PLACE", "'" + ep->Get("PLACE") + "', the URN's: " + codes);
    }
  }
}

// 221: not V3/V4, PLACE among `places`, PL_POST given: PL_POST is the URN's postcode (a
// sector PL_POST is compared with the URN postcode's sector).
void Rule221With(const Context& ctx, const ChildData& child, Hits& hits,
                 std::initializer_list<std::string_view> places) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS")) || Blank(ep->Get("PL_POST"))) continue;
    if (std::find(places.begin(), places.end(), std::string_view(ep->Get("PLACE"))) == places.end()) continue;
    const Provider* p = UrnOf(ctx, ep);
    if (!p || p->postcode.empty()) continue;
    const std::string given = PostcodeKey(ep->Get("PL_POST"));
    const std::string sector = PostcodeSector(ep->Get("PL_POST"));
    const bool full = !sector.empty() && PostcodeKey(sector) != given;  // more than a sector
    const bool same = full ? given == p->postcode : PostcodeSector(ep->Get("PL_POST")) == PostcodeSector(p->postcode);
    if (!same) hits.Add(ep, "PL_POST", "not the URN's postcode");
  }
}
void Rule221_2023(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule221With(ctx, child, hits, {"K1", "K2", "R3", "S1"});
}
void Rule221_2024(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule221With(ctx, child, hits, {"H5", "K1", "K2", "R3", "S1"});
}
void Rule221(const Context& ctx, const ChildData& child, Hits& hits) {
  Rule221With(ctx, child, hits, {"K1", "K2", "K3", "R3", "S1"});
}

// 224: PLACE_PROVIDER is one of the URN's provider codes.
void Rule224(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const Provider* p = UrnOf(ctx, ep);
    if (!p || p->provider_codes.empty()) continue;
    if (!p->provider_codes.count(Upper(ep->Get("PLACE_PROVIDER")))) {
      std::string codes;
      for (const auto& c : p->provider_codes) codes += (codes.empty() ? "" : "/") + c;
      hits.Add(ep, "PLACE_PROVIDER", "'" + ep->Get("PLACE_PROVIDER") + "', the URN's: " + codes);
    }
  }
}

// 227: the episode began before the URN's registration ended.
void Rule227(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const Provider* p = UrnOf(ctx, ep);
    auto decom = Day(ep, "DECOM");
    if (p && p->reg_end && decom && *decom >= *p->reg_end)
      hits.Add(ep, "URN", "registration ended " + ShowDay(ctx, *p->reg_end));
  }
}

// 228: the episode ended (or, open, the year's 31 March is) on or before the URN's
// registration end.
void Rule228(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const Provider* p = UrnOf(ctx, ep);
    if (!p || !p->reg_end) continue;
    auto dec = Day(ep, "DEC");
    if (dec ? *dec > *p->reg_end : (Blank(ep->Get("DEC")) && ctx.period_end && ctx.period_end > *p->reg_end))
      hits.Add(ep, "URN", "registration ended " + ShowDay(ctx, *p->reg_end));
  }
}

// 229: own provision (PR1) is a URN of the LA's own area; another LA's provision (PR2)
// is not. The URN's LA is the one Ofsted's list names, else where its postcode lies.
void Rule229(const Context& ctx, const ChildData& child, Hits& hits) {
  if (ctx.la.empty()) return;
  for (const Row* ep : child.Rows("Episodes")) {
    const Provider* p = UrnOf(ctx, ep);
    if (!p) continue;
    std::string la = p->la;
    if (la.empty() && ctx.reference->has_postcodes())
      if (auto s = ctx.reference->Locate(p->postcode)) la = s->pl_la;
    if (la.empty()) continue;
    const std::string& pr = ep->Get("PLACE_PROVIDER");
    if ((pr == "PR1" && la != ctx.la) || (pr == "PR2" && la == ctx.la))
      hits.Add(ep, "PLACE_PROVIDER", "'" + pr + "', the URN is in LA " + la);
  }
}

// 1008: a URN given (not XXXXXXX) is on Ofsted's register.
void Rule1008(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const std::string& urn = ep->Get("URN");
    if (Blank(urn) || Upper(urn) == "XXXXXXX") continue;
    if (!ctx.reference->FindProvider(urn)) hits.Add(ep, "URN", "not on Ofsted's provider lists");
  }
}

void Add(std::vector<RuleDef>* defs, uint8_t needs, std::string_view code, std::string_view message,
         std::string_view fields, int from, int to, std::string_view example, ChildRuleFn fn) {
  RuleDef d{RuleInfo{code, "ssda903", E, message, fields, from, to, example, "DfE"}, fn, {}};
  d.needs = needs;
  defs->push_back(std::move(d));
}

}  // namespace

void AddSsda903RulesG(std::vector<RuleDef>* defs) {
  constexpr uint8_t P = kNeedsPostcodes, U = kNeedsProviders;
  Add(defs, P, "164", "Distance is not valid. Please check a valid postcode has been entered.", "PL_DISTANCE", 0, 0,
      "HOME_POST and PL_POST more than 999.9 miles apart", &Rule164);
  Add(defs, P, "169",
      "Local Authority (LA) of placement is not valid or is missing. Please check a valid postcode has been entered.",
      "PL_LA", 0, 0, "LS C2 and a PL_POST the postcode lookup does not have", &Rule169);
  Add(defs, P, "179", "Placement location code is not a valid code.", "PL_LOCATION", 0, 0,
      "LS C2 and no PL_POST, so no PL_LOCATION", &Rule179);
  Add(defs, P, "218", "Ofsted Unique reference number (URN) is required.", "URN", 0, 2024,
      "PLACE K2 placed in England, DEC blank, URN blank", &Rule218_2024);
  Add(defs, P, "218", "Ofsted Unique reference number (URN) is required.", "URN", 2025, 2025,
      "PLACE H5 placed in England, DEC blank, URN blank", &Rule218_2025);
  Add(defs, P, "218", "Ofsted Unique reference number (URN) is required.", "URN", 2026, 0,
      "PLACE Z1 placed in England, DEC blank, URN blank", &Rule218);
  Add(defs, P, "230",
      "Ofsted Unique reference number (URN) is required for any English H5 placements from 28 October 2023.",
      "PLACE, DEC, URN", 2024, 2024, "PLACE H5 placed in England, DEC blank, URN XXXXXXX", &Rule230);
  Add(defs, P, "392a", "Child is looked after but no distance is recorded.", "PL_DISTANCE", 0, 0,
      "LS C2, never UASC, HOME_POST blank", &Rule392a);
  Add(defs, P, "392c", "Postcode(s) provided are invalid.", "HOME_POST, PL_POST", 0, 0,
      "PL_POST 'ZZ9 9' when the postcode lookup has no sector ZZ9 9", &Rule392c);
  Add(defs, P, "406",
      "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should be blank.",
      "PL_DISTANCE", 0, 0, "a UASC child with HOME_POST and PL_POST both in the lookup", &Rule406);
  Add(defs, P, "411", "Placement location code disagrees with LA of placement.", "PL_LOCATION", 0, 0,
      "a row giving PL_LOCATION IN with PL_POST in another LA", &Rule411);
  Add(defs, P, "420", "LA of placement completed but child is looked after under legal status V3 or V4.", "PL_LA", 0, 0,
      "LS V3 with a PL_POST the lookup places", &Rule420);
  Add(defs, P, "452",
      "Contradiction between local authority of placement code in the last episode of the previous year and in the "
      "first episode of the current year.",
      "PL_LA", 0, 0, "same RNE, last year's open episode placed in 301, this year's first in 302", &Rule452);
  Add(defs, P, "453",
      "Contradiction between placement distance in the last episode of the previous year and in the first episode of "
      "the current year.",
      "PL_DISTANCE", 0, 0, "same RNE, last year's open episode 3.0 miles from home, this year's first 5.0", &Rule453);
  Add(defs, P, "454", "Placement distance from home is over 350 miles.", "PL_DISTANCE", 2026, 0,
      "HOME_POST and PL_POST 400 miles apart", &Rule454);
  Add(defs, P, "503G", "The distance in first episode does not match open episode at end of last year.", "PL_DISTANCE",
      0, 0, "last year's open episode 3.0 miles from home, this year's first 5.0", &Rule503G);
  Add(defs, P, "503H", "The placement LA in first episode does not match open episode at end of last year.", "PL_LA", 0,
      0, "last year's open episode placed in 301, this year's first in 302", &Rule503H);
  Add(defs, P, "503J", "The placement location in first episode does not match open episode at end of last year.",
      "PL_LOCATION", 0, 0, "last year's open episode placed IN, this year's first OUT", &Rule503J);
  Add(defs, P, "1015", "Placement provider is own provision but child not placed in own LA.", "PL_LA", 0, 0,
      "PLACE_PROVIDER PR1, PLACE K2, PL_POST in another LA", &Rule1015);
  Add(defs, U, "219",
      "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement type "
      "recorded.",
      "URN, PLACE", 0, 0, "PLACE U1 at a URN whose placement codes are K2", &Rule219);
  Add(defs, U, "221",
      "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement "
      "postcode provided.",
      "PL_POST", 0, 2023, "PLACE K2, PL_POST not the URN's postcode", &Rule221_2023);
  Add(defs, U, "221",
      "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement "
      "postcode provided.",
      "PL_POST", 2024, 2024, "PLACE H5, PL_POST not the URN's postcode", &Rule221_2024);
  Add(defs, U, "221",
      "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement "
      "postcode provided.",
      "PL_POST", 2025, 0, "PLACE K3, PL_POST not the URN's postcode", &Rule221);
  Add(defs, U, "224",
      "The Ofsted Unique reference number (URN) provided for the child's placement does not match the placement "
      "provider recorded.",
      "PLACE_PROVIDER", 0, 0, "PLACE_PROVIDER PR1 at a URN whose provider codes are PR4", &Rule224);
  Add(defs, U, "227", "Ofsted Unique reference number (URN) is not valid for the episode start date.", "URN, DECOM", 0,
      0, "DECOM 01/06/2024 at a URN whose registration ended 01/05/2024", &Rule227);
  Add(defs, U, "228", "Ofsted Unique reference number (URN) is not valid for the episode end date.", "URN, DEC", 0, 0,
      "DEC blank in 2024-25 at a URN whose registration ended 01/03/2025", &Rule228);
  Add(defs, U, "229",
      "Placement provider does not match between the placing authority and the local authority code of the provider.",
      "URN, PLACE_PROVIDER", 0, 0, "PLACE_PROVIDER PR1 at a URN in another LA", &Rule229);
  Add(defs, U, "1008", "Ofsted Unique Reference Number (URN) is not valid.", "URN", 0, 0,
      "a URN not on Ofsted's provider lists", &Rule1008);
}

}  // namespace carestat::validation
