// File: annual.h
// Builds the Cabinet annual report from metrics' aggregates alone (never records):
// Table 1 (contacts and referrals), Table 2 (open cases and rate with SN, London and
// England rates), Table 4 (children entering care on police protection), Figures 1-4
// (CPP and looked-after numbers and rates against comparators) and the facts its text
// quotes, each with last year, change, comparators, target and rating.
//   auto report = BuildAnnualReport("301", "2015-16", metrics, now_ms);   // metrics: a MetricsSource
//   report->tables(0) is Table 1; report->facts() lists "s47_enquiries", ...
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/series.h"
#include "services/reporting/reports/source.h"

namespace carestat {

// INVALID_ARGUMENT when `year` is not a financial year; metrics errors pass through
// (NOT_FOUND when metrics holds nothing for the LA). With `returns`, the report lists the
// year's returns as stored, rejected or missing, and each table, figure and fact whose
// returns are not all stored says which and why; FAILED_PRECONDITION, naming every
// expected return and why it is not there, when the LA has no return stored for the year.
absl::StatusOr<v1::AnnualReport> BuildAnnualReport(const std::string& la, const std::string& year,
                                                   MetricsSource& metrics, int64_t now_ms,
                                                   ReturnsSource* returns = nullptr);

// The LA's name from the shipped list ("" when unknown).
std::string LaName(const std::string& la);

// The facts the annual report quotes, in order: section, indicator, breakdown, label.
struct FactSpec {
  const char* section;
  const char* indicator;
  const char* breakdown;
  const char* label;
};
const std::vector<FactSpec>& AnnualFactSpecs();

}  // namespace carestat
