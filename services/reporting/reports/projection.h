// File: projection.h
// The annual report's look ahead (issue 18): Figure 5, the children looked after at the
// quarter ends of the report year's second half and projected over the next year with
// the demand model's band; Table 5, the children by placement at the year's end and
// projected a year on; Table 6, the projected cost of each placement category over the
// next financial year. All from metrics' Forecast (reports never see a record). When
// metrics cannot forecast (no SSDA903 episodes, an older metrics) the figure and tables
// are there with the reason as their gap: never left out silently.
//   AddProjection(metrics, "301", 2015, &report);   // the 2015-16 report
#pragma once

#include <string>

#include "carestat/v1/reporting.pb.h"
#include "services/reporting/reports/source.h"

namespace carestat {

void AddProjection(MetricsSource& metrics, const std::string& la, int last_year, v1::AnnualReport* report);

}  // namespace carestat
