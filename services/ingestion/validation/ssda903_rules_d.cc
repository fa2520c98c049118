// DfE rules (batch ssda903_rules_d): see model.h for how a rule is written and registered.
// SSDA903 rules 504-580: adopters (AD1), placement providers, OC2 conviction and health
// promotion, decisions to place for adoption (PlacedAdoption) and missing periods.
// Not written: 503G, 503H, 503J compare PL_DISTANCE, PL_LA and PL_LOCATION, which are
// derived from postcode and URN reference data the engine does not have.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers.

bool Given(const Row* r, std::string_view field) { return r && !Blank(r->Get(field)); }

// Two dates given as the file wrote them are the same (both read as dates and equal, or,
// when either is not a date, the same text).
bool SameDate(const Row* a, std::string_view fa, const Row* b, std::string_view fb) {
  const auto da = Day(a, fa);
  const auto db = Day(b, fb);
  if (da && db) return *da == *db;
  return !Blank(a->Get(fa)) && a->Get(fa) == b->Get(fb);
}


// The child's date of birth: the row's own DOB, else the Header's.
std::optional<int32_t> DobOf(const ChildData& child, const Row* row) {
  if (auto d = Day(row, "DOB")) return d;
  return Day(child.First("Header"), "DOB");
}

bool PeriodKnown(const Context& ctx) { return ctx.period_start != 0 || ctx.period_end != 0; }

// A period of care: consecutive episodes (by DECOM) where each begins when the one before
// ended with REC X1 (a change of placement or legal status, not leaving care).
struct CarePeriod {
  std::vector<const Row*> episodes;
  int32_t start = 0;
  std::optional<int32_t> end;  // the last episode's DEC; nullopt: still open
  const Row* first() const { return episodes.front(); }
  const Row* last() const { return episodes.back(); }
  bool Holds(int32_t day) const { return start <= day && (!end || day <= *end); }
};

std::vector<CarePeriod> CarePeriods(const ChildData& child) {
  std::vector<CarePeriod> out;
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM")) {
    const int32_t decom = *Day(ep, "DECOM");
    bool joins = false;
    if (!out.empty()) {
      const Row* prev = out.back().last();
      const auto prev_dec = Day(prev, "DEC");
      const bool left = Given(prev, "REC") && prev->Get("REC") != "X1";
      joins = !left && (!prev_dec || decom <= *prev_dec);
    }
    if (!joins) {
      out.emplace_back();
      out.back().start = decom;
    }
    out.back().episodes.push_back(ep);
    out.back().end = Day(ep, "DEC");
  }
  return out;
}

// DfE's "looked after continuously for 12 months at 31 March": in care during the year, and
// no episode of the year begins a period of care (RNE S), ends one (REC other than X1
// before 31 March) or is a short break (LS V3, V4).
bool ContinuouslyLookedAfter(const Context& ctx, const ChildData& child) {
  bool during = false;
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    const auto dec = Day(ep, "DEC");
    const bool in_year = decom && *decom <= ctx.period_end && (!dec || *dec >= ctx.period_start);
    during = during || in_year;
    if (ep->Get("RNE") == "S" && decom && *decom > ctx.period_start && *decom <= ctx.period_end) return false;
    if (ep->Get("REC") != "X1" && dec && *dec >= ctx.period_start && *dec < ctx.period_end) return false;
    if (in_year && OneOf(ep->Get("LS"), {"V3", "V4"})) return false;
  }
  return during;
}

// The child's latest decision to place for adoption (latest DATE_PLACED; with none dated,
// the last row); nullptr when there is none.
const Row* LatestDecision(const ChildData& child) {
  const Row* best = nullptr;
  std::optional<int32_t> best_day;
  for (const Row* r : child.Rows("PlacedAdoption")) {
    const auto d = Day(r, "DATE_PLACED");
    if (!best || (d && (!best_day || *d >= *best_day)) || (!d && !best_day)) {
      best = r;
      best_day = d;
    }
  }
  return best;
}

bool IsAdoptionPlacement(const Row* ep) { return OneOf(ep->Get("PLACE"), {"A3", "A4", "A5", "A6"}); }

// Flags each AD1 row with LS_ADOPTR `ls` whose SEX_ADOPTR is not one of `sexes`.
void AdopterSexes(const ChildData& child, Hits& hits, std::string_view ls, std::initializer_list<std::string_view> sexes) {
  for (const Row* r : child.Rows("AD1")) {
    if (r->Get("LS_ADOPTR") != ls) continue;
    if (!OneOf(r->Get("SEX_ADOPTR"), sexes)) hits.Add(r, "SEX_ADOPTR", r->Get("SEX_ADOPTR"));
  }
}

// Flags each episode with PLACE in `places` and PLACE_PROVIDER `provider`.
void ProviderNotFor(const ChildData& child, Hits& hits, std::string_view provider,
                    std::initializer_list<std::string_view> places) {
  for (const Row* ep : child.Rows("Episodes"))
    if (ep->Get("PLACE_PROVIDER") == provider && OneOf(ep->Get("PLACE"), places))
      hits.Add(ep, "PLACE_PROVIDER", std::string(provider) + " with " + ep->Get("PLACE"));
}

// ---------------------------------------------------------------------------------------
// Rules.

// 504: within a period of care the category of need stays as at its start.
void Rule504(const Context&, const ChildData& child, Hits& hits) {
  for (const CarePeriod& p : CarePeriods(child)) {
    const std::string& first = p.first()->Get("CIN");
    for (size_t i = 1; i < p.episodes.size(); ++i) {
      const Row* ep = p.episodes[i];
      if (ep->Get("CIN") != first) hits.Add(ep, "CIN", ep->Get("CIN") + " (the period began with " + first + ")");
    }
  }
}

void Rule511(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("AD1"))
    if (r->Get("NB_ADOPTR") == "2" && !OneOf(r->Get("SEX_ADOPTR"), {"MM", "FF", "MF"}))
      hits.Add(r, "SEX_ADOPTR", r->Get("SEX_ADOPTR"));
}

void Rule514(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L0", {"M1", "F1"}); }

void Rule516(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (OneOf(ep->Get("REC"), {"E45", "E46"}) && !OneOf(ep->Get("PLACE"), {"U1", "U2", "U3", "U4", "U5", "U6"}))
      hits.Add(ep, "PLACE", ep->Get("PLACE"));
}

void Rule517(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L3", {"MF"}); }
void Rule518(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L4", {"MM", "FF"}); }
void Rule519(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L2", {"MM", "FF", "MF"}); }
void Rule520(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L11", {"MF"}); }

// 521: the decision that adoption is in the child's best interests (DATE_INT) comes on or
// before each placement for adoption.
void Rule521(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const auto decom = Day(ep, "DECOM");
    if (!IsAdoptionPlacement(ep) || !decom) continue;
    for (const Row* ad : child.Rows("AD1")) {
      const auto date_int = Day(ad, "DATE_INT");
      if (date_int && *date_int > *decom) {
        hits.Add(ep, "DECOM", ShowDay(ctx, *decom));
        hits.Add(ad, "DATE_INT", ShowDay(ctx, *date_int));
      }
    }
  }
}

// 523: the adoption's DATE_INT is the date of the decision to place (the latest one).
void Rule523(const Context&, const ChildData& child, Hits& hits) {
  const Row* pa = LatestDecision(child);
  if (!Given(pa, "DATE_PLACED")) return;
  for (const Row* ad : child.Rows("AD1")) {
    if (!Given(ad, "DATE_INT") || SameDate(pa, "DATE_PLACED", ad, "DATE_INT")) continue;
    hits.Add(pa, "DATE_PLACED");
    hits.Add(ad, "DATE_INT");
  }
}

void Rule524(const Context&, const ChildData& child, Hits& hits) { AdopterSexes(child, hits, "L12", {"MM", "FF"}); }

// 525: a child with a decision to place for adoption that was reversed has no adoption.
// DfE: "If <DATE_PLACED_CEASED> not Null, then <DATE_INT>; <DATE_MATCH>; ... should not be
// provided": every reversed decision of the year's PlacedAdoption, not only the latest.
void Rule525(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    if (!Given(pa, "DATE_PLACED_CEASED")) continue;
    for (const Row* ad : child.Rows("AD1")) {
      for (std::string_view f : {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}) {
        if (!Given(ad, f)) continue;
        hits.Add(pa, "DATE_PLACED_CEASED");
        hits.Add(ad, f);
        break;
      }
    }
  }
}

// 526: a placement provider for every placement but those (temporary, T*; abroad, Z1 /
// from 2025-26 Z11-Z14) that have none.
void Rule526(const Context& ctx, const ChildData& child, Hits& hits) {
  const bool z1x = ctx.year == 0 || ctx.year >= 2026;
  for (const Row* ep : child.Rows("Episodes")) {
    if (Given(ep, "PLACE_PROVIDER")) continue;
    const std::string& place = ep->Get("PLACE");
    if (OneOf(place, {"T0", "T1", "T2", "T3", "T4"})) continue;
    if (z1x ? OneOf(place, {"Z11", "Z12", "Z13", "Z14"}) : place == "Z1") continue;
    hits.Add(ep, "PLACE_PROVIDER", place.empty() ? "" : "placement " + place);
  }
}

void Rule527(const Context&, const ChildData& child, Hits& hits) { ProviderNotFor(child, hits, "PR1", {"P1", "R2", "R5"}); }
void Rule528(const Context&, const ChildData& child, Hits& hits) { ProviderNotFor(child, hits, "PR2", {"P1", "R2", "R5"}); }
void Rule529(const Context&, const ChildData& child, Hits& hits) {
  ProviderNotFor(child, hits, "PR3", {"A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"});
}
void Rule530(const Context&, const ChildData& child, Hits& hits) { ProviderNotFor(child, hits, "PR4", {"P1"}); }
void Rule531(const Context&, const ChildData& child, Hits& hits) { ProviderNotFor(child, hits, "PR5", {"P1"}); }

// 542: under 10 at 31 March: no conviction information.
void Rule542(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  for (const Row* r : child.Rows("OC2")) {
    const auto dob = DobOf(child, r);
    if (dob && AgeOn(*dob, ctx.period_end) < 10 && Given(r, "CONVICTED")) hits.Add(r, "CONVICTED", r->Get("CONVICTED"));
  }
}

// 543: aged 10 or over at 31 March and looked after for 12 months: conviction given.
void Rule543(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx) || !ctx.HasTable("Episodes")) return;
  const auto& oc2 = child.Rows("OC2");
  if (oc2.empty() || !ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* r : oc2) {
    const auto dob = DobOf(child, r);
    if (dob && AgeOn(*dob, ctx.period_end) >= 10 && !Given(r, "CONVICTED")) hits.Add(r, "CONVICTED");
  }
}

// 544 / 547: conviction (health promotion) information given, then the health fields too.
void HealthFieldsWith(const ChildData& child, Hits& hits, std::string_view given) {
  for (const Row* r : child.Rows("OC2")) {
    if (!Given(r, given)) continue;
    for (std::string_view f : {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"})
      if (!Given(r, f)) hits.Add(r, f);
  }
}
void Rule544(const Context&, const ChildData& child, Hits& hits) { HealthFieldsWith(child, hits, "CONVICTED"); }

// 545: under 5 at 31 March and looked after for 12 months: health promotion given.
void Rule545(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx) || !ctx.HasTable("Episodes")) return;
  const auto& oc2 = child.Rows("OC2");
  if (oc2.empty() || !ContinuouslyLookedAfter(ctx, child)) return;
  for (const Row* r : oc2) {
    const auto dob = DobOf(child, r);
    if (dob && AgeOn(*dob, ctx.period_end) < 5 && !Given(r, "HEALTH_CHECK")) hits.Add(r, "HEALTH_CHECK");
  }
}

// 546: aged 5 or over at 31 March: no health promotion information.
void Rule546(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  for (const Row* r : child.Rows("OC2")) {
    const auto dob = DobOf(child, r);
    if (dob && AgeOn(*dob, ctx.period_end) >= 5 && Given(r, "HEALTH_CHECK"))
      hits.Add(r, "HEALTH_CHECK", r->Get("HEALTH_CHECK"));
  }
}

void Rule547(const Context&, const ChildData& child, Hits& hits) { HealthFieldsWith(child, hits, "HEALTH_CHECK"); }

void Rule550(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (ep->Get("PLACE_PROVIDER") == "PR0" && ep->Get("PLACE") != "P1")
      hits.Add(ep, "PLACE_PROVIDER", "PR0 with " + ep->Get("PLACE"));
}

bool AnyDecisionDated(const ChildData& child) {
  for (const Row* r : child.Rows("PlacedAdoption"))
    if (Given(r, "DATE_PLACED")) return true;
  return false;
}

// 551: placed for adoption (A3-A6) with no date of the decision to place.
void Rule551(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption") || AnyDecisionDated(child)) return;
  for (const Row* ep : child.Rows("Episodes"))
    if (IsAdoptionPlacement(ep)) hits.Add(ep, "PLACE", ep->Get("PLACE"));
}

// For an episode that needs a decision to place for adoption on or before its DECOM: when
// the child's decisions are dated but all later, flags the episode's DECOM and the
// earliest decision's DATE_PLACED.
void DecisionNotBefore(const Context& ctx, const ChildData& child, const Row* ep, Hits& hits, bool flag_decision) {
  const auto decom = Day(ep, "DECOM");
  if (!decom) return;
  const Row* earliest = nullptr;
  for (const Row* r : InDateOrder(child.Rows("PlacedAdoption"), "DATE_PLACED")) {
    if (*Day(r, "DATE_PLACED") <= *decom) return;
    if (!earliest) earliest = r;
  }
  if (!earliest) return;
  hits.Add(ep, "DECOM", ShowDay(ctx, *decom));
  if (flag_decision) hits.Add(earliest, "DATE_PLACED", ShowDay(ctx, *Day(earliest, "DATE_PLACED")));
}

// 552: each placement for adoption follows a decision to place.
void Rule552(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM"))
    if (IsAdoptionPlacement(ep)) DecisionNotBefore(ctx, child, ep, hits, true);
}

// 553 (placement order, E1) and 555 (freeing order, D1): the order needs a dated decision
// to place for adoption, and while the order is open the decision has not ceased.
void OrderNeedsDecision(const Context& ctx, const ChildData& child, Hits& hits, std::string_view ls) {
  if (!ctx.HasTable("PlacedAdoption")) return;
  const bool dated = AnyDecisionDated(child);
  const Row* latest = LatestDecision(child);
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("LS") != ls) continue;
    if (!dated) hits.Add(ep, "LS", std::string(ls));
    if (latest && !Given(ep, "DEC")) {
      if (Given(latest, "DATE_PLACED_CEASED")) hits.Add(latest, "DATE_PLACED_CEASED");
      if (Given(latest, "REASON_PLACED_CEASED")) hits.Add(latest, "REASON_PLACED_CEASED");
    }
  }
}
void Rule553(const Context& ctx, const ChildData& child, Hits& hits) { OrderNeedsDecision(ctx, child, hits, "E1"); }

// 554 (placement order, E1) and 556 (freeing order, D1): the decision to place comes on or
// before the order (the first episode with that legal status).
void Rule554(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM")) {
    if (ep->Get("LS") != "E1") continue;
    DecisionNotBefore(ctx, child, ep, hits, true);
    return;
  }
}

void Rule555(const Context& ctx, const ChildData& child, Hits& hits) { OrderNeedsDecision(ctx, child, hits, "D1"); }

void Rule556(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : InDateOrder(child.Rows("Episodes"), "DECOM")) {
    if (ep->Get("LS") != "D1") continue;
    DecisionNotBefore(ctx, child, ep, hits, false);
    return;
  }
}

// 557: a child placed for adoption (A3-A6) or under an order (D1 or E1 to 2023-24; E1 from
// 2024-25) who left care other than by adoption has the decision's ceased items completed.
void Rule557(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption")) return;
  const bool with_d1 = ctx.year != 0 && ctx.year <= 2024;
  const Row* latest = LatestDecision(child);
  for (const Row* ep : child.Rows("Episodes")) {
    const std::string& ls = ep->Get("LS");
    const bool placed_or_order = IsAdoptionPlacement(ep) || ls == "E1" || (with_d1 && ls == "D1");
    const std::string& rec = ep->Get("REC");
    if (!placed_or_order || Blank(rec) || OneOf(rec, {"E11", "E12", "X1"})) continue;
    if (!latest) {
      hits.Add(ep, "REC", rec);
      continue;
    }
    const bool no_date = !Given(latest, "DATE_PLACED_CEASED");
    const bool no_reason = !Given(latest, "REASON_PLACED_CEASED");
    if (!no_date && !no_reason) continue;
    hits.Add(ep, "REC", rec);
    if (no_date) hits.Add(latest, "DATE_PLACED_CEASED");
    if (no_reason) hits.Add(latest, "REASON_PLACED_CEASED");
  }
}

// 558: adopted (REC E11, E12): the (latest) decision to place has not ceased.
void Rule558(const Context&, const ChildData& child, Hits& hits) {
  const Row* latest = LatestDecision(child);
  if (!Given(latest, "DATE_PLACED_CEASED")) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("REC"), {"E11", "E12"})) continue;
    hits.Add(ep, "REC", ep->Get("REC"));
    hits.Add(latest, "DATE_PLACED_CEASED");
  }
}

// 559: a decision dated before this year was in last year's return.
void Rule559(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption_last") || !PeriodKnown(ctx)) return;
  bool last_dated = false;
  for (const Row* r : child.Rows("PlacedAdoption_last")) last_dated = last_dated || Given(r, "DATE_PLACED");
  if (last_dated) return;
  for (const Row* r : child.Rows("PlacedAdoption")) {
    const auto d = Day(r, "DATE_PLACED");
    if (d && *d < ctx.period_start) hits.Add(r, "DATE_PLACED", ShowDay(ctx, *d));
  }
}

// 560: a decision open at the end of last year carries its date into this year.
void Rule560(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption_last")) return;
  const auto& now = child.Rows("PlacedAdoption");
  for (const Row* last : child.Rows("PlacedAdoption_last")) {
    if (!Given(last, "DATE_PLACED") || Given(last, "DATE_PLACED_CEASED")) continue;
    const bool carried = std::any_of(now.begin(), now.end(), [&](const Row* r) { return SameDate(r, "DATE_PLACED", last, "DATE_PLACED"); });
    if (carried) continue;
    for (const Row* r : now) hits.Add(r, "DATE_PLACED", r->Get("DATE_PLACED"));
  }
}

// 561: a decision with last year's date is not one that ceased last year.
void Rule561(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption_last")) return;
  for (const Row* last : child.Rows("PlacedAdoption_last")) {
    if (!Given(last, "DATE_PLACED_CEASED") && !Given(last, "REASON_PLACED_CEASED")) continue;
    for (const Row* r : child.Rows("PlacedAdoption"))
      if (SameDate(r, "DATE_PLACED", last, "DATE_PLACED")) hits.Add(r, "DATE_PLACED", r->Get("DATE_PLACED"));
  }
}

// 562: the first episode, when it began before this year, is last year's last episode.
void Rule562(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes_last") || !PeriodKnown(ctx)) return;
  const auto eps = InDateOrder(child.Rows("Episodes"), "DECOM");
  if (eps.empty() || *Day(eps.front(), "DECOM") >= ctx.period_start) return;
  const auto last = InDateOrder(child.Rows("Episodes_last"), "DECOM");
  // The latest DECOM last year (the last of equal dates in file order).
  if (!last.empty() && *Day(last.back(), "DECOM") == *Day(eps.front(), "DECOM")) return;
  hits.Add(eps.front(), "DECOM", ShowDay(ctx, *Day(eps.front(), "DECOM")));
}

void Rule563(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("PlacedAdoption"))
    if ((Given(r, "REASON_PLACED_CEASED") || Given(r, "DATE_PLACED_CEASED")) && !Given(r, "DATE_PLACED"))
      hits.Add(r, "DATE_PLACED");
}

void Rule564(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("Missing"))
    if (OneOf(r->Get("MISSING"), {"M", "A"}) && !Given(r, "MIS_START")) hits.Add(r, "MIS_START");
}

void Rule565(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("Missing"))
    if (Given(r, "MIS_START") && !Given(r, "MISSING")) hits.Add(r, "MISSING");
}

void Rule566(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("Missing"))
    if (Given(r, "MIS_END") && !Given(r, "MISSING")) hits.Add(r, "MISSING");
}

void Rule570(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  for (const Row* r : child.Rows("Missing")) {
    const auto d = Day(r, "MIS_START");
    if (d && *d > ctx.period_end) hits.Add(r, "MIS_START", ShowDay(ctx, *d));
  }
}

void Rule571(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!PeriodKnown(ctx)) return;
  for (const Row* r : child.Rows("Missing")) {
    const auto d = Day(r, "MIS_END");
    if (d && (*d < ctx.period_start || *d > ctx.period_end)) hits.Add(r, "MIS_END", ShowDay(ctx, *d));
  }
}

// 574 (missing periods) and 579 (decisions to place for adoption): in order of start, none
// starts while an earlier one is open or before an earlier one ended.
void NoOverlap(const Context& ctx, const ChildData& child, Hits& hits, std::string_view table, std::string_view start_f,
               std::string_view end_f) {
  bool open_before = false;
  std::optional<int32_t> latest_end;
  for (const Row* r : InDateOrder(child.Rows(table), start_f)) {
    const int32_t start = *Day(r, start_f);
    if (open_before) {
      hits.Add(r, start_f, "an earlier one is still open");
    } else if (latest_end && start < *latest_end) {
      hits.Add(r, start_f, "before an earlier one ended on " + ShowDay(ctx, *latest_end));
    }
    const auto end = Day(r, end_f);
    if (!end) {
      open_before = true;
    } else if (!latest_end || *end > *latest_end) {
      latest_end = end;
    }
  }
}
void Rule574(const Context& ctx, const ChildData& child, Hits& hits) { NoOverlap(ctx, child, hits, "Missing", "MIS_START", "MIS_END"); }

// 575: an open missing period's placement (the episode the child was in on MIS_START, the
// later one when a placement changed that day) has not ended.
void Rule575(const Context&, const ChildData& child, Hits& hits) {
  const auto eps = InDateOrder(child.Rows("Episodes"), "DECOM");
  for (const Row* r : child.Rows("Missing")) {
    const auto start = Day(r, "MIS_START");
    if (!start || Given(r, "MIS_END")) continue;
    const Row* placement = nullptr;
    for (const Row* ep : eps) {
      const auto dec = Day(ep, "DEC");
      if (*Day(ep, "DECOM") <= *start && (!dec || *start <= *dec)) placement = ep;
    }
    if (placement && Given(placement, "DEC")) hits.Add(r, "MIS_END");
  }
}

// 576: a missing period open at the end of last year is this year's first.
void Rule576(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Missing_last")) return;
  const Row* first = nullptr;
  std::optional<int32_t> first_day;
  for (const Row* r : child.Rows("Missing")) {
    const auto d = Day(r, "MIS_START");
    if (!first || (d && (!first_day || *d < *first_day))) {
      first = r;
      first_day = d;
    }
  }
  for (const Row* last : child.Rows("Missing_last")) {
    if (!Given(last, "MIS_START") || Given(last, "MIS_END")) continue;
    if (first && SameDate(first, "MIS_START", last, "MIS_START")) continue;
    if (first) {
      hits.Add(first, "MIS_START", "last year's open period began " + last->Get("MIS_START"));
    } else if (const Row* header = child.First("Header"); header && ctx.HasTable("Missing")) {
      hits.Add(header, "CHILD", "last year's open period began " + last->Get("MIS_START"));
    }
  }
}

// 577: a missing period begun in a period of care that has ended has an end date.
void Rule577(const Context&, const ChildData& child, Hits& hits) {
  const auto periods = CarePeriods(child);
  for (const Row* r : child.Rows("Missing")) {
    const auto start = Day(r, "MIS_START");
    if (!start || Given(r, "MIS_END")) continue;
    for (const CarePeriod& p : periods)
      if (p.Holds(*start) && p.end) hits.Add(r, "MIS_END");
  }
}

// 578: a missing period does not begin after the child ceased to be looked after (outside
// every period of care, after one ended).
void Rule578(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto periods = CarePeriods(child);
  for (const Row* r : child.Rows("Missing")) {
    const auto start = Day(r, "MIS_START");
    if (!start) continue;
    bool inside = false;
    std::optional<int32_t> ended;
    for (const CarePeriod& p : periods) {
      inside = inside || p.Holds(*start);
      if (p.end && *p.end < *start) ended = p.end;
    }
    if (!inside && ended) hits.Add(r, "MIS_START", "after care ended on " + ShowDay(ctx, *ended));
  }
}

void Rule579(const Context& ctx, const ChildData& child, Hits& hits) {
  NoOverlap(ctx, child, hits, "PlacedAdoption", "DATE_PLACED", "DATE_PLACED_CEASED");
}

// 580: a child still missing on the 18th birthday on which care ended left care with E8.
void Rule580(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows("Missing")) {
    const auto end = Day(r, "MIS_END");
    const auto dob = DobOf(child, r);
    if (!end || !dob) continue;
    int y, m, d;
    CivilFromDays(*dob, &y, &m, &d);
    // The 18th birthday (1 March for a 29 February birthday in a year without one).
    const int32_t bd18 = IsValidDate(y + 18, m, d) ? DayNumber(y + 18, m, d) : DayNumber(y + 18, 3, 1);
    if (*end != bd18) continue;
    for (const Row* ep : child.Rows("Episodes")) {
      const auto dec = Day(ep, "DEC");
      if (dec && *dec == bd18 && ep->Get("REC") != "E8") hits.Add(ep, "REC", ep->Get("REC"));
    }
  }
}

RuleInfo Info(std::string_view code, std::string_view message, std::string_view fields, std::string_view example,
              int from = 0, int to = 0) {
  return RuleInfo{code, "ssda903", RuleSeverity::kError, message, fields, from, to, example, "DfE"};
}

}  // namespace

void AddSsda903RulesD(std::vector<RuleDef>* defs) {
  auto add = [&](RuleInfo info, ChildRuleFn fn) { defs->push_back({info, fn, {}}); };
  add(Info("504",
           "The category of need code differs from that reported at start of current period of being looked after",
           "CIN", "CIN N1 at the start of a period of care, N2 in a later episode of it"),
      &Rule504);
  add(Info("511",
           "If reporting that the number of person(s) adopting the looked after child is two adopters then the code "
           "should only be MM, FF or MF. MM = the adopting couple are both males; FF = the adopting couple are both "
           "females; MF = The adopting couple are male and female.",
           "NB_ADOPTR, SEX_ADOPTR", "NB_ADOPTR 2 with SEX_ADOPTR M1"),
      &Rule511);
  add(Info("514",
           "Data entry on the legal status of adopters shows a single adopter but data entry for the numbers of "
           "adopters shows it as a couple.",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L0 with SEX_ADOPTR MF"),
      &Rule514);
  add(Info("516",
           "The episode data submitted for this child does not show that he/she was with their former foster "
           "carer(s) during the year.If the code in the reason episode ceased is E45 or E46 the child must have a "
           "placement code of U1 to U6.",
           "REC, PLACE", "REC E45 with PLACE R1"),
      &Rule516);
  add(Info("517",
           "If reporting legal status of adopters is L3 then the genders of adopters should be coded as MF. MF = the "
           "adopting couple are male and female.",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L3 with SEX_ADOPTR FF"),
      &Rule517);
  add(Info("518",
           "If reporting legal status of adopters is L4 then the genders of adopters should be coded as MM or FF. MM "
           "= the adopting couple are both males. FF = the adopting couple are both females.",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L4 with SEX_ADOPTR MF"),
      &Rule518);
  add(Info("519",
           "Data entered on the legal status of adopters shows civil partnership couple, but data entered on genders "
           "of adopters does not show it as a couple.",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L2 with SEX_ADOPTR M1"),
      &Rule519);
  add(Info("520",
           "Data entry on the legal status of adopters shows different gender married couple but data entry on "
           "genders of adopters shows it as a same gender couple.",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L11 with SEX_ADOPTR FF"),
      &Rule520);
  add(Info("521",
           "Date of local authority's decision (LA) that adoption is in the best interests of the child (date should "
           "be placed) must be on or prior to the date the child is placed for adoption.",
           "PLACE, DECOM, DATE_INT", "an A3 placement from 01/05/2024, DATE_INT 02/05/2024"),
      &Rule521);
  add(Info("523",
           "Date of decision that the child should be placed for adoption should be the same date as the decision "
           "that adoption is in the best interest (date should be placed).",
           "DATE_PLACED, DATE_INT", "DATE_PLACED 01/05/2024, DATE_INT 02/05/2024"),
      &Rule523);
  add(Info("524",
           "If reporting legal status of adopters is L12 then the genders of adopters should be coded as MM or FF. MM "
           "= the adopting couple are both males. FF = the adopting couple are both females",
           "LS_ADOPTR, SEX_ADOPTR", "LS_ADOPTR L12 with SEX_ADOPTR MF"),
      &Rule524);
  add(Info("525",
           "A child for whom the decision to be placed for adoption has been reversed cannot be adopted during the "
           "year.",
           "DATE_PLACED_CEASED, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR",
           "a decision that ceased and an AD1 row with DATE_INT"),
      &Rule525);
  add(Info("526", "Child is missing a placement provider code for at least one episode.", "PLACE, PLACE_PROVIDER",
           "a U1 placement with no PLACE_PROVIDER", 0, 2025),
      &Rule526);
  add(Info("526", "Child is missing a placement provider code for at least one episode.", "PLACE, PLACE_PROVIDER",
           "a Z1 placement with no PLACE_PROVIDER (from 2025-26 the codes are Z11 to Z14)", 2026, 0),
      &Rule526);
  add(Info("527", "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
           "PLACE, PLACE_PROVIDER", "PLACE R2 with PLACE_PROVIDER PR1"),
      &Rule527);
  add(Info("528", "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
           "PLACE, PLACE_PROVIDER", "PLACE R5 with PLACE_PROVIDER PR2"),
      &Rule528);
  add(Info("529",
           "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 and U1 to U6 as "
           "these placements cannot be provided by other public organisations.",
           "PLACE, PLACE_PROVIDER", "PLACE K2 with PLACE_PROVIDER PR3"),
      &Rule529);
  add(Info("530", "A placement provider code of PR4 cannot be associated with placement P1.", "PLACE, PLACE_PROVIDER",
           "PLACE P1 with PLACE_PROVIDER PR4"),
      &Rule530);
  add(Info("531", "A placement provider code of PR5 cannot be associated with placements P1.", "PLACE, PLACE_PROVIDER",
           "PLACE P1 with PLACE_PROVIDER PR5"),
      &Rule531);
  add(Info("542", "A child aged under 10 at 31 March should not have conviction information completed.", "CONVICTED",
           "a child of 9 at 31 March with CONVICTED 0"),
      &Rule542);
  add(Info("543",
           "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months yet conviction "
           "information has not been completed.",
           "DOB, CONVICTED", "a child of 12 looked after all year with no CONVICTED"),
      &Rule543);
  add(Info("544",
           "Any child who has conviction information completed must also have immunisation, teeth check, health "
           "assessment and substance misuse problem identified fields completed.",
           "CONVICTED, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE",
           "CONVICTED 1 with no TEETH_CHECK"),
      &Rule544);
  add(Info("545",
           "Child is aged under 5 at 31 March and has been looked after continuously for 12 months yet health "
           "promotion information has not been completed.",
           "DOB, HEALTH_CHECK", "a child of 3 looked after all year with no HEALTH_CHECK"),
      &Rule545);
  add(Info("546", "Children aged 5 or over at 31 March should not have health promotion information completed.",
           "DOB, HEALTH_CHECK", "a child of 6 at 31 March with HEALTH_CHECK 1"),
      &Rule546);
  add(Info("547",
           "Any child who has health promotion information completed must also have immunisation, teeth check, "
           "health assessment and substance misuse problem identified fields completed.",
           "HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE",
           "HEALTH_CHECK 1 with no IMMUNISATIONS"),
      &Rule547);
  add(Info("550", "A placement provider code of PR0 can only be associated with placement P1.", "PLACE, PLACE_PROVIDER",
           "PLACE U1 with PLACE_PROVIDER PR0"),
      &Rule550);
  add(Info("551",
           "Child has been placed for adoption but there is no date of the decision that the child should be placed "
           "for adoption.",
           "DATE_PLACED, PLACE", "an A4 placement and no PlacedAdoption row"),
      &Rule551);
  add(Info("552",
           "Date of Decision to place a child for adoption should be on or prior to the date that the child was "
           "placed for adoption.",
           "DATE_PLACED, DECOM", "an A3 placement from 01/05/2024, DATE_PLACED 02/05/2024"),
      &Rule552);
  add(Info("553",
           "Placement order has been granted but there is no date of decision that the child should be placed for "
           "adoption.",
           "CHILD, DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED", "an E1 episode and no PlacedAdoption row"),
      &Rule553);
  add(Info("554",
           "Date of decision that the child should be placed for adoption should be on or prior to the date that the "
           "placement order was granted.",
           "DATE_PLACED, DECOM, LS", "the first E1 episode from 01/05/2024, DATE_PLACED 02/05/2024"),
      &Rule554);
  add(Info("555",
           "Freeing order has been granted but there is no date of decision that the child should be placed for "
           "adoption.",
           "CHILD, DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED", "a D1 episode and no PlacedAdoption row", 0,
           2024),
      &Rule555);
  add(Info("556",
           "Date of decision that the child should be placed for adoption should be on or prior to the date that the "
           "freeing order was granted.",
           "DATE_PLACED, DECOM", "the first D1 episode from 01/05/2023, DATE_PLACED 02/05/2023", 0, 2024),
      &Rule556);
  add(Info("557",
           "Child for whom the decision was made that they should be placed for adoption has left care but was not "
           "adopted and information on the decision that they should no longer be placed for adoption items has not "
           "been completed.",
           "DATE_PLACED_CEASED, REASON_PLACED_CEASED, PLACE, LS, REC",
           "an A3 placement ending E13 with the decision's DATE_PLACED_CEASED blank", 0, 2024),
      &Rule557);
  add(Info("557",
           "Child for whom the decision was made that they should be placed for adoption has left care but was not "
           "adopted and information on the decision that they should no longer be placed for adoption items has not "
           "been completed.",
           "DATE_PLACED_CEASED, REASON_PLACED_CEASED, PLACE, LS, REC",
           "an E1 episode ending E13 with the decision's REASON_PLACED_CEASED blank", 2025, 0),
      &Rule557);
  add(Info("558",
           "If a child has been adopted, then the decision to place them for adoption has not been disrupted and the "
           "date of the decision that a child should no longer be placed for adoption should be left blank.",
           "DATE_PLACED_CEASED, REC", "REC E11 with the decision's DATE_PLACED_CEASED given"),
      &Rule558);
  add(Info("559",
           "Date of decision that a child should be placed for adoption was not in the current year but the date of "
           "the decision that the child should be placed for adoption was not completed in a previous return.",
           "DATE_PLACED", "DATE_PLACED 01/02/2024 in 2024-25, none in last year's return"),
      &Rule559);
  add(Info("560",
           "Date of decision that the child should be placed for adoption this year is different from that recorded "
           "last year but the decision to place the child for adoption did not change.",
           "DATE_PLACED, DATE_PLACED_CEASED", "last year's open decision of 01/02/2024 given as 02/02/2024"),
      &Rule560);
  add(Info("561",
           "Date of the decision that the child should be placed for adoption this year is the same as that recorded "
           "last year but records show that the decision changed, and the child should no longer be placed for "
           "adoption last year.",
           "DATE_PLACED", "DATE_PLACED of a decision that ceased last year"),
      &Rule561);
  add(Info("562",
           "Episode commenced before the start of the current collection year but there is a missing continuous "
           "episode in the previous year.",
           "DECOM", "a first episode from 01/02/2024 not in last year's return"),
      &Rule562);
  add(Info("563",
           "The child should no longer be placed for adoption but the date of the decision that the child should be "
           "placed for adoption is blank",
           "DATE_PLACED, REASON_PLACED_CEASED, DATE_PLACED_CEASED", "DATE_PLACED_CEASED given, DATE_PLACED blank"),
      &Rule563);
  add(Info("564",
           "Child was missing or away from placement without authorisation and the date started is blank.",
           "MISSING, MIS_START", "MISSING M with no MIS_START"),
      &Rule564);
  add(Info("565",
           "The date that the child started to be missing or away from placement without authorisation has been "
           "completed but whether the child was missing or away from placement without authorisation has not been "
           "completed.",
           "MISSING, MIS_START", "MIS_START given, MISSING blank"),
      &Rule565);
  add(Info("566",
           "The date that the child's episode of being missing or away from placement without authorisation ended "
           "has been completed but whether the child was missing or away without authorisation has not been "
           "completed.",
           "MISSING, MIS_END", "MIS_END given, MISSING blank"),
      &Rule566);
  add(Info("570",
           "The date that the child started to be missing or away from placement without authorisation is after the "
           "end of the collection year.",
           "MIS_START", "MIS_START 01/04/2025 in 2024-25"),
      &Rule570);
  add(Info("571",
           "The date that the child ceased to be missing or away from placement without authorisation is before the "
           "start or after the end of the collection year.",
           "MIS_END", "MIS_END 31/03/2024 in 2024-25"),
      &Rule571);
  add(Info("574",
           "A new missing/away from placement without authorisation period cannot start when the previous "
           "missing/away from placement without authorisation period is still open. Missing/away from placement "
           "without authorisation periods should also not overlap.",
           "MIS_START, MIS_END", "a period from 05/05/2024 while one from 01/05/2024 is open"),
      &Rule574);
  add(Info("575",
           "If the placement from which the child goes missing/away from placement without authorisation ends, the "
           "missing/away from placement without authorisation period in the missing module must also have an end "
           "date.",
           "MIS_END", "an open missing period begun in a placement that ended"),
      &Rule575);
  add(Info("576",
           "There is an open missing/away from placement without authorisation period in last year’s return and "
           "there is no corresponding period recorded at the start of this year.",
           "CHILD", "last year's open period from 01/03/2024, this year's first from 01/05/2024"),
      &Rule576);
  add(Info("577",
           "Child ceased to be looked after but there is a missing/away from placement without authorisation period "
           "without an end date.",
           "MIS_END", "care ended 01/06/2024, a missing period from 01/05/2024 with no end"),
      &Rule577);
  add(Info("578", "The date that the child started to be missing is after the child ceased to be looked after.",
           "MIS_START", "care ended 01/06/2024, a missing period from 02/06/2024"),
      &Rule578);
  add(Info("579",
           "A new decision that the child should be placed for adoption this year cannot start when the previous "
           "decision is still open. Decisions to place the child for adoption should also not overlap. The date of "
           "any new decision to place the child for adoption must not be before the date placed ceased of previous "
           "decisions.",
           "DATE_PLACED, DATE_PLACED_CEASED", "a decision of 01/06/2024 while one of 01/02/2024 is open"),
      &Rule579);
  add(Info("580", "Child is missing when cease being looked after but reason episode ceased not ‘E8’.", "REC",
           "missing until the 18th birthday, care ended that day with REC E4A"),
      &Rule580);
}

}  // namespace carestat::validation
