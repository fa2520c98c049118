// File: care_history.h
// A child's looked-after episodes as chains: what the looked-after and adoption
// families share.
//   auto by_child = ByChild(set.care_episodes());       // V3/V4 short breaks left out
//   (RecordSet::looked_after_by_child() holds it, worked out once)
//   int prev = Predecessor(by_child[id], i);            // the episode eps[i] continues
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "services/common/dates.h"
#include "services/metrics/indicators/members.h"
#include "services/metrics/indicators/record_set.h"

namespace carestat {

using Episode = Item<v1::CareEpisode>;
// One child's looked-after episodes, by start date.
using Episodes = std::vector<const Episode*>;

inline bool HasDate(const v1::Date& d) { return d.year() != 0; }
// The start date as ToDays gives it (Item::day, worked out once).
inline int32_t Start(const Episode* e) { return e->day[0]; }
// The end date; kNoDay when blank.
inline int32_t End(const Episode* e) { return e->day[1]; }

// Series of short breaks are not "looked after" (INDICATORS.md, Conventions).
inline bool LookedAfter(const v1::CareEpisode& e) { return e.legal_status() != "V3" && e.legal_status() != "V4"; }

inline std::map<std::string, Episodes> ByChild(const std::vector<Episode>& all) {
  std::map<std::string, Episodes> out;
  for (const auto& e : all) {
    if (LookedAfter(e.rec)) out[e.rec.child_id()].push_back(&e);
  }
  for (auto& [child, eps] : out) {
    std::stable_sort(eps.begin(), eps.end(), [](const Episode* a, const Episode* b) { return Start(a) < Start(b); });
  }
  return out;
}

// The episode that `eps[i]` continues: the latest earlier one that ended with REC X1 on
// the day eps[i] began. -1 when eps[i] starts a period (RNE S) or nothing joins it.
inline int Predecessor(const Episodes& eps, int i) {
  const v1::CareEpisode& cur = eps[i]->rec;
  if (cur.reason_new_episode() == "S") return -1;
  for (int j = i - 1; j >= 0; --j) {
    const v1::CareEpisode& prev = eps[j]->rec;
    if (HasDate(prev.end_date()) && ToDays(prev.end_date()) == Start(eps[i]) && prev.reason_ceased() == "X1") {
      return j;
    }
  }
  return -1;
}

// Each child's episodes of one kind (a start, an end) by month slot (context.h's
// MonthSlot), in the order added: distinct children over any run of slots, worked out
// from each child's own slots (a child with episodes in two months of a window is one
// child of it), as the year's figures count children.
class ChildEvents {
 public:
  void Add(const std::string& child, int slot, const Episode* e) { by_child_[child].push_back({slot, e}); }
  // Children with an episode in slots from..to; sources of every such episode. With
  // `list`, each child counted is listed once, by its first episode in the slots.
  double Count(int from, int to, std::set<std::string>* sources,
               std::vector<v1::ListedChild>* list = nullptr) const {
    double n = 0;
    for (const auto& [child, events] : by_child_) {
      bool counted = false;
      for (const auto& [slot, e] : events) {
        if (slot < from || slot > to) continue;
        if (list && !counted) list->push_back(Listed(*e));
        counted = true;
        sources->insert(e->sources.begin(), e->sources.end());
      }
      n += counted;
    }
    return n;
  }
  // Children whose first episode in slots from..to passes `test`; sources of those
  // episodes, each listed in `list` when given.
  template <typename Test>
  double FirstCount(int from, int to, Test test, std::set<std::string>* sources,
                    std::vector<v1::ListedChild>* list = nullptr) const {
    double n = 0;
    for (const auto& [child, events] : by_child_) {
      for (const auto& [slot, e] : events) {
        if (slot < from || slot > to) continue;
        if (test(*e)) {
          n += 1;
          sources->insert(e->sources.begin(), e->sources.end());
          if (list) list->push_back(Listed(*e));
        }
        break;
      }
    }
    return n;
  }

 private:
  std::map<std::string, std::vector<std::pair<int, const Episode*>>> by_child_;
};

}  // namespace carestat
