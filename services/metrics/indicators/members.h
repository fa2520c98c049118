// File: members.h
// The children behind a figure (Metrics/ListChildren, role `case`): lists that the code
// counting a figure fills as it counts, so a list always adds up to the figure.
//   PointWriter out(la, now);
//   out.ListFor("cpp_ceased_2y_plus_pct", "", FinancialYear(2015));
//   ComputeChildProtection(in, out);          // counts every figure as usual
//   out.listed()->numerator ... out.listed_point() ...
// Inside a family, around the loop that counts the figure:
//   Members* m = out.Listing("cpp_ceased_2y_plus_pct", "", year);   // nullptr unless asked
//   ... ceased += 1; if (m) m->denominator.push_back(Listed(it));
// A figure whose code never calls Listing cannot be listed: ListChildren says so rather
// than list what another computation would count.
#pragma once

#include <string>
#include <vector>

#include "carestat/v1/metrics.pb.h"
#include "carestat/v1/records.pb.h"
#include "services/common/dates.h"
#include "services/metrics/indicators/record_set.h"

namespace carestat {

struct Members {
  std::vector<v1::ListedChild> numerator, denominator;
  // What one entry is: "children", or "plans" where the definition counts records.
  std::string counts = "children";
};

// A fact of a listed record; a blank value (a date the return left out) is not listed.
inline void AddFact(v1::ListedChild* c, const std::string& name, const std::string& value) {
  if (value.empty()) return;
  v1::ChildFact* f = c->add_facts();
  f->set_name(name);
  f->set_value(value);
}
inline void AddFact(v1::ListedChild* c, const std::string& name, const v1::Date& d) {
  if (d.year() != 0) AddFact(c, name, FormatIsoDate(ToDays(d)));
}

// The dates and codes each kind of record is counted by.
inline void AddFacts(const v1::Contact& r, v1::ListedChild* c) {
  AddFact(c, "contact_date", r.contact_date());
  AddFact(c, "source", r.source());
}
inline void AddFacts(const v1::Referral& r, v1::ListedChild* c) {
  AddFact(c, "referral_date", r.referral_date());
  AddFact(c, "closure_date", r.closure_date());
  AddFact(c, "primary_need", r.primary_need());
  AddFact(c, "closure_reason", r.closure_reason());
  if (r.nfa_known()) AddFact(c, "nfa", r.nfa() ? "yes" : "no");
}
inline void AddFacts(const v1::Assessment& r, v1::ListedChild* c) {
  AddFact(c, "start_date", r.start_date());
  AddFact(c, "authorisation_date", r.authorisation_date());
}
inline void AddFacts(const v1::Section47& r, v1::ListedChild* c) {
  AddFact(c, "start_date", r.start_date());
  AddFact(c, "icpc_date", r.icpc_date());
}
inline void AddFacts(const v1::CpPlan& r, v1::ListedChild* c) {
  AddFact(c, "start_date", r.start_date());
  AddFact(c, "end_date", r.end_date());
  AddFact(c, "category", r.latest_category().empty() ? r.initial_category() : r.latest_category());
  if (r.previous_plans_known()) AddFact(c, "previous_plans", std::to_string(r.previous_plans()));
}
inline void AddFacts(const v1::CareEpisode& r, v1::ListedChild* c) {
  AddFact(c, "start_date", r.start_date());
  AddFact(c, "end_date", r.end_date());
  AddFact(c, "reason_new_episode", r.reason_new_episode());
  AddFact(c, "legal_status", r.legal_status());
  AddFact(c, "placement", r.placement());
  AddFact(c, "provider", r.provider());
  AddFact(c, "reason_ceased", r.reason_ceased());
}
inline void AddFacts(const v1::CareLeaver& r, v1::ListedChild* c) {
  AddFact(c, "birth_date", r.birth_date());
  AddFact(c, "activity", r.activity());
  AddFact(c, "accommodation", r.accommodation());
  AddFact(c, "in_touch", r.in_touch());
}
inline void AddFacts(const v1::Adoption& r, v1::ListedChild* c) {
  AddFact(c, "entered_care_date", r.entered_care_date());
  AddFact(c, "decision_date", r.decision_date());
  AddFact(c, "court_authority_date", r.court_authority_date());
  AddFact(c, "match_date", r.match_date());
  AddFact(c, "placed_date", r.placed_date());
  AddFact(c, "adoption_order_date", r.adoption_order_date());
}

inline const char* RecordKind(const v1::Contact&) { return "contact"; }
inline const char* RecordKind(const v1::Referral&) { return "referral"; }
inline const char* RecordKind(const v1::Assessment&) { return "assessment"; }
inline const char* RecordKind(const v1::Section47&) { return "section47"; }
inline const char* RecordKind(const v1::CpPlan&) { return "cp_plan"; }
inline const char* RecordKind(const v1::CareEpisode&) { return "care_episode"; }
inline const char* RecordKind(const v1::CareLeaver&) { return "care_leaver"; }
inline const char* RecordKind(const v1::Adoption&) { return "adoption"; }

// A list entry for the record that placed its child in a list.
template <typename T>
v1::ListedChild Listed(const Item<T>& it) {
  v1::ListedChild c;
  c.set_child(it.rec.child_id());
  c.set_record(RecordKind(it.rec));
  AddFacts(it.rec, &c);
  for (const auto& s : it.sources) c.add_sources(s);
  return c;
}

}  // namespace carestat
