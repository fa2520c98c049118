// Front door: contacts, referrals and what becomes of them.
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {


// Counts dated items per financial year and per month of `fy`, with sources.
// Each item counted in the year is also added to every list of `lists` (a percentage's
// numerator or denominator); `records` names what one item is ("referrals").
template <typename T, typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, DateOf date_of,
                PointWriter& out, double* year_total, std::set<std::string>* year_sources, const char* records,
                std::vector<std::vector<v1::ListedChild>*> lists = {}) {
  double by_month[13] = {};
  SourceIds year_ids, month_ids[13];
  *year_total = 0;
  // Records, not children: a child referred twice in the year is listed twice.
  if (Members* l = out.Listing(id, "", FinancialYear(in.fy))) {
    l->counts = records;
    lists.push_back(&l->numerator);
  }
  Members* month_list[13] = {};
  for (int i = 0; i < 12; ++i) {
    int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    month_list[m] = out.Listing(id, "", Month(y, m));
    if (month_list[m]) month_list[m]->counts = records;
  }
  for (const auto& it : items) {
    const int32_t d = date_of(it);
    // A blank date (year 0) is in no financial year of a return.
    if (d == kNoDay || FinancialYearOf(d) != in.fy) continue;
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    *year_total += 1;
    by_month[m] += 1;
    year_ids.Add(it);
    month_ids[m].Add(it);
    for (auto* l : lists) l->push_back(Listed(it));
    if (month_list[m]) month_list[m]->numerator.push_back(Listed(it));
  }
  year_ids.AddTo(year_sources);
  out.Count(id, "", FinancialYear(in.fy), *year_total, *year_sources);
  for (int i = 0; i < 12; ++i) {
    int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    out.Count(id, "", Month(y, m), by_month[m], month_ids[m].Set());
  }
}

}  // namespace

void ComputeFrontDoor(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const bool contacts_covered = set.Covers("contact", in.fy);
  const bool referrals_covered = set.Covers("referral", in.fy);
  double contacts = 0, referrals = 0;
  std::set<std::string> contact_sources, referral_sources;
  // contact_conversion_pct: referrals over contacts, each side counted by its flow.
  const v1::Period year = FinancialYear(in.fy);
  Members* conversion = referrals_covered && contacts_covered ? out.Listing("contact_conversion_pct", "", year)
                                                              : nullptr;
  if (conversion) conversion->counts = "referrals over contacts";
  if (contacts_covered) {
    FlowCounts("contacts", in, set.contacts(), [](const Item<v1::Contact>& c) { return c.day[0]; }, out,
               &contacts, &contact_sources, "contacts",
               conversion ? std::vector<std::vector<v1::ListedChild>*>{&conversion->denominator}
                          : std::vector<std::vector<v1::ListedChild>*>{});
  }
  if (!referrals_covered) return;
  // Re-referral and NFA shares have every referral of the year as denominator.
  Members* rereferral = out.Listing("rereferral_12m_pct", "", year);
  Members* nfa_list = out.Listing("referral_nfa_pct", "", year);
  std::vector<std::vector<v1::ListedChild>*> referral_lists;
  for (Members* l : {conversion, rereferral, nfa_list}) {
    if (l == nullptr) continue;
    referral_lists.push_back(l == conversion ? &l->numerator : &l->denominator);
    if (l != conversion) l->counts = "referrals";
  }
  FlowCounts("referrals", in, set.referrals(), [](const Item<v1::Referral>& r) { return r.day[0]; }, out,
             &referrals, &referral_sources, "referrals", referral_lists);
  out.Rate("referral_rate", in, referrals, referral_sources);
  if (contacts_covered) {
    std::set<std::string> both = referral_sources;
    both.insert(contact_sources.begin(), contact_sources.end());
    out.Ratio("contact_conversion_pct", "", FinancialYear(in.fy), referrals, contacts, 100, both);
  }

  // Re-referrals look back 12 months, into earlier returns where they are loaded. Only
  // referrals dated after 12 months before the year starts and before it ends can be
  // an earlier referral of one in the year (MonthsBefore never decreases as the day
  // grows). Referrals without a child id share the id "" and so match each other.
  const int32_t earliest = MonthsBefore(FinancialYearStart(in.fy), 12), latest = FinancialYearEnd(in.fy);
  absl::flat_hash_map<std::string_view, absl::InlinedVector<int32_t, 2>> dates_by_child;
  std::vector<std::pair<const Item<v1::Referral>*, int32_t>> in_year;
  for (const auto& it : set.referrals()) {
    const int32_t d = it.day[0];  // kNoDay, for a blank date, is before `earliest`
    if (d <= earliest || d > latest) continue;
    dates_by_child[it.rec.child_id()].push_back(d);
    if (FinancialYearOf(d) == in.fy) in_year.emplace_back(&it, d);
  }
  double rereferred = 0, nfa = 0;
  for (const auto& [item, d] : in_year) {
    const auto& it = *item;
    const int32_t window = MonthsBefore(d, 12);
    for (int32_t other : dates_by_child[it.rec.child_id()]) {
      if (other < d && other > window) {
        rereferred += 1;
        if (rereferral) {
          v1::ListedChild c = Listed(it);
          AddFact(&c, "earlier_referral_date", FormatIsoDate(other));
          rereferral->numerator.push_back(std::move(c));
        }
        break;
      }
    }
    nfa += it.rec.nfa();
    if (nfa_list && it.rec.nfa()) nfa_list->numerator.push_back(Listed(it));
  }
  out.Ratio("rereferral_12m_pct", "", FinancialYear(in.fy), rereferred, referrals, 100, referral_sources);
  out.Ratio("referral_nfa_pct", "", FinancialYear(in.fy), nfa, referrals, 100, referral_sources);
}

}  // namespace carestat
