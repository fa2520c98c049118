// File: context.h
// What an indicator family computes with, and the writer its points go to.
//   void ComputeChildProtection(const FamilyInput& in, PointWriter& out) {
//     out.Count("cpp_started", "", FinancialYear(in.fy), n, sources);
//     out.Ratio("cpp_rate", "", FinancialYear(in.fy), n, population, 10000, sources);
//   }
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

#include "carestat/v1/common.pb.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/members.h"
#include "services/metrics/indicators/record_set.h"
#include "services/metrics/reference/population.h"
#include "services/metrics/reference/postcodes.h"
#include "services/metrics/reference/working_days.h"

namespace carestat {

struct FamilyInput {
  const RecordSet& set;
  const Populations& populations;
  const WorkingDays& working_days;
  int fy;  // the financial year being computed (its start year)
  const PostcodeDistricts* districts = nullptr;  // nullptr: the shipped table
};

// Collects points for one LA. A ratio with a zero denominator is stored without a
// value (never as zero); sources are de-duplicated.
class PointWriter {
 public:
  PointWriter(std::string entity, int64_t now_ms) : entity_(std::move(entity)), now_ms_(now_ms) {}

  void Count(const std::string& id, const std::string& breakdown, const v1::Period& period, double n,
             const std::set<std::string>& sources);
  // numerator / denominator x scale (100 for a percentage, 10000 for a rate).
  void Ratio(const std::string& id, const std::string& breakdown, const v1::Period& period, double numerator,
             double denominator, double scale, const std::set<std::string>& sources);
  // sum / n: a mean (days); no value when n is 0.
  void Mean(const std::string& id, const std::string& breakdown, const v1::Period& period, double sum, double n,
            const std::set<std::string>& sources);
  // numerator / population(LA, fy) x 10,000; no point at all when the population is
  // not in the shipped table (a rate is never invented).
  void Rate(const std::string& id, const FamilyInput& in, double numerator, const std::set<std::string>& sources);
  // The same for a month of in.fy or the 12 months ending with one: over the year's
  // population P, so that March's rolling rate is the year's.
  void Rate(const std::string& id, const FamilyInput& in, const v1::Period& period, double numerator,
            const std::set<std::string>& sources);

  std::vector<v1::IndicatorPoint>& points() { return points_; }

  // Listing (members.h): asks the families to list the children behind one figure as
  // they count it. Every other figure is computed as usual.
  void ListFor(const std::string& id, const std::string& breakdown, const v1::Period& period);
  // Whether a figure is being listed at all (so that a family can skip working out keys).
  bool listing() const;
  // The lists to fill while counting the figure (id, breakdown, period): nullptr unless
  // it is the one ListFor named.
  Members* Listing(const std::string& id, const std::string& breakdown, const v1::Period& period);
  // nullptr when the code of the figure asked for never called Listing (it cannot list).
  const Members* listed() const { return listing_called_ ? &members_ : nullptr; }
  // The figure asked for as written; nullptr when it was not (its year not covered).
  const v1::IndicatorPoint* listed_point() const {
    return listed_index_ < 0 ? nullptr : &points_[static_cast<size_t>(listed_index_)];
  }

 private:
  v1::IndicatorPoint& New(const std::string& id, const std::string& breakdown, const v1::Period& period,
                          const std::set<std::string>& sources);
  bool IsListed(const std::string& id, const std::string& breakdown, const v1::Period& period) const;
  std::string entity_;
  int64_t now_ms_;
  std::vector<v1::IndicatorPoint> points_;
  bool listing_ = false, listing_called_ = false;
  std::string list_id_, list_breakdown_;
  v1::Period list_period_;
  Members members_;
  long listed_index_ = -1;
};

// A date field as a day number, or nothing when the return left it blank. Tests the
// year, not has_*(): a parser may create the message for an empty element, and a
// Date of all zeros is no calendar date (RecordSet keys dates the same way).
inline std::optional<int32_t> DayOf(const v1::Date& d) {
  if (d.year() == 0) return std::nullopt;
  return DayNumber(d.year(), d.month(), d.day());
}

// Adds an item's sources to a set: `Sources(s, item)` for any Item<T>.
template <typename T>
void AddSources(std::set<std::string>* s, const Item<T>& item) {
  s->insert(item.sources.begin(), item.sources.end());
}

// Sources gathered by the items' shared lists (SourceList::id), each list looked at
// once, then added to a set: the same set as AddSources on every item, without a
// std::set insertion per item. For items of one RecordSet.
class SourceIds {
 public:
  void Add(const SourceList& list) {
    const int id = list.id();
    if (id < 0) return;  // no sources
    if (static_cast<size_t>(id) >= seen_.size()) seen_.resize(static_cast<size_t>(id) + 1, nullptr);
    seen_[static_cast<size_t>(id)] = &list.ids();
  }
  template <typename T>
  void Add(const Item<T>& item) {
    Add(item.sources);
  }
  void AddTo(std::set<std::string>* s) const {
    for (const auto* ids : seen_) {
      if (ids != nullptr) s->insert(ids->begin(), ids->end());
    }
  }
  std::set<std::string> Set() const {
    std::set<std::string> s;
    AddTo(&s);
    return s;
  }
  void Merge(const SourceIds& o) {
    if (o.seen_.size() > seen_.size()) seen_.resize(o.seen_.size(), nullptr);
    for (size_t i = 0; i < o.seen_.size(); ++i) {
      if (o.seen_[i] != nullptr) seen_[i] = o.seen_[i];
    }
  }

 private:
  std::vector<const std::vector<std::string>*> seen_;  // by list id; nullptr: not seen
};

// Distinct children among the items that `counts` accepts, adding their sources. An
// item without a child id (the return gave none) cannot be matched to another, so it
// counts as a child of its own.
// With `list`, each child counted is listed once, by the first record that counted it.
template <typename T, typename Pred>
double DistinctChildren(const std::vector<Item<T>>& items, Pred counts, std::set<std::string>* sources,
                        std::vector<v1::ListedChild>* list = nullptr) {
  absl::flat_hash_set<std::string_view> children;
  double unidentified = 0;
  SourceIds ids;
  for (const auto& it : items) {
    if (!counts(it.rec)) continue;
    bool counted = true;
    if (it.rec.child_id().empty()) {
      unidentified += 1;
    } else {
      counted = children.insert(it.rec.child_id()).second;
    }
    if (list && counted) list->push_back(Listed(it));
    ids.Add(it);
  }
  ids.AddTo(sources);
  return static_cast<double>(children.size()) + unidentified;
}

// An item open from `start` (inclusive) to `end` (exclusive; INT32_MAX when it has no
// end), for counting what is open at each month end of a year.
template <typename T>
struct OpenSpan {
  int32_t start;
  int32_t end;
  const Item<T>* item;
};

// Items as spans from their first day to their second (Item::day: a referral's date to
// its closure, a plan's start to its end), kept only when open at some day from `from`
// to `to`: open at `day` when start <= day and there is no end or end > day. An item
// without a first day cannot be placed in time and is open at no date.
template <typename T>
std::vector<OpenSpan<T>> SpansOpenBetween(const std::vector<Item<T>>& items, int32_t from, int32_t to) {
  std::vector<OpenSpan<T>> spans;
  for (const auto& it : items) {
    const int32_t start = it.day[0], end = it.day[1];
    if (start == kNoDay || start > to) continue;
    if (end != kNoDay && end <= from) continue;
    spans.push_back({start, end != kNoDay ? end : INT32_MAX, &it});
  }
  return spans;
}

// The same count as DistinctChildren with "open at `day`" (start <= day < end) over
// spans built once for the year; `list` as there.
template <typename T>
double DistinctChildrenOpen(const std::vector<OpenSpan<T>>& spans, int32_t day, std::set<std::string>* sources,
                            std::vector<v1::ListedChild>* list = nullptr) {
  absl::flat_hash_set<std::string_view> children;
  children.reserve(spans.size());
  double unidentified = 0;
  SourceIds ids;
  for (const auto& s : spans) {
    if (s.start > day || s.end <= day) continue;
    const std::string& child = s.item->rec.child_id();
    bool counted = true;
    if (child.empty()) {
      unidentified += 1;
    } else {
      counted = children.insert(child).second;
    }
    if (list && counted) list->push_back(Listed(*s.item));
    ids.Add(*s.item);
  }
  ids.AddTo(sources);
  return static_cast<double>(children.size()) + unidentified;
}

// Month slots: the 24 calendar months from April of fy - 1 (slot 0) to March of fy + 1
// (slot 23). The months of the year are slots 12 to 23, and the 12 months ending with
// month i of the year (0 is April) are slots i + 1 to i + 12: the window ending in March
// is the year itself, so a rolling figure is counted by the loop that counts the year's.
// -1 for a day outside them (or no day).
inline int MonthSlot(int fy, int32_t day) {
  if (day == kNoDay) return -1;
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  const int slot = (y * 12 + m - 1) - ((fy - 1) * 12 + 3);
  return slot >= 0 && slot < 24 ? slot : -1;
}
constexpr int kYearSlot = 12;  // the first slot of the year

// Calls fn(first slot, last slot, period) for each rolling 12 months ending with a month
// of `fy`. Only March's window lies inside the year: the others reach into the year
// before, and are given only when the returns cover it (`earlier`), never from part of
// a window.
template <typename Fn>
void ForEachRollingWindow(int fy, bool earlier, Fn fn) {
  for (int i = 0; i < 12; ++i) {
    if (i < 11 && !earlier) continue;
    const v1::Period m = MonthOfYear(fy, i);
    fn(i + 1, i + 12, Rolling12Months(m.start_year(), m.month()));
  }
}

// The rolling window of `fy` being listed as `id` (ListFor named it), with its slots;
// `members` is nullptr when none is. Asked before the loops that count, so that they
// can list as they count.
struct WindowListing {
  Members* members = nullptr;
  int from = 0, to = -1;
};
inline WindowListing RollingListing(PointWriter& out, const std::string& id, int fy, bool earlier) {
  WindowListing w;
  if (!out.listing()) return w;
  ForEachRollingWindow(fy, earlier, [&](int from, int to, const v1::Period& p) {
    if (Members* m = out.Listing(id, "", p)) w = {m, from, to};
  });
  return w;
}

// A flow's records (or a percentage's numerator and denominator) per month slot, with
// their sources, summed over any run of slots.
// Listing a rolling window (ListWindow): an item added to one of its slots goes in the
// numerator list when it adds to the numerator and in the denominator list when it adds
// to the denominator, so the lists are as long as Numerator(from, to) and
// Denominator(from, to), added by the same calls.
struct MonthTally {
  double numerator[24] = {};
  double denominator[24] = {};
  SourceIds sources[24];
  template <typename T>
  void Add(int slot, const Item<T>& it, double num, double den = 0) {
    Add(slot, it, num, den, [&] { return Listed(it); });
  }
  // `entry()` gives the list entry (Listed(it) with the facts that placed it there); it
  // is called only while listing a window holding the slot.
  template <typename T, typename Entry>
  void Add(int slot, const Item<T>& it, double num, double den, Entry entry) {
    numerator[slot] += num;
    denominator[slot] += den;
    sources[slot].Add(it);
    if (slot < list_from_ || slot > list_to_ || (num == 0 && den == 0)) return;
    v1::ListedChild c = entry();
    // One entry per record counted: a flow adds 1 (or 0) to each side.
    if (num != 0 && list_numerator_) list_numerator_->push_back(c);
    if (den != 0 && list_denominator_) list_denominator_->push_back(std::move(c));
  }
  // Lists the items of slots from..to as they are added: those adding to the numerator
  // in `num`, to the denominator in `den` (either may be nullptr). Before any Add.
  void ListWindow(int from, int to, std::vector<v1::ListedChild>* num, std::vector<v1::ListedChild>* den) {
    list_from_ = from;
    list_to_ = to;
    list_numerator_ = num;
    list_denominator_ = den;
  }
  double Numerator(int from, int to) const {
    double n = 0;
    for (int i = from; i <= to; ++i) n += numerator[i];
    return n;
  }
  double Denominator(int from, int to) const {
    double n = 0;
    for (int i = from; i <= to; ++i) n += denominator[i];
    return n;
  }
  std::set<std::string> Sources(int from, int to) const {
    SourceIds ids;
    for (int i = from; i <= to; ++i) ids.Merge(sources[i]);
    return ids.Set();
  }

 private:
  int list_from_ = 0, list_to_ = -1;
  std::vector<v1::ListedChild>* list_numerator_ = nullptr;
  std::vector<v1::ListedChild>* list_denominator_ = nullptr;
};

// Distinct children over runs of month slots: a child counted in two months of a window
// is one child of it, so a window's count is worked out from each child's months, never
// summed from the months'. A record without a child id is a child of its own.
class ChildSlots {
 public:
  template <typename T>
  void Add(const std::string& child, int slot, const Item<T>& it) {
    if (child.empty()) {
      unidentified_.push_back(1u << slot);
    } else {
      children_[child] |= 1u << slot;
    }
    sources_[slot].Add(it);
  }
  double Count(int from, int to) const {
    const uint32_t window = ((1u << (to - from + 1)) - 1) << from;
    double n = 0;
    for (const auto& [child, slots] : children_) n += (slots & window) != 0;
    for (uint32_t slots : unidentified_) n += (slots & window) != 0;
    return n;
  }
  std::set<std::string> Sources(int from, int to) const {
    SourceIds ids;
    for (int i = from; i <= to; ++i) ids.Merge(sources_[i]);
    return ids.Set();
  }

 private:
  absl::flat_hash_map<std::string, uint32_t> children_;
  std::vector<uint32_t> unidentified_;
  SourceIds sources_[24];
};

// The families, one file each under indicators/.
void ComputeFrontDoor(const FamilyInput& in, PointWriter& out);
void ComputeChildrenInNeed(const FamilyInput& in, PointWriter& out);
void ComputeChildProtection(const FamilyInput& in, PointWriter& out);
void ComputeLookedAfter(const FamilyInput& in, PointWriter& out);
void ComputeAdoption(const FamilyInput& in, PointWriter& out);

}  // namespace carestat
