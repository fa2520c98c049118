// File: record_set.h
// One LA's child-level records as metrics sees them: deduplicated across returns,
// with the financial years each kind of record is covered for.
//   RecordSet set("301");
//   for (const auto& r : returns) set.AddReturn(r);
//   scan([&](const v1::Record& r) { set.Add(r); });
//   set.Finalize();
//   for (const auto& e : set.care_episodes()) ... e.rec.start_date() ... e.sources ...
// A record that appears in two returns (the same natural key: child and start date)
// counts once, as the latest return has it (an episode open at one year end has its
// end date in the next return); within one return every row counts. Records flagged with errors are
// left out and counted per return.
//
// Built for speed (an LA's set holds every record of every year, 249,000 for six years
// of the synthetic borough), and kept up to date return by return: a replaced return is
// taken out (RemoveReturn) and its new records added, without reading the others again.
//   set.RemoveReturn("301/2016/cin-census");
//   scan_only_that_return([&](const v1::Record& r) { set.Add(r); });
//   set.Finalize();   // the same items, sources and children as a set built afresh
// Each return's records are copied onto an arena of its own (freed by the Finalize after
// the return is removed, once what replaces them has been compared with them); records are deduplicated in a hash map keyed by the child id and the key's
// dates as day numbers (no key strings), each key remembering every return's version so
// that removing the latest brings back the one before; return ids are interned as small
// integers, and each item's sources point into a list shared by every item with the same
// returns. Items are in the order their key first appeared (the adoption rows in the
// order of their natural key, which A2's choice of match relies on); every indicator
// reads them through sets, sums or its own sort, so a set updated by return gives the
// same figures as one built afresh. A RecordSet holds pointers into itself: it is
// neither copied nor moved.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"
#include "carestat/v1/ingestion.pb.h"
#include "google/protobuf/arena.h"
#include "carestat/v1/records.pb.h"

namespace carestat {

// The return ids holding an item, in order: iterates like a vector of strings. Items
// with the same returns share one list (`id()` tells lists apart cheaply).
class SourceList {
 public:
  SourceList() = default;
  SourceList(const std::vector<std::string>* ids, int id) : ids_(ids), id_(id) {}
  std::vector<std::string>::const_iterator begin() const { return ids_->begin(); }
  std::vector<std::string>::const_iterator end() const { return ids_->end(); }
  size_t size() const { return ids_->size(); }
  bool empty() const { return ids_->empty(); }
  const std::string& operator[](size_t i) const { return (*ids_)[i]; }
  const std::vector<std::string>& ids() const { return *ids_; }
  int id() const { return id_; }  // -1 for the empty list

 private:
  static const std::vector<std::string> kNone;
  const std::vector<std::string>* ids_ = &kNone;
  int id_ = -1;
};

// A date of an item as a day number, or kNoDay when the return left it blank (year 0).
constexpr int32_t kNoDay = INT32_MIN;

template <typename T>
struct Item {
  const T& rec;        // held by the RecordSet (its arena), for the set's lifetime
  SourceList sources;  // return ids holding it
  // The dates the indicators test most, as day numbers (kNoDay when blank), worked
  // out once when the set is built so that a year's loops need not reach into the
  // record: contact: {contact date}; referral: {referral date, closure date};
  // assessment: {start date, authorisation date}; section 47: {start date, ICPC
  // date}; CP plan: {start date, end date}; care episode: {start date as ToDays gives
  // it (even when blank), end date}; other kinds: none.
  int32_t day[2] = {kNoDay, kNoDay};
};

// A natural key: the child, up to two dates (day numbers; kNoDay for a blank date)
// and, for adoptions, the SSDA903 table. The views point into a stored record (or,
// while probing, into the record being added); `hash` is computed once.
struct RecordSetKey {
  std::string_view child;
  std::string_view table;
  int32_t a = 0, b = 0;
  size_t hash = 0;
};

// What the child-level returns say about a child, merged (SSDA903 Header first, then
// the CIN census, then Annex A lists).
struct ChildInfo {
  v1::Sex sex = v1::SEX_UNSPECIFIED;
  int32_t birth_date = INT32_MIN;    // day number; INT32_MIN when unknown
  std::string ethnicity;
  bool uasc = false;
  bool operator==(const ChildInfo&) const = default;
};

class RecordSet {
 public:
  explicit RecordSet(std::string la) : la_(std::move(la)) {}
  RecordSet(const RecordSet&) = delete;
  RecordSet& operator=(const RecordSet&) = delete;

  // Declares a return: the record kinds its dataset carries are covered for its
  // financial year (collection year - 1).
  void AddReturn(const v1::ReturnInfo& info);
  // Forgets every declared return (before declaring the current list again).
  void ClearReturns() { covered_.clear(); }
  void Add(const v1::Record& record);
  // Takes out every record the return added (its counts, children and local measures
  // too), as if it had never been read: a record another return also holds is then as
  // that return has it.
  void RemoveReturn(const std::string& return_id);
  // The earliest day whose figures the changes finalized since the last call may have
  // moved, and forgets them: INT32_MAX when no record changed, INT32_MIN when any day's
  // may have (a new set, a child's details, a record without a date). A replaced
  // return's record counts as changed only when it differs from the one it replaces;
  // a record's figures lie on or after its earliest date (every indicator counts
  // records by a date of their own or looks back from one).
  int32_t TakeEarliestChange();
  // REQUIRES: called after the last Add or RemoveReturn and before any accessor below
  // (adding or removing invalidates the items until Finalize). Works out only what the
  // changes touched.
  void Finalize();

  const std::string& la() const { return la_; }
  // Whether returns carrying `kind` ("contact", "referral", "care_episode", ...) were
  // filed for financial year `fy`: a year without them has no value, never zero.
  bool Covers(const std::string& kind, int fy) const;
  std::set<int> CoveredYears(const std::string& kind) const;
  std::set<int> AllYears() const;

  const std::vector<Item<v1::Contact>>& contacts() const { return contacts_.items; }
  const std::vector<Item<v1::Referral>>& referrals() const { return referrals_.items; }
  const std::vector<Item<v1::Assessment>>& assessments() const { return assessments_.items; }
  const std::vector<Item<v1::Section47>>& section47s() const { return section47s_.items; }
  const std::vector<Item<v1::CpPlan>>& cp_plans() const { return cp_plans_.items; }
  const std::vector<Item<v1::CinPlan>>& cin_plans() const { return cin_plans_.items; }
  const std::vector<Item<v1::CareEpisode>>& care_episodes() const { return care_episodes_.items; }
  // Each child's looked-after episodes (series of short breaks left out), by start
  // date: ByChild(care_episodes()) of care_history.h, worked out once by Finalize.
  const std::map<std::string, std::vector<const Item<v1::CareEpisode>*>>& looked_after_by_child() const {
    return looked_after_by_child_;
  }
  const std::vector<Item<v1::Adoption>>& adoptions() const { return adoptions_.items; }
  // Care leavers by the financial year of the return that reported them.
  const std::vector<Item<v1::CareLeaver>>& care_leavers(int fy) const;
  // Annex A list 8's periods of care by the financial year of the return that listed
  // them (one per child and start date).
  const std::vector<Item<v1::CarePeriod>>& care_periods(int fy) const;
  const std::vector<v1::LocalMeasure>& local_measures() const { return local_measures_; }
  // nullptr when no return describes the child.
  const ChildInfo* child(const std::string& child_id) const;

  int64_t records() const { return records_; }
  int64_t excluded() const { return excluded_; }
  // Records left out for errors, per return id.
  const std::map<std::string, int64_t>& excluded_by_return() const { return excluded_by_return_; }
  // How many distinct source lists the items share (for tests and benchmarks).
  size_t source_lists() const { return source_lists_.size(); }

 private:
  using Key = RecordSetKey;
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.hash; }
  };
  struct KeyEq {
    bool operator()(const Key& x, const Key& y) const {
      return x.a == y.a && x.b == y.b && x.child == y.child && x.table == y.table;
    }
  };
  using ReturnIndex = uint32_t;

  template <typename T>
  struct Deduper {
    // A return's version of a key: the last record with the key in that return (on the
    // return's arena) and how many records the return has with it.
    struct Version {
      ReturnIndex ret;
      int32_t count;
      const T* rec;
    };
    struct Entry {
      const T* rec = nullptr;  // the latest return's version; nullptr once no return holds the key
      ReturnIndex rec_return = 0;
      // The record by_key's key views, and its return (removing that return re-keys).
      const T* key_rec = nullptr;
      ReturnIndex key_return = 0;
      absl::InlinedVector<Version, 1> versions;
      // Worked out by Finalize for the entries the changes touched.
      bool stale = false;
      const T* was = nullptr;  // rec before the changes (its arena is kept until Finalize)
      int32_t was_copies = 0;
      int32_t copies = 0;  // the most records any one return has with the key
      SourceList sources;
      int32_t day[2] = {kNoDay, kNoDay};
    };
    std::deque<Entry> entries;
    absl::flat_hash_map<Key, uint32_t, KeyHash, KeyEq> by_key;
    std::map<ReturnIndex, std::vector<uint32_t>> held_by_return;  // entries each return has a version of
    std::vector<uint32_t> stale;
    // Entries whose every version was removed, with the key they are still found by.
    std::vector<std::pair<uint32_t, Key>> orphans;
    bool changed = false;
    std::vector<Item<T>> items;
    // The day a change of any of its records counts from, for kinds kept by year (care
    // leavers, list 8's periods): that year's first day. INT32_MIN: each record's own.
    int32_t year_day = INT32_MIN;
    // Cached held_by_return slot of the return being added (records come return by return).
    ReturnIndex adding_return = 0;
    std::vector<uint32_t>* adding = nullptr;
    // key_of(rec) gives the record's Key (hash unset), viewing the record it is given.
    template <typename KeyOf>
    void Add(RecordSet& set, KeyOf key_of, ReturnIndex ret, const T& rec);
    template <typename KeyOf>
    void Remove(RecordSet& set, KeyOf key_of, ReturnIndex ret);
    // Rebuilds `items` when anything changed; returns whether it did.
    bool Finalize(RecordSet& set);
    void MarkStale(uint32_t idx);
  };
  int32_t earliest_change_ = INT32_MIN;  // a new set: every day
  bool compare_ = false;                  // after the first Finalize: compare what changes
  void NoteChange(int32_t day) { earliest_change_ = std::min(earliest_change_, day); }
  // What each return added, to take it out again.
  struct HeldReturn {
    std::unique_ptr<google::protobuf::Arena> arena;  // its records
    bool held = false;
    int64_t records = 0;
    int64_t excluded = 0;
    std::vector<v1::LocalMeasure> local_measures;
    std::vector<const std::string*> children;  // keys of children_ it describes
  };
  google::protobuf::Arena& ArenaOf(ReturnIndex ret);
  ReturnIndex InternReturn(const std::string& return_id);
  // The shared list of these returns' ids, sorted as strings.
  SourceList SourcesOf(absl::InlinedVector<ReturnIndex, 4> returns);

  static google::protobuf::ArenaOptions ArenaOptionsForRecords();

  // Declared first, so destroyed last: every item's record is on one of their arenas.
  std::vector<HeldReturn> held_;  // by ReturnIndex
  std::vector<HeldReturn> retired_;  // removed returns, freed once Finalize has compared
  std::string la_;
  std::map<std::string, std::set<int>> covered_;  // record kind -> financial years
  Deduper<v1::Contact> contacts_;
  Deduper<v1::Referral> referrals_;
  Deduper<v1::Assessment> assessments_;
  Deduper<v1::Section47> section47s_;
  Deduper<v1::CpPlan> cp_plans_;
  Deduper<v1::CinPlan> cin_plans_;
  Deduper<v1::CareEpisode> care_episodes_;
  Deduper<v1::Adoption> adoptions_;
  std::map<int, Deduper<v1::CareLeaver>> care_leavers_;
  std::map<int, Deduper<v1::CarePeriod>> care_periods_;
  std::map<std::string, std::vector<const Item<v1::CareEpisode>*>> looked_after_by_child_;
  std::vector<v1::LocalMeasure> local_measures_;
  struct HeldChild {
    ChildInfo info;
    // Every return's records of the child, in the order added; merged in return order.
    absl::InlinedVector<std::pair<ReturnIndex, const v1::Child*>, 2> versions;
    bool stale = false;
    const std::string* id = nullptr;  // its key in children_
  };
  absl::node_hash_map<std::string, HeldChild> children_;  // node: HeldReturn::children points at keys
  std::vector<HeldChild*> stale_children_;
  bool local_measures_changed_ = false;
  void MergeChild(HeldChild& held) const;
  int64_t records_ = 0;
  int64_t excluded_ = 0;
  std::map<std::string, int64_t> excluded_by_return_;

  // Interned return ids: index -> id, id -> index, and the last one looked up (records
  // come return by return).
  std::vector<std::string> return_ids_;
  absl::flat_hash_map<std::string, ReturnIndex> return_index_;
  ReturnIndex last_return_ = 0;
  bool has_last_return_ = false;
  // Shared source lists, by their (sorted) return indexes.
  std::deque<std::vector<std::string>> source_lists_;
  absl::flat_hash_map<absl::InlinedVector<ReturnIndex, 4>, int> source_list_index_;
};

// The record kinds a dataset carries ("cin-census" -> referral, assessment, ...).
std::vector<std::string> KindsOfDataset(const std::string& dataset);

}  // namespace carestat
