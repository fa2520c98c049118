// Front door: contacts, referrals and what becomes of them.
#include <map>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {


// Counts dated items per financial year and per month of `fy`, with sources, and the
// rolling 12 months ending with each month (`earlier`: the returns cover the year
// before, so every window is whole). `tally` gets the items of the 24 month slots.
// Each item counted in the year is also added to every list of `lists` (a percentage's
// numerator or denominator), and each of a month to the month's list of each of
// `month_lists` (a percentage's id, and true for its numerator); `records` names what
// one item is ("referrals"). A rolling window of `id` being listed is listed by `tally`
// as it is counted.
template <typename T, typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, DateOf date_of,
                PointWriter& out, double* year_total, std::set<std::string>* year_sources, const char* records,
                bool earlier, MonthTally* tally, std::vector<std::vector<v1::ListedChild>*> lists = {},
                const std::vector<std::pair<const char*, bool>>& month_lists = {}) {
  double by_month[13] = {};
  SourceIds year_ids, month_ids[13];
  *year_total = 0;
  // Records, not children: a child referred twice in the year is listed twice.
  if (Members* l = out.Listing(id, "", FinancialYear(in.fy))) {
    l->counts = records;
    lists.push_back(&l->numerator);
  }
  if (WindowListing w = RollingListing(out, id, in.fy, earlier); w.members) {
    w.members->counts = records;
    tally->ListWindow(w.from, w.to, &w.members->numerator, nullptr);
  }
  Members* month_list[13] = {};
  std::vector<std::vector<v1::ListedChild>*> other_month_lists[13];
  for (int i = 0; i < 12; ++i) {
    int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    month_list[m] = out.Listing(id, "", Month(y, m));
    if (month_list[m]) month_list[m]->counts = records;
    for (const auto& [other, numerator] : month_lists) {
      if (Members* l = out.Listing(other, "", Month(y, m))) {
        other_month_lists[m].push_back(numerator ? &l->numerator : &l->denominator);
      }
    }
  }
  for (const auto& it : items) {
    const int32_t d = date_of(it);
    // A blank date (year 0) is in no financial year of a return.
    const int slot = MonthSlot(in.fy, d);
    if (slot < 0) continue;
    tally->Add(slot, it, 1);
    if (slot < kYearSlot) continue;  // the year before: its rolling windows only
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    *year_total += 1;
    by_month[m] += 1;
    year_ids.Add(it);
    month_ids[m].Add(it);
    for (auto* l : lists) l->push_back(Listed(it));
    if (month_list[m]) month_list[m]->numerator.push_back(Listed(it));
    for (auto* l : other_month_lists[m]) l->push_back(Listed(it));
  }
  year_ids.AddTo(year_sources);
  out.Count(id, "", FinancialYear(in.fy), *year_total, *year_sources);
  for (int i = 0; i < 12; ++i) {
    int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    out.Count(id, "", Month(y, m), by_month[m], month_ids[m].Set());
  }
  ForEachRollingWindow(in.fy, earlier, [&](int from, int to, const v1::Period& p) {
    out.Count(id, "", p, tally->Numerator(from, to), tally->Sources(from, to));
  });
}

}  // namespace

void ComputeFrontDoor(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const bool contacts_covered = set.Covers("contact", in.fy);
  const bool referrals_covered = set.Covers("referral", in.fy);
  // Rolling windows before March reach into the year before: whole only when covered.
  const bool contacts_earlier = set.Covers("contact", in.fy - 1);
  const bool referrals_earlier = set.Covers("referral", in.fy - 1);
  double contacts = 0, referrals = 0;
  std::set<std::string> contact_sources, referral_sources;
  MonthTally contact_tally, referral_tally;
  // contact_conversion_pct: referrals over contacts, each side counted by its flow.
  const v1::Period year = FinancialYear(in.fy);
  const bool conversion_covered = referrals_covered && contacts_covered;
  Members* conversion = conversion_covered ? out.Listing("contact_conversion_pct", "", year) : nullptr;
  if (conversion) conversion->counts = "referrals over contacts";
  for (int i = 0; conversion_covered && i < 12; ++i) {
    if (Members* l = out.Listing("contact_conversion_pct", "", MonthOfYear(in.fy, i))) {
      l->counts = "referrals over contacts";
    }
  }
  // A rolling window of a share being listed: each side's list is filled by the tally
  // that side is summed from, as the items are added.
  if (conversion_covered) {
    if (WindowListing w = RollingListing(out, "contact_conversion_pct", in.fy, referrals_earlier && contacts_earlier);
        w.members) {
      w.members->counts = "referrals over contacts";
      referral_tally.ListWindow(w.from, w.to, &w.members->numerator, nullptr);
      contact_tally.ListWindow(w.from, w.to, &w.members->denominator, nullptr);
    }
  }
  MonthTally rereferral_tally, nfa_tally;  // numerators per slot; the denominators are referral_tally's
  for (const auto& [id, tally] : {std::pair{"rereferral_12m_pct", &rereferral_tally},
                                  std::pair{"referral_nfa_pct", &nfa_tally}}) {
    if (!referrals_covered) break;
    if (WindowListing w = RollingListing(out, id, in.fy, referrals_earlier); w.members) {
      w.members->counts = "referrals";
      tally->ListWindow(w.from, w.to, &w.members->numerator, nullptr);
      referral_tally.ListWindow(w.from, w.to, &w.members->denominator, nullptr);
    }
  }
  if (contacts_covered) {
    FlowCounts("contacts", in, set.contacts(), [](const Item<v1::Contact>& c) { return c.day[0]; }, out,
               &contacts, &contact_sources, "contacts", contacts_earlier, &contact_tally,
               conversion ? std::vector<std::vector<v1::ListedChild>*>{&conversion->denominator}
                          : std::vector<std::vector<v1::ListedChild>*>{},
               referrals_covered ? std::vector<std::pair<const char*, bool>>{{"contact_conversion_pct", false}}
                                 : std::vector<std::pair<const char*, bool>>{});
  }
  if (!referrals_covered) return;
  // Re-referral and NFA shares have every referral of the year (or month) as denominator.
  Members* rereferral = out.Listing("rereferral_12m_pct", "", year);
  Members* nfa_list = out.Listing("referral_nfa_pct", "", year);
  std::vector<std::vector<v1::ListedChild>*> referral_lists;
  for (Members* l : {conversion, rereferral, nfa_list}) {
    if (l == nullptr) continue;
    referral_lists.push_back(l == conversion ? &l->numerator : &l->denominator);
    if (l != conversion) l->counts = "referrals";
  }
  Members* rereferral_month[13] = {};
  Members* nfa_month[13] = {};
  for (int i = 0; i < 12; ++i) {
    const v1::Period p = MonthOfYear(in.fy, i);
    rereferral_month[p.month()] = out.Listing("rereferral_12m_pct", "", p);
    nfa_month[p.month()] = out.Listing("referral_nfa_pct", "", p);
    for (Members* l : {rereferral_month[p.month()], nfa_month[p.month()]}) {
      if (l) l->counts = "referrals";
    }
  }
  std::vector<std::pair<const char*, bool>> referral_month_lists = {{"rereferral_12m_pct", false},
                                                                    {"referral_nfa_pct", false}};
  if (contacts_covered) referral_month_lists.push_back({"contact_conversion_pct", true});
  FlowCounts("referrals", in, set.referrals(), [](const Item<v1::Referral>& r) { return r.day[0]; }, out,
             &referrals, &referral_sources, "referrals", referrals_earlier, &referral_tally, referral_lists,
             referral_month_lists);
  out.Rate("referral_rate", in, referrals, referral_sources);
  ForEachRollingWindow(in.fy, referrals_earlier, [&](int from, int to, const v1::Period& p) {
    out.Rate("referral_rate", in, p, referral_tally.Numerator(from, to), referral_tally.Sources(from, to));
  });
  if (contacts_covered) {
    std::set<std::string> both = referral_sources;
    both.insert(contact_sources.begin(), contact_sources.end());
    out.Ratio("contact_conversion_pct", "", FinancialYear(in.fy), referrals, contacts, 100, both);
    // Per month, and over rolling 12 months: the same flows over the same months.
    auto ratio = [&](const v1::Period& p, int from, int to) {
      std::set<std::string> sources = referral_tally.Sources(from, to);
      sources.merge(contact_tally.Sources(from, to));
      out.Ratio("contact_conversion_pct", "", p, referral_tally.Numerator(from, to),
                contact_tally.Numerator(from, to), 100, sources);
    };
    for (int i = 0; i < 12; ++i) ratio(MonthOfYear(in.fy, i), kYearSlot + i, kYearSlot + i);
    ForEachRollingWindow(in.fy, referrals_earlier && contacts_earlier,
                         [&](int from, int to, const v1::Period& p) { ratio(p, from, to); });
  }

  // Re-referrals look back 12 months, into earlier returns where they are loaded. Only
  // referrals dated after 12 months before the year before starts (the first rolling
  // window's lookback) and before the year ends can be an earlier referral of one
  // counted (MonthsBefore never decreases as the day grows). Referrals without a child
  // id share the id "" and so match each other.
  const int32_t earliest = MonthsBefore(FinancialYearStart(in.fy - 1), 12), latest = FinancialYearEnd(in.fy);
  absl::flat_hash_map<std::string_view, absl::InlinedVector<int32_t, 2>> dates_by_child;
  std::vector<std::tuple<const Item<v1::Referral>*, int32_t, int>> counted;  // with the month slot
  for (const auto& it : set.referrals()) {
    const int32_t d = it.day[0];  // kNoDay, for a blank date, is before `earliest`
    if (d <= earliest || d > latest) continue;
    dates_by_child[it.rec.child_id()].push_back(d);
    if (const int slot = MonthSlot(in.fy, d); slot >= 0) counted.emplace_back(&it, d, slot);
  }
  double rereferred = 0, nfa = 0;
  for (const auto& [item, d, slot] : counted) {
    const auto& it = *item;
    const bool in_year = slot >= kYearSlot;
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    Members* rereferral_m = in_year ? rereferral_month[m] : nullptr;
    Members* nfa_m = in_year ? nfa_month[m] : nullptr;
    const int32_t window = MonthsBefore(d, 12);
    for (int32_t other : dates_by_child[it.rec.child_id()]) {
      if (other < d && other > window) {
        auto entry = [&] {
          v1::ListedChild c = Listed(it);
          AddFact(&c, "earlier_referral_date", FormatIsoDate(other));
          return c;
        };
        rereferral_tally.Add(slot, it, 1, 0, entry);
        if (in_year) rereferred += 1;
        if ((rereferral && in_year) || rereferral_m) {
          v1::ListedChild c = entry();
          if (rereferral && in_year) rereferral->numerator.push_back(c);
          if (rereferral_m) rereferral_m->numerator.push_back(std::move(c));
        }
        break;
      }
    }
    if (it.rec.nfa()) nfa_tally.Add(slot, it, 1);
    if (!in_year) continue;
    nfa += it.rec.nfa();
    if (nfa_list && it.rec.nfa()) nfa_list->numerator.push_back(Listed(it));
    if (nfa_m && it.rec.nfa()) nfa_m->numerator.push_back(Listed(it));
  }
  out.Ratio("rereferral_12m_pct", "", FinancialYear(in.fy), rereferred, referrals, 100, referral_sources);
  out.Ratio("referral_nfa_pct", "", FinancialYear(in.fy), nfa, referrals, 100, referral_sources);
  // Per month and over rolling 12 months, of the referrals of the same months.
  for (const auto& share : {std::pair{"rereferral_12m_pct", &rereferral_tally},
                            std::pair{"referral_nfa_pct", &nfa_tally}}) {
    const char* id = share.first;
    const MonthTally* tally = share.second;
    for (int i = 0; i < 12; ++i) {
      const int slot = kYearSlot + i;
      out.Ratio(id, "", MonthOfYear(in.fy, i), tally->numerator[slot], referral_tally.numerator[slot], 100,
                referral_tally.Sources(slot, slot));
    }
    ForEachRollingWindow(in.fy, referrals_earlier, [&](int from, int to, const v1::Period& p) {
      out.Ratio(id, "", p, tally->Numerator(from, to), referral_tally.Numerator(from, to), 100,
                referral_tally.Sources(from, to));
    });
  }
}

}  // namespace carestat
