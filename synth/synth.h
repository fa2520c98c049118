// File: synth/synth.h
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
#include <vector>

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
// header.csv, episodes.csv, oc3.csv, ad1.csv and placed_adoption.csv, Annex A lists 2 to
// 10 (annex-a-list2-early-help.csv, -list3-referrals, -list4-assessments,
// -list5-section47, -list6-children-in-need, -list7-child-protection, -list8-looked-after,
// -list9-care-leavers, -list10-adoption), and (for the years the seed gives local
// measures) local-measures.csv; directories are created and files of those names replaced.
//
// Annex A lists 2 to 10 are exported on 31 March of CY about the 12 months before it (the
// financial year, as metrics reads every return): the census's referrals (list 3),
// assessments (4), section 47 enquiries (5), CIN episodes (6) and plans (7) of that
// year with the same children and dates; list 8 has one row per child looked after in
// the year (no date ceased: looked after on 31 March), list 9 the young people of OC3,
// list 10 the children of PlacedAdoption; list 2 early help assessments after contacts
// that went no further. They change no figure metrics computes: metrics reads lists
// 3, 4, 5, 7 and 9 and their records merge with the census's and OC3's own.
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

// A national year: synthetic returns for many LAs at once, of realistic, varied sizes.
//   NationalOptions o;  o.out_dir = "/tmp/inbox";  o.las = 152;
//   absl::StatusOr<NationalSummary> s = WriteSynthNational(o);  // /tmp/inbox/<LA>/2016/...
struct NationalOptions {
  std::string out_dir;
  uint64_t seed = 1;
  int las = 152;                   // 1..152: how many of England's LAs (by DfE code)
  std::vector<int> years = {2016};  // collection years: all in 2011..2016 or all in 2023..2027
  double scale = 1.0;              // volumes times this (tests use small LAs)
  bool annex_a_lists = false;      // also Annex A lists 2 to 10
  int threads = 2;                 // workers; the bytes written do not depend on it
};

struct NationalLa {
  std::string la;    // DfE code, e.g. "886"
  std::string name;  // e.g. "Kent"
  int64_t files = 0, bytes = 0;
  // Over the collection years written: contacts and referrals dated in them; CIN cases
  // open, children looked after, on a plan at the last year's 31 March.
  int64_t contacts = 0, referrals = 0, cin_year_end = 0, lac_year_end = 0, cpp_year_end = 0;
};

struct NationalSummary {
  std::vector<NationalLa> las;  // in DfE code order
  int64_t files = 0, bytes = 0, contacts = 0, referrals = 0, cin_year_end = 0, lac_year_end = 0,
          cpp_year_end = 0;
};

// Writes, for `las` LAs of England (all 152 in DfE code order; fewer: spread across the
// list so that small and large ones are among them), OUT/<LA>/<CY>/ for each collection
// year of `years` with the files WriteSynthBorough writes each year (Annex A lists 2 to
// 10 only with `annex_a_lists`; no local measures). Each LA's volumes follow its child
// population (approximate ONS mid-2015 0-17 estimates, synth/las.cc) times a
// need factor fixed by its code, scaled so that all 152 give, for one year at scale 1,
// about 650,000 referrals, 400,000 children in need and 80,000 looked after at 31 March.
// The volumes are not calibrated to any LA's published figures. Every file passes the
// ingestion rules; an LA's files depend only on the seed, its code and the options (not
// on `threads`). Errors: InvalidArgument for an empty out_dir, `las` outside 1..152, a
// year outside 2011..2016 and 2023..2027 (or a mix of the two) or a scale outside (0, 4]; I/O errors as WriteSynthBorough.
absl::StatusOr<NationalSummary> WriteSynthNational(const NationalOptions& options);

}  // namespace carestat
