// File: format.h
// How reports print a figure for people. Values are stored unrounded and rounded
// only here: whole numbers for counts, days, percentages and rates per 10,000; one
// decimal for the CPP rate (unit rate_per_10k_1dp) and for percent_1dp.
//   FormatValue(cell, "count")            // "11,393", "not available", "c"
//   FormatChange(change_1y_pct)           // "+34%"
#pragma once

#include <string>

#include "carestat/v1/reporting.pb.h"

namespace carestat {

inline constexpr char kNotAvailable[] = "not available";
inline constexpr char kSuppressedMark[] = "c";

// "11,393"; "551" for a rate; "43.0" for rate_per_10k_1dp; "49%"; "c" when
// suppressed; "not available" when missing.
std::string FormatValue(const v1::Cell& c, const std::string& unit);
// The number alone, rounded for the unit (no "c" or "not available").
std::string FormatNumber(double v, const std::string& unit);
// A percentage change: "+34%", "-20%", "0%"; "c"; "not available".
std::string FormatChange(const v1::Cell& c);
// A difference in the unit: "+3 percentage points", "-50", "+0.5".
std::string FormatDifference(const v1::Cell& c, const std::string& unit);
// The unit in words for headings and sheets: "per 10,000 children", "%", "days".
std::string UnitWords(const std::string& unit);
bool IsPercentUnit(const std::string& unit);
bool IsRateUnit(const std::string& unit);
// Decimal places a unit is shown with (0 or 1).
int UnitDecimals(const std::string& unit);

// A stored return's error and query rates against last year's return:
// "errors 1.2 per 1,000 records (last year 0.8), queries 3.4 (last year 5.0)", or
// "... (no return last year)".
std::string QualityAgainstLastYear(const v1::ReturnQuality& q);

// "2013-16": the three financial years ending with 2015-16.
std::string ThreeYearLabel(int last_start_year);
// "England", "London", "Statistical neighbours"; the code itself when unknown.
std::string ComparatorLabel(const std::string& entity);

}  // namespace carestat
