// File: synth.h
// A synthetic borough: six years of Annex A list 1 contacts and CIN census returns for
// one LA, laid out as an inbox, so the pipeline can be run end to end without real
// (personal) data. Yearly contact and referral counts are fixed by the profile.
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

// What was written: `contacts` is the number of list 1 rows, `referrals` the number of
// distinct CIN episodes, `children` the number of distinct child ids, over all years.
struct SynthSummary {
  int64_t files = 0;
  int64_t contacts = 0;
  int64_t referrals = 0;
  int64_t children = 0;
};

// Writes OUT/301/<CY>/annex-a-list1-contacts.csv and OUT/301/<CY>/cin-census.xml for
// collection years CY = 2011..2016 (financial years 2010-11..2015-16), creating the
// directories as needed and replacing files of those names.
//
// Guarantees, for the "barking-and-dagenham" profile:
//  - contacts dated in a financial year (list 1 rows) and referrals dated in it
//    (distinct child id and CINreferralDate over all six returns) equal the profile's
//    counts for that year exactly;
//  - a child's CIN episodes never overlap, and no two share a referral date; a closure
//    date is after its referral date and on or before the return's reference date;
//  - every referral has a contact of the same child on its date or up to 3 days
//    before, in the same financial year; children are aged 0-17 at every contact and
//    referral and born before their first contact;
//  - the output depends only on the options: the same seed gives identical bytes.
//
// Errors: InvalidArgument for an unknown profile or an empty out_dir; an I/O failure
// returns the errno-derived code with a message naming the path.
absl::StatusOr<SynthSummary> WriteSynthBorough(const SynthOptions& options);

}  // namespace carestat
