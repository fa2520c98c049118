// Child protection: plans open, started and ceased, their categories, repeats and length.
#include <map>
#include <optional>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {

// The category a plan is counted under: latest, else initial.
const std::string& CategoryOf(const v1::CpPlan& p) {
  return p.latest_category().empty() ? p.initial_category() : p.latest_category();
}

bool OpenAt(const v1::CpPlan& p, int32_t day) {
  const std::optional<int32_t> start = DayOf(p.start_date());
  const std::optional<int32_t> end = DayOf(p.end_date());
  return start && *start <= day && (!end || *end > day);
}

// Counts dated plans per financial year and per month of `fy`, with sources. Plans
// without the date (date_of gives kNoDay) are in no period.
// With the rolling 12 months ending with each month (`earlier`: the returns cover the
// year before).
template <typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, DateOf date_of, bool earlier, PointWriter& out) {
  MonthTally tally;
  double year_total = 0;
  double by_month[13] = {};
  SourceIds year_ids, month_ids[13];
  // Plans, not children: a child with two plans started in the year is listed twice.
  Members* year_list = out.Listing(id, "", FinancialYear(in.fy));
  Members* month_list[13] = {};
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    month_list[p.month()] = out.Listing(id, "", p);
  }
  for (Members* l : month_list) {
    if (l) l->counts = "plans";
  }
  if (year_list) year_list->counts = "plans";
  if (WindowListing w = RollingListing(out, id, in.fy, earlier); w.members) {
    w.members->counts = "plans";
    tally.ListWindow(w.from, w.to, &w.members->numerator, nullptr);
  }
  for (const auto& it : in.set.cp_plans()) {
    const int32_t d = date_of(it);
    const int slot = MonthSlot(in.fy, d);
    if (slot < 0) continue;
    tally.Add(slot, it, 1);
    if (slot < kYearSlot) continue;  // the year before: its rolling windows only
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    year_total += 1;
    by_month[m] += 1;
    year_ids.Add(it);
    month_ids[m].Add(it);
    if (year_list) year_list->numerator.push_back(Listed(it));
    if (month_list[m]) month_list[m]->numerator.push_back(Listed(it));
  }
  out.Count(id, "", FinancialYear(in.fy), year_total, year_ids.Set());
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    out.Count(id, "", p, by_month[p.month()], month_ids[p.month()].Set());
  }
  ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) {
    out.Count(id, "", p, tally.Numerator(from, to), tally.Sources(from, to));
  });
}

// A share of plans dated (by `date_of`) in the year, each month and each rolling 12
// months: `test` gives whether a plan is in the numerator (with the fact that placed it
// there, listed), or nullopt for a plan left out of the denominator too.
template <typename DateOf, typename Test>
void PlanShare(const std::string& id, const FamilyInput& in, DateOf date_of, Test test, bool earlier,
               PointWriter& out) {
  const v1::Period year = FinancialYear(in.fy);
  Members* lists[13] = {};  // 0: the year; else the month
  lists[0] = out.Listing(id, "", year);
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    lists[p.month()] = out.Listing(id, "", p);
  }
  for (Members* l : lists) {
    if (l) l->counts = "plans";
  }
  MonthTally tally;
  if (WindowListing w = RollingListing(out, id, in.fy, earlier); w.members) {
    w.members->counts = "plans";
    tally.ListWindow(w.from, w.to, &w.members->numerator, &w.members->denominator);
  }
  for (const auto& it : in.set.cp_plans()) {
    const int32_t d = date_of(it);
    const int slot = MonthSlot(in.fy, d);
    if (slot < 0) continue;
    v1::ListedChild c;
    const std::optional<bool> in_numerator = test(it, out.listing() ? &c : nullptr);
    if (!in_numerator) continue;
    tally.Add(slot, it, *in_numerator, 1, [&] { return c; });
    if (slot < kYearSlot) continue;
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    for (Members* l : {lists[0], lists[m]}) {
      if (!l) continue;
      if (*in_numerator) l->numerator.push_back(c);
      l->denominator.push_back(c);
    }
  }
  auto write = [&](const v1::Period& p, int from, int to) {
    out.Ratio(id, "", p, tally.Numerator(from, to), tally.Denominator(from, to), 100, tally.Sources(from, to));
  };
  write(year, kYearSlot, kYearSlot + 11);
  for (int i = 0; i < 12; ++i) write(MonthOfYear(in.fy, i), kYearSlot + i, kYearSlot + i);
  ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) { write(p, from, to); });
}

}  // namespace

void ComputeChildProtection(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  if (!set.Covers("cp_plan", in.fy)) return;
  const v1::Period year = FinancialYear(in.fy);
  const int32_t snapshot = PeriodEnd(year);

  // Plans open at S come from every return loaded: a plan started years ago and still
  // open counts.
  // Distinct children with a plan open at the day. A plan without a child id (the
  // return gave none) cannot be matched to another, so it counts as a child of its own.
  const auto spans = SpansOpenBetween(set.cp_plans(), PeriodEnd(MonthOfYear(in.fy, 0)), snapshot);
  std::set<std::string> open_sources;
  Members* listed = out.Listing("cpp_year_end", "", year);
  const double on_plan = DistinctChildrenOpen(spans, snapshot, &open_sources, listed ? &listed->numerator : nullptr);
  out.Count("cpp_year_end", "", year, on_plan, open_sources);
  out.Rate("cpp_rate", in, on_plan, open_sources);
  for (int i = 0; i < 12; ++i) {
    const v1::Period month = MonthOfYear(in.fy, i);
    std::set<std::string> month_sources;
    Members* month_listed = out.Listing("cpp_year_end", "", month);
    const double n = DistinctChildrenOpen(spans, PeriodEnd(month), &month_sources,
                                          month_listed ? &month_listed->numerator : nullptr);
    out.Count("cpp_year_end", "", month, n, month_sources);
    out.Rate("cpp_rate", in, month, n, month_sources);
  }

  const bool earlier = set.Covers("cp_plan", in.fy - 1);
  FlowCounts("cpp_started", in, [](const Item<v1::CpPlan>& p) { return p.day[0]; }, earlier, out);
  FlowCounts("cpp_ceased", in, [](const Item<v1::CpPlan>& p) { return p.day[1]; }, earlier, out);

  // Categories are shares of plans, not children: a child with two open plans is in
  // the denominator twice. A plan with neither category given stays in the
  // denominator (it is open at S) but in no category, so the five need not sum to
  // 100. All five are written whenever the year is covered; with no open plan each has
  // a zero denominator and so no value.
  static const char* const kCategories[] = {"EMO", "NEG", "PHY", "SAB", "MUL"};
  std::map<std::string, double> by_category;
  double open_plans = 0;
  Members* category_list = nullptr;
  std::string listed_category;
  for (const char* c : kCategories) {
    if (Members* m = out.Listing("cpp_category_pct", std::string("category=") + c, year)) {
      category_list = m;
      category_list->counts = "plans";
      listed_category = c;
    }
  }
  for (const auto& it : set.cp_plans()) {
    if (!OpenAt(it.rec, snapshot)) continue;
    open_plans += 1;
    by_category[CategoryOf(it.rec)] += 1;
    if (category_list) {
      category_list->denominator.push_back(Listed(it));
      if (CategoryOf(it.rec) == listed_category) category_list->numerator.push_back(Listed(it));
    }
  }
  for (const char* c : kCategories) {
    out.Ratio("cpp_category_pct", std::string("category=") + c, year, by_category[c], open_plans, 100,
              open_sources);
  }

  // "Ever" reaches across every return loaded: an earlier plan of the same child is
  // one that started strictly before this one (two rows with one start date are not
  // each other's predecessors). Plans without a child id cannot be linked.
  std::map<std::string, int32_t> first_start;
  for (const auto& it : set.cp_plans()) {
    const std::optional<int32_t> start = DayOf(it.rec.start_date());
    if (!start || it.rec.child_id().empty()) continue;
    auto [f, inserted] = first_start.try_emplace(it.rec.child_id(), *start);
    if (!inserted && *start < f->second) f->second = *start;
  }
  PlanShare(
      "cpp_repeat_pct", in, [](const Item<v1::CpPlan>& p) { return p.day[0]; },
      [&](const Item<v1::CpPlan>& it, v1::ListedChild* c) -> std::optional<bool> {
        const std::optional<int32_t> start = DayOf(it.rec.start_date());
        auto f = first_start.find(it.rec.child_id());
        const bool earlier_plan = f != first_start.end() && f->second < *start;
        const bool reported_previous = it.rec.previous_plans_known() && it.rec.previous_plans() > 0;
        if (c) {
          *c = Listed(it);
          if (earlier_plan) AddFact(c, "earlier_plan_start_date", FormatIsoDate(f->second));
        }
        return earlier_plan || reported_previous;
      },
      earlier, out);

  // A plan ceased in Y without a start date has no length: it is left out of the
  // denominator (it still counts in cpp_ceased).
  PlanShare(
      "cpp_ceased_2y_plus_pct", in, [](const Item<v1::CpPlan>& p) { return p.day[1]; },
      [](const Item<v1::CpPlan>& it, v1::ListedChild* c) -> std::optional<bool> {
        const std::optional<int32_t> start = DayOf(it.rec.start_date());
        const std::optional<int32_t> end = DayOf(it.rec.end_date());
        if (!start || !end) return std::nullopt;
        if (c) *c = Listed(it);
        return *end >= AddMonths(*start, 24);
      },
      earlier, out);
}

}  // namespace carestat
