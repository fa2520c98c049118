#include "services/metrics/metrics.h"

#include <algorithm>
#include <climits>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "reference/embedded.h"
#include "services/common/dates.h"
#include "services/common/reference_csv.h"
#include "services/common/keys.h"
#include "services/metrics/indicators/catalogue.h"
#include "services/metrics/indicators/context.h"
#include "services/metrics/indicators/record_set.h"

namespace carestat {
namespace {

constexpr char kPoints[] = "points";
constexpr char kLas[] = "las";
constexpr char kReference[] = "reference";  // kept reference updates, in load order
constexpr char kWritten[] = "written";  // (LA, year) -> the point keys its last recompute wrote
constexpr char kReturns[] = "returns";  // LA -> ListReturnsResponse: its returns at its last recompute

KeyBuilder SeriesKey(const std::string& entity, const std::string& indicator, const std::string& breakdown) {
  KeyBuilder k;
  k.Str(entity).Str(indicator).Str(breakdown);
  return k;
}

std::string PointKey(const std::string& entity, const std::string& indicator, const std::string& breakdown,
                     const v1::Period& p) {
  return SeriesKey(entity, indicator, breakdown)
      .U8(static_cast<uint8_t>(p.kind()))
      .U16(static_cast<uint16_t>(p.start_year()))
      .U8(static_cast<uint8_t>(p.month()))
      .Build();
}

std::string WrittenKey(const std::string& la, int fy) {
  return KeyBuilder().Str(la).U16(static_cast<uint16_t>(fy)).Build();
}

using Family = void (*)(const FamilyInput&, PointWriter&);
constexpr Family kFamilies[] = {ComputeFrontDoor, ComputeChildrenInNeed, ComputeChildProtection,
                                ComputeLookedAfter, ComputeAdoption};

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEngine>> MetricsEngine::Open(const std::string& dir) {
  auto s = OpenStore(dir, {kPoints, kLas, kWritten, kReference, kReturns});
  if (!s.ok()) return s.status();
  auto engine = std::unique_ptr<MetricsEngine>(new MetricsEngine(std::move(*s)));
  // The shipped tables first, then the updates loaded since, in the order loaded.
  for (auto [table, csv] : {std::pair{"comparators", kEmbedded_comparators}, std::pair{"targets", kEmbedded_targets},
                            std::pair{"neighbours", kEmbedded_neighbours}}) {
    auto applied = engine->ApplyReference(table, csv);
    if (!applied.ok()) return applied.status();
  }
  auto it = engine->s_->NewIterator(kReference);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KeyReader r(std::string_view(it->key().data(), it->key().size()));
    uint64_t seq;
    std::string table;
    if (!r.U64(&seq) || !r.Str(&table)) return absl::DataLossError("corrupt reference update key");
    auto applied = engine->ApplyReference(table, it->value().ToString());
    if (!applied.ok()) return applied.status();
  }
  return engine;
}

namespace {

// What identifies each of the LA's returns' records: its generation, content hash,
// dataset, year and upload time, by return id. False when a return has no generation
// (not read from an ingestion store), so nothing is known to stay the same.
bool ReturnPrints(const std::string& la, const std::vector<v1::ReturnInfo>& returns,
                  std::map<std::string, std::string>* prints) {
  for (const auto& r : returns) {
    if (r.la() != la) continue;
    if (r.generation() == 0) return false;
    (*prints)[r.return_id()] = KeyBuilder()
                                   .U64(r.generation())
                                   .Str(r.content_sha256())
                                   .Str(r.dataset())
                                   .U16(static_cast<uint16_t>(r.collection_year()))
                                   .U64(static_cast<uint64_t>(r.uploaded_unix_ms()))
                                   .Build();
  }
  return !prints->empty();
}

// "301/2016/cin-census" -> 2015, the financial year its records are about (INT_MIN when
// the id has no year, so that every year counts).
int FinancialYearOfReturn(const std::string& return_id) {
  std::vector<absl::string_view> parts = absl::StrSplit(return_id, '/');
  int cy = 0;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[1], &cy)) return INT_MIN;
  return cy - 1;
}

}  // namespace

absl::StatusOr<std::set<int>> MetricsEngine::WrittenYears(const std::string& la) const {
  std::set<int> out;
  const std::string prefix = KeyBuilder().Str(la).Build();
  auto it = s_->NewIterator(kWritten);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    KeyReader r(std::string_view(it->key().data(), it->key().size()));
    std::string key_la;
    uint16_t fy = 0;
    if (!r.Str(&key_la) || !r.U16(&fy)) return absl::DataLossError("corrupt written-points key");
    out.insert(fy);
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const RecordSet>> MetricsEngine::RecordsFor(const std::string& la,
                                                                        const std::vector<v1::ReturnInfo>& returns,
                                                                        const RecordScan& scan, int* from_fy,
                                                                        int* moved_from) {
  std::map<std::string, std::string> prints;
  const bool keepable = ReturnPrints(la, returns, &prints);
  std::shared_ptr<RecordSet> set;  // the kept set to bring up to date, when there is one
  std::map<std::string, std::string> held_prints;
  uint64_t held_version = 0;
  const uint64_t version = reference_version_;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->la != la) continue;
      if (keepable && it->prints == prints) {
        cache_.splice(cache_.begin(), cache_, it);
        *from_fy = INT_MIN;  // asked again with nothing changed: every year
        // Nothing left pending for a recompute of named years, unless reference data was
        // loaded since the last recompute.
        *moved_from = cache_.front().reference_version == reference_version_ ? INT_MAX : INT_MIN;
        cache_.front().reference_version = reference_version_;
        return std::shared_ptr<const RecordSet>(cache_.front().set);
      }
      // The LA's returns changed. Out of the cache, nobody else can take the set; when
      // nobody holds it either (a recompute still reading it does), it is updated in place.
      if (keepable && it->set.use_count() == 1) {
        set = std::move(it->set);
        held_prints = std::move(it->prints);
        held_version = it->reference_version;
      }
      cache_.erase(it);
      break;
    }
    // Make room before building, so that the kept sets and the one being built are
    // never more than kKeptLas together.
    if (!set) {
      while (!cache_.empty() && cache_.size() >= kKeptLas) cache_.pop_back();
    }
  }
  // The returns whose records to read: every one for a new set; for a kept one, those
  // added or replaced since, after taking out what it holds of them and of the removed.
  std::vector<std::string> read;
  int from = INT_MAX;  // the earliest year of a return added, replaced or removed
  if (set) {
    for (const auto& [id, print] : held_prints) {
      auto now = prints.find(id);
      if (now == prints.end() || now->second != print) {
        set->RemoveReturn(id);
        from = std::min(from, FinancialYearOfReturn(id));
      }
    }
    for (const auto& [id, print] : prints) {
      auto then = held_prints.find(id);
      if (then == held_prints.end() || then->second != print) {
        set->RemoveReturn(id);  // a return read by a scan that ran ahead of its list
        read.push_back(id);
        from = std::min(from, FinancialYearOfReturn(id));
      }
    }
    set->ClearReturns();
  } else {
    set = std::make_shared<RecordSet>(la);
  }
  for (const auto& r : returns) {
    if (r.la() == la) set->AddReturn(r);
  }
  const bool fresh = held_prints.empty();
  if (fresh || !read.empty()) {
    // A kept set holds exactly the returns of its prints: records of any other return
    // (a scan that ran ahead of the list, or one that ignores `read`) are left out.
    std::set<std::string> keep(read.begin(), read.end());
    if (fresh) {
      for (const auto& [id, print] : prints) keep.insert(id);
    }
    RecordSet* building = set.get();
    std::string last;  // records come return by return: decide once per return
    bool last_kept = false;
    absl::Status s = scan(fresh ? std::vector<std::string>() : read, [&](const v1::Record& r) {
      if (keepable) {
        if (r.return_id() != last) {
          last = r.return_id();
          last_kept = keep.count(last) > 0;
        }
        if (!last_kept) return;
      }
      building->Add(r);
    });
    if (!s.ok()) return s;  // a half-read set is not kept
  }
  set->Finalize();
  const int32_t earliest = set->TakeEarliestChange();
  if (fresh || held_version != version || earliest == INT32_MIN) {
    *from_fy = INT_MIN;
  } else {
    if (earliest != INT32_MAX) from = std::min(from, FinancialYearOf(earliest));
    *from_fy = from;
  }
  *moved_from = *from_fy;
  if (keepable) {
    std::lock_guard<std::mutex> lock(cache_mu_);
    std::erase_if(cache_, [&](const CachedSet& c) { return c.la == la; });
    while (!cache_.empty() && cache_.size() >= kKeptLas) cache_.pop_back();
    cache_.push_front(CachedSet{la, std::move(prints), set, version});
  }
  return std::shared_ptr<const RecordSet>(std::move(set));
}

absl::Status MetricsEngine::CheckListable(const std::string& indicator) {
  const IndicatorDef* d = FindIndicator(indicator);
  if (d == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown indicator '", indicator, "': `carestat indicators --list` shows the ids"));
  }
  auto refuse = [&](const std::string& why) {
    return absl::FailedPreconditionError(absl::StrCat("no children can be listed behind ", indicator, ": ", why));
  };
  if (absl::StartsWith(d->definition, "Local measure")) {
    return refuse("it is a local measure the council supplies as a figure (workforce, finance or its own count), "
                  "not counted from child-level records");
  }
  if (absl::StartsWith(d->unit, "rate_per_10k")) {
    return refuse("it is a rate per 10,000 whose denominator is ONS's population estimate, not children on "
                  "record; list the count it is made from instead (see its definition in `carestat indicators "
                  "--list`)");
  }
  if (d->unit == "days") return refuse("it is a mean of days, not a count or a percentage of children");
  if (d->unit != "count" && d->unit != "percent") return refuse(absl::StrCat("its unit is ", d->unit));
  if (indicator == "dq_excluded_records") {
    return refuse("it counts records left out for errors, which no indicator counts; `carestat validate` "
                  "and ingestion's GetIssues list them");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListChildrenResponse> MetricsEngine::ListChildren(const v1::ListChildrenRequest& req,
                                                                     const std::vector<v1::ReturnInfo>& returns,
                                                                     const RecordScan& scan) {
  if (absl::Status s = CheckListable(req.indicator()); !s.ok()) return s;
  const IndicatorDef* d = FindIndicator(req.indicator());
  // The period whole when given (text cannot name December: "2011-12" is a year).
  std::optional<v1::Period> period;
  if (req.has_exact_period()) {
    std::string problem;
    if (!ValidPeriod(req.exact_period(), &problem)) {
      return absl::InvalidArgumentError(absl::StrCat("exact_period is not a period: ", problem));
    }
    period = req.exact_period();
  } else {
    period = ParsePeriod(req.period());
  }
  if (!period) {
    return absl::InvalidArgumentError(absl::StrCat("'", req.period(), "' is not a period: give a financial year like "
                                                   "2015-16, or a month like 2015-06"));
  }
  if (period->kind() == v1::Period::MONTH && !d->monthly) {
    return absl::InvalidArgumentError(absl::StrCat(req.indicator(), " has no monthly figures: give a financial year "
                                                   "like 2015-16"));
  }
  if (period->kind() == v1::Period::ROLLING_12_MONTHS && !d->rolling) {
    return absl::InvalidArgumentError(absl::StrCat(req.indicator(), " has no rolling 12-month figures: give a financial "
                                                   "year like 2015-16", d->monthly ? " or a month" : ""));
  }
  if (!d->breakdowns.empty() && req.breakdown().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(req.indicator(), " is listed by breakdown: give one of ",
                                                   absl::StrJoin(d->breakdowns, ", ")));
  }
  if (d->breakdowns.empty() && !req.breakdown().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(req.indicator(), " has no breakdowns"));
  }
  if (absl::Status s = RequireLa(req.la()); !s.ok()) return s;
  int from_fy = INT_MIN, moved_from = INT_MIN;
  auto kept = RecordsFor(req.la(), returns, scan, &from_fy, &moved_from);
  if (!kept.ok()) return kept.status();
  if (moved_from != INT_MAX) {
    // The records changed since the last recompute: this call took the change from the
    // kept set, so the next recompute must still redo the years it moved.
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto [it, inserted] = pending_from_.try_emplace(req.la(), moved_from);
    if (!inserted) it->second = std::min(it->second, moved_from);
  }
  // A month, and the 12 months ending with one, are counted with the year holding it.
  const int fy = period->kind() == v1::Period::FINANCIAL_YEAR ? period->start_year()
                                                               : FinancialYearOf(PeriodEnd(*period));
  PointWriter out(req.la(), 0);
  out.ListFor(req.indicator(), req.breakdown(), *period);
  FamilyInput in{**kept, populations_, WorkingDays::Shipped(), fy, &postcodes_};
  for (Family f : kFamilies) f(in, out);
  const v1::IndicatorPoint* point = out.listed_point();
  if (point == nullptr) {
    // Say what the year does have of the indicator: its months only, or other breakdowns.
    std::set<std::string> breakdowns;
    bool months = false;
    for (const auto& p : out.points()) {
      if (p.indicator() != req.indicator()) continue;
      if (p.period().kind() == v1::Period::MONTH) months = true;
      else if (p.period().kind() == v1::Period::FINANCIAL_YEAR) breakdowns.insert(p.breakdown());
    }
    std::string why = "the returns loaded do not cover that period";
    if (period->kind() == v1::Period::ROLLING_12_MONTHS) {
      why = "the returns loaded do not cover all of its 12 months";
    } else if (breakdowns.empty() && months && period->kind() != v1::Period::MONTH) {
      why = "it is given per month: give a month like " + FormatPeriod(MonthOfYear(fy, 0));
    } else if (!breakdowns.empty() && !breakdowns.count(req.breakdown())) {
      why = absl::StrCat("that year has it for ", absl::StrJoin(breakdowns, ", "));
    }
    return absl::NotFoundError(absl::StrCat("LA ", req.la(), " has no figure of ", req.indicator(),
                                            req.breakdown().empty() ? "" : absl::StrCat(" (", req.breakdown(), ")"),
                                            " for ", DescribePeriod(*period), ": ", why));
  }
  const Members* m = out.listed();
  if (m == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the computation of ", req.indicator(), " does not list the children it counts yet"));
  }
  // The lists come from the loops that counted the figure; should they ever disagree,
  // a list that does not add up is never given out.
  const bool ratio = d->unit == "percent";
  if (static_cast<double>(m->numerator.size()) != point->numerator() ||
      (ratio && static_cast<double>(m->denominator.size()) != point->denominator())) {
    return absl::InternalError(absl::StrCat("the lists of ", req.indicator(), " (", m->numerator.size(), " and ",
                                            m->denominator.size(), ") do not add up to its figure (",
                                            point->numerator(), " over ", point->denominator(), ")"));
  }
  v1::ListChildrenResponse resp;
  *resp.mutable_point() = *point;
  resp.mutable_point()->set_computed_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (const auto& c : m->numerator) *resp.add_numerator() = c;
  for (const auto& c : m->denominator) *resp.add_denominator() = c;
  resp.set_counts(m->counts);
  // Distinct pseudonyms; entries without one cannot be told apart, so they count as
  // many as the list with more of them holds (a percentage's numerator is within its
  // denominator).
  std::set<std::string> distinct;
  int64_t unidentified[2] = {0, 0};
  for (int side = 0; side < 2; ++side) {
    for (const auto& c : side == 0 ? m->numerator : m->denominator) {
      if (c.child().empty()) ++unidentified[side];
      else distinct.insert(c.child());
    }
  }
  resp.set_children_returned(static_cast<int64_t>(distinct.size()) + std::max(unidentified[0], unidentified[1]));
  return resp;
}

void MetricsEngine::ForgetRecords() {
  std::lock_guard<std::mutex> lock(cache_mu_);
  cache_.clear();
}

absl::StatusOr<v1::RecomputeResponse> MetricsEngine::Recompute(const std::string& la,
                                                               const std::vector<int>& collection_years,
                                                               const std::vector<v1::ReturnInfo>& returns,
                                                               const RecordScan& scan,
                                                               const std::vector<v1::RejectedReturn>& rejected) {
  int from_fy = INT_MIN;     // the first year to recompute when no year is named
  int moved_from = INT_MIN;  // the first year the changes moved
  auto kept = RecordsFor(la, returns, scan, &from_fy, &moved_from);
  if (!kept.ok()) return kept.status();
  const RecordSet& set = **kept;

  {
    // Changes a recompute of named years left for the others.
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto pending = pending_from_.find(la);
    if (pending != pending_from_.end()) {
      from_fy = std::min(from_fy, pending->second);
      moved_from = std::min(moved_from, pending->second);
      pending_from_.erase(pending);
    }
    if (!collection_years.empty() && moved_from != INT_MAX) pending_from_[la] = moved_from;
  }
  std::set<int> years;
  if (collection_years.empty()) {
    auto written = WrittenYears(la);
    if (!written.ok()) return written.status();
    std::set<int> all = set.AllYears();
    all.insert(written->begin(), written->end());  // a year no longer covered loses its points
    for (int fy : all) {
      if (fy >= from_fy) years.insert(fy);
    }
  } else {
    for (int cy : collection_years) years.insert(cy - 1);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  v1::RecomputeResponse resp;
  resp.set_records_read(set.records());
  std::string returns_of_la;
  {
    v1::ListReturnsResponse list;
    for (const auto& r : returns) {
      if (r.la() == la) *list.add_returns() = r;
    }
    for (const auto& r : rejected) {
      if (r.la() == la) *list.add_rejected() = r;
    }
    returns_of_la = list.SerializeAsString();
  }
  for (int fy : years) {
    PointWriter out(la, now);
    FamilyInput in{set, populations_, WorkingDays::Shipped(), fy, &postcodes_};
    for (Family f : kFamilies) f(in, out);
    // Data quality: records of this year's returns left out for errors.
    double excluded = 0;
    std::set<std::string> dq_sources;
    for (const auto& r : returns) {
      if (r.la() != la || r.collection_year() - 1 != fy) continue;
      auto it = set.excluded_by_return().find(r.return_id());
      excluded += it == set.excluded_by_return().end() ? 0 : it->second;
      dq_sources.insert(r.return_id());
    }
    if (!dq_sources.empty()) out.Count("dq_excluded_records", "", FinancialYear(fy), excluded, dq_sources);
    // Local measures supplied for this year, stored beside the computed ones.
    for (const auto& m : set.local_measures()) {
      if (m.la() != la || m.period().kind() != v1::Period::FINANCIAL_YEAR || m.period().start_year() != fy) continue;
      out.Count(m.indicator(), "", m.period(), m.value(), {m.source()});
      out.points().back().set_supplied(true);
    }

    // One batch: forget what the last recompute of this year wrote, write the new.
    rocksdb::WriteBatch batch;
    auto previous = s_->Get(kWritten, WrittenKey(la, fy));
    if (previous.ok()) {
      KeyReader r(*previous);
      std::string key;
      while (r.Str(&key)) batch.Delete(s_->cf(kPoints), key);
    } else if (!absl::IsNotFound(previous.status())) {
      return previous.status();
    }
    KeyBuilder written;
    for (const auto& p : out.points()) {
      std::string key = PointKey(p.entity(), p.indicator(), p.breakdown(), p.period());
      batch.Put(s_->cf(kPoints), key, p.SerializeAsString());
      written.Str(key);
      resp.set_points_written(resp.points_written() + 1);
    }
    batch.Put(s_->cf(kWritten), WrittenKey(la, fy), written.Build());
    batch.Put(s_->cf(kLas), KeyBuilder().Str(la).Build(), std::to_string(now));
    // The returns these figures came from, for the data-quality section of the reports.
    batch.Put(s_->cf(kReturns), KeyBuilder().Str(la).Build(), returns_of_la);
    if (absl::Status w = s_->Write(&batch); !w.ok()) return w;
    points_version_.fetch_add(1);
    resp.add_periods(FormatPeriod(FinancialYear(fy)));
  }
  if (years.empty()) {
    // No figure moved, but the list of returns and refusals is the one just read.
    rocksdb::WriteBatch batch;
    batch.Put(s_->cf(kReturns), KeyBuilder().Str(la).Build(), returns_of_la);
    batch.Put(s_->cf(kLas), KeyBuilder().Str(la).Build(), std::to_string(now));
    if (absl::Status w = s_->Write(&batch); !w.ok()) return w;
    points_version_.fetch_add(1);
  }
  return resp;
}

absl::StatusOr<int64_t> MetricsEngine::ApplyReference(const std::string& table, const std::string& csv) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  if (table == "populations") {
    auto p = Populations::Parse(csv);
    if (!p.ok()) return p.status();
    populations_.Merge(*p);
    return static_cast<int64_t>(p->size());
  }
  if (table == "postcode_districts") {
    auto p = PostcodeDistricts::Parse(csv);
    if (!p.ok()) return p.status();
    postcodes_.Merge(*p);
    return static_cast<int64_t>(p->size());
  }
  if (table == "targets") {
    auto t = ReadReferenceCsv(csv, {"la", "indicator", "period", "kind", "value", "source"}, "targets");
    if (!t.ok()) return t.status();
    std::vector<v1::Target> add;
    for (const auto& row : t->rows) {
      v1::Target target;
      double v = 0;
      auto period = ParsePeriod(t->Get(row, "period"));
      if (!absl::SimpleAtod(t->Get(row, "value"), &v) || !std::isfinite(v) || !period ||
          t->Get(row, "source").empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("targets line ", row.line, ": expected a financial year, a finite number and a source"));
      }
      target.set_la(t->Get(row, "la"));
      target.set_indicator(t->Get(row, "indicator"));
      target.set_period(FormatPeriod(*period));
      target.set_kind(t->Get(row, "kind"));
      target.set_value(v);
      target.set_source(t->Get(row, "source"));
      add.push_back(target);
    }
    for (const auto& a : add) {
      std::erase_if(targets_, [&](const v1::Target& x) {
        return x.la() == a.la() && x.indicator() == a.indicator() && x.period() == a.period() && x.kind() == a.kind();
      });
      targets_.push_back(a);
    }
    return static_cast<int64_t>(add.size());
  }
  if (table == "neighbours") {
    // A table gives each LA's lists whole: an LA it names has exactly the lists it gives.
    auto t = ReadReferenceCsv(csv, {"la", "neighbour", "source"}, "neighbours");
    if (!t.ok()) return t.status();
    std::map<std::string, std::map<int32_t, std::vector<std::string>>> lists;
    for (const auto& row : t->rows) {
      const std::string la = t->Get(row, "la"), neighbour = t->Get(row, "neighbour");
      const std::string from_text = t->Get(row, "effective_from");
      int32_t from = INT32_MIN;
      if (!from_text.empty()) {
        auto d = ParseIsoDate(from_text);
        if (!d) {
          return absl::InvalidArgumentError(absl::StrCat("neighbours line ", row.line, ": effective_from '", from_text,
                                                         "' is not a date like 2016-04-01"));
        }
        from = *d;
      }
      if (la.empty() || neighbour.empty() || neighbour == la) {
        return absl::InvalidArgumentError(
            absl::StrCat("neighbours line ", row.line, ": expected an LA and a neighbour other than itself"));
      }
      lists[la][from].push_back(neighbour);
    }
    for (auto& [la, by_date] : lists) {
      std::vector<NeighbourList>& out = neighbours_[la];
      out.clear();
      for (auto& [from, las] : by_date) out.push_back(NeighbourList{from, std::move(las)});
    }
    return static_cast<int64_t>(t->rows.size());
  }
  if (table == "comparators") {
    auto t = ReadReferenceCsv(csv, {"entity", "indicator", "period", "value", "source"}, "comparators");
    if (!t.ok()) return t.status();
    rocksdb::WriteBatch batch;
    std::set<std::string> entities;
    for (const auto& row : t->rows) {
      double v = 0;
      auto period = ParsePeriod(t->Get(row, "period"));
      const std::string id = t->Get(row, "indicator");
      if (!absl::SimpleAtod(t->Get(row, "value"), &v) || !std::isfinite(v) || !period ||
          t->Get(row, "source").empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("comparators line ", row.line, ": expected a period, a finite number and a source"));
      }
      if (!FindIndicator(id)) {
        return absl::InvalidArgumentError(absl::StrCat("comparators line ", row.line, ": unknown indicator '", id, "'"));
      }
      v1::IndicatorPoint p;
      p.set_entity(t->Get(row, "entity"));
      p.set_indicator(id);
      p.set_breakdown(t->Get(row, "breakdown"));
      *p.mutable_period() = *period;
      p.set_has_value(true);
      p.set_value(v);
      p.add_sources(t->Get(row, "source"));
      p.set_supplied(true);
      p.set_computed_unix_ms(now);
      batch.Put(s_->cf(kPoints), PointKey(p.entity(), id, p.breakdown(), *period), p.SerializeAsString());
      entities.insert(p.entity());
    }
    for (const auto& e : entities) batch.Put(s_->cf(kLas), KeyBuilder().Str(e).Build(), std::to_string(now));
    if (absl::Status w = s_->Write(&batch); !w.ok()) return w;
    points_version_.fetch_add(1);
    return static_cast<int64_t>(t->rows.size());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown reference table '", table,
                   "': expected comparators, targets, populations, neighbours or postcode_districts"));
}

absl::StatusOr<int64_t> MetricsEngine::PutReferenceData(const std::string& table, const std::string& csv) {
  auto rows = ApplyReference(table, csv);
  if (!rows.ok()) return rows;
  ++reference_version_;  // the next recompute of each LA does every year
  // Kept under a time-ordered key so a restart re-applies updates in load order.
  const uint64_t seq = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count());
  if (absl::Status s = s_->Put(kReference, KeyBuilder().U64(seq).Str(table).Build(), csv); !s.ok()) return s;
  return rows;
}

absl::StatusOr<int64_t> MetricsEngine::PutLocalMeasures(const std::string& csv) {
  auto t = ReadReferenceCsv(csv, {"indicator", "la", "period", "value", "source"}, "local measures");
  if (!t.ok()) return t.status();
  ++reference_version_;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  rocksdb::WriteBatch batch;
  for (const auto& row : t->rows) {
    double v = 0;
    auto period = ParsePeriod(t->Get(row, "period"));
    if (!absl::SimpleAtod(t->Get(row, "value"), &v) || !period || t->Get(row, "source").empty() ||
        t->Get(row, "la").empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("local measures line ", row.line, ": expected an LA, a period, a number and a source"));
    }
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(absl::StrCat("local measures line ", row.line, ": value '",
                                                     t->Get(row, "value"), "' is not a finite number"));
    }
    v1::IndicatorPoint p;
    p.set_entity(t->Get(row, "la"));
    p.set_indicator(t->Get(row, "indicator"));
    *p.mutable_period() = *period;
    p.set_has_value(true);
    p.set_value(v);
    p.add_sources(t->Get(row, "source"));
    p.set_supplied(true);
    p.set_computed_unix_ms(now);
    batch.Put(s_->cf(kPoints), PointKey(p.entity(), p.indicator(), "", *period), p.SerializeAsString());
    batch.Put(s_->cf(kLas), KeyBuilder().Str(p.entity()).Build(), std::to_string(now));
  }
  if (absl::Status w = s_->Write(&batch); !w.ok()) return w;
    points_version_.fetch_add(1);
  return static_cast<int64_t>(t->rows.size());
}

std::vector<v1::Target> MetricsEngine::GetTargets(const std::string& la, const std::string& indicator) const {
  std::vector<v1::Target> out;
  for (const auto& t : targets_) {
    if (t.indicator() == indicator && (t.la() == la || t.la() == "*")) out.push_back(t);
  }
  return out;
}

absl::Status MetricsEngine::RequireLa(const std::string& la) const {
  auto v = s_->Get(kLas, KeyBuilder().Str(la).Build());
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("no data for LA ", la, ": ingest its returns and recompute first"));
  }
  return v.status();
}

absl::StatusOr<std::vector<v1::ReturnInfo>> MetricsEngine::ListReturns(const std::string& la) const {
  auto list = ListReturnsAndRejections(la);
  if (!list.ok()) return list.status();
  return std::vector<v1::ReturnInfo>(list->returns().begin(), list->returns().end());
}

absl::StatusOr<v1::ListReturnsResponse> MetricsEngine::ListReturnsAndRejections(const std::string& la) const {
  if (absl::Status s = RequireLa(la); !s.ok()) return s;
  v1::ListReturnsResponse list;
  auto v = s_->Get(kReturns, KeyBuilder().Str(la).Build());
  if (absl::IsNotFound(v.status())) return list;
  if (!v.ok()) return v.status();
  if (!list.ParseFromString(*v)) return absl::DataLossError(absl::StrCat("stored returns of LA ", la, " do not parse"));
  return list;
}

absl::StatusOr<std::vector<std::string>> MetricsEngine::LasWithReturns() const {
  std::vector<std::string> out;
  auto it = s_->NewIterator(kReturns);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KeyReader r(std::string_view(it->key().data(), it->key().size()));
    std::string la;
    if (!r.Str(&la)) return absl::DataLossError("corrupt key in metrics' returns table");
    out.push_back(std::move(la));
  }
  if (!it->status().ok()) return absl::UnavailableError(it->status().ToString());
  return out;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetValues(const std::string& la,
                                                                         const std::string& period) const {
  auto p = ParsePeriod(period);
  if (!p) {
    return absl::InvalidArgumentError(
        absl::StrCat("period '", period, "' is neither a financial year (2015-16) nor a month (2015-06)"));
  }
  if (absl::Status s = RequireLa(la); !s.ok()) return s;
  // Every indicator with every breakdown: walk each indicator's keys for this LA.
  std::vector<v1::IndicatorPoint> out;
  auto it = s_->NewIterator(kPoints);
  for (const auto& def : Catalogue()) {
    std::string prefix = KeyBuilder().Str(la).Str(def.id).Build();
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      v1::IndicatorPoint point;
      if (!point.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
        return absl::DataLossError("corrupt point " + def.id);
      const v1::Period& q = point.period();
      if (q.kind() == p->kind() && q.start_year() == p->start_year() && q.month() == p->month())
        out.push_back(std::move(point));
    }
  }
  return out;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetSeries(const std::string& entity,
                                                                         const std::string& indicator,
                                                                         const std::string& breakdown,
                                                                         const std::string& from,
                                                                         const std::string& to) const {
  if (!FindIndicator(indicator)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown indicator '", indicator, "': `carestat indicators --list` shows the ids"));
  }
  int lo = 0, hi = 9999;
  for (auto [text, bound] : {std::pair{&from, &lo}, std::pair{&to, &hi}}) {
    if (text->empty()) continue;
    auto p = ParsePeriod(*text);
    if (!p || p->kind() != v1::Period::FINANCIAL_YEAR) {
      std::string problem;
      ParseFinancialYear(*text, &problem);
      return absl::InvalidArgumentError(problem);
    }
    *bound = p->start_year();
  }
  const bool neighbours = absl::StartsWith(entity, "SN:");
  if (absl::Status s = RequireLa(entity); !s.ok()) {
    // An LA's neighbour average exists without published rows when it has a list.
    if (!neighbours || !absl::IsNotFound(s) || !neighbours_.count(entity.substr(3))) return s;
  }
  auto out = StoredSeries(entity, indicator, breakdown, lo, hi);
  if (!out.ok() || !neighbours) return out;
  auto computed = NeighbourAverages(entity.substr(3), indicator, breakdown, lo, hi, *out);
  if (!computed.ok()) return computed.status();
  if (computed->empty()) return out;
  for (auto& p : *computed) out->push_back(std::move(p));
  std::sort(out->begin(), out->end(), [](const v1::IndicatorPoint& a, const v1::IndicatorPoint& b) {
    return a.period().start_year() < b.period().start_year();
  });
  return out;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetMonthlySeries(const std::string& entity,
                                                                                const std::string& indicator,
                                                                                const std::string& breakdown,
                                                                                const std::string& from,
                                                                                const std::string& to) const {
  return MonthEndSeries(entity, indicator, breakdown, from, to, v1::Period::MONTH);
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::GetRollingSeries(const std::string& entity,
                                                                                const std::string& indicator,
                                                                                const std::string& breakdown,
                                                                                const std::string& from,
                                                                                const std::string& to) const {
  return MonthEndSeries(entity, indicator, breakdown, from, to, v1::Period::ROLLING_12_MONTHS);
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::MonthEndSeries(const std::string& entity,
                                                                              const std::string& indicator,
                                                                              const std::string& breakdown,
                                                                              const std::string& from,
                                                                              const std::string& to,
                                                                              v1::Period::Kind kind) const {
  const IndicatorDef* def = FindIndicator(indicator);
  if (!def) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown indicator '", indicator, "': `carestat indicators --list` shows the ids"));
  }
  if (kind == v1::Period::MONTH && !def->monthly) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator '", indicator, "' is not computed per month (only by financial year): ask for the years"));
  }
  if (kind == v1::Period::ROLLING_12_MONTHS && !def->rolling) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator '", indicator, "' has no rolling 12-month figures (", def->monthly ? "only months and years" :
        "only financial years", "): `carestat indicators --list` says which have them"));
  }
  int lo = 0, hi = 9998;
  for (auto [text, bound] : {std::pair{&from, &lo}, std::pair{&to, &hi}}) {
    if (text->empty()) continue;
    auto p = ParsePeriod(*text);
    if (!p || p->kind() != v1::Period::FINANCIAL_YEAR) {
      std::string problem;
      ParseFinancialYear(*text, &problem);
      return absl::InvalidArgumentError(problem);
    }
    *bound = p->start_year();
  }
  if (absl::Status s = RequireLa(entity); !s.ok()) return s;
  // Keys order months by calendar year then month: April of `lo` to March of hi + 1. A
  // rolling figure is keyed by the month it ends with, as a month is.
  std::vector<v1::IndicatorPoint> out;
  const std::string prefix = SeriesKey(entity, indicator, breakdown).U8(static_cast<uint8_t>(kind)).Build();
  const std::string start = KeyBuilder(SeriesKey(entity, indicator, breakdown))
                                .U8(static_cast<uint8_t>(kind)).U16(static_cast<uint16_t>(std::max(lo, 0))).Build();
  auto it = s_->NewIterator(kPoints);
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::IndicatorPoint point;
    if (!point.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError("corrupt point");
    const int y = point.period().start_year(), m = point.period().month();
    const int fy = m >= 4 ? y : y - 1;
    if (fy < lo) continue;
    if (fy > hi) break;
    out.push_back(std::move(point));
  }
  return out;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::StoredSeries(const std::string& entity,
                                                                            const std::string& indicator,
                                                                            const std::string& breakdown, int lo,
                                                                            int hi) const {
  std::vector<v1::IndicatorPoint> out;
  std::string prefix = SeriesKey(entity, indicator, breakdown).U8(v1::Period::FINANCIAL_YEAR).Build();
  std::string start = KeyBuilder(SeriesKey(entity, indicator, breakdown))
                          .U8(v1::Period::FINANCIAL_YEAR).U16(static_cast<uint16_t>(std::max(lo, 0))).Build();
  auto it = s_->NewIterator(kPoints);
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::IndicatorPoint point;
    if (!point.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
      return absl::DataLossError("corrupt point");
    if (point.period().start_year() > hi) break;
    out.push_back(std::move(point));
  }
  return out;
}

const std::vector<std::string>* MetricsEngine::NeighboursOf(const std::string& la, int fy) const {
  auto it = neighbours_.find(la);
  if (it == neighbours_.end()) return nullptr;
  const std::vector<std::string>* list = nullptr;
  for (const auto& l : it->second) {  // by date
    if (l.from <= FinancialYearEnd(fy)) list = &l.las;
  }
  return list;
}

absl::StatusOr<std::vector<v1::IndicatorPoint>> MetricsEngine::NeighbourAverages(
    const std::string& la, const std::string& indicator, const std::string& breakdown, int lo, int hi,
    const std::vector<v1::IndicatorPoint>& published) const {
  std::vector<v1::IndicatorPoint> out;
  const IndicatorDef* def = FindIndicator(indicator);
  auto lists = neighbours_.find(la);
  // A mean of counts compares nothing: only rates and percentages are averaged.
  if (def == nullptr || def->unit == "count" || lists == neighbours_.end()) return out;
  // Each neighbour's figures by year: computed from its returns, and published.
  std::map<std::string, std::map<int, v1::IndicatorPoint>> computed, given;
  std::set<int> years;
  for (const auto& list : lists->second) {
    for (const std::string& n : list.las) {
      if (computed.count(n)) continue;
      for (auto [entity, into] : {std::pair{n, &computed[n]}, std::pair{"LA:" + n, &given[n]}}) {
        auto series = StoredSeries(entity, indicator, breakdown, lo, hi);
        if (!series.ok()) return series.status();
        for (auto& p : *series) {
          if (!p.has_value()) continue;
          years.insert(p.period().start_year());
          (*into)[p.period().start_year()] = std::move(p);
        }
      }
    }
  }
  std::set<int> have;
  for (const auto& p : published) have.insert(p.period().start_year());
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  for (int fy : years) {
    if (have.count(fy)) continue;  // a published average is given as loaded
    const std::vector<std::string>* list = NeighboursOf(la, fy);
    if (list == nullptr || list->empty()) continue;
    for (auto [figures, kind] : {std::pair{&computed, "computed from their returns"},
                                 std::pair{&given, "as published"}}) {
      double sum = 0;
      std::set<std::string> sources;
      bool all = true;
      for (const std::string& n : *list) {
        const v1::IndicatorPoint* figure = nullptr;
        if (auto f = figures->find(n); f != figures->end()) {
          if (auto y = f->second.find(fy); y != f->second.end()) figure = &y->second;
        }
        if (figure == nullptr) {
          all = false;
          break;
        }
        sum += figure->value();
        if (figures == &given) sources.insert(figure->sources().begin(), figure->sources().end());
      }
      if (!all) continue;
      v1::IndicatorPoint p;
      p.set_entity("SN:" + la);
      p.set_indicator(indicator);
      p.set_breakdown(breakdown);
      *p.mutable_period() = FinancialYear(fy);
      p.set_has_value(true);
      p.set_numerator(sum);
      p.set_denominator(static_cast<double>(list->size()));
      p.set_value(sum / static_cast<double>(list->size()));
      p.set_computed_unix_ms(now);
      p.add_sources(absl::StrCat("Mean of the ", list->size(), " statistical neighbours' figures (",
                                 absl::StrJoin(*list, ", "), "), ", kind));
      for (const auto& s : sources) p.add_sources(s);
      out.push_back(std::move(p));
      break;
    }
  }
  return out;
}

}  // namespace carestat
