// DfE rules (batch ssda903_rules_e): see model.h for how a rule is written and registered.
// SSDA903 rules 581-635 (missing periods, adoption, motherhood, previous permanence), EPI,
// the internal checks INT01-INT21 (a child's rows in one table against its Header) and the
// deprivation of liberty order (DoLo) rules 703-710 of 2026-27.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

// Whether the collection year, and so the period's dates, are known.
bool YearKnown(const Context& ctx) { return ctx.period_end != 0; }

bool InPeriod(const Context& ctx, int32_t day) { return day >= ctx.period_start && day <= ctx.period_end; }

// The code a female child's SEX carries: "2" up to 2023-24, "F" from 2024-25.
std::string_view FemaleCode(const Context& ctx) { return ctx.year != 0 && ctx.year <= 2024 ? "2" : "F"; }

// The child's date of birth: the row's own DOB, else its Header's.
std::optional<int32_t> DobOf(const ChildData& child, const Row* row) {
  if (auto d = Day(row, "DOB")) return d;
  return Day(child.First("Header"), "DOB");
}

// An episode with its dates, for rules that need the episodes in order.
struct Episode {
  const Row* row;
  int32_t decom;
  std::optional<int32_t> dec;
};

// The child's episodes with a valid DECOM, sorted by DECOM (file order among equals).
std::vector<Episode> SortedEpisodes(const ChildData& child, std::string_view table = "Episodes") {
  std::vector<Episode> out;
  for (const Row* ep : child.Rows(table)) {
    if (auto decom = Day(ep, "DECOM")) out.push_back({ep, *decom, Day(ep, "DEC")});
  }
  std::stable_sort(out.begin(), out.end(), [](const Episode& a, const Episode& b) { return a.decom < b.decom; });
  return out;
}

// A period of care: episodes that follow on from each other (one starts on or before the
// day the one before it ended). `end` is empty while the last episode is open.
struct PeriodOfCare {
  int32_t start;
  std::optional<int32_t> end;
};

std::vector<PeriodOfCare> PeriodsOfCare(const ChildData& child) {
  std::vector<PeriodOfCare> out;
  for (const Episode& ep : SortedEpisodes(child)) {
    if (out.empty() || (out.back().end && ep.decom > *out.back().end)) {
      out.push_back({ep.decom, ep.dec});
    } else {
      out.back().end = ep.dec;
    }
  }
  return out;
}

bool IsAdoption(const Row* ep) { return OneOf(ep->Get("REC"), {"E11", "E12"}); }

// An episode ending in adoption (REC E11 or E12) with its DEC in the collection year.
bool AdoptedInYear(const Context& ctx, const Row* ep) {
  auto dec = Day(ep, "DEC");
  return IsAdoption(ep) && dec && YearKnown(ctx) && InPeriod(ctx, *dec);
}

constexpr std::string_view kAdoptionFields[] = {"DATE_INT",  "DATE_MATCH", "FOSTER_CARE",
                                                "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};

// 581: a missing period must start while the child is looked after (within an episode).
void Rule581(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes")) return;
  const auto eps = SortedEpisodes(child);
  for (const Row* mis : child.Rows("Missing")) {
    auto start = Day(mis, "MIS_START");
    if (!start) continue;
    const bool in_care = std::any_of(eps.begin(), eps.end(), [&](const Episode& ep) {
      return *start >= ep.decom && (!ep.dec || *start <= *ep.dec);
    });
    if (!in_care) hits.Add(mis, "MIS_START", ShowDay(ctx, *start));
  }
}

// 582: an adoption's DEC (REC E11/E12) should not be the day the child was matched.
void Rule582(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    auto dec = Day(ep, "DEC");
    if (!IsAdoption(ep) || !dec) continue;
    for (const Row* ad1 : child.Rows("AD1")) {
      if (Day(ad1, "DATE_MATCH") == dec) {
        hits.Add(ep, "DEC", ShowDay(ctx, *dec));
        hits.Add(ad1, "DATE_MATCH", ShowDay(ctx, *dec));
      }
    }
  }
}

// 583: of several decisions to place for adoption, all but the latest must have ceased.
void Rule583(const Context& ctx, const ChildData& child, Hits& hits) {
  std::vector<const Row*> dated;
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    if (!Blank(pa->Get("DATE_PLACED"))) dated.push_back(pa);
  }
  if (dated.size() < 2) return;
  const Row* latest = nullptr;
  std::optional<int32_t> latest_day;
  for (const Row* pa : dated) {
    auto d = Day(pa, "DATE_PLACED");
    if (d && (!latest_day || *d > *latest_day)) {
      latest = pa;
      latest_day = d;
    }
  }
  if (!latest) return;  // no valid date: other rules report the dates
  for (const Row* pa : dated) {
    if (pa != latest && Blank(pa->Get("DATE_PLACED_CEASED")))
      hits.Add(pa, "DATE_PLACED_CEASED", "decision of " + pa->Get("DATE_PLACED") + " not revoked");
  }
  (void)ctx;
}

// 584: where last year's decision to place for adoption ceased, this year's DATE_PLACED
// must be after last year's.
void Rule584(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PlacedAdoption_last")) return;
  std::optional<int32_t> last_ceased;  // the latest ceased decision of last year
  for (const Row* pa : child.Rows("PlacedAdoption_last")) {
    auto d = Day(pa, "DATE_PLACED");
    if (!d) continue;
    if (Blank(pa->Get("DATE_PLACED_CEASED")) && Blank(pa->Get("REASON_PLACED_CEASED"))) continue;
    if (!last_ceased || *d > *last_ceased) last_ceased = d;
  }
  if (!last_ceased) return;
  for (const Row* pa : child.Rows("PlacedAdoption")) {
    auto d = Day(pa, "DATE_PLACED");
    if (Blank(pa->Get("DATE_PLACED"))) {
      hits.Add(pa, "DATE_PLACED", "not provided");
    } else if (d && *d <= *last_ceased) {
      hits.Add(pa, "DATE_PLACED", ShowDay(ctx, *d) + " is not after last year's " + ShowDay(ctx, *last_ceased));
    }
  }
}

// 586: a missing period cannot start on or before the child's date of birth.
void Rule586(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* mis : child.Rows("Missing")) {
    auto start = Day(mis, "MIS_START");
    auto dob = DobOf(child, mis);
    if (start && dob && *start <= *dob) hits.Add(mis, "MIS_START", ShowDay(ctx, *start) + " is not after the date of birth");
  }
}

// 601: a child adopted in the year (REC E11/E12) needs every AD1 field.
void Rule601(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("AD1")) return;
  const auto& ad1s = child.Rows("AD1");
  for (const Row* ep : child.Rows("Episodes")) {
    if (!AdoptedInYear(ctx, ep)) continue;
    if (ad1s.empty()) {
      hits.Add(ep, "REC", ep->Get("REC") + " with no AD1 record");
      continue;
    }
    for (const Row* ad1 : ad1s) {
      std::vector<std::string_view> missing;
      for (std::string_view f : kAdoptionFields) {
        if (Blank(ad1->Get(f))) missing.push_back(f);
      }
      if (missing.empty()) continue;
      hits.Add(ep, "REC", ep->Get("REC"));
      for (std::string_view f : missing) hits.Add(ad1, f, "not provided");
    }
  }
}

// 602: adoption details (AD1) for a child whose episodes show no adoption in the year.
void Rule602(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !YearKnown(ctx)) return;
  const auto& eps = child.Rows("Episodes");
  if (std::any_of(eps.begin(), eps.end(), [&](const Row* ep) { return AdoptedInYear(ctx, ep); })) return;
  for (const Row* ad1 : child.Rows("AD1")) {
    const bool any = std::any_of(std::begin(kAdoptionFields), std::end(kAdoptionFields),
                                 [&](std::string_view f) { return !Blank(ad1->Get(f)); });
    if (any) hits.Add(ad1, "CHILD");
  }
}

// 607: a girl who ceased to be looked after in the year (REC not X1, LS not V3/V4)
// needs MOTHER. SEX female is "2" up to 2023-24 and "F" from 2024-25.
void Rule607(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!YearKnown(ctx)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    auto dec = Day(ep, "DEC");
    const std::string& rec = ep->Get("REC");
    if (!dec || !InPeriod(ctx, *dec) || Blank(rec) || rec == "X1" || OneOf(ep->Get("LS"), {"V3", "V4"})) continue;
    for (const Row* h : child.Rows("Header")) {
      if (h->Get("SEX") == FemaleCode(ctx) && Blank(h->Get("MOTHER"))) {
        hits.Add(ep, "DEC", ShowDay(ctx, *dec));
        hits.Add(h, "MOTHER", "not provided");
      }
    }
  }
}

// 611: MOTHER is 1 but MC_DOB is blank.
void Rule611(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    if (h->Get("MOTHER") == "1" && Blank(h->Get("MC_DOB"))) hits.Add(h, "MC_DOB", "not provided");
  }
  (void)ctx;
}

// 612: a girl with MC_DOB but MOTHER 0 or blank.
void Rule612(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    const std::string& mother = h->Get("MOTHER");
    if ((mother == "0" || Blank(mother)) && h->Get("SEX") == FemaleCode(ctx) && !Blank(h->Get("MC_DOB")))
      hits.Add(h, "MOTHER", Blank(mother) ? "not provided" : "0");
  }
}

// 620: a mother under 11 at the start of the collection year.
void Rule620(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!YearKnown(ctx)) return;
  for (const Row* h : child.Rows("Header")) {
    auto dob = Day(h, "DOB");
    if (h->Get("MOTHER") == "1" && dob && AgeOn(*dob, ctx.period_start) < 11)
      hits.Add(h, "DOB", "under 11 on " + ShowDay(ctx, ctx.period_start));
  }
}

// 621: the mother's first child born on or before the mother.
void Rule621(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* h : child.Rows("Header")) {
    auto dob = Day(h, "DOB");
    auto mc_dob = Day(h, "MC_DOB");
    if (dob && mc_dob && *mc_dob <= *dob) hits.Add(h, "MC_DOB", "not after the mother's date of birth");
  }
  (void)ctx;
}

// Two dates as written: the same day when both are dates, else the same text.
bool SameDate(const std::string& a, const std::string& b) {
  auto da = ParseDay(a);
  auto db = ParseDay(b);
  if (da && db) return *da == *db;
  return a == b;
}

// 624: MC_DOB differs from the one in last year's return.
void Rule624(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Header_last")) return;
  for (const Row* h : child.Rows("Header")) {
    for (const Row* last : child.Rows("Header_last")) {
      const std::string& before = last->Get("MC_DOB");
      if (Blank(before)) continue;
      if (!SameDate(h->Get("MC_DOB"), before)) {
        hits.Add(h, "MC_DOB", Blank(h->Get("MC_DOB")) ? "not provided, but given last year" : "differs from last year's");
      }
    }
  }
}

// 625: MC_DOB after the end of the year, or after the DEC of the child's latest episode.
void Rule625(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto eps = SortedEpisodes(child);
  for (const Row* h : child.Rows("Header")) {
    auto mc_dob = Day(h, "MC_DOB");
    if (!mc_dob) continue;
    if (YearKnown(ctx) && *mc_dob > ctx.period_end) {
      hits.Add(h, "MC_DOB", "after " + ShowDay(ctx, ctx.period_end));
    }
    if (!eps.empty() && eps.back().dec && *mc_dob > *eps.back().dec) {
      hits.Add(h, "MC_DOB", "after the latest episode's DEC");
      hits.Add(eps.back().row, "DEC", ShowDay(ctx, *eps.back().dec));
    }
  }
}

// 626: a mother this year (first child born before the year) who was not one last year.
void Rule626(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Header_last") || !YearKnown(ctx)) return;
  const auto& lasts = child.Rows("Header_last");
  const bool not_mother_last =
      std::any_of(lasts.begin(), lasts.end(), [](const Row* r) { return r->Get("MOTHER") == "0"; });
  if (!not_mother_last) return;
  for (const Row* h : child.Rows("Header")) {
    auto mc_dob = Day(h, "MC_DOB");
    if (h->Get("MOTHER") == "1" && mc_dob && *mc_dob < ctx.period_start)
      hits.Add(h, "MC_DOB", "before " + ShowDay(ctx, ctx.period_start) + ", but MOTHER was 0 last year");
  }
}

// 628: MOTHER given for a care leaver (OC3 details) with no episode this year.
void Rule628(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes") || !ctx.HasTable("OC3") || !child.Rows("Episodes").empty()) return;
  const auto& oc3 = child.Rows("OC3");
  const bool leaver = std::any_of(oc3.begin(), oc3.end(), [](const Row* r) {
    return !Blank(r->Get("IN_TOUCH")) || !Blank(r->Get("ACTIV")) || !Blank(r->Get("ACCOM"));
  });
  if (!leaver) return;
  for (const Row* h : child.Rows("Header")) {
    if (!Blank(h->Get("MOTHER"))) hits.Add(h, "MOTHER", h->Get("MOTHER"));
  }
}

// 630: a child starting to be looked after this year (RNE S) needs previous permanence
// details: PREV_PERM, and LA_PERM and DATE_PERM unless PREV_PERM is Z1.
void Rule630(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("PrevPerm") || !YearKnown(ctx)) return;
  const auto& perms = child.Rows("PrevPerm");
  for (const Row* ep : child.Rows("Episodes")) {
    auto decom = Day(ep, "DECOM");
    if (ep->Get("RNE") != "S" || !decom || *decom < ctx.period_start) continue;
    if (perms.empty()) {
      hits.Add(ep, "RNE", "no PrevPerm record");
      continue;
    }
    for (const Row* p : perms) {
      const std::string& prev = p->Get("PREV_PERM");
      if (Blank(prev)) {
        hits.Add(ep, "RNE", "PREV_PERM not provided");
      } else if (prev != "Z1" && (Blank(p->Get("LA_PERM")) || Blank(p->Get("DATE_PERM")))) {
        hits.Add(ep, "RNE", "LA_PERM or DATE_PERM not provided");
      }
    }
  }
}

// 634: previous permanence details for a child none of whose episodes started on or after
// 1 April 2016.
void Rule634(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto eps = SortedEpisodes(child);
  if (eps.empty()) return;
  const int32_t since = DayNumber(2016, 4, 1);
  if (eps.back().decom >= since) return;
  bool found = false;
  for (const Row* p : child.Rows("PrevPerm")) {
    if (Blank(p->Get("PREV_PERM")) && Blank(p->Get("LA_PERM")) && Blank(p->Get("DATE_PERM"))) continue;
    hits.Add(p, "PREV_PERM", "latest DECOM " + ShowDay(ctx, eps.back().decom));
    found = true;
  }
  if (found) {
    for (const Episode& ep : eps) hits.Add(ep.row, "DECOM", ShowDay(ctx, ep.decom));
  }
}

// 635: PREV_PERM Z1 (no previous permanence option) with LA_PERM or DATE_PERM given.
// The earliest day a DATE_PERM can mean: the date, or with ZZ for an unknown day or month
// the first of them; nullopt when blank, not a date, or its year is not known (ZZZZ).
std::optional<int32_t> EarliestPermDate(std::string_view v) {
  if (auto d = ParseDay(v)) return d;
  if (v.size() != 10 || v[2] != '/' || v[5] != '/' || v.substr(6, 4) == "ZZZZ") return std::nullopt;
  auto part = [&](size_t at, size_t len) -> std::optional<int> {
    const std::string_view p = v.substr(at, len);
    if (p == std::string(len, 'Z')) return 1;
    int n = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  };
  const auto y = part(6, 4), m = part(3, 2), d = part(0, 2);
  if (!y || !m || !d || !IsValidDate(*y, *m, *d)) return std::nullopt;
  return DayNumber(*y, *m, *d);
}

// 632: a DATE_PERM before the start of the child's first episode. The SSDA903 parser checks
// that DATE_PERM is a date, and this where it reads PrevPerm with the child's episodes (the
// XML return); here the CSV tables, which are separate files.
void Rule632(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* first = nullptr;
  std::optional<int32_t> first_day;
  for (const Row* ep : child.Rows("Episodes")) {
    auto d = Day(ep, "DECOM");
    if (d && (!first_day || *d < *first_day)) {
      first = ep;
      first_day = d;
    }
  }
  if (!first) return;
  for (const Row* p : child.Rows("PrevPerm")) {
    if (p->file == first->file) continue;  // one file: the parser's
    auto earliest = EarliestPermDate(p->Get("DATE_PERM"));
    if (earliest && *earliest >= *first_day)
      hits.Add(p, "DATE_PERM", "not before DECOM " + ShowDay(ctx, *first_day) + ", the start of the first episode");
  }
}

void Rule635(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* p : child.Rows("PrevPerm")) {
    if (p->Get("PREV_PERM") == "Z1" && (!Blank(p->Get("LA_PERM")) || !Blank(p->Get("DATE_PERM"))))
      hits.Add(p, "PREV_PERM", "Z1");
  }
  (void)ctx;
}

// EPI: a child in Header with no episode (and no care leaver record), only where the
// return's Episodes were loaded: carestat receives a return's tables as separate files,
// and a Header checked on its own is not a return without episodes (D2I treats a missing
// Episodes table as "not loaded" and flags every child).
void RuleEPI(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes")) return;
  if (!child.Rows("Episodes").empty() || !child.Rows("OC3").empty()) return;
  for (const Row* h : child.Rows("Header")) hits.Add(h, "CHILD");
}

// INT01-INT09: each row of `table` for a child with no Header row.
void NotInHeader(std::string_view table, const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Header") || !child.Rows("Header").empty()) return;
  for (const Row* r : child.Rows(table)) hits.Add(r, "CHILD");
}

void RuleINT01(const Context& c, const ChildData& d, Hits& h) { NotInHeader("AD1", c, d, h); }
void RuleINT02(const Context& c, const ChildData& d, Hits& h) { NotInHeader("PlacedAdoption", c, d, h); }
void RuleINT03(const Context& c, const ChildData& d, Hits& h) { NotInHeader("Episodes", c, d, h); }
void RuleINT04(const Context& c, const ChildData& d, Hits& h) { NotInHeader("Missing", c, d, h); }
void RuleINT05(const Context& c, const ChildData& d, Hits& h) { NotInHeader("OC2", c, d, h); }
void RuleINT06(const Context& c, const ChildData& d, Hits& h) { NotInHeader("OC3", c, d, h); }
void RuleINT07(const Context& c, const ChildData& d, Hits& h) { NotInHeader("PrevPerm", c, d, h); }
void RuleINT08(const Context& c, const ChildData& d, Hits& h) { NotInHeader("Reviews", c, d, h); }
void RuleINT09(const Context& c, const ChildData& d, Hits& h) { NotInHeader("UASC", c, d, h); }

// INT11-INT18: each row of `table` whose DOB (a valid date) differs from the Header's.
void DobDiffers(std::string_view table, const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* r : child.Rows(table)) {
    auto dob = Day(r, "DOB");
    if (!dob) continue;
    for (const Row* h : child.Rows("Header")) {
      auto hdob = Day(h, "DOB");
      if (hdob && *hdob != *dob) hits.Add(r, "DOB", "differs from the Header's date of birth");
    }
  }
  (void)ctx;
}

void RuleINT11(const Context& c, const ChildData& d, Hits& h) { DobDiffers("AD1", c, d, h); }
void RuleINT12(const Context& c, const ChildData& d, Hits& h) { DobDiffers("PlacedAdoption", c, d, h); }
void RuleINT13(const Context& c, const ChildData& d, Hits& h) { DobDiffers("Missing", c, d, h); }
void RuleINT14(const Context& c, const ChildData& d, Hits& h) { DobDiffers("OC2", c, d, h); }
void RuleINT15(const Context& c, const ChildData& d, Hits& h) { DobDiffers("OC3", c, d, h); }
void RuleINT16(const Context& c, const ChildData& d, Hits& h) { DobDiffers("PrevPerm", c, d, h); }
void RuleINT17(const Context& c, const ChildData& d, Hits& h) { DobDiffers("Reviews", c, d, h); }
void RuleINT18(const Context& c, const ChildData& d, Hits& h) { DobDiffers("UASC", c, d, h); }

// INT21: SEX in UASC differs from the Header's (both given).
void RuleINT21(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* u : child.Rows("UASC")) {
    const std::string& sex = u->Get("SEX");
    if (Blank(sex)) continue;
    for (const Row* h : child.Rows("Header")) {
      if (!Blank(h->Get("SEX")) && h->Get("SEX") != sex) hits.Add(u, "SEX", sex + ", Header " + h->Get("SEX"));
    }
  }
  (void)ctx;
}

// 703: DOLO_START after the end of the collection year.
void Rule703(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!YearKnown(ctx)) return;
  for (const Row* d : child.Rows("DoLo")) {
    auto start = Day(d, "DOLO_START");
    if (start && *start > ctx.period_end) hits.Add(d, "DOLO_START", ShowDay(ctx, *start));
  }
}

// 704: DOLO_END outside the collection year.
void Rule704(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!YearKnown(ctx)) return;
  for (const Row* d : child.Rows("DoLo")) {
    auto end = Day(d, "DOLO_END");
    if (end && !InPeriod(ctx, *end)) hits.Add(d, "DOLO_END", ShowDay(ctx, *end));
  }
}

// A DoLO with a valid start, and its end (empty while open).
struct Dolo {
  const Row* row;
  int32_t start;
  std::optional<int32_t> end;
};

std::vector<Dolo> SortedDolos(const ChildData& child) {
  std::vector<Dolo> out;
  for (const Row* d : child.Rows("DoLo")) {
    if (auto start = Day(d, "DOLO_START")) out.push_back({d, *start, Day(d, "DOLO_END")});
  }
  std::stable_sort(out.begin(), out.end(), [](const Dolo& a, const Dolo& b) { return a.start < b.start; });
  return out;
}

// 705: a DoLO starting while the one before it (by start) is open or not yet ended.
void Rule705(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto dolos = SortedDolos(child);
  for (size_t i = 1; i < dolos.size(); ++i) {
    const Dolo& prev = dolos[i - 1];
    if (!prev.end) {
      hits.Add(dolos[i].row, "DOLO_START", "the previous DoLO has no end date");
    } else if (dolos[i].start < *prev.end) {
      hits.Add(dolos[i].row, "DOLO_START", "before the previous DoLO ended on " + ShowDay(ctx, *prev.end));
    }
  }
}

// 706: a DoLO open at the end of last year's return must be in this year's with the same start.
void Rule706(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("DoLo_last")) return;
  const auto now = SortedDolos(child);
  for (const Row* last : child.Rows("DoLo_last")) {
    auto start = Day(last, "DOLO_START");
    if (!start || !Blank(last->Get("DOLO_END"))) continue;
    if (now.empty()) {
      hits.Add(last, "DOLO_START", "open DoLO from " + ShowDay(ctx, *start) + " not in this year's return");
    } else if (std::none_of(now.begin(), now.end(), [&](const Dolo& d) { return d.start == *start; })) {
      hits.Add(now.front().row, "DOLO_START", "last year's open DoLO started " + ShowDay(ctx, *start));
    }
  }
}

// 707: a DoLO without an end date once the period of care it started in has ended.
void Rule707(const Context& ctx, const ChildData& child, Hits& hits) {
  const auto periods = PeriodsOfCare(child);
  if (periods.empty()) return;
  for (const Dolo& d : SortedDolos(child)) {
    if (d.end || !Blank(d.row->Get("DOLO_END"))) continue;
    const bool in_open_period = std::any_of(periods.begin(), periods.end(), [&](const PeriodOfCare& p) {
      return !p.end && d.start >= p.start;
    });
    if (!in_open_period) hits.Add(d.row, "DOLO_END", "not provided, DoLO from " + ShowDay(ctx, d.start));
  }
}

// 708: a DoLO starting on or before the child's date of birth.
void Rule708(const Context& ctx, const ChildData& child, Hits& hits) {
  for (const Row* d : child.Rows("DoLo")) {
    auto start = Day(d, "DOLO_START");
    auto dob = DobOf(child, d);
    if (start && dob && *start <= *dob) hits.Add(d, "DOLO_START", ShowDay(ctx, *start) + " is not after the date of birth");
  }
}

// The episodes overlapping a DoLO with both dates, as pairs (DoLO, episode).
template <typename Fn>
void ForOverlaps(const ChildData& child, Fn fn) {
  for (const Dolo& d : SortedDolos(child)) {
    if (!d.end) continue;
    for (const Episode& ep : SortedEpisodes(child)) {
      if (ep.decom <= *d.end && (!ep.dec || d.start <= *ep.dec)) fn(d, ep);
    }
  }
}

// 709: an episode overlapping a DoLO must be in placement K2, Z12 or Z13.
void Rule709(const Context& ctx, const ChildData& child, Hits& hits) {
  ForOverlaps(child, [&](const Dolo& d, const Episode& ep) {
    const std::string& place = ep.row->Get("PLACE");
    if (OneOf(place, {"K2", "Z12", "Z13"})) return;
    hits.Add(d.row, "DOLO_START", ShowDay(ctx, d.start));
    hits.Add(ep.row, "PLACE", place);
  });
}

// 710: an episode overlapping a DoLO cannot be in placement K1, P1, R5 or K3.
void Rule710(const Context& ctx, const ChildData& child, Hits& hits) {
  ForOverlaps(child, [&](const Dolo& d, const Episode& ep) {
    const std::string& place = ep.row->Get("PLACE");
    if (!OneOf(place, {"K1", "P1", "R5", "K3"})) return;
    hits.Add(d.row, "DOLO_START", ShowDay(ctx, d.start));
    hits.Add(ep.row, "PLACE", place);
  });
}

void Add(std::vector<RuleDef>* defs, std::string_view code, std::string_view message, std::string_view fields,
         int from, int to, std::string_view example, ChildRuleFn fn) {
  defs->push_back({RuleInfo{code, "ssda903", RuleSeverity::kError, message, fields, from, to, example, "DfE"}, fn, {}});
}

}  // namespace

void AddSsda903RulesE(std::vector<RuleDef>* defs) {
  Add(defs, "581", "Child is missing but has not yet started to be looked after.", "MIS_START", 0, 0,
      "a missing period starting before the child's first episode", &Rule581);
  Add(defs, "582",
      "Child is showing as ceasing to be looked after due to adoption, but the date of adoption is the same as the "
      "date reported for being matched with adopters. In most circumstances we expect the date the child is matched "
      "with adopters to be before the date of adoption.",
      "DEC, DATE_MATCH", 0, 0, "REC E11 with DEC the same day as AD1 DATE_MATCH", &Rule582);
  Add(defs, "583",
      "More than one date the child should be placed for adoption has been reported, but an earlier decision has not "
      "been revoked. Check that both dates are required and add in the date the earlier decision was revoked. Note "
      "this may be in a previous year.",
      "DATE_PLACED, DATE_PLACED_CEASED", 0, 0, "two DATE_PLACED, the earlier with no DATE_PLACED_CEASED", &Rule583);
  Add(defs, "584",
      "Date of decision that the child should be placed for adoption this year is different from that recorded last "
      "year, but the decision to placed the child for adoption changed and the child should no longer be placed for "
      "adoption.",
      "DATE_PLACED", 0, 0, "DATE_PLACED not after last year's, which had ceased", &Rule584);
  Add(defs, "586", "Dates of missing periods are before child’s date of birth.", "MIS_START", 0, 0,
      "MIS_START on or before the child's date of birth", &Rule586);
  Add(defs, "601",
      "The additional fields relating to adoption have not been completed although the episode data shows that the "
      "child was adopted during the year.",
      "REC, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR", 0, 0,
      "REC E11 in the year with AD1 NB_ADOPTR blank", &Rule601);
  Add(defs, "602", "The episode data submitted for this child does not show that he/she was adopted during the year.",
      "CHILD", 0, 0, "AD1 details for a child with no E11/E12 episode ending in the year", &Rule602);
  constexpr std::string_view k607 = "Child ceased to be looked after in the year, but mother field has not been completed.";
  Add(defs, "607", k607, "DEC, REC, MOTHER, LS, SEX", 0, 2024, "SEX 2, ceased in the year with REC E4A, MOTHER blank",
      &Rule607);
  Add(defs, "607", k607, "DEC, REC, MOTHER, LS, SEX", 2025, 0, "SEX F, ceased in the year with REC E4A, MOTHER blank",
      &Rule607);
  Add(defs, "611", "Date of birth field is blank, but child is a mother.", "MOTHER, MC_DOB", 0, 0,
      "MOTHER 1 with MC_DOB blank", &Rule611);
  constexpr std::string_view k612 =
      "Date of birth field has been completed but mother field indicates child is not a mother.";
  Add(defs, "612", k612, "SEX, MOTHER, MC_DOB", 0, 2024, "SEX 2, MOTHER 0 with MC_DOB given", &Rule612);
  Add(defs, "612", k612, "SEX, MOTHER, MC_DOB", 2025, 0, "SEX F, MOTHER 0 with MC_DOB given", &Rule612);
  Add(defs, "620",
      "Child has been recorded as a mother, but date of birth shows that the mother is under 11 years of age.",
      "DOB, MOTHER", 0, 0, "MOTHER 1, aged 10 on 1 April", &Rule620);
  Add(defs, "621",
      "Mother’s field has been completed but date of birth shows that the mother is younger than her child.",
      "DOB, MC_DOB", 0, 0, "MC_DOB on or before DOB", &Rule621);
  Add(defs, "624",
      "Date of birth of the first child contradicts the date of birth of the first child previously recorded.",
      "MC_DOB", 0, 0, "MC_DOB differs from last year's", &Rule624);
  Add(defs, "625",
      "Date of birth of the first child is beyond the end of this reporting year or the date the child ceased to be "
      "looked after.",
      "MC_DOB, DEC", 0, 0, "MC_DOB after the latest episode's DEC", &Rule625);
  Add(defs, "626",
      "Child was reported as a mother but the date of birth of the first child is before the current year which "
      "contradicts with the mother status recorded last year.",
      "MOTHER, MC_DOB", 0, 0, "MOTHER 1 with MC_DOB before 1 April, MOTHER 0 last year", &Rule626);
  Add(defs, "628",
      "Motherhood details are not required for care leavers who have not been looked after during the year.",
      "MOTHER", 0, 0, "MOTHER given for a care leaver with no episode", &Rule628);
  // From 2016-17: previous permanence was first collected then (634 refuses it for a child
  // whose care began before 1 April 2016), so in 2015-16 630 and 634 could not both hold.
  Add(defs, "630", "Information on previous permanence option should be returned.", "RNE", 2017, 0,
      "RNE S in the year with no PrevPerm record", &Rule630);
  Add(defs, "634",
      "There are entries for previous permanence options, but child has not started to be looked after from 1 April "
      "2016 onwards.",
      "LA_PERM, PREV_PERM, DATE_PERM, DECOM", 0, 0, "PREV_PERM given, latest DECOM 31/03/2016", &Rule634);
  Add(defs, "632",
      "Date of previous permanence order not a valid value. NOTE: This rule may result in false negatives where "
      "the period of care started before the current collection year",
      "DATE_PERM, DECOM", 0, 0, "DATE_PERM after the start of the child's first episode, or not a date", &Rule632);
  Add(defs, "635",
      "There are entries for date of order and local authority code where previous permanence option was arranged "
      "but previous permanence code is Z1",
      "LA_PERM, DATE_PERM, PREV_PERM", 0, 0, "PREV_PERM Z1 with LA_PERM given", &Rule635);
  Add(defs, "EPI",
      "WARNING: Episodes need to be loaded for this child before further validation is possible [NOTE: This refers "
      "to the DfE portal - here, all checks that can be performed with only the available data will be.]",
      "CHILD", 0, 0, "a child in Header with no episode", &RuleEPI);
  Add(defs, "INT01", "Data Integrity Check: Child in AD1 does not exist in Header.", "CHILD", 0, 0,
      "an AD1 row for a child not in Header", &RuleINT01);
  Add(defs, "INT02", "Internal Check: Child in PlacedAdoption does not exist in Header.", "CHILD", 0, 0,
      "a PlacedAdoption row for a child not in Header", &RuleINT02);
  Add(defs, "INT03", "Internal Check: Child in Episodes does not exist in Header.", "CHILD", 0, 0,
      "an episode for a child not in Header", &RuleINT03);
  Add(defs, "INT04", "Internal Check: Child in Missing does not exist in Header.", "CHILD", 0, 0,
      "a Missing row for a child not in Header", &RuleINT04);
  Add(defs, "INT05", "Internal Check: Child in OC2 does not exist in Header.", "CHILD", 0, 0,
      "an OC2 row for a child not in Header", &RuleINT05);
  Add(defs, "INT06", "Internal Check: Child in OC3 does not exist in Header.", "CHILD", 0, 0,
      "an OC3 row for a child not in Header", &RuleINT06);
  Add(defs, "INT07", "Internal Check: Child in PrevPerm does not exist in Header.", "CHILD", 0, 0,
      "a PrevPerm row for a child not in Header", &RuleINT07);
  Add(defs, "INT08", "Internal Check: Child in Reviews does not exist in Header.", "CHILD", 0, 0,
      "a review for a child not in Header", &RuleINT08);
  Add(defs, "INT09", "Internal Check: Child in UASC does not exist in Header.", "CHILD", 0, 0,
      "a UASC row for a child not in Header", &RuleINT09);
  Add(defs, "INT11", "Internal Check: DOB in AD1 is different to DOB in Header.", "DOB", 0, 0,
      "AD1 DOB a day after the Header's", &RuleINT11);
  Add(defs, "INT12", "Internal Check: DOB in PlacedAdoption is different to DOB in Header.", "DOB", 0, 0,
      "PlacedAdoption DOB a day after the Header's", &RuleINT12);
  Add(defs, "INT13", "Internal Check: DOB in Missing is different to DOB in Header.", "DOB", 0, 0,
      "Missing DOB a day after the Header's", &RuleINT13);
  Add(defs, "INT14", "Internal Check: DOB in OC2 is different to DOB in Header.", "DOB", 0, 0,
      "OC2 DOB a day after the Header's", &RuleINT14);
  Add(defs, "INT15", "Internal Check: DOB in OC3 is different to DOB in Header.", "DOB", 0, 0,
      "OC3 DOB a day after the Header's", &RuleINT15);
  Add(defs, "INT16", "Internal Check: DOB in PrevPerm is different to DOB in Header.", "DOB", 0, 0,
      "PrevPerm DOB a day after the Header's", &RuleINT16);
  Add(defs, "INT17", "Internal Check: DOB in Reviews is different to DOB in Header.", "DOB", 0, 0,
      "Reviews DOB a day after the Header's", &RuleINT17);
  Add(defs, "INT18", "Internal Check: DOB in UASC is different to DOB in Header.", "DOB", 0, 0,
      "UASC DOB a day after the Header's", &RuleINT18);
  Add(defs, "INT21", "Internal Check: SEX in UASC is different to SEX in Header.", "SEX", 0, 0,
      "UASC SEX M, Header SEX F", &RuleINT21);
  Add(defs, "703", "The date that the DoLO started is after the end of the collection year.", "DOLO_START", 2027, 0,
      "DOLO_START 01/04/2027 in the 2026-27 return", &Rule703);
  Add(defs, "704", "The date that the DoLO ended is before the start or after the end of the collection year.",
      "DOLO_END", 2027, 0, "DOLO_END 31/03/2026 in the 2026-27 return", &Rule704);
  Add(defs, "705", "A DoLO cannot start when the previous DoLO is still open.", "DOLO_START, DOLO_END", 2027, 0,
      "a DoLO starting while the one before has no DOLO_END", &Rule705);
  Add(defs, "706",
      "There is an open DoLO in last year’s return and there is no corresponding DoLO recorded at the start of this "
      "year..",
      "DOLO_START", 2027, 0, "last year's open DoLO missing from this year's return", &Rule706);
  Add(defs, "707", "Child ceased to be looked after but there is a DoLO without an end date.", "DOLO_END", 2027, 0,
      "a DoLO with no DOLO_END for a child whose last episode has a DEC", &Rule707);
  Add(defs, "708", "Dates of DoLOs are before child’s date of birth.", "DOLO_START", 2027, 0,
      "DOLO_START on the date of birth", &Rule708);
  Add(defs, "709", "Child with a DoLO is in an unexpected placement type.", "DOLO_START, PLACE", 2027, 0,
      "a DoLO overlapping an episode in placement U1", &Rule709);
  Add(defs, "710",
      "Child with a DoLO can not be placed in secure children's homes, with parents, young offender institutions, or "
      "supported accommodation.",
      "DOLO_START, PLACE", 2027, 0, "a DoLO overlapping an episode in placement K1", &Rule710);
}

}  // namespace carestat::validation
