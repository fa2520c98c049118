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
template <typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, DateOf date_of, PointWriter& out) {
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
  for (const auto& it : in.set.cp_plans()) {
    const int32_t d = date_of(it);
    if (d == kNoDay || FinancialYearOf(d) != in.fy) continue;
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
  }

  FlowCounts("cpp_started", in, [](const Item<v1::CpPlan>& p) { return p.day[0]; }, out);
  FlowCounts("cpp_ceased", in, [](const Item<v1::CpPlan>& p) { return p.day[1]; }, out);

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
  double started = 0, repeats = 0;
  std::set<std::string> started_sources;
  Members* repeat_list = out.Listing("cpp_repeat_pct", "", year);
  if (repeat_list) repeat_list->counts = "plans";
  for (const auto& it : set.cp_plans()) {
    const std::optional<int32_t> start = DayOf(it.rec.start_date());
    if (!start || FinancialYearOf(*start) != in.fy) continue;
    started += 1;
    AddSources(&started_sources, it);
    auto f = first_start.find(it.rec.child_id());
    const bool earlier_plan = f != first_start.end() && f->second < *start;
    const bool reported_previous = it.rec.previous_plans_known() && it.rec.previous_plans() > 0;
    const bool repeat = earlier_plan || reported_previous;
    repeats += repeat;
    if (repeat_list) {
      v1::ListedChild c = Listed(it);
      if (earlier_plan) AddFact(&c, "earlier_plan_start_date", FormatIsoDate(f->second));
      if (repeat) repeat_list->numerator.push_back(c);
      repeat_list->denominator.push_back(std::move(c));
    }
  }
  out.Ratio("cpp_repeat_pct", "", year, repeats, started, 100, started_sources);

  // A plan ceased in Y without a start date has no length: it is left out of the
  // denominator (it still counts in cpp_ceased).
  double ceased = 0, long_plans = 0;
  std::set<std::string> ceased_sources;
  Members* long_list = out.Listing("cpp_ceased_2y_plus_pct", "", year);
  if (long_list) long_list->counts = "plans";
  for (const auto& it : set.cp_plans()) {
    const std::optional<int32_t> start = DayOf(it.rec.start_date());
    const std::optional<int32_t> end = DayOf(it.rec.end_date());
    if (!start || !end || FinancialYearOf(*end) != in.fy) continue;
    ceased += 1;
    const bool two_years = *end >= AddMonths(*start, 24);
    long_plans += two_years;
    AddSources(&ceased_sources, it);
    if (long_list) {
      if (two_years) long_list->numerator.push_back(Listed(it));
      long_list->denominator.push_back(Listed(it));
    }
  }
  out.Ratio("cpp_ceased_2y_plus_pct", "", year, long_plans, ceased, 100, ceased_sources);
}

}  // namespace carestat
