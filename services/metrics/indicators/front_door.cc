#include "services/metrics/indicators/compute.h"

#include "services/common/dates.h"
#include "services/common/datasets.h"

namespace carestat {

void RecordSet::AddReturn(const v1::ReturnInfo& info) {
  const int fy = info.collection_year() - 1;
  if (info.dataset() == kDatasetAnnexAList1) contact_years_.insert(fy);
  if (info.dataset() == kDatasetCinCensus) referral_years_.insert(fy);
}

void RecordSet::Add(const v1::Record& r) {
  ++records_;
  if (r.has_error()) {
    ++excluded_;
    return;
  }
  if (r.has_contact()) {
    ++contacts_[{r.contact().child_id(), ToDays(r.contact().contact_date())}][r.return_id()];
  } else if (r.has_referral()) {
    ++referrals_[{r.referral().child_id(), ToDays(r.referral().referral_date())}][r.return_id()];
  }
}

std::vector<RecordSet::Dated> RecordSet::Flatten(const Counts& counts) {
  std::vector<Dated> out;
  for (const auto& [key, by_return] : counts) {
    int n = 0;
    std::vector<std::string> sources;
    for (const auto& [ret, c] : by_return) {
      n = std::max(n, c);
      sources.push_back(ret);
    }
    for (int i = 0; i < n; ++i) out.push_back(Dated{key.second, key.first, sources});
  }
  return out;
}

std::vector<RecordSet::Dated> RecordSet::Contacts() const { return Flatten(contacts_); }
std::vector<RecordSet::Dated> RecordSet::Referrals() const { return Flatten(referrals_); }

std::set<int> RecordSet::AllYears() const {
  std::set<int> all = contact_years_;
  all.insert(referral_years_.begin(), referral_years_.end());
  return all;
}

namespace {

v1::IndicatorPoint Point(const std::string& la, const std::string& id, const v1::Period& period,
                         int64_t now_ms) {
  v1::IndicatorPoint p;
  p.set_entity(la);
  p.set_indicator(id);
  *p.mutable_period() = period;
  p.set_computed_unix_ms(now_ms);
  return p;
}

struct Tally {
  double count = 0;
  std::set<std::string> sources;
};

// Counts dated records per financial year and per month of the years wanted.
void TallyByPeriod(const std::vector<RecordSet::Dated>& items, const std::set<int>& years,
                   std::map<int, Tally>* by_year, std::map<std::pair<int, int>, Tally>* by_month) {
  for (const auto& it : items) {
    int fy = FinancialYearOf(it.date);
    if (!years.count(fy)) continue;
    int y, m, d;
    CivilFromDays(it.date, &y, &m, &d);
    Tally& ty = (*by_year)[fy];
    Tally& tm = (*by_month)[{y, m}];
    ty.count += 1;
    tm.count += 1;
    ty.sources.insert(it.sources.begin(), it.sources.end());
    tm.sources.insert(it.sources.begin(), it.sources.end());
  }
}

void AddCounts(const std::string& la, const std::string& id, const std::set<int>& covered,
               const std::set<int>& years, const std::vector<RecordSet::Dated>& items, int64_t now_ms,
               std::vector<v1::IndicatorPoint>* out, std::map<int, Tally>* by_year) {
  std::set<int> wanted;
  for (int y : years) {
    if (covered.count(y)) wanted.insert(y);
  }
  std::map<std::pair<int, int>, Tally> by_month;
  TallyByPeriod(items, wanted, by_year, &by_month);
  for (int fy : wanted) {
    Tally& t = (*by_year)[fy];
    v1::IndicatorPoint p = Point(la, id, FinancialYear(fy), now_ms);
    p.set_has_value(true);
    p.set_value(t.count);
    p.set_numerator(t.count);
    for (const auto& s : t.sources) p.add_sources(s);
    out->push_back(std::move(p));
    for (int i = 0; i < 12; ++i) {
      int y = i < 9 ? fy : fy + 1, m = i < 9 ? i + 4 : i - 8;
      auto it = by_month.find({y, m});
      v1::IndicatorPoint mp = Point(la, id, Month(y, m), now_ms);
      mp.set_has_value(true);
      mp.set_value(it == by_month.end() ? 0 : it->second.count);
      mp.set_numerator(mp.value());
      if (it != by_month.end()) {
        for (const auto& s : it->second.sources) mp.add_sources(s);
      }
      out->push_back(std::move(mp));
    }
  }
}

}  // namespace

std::vector<v1::IndicatorPoint> ComputeFrontDoor(const RecordSet& set, const Populations& pops,
                                                 const std::set<int>& years, int64_t now_ms) {
  std::vector<v1::IndicatorPoint> out;
  std::map<int, Tally> contacts, referrals;
  AddCounts(set.la(), "contacts", set.contact_years(), years, set.Contacts(), now_ms, &out, &contacts);
  AddCounts(set.la(), "referrals", set.referral_years(), years, set.Referrals(), now_ms, &out, &referrals);

  for (const auto& [fy, r] : referrals) {
    if (auto pop = pops.Get(set.la(), fy)) {
      v1::IndicatorPoint p = Point(set.la(), "referral_rate", FinancialYear(fy), now_ms);
      p.set_has_value(true);
      p.set_numerator(r.count);
      p.set_denominator(*pop);
      p.set_value(r.count / *pop * 10000.0);
      for (const auto& s : r.sources) p.add_sources(s);
      p.add_sources(pops.Source(set.la(), fy));
      out.push_back(std::move(p));
    }
    auto c = contacts.find(fy);
    if (c != contacts.end()) {
      v1::IndicatorPoint p = Point(set.la(), "contact_conversion_pct", FinancialYear(fy), now_ms);
      p.set_numerator(r.count);
      p.set_denominator(c->second.count);
      // A zero denominator gives no value, not zero.
      p.set_has_value(c->second.count > 0);
      if (c->second.count > 0) p.set_value(r.count / c->second.count * 100.0);
      for (const auto& s : r.sources) p.add_sources(s);
      for (const auto& s : c->second.sources) p.add_sources(s);
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace carestat
