// File: compute.h
// Computes indicator points from an LA's child-level records. Pure: no storage, no
// gRPC, so every definition can be tested on records built by hand.
//   RecordSet set("301");
//   set.AddReturn(info);  set.Add(record);   // for every return and record
//   std::vector<v1::IndicatorPoint> pts = ComputeFrontDoor(set, populations, {2015});
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "carestat/v1/common.pb.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/records.pb.h"
#include "services/metrics/reference/population.h"

namespace carestat {

// One LA's records, deduplicated: a record that appears in two returns (the same
// natural key: child and date) counts once; within one return every row counts.
class RecordSet {
 public:
  explicit RecordSet(std::string la) : la_(std::move(la)) {}
  // Declares a return: the financial year its dataset covers (collection year - 1).
  void AddReturn(const v1::ReturnInfo& info);
  // Records flagged with errors are left out (counted in excluded()).
  void Add(const v1::Record& record);

  struct Dated {
    int32_t date;                  // day number
    std::string child;
    std::vector<std::string> sources;
  };
  // Deduplicated contact and referral dates.
  std::vector<Dated> Contacts() const;
  std::vector<Dated> Referrals() const;

  // Financial years (start years) for which returns of each kind were filed.
  const std::set<int>& contact_years() const { return contact_years_; }
  const std::set<int>& referral_years() const { return referral_years_; }
  std::set<int> AllYears() const;
  const std::string& la() const { return la_; }
  int64_t excluded() const { return excluded_; }
  int64_t records() const { return records_; }

 private:
  using Key = std::pair<std::string, int32_t>;  // child, date
  // For each key, how many times each return holds it.
  using Counts = std::map<Key, std::map<std::string, int>>;
  static std::vector<Dated> Flatten(const Counts& counts);

  std::string la_;
  Counts contacts_, referrals_;
  std::set<int> contact_years_, referral_years_;
  int64_t excluded_ = 0;
  int64_t records_ = 0;
};

// contacts, referrals, referral_rate, contact_conversion_pct for each financial year in
// `years` (and contacts and referrals for each of its months). A year not covered by
// a return of the kind an indicator needs gets no point: missing, never zero.
std::vector<v1::IndicatorPoint> ComputeFrontDoor(const RecordSet& set, const Populations& pops,
                                                 const std::set<int>& years, int64_t now_ms);

}  // namespace carestat
