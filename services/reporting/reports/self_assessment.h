// File: self_assessment.h
// Builds the Ofsted annual self-assessment from metrics' aggregates: six sections
// (front door; children in need and child protection; looked-after children; care
// leavers; adoption; workforce) of indicators with a three-year trend, comparators,
// target, rating and direction of travel; generated strengths and areas for focus,
// each naming its evidence; and a data-quality section per stored return, read from
// ingestion's ListReturns when a ReturnsSource is given (else "not available").
//   auto sa = BuildSelfAssessment("301", "2015-16", metrics, &returns_or_null, now_ms);
//   sa->strengths(0).evidence(0)   // "2015-16": 76
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/source.h"

namespace carestat {

// Strength: an indicator that is improving and better than its statistical
// neighbours (where no neighbour figure is loaded: improving and on target). Area for
// focus: off target, worse than statistical neighbours, or deteriorating. Indicators
// with polarity none are neither.
extern const char kFindingsRule[];

// INVALID_ARGUMENT when `year` is not a financial year; metrics errors pass through.
// `returns` may be null: the data-quality section then says it is not available.
// Ingestion errors do not fail the report: the section says what went wrong.
absl::StatusOr<v1::SelfAssessment> BuildSelfAssessment(const std::string& la, const std::string& year,
                                                       MetricsSource& metrics, ReturnsSource* returns,
                                                       int64_t now_ms);

}  // namespace carestat
