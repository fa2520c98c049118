#include "services/metrics/indicators/catalogue.h"

namespace carestat {

const std::vector<IndicatorDef>& Catalogue() {
  static const std::vector<IndicatorDef> kCatalogue = {
      {"contacts", "Contacts", "count", "none",
       "Contacts with contact date in the period (Annex A list 1 rows; a child may have many).", {}, true},
      {"referrals", "Referrals", "count", "none",
       "Referrals with referral date in the period (CIN census CINdetails or Annex A list 3 rows; "
       "each referral counts).",
       {}, true},
      {"referral_rate", "Referral rate per 10,000 children", "rate_per_10k", "none",
       "Referrals / ONS mid-year population aged 0-17 (mid-year of the financial year's first "
       "calendar year) x 10,000.",
       {}, false},
      {"contact_conversion_pct", "Contacts that became referrals", "percent", "none",
       "Referrals / contacts x 100, over the same period.", {}, false},
  };
  return kCatalogue;
}

const IndicatorDef* FindIndicator(const std::string& id) {
  for (const auto& d : Catalogue()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

v1::IndicatorDefinition ToProto(const IndicatorDef& d) {
  v1::IndicatorDefinition p;
  p.set_id(d.id);
  p.set_name(d.name);
  p.set_unit(d.unit);
  p.set_polarity(d.polarity);
  p.set_definition(d.definition);
  for (const auto& b : d.breakdowns) p.add_breakdowns(b);
  return p;
}

}  // namespace carestat
