// File: year_on_year.h
// The annual report's year on year section: each of its figures against the year before
// (counted by direction of travel), and against the previous year's report as reporting
// last built it, so a figure revised since that report was sent says by how much.
//   AddYearOnYear(&report);                          // from the report's facts
//   CompareWithPreviousReport(last_years_snapshot, &report);
//   store ReportSnapshot(report) for next year's report
#pragma once

#include "carestat/v1/reporting.pb.h"

namespace carestat {

// Fills report->year_on_year from the facts that have a year before.
void AddYearOnYear(v1::AnnualReport* report);

// What next year's report needs of this one: the LA, year, when it was built and each
// fact's figure as printed (aggregate figures only, like the report itself).
v1::AnnualReport ReportSnapshot(const v1::AnnualReport& report);

// Whether two snapshots print the same figures (the build time aside).
bool SameFigures(const v1::AnnualReport& a, const v1::AnnualReport& b);

// Marks each year on year row whose year before the previous report printed otherwise,
// names that report, and counts the revisions. `previous` is a ReportSnapshot of the
// year before's report.
void CompareWithPreviousReport(const v1::AnnualReport& previous, v1::AnnualReport* report);

}  // namespace carestat
