// DfE rules (batch ssda903_rules_f): see model.h for how a rule is written and registered.
// The internal checks that a child appears once in a one-row-a-child table (INT31-INT36),
// NoE (episodes before the year but none loaded for last year) and the social worker
// episode rules (SW..STG1/STG2, from 2023-24).
#include <algorithm>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

constexpr RuleSeverity E = RuleSeverity::kError;

// ---- helpers ---------------------------------------------------------------------------


// The child's current episode: the one that began last (the later in the file of two
// beginning the same day); nullptr when no episode has a DECOM.
const Row* CurrentEpisode(const ChildData& child) {
  std::vector<const Row*> eps = InDateOrder(child.Rows("Episodes"), "DECOM");
  return eps.empty() ? nullptr : eps.back();
}

// DfE's CLA_AT_31_MARCH: the current episode has no DEC and LS is not V3 or V4 (short breaks).
const Row* LookedAfterAt31March(const ChildData& child) {
  const Row* cur = CurrentEpisode(child);
  if (!cur || !Blank(cur->Get("DEC")) || OneOf(cur->Get("LS"), {"V3", "V4"})) return nullptr;
  return cur;
}

// ---- INT31-INT36: a child appears once in a table of one row a child ----------------------

void OnceIn(const ChildData& child, std::string_view table, Hits& hits) {
  if (Blank(child.id)) return;  // rows without a CHILD are not one child's
  const auto& rows = child.Rows(table);
  if (rows.size() < 2) return;
  for (const Row* r : rows) hits.Add(r, "CHILD", std::to_string(rows.size()) + " rows");
}

void RuleINT31(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "AD1", hits); }
void RuleINT32(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "Header", hits); }
void RuleINT33(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "OC2", hits); }
void RuleINT34(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "OC3", hits); }
void RuleINT35(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "PrevPerm", hits); }
void RuleINT36(const Context&, const ChildData& child, Hits& hits) { OnceIn(child, "UASC", hits); }

// ---- NoE ------------------------------------------------------------------------------
// An episode that began before the collection year, for a child with no episode in last
// year's return (run only when last year's episodes are loaded).
void RuleNoE(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!ctx.HasTable("Episodes_last") || !ctx.period_start) return;
  if (!child.Rows("Episodes_last").empty()) return;
  for (const Row* ep : child.Rows("Episodes")) {
    auto decom = Day(ep, "DECOM");
    if (decom && *decom < ctx.period_start) hits.Add(ep, "DECOM", ShowDay(ctx, *decom));
  }
}

// ---- Social worker episodes ------------------------------------------------------------

bool HasSw(const Context& ctx) { return ctx.HasTable("SWEpisodes"); }

// SW01STG1 (2023-24): a child looked after on 31 March has at least one SW_ID, one SW_DECOM
// and one SW_REASON among its social worker episodes. Found on the open episode.
void RuleSW01STG1(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.HasTable("Episodes")) return;
  const Row* cur = LookedAfterAt31March(child);
  if (!cur) return;
  bool id = false, decom = false, reason = false;
  for (const Row* sw : child.Rows("SWEpisodes")) {
    id = id || !Blank(sw->Get("SW_ID"));
    decom = decom || !Blank(sw->Get("SW_DECOM"));
    reason = reason || !Blank(sw->Get("SW_REASON"));
  }
  if (id && decom && reason) return;
  std::string missing;
  const std::pair<bool, const char*> items[] = {{id, "SW_ID"}, {decom, "SW_DECOM"}, {reason, "SW_REASON"}};
  for (const auto& [have, name] : items)
    if (!have) missing += std::string(missing.empty() ? "no " : ", no ") + name;
  hits.Add(cur, "DEC", missing);
}

// SW01aSTG1 (2024-25 on): an episode beginning before 1 April 2023 gives its SW_ID (its
// SW_REASON may be missing). A blank or invalid SW_DECOM is SW04STG1's.
void RuleSW01aSTG1(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  const int32_t cut = DayNumber(2023, 4, 1);
  for (const Row* sw : child.Rows("SWEpisodes")) {
    auto decom = Day(sw, "SW_DECOM");
    if (decom && *decom < cut && Blank(sw->Get("SW_ID"))) hits.Add(sw, "SW_ID");
  }
}

// SW01bSTG1 (2024-25 on): an episode beginning on or after 1 April 2023 gives its SW_ID and
// its SW_REASON.
void RuleSW01bSTG1(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  const int32_t cut = DayNumber(2023, 4, 1);
  for (const Row* sw : child.Rows("SWEpisodes")) {
    auto decom = Day(sw, "SW_DECOM");
    if (!decom || *decom < cut) continue;
    if (Blank(sw->Get("SW_ID"))) hits.Add(sw, "SW_ID");
    if (Blank(sw->Get("SW_REASON"))) hits.Add(sw, "SW_REASON");
  }
}

// SW02STG1: a given SW_ID begins "SW" or "XX" (as written: "sw" does not). A blank one is
// the completeness rules' (SW01/SW03).
void RuleSW02STG1(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  for (const Row* sw : child.Rows("SWEpisodes")) {
    const std::string& id = sw->Get("SW_ID");
    if (Blank(id)) continue;
    if (id.rfind("SW", 0) != 0 && id.rfind("XX", 0) != 0) hits.Add(sw, "SW_ID");
  }
}

// SW03STG1 (2023-24): every social worker episode gives SW_ID, SW_DECOM and SW_REASON.
void RuleSW03STG1(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  for (const Row* sw : child.Rows("SWEpisodes"))
    for (std::string_view f : {"SW_ID", "SW_DECOM", "SW_REASON"})
      if (Blank(sw->Get(f))) hits.Add(sw, f);
}

// SW06STG2: an episode begins on or before the collection's 31 March.
void RuleSW06STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.period_end) return;
  for (const Row* sw : child.Rows("SWEpisodes")) {
    auto decom = Day(sw, "SW_DECOM");
    if (decom && *decom > ctx.period_end) hits.Add(sw, "SW_DECOM", ShowDay(ctx, *decom));
  }
}

// The first day of the social worker reporting period: 1 April of the collection year in
// 2023-24, a year earlier from 2024-25 (the return then reports two years).
int32_t SwPeriodStart(const Context& ctx) {
  return ctx.year != 0 && ctx.year <= 2024 ? ctx.period_start : AddMonths(ctx.period_start, -12);
}

// SW07STG2: an episode's end date lies in the social worker reporting period.
void RuleSW07STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.period_end) return;
  const int32_t from = SwPeriodStart(ctx);
  for (const Row* sw : child.Rows("SWEpisodes")) {
    auto dec = Day(sw, "SW_DEC");
    if (dec && (*dec < from || *dec > ctx.period_end)) hits.Add(sw, "SW_DEC", ShowDay(ctx, *dec));
  }
}

// SW08STG2 and SW14STG2: every episode but the last (by SW_DECOM) has ended.
void OpenBeforeLast(const ChildData& child, Hits& hits) {
  std::vector<const Row*> eps = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  for (size_t i = 0; i + 1 < eps.size(); ++i)
    if (Blank(eps[i]->Get("SW_DEC"))) hits.Add(eps[i], "SW_DEC");
}

void RuleSW08STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (HasSw(ctx)) OpenBeforeLast(child, hits);
}

void RuleSW14STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (HasSw(ctx)) OpenBeforeLast(child, hits);
}

// SW09STG2: an episode ends on the day it began.
void RuleSW09STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  for (const Row* sw : child.Rows("SWEpisodes")) {
    auto decom = Day(sw, "SW_DECOM"), dec = Day(sw, "SW_DEC");
    if (decom && dec && *decom == *dec) hits.Add(sw, "SW_DEC", ShowDay(ctx, *dec));
  }
}

// SW10STG2: each episode begins within 7 days of the previous episode's end, when that
// has one (in SW_DECOM, then SW_DEC, order). 2023-24: within 7 days either side. From
// 2024-25: not more than 7 days before it (a later start is SW11's concern), and an
// episode whose SW_REASON is FCONTA (first contact or re-referral) is exempt.
void SwFollows(const Context& ctx, const ChildData& child, Hits& hits, bool from_2025) {
  if (!HasSw(ctx)) return;
  std::vector<const Row*> eps = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  std::stable_sort(eps.begin(), eps.end(), [](const Row* a, const Row* b) {
    if (*Day(a, "SW_DECOM") != *Day(b, "SW_DECOM")) return *Day(a, "SW_DECOM") < *Day(b, "SW_DECOM");
    auto da = Day(a, "SW_DEC"), db = Day(b, "SW_DEC");
    return da && (!db || *da < *db);  // an episode without an end date last among equals
  });
  for (size_t i = 1; i < eps.size(); ++i) {
    auto prev_dec = Day(eps[i - 1], "SW_DEC");
    if (!prev_dec) continue;
    const int32_t start = *Day(eps[i], "SW_DECOM");
    bool bad;
    if (from_2025)
      bad = eps[i]->Get("SW_REASON") != "FCONTA" && start < *prev_dec - 7;
    else
      bad = start < *prev_dec - 7 || start > *prev_dec + 7;
    if (bad) hits.Add(eps[i], "SW_DECOM", "previous episode ended " + ShowDay(ctx, *prev_dec));
  }
}

void RuleSW10STG2_2024(const Context& ctx, const ChildData& child, Hits& hits) { SwFollows(ctx, child, hits, false); }
void RuleSW10STG2(const Context& ctx, const ChildData& child, Hits& hits) { SwFollows(ctx, child, hits, true); }

// SW11aSTG2 (2023-24): an episode ending on or before 26 March (31 March less 5 days) is
// followed by one beginning within 5 days of that end. Found on the ended episode.
void RuleSW11aSTG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.period_end) return;
  std::vector<const Row*> eps = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  for (size_t i = 0; i < eps.size(); ++i) {
    auto dec = Day(eps[i], "SW_DEC");
    if (!dec || *dec > ctx.period_end - 5) continue;
    bool followed = false;
    if (i + 1 < eps.size()) {
      const int32_t next = *Day(eps[i + 1], "SW_DECOM");
      followed = next >= *dec - 5 && next <= *dec + 5;
    }
    if (!followed) hits.Add(eps[i], "SW_DEC", ShowDay(ctx, *dec));
  }
}

// SW11bSTG2: an episode ending in the last days of the year (26 to 31 March) is followed by
// another episode. Found on the ended episode.
void RuleSW11bSTG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.period_end) return;
  std::vector<const Row*> eps = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  if (eps.empty()) return;
  const Row* last = eps.back();
  auto dec = Day(last, "SW_DEC");
  if (dec && *dec >= ctx.period_end - 5 && *dec <= ctx.period_end) hits.Add(last, "SW_DEC", ShowDay(ctx, *dec));
}

// SW12STG2: a child looked after on 31 March has social worker episodes reported from the
// start of the reporting period, or from the start of its current period of care when that
// is later. Found on the earliest social worker episode when it begins too late, or on
// the episode that began the period of care when none is reported.
void RuleSW12STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx) || !ctx.HasTable("Episodes") || !ctx.period_end) return;
  if (!LookedAfterAt31March(child)) return;
  std::vector<const Row*> eps = InDateOrder(child.Rows("Episodes"), "DECOM");
  const Row* care_start = eps.front();
  for (const Row* ep : eps)
    if (ep->Get("RNE") == "S") care_start = ep;
  const int32_t from = std::max(SwPeriodStart(ctx), *Day(care_start, "DECOM"));
  std::vector<const Row*> sw = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  if (sw.empty()) {
    hits.Add(care_start, "DECOM", "no social worker episode reported");
    return;
  }
  const int32_t first = *Day(sw.front(), "SW_DECOM");
  if (first > from) hits.Add(sw.front(), "SW_DECOM", "episodes reported from " + ShowDay(ctx, first) + ", not " + ShowDay(ctx, from));
}

// SW17STG2 (2025-26 on): the last episode (by SW_DECOM) is open at 31 March: no SW_DEC.
void RuleSW17STG2(const Context& ctx, const ChildData& child, Hits& hits) {
  if (!HasSw(ctx)) return;
  std::vector<const Row*> eps = InDateOrder(child.Rows("SWEpisodes"), "SW_DECOM");
  if (!eps.empty() && !Blank(eps.back()->Get("SW_DEC"))) hits.Add(eps.back(), "SW_DEC");
}

void Add(std::vector<RuleDef>* defs, std::string_view code, std::string_view message, std::string_view fields,
         int from, int to, std::string_view example, ChildRuleFn fn) {
  defs->push_back({RuleInfo{code, "ssda903", E, message, fields, from, to, example, "DfE"}, fn, {}});
}

}  // namespace

void AddSsda903RulesF(std::vector<RuleDef>* defs) {
  Add(defs, "INT31", "Internal Check: Child should only exist once in AD1.", "CHILD", 0, 0,
      "two AD1 rows for one CHILD", &RuleINT31);
  Add(defs, "INT32", "Internal Check: Child should only exist once in Header.", "CHILD", 0, 0,
      "two Header rows for one CHILD", &RuleINT32);
  Add(defs, "INT33", "Internal Check: Child should only exist once in OC2.", "CHILD", 0, 0,
      "two OC2 rows for one CHILD", &RuleINT33);
  Add(defs, "INT34", "Internal Check: Child should only exist once in OC3.", "CHILD", 0, 0,
      "two OC3 rows for one CHILD", &RuleINT34);
  Add(defs, "INT35", "Internal Check: Child should only exist once in PrevPerm.", "CHILD", 0, 0,
      "two PrevPerm rows for one CHILD", &RuleINT35);
  Add(defs, "INT36", "Internal Check: Child should only exist once in UASC.", "CHILD", 0, 0,
      "two UASC rows for one CHILD", &RuleINT36);
  Add(defs, "NoE",
      "This child has no episodes loaded for previous year even though child started to be looked after before "
      "this current year.",
      "DECOM", 0, 0, "DECOM 01/03/2024 in 2024-25 and no episode in last year's return", &RuleNoE);
  Add(defs, "SW01STG1", "Child looked after on 31 March, but no social worker episode information is reported", "DEC",
      2024, 2024, "an open episode (LS C2) and no SWEpisodes row with a SW_REASON", &RuleSW01STG1);
  Add(defs, "SW01aSTG1", "For each social worker episode, information should be complete", "SW_DECOM, SW_ID", 2025, 0,
      "SW_DECOM 01/01/2023 and SW_ID blank", &RuleSW01aSTG1);
  Add(defs, "SW01bSTG1", "For each social worker episode, information should be complete",
      "SW_DECOM, SW_ID, SW_REASON", 2025, 0, "SW_DECOM 01/04/2023 and SW_REASON blank", &RuleSW01bSTG1);
  Add(defs, "SW02STG1", "Social worker ID does not begin with the characters ‘SW’ or ‘XX’.", "SW_ID",
      2024, 0, "SW_ID 'AB123' (or 'sw123')", &RuleSW02STG1);
  Add(defs, "SW03STG1", "For each social worker episode, information should be complete.",
      "SW_ID, SW_DECOM, SW_REASON", 2024, 2024, "a SWEpisodes row with SW_REASON blank", &RuleSW03STG1);
  Add(defs, "SW06STG2", "Social worker episode data should be within the social worker data reporting year.",
      "SW_DECOM", 2024, 0, "SW_DECOM 01/04/2025 in 2024-25", &RuleSW06STG2);
  Add(defs, "SW07STG2",
      "Social worker episode end date should be on or after the start of the social worker reporting period, and "
      "should be on or before the collection end date.",
      "SW_DEC", 2024, 2024, "SW_DEC 31/03/2023 in 2023-24", &RuleSW07STG2);
  Add(defs, "SW07STG2",
      "Social worker episode end date should be on or after the start of the social worker reporting period, and "
      "should be on or before the collection end date.",
      "SW_DEC", 2025, 0, "SW_DEC 31/03/2023 in 2024-25 (its reporting period begins 01/04/2023)", &RuleSW07STG2);
  Add(defs, "SW08STG2", "A new social worker episode has started, but the previous episode has not ended.", "SW_DEC",
      2024, 0, "an episode with SW_DEC blank and a later one", &RuleSW08STG2);
  Add(defs, "SW09STG2", "Social worker episode appears to have lasted for less than 24 hours.", "SW_DECOM, SW_DEC",
      2024, 0, "SW_DECOM and SW_DEC both 01/06/2024", &RuleSW09STG2);
  Add(defs, "SW10STG2",
      "A new social worker episode has started before the end date of the previous social worker episode.",
      "SW_DECOM", 2024, 2024, "SW_DEC 30/06/2023 then SW_DECOM 01/06/2023 (or 01/08/2023)", &RuleSW10STG2_2024);
  Add(defs, "SW10STG2",
      "A new social worker episode has started before the end date of the previous social worker episode.",
      "SW_DECOM", 2025, 0, "SW_DEC 30/06/2024 then SW_DECOM 01/06/2024, SW_REASON not FCONTA", &RuleSW10STG2);
  Add(defs, "SW11aSTG2",
      "Social worker episode has ended before 31 March and no subsequent social worker episode has been provided.",
      "SW_DEC", 2024, 2024, "SW_DEC 01/03/2024 and no episode beginning 25/02/2024 to 06/03/2024", &RuleSW11aSTG2);
  Add(defs, "SW11bSTG2",
      "Social worker episode has ended before 31 March and no subsequent social worker episode has been provided.",
      "SW_DEC", 2024, 0, "the last episode has SW_DEC 28/03/2025 in 2024-25", &RuleSW11bSTG2);
  Add(defs, "SW12STG2",
      "If a child is looked after on 31 March then all social worker episodes for the full previous year should be "
      "reported, even those whilst they were not looked after",
      "SW_DECOM", 2024, 2024, "in care all of 2023-24, first SW_DECOM 01/06/2023", &RuleSW12STG2);
  Add(defs, "SW12STG2",
      "If a child is looked after on 31 March then all social worker episodes for the full previous year should be "
      "reported, even those whilst they were not looked after",
      "SW_DECOM", 2025, 0, "in care since 2020, first SW_DECOM 01/06/2023 in 2024-25", &RuleSW12STG2);
  Add(defs, "SW14STG2", "Social worker episode date ceased is blank.", "SW_DEC", 2024, 2024,
      "an episode with SW_DEC blank and a later one", &RuleSW14STG2);
  Add(defs, "SW17STG2", "There is no social worker episode open at 31 March", "SW_DEC, SW_DECOM", 2026, 0,
      "the last episode has SW_DEC 01/03/2026", &RuleSW17STG2);
}

}  // namespace carestat::validation
