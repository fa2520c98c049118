// File: self_assessment.h
// Builds the Ofsted annual self-evaluation of social work practice (ILACS, since 2018)
// from metrics' aggregates. It is set out by ILACS's three judgement areas (children who
// need help and protection; children in care and care leavers; the impact of leaders),
// each answering the three questions Ofsted asks:
//   - What do we know? The area's strengths, areas for focus and figures to watch, each
//     chosen by ClassifyFinding (one rule, kFindingsRule) and quoting its figures.
//   - How do we know it? The evidence tables (sections: three years, direction, England,
//     London and neighbours, else DfE's published figures, DfE's rank and quartile,
//     target, rating), and slots for audit findings, children's and families' voices
//     and workforce evidence, which the council writes: performance figures alone are
//     not the evidence Ofsted asks for.
//   - Plans for the next 12 months: a slot.
// The impact of leaders holds the workforce and finance tables, any other local measure,
// and the data-quality section with its reconciliation to DfE's published figures
// (ingestion's ListReturns when a ReturnsSource is given, else "not available").
//   auto sa = BuildSelfAssessment("301", "2015-16", metrics, &returns_or_null, now_ms);
//   sa->areas(0).id()               // "help_and_protection"
//   sa->strengths(0).evidence(2)    // "2015-16": 20
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/source.h"

namespace carestat {

// The findings rule in words, printed in the notes; ClassifyFinding is its code.
extern const char kFindingsRule[];

enum class FindingKind { kNotListed, kStrength, kAreaForFocus, kToWatch };

struct FindingCall {
  FindingKind kind = FindingKind::kNotListed;
  // "better than neighbours", "worse than England", "equal to neighbours", "on target",
  // "off target", "improving", "stable", "deteriorating", "direction not judged".
  std::vector<std::string> reasons;
  // In words, quoting the comparator's and the target's figures but never the LA's own
  // (those are cells, so disclosure control reaches them): "Better than statistical
  // neighbours (22%) and improving since 2014-15".
  std::string statement;
  std::optional<v1::ComparatorValue> compared_with;   // the comparator the rule used
};

// The comparator the rule compares with: statistical neighbours (the comparator series
// metrics holds, else DfE's published neighbours' average), else England (likewise).
std::optional<v1::ComparatorValue> RuleComparator(const v1::AssessedIndicator& a);

// kFindingsRule on one indicator, from its values (the last two give the direction, by
// DirectionOfTravel), polarity, comparators, DfE's published figures and target.
FindingCall ClassifyFinding(const v1::AssessedIndicator& a);

// The self-assessment's evidence sections in order (front door, CIN and CP, looked after,
// care leavers, adoption, workforce, finance) with their indicators: the dashboard's
// areas are the same.
struct SectionInfo {
  std::string id, title;
  std::vector<std::string> indicators;
};
const std::vector<SectionInfo>& SelfAssessmentSections();

// INVALID_ARGUMENT when `year` is not a financial year; metrics errors pass through.
// `returns` may be null: the data-quality section then says it is not available.
// Ingestion errors do not fail the report: the section says what went wrong.
absl::StatusOr<v1::SelfAssessment> BuildSelfAssessment(const std::string& la, const std::string& year,
                                                       MetricsSource& metrics, ReturnsSource* returns,
                                                       int64_t now_ms);

}  // namespace carestat
