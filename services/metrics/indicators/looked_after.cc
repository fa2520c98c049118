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

#include "absl/strings/str_format.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/care_history.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {


// Open at D: start <= D and (no end, or end > D). An episode ending on D is not open.
bool OpenAt(const Episode* e, int32_t d) { return Start(e) <= d && (End(e) == kNoDay || End(e) > d); }

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
// When `listing` (the year or one of its months is being listed), each child's first
// matching episode is kept too: the entry Write lists for the child.
struct ChildFlow {
  std::set<std::string> year;
  std::set<std::string> year_sources;
  std::map<int, std::set<std::string>> month;  // month number -> children
  std::map<int, std::set<std::string>> month_sources;
  bool listing = false;
  std::map<std::string, const Episode*> year_first;
  std::map<int, std::map<std::string, const Episode*>> month_first;
  void Add(const Episode* e, int32_t day) {
    int y, m, d;
    CivilFromDays(day, &y, &m, &d);
    year.insert(e->rec.child_id());
    month[m].insert(e->rec.child_id());
    AddSources(&year_sources, *e);
    AddSources(&month_sources[m], *e);
    if (listing) {
      year_first.try_emplace(e->rec.child_id(), e);
      month_first[m].try_emplace(e->rec.child_id(), e);
    }
  }
  // Whether `id` of the year or one of its months is being listed.
  static bool Listing(const std::string& id, int fy, PointWriter& out) {
    bool any = out.Listing(id, "", FinancialYear(fy)) != nullptr;
    for (int i = 0; i < 12; ++i) any = out.Listing(id, "", MonthOfYear(fy, i)) != nullptr || any;
    return any;
  }
  // The rolling 12 months ending with each month of the year, from every child's
  // episodes of the 24 month slots (`earlier`: the returns cover the year before); a
  // window being listed is listed by the count itself, each child once.
  static void WriteRolling(const std::string& id, int fy, const ChildEvents& events, bool earlier, PointWriter& out) {
    ForEachRollingWindow(fy, earlier, [&](int from, int to, const v1::Period& p) {
      std::set<std::string> sources;
      Members* l = out.Listing(id, "", p);
      const double n = events.Count(from, to, &sources, l ? &l->numerator : nullptr);
      out.Count(id, "", p, n, sources);
    });
  }
  void Write(const std::string& id, int fy, PointWriter& out) {
    out.Count(id, "", FinancialYear(fy), year.size(), year_sources);
    if (Members* l = out.Listing(id, "", FinancialYear(fy))) {
      for (const auto& [child, e] : year_first) l->numerator.push_back(Listed(*e));
    }
    for (int i = 0; i < 12; ++i) {
      const int y = i < 9 ? fy : fy + 1, m = i < 9 ? i + 4 : i - 8;
      out.Count(id, "", Month(y, m), month[m].size(), month_sources[m]);
      if (Members* l = out.Listing(id, "", Month(y, m))) {
        for (const auto& [child, e] : month_first[m]) l->numerator.push_back(Listed(*e));
      }
    }
  }
};

// The children of a snapshot, each by their open episode.
void ListSnapshot(const std::map<std::string, Episodes>& children, const std::map<std::string, int>& open,
                  std::vector<v1::ListedChild>* list) {
  for (const auto& [child, i] : open) list->push_back(Listed(*children.at(child)[i]));
}

void ComputeEpisodes(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const int32_t first = FinancialYearStart(in.fy), s = FinancialYearEnd(in.fy);
  const v1::Period year = FinancialYear(in.fy);
  const auto& children = set.looked_after_by_child();

  // Month ends: lac_month_end, and lac_year_end's monthly series (a snapshot indicator is
  // taken at each month's last day). March's is S itself.
  double peak = -1;
  std::set<std::string> peak_sources;
  Members* peak_list = out.Listing("lac_peak", "", year);
  std::vector<v1::ListedChild> peak_children;
  for (int i = 0; i < 12; ++i) {
    const int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    const Snapshot month = LookedAfterAt(children, PeriodEnd(Month(y, m)));
    const double n = month.open.size();
    out.Count("lac_month_end", "", Month(y, m), n, month.sources);
    out.Count("lac_year_end", "", Month(y, m), n, month.sources);
    out.Rate("lac_rate", in, Month(y, m), n, month.sources);  // over the year's population
    for (const char* id : {"lac_month_end", "lac_year_end"}) {
      if (Members* l = out.Listing(id, "", Month(y, m))) ListSnapshot(children, month.open, &l->numerator);
    }
    if (n > peak) {  // the first month to reach the highest figure names its sources
      peak = n;
      peak_sources = month.sources;
      if (peak_list) {
        peak_children.clear();
        ListSnapshot(children, month.open, &peak_children);
      }
    }
  }
  out.Count("lac_peak", "", year, peak, peak_sources);
  if (peak_list) peak_list->numerator = std::move(peak_children);

  const Snapshot at_s = LookedAfterAt(children, s);
  const double lac = at_s.open.size();
  out.Count("lac_year_end", "", year, lac, at_s.sources);
  if (Members* l = out.Listing("lac_year_end", "", year)) ListSnapshot(children, at_s.open, &l->numerator);
  out.Rate("lac_rate", in, lac, at_s.sources);


  // Starts and ends count children: one who leaves and returns within the year counts
  // once in each. The first start of the year decides the police protection question
  // (of a month, or of rolling 12 months: the first start in it).
  const bool earlier = set.Covers("care_episode", in.fy - 1);
  ChildFlow started, ceased;
  bool police_listing = out.Listing("lac_police_protection_pct", "", year) != nullptr;
  for (int i = 0; i < 12; ++i) police_listing = out.Listing("lac_police_protection_pct", "", MonthOfYear(in.fy, i)) || police_listing;
  started.listing = ChildFlow::Listing("lac_started", in.fy, out) || police_listing;
  ceased.listing = ChildFlow::Listing("lac_ceased", in.fy, out);
  ChildEvents starts, ends;  // the 24 month slots
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      const int32_t begin = Start(e);
      const int start_slot = MonthSlot(in.fy, begin);
      if (e->rec.reason_new_episode() == "S" && start_slot >= 0) {
        starts.Add(child, start_slot, e);
        if (start_slot >= kYearSlot) started.Add(e, begin);
      }
      const int end_slot = MonthSlot(in.fy, End(e));
      if (end_slot >= 0 && e->rec.reason_ceased() != "X1") {
        ends.Add(child, end_slot, e);
        if (end_slot >= kYearSlot) ceased.Add(e, End(e));
      }
    }
  }
  started.Write("lac_started", in.fy, out);
  ceased.Write("lac_ceased", in.fy, out);
  ChildFlow::WriteRolling("lac_started", in.fy, starts, earlier, out);
  ChildFlow::WriteRolling("lac_ceased", in.fy, ends, earlier, out);
  auto on_police_protection = [](const Episode& e) { return e.rec.legal_status() == "L1"; };
  // The year, each month and each rolling 12 months: children starting care whose first
  // start in the period was on police protection, of the children starting care in it.
  auto police = [&](const v1::Period& p, int from, int to) {
    std::vector<v1::ListedChild> listed;
    Members* count_list = out.Listing("lac_police_protection_started", "", p);
    Members* pct_list = out.Listing("lac_police_protection_pct", "", p);
    std::set<std::string> sources, started_sources;
    const double n =
        starts.FirstCount(from, to, on_police_protection, &sources, count_list || pct_list ? &listed : nullptr);
    // A rolling window's children starting care are listed by the count of them (a
    // child starting twice in it is one child); the year's and a month's by the flow.
    const bool rolling = p.kind() == v1::Period::ROLLING_12_MONTHS;
    const double of = starts.Count(from, to, &started_sources, pct_list && rolling ? &pct_list->denominator : nullptr);
    out.Count("lac_police_protection_started", "", p, n, sources);
    out.Ratio("lac_police_protection_pct", "", p, n, of, 100, started_sources);
    if (count_list) count_list->numerator = listed;
    if (pct_list) {
      pct_list->numerator = std::move(listed);
      if (!rolling) {
        const auto& firsts =
            p.kind() == v1::Period::FINANCIAL_YEAR ? started.year_first : started.month_first[p.month()];
        for (const auto& [child, e] : firsts) pct_list->denominator.push_back(Listed(*e));
      }
    }
  };
  police(year, kYearSlot, kYearSlot + 11);
  for (int i = 0; i < 12; ++i) police(MonthOfYear(in.fy, i), kYearSlot + i, kYearSlot + i);
  ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) { police(p, from, to); });

  // Characteristics of the children looked after at S. Every one of them is in the
  // denominator; one whose sex, birth date or ethnicity no return gives is simply not in
  // the numerator (and has no ethnicity breakdown of its own).
  double female = 0, under10 = 0;
  std::map<std::string, double> ethnicity;
  // Listing one of these: its numerator, with the characteristic that placed each child.
  Members* female_list = out.Listing("lac_female_pct", "", year);
  Members* under10_list = out.Listing("lac_under10_pct", "", year);
  Members* ethnicity_list = nullptr;
  if (out.listing()) {
    for (const auto& [child, i] : at_s.open) {
      const ChildInfo* info = set.child(child);
      if (info != nullptr && !info->ethnicity.empty()) {
        if (Members* l = out.Listing("lac_ethnicity_pct", "ethnicity=" + info->ethnicity, year)) ethnicity_list = l;
      }
    }
  }
  for (Members* l : {female_list, under10_list, ethnicity_list}) {
    if (l) ListSnapshot(children, at_s.open, &l->denominator);
  }
  for (const auto& [child, i] : at_s.open) {
    const ChildInfo* info = set.child(child);
    if (info == nullptr) continue;
    const bool is_female = info->sex == v1::FEMALE;
    const bool is_under10 = info->birth_date != INT32_MIN && AgeAt(info->birth_date, s) < 10;
    female += is_female;
    under10 += is_under10;
    if (!info->ethnicity.empty()) ethnicity[info->ethnicity] += 1;
    auto listed = [&, i = i, &child = child]() {
      v1::ListedChild c = Listed(*children.at(child)[i]);
      if (info->birth_date != INT32_MIN) AddFact(&c, "birth_date", FormatIsoDate(info->birth_date));
      AddFact(&c, "sex", is_female ? "female" : info->sex == v1::MALE ? "male" : "");
      AddFact(&c, "ethnicity", info->ethnicity);
      return c;
    };
    if (female_list && is_female) female_list->numerator.push_back(listed());
    if (under10_list && is_under10) under10_list->numerator.push_back(listed());
    if (ethnicity_list && !info->ethnicity.empty() &&
        out.Listing("lac_ethnicity_pct", "ethnicity=" + info->ethnicity, year) != nullptr) {
      ethnicity_list->numerator.push_back(listed());
    }
  }
  out.Ratio("lac_female_pct", "", year, female, lac, 100, at_s.sources);
  out.Ratio("lac_under10_pct", "", year, under10, lac, 100, at_s.sources);
  for (const auto& [code, n] : ethnicity) {
    out.Ratio("lac_ethnicity_pct", "ethnicity=" + code, year, n, lac, 100, at_s.sources);
  }

  // Placements starting in the year: every episode that begins one (not RNE L).
  double placements = 0;
  std::set<std::string> placement_sources;
  Members* placement_list = out.Listing("lac_placements", "", year);
  if (placement_list) placement_list->counts = "placements";
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      if (Start(e) < first || Start(e) > s || !StartsPlacement(e->rec.reason_new_episode())) continue;
      placements += 1;
      AddSources(&placement_sources, *e);
      if (placement_list) placement_list->numerator.push_back(Listed(*e));
    }
  }
  out.Count("lac_placements", "", year, placements, placement_sources);

  // Placements during the year of each child looked after at S: the distinct start dates
  // of the placements held in the episodes open on 1 April or starting in the year. An
  // RNE L episode maps to the start of the placement it continues, so it adds no date of
  // its own; the placement held on 1 April counts by whenever it began.
  double moved3 = 0;
  Members* moves_list = out.Listing("lac_placement_moves_3plus_pct", "", year);
  if (moves_list) ListSnapshot(children, at_s.open, &moves_list->denominator);
  for (const auto& [child, open] : at_s.open) {
    const Episodes& eps = children.at(child);
    std::set<int32_t> starts;
    for (int i = 0; i < static_cast<int>(eps.size()); ++i) {
      if (!OpenAt(eps[i], first) && (Start(eps[i]) < first || Start(eps[i]) > s)) continue;
      starts.insert(PlacementStart(eps, i).day);
    }
    moved3 += starts.size() >= 3;
    if (moves_list && starts.size() >= 3) {
      v1::ListedChild c = Listed(*eps[open]);
      for (int32_t d : starts) AddFact(&c, "placement_start", FormatIsoDate(d));
      moves_list->numerator.push_back(std::move(c));
    }
  }
  out.Ratio("lac_placement_moves_3plus_pct", "", year, moved3, lac, 100, at_s.sources);

  // Long-term stability: children under 16 at S, looked after continuously since at
  // least 2.5 years (30 months) before S, in a placement begun at least 2 years before S.
  // A child of unknown age, or whose period or placement start the loaded returns do not
  // settle, is left out.
  const int32_t period_by = MonthsBefore(s, 30), placement_by = MonthsBefore(s, 24);
  double cohort = 0, stable = 0;
  std::set<std::string> stability_sources;
  Members* stability_list = out.Listing("lac_long_term_stability_pct", "", year);
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
    if (stability_list) {
      v1::ListedChild c = Listed(*eps[i]);
      AddFact(&c, "birth_date", FormatIsoDate(info->birth_date));
      AddFact(&c, "period_of_care_start", FormatIsoDate(period.day));
      AddFact(&c, "placement_start", FormatIsoDate(placement.day));
      if (placement.day <= placement_by) stability_list->numerator.push_back(c);
      stability_list->denominator.push_back(std::move(c));
    }
  }
  out.Ratio("lac_long_term_stability_pct", "", year, stable, cohort, 100, stability_sources);

  // In-house foster care: a placement in the year is an episode open on some day of it
  // (start <= S and no end or end > 1 April: an episode ending on 1 April is not).
  std::set<std::string> inhouse, inhouse_sources;
  Members* inhouse_list = out.Listing("lac_inhouse_foster_children", "", year);
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      const std::string& place = e->rec.placement();
      const bool foster = place.size() == 2 && place[0] == 'U' && place[1] >= '1' && place[1] <= '6';
      if (!foster || e->rec.provider() != "PR1" || Start(e) > s) continue;
      if (End(e) != kNoDay && End(e) <= first) continue;
      if (inhouse.insert(child).second && inhouse_list) inhouse_list->numerator.push_back(Listed(*e));
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
  Members* borough_list = out.Listing("lac_placed_in_borough_pct", "", year);
  Members* miles_list = out.Listing("lac_placed_within_20_miles_pct", "", year);
  auto list_located = [&](const Episode* e, bool in_borough) {
    if (!borough_list) return;
    v1::ListedChild c = Listed(*e);
    AddFact(&c, "placed_inside_la", in_borough ? "yes" : "no");
    if (in_borough) borough_list->numerator.push_back(c);
    borough_list->denominator.push_back(std::move(c));
  };
  auto list_measured = [&](const Episode* e, double miles) {
    if (!miles_list) return;
    v1::ListedChild c = Listed(*e);
    AddFact(&c, "distance_miles", absl::StrFormat("%.1f", miles));
    if (miles <= 20.0) miles_list->numerator.push_back(c);
    miles_list->denominator.push_back(std::move(c));
  };
  for (const auto& [child, i] : at_s.open) {
    const Episode* e = children.at(child)[i];
    if (e->rec.placed_inside_la_known()) {
      located += 1;
      inside += e->rec.placed_inside_la();
      AddSources(&located_sources, *e);
      list_located(e, e->rec.placed_inside_la());
    } else if (auto l = listed.find(child); l != listed.end()) {
      located += 1;
      inside += l->second->rec.placed_inside_la();
      AddSources(&located_sources, *l->second);
      list_located(e, l->second->rec.placed_inside_la());
    }
    if (e->rec.distance_known()) {
      measured += 1;
      near += e->rec.distance_miles() <= 20.0;
      AddSources(&measured_sources, *e);
      list_measured(e, e->rec.distance_miles());
    } else if (!e->rec.home_postcode_district().empty() && !e->rec.placement_postcode_district().empty()) {
      const auto miles = districts.Miles(e->rec.home_postcode_district(), e->rec.placement_postcode_district());
      if (miles) {
        measured += 1;
        near += *miles <= 20.0;
        list_measured(e, *miles);
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
  Members* leavers_list = out.Listing("care_leavers_18plus", "", year);
  Members* eet_list = out.Listing("care_leavers_eet_pct", "", year);
  Members* suitable_list = out.Listing("care_leavers_suitable_accommodation_pct", "", year);
  Members* touch_list = out.Listing("care_leavers_in_touch_pct", "", year);
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
    const bool is_eet = a.size() == 2 && a[0] == 'F' && a[1] >= '1' && a[1] <= '5';
    const bool is_suitable = !l.accommodation().empty() && l.accommodation().back() == '1';
    const bool is_in_touch = l.in_touch() == "YES";
    eet += is_eet;
    suitable += is_suitable;
    in_touch += is_in_touch;
    AddSources(&sources, item);
    if (leavers_list || eet_list || suitable_list || touch_list) {
      v1::ListedChild c = Listed(item);
      if (!HasDate(l.birth_date())) AddFact(&c, "birth_date", FormatIsoDate(birth));
      if (leavers_list) leavers_list->numerator.push_back(c);
      for (auto [list, in_numerator] : {std::pair{eet_list, is_eet}, std::pair{suitable_list, is_suitable},
                                        std::pair{touch_list, is_in_touch}}) {
        if (!list) continue;
        if (in_numerator) list->numerator.push_back(c);
        list->denominator.push_back(c);
      }
    }
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
