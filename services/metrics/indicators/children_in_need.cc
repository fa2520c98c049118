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
template <typename T, typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, DateOf date_of,
                PointWriter& out, double* year_total, std::set<std::string>* year_sources, const char* records) {
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
  for (const auto& it : items) {
    const int32_t d = date_of(it);
    if (d == kNoDay || FinancialYearOf(d) != in.fy) continue;
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
    }
  }

  if (set.Covers("assessment", in.fy)) {
    double completed = 0;
    std::set<std::string> sources;
    FlowCounts(
        "assessments_completed", in, set.assessments(),
        [](const Item<v1::Assessment>& a) { return a.day[1]; }, out,
        &completed, &sources, "assessments");
    // Timeliness is measured from the actual start date. An assessment authorised in
    // Y but with no start date has no duration, so it is left out of the denominator
    // (it still counts in assessments_completed). A start after the authorisation
    // gives a negative duration, which is "at most 45" as INDICATORS.md words it.
    double timely = 0, measured = 0;
    std::set<std::string> measured_sources;
    Members* list = out.Listing("assessment_timeliness_pct", "", year);
    if (list) list->counts = "assessments";
    for (const auto& it : set.assessments()) {
      const int32_t start = it.day[0], authorised = it.day[1];
      if (start == kNoDay || authorised == kNoDay || FinancialYearOf(authorised) != in.fy) continue;
      measured += 1;
      const int days = in.working_days.Between(start, authorised);
      timely += days <= 45;
      AddSources(&measured_sources, it);
      if (list) {
        v1::ListedChild c = Listed(it);
        AddFact(&c, "working_days", std::to_string(days));
        if (days <= 45) list->numerator.push_back(c);
        list->denominator.push_back(std::move(c));
      }
    }
    out.Ratio("assessment_timeliness_pct", "", year, timely, measured, 100, measured_sources);
  }

  if (set.Covers("section47", in.fy)) {
    double enquiries = 0;
    std::set<std::string> sources;
    FlowCounts(
        "s47_enquiries", in, set.section47s(),
        [](const Item<v1::Section47>& s) { return s.day[0]; }, out, &enquiries,
        &sources, "enquiries");
    out.Rate("s47_rate", in, enquiries, sources);
    // An ICPC is dated by its own date, not its enquiry's: an enquiry started on 20
    // March whose conference is on 10 April counts in the later year. A conference
    // whose enquiry has no start date cannot be timed and is left out.
    double timely = 0, held = 0;
    std::set<std::string> held_sources;
    Members* list = out.Listing("icpc_timeliness_pct", "", year);
    if (list) list->counts = "conferences";
    for (const auto& it : set.section47s()) {
      const int32_t start = it.day[0], icpc = it.day[1];
      if (start == kNoDay || icpc == kNoDay || FinancialYearOf(icpc) != in.fy) continue;
      held += 1;
      const int days = in.working_days.Between(start, icpc);
      timely += days <= 15;
      AddSources(&held_sources, it);
      if (list) {
        v1::ListedChild c = Listed(it);
        AddFact(&c, "working_days", std::to_string(days));
        if (days <= 15) list->numerator.push_back(c);
        list->denominator.push_back(std::move(c));
      }
    }
    out.Ratio("icpc_timeliness_pct", "", year, timely, held, 100, held_sources);
  }
}

}  // namespace carestat
