// Looked-after children: who is in care at a date, who came and went, where they live
// and how settled they are, and the care leavers of the year's return.
//
// Definitions where INDICATORS.md leaves a choice (each is also stated at its use):
// - Episodes of legal status V3 or V4 (series of short breaks) are dropped before
//   anything else, so they start, cease, place and chain nothing.
// - A period of care runs back from an episode through predecessors that ended (REC X1)
//   on the day it began, stopping at its RNE S episode. A placement runs back the same
//   way through RNE L episodes only (a change of legal status keeps the placement).
// - Where the loaded returns do not reach back to a period's RNE S episode (or a
//   placement's first episode), the start is a bound, not a date: a child is counted by
//   it only when the bound already decides the test.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/metrics/indicators/care_history.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {


// Open at D: start <= D and (no end, or end > D). An episode ending on D is not open.
bool OpenAt(const Episode* e, int32_t d) { return Start(e) <= d && (End(e) == kNoDay || End(e) > d); }

bool EndsWithin(const Episode* e, int32_t from, int32_t to) {
  const int32_t end = End(e);
  return end != kNoDay && end >= from && end <= to;
}

bool StartsPlacement(const std::string& rne) {
  return rne == "S" || rne == "P" || rne == "T" || rne == "B" || rne == "U";
}

// Completed years at `on` (a child is 10 on the tenth birthday; one born on 29 February
// turns a year older on 1 March in other years).
int AgeAt(int32_t birth, int32_t on) {
  int by, bm, bd, y, m, d;
  CivilFromDays(birth, &by, &bm, &bd);
  CivilFromDays(on, &y, &m, &d);
  int age = y - by;
  if (m < bm || (m == bm && d < bd)) --age;
  return age;
}



// Where a run of episodes begins, and whether that is its true beginning (the returns
// hold the episode that opens it) or only the earliest episode loaded.
struct RunStart {
  int32_t day = 0;
  bool known = false;
};

// The period of care holding eps[i]: back to its RNE S episode.
RunStart PeriodStart(const Episodes& eps, int i) {
  for (int j = Predecessor(eps, i); j >= 0; j = Predecessor(eps, i)) i = j;
  return {Start(eps[i]), eps[i]->rec.reason_new_episode() == "S"};
}

// The placement held in eps[i]: back through changes of legal status only (RNE L).
RunStart PlacementStart(const Episodes& eps, int i) {
  while (eps[i]->rec.reason_new_episode() == "L") {
    const int j = Predecessor(eps, i);
    if (j < 0) return {Start(eps[i]), false};  // its placement began before the loaded data
    i = j;
  }
  return {Start(eps[i]), true};
}

// Children looked after at a date, each with the index of their open episode (the
// latest-starting one, should a return hold two).
struct Snapshot {
  std::map<std::string, int> open;
  std::set<std::string> sources;
};

Snapshot LookedAfterAt(const std::map<std::string, Episodes>& children, int32_t day) {
  Snapshot s;
  SourceIds sources;
  for (const auto& [child, eps] : children) {
    for (int i = 0; i < static_cast<int>(eps.size()); ++i) {
      if (!OpenAt(eps[i], day)) continue;
      // Children come in key order: the hint is the place.
      s.open.insert_or_assign(s.open.end(), child, i);
      sources.Add(*eps[i]);
    }
  }
  sources.AddTo(&s.sources);
  return s;
}

// Distinct children with a matching episode, in the year and in each of its months.
struct ChildFlow {
  std::set<std::string> year;
  std::set<std::string> year_sources;
  std::map<int, std::set<std::string>> month;  // month number -> children
  std::map<int, std::set<std::string>> month_sources;
  void Add(const Episode* e, int32_t day) {
    int y, m, d;
    CivilFromDays(day, &y, &m, &d);
    year.insert(e->rec.child_id());
    month[m].insert(e->rec.child_id());
    AddSources(&year_sources, *e);
    AddSources(&month_sources[m], *e);
  }
  void Write(const std::string& id, int fy, PointWriter& out) {
    out.Count(id, "", FinancialYear(fy), year.size(), year_sources);
    for (int i = 0; i < 12; ++i) {
      const int y = i < 9 ? fy : fy + 1, m = i < 9 ? i + 4 : i - 8;
      out.Count(id, "", Month(y, m), month[m].size(), month_sources[m]);
    }
  }
};

void ComputeEpisodes(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const int32_t first = FinancialYearStart(in.fy), s = FinancialYearEnd(in.fy);
  const v1::Period year = FinancialYear(in.fy);
  const auto& children = set.looked_after_by_child();

  // Month ends: lac_month_end, and lac_year_end's monthly series (a snapshot indicator is
  // taken at each month's last day). March's is S itself.
  double peak = -1;
  std::set<std::string> peak_sources;
  for (int i = 0; i < 12; ++i) {
    const int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    const Snapshot month = LookedAfterAt(children, PeriodEnd(Month(y, m)));
    const double n = month.open.size();
    out.Count("lac_month_end", "", Month(y, m), n, month.sources);
    out.Count("lac_year_end", "", Month(y, m), n, month.sources);
    if (n > peak) {  // the first month to reach the highest figure names its sources
      peak = n;
      peak_sources = month.sources;
    }
  }
  out.Count("lac_peak", "", year, peak, peak_sources);

  const Snapshot at_s = LookedAfterAt(children, s);
  const double lac = at_s.open.size();
  out.Count("lac_year_end", "", year, lac, at_s.sources);
  out.Rate("lac_rate", in, lac, at_s.sources);

  // Starts and ends count children: one who leaves and returns within the year counts
  // once in each. The first start of the year decides the police protection question.
  ChildFlow started, ceased;
  std::set<std::string> police, police_sources;
  for (const auto& [child, eps] : children) {
    bool first_start = true;
    for (const Episode* e : eps) {
      const int32_t begin = Start(e);
      if (e->rec.reason_new_episode() == "S" && begin >= first && begin <= s) {
        started.Add(e, begin);
        if (first_start && e->rec.legal_status() == "L1") {
          police.insert(child);
          AddSources(&police_sources, *e);
        }
        first_start = false;
      }
      if (EndsWithin(e, first, s) && e->rec.reason_ceased() != "X1") ceased.Add(e, ToDays(e->rec.end_date()));
    }
  }
  started.Write("lac_started", in.fy, out);
  ceased.Write("lac_ceased", in.fy, out);
  out.Count("lac_police_protection_started", "", year, police.size(), police_sources);
  out.Ratio("lac_police_protection_pct", "", year, police.size(), started.year.size(), 100, started.year_sources);

  // Characteristics of the children looked after at S. Every one of them is in the
  // denominator; one whose sex, birth date or ethnicity no return gives is simply not in
  // the numerator (and has no ethnicity breakdown of its own).
  double female = 0, under10 = 0;
  std::map<std::string, double> ethnicity;
  for (const auto& [child, i] : at_s.open) {
    const ChildInfo* info = set.child(child);
    if (info == nullptr) continue;
    female += info->sex == v1::FEMALE;
    under10 += info->birth_date != INT32_MIN && AgeAt(info->birth_date, s) < 10;
    if (!info->ethnicity.empty()) ethnicity[info->ethnicity] += 1;
  }
  out.Ratio("lac_female_pct", "", year, female, lac, 100, at_s.sources);
  out.Ratio("lac_under10_pct", "", year, under10, lac, 100, at_s.sources);
  for (const auto& [code, n] : ethnicity) {
    out.Ratio("lac_ethnicity_pct", "ethnicity=" + code, year, n, lac, 100, at_s.sources);
  }

  // Placements starting in the year: every episode that begins one (not RNE L).
  double placements = 0;
  std::set<std::string> placement_sources;
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      if (Start(e) < first || Start(e) > s || !StartsPlacement(e->rec.reason_new_episode())) continue;
      placements += 1;
      AddSources(&placement_sources, *e);
    }
  }
  out.Count("lac_placements", "", year, placements, placement_sources);

  // Placements during the year of each child looked after at S: the distinct start dates
  // of the placements held in the episodes open on 1 April or starting in the year. An
  // RNE L episode maps to the start of the placement it continues, so it adds no date of
  // its own; the placement held on 1 April counts by whenever it began.
  double moved3 = 0;
  for (const auto& [child, open] : at_s.open) {
    const Episodes& eps = children.at(child);
    std::set<int32_t> starts;
    for (int i = 0; i < static_cast<int>(eps.size()); ++i) {
      if (!OpenAt(eps[i], first) && (Start(eps[i]) < first || Start(eps[i]) > s)) continue;
      starts.insert(PlacementStart(eps, i).day);
    }
    moved3 += starts.size() >= 3;
  }
  out.Ratio("lac_placement_moves_3plus_pct", "", year, moved3, lac, 100, at_s.sources);

  // Long-term stability: children under 16 at S, looked after continuously since at
  // least 2.5 years (30 months) before S, in a placement begun at least 2 years before S.
  // A child of unknown age, or whose period or placement start the loaded returns do not
  // settle, is left out.
  const int32_t period_by = MonthsBefore(s, 30), placement_by = MonthsBefore(s, 24);
  double cohort = 0, stable = 0;
  std::set<std::string> stability_sources;
  for (const auto& [child, i] : at_s.open) {
    const ChildInfo* info = set.child(child);
    if (info == nullptr || info->birth_date == INT32_MIN || AgeAt(info->birth_date, s) >= 16) continue;
    const Episodes& eps = children.at(child);
    const RunStart period = PeriodStart(eps, i);
    if (period.day > period_by) continue;  // under 2.5 years, or not shown to be longer
    const RunStart placement = PlacementStart(eps, i);
    if (!placement.known && placement.day > placement_by) continue;
    cohort += 1;
    stable += placement.day <= placement_by;
    AddSources(&stability_sources, *eps[i]);
  }
  out.Ratio("lac_long_term_stability_pct", "", year, stable, cohort, 100, stability_sources);

  // In-house foster care: a placement in the year is an episode open on some day of it
  // (start <= S and no end or end > 1 April: an episode ending on 1 April is not).
  std::set<std::string> inhouse, inhouse_sources;
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      const std::string& place = e->rec.placement();
      const bool foster = place.size() == 2 && place[0] == 'U' && place[1] >= '1' && place[1] <= '6';
      if (!foster || e->rec.provider() != "PR1" || Start(e) > s) continue;
      if (End(e) != kNoDay && End(e) <= first) continue;
      inhouse.insert(child);
      AddSources(&inhouse_sources, *e);
    }
  }
  out.Count("lac_inhouse_foster_children", "", year, inhouse.size(), inhouse_sources);

  // Where children looked after at S live, of those whose return says: the episode's
  // own placement location, else the one the year's Annex A list 8 gives for the
  // child's period of care open at S (no date ceased, or one after S). A distance is
  // the return's own, else the miles between the home and placement postcode districts
  // (reference/postcode_districts.csv); a district the table does not know leaves the
  // child out.
  const PostcodeDistricts& districts = in.districts != nullptr ? *in.districts : PostcodeDistricts::Shipped();
  std::map<std::string_view, const Item<v1::CarePeriod>*> listed;
  for (const auto& item : set.care_periods(in.fy)) {
    const v1::CarePeriod& c = item.rec;
    if (!c.placed_inside_la_known() || ToDays(c.start_date()) > s) continue;
    if (HasDate(c.end_date()) && ToDays(c.end_date()) <= s) continue;
    listed[c.child_id()] = &item;
  }
  double located = 0, inside = 0, measured = 0, near = 0;
  std::set<std::string> located_sources, measured_sources;
  for (const auto& [child, i] : at_s.open) {
    const Episode* e = children.at(child)[i];
    if (e->rec.placed_inside_la_known()) {
      located += 1;
      inside += e->rec.placed_inside_la();
      AddSources(&located_sources, *e);
    } else if (auto l = listed.find(child); l != listed.end()) {
      located += 1;
      inside += l->second->rec.placed_inside_la();
      AddSources(&located_sources, *l->second);
    }
    if (e->rec.distance_known()) {
      measured += 1;
      near += e->rec.distance_miles() <= 20.0;
      AddSources(&measured_sources, *e);
    } else if (!e->rec.home_postcode_district().empty() && !e->rec.placement_postcode_district().empty()) {
      const auto miles = districts.Miles(e->rec.home_postcode_district(), e->rec.placement_postcode_district());
      if (miles) {
        measured += 1;
        near += *miles <= 20.0;
        AddSources(&measured_sources, *e);
        measured_sources.insert("reference/postcode_districts.csv: " +
                                districts.Source(e->rec.home_postcode_district()));
      }
    }
  }
  out.Ratio("lac_placed_in_borough_pct", "", year, inside, located, 100, located_sources);
  out.Ratio("lac_placed_within_20_miles_pct", "", year, near, measured, 100, measured_sources);
}

// Care leavers reported in the year's return (SSDA903 OC3 or Annex A list 9), aged 18 or
// over at S. A leaver whose birth date no record gives cannot be shown to be 18 and is
// left out. SSDA903 IN_TOUCH codes: YES in touch; NO not in touch; DIED; REFU refuses
// contact; NREQ no longer requires services; RHOM returned home for 6 months or more:
// only YES is "in touch", and every leaver is in each denominator.
void ComputeCareLeavers(const FamilyInput& in, PointWriter& out) {
  const int32_t s = FinancialYearEnd(in.fy);
  const v1::Period year = FinancialYear(in.fy);
  double n = 0, eet = 0, suitable = 0, in_touch = 0;
  std::set<std::string> sources;
  for (const auto& item : in.set.care_leavers(in.fy)) {
    const v1::CareLeaver& l = item.rec;
    int32_t birth = INT32_MIN;
    if (HasDate(l.birth_date())) {
      birth = ToDays(l.birth_date());
    } else if (HasDate(l.characteristics().birth_date())) {
      birth = ToDays(l.characteristics().birth_date());
    } else if (const ChildInfo* info = in.set.child(l.child_id()); info != nullptr) {
      birth = info->birth_date;
    }
    if (birth == INT32_MIN || AgeAt(birth, s) < 18) continue;
    n += 1;
    const std::string& a = l.activity();
    eet += a.size() == 2 && a[0] == 'F' && a[1] >= '1' && a[1] <= '5';
    suitable += !l.accommodation().empty() && l.accommodation().back() == '1';
    in_touch += l.in_touch() == "YES";
    AddSources(&sources, item);
  }
  out.Count("care_leavers_18plus", "", year, n, sources);
  out.Ratio("care_leavers_eet_pct", "", year, eet, n, 100, sources);
  out.Ratio("care_leavers_suitable_accommodation_pct", "", year, suitable, n, 100, sources);
  out.Ratio("care_leavers_in_touch_pct", "", year, in_touch, n, 100, sources);
}

}  // namespace

void ComputeLookedAfter(const FamilyInput& in, PointWriter& out) {
  // A year without an SSDA903 episodes return has no looked-after figures, never zeros;
  // care leavers have their own tables.
  if (in.set.Covers("care_episode", in.fy)) ComputeEpisodes(in, out);
  if (in.set.Covers("care_leaver", in.fy)) ComputeCareLeavers(in, out);
}

}  // namespace carestat
