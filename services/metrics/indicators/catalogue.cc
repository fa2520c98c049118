#include "services/metrics/indicators/catalogue.h"

#include "services/metrics/reference/lait.h"

namespace carestat {

// INDICATORS.md, id by id. Definitions are the contract; keep them in step with it.
// The two flags after the breakdowns: monthly (also per calendar month), rolling (also
// over the 12 months ending with each month). Months: every count that has them, the
// month-end rates (the month-end count over the year's P) and the shares of events (over
// the month's events). Not per month: referral_rate and s47_rate (a month's flow over a
// year's population reads as a twelfth of a rate: their rolling figure is the comparable
// one), shares of the children at 31 March (the census snapshot DfE publishes), figures
// defined over a year or its return, and local measures. Rolling: the flows, their rates
// and the shares of events, each window counted whole (distinct children per window), the
// one ending in March being the year. docs/DASHBOARD.md says the same for users.
const std::vector<IndicatorDef>& Catalogue() {
  static const std::vector<IndicatorDef> kCatalogue = {
      // Front door
      {"contacts", "Contacts", "count", "none",
       "Contacts with contact date in the period (Annex A list 1 rows; a child may have many).", {}, true, true},
      {"referrals", "Referrals", "count", "none",
       "Referrals with referral date in the period (CIN census CINdetails or Annex A list 3 rows; each referral "
       "counts).", {}, true, true},
      {"referral_rate", "Referral rate per 10,000 children", "rate_per_10k", "none",
       "Referrals / ONS mid-year population aged 0-17 (mid-year of the financial year's first calendar year) x "
       "10,000.", {}, false, true},
      {"contact_conversion_pct", "Contacts that became referrals", "percent", "none",
       "Referrals / contacts x 100, over the same period.", {}, true, true},
      {"rereferral_12m_pct", "Re-referrals within 12 months", "percent", "down",
       "Of referrals in the year, % whose child had an earlier referral dated within the 12 calendar months before "
       "(earlier date > referral date minus 12 months).", {}, true, true},
      {"referral_nfa_pct", "Referrals with no further action", "percent", "none",
       "Of referrals in the year, % marked no further action.", {}, true, true},
      // Children in need and assessment
      {"cin_open_year_end", "Open social care cases at year end", "count", "none",
       "Distinct children with a referral (CIN episode) open at 31 March (start <= S and no end or end > S).", {},
       true},
      {"cin_rate", "Open cases per 10,000 children", "rate_per_10k", "none", "cin_open_year_end / P x 10,000.", {},
       true},
      {"assessments_completed", "Assessments completed", "count", "none",
       "Assessments with authorisation date in the period.", {}, true, true},
      {"assessment_timeliness_pct", "Assessments completed within 45 working days", "percent", "up",
       "Of assessments authorised in the year, % with at most 45 working days from actual start date to "
       "authorisation date (local target 80).", {}, true, true},
      {"s47_enquiries", "Section 47 enquiries", "count", "none", "Section 47 enquiries with start date in the period.",
       {}, true, true},
      {"s47_rate", "Section 47 enquiries per 10,000 children", "rate_per_10k", "none", "s47_enquiries / P x 10,000.",
       {}, false, true},
      {"icpc_timeliness_pct", "Initial conferences within 15 working days", "percent", "up",
       "Of initial child protection conferences dated in the year, % held at most 15 working days after the start "
       "of their section 47 enquiry.", {}, true, true},
      // Child protection
      {"cpp_year_end", "Children on a child protection plan at year end", "count", "none",
       "Distinct children subject to a child protection plan open at 31 March.", {}, true},
      {"cpp_rate", "Children on a plan per 10,000 children", "rate_per_10k_1dp", "none", "cpp_year_end / P x 10,000.",
       {}, true},
      {"cpp_started", "Child protection plans started", "count", "none",
       "Plans with start date in the period (a child with two plans counts twice).", {}, true, true},
      {"cpp_ceased", "Child protection plans ceased", "count", "none", "Plans with end date in the period.", {}, true, true},
      {"cpp_category_pct", "Plans by category of abuse", "percent", "none",
       "Of plans open at 31 March, % by latest category of abuse (initial category where latest is missing).",
       {"category=EMO", "category=NEG", "category=PHY", "category=SAB", "category=MUL"}, false},
      {"cpp_repeat_pct", "Second or subsequent plans", "percent", "down",
       "Of plans started in the year, % that are a second or subsequent plan for the child, ever (an earlier plan in "
       "the data, or NumberOfPreviousCPP > 0).", {}, true, true},
      {"cpp_ceased_2y_plus_pct", "Plans ceased after two years or more", "percent", "down",
       "Of plans ceased in the year, % whose end date is on or after the start date plus 2 years.", {}, true, true},
      // Looked-after children
      {"lac_year_end", "Looked-after children at year end", "count", "none",
       "Distinct children looked after at 31 March (V3 and V4 short breaks excluded).", {}, true},
      {"lac_rate", "Looked-after children per 10,000 children", "rate_per_10k", "none", "lac_year_end / P x 10,000.",
       {}, true},
      {"lac_month_end", "Looked-after children at month end", "count", "none",
       "Distinct children looked after on the last day of each month (monthly series only).", {}, true},
      {"lac_peak", "Highest month-end number of looked-after children", "count", "none",
       "Highest lac_month_end over the 12 months of the year.", {}, false},
      {"lac_started", "Children who started to be looked after", "count", "none",
       "Distinct children with an episode of reason for new episode S starting in the year.", {}, true, true},
      {"lac_ceased", "Children who ceased to be looked after", "count", "none",
       "Distinct children with an episode ending in the year whose reason ceased is not X1.", {}, true, true},
      {"lac_police_protection_started", "Children starting care on police protection", "count", "down",
       "Distinct children counted in lac_started whose starting episode (RNE S) has legal status L1.", {}, true, true},
      {"lac_police_protection_pct", "Children starting care on police protection", "percent", "down",
       "lac_police_protection_started / lac_started x 100.", {}, true, true},
      {"lac_female_pct", "Looked-after children who are female", "percent", "none",
       "Of children looked after at 31 March, % female.", {}, false},
      {"lac_under10_pct", "Looked-after children aged under 10", "percent", "none",
       "Of children looked after at 31 March, % aged under 10 at 31 March.", {}, false},
      {"lac_ethnicity_pct", "Looked-after children by ethnicity", "percent", "none",
       "Of children looked after at 31 March, % by DfE ethnicity code (WBRI is White British).",
       {"ethnicity=CODE"}, false},
      {"lac_placements", "Placements started", "count", "none",
       "Episodes starting in the year whose reason for new episode is S, P, T, B or U.", {}, false},
      {"lac_placement_moves_3plus_pct", "Children with 3 or more placements in the year", "percent", "down",
       "Of children looked after at 31 March, % with 3 or more placements during the year (the placement held on 1 "
       "April counts).", {}, false},
      {"lac_long_term_stability_pct", "Long-term placement stability", "percent", "up",
       "Of children under 16 at 31 March looked after continuously for at least 2.5 years, % in the same placement "
       "for at least 2 years.", {}, false},
      {"lac_inhouse_foster_children", "Children in in-house foster care", "count", "none",
       "Distinct children with a placement in the year of type U1 to U6 and provider PR1.", {}, false},
      {"lac_placed_in_borough_pct", "Looked-after children placed in the borough", "percent", "up",
       "Of children looked after at 31 March, % placed inside the LA's boundary, where a return says: the "
       "SSDA903 episode's placement location, else the year's Annex A list 8 (Placement Location).", {}, false},
      {"lac_placed_within_20_miles_pct", "Looked-after children placed within 20 miles", "percent", "up",
       "Of children looked after at 31 March, % placed 20 miles or less from home: the return's distance, else the "
       "miles between the home and placement postcode districts (where both are known).", {}, false},
      {"care_leavers_18plus", "Care leavers aged 18 and over", "count", "none",
       "Care leavers aged 18 or over at 31 March recorded in the year's return (SSDA903 OC3 or Annex A list 9).", {},
       false},
      {"care_leavers_eet_pct", "Care leavers in education, employment or training", "percent", "up",
       "Of care_leavers_18plus, % in education, employment or training (activity F1 to F5).", {}, false},
      {"care_leavers_suitable_accommodation_pct", "Care leavers in suitable accommodation", "percent", "up",
       "Of care_leavers_18plus, % in suitable accommodation (accommodation code ending in 1).", {}, false},
      {"care_leavers_in_touch_pct", "Care leavers the LA is in touch with", "percent", "up",
       "Of care_leavers_18plus, % the LA is in touch with.", {}, false},
      // Adoption
      {"adoptions", "Children adopted", "count", "up",
       "Distinct children whose episode ended in the year with reason E11 or E12.", {}, true, true},
      {"adoption_a1_days", "A1: days from entering care to moving in with the adoptive family", "days", "down",
       "For children adopted in the year: mean days from the start of the period of care that ended in adoption to "
       "the start of the first adoption placement (PLACE A3 to A6) in that period.", {}, false},
      {"adoption_a1_days_3yr", "A1 three-year average", "days", "down",
       "The A1 mean over every child adopted in the three years ending with the year (child-weighted); DfE "
       "threshold 426 for 2013-16.", {}, false},
      {"adoption_a2_days", "A2: days from court authority to match", "days", "down",
       "For children adopted in the year: mean days from court authority to place (first episode with legal status "
       "E1 or D1) to the match date; a match before the authority counts as 0.", {}, false},
      {"adoption_a2_days_3yr", "A2 three-year average", "days", "down",
       "The A2 mean over the three years ending with the year (child-weighted); DfE threshold 121 for 2013-16.", {},
       false},
      {"shopa_decisions", "Decisions that a child should be placed for adoption", "count", "none",
       "Decisions in the year that a child should be placed for adoption.", {}, false},
      // Local measures: supplied in a local measures file, never computed.
      {"agency_sw_rate_pct", "Social workers who are agency staff", "percent", "down",
       "Local measure (workforce return): agency social workers as a % of posts.", {}, false},
      {"sw_caseload_avg", "Average social worker caseload", "count", "down", "Local measure.", {}, false},
      {"cp_visits_timely_pct", "Child protection visits within timescale", "percent", "up", "Local measure.", {},
       false},
      {"cp_core_groups_held_pct", "Core groups held within timescale", "percent", "up", "Local measure.", {}, false},
      {"overspend_gbp", "Children's social care overspend", "gbp", "down", "Local measure (finance).", {}, false},
      {"nrpf_cases", "Families with no recourse to public funds", "count", "none", "Local measure.", {}, false},
      {"foster_carer_reviews_pct", "Foster carer reviews on time", "percent", "up", "Local measure.", {}, false},
      // Data quality
      {"dq_excluded_records", "Records left out for errors", "count", "down",
       "Records of the year's returns flagged with an error rule and so left out of every indicator.", {}, false},
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
  p.set_monthly(d.monthly);
  p.set_rolling(d.rolling);
  if (const Lait::Mapping* m = Lait::Shipped().FindMapping(d.id)) {
    p.set_dfe_status(m->status);
    p.set_dfe_measure(m->measure);
    p.set_dfe_difference(m->difference);
  } else {
    p.set_dfe_status("not published by DfE");
  }
  return p;
}

}  // namespace carestat
