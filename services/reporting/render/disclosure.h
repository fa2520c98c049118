// File: disclosure.h
// DfE disclosure control for published reports. Internal reports show every figure;
// `--publish` runs this over a copy of the report before rendering.
//   v1::AnnualReport published = report;
//   std::set<std::string> refs = ApplyDisclosureControl(&published);   // cells now "c"
//
// Rules, on the LA's own figures (cells with a ref; comparators and targets are
// published figures and stay as they are):
//  1. Counts: a count from 1 to 5 is suppressed (0 is shown).
//  2. Rates and percentages: suppressed when their numerator is 1 to 5, or when the
//     count they are computed from is suppressed (referral_rate from referrals, cin_rate
//     from cin_open_year_end, s47_rate, cpp_rate, lac_rate, lac_police_protection_pct
//     from lac_police_protection_started, contact_conversion_pct from referrals): with a
//     public population the rate gives the count back.
//  3. Secondary suppression: in a group whose members add up to a known total, a
//     single suppressed member could be recovered by subtraction; so when exactly one
//     member of a group is suppressed and every other has a value, the smallest other
//     member (by numerator, then value) is suppressed too. Groups: the categories of
//     abuse of one year (cpp_category_pct, adding to 100%), any breakdown family of
//     lac_ethnicity_pct with more than one code shown (adding to 100%), and the flows
//     year end(Y-1) + started(Y) - ceased(Y) = year end(Y) of child protection plans and
//     of looked-after children. Rules 2 and 3 repeat until nothing changes.
//  4. Derived figures (1-year and 5-year changes, differences) of a suppressed figure
//     are suppressed.
// A suppressed cell keeps its ref and unit, has suppressed = true and no value. Every
// numerator and denominator is cleared in published output.
#pragma once

#include <set>
#include <string>

#include <google/protobuf/message.h>

namespace carestat {

// Returns the refs suppressed.
std::set<std::string> ApplyDisclosureControl(google::protobuf::Message* report);

}  // namespace carestat
