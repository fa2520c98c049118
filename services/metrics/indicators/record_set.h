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
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/records.pb.h"

namespace carestat {

template <typename T>
struct Item {
  T rec;
  std::vector<std::string> sources;  // return ids holding it
};

// What the child-level returns say about a child, merged (SSDA903 Header first, then
// the CIN census, then Annex A lists).
struct ChildInfo {
  v1::Sex sex = v1::SEX_UNSPECIFIED;
  int32_t birth_date = INT32_MIN;    // day number; INT32_MIN when unknown
  std::string ethnicity;
  bool uasc = false;
};

class RecordSet {
 public:
  explicit RecordSet(std::string la) : la_(std::move(la)) {}

  // Declares a return: the record kinds its dataset carries are covered for its
  // financial year (collection year - 1).
  void AddReturn(const v1::ReturnInfo& info);
  void Add(const v1::Record& record);
  // REQUIRES: called once after the last Add and before any accessor below.
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
  const std::vector<Item<v1::Adoption>>& adoptions() const { return adoptions_.items; }
  // Care leavers by the financial year of the return that reported them.
  const std::vector<Item<v1::CareLeaver>>& care_leavers(int fy) const;
  const std::vector<v1::LocalMeasure>& local_measures() const { return local_measures_; }
  // nullptr when no return describes the child.
  const ChildInfo* child(const std::string& child_id) const;

  int64_t records() const { return records_; }
  int64_t excluded() const { return excluded_; }
  // Records left out for errors, per return id.
  const std::map<std::string, int64_t>& excluded_by_return() const { return excluded_by_return_; }

 private:
  template <typename T>
  struct Deduper {
    struct Entry {
      std::map<std::string, int> per_return;  // return id -> records with the key in it
      T rec;                                  // the version in the latest return
      std::string rec_return;
    };
    std::map<std::string, Entry> by_key;
    std::vector<Item<T>> items;
    void Add(const std::string& key, const std::string& return_id, const T& rec);
    void Finalize();
  };

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
  std::vector<v1::LocalMeasure> local_measures_;
  std::map<std::string, ChildInfo> children_;
  std::map<std::string, int> child_info_rank_;
  int64_t records_ = 0;
  int64_t excluded_ = 0;
  std::map<std::string, int64_t> excluded_by_return_;
};

// The record kinds a dataset carries ("cin-census" -> referral, assessment, ...).
std::vector<std::string> KindsOfDataset(const std::string& dataset);

}  // namespace carestat
