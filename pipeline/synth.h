// File: synth.h
// A synthetic borough: six years of a children's social care case-management system's
// exports for one LA (Annex A list 1 contacts, the CIN census, the SSDA903 tables and a
// local measures file), laid out as an inbox, so the pipeline can be run end to end
// without real (personal) data. The profile fixes the published figures the exports
// must give back under INDICATORS.md.
//   SynthOptions options;  options.out_dir = "/tmp/inbox";  options.seed = 7;
//   absl::StatusOr<SynthSummary> s = WriteSynthBorough(options);
//   if (s.ok()) { /* /tmp/inbox/301/2011/ .. /tmp/inbox/301/2016/ now exist */ }
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace carestat {

struct SynthOptions {
  std::string profile = "barking-and-dagenham";  // the only profile for now
  std::string out_dir;                            // the inbox to write into
  uint64_t seed = 1;
};

// What was written, over all years: `contacts` list 1 rows, `referrals` distinct CIN
// episodes (including those referred before the first year and still open in it),
// `children` distinct child ids, `care_episodes` distinct SSDA903 episodes, `cp_plans`
// distinct child protection plans (including ones ended before the first year, which
// no return holds).
struct SynthSummary {
  int64_t files = 0;
  int64_t contacts = 0;
  int64_t referrals = 0;
  int64_t children = 0;
  int64_t care_episodes = 0;
  int64_t cp_plans = 0;
};

// Writes, for collection years CY = 2011..2016 (financial years 2010-11..2015-16), into
// OUT/301/<CY>/: annex-a-list1-contacts.csv, cin-census.xml, the SSDA903 tables
// header.csv, episodes.csv, oc3.csv, ad1.csv and placed_adoption.csv, and (for the years
// the seed gives local measures) local-measures.csv; directories are created and files
// of those names replaced.
//
// Each return holds what a case-management system would export on its reference date,
// 31 March of CY: every CIN episode and SSDA903 episode open at some time in the year,
// with closures, ends and outcomes only when they had happened by then; a later return
// repeats a record with what became known. Children have one history across the
// datasets: a referral's contact, its assessment, section 47 enquiries, plans; periods of
// care inside open CIN episodes, built of episode chains (REC X1 to RNE L, P or T), with
// police protection (L1, at most 72 hours), short breaks (V3, V4), adoptions (decision,
// placement order E1, match, placement A5/A6, E11/E12) and care leavers in OC3.
//
// Guarantees, for the "barking-and-dagenham" profile (INDICATORS.md definitions, a
// record in several returns taken as the latest return has it):
//  - contacts, referrals, cin_open_year_end, lac_year_end, lac_started, lac_ceased,
//    lac_police_protection_started, adoptions, cpp_year_end, cpp_started, cpp_ceased,
//    s47_enquiries, lac_placements, lac_inhouse_foster_children, care_leavers_18plus,
//    shopa_decisions, adoption A1 (one- and three-year) and lac_peak equal the seed's
//    figures exactly for the years the seed gives; cpp_category_pct{EMO},
//    assessment_timeliness_pct, lac_female_pct, lac_under10_pct and
//    lac_ethnicity_pct{WBRI} round to the seed's printed figures;
//  - every file passes the ingestion rules without an error;
//  - a child's CIN episodes never overlap, and only referrals dated before 1 April 2010
//    (episodes still open on that day) lack a list 1 contact: every other referral has
//    a contact of the same child on its date or up to 3 days before, in the same
//    financial year; children are aged 0-17 at every contact and referral and born
//    before their first contact;
//  - the output depends only on the options: the same seed gives identical bytes.
//
// Errors: InvalidArgument for an unknown profile or an empty out_dir; Internal when the
// calibration cannot be met for the seed (names the figure); an I/O failure returns the
// errno-derived code with a message naming the path.
absl::StatusOr<SynthSummary> WriteSynthBorough(const SynthOptions& options);

}  // namespace carestat
