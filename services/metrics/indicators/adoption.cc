// Adoption: children adopted, how long their way to an adoptive family took (DfE A1 and
// A2), and decisions that a child should be placed for adoption.
//
// Definitions where INDICATORS.md leaves a choice:
// - The period of care that ended in adoption runs back from the adoption episode through
//   predecessors that ended with REC X1 on the day the next began, to its RNE S episode.
//   When the loaded returns do not reach that episode, the period's start is unknown and
//   the child is left out of A1 and A2 (still counted in adoptions).
// - A child adopted twice in one year (a data error) counts once, by the later adoption.
// - A2's match is the child's latest SSDA903 AD1 DATE_MATCH on or before the adoption; a
//   child with no such date, or no episode of legal status E1 or D1 in the period, is left
//   out of A2.
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


// REC E11 and E12: adopted (application unopposed, or opposed).
bool EndsInAdoption(const v1::CareEpisode& e) {
  return HasDate(e.end_date()) && (e.reason_ceased() == "E11" || e.reason_ceased() == "E12");
}

// PLACE A3 to A6: placed for adoption (with or without consent, with the current foster
// carer or not).
bool AdoptionPlacement(const std::string& place) {
  return place.size() == 2 && place[0] == 'A' && place[1] >= '3' && place[1] <= '6';
}


// The period of care ending with eps[i], first episode first; empty when the loaded
// returns do not reach back to its RNE S episode.
Episodes Period(const Episodes& eps, int i) {
  Episodes chain = {eps[i]};
  for (int j = Predecessor(eps, i); j >= 0; j = Predecessor(eps, i)) {
    i = j;
    chain.push_back(eps[i]);
  }
  if (chain.back()->rec.reason_new_episode() != "S") return {};
  std::reverse(chain.begin(), chain.end());
  return chain;
}

// Children adopted in a financial year, each with the episode the adoption ended.
std::map<std::string, std::pair<const Episodes*, int>> AdoptedIn(const std::map<std::string, Episodes>& children,
                                                                 int fy) {
  std::map<std::string, std::pair<const Episodes*, int>> out;
  for (const auto& [child, eps] : children) {
    for (int i = 0; i < static_cast<int>(eps.size()); ++i) {
      if (!EndsInAdoption(eps[i]->rec) || FinancialYearOf(ToDays(eps[i]->rec.end_date())) != fy) continue;
      auto it = out.find(child);
      if (it == out.end() || ToDays(it->second.first->at(it->second.second)->rec.end_date()) <
                                 ToDays(eps[i]->rec.end_date())) {
        out[child] = {&eps, i};
      }
    }
  }
  return out;
}

struct Durations {
  double sum = 0;
  double n = 0;
  std::set<std::string> sources;
  void Add(double days, const Episodes& period) {
    sum += days;
    n += 1;
    for (const Episode* e : period) AddSources(&sources, *e);
  }
  void Add(const Durations& other) {
    sum += other.sum;
    n += other.n;
    sources.insert(other.sources.begin(), other.sources.end());
  }
};

// A1 and A2 over the children adopted in `fy`.
void AdoptionDurations(const std::map<std::string, Episodes>& children,
                       const std::map<std::string, std::vector<const Item<v1::Adoption>*>>& ad1, int fy,
                       Durations* a1, Durations* a2) {
  for (const auto& [child, adopted] : AdoptedIn(children, fy)) {
    const auto& [eps, i] = adopted;
    const Episodes period = Period(*eps, i);
    if (period.empty()) continue;
    const int32_t entered = Start(period.front());
    // A1: entering care to moving in with the adoptive family (first adoption placement).
    for (const Episode* e : period) {
      if (!AdoptionPlacement(e->rec.placement())) continue;
      a1->Add(Start(e) - entered, period);
      break;
    }
    // A2: the court's authority to place (first E1 or D1 episode) to the match.
    const Episode* authority = nullptr;
    for (const Episode* e : period) {
      if (e->rec.legal_status() == "E1" || e->rec.legal_status() == "D1") {
        authority = e;
        break;
      }
    }
    auto rows = ad1.find(child);
    if (authority == nullptr || rows == ad1.end()) continue;
    const int32_t adoption = ToDays((*eps)[i]->rec.end_date());
    const Item<v1::Adoption>* match = nullptr;
    for (const auto* row : rows->second) {
      const int32_t d = ToDays(row->rec.match_date());
      if (d <= adoption && (match == nullptr || d > ToDays(match->rec.match_date()))) match = row;
    }
    if (match == nullptr) continue;
    // A match recorded before the authority counts as no wait (INDICATORS.md), never as
    // negative days that would pull the mean below the time children actually waited.
    a2->Add(std::max(0, ToDays(match->rec.match_date()) - Start(authority)), period);
    AddSources(&a2->sources, *match);
  }
}

}  // namespace

void ComputeAdoption(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const v1::Period year = FinancialYear(in.fy);
  const bool adoption_tables = set.Covers("adoption", in.fy);

  // Decisions to place come from PlacedAdoption only: an AD1 row repeats the decision of a
  // child adopted in the year (DATE_INT, DfE rule 523) and would count it twice.
  if (adoption_tables) {
    double decisions = 0;
    std::set<std::string> sources;
    Members* list = out.Listing("shopa_decisions", "", year);
    if (list) list->counts = "decisions";
    for (const auto& a : set.adoptions()) {
      if (a.rec.source_table() != "placed_adoption" || !HasDate(a.rec.decision_date())) continue;
      if (FinancialYearOf(ToDays(a.rec.decision_date())) != in.fy) continue;
      decisions += 1;
      AddSources(&sources, a);
      if (list) list->numerator.push_back(Listed(a));
    }
    out.Count("shopa_decisions", "", year, decisions, sources);
  }

  if (!set.Covers("care_episode", in.fy)) return;
  const auto& children = set.looked_after_by_child();

  // Adoptions: distinct children, in the year and in each of its months.
  std::set<std::string> adopted, adopted_sources;
  std::map<int, std::set<std::string>> by_month, month_sources;
  // Listing: each child by the first episode that ended in adoption in the period.
  Members* year_list = out.Listing("adoptions", "", year);
  Members* month_list[13] = {};
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    month_list[p.month()] = out.Listing("adoptions", "", p);
  }
  ChildEvents adoptions;  // the 24 month slots, for the rolling 12 months
  for (const auto& [child, eps] : children) {
    for (const Episode* e : eps) {
      if (!EndsInAdoption(e->rec)) continue;
      const int slot = MonthSlot(in.fy, ToDays(e->rec.end_date()));
      if (slot < 0) continue;
      adoptions.Add(child, slot, e);
      if (slot < kYearSlot) continue;  // the year before: its rolling windows only
      int y, m, d;
      CivilFromDays(ToDays(e->rec.end_date()), &y, &m, &d);
      if (adopted.insert(child).second && year_list) year_list->numerator.push_back(Listed(*e));
      if (by_month[m].insert(child).second && month_list[m]) month_list[m]->numerator.push_back(Listed(*e));
      AddSources(&adopted_sources, *e);
      AddSources(&month_sources[m], *e);
    }
  }
  out.Count("adoptions", "", year, adopted.size(), adopted_sources);
  for (int i = 0; i < 12; ++i) {
    const int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    out.Count("adoptions", "", Month(y, m), by_month[m].size(), month_sources[m]);
  }
  ForEachRollingWindow(in.fy, set.Covers("care_episode", in.fy - 1), [&](int from, int to, const v1::Period& p) {
    std::set<std::string> sources;
    Members* l = out.Listing("adoptions", "", p);  // each child once, by the count itself
    const double n = adoptions.Count(from, to, &sources, l ? &l->numerator : nullptr);
    out.Count("adoptions", "", p, n, sources);
  });

  // AD1 rows with a match date, by child (A2's match).
  std::map<std::string, std::vector<const Item<v1::Adoption>*>> ad1;
  for (const auto& a : set.adoptions()) {
    if (a.rec.source_table() == "ad1" && HasDate(a.rec.match_date())) ad1[a.rec.child_id()].push_back(&a);
  }

  // Three-year means are child-weighted (sums and counts pooled, not a mean of means) and
  // need all three years' returns: a missing year would silently shrink the window.
  Durations a1_3yr, a2_3yr;
  bool episodes_3yr = true, adoption_3yr = true;
  for (int fy = in.fy - 2; fy <= in.fy; ++fy) {
    Durations a1, a2;
    AdoptionDurations(children, ad1, fy, &a1, &a2);
    a1_3yr.Add(a1);
    a2_3yr.Add(a2);
    episodes_3yr = episodes_3yr && set.Covers("care_episode", fy);
    adoption_3yr = adoption_3yr && set.Covers("adoption", fy);
    if (fy != in.fy) continue;
    out.Mean("adoption_a1_days", "", year, a1.sum, a1.n, a1.sources);
    if (adoption_tables) out.Mean("adoption_a2_days", "", year, a2.sum, a2.n, a2.sources);
  }
  if (episodes_3yr) out.Mean("adoption_a1_days_3yr", "", year, a1_3yr.sum, a1_3yr.n, a1_3yr.sources);
  if (episodes_3yr && adoption_3yr) {
    out.Mean("adoption_a2_days_3yr", "", year, a2_3yr.sum, a2_3yr.n, a2_3yr.sources);
  }
}

}  // namespace carestat
