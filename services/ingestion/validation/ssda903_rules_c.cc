// DfE rules (batch ssda903_rules_c): see model.h for how a rule is written and registered.
// SSDA903 codes 377-503F. Rules that need D2I's derived columns (PL_DISTANCE, PL_LA,
// PL_LOCATION, from a postcode database) or the postcode register are not here: 392a,
// 392c, 406, 411, 420, 452, 453, 454.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

constexpr RuleSeverity kError = RuleSeverity::kError;

bool Temporary(std::string_view place) { return OneOf(place, {"T0", "T1", "T2", "T3", "T4"}); }
bool Respite(std::string_view ls) { return OneOf(ls, {"V3", "V4"}); }

// The child's rows of `table` ordered by DECOM (then DEC); rows without a valid DECOM
// come last, in file order (as a sort that puts unknown dates last would leave them).
std::vector<const Row*> ByDecom(const ChildData& child, std::string_view table) {
  std::vector<const Row*> rows = child.Rows(table);
  std::stable_sort(rows.begin(), rows.end(), [](const Row* a, const Row* b) {
    auto da = Day(a, "DECOM"), db = Day(b, "DECOM");
    if (!da || !db) return da.has_value() && !db.has_value();
    if (*da != *db) return *da < *db;
    auto ea = Day(a, "DEC"), eb = Day(b, "DEC");
    if (!ea || !eb) return ea.has_value() && !eb.has_value();
    return *ea < *eb;
  });
  return rows;
}

// The child's date of birth from the Header.
std::optional<int32_t> HeaderDob(const ChildData& child) { return Day(child.First("Header"), "DOB"); }

// Whether the child is or was UASC by this return or last year's: UASC '1' in a Header,
// or a row of the UASC table (any value beside CHILD).
bool UascEver(const ChildData& child) {
  for (std::string_view t : {"Header", "Header_last"}) {
    for (const Row* r : child.Rows(t))
      if (r->Get("UASC") == "1") return true;
  }
  for (std::string_view t : {"UASC", "UASC_last"}) {
    for (const Row* r : child.Rows(t)) {
      for (const Item& i : r->items)
        if (i.name != "CHILD" && !Blank(i.value)) return true;
    }
  }
  return false;
}

// A postcode compared for sameness: upper case, spaces dropped.
std::string PostKey(std::string_view v) {
  std::string out;
  for (char c : Upper(v))
    if (c != ' ') out.push_back(c);
  return out;
}

// Whether an episode's placement (PLACE, PL_POST, URN, PLACE_PROVIDER) is the same as the
// one before's; blank equals blank.
bool SamePlacement(const Row* a, const Row* b) {
  return a->Get("PLACE") == b->Get("PLACE") && PostKey(a->Get("PL_POST")) == PostKey(b->Get("PL_POST")) &&
         a->Get("URN") == b->Get("URN") && a->Get("PLACE_PROVIDER") == b->Get("PLACE_PROVIDER");
}

// 377: more than two T3 placements starting within any 12 months.
void Rule377(const Context& ctx, const ChildData& child, Hits& hits) {
  std::vector<std::pair<int32_t, const Row*>> t3;
  for (const Row* ep : child.Rows("Episodes")) {
    auto d = Day(ep, "DECOM");
    if (d && ep->Get("PLACE") == "T3") t3.emplace_back(*d, ep);
  }
  std::stable_sort(t3.begin(), t3.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<bool> flag(t3.size(), false);
  for (size_t i = 0; i < t3.size(); ++i) {
    const int32_t end = AddMonths(t3[i].first, 12);  // the window is [DECOM, DECOM + 12 months)
    size_t j = i;
    while (j < t3.size() && t3[j].first < end) ++j;
    if (j - i > 2)
      for (size_t k = i; k < j; ++k) flag[k] = true;
  }
  for (size_t k = 0; k < t3.size(); ++k)
    if (flag[k]) hits.Add(t3[k].second, "PLACE", "T3 from " + ShowDay(ctx, t3[k].first));
}

void Rule378(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (ep->Get("PLACE") == "P1" && ep->Get("LS") == "V2") hits.Add(ep, "PLACE", "P1 with legal status V2");
}

void Rule379(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE") != "T4") continue;
    auto start = Day(ep, "DECOM"), end = Day(ep, "DEC");
    if (start && end && *end - *start > 7) hits.Add(ep, "PLACE", "T4 for " + std::to_string(*end - *start) + " days");
  }
}

void Rule380(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (Temporary(ep->Get("PLACE")) && !OneOf(ep->Get("RNE"), {"P", "B"}))
      hits.Add(ep, "PLACE", ep->Get("PLACE") + " with RNE '" + ep->Get("RNE") + "'");
  }
}

void Rule381(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    const std::string& rec = ep->Get("REC");
    if (Temporary(ep->Get("PLACE")) && !Blank(rec) && rec != "X1") hits.Add(ep, "PLACE", ep->Get("PLACE") + " ended " + rec);
  }
}

void Rule382(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (Respite(ep->Get("LS")) && Temporary(ep->Get("PLACE"))) hits.Add(ep, "PLACE", ep->Get("PLACE") + " under " + ep->Get("LS"));
}

// 383: the episode after a temporary placement starts with RNE 'P' and returns to the
// placement before it (PLACE; from 2025-26 also PL_POST).
void Rule383(const Context& ctx, const ChildData& child, Hits& hits) {
  const bool post = ctx.year == 0 || ctx.year >= 2026;
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    const Row* cur = eps[i];
    if (!Temporary(eps[i - 1]->Get("PLACE"))) continue;
    if (cur->Get("RNE") != "P") {
      hits.Add(cur, "PLACE", "RNE '" + cur->Get("RNE") + "' after a temporary placement");
      continue;
    }
    if (i < 2) continue;  // the placement before the temporary one is in last year's return
    const Row* before = eps[i - 2];
    if (cur->Get("PLACE") != before->Get("PLACE")) {
      hits.Add(cur, "PLACE", cur->Get("PLACE") + " after the temporary placement, " + before->Get("PLACE") + " before it");
    } else if (post && PostKey(cur->Get("PL_POST")) != PostKey(before->Get("PL_POST"))) {
      hits.Add(cur, "PL_POST", "placement postcode differs from the one before the temporary placement");
    }
  }
}

void Rule384(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (Respite(ep->Get("LS")) && OneOf(ep->Get("PLACE"), {"U1", "U4"}))
      hits.Add(ep, "PLACE", ep->Get("PLACE") + " under " + ep->Get("LS"));
}

void Rule385(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* ep : child.Rows("Episodes")) {
    auto dec = Day(ep, "DEC");
    if (dec && *dec > ctx.period_end) hits.Add(ep, "DEC", ShowDay(ctx, *dec));
  }
}

// Episodes ending with one of `recs` when the child's age on DEC is `too_old` ? >= : < `age`.
void CeasedAtAge(const ChildData& child, Hits& hits, std::initializer_list<std::string_view> recs, int age,
                 bool too_old) {
  auto dob = HeaderDob(child);
  if (!dob) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("REC"), recs)) continue;
    auto dec = Day(ep, "DEC");
    if (!dec) continue;
    const int on = AgeOn(*dob, *dec);
    if (too_old ? on >= age : on < age) hits.Add(ep, "REC", ep->Get("REC") + " at age " + std::to_string(on));
  }
}

void Rule386(const Context&, const ChildData& child, Hits& hits) { CeasedAtAge(child, hits, {"E11", "E12"}, 18, true); }
void Rule387(const Context&, const ChildData& child, Hits& hits) { CeasedAtAge(child, hits, {"E5", "E6"}, 14, false); }
void Rule389(const Context&, const ChildData& child, Hits& hits) { CeasedAtAge(child, hits, {"E7"}, 16, false); }

void Rule390(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (OneOf(ep->Get("REC"), {"E11", "E12"}) && !OneOf(ep->Get("PLACE"), {"A3", "A4", "A5", "A6"}))
      hits.Add(ep, "REC", ep->Get("REC") + " from placement '" + ep->Get("PLACE") + "'");
  }
}

// 391: IN_TOUCH, ACTIV and ACCOM are not given for a young person under 17 at the end of
// the year.
void Rule391(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.period_end) return;
  for (const Row* oc3 : child.Rows("OC3")) {
    auto dob = Day(oc3, "DOB");
    if (!dob || AgeOn(*dob, ctx.period_end) >= 17) continue;
    if (!Blank(oc3->Get("IN_TOUCH")) || !Blank(oc3->Get("ACTIV")) || !Blank(oc3->Get("ACCOM")))
      hits.Add(oc3, "DOB", "under 17 on " + ShowDay(ctx, ctx.period_end));
  }
}

// 392b: a child looked after (not V3/V4), never UASC, has both postcodes.
void Rule392b(const Context&, const ChildData& child, Hits& hits) {
  if (UascEver(child)) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (Respite(ep->Get("LS"))) continue;
    for (std::string_view f : {"HOME_POST", "PL_POST"})
      if (Blank(ep->Get(f))) hits.Add(ep, f);
  }
}

void Rule392d(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (ep->Get("PLACE") == "P1" || Blank(ep->Get("HOME_POST")) || Blank(ep->Get("PL_POST"))) continue;
    if (PostKey(ep->Get("HOME_POST")) == PostKey(ep->Get("PL_POST")))
      hits.Add(ep, "PL_POST", "placement '" + ep->Get("PLACE") + "'");
  }
}

// 393: a girl looked after (an episode not V3/V4) has MOTHER given. SEX 2 was female up to
// 2023-24, F from 2024-25.
void Rule393(const Context& ctx, const ChildData& child, Hits& hits) {
  const Row* h = child.First("Header");
  if (!h) return;
  const bool female = (ctx.year != 0 && ctx.year <= 2024) ? h->Get("SEX") == "2" : h->Get("SEX") == "F";
  if (!female || !Blank(h->Get("MOTHER"))) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Respite(ep->Get("LS"))) {
      hits.Add(h, "MOTHER");
      return;
    }
  }
}

void Rule398(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Respite(ep->Get("LS"))) continue;
    for (std::string_view f : {"HOME_POST", "PL_POST"})
      if (!Blank(ep->Get(f))) hits.Add(ep, f, "under " + ep->Get("LS"));
  }
}

// 399: a child whose every episode is V3/V4 has no MOTHER, REVIEW or REVIEW_CODE.
void Rule399(const Context&, const ChildData& child, Hits& hits) {
  const auto& eps = child.Rows("Episodes");
  if (eps.empty()) return;
  for (const Row* ep : eps)
    if (!Respite(ep->Get("LS"))) return;
  bool found = false;
  for (const Row* h : child.Rows("Header")) {
    if (!Blank(h->Get("MOTHER"))) {
      hits.Add(h, "MOTHER");
      found = true;
    }
  }
  for (const Row* r : child.Rows("Reviews")) {
    for (std::string_view f : {"REVIEW", "REVIEW_CODE"}) {
      if (!Blank(r->Get(f))) {
        hits.Add(r, f);
        found = true;
      }
    }
  }
  if (found)
    for (const Row* ep : eps) hits.Add(ep, "LS", ep->Get("LS"));
}

// 407: an SGO (E45-E48) ends care before the child is 18.
void Rule407(const Context&, const ChildData& child, Hits& hits) {
  const Row* h = child.First("Header");
  auto dob = Day(h, "DOB");
  if (!dob) return;
  bool found = false;
  for (const Row* ep : child.Rows("Episodes")) {
    if (!OneOf(ep->Get("REC"), {"E45", "E46", "E47", "E48"})) continue;
    auto dec = Day(ep, "DEC");
    if (dec && AgeOn(*dob, *dec) >= 18) {
      hits.Add(ep, "REC", ep->Get("REC") + " at age " + std::to_string(AgeOn(*dob, *dec)));
      found = true;
    }
  }
  if (found) hits.Add(h, "DOB", "the date of birth");
}

void Rule408(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (OneOf(ep->Get("PLACE"), {"A5", "A6"}) && ep->Get("LS") != "E1")
      hits.Add(ep, "LS", "'" + ep->Get("LS") + "' in placement " + ep->Get("PLACE"));
}

void Rule426(const Context&, const ChildData& child, Hits& hits) {
  bool v3 = false, v4 = false;
  for (const Row* ep : child.Rows("Episodes")) {
    v3 = v3 || ep->Get("LS") == "V3";
    v4 = v4 || ep->Get("LS") == "V4";
  }
  if (!v3 || !v4) return;
  for (const Row* ep : child.Rows("Episodes"))
    if (Respite(ep->Get("LS"))) hits.Add(ep, "LS", ep->Get("LS"));
}

// 431: an episode starting a period of care (RNE 'S') starts after the previous one ended.
void Rule431(const Context& ctx, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    if (eps[i]->Get("RNE") != "S") continue;
    auto start = Day(eps[i], "DECOM"), prev_end = Day(eps[i - 1], "DEC");
    if (start && prev_end && *start <= *prev_end) hits.Add(eps[i], "RNE", "previous episode ended " + ShowDay(ctx, *prev_end));
  }
}

// 432: after an episode that ended care (REC an E code), the next starts with RNE 'S'.
void Rule432(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    if (OneOf(eps[i - 1]->Get("REC"), {"E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13", "E14",
                                       "E15", "E16", "E17", "E41", "E45", "E46", "E47", "E48"}) &&
        eps[i]->Get("RNE") != "S")
      hits.Add(eps[i], "RNE", "RNE '" + eps[i]->Get("RNE") + "' after REC " + eps[i - 1]->Get("REC"));
  }
}

// 433: a continuation episode (RNE P, L, T, U, B) starts the day the previous one ended.
void Rule433(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    if (!OneOf(eps[i]->Get("RNE"), {"P", "L", "T", "U", "B"})) continue;
    auto start = Day(eps[i], "DECOM"), prev_end = Day(eps[i - 1], "DEC");
    if (!start || !prev_end || *start != *prev_end) hits.Add(eps[i], "DECOM");
  }
}

// 434: RNE 'L' (legal status changed, placement not): LS differs from the previous
// episode's and PLACE, PL_POST, URN, PLACE_PROVIDER are the same.
void Rule434(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    const Row* cur = eps[i];
    const Row* prev = eps[i - 1];
    if (cur->Get("RNE") != "L") continue;
    if (cur->Get("LS") == prev->Get("LS"))
      hits.Add(cur, "RNE", "legal status unchanged");
    else if (!SamePlacement(cur, prev))
      hits.Add(cur, "RNE", "placement changed");
  }
}

// 435: RNE 'P' or 'T' (placement changed, legal status not): LS is the previous episode's
// and the placement differs in one of PLACE, PL_POST, URN, PLACE_PROVIDER.
void Rule435(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    const Row* cur = eps[i];
    const Row* prev = eps[i - 1];
    if (!OneOf(cur->Get("RNE"), {"P", "T"})) continue;
    if (cur->Get("LS") != prev->Get("LS"))
      hits.Add(cur, "LS", "legal status changed");
    else if (SamePlacement(cur, prev))
      hits.Add(cur, "PLACE", "placement unchanged");
  }
}

// 436: RNE 'U' or 'B' (both changed): LS and the placement both differ from the previous.
void Rule436(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 1; i < eps.size(); ++i) {
    const Row* cur = eps[i];
    const Row* prev = eps[i - 1];
    if (!OneOf(cur->Get("RNE"), {"U", "B"})) continue;
    if (cur->Get("LS") == prev->Get("LS"))
      hits.Add(cur, "RNE", "legal status unchanged");
    else if (SamePlacement(cur, prev))
      hits.Add(cur, "RNE", "placement unchanged");
  }
}

// 437: no episode follows one ended by death (E2) or age 18 or over (E15).
void Rule437(const Context&, const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  for (size_t i = 0; i + 1 < eps.size(); ++i) {
    if (!Day(eps[i], "DECOM")) break;  // the rest have no start date to order them by
    if (OneOf(eps[i]->Get("REC"), {"E2", "E15"})) hits.Add(eps[i], "REC", eps[i]->Get("REC"));
  }
}

// 440/441: participation code PN0 (under 4) against the age on the review date.
void ReviewAge(const ChildData& child, Hits& hits, bool under4_code) {
  for (const Row* r : child.Rows("Reviews")) {
    const std::string& code = r->Get("REVIEW_CODE");
    const bool pn0 = code == "PN0";
    const bool pn1_7 = OneOf(code, {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"});
    if (under4_code ? !pn0 : !pn1_7) continue;
    auto dob = Day(r, "DOB"), on = Day(r, "REVIEW");
    if (!dob || !on) continue;
    const int age = AgeOn(*dob, *on);
    if (under4_code ? age >= 4 : age < 4) hits.Add(r, "REVIEW_CODE", code + " at age " + std::to_string(age));
  }
}
void Rule440(const Context&, const ChildData& child, Hits& hits) { ReviewAge(child, hits, true); }
void Rule441(const Context&, const ChildData& child, Hits& hits) { ReviewAge(child, hits, false); }

// 442: a child looked after (an episode not V3/V4) has a UPN.
void Rule442(const Context&, const ChildData& child, Hits& hits) {
  const Row* h = child.First("Header");
  if (!h || !Blank(h->Get("UPN"))) return;
  for (const Row* ep : child.Rows("Episodes")) {
    if (!Respite(ep->Get("LS"))) {
      hits.Add(h, "UPN");
      return;
    }
  }
}

// 444: a UPN (other than UN1-UN5) belongs to one child in the return. Rows are let go
// after each child (an XML return is checked child by child), so each child whose UPN an
// earlier child already gave is flagged as it is seen, naming the line of the first
// holder (which is not flagged itself: as CIN 1520). The UPNs are kept as 64-bit hashes
// with that line: a million children cost about 32 MB, and two different UPNs share a
// hash with odds of about one in 10^7.
class Rule444 : public ReturnRule {
 public:
  void OnChild(const Context&, const ChildData& child, Hits& hits) override {
    for (const Row* h : child.Rows("Header")) {
      const std::string upn = Upper(h->Get("UPN"));
      if (upn.empty() || OneOf(upn, {"UN1", "UN2", "UN3", "UN4", "UN5"})) continue;
      auto [it, added] = seen_.try_emplace(std::hash<std::string>{}(upn), h->line);
      if (!added) hits.Add(h, "UPN", absl::StrCat("the same UPN as the child on line ", it->second));
    }
  }

 private:
  std::unordered_map<size_t, int64_t> seen_;  // UPN hash -> line of its first holder
};

void Rule445(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    auto d = Day(ep, "DECOM");
    if (ep->Get("LS") == "D1" && d && *d > DayNumber(2005, 12, 31)) hits.Add(ep, "LS", "D1");
  }
}

void Rule446(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes")) {
    auto d = Day(ep, "DECOM");
    if (ep->Get("LS") == "E1" && d && *d < DayNumber(2005, 12, 1)) hits.Add(ep, "LS", "E1");
  }
}

void Rule451(const Context&, const ChildData& child, Hits& hits) {
  for (const Row* ep : child.Rows("Episodes"))
    if (ep->Get("LS") == "D1" && Blank(ep->Get("DEC")) && Blank(ep->Get("REC"))) hits.Add(ep, "LS", "D1 still open");
}

void Rule460(const Context&, const ChildData& child, Hits& hits) { CeasedAtAge(child, hits, {"E17"}, 18, false); }

// The child's first episode this year (earliest valid DECOM).
const Row* FirstEpisode(const ChildData& child) {
  std::vector<const Row*> eps = ByDecom(child, "Episodes");
  return eps.empty() || !Day(eps.front(), "DECOM") ? nullptr : eps.front();
}

// 502: an episode open at the end of last year starts when this year's first does.
void Rule502(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes_last")) return;
  const Row* first = FirstEpisode(child);
  if (!first) return;
  for (const Row* last : child.Rows("Episodes_last")) {
    if (!Blank(last->Get("DEC"))) continue;
    if (Day(last, "DECOM") != Day(first, "DECOM")) {
      hits.Add(first, "DECOM", "last year's open episode started " + last->Get("DECOM"));
      return;
    }
  }
}

// 503A-F: when last year's last episode (latest DECOM) was open, this year's first
// episode carries on its `field`.
void SameAsLastYear(const Context& ctx, const ChildData& child, Hits& hits, std::string_view field) {
  if (!ctx.HasTable("Episodes_last")) return;
  const Row* first = FirstEpisode(child);
  std::vector<const Row*> last_eps = ByDecom(child, "Episodes_last");
  const Row* last = nullptr;
  for (const Row* r : last_eps)
    if (Day(r, "DECOM")) last = r;
  if (!first || !last || !Blank(last->Get("DEC"))) return;
  const std::string& now = first->Get(field);
  const std::string& then = last->Get(field);
  if (now == then) return;
  if (field == "PLACE") {
    // Placement codes DfE replaced: H5 by K3 in 2024-25, Z1 by Z11-Z14 from 2025-26.
    if (ctx.year == 2025 && then == "H5" && now == "K3") return;
    if ((ctx.year == 0 || ctx.year >= 2026) && then == "Z1" && OneOf(now, {"Z11", "Z12", "Z13", "Z14"})) return;
  }
  hits.Add(first, field, "'" + now + "', last year '" + then + "'");
}
void Rule503A(const Context& ctx, const ChildData& child, Hits& hits) { SameAsLastYear(ctx, child, hits, "RNE"); }
void Rule503B(const Context& ctx, const ChildData& child, Hits& hits) { SameAsLastYear(ctx, child, hits, "LS"); }
void Rule503C(const Context& ctx, const ChildData& child, Hits& hits) { SameAsLastYear(ctx, child, hits, "CIN"); }
void Rule503D(const Context& ctx, const ChildData& child, Hits& hits) { SameAsLastYear(ctx, child, hits, "PLACE"); }
void Rule503E(const Context& ctx, const ChildData& child, Hits& hits) {
  SameAsLastYear(ctx, child, hits, "PLACE_PROVIDER");
}
void Rule503F(const Context& ctx, const ChildData& child, Hits& hits) { SameAsLastYear(ctx, child, hits, "URN"); }

RuleDef Def(std::string_view code, std::string_view message, std::string_view fields, int from, int to,
            std::string_view example, ChildRuleFn fn) {
  return RuleDef{RuleInfo{code, "ssda903", kError, message, fields, from, to, example, "DfE"}, fn, {}};
}

}  // namespace

void AddSsda903RulesC(std::vector<RuleDef>* defs) {
  defs->push_back(Def("377",
                      "Only two temporary placements coded as being due to holiday of usual foster carer(s) are allowed "
                      "in any 12- month period.",
                      "PLACE", 0, 0, "three T3 episodes starting within 12 months", &Rule377));
  defs->push_back(Def("378",
                      "A child who is placed with parent(s) cannot be looked after under a single period of "
                      "accommodation under Section 20 of the Children Act 1989.",
                      "PLACE, LS", 0, 0, "an episode with PLACE 'P1' and LS 'V2'", &Rule378));
  defs->push_back(Def("379", "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
                      "DECOM, PLACE", 0, 0, "a T4 episode from 01/05/2024 to 09/05/2024", &Rule379));
  defs->push_back(Def("380", "A period of care cannot start with a temporary placement.", "PLACE, RNE", 0, 0,
                      "an episode with PLACE 'T1' and RNE 'S'", &Rule380));
  defs->push_back(Def("381", "A period of care cannot end with a temporary placement.", "PLACE, REC", 0, 0,
                      "an episode with PLACE 'T2' and REC 'E13'", &Rule381));
  defs->push_back(Def("382", "A child receiving respite care cannot be in a temporary placement.", "LS, PLACE", 0, 0,
                      "an episode with LS 'V3' and PLACE 'T0'", &Rule382));
  defs->push_back(Def("383", "A child in a temporary placement must subsequently return to his/her normal placement.",
                      "PLACE", 0, 2025, "U1, then T3, then the next episode in U4", &Rule383));
  defs->push_back(Def("383", "A child in a temporary placement must subsequently return to his/her normal placement.",
                      "PLACE, RNE, PL_POST", 2026, 0, "U1 at AB1 2, then T3, then U1 at CD3 4", &Rule383));
  defs->push_back(Def("384", "A child receiving respite care cannot be in a long-term foster placement", "PLACE, LS", 0,
                      0, "an episode with LS 'V4' and PLACE 'U1'", &Rule384));
  defs->push_back(Def("385", "Date episode ceased must be on or before the end of the current collection year.", "DEC", 0,
                      0, "DEC 01/04/2025 in the 2024-25 return", &Rule385));
  defs->push_back(Def("386", "Reason episode ceased is adopted but child has reached age 18.", "REC", 0, 0,
                      "REC 'E11' on the child's 18th birthday", &Rule386));
  defs->push_back(Def("387",
                      "Reason episode ceased is child moved into independent living arrangement, but the child is aged "
                      "under 14.",
                      "REC", 0, 0, "REC 'E5' the day before the child's 14th birthday", &Rule387));
  defs->push_back(Def("389",
                      "Reason episode ceased is that child transferred to care of adult social care services, but child "
                      "is aged under 16.",
                      "REC", 0, 0, "REC 'E7' at age 15", &Rule389));
  defs->push_back(Def("390", "Reason episode ceased is adopted but child has not been previously placed for adoption.",
                      "PLACE, REC", 0, 0, "REC 'E11' from placement 'U1'", &Rule390));
  defs->push_back(Def("391", "Young person was not 17, 18, 19, 20 or 21 during the current collection year.",
                      "DOB, IN_TOUCH, ACTIV, ACCOM", 0, 0, "OC3 IN_TOUCH 'YES' for a young person aged 16 on 31 March",
                      &Rule391));
  defs->push_back(Def("392b",
                      "Child is looked after but no postcodes are recorded. [NOTE: This check may result in false "
                      "positives for children formerly UASC, particularly if current & prior year UASC data not loaded]",
                      "HOME_POST, PL_POST", 0, 0, "an episode with LS 'C2' and no PL_POST", &Rule392b));
  defs->push_back(Def("392d", "Home and placement postcodes should not be same unless the placement type is P1.",
                      "HOME_POST, PL_POST, PLACE", 0, 0, "HOME_POST and PL_POST both 'AB1 2' in placement U1",
                      &Rule392d));
  defs->push_back(Def("393", "Child is looked after but mother field is not completed.", "MOTHER", 0, 2024,
                      "SEX '2', LS 'C2' and no MOTHER", &Rule393));
  defs->push_back(Def("393", "Child is looked after but mother field is not completed.", "MOTHER", 2025, 0,
                      "SEX 'F', LS 'C2' and no MOTHER", &Rule393));
  defs->push_back(Def("398", "Distance field completed but child looked after under legal status V3 or V4.",
                      "LS, HOME_POST, PL_POST", 0, 0, "an episode with LS 'V3' and a PL_POST", &Rule398));
  defs->push_back(Def("399",
                      "Mother field, review field or participation field are completed but child is looked after under "
                      "legal status V3 or V4.",
                      "MOTHER, LS, REVIEW, REVIEW_CODE", 0, 0, "only V4 episodes and a review with REVIEW_CODE 'PN1'",
                      &Rule399));
  defs->push_back(Def("407", "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
                      "DEC, DOB, REC", 0, 0, "REC 'E45' on the child's 18th birthday", &Rule407));
  defs->push_back(Def("408",
                      "Child is placed for adoption with a placement order, but no placement order has been recorded.",
                      "PLACE, LS", 0, 0, "PLACE 'A5' with LS 'C2'", &Rule408));
  defs->push_back(Def("426",
                      "A child receiving respite care cannot be recorded under a legal status of V3 and V4 in the same "
                      "year.",
                      "LS", 0, 0, "one episode under V3 and one under V4", &Rule426));
  defs->push_back(Def("431",
                      "The reason for new episode is started to be looked after, but the previous episode ended on the "
                      "same day.",
                      "RNE, DECOM", 0, 0, "RNE 'S' on 01/06/2024 after an episode ending 01/06/2024", &Rule431));
  defs->push_back(Def("432",
                      "The child ceased to be looked after at the end of the previous episode but the reason for the new "
                      "episode is not started to be looked after.",
                      "RNE", 0, 0, "RNE 'P' after an episode with REC 'E13'", &Rule432));
  defs->push_back(Def("433",
                      "The reason for new episode suggests that this is a continuation episode, but the episode does not "
                      "start on the same day as the last episode finished.",
                      "RNE, DECOM", 0, 0, "RNE 'P' on 02/06/2024 after an episode ending 01/06/2024", &Rule433));
  defs->push_back(Def("434",
                      "Reason for new episode is that child's legal status has changed but not the placement, but this "
                      "is not reflected in the episode data.",
                      "RNE, LS, PLACE, PL_POST, URN, PLACE_PROVIDER", 0, 0, "RNE 'L' with the same LS as before",
                      &Rule434));
  defs->push_back(Def("435",
                      "Reason for new episode is that child’s placement has changed but not the legal status, but this "
                      "is not reflected in the episode data recorded.",
                      "LS, PLACE, PL_POST, URN, PLACE_PROVIDER", 0, 0, "RNE 'P' with the same placement as before",
                      &Rule435));
  defs->push_back(Def("436",
                      "Reason for new episode is that both child’s placement and legal status have changed, but this is "
                      "not reflected in the episode data.",
                      "RNE, LS, PLACE, PL_POST, URN, PLACE_PROVIDER", 0, 0, "RNE 'B' with the same LS as before",
                      &Rule436));
  defs->push_back(Def("437",
                      "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
                      "REC", 0, 0, "REC 'E2' and a later episode", &Rule437));
  defs->push_back(Def("440",
                      "Participation method indicates child was under 4 years old at the time of the review, but date of "
                      "birth and review date indicates the child was 4 years old or over.",
                      "DOB, REVIEW, REVIEW_CODE", 0, 0, "REVIEW_CODE 'PN0' at a review on the 4th birthday",
                      &Rule440));
  defs->push_back(Def("441",
                      "Participation method indicates child was 4 years old or over at the time of the review, but the "
                      "date of birth and review date indicates the child was under 4 years old.",
                      "DOB, REVIEW, REVIEW_CODE", 0, 0, "REVIEW_CODE 'PN1' at a review the day before the 4th birthday",
                      &Rule441));
  defs->push_back(Def("442", "Unique Pupil Number (UPN) field is not completed.", "UPN", 0, 0,
                      "no UPN for a child with an episode under C2", &Rule442));
  defs->push_back({RuleInfo{"444", "ssda903", kError, "Duplicate UPN has been reported", "UPN", 2026, 0,
                            "two children with the same UPN", "DfE"},
                   nullptr, [] { return std::make_unique<Rule444>(); }});
  defs->push_back(Def("445", "D1 is not a valid code for episodes starting after December 2005.", "LS, DECOM", 0, 2024,
                      "LS 'D1' in an episode starting 01/01/2006", &Rule445));
  defs->push_back(Def("446", "E1 is not a valid code for episodes starting before December 2005.", "LS, DECOM", 0, 0,
                      "LS 'E1' in an episode starting 30/11/2005", &Rule446));
  defs->push_back(Def("451",
                      "Child is still freed for adoption, but freeing orders could not be applied for since 30 December "
                      "2005.",
                      "DEC, REC, LS", 0, 2024, "an open episode under LS 'D1'", &Rule451));
  defs->push_back(Def("460",
                      "Reason episode ceased is that child stayed with current carers at age 18 (or above), but child is "
                      "aged under 18.",
                      "DEC, REC", 0, 0, "REC 'E17' the day before the 18th birthday", &Rule460));
  defs->push_back(Def("502",
                      "Last year's record ended with an open episode. The date on which that episode started does not "
                      "match the start date of the first episode on this year’s record.",
                      "DECOM", 0, 0, "last year's open episode from 01/02/2024, this year's first from 02/02/2024",
                      &Rule502));
  defs->push_back(Def("503A",
                      "The reason for new episode in the first episode does not match open episode at end of last year.",
                      "RNE", 0, 0, "first RNE 'P', last year's open episode RNE 'S'", &Rule503A));
  defs->push_back(Def("503B", "The legal status in the first episode does not match open episode at end of last year.",
                      "LS", 0, 0, "first LS 'C2', last year's open episode LS 'C1'", &Rule503B));
  defs->push_back(Def("503C",
                      "The category of need in the first episode does not match open episode at end of last year.",
                      "CIN", 0, 0, "first CIN 'N1', last year's open episode CIN 'N2'", &Rule503C));
  defs->push_back(Def("503D", "The placement type in the first episode does not match open episode at end of last year",
                      "PLACE", 0, 2024, "first PLACE 'U1', last year's open episode PLACE 'U3'", &Rule503D));
  defs->push_back(Def("503D", "The placement type in the first episode does not match open episode at end of last year",
                      "PLACE", 2025, 2025, "first PLACE 'U1', last year's open episode PLACE 'U3' (H5 to K3 allowed)",
                      &Rule503D));
  defs->push_back(Def("503D", "The placement type in the first episode does not match open episode at end of last year",
                      "PLACE", 2026, 0, "first PLACE 'U1', last year's open episode PLACE 'U3' (Z1 to Z11-Z14 allowed)",
                      &Rule503D));
  defs->push_back(Def("503E",
                      "The placement provider in the first episode does not match open episode at end of last year.",
                      "PLACE_PROVIDER", 0, 0, "first PLACE_PROVIDER 'PR1', last year's open episode 'PR2'", &Rule503E));
  defs->push_back(Def("503F", "The Ofsted URN in the  first episode does not match open episode at end of last year.",
                      "URN", 0, 0, "first URN 'SC123456', last year's open episode 'SC654321'", &Rule503F));
}

}  // namespace carestat::validation
