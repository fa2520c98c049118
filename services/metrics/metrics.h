// File: metrics.h
// The metrics domain: recomputes an LA's indicator points from its records and
// serves them from RocksDB. Knows nothing of gRPC: records come through a callback.
//   auto m = MetricsEngine::Open(dir);
//   (*m)->Recompute("301", {2016}, returns, scan_records);   // one WriteBatch per LA-year
//   auto series = (*m)->GetSeries("301", "referrals", "", "2010-11", "2015-16");
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/ingestion.pb.h"
#include "carestat/v1/metrics.pb.h"
#include "services/common/rocks.h"
#include "services/metrics/reference/population.h"
#include "services/metrics/reference/postcodes.h"

namespace carestat {

class RecordSet;

class MetricsEngine {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsEngine>> Open(const std::string& dir);
  // The RocksDB store underneath, for its size and statistics on the metrics port.
  const Store* rocks() const { return s_.get(); }

  // Gives the LA's records to the callback: of every return when `only` is empty, else
  // of the returns with those ids alone (at their current generations).
  using RecordScan = std::function<absl::Status(const std::vector<std::string>& only,
                                                const std::function<void(const v1::Record&)>&)>;
  // Recomputes the LA's points for the financial years of `collection_years`, reading
  // every record `scan` gives (earlier years are needed for lookbacks). When
  // `collection_years` is empty: the years whose figures the change of returns since the
  // last recompute may have moved (see below), every year its returns cover (and every
  // year it has points for) when the records are read afresh, are unchanged, or
  // reference data was loaded since. Each LA-year is written with one WriteBatch that
  // also deletes the points it no longer has (a year no return covers any more loses
  // its points).
  //
  // The years a change moves: from the earliest of the financial years of the returns
  // added, replaced or removed, and the earliest date of any record whose counted
  // version differs (a record of a replaced return identical to the one it replaces
  // moves nothing), onward: later years look back. A child's details changing (sex,
  // birth date, ethnicity) or a changed record without a date moves every year.
  //
  // The LA's deduplicated records are kept between calls (for the LA last recomputed).
  // While its returns are the same (the same return ids at the same generations and
  // content: ReturnInfo.generation changes whenever a return is replaced, and a
  // generation's records never change) they are reused without calling `scan`. When
  // some returns were added, replaced or removed, the kept set is brought up to date:
  // the records of the removed and replaced returns are taken out and `scan` is asked
  // for the added and replaced returns alone. Returns without a generation (not from an
  // ingestion store) are never kept. records_read is the number of records the figures
  // rest on, whether read now or kept.
  // `rejected` are ingestion's refused uploads of the LA's returns: kept with the returns
  // (ListReturns gives both back) so the reports can say a return was refused and why.
  absl::StatusOr<v1::RecomputeResponse> Recompute(const std::string& la,
                                                  const std::vector<int>& collection_years,
                                                  const std::vector<v1::ReturnInfo>& returns,
                                                  const RecordScan& scan,
                                                  const std::vector<v1::RejectedReturn>& rejected = {});
  // Whether the children behind `indicator` can be listed: INVALID_ARGUMENT for an
  // unknown id, FAILED_PRECONDITION naming why for one with no children behind it (a rate
  // per 10,000 divides by a population estimate; a mean of days; a supplied local
  // measure; a count of records left out).
  static absl::Status CheckListable(const std::string& indicator);
  // The children behind one figure (ListChildren, members.h): the LA's records, kept or
  // read through `scan` as Recompute reads them, counted for the figure's financial year
  // by the same families with the figure's lists filled. The response holds the figure
  // as counted now (which is the stored one unless the returns changed since the last
  // recompute) and lists whose lengths are its numerator and denominator.
  // INVALID_ARGUMENT: a bad period, a month of a yearly indicator, a missing breakdown;
  // NOT_FOUND: no data for the LA, or no such figure (its returns do not cover the year).
  absl::StatusOr<v1::ListChildrenResponse> ListChildren(const v1::ListChildrenRequest& req,
                                                        const std::vector<v1::ReturnInfo>& returns,
                                                        const RecordScan& scan);

  // The LA's returns and refused uploads as its last recompute read them.
  // NOT_FOUND for an LA with no data.
  absl::StatusOr<v1::ListReturnsResponse> ListReturnsAndRejections(const std::string& la) const;

  // Drops the kept records of every LA: the next Recompute of each reads them again.
  void ForgetRecords();

  // Loads a reference table ("comparators", "targets", "populations", "neighbours",
  // "postcode_districts") and
  // keeps it so it is re-applied after the shipped tables on every Open. Returns rows.
  absl::StatusOr<int64_t> PutReferenceData(const std::string& table, const std::string& csv);
  // Local measures as supplied points of their LAs. Returns rows.
  absl::StatusOr<int64_t> PutLocalMeasures(const std::string& csv);
  // Targets and thresholds for the LA's indicator (LA-specific and "*" rows).
  std::vector<v1::Target> GetTargets(const std::string& la, const std::string& indicator) const;
  const Populations& populations() const { return populations_; }

  // INVALID_ARGUMENT for a period that does not parse; NOT_FOUND for an LA with no data.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> GetValues(const std::string& la,
                                                            const std::string& period) const;
  // The LA's returns as its last recompute read them (with their rule tallies).
  // NOT_FOUND for an LA with no data.
  absl::StatusOr<std::vector<v1::ReturnInfo>> ListReturns(const std::string& la) const;
  // Counts the writes of points (recomputes, reference data, local measures): a reader
  // that caches what it read from the points keeps it only while this is unchanged.
  uint64_t points_version() const { return points_version_.load(); }
  // The LAs metrics has recomputed from their returns, in key order.
  absl::StatusOr<std::vector<std::string>> LasWithReturns() const;
  // Financial-year points from `from` to `to` inclusive (either may be empty).
  // INVALID_ARGUMENT for an unknown indicator or bad period.
  //
  // For "SN:<la>" (the average of the LA's statistical neighbours), a published
  // average is given as loaded; for a year without one, and for a rate or percentage,
  // the average is computed when every neighbour on the LA's list for that year has a
  // figure: the simple mean of the neighbours' figures computed from their own returns
  // when every neighbour has those, else of their published figures (comparator rows of
  // entity "LA:<code>") when every neighbour has those. The two are never mixed.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> GetSeries(const std::string& entity,
                                                            const std::string& indicator,
                                                            const std::string& breakdown,
                                                            const std::string& from,
                                                            const std::string& to) const;
  // The same LA's or comparator's calendar-month points of an indicator computed per
  // month, from April of `from` to March after `to` (financial years, inclusive; empty:
  // unbounded), oldest first. An indicator not computed per month is INVALID_ARGUMENT.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> GetMonthlySeries(const std::string& entity,
                                                                   const std::string& indicator,
                                                                   const std::string& breakdown,
                                                                   const std::string& from,
                                                                   const std::string& to) const;
  // The same for the rolling 12-month figures at each month end of an indicator that has
  // them (IndicatorDef::rolling), each point's period the 12 months ending with the month.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> GetRollingSeries(const std::string& entity,
                                                                   const std::string& indicator,
                                                                   const std::string& breakdown,
                                                                   const std::string& from,
                                                                   const std::string& to) const;

 private:
  absl::StatusOr<std::vector<v1::IndicatorPoint>> MonthEndSeries(const std::string& entity,
                                                                 const std::string& indicator,
                                                                 const std::string& breakdown,
                                                                 const std::string& from, const std::string& to,
                                                                 v1::Period::Kind kind) const;
  explicit MetricsEngine(std::unique_ptr<Store> s)
      : s_(std::move(s)), populations_(Populations::Shipped()), postcodes_(PostcodeDistricts::Shipped()) {}
  absl::Status RequireLa(const std::string& la) const;
  // Applies a table without keeping it (the shipped tables, and kept updates on Open).
  absl::StatusOr<int64_t> ApplyReference(const std::string& table, const std::string& csv);
  // The LA's RecordSet for these returns: kept (brought up to date), or built from
  // `scan` (and kept when the returns identify their records). *from_fy is the first
  // financial year to recompute when none is named: INT_MIN for every year (a new set,
  // unchanged records, reference data loaded since), INT_MAX when nothing moved.
  // *moved_from is the first year the changes moved (INT_MAX for unchanged records and
  // reference data): what a recompute of named years leaves pending.
  absl::StatusOr<std::shared_ptr<const RecordSet>> RecordsFor(const std::string& la,
                                                              const std::vector<v1::ReturnInfo>& returns,
                                                              const RecordScan& scan, int* from_fy,
                                                              int* moved_from);
  // The financial years the LA has points written for.
  absl::StatusOr<std::set<int>> WrittenYears(const std::string& la) const;
  std::unique_ptr<Store> s_;
  Populations populations_;
  PostcodeDistricts postcodes_;
  struct CachedSet {
    std::string la;
    // Return id -> what identifies its records (generation, content hash, year).
    std::map<std::string, std::string> prints;
    std::shared_ptr<RecordSet> set;
    uint64_t reference_version = 0;  // reference_version_ when last recomputed
  };
  // Counts reference and local-measure loads: figures of every year may move with them.
  std::atomic<uint64_t> reference_version_{0};
  std::atomic<uint64_t> points_version_{0};
  // A kept set costs memory (about 130 MB of heap for the synthetic borough's 249,000 records),
  // so only the LA recomputed last keeps its set, and it is dropped before another LA's
  // is built: a run over many LAs never holds more than one set, as before sets were
  // kept.
  static constexpr size_t kKeptLas = 1;
  std::mutex cache_mu_;
  std::list<CachedSet> cache_;  // most recently used first
  // LA -> the first year whose figures changes have moved that a recompute of named
  // years did not do: the next recompute of every year starts there at the latest.
  std::map<std::string, int> pending_from_;
  std::vector<v1::Target> targets_;
  // The LA's statistical neighbours for a financial year: the list with the latest
  // effective date on or before the year's last day (a list without a date applies
  // from the start). nullptr when the LA has none.
  const std::vector<std::string>* NeighboursOf(const std::string& la, int fy) const;
  // The stored financial-year points of an entity, from start year lo to hi.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> StoredSeries(const std::string& entity,
                                                               const std::string& indicator,
                                                               const std::string& breakdown, int lo, int hi) const;
  // The computed statistical-neighbour averages of `la` for the years `published` lacks.
  absl::StatusOr<std::vector<v1::IndicatorPoint>> NeighbourAverages(const std::string& la,
                                                                    const std::string& indicator,
                                                                    const std::string& breakdown, int lo, int hi,
                                                                    const std::vector<v1::IndicatorPoint>& published) const;
  struct NeighbourList {
    int32_t from = INT32_MIN;  // day number the list applies from
    std::vector<std::string> las;
  };
  std::map<std::string, std::vector<NeighbourList>> neighbours_;  // LA -> lists by date
};

}  // namespace carestat
