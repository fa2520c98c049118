// Children in need and assessment: open cases, assessments and section 47 enquiries.
#include <map>
#include <optional>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {

// Counts dated items per financial year and per month of `fy`, with sources. Items
// without the date (date_of gives kNoDay) are in no period.
// `records` names what one counted item is, for a list of them ("assessments").
// With the items of the 24 month slots in `tally`, and the rolling 12 months ending
// with each month (`earlier`: the returns cover the year before), a window being listed
// listed by `tally` as it is counted.
template <typename T, typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, DateOf date_of,
                PointWriter& out, double* year_total, std::set<std::string>* year_sources, const char* records,
                bool earlier, MonthTally* tally) {
  double by_month[13] = {};
  SourceIds year_ids, month_ids[13];
  *year_total = 0;
  // Records, not children: a child assessed twice in the year is listed twice.
  Members* year_list = out.Listing(id, "", FinancialYear(in.fy));
  Members* month_list[13] = {};
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    month_list[p.month()] = out.Listing(id, "", p);
  }
  for (Members* l : month_list) {
    if (l) l->counts = records;
  }
  if (year_list) year_list->counts = records;
  if (WindowListing w = RollingListing(out, id, in.fy, earlier); w.members) {
    w.members->counts = records;
    tally->ListWindow(w.from, w.to, &w.members->numerator, nullptr);
  }
  for (const auto& it : items) {
    const int32_t d = date_of(it);
    const int slot = MonthSlot(in.fy, d);
    if (slot < 0) continue;
    tally->Add(slot, it, 1);
    if (slot < kYearSlot) continue;  // the year before: its rolling windows only
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    *year_total += 1;
    by_month[m] += 1;
    year_ids.Add(it);
    month_ids[m].Add(it);
    if (year_list) year_list->numerator.push_back(Listed(it));
    if (month_list[m]) month_list[m]->numerator.push_back(Listed(it));
  }
  year_ids.AddTo(year_sources);
  out.Count(id, "", FinancialYear(in.fy), *year_total, *year_sources);
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    out.Count(id, "", p, by_month[p.month()], month_ids[p.month()].Set());
  }
  ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) {
    out.Count(id, "", p, tally->Numerator(from, to), tally->Sources(from, to));
  });
}

// A timeliness share: of the items dated (by `date_of`) in the year, each month and
// each rolling 12 months, % done within `limit` working days from `start_of`. An item
// without either date cannot be timed and is left out. Listed as `records`.
template <typename T, typename StartOf, typename DateOf>
void Timeliness(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, StartOf start_of,
                DateOf date_of, int limit, const char* records, bool earlier, PointWriter& out) {
  const v1::Period year = FinancialYear(in.fy);
  Members* list = out.Listing(id, "", year);
  if (list) list->counts = records;
  Members* month_list[13] = {};
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    month_list[p.month()] = out.Listing(id, "", p);
    if (month_list[p.month()]) month_list[p.month()]->counts = records;
  }
  MonthTally tally;  // timely over timed
  if (WindowListing w = RollingListing(out, id, in.fy, earlier); w.members) {
    w.members->counts = records;
    tally.ListWindow(w.from, w.to, &w.members->numerator, &w.members->denominator);
  }
  for (const auto& it : items) {
    const int32_t start = start_of(it), done = date_of(it);
    const int slot = MonthSlot(in.fy, done);
    if (start == kNoDay || slot < 0) continue;
    const int days = in.working_days.Between(start, done);
    auto entry = [&] {
      v1::ListedChild c = Listed(it);
      AddFact(&c, "working_days", std::to_string(days));
      return c;
    };
    tally.Add(slot, it, days <= limit, 1, entry);
    if (slot < kYearSlot) continue;
    int y, m, dd;
    CivilFromDays(done, &y, &m, &dd);
    for (Members* l : {list, month_list[m]}) {
      if (!l) continue;
      v1::ListedChild c = entry();
      if (days <= limit) l->numerator.push_back(c);
      l->denominator.push_back(std::move(c));
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

void ComputeChildrenInNeed(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const v1::Period year = FinancialYear(in.fy);
  const int32_t snapshot = PeriodEnd(year);

  if (set.Covers("referral", in.fy)) {
    // Open cases look at every referral loaded, whichever return it came from: an
    // episode opened years ago and still open at S counts. Distinct children with a
    // referral open at the day; a record without a child id (the return gave none)
    // cannot be matched to another, so it counts as a child of its own.
    const auto spans = SpansOpenBetween(set.referrals(), PeriodEnd(MonthOfYear(in.fy, 0)), snapshot);
    std::set<std::string> sources;
    Members* listed = out.Listing("cin_open_year_end", "", year);
    const double open = DistinctChildrenOpen(spans, snapshot, &sources, listed ? &listed->numerator : nullptr);
    out.Count("cin_open_year_end", "", year, open, sources);
    out.Rate("cin_rate", in, open, sources);
    // The monthly series is a snapshot at each month's last day.
    for (int i = 0; i < 12; ++i) {
      const v1::Period month = MonthOfYear(in.fy, i);
      std::set<std::string> month_sources;
      Members* month_listed = out.Listing("cin_open_year_end", "", month);
      const double n = DistinctChildrenOpen(spans, PeriodEnd(month), &month_sources,
                                            month_listed ? &month_listed->numerator : nullptr);
      out.Count("cin_open_year_end", "", month, n, month_sources);
      out.Rate("cin_rate", in, month, n, month_sources);
    }
  }

  if (set.Covers("assessment", in.fy)) {
    const bool earlier = set.Covers("assessment", in.fy - 1);
    double completed = 0;
    std::set<std::string> sources;
    MonthTally tally;
    FlowCounts(
        "assessments_completed", in, set.assessments(),
        [](const Item<v1::Assessment>& a) { return a.day[1]; }, out,
        &completed, &sources, "assessments", earlier, &tally);
    // Timeliness is measured from the actual start date. An assessment authorised in
    // Y but with no start date has no duration, so it is left out of the denominator
    // (it still counts in assessments_completed). A start after the authorisation
    // gives a negative duration, which is "at most 45" as INDICATORS.md words it.
    Timeliness(
        "assessment_timeliness_pct", in, set.assessments(), [](const Item<v1::Assessment>& a) { return a.day[0]; },
        [](const Item<v1::Assessment>& a) { return a.day[1]; }, 45, "assessments", earlier, out);
  }

  if (set.Covers("section47", in.fy)) {
    const bool earlier = set.Covers("section47", in.fy - 1);
    double enquiries = 0;
    std::set<std::string> sources;
    MonthTally tally;
    FlowCounts(
        "s47_enquiries", in, set.section47s(),
        [](const Item<v1::Section47>& s) { return s.day[0]; }, out, &enquiries,
        &sources, "enquiries", earlier, &tally);
    out.Rate("s47_rate", in, enquiries, sources);
    ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) {
      out.Rate("s47_rate", in, p, tally.Numerator(from, to), tally.Sources(from, to));
    });
    // An ICPC is dated by its own date, not its enquiry's: an enquiry started on 20
    // March whose conference is on 10 April counts in the later year. A conference
    // whose enquiry has no start date cannot be timed and is left out.
    Timeliness(
        "icpc_timeliness_pct", in, set.section47s(), [](const Item<v1::Section47>& s) { return s.day[0]; },
        [](const Item<v1::Section47>& s) { return s.day[1]; }, 15, "conferences", earlier, out);
  }
}

}  // namespace carestat
