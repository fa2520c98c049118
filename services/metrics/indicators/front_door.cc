// Front door: contacts, referrals and what becomes of them.
#include <map>

#include "services/common/dates.h"
#include "services/metrics/indicators/context.h"

namespace carestat {
namespace {


// Counts dated items per financial year and per month of `fy`, with sources.
template <typename T, typename DateOf>
void FlowCounts(const std::string& id, const FamilyInput& in, const std::vector<Item<T>>& items, DateOf date_of,
                PointWriter& out, double* year_total, std::set<std::string>* year_sources) {
  std::map<int, double> by_month;
  std::map<int, std::set<std::string>> month_sources;
  *year_total = 0;
  for (const auto& it : items) {
    int32_t d = date_of(it.rec);
    if (FinancialYearOf(d) != in.fy) continue;
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    *year_total += 1;
    by_month[m] += 1;
    AddSources(year_sources, it);
    AddSources(&month_sources[m], it);
  }
  out.Count(id, "", FinancialYear(in.fy), *year_total, *year_sources);
  for (int i = 0; i < 12; ++i) {
    int y = i < 9 ? in.fy : in.fy + 1, m = i < 9 ? i + 4 : i - 8;
    out.Count(id, "", Month(y, m), by_month[m], month_sources[m]);
  }
}

}  // namespace

void ComputeFrontDoor(const FamilyInput& in, PointWriter& out) {
  const RecordSet& set = in.set;
  const bool contacts_covered = set.Covers("contact", in.fy);
  const bool referrals_covered = set.Covers("referral", in.fy);
  double contacts = 0, referrals = 0;
  std::set<std::string> contact_sources, referral_sources;
  if (contacts_covered) {
    FlowCounts("contacts", in, set.contacts(), [](const v1::Contact& c) { return ToDays(c.contact_date()); }, out,
               &contacts, &contact_sources);
  }
  if (!referrals_covered) return;
  FlowCounts("referrals", in, set.referrals(), [](const v1::Referral& r) { return ToDays(r.referral_date()); }, out,
             &referrals, &referral_sources);
  out.Rate("referral_rate", in, referrals, referral_sources);
  if (contacts_covered) {
    std::set<std::string> both = referral_sources;
    both.insert(contact_sources.begin(), contact_sources.end());
    out.Ratio("contact_conversion_pct", "", FinancialYear(in.fy), referrals, contacts, 100, both);
  }

  // Re-referrals look back 12 months, into earlier returns where they are loaded.
  std::map<std::string, std::vector<int32_t>> dates_by_child;
  for (const auto& it : set.referrals()) dates_by_child[it.rec.child_id()].push_back(ToDays(it.rec.referral_date()));
  double rereferred = 0, nfa = 0;
  for (const auto& it : set.referrals()) {
    const int32_t d = ToDays(it.rec.referral_date());
    if (FinancialYearOf(d) != in.fy) continue;
    const int32_t window = MonthsBefore(d, 12);
    for (int32_t other : dates_by_child[it.rec.child_id()]) {
      if (other < d && other > window) {
        rereferred += 1;
        break;
      }
    }
    nfa += it.rec.nfa();
  }
  out.Ratio("rereferral_12m_pct", "", FinancialYear(in.fy), rereferred, referrals, 100, referral_sources);
  out.Ratio("referral_nfa_pct", "", FinancialYear(in.fy), nfa, referrals, 100, referral_sources);
}

}  // namespace carestat
